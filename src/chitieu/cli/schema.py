"""``chitieu schema export``: the Frictionless Table Schema files of every table."""

from __future__ import annotations

import argparse
from pathlib import Path

from chitieu.cli._common import ExitCode, emit

__all__ = ["register", "run_export"]


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``schema`` command and its ``export`` action."""
    parser = subparsers.add_parser(
        "schema",
        parents=[parent],
        help="export the tables' Frictionless Table Schema files",
        description="Work with the schemas of the submission tables.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    export = actions.add_parser(
        "export",
        parents=[parent],
        help="write <table>.schema.json for every table and a datapackage.json",
        description=(
            "Write one Frictionless Table Schema file per table (<table>.schema.json) and a "
            "datapackage.json tying them together; prints the files written."
        ),
    )
    export.add_argument(
        "--out",
        type=Path,
        default=Path("schemas"),
        metavar="DIR",
        help="folder to write to (default: ./schemas; created if needed)",
    )
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    """Write the schema files and print their paths."""
    from chitieu.schemas.export import export_schemas

    written = export_schemas(args.out)
    emit("\n".join(str(p) for p in written))
    return int(ExitCode.OK)
