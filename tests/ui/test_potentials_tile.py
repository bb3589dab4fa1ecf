"""The Potentials tile in plain Python: the grid, the cell panel, divisions, links and targets."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import ipywidgets as w
import pytest

from planning_kit.model import Account, ImportBatch, salesforce_id_18
from planning_kit.store import Store
from planning_kit.ui._base import PlanContext
from planning_kit.ui.launchpad import Launchpad
from planning_kit.ui.potentials import (
    PotentialsModel,
    PotentialsTile,
    grid_data,
    pipeline_figure,
    totals_html,
)

UNITED_OIL = "001bm00001ZL8UEAA1"
PORTABLE_DEAL = "006bm00000LKJNOAA5"  # United Oil Office Portable Generators: open, $125k
EMERGENCY_WON = "006bm00000LKJNjAAP"  # United Oil Emergency Generators: closed won, $440k
INSTALL_LOST = "006bm00000LKJNbAAP"  # United Oil Installations: closed lost, $270k
EXPANSION_ONLY = "remote_monitoring"  # expansion allows it, acquisition does not
FRESH_LINE = "14/14 white space · potential $0 · current $0 · won $0"


# -- helpers -------------------------------------------------------------------------------


def find(root: Any, css: str) -> list[Any]:
    """Every widget under `root` carrying the CSS class `css`."""
    found, todo = [], [root]
    while todo:
        widget = todo.pop()
        if css in getattr(widget, "_dom_classes", ()):
            found.append(widget)
        todo.extend(getattr(widget, "children", ()) or ())
    return found


def one(tile: PotentialsTile, css: str) -> Any:
    """The one widget of the tile with this CSS class."""
    found = find(tile.widget, css)
    assert len(found) == 1, (css, found)
    return found[0]


def button(tile: PotentialsTile, label: str) -> w.Button:
    """The tile's button with this label."""
    found, todo = [], [tile.widget]
    while todo:
        widget = todo.pop()
        if isinstance(widget, w.Button) and widget.description == label:
            found.append(widget)
        todo.extend(getattr(widget, "children", ()) or ())
    assert len(found) == 1, (label, found)
    return found[0]


def browser_message(grid: Any, content: dict) -> None:
    """Deliver a custom message to the grid widget as the browser's comm does."""
    grid._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def click(tile: PotentialsTile, row_key: str, solution_id: str) -> None:
    """Click a cell in the browser: the grid widget gets {event: select, row, col, ...}."""
    table = one(tile, "pk-potentials-grid")
    rows = [r["key"] for r in table.grid["rows"]]
    cols = [c["id"] for c in table.grid["columns"]]
    row, col = rows.index(row_key), cols.index(solution_id)
    browser_message(
        table,
        {"event": "select", "row": row, "col": col, "row_key": row_key, "column": solution_id},
    )


def text(widget: Any) -> str:
    """An HTML widget's text, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


def summary_line(tile: PotentialsTile) -> str:
    """The totals line at the top of the tile."""
    found = re.search(r"<div class='pk-potentials-line'>(.*?)</div>", tile._summary.value)
    assert found, tile._summary.value
    return html.unescape(found.group(1))


def message(tile: PotentialsTile) -> str:
    """The panel's message (without its warning sign)."""
    return text(one(tile, "pk-potentials-message")).removeprefix("⚠ ")


def field(tile: PotentialsTile, role: str) -> Any:
    """A field of the cell panel: status-choice, amount, timing, reason, notes, ..."""
    return one(tile, f"pk-potentials-{role}")


def cell_events(store: Store, plan_id: int) -> list[tuple[str, str, str | None, str | None]]:
    """(cell, field, old, new) of the plan's potential events, oldest first."""
    return [
        (e.entity_id, e.field, e.old_value, e.new_value)
        for e in reversed(store.events(plan_id=plan_id))
        if e.entity == "potential"
    ]


def shown(element: Any) -> bool:
    """Whether a widget is displayed."""
    return element.layout.display != "none"


def row_titles(tile: PotentialsTile) -> list[str]:
    return [r["title"] for r in one(tile, "pk-potentials-grid").grid["rows"]]


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def lp(sample_store: Store, registry: Any) -> Launchpad:
    """The launchpad with a new expansion plan of United Oil & Gas Corp., Potentials open."""
    pad = Launchpad(sample_store, registry)
    pad._search.value = "united oil & gas corp"
    pad._start.click()
    pad._new_type.value = "expansion"
    pad._create.click()
    pad._tile_buttons["potentials"].click()
    assert pad.model.account.id == UNITED_OIL
    assert pad.model.tile == "potentials", pad.status.text
    return pad


@pytest.fixture
def tile(lp: Launchpad) -> PotentialsTile:
    """The open Potentials tile."""
    assert isinstance(lp._tile_view, PotentialsTile)
    return lp._tile_view


@pytest.fixture
def plan_id(lp: Launchpad) -> int:
    return lp.model.plan.id


def set_cell(tile: PotentialsTile, row_key: str, solution_id: str, **values: str) -> None:
    """Click a cell, then type its fields one by one (status first)."""
    click(tile, row_key, solution_id)
    for role in ("status-choice", "reason", "amount", "timing", "notes"):
        key = role.replace("-choice", "")
        if key in values:
            field(tile, role).value = values[key]


# -- the grid ------------------------------------------------------------------------------


