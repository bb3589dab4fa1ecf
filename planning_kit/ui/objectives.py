"""Objectives tile: goals with owned, dated actions beneath them, filters, counts and hints.

`ObjectivesModel` holds every decision in plain Python; `ObjectivesTile` is a thin view. The
list is one widget (`ItemList`); a click opens the objective or action in the editor beside it,
where every field saves by itself. A bad date or an empty name gets a message next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ipywidgets as w

from ..model import (
    OBJECTIVE_STATUSES,
    PRIORITIES,
    Action,
    Objective,
    TeamMember,
    day_problem,
)
from ..objectives import (
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
from ..potentials import STATUS_TITLES, load_grid
from ..store import PlanConflict, StoreError
from ._base import Chart, PlanContext, StatusLine, Unsaved, esc, fill, guarded, money, when
from .item_list import ItemList

GROUP_ID = "g-unassigned"
EMPTY = "No objectives yet: type the first one in 'New objective' and press Enter."
NO_MATCH = "Nothing matches these filters: change or clear them to see more."


@dataclass(frozen=True)
class SaveResult:
    """What happened to an edit: saved or not, a message, and the field it is about."""

    saved: bool
    message: str
    field: str = ""


class ItemChanged(PlanConflict):
    """Someone else changed this objective or action since it was shown: nothing was saved."""


def parse_day(text: str | None, title: str) -> date | None:
    """A date typed as YYYY-MM-DD; blank means none; anything else is refused with a message."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{title}: '{value[:40]}' is not a date; use YYYY-MM-DD, e.g. 2027-03-31."
        ) from None
    problem = day_problem(day)
    if problem:
        raise ValueError(f"{title}: {problem}.")
    return day


