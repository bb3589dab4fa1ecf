"""Plans and accounts as DataFrames, after a couple of answers."""

from __future__ import annotations

import pandas as pd
import pytest

from planning_kit.analytics import (
    accounts_frame,
    answers_frame,
    events_frame,
    plans_frame,
    sections_frame,
)
from planning_kit.model import Account, ImportBatch
from planning_kit.plan_types import load_plan_types

PARENT = "001bm00001ZL8UEAA1"
CHILD = "001bm00001ZL8UHAA1"


@pytest.fixture(scope="module")
def registry():
    return load_plan_types()


@pytest.fixture
def accounts(store):
    """Two accounts, one the parent of the other."""
    store.apply_import(
        ImportBatch(
            accounts=[
                Account(id=PARENT, name="United Oil & Gas Corp.", industry="Energy"),
                Account(id=CHILD, name="United Oil & Gas, UK", parent_id=PARENT),
            ]
        ),
        who="tester",
    )
    return store


@pytest.fixture
def answered(accounts, registry):
    """An expansion plan with a positive answer, a negative one with notes, and notes alone."""
    store = accounts
    plan_type = registry.get("expansion")
    first, second, third = plan_type.sections[0].questions[:3]
    plan = store.create_plan(PARENT, "expansion", "UOG expansion")
    plan, _ = store.set_answer(plan.id, plan.version, first.id, opt(first, "positive"))
    plan, _ = store.set_answer(
        plan.id, plan.version, second.id, opt(second, "negative"), "Value not shown yet"
    )
    plan, _ = store.set_answer(plan.id, plan.version, third.id, None, "Ask the plant manager")
    return store, plan, (first, second, third)


def opt(question, score: str) -> str:
    return next(o.id for o in question.options if o.score == score)


def test_accounts_frame(accounts):
    frame = accounts_frame(accounts)
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "id"
    assert sorted(frame.index) == sorted([PARENT, CHILD])
    assert frame.loc[PARENT, "name"] == "United Oil & Gas Corp."
    assert frame.loc[PARENT, "industry"] == "Energy"
    assert frame.loc[CHILD, "parent_id"] == PARENT
    assert {"annual_revenue", "owner", "billing_city"} <= set(frame.columns)


def test_accounts_frame_of_an_empty_store(store):
    assert accounts_frame(store).empty


def test_plans_frame(answered):
    store, plan, _ = answered
    other = store.create_plan(PARENT, "acquisition", "UOG second")
    frame = plans_frame(store, PARENT)
    assert frame.index.name == "id"
    assert list(frame.index) == [other.id, plan.id]  # newest first
    assert frame.loc[plan.id, "plan_type"] == "expansion"
    assert frame.loc[plan.id, "name"] == "UOG expansion"
    assert frame.loc[plan.id, "version"] == 4  # created, then three answers
    assert frame.loc[other.id, "created_by"] == "tester"
    assert plans_frame(store, CHILD).empty


def test_answers_frame(answered, registry):
    store, plan, (first, second, third) = answered
    plan_type = registry.get("expansion")
    frame = answers_frame(store, registry, plan.id)
    assert list(frame.columns) == [
        "section",
        "question_id",
        "question",
        "answer",
        "score",
        "notes",
        "answered_by",
        "answered_at",
    ]
    assert list(frame["question_id"]) == [q.id for q in plan_type.questions()]
    rows = frame.set_index("question_id")
    assert rows.loc[first.id, "answer"] == first.option(opt(first, "positive")).label
    assert rows.loc[first.id, "score"] == "positive"
    assert rows.loc[first.id, "section"] == plan_type.sections[0].title
    assert rows.loc[first.id, "question"] == first.text
    assert rows.loc[second.id, "score"] == "negative"
    assert rows.loc[second.id, "notes"] == "Value not shown yet"
    assert rows.loc[second.id, "answered_by"] == "tester"
    assert pd.notna(rows.loc[second.id, "answered_at"])
    assert pd.isna(rows.loc[third.id, "answer"])  # notes alone
    assert pd.isna(rows.loc[third.id, "score"])
    assert rows.loc[third.id, "notes"] == "Ask the plant manager"
    unanswered = rows.drop(index=[first.id, second.id, third.id])
    assert unanswered["answer"].isna().all()
    assert (unanswered["notes"] == "").all()
    assert unanswered["answered_by"].isna().all()


def test_sections_frame(answered, registry):
    store, plan, _ = answered
    plan_type = registry.get("expansion")
    frame = sections_frame(store, registry, plan.id)
    assert list(frame.columns) == ["section", "answered", "total", "percent", "colour"]
    assert list(frame["section"]) == [s.title for s in plan_type.sections]
    first = frame.iloc[0]
    total = len(plan_type.sections[0].questions)
    assert (first["answered"], first["total"]) == (2, total)  # notes alone do not count
    assert first["percent"] == (200 * 2 + total) // (2 * total)
    assert first["colour"] == ("red" if total <= 3 else "amber")
    assert (frame.iloc[1:]["colour"] == "grey").all()
    assert (frame.iloc[1:]["percent"] == 0).all()