def test_tile_shows_whole_account_row_and_the_types_solutions(tile, registry):
    table = one(tile, "pk-potentials-grid")
    expansion = registry.get("expansion")
    assert row_titles(tile) == ["Whole account"]
    assert [c["id"] for c in table.grid["columns"]] == [
        s.id
        for f in registry.catalogue.families
        for s in f.solutions
        if s.id in expansion.solutions
    ]
    assert [(f["title"], f["span"]) for f in table.grid["families"]] == [
        ("Power Generation", 5),
        ("Field Services", 5),
        ("Software & Analytics", 4),
    ]
    assert summary_line(tile) == FRESH_LINE
    assert "Potentials · Expansion" in tile._summary.value
    assert not shown(tile._panel)  # nothing open yet
    assert table.selected == []


def test_a_browser_click_opens_the_cell(tile, sample_store, plan_id):
    click(tile, "account", "portable_generators")

    assert shown(tile._panel)
    title = text(one(tile, "pk-potentials-panel-title"))
    assert "Whole account × Portable Generators" in title
    assert "Power Generation" in title
    assert one(tile, "pk-potentials-grid").selected == [0, 2]
    assert field(tile, "status-choice").value == "whitespace"
    assert (field(tile, "amount").value, field(tile, "timing").value) == ("", "")
    assert not shown(field(tile, "reason"))
    assert sample_store.potentials(plan_id) == []  # opening saves nothing


@pytest.mark.parametrize(
    "content",
    [
        {"event": "select", "row": 0, "col": 99},
        {"event": "select", "row": 0, "col": 2, "row_key": "d42", "column": "portable_generators"},
        {"event": "select", "row": 0, "col": 2, "row_key": "account", "column": "installation"},
        {"event": "hover", "row": 0, "col": 2},
        {"event": "select", "row": "0", "col": 2},
        ["select", 0, 2],
    ],
    ids=["outside", "stale-row", "stale-column", "other-event", "text-row", "not-a-dict"],
)
def test_malformed_or_stale_clicks_open_nothing(tile, content):
    browser_message(one(tile, "pk-potentials-grid"), content)
    assert tile._open is None
    assert not shown(tile._panel)


def test_every_edit_saves_by_itself_as_an_event(lp, tile, sample_store, plan_id):
    version = lp.model.plan.version
    click(tile, "account", "portable_generators")

    field(tile, "status-choice").value = "potential"
    stored = sample_store.potential(plan_id, None, "portable_generators")
    assert (stored.status, stored.amount, stored.updated_by) == ("potential", None, "tester")
    assert message(tile) == "Saved."
    assert lp.model.plan.version == version + 1  # the shared context took the new version

    field(tile, "amount").value = "$250k"
    field(tile, "timing").value = "2027-q1"
    field(tile, "notes").value = "Field crews ask for towable units."

    stored = sample_store.potential(plan_id, None, "portable_generators")
    assert (stored.status, stored.amount, stored.timing, stored.notes) == (
        "potential",
        250_000.0,
        "2027-Q1",
        "Field crews ask for towable units.",
    )
    assert field(tile, "timing").value == "2027-q1"  # what was typed stays on screen
    assert cell_events(sample_store, plan_id) == [
        ("whole account × portable_generators", "status", "whitespace", "potential"),
        ("whole account × portable_generators", "amount", None, "250000.0"),
        ("whole account × portable_generators", "timing", None, "2027-Q1"),
        (
            "whole account × portable_generators",
            "notes",
            "",
            "Field crews ask for towable units.",
        ),
    ]
    assert lp.model.plan.version == version + 4
    assert summary_line(tile) == "13/14 white space · potential $250k · current $0 · won $0"
    cell = one(tile, "pk-potentials-grid").grid["cells"][0][2]
    assert (cell["status"], cell["label"], cell["shade"]) == ("potential", "$250k", 1.0)


def test_typing_the_same_value_again_saves_no_event(tile, sample_store, plan_id):
    set_cell(tile, "account", "installation", status="potential", amount="250000")
    before = sample_store.events(plan_id=plan_id)
    field(tile, "amount").value = "$250k"  # the same amount, typed differently
    assert sample_store.events(plan_id=plan_id) == before


@pytest.mark.parametrize(
    ("status", "reason", "line"),
    [
        ("potential", "", "13/14 white space · potential $300k · current $0 · won $0"),
        ("current", "", "13/14 white space · potential $0 · current $300k · won $0"),
        ("won", "", "13/14 white space · potential $0 · current $0 · won $300k"),
        ("blocked", "Competitor under contract until 2027-06", FRESH_LINE.replace("14/", "13/")),
    ],
)
def test_each_status_counts_in_the_line(tile, sample_store, plan_id, status, reason, line):
    set_cell(tile, "account", "installation", amount="300k", reason=reason)
    field(tile, "status-choice").value = status

    stored = sample_store.potential(plan_id, None, "installation")
    assert (stored.status, stored.amount, stored.blocked_reason) == (status, 300_000.0, reason)
    assert summary_line(tile) == line
    label = one(tile, "pk-potentials-grid").grid["cells"][0][5]["label"]
    assert label == ("✕" if status == "blocked" else "$300k")


