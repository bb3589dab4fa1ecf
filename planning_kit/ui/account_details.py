"""Account Details tile: the plan type's strategy questions, scored, with notes.

Answers save by themselves on every change. When a question's rule asks for notes and none
are given, the chosen option stays on screen, unsaved, with a message until notes are added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from ..model import Answer
from ..plan_types import Question, Section
from ..scoring import AreaScore, answer_problem, plan_score, section_scores
from ..store import PlanConflict
from ._base import PlanContext, StatusLine, badge, esc, guarded, when

UNSEEN = object()  # save() was not told which answer the user saw


@dataclass(frozen=True)
class SaveResult:
    """What happened to one answer."""

    saved: bool
    message: str


class AccountDetailsModel:
    """Questions, answers and scores of the open plan, with no widgets."""

    def __init__(self, context: PlanContext) -> None:
        self.context = context

    @property
    def plan_type(self) -> Any:
        """The plan's current type."""
        return self.context.plan_type

    def sections(self) -> list[Section]:
        """The sections that the plan type asks."""
        return list(self.plan_type.sections)

    def answers(self) -> dict[str, Answer]:
        """Every stored answer, by question id (hidden ones included)."""
        return self.context.store.answers(self.context.plan.id)

    def scores(self) -> tuple[AreaScore, dict[str, AreaScore]]:
        """The plan's overall score and each section's."""
        answers = self.answers()
        return plan_score(self.plan_type, answers), section_scores(self.plan_type, answers)

    def hidden_answers(self) -> list[Answer]:
        """Answers kept for questions that the current type does not ask."""
        asked = {q.id for q in self.plan_type.questions()}
        return [a for qid, a in self.answers().items() if qid not in asked]

    def save(
        self,
        question_id: str,
        option_id: str | None,
        notes: str,
        seen: Answer | None | object = UNSEEN,
    ) -> SaveResult:
        """Save an answer if the question's rules allow it; say why not otherwise.

        `seen` is the answer the user was looking at. If someone else has changed this
        question since, nothing is saved (AnswerChanged). A conflict on the plan's version
        caused by changes to other questions is retried once on the fresh version.
        """
        question = self.plan_type.question(question_id)
        if question is None:
            raise ValueError(
                f"The {self.plan_type.title} plan type has no question '{question_id}'."
            )
        problem = answer_problem(question, option_id, notes)
        if problem:
            return SaveResult(False, problem)
        stored = self.answers().get(question_id)
        if seen is not UNSEEN and not _same(stored, seen):
            raise AnswerChanged(question, stored, notes)
        if stored and stored.option_id == option_id and stored.notes == (notes or ""):
            return SaveResult(True, "")
        for attempt in (1, 2):
            plan = self.context.plan
            try:
                new_plan, _answer = self.context.store.set_answer(
                    plan.id, plan.version, question_id, option_id, notes or ""
                )
                break
            except PlanConflict:
                self.context.reload()
                latest = self.answers().get(question_id)
                if not _same(latest, stored):
                    raise AnswerChanged(question, latest, notes) from None
                if attempt == 2:
                    raise
        self.context.replace(new_plan)
        return SaveResult(True, "Saved.")


def _same(a: Answer | None, b: Answer | None) -> bool:
    """Whether two stored answers are the same version of an answer."""

    def key(x: Answer | None) -> tuple | None:
        return None if x is None else (x.option_id, x.notes, x.answered_by, x.answered_at)

    return key(a) == key(b)


class AnswerChanged(PlanConflict):
    """Someone else changed this question's answer since it was shown: nothing was saved."""

    def __init__(self, question: Question, latest: Answer | None, your_notes: str) -> None:
        self.latest = latest
        if latest is None:
            now = "it was cleared"
        else:
            option = question.option(latest.option_id) if latest.option_id else None
            label = option.label if option else "no option"
            now = f"{latest.answered_by} answered '{label}' at {when(latest.answered_at)}"
        kept = f" Your notes, not saved: “{your_notes.strip()}”." if your_notes.strip() else ""
        super().__init__(
            f"Not saved: this answer was changed elsewhere ({now}); it is shown now.{kept} "
            "Choose again to replace it."
        )


