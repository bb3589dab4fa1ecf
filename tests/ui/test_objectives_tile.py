"""The Objectives tile in plain Python: objectives, actions, filters, counts, hints and links."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import ipywidgets as w
import pytest

from planning_kit import settings
from planning_kit.model import TeamMember
from planning_kit.objectives import UNASSIGNED
from planning_kit.store import Store
from planning_kit.ui._base import PlanContext
from planning_kit.ui.launchpad import LaunchpadModel
from planning_kit.ui.objectives import GROUP_ID, ObjectivesTile, status_figure

UNITED_OIL = "001bm00001ZL8UEAA1"
PORTABLE_DEAL = "006bm00000LKJNOAA5"  # United Oil Office Portable Generators (Negotiation/Review)
TODAY = date(2027, 3, 15)
YESTERDAY = "2027-03-14"
TOMORROW = "2027-03-16"
FIRST_TYPE = "Business Development"  # the expansion plan type's first objective type
TWO_ACTIONS_HINT = "Plan at least two actions with an owner and a due date"


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


def one(tile: ObjectivesTile, css: str) -> Any:
    """The one widget of the tile with this CSS class."""
    found = find(tile.widget, css)
    assert len(found) == 1, (css, found)
    return found[0]


def button(tile: ObjectivesTile, label: str) -> w.Button:
    """The tile's one button with this label."""
    found, todo = [], [tile.widget]
    while todo:
        widget = todo.pop()
        if isinstance(widget, w.Button) and widget.description == label:
            found.append(widget)
        todo.extend(getattr(widget, "children", ()) or ())
    assert len(found) == 1, (label, found)
    return found[0]


def text(widget: Any) -> str:
    """An HTML widget's text, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value)).strip()


def click_item(tile: ObjectivesTile, item_id: str) -> None:
    """A click on a row of the list, delivered as the browser's custom message."""
    the_list = one(tile, "pk-objectives-list")
    the_list._handle_custom_msg({"event": "select", "id": item_id}, [])


def objective_field(tile: ObjectivesTile, role: str) -> Any:
    return one(tile, f"pk-objectives-objective-{role}")


def objective_message(tile: ObjectivesTile, role: str) -> str:
    return text(one(tile, f"pk-objectives-objective-{role}-message")).removeprefix("⚠ ")


def action_field(tile: ObjectivesTile, role: str) -> Any:
    return one(tile, f"pk-objectives-action-{role}")


def action_message(tile: ObjectivesTile, role: str) -> str:
    return text(one(tile, f"pk-objectives-action-{role}-message")).removeprefix("⚠ ")


def add_objective(tile: ObjectivesTile, name: str) -> int:
    """Type a name, click Add objective; the new objective's id."""
    one(tile, "pk-objectives-new-objective").value = name
    one(tile, "pk-objectives-add-objective").click()
    assert tile._open.startswith("o"), tile.status.text
    return int(tile._open[1:])


def add_action(tile: ObjectivesTile, name: str) -> int:
    """Type a name, click Add action (to the open objective, or unassigned); the new id."""
    one(tile, "pk-objectives-new-action").value = name
    one(tile, "pk-objectives-add-action").click()
    assert tile._open.startswith("a"), tile.status.text
    return int(tile._open[1:])


def items(tile: ObjectivesTile) -> list[dict]:
    return one(tile, "pk-objectives-list").items


def ids(tile: ObjectivesTile) -> list[str]:
    """The ids of the rows of the list, in order."""
    return [i["id"] for i in items(tile)]


def item(tile: ObjectivesTile, item_id: str) -> dict:
    found = [i for i in items(tile) if i["id"] == item_id]
    assert len(found) == 1, (item_id, ids(tile))
    return found[0]


def shown(widget: Any) -> bool:
    return widget.layout.display != "none"


def events(
    store: Store, plan_id: int, entity: str
) -> list[tuple[str, str, str | None, str | None]]:
    """(entity id, field, old, new) of the plan's events about `entity`, oldest first."""
    return [
        (e.entity_id, e.field, e.old_value, e.new_value)
        for e in reversed(store.events(plan_id=plan_id))
        if e.entity == entity
    ]


def counts_text(tile: ObjectivesTile) -> str:
    """The counts line under the tile's title."""
    found = re.search(r"<div class='pk-objectives-counts'[^>]*>(.*?)</div>", tile._summary.value)
    assert found, tile._summary.value
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def launchpad_line(pad: LaunchpadModel) -> tuple[str, str]:
    state = next(s for s in pad.tiles() if s.id == "objectives")
    return state.line, state.colour


def join(pad: LaunchpadModel, name: str, role: str = "Solution Engineer") -> TeamMember:
    """Someone joins the plan's team (through the store, as the team box does)."""
    ctx = pad.context
    plan, member = ctx.store.add_member(ctx.plan.id, ctx.plan.version, name, role)
    ctx.replace(plan)
    return member


def leave(pad: LaunchpadModel, member_id: int) -> None:
    ctx = pad.context
    plan, _ = ctx.store.remove_member(ctx.plan.id, ctx.plan.version, member_id)
    ctx.replace(plan)


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def pad(sample_store: Store, registry: Any) -> LaunchpadModel:
    """United Oil & Gas Corp. with a new expansion plan open, today fixed."""
    model = LaunchpadModel(sample_store, registry, today=TODAY)
    model.select_account(UNITED_OIL)
    model.start_plan("expansion")
    assert model.plan.plan_type == "expansion"
    return model


@pytest.fixture
def plan_id(pad: LaunchpadModel) -> int:
    return pad.plan.id


@pytest.fixture
def tile(pad: LaunchpadModel) -> ObjectivesTile:
    """The Objectives tile on the launchpad's open plan (one shared context)."""
    return ObjectivesTile(pad.context, today=TODAY)


@pytest.fixture
def owner(sample_store: Store, plan_id: int) -> TeamMember:
    """The plan's owner, the one member of a new plan's team."""
    (member,) = sample_store.team(plan_id)
    assert member.is_owner and member.name == "tester"
    return member


# -- a new plan ----------------------------------------------------------------------------


def test_a_new_plan_shows_only_the_empty_unassigned_group(tile, pad):
    assert items(tile) == [
        {
            "id": GROUP_ID,
            "kind": "group",
            "title": UNASSIGNED,
            "meta": "",
            "status": "open",
            "badges": [],
            "hints": [],
            "muted": False,
        }
    ]
    assert not shown(one(tile, "pk-objectives-editor"))
    assert counts_text(tile) == (
        "Objectives: 0 open · 0 overdue · 0 done Actions: 0 open · 0 overdue · 0 done"
    )
    assert "Objectives · Expansion" in tile._summary.value
    assert launchpad_line(pad) == ("0 objectives · 0 actions open · 0 overdue", "grey")


# -- adding and opening objectives ---------------------------------------------------------


