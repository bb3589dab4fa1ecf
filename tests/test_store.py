"""Store: plans, answers, versions and conflicts, imports, account search and facts."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from planning_kit.model import (
    Account,
    Answer,
    Contact,
    ImportBatch,
    Opportunity,
    salesforce_id_18,
)
from planning_kit.store import PlanConflict, PlanNotFound, Store, StoreError
from planning_kit.tables import accounts, contacts, events, opportunities


def sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce Id, e.g. sf_id('001', 1)."""
    return salesforce_id_18(f"{prefix}{n:012d}")


PARENT = sf_id("001", 1)
CHILD = sf_id("001", 2)
GRANDCHILD = sf_id("001", 3)


def account(n: int, name: str, **fields: object) -> Account:
    """An imported account."""
    return Account(id=sf_id("001", n), name=name, source="salesforce", **fields)


def seed(store: Store) -> None:
    """A parent with a child, a contact and three opportunities (one closed)."""
    store.apply_import(
        ImportBatch(
            accounts=[
                account(1, "Acme Holdings", industry="Manufacturing"),
                account(2, "Acme Europe", parent_id=PARENT),
            ],
            contacts=[Contact(id=sf_id("003", 1), account_id=PARENT, last_name="Lovelace")],
            opportunities=[
                Opportunity(id=sf_id("006", 1), account_id=PARENT, name="Open A", amount=100.0),
                Opportunity(id=sf_id("006", 2), account_id=PARENT, name="Open B", amount=50.5),
                Opportunity(
                    id=sf_id("006", 3),
                    account_id=PARENT,
                    name="Closed",
                    amount=1000.0,
                    is_closed=True,
                    is_won=True,
                ),
            ],
        )
    )


def counts(store: Store) -> dict[str, int]:
    """Rows per table that imports write."""
    with store.engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t))
            for t in (accounts, contacts, opportunities, events)
        }


# -- plans and answers ---------------------------------------------------------------------


def test_create_plan_starts_at_version_one_with_a_created_event(store: Store) -> None:
    seed(store)
    plan = store.create_plan(PARENT, "expansion", "FY27 growth")
    assert (plan.version, plan.status, plan.account_id) == (1, "draft", PARENT)
    assert plan.created_by == "tester" and plan.owner == "tester"
    assert store.get_plan(plan.id) == plan
    [created] = store.events(plan_id=plan.id)
    assert (created.entity, created.field, created.who) == ("plan", "created", "tester")
    assert created.new_value == "expansion: FY27 growth"


def test_create_plan_accepts_a_15_character_id(store: Store) -> None:
    seed(store)
    assert store.create_plan(PARENT[:15], "expansion", "Short id").account_id == PARENT


@pytest.mark.parametrize(
    ("account_id", "name", "message"),
    [("001000000000999", "Plan", "no account"), (PARENT, "  ", "needs a name")],
)
def test_create_plan_refuses_bad_input(
    store: Store, account_id: str, name: str, message: str
) -> None:
    seed(store)
    with pytest.raises(StoreError, match=message):
        store.create_plan(account_id, "expansion", name)
    assert store.list_plans(PARENT) == []


def test_set_answer_bumps_version_and_round_trips(store: Store) -> None:
    seed(store)
    plan = store.create_plan(PARENT, "expansion", "Plan")
    plan2, answer = store.set_answer(plan.id, 1, "q_budget", "yes", "Signed off in May")
    assert plan2.version == 2 and store.get_plan(plan.id).version == 2
    assert isinstance(answer, Answer)
    assert (answer.option_id, answer.notes, answer.answered_by) == (
        "yes",
        "Signed off in May",
        "tester",
    )
    assert store.answers(plan.id) == {"q_budget": answer}
    plan3, changed = store.set_answer(plan.id, 2, "q_budget", "no")
    assert plan3.version == 3
    assert store.answers(plan.id) == {"q_budget": changed}
    assert (changed.option_id, changed.notes) == ("no", "")
    option_events = [e for e in store.events(plan_id=plan.id) if e.field == "option"]
    assert [(e.old_value, e.new_value) for e in option_events] == [("yes", "no"), (None, "yes")]


