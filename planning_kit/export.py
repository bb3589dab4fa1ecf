"""Exports of a plan for other tools: Salesforce Data Loader CSVs and an iCalendar file.

`sf-opportunities` holds the qualified opportunities, `sf-tasks` the open actions (as Task
records) and `ics` every dated action as an all-day event. Every export is plain text built in
memory first, so a refusal never leaves half a file. CSV text cells go through `neutralise`
(formula injection); numbers and dates are written raw. A calendar is not a spreadsheet: its
text is written as typed, escaped by icalendar. An action whose due date lies outside the years
the store accepts (1900 to 2999; say a 9999-12-31 saved before that rule) gets no calendar
event, since a calendar cannot hold the day after it; the CSVs write such a date as stored.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TextIO

from icalendar import Calendar, Event

from .model import (
    Action,
    InvalidSalesforceId,
    Objective,
    Opportunity,
    Plan,
    Potential,
    TeamMember,
    day_problem,
    salesforce_id_18,
)
from .plan_types import Catalogue, load_plan_types
from .store import PlanNotFound, Store, StoreError

# A spreadsheet runs a cell that starts with one of these as a formula (or DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OPPORTUNITY_COLUMNS = ("AccountId", "Name", "StageName", "CloseDate", "Amount", "Description")
TASK_COLUMNS = ("Subject", "ActivityDate", "Status", "Priority", "WhatId", "Description", "Owner")
# An objective's priority as a Salesforce Task priority; unassigned actions are Normal.
TASK_PRIORITIES = {"High": "High", "Medium": "Normal", "Low": "Low"}
UNASSIGNED = "Unassigned"
_ACCOUNT_ORIGINS = {"report": "came from a report", "typed": "was typed in"}


class ExportError(Exception):
    """An export that cannot be written; the message says why and what to do."""


def neutralise(value: str) -> str:
    """The text with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def plain_number(value: float | None) -> str:
    """A number without thousands separators or exponent (1234567.5); '' when unknown."""
    if value is None:
        return ""
    if not math.isfinite(value):
        raise ExportError(f"{value} is not a number that can be exported")
    return format(Decimal(repr(float(value))).normalize(), "f")


def _plan(store: Store, plan_id: int) -> Plan:
    """The plan, or ExportError naming the id."""
    try:
        return store.get_plan(plan_id)
    except PlanNotFound:
        raise ExportError(f"no plan with id {plan_id}") from None


def salesforce_account_id(store: Store, plan: Plan) -> str:
    """The plan's account as a Salesforce AccountId; ExportError for a local (non-Salesforce) id."""
    try:
        if not plan.account_id.startswith("local-"):
            return salesforce_id_18(plan.account_id)
    except InvalidSalesforceId:
        pass
    raise _not_from_salesforce(store, plan.account_id)


def _not_from_salesforce(store: Store, account_id: str) -> ExportError:
    """The refusal for an account that was typed in or came from a report."""
    account = store.get_account(account_id)
    name = account.name if account else account_id
    unknown = "was typed in or came from a report"
    origin = _ACCOUNT_ORIGINS.get(account.source, unknown) if account else unknown
    return ExportError(
        f"account '{name}' has no Salesforce Id (it {origin}; its id here is {account_id}), "
        "and Data Loader needs a Salesforce AccountId. Import the account from a Salesforce "
        "export (Account.csv) first, then export again."
    )


def _division_name(store: Store, division_id: int | None) -> str:
    """A potential's row: the division's name, or 'Whole account'."""
    if division_id is None:
        return "Whole account"
    try:
        return store.get_division(division_id).name
    except StoreError:
        return f"division {division_id}"


def _solution_title(catalogue: Catalogue | None, solution_id: str) -> str:
    """The solution's title from the catalogue, or its id when the catalogue lacks it."""
    solution = catalogue.solution(solution_id) if catalogue else None
    return solution.title if solution else solution_id


def _cell_label(store: Store, cell: Potential, catalogue: Catalogue | None) -> str:
    """How a description names a potential: 'North × Standby Generators'."""
    division = _division_name(store, cell.division_id)
    return f"{division} × {_solution_title(catalogue, cell.solution_id)}"


def opportunity_origins(store: Store, plan_id: int, catalogue: Catalogue | None) -> dict[str, str]:
    """The label of the potential each linked opportunity belongs to, by opportunity id."""
    origins: dict[str, str] = {}
    for cell in store.potentials(plan_id):
        if cell.opportunity_ids:
            label = _cell_label(store, cell, catalogue)
            origins.update(dict.fromkeys(cell.opportunity_ids, label))
    return origins


def _description(plan: Plan, origin: str | None) -> str:
    """Where a qualified opportunity came from, in words."""
    text = f"Qualified in account plan '{plan.name}'"
    return f"{text} from potential {origin}" if origin else text


def _opportunity_row(
    opportunity: Opportunity, account_id: str, plan: Plan, origin: str | None
) -> list[str]:
    """One CSV row in OPPORTUNITY_COLUMNS order: text neutralised, number and date raw."""
    try:
        amount = plain_number(opportunity.amount)
    except ExportError as exc:
        raise ExportError(f"opportunity '{opportunity.name}': amount {exc}") from None
    return [
        neutralise(account_id),
        neutralise(opportunity.name),
        neutralise(opportunity.stage or ""),
        opportunity.close_date.isoformat() if opportunity.close_date else "",
        amount,
        neutralise(_description(plan, origin)),
    ]


