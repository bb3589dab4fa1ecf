"""Potentials tile in Voila: opening a 20 x 40 grid, and an edit reaching the totals.

Setup (in a temporary folder; the script stops with a non-zero code when any of it fails):
  - a plan-types folder: the shipped catalogue padded to 4 families x 10 solutions (the real
    solutions keep their keywords, so opportunity suggestions work as in production) and one
    plan type, `benchmark`, that allows all 40 and has every tile on; checked with
    planning_kit.plan_types.load_plan_types;
  - a SQLite database with the sample data (`planning-kit setup`), 20 divisions on United Oil and
    a `benchmark` plan with 150 non-empty cells (potential, current, won, blocked and noted white
    space; amounts, quarters and dates; three linked opportunities) and three revenue targets.
Then Voila serves the launchpad with the same command line as `planning-kit serve`
(planning_kit.cli.voila_command: the project's voila.json, port_retries=0) on a free port, with
Jupyter's folders in the temporary folder; readiness is probed with a static file.

Each run opens `?account=<id>&plan=<id>` in a fresh Chromium context, waits until the launchpad is
usable and the machine is quiet again (Voila refills its preheated kernel after every page), and
measures, in alternating order (odd runs: grid first):
  baseline  click the Insight Map tile (a "Coming soon" tile) until `.pk-coming-soon` is visible;
  grid      click the Potentials tile until all 800 `td.pk-cell` and the totals line
            (`.pk-potentials-line`) are visible;
  edit      (5 per run, while the grid is open) click a cell, wait for the panel, type an amount
            into `.pk-potentials-amount input`, then time from the Enter keydown until the text
            of `.pk-potentials-line` changes.

Method: before each action, page.evaluate arms a probe in the page: a capturing listener that
takes performance.now() when the real click / Enter keydown (sent by Playwright) reaches the
page, a MutationObserver plus a requestAnimationFrame poll that evaluate the end condition, and a
PerformanceObserver that adds up long tasks (main thread busy > 50 ms). Playwright then performs
the action and waits for the probe to finish; its own round trips fall outside the measured
interval. Two end times are kept: `dom` (the condition first holds; visibility is checked with
getBoundingClientRect, so layout is included) and `frame` (the first frame after it: the next
requestAnimationFrame, then a message-channel task, i.e. after that frame's style, layout and
paint). Targets are judged on `frame`. The grid probe also notes when the grid widget's element
appears and when all 800 cells are in the DOM; the edit probe notes when the grid's table is
redrawn (the kernel sends the whole grid again before the totals). `data-render-ms` (the grid's
own JavaScript drawing time) and the websocket bytes the page receives (DevTools protocol) are
reported alongside.

With --profile (automatic when a target is missed), a child process on a copy of the database
repeats the same clicks in plain Python (no kernel, no browser: comm messages are not sent) and
prints where the kernel-side time goes.

Run: .venv/bin/python benchmarks/potentials.py [--runs 7] [--edits 5] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from _voila import CHROMIUM_ARGS, ROOT, free_port, jupyter_env, wait_ready

sys.path.insert(0, str(ROOT))  # run from anywhere with the project's venv

ACCOUNT_ID = "001bm00001ZL8UEAA1"  # United Oil & Gas Corp. in the sample data
PLAN_TYPE = "benchmark"
FAMILIES, PER_FAMILY = 4, 10
DIVISIONS = 20
NON_EMPTY = 150
TIMEOUT_MS = 120_000
GRID_TARGET_RATIO = 2.0
EDIT_TARGET_MS = 150.0
DIVISION_NAMES = [
    "Refining North",
    "Refining South",
    "Upstream Texas",
    "Upstream Alaska",
    "Offshore Gulf",
    "Pipelines East",
    "Pipelines West",
    "Petrochemicals",
    "Lubricants",
    "Retail Fuel",
    "Aviation Fuel",
    "Marine Terminals",
    "LNG Export",
    "Gas Processing",
    "Renewables",
    "Trading Desk",
    "Corporate IT",
    "Research Center",
    "Logistics Fleet",
    "Headquarters",
]
EXTRA_FAMILY = {
    "id": "power_quality",
    "title": "Power Quality",
    "description": "Keeping the power clean and steady once it is there.",
}
# A few real United Oil opportunities, linked to cells the benchmark never edits.
LINKS = [
    "006bm00000LKJNOAA5",  # Office Portable Generators: open, $125k
    "006bm00000LKJNjAAP",  # Emergency Generators: closed won, $440k
    "006bm00000LKJNbAAP",  # Installations: closed lost, $270k
]
TARGETS = [
    ("FY27 Q1", date(2027, 1, 1), date(2027, 3, 31), 8_000_000),
    ("FY27 Q2", date(2027, 4, 1), date(2027, 6, 30), 9_000_000),
    ("FY27 Q3", date(2027, 7, 1), date(2027, 9, 30), 10_000_000),
]
# (row, column) of the cells the runs edit: potential cells spread over the grid.
EDIT_CELLS = [(1, 2), (6, 11), (10, 19), (14, 27), (18, 36)]

# ---------------------------------------------------------------------------- in-page probe

ARM_JS = r"""
(spec) => {
  const visible = (el) => {
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const lineText = () => {
    const el = document.querySelector(".pk-potentials-line");
    return el ? el.textContent : null;
  };
  const gridTable = () => document.querySelector(".pk-potentials-grid table.pk-grid");
  const oldTable = gridTable();
  const probe = {
    start: null, dom: null, frame: null, marks: {}, busy: 0, longTasks: 0,
    before: lineText(), after: null, renderMs: null,
  };
  const cellsIn = () => document.querySelectorAll(".pk-potentials-grid td.pk-cell");
  const marks = {
    baseline: {},
    grid: {
      view: () => document.querySelector(".pk-potentials-grid") !== null,
      cells: () => cellsIn().length === spec.cells,
    },
    edit: { grid: () => { const t = gridTable(); return t !== null && t !== oldTable; } },
  }[spec.kind];
  const done = {
    // Every tile the plan allows is prepared, hidden: only the one shown counts.
    baseline: () => Array.from(document.querySelectorAll(".pk-coming-soon")).some(visible),
    // Every cell in the DOM, the table and the totals line shown. No rule hides a single
    // cell, so the first and the last cell stand for all: measuring each of 800 cells would
    // add the probe's own work (a style read per cell) to the figure.
    grid: () => {
      const cells = cellsIn();
      if (cells.length !== spec.cells) return false;
      if (!visible(document.querySelector(".pk-potentials-line"))) return false;
      return visible(gridTable()) && visible(cells[0]) && visible(cells[cells.length - 1]);
    },
    edit: () => { const text = lineText(); return text !== null && text !== probe.before; },
  }[spec.kind];
  const tasks = [];
  let longTaskObserver = null;
  try {
    longTaskObserver = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
    longTaskObserver.observe({ type: "longtask" });
  } catch (e) { /* no long-task timing in this browser */ }
  const observer = new MutationObserver(() => tick());
  function finish() {
    probe.after = lineText();
    const table = gridTable();
    probe.renderMs = table ? Number(table.dataset.renderMs) : null;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        probe.frame = performance.now();
        if (longTaskObserver) {
          for (const entry of longTaskObserver.takeRecords()) tasks.push(entry);
          longTaskObserver.disconnect();
        }
        for (const t of tasks) {
          const from = Math.max(t.startTime, probe.start);
          const to = Math.min(t.startTime + t.duration, probe.frame);
          if (to > from) { probe.busy += to - from; probe.longTasks += 1; }
        }
      };
      channel.port2.postMessage(null);
    });
  }
  function tick() {
    if (probe.start === null || probe.dom !== null) return;
    const now = performance.now();
    for (const [name, test] of Object.entries(marks)) {
      if (!(name in probe.marks) && test()) probe.marks[name] = now;
    }
    if (done()) {
      probe.dom = performance.now();
      observer.disconnect();
      finish();
    }
  }
  function poll() {
    if (probe.dom !== null) return;
    tick();
    requestAnimationFrame(poll);
  }
  function trigger(event) {
    if (probe.start !== null) return;
    if (spec.key && event.key !== spec.key) return;
    const target = event.target;
    if (!(target instanceof Element) || !target.closest(spec.target)) return;
    probe.start = performance.now();
    window.removeEventListener(spec.event, trigger, true);
    observer.observe(document.body, {
      childList: true, subtree: true, attributes: true, characterData: true,
    });
    requestAnimationFrame(poll);
  }
  window.__pkProbe = probe;
  window.addEventListener(spec.event, trigger, true);
  return probe.before;
}
"""
PROBE_DONE_JS = "() => window.__pkProbe && window.__pkProbe.frame !== null"
LAUNCHPAD_READY_JS = """() => {
  const button = document.querySelector("button.pk-launchpad-tile-potentials");
  const line = document.querySelector(".pk-launchpad-tile-line-potentials");
  if (!button || button.disabled) return false;
  const box = button.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && !!line && line.textContent.includes("white space");
}"""
# Once the launchpad is usable, the page prepares the plan's tiles, hidden, when the browser is
# idle: milliseconds until the Potentials grid is in the DOM (-1 when it never is).
PREPARED_JS = """(cells) => new Promise((resolve) => {
  const started = performance.now();
  const check = () => {
    const found = document.querySelectorAll(".pk-potentials-grid td.pk-cell").length;
    if (found === cells) resolve(performance.now() - started);
    else if (performance.now() - started > 60000) resolve(-1);
    else requestAnimationFrame(check);
  };
  check();
})"""
PANEL_READY_JS = """([row, col, title]) => {
  const panel = document.querySelector(".pk-potentials-panel");
  const head = document.querySelector(".pk-potentials-panel-title");
  const cell = document.querySelector(
    `.pk-potentials-grid td.pk-cell-selected[data-row="${row}"][data-col="${col}"]`);
  if (!panel || !head || !cell) return false;
  const box = panel.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && head.textContent.includes(title);
}"""
ERRORS_JS = """() => Array.from(
  document.querySelectorAll(".pk-status-error, .pk-app-error, .pk-potentials-message-error"),
  (el) => el.textContent.trim()).filter((text) => text)"""


# ---------------------------------------------------------------------------- setup


@dataclass
class Fixture:
    """What the benchmark set up: where, and which cells it edits."""

    database_url: str
    plan_types: Path
    account_id: str
    plan_id: int
    rows: list[str]
    columns: list[tuple[str, str]]  # (solution id, title)
    edit_cells: list[tuple[int, int]]
    cells: int
    non_empty: int


class SetupError(RuntimeError):
    """The benchmark could not prepare its data or its server."""


def write_plan_types(folder: Path) -> Any:
    """Write a catalogue of 4 x 10 solutions and one plan type allowing them all; validate."""
    import yaml

    from planning_kit.plan_types import TILE_IDS, load_plan_types

    shipped = load_plan_types(ROOT / "plan_types")
    if shipped.catalogue is None:
        raise SetupError(f"the shipped catalogue does not load: {shipped.problems}")
    families = [f.model_dump(exclude_defaults=True) for f in shipped.catalogue.families]
    families = families[: FAMILIES - 1] + [{**EXTRA_FAMILY, "solutions": []}]
    for number, family in enumerate(families, start=1):
        family["solutions"] = family["solutions"][:PER_FAMILY]
        while len(family["solutions"]) < PER_FAMILY:
            n = len(family["solutions"]) + 1
            family["solutions"].append(
                {
                    "id": f"{family['id']}_extra_{n:02d}",
                    "title": f"{family['title'].split()[0]} Option {number}.{n:02d}",
                    "description": f"Benchmark solution {n} of the {family['title']} family.",
                    "keywords": [f"bench{number}x{n:02d}"],
                }
            )
    catalogue_text = yaml.safe_dump({"families": families}, sort_keys=False, allow_unicode=True)
    (folder / "solutions.yaml").write_text(catalogue_text, encoding="utf-8")
    solution_ids = [s["id"] for f in families for s in f["solutions"]]
    plan_type = {
        "id": PLAN_TYPE,
        "title": "Benchmark",
        "summary": "Every solution and every tile, for the Potentials benchmark.",
        "tiles": {tile: {"enabled": True} for tile in TILE_IDS},
        "solutions": solution_ids,
        "sections": [
            {
                "id": "basics",
                "title": "Basics",
                "questions": [
                    {
                        "id": "budget_owner",
                        "text": "Do we know who owns the budget?",
                        "options": [
                            {"id": "engaged", "label": "Yes, met", "score": "positive"},
                            {"id": "known", "label": "Known, not met", "score": "neutral"},
                            {"id": "unknown", "label": "Unknown", "score": "negative"},
                        ],
                    }
                ],
            }
        ],
    }
    (folder / f"{PLAN_TYPE}.yaml").write_text(
        yaml.safe_dump(plan_type, sort_keys=False), encoding="utf-8"
    )
    registry = load_plan_types(folder)
    if registry.problems:
        raise SetupError(
            "the benchmark's plan types have problems:\n"
            + "\n".join(f"  {p}" for p in registry.problems)
        )
    if list(registry.types) != [PLAN_TYPE] or registry.catalogue is None:
        raise SetupError(f"expected one plan type {PLAN_TYPE!r}, got {list(registry.types)}")
    count = len(registry.catalogue.solutions())
    allowed = len(registry.get(PLAN_TYPE).solutions)
    if count != FAMILIES * PER_FAMILY or allowed != count:
        raise SetupError(f"catalogue has {count} solutions, the type allows {allowed}")
    return registry


def _amount(rng: random.Random) -> float:
    """A planned amount from $25k to $2M, log-uniform, rounded to $5k."""
    return round(25_000 * (80 ** rng.random()) / 5_000) * 5_000


def _timing(rng: random.Random) -> str | None:
    """Mostly quarters and dates inside the target periods; some outside; some none."""
    pick = rng.random()
    if pick < 0.15:
        return None
    if pick < 0.65:
        return f"2027-Q{rng.randint(1, 4)}"
    return date(2027, rng.randint(1, 12), rng.randint(1, 28)).isoformat()


def build_database(database_url: str, registry: Any, plan_types: Path) -> Fixture:
    """Sample data, 20 divisions, a benchmark plan with 150 non-empty cells and 3 targets."""
    from planning_kit.cli import main as cli_main
    from planning_kit.model import RevenueTarget
    from planning_kit.potentials import columns_for
    from planning_kit.store import Store

    code = cli_main(["setup", "--database", database_url])
    if code != 0:
        raise SetupError(f"planning-kit setup exited with {code}")
    store = Store(database_url)
    try:
        if store.get_account(ACCOUNT_ID) is None:
            raise SetupError(f"the sample data has no account {ACCOUNT_ID}")
        existing = store.divisions(ACCOUNT_ID, include_removed=True)
        if existing:
            raise SetupError(f"the sample account already has {len(existing)} divisions")
        divisions = [store.add_division(ACCOUNT_ID, name, who="bench") for name in DIVISION_NAMES]
        plan = store.create_plan(ACCOUNT_ID, PLAN_TYPE, "United Oil – Benchmark", who="bench")
        columns = columns_for(registry.get(PLAN_TYPE), registry.catalogue)
        rng = random.Random(20270101)
        edit = set(EDIT_CELLS)
        others = [
            (r, c) for r in range(DIVISIONS) for c in range(len(columns)) if (r, c) not in edit
        ]
        chosen = rng.sample(others, NON_EMPTY - len(EDIT_CELLS))
        statuses = (
            ["potential"] * 55
            + ["current"] * 30
            + ["won"] * 20
            + ["blocked"] * 15
            + ["whitespace"] * 25
        )
        assert len(statuses) == len(chosen)
        rng.shuffle(statuses)
        version = plan.version
        cells = [(cell, status) for cell, status in zip(chosen, statuses, strict=True)]
        cells += [(cell, "edit") for cell in EDIT_CELLS]
        for (r, c), status in cells:
            fields: dict[str, Any] = {"status": status, "notes": ""}
            if status == "edit":
                fields.update(status="potential", amount=300_000, timing="2027-Q2")
            elif status in ("potential", "current", "won"):
                fields["amount"] = _amount(rng) if rng.random() > 0.1 else None
                fields["timing"] = _timing(rng)
            elif status == "blocked":
                fields["blocked_reason"] = "Competitor under contract until 2028-06"
            else:
                fields["timing"] = _timing(rng)
            if status == "whitespace" or rng.random() < 0.3:
                fields["notes"] = "Raised with the site manager; follow up after the audit."
            plan, _cell = store.set_potential(
                plan.id, version, divisions[r].id, columns[c].solution_id, who="bench", **fields
            )
            version = plan.version
        linkable = [(cell, s) for cell, s in cells if s in ("potential", "current")]
        known = {o.id for o in store.opportunities(ACCOUNT_ID)}
        for ((r, c), _status), opportunity in zip(linkable, LINKS, strict=False):
            if opportunity in known:
                plan, _cell = store.link_opportunity(
                    plan.id, version, divisions[r].id, columns[c].solution_id, opportunity, who="b"
                )
                version = plan.version
        for label, start, end, amount in TARGETS:
            target = RevenueTarget(
                plan_id=plan.id, label=label, start_date=start, end_date=end, amount=amount
            )
            plan, _target = store.set_revenue_target(plan.id, version, target, who="bench")
            version = plan.version
        non_empty = sum(1 for p in store.potentials(plan.id) if not p.is_empty)
        if non_empty != NON_EMPTY:
            raise SetupError(f"expected {NON_EMPTY} non-empty cells, the plan has {non_empty}")
        return Fixture(
            database_url=database_url,
            plan_types=plan_types,
            account_id=ACCOUNT_ID,
            plan_id=plan.id,
            rows=[d.name for d in divisions],
            columns=[(col.solution_id, col.title) for col in columns],
            edit_cells=list(EDIT_CELLS),
            cells=len(divisions) * len(columns),
            non_empty=non_empty,
        )
    finally:
        store.close()


def server_env(tmp: Path, fixture: Fixture) -> dict[str, str]:
    """The environment: Jupyter's folders inside tmp, and the benchmark's data."""
    env = jupyter_env(tmp)
    env["PLANNING_KIT_DATABASE_URL"] = fixture.database_url
    env["PLANNING_KIT_PLAN_TYPES"] = str(fixture.plan_types)
    env["PLANNING_KIT_USER"] = "benchmark"
    return env


def start_voila(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """Start Voila as `planning-kit serve` does, on a free port; wait for a static file."""
    from planning_kit.cli import voila_command

    port = free_port()
    command = voila_command(port, "127.0.0.1")
    if "--Voila.port_retries=0" not in command:
        command.append("--Voila.port_retries=0")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its kernels share the group: all stopped at the end
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_ready(base, process, log, timeout=90)
    except RuntimeError as exc:
        stop_voila(process)
        raise SetupError(str(exc)) from None
    return process, base


def stop_voila(process: subprocess.Popen) -> None:
    """Stop Voila, then anything left in its process group (its kernels)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
        time.sleep(0.5)
        os.killpg(process.pid, signal.SIGKILL)


def cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return values[3] + values[4], sum(values)


# How often wait_quiet found the machine quiet, and the load averages seen at each run.
MACHINE: dict[str, list] = {"quiet": [], "load": []}


def wait_quiet(limit: float = 30.0, idle: float = 0.85, window: float = 0.5) -> bool:
    """Wait until the machine is idle for two windows in a row (e.g. Voila refilled its
    preheated kernel); False when `limit` seconds passed first (other work on the machine).
    Sleeps `window` where /proc is missing."""
    if not Path("/proc/stat").exists():
        time.sleep(window)
        return True
    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < limit:
        idle0, total0 = cpu_times()
        time.sleep(window)
        idle1, total1 = cpu_times()
        quiet = quiet + 1 if (idle1 - idle0) / max(total1 - total0, 1) >= idle else 0
        if quiet >= 2:
            MACHINE["quiet"].append(True)
            return True
    MACHINE["quiet"].append(False)
    return False


# ---------------------------------------------------------------------------- measuring


@dataclass
class Probe:
    """One measured interaction, in milliseconds from the click or keydown."""

    frame: float
    dom: float
    marks: dict[str, float]
    busy: float
    long_tasks: int
    render_ms: float | None
    ws_bytes: int
    before: str | None
    after: str | None


@dataclass
class Results:
    """Every measurement of every run."""

    baseline: list[Probe] = field(default_factory=list)
    grid: list[Probe] = field(default_factory=list)
    edit: list[Probe] = field(default_factory=list)
    prepared: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Socket:
    """Websocket bytes the page receives (DevTools protocol), counted between resets."""

    def __init__(self, context: Any, page: Any) -> None:
        self.bytes = 0
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _frame(self, event: dict) -> None:
        self.bytes += len(event["response"].get("payloadData", "").encode())

    def reset(self) -> None:
        """Start counting again."""
        self.bytes = 0


