"""Exports: opportunities and tasks as Data Loader CSVs, actions as iCalendar, neutralising."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from planning_kit.cli import EXPORT_FORMAT_NAMES
from planning_kit.export import (
    EXPORT_FORMATS,
    FORMULA_PREFIXES,
    ExportError,
    neutralise,
    plain_number,
    render,
    write_ics,
    write_sf_opportunities,
    write_sf_tasks,
)
from planning_kit.model import (
    Account,
    Action,
    ImportBatch,
    InvalidRecord,
    Objective,
    Plan,
    TeamMember,
)
from planning_kit.store import Store
from planning_kit.tables import actions

ACCOUNT_ID = "001bm00001ZL8UEAA1"
HEADER = ["AccountId", "Name", "StageName", "CloseDate", "Amount", "Description"]


def seed_plan(store: Store, plan_name: str = "FY27 growth", **account: str) -> Plan:
    """A Salesforce account (or the given one) with an expansion plan."""
    fields = {"id": ACCOUNT_ID, "name": "United Oil & Gas Corp.", "source": "salesforce"}
    record = Account(**(fields | account))
    store.apply_import(ImportBatch(accounts=[record]))
    return store.create_plan(record.id, "expansion", plan_name)


def qualify(
    store: Store,
    plan: Plan,
    solution_id: str,
    name: str,
    *,
    division_id: int | None = None,
    planned: float | None = 250000.0,
    stage: str = "Prospecting",
    close_date: date = date(2027, 3, 31),
    **override: float,
) -> Plan:
    """Mark a cell as a potential (planned amount), then qualify it; the plan's new version."""
    plan, _ = store.set_potential(
        plan.id, plan.version, division_id, solution_id, status="potential", amount=planned
    )
    plan, _ = store.qualify_potential(
        plan.id,
        plan.version,
        division_id,
        solution_id,
        name=name,
        close_date=close_date,
        stage=stage,
        **override,
    )
    return plan


def export_rows(store: Store, plan_id: int) -> list[dict[str, str]]:
    """The export read back with DictReader, after checking its header."""
    data, count = render("sf-opportunities", store, plan_id)
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    assert reader.fieldnames == HEADER
    assert count == len(rows)
    return rows


# -- neutralise -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tTab", "\rReturn", "=", "-"],
)
def test_neutralise_prefixes_what_a_spreadsheet_would_run(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["", "Pumps", "a=b", "1+1", "'=already", "Müller – Ölraffinerie ☃", "email@x.org"]
)
def test_neutralise_leaves_other_text_alone(value: str) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0.0, "0"),
        (250000.0, "250000"),
        (1234567.5, "1234567.5"),
        (-2.0, "-2"),
        (1e16, "10000000000000000"),
        (0.1, "0.1"),
    ],
)
def test_plain_number_has_no_separator_or_exponent(value: float | None, text: str) -> None:
    assert plain_number(value) == text


def test_plain_number_refuses_not_a_number() -> None:
    with pytest.raises(ExportError, match="nan is not a number"):
        plain_number(float("nan"))


# -- the opportunities CSV ------------------------------------------------------------------


def test_empty_plan_exports_exactly_the_header(store: Store) -> None:
    plan = seed_plan(store)
    data, count = render("sf-opportunities", store, plan.id)
    assert count == 0
    assert data == b"AccountId,Name,StageName,CloseDate,Amount,Description\r\n"