class ObjectivesModel:
    """Objectives, actions, links and filters of the open plan, with no widgets."""

    def __init__(self, context: PlanContext, today: date | None = None) -> None:
        self.context = context
        self.today = today or date.today()
        self.filters = Filters()

    # -- reading ----------------------------------------------------------------------------
    @property
    def store(self) -> Any:
        """The store."""
        return self.context.store

    @property
    def plan_id(self) -> int:
        """The open plan's id."""
        return self.context.plan.id

    def team(self) -> list[TeamMember]:
        """The plan's team, former members included."""
        return self.store.team(self.plan_id)

    def objectives(self) -> list[Objective]:
        """The plan's objectives in order."""
        return self.store.objectives(self.plan_id)

    def actions(self) -> list[Action]:
        """The plan's actions."""
        return self.store.actions(self.plan_id)

    def objective_types(self) -> list[str]:
        """The objective types the plan type allows."""
        return list(self.context.plan_type.objective_types)

    def divisions(self) -> list[Any]:
        """The account's divisions."""
        return self.store.divisions(self.context.plan.account_id)

    def entries(self) -> list[Entry]:
        """What the list shows, with the filters applied."""
        return arrange(self.objectives(), self.actions(), self.today, self.filters)

    def counts(self) -> Counts:
        """Open, overdue and done objectives and actions (unfiltered)."""
        return count(self.objectives(), self.actions(), self.today)

    def owner_choices(self, current: int | None) -> list[tuple[str, int | None]]:
        """Current members, plus `current` when it is a former member (so it stays shown)."""
        team = self.team()
        choices: list[tuple[str, int | None]] = [("No owner", None)]
        choices += [(m.label, m.id) for m in team if not m.is_former]
        former = next((m for m in team if m.id == current and m.is_former), None)
        if former:
            choices.append((former.label, former.id))
        return choices

    def link_choices(self, offered: bool = True) -> list[tuple[str, str]]:
        """Potentials (cells with something in them) and opportunities that can be linked.

        With `offered`, potentials only while the plan type has the Potentials tile; without,
        every potential (to name the links an objective already has).
        """
        choices = []
        plan = self.context.plan
        if not offered or self.context.plan_type.tile_enabled("potentials"):
            grid = load_grid(self.store, self.context.registry, plan)
            for cell in grid.cells.values():
                if cell.stored.id is not None and not cell.stored.is_empty:
                    label = (
                        f"Potential: {cell.row.title} × {cell.column.title} "
                        f"({STATUS_TITLES[cell.status]}, {money(cell.amount)})"
                    )
                    choices.append((label, f"potential:{cell.stored.id}"))
        for opp in self.store.opportunities(plan.account_id):
            choices.append(
                (f"Opportunity: {opp.name} ({opp.stage or '—'})", f"opportunity:{opp.id}")
            )
        return choices

    def link_labels(self, objective: Objective) -> list[tuple[str, str]]:
        """(label, 'kind:id') of the objective's links."""
        labels = {key: label for label, key in self.link_choices(offered=False)}
        for key, label in self._hidden_potential_labels().items():
            labels.setdefault(key, label)
        return [
            (labels.get(f"{kind}:{target}", f"{kind.title()} {target}"), f"{kind}:{target}")
            for kind, target in objective.links
        ]

    def _hidden_potential_labels(self) -> dict[str, str]:
        """Labels of stored potentials the grid does not show (solutions the type hides)."""
        catalogue = self.context.registry.catalogue
        divisions = {
            d.id: d.name
            for d in self.store.divisions(self.context.plan.account_id, include_removed=True)
        }
        labels = {}
        for cell in self.store.potentials(self.plan_id):
            solution = catalogue.solution(cell.solution_id)
            where = divisions.get(cell.division_id, "Whole account")
            title = solution.title if solution else cell.solution_id
            labels[f"potential:{cell.id}"] = (
                f"Potential: {where} × {title} (hidden by the plan type)"
            )
        return labels

    # -- writing ----------------------------------------------------------------------------
    def _write(self, action: Any, guard: Any = None) -> Any:
        """A versioned write; on a conflict reload, check `guard`, and retry once."""
        return self.context.write(action, "objectives", guard)

    def _guard(self, read: Any, seen: Any, field: str) -> Any:
        """Refuse the edit of `field` when a teammate changed that field since it was shown.

        A teammate's change to another field of the same item does not block it.
        """

        def check() -> None:
            if seen is None:
                return
            now = read()
            if getattr(now, field) != getattr(seen, field):
                raise ItemChanged(
                    f"Not saved: {now.updated_by} changed this at {when(now.updated_at)}; it "
                    "is shown now. Make your change again to replace it."
                )

        return check

    def add_objective(self, name: str) -> Objective:
        """Add an objective of the plan type's first objective type."""
        _plan, objective = self._write(
            lambda pid, ver: self.store.add_objective(
                pid, ver, name=name, type=self.objective_types()[0]
            )
        )
        return objective

    def save_objective(
        self, objective_id: int, field: str, value: Any, seen: Objective | None = None
    ) -> SaveResult:
        """Save one field of an objective as typed; a message names a field that is wrong."""
        try:
            if field == "due_date":
                value = parse_day(value, "Due date")
            elif field == "name" and not (value or "").strip():
                return SaveResult(False, "Name: an objective needs a name.", "name")
            self._write(
                lambda pid, ver: self.store.update_objective(
                    pid, ver, objective_id, **{field: value}
                ),
                self._guard(lambda: self.store.get_objective(objective_id), seen, field),
            )
        except ItemChanged:
            raise
        except ValueError as exc:
            return SaveResult(False, _sentence(exc), field)
        return SaveResult(True, "Saved.", field)

    def move_objective(self, objective_id: int, step: int) -> bool:
        """Move an objective up (-1) or down (+1) past the next objective shown; saved.

        With filters on, the objectives they hide keep their places: the move is past the
        neighbour the user sees. False when there is nothing to move past.
        """
        ids = [o.id for o in self.objectives()]
        shown = [e.objective.id for e in self.entries() if e.objective is not None]
        if objective_id not in shown:
            raise ValueError(
                "This objective is hidden by the filters: clear them to move it among the others."
            )
        at = shown.index(objective_id)
        if not 0 <= at + step < len(shown):
            return False
        neighbour = shown[at + step]
        ids.remove(objective_id)
        ids.insert(ids.index(neighbour) + (1 if step > 0 else 0), objective_id)
        self._write(lambda pid, ver: self.store.reorder_objectives(pid, ver, ids))
        return True

    def delete_objective(self, objective_id: int) -> None:
        """Delete an objective; its actions move to the unassigned actions."""
        self._write(lambda pid, ver: self.store.delete_objective(pid, ver, objective_id))

    def link(self, objective_id: int, choice: str) -> None:
        """Link a potential or an opportunity ('kind:id') to an objective."""
        kind, _, target = choice.partition(":")
        self._write(
            lambda pid, ver: self.store.link_objective(pid, ver, objective_id, kind, target)
        )

    def unlink(self, objective_id: int, choice: str) -> None:
        """Remove one of the objective's links."""
        kind, _, target = choice.partition(":")
        self._write(
            lambda pid, ver: self.store.unlink_objective(pid, ver, objective_id, kind, target)
        )

    def add_action(self, name: str, objective_id: int | None) -> Action:
        """Add an action to an objective, or to the unassigned actions."""
        _plan, action = self._write(
            lambda pid, ver: self.store.add_action(pid, ver, name=name, objective_id=objective_id)
        )
        return action

    def save_action(
        self, action_id: int, field: str, value: Any, seen: Action | None = None
    ) -> SaveResult:
        """Save one field of an action as typed (objective_id moves it)."""
        try:
            if field == "due_date":
                value = parse_day(value, "Due date")
            elif field == "completed_on":
                value = parse_day(value, "Done on")
                if value is not None and value > self.today:
                    return SaveResult(
                        False,
                        f"Done on: {value.isoformat()} is in the future; an action is done "
                        "on the day it was done.",
                        field,
                    )
            elif field == "name" and not (value or "").strip():
                return SaveResult(False, "Name: an action needs a name.", "name")
            self._write(
                lambda pid, ver: self.store.update_action(pid, ver, action_id, **{field: value}),
                self._guard(lambda: self.store.get_action(action_id), seen, field),
            )
        except ItemChanged:
            raise
        except ValueError as exc:
            message = _sentence(exc)
            if message.startswith("Completed on:"):  # the store's name; the tile says Done on
                message = "Done on:" + message.removeprefix("Completed on:")
            return SaveResult(False, message, field)
        return SaveResult(True, "Saved.", field)

    def delete_action(self, action_id: int) -> None:
        """Delete an action."""
        self._write(lambda pid, ver: self.store.delete_action(pid, ver, action_id))


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[0].upper() + text[1:] if text else text