def test_blocked_needs_a_reason(tile, sample_store, plan_id):
    set_cell(tile, "account", "installation", status="potential", amount="100k")
    before = sample_store.potential(plan_id, None, "installation")

    field(tile, "status-choice").value = "blocked"

    assert shown(field(tile, "reason"))
    assert "A blocked cell needs a reason" in message(tile)
    assert "pk-potentials-message-error" in one(tile, "pk-potentials-message").value
    assert sample_store.potential(plan_id, None, "installation") == before
    assert field(tile, "status-choice").value == "blocked"  # the choice stays on screen

    field(tile, "reason").value = "   "
    assert sample_store.potential(plan_id, None, "installation") == before

    field(tile, "reason").value = "Competitor under contract until 2027-06"

    stored = sample_store.potential(plan_id, None, "installation")
    assert (stored.status, stored.blocked_reason) == (
        "blocked",
        "Competitor under contract until 2027-06",
    )
    assert message(tile) == "Saved."
    assert cell_events(sample_store, plan_id)[-2:] == [
        ("whole account × installation", "status", "potential", "blocked"),
        (
            "whole account × installation",
            "blocked_reason",
            "",
            "Competitor under contract until 2027-06",
        ),
    ]


@pytest.mark.parametrize(
    ("role", "typed", "expected"),
    [
        ("amount", "lots", "Amount: 'lots' is not an amount"),
        ("amount", "-5", "Amount: '-5' is not an amount"),
        ("amount", "1,5m", "Amount: '1,5m' is not an amount"),
        ("timing", "soon", "Timing: 'soon' is not a timing"),
        ("timing", "2027-Q5", "Timing: '2027-Q5' is not a timing"),
        ("timing", "2027-02-30", "Timing: '2027-02-30' is not a timing"),
    ],
)
def test_bad_field_shows_a_message_naming_it_and_keeps_the_text(
    tile, sample_store, plan_id, role, typed, expected
):
    set_cell(tile, "account", "installation", status="potential", amount="100k", timing="2027-Q1")
    before = sample_store.potential(plan_id, None, "installation")
    events = sample_store.events(plan_id=plan_id)

    field(tile, role).value = typed

    assert message(tile).startswith(expected), message(tile)
    assert field(tile, role).value == typed
    assert sample_store.potential(plan_id, None, "installation") == before
    assert sample_store.events(plan_id=plan_id) == events


def test_bad_amount_message_quotes_what_was_typed(tile):
    set_cell(tile, "account", "installation", status="potential")
    field(tile, "amount").value = "Lots"
    assert "'Lots' is not an amount" in message(tile)
    assert "1.2M" in message(tile)


def test_a_large_amount_reopens_in_a_form_that_saves_again(tile, sample_store, plan_id):
    set_cell(tile, "account", "installation", status="potential", amount="1.2M")
    click(tile, "account", "standby_generators")
    click(tile, "account", "installation")

    field(tile, "notes").value = "Two sites first."

    assert sample_store.potential(plan_id, None, "installation").notes == "Two sites first."
    assert message(tile) == "Saved."


def test_values_set_from_python_never_reach_the_save(tile, sample_store, plan_id, monkeypatch):
    set_cell(tile, "account", "installation", status="potential", amount="100k")
    calls: list[tuple] = []
    monkeypatch.setattr(tile.model, "save_cell", lambda *a, **k: calls.append((a, k)))
    events = sample_store.events(plan_id=plan_id)
    table = one(tile, "pk-potentials-grid")
    opened = tile._open

    table.grid = grid_data(tile.model.grid())
    table.selected = [0, 3]
    table.show(grid_data(tile.model.grid()), [0, 7])
    tile.refresh()  # loads the open cell's fields from the store

    assert calls == []
    assert tile._open == opened  # the Python-side selection opened nothing
    assert sample_store.events(plan_id=plan_id) == events


def test_a_browser_click_calls_on_select_once(tile):
    table = one(tile, "pk-potentials-grid")
    seen: list[tuple[int, int]] = []
    table.on_select(lambda row, col: seen.append((row, col)))
    table.selected = [0, 1]
    assert seen == []
    click(tile, "account", "installation")
    assert seen == [(0, 5)]


# -- opportunities -------------------------------------------------------------------------


def test_suggestions_are_offered_first_and_never_linked_by_themselves(tile, sample_store, plan_id):
    click(tile, "account", "portable_generators")

    choices = field(tile, "link-choice").options
    assert choices[0][1] == PORTABLE_DEAL
    assert choices[0][0].startswith("★ suggested: United Oil Office Portable Generators")
    assert sum(label.startswith("★") for label, _ in choices) == 1
    assert sample_store.potentials(plan_id) == []
    assert summary_line(tile) == FRESH_LINE
    assert "No linked opportunities" in text(one(tile, "pk-potentials-linked"))


@pytest.mark.parametrize(
    ("solution", "deal", "status", "line"),
    [
        (
            "portable_generators",
            PORTABLE_DEAL,
            "current",
            "13/14 white space · potential $0 · current $125k · won $0",
        ),
        (
            "emergency_generators",
            EMERGENCY_WON,
            "won",
            "13/14 white space · potential $0 · current $0 · won $440k",
        ),
        (
            "installation",
            INSTALL_LOST,
            "potential",
            "13/14 white space · potential $50k · current $0 · won $0",
        ),
    ],
    ids=["open", "won", "lost"],
)
def test_link_to_existing_opportunity(tile, sample_store, plan_id, solution, deal, status, line):
    set_cell(tile, "account", solution, status="potential", amount="50k")

    field(tile, "link-choice").value = deal
    button(tile, "Link").click()

    stored = sample_store.potential(plan_id, None, solution)
    assert stored.opportunity_ids == [deal]
    assert stored.status == "potential"  # the team's status is kept; the link decides
    assert summary_line(tile) == line
    assert message(tile) == "Linked."
    grid_cell = tile.model.grid().cell("account", solution)
    assert grid_cell.status == status
    assert [o.id for o in grid_cell.linked] == [deal]
    assert deal not in [v for _, v in field(tile, "link-choice").options]
    assert cell_events(sample_store, plan_id)[-1] == (
        f"whole account × {solution}",
        "opportunity",
        None,
        deal,
    )
    if status != "potential":
        assert "from linked opportunities" in text(one(tile, "pk-potentials-panel-title"))


