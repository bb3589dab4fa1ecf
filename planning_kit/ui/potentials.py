"""Potentials tile: the white-space grid of divisions × solutions, pipeline and targets.

`PotentialsModel` holds every decision in plain Python; `PotentialsTile` is a thin view. The
grid is one widget (`WhiteSpaceGrid`); a click opens the cell in the side panel, where every
field saves by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ipywidgets as w

from ..model import (
    Division,
    Opportunity,
    Potential,
    RevenueTarget,
    day_problem,
    make_record,
    timing_date,
)
from ..potentials import (
    FIRST_STAGE,
    PIPELINE_STATUSES,
    STATUS_TITLES,
    Cell,
    Grid,
    PipelineByPeriod,
    amount_problem,
    load_grid,
    opportunity_state,
    parse_amount,
    pipeline_by_period,
    suggested_opportunities,
)
from ..store import PlanConflict, StoreError
from ._base import (
    Chart,
    PlanContext,
    StatusLine,
    Unsaved,
    esc,
    fill,
    friendly_error,
    guarded,
    money,
    when,
)
from .whitespace_grid import WhiteSpaceGrid


@dataclass(frozen=True)
class SaveResult:
    """What happened to an edit: saved or not, a message, and the field it is about."""

    saved: bool
    message: str
    field: str = ""


class CellChanged(PlanConflict):
    """Someone else changed this cell since it was shown: nothing was saved."""


class PotentialsModel:
    """Divisions, cells, opportunity links and revenue targets of the open plan."""

    def __init__(self, context: PlanContext) -> None:
        self.context = context

    # -- reading ----------------------------------------------------------------------------
    @property
    def store(self) -> Any:
        """The store."""
        return self.context.store

    @property
    def account_id(self) -> str:
        """The plan's account."""
        return self.context.plan.account_id

    @property
    def catalogue(self) -> Any:
        """The solution catalogue."""
        return self.context.registry.catalogue

    def divisions(self, include_removed: bool = False) -> list[Division]:
        """The account's divisions in order."""
        return self.store.divisions(self.account_id, include_removed=include_removed)

    def opportunities(self) -> list[Opportunity]:
        """The account's opportunities."""
        return self.store.opportunities(self.account_id)

    def grid(self) -> Grid:
        """The grid as the plan's type shows it."""
        return load_grid(self.store, self.context.registry, self.context.plan)

    def targets(self) -> list[RevenueTarget]:
        """The plan's revenue targets."""
        return self.store.revenue_targets(self.context.plan.id)

    def pipeline(self, grid: Grid | None = None) -> PipelineByPeriod:
        """Pipeline against each target period."""
        return pipeline_by_period(grid or self.grid(), self.targets())

    def link_choices(self, cell: Cell) -> list[tuple[str, str]]:
        """(label, opportunity id) of opportunities that may be linked; suggestions first."""
        linked = {i for p in self.store.potentials(self.context.plan.id) for i in p.opportunity_ids}
        opps = [o for o in self.opportunities() if o.id not in linked]
        suggested = suggested_opportunities(self.catalogue, opps, cell.column.solution_id, set())
        rest = [o for o in opps if o not in suggested]
        return [(f"★ suggested: {_opp_label(o)}", o.id) for o in suggested] + [
            (_opp_label(o), o.id) for o in rest
        ]

    def default_opportunity_name(self, cell: Cell) -> str:
        """'<Account or division> – <Solution>' for qualifying."""
        account = self.store.get_account(self.account_id)
        who = cell.row.title if cell.row.division_id else (account.name if account else "")
        return f"{who} – {cell.column.title}"[:120]

    # -- writing ----------------------------------------------------------------------------
    def _write(self, action: Any, guard: Any = None) -> Any:
        """Run a versioned write; on a conflict reload and retry once, if `guard` allows.

        Every write here either changes one cell (whose guard refuses when someone else
        changed that cell) or is checked whole by the store in its transaction (links,
        qualifying, targets), so a teammate's edit elsewhere in the plan never blocks it.
        """
        return self.context.write(action, "potentials", guard)

    def _cell_guard(self, division_id: int | None, solution_id: str, seen: Potential | None) -> Any:
        def check() -> None:
            if seen is None:
                return
            now = self.store.potential(self.context.plan.id, division_id, solution_id)
            if _cell_key(now) != _cell_key(seen):
                who = now.updated_by or "someone"
                raise CellChanged(
                    f"Not saved: {who} changed this cell at {when(now.updated_at)}; it is shown "
                    "now. Make your change again to replace it."
                )

        return check

    def save_cell(
        self,
        division_id: int | None,
        solution_id: str,
        *,
        status: str,
        amount: str,
        timing: str,
        notes: str,
        reason: str,
        seen: Potential | None = None,
    ) -> SaveResult:
        """Save a cell's fields as typed; a message names the field that is wrong."""
        try:
            value = parse_amount(amount)
        except ValueError as exc:
            text = str(exc)
            return SaveResult(False, text[0].upper() + text[1:], "amount")
        fields = {
            "status": status,
            "amount": value,
            "timing": timing,
            "notes": notes or "",
            "blocked_reason": (reason or "").strip(),
        }
        try:
            make_record(
                Potential,
                plan_id=self.context.plan.id,
                division_id=division_id,
                solution_id=solution_id,
                **fields,
            )
        except ValueError as exc:
            field = getattr(exc, "field", "") or "blocked_reason"
            text = str(exc)
            return SaveResult(False, text[0].upper() + text[1:], field)
        problem = amount_problem(value)
        if problem:
            return SaveResult(False, problem, "amount")
        day = timing_date(_normal(fields)["timing"])
        problem = day_problem(day) if day else None
        if problem:
            return SaveResult(False, f"Timing: {problem}.", "timing")
        stored = self.store.potential(self.context.plan.id, division_id, solution_id)
        if all(getattr(stored, k) == v for k, v in _normal(fields).items()):
            return SaveResult(True, "")
        self._write(
            lambda pid, ver: self.store.set_potential(pid, ver, division_id, solution_id, **fields),
            self._cell_guard(division_id, solution_id, seen),
        )
        return SaveResult(True, "Saved.")

    def link(
        self,
        division_id: int | None,
        solution_id: str,
        opportunity_id: str,
        seen: Potential | None = None,
    ) -> str:
        """Link an opportunity to a cell (the user chose it)."""
        self._write(
            lambda pid, ver: self.store.link_opportunity(
                pid, ver, division_id, solution_id, opportunity_id
            ),
            self._cell_guard(division_id, solution_id, seen),
        )
        return "Linked."

    def unlink(self, opportunity_id: str) -> str:
        """Remove an opportunity's link."""
        self._write(lambda pid, ver: self.store.unlink_opportunity(pid, ver, opportunity_id))
        return "Unlinked."

    def qualify(
        self,
        division_id: int | None,
        solution_id: str,
        name: str,
        close_date: str,
        seen: Potential | None = None,
    ) -> Opportunity:
        """Create an opportunity from a potential; the cell becomes current."""
        text = (close_date or "").strip()
        try:
            closes = date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"Close date: '{text[:40]}' is not a date; use YYYY-MM-DD, e.g. 2027-03-31."
            ) from None
        _plan, opportunity = self._write(
            lambda pid, ver: self.store.qualify_potential(
                pid, ver, division_id, solution_id, name=name, close_date=closes, stage=FIRST_STAGE
            ),
            self._cell_guard(division_id, solution_id, seen),
        )
        return opportunity

    def add_target(self, label: str, start: str, end: str, amount: str) -> RevenueTarget:
        """Add a revenue target for a period; overlapping periods are refused."""
        dates = []
        for title, text in (("Start", start), ("End", end)):
            try:
                dates.append(date.fromisoformat((text or "").strip()))
            except ValueError:
                raise ValueError(
                    f"{title}: '{(text or '')[:40]}' is not a date; use YYYY-MM-DD."
                ) from None
            problem = day_problem(dates[-1])
            if problem:
                raise ValueError(f"{title}: {problem}.")
        value = parse_amount(amount)
        if value is None:
            raise ValueError("Amount: a target needs an amount, e.g. 500k.")
        problem = amount_problem(value)
        if problem:
            raise ValueError(problem)
        target = make_record(
            RevenueTarget,
            plan_id=self.context.plan.id,
            label=(label or "").strip(),
            start_date=dates[0],
            end_date=dates[1],
            amount=value,
        )
        _plan, saved = self._write(lambda pid, ver: self.store.set_revenue_target(pid, ver, target))
        return saved

    def remove_target(self, target_id: int) -> None:
        """Remove a revenue target."""
        self._write(lambda pid, ver: self.store.remove_revenue_target(pid, ver, target_id))

    # divisions belong to the account: no plan version
    def add_division(self, name: str) -> Division:
        """Add a division."""
        return self.store.add_division(self.account_id, name)

    def rename_division(self, division_id: int, name: str) -> Division:
        """Rename a division."""
        return self.store.rename_division(division_id, name)

    def move_division(self, division_id: int, step: int) -> None:
        """Move a division up (-1) or down (+1)."""
        ids = [d.id for d in self.divisions()]
        at = ids.index(division_id)
        to = min(max(at + step, 0), len(ids) - 1)
        ids.insert(to, ids.pop(at))
        self.store.reorder_divisions(self.account_id, ids)

    def potentials_in(self, division_id: int) -> int:
        """How many non-empty cells (in any plan of the account) a division holds."""
        count = 0
        for plan in self.store.list_plans(self.account_id):
            count += sum(
                1
                for p in self.store.potentials(plan.id)
                if p.division_id == division_id and not p.is_empty
            )
        return count

    def remove_division(self, division_id: int, confirmed: bool = False) -> SaveResult:
        """Remove a division; one holding potentials needs `confirmed`."""
        division = self.store.get_division(division_id)
        held = self.potentials_in(division_id)
        if held and not confirmed:
            return SaveResult(
                False,
                f"'{division.name}' holds {held} potential cell(s). Remove it anyway? "
                "Its cells are kept and come back if you undo.",
            )
        self.store.remove_division(division_id)
        return SaveResult(True, f"Removed the division '{division.name}'.")

    def restore_division(self, division_id: int) -> Division:
        """Undo the removal of a division."""
        return self.store.restore_division(division_id)

    def use_child_accounts(self) -> list[Division]:
        """Create divisions from the account's child accounts."""
        return self.store.divisions_from_children(self.account_id)