def test_add_objective_stores_it_records_it_and_opens_it(tile, sample_store, plan_id):
    version = sample_store.get_plan(plan_id).version
    objective_id = add_objective(tile, "  Grow the installed base ")

    (stored,) = sample_store.objectives(plan_id)
    assert stored.id == objective_id
    assert (stored.name, stored.type, stored.status, stored.priority, stored.owner_id) == (
        "Grow the installed base",
        FIRST_TYPE,
        "Not Started",
        "Medium",
        None,
    )
    assert (stored.updated_by, stored.position) == ("tester", 1)
    assert events(sample_store, plan_id, "objective") == [
        (str(objective_id), "created", None, "Grow the installed base")
    ]
    assert sample_store.get_plan(plan_id).version == version + 1
    assert tile.model.context.plan.version == version + 1
    assert one(tile, "pk-objectives-new-objective").value == ""
    assert tile.status.text == "Added the objective 'Grow the installed base'."
    assert ids(tile) == [f"o{objective_id}", GROUP_ID]
    assert one(tile, "pk-objectives-list").selected == f"o{objective_id}"
    assert shown(tile._objective_box) and not shown(tile._action_box)
    assert objective_field(tile, "name").value == "Grow the installed base"
    assert objective_field(tile, "type").value == FIRST_TYPE
    assert objective_field(tile, "type").options == (
        "Business Development",
        "Relationship",
        "Marketing",
        "Research",
    )
    meta = item(tile, f"o{objective_id}")["meta"]
    assert meta == f"{FIRST_TYPE} · no owner · no due date · Not Started"


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "blank"])
def test_add_objective_without_a_name_says_so_and_stores_nothing(tile, sample_store, plan_id, name):
    before = sample_store.events(plan_id=plan_id)
    one(tile, "pk-objectives-new-objective").value = name
    one(tile, "pk-objectives-add-objective").click()

    assert text(one(tile, "pk-objectives-new-message")) == "⚠ Name: an objective needs a name."
    assert sample_store.objectives(plan_id) == []
    assert sample_store.events(plan_id=plan_id) == before
    assert ids(tile) == [GROUP_ID]
    assert tile._open == ""


def test_a_click_on_a_row_opens_it_in_the_editor(tile):
    first = add_objective(tile, "First")
    second = add_objective(tile, "Second")
    assert objective_field(tile, "name").value == "Second"

    click_item(tile, f"o{first}")
    assert tile._open == f"o{first}"
    assert one(tile, "pk-objectives-list").selected == f"o{first}"
    assert objective_field(tile, "name").value == "First"

    click_item(tile, f"o{second}")
    assert objective_field(tile, "name").value == "Second"

    click_item(tile, GROUP_ID)  # the group header closes the editor
    assert tile._open == ""
    assert not shown(one(tile, "pk-objectives-editor"))


def test_opening_an_objective_saves_nothing(tile, sample_store, plan_id):
    first = add_objective(tile, "First")
    add_objective(tile, "Second")
    before = (sample_store.events(plan_id=plan_id), sample_store.get_plan(plan_id).version)
    click_item(tile, f"o{first}")
    assert (sample_store.events(plan_id=plan_id), sample_store.get_plan(plan_id).version) == before


# -- editing objectives ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "typed", "stored", "old", "new"),
    [
        ("name", "Win the refinery", "Win the refinery", "Grow", "Win the refinery"),
        ("type", "Relationship", "Relationship", FIRST_TYPE, "Relationship"),
        ("metric", "3 new sites", "3 new sites", "", "3 new sites"),
        ("description", "Standby power", "Standby power", "", "Standby power"),
        ("strategy", "Start with the CFO", "Start with the CFO", "", "Start with the CFO"),
        ("status", "In Progress", "In Progress", "Not Started", "In Progress"),
        ("status", "Deferred", "Deferred", "Not Started", "Deferred"),
        ("status", "Achieved", "Achieved", "Not Started", "Achieved"),
        ("status", "Canceled", "Canceled", "Not Started", "Canceled"),
        ("priority", "High", "High", "Medium", "High"),
        ("priority", "Low", "Low", "Medium", "Low"),
        ("due_date", "2027-06-30", date(2027, 6, 30), None, "2027-06-30"),
        ("due_date", " 2027-06-30 ", date(2027, 6, 30), None, "2027-06-30"),
    ],
)
def test_each_objective_field_saves_by_itself_as_an_event(
    tile, sample_store, plan_id, role, typed, stored, old, new
):
    objective_id = add_objective(tile, "Grow")
    version = sample_store.get_plan(plan_id).version

    objective_field(tile, role).value = typed

    saved = sample_store.get_objective(objective_id)
    assert getattr(saved, role) == stored
    assert saved.updated_by == "tester"
    assert events(sample_store, plan_id, "objective")[-1] == (str(objective_id), role, old, new)
    assert sample_store.get_plan(plan_id).version == version + 1
    assert objective_message(tile, role) == "Saved."


def test_owner_and_division_are_chosen_from_the_team_and_the_account(
    pad, tile, sample_store, plan_id, owner
):
    refining = sample_store.add_division(UNITED_OIL, "Refining")
    ben = join(pad, "Ben Okafor")
    objective_id = add_objective(tile, "Grow")

    assert objective_field(tile, "owner_id").options == (
        ("No owner", None),
        ("tester (Account Executive)", owner.id),
        ("Ben Okafor (Solution Engineer)", ben.id),
    )
    assert objective_field(tile, "division_id").options == (
        ("Whole account", None),
        ("Refining", refining.id),
    )
    objective_field(tile, "owner_id").value = ben.id
    objective_field(tile, "division_id").value = refining.id

    saved = sample_store.get_objective(objective_id)
    assert (saved.owner_id, saved.division_id) == (ben.id, refining.id)
    assert events(sample_store, plan_id, "objective")[-2:] == [
        (str(objective_id), "owner_id", None, str(ben.id)),
        (str(objective_id), "division_id", None, str(refining.id)),
    ]
    assert item(tile, f"o{objective_id}")["meta"] == (
        f"{FIRST_TYPE} · Ben Okafor · no due date · Not Started"
    )

    objective_field(tile, "owner_id").value = None  # "No owner"
    assert sample_store.get_objective(objective_id).owner_id is None


def test_typing_the_same_value_again_saves_no_event(tile, sample_store, plan_id):
    objective_id = add_objective(tile, "Grow")
    objective_field(tile, "due_date").value = "2027-06-30"
    before = sample_store.events(plan_id=plan_id)
    objective_field(tile, "due_date").value = "2027-06-30 "
    assert sample_store.events(plan_id=plan_id) == before
    assert sample_store.get_objective(objective_id).due_date == date(2027, 6, 30)


@pytest.mark.parametrize("typed", ["2027-02-30", "31/12/2027", "next week", "2027-13-01"])
def test_an_impossible_due_date_gets_a_message_and_nothing_is_saved(
    tile, sample_store, plan_id, typed
):
    objective_id = add_objective(tile, "Grow")
    objective_field(tile, "due_date").value = "2027-06-30"
    before = (sample_store.events(plan_id=plan_id), sample_store.get_plan(plan_id).version)

    objective_field(tile, "due_date").value = typed

    assert objective_message(tile, "due_date") == (
        f"Due date: '{typed}' is not a date; use YYYY-MM-DD, e.g. 2027-03-31."
    )
    assert sample_store.get_objective(objective_id).due_date == date(2027, 6, 30)
    assert (sample_store.events(plan_id=plan_id), sample_store.get_plan(plan_id).version) == before
    assert objective_field(tile, "due_date").value == typed  # what was typed stays on screen
    assert "pk-field-message-error" in one(tile, "pk-objectives-objective-due_date-message").value

    objective_field(tile, "due_date").value = "2027-07-31"  # a good date then saves
    assert sample_store.get_objective(objective_id).due_date == date(2027, 7, 31)
    assert objective_message(tile, "due_date") == "Saved."


