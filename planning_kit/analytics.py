"""Plans and accounts as pandas DataFrames: the analyst's API."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .objectives import UNASSIGNED, is_overdue, owner_label
from .plan_types import PlanTypeRegistry
from .potentials import load_grid, pipeline_by_period
from .scoring import option_score, section_scores
from .store import Store


def accounts_frame(store: Store) -> pd.DataFrame:
    """Every account, one row each, indexed by Id."""
    rows = [a.model_dump() for a in store.all_accounts()]
    return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame()


def plans_frame(store: Store, account_id: str) -> pd.DataFrame:
    """The account's plans, one row each, indexed by plan id."""
    rows = [p.model_dump() for p in store.list_plans(account_id)]
    return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame()


def answers_frame(store: Store, registry: PlanTypeRegistry, plan_id: int) -> pd.DataFrame:
    """Every question of the plan's type with its answer, score, notes, who and when."""
    plan = store.get_plan(plan_id)
    plan_type = registry.get(plan.plan_type)
    answers = store.answers(plan_id)
    rows = []
    for section in plan_type.sections:
        for question in section.questions:
            answer = answers.get(question.id)
            option = question.option(answer.option_id) if answer and answer.option_id else None
            rows.append(
                {
                    "section": section.title,
                    "question_id": question.id,
                    "question": question.text,
                    "answer": option.label if option else None,
                    "score": option_score(question, answer.option_id) if answer else None,
                    "notes": answer.notes if answer else "",
                    "answered_by": answer.answered_by if answer else None,
                    "answered_at": answer.answered_at if answer else None,
                }
            )
    return pd.DataFrame(rows)


def sections_frame(store: Store, registry: PlanTypeRegistry, plan_id: int) -> pd.DataFrame:
    """Each section's answered count, percent and colour."""
    plan = store.get_plan(plan_id)
    plan_type = registry.get(plan.plan_type)
    scores = section_scores(plan_type, store.answers(plan_id))
    return pd.DataFrame(
        [
            {
                "section": s.title,
                "answered": scores[s.id].answered,
                "total": scores[s.id].total,
                "percent": scores[s.id].percent,
                "colour": scores[s.id].colour,
            }
            for s in plan_type.sections
        ]
    )


def events_frame(store: Store, plan_id: int) -> pd.DataFrame:
    """The plan's history, newest first."""
    return pd.DataFrame([e.model_dump() for e in store.events(plan_id=plan_id)])


def potentials_frame(store: Store, registry: PlanTypeRegistry, plan_id: int) -> pd.DataFrame:
    """Every cell of the plan's white-space grid, one row each, with what it counts as."""
    plan = store.get_plan(plan_id)
    grid = load_grid(store, registry, plan)
    rows = [
        {
            "division": cell.row.title,
            "family": cell.column.family_title,
            "solution_id": cell.column.solution_id,
            "solution": cell.column.title,
            "status": cell.status,
            "status_set": cell.stored.status,
            "amount": cell.amount,
            "timing": cell.stored.timing,
            "counts_on": cell.when,
            "notes": cell.stored.notes,
            "blocked_reason": cell.stored.blocked_reason,
            "opportunities": ", ".join(o.name for o in cell.linked),
        }
        for cell in grid.cells.values()
    ]
    return pd.DataFrame(rows)


def pipeline_frame(store: Store, registry: PlanTypeRegistry, plan_id: int) -> pd.DataFrame:
    """Each revenue-target period: target, potential, current, won, pipeline and coverage."""
    plan = store.get_plan(plan_id)
    result = pipeline_by_period(load_grid(store, registry, plan), store.revenue_targets(plan_id))
    return pd.DataFrame(
        [
            {
                "period": p.target.label,
                "start": p.target.start_date,
                "end": p.target.end_date,
                "target": p.target.amount,
                **p.by_status,
                "pipeline": p.pipeline,
                "coverage": p.coverage,
            }
            for p in result.periods
        ]
    )


def team_frame(store: Store, plan_id: int) -> pd.DataFrame:
    """The plan's team, former members included, one row each."""
    return pd.DataFrame([m.model_dump() for m in store.team(plan_id)])


def objectives_frame(store: Store, plan_id: int, today: date | None = None) -> pd.DataFrame:
    """The plan's objectives in order, with owner names, open/overdue flags and action counts."""
    today = today or date.today()
    team = store.team(plan_id)
    actions = store.actions(plan_id)
    rows = []
    for objective in store.objectives(plan_id):
        mine = [a for a in actions if a.objective_id == objective.id]
        rows.append(
            objective.model_dump(exclude={"links"})
            | {
                "owner": owner_label(objective.owner_id, team),
                "open": objective.is_open,
                "overdue": is_overdue(objective, today),
                "actions": len(mine),
                "actions_open": sum(a.is_open for a in mine),
                "links": len(objective.links),
            }
        )
    return pd.DataFrame(rows)


def actions_frame(store: Store, plan_id: int, today: date | None = None) -> pd.DataFrame:
    """The plan's actions with their objective's name, owner names and overdue flags."""
    today = today or date.today()
    team = store.team(plan_id)
    names = {o.id: o.name for o in store.objectives(plan_id)}
    return pd.DataFrame(
        [
            a.model_dump()
            | {
                "objective": names.get(a.objective_id, UNASSIGNED),
                "owner": owner_label(a.owner_id, team),
                "overdue": is_overdue(a, today),
            }
            for a in store.actions(plan_id)
        ]
    )
