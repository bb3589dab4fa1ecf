"""The plan team box on the launchpad: members, roles, e-mails, the owner, who has left."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from planning_kit.store import Store
from planning_kit.ui.launchpad import Launchpad
from planning_kit.ui.team import NEW, TeamEditor

UNITED_OIL = "001bm00001ZL8UEAA1"


# -- helpers -------------------------------------------------------------------------------


def text(value: str) -> str:
    """HTML as text: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def members_text(team: TeamEditor) -> list[str]:
    """Each line of the team list, as text."""
    return [text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", team._list.value)]


def fill(team: TeamEditor, name: str, role: str, email: str = "") -> None:
    team._name.value, team._role.value, team._email.value = name, role, email


def add(team: TeamEditor, name: str, role: str, email: str = "") -> None:
    """Choose New member, type the fields and click Add to team."""
    team._member.value = NEW
    fill(team, name, role, email)
    assert team._save.description == "Add to team"
    team._save.click()


def choose(team: TeamEditor, name: str) -> int:
    """Pick a member by name in the drop-down; their id."""
    (member_id,) = [v for label, v in team._member.options if label.startswith(f"{name} (")]
    team._member.value = member_id
    return member_id


def header(lp: Launchpad) -> str:
    return text(lp._plan_header.value)


def team_events(store: Store, plan_id: int) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) of the plan's team-member events, oldest first."""
    return [
        (e.field, e.old_value, e.new_value)
        for e in reversed(store.events(plan_id=plan_id))
        if e.entity == "team_member"
    ]


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def lp(sample_store: Store, registry: Any) -> Launchpad:
    """The launchpad with a new expansion plan of United Oil & Gas Corp. open."""
    pad = Launchpad(sample_store, registry)
    pad._search.value = "united oil & gas corp"
    pad._start.click()
    pad._new_type.value = "expansion"
    pad._create.click()
    assert pad.model.account.id == UNITED_OIL
    assert pad.model.plan is not None, pad.status.text
    return pad


@pytest.fixture
def team(lp: Launchpad) -> TeamEditor:
    return lp._team


@pytest.fixture
def plan_id(lp: Launchpad) -> int:
    return lp.model.plan.id


@pytest.fixture
def with_ben(team: TeamEditor, sample_store: Store, plan_id: int) -> int:
    """Ben Okafor, Solution Engineer, on the team; his id."""
    add(team, "Ben Okafor", "Solution Engineer", "ben@example.com")
    (ben,) = [m for m in sample_store.team(plan_id) if m.name == "Ben Okafor"]
    return ben.id


# -- the team of a new plan ----------------------------------------------------------------


def test_the_team_box_shows_only_once_a_plan_is_open(sample_store, registry):
    pad = Launchpad(sample_store, registry)
    assert pad._team.widget.layout.display == "none"
    assert pad._team.model is None
    pad._search.value = "united oil & gas corp"
    pad._start.click()
    pad._create.click()
    assert pad._team.widget.layout.display == "flex"
    assert pad._team.model.context is pad.model.context


def test_a_new_plans_team_shows_its_owner(lp, team, sample_store, plan_id):
    (owner,) = sample_store.team(plan_id)
    assert (owner.name, owner.role, owner.is_owner, owner.email) == (
        "tester",
        "Account Executive",
        True,
        None,
    )
    assert lp.model.plan.owner == "tester"
    assert members_text(team) == ["★ tester · Account Executive · plan owner"]
    assert team._member.options == (("New member", NEW), ("tester (Account Executive)", owner.id))
    assert team._member.value == NEW
    assert (team._name.value, team._role.value, team._email.value) == ("", "", "")
    assert team._save.description == "Add to team"
    assert team._owner.disabled and team._leave.disabled
    assert "owner tester" in header(lp)
    assert "pk-launchpad-team" in team.widget._dom_classes


def test_choosing_the_owner_fills_the_fields_and_they_cannot_leave(team, sample_store, plan_id):
    choose(team, "tester")
    assert (team._name.value, team._role.value, team._email.value) == (
        "tester",
        "Account Executive",
        "",
    )
    assert team._save.description == "Save member"
    assert team._owner.disabled  # already the owner
    assert team._leave.disabled


# -- adding and editing members --------------------------------------------------------------


