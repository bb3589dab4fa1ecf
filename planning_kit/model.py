"""Domain records (pydantic): accounts, contacts, opportunities, plans, answers and events."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

PlanStatus = Literal["draft", "active", "archived"]
PLAN_STATUSES: tuple[str, ...] = ("draft", "active", "archived")
PotentialStatus = Literal["whitespace", "potential", "current", "won", "blocked"]
POTENTIAL_STATUSES: tuple[str, ...] = ("whitespace", "potential", "current", "won", "blocked")

_ID_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_RE = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")


def clean_text(value: str | None) -> str:
    """Text as typed, without control characters (NUL and the like) or surrounding whitespace.

    Line breaks (as \\n) and tabs inside the text are kept; use `clean_line` for one-line fields.
    """
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()


def clean_line(value: str | None) -> str:
    """One line of text: control characters dropped, runs of whitespace made one space."""
    return " ".join(clean_text(value).split())


def name_key(name: str) -> str:
    """How account names are searched and matched: any case, whitespace collapsed."""
    return " ".join((name or "").split()).casefold()


class InvalidSalesforceId(ValueError):
    """A value that is not a 15- or 18-character Salesforce Id."""


def salesforce_id_18(value: str) -> str:
    """Normalise a 15- or 18-character Salesforce Id to its 18-character form.

    An 18-character Id is case-insensitive: its last three characters record the case of the
    first fifteen, so an Id that was lower-cased on the way (a URL, a spreadsheet) comes back.
    """
    text = (value or "").strip()
    if not _ID_RE.match(text):
        raise InvalidSalesforceId(
            f"{text[:40]!r} is not a Salesforce Id (15 or 18 letters and digits)"
        )
    base = _restore_case(text) if len(text) == 18 else text
    suffix = _suffix(base)
    if len(text) == 18 and text[15:].upper() != suffix:
        expected = _suffix(text[:15])
        raise InvalidSalesforceId(f"{text!r} has a wrong checksum (expected ...{expected})")
    return base + suffix


def _suffix(base: str) -> str:
    """The three checksum characters that record the case of a 15-character Id."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(base[start : start + 5]) if ch.isupper())
        suffix += _ID_SUFFIX_CHARS[bits]
    return suffix


def _restore_case(text: str) -> str:
    """The first 15 characters of an 18-character Id in the case its suffix records."""
    chars = []
    for chunk, code in enumerate(text[15:].upper()):
        bits = _ID_SUFFIX_CHARS.find(code)
        if bits < 0:
            return text[:15]
        for i, ch in enumerate(text[chunk * 5 : chunk * 5 + 5]):
            chars.append(ch.upper() if bits >> i & 1 else ch.lower())
    return "".join(chars)


class Record(BaseModel):
    """Base of every domain record: strict about unknown fields."""

    model_config = ConfigDict(extra="forbid")


R = TypeVar("R", bound=Record)


class InvalidRecord(ValueError):
    """A record that breaks a rule; the message names the field and says what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field.replace('_', ' ')}: {message}" if field else message)


# Validation context of a record read back from the database: rules added since it was saved
# (such as the range of dates) are not applied again, so what was saved can always be read.
STORED = "stored"
# Validation context of a changed record: the record before the change, whose kept values are
# not checked again (only what the change brings in is).
BEFORE = "before"


def make_record(model: type[R], **values: Any) -> R:
    """Build a record, turning pydantic's first error into a plain-words InvalidRecord."""
    return _validated(model, values, None)


def revise_record(before: R, **changes: Any) -> R:
    """The record with `changes`; values kept from `before` are not checked again."""
    return _validated(type(before), before.model_dump() | changes, {BEFORE: before})


def stored_record(model: type[R], values: Mapping[str, Any]) -> R:
    """A record as it was saved (newer rules, such as the range of dates, are not applied)."""
    return model.model_validate(dict(values), context={STORED: True})


