"""The plan team, edited from the launchpad: names, roles, e-mails, the owner, who has left.

A member who leaves stays on the objectives and actions they own, shown as "former member",
so nothing is lost; they can rejoin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..model import TEAM_ROLES, TeamMember
from ..store import PlanConflict
from ._base import PlanContext, StatusLine, esc, guarded

NEW = 0  # the member drop-down's "new member" choice


class MemberChanged(PlanConflict):
    """A teammate changed the same field of this member since the form showed it."""


class TeamModel:
    """The open plan's team, with no widgets."""

    def __init__(self, context: PlanContext) -> None:
        self.context = context

    def members(self) -> list[TeamMember]:
        """Everyone who is or was on the team."""
        return self.context.store.team(self.context.plan.id)

    def _write(self, action: Any) -> Any:
        """A versioned write, retried once on a conflict (the store checks every rule)."""
        for attempt in (1, 2):
            plan = self.context.plan
            try:
                result = action(plan.id, plan.version)
                break
            except PlanConflict:
                self.context.reload()
                if attempt == 2:
                    raise
        self.context.replace(result[0] if isinstance(result, tuple) else result)
        return result

    def save(
        self, member_id: int, name: str, role: str, email: str, seen: TeamMember | None = None
    ) -> TeamMember:
        """Add a member (member_id NEW) or change one.

        With `seen` (the member as the form showed them), only the fields typed differently
        are written, so a teammate's change to another field is kept; a field the teammate
        changed too is refused, and the member is shown as they are now.
        """
        store = self.context.store
        if member_id == NEW:
            return self._write(lambda p, v: store.add_member(p, v, name, role, email or None))[1]
        typed = {"name": name, "role": role, "email": email or None}
        if seen is not None:
            typed = {k: v for k, v in typed.items() if v != (getattr(seen, k) or None)}
            now = next((m for m in self.members() if m.id == member_id), None)
            clash = [k for k in typed if now is not None and getattr(now, k) != getattr(seen, k)]
            if clash:
                raise MemberChanged(
                    f"Not saved: the {', '.join(clash)} of {seen.name} was changed elsewhere "
                    "meanwhile; the member is shown as they are now. Make your change again."
                )
            if not typed:
                return now if now is not None else seen
        return self._write(lambda p, v: store.update_member(p, v, member_id, **typed))[1]

    def make_owner(self, member_id: int) -> None:
        """Make a member the plan's owner."""
        self._write(lambda p, v: self.context.store.set_owner(p, v, member_id))

    def leave(self, member_id: int) -> TeamMember:
        """A member leaves the team (stays on their items as a former member)."""
        return self._write(lambda p, v: self.context.store.remove_member(p, v, member_id))[1]

    def rejoin(self, member_id: int) -> TeamMember:
        """A former member rejoins."""
        return self._write(lambda p, v: self.context.store.restore_member(p, v, member_id))[1]


def team_html(members: list[TeamMember]) -> str:
    """The team as an escaped list."""
    if not members:
        return "<div style='color:#666'>No team members yet.</div>"
    rows = "".join(
        f"<li style='{'color:#888' if m.is_former else ''}'>"
        f"{'★ ' if m.is_owner else ''}<b>{esc(m.name)}</b> · {esc(m.role)}"
        f"{' · ' + esc(m.email) if m.email else ''}"
        f"{' · plan owner' if m.is_owner else ''}{' · former member' if m.is_former else ''}</li>"
        for m in members
    )
    return f"<ul class='pk-team-members' style='margin:2px 0;font-size:13px'>{rows}</ul>"