def measure(page: Any, ws: Socket, spec: dict, action: Callable[[], None]) -> Probe:
    """Arm the in-page probe, run the action, wait for the probe; milliseconds from the event."""
    page.evaluate(ARM_JS, spec)
    ws.reset()
    action()
    page.wait_for_function(PROBE_DONE_JS, timeout=TIMEOUT_MS, polling=100)
    raw = page.evaluate("() => window.__pkProbe")
    start = raw["start"]
    return Probe(
        frame=raw["frame"] - start,
        dom=raw["dom"] - start,
        marks={k: v - start for k, v in raw["marks"].items()},
        busy=raw["busy"],
        long_tasks=raw["longTasks"],
        render_ms=raw["renderMs"],
        ws_bytes=ws.bytes,
        before=raw["before"],
        after=raw["after"],
    )


def check_page(page: Any, where: str) -> None:
    """Fail the run when the page shows an error."""
    errors = page.evaluate(ERRORS_JS)
    body = page.inner_text("body")
    if errors or "Traceback" in body:
        raise RuntimeError(f"{where}: the page shows an error: {errors or body[-1500:]}")


def settle(page: Any, pause_ms: int = 300) -> None:
    """Let the kernel finish what the last action started, then wait for a quiet machine."""
    page.wait_for_timeout(pause_ms)
    wait_quiet(limit=10)


