"""Shared fixtures: stores on SQLite and (in CI) PostgreSQL.

The session's environment (a temporary database of the sample data, PLANNING_KIT_USER=tester,
Jupyter's folders) is set by the project's root conftest.py, before any notebook kernel starts.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from planning_kit.store import Store

POSTGRES_URL_VAR = "PLANNING_KIT_TEST_POSTGRES_URL"

# PostgreSQL runs when a server URL is given; under CI it always runs (and fails without one).
BACKENDS = [pytest.param("sqlite", id="sqlite")]
if os.environ.get(POSTGRES_URL_VAR, "").strip() or os.environ.get("CI"):
    BACKENDS.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))


def _postgres_admin_url() -> str:
    """The server URL from the environment; under CI a missing URL is a failure."""
    url = os.environ.get(POSTGRES_URL_VAR, "").strip()
    if not url:
        pytest.fail(
            f"CI is set but {POSTGRES_URL_VAR} is not, so the PostgreSQL store tests cannot run: "
            "start a server and set it, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
            pytrace=False,
        )
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on: sqlite, or postgres."""
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'planning.sqlite'}"
        return
    # A fresh schema, made the default through search_path: much faster than a new database.
    server_url = make_url(_postgres_admin_url())
    schema = f"pk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = server_url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """A migrated, empty store: Store.memory() on SQLite, a fresh database on PostgreSQL."""
    if backend == "sqlite":
        result = Store.memory()
        yield result
        result.close()
        shutil.rmtree(Path(result.engine.url.database).parent, ignore_errors=True)
        return
    result = Store(request.getfixturevalue("database_url"))
    yield result
    result.close()
