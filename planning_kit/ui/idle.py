"""Work done ahead of the user: a callback run once the browser has settled.

`IdleBeacon` is an invisible widget. `request()` asks for one call of its callback; the
browser answers when it is idle (after the page, or the last change, has been drawn). Without a
browser, nothing is called: plain-Python callers do the work themselves when they need it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

from ._base import static_text

log = logging.getLogger("planning_kit.ui")


class IdleBeacon(anywidget.AnyWidget):
    """Calls `callback()` when the browser is idle after a `request()`; once per request."""

    _esm = static_text("idle_beacon.js")
    ticket = t.Int(0).tag(sync=True)

    def __init__(self, callback: Callable[[], Any]) -> None:
        super().__init__()
        self.layout.display = "none"
        self._callback = callback
        self._done = 0
        self.on_msg(self._on_browser_message)

    def request(self) -> None:
        """Ask for one call of the callback once the browser is idle."""
        self.ticket += 1

    def _on_browser_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Run the callback for the current ticket; ignore stale, repeated or odd messages."""
        if not isinstance(content, dict) or content.get("event") != "idle":
            log.warning("idle beacon: ignored message %r", content)
            return
        if content.get("ticket") != self.ticket or self.ticket in (0, self._done):
            return  # an older request, or one already answered (by another view of the page)
        self._done = self.ticket
        try:
            self._callback()
        except Exception:  # noqa: BLE001 - work ahead of the user must never break the page
            log.exception("idle beacon: callback %r failed", self._callback)