class _QuestionView:
    """The widgets of one question."""

    def __init__(self, question: Question, on_change: Any) -> None:
        self.question = question
        self.options = w.ToggleButtons(
            options=[(o.label, o.id) for o in question.options],
            value=None,
            style={"button_width": "auto"},
        )
        self.options.add_class("pk-account_details-option")
        self.notes = w.Textarea(
            placeholder="Notes",
            continuous_update=False,
            layout=w.Layout(width="98%", height="52px"),
        )
        self.notes.add_class("pk-account_details-notes")
        self.meta = w.HTML()
        self.meta.add_class("pk-account_details-meta")
        self.message = w.HTML()
        self.message.add_class("pk-account_details-message")
        rule = {
            "always": "Notes required.",
            "when_negative": "Notes required with a negative answer.",
            "when_not_positive": "Notes required unless the answer is positive.",
        }
        hint = rule.get(question.notes_required, "")
        header = w.HTML(
            f"<div><b>{esc(question.text)}</b></div>"
            f"<div style='color:#555;font-size:12px'>{esc(question.help)} <i>{esc(hint)}</i></div>"
        )
        self.box = w.VBox(
            [header, self.options, self.notes, w.HBox([self.meta, self.message])],
            layout=w.Layout(border_bottom="1px solid #eee", padding="4px 0"),
        )
        self.box.add_class("pk-account_details-question")
        self.box.add_class(f"pk-account_details-q-{question.id}")
        self._on_change = on_change
        self.options.observe(self._changed, names="value")
        self.notes.observe(self._changed, names="value")
        self.loading = False
        self.shown: Answer | None = None

    def _changed(self, _change: dict) -> None:
        if not self.loading:
            self._on_change(self)

    def show(self, answer: Answer | None) -> None:
        """Put a stored answer on screen without saving it again."""
        self.shown = answer
        self.loading = True
        try:
            self.options.value = answer.option_id if answer else None
            self.notes.value = answer.notes if answer else ""
        finally:
            self.loading = False
        self.meta.value = (
            f"<span style='color:#777;font-size:11px'>Last answered by {esc(answer.answered_by)}"
            f" · {esc(when(answer.answered_at))}</span>"
            if answer
            else "<span style='color:#777;font-size:11px'>Not answered yet</span>"
        )

    def say(self, text: str, kind: str = "info") -> None:
        """A message next to the question."""
        colour = {"error": "#b71c1c", "ok": "#1b5e20"}.get(kind, "#555")
        self.message.value = f"<span style='color:{colour};font-size:12px'>&nbsp;{esc(text)}</span>"


class AccountDetailsTile:
    """The Account Details view: one block per section, each question with its options."""

    tile_id = "account_details"

    def __init__(self, context: PlanContext) -> None:
        self.model = AccountDetailsModel(context)
        self.status = StatusLine("pk-account_details-status")
        self._summary = w.HTML()
        self._summary.add_class("pk-account_details-summary")
        self._body = w.VBox([])
        self._views: dict[str, _QuestionView] = {}
        self._section_heads: dict[str, w.HTML] = {}
        self._built_for: str | None = None
        self.widget = w.VBox([self._summary, self.status.widget, self._body])
        self.widget.add_class("pk-account_details")
        self.refresh()

    def refresh(self) -> None:
        """Rebuild for a new plan type, else show the stored answers and scores."""
        if self._built_for != self.model.plan_type.id:
            self._build()
        answers = self.model.answers()
        for qid, view in self._views.items():
            view.show(answers.get(qid))
        self._show_scores()

    def _build(self) -> None:
        self._views, self._section_heads, blocks = {}, {}, []
        for section in self.model.sections():
            head = w.HTML()
            head.add_class(f"pk-account_details-section-{section.id}")
            self._section_heads[section.id] = head
            views = [_QuestionView(q, self._on_answer) for q in section.questions]
            self._views.update({v.question.id: v for v in views})
            blocks.append(
                w.VBox([head, *[v.box for v in views]], layout=w.Layout(margin="6px 0 12px 0"))
            )
        self._body.children = blocks
        self._built_for = self.model.plan_type.id

    def _show_scores(self) -> None:
        overall, by_section = self.model.scores()
        hidden = self.model.hidden_answers()
        kept = (
            f" · {len(hidden)} answer(s) to questions of other plan types are kept, hidden"
            if hidden
            else ""
        )
        self._summary.value = (
            f"<h3 style='margin:4px 0'>Account Details · {esc(self.model.plan_type.title)}</h3>"
            f"<div>{badge(overall.colour, overall.colour)} "
            f"{overall.answered} of {overall.total} answered "
            f"({overall.percent}%){esc(kept)}</div>"
            "<div style='color:#666;font-size:11px'>Red: a third or more of the questions answered "
            "negatively. Green: two thirds or more answered positively. Amber: in between. "
            "Grey: nothing answered.</div>"
        )
        for section in self.model.sections():
            score = by_section[section.id]
            description = getattr(section, "description", None) or ""
            self._section_heads[section.id].value = (
                f"<h4 style='margin:8px 0 2px 0'>{esc(section.title)} "
                f"{badge(score.colour, f'{score.colour} · {score.percent}% answered')}</h4>"
                f"<div style='color:#666;font-size:12px'>{esc(description)}</div>"
            )

    @guarded()
    def _on_answer(self, view: _QuestionView) -> None:
        try:
            result = self.model.save(
                view.question.id, view.options.value, view.notes.value, seen=view.shown
            )
        except AnswerChanged as exc:
            view.show(exc.latest)
            view.say(str(exc), "error")
            self._show_scores()
            return
        except PlanConflict as exc:
            self.refresh()
            view.say("Not saved: the plan changed elsewhere; reloaded.", "error")
            self.status.show(str(exc), "error")
            return
        if not result.saved:
            view.say(result.message, "error")
            return
        view.say(result.message, "ok")
        view.show(self.model.answers().get(view.question.id))
        self.status.clear()
        self._show_scores()