def test_a_blank_due_date_clears_it(tile, sample_store, plan_id):
    objective_id = add_objective(tile, "Grow")
    objective_field(tile, "due_date").value = "2027-06-30"
    objective_field(tile, "due_date").value = "  "
    assert sample_store.get_objective(objective_id).due_date is None
    assert events(sample_store, plan_id, "objective")[-1] == (
        str(objective_id),
        "due_date",
        "2027-06-30",
        None,
    )


@pytest.mark.parametrize("typed", ["", "   "], ids=["empty", "blank"])
def test_an_empty_name_gets_a_message_and_nothing_is_saved(tile, sample_store, plan_id, typed):
    objective_id = add_objective(tile, "Grow")
    before = sample_store.events(plan_id=plan_id)

    objective_field(tile, "name").value = typed

    assert objective_message(tile, "name") == "Name: an objective needs a name."
    assert sample_store.get_objective(objective_id).name == "Grow"
    assert sample_store.events(plan_id=plan_id) == before
    assert objective_field(tile, "name").value == typed
    assert item(tile, f"o{objective_id}")["title"] == "Grow"


# -- actions --------------------------------------------------------------------------------


def test_actions_go_under_the_open_objective_or_to_the_unassigned(tile, sample_store, plan_id):
    grow = add_objective(tile, "Grow")
    first = add_action(tile, "Call the CFO")
    second = add_action(tile, "Send the proposal")  # an action of Grow is open: same objective
    click_item(tile, GROUP_ID)  # nothing open
    loose = add_action(tile, "Read the annual report")

    stored = {a.id: a for a in sample_store.actions(plan_id)}
    assert {i: (a.name, a.objective_id, a.status) for i, a in stored.items()} == {
        first: ("Call the CFO", grow, "open"),
        second: ("Send the proposal", grow, "open"),
        loose: ("Read the annual report", None, "open"),
    }
    assert ids(tile) == [f"o{grow}", f"a{first}", f"a{second}", GROUP_ID, f"a{loose}"]
    assert tile.status.text == "Added the action 'Read the annual report' to unassigned actions."
    assert [e[1] for e in events(sample_store, plan_id, "action")] == ["created"] * 3
    assert shown(tile._action_box) and not shown(tile._objective_box)
    assert action_field(tile, "name").value == "Read the annual report"
    assert action_field(tile, "objective_id").value is None


def test_adding_an_action_with_the_objective_open_names_it(tile):
    add_objective(tile, "Grow")
    add_action(tile, "Call the CFO")
    assert tile.status.text == "Added the action 'Call the CFO' to 'Grow'."


@pytest.mark.parametrize("name", ["", "  "], ids=["empty", "blank"])
def test_add_action_without_a_name_says_so(tile, sample_store, plan_id, name):
    add_objective(tile, "Grow")
    one(tile, "pk-objectives-new-action").value = name
    one(tile, "pk-objectives-add-action").click()
    assert text(one(tile, "pk-objectives-new-message")) == "⚠ Name: an action needs a name."
    assert sample_store.actions(plan_id) == []


@pytest.mark.parametrize(
    ("role", "typed", "stored", "old", "new"),
    [
        ("name", "Call the CEO", "Call the CEO", "Call the CFO", "Call the CEO"),
        ("due_date", "2027-04-01", date(2027, 4, 1), None, "2027-04-01"),
        ("notes", "She prefers mornings", "She prefers mornings", "", "She prefers mornings"),
        ("completed_on", "2027-03-01", date(2027, 3, 1), None, "2027-03-01"),
    ],
)
def test_each_action_field_saves_by_itself_as_an_event(
    tile, sample_store, plan_id, role, typed, stored, old, new
):
    add_objective(tile, "Grow")
    action_id = add_action(tile, "Call the CFO")
    action_field(tile, role).value = typed
    assert getattr(sample_store.get_action(action_id), role) == stored
    assert events(sample_store, plan_id, "action")[-1] == (str(action_id), role, old, new)
    assert action_message(tile, role) == "Saved."


def test_an_action_owner_is_chosen_from_the_team(pad, tile, sample_store, plan_id, owner):
    ben = join(pad, "Ben Okafor")
    add_objective(tile, "Grow")
    action_id = add_action(tile, "Call the CFO")
    assert item(tile, f"a{action_id}")["hints"] == ["No owner: choose who does this."]
    assert action_field(tile, "owner_id").options == (
        ("No owner", None),
        ("tester (Account Executive)", owner.id),
        ("Ben Okafor (Solution Engineer)", ben.id),
    )
    action_field(tile, "owner_id").value = ben.id
    assert sample_store.get_action(action_id).owner_id == ben.id
    assert item(tile, f"a{action_id}")["hints"] == []
    assert item(tile, f"a{action_id}")["meta"] == "Ben Okafor · no due date · open"


@pytest.mark.parametrize(("role", "title"), [("due_date", "Due date"), ("completed_on", "Done on")])
@pytest.mark.parametrize("typed", ["2027-02-30", "31/12/2027"])
def test_an_impossible_action_date_gets_a_message_and_nothing_is_saved(
    tile, sample_store, plan_id, role, title, typed
):
    add_objective(tile, "Grow")
    action_id = add_action(tile, "Call the CFO")
    before = sample_store.events(plan_id=plan_id)

    action_field(tile, role).value = typed

    assert action_message(tile, role) == (
        f"{title}: '{typed}' is not a date; use YYYY-MM-DD, e.g. 2027-03-31."
    )
    assert getattr(sample_store.get_action(action_id), role) is None
    assert sample_store.events(plan_id=plan_id) == before
    assert action_field(tile, role).value == typed


def test_an_empty_action_name_gets_a_message_and_nothing_is_saved(tile, sample_store, plan_id):
    add_objective(tile, "Grow")
    action_id = add_action(tile, "Call the CFO")
    action_field(tile, "name").value = " "
    assert action_message(tile, "name") == "Name: an action needs a name."
    assert sample_store.get_action(action_id).name == "Call the CFO"
    assert action_field(tile, "name").value == " "


def test_an_action_moves_between_objectives_and_to_the_unassigned(tile, sample_store, plan_id):
    grow = add_objective(tile, "Grow")
    keep = add_objective(tile, "Keep")
    click_item(tile, f"o{grow}")
    call = add_action(tile, "Call the CFO")
    visit = add_action(tile, "Visit the plant")
    assert ids(tile) == [f"o{grow}", f"a{call}", f"a{visit}", f"o{keep}", GROUP_ID]
    assert action_field(tile, "objective_id").options == (
        (UNASSIGNED, None),
        ("Grow", grow),
        ("Keep", keep),
    )

    click_item(tile, f"a{call}")
    action_field(tile, "objective_id").value = keep
    assert sample_store.get_action(call).objective_id == keep
    assert ids(tile) == [f"o{grow}", f"a{visit}", f"o{keep}", f"a{call}", GROUP_ID]
    assert events(sample_store, plan_id, "action")[-1] == (
        str(call),
        "objective_id",
        str(grow),
        str(keep),
    )

    action_field(tile, "objective_id").value = None  # "Unassigned actions"
    assert sample_store.get_action(call).objective_id is None
    assert ids(tile) == [f"o{grow}", f"a{visit}", f"o{keep}", GROUP_ID, f"a{call}"]
    assert events(sample_store, plan_id, "action")[-1] == (
        str(call),
        "objective_id",
        str(keep),
        None,
    )
    assert tile._open == f"a{call}"  # the moved action stays open

    action_field(tile, "objective_id").value = grow  # and back, at the end of Grow's actions
    assert ids(tile) == [f"o{grow}", f"a{visit}", f"a{call}", f"o{keep}", GROUP_ID]