def amount_text(amount: float | None) -> str:
    """An amount as a plain number that parse_amount reads back: 1200000, 1234.5."""
    if amount is None:
        return ""
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def _cell_key(p: Potential) -> tuple:
    return (
        p.status,
        p.amount,
        p.timing,
        p.notes,
        p.blocked_reason,
        tuple(p.opportunity_ids),
        p.updated_by,
        p.updated_at,
    )


def _normal(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as the store keeps them (timing normalised)."""
    from ..model import parse_timing

    return fields | {"timing": parse_timing(fields["timing"])}


def _opp_label(o: Opportunity) -> str:
    return (
        f"{o.name} ({o.stage or opportunity_state(o)}, {money(o.amount)}"
        f"{', closes ' + o.close_date.isoformat() if o.close_date else ''})"
    )


def pipeline_figure(result: PipelineByPeriod) -> Any:
    """A plotly bar chart: stacked pipeline by status against each period's target."""
    import plotly.graph_objects as go

    labels = [p.target.label for p in result.periods]
    colours = {"potential": "#1e63b5", "current": "#e08a00", "won": "#2e7d32"}
    figure = go.Figure()
    for status in PIPELINE_STATUSES:
        figure.add_bar(
            x=labels,
            y=[p.by_status[status] for p in result.periods],
            name=STATUS_TITLES[status],
            marker_color=colours[status],
        )
    figure.add_scatter(
        x=labels,
        y=[p.target.amount for p in result.periods],
        name="Target",
        mode="markers",
        marker={"symbol": "line-ew", "size": 60, "line": {"width": 3, "color": "#222"}},
    )
    figure.update_layout(
        barmode="stack",
        height=300,
        width=max(360, 160 * len(labels) + 160),
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        title={"text": "Pipeline against target", "font": {"size": 14}},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"tickprefix": "$", "tickformat": "~s"},
    )
    return figure


