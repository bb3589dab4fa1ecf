"""The Potentials white-space grid: one anywidget table for all divisions × solutions.

Python computes what every cell shows (`grid`) and which cell is open (`selected`); the browser
only draws them and reports clicks as custom messages. A value set from Python never reaches the
`on_select` callbacks, so handlers that set `grid` or `selected` cannot loop.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

from ._base import static_text

log = logging.getLogger("planning_kit.ui")

STATUSES = ("whitespace", "potential", "current", "won", "blocked")
SelectCallback = Callable[[int, int], Any]


def _text(value: Any, where: str) -> str:
    """A text field of the grid; None becomes empty, anything else must already be text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise t.TraitError(f"{where} must be text, not {type(value).__name__}")
    return value


def _items(grid: dict, name: str) -> list:
    """One of the grid's lists, or a TraitError naming it."""
    value = grid.get(name, [])
    if not isinstance(value, list | tuple):
        raise t.TraitError(f"grid.{name} must be a list, not {type(value).__name__}")
    return list(value)


def _record(item: Any, where: str, fields: tuple[str, ...]) -> dict[str, str]:
    """A family, column or row: a dict whose named fields are text."""
    if not isinstance(item, dict):
        raise t.TraitError(f"{where} must be a dict, not {type(item).__name__}")
    return {name: _text(item.get(name), f"{where}.{name}") for name in fields}


def _span(item: dict, where: str) -> int:
    """How many columns a family covers: a whole number of at least 1."""
    span = item.get("span", 1)
    if isinstance(span, bool) or not isinstance(span, int) or span < 1:
        raise t.TraitError(f"{where}.span must be a whole number of at least 1, not {span!r}")
    return span


def _cell(cell: Any, where: str) -> dict[str, Any]:
    """One cell, checked and with defaults filled in (shade clamped to 0..1)."""
    if not isinstance(cell, dict):
        raise t.TraitError(f"{where} must be a dict, not {type(cell).__name__}")
    status = cell.get("status", "whitespace")
    if status not in STATUSES:
        raise t.TraitError(f"{where}.status is {status!r}; expected one of {', '.join(STATUSES)}")
    shade = cell.get("shade", 0.0)
    if isinstance(shade, bool) or not isinstance(shade, int | float) or math.isnan(shade):
        raise t.TraitError(f"{where}.shade must be a number from 0 to 1, not {shade!r}")
    return {
        "status": status,
        "label": _text(cell.get("label"), f"{where}.label"),
        "shade": min(1.0, max(0.0, float(shade))),
        "tip": _text(cell.get("tip"), f"{where}.tip"),
    }


def check_grid(grid: dict) -> dict[str, Any]:
    """The grid in the exact shape the browser draws, or a TraitError naming what is wrong."""
    if not isinstance(grid, dict):
        raise t.TraitError(f"grid must be a dict, not {type(grid).__name__}")
    families, columns, rows, cells = (
        _items(grid, k) for k in ("families", "columns", "rows", "cells")
    )
    out_families = [
        {
            **_record(f, f"grid.families[{i}]", ("id", "title")),
            "span": _span(f, f"grid.families[{i}]"),
        }
        for i, f in enumerate(families)
    ]
    out_columns = [
        _record(c, f"grid.columns[{i}]", ("id", "title", "family")) for i, c in enumerate(columns)
    ]
    out_rows = [_record(r, f"grid.rows[{i}]", ("key", "title")) for i, r in enumerate(rows)]
    if out_families:
        _check_families(out_families, out_columns)
    if len(cells) != len(rows):
        raise t.TraitError(f"grid.cells has {len(cells)} rows but grid.rows has {len(rows)}")
    out_cells = []
    for r, line in enumerate(cells):
        if not isinstance(line, list | tuple) or len(line) != len(columns):
            size = len(line) if isinstance(line, list | tuple) else type(line).__name__
            raise t.TraitError(f"grid.cells[{r}] has {size} cells; expected {len(columns)}")
        out_cells.append([_cell(cell, f"grid.cells[{r}][{c}]") for c, cell in enumerate(line)])
    return {"families": out_families, "columns": out_columns, "rows": out_rows, "cells": out_cells}