def test_stale_version_raises_conflict_and_changes_nothing(store: Store) -> None:
    seed(store)
    plan = store.create_plan(PARENT, "expansion", "Plan")
    store.set_answer(plan.id, plan.version, "q1", "yes", "first")
    answers_before = store.answers(plan.id)
    events_before = store.events()
    with pytest.raises(PlanConflict, match="version 2, you had version 1"):
        store.set_answer(plan.id, plan.version, "q1", "no", "overwrite")
    with pytest.raises(PlanConflict):
        store.set_answer(plan.id, plan.version, "q2", "no")
    with pytest.raises(PlanConflict):
        store.update_plan(plan.id, plan.version, name="Renamed")
    with pytest.raises(PlanConflict):
        store.change_plan_type(plan.id, plan.version, "acquisition")
    assert store.answers(plan.id) == answers_before
    after = store.get_plan(plan.id)
    assert (after.version, after.name, after.plan_type) == (2, "Plan", "expansion")
    assert store.events() == events_before


def test_missing_plan_raises_plan_not_found(store: Store) -> None:
    seed(store)
    with pytest.raises(PlanNotFound):
        store.get_plan(424242)
    with pytest.raises(PlanNotFound):
        store.set_answer(424242, 1, "q1", "yes")
    with pytest.raises(PlanNotFound):
        store.update_plan(424242, 1, name="Nobody")
    assert store.answers(424242) == {}
    assert store.events(plan_id=424242) == []


def test_update_plan_logs_one_event_per_changed_field(store: Store) -> None:
    seed(store)
    plan = store.create_plan(PARENT, "expansion", "Plan")
    updated = store.update_plan(
        plan.id,
        1,
        name="FY27 plan",
        status="active",
        plan_type="expansion",  # unchanged: no event
        period_start=date(2027, 1, 1),
    )
    assert updated.version == 2
    assert (updated.name, updated.status, updated.period_start) == (
        "FY27 plan",
        "active",
        date(2027, 1, 1),
    )
    changes = {
        e.field: (e.old_value, e.new_value, e.who)
        for e in store.events(plan_id=plan.id)
        if e.field != "created"
    }
    assert changes == {
        "name": ("Plan", "FY27 plan", "tester"),
        "status": ("draft", "active", "tester"),
        "period_start": (None, "2027-01-01", "tester"),
    }
    with pytest.raises(StoreError, match="set_owner"):
        store.update_plan(plan.id, 2, owner="Grace", who="grace")
    assert store.get_plan(plan.id).owner == "tester"


def test_update_plan_refuses_unknown_fields(store: Store) -> None:
    seed(store)
    plan = store.create_plan(PARENT, "expansion", "Plan")
    with pytest.raises(StoreError, match="version"):
        store.update_plan(plan.id, 1, version=99)
    assert store.get_plan(plan.id).version == 1


def test_change_plan_type_keeps_answers(store: Store) -> None:
    seed(store)
    plan = store.create_plan(PARENT, "expansion", "Plan")
    store.set_answer(plan.id, 1, "expansion_only_question", "yes", "keep me")
    kept = store.answers(plan.id)
    changed = store.change_plan_type(plan.id, 2, "acquisition")
    assert (changed.plan_type, changed.version) == ("acquisition", 3)
    assert store.answers(plan.id) == kept
    back = store.change_plan_type(plan.id, 3, "expansion")
    assert back.plan_type == "expansion" and store.answers(plan.id) == kept
    type_events = [e for e in store.events(plan_id=plan.id) if e.field == "plan_type"]
    assert [(e.old_value, e.new_value) for e in type_events] == [
        ("acquisition", "expansion"),
        ("expansion", "acquisition"),
    ]


# -- imports -------------------------------------------------------------------------------


