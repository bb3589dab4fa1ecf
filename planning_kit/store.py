"""Store: every read and write of accounts and plans. SQLite by default, PostgreSQL by URL.

Each public method is one short transaction, takes and returns `model` records, and appends
an event for every change. Writes to a plan carry the version that the caller read; a stale
version raises `PlanConflict` and nothing is written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from . import settings
from .model import (
    Account,
    AccountFacts,
    Answer,
    Contact,
    Event,
    ImportBatch,
    InvalidSalesforceId,
    Opportunity,
    Plan,
    UpsertResult,
    name_key,
    salesforce_id_18,
)
from .tables import accounts, answers, contacts, events, opportunities, plans

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The newest migration. Opening a store compares it with the database without importing
# Alembic (which costs a quarter of a second on every page); a test keeps it in step.
HEAD_REVISION = "0001"


class StoreError(Exception):
    """A problem with the store that the user should see."""


class PlanNotFound(StoreError):
    """No plan with that id."""


class PlanConflict(StoreError):
    """The plan changed since it was read: the write was refused."""


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo (how the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _naive_utc(value: Any) -> Any:
    """An aware datetime as naive UTC (how the store keeps times); other values unchanged."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _alembic_config(connection: Connection) -> Any:
    """An Alembic config that runs the package's migrations on `connection`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "planning_kit:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def _database_revision(conn: Connection) -> str | None:
    """The migration the database says it is at, or None for a new database."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"database URL {url!r} is not valid: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(
            f"database URL {shown!r} cannot be used: {exc}. Use sqlite:///PATH, or "
            "postgresql+psycopg://USER@HOST/DB with the postgres extra installed"
        ) from None


