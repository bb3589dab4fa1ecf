"""Store: divisions, potentials (cells, links, qualifying) and revenue targets."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from planning_kit.model import (
    POTENTIAL_STATUSES,
    TIMING_FORMS,
    Account,
    ImportBatch,
    InvalidRecord,
    Opportunity,
    Plan,
    RevenueTarget,
    make_record,
    salesforce_id_18,
)
from planning_kit.store import MAX_NAME_LENGTH, PlanConflict, Store, StoreError
from planning_kit.tables import potential_opportunities, potentials

ACCOUNT = "001bm00001ZL8UEAA1"
OTHER_ACCOUNT = "001bm00001ZL8UAAA1"
SOLUTION = "cloud_backup"


def sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce Id, e.g. sf_id('001', 1)."""
    return salesforce_id_18(f"{prefix}{n:012d}")


CHILD_EUROPE = sf_id("001", 11)
CHILD_ASIA = sf_id("001", 12)
GRANDCHILD = sf_id("001", 13)
OPEN_DEAL = sf_id("006", 1)
WON_DEAL = sf_id("006", 2)
OTHER_DEAL = sf_id("006", 3)


def seed(store: Store) -> None:
    """The planned account, another account, and opportunities of both."""
    store.apply_import(
        ImportBatch(
            accounts=[
                Account(id=ACCOUNT, name="Acme Holdings", source="salesforce"),
                Account(id=OTHER_ACCOUNT, name="Globex", source="salesforce"),
            ],
            opportunities=[
                Opportunity(id=OPEN_DEAL, account_id=ACCOUNT, name="Backup renewal", amount=10.0),
                Opportunity(
                    id=WON_DEAL,
                    account_id=ACCOUNT,
                    name="Archive",
                    amount=20.0,
                    is_closed=True,
                    is_won=True,
                ),
                Opportunity(id=OTHER_DEAL, account_id=OTHER_ACCOUNT, name="Not ours"),
            ],
        )
    )


def new_plan(store: Store) -> Plan:
    """A seeded store's plan for the account, at version 1."""
    seed(store)
    return store.create_plan(ACCOUNT, "expansion", "FY27 growth")


def count_cells(store: Store) -> int:
    """Rows in the potentials table."""
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(potentials))


def target(start: str, end: str, label: str = "FY27 Q1", amount: float = 100.0, **kw: object):
    """A revenue target for plan 1 (the store uses the plan id it is given)."""
    return RevenueTarget(
        plan_id=1,
        label=label,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        amount=amount,
        **kw,
    )


# -- divisions -----------------------------------------------------------------------------


def test_add_division_appends_in_order_with_a_created_event(store: Store) -> None:
    seed(store)
    names = ["North America", "  Europe   and  Africa ", "Asia"]
    added = [store.add_division(ACCOUNT, name) for name in names]
    assert [(d.name, d.position) for d in added] == [
        ("North America", 1),
        ("Europe and Africa", 2),
        ("Asia", 3),
    ]
    assert store.divisions(ACCOUNT) == added
    assert all(d.account_id == ACCOUNT and d.removed_at is None for d in added)
    assert store.divisions(ACCOUNT[:15]) == added  # a 15-character Id finds them too
    assert store.divisions(OTHER_ACCOUNT) == []
    created = [e for e in store.events(account_id=ACCOUNT) if e.entity == "division"]
    assert [(e.entity_id, e.field, e.new_value, e.who) for e in reversed(created)] == [
        (str(d.id), "created", d.name, "tester") for d in added
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("x" * (MAX_NAME_LENGTH + 1), f"at most {MAX_NAME_LENGTH} characters"),
        ("North America", "already a division named 'North America'"),
        ("north america", "already a division named 'North America'"),
        ("  NORTH   america ", "already a division named 'North America'"),
    ],
)
def test_add_division_refuses_bad_names(store: Store, name: str, message: str) -> None:
    seed(store)
    first = store.add_division(ACCOUNT, "North America")
    events_before = store.events()
    with pytest.raises(StoreError, match=message):
        store.add_division(ACCOUNT, name)
    assert store.divisions(ACCOUNT, include_removed=True) == [first]
    assert store.events() == events_before


def test_division_names_may_repeat_across_accounts_and_reach_the_limit(store: Store) -> None:
    seed(store)
    store.add_division(ACCOUNT, "Europe")
    assert store.add_division(OTHER_ACCOUNT, "Europe").account_id == OTHER_ACCOUNT
    longest = store.add_division(ACCOUNT, "y" * MAX_NAME_LENGTH)
    assert len(longest.name) == MAX_NAME_LENGTH


def test_add_division_to_an_unknown_account_is_refused(store: Store) -> None:
    seed(store)
    with pytest.raises(StoreError, match="no account"):
        store.add_division(sf_id("001", 999), "Europe")


