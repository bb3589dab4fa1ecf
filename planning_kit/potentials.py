"""Potentials: the white-space grid of divisions × solutions, its totals, and pipeline.

Plain Python over `model` records: the tile, the launchpad and the analysts' frames all read
the grid from here, so they agree on every figure.

Rules:
- Rows are the account's divisions in order. A "Whole account" row is shown when there are no
  divisions, or when it holds something.
- Columns are the solutions the plan type allows, grouped by catalogue family.
- Cells of solutions that the type does not allow, and of removed divisions, are hidden (kept
  in the store, counted in `Grid.hidden`), never deleted.
- A cell with a won linked opportunity counts as won, with the won amount; else one with an
  open linked opportunity counts as current, with the open amount. Otherwise the status and
  amount are the ones the team set. Linked amounts that are unknown fall back to the cell's.
- A cell counts in a target period when its timing falls in it. A quarter (2027-Q1) counts at
  its last day; with no timing, the latest close date of its counted opportunities is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from .model import Division, Opportunity, Potential, RevenueTarget, timing_date
from .plan_types import Catalogue, PlanType

WHOLE_ACCOUNT = "Whole account"
WHOLE_ACCOUNT_KEY = "account"
PIPELINE_STATUSES = ("potential", "current", "won")
# The stage a qualified potential's opportunity starts at (Salesforce's default first stage).
FIRST_STAGE = "Prospecting"
STATUS_TITLES = {
    "whitespace": "White space",
    "potential": "Potential",
    "current": "Current",
    "won": "Won",
    "blocked": "Blocked",
}
# Commas only as thousands separators: '1,5M' is refused rather than read as 15M.
_AMOUNT_RE = re.compile(
    r"^\$?\s*(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>[kmb])?$", re.I
)
_UNITS = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9}


def parse_amount(text: str | None) -> float | None:
    """An amount typed by a person: 250000, 250,000, $250k, 1.2M; blank means none."""
    value = (text or "").strip().replace(" ", "")
    if not value:
        return None
    found = _AMOUNT_RE.match(value)
    if not found:
        raise ValueError(
            f"amount: '{value[:40]}' is not an amount; use a number such as 250000, 250k or 1.2M"
        )
    number = Decimal(found["number"].replace(",", ""))  # exact: 4.1M is 4100000, not 4099999.99...
    return float(number * _UNITS[(found["unit"] or "").lower()])


MAX_AMOUNT = 1e12  # a planned amount above a trillion is a typing slip


def amount_problem(value: float | None) -> str | None:
    """Why a typed amount is refused (more than MAX_AMOUNT), or None."""
    if value is None or value <= MAX_AMOUNT:
        return None
    return f"Amount: {value:,.0f} is more than a trillion (1,000,000,000,000); check the zeros."


def row_key(division_id: int | None) -> str:
    """The key of a grid row: 'account' for the whole account, 'd<id>' for a division."""
    return WHOLE_ACCOUNT_KEY if division_id is None else f"d{division_id}"


@dataclass(frozen=True)
class Row:
    """A grid row: one division, or the whole account."""

    key: str
    division_id: int | None
    title: str


@dataclass(frozen=True)
class Column:
    """A grid column: one solution the plan type allows."""

    solution_id: str
    title: str
    family_id: str
    family_title: str


@dataclass(frozen=True)
class Cell:
    """One division × solution cell, with the status and amount that count."""

    row: Row
    column: Column
    stored: Potential
    status: str
    amount: float | None
    when: date | None
    linked: tuple[Opportunity, ...] = ()

    @property
    def from_opportunities(self) -> bool:
        """Whether the status comes from linked opportunities, not from the team."""
        return self.status != self.stored.status and bool(self.linked)

    @property
    def counts(self) -> float:
        """The amount that counts in the pipeline (0 for white space and blocked cells)."""
        return (self.amount or 0.0) if self.status in PIPELINE_STATUSES else 0.0


def effective(
    potential: Potential, linked: list[Opportunity]
) -> tuple[str, float | None, date | None]:
    """The status, amount and date that count for a cell, given its linked opportunities."""
    won = [o for o in linked if o.is_won]
    open_ = [o for o in linked if not o.is_closed]
    counted = won or open_
    if not counted:
        return potential.status, potential.amount, timing_date(potential.timing)
    known = [o.amount for o in counted if o.amount is not None]
    amount = sum(known) if known else potential.amount
    closes = [o.close_date for o in counted if o.close_date]
    when = timing_date(potential.timing) or (max(closes) if closes else None)
    return ("won" if won else "current"), amount, when


@dataclass
class Totals:
    """Amounts by status, family and row, and the white-space count."""

    by_status: dict[str, float] = field(default_factory=dict)
    by_family: dict[str, dict[str, float]] = field(default_factory=dict)
    by_row: dict[str, dict[str, float]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    whitespace: int = 0
    cells: int = 0

    @property
    def pipeline(self) -> float:
        """Potential + current + won."""
        return sum(self.by_status.get(s, 0.0) for s in PIPELINE_STATUSES)

    def line(self, money: Any) -> str:
        """The launchpad line, e.g. '31/40 white space · potential $1.2M · current $300k'."""
        parts = [f"{self.whitespace}/{self.cells} white space"]
        parts += [f"{s} {money(self.by_status.get(s, 0.0))}" for s in PIPELINE_STATUSES]
        return " · ".join(parts)


@dataclass
class Grid:
    """The white-space grid of one plan as its type shows it."""

    rows: list[Row]
    columns: list[Column]
    cells: dict[tuple[str, str], Cell]
    hidden_by_type: list[Potential] = field(default_factory=list)
    hidden_by_removal: list[Potential] = field(default_factory=list)

    def cell(self, key: str, solution_id: str) -> Cell:
        """The cell at a row key and solution id."""
        return self.cells[(key, solution_id)]

    def row(self, key: str) -> Row:
        """The row with this key."""
        return next(r for r in self.rows if r.key == key)

    def totals(self) -> Totals:
        """Totals of the visible cells."""
        totals = Totals(cells=len(self.cells))
        for cell in self.cells.values():
            totals.counts[cell.status] = totals.counts.get(cell.status, 0) + 1
            if cell.status == "whitespace":
                totals.whitespace += 1
            if cell.status not in PIPELINE_STATUSES:
                continue
            amount = cell.amount or 0.0
            family = totals.by_family.setdefault(cell.column.family_id, {})
            row = totals.by_row.setdefault(cell.row.key, {})
            for bucket in (totals.by_status, family, row):
                bucket[cell.status] = bucket.get(cell.status, 0.0) + amount
        return totals

    def max_amount(self) -> float:
        """The largest amount that counts in any cell (for shading)."""
        return max((c.counts for c in self.cells.values()), default=0.0)


def columns_for(plan_type: PlanType, catalogue: Catalogue | None) -> list[Column]:
    """The type's solutions as columns, grouped by family in catalogue order."""
    if catalogue is None:
        return []
    allowed = {sid: index for index, sid in enumerate(plan_type.solutions)}
    columns = []
    for family in catalogue.families:
        mine = sorted((s for s in family.solutions if s.id in allowed), key=lambda s: allowed[s.id])
        columns += [Column(s.id, s.title, family.id, family.title) for s in mine]
    return columns


