"""Exports: the qualified opportunities as a Salesforce Data Loader CSV, formula neutralising."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from planning_kit.cli import EXPORT_FORMAT_NAMES
from planning_kit.export import (
    EXPORT_FORMATS,
    ExportError,
    neutralise,
    plain_number,
    render,
    write_sf_opportunities,
)
from planning_kit.model import Account, ImportBatch, Plan
from planning_kit.store import Store

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
    with pytest.raises(ExportError, match="unknown export format 'xlsx'; use sf-opportunities"):
        render("xlsx", store, plan.id)


def test_cli_choices_match_the_export_formats() -> None:
    assert list(EXPORT_FORMAT_NAMES) == list(EXPORT_FORMATS)


@pytest.mark.parametrize(("count", "words"), [(0, "0 opportunities"), (1, "1 opportunity")])
def test_row_counts_in_words(count: int, words: str) -> None:
    assert EXPORT_FORMATS["sf-opportunities"].rows(count) == words