def test_rename_division_logs_old_and_new_name(store: Store) -> None:
    seed(store)
    division = store.add_division(ACCOUNT, "Europe")
    renamed = store.rename_division(division.id, "  EMEA ", who="grace")
    assert (renamed.id, renamed.name, renamed.position) == (division.id, "EMEA", 1)
    assert store.divisions(ACCOUNT) == [renamed]
    [latest] = store.events(account_id=ACCOUNT, limit=1)
    assert (latest.entity, latest.entity_id, latest.field) == ("division", str(division.id), "name")
    assert (latest.old_value, latest.new_value, latest.who) == ("Europe", "EMEA", "grace")
    events_before = store.events()
    assert store.rename_division(division.id, "EMEA") == renamed  # unchanged: no event
    assert store.events() == events_before
    assert store.rename_division(division.id, "emea").name == "emea"  # its own name, new case


def test_rename_division_refuses_a_taken_or_blank_name(store: Store) -> None:
    seed(store)
    europe = store.add_division(ACCOUNT, "Europe")
    store.add_division(ACCOUNT, "Asia")
    with pytest.raises(StoreError, match="already a division named 'Asia'"):
        store.rename_division(europe.id, "ASIA")
    with pytest.raises(StoreError, match="needs a name"):
        store.rename_division(europe.id, " ")
    with pytest.raises(StoreError, match="no division"):
        store.rename_division(424242, "Nowhere")
    assert store.get_division(europe.id).name == "Europe"


def test_reorder_divisions_sets_positions_and_logs_moves(store: Store) -> None:
    seed(store)
    a, b, c = (store.add_division(ACCOUNT, name) for name in ("A", "B", "C"))
    reordered = store.reorder_divisions(ACCOUNT, [c.id, a.id, b.id])
    assert [(d.name, d.position) for d in reordered] == [("C", 1), ("A", 2), ("B", 3)]
    assert store.divisions(ACCOUNT) == reordered
    moves = {
        e.entity_id: (e.old_value, e.new_value)
        for e in store.events(account_id=ACCOUNT)
        if e.field == "position"
    }
    assert moves == {str(c.id): ("3", "1"), str(a.id): ("1", "2"), str(b.id): ("2", "3")}
    # Ids not listed keep their relative place after the listed ones.
    assert [d.name for d in store.reorder_divisions(ACCOUNT, [b.id])] == ["B", "C", "A"]


def test_reorder_divisions_refuses_a_division_of_another_account(store: Store) -> None:
    seed(store)
    mine = store.add_division(ACCOUNT, "Mine")
    theirs = store.add_division(OTHER_ACCOUNT, "Theirs")
    with pytest.raises(StoreError, match="not divisions of this account"):
        store.reorder_divisions(ACCOUNT, [theirs.id, mine.id])
    assert store.divisions(ACCOUNT) == [mine]
    assert store.divisions(OTHER_ACCOUNT) == [theirs]


