"""The main job end to end in Voila on the sample data.

Deep link to United Oil & Gas Corp., start an Expansion plan, answer two Account Details
questions, map a potential, add an objective with two actions, reload, and check every item
in the page and in the database.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from planning_kit.plan_types import load_plan_types
from planning_kit.potentials import columns_for
from planning_kit.store import Store

UNITED_OIL_15 = "001bm00001ZL8UE"
UNITED_OIL = "001bm00001ZL8UEAA1"
TIMEOUT = 60_000
OBJECTIVE = "Win the refinery standby fleet"
ACTIONS = ("Meet the plant manager", "Send the proposal")


def open_page(page: Page, query: str) -> None:
    """Load the launchpad at a deep link and wait until it is drawn."""
    page.goto(query, timeout=TIMEOUT)
    expect(page.locator(".pk-launchpad")).to_be_visible(timeout=TIMEOUT)


def open_tile(page: Page, tile: str) -> None:
    """Click a launchpad tile."""
    button = page.locator(f"button.pk-launchpad-tile-{tile}")
    expect(button).to_be_enabled(timeout=TIMEOUT)
    button.click()


def back(page: Page) -> None:
    """Back to the launchpad."""
    page.locator("button.pk-launchpad-back").click()
    expect(page.locator(".pk-launchpad-tile-line-objectives")).to_be_visible(timeout=TIMEOUT)


def start_expansion_plan(page: Page) -> None:
    """Start an Expansion plan with its default name."""
    page.locator("button.pk-launchpad-start").click()
    select = page.locator(".pk-launchpad-new-type select")
    expect(select).to_be_visible(timeout=TIMEOUT)
    label = next(t for t in select.locator("option").all_inner_texts() if t.startswith("Expansion"))
    select.select_option(label=label)
    page.locator("button.pk-launchpad-create").click()
    expect(page.locator(".pk-plan-name")).to_contain_text(
        "United Oil & Gas Corp. – Expansion", timeout=TIMEOUT
    )


def answer(page: Page, question_id: str, option_label: str) -> None:
    """Choose an option of one Account Details question and wait until it is saved."""
    block = page.locator(f".pk-account_details-q-{question_id}")
    expect(block).to_be_visible(timeout=TIMEOUT)
    block.locator(".pk-account_details-option button", has_text=option_label).click()
    expect(block.locator(".pk-account_details-message")).to_contain_text("Saved", timeout=TIMEOUT)


def field(page: Page, kind: str, role: str, tag: str = "input"):
    """An editor field of the Objectives tile."""
    return page.locator(f".pk-objectives-{kind}-{role} {tag}")


def saved(page: Page, kind: str, role: str) -> None:
    """Wait for the 'Saved' message next to an editor field."""
    expect(page.locator(f".pk-objectives-{kind}-{role}-message")).to_contain_text(
        "Saved", timeout=TIMEOUT
    )


def test_the_main_job_end_to_end(page: Page, voila_server) -> None:
    types = load_plan_types()
    questions = types.get("expansion").questions()[:2]
    chosen = {q.id: next(o for o in q.options if o.score == "positive") for q in questions}
    columns = [c.solution_id for c in columns_for(types.get("expansion"), types.catalogue)]
    column = columns.index("remote_monitoring")

    # 1. Deep link (15-character Id) to the account; start an Expansion plan.
    open_page(page, f"?account={UNITED_OIL_15}")
    expect(page.locator(".pk-launchpad-facts")).to_contain_text("United Oil & Gas Corp.")
    start_expansion_plan(page)

    # 2. Answer two Account Details questions.
    open_tile(page, "account_details")
    for question in questions:
        answer(page, question.id, chosen[question.id].label)
    back(page)
    expect(page.locator(".pk-launchpad-tile-line-account_details")).to_contain_text(
        f"2 of {len(types.get('expansion').questions())} answered"
    )

    # 3. Map a potential with an amount and a timing.
    open_tile(page, "potentials")
    page.locator(f".pk-potentials-grid td[data-row='0'][data-col='{column}']").click()
    panel = page.locator(".pk-potentials-panel")
    expect(panel).to_contain_text("Remote Monitoring", timeout=TIMEOUT)
    panel.locator(".pk-potentials-status-choice select").select_option(label="Potential")
    expect(panel.locator(".pk-potentials-message")).to_contain_text("Saved", timeout=TIMEOUT)
    panel.locator(".pk-potentials-amount input").fill("250k")
    panel.locator(".pk-potentials-amount input").press("Enter")
    expect(page.locator(".pk-potentials-line")).to_contain_text("potential $250k", timeout=TIMEOUT)
    panel.locator(".pk-potentials-timing input").fill("2027-Q2")
    panel.locator(".pk-potentials-timing input").press("Enter")
    expect(panel.locator(".pk-potentials-message")).to_contain_text("Saved", timeout=TIMEOUT)
    back(page)

    # 4. An objective with two owned, dated actions.
    open_tile(page, "objectives")
    page.locator(".pk-objectives-new-objective input").fill(OBJECTIVE)
    page.locator("button.pk-objectives-add-objective").click()
    expect(page.locator(".pk-objectives-status")).to_contain_text(
        f"Added the objective '{OBJECTIVE}'", timeout=TIMEOUT
    )
    field(page, "objective", "due_date").fill("2027-06-30")
    field(page, "objective", "due_date").press("Enter")
    saved(page, "objective", "due_date")
    owner = "browser-tester (Account Executive)"
    field(page, "objective", "owner_id", "select").select_option(label=owner)
    saved(page, "objective", "owner_id")
    for name, due in zip(ACTIONS, ("2027-01-15", "2027-02-15"), strict=True):
        page.locator(".pk-objectives-new-action input").fill(name)
        page.locator("button.pk-objectives-add-action").click()
        expect(page.locator(".pk-objectives-status")).to_contain_text(
            f"Added the action '{name}' to '{OBJECTIVE}'", timeout=TIMEOUT
        )
        field(page, "action", "due_date").fill(due)
        field(page, "action", "due_date").press("Enter")
        saved(page, "action", "due_date")
        field(page, "action", "owner_id", "select").select_option(label=owner)
        saved(page, "action", "owner_id")
    listed = page.locator(".pk-objectives-list")
    expect(listed).not_to_contain_text("Plan at least two actions", timeout=TIMEOUT)

    # 5. Reload at the plan: every tile line and every item is kept.
    store = Store(voila_server.database_url)
    plan = store.list_plans(UNITED_OIL)[0]
    open_page(page, f"?account={UNITED_OIL}&plan={plan.id}")
    lines = {
        tile: page.locator(f".pk-launchpad-tile-line-{tile}")
        for tile in ("account_details", "potentials", "objectives")
    }
    expect(lines["account_details"]).to_contain_text("2 of", timeout=TIMEOUT)
    expect(lines["potentials"]).to_contain_text(
        f"{len(columns) - 1}/{len(columns)} white space · potential $250k"
    )
    expect(lines["objectives"]).to_contain_text("1 objective · 2 actions open · 0 overdue")
    open_tile(page, "objectives")
    for text in (OBJECTIVE, *ACTIONS):
        expect(listed).to_contain_text(text, timeout=TIMEOUT)
    expect(listed.locator(".pk-item-action")).to_have_count(2)
    back(page)
    open_tile(page, "potentials")
    cell = page.locator(f".pk-potentials-grid td[data-row='0'][data-col='{column}']")
    expect(cell).to_have_text("$250k", timeout=TIMEOUT)
    expect(cell).to_have_class(re.compile(r"\bpk-cell-potential\b"))
    back(page)
    open_tile(page, "account_details")
    for question in questions:
        block = page.locator(f".pk-account_details-q-{question.id}")
        expect(block.locator(".pk-account_details-option button.mod-active")).to_have_text(
            chosen[question.id].label, timeout=TIMEOUT
        )

    # 6. The database holds every item.
    assert plan.plan_type == "expansion" and plan.owner == "browser-tester"
    answers = store.answers(plan.id)
    assert {qid: a.option_id for qid, a in answers.items()} == {
        q.id: chosen[q.id].id for q in questions
    }
    cells = [p for p in store.potentials(plan.id) if not p.is_empty]
    assert [(c.solution_id, c.status, c.amount, c.timing) for c in cells] == [
        ("remote_monitoring", "potential", 250_000, "2027-Q2")
    ]
    (objective,) = store.objectives(plan.id)
    owner_id = store.team(plan.id)[0].id
    assert (objective.name, objective.owner_id, objective.due_date.isoformat()) == (
        OBJECTIVE,
        owner_id,
        "2027-06-30",
    )
    actions = store.actions(plan.id)
    assert [
        (a.name, a.objective_id, a.owner_id, a.due_date.isoformat(), a.status) for a in actions
    ] == [
        (ACTIONS[0], objective.id, owner_id, "2027-01-15", "open"),
        (ACTIONS[1], objective.id, owner_id, "2027-02-15", "open"),
    ]
    assert "Traceback" not in page.inner_text("body")
    store.close()
