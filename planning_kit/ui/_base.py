"""Helpers shared by the launchpad and the tiles: escaping, status lines, safe callbacks."""

from __future__ import annotations

import functools
import html
import logging
import os
from collections.abc import Callable
from datetime import datetime
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as w

log = logging.getLogger("planning_kit.ui")

COLOURS = {"grey": "#8a8f98", "red": "#c62828", "amber": "#e69500", "green": "#2e7d32"}


def static_text(name: str) -> str:
    """A file shipped in planning_kit/ui/static (a widget's JavaScript or CSS), as text."""
    return (files("planning_kit.ui") / "static" / name).read_text(encoding="utf-8")


HIDDEN = "pk-hidden"  # page.css: display none


def set_shown(widget: Any, shown: bool) -> None:
    """Show or hide a widget by a CSS class.

    Unlike `layout.display`, a class sends the browser no resize for the widget's whole subtree,
    so the plotly charts inside a tile are not drawn again each time the tile is shown or hidden.
    """
    if shown:
        widget.remove_class(HIDDEN)
    else:
        widget.add_class(HIDDEN)


def page_style() -> w.HTML:
    """The page's own CSS rules, first in the page so that they apply before anything shows."""
    style = w.HTML(
        "<style>.pk-launchpad, .pk-launchpad-tile-box { position: relative; }"
        f".{HIDDEN} {{ position: absolute !important; left: -100000px !important; top: 0; "
        "width: 100%; visibility: hidden !important; pointer-events: none; }</style>"
    )
    style.add_class("pk-page-style")
    return style


def is_shown(widget: Any) -> bool:
    """Whether `set_shown` left the widget shown."""
    return HIDDEN not in widget._dom_classes


def close_tree(widget: Any) -> None:
    """Close a widget with its children, layouts and styles, so kernel and browser free them."""
    for child in getattr(widget, "children", ()) or ():
        close_tree(child)
    for part in ("layout", "style"):
        owned = getattr(widget, part, None)
        if isinstance(owned, w.Widget):
            owned.close()
    if isinstance(widget, w.Widget):
        widget.close()


def esc(value: Any) -> str:
    """Text made safe for an HTML widget."""
    return html.escape("" if value is None else str(value), quote=True)


def when(value: datetime | None) -> str:
    """A stored UTC time as short text."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def money(value: float | None) -> str:
    """An amount as short text: $1.2M, $300k, $950."""
    if value is None:
        return "—"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"${value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"${value:,.0f}"


def badge(colour: str, text: str) -> str:
    """A small coloured status pill (HTML); `text` is escaped."""
    return (
        f'<span class="pk-badge pk-badge-{esc(colour)}" style="background:'
        f"{COLOURS.get(colour, '#8a8f98')};color:white;border-radius:9px;padding:1px 8px;"
        f'font-size:12px">{esc(text)}</span>'
    )


def query_params(query: str | None) -> dict[str, str]:
    """The first value of each parameter in a query string (leading '?' allowed)."""
    parsed = parse_qs((query or "").lstrip("?"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def page_query_string() -> str:
    """The page's query string under Voila, or '' in JupyterLab.

    Voila puts it in QUERY_STRING before the notebook runs. Only a preheated kernel has to ask
    the server for it; importing voila otherwise would load the whole Jupyter server into the
    kernel (about 2.7 s on every page).
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        from voila.utils import get_query_string

        return get_query_string() or ""
    return os.environ.get("QUERY_STRING", "")


class StatusLine:
    """One line that tells the user what just happened, or what went wrong."""

    def __init__(self, css_class: str) -> None:
        self.widget = w.HTML(value="")
        self.widget.add_class(css_class)
        self.text = ""
        self.kind = ""

    def show(self, text: str, kind: str = "info") -> None:
        """Show a message: kind is info, ok, warning or error."""
        self.text, self.kind = text, kind
        colour = {"error": "#b71c1c", "warning": "#8a5a00", "ok": "#1b5e20"}.get(kind, "#333")
        icon = {"error": "⚠ ", "warning": "⚠ ", "ok": "✓ "}.get(kind, "")
        self.widget.value = (
            f'<div class="pk-status pk-status-{kind}" style="color:{colour}">'
            f"{icon}{esc(text)}</div>"
            if text
            else ""
        )

    def clear(self) -> None:
        """Remove the message."""
        self.show("")