def build_grid(
    plan_type: PlanType,
    catalogue: Catalogue | None,
    divisions: list[Division],
    potentials: list[Potential],
    opportunities: list[Opportunity],
) -> Grid:
    """The grid of a plan: its divisions' rows, its type's columns, and every cell."""
    columns = columns_for(plan_type, catalogue)
    allowed = {c.solution_id for c in columns}
    active = [d for d in divisions if d.removed_at is None]
    active_ids = {d.id for d in active}
    stored = {(row_key(p.division_id), p.solution_id): p for p in potentials}
    by_id = {o.id: o for o in opportunities}
    rows = [Row(row_key(d.id), d.id, d.name) for d in active]
    whole_used = any(
        not p.is_empty and p.division_id is None and p.solution_id in allowed for p in potentials
    )
    if not rows or whole_used:
        rows.insert(0, Row(WHOLE_ACCOUNT_KEY, None, WHOLE_ACCOUNT))
    grid = Grid(rows=rows, columns=columns, cells={})
    for row in rows:
        for column in columns:
            potential = stored.get((row.key, column.solution_id)) or Potential(
                plan_id=0, division_id=row.division_id, solution_id=column.solution_id
            )
            linked = [by_id[i] for i in potential.opportunity_ids if i in by_id]
            status, amount, when = effective(potential, linked)
            grid.cells[(row.key, column.solution_id)] = Cell(
                row, column, potential, status, amount, when, tuple(linked)
            )
    for potential in potentials:
        if potential.is_empty:
            continue
        if potential.division_id is not None and potential.division_id not in active_ids:
            grid.hidden_by_removal.append(potential)
        elif potential.solution_id not in allowed:
            grid.hidden_by_type.append(potential)
    return grid