def back_to_launchpad(page: Any) -> None:
    """Click Back and wait until the launchpad's tiles are usable again."""
    page.click("button.pk-launchpad-back", timeout=TIMEOUT_MS)
    page.wait_for_function(LAUNCHPAD_READY_JS, timeout=TIMEOUT_MS, polling=50)
    settle(page)


def edit_amount(run: int, edit: int) -> float:
    """The amount of an edit: 1M apart from the cell's previous value, so the totals change."""
    return 1_000_000 * (1 + (run + edit) % 2) + 250_000 * edit


def do_edits(page: Any, ws: Socket, fixture: Fixture, run: int, count: int) -> list[Probe]:
    """Edit `count` cells' amounts; time each Enter until the totals line changes."""
    probes = []
    for index in range(count):
        row, col = fixture.edit_cells[index % len(fixture.edit_cells)]
        title = f"{fixture.rows[row]} × {fixture.columns[col][1]}"
        page.click(f".pk-potentials-grid td.pk-cell[data-row='{row}'][data-col='{col}']")
        page.wait_for_function(PANEL_READY_JS, arg=[row, col, title], timeout=TIMEOUT_MS)
        settle(page)
        amount = page.locator(".pk-potentials-panel .pk-potentials-amount input")
        amount.fill(f"{edit_amount(run, index) / 1e6:g}M")
        spec = {
            "kind": "edit",
            "event": "keydown",
            "key": "Enter",
            "target": ".pk-potentials-amount input",
        }
        probe = measure(page, ws, spec, lambda a=amount: a.press("Enter"))
        page.locator(".pk-potentials-message").filter(has_text="Saved").wait_for(timeout=TIMEOUT_MS)
        probe.render_ms = page.evaluate(
            "() => Number(document.querySelector('.pk-potentials-grid table.pk-grid')"
            "?.dataset.renderMs)"
        )
        probes.append(probe)
        settle(page)
    return probes


