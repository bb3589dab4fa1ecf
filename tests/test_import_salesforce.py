"""Salesforce CSV import: the real sample exports, and one small fixture per quirk."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest

from planning_kit import settings
from planning_kit.importers.salesforce import (
    Rejection,
    UnusableFile,
    cli_main,
    import_files,
    import_uploads,
    local_id,
    read_export,
)

SAMPLES = settings.sample_data_dir()
SAMPLE_FILES = ["Account.csv", "Contact.csv", "Opportunity.csv", "Accounts-Contacts_report.csv"]
FIXTURES = Path(__file__).parent / "fixtures" / "import"
ACCOUNTS = SAMPLES / "Account.csv"
EDGE = "001bm00001ZL8U9AAL"
BURLINGTON = "001bm00001ZL8UAAA1"
REPORT_NEW_ACCOUNTS = [
    "Alpha Dynamics",
    "Madison Investments",
    "Burlington Textiles",
    "OpenFloor Furniture",
    "Express Logistics",
    "Jefferson Management",
    "Northern Trail Travel",
    "United Productions",
]


def fixture(name: str) -> Path:
    return FIXTURES / name


def snapshot(store) -> dict:
    """Everything the import can change, as plain data."""
    accounts = store.all_accounts()
    return {
        "accounts": sorted(a.model_dump_json() for a in accounts),
        "contacts": sorted(c.model_dump_json() for a in accounts for c in store.contacts(a.id)),
        "opportunities": sorted(
            o.model_dump_json() for a in accounts for o in store.opportunities(a.id)
        ),
    }


def counts(store) -> tuple[int, int, int]:
    snap = snapshot(store)
    return len(snap["accounts"]), len(snap["contacts"]), len(snap["opportunities"])


def by_file(report) -> dict:
    return {f.file: f for f in report.files}


# -- the real sample exports ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "rows"),
    [
        ("Account.csv", "account", 18),
        ("Contact.csv", "contact", 25),
        ("Opportunity.csv", "opportunity", 36),
        ("Accounts-Contacts_report.csv", "account_contact_report", 14),
    ],
)
def test_sample_file_is_recognised_and_parses_cleanly(name, kind, rows):
    parsed = read_export(name, (SAMPLES / name).read_bytes())
    assert parsed.kind == kind
    assert len(parsed.rows) == rows
    assert parsed.rejected == []
    assert parsed.deleted_rows == []


def test_samples_import_without_rejections_in_any_order(store):
    paths = [SAMPLES / n for n in reversed(SAMPLE_FILES)]  # accounts last on purpose
    report = import_files(store, paths)
    files = by_file(report)
    assert report.committed and report.exit_code == 0
    assert report.rejected == []
    assert (files["Account.csv"].imported, files["Account.csv"].kind) == (18, "account")
    assert files["Contact.csv"].imported == 25
    assert files["Opportunity.csv"].imported == 36
    # The report: 8 accounts made from names that match nothing, plus 6 contacts.
    assert files["Accounts-Contacts_report.csv"].imported == 14
    assert counts(store) == (18 + 8, 25 + 6, 36)
    assert files["Opportunity.csv"].ignored_columns == [
        "ExpectedRevenue",
        "LastModifiedDate",
        "LastActivityDate",
        "Opportunity Lifecycle (Days)",
        "Opp Creation Date_Simulated",
        "Opp Close Date_Simulated",
    ]
    assert files["Accounts-Contacts_report.csv"].ignored_columns == ["Contact: Picture"]


def test_sample_values_are_stored_as_exported(store):
    import_files(store, [SAMPLES / n for n in SAMPLE_FILES])
    edge = store.get_account(EDGE)
    assert edge.name == "Edge Communications"
    assert edge.annual_revenue == 139_000_000
    assert edge.number_of_employees == 1000
    assert edge.source == "salesforce"
    assert store.get_account("001bm00001ZL8UHAA1").name == "United Oil & Gas, UK"
    contacts = {c.last_name: c for c in store.contacts("001bm00001ZL8UFAA1")}
    assert contacts["Levy"].email == "b.levy@expressl&t.net"
    assert contacts["Levy"].title == "SVP, Operations"
    opportunities = store.opportunities("001bm00001ZL8UEAA1")
    installs = [o for o in opportunities if o.name == "United Oil Installations"]
    assert len(installs) == 3  # duplicate names on one account are different opportunities
    first = next(o for o in opportunities if o.id == "006bm00000LKJNOAA5")
    assert first.close_date == date(2024, 2, 3)
    assert first.created_date == datetime(2026, 2, 23)
    assert (first.amount, first.probability, first.is_closed) == (125000, 90, False)
    blank = next(o for o in store.opportunities("001bm00001ZMQX5AAP"))
    assert blank.amount is None


def test_report_matches_exact_names_only_and_creates_the_rest(store):
    report = import_files(store, [SAMPLES / n for n in SAMPLE_FILES])
    notes = by_file(report)["Accounts-Contacts_report.csv"].notes
    assert (
        "8 accounts created from names (a report has no Ids): " + ", ".join(REPORT_NEW_ACCOUNTS)
        in notes
    )
    assert "2 account names matched existing accounts exactly: GenePoint, Edge Communications" in (
        notes
    )
    # "Burlington Textiles" is not guessed to be "Burlington Textiles Corp of America".
    made = store.get_account(local_id("Burlington Textiles"))
    assert (made.name, made.source, made.type) == (
        "Burlington Textiles",
        "report",
        "Customer - Direct",
    )
    assert made.phone == "6179658855"
    assert [c.last_name for c in store.contacts(BURLINGTON)] == ["Rogers"]
    alpha = store.contacts(local_id("Alpha Dynamics"))
    assert sorted(c.last_name for c in alpha) == ["Kingsley", "Taylor", "Wu"]
    assert {c.source for c in alpha} == {"report"}
    assert all(c.id.startswith("local-") for c in alpha)


def test_reimport_is_idempotent(store):
    paths = [SAMPLES / n for n in SAMPLE_FILES]
    import_files(store, paths)
    before = snapshot(store)
    again = import_files(store, paths)
    assert again.committed and again.rejected == []
    for f in again.files:
        assert f.imported == 0
        assert f.updated + f.unchanged == f.valid
    assert sum(f.unchanged for f in again.files) == 18 + 25 + 36 + 14
    assert snapshot(store) == before
    notes = by_file(again)["Accounts-Contacts_report.csv"].notes
    assert any(n.startswith("8 accounts matched by name to accounts created by") for n in notes)


def test_reimport_updates_by_id(store, tmp_path):
    import_files(store, [ACCOUNTS])
    changed = tmp_path / "Account.csv"
    changed.write_bytes(ACCOUNTS.read_bytes().replace(b"Austin,TX", b"Dallas,TX"))
    report = import_files(store, [changed])
    assert (report.files[0].imported, report.files[0].updated) == (0, 1)
    assert report.files[0].unchanged == 17
    assert store.get_account(EDGE).billing_city == "Dallas"
    assert counts(store)[0] == 18


def test_export_with_fewer_columns_keeps_saved_fields(store, tmp_path):
    """A later export with only some columns updates those and blanks nothing else."""
    import_files(store, [ACCOUNTS])
    uk = store.find_accounts("United Oil & Gas, UK")[0]
    corp = store.find_accounts("United Oil & Gas Corp.")[0]
    narrow = tmp_path / "Account.csv"
    narrow.write_text(
        f"Id,Name,ParentId,Industry\n{uk.id},{uk.name!r},{corp.id},\n".replace("'", '"')
    )
    report = import_files(store, [narrow])
    assert report.exit_code == 0, report.lines()
    after = store.get_account(uk.id)
    assert after.parent_id == corp.id
    assert after.industry is None  # the column was there, and blank: cleared on purpose
    assert (after.type, after.number_of_employees, after.ownership) == (
        uk.type,
        uk.number_of_employees,
        uk.ownership,
    )
    assert after.type == "Customer - Direct" and after.number_of_employees == 24000


def test_export_without_parent_column_keeps_the_parent(store, tmp_path):
    import_files(store, [ACCOUNTS])
    uk = store.find_accounts("United Oil & Gas, UK")[0]
    corp = store.find_accounts("United Oil & Gas Corp.")[0]
    with_parent = tmp_path / "Account.csv"
    with_parent.write_text(f'Id,Name,ParentId\n{uk.id},"{uk.name}",{corp.id}\n')
    import_files(store, [with_parent])
    without_parent = tmp_path / "renamed.csv"
    without_parent.write_text(f"Id,Name\n{uk.id},United Oil and Gas UK\n")
    report = import_files(store, [without_parent])
    assert report.files[0].updated == 1
    after = store.get_account(uk.id)
    assert (after.name, after.parent_id) == ("United Oil and Gas UK", corp.id)


# -- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("account_lowercase_headers.csv", "account"),
        ("contact_uppercase_headers.csv", "contact"),
        ("opportunity_report_headers.csv", "opportunity"),
        ("opportunity_label_headers.csv", "opportunity"),
        ("report_name_matching.csv", "account_contact_report"),
    ],
)
def test_header_styles_are_recognised(name, kind):
    parsed = read_export(name, fixture(name).read_bytes())
    assert parsed.kind == kind
    assert parsed.rejected == []


def test_lowercase_api_headers_map_to_fields(store):
    report = import_files(store, [fixture("account_lowercase_headers.csv")])
    assert report.files[0].imported == 2
    child = store.get_account(BURLINGTON)
    assert (child.parent_id, child.billing_postal_code, child.number_of_employees) == (
        EDGE,
        "27215",
        9000,
    )


def test_uppercase_api_headers_map_to_fields(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("contact_uppercase_headers.csv")])
    assert report.files[0].imported == 1
    (rose,) = store.contacts(EDGE)
    assert (rose.first_name, rose.title, rose.email) == (
        "Rose",
        "SVP, Procurement",
        "rose@edge.com",
    )


@pytest.mark.parametrize(
    "name", ["opportunity_report_headers.csv", "opportunity_label_headers.csv"]
)
def test_report_and_label_headers_map_to_fields(store, name):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture(name)])
    assert report.files[0].imported == 1
    (opp,) = store.opportunities(EDGE)
    assert (opp.name, opp.stage, opp.close_date, opp.amount) == (
        "Edge Emergency Generator",
        "Closed Won",
        date(2024, 2, 3),
        75000,
    )


def test_unknown_columns_are_ignored_and_listed(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("opportunity_unknown_column.csv")])
    assert report.files[0].ignored_columns == ["Opportunity Lifecycle (Days)", "Favourite Colour"]
    assert "  Ignored columns: Opportunity Lifecycle (Days), Favourite Colour" in report.lines()
    assert report.files[0].imported == 1


# -- encodings and CSV layout -----------------------------------------------------------------


def test_utf8_bom_is_not_part_of_the_first_header(store):
    assert fixture("account_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_files(store, [fixture("account_bom.csv")])
    assert report.files[0].ignored_columns == []
    assert store.get_account(EDGE).billing_city == "Austin"


def test_windows_1252_is_decoded(store):
    data = fixture("contact_cp1252.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    import_files(store, [ACCOUNTS])
    import_files(store, [fixture("contact_cp1252.csv")])
    (contact,) = store.contacts(EDGE)
    assert (contact.first_name, contact.last_name) == ("Renée", "O’Brien")
    assert (contact.title, contact.department) == ("Ingénieure en chef", "Budget €")


def test_crlf_and_multiline_quoted_field_count_as_one_row(store):
    assert b"\r\n" in fixture("opportunity_crlf_multiline.csv").read_bytes()
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("opportunity_crlf_multiline.csv")])
    (opp,) = store.opportunities(EDGE)
    assert opp.description == 'Line one\nline two, with a comma\nline "three"'
    # The multi-line record is row 2, so the next record is row 3 (not row 5).
    assert [r.row for r in report.files[0].rejected] == [3]


def test_ragged_row_with_extra_values_is_rejected():
    parsed = read_export("account_ragged_row.csv", fixture("account_ragged_row.csv").read_bytes())
    assert parsed.rejected == [
        Rejection(
            "account_ragged_row.csv", 2, "(whole row)", "the row has 3 fields but the header has 2"
        )
    ]


# -- values -----------------------------------------------------------------------------------


def test_15_character_ids_are_normalised_to_18(store):
    report = import_files(store, [fixture("account_15_char_ids.csv")])
    assert store.get_account(BURLINGTON).parent_id == EDGE
    assert store.get_account(EDGE).name == "Edge Communications"
    assert [str(r) for r in report.files[0].rejected] == [
        "account_15_char_ids.csv row 4, Id: '001bm00001ZL8UB!' is not a Salesforce Id "
        "(15 or 18 letters and digits); the row was not imported"
    ]


def test_booleans_true_false_any_case_and_digits(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("opportunity_booleans.csv")])
    flags = {o.name: (o.is_closed, o.is_won) for o in store.opportunities(EDGE)}
    assert flags == {
        "Won upper": (True, True),
        "Won lower": (True, True),
        "Lost digits": (True, False),
        "Open": (False, False),
    }
    (bad,) = report.files[0].rejected
    assert (bad.row, bad.field, bad.reason) == (6, "IsClosed", "'yes' is not TRUE or FALSE")


def test_us_dates_with_and_without_time(store):
    import_files(store, [ACCOUNTS])
    import_files(store, [fixture("opportunity_us_dates.csv")])
    got = {o.name: (o.close_date, o.created_date) for o in store.opportunities(EDGE)}
    assert got == {
        "Two-digit year": (date(2024, 2, 3), datetime(2026, 2, 23, 20, 55)),
        "No leading zeros": (date(2024, 2, 3), datetime(2025, 12, 1, 0, 5)),
        "End of year": (date(2027, 12, 31), datetime(2026, 2, 23)),
    }


def test_iso_dates_and_timestamps(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("opportunity_iso_dates.csv")])
    assert report.rejected == []
    got = {o.name: (o.close_date, o.created_date) for o in store.opportunities(EDGE)}
    stamp = datetime(2024, 2, 3, 10, 15)
    assert got == {
        "ISO date": (date(2024, 2, 3), stamp),
        "ISO timestamp": (date(2024, 2, 3), stamp),
        "Offset": (date(2024, 2, 3), stamp),
    }


def test_day_first_date_is_rejected_never_guessed(store):
    import_files(store, [ACCOUNTS])
    data = fixture("opportunity_day_first_date.csv").read_bytes()
    report = import_uploads(store, [("Opportunity.csv", data)])
    assert report.committed
    assert [str(r) for r in report.rejected] == [
        "Opportunity.csv row 7, CloseDate: '31/12/2027' is not a US date "
        "(MM/DD/YY or MM/DD/YYYY); the row was not imported"
    ]
    assert report.files[0].imported == 5


def test_numbers_blank_thousands_and_dollars(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("opportunity_numbers.csv")])
    amounts = {o.name: (o.amount, o.probability) for o in store.opportunities(EDGE)}
    assert amounts == {
        "Blank amount": (None, None),
        "Thousands": (1250000.50, 10),
        "Dollars": (75000, 50),
    }
    (bad,) = report.rejected
    assert (bad.file, bad.row, bad.field, bad.reason) == (
        "opportunity_numbers.csv",
        5,
        "Amount",
        "'12k' is not a number",
    )


def test_codes_with_leading_zeros_stay_text(store):
    import_files(store, [fixture("account_leading_zeros.csv")])
    edge = store.get_account(EDGE)
    assert (edge.billing_postal_code, edge.phone) == ("02134", "0044 20 7946 0000")
    assert edge.number_of_employees == 1000


def test_hostile_text_is_stored_as_given(store):
    import_files(store, [fixture("account_hostile_text.csv")])
    edge = store.get_account(EDGE)
    assert edge.name == "<script>alert(1)</script> Edge"
    assert edge.industry == "=cmd|' /C calc'!A0"
    assert edge.type == "\u202eevil\u200b zero-width"


# -- rows and references ----------------------------------------------------------------------


def test_deleted_rows_are_reported_not_imported(store):
    report = import_files(store, [fixture("account_deleted_rows.csv")])
    assert report.files[0].deleted_rows == [3, 5]
    assert report.files[0].imported == 2
    assert store.get_account(BURLINGTON) is None
    assert "  Deleted in Salesforce (IsDeleted TRUE), not imported: rows 3, 5" in report.lines()


def test_contact_with_unknown_account_is_rejected(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("contact_unknown_account.csv")])
    assert report.committed and report.exit_code == 0
    assert report.rejected == [
        Rejection(
            "contact_unknown_account.csv",
            3,
            "AccountId",
            "account 001bm00001ZZZZZAA5 is neither in the database nor in this import",
        )
    ]
    assert report.files[0].imported == 1


def test_account_with_unknown_parent_is_rejected_and_so_are_its_contacts(store):
    report = import_files(
        store, [fixture("contact_uppercase_headers.csv"), fixture("account_unknown_parent.csv")]
    )
    rejected = {(r.file, r.row, r.field) for r in report.rejected}
    assert rejected == {("account_unknown_parent.csv", 3, "ParentId")}
    assert store.get_account(BURLINGTON) is None
    assert [c.last_name for c in store.contacts(EDGE)] == ["Gonzalez"]


def test_contacts_of_a_rejected_account_are_rejected_too(store, tmp_path):
    contact = tmp_path / "Contact.csv"
    contact.write_text("Id,AccountId,LastName\n003bm00000zaptjAAA,001bm00001ZL8UAAA1,Rogers\n")
    report = import_files(store, [contact, fixture("account_unknown_parent.csv")])
    assert [str(r) for r in report.rejected] == [
        "Contact.csv row 2, AccountId: account 001bm00001ZL8UAAA1 was not imported "
        "(account_unknown_parent.csv row 3 was rejected); the row was not imported",
        "account_unknown_parent.csv row 3, ParentId: account 001bm00001ZZZZZAA5 is neither "
        "in the database nor in this import; the row was not imported",
    ]


def test_report_names_match_case_and_spacing_but_never_prefixes(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("report_name_matching.csv")])
    assert report.rejected == []
    (rose,) = store.contacts(EDGE)
    assert (rose.last_name, rose.source) == ("Gonzalez", "report")
    assert store.get_account(local_id("Edge")).name == "Edge"
    assert store.get_account(local_id("Burlington Textiles")).name == "Burlington Textiles"
    assert report.files[0].notes == [
        "Counts are records: 2 accounts made from names and 1 contacts.",
        "2 accounts created from names (a report has no Ids): Edge, Burlington Textiles",
        "1 account name matched existing accounts exactly: edge   COMMUNICATIONS",
    ]


def test_duplicate_id_in_one_import_is_rejected(store, tmp_path):
    copy = tmp_path / "Account copy.csv"
    copy.write_bytes(ACCOUNTS.read_bytes())
    report = import_files(store, [ACCOUNTS, copy])
    assert len(report.rejected) == 18
    assert str(report.rejected[0]) == (
        "Account copy.csv row 2, Id: '001bm00001ZL8U9AAL' appears again "
        "(first at Account.csv row 2); the row was not imported"
    )
    assert counts(store)[0] == 18


# -- strict mode, unusable files, uploads -----------------------------------------------------


def test_strict_aborts_and_leaves_the_database_unchanged(store):
    import_files(store, [ACCOUNTS])
    before = snapshot(store)
    paths = [SAMPLES / "Contact.csv", fixture("opportunity_numbers.csv")]
    report = import_files(store, paths, strict=True)
    assert (report.committed, report.exit_code) == (False, 1)
    assert snapshot(store) == before
    assert counts(store) == (18, 0, 0)
    assert report.lines()[-1] == (
        "Nothing was imported: strict mode and 1 rejected row; the database is unchanged."
    )


def test_non_strict_commits_the_valid_rows(store):
    import_files(store, [ACCOUNTS])
    report = import_files(store, [fixture("opportunity_numbers.csv")])
    assert (report.committed, report.exit_code) == (True, 0)
    assert counts(store) == (18, 0, 3)
    assert report.lines()[-1] == "Committed."


def test_unknown_kind_names_the_file_and_headers(store):
    before = counts(store)
    report = import_files(store, [ACCOUNTS, fixture("unknown_kind.csv")])
    assert (report.committed, report.exit_code) == (False, 2)
    assert report.files[1].error == (
        "unknown_kind.csv is not a Salesforce Account, Contact or Opportunity export, nor an "
        "Accounts with Contacts report. Headers found: 'Subject', 'Status', 'Priority'"
    )
    assert counts(store) == before  # the good Account.csv was not committed either
    assert report.lines()[-1] == (
        "Nothing was imported: fix or remove unknown_kind.csv and import again."
    )


def _xlsx_bytes() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Account.csv is empty: export the report or object again"),
        (b"  \r\n\r\n", "Account.csv is empty: export the report or object again"),
        (
            _xlsx_bytes(),
            "Account.csv is not a CSV file (it is an Excel workbook or another zip file): "
            "save it from Excel as 'CSV UTF-8' and upload again",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            "Account.csv is not a CSV file (it is a PDF): export the data as CSV",
        ),
        (
            bytes(range(256)) * 4,
            "Account.csv is not a CSV file (it contains binary data): "
            "save it from Excel as 'CSV UTF-8' and upload again",
        ),
        (
            b'Id,Name\n001bm00001ZL8U9AAL,"Edge\n',
            "Account.csv is not a well-formed CSV file (row 2): unexpected end of data",
        ),
    ],
)
def test_unusable_content_is_refused_with_a_message(data, message):
    with pytest.raises(UnusableFile) as caught:
        read_export("Account.csv", data)
    assert str(caught.value) == message


def test_upload_that_is_not_a_csv_file(store):
    report = import_uploads(store, [("Accounts.xlsx", _xlsx_bytes())])
    assert (report.committed, report.exit_code) == (False, 2)
    assert report.files[0].error == (
        "Accounts.xlsx is not a CSV file: save it from Excel as 'CSV UTF-8' and upload again"
    )
    assert report.lines() == [
        "Accounts.xlsx is not a CSV file: save it from Excel as 'CSV UTF-8' and upload again",
        "Nothing was imported: fix or remove Accounts.xlsx and import again.",
    ]


def test_upload_of_a_zip_renamed_to_csv(store):
    report = import_uploads(store, [("Account.csv", _xlsx_bytes())])
    assert report.exit_code == 2
    assert "is not a CSV file (it is an Excel workbook" in report.files[0].error


def test_upload_that_is_too_large(store):
    data = ACCOUNTS.read_bytes()
    report = import_uploads(store, [("Account.csv", data)], max_bytes=1000)
    assert report.exit_code == 2
    assert report.files[0].error == (
        "Account.csv is too large (0.0 MB; the limit is 0.001 MB): export fewer rows or "
        "columns, or use 'planning-kit import' on the command line"
    )
    assert counts(store) == (0, 0, 0)


def test_uploads_of_the_samples(store):
    uploads = [(n, (SAMPLES / n).read_bytes()) for n in SAMPLE_FILES]
    report = import_uploads(store, uploads)
    assert report.exit_code == 0
    assert (
        report.lines()[0]
        == "Account.csv (accounts): 18 imported, 0 updated, 0 unchanged, 0 rejected"
    )


def test_no_upload_is_not_a_silent_import(store):
    report = import_uploads(store, [])
    assert report.exit_code == 2
    assert report.lines()[0] == "No file was uploaded."


def test_progress_is_reported_per_file(store):
    calls = []
    import_files(store, [SAMPLES / n for n in SAMPLE_FILES], progress=lambda *a: calls.append(a))
    assert calls == [
        (0, 5, "Account.csv"),
        (1, 5, "Contact.csv"),
        (2, 5, "Opportunity.csv"),
        (3, 5, "Accounts-Contacts_report.csv"),
        (4, 5, "Saving to the database"),
        (5, 5, "Committed"),
    ]


# -- the command line -------------------------------------------------------------------------


def test_cli_imports_and_prints_the_report(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    code = cli_main([str(SAMPLES / n) for n in SAMPLE_FILES], url, False, False)
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "Account.csv (accounts): 18 imported, 0 updated, 0 unchanged, 0 rejected"
    assert out[-1] == "Committed."


def test_cli_json_shape(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    cli_main([str(ACCOUNTS)], url, True, False)
    code = cli_main([str(fixture("contact_unknown_account.csv"))], url, True, True)
    data = json.loads(capsys.readouterr().out.split("\n}\n", 1)[1])
    assert code == 1
    assert set(data) == {"committed", "strict", "exit_code", "error", "files"}
    assert (data["committed"], data["strict"], data["exit_code"]) == (False, True, 1)
    (entry,) = data["files"]
    assert entry["kind"] == "contact"
    assert entry["rejected"] == [
        {
            "file": "contact_unknown_account.csv",
            "row": 3,
            "field": "AccountId",
            "reason": "account 001bm00001ZZZZZAA5 is neither in the database nor in this import",
            "message": "contact_unknown_account.csv row 3, AccountId: account 001bm00001ZZZZZAA5 "
            "is neither in the database nor in this import; the row was not imported",
        }
    ]
    assert set(entry) >= {"file", "imported", "updated", "unchanged", "deleted_rows", "notes"}


@pytest.mark.parametrize(
    ("name", "strict", "code"),
    [
        ("account_bom.csv", False, 0),
        ("account_15_char_ids.csv", False, 0),
        ("account_15_char_ids.csv", True, 1),
        ("unknown_kind.csv", False, 2),
        ("does_not_exist.csv", False, 2),
    ],
)
def test_cli_exit_codes(tmp_path, capsys, name, strict, code):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert cli_main([str(fixture(name))], url, False, strict) == code
    out = capsys.readouterr().out
    assert (
        out.strip().splitlines()[-1]
        == {
            0: "Committed.",
            1: "Nothing was imported: strict mode and 1 rejected row; the database is unchanged.",
            2: f"Nothing was imported: fix or remove {name} and import again.",
        }[code]
    )
