"""The one-third rule, percent answered, and the notes rules."""

from __future__ import annotations

from datetime import datetime

import pytest

from planning_kit.model import Answer
from planning_kit.plan_types import TILE_IDS, PlanType
from planning_kit.scoring import (
    AreaScore,
    answer_problem,
    option_score,
    plan_score,
    score_questions,
    section_scores,
)

OPTION_BY_SCORE = {"positive": "yes", "neutral": "partly", "negative": "no"}


def make_plan_type(sizes: dict[str, int], notes_required: str = "never") -> PlanType:
    """A plan type with sections of the given sizes; questions are s1_q1, s1_q2, ..."""
    return PlanType.model_validate(
        {
            "id": "test_type",
            "title": "Test",
            "summary": "A plan type for the scoring tests.",
            "tiles": {tile: {"enabled": True} for tile in TILE_IDS},
            "solutions": [],
            "sections": [
                {
                    "id": section,
                    "title": section.title(),
                    "questions": [
                        {
                            "id": f"{section}_q{n}",
                            "text": f"Question {n}?",
                            "notes_required": notes_required,
                            "options": [
                                {"id": "yes", "label": "Yes", "score": "positive"},
                                {"id": "partly", "label": "Partly", "score": "neutral"},
                                {"id": "no", "label": "No", "score": "negative"},
                            ],
                        }
                        for n in range(1, size + 1)
                    ],
                }
                for section, size in sizes.items()
            ],
        }
    )


def answer(question_id: str, option_id: str | None, notes: str = "") -> Answer:
    return Answer(
        plan_id=1,
        question_id=question_id,
        option_id=option_id,
        notes=notes,
        answered_by="tester",
        answered_at=datetime(2026, 1, 1),
    )


def answers_for(plan_type: PlanType, scores: list[str | None]) -> dict[str, Answer]:
    """Answer the plan type's questions in order with options of these scores (None: skip)."""
    return {
        q.id: answer(q.id, OPTION_BY_SCORE[s])
        for q, s in zip(plan_type.questions(), scores, strict=False)
        if s is not None
    }


def colour_of(total: int, positive: int = 0, neutral: int = 0, negative: int = 0) -> str:
    plan_type = make_plan_type({"area": total})
    scores = ["positive"] * positive + ["neutral"] * neutral + ["negative"] * negative
    return plan_score(plan_type, answers_for(plan_type, scores)).colour


# -- the one-third rule ---------------------------------------------------------------------


def test_grey_when_nothing_is_answered():
    plan_type = make_plan_type({"area": 3})
    score = plan_score(plan_type, {})
    assert score == AreaScore(answered=0, total=3, positive=0, negative=0, colour="grey")
    assert score.percent == 0
    assert score.label == "0 of 3 answered · grey"


@pytest.mark.parametrize(
    ("total", "positive", "neutral", "negative", "colour"),
    [
        # red: at least one third negative
        (3, 0, 0, 1, "red"),  # exactly 1/3
        (6, 0, 0, 2, "red"),  # exactly 1/3
        (6, 4, 0, 2, "red"),  # 2/3 positive, but 1/3 negative: red wins
        (3, 2, 0, 1, "red"),
        (10, 0, 0, 3, "amber"),  # 3/10 is just under a third
        (10, 0, 0, 4, "red"),
        # green: at least two thirds positive, not red
        (3, 2, 0, 0, "green"),  # exactly 2/3
        (6, 4, 2, 0, "green"),  # exactly 2/3 with the rest neutral
        (7, 5, 0, 2, "green"),  # 2/7 negative is under a third
        (9, 6, 0, 0, "green"),
        (9, 5, 0, 0, "amber"),  # 5/9 is just under two thirds
        # amber: everything else
        (3, 1, 0, 0, "amber"),
        (3, 0, 3, 0, "amber"),
        (6, 3, 2, 1, "amber"),
        (1, 0, 1, 0, "amber"),
        (1, 1, 0, 0, "green"),
        (1, 0, 0, 1, "red"),
    ],
)
def test_one_third_rule(total, positive, neutral, negative, colour):
    assert colour_of(total, positive, neutral, negative) == colour


