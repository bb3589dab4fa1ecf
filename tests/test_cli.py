"""`planning-kit check | setup | import | export`: output and exit codes."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from planning_kit import settings
from planning_kit.cli import main, voila_command
from planning_kit.model import Account, ImportBatch
from planning_kit.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXECUTABLE = Path(sys.executable).parent / "planning-kit"


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


# -- check ----------------------------------------------------------------------------------


def test_check_shipped_plan_types_exits_0(capsys):
    assert main(["check", str(settings.plan_types_dir())]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("4 files valid")


def test_check_without_a_folder_uses_the_configured_one(capsys, monkeypatch):
    monkeypatch.delenv(settings.PLAN_TYPES_VAR, raising=False)
    assert main(["check"]) == 0
    assert "4 files valid" in capsys.readouterr().out


@pytest.mark.skipif(not EXECUTABLE.exists(), reason="the console script is not installed")
def test_check_through_the_installed_command():
    result = subprocess.run(
        [str(EXECUTABLE), "check", "plan_types"],
        cwd=settings.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "plan_types: 4 files valid" in result.stdout


def test_check_names_file_and_field_of_a_broken_copy(tmp_path, capsys):
    folder = tmp_path / "plan_types"
    shutil.copytree(settings.plan_types_dir(), folder)
    path = folder / "expansion.yaml"
    text = path.read_text(encoding="utf-8")
    assert "notes_required: always" in text
    path.write_text(text.replace("notes_required: always", "notes_required: sometimes", 1))

    assert main(["check", str(folder)]) == 1

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "expansion.yaml: sections[2].questions[0].notes_required: 'sometimes' is not allowed; "
        "use 'never', 'always', 'when_negative' or 'when_not_positive'"
    ]


def test_check_of_a_missing_folder_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err


# -- setup ----------------------------------------------------------------------------------


def test_setup_imports_the_sample_data_once(tmp_path, capsys):
    url = sqlite_url(tmp_path)

    assert main(["setup", "--database", url]) == 0
    first = capsys.readouterr().out
    assert "Account.csv (accounts): 18 imported" in first
    assert "Committed." in first
    store = Store(url)
    accounts, events = store.count_accounts(), len(store.events())
    store.close()
    assert accounts > 0

    started = time.perf_counter()
    assert main(["setup", "--database", url]) == 0
    seconds = time.perf_counter() - started

    second = capsys.readouterr().out
    assert second.strip().splitlines() == [f"Database ready: {url} ({accounts} accounts)."]
    assert seconds < 5
    store = Store(url)
    assert (store.count_accounts(), len(store.events())) == (accounts, events)
    store.close()


def test_setup_with_force_sample_reimports_without_changes(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    assert main(["setup", "--database", url]) == 0
    capsys.readouterr()
    assert main(["setup", "--database", url, "--force-sample"]) == 0
    out = capsys.readouterr().out
    assert "Account.csv (accounts): 0 imported, 0 updated, 18 unchanged" in out


def test_setup_with_a_bad_url_exits_2(capsys):
    assert main(["setup", "--database", "not a url"]) == 2
    assert "planning-kit setup:" in capsys.readouterr().err


# -- import ---------------------------------------------------------------------------------


def test_import_exits_0_when_committed(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    files = [str(settings.sample_data_dir() / n) for n in ("Opportunity.csv", "Account.csv")]
    assert main(["import", "--database", url, *files]) == 0
    out = capsys.readouterr().out
    assert "Account.csv (accounts): 18 imported" in out
    assert out.strip().endswith("Committed.")
    store = Store(url)
    assert store.count_accounts() == 18
    store.close()


def test_import_strict_with_a_rejected_row_exits_1(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    bad = tmp_path / "Account.csv"
    bad.write_text(
        "Id,Name,AnnualRevenue\n"
        "001bm00001ZL8U9AAL,Edge Communications,139000000\n"
        "001bm00001ZL8UAAA1,Burlington Textiles Corp of America,lots\n"
    )
    assert main(["import", "--database", url, "--strict", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Account.csv row 3, AnnualRevenue: 'lots' is not a number" in out
    assert "Nothing was imported" in out
    store = Store(url)
    assert store.count_accounts() == 0
    store.close()

    # Without --strict the good row is imported, the bad one reported, and the exit code is 0.
    assert main(["import", "--database", url, str(bad)]) == 0
    assert "1 imported" in capsys.readouterr().out


def test_import_of_an_unknown_file_kind_exits_2(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    account = settings.sample_data_dir() / "Account.csv"
    code = main(["import", "--database", url, str(account), str(FIXTURES / "unknown_kind.csv")])
    assert code == 2
    out = capsys.readouterr().out
    assert "unknown_kind.csv" in out
    assert "Nothing was imported" in out
    store = Store(url)
    assert store.count_accounts() == 0
    store.close()


def test_import_json_report(tmp_path, capsys):
    import json

    url = sqlite_url(tmp_path)
    assert main(["import", "--json", "--database", url, str(FIXTURES / "unknown_kind.csv")]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["exit_code"] == 2
    assert report["committed"] is False


# -- export ---------------------------------------------------------------------------------

SF_ACCOUNT = "001bm00001ZL8UEAA1"
EXPORT_HEADER = ["AccountId", "Name", "StageName", "CloseDate", "Amount", "Description"]


def seed_export(url: str, names: list[str], account_id: str = SF_ACCOUNT) -> int:
    """An account with a plan that qualified one opportunity per name; the plan id."""
    store = Store(url)
    store.apply_import(ImportBatch(accounts=[Account(id=account_id, name="United Oil")]))
    plan = store.create_plan(account_id, "expansion", "FY27 growth")
    solutions = ["standby_generators", "portable_generators", "installation"]
    for name, solution in zip(names, solutions, strict=False):
        plan, _ = store.set_potential(
            plan.id, plan.version, None, solution, status="potential", amount=1000.0
        )
        plan, _ = store.qualify_potential(
            plan.id,
            plan.version,
            None,
            solution,
            name=name,
            close_date=date(2027, 3, 31),
            stage="Prospecting",
        )
    store.close()
    return plan.id


def read_csv(data: bytes) -> list[dict[str, str]]:
    """CSV bytes read back with DictReader, after checking the header."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    assert reader.fieldnames == EXPORT_HEADER
    return rows


