"""The launchpad in plain Python: accounts, plans, plan types, deep links and uploads."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime

import ipywidgets as w
import pytest

from planning_kit import settings
from planning_kit.model import salesforce_id_18
from planning_kit.plan_types import load_plan_types
from planning_kit.store import Store
from planning_kit.ui._base import is_shown
from planning_kit.ui.launchpad import Launchpad

UNITED_OIL = "001bm00001ZL8UEAA1"
UNITED_OIL_UK = "001bm00001ZL8UHAA1"
EDGE = "001bm00001ZL8U9AAL"
HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


# -- helpers --------------------------------------------------------------------------------


def html_values(widget: w.Widget) -> list[str]:
    """The value of every HTML widget in the tree under `widget`."""
    found = []
    if isinstance(widget, w.HTML | w.HTMLMath):
        found.append(widget.value)
    for child in getattr(widget, "children", ()):
        found.extend(html_values(child))
    return found


def assert_no_raw_hostile_html(lp: Launchpad) -> None:
    """No HTML widget anywhere in the launchpad shows hostile text unescaped."""
    for value in html_values(lp.widget):
        for text in (*HOSTILE, "<script", "<img"):
            assert text not in value, value


def distinctive_part(name: str, all_names: list[str]) -> str:
    """The lower-case word, word pair or whole name that the fewest other names contain."""
    tokens = name.casefold().split()
    words = [t.strip(".,") for t in tokens if len(t.strip(".,")) >= 3]
    pairs = [" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]
    candidates = [*words, *pairs, name.casefold()]
    return min(
        candidates,
        key=lambda part: (sum(part in n.casefold() for n in all_names), len(part)),
    )


def select(lp: Launchpad, text: str) -> None:
    """Type into the search box and pick the first result."""
    lp._search.value = text
    assert lp._results.options, f"nothing found for {text!r}: {lp.status.text}"
    if lp._results.value is None:
        lp._results.value = lp._results.options[0][1]


def start_plan(lp: Launchpad, type_id: str, name: str | None = None) -> None:
    """Start a plan of the type for the selected account through the form."""
    lp._start.click()
    lp._new_type.value = type_id
    if name is not None:
        lp._new_name.value = name
    lp._create.click()
    assert lp.model.plan is not None, lp.status.text


def open_opportunities(account_id: str) -> tuple[int, float]:
    """Count and total of the account's open opportunities, read straight from the sample CSV."""
    path = settings.sample_data_dir() / "Opportunity.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["AccountId"] == account_id]
    open_rows = [r for r in rows if r["IsClosed"].upper() == "FALSE"]
    return len(open_rows), sum(float(r["Amount"] or 0) for r in open_rows)


def upload_value(name: str, data: bytes, kind: str = "text/csv") -> tuple[dict, ...]:
    """What ipywidgets 8's FileUpload puts in `.value` for one file."""
    return (
        {
            "name": name,
            "type": kind,
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime(2026, 1, 1, tzinfo=UTC),
        },
    )


@pytest.fixture
def lp(sample_store, registry) -> Launchpad:
    """A launchpad over the sample store."""
    return Launchpad(sample_store, registry)


@pytest.fixture
def united_oil(lp) -> Launchpad:
    """The launchpad with United Oil & Gas Corp. selected."""
    select(lp, "united oil & gas corp")
    assert lp.model.account.id == UNITED_OIL
    return lp


# -- finding accounts -----------------------------------------------------------------------


def test_every_sample_account_is_found_by_part_of_its_name(
    sample_store, registry, sample_account_name
):
    lp = Launchpad(sample_store, registry)
    names = [a.name for a in sample_store.all_accounts()]
    account = next(a for a in sample_store.all_accounts() if a.name == sample_account_name)
    part = distinctive_part(account.name, names)
    assert part == part.lower() and part in account.name.casefold()

    lp._search.value = part

    found = [value for _label, value in lp._results.options]
    assert account.id in found
    inside_another = any(
        account.name.casefold() in n.casefold() for n in names if n != account.name
    )
    assert len(found) == 1 or inside_another  # only "Express Logistics" and the like are shared
    if len(found) == 1:
        assert lp._results.value == account.id
        assert lp.model.account.id == account.id
        assert "pk-account-facts" in lp._facts.value
        assert html_escape(account.name) in lp._facts.value
        assert not lp._start.disabled
    else:
        assert lp._results.value is None
        assert lp.model.account is None


