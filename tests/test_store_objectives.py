"""Store: the plan's team, objectives (with links) and actions, all versioned with the plan."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planning_kit.model import (
    OBJECTIVE_STATUSES,
    PRIORITIES,
    Account,
    ImportBatch,
    InvalidRecord,
    Opportunity,
    Plan,
    salesforce_id_18,
)
from planning_kit.plan_types import PlanTypeRegistry, load_plan_types
from planning_kit.store import OWNER_ROLE, PlanConflict, Store, StoreError
from planning_kit.tables import actions, objective_links, objectives

ACCOUNT = "001bm00001ZL8UEAA1"
OTHER_ACCOUNT = "001bm00001ZL8UAAA1"
OWNER = "Dana Scully"
SOLUTION = "cloud_backup"


def sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce Id, e.g. sf_id('006', 1)."""
    return salesforce_id_18(f"{prefix}{n:012d}")


OUR_DEAL = sf_id("006", 1)
OTHER_DEAL = sf_id("006", 2)


def seed(store: Store) -> None:
    """The planned account, another account, and an opportunity of each."""
    store.apply_import(
        ImportBatch(
            accounts=[
                Account(id=ACCOUNT, name="Acme Holdings", source="salesforce"),
                Account(id=OTHER_ACCOUNT, name="Globex", source="salesforce"),
            ],
            opportunities=[
                Opportunity(id=OUR_DEAL, account_id=ACCOUNT, name="Backup renewal"),
                Opportunity(id=OTHER_DEAL, account_id=OTHER_ACCOUNT, name="Not ours"),
            ],
        )
    )


def new_plan(store: Store, name: str = "FY27 growth", *, account: str = ACCOUNT) -> Plan:
    """A plan owned by Dana Scully, at version 1 (the accounts are seeded on first use)."""
    if not store.account_ids():
        seed(store)
    return store.create_plan(account, "expansion", name, owner=OWNER)


def owner_of(store: Store, plan: Plan) -> int:
    """The id of the plan's owning team member."""
    (owner,) = [m for m in store.team(plan.id) if m.is_owner]
    return owner.id


def snapshot(store: Store, plan_id: int) -> tuple:
    """Everything a write to the plan may change."""
    return (
        store.get_plan(plan_id),
        store.team(plan_id),
        store.objectives(plan_id),
        store.actions(plan_id),
        store.events(),
    )


def today_utc() -> date:
    """The date the store stamps (it keeps times in UTC)."""
    return datetime.now(UTC).date()


