"""The white-space grid in plain Python: statuses, linked opportunities, totals and pipeline."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from planning_kit.model import (
    Account,
    Division,
    ImportBatch,
    Opportunity,
    Potential,
    RevenueTarget,
    salesforce_id_18,
)
from planning_kit.plan_types import PlanTypeRegistry, load_plan_types
from planning_kit.potentials import (
    PIPELINE_STATUSES,
    WHOLE_ACCOUNT,
    Grid,
    Totals,
    amount_problem,
    build_grid,
    effective,
    load_grid,
    opportunity_state,
    parse_amount,
    pipeline_by_period,
    row_key,
    suggested_opportunities,
)
from planning_kit.store import Store
from planning_kit.ui._base import money

ACCOUNT = "001bm00001ZL8UEAA1"
EXPANSION_ONLY = "remote_monitoring"  # allowed by expansion, not by acquisition
ACQUISITION_ONLY = "generator_rental"  # allowed by acquisition, not by expansion


@pytest.fixture(scope="module")
def registry() -> PlanTypeRegistry:
    """The shipped plan types and catalogue."""
    result = load_plan_types()
    assert not result.problems, result.problems
    return result


def division(division_id: int, name: str, *, removed: bool = False) -> Division:
    """A division of the account."""
    return Division(
        id=division_id,
        account_id=ACCOUNT,
        name=name,
        position=division_id,
        removed_at=datetime(2027, 1, 1) if removed else None,
    )


def cell(solution_id: str, division_id: int | None = None, **fields: object) -> Potential:
    """A stored cell of plan 1."""
    return Potential(plan_id=1, division_id=division_id, solution_id=solution_id, **fields)


def opp(
    opp_id: str,
    state: str = "open",
    amount: float | None = 100.0,
    close: str | None = None,
    name: str = "Deal",
    description: str | None = None,
) -> Opportunity:
    """An opportunity of the account that is open, won or lost."""
    return Opportunity(
        id=opp_id,
        account_id=ACCOUNT,
        name=name,
        description=description,
        amount=amount,
        close_date=date.fromisoformat(close) if close else None,
        is_closed=state != "open",
        is_won=state == "won",
    )


def grid_of(
    registry: PlanTypeRegistry,
    potentials: list[Potential],
    divisions: list[Division] | None = None,
    opportunities: list[Opportunity] | None = None,
    plan_type: str = "expansion",
) -> Grid:
    """The grid an expansion plan (by default) shows for these records."""
    return build_grid(
        registry.get(plan_type),
        registry.catalogue,
        divisions or [],
        potentials,
        opportunities or [],
    )


def period(label: str, start: str, end: str, amount: float = 1000.0) -> RevenueTarget:
    """A revenue target of plan 1."""
    return RevenueTarget(
        plan_id=1,
        label=label,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        amount=amount,
    )


# -- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("250000", 250_000.0),
        ("250,000", 250_000.0),
        ("$250k", 250_000.0),
        ("$250K", 250_000.0),
        ("1.2M", 1_200_000.0),
        ("1.2m", 1_200_000.0),
        ("4.1M", 4_100_000.0),  # exact, not 4099999.9999999995
        ("16.1k", 16_100.0),  # exact, not 16100.000000000002
        ("2B", 2_000_000_000.0),
        ("1,234,567.50", 1_234_567.5),
        (" $ 250 k ", 250_000.0),
        ("250 000", 250_000.0),
        ("0", 0.0),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_amount_reads_the_forms_people_type(typed: str | None, amount: float | None) -> None:
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("abc", "abc"),
        ("-5", "-5"),
        ("12x", "12x"),
        ("1.2.3", "1.2.3"),
        ("$", "$"),
        ("k", "k"),
        ("1e6", "1e6"),
        ("1,5M", "1,5M"),  # a decimal comma is refused, not read as 15M
        ("1,2", "1,2"),
    ],
)
def test_parse_amount_refuses_other_text_with_a_message(typed: str, quoted: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_amount(typed)
    message = str(caught.value)
    assert message.startswith(f"amount: '{quoted}' is not an amount")
    assert "250k" in message and "1.2M" in message


def test_parse_amount_message_is_short_for_long_text() -> None:
    with pytest.raises(ValueError) as caught:
        parse_amount("x" * 500)
    assert f"'{'x' * 40}'" in str(caught.value)
    assert "x" * 41 not in str(caught.value)


# -- what a cell counts as -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "counted", "is_whitespace"),
    [
        ("whitespace", 0.0, True),
        ("potential", 300.0, False),
        ("current", 300.0, False),
        ("won", 300.0, False),
        ("blocked", 0.0, False),
    ],
)
def test_each_status_counts_as_itself(
    registry: PlanTypeRegistry, status: str, counted: float, is_whitespace: bool
) -> None:
    reason = "competitor under contract" if status == "blocked" else ""
    stored = cell("installation", status=status, amount=300.0, blocked_reason=reason)
    grid = grid_of(registry, [stored])
    shown = grid.cell("account", "installation")
    assert (shown.status, shown.amount, shown.counts) == (status, 300.0, counted)
    assert not shown.from_opportunities
    totals = grid.totals()
    assert totals.counts[status] == 1 + (13 if status == "whitespace" else 0)
    assert totals.whitespace == (14 if is_whitespace else 13)
    assert totals.cells == 14
    assert totals.pipeline == counted
    for pipeline_status in PIPELINE_STATUSES:
        expected = counted if pipeline_status == status else 0.0
        assert totals.by_status.get(pipeline_status, 0.0) == expected


def test_effective_without_links_is_what_the_team_set() -> None:
    stored = cell("installation", status="potential", amount=50.0, timing="2027-Q2")
    assert effective(stored, []) == ("potential", 50.0, date(2027, 6, 30))


@pytest.mark.parametrize(
    ("linked", "expected"),
    [
        # one open opportunity: current, with its amount and close date
        ([opp("o1", "open", 100.0, "2027-05-01")], ("current", 100.0, date(2027, 5, 1))),
        # open ones add up; the latest close date counts
        (
            [opp("o1", "open", 100.0, "2027-05-01"), opp("o2", "open", 40.0, "2027-08-15")],
            ("current", 140.0, date(2027, 8, 15)),
        ),
        # a won one wins over open ones, with the won amount only
        (
            [opp("o1", "open", 100.0, "2027-05-01"), opp("o2", "won", 70.0, "2027-02-01")],
            ("won", 70.0, date(2027, 2, 1)),
        ),
        # lost ones do not count: the team's status, amount and (no) timing stay
        ([opp("o1", "lost", 999.0, "2027-05-01")], ("potential", 50.0, None)),
        # a lost one next to an open one is ignored
        (
            [opp("o1", "lost", 999.0, "2027-12-01"), opp("o2", "open", 30.0, "2027-04-01")],
            ("current", 30.0, date(2027, 4, 1)),
        ),
        # unknown amounts fall back to the cell's amount
        ([opp("o1", "open", None)], ("current", 50.0, None)),
        ([opp("o1", "won", None, "2027-03-03")], ("won", 50.0, date(2027, 3, 3))),
        # ... but only when no counted amount is known
        (
            [opp("o1", "won", None), opp("o2", "won", 25.0)],
            ("won", 25.0, None),
        ),
    ],
)
def test_effective_with_linked_opportunities(
    linked: list[Opportunity], expected: tuple[str, float | None, date | None]
) -> None:
    stored = cell("installation", status="potential", amount=50.0, opportunity_ids=["o1"])
    assert effective(stored, linked) == expected


def test_timing_of_the_cell_wins_over_close_dates() -> None:
    stored = cell("installation", status="potential", amount=5.0, timing="2027-10-15")
    linked = [opp("o1", "open", 10.0, "2028-01-31")]
    assert effective(stored, linked) == ("current", 10.0, date(2027, 10, 15))


def test_linked_opportunities_set_the_cell_in_the_grid(registry: PlanTypeRegistry) -> None:
    deals = [
        opp("open-1", "open", 120.0, "2027-02-01"),
        opp("won-1", "won", 80.0, "2027-01-10"),
        opp("lost-1", "lost", 500.0, "2027-01-20"),
    ]
    potentials = [
        cell("installation", opportunity_ids=["open-1"]),
        cell("standby_generators", status="potential", amount=10.0, opportunity_ids=["won-1"]),
        cell("fuel_management", status="potential", amount=60.0, opportunity_ids=["lost-1"]),
        cell("remote_monitoring", status="potential", amount=7.0, opportunity_ids=["gone"]),
    ]
    grid = grid_of(registry, potentials, opportunities=deals)
    shown = {sid: grid.cell("account", sid) for sid in [p.solution_id for p in potentials]}
    assert {sid: (c.status, c.amount) for sid, c in shown.items()} == {
        "installation": ("current", 120.0),
        "standby_generators": ("won", 80.0),
        "fuel_management": ("potential", 60.0),
        "remote_monitoring": ("potential", 7.0),  # an unknown opportunity id links nothing
    }
    assert [o.id for o in shown["installation"].linked] == ["open-1"]
    assert shown["remote_monitoring"].linked == ()
    assert shown["installation"].from_opportunities
    assert shown["standby_generators"].from_opportunities
    assert not shown["fuel_management"].from_opportunities
    totals = grid.totals()
    assert totals.by_status == {"current": 120.0, "won": 80.0, "potential": 67.0}
    assert totals.whitespace == 14 - 4


@pytest.mark.parametrize(
    ("state", "expected"),
    [("open", "open"), ("won", "won"), ("lost", "lost")],
)
def test_opportunity_state(state: str, expected: str) -> None:
    assert opportunity_state(opp("o", state)) == expected


# -- rows, columns, totals -----------------------------------------------------------------


@pytest.mark.parametrize(("type_id", "count"), [("expansion", 14), ("acquisition", 7)])
def test_columns_are_the_types_solutions_grouped_by_family(
    registry: PlanTypeRegistry, type_id: str, count: int
) -> None:
    grid = grid_of(registry, [], plan_type=type_id)
    ids = [c.solution_id for c in grid.columns]
    assert len(ids) == count
    assert set(ids) == set(registry.get(type_id).solutions)
    family_order = [f.id for f in registry.catalogue.families]
    families = [c.family_id for c in grid.columns]
    assert families == sorted(families, key=family_order.index)  # grouped, catalogue order
    for column in grid.columns:
        assert registry.catalogue.family_of(column.solution_id).id == column.family_id
        assert column.title == registry.catalogue.solution(column.solution_id).title
    assert len(grid.cells) == count  # one whole-account row


def test_no_catalogue_means_no_columns(registry: PlanTypeRegistry) -> None:
    grid = build_grid(registry.get("expansion"), None, [], [], [])
    assert grid.columns == [] and grid.cells == {}
    assert grid.totals().line(money) == "0/0 white space · potential $0 · current $0 · won $0"


def test_totals_by_family_and_by_division(registry: PlanTypeRegistry) -> None:
    divisions = [division(1, "North"), division(2, "South")]
    potentials = [
        cell("standby_generators", 1, status="potential", amount=100.0),
        cell("portable_generators", 1, status="won", amount=50.0),
        cell("installation", 1, status="current", amount=30.0),
        cell("installation", 2, status="potential", amount=20.0),
        cell("remote_monitoring", 2, status="won", amount=5.0),
        cell("fuel_management", 2, status="blocked", amount=999.0, blocked_reason="no tanks"),
        cell("energy_management", 2, status="potential"),  # no amount yet
    ]
    totals = grid_of(registry, potentials, divisions).totals()
    assert totals.by_status == {"potential": 120.0, "won": 55.0, "current": 30.0}
    assert totals.by_family == {
        "power_generation": {"potential": 100.0, "won": 50.0},
        "field_services": {"current": 30.0, "potential": 20.0},
        "software_analytics": {"won": 5.0, "potential": 0.0},
    }
    assert totals.by_row == {
        "d1": {"potential": 100.0, "won": 50.0, "current": 30.0},
        "d2": {"potential": 20.0, "won": 5.0},
    }
    assert totals.cells == 2 * 14
    assert totals.whitespace == 2 * 14 - 7
    assert totals.counts == {
        "whitespace": 21,
        "potential": 3,
        "won": 2,
        "current": 1,
        "blocked": 1,
    }
    assert totals.pipeline == 205.0


@pytest.mark.parametrize(
    ("by_status", "whitespace", "cells", "line"),
    [
        (
            {"potential": 1_200_000.0, "current": 300_000.0, "won": 150_000.0},
            31,
            40,
            "31/40 white space · potential $1.2M · current $300k · won $150k",
        ),
        ({}, 14, 14, "14/14 white space · potential $0 · current $0 · won $0"),
        (
            {"potential": 950.0, "won": 2_500_000_000.0},
            0,
            7,
            "0/7 white space · potential $950 · current $0 · won $2.5B",
        ),
    ],
)
def test_totals_line(by_status: dict, whitespace: int, cells: int, line: str) -> None:
    totals = Totals(by_status=by_status, whitespace=whitespace, cells=cells)
    assert totals.line(money) == line


def test_totals_line_of_a_grid(registry: PlanTypeRegistry) -> None:
    potentials = [
        cell("standby_generators", status="potential", amount=1_000_000.0),
        cell("portable_generators", status="potential", amount=200_000.0),
        cell("installation", status="current", amount=300_000.0),
        cell("remote_monitoring", status="won", amount=150_000.0),
        cell("fuel_management", status="blocked", blocked_reason="not applicable"),
    ]
    line = grid_of(registry, potentials).totals().line(money)
    assert line == "9/14 white space · potential $1.2M · current $300k · won $150k"


def test_max_amount_is_the_largest_counted_amount(registry: PlanTypeRegistry) -> None:
    potentials = [
        cell("standby_generators", status="potential", amount=10.0),
        cell("installation", status="blocked", amount=500.0, blocked_reason="no"),
        cell("portable_generators", status="won", amount=40.0),
    ]
    assert grid_of(registry, potentials).max_amount() == 40.0
    assert grid_of(registry, []).max_amount() == 0.0


# -- Whole account row ---------------------------------------------------------------------


def test_whole_account_row_when_there_are_no_divisions(registry: PlanTypeRegistry) -> None:
    grid = grid_of(registry, [])
    assert [(r.key, r.division_id, r.title) for r in grid.rows] == [
        ("account", None, WHOLE_ACCOUNT)
    ]
    assert row_key(None) == "account" and row_key(7) == "d7"


def test_divisions_replace_an_unused_whole_account_row(registry: PlanTypeRegistry) -> None:
    divisions = [division(2, "South"), division(1, "North")]
    empty_whole = cell("installation", status="whitespace")  # stored but holds nothing
    grid = grid_of(registry, [empty_whole], divisions)
    assert [(r.key, r.title) for r in grid.rows] == [("d2", "South"), ("d1", "North")]
    assert len(grid.cells) == 2 * 14


@pytest.mark.parametrize(
    "whole",
    [
        cell("installation", status="potential"),
        cell("installation", amount=10.0),
        cell("installation", timing="2027-Q1"),
        cell("installation", notes="asked about it"),
        cell("installation", opportunity_ids=["o1"]),
        cell("installation", status="blocked", blocked_reason="no site"),
    ],
    ids=["status", "amount", "timing", "notes", "link", "blocked"],
)
def test_whole_account_row_stays_while_it_holds_something(
    registry: PlanTypeRegistry, whole: Potential
) -> None:
    grid = grid_of(registry, [whole], [division(1, "North")])
    assert [r.key for r in grid.rows] == ["account", "d1"]
    assert grid.cell("account", "installation").stored == whole


def test_whole_account_cell_of_a_hidden_solution_does_not_add_the_row(
    registry: PlanTypeRegistry,
) -> None:
    whole = cell(ACQUISITION_ONLY, status="potential", amount=5.0)
    grid = grid_of(registry, [whole], [division(1, "North")])
    assert [r.key for r in grid.rows] == ["d1"]
    assert grid.hidden_by_type == [whole]
    assert grid.totals().pipeline == 0.0


def test_whole_account_row_returns_when_every_division_is_removed(
    registry: PlanTypeRegistry,
) -> None:
    divisions = [division(1, "North", removed=True)]
    grid = grid_of(registry, [], divisions)
    assert [r.key for r in grid.rows] == ["account"]


# -- hidden cells --------------------------------------------------------------------------


def test_cells_of_solutions_the_type_does_not_allow_are_hidden(
    registry: PlanTypeRegistry,
) -> None:
    kept = cell(EXPANSION_ONLY, status="won", amount=75.0, notes="since 2024")
    empty = cell("predictive_maintenance")  # an empty stored cell is not worth a mention
    shared = cell("installation", status="potential", amount=20.0)
    acquisition = grid_of(registry, [kept, empty, shared], plan_type="acquisition")
    assert EXPANSION_ONLY not in [c.solution_id for c in acquisition.columns]
    assert acquisition.hidden_by_type == [kept]
    assert acquisition.hidden_by_removal == []
    assert acquisition.totals().by_status == {"potential": 20.0}
    expansion = grid_of(registry, [kept, empty, shared])
    assert expansion.hidden_by_type == []
    assert expansion.cell("account", EXPANSION_ONLY).stored == kept
    assert expansion.totals().by_status == {"potential": 20.0, "won": 75.0}


def test_cells_of_removed_divisions_are_hidden(registry: PlanTypeRegistry) -> None:
    north, south = division(1, "North"), division(2, "South", removed=True)
    mine = cell("installation", 2, status="potential", amount=40.0)
    grid = grid_of(
        registry, [mine, cell("installation", 1, status="won", amount=1.0)], [north, south]
    )
    assert [r.key for r in grid.rows] == ["d1"]
    assert grid.hidden_by_removal == [mine]
    assert grid.hidden_by_type == []
    assert grid.totals().by_status == {"won": 1.0}


def test_removed_division_of_a_hidden_solution_counts_once(registry: PlanTypeRegistry) -> None:
    both = cell(ACQUISITION_ONLY, 2, status="potential", amount=3.0)
    grid = grid_of(registry, [both], [division(1, "N"), division(2, "S", removed=True)])
    assert grid.hidden_by_removal == [both]
    assert grid.hidden_by_type == []


def seed_account(store: Store) -> None:
    """The planned account, with two opportunities and two child accounts."""
    store.apply_import(
        ImportBatch(
            accounts=[Account(id=ACCOUNT, name="United Oil & Gas Corp.", source="salesforce")],
            opportunities=[
                Opportunity(
                    id=salesforce_id_18("006000000000001"),
                    account_id=ACCOUNT,
                    name="United Oil Office Portable Generators",
                    amount=125_000.0,
                    close_date=date(2027, 2, 3),
                ),
                Opportunity(
                    id=salesforce_id_18("006000000000002"),
                    account_id=ACCOUNT,
                    name="United Oil Emergency Generators",
                    amount=440_000.0,
                    is_closed=True,
                    is_won=True,
                ),
            ],
        )
    )


def test_type_change_hides_then_shows_the_same_cell(
    store: Store, registry: PlanTypeRegistry
) -> None:
    seed_account(store)
    plan = store.create_plan(ACCOUNT, "expansion", "Grow")
    plan, saved = store.set_potential(
        plan.id,
        plan.version,
        None,
        EXPANSION_ONLY,
        status="potential",
        amount=90_000.0,
        timing="2027-Q3",
        notes="telemetry on every site",
    )
    before = load_grid(store, registry, plan)
    assert before.cell("account", EXPANSION_ONLY).stored == saved
    assert before.totals().by_status == {"potential": 90_000.0}

    plan = store.change_plan_type(plan.id, plan.version, "acquisition")
    hidden = load_grid(store, registry, plan)
    assert EXPANSION_ONLY not in [c.solution_id for c in hidden.columns]
    assert hidden.hidden_by_type == [saved]
    assert hidden.totals().by_status == {}
    assert hidden.totals().cells == 7
    assert store.potentials(plan.id) == [saved]  # kept, not deleted

    plan = store.change_plan_type(plan.id, plan.version, "expansion")
    back = load_grid(store, registry, plan)
    assert back.hidden_by_type == []
    shown = back.cell("account", EXPANSION_ONLY)
    assert shown.stored == saved
    assert (shown.status, shown.amount, shown.stored.timing, shown.stored.notes) == (
        "potential",
        90_000.0,
        "2027-Q3",
        "telemetry on every site",
    )


def test_removed_division_cells_come_back_after_restore(
    store: Store, registry: PlanTypeRegistry
) -> None:
    seed_account(store)
    plan = store.create_plan(ACCOUNT, "expansion", "Grow")
    north = store.add_division(ACCOUNT, "North")
    south = store.add_division(ACCOUNT, "South")
    plan, saved = store.set_potential(
        plan.id, plan.version, south.id, "installation", status="won", amount=12.0
    )
    store.remove_division(south.id)
    hidden = load_grid(store, registry, plan)
    assert [r.key for r in hidden.rows] == [f"d{north.id}"]
    assert hidden.hidden_by_removal == [saved]
    assert hidden.totals().by_status == {}

    store.restore_division(south.id)
    back = load_grid(store, registry, plan)
    assert [r.key for r in back.rows] == [f"d{north.id}", f"d{south.id}"]
    assert back.hidden_by_removal == []
    assert back.cell(f"d{south.id}", "installation").stored == saved
    assert back.totals().by_status == {"won": 12.0}


@pytest.mark.parametrize(
    ("status", "reason", "line"),
    [
        ("potential", "", "13/14 white space · potential $250k · current $0 · won $0"),
        ("current", "", "13/14 white space · potential $0 · current $250k · won $0"),
        ("won", "", "13/14 white space · potential $0 · current $0 · won $250k"),
        ("blocked", "no budget", "13/14 white space · potential $0 · current $0 · won $0"),
        ("whitespace", "", "14/14 white space · potential $0 · current $0 · won $0"),
    ],
)
def test_every_status_change_through_the_store(
    store: Store, registry: PlanTypeRegistry, status: str, reason: str, line: str
) -> None:
    seed_account(store)
    plan = store.create_plan(ACCOUNT, "expansion", "Grow")
    plan, _ = store.set_potential(
        plan.id, plan.version, None, "installation", status="potential", amount=250_000.0
    )
    plan, _ = store.set_potential(
        plan.id, plan.version, None, "installation", status=status, blocked_reason=reason
    )
    grid = load_grid(store, registry, plan)
    assert grid.cell("account", "installation").status == status
    assert grid.totals().line(money) == line
    status_events = [
        (e.old_value, e.new_value)
        for e in store.events(plan_id=plan.id)
        if e.entity == "potential" and e.field == "status"
    ]
    expected = [("potential", status)] if status != "potential" else []
    assert status_events == expected + [("whitespace", "potential")]


# -- pipeline by period --------------------------------------------------------------------


def test_pipeline_by_period(registry: PlanTypeRegistry) -> None:
    targets = [
        period("FY27 Q1", "2027-01-01", "2027-03-31", 1000.0),
        period("FY27 Q2", "2027-04-01", "2027-06-30", 500.0),  # adjacent to Q1
    ]
    deals = [opp("won-q2", "won", 70.0, "2027-05-05"), opp("open-q3", "open", 11.0, "2027-07-02")]
    potentials = [
        cell("standby_generators", status="potential", amount=100.0, timing="2027-Q1"),
        cell("portable_generators", status="current", amount=40.0, timing="2027-03-31"),
        cell("installation", status="won", amount=25.0, timing="2027-04-01"),
        cell("fuel_management", status="potential", amount=9.0, timing="2027-06-30"),
        cell("remote_monitoring", status="potential", amount=8.0, timing="2027-Q3"),
        cell("energy_management", status="potential", amount=6.0, timing="2026-12-31"),
        cell("load_bank_testing", status="potential", amount=5.0),  # no timing
        cell("emergency_generators", opportunity_ids=["won-q2"]),  # date from the won deal
        cell("compliance_reporting", opportunity_ids=["open-q3"]),  # outside, by close date
        cell("preventive_maintenance", status="blocked", amount=99.0, blocked_reason="no"),
        cell("predictive_maintenance", status="potential", timing="2027-Q1"),  # no amount
    ]
    grid = grid_of(registry, potentials, opportunities=deals)
    result = pipeline_by_period(grid, targets)
    q1, q2 = result.periods
    assert (q1.target, q2.target) == tuple(targets)
    assert q1.by_status == {"potential": 100.0, "current": 40.0, "won": 0.0}
    assert q2.by_status == {"potential": 9.0, "current": 0.0, "won": 95.0}
    assert (q1.pipeline, q2.pipeline) == (140.0, 104.0)
    assert (q1.gap, q2.gap) == (860.0, 396.0)
    assert (q1.coverage, q2.coverage) == (0.14, 0.208)
    assert result.untimed == 5.0
    assert result.outside == 8.0 + 6.0 + 11.0


@pytest.mark.parametrize(
    ("timing", "counted_in"),
    [
        ("2027-Q1", "Q1"),  # a quarter counts at its last day: 2027-03-31
        ("Q1 2027", "Q1"),
        ("2027-Q2", "Q2"),  # 2027-06-30
        ("2027-01-01", "Q1"),
        ("2027-03-31", "Q1"),
        ("2027-04-01", "Q2"),
        ("2027-Q4", None),  # 2027-12-31 is after both periods
        ("2026-Q4", None),
    ],
)
def test_timing_decides_the_period(
    registry: PlanTypeRegistry, timing: str, counted_in: str | None
) -> None:
    targets = [
        period("Q1", "2027-01-01", "2027-03-31"),
        period("Q2", "2027-04-01", "2027-06-30"),
    ]
    grid = grid_of(registry, [cell("installation", status="potential", amount=10.0, timing=timing)])
    result = pipeline_by_period(grid, targets)
    got = {p.target.label: p.pipeline for p in result.periods}
    expected = {"Q1": 0.0, "Q2": 0.0} | ({counted_in: 10.0} if counted_in else {})
    assert got == expected
    assert result.outside == (0.0 if counted_in else 10.0)
    assert result.untimed == 0.0


def test_a_quarter_that_ends_after_a_period_is_not_in_it(registry: PlanTypeRegistry) -> None:
    """2027-Q1 counts at 2027-03-31: a period ending 2027-03-30 does not hold it."""
    grid = grid_of(registry, [cell("installation", status="won", amount=3.0, timing="2027-Q1")])
    result = pipeline_by_period(grid, [period("Early", "2027-01-01", "2027-03-30")])
    assert result.periods[0].pipeline == 0.0
    assert result.outside == 3.0


def test_pipeline_with_no_targets_and_a_zero_target(registry: PlanTypeRegistry) -> None:
    grid = grid_of(registry, [cell("installation", status="won", amount=3.0, timing="2027-Q1")])
    none = pipeline_by_period(grid, [])
    assert (none.periods, none.untimed, none.outside) == ([], 0.0, 3.0)
    zero = pipeline_by_period(grid, [period("Q1", "2027-01-01", "2027-03-31", 0.0)])
    assert zero.periods[0].coverage is None
    assert zero.periods[0].gap == 0.0
    assert zero.periods[0].pipeline == 3.0


# -- suggestions ---------------------------------------------------------------------------


SAMPLE_DEALS = [
    opp("p1", name="United Oil Office Portable Generators"),
    opp("r1", name="United Oil Refinery Generators"),
    opp("s1", name="United Oil Plant Standby Generators"),
    opp("sla", "lost", name="United Oil SLA"),
    opp("i1", name="United Oil Installations"),
    opp("d1", name="Site work", description="Truck-mounted units for field crews"),
]


@pytest.mark.parametrize(
    ("solution_id", "expected"),
    [
        ("portable_generators", ["p1", "d1"]),
        ("industrial_generators", ["r1", "s1"]),  # refinery; plant
        ("standby_generators", ["s1"]),
        ("service_level_agreements", ["sla"]),
        ("installation", ["i1"]),
        ("remote_monitoring", []),
    ],
)
def test_suggestions_by_keyword(
    registry: PlanTypeRegistry, solution_id: str, expected: list[str]
) -> None:
    found = suggested_opportunities(registry.catalogue, SAMPLE_DEALS, solution_id, set())
    assert [o.id for o in found] == expected


def test_linked_opportunities_are_not_suggested_again(registry: PlanTypeRegistry) -> None:
    found = suggested_opportunities(registry.catalogue, SAMPLE_DEALS, "portable_generators", {"p1"})
    assert [o.id for o in found] == ["d1"]
    assert suggested_opportunities(None, SAMPLE_DEALS, "portable_generators", set()) == []


def test_a_suggestion_links_nothing_by_itself(store: Store, registry: PlanTypeRegistry) -> None:
    seed_account(store)
    plan = store.create_plan(ACCOUNT, "expansion", "Grow")
    deals = store.opportunities(ACCOUNT)
    found = suggested_opportunities(registry.catalogue, deals, "portable_generators", set())
    assert [o.name for o in found] == ["United Oil Office Portable Generators"]
    grid = load_grid(store, registry, plan)
    shown = grid.cell("account", "portable_generators")
    assert (shown.status, shown.amount, shown.linked) == ("whitespace", None, ())
    assert grid.totals().whitespace == 14
    assert store.potentials(plan.id) == []
    assert store.opportunities(ACCOUNT) == deals


def test_an_amount_up_to_a_trillion_is_fine_and_more_is_refused_exactly():
    assert amount_problem(None) is None
    assert amount_problem(1e12) is None
    assert amount_problem(parse_amount("1,000,000,000,001")) == (
        "Amount: 1,000,000,000,001 is more than a trillion (1,000,000,000,000); check the zeros."
    )
