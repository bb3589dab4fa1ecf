"""Fixtures for the widget tests: a store loaded with the sample data, and the plan types."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from planning_kit import settings
from planning_kit.importers.salesforce import import_files
from planning_kit.plan_types import PlanTypeRegistry, load_plan_types
from planning_kit.store import Store

SAMPLE_FILES = sorted(settings.sample_data_dir().glob("*.csv"))


def build_sample_database(folder: Path) -> Path:
    """A migrated SQLite file in `folder` holding the four sample exports (closed, no WAL left)."""
    path = folder / "sample.sqlite"
    store = Store(f"sqlite:///{path}")
    try:
        report = import_files(store, SAMPLE_FILES, who="sample")
        assert report.committed, report.lines()
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The loaded sample database, built once and copied for each test."""
    return build_sample_database(tmp_path_factory.mktemp("sample-template"))


@pytest.fixture
def sample_store(sample_database: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh store with the sample data (a copy per test: tests write plans and answers)."""
    path = tmp_path / "planning.sqlite"
    shutil.copyfile(sample_database, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.close()


@pytest.fixture(scope="session")
def registry() -> PlanTypeRegistry:
    """The shipped plan types."""
    result = load_plan_types()
    assert not result.problems, result.problems
    return result


def sample_account_names() -> list[str]:
    """The name of every account the sample data gives, read from a throw-away loaded store."""
    folder = Path(tempfile.mkdtemp(prefix="planning-kit-names-"))
    try:
        store = Store(f"sqlite:///{build_sample_database(folder)}")
        try:
            return [account.name for account in store.all_accounts()]
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`sample_account_name` runs a test once for every account in the sample store."""
    if "sample_account_name" in metafunc.fixturenames:
        names = sample_account_names()
        metafunc.parametrize("sample_account_name", names, ids=names)
