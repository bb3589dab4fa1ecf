"""Salesforce CSV exports into accounts, contacts and opportunities.

Four kinds of file are recognised by their headers, whatever the order on the command line:

- an Account export (``Id`` and ``Name``, no ``AccountId``);
- a Contact export (``LastName`` and ``AccountId``);
- an Opportunity export (``StageName`` or ``CloseDate``);
- an "Accounts with Contacts" report (``Account: Account Name``, ``Contact: First Name``, ...),
  which has no Ids: accounts are matched by exact name (case and spacing ignored), never by a
  guess, and the names that match nothing become new accounts with a stable local id.

Headers may be API names in any letter case (``BillingPostalCode``, ``STAGENAME``), report
style (``Opportunity: Amount``) or labels (``Close Date``). Columns that map to no field are
ignored and listed in the report.

Row numbers are spreadsheet style: the header is row 1 and the first data record is row 2.
A record whose quoted field spans several lines still counts as one row, so the numbers match
what Excel shows, not the line numbers of a text editor.

Every value is checked; a row with a bad value is rejected (file, row, field and reason) and
never guessed. All files are parsed before anything is written, and the whole import is one
transaction (`Store.apply_import`). With ``strict=True`` one rejected row aborts everything.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from planning_kit import settings
from planning_kit.model import (
    Account,
    Contact,
    ImportBatch,
    InvalidSalesforceId,
    Opportunity,
    UpsertResult,
    name_key,
    salesforce_id_18,
)

if TYPE_CHECKING:
    from planning_kit.store import Store

Progress = Callable[[int, int, str], None]

ACCOUNT = "account"
CONTACT = "contact"
OPPORTUNITY = "opportunity"
REPORT = "account_contact_report"

KIND_LABELS = {
    ACCOUNT: "accounts",
    CONTACT: "contacts",
    OPPORTUNITY: "opportunities",
    REPORT: "accounts with contacts report",
}

SAVE_AS_CSV = "save it from Excel as 'CSV UTF-8' and upload again"

# field -> (value type, header keys). A header key is the header without spaces, lower case.
ACCOUNT_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("id", ("id", "accountid")),
    "is_deleted": ("bool", ("isdeleted", "deleted")),
    "name": ("text", ("name", "accountname")),
    "type": ("text", ("type", "accounttype")),
    "parent_id": ("id", ("parentid", "parentaccountid")),
    "phone": ("text", ("phone", "accountphone")),
    "billing_city": ("text", ("billingcity",)),
    "billing_state": ("text", ("billingstate", "billingstate/province")),
    "billing_postal_code": ("text", ("billingpostalcode", "billingzip/postalcode")),
    "billing_country": ("text", ("billingcountry",)),
    "industry": ("text", ("industry",)),
    "annual_revenue": ("number", ("annualrevenue",)),
    "number_of_employees": ("whole", ("numberofemployees", "employees")),
    "owner": ("text", ("ownerid", "owner", "accountowner", "ownername")),
    "ownership": ("text", ("ownership",)),
    "rating": ("text", ("rating", "accountrating")),
}
CONTACT_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("id", ("id", "contactid")),
    "is_deleted": ("bool", ("isdeleted", "deleted")),
    "account_id": ("id", ("accountid",)),
    "first_name": ("text", ("firstname",)),
    "last_name": ("text", ("lastname",)),
    "title": ("text", ("title",)),
    "department": ("text", ("department",)),
    "email": ("text", ("email",)),
    "phone": ("text", ("phone", "businessphone")),
    "mobile_phone": ("text", ("mobilephone", "mobile")),
    "lead_source": ("text", ("leadsource",)),
    "reports_to_id": ("id", ("reportstoid",)),
}
OPPORTUNITY_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("id", ("id", "opportunityid")),
    "is_deleted": ("bool", ("isdeleted", "deleted")),
    "account_id": ("id", ("accountid",)),
    "name": ("text", ("name", "opportunityname")),
    "description": ("text", ("description",)),
    "stage": ("text", ("stagename", "stage")),
    "amount": ("number", ("amount",)),
    "probability": ("percent", ("probability", "probability(%)")),
    "close_date": ("date", ("closedate",)),
    "is_closed": ("bool", ("isclosed", "closed")),
    "is_won": ("bool", ("iswon", "won")),
    "type": ("text", ("type", "opportunitytype")),
    "lead_source": ("text", ("leadsource",)),
    "next_step": ("text", ("nextstep",)),
    "created_date": ("datetime", ("createddate",)),
}
FIELDS_BY_KIND = {ACCOUNT: ACCOUNT_FIELDS, CONTACT: CONTACT_FIELDS, OPPORTUNITY: OPPORTUNITY_FIELDS}
REQUIRED_COLUMNS = {
    ACCOUNT: ("id", "name"),
    CONTACT: ("id", "account_id", "last_name"),
    OPPORTUNITY: ("id", "account_id", "name"),
    REPORT: ("account.name",),
}
API_NAMES = {
    "id": "Id",
    "name": "Name",
    "account_id": "AccountId",
    "last_name": "LastName",
    "account.name": "Account: Account Name",
}

_PREFIX_RE = re.compile(r"^\s*(account|contact|opportunity)\s*:\s*(.*)$", re.IGNORECASE)
_US_DATE_RE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_ISO_DATE_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_NUMBER_RE = re.compile(r"^([-+]?)\s*\$?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)$")
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


class UnusableFile(Exception):
    """A file that cannot be imported at all; the message names the file and why."""


@dataclass(frozen=True)
class Rejection:
    """One row that was not imported, and why."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}, {self.field}: {self.reason}; the row was not imported"


