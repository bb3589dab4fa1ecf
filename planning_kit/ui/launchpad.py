"""The launchpad: find an account, start or open its plan, and open the plan's tiles.

`LaunchpadModel` holds every decision in plain Python; `Launchpad` is the widget view over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ipywidgets as w

from ..model import Account, AccountFacts, InvalidSalesforceId, Plan, salesforce_id_18
from ..objectives import load_counts
from ..plan_types import TILE_IDS, TILE_TITLES, PlanTypeRegistry, load_plan_types
from ..potentials import load_grid
from ..scoring import plan_score
from ..store import PlanConflict, Store
from ._base import (
    COLOURS,
    PlanContext,
    StatusLine,
    close_tree,
    esc,
    guarded,
    money,
    page_query_string,
    page_style,
    query_params,
    set_shown,
)
from .idle import IdleBeacon
from .team import TeamEditor

BUILT_TILES = ("account_details", "potentials", "objectives")
MAX_UPLOAD_BYTES = 20_000_000


@dataclass(frozen=True)
class TileState:
    """What the launchpad shows for one tile."""

    id: str
    title: str
    enabled: bool
    built: bool
    line: str
    colour: str = "grey"


class LaunchpadModel:
    """Account, plan and tile selection, with no widgets."""

    def __init__(self, store: Store, registry: PlanTypeRegistry, today: date | None = None) -> None:
        self.store = store
        self.registry = registry
        self.today = today or date.today()
        self.account: Account | None = None
        self.facts: AccountFacts | None = None
        self.context: PlanContext | None = None
        self.tile: str | None = None

    # accounts
    def search(self, text: str, limit: int = 20) -> list[Account]:
        """Accounts whose name contains `text`, or whose Id it is."""
        return self.store.find_accounts(text, limit=limit)

    def select_account(self, account_id: str) -> Account:
        """Make an account the current one (15- or 18-character Id); closes any open plan."""
        raw = (account_id or "").strip()
        if not raw:
            raise ValueError("No account Id was given.")
        try:
            key = salesforce_id_18(raw)
        except InvalidSalesforceId as exc:
            key = raw
            if not raw.startswith("local-"):
                why = (
                    "wrong checksum: check the last three characters"
                    if "checksum" in str(exc)
                    else "use the 15- or 18-character Salesforce Id"
                )
                raise ValueError(f"'{raw[:60]}' is not an account Id ({why}).") from None
        facts = self.store.account_facts(key)
        if facts is None:
            raise ValueError(f"No account with Id '{raw[:60]}' in this workbook.")
        self.account, self.facts = facts.account, facts
        self.context, self.tile = None, None
        return facts.account

    # plans
    @property
    def plan(self) -> Plan | None:
        """The open plan."""
        return self.context.plan if self.context else None

    def plans(self) -> list[Plan]:
        """The current account's plans."""
        return self.store.list_plans(self.account.id) if self.account else []

    def type_choices(self) -> list[tuple[str, str]]:
        """(label with summary, type id) for each plan type."""
        return [(f"{t.title} — {t.summary}", t.id) for t in self.registry.types.values()]

    def default_plan_name(self, type_id: str) -> str:
        """'<Account> – <Type> <year>'."""
        title = self.registry.get(type_id).title if type_id in self.registry.types else type_id
        name = self.account.name if self.account else "Account"
        return f"{name} – {title} {self.today.year}"

    def start_plan(self, type_id: str, name: str | None = None) -> Plan:
        """Start a plan of the given type for the current account, and open it."""
        if self.account is None:
            raise ValueError("Choose an account first.")
        self.registry.get(type_id)
        plan = self.store.create_plan(
            self.account.id, type_id, (name or "").strip() or self.default_plan_name(type_id)
        )
        return self.open_plan(plan.id)

    def open_plan(self, plan_id: int | str) -> Plan:
        """Open one of the current account's plans."""
        if self.account is None:
            raise ValueError("Choose an account first: a plan opens from its account.")
        try:
            number = int(str(plan_id).strip())
        except ValueError:
            raise ValueError(f"'{str(plan_id)[:40]}' is not a plan number.") from None
        plans = {p.id: p for p in self.plans()}
        if number not in plans:
            raise ValueError(f"This account has no plan number {number}.")
        plan = plans[number]
        if plan.plan_type not in self.registry.types:
            raise ValueError(
                f"Plan {number} uses the plan type '{plan.plan_type}', which is not available: "
                "choose another type below or fix the plan-type file."
            )
        self.context = PlanContext(self.store, self.registry, plan)
        self.tile = None
        return plan

    def change_type(self, type_id: str) -> Plan:
        """Switch the open plan to another type; tiles and questions follow at once."""
        if self.context is None:
            raise ValueError("Open a plan first.")
        self.registry.get(type_id)
        if type_id == self.context.plan.plan_type:
            return self.context.plan
        plan = self._write(self.store.change_plan_type, "plan_type", type_id)
        if self.tile and not self.context.plan_type.tile_enabled(self.tile):
            self.tile = None
        return plan

    def rename_plan(self, name: str) -> Plan:
        """Rename the open plan."""
        if self.context is None:
            raise ValueError("Open a plan first.")
        return self._write(self.store.update_plan, "name", name=name)

    def _write(self, method: Any, field: str, *args: Any, **kwargs: Any) -> Plan:
        """Write one plan setting with the version it was read at.

        On a conflict the plan is reloaded: when someone else changed only other parts of the
        plan (an answer, a cell), the write is made again; when they changed this `field`
        too, it is refused, and the plan shown is theirs.
        """
        seen = getattr(self.context.plan, field)
        try:
            plan = method(self.context.plan.id, self.context.plan.version, *args, **kwargs)
        except PlanConflict:
            self.context.reload()
            if getattr(self.context.plan, field) != seen:
                raise
            plan = method(self.context.plan.id, self.context.plan.version, *args, **kwargs)
        self.context.replace(plan)
        return plan

    # tiles
    def tiles(self) -> list[TileState]:
        """The five tiles with their state for the open plan."""
        if self.context is None:
            return [
                TileState(t, TILE_TITLES[t], False, t in BUILT_TILES, "Open a plan first")
                for t in TILE_IDS
            ]
        states = []
        for tile in TILE_IDS:
            off = self.off_reason(tile)
            if off:
                states.append(TileState(tile, TILE_TITLES[tile], False, tile in BUILT_TILES, off))
            elif tile == "account_details":
                score = plan_score(self.context.plan_type, self.store.answers(self.context.plan.id))
                states.append(
                    TileState(tile, TILE_TITLES[tile], True, True, score.label, score.colour)
                )
            elif tile == "potentials":
                grid = load_grid(self.store, self.registry, self.context.plan)
                states.append(
                    TileState(tile, TILE_TITLES[tile], True, True, grid.totals().line(money))
                )
            elif tile == "objectives":
                counts = load_counts(self.store, self.context.plan.id, self.today)
                colour = "red" if counts.overdue else "grey"
                states.append(TileState(tile, TILE_TITLES[tile], True, True, counts.line(), colour))
            else:
                states.append(TileState(tile, TILE_TITLES[tile], True, False, "Coming soon"))
        return states

    def off_reason(self, tile: str) -> str:
        """Why the open plan's type switches `tile` off, or '' when it is on."""
        plan_type = self.context.plan_type
        if plan_type.tile_enabled(tile):
            return ""
        reason = plan_type.tile_reason(tile) or "switched off by the plan type"
        return f"Off in {plan_type.title} plans: {reason}"

    def enabled_tiles(self) -> list[str]:
        """The tiles that the open plan's type switches on (none without an open plan)."""
        if self.context is None:
            return []
        return [tile for tile in TILE_IDS if not self.off_reason(tile)]

    def open_tile(self, tile: str) -> str:
        """Open a tile of the open plan; refuses unknown and switched-off tiles."""
        if tile not in TILE_IDS:
            raise ValueError(f"There is no tile '{tile[:40]}'. Tiles: {', '.join(TILE_IDS)}.")
        if self.context is None:
            raise ValueError("Open a plan first.")
        off = self.off_reason(tile)
        if off:
            raise ValueError(f"{TILE_TITLES[tile]} is switched off. {off}")
        self.tile = tile
        return tile

    def close_tile(self) -> None:
        """Back to the launchpad."""
        self.tile = None

    # deep links
    def apply_link(self, query: str) -> list[str]:
        """Follow ?account=&plan=&tile=; returns the problems found (already safe as text)."""
        params = query_params(query)
        problems: list[str] = []
        unknown = sorted(set(params) - {"account", "plan", "tile"})
        if unknown:
            problems.append(
                f"Ignored unknown link parameter(s): {', '.join(k[:30] for k in unknown)}."
            )
        steps = (
            ("account", self.select_account),
            ("plan", self.open_plan),
            ("tile", self.open_tile),
        )
        for key, step in steps:
            if key not in params:
                continue
            try:
                step(params[key])
            except ValueError as exc:
                problems.append(f"Link parameter {key}: {exc}")
                break
        return problems

    def link(self) -> str:
        """The deep link (query string) to what is open now."""
        parts = []
        if self.account:
            parts.append(f"account={self.account.id}")
        if self.plan:
            parts.append(f"plan={self.plan.id}")
        if self.tile:
            parts.append(f"tile={self.tile}")
        return "?" + "&".join(parts) if parts else ""

    def import_files(self, uploads: list[tuple[str, bytes]], progress: Any = None) -> Any:
        """Import uploaded Salesforce CSV exports; returns the import report."""
        from ..importers.salesforce import import_uploads

        report = import_uploads(self.store, uploads, max_bytes=MAX_UPLOAD_BYTES, progress=progress)
        if self.account:
            self.facts = self.store.account_facts(self.account.id)
        return report