def list_items(model: ObjectivesModel) -> list[dict[str, Any]]:
    """The rows of the ItemList widget: objectives, their actions, then the unassigned group."""
    team = model.team()
    today = model.today
    items: list[dict[str, Any]] = []
    for entry in model.entries():
        objective = entry.objective
        if objective is None:
            items.append({"id": GROUP_ID, "kind": "group", "title": UNASSIGNED, "meta": ""})
        else:
            overdue = is_overdue(objective, today)
            state = "overdue" if overdue else _objective_state(objective)
            due = objective.due_date.isoformat() if objective.due_date else "no due date"
            items.append(
                {
                    "id": f"o{objective.id}",
                    "kind": "objective",
                    "title": objective.name,
                    "meta": " · ".join(
                        (
                            objective.type,
                            owner_label(objective.owner_id, team),
                            due,
                            objective.status,
                        )
                    ),
                    "status": state,
                    "badges": [objective.priority] + (["Overdue"] if overdue else []),
                    "hints": entry.hints,
                    "muted": not objective.is_open,
                }
            )
        for action in entry.actions:
            overdue = is_overdue(action, today)
            due = action.due_date.isoformat() if action.due_date else "no due date"
            items.append(
                {
                    "id": f"a{action.id}",
                    "kind": "action",
                    "title": action.name,
                    "meta": " · ".join((owner_label(action.owner_id, team), due, action.status)),
                    "status": "overdue"
                    if overdue
                    else ("done" if action.status == "done" else "open"),
                    "badges": ["Overdue"] if overdue else [],
                    "hints": action_hints(action),
                    "muted": action.status == "done",
                }
            )
    return items


def _objective_state(objective: Objective) -> str:
    return {
        "Achieved": "achieved",
        "Canceled": "canceled",
        "Deferred": "deferred",
    }.get(objective.status, "open")