@pytest.mark.parametrize(
    ("total", "answered", "percent"),
    [
        (3, 0, 0),
        (3, 1, 33),
        (3, 2, 67),
        (3, 3, 100),
        (8, 1, 13),  # 12.5 rounds half up, not to the even 12
        (8, 3, 38),
        (8, 5, 63),  # 62.5 rounds half up, like 37.5 above
        (6, 1, 17),
        (200, 1, 1),  # 0.5
    ],
)
def test_percent_rounds_half_up(total, answered, percent):
    assert AreaScore(answered, total, 0, 0, "amber").percent == percent


def test_percent_of_an_empty_area_is_zero():
    assert AreaScore(0, 0, 0, 0, "grey").percent == 0


def test_answers_to_unknown_questions_are_ignored():
    plan_type = make_plan_type({"area": 3})
    answers = {
        "elsewhere": answer("elsewhere", "no"),
        "other_type_question": answer("other_type_question", "no"),
    }
    assert plan_score(plan_type, answers).colour == "grey"
    answers |= answers_for(plan_type, ["positive"])
    score = plan_score(plan_type, answers)
    assert (score.answered, score.negative, score.colour) == (1, 0, "amber")


def test_an_option_the_question_no_longer_has_does_not_count():
    plan_type = make_plan_type({"area": 3})
    answers = {"area_q1": answer("area_q1", "removed_option")}
    assert plan_score(plan_type, answers).answered == 0


def test_notes_only_answers_do_not_count():
    plan_type = make_plan_type({"area": 3})
    answers = {
        "area_q1": answer("area_q1", None, "We spoke to their CFO."),
        "area_q2": answer("area_q2", None, "Unknown yet."),
    }
    score = plan_score(plan_type, answers)
    assert (score.answered, score.colour, score.percent) == (0, "grey", 0)


def test_sections_are_scored_apart_from_the_plan():
    plan_type = make_plan_type({"alpha": 3, "beta": 3})
    answers = answers_for(plan_type, ["negative", None, None, "positive", "positive", None])
    by_section = section_scores(plan_type, answers)
    assert by_section["alpha"].colour == "red"
    assert by_section["beta"].colour == "green"
    assert by_section["beta"].label == "2 of 3 answered · green"
    overall = plan_score(plan_type, answers)
    assert (overall.answered, overall.total, overall.colour, overall.percent) == (3, 6, "amber", 50)


def test_score_questions_counts_positive_and_negative():
    plan_type = make_plan_type({"area": 4})
    answers = answers_for(plan_type, ["positive", "neutral", "negative", "positive"])
    assert score_questions(plan_type.questions(), answers) == AreaScore(4, 4, 2, 1, "amber")


def test_option_score():
    question = make_plan_type({"area": 1}).questions()[0]
    assert [option_score(question, o) for o in ("yes", "partly", "no")] == [
        "positive",
        "neutral",
        "negative",
    ]
    assert option_score(question, "maybe") is None
    assert option_score(question, None) is None


# -- notes rules ----------------------------------------------------------------------------

NOTES_NEEDED = {
    "never": {"yes": False, "partly": False, "no": False},
    "always": {"yes": True, "partly": True, "no": True},
    "when_negative": {"yes": False, "partly": False, "no": True},
    "when_not_positive": {"yes": False, "partly": True, "no": True},
}


@pytest.mark.parametrize("rule", list(NOTES_NEEDED))
@pytest.mark.parametrize("option_id", ["yes", "partly", "no"])
def test_answer_problem_for_each_notes_rule(rule, option_id):
    question = make_plan_type({"area": 1}, notes_required=rule).questions()[0]
    label = question.option(option_id).label
    problem = answer_problem(question, option_id, "")
    if NOTES_NEEDED[rule][option_id]:
        assert problem == (
            f"Notes are required with the answer '{label}': add what you know, then it saves."
        )
        assert answer_problem(question, option_id, "  \n ") == problem  # blank is not notes
    else:
        assert problem is None
    assert answer_problem(question, option_id, "Told by the plant manager.") is None


@pytest.mark.parametrize("rule", list(NOTES_NEEDED))
def test_notes_alone_or_nothing_is_always_allowed(rule):
    question = make_plan_type({"area": 1}, notes_required=rule).questions()[0]
    assert answer_problem(question, None, "") is None
    assert answer_problem(question, None, "Some notes") is None


def test_answer_problem_names_an_unknown_option():
    question = make_plan_type({"area": 1}).questions()[0]
    assert answer_problem(question, "maybe", "notes") == "'maybe' is not an option of this question"
