"""Exports of a plan for other tools: qualified opportunities as a Salesforce Data Loader CSV.

Every export is plain text built in memory first, so a refusal never leaves half a file. Text
cells go through `neutralise` (formula injection); numbers and dates are written raw.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from .model import InvalidSalesforceId, Opportunity, Plan, Potential, salesforce_id_18
from .plan_types import Catalogue, load_plan_types
from .store import PlanNotFound, Store, StoreError

# A spreadsheet runs a cell that starts with one of these as a formula (or DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
OPPORTUNITY_COLUMNS = ("AccountId", "Name", "StageName", "CloseDate", "Amount", "Description")
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
}


def render(format_name: str, store: Store, plan_id: int) -> tuple[bytes, int]:
    """The export as UTF-8 bytes (no byte-order mark) and how many rows it holds."""
    export = EXPORT_FORMATS.get(format_name)
    if export is None:
        raise ExportError(f"unknown export format {format_name!r}; use {', '.join(EXPORT_FORMATS)}")
    buffer = io.StringIO(newline="")
    count = export.writer(store, plan_id, buffer)
    return buffer.getvalue().encode("utf-8"), count