def test_marking_an_action_done_sets_its_completion_date(tile, sample_store, plan_id):
    add_objective(tile, "Grow")
    action_id = add_action(tile, "Call the CFO")

    action_field(tile, "status").value = "done"

    done = sample_store.get_action(action_id)
    assert done.status == "done"
    assert done.completed_on == datetime.now(UTC).date()  # the store's clock, in UTC
    assert action_field(tile, "completed_on").value == done.completed_on.isoformat()
    row = item(tile, f"a{action_id}")
    assert (row["status"], row["muted"]) == ("done", True)
    assert [e[1:] for e in events(sample_store, plan_id, "action")[-2:]] == [
        ("status", "open", "done"),
        ("completed_on", None, done.completed_on.isoformat()),
    ]

    action_field(tile, "status").value = "open"  # reopened: the completion date goes
    reopened = sample_store.get_action(action_id)
    assert (reopened.status, reopened.completed_on) == ("open", None)
    assert action_field(tile, "completed_on").value == ""


def test_delete_an_action(tile, sample_store, plan_id):
    add_objective(tile, "Grow")
    action_id = add_action(tile, "Call the CFO")
    one(tile, "pk-objectives-delete-action").click()
    assert sample_store.actions(plan_id) == []
    assert f"a{action_id}" not in ids(tile)
    assert events(sample_store, plan_id, "action")[-1] == (
        str(action_id),
        "deleted",
        "Call the CFO",
        None,
    )


# -- filters --------------------------------------------------------------------------------


@pytest.fixture
def filled(pad, tile, sample_store, owner) -> dict[str, Any]:
    """Three objectives and four actions with owners, statuses, divisions and due dates.

    - Grow: the owner's, North, In Progress, overdue; actions: call (owner, overdue),
      visit (Ben, tomorrow)
    - Keep: Ben's, South, Achieved; actions: renew (Ben, done)
    - Learn: no owner, no division, Not Started, due tomorrow; no actions
    - unassigned: read (no owner, overdue)
    """
    north = sample_store.add_division(UNITED_OIL, "North")
    south = sample_store.add_division(UNITED_OIL, "South")
    ben = join(pad, "Ben Okafor")
    tile.refresh()

    grow = add_objective(tile, "Grow")
    for role, value in (
        ("owner_id", owner.id),
        ("division_id", north.id),
        ("status", "In Progress"),
        ("due_date", YESTERDAY),
    ):
        objective_field(tile, role).value = value
    call = add_action(tile, "Call the CFO")
    action_field(tile, "owner_id").value = owner.id
    action_field(tile, "due_date").value = YESTERDAY
    visit = add_action(tile, "Visit the plant")
    action_field(tile, "owner_id").value = ben.id
    action_field(tile, "due_date").value = TOMORROW

    keep = add_objective(tile, "Keep")
    for role, value in (("owner_id", ben.id), ("division_id", south.id), ("status", "Achieved")):
        objective_field(tile, role).value = value
    renew = add_action(tile, "Renew the contract")
    action_field(tile, "owner_id").value = ben.id
    action_field(tile, "status").value = "done"

    learn = add_objective(tile, "Learn")
    objective_field(tile, "due_date").value = TOMORROW

    click_item(tile, GROUP_ID)
    read = add_action(tile, "Read the annual report")
    action_field(tile, "due_date").value = YESTERDAY

    return {
        "owner": owner.id,
        "ben": ben.id,
        "north": north.id,
        "south": south.id,
        "ids": {
            "grow": f"o{grow}",
            "keep": f"o{keep}",
            "learn": f"o{learn}",
            "call": f"a{call}",
            "visit": f"a{visit}",
            "renew": f"a{renew}",
            "read": f"a{read}",
            "group": GROUP_ID,
        },
    }


def names(tile: ObjectivesTile, filled: dict) -> list[str]:
    """The list's rows by their short names in `filled`."""
    back = {v: k for k, v in filled["ids"].items()}
    return [back[i] for i in ids(tile)]


def set_filters(tile: ObjectivesTile, filled: dict, **values: Any) -> None:
    """Set filter widgets; owner and division are given by their names in `filled`."""
    for role, value in values.items():
        if role in ("owner", "division") and isinstance(value, str):
            value = filled[value]
        one(tile, f"pk-objectives-filter-{role}").value = value


def test_without_filters_every_row_shows(tile, filled):
    assert names(tile, filled) == [
        "grow",
        "call",
        "visit",
        "keep",
        "renew",
        "learn",
        "group",
        "read",
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"owner": "owner"}, ["grow", "call"]),
        ({"owner": "ben"}, ["grow", "visit", "keep", "renew"]),
        ({"owner": -1}, ["learn", "group", "read"]),  # "No owner"
        ({"status": "open"}, ["grow", "call", "visit", "learn", "group", "read"]),
        ({"status": "closed"}, ["keep", "renew"]),
        ({"status": "Achieved"}, ["keep", "renew"]),
        ({"status": "Not Started"}, ["learn"]),
        ({"status": "Deferred"}, []),
        ({"division": "north"}, ["grow", "call", "visit"]),
        ({"division": "south"}, ["keep", "renew"]),
        ({"overdue": True}, ["grow", "call", "group", "read"]),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else None,
)
def test_each_filter_changes_the_list(tile, filled, values, expected):
    set_filters(tile, filled, **values)
    assert names(tile, filled) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"owner": "owner", "overdue": True}, ["grow", "call"]),
        ({"owner": "ben", "overdue": True}, []),
        ({"owner": "ben", "status": "open"}, ["grow", "visit"]),
        ({"owner": "ben", "division": "south"}, ["keep", "renew"]),
        ({"owner": -1, "overdue": True}, ["group", "read"]),
        ({"status": "open", "division": "north", "overdue": True}, ["grow", "call"]),
        ({"status": "closed", "division": "north"}, []),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else None,
)
def test_filters_combine_in_the_tile(tile, filled, values, expected):
    set_filters(tile, filled, **values)
    assert names(tile, filled) == expected


def test_filters_are_undone_one_by_one(tile, filled):
    set_filters(tile, filled, owner="ben", overdue=True)
    assert names(tile, filled) == []
    set_filters(tile, filled, overdue=False)
    assert names(tile, filled) == ["grow", "visit", "keep", "renew"]
    set_filters(tile, filled, owner=None)
    assert names(tile, filled) == [
        "grow",
        "call",
        "visit",
        "keep",
        "renew",
        "learn",
        "group",
        "read",
    ]


def test_filters_offer_the_team_and_the_divisions(tile, filled):
    assert one(tile, "pk-objectives-filter-owner").options == (
        ("Anyone", None),
        ("No owner", -1),
        ("tester (Account Executive)", filled["owner"]),
        ("Ben Okafor (Solution Engineer)", filled["ben"]),
    )
    assert one(tile, "pk-objectives-filter-division").options == (
        ("Any", None),
        ("North", filled["north"]),
        ("South", filled["south"]),
    )


def test_filters_do_not_change_the_counts(tile, filled):
    before = counts_text(tile)
    set_filters(tile, filled, owner="ben", status="closed")
    assert counts_text(tile) == before