@dataclass
class FileReport:
    """What happened to one file."""

    file: str
    kind: str | None
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    deleted_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    valid: int = 0  # records ready to write (accounts and contacts for a report)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        data = asdict(self)
        data["rejected"] = [asdict(r) | {"message": str(r)} for r in self.rejected]
        return data


@dataclass
class ImportReport:
    """The outcome of one import run, over all its files."""

    files: list[FileReport]
    committed: bool
    strict: bool
    error: str | None = None  # a failure while saving (nothing committed)

    @property
    def rejected(self) -> list[Rejection]:
        """Every rejected row, file by file."""
        return [r for f in self.files for r in f.rejected]

    @property
    def exit_code(self) -> int:
        """0 committed, 1 strict import aborted by rejected rows, 2 unusable file or failure."""
        if self.committed:
            return 0
        if self.error or any(f.error for f in self.files):
            return 2
        return 1

    def lines(self) -> list[str]:
        """The human report: a line per file, its problems, and the outcome."""
        out: list[str] = []
        for f in self.files:
            if f.error:
                out.append(f.error)
                continue
            label = KIND_LABELS.get(f.kind or "", f.kind or "")
            if self.committed:
                out.append(
                    f"{f.file} ({label}): {f.imported} imported, {f.updated} updated, "
                    f"{f.unchanged} unchanged, {len(f.rejected)} rejected"
                )
            else:
                out.append(
                    f"{f.file} ({label}): {f.valid} valid, {len(f.rejected)} rejected (not saved)"
                )
            out.extend(f"  {r}" for r in f.rejected)
            if f.deleted_rows:
                rows = ", ".join(str(n) for n in f.deleted_rows)
                out.append(f"  Deleted in Salesforce (IsDeleted TRUE), not imported: rows {rows}")
            if f.ignored_columns:
                out.append(f"  Ignored columns: {', '.join(f.ignored_columns)}")
            out.extend(f"  {note}" for note in f.notes)
        out.append(self._outcome())
        return out

    def _outcome(self) -> str:
        if self.committed:
            return "Committed."
        if self.error:
            return f"Nothing was imported: {self.error}"
        bad = [f.file for f in self.files if f.error]
        if bad:
            return f"Nothing was imported: fix or remove {', '.join(bad)} and import again."
        n = len(self.rejected)
        return (
            f"Nothing was imported: strict mode and {n} rejected row{'s' * (n != 1)}; "
            "the database is unchanged."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, for --json."""
        return {
            "committed": self.committed,
            "strict": self.strict,
            "exit_code": self.exit_code,
            "error": self.error,
            "files": [f.to_dict() for f in self.files],
        }


@dataclass
class ParsedRow:
    """One data record with its values converted (None where blank)."""

    row: int
    values: dict[str, Any]


@dataclass
class ParsedFile:
    """A decoded, recognised and converted export, not yet checked against the store."""

    file: str
    kind: str
    columns: dict[str, str]  # field -> header as written in the file
    rows: list[ParsedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    deleted_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        """The file's header for a field (its API name when the file has no such column)."""
        return self.columns.get(name) or API_NAMES.get(name, name)


# -- decoding ---------------------------------------------------------------------------------


def _decode(name: str, data: bytes) -> str:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252."""
    if not data.strip():
        raise UnusableFile(f"{name} is empty: export the report or object again")
    if data.startswith(b"PK\x03\x04"):
        raise UnusableFile(
            f"{name} is not a CSV file (it is an Excel workbook or another zip file): {SAVE_AS_CSV}"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnusableFile(f"{name} is not a CSV file (it is an old Excel workbook): {SAVE_AS_CSV}")
    if data.startswith(b"%PDF"):
        raise UnusableFile(f"{name} is not a CSV file (it is a PDF): export the data as CSV")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnusableFile(f"{name} is not readable UTF-16 text: {SAVE_AS_CSV}") from None
    else:
        if b"\x00" in data:
            raise UnusableFile(f"{name} is not a CSV file (it contains binary data): {SAVE_AS_CSV}")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise UnusableFile(
                    f"{name} is neither UTF-8 nor Windows-1252 text: {SAVE_AS_CSV}"
                ) from None
    text = text.lstrip("\ufeff")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls > max(2, len(text) // 100):
        raise UnusableFile(f"{name} is not a CSV file (it contains binary data): {SAVE_AS_CSV}")
    return text


def _delimiter(text: str) -> str:
    """The separator of the header line: comma unless semicolons or tabs clearly win."""
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _records(name: str, text: str) -> list[list[str]]:
    """CSV records (quoted newlines kept inside their field)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise UnusableFile(
            f"{name} is not a well-formed CSV file (row {reader.line_num}): {exc}"
        ) from None


# -- headers ----------------------------------------------------------------------------------


def _split_header(header: str) -> tuple[str | None, str]:
    """Split a header into (prefix, key): 'Account: Account Name' -> ('account', 'accountname')."""
    match = _PREFIX_RE.match(header)
    prefix, label = (match.group(1).lower(), match.group(2)) if match else (None, header)
    return prefix, re.sub(r"\s+", "", label).lower()


def _lookup(fields: dict[str, tuple[str, tuple[str, ...]]], key: str) -> str | None:
    for name, (_kind, keys) in fields.items():
        if key in keys:
            return name
    return None


def detect_kind(headers: Sequence[str]) -> str | None:
    """The kind of export these headers belong to, or None."""
    pairs = {_split_header(h) for h in headers}
    plain = {key for prefix, key in pairs if prefix is None}
    prefixes = {prefix for prefix, _ in pairs if prefix}
    if "opportunity" in prefixes or plain & {"stagename", "stage", "closedate"}:
        return OPPORTUNITY
    account_name = ("account", "accountname") in pairs or "accountname" in plain
    if "contact" in prefixes or "lastname" in plain:
        if plain & {"id", "contactid"} or ("contact", "contactid") in pairs:
            return CONTACT
        return REPORT if account_name else CONTACT
    if "id" in plain and "accountid" in plain:
        return None  # a child object of accounts (assets, cases, ...), not accounts
    has_id = bool(plain & {"id", "accountid"}) or ("account", "accountid") in pairs
    if has_id and ("name" in plain or account_name):
        return ACCOUNT
    if account_name:
        return REPORT
    return None


def _map_header(kind: str, header: str) -> str | None:
    """The field a header fills in a file of this kind, or None."""
    prefix, key = _split_header(header)
    if kind == REPORT:
        if prefix == "account" or (prefix is None and key.startswith("account")):
            name = _lookup(ACCOUNT_FIELDS, key)
            return (
                f"account.{name}" if name not in (None, "id", "parent_id", "is_deleted") else None
            )
        if prefix in (None, "contact"):
            name = _lookup(CONTACT_FIELDS, key)
            if name not in (None, "id", "account_id", "is_deleted", "reports_to_id"):
                return f"contact.{name}"
            name = _lookup(ACCOUNT_FIELDS, key) if prefix is None else None
            return f"account.{name}" if name in ("type", "industry") else None
        return None
    if prefix is not None and prefix != kind:
        return "account_id" if prefix == "account" and key == "accountid" else None
    return _lookup(FIELDS_BY_KIND[kind], key)


def _field_type(name: str) -> str:
    if "." in name:
        entity, name = name.split(".", 1)
        table = ACCOUNT_FIELDS if entity == "account" else CONTACT_FIELDS
    else:
        table = {**ACCOUNT_FIELDS, **CONTACT_FIELDS, **OPPORTUNITY_FIELDS}
    return table[name][0]


# -- values -----------------------------------------------------------------------------------


class BadValue(ValueError):
    """A value that does not fit its field; the message is the reason shown to the user."""


def _show(raw: str) -> str:
    return repr(raw if len(raw) <= 60 else raw[:57] + "...")


def parse_bool(raw: str) -> bool | None:
    """TRUE/FALSE in any case, or 1/0; blank is None."""
    low = raw.lower()
    if not low:
        return None
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise BadValue(f"{_show(raw)} is not TRUE or FALSE")


def parse_number(raw: str, *, whole: bool = False, percent: bool = False) -> float | int | None:
    """A number: blank is None; '$' and thousands separators (1,250,000.50) are accepted."""
    if not raw:
        return None
    text = raw[:-1].rstrip() if percent and raw.endswith("%") else raw
    match = _NUMBER_RE.match(text)
    if not match:
        raise BadValue(f"{_show(raw)} is not a number")
    value = float(match.group(1) + match.group(2).replace(",", ""))
    if whole:
        if value != int(value):
            raise BadValue(f"{_show(raw)} is not a whole number")
        return int(value)
    return value


def parse_datetime(raw: str) -> datetime | None:
    """US (02/03/24, 2/3/2024, 02/23/26 08:55 PM) or ISO dates and timestamps; naive UTC."""
    if not raw:
        return None
    match = _US_DATE_RE.match(raw)
    if match:
        month, day, year, hour, minute, second, ampm = match.groups()
        yr = int(year) + (2000 if len(year) == 2 else 0)
        hh = int(hour or 0)
        if ampm:
            if not 1 <= hh <= 12:
                raise BadValue(f"{_show(raw)} is not a valid time (hour {hh} with {ampm.upper()})")
            hh = hh % 12 + (12 if ampm.lower() == "pm" else 0)
        try:
            return datetime(yr, int(month), int(day), hh, int(minute or 0), int(second or 0))
        except ValueError:
            raise BadValue(f"{_show(raw)} is not a US date (MM/DD/YY or MM/DD/YYYY)") from None
    if _ISO_DATE_RE.match(raw):
        text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", raw.replace("Z", "+00:00"))
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise BadValue(f"{_show(raw)} is not a valid date (YYYY-MM-DD)") from None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if "/" in raw:
        raise BadValue(f"{_show(raw)} is not a US date (MM/DD/YY or MM/DD/YYYY)")
    raise BadValue(f"{_show(raw)} is not a date (MM/DD/YYYY or YYYY-MM-DD)")


def parse_date(raw: str) -> date | None:
    """A date field: any accepted date or timestamp, keeping the date part."""
    value = parse_datetime(raw)
    return value.date() if value else None


def parse_id(raw: str) -> str | None:
    """A 15- or 18-character Salesforce Id as 18 characters; blank is None."""
    if not raw:
        return None
    try:
        return salesforce_id_18(raw)
    except InvalidSalesforceId as exc:
        raise BadValue(str(exc)) from None


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "text": lambda raw: raw.replace("\r\n", "\n") or None,
    "id": parse_id,
    "bool": parse_bool,
    "number": parse_number,
    "whole": lambda raw: parse_number(raw, whole=True),
    "percent": lambda raw: parse_number(raw, percent=True),
    "date": parse_date,
    "datetime": parse_datetime,
}


