"""``chitieu plan check PLAN``: check a plan file and show its targets.

Prints the plan (who set it, its unit and period) and one line per target on
standard output. Every problem is one line on standard error,
``chitieu: error [code]: target N (section, 'wording'): message``, with the
codes of :mod:`chitieu.plans` (``invalid-plan``, ``unknown-indicator``,
``plan-unit-mismatch``, ``threshold-out-of-range``); the exit code is then 2.
A known plan's short name (``thi-tran-thang-2024``) is checked too.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from chitieu.cli._common import (
    ExitCode,
    Lang,
    add_lang_option,
    emit,
    format_table,
    message,
    say,
    tr,
)

__all__ = ["register", "run_check"]

FORMATS: tuple[str, ...] = ("text", "json")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add the ``plan`` command and its ``check`` action."""
    parser = subparsers.add_parser(
        "plan",
        parents=[parent],
        help=tr(
            "check a plan file (targets, units, indicators)",
            "kiểm tra một tệp kế hoạch (chỉ tiêu kế hoạch, đơn vị, chỉ tiêu thống kê)",
        ),
        description=tr(
            "Work with plan files (docs/plans.md).",
            "Làm việc với các tệp kế hoạch (docs/plans.md).",
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    check = actions.add_parser(
        "check",
        parents=[parent],
        help=tr(
            "check a plan file and print its targets",
            "kiểm tra một tệp kế hoạch và in các chỉ tiêu của nó",
        ),
        description=tr(
            "Read PLAN (.yaml, .json, .toml, or a known plan's short name), print the plan and "
            "its targets, and every problem with its code. Exit code 0 when the plan is "
            "valid, 2 when it has problems or cannot be read.",
            "Đọc PLAN (.yaml, .json, .toml, hoặc tên ngắn của một kế hoạch đã biết), in kế "
            "hoạch và các chỉ tiêu, và mọi lỗi cùng mã của nó. Mã thoát 0 khi kế hoạch hợp lệ, "
            "2 khi có lỗi hoặc không đọc được.",
        ),
    )
    check.add_argument(
        "plan",
        metavar="PLAN",
        help=tr(
            "plan file or known plan's short name",
            "tệp kế hoạch hoặc tên ngắn của một kế hoạch đã biết",
        ),
    )
    check.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default="text",
        help=tr("text (default) or json", "text (văn bản, mặc định) hoặc json"),
    )
    add_lang_option(check)
    check.set_defaults(handler=run_check)


def _number(value: Any) -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return f"{value:g}"


def _rows(targets: list[dict[str, Any]], lang: Lang) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for t in targets:
        comparison = str(t.get("comparison") or "")
        threshold = _number(t.get("threshold"))
        unit = str(t.get("unit") or "")
        rule = " ".join(x for x in (comparison, threshold, unit) if x)
        rows.append(
            (
                str(t.get("position", "")),
                str(t.get("section") or ""),
                str(t.get("indicator") or ""),
                rule,
                " ".join(
                    str(
                        (t.get("wording_en") if lang == "en" else None) or t.get("wording_vi") or ""
                    ).split()
                ),
            )
        )
    return rows


def _from_plan(plan: Any) -> list[dict[str, Any]]:
    return [
        {
            "position": i,
            "section": t.section,
            "indicator": t.indicator_id,
            "comparison": t.op,
            "threshold": t.value,
            "unit": t.resolved_unit(),
            "wording_vi": t.text_vi,
            "wording_en": t.text_en,
        }
        for i, t in enumerate(plan.targets, start=1)
    ]


def run_check(args: argparse.Namespace) -> int:
    """Check the plan; print it and its problems; return the exit code."""
    from chitieu.plans import PLANS, Plan, check_plan_file
    from chitieu.privacy import mask_text

    lang: Lang = args.lang
    text = str(args.plan)
    plan: Plan | None
    if text.strip().lower() in PLANS and not Path(text).is_file():
        plan = PLANS[text.strip().lower()]
        problems: list[Any] = []
        targets = _from_plan(plan)
    else:
        if not Path(text).is_file():
            from chitieu.plans import UnknownPlanError

            known = ", ".join(sorted(PLANS))
            raise UnknownPlanError(
                say(
                    f"no plan is called {text!r} and there is no such file; known plans: "
                    f"{known}, or give a plan file (.yaml, .json, .toml)",
                    lang,
                    vi=f"không có kế hoạch nào tên {text!r} và cũng không có tệp này; các kế "
                    f"hoạch đã biết: {known}, hoặc đưa một tệp kế hoạch (.yaml, .json, .toml)",
                )
            )
        found = check_plan_file(text)
        plan, problems = found.plan, found.problems
        targets = _from_plan(plan) if plan is not None else found.targets
    if args.format == "json":
        document = {
            "valid": not problems,
            "plan": None
            if plan is None
            else {
                "key": plan.key,
                "name_vi": plan.name_vi,
                "name_en": plan.name_en,
                "unit_code": plan.unit_code,
                "division_version": plan.division_version,
                "unit_name": plan.unit_name,
                "period": plan.period.label,
                "issuer": plan.issuer,
                "document_number": plan.document_number,
                "document_date": plan.document_date,
            },
            "targets": [
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in t.items()}
                for t in targets
            ],
            "problems": [
                {"code": p.code, "position": p.position, "message": mask_text(p.text(lang))}
                for p in problems
            ],
        }
        emit(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        lines = []
        if plan is not None:
            lines.append(plan.name_vi if lang == "vi" else plan.name_en)
            lines.append(
                say(
                    f"unit {plan.unit_label('en')}, period {plan.period.label}",
                    lang,
                    vi=f"đơn vị {plan.unit_label('vi')}, kỳ {plan.period.label}",
                )
            )
            issued = ", ".join(
                x for x in (plan.issuer, plan.document_number, plan.document_date) if x
            )
            if issued:
                lines.append(say(f"set by {issued}", lang, vi=f"ban hành: {issued}"))
        headers = (
            ("#", "mục", "chỉ tiêu", "so sánh", "nội dung")
            if lang == "vi"
            else ("#", "section", "indicator", "comparison", "wording")
        )
        lines.append(format_table(_rows(targets, lang), headers, align="rlll" + "l"))
        from chitieu.numbers import counted

        n = len(targets)
        if problems:
            lines.append(
                say(
                    f"{counted(n, 'target')}, {counted(len(problems), 'problem')}",
                    lang,
                    vi=f"{n} chỉ tiêu, {len(problems)} lỗi",
                )
            )
        else:
            lines.append(say(f"{counted(n, 'target')}, valid", lang, vi=f"{n} chỉ tiêu, hợp lệ"))
        emit("\n".join(lines))
    for p in problems:
        message(f"chitieu: error [{p.code}]: {mask_text(p.text(lang))}")
    return int(ExitCode.USAGE if problems else ExitCode.OK)
