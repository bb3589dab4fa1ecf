"""The project's files agree: pyproject.toml, environment.yml, README.md, voila.json, settings."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# PyPI names whose conda-forge package is called differently.
CONDA_NAMES: dict[str, str] = {}
# Federated JupyterLab extensions that the Voila pages use; every other one is denied.
PAGE_EXTENSIONS = {
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "anywidget",  # planning_kit/ui/whitespace_grid.py (the Potentials grid)
    "jupyterlab-plotly",  # the pipeline chart (go.Figure in an Output widget)
}
# What Voila itself leaves out of every page.
VOILA_SKIPS = {
    "@voila-dashboards/jupyterlab-preview",
    "@jupyter/collaboration-extension",
    "@voila-dashboards/widgets-manager7",
}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def readme() -> str:
    return (ROOT / "README.md").read_text()


def voila_settings() -> dict:
    return json.loads((ROOT / "voila.json").read_text())


def normalised(requirement: str) -> tuple[str, str]:
    """Name (canonical, conda spelling, no extras) and sorted specifiers of a requirement."""
    parsed = Requirement(requirement.replace(" ", ""))
    name = canonicalize_name(parsed.name)
    specifiers = ",".join(sorted(str(spec) for spec in parsed.specifier))
    return CONDA_NAMES.get(name, name), specifiers


def pyproject_requirements() -> dict[str, str]:
    project = pyproject()["project"]
    listed = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        listed.extend(extra)
    return dict(normalised(item) for item in listed)


def conda_requirements() -> dict[str, str]:
    conda = [item for item in environment()["dependencies"] if isinstance(item, str)]
    return dict(normalised(item) for item in conda if normalised(item)[0] not in {"python", "pip"})


def test_environment_yml_lists_pyprojects_dependencies() -> None:
    assert conda_requirements() == pyproject_requirements()


def test_environment_yml_python_matches_requires_python() -> None:
    pythons = [item for item in environment()["dependencies"] if str(item).startswith("python ")]
    assert pythons == [f"python {pyproject()['project']['requires-python']}"]


def test_environment_yml_installs_this_package_with_pip() -> None:
    pip_sections = [item["pip"] for item in environment()["dependencies"] if isinstance(item, dict)]
    assert pip_sections == [["--editable ."]]
    assert "pip" in environment()["dependencies"]


def test_readme_starts_with_make_run_and_make_test() -> None:
    head = "\n".join(readme().splitlines()[:12])
    assert re.search(r"^make run\b", head, re.MULTILINE), "README's first lines show `make run`"
    assert re.search(r"^make test\b", head, re.MULTILINE), "README's first lines show `make test`"


def test_every_settings_variable_is_documented_in_readme() -> None:
    source = (ROOT / "planning_kit" / "settings.py").read_text()
    variables = set(re.findall(r"PLANNING_KIT_[A-Z0-9_]+", source))
    assert variables, "settings.py reads no PLANNING_KIT_* variable?"
    text = readme()
    assert sorted(v for v in variables if v not in text) == []


def test_voila_json_culls_kernels_and_never_changes_port() -> None:
    settings = voila_settings()
    culling = settings["MappingKernelManager"]
    assert culling["cull_idle_timeout"] > 0
    assert 0 < culling["cull_interval"] <= culling["cull_idle_timeout"]
    assert settings["Voila"]["port_retries"] == 0


def test_voila_pages_load_only_the_extensions_they_use() -> None:
    """An installed widget extension is loaded on every page unless voila.json denies it."""
    pytest.importorskip("voila")
    from jupyterlab_server.config import get_federated_extensions
    from voila.utils import get_voila_labextensions_path

    installed = set(get_federated_extensions(get_voila_labextensions_path([])))
    denied = set(voila_settings()["VoilaConfiguration"]["extension_denylist"])
    loaded = installed - denied - VOILA_SKIPS
    assert loaded <= PAGE_EXTENSIONS, (
        f"deny these in voila.json: {sorted(loaded - PAGE_EXTENSIONS)}"
    )
    assert denied.isdisjoint(PAGE_EXTENSIONS)


def test_preheated_kernels_may_wait_for_a_visitor_without_timing_out():
    """A preheated kernel waits in get_query_string() until someone opens the page.

    With an execution timeout, a kernel left waiting longer than that aborted the notebook,
    and the next visitor saw 'Cell execution timed out' instead of the launchpad.
    """
    config = json.loads((ROOT / "voila.json").read_text())
    if config["VoilaConfiguration"].get("preheat_kernel"):
        assert config.get("VoilaExecutor", {}).get("timeout", None) in (None, -1)