def test_remove_division_hides_it_and_keeps_its_potentials(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    asia = store.add_division(ACCOUNT, "Asia")
    plan, cell = store.set_potential(plan.id, plan.version, europe.id, SOLUTION, amount=5.0)
    removed = store.remove_division(europe.id, who="grace")
    assert isinstance(removed.removed_at, datetime)
    assert store.divisions(ACCOUNT) == [asia]
    assert store.divisions(ACCOUNT, include_removed=True) == [removed, asia]
    assert store.get_division(europe.id) == removed
    assert store.potentials(plan.id) == [cell]
    [latest] = store.events(account_id=ACCOUNT, limit=1)
    assert (latest.entity, latest.field, latest.old_value, latest.new_value, latest.who) == (
        "division",
        "removed",
        None,
        "Europe",
        "grace",
    )
    # Removing it again changes nothing.
    events_before = store.events()
    assert store.remove_division(europe.id) == removed
    assert store.events() == events_before


def test_restore_division_undoes_the_removal(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    plan, cell = store.set_potential(plan.id, plan.version, europe.id, SOLUTION, status="potential")
    store.remove_division(europe.id)
    restored = store.restore_division(europe.id)
    assert restored == europe
    assert store.divisions(ACCOUNT) == [europe]
    assert store.potentials(plan.id) == [cell]
    [latest] = store.events(account_id=ACCOUNT, limit=1)
    assert (latest.field, latest.old_value, latest.new_value) == ("removed", "Europe", None)


def test_restore_is_refused_when_an_active_division_took_the_name(store: Store) -> None:
    seed(store)
    old = store.add_division(ACCOUNT, "Europe")
    store.remove_division(old.id)
    new = store.add_division(ACCOUNT, "EUROPE")  # the name is free while the old one is removed
    with pytest.raises(StoreError, match="already a division named 'EUROPE'"):
        store.restore_division(old.id)
    assert store.divisions(ACCOUNT) == [new]
    assert store.get_division(old.id).removed_at is not None


def test_divisions_from_children_adds_one_per_child_once(store: Store) -> None:
    seed(store)
    store.apply_import(
        ImportBatch(
            accounts=[
                Account(id=CHILD_EUROPE, name="Acme Europe", parent_id=ACCOUNT),
                Account(id=CHILD_ASIA, name="Acme Asia", parent_id=ACCOUNT),
                Account(id=GRANDCHILD, name="Acme Germany", parent_id=CHILD_EUROPE),
            ]
        )
    )
    added = store.divisions_from_children(ACCOUNT)
    assert sorted((d.name, d.source_account_id) for d in added) == [
        ("Acme Asia", CHILD_ASIA),
        ("Acme Europe", CHILD_EUROPE),
    ]
    assert [d.position for d in added] == [1, 2]
    assert store.divisions(ACCOUNT) == added
    events_before = store.events()
    assert store.divisions_from_children(ACCOUNT) == []
    assert store.divisions(ACCOUNT) == added
    assert store.events() == events_before
    # A removed one stays removed: taking children again does not bring it back.
    store.remove_division(added[0].id)
    assert store.divisions_from_children(ACCOUNT) == []
    assert store.divisions(ACCOUNT) == added[1:]


def test_divisions_from_children_skips_a_name_already_typed_in(store: Store) -> None:
    seed(store)
    store.apply_import(
        ImportBatch(accounts=[Account(id=CHILD_EUROPE, name="Acme Europe", parent_id=ACCOUNT)])
    )
    typed = store.add_division(ACCOUNT, "acme europe")
    assert store.divisions_from_children(ACCOUNT) == []
    assert store.divisions(ACCOUNT) == [typed]
    with pytest.raises(StoreError, match="no account"):
        store.divisions_from_children(sf_id("001", 999))


# -- potentials ----------------------------------------------------------------------------


def test_set_potential_creates_then_updates_one_cell(store: Store) -> None:
    plan = new_plan(store)
    plan2, cell = store.set_potential(
        plan.id, 1, None, SOLUTION, status="potential", amount=50_000, timing="Q1 2027"
    )
    assert plan2.version == 2 and store.get_plan(plan.id).version == 2
    assert (cell.plan_id, cell.division_id, cell.solution_id) == (plan.id, None, SOLUTION)
    assert (cell.status, cell.amount, cell.timing) == ("potential", 50_000.0, "2027-Q1")
    assert cell.updated_by == "tester" and cell.id is not None
    assert store.potentials(plan.id) == [cell]
    plan3, changed = store.set_potential(plan.id, 2, None, SOLUTION, notes="CIO keen", who="grace")
    assert plan3.version == 3
    assert changed.id == cell.id
    assert (changed.status, changed.amount, changed.timing, changed.notes) == (
        "potential",
        50_000.0,
        "2027-Q1",
        "CIO keen",
    )
    assert changed.updated_by == "grace"
    assert store.potentials(plan.id) == [changed]
    assert count_cells(store) == 1


def test_potential_reads_one_cell_or_an_empty_one(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    empty = store.potential(plan.id, europe.id, SOLUTION)
    assert (empty.id, empty.division_id, empty.is_empty) == (None, europe.id, True)
    plan, _ = store.set_potential(plan.id, 1, europe.id, SOLUTION, status="potential")
    _, cell = store.link_opportunity(plan.id, plan.version, europe.id, SOLUTION, OPEN_DEAL)
    assert store.potential(plan.id, europe.id, SOLUTION) == cell
    assert cell.opportunity_ids == [OPEN_DEAL] and cell.status == "potential"
    assert store.potential(plan.id, None, SOLUTION).is_empty  # the whole-account row is apart


def test_stale_version_raises_conflict_and_writes_nothing(store: Store) -> None:
    plan = new_plan(store)
    store.set_potential(plan.id, 1, None, SOLUTION, status="potential", amount=10)
    cells_before, events_before = store.potentials(plan.id), store.events()
    with pytest.raises(PlanConflict, match="version 2, you had version 1"):
        store.set_potential(plan.id, 1, None, SOLUTION, amount=99)
    with pytest.raises(PlanConflict):
        store.set_potential(plan.id, 1, None, "other_solution", status="won")
    assert store.potentials(plan.id) == cells_before
    assert store.events() == events_before
    assert store.get_plan(plan.id).version == 2


@pytest.mark.parametrize("status", POTENTIAL_STATUSES)
def test_every_status_can_be_saved(store: Store, status: str) -> None:
    plan = new_plan(store)
    reason = "competitor under contract until 2027-06" if status == "blocked" else ""
    _, cell = store.set_potential(plan.id, 1, None, SOLUTION, status=status, blocked_reason=reason)
    assert cell.status == status
    [stored] = store.potentials(plan.id)
    assert (stored.status, stored.blocked_reason) == (status, reason)


@pytest.mark.parametrize("reason", ["", "   "])
def test_blocked_without_a_reason_is_refused_and_nothing_is_stored(
    store: Store, reason: str
) -> None:
    plan = new_plan(store)
    with pytest.raises(InvalidRecord, match="needs a reason") as caught:
        store.set_potential(plan.id, 1, None, SOLUTION, status="blocked", blocked_reason=reason)
    assert isinstance(caught.value, ValueError)
    assert store.potentials(plan.id) == []
    assert store.get_plan(plan.id).version == 1
    assert [e.field for e in store.events(plan_id=plan.id)] == ["created"]


def test_clearing_the_reason_of_a_blocked_cell_is_refused(store: Store) -> None:
    plan = new_plan(store)
    _, cell = store.set_potential(
        plan.id, 1, None, SOLUTION, status="blocked", blocked_reason="not applicable"
    )
    with pytest.raises(InvalidRecord, match="reason"):
        store.set_potential(plan.id, 2, None, SOLUTION, blocked_reason="")
    assert store.potentials(plan.id) == [cell]
    assert store.get_plan(plan.id).version == 2


def test_negative_amount_is_refused(store: Store) -> None:
    plan = new_plan(store)
    with pytest.raises(InvalidRecord, match="^amount: must be at least 0") as caught:
        store.set_potential(plan.id, 1, None, SOLUTION, amount=-1)
    assert caught.value.field == "amount"
    assert store.potentials(plan.id) == []
    assert store.get_plan(plan.id).version == 1


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2027-Q1", "2027-Q1"),
        ("Q1 2027", "2027-Q1"),
        ("2027 q2", "2027-Q2"),
        ("q4-2027", "2027-Q4"),
        ("2027-03-31", "2027-03-31"),
        ("  2027-03-31 ", "2027-03-31"),
        ("", None),
        (None, None),
        (date(2027, 3, 31), "2027-03-31"),
    ],
)
def test_timing_forms_are_normalised(store: Store, given: object, stored: str | None) -> None:
    plan = new_plan(store)
    _, cell = store.set_potential(plan.id, 1, None, SOLUTION, timing=given)
    assert cell.timing == stored
    assert store.potentials(plan.id)[0].timing == stored


@pytest.mark.parametrize(
    "given", ["next year", "2027-13-01", "2027-Q5", "2027-02-29", "31/03/2027"]
)
def test_bad_timing_is_refused_naming_the_accepted_forms(store: Store, given: str) -> None:
    plan = new_plan(store)
    with pytest.raises(InvalidRecord) as caught:
        store.set_potential(plan.id, 1, None, SOLUTION, timing=given)
    assert caught.value.field == "timing"
    assert str(caught.value) == f"timing: '{given}' is not a timing: use {TIMING_FORMS}"
    assert store.potentials(plan.id) == []


def test_whole_account_row_and_a_division_row_are_separate_cells(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    plan, whole = store.set_potential(plan.id, plan.version, None, SOLUTION, amount=1)
    plan, division = store.set_potential(plan.id, plan.version, europe.id, SOLUTION, amount=2)
    plan, again = store.set_potential(plan.id, plan.version, None, SOLUTION, amount=3)
    assert whole.id == again.id != division.id
    cells = {(c.division_id, c.solution_id): c.amount for c in store.potentials(plan.id)}
    assert cells == {(None, SOLUTION): 3.0, (europe.id, SOLUTION): 2.0}


@pytest.mark.parametrize("with_division", [False, True], ids=["whole-account", "division"])
def test_unique_indexes_refuse_a_duplicate_cell(store: Store, with_division: bool) -> None:
    plan = new_plan(store)
    division_id = store.add_division(ACCOUNT, "Europe").id if with_division else None
    plan, _ = store.set_potential(plan.id, plan.version, division_id, SOLUTION, status="won")
    plan, _ = store.set_potential(plan.id, plan.version, division_id, SOLUTION, amount=7)
    assert count_cells(store) == 1
    row = {
        "plan_id": plan.id,
        "division_id": division_id,
        "solution_id": SOLUTION,
        "status": "whitespace",
        "notes": "",
        "blocked_reason": "",
        "updated_by": "tester",
        "updated_at": datetime(2027, 1, 1),
    }
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(insert(potentials).values(**row))
    with store.engine.begin() as conn:  # another solution in the same row is a new cell
        conn.execute(insert(potentials).values(**row | {"solution_id": "other"}))
    assert count_cells(store) == 2


def test_a_division_of_another_account_is_refused(store: Store) -> None:
    plan = new_plan(store)
    theirs = store.add_division(OTHER_ACCOUNT, "Theirs")
    with pytest.raises(StoreError, match=f"division {theirs.id} is not a division"):
        store.set_potential(plan.id, 1, theirs.id, SOLUTION, amount=1)
    with pytest.raises(StoreError, match="division 424242 is not a division"):
        store.set_potential(plan.id, 1, 424242, SOLUTION, amount=1)
    assert store.potentials(plan.id) == []
    assert store.get_plan(plan.id).version == 1


def test_set_potential_refuses_unknown_fields(store: Store) -> None:
    plan = new_plan(store)
    with pytest.raises(StoreError, match="cannot set opportunity_ids of a potential"):
        store.set_potential(plan.id, 1, None, SOLUTION, opportunity_ids=[OPEN_DEAL])
    assert store.get_plan(plan.id).version == 1


def test_set_potential_logs_one_event_per_changed_field(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    store.set_potential(
        plan.id, 1, europe.id, SOLUTION, status="potential", amount=100, timing="2027 q1"
    )
    store.set_potential(
        plan.id,
        2,
        europe.id,
        SOLUTION,
        status="potential",  # unchanged: no event
        amount=250.5,
        notes="Budget in Q1",
        who="grace",
    )
    cell_events = [e for e in reversed(store.events(plan_id=plan.id)) if e.entity == "potential"]
    assert {e.entity_id for e in cell_events} == {f"division {europe.id} × {SOLUTION}"}
    assert all(e.account_id == ACCOUNT for e in cell_events)
    assert [(e.field, e.old_value, e.new_value, e.who) for e in cell_events] == [
        ("status", "whitespace", "potential", "tester"),
        ("amount", None, "100.0", "tester"),
        ("timing", None, "2027-Q1", "tester"),
        ("amount", "100.0", "250.5", "grace"),
        ("notes", "", "Budget in Q1", "grace"),
    ]


def test_an_amount_of_zero_is_a_change_that_is_logged(store: Store) -> None:
    plan = new_plan(store)
    _, cell = store.set_potential(plan.id, 1, None, SOLUTION, amount=0)
    assert cell.amount == 0.0
    [change] = [e for e in store.events(plan_id=plan.id) if e.entity == "potential"]
    assert (change.field, change.old_value, change.new_value) == ("amount", None, "0.0")
    _, cleared = store.set_potential(plan.id, 2, None, SOLUTION, amount=None)
    assert cleared.amount is None
    [latest] = store.events(plan_id=plan.id, limit=1)
    assert (latest.field, latest.old_value, latest.new_value) == ("amount", "0.0", None)


def test_saving_an_unchanged_cell_logs_nothing(store: Store) -> None:
    plan = new_plan(store)
    store.set_potential(plan.id, 1, None, SOLUTION, status="won", amount=5)
    events_before = store.events()
    plan, _ = store.set_potential(plan.id, 2, None, SOLUTION, status="won", amount=5.0)
    assert plan.version == 3
    assert store.events() == events_before


# -- links ---------------------------------------------------------------------------------


def test_link_an_opportunity_of_the_account(store: Store) -> None:
    plan = new_plan(store)
    plan2, cell = store.link_opportunity(plan.id, 1, None, SOLUTION, OPEN_DEAL)
    assert plan2.version == 2
    assert cell.opportunity_ids == [OPEN_DEAL]
    assert cell.status == "whitespace"  # linking makes the cell, but sets nothing else
    plan3, cell = store.link_opportunity(plan.id, 2, None, SOLUTION, WON_DEAL)
    assert sorted(cell.opportunity_ids) == sorted([OPEN_DEAL, WON_DEAL])
    [stored] = store.potentials(plan.id)
    assert sorted(stored.opportunity_ids) == sorted([OPEN_DEAL, WON_DEAL])
    links = [e for e in reversed(store.events(plan_id=plan.id)) if e.field == "opportunity"]
    assert [(e.entity, e.old_value, e.new_value) for e in links] == [
        ("potential", None, OPEN_DEAL),
        ("potential", None, WON_DEAL),
    ]


@pytest.mark.parametrize("opportunity_id", [OTHER_DEAL, sf_id("006", 999)])
def test_link_refuses_an_opportunity_that_is_not_the_accounts(
    store: Store, opportunity_id: str
) -> None:
    plan = new_plan(store)
    with pytest.raises(StoreError, match="not an opportunity of this account"):
        store.link_opportunity(plan.id, 1, None, SOLUTION, opportunity_id)
    assert store.potentials(plan.id) == []
    assert store.get_plan(plan.id).version == 1


def test_one_opportunity_links_to_one_cell_of_a_plan(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    plan, first = store.link_opportunity(plan.id, plan.version, None, SOLUTION, OPEN_DEAL)
    events_before = store.events()
    with pytest.raises(StoreError) as caught:
        store.link_opportunity(plan.id, plan.version, europe.id, SOLUTION, OPEN_DEAL)
    assert str(caught.value) == (
        f"'Backup renewal' is already linked to another cell of this plan "
        f"(whole account × {SOLUTION}); unlink it there first"
    )
    with pytest.raises(StoreError, match="already linked"):
        store.link_opportunity(plan.id, plan.version, None, "other_solution", OPEN_DEAL)
    assert store.potentials(plan.id) == [first]
    assert store.events() == events_before
    assert store.get_plan(plan.id).version == plan.version


def test_linking_again_to_the_same_cell_changes_nothing(store: Store) -> None:
    plan = new_plan(store)
    plan, first = store.link_opportunity(plan.id, plan.version, None, SOLUTION, OPEN_DEAL)
    events_before = store.events()
    plan, again = store.link_opportunity(plan.id, plan.version, None, SOLUTION, OPEN_DEAL)
    assert again == first
    assert store.potentials(plan.id) == [first]
    assert store.events() == events_before
    assert store.get_plan(plan.id).version == plan.version  # what it returns is current


def test_the_same_opportunity_may_be_linked_in_two_plans(store: Store) -> None:
    first = new_plan(store)
    second = store.create_plan(ACCOUNT, "acquisition", "Other plan")
    store.link_opportunity(first.id, 1, None, SOLUTION, OPEN_DEAL)
    _, cell = store.link_opportunity(second.id, 1, None, SOLUTION, OPEN_DEAL)
    assert cell.opportunity_ids == [OPEN_DEAL]
    assert store.potentials(first.id)[0].opportunity_ids == [OPEN_DEAL]


def test_unlink_removes_the_link_and_keeps_the_opportunity(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    plan, _ = store.link_opportunity(plan.id, plan.version, europe.id, SOLUTION, OPEN_DEAL)
    unlinked = store.unlink_opportunity(plan.id, plan.version, OPEN_DEAL, who="grace")
    assert unlinked.version == plan.version + 1
    [cell] = store.potentials(plan.id)
    assert cell.opportunity_ids == []
    assert OPEN_DEAL in {o.id for o in store.opportunities(ACCOUNT)}
    [latest] = store.events(plan_id=plan.id, limit=1)
    assert (latest.entity_id, latest.field, latest.old_value, latest.new_value, latest.who) == (
        f"division {europe.id} × {SOLUTION}",
        "opportunity",
        OPEN_DEAL,
        None,
        "grace",
    )
    # Once unlinked, it may go to another cell.
    _, other = store.link_opportunity(plan.id, unlinked.version, None, SOLUTION, OPEN_DEAL)
    assert other.opportunity_ids == [OPEN_DEAL]


def test_unlinking_an_opportunity_that_is_not_linked_is_refused(store: Store) -> None:
    plan = new_plan(store)
    with pytest.raises(StoreError, match=f"opportunity {OPEN_DEAL} is not linked"):
        store.unlink_opportunity(plan.id, 1, OPEN_DEAL)
    assert store.get_plan(plan.id).version == 1
    assert [e.field for e in store.events(plan_id=plan.id)] == ["created"]


# -- qualifying ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [s for s in POTENTIAL_STATUSES if s != "potential"])
def test_only_a_potential_can_be_qualified(store: Store, status: str) -> None:
    plan = new_plan(store)
    plan, _ = store.set_potential(
        plan.id, 1, None, SOLUTION, status=status, blocked_reason="not applicable", amount=5
    )
    with pytest.raises(
        StoreError, match=f"only a potential can be qualified; this cell is {status}"
    ):
        store.qualify_potential(
            plan.id,
            plan.version,
            None,
            SOLUTION,
            name="Deal",
            close_date=date(2027, 3, 31),
            stage="Prospecting",
        )
    assert store.qualified_opportunities(plan.id) == []
    assert store.get_plan(plan.id).version == plan.version


def test_a_cell_that_was_never_saved_cannot_be_qualified(store: Store) -> None:
    plan = new_plan(store)
    with pytest.raises(StoreError, match="this cell is whitespace"):
        store.qualify_potential(
            plan.id, 1, None, SOLUTION, name="Deal", close_date=date(2027, 3, 31), stage="New"
        )
    assert store.potentials(plan.id) == []


@pytest.mark.parametrize("with_division", [False, True], ids=["whole-account", "division"])
def test_qualify_creates_a_linked_opportunity_and_the_cell_becomes_current(
    store: Store, with_division: bool
) -> None:
    plan = new_plan(store)
    division_id = store.add_division(ACCOUNT, "Europe").id if with_division else None
    plan, _ = store.set_potential(
        plan.id, 1, division_id, SOLUTION, status="potential", amount=75_000, timing="2027-Q2"
    )
    plan2, opportunity = store.qualify_potential(
        plan.id,
        plan.version,
        division_id,
        SOLUTION,
        name="  Cloud   backup for Acme ",
        close_date=date(2027, 6, 30),
        stage="Qualification",
    )
    assert plan2.version == plan.version + 1
    assert opportunity.id.startswith("local-")
    assert (opportunity.account_id, opportunity.name, opportunity.close_date) == (
        ACCOUNT,
        "Cloud backup for Acme",
        date(2027, 6, 30),
    )
    assert (opportunity.stage, opportunity.amount, opportunity.source, opportunity.plan_id) == (
        "Qualification",
        75_000.0,
        "plan",
        plan.id,
    )
    assert not opportunity.is_closed and not opportunity.is_won
    [cell] = store.potentials(plan.id)
    assert (cell.status, cell.opportunity_ids) == ("current", [opportunity.id])
    assert store.qualified_opportunities(plan.id) == [opportunity]
    assert opportunity in store.opportunities(ACCOUNT)
    assert opportunity not in store.opportunities(OTHER_ACCOUNT)
    fields = {(e.entity, e.field) for e in store.events(plan_id=plan.id, limit=2)}
    assert fields == {("opportunity", "created"), ("potential", "status")}
    # Current now: it cannot be qualified twice.
    with pytest.raises(StoreError, match="this cell is current"):
        store.qualify_potential(
            plan.id,
            plan2.version,
            division_id,
            SOLUTION,
            name="Again",
            close_date=date(2027, 6, 30),
            stage="Qualification",
        )


def test_qualify_with_an_amount_of_its_own(store: Store) -> None:
    plan = new_plan(store)
    plan, _ = store.set_potential(plan.id, 1, None, SOLUTION, status="potential", amount=10)
    _, opportunity = store.qualify_potential(
        plan.id,
        plan.version,
        None,
        SOLUTION,
        name="Deal",
        close_date=date(2027, 1, 31),
        stage="New",
        amount=12.5,
    )
    assert opportunity.amount == 12.5
    assert store.potentials(plan.id)[0].amount == 10.0  # the plan's amount stays


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "needs a name"), ("   ", "needs a name"), ("x" * 121, "at most 120 characters")],
)
def test_qualify_refuses_a_bad_name(store: Store, name: str, message: str) -> None:
    plan = new_plan(store)
    plan, cell = store.set_potential(plan.id, 1, None, SOLUTION, status="potential")
    with pytest.raises(StoreError, match=message):
        store.qualify_potential(
            plan.id,
            plan.version,
            None,
            SOLUTION,
            name=name,
            close_date=date(2027, 1, 31),
            stage="New",
        )
    assert store.potentials(plan.id) == [cell]
    assert store.qualified_opportunities(plan.id) == []
    assert store.get_plan(plan.id).version == plan.version


def test_qualify_with_a_stale_version_is_a_conflict(store: Store) -> None:
    plan = new_plan(store)
    store.set_potential(plan.id, 1, None, SOLUTION, status="potential")
    with pytest.raises(PlanConflict):
        store.qualify_potential(
            plan.id, 1, None, SOLUTION, name="Deal", close_date=date(2027, 1, 31), stage="New"
        )
    assert store.potentials(plan.id)[0].status == "potential"
    assert store.qualified_opportunities(plan.id) == []


# -- revenue targets -----------------------------------------------------------------------


def test_revenue_targets_are_added_and_listed_by_start_date(store: Store) -> None:
    plan = new_plan(store)
    plan2, q2 = store.set_revenue_target(
        plan.id, 1, target("2027-04-01", "2027-06-30", "  FY27   Q2 ", 200)
    )
    assert plan2.version == 2
    assert (q2.plan_id, q2.label, q2.amount) == (plan.id, "FY27 Q2", 200.0)
    assert q2.id is not None
    plan3, q1 = store.set_revenue_target(plan.id, 2, target("2027-01-01", "2027-03-31"))
    assert plan3.version == 3
    assert store.revenue_targets(plan.id) == [q1, q2]
    created = [e for e in reversed(store.events(plan_id=plan.id)) if e.entity == "revenue_target"]
    assert [(e.entity_id, e.field, e.new_value) for e in created] == [
        (str(q2.id), "created", "FY27 Q2: 2027-04-01 – 2027-06-30, 200"),
        (str(q1.id), "created", "FY27 Q1: 2027-01-01 – 2027-03-31, 100"),
    ]


def test_a_revenue_target_is_updated_in_place(store: Store) -> None:
    plan = new_plan(store)
    plan, saved = store.set_revenue_target(plan.id, 1, target("2027-01-01", "2027-03-31"))
    changed = saved.model_copy(update={"amount": 150.0, "end_date": date(2027, 3, 30)})
    plan2, updated = store.set_revenue_target(plan.id, plan.version, changed, who="grace")
    assert plan2.version == plan.version + 1
    assert updated == changed
    assert store.revenue_targets(plan.id) == [updated]
    changes = {
        e.field: (e.old_value, e.new_value, e.who)
        for e in store.events(plan_id=plan.id)
        if e.entity == "revenue_target" and e.field != "created"
    }
    assert changes == {
        "end_date": ("2027-03-31", "2027-03-30", "grace"),
        "amount": ("100.0", "150.0", "grace"),
    }


def test_a_target_may_move_within_its_own_period(store: Store) -> None:
    plan = new_plan(store)
    plan, saved = store.set_revenue_target(plan.id, 1, target("2027-01-01", "2027-03-31"))
    moved = saved.model_copy(update={"start_date": date(2027, 2, 1), "end_date": date(2027, 4, 30)})
    _, updated = store.set_revenue_target(plan.id, plan.version, moved)
    assert store.revenue_targets(plan.id) == [updated]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2027-01-01", "2027-03-31"),  # identical
        ("2026-12-01", "2027-01-15"),  # overlaps the start
        ("2027-03-01", "2027-05-31"),  # overlaps the end
        ("2026-10-01", "2027-06-30"),  # contains it
        ("2027-02-01", "2027-02-28"),  # inside it
        ("2027-03-31", "2027-06-30"),  # starts on its last day
        ("2026-10-01", "2027-01-01"),  # ends on its first day
    ],
    ids=["identical", "start", "end", "containing", "inside", "touch-end", "touch-start"],
)
def test_overlapping_periods_are_refused_naming_the_other(
    store: Store, start: str, end: str
) -> None:
    plan = new_plan(store)
    plan, q1 = store.set_revenue_target(plan.id, 1, target("2027-01-01", "2027-03-31"))
    events_before = store.events()
    with pytest.raises(StoreError) as caught:
        store.set_revenue_target(plan.id, plan.version, target(start, end, "Other"))
    assert str(caught.value) == (
        f"the period {start} – {end} overlaps 'FY27 Q1' (2027-01-01 – 2027-03-31); "
        "periods of a plan may not overlap"
    )
    assert store.revenue_targets(plan.id) == [q1]
    assert store.events() == events_before
    assert store.get_plan(plan.id).version == plan.version