def grid_data(grid: Grid) -> dict[str, Any]:
    """The grid as the WhiteSpaceGrid widget draws it: families, columns, rows and cells."""
    families: list[dict[str, Any]] = []
    for column in grid.columns:
        if families and families[-1]["id"] == column.family_id:
            families[-1]["span"] += 1
        else:
            families.append({"id": column.family_id, "title": column.family_title, "span": 1})
    top = grid.max_amount() or 1.0
    cells = []
    for row in grid.rows:
        line = []
        for column in grid.columns:
            cell = grid.cell(row.key, column.solution_id)
            line.append(
                {
                    "status": cell.status,
                    "label": _cell_label(cell),
                    "shade": round(cell.counts / top, 3),
                    "tip": _cell_tip(cell),
                }
            )
        cells.append(line)
    return {
        "families": families,
        "columns": [
            {"id": c.solution_id, "title": c.title, "family": c.family_id} for c in grid.columns
        ],
        "rows": [{"key": r.key, "title": r.title} for r in grid.rows],
        "cells": cells,
    }


def _cell_label(cell: Cell) -> str:
    if cell.status == "blocked":
        return "✕"
    if cell.status == "whitespace":
        return ""
    return money(cell.amount) if cell.amount else STATUS_TITLES[cell.status][:3]


def _cell_tip(cell: Cell) -> str:
    parts = [f"{cell.row.title} × {cell.column.title}: {STATUS_TITLES[cell.status]}"]
    if cell.amount:
        parts.append(money(cell.amount))
    if cell.stored.timing:
        parts.append(cell.stored.timing)
    if cell.status == "blocked":
        parts.append(f"blocked: {cell.stored.blocked_reason}")
    if cell.linked:
        parts.append(f"{len(cell.linked)} linked opportunity(ies)")
    if cell.stored.notes:
        parts.append(cell.stored.notes[:80])
    return " · ".join(parts)


