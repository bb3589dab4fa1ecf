"""Domain records: Salesforce Ids, timings, potentials, revenue targets and their messages."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from planning_kit.model import (
    FIRST_DAY,
    LAST_DAY,
    TIMING_FORMS,
    Action,
    Division,
    InvalidRecord,
    InvalidSalesforceId,
    Objective,
    Opportunity,
    Potential,
    RevenueTarget,
    TeamMember,
    clean_line,
    clean_text,
    day_problem,
    make_record,
    parse_timing,
    revise_record,
    salesforce_id_18,
    stored_record,
    timing_date,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("001bm00001ZL8U9", "001bm00001ZL8U9AAL"),
        ("001bm00001ZL8UA", "001bm00001ZL8UAAA1"),
        ("001bm00001ZL8UAAA1", "001bm00001ZL8UAAA1"),
        ("001bm00001zl8uaaa1", "001bm00001ZL8UAAA1"),  # lower-cased on the way: case restored
        ("001BM00001ZL8UAAA1", "001bm00001ZL8UAAA1"),
        ("001bm00001ZMa9pAAD".lower(), "001bm00001ZMa9pAAD"),
        (" 003bm00000zapth ", "003bm00000zapthAAA"),
    ],
)
def test_ids_normalise_to_18_characters(given, expected):
    assert salesforce_id_18(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("001bm00001ZL8UAAA2", "'001bm00001ZL8UAAA2' has a wrong checksum (expected ...AA1)"),
        ("001bm00001ZL8", "'001bm00001ZL8' is not a Salesforce Id (15 or 18 letters and digits)"),
        ("<script>", "'<script>' is not a Salesforce Id (15 or 18 letters and digits)"),
    ],
)
def test_bad_ids_are_refused_with_the_reason(given, message):
    with pytest.raises(InvalidSalesforceId) as caught:
        salesforce_id_18(given)
    assert str(caught.value) == message


# -- timings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("2027-Q1", "2027-Q1"),
        ("2027Q3", "2027-Q3"),
        ("2027 - q4", "2027-Q4"),
        ("Q1 2027", "2027-Q1"),
        ("q2-2027", "2027-Q2"),
        ("  Q1   2027 ", "2027-Q1"),
        ("2027-03-31", "2027-03-31"),
        ("2028-02-29", "2028-02-29"),  # a leap day
        (date(2027, 3, 31), "2027-03-31"),
        (datetime(2027, 3, 31, 17, 30), "2027-03-31"),
    ],
)
def test_parse_timing_normalises_quarters_and_dates(given, stored):
    assert parse_timing(given) == stored


@pytest.mark.parametrize(
    "given",
    ["next year", "2027-Q5", "2027-Q0", "Q1", "27-Q1", "2027-13-01", "2027-02-29", "2027-3-31",
     "31/03/2027", "2027-03-31T00:00", "2027-Q1-Q2", "2027"],
)  # fmt: skip
def test_parse_timing_refuses_other_text_naming_the_accepted_forms(given):
    with pytest.raises(ValueError) as caught:
        parse_timing(given)
    assert str(caught.value) == f"'{given}' is not a timing: use {TIMING_FORMS}"


def test_parse_timing_shortens_a_long_bad_value_in_its_message():
    with pytest.raises(ValueError) as caught:
        parse_timing("x" * 500)
    assert str(caught.value).startswith(f"'{'x' * 40}' is not a timing")


@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        (None, None),
        ("", None),
        ("2027-Q1", date(2027, 3, 31)),
        ("2027-Q2", date(2027, 6, 30)),
        ("2027-Q3", date(2027, 9, 30)),
        ("2027-Q4", date(2027, 12, 31)),
        ("2028-Q1", date(2028, 3, 31)),
        ("2027-03-31", date(2027, 3, 31)),
        ("2028-02-29", date(2028, 2, 29)),
    ],
)
def test_timing_date_counts_a_quarter_at_its_last_day(timing, expected):
    assert timing_date(timing) == expected


@pytest.mark.parametrize("given", ["Q3 2027", "2027-09-30"])
def test_timing_date_round_trips_what_parse_timing_stores(given):
    assert timing_date(parse_timing(given)) == date(2027, 9, 30)


# -- potentials ----------------------------------------------------------------------------


def test_potential_normalises_its_timing():
    assert Potential(plan_id=1, solution_id="s", timing="q1 2027").timing == "2027-Q1"


@pytest.mark.parametrize(
    ("fields", "empty"),
    [
        ({}, True),
        ({"notes": "   "}, True),
        ({"status": "potential"}, False),
        ({"status": "won"}, False),
        ({"status": "blocked", "blocked_reason": "not applicable"}, False),
        ({"amount": 0}, False),
        ({"amount": 10.5}, False),
        ({"timing": "2027-Q1"}, False),
        ({"notes": "ask the CIO"}, False),
        ({"opportunity_ids": ["006000000000001AAA"]}, False),
    ],
)
def test_potential_is_empty_only_when_nothing_is_planned_noted_or_linked(fields, empty):
    assert Potential(plan_id=1, solution_id="s", **fields).is_empty is empty


@pytest.mark.parametrize("reason", ["", "  \t "])
def test_a_blocked_potential_needs_a_reason(reason):
    with pytest.raises(ValidationError, match="a blocked cell needs a reason"):
        Potential(plan_id=1, solution_id="s", status="blocked", blocked_reason=reason)
    # The reason is only required while blocked.
    assert Potential(plan_id=1, solution_id="s", blocked_reason=reason).status == "whitespace"


# -- revenue targets -----------------------------------------------------------------------


def period(start: str, end: str) -> RevenueTarget:
    """A revenue target for the period from start to end (inclusive)."""
    return RevenueTarget(
        plan_id=1,
        label=f"{start}..{end}",
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        amount=1,
    )


@pytest.mark.parametrize(
    ("other", "overlaps"),
    [
        (("2027-01-01", "2027-03-31"), True),  # identical
        (("2026-12-01", "2027-01-01"), True),  # ends on its first day
        (("2027-03-31", "2027-04-30"), True),  # starts on its last day
        (("2026-01-01", "2027-12-31"), True),  # contains it
        (("2027-02-01", "2027-02-01"), True),  # one day inside it
        (("2026-10-01", "2026-12-31"), False),  # the day before it starts
        (("2027-04-01", "2027-06-30"), False),  # the day after it ends
        (("2028-01-01", "2028-03-31"), False),  # far away
    ],
)
def test_revenue_target_overlaps_when_periods_share_a_day(other, overlaps):
    q1 = period("2027-01-01", "2027-03-31")
    assert q1.overlaps(period(*other)) is overlaps
    assert period(*other).overlaps(q1) is overlaps  # either way round


def test_a_revenue_target_may_not_end_before_it_starts():
    with pytest.raises(ValidationError, match=r"ends \(2027-01-01\) before it starts"):
        period("2027-03-31", "2027-01-01")
    assert period("2027-03-31", "2027-03-31").overlaps(period("2027-03-31", "2027-03-31"))


# -- make_record messages ------------------------------------------------------------------

TARGET = {
    "plan_id": 1,
    "label": "FY27 Q1",
    "start_date": "2027-01-01",
    "end_date": "2027-03-31",
    "amount": 100,
}


@pytest.mark.parametrize(
    ("model", "values", "field", "message"),
    [
        (RevenueTarget, TARGET | {"label": ""}, "label", "label: must not be empty"),
        (RevenueTarget, TARGET | {"amount": -1}, "amount", "amount: must be at least 0"),
        (RevenueTarget, TARGET | {"amount": "lots"}, "amount", "amount: 'lots' is not a number"),
        (
            RevenueTarget,
            TARGET | {"start_date": "2027-13-01"},
            "start_date",
            "start date: '2027-13-01' is not a date (use YYYY-MM-DD)",
        ),
        (
            RevenueTarget,
            TARGET | {"end_date": "2027-01-01", "start_date": "2027-03-31"},
            "",
            "the period ends (2027-01-01) before it starts (2027-03-31)",
        ),
        (
            Potential,
            {"plan_id": 1, "solution_id": "s", "timing": "soon"},
            "timing",
            f"timing: 'soon' is not a timing: use {TIMING_FORMS}",
        ),
        (
            Potential,
            {"plan_id": 1, "solution_id": "s", "status": "blocked"},
            "",
            "a blocked cell needs a reason, such as 'competitor under contract until 2027-06' "
            "or 'not applicable'",
        ),
        (
            Potential,
            {"plan_id": 1, "solution_id": "s", "amount": -0.01},
            "amount",
            "amount: must be at least 0",
        ),
        (
            Potential,
            {"plan_id": 1, "solution_id": "s", "status": "maybe"},
            "status",
            "status: 'maybe' is not allowed; use "
            "'whitespace', 'potential', 'current', 'won' or 'blocked'",
        ),
        (
            Opportunity,
            {"id": "o", "account_id": "a", "name": "Deal", "close_date": "31/03/2027"},
            "close_date",
            "close date: '31/03/2027' is not a date (use YYYY-MM-DD)",
        ),
        (
            Division,
            {"account_id": "a", "name": "Europe", "colour": "red"},
            "colour",
            "colour: Extra inputs are not permitted",
        ),
    ],
)
def test_make_record_names_the_field_first_in_plain_words(model, values, field, message):
    with pytest.raises(InvalidRecord) as caught:
        make_record(model, **values)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert str(caught.value).startswith(message)
    assert "Value error" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_make_record_returns_the_record_when_it_is_valid():
    built = make_record(RevenueTarget, **TARGET)
    assert built == RevenueTarget(**TARGET)
    assert (built.start_date, built.amount) == (date(2027, 1, 1), 100.0)


# -- objectives and actions: dates in range, text cleaned ------------------------------------

RANGE = "is out of range; use a date from 1900-01-01 to 2999-12-31"


@pytest.mark.parametrize(
    ("model", "values", "field", "message"),
    [
        (
            Objective,
            {"plan_id": 1, "name": "Grow", "type": "Research", "due_date": date(9999, 12, 31)},
            "due_date",
            f"due date: 9999-12-31 {RANGE}",
        ),
        (
            Action,
            {"plan_id": 1, "name": "Call", "due_date": "1899-12-31"},
            "due_date",
            f"due date: 1899-12-31 {RANGE}",
        ),
        (
            Action,
            {"plan_id": 1, "name": "Call", "status": "done", "completed_on": date(3000, 1, 1)},
            "completed_on",
            f"completed on: 3000-01-01 {RANGE}",
        ),
    ],
    ids=["objective-due", "action-due", "action-completed"],
)
def test_dates_of_objectives_and_actions_are_bounded(model, values, field, message):
    with pytest.raises(InvalidRecord) as caught:
        make_record(model, **values)
    assert (caught.value.field, str(caught.value)) == (field, message)
    with pytest.raises(ValidationError, match=RANGE):
        model(**values)


def test_the_date_range_is_1900_to_2999():
    assert (FIRST_DAY.isoformat(), LAST_DAY.isoformat()) == ("1900-01-01", "2999-12-31")


@pytest.mark.parametrize("day", [FIRST_DAY, LAST_DAY, date(2027, 3, 31)])
def test_days_in_range_have_no_problem(day):
    assert day_problem(day) is None
    assert make_record(Action, plan_id=1, name="Call", due_date=day).due_date == day


def test_a_stored_record_is_read_as_saved_and_its_kept_dates_survive_a_revision():
    far = date(9999, 12, 31)
    stored = stored_record(Action, {"plan_id": 1, "name": "Call", "due_date": far})
    assert stored.due_date == far
    renamed = revise_record(stored, name="Call again")
    assert (renamed.name, renamed.due_date) == ("Call again", far)
    with pytest.raises(InvalidRecord, match=f"^due date: 9998-01-01 {RANGE}$"):
        revise_record(stored, due_date=date(9998, 1, 1))
    assert revise_record(stored, due_date=None).due_date is None


@pytest.mark.parametrize(
    ("given", "line", "text"),
    [
        ("objectives\x00", "objectives", "objectives"),
        ("  Grow \t the\x07 base \r\n", "Grow the base", "Grow \t the base"),
        ("Line one\r\nLine two\rthree\x1b", "Line one Line two three", "Line one\nLine two\nthree"),
        ("\x00\x7f\x85", "", ""),
        (None, "", ""),
    ],
    ids=["nul", "spaces-and-bell", "line-breaks", "only-controls", "none"],
)
def test_clean_line_and_clean_text(given, line, text):
    assert clean_line(given) == line
    assert clean_text(given) == text


def test_objective_action_and_member_text_is_cleaned():
    objective = make_record(
        Objective,
        plan_id=1,
        name=" objectives\x00",
        type="Research ",
        metric=" Signed\x00 order ",
        description="\n Why\r\n  and how \x00",
        strategy=" Pilot first\t",
    )
    assert (objective.name, objective.type, objective.metric) == (
        "objectives",
        "Research",
        "Signed order",
    )
    assert (objective.description, objective.strategy) == ("Why\n  and how", "Pilot first")
    action = make_record(Action, plan_id=1, name="Call\x00 ", notes=" Mornings\x00 ")
    assert (action.name, action.notes) == ("Call", "Mornings")
    member = make_record(
        TeamMember, plan_id=1, name="Ana\x00 Ruiz", role=" Engineer ", email=" ana@x.io\x00"
    )
    assert (member.name, member.role, member.email) == ("Ana Ruiz", "Engineer", "ana@x.io")