def test_an_update_that_overlaps_another_target_is_refused(store: Store) -> None:
    plan = new_plan(store)
    plan, q1 = store.set_revenue_target(plan.id, 1, target("2027-01-01", "2027-03-31"))
    plan, q2 = store.set_revenue_target(
        plan.id, plan.version, target("2027-04-01", "2027-06-30", "FY27 Q2")
    )
    stretched = q2.model_copy(update={"start_date": date(2027, 3, 15)})
    with pytest.raises(StoreError, match="overlaps 'FY27 Q1'"):
        store.set_revenue_target(plan.id, plan.version, stretched)
    assert store.revenue_targets(plan.id) == [q1, q2]


def test_adjacent_periods_are_fine(store: Store) -> None:
    plan = new_plan(store)
    plan, q1 = store.set_revenue_target(plan.id, 1, target("2027-01-01", "2027-03-31"))
    plan, q2 = store.set_revenue_target(
        plan.id, plan.version, target("2027-04-01", "2027-06-30", "FY27 Q2")
    )
    _, q4 = store.set_revenue_target(
        plan.id, plan.version, target("2026-10-01", "2026-12-31", "FY26 Q4")
    )
    assert store.revenue_targets(plan.id) == [q4, q1, q2]


def test_periods_of_different_plans_may_overlap(store: Store) -> None:
    first = new_plan(store)
    second = store.create_plan(ACCOUNT, "acquisition", "Other plan")
    store.set_revenue_target(first.id, 1, target("2027-01-01", "2027-03-31"))
    _, saved = store.set_revenue_target(second.id, 1, target("2027-01-01", "2027-03-31"))
    assert store.revenue_targets(second.id) == [saved]


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidRecord) as caught:
        make_record(
            RevenueTarget,
            plan_id=1,
            label="FY27 Q1",
            start_date="2027-03-31",
            end_date="2027-01-01",
            amount=100,
        )
    assert str(caught.value) == "the period ends (2027-01-01) before it starts (2027-03-31)"
    with pytest.raises(ValueError, match="before it starts"):
        target("2027-03-31", "2027-01-01")
    # A one-day period is fine.
    assert target("2027-03-31", "2027-03-31").start_date == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"label": "   "}, "needs a period label"), ({"id": 424242}, "no revenue target 424242")],
)
def test_set_revenue_target_refuses_bad_input(
    store: Store, changes: dict[str, object], message: str
) -> None:
    plan = new_plan(store)
    with pytest.raises(StoreError, match=message):
        store.set_revenue_target(plan.id, 1, target("2027-01-01", "2027-03-31", **changes))
    assert store.revenue_targets(plan.id) == []
    assert store.get_plan(plan.id).version == 1


