"""The Account Details tile in plain Python: answers, notes rules, scores, conflicts."""

from __future__ import annotations

import pytest

from planning_kit.plan_types import PlanType, Question
from planning_kit.store import Store
from planning_kit.ui.account_details import AccountDetailsModel, AccountDetailsTile
from planning_kit.ui.launchpad import Launchpad

UNITED_OIL = "001bm00001ZL8UEAA1"


def option(question: Question, score: str) -> str:
    """The id of the question's option with this score."""
    return next(o.id for o in question.options if o.score == score)


def notes_rule_question(plan_type: PlanType) -> tuple[Question, str]:
    """A question whose notes rule is 'always' or 'when_negative', with its triggering option."""
    for question in plan_type.questions():
        if question.notes_required in ("always", "when_negative"):
            return question, option(question, "negative")
    raise AssertionError(f"{plan_type.id} has no question that requires notes")


def never_notes_question(plan_type: PlanType) -> Question:
    """A question that never requires notes."""
    return next(q for q in plan_type.questions() if q.notes_required == "never")


@pytest.fixture
def lp(sample_store, registry) -> Launchpad:
    """The launchpad with a new acquisition plan for United Oil & Gas Corp., tile open."""
    pad = Launchpad(sample_store, registry)
    pad._search.value = "united oil & gas corp"
    pad._start.click()
    pad._new_type.value = "acquisition"
    pad._create.click()
    pad._tile_buttons["account_details"].click()
    assert pad.model.tile == "account_details", pad.status.text
    return pad


@pytest.fixture
def tile(lp) -> AccountDetailsTile:
    """The open Account Details tile."""
    assert isinstance(lp._tile_view, AccountDetailsTile)
    return lp._tile_view


def plan_id(lp: Launchpad) -> int:
    return lp.model.plan.id


def test_tile_shows_every_question_of_the_type(tile, registry):
    plan_type = registry.get("acquisition")
    assert list(tile._views) == [q.id for q in plan_type.questions()]
    assert list(tile._section_heads) == [s.id for s in plan_type.sections]
    assert "Account Details · Acquisition" in tile._summary.value
    for view in tile._views.values():
        assert view.options.value is None
        assert "Not answered yet" in view.meta.value


def test_answer_saves_option_notes_and_who(lp, tile, sample_store, registry):
    question = never_notes_question(registry.get("acquisition"))
    view = tile._views[question.id]
    version = lp.model.plan.version

    view.options.value = option(question, "positive")

    saved = sample_store.answers(plan_id(lp))[question.id]
    assert saved.option_id == option(question, "positive")
    assert saved.notes == ""
    assert saved.answered_by == "tester"  # PLANNING_KIT_USER, set by tests/conftest.py
    assert "Last answered by tester" in view.meta.value
    assert "Saved." in view.message.value
    assert lp.model.plan.version == version + 1  # the shared context took the new version

    view.notes.value = "Reliability and 24/7 uptime."

    saved = sample_store.answers(plan_id(lp))[question.id]
    assert (saved.option_id, saved.notes) == (
        option(question, "positive"),
        "Reliability and 24/7 uptime.",
    )
    events = sample_store.events(plan_id=plan_id(lp))
    assert [(e.entity, e.field, e.who) for e in events[:2]] == [
        ("answer", "notes", "tester"),
        ("answer", "option", "tester"),
    ]


def test_answered_by_follows_the_user_setting(lp, tile, sample_store, registry, monkeypatch):
    monkeypatch.setenv("PLANNING_KIT_USER", "alice")
    question = never_notes_question(registry.get("acquisition"))
    tile._views[question.id].options.value = option(question, "neutral")
    assert sample_store.answers(plan_id(lp))[question.id].answered_by == "alice"
    assert "Last answered by alice" in tile._views[question.id].meta.value


