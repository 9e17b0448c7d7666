"""``chitieu report PATH --period P``: validate, compute the indicators, write the report.

The submission is validated first. With errors the command stops (exit 1)
and prints the validation summary, unless ``--allow-invalid``: then the rows
with errors are left out, and how many is said on standard error and in the
output.

Plan targets appear only with ``--plan NAME_OR_FILE``, and only for the plan's
commune and period: a period that is not the plan's (a quarter against yearly
targets, another year) is refused with ``plan-mismatch`` (exit 2); data
without the plan's commune give "no data" with the reason.
"""

from __future__ import annotations

import argparse
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chitieu.cli._common import (
    CliUsageError,
    ExitCode,
    Lang,
    add_lang_option,
    emit,
    message,
    positive_int,
    progress,
    say,
    tr,
)
from chitieu.report.model import REPORT_FORMATS
from chitieu.units import LEVELS

__all__ = [
    "OUTPUT_SUFFIXES",
    "compute_report",
    "dropped_note",
    "plan_notes",
    "register",
    "run",
    "write_report",
]

OUTPUT_SUFFIXES: tuple[str, ...] = (".xlsx", ".csv", ".parquet", ".json")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``report`` command."""
    parser = subparsers.add_parser(
        "report",
        parents=[parent],
        help=tr(
            "validate a submission and compute its report",
            "kiểm tra dữ liệu gửi lên và tính báo cáo",
        ),
        description=tr(
            "Validate PATH, compute every indicator (or those of --indicators) for the "
            "period and write the report to --out (.xlsx, .csv, .parquet or .json; or, with "
            "--format, a DHIS2 data value set, ADX or SDMX-CSV). Without "
            "--out, print the key indicators (with --plan, beside the plan's targets). Stops "
            "with exit code 1 when the data have errors, unless --allow-invalid.",
            "Kiểm tra PATH, tính mọi chỉ tiêu (hoặc các chỉ tiêu của --indicators) cho kỳ báo "
            "cáo và ghi báo cáo vào --out (.xlsx, .csv, .parquet hay .json; hoặc, với "
            "--format, một bộ giá trị dữ liệu DHIS2, ADX hay SDMX-CSV). Không có --out thì in "
            "các chỉ tiêu chính (với --plan, cạnh chỉ tiêu của kế hoạch). Dừng với mã thoát 1 "
            "khi dữ liệu có lỗi, trừ khi có --allow-invalid.",
        ),
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        help=tr("submission folder, .zip or file", "thư mục, tệp .zip hay tệp dữ liệu gửi lên"),
    )
    parser.add_argument(
        "-p",
        "--period",
        required=True,
        metavar="P",
        help=tr(
            "2024, 2024-H1, 2024-Q3, 2024-07 or 2024-01-01..2024-06-30; several periods "
            "separated by commas (2021,2022,2023,2024)",
            "kỳ báo cáo: 2024, 2024-H1, 2024-Q3, 2024-07 hoặc 2024-01-01..2024-06-30; nhiều kỳ "
            "thì cách nhau bằng dấu phẩy (2021,2022,2023,2024)",
        ),
    )
    parser.add_argument(
        "--level",
        choices=LEVELS,
        default="commune",
        help=tr(
            "unit level of the report (default: commune; higher levels add up the communes)",
            "cấp đơn vị của báo cáo (mặc định: commune, cấp xã; các cấp trên cộng số liệu "
            "của các xã)",
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help=tr(
            "write the report to FILE: .xlsx (Excel workbook), .csv, .parquet or .json "
            "(or the format of --format)",
            "ghi báo cáo vào FILE: .xlsx (sổ Excel), .csv, .parquet hay .json (hoặc định dạng "
            "của --format)",
        ),
    )
    parser.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default=None,
        help=tr(
            "the format of --out when its suffix does not say it: dhis2-json, dhis2-csv or "
            "adx (DHIS2 data value sets, with --mapping), sdmx-csv (SDMX-CSV 2.0), or excel, "
            "csv, parquet, json, html",
            "định dạng của --out khi phần đuôi tệp không cho biết: dhis2-json, dhis2-csv hay "
            "adx (bộ giá trị dữ liệu DHIS2, cần --mapping), sdmx-csv (SDMX-CSV 2.0), hoặc "
            "excel, csv, parquet, json, html",
        ),
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help=tr(
            "with --format dhis2-json, dhis2-csv or adx: the DHIS2 mapping (YAML or JSON; "
            "'chitieu dhis2 template' writes one)",
            "với --format dhis2-json, dhis2-csv hay adx: tệp ánh xạ DHIS2 (YAML hay JSON; "
            "'chitieu dhis2 template' ghi một tệp mẫu)",
        ),
    )
    parser.add_argument(
        "--skip-unmapped",
        action="store_true",
        help=tr(
            "with a DHIS2 format: leave out the figures the mapping does not give (and say "
            "which) instead of stopping",
            "với định dạng DHIS2: bỏ các số liệu mà ánh xạ không có (và nói là số liệu nào) "
            "thay vì dừng lại",
        ),
    )
    parser.add_argument(
        "--indicators",
        action="append",
        metavar="IDS",
        help=tr(
            "comma-separated indicator ids (see 'chitieu indicators'; default: every "
            "indicator the data can give); may be repeated",
            "các id chỉ tiêu cách nhau bằng dấu phẩy (xem 'chitieu indicators'; mặc định: mọi "
            "chỉ tiêu mà dữ liệu tính được); có thể lặp lại",
        ),
    )
    parser.add_argument(
        "--plan",
        metavar="NAME_OR_FILE",
        help=tr(
            "compare the figures of the plan's commune with its targets: a known plan "
            "(thi-tran-thang-2024) or a plan file (.yaml, .json, .toml); the period must be "
            "the plan's. With --out, the attainment is added to the report (a plan sheet in "
            "Excel, 'attainment' in the JSON metadata, and the notes)",
            "so số liệu của xã trong kế hoạch với các chỉ tiêu của kế hoạch: một kế hoạch đã "
            "biết (thi-tran-thang-2024) hoặc một tệp kế hoạch (.yaml, .json, .toml); kỳ báo "
            "cáo phải là kỳ của kế hoạch. Với --out, kết quả thực hiện được thêm vào báo cáo "
            "(một trang kế hoạch trong Excel, 'attainment' trong siêu dữ liệu JSON, và phần "
            "ghi chú)",
        ),
    )
    parser.add_argument(
        "--allow-invalid",
        action="store_true",
        help=tr(
            "leave out the rows with errors instead of stopping (says how many)",
            "bỏ các dòng có lỗi thay vì dừng lại (có nói bỏ bao nhiêu dòng)",
        ),
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help=tr(
            "suppress small counts before writing (counts 1 to K-1 hidden, and enough "
            "other cells that none can be recovered); needs --out",
            "che các số đếm nhỏ trước khi ghi (ẩn các số từ 1 đến K-1, và đủ các ô khác để "
            "không ô nào suy ngược lại được); cần --out",
        ),
    )
    parser.add_argument(
        "--k",
        type=positive_int,
        default=None,
        metavar="K",
        help=tr(
            "with --publish: the smallest count shown (default 5)",
            "với --publish: số đếm nhỏ nhất được hiện (mặc định 5)",
        ),
    )
    parser.add_argument(
        "--no-quality",
        action="store_true",
        help=tr(
            "leave out the data-quality section (communes without records, implausible "
            "rates, outliers against the earlier periods)",
            "không kèm phần chất lượng số liệu (xã không có bản ghi, tỷ lệ khó tin, giá trị "
            "bất thường so với các kỳ trước)",
        ),
    )
    add_lang_option(parser)
    parser.set_defaults(handler=run)


def parse_indicator_ids(values: list[str] | None) -> list[str] | None:
    """The ids of ``--indicators``, checked against the registry.

    Raises
    ------
    UnknownIndicatorError
        For an id that is not registered (the message names the closest).
    """
    if not values:
        return None
    from chitieu.indicators import get_indicator

    ids: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in ids:
                get_indicator(part)
                ids.append(part)
    if not ids:
        raise CliUsageError(
            "--indicators names no indicator", vi="--indicators không nêu chỉ tiêu nào"
        )
    return ids


_DHIS2_FORMATS = ("dhis2-json", "dhis2-csv", "adx")


def check_format(args: argparse.Namespace) -> None:
    """Refuse ``--format``, ``--mapping`` and ``--skip-unmapped`` where they do not apply."""
    fmt = getattr(args, "format", None)
    mapping = getattr(args, "mapping", None)
    if fmt is not None and args.out is None:
        raise CliUsageError(f"--format {fmt} needs --out FILE", vi=f"--format {fmt} cần --out FILE")
    if fmt in _DHIS2_FORMATS and mapping is None:
        raise CliUsageError(
            f"--format {fmt} needs --mapping FILE (write one with 'chitieu dhis2 template')",
            vi=f"--format {fmt} cần --mapping FILE (ghi một tệp mẫu bằng 'chitieu dhis2 template')",
        )
    if mapping is not None and fmt not in _DHIS2_FORMATS:
        raise CliUsageError(
            "--mapping is for --format dhis2-json, dhis2-csv or adx",
            vi="--mapping chỉ dùng với --format dhis2-json, dhis2-csv hay adx",
        )
    if getattr(args, "skip_unmapped", False) and fmt not in _DHIS2_FORMATS:
        raise CliUsageError(
            "--skip-unmapped is for --format dhis2-json, dhis2-csv or adx",
            vi="--skip-unmapped chỉ dùng với --format dhis2-json, dhis2-csv hay adx",
        )


def check_out(path: Path | None, fmt: str | None = None) -> None:
    """Refuse an output suffix chitieu cannot write, and Excel without its libraries."""
    if path is None:
        return
    suffix = path.suffix.lower()
    if fmt is not None and fmt != "excel":
        return
    if fmt == "excel":
        suffix = ".xlsx"
    if suffix not in OUTPUT_SUFFIXES:
        raise CliUsageError(
            f"--out {path}: cannot tell the format from {suffix or 'no suffix'!r}; "
            f"use one of {', '.join(OUTPUT_SUFFIXES)}",
            vi=f"--out {path}: không biết định dạng từ {suffix or 'tệp không có đuôi'!r}; "
            f"hãy dùng một trong {', '.join(OUTPUT_SUFFIXES)}",
        )
    if suffix == ".xlsx" and not excel_available():
        raise CliUsageError(
            f"--out {path}: writing Excel needs xlsxwriter or openpyxl "
            "(pip install 'chitieu[excel]'), or choose .csv, .parquet or .json",
            vi=f"--out {path}: ghi tệp Excel cần xlsxwriter hoặc openpyxl "
            "(pip install 'chitieu[excel]'), hoặc chọn .csv, .parquet hay .json",
        )


def excel_available() -> bool:
    """Whether a library that writes ``.xlsx`` files is installed."""
    return any(importlib.util.find_spec(name) is not None for name in ("xlsxwriter", "openpyxl"))


def dropped_note(dropped: dict[str, int], lang: Lang) -> str:
    """One sentence saying how many rows with errors were left out, per table.

    Examples
    --------
    >>> dropped_note({"children": 5, "injuries": 2, "units": 0}, "en")
    'left out 7 rows with errors (children 5, injuries 2)'
    >>> dropped_note({"children": 1}, "vi")
    'đã bỏ 1 dòng có lỗi (children 1)'
    >>> dropped_note({"children": 1}, "en"), dropped_note({"children": 1234}, "vi")
    ('left out 1 row with errors (children 1)', 'đã bỏ 1.234 dòng có lỗi (children 1.234)')
    """
    from chitieu.numbers import counted, format_number

    total = sum(dropped.values())
    parts = ", ".join(f"{t} {format_number(n, lang)}" for t, n in dropped.items() if n)
    detail = f" ({parts})" if parts else ""
    return say(
        f"left out {counted(total, 'row')} with errors{detail}",
        lang,
        vi=f"đã bỏ {counted(total, 'dòng', lang='vi')} có lỗi{detail}",
    )


def write_report(
    rep: Any,
    out: Path,
    lang: Lang,
    *,
    fmt: str | None = None,
    mapping: Path | None = None,
    skip_unmapped: bool = False,
) -> Path:
    """Write *rep* to *out* in *fmt*, or the format its suffix names (:meth:`Report.to_file`).

    With ``skip_unmapped``, what the DHIS2 mapping does not give is left out
    and said on standard error.
    """
    import warnings

    from chitieu.errors import ChitieuWarning

    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChitieuWarning)
        rep.to_file(
            out,
            format=fmt,
            lang=lang,
            mapping=mapping,
            on_unmapped="skip" if skip_unmapped else "refuse",
        )
    for warning in caught:
        if issubclass(warning.category, ChitieuWarning):
            message(f"chitieu: {warning.message}")
        else:  # pragma: no cover - passed on as they came
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return out


def parse_report_periods(value: str) -> Any:
    """The period of ``--period``: one period, or a list of them separated by commas.

    Examples
    --------
    >>> parse_report_periods("2024").label
    '2024'
    >>> [p.label for p in parse_report_periods("2023, 2024")]
    ['2023', '2024']
    """
    from chitieu.periods import parse_period, parse_periods

    if "," not in value:
        return parse_period(value)
    return list(parse_periods([part.strip() for part in value.split(",")]))


def quality_of(rep: Any) -> Any:
    """The data-quality warnings of the commune report *rep* (:func:`chitieu.quality.check`).

    Completeness and implausible rates need no history; outliers are checked
    against the report's own earlier periods.
    """
    from chitieu.quality import check

    return check(rep)


def attach_note(rep: Any, note: str) -> Any:
    """The report with *note* added, so that its exports carry it (cover sheet, metadata)."""
    return rep.with_notes(note)


def compute_report(
    sub: Any, period: Any, *, level: str = "commune", indicators: Sequence[str] | None = None
) -> Any:
    """:func:`chitieu.report.report` on a submission the command has validated already."""
    from chitieu.report import report

    return report(sub, period=period, level=level, indicators=indicators, validation="skip")


def plan_notes(
    plan: Any, rep: Any, sub: Any, lang: Lang, *, values: bool = True
) -> tuple[Any, list[str]]:
    """The evaluation of *plan* (from the commune report *rep*, else *sub*) and its notes.

    With ``values=False`` (a report for publication) the notes give each target's
    status without its value.
    """
    from chitieu.plans import attainment_notes, evaluate

    held = set(rep.indicators["id"]) | set(rep.skipped["indicator_id"])
    # a target against the previous period needs that period, which the report lacks
    whole = all(t.indicator_id in held for t in plan.targets) and not plan.needs_previous
    source = rep if whole else sub
    evaluation = evaluate(plan, source, validation="skip")
    return evaluation, attainment_notes(plan, evaluation, lang=lang, values=values)


def _say_unit_missing(plan: Any, evaluation: Any, lang: Lang) -> None:
    if not evaluation.attrs.get("unit_found", True):
        notes = evaluation.attrs.get("notes_vi" if lang == "vi" else "notes", [])
        none = say(
            "chitieu: no data for the plan's unit",
            lang,
            vi="chitieu: không có số liệu của đơn vị trong kế hoạch",
        )
        message(f"chitieu: {notes[0]}" if notes else none)


def run(args: argparse.Namespace) -> int:
    """Validate, compute and write or print the report; return the exit code."""
    from chitieu.cli._keyfigures import KEY_INDICATORS, key_figures
    from chitieu.io.read import read_submission
    from chitieu.plans import check_period, for_publication, load_plan
    from chitieu.validation import drop_invalid, validate

    lang: Lang = args.lang
    period = parse_report_periods(args.period)
    ids = parse_indicator_ids(args.indicators)
    plan = None
    if args.plan is not None:
        if isinstance(period, list):
            raise CliUsageError(
                "--plan takes one period; a plan's targets are for one period",
                vi="--plan chỉ nhận một kỳ; chỉ tiêu của kế hoạch là cho một kỳ",
            )
        plan = load_plan(args.plan)
        check_period(plan, period)
    check_format(args)
    check_out(args.out, getattr(args, "format", None))
    if args.publish and args.out is None:
        raise CliUsageError(
            "--publish needs --out (the printed key figures are not suppressed)",
            vi="--publish cần --out (các chỉ tiêu chính được in ra thì không được che)",
        )
    if args.k is not None and not args.publish:
        raise CliUsageError(
            "--k is the threshold of --publish; add --publish",
            vi="--k là ngưỡng của --publish; hãy thêm --publish",
        )
    k = 5 if args.k is None else args.k
    if k < 2:
        raise CliUsageError(
            f"--k must be at least 2, found {k}", vi=f"--k phải từ 2 trở lên, nhưng gặp {k}"
        )
    with progress(4, say("reading", lang, vi="đang đọc")) as steps:
        sub = read_submission(args.path)
        steps.step(say("checking", lang, vi="đang kiểm tra"))
        checked = validate(sub)
        note = None
        if not checked.valid and not args.allow_invalid:
            steps.step()
            message(checked.to_text(path=args.path, lang=lang).rstrip("\n"))
            message(
                say(
                    "chitieu: the data have errors; fix them, or rerun with --allow-invalid "
                    "to leave out the rows with errors",
                    lang,
                    vi="chitieu: dữ liệu có lỗi; hãy sửa, hoặc chạy lại với --allow-invalid "
                    "để bỏ qua các dòng có lỗi",
                )
            )
            return int(ExitCode.DATA_PROBLEMS)
        # the submission then carries what validation found, so the figures say it
        sub, dropped = drop_invalid(sub, checked)
        if not checked.valid:
            note = dropped_note(dropped, lang)
            message(f"chitieu: {note}")
        steps.step(say("computing", lang, vi="đang tính"))
        if args.out is None:
            shown = list(ids or KEY_INDICATORS)
            needed = (
                shown + [t.indicator_id for t in plan.targets if t.indicator_id not in shown]
                if plan
                else shown
            )
            rep = compute_report(sub, period, indicators=needed)
            evaluation = None
            if plan is not None:
                evaluation, _ = plan_notes(plan, rep, sub, lang)
                _say_unit_missing(plan, evaluation, lang)
            text = key_figures(rep, lang, indicators=shown, plan=plan, evaluation=evaluation)
            if not args.no_quality:
                text += "\n\n" + quality_of(rep).to_text(lang)
            emit(text + (f"\n{note}" if note else ""))
            return int(ExitCode.OK)
        rep = compute_report(sub, period, indicators=ids)
        if note is not None:
            rep = attach_note(rep, note)
        if plan is not None:
            evaluation, notes = plan_notes(plan, rep, sub, lang, values=not args.publish)
            _say_unit_missing(plan, evaluation, lang)
            rep = rep.with_notes(*notes)
            rep = rep.with_attainment(for_publication(evaluation) if args.publish else evaluation)
        if not args.no_quality and not args.publish:  # warnings give counts: not published
            result = quality_of(rep)
            rep = rep.with_quality(result)
            message(f"chitieu: {result.to_text(lang).splitlines()[0].rstrip(':')}")
        if args.level != "commune":
            rep = rep.rollup(args.level)
        if args.publish:
            rep = rep.suppress(k)
            message(f"chitieu: {rep.notes[-1]}")
        steps.step(say("writing", lang, vi="đang ghi"))
        write_report(
            rep,
            args.out,
            lang,
            fmt=getattr(args, "format", None),
            mapping=getattr(args, "mapping", None),
            skip_unmapped=getattr(args, "skip_unmapped", False),
        )
        message(say(f"wrote {args.out}", lang, vi=f"đã ghi {args.out}"))
        steps.step()
    return int(ExitCode.OK)