def totals_html(grid: Grid) -> str:
    """Totals by family and by division, as escaped HTML tables."""
    totals = grid.totals()
    families = {c.family_id: c.family_title for c in grid.columns}
    rows = {r.key: r.title for r in grid.rows}

    def table(title: str, names: dict[str, str], data: dict[str, dict[str, float]]) -> str:
        head = "".join(f"<th>{esc(STATUS_TITLES[s])}</th>" for s in PIPELINE_STATUSES)
        body = "".join(
            f"<tr><td>{esc(name)}</td>"
            + "".join(
                f"<td style='text-align:right'>{esc(money(data.get(key, {}).get(s, 0.0)))}</td>"
                for s in PIPELINE_STATUSES
            )
            + "</tr>"
            for key, name in names.items()
        )
        return (
            f"<table class='pk-potentials-table' style='border-collapse:separate;"
            f"border-spacing:10px 2px;margin:4px 16px 4px 0;font-size:12px'>"
            f"<tr><th style='text-align:left'>{esc(title)}</th>{head}"
            f"</tr>{body}</table>"
        )

    return (
        "<div style='display:flex;flex-wrap:wrap;align-items:flex-start'>"
        + table("By family", families, totals.by_family)
        + table("By division", rows, totals.by_row)
        + "</div>"
    )