def html_escape(text: str) -> str:
    """What the facts panel shows for a name."""
    import html

    return html.escape(text, quote=True)


def test_search_by_15_character_id_finds_the_account(lp):
    lp._search.value = UNITED_OIL[:15]
    assert lp._results.value == UNITED_OIL


def test_search_without_match_says_so(lp):
    lp._search.value = "no such company"
    assert lp._results.options == ()
    assert "No account name contains 'no such company'" in lp.status.text


def test_facts_show_industry_revenue_parent_and_open_opportunities(united_oil):
    count, total = open_opportunities(UNITED_OIL)
    assert (count, total) == (4, 1_340_000.0)  # 125k + 270k + 270k + 675k, counted by hand too
    facts = united_oil.model.facts
    assert facts.open_opportunity_count == count
    assert facts.open_opportunity_total == total
    html = united_oil._facts.value
    assert "Energy" in html
    assert "$5.6B" in html
    assert "4 · $1.3M" in html
    assert re.search(r"Parent</div><div>—</div>", html)


def test_facts_show_the_parent_once_an_export_sets_it(lp, sample_store):
    header, *rows = (settings.sample_data_dir() / "Account.csv").read_text().splitlines()
    uk = next(csv.reader([r for r in rows if r.startswith(UNITED_OIL_UK)]))
    columns = header.split(",")
    uk[columns.index("ParentId")] = UNITED_OIL
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([columns, uk])
    lp._upload.value = upload_value("Account.csv", out.getvalue().encode())
    assert "1 updated" in lp._report.value, lp._report.value

    select(lp, "united oil & gas, uk")
    assert lp.model.facts.parent.id == UNITED_OIL
    assert "Parent</div><div>United Oil &amp; Gas Corp.</div>" in lp._facts.value
    assert lp.model.facts.account.industry == "Energy"  # the rest of the row is kept

    select(lp, "united oil & gas corp")
    assert "United Oil &amp; Gas, UK" in lp._facts.value  # listed among the child accounts


# -- starting a plan ------------------------------------------------------------------------


def test_type_drop_down_shows_each_type_summary(lp, registry):
    labels = [label for label, _value in lp._new_type.options]
    assert [value for _label, value in lp._new_type.options] == list(registry.types)
    for plan_type, label in zip(registry.types.values(), labels, strict=True):
        assert plan_type.title in label and plan_type.summary in label


def test_start_plan_with_default_name(united_oil, sample_store):
    lp = united_oil
    assert lp._new_form.layout.display == "none"
    lp._start.click()
    assert lp._new_form.layout.display == "flex"
    year = date.today().year
    lp._new_type.value = "expansion"
    assert lp._new_name.value == f"United Oil & Gas Corp. – Expansion {year}"
    lp._new_type.value = "customer_success"
    assert lp._new_name.value == f"United Oil & Gas Corp. – Customer Success {year}"
    lp._create.click()

    [plan] = sample_store.list_plans(UNITED_OIL)
    assert plan.name == f"United Oil & Gas Corp. \u2013 Customer Success {year}"
    assert plan.plan_type == "customer_success"
    assert plan.created_by == "tester"
    assert lp.model.plan.id == plan.id
    assert lp._plan_type.value == "customer_success"
    assert lp.status.kind == "ok" and plan.name in lp.status.text


