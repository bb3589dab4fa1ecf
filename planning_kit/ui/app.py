"""The page's entry point: the launchpad, built after the page's deep link is known.

Voila runs this notebook in preheated kernels (voila.json): the expensive imports (store,
plan types, pydantic, the tiles and plotly) happen before anyone asks for the page, and
`page_query_string()` waits there for the request. Only reading the account and building the
widgets is left for the moment the page is asked for.
"""

from __future__ import annotations

import os

import ipywidgets as w

from ._base import esc, page_query_string


def _import_tiles() -> None:
    """Import the tiles and plotly, which their first opening would otherwise wait for."""
    import plotly.graph_objects  # noqa: F401

    from . import account_details, objectives, potentials  # noqa: F401


def launchpad() -> w.Widget:
    """The app widget for the page: imports first, then the deep link, then the launchpad."""
    try:
        # The heavy part, done while the kernel is preheating: imports, database, plan types.
        from ..plan_types import load_plan_types
        from ..store import Store
        from .launchpad import Launchpad

        store, registry = Store(), load_plan_types()
        if os.environ.get("VOILA_PREHEAT") == "True":
            _import_tiles()  # a waiting kernel has the time; a page being asked for has not
        return Launchpad(store, registry, query=page_query_string()).widget
    except Exception as exc:  # noqa: BLE001 - the page must say what went wrong, not a traceback
        return w.HTML(
            f"<div class='pk-app-error' style='color:#b71c1c'>⚠ The workbook could not start: "
            f"{esc(type(exc).__name__)}: {esc(exc)}</div>"
        )
