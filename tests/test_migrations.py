"""Migrations: the Alembic revisions build exactly the schema that tables.py describes."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from planning_kit.store import HEAD_REVISION, Store, make_engine
from planning_kit.tables import metadata

HEAD = HEAD_REVISION


def alembic_config(conn: Connection) -> Config:
    """The package's migrations, run on `conn` (as Store runs them)."""
    cfg = Config()
    cfg.set_main_option("script_location", "planning_kit:migrations")
    cfg.attributes["connection"] = conn
    return cfg


def schema_diff(conn: Connection) -> list:
    """What differs between the database and tables.metadata (empty when they agree)."""
    return compare_metadata(MigrationContext.configure(conn), metadata)


def test_store_head_revision_is_the_newest_migration() -> None:
    """Store skips Alembic when the database is at HEAD_REVISION: it must be the real head."""
    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
    assert head == HEAD_REVISION, f"set planning_kit.store.HEAD_REVISION to {head!r}"


def test_upgrade_of_an_empty_database_matches_the_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            assert inspect(conn).get_table_names() == []
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            assert schema_diff(conn) == []
            assert set(inspect(conn).get_table_names()) == set(metadata.tables) | {
                "alembic_version"
            }
    finally:
        engine.dispose()


def test_opening_a_store_twice_does_not_migrate_again(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Store(database_url)
    first.close()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the schema is at head: Store must not run the migrations again")

    monkeypatch.setattr(command, "upgrade", refuse)
    second = Store(database_url)
    try:
        assert second.schema_revision() == HEAD
    finally:
        second.close()


def test_downgrade_to_base_then_upgrade_again(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() is None
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            assert schema_diff(conn) == []
    finally:
        engine.dispose()
    store = Store(database_url)
    try:
        assert store.schema_revision() == HEAD
        assert store.count_accounts() == 0
    finally:
        store.close()