def test_unlink_returns_the_cell_to_the_teams_status(tile, sample_store, plan_id):
    set_cell(tile, "account", "emergency_generators", status="potential", amount="10k")
    field(tile, "link-choice").value = EMERGENCY_WON
    button(tile, "Link").click()
    assert "won $440k" in summary_line(tile)

    tile._unlink_choice.value = EMERGENCY_WON
    button(tile, "Unlink").click()

    assert sample_store.potential(plan_id, None, "emergency_generators").opportunity_ids == []
    assert summary_line(tile) == "13/14 white space · potential $10k · current $0 · won $0"


def test_qualify_creates_an_opportunity_and_the_cell_becomes_current(tile, sample_store, plan_id):
    click(tile, "account", "portable_generators")
    assert not shown(tile._qualify_box)  # only a potential can be qualified
    set_cell(tile, "account", "portable_generators", status="potential", amount="250k")
    field(tile, "timing").value = "2027-Q1"
    click(tile, "account", "portable_generators")  # reopen: defaults come from the stored cell
    assert shown(tile._qualify_box)
    assert field(tile, "opp-name").value == "United Oil & Gas Corp. – Portable Generators"
    assert field(tile, "close-date").value == "2027-03-31"  # the quarter's last day

    field(tile, "opp-name").value = "United Oil Towable Units"
    field(tile, "close-date").value = "2027-03-15"
    button(tile, "Qualify").click()

    [created] = sample_store.qualified_opportunities(plan_id)
    assert (
        created.account_id,
        created.name,
        created.amount,
        created.close_date,
        created.stage,
        created.source,
        created.is_closed,
    ) == (
        UNITED_OIL,
        "United Oil Towable Units",
        250_000.0,
        date(2027, 3, 15),
        "Prospecting",
        "plan",
        False,
    )
    stored = sample_store.potential(plan_id, None, "portable_generators")
    assert (stored.status, stored.opportunity_ids) == ("current", [created.id])
    assert tile.model.grid().cell("account", "portable_generators").status == "current"
    assert summary_line(tile) == "13/14 white space · potential $0 · current $250k · won $0"
    assert "Qualified: opportunity 'United Oil Towable Units' created" in message(tile)
    assert not shown(tile._qualify_box)
    assert "United Oil Towable Units" in text(one(tile, "pk-potentials-linked"))


def test_qualify_defaults_for_a_division_cell(tile, sample_store):
    add_division(tile, "Refining")
    refining = sample_store.divisions(UNITED_OIL)[0]
    set_cell(tile, f"d{refining.id}", "installation", status="potential", amount="80k")
    click(tile, f"d{refining.id}", "installation")
    assert field(tile, "opp-name").value == "Refining – Installation & Commissioning"
    assert field(tile, "close-date").value == ""  # no timing, no linked close date


@pytest.mark.parametrize(
    ("name", "close", "expected"),
    [
        ("Deal", "next spring", "Close date: 'next spring' is not a date"),
        ("Deal", "", "Close date: '' is not a date"),
        ("   ", "2027-03-31", "the opportunity needs a name"),
    ],
)
def test_qualify_refuses_bad_fields(tile, sample_store, plan_id, name, close, expected):
    set_cell(tile, "account", "installation", status="potential", amount="10k")
    field(tile, "opp-name").value = name
    field(tile, "close-date").value = close

    button(tile, "Qualify").click()

    assert expected in message(tile) + tile.status.text
    assert sample_store.qualified_opportunities(plan_id) == []
    assert sample_store.potential(plan_id, None, "installation").status == "potential"


# -- divisions -----------------------------------------------------------------------------


def add_division(tile: PotentialsTile, name: str) -> None:
    field(tile, "division-name").value = name
    button(tile, "Add").click()


def test_add_rename_and_move_divisions(tile, sample_store):
    add_division(tile, "Refining")
    assert field(tile, "division-name").value == ""
    assert tile.status.text == "Added the division 'Refining'."
    assert row_titles(tile) == ["Refining"]  # the unused Whole account row gives way
    add_division(tile, "Pipelines")
    add_division(tile, "Retail")
    assert [d.name for d in sample_store.divisions(UNITED_OIL)] == [
        "Refining",
        "Pipelines",
        "Retail",
    ]
    assert row_titles(tile) == ["Refining", "Pipelines", "Retail"]
    assert summary_line(tile) == "42/42 white space · potential $0 · current $0 · won $0"

    retail = sample_store.divisions(UNITED_OIL)[2]
    field(tile, "division").value = retail.id
    field(tile, "division-name").value = "Retail Stations"
    button(tile, "Rename").click()
    assert sample_store.get_division(retail.id).name == "Retail Stations"
    assert tile.status.text == "Renamed the division to 'Retail Stations'."

    button(tile, "↑").click()
    assert row_titles(tile) == ["Refining", "Retail Stations", "Pipelines"]
    button(tile, "↑").click()
    button(tile, "↑").click()  # already first: stays
    assert [d.name for d in sample_store.divisions(UNITED_OIL)] == [
        "Retail Stations",
        "Refining",
        "Pipelines",
    ]
    button(tile, "↓").click()
    assert row_titles(tile) == ["Refining", "Retail Stations", "Pipelines"]
    fields = {(e.entity, e.field) for e in sample_store.events(account_id=UNITED_OIL)}
    assert {("division", "created"), ("division", "name"), ("division", "position")} <= fields