def test_export_writes_the_file_and_reports_the_count(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_export(url, ["Müller – Ölraffinerie ☃", "=cmd|' /C calc'!A0", "Pumps"])
    path = tmp_path / "opportunities.csv"

    code = main(
        [
            "export",
            str(plan_id),
            "--format",
            "sf-opportunities",
            "--output",
            str(path),
            "--database",
            url,
        ]
    )

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == ""
    assert captured.err == f"Wrote 3 opportunities to {path}\n"
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert [row["Name"] for row in rows] == [
        "'=cmd|' /C calc'!A0",
        "Müller – Ölraffinerie ☃",
        "Pumps",
    ]
    assert {row["AccountId"] for row in rows} == {SF_ACCOUNT}
    assert {row["Amount"] for row in rows} == {"1000"}


def test_export_without_output_writes_the_csv_to_stdout(tmp_path, capsysbinary):
    url = sqlite_url(tmp_path)
    plan_id = seed_export(url, ["Müller – Ölraffinerie ☃"])

    code = main(["export", str(plan_id), "--format", "sf-opportunities", "--database", url])

    captured = capsysbinary.readouterr()
    assert code == 0, captured.err
    assert captured.err == b"Wrote 1 opportunity to standard output\n"
    assert captured.out.startswith(b"AccountId,Name,")
    [row] = read_csv(captured.out)
    assert row["Name"] == "Müller – Ölraffinerie ☃"
    assert row["CloseDate"] == "2027-03-31"


def test_export_of_a_plan_with_nothing_qualified_writes_the_header(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_export(url, [])
    path = tmp_path / "empty.csv"
    args = ["export", str(plan_id), "--format", "sf-opportunities", "--output", str(path)]

    assert main([*args, "--database", url]) == 0

    assert capsys.readouterr().err == f"Wrote 0 opportunities to {path}\n"
    assert read_csv(path.read_bytes()) == []


@pytest.mark.parametrize(
    ("plan", "account_id", "message"),
    [
        ("abc", SF_ACCOUNT, "PLAN must be a plan number such as 3, not 'abc'"),
        ("999", SF_ACCOUNT, "no plan with id 999"),
        (None, "local-0123456789ab", "Data Loader needs a Salesforce AccountId"),
    ],
)
def test_export_refusals_exit_2_with_one_line(tmp_path, capsys, plan, account_id, message):
    url = sqlite_url(tmp_path)
    plan_id = seed_export(url, ["Pumps"], account_id=account_id)
    path = tmp_path / "out.csv"
    args = ["export", plan or str(plan_id), "--format", "sf-opportunities", "--output", str(path)]

    assert main([*args, "--database", url]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("planning-kit export: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert not path.exists()


def test_export_into_a_missing_folder_exits_2(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_export(url, ["Pumps"])
    path = tmp_path / "nowhere" / "out.csv"
    args = ["export", str(plan_id), "--format", "sf-opportunities", "--output", str(path)]

    assert main([*args, "--database", url]) == 2

    err = capsys.readouterr().err
    assert err == (
        f"planning-kit export: cannot write {path}: the folder {path.parent} does not exist\n"
    )
    assert not path.parent.exists()


TASK_HEADER = ["Subject", "ActivityDate", "Status", "Priority", "WhatId", "Description", "Owner"]


def seed_actions(url: str, actions: list[tuple[str, date | None, str]], **account: str) -> int:
    """A plan with one High objective holding (name, due date, status) actions; the plan id."""
    account_id = account.get("account_id", SF_ACCOUNT)
    store = Store(url)
    store.apply_import(ImportBatch(accounts=[Account(id=account_id, name="Ölwerk Zoë")]))
    plan = store.create_plan(account_id, "expansion", "Zoë – Ölraffinerie ☃")
    plan, anna = store.add_member(plan.id, plan.version, "Anna", "Engineer", "anna@example.com")
    plan, goal = store.add_objective(
        plan.id, plan.version, name="Grow pumps", type="Relationship", priority="High"
    )
    for name, due, status in actions:
        plan, _ = store.add_action(
            plan.id,
            plan.version,
            objective_id=goal.id,
            name=name,
            owner_id=anna.id,
            due_date=due,
            status=status,
        )
    store.close()
    return plan.id


EXPORT_ACTIONS = [
    ("Zoë – Ölraffinerie ☃", date(2027, 3, 5), "open"),
    ("=cmd|' /C calc'!A0", None, "open"),
    ("Sent the quote", date(2027, 2, 1), "done"),
]


def test_export_sf_tasks_writes_the_open_actions(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_actions(url, EXPORT_ACTIONS)
    path = tmp_path / "tasks.csv"
    args = ["export", str(plan_id), "--format", "sf-tasks", "--output", str(path)]

    code = main([*args, "--database", url])

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == ""
    assert captured.err == f"Wrote 2 tasks to {path}\n"
    data = path.read_bytes()
    assert data.startswith(b"Subject,ActivityDate,Status,Priority,WhatId,Description,Owner\r\n")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    assert reader.fieldnames == TASK_HEADER
    assert [(row["Subject"], row["ActivityDate"]) for row in rows] == [
        ("Zoë – Ölraffinerie ☃", "2027-03-05"),
        ("'=cmd|' /C calc'!A0", ""),
    ]
    assert {(row["WhatId"], row["Priority"], row["Owner"]) for row in rows} == {
        (SF_ACCOUNT, "High", "anna@example.com")
    }


def test_export_ics_writes_the_dated_actions(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_actions(url, EXPORT_ACTIONS)
    path = tmp_path / "actions.ics"
    args = ["export", str(plan_id), "--format", "ics", "--output", str(path)]

    assert main([*args, "--database", url]) == 0

    assert capsys.readouterr().err == f"Wrote 2 actions to {path}\n"
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Zoë – Ölraffinerie ☃ – actions"
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [
        "Zoë – Ölraffinerie ☃",
        "Done: Sent the quote",
    ]
    assert [event.decoded("DTSTART") for event in events] == [date(2027, 3, 5), date(2027, 2, 1)]


def test_export_ics_to_stdout(tmp_path, capsysbinary):
    url = sqlite_url(tmp_path)
    plan_id = seed_actions(url, EXPORT_ACTIONS[:1])

    assert main(["export", str(plan_id), "--format", "ics", "--database", url]) == 0

    captured = capsysbinary.readouterr()
    assert captured.err == b"Wrote 1 action to standard output\n"
    [event] = Calendar.from_ical(captured.out).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Zoë – Ölraffinerie ☃"


def test_export_sf_tasks_of_only_done_actions_writes_the_header(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_actions(url, [("Sent the quote", date(2027, 2, 1), "done")])
    path = tmp_path / "tasks.csv"
    args = ["export", str(plan_id), "--format", "sf-tasks", "--output", str(path)]

    assert main([*args, "--database", url]) == 0

    assert capsys.readouterr().err == f"Wrote 0 tasks to {path}\n"
    assert path.read_bytes() == b"Subject,ActivityDate,Status,Priority,WhatId,Description,Owner\r\n"


def test_export_ics_of_only_undated_actions_writes_an_empty_calendar(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_actions(url, [("Someday", None, "open")])
    path = tmp_path / "actions.ics"
    args = ["export", str(plan_id), "--format", "ics", "--output", str(path)]

    assert main([*args, "--database", url]) == 0

    assert capsys.readouterr().err == f"Wrote 0 actions to {path}\n"
    calendar = Calendar.from_ical(path.read_bytes())
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar.walk("VEVENT") == []


@pytest.mark.parametrize(
    ("format_name", "plan", "account_id", "message"),
    [
        ("sf-tasks", "abc", SF_ACCOUNT, "PLAN must be a plan number such as 3, not 'abc'"),
        ("sf-tasks", "999", SF_ACCOUNT, "no plan with id 999"),
        ("sf-tasks", None, "local-0123456789ab", "Data Loader needs a Salesforce AccountId"),
        ("ics", "abc", SF_ACCOUNT, "PLAN must be a plan number such as 3, not 'abc'"),
        ("ics", "999", SF_ACCOUNT, "no plan with id 999"),
    ],
)
def test_action_export_refusals_exit_2_with_one_line(
    tmp_path, capsys, format_name, plan, account_id, message
):
    url = sqlite_url(tmp_path)
    plan_id = seed_actions(url, EXPORT_ACTIONS, account_id=account_id)
    path = tmp_path / "out.txt"
    args = ["export", plan or str(plan_id), "--format", format_name, "--output", str(path)]

    assert main([*args, "--database", url]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("planning-kit export: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert not path.exists()


def test_export_ics_of_a_local_account_exits_0(tmp_path, capsys):
    url = sqlite_url(tmp_path)
    plan_id = seed_actions(url, EXPORT_ACTIONS, account_id="local-0123456789ab")
    path = tmp_path / "actions.ics"
    args = ["export", str(plan_id), "--format", "ics", "--output", str(path)]

    assert main([*args, "--database", url]) == 0

    assert capsys.readouterr().err == f"Wrote 2 actions to {path}\n"
    assert len(Calendar.from_ical(path.read_bytes()).walk("VEVENT")) == 2


def test_export_of_an_unknown_format_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", "1", "--format", "xlsx"])
    assert exc.value.code == 2
    assert "invalid choice: 'xlsx'" in capsys.readouterr().err


def test_unknown_command_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_voila_command_refuses_port_retries():
    command = voila_command(8899, "127.0.0.1")
    assert "--Voila.port_retries=0" in command
    assert "--port=8899" in command
    assert command[-1].endswith(str(settings.PROJECT_ROOT))