def _validated(model: type[R], values: dict[str, Any], context: dict[str, Any] | None) -> R:
    """The validated record, or an InvalidRecord naming the first field that is wrong."""
    try:
        return model.model_validate(values, context=context)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        ctx = error.get("ctx") or {}
        message = {
            "greater_than_equal": f"must be at least {ctx.get('ge')}",
            "literal_error": f"'{str(error.get('input'))[:40]}' is not allowed; use "
            f"{ctx.get('expected')}",
            "string_too_long": f"has at most {ctx.get('max_length')} characters",
            "string_too_short": "must not be empty",
            "float_parsing": f"'{str(error.get('input'))[:40]}' is not a number",
            "date_from_datetime_parsing": f"'{str(error.get('input'))[:40]}' is not a date "
            "(use YYYY-MM-DD)",
        }.get(error["type"], str(error["msg"]).removeprefix("Value error, "))
        raise InvalidRecord(field, message) from None


class Account(Record):
    """A customer account, from Salesforce or typed in."""

    id: str = Field(description="18-character Salesforce Id, or a local id for typed-in accounts")
    name: str = Field(description="Account name")
    type: str | None = Field(None, description="Account type, e.g. Customer - Direct")
    industry: str | None = Field(None, description="Industry")
    annual_revenue: float | None = Field(None, description="Annual revenue")
    number_of_employees: int | None = Field(None, description="Number of employees")
    owner: str | None = Field(None, description="Account owner (name or user Id)")
    parent_id: str | None = Field(None, description="Parent account Id (ParentId)")
    phone: str | None = Field(None, description="Main phone")
    billing_city: str | None = Field(None, description="Billing city")
    billing_state: str | None = Field(None, description="Billing state or province")
    billing_postal_code: str | None = Field(None, description="Billing postal code (text)")
    billing_country: str | None = Field(None, description="Billing country")
    ownership: str | None = Field(None, description="Ownership, e.g. Public")
    rating: str | None = Field(None, description="Rating, e.g. Hot")
    source: str = Field("typed", description="Where it came from: salesforce, report or typed")


