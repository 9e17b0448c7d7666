"""``chitieu schema export``: the Frictionless Table Schema files of every table."""

from __future__ import annotations

import argparse
from pathlib import Path

from chitieu.cli._common import ExitCode, add_lang_option, emit, tr

__all__ = ["register", "run_export"]


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``schema`` command and its ``export`` action."""
    parser = subparsers.add_parser(
        "schema",
        parents=[parent],
        help=tr(
            "export the tables' Frictionless Table Schema files",
            "xuất các tệp Frictionless Table Schema của các bảng",
        ),
        description=tr(
            "Work with the schemas of the submission tables.",
            "Làm việc với lược đồ của các bảng dữ liệu gửi lên.",
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    export = actions.add_parser(
        "export",
        parents=[parent],
        help=tr(
            "write <table>.schema.json for every table and a datapackage.json",
            "ghi <table>.schema.json cho mỗi bảng và một tệp datapackage.json",
        ),
        description=tr(
            "Write one Frictionless Table Schema file per table (<table>.schema.json) and a "
            "datapackage.json tying them together; prints the files written.",
            "Ghi một tệp Frictionless Table Schema cho mỗi bảng (<table>.schema.json) và một "
            "tệp datapackage.json nối chúng lại; in ra các tệp đã ghi.",
        ),
    )
    export.add_argument(
        "--out",
        type=Path,
        default=Path("schemas"),
        metavar="DIR",
        help=tr(
            "folder to write to (default: ./schemas; created if needed)",
            "thư mục để ghi (mặc định: ./schemas; được tạo nếu chưa có)",
        ),
    )
    add_lang_option(export)
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    """Write the schema files and print their paths."""
    from chitieu.schemas.export import export_schemas

    written = export_schemas(args.out)
    emit("\n".join(str(p) for p in written))
    return int(ExitCode.OK)
