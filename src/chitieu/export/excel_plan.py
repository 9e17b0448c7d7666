"""The plan sheet of the workbook: every target of a plan, met, not met or no data.

Written by :func:`chitieu.export.to_excel` when the report carries a plan's
attainment table (:meth:`chitieu.report.Report.with_attainment`, as
``chitieu report --plan`` does). One row per target, in the plan's order:
its number and section, the plan's own words, the indicator, the comparison
and threshold in the target's unit, the value in that unit with its
numerator and denominator, the previous period's value for targets against
it, the gap, the result (a symbol and a colour, never colour alone) and the
reason or note. A report for publication carries the results without the
figures (:func:`chitieu.plans.for_publication`).

Examples
--------
>>> import openpyxl
>>> from chitieu import synth
>>> from chitieu.plans import evaluate, get_plan
>>> from chitieu.report import report
>>> plan = get_plan("thi-tran-thang-2024")
>>> sub = synth.place_in_unit(synth.generate(400, seed=3), "07840", division_version="2008")
>>> rep = report(sub, period="2024", indicators=["injury_rate"])
>>> rep = rep.with_attainment(evaluate(plan, sub))
>>> import tempfile, pathlib
>>> path = rep.to_excel(pathlib.Path(tempfile.mkdtemp()) / "r.xlsx", lang="en")
>>> book = openpyxl.load_workbook(path, read_only=True)
>>> rows = list(book[PLAN_SHEET[1]].values)
>>> book.close()
>>> sum(1 for r in rows if isinstance(r[0], int)) == len(plan.targets)
True
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from chitieu.privacy import inert, mask_text

__all__ = ["PLAN_SHEET", "write_plan_sheet"]

#: The sheet's name, in Vietnamese and English.
PLAN_SHEET: tuple[str, str] = ("Kế hoạch", "Plan")

_HEADERS: tuple[tuple[str, str], ...] = (
    ("#", "#"),
    ("Mục", "Section"),
    ("Chỉ tiêu kế hoạch", "Plan target"),
    ("Chỉ số", "Indicator"),
    ("So sánh", "Comparison"),
    ("Ngưỡng", "Threshold"),
    ("Đơn vị", "Unit"),
    ("Kỳ trước", "Previous period"),
    ("Giá trị kỳ trước", "Previous value"),
    ("Giá trị", "Value"),
    ("Tử số", "Numerator"),
    ("Mẫu số", "Denominator"),
    ("Chênh lệch (giá trị - ngưỡng)", "Gap (value - threshold)"),
    ("Kết quả", "Result"),
    ("Lý do / ghi chú", "Reason / note"),
)
_WIDTHS = (5, 8, 60, 32, 24, 10, 16, 12, 12, 12, 10, 12, 14, 20, 70)
_STYLES = {
    "met": ("✔", "#E2EFDA", "#375623"),
    "not met": ("✘", "#FCE4D6", "#9C0006"),
    "no data": ("?", "#EDEDED", "#3A3A3A"),
}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _text(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if _missing(value) or str(value) == "":
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, inert(str(value)), fmt)


def _number(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if _missing(value):
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, float(value), fmt)


def write_plan_sheet(workbook: Any, report: Any, lang: str = "vi") -> None:
    """Add the plan sheet to *workbook* (xlsxwriter) when *report* carries an attainment table.

    Does nothing for a report without one.
    """
    table = getattr(report, "attainment", None)
    if table is None:
        return
    from chitieu.plans import COMPARISONS, PLAN_UNITS, STATUSES

    vi = lang == "vi"
    first, second = (0, 1) if vi else (1, 0)
    sheet = workbook.add_worksheet(PLAN_SHEET[first])
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    header = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    decimals = workbook.add_format({"num_format": "#,##0.00", "valign": "top"})
    integers = workbook.add_format({"num_format": "#,##0", "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    status_formats = {
        s: workbook.add_format(
            {"bold": True, "bg_color": bg, "font_color": fg, "valign": "top", "border": 1}
        )
        for s, (_, bg, fg) in _STYLES.items()
    }
    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    attrs = table.attrs
    row = 0
    name = attrs.get("plan_name_vi" if vi else "plan_name_en") or attrs.get("plan", "")
    _text(sheet, row, 0, name, title)
    row += 1
    unit = attrs.get("unit_label_vi" if vi else "unit_label_en", "")
    period = str(table["period"].iloc[0]) if len(table) else ""
    facts = [
        (("Đơn vị", "Unit"), unit),
        (("Kỳ", "Period"), period),
        (("Cơ quan ban hành", "Set by"), attrs.get("issuer", "")),
        (("Số văn bản", "Document number"), attrs.get("document_number", "")),
        (("Ngày văn bản", "Document date"), attrs.get("document_date", "")),
    ]
    for label, value in facts:
        if value:
            _text(sheet, row, 0, f"{label[first]} / {label[second]}", bold)
            _text(sheet, row, 2, value)
            row += 1
    counts = {s: int((table["status"] == s).sum()) for s in _STYLES}
    summary = " · ".join(
        f"{_STYLES[s][0]} {STATUSES[s] if vi else s}: {counts[s]}" for s in _STYLES
    )
    _text(sheet, row, 0, summary, bold)
    row += 1
    for note in attrs.get("notes_vi" if vi else "notes", []):
        _text(sheet, row, 0, mask_text(str(note)), wrap)
        row += 1
    if attrs.get("figures_hidden"):
        _text(
            sheet, row, 0,
            "Bản công bố: chỉ có kết quả, không có số liệu."
            if vi
            else "Publication copy: the results only, without the figures.",
            bold,
        )  # fmt: skip
        row += 1
    row += 1
    head = row
    for col, pair in enumerate(_HEADERS):
        _text(sheet, row, col, f"{pair[first]}\n{pair[second]}", header)
    row += 1
    for record in table.to_dict("records"):
        status = str(record["status"])
        symbol = _STYLES.get(status, _STYLES["no data"])[0]
        unit_name = str(record.get("unit") or "")
        spec = PLAN_UNITS.get(unit_name)
        unit_label = "" if spec is None else (spec.label_vi if vi else spec.label_en)
        is_count = unit_name == "count"
        wording = record["target_vi"] if vi else (record["target_en"] or record["target_vi"])
        note = record.get("note_vi" if vi else "note") or ""
        _number(sheet, row, 0, record.get("position"), integers)
        _text(sheet, row, 1, record.get("section"), top)
        _text(sheet, row, 2, wording, wrap)
        _text(sheet, row, 3, record["indicator_id"], top)
        words = COMPARISONS.get(str(record["op"]), (str(record["op"]),) * 2)
        _text(sheet, row, 4, f"{words[0] if vi else words[1]} ({record['op']})", top)
        trend = record["op"] in ("decrease", "no_increase")
        _number(sheet, row, 5, None if trend else record["target"], decimals)
        _text(sheet, row, 6, unit_label or unit_name, top)
        _text(sheet, row, 7, record.get("previous_period"), top)
        _number(sheet, row, 8, record.get("previous_value"), integers if is_count else decimals)
        _number(sheet, row, 9, record["value"], integers if is_count else decimals)
        _number(sheet, row, 10, record["numerator"], integers)
        _number(sheet, row, 11, record["denominator"], integers)
        _number(sheet, row, 12, record.get("gap"), integers if is_count else decimals)
        shown = STATUSES.get(status, status) if vi else status
        _text(sheet, row, 13, f"{symbol} {shown}", status_formats.get(status))
        _text(sheet, row, 14, mask_text(str(note)), wrap)
        row += 1
    sheet.freeze_panes(head + 1, 3)
    sheet.autofilter(head, 0, max(row - 1, head + 1), len(_HEADERS) - 1)
