"""Browser tests: a real Voila server on a free port, driven by Debian's Chromium.

Every test in this folder is marked `browser`. The session starts one Voila server with the
same command line as `planning-kit serve` (so the project's voila.json applies: kernel culling
on, the extension deny list) against a temporary SQLite database made by `planning-kit setup`,
with Jupyter's folders in a temporary place. Readiness is probed with a static file, never a
page (a page starts a kernel).

A missing piece (Chromium, the `planning-kit` command, the launchpad notebook) skips these tests
on a developer's machine, and fails them when the environment variable CI is set.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LAUNCHPAD = ROOT / "notebooks" / "Launchpad.ipynb"
STATIC_PROBE = "voila/static/favicon.ico"
STARTUP_TIMEOUT = 90.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class VoilaServer:
    """A running Voila server: where it answers, which database it uses, where it logs."""

    base_url: str
    database_url: str
    log_path: Path

    def log(self) -> str:
        """Everything the server has written so far."""
        return self.log_path.read_text(errors="replace")


def missing(reason: str) -> None:
    """Skip on a developer's machine; fail under CI, where nothing may be missing."""
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test collected from this folder as a browser test."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Poll a static file until the server answers 200; fail when it exits or times out."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"Voila exited with {process.returncode}:\n{log_path.read_text()}", pytrace=False
            )
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"Voila did not serve {url} within {STARTUP_TIMEOUT:.0f}s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; never a browser downloaded by `playwright install`."""
    path = shutil.which("chromium")
    if path is None:
        missing("Debian's chromium is not on PATH (apt-get install chromium, or `make test`)")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_path: str) -> dict:
    """Launch Debian's Chromium with the flags this machine needs."""
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The server's environment: a temporary database and Jupyter folders, prepared by setup."""
    if importlib.util.find_spec("planning_kit.cli") is None:
        missing("planning_kit.cli is not there yet: `planning-kit setup` cannot run")
    folder = tmp_path_factory.mktemp("voila")
    env = dict(os.environ)
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        (folder / sub).mkdir()
        env[var] = str(folder / sub)
    env["PLANNING_KIT_DATABASE_URL"] = f"sqlite:///{folder / 'planning.sqlite'}"
    env["PLANNING_KIT_USER"] = "browser-tester"
    env.pop("PLANNING_KIT_PLAN_TYPES", None)
    setup = subprocess.run(
        [sys.executable, "-m", "planning_kit.cli", "setup"],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if setup.returncode != 0:
        pytest.fail(f"planning-kit setup failed:\n{setup.stdout}\n{setup.stderr}", pytrace=False)
    return env


@pytest.fixture(scope="session")
def voila_server(browser_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory):
    """Serve the launchpad as `planning-kit serve` does, on a free port; stop it afterwards."""
    if not LAUNCHPAD.exists():
        missing(f"{LAUNCHPAD.relative_to(ROOT)} does not exist yet")
    from planning_kit.cli import voila_command

    port = free_port()
    command = voila_command(port, "127.0.0.1")
    for required in ("--Voila.port_retries=0", "--no-browser"):
        if required not in command:
            command.append(required)
    # Tests want to see a failing cell's traceback on the page, not a generic message.
    command.append("--VoilaConfiguration.show_tracebacks=True")
    log_path = tmp_path_factory.mktemp("voila-log") / "voila.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=browser_env, stdout=log, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_ready(base_url + STATIC_PROBE, process, log_path)
        yield VoilaServer(base_url, browser_env["PLANNING_KIT_DATABASE_URL"], log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def base_url(voila_server: VoilaServer) -> str:
    """Playwright's base URL: the launchpad, so `page.goto("/?account=...")` works."""
    return voila_server.base_url