# -- reading one file -------------------------------------------------------------------------


def read_export(name: str, data: bytes) -> ParsedFile:
    """Decode, recognise and convert one export (pure: no store). Raises UnusableFile."""
    records = _records(name, _decode(name, data))
    while records and not any(v.strip() for v in records[0]):
        records.pop(0)  # blank lines above the header (row numbers then follow the header)
    if not records:
        raise UnusableFile(f"{name} is empty: export the report or object again")
    headers = [h.strip() for h in records[0]]
    kind = detect_kind(headers)
    if kind is None:
        shown = ", ".join(repr(h) for h in headers[:30]) + (", ..." if len(headers) > 30 else "")
        raise UnusableFile(
            f"{name} is not a Salesforce Account, Contact or Opportunity export, nor an "
            f"Accounts with Contacts report. Headers found: {shown}"
        )
    parsed = ParsedFile(file=name, kind=kind, columns={})
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        target = _map_header(kind, header) if header else None
        if target is None or target in positions:
            parsed.ignored_columns.append(header or f"(column {index + 1} has no header)")
        else:
            positions[target] = index
            parsed.columns[target] = header
    missing = [API_NAMES.get(f, f) for f in REQUIRED_COLUMNS[kind] if f not in positions]
    if missing:
        raise UnusableFile(
            f"{name} looks like a {KIND_LABELS[kind]} export but has no "
            f"{' or '.join(missing)} column: export it again with that field"
        )
    for number, record in enumerate(records[1:], start=2):
        if not any(v.strip() for v in record):
            continue
        _read_row(parsed, positions, number, record, len(headers))
    if not parsed.rows and not parsed.rejected and not parsed.deleted_rows:
        parsed.notes.append("The file has a header but no data rows.")
    return parsed