def _check_families(families: list[dict], columns: list[dict]) -> None:
    """Columns come grouped by family, in the families' order, as many as each span says."""
    expected = [f["id"] for f in families for _ in range(f["span"])]
    actual = [c["family"] for c in columns]
    if expected != actual:
        where = next(
            (i for i, (want, got) in enumerate(zip(expected, actual, strict=False)) if want != got),
            min(len(expected), len(actual)),
        )
        raise t.TraitError(
            f"grid.columns must be grouped as grid.families says ({len(expected)} columns);"
            f" they differ at column {where}"
        )


class WhiteSpaceGrid(anywidget.AnyWidget):
    """Divisions (rows) × solutions grouped by family (columns), coloured by status and amount."""

    _esm = static_text("whitespace_grid.js")
    _css = static_text("whitespace_grid.css")

    grid = t.Dict().tag(sync=True)
    selected = t.List(t.Int(), default_value=[]).tag(sync=True)
    empty_message = t.Unicode("No divisions or solutions to show yet.").tag(sync=True)
    show_legend = t.Bool(True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("grid", check_grid({}))
        super().__init__(**kwargs)
        self._select_callbacks: list[SelectCallback] = []
        self.add_class("pk-potentials-grid")
        self.on_msg(self._on_browser_message)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid shown now."""
        return len(self.grid.get("rows", [])), len(self.grid.get("columns", []))

    def show(self, grid: dict, selected: list[int] | None = None) -> None:
        """Replace the grid and the open cell together: one message, one redraw in the browser."""
        with self.hold_sync(), self.hold_trait_notifications():
            self.grid = grid
            self.selected = list(selected or [])

    @t.validate("grid")
    def _valid_grid(self, proposal: t.Bunch) -> dict[str, Any]:
        return check_grid(proposal["value"])

    @t.validate("selected")
    def _valid_selected(self, proposal: t.Bunch) -> list[int]:
        value = list(proposal["value"])
        if value and not self._in_range(value):
            raise t.TraitError(
                f"selected must be [] or [row, col] inside {self.shape}, not {value}"
            )
        return value

    @t.observe("grid")
    def _grid_changed(self, change: t.Bunch) -> None:
        if self.selected and not self._in_range(self.selected):
            self.selected = []

    def _in_range(self, value: list[Any]) -> bool:
        rows, cols = self.shape
        return (
            len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and 0 <= value[0] < rows
            and 0 <= value[1] < cols
        )

    def on_select(self, callback: SelectCallback, remove: bool = False) -> None:
        """Call `callback(row, col)` when a cell is picked in the browser (never from Python)."""
        if remove:
            self._select_callbacks = [cb for cb in self._select_callbacks if cb != callback]
        else:
            self._select_callbacks.append(callback)

    def _on_browser_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Route a click from the browser to the callbacks; log and drop anything malformed."""
        if not isinstance(content, dict) or content.get("event") != "select":
            log.warning("white-space grid: ignored message %r", content)
            return
        row, col = content.get("row"), content.get("col")
        if not self._in_range([row, col]):
            log.warning("white-space grid: ignored select outside %s: %r", self.shape, content)
            return
        if not self._matches_shown_grid(content, row, col):
            log.warning("white-space grid: ignored a click on a grid no longer shown: %r", content)
            return
        for callback in list(self._select_callbacks):
            try:
                callback(row, col)
            except Exception:  # noqa: BLE001 - one failing listener must not hide the others
                log.exception("white-space grid: on_select callback %r failed", callback)

    def _matches_shown_grid(self, content: dict, row: int, col: int) -> bool:
        """False when the browser named a row or column other than the one at that index now."""
        row_key, column = content.get("row_key"), content.get("column")
        if row_key is not None and row_key != self.grid["rows"][row]["key"]:
            return False
        return column is None or column == self.grid["columns"][col]["id"]