class Contact(Record):
    """A person at an account."""

    id: str = Field(description="18-character Salesforce Id, or a local id")
    account_id: str = Field(description="The contact's account")
    first_name: str | None = Field(None, description="First name")
    last_name: str = Field(description="Last name")
    title: str | None = Field(None, description="Job title")
    department: str | None = Field(None, description="Department")
    email: str | None = Field(None, description="E-mail address")
    phone: str | None = Field(None, description="Phone")
    mobile_phone: str | None = Field(None, description="Mobile phone")
    lead_source: str | None = Field(None, description="Lead source")
    reports_to_id: str | None = Field(None, description="Contact this one reports to")
    source: str = Field("typed", description="Where it came from: salesforce, report or typed")

    @property
    def full_name(self) -> str:
        """First and last name."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Opportunity(Record):
    """A sales opportunity at an account."""

    id: str = Field(description="18-character Salesforce Id, or a local id")
    account_id: str = Field(description="The opportunity's account")
    name: str = Field(description="Opportunity name")
    description: str | None = Field(None, description="Description")
    stage: str | None = Field(None, description="StageName")
    amount: float | None = Field(None, description="Amount")
    probability: float | None = Field(None, description="Probability in percent")
    close_date: date | None = Field(None, description="Close date")
    is_closed: bool = Field(False, description="Closed (won or lost)")
    is_won: bool = Field(False, description="Closed won")
    type: str | None = Field(None, description="Opportunity type")
    lead_source: str | None = Field(None, description="Lead source")
    next_step: str | None = Field(None, description="Next step")
    created_date: datetime | None = Field(None, description="When it was created in Salesforce")
    source: str = Field("typed", description="Where it came from: salesforce, plan or typed")
    plan_id: int | None = Field(
        None, description="The plan that qualified it from a potential (not yet in Salesforce)"
    )


class Division(Record):
    """A business unit of an account, planned separately."""

    id: int | None = Field(None, description="Store id")
    account_id: str = Field(description="The account it belongs to")
    name: str = Field(description="Division name")
    position: int = Field(0, description="Display order")
    source_account_id: str | None = Field(None, description="Child account it was taken from")
    removed_at: datetime | None = Field(None, description="When it was removed (kept for undo)")


class Plan(Record):
    """An account plan: one account and one plan type."""

    id: int = Field(description="Store id")
    account_id: str = Field(description="The planned account")
    plan_type: str = Field(description="Plan type id, e.g. expansion")
    name: str = Field(description="Plan name")
    owner: str | None = Field(None, description="Plan owner")
    status: PlanStatus = Field("draft", description="draft, active or archived")
    period_start: date | None = Field(None, description="Start of the plan period")
    period_end: date | None = Field(None, description="End of the plan period")
    version: int = Field(1, description="Optimistic-concurrency version; every write bumps it")
    created_by: str | None = Field(None, description="Who started the plan")
    created_at: datetime = Field(description="When the plan was started")
    updated_at: datetime = Field(description="When the plan last changed")


_QUARTER_RES = (
    re.compile(r"^(?P<y>\d{4})\s*-?\s*Q(?P<q>[1-4])$", re.I),
    re.compile(r"^Q(?P<q>[1-4])\s*-?\s*(?P<y>\d{4})$", re.I),
)
TIMING_FORMS = "a quarter such as 2027-Q1 or Q1 2027, or a close date such as 2027-03-31"


def parse_timing(text: str | date | None) -> str | None:
    """A timing as stored: '2027-Q1' for a quarter, '2027-03-31' for a close date, or None."""
    if isinstance(text, date):
        return (text.date() if isinstance(text, datetime) else text).isoformat()
    value = " ".join(str(text or "").split())
    if not value:
        return None
    for pattern in _QUARTER_RES:
        found = pattern.match(value)
        if found:
            return f"{found['y']}-Q{found['q']}"
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"'{value[:40]}' is not a timing: use {TIMING_FORMS}") from None


def timing_date(timing: str | None) -> date | None:
    """The date a stored timing stands for: a quarter counts at its last day."""
    if not timing:
        return None
    if "-Q" in timing:
        year, quarter = int(timing[:4]), int(timing[-1])
        if quarter == 4:
            return date(year, 12, 31)
        return date(year, 3 * quarter + 1, 1) - timedelta(days=1)
    return date.fromisoformat(timing)


class Potential(Record):
    """One cell of the white-space grid: a division (or the whole account) and a solution."""

    id: int | None = Field(None, description="Store id")
    plan_id: int = Field(description="The plan")
    division_id: int | None = Field(None, description="The division; None for the whole account")
    solution_id: str = Field(description="Catalogue solution id")
    status: PotentialStatus = Field("whitespace", description="Status as the team set it")
    amount: float | None = Field(None, ge=0, description="Planned amount in the plan's currency")
    timing: str | None = Field(None, description="A quarter (2027-Q1) or a close date")
    notes: str = Field("", description="Notes")
    blocked_reason: str = Field("", description="Why the cell is blocked (required when blocked)")
    opportunity_ids: list[str] = Field(default_factory=list, description="Linked opportunities")
    updated_by: str | None = Field(None, description="Who last changed it")
    updated_at: datetime | None = Field(None, description="When it last changed")

    @field_validator("timing", mode="before")
    @classmethod
    def _timing(cls, value: str | None) -> str | None:
        return parse_timing(value)

    @model_validator(mode="after")
    def _blocked_needs_reason(self) -> Potential:
        if self.status == "blocked" and not self.blocked_reason.strip():
            raise ValueError(
                "a blocked cell needs a reason, such as 'competitor under contract until "
                "2027-06' or 'not applicable'"
            )
        return self

    @property
    def is_empty(self) -> bool:
        """Nothing planned, noted or linked: the cell is plain white space."""
        return (
            self.status == "whitespace"
            and self.amount is None
            and not self.timing
            and not self.notes.strip()
            and not self.opportunity_ids
        )


class RevenueTarget(Record):
    """A plan's revenue target for one period (periods of a plan never overlap)."""

    id: int | None = Field(None, description="Store id")
    plan_id: int = Field(description="The plan")
    label: str = Field(min_length=1, description="Period label, e.g. FY27 Q1")
    start_date: date = Field(description="First day of the period")
    end_date: date = Field(description="Last day of the period")
    amount: float = Field(ge=0, description="Target revenue in the plan's currency")

    @model_validator(mode="after")
    def _ordered(self) -> RevenueTarget:
        if self.end_date < self.start_date:
            raise ValueError(
                f"the period ends ({self.end_date}) before it starts ({self.start_date})"
            )
        return self

    def overlaps(self, other: RevenueTarget) -> bool:
        """Whether the two periods share a day."""
        return self.start_date <= other.end_date and other.start_date <= self.end_date