def test_required_notes_block_the_save_until_given(lp, tile, sample_store, registry):
    question, trigger = notes_rule_question(registry.get("acquisition"))
    view = tile._views[question.id]

    view.options.value = trigger

    assert question.id not in sample_store.answers(plan_id(lp))
    assert "Notes are required" in view.message.value
    label = question.option(trigger).label
    assert label in view.message.value
    assert view.options.value == trigger  # the choice stays on screen, unsaved

    view.notes.value = "   "
    assert question.id not in sample_store.answers(plan_id(lp))

    view.notes.value = "Their CFO told us the contract is up for review."

    saved = sample_store.answers(plan_id(lp))[question.id]
    assert (saved.option_id, saved.notes) == (
        trigger,
        "Their CFO told us the contract is up for review.",
    )
    assert "Saved." in view.message.value


@pytest.mark.parametrize("rule", ["always", "when_negative", "when_not_positive"])
def test_each_notes_rule_of_the_shipped_types(sample_store, registry, rule):
    """Pick a question with the rule from any shipped type; its triggering option needs notes."""
    plan_type, question = next(
        (t, q) for t in registry.types.values() for q in t.questions() if q.notes_required == rule
    )
    plan = sample_store.create_plan(UNITED_OIL, plan_type.id, "Rules")
    lp = Launchpad(sample_store, registry, query=f"?account={UNITED_OIL}&plan={plan.id}")
    lp._tile_buttons["account_details"].click()
    view = lp._tile_view._views[question.id]
    trigger = option(question, "negative")
    view.options.value = trigger
    assert question.id not in sample_store.answers(plan.id)
    free = option(question, "positive")
    view.options.value = free
    expect_saved = rule != "always"
    assert (question.id in sample_store.answers(plan.id)) is expect_saved


def test_section_header_shows_colour_and_percent(lp, tile, registry):
    plan_type = registry.get("acquisition")
    section = next(s for s in plan_type.sections if len(s.questions) == 4)
    head = tile._section_heads[section.id]
    assert "grey · 0% answered" in head.value

    first = section.questions[0]
    view = tile._views[first.id]
    view.notes.value = "We know a lot."  # a notes-only answer does not count
    assert "grey · 0% answered" in head.value
    view.options.value = option(first, "positive")
    assert "amber · 25% answered" in head.value

    for question in section.questions[1:3]:
        tile._views[question.id].notes.value = "Checked."
        tile._views[question.id].options.value = option(question, "positive")
    assert "green · 75% answered" in head.value
    assert "pk-badge-green" in head.value


def test_one_negative_of_three_turns_a_section_red(lp, tile, registry):
    section = next(s for s in registry.get("acquisition").sections if len(s.questions) == 3)
    question = section.questions[0]
    view = tile._views[question.id]
    view.notes.value = "No way in."
    view.options.value = option(question, "negative")
    head = tile._section_heads[section.id]
    assert "red · 33% answered" in head.value
    assert "pk-badge-red" in head.value


def test_launchpad_tile_line_after_back(lp, tile, registry):
    total = len(registry.get("acquisition").questions())
    question = never_notes_question(registry.get("acquisition"))
    tile._views[question.id].options.value = option(question, "positive")
    assert (
        "pk-badge-amber" in tile._summary.value
        and f"1 of {total} answered (" in tile._summary.value
    )

    lp._back.click()

    line = lp._tile_lines["account_details"].value
    assert f"1 of {total} answered · amber" in line
    assert "#e69500" in line  # the amber colour


def test_stale_version_shows_a_conflict_and_overwrites_nothing(lp, tile, sample_store, registry):
    plan_type = registry.get("acquisition")
    question = never_notes_question(plan_type)
    plan = lp.model.plan
    other = Store(sample_store.url)  # another user's session on the same database
    try:
        other.set_answer(
            plan.id,
            plan.version,
            question.id,
            option(question, "negative"),
            "Alice was here",
            who="alice",
        )
    finally:
        other.close()
    view = tile._views[question.id]

    view.options.value = option(question, "positive")  # based on the version read before

    saved = sample_store.answers(plan.id)[question.id]
    assert (saved.option_id, saved.notes, saved.answered_by) == (
        option(question, "negative"),
        "Alice was here",
        "alice",
    )
    assert "Not saved: this answer was changed elsewhere (alice answered" in view.message.value
    assert view.options.value == option(question, "negative")  # reloaded: Alice's answer shows
    assert "Last answered by alice" in view.meta.value

    view.options.value = option(question, "positive")  # now on the newest version: saves

    saved = sample_store.answers(plan.id)[question.id]
    assert (saved.option_id, saved.answered_by) == (option(question, "positive"), "tester")


