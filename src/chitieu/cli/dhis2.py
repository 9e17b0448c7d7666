"""``chitieu dhis2 template``: a DHIS2 mapping to fill in, generated from the registry.

The mapping says which DHIS2 data element, category option combo and org unit
each figure goes to; ``chitieu report ... --format dhis2-json|dhis2-csv|adx
--mapping FILE`` then writes the data value set (see ``docs/exports.md``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chitieu.cli._common import ExitCode, add_lang_option, add_output_option, emit, tr

__all__ = ["register", "run_template"]


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``dhis2`` command and its ``template`` action."""
    parser = subparsers.add_parser(
        "dhis2",
        parents=[parent],
        help=tr(
            "write a DHIS2 mapping template (indicators, categories, org units)",
            "ghi một mẫu ánh xạ DHIS2 (chỉ tiêu, phân tổ, đơn vị tổ chức)",
        ),
        description=tr(
            "Work with the mapping from chitieu's figures to DHIS2.",
            "Làm việc với ánh xạ từ các số liệu của chitieu sang DHIS2.",
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    template = actions.add_parser(
        "template",
        parents=[parent],
        help=tr(
            "write a mapping to fill in, generated from the registry",
            "ghi một ánh xạ để điền vào, tạo từ danh mục chỉ tiêu",
        ),
        description=tr(
            "Write a YAML mapping with every indicator (or those of --indicators), its overall "
            "row and breakdowns, a data element for each numerator and denominator, a category "
            "option combo for each category, and the org units of --units. Every identifier is "
            'a placeholder "<FILL: ...>" to replace; write false to leave something out.',
            "Ghi một ánh xạ YAML gồm mọi chỉ tiêu (hoặc các chỉ tiêu của --indicators), dòng "
            "tổng và các phân tổ, một phần tử dữ liệu (data element) cho mỗi tử số và mẫu số, "
            "một tổ hợp phương án phân tổ (category option combo) cho mỗi phân tổ, và các đơn "
            'vị tổ chức của --units. Mỗi định danh là một chỗ trống "<FILL: ...>" cần thay; '
            "ghi false để bỏ một mục.",
        ),
    )
    template.add_argument(
        "--units",
        metavar="PATH",
        help=tr(
            "a submission (folder, .zip or file) whose units table lists the org units",
            "một bộ dữ liệu gửi lên (thư mục, .zip hay tệp) có bảng đơn vị liệt kê các đơn vị "
            "tổ chức",
        ),
    )
    template.add_argument(
        "--indicators",
        action="append",
        metavar="IDS",
        help=tr(
            "comma-separated indicator ids (default: every indicator); may be repeated",
            "các id chỉ tiêu cách nhau bằng dấu phẩy (mặc định: mọi chỉ tiêu); có thể lặp lại",
        ),
    )
    add_lang_option(template)
    add_output_option(template, tr("the template", "mẫu"))
    template.set_defaults(handler=run_template)


def run_template(args: argparse.Namespace) -> int:
    """Print or write the mapping template."""
    from chitieu.cli.report import parse_indicator_ids
    from chitieu.export.dhis2 import mapping_template

    units = None
    if args.units is not None:
        from chitieu.io.read import read_submission

        units = read_submission(args.units).units
    text = mapping_template(indicators=parse_indicator_ids(args.indicators), units=units)
    output: Path | None = args.output
    emit(text, output, lang=args.lang)
    return int(ExitCode.OK)
