"""Migrations: the Alembic revisions build exactly the schema that tables.py describes."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

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


PLANS_BEFORE_TEAMS = [
    # (name, owner, created_by, the owning team member the upgrade gives the plan)
    ("Owned", "Dana Scully", "fox", "Dana Scully"),
    ("No owner", None, "fox", "fox"),
    ("Nobody", None, None, "Plan owner"),
]


def test_upgrade_to_0003_gives_each_existing_plan_its_owner_as_its_team(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    now = datetime(2026, 11, 30, 9, 0)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0002")
        with engine.begin() as conn:
            assert "team_members" not in inspect(conn).get_table_names()
            conn.execute(
                text(
                    "INSERT INTO accounts (id, name, name_key, source, updated_at) "
                    "VALUES (:id, 'Acme Holdings', 'acme holdings', 'salesforce', :now)"
                ),
                {"id": "001bm00001ZL8UEAA1", "now": now},
            )
            for name, owner, created_by, _ in PLANS_BEFORE_TEAMS:
                conn.execute(
                    text(
                        "INSERT INTO plans (account_id, plan_type, name, owner, status, version, "
                        "created_by, created_at, updated_at) VALUES ('001bm00001ZL8UEAA1', "
                        "'expansion', :name, :owner, 'active', 7, :created_by, :now, :now)"
                    ),
                    {"name": name, "owner": owner, "created_by": created_by, "now": now},
                )
            plan_ids = dict(conn.execute(text("SELECT name, id FROM plans")).all())
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            assert schema_diff(conn) == []
    finally:
        engine.dispose()
    store = Store(database_url)
    try:
        for name, _owner, _created_by, member in PLANS_BEFORE_TEAMS:
            plan = store.get_plan(plan_ids[name])
            assert plan.version == 7  # the upgrade is not an edit of the plan
            team = store.team(plan.id)
            assert [(m.name, m.role, m.is_owner, m.position) for m in team] == [
                (member, "Account Executive", True, 1)
            ]
            assert (team[0].email, team[0].left_at) == (None, None)
        # the new team is a real one: it takes members after its owner
        plan = store.get_plan(plan_ids["Owned"])
        plan, fox = store.add_member(plan.id, plan.version, "Fox Mulder", "Solution Engineer")
        assert [m.is_owner for m in store.team(plan.id)] == [True, False]
        assert fox.position == 2
    finally:
        store.close()
