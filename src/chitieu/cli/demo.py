"""``chitieu demo``: the whole job on built-in synthetic data, in seconds.

Generates a realistic commune (or a province with a larger ``--children``),
writes its records as a commune would send them, validates them, computes the
full report, writes the Excel workbook (CSV when no Excel library is
installed) and prints the key indicators.

The data are synthetic. A one-commune demo of the example plan's year is made
under the code of the plan's commune (the plan shipped as
``chitieu/data/plans/thi-tran-thang-2024.yaml``, Thị trấn Thắng, 2008
division), and only then are the plan's targets shown beside the figures and
on the workbook's plan sheet, as an example; any other demo (another year,
several communes) shows no targets.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chitieu.cli._common import (
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
from chitieu.numbers import format_number

__all__ = ["DEFAULT_CHILDREN", "DEFAULT_OUT", "register", "run"]

DEFAULT_CHILDREN = 4_500
DEFAULT_OUT = Path("chitieu-demo")
DEFAULT_YEAR = 2024
DATA_FOLDER = "du-lieu"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``demo`` command."""
    parser = subparsers.add_parser(
        "demo",
        parents=[parent],
        help=tr(
            "generate a realistic commune, validate it and write its report",
            "tạo dữ liệu mô phỏng của một xã, kiểm tra và ghi báo cáo của xã đó",
        ),
        description=tr(
            "Generate realistic synthetic records (one commune of about 4,500 children by "
            "default; a province with a larger --children), write them to DIR/du-lieu/, "
            "validate them, compute the full report, write DIR/bao-cao-YEAR.xlsx and print "
            "the key indicators. A one-commune demo of 2024 is made under the code of Thị "
            "trấn Thắng, and the targets of the town's 2024 plan are shown as an example.",
            "Tạo các bản ghi mô phỏng sát thực tế (mặc định một xã khoảng 4.500 trẻ em; một "
            "tỉnh khi --children lớn hơn), ghi vào DIR/du-lieu/, kiểm tra, tính toàn bộ báo "
            "cáo, ghi DIR/bao-cao-YEAR.xlsx và in các chỉ tiêu chính. Bản mô phỏng một xã năm "
            "2024 được tạo với mã của Thị trấn Thắng, và các chỉ tiêu của kế hoạch năm 2024 "
            "của thị trấn được hiển thị làm ví dụ.",
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=tr(
            f"folder for the data and the report (default: ./{DEFAULT_OUT})",
            f"thư mục ghi dữ liệu và báo cáo (mặc định: ./{DEFAULT_OUT})",
        ),
    )
    parser.add_argument(
        "--children",
        type=positive_int,
        default=DEFAULT_CHILDREN,
        metavar="N",
        help=tr(
            f"children on the register (default {DEFAULT_CHILDREN:,}: one commune; "
            "one commune per 4,500 children)",
            f"số trẻ em trong sổ (mặc định {format_number(DEFAULT_CHILDREN, 'vi')}: một xã; "
            "mỗi 4.500 trẻ em một xã)",
        ),
    )
    parser.add_argument(
        "--communes",
        type=positive_int,
        default=None,
        metavar="K",
        help=tr(
            "spread the children over K communes (default: one per 4,500 children)",
            "chia trẻ em cho K xã (mặc định: mỗi 4.500 trẻ em một xã)",
        ),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help=tr("random seed (default 1)", "hạt giống ngẫu nhiên (mặc định 1)"),
    )
    parser.add_argument(
        "--year",
        type=int,
        default=DEFAULT_YEAR,
        metavar="Y",
        help=tr(
            f"year of the records and the report (default {DEFAULT_YEAR})",
            f"năm của các bản ghi và của báo cáo (mặc định {DEFAULT_YEAR})",
        ),
    )
    parser.add_argument(
        "--level",
        choices=("commune", "district", "province", "national"),
        default="commune",
        help=tr(
            "unit level of the report (default: commune)",
            "cấp đơn vị của báo cáo (mặc định: commune, cấp xã)",
        ),
    )
    add_lang_option(parser)
    parser.set_defaults(handler=run)


def example_note(lang: Lang) -> str:
    """Why the demo shows a plan: its synthetic commune carries the plan's unit code."""
    from chitieu.plans import EXAMPLE_PLAN as plan

    return say(
        f"The data are synthetic, made under the code of {plan.unit_label('en')}: the "
        f"targets of the {plan.name_en} are shown as an example of a plan, and the figures "
        "say nothing about the town.",
        lang,
        vi=f"Dữ liệu là mô phỏng, được tạo với mã của {plan.unit_label('vi')}: các chỉ tiêu "
        f"của {plan.name_vi} chỉ được hiển thị làm ví dụ về kế hoạch, các số liệu không nói "
        "gì về thị trấn.",
    )


def no_plan_note(lang: Lang) -> str:
    """Why the demo shows no plan targets."""
    from chitieu.plans import EXAMPLE_PLAN as plan

    return say(
        f"No plan targets: the example plan is for one commune, {plan.unit_label('en')}, "
        f"and the year {plan.period.label}; this demo is not.",
        lang,
        vi=f"Không có chỉ tiêu kế hoạch: kế hoạch ví dụ dành cho một xã, "
        f"{plan.unit_label('vi')}, năm {plan.period.label}; bản mô phỏng này thì không.",
    )


def run(args: argparse.Namespace) -> int:
    """Generate, validate, report; print the key indicators; return the exit code."""
    from chitieu import synth
    from chitieu.cli._keyfigures import format_number, key_figures
    from chitieu.cli.report import compute_report, excel_available, plan_notes
    from chitieu.io.write import write_submission
    from chitieu.numbers import counted
    from chitieu.plans import EXAMPLE_PLAN, Plan
    from chitieu.validation import drop_invalid, validate

    lang: Lang = args.lang
    out: Path = args.out
    period = str(args.year)
    plan: Plan | None = EXAMPLE_PLAN
    n_communes = args.communes or max(1, round(args.children / synth.CHILDREN_PER_COMMUNE))
    if args.year != EXAMPLE_PLAN.year or n_communes != 1:
        plan = None
    years = 2 if args.year > 1990 else 1  # two years of records, so that figures compare
    with progress(5, say("generating data", lang, vi="đang tạo dữ liệu")) as steps:
        if plan is None:
            sub = synth.generate(
                n_children=args.children,
                seed=args.seed,
                year=args.year,
                n_communes=args.communes,
                years=years,
            )
        else:
            sub = synth.generate(
                n_children=args.children,
                seed=args.seed,
                year=args.year,
                n_communes=1,
                division_version=plan.division_version,
                province_code=plan.province_code,
                years=years,
            )
            sub = synth.place_in_unit(
                sub,
                plan.unit_code,
                division_version=plan.division_version,
                name=plan.unit_name,
                district_code=plan.district_code,
            )
        steps.step(say("writing data", lang, vi="đang ghi dữ liệu"))
        out.mkdir(parents=True, exist_ok=True)
        data_dir = write_submission(sub, out / DATA_FOLDER, "csv", headers="vi")
        steps.step(say("checking", lang, vi="đang kiểm tra"))
        checked = validate(sub)
        steps.step(say("computing", lang, vi="đang tính"))
        rep = compute_report(drop_invalid(sub, checked)[0], period)
        evaluation = None
        if plan is not None:
            evaluation, notes = plan_notes(plan, rep, sub, lang)
            rep = rep.with_notes(example_note(lang), *notes).with_attainment(evaluation)
        figures = key_figures(rep, lang, plan=plan, evaluation=evaluation)
        if args.level != "commune":
            rep = rep.rollup(args.level)
        steps.step(say("writing the report", lang, vi="đang ghi báo cáo"))
        if excel_available():
            target = out / f"bao-cao-{args.year}.xlsx"
            rep.to_excel(target, lang=lang)
        else:
            target = out / f"bao-cao-{args.year}.csv"
            rep.to_csv(target)
            message(
                say(
                    "chitieu: no Excel library (xlsxwriter or openpyxl) is installed, so the "
                    "report was written as CSV; pip install 'chitieu[excel]' for the workbook",
                    lang,
                    vi="chitieu: chưa cài thư viện Excel (xlsxwriter hoặc openpyxl) nên báo cáo "
                    "được ghi dạng CSV; cài pip install 'chitieu[excel]' để có tệp Excel",
                )
            )
        steps.step()
    n_units = int((sub.units["level"] == "COMMUNE").sum())
    n_children = format_number(len(sub.children), 0, lang)
    header = say(
        f"Synthetic data: {counted(len(sub.children), 'child')} in "
        f"{counted(n_units, 'commune')}, year {args.year}, seed {args.seed} -> {data_dir}",
        lang,
        vi=f"Dữ liệu mô phỏng: {n_children} trẻ em ở {counted(n_units, 'xã', lang='vi')}, "
        f"năm {args.year}, seed {args.seed} -> {data_dir}",
    )
    emit(
        "\n\n".join(
            [
                header,
                checked.summary(lang=lang),
                figures,
                example_note(lang) if plan is not None else no_plan_note(lang),
                say(f"Report: {target}", lang, vi=f"Báo cáo: {target}"),
            ]
        )
    )
    with_plan = f" --plan {plan.key}" if plan is not None else ""
    message(
        say(
            f"next: chitieu validate {data_dir}  |  chitieu report {data_dir} --period {period}"
            f"{with_plan}  |  chitieu report {data_dir} --period {period} --out report.xlsx",
            lang,
            vi=f"tiếp theo: chitieu validate {data_dir}  |  chitieu report {data_dir} "
            f"--period {period}{with_plan}  |  chitieu report {data_dir} --period {period} "
            "--out bao-cao.xlsx",
        )
    )
    return int(ExitCode.OK if checked.valid else ExitCode.DATA_PROBLEMS)