class TeamEditor:
    """The team box on the launchpad; `show(context)` binds it to the open plan."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self.model: TeamModel | None = None
        self._shown: TeamMember | None = None  # the member as the form shows them
        self._on_change = on_change or (lambda: None)
        self._list = w.HTML()
        self._list.add_class("pk-launchpad-team-list")
        self._member = w.Dropdown(description="Member", layout=w.Layout(width="300px"))
        self._member.add_class("pk-launchpad-team-member")
        self._member.observe(self._on_member, names="value")
        self._name = w.Text(description="Name", layout=w.Layout(width="300px"))
        self._name.add_class("pk-launchpad-team-name")
        self._role = w.Combobox(
            description="Role",
            options=list(TEAM_ROLES),
            placeholder="e.g. Solution Engineer",
            layout=w.Layout(width="300px"),
        )
        self._role.add_class("pk-launchpad-team-role")
        self._email = w.Text(description="E-mail", layout=w.Layout(width="300px"))
        self._email.add_class("pk-launchpad-team-email")
        self._save = w.Button(description="Add to team", button_style="success")
        self._save.add_class("pk-launchpad-team-save")
        self._save.on_click(self._on_save)
        self._owner = w.Button(description="Make plan owner")
        self._owner.add_class("pk-launchpad-team-owner")
        self._owner.on_click(self._on_owner)
        self._leave = w.Button(description="Leaves the team")
        self._leave.add_class("pk-launchpad-team-leave")
        self._leave.on_click(self._on_leave)
        self.status = StatusLine("pk-launchpad-team-message")
        self.widget = w.VBox(
            [
                w.HTML("<h4 style='margin:8px 0 2px 0'>Plan team</h4>"),
                self._list,
                w.HBox([self._member, self._name], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self._role, self._email], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self._save, self._owner, self._leave]),
                self.status.widget,
            ],
            layout=w.Layout(border="1px solid #ddd", padding="6px", margin="6px 0"),
        )
        self.widget.add_class("pk-launchpad-team")

    def bind(self, context: PlanContext | None) -> None:
        """Show the team of the open plan (or nothing)."""
        self.model = TeamModel(context) if context else None
        self.widget.layout.display = "flex" if context else "none"
        if context:
            self.refresh()

    def refresh(self, keep: int | None = None) -> None:
        """Show the members and the chosen one's fields."""
        members = self.model.members()
        self._list.value = team_html(members)
        current = keep if keep is not None else self._member.value
        options = [("New member", NEW)] + [(m.label, m.id) for m in members]
        self._member.unobserve(self._on_member, names="value")
        self._member.options = options
        self._member.value = current if current in {v for _, v in options} else NEW
        self._member.observe(self._on_member, names="value")
        self._fill()

    def _chosen(self) -> TeamMember | None:
        return next((m for m in self.model.members() if m.id == self._member.value), None)

    def _fill(self) -> None:
        member = self._shown = self._chosen()
        self._name.value = member.name if member else ""
        self._role.value = member.role if member else ""
        self._email.value = (member.email or "") if member else ""
        self._save.description = "Save member" if member else "Add to team"
        self._owner.disabled = member is None or member.is_owner or member.is_former
        self._leave.disabled = member is None or member.is_owner
        self._leave.description = (
            "Rejoins the team" if member and member.is_former else ("Leaves the team")
        )

    def _on_member(self, _change: dict) -> None:
        self.status.clear()
        self._fill()

    @guarded()
    def _on_save(self, _button: Any = None) -> None:
        adding = self._member.value == NEW
        try:
            member = self.model.save(
                self._member.value,
                self._name.value,
                self._role.value,
                self._email.value,
                seen=self._shown,
            )
        except MemberChanged as exc:
            self.refresh()
            self.status.show(str(exc), "error")
            return
        # After an add the form is empty again, ready for the next member: keeping the new
        # member chosen would turn the next "Add to team" into a rename of them.
        self.refresh(keep=NEW if adding else member.id)
        self.status.show(
            f"Added {member.name} to the team." if adding else f"Saved {member.name}.", "ok"
        )
        self._on_change()

    @guarded()
    def _on_owner(self, _button: Any = None) -> None:
        member = self._chosen()
        if member is None:
            return
        self.model.make_owner(member.id)
        self.refresh()
        self.status.show(f"{member.name} owns the plan now.", "ok")
        self._on_change()

    @guarded()
    def _on_leave(self, _button: Any = None) -> None:
        member = self._chosen()
        if member is None:
            return
        if member.is_former:
            self.model.rejoin(member.id)
            self.status.show(f"{member.name} is back on the team.", "ok")
        else:
            self.model.leave(member.id)
            self.status.show(
                f"{member.name} has left the team; their objectives and actions keep them as "
                "owner (former member).",
                "ok",
            )
        self.refresh()
        self._on_change()