def guarded(status_attr: str = "status") -> Callable:
    """Decorate a handler so that any failure shows in the owner's status line and the log."""

    def decorate(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return handler(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every failure must reach the user
                if _is_user_error(exc):
                    log.info("handler %s refused: %s", handler.__name__, exc)
                else:
                    log.exception("handler %s failed", handler.__name__)
                getattr(self, status_attr).show(f"{friendly_error(exc)}", "error")
                return None

        return run

    return decorate


def _is_user_error(exc: BaseException) -> bool:
    """Bad input or a refused write: the message says it all, no traceback is logged."""
    from ..store import StoreError

    return isinstance(exc, StoreError | ValueError)


def friendly_error(exc: BaseException) -> str:
    """A one-line message for the user, without a traceback."""
    from ..store import StoreError

    if isinstance(exc, StoreError | ValueError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}: {exc}). Nothing else was changed."


def fill(dropdown: Any, options: list[tuple[str, Any]], empty: str) -> None:
    """Give a drop-down its options with the first one shown (a None value shows a blank)."""
    dropdown.options = options or [(empty, None)]
    dropdown.index = 0


class Chart:
    """An Output showing one plotly figure, drawn again only when its data changes.

    Drawing a figure costs the browser about 100 ms, so a refresh that leaves the numbers as
    they were sends nothing. `key` is any comparable summary of the data; `build` makes the
    figure (called only when the key changed), or is None for no chart.
    """

    def __init__(self, css_class: str) -> None:
        self.widget = w.Output()
        self.widget.add_class(css_class)
        self.key: Any = None
        self.draws = 0

    def show(self, key: Any, build: Callable[[], Any] | None) -> None:
        """Show the figure for `key` (None or no `build`: no chart)."""
        key = None if build is None else key
        if key == self.key and self.draws:
            return
        self.key = key
        self.draws += 1
        self.widget.clear_output(wait=True)
        if build is not None:
            with self.widget:
                build().show(config={"displayModeBar": False})


class Unsaved:
    """Why the last edit of a tile's open item was not saved, to say again when the user moves on.

    The refusal shows beside the field; when the user opens another item or leaves the tile,
    that message goes out of sight, so the tile (or the launchpad) repeats it once.
    """

    def __init__(self) -> None:
        self.text = ""

    def remember(self, text: str) -> None:
        """Keep the refusal of the edit just made ('' when it was saved)."""
        self.text = text

    def take(self) -> str:
        """The kept refusal, once."""
        text, self.text = self.text, ""
        return text

    def say_after_switch(self, status: StatusLine) -> None:
        """Another item is open now: repeat the refusal, or clear a message about the last one."""
        text = self.take()
        if text:
            status.show(text, "error")
        else:
            status.clear()


class PlanContext:
    """The open plan, shared by the launchpad and its tiles so that all see one version."""

    def __init__(self, store: Any, registry: Any, plan: Any) -> None:
        self.store = store
        self.registry = registry
        self.plan = plan
        self.listeners: list[Callable[[], None]] = []

    @property
    def plan_type(self) -> Any:
        """The plan's current PlanType."""
        return self.registry.get(self.plan.plan_type)

    def replace(self, plan: Any) -> None:
        """Take a newer copy of the plan (after a write) and tell the listeners."""
        self.plan = plan
        for listener in list(self.listeners):
            listener()

    def reload(self) -> None:
        """Read the plan again from the store (after a conflict)."""
        self.replace(self.store.get_plan(self.plan.id))

    def write(self, action: Callable, tile: str, guard: Callable | None = None) -> Any:
        """Run a tile's versioned write, `action(plan_id, version)`, and take the new plan.

        On a conflict (a teammate saved something else in the plan) the plan is reloaded and
        the write is made once more, unless the plan's type now switches `tile` off, or
        `guard` raises because the teammate changed the very item being edited.
        """
        from ..plan_types import TILE_TITLES
        from ..store import PlanConflict

        for attempt in (1, 2):
            plan = self.plan
            try:
                result = action(plan.id, plan.version)
                break
            except PlanConflict:
                self.reload()
                plan_type = self.plan_type
                if not plan_type.tile_enabled(tile):
                    raise PlanConflict(
                        f"Not saved: the plan type is now {plan_type.title}, which switches "
                        f"{TILE_TITLES.get(tile, tile)} off. Go back to the launchpad; what was "
                        "saved is kept and comes back when the type allows the tile again."
                    ) from None
                if guard is not None:
                    guard()
                if attempt == 2:
                    raise
        self.replace(result[0] if isinstance(result, tuple) else result)
        return result
