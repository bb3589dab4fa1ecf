"""Session set-up for every test layer, notebooks included: never the user's database or $HOME.

Notebook kernels inherit this process's environment, so the variables are set before any
kernel starts: the database is a temporary copy of the sample data.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def pytest_configure(config: object) -> None:
    """Point the database, the user and Jupyter's folders at a temporary place."""
    folder = Path(tempfile.mkdtemp(prefix="planning-kit-tests-"))
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        os.environ[var] = str(folder / sub)
    os.environ["PLANNING_KIT_USER"] = "tester"
    os.environ["PLANNING_KIT_DATABASE_URL"] = f"sqlite:///{folder / 'sample.sqlite'}"
    os.environ.pop("PLANNING_KIT_PLAN_TYPES", None)

    from planning_kit import settings
    from planning_kit.importers.salesforce import import_files
    from planning_kit.store import Store

    store = Store()
    import_files(store, sorted(settings.sample_data_dir().glob("*.csv")))
    store.close()
