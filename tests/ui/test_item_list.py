"""The objectives list widget in plain Python: clicks arrive as custom messages, and only those."""

from __future__ import annotations

import logging
import re
import time
from importlib.resources import files

import pytest
import traitlets

from planning_kit.ui.item_list import ItemList, check_items

HOSTILE = '<img src=x onerror="alert(1)">'


def make_items(objectives: int = 2, actions: int = 2, unassigned: int = 1) -> list[dict]:
    """Objectives with their actions beneath them, then an "Unassigned actions" group."""
    items: list[dict] = []
    for o in range(objectives):
        items.append(
            {
                "id": f"o{o}",
                "kind": "objective",
                "title": f"Objective {o}",
                "meta": "Ana · 2025-06-30 · Open · High",
                "status": "open",
                "badges": ["High"],
                "hints": ["No measure of success yet"] if o % 2 else [],
            }
        )
        for a in range(actions):
            items.append(
                {
                    "id": f"a{o}-{a}",
                    "kind": "action",
                    "title": f"Action {o}.{a}",
                    "status": "done" if a % 2 else "open",
                }
            )
    if unassigned:
        items.append({"id": "g-unassigned", "kind": "group", "title": "Unassigned actions"})
        items.extend(
            {"id": f"u{u}", "kind": "action", "title": f"Loose action {u}", "muted": True}
            for u in range(unassigned)
        )
    return items