def test_add_a_member_with_name_role_and_email(lp, team, sample_store, plan_id):
    version = lp.model.plan.version
    add(team, "  Ben   Okafor ", "Solution Engineer", " ben@example.com ")

    ben = next(m for m in sample_store.team(plan_id) if not m.is_owner)
    assert (ben.name, ben.role, ben.email, ben.is_owner, ben.is_former) == (
        "Ben Okafor",
        "Solution Engineer",
        "ben@example.com",
        False,
        False,
    )
    assert team.status.text == "Added Ben Okafor to the team."
    assert team.status.kind == "ok"
    assert members_text(team) == [
        "★ tester · Account Executive · plan owner",
        "Ben Okafor · Solution Engineer · ben@example.com",
    ]
    assert team._member.value == NEW  # the form is ready for the next member
    assert (team._name.value, team._role.value, team._email.value) == ("", "", "")
    assert team._save.description == "Add to team"
    assert team._owner.disabled and team._leave.disabled
    assert team_events(sample_store, plan_id) == [("created", None, "Ben Okafor")]
    assert lp.model.plan.version == version + 1
    assert f"version {version + 1}" in header(lp)  # the launchpad was told


def test_a_member_may_have_no_email(team, sample_store, plan_id):
    add(team, "Ana Ruiz", "Sales Manager")
    ana = next(m for m in sample_store.team(plan_id) if m.name == "Ana Ruiz")
    assert ana.email is None
    assert members_text(team)[-1] == "Ana Ruiz · Sales Manager"


@pytest.mark.parametrize(
    ("name", "role", "email", "message"),
    [
        ("Ben Okafor", "Solution Engineer", "ben@", "email: 'ben@' is not an e-mail address"),
        (
            "Ben Okafor",
            "Solution Engineer",
            "ben at example.com",
            "email: 'ben at example.com' is not an e-mail address",
        ),
        (
            "Ben Okafor",
            "Solution Engineer",
            "ben@example",
            "email: 'ben@example' is not an e-mail address",
        ),
        ("", "Solution Engineer", "", "name: must not be empty"),
        ("   ", "Solution Engineer", "", "name: must not be empty"),
        ("Ben Okafor", "", "", "role: must not be empty"),
    ],
    ids=["no-domain", "spaces", "no-dot", "no-name", "blank-name", "no-role"],
)
def test_bad_input_gets_a_message_and_nothing_is_stored(
    lp, team, sample_store, plan_id, name, role, email, message
):
    before = (sample_store.team(plan_id), sample_store.events(plan_id=plan_id))
    version = lp.model.plan.version

    add(team, name, role, email)

    assert team.status.text == message
    assert team.status.kind == "error"
    assert "pk-status-error" in team.status.widget.value
    assert (sample_store.team(plan_id), sample_store.events(plan_id=plan_id)) == before
    assert lp.model.plan.version == version
    assert (team._name.value, team._role.value, team._email.value) == (name, role, email)
    assert team._member.value == NEW


def test_edit_a_member(team, sample_store, plan_id, with_ben):
    choose(team, "Ben Okafor")
    assert (team._name.value, team._role.value, team._email.value) == (
        "Ben Okafor",
        "Solution Engineer",
        "ben@example.com",
    )
    fill(team, "Ben Okafor", "Executive Sponsor", "b.okafor@example.com")
    team._save.click()

    ben = next(m for m in sample_store.team(plan_id) if m.id == with_ben)
    assert (ben.role, ben.email) == ("Executive Sponsor", "b.okafor@example.com")
    assert team.status.text == "Saved Ben Okafor."
    assert team._member.value == with_ben
    assert team._member.label == "Ben Okafor (Executive Sponsor)"
    assert team_events(sample_store, plan_id)[-2:] == [
        ("role", "Solution Engineer", "Executive Sponsor"),
        ("email", "ben@example.com", "b.okafor@example.com"),
    ]


def test_clearing_an_email_removes_it(team, sample_store, plan_id, with_ben):
    choose(team, "Ben Okafor")
    team._email.value = ""
    team._save.click()
    assert next(m for m in sample_store.team(plan_id) if m.id == with_ben).email is None


def test_a_bad_email_for_a_member_is_refused_and_theirs_kept(team, sample_store, plan_id, with_ben):
    choose(team, "Ben Okafor")
    before = sample_store.events(plan_id=plan_id)
    team._email.value = "ben@@example.com"
    team._save.click()
    assert team.status.text == "email: 'ben@@example.com' is not an e-mail address"
    assert next(m for m in sample_store.team(plan_id) if m.id == with_ben).email == (
        "ben@example.com"
    )
    assert sample_store.events(plan_id=plan_id) == before
    assert team._email.value == "ben@@example.com"


def test_choosing_another_member_clears_the_message(team, with_ben):
    choose(team, "Ben Okafor")
    team._email.value = "nope"
    team._save.click()
    assert team.status.kind == "error"
    choose(team, "tester")
    assert team.status.text == ""


