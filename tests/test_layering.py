"""Layering: widgets stay in planning_kit/ui/, and notebooks stay small and output-free."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "planning_kit"
NOTEBOOKS = REPO / "notebooks"

WIDGET_MODULES = {"ipywidgets", "IPython", "traitlets", "voila", "plotly", "anywidget"}
MAX_CODE_CELLS = 8
MAX_CELL_LINES = 12


def imported_modules(source: str) -> set[str]:
    """Every absolute module that `source` imports, by its full dotted name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def widget_imports(source: str) -> set[str]:
    """The imported modules that belong to a widget or display library."""
    return {m for m in imported_modules(source) if m.split(".")[0] in WIDGET_MODULES}


def test_widget_imports_are_recognised() -> None:
    source = (
        "import os\nimport ipywidgets as w\nfrom IPython.display import display\n"
        "def f():\n    import plotly.graph_objects as go\n"
        "try:\n    from voila.utils import get_query_string\nexcept ImportError:\n    pass\n"
        "from . import ui\nimport traitletsx\n"
    )
    assert widget_imports(source) == {
        "ipywidgets",
        "IPython.display",
        "plotly.graph_objects",
        "voila.utils",
    }


def test_nothing_below_ui_imports_widgets() -> None:
    ui = PACKAGE / "ui"
    offenders = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.is_relative_to(ui)
        for module in sorted(widget_imports(path.read_text(encoding="utf-8")))
    ]
    assert offenders == [], "widget imports outside planning_kit/ui/:\n" + "\n".join(offenders)


def notebooks() -> list[Path]:
    """Every committed notebook under notebooks/ (none yet is fine)."""
    if not NOTEBOOKS.is_dir():
        return []
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def code_cells(path: Path) -> list[dict]:
    """The notebook's code cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def cell_lines(cell: dict) -> list[str]:
    """The cell's source as lines."""
    source = cell["source"]
    return ("".join(source) if isinstance(source, list) else source).splitlines()


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    dirty = [
        f"code cell {i}: {len(c.get('outputs', []))} outputs, execution_count "
        f"{c.get('execution_count')}"
        for i, c in enumerate(code_cells(path), 1)
        if c.get("outputs") or c.get("execution_count") is not None
    ]
    assert dirty == [], f"{path.name} has stored outputs; strip them:\n" + "\n".join(dirty)


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_notebook_is_a_few_short_cells(path: Path) -> None:
    cells = code_cells(path)
    assert len(cells) <= MAX_CODE_CELLS, (
        f"{path.name} has {len(cells)} code cells (at most {MAX_CODE_CELLS}): "
        "move the logic into planning_kit"
    )
    long_cells = [
        f"code cell {i}: {len(cell_lines(c))} lines"
        for i, c in enumerate(cells, 1)
        if len(cell_lines(c)) > MAX_CELL_LINES
    ]
    assert long_cells == [], f"{path.name} has cells over {MAX_CELL_LINES} lines:\n" + "\n".join(
        long_cells
    )