def counts_html(counts: Counts) -> str:
    """The counts line for objectives and actions."""
    return (
        f"<div class='pk-objectives-counts' style='font-size:13px'>"
        f"<b>Objectives</b>: {counts.objectives_open} open · {counts.objectives_overdue} overdue"
        f" · {counts.objectives_done} done"
        + (f" · {counts.objectives_canceled} canceled" if counts.objectives_canceled else "")
        + f" &nbsp;&nbsp; <b>Actions</b>: {counts.actions_open} "
        f"open · {counts.actions_overdue} overdue · {counts.actions_done} done</div>"
    )


def status_figure(counts: Counts) -> Any:
    """A small plotly bar chart of open, overdue and done objectives and actions."""
    import plotly.graph_objects as go

    rows = ["Objectives", "Actions"]
    parts = (
        (
            "Open",
            "#1e63b5",
            [
                counts.objectives_open - counts.objectives_overdue,
                counts.actions_open - counts.actions_overdue,
            ],
        ),
        ("Overdue", "#c62828", [counts.objectives_overdue, counts.actions_overdue]),
        ("Done", "#2e7d32", [counts.objectives_done, counts.actions_done]),
    )
    figure = go.Figure()
    for name, colour, values in parts:
        figure.add_bar(y=rows, x=values, name=name, orientation="h", marker_color=colour)
    figure.update_layout(
        barmode="stack",
        height=150,
        width=420,
        margin={"l": 80, "r": 10, "t": 10, "b": 20},
        legend={"orientation": "h", "y": -0.3, "traceorder": "normal"},
    )
    return figure


