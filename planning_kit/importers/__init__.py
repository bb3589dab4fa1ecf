"""Importers: Salesforce CSV exports into accounts, contacts and opportunities."""

from planning_kit.importers.salesforce import (
    FileReport,
    ImportReport,
    Rejection,
    UnusableFile,
    cli_main,
    import_files,
    import_uploads,
    read_export,
)

__all__ = [
    "FileReport",
    "ImportReport",
    "Rejection",
    "UnusableFile",
    "cli_main",
    "import_files",
    "import_uploads",
    "read_export",
]
