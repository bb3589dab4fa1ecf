"""Plans and accounts as pandas DataFrames: the analyst's API."""

from __future__ import annotations

import pandas as pd

from .plan_types import PlanTypeRegistry
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