def test_one_row_per_qualified_opportunity(store: Store) -> None:
    plan = seed_plan(store)
    north = store.add_division(ACCOUNT_ID, "North")
    plan = qualify(store, plan, "standby_generators", "Standby units", close_date=date(2027, 6, 30))
    plan = qualify(
        store, plan, "remote_monitoring", "Monitoring", division_id=north.id, planned=1234.5
    )
    plan, _ = store.set_potential(plan.id, plan.version, None, "installation", status="potential")

    assert export_rows(store, plan.id) == [
        {
            "AccountId": ACCOUNT_ID,
            "Name": "Monitoring",
            "StageName": "Prospecting",
            "CloseDate": "2027-03-31",
            "Amount": "1234.5",
            "Description": "Qualified in account plan 'FY27 growth' from potential "
            "North × Remote Monitoring",
        },
        {
            "AccountId": ACCOUNT_ID,
            "Name": "Standby units",
            "StageName": "Prospecting",
            "CloseDate": "2027-06-30",
            "Amount": "250000",
            "Description": "Qualified in account plan 'FY27 growth' from potential "
            "Whole account × Standby Generators",
        },
    ]


def test_only_this_plans_opportunities_are_exported(store: Store) -> None:
    plan = seed_plan(store)
    other = store.create_plan(ACCOUNT_ID, "expansion", "Other plan")
    qualify(store, other, "standby_generators", "Not ours")
    plan = qualify(store, plan, "standby_generators", "Ours")
    assert [row["Name"] for row in export_rows(store, plan.id)] == ["Ours"]


def test_unknown_solution_is_described_by_its_id(store: Store) -> None:
    plan = seed_plan(store)
    plan = qualify(store, plan, "retired_solution", "Old line")
    [row] = export_rows(store, plan.id)
    assert row["Description"].endswith("from potential Whole account × retired_solution")


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"])
def test_formula_names_are_neutralised(store: Store, name: str) -> None:
    plan = seed_plan(store)
    plan = qualify(store, plan, "standby_generators", name)
    [row] = export_rows(store, plan.id)
    assert row["Name"] == "'" + name


@pytest.mark.parametrize("stage", ["=1+2", "+1", "-2", "@SUM(A1)", "\tProspecting", "\rWon"])
def test_formula_stages_are_neutralised(store: Store, stage: str) -> None:
    plan = seed_plan(store)
    plan = qualify(store, plan, "standby_generators", "Units", stage=stage)
    [row] = export_rows(store, plan.id)
    assert row["StageName"] == "'" + stage


def test_store_collapses_whitespace_in_names_so_a_leading_tab_is_gone(store: Store) -> None:
    plan = seed_plan(store)
    plan = qualify(store, plan, "standby_generators", "\t=1+2")
    [row] = export_rows(store, plan.id)
    assert row["Name"] == "'=1+2"


@pytest.mark.parametrize(("amount", "text"), [(-2.0, "-2"), (1.5, "1.5"), (None, "")])
def test_amounts_are_written_raw(store: Store, amount: float | None, text: str) -> None:
    plan = seed_plan(store)
    override = {} if amount is None else {"amount": amount}
    plan = qualify(store, plan, "standby_generators", "Units", planned=None, **override)
    [row] = export_rows(store, plan.id)
    assert row["Amount"] == text
    assert row["CloseDate"] == "2027-03-31"


def test_commas_quotes_and_newlines_round_trip(store: Store) -> None:
    plan = seed_plan(store, 'Plan "A", phase 2')
    plan = qualify(store, plan, "standby_generators", 'Pumps, "large"')
    [row] = export_rows(store, plan.id)
    assert row["Name"] == 'Pumps, "large"'
    assert row["Description"].startswith("Qualified in account plan 'Plan \"A\", phase 2'")


def test_non_ascii_text_is_utf8_without_bom(store: Store) -> None:
    name = "Müller – Ölraffinerie ☃"
    plan = seed_plan(store, "Plan für Köln")
    south = store.add_division(ACCOUNT_ID, "Süd")
    plan = qualify(store, plan, "standby_generators", name, division_id=south.id)
    data, _ = render("sf-opportunities", store, plan.id)
    assert data.startswith(b"AccountId,")
    assert name.encode("utf-8") in data
    [row] = export_rows(store, plan.id)
    assert row["Name"] == name
    assert row["Description"] == (
        "Qualified in account plan 'Plan für Köln' from potential Süd × Standby Generators"
    )