def one_run(browser: Any, base: str, fixture: Fixture, run: int, edits: int) -> dict:
    """One fresh page: baseline and grid in the run's order, then the edits."""
    MACHINE["load"].append(os.getloadavg()[0])
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    ws = Socket(context, page)
    out: dict[str, Any] = {}
    try:
        page.goto(f"{base}?account={fixture.account_id}&plan={fixture.plan_id}", timeout=TIMEOUT_MS)
        page.wait_for_function(LAUNCHPAD_READY_JS, timeout=TIMEOUT_MS, polling=50)
        out["prepared"] = page.evaluate(PREPARED_JS, fixture.cells)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        check_page(page, "launchpad")
        wait_quiet()

        def baseline() -> None:
            spec = {
                "kind": "baseline",
                "event": "click",
                "target": "button.pk-launchpad-tile-insight_map",
            }
            out["baseline"] = measure(
                page, ws, spec, lambda: page.click("button.pk-launchpad-tile-insight_map")
            )
            check_page(page, "insight map")
            settle(page)
            back_to_launchpad(page)

        def grid() -> None:
            spec = {
                "kind": "grid",
                "event": "click",
                "target": "button.pk-launchpad-tile-potentials",
                "cells": fixture.cells,
            }
            out["grid"] = measure(
                page, ws, spec, lambda: page.click("button.pk-launchpad-tile-potentials")
            )
            check_page(page, "potentials")
            settle(page, 1000)
            out["edit"] = do_edits(page, ws, fixture, run, edits)
            check_page(page, "potentials after edits")
            back_to_launchpad(page)

        for step in (baseline, grid) if run % 2 == 0 else (grid, baseline):
            step()
        return out
    finally:
        context.close()


# ---------------------------------------------------------------------------- reporting


