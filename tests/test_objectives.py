"""Objectives and actions in plain Python: open and overdue, hints, filters, order and counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from planning_kit.model import (
    OBJECTIVE_STATUSES,
    OPEN_OBJECTIVE_STATUSES,
    Action,
    Objective,
    TeamMember,
)
from planning_kit.objectives import (
    ANY,
    NO_OWNER,
    UNASSIGNED,
    Counts,
    Entry,
    Filters,
    action_hints,
    arrange,
    count,
    is_overdue,
    objective_hints,
    owner_label,
)

TODAY = date(2027, 3, 15)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)
LONG_AGO = date(2025, 1, 1)

ANA, BEN, CY = 1, 2, 3  # team member ids; Cy has left the team
NORTH, SOUTH = 10, 20  # division ids

TWO_ACTIONS_HINT = "Plan at least two actions with an owner and a due date"


# -- helpers -------------------------------------------------------------------------------


def objective(id: int = 1, **values: Any) -> Objective:
    """An objective of plan 1, built directly."""
    values.setdefault("name", f"Objective {id}")
    values.setdefault("type", "Relationship")
    return Objective(id=id, plan_id=1, **values)


def action(id: int = 1, objective_id: int | None = None, **values: Any) -> Action:
    """An action of plan 1, built directly."""
    values.setdefault("name", f"Action {id}")
    return Action(id=id, plan_id=1, objective_id=objective_id, **values)


def ready(id: int, objective_id: int | None = 1, **values: Any) -> Action:
    """An action with an owner and a due date."""
    values.setdefault("owner_id", ANA)
    values.setdefault("due_date", TOMORROW)
    return action(id, objective_id, **values)


def team() -> list[TeamMember]:
    """Ana (owner), Ben, and Cy who has left."""
    return [
        TeamMember(id=ANA, plan_id=1, name="Ana Ruiz", role="Account Executive", is_owner=True),
        TeamMember(id=BEN, plan_id=1, name="Ben Okafor", role="Solution Engineer"),
        TeamMember(
            id=CY,
            plan_id=1,
            name="Cy Lam",
            role="Sales Manager",
            left_at=datetime(2027, 1, 1, tzinfo=UTC),
        ),
    ]


def shown(entries: list[Entry]) -> list[tuple[int | None, list[int]]]:
    """(objective id, or None for the unassigned group; ids of the actions shown beneath)."""
    return [(e.objective.id if e.objective else None, [a.id for a in e.actions]) for e in entries]


def hint_starts(hints: list[str]) -> list[str]:
    """The first words of each hint, enough to tell them apart."""
    return [" ".join(h.split()[:2]) for h in hints]


# -- open and closed -------------------------------------------------------------------------


def test_the_objective_statuses_are_the_five_of_the_issue_in_order() -> None:
    assert OBJECTIVE_STATUSES == ("Not Started", "In Progress", "Deferred", "Achieved", "Canceled")
    assert OPEN_OBJECTIVE_STATUSES == ("Not Started", "In Progress", "Deferred")


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        ("Not Started", True),
        ("In Progress", True),
        ("Deferred", True),
        ("Achieved", False),
        ("Canceled", False),
    ],
)
def test_objective_status_open_or_closed(status: str, is_open: bool) -> None:
    assert objective(status=status).is_open is is_open


def test_a_new_objective_is_not_started_and_open() -> None:
    made = objective()
    assert (made.status, made.priority, made.is_open) == ("Not Started", "Medium", True)


@pytest.mark.parametrize(("status", "is_open"), [("open", True), ("done", False)])
def test_action_status_open_or_done(status: str, is_open: bool) -> None:
    assert action(status=status).is_open is is_open


def test_a_new_action_is_open() -> None:
    assert (action().status, action().is_open) == ("open", True)


# -- overdue ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "overdue"),
    [(LONG_AGO, True), (YESTERDAY, True), (TODAY, False), (TOMORROW, False), (None, False)],
    ids=["long-ago", "yesterday", "today", "tomorrow", "no-date"],
)
@pytest.mark.parametrize("status", OPEN_OBJECTIVE_STATUSES)
def test_an_open_objective_is_overdue_only_after_its_due_date(
    status: str, due: date | None, overdue: bool
) -> None:
    assert is_overdue(objective(status=status, due_date=due), TODAY) is overdue


@pytest.mark.parametrize("due", [LONG_AGO, YESTERDAY, TODAY, TOMORROW])
@pytest.mark.parametrize("status", ["Achieved", "Canceled"])
def test_a_closed_objective_is_never_overdue(status: str, due: date) -> None:
    assert is_overdue(objective(status=status, due_date=due), TODAY) is False


@pytest.mark.parametrize(
    ("due", "overdue"),
    [(LONG_AGO, True), (YESTERDAY, True), (TODAY, False), (TOMORROW, False), (None, False)],
    ids=["long-ago", "yesterday", "today", "tomorrow", "no-date"],
)
def test_an_open_action_is_overdue_only_after_its_due_date(due: date | None, overdue: bool) -> None:
    assert is_overdue(action(due_date=due), TODAY) is overdue


@pytest.mark.parametrize("due", [LONG_AGO, YESTERDAY, TODAY, TOMORROW])
def test_a_done_action_is_never_overdue(due: date) -> None:
    assert is_overdue(action(due_date=due, status="done", completed_on=LONG_AGO), TODAY) is False


def test_today_is_injected_not_read_from_the_clock() -> None:
    item = action(due_date=date(2030, 6, 1))
    assert is_overdue(item, date(2030, 6, 2)) is True
    assert is_overdue(item, date(2030, 6, 1)) is False


# -- coaching hints --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actions", "so_far"),
    [
        ([], 0),
        ([ready(1)], 1),
        ([ready(1), action(2, 1, owner_id=BEN)], 1),  # the second has no due date
        ([ready(1), action(2, 1, due_date=TOMORROW)], 1),  # the second has no owner
        ([action(1, 1), action(2, 1), action(3, 1)], 0),  # three, none with owner and date
    ],
    ids=["none", "one-ready", "second-no-date", "second-no-owner", "three-bare"],
)
def test_an_open_objective_with_fewer_than_two_ready_actions_gets_a_hint(
    actions: list[Action], so_far: int
) -> None:
    hints = objective_hints(objective(status="In Progress"), actions, TODAY)
    assert hints == [f"{TWO_ACTIONS_HINT} ({so_far} so far)."]


@pytest.mark.parametrize(
    "actions",
    [
        [ready(1), ready(2, owner_id=BEN)],
        [ready(1), ready(2), action(3, 1)],
        # done actions that had an owner and a date count: the plan was made and carried out
        [
            ready(1, status="done", completed_on=YESTERDAY),
            ready(2, status="done", completed_on=YESTERDAY),
        ],
    ],
    ids=["two-ready", "two-ready-one-bare", "two-done"],
)
def test_two_actions_with_an_owner_and_a_due_date_need_no_hint(actions: list[Action]) -> None:
    assert objective_hints(objective(), actions, TODAY) == []


@pytest.mark.parametrize(
    ("actions", "hints"),
    [
        ([ready(1, status="done", completed_on=YESTERDAY)], [f"{TWO_ACTIONS_HINT} (1 so far)."]),
        ([ready(1, status="done", completed_on=YESTERDAY), ready(2)], []),
        (
            [action(1, 1, status="done", completed_on=YESTERDAY), ready(2)],
            [f"{TWO_ACTIONS_HINT} (1 so far)."],
        ),
    ],
    ids=["one-done", "one-done-one-open", "done-without-owner-or-date"],
)
def test_a_done_action_counts_towards_the_two_when_it_had_an_owner_and_a_due_date(
    actions: list[Action], hints: list[str]
) -> None:
    """The hint asks for actions with an owner and a due date; being done does not undo that."""
    assert objective_hints(objective(status="In Progress"), actions, TODAY) == hints


@pytest.mark.parametrize("status", ["Achieved", "Canceled"])
def test_a_closed_objective_is_not_asked_for_more_actions(status: str) -> None:
    assert objective_hints(objective(status=status), [], TODAY) == []


@pytest.mark.parametrize("status", OPEN_OBJECTIVE_STATUSES)
def test_an_open_objective_past_its_due_date_gets_a_hint(status: str) -> None:
    overdue = objective(status=status, due_date=YESTERDAY)
    hints = objective_hints(overdue, [ready(1), ready(2)], TODAY)
    assert hints == [
        f"Past its due date ({YESTERDAY.isoformat()}): move the date or update the status."
    ]


@pytest.mark.parametrize(
    ("status", "due"),
    [
        ("In Progress", TODAY),
        ("In Progress", TOMORROW),
        ("In Progress", None),
        ("Achieved", YESTERDAY),
        ("Canceled", YESTERDAY),
    ],
)
def test_no_past_due_hint_for_an_objective_not_overdue(status: str, due: date | None) -> None:
    hints = objective_hints(objective(status=status, due_date=due), [ready(1), ready(2)], TODAY)
    assert not any(h.startswith("Past its due date") for h in hints)


@pytest.mark.parametrize(("still_open", "text"), [(1, "1 action(s)"), (2, "2 action(s)")])
def test_an_achieved_objective_with_open_actions_gets_a_hint(still_open: int, text: str) -> None:
    actions = [ready(1, status="done", completed_on=YESTERDAY)] + [
        ready(2 + i) for i in range(still_open)
    ]
    hints = objective_hints(objective(status="Achieved"), actions, TODAY)
    assert hints == [f"Achieved, but {text} are still open: finish, move or delete them."]


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        ("Achieved", []),
        ("Achieved", [ready(1, status="done"), ready(2, status="done")]),
        ("Canceled", [ready(1), ready(2)]),  # canceled work may leave actions open
        ("In Progress", [ready(1), ready(2)]),
    ],
    ids=["achieved-no-actions", "achieved-all-done", "canceled-open", "in-progress-open"],
)
def test_no_achieved_hint_without_open_actions_of_an_achieved_objective(
    status: str, actions: list[Action]
) -> None:
    hints = objective_hints(objective(status=status), actions, TODAY)
    assert not any(h.startswith("Achieved") for h in hints)


def test_hints_add_up_for_one_objective() -> None:
    late = objective(status="In Progress", due_date=YESTERDAY)
    assert hint_starts(objective_hints(late, [action(1, 1)], TODAY)) == [
        "Plan at",
        "Past its",
    ]


@pytest.mark.parametrize(
    ("owner_id", "hints"),
    [(None, ["No owner: choose who does this."]), (ANA, []), (CY, [])],
    ids=["no-owner", "owner", "former-member"],
)
def test_an_action_without_an_owner_gets_a_hint(owner_id: int | None, hints: list[str]) -> None:
    assert action_hints(action(owner_id=owner_id, due_date=TOMORROW)) == hints


# -- filters ---------------------------------------------------------------------------------


def plan_objectives() -> list[Objective]:
    """o1 Ana, North, overdue; o2 Ben, South, achieved; o3 nobody, no division, due tomorrow."""
    return [
        objective(1, owner_id=ANA, status="In Progress", division_id=NORTH, due_date=YESTERDAY),
        objective(2, owner_id=BEN, status="Achieved", division_id=SOUTH, due_date=YESTERDAY),
        objective(3, owner_id=None, status="Not Started", due_date=TOMORROW),
    ]


def plan_actions() -> list[Action]:
    """Two under o1, two under o2, none under o3, two unassigned."""
    return [
        action(1, 1, owner_id=ANA, due_date=YESTERDAY),  # overdue
        action(2, 1, owner_id=BEN, due_date=TOMORROW),
        action(3, 2, owner_id=BEN, due_date=YESTERDAY, status="done", completed_on=YESTERDAY),
        action(4, 2, owner_id=None, due_date=YESTERDAY),  # overdue
        action(5, None, owner_id=ANA, due_date=YESTERDAY),  # overdue
        action(6, None, owner_id=None, status="done", completed_on=LONG_AGO),
    ]


def filtered(**values: Any) -> list[tuple[int | None, list[int]]]:
    return shown(arrange(plan_objectives(), plan_actions(), TODAY, Filters(**values)))


def test_without_filters_everything_shows_with_the_unassigned_group_last() -> None:
    assert filtered() == [(1, [1, 2]), (2, [3, 4]), (3, []), (None, [5, 6])]
    assert shown(arrange(plan_objectives(), plan_actions(), TODAY)) == filtered()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # an objective whose own fields do not match still shows when one of its actions does,
        # as the heading of that action; the unassigned group shows only with a match
        ({"owner_id": ANA}, [(1, [1]), (None, [5])]),
        ({"owner_id": BEN}, [(1, [2]), (2, [3])]),
        ({"owner_id": CY}, []),
        ({"owner_id": NO_OWNER}, [(2, [4]), (3, []), (None, [6])]),
        ({"status": "open"}, [(1, [1, 2]), (2, [4]), (3, []), (None, [5])]),
        ({"status": "closed"}, [(2, [3]), (None, [6])]),
        # one objective status: actions follow their objective; unassigned have none
        ({"status": "Achieved"}, [(2, [3, 4])]),
        ({"status": "In Progress"}, [(1, [1, 2])]),
        ({"status": "Not Started"}, [(3, [])]),
        ({"status": "Deferred"}, []),
        ({"status": "Canceled"}, []),
        ({"division_id": NORTH}, [(1, [1, 2])]),
        ({"division_id": SOUTH}, [(2, [3, 4])]),
        ({"division_id": 99}, []),
        ({"overdue": True}, [(1, [1]), (2, [4]), (None, [5])]),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else None,
)
def test_each_filter_alone(values: dict, expected: list) -> None:
    assert filtered(**values) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"owner_id": ANA, "overdue": True}, [(1, [1]), (None, [5])]),
        ({"owner_id": BEN, "overdue": True}, []),
        ({"owner_id": BEN, "status": "closed"}, [(2, [3])]),
        ({"owner_id": BEN, "division_id": NORTH}, [(1, [2])]),
        ({"owner_id": NO_OWNER, "overdue": True}, [(2, [4])]),
        ({"owner_id": NO_OWNER, "status": "closed"}, [(None, [6])]),
        ({"status": "open", "division_id": NORTH}, [(1, [1, 2])]),
        ({"status": "open", "division_id": SOUTH}, [(2, [4])]),
        ({"status": "open", "overdue": True}, [(1, [1]), (2, [4]), (None, [5])]),
        ({"status": "closed", "overdue": True}, []),
        ({"division_id": NORTH, "overdue": True}, [(1, [1])]),
        ({"division_id": SOUTH, "overdue": True, "owner_id": NO_OWNER}, [(2, [4])]),
        ({"status": "In Progress", "owner_id": BEN}, [(1, [2])]),
        (
            {"owner_id": ANA, "status": "open", "division_id": NORTH, "overdue": True},
            [(1, [1])],
        ),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else None,
)
def test_filters_combine(values: dict, expected: list) -> None:
    assert filtered(**values) == expected


def test_an_objective_that_matches_shows_even_without_matching_actions() -> None:
    entries = arrange(plan_objectives(), plan_actions(), TODAY, Filters(owner_id=BEN))
    achieved = next(e for e in entries if e.objective and e.objective.id == 2)
    assert [a.id for a in achieved.actions] == [3]  # a4 has no owner: hidden


def test_the_unassigned_group_shows_empty_without_filters_and_hides_when_filtered() -> None:
    objectives = plan_objectives()
    assigned = [a for a in plan_actions() if a.objective_id is not None]
    assert shown(arrange(objectives, assigned, TODAY))[-1] == (None, [])
    assert shown(arrange(objectives, assigned, TODAY, Filters(owner_id=ANA))) == [(1, [1])]
    assert shown(arrange([], [], TODAY)) == [(None, [])]
    assert shown(arrange([], [], TODAY, Filters(overdue=True))) == []


def test_actions_of_an_unknown_objective_show_with_the_unassigned() -> None:
    """An action whose objective is not in the list is not lost."""
    stray = action(9, 42, owner_id=ANA)
    assert shown(arrange(plan_objectives()[:1], [stray], TODAY)) == [(1, []), (None, [9])]


def test_hints_of_a_filtered_objective_count_all_its_actions() -> None:
    objectives = [objective(1, owner_id=ANA, status="In Progress")]
    actions = [ready(1, owner_id=ANA), ready(2, owner_id=BEN)]
    (entry,) = arrange(objectives, actions, TODAY, Filters(owner_id=ANA))
    assert [a.id for a in entry.actions] == [1]
    assert entry.hints == []  # two ready actions exist, even if one is filtered out


def test_entries_carry_each_objectives_hints_and_none_for_the_group() -> None:
    entries = arrange(plan_objectives(), plan_actions(), TODAY)
    assert hint_starts(entries[0].hints) == ["Past its"]  # a1 and a2 are ready
    assert hint_starts(entries[1].hints) == ["Achieved, but"]  # a4 is still open
    assert hint_starts(entries[2].hints) == ["Plan at"]
    assert entries[3].objective is None and entries[3].hints == []


@pytest.mark.parametrize(
    "values",
    [
        {"owner_id": ANA},
        {"owner_id": NO_OWNER},
        {"status": "open"},
        {"status": "Deferred"},
        {"division_id": NORTH},
        {"overdue": True},
    ],
)
def test_any_filter_makes_the_filters_active(values: dict) -> None:
    assert Filters(**values).active is True


def test_no_filter_is_not_active() -> None:
    assert Filters().active is False
    assert Filters(owner_id=None, status=ANY, division_id=None, overdue=False).active is False


@pytest.mark.parametrize(
    ("values", "objective_ok", "action_ok"),
    [
        ({}, True, True),
        ({"owner_id": ANA}, True, False),
        ({"owner_id": NO_OWNER}, False, True),
        ({"status": "open"}, True, True),
        ({"status": "closed"}, False, False),
        ({"status": "In Progress"}, True, True),
        ({"status": "Achieved"}, False, False),
        ({"division_id": NORTH}, True, True),
        ({"division_id": SOUTH}, False, False),
        ({"overdue": True}, True, True),
    ],
)
def test_objective_and_action_matches(values: dict, objective_ok: bool, action_ok: bool) -> None:
    parent = objective(1, owner_id=ANA, status="In Progress", division_id=NORTH, due_date=YESTERDAY)
    child = action(7, 1, owner_id=None, due_date=YESTERDAY)
    filters = Filters(**values)
    assert filters.objective_matches(parent, TODAY) is objective_ok
    assert filters.action_matches(child, parent, TODAY) is action_ok


@pytest.mark.parametrize(
    "values", [{"status": "In Progress"}, {"division_id": NORTH}], ids=["status", "division"]
)
def test_an_unassigned_action_never_matches_an_objective_field(values: dict) -> None:
    assert Filters(**values).action_matches(action(7, None), None, TODAY) is False


# -- order -----------------------------------------------------------------------------------


def test_objectives_show_in_the_order_of_their_positions() -> None:
    objectives = [
        objective(1, position=3),
        objective(2, position=1),
        objective(3, position=2),
    ]
    assert [e.objective.id for e in arrange(objectives, [], TODAY) if e.objective] == [2, 3, 1]


def test_objectives_with_the_same_position_keep_the_order_of_their_ids() -> None:
    objectives = [objective(5, position=1), objective(4, position=1), objective(6, position=0)]
    assert [e.objective.id for e in arrange(objectives, [], TODAY) if e.objective] == [6, 4, 5]


def test_actions_show_by_position_under_their_objective_then_the_unassigned_last() -> None:
    objectives = [objective(1, position=1), objective(2, position=2)]
    actions = [
        action(10, None, position=2),
        action(11, 2, position=1),
        action(12, 1, position=3),
        action(13, 1, position=1),
        action(14, None, position=1),
        action(15, 1, position=2),
        action(16, 1, position=2),  # same position: by id
    ]
    assert shown(arrange(objectives, actions, TODAY)) == [
        (1, [13, 15, 16, 12]),
        (2, [11]),
        (None, [14, 10]),
    ]


def test_the_unassigned_group_is_named_unassigned_actions() -> None:
    assert UNASSIGNED == "Unassigned actions"


# -- counts ----------------------------------------------------------------------------------


def test_count_open_overdue_and_done() -> None:
    counts = count(plan_objectives(), plan_actions(), TODAY)
    assert counts == Counts(
        objectives=3,
        objectives_open=2,
        objectives_overdue=1,
        objectives_done=1,
        actions=6,
        actions_open=4,
        actions_overdue=3,
        actions_done=2,
    )
    assert counts.overdue == 4
    assert counts.line() == "3 objectives · 4 actions open · 4 overdue"


@pytest.mark.parametrize(("status", "done", "canceled"), [("Achieved", 1, 0), ("Canceled", 0, 1)])
def test_only_achieved_objectives_count_as_done(status: str, done: int, canceled: int) -> None:
    """Canceled closes an objective, but it was not done: it is counted apart."""
    counts = count([objective(status=status, due_date=LONG_AGO)], [], TODAY)
    assert (counts.objectives_open, counts.objectives_overdue) == (0, 0)
    assert (counts.objectives_done, counts.objectives_canceled) == (done, canceled)


def test_a_plan_with_canceled_objectives_counts_only_the_achieved_as_done() -> None:
    objectives = [
        objective(1, status="Achieved"),
        objective(2, status="Canceled"),
        objective(3, status="Canceled"),
        objective(4, status="In Progress"),
    ]
    counts = count(objectives, [], TODAY)
    assert (counts.objectives, counts.objectives_open, counts.objectives_done) == (4, 1, 1)
    assert counts.objectives_canceled == 2


def test_count_of_nothing() -> None:
    counts = count([], [], TODAY)
    assert counts == Counts(0, 0, 0, 0, 0, 0, 0, 0)
    assert counts.line() == "0 objectives · 0 actions open · 0 overdue"


def test_count_moves_with_today() -> None:
    items = [action(1, due_date=TODAY)]
    assert count([], items, TODAY).actions_overdue == 0
    assert count([], items, TOMORROW).actions_overdue == 1


@pytest.mark.parametrize(
    ("objectives", "actions_open", "overdue", "line"),
    [
        (5, 12, 3, "5 objectives · 12 actions open · 3 overdue"),
        (1, 1, 1, "1 objective · 1 action open · 1 overdue"),
        (0, 0, 0, "0 objectives · 0 actions open · 0 overdue"),
        (2, 1, 0, "2 objectives · 1 action open · 0 overdue"),
        (1, 2, 2, "1 objective · 2 actions open · 2 overdue"),
    ],
)
def test_the_launchpad_line_says_objective_and_action_in_the_singular_for_one(
    objectives: int, actions_open: int, overdue: int, line: str
) -> None:
    counts = Counts(
        objectives=objectives,
        objectives_open=objectives,
        objectives_overdue=overdue,
        objectives_done=0,
        actions=actions_open + 4,
        actions_open=actions_open,
        actions_overdue=0,
        actions_done=4,
    )
    assert counts.line() == line


def test_the_line_counts_overdue_objectives_and_actions_together() -> None:
    counts = count(
        [objective(1, due_date=YESTERDAY), objective(2, due_date=TOMORROW)],
        [action(1, 1, due_date=YESTERDAY), action(2, 2, due_date=YESTERDAY, status="done")],
        TODAY,
    )
    assert counts.line() == "2 objectives · 1 action open · 2 overdue"


# -- owners ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner_id", "label"),
    [
        (ANA, "Ana Ruiz"),
        (BEN, "Ben Okafor"),
        (CY, "Cy Lam (former member)"),
        (None, "no owner"),
        (99, "unknown owner"),
    ],
    ids=["owner", "member", "former", "none", "missing"],
)
def test_owner_label(owner_id: int | None, label: str) -> None:
    assert owner_label(owner_id, team()) == label


def test_owner_label_of_an_empty_team() -> None:
    assert owner_label(ANA, []) == "unknown owner"