@pytest.mark.parametrize(("source", "origin"), [("typed", "typed in"), ("report", "a report")])
def test_local_account_is_refused(store: Store, source: str, origin: str) -> None:
    plan = seed_plan(store, id="local-0123456789ab", name="Hand Made Ltd", source=source)
    plan = qualify(store, plan, "standby_generators", "Units")
    with pytest.raises(ExportError) as exc:
        render("sf-opportunities", store, plan.id)
    message = str(exc.value)
    assert "Data Loader needs a Salesforce AccountId" in message
    assert "'Hand Made Ltd'" in message and origin in message
    assert "Import the account from a Salesforce export" in message


def test_unknown_plan_is_refused(store: Store) -> None:
    with pytest.raises(ExportError, match="^no plan with id 999$"):
        render("sf-opportunities", store, 999)


def test_a_refusal_writes_nothing(store: Store) -> None:
    plan = seed_plan(store, id="local-0123456789ab", name="Hand Made Ltd")
    out = io.StringIO()
    with pytest.raises(ExportError):
        write_sf_opportunities(store, plan.id, out)
    assert out.getvalue() == ""


def test_unknown_format_is_refused(store: Store) -> None:
    plan = seed_plan(store)
    with pytest.raises(
        ExportError, match="^unknown export format 'xlsx'; use sf-opportunities, sf-tasks, ics$"
    ):
        render("xlsx", store, plan.id)


def test_cli_choices_match_the_export_formats() -> None:
    assert list(EXPORT_FORMAT_NAMES) == list(EXPORT_FORMATS)


@pytest.mark.parametrize(
    ("format_name", "count", "words"),
    [
        ("sf-opportunities", 0, "0 opportunities"),
        ("sf-opportunities", 1, "1 opportunity"),
        ("sf-tasks", 0, "0 tasks"),
        ("sf-tasks", 1, "1 task"),
        ("ics", 0, "0 actions"),
        ("ics", 2, "2 actions"),
    ],
)
def test_row_counts_in_words(format_name: str, count: int, words: str) -> None:
    assert EXPORT_FORMATS[format_name].rows(count) == words


# -- actions: shared seeding ----------------------------------------------------------------

TASK_HEADER = ["Subject", "ActivityDate", "Status", "Priority", "WhatId", "Description", "Owner"]
NOW = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)


class PlanBuilder:
    """Adds members, objectives and actions to one plan, keeping track of its version."""

    def __init__(self, store: Store, plan: Plan) -> None:
        self.store = store
        self.plan = plan

    def member(self, name: str, email: str | None = None, role: str = "Engineer") -> TeamMember:
        self.plan, member = self.store.add_member(
            self.plan.id, self.plan.version, name, role, email
        )
        return member

    def leave(self, member: TeamMember) -> None:
        self.plan, _ = self.store.remove_member(self.plan.id, self.plan.version, member.id)

    def objective(self, name: str = "Grow pumps", priority: str = "Medium") -> Objective:
        self.plan, objective = self.store.add_objective(
            self.plan.id, self.plan.version, name=name, type="Relationship", priority=priority
        )
        return objective

    def action(
        self,
        name: str = "Call the buyer",
        objective: Objective | None = None,
        owner: TeamMember | None = None,
        **fields: object,
    ) -> Action:
        self.plan, action = self.store.add_action(
            self.plan.id,
            self.plan.version,
            objective_id=objective.id if objective else None,
            name=name,
            owner_id=owner.id if owner else None,
            **fields,
        )
        return action


def builder(store: Store, plan_name: str = "FY27 growth", **account: str) -> PlanBuilder:
    """A plan on a Salesforce account (or the given one), ready for actions."""
    return PlanBuilder(store, seed_plan(store, plan_name, **account))


def task_rows(store: Store, plan_id: int) -> list[dict[str, str]]:
    """The sf-tasks export read back with DictReader, after checking header and count."""
    data, count = render("sf-tasks", store, plan_id)
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    assert reader.fieldnames == TASK_HEADER
    assert count == len(rows)
    return rows