def write_sf_opportunities(
    store: Store, plan_id: int, out: TextIO, catalogue: Catalogue | None = None
) -> int:
    """Write the plan's qualified opportunities as a Data Loader insert CSV; return the count."""
    plan = _plan(store, plan_id)
    account_id = salesforce_account_id(store, plan)
    if catalogue is None:
        catalogue = load_plan_types().catalogue
    origins = opportunity_origins(store, plan_id, catalogue)
    rows = [
        _opportunity_row(opportunity, account_id, plan, origins.get(opportunity.id))
        for opportunity in store.qualified_opportunities(plan_id)
    ]
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(OPPORTUNITY_COLUMNS)
    writer.writerows(rows)
    return len(rows)


@dataclass(frozen=True)
class ActionContext:
    """What an action's row needs besides the action: its objective and its owner."""

    action: Action
    objective: Objective | None
    owner: TeamMember | None

    @property
    def objective_name(self) -> str:
        """The objective's name, or 'Unassigned'."""
        return self.objective.name if self.objective else UNASSIGNED

    @property
    def description(self) -> str:
        """Objective line, owner line (when owned) and notes (when any), one per line."""
        lines = [f"Objective: {self.objective_name}"]
        if self.owner:
            lines.append(f"Owner: {self.owner.label}")
        if self.action.notes:
            lines.append(self.action.notes)
        return "\n".join(lines)


def plan_actions(store: Store, plan_id: int) -> list[ActionContext]:
    """The plan's actions in objective order (unassigned last), each with objective and owner."""
    objectives = store.objectives(plan_id)
    by_id = {objective.id: objective for objective in objectives}
    order = {objective.id: index for index, objective in enumerate(objectives)}
    members = {member.id: member for member in store.team(plan_id)}
    ranked = sorted(
        store.actions(plan_id),
        key=lambda a: (order.get(a.objective_id, len(order)), a.position, a.id or 0),
    )
    return [
        ActionContext(action, by_id.get(action.objective_id), members.get(action.owner_id))
        for action in ranked
    ]


def task_owner(member: TeamMember | None) -> str:
    """The Owner cell: the member's e-mail, else their name, else ''."""
    if member is None:
        return ""
    return member.email or member.name


def task_priority(objective: Objective | None) -> str:
    """The Salesforce Task priority for an action of this objective (Normal when unassigned)."""
    return TASK_PRIORITIES.get(objective.priority, "Normal") if objective else "Normal"


def _task_row(item: ActionContext, account_id: str) -> list[str]:
    """One CSV row in TASK_COLUMNS order: text neutralised, date raw."""
    due = item.action.due_date
    return [
        neutralise(item.action.name),
        due.isoformat() if due else "",
        "Not Started",
        task_priority(item.objective),
        neutralise(account_id),
        neutralise(item.description),
        neutralise(task_owner(item.owner)),
    ]


def write_sf_tasks(store: Store, plan_id: int, out: TextIO) -> int:
    """Write the plan's open actions as a Data Loader Task insert CSV; return the count."""
    plan = _plan(store, plan_id)
    account_id = salesforce_account_id(store, plan)
    rows = [
        _task_row(item, account_id) for item in plan_actions(store, plan_id) if item.action.is_open
    ]
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(TASK_COLUMNS)
    writer.writerows(rows)
    return len(rows)


def action_uid(action: Action) -> str:
    """The event's UID, stable across exports: action-<id>-plan-<plan id>@planning-kit."""
    return f"action-{action.id}-plan-{action.plan_id}@planning-kit"


def _action_event(item: ActionContext, due: date, stamp: datetime) -> Event:
    """One all-day event on the action's due date."""
    action = item.action
    event = Event()
    event.add("uid", action_uid(action))
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    summary = action.name if action.is_open else f"Done: {action.name}"
    event.add("summary", summary)
    event.add("description", item.description)
    event.add("categories", [item.objective_name])
    event.add("transp", "TRANSPARENT")
    return event


def calendar_day(item: ActionContext) -> date | None:
    """The day of the action's event: its due date, or None when undated or out of range."""
    due = item.action.due_date
    return due if due is not None and day_problem(due) is None else None


def write_ics(store: Store, plan_id: int, out: TextIO, now: datetime | None = None) -> int:
    """Write the plan's dated actions as an iCalendar file of all-day events; return the count."""
    plan = _plan(store, plan_id)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", f"-//planning-kit//Account plan {plan.id}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{plan.name} – actions")
    events = [
        _action_event(item, due, stamp)
        for item in plan_actions(store, plan_id)
        if (due := calendar_day(item)) is not None
    ]
    for event in events:
        calendar.add_component(event)
    out.write(calendar.to_ical().decode("utf-8"))
    return len(events)


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its writer and what its rows are called."""

    writer: Callable[[Store, int, TextIO], int]
    one: str
    many: str

    def rows(self, count: int) -> str:
        """The count in words: '1 opportunity', '3 opportunities'."""
        return f"{count} {self.one if count == 1 else self.many}"


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "sf-opportunities": ExportFormat(write_sf_opportunities, "opportunity", "opportunities"),
    "sf-tasks": ExportFormat(write_sf_tasks, "task", "tasks"),
    "ics": ExportFormat(write_ics, "action", "actions"),
}


def render(format_name: str, store: Store, plan_id: int) -> tuple[bytes, int]:
    """The export as UTF-8 bytes (no byte-order mark) and how many rows it holds."""
    export = EXPORT_FORMATS.get(format_name)
    if export is None:
        raise ExportError(f"unknown export format {format_name!r}; use {', '.join(EXPORT_FORMATS)}")
    buffer = io.StringIO(newline="")
    count = export.writer(store, plan_id, buffer)
    return buffer.getvalue().encode("utf-8"), count