class ObjectivesTile:
    """The Objectives view: filters, the list, and an editor for the chosen item."""

    tile_id = "objectives"

    def __init__(self, context: PlanContext, today: date | None = None) -> None:
        self.model = ObjectivesModel(context, today)
        self.status = StatusLine("pk-objectives-status")
        self._open = ""  # "o<id>", "a<id>" or ""
        self._pending_delete = ""  # the objective whose deletion awaits confirmation
        self._unsaved = Unsaved()
        self._shown: Objective | Action | None = None
        self._loading = False
        self._summary = w.HTML()
        self._chart = Chart("pk-objectives-chart")
        self._list = ItemList(empty_message=EMPTY)
        self._list.layout.width = "100%"
        self._list.on_select(self._on_select)
        self._build_filters()
        self._build_new()
        self._build_objective_editor()
        self._build_action_editor()
        self._editor = w.VBox(
            [self._objective_box, self._action_box],
            layout=w.Layout(width="400px", padding="0 0 0 10px", flex="0 0 auto"),
        )
        self._editor.add_class("pk-objectives-editor")
        self.widget = w.VBox(
            [
                self._summary,
                self._chart.widget,
                self.status.widget,
                self._filters,
                self._new,
                w.HBox(
                    [
                        w.Box([self._list], layout=w.Layout(flex="1 1 auto", min_width="0")),
                        self._editor,
                    ],
                    layout=w.Layout(width="100%", align_items="flex-start"),
                ),
            ]
        )
        self.widget.add_class("pk-objectives")
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self._f_owner = w.Dropdown(description="Owner", layout=w.Layout(width="320px"))
        self._f_status = w.Dropdown(
            description="Status",
            options=[("Any", ANY), ("Open", "open"), ("Closed", "closed")]
            + [(s, s) for s in OBJECTIVE_STATUSES],
            layout=w.Layout(width="220px"),
        )
        self._f_division = w.Dropdown(description="Division", layout=w.Layout(width="240px"))
        self._f_overdue = w.Checkbox(description="Overdue only", indent=False)
        for role, field in (
            ("owner", self._f_owner),
            ("status", self._f_status),
            ("division", self._f_division),
            ("overdue", self._f_overdue),
        ):
            field.add_class(f"pk-objectives-filter-{role}")
            field.observe(self._on_filter, names="value")
        self._filters = w.HBox(
            [self._f_owner, self._f_status, self._f_division, self._f_overdue],
            layout=w.Layout(flex_flow="row wrap"),
        )

    def _build_new(self) -> None:
        self._new_objective = w.Text(placeholder="New objective", layout=w.Layout(width="260px"))
        self._new_objective.add_class("pk-objectives-new-objective")
        _on_enter(self._new_objective, self._on_add_objective)
        add_objective = w.Button(description="Add objective", layout=w.Layout(width="auto"))
        add_objective.add_class("pk-objectives-add-objective")
        add_objective.on_click(self._on_add_objective)
        self._new_action = w.Text(placeholder="New action", layout=w.Layout(width="260px"))
        self._new_action.add_class("pk-objectives-new-action")
        _on_enter(self._new_action, self._on_add_action)
        add_action = w.Button(description="Add action", layout=w.Layout(width="auto"))
        add_action.add_class("pk-objectives-add-action")
        add_action.on_click(self._on_add_action)
        self._new_message = w.HTML()
        self._new_message.add_class("pk-objectives-new-message")
        self._new = w.VBox(
            [
                w.HBox(
                    [self._new_objective, add_objective, self._new_action, add_action],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self._new_message,
            ]
        )

    def _field(self, widget: Any, role: str, kind: str) -> tuple[Any, w.HTML]:
        widget.add_class(f"pk-objectives-{kind}-{role}")
        message = w.HTML()
        message.add_class(f"pk-objectives-{kind}-{role}-message")
        widget.observe(lambda change: self._on_field(kind, role, change), names="value")
        return widget, message

    def _build_objective_editor(self) -> None:
        o = self._o = {}
        o["name"] = w.Text(description="Name", continuous_update=False)
        o["type"] = w.Dropdown(description="Type")
        o["division_id"] = w.Dropdown(description="Division")
        o["metric"] = w.Text(description="Metric", continuous_update=False)
        o["description"] = w.Textarea(description="Description", continuous_update=False)
        o["strategy"] = w.Textarea(description="Strategy", continuous_update=False)
        o["status"] = w.Dropdown(description="Status", options=list(OBJECTIVE_STATUSES))
        o["owner_id"] = w.Dropdown(description="Owner")
        o["priority"] = w.Dropdown(description="Priority", options=list(PRIORITIES))
        o["due_date"] = w.Text(
            description="Due date", placeholder="YYYY-MM-DD", continuous_update=False
        )
        self._o_messages = {}
        rows = [w.HTML("<h4 style='margin:2px 0'>Objective</h4>")]
        for role, widget in o.items():
            _, message = self._field(widget, role, "objective")
            self._o_messages[role] = message
            rows += [widget, message]
        self._hints = w.HTML()
        self._hints.add_class("pk-objectives-hints")
        self._links = w.HTML()
        self._links.add_class("pk-objectives-links")
        self._link_choice = w.Dropdown(layout=w.Layout(width="300px"))
        self._link_choice.add_class("pk-objectives-link-choice")
        link = w.Button(description="Link", layout=w.Layout(width="auto"))
        link.add_class("pk-objectives-link")
        link.on_click(self._on_link)
        self._unlink_choice = w.Dropdown(layout=w.Layout(width="300px"))
        unlink = w.Button(description="Unlink", layout=w.Layout(width="auto"))
        unlink.add_class("pk-objectives-unlink")
        unlink.on_click(self._on_unlink)
        self._unlink_row = w.HBox([self._unlink_choice, unlink])
        up = w.Button(description="Move up", layout=w.Layout(width="auto"))
        up.add_class("pk-objectives-up")
        up.on_click(lambda _b: self._on_move(-1))
        down = w.Button(description="Move down", layout=w.Layout(width="auto"))
        down.add_class("pk-objectives-down")
        down.on_click(lambda _b: self._on_move(1))
        self._delete_objective = w.Button(description="Delete objective", button_style="danger")
        self._delete_objective.add_class("pk-objectives-delete-objective")
        self._delete_objective.on_click(self._on_delete_objective)
        self._objective_box = w.VBox(
            rows
            + [
                self._hints,
                self._links,
                self._unlink_row,
                w.HBox([self._link_choice, link]),
                w.HBox([up, down, self._delete_objective]),
            ]
        )

    def _build_action_editor(self) -> None:
        a = self._a = {}
        a["name"] = w.Text(description="Name", continuous_update=False)
        a["objective_id"] = w.Dropdown(description="Objective")
        a["owner_id"] = w.Dropdown(description="Owner")
        a["due_date"] = w.Text(
            description="Due date", placeholder="YYYY-MM-DD", continuous_update=False
        )
        a["status"] = w.Dropdown(description="Status", options=[("Open", "open"), ("Done", "done")])
        a["completed_on"] = w.Text(
            description="Done on", placeholder="YYYY-MM-DD", continuous_update=False
        )
        a["notes"] = w.Textarea(description="Notes", continuous_update=False)
        self._a_messages = {}
        rows = [w.HTML("<h4 style='margin:2px 0'>Action</h4>")]
        for role, widget in a.items():
            _, message = self._field(widget, role, "action")
            self._a_messages[role] = message
            rows += [widget, message]
        self._action_hints = w.HTML()
        delete = w.Button(description="Delete action", button_style="danger")
        delete.add_class("pk-objectives-delete-action")
        delete.on_click(self._on_delete_action)
        self._action_box = w.VBox(rows + [self._action_hints, delete])

    # -- refreshing -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the list, the counts, the filters' choices and the open item."""
        counts = self.model.counts()
        start = (
            "<div class='pk-objectives-empty' style='font-size:13px;color:#5f6670;margin:4px 0'>"
            f"{esc(EMPTY)}</div>"
            if not counts.objectives
            else ""
        )
        self._summary.value = (
            f"<h3 style='margin:4px 0'>Objectives · {esc(self.model.context.plan_type.title)}"
            f"</h3>{counts_html(counts)}{start}"
        )
        has_items = counts.objectives or counts.actions
        self._chart.show(counts, (lambda: status_figure(counts)) if has_items else None)
        self._refresh_filters()
        items = list_items(self.model)
        self._list.empty_message = NO_MATCH if self.model.filters.active else EMPTY
        ids = {i["id"] for i in items}
        if self._open and self._open not in ids and not self._exists(self._open):
            self._open = ""
        self._list.show(items, self._open if self._open in ids else "")
        self._show_editor()

    def _exists(self, item_id: str) -> bool:
        number = int(item_id[1:])
        if item_id.startswith("o"):
            return any(o.id == number for o in self.model.objectives())
        return any(a.id == number for a in self.model.actions())

    def _refresh_filters(self) -> None:
        self._loading = True
        try:
            team = self.model.team()
            owner = self._f_owner.value
            self._f_owner.options = [("Anyone", None), ("No owner", NO_OWNER)] + [
                (m.label, m.id) for m in team
            ]
            _choose(self._f_owner, owner)
            division = self._f_division.value
            choices = [("Any", None)] + [(d.name, d.id) for d in self.model.divisions()]
            self._f_division.options = choices
            _choose(self._f_division, division)
        finally:
            self._loading = False

    def _show_editor(self) -> None:
        kind = self._open[:1]
        self._objective_box.layout.display = "flex" if kind == "o" else "none"
        self._action_box.layout.display = "flex" if kind == "a" else "none"
        self._editor.layout.display = "flex" if kind in ("o", "a") else "none"
        if kind == "o":
            self._show_objective(int(self._open[1:]))
        elif kind == "a":
            self._show_action(int(self._open[1:]))

    def _show_objective(self, objective_id: int) -> None:
        if self._pending_delete != f"o{objective_id}":
            if self._pending_delete:
                self.status.clear()  # the question was about the objective left behind
            self._pending_delete = ""
            self._delete_objective.description = "Delete objective"
        objective = self.model.store.get_objective(objective_id)
        self._shown = objective
        actions = [a for a in self.model.actions() if a.objective_id == objective_id]
        o = self._o
        self._loading = True
        try:
            types = self.model.objective_types()
            if objective.type not in types:
                types.append(objective.type)
            o["type"].options = types
            o["division_id"].options = [("Whole account", None)] + [
                (d.name, d.id) for d in self.model.divisions()
            ]
            o["owner_id"].options = self.model.owner_choices(objective.owner_id)
            for role, widget in o.items():
                value = getattr(objective, role)
                if isinstance(widget, w.Dropdown):
                    _choose(widget, value)
                else:
                    widget.value = (
                        (value.isoformat() if value else "") if role == "due_date" else value
                    )
            for message in self._o_messages.values():
                message.value = ""
        finally:
            self._loading = False
        hints = objective_hints(objective, actions, self.model.today)
        self._hints.value = "".join(
            f"<div style='color:#8a5a00;font-size:12px'>⚑ {esc(h)}</div>" for h in hints
        )
        linked = self.model.link_labels(objective)
        self._links.value = (
            "<div style='font-size:12px'><b>Links</b><ul style='margin:2px 0'>"
            + "".join(f"<li>{esc(label)}</li>" for label, _ in linked)
            + "</ul></div>"
            if linked
            else "<div style='font-size:12px;color:#666'>No links yet: link a potential or an "
            "opportunity this objective serves.</div>"
        )
        fill(self._unlink_choice, linked, "—")
        self._unlink_row.layout.display = "flex" if linked else "none"
        taken = {key for _, key in linked}
        fill(
            self._link_choice,
            [c for c in self.model.link_choices() if c[1] not in taken],
            "Nothing to link",
        )

    def _show_action(self, action_id: int) -> None:
        action = self.model.store.get_action(action_id)
        self._shown = action
        a = self._a
        self._loading = True
        try:
            a["objective_id"].options = [(UNASSIGNED, None)] + [
                (o.name, o.id) for o in self.model.objectives()
            ]
            a["owner_id"].options = self.model.owner_choices(action.owner_id)
            for role, widget in a.items():
                value = getattr(action, role)
                if role in ("due_date", "completed_on"):
                    value = value.isoformat() if value else ""
                if isinstance(widget, w.Dropdown):
                    _choose(widget, value)
                else:
                    widget.value = value
            for message in self._a_messages.values():
                message.value = ""
        finally:
            self._loading = False
        self._action_hints.value = "".join(
            f"<div style='color:#8a5a00;font-size:12px'>⚑ {esc(h)}</div>"
            for h in action_hints(action)
        )

    # -- handlers ---------------------------------------------------------------------------
    @guarded()
    def _on_select(self, item_id: str) -> None:
        if item_id == GROUP_ID:
            self._open = ""
            self._list.selected = GROUP_ID
            self._show_editor()
        else:
            self._open = item_id
            self._list.selected = item_id
            self._show_editor()
        self._unsaved.say_after_switch(self.status)

    def take_unsaved(self) -> str:
        """Why the last edit was not saved, once (the launchpad says it when the tile is left)."""
        return self._unsaved.take()

    def select(self, item_id: str) -> None:
        """Open an objective ('o<id>') or action ('a<id>') in the editor, as a click does."""
        self._on_select(item_id)

    @guarded()
    def _on_filter(self, _change: dict) -> None:
        if self._loading:
            return
        self.model.filters = Filters(
            owner_id=self._f_owner.value,
            status=self._f_status.value,
            division_id=self._f_division.value,
            overdue=self._f_overdue.value,
        )
        self.status.clear()
        self.refresh()

    @guarded()
    def _on_field(self, kind: str, role: str, _change: dict) -> None:
        if self._loading or not self._open or self._open[:1] != kind[:1]:
            return
        widgets, messages = (
            (self._o, self._o_messages) if kind == "objective" else (self._a, self._a_messages)
        )
        number = int(self._open[1:])
        for message in messages.values():
            message.value = ""
        save = self.model.save_objective if kind == "objective" else self.model.save_action
        try:
            result = save(number, role, widgets[role].value, seen=self._shown)
        except ItemChanged as exc:
            self.refresh()
            self.status.show(str(exc), "error")
            return
        except StoreError:
            if not self._exists(self._open):
                self._open = ""
                self.refresh()
                self.status.show(
                    f"Not saved: this {kind} was deleted elsewhere; the list is up to date now.",
                    "error",
                )
                return
            raise
        if not result.saved:
            messages[role].value = _message(result.message, "error")
            shown = self._shown.name if self._shown is not None else kind
            self._unsaved.remember(f"Not saved on '{shown}': {result.message}")
            self.status.clear()  # the refusal is beside the field; an older message is stale
            return
        self._unsaved.remember("")
        self.status.clear()
        self.refresh()
        messages[role].value = _message(result.message, "ok")

    @guarded()
    def _on_add_objective(self, _button: Any = None) -> None:
        name = self._new_objective.value
        if not name.strip():
            self._new_refused("Name: an objective needs a name.")
            return
        try:
            objective = self.model.add_objective(name)
        except ValueError as exc:
            self._new_refused(_sentence(exc))
            return
        self._new_objective.value = ""
        self._new_message.value = ""
        self._open = f"o{objective.id}"
        self.refresh()
        self.status.show(f"Added the objective '{objective.name}'.", "ok")

    @guarded()
    def _on_add_action(self, _button: Any = None) -> None:
        name = self._new_action.value
        if not name.strip():
            self._new_refused("Name: an action needs a name.")
            return
        objective_id = None
        if self._open.startswith("o"):
            objective_id = int(self._open[1:])
        elif self._open.startswith("a"):
            objective_id = self.model.store.get_action(int(self._open[1:])).objective_id
        try:
            action = self.model.add_action(name, objective_id)
        except ValueError as exc:
            self._new_refused(_sentence(exc))
            return
        self._new_action.value = ""
        self._new_message.value = ""
        self._open = f"a{action.id}"
        self.refresh()
        where = "unassigned actions"
        if objective_id is not None:
            where = f"'{self.model.store.get_objective(objective_id).name}'"
        self.status.show(f"Added the action '{action.name}' to {where}.", "ok")

    def _new_refused(self, message: str) -> None:
        """A name for a new item was refused: say why beside it, and only there."""
        for box in (self._new_objective, self._new_action):
            if not box.value.strip():
                box.value = ""  # blanks hide the placeholder
        self.status.clear()
        self._new_message.value = _message(message, "error")

    @guarded()
    def _on_move(self, step: int) -> None:
        if self._open.startswith("o"):
            if self.model.move_objective(int(self._open[1:]), step):
                self.refresh()
                self.status.clear()
            else:
                where = "first" if step < 0 else "last"
                self.status.show(f"This objective is already the {where} shown.", "info")

    @guarded()
    def _on_delete_objective(self, _button: Any = None) -> None:
        if not self._open.startswith("o"):
            return
        button = self._delete_objective
        if self._pending_delete != self._open:
            self._pending_delete = self._open
            button.description = "Confirm delete"
            self.status.show(
                "Delete this objective? Its actions move to the unassigned actions. "
                "Click 'Confirm delete' to go ahead.",
                "warning",
            )
            return
        self._pending_delete = ""
        button.description = "Delete objective"
        self.model.delete_objective(int(self._open[1:]))
        self._open = ""
        self.refresh()
        self.status.show("Deleted the objective; its actions are now unassigned.", "ok")

    @guarded()
    def _on_delete_action(self, _button: Any = None) -> None:
        if not self._open.startswith("a"):
            return
        self.model.delete_action(int(self._open[1:]))
        self._open = ""
        self.refresh()
        self.status.show("Deleted the action.", "ok")

    @guarded()
    def _on_link(self, _button: Any = None) -> None:
        if self._open.startswith("o") and self._link_choice.value:
            self.model.link(int(self._open[1:]), self._link_choice.value)
            self.refresh()
            self.status.show("Linked.", "ok")

    @guarded()
    def _on_unlink(self, _button: Any = None) -> None:
        if self._open.startswith("o") and self._unlink_choice.value:
            self.model.unlink(int(self._open[1:]), self._unlink_choice.value)
            self.refresh()
            self.status.show("Unlinked.", "ok")


def _on_enter(text: w.Text, callback: Any) -> None:
    """Call `callback` when Enter is pressed in `text` (the browser sends a submit event)."""

    def on_msg(_widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            callback()

    text.on_msg(on_msg)


def _choose(dropdown: w.Dropdown, value: Any) -> None:
    """Select `value` if it is a choice, else the first choice (None would show a blank)."""
    values = [o[1] if isinstance(o, tuple) else o for o in dropdown.options]
    dropdown.index = values.index(value) if value in values else 0


def _message(text: str, kind: str) -> str:
    colour = {"error": "#b71c1c", "ok": "#1b5e20"}.get(kind, "#555")
    icon = "⚠ " if kind == "error" else ""
    return (
        f"<div class='pk-field-message pk-field-message-{kind}' style='color:{colour};"
        f"font-size:12px;margin:-2px 0 4px 90px'>{icon}{esc(text)}</div>"
    )