def calendar_of(store: Store, plan_id: int, now: datetime = NOW) -> tuple[Calendar, bytes]:
    """The ics export parsed back with icalendar, and its bytes."""
    out = io.StringIO(newline="")
    count = write_ics(store, plan_id, out, now=now)
    data = out.getvalue().encode("utf-8")
    calendar = Calendar.from_ical(data)
    assert len(calendar.walk("VEVENT")) == count
    return calendar, data


def events_of(store: Store, plan_id: int) -> list:
    """The VEVENTs of the plan's ics export."""
    calendar, _ = calendar_of(store, plan_id)
    return calendar.walk("VEVENT")


# -- the tasks CSV --------------------------------------------------------------------------


def test_tasks_of_an_empty_plan_are_exactly_the_header(store: Store) -> None:
    plan = seed_plan(store)
    data, count = render("sf-tasks", store, plan.id)
    assert count == 0
    assert data == b"Subject,ActivityDate,Status,Priority,WhatId,Description,Owner\r\n"


def test_one_task_row_per_open_action(store: Store) -> None:
    plan = builder(store)
    anna = plan.member("Anna Berg", "anna@example.com", role="Solution Engineer")
    goal = plan.objective("Grow pumps", priority="High")
    plan.action("Book the site visit", goal, anna, due_date=date(2027, 3, 5), notes="Bring hats")
    plan.action("Send the quote", goal, status="done")
    plan.action("Find a sponsor")

    assert task_rows(store, plan.plan.id) == [
        {
            "Subject": "Book the site visit",
            "ActivityDate": "2027-03-05",
            "Status": "Not Started",
            "Priority": "High",
            "WhatId": ACCOUNT_ID,
            "Description": "Objective: Grow pumps\nOwner: Anna Berg (Solution Engineer)\n"
            "Bring hats",
            "Owner": "anna@example.com",
        },
        {
            "Subject": "Find a sponsor",
            "ActivityDate": "",
            "Status": "Not Started",
            "Priority": "Normal",
            "WhatId": ACCOUNT_ID,
            "Description": "Objective: Unassigned",
            "Owner": "",
        },
    ]


def test_done_actions_are_not_tasks(store: Store) -> None:
    plan = builder(store)
    goal = plan.objective()
    plan.action("Already done", goal, status="done", due_date=date(2027, 2, 1))
    plan.action("Still open", goal, due_date=date(2027, 2, 1))
    data, count = render("sf-tasks", store, plan.plan.id)
    assert count == 1
    assert b"Already done" not in data
    assert [row["Subject"] for row in task_rows(store, plan.plan.id)] == ["Still open"]


def test_only_this_plans_actions_are_tasks(store: Store) -> None:
    plan = builder(store)
    other = PlanBuilder(store, store.create_plan(ACCOUNT_ID, "expansion", "Other plan"))
    other.action("Not ours")
    plan.action("Ours")
    assert [row["Subject"] for row in task_rows(store, plan.plan.id)] == ["Ours"]


@pytest.mark.parametrize(
    ("priority", "task_priority"), [("High", "High"), ("Medium", "Normal"), ("Low", "Low")]
)
def test_objective_priority_maps_to_task_priority(
    store: Store, priority: str, task_priority: str
) -> None:
    plan = builder(store)
    plan.action("Call", plan.objective(priority=priority))
    [row] = task_rows(store, plan.plan.id)
    assert row["Priority"] == task_priority


def test_unassigned_actions_have_normal_priority_and_say_so(store: Store) -> None:
    plan = builder(store)
    plan.objective(priority="High")
    plan.action("Unassigned call")
    [row] = task_rows(store, plan.plan.id)
    assert row["Priority"] == "Normal"
    assert row["Description"] == "Objective: Unassigned"


