"""Store: every read and write of accounts and plans. SQLite by default, PostgreSQL by URL.

Each public method is one short transaction, takes and returns `model` records, and appends
an event for every change. Writes to a plan carry the version that the caller read; a stale
version raises `PlanConflict` and nothing is written.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
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
    LINK_KINDS,
    Account,
    AccountFacts,
    Action,
    Answer,
    Contact,
    Division,
    Event,
    ImportBatch,
    InvalidRecord,
    InvalidSalesforceId,
    Objective,
    Opportunity,
    Plan,
    Potential,
    RevenueTarget,
    TeamMember,
    UpsertResult,
    clean_line,
    clean_text,
    make_record,
    name_key,
    revise_record,
    salesforce_id_18,
    stored_record,
)
from .plan_types import PlanTypeRegistry, load_plan_types
from .tables import (
    accounts,
    actions,
    answers,
    contacts,
    divisions,
    events,
    objective_links,
    objectives,
    opportunities,
    plans,
    potential_opportunities,
    potentials,
    revenue_targets,
    team_members,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The newest migration. Opening a store compares it with the database without importing
# Alembic (which costs a quarter of a second on every page); a test keeps it in step.
HEAD_REVISION = "0003"
MAX_NAME_LENGTH = 200
MAX_LINK_TARGET = 60  # objective_links.target_id
OWNER_ROLE = "Account Executive"  # the role a plan's starter gets on its team; editable


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

    def __init__(self, url: str | None = None, plan_types: PlanTypeRegistry | None = None) -> None:
        self.url = url or settings.database_url()
        self._plan_types = plan_types
        self.engine = make_engine(self.url)
        try:
            self.migrate()
        except OperationalError as exc:
            raise StoreError(f"cannot open the database {self.url}: {exc.orig}") from None

    @classmethod
    def memory(cls, plan_types: PlanTypeRegistry | None = None) -> Store:
        """A store on a fresh temporary SQLite file (for tests and trials)."""
        folder = tempfile.mkdtemp(prefix="planning-kit-")
        return cls(f"sqlite:///{folder}/planning.sqlite", plan_types)

    @property
    def plan_types(self) -> PlanTypeRegistry:
        """The plan types that objective types are checked against (the configured folder's)."""
        if self._plan_types is None:
            self._plan_types = load_plan_types()
        return self._plan_types

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
        name = clean_text(name)
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
            conn.execute(
                insert(team_members).values(
                    plan_id=plan_id,
                    name=owner or who,
                    role=OWNER_ROLE,
                    email=None,
                    is_owner=True,
                    position=1,
                )
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
        """Change plan fields (name, plan_type, status, period_start, period_end)."""
        allowed = {"name", "plan_type", "status", "period_start", "period_end"}
        if "owner" in changes:
            raise StoreError("the owner is a team member: change it with set_owner")
        unknown = set(changes) - allowed
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of a plan")
        if "name" in changes:
            changes["name"] = clean_text(changes["name"])
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

    # -- divisions --------------------------------------------------------------------------

    def divisions(self, account_id: str, *, include_removed: bool = False) -> list[Division]:
        """The account's divisions in display order (removed ones only when asked)."""
        key = self.resolve_account_id(account_id)
        query = select(divisions).where(divisions.c.account_id == key)
        if not include_removed:
            query = query.where(divisions.c.removed_at.is_(None))
        query = query.order_by(divisions.c.position, divisions.c.id)
        with self.engine.connect() as conn:
            return [Division(**r._mapping) for r in conn.execute(query)]

    def get_division(self, division_id: int) -> Division:
        """One division by id (removed ones too)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(divisions).where(divisions.c.id == division_id)).first()
        if row is None:
            raise StoreError(f"no division with id {division_id}")
        return Division(**row._mapping)

    def _check_division_name(
        self, conn: Connection, account_id: str, name: str, skip_id: int | None = None
    ) -> str:
        name = clean_line(name)
        if not name:
            raise StoreError("a division needs a name")
        if len(name) > MAX_NAME_LENGTH:
            raise StoreError(f"a division name has at most {MAX_NAME_LENGTH} characters")
        taken = conn.execute(
            select(divisions.c.id, divisions.c.name).where(
                (divisions.c.account_id == account_id) & divisions.c.removed_at.is_(None)
            )
        )
        for row in taken:
            if row.id != skip_id and name_key(row.name) == name_key(name):
                raise StoreError(f"there is already a division named '{row.name}'")
        return name

    def add_division(
        self,
        account_id: str,
        name: str,
        *,
        source_account_id: str | None = None,
        who: str | None = None,
    ) -> Division:
        """Add a division at the end of the account's list."""
        who = who or settings.current_user()
        key = self.resolve_account_id(account_id)
        with self._tx() as conn:
            if conn.scalar(select(accounts.c.id).where(accounts.c.id == key)) is None:
                raise StoreError(f"no account with Id {account_id!r}")
            name = self._check_division_name(conn, key, name)
            position = conn.scalar(
                select(func.coalesce(func.max(divisions.c.position), 0)).where(
                    divisions.c.account_id == key
                )
            )
            division_id = conn.execute(
                insert(divisions).values(
                    account_id=key,
                    name=name,
                    position=(position or 0) + 1,
                    source_account_id=source_account_id,
                )
            ).inserted_primary_key[0]
            self._log(conn, who, "division", division_id, "created", None, name, account_id=key)
        return self.get_division(division_id)

    def rename_division(self, division_id: int, name: str, *, who: str | None = None) -> Division:
        """Give a division a new name."""
        who = who or settings.current_user()
        old = self.get_division(division_id)
        with self._tx() as conn:
            name = self._check_division_name(conn, old.account_id, name, skip_id=division_id)
            if name != old.name:
                conn.execute(
                    update(divisions).where(divisions.c.id == division_id).values(name=name)
                )
                self._log(
                    conn,
                    who,
                    "division",
                    division_id,
                    "name",
                    old.name,
                    name,
                    account_id=old.account_id,
                )
        return self.get_division(division_id)

    def reorder_divisions(
        self, account_id: str, division_ids: list[int], *, who: str | None = None
    ) -> list[Division]:
        """Put the account's divisions in the given order (ids not listed keep their place)."""
        who = who or settings.current_user()
        key = self.resolve_account_id(account_id)
        current = self.divisions(key)
        known = {d.id for d in current}
        unknown = [i for i in division_ids if i not in known]
        if unknown:
            raise StoreError(f"division(s) {unknown} are not divisions of this account")
        order = list(dict.fromkeys(division_ids)) + [
            d.id for d in current if d.id not in division_ids
        ]
        with self._tx() as conn:
            for position, division in enumerate(
                sorted(current, key=lambda d: order.index(d.id)), start=1
            ):
                if division.position != position:
                    conn.execute(
                        update(divisions)
                        .where(divisions.c.id == division.id)
                        .values(position=position)
                    )
                    self._log(
                        conn,
                        who,
                        "division",
                        division.id,
                        "position",
                        division.position,
                        position,
                        account_id=key,
                    )
        return self.divisions(key)

    def remove_division(self, division_id: int, *, who: str | None = None) -> Division:
        """Remove a division from the lists; its potentials are kept, so restoring undoes it."""
        return self._set_removed(division_id, utcnow(), who)

    def restore_division(self, division_id: int, *, who: str | None = None) -> Division:
        """Undo the removal of a division (its potentials come back with it)."""
        division = self.get_division(division_id)
        with self._tx() as conn:
            self._check_division_name(conn, division.account_id, division.name, division_id)
        return self._set_removed(division_id, None, who)

    def _set_removed(self, division_id: int, at: datetime | None, who: str | None) -> Division:
        who = who or settings.current_user()
        old = self.get_division(division_id)
        if (old.removed_at is None) == (at is None):
            return old
        with self._tx() as conn:
            conn.execute(
                update(divisions).where(divisions.c.id == division_id).values(removed_at=at)
            )
            self._log(
                conn,
                who,
                "division",
                division_id,
                "removed",
                None if at else old.name,
                old.name if at else None,
                account_id=old.account_id,
            )
        return self.get_division(division_id)

    def divisions_from_children(self, account_id: str, *, who: str | None = None) -> list[Division]:
        """Add a division for each child account (ParentId) that has none yet; returns new ones."""
        facts = self.account_facts(account_id)
        if facts is None:
            raise StoreError(f"no account with Id {account_id!r}")
        existing = self.divisions(account_id, include_removed=True)
        taken_ids = {d.source_account_id for d in existing}
        taken_names = {name_key(d.name) for d in existing if d.removed_at is None}
        added = []
        for child in facts.children:
            if child.id in taken_ids or name_key(child.name) in taken_names:
                continue
            added.append(
                self.add_division(account_id, child.name, source_account_id=child.id, who=who)
            )
        return added

    # -- potentials -------------------------------------------------------------------------

    def potentials(self, plan_id: int) -> list[Potential]:
        """Every stored cell of the plan (hidden ones included), with linked opportunities."""
        with self.engine.connect() as conn:
            links: dict[int, list[str]] = {}
            for row in conn.execute(
                select(potential_opportunities)
                .where(potential_opportunities.c.plan_id == plan_id)
                .order_by(potential_opportunities.c.opportunity_id)
            ):
                links.setdefault(row.potential_id, []).append(row.opportunity_id)
            rows = conn.execute(
                select(potentials).where(potentials.c.plan_id == plan_id).order_by(potentials.c.id)
            )
            return [Potential(**r._mapping, opportunity_ids=links.get(r.id, [])) for r in rows]

    @staticmethod
    def _cell_where(plan_id: int, division_id: int | None, solution_id: str) -> Any:
        division = (
            potentials.c.division_id.is_(None)
            if division_id is None
            else potentials.c.division_id == division_id
        )
        return (
            (potentials.c.plan_id == plan_id) & division & (potentials.c.solution_id == solution_id)
        )

    def _cell_row(
        self, conn: Connection, plan_id: int, division_id: int | None, solution_id: str
    ) -> Any:
        return conn.execute(
            select(potentials).where(self._cell_where(plan_id, division_id, solution_id))
        ).first()

    def _check_cell_division(self, conn: Connection, plan: Plan, division_id: int | None) -> None:
        if division_id is None:
            return
        owner = conn.scalar(select(divisions.c.account_id).where(divisions.c.id == division_id))
        if owner != plan.account_id:
            raise StoreError(f"division {division_id} is not a division of this plan's account")

    def set_potential(
        self,
        plan_id: int,
        expected_version: int,
        division_id: int | None,
        solution_id: str,
        *,
        who: str | None = None,
        **fields: Any,
    ) -> tuple[Plan, Potential]:
        """Save a cell's status, amount, timing, notes and blocked reason; raises the version."""
        allowed = {"status", "amount", "timing", "notes", "blocked_reason"}
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"cannot set {', '.join(sorted(unknown))} of a potential")
        who = who or settings.current_user()
        now = utcnow()
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            self._check_cell_division(conn, plan, division_id)
            row = self._cell_row(conn, plan_id, division_id, solution_id)
            before = (
                Potential(**row._mapping)
                if row
                else Potential(plan_id=plan_id, division_id=division_id, solution_id=solution_id)
            )
            after = make_record(
                Potential, **(before.model_dump() | fields | {"updated_by": who, "updated_at": now})
            )
            values = after.model_dump(
                include={"status", "amount", "timing", "notes", "blocked_reason"}
            ) | {"updated_by": who, "updated_at": now}
            if row is None:
                cell_id = conn.execute(
                    insert(potentials).values(
                        plan_id=plan_id, division_id=division_id, solution_id=solution_id, **values
                    )
                ).inserted_primary_key[0]
            else:
                cell_id = row.id
                conn.execute(update(potentials).where(potentials.c.id == cell_id).values(**values))
            for field in ("status", "amount", "timing", "notes", "blocked_reason"):
                old, new = getattr(before, field), getattr(after, field)
                if (None if old == "" else old) != (None if new == "" else new):  # 0 counts
                    self._log(
                        conn,
                        who,
                        "potential",
                        _cell_name(division_id, solution_id),
                        field,
                        old,
                        new,
                        plan_id=plan_id,
                        account_id=plan.account_id,
                        at=now,
                    )
        return plan, self.potential(plan_id, division_id, solution_id)

    def potential(self, plan_id: int, division_id: int | None, solution_id: str) -> Potential:
        """One cell of the plan (an empty one when nothing is stored), with its links."""
        with self.engine.connect() as conn:
            row = self._cell_row(conn, plan_id, division_id, solution_id)
            if row is None:
                return Potential(plan_id=plan_id, division_id=division_id, solution_id=solution_id)
            linked = list(
                conn.scalars(
                    select(potential_opportunities.c.opportunity_id)
                    .where(potential_opportunities.c.potential_id == row.id)
                    .order_by(potential_opportunities.c.opportunity_id)
                )
            )
        return Potential(**row._mapping, opportunity_ids=linked)

    def _ensure_cell(
        self,
        conn: Connection,
        plan_id: int,
        division_id: int | None,
        solution_id: str,
        who: str,
        now: datetime,
    ) -> Any:
        row = self._cell_row(conn, plan_id, division_id, solution_id)
        if row is not None:
            return row
        conn.execute(
            insert(potentials).values(
                plan_id=plan_id,
                division_id=division_id,
                solution_id=solution_id,
                status="whitespace",
                notes="",
                blocked_reason="",
                updated_by=who,
                updated_at=now,
            )
        )
        return self._cell_row(conn, plan_id, division_id, solution_id)

    def link_opportunity(
        self,
        plan_id: int,
        expected_version: int,
        division_id: int | None,
        solution_id: str,
        opportunity_id: str,
        *,
        who: str | None = None,
    ) -> tuple[Plan, Potential]:
        """Link one of the account's opportunities to a cell (one cell per opportunity)."""
        who = who or settings.current_user()
        now = utcnow()
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            self._check_cell_division(conn, plan, division_id)
            opp = conn.execute(
                select(opportunities.c.account_id, opportunities.c.name).where(
                    opportunities.c.id == opportunity_id
                )
            ).first()
            if opp is None or opp.account_id != plan.account_id:
                raise StoreError(
                    f"opportunity {opportunity_id} is not an opportunity of this account"
                )
            taken = conn.execute(
                select(potentials.c.division_id, potentials.c.solution_id)
                .join(
                    potential_opportunities,
                    potential_opportunities.c.potential_id == potentials.c.id,
                )
                .where(
                    (potential_opportunities.c.plan_id == plan_id)
                    & (potential_opportunities.c.opportunity_id == opportunity_id)
                )
            ).first()
            if taken is not None:
                if (taken.division_id, taken.solution_id) == (division_id, solution_id):
                    return plan, self.potential(plan_id, division_id, solution_id)
                raise StoreError(
                    f"'{opp.name}' is already linked to another cell of this plan "
                    f"({_cell_name(taken.division_id, taken.solution_id)}); unlink it there first"
                )
            cell = self._ensure_cell(conn, plan_id, division_id, solution_id, who, now)
            conn.execute(
                insert(potential_opportunities).values(
                    plan_id=plan_id, opportunity_id=opportunity_id, potential_id=cell.id
                )
            )
            self._log(
                conn,
                who,
                "potential",
                _cell_name(division_id, solution_id),
                "opportunity",
                None,
                opportunity_id,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )
        return plan, self.potential(plan_id, division_id, solution_id)

    def unlink_opportunity(
        self, plan_id: int, expected_version: int, opportunity_id: str, *, who: str | None = None
    ) -> Plan:
        """Remove an opportunity's link to its cell (the opportunity itself stays)."""
        who = who or settings.current_user()
        now = utcnow()
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            where = (potential_opportunities.c.plan_id == plan_id) & (
                potential_opportunities.c.opportunity_id == opportunity_id
            )
            cell = conn.execute(
                select(potentials.c.division_id, potentials.c.solution_id)
                .join(
                    potential_opportunities,
                    potential_opportunities.c.potential_id == potentials.c.id,
                )
                .where(where)
            ).first()
            if cell is None:
                raise StoreError(f"opportunity {opportunity_id} is not linked in this plan")
            conn.execute(delete(potential_opportunities).where(where))
            self._log(
                conn,
                who,
                "potential",
                _cell_name(cell.division_id, cell.solution_id),
                "opportunity",
                opportunity_id,
                None,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )
        return plan

    def qualify_potential(
        self,
        plan_id: int,
        expected_version: int,
        division_id: int | None,
        solution_id: str,
        *,
        name: str,
        close_date: date,
        stage: str,
        amount: float | None = None,
        who: str | None = None,
    ) -> tuple[Plan, Opportunity]:
        """Turn a potential into an opportunity record linked to its cell, which becomes current."""
        who = who or settings.current_user()
        name = " ".join((name or "").split())
        if not name:
            raise StoreError("the opportunity needs a name")
        if len(name) > 120:
            raise StoreError("an opportunity name has at most 120 characters (Salesforce's limit)")
        now = utcnow()
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            row = self._cell_row(conn, plan_id, division_id, solution_id)
            if row is None or row.status != "potential":
                status = row.status if row else "whitespace"
                raise StoreError(f"only a potential can be qualified; this cell is {status}")
            amount = row.amount if amount is None else amount
            opportunity = Opportunity(
                id=f"local-{uuid.uuid4().hex[:24]}",
                account_id=plan.account_id,
                name=name,
                stage=stage,
                amount=amount,
                close_date=close_date,
                source="plan",
                plan_id=plan_id,
            )
            conn.execute(insert(opportunities).values(**opportunity.model_dump(), updated_at=now))
            conn.execute(
                insert(potential_opportunities).values(
                    plan_id=plan_id, opportunity_id=opportunity.id, potential_id=row.id
                )
            )
            conn.execute(
                update(potentials)
                .where(potentials.c.id == row.id)
                .values(status="current", updated_by=who, updated_at=now)
            )
            cell = _cell_name(division_id, solution_id)
            self._log(
                conn,
                who,
                "opportunity",
                opportunity.id,
                "created",
                None,
                f"qualified from {cell}: {name}",
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )
            self._log(
                conn,
                who,
                "potential",
                cell,
                "status",
                "potential",
                "current",
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )
        return plan, opportunity

    def qualified_opportunities(self, plan_id: int) -> list[Opportunity]:
        """Opportunities that the plan created by qualifying potentials."""
        query = (
            select(opportunities)
            .where(opportunities.c.plan_id == plan_id)
            .order_by(opportunities.c.close_date, opportunities.c.name)
        )
        with self.engine.connect() as conn:
            return [Opportunity(**_fields(r, Opportunity)) for r in conn.execute(query)]

    # -- revenue targets --------------------------------------------------------------------

    def revenue_targets(self, plan_id: int) -> list[RevenueTarget]:
        """The plan's revenue targets by period start."""
        query = (
            select(revenue_targets)
            .where(revenue_targets.c.plan_id == plan_id)
            .order_by(revenue_targets.c.start_date)
        )
        with self.engine.connect() as conn:
            return [RevenueTarget(**r._mapping) for r in conn.execute(query)]

    def set_revenue_target(
        self,
        plan_id: int,
        expected_version: int,
        target: RevenueTarget,
        *,
        who: str | None = None,
    ) -> tuple[Plan, RevenueTarget]:
        """Add a target (id None) or change one; a period that overlaps another is refused."""
        who = who or settings.current_user()
        now = utcnow()
        label = " ".join(target.label.split())
        if not label:
            raise StoreError("a revenue target needs a period label")
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            others = [
                RevenueTarget(**r._mapping)
                for r in conn.execute(
                    select(revenue_targets).where(revenue_targets.c.plan_id == plan_id)
                )
            ]
            old = next((t for t in others if t.id == target.id), None)
            if target.id is not None and old is None:
                raise StoreError(f"no revenue target {target.id} in this plan")
            for other in others:
                if other.id != target.id and target.overlaps(other):
                    raise StoreError(
                        f"the period {target.start_date} – {target.end_date} overlaps "
                        f"'{other.label}' ({other.start_date} – {other.end_date}); "
                        "periods of a plan may not overlap"
                    )
                if other.id != target.id and other.label.casefold() == label.casefold():
                    raise StoreError(
                        f"the period label '{label}' is already used for {other.start_date} – "
                        f"{other.end_date}; give each period its own label"
                    )
            values = {
                "label": label,
                "start_date": target.start_date,
                "end_date": target.end_date,
                "amount": target.amount,
            }
            if old is None:
                target_id = conn.execute(
                    insert(revenue_targets).values(plan_id=plan_id, **values)
                ).inserted_primary_key[0]
                self._log(
                    conn,
                    who,
                    "revenue_target",
                    target_id,
                    "created",
                    None,
                    f"{label}: {target.start_date} – {target.end_date}, {target.amount:g}",
                    plan_id=plan_id,
                    account_id=plan.account_id,
                    at=now,
                )
            else:
                target_id = old.id
                conn.execute(
                    update(revenue_targets).where(revenue_targets.c.id == old.id).values(**values)
                )
                for field, new in values.items():
                    if getattr(old, field) != new:
                        self._log(
                            conn,
                            who,
                            "revenue_target",
                            old.id,
                            field,
                            getattr(old, field),
                            new,
                            plan_id=plan_id,
                            account_id=plan.account_id,
                            at=now,
                        )
        saved = RevenueTarget(id=target_id, plan_id=plan_id, **values)
        return plan, saved

    def remove_revenue_target(
        self, plan_id: int, expected_version: int, target_id: int, *, who: str | None = None
    ) -> Plan:
        """Delete one revenue target (the event keeps what it was)."""
        who = who or settings.current_user()
        now = utcnow()
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            row = conn.execute(
                select(revenue_targets).where(
                    (revenue_targets.c.id == target_id) & (revenue_targets.c.plan_id == plan_id)
                )
            ).first()
            if row is None:
                raise StoreError(f"no revenue target {target_id} in this plan")
            conn.execute(delete(revenue_targets).where(revenue_targets.c.id == target_id))
            self._log(
                conn,
                who,
                "revenue_target",
                target_id,
                "deleted",
                f"{row.label}: {row.start_date} – {row.end_date}, {row.amount:g}",
                None,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )
        return plan

    # -- versioned records: team members, objectives, actions -------------------------------

    def _save(
        self,
        conn: Connection,
        plan: Plan,
        table: Any,
        model: type,
        entity: str,
        record_id: int | None,
        values: dict[str, Any],
        who: str,
        now: datetime,
    ) -> Any:
        """Insert (record_id None) or update one plan record, logging each changed field."""
        stamped = "updated_by" in table.c
        if record_id is None:
            record = make_record(model, **values)
            data = record.model_dump(exclude={"id", "links"})
            if stamped:
                data |= {"updated_by": who, "updated_at": now}
            record_id = conn.execute(insert(table).values(**data)).inserted_primary_key[0]
            label = getattr(record, "name", "")
            self._log(
                conn,
                who,
                entity,
                record_id,
                "created",
                None,
                label,
                plan_id=plan.id,
                account_id=plan.account_id,
                at=now,
            )
            return record_id
        row = conn.execute(
            select(table).where((table.c.id == record_id) & (table.c.plan_id == plan.id))
        ).first()
        if row is None:
            raise StoreError(f"no {entity.replace('_', ' ')} {record_id} in this plan")
        before = stored_record(model, _fields(row, model))
        after = revise_record(before, **values)
        changed = {
            k: getattr(after, k)
            for k in values
            if k in table.c and getattr(after, k) != getattr(before, k)
        }
        if changed:
            extra = {"updated_by": who, "updated_at": now} if stamped else {}
            conn.execute(update(table).where(table.c.id == record_id).values(**changed, **extra))
            for field, new in changed.items():
                self._log(
                    conn,
                    who,
                    entity,
                    record_id,
                    field,
                    getattr(before, field),
                    new,
                    plan_id=plan.id,
                    account_id=plan.account_id,
                    at=now,
                )
        return record_id

    def _member_check(self, conn: Connection, plan_id: int, member_id: int | None) -> None:
        if member_id is None:
            return
        row = conn.execute(
            select(team_members.c.plan_id).where(team_members.c.id == member_id)
        ).first()
        if row is None or row.plan_id != plan_id:
            raise StoreError(f"team member {member_id} is not on this plan's team")

    def _owner_check(
        self, conn: Connection, plan_id: int, owner_id: int | None, current: int | None = None
    ) -> None:
        """A new owner is a current member of the plan's team; `current`, the owner an item
        already has, stays even when they have left (nothing is lost)."""
        self._member_check(conn, plan_id, owner_id)
        if owner_id is None or owner_id == current:
            return
        row = conn.execute(
            select(team_members.c.name, team_members.c.left_at).where(team_members.c.id == owner_id)
        ).one()
        if row.left_at is not None:
            raise StoreError(
                f"{row.name} has left the team and cannot be given new work: choose a current "
                f"member as the owner, or bring {row.name} back to the team first"
            )

    def _check_member_name(
        self, conn: Connection, plan_id: int, name: str | None, member_id: int | None = None
    ) -> None:
        """Refuse a name that a current member (other than `member_id`) already has."""
        name = clean_line(name)
        current = conn.execute(
            select(team_members.c.id, team_members.c.name).where(
                (team_members.c.plan_id == plan_id) & team_members.c.left_at.is_(None)
            )
        )
        if any(r.id != member_id and name_key(r.name) == name_key(name) for r in current):
            raise StoreError(f"{name} is already on the team")

    def _objective_check(self, conn: Connection, plan_id: int, objective_id: int | None) -> None:
        if objective_id is None:
            return
        row = conn.execute(
            select(objectives.c.plan_id).where(objectives.c.id == objective_id)
        ).first()
        if row is None or row.plan_id != plan_id:
            raise StoreError(f"objective {objective_id} is not an objective of this plan")

    def _versioned(self, plan_id: int, expected_version: int, who: str | None, work: Any) -> Any:
        """Run `work(conn, plan, who, now)` in one transaction that raises the plan's version."""
        who = who or settings.current_user()
        now = utcnow()
        with self._tx() as conn:
            plan = self._bump(conn, plan_id, expected_version, now)
            result = work(conn, plan, who, now)
        return self.get_plan(plan_id), result

    # team
    def team(self, plan_id: int) -> list[TeamMember]:
        """The plan's team in order, former members included (they own old items)."""
        query = (
            select(team_members)
            .where(team_members.c.plan_id == plan_id)
            .order_by(team_members.c.position, team_members.c.id)
        )
        with self.engine.connect() as conn:
            return [stored_record(TeamMember, r._mapping) for r in conn.execute(query)]

    def add_member(
        self,
        plan_id: int,
        expected_version: int,
        name: str,
        role: str,
        email: str | None = None,
        *,
        who: str | None = None,
    ) -> tuple[Plan, TeamMember]:
        """Add someone to the plan's team."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            position = conn.scalar(
                select(func.coalesce(func.max(team_members.c.position), 0)).where(
                    team_members.c.plan_id == plan_id
                )
            )
            self._check_member_name(conn, plan_id, name)
            values = {
                "plan_id": plan_id,
                "name": name,
                "role": role,
                "email": email,
                "is_owner": False,
                "position": (position or 0) + 1,
            }
            return self._save(
                conn, plan, team_members, TeamMember, "team_member", None, values, who, now
            )

        plan, member_id = self._versioned(plan_id, expected_version, who, work)
        return plan, self._member(member_id)

    def _member(self, member_id: int) -> TeamMember:
        with self.engine.connect() as conn:
            row = conn.execute(select(team_members).where(team_members.c.id == member_id)).one()
        return stored_record(TeamMember, row._mapping)

    def update_member(
        self,
        plan_id: int,
        expected_version: int,
        member_id: int,
        *,
        who: str | None = None,
        **fields: Any,
    ) -> tuple[Plan, TeamMember]:
        """Change a member's name, role or e-mail."""
        unknown = set(fields) - {"name", "role", "email"}
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of a team member")

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            row = conn.execute(
                select(team_members.c.name).where(
                    (team_members.c.id == member_id) & (team_members.c.plan_id == plan_id)
                )
            ).first()
            renamed = (
                "name" in fields
                and row is not None
                and name_key(clean_line(fields["name"])) != name_key(row.name)
            )
            if renamed:
                # a former member may not take a current member's name either: when they
                # rejoin, two members of the same name would be on the team. Keeping their
                # own name is always allowed (their role or e-mail may still change).
                self._check_member_name(conn, plan_id, fields["name"], member_id)
            self._save(
                conn, plan, team_members, TeamMember, "team_member", member_id, fields, who, now
            )
            member = stored_record(
                TeamMember,
                conn.execute(select(team_members).where(team_members.c.id == member_id))
                .one()
                ._mapping,
            )
            if member.is_owner and "name" in fields:
                conn.execute(update(plans).where(plans.c.id == plan_id).values(owner=member.name))
            return member_id

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan, self._member(member_id)

    def remove_member(
        self, plan_id: int, expected_version: int, member_id: int, *, who: str | None = None
    ) -> tuple[Plan, TeamMember]:
        """A member leaves the team; they stay on their items as a former member."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            self._member_check(conn, plan_id, member_id)
            row = conn.execute(select(team_members).where(team_members.c.id == member_id)).one()
            if row.is_owner:
                raise StoreError(
                    f"{row.name} owns the plan: make someone else the owner before they leave"
                )
            if row.left_at is None:
                conn.execute(
                    update(team_members).where(team_members.c.id == member_id).values(left_at=now)
                )
                self._log(
                    conn,
                    who,
                    "team_member",
                    member_id,
                    "left",
                    None,
                    row.name,
                    plan_id=plan_id,
                    account_id=plan.account_id,
                    at=now,
                )
            return member_id

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan, self._member(member_id)

    def restore_member(
        self, plan_id: int, expected_version: int, member_id: int, *, who: str | None = None
    ) -> tuple[Plan, TeamMember]:
        """A former member rejoins the team."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            self._member_check(conn, plan_id, member_id)
            row = conn.execute(select(team_members).where(team_members.c.id == member_id)).one()
            if row.left_at is not None:
                self._check_member_name(conn, plan_id, row.name, member_id)
                conn.execute(
                    update(team_members).where(team_members.c.id == member_id).values(left_at=None)
                )
                self._log(
                    conn,
                    who,
                    "team_member",
                    member_id,
                    "left",
                    row.name,
                    None,
                    plan_id=plan_id,
                    account_id=plan.account_id,
                    at=now,
                )
            return member_id

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan, self._member(member_id)

    def set_owner(
        self, plan_id: int, expected_version: int, member_id: int, *, who: str | None = None
    ) -> Plan:
        """Make a current team member the plan's owner."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> None:
            self._member_check(conn, plan_id, member_id)
            row = conn.execute(select(team_members).where(team_members.c.id == member_id)).one()
            if row.left_at is not None:
                raise StoreError(f"{row.name} has left the team and cannot own the plan")
            conn.execute(
                update(team_members)
                .where(team_members.c.plan_id == plan_id)
                .values(is_owner=team_members.c.id == member_id)
            )
            conn.execute(update(plans).where(plans.c.id == plan_id).values(owner=row.name))
            if plan.owner == row.name:
                return
            self._log(
                conn,
                who,
                "plan",
                plan_id,
                "owner",
                plan.owner,
                row.name,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan

    # objectives
    def objectives(self, plan_id: int) -> list[Objective]:
        """The plan's objectives in order, with their links."""
        with self.engine.connect() as conn:
            links: dict[int, list[tuple[str, str]]] = {}
            for row in conn.execute(
                select(objective_links)
                .where(objective_links.c.plan_id == plan_id)
                .order_by(objective_links.c.id)
            ):
                links.setdefault(row.objective_id, []).append((row.kind, row.target_id))
            rows = conn.execute(
                select(objectives)
                .where(objectives.c.plan_id == plan_id)
                .order_by(objectives.c.position, objectives.c.id)
            )
            return [
                stored_record(Objective, {**r._mapping, "links": links.get(r.id, [])}) for r in rows
            ]

    def get_objective(self, objective_id: int) -> Objective:
        """One objective with its links."""
        with self.engine.connect() as conn:
            row = conn.execute(select(objectives).where(objectives.c.id == objective_id)).first()
        if row is None:
            raise StoreError(f"no objective {objective_id}")
        found = [o for o in self.objectives(row.plan_id) if o.id == objective_id]
        return found[0]

    def _check_objective_refs(
        self, conn: Connection, plan: Plan, values: dict, stored: Any = None
    ) -> dict:
        """The values with the type as the plan type spells it; owner, division and type checked.

        `stored` is the objective's row when it is changed: its owner and type stay allowed.
        """
        current = stored.owner_id if stored is not None else None
        self._owner_check(conn, plan.id, values.get("owner_id"), current)
        division_id = values.get("division_id")
        if division_id is not None:
            owner = conn.scalar(select(divisions.c.account_id).where(divisions.c.id == division_id))
            if owner != plan.account_id:
                raise StoreError(f"division {division_id} is not a division of this account")
        if "type" not in values:
            return values
        return values | {"type": self._objective_type(plan, values["type"], stored)}

    def _objective_type(self, plan: Plan, value: Any, stored: Any = None) -> Any:
        """One of the plan type's objective types, as it spells it; others are refused.

        A type the objective already has stays allowed after the plan type changed.
        """
        text = clean_line(value) if isinstance(value, str) else value
        if not isinstance(text, str) or not text or (stored is not None and text == stored.type):
            return value  # empty or not text: the record's own check says what is wrong
        try:
            plan_type = self.plan_types.get(plan.plan_type)
        except KeyError as exc:
            raise StoreError(f"cannot check the objective type: {exc.args[0]}") from None
        allowed = plan_type.objective_types
        found = next((t for t in allowed if t.casefold() == text.casefold()), None)
        if found is None:
            listed = ", ".join(f"'{t}'" for t in allowed[:-1])
            choices = f"{listed} or '{allowed[-1]}'" if listed else f"'{allowed[-1]}'"
            raise InvalidRecord(
                "type",
                f"'{text[:40]}' is not an objective type of {plan_type.title} plans; use {choices}",
            )
        return found

    def add_objective(
        self, plan_id: int, expected_version: int, *, who: str | None = None, **fields: Any
    ) -> tuple[Plan, Objective]:
        """Add an objective at the end of the plan's list."""
        fields.pop("links", None)

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            checked = self._check_objective_refs(conn, plan, fields)
            position = conn.scalar(
                select(func.coalesce(func.max(objectives.c.position), 0)).where(
                    objectives.c.plan_id == plan_id
                )
            )
            values = checked | {"plan_id": plan_id, "position": (position or 0) + 1}
            return self._save(
                conn, plan, objectives, Objective, "objective", None, values, who, now
            )

        plan, objective_id = self._versioned(plan_id, expected_version, who, work)
        return plan, self.get_objective(objective_id)

    def update_objective(
        self,
        plan_id: int,
        expected_version: int,
        objective_id: int,
        *,
        who: str | None = None,
        **fields: Any,
    ) -> tuple[Plan, Objective]:
        """Change an objective's fields."""
        allowed = {
            "name",
            "type",
            "division_id",
            "metric",
            "description",
            "strategy",
            "status",
            "owner_id",
            "priority",
            "due_date",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of an objective")

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            stored = conn.execute(
                select(objectives).where(
                    (objectives.c.id == objective_id) & (objectives.c.plan_id == plan_id)
                )
            ).first()
            if stored is None:
                raise StoreError(f"no objective {objective_id} in this plan")
            values = self._check_objective_refs(conn, plan, fields, stored)
            return self._save(
                conn, plan, objectives, Objective, "objective", objective_id, values, who, now
            )

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan, self.get_objective(objective_id)

    def delete_objective(
        self, plan_id: int, expected_version: int, objective_id: int, *, who: str | None = None
    ) -> Plan:
        """Delete an objective; its actions move to the plan's unassigned actions."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> None:
            self._objective_check(conn, plan_id, objective_id)
            name = conn.scalar(select(objectives.c.name).where(objectives.c.id == objective_id))
            moved = list(
                conn.scalars(
                    select(actions.c.id)
                    .where(actions.c.objective_id == objective_id)
                    .order_by(actions.c.position, actions.c.id)
                )
            )
            # they join the end of the unassigned actions, in their order
            start = self._next_action_position(conn, plan_id, None)
            for offset, action_id in enumerate(moved):
                conn.execute(
                    update(actions)
                    .where(actions.c.id == action_id)
                    .values(
                        objective_id=None, position=start + offset, updated_by=who, updated_at=now
                    )
                )
                self._log(
                    conn,
                    who,
                    "action",
                    action_id,
                    "objective_id",
                    objective_id,
                    None,
                    plan_id=plan_id,
                    account_id=plan.account_id,
                    at=now,
                )
            conn.execute(
                delete(objective_links).where(objective_links.c.objective_id == objective_id)
            )
            conn.execute(delete(objectives).where(objectives.c.id == objective_id))
            self._log(
                conn,
                who,
                "objective",
                objective_id,
                "deleted",
                name,
                None,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan

    def reorder_objectives(
        self,
        plan_id: int,
        expected_version: int,
        objective_ids: list[int],
        *,
        who: str | None = None,
    ) -> Plan:
        """Put the plan's objectives in this order (ids not listed keep their relative place)."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> None:
            rows = conn.execute(
                select(objectives.c.id, objectives.c.position)
                .where(objectives.c.plan_id == plan_id)
                .order_by(objectives.c.position, objectives.c.id)
            ).all()
            known = [r.id for r in rows]
            stray = [i for i in objective_ids if i not in known]
            if stray:
                raise StoreError(f"objective(s) {stray} are not objectives of this plan")
            order = list(dict.fromkeys(objective_ids)) + [
                i for i in known if i not in objective_ids
            ]
            old = {r.id: r.position for r in rows}
            for position, objective_id in enumerate(order, start=1):
                if old[objective_id] != position:
                    conn.execute(
                        update(objectives)
                        .where(objectives.c.id == objective_id)
                        .values(position=position)
                    )
                    self._log(
                        conn,
                        who,
                        "objective",
                        objective_id,
                        "position",
                        old[objective_id],
                        position,
                        plan_id=plan_id,
                        account_id=plan.account_id,
                        at=now,
                    )

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan

    def link_objective(
        self,
        plan_id: int,
        expected_version: int,
        objective_id: int,
        kind: str,
        target_id: str,
        *,
        who: str | None = None,
    ) -> tuple[Plan, Objective]:
        """Link an objective to a potential (cell id), an opportunity or an insight."""
        if kind not in LINK_KINDS:
            raise StoreError(f"cannot link an objective to a {kind!r} ({', '.join(LINK_KINDS)})")
        target_id = str(target_id).strip()
        if not target_id or len(target_id) > MAX_LINK_TARGET:
            raise StoreError(
                f"a {kind} link needs an id of 1 to {MAX_LINK_TARGET} characters, "
                f"not {target_id[:70]!r}"
            )

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> None:
            self._objective_check(conn, plan_id, objective_id)
            if kind == "potential":
                owner = (
                    conn.scalar(
                        select(potentials.c.plan_id).where(potentials.c.id == int(target_id))
                    )
                    if target_id.isdigit()
                    else None
                )
                if owner != plan_id:
                    raise StoreError(f"potential {target_id} is not a cell of this plan")
            elif kind == "opportunity":
                owner = conn.scalar(
                    select(opportunities.c.account_id).where(opportunities.c.id == target_id)
                )
                if owner != plan.account_id:
                    raise StoreError(
                        f"opportunity {target_id} is not an opportunity of this account"
                    )
            exists = conn.execute(
                select(objective_links.c.id).where(
                    (objective_links.c.objective_id == objective_id)
                    & (objective_links.c.kind == kind)
                    & (objective_links.c.target_id == target_id)
                )
            ).first()
            if exists:
                return
            conn.execute(
                insert(objective_links).values(
                    plan_id=plan_id, objective_id=objective_id, kind=kind, target_id=target_id
                )
            )
            self._log(
                conn,
                who,
                "objective",
                objective_id,
                f"link {kind}",
                None,
                target_id,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan, self.get_objective(objective_id)

    def unlink_objective(
        self,
        plan_id: int,
        expected_version: int,
        objective_id: int,
        kind: str,
        target_id: str,
        *,
        who: str | None = None,
    ) -> tuple[Plan, Objective]:
        """Remove one of an objective's links."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> None:
            self._objective_check(conn, plan_id, objective_id)
            gone = conn.execute(
                delete(objective_links).where(
                    (objective_links.c.objective_id == objective_id)
                    & (objective_links.c.kind == kind)
                    & (objective_links.c.target_id == str(target_id))
                )
            ).rowcount
            if not gone:
                raise StoreError(f"objective {objective_id} has no link to {kind} {target_id}")
            self._log(
                conn,
                who,
                "objective",
                objective_id,
                f"link {kind}",
                str(target_id),
                None,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan, self.get_objective(objective_id)

    # actions
    def actions(self, plan_id: int) -> list[Action]:
        """The plan's actions, by objective and position."""
        query = (
            select(actions)
            .where(actions.c.plan_id == plan_id)
            .order_by(actions.c.objective_id, actions.c.position, actions.c.id)
        )
        with self.engine.connect() as conn:
            return [stored_record(Action, r._mapping) for r in conn.execute(query)]

    def get_action(self, action_id: int) -> Action:
        """One action."""
        with self.engine.connect() as conn:
            row = conn.execute(select(actions).where(actions.c.id == action_id)).first()
        if row is None:
            raise StoreError(f"no action {action_id}")
        return stored_record(Action, row._mapping)

    def _next_action_position(
        self, conn: Connection, plan_id: int, objective_id: int | None
    ) -> int:
        where = actions.c.plan_id == plan_id
        where &= (
            actions.c.objective_id.is_(None)
            if objective_id is None
            else actions.c.objective_id == objective_id
        )
        return (
            conn.scalar(select(func.coalesce(func.max(actions.c.position), 0)).where(where)) or 0
        ) + 1

    def add_action(
        self,
        plan_id: int,
        expected_version: int,
        *,
        who: str | None = None,
        today: date | None = None,
        **fields: Any,
    ) -> tuple[Plan, Action]:
        """Add an action to an objective (or to the unassigned actions, objective_id None).

        Done without a completion date is completed `today` (default: the store's UTC date).
        """

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            self._objective_check(conn, plan_id, fields.get("objective_id"))
            self._owner_check(conn, plan_id, fields.get("owner_id"))
            values = fields | {
                "plan_id": plan_id,
                "position": self._next_action_position(conn, plan_id, fields.get("objective_id")),
            }
            values = _with_completion(values, fields, None, today or now.date())
            return self._save(conn, plan, actions, Action, "action", None, values, who, now)

        plan, action_id = self._versioned(plan_id, expected_version, who, work)
        return plan, self.get_action(action_id)

    def update_action(
        self,
        plan_id: int,
        expected_version: int,
        action_id: int,
        *,
        who: str | None = None,
        today: date | None = None,
        **fields: Any,
    ) -> tuple[Plan, Action]:
        """Change an action; objective_id moves it. Status and completion date go together.

        Done without a date takes `today` (default: the store's UTC date); a completion date
        marks an open action done; reopening clears the date.
        """
        allowed = {
            "name",
            "owner_id",
            "due_date",
            "status",
            "completed_on",
            "notes",
            "objective_id",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"cannot change {', '.join(sorted(unknown))} of an action")

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> int:
            values = dict(fields)
            row = conn.execute(
                select(actions).where((actions.c.id == action_id) & (actions.c.plan_id == plan_id))
            ).first()
            if row is None:
                raise StoreError(f"no action {action_id} in this plan")
            if "owner_id" in fields:
                self._owner_check(conn, plan_id, fields["owner_id"], row.owner_id)
            if "objective_id" in values and values["objective_id"] != row.objective_id:
                self._objective_check(conn, plan_id, values["objective_id"])
                values["position"] = self._next_action_position(
                    conn, plan_id, values["objective_id"]
                )
            values = _with_completion(values, fields, row, today or now.date())
            return self._save(conn, plan, actions, Action, "action", action_id, values, who, now)

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan, self.get_action(action_id)

    def delete_action(
        self, plan_id: int, expected_version: int, action_id: int, *, who: str | None = None
    ) -> Plan:
        """Delete an action (the event keeps its name)."""

        def work(conn: Connection, plan: Plan, who: str, now: datetime) -> None:
            row = conn.execute(
                select(actions).where((actions.c.id == action_id) & (actions.c.plan_id == plan_id))
            ).first()
            if row is None:
                raise StoreError(f"no action {action_id} in this plan")
            conn.execute(delete(actions).where(actions.c.id == action_id))
            self._log(
                conn,
                who,
                "action",
                action_id,
                "deleted",
                row.name,
                None,
                plan_id=plan_id,
                account_id=plan.account_id,
                at=now,
            )

        plan, _ = self._versioned(plan_id, expected_version, who, work)
        return plan


def _completion(fields: dict[str, Any], stored: Any, today: date) -> dict[str, Any]:
    """The status and completion date to save: a done action has a date, an open one none.

    - done without a date: completed today (a done action keeps the date it has);
    - a completion date alone marks an open action done;
    - reopening clears the date.
    Refused, with a message naming the field: an open status given together with a date, and
    clearing the date of a done action (reopen it instead).
    """
    if "status" not in fields and "completed_on" not in fields:
        return {}
    was_done = stored is not None and stored.status == "done"
    status = fields.get("status", "done" if was_done else "open")
    day = fields.get("completed_on")
    day = None if day == "" else day
    if status == "open":
        if day is None:
            return {"status": "open", "completed_on": None}
        if "status" in fields:
            raise InvalidRecord(
                "completed_on",
                "an open action has no completion date; mark it done, or leave the date empty",
            )
        return {"status": "done", "completed_on": day}
    if status != "done":
        return {}  # not a status: the record says so
    if day is not None:
        return {"status": "done", "completed_on": day}
    kept = stored.completed_on if was_done else None
    if "completed_on" in fields and kept is not None:
        raise InvalidRecord(
            "completed_on",
            "a done action needs its completion date; reopen the action (status open) to clear it",
        )
    return {"status": "done", "completed_on": kept or today}


def _with_completion(
    values: dict[str, Any], fields: dict[str, Any], stored: Any, today: date
) -> dict[str, Any]:
    """`values` with status and completion date made consistent (status first, for the log)."""
    completion = _completion(fields, stored, today)
    if not completion:
        return values
    rest = {k: v for k, v in values.items() if k not in completion}
    return completion | rest


def _cell_name(division_id: int | None, solution_id: str) -> str:
    """How events name a cell: 'division 3 × solution' or 'whole account × solution'."""
    row = "whole account" if division_id is None else f"division {division_id}"
    return f"{row} × {solution_id}"


def _fields(row: Any, model: type) -> dict[str, Any]:
    """The row's values that the model has fields for."""
    mapping = row._mapping
    return {k: mapping[k] for k in model.model_fields if k in mapping}


def _account(row: Any) -> Account:
    """An Account from a row."""
    return Account(**_fields(row, Account))