@pytest.mark.parametrize("typed", ["Ben Okafor", "ben okafor", "  BEN   OKAFOR "])
def test_a_name_already_on_the_team_is_refused(team, sample_store, plan_id, with_ben, typed):
    before = sample_store.team(plan_id)
    add(team, typed, "Sales Manager")
    assert team.status.text == f"{' '.join(typed.split())} is already on the team"
    assert team.status.kind == "error"
    assert sample_store.team(plan_id) == before


def test_renaming_to_a_name_on_the_team_is_refused(team, sample_store, plan_id, with_ben):
    choose(team, "Ben Okafor")
    team._name.value = "Tester"
    team._save.click()
    assert team.status.text == "Tester is already on the team"
    assert next(m for m in sample_store.team(plan_id) if m.id == with_ben).name == "Ben Okafor"


def test_member_text_is_escaped(team, with_ben):
    add(team, "<b>Eve</b> & co", "<script>x</script>")
    assert "<b>Eve" not in team._list.value and "<script>" not in team._list.value
    assert members_text(team)[-1] == "<b>Eve</b> & co · <script>x</script>"


# -- the owner ------------------------------------------------------------------------------


def test_make_a_member_the_plans_owner(lp, team, sample_store, plan_id, with_ben):
    choose(team, "Ben Okafor")
    team._owner.click()

    assert team.status.text == "Ben Okafor owns the plan now."
    assert sample_store.get_plan(plan_id).owner == "Ben Okafor"
    assert lp.model.plan.owner == "Ben Okafor"
    assert "owner Ben Okafor" in header(lp)
    assert {m.name: m.is_owner for m in sample_store.team(plan_id)} == {
        "tester": False,
        "Ben Okafor": True,
    }
    assert members_text(team) == [
        "tester · Account Executive",
        "★ Ben Okafor · Solution Engineer · ben@example.com · plan owner",
    ]
    assert team._owner.disabled and team._leave.disabled  # Ben, still chosen, owns it now
    plan_events = [
        (e.field, e.old_value, e.new_value)
        for e in sample_store.events(plan_id=plan_id)
        if e.entity == "plan" and e.field == "owner"
    ]
    assert plan_events == [("owner", "tester", "Ben Okafor")]


def test_renaming_the_owner_renames_the_plans_owner(lp, team, sample_store, plan_id):
    choose(team, "tester")
    team._name.value = "Tess Ter"
    team._save.click()
    assert sample_store.get_plan(plan_id).owner == "Tess Ter"
    assert "owner Tess Ter" in header(lp)


def test_the_owner_cannot_leave(lp, team, sample_store, plan_id, with_ben):
    choose(team, "tester")
    assert team._leave.disabled
    before = (sample_store.team(plan_id), sample_store.events(plan_id=plan_id))

    team._leave.click()  # as a stale page would: the store refuses too

    assert team.status.text == (
        "tester owns the plan: make someone else the owner before they leave"
    )
    assert team.status.kind == "error"
    assert (sample_store.team(plan_id), sample_store.events(plan_id=plan_id)) == before


def test_the_old_owner_can_leave_once_someone_else_owns_the_plan(
    team, sample_store, plan_id, with_ben
):
    choose(team, "Ben Okafor")
    team._owner.click()
    choose(team, "tester")
    assert not team._leave.disabled
    team._leave.click()
    assert {m.name: m.is_former for m in sample_store.team(plan_id)} == {
        "tester": True,
        "Ben Okafor": False,
    }


# -- leaving and rejoining ------------------------------------------------------------------


def test_a_member_leaves_as_a_former_member_and_can_rejoin(team, sample_store, plan_id, with_ben):
    choose(team, "Ben Okafor")
    assert team._leave.description == "Leaves the team"
    team._leave.click()

    ben = next(m for m in sample_store.team(plan_id) if m.id == with_ben)
    assert ben.is_former
    assert team.status.text == (
        "Ben Okafor has left the team; their objectives and actions keep them as owner "
        "(former member)."
    )
    assert members_text(team)[-1] == (
        "Ben Okafor · Solution Engineer · ben@example.com · former member"
    )
    assert "color:#888" in team._list.value
    assert team._member.label == "Ben Okafor (former member)"
    assert team._leave.description == "Rejoins the team"
    assert team._owner.disabled  # someone who left cannot own the plan
    assert team_events(sample_store, plan_id)[-1] == ("left", None, "Ben Okafor")

    team._leave.click()

    ben = next(m for m in sample_store.team(plan_id) if m.id == with_ben)
    assert not ben.is_former
    assert team.status.text == "Ben Okafor is back on the team."
    assert members_text(team)[-1] == "Ben Okafor · Solution Engineer · ben@example.com"
    assert team._leave.description == "Leaves the team"
    assert not team._owner.disabled
    assert team_events(sample_store, plan_id)[-1] == ("left", "Ben Okafor", None)