def test_tasks_follow_the_objectives_order_with_unassigned_last(store: Store) -> None:
    plan = builder(store)
    first, second = plan.objective("First"), plan.objective("Second")
    plan.action("Loose end")
    plan.action("Second a", second)
    plan.action("First a", first)
    plan.action("First b", first)
    subjects = [row["Subject"] for row in task_rows(store, plan.plan.id)]
    assert subjects == ["First a", "First b", "Second a", "Loose end"]


@pytest.mark.parametrize(
    ("name", "email", "owner"),
    [
        ("Anna Berg", "anna@example.com", "anna@example.com"),
        ("Zoë Ölberg", None, "Zoë Ölberg"),
    ],
)
def test_task_owner_is_the_email_else_the_name(
    store: Store, name: str, email: str | None, owner: str
) -> None:
    plan = builder(store)
    member = plan.member(name, email)
    plan.action("Call", owner=member)
    [row] = task_rows(store, plan.plan.id)
    assert row["Owner"] == owner
    assert row["Description"] == f"Objective: Unassigned\nOwner: {name} (Engineer)"


def test_unowned_task_has_an_empty_owner(store: Store) -> None:
    plan = builder(store)
    plan.member("Anna Berg", "anna@example.com")
    plan.action("Call")
    [row] = task_rows(store, plan.plan.id)
    assert row["Owner"] == ""
    assert "Owner:" not in row["Description"]


@pytest.mark.parametrize(
    ("email", "owner"), [("ben@example.com", "ben@example.com"), (None, "Ben")]
)
def test_former_members_still_own_their_tasks(store: Store, email: str | None, owner: str) -> None:
    plan = builder(store)
    ben = plan.member("Ben", email)
    plan.action("Call", owner=ben)
    plan.leave(ben)
    [row] = task_rows(store, plan.plan.id)
    assert row["Owner"] == owner
    assert row["Description"] == "Objective: Unassigned\nOwner: Ben (former member)"


INJECTIONS = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_task_subject_and_owner_name_are_neutralised(store: Store, text: str) -> None:
    plan = builder(store)
    member = plan.member(text)
    plan.action(text, plan.objective(text), member, notes=f"\t{text}\n\t{text}")
    [row] = task_rows(store, plan.plan.id)
    assert row["Subject"] == "'" + text
    assert row["Owner"] == "'" + text
    # the notes are trimmed as a whole; a tab inside them is kept
    assert row["Description"] == (f"Objective: {text}\nOwner: {text} (Engineer)\n{text}\n\t{text}")
    assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row.values())


@pytest.mark.parametrize("email", ["=cmd@example.com", "+1@example.com", "-2@example.com"])
def test_task_owner_email_is_neutralised(store: Store, email: str) -> None:
    plan = builder(store)
    plan.action("Call", owner=plan.member("Anna", email))
    [row] = task_rows(store, plan.plan.id)
    assert row["Owner"] == "'" + email


def test_task_cells_with_commas_quotes_and_newlines_round_trip(store: Store) -> None:
    plan = builder(store)
    plan.action('Pumps, "large"', notes='line one\nline "two", end')
    [row] = task_rows(store, plan.plan.id)
    assert row["Subject"] == 'Pumps, "large"'
    assert row["Description"] == 'Objective: Unassigned\nline one\nline "two", end'


def test_tasks_non_ascii_is_utf8_without_bom(store: Store) -> None:
    text = "Zoë – Ölraffinerie ☃"
    plan = builder(store)
    plan.action(text, plan.objective(text), plan.member(text), notes=text)
    data, _ = render("sf-tasks", store, plan.plan.id)
    assert data.startswith(b"Subject,")
    assert text.encode("utf-8") in data
    [row] = task_rows(store, plan.plan.id)
    assert row["Subject"] == row["Owner"] == text
    assert row["Description"] == f"Objective: {text}\nOwner: {text} (Engineer)\n{text}"