def stats(values: list[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)


def print_row(name: str, values: list[float], dom: list[float] | None = None) -> None:
    """One line of the table."""
    med, low, high = stats(values)
    extra = f"{statistics.median(dom):>10.0f}" if dom else f"{'':>10}"
    print(f"{name:<30}{len(values):>4}{med:>9.0f}{low:>9.0f}{high:>9.0f}{extra}")


def detail(where: str, text: str, value: float, unit: str = "", places: int = 0) -> None:
    """One breakdown line."""
    print(f"  {where:<11}{text:<34}{value:>9,.{places}f}{unit}")


def report(results: Results, fixture: Fixture) -> tuple[bool, bool]:
    """Print the figures and the targets; returns (grid target met, edit target met)."""
    base, grid, edit = results.baseline, results.grid, results.edit
    print()
    print(
        f"Grid: {len(fixture.rows)} divisions x {len(fixture.columns)} solutions = "
        f"{fixture.cells} cells, {fixture.non_empty} non-empty, {len(TARGETS)} revenue targets"
    )
    print(
        f"{'ms (click/Enter -> next frame)':<30}{'n':>4}{'median':>9}{'min':>9}{'max':>9}"
        f"{'dom med':>10}"
    )
    print_row("baseline open (Insight Map)", [p.frame for p in base], [p.dom for p in base])
    print_row("grid open (Potentials)", [p.frame for p in grid], [p.dom for p in grid])
    print_row("edit -> totals line", [p.frame for p in edit], [p.dom for p in edit])
    print()
    print("breakdown (medians; ms from the click or Enter unless said):")
    med = statistics.median
    for mark, text in (("view", "grid widget element appears"), ("cells", "all cells in DOM")):
        values = [p.marks[mark] for p in grid if mark in p.marks]
        if values:
            detail("grid open:", text, med(values))
    renders = [p.render_ms for p in grid if p.render_ms]
    if renders:
        detail("grid open:", "data-render-ms (JS table build)", med(renders), places=1)
    detail("grid open:", "long tasks (main thread busy)", med(p.busy for p in grid))
    detail("grid open:", "websocket bytes received", med(p.ws_bytes for p in grid), " B")
    prepared = [ms for ms in results.prepared if ms >= 0]
    if prepared:
        detail("launchpad:", "tiles prepared after usable", med(prepared))
    if len(prepared) < len(results.prepared):
        print(
            f"  launchpad: the tiles were not prepared in {len(results.prepared) - len(prepared)}"
            " run(s): the grid was built on the click"
        )
    detail("baseline:", "long tasks (main thread busy)", med(p.busy for p in base))
    detail("baseline:", "websocket bytes received", med(p.ws_bytes for p in base), " B")
    values = [p.marks["grid"] for p in edit if "grid" in p.marks]
    if values:
        detail("edit:", "grid table redrawn", med(values))
    renders = [p.render_ms for p in edit if p.render_ms]
    if renders:
        detail("edit:", "data-render-ms (JS table build)", med(renders), places=1)
    detail("edit:", "long tasks (main thread busy)", med(p.busy for p in edit))
    detail("edit:", "websocket bytes while measured", med(p.ws_bytes for p in edit), " B")
    print()
    print("per run (frame ms): baseline " + ", ".join(f"{p.frame:.0f}" for p in base))
    print("                    grid     " + ", ".join(f"{p.frame:.0f}" for p in grid))
    print("                    edit     " + ", ".join(f"{p.frame:.0f}" for p in edit))
    ratio = statistics.median(p.frame for p in grid) / statistics.median(p.frame for p in base)
    edit_ms = statistics.median(p.frame for p in edit)
    grid_ok, edit_ok = ratio <= GRID_TARGET_RATIO, edit_ms <= EDIT_TARGET_MS
    print()
    print(
        f"grid/baseline open ratio (medians): {ratio:.2f}  target <= {GRID_TARGET_RATIO:g}  "
        f"{'PASS' if grid_ok else 'MISS'}"
    )
    print(
        f"edit -> totals median: {edit_ms:.0f} ms  target <= {EDIT_TARGET_MS:.0f} ms  "
        f"{'PASS' if edit_ok else 'MISS'}"
    )
    quiet, loads = MACHINE["quiet"], MACHINE["load"]
    if quiet and loads:
        print(
            f"machine: {os.cpu_count()} CPUs; quiet (>= 85% idle) before {sum(quiet)} of "
            f"{len(quiet)} waits; 1-minute load average at run starts "
            f"{min(loads):.1f}-{max(loads):.1f}"
        )
        if sum(quiet) < len(quiet):
            print("  other processes were using the CPUs: the figures are noisier and slower")
    if results.failures:
        print(f"\n{len(results.failures)} run(s) failed and are not counted:")
        for failure in results.failures:
            print(f"  {failure}")
    return grid_ok, edit_ok


# ---------------------------------------------------------------------------- Python profile


class Timers:
    """Wall time of named calls (inclusive), for the child profile."""

    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = {}

    def wrap(self, owner: Any, name: str, label: str | None = None) -> None:
        """Replace owner.name by a timed copy."""
        inner = getattr(owner, name)
        key = label or name
        timers = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            timers.calls.setdefault(key, [])  # report in the order calls start
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                timers.calls.setdefault(key, []).append((time.perf_counter() - started) * 1000)

        setattr(owner, name, timed)

    def take(self) -> dict[str, tuple[int, float]]:
        """{label: (calls, total ms)} since the last take."""
        out = {k: (len(v), sum(v)) for k, v in self.calls.items()}
        self.calls = {}
        return out


def profile_child(plan_id: int, mode: str) -> dict[str, Any]:
    """In a fresh process: open the tiles and edit a cell as the browser would, timed.

    mode "cold": the first Potentials open in a kernel that did not preheat; "preheated": the
    same after `import voila.utils`, which a preheated Voila kernel has done (page_query_string)
    and which loads jsonschema and nbformat; "warm": repeated opens, edits and a breakdown.
    """
    clock = time.perf_counter
    out: dict[str, Any] = {}
    if mode == "preheated":
        started = clock()
        import voila.utils  # noqa: F401

        out["voila_utils_ms"] = (clock() - started) * 1000
    started = clock()
    from planning_kit.plan_types import load_plan_types
    from planning_kit.store import Store
    from planning_kit.ui.launchpad import Launchpad  # imported while the kernel preheats

    out["preheat_imports_ms"] = (clock() - started) * 1000
    store, registry = Store(), load_plan_types()
    lp = Launchpad(store, registry, query=f"account={ACCOUNT_ID}&plan={plan_id}")
    if mode != "warm":
        t0 = clock()
        lp._on_tile("potentials")
        out["cold_open_ms"] = (clock() - t0) * 1000
        return out

    t0 = clock()
    import anywidget  # noqa: F401

    import planning_kit.ui.potentials as ui_potentials
    import planning_kit.ui.whitespace_grid as ui_grid

    out["import_ui_potentials_ms"] = (clock() - t0) * 1000
    t0 = clock()
    import plotly.graph_objects  # noqa: F401
    import plotly.io as pio

    go = sys.modules["plotly.graph_objects"]
    go.Figure()
    out["import_plotly_ms"] = (clock() - t0) * 1000
    t0 = clock()
    import plotly.io._renderers as renderers

    out["import_renderers_ms"] = (clock() - t0) * 1000

    # show() builds the kernel's mime bundle (plotly_mimetype) but displays nothing here.
    class _NoDisplay:
        @staticmethod
        def display(*_args: Any, **_kwargs: Any) -> None:
            return None

    renderers.ipython_display = _NoDisplay()
    pio.renderers.default = "plotly_mimetype"

    import planning_kit.ui.launchpad as ui_launchpad

    timers = Timers()
    timers.wrap(ui_launchpad.LaunchpadModel, "tiles", "launchpad tiles() (load_grid inside)")
    timers.wrap(ui_launchpad, "make_tile", "make_tile (a tile's view)")
    timers.wrap(ui_potentials.PotentialsTile, "_build_divisions", "  build divisions widgets")
    timers.wrap(ui_potentials.PotentialsTile, "_build_panel", "  build panel widgets")
    timers.wrap(ui_potentials.PotentialsTile, "_build_targets", "  build targets widgets")
    timers.wrap(ui_potentials.PotentialsTile, "refresh", "  refresh()")
    timers.wrap(ui_potentials.PotentialsModel, "grid", "    model.grid() (load_grid)")
    timers.wrap(ui_potentials, "grid_data", "    grid_data()")
    timers.wrap(ui_grid, "check_grid", "    check_grid() (trait validation)")
    timers.wrap(ui_potentials.PotentialsTile, "_show_summary", "    _show_summary()")
    timers.wrap(ui_potentials.PotentialsTile, "_show_divisions", "    _show_divisions()")
    timers.wrap(ui_potentials.PotentialsTile, "_show_targets", "    _show_targets()")
    timers.wrap(ui_potentials, "pipeline_figure", "      pipeline_figure()")
    timers.wrap(pio, "show", "      figure.show() (mime bundle)")
    timers.wrap(ui_potentials.PotentialsTile, "_show_cell", "    _show_cell()")
    timers.wrap(ui_potentials.PotentialsModel, "link_choices", "      link_choices()")
    timers.wrap(ui_potentials.PotentialsModel, "save_cell", "  model.save_cell()")

    def timed(action: Callable[[], Any]) -> tuple[float, dict[str, tuple[int, float]]]:
        timers.take()
        t0 = clock()
        action()
        return (clock() - t0) * 1000, timers.take()

    def built(tile: str) -> Callable[[], None]:
        def action() -> None:
            lp._drop_views()  # as when the tile is clicked before it was prepared
            lp._on_tile(tile)

        return action

    builds, opens, baselines = [], [], []
    for _ in range(6):
        builds.append(timed(built("potentials")))
        lp._on_back()
    for _ in range(6):
        opens.append(timed(lambda: lp._on_tile("potentials")))
        lp._on_back()
    for _ in range(6):
        baselines.append(timed(lambda: lp._on_tile("insight_map")))
        lp._on_back()
    lp._drop_views()
    prepares = []
    for _ in range(4):
        prepares.append(timed(lp.prepare_tiles))
        lp._drop_views()
    lp._on_tile("potentials")
    tile = lp._tile_view
    grid = tile._grid
    payload = len(json.dumps(ui_potentials.grid_data(grid)))
    row, col = EDIT_CELLS[0]
    tile.select(grid.rows[row].key, grid.columns[col].solution_id)
    edits = []
    for index in range(6):
        edits.append(timed(lambda i=index: setattr(tile._amount, "value", f"{1 + i % 2}.1M")))
    selects = [
        timed(lambda: tile.select(grid.rows[row].key, grid.columns[col].solution_id))
        for _ in range(5)
    ]

    def summary(samples: list[tuple[float, dict]]) -> dict[str, Any]:
        warm = samples[1:]  # the first one still warms caches
        parts: dict[str, list[float]] = {}
        for _total, calls in warm:
            for key, (_n, ms) in calls.items():
                parts.setdefault(key, []).append(ms)
        return {
            "first_ms": samples[0][0],
            "median_ms": statistics.median(total for total, _ in warm),
            "parts": {k: statistics.median(v) for k, v in parts.items()},
            "order": list(samples[-1][1]),
        }

    out.update(
        build=summary(builds),
        open=summary(opens),
        baseline=summary(baselines),
        prepare=summary(prepares),
        edit=summary(edits),
        select=summary(selects),
        grid_payload_bytes=payload,
    )
    return out


def run_profile(fixture: Fixture, tmp: Path) -> None:
    """Run the child profiles on a copy of the database and print them."""
    path = Path(fixture.database_url.removeprefix("sqlite:///"))
    copy = tmp / "profile.sqlite"
    shutil.copyfile(path, copy)
    env = dict(os.environ)
    env.update(
        PLANNING_KIT_DATABASE_URL=f"sqlite:///{copy}",
        PLANNING_KIT_PLAN_TYPES=str(fixture.plan_types),
        PLANNING_KIT_USER="benchmark",
        PLOTLY_RENDERER="plotly_mimetype",
    )
    found = {}
    for mode in ("cold", "preheated", "warm"):
        result = subprocess.run(
            [sys.executable, __file__, "--profile-child", str(fixture.plan_id), mode],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            print(f"profile ({mode}) failed:\n{result.stdout}\n{result.stderr}")
            return
        found[mode] = json.loads(result.stdout.strip().splitlines()[-1])
    cold, preheated, warm = found["cold"], found["preheated"], found["warm"]
    print()
    print("Python side, plain Python (no kernel: comm messages are built but not sent):")
    print(f"  first Potentials open, as in a preheated kernel {preheated['cold_open_ms']:>7.0f} ms")
    print(f"  first Potentials open, kernel without preheat   {cold['cold_open_ms']:>7.0f} ms")
    print(
        f"    first-use imports: planning_kit.ui.potentials + anywidget "
        f"{warm['import_ui_potentials_ms']:.0f} ms; plotly.graph_objects + first Figure "
        f"{warm['import_plotly_ms']:.0f} ms;"
    )
    print(
        f"    plotly.io._renderers for figure.show() (nbformat, jsonschema) "
        f"{warm['import_renderers_ms']:.0f} ms, already paid in a preheated kernel "
        f"(import voila.utils: {preheated['voila_utils_ms']:.0f} ms)"
    )
    for name, title in (
        ("prepare", "all tiles prepared (browser idle)"),
        ("build", "Potentials open, not yet prepared"),
        ("open", "Potentials open, prepared"),
        ("baseline", "Insight Map open, prepared"),
        ("select", "cell click (select)"),
        ("edit", "amount edit (_on_field)"),
    ):
        part = warm[name]
        print(
            f"  {title:<40} first {part['first_ms']:>6.0f} ms, then median "
            f"{part['median_ms']:>6.0f} ms"
        )
        for key in part["order"]:
            if key in part["parts"]:
                print(f"      {key:<46}{part['parts'][key]:>8.1f} ms")
    print(f"  grid payload (grid_data as JSON)         {warm['grid_payload_bytes']:>8,} bytes")


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Set up, serve, measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured page loads (default 7)")
    parser.add_argument("--edits", type=int, default=5, help="edits per run (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="runs not counted (default 1)")
    parser.add_argument(
        "--profile", action="store_true", help="always print the Python-side profile"
    )
    parser.add_argument(
        "--profile-child", nargs=2, metavar=("PLAN", "MODE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.profile_child:
        plan, mode = args.profile_child
        print(json.dumps(profile_child(int(plan), mode)))
        return 0

    chromium = shutil.which("chromium")
    if chromium is None:
        print("Debian chromium is not on PATH: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="pk-bench-potentials-") as tmp_name:
        tmp = Path(tmp_name)
        log = tmp / "voila.log"
        try:
            folder = tmp / "plan_types"
            folder.mkdir()
            registry = write_plan_types(folder)
            fixture = build_database(f"sqlite:///{tmp / 'planning.sqlite'}", registry, folder)
            env = server_env(tmp, fixture)
            process, base = start_voila(env, log)
        except Exception as exc:  # noqa: BLE001 - setup failures end the benchmark
            traceback.print_exc()
            print(f"setup failed: {exc}", file=sys.stderr)
            return 1
        print(f"Voila on {base} (plan {fixture.plan_id}, {fixture.non_empty} non-empty cells)")
        results = Results()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    for run in range(args.warmup + args.runs):
                        counted = run >= args.warmup
                        label = f"run {run - args.warmup + 1}" if counted else f"warm-up {run + 1}"
                        try:
                            out = one_run(browser, base, fixture, run, args.edits)
                        except Exception as exc:  # noqa: BLE001 - report and go on
                            results.failures.append(f"{label}: {type(exc).__name__}: {exc}")
                            where = [
                                frame
                                for frame in traceback.extract_tb(exc.__traceback__)
                                if frame.filename == __file__
                            ]
                            print(f"{label}: FAILED {type(exc).__name__}: {exc}", flush=True)
                            print("".join(traceback.format_list(where)), flush=True)
                            continue
                        print(
                            f"{label}: baseline {out['baseline'].frame:.0f} ms, grid "
                            f"{out['grid'].frame:.0f} ms, edits "
                            + ", ".join(f"{e.frame:.0f}" for e in out["edit"])
                            + " ms",
                            flush=True,
                        )
                        if counted:
                            results.baseline.append(out["baseline"])
                            results.grid.append(out["grid"])
                            results.edit.extend(out["edit"])
                            results.prepared.append(out["prepared"])
                finally:
                    browser.close()
        finally:
            stop_voila(process)
        if not results.grid:
            print("no run succeeded; last lines of the Voila log:", file=sys.stderr)
            print("\n".join(log.read_text().splitlines()[-40:]), file=sys.stderr)
            return 1
        grid_ok, edit_ok = report(results, fixture)
        if args.profile or not (grid_ok and edit_ok):
            run_profile(fixture, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