OBJECTIVE_STATUSES: tuple[str, ...] = (
    "Not Started",
    "In Progress",
    "Deferred",
    "Achieved",
    "Canceled",
)
OPEN_OBJECTIVE_STATUSES: tuple[str, ...] = ("Not Started", "In Progress", "Deferred")
PRIORITIES: tuple[str, ...] = ("High", "Medium", "Low")
ACTION_STATUSES: tuple[str, ...] = ("open", "done")
TEAM_ROLES: tuple[str, ...] = (
    "Account Executive",
    "Solution Engineer",
    "Customer Success Manager",
    "Executive Sponsor",
    "Sales Manager",
    "Partner Manager",
)
LINK_KINDS: tuple[str, ...] = ("potential", "opportunity", "insight")
ObjectiveStatus = Literal["Not Started", "In Progress", "Deferred", "Achieved", "Canceled"]
Priority = Literal["High", "Medium", "Low"]
ActionStatus = Literal["open", "done"]
LinkKind = Literal["potential", "opportunity", "insight"]


# Dates of objectives and actions (due, completed) lie in these years; a calendar or a
# spreadsheet cannot take 9999-12-31 plus a day, and no plan runs that long.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def day_problem(day: date) -> str | None:
    """Why a date is refused for an objective or action ('... is out of range'), or None."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return (
        f"{day.isoformat()} is out of range; use a date from {FIRST_DAY.isoformat()} "
        f"to {LAST_DAY.isoformat()}"
    )


def _kept(value: Any, info: ValidationInfo) -> bool:
    """Whether the value was saved before (read back, or unchanged in an edit): not re-checked."""
    context = info.context or {}
    before = context.get(BEFORE)
    return bool(context.get(STORED)) or (
        before is not None and getattr(before, info.field_name or "", None) == value
    )


def _day_in_range(value: date | None, info: ValidationInfo) -> date | None:
    problem = None if value is None or _kept(value, info) else day_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _required_text(value: str, info: ValidationInfo) -> str:
    text = clean_line(value)
    if not text and not (info.context or {}).get(STORED):
        raise ValueError("must not be empty")
    return text


def _line(value: str | None) -> str:
    return clean_line(value)


def _text(value: str | None) -> str:
    return clean_text(value)


class TeamMember(Record):
    """A member of the plan's account team."""

    id: int | None = Field(None, description="Store id")
    plan_id: int = Field(description="The plan")
    name: str = Field(max_length=120, description="Full name")
    role: str = Field(max_length=80, description="Role on the account team, e.g. Solution Engineer")
    email: str | None = Field(None, max_length=254, description="E-mail address")
    is_owner: bool = Field(False, description="The plan's owner (exactly one member)")
    position: int = Field(0, description="Display order")
    left_at: datetime | None = Field(None, description="When the member left the team")

    _name = field_validator("name", "role")(_required_text)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        text = clean_text(value)
        if not text:
            return None
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
            raise ValueError(f"'{text[:60]}' is not an e-mail address")
        return text

    @property
    def is_former(self) -> bool:
        """Whether the member has left the team."""
        return self.left_at is not None

    @property
    def label(self) -> str:
        """'Name (role)', with 'former member' for someone who left."""
        return f"{self.name} ({'former member' if self.is_former else self.role})"