def test_apply_import_inserts_then_reimport_is_unchanged_then_updates(store: Store) -> None:
    batch = ImportBatch(
        accounts=[account(1, "Acme Holdings", annual_revenue=1.5e6, billing_postal_code="01234")],
        contacts=[Contact(id=sf_id("003", 1), account_id=PARENT, last_name="Lovelace")],
        opportunities=[
            Opportunity(
                id=sf_id("006", 1), account_id=PARENT, name="Deal", close_date=date(2027, 3, 31)
            )
        ],
    )
    first = store.apply_import(batch, source="accounts.csv")
    assert first.inserted == {
        "account": [PARENT],
        "contact": [sf_id("003", 1)],
        "opportunity": [sf_id("006", 1)],
    }
    assert first.updated == {} and first.unchanged == {}
    assert store.get_account(PARENT).billing_postal_code == "01234"

    again = store.apply_import(batch)
    assert again.inserted == {} and again.updated == {}
    assert again.unchanged == first.inserted

    events_before = len(store.events())
    renamed = batch.model_copy(
        update={"accounts": [account(1, "Acme Group", annual_revenue=1.5e6)]}
    )
    third = store.apply_import(renamed, who="importer")
    assert third.updated == {"account": [PARENT]}
    assert store.get_account(PARENT).name == "Acme Group"
    assert store.find_accounts("group") == [store.get_account(PARENT)]
    new_events = store.events()[: len(store.events()) - events_before]
    assert {(e.field, e.old_value, e.new_value, e.who) for e in new_events} == {
        ("name", "Acme Holdings", "Acme Group", "importer"),
    }
    # Fields the new record did not give (no such column in its file) are kept.
    assert store.get_account(PARENT).billing_postal_code == "01234"


def test_reimport_with_timezone_aware_dates_is_unchanged(store: Store) -> None:
    """Regression: aware datetimes were stored naive, so every re-import looked 'updated'."""
    created = datetime(2026, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    opp = Opportunity(id=sf_id("006", 1), account_id=PARENT, name="Deal", created_date=created)
    batch = ImportBatch(accounts=[account(1, "Acme")], opportunities=[opp])
    store.apply_import(batch)
    events_before = store.events()
    again = store.apply_import(batch)
    assert again.updated == {}
    assert again.unchanged["opportunity"] == [opp.id]
    assert store.events() == events_before
    [stored] = store.opportunities(PARENT)
    assert stored.created_date == datetime(2026, 5, 1, 7, 30)  # kept as naive UTC


def test_parents_may_come_in_any_order_within_a_batch(store: Store) -> None:
    batch = ImportBatch(
        accounts=[
            account(3, "Acme Europe North", parent_id=CHILD),
            account(2, "Acme Europe", parent_id=PARENT),
            account(1, "Acme Holdings"),
        ]
    )
    result = store.apply_import(batch)
    assert sorted(result.inserted["account"]) == [PARENT, CHILD, GRANDCHILD]
    assert store.get_account(GRANDCHILD).parent_id == CHILD
    assert store.get_account(CHILD).parent_id == PARENT
    assert store.get_account(PARENT).parent_id is None
    again = store.apply_import(batch)
    assert sorted(again.unchanged["account"]) == [PARENT, CHILD, GRANDCHILD]
    assert again.updated == {}


def test_reimport_with_only_a_new_parent_counts_as_updated(store: Store) -> None:
    """Regression: a changed ParentId was logged, but the result said 'unchanged'."""
    store.apply_import(ImportBatch(accounts=[account(1, "Acme"), account(2, "Beta")]))
    moved = store.apply_import(
        ImportBatch(accounts=[account(1, "Acme"), account(2, "Beta", parent_id=PARENT)])
    )
    assert moved.updated == {"account": [CHILD]}
    assert moved.unchanged == {"account": [PARENT]}
    [event] = store.events(account_id=CHILD, limit=1)
    assert (event.field, event.old_value, event.new_value) == ("parent_id", None, PARENT)


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        (
            ImportBatch(
                accounts=[
                    account(1, "Acme Renamed"),
                    account(5, "Orphan", parent_id=sf_id("001", 9)),
                ]
            ),
            "unknown parent account",
        ),
        (
            ImportBatch(
                accounts=[account(1, "Acme Renamed"), account(5, "New Co")],
                contacts=[Contact(id=sf_id("003", 7), account_id=sf_id("001", 9), last_name="X")],
            ),
            "contact .* unknown account",
        ),
        (
            ImportBatch(
                accounts=[account(1, "Acme Renamed"), account(5, "New Co")],
                contacts=[Contact(id=sf_id("003", 7), account_id=PARENT, last_name="Hopper")],
                opportunities=[
                    Opportunity(id=sf_id("006", 7), account_id=PARENT, name="Fine"),
                    Opportunity(id=sf_id("006", 8), account_id=sf_id("001", 9), name="Bad"),
                ],
            ),
            "opportunity .* unknown account",
        ),
    ],
    ids=["unknown-parent", "contact-unknown-account", "opportunity-unknown-account"],
)
def test_bad_batch_raises_and_rolls_back_everything(
    store: Store, batch: ImportBatch, message: str
) -> None:
    seed(store)
    before = counts(store)
    names_before = store.account_names()
    with pytest.raises(ValueError, match=message):
        store.apply_import(batch)
    assert counts(store) == before
    assert store.account_names() == names_before
    assert store.get_account(PARENT).name == "Acme Holdings"


