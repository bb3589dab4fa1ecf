"""The white-space grid widget in plain Python: clicks arrive as custom messages, and only those."""

from __future__ import annotations

import logging
import re
from importlib.resources import files

import pytest
import traitlets

from planning_kit.ui.whitespace_grid import STATUSES, WhiteSpaceGrid, check_grid

HOSTILE = '<img src=x onerror="alert(1)">'


def make_grid(rows: int = 3, families: tuple[int, ...] = (2, 3)) -> dict:
    """A grid of `rows` divisions and families of the given sizes, cycling through statuses."""
    columns = [
        {"id": f"sol-{f}-{i}", "title": f"Solution {f}.{i}", "family": f"fam-{f}"}
        for f, size in enumerate(families)
        for i in range(size)
    ]
    return {
        "families": [
            {"id": f"fam-{f}", "title": f"Family {f}", "span": size}
            for f, size in enumerate(families)
        ],
        "columns": columns,
        "rows": [{"key": f"div-{r}", "title": f"Division {r}"} for r in range(rows)],
        "cells": [
            [
                {
                    "status": STATUSES[(r + c) % len(STATUSES)],
                    "label": f"${r}.{c}M",
                    "shade": (r + c) / 10,
                    "tip": f"cell {r},{c}",
                }
                for c in range(len(columns))
            ]
            for r in range(rows)
        ],
    }