def test_start_plan_with_edited_name_keeps_it_across_type_changes(united_oil, sample_store):
    lp = united_oil
    lp._start.click()
    lp._new_name.value = "UOG refinery push"
    lp._new_type.value = "acquisition"
    assert lp._new_name.value == "UOG refinery push"
    lp._create.click()
    [plan] = sample_store.list_plans(UNITED_OIL)
    assert (plan.name, plan.plan_type) == ("UOG refinery push", "acquisition")
    assert "UOG refinery push" in lp._plan_header.value


def test_start_is_disabled_until_an_account_is_chosen(lp):
    assert lp._start.disabled
    select(lp, "genepoint")
    assert not lp._start.disabled


def test_open_an_existing_plan(united_oil, sample_store):
    first = sample_store.create_plan(UNITED_OIL, "expansion", "Older plan")
    lp = Launchpad(sample_store, united_oil.model.registry)
    select(lp, "united oil & gas corp")
    assert lp._plans.options == ((f"{first.name} (plan {first.id}: Expansion, draft)", first.id),)
    lp._open_plan.click()
    assert lp.model.plan.id == first.id
    assert lp.status.text == "Opened Older plan."


# -- changing the plan type -----------------------------------------------------------------


def test_changing_type_updates_tiles_and_keeps_hidden_answers(united_oil, sample_store, registry):
    lp = united_oil
    start_plan(lp, "expansion")
    plan = lp.model.plan
    question = registry.get("expansion").questions()[0]
    positive = next(o for o in question.options if o.score == "positive")
    plan, _ = sample_store.set_answer(plan.id, plan.version, question.id, positive.id, "Big fleet")
    lp.model.context.replace(plan)
    lp.refresh()
    total_expansion = len(registry.get("expansion").questions())
    total_success = len(registry.get("customer_success").questions())
    assert f"1 of {total_expansion} answered · amber" in lp._tile_lines["account_details"].value
    assert not lp._tile_buttons["potentials"].disabled

    lp._plan_type.value = "customer_success"

    assert sample_store.get_plan(plan.id).plan_type == "customer_success"
    assert lp.status.text == "Plan type is now Customer Success."
    reason = registry.get("customer_success").tile_reason("potentials")
    assert lp._tile_buttons["potentials"].disabled
    assert "Off in Customer Success plans" in lp._tile_lines["potentials"].value
    assert html_escape(reason) in lp._tile_lines["potentials"].value
    assert f"0 of {total_success} answered · grey" in lp._tile_lines["account_details"].value
    assert question.id in sample_store.answers(plan.id)  # kept, hidden

    lp._plan_type.value = "expansion"

    assert not lp._tile_buttons["potentials"].disabled
    assert f"1 of {total_expansion} answered · amber" in lp._tile_lines["account_details"].value
    answer = sample_store.answers(plan.id)[question.id]
    assert (answer.option_id, answer.notes) == (positive.id, "Big fleet")


def test_switched_off_tile_cannot_be_opened(united_oil):
    lp = united_oil
    start_plan(lp, "customer_success")
    lp._on_tile("potentials")  # what a click would do if the button were not disabled
    assert lp.model.tile is None
    assert lp.status.kind == "error"
    assert "Potentials is switched off" in lp.status.text


def test_open_tile_and_back(united_oil):
    lp = united_oil
    start_plan(lp, "acquisition")
    lp._tile_buttons["account_details"].click()
    assert lp.model.tile == "account_details"
    assert lp._home.layout.display == "none"
    assert is_shown(lp._tile_page)
    assert lp._tile_box.children and "pk-account_details" in lp._tile_box.children[0]._dom_classes

    view = lp._tile_view

    lp._back.click()

    assert lp.model.tile is None
    assert lp._home.layout.display == "flex"
    assert not is_shown(lp._tile_page)
    assert lp._tile_box.children == (view.widget,)  # kept, so that opening it again is quick

    lp._tile_buttons["account_details"].click()

    assert lp._tile_view is view
    assert is_shown(lp._tile_page)