@pytest.mark.parametrize(
    ("name", "expected"),
    [("", "a division needs a name"), ("refining", "already a division named 'Refining'")],
)
def test_add_division_refuses_bad_names(tile, sample_store, name, expected):
    add_division(tile, "Refining")
    add_division(tile, name)
    assert expected in tile.status.text
    assert tile.status.kind == "error"
    assert [d.name for d in sample_store.divisions(UNITED_OIL)] == ["Refining"]


def test_remove_a_division_with_potentials_asks_and_undo_restores(tile, sample_store, plan_id):
    add_division(tile, "Refining")
    add_division(tile, "Retail")
    refining = sample_store.divisions(UNITED_OIL)[0]
    key = f"d{refining.id}"
    set_cell(tile, key, "installation", status="potential", amount="80k", notes="two sites")
    saved = sample_store.potential(plan_id, refining.id, "installation")
    field(tile, "division").value = refining.id

    button(tile, "Remove").click()

    assert shown(tile._confirm)
    confirm = text(tile._confirm_text)
    assert "'Refining' holds 1 potential cell(s). Remove it anyway?" in confirm
    assert [d.name for d in sample_store.divisions(UNITED_OIL)] == ["Refining", "Retail"]
    assert summary_line(tile) == "27/28 white space · potential $80k · current $0 · won $0"

    button(tile, "Remove anyway").click()

    assert not shown(tile._confirm)
    assert [d.name for d in sample_store.divisions(UNITED_OIL)] == ["Retail"]
    assert row_titles(tile) == ["Retail"]
    assert summary_line(tile) == FRESH_LINE
    assert "1 cell(s) of removed divisions are hidden" in text(tile._hidden)
    assert sample_store.potential(plan_id, refining.id, "installation") == saved
    assert not shown(tile._panel)  # the open cell went with its row
    undo = button(tile, "Undo removal")
    assert shown(undo)

    undo.click()

    assert [d.name for d in sample_store.divisions(UNITED_OIL)] == ["Refining", "Retail"]
    assert row_titles(tile) == ["Refining", "Retail"]
    assert text(tile._hidden) == ""
    assert summary_line(tile) == "27/28 white space · potential $80k · current $0 · won $0"
    assert tile.model.grid().cell(key, "installation").stored == saved
    assert tile.status.text == "Restored the division 'Refining'."
    assert not shown(undo)


def test_remove_anyway_only_removes_the_division_it_asked_about(tile, sample_store, plan_id):
    add_division(tile, "Refining")
    add_division(tile, "Retail")
    refining, retail = sample_store.divisions(UNITED_OIL)
    set_cell(tile, f"d{refining.id}", "installation", status="potential", amount="80k")
    set_cell(tile, f"d{retail.id}", "installation", status="won", amount="20k")
    field(tile, "division").value = refining.id
    button(tile, "Remove").click()
    assert "'Refining' holds 1 potential cell(s)" in text(tile._confirm_text)

    field(tile, "division").value = retail.id
    if shown(tile._confirm):
        button(tile, "Remove anyway").click()

    # Retail holds a potential too, and nobody confirmed removing it
    assert retail.id in [d.id for d in sample_store.divisions(UNITED_OIL)]


def test_cancel_keeps_the_division(tile, sample_store, plan_id):
    add_division(tile, "Refining")
    refining = sample_store.divisions(UNITED_OIL)[0]
    set_cell(tile, f"d{refining.id}", "installation", status="won", amount="5k")
    button(tile, "Remove").click()
    button(tile, "Cancel").click()
    assert not shown(tile._confirm)
    assert [d.name for d in sample_store.divisions(UNITED_OIL)] == ["Refining"]


def test_remove_an_empty_division_needs_no_confirmation(tile, sample_store):
    add_division(tile, "Refining")
    button(tile, "Remove").click()
    assert not shown(tile._confirm)
    assert sample_store.divisions(UNITED_OIL) == []
    assert row_titles(tile) == ["Whole account"]
    assert "Removed the division 'Refining'." in tile.status.text


def test_child_accounts_become_divisions(tile, sample_store):
    children = [
        Account(id=salesforce_id_18(f"001bm0000CHILD{n}"), name=name, parent_id=UNITED_OIL)
        for n, name in ((1, "United Oil Refining"), (2, "United Oil Pipelines"))
    ]
    sample_store.apply_import(ImportBatch(accounts=children))

    button(tile, "Use child accounts as divisions").click()

    divisions = sample_store.divisions(UNITED_OIL)
    assert sorted((d.name, d.source_account_id) for d in divisions) == sorted(
        (c.name, c.id) for c in children
    )
    assert sorted(row_titles(tile)) == ["United Oil Pipelines", "United Oil Refining"]
    assert tile.status.text.startswith("Added 2 division(s) from child accounts:")

    button(tile, "Use child accounts as divisions").click()  # nothing new the second time

    assert len(sample_store.divisions(UNITED_OIL)) == 2
    assert tile.status.text.startswith("No new divisions")


def test_no_child_accounts_adds_no_divisions(tile, sample_store):
    button(tile, "Use child accounts as divisions").click()
    assert sample_store.divisions(UNITED_OIL) == []
    assert "no child accounts" in tile.status.text
    assert row_titles(tile) == ["Whole account"]