# -- counts, the launchpad line and hints ----------------------------------------------------


def test_counts_and_the_launchpad_line_follow_the_edits(pad, tile, filled):
    assert counts_text(tile) == (
        "Objectives: 2 open · 1 overdue · 1 done Actions: 3 open · 2 overdue · 1 done"
    )
    assert launchpad_line(pad) == ("3 objectives · 3 actions open · 3 overdue", "red")

    click_item(tile, filled["ids"]["grow"])
    objective_field(tile, "due_date").value = TOMORROW
    click_item(tile, filled["ids"]["call"])
    action_field(tile, "status").value = "done"
    click_item(tile, filled["ids"]["read"])
    action_field(tile, "due_date").value = ""

    assert counts_text(tile) == (
        "Objectives: 2 open · 0 overdue · 1 done Actions: 2 open · 0 overdue · 2 done"
    )
    assert launchpad_line(pad) == ("3 objectives · 2 actions open · 0 overdue", "grey")


def test_counts_of_one_objective_and_one_action_are_singular(pad, tile):
    add_objective(tile, "Grow")
    assert launchpad_line(pad)[0] == "1 objective · 0 actions open · 0 overdue"
    add_action(tile, "Call the CFO")
    assert launchpad_line(pad)[0] == "1 objective · 1 action open · 0 overdue"
    assert counts_text(tile) == (
        "Objectives: 1 open · 0 overdue · 0 done Actions: 1 open · 0 overdue · 0 done"
    )


def test_the_status_chart_stacks_open_overdue_and_done(tile, filled):
    figure = status_figure(tile.model.counts())
    bars = {bar.name: (list(bar.y), list(bar.x)) for bar in figure.data}
    rows = ["Objectives", "Actions"]
    assert bars == {
        "Open": (rows, [1, 1]),  # open and not overdue
        "Overdue": (rows, [1, 2]),
        "Done": (rows, [1, 1]),
    }
    assert figure.layout.barmode == "stack"


def test_hints_appear_and_disappear_in_the_list(tile, sample_store, owner):
    grow = add_objective(tile, "Grow")
    row = f"o{grow}"
    assert item(tile, row)["hints"] == [f"{TWO_ACTIONS_HINT} (0 so far)."]

    objective_field(tile, "due_date").value = YESTERDAY
    assert item(tile, row)["hints"] == [
        f"{TWO_ACTIONS_HINT} (0 so far).",
        f"Past its due date ({YESTERDAY}): move the date or update the status.",
    ]
    assert item(tile, row)["badges"] == ["Medium", "Overdue"]
    assert item(tile, row)["status"] == "overdue"

    for name in ("Call the CFO", "Visit the plant"):
        action_id = add_action(tile, name)
        action_field(tile, "owner_id").value = owner.id
        assert item(tile, f"a{action_id}")["hints"] == []
        action_field(tile, "due_date").value = TOMORROW
    assert item(tile, row)["hints"] == [
        f"Past its due date ({YESTERDAY}): move the date or update the status."
    ]

    click_item(tile, row)
    objective_field(tile, "status").value = "Achieved"
    assert item(tile, row)["hints"] == [
        "Achieved, but 2 action(s) are still open: finish, move or delete them."
    ]
    assert (item(tile, row)["status"], item(tile, row)["muted"]) == ("achieved", True)
    assert "Achieved, but 2 action(s)" in text(one(tile, "pk-objectives-hints"))

    for action in sample_store.actions(tile.model.plan_id):
        click_item(tile, f"a{action.id}")
        action_field(tile, "status").value = "done"
    assert item(tile, row)["hints"] == []


# -- order and deletion ---------------------------------------------------------------------


def test_move_up_and_down_reorders_and_saves_the_order(tile, sample_store, plan_id):
    a, b, c = (add_objective(tile, n) for n in ("A", "B", "C"))

    def order() -> list[str]:
        stored = [o.name for o in sample_store.objectives(plan_id)]
        assert [i["title"] for i in items(tile) if i["kind"] == "objective"] == stored
        return stored

    def moves() -> list[tuple]:
        return [e for e in events(sample_store, plan_id, "objective") if e[1] == "position"]

    click_item(tile, f"o{c}")
    button(tile, "Move up").click()
    assert order() == ["A", "C", "B"]
    assert moves() == [(str(c), "position", "3", "2"), (str(b), "position", "2", "3")]
    button(tile, "Move up").click()
    assert order() == ["C", "A", "B"]
    logged = moves()
    button(tile, "Move up").click()  # already first: nothing moves
    assert order() == ["C", "A", "B"]
    assert moves() == logged

    click_item(tile, f"o{a}")
    button(tile, "Move down").click()
    assert order() == ["C", "B", "A"]
    button(tile, "Move down").click()  # already last
    assert order() == ["C", "B", "A"]
    assert tile._open == f"o{a}"
    assert one(tile, "pk-objectives-list").selected == f"o{a}"
    assert [o.position for o in sample_store.objectives(plan_id)] == [1, 2, 3]


def test_reorder_survives_a_new_tile(pad, tile, sample_store, plan_id):
    a = add_objective(tile, "A")
    add_objective(tile, "B")
    click_item(tile, f"o{a}")
    button(tile, "Move down").click()
    fresh = ObjectivesTile(pad.context, today=TODAY)
    assert [i["title"] for i in items(fresh) if i["kind"] == "objective"] == ["B", "A"]


def test_delete_objective_asks_first_then_moves_its_actions_to_unassigned(
    tile, sample_store, plan_id
):
    grow = add_objective(tile, "Grow")
    call = add_action(tile, "Call the CFO")
    visit = add_action(tile, "Visit the plant")
    click_item(tile, GROUP_ID)
    read = add_action(tile, "Read the annual report")
    click_item(tile, f"o{grow}")

    delete = one(tile, "pk-objectives-delete-objective")
    delete.click()
    assert delete.description == "Confirm delete"
    assert tile.status.kind == "warning"
    assert "Click 'Confirm delete'" in tile.status.text
    assert [o.id for o in sample_store.objectives(plan_id)] == [grow]

    delete.click()
    assert sample_store.objectives(plan_id) == []
    assert {a.id: a.objective_id for a in sample_store.actions(plan_id)} == {
        call: None,
        visit: None,
        read: None,
    }
    assert ids(tile) == [GROUP_ID, f"a{read}", f"a{call}", f"a{visit}"]
    assert delete.description == "Delete objective"
    assert tile._open == ""
    assert not shown(one(tile, "pk-objectives-editor"))
    assert tile.status.text == "Deleted the objective; its actions are now unassigned."
    assert events(sample_store, plan_id, "objective")[-1] == (str(grow), "deleted", "Grow", None)


def test_a_pending_delete_does_not_carry_over_to_another_objective(tile, sample_store, plan_id):
    grow = add_objective(tile, "Grow")
    keep = add_objective(tile, "Keep")
    click_item(tile, f"o{grow}")
    one(tile, "pk-objectives-delete-objective").click()  # asks about Grow
    click_item(tile, f"o{keep}")  # the user changes their mind and opens Keep

    one(tile, "pk-objectives-delete-objective").click()  # one click on Keep

    assert {o.id for o in sample_store.objectives(plan_id)} == {grow, keep}
    assert one(tile, "pk-objectives-delete-objective").description == "Confirm delete"


# -- links ----------------------------------------------------------------------------------