def shown_views(lp: Launchpad) -> list[str]:
    """The tiles whose kept views are displayed (not hidden) in the tile page."""
    return [tile for tile, view in lp._views.items() if is_shown(view.widget)]


def browser_says_idle(lp: Launchpad) -> None:
    """What the browser sends once the page has settled after the kernel asked."""
    beacon = lp._beacon
    beacon._on_browser_message(beacon, {"event": "idle", "ticket": beacon.ticket}, [])


def test_a_kept_tile_shows_what_changed_while_it_was_closed(united_oil, sample_store):
    lp = united_oil
    start_plan(lp, "expansion")
    lp._tile_buttons["potentials"].click()
    tile = lp._tile_view
    lp._back.click()
    plan = lp.model.plan
    sample_store.set_potential(
        plan.id, plan.version, None, "emergency_generators", status="won", amount=150_000, who="x"
    )

    lp._tile_buttons["potentials"].click()

    assert lp._tile_view is tile
    assert "won $150k" in tile._summary.value  # refreshed when shown again


def test_only_the_open_tile_shows(united_oil):
    lp = united_oil
    start_plan(lp, "expansion")
    for tile in ("account_details", "potentials", "objectives", "insight_map"):
        lp._tile_buttons[tile].click()
        assert shown_views(lp) == [tile]
        lp._back.click()
    assert set(lp._views) == {"account_details", "potentials", "objectives", "insight_map"}


def test_tiles_are_built_ahead_once_the_browser_is_idle(united_oil):
    lp = united_oil
    assert lp._beacon.ticket == 0  # no plan open: nothing to prepare
    start_plan(lp, "customer_success")
    assert lp._beacon.ticket == 1 and lp._views == {}  # asked; nothing built until idle

    browser_says_idle(lp)

    enabled = lp.model.enabled_tiles()
    assert "potentials" not in enabled  # Customer Success switches Potentials off
    assert list(lp._views) == enabled
    assert shown_views(lp) == []  # all hidden on the launchpad
    assert not is_shown(lp._tile_page)
    kept = dict(lp._views)

    lp._tile_buttons["objectives"].click()

    assert lp._tile_view is kept["objectives"]  # shown, not built again
    assert shown_views(lp) == ["objectives"]


def test_an_old_or_repeated_idle_message_builds_nothing(united_oil):
    lp = united_oil
    start_plan(lp, "expansion")
    beacon = lp._beacon
    beacon._on_browser_message(beacon, {"event": "idle", "ticket": beacon.ticket - 1}, [])
    beacon._on_browser_message(beacon, {"event": "nonsense"}, [])
    beacon._on_browser_message(beacon, "idle", [])
    assert lp._views == {}

    browser_says_idle(lp)
    built = dict(lp._views)
    browser_says_idle(lp)  # a second view of the same page answers too

    assert lp._views == built and all(lp._views[t] is built[t] for t in built)


def test_a_type_change_asks_for_the_tiles_it_switches_on(united_oil):
    lp = united_oil
    start_plan(lp, "customer_success")
    browser_says_idle(lp)
    ticket = lp._beacon.ticket

    lp._plan_type.value = "expansion"  # switches Potentials on

    assert lp._beacon.ticket == ticket + 1
    browser_says_idle(lp)
    assert "potentials" in lp._views


def test_opening_another_plan_closes_the_old_plans_views(united_oil):
    lp = united_oil
    start_plan(lp, "expansion", "First plan")
    browser_says_idle(lp)
    old = dict(lp._views)
    grid = old["potentials"]._table
    assert grid.comm is not None

    start_plan(lp, "acquisition", "Second plan")

    assert lp._views == {} and lp._tile_box.children == ()
    assert all(view.widget.comm is None for view in old.values())
    assert grid.comm is None and grid.layout.comm is None  # children and layouts closed too
    lp._tile_buttons["potentials"].click()
    assert lp._tile_view.model.context.plan.name == "Second plan"


