"""Potentials in Voila: deep link to the tile, map a potential, see totals, reload, block."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from planning_kit.plan_types import load_plan_types
from planning_kit.potentials import columns_for
from planning_kit.store import Store

UNITED_OIL = "001bm00001ZL8UEAA1"
TIMEOUT = 60_000


def open_page(page: Page, query: str) -> None:
    """Load the launchpad at a deep link and wait until it is drawn."""
    page.goto(query, timeout=TIMEOUT)
    expect(page.locator(".pk-launchpad")).to_be_visible(timeout=TIMEOUT)


def cell(page: Page, row: int, col: int):
    """The grid's cell at a row and column index."""
    return page.locator(f".pk-potentials-grid td[data-row='{row}'][data-col='{col}']")


def test_map_a_potential_see_totals_reload_and_block(page: Page, voila_server) -> None:
    store = Store(voila_server.database_url)
    types = load_plan_types()
    plan = store.create_plan(UNITED_OIL, "expansion", "United Oil – Expansion", who="lead")
    columns = [c.solution_id for c in columns_for(types.get("expansion"), types.catalogue)]
    first, second = columns.index("remote_monitoring"), columns.index("fuel_management")

    # 1. The deep link opens the tile; the grid has one row (whole account) of 14 solutions.
    open_page(page, f"?account={UNITED_OIL}&plan={plan.id}&tile=potentials")
    expect(page.locator(".pk-potentials-line")).to_contain_text(
        f"{len(columns)}/{len(columns)} white space", timeout=TIMEOUT
    )
    assert page.locator(".pk-potentials-grid td.pk-cell").count() == len(columns)

    # 2. Set a cell to potential with an amount: the tile's totals change, then the launchpad's.
    cell(page, 0, first).click()
    panel = page.locator(".pk-potentials-panel")
    expect(panel).to_contain_text("Remote Monitoring", timeout=TIMEOUT)
    panel.locator(".pk-potentials-status-choice select").select_option(label="Potential")
    expect(panel.locator(".pk-potentials-message")).to_contain_text("Saved", timeout=TIMEOUT)
    amount = panel.locator(".pk-potentials-amount input")
    amount.fill("250k")
    amount.press("Enter")
    expect(page.locator(".pk-potentials-line")).to_contain_text("potential $250k", timeout=TIMEOUT)
    expect(cell(page, 0, first)).to_have_class(
        re.compile(r"\bpk-cell-potential\b.*\bpk-cell-selected\b"), timeout=TIMEOUT
    )
    page.locator("button.pk-launchpad-back").click()
    expect(page.locator(".pk-launchpad-tile-line-potentials")).to_contain_text(
        f"{len(columns) - 1}/{len(columns)} white space · potential $250k", timeout=TIMEOUT
    )

    # 3. Reload: everything is kept.
    open_page(page, f"?account={UNITED_OIL}&plan={plan.id}&tile=potentials")
    expect(cell(page, 0, first)).to_have_text("$250k", timeout=TIMEOUT)
    cell(page, 0, first).click()
    expect(panel.locator(".pk-potentials-amount input")).to_have_value("250000", timeout=TIMEOUT)
    expect(panel.locator(".pk-potentials-status-choice select")).to_have_value("Potential")

    # 4. Block another cell without a reason: a message, and nothing blocked is stored.
    cell(page, 0, second).click()
    expect(panel).to_contain_text("Fuel Management", timeout=TIMEOUT)
    panel.locator(".pk-potentials-status-choice select").select_option(label="Blocked")
    expect(panel.locator(".pk-potentials-message")).to_contain_text(
        "needs a reason", timeout=TIMEOUT
    )
    stored = {p.solution_id: p for p in store.potentials(plan.id)}
    assert "fuel_management" not in stored
    assert stored["remote_monitoring"].status == "potential"
    assert stored["remote_monitoring"].amount == 250_000
    assert "Traceback" not in page.inner_text("body")
    store.close()