def test_hostile_division_name_is_escaped(tile):
    add_division(tile, "<script>alert(1)</script>")
    click(tile, one(tile, "pk-potentials-grid").grid["rows"][0]["key"], "installation")
    for widget in (tile._summary, tile._totals, tile._panel_title, tile.status.widget):
        assert "<script>" not in widget.value
    assert "&lt;script&gt;" in tile._totals.value


# -- revenue targets -----------------------------------------------------------------------


def add_target(tile: PotentialsTile, label: str, start: str, end: str, amount: str) -> None:
    for role, value in (("label", label), ("start", start), ("end", end), ("amount", amount)):
        field(tile, f"target-{role}").value = value
    button(tile, "Add target").click()


def test_revenue_targets_and_pipeline_against_them(tile, sample_store, plan_id):
    set_cell(tile, "account", "installation", status="potential", amount="250k", timing="2027-Q1")
    set_cell(
        tile, "account", "standby_generators", status="won", amount="100k", timing="2027-05-01"
    )
    set_cell(tile, "account", "fuel_management", status="current", amount="7k")  # no timing

    add_target(tile, "FY27 Q1", "2027-01-01", "2027-03-31", "1M")
    add_target(tile, "FY27 Q2", "2027-04-01", "2027-06-30", "500k")  # adjacent: allowed

    targets = sample_store.revenue_targets(plan_id)
    assert [(t.label, t.start_date, t.end_date, t.amount) for t in targets] == [
        ("FY27 Q1", date(2027, 1, 1), date(2027, 3, 31), 1_000_000.0),
        ("FY27 Q2", date(2027, 4, 1), date(2027, 6, 30), 500_000.0),
    ]
    assert tile.status.text == "Added the target for FY27 Q2."
    assert field(tile, "target-label").value == ""
    listing = text(one(tile, "pk-potentials-targets"))
    assert "FY27 Q12027-01-01 – 2027-03-31$1M$250k25%" in listing
    assert "FY27 Q22027-04-01 – 2027-06-30$500k$100k20%" in listing
    assert "$7k of pipeline has no timing" in listing
    result = tile.model.pipeline()
    figure = pipeline_figure(result)
    bars = {trace.name: list(trace.y) for trace in figure.data}
    assert bars == {
        "Potential": [250_000.0, 0.0],
        "Current": [0.0, 0.0],
        "Won": [0.0, 100_000.0],
        "Target": [1_000_000.0, 500_000.0],
    }


def test_the_chart_is_drawn_again_only_when_the_pipeline_changes(tile):
    set_cell(tile, "account", "installation", status="potential", amount="250k", timing="2027-Q1")
    add_target(tile, "FY27 Q1", "2027-01-01", "2027-03-31", "1M")
    draws = tile._chart.draws
    ((target, by_status),) = tile._chart.key  # what the drawn figure shows
    assert (target.label, by_status["potential"]) == ("FY27 Q1", 250_000.0)

    field(tile, "notes").value = "Met the plant manager"  # saved, but the pipeline is the same
    tile.refresh()

    assert tile._chart.draws == draws

    field(tile, "amount").value = "400k"

    assert tile._chart.draws == draws + 1
    assert tile._chart.key[0][1]["potential"] == 400_000.0


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2027-03-01", "2027-05-31", "overlaps 'FY27 Q1'"),
        ("2027-03-31", "2027-03-31", "overlaps 'FY27 Q1'"),
        ("2026-12-01", "2027-12-31", "overlaps 'FY27 Q1'"),
        ("2027-06-01", "2027-05-01", "ends (2027-05-01) before it starts"),
        ("June", "2027-07-01", "Start: 'June' is not a date"),
    ],
)
def test_a_bad_target_shows_an_error_beside_the_form_and_saves_nothing(
    tile, sample_store, plan_id, start, end, expected
):
    add_target(tile, "FY27 Q1", "2027-01-01", "2027-03-31", "1M")
    before = sample_store.revenue_targets(plan_id)

    add_target(tile, "Spring", start, end, "300k")

    # Beside the target form, not in the status line at the top, out of sight.
    assert expected in text(one(tile, "pk-potentials-target-message"))
    assert tile.status.kind != "error"
    assert sample_store.revenue_targets(plan_id) == before
    assert field(tile, "target-label").value == "Spring"  # what was typed stays
    add_target(tile, "Spring", "2027-04-01", "2027-06-30", "300k")
    assert text(one(tile, "pk-potentials-target-message")) == ""


def test_a_period_label_used_twice_is_refused(tile, sample_store, plan_id):
    """Two periods of one name would be one bar in the chart and one name to remove."""
    add_target(tile, "FY27 Q2", "2027-04-01", "2027-06-30", "400k")
    add_target(tile, "fy27 q2", "2027-07-01", "2027-09-30", "400k")
    assert "already used" in text(one(tile, "pk-potentials-target-message"))
    assert [t.label for t in sample_store.revenue_targets(plan_id)] == ["FY27 Q2"]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("", "Amount: a target needs an amount"), ("lots", "'lots' is not an amount")],
)
def test_a_target_needs_an_amount(tile, sample_store, plan_id, amount, expected):
    add_target(tile, "FY27 Q1", "2027-01-01", "2027-03-31", amount)
    assert expected in text(one(tile, "pk-potentials-target-message"))
    assert sample_store.revenue_targets(plan_id) == []


