"""Objectives and actions: open and overdue, coaching hints, filters and counts.

Plain Python over `model` records, so the tile, the launchpad line and the analysts' frames agree.

- An objective is open while Not Started, In Progress or Deferred; Achieved and Canceled close it.
  Only Achieved counts as done: a Canceled objective is closed but was not done.
- An action is open until it is done.
- Overdue means open with a due date before today (today is passed in, so tests can fix it).
- The launchpad line counts objectives, open actions, and overdue objectives and actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .model import OPEN_OBJECTIVE_STATUSES, Action, Objective, TeamMember

UNASSIGNED = "Unassigned actions"
ANY = ""
NO_OWNER = -1


def is_overdue(item: Objective | Action, today: date) -> bool:
    """Open, with a due date in the past."""
    return bool(item.is_open and item.due_date and item.due_date < today)


def objective_hints(objective: Objective, actions: list[Action], today: date) -> list[str]:
    """Coaching hints for one objective, given its actions.

    An action with an owner and a due date counts towards the two planned actions whether it is
    open or done: a done action was planned, and carried out.
    """
    hints = []
    ready = [a for a in actions if a.owner_id is not None and a.due_date is not None]
    if objective.is_open and len(ready) < 2:
        hints.append(
            f"Plan at least two actions with an owner and a due date ({len(ready)} so far)."
        )
    if is_overdue(objective, today):
        hints.append(
            f"Past its due date ({objective.due_date.isoformat()}): move the date or "
            "update the status."
        )
    still_open = [a for a in actions if a.is_open]
    if objective.status == "Achieved" and still_open:
        hints.append(
            f"Achieved, but {len(still_open)} action(s) are still open: finish, move or "
            "delete them."
        )
    return hints


def action_hints(action: Action) -> list[str]:
    """Coaching hints for one action."""
    return ["No owner: choose who does this."] if action.owner_id is None else []


@dataclass(frozen=True)
class Filters:
    """What the list shows; the filters combine (all must hold)."""

    owner_id: int | None = None  # None: anyone; NO_OWNER: items with no owner
    status: str = ANY  # ANY, "open", "closed", or one objective status
    division_id: int | None = None
    overdue: bool = False

    def _owner(self, owner_id: int | None) -> bool:
        if self.owner_id is None:
            return True
        return owner_id is None if self.owner_id == NO_OWNER else owner_id == self.owner_id

    def objective_matches(self, objective: Objective, today: date) -> bool:
        """Whether the objective itself passes every filter."""
        if self.status == "open" and not objective.is_open:
            return False
        if self.status == "closed" and objective.is_open:
            return False
        if self.status not in (ANY, "open", "closed") and objective.status != self.status:
            return False
        if self.division_id is not None and objective.division_id != self.division_id:
            return False
        if self.overdue and not is_overdue(objective, today):
            return False
        return self._owner(objective.owner_id)

    def action_matches(self, action: Action, objective: Objective | None, today: date) -> bool:
        """Whether the action passes every filter (its objective stands in for division)."""
        if self.status == "open" and not action.is_open:
            return False
        if self.status == "closed" and action.is_open:
            return False
        if self.status not in (ANY, "open", "closed") and (
            objective is None or objective.status != self.status
        ):
            return False
        if self.division_id is not None and (
            objective is None or objective.division_id != self.division_id
        ):
            return False
        if self.overdue and not is_overdue(action, today):
            return False
        return self._owner(action.owner_id)

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return self != Filters()


@dataclass
class Entry:
    """One objective (or the unassigned group, objective None) with the actions shown under it."""

    objective: Objective | None
    actions: list[Action]
    hints: list[str] = field(default_factory=list)


def arrange(
    objectives: list[Objective],
    actions: list[Action],
    today: date,
    filters: Filters | None = None,
) -> list[Entry]:
    """Objectives in order with their actions beneath, then the unassigned actions."""
    filters = filters or Filters()
    by_objective: dict[int | None, list[Action]] = {}
    for action in sorted(actions, key=lambda a: (a.position, a.id or 0)):
        by_objective.setdefault(action.objective_id, []).append(action)
    entries = []
    for objective in sorted(objectives, key=lambda o: (o.position, o.id or 0)):
        mine = by_objective.get(objective.id, [])
        shown = [a for a in mine if filters.action_matches(a, objective, today)]
        if filters.objective_matches(objective, today) or shown:
            hints = objective_hints(objective, mine, today)
            entries.append(Entry(objective, shown, hints))
    known = {o.id for o in objectives}
    loose = [a for oid, group in by_objective.items() if oid not in known for a in group]
    shown = [a for a in loose if filters.action_matches(a, None, today)]
    if shown or not filters.active:
        entries.append(Entry(None, shown))
    return entries


@dataclass(frozen=True)
class Counts:
    """Open, overdue and done, for objectives and for actions.

    A done objective is Achieved; a Canceled one is closed but not done (`objectives_canceled`).
    """

    objectives: int
    objectives_open: int
    objectives_overdue: int
    objectives_done: int
    actions: int
    actions_open: int
    actions_overdue: int
    actions_done: int
    objectives_canceled: int = 0

    @property
    def overdue(self) -> int:
        """Overdue objectives and actions together."""
        return self.objectives_overdue + self.actions_overdue

    def line(self) -> str:
        """The launchpad line, e.g. '5 objectives · 12 actions open · 3 overdue'."""
        noun = "objective" if self.objectives == 1 else "objectives"
        verb = "action" if self.actions_open == 1 else "actions"
        return (
            f"{self.objectives} {noun} · {self.actions_open} {verb} open · {self.overdue} overdue"
        )


def count(objectives: list[Objective], actions: list[Action], today: date) -> Counts:
    """Counts of open, overdue and done (achieved) objectives, canceled ones, and actions."""
    return Counts(
        objectives=len(objectives),
        objectives_open=sum(o.is_open for o in objectives),
        objectives_overdue=sum(is_overdue(o, today) for o in objectives),
        objectives_done=sum(o.status == "Achieved" for o in objectives),
        actions=len(actions),
        actions_open=sum(a.is_open for a in actions),
        actions_overdue=sum(is_overdue(a, today) for a in actions),
        actions_done=sum(not a.is_open for a in actions),
        objectives_canceled=sum(o.status == "Canceled" for o in objectives),
    )


def owner_label(owner_id: int | None, team: list[TeamMember]) -> str:
    """The owner as shown: name, '(former member)' if they left, 'no owner' or 'unknown owner'."""
    if owner_id is None:
        return "no owner"
    member = next((m for m in team if m.id == owner_id), None)
    if member is None:
        return "unknown owner"
    return f"{member.name} (former member)" if member.is_former else member.name


def load_counts(store: object, plan_id: int, today: date) -> Counts:
    """The counts of a stored plan, read through `store` (a Store)."""
    return count(store.objectives(plan_id), store.actions(plan_id), today)


__all__ = [
    "ANY",
    "NO_OWNER",
    "OPEN_OBJECTIVE_STATUSES",
    "UNASSIGNED",
    "Counts",
    "Entry",
    "Filters",
    "action_hints",
    "arrange",
    "count",
    "is_overdue",
    "load_counts",
    "objective_hints",
    "owner_label",
]