def test_coming_soon_tile_opens_a_placeholder(united_oil):
    lp = united_oil
    start_plan(lp, "expansion")
    lp._tile_buttons["insight_map"].click()
    assert lp.model.tile == "insight_map"
    assert "Coming soon" in lp._tile_box.children[0].value


# -- deep links -----------------------------------------------------------------------------


def test_link_with_18_character_id_opens_the_account(sample_store, registry):
    lp = Launchpad(sample_store, registry, query=f"?account={UNITED_OIL}")
    assert lp.model.account.id == UNITED_OIL
    assert lp._search.value == "United Oil & Gas Corp."
    assert "4 · $1.3M" in lp._facts.value
    assert lp.status.text == ""


def test_link_with_15_character_id_opens_the_account(sample_store, registry):
    lp = Launchpad(sample_store, registry, query=f"account={UNITED_OIL[:15]}")
    assert lp.model.account.id == UNITED_OIL
    assert lp.model.link() == f"?account={UNITED_OIL}"


def test_link_opens_plan_and_tile(sample_store, registry):
    plan = sample_store.create_plan(UNITED_OIL, "expansion", "Deep-linked plan")
    query = f"?account={UNITED_OIL[:15]}&plan={plan.id}&tile=account_details"
    lp = Launchpad(sample_store, registry, query=query)
    assert lp.model.plan.id == plan.id
    assert lp.model.tile == "account_details"
    assert is_shown(lp._tile_page)
    assert lp._tile_box.children[0] is lp._tile_view.widget
    assert lp.model.link() == f"?account={UNITED_OIL}&plan={plan.id}&tile=account_details"
    assert lp.status.text == ""


def test_link_from_the_query_string_variable(sample_store, registry, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", f"account={UNITED_OIL}")
    monkeypatch.setattr("planning_kit.ui.launchpad.Store", lambda: sample_store)
    monkeypatch.setattr("planning_kit.ui.launchpad.load_plan_types", lambda: registry)
    lp = Launchpad.from_environment()
    assert lp.model.account.id == UNITED_OIL


def bad_links(sample_store) -> dict[str, tuple[str, str]]:
    """Query string -> (expected text in the status line, what stays open)."""
    other = sample_store.create_plan(EDGE, "expansion", "Edge plan")
    mine = sample_store.create_plan(UNITED_OIL, "customer_success", "UOG success")
    return {
        "unknown account": (
            "?account=001bm00001ZZZZZAA5",
            "No account with Id '001bm00001ZZZZZAA5'",
        ),
        "malformed id": ("?account=12345", "'12345' is not an account Id"),
        "bad checksum": (f"?account={UNITED_OIL[:15]}AA9", "is not an account Id (wrong checksum"),
        "blank account": ("?account=", "No account Id was given."),
        "non-numeric plan": (f"?account={UNITED_OIL}&plan=abc", "'abc' is not a plan number."),
        "plan of another account": (
            f"?account={UNITED_OIL}&plan={other.id}",
            f"This account has no plan number {other.id}.",
        ),
        "plan without account": (f"?plan={mine.id}", "Choose an account first"),
        "unknown tile": (
            f"?account={UNITED_OIL}&plan={mine.id}&tile=whiteboard",
            "There is no tile 'whiteboard'",
        ),
        "tile switched off": (
            f"?account={UNITED_OIL}&plan={mine.id}&tile=potentials",
            "Potentials is switched off. Off in Customer Success plans:",
        ),
        "tile without plan": (f"?account={UNITED_OIL}&tile=account_details", "Open a plan first."),
        "unknown parameter": (f"?account={UNITED_OIL}&colour=red", "unknown link parameter"),
    }


BAD_LINK_CASES = [
    "unknown account",
    "malformed id",
    "bad checksum",
    "blank account",
    "non-numeric plan",
    "plan of another account",
    "plan without account",
    "unknown tile",
    "tile switched off",
    "tile without plan",
    "unknown parameter",
]


@pytest.mark.parametrize("case", BAD_LINK_CASES)
def test_bad_link_shows_a_clear_message(sample_store, registry, case):
    query, expected = bad_links(sample_store)[case]
    lp = Launchpad(sample_store, registry, query=query)
    assert expected in lp.status.text
    assert lp.status.kind == "error"
    assert lp.model.tile is None
    assert_no_raw_hostile_html(lp)


def test_link_problem_keeps_what_was_valid(sample_store, registry):
    lp = Launchpad(sample_store, registry, query=f"?account={UNITED_OIL}&plan=abc")
    assert lp.model.account.id == UNITED_OIL
    assert lp.model.plan is None
    assert "4 · $1.3M" in lp._facts.value


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("key", ["account", "plan", "tile", "evil"])
def test_hostile_link_text_is_never_shown_unescaped(sample_store, registry, key, hostile):
    from urllib.parse import quote

    plan = sample_store.create_plan(UNITED_OIL, "expansion", "Plan")
    values = {"account": UNITED_OIL, "plan": str(plan.id), "tile": "account_details"}
    if key == "evil":
        values[hostile] = "1"
    else:
        values[key] = hostile
    query = "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in values.items())

    lp = Launchpad(sample_store, registry, query=query)

    assert lp.status.kind == "error"
    assert lp.status.text  # a message, in plain text...
    assert_no_raw_hostile_html(lp)  # ...escaped wherever it is shown


def test_hostile_account_data_is_escaped_everywhere(lp, sample_store):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [
            ["Id", "Name", "Industry", "BillingCity"],
            [EDGE, f"{HOSTILE[0]} Edge", HOSTILE[1], HOSTILE[0]],
        ]
    )
    data = out.getvalue().encode()
    lp._upload.value = upload_value("Account.csv", data)
    assert "1 updated" in lp._report.value
    select(lp, "alert(1)</script> edge")
    assert lp.model.account.id == EDGE
    start_plan(lp, "expansion")  # the default name carries the hostile account name
    assert HOSTILE[0] in lp.model.plan.name
    assert html_escape(HOSTILE[1]) in lp._facts.value  # shown, but escaped
    assert_no_raw_hostile_html(lp)
    lp._tile_buttons["account_details"].click()
    assert_no_raw_hostile_html(lp)