def link_rows(store: Store) -> list[tuple[int, str, str]]:
    """(objective id, kind, target id) of every row of the objective_links table."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                objective_links.c.objective_id, objective_links.c.kind, objective_links.c.target_id
            ).order_by(objective_links.c.id)
        )
        return [tuple(r) for r in rows]


# -- team ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "who", "expected"),
    [(OWNER, None, OWNER), (None, "fox", "fox"), (None, None, "tester")],
    ids=["owner-given", "starter", "current-user"],
)
def test_a_new_plan_has_exactly_its_owner_on_its_team(
    store: Store, owner: str | None, who: str | None, expected: str
) -> None:
    seed(store)
    plan = store.create_plan(ACCOUNT, "expansion", "FY27 growth", owner=owner, who=who)
    team = store.team(plan.id)
    assert len(team) == 1
    (member,) = team
    assert (member.plan_id, member.name, member.role, member.is_owner) == (
        plan.id,
        expected,
        "Account Executive",
        True,
    )
    assert OWNER_ROLE == "Account Executive"
    assert (member.email, member.left_at, member.position) == (None, None, 1)
    assert plan.owner == expected
    assert plan.version == 1


def test_each_plan_has_its_own_team(store: Store) -> None:
    first = new_plan(store)
    second = store.create_plan(OTHER_ACCOUNT, "acquisition", "Land Globex", owner="Fox Mulder")
    assert [m.name for m in store.team(first.id)] == [OWNER]
    assert [m.name for m in store.team(second.id)] == ["Fox Mulder"]
    assert owner_of(store, first) != owner_of(store, second)


def test_add_member_appends_with_positions_and_created_events(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(
        plan.id, plan.version, "  Fox   Mulder ", "Solution Engineer", " fox@fbi.gov "
    )
    assert plan.version == 2
    plan, walter = store.add_member(plan.id, plan.version, "Walter Skinner", "Sales Manager")
    assert plan.version == 3
    assert (fox.name, fox.role, fox.email, fox.position, fox.is_owner, fox.left_at) == (
        "Fox Mulder",
        "Solution Engineer",
        "fox@fbi.gov",
        2,
        False,
        None,
    )
    assert (walter.email, walter.position) == (None, 3)
    assert [(m.name, m.position) for m in store.team(plan.id)] == [
        (OWNER, 1),
        ("Fox Mulder", 2),
        ("Walter Skinner", 3),
    ]
    assert [m.is_owner for m in store.team(plan.id)] == [True, False, False]
    created = [e for e in store.events(plan_id=plan.id) if e.entity == "team_member"]
    assert [(e.entity_id, e.field, e.old_value, e.new_value, e.who) for e in created] == [
        (str(walter.id), "created", None, "Walter Skinner", "tester"),
        (str(fox.id), "created", None, "Fox Mulder", "tester"),
    ]
    assert all(e.account_id == ACCOUNT for e in created)


@pytest.mark.parametrize(
    ("name", "role", "email", "error", "message"),
    [
        (OWNER, "Solution Engineer", None, StoreError, "Dana Scully is already on the team"),
        ("dana scully", "Solution Engineer", None, StoreError, "already on the team"),
        ("  DANA   scully ", "Solution Engineer", None, StoreError, "already on the team"),
        ("", "Solution Engineer", None, InvalidRecord, "^name: must not be empty$"),
        ("   ", "Solution Engineer", None, InvalidRecord, "^name: must not be empty$"),
        ("Fox Mulder", "", None, InvalidRecord, "^role: must not be empty$"),
        ("Fox Mulder", "  ", None, InvalidRecord, "^role: must not be empty$"),
        ("x" * 121, "Solution Engineer", None, InvalidRecord, "name: has at most 120 characters"),
        (
            "Fox Mulder",
            "Solution Engineer",
            "fox-at-fbi.gov",
            InvalidRecord,
            "^email: 'fox-at-fbi.gov' is not an e-mail address$",
        ),
        ("Fox Mulder", "Solution Engineer", "fox@fbi", InvalidRecord, "not an e-mail address"),
        ("Fox Mulder", "Solution Engineer", "f m@fbi.gov", InvalidRecord, "e-mail address"),
    ],
)
def test_add_member_refuses_bad_input_and_writes_nothing(
    store: Store,
    name: str,
    role: str,
    email: str | None,
    error: type[Exception],
    message: str,
) -> None:
    plan = new_plan(store)
    before = snapshot(store, plan.id)
    with pytest.raises(error, match=message):
        store.add_member(plan.id, plan.version, name, role, email)
    assert snapshot(store, plan.id) == before


def test_the_name_of_a_former_member_may_be_used_again(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, _ = store.remove_member(plan.id, plan.version, fox.id)
    plan, again = store.add_member(plan.id, plan.version, "fox mulder", "Sales Manager")
    assert again.id != fox.id
    assert [(m.name, m.is_former) for m in store.team(plan.id)] == [
        (OWNER, False),
        ("Fox Mulder", True),
        ("fox mulder", False),
    ]


def test_members_of_different_plans_may_share_a_name(store: Store) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    other, fox2 = store.add_member(other.id, other.version, "Fox Mulder", "Solution Engineer")
    assert fox.id != fox2.id and (fox.plan_id, fox2.plan_id) == (plan.id, other.id)


@pytest.mark.parametrize(
    ("field", "old", "new", "stored"),
    [
        ("name", "Fox Mulder", "  Fox  W. Mulder ", "Fox W. Mulder"),
        ("role", "Solution Engineer", "Executive Sponsor", "Executive Sponsor"),
        ("email", None, "fox@fbi.gov", "fox@fbi.gov"),
    ],
)
def test_update_member_changes_one_field_with_one_event(
    store: Store, field: str, old: str | None, new: str, stored: str
) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    events_before = len(store.events())
    plan, changed = store.update_member(plan.id, plan.version, fox.id, **{field: new})
    assert plan.version == 3
    assert getattr(changed, field) == stored
    assert store.team(plan.id)[1] == changed
    assert plan.owner == OWNER  # only the owner's rename renames the plan's owner
    (event,) = store.events()[: len(store.events()) - events_before]
    assert (event.entity, event.entity_id, event.field, event.old_value, event.new_value) == (
        "team_member",
        str(fox.id),
        field,
        old,
        stored,
    )


def test_update_member_clears_the_email_with_a_blank(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox", "Solution Engineer", "fox@fbi.gov")
    plan, fox = store.update_member(plan.id, plan.version, fox.id, email="  ")
    assert fox.email is None
    assert store.events(limit=1)[0].old_value == "fox@fbi.gov"


def test_renaming_the_owner_renames_the_plans_owner(store: Store) -> None:
    plan = new_plan(store)
    plan, owner = store.update_member(
        plan.id, plan.version, owner_of(store, plan), name="Dana K. Scully"
    )
    assert owner.name == "Dana K. Scully" and owner.is_owner
    assert plan.owner == "Dana K. Scully"
    assert store.get_plan(plan.id).owner == "Dana K. Scully"
    assert plan.version == 2


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"email": "not-an-address"}, InvalidRecord, "email: 'not-an-address' is not an e-mail"),
        ({"name": " "}, InvalidRecord, "^name: must not be empty$"),
        ({"role": ""}, InvalidRecord, "^role: must not be empty$"),
        ({"is_owner": True}, StoreError, "cannot change is_owner of a team member"),
        ({"left_at": None, "position": 9}, StoreError, "cannot change left_at, position"),
    ],
)
def test_update_member_refuses_bad_input_and_writes_nothing(
    store: Store, fields: dict, error: type[Exception], message: str
) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    before = snapshot(store, plan.id)
    with pytest.raises(error, match=message):
        store.update_member(plan.id, plan.version, fox.id, **fields)
    assert snapshot(store, plan.id) == before


def test_update_member_refuses_a_taken_name(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match="^dana SCULLY is already on the team$"):
        store.update_member(plan.id, plan.version, fox.id, name=" dana  SCULLY")
    assert snapshot(store, plan.id) == before
    # a change of case or spacing of one's own name is fine
    plan, fox = store.update_member(plan.id, plan.version, fox.id, name="FOX MULDER")
    assert fox.name == "FOX MULDER"


def test_remove_member_marks_them_former_and_keeps_their_items(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, objective = store.add_objective(
        plan.id, plan.version, name="Win the archive deal", type="Relationship", owner_id=fox.id
    )
    plan, action = store.add_action(
        plan.id, plan.version, objective_id=objective.id, name="Call the CIO", owner_id=fox.id
    )
    assert fox.label == "Fox Mulder (Solution Engineer)"
    plan, gone = store.remove_member(plan.id, plan.version, fox.id)
    assert plan.version == 5
    assert gone.left_at is not None and gone.is_former
    assert gone.label == "Fox Mulder (former member)"
    assert store.team(plan.id) == [store.team(plan.id)[0], gone]  # still listed, in place
    assert store.get_objective(objective.id).owner_id == fox.id
    assert store.get_action(action.id).owner_id == fox.id
    event = store.events(limit=1)[0]
    assert (event.entity, event.entity_id, event.field, event.old_value, event.new_value) == (
        "team_member",
        str(fox.id),
        "left",
        None,
        "Fox Mulder",
    )


def test_the_owner_cannot_be_removed(store: Store) -> None:
    plan = new_plan(store)
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match="Dana Scully owns the plan: make someone else the owner"):
        store.remove_member(plan.id, plan.version, owner_of(store, plan))
    assert snapshot(store, plan.id) == before


def test_restore_member_brings_a_former_member_back(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, _ = store.remove_member(plan.id, plan.version, fox.id)
    plan, back = store.restore_member(plan.id, plan.version, fox.id)
    assert plan.version == 4
    assert back == fox  # same id, place, role and e-mail; no longer former
    assert not back.is_former and back.label == "Fox Mulder (Solution Engineer)"
    event = store.events(limit=1)[0]
    assert (event.field, event.old_value, event.new_value) == ("left", "Fox Mulder", None)


def test_restore_is_refused_when_a_current_member_took_the_name(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, _ = store.remove_member(plan.id, plan.version, fox.id)
    plan, _ = store.add_member(plan.id, plan.version, "fox mulder", "Sales Manager")
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match="^Fox Mulder is already on the team$"):
        store.restore_member(plan.id, plan.version, fox.id)
    assert snapshot(store, plan.id) == before


def test_set_owner_moves_ownership_and_the_plans_owner(store: Store) -> None:
    plan = new_plan(store)
    dana = owner_of(store, plan)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan = store.set_owner(plan.id, plan.version, fox.id)
    assert plan.version == 3
    assert plan.owner == "Fox Mulder" == store.get_plan(plan.id).owner
    assert [(m.id, m.is_owner) for m in store.team(plan.id)] == [(dana, False), (fox.id, True)]
    event = store.events(limit=1)[0]
    assert (event.entity, event.entity_id, event.field, event.old_value, event.new_value) == (
        "plan",
        str(plan.id),
        "owner",
        OWNER,
        "Fox Mulder",
    )
    # the former owner may leave now; the new one may not
    plan, left = store.remove_member(plan.id, plan.version, dana)
    assert left.is_former
    with pytest.raises(StoreError, match="Fox Mulder owns the plan"):
        store.remove_member(plan.id, plan.version, fox.id)


def test_set_owner_back_and_forth_keeps_exactly_one_owner(store: Store) -> None:
    plan = new_plan(store)
    dana = owner_of(store, plan)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, walter = store.add_member(plan.id, plan.version, "Walter Skinner", "Sales Manager")
    for member_id in (walter.id, fox.id, dana, walter.id):
        plan = store.set_owner(plan.id, plan.version, member_id)
        owners = [m.id for m in store.team(plan.id) if m.is_owner]
        assert owners == [member_id]
    assert plan.owner == "Walter Skinner"
    moves = [(e.old_value, e.new_value) for e in store.events() if e.field == "owner"]
    assert moves == [
        (OWNER, "Walter Skinner"),
        ("Fox Mulder", OWNER),
        ("Walter Skinner", "Fox Mulder"),
        (OWNER, "Walter Skinner"),
    ]


def test_set_owner_to_the_owner_logs_nothing(store: Store) -> None:
    plan = new_plan(store)
    events_before = store.events()
    plan = store.set_owner(plan.id, plan.version, owner_of(store, plan))
    assert plan.owner == OWNER
    assert store.events() == events_before
    assert [m.is_owner for m in store.team(plan.id)] == [True]


def test_set_owner_refuses_a_former_member(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, _ = store.remove_member(plan.id, plan.version, fox.id)
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match="Fox Mulder has left the team and cannot own the plan"):
        store.set_owner(plan.id, plan.version, fox.id)
    assert snapshot(store, plan.id) == before


@pytest.mark.parametrize(
    "write",
    [
        lambda s, p, m: s.set_owner(p.id, p.version, m),
        lambda s, p, m: s.remove_member(p.id, p.version, m),
        lambda s, p, m: s.restore_member(p.id, p.version, m),
        lambda s, p, m: s.update_member(p.id, p.version, m, role="Sales Manager"),
    ],
    ids=["set_owner", "remove_member", "restore_member", "update_member"],
)
def test_a_member_of_another_plan_is_refused(store: Store, write: Callable) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    other, stranger = store.add_member(other.id, other.version, "Fox Mulder", "Sales Manager")
    before = snapshot(store, plan.id), snapshot(store, other.id)
    with pytest.raises(StoreError, match=f"team member {stranger.id} is not on this plan|no team"):
        write(store, plan, stranger.id)
    assert (snapshot(store, plan.id), snapshot(store, other.id)) == before


# -- objectives ----------------------------------------------------------------------------


def test_add_objective_with_every_field(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, objective = store.add_objective(
        plan.id,
        plan.version,
        name="  Win the   archive deal ",
        type="Relationship",
        division_id=europe.id,
        metric="Signed order",
        description="Archive for all of Europe",
        strategy="Start with the pilot",
        status="In Progress",
        owner_id=fox.id,
        priority="High",
        due_date=date(2027, 3, 31),
        who="fox",
    )
    assert plan.version == 3
    assert objective.model_dump(exclude={"id", "updated_at"}) == {
        "plan_id": plan.id,
        "name": "Win the archive deal",
        "type": "Relationship",
        "division_id": europe.id,
        "metric": "Signed order",
        "description": "Archive for all of Europe",
        "strategy": "Start with the pilot",
        "status": "In Progress",
        "owner_id": fox.id,
        "priority": "High",
        "due_date": date(2027, 3, 31),
        "position": 1,
        "links": [],
        "updated_by": "fox",
    }
    assert objective.updated_at is not None and objective.is_open
    assert store.objectives(plan.id) == [objective] == [store.get_objective(objective.id)]
    event = store.events(limit=1)[0]
    assert (event.entity, event.entity_id, event.field, event.new_value, event.who) == (
        "objective",
        str(objective.id),
        "created",
        "Win the archive deal",
        "fox",
    )


def test_objectives_take_defaults_and_the_next_position(store: Store) -> None:
    plan = new_plan(store)
    names = ["First", "Second", "Third"]
    for name in names:
        plan, objective = store.add_objective(plan.id, plan.version, name=name, type="Relationship")
    listed = store.objectives(plan.id)
    assert [(o.name, o.position) for o in listed] == [("First", 1), ("Second", 2), ("Third", 3)]
    first = listed[0]
    assert (first.status, first.priority, first.owner_id, first.division_id) == (
        "Not Started",
        "Medium",
        None,
        None,
    )
    assert (first.metric, first.description, first.strategy, first.due_date) == ("", "", "", None)
    assert plan.version == 4
    assert store.objectives(new_plan(store, "Other").id) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "^name: must not be empty$"),
        ({"name": "   "}, "^name: must not be empty$"),
        ({"name": "x" * 201}, "^name: has at most 200 characters$"),
        ({"type": " "}, "^type: must not be empty$"),
        ({"status": "Done"}, "^status: 'Done' is not allowed; use 'Not Started', 'In Progress'"),
        ({"status": "achieved"}, "^status: 'achieved' is not allowed"),
        ({"priority": "Urgent"}, "^priority: 'Urgent' is not allowed; use 'High', 'Medium' or"),
        ({"due_date": "31/03/2027"}, "^due date: "),
        ({"colour": "red"}, "^colour: "),
    ],
)
def test_add_objective_refuses_bad_fields_and_writes_nothing(
    store: Store, fields: dict, message: str
) -> None:
    plan = new_plan(store)
    before = snapshot(store, plan.id)
    with pytest.raises(InvalidRecord, match=message):
        store.add_objective(
            plan.id, plan.version, **({"name": "Grow", "type": "Relationship"} | fields)
        )
    assert snapshot(store, plan.id) == before


@pytest.mark.parametrize("status", OBJECTIVE_STATUSES)
@pytest.mark.parametrize("priority", PRIORITIES)
def test_every_status_and_priority_can_be_saved(store: Store, status: str, priority: str) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(
        plan.id, plan.version, name="Grow", type="Relationship", status=status, priority=priority
    )
    assert (objective.status, objective.priority) == (status, priority)
    assert objective.is_open == (status in ("Not Started", "In Progress", "Deferred"))


def test_an_owner_from_another_plan_is_refused(store: Store) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    stranger = owner_of(store, other)
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match=f"team member {stranger} is not on this plan's team"):
        store.add_objective(
            plan.id, plan.version, name="Grow", type="Relationship", owner_id=stranger
        )
    with pytest.raises(StoreError, match="team member 9999 is not on this plan's team"):
        store.add_objective(plan.id, plan.version, name="Grow", type="Relationship", owner_id=9999)
    assert snapshot(store, plan.id) == before
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    with pytest.raises(StoreError, match="is not on this plan's team"):
        store.update_objective(plan.id, plan.version, objective.id, owner_id=stranger)
    assert store.get_objective(objective.id).owner_id is None


def test_a_division_of_another_account_is_refused(store: Store) -> None:
    plan = new_plan(store)
    theirs = store.add_division(OTHER_ACCOUNT, "Europe")
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match=f"division {theirs.id} is not a division of this account"):
        store.add_objective(
            plan.id, plan.version, name="Grow", type="Relationship", division_id=theirs.id
        )
    assert snapshot(store, plan.id) == before
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    with pytest.raises(StoreError, match="not a division of this account"):
        store.update_objective(plan.id, plan.version, objective.id, division_id=theirs.id)
    assert store.get_objective(objective.id).division_id is None


def test_update_objective_logs_one_event_per_changed_field(store: Store) -> None:
    plan = new_plan(store)
    europe = store.add_division(ACCOUNT, "Europe")
    dana = owner_of(store, plan)
    plan, objective = store.add_objective(
        plan.id, plan.version, name="Grow", type="Relationship", metric="Revenue"
    )
    events_before = len(store.events())
    plan, updated = store.update_objective(
        plan.id,
        plan.version,
        objective.id,
        name="Grow",  # unchanged: no event
        metric="Revenue",  # unchanged: no event
        status="Achieved",
        priority="High",
        due_date=date(2027, 6, 30),
        owner_id=dana,
        division_id=europe.id,
        strategy="Land and expand",
        who="fox",
    )
    assert plan.version == 3
    assert (updated.status, updated.priority, updated.due_date) == (
        "Achieved",
        "High",
        date(2027, 6, 30),
    )
    assert (updated.owner_id, updated.division_id, updated.strategy) == (
        dana,
        europe.id,
        "Land and expand",
    )
    assert not updated.is_open and updated.updated_by == "fox"
    assert (updated.name, updated.metric, updated.position) == ("Grow", "Revenue", 1)
    new_events = store.events()[: len(store.events()) - events_before]
    assert {(e.field, e.old_value, e.new_value) for e in new_events} == {
        ("status", "Not Started", "Achieved"),
        ("priority", "Medium", "High"),
        ("due_date", None, "2027-06-30"),
        ("owner_id", None, str(dana)),
        ("division_id", None, str(europe.id)),
        ("strategy", "", "Land and expand"),
    }
    assert len(new_events) == 6
    assert all(
        (e.entity, e.entity_id, e.who, e.plan_id)
        == ("objective", str(objective.id), "fox", plan.id)
        for e in new_events
    )


def test_an_update_that_changes_nothing_logs_nothing(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    events_before = store.events()
    plan, same = store.update_objective(plan.id, plan.version, objective.id, name=" Grow ")
    assert same == objective
    assert store.events() == events_before


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"status": "Finished"}, InvalidRecord, "^status: 'Finished' is not allowed"),
        ({"priority": "low"}, InvalidRecord, "^priority: 'low' is not allowed"),
        ({"name": ""}, InvalidRecord, "^name: must not be empty$"),
        ({"position": 3}, StoreError, "cannot change position of an objective"),
        ({"links": [], "updated_by": "x"}, StoreError, "cannot change links, updated_by of an"),
    ],
)
def test_update_objective_refuses_bad_fields_and_writes_nothing(
    store: Store, fields: dict, error: type[Exception], message: str
) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    before = snapshot(store, plan.id)
    with pytest.raises(error, match=message):
        store.update_objective(plan.id, plan.version, objective.id, **fields)
    assert snapshot(store, plan.id) == before


def test_an_objective_of_another_plan_cannot_be_changed_or_deleted(store: Store) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    other, theirs = store.add_objective(other.id, other.version, name="Theirs", type="Relationship")
    before = snapshot(store, plan.id), snapshot(store, other.id)
    with pytest.raises(StoreError, match=f"no objective {theirs.id} in this plan"):
        store.update_objective(plan.id, plan.version, theirs.id, name="Mine")
    with pytest.raises(StoreError, match=f"objective {theirs.id} is not an objective of this plan"):
        store.delete_objective(plan.id, plan.version, theirs.id)
    assert (snapshot(store, plan.id), snapshot(store, other.id)) == before


def test_get_objective_of_an_unknown_id_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="no objective 404"):
        store.get_objective(404)


def test_reorder_objectives_saves_the_order(store: Store) -> None:
    plan = new_plan(store)
    ids = []
    for name in ("A", "B", "C", "D"):
        plan, objective = store.add_objective(plan.id, plan.version, name=name, type="Relationship")
        ids.append(objective.id)
    a, b, c, d = ids
    plan = store.reorder_objectives(plan.id, plan.version, [c, a, d, b])
    assert plan.version == 6
    assert [(o.name, o.position) for o in store.objectives(plan.id)] == [
        ("C", 1),
        ("A", 2),
        ("D", 3),
        ("B", 4),
    ]
    moves = {
        (e.entity_id, e.old_value, e.new_value) for e in store.events() if e.field == "position"
    }
    assert moves == {(str(c), "3", "1"), (str(a), "1", "2"), (str(d), "4", "3"), (str(b), "2", "4")}
    # ids not listed keep their relative place after the listed ones
    plan = store.reorder_objectives(plan.id, plan.version, [b])
    assert [o.name for o in store.objectives(plan.id)] == ["B", "C", "A", "D"]
    assert [o.position for o in store.objectives(plan.id)] == [1, 2, 3, 4]


def test_reorder_objectives_refuses_foreign_ids_and_writes_nothing(store: Store) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    plan, mine = store.add_objective(plan.id, plan.version, name="Mine", type="Relationship")
    plan, second = store.add_objective(plan.id, plan.version, name="Second", type="Relationship")
    other, theirs = store.add_objective(other.id, other.version, name="Theirs", type="Relationship")
    before = snapshot(store, plan.id), snapshot(store, other.id)
    for order in ([second.id, theirs.id, mine.id], [second.id, 9999]):
        with pytest.raises(StoreError, match=r"objective\(s\) \[\d+\] are not objectives of this"):
            store.reorder_objectives(plan.id, plan.version, order)
    assert (snapshot(store, plan.id), snapshot(store, other.id)) == before


def test_delete_objective_unassigns_its_actions_and_removes_its_links(store: Store) -> None:
    plan = new_plan(store)
    plan, doomed = store.add_objective(plan.id, plan.version, name="Doomed", type="Relationship")
    plan, kept = store.add_objective(plan.id, plan.version, name="Kept", type="Relationship")
    plan, loose = store.add_action(plan.id, plan.version, name="Already unassigned")
    plan, first = store.add_action(plan.id, plan.version, objective_id=doomed.id, name="First")
    plan, second = store.add_action(plan.id, plan.version, objective_id=doomed.id, name="Second")
    plan, other = store.add_action(plan.id, plan.version, objective_id=kept.id, name="Other")
    for target in (doomed, kept):
        plan, _ = store.link_objective(plan.id, plan.version, target.id, "opportunity", OUR_DEAL)
    plan, _ = store.link_objective(plan.id, plan.version, doomed.id, "insight", "goal-1")
    version = plan.version
    plan = store.delete_objective(plan.id, plan.version, doomed.id)
    assert plan.version == version + 1
    assert [o.id for o in store.objectives(plan.id)] == [kept.id]
    with pytest.raises(StoreError, match=f"no objective {doomed.id}"):
        store.get_objective(doomed.id)
    assert link_rows(store) == [(kept.id, "opportunity", OUR_DEAL)]
    assert store.get_objective(kept.id).links == [("opportunity", OUR_DEAL)]
    by_id = {a.id: a for a in store.actions(plan.id)}
    assert set(by_id) == {loose.id, first.id, second.id, other.id}
    assert [by_id[i].objective_id for i in (first.id, second.id)] == [None, None]
    assert by_id[other.id].objective_id == kept.id
    # they join the end of the unassigned actions, in their order
    unassigned = [a for a in store.actions(plan.id) if a.objective_id is None]
    assert [(a.name, a.position) for a in unassigned] == [
        ("Already unassigned", 1),
        ("First", 2),
        ("Second", 3),
    ]
    new_events = [e for e in store.events(plan_id=plan.id) if e.at >= plan.updated_at]
    assert ("objective", str(doomed.id), "deleted", "Doomed", None) in {
        (e.entity, e.entity_id, e.field, e.old_value, e.new_value) for e in new_events
    }
    moved = {
        (e.entity_id, e.old_value, e.new_value)
        for e in new_events
        if e.entity == "action" and e.field == "objective_id"
    }
    assert moved == {(str(first.id), str(doomed.id), None), (str(second.id), str(doomed.id), None)}


# -- versions ------------------------------------------------------------------------------


@dataclass
class Scene:
    """A plan with a second member, an objective with an insight link and an action."""

    plan: Plan
    owner_id: int
    member_id: int
    objective_id: int
    action_id: int


def make_scene(store: Store) -> Scene:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, _ = store.link_objective(plan.id, plan.version, objective.id, "insight", "goal-1")
    plan, action = store.add_action(plan.id, plan.version, objective_id=objective.id, name="Call")
    return Scene(plan, owner_of(store, plan), fox.id, objective.id, action.id)


WRITES: dict[str, Callable[[Store, Scene, int], object]] = {
    "add_member": lambda s, x, v: s.add_member(x.plan.id, v, "Walter Skinner", "Sales Manager"),
    "update_member": lambda s, x, v: s.update_member(x.plan.id, v, x.member_id, role="SE"),
    "remove_member": lambda s, x, v: s.remove_member(x.plan.id, v, x.member_id),
    "restore_member": lambda s, x, v: s.restore_member(x.plan.id, v, x.member_id),
    "set_owner": lambda s, x, v: s.set_owner(x.plan.id, v, x.member_id),
    "add_objective": lambda s, x, v: s.add_objective(
        x.plan.id, v, name="More", type="Relationship"
    ),
    "update_objective": lambda s, x, v: s.update_objective(
        x.plan.id, v, x.objective_id, status="Deferred"
    ),
    "delete_objective": lambda s, x, v: s.delete_objective(x.plan.id, v, x.objective_id),
    "reorder_objectives": lambda s, x, v: s.reorder_objectives(x.plan.id, v, [x.objective_id]),
    "link_objective": lambda s, x, v: s.link_objective(
        x.plan.id, v, x.objective_id, "opportunity", OUR_DEAL
    ),
    "unlink_objective": lambda s, x, v: s.unlink_objective(
        x.plan.id, v, x.objective_id, "insight", "goal-1"
    ),
    "add_action": lambda s, x, v: s.add_action(x.plan.id, v, name="Write"),
    "update_action": lambda s, x, v: s.update_action(x.plan.id, v, x.action_id, status="done"),
    "delete_action": lambda s, x, v: s.delete_action(x.plan.id, v, x.action_id),
}


def returned_plan(result: object) -> Plan:
    """The plan a write returned (alone or first of a pair)."""
    return result if isinstance(result, Plan) else result[0]


@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_raises_the_plan_version_by_one(store: Store, write: str) -> None:
    scene = make_scene(store)
    version = scene.plan.version
    plan = returned_plan(WRITES[write](store, scene, version))
    assert plan.version == version + 1
    assert store.get_plan(scene.plan.id) == plan


@pytest.mark.parametrize("write", list(WRITES))
def test_a_stale_version_raises_conflict_and_writes_nothing(store: Store, write: str) -> None:
    scene = make_scene(store)
    stale = scene.plan.version
    store.update_plan(scene.plan.id, stale, name="Changed elsewhere")
    before = snapshot(store, scene.plan.id)
    with pytest.raises(PlanConflict, match=f"now version {stale + 1}, you had version {stale}"):
        WRITES[write](store, scene, stale)
    assert snapshot(store, scene.plan.id) == before


# -- links ---------------------------------------------------------------------------------


def test_link_an_opportunity_a_potential_and_an_insight(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, cell = store.set_potential(plan.id, plan.version, None, SOLUTION, status="potential")
    assert cell.id is not None
    plan, objective = store.link_objective(
        plan.id, plan.version, objective.id, "opportunity", OUR_DEAL
    )
    plan, objective = store.link_objective(
        plan.id, plan.version, objective.id, "potential", str(cell.id)
    )
    plan, objective = store.link_objective(
        plan.id, plan.version, objective.id, "insight", "initiative-7f3a"
    )
    assert plan.version == 6
    expected = [
        ("opportunity", OUR_DEAL),
        ("potential", str(cell.id)),
        ("insight", "initiative-7f3a"),
    ]
    assert objective.links == expected
    assert store.objectives(plan.id)[0].links == expected
    linked = [e for e in store.events(plan_id=plan.id) if e.field.startswith("link ")]
    assert [(e.entity_id, e.field, e.old_value, e.new_value) for e in reversed(linked)] == [
        (str(objective.id), f"link {kind}", None, target) for kind, target in expected
    ]


def test_a_potential_id_may_be_given_as_a_number(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, cell = store.set_potential(plan.id, plan.version, None, SOLUTION, status="potential")
    plan, objective = store.link_objective(
        plan.id, plan.version, objective.id, "potential", cell.id
    )
    assert objective.links == [("potential", str(cell.id))]


@pytest.mark.parametrize(
    ("kind", "target"), [("opportunity", OUR_DEAL), ("insight", "goal-1"), ("potential", None)]
)
def test_linking_twice_changes_nothing(store: Store, kind: str, target: str | None) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    if target is None:
        plan, cell = store.set_potential(plan.id, plan.version, None, SOLUTION, status="potential")
        target = str(cell.id)
    plan, first = store.link_objective(plan.id, plan.version, objective.id, kind, target)
    events_before = store.events()
    plan, again = store.link_objective(plan.id, plan.version, objective.id, kind, target)
    assert again.links == first.links == [(kind, target)]
    assert link_rows(store) == [(objective.id, kind, target)]
    assert store.events() == events_before


def test_two_objectives_may_link_the_same_target(store: Store) -> None:
    plan = new_plan(store)
    plan, one = store.add_objective(plan.id, plan.version, name="One", type="Relationship")
    plan, two = store.add_objective(plan.id, plan.version, name="Two", type="Relationship")
    for objective in (one, two):
        plan, objective = store.link_objective(
            plan.id, plan.version, objective.id, "opportunity", OUR_DEAL
        )
        assert objective.links == [("opportunity", OUR_DEAL)]


def link_refusals() -> list:
    return [
        pytest.param(
            "opportunity",
            lambda s, other: OTHER_DEAL,
            f"opportunity {OTHER_DEAL} is not an opportunity of this account",
            id="opportunity-of-another-account",
        ),
        pytest.param(
            "opportunity",
            lambda s, other: sf_id("006", 999),
            "is not an opportunity of this account",
            id="unknown-opportunity",
        ),
        pytest.param(
            "potential",
            lambda s, other: str(
                s.set_potential(other.id, other.version, None, SOLUTION, status="potential")[1].id
            ),
            r"potential \d+ is not a cell of this plan",
            id="potential-of-another-plan",
        ),
        pytest.param(
            "potential",
            lambda s, other: "9999",
            "potential 9999 is not a cell of this plan",
            id="unknown-potential",
        ),
        pytest.param(
            "potential",
            lambda s, other: "cell-1",
            "potential cell-1 is not a cell of this plan",
            id="potential-not-a-number",
        ),
        pytest.param(
            "contact",
            lambda s, other: "003000000000001AAA",
            "cannot link an objective to a 'contact' \\(potential, opportunity, insight\\)",
            id="unknown-kind",
        ),
    ]


@pytest.mark.parametrize(("kind", "make_target", "message"), link_refusals())
def test_link_refusals_write_nothing(
    store: Store, kind: str, make_target: Callable, message: str
) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    target = make_target(store, other)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match=message):
        store.link_objective(plan.id, plan.version, objective.id, kind, target)
    assert snapshot(store, plan.id) == before
    assert link_rows(store) == []


def test_link_to_an_objective_of_another_plan_is_refused(store: Store) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    other, theirs = store.add_objective(other.id, other.version, name="Theirs", type="Relationship")
    with pytest.raises(StoreError, match=f"objective {theirs.id} is not an objective of this plan"):
        store.link_objective(plan.id, plan.version, theirs.id, "insight", "goal-1")
    assert link_rows(store) == []


def test_unlink_removes_one_link_with_an_event(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, _ = store.link_objective(plan.id, plan.version, objective.id, "opportunity", OUR_DEAL)
    plan, _ = store.link_objective(plan.id, plan.version, objective.id, "insight", "goal-1")
    plan, objective = store.unlink_objective(
        plan.id, plan.version, objective.id, "opportunity", OUR_DEAL
    )
    assert plan.version == 5
    assert objective.links == [("insight", "goal-1")]
    assert link_rows(store) == [(objective.id, "insight", "goal-1")]
    event = store.events(limit=1)[0]
    assert (event.entity, event.entity_id, event.field, event.old_value, event.new_value) == (
        "objective",
        str(objective.id),
        "link opportunity",
        OUR_DEAL,
        None,
    )
    assert store.opportunities(ACCOUNT)[0].id == OUR_DEAL  # the opportunity itself stays


@pytest.mark.parametrize(
    ("kind", "target"),
    [("opportunity", OUR_DEAL), ("insight", "goal-2"), ("potential", "goal-1")],
    ids=["never-linked", "other-insight", "other-kind"],
)
def test_unlinking_a_missing_link_is_refused(store: Store, kind: str, target: str) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, _ = store.link_objective(plan.id, plan.version, objective.id, "insight", "goal-1")
    before = snapshot(store, plan.id)
    with pytest.raises(
        StoreError, match=f"objective {objective.id} has no link to {kind} {target}"
    ):
        store.unlink_objective(plan.id, plan.version, objective.id, kind, target)
    assert snapshot(store, plan.id) == before


# -- actions -------------------------------------------------------------------------------


def test_add_action_to_objectives_and_to_unassigned_with_positions_per_group(
    store: Store,
) -> None:
    plan = new_plan(store)
    plan, one = store.add_objective(plan.id, plan.version, name="One", type="Relationship")
    plan, two = store.add_objective(plan.id, plan.version, name="Two", type="Relationship")
    added = []
    for objective_id, name in [
        (one.id, "1a"),
        (None, "u1"),
        (two.id, "2a"),
        (one.id, "1b"),
        (None, "u2"),
        (one.id, "1c"),
    ]:
        plan, action = store.add_action(plan.id, plan.version, objective_id=objective_id, name=name)
        added.append(action)
    assert plan.version == 9
    assert {(a.name, a.objective_id, a.position) for a in added} == {
        ("1a", one.id, 1),
        ("1b", one.id, 2),
        ("1c", one.id, 3),
        ("2a", two.id, 1),
        ("u1", None, 1),
        ("u2", None, 2),
    }
    listed = store.actions(plan.id)
    assert sorted(listed, key=lambda a: a.id) == added
    for group in (one.id, two.id, None):
        names = [a.name for a in listed if a.objective_id == group]
        assert names == sorted(names)  # in position order within each group
    first = added[0]
    assert (first.status, first.completed_on, first.owner_id, first.notes) == (
        "open",
        None,
        None,
        "",
    )
    assert first.is_open and first.updated_by == "tester"
    assert store.get_action(first.id) == first
    event = store.events(limit=1)[0]
    assert (event.entity, event.entity_id, event.field, event.new_value) == (
        "action",
        str(added[-1].id),
        "created",
        "1c",
    )


def test_add_action_with_every_field(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    owner = owner_of(store, plan)
    plan, action = store.add_action(
        plan.id,
        plan.version,
        objective_id=objective.id,
        name="  Book the   workshop ",
        owner_id=owner,
        due_date=date(2027, 2, 1),
        notes="With the CIO",
        who="fox",
    )
    assert action.model_dump(exclude={"id", "updated_at"}) == {
        "plan_id": plan.id,
        "objective_id": objective.id,
        "name": "Book the workshop",
        "owner_id": owner,
        "due_date": date(2027, 2, 1),
        "status": "open",
        "completed_on": None,
        "notes": "With the CIO",
        "position": 1,
        "updated_by": "fox",
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "^name: must not be empty$"),
        ({"name": "x" * 201}, "^name: has at most 200 characters$"),
        ({"status": "closed"}, "^status: 'closed' is not allowed; use 'open' or 'done'$"),
        ({"due_date": "tomorrow"}, "^due date: "),
    ],
)
def test_add_action_refuses_bad_fields_and_writes_nothing(
    store: Store, fields: dict, message: str
) -> None:
    plan = new_plan(store)
    before = snapshot(store, plan.id)
    with pytest.raises(InvalidRecord, match=message):
        store.add_action(plan.id, plan.version, **({"name": "Call"} | fields))
    assert snapshot(store, plan.id) == before


def test_moving_an_action_puts_it_at_the_end_of_the_target_group(store: Store) -> None:
    plan = new_plan(store)
    plan, one = store.add_objective(plan.id, plan.version, name="One", type="Relationship")
    plan, two = store.add_objective(plan.id, plan.version, name="Two", type="Relationship")
    plan, mover = store.add_action(plan.id, plan.version, objective_id=one.id, name="Mover")
    plan, stay = store.add_action(plan.id, plan.version, objective_id=one.id, name="Stay")
    plan, _ = store.add_action(plan.id, plan.version, objective_id=two.id, name="Two's")
    plan, _ = store.add_action(plan.id, plan.version, name="Loose")

    def group(objective_id: int | None) -> list[tuple[str, int]]:
        return [
            (a.name, a.position) for a in store.actions(plan.id) if a.objective_id == objective_id
        ]

    version = plan.version
    plan, moved = store.update_action(plan.id, plan.version, mover.id, objective_id=two.id)
    assert plan.version == version + 1
    assert (moved.objective_id, moved.position) == (two.id, 2)
    assert group(two.id) == [("Two's", 1), ("Mover", 2)]
    assert group(one.id) == [("Stay", 2)]
    event_fields = {
        (e.field, e.old_value, e.new_value)
        for e in store.events()
        if e.at >= plan.updated_at and e.entity_id == str(mover.id)
    }
    assert ("objective_id", str(one.id), str(two.id)) in event_fields

    plan, moved = store.update_action(plan.id, plan.version, mover.id, objective_id=None)
    assert (moved.objective_id, moved.position) == (None, 2)
    assert group(None) == [("Loose", 1), ("Mover", 2)]
    assert group(two.id) == [("Two's", 1)]

    plan, moved = store.update_action(plan.id, plan.version, mover.id, objective_id=one.id)
    assert (moved.objective_id, moved.position) == (one.id, 3)
    assert group(one.id) == [("Stay", 2), ("Mover", 3)]
    assert group(None) == [("Loose", 1)]
    assert store.get_action(stay.id) == stay


def test_an_update_to_the_same_objective_keeps_the_place(store: Store) -> None:
    plan = new_plan(store)
    plan, one = store.add_objective(plan.id, plan.version, name="One", type="Relationship")
    plan, first = store.add_action(plan.id, plan.version, objective_id=one.id, name="First")
    plan, _ = store.add_action(plan.id, plan.version, objective_id=one.id, name="Second")
    events_before = store.events()
    plan, same = store.update_action(plan.id, plan.version, first.id, objective_id=one.id)
    assert same == first
    assert store.events() == events_before


def test_done_sets_completed_on_and_open_clears_it(store: Store) -> None:
    plan = new_plan(store)
    plan, action = store.add_action(plan.id, plan.version, name="Call")
    start = today_utc()
    plan, done = store.update_action(plan.id, plan.version, action.id, status="done")
    assert done.status == "done" and not done.is_open
    assert done.completed_on in {start, today_utc()}
    changes = {(e.field, e.old_value) for e in store.events(limit=2)}
    assert changes == {("status", "open"), ("completed_on", None)}
    plan, reopened = store.update_action(plan.id, plan.version, action.id, status="open")
    assert (reopened.status, reopened.completed_on) == ("open", None)
    assert store.get_action(action.id).completed_on is None


def test_an_explicit_completed_on_is_kept(store: Store) -> None:
    plan = new_plan(store)
    plan, added = store.add_action(
        plan.id, plan.version, name="Done before", status="done", completed_on=date(2026, 1, 5)
    )
    assert added.completed_on == date(2026, 1, 5)
    plan, action = store.add_action(plan.id, plan.version, name="Call")
    plan, done = store.update_action(
        plan.id, plan.version, action.id, status="done", completed_on=date(2026, 2, 3)
    )
    assert done.completed_on == date(2026, 2, 3)
    # saving a done action again (say, a new note) keeps its date
    plan, noted = store.update_action(plan.id, plan.version, action.id, notes="went well")
    assert noted.completed_on == date(2026, 2, 3)
    plan, again = store.update_action(plan.id, plan.version, action.id, status="done")
    assert again.completed_on == date(2026, 2, 3)


def test_an_action_added_as_done_is_completed_today(store: Store) -> None:
    plan = new_plan(store)
    start = today_utc()
    plan, action = store.add_action(plan.id, plan.version, name="Call", status="done")
    assert action.completed_on in {start, today_utc()}


@pytest.mark.parametrize(
    "write",
    [
        lambda s, p, foreign: s.add_action(p.id, p.version, name="Call", owner_id=foreign.owner),
        lambda s, p, foreign: s.update_action(
            p.id, p.version, foreign.mine, owner_id=foreign.owner
        ),
        lambda s, p, foreign: s.add_action(
            p.id, p.version, name="Call", objective_id=foreign.objective
        ),
        lambda s, p, foreign: s.update_action(
            p.id, p.version, foreign.mine, objective_id=foreign.objective
        ),
        lambda s, p, foreign: s.update_action(p.id, p.version, foreign.action, name="Mine"),
        lambda s, p, foreign: s.delete_action(p.id, p.version, foreign.action),
    ],
    ids=[
        "add-owner",
        "update-owner",
        "add-objective",
        "update-objective",
        "update-their-action",
        "delete-their-action",
    ],
)
def test_records_of_another_plan_are_refused_for_actions(store: Store, write: Callable) -> None:
    plan = new_plan(store)
    other = new_plan(store, "FY28 growth")
    other, objective = store.add_objective(
        other.id, other.version, name="Theirs", type="Relationship"
    )
    other, action = store.add_action(other.id, other.version, name="Theirs")
    plan, mine = store.add_action(plan.id, plan.version, name="Mine")

    @dataclass
    class Foreign:
        owner: int
        objective: int
        action: int
        mine: int

    foreign = Foreign(owner_of(store, other), objective.id, action.id, mine.id)
    before = snapshot(store, plan.id), snapshot(store, other.id)
    with pytest.raises(
        StoreError,
        match=(
            f"team member {foreign.owner} is not on this plan's team"
            f"|objective {objective.id} is not an objective of this plan"
            f"|no action {action.id} in this plan"
        ),
    ):
        write(store, plan, foreign)
    assert (snapshot(store, plan.id), snapshot(store, other.id)) == before


def test_update_action_refuses_unknown_fields(store: Store) -> None:
    plan = new_plan(store)
    plan, action = store.add_action(plan.id, plan.version, name="Call")
    with pytest.raises(StoreError, match="cannot change position, updated_by of an action"):
        store.update_action(plan.id, plan.version, action.id, position=4, updated_by="x")
    assert store.get_action(action.id) == action


def test_delete_action_removes_it_and_logs_its_name(store: Store) -> None:
    plan = new_plan(store)
    plan, keep = store.add_action(plan.id, plan.version, name="Keep")
    plan, action = store.add_action(plan.id, plan.version, name="Call the CIO")
    plan = store.delete_action(plan.id, plan.version, action.id, who="fox")
    assert plan.version == 4
    assert store.actions(plan.id) == [keep]
    with pytest.raises(StoreError, match=f"no action {action.id}"):
        store.get_action(action.id)
    event = store.events(limit=1)[0]
    assert (event.entity, event.entity_id, event.field, event.old_value, event.new_value) == (
        "action",
        str(action.id),
        "deleted",
        "Call the CIO",
        None,
    )
    assert (event.who, event.plan_id, event.account_id) == ("fox", plan.id, ACCOUNT)
    with pytest.raises(StoreError, match=f"no action {action.id} in this plan"):
        store.delete_action(plan.id, plan.version, action.id)


def test_deleted_objectives_and_actions_leave_no_rows(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, action = store.add_action(plan.id, plan.version, name="Call", objective_id=objective.id)
    plan = store.delete_action(plan.id, plan.version, action.id)
    plan = store.delete_objective(plan.id, plan.version, objective.id)
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(actions)) == 0
        assert conn.scalar(select(func.count()).select_from(objectives)) == 0


@pytest.mark.parametrize("target", ["", "   ", "x" * 61])
def test_insight_link_ids_are_checked_before_the_database(store: Store, target: str) -> None:
    """A blank or over-long id is refused with a message on every database (not a DataError)."""
    seed(store)
    plan = new_plan(store)
    plan, goal = store.add_objective(plan.id, plan.version, name="Goal", type="Relationship")
    with pytest.raises(StoreError, match="1 to 60 characters"):
        store.link_objective(plan.id, plan.version, goal.id, "insight", target)
    assert store.get_objective(goal.id).links == []


# -- dates are bounded (1900 to 2999) --------------------------------------------------------

OUT_OF_RANGE = "is out of range; use a date from 1900-01-01 to 2999-12-31$"
FAR_FUTURE = date(9999, 12, 31)


def store_due_date(store: Store, table: object, record_id: int, day: date) -> None:
    """Put a date straight into the database, as a store without the range check did."""
    with store.engine.begin() as conn:
        conn.execute(table.update().where(table.c.id == record_id).values(due_date=day))


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (
            lambda s, p, o, a: s.add_objective(
                p.id, p.version, name="Grow", type="Relationship", due_date=FAR_FUTURE
            ),
            f"^due date: 9999-12-31 {OUT_OF_RANGE}",
        ),
        (
            lambda s, p, o, a: s.update_objective(p.id, p.version, o.id, due_date="1899-12-31"),
            f"^due date: 1899-12-31 {OUT_OF_RANGE}",
        ),
        (
            lambda s, p, o, a: s.add_action(p.id, p.version, name="Call", due_date=FAR_FUTURE),
            f"^due date: 9999-12-31 {OUT_OF_RANGE}",
        ),
        (
            lambda s, p, o, a: s.update_action(p.id, p.version, a.id, due_date=date(3000, 1, 1)),
            f"^due date: 3000-01-01 {OUT_OF_RANGE}",
        ),
        (
            lambda s, p, o, a: s.add_action(
                p.id, p.version, name="Call", status="done", completed_on=FAR_FUTURE
            ),
            f"^completed on: 9999-12-31 {OUT_OF_RANGE}",
        ),
        (
            lambda s, p, o, a: s.update_action(
                p.id, p.version, a.id, status="done", completed_on=date(1, 1, 1)
            ),
            f"^completed on: 0001-01-01 {OUT_OF_RANGE}",
        ),
    ],
    ids=[
        "add-objective-due",
        "update-objective-due",
        "add-action-due",
        "update-action-due",
        "add-action-completed",
        "update-action-completed",
    ],
)
def test_dates_outside_1900_to_2999_are_refused_with_the_field_named(
    store: Store, write: Callable, message: str
) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, action = store.add_action(plan.id, plan.version, name="Call")
    before = snapshot(store, plan.id)
    with pytest.raises(InvalidRecord, match=message):
        write(store, plan, objective, action)
    assert snapshot(store, plan.id) == before


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(2999, 12, 31)], ids=["first", "last"])
def test_the_first_and_last_day_of_the_range_are_accepted(store: Store, day: date) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(
        plan.id, plan.version, name="Grow", type="Relationship", due_date=day
    )
    plan, action = store.add_action(
        plan.id, plan.version, name="Call", due_date=day, status="done", completed_on=day
    )
    assert objective.due_date == day
    assert (action.due_date, action.completed_on) == (day, day)


def test_a_stored_out_of_range_date_is_read_and_kept_through_other_edits(store: Store) -> None:
    """Saved before the rule: nothing is lost, other fields still save, a new bad date is not."""
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Relationship")
    plan, action = store.add_action(plan.id, plan.version, name="Call")
    store_due_date(store, objectives, objective.id, FAR_FUTURE)
    store_due_date(store, actions, action.id, FAR_FUTURE)

    assert store.get_objective(objective.id).due_date == FAR_FUTURE
    assert [a.due_date for a in store.actions(plan.id)] == [FAR_FUTURE]
    plan, renamed = store.update_objective(plan.id, plan.version, objective.id, name="Grow more")
    assert (renamed.name, renamed.due_date) == ("Grow more", FAR_FUTURE)
    plan, noted = store.update_action(plan.id, plan.version, action.id, notes="ring twice")
    assert (noted.notes, noted.due_date) == ("ring twice", FAR_FUTURE)

    with pytest.raises(InvalidRecord, match=f"^due date: 9000-01-01 {OUT_OF_RANGE}"):
        store.update_action(plan.id, plan.version, action.id, due_date=date(9000, 1, 1))
    plan, fixed = store.update_action(plan.id, plan.version, action.id, due_date=date(2027, 5, 1))
    assert fixed.due_date == date(2027, 5, 1)


# -- team: names ------------------------------------------------------------------------------


def test_a_former_member_cannot_be_renamed_to_a_current_members_name(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, walter = store.add_member(plan.id, plan.version, "Walter Skinner", "Sales Manager")
    plan, _ = store.remove_member(plan.id, plan.version, fox.id)
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match="^walter SKINNER is already on the team$"):
        store.update_member(plan.id, plan.version, fox.id, name=" walter  SKINNER ")
    with pytest.raises(StoreError, match="^Dana Scully is already on the team$"):
        store.update_member(plan.id, plan.version, fox.id, name=OWNER)
    assert snapshot(store, plan.id) == before
    # a name no current member has is fine, and so is the former member's other fields
    plan, fox = store.update_member(plan.id, plan.version, fox.id, name="Fox W. Mulder")
    plan, fox = store.update_member(plan.id, plan.version, fox.id, role="Executive Sponsor")
    assert (fox.name, fox.role, fox.is_former) == ("Fox W. Mulder", "Executive Sponsor", True)
    assert walter.name == "Walter Skinner"


# -- actions: status and completion date go together ---------------------------------------

FIXED_TODAY = date(2027, 3, 15)
OPEN_WITH_DATE = (
    "^completed on: an open action has no completion date; mark it done, or leave the date empty$"
)
DONE_WITHOUT_DATE = (
    "^completed on: a done action needs its completion date; reopen the action "
    r"\(status open\) to clear it$"
)


def test_done_without_a_date_is_completed_on_the_today_given(store: Store) -> None:
    plan = new_plan(store)
    plan, added = store.add_action(
        plan.id, plan.version, name="Call", status="done", today=FIXED_TODAY
    )
    assert (added.status, added.completed_on) == ("done", FIXED_TODAY)
    plan, action = store.add_action(plan.id, plan.version, name="Visit")
    plan, done = store.update_action(
        plan.id, plan.version, action.id, status="done", completed_on=None, today=FIXED_TODAY
    )
    assert (done.status, done.completed_on) == ("done", FIXED_TODAY)
    # without `today`, the store's own (UTC) date
    start = today_utc()
    plan, other = store.add_action(plan.id, plan.version, name="Write", status="done")
    assert other.completed_on in {start, today_utc()}


@pytest.mark.parametrize("stage", ["add", "update"])
def test_a_completion_date_marks_an_open_action_done(store: Store, stage: str) -> None:
    plan = new_plan(store)
    day = date(2027, 3, 1)
    if stage == "add":
        plan, action = store.add_action(plan.id, plan.version, name="Call", completed_on=day)
    else:
        plan, action = store.add_action(plan.id, plan.version, name="Call")
        plan, action = store.update_action(plan.id, plan.version, action.id, completed_on=day)
        logged = [(e.field, e.old_value, e.new_value) for e in reversed(store.events(limit=2))]
        assert logged == [("status", "open", "done"), ("completed_on", None, "2027-03-01")]
    assert (action.status, action.completed_on, action.is_open) == ("done", day, False)


@pytest.mark.parametrize(
    ("stored", "fields", "message"),
    [
        ("new", {"status": "open", "completed_on": date(2027, 3, 1)}, OPEN_WITH_DATE),
        ("open", {"status": "open", "completed_on": date(2027, 3, 1)}, OPEN_WITH_DATE),
        ("done", {"status": "open", "completed_on": date(2027, 3, 1)}, OPEN_WITH_DATE),
        ("done", {"completed_on": None}, DONE_WITHOUT_DATE),
        ("done", {"status": "done", "completed_on": None}, DONE_WITHOUT_DATE),
    ],
    ids=["add-open-dated", "open-dated", "reopen-dated", "clear-date", "done-clear-date"],
)
def test_an_inconsistent_status_and_completion_date_is_refused(
    store: Store, stored: str, fields: dict, message: str
) -> None:
    plan = new_plan(store)
    plan, action = store.add_action(plan.id, plan.version, name="Call")
    if stored == "done":
        plan, action = store.update_action(
            plan.id, plan.version, action.id, status="done", completed_on=date(2027, 2, 1)
        )
    before = snapshot(store, plan.id)
    with pytest.raises(InvalidRecord, match=message):
        if stored == "new":
            store.add_action(plan.id, plan.version, name="Visit", **fields)
        else:
            store.update_action(plan.id, plan.version, action.id, **fields)
    assert snapshot(store, plan.id) == before


def test_reopening_clears_the_date_and_a_new_date_moves_it(store: Store) -> None:
    plan = new_plan(store)
    plan, action = store.add_action(
        plan.id, plan.version, name="Call", status="done", completed_on=date(2027, 2, 1)
    )
    plan, moved = store.update_action(plan.id, plan.version, action.id, completed_on="2027-02-03")
    assert (moved.status, moved.completed_on) == ("done", date(2027, 2, 3))
    plan, reopened = store.update_action(
        plan.id, plan.version, action.id, status="open", completed_on=None
    )
    assert (reopened.status, reopened.completed_on) == ("open", None)
    plan, same = store.update_action(plan.id, plan.version, action.id, completed_on=None)
    assert same == reopened  # clearing an open action's empty date changes nothing


def test_a_stored_inconsistent_action_is_left_alone_by_other_edits(store: Store) -> None:
    """An open action with a date (saved before the rule) keeps it until its status changes."""
    plan = new_plan(store)
    plan, action = store.add_action(plan.id, plan.version, name="Call")
    with store.engine.begin() as conn:
        conn.execute(
            actions.update().where(actions.c.id == action.id).values(completed_on=date(2026, 1, 1))
        )
    plan, noted = store.update_action(plan.id, plan.version, action.id, notes="ring twice")
    assert (noted.status, noted.completed_on) == ("open", date(2026, 1, 1))
    plan, done = store.update_action(
        plan.id, plan.version, action.id, status="done", today=FIXED_TODAY
    )
    assert (done.status, done.completed_on) == ("done", FIXED_TODAY)


# -- objective types come from the plan type -------------------------------------------------

EXPANSION_TYPES = "'Business Development', 'Relationship', 'Marketing' or 'Research'"
SUCCESS_TYPES = "'Adoption', 'Retention', 'Relationship' or 'Research'"


@pytest.mark.parametrize("stage", ["add", "update"])
def test_an_objective_type_the_plan_type_does_not_list_is_refused(store: Store, stage: str) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="Research")
    before = snapshot(store, plan.id)
    message = (
        f"^type: 'Adoption' is not an objective type of Expansion plans; use {EXPANSION_TYPES}$"
    )
    with pytest.raises(InvalidRecord, match=message):
        if stage == "add":
            store.add_objective(plan.id, plan.version, name="Adopt", type=" Adoption ")
        else:
            store.update_objective(plan.id, plan.version, objective.id, type="Adoption")
    assert snapshot(store, plan.id) == before


def test_an_objective_type_is_matched_in_any_case_and_saved_as_the_plan_type_spells_it(
    store: Store,
) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(
        plan.id, plan.version, name="Grow", type="  business   DEVELOPMENT "
    )
    assert objective.type == "Business Development"
    plan, objective = store.update_objective(plan.id, plan.version, objective.id, type="research")
    assert objective.type == "Research"


def test_a_type_the_new_plan_type_lacks_is_kept_read_and_still_editable(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(
        plan.id, plan.version, name="Grow", type="Business Development"
    )
    plan = store.change_plan_type(plan.id, plan.version, "customer_success")
    assert [o.type for o in store.objectives(plan.id)] == ["Business Development"]
    events_before = store.events()
    plan, same = store.update_objective(
        plan.id, plan.version, objective.id, type="Business Development"
    )
    assert same == store.get_objective(objective.id) and store.events() == events_before
    plan, renamed = store.update_objective(plan.id, plan.version, objective.id, name="Grow more")
    assert (renamed.name, renamed.type) == ("Grow more", "Business Development")
    message = (
        f"^type: 'Marketing' is not an objective type of Customer Success plans; use "
        f"{SUCCESS_TYPES}$"
    )
    with pytest.raises(InvalidRecord, match=message):
        store.update_objective(plan.id, plan.version, objective.id, type="Marketing")
    plan, adopted = store.update_objective(plan.id, plan.version, objective.id, type="Adoption")
    assert adopted.type == "Adoption"
    with pytest.raises(InvalidRecord, match="'Business Development' is not an objective type"):
        store.update_objective(plan.id, plan.version, objective.id, type="Business Development")


def test_objective_types_come_from_the_plan_types_the_store_was_given() -> None:
    """The plan types are the store's, not the database's: one backend is enough."""
    registry = load_plan_types()
    expansion = registry.get("expansion").model_copy(update={"objective_types": ["Land"]})
    given = PlanTypeRegistry(types={"expansion": expansion}, catalogue=registry.catalogue)
    store = Store.memory(plan_types=given)
    try:
        assert store.plan_types is given
        plan = new_plan(store)
        plan, objective = store.add_objective(plan.id, plan.version, name="Grow", type="land")
        assert objective.type == "Land"
        with pytest.raises(InvalidRecord, match="^type: 'Relationship' .*; use 'Land'$"):
            store.add_objective(plan.id, plan.version, name="Know", type="Relationship")
        other = store.create_plan(ACCOUNT, "acquisition", "Not loaded")
        with pytest.raises(
            StoreError,
            match="^cannot check the objective type: unknown plan type 'acquisition' "
            r"\(known plan types: expansion\)$",
        ):
            store.add_objective(other.id, other.version, name="Grow", type="Land")
    finally:
        store.close()
        shutil.rmtree(Path(store.engine.url.database).parent, ignore_errors=True)


# -- owners: former members keep what they own, and get nothing new -------------------------

LEFT = (
    "^Fox Mulder has left the team and cannot be given new work: choose a current member as "
    "the owner, or bring Fox Mulder back to the team first$"
)


@pytest.mark.parametrize(
    "write",
    [
        lambda s, p, fox, o, a: s.add_objective(
            p.id, p.version, name="Grow", type="Relationship", owner_id=fox
        ),
        lambda s, p, fox, o, a: s.update_objective(p.id, p.version, o.id, owner_id=fox),
        lambda s, p, fox, o, a: s.add_action(p.id, p.version, name="Call", owner_id=fox),
        lambda s, p, fox, o, a: s.update_action(p.id, p.version, a.id, owner_id=fox),
    ],
    ids=["add-objective", "update-objective", "add-action", "update-action"],
)
def test_a_former_member_cannot_be_made_an_owner(store: Store, write: Callable) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, objective = store.add_objective(plan.id, plan.version, name="Keep", type="Relationship")
    plan, action = store.add_action(plan.id, plan.version, name="Visit")
    plan, _ = store.remove_member(plan.id, plan.version, fox.id)
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match=LEFT):
        write(store, plan, fox.id, objective, action)
    assert snapshot(store, plan.id) == before


def test_items_a_former_member_owns_keep_them_through_edits(store: Store) -> None:
    plan = new_plan(store)
    dana = owner_of(store, plan)
    plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
    plan, objective = store.add_objective(
        plan.id, plan.version, name="Grow", type="Relationship", owner_id=fox.id
    )
    plan, action = store.add_action(plan.id, plan.version, name="Call", owner_id=fox.id)
    plan, _ = store.remove_member(plan.id, plan.version, fox.id)

    # a form that sends every field back, the owner included, still saves
    plan, objective = store.update_objective(
        plan.id, plan.version, objective.id, owner_id=fox.id, status="In Progress"
    )
    plan, action = store.update_action(
        plan.id, plan.version, action.id, owner_id=fox.id, notes="ring twice"
    )
    assert (objective.owner_id, objective.status) == (fox.id, "In Progress")
    assert (action.owner_id, action.notes) == (fox.id, "ring twice")
    # handed over to a current member, it cannot go back to the former one
    plan, action = store.update_action(plan.id, plan.version, action.id, owner_id=dana)
    with pytest.raises(StoreError, match=LEFT):
        store.update_action(plan.id, plan.version, action.id, owner_id=fox.id)
    # once Fox is back on the team, he may own new work again
    plan, _ = store.restore_member(plan.id, plan.version, fox.id)
    plan, action = store.update_action(plan.id, plan.version, action.id, owner_id=fox.id)
    assert action.owner_id == fox.id


# -- text is trimmed, without control characters ---------------------------------------------


def test_objective_and_action_text_is_trimmed_without_control_characters(store: Store) -> None:
    plan = new_plan(store)
    plan, objective = store.add_objective(
        plan.id,
        plan.version,
        name="objectives\x00 ",
        type="Relationship\x00",
        metric="  Revenue\x00  growth ",
        description="  Line one\r\nLine\x07 two  \n",
        strategy="\tLand and expand \x00",
    )
    assert (objective.name, objective.type, objective.metric) == (
        "objectives",
        "Relationship",
        "Revenue growth",
    )
    assert (objective.description, objective.strategy) == ("Line one\nLine two", "Land and expand")
    plan, action = store.add_action(
        plan.id,
        plan.version,
        objective_id=objective.id,
        name=" Call\x00 the\tCFO ",
        notes="\x00 She prefers mornings;\n\tnot Mondays \n",
    )
    assert (action.name, action.notes) == ("Call the CFO", "She prefers mornings;\n\tnot Mondays")
    plan, objective = store.update_objective(
        plan.id, plan.version, objective.id, strategy=" Land\x1b and expand\n"
    )
    assert objective.strategy == "Land and expand"
    assert store.get_objective(objective.id) == objective


@pytest.mark.parametrize("name", ["\x00", " \x00\x07 "], ids=["nul", "controls"])
def test_a_name_of_only_control_characters_is_empty(store: Store, name: str) -> None:
    plan = new_plan(store)
    before = snapshot(store, plan.id)
    with pytest.raises(InvalidRecord, match="^name: must not be empty$"):
        store.add_objective(plan.id, plan.version, name=name, type="Relationship")
    with pytest.raises(InvalidRecord, match="^name: must not be empty$"):
        store.add_action(plan.id, plan.version, name=name)
    with pytest.raises(InvalidRecord, match="^name: must not be empty$"):
        store.add_member(plan.id, plan.version, name, "Solution Engineer")
    assert snapshot(store, plan.id) == before


def test_member_text_is_trimmed_and_a_name_with_a_nul_is_still_a_duplicate(store: Store) -> None:
    plan = new_plan(store)
    plan, fox = store.add_member(
        plan.id, plan.version, "Fox\x00 Mulder ", " Solution Engineer\x00", " fox@fbi.gov\x00 "
    )
    assert (fox.name, fox.role, fox.email) == ("Fox Mulder", "Solution Engineer", "fox@fbi.gov")
    before = snapshot(store, plan.id)
    with pytest.raises(StoreError, match="^Dana Scully is already on the team$"):
        store.add_member(plan.id, plan.version, "Dana Scully\x00", "Sales Manager")
    with pytest.raises(StoreError, match="^Dana Scully is already on the team$"):
        store.update_member(plan.id, plan.version, fox.id, name="Dana\x00 Scully")
    assert snapshot(store, plan.id) == before


def test_plan_and_division_names_lose_control_characters_too(store: Store) -> None:
    seed(store)
    plan = store.create_plan(ACCOUNT, "expansion", " FY27\x00 growth ")
    assert plan.name == "FY27 growth"
    plan = store.update_plan(plan.id, plan.version, name="FY28\x00 growth\x07")
    assert plan.name == "FY28 growth"
    north = store.add_division(ACCOUNT, " North\x00 ")
    assert north.name == "North"
    with pytest.raises(StoreError, match="^there is already a division named 'North'$"):
        store.add_division(ACCOUNT, "north\x00")


def test_a_former_member_whose_name_was_taken_keeps_their_name_through_edits(store: Store) -> None:
    """The team form sends the name with every save: keeping it must not count as a clash."""
    plan = new_plan(store)
    plan, bob = store.add_member(plan.id, plan.version, "Bob Chen", "Solution Engineer")
    plan, _ = store.remove_member(plan.id, plan.version, bob.id)
    plan, _new_bob = store.add_member(plan.id, plan.version, "Bob Chen", "Account Executive")
    plan, bob = store.update_member(
        plan.id, plan.version, bob.id, name="Bob Chen", role="Partner Manager"
    )
    assert (bob.name, bob.role, bob.is_former) == ("Bob Chen", "Partner Manager", True)