def test_a_target_of_another_plan_cannot_be_changed_or_removed(store: Store) -> None:
    first = new_plan(store)
    second = store.create_plan(ACCOUNT, "acquisition", "Other plan")
    _, theirs = store.set_revenue_target(first.id, 1, target("2027-01-01", "2027-03-31"))
    with pytest.raises(StoreError, match=f"no revenue target {theirs.id} in this plan"):
        store.set_revenue_target(second.id, 1, theirs.model_copy(update={"amount": 1.0}))
    with pytest.raises(StoreError, match=f"no revenue target {theirs.id} in this plan"):
        store.remove_revenue_target(second.id, 1, theirs.id)
    assert store.revenue_targets(first.id) == [theirs]


def test_remove_revenue_target_keeps_what_it_was_in_the_event(store: Store) -> None:
    plan = new_plan(store)
    plan, q1 = store.set_revenue_target(plan.id, 1, target("2027-01-01", "2027-03-31"))
    plan, q2 = store.set_revenue_target(
        plan.id, plan.version, target("2027-04-01", "2027-06-30", "FY27 Q2", 250)
    )
    removed = store.remove_revenue_target(plan.id, plan.version, q2.id, who="grace")
    assert removed.version == plan.version + 1
    assert store.revenue_targets(plan.id) == [q1]
    [latest] = store.events(plan_id=plan.id, limit=1)
    assert (latest.entity, latest.entity_id, latest.field, latest.who) == (
        "revenue_target",
        str(q2.id),
        "deleted",
        "grace",
    )
    assert (latest.old_value, latest.new_value) == ("FY27 Q2: 2027-04-01 – 2027-06-30, 250", None)
    with pytest.raises(PlanConflict):
        store.remove_revenue_target(plan.id, plan.version, q1.id)
    assert store.revenue_targets(plan.id) == [q1]