def test_remove_a_target(tile, sample_store, plan_id):
    add_target(tile, "FY27 Q1", "2027-01-01", "2027-03-31", "1M")
    target = sample_store.revenue_targets(plan_id)[0]
    tile._target_remove_choice.value = target.id
    button(tile, "Remove target").click()
    assert sample_store.revenue_targets(plan_id) == []
    assert "No targets yet" in text(one(tile, "pk-potentials-targets"))


# -- totals --------------------------------------------------------------------------------


def test_totals_by_family_and_by_division(tile, sample_store):
    add_division(tile, "Refining")
    add_division(tile, "Retail")
    refining, retail = sample_store.divisions(UNITED_OIL)
    set_cell(tile, f"d{refining.id}", "standby_generators", status="potential", amount="100k")
    set_cell(tile, f"d{refining.id}", "installation", status="won", amount="20k")
    set_cell(tile, f"d{retail.id}", "portable_generators", status="current", amount="30k")

    grid = tile.model.grid()
    totals = grid.totals()
    assert totals.by_family == {
        "power_generation": {"potential": 100_000.0, "current": 30_000.0},
        "field_services": {"won": 20_000.0},
    }
    assert totals.by_row == {
        f"d{refining.id}": {"potential": 100_000.0, "won": 20_000.0},
        f"d{retail.id}": {"current": 30_000.0},
    }
    table = text(one(tile, "pk-potentials-by"))
    assert table == text(w.HTML(totals_html(grid)))
    assert "Power Generation$100k$30k$0" in table
    assert "Field Services$0$0$20k" in table
    assert "Refining$100k$0$20k" in table
    assert "Retail$0$30k$0" in table
    assert summary_line(tile) == "25/28 white space · potential $100k · current $30k · won $20k"


# -- several users, the launchpad and the plan type ----------------------------------------


@pytest.fixture
def alices_tile(lp, sample_store, registry, monkeypatch):
    """Alice opens the tile on the same plan in her own session, and acts in it."""
    other = Store(sample_store.url)

    def as_alice(action: Any) -> None:
        monkeypatch.setenv("PLANNING_KIT_USER", "alice")
        try:
            plan = other.get_plan(lp.model.plan.id)
            action(PotentialsTile(PlanContext(other, registry, plan)))
        finally:
            monkeypatch.setenv("PLANNING_KIT_USER", "tester")

    yield as_alice
    other.close()


def test_someone_editing_another_cell_does_not_block_mine(
    lp, tile, sample_store, plan_id, alices_tile
):
    click(tile, "account", "installation")  # shown before Alice's edit
    version = lp.model.plan.version
    alices_tile(lambda t: set_cell(t, "account", "standby_generators", status="won", amount="9k"))

    field(tile, "status-choice").value = "potential"

    mine = sample_store.potential(plan_id, None, "installation")
    hers = sample_store.potential(plan_id, None, "standby_generators")
    assert (mine.status, mine.updated_by) == ("potential", "tester")
    assert (hers.status, hers.amount, hers.updated_by) == ("won", 9_000.0, "alice")
    assert message(tile) == "Saved."
    assert lp.model.plan.version == sample_store.get_plan(plan_id).version == version + 3
    assert summary_line(tile) == "12/14 white space · potential $0 · current $0 · won $9k"


def test_someone_editing_the_same_cell_is_not_overwritten(
    lp, tile, sample_store, plan_id, alices_tile
):
    set_cell(tile, "account", "installation", status="potential", amount="100k")
    alices_tile(lambda t: set_cell(t, "account", "installation", amount="120k"))

    field(tile, "amount").value = "999k"  # based on the cell as it was shown

    stored = sample_store.potential(plan_id, None, "installation")
    assert (stored.amount, stored.updated_by) == (120_000.0, "alice")
    assert message(tile).startswith("Not saved: alice changed this cell at ")
    assert "changed this cell" in message(tile)
    assert field(tile, "amount").value == "120000"  # the store's value is shown now

    field(tile, "amount").value = "999k"  # now on the newest version: it replaces hers

    stored = sample_store.potential(plan_id, None, "installation")
    assert (stored.amount, stored.updated_by) == (999_000.0, "tester")


def test_someone_editing_another_cell_does_not_block_my_link(
    lp, tile, sample_store, plan_id, alices_tile
):
    click(tile, "account", "portable_generators")
    alices_tile(lambda t: set_cell(t, "account", "standby_generators", status="won", amount="9k"))

    field(tile, "link-choice").value = PORTABLE_DEAL
    button(tile, "Link").click()

    assert tile.status.text == ""
    assert sample_store.potential(plan_id, None, "portable_generators").opportunity_ids == [
        PORTABLE_DEAL
    ]
    assert sample_store.potential(plan_id, None, "standby_generators").updated_by == "alice"


def test_launchpad_tile_line_follows_an_edit(lp, tile):
    states = {s.id: s for s in lp.model.tiles()}
    assert states["potentials"].line == FRESH_LINE
    set_cell(tile, "account", "installation", status="potential", amount="1.2M")
    set_cell(tile, "account", "portable_generators", status="current", amount="300k")
    set_cell(tile, "account", "emergency_generators", status="won", amount="150k")
    expected = "11/14 white space · potential $1.2M · current $300k · won $150k"
    assert {s.id: s for s in lp.model.tiles()}["potentials"].line == expected

    lp._back.click()

    assert text(lp._tile_lines["potentials"]) == expected


