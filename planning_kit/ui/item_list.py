"""The Objectives tile's list: one anywidget for all objectives, their actions and groups.

Python computes every row (`items`) and which row is open (`selected`); the browser only draws
them and reports a click (or Enter/Space on the focused row) as the custom message
{"event": "select", "id": id}. A value set from Python never reaches the `on_select` callbacks,
so handlers that set `items` or `selected` cannot loop.

Each item is a dict:

    {"id": "a40", "kind": "action", "title": "Call the CFO",
     "meta": "Ana Ruiz · 2025-03-01 · Open · High", "status": "overdue",
     "badges": ["High", "Overdue"], "hints": ["No owner yet"], "muted": False}

`id`, `kind` and `title` are required; the others default to "", "open", [], [] and False.
Actions follow their objective (or a group header such as "Unassigned actions") in list order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

from ._base import static_text

log = logging.getLogger("planning_kit.ui")

KINDS = ("objective", "action", "group")
FIELDS = ("id", "kind", "title", "meta", "status", "badges", "hints", "muted")
REQUIRED = ("id", "kind", "title")
# A status becomes part of a CSS class name (pk-item-<status>), so it is a plain token.
STATUS_TOKEN = re.compile(r"[a-z][a-z0-9_-]{0,39}")
SelectCallback = Callable[[str], Any]


def _text(value: Any, where: str) -> str:
    """A text field; None becomes empty, anything else must already be text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise t.TraitError(f"{where} must be text, not {type(value).__name__}")
    return value


def _texts(value: Any, where: str) -> list[str]:
    """A list of short texts (badges, hints); None becomes empty, empty texts are dropped."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise t.TraitError(f"{where} must be a list of text, not {type(value).__name__}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise t.TraitError(f"{where}[{i}] must be text, not {type(item).__name__}")
        if item:
            out.append(item)
    return out


def check_item(item: Any, where: str) -> dict[str, Any]:
    """One item in the exact shape the browser draws, or a TraitError naming what is wrong."""
    if not isinstance(item, dict):
        raise t.TraitError(f"{where} must be a dict, not {type(item).__name__}")
    unknown = sorted(str(k) for k in item if k not in FIELDS)
    if unknown:
        raise t.TraitError(
            f"{where} has unknown field(s) {', '.join(unknown)}; expected {', '.join(FIELDS)}"
        )
    for name in REQUIRED:
        if name not in item:
            raise t.TraitError(f"{where}.{name} is missing")
    item_id = _text(item["id"], f"{where}.id")
    if not item_id:
        raise t.TraitError(f"{where}.id must not be empty")
    kind = item["kind"]
    if kind not in KINDS:
        raise t.TraitError(f"{where}.kind is {kind!r}; expected one of {', '.join(KINDS)}")
    status = item.get("status")
    status = "open" if status is None or status == "" else status
    if not isinstance(status, str) or not STATUS_TOKEN.fullmatch(status):
        raise t.TraitError(
            f"{where}.status is {status!r}; expected a lower-case token such as 'open' or 'done'"
        )
    muted = item.get("muted", False)
    muted = False if muted is None else muted
    if not isinstance(muted, bool):
        raise t.TraitError(f"{where}.muted must be True or False, not {muted!r}")
    return {
        "id": item_id,
        "kind": kind,
        "title": _text(item["title"], f"{where}.title"),
        "meta": _text(item.get("meta"), f"{where}.meta"),
        "status": status,
        "badges": _texts(item.get("badges"), f"{where}.badges"),
        "hints": _texts(item.get("hints"), f"{where}.hints"),
        "muted": muted,
    }


def check_items(items: Any) -> list[dict[str, Any]]:
    """All items, checked, with defaults filled in and ids unique."""
    if not isinstance(items, list | tuple):
        raise t.TraitError(f"items must be a list, not {type(items).__name__}")
    out = [check_item(item, f"items[{i}]") for i, item in enumerate(items)]
    seen: dict[str, int] = {}
    for i, item in enumerate(out):
        first = seen.setdefault(item["id"], i)
        if first != i:
            raise t.TraitError(f"items[{i}].id {item['id']!r} repeats items[{first}].id")
    return out


class ItemList(anywidget.AnyWidget):
    """Objectives with their actions beneath them, and groups such as "Unassigned actions"."""

    _esm = static_text("item_list.js")
    _css = static_text("item_list.css")

    # A list of dicts (see the module docstring); checked by `check_items`, which names the
    # index and field of anything wrong.
    items = t.List().tag(sync=True)
    selected = t.Unicode("").tag(sync=True)
    empty_message = t.Unicode("No objectives or actions yet.").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        self._ids_of: list | None = None  # the `items` list that `_ids` was built from
        self._ids_cache: dict[str, int] = {}
        super().__init__(**kwargs)
        self._select_callbacks: list[SelectCallback] = []
        self.add_class("pk-objectives-list")
        self.on_msg(self._on_browser_message)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def _ids(self) -> dict[str, int]:
        """Position of each id in `items` (rebuilt when `items` is replaced)."""
        if self._ids_of is not self.items:
            self._ids_cache = {item["id"]: i for i, item in enumerate(self.items)}
            self._ids_of = self.items
        return self._ids_cache

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._ids

    def item(self, item_id: str) -> dict[str, Any] | None:
        """The item shown with this id, or None."""
        at = self._ids.get(item_id)
        return None if at is None else self.items[at]

    def show(self, items: list[dict], selected: str = "") -> None:
        """Replace the items and the open row together: one message, one redraw in the browser."""
        with self.hold_sync(), self.hold_trait_notifications():
            self.items = items
            self.selected = selected

    @t.validate("items")
    def _valid_items(self, proposal: t.Bunch) -> list[dict[str, Any]]:
        return check_items(proposal["value"])

    @t.validate("selected")
    def _valid_selected(self, proposal: t.Bunch) -> str:
        value = proposal["value"]
        if value and value not in self._ids:
            raise t.TraitError(f"selected must be '' or the id of an item shown, not {value!r}")
        return value

    @t.observe("items")
    def _items_changed(self, change: t.Bunch) -> None:
        if self.selected and self.selected not in self._ids:
            self.selected = ""

    def on_select(self, callback: SelectCallback, remove: bool = False) -> None:
        """Call `callback(id)` when a row is picked in the browser (never from Python)."""
        if remove:
            self._select_callbacks = [cb for cb in self._select_callbacks if cb != callback]
        else:
            self._select_callbacks.append(callback)

    def _on_browser_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Route a click from the browser to the callbacks; log and drop anything malformed."""
        if not isinstance(content, dict) or content.get("event") != "select":
            log.warning("objectives list: ignored message %r", content)
            return
        item_id = content.get("id")
        if not isinstance(item_id, str) or item_id not in self._ids:
            log.warning("objectives list: ignored select of an item not shown: %r", content)
            return
        for callback in list(self._select_callbacks):
            try:
                callback(item_id)
            except Exception:  # noqa: BLE001 - one failing listener must not hide the others
                log.exception("objectives list: on_select callback %r failed", callback)