def test_the_link_table_refuses_a_second_link_of_one_opportunity(store: Store) -> None:
    """Links are keyed by plan and opportunity: one cell per opportunity, even below the API."""
    plan = new_plan(store)
    store.link_opportunity(plan.id, 1, None, SOLUTION, OPEN_DEAL)
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        cell_id = conn.scalar(select(potentials.c.id))
        conn.execute(
            insert(potential_opportunities).values(
                plan_id=plan.id, opportunity_id=OPEN_DEAL, potential_id=cell_id
            )
        )
    assert store.potentials(plan.id)[0].opportunity_ids == [OPEN_DEAL]


def test_a_period_label_used_twice_is_refused(store: Store) -> None:
    plan = new_plan(store)
    plan, q2 = store.set_revenue_target(plan.id, 1, target("2027-04-01", "2027-06-30", "FY27 Q2"))
    with pytest.raises(StoreError, match="the period label 'fy27 q2' is already used"):
        store.set_revenue_target(
            plan.id, plan.version, target("2027-07-01", "2027-09-30", "fy27  q2")
        )
    assert store.revenue_targets(plan.id) == [q2]
    # The target itself may keep its label when its dates change.
    plan, moved = store.set_revenue_target(
        plan.id, plan.version, q2.model_copy(update={"end_date": date(2027, 6, 29)})
    )
    assert moved.label == "FY27 Q2"
