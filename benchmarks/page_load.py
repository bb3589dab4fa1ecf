"""Page load of the launchpad against a bare one-button notebook, both served by Voila.

Starts two Voila servers with the project's voila.json (same command line, same settings; one
serves notebooks/Launchpad.ipynb, the other a generated notebook that shows one ipywidgets
Button), then loads each page in headless Debian Chromium, alternating, with a fresh browser
context (cold cache) every time. It prints, for each page, the median time from navigation
until the page is usable and the bytes moved, and the launchpad/bare ratios (target <= 1.2).

Usable means:
  launchpad: `.pk-launchpad-search input` visible and enabled (falls back to the first
             `.jupyter-widgets` element when the launchpad has no such class yet; said in the
             output);
  bare:      the button visible.

Bytes are what Chromium reports via the DevTools protocol: `encodedDataLength` of every
finished HTTP request (headers + body as sent over the wire) plus websocket frame payloads
(widget state travels over the kernel websocket).

Run: .venv/bin/python benchmarks/page_load.py [--runs 5] [--launchpad PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from _voila import CHROMIUM_ARGS, ROOT, free_port, jupyter_env, wait_ready

LAUNCHPAD_USABLE = ".pk-launchpad-search input"
FALLBACK_USABLE = ".jupyter-widgets"
BARE_USABLE = "button.widget-button"
USABLE_JS = """(selector) => {
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && !el.disabled) return performance.now();
  }
  return false;
}"""


@dataclass
class Sample:
    """One page load: milliseconds to usable and bytes moved."""

    ms: float
    http_bytes: int
    ws_bytes: int
    requests: int

    @property
    def total_bytes(self) -> int:
        """HTTP plus websocket bytes."""
        return self.http_bytes + self.ws_bytes


@dataclass
class Page:
    """A page under test and its samples."""

    name: str
    url: str
    selector: str
    samples: list[Sample] = field(default_factory=list)


def write_bare_notebook(folder: Path) -> Path:
    """Write a notebook that shows one ipywidgets Button and return its path."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("import ipywidgets\n\nipywidgets.Button(description='Go')")
    ]
    path = folder / "Bare.ipynb"
    nbformat.write(nb, path)
    return path


def benchmark_env(tmp: Path) -> dict[str, str]:
    """The environment with Jupyter's folders and the database inside tmp."""
    env = jupyter_env(tmp)
    env.setdefault("PLANNING_KIT_DATABASE_URL", f"sqlite:///{tmp / 'planning.sqlite'}")
    return env


def set_up_database(env: dict[str, str]) -> None:
    """Run `planning-kit setup` against the benchmark's database when the command exists."""
    command = Path(sys.executable).with_name("planning-kit")
    if not command.exists() or importlib.util.find_spec("planning_kit.cli") is None:
        print("note: no planning-kit command; the launchpad runs without a prepared database")
        return
    subprocess.run([str(command), "setup"], env=env, cwd=ROOT, check=True)


def start_voila(
    notebook: Path, port: int, env: dict[str, str], log: Path, extra: list[str] = ()
) -> subprocess.Popen:
    """Start Voila on notebook from the project root so that voila.json applies."""
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--no-browser",
        *extra,
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def load_once(browser, page_spec: Page, selector: str, timeout_ms: float = 120_000) -> Sample:
    """Load a page in a fresh context and measure time to usable and bytes moved."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    counts = {"http": 0, "ws": 0, "requests": 0}

    def finished(event: dict) -> None:
        counts["http"] += int(event.get("encodedDataLength", 0))
        counts["requests"] += 1

    def frame(event: dict) -> None:
        counts["ws"] += len(event["response"].get("payloadData", "").encode())

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.webSocketFrameSent", frame)
    try:
        page.goto(page_spec.url, wait_until="commit", timeout=timeout_ms)
        handle = page.wait_for_function(USABLE_JS, arg=selector, polling=50, timeout=timeout_ms)
        ms = float(handle.json_value())
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        body = page.inner_text("body")
        if "Traceback" in body or "There was an error when executing cell" in body:
            raise RuntimeError(f"{page_spec.name} shows an error:\n{body[:2000]}")
        return Sample(ms, counts["http"], counts["ws"], counts["requests"])
    finally:
        context.close()


def choose_launchpad_selector(browser, launchpad: Page) -> str:
    """Use the launchpad's search box when it has one, else the first widget."""
    sample_selector = f"{LAUNCHPAD_USABLE}, {FALLBACK_USABLE}"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(launchpad.url, timeout=120_000)
        page.wait_for_function(USABLE_JS, arg=sample_selector, polling=50, timeout=120_000)
        page.wait_for_load_state("networkidle", timeout=120_000)
        if page.locator(LAUNCHPAD_USABLE).count():
            return LAUNCHPAD_USABLE
        print(f"note: no {LAUNCHPAD_USABLE!r} on the launchpad; usable = {FALLBACK_USABLE!r}")
        return FALLBACK_USABLE
    finally:
        context.close()