def test_link_a_potential_and_an_opportunity_then_unlink(pad, sample_store, plan_id):
    ctx = pad.context
    plan, cell = sample_store.set_potential(
        plan_id, ctx.plan.version, None, "portable_generators", status="potential", amount=250_000
    )
    ctx.replace(plan)
    tile = ObjectivesTile(ctx, today=TODAY)
    grow = add_objective(tile, "Grow")
    potential_key, deal_key = f"potential:{cell.id}", f"opportunity:{PORTABLE_DEAL}"

    choices = dict((v, k) for k, v in one(tile, "pk-objectives-link-choice").options)
    assert choices[potential_key] == (
        "Potential: Whole account × Portable Generators (Potential, $250k)"
    )
    assert choices[deal_key] == (
        "Opportunity: United Oil Office Portable Generators (Negotiation/Review)"
    )
    assert not shown(tile._unlink_row)
    assert "No links yet" in text(one(tile, "pk-objectives-links"))

    for key in (potential_key, deal_key):
        one(tile, "pk-objectives-link-choice").value = key
        one(tile, "pk-objectives-link").click()
        assert tile.status.text == "Linked."

    assert sample_store.get_objective(grow).links == [
        ("potential", str(cell.id)),
        ("opportunity", PORTABLE_DEAL),
    ]
    offered = {v for _, v in one(tile, "pk-objectives-link-choice").options}
    assert potential_key not in offered and deal_key not in offered  # linked: not offered again
    assert shown(tile._unlink_row)
    assert [v for _, v in tile._unlink_choice.options] == [potential_key, deal_key]

    tile._unlink_choice.value = potential_key
    one(tile, "pk-objectives-unlink").click()
    assert tile.status.text == "Unlinked."
    assert sample_store.get_objective(grow).links == [("opportunity", PORTABLE_DEAL)]
    assert potential_key in {v for _, v in one(tile, "pk-objectives-link-choice").options}
    assert events(sample_store, plan_id, "objective")[-3:] == [
        (str(grow), "link potential", None, str(cell.id)),
        (str(grow), "link opportunity", None, PORTABLE_DEAL),
        (str(grow), "link potential", str(cell.id), None),
    ]


def test_the_links_panel_names_what_is_linked(pad, sample_store, plan_id):
    ctx = pad.context
    plan, cell = sample_store.set_potential(
        plan_id, ctx.plan.version, None, "portable_generators", status="potential", amount=250_000
    )
    ctx.replace(plan)
    tile = ObjectivesTile(ctx, today=TODAY)
    add_objective(tile, "Grow")
    for key in (f"potential:{cell.id}", f"opportunity:{PORTABLE_DEAL}"):
        one(tile, "pk-objectives-link-choice").value = key
        one(tile, "pk-objectives-link").click()

    assert text(one(tile, "pk-objectives-links")) == (
        "Links"
        "Potential: Whole account × Portable Generators (Potential, $250k)"
        "Opportunity: United Oil Office Portable Generators (Negotiation/Review)"
    )
    assert [label for label, _ in tile._unlink_choice.options] == [
        "Potential: Whole account × Portable Generators (Potential, $250k)",
        "Opportunity: United Oil Office Portable Generators (Negotiation/Review)",
    ]


# -- the team: owners who left ---------------------------------------------------------------


def test_an_owner_who_left_stays_on_their_items_as_a_former_member(
    pad, tile, sample_store, plan_id, owner
):
    ben = join(pad, "Ben Okafor")
    tile.refresh()
    grow = add_objective(tile, "Grow")
    objective_field(tile, "owner_id").value = ben.id
    call = add_action(tile, "Call the CFO")
    action_field(tile, "owner_id").value = ben.id
    keep = add_objective(tile, "Keep")

    leave(pad, ben.id)
    tile.refresh()

    assert sample_store.get_objective(grow).owner_id == ben.id
    assert item(tile, f"o{grow}")["meta"] == (
        f"{FIRST_TYPE} · Ben Okafor (former member) · no due date · Not Started"
    )
    assert item(tile, f"a{call}")["meta"] == "Ben Okafor (former member) · no due date · open"
    assert item(tile, f"a{call}")["hints"] == []  # the action still has an owner

    click_item(tile, f"o{grow}")
    assert objective_field(tile, "owner_id").options == (
        ("No owner", None),
        ("tester (Account Executive)", owner.id),
        ("Ben Okafor (former member)", ben.id),
    )
    assert objective_field(tile, "owner_id").value == ben.id
    click_item(tile, f"a{call}")
    assert ("Ben Okafor (former member)", ben.id) in action_field(tile, "owner_id").options
    assert action_field(tile, "owner_id").value == ben.id

    click_item(tile, f"o{keep}")  # someone who left is not offered for other items
    assert objective_field(tile, "owner_id").options == (
        ("No owner", None),
        ("tester (Account Executive)", owner.id),
    )
    assert objective_field(tile, "owner_id").value is None

    click_item(tile, f"o{grow}")
    objective_field(tile, "owner_id").value = owner.id  # handed over: Ben is no longer offered
    assert sample_store.get_objective(grow).owner_id == owner.id
    assert ("Ben Okafor (former member)", ben.id) not in objective_field(tile, "owner_id").options


def test_filter_by_a_former_member_still_finds_their_items(pad, tile):
    ben = join(pad, "Ben Okafor")
    tile.refresh()
    grow = add_objective(tile, "Grow")
    objective_field(tile, "owner_id").value = ben.id
    add_objective(tile, "Keep")
    leave(pad, ben.id)
    tile.refresh()
    owner_filter = one(tile, "pk-objectives-filter-owner")
    assert ("Ben Okafor (former member)", ben.id) in owner_filter.options
    owner_filter.value = ben.id
    assert ids(tile) == [f"o{grow}"]


# -- a teammate on the same plan -------------------------------------------------------------


@pytest.fixture
def teammate(pad, sample_store, registry, monkeypatch) -> Iterator[Any]:
    """Mulder opens the tile on the same plan in his own session; `as_mulder()` acts as him."""
    other = Store(sample_store.url)
    their_tile = ObjectivesTile(PlanContext(other, registry, other.get_plan(pad.plan.id)), TODAY)

    @contextmanager
    def as_mulder() -> Iterator[ObjectivesTile]:
        monkeypatch.setenv("PLANNING_KIT_USER", "mulder")
        try:
            their_tile.refresh()
            yield their_tile
        finally:
            monkeypatch.setenv("PLANNING_KIT_USER", "tester")

    yield as_mulder
    other.close()


def test_a_teammates_change_to_the_same_objective_wins_and_yours_is_refused(
    tile, teammate, sample_store, plan_id
):
    grow = add_objective(tile, "Grow")
    keep = add_objective(tile, "Keep")
    click_item(tile, f"o{grow}")  # you look at Grow

    with teammate() as theirs:
        click_item(theirs, f"o{grow}")
        objective_field(theirs, "metric").value = "3 new sites"
        assert sample_store.get_objective(grow).updated_by == "mulder"

    objective_field(tile, "metric").value = "5 new sites"

    stored = sample_store.get_objective(grow)
    assert (stored.metric, stored.updated_by) == ("3 new sites", "mulder")
    assert tile.status.kind == "error"
    assert tile.status.text.startswith("Not saved: mulder changed this at ")
    assert "changed" in tile.status.text
    assert objective_field(tile, "metric").value == "3 new sites"  # theirs is shown now
    assert [e for e in events(sample_store, plan_id, "objective") if e[1] == "metric"] == [
        (str(grow), "metric", "", "3 new sites")
    ]

    objective_field(tile, "metric").value = "5 new sites"  # made again, it replaces theirs
    assert sample_store.get_objective(grow).metric == "5 new sites"

    with teammate() as theirs:
        click_item(theirs, f"o{grow}")
        objective_field(theirs, "strategy").value = "Start with the CFO"

    click_item(tile, f"o{keep}")
    objective_field(tile, "priority").value = "High"  # another objective: it goes through
    assert sample_store.get_objective(keep).priority == "High"
    assert sample_store.get_objective(grow).strategy == "Start with the CFO"
    assert tile.status.kind != "error"
    assert objective_message(tile, "priority") == "Saved."