class PotentialsTile:
    """The Potentials view: divisions bar, the grid with its side panel, totals and targets."""

    tile_id = "potentials"

    def __init__(self, context: PlanContext) -> None:
        self.model = PotentialsModel(context)
        self.status = StatusLine("pk-potentials-status")
        self._grid: Grid | None = None
        self._open: tuple[str, str] | None = None
        self._shown: Potential | None = None
        self._loading = False
        self._removed_last: int | None = None
        self._unsaved = Unsaved()
        self._summary = w.HTML()
        self._summary.add_class("pk-potentials-totals")
        self._hidden = w.HTML()
        self._hidden.add_class("pk-potentials-hidden")
        self._table = WhiteSpaceGrid()
        self._table.on_select(self._on_select)
        self._build_divisions()
        self._build_panel()
        self._build_targets()
        self._totals = w.HTML()
        self._totals.add_class("pk-potentials-by")
        legend = w.HTML(
            "<div style='font-size:11px;color:#555'>Colour shows status (white space, "
            "<span style='color:#1e63b5'>potential</span>, <span style='color:#b06a00'>current"
            "</span>, <span style='color:#2e7d32'>won</span>, blocked ✕); deeper shade, "
            "larger amount. Click a cell to edit it.</div>"
        )
        # Totals, targets and the chart sit below the grid: the browser lays them out only
        # when they scroll into view (whitespace_grid.css), so the tile opens sooner.
        below = w.VBox([self._totals, self._targets_box])
        below.add_class("pk-potentials-below")
        self.widget = w.VBox(
            [
                self._summary,
                self.status.widget,
                self._divisions_box,
                legend,
                w.HBox(
                    [
                        w.Box([self._table], layout=w.Layout(flex="1 1 auto", min_width="0")),
                        self._panel,
                    ],
                    layout=w.Layout(width="100%", align_items="flex-start"),
                ),
                self._hidden,
                below,
            ]
        )
        self.widget.add_class("pk-potentials")
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _build_divisions(self) -> None:
        self._division = w.Dropdown(description="Division", layout=w.Layout(width="260px"))
        self._division.add_class("pk-potentials-division")
        self._division_name = w.Text(placeholder="Division name", layout=w.Layout(width="200px"))
        self._division_name.add_class("pk-potentials-division-name")
        buttons = {
            "add": ("Add", self._on_add_division),
            "rename": ("Rename", self._on_rename_division),
            "up": ("↑", lambda _b: self._on_move(-1)),
            "down": ("↓", lambda _b: self._on_move(1)),
            "remove": ("Remove", lambda _b: self._on_remove(False)),
            "children": ("Use child accounts as divisions", self._on_children),
        }
        self._division_buttons = {}
        for role, (label, handler) in buttons.items():
            button = w.Button(description=label, layout=w.Layout(width="auto"))
            button.add_class(f"pk-potentials-division-{role}")
            button.on_click(handler)
            self._division_buttons[role] = button
        self._confirm_text = w.HTML()
        self._confirm_for: int | None = None
        self._division.observe(lambda _c: self._show_confirm(None), names="value")
        confirm = w.Button(description="Remove anyway", button_style="danger")
        confirm.add_class("pk-potentials-division-confirm")
        confirm.on_click(lambda _b: self._on_remove(True))
        cancel = w.Button(description="Cancel")
        cancel.on_click(lambda _b: self._show_confirm(None))
        self._confirm = w.HBox([self._confirm_text, confirm, cancel])
        self._confirm.layout.display = "none"
        self._undo = w.Button(description="Undo removal", layout=w.Layout(width="auto"))
        self._undo.add_class("pk-potentials-division-undo")
        self._undo.on_click(self._on_undo)
        self._undo.layout.display = "none"
        b = self._division_buttons
        self._divisions_box = w.VBox(
            [
                w.HBox(
                    [self._division, b["up"], b["down"], b["remove"], self._undo],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                w.HBox(
                    [self._division_name, b["add"], b["rename"], b["children"]],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self._confirm,
            ]
        )

    def _build_panel(self) -> None:
        self._panel_title = w.HTML()
        self._panel_title.add_class("pk-potentials-panel-title")
        self._status_choice = w.Dropdown(
            options=[(STATUS_TITLES[s], s) for s in STATUS_TITLES], description="Status"
        )
        self._status_choice.add_class("pk-potentials-status-choice")
        self._amount = w.Text(
            description="Amount", placeholder="e.g. 250k", continuous_update=False
        )
        self._amount.add_class("pk-potentials-amount")
        self._timing = w.Text(
            description="Timing", placeholder="2027-Q1 or 2027-03-31", continuous_update=False
        )
        self._timing.add_class("pk-potentials-timing")
        self._reason = w.Text(
            description="Reason", placeholder="why it is blocked", continuous_update=False
        )
        self._reason.add_class("pk-potentials-reason")
        self._notes = w.Textarea(
            placeholder="Notes", continuous_update=False, layout=w.Layout(width="95%")
        )
        self._notes.add_class("pk-potentials-notes")
        for field in (self._status_choice, self._amount, self._timing, self._reason, self._notes):
            field.observe(self._on_field, names="value")
        self._message = w.HTML()
        self._message.add_class("pk-potentials-message")
        self._linked = w.HTML()
        self._linked.add_class("pk-potentials-linked")
        self._unlink_choice = w.Dropdown(layout=w.Layout(width="230px"))
        unlink = w.Button(description="Unlink", layout=w.Layout(width="auto"))
        unlink.add_class("pk-potentials-unlink")
        unlink.on_click(self._on_unlink)
        self._unlink_row = w.HBox([self._unlink_choice, unlink])
        self._link_choice = w.Dropdown(layout=w.Layout(width="230px"))
        self._link_choice.add_class("pk-potentials-link-choice")
        link = w.Button(description="Link", layout=w.Layout(width="auto"))
        link.add_class("pk-potentials-link")
        link.on_click(self._on_link)
        self._link_row = w.HBox([self._link_choice, link])
        self._opp_name = w.Text(description="Name", layout=w.Layout(width="95%"))
        self._opp_name.add_class("pk-potentials-opp-name")
        self._close_date = w.Text(description="Close date", placeholder="YYYY-MM-DD")
        self._close_date.add_class("pk-potentials-close-date")
        qualify = w.Button(description="Qualify", button_style="primary")
        qualify.add_class("pk-potentials-qualify")
        qualify.on_click(self._on_qualify)
        self._qualify_box = w.VBox(
            [
                w.HTML(
                    "<b>Qualify</b> <span style='font-size:11px;color:#555'>creates an "
                    f"opportunity at stage {esc(FIRST_STAGE)}</span>"
                ),
                self._opp_name,
                self._close_date,
                qualify,
            ]
        )
        self._panel = w.VBox(
            [
                self._panel_title,
                self._status_choice,
                self._reason,
                self._amount,
                self._timing,
                self._notes,
                self._message,
                self._linked,
                self._unlink_row,
                w.HTML("<b>Link to existing opportunity</b>"),
                self._link_row,
                self._qualify_box,
            ],
            layout=w.Layout(width="360px", padding="0 0 0 10px", flex="0 0 auto"),
        )
        self._panel.add_class("pk-potentials-panel")

    def _build_targets(self) -> None:
        self._target_list = w.HTML()
        self._target_list.add_class("pk-potentials-targets")
        self._target_label = w.Text(
            placeholder="Period, e.g. FY27 Q1", layout=w.Layout(width="150px")
        )
        self._target_start = w.Text(placeholder="Start YYYY-MM-DD", layout=w.Layout(width="130px"))
        self._target_end = w.Text(placeholder="End YYYY-MM-DD", layout=w.Layout(width="130px"))
        self._target_amount = w.Text(
            placeholder="Target, e.g. 500k", layout=w.Layout(width="130px")
        )
        for role, field in (
            ("label", self._target_label),
            ("start", self._target_start),
            ("end", self._target_end),
            ("amount", self._target_amount),
        ):
            field.add_class(f"pk-potentials-target-{role}")
        add = w.Button(description="Add target", layout=w.Layout(width="auto"))
        add.add_class("pk-potentials-target-add")
        add.on_click(self._on_add_target)
        self._target_remove_choice = w.Dropdown(layout=w.Layout(width="200px"))
        remove = w.Button(description="Remove target", layout=w.Layout(width="auto"))
        remove.add_class("pk-potentials-target-remove")
        remove.on_click(self._on_remove_target)
        self._chart = Chart("pk-potentials-chart")
        self._target_message = w.HTML()
        self._target_message.add_class("pk-potentials-target-message")
        self._targets_box = w.VBox(
            [
                w.HTML("<h4 style='margin:10px 0 2px 0'>Revenue targets</h4>"),
                self._target_list,
                w.HBox(
                    [
                        self._target_label,
                        self._target_start,
                        self._target_end,
                        self._target_amount,
                        add,
                    ],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self._target_message,
                w.HBox([self._target_remove_choice, remove]),
                self._chart.widget,
            ]
        )

    # -- refreshing -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the plan's grid, totals, targets and the open cell."""
        grid = self._grid = self.model.grid()
        self._say("")  # the panel shows the stored values again: a message about typing goes
        self._show_summary(grid)  # the totals first: they are the small message
        self._table.grid = grid_data(grid)
        self._show_divisions()
        self._show_targets(grid)
        if (
            self._open
            and self._open[0] in {r.key for r in grid.rows}
            and any(c.solution_id == self._open[1] for c in grid.columns)
        ):
            self._show_cell(keep_typed=False)
        else:
            self._open = None
            self._show_cell(keep_typed=False)

    def _show_summary(self, grid: Grid) -> None:
        totals = grid.totals()
        title = self.model.context.plan_type.title
        self._summary.value = (
            f"<h3 style='margin:4px 0'>Potentials · {esc(title)}</h3>"
            f"<div class='pk-potentials-line'>{esc(totals.line(money))}</div>"
        )
        self._totals.value = totals_html(grid)
        notes = []
        if grid.hidden_by_type:
            notes.append(
                f"{len(grid.hidden_by_type)} cell(s) of solutions that {title} plans do not "
                "carry are hidden; they come back when the plan type allows them."
            )
        if grid.hidden_by_removal:
            notes.append(
                f"{len(grid.hidden_by_removal)} cell(s) of removed divisions are hidden; "
                "restore the division to see them."
            )
        self._hidden.value = (
            f"<div style='font-size:12px;color:#8a5a00'>{esc(' '.join(notes))}</div>"
            if notes
            else ""
        )

    def _show_divisions(self) -> None:
        divisions = self.model.divisions()
        current = self._division.value
        self._division.options = [(d.name, d.id) for d in divisions] or [("No divisions", None)]
        ids = [d.id for d in divisions]
        if current in ids:
            self._division.value = current
        else:
            self._division.index = 0
        for role in ("up", "down", "remove", "rename"):
            self._division_buttons[role].disabled = not divisions
        self._undo.layout.display = "inline-flex" if self._removed_last else "none"

    def _show_targets(self, grid: Grid) -> None:
        result = self.model.pipeline(grid)
        rows = "".join(
            f"<tr><td>{esc(p.target.label)}</td><td>{esc(p.target.start_date)} – "
            f"{esc(p.target.end_date)}</td><td style='text-align:right'>"
            f"{esc(money(p.target.amount))}</td><td style='text-align:right'>"
            f"{esc(money(p.pipeline))}</td><td style='text-align:right'>"
            f"{esc(f'{p.coverage:.0%}' if p.coverage is not None else '—')}</td></tr>"
            for p in result.periods
        )
        extra = []
        if result.untimed:
            extra.append(f"{money(result.untimed)} of pipeline has no timing")
        if result.outside:
            extra.append(f"{money(result.outside)} falls outside every target period")
        self._target_list.value = (
            "<table style='font-size:12px;border-collapse:separate;border-spacing:10px 2px'>"
            "<tr><th>Period</th>"
            "<th>Dates</th><th>Target</th><th>Pipeline</th><th>Coverage</th></tr>"
            f"{rows}</table>"
            if result.periods
            else "<div style='font-size:12px;color:#666'>No targets yet: add a period below.</div>"
        ) + (
            f"<div style='font-size:12px;color:#555'>{esc('; '.join(extra))}.</div>"
            if extra
            else ""
        )
        fill(
            self._target_remove_choice,
            [(p.target.label, p.target.id) for p in result.periods],
            "No targets",
        )
        key = [(p.target, p.by_status) for p in result.periods]
        self._chart.show(key, (lambda: pipeline_figure(result)) if result.periods else None)

    def _cell(self) -> Cell | None:
        if self._open is None or self._grid is None:
            return None
        return self._grid.cell(*self._open)

    def _show_cell(self, keep_typed: bool) -> None:
        cell = self._cell()
        self._panel.layout.display = "flex" if cell else "none"
        if cell is None:
            self._table.selected = []
            return
        rows = [r.key for r in self._grid.rows]
        cols = [c.solution_id for c in self._grid.columns]
        self._table.selected = [rows.index(cell.row.key), cols.index(cell.column.solution_id)]
        counted = (
            f"<div style='font-size:12px;color:#555'>Counts as {esc(STATUS_TITLES[cell.status])}"
            f" ({esc(money(cell.amount))}) from linked opportunities.</div>"
            if cell.from_opportunities
            else ""
        )
        self._panel_title.value = (
            f"<h4 style='margin:2px 0'>{esc(cell.row.title)} × {esc(cell.column.title)}</h4>"
            f"<div style='font-size:11px;color:#777'>{esc(cell.column.family_title)}</div>"
            + counted
        )
        if not keep_typed:
            stored = self._shown = cell.stored
            self._loading = True
            try:
                self._status_choice.value = stored.status
                self._amount.value = amount_text(stored.amount)
                self._timing.value = stored.timing or ""
                self._reason.value = stored.blocked_reason
                self._notes.value = stored.notes
            finally:
                self._loading = False
        self._reason.layout.display = "flex" if self._status_choice.value == "blocked" else "none"
        self._linked.value = (
            "<div style='font-size:12px'><b>Linked opportunities</b><ul style='margin:2px 0'>"
            + "".join(
                f"<li>{esc(_opp_label(o))} · {esc(opportunity_state(o))}</li>" for o in cell.linked
            )
            + "</ul></div>"
            if cell.linked
            else "<div style='font-size:12px;color:#666'>No linked opportunities.</div>"
        )
        fill(self._unlink_choice, [(o.name, o.id) for o in cell.linked], "—")
        self._unlink_row.layout.display = "flex" if cell.linked else "none"
        choices = self.model.link_choices(cell)
        fill(self._link_choice, choices, "No unlinked opportunities")
        self._qualify_box.layout.display = "flex" if cell.stored.status == "potential" else "none"
        if not keep_typed:
            self._opp_name.value = self.model.default_opportunity_name(cell)
            self._close_date.value = cell.when.isoformat() if cell.when else ""

    def _say(self, text: str, kind: str = "info") -> None:
        colour = {"error": "#b71c1c", "ok": "#1b5e20"}.get(kind, "#555")
        icon = "⚠ " if kind == "error" else ""
        self._message.value = (
            f"<div class='pk-potentials-message-{kind}' style='color:{colour};font-size:12px'>"
            f"{icon}{esc(text)}</div>"
            if text
            else ""
        )

    def _after_write(self, text: str) -> None:
        self.refresh()
        self._say(text, "ok")
        self.status.clear()

    # -- handlers ---------------------------------------------------------------------------
    @guarded()
    def _on_select(self, row: int, col: int) -> None:
        grid = self._grid
        if grid is None or not (0 <= row < len(grid.rows) and 0 <= col < len(grid.columns)):
            return
        self._open = (grid.rows[row].key, grid.columns[col].solution_id)
        self._say("")
        self._show_cell(keep_typed=False)
        self._unsaved.say_after_switch(self.status)

    def take_unsaved(self) -> str:
        """Why the last edit was not saved, once (the launchpad says it when the tile is left)."""
        return self._unsaved.take()

    def select(self, row_key: str, solution_id: str) -> None:
        """Open a cell in the side panel (as a click on it does)."""
        grid = self._grid
        rows = [r.key for r in grid.rows]
        cols = [c.solution_id for c in grid.columns]
        self._on_select(rows.index(row_key), cols.index(solution_id))

    @guarded()
    def _on_field(self, _change: dict) -> None:
        if self._loading:
            return
        cell = self._cell()
        if cell is None:
            return
        self._reason.layout.display = "flex" if self._status_choice.value == "blocked" else "none"
        try:
            result = self.model.save_cell(
                cell.row.division_id,
                cell.column.solution_id,
                status=self._status_choice.value,
                amount=self._amount.value,
                timing=self._timing.value,
                notes=self._notes.value,
                reason=self._reason.value,
                seen=self._shown,
            )
        except CellChanged as exc:
            self.refresh()
            self._say(str(exc), "error")
            return
        if not result.saved:
            self._say(result.message, "error")
            self._unsaved.remember(
                f"Not saved on {cell.row.title} × {cell.column.title}: {result.message}"
            )
            return
        self._unsaved.remember("")
        if result.message:
            self._grid = self.model.grid()
            self._show_summary(self._grid)
            self._table.grid = grid_data(self._grid)
            self._show_targets(self._grid)
            self._shown = self._grid.cell(*self._open).stored
            self._show_cell(keep_typed=True)
            self._say(result.message, "ok")

    @guarded()
    def _on_link(self, _button: Any = None) -> None:
        cell = self._cell()
        if cell is None or not self._link_choice.value:
            self._say("Choose an opportunity to link.", "error")
            return
        text = self.model.link(
            cell.row.division_id, cell.column.solution_id, self._link_choice.value, self._shown
        )
        self._after_write(text)

    @guarded()
    def _on_unlink(self, _button: Any = None) -> None:
        if not self._unlink_choice.value:
            return
        self._after_write(self.model.unlink(self._unlink_choice.value))

    @guarded()
    def _on_qualify(self, _button: Any = None) -> None:
        cell = self._cell()
        if cell is None:
            return
        try:
            opp = self.model.qualify(
                cell.row.division_id,
                cell.column.solution_id,
                self._opp_name.value,
                self._close_date.value,
                self._shown,
            )
        except ValueError as exc:
            self._say(str(exc), "error")
            return
        self._after_write(f"Qualified: opportunity '{opp.name}' created; the cell is current.")

    @guarded()
    def _on_add_division(self, _button: Any = None) -> None:
        division = self.model.add_division(self._division_name.value)
        self._division_name.value = ""
        self.refresh()
        self._division.value = division.id
        self.status.show(f"Added the division '{division.name}'.", "ok")

    @guarded()
    def _on_rename_division(self, _button: Any = None) -> None:
        if self._division.value is None:
            return
        division = self.model.rename_division(self._division.value, self._division_name.value)
        self._division_name.value = ""
        self.refresh()
        self.status.show(f"Renamed the division to '{division.name}'.", "ok")

    @guarded()
    def _on_move(self, step: int) -> None:
        if self._division.value is None:
            return
        self.model.move_division(self._division.value, step)
        self.refresh()

    def _show_confirm(self, text: str | None, division_id: int | None = None) -> None:
        self._confirm_for = division_id if text else None
        self._confirm.layout.display = "flex" if text else "none"
        self._confirm_text.value = (
            f"<span style='color:#8a5a00'>⚠ {esc(text)}</span>&nbsp;" if text else ""
        )

    @guarded()
    def _on_remove(self, confirmed: bool) -> None:
        division_id = self._confirm_for if confirmed else self._division.value
        if division_id is None:
            return
        result = self.model.remove_division(division_id, confirmed=confirmed)
        if not result.saved:
            self._show_confirm(result.message, division_id)
            return
        self._show_confirm(None)
        self._removed_last = division_id
        self.refresh()
        self.status.show(result.message + " Undo brings it back with its cells.", "ok")

    @guarded()
    def _on_undo(self, _button: Any = None) -> None:
        if self._removed_last is None:
            return
        division = self.model.restore_division(self._removed_last)
        self._removed_last = None
        self.refresh()
        self.status.show(f"Restored the division '{division.name}'.", "ok")

    @guarded()
    def _on_children(self, _button: Any = None) -> None:
        added = self.model.use_child_accounts()
        self.refresh()
        if added:
            names = ", ".join(d.name for d in added)
            self.status.show(f"Added {len(added)} division(s) from child accounts: {names}.", "ok")
        else:
            self.status.show(
                "No new divisions: this account has no child accounts (ParentId) that are not "
                "divisions already.",
                "info",
            )

    @guarded()
    def _on_add_target(self, _button: Any = None) -> None:
        try:
            target = self.model.add_target(
                self._target_label.value,
                self._target_start.value,
                self._target_end.value,
                self._target_amount.value,
            )
        except (ValueError, StoreError) as exc:
            # Said beside the form (the status line is out of sight at the bottom of the
            # tile); what was typed stays for correcting.
            self._target_message.value = _field_error(friendly_error(exc))
            self.status.clear()
            return
        self._target_message.value = ""
        for field in (
            self._target_label,
            self._target_start,
            self._target_end,
            self._target_amount,
        ):
            field.value = ""
        self.refresh()
        self.status.show(f"Added the target for {target.label}.", "ok")

    @guarded()
    def _on_remove_target(self, _button: Any = None) -> None:
        if self._target_remove_choice.value is None:
            return
        self.model.remove_target(self._target_remove_choice.value)
        self.refresh()
        self.status.show("Removed the target.", "ok")


def _field_error(text: str) -> str:
    """A refusal shown beside the fields it is about."""
    return (
        "<div class='pk-potentials-message-error' style='color:#b71c1c;font-size:12px'>"
        f"⚠ {esc(text)}</div>"
    )