class Recorder:
    """An on_select callback that remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, row: int, col: int) -> None:
        self.calls.append((row, col))


@pytest.fixture
def grid_and_calls() -> tuple[WhiteSpaceGrid, Recorder]:
    grid = WhiteSpaceGrid(grid=make_grid())
    calls = Recorder()
    grid.on_select(calls)
    return grid, calls


def click(grid: WhiteSpaceGrid, content: object) -> None:
    """Deliver a custom message as ipywidgets does when the browser calls model.send()."""
    grid._handle_custom_msg(content, [])


def test_a_click_reaches_on_select_with_row_and_column(grid_and_calls) -> None:
    grid, calls = grid_and_calls
    click(grid, {"event": "select", "row": 2, "col": 4})
    click(grid, {"event": "select", "row": 0, "col": 0, "row_key": "div-0", "column": "sol-0-0"})
    assert calls.calls == [(2, 4), (0, 0)]


@pytest.mark.parametrize(
    "content",
    [
        None,
        "select",
        [],
        {},
        {"event": "hover", "row": 0, "col": 0},
        {"event": "select"},
        {"event": "select", "row": 0},
        {"event": "select", "row": "0", "col": 0},
        {"event": "select", "row": 0, "col": 1.0},
        {"event": "select", "row": True, "col": 0},
        {"event": "select", "row": -1, "col": 0},
        {"event": "select", "row": 3, "col": 0},
        {"event": "select", "row": 0, "col": 5},
        {"event": "select", "row": [0], "col": {"a": 1}},
        {"event": "select", "row": 1, "col": 1, "row_key": "div-9"},
        {"event": "select", "row": 1, "col": 1, "column": "sol-0-0"},
    ],
)
def test_malformed_or_stale_messages_are_logged_and_ignored(grid_and_calls, content, caplog):
    grid, calls = grid_and_calls
    with caplog.at_level(logging.WARNING, logger="planning_kit.ui"):
        click(grid, content)
    assert calls.calls == []
    assert "white-space grid: ignored" in caplog.text


def test_values_set_from_python_never_call_on_select(grid_and_calls) -> None:
    grid, calls = grid_and_calls
    grid.selected = [1, 2]
    grid.selected = []
    grid.grid = make_grid(rows=5, families=(4,))
    grid.selected = [4, 3]
    grid.show(make_grid(rows=2), [1, 1])
    grid.set_state({"selected": [0, 1]})  # as if the browser had written the trait
    assert calls.calls == []


def test_a_failing_callback_is_logged_and_the_others_still_run(grid_and_calls, caplog) -> None:
    grid, calls = grid_and_calls

    def broken(row: int, col: int) -> None:
        raise RuntimeError("boom")

    grid.on_select(broken)
    grid.on_select(calls)
    with caplog.at_level(logging.ERROR, logger="planning_kit.ui"):
        click(grid, {"event": "select", "row": 1, "col": 1})
    assert calls.calls == [(1, 1), (1, 1)]
    assert "boom" in caplog.text


def test_on_select_remove_stops_the_calls(grid_and_calls) -> None:
    grid, calls = grid_and_calls
    grid.on_select(calls, remove=True)
    click(grid, {"event": "select", "row": 1, "col": 1})
    assert calls.calls == []


def test_the_widget_carries_its_css_class_and_the_grid_shape() -> None:
    grid = WhiteSpaceGrid(grid=make_grid(rows=20, families=(10, 10, 20)))
    assert "pk-potentials-grid" in grid._dom_classes
    assert grid.shape == (20, 40)
    state = grid.get_state()
    assert len(state["grid"]["cells"]) == 20
    assert {len(line) for line in state["grid"]["cells"]} == {40}


def test_an_empty_widget_has_an_empty_grid() -> None:
    grid = WhiteSpaceGrid()
    assert grid.grid == {"families": [], "columns": [], "rows": [], "cells": []}
    assert grid.shape == (0, 0)
    assert grid.selected == []


def test_cells_are_normalised_and_shade_is_clamped() -> None:
    raw = make_grid(rows=1, families=(2,))
    raw["cells"][0] = [{"status": "won", "shade": 7}, {"status": "blocked", "shade": -1}]
    cells = check_grid(raw)["cells"][0]
    assert cells == [
        {"status": "won", "label": "", "shade": 1.0, "tip": ""},
        {"status": "blocked", "label": "", "shade": 0.0, "tip": ""},
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g["cells"][1][2].update(status="maybe"), r"grid\.cells\[1\]\[2\]\.status"),
        (lambda g: g["cells"][0][0].update(shade="high"), r"grid\.cells\[0\]\[0\]\.shade"),
        (lambda g: g["cells"][2].pop(), r"grid\.cells\[2\] has 4 cells; expected 5"),
        (lambda g: g["cells"].pop(), r"grid\.cells has 2 rows but grid\.rows has 3"),
        (lambda g: g["rows"][1].update(title=3), r"grid\.rows\[1\]\.title must be text"),
        (lambda g: g["families"][0].update(span=3), r"they differ at column 2"),
        (lambda g: g["families"][1].update(span=0), r"grid\.families\[1\]\.span"),
        (lambda g: g["columns"].__setitem__(0, "x"), r"grid\.columns\[0\] must be a dict"),
    ],
)
def test_a_bad_grid_from_python_names_what_is_wrong(change, message) -> None:
    widget = WhiteSpaceGrid(grid=make_grid())
    bad = make_grid()
    change(bad)
    with pytest.raises(traitlets.TraitError, match=message):
        widget.grid = bad
    assert widget.grid == check_grid(make_grid())


def test_selected_must_be_inside_the_grid(grid_and_calls) -> None:
    grid, _ = grid_and_calls
    for bad in ([3, 0], [0, 5], [1], [0, 0, 0]):
        with pytest.raises(traitlets.TraitError):
            grid.selected = bad
    grid.selected = [2, 4]
    assert grid.selected == [2, 4]


def test_a_smaller_grid_drops_a_selection_that_no_longer_fits(grid_and_calls) -> None:
    grid, _ = grid_and_calls
    grid.selected = [2, 4]
    grid.grid = make_grid(rows=1)
    assert grid.selected == []
    grid.selected = [0, 1]
    grid.grid = make_grid(rows=2)
    assert grid.selected == [0, 1]


def test_show_replaces_grid_and_selection_in_one_message(grid_and_calls) -> None:
    grid, _ = grid_and_calls
    sent: list[dict] = []
    grid._send = lambda msg, buffers=None: sent.append(msg)  # what would go to the browser
    grid.show(make_grid(rows=8, families=(6,)), [7, 5])
    assert grid.selected == [7, 5]
    assert [sorted(m["state"]) for m in sent] == [["grid", "selected"]]


def test_hostile_names_are_kept_as_plain_text_for_the_browser() -> None:
    raw = make_grid(rows=1, families=(1,))
    raw["rows"][0]["title"] = HOSTILE
    raw["columns"][0]["title"] = HOSTILE
    raw["cells"][0][0]["tip"] = HOSTILE
    grid = WhiteSpaceGrid(grid=raw)
    assert grid.grid["rows"][0]["title"] == HOSTILE  # not escaped twice: the browser uses text


def static_text(name: str) -> str:
    return (files("planning_kit.ui") / "static" / name).read_text(encoding="utf-8")


def test_the_es_module_never_parses_html() -> None:
    """Names come from users and imports: the module sets text, never markup."""
    source = static_text("whitespace_grid.js")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, f"whitespace_grid.js uses {sink}"
    assert "textContent" in source


def test_the_es_module_reports_clicks_only_as_messages() -> None:
    """The browser never writes a trait, so no value can echo back into on_select."""
    source = static_text("whitespace_grid.js")
    assert re.search(r"model\.send\(\{\s*event:\s*\"select\"", source)
    assert "model.set(" not in source
    assert "save_changes" not in source
    assert "export default" in source


def test_the_widget_ships_its_module_and_styles() -> None:
    grid = WhiteSpaceGrid()
    assert grid._esm == static_text("whitespace_grid.js")
    assert grid._css == static_text("whitespace_grid.css")
    assert ".pk-cell-selected" in grid._css
