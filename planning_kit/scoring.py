"""Completeness and quality of Account Details: percent answered and a red/amber/green status.

The colour rule (a take on Altify's one-third rule), applied to a section or to a whole plan:

- **grey**: no question in the area is answered yet;
- **red**: at least one third of the area's questions are answered negatively;
- **green**: at least two thirds of the area's questions are answered positively, and it is
  not red;
- **amber**: anything else: work in progress, or a mixed picture.

Only a chosen option counts as an answer; notes alone do not. Answers to questions that the
plan's current type does not ask are ignored (they are kept in the store, hidden).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .model import Answer
from .plan_types import PlanType, Question

Colour = Literal["grey", "red", "amber", "green"]


@dataclass(frozen=True)
class AreaScore:
    """How far an area (a section or a plan) is answered, and its colour."""

    answered: int
    total: int
    positive: int
    negative: int
    colour: Colour

    @property
    def percent(self) -> int:
        """Share of questions answered, in whole percent (halves round up: 12.5 -> 13)."""
        return (200 * self.answered + self.total) // (2 * self.total) if self.total else 0

    @property
    def label(self) -> str:
        """One line, e.g. '7 of 12 answered · amber'."""
        return f"{self.answered} of {self.total} answered · {self.colour}"


def option_score(question: Question, option_id: str | None) -> str | None:
    """The score (positive, neutral, negative) of an option, or None when not an option."""
    for option in question.options:
        if option.id == option_id:
            return option.score
    return None


def score_questions(questions: Iterable[Question], answers: Mapping[str, Answer]) -> AreaScore:
    """Score the given questions against the stored answers with the one-third rule."""
    questions = list(questions)
    scores = [
        option_score(q, answers[q.id].option_id) if q.id in answers else None for q in questions
    ]
    answered = sum(s is not None for s in scores)
    positive = scores.count("positive")
    negative = scores.count("negative")
    total = len(questions)
    if answered == 0:
        colour: Colour = "grey"
    elif 3 * negative >= total:
        colour = "red"
    elif 3 * positive >= 2 * total:
        colour = "green"
    else:
        colour = "amber"
    return AreaScore(answered, total, positive, negative, colour)


def section_scores(plan_type: PlanType, answers: Mapping[str, Answer]) -> dict[str, AreaScore]:
    """Score of each section of the plan type, by section id."""
    return {s.id: score_questions(s.questions, answers) for s in plan_type.sections}


def plan_score(plan_type: PlanType, answers: Mapping[str, Answer]) -> AreaScore:
    """Score of all the plan type's questions together."""
    return score_questions(plan_type.questions(), answers)


def answer_problem(question: Question, option_id: str | None, notes: str) -> str | None:
    """Why this answer cannot be saved, or None when it can."""
    if option_id is not None and option_score(question, option_id) is None:
        return f"'{option_id}' is not an option of this question"
    if option_id is not None and question.needs_notes(option_id) and not (notes or "").strip():
        label = question.option(option_id).label
        return f"Notes are required with the answer '{label}': add what you know, then it saves."
    return None