@pytest.mark.parametrize(("source", "origin"), [("typed", "typed in"), ("report", "a report")])
def test_tasks_of_a_local_account_are_refused(store: Store, source: str, origin: str) -> None:
    plan = builder(store, id="local-0123456789ab", name="Hand Made Ltd", source=source)
    plan.action("Call")
    with pytest.raises(ExportError) as exc:
        render("sf-tasks", store, plan.plan.id)
    message = str(exc.value)
    assert "Data Loader needs a Salesforce AccountId" in message
    assert "'Hand Made Ltd'" in message and origin in message


def test_a_task_refusal_writes_nothing(store: Store) -> None:
    plan = builder(store, id="local-0123456789ab", name="Hand Made Ltd")
    plan.action("Call")
    out = io.StringIO()
    with pytest.raises(ExportError):
        write_sf_tasks(store, plan.plan.id, out)
    assert out.getvalue() == ""


@pytest.mark.parametrize("format_name", ["sf-tasks", "ics"])
def test_unknown_plan_is_refused_by_the_action_formats(store: Store, format_name: str) -> None:
    with pytest.raises(ExportError, match="^no plan with id 999$"):
        render(format_name, store, 999)


# -- the actions calendar -------------------------------------------------------------------


def test_calendar_of_an_empty_plan_has_its_properties_and_no_events(store: Store) -> None:
    plan = seed_plan(store, "Zoë – Ölraffinerie ☃")
    data, count = render("ics", store, plan.id)
    assert count == 0
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    calendar = Calendar.from_ical(data)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == f"-//planning-kit//Account plan {plan.id}//EN"
    assert str(calendar["X-WR-CALNAME"]) == "Zoë – Ölraffinerie ☃ – actions"


def test_one_all_day_event_per_dated_action(store: Store) -> None:
    plan = builder(store)
    anna = plan.member("Anna Berg", "anna@example.com")
    goal = plan.objective("Grow pumps")
    visit = plan.action("Site visit", goal, anna, due_date=date(2027, 3, 5), notes="Hats")
    plan.action("Someday", goal)
    quote = plan.action("Send quote", due_date=date(2027, 12, 31), status="done")

    calendar, data = calendar_of(store, plan.plan.id)
    events = calendar.walk("VEVENT")

    assert [str(event["SUMMARY"]) for event in events] == ["Site visit", "Done: Send quote"]
    assert b"DTSTART;VALUE=DATE:20270305\r\n" in data
    assert b"DTEND;VALUE=DATE:20270306\r\n" in data
    assert b"DTSTART;VALUE=DATE:20271231\r\n" in data
    assert b"DTEND;VALUE=DATE:20280101\r\n" in data
    first, second = events
    assert first.decoded("DTSTART") == date(2027, 3, 5)
    assert first.decoded("DTEND") == date(2027, 3, 6)
    assert second.decoded("DTEND") == date(2028, 1, 1)
    assert str(first["UID"]) == f"action-{visit.id}-plan-{plan.plan.id}@planning-kit"
    assert str(second["UID"]) == f"action-{quote.id}-plan-{plan.plan.id}@planning-kit"
    assert first.decoded("DTSTAMP") == NOW
    assert str(first["DESCRIPTION"]) == "Objective: Grow pumps\nOwner: Anna Berg (Engineer)\nHats"
    assert [str(c) for c in first["CATEGORIES"].cats] == ["Grow pumps"]
    assert [str(c) for c in second["CATEGORIES"].cats] == ["Unassigned"]


def store_due_date(store: Store, action: Action, day: date) -> None:
    """Put a due date straight into the database, as a store without the range check did."""
    with store.engine.begin() as conn:
        conn.execute(actions.update().where(actions.c.id == action.id).values(due_date=day))


def test_a_due_date_of_9999_12_31_is_refused_before_it_reaches_the_calendar(
    store: Store,
) -> None:
    plan = builder(store)
    with pytest.raises(InvalidRecord, match="^due date: 9999-12-31 is out of range"):
        plan.action("Someday", due_date=date(9999, 12, 31))
    _, count = render("ics", store, plan.plan.id)
    assert count == 0