@dataclass(frozen=True)
class PeriodPipeline:
    """Pipeline against target for one period."""

    target: RevenueTarget
    by_status: dict[str, float]

    @property
    def pipeline(self) -> float:
        """Potential + current + won in the period."""
        return sum(self.by_status.values())

    @property
    def gap(self) -> float:
        """How much pipeline is missing to reach the target (0 when covered)."""
        return max(self.target.amount - self.pipeline, 0.0)

    @property
    def coverage(self) -> float | None:
        """Pipeline as a share of target, or None when the target is zero."""
        return self.pipeline / self.target.amount if self.target.amount else None


@dataclass(frozen=True)
class PipelineByPeriod:
    """Each target period's pipeline, plus what no period holds."""

    periods: list[PeriodPipeline]
    untimed: float
    outside: float


def pipeline_by_period(grid: Grid, targets: list[RevenueTarget]) -> PipelineByPeriod:
    """Pipeline (potential + current + won) of each target period."""
    buckets = [{s: 0.0 for s in PIPELINE_STATUSES} for _ in targets]
    untimed = outside = 0.0
    for cell in grid.cells.values():
        if not cell.counts:
            continue
        if cell.when is None:
            untimed += cell.counts
            continue
        index = next(
            (i for i, t in enumerate(targets) if t.start_date <= cell.when <= t.end_date), None
        )
        if index is None:
            outside += cell.counts
        else:
            buckets[index][cell.status] += cell.counts
    periods = [PeriodPipeline(t, b) for t, b in zip(targets, buckets, strict=True)]
    return PipelineByPeriod(periods, untimed, outside)


def suggested_opportunities(
    catalogue: Catalogue | None,
    opportunities: list[Opportunity],
    solution_id: str,
    linked_ids: set[str],
) -> list[Opportunity]:
    """Unlinked opportunities whose name or description suggests the solution."""
    if catalogue is None:
        return []
    found = []
    for opp in opportunities:
        if opp.id in linked_ids:
            continue
        text = f"{opp.name} {opp.description or ''}"
        if any(s.id == solution_id for s in catalogue.suggest(text)):
            found.append(opp)
    return found


def load_grid(store: Any, registry: Any, plan: Any) -> Grid:
    """The grid of a stored plan, read through `store` (a Store)."""
    return build_grid(
        registry.get(plan.plan_type),
        registry.catalogue,
        store.divisions(plan.account_id, include_removed=True),
        store.potentials(plan.id),
        store.opportunities(plan.account_id),
    )


def opportunity_state(opp: Opportunity) -> str:
    """'won', 'lost' or 'open'."""
    if opp.is_won:
        return "won"
    return "lost" if opp.is_closed else "open"