def report(launchpad: Page, bare: Page) -> None:
    """Print medians and ratios."""

    def med(page: Page, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in page.samples)

    print()
    print(
        f"{'page':<11}{'runs':>5}{'usable ms (median)':>20}{'HTTP bytes':>14}"
        f"{'WS bytes':>12}{'requests':>10}"
    )
    for page in (launchpad, bare):
        print(
            f"{page.name:<11}{len(page.samples):>5}{med(page, 'ms'):>20.0f}"
            f"{med(page, 'http_bytes'):>14,.0f}{med(page, 'ws_bytes'):>12,.0f}"
            f"{med(page, 'requests'):>10.0f}"
        )
    for page in (launchpad, bare):
        print(f"  {page.name} usable ms per run: " + ", ".join(f"{s.ms:.0f}" for s in page.samples))
    time_ratio = med(launchpad, "ms") / med(bare, "ms")
    byte_ratio = med(launchpad, "total_bytes") / med(bare, "total_bytes")
    print()
    print(f"time-to-usable ratio launchpad/bare: {time_ratio:.2f} (target <= 1.2)")
    print(f"bytes ratio launchpad/bare (HTTP+WS): {byte_ratio:.2f} (target <= 1.2)")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="loads per page (default 5)")
    parser.add_argument(
        "--pause",
        type=float,
        default=8.0,
        help="seconds between loads, so that each server refills its preheated kernel "
        "(as between real visitors) and no load competes with the last one's refill (default 8)",
    )
    parser.add_argument(
        "--launchpad",
        type=Path,
        default=ROOT / "notebooks" / "Launchpad.ipynb",
        help="the launchpad notebook (default notebooks/Launchpad.ipynb)",
    )
    parser.add_argument(
        "--voila-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra Voila argument for both servers, e.g. "
        "--voila-arg=--VoilaConfiguration.extension_denylist=[] to measure without the deny list",
    )
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Debian chromium is not on PATH: apt-get install chromium", file=sys.stderr)
        return 2
    if not args.launchpad.exists():
        print(f"launchpad notebook not found: {args.launchpad}", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="pk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = benchmark_env(tmp)
        set_up_database(env)
        bare_nb = write_bare_notebook(tmp)
        servers = []
        try:
            pages = []
            for name, notebook in [("launchpad", args.launchpad.resolve()), ("bare", bare_nb)]:
                port = free_port()
                log = tmp / f"voila-{name}.log"
                process = start_voila(notebook, port, env, log, args.voila_arg)
                servers.append(process)
                base = f"http://127.0.0.1:{port}/"
                wait_ready(base, process, log)
                pages.append(Page(name, base, BARE_USABLE))
            launchpad, bare = pages
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                try:
                    launchpad.selector = choose_launchpad_selector(browser, launchpad)
                    load_once(browser, bare, bare.selector)  # warm-up, not counted
                    for run in range(args.runs):
                        order = (launchpad, bare) if run % 2 == 0 else (bare, launchpad)
                        for page in order:
                            time.sleep(args.pause)
                            page.samples.append(load_once(browser, page, page.selector))
                finally:
                    browser.close()
            report(launchpad, bare)
        except Exception:
            for log in sorted(tmp.glob("voila-*.log")):
                print(f"--- last lines of {log.name}", file=sys.stderr)
                print("\n".join(log.read_text().splitlines()[-30:]), file=sys.stderr)
            raise
        finally:
            for process in servers:
                process.terminate()
            for process in servers:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
