"""``chitieu indicators``: the registry, with how sure each indicator is."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from chitieu.cli._common import (
    ExitCode,
    add_lang_option,
    add_output_option,
    emit,
    format_table,
    print_table,
    tr,
)

__all__ = ["register", "run"]

FORMATS: tuple[str, ...] = ("table", "json", "csv")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``indicators`` command."""
    parser = subparsers.add_parser(
        "indicators",
        parents=[parent],
        help=tr(
            "list the indicators with their official code and confidence",
            "liệt kê các chỉ tiêu cùng mã chính thức và độ tin cậy",
        ),
        description=tr(
            "List every indicator of the registry: id, official code (and whether it is "
            "confirmed), confidence (high: read in the circular; medium: name seen; low: "
            "inferred; n/a: supplementary), kind and name.",
            "Liệt kê mọi chỉ tiêu trong danh mục: id, mã chính thức (và mã đã được xác nhận "
            "hay chưa), độ tin cậy (high: đọc trong thông tư; medium: đã thấy tên; low: suy "
            "ra; n/a: chỉ tiêu bổ sung), loại và tên.",
        ),
    )
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default="table",
        help=tr("table (default), json or csv", "table (bảng, mặc định), json hoặc csv"),
    )
    add_lang_option(parser)
    add_output_option(parser, tr("the list", "danh sách"))
    parser.set_defaults(handler=run)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def run(args: argparse.Namespace) -> int:
    """Print the registry in the chosen format."""
    from chitieu.indicators import list_indicators

    frame = list_indicators()
    if args.format == "json":
        records = [{k: _clean(v) for k, v in r.items()} for r in frame.to_dict("records")]
        text = json.dumps(records, ensure_ascii=False, indent=2)
    elif args.format == "csv":
        text = frame.to_csv(index=False, lineterminator="\n")
    else:
        vi = args.lang == "vi"
        headers = (
            ("id", "mã", "đã xác nhận", "độ tin cậy", "loại", "tên")
            if vi
            else ("id", "code", "confirmed", "confidence", "kind", "name")
        )
        yes, no = ("có", "không") if vi else ("yes", "no")
        rows = [
            (
                r["id"],
                _clean(r["code"]) or "",
                yes if bool(r["code_confirmed"]) else no,
                r["confidence"],
                r["kind"],
                r["name_vi"] if vi else r["name_en"],
            )
            for r in frame.to_dict("records")
        ]
        if args.output is None:
            print_table(rows, headers)  # a rich table on a terminal
            return int(ExitCode.OK)
        text = format_table(rows, headers)
    emit(text, args.output, lang=args.lang)
    return int(ExitCode.OK)
