"""The launchpad loads in a real browser, with the server settings of voila.json in force."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
PAGE_TIMEOUT_MS = 120_000


def test_launchpad_renders_widgets_without_errors(page: Page, voila_server) -> None:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(voila_server.base_url)
    page.locator(".jupyter-widgets").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "There was an error when executing cell" not in body


def test_voila_json_is_in_force(page: Page, voila_server) -> None:
    """Culling starts with the first kernel, at voila.json's figures; denied extensions stay out."""
    settings = json.loads((ROOT / "voila.json").read_text())
    culling = settings["MappingKernelManager"]
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    response = page.goto(voila_server.base_url)
    html = response.text() if response else ""
    page.locator(".jupyter-widgets").first.wait_for(state="visible")
    expected = (
        f"Culling kernels with idle durations > {culling['cull_idle_timeout']} seconds"
        f" at {culling['cull_interval']} second intervals"
    )
    assert expected in voila_server.log()
    loaded = set(re.findall(r'"name": "([^"]+)"', html))
    assert "@jupyter-widgets/jupyterlab-manager" in loaded
    denied = set(settings["VoilaConfiguration"]["extension_denylist"])
    assert not loaded & denied