# -- accounts ------------------------------------------------------------------------------


def test_find_accounts_by_name_any_case_and_by_id(store: Store) -> None:
    seed(store)
    by_name = {a.name for a in store.find_accounts("ACME")}
    assert by_name == {"Acme Holdings", "Acme Europe"}
    assert [a.id for a in store.find_accounts("  eUROPE ")] == [CHILD]
    assert [a.id for a in store.find_accounts(CHILD)] == [CHILD]
    assert [a.id for a in store.find_accounts(CHILD[:15])] == [CHILD]
    assert store.get_account(CHILD[:15]).id == CHILD
    assert store.find_accounts("") == [] and store.find_accounts("   ") == []
    assert store.find_accounts("nothing like it") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("100%", ["100% Solutions"]),
        ("%", ["100% Solutions"]),
        ("a_b", ["A_B Corp"]),
        ("_", ["A_B Corp"]),
        ("back\\slash", ["Back\\slash Ltd"]),
        ("100", ["100% Solutions", "1000 Solutions"]),
    ],
)
def test_find_accounts_treats_like_wildcards_literally(
    store: Store, query: str, expected: list[str]
) -> None:
    names = ["100% Solutions", "1000 Solutions", "A_B Corp", "AxB Corp", "Back\\slash Ltd"]
    store.apply_import(ImportBatch(accounts=[account(i, n) for i, n in enumerate(names, 10)]))
    assert sorted(a.name for a in store.find_accounts(query)) == expected


def test_account_facts_counts_open_opportunities_and_family(store: Store) -> None:
    seed(store)
    facts = store.account_facts(PARENT[:15])
    assert facts.account.id == PARENT
    assert (facts.open_opportunity_count, facts.open_opportunity_total) == (2, 150.5)
    assert facts.parent is None
    assert [c.id for c in facts.children] == [CHILD]
    assert facts.contact_count == 1
    child = store.account_facts(CHILD)
    assert child.parent.id == PARENT and child.children == []
    assert (child.open_opportunity_count, child.open_opportunity_total) == (0, 0.0)
    assert store.account_facts(sf_id("001", 99)) is None


# -- the database --------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0


def test_two_users_on_one_database_the_stale_writer_gets_a_conflict(store: Store) -> None:
    seed(store)
    plan = store.create_plan(PARENT, "expansion", "Shared plan")
    other = Store(store.url)  # a second user, e.g. another Voila kernel
    try:
        seen_by_other = other.get_plan(plan.id)
        store.set_answer(plan.id, plan.version, "q1", "yes", "mine", who="ada")
        assert other.get_plan(plan.id).version == 2
        with pytest.raises(PlanConflict):
            other.set_answer(plan.id, seen_by_other.version, "q1", "no", "theirs", who="grace")
        assert other.answers(plan.id)["q1"].notes == "mine"
        assert store.answers(plan.id)["q1"].answered_by == "ada"
    finally:
        other.close()


def test_events_are_newest_first_and_filter_by_plan(store: Store) -> None:
    seed(store)
    first = store.create_plan(PARENT, "expansion", "First")
    second = store.create_plan(CHILD, "acquisition", "Second")
    store.set_answer(first.id, 1, "q1", "yes")
    store.update_plan(second.id, 1, name="Second, renamed")
    ids = [e.id for e in store.events()]
    assert ids == sorted(ids, reverse=True)
    assert [e.field for e in store.events(plan_id=first.id)] == ["option", "created"]
    assert [e.field for e in store.events(plan_id=second.id)] == ["name", "created"]
    assert {e.plan_id for e in store.events(plan_id=second.id)} == {second.id}
    assert len(store.events(limit=2)) == 2


@pytest.mark.parametrize("url", ["nosuchdb://<here>", "postgresql+nodriver://u:secret@h/db"])
def test_unusable_database_url_is_a_clear_store_error(url):
    with pytest.raises(StoreError, match="cannot be used") as caught:
        Store(url)
    assert "secret" not in str(caught.value)