# -- failures show in the status line -------------------------------------------------------


def test_failing_create_shows_in_the_status_line(united_oil, sample_store, monkeypatch):
    lp = united_oil

    def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(sample_store, "create_plan", broken)
    lp._start.click()
    lp._create.click()  # must not raise

    assert lp.status.kind == "error"
    assert "RuntimeError: database on fire" in lp.status.text
    assert "Nothing else was changed" in lp.status.text
    assert lp.model.plan is None
    assert sample_store.list_plans(UNITED_OIL) == []


def test_failing_type_change_shows_in_the_status_line(united_oil, sample_store, monkeypatch):
    lp = united_oil
    start_plan(lp, "expansion")

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sample_store, "change_plan_type", broken)
    lp._plan_type.value = "acquisition"
    assert "RuntimeError: disk full" in lp.status.text
    assert sample_store.get_plan(lp.model.plan.id).plan_type == "expansion"


# -- upload ---------------------------------------------------------------------------------


def test_upload_of_an_account_export_imports_it(lp, sample_store):
    new_id = salesforce_id_18("001bm00001ABCDE")
    data = f"Id,Name,Industry,AnnualRevenue\n{new_id},Zephyr Turbines,Energy,2500000\n".encode()
    before = sample_store.count_accounts()

    lp._upload.value = upload_value("Account.csv", data)

    assert sample_store.count_accounts() == before + 1
    assert "Account.csv (accounts): 1 imported, 0 updated, 0 unchanged, 0 rejected" in (
        lp._report.value
    )
    assert "Committed." in lp._report.value
    assert lp.status.kind == "ok"
    assert lp._upload.value == ()
    assert lp._progress.layout.display == "none"

    lp._search.value = "zephyr"
    assert lp._results.value == new_id
    assert "$2.5M" in lp._facts.value


