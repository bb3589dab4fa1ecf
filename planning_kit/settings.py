"""Where things are: database URL, plan-types folder, sample data and the current user."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DATABASE_URL_VAR = "PLANNING_KIT_DATABASE_URL"
PLAN_TYPES_VAR = "PLANNING_KIT_PLAN_TYPES"
USER_VAR = "PLANNING_KIT_USER"


def default_database_path() -> Path:
    """The SQLite file used when no database URL is set."""
    return PROJECT_ROOT / "var" / "planning.sqlite"


def database_url() -> str:
    """The SQLAlchemy URL of the store: the environment's, else the project's SQLite file."""
    url = os.environ.get(DATABASE_URL_VAR, "").strip()
    return url or f"sqlite:///{default_database_path()}"


def plan_types_dir() -> Path:
    """The folder of plan-type YAML files."""
    folder = os.environ.get(PLAN_TYPES_VAR, "").strip()
    return Path(folder).expanduser().resolve() if folder else PROJECT_ROOT / "plan_types"


def sample_data_dir() -> Path:
    """The folder of sample Salesforce exports."""
    return PROJECT_ROOT / "sample_data"


def notebooks_dir() -> Path:
    """The folder of the app and step notebooks."""
    return PROJECT_ROOT / "notebooks"


def current_user() -> str:
    """Who is making changes: PLANNING_KIT_USER, then JUPYTERHUB_USER, then the OS user."""
    for var in (USER_VAR, "JUPYTERHUB_USER"):
        value = os.environ.get(var, "").strip()
        if value:
            return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