def test_a_teammates_change_to_the_same_action_refuses_yours(tile, teammate, sample_store, plan_id):
    add_objective(tile, "Grow")
    call = add_action(tile, "Call the CFO")
    with teammate() as theirs:
        click_item(theirs, f"a{call}")
        action_field(theirs, "notes").value = "Mulder's note"

    action_field(tile, "notes").value = "My note"

    assert sample_store.get_action(call).notes == "Mulder's note"
    assert tile.status.text.startswith("Not saved: mulder changed this at ")
    assert action_field(tile, "notes").value == "Mulder's note"


def test_an_edit_of_an_objective_a_teammate_deleted_is_refused_and_the_list_updates(
    tile, teammate, sample_store, plan_id
):
    grow = add_objective(tile, "Grow")
    keep = add_objective(tile, "Keep")  # you have Keep open
    with teammate() as theirs:
        click_item(theirs, f"o{keep}")
        one(theirs, "pk-objectives-delete-objective").click()
        one(theirs, "pk-objectives-delete-objective").click()
    assert [o.id for o in sample_store.objectives(plan_id)] == [grow]

    objective_field(tile, "metric").value = "3 new sites"

    assert [o.id for o in sample_store.objectives(plan_id)] == [grow]
    assert tile.status.kind == "error"
    assert f"o{keep}" not in ids(tile)
    assert not shown(one(tile, "pk-objectives-editor"))


# -- the plan type ----------------------------------------------------------------------------


def test_a_type_the_new_plan_type_lacks_stays_shown_and_nothing_is_saved(
    pad, tile, sample_store, plan_id
):
    grow = add_objective(tile, "Grow")
    pad.change_type("customer_success")
    before = sample_store.events(plan_id=plan_id)

    tile.refresh()
    click_item(tile, f"o{grow}")

    assert objective_field(tile, "type").options == (
        "Adoption",
        "Retention",
        "Relationship",
        "Research",
        FIRST_TYPE,
    )
    assert objective_field(tile, "type").value == FIRST_TYPE
    assert sample_store.events(plan_id=plan_id) == before
    assert "Objectives · Customer Success" in tile._summary.value
    add_objective(tile, "Adopt")
    assert sample_store.objectives(plan_id)[-1].type == "Adoption"


def test_none_choices_show_their_label_not_a_blank(tile):
    """A drop-down whose value is None (no owner, whole account, unassigned, anyone) shows it."""
    grow = add_objective(tile, "Grow")
    click_item(tile, f"o{grow}")
    for role, label in (("owner_id", "No owner"), ("division_id", "Whole account")):
        dropdown = objective_field(tile, role)
        assert (dropdown.index, dropdown.label) == (0, label)
    loose = add_action(tile, "Loose end")
    action_field(tile, "objective_id").index = 0  # move it to the unassigned actions
    click_item(tile, f"a{loose}")
    dropdown = action_field(tile, "objective_id")
    assert (dropdown.index, dropdown.label) == (0, "Unassigned actions")
    owner_filter = one(tile, "pk-objectives-filter-owner")
    assert (owner_filter.index, owner_filter.label) == (0, "Anyone")


# -- found by trying to break the tile ------------------------------------------------------


def press_enter(widget: w.Text) -> None:
    """Enter in a text box, as the browser sends it."""
    widget._handle_custom_msg({"event": "submit"}, [])


def test_enter_in_the_new_name_boxes_adds_the_objective_and_the_action(tile, sample_store, plan_id):
    one(tile, "pk-objectives-new-objective").value = "Grow the fleet"
    press_enter(one(tile, "pk-objectives-new-objective"))
    (grow,) = sample_store.objectives(plan_id)
    assert grow.name == "Grow the fleet" and tile._open == f"o{grow.id}"
    assert one(tile, "pk-objectives-new-objective").value == ""

    one(tile, "pk-objectives-new-action").value = "Call the CFO"
    press_enter(one(tile, "pk-objectives-new-action"))
    (call,) = sample_store.actions(plan_id)
    assert (call.name, call.objective_id) == ("Call the CFO", grow.id)

    press_enter(one(tile, "pk-objectives-new-action"))  # empty: refused beside the box
    assert len(sample_store.actions(plan_id)) == 1
    assert "needs a name" in text(one(tile, "pk-objectives-new-message"))


def test_a_refused_edit_is_still_said_after_clicking_another_row(tile, sample_store, plan_id):
    grow = add_objective(tile, "Grow")
    keep = add_objective(tile, "Keep")
    click_item(tile, f"o{grow}")
    objective_field(tile, "due_date").value = "next friday"  # sent when the box loses focus
    click_item(tile, f"o{keep}")  # ... because the user clicked another row

    assert tile.status.kind == "error"
    assert "Not saved on 'Grow'" in tile.status.text and "next friday" in tile.status.text
    assert sample_store.get_objective(grow).due_date is None
    click_item(tile, f"o{grow}")
    assert objective_field(tile, "due_date").value == ""  # what is saved, not what was typed


def test_a_good_edit_after_a_refused_one_clears_the_warning(tile):
    grow = add_objective(tile, "Grow")
    keep = add_objective(tile, "Keep")
    click_item(tile, f"o{grow}")
    objective_field(tile, "due_date").value = "2027-02-30"
    objective_field(tile, "due_date").value = "2027-02-28"
    click_item(tile, f"o{keep}")
    assert tile.status.kind != "error", tile.status.text


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
def test_a_date_out_of_range_gets_a_message_and_nothing_is_saved(
    tile, sample_store, plan_id, typed
):
    grow = add_objective(tile, "Grow")
    objective_field(tile, "due_date").value = typed
    assert objective_message(tile, "due_date").startswith(f"Due date: {typed} is out of range")
    assert sample_store.get_objective(grow).due_date is None
    call = add_action(tile, "Call")
    action_field(tile, "due_date").value = typed
    assert "out of range" in action_message(tile, "due_date")
    assert sample_store.get_action(call).due_date is None


def test_filters_that_hide_everything_say_so(tile):
    add_objective(tile, "Grow")
    assert one(tile, "pk-objectives-list").empty_message.startswith("No objectives yet")
    one(tile, "pk-objectives-filter-overdue").value = True
    assert items(tile) == []
    assert one(tile, "pk-objectives-list").empty_message.startswith("Nothing matches")
    one(tile, "pk-objectives-filter-overdue").value = False
    assert [i["title"] for i in items(tile) if i["kind"] == "objective"] == ["Grow"]