def test_upload_of_a_workbook_is_refused_with_a_message(lp, sample_store):
    before = sample_store.count_accounts()
    xlsx = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200
    lp._upload.value = upload_value(
        "plan.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )

    assert sample_store.count_accounts() == before
    assert "plan.xlsx is not a CSV file" in lp._report.value
    assert "Nothing was imported" in lp._report.value
    assert lp.status.kind == "error"
    assert "Import had problems" in lp.status.text
    assert lp._upload.value == ()


def test_upload_with_one_bad_file_imports_nothing(lp, sample_store):
    before = sample_store.count_accounts()
    new_id = salesforce_id_18("001bm00001ABCDF")
    good = upload_value("Account.csv", f"Id,Name\n{new_id},Nimbus Power\n".encode())
    bad = upload_value("notes.txt", b"hello")
    lp._upload.value = good + bad
    assert sample_store.count_accounts() == before
    assert "notes.txt is not a CSV file" in lp._report.value


def test_rename_the_open_plan(united_oil, sample_store):
    lp = united_oil
    start_plan(lp, "expansion")
    lp._plan_name.value = "  UOG – refinery expansion  "
    [plan] = sample_store.list_plans(UNITED_OIL)
    assert plan.name == "UOG – refinery expansion"
    assert plan.version == 2
    assert lp.status.kind == "ok"
    [event] = [e for e in sample_store.events(plan_id=plan.id) if e.field == "name"]
    assert event.new_value == "UOG – refinery expansion" and event.who == "tester"


def test_rename_to_nothing_is_refused_and_the_name_comes_back(united_oil, sample_store):
    lp = united_oil
    start_plan(lp, "expansion")
    before = lp.model.plan.name
    lp._plan_name.value = "   "
    assert lp.status.kind == "error" and "needs a name" in lp.status.text
    assert sample_store.list_plans(UNITED_OIL)[0].name == before
    assert lp._plan_name.value == before


def test_rename_after_someone_else_changed_the_plan_is_a_conflict(united_oil, sample_store):
    lp = united_oil
    start_plan(lp, "expansion")
    plan = lp.model.plan
    other = Store(sample_store.url)
    other.update_plan(plan.id, plan.version, name="Renamed elsewhere")
    lp._plan_name.value = "My name"
    assert lp.status.kind == "error" and "changed elsewhere" in lp.status.text
    assert sample_store.get_plan(plan.id).name == "Renamed elsewhere"
    # The launchpad reloaded the plan: the next rename works.
    assert lp._plan_name.value == "Renamed elsewhere"
    lp._plan_name.value = "My name"
    assert sample_store.get_plan(plan.id).name == "My name"
    other.close()


def test_invalid_plan_type_file_is_skipped_and_named(sample_store, tmp_path):
    folder = tmp_path / "plan_types"
    shutil.copytree(settings.plan_types_dir(), folder)
    text = (folder / "acquisition.yaml").read_text()
    (folder / "acquisition.yaml").write_text(text.replace("title:", "titel:", 1))
    lp = Launchpad(sample_store, load_plan_types(folder))
    assert set(lp.model.registry.types) == {"expansion", "customer_success"}
    assert lp.status.kind == "warning"
    assert "acquisition.yaml" in lp.status.text and "titel" in lp.status.text
    assert [value for _label, value in lp._new_type.options] == ["expansion", "customer_success"]


def test_query_string_is_read_without_loading_the_jupyter_server():
    """A page's kernel must not import voila (it pulls in the whole Jupyter server: ~2.7 s)."""
    code = (
        "import sys; from planning_kit.ui.launchpad import Launchpad; "
        "from planning_kit.ui._base import page_query_string; "
        "print(page_query_string()); print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('voila', 'jupyter_server', 'pandas')))"
    )
    env = {**os.environ, "QUERY_STRING": "account=001bm00001ZL8UA&plan=3"}
    env.pop("VOILA_PREHEAT", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["account=001bm00001ZL8UA&plan=3", "[]"]


def test_type_change_conflict_shows_the_plan_as_it_now_is(united_oil, sample_store):
    lp = united_oil
    start_plan(lp, "expansion")
    plan = lp.model.plan
    other = Store(sample_store.url)
    other.change_plan_type(plan.id, plan.version, "customer_success")
    other.close()

    lp._plan_type.value = "acquisition"

    assert lp.status.kind == "error" and "changed elsewhere" in lp.status.text
    assert sample_store.get_plan(plan.id).plan_type == "customer_success"
    assert lp._plan_type.value == "customer_success"  # not the refused choice
    assert lp._tile_buttons["potentials"].disabled
    assert f"version {plan.version + 1}" in lp._plan_header.value


def test_link_with_a_lower_cased_18_character_id_opens_the_account(sample_store, registry):
    lp = Launchpad(sample_store, registry, query=f"?account={UNITED_OIL.lower()}")
    assert lp.status.kind != "error", lp.status.text
    assert lp.model.account.id == UNITED_OIL


def test_upload_with_rejected_rows_warns_instead_of_claiming_success(lp, sample_store):
    contacts = "Id,AccountId,LastName\n003bm00000zzzzzAAA,001bm00009ZZZZZAA5,Nobody\n"
    lp._upload.value = upload_value("Contact.csv", contacts.encode())
    assert lp.status.kind == "warning"
    assert "1 row(s) were rejected" in lp.status.text
    assert "AccountId" in lp._report.value


def test_plans_drop_down_says_there_are_no_plans_yet(united_oil):
    assert united_oil._plans.index == 0
    assert united_oil._plans.label == "No plans yet: start one"
    assert united_oil._plans.disabled


@pytest.mark.parametrize("setting", ["type", "name"])
def test_a_teammates_answer_does_not_block_a_type_change_or_a_rename(
    united_oil, sample_store, setting
):
    """Another tab saved an answer (the plan's version moved on): the setting still saves."""
    lp = united_oil
    start_plan(lp, "expansion")
    plan = lp.model.plan
    question = lp.model.context.plan_type.questions()[0]
    other = Store(sample_store.url)
    other.set_answer(plan.id, plan.version, question.id, question.options[0].id, "", who="bo")
    other.close()

    if setting == "type":
        lp._plan_type.value = "customer_success"
        assert sample_store.get_plan(plan.id).plan_type == "customer_success"
    else:
        lp._plan_name.value = "Grow United Oil"
        assert sample_store.get_plan(plan.id).name == "Grow United Oil"
    assert lp.status.kind != "error", lp.status.text
    assert sample_store.answers(plan.id)[question.id].option_id == question.options[0].id


def open_objectives_with(lp: Launchpad, name: str):
    """Start an Expansion plan, open Objectives and add an objective; the tile's view."""
    start_plan(lp, "expansion")
    lp._tile_buttons["objectives"].click()
    tile = lp._tile_view
    tile._new_objective.value = name
    tile._on_add_objective()
    return tile


def test_an_unsaved_edit_is_said_on_the_launchpad_when_the_tile_is_left(united_oil, sample_store):
    lp = united_oil
    tile = open_objectives_with(lp, "Grow")
    tile._o["due_date"].value = "2026-02-31"  # refused beside the field

    lp._back.click()

    assert lp.status.kind == "warning"
    assert lp.status.text.startswith("Not saved on 'Grow': Due date: '2026-02-31'")
    lp._tile_buttons["objectives"].click()
    lp._back.click()  # said once
    assert "Not saved" not in lp.status.text


def test_a_tile_shown_again_starts_without_its_old_message(united_oil):
    lp = united_oil
    tile = open_objectives_with(lp, "Grow")
    assert tile.status.text.startswith("Added the objective")
    lp._back.click()
    lp._tile_buttons["objectives"].click()
    assert lp._tile_view is tile  # the kept view
    assert tile.status.text == ""