def facts_html(facts: AccountFacts) -> str:
    """The account's facts as escaped HTML."""
    a = facts.account
    place = ", ".join(p for p in (a.billing_city, a.billing_state, a.billing_country) if p)
    rows = [
        ("Industry", a.industry or "—"),
        ("Annual revenue", money(a.annual_revenue)),
        ("Owner", a.owner or "—"),
        ("Parent", facts.parent.name if facts.parent else "—"),
        (
            "Open opportunities",
            f"{facts.open_opportunity_count} · {money(facts.open_opportunity_total)}",
        ),
        ("Contacts", str(facts.contact_count)),
    ]
    if facts.children:
        rows.append(("Child accounts", ", ".join(c.name for c in facts.children)))
    cells = "".join(
        f'<div class="pk-fact"><div style="color:#666;font-size:11px">{esc(k)}</div>'
        f"<div>{esc(v)}</div></div>"
        for k, v in rows
    )
    return (
        f'<div class="pk-account-facts"><h3 style="margin:4px 0">{esc(a.name)}</h3>'
        f'<div style="color:#666">{esc(" · ".join(p for p in (a.type, place) if p))}'
        f" · Id {esc(a.id)}</div>"
        f'<div style="display:grid;grid-template-columns:repeat(4,minmax(120px,1fr));gap:6px;'
        f'margin-top:6px">{cells}</div></div>'
    )


