"""The page's entry point: imports and data first (preheated), then the deep link."""

from __future__ import annotations

import subprocess
import sys

import ipywidgets as w

from planning_kit.ui.app import launchpad


def html_text(widget: w.Widget) -> str:
    """All HTML values in a widget tree."""
    found = [widget.value] if isinstance(widget, w.HTML) else []
    for child in getattr(widget, "children", ()):
        found.append(html_text(child))
    return "\n".join(found)


def test_page_follows_the_query_string(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "account=001bm00001ZL8UEAA1")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    page = launchpad()
    assert "pk-launchpad" in page._dom_classes
    assert "United Oil &amp; Gas Corp." in html_text(page)


def test_a_workbook_that_cannot_start_says_why_escaped(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNING_KIT_DATABASE_URL", "nosuchdb://<here>")
    page = launchpad()
    assert isinstance(page, w.HTML)
    assert "The workbook could not start" in page.value
    assert "&lt;here&gt;" in page.value and "<here>" not in page.value


def test_the_entry_module_imports_nothing_heavy():
    """The page's cell imports this first; heavy modules load inside launchpad() only."""
    code = (
        "import sys; import planning_kit.ui.app; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'pydantic', 'yaml', 'pandas', 'alembic', 'voila'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