def _read_row(
    parsed: ParsedFile, positions: dict[str, int], number: int, record: list[str], width: int
) -> None:
    """Convert one record into parsed.rows, or record why it was rejected or skipped."""
    extra = [v for v in record[width:] if v.strip()]
    if extra:
        parsed.rejected.append(
            Rejection(
                parsed.file,
                number,
                "(whole row)",
                f"the row has {len(record)} fields but the header has {width}",
            )
        )
        return
    raw = {name: (record[i].strip() if i < len(record) else "") for name, i in positions.items()}
    try:
        if parse_bool(raw.get("is_deleted", "")):
            parsed.deleted_rows.append(number)
            return
    except BadValue as exc:
        parsed.rejected.append(
            Rejection(parsed.file, number, parsed.header("is_deleted"), str(exc))
        )
        return
    values: dict[str, Any] = {}
    for name, text in raw.items():
        try:
            values[name] = _CONVERTERS[_field_type(name)](text)
        except BadValue as exc:
            parsed.rejected.append(Rejection(parsed.file, number, parsed.header(name), str(exc)))
            return
    for name in REQUIRED_COLUMNS[parsed.kind]:
        if values.get(name) is None:
            parsed.rejected.append(
                Rejection(parsed.file, number, parsed.header(name), "the value is empty")
            )
            return
    parsed.rows.append(ParsedRow(number, values))


