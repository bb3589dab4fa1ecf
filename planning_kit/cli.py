"""`planning-kit setup | serve | import | export | check`: the workbook's command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import settings

# The --format choices: the keys of planning_kit.export.EXPORT_FORMATS (format -> writer), named
# here so that parsing stays fast (the export module loads the store); a test keeps them in step.
EXPORT_FORMAT_NAMES = ("sf-opportunities", "sf-tasks", "ics")


def cmd_setup(args: argparse.Namespace) -> int:
    """Create or migrate the database; load the sample data when it holds no accounts."""
    from .importers.salesforce import import_files
    from .store import Store, StoreError

    try:
        store = Store(args.database)
    except StoreError as exc:
        print(f"planning-kit setup: {exc}", file=sys.stderr)
        return 2
    shown = store.engine.url.render_as_string(hide_password=True)
    if store.count_accounts() and not args.force_sample:
        print(f"Database ready: {shown} ({store.count_accounts()} accounts).")
        return 0
    files = sorted(settings.sample_data_dir().glob("*.csv"))
    report = import_files(store, files)
    for line in report.lines():
        print(line)
    print(f"Database ready: {shown} ({store.count_accounts()} accounts).")
    return report.exit_code


def voila_command(port: int, host: str) -> list[str]:
    """The Voila command line that serves the launchpad with the project's settings."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(settings.notebooks_dir() / "Launchpad.ipynb"),
        f"--port={port}",
        f"--Voila.ip={host}",
        "--no-browser",
        "--Voila.port_retries=0",
        f"--Voila.config_file_paths={settings.PROJECT_ROOT}",
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the launchpad with Voila (replaces this process)."""
    command = voila_command(args.port, args.host)
    print(
        f"Serving the launchpad at http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True
    )
    os.chdir(settings.PROJECT_ROOT)
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


def cmd_import(args: argparse.Namespace) -> int:
    """Import Salesforce CSV exports."""
    from .importers.salesforce import cli_main

    return cli_main(args.files, args.database, args.json, args.strict)


def _plan_number(text: str) -> int:
    """The PLAN argument as a plan id; ExportError in plain words when it is not a number."""
    from .export import ExportError

    try:
        return int(text)
    except ValueError:
        raise ExportError(f"PLAN must be a plan number such as 3, not {text[:40]!r}") from None


def _write_export(data: bytes, output: str | None) -> str:
    """Write the export to the file, or to stdout when None; return where it went."""
    from .export import ExportError

    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return "standard output"
    path = Path(output)
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return str(path)


def cmd_export(args: argparse.Namespace) -> int:
    """Export a plan's records for Salesforce (or another tool)."""
    from .export import EXPORT_FORMATS, ExportError, render
    from .store import Store, StoreError

    try:
        plan_id = _plan_number(args.plan)
        store = Store(args.database)
        try:
            data, count = render(args.format, store, plan_id)
        finally:
            store.close()
        where = _write_export(data, args.output)
    except (ExportError, StoreError) as exc:
        print(f"planning-kit export: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {EXPORT_FORMATS[args.format].rows(count)} to {where}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a folder of plan-type files."""
    from .plan_types import check

    folder = Path(args.folder) if args.folder else settings.plan_types_dir()
    if not folder.is_dir():
        print(f"{folder}: not a folder", file=sys.stderr)
        return 2
    problems = check(folder)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    count = len(list(folder.glob("*.yaml")) + list(folder.glob("*.yml")))
    print(f"{folder}: {count} files valid")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    top = argparse.ArgumentParser(prog="planning-kit", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    setup = sub.add_parser("setup", help="create the database and load the sample data if empty")
    setup.add_argument("--database", help="SQLAlchemy URL (default: PLANNING_KIT_DATABASE_URL)")
    setup.add_argument("--force-sample", action="store_true", help="import the sample data again")
    setup.set_defaults(run=cmd_setup)
    serve = sub.add_parser("serve", help="serve the launchpad with Voila")
    serve.add_argument("--port", type=int, default=8866)
    serve.add_argument("--host", default="127.0.0.1")
    serve.set_defaults(run=cmd_serve)
    imp = sub.add_parser("import", help="import Salesforce CSV exports")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--database", help="SQLAlchemy URL (default: PLANNING_KIT_DATABASE_URL)")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.add_argument(
        "--strict", action="store_true", help="abort the whole import on any rejected row"
    )
    imp.set_defaults(run=cmd_import)
    exp = sub.add_parser(
        "export",
        help="export a plan: opportunities or tasks for Data Loader, actions as a calendar",
    )
    exp.add_argument("plan", metavar="PLAN", help="the plan number")
    exp.add_argument("--format", required=True, choices=EXPORT_FORMAT_NAMES, help="what to export")
    exp.add_argument("--output", metavar="PATH", help="file to write (default: standard output)")
    exp.add_argument("--database", help="SQLAlchemy URL (default: PLANNING_KIT_DATABASE_URL)")
    exp.set_defaults(run=cmd_export)
    chk = sub.add_parser("check", help="validate plan-type YAML files")
    chk.add_argument("folder", nargs="?", metavar="DIR")
    chk.set_defaults(run=cmd_check)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
