"""What the benchmarks share: Chromium's flags, Jupyter's folders, a port, a ready Voila.

The benchmarks run as scripts (`python benchmarks/<name>.py`), so this module is imported from
their own folder. Tests keep their own copy of the flags (tests/browser/conftest.py): a
benchmark does not import test code, nor the other way round.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A static file: answering it needs no kernel, so probing it does not disturb the pools.
STATIC_PROBE = "voila/static/favicon.ico"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_env(tmp: Path) -> dict[str, str]:
    """This environment with Jupyter's and IPython's folders inside tmp (never the user's)."""
    env = dict(os.environ)
    for name, sub in [
        ("JUPYTER_CONFIG_DIR", "jupyter/config"),
        ("JUPYTER_DATA_DIR", "jupyter/data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter/runtime"),
        ("IPYTHONDIR", "ipython"),
    ]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(tmp / sub)
    return env


def wait_ready(base_url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Wait until Voila serves a static file; RuntimeError (with its log) when it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voila exited with {process.returncode}:\n{log.read_text()}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(base_url + STATIC_PROBE, timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"Voila did not answer on {base_url} within {timeout}s:\n{log.read_text()}")