# -- building the batch -----------------------------------------------------------------------


def _optional(model: type, field_name: str) -> bool:
    """Whether a model field may be empty (its default is None)."""
    info = model.model_fields[field_name]
    return not info.is_required() and info.default is None


def local_id(*parts: str | None) -> str:
    """A stable local id for a record that has no Salesforce Id."""
    text = "|".join(name_key(p or "") for p in parts)
    return "local-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class _Pending:
    """A record waiting for its references to be checked."""

    entity: str
    record: Any
    file: ParsedFile
    row: int


class _Builder:
    """Turns parsed files into one ImportBatch, rejecting rows whose references do not resolve."""

    def __init__(self, files: list[ParsedFile], db_ids: set[str], db_names: dict[str, str]):
        self.files = files
        self.db_ids = db_ids
        self.db_names = db_names
        self.pending: dict[tuple[str, str], _Pending] = {}
        self.where: dict[tuple[str, str], str] = {}
        self.batch_names: dict[str, list[str]] = {}
        self.rejected_at: dict[str, str] = {}  # account id -> where its row was rejected
        self.names: dict[int, dict[str, list[str]]] = {}  # report file -> outcome -> names
        self.from_names: set[str] = set()  # ids of accounts this run made from report names

    def note(self, pf: ParsedFile, what: str, name: str) -> None:
        """Remember a report's account name by outcome (created, again, matched)."""
        names = self.names.setdefault(id(pf), {}).setdefault(what, [])
        if name not in names:
            names.append(name)

    def reject(self, pf: ParsedFile, row: int, field_name: str, reason: str) -> None:
        pf.rejected.append(Rejection(pf.file, row, pf.header(field_name), reason))

    def add(self, entity: str, record: Any, pf: ParsedFile, row: int, id_field: str) -> bool:
        key = (entity, record.id)
        if key in self.pending:
            self.reject(
                pf, row, id_field, f"{record.id!r} appears again (first at {self.where[key]})"
            )
            return False
        self.pending[key] = _Pending(entity, record, pf, row)
        self.where[key] = f"{pf.file} row {row}"
        return True

    def build(self) -> ImportBatch:
        """Accounts first, then reports, then contacts and opportunities; then references."""
        order = {ACCOUNT: 0, REPORT: 1, CONTACT: 2, OPPORTUNITY: 2}
        for pf in sorted(self.files, key=lambda f: order[f.kind]):
            for prow in pf.rows:
                getattr(self, f"_row_{pf.kind}")(pf, prow)
        self._check_references()
        batch = ImportBatch()
        lists = {ACCOUNT: batch.accounts, CONTACT: batch.contacts, OPPORTUNITY: batch.opportunities}
        for item in self.pending.values():
            lists[item.entity].append(item.record)
        return batch

    def _make(self, model: type, pf: ParsedFile, row: int, values: dict[str, Any]) -> Any:
        try:
            # Blank cells of optional fields are passed as None so that they count as given
            # (the store updates only the columns a file has); other blanks take defaults.
            return model(
                **{
                    k: v
                    for k, v in values.items()
                    if v is not None or (k in model.model_fields and _optional(model, k))
                }
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = str(err["loc"][0]) if err["loc"] else "(whole row)"
            self.reject(pf, row, loc, err["msg"])
            return None

    def _row_account(self, pf: ParsedFile, prow: ParsedRow) -> None:
        values = {k: v for k, v in prow.values.items() if k != "is_deleted"}
        account = self._make(Account, pf, prow.row, values | {"source": "salesforce"})
        if account and self.add(ACCOUNT, account, pf, prow.row, "id"):
            self.batch_names.setdefault(name_key(account.name), []).append(account.id)

    def _row_contact(self, pf: ParsedFile, prow: ParsedRow) -> None:
        values = {k: v for k, v in prow.values.items() if k != "is_deleted"}
        contact = self._make(Contact, pf, prow.row, values | {"source": "salesforce"})
        if contact:
            self.add(CONTACT, contact, pf, prow.row, "id")

    def _row_opportunity(self, pf: ParsedFile, prow: ParsedRow) -> None:
        values = {k: v for k, v in prow.values.items() if k != "is_deleted"}
        opportunity = self._make(Opportunity, pf, prow.row, values | {"source": "salesforce"})
        if opportunity:
            self.add(OPPORTUNITY, opportunity, pf, prow.row, "id")

    def _row_account_contact_report(self, pf: ParsedFile, prow: ParsedRow) -> None:
        acc = {k[8:]: v for k, v in prow.values.items() if k.startswith("account.")}
        con = {k[8:]: v for k, v in prow.values.items() if k.startswith("contact.")}
        account_id = self._report_account(pf, prow.row, acc)
        if account_id is None or not any(v is not None for v in con.values()):
            return
        if con.get("last_name") is None:
            self.reject(pf, prow.row, "contact.last_name", "the value is empty")
            return
        cid = local_id(account_id, con.get("first_name"), con["last_name"], con.get("email"))
        values = con | {"id": cid, "account_id": account_id, "source": "report"}
        contact = self._make(Contact, pf, prow.row, values)
        if contact:
            self.add(CONTACT, contact, pf, prow.row, "contact.last_name")

    def _report_account(self, pf: ParsedFile, row: int, acc: dict[str, Any]) -> str | None:
        """The account a report row names: matched exactly, or created with a local id."""
        key = name_key(acc["name"])
        matches = self.batch_names.get(key, [])
        if len(matches) > 1:
            self.reject(
                pf,
                row,
                "account.name",
                f"{acc['name']!r} matches {len(matches)} accounts in this import "
                f"({', '.join(matches)}); a report has no Ids, so the row is not linked",
            )
            return None
        if matches:
            if matches[0] not in self.from_names:
                self.note(pf, "matched", acc["name"])
            return matches[0]
        new_id = local_id(acc["name"])
        existing = self.db_names.get(key)
        if existing and existing != new_id:
            self.note(pf, "matched", acc["name"])
            return existing
        account = self._make(Account, pf, row, acc | {"id": new_id, "source": "report"})
        if account is None or not self.add(ACCOUNT, account, pf, row, "account.name"):
            return None
        self.batch_names[key] = [new_id]
        self.from_names.add(new_id)
        self.note(pf, "created" if new_id not in self.db_ids else "again", acc["name"])
        return new_id

    def _check_references(self) -> None:
        """Reject rows whose parent or account is neither in the database nor accepted here."""
        changed = True
        while changed:
            changed = False
            accepted = {rid for (entity, rid) in self.pending if entity == ACCOUNT}
            known = self.db_ids | accepted
            for key, item in list(self.pending.items()):
                ref_field = "parent_id" if item.entity == ACCOUNT else "account_id"
                ref = getattr(item.record, ref_field)
                if not ref or ref in known:
                    continue
                if item.file.kind == REPORT:
                    ref_field = "account.name"
                if ref in self.rejected_at:
                    reason = (
                        f"account {ref} was not imported ({self.rejected_at[ref]} was rejected)"
                    )
                else:
                    reason = f"account {ref} is neither in the database nor in this import"
                self.reject(item.file, item.row, ref_field, reason)
                del self.pending[key]
                if item.entity == ACCOUNT:
                    self.rejected_at[item.record.id] = f"{item.file.file} row {item.row}"
                changed = True


def _report_notes(names: dict[str, list[str]]) -> list[str]:
    """What a report did with its account names, in words."""
    notes = []
    if names.get("created"):
        n = len(names["created"])
        notes.append(
            f"{n} account{'s' * (n != 1)} created from names (a report has no Ids): "
            + ", ".join(names["created"])
        )
    if names.get("again"):
        n = len(names["again"])
        notes.append(
            f"{n} account{'s' * (n != 1)} matched by name to accounts created by an earlier "
            "report import: " + ", ".join(names["again"])
        )
    if names.get("matched"):
        n = len(names["matched"])
        notes.append(
            f"{n} account name{'s' * (n != 1)} matched existing accounts exactly: "
            + ", ".join(names["matched"])
        )
    return notes


# -- running an import ------------------------------------------------------------------------


def _run(
    store: Store,
    sources: list[tuple[str, Callable[[], ParsedFile]]],
    *,
    strict: bool,
    who: str | None,
    progress: Progress | None,
) -> ImportReport:
    """Parse every source, build one batch, and apply it unless something forbids it."""
    total = len(sources) + 1
    parsed: list[ParsedFile] = []
    reports: list[FileReport] = []
    by_file: dict[int, FileReport] = {}
    for step, (name, load) in enumerate(sources):
        if progress:
            progress(step, total, name)
        try:
            pf = load()
        except UnusableFile as exc:
            reports.append(FileReport(file=name, kind=None, error=str(exc)))
            continue
        report = FileReport(file=name, kind=pf.kind)
        reports.append(report)
        parsed.append(pf)
        by_file[id(pf)] = report
    if progress:
        progress(len(sources), total, "Saving to the database")
    builder = _Builder(parsed, store.account_ids(), store.account_names())
    batch = builder.build()
    for pf in parsed:
        report = by_file[id(pf)]
        report.rejected = sorted(pf.rejected, key=lambda r: r.row)
        report.deleted_rows = pf.deleted_rows
        report.ignored_columns = pf.ignored_columns
        report.notes = pf.notes + _report_notes(builder.names.get(id(pf), {}))
    kinds: dict[int, dict[str, int]] = {}
    for item in builder.pending.values():
        by_file[id(item.file)].valid += 1
        per_file = kinds.setdefault(id(item.file), {})
        per_file[item.entity] = per_file.get(item.entity, 0) + 1
    for pf in parsed:
        if pf.kind == REPORT:
            written = kinds.get(id(pf), {})
            by_file[id(pf)].notes.insert(
                0,
                f"Counts are records: {written.get(ACCOUNT, 0)} accounts made from names "
                f"and {written.get(CONTACT, 0)} contacts.",
            )
    result = ImportReport(files=reports, committed=False, strict=strict)
    if any(r.error for r in reports) or (strict and result.rejected):
        return _done(result, progress, total)
    try:
        upserted = store.apply_import(batch, who=who or settings.current_user(), source="import")
    except ValueError as exc:
        result.error = f"the database refused the import ({exc}); nothing was saved"
        return _done(result, progress, total)
    result.committed = True
    _count(builder, by_file, upserted)
    return _done(result, progress, total)


def _done(result: ImportReport, progress: Progress | None, total: int) -> ImportReport:
    if progress:
        progress(total, total, "Committed" if result.committed else "Nothing imported")
    return result


def _count(builder: _Builder, by_file: dict[int, FileReport], upserted: UpsertResult) -> None:
    """Attribute inserted/updated/unchanged ids to the file each record came from."""
    outcome: dict[tuple[str, str], str] = {}
    for attr in ("inserted", "updated", "unchanged"):
        for entity, ids in getattr(upserted, attr).items():
            outcome.update({(entity, rid): attr for rid in ids})
    for key, item in builder.pending.items():
        report = by_file[id(item.file)]
        attr = {"inserted": "imported"}.get(outcome.get(key, ""), outcome.get(key))
        if attr:
            setattr(report, attr, getattr(report, attr) + 1)


def import_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    strict: bool = False,
    who: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import export files from disk, in any order, as one transaction."""

    def loader(path: Path) -> Callable[[], ParsedFile]:
        def load() -> ParsedFile:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise UnusableFile(f"{path.name} cannot be read: {exc.strerror}") from None
            return read_export(path.name, data)

        return load

    sources = [(Path(p).name, loader(Path(p))) for p in paths]
    return _run(store, sources, strict=strict, who=who, progress=progress)


def import_uploads(
    store: Store,
    uploads: Sequence[tuple[str, bytes]],
    *,
    strict: bool = False,
    who: str | None = None,
    max_bytes: int = 20_000_000,
    progress: Progress | None = None,
) -> ImportReport:
    """Import uploaded (name, bytes) pairs, refusing non-CSV and oversized files."""

    def loader(name: str, data: bytes) -> Callable[[], ParsedFile]:
        def load() -> ParsedFile:
            if not name.lower().endswith(".csv"):
                raise UnusableFile(f"{name} is not a CSV file: {SAVE_AS_CSV}")
            if len(data) > max_bytes:
                raise UnusableFile(
                    f"{name} is too large ({len(data) / 1e6:.1f} MB; the limit is "
                    f"{max_bytes / 1e6:g} MB): export fewer rows or columns, or use "
                    "'planning-kit import' on the command line"
                )
            return read_export(name, data)

        return load

    if not uploads:
        empty = FileReport(file="(no file)", kind=None, error="No file was uploaded.")
        return ImportReport(files=[empty], committed=False, strict=strict)
    sources = [(Path(name).name or "(unnamed)", loader(name, data)) for name, data in uploads]
    return _run(store, sources, strict=strict, who=who, progress=progress)


def cli_main(files: list[str], database: str | None, as_json: bool, strict: bool) -> int:
    """`planning-kit import`: print the report (or JSON) and return the exit code."""
    from planning_kit.store import Store, StoreError

    try:
        store = Store(database)
    except StoreError as exc:
        print(f"planning-kit import: {exc}", file=sys.stderr)
        return 2
    try:
        report = import_files(store, files, strict=strict)
    finally:
        store.close()
    if as_json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return report.exit_code