class Launchpad:
    """The app: account search, plans, plan type, tiles, and the open tile."""

    def __init__(
        self,
        store: Store | None = None,
        registry: PlanTypeRegistry | None = None,
        query: str | None = None,
    ) -> None:
        self.model = LaunchpadModel(store or Store(), registry or load_plan_types())
        self.status = StatusLine("pk-launchpad-status")
        # The open plan's tile views, kept while the plan stays open: only the open one shows.
        self._views: dict[str, Any] = {}
        self._views_for: PlanContext | None = None
        self._prepare_asked: tuple[Any, ...] | None = None
        self._build()
        self._show_registry_problems()
        if query:
            self.follow_link(query)
        self.refresh()

    @classmethod
    def from_environment(cls) -> Launchpad:
        """The launchpad on the configured store, following the page's deep link."""
        return cls(query=page_query_string())

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self._search = w.Text(
            placeholder="Type part of an account name or its Id",
            description="Account",
            continuous_update=True,
            layout=w.Layout(width="420px"),
        )
        self._search.add_class("pk-launchpad-search")
        self._results = w.Select(options=[], rows=6, layout=w.Layout(width="420px"))
        self._results.add_class("pk-launchpad-results")
        self._facts = w.HTML()
        self._facts.add_class("pk-launchpad-facts")
        self._plans = w.Dropdown(description="Plans", options=[], layout=w.Layout(width="420px"))
        self._plans.add_class("pk-launchpad-plans")
        self._open_plan = w.Button(description="Open plan", icon="folder-open")
        self._open_plan.add_class("pk-launchpad-open-plan")
        self._start = w.Button(
            description="Start account plan", button_style="primary", icon="plus"
        )
        self._start.add_class("pk-launchpad-start")
        self._new_type = w.Dropdown(
            description="Plan type",
            options=self.model.type_choices(),
            layout=w.Layout(width="640px"),
        )
        self._new_type.add_class("pk-launchpad-new-type")
        self._new_name = w.Text(description="Name", layout=w.Layout(width="640px"))
        self._new_name.add_class("pk-launchpad-new-name")
        self._create = w.Button(description="Create plan", button_style="success")
        self._create.add_class("pk-launchpad-create")
        self._cancel = w.Button(description="Cancel")
        self._new_form = w.VBox(
            [self._new_type, self._new_name, w.HBox([self._create, self._cancel])],
            layout=w.Layout(display="none", border="1px solid #ddd", padding="6px"),
        )
        self._plan_header = w.HTML()
        self._plan_header.add_class("pk-launchpad-plan")
        self._plan_name = w.Text(
            description="Plan name", continuous_update=False, layout=w.Layout(width="480px")
        )
        self._plan_name.add_class("pk-launchpad-plan-name")
        self._plan_type = w.Dropdown(
            description="Plan type", options=[], layout=w.Layout(width="340px")
        )
        self._plan_type.add_class("pk-launchpad-plan-type")
        self._tile_buttons: dict[str, w.Button] = {}
        self._tile_lines: dict[str, w.HTML] = {}
        cards = []
        for tile in TILE_IDS:
            button = w.Button(
                description=TILE_TITLES[tile], layout=w.Layout(width="100%", height="48px")
            )
            button.add_class(f"pk-launchpad-tile-{tile}")
            button.on_click(lambda _b, t=tile: self._on_tile(t))
            line = w.HTML()
            line.add_class(f"pk-launchpad-tile-line-{tile}")
            self._tile_buttons[tile], self._tile_lines[tile] = button, line
            cards.append(
                w.VBox(
                    [button, line],
                    layout=w.Layout(
                        width="19%", border="1px solid #ddd", padding="6px", margin="2px"
                    ),
                )
            )
        self._tiles = w.HBox(cards, layout=w.Layout(flex_flow="row wrap"))
        self._upload = w.FileUpload(accept=".csv", multiple=True, description="Import CSV")
        self._upload.add_class("pk-launchpad-upload")
        self._progress = w.IntProgress(min=0, max=1, layout=w.Layout(display="none"))
        self._report = w.HTML()
        self._report.add_class("pk-launchpad-import-report")
        self._back = w.Button(description="Back to launchpad", icon="arrow-left")
        self._back.add_class("pk-launchpad-back")
        self._tile_box = w.VBox([])
        self._tile_box.add_class("pk-launchpad-tile-box")

        self._team = TeamEditor(on_change=self.refresh)
        self._plan_box = w.VBox(
            [
                self._plan_header,
                w.HBox([self._plan_name, self._plan_type]),
                self._tiles,
                self._team.widget,
            ]
        )
        self._home = w.VBox(
            [
                w.HTML("<h2 style='margin:4px 0'>Account planning</h2>"),
                w.HBox([w.VBox([self._search, self._results]), self._facts]),
                w.HBox([self._plans, self._open_plan, self._start]),
                self._new_form,
                self._plan_box,
                w.HTML(
                    "<hr><b>Import a Salesforce export</b> (Account, Contact or Opportunity CSV, "
                    "or an Accounts with Contacts report; up to 20 MB each)"
                ),
                w.HBox([self._upload, self._progress]),
                self._report,
            ]
        )
        self._crumb = w.HTML()
        self._crumb.add_class("pk-launchpad-crumb")
        self._tile_page = w.VBox([w.HBox([self._back, self._crumb]), self._tile_box])
        set_shown(self._tile_page, False)
        self._beacon = IdleBeacon(self.prepare_tiles)
        self.widget = w.VBox(
            [page_style(), self.status.widget, self._home, self._tile_page, self._beacon]
        )
        self.widget.add_class("pk-launchpad")

        self._search.observe(self._on_search, names="value")
        self._results.observe(self._on_result, names="value")
        self._open_plan.on_click(self._on_open_plan)
        self._start.on_click(self._on_start)
        self._new_type.observe(self._on_new_type, names="value")
        self._create.on_click(self._on_create)
        self._cancel.on_click(lambda _b: self._toggle_form(False))
        self._plan_type.observe(self._on_change_type, names="value")
        self._plan_name.observe(self._on_rename, names="value")
        self._back.on_click(self._on_back)
        self._upload.observe(self._on_upload, names="value")

    def _show_registry_problems(self) -> None:
        problems = self.model.registry.problems
        if problems:
            skipped = "; ".join(str(p) for p in problems[:5])
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            self.status.show(f"Some plan-type files were skipped: {skipped}{more}", "warning")
        if not self.model.registry.types:
            self.status.show("No valid plan types were found: plans cannot be started.", "error")

    # -- refreshing -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the model's state."""
        m = self.model
        self._facts.value = (
            facts_html(m.facts)
            if m.facts
            else (
                "<div style='color:#666;padding:8px'>"
                "Find an account to see its facts and plans.</div>"
            )
        )
        plans = m.plans()
        self._plans.options = [
            (f"{p.name} (plan {p.id}: {self._type_title(p.plan_type)}, {p.status})", p.id)
            for p in plans
        ] or [("No plans yet: start one" if m.account else "Find an account first", None)]
        if not plans:
            self._plans.index = 0  # show the placeholder (a None value would show a blank)
        if m.plan:
            self._plans.value = m.plan.id
        elif plans and self._plans.value is None:
            self._plans.value = plans[0].id  # newest first; else "Open plan" would do nothing
        self._plans.disabled = self._open_plan.disabled = not plans
        self._start.disabled = m.account is None or not m.registry.types
        self._plan_box.layout.display = "flex" if m.plan else "none"
        if m.plan:
            self._plan_header.value = (
                f"<h3 style='margin:6px 12px 6px 0' class='pk-plan-name'>{esc(m.plan.name)}</h3>"
                f"<div style='color:#666;font-size:12px'>Plan {m.plan.id} · {esc(m.plan.status)}"
                f" · owner {esc(m.plan.owner or '—')} · version {m.plan.version}"
                f" · link <code>{esc(m.link())}</code></div>"
            )
            self._plan_name.unobserve(self._on_rename, names="value")
            self._plan_name.value = m.plan.name
            self._plan_name.observe(self._on_rename, names="value")
            self._plan_type.unobserve(self._on_change_type, names="value")
            self._plan_type.options = [(t.title, t.id) for t in m.registry.types.values()]
            self._plan_type.value = m.plan.plan_type
            self._plan_type.observe(self._on_change_type, names="value")
        if self._team.model is None or self._team.model.context is not m.context:
            self._team.bind(m.context)
        if not m.tile:  # the tile lines are read again when the launchpad shows
            self._show_tile_lines()
        self._show_tile()
        self._ask_to_prepare()

    def _show_tile_lines(self) -> None:
        for state in self.model.tiles():
            button, line = self._tile_buttons[state.id], self._tile_lines[state.id]
            button.disabled = not state.enabled
            button.tooltip = state.line
            colour = COLOURS.get(state.colour, "#666")
            line.value = (
                f"<div style='font-size:12px;color:{colour if state.enabled else '#777'}'>"
                f"{esc(state.line)}</div>"
            )

    def _type_title(self, type_id: str) -> str:
        types = self.model.registry.types
        return types[type_id].title if type_id in types else f"{type_id} (unavailable)"

    @property
    def _tile_view(self) -> Any:
        """The view of the open tile, or None on the launchpad."""
        return self._views.get(self.model.tile) if self.model.tile else None

    def _show_tile(self) -> None:
        """Show the open tile (its kept view, refreshed, or a new one) or the launchpad."""
        tile = self.model.tile
        if self.model.context is not self._views_for:
            self._drop_views()
        if not tile:
            set_shown(self._tile_page, False)
            self._home.layout.display = "flex"
            return
        self._crumb.value = (
            f"<div style='margin:6px 12px;color:#555'>{esc(self.model.account.name)} › "
            f"{esc(self.model.plan.name)} › <b>{esc(TILE_TITLES[tile])}</b></div>"
        )
        kept = tile in self._views
        view = self._view(tile)
        for other, other_view in self._views.items():
            set_shown(other_view.widget, other == tile)
        self._home.layout.display = "none"
        set_shown(self._tile_page, True)
        if kept:  # shown first, brought up to date after: the browser draws it meanwhile
            status = getattr(view, "status", None)
            if status is not None:
                status.clear()  # it was about the last visit (and said on the way out)
            view.refresh()

    def _view(self, tile: str) -> Any:
        """The kept view of a tile of the open plan, built (hidden) the first time."""
        view = self._views.get(tile)
        if view is None:
            view = make_tile(tile, self.model.context, self.model.today)
            set_shown(view.widget, False)
            self._views[tile] = view
            self._tile_box.children = (*self._tile_box.children, view.widget)
        return view

    def _drop_views(self) -> None:
        """Close the views of a plan that is no longer open."""
        for view in self._views.values():
            close_tree(view.widget)
        self._views = {}
        self._tile_box.children = ()
        self._views_for = self.model.context

    def _ask_to_prepare(self) -> None:
        """Once the browser is idle, build the open plan's tiles that have no view yet."""
        wanted = (self.model.context, tuple(self.model.enabled_tiles()))
        missing = any(tile not in self._views for tile in wanted[1])
        if self.model.context is not None and wanted != self._prepare_asked and missing:
            self._prepare_asked = wanted
            self._beacon.request()

    @guarded()
    def prepare_tiles(self) -> None:
        """Build the open plan's tiles ahead of the user, hidden: opening one only shows it."""
        if self.model.context is not self._views_for:
            self._drop_views()
        for tile in self.model.enabled_tiles():
            self._view(tile)

    def _toggle_form(self, show: bool) -> None:
        self._new_form.layout.display = "flex" if show else "none"

    # -- handlers ---------------------------------------------------------------------------
    @guarded()
    def follow_link(self, query: str) -> None:
        """Open what a deep link names; show what was wrong with it."""
        problems = self.model.apply_link(query)
        if self.model.account:
            self._show_found([self.model.account], self.model.account.name)
        if problems:
            self.status.show(" ".join(problems), "error")

    @guarded()
    def _on_search(self, change: dict) -> None:
        found = self.model.search(change["new"])
        self._show_found(found)
        if len(found) == 1:
            self._results.value = found[0].id
        elif change["new"].strip() and not found:
            self.status.show(f"No account name contains '{change['new'].strip()[:60]}'.", "warning")
        else:
            self.status.clear()

    def _show_found(self, found: list[Account], text: str | None = None) -> None:
        """List accounts in the results without triggering the handlers."""
        self._results.unobserve(self._on_result, names="value")
        self._search.unobserve(self._on_search, names="value")
        try:
            if text is not None:
                self._search.value = text
            self._results.options = [(self._label(a), a.id) for a in found]
            current = self.model.account.id if self.model.account else None
            self._results.value = current if current in {a.id for a in found} else None
        finally:
            self._results.observe(self._on_result, names="value")
            self._search.observe(self._on_search, names="value")

    @staticmethod
    def _label(account: Account) -> str:
        place = account.billing_city or account.billing_state or ""
        return f"{account.name} · {place}" if place else account.name

    @guarded()
    def _on_result(self, change: dict) -> None:
        if change["new"]:
            self.model.select_account(change["new"])
            self._toggle_form(False)
            self.status.clear()
            self.refresh()

    @guarded()
    def _on_open_plan(self, _button: Any = None) -> None:
        if self._plans.value is None:
            self.status.show("Choose one of the account's plans first.", "warning")
            return
        self.model.open_plan(self._plans.value)
        self.status.show(f"Opened {self.model.plan.name}.", "ok")
        self.refresh()

    @guarded()
    def _on_start(self, _button: Any = None) -> None:
        self._toggle_form(True)
        if self._new_type.value is None and self._new_type.options:
            self._new_type.value = self._new_type.options[0][1]
        self._new_name.value = self.model.default_plan_name(self._new_type.value)

    @guarded()
    def _on_new_type(self, change: dict) -> None:
        names = {self.model.default_plan_name(t) for t in self.model.registry.types}
        if not self._new_name.value or self._new_name.value in names:
            self._new_name.value = self.model.default_plan_name(change["new"])

    @guarded()
    def _on_create(self, _button: Any = None) -> None:
        plan = self.model.start_plan(self._new_type.value, self._new_name.value)
        self._toggle_form(False)
        self.status.show(f"Started {plan.name}.", "ok")
        self.refresh()

    @guarded()
    def _on_change_type(self, change: dict) -> None:
        if change["new"] and self.model.plan and change["new"] != self.model.plan.plan_type:
            try:
                plan = self.model.change_type(change["new"])
            finally:
                self.refresh()  # on a conflict too: show the plan as it now is
            self.status.show(f"Plan type is now {self._type_title(plan.plan_type)}.", "ok")

    @guarded()
    def _on_rename(self, change: dict) -> None:
        if self.model.plan and change["new"].strip() != self.model.plan.name:
            try:
                plan = self.model.rename_plan(change["new"])
            finally:
                self.refresh()
            self.status.show(f"Renamed the plan to {plan.name}.", "ok")

    @guarded()
    def _on_tile(self, tile: str) -> None:
        self.model.open_tile(tile)
        self.status.clear()
        self._show_tile()

    @guarded()
    def _on_back(self, _button: Any = None) -> None:
        take_unsaved = getattr(self._tile_view, "take_unsaved", None)
        unsaved = take_unsaved() if take_unsaved else ""
        self.model.close_tile()
        self.refresh()
        if unsaved:  # the tile's message beside the field is out of sight now
            self.status.show(unsaved, "warning")

    @guarded()
    def _on_upload(self, change: dict) -> None:
        files = [(f["name"], bytes(f["content"])) for f in change["new"]]
        if not files:
            return
        self._progress.max, self._progress.value = len(files), 0
        self._progress.layout.display = "flex"

        def progress(done: int, total: int, _name: str) -> None:
            self._progress.max, self._progress.value = max(total, 1), done

        try:
            report = self.model.import_files(files, progress=progress)
        finally:
            self._progress.layout.display = "none"
            self._upload.unobserve(self._on_upload, names="value")
            self._upload.value = ()
            self._upload.observe(self._on_upload, names="value")
        self._report.value = (
            "<pre class='pk-import-lines'>" + esc("\n".join(report.lines())) + "</pre>"
        )
        if report.exit_code != 0:
            self.status.show("Import had problems: nothing was imported; see the report.", "error")
        elif report.rejected:
            self.status.show(
                f"Import finished, but {len(report.rejected)} row(s) were rejected: "
                "see the report.",
                "warning",
            )
        else:
            self.status.show("Import finished.", "ok")
        self.refresh()


def make_tile(tile: str, context: PlanContext, today: date | None = None) -> Any:
    """The view of one tile for the open plan."""
    if tile == "objectives":
        from .objectives import ObjectivesTile

        return ObjectivesTile(context, today)
    if tile == "account_details":
        from .account_details import AccountDetailsTile

        return AccountDetailsTile(context)
    if tile == "potentials":
        from .potentials import PotentialsTile

        return PotentialsTile(context)
    return ComingSoonTile(tile)


class ComingSoonTile:
    """A tile that a later release builds."""

    def __init__(self, tile_id: str) -> None:
        self.tile_id = tile_id
        self.widget = w.HTML(
            f"<h3>{esc(TILE_TITLES[tile_id])}</h3><p class='pk-coming-soon'>Coming soon: this tile "
            "is being built. Your plan's other tiles work today.</p>"
        )

    def refresh(self) -> None:
        """Nothing changes on a placeholder."""


__all__ = ["Launchpad", "LaunchpadModel", "TileState"]