class Recorder:
    """An on_select callback that remembers every call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, item_id: str) -> None:
        self.calls.append(item_id)


@pytest.fixture
def list_and_calls() -> tuple[ItemList, Recorder]:
    widget = ItemList(items=make_items())
    calls = Recorder()
    widget.on_select(calls)
    return widget, calls


def click(widget: ItemList, content: object) -> None:
    """Deliver a custom message as ipywidgets does when the browser calls model.send()."""
    widget._handle_custom_msg(content, [])


def test_a_click_reaches_on_select_with_the_id(list_and_calls) -> None:
    widget, calls = list_and_calls
    click(widget, {"event": "select", "id": "a1-0"})
    click(widget, {"event": "select", "id": "o0"})
    click(widget, {"event": "select", "id": "g-unassigned"})  # groups are selectable too
    assert calls.calls == ["a1-0", "o0", "g-unassigned"]


@pytest.mark.parametrize(
    "content",
    [
        None,
        "select",
        [],
        {},
        {"id": "o0"},
        {"event": "hover", "id": "o0"},
        {"event": "select"},
        {"event": "select", "id": ""},
        {"event": "select", "id": "o99"},
        {"event": "select", "id": 0},
        {"event": "select", "id": ["o0"]},
        {"event": "select", "id": None},
    ],
)
def test_malformed_or_unknown_messages_are_logged_and_ignored(list_and_calls, content, caplog):
    widget, calls = list_and_calls
    with caplog.at_level(logging.WARNING, logger="planning_kit.ui"):
        click(widget, content)
    assert calls.calls == []
    assert "objectives list: ignored" in caplog.text


def test_a_click_on_an_item_no_longer_shown_is_ignored(list_and_calls, caplog) -> None:
    widget, calls = list_and_calls
    widget.items = make_items(objectives=1)
    with caplog.at_level(logging.WARNING, logger="planning_kit.ui"):
        click(widget, {"event": "select", "id": "a1-0"})
    assert calls.calls == []
    assert "not shown" in caplog.text


def test_values_set_from_python_never_call_on_select(list_and_calls) -> None:
    widget, calls = list_and_calls
    widget.selected = "o1"
    widget.selected = ""
    widget.items = make_items(objectives=5, actions=3)
    widget.selected = "a4-2"
    widget.show(make_items(objectives=1), "u0")
    widget.empty_message = "Nothing here"
    widget.set_state({"selected": "o0"})  # as if the browser had written the trait
    assert calls.calls == []


def test_a_failing_callback_is_logged_and_the_others_still_run(list_and_calls, caplog) -> None:
    widget, calls = list_and_calls

    def broken(item_id: str) -> None:
        raise RuntimeError("boom")

    widget.on_select(broken)
    widget.on_select(calls)
    with caplog.at_level(logging.ERROR, logger="planning_kit.ui"):
        click(widget, {"event": "select", "id": "o1"})
    assert calls.calls == ["o1", "o1"]
    assert "boom" in caplog.text


def test_on_select_remove_stops_the_calls(list_and_calls) -> None:
    widget, calls = list_and_calls
    widget.on_select(calls, remove=True)
    click(widget, {"event": "select", "id": "o1"})
    assert calls.calls == []


def test_the_widget_carries_its_css_class_and_the_items() -> None:
    widget = ItemList(items=make_items(objectives=50, actions=10, unassigned=5))
    assert "pk-objectives-list" in widget._dom_classes
    assert len(widget) == 50 * 11 + 1 + 5
    assert "a49-9" in widget and "nope" not in widget
    assert widget.item("g-unassigned")["kind"] == "group"
    assert widget.item("nope") is None
    assert len(widget.get_state()["items"]) == len(widget)


def test_an_empty_widget_shows_its_empty_message() -> None:
    widget = ItemList()
    assert widget.items == []
    assert widget.selected == ""
    assert widget.empty_message
    assert len(widget) == 0


def test_missing_optional_fields_get_defaults() -> None:
    items = check_items(
        [
            {"id": "o1", "kind": "objective", "title": "Grow"},
            {"id": "a1", "kind": "action", "title": "Call", "meta": None, "status": "",
             "badges": None, "hints": ("Ask for a date", ""), "muted": None},
        ]
    )  # fmt: skip
    assert items == [
        {"id": "o1", "kind": "objective", "title": "Grow", "meta": "", "status": "open",
         "badges": [], "hints": [], "muted": False},
        {"id": "a1", "kind": "action", "title": "Call", "meta": "", "status": "open",
         "badges": [], "hints": ["Ask for a date"], "muted": False},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda items: items.__setitem__(1, "x"), r"items\[1\] must be a dict, not str"),
        (lambda items: items[2].pop("id"), r"items\[2\]\.id is missing"),
        (lambda items: items[2].pop("title"), r"items\[2\]\.title is missing"),
        (lambda items: items[0].update(id=""), r"items\[0\]\.id must not be empty"),
        (lambda items: items[0].update(id=12), r"items\[0\]\.id must be text, not int"),
        (lambda items: items[3].update(id="o0"), r"items\[3\]\.id 'o0' repeats items\[0\]\.id"),
        (lambda items: items[1].update(kind="task"), r"items\[1\]\.kind is 'task'"),
        (lambda items: items[1].update(status="Not Started"), r"items\[1\]\.status is"),
        (lambda items: items[1].update(status='x" onclick="'), r"items\[1\]\.status is"),
        (lambda items: items[0].update(meta=3), r"items\[0\]\.meta must be text, not int"),
        (lambda items: items[0].update(badges="High"), r"items\[0\]\.badges must be a list"),
        (lambda items: items[3].update(hints=["ok", 5]), r"items\[3\]\.hints\[1\] must be text"),
        (lambda items: items[2].update(muted="yes"), r"items\[2\]\.muted must be True or False"),
        (lambda items: items[2].update(hint="typo"), r"items\[2\] has unknown field\(s\) hint"),
    ],
)
def test_bad_items_from_python_name_the_index_and_field(change, message) -> None:
    widget = ItemList(items=make_items())
    bad = make_items()
    change(bad)
    with pytest.raises(traitlets.TraitError, match=message):
        widget.items = bad
    assert widget.items == check_items(make_items())


def test_items_must_be_a_list() -> None:
    with pytest.raises(traitlets.TraitError):
        ItemList(items={"id": "o1"})


def test_selected_must_name_an_item_shown(list_and_calls) -> None:
    widget, _ = list_and_calls
    for bad in ("o99", "O0", " o0"):
        with pytest.raises(traitlets.TraitError, match="selected must be"):
            widget.selected = bad
    with pytest.raises(traitlets.TraitError):
        widget.selected = 3
    widget.selected = "a0-1"
    assert widget.selected == "a0-1"


def test_new_items_drop_a_selection_that_is_no_longer_shown(list_and_calls) -> None:
    widget, _ = list_and_calls
    widget.selected = "a1-1"
    widget.items = make_items(objectives=1)
    assert widget.selected == ""
    widget.selected = "o0"
    widget.items = make_items(objectives=3)
    assert widget.selected == "o0"


def test_show_replaces_items_and_selection_in_one_message(list_and_calls) -> None:
    widget, _ = list_and_calls
    sent: list[dict] = []
    widget._send = lambda msg, buffers=None: sent.append(msg)  # what would go to the browser
    widget.show(make_items(objectives=8), "a7-1")  # "a7-1" only exists in the new items
    assert widget.selected == "a7-1"
    assert [sorted(m["state"]) for m in sent] == [["items", "selected"]]


def test_setting_selected_sends_only_the_id(list_and_calls) -> None:
    """Highlighting a row moves a class in the browser; the items are not sent again."""
    widget, _ = list_and_calls
    sent: list[dict] = []
    widget._send = lambda msg, buffers=None: sent.append(msg)
    widget.selected = "o1"
    assert [m["state"] for m in sent] == [{"selected": "o1"}]


def test_five_hundred_items_validate_quickly() -> None:
    items = make_items(objectives=50, actions=10, unassigned=10)
    for item in items:
        item["hints"] = ["Add a due date", "Owner left the team"]
    started = time.perf_counter()
    widget = ItemList(items=items)
    widget.selected = "a25-5"
    assert time.perf_counter() - started < 0.5
    assert len(widget) == 561


def test_hostile_text_is_kept_as_plain_text_for_the_browser() -> None:
    items = make_items(objectives=1, actions=1, unassigned=0)
    items[0].update(title=HOSTILE, meta=HOSTILE, badges=[HOSTILE], hints=[HOSTILE])
    widget = ItemList(items=items)
    assert widget.items[0]["title"] == HOSTILE  # not escaped twice: the browser uses text
    assert widget.items[0]["hints"] == [HOSTILE]


def static_text(name: str) -> str:
    return (files("planning_kit.ui") / "static" / name).read_text(encoding="utf-8")


def test_the_es_module_never_parses_html() -> None:
    """Titles and hints come from users and imports: the module sets text, never markup."""
    source = static_text("item_list.js")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, f"item_list.js uses {sink}"
    assert "textContent" in source


def test_the_es_module_reports_clicks_only_as_messages() -> None:
    """The browser never writes a trait, so no value can echo back into on_select."""
    source = static_text("item_list.js")
    assert re.search(r"model\.send\(\{\s*event:\s*\"select\",\s*id:", source)
    assert "model.set(" not in source
    assert "save_changes" not in source
    assert "export default" in source


def test_the_widget_ships_its_module_and_styles() -> None:
    widget = ItemList()
    assert widget._esm == static_text("item_list.js")
    assert widget._css == static_text("item_list.css")
    for name in ("pk-item-selected", "pk-item-hint", "pk-item-badge", "pk-item-objective"):
        assert f".{name}" in widget._css