class Store:
    """Owns the database: migrates it on open and answers in domain records."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or settings.database_url()
        self.engine = make_engine(self.url)
        try:
            self.migrate()
        except OperationalError as exc:
            raise StoreError(f"cannot open the database {self.url}: {exc.orig}") from None

    @classmethod
    def memory(cls) -> Store:
        """A store on a fresh temporary SQLite file (for tests and trials)."""
        folder = tempfile.mkdtemp(prefix="planning-kit-")
        return cls(f"sqlite:///{folder}/planning.sqlite")

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- schema -----------------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema to the newest migration (fast when it already is)."""
        with self.engine.connect() as conn:
            if _database_revision(conn) == HEAD_REVISION:
                return
        from alembic import command

        with self.engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")

    def schema_revision(self) -> str | None:
        """The migration the database is at."""
        with self.engine.connect() as conn:
            return _database_revision(conn)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """One short transaction."""
        with self.engine.begin() as conn:
            yield conn

    # -- events -----------------------------------------------------------------------------

    @staticmethod
    def _log(
        conn: Connection,
        who: str,
        entity: str,
        entity_id: Any,
        field: str,
        old: Any = None,
        new: Any = None,
        *,
        plan_id: int | None = None,
        account_id: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Append one event in the caller's transaction."""
        conn.execute(
            insert(events).values(
                at=at or utcnow(),
                who=who,
                plan_id=plan_id,
                account_id=account_id,
                entity=entity,
                entity_id=str(entity_id),
                field=field,
                old_value=None if old is None else str(old),
                new_value=None if new is None else str(new),
            )
        )

    def events(
        self, *, plan_id: int | None = None, account_id: str | None = None, limit: int | None = None
    ) -> list[Event]:
        """History, newest first, optionally for one plan or account."""
        query = select(events).order_by(events.c.id.desc())
        if plan_id is not None:
            query = query.where(events.c.plan_id == plan_id)
        if account_id is not None:
            query = query.where(events.c.account_id == account_id)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [Event(**row._mapping) for row in conn.execute(query)]

    # -- accounts ---------------------------------------------------------------------------

    def account_ids(self) -> set[str]:
        """Ids of every account."""
        with self.engine.connect() as conn:
            return set(conn.scalars(select(accounts.c.id)))

    def account_names(self) -> dict[str, str]:
        """Normalised account name -> id, for matching report exports by name."""
        with self.engine.connect() as conn:
            return {
                r.name_key: r.id for r in conn.execute(select(accounts.c.name_key, accounts.c.id))
            }

    def count_accounts(self) -> int:
        """How many accounts the store holds."""
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(accounts)) or 0

    def get_account(self, account_id: str) -> Account | None:
        """One account by its 15- or 18-character Id (or local id), or None."""
        key = self.resolve_account_id(account_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(accounts).where(accounts.c.id == key)).first()
        return _account(row) if row else None

    @staticmethod
    def resolve_account_id(account_id: str) -> str:
        """The stored form of an account id: Salesforce Ids become 18 characters."""
        text = (account_id or "").strip()
        try:
            return salesforce_id_18(text)
        except InvalidSalesforceId:
            return text

    def find_accounts(self, text: str, limit: int = 20) -> list[Account]:
        """Accounts whose name contains `text` (any case), or whose Id is `text`."""
        needle = name_key(text or "")
        if not needle:
            return []
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        query = (
            select(accounts)
            .where(
                accounts.c.name_key.like(pattern, escape="\\")
                | (accounts.c.id == self.resolve_account_id(text))
            )
            .order_by(accounts.c.name_key)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_account(r) for r in conn.execute(query)]

    def all_accounts(self) -> list[Account]:
        """Every account, by name."""
        with self.engine.connect() as conn:
            return [
                _account(r) for r in conn.execute(select(accounts).order_by(accounts.c.name_key))
            ]

    def account_facts(self, account_id: str) -> AccountFacts | None:
        """The account with its parent, children and open-opportunity figures."""
        account = self.get_account(account_id)
        if account is None:
            return None
        with self.engine.connect() as conn:
            parent = None
            if account.parent_id:
                row = conn.execute(
                    select(accounts).where(accounts.c.id == account.parent_id)
                ).first()
                parent = _account(row) if row else None
            children = [
                _account(r)
                for r in conn.execute(
                    select(accounts)
                    .where(accounts.c.parent_id == account.id)
                    .order_by(accounts.c.name_key)
                )
            ]
            open_row = conn.execute(
                select(func.count(), func.coalesce(func.sum(opportunities.c.amount), 0.0)).where(
                    (opportunities.c.account_id == account.id)
                    & (opportunities.c.is_closed.is_(False))
                )
            ).one()
            contact_count = conn.scalar(
                select(func.count())
                .select_from(contacts)
                .where(contacts.c.account_id == account.id)
            )
        return AccountFacts(
            account=account,
            parent=parent,
            children=children,
            open_opportunity_count=open_row[0],
            open_opportunity_total=float(open_row[1]),
            contact_count=contact_count or 0,
        )

    def contacts(self, account_id: str) -> list[Contact]:
        """The account's contacts, by last name."""
        key = self.resolve_account_id(account_id)
        query = (
            select(contacts)
            .where(contacts.c.account_id == key)
            .order_by(contacts.c.last_name, contacts.c.first_name)
        )
        with self.engine.connect() as conn:
            return [Contact(**_fields(r, Contact)) for r in conn.execute(query)]

    def opportunities(self, account_id: str) -> list[Opportunity]:
        """The account's opportunities, by close date."""
        key = self.resolve_account_id(account_id)
        query = (
            select(opportunities)
            .where(opportunities.c.account_id == key)
            .order_by(opportunities.c.close_date, opportunities.c.name)
        )
        with self.engine.connect() as conn:
            return [Opportunity(**_fields(r, Opportunity)) for r in conn.execute(query)]

    def apply_import(
        self, batch: ImportBatch, *, who: str | None = None, source: str = ""
    ) -> UpsertResult:
        """Upsert accounts, contacts and opportunities by Id in ONE transaction."""
        who = who or settings.current_user()
        result = UpsertResult()
        with self._tx() as conn:
            known = set(conn.scalars(select(accounts.c.id)))
            batch_ids = {a.id for a in batch.accounts}
            for acc in batch.accounts:
                if acc.parent_id and acc.parent_id not in known | batch_ids:
                    raise ValueError(f"account {acc.id}: unknown parent account {acc.parent_id}")
            # Accounts first without parents, so that parents may come in any order.
            for acc in batch.accounts:
                values = acc.model_dump() | {"name_key": name_key(acc.name), "parent_id": None}
                self._upsert(
                    conn,
                    accounts,
                    "account",
                    values,
                    result,
                    who,
                    source,
                    account_id=acc.id,
                    given=acc.model_fields_set | {"name_key"},
                    compare_skip={"parent_id"},
                )
            for acc in batch.accounts:
                if "parent_id" not in acc.model_fields_set and acc.id not in result.inserted.get(
                    "account", []
                ):
                    continue  # the file had no ParentId column: keep the stored parent
                old = conn.scalar(select(accounts.c.parent_id).where(accounts.c.id == acc.id))
                if old != acc.parent_id and acc.id not in result.inserted.get("account", []):
                    if acc.id in result.unchanged.get("account", []):
                        result.unchanged["account"].remove(acc.id)
                        if not result.unchanged["account"]:
                            del result.unchanged["account"]
                        result.updated.setdefault("account", []).append(acc.id)
                    self._log(
                        conn,
                        who,
                        "account",
                        acc.id,
                        "parent_id",
                        old,
                        acc.parent_id,
                        account_id=acc.id,
                    )
                conn.execute(
                    update(accounts).where(accounts.c.id == acc.id).values(parent_id=acc.parent_id)
                )
            known |= batch_ids
            for table, entity, records in (
                (contacts, "contact", batch.contacts),
                (opportunities, "opportunity", batch.opportunities),
            ):
                for rec in records:
                    if rec.account_id not in known:
                        raise ValueError(f"{entity} {rec.id}: unknown account {rec.account_id}")
                    self._upsert(
                        conn,
                        table,
                        entity,
                        rec.model_dump(),
                        result,
                        who,
                        source,
                        account_id=rec.account_id,
                        given=rec.model_fields_set,
                    )
        return result

    def _upsert(
        self,
        conn: Connection,
        table: Any,
        entity: str,
        values: dict[str, Any],
        result: UpsertResult,
        who: str,
        source: str,
        *,
        account_id: str,
        given: Iterable[str],
        compare_skip: Iterable[str] = (),
    ) -> None:
        """Insert or update one imported record, logging what changed.

        An update touches only the `given` fields (the columns the file had), so an export
        with fewer columns never blanks what an earlier import saved.
        """
        now = utcnow()
        values = {k: _naive_utc(v) for k, v in values.items()}
        row = conn.execute(select(table).where(table.c.id == values["id"])).first()
        if row is None:
            conn.execute(insert(table).values(**values, updated_at=now))
            result.inserted.setdefault(entity, []).append(values["id"])
            self._log(
                conn,
                who,
                entity,
                values["id"],
                "created",
                None,
                source or "import",
                account_id=account_id,
                at=now,
            )
            return
        old = row._mapping
        skip = set(compare_skip) | {"id", "updated_at"}
        given = set(given)
        changed = {
            k: v for k, v in values.items() if k in given and k not in skip and old.get(k) != v
        }
        if not changed:
            result.unchanged.setdefault(entity, []).append(values["id"])
            return
        conn.execute(
            update(table).where(table.c.id == values["id"]).values(**changed, updated_at=now)
        )
        result.updated.setdefault(entity, []).append(values["id"])
        for field, new in changed.items():
            if field != "name_key":
                self._log(
                    conn,
                    who,
                    entity,
                    values["id"],
                    field,
                    old.get(field),
                    new,
                    account_id=account_id,
                    at=now,
                )

    # -- plans ------------------------------------------------------------------------------

    def create_plan(
        self,
        account_id: str,
        plan_type: str,
        name: str,
        *,
        owner: str | None = None,
        who: str | None = None,
    ) -> Plan:
        """Start a plan for an account."""
        who = who or settings.current_user()
        key = self.resolve_account_id(account_id)
        name = (name or "").strip()
        if not name:
            raise StoreError("a plan needs a name")
        now = utcnow()
        with self._tx() as conn:
            if conn.scalar(select(accounts.c.id).where(accounts.c.id == key)) is None:
                raise StoreError(f"no account with Id {account_id!r}")
            plan_id = conn.execute(
                insert(plans).values(
                    account_id=key,
                    plan_type=plan_type,
                    name=name,
                    owner=owner or who,
                    status="draft",
                    version=1,
                    created_by=who,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            self._log(
                conn,
                who,
                "plan",
                plan_id,
                "created",
                None,
                f"{plan_type}: {name}",
                plan_id=plan_id,
                account_id=key,
                at=now,
            )
        return self.get_plan(plan_id)

    def get_plan(self, plan_id: int) -> Plan:
        """One plan by id; PlanNotFound when there is none."""
        with self.engine.connect() as conn:
            row = conn.execute(select(plans).where(plans.c.id == plan_id)).first()
        if row is None:
            raise PlanNotFound(f"no plan with id {plan_id}")
        return Plan(**row._mapping)

    def list_plans(self, account_id: str) -> list[Plan]:
        """The account's plans, newest first."""
        key = self.resolve_account_id(account_id)
        query = select(plans).where(plans.c.account_id == key).order_by(plans.c.id.desc())
        with self.engine.connect() as conn:
            return [Plan(**r._mapping) for r in conn.execute(query)]

    def _bump(
        self, conn: Connection, plan_id: int, expected_version: int, now: datetime, **values: Any
    ) -> Plan:
        """Raise the plan's version if it is still `expected_version`, else refuse."""
        result = conn.execute(
            update(plans)
            .where((plans.c.id == plan_id) & (plans.c.version == expected_version))
            .values(version=plans.c.version + 1, updated_at=now, **values)
        )
        if result.rowcount != 1:
            row = conn.execute(
                select(plans.c.version, plans.c.updated_at).where(plans.c.id == plan_id)
            ).first()
            if row is None:
                raise PlanNotFound(f"no plan with id {plan_id}")
            raise PlanConflict(
                f"this plan was changed elsewhere (now version {row.version}, you had "
                f"version {expected_version}); reload the plan to see the latest and try again"
            )
        return Plan(**conn.execute(select(plans).where(plans.c.id == plan_id)).one()._mapping)

    def update_plan(
        self, plan_id: int, expected_version: int, *, who: str | None = None, **changes: Any
    ) -> Plan:
        """Change plan fields (name, plan_type, owner, status, period_start, period_end)."""
        allowed = {"name", "plan_type", "owner", "status", "period_start", "period_end"}
        unknown = set(changes) - allowed
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of a plan")
        if "name" in changes:
            changes["name"] = (changes["name"] or "").strip()
            if not changes["name"]:
                raise StoreError("a plan needs a name")
        who = who or settings.current_user()
        now = utcnow()
        with self._tx() as conn:
            before = conn.execute(select(plans).where(plans.c.id == plan_id)).first()
            plan = self._bump(conn, plan_id, expected_version, now, **changes)
            for field, new in changes.items():
                old = before._mapping[field]
                if old != new:
                    self._log(
                        conn,
                        who,
                        "plan",
                        plan_id,
                        field,
                        old,
                        new,
                        plan_id=plan_id,
                        account_id=plan.account_id,
                        at=now,
                    )
        return plan

    def change_plan_type(
        self, plan_id: int, expected_version: int, plan_type: str, *, who: str | None = None
    ) -> Plan:
        """Switch the plan's type; answers to questions the new type lacks are kept."""
        return self.update_plan(plan_id, expected_version, plan_type=plan_type, who=who)

    # -- answers ----------------------------------------------------------------------------

    def answers(self, plan_id: int) -> dict[str, Answer]:
        """Every stored answer of the plan, by question id (including hidden ones)."""
        query = select(answers).where(answers.c.plan_id == plan_id)
        with self.engine.connect() as conn:
            return {r.question_id: Answer(**r._mapping) for r in conn.execute(query)}

    def set_answer(
        self,
        plan_id: int,
        expected_version: int,
        question_id: str,
        option_id: str | None,
        notes: str = "",
        *,
        who: str | None = None,
    ) -> tuple[Plan, Answer]:
        """Save one answer (option and notes) and raise the plan's version."""
        who = who or settings.current_user()
        now = utcnow()
        notes = notes or ""
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            key = (answers.c.plan_id == plan_id) & (answers.c.question_id == question_id)
            old = conn.execute(select(answers).where(key)).first()
            values = {
                "option_id": option_id,
                "notes": notes,
                "answered_by": who,
                "answered_at": now,
            }
            if old is None:
                conn.execute(
                    insert(answers).values(plan_id=plan_id, question_id=question_id, **values)
                )
            else:
                conn.execute(update(answers).where(key).values(**values))
            for field, new in (("option", option_id), ("notes", notes)):
                before = (
                    None
                    if old is None
                    else old._mapping["option_id" if field == "option" else field]
                )
                if (before or None) != (new or None):
                    self._log(
                        conn,
                        who,
                        "answer",
                        question_id,
                        field,
                        before,
                        new,
                        plan_id=plan_id,
                        account_id=plan.account_id,
                        at=now,
                    )
        return plan, Answer(plan_id=plan_id, question_id=question_id, **values)


def _fields(row: Any, model: type) -> dict[str, Any]:
    """The row's values that the model has fields for."""
    mapping = row._mapping
    return {k: mapping[k] for k in model.model_fields if k in mapping}


def _account(row: Any) -> Account:
    """An Account from a row."""
    return Account(**_fields(row, Account))