def test_answers_frame_follows_the_plan_type(answered, registry):
    store, plan, (first, _, _) = answered
    store.change_plan_type(plan.id, plan.version, "customer_success")
    frame = answers_frame(store, registry, plan.id)
    assert first.id not in set(frame["question_id"])  # hidden, not lost
    assert frame["answer"].isna().all()
    assert first.id in store.answers(plan.id)


def test_events_frame(answered):
    store, plan, (first, second, third) = answered
    frame = events_frame(store, plan.id)
    assert {"at", "who", "entity", "entity_id", "field", "old_value", "new_value"} <= set(
        frame.columns
    )
    assert list(frame["id"]) == sorted(frame["id"], reverse=True)  # newest first
    assert (frame["plan_id"] == plan.id).all()
    assert (frame["who"] == "tester").all()
    changes = list(zip(frame["entity"], frame["entity_id"], frame["field"], strict=True))
    assert changes == [
        ("answer", third.id, "notes"),
        ("answer", second.id, "notes"),
        ("answer", second.id, "option"),
        ("answer", first.id, "option"),
        ("plan", str(plan.id), "created"),
    ]
    assert frame.iloc[1]["new_value"] == "Value not shown yet"


def test_potentials_and_pipeline_frames_follow_the_grid(accounts, registry) -> None:
    from datetime import date

    from planning_kit.analytics import pipeline_frame, potentials_frame
    from planning_kit.model import RevenueTarget

    store = accounts
    plan = store.create_plan(PARENT, "expansion", "Grow", who="tester")
    plan, _ = store.set_potential(
        plan.id,
        plan.version,
        None,
        "remote_monitoring",
        status="potential",
        amount=250_000,
        timing="2027-Q1",
    )
    target = RevenueTarget(
        plan_id=plan.id,
        label="FY27 H1",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 6, 30),
        amount=1_000_000,
    )
    plan, _ = store.set_revenue_target(plan.id, plan.version, target)
    cells = potentials_frame(store, registry, plan.id)
    assert len(cells) == len(registry.get("expansion").solutions)
    row = cells.set_index("solution_id").loc["remote_monitoring"]
    assert (row["division"], row["status"], row["amount"]) == (
        "Whole account",
        "potential",
        250_000,
    )
    assert set(cells["status"]) == {"potential", "whitespace"}
    pipeline = pipeline_frame(store, registry, plan.id)
    assert pipeline.to_dict("records")[0] | {} == {
        "period": "FY27 H1",
        "start": date(2027, 1, 1),
        "end": date(2027, 6, 30),
        "target": 1_000_000,
        "potential": 250_000,
        "current": 0.0,
        "won": 0.0,
        "pipeline": 250_000,
        "coverage": 0.25,
    }


def test_objectives_actions_and_team_frames(accounts) -> None:
    from datetime import date

    from planning_kit.analytics import actions_frame, objectives_frame, team_frame

    store = accounts
    plan = store.create_plan(PARENT, "expansion", "Grow", who="tester")
    plan, sam = store.add_member(plan.id, plan.version, "Sam Lee", "Solution Engineer")
    plan, goal = store.add_objective(
        plan.id,
        plan.version,
        name="Win the refinery",
        type="Relationship",
        owner_id=sam.id,
        due_date=date(2027, 1, 31),
    )
    plan, _ = store.add_action(
        plan.id,
        plan.version,
        objective_id=goal.id,
        name="Call the CFO",
        owner_id=sam.id,
        due_date=date(2026, 11, 1),
    )
    plan, _ = store.add_action(plan.id, plan.version, name="Loose end")
    plan, _ = store.remove_member(plan.id, plan.version, sam.id)
    today = date(2026, 12, 3)

    team = team_frame(store, plan.id)
    assert list(team["name"]) == ["tester", "Sam Lee"]
    assert team["left_at"].notna().tolist() == [False, True]
    goals = objectives_frame(store, plan.id, today)
    assert goals.loc[
        0, ["name", "owner", "open", "overdue", "actions", "actions_open"]
    ].tolist() == [
        "Win the refinery",
        "Sam Lee (former member)",
        True,
        False,
        1,
        1,
    ]
    actions = actions_frame(store, plan.id, today).set_index("name")
    assert actions.loc["Call the CFO", "overdue"]
    assert actions.loc["Call the CFO", "objective"] == "Win the refinery"
    assert actions.loc["Loose end", "objective"] == "Unassigned actions"
    assert actions.loc["Loose end", "owner"] == "no owner"