def test_changing_type_while_the_tile_is_open_rebuilds_questions(lp, tile, sample_store, registry):
    question = never_notes_question(registry.get("acquisition"))
    tile._views[question.id].options.value = option(question, "positive")

    lp._plan_type.value = "expansion"

    assert lp._tile_view is tile  # the same tile, rebuilt
    assert list(tile._views) == [q.id for q in registry.get("expansion").questions()]
    assert list(tile._section_heads) == [s.id for s in registry.get("expansion").sections]
    assert "Account Details · Expansion" in tile._summary.value
    assert "1 answer(s) to questions of other plan types are kept, hidden" in tile._summary.value
    assert question.id in sample_store.answers(plan_id(lp))

    new_question = never_notes_question(registry.get("expansion"))
    tile._views[new_question.id].options.value = option(new_question, "positive")
    assert sample_store.answers(plan_id(lp))[new_question.id].option_id == option(
        new_question, "positive"
    )

    lp._plan_type.value = "acquisition"
    assert tile._views[question.id].options.value == option(question, "positive")


def test_model_refuses_a_question_the_type_does_not_ask(lp):
    model = AccountDetailsModel(lp.model.context)
    with pytest.raises(ValueError, match="has no question 'nope'"):
        model.save("nope", None, "")


def test_model_refuses_an_unknown_option(lp, registry):
    question = never_notes_question(registry.get("acquisition"))
    result = AccountDetailsModel(lp.model.context).save(question.id, "maybe", "")
    assert not result.saved
    assert "'maybe' is not an option" in result.message


def test_hostile_notes_are_escaped(lp, tile, registry):
    question = never_notes_question(registry.get("acquisition"))
    view = tile._views[question.id]
    view.options.value = option(question, "positive")
    view.notes.value = "<script>alert(1)</script>"
    for html in (
        tile._summary.value,
        view.meta.value,
        view.message.value,
        tile.status.widget.value,
    ):
        assert "<script>" not in html


def test_someone_answering_another_question_does_not_block_my_answer(
    lp, tile, sample_store, registry
):
    """Teammates answer different questions at once: the stale version is retried, not lost."""
    plan_type = registry.get("acquisition")
    first, second = [q for q in plan_type.questions() if q.notes_required == "never"][:2]
    plan = lp.model.plan
    other = Store(sample_store.url)
    other.set_answer(plan.id, plan.version, first.id, option(first, "negative"), "", who="alice")
    other.close()

    tile._views[second.id].options.value = option(second, "positive")

    answers = sample_store.answers(plan.id)
    assert (answers[first.id].option_id, answers[first.id].answered_by) == (
        option(first, "negative"),
        "alice",
    )
    assert (answers[second.id].option_id, answers[second.id].answered_by) == (
        option(second, "positive"),
        "tester",
    )
    assert "Saved" in tile._views[second.id].message.value
    assert sample_store.get_plan(plan.id).version == plan.version + 2


def test_my_typed_notes_survive_a_conflict_on_the_same_question(lp, tile, sample_store, registry):
    plan_type = registry.get("acquisition")
    question = never_notes_question(plan_type)
    plan = lp.model.plan
    other = Store(sample_store.url)
    other.set_answer(plan.id, plan.version, question.id, option(question, "neutral"), "", who="bo")
    other.close()
    view = tile._views[question.id]

    view.notes.value = "Their CFO owns the budget"

    assert "Their CFO owns the budget" in view.message.value
    assert sample_store.answers(plan.id)[question.id].notes == ""