def test_type_change_hides_a_cell_and_brings_it_back(lp, tile, sample_store, plan_id):
    set_cell(tile, "account", EXPANSION_ONLY, status="potential", amount="90k", notes="telemetry")
    saved = sample_store.potential(plan_id, None, EXPANSION_ONLY)

    lp._plan_type.value = "acquisition"

    assert lp._tile_view is tile  # the same tile, refreshed
    columns = [c["id"] for c in one(tile, "pk-potentials-grid").grid["columns"]]
    assert len(columns) == 7 and EXPANSION_ONLY not in columns
    assert "Potentials · Acquisition" in tile._summary.value
    assert "1 cell(s) of solutions that Acquisition plans do not carry are hidden" in text(
        tile._hidden
    )
    assert summary_line(tile) == "7/7 white space · potential $0 · current $0 · won $0"
    assert not shown(tile._panel)  # the open cell's column is gone
    assert sample_store.potential(plan_id, None, EXPANSION_ONLY) == saved

    lp._plan_type.value = "expansion"

    assert text(tile._hidden) == ""
    assert summary_line(tile) == "13/14 white space · potential $90k · current $0 · won $0"
    click(tile, "account", EXPANSION_ONLY)
    assert (field(tile, "status-choice").value, field(tile, "amount").value) == (
        "potential",
        "90000",
    )
    assert field(tile, "notes").value == "telemetry"
    assert tile.model.grid().cell("account", EXPANSION_ONLY).stored == saved


def test_customer_success_switches_the_tile_off(lp, tile):
    lp._plan_type.value = "customer_success"
    assert lp.model.tile is None
    assert lp._tile_buttons["potentials"].disabled
    assert "Off in Customer Success plans" in text(lp._tile_lines["potentials"])


def test_model_without_widgets(lp, sample_store, plan_id):
    model = PotentialsModel(lp.model.context)
    result = model.save_cell(
        None,
        "installation",
        status="blocked",
        amount="",
        timing="",
        notes="",
        reason="",
    )
    assert (result.saved, result.field) == (False, "blocked_reason")
    assert result.message.startswith("A blocked cell needs a reason")
    result = model.save_cell(
        None, "installation", status="won", amount="5k", timing="Q3 2027", notes="", reason=""
    )
    assert (result.saved, result.message) == (True, "Saved.")
    assert sample_store.potential(plan_id, None, "installation").timing == "2027-Q3"
    assert model.save_cell(
        None, "installation", status="won", amount="5000", timing="2027-Q3", notes="", reason=""
    ) == type(result)(True, "")  # nothing changed: nothing written


def test_a_teammates_edit_elsewhere_does_not_block_a_cell_edit(tile, sample_store, plan_id):
    plan = sample_store.get_plan(plan_id)
    other = Store(sample_store.url)
    other.update_plan(plan.id, plan.version, name="Renamed in another tab")
    other.close()
    set_cell(tile, "account", "installation", status="potential")
    assert sample_store.potential(plan_id, None, "installation").status == "potential"


def test_a_cell_edit_after_the_type_switched_potentials_off_elsewhere_is_refused(
    tile, sample_store, plan_id
):
    plan = sample_store.get_plan(plan_id)
    other = Store(sample_store.url)
    other.change_plan_type(plan.id, plan.version, "customer_success")  # switches Potentials off
    other.close()

    set_cell(tile, "account", "installation", status="potential")

    assert "switches Potentials off" in tile.status.text + message(tile)
    assert sample_store.potential(plan_id, None, "installation").is_empty


def test_a_refused_cell_edit_is_said_after_another_cell_and_after_back(lp, tile, sample_store):
    set_cell(tile, "account", "installation", status="blocked")  # no reason: refused
    assert "needs a reason" in message(tile)
    click(tile, "account", "portable_generators")
    assert tile.status.kind == "error"
    assert tile.status.text.startswith("Not saved on Whole account × Installation")

    set_cell(tile, "account", "installation", status="blocked")
    lp._back.click()
    assert lp.status.kind == "warning"
    assert "Not saved on Whole account × Installation" in lp.status.text
    lp._tile_buttons["potentials"].click()
    # Shown again with what is stored, and no message left over from the refused choice.
    assert field(tile, "status-choice").value == "whitespace"
    assert message(tile) == ""


@pytest.mark.parametrize(
    ("typed", "role", "expected"),
    [
        ({"amount": "99999999999999999"}, "amount", "Amount: "),
        ({"timing": "1899-Q1"}, "timing", "Timing: 1899-03-31 is out of range"),
        ({"timing": "3000-01-01"}, "timing", "Timing: 3000-01-01 is out of range"),
    ],
)
def test_amounts_and_timings_out_of_range_are_refused(
    tile, sample_store, plan_id, typed, role, expected
):
    set_cell(tile, "account", "installation", status="potential", **typed)
    assert message(tile).startswith(expected), message(tile)
    stored = sample_store.potential(plan_id, None, "installation")
    assert stored.amount is None and stored.timing is None


@pytest.mark.parametrize(
    ("start", "end", "amount", "expected"),
    [
        ("2027-01-01", "2027-03-31", "1,000,000,000,001", "Amount: 1,000,000,000,001 is more"),
        ("1899-01-01", "1899-12-31", "1M", "Start: 1899-01-01 is out of range"),
        ("2999-10-01", "3000-01-01", "1M", "End: 3000-01-01 is out of range"),
    ],
)
def test_targets_out_of_range_are_refused(
    tile, sample_store, plan_id, start, end, amount, expected
):
    add_target(tile, "Far", start, end, amount)
    assert text(one(tile, "pk-potentials-target-message")).startswith(f"⚠ {expected}")
    assert sample_store.revenue_targets(plan_id) == []