class Objective(Record):
    """A goal of the plan, with owned and dated actions beneath it."""

    id: int | None = Field(None, description="Store id")
    plan_id: int = Field(description="The plan")
    name: str = Field(max_length=200, description="What the team wants to achieve")
    type: str = Field(description="Objective type, from the plan type's list")
    division_id: int | None = Field(None, description="The division it is about, if any")
    metric: str = Field("", description="How achievement is measured")
    description: str = Field("", description="Description")
    strategy: str = Field("", description="How the team will get there")
    status: ObjectiveStatus = Field("Not Started", description="Status; the first three are open")
    owner_id: int | None = Field(None, description="Owning team member")
    priority: Priority = Field("Medium", description="High, Medium or Low")
    due_date: date | None = Field(None, description="Due date")
    position: int = Field(0, description="Display order")
    links: list[tuple[str, str]] = Field(
        default_factory=list, description="(kind, target id) of linked potentials and opportunities"
    )
    updated_by: str | None = Field(None, description="Who last changed it")
    updated_at: datetime | None = Field(None, description="When it last changed")

    _name = field_validator("name", "type")(_required_text)
    _metric = field_validator("metric")(_line)
    _texts = field_validator("description", "strategy")(_text)
    _due = field_validator("due_date")(_day_in_range)

    @property
    def is_open(self) -> bool:
        """Not Started, In Progress and Deferred are open; Achieved and Canceled closed."""
        return self.status in OPEN_OBJECTIVE_STATUSES


class Action(Record):
    """A task that serves an objective (or waits, unassigned, for one)."""

    id: int | None = Field(None, description="Store id")
    plan_id: int = Field(description="The plan")
    objective_id: int | None = Field(None, description="Its objective; None when unassigned")
    name: str = Field(max_length=200, description="What to do")
    owner_id: int | None = Field(None, description="Owning team member")
    due_date: date | None = Field(None, description="Due date")
    status: ActionStatus = Field("open", description="open or done")
    completed_on: date | None = Field(None, description="When it was done")
    notes: str = Field("", description="Notes")
    position: int = Field(0, description="Display order within its objective")
    updated_by: str | None = Field(None, description="Who last changed it")
    updated_at: datetime | None = Field(None, description="When it last changed")

    _name = field_validator("name")(_required_text)
    _notes = field_validator("notes")(_text)
    _days = field_validator("due_date", "completed_on")(_day_in_range)

    @property
    def is_open(self) -> bool:
        """Not done yet."""
        return self.status == "open"


class Answer(Record):
    """An answer to one Account Details question."""

    plan_id: int = Field(description="The plan")
    question_id: str = Field(description="Question id from the plan type")
    option_id: str | None = Field(None, description="Chosen option id, None when only notes")
    notes: str = Field("", description="Notes")
    answered_by: str = Field(description="Who last changed it")
    answered_at: datetime = Field(description="When it was last changed")


class Event(Record):
    """One change in the history: who, when, what, old and new value."""

    id: int = Field(description="Store id")
    at: datetime = Field(description="When")
    who: str = Field(description="Who")
    plan_id: int | None = Field(None, description="Plan it belongs to, if any")
    account_id: str | None = Field(None, description="Account it belongs to, if any")
    entity: str = Field(description="What kind of thing changed, e.g. plan, answer, account")
    entity_id: str = Field(description="Which one")
    field: str = Field(description="Which field; 'created' or 'deleted' for whole records")
    old_value: str | None = Field(None, description="Value before")
    new_value: str | None = Field(None, description="Value after")


class AccountFacts(Record):
    """What the launchpad shows about an account."""

    account: Account = Field(description="The account")
    parent: Account | None = Field(None, description="Its parent account")
    children: list[Account] = Field(default_factory=list, description="Child accounts")
    open_opportunity_count: int = Field(0, description="Open opportunities")
    open_opportunity_total: float = Field(0.0, description="Sum of open opportunity amounts")
    contact_count: int = Field(0, description="Contacts")


class ImportBatch(Record):
    """Records parsed from import files, ready to upsert in one transaction."""

    accounts: list[Account] = Field(default_factory=list, description="Accounts")
    contacts: list[Contact] = Field(default_factory=list, description="Contacts")
    opportunities: list[Opportunity] = Field(default_factory=list, description="Opportunities")


class UpsertResult(Record):
    """Which ids an upsert inserted and which it updated, by entity."""

    inserted: dict[str, list[str]] = Field(default_factory=dict, description="entity -> ids")
    updated: dict[str, list[str]] = Field(default_factory=dict, description="entity -> ids")
    unchanged: dict[str, list[str]] = Field(default_factory=dict, description="entity -> ids")
