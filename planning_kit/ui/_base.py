"""Helpers shared by the launchpad and the tiles: escaping, status lines, safe callbacks."""

from __future__ import annotations

import functools
import html
import logging
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as w

log = logging.getLogger("planning_kit.ui")

COLOURS = {"grey": "#8a8f98", "red": "#c62828", "amber": "#e69500", "green": "#2e7d32"}


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
