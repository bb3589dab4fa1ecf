"""The first job end to end in Voila: deep link, start a plan, answer, reload, switch type."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from planning_kit.plan_types import load_plan_types
from planning_kit.store import Store

BURLINGTON_15 = "001bm00001ZL8UA"
BURLINGTON_18 = "001bm00001ZL8UAAA1"
NOTES = "Met their COO in March; the standby fleet is ours <b>not bold</b>"
TIMEOUT = 60_000


def open_launchpad(page: Page, query: str) -> None:
    """Load the launchpad and wait until it is drawn."""
    page.goto(query, timeout=TIMEOUT)
    expect(page.locator(".pk-launchpad")).to_be_visible(timeout=TIMEOUT)


def test_start_expansion_plan_answer_reload_and_switch_type(page: Page, voila_server) -> None:
    store = Store(voila_server.database_url)
    types = load_plan_types()
    question = types.get("expansion").questions()[0]
    option = question.options[0]

    # 1. The 15-character Id opens the account.
    open_launchpad(page, f"?account={BURLINGTON_15}")
    expect(page.locator(".pk-launchpad-facts")).to_contain_text(
        "Burlington Textiles Corp of America"
    )

    # 2. Start an Expansion plan, open Account Details, answer a question with notes.
    page.locator("button.pk-launchpad-start").click()
    type_select = page.locator(".pk-launchpad-new-type select")
    expect(type_select).to_be_visible()
    expansion_label = next(
        label
        for label in type_select.locator("option").all_inner_texts()
        if label.startswith("Expansion")
    )
    type_select.select_option(label=expansion_label)
    expect(page.locator(".pk-launchpad-new-name input")).to_have_value(
        re.compile(r"Burlington Textiles Corp of America – Expansion \d{4}")
    )
    page.locator("button.pk-launchpad-create").click()
    tile_button = page.locator("button.pk-launchpad-tile-account_details")
    expect(tile_button).to_be_enabled(timeout=TIMEOUT)
    tile_button.click()

    block = page.locator(f".pk-account_details-q-{question.id}")
    expect(block).to_be_visible(timeout=TIMEOUT)
    block.locator(".pk-account_details-notes textarea").fill(NOTES)
    block.locator(".pk-account_details-notes textarea").press("Tab")
    block.locator(".pk-account_details-option button", has_text=option.label).click()
    expect(block.locator(".pk-account_details-meta")).to_contain_text(
        "Last answered by browser-tester", timeout=TIMEOUT
    )
    expect(block.locator(".pk-account_details-message")).to_contain_text("Saved")

    plans = store.list_plans(BURLINGTON_18)
    assert len(plans) == 1 and plans[0].plan_type == "expansion"
    plan = plans[0]

    # 3. Reload the page (deep link to the tile) and see the answer.
    open_launchpad(page, f"?account={BURLINGTON_15}&plan={plan.id}&tile=account_details")
    block = page.locator(f".pk-account_details-q-{question.id}")
    expect(block).to_be_visible(timeout=TIMEOUT)
    expect(block.locator(".pk-account_details-notes textarea")).to_have_value(NOTES)
    chosen = block.locator(".pk-account_details-option button.mod-active")
    expect(chosen).to_have_text(option.label)
    # User text is shown as text: the tag is not rendered as markup anywhere.
    assert page.locator(".pk-account_details b", has_text="not bold").count() == 0

    # 4. Switch to a type that has a tile off, and see that tile disabled with its reason.
    page.locator("button.pk-launchpad-back").click()
    off_type = types.get("customer_success")
    assert not off_type.tile_enabled("potentials")
    page.locator(".pk-launchpad-plan-type select").select_option(label=off_type.title)
    potentials = page.locator("button.pk-launchpad-tile-potentials")
    expect(potentials).to_be_disabled(timeout=TIMEOUT)
    reason = off_type.tile_reason("potentials")
    expect(page.locator(".pk-launchpad-tile-line-potentials")).to_contain_text(reason[:40])
    expect(page.locator(".pk-launchpad-status")).not_to_contain_text("Traceback")

    # 5. The database holds the answer, and the plan's new type.
    answer = store.answers(plan.id)[question.id]
    assert (answer.option_id, answer.notes, answer.answered_by) == (
        option.id,
        NOTES,
        "browser-tester",
    )
    assert store.get_plan(plan.id).plan_type == "customer_success"
    store.close()


def test_bad_deep_link_shows_a_message_not_a_traceback(page: Page, voila_server) -> None:
    hostile = "%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E"
    open_launchpad(page, f"?account={hostile}&tile=nope")
    status = page.locator(".pk-launchpad-status")
    expect(status).to_contain_text("is not an account Id", timeout=TIMEOUT)
    assert page.locator(".pk-launchpad img[src=x]").count() == 0
    assert page.evaluate("window.pwned === undefined")
    assert "Traceback" not in page.inner_text("body")