def test_with_filters_on_a_move_steps_past_the_next_objective_shown(tile, sample_store, plan_id):
    a = add_objective(tile, "A")
    add_objective(tile, "Hidden")
    c = add_objective(tile, "C")
    for objective_id in (a, c):
        click_item(tile, f"o{objective_id}")
        objective_field(tile, "status").value = "In Progress"
    one(tile, "pk-objectives-filter-status").value = "In Progress"
    assert [i["title"] for i in items(tile) if i["kind"] == "objective"] == ["A", "C"]

    click_item(tile, f"o{c}")
    button(tile, "Move up").click()

    assert [o.name for o in sample_store.objectives(plan_id)] == ["C", "A", "Hidden"]
    assert [i["title"] for i in items(tile) if i["kind"] == "objective"] == ["C", "A"]
    button(tile, "Move up").click()  # first of those shown: nothing moves, and it says so
    assert [o.name for o in sample_store.objectives(plan_id)] == ["C", "A", "Hidden"]
    assert "already the first shown" in tile.status.text


def test_a_name_the_store_refuses_is_said_beside_the_box_only(tile, sample_store, plan_id):
    add_objective(tile, "Grow")
    assert tile.status.kind == "ok"  # "Added the objective 'Grow'."
    one(tile, "pk-objectives-new-objective").value = "x" * 500
    one(tile, "pk-objectives-add-objective").click()
    message = text(one(tile, "pk-objectives-new-message"))
    assert message.startswith("⚠ Name:") and "200" in message
    assert tile.status.text == ""  # no stale "Added ..." beside the refusal
    assert [o.name for o in sample_store.objectives(plan_id)] == ["Grow"]


def test_the_delete_question_goes_when_another_objective_is_opened(tile):
    grow = add_objective(tile, "Grow")
    keep = add_objective(tile, "Keep")
    click_item(tile, f"o{grow}")
    one(tile, "pk-objectives-delete-objective").click()
    assert "Confirm delete" in tile.status.text
    click_item(tile, f"o{keep}")
    assert tile.status.text == ""
    assert one(tile, "pk-objectives-delete-objective").description == "Delete objective"


def test_canceled_objectives_are_counted_apart_from_the_achieved(tile):
    grow = add_objective(tile, "Grow")
    add_objective(tile, "Keep")
    click_item(tile, f"o{grow}")
    objective_field(tile, "status").value = "Canceled"
    assert counts_text(tile).startswith("Objectives: 1 open · 0 overdue · 0 done · 1 canceled")


def test_an_edit_after_the_type_switched_objectives_off_elsewhere_is_refused(
    sample_store, tmp_path
):
    from planning_kit.plan_types import load_plan_types

    folder = tmp_path / "plan_types"
    shutil.copytree(settings.plan_types_dir(), folder)
    path = folder / "customer_success.yaml"
    path.write_text(
        path.read_text().replace(
            "  objectives:\n    enabled: true",
            "  objectives:\n    enabled: false\n    reason: Not in this test.",
        )
    )
    registry = load_plan_types(folder)
    assert not registry.types["customer_success"].tile_enabled("objectives")
    pad = LaunchpadModel(sample_store, registry, today=TODAY)
    pad.select_account(UNITED_OIL)
    pad.start_plan("expansion")
    tile = ObjectivesTile(pad.context, today=TODAY)
    grow = add_objective(tile, "Grow")
    plan = pad.plan
    other = Store(sample_store.url)
    other.change_plan_type(plan.id, plan.version, "customer_success")  # another tab
    other.close()

    objective_field(tile, "metric").value = "Fleet size"

    assert tile.status.kind == "error"
    assert "switches Objectives off" in tile.status.text
    assert sample_store.get_objective(grow).metric == ""


def test_a_teammates_change_to_another_field_does_not_refuse_yours(
    tile, teammate, sample_store, plan_id
):
    grow = add_objective(tile, "Grow")
    click_item(tile, f"o{grow}")
    with teammate() as theirs:
        click_item(theirs, f"o{grow}")
        objective_field(theirs, "name").value = "Grow the fleet"

    objective_field(tile, "metric").value = "renewal signed"

    stored = sample_store.get_objective(grow)
    assert (stored.name, stored.metric) == ("Grow the fleet", "renewal signed")
    assert tile.status.kind != "error", tile.status.text
    assert objective_field(tile, "name").value == "Grow the fleet"  # theirs is shown too


def test_an_objective_the_filters_hide_is_not_moved(tile, sample_store, plan_id):
    a = add_objective(tile, "A")
    add_objective(tile, "B")
    click_item(tile, f"o{a}")
    one(tile, "pk-objectives-filter-status").value = "In Progress"  # hides A, its editor stays
    button(tile, "Move down").click()
    assert [o.name for o in sample_store.objectives(plan_id)] == ["A", "B"]
    assert "hidden by the filters" in tile.status.text


def test_a_done_actions_date_cleared_names_the_field_as_labelled(tile, sample_store):
    add_objective(tile, "Grow")
    call = add_action(tile, "Call")
    action_field(tile, "status").value = "done"
    action_field(tile, "completed_on").value = ""
    assert action_message(tile, "completed_on").startswith("Done on:")
    assert action_message(tile, "status") == ""  # no "Saved." left beside the refusal
    assert sample_store.get_action(call).completed_on is not None


def test_a_link_to_a_cell_the_type_hides_is_still_named(pad, tile, sample_store, plan_id):
    ctx = pad.context
    plan, cell = sample_store.set_potential(
        plan_id, ctx.plan.version, None, "portable_generators", status="potential", amount=250_000
    )
    ctx.replace(plan)
    grow = add_objective(tile, "Grow")
    tile.model.link(grow, f"potential:{cell.id}")
    pad.change_type("customer_success")  # no Potentials, no portable generators
    tile.refresh()
    click_item(tile, f"o{grow}")
    assert "Whole account × Portable Generators" in text(one(tile, "pk-objectives-links"))


def test_a_new_plan_says_how_to_add_the_first_objective(tile):
    assert "No objectives yet" in text(tile._summary)
    add_objective(tile, "Grow")
    assert "No objectives yet" not in text(tile._summary)


def test_changing_the_filters_clears_an_old_message(tile):
    a = add_objective(tile, "A")
    click_item(tile, f"o{a}")
    button(tile, "Move up").click()
    assert "already the first shown" in tile.status.text
    one(tile, "pk-objectives-filter-overdue").value = True
    assert tile.status.text == ""


def test_an_action_cannot_be_done_on_a_day_still_to_come(tile, sample_store):
    add_objective(tile, "Grow")
    call = add_action(tile, "Call")
    action_field(tile, "status").value = "done"
    action_field(tile, "completed_on").value = TOMORROW
    assert action_message(tile, "completed_on").startswith(f"Done on: {TOMORROW} is in the future")
    assert sample_store.get_action(call).completed_on != date.fromisoformat(TOMORROW)
    action_field(tile, "completed_on").value = YESTERDAY
    assert sample_store.get_action(call).completed_on == date.fromisoformat(YESTERDAY)


def test_no_stale_message_beside_a_refusal_or_after_a_row_switch(tile):
    grow = add_objective(tile, "Grow")
    add_action(tile, "Call")
    assert tile.status.text.startswith("Added the action")
    action_field(tile, "due_date").value = "soon"  # refused beside the field
    assert tile.status.text == ""  # no "Added ..." beside the refusal
    click_item(tile, f"o{grow}")
    assert tile.status.text.startswith("Not saved on 'Call'")
    click_item(tile, f"o{grow}")  # the form shows what is stored now: the message goes
    assert tile.status.text == ""
