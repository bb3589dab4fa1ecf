"""SQLAlchemy Core tables: the shape that the migrations create. Only store.py queries them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, index=True),
    Column("type", Text),
    Column("industry", Text),
    Column("annual_revenue", Float),
    Column("number_of_employees", Integer),
    Column("owner", Text),
    Column("parent_id", String(40), ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("phone", Text),
    Column("billing_city", Text),
    Column("billing_state", Text),
    Column("billing_postal_code", Text),
    Column("billing_country", Text),
    Column("ownership", Text),
    Column("rating", Text),
    Column("source", String(20), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

divisions = Table(
    "divisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "account_id",
        String(40),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("name", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("source_account_id", String(40)),
    Column("removed_at", DateTime),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "account_id",
        String(40),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("first_name", Text),
    Column("last_name", Text, nullable=False),
    Column("title", Text),
    Column("department", Text),
    Column("email", Text),
    Column("phone", Text),
    Column("mobile_phone", Text),
    Column("lead_source", Text),
    Column("reports_to_id", String(40)),
    Column("source", String(20), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

opportunities = Table(
    "opportunities",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "account_id",
        String(40),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("stage", Text),
    Column("amount", Float),
    Column("probability", Float),
    Column("close_date", Date),
    Column("is_closed", Boolean, nullable=False),
    Column("is_won", Boolean, nullable=False),
    Column("type", Text),
    Column("lead_source", Text),
    Column("next_step", Text),
    Column("created_date", DateTime),
    Column("source", String(20), nullable=False),
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="SET NULL")),
    Column("updated_at", DateTime, nullable=False),
)

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "account_id",
        String(40),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("plan_type", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("owner", Text),
    Column("status", String(20), nullable=False),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("version", Integer, nullable=False),
    Column("created_by", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

answers = Table(
    "answers",
    metadata,
    Column(
        "plan_id",
        Integer,
        ForeignKey("plans.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("question_id", String(120), primary_key=True),
    Column("option_id", String(120)),
    Column("notes", Text, nullable=False),
    Column("answered_by", Text, nullable=False),
    Column("answered_at", DateTime, nullable=False),
)

potentials = Table(
    "potentials",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("division_id", Integer, ForeignKey("divisions.id", ondelete="CASCADE")),
    Column("solution_id", String(120), nullable=False),
    Column("status", String(20), nullable=False),
    Column("amount", Float),
    Column("timing", String(20)),
    Column("notes", Text, nullable=False),
    Column("blocked_reason", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
# One cell per plan, division and solution; the "Whole account" row has no division.
Index(
    "uq_potentials_cell",
    potentials.c.plan_id,
    potentials.c.division_id,
    potentials.c.solution_id,
    unique=True,
    sqlite_where=potentials.c.division_id.isnot(None),
    postgresql_where=potentials.c.division_id.isnot(None),
)
Index(
    "uq_potentials_whole_account_cell",
    potentials.c.plan_id,
    potentials.c.solution_id,
    unique=True,
    sqlite_where=potentials.c.division_id.is_(None),
    postgresql_where=potentials.c.division_id.is_(None),
)

potential_opportunities = Table(
    "potential_opportunities",
    metadata,
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "opportunity_id",
        String(40),
        ForeignKey("opportunities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "potential_id",
        Integer,
        ForeignKey("potentials.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

revenue_targets = Table(
    "revenue_targets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("label", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("amount", Float, nullable=False),
)

team_members = Table(
    "team_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("email", Text),
    Column("is_owner", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("left_at", DateTime),
)

objectives = Table(
    "objectives",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("division_id", Integer, ForeignKey("divisions.id", ondelete="SET NULL")),
    Column("metric", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("strategy", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("owner_id", Integer, ForeignKey("team_members.id", ondelete="SET NULL")),
    Column("priority", String(10), nullable=False),
    Column("due_date", Date),
    Column("position", Integer, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("objective_id", Integer, ForeignKey("objectives.id", ondelete="SET NULL"), index=True),
    Column("name", Text, nullable=False),
    Column("owner_id", Integer, ForeignKey("team_members.id", ondelete="SET NULL")),
    Column("due_date", Date),
    Column("status", String(10), nullable=False),
    Column("completed_on", Date),
    Column("notes", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# What an objective serves: potentials (cells), opportunities and, later, insights.
objective_links = Table(
    "objective_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column(
        "objective_id",
        Integer,
        ForeignKey("objectives.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(20), nullable=False),
    Column("target_id", String(60), nullable=False),
    UniqueConstraint("objective_id", "kind", "target_id", name="uq_objective_links_target"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("who", Text, nullable=False),
    Column("plan_id", Integer, index=True),
    Column("account_id", String(40), index=True),
    Column("entity", String(40), nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("field", Text, nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
)

Index("ix_events_entity", events.c.entity, events.c.entity_id)