def test_a_former_member_stays_on_their_objectives(lp, team, sample_store, plan_id, with_ben):
    ctx = lp.model.context
    plan, objective = sample_store.add_objective(
        plan_id, ctx.plan.version, name="Grow", type="Relationship", owner_id=with_ben
    )
    ctx.replace(plan)
    choose(team, "Ben Okafor")
    team._leave.click()
    assert sample_store.get_objective(objective.id).owner_id == with_ben


def test_the_name_of_someone_who_left_may_be_taken_and_then_they_cannot_rejoin(
    team, sample_store, plan_id, with_ben
):
    choose(team, "Ben Okafor")
    team._leave.click()
    add(team, "Ben Okafor", "Partner Manager")
    assert team.status.text == "Added Ben Okafor to the team."
    assert [(m.name, m.is_former) for m in sample_store.team(plan_id)] == [
        ("tester", False),
        ("Ben Okafor", True),
        ("Ben Okafor", False),
    ]

    team._member.value = with_ben
    team._leave.click()  # "Rejoins the team"
    assert team.status.text == "Ben Okafor is already on the team"
    assert next(m for m in sample_store.team(plan_id) if m.id == with_ben).is_former


def test_the_objectives_tile_offers_the_team_as_owners(lp, team, with_ben):
    lp._tile_buttons["objectives"].click()
    tile = lp._tile_view
    by_class = {}
    todo = [tile.widget]
    while todo:
        widget = todo.pop()
        for css in getattr(widget, "_dom_classes", ()):
            by_class[css] = widget
        todo.extend(getattr(widget, "children", ()) or ())
    by_class["pk-objectives-new-objective"].value = "Grow"
    by_class["pk-objectives-add-objective"].click()
    labels = [label for label, _ in by_class["pk-objectives-objective-owner_id"].options]
    assert labels == ["No owner", "tester (Account Executive)", "Ben Okafor (Solution Engineer)"]


def test_each_plan_shows_its_own_team(lp, team, sample_store, with_ben):
    first = lp.model.plan.id
    lp._start.click()
    lp._new_type.value = "acquisition"
    lp._create.click()
    assert lp.model.plan.id != first
    assert lp._team.model.context is lp.model.context
    assert members_text(lp._team) == ["★ tester · Account Executive · plan owner"]
    assert [m.name for m in sample_store.team(first)] == ["tester", "Ben Okafor"]


def test_two_members_added_one_after_the_other_are_both_kept(team, sample_store, plan_id):
    """Typing the next member straight after an add must not rename the first one."""
    team._member.value = NEW
    fill(team, "Erin Diaz", "Solution Engineer", "")
    team._save.click()
    fill(team, "Frank Moss", "Customer Success Manager", "")  # no need to choose New member
    assert team._save.description == "Add to team"
    team._save.click()
    assert [m.name for m in sample_store.team(plan_id)] == ["tester", "Erin Diaz", "Frank Moss"]


def test_a_teammates_rename_is_kept_when_you_change_only_the_email(
    lp, team, sample_store, registry, plan_id, with_ben
):
    other_store = Store(sample_store.url)
    theirs = Launchpad(other_store, registry)  # the same plan in another tab
    theirs.model.select_account(UNITED_OIL)
    theirs.model.open_plan(plan_id)
    theirs.refresh()
    choose(team, "Ben Okafor")  # you look at Ben
    choose(theirs._team, "Ben Okafor")
    theirs._team._name.value = "Benjamin Okafor"
    theirs._team._save.click()
    assert theirs._team.status.kind == "ok", theirs._team.status.text

    team._email.value = "ben.okafor@example.com"  # you change only the e-mail
    team._save.click()

    ben = next(m for m in sample_store.team(plan_id) if m.id == with_ben)
    assert (ben.name, ben.email) == ("Benjamin Okafor", "ben.okafor@example.com")

    team._role.value = "Executive Sponsor"  # both change the role: yours is refused
    theirs._team._role.value = "Partner Manager"
    theirs._team._save.click()
    team._save.click()
    assert team.status.kind == "error" and "changed elsewhere" in team.status.text
    assert next(m for m in sample_store.team(plan_id) if m.id == with_ben).role == (
        "Partner Manager"
    )
    assert team._role.value == "Partner Manager"  # theirs is shown now
    other_store.close()
