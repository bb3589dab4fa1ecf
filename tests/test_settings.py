"""Settings: where the database and plan types are, and who is making changes."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from planning_kit import settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_settings_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment with none of the planning-kit variables set."""
    for var in ("PLANNING_KIT_DATABASE_URL", "PLANNING_KIT_PLAN_TYPES", "PLANNING_KIT_USER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return monkeypatch


def test_tests_never_use_the_users_database() -> None:
    assert settings.database_url() != f"sqlite:///{settings.default_database_path()}"
    assert settings.current_user() == "tester"


def test_default_database_is_an_absolute_sqlite_file_under_var(
    no_settings_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    here = settings.database_url()
    no_settings_env.chdir(tmp_path)
    elsewhere = settings.database_url()
    assert here == elsewhere
    url = make_url(elsewhere)
    assert url.get_backend_name() == "sqlite"
    path = Path(url.database)
    assert path.is_absolute()
    assert path == REPO / "var" / "planning.sqlite"


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_database_variable_means_the_default(
    no_settings_env: pytest.MonkeyPatch, value: str
) -> None:
    no_settings_env.setenv("PLANNING_KIT_DATABASE_URL", value)
    assert settings.database_url() == f"sqlite:///{REPO / 'var' / 'planning.sqlite'}"


def test_database_variable_overrides_the_default(no_settings_env: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://planner@db.example:5432/plans"
    no_settings_env.setenv("PLANNING_KIT_DATABASE_URL", f" {url} ")
    assert settings.database_url() == url


def test_current_user_prefers_planning_kit_user_then_jupyterhub_then_os(
    no_settings_env: pytest.MonkeyPatch,
) -> None:
    assert settings.current_user() == getpass.getuser()
    no_settings_env.setenv("JUPYTERHUB_USER", "hub-ada")
    assert settings.current_user() == "hub-ada"
    no_settings_env.setenv("PLANNING_KIT_USER", "ada")
    assert settings.current_user() == "ada"
    no_settings_env.setenv("PLANNING_KIT_USER", "  ")
    assert settings.current_user() == "hub-ada"


def test_plan_types_dir_default_is_the_projects_folder(
    no_settings_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_settings_env.chdir(tmp_path)
    assert settings.plan_types_dir() == REPO / "plan_types"
    assert settings.plan_types_dir().is_absolute()


def test_plan_types_dir_can_be_overridden(
    no_settings_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_settings_env.setenv("PLANNING_KIT_PLAN_TYPES", str(tmp_path))
    assert settings.plan_types_dir() == tmp_path.resolve()
    no_settings_env.chdir(tmp_path)
    no_settings_env.setenv("PLANNING_KIT_PLAN_TYPES", "custom")
    assert settings.plan_types_dir() == tmp_path.resolve() / "custom"
