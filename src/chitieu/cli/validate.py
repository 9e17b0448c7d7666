"""``chitieu validate PATH...``: check submissions, list every problem with its file and row.

Exit code 0 when every submission is valid (warnings allowed), 1 when one has
errors, 2 when a path cannot be read at all (nothing is validated then: fix
the input first).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from chitieu.cli._common import (
    CliUsageError,
    ExitCode,
    add_lang_option,
    add_output_option,
    emit,
    message,
    positive_int,
    progress,
    say,
    tr,
    translate_error,
)
from chitieu.cli._formats import FORMATS, Checked, render
from chitieu.errors import ReadError
from chitieu.io.headers import TABLE_SUFFIXES
from chitieu.privacy import mask_text, printable

__all__ = ["register", "run"]

DEFAULT_MAX_EXAMPLES = 20


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``validate`` command."""
    parser = subparsers.add_parser(
        "validate",
        parents=[parent],
        help=tr(
            "check submissions and list every problem with its file and row",
            "kiểm tra dữ liệu gửi lên và liệt kê mọi lỗi cùng tệp và dòng của nó",
        ),
        description=tr(
            "Read each PATH (a folder, a .zip, a workbook or one table file), check it and "
            "list every problem with its file and row. Exit code 0: valid; 1: errors found; "
            "2: a path cannot be read.",
            "Đọc từng PATH (một thư mục, một tệp .zip, một sổ Excel hay một tệp bảng), kiểm "
            "tra và liệt kê mọi lỗi cùng tệp và dòng của nó. Mã thoát 0: hợp lệ; 1: có lỗi; "
            "2: không đọc được một đường dẫn.",
        ),
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=tr("submission folder, .zip or file", "thư mục, tệp .zip hay tệp dữ liệu gửi lên"),
    )
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default="text",
        help=tr(
            "text (default), json (ValidationReport.to_dict(); a list for several paths), "
            "junit (JUnit XML), github (GitHub Actions annotations), sarif (SARIF 2.1.0) or "
            "markdown (tables, for a CI job summary)",
            "text (văn bản, mặc định), json (ValidationReport.to_dict(); một danh sách khi có "
            "nhiều đường dẫn), junit (JUnit XML), github (chú thích GitHub Actions), sarif "
            "(SARIF 2.1.0) hoặc markdown (các bảng, cho phần tóm tắt của một lượt CI)",
        ),
    )
    parser.add_argument(
        "--max-examples",
        type=positive_int,
        default=DEFAULT_MAX_EXAMPLES,
        metavar="N",
        help=tr(
            f"problems listed in detail per code, table and column (default "
            f"{DEFAULT_MAX_EXAMPLES}); all are counted",
            f"số lỗi được liệt kê chi tiết cho mỗi mã, bảng và cột (mặc định "
            f"{DEFAULT_MAX_EXAMPLES}); mọi lỗi đều được đếm",
        ),
    )
    parser.add_argument(
        "--by-folder",
        action="store_true",
        help=tr(
            "validate the folder holding each table file given (once per folder) instead of "
            "the file alone; for pre-commit, which passes the changed files",
            "kiểm tra cả thư mục chứa mỗi tệp bảng được đưa (mỗi thư mục một lần) thay vì chỉ "
            "tệp đó; dùng cho pre-commit, công cụ đưa vào các tệp đã thay đổi",
        ),
    )
    parser.add_argument(
        "--consolidate",
        action="store_true",
        help=tr(
            "the paths are the communes of one province: check each on its own, then put "
            "together (a child who moved is one child), and show the rows that reach each level "
            "and the problems found only across communes",
            "các đường dẫn là các xã của một tỉnh: kiểm tra từng xã, rồi gộp lại (một trẻ đã "
            "chuyển nơi ở vẫn là một trẻ), cho biết số dòng đến được từng cấp và các lỗi chỉ "
            "thấy khi gộp các xã",
        ),
    )
    add_lang_option(parser)
    add_output_option(parser, tr("the result", "kết quả"))
    parser.set_defaults(handler=run)


def folders_of(paths: list[str]) -> list[str]:
    """Each table file replaced by its folder, each folder once, in order; zips and folders kept.

    Examples
    --------
    >>> folders_of(["xa-01/tre_em.csv", "xa-01/tai_nan.csv", "xa-02.zip", "xa-03/bo.xlsx"])
    ['xa-01', 'xa-02.zip', 'xa-03']
    >>> folders_of(["tre_em.csv"])
    ['.']
    """
    out: list[str] = []
    for path in paths:
        p = Path(path)
        if p.suffix.lower() in (*TABLE_SUFFIXES, ".xls"):
            path = str(p.parent)
        if path not in out:
            out.append(path)
    return out


def run(args: argparse.Namespace) -> int:
    """Read and validate every path, print the result, return the exit code."""
    from chitieu.io.read import read_submission
    from chitieu.validation import validate

    lang = args.lang
    paths: list[str] = folders_of(args.paths) if args.by_folder else list(args.paths)
    subs = []
    unreadable: list[tuple[str, str]] = []
    with progress(2 * len(paths), say("reading", lang, vi="đang đọc")) as steps:
        for path in paths:
            steps.describe(say(f"reading {path}", lang, vi=f"đang đọc {path}"))
            try:
                subs.append((path, read_submission(path)))
            except ReadError as exc:
                text = translate_error(exc.code, str(exc), lang)
                unreadable.append((exc.code, printable(mask_text(text))))
            steps.step()
        if unreadable:
            for code, text in unreadable[:-1]:
                message(f"chitieu: error [{code}]: {text}")
            raise CliUsageError(unreadable[-1][1], code=unreadable[-1][0])
        if args.consolidate:
            return _run_consolidated(args, subs, steps)
        checked = []
        for path, sub in subs:
            steps.describe(say(f"checking {path}", lang, vi=f"đang kiểm tra {path}"))
            checked.append(Checked(path, validate(sub, max_examples=args.max_examples)))
            steps.step()
    emit(render(args.format, checked, lang), args.output, lang=lang)
    return int(ExitCode.OK if all(c.report.valid for c in checked) else ExitCode.DATA_PROBLEMS)


def _run_consolidated(args: argparse.Namespace, subs: list[tuple[str, Any]], steps: Any) -> int:
    """``--consolidate``: each part, then the whole (the province's view)."""
    from chitieu.consolidate import validate_parts

    lang = args.lang
    steps.describe(
        say("checking each commune and the whole", lang, vi="đang kiểm tra từng xã và toàn tỉnh")
    )
    result = validate_parts([sub for _, sub in subs], max_examples=args.max_examples, lang=lang)
    for _ in subs:
        steps.step()
    parts = [Checked(path, report) for (path, _), report in zip(subs, result.parts, strict=True)]
    across = Checked(result.source or ".", result.across)
    if args.format == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "text":
        text = render("text", parts, lang).rstrip("\n") + "\n\n" + result.summary(lang) + "\n"
        if not result.across.counts.empty:
            text += "\n" + render("text", [across], lang)
    else:
        text = render(args.format, [*parts, across], lang)
    emit(text, args.output, lang=lang)
    return int(ExitCode.OK if result.valid else ExitCode.DATA_PROBLEMS)