@pytest.mark.parametrize(
    "day", [date(9999, 12, 31), date(3000, 1, 1), date(1, 1, 1)], ids=["max", "3000", "min"]
)
def test_a_stored_out_of_range_due_date_gets_no_event_and_no_traceback(
    store: Store, day: date
) -> None:
    """Saved before dates were checked: the calendar leaves that action out, the rest is written."""
    plan = builder(store)
    someday = plan.action("Someday")
    plan.action("Site visit", due_date=date(2027, 3, 5))
    plan.action("Last day", due_date=date(2999, 12, 31))
    store_due_date(store, someday, day)

    data, count = render("ics", store, plan.plan.id)

    events = Calendar.from_ical(data).walk("VEVENT")
    assert count == 2 == len(events)
    assert [str(event["SUMMARY"]) for event in events] == ["Site visit", "Last day"]
    assert b"DTEND;VALUE=DATE:30000101\r\n" in data
    # the task CSV writes the date as stored
    [row, _, _] = task_rows(store, plan.plan.id)
    assert (row["Subject"], row["ActivityDate"]) == ("Someday", day.isoformat())


def test_calendar_uids_are_stable_across_exports(store: Store) -> None:
    plan = builder(store)
    plan.action("One", due_date=date(2027, 3, 5))
    plan.action("Two", due_date=date(2027, 3, 6))
    first, _ = calendar_of(store, plan.plan.id, now=NOW)
    second, _ = calendar_of(store, plan.plan.id, now=datetime(2027, 6, 1, tzinfo=UTC))
    uids = [str(event["UID"]) for event in first.walk("VEVENT")]
    assert uids == [str(event["UID"]) for event in second.walk("VEVENT")]
    assert len(set(uids)) == 2


def test_calendar_stamp_is_utc_now_by_default(store: Store) -> None:
    plan = builder(store)
    plan.action("One", due_date=date(2027, 3, 5))
    before = datetime.now(UTC).replace(microsecond=0)
    data, count = render("ics", store, plan.plan.id)
    after = datetime.now(UTC)
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert count == 1
    assert before <= event.decoded("DTSTAMP") <= after
    assert re.search(rb"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", data)


def test_calendar_of_a_local_account_is_written(store: Store) -> None:
    plan = builder(store, id="local-0123456789ab", name="Hand Made Ltd", source="typed")
    plan.action("Call", due_date=date(2027, 3, 5))
    assert len(events_of(store, plan.plan.id)) == 1


@pytest.mark.parametrize("text", INJECTIONS)
def test_calendar_text_is_kept_as_typed(store: Store, text: str) -> None:
    """A calendar is not a spreadsheet: its text is written as typed (escaped by icalendar)."""
    plan = builder(store, text)
    notes = f"{text}\n\t{text}"  # notes are trimmed as a whole when saved; inner tabs stay
    plan.action(text, plan.objective(text), due_date=date(2027, 3, 5), notes=notes)
    calendar, _ = calendar_of(store, plan.plan.id)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == text
    assert str(event["DESCRIPTION"]) == f"Objective: {text}\n{notes}"
    assert [str(c) for c in event["CATEGORIES"].cats] == [text]
    assert str(calendar["X-WR-CALNAME"]) == f"{text} – actions"


def test_calendar_non_ascii_round_trips(store: Store) -> None:
    text = "Zoë – Ölraffinerie ☃"
    plan = builder(store)
    long_name = f"{text}, {text}; {text} {text}"
    owner = plan.member(text)
    plan.action(long_name, plan.objective(text), owner, due_date=date(2027, 3, 5), notes=text)
    data, count = render("ics", store, plan.plan.id)
    assert count == 1
    assert not data.startswith(b"\xef\xbb\xbf")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    [event] = Calendar.from_ical(data.decode("utf-8")).walk("VEVENT")
    assert str(event["SUMMARY"]) == long_name
    assert str(event["DESCRIPTION"]) == f"Objective: {text}\nOwner: {text} (Engineer)\n{text}"
    assert [str(c) for c in event["CATEGORIES"].cats] == [text]
