"""The data-quality sheet of the workbook: every warning of :mod:`chitieu.quality`.

Written by :func:`chitieu.export.to_excel` when the report carries a quality
result (:meth:`chitieu.report.Report.with_quality`, as ``chitieu report``
does unless ``--no-quality``). A title, how many warnings of each code, then
one row per warning: its code and title, the period, the unit's level, code
and division version (never a name), the indicator, the value found and the
value expected, the p-value and the message. With no warning the sheet says
so. A report for publication has no such sheet (the messages give counts).

Examples
--------
>>> import openpyxl, tempfile, pathlib
>>> from chitieu.indicators.examples import tiny_submission
>>> from chitieu.report import report
>>> rep = report(tiny_submission(), period="2024", indicators=["injury_death_rate"])
>>> path = rep.with_quality().to_excel(pathlib.Path(tempfile.mkdtemp()) / "r.xlsx", lang="en")
>>> book = openpyxl.load_workbook(path, read_only=True)
>>> quality_sheet_name("en") in book.sheetnames
True
>>> book.close()
"""

from __future__ import annotations

import math
from typing import Any

from chitieu.privacy import inert, mask_text

__all__ = ["QUALITY_HEADERS", "QUALITY_SHEET", "quality_sheet_name", "write_quality_sheet"]

#: The sheet's name, in Vietnamese and English.
QUALITY_SHEET: tuple[str, str] = ("Chất lượng dữ liệu", "Data quality")

#: Headers of the table of warnings (Vietnamese, English).
QUALITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Mã cảnh báo", "Code"),
    ("Loại cảnh báo", "Warning"),
    ("Kỳ", "Period"),
    ("Cấp", "Level"),
    ("Mã đơn vị", "Unit code"),
    ("Danh mục", "Division"),
    ("Chỉ tiêu", "Indicator"),
    ("Giá trị", "Value"),
    ("Dự kiến", "Expected"),
    ("Giá trị p", "p-value"),
    ("Nội dung", "Message"),
)
_WIDTHS = (22, 28, 10, 10, 10, 10, 22, 12, 12, 10, 80)
_LEVELS_VI = {"commune": "xã", "district": "huyện", "province": "tỉnh", "national": "cả nước"}


def quality_sheet_name(lang: str = "vi") -> str:
    """The sheet's name in *lang*: both languages would pass Excel's 31 characters.

    >>> quality_sheet_name("vi"), quality_sheet_name("en")
    ('Chất lượng dữ liệu', 'Data quality')
    """
    return QUALITY_SHEET[0] if lang == "vi" else QUALITY_SHEET[1]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if _missing(value) or str(value) == "":
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, inert(mask_text(str(value))), fmt)


def _number(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if _missing(value):
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, float(value), fmt)


def write_quality_sheet(workbook: Any, report: Any, lang: str = "vi") -> None:
    """Add the data-quality sheet to *workbook* (xlsxwriter) when *report* carries a result.

    Does nothing for a report without one, or for a report for publication.
    The header row of the table is printed again on every page.
    """
    result = report._quality_shown() if hasattr(report, "_quality_shown") else None
    if result is None:
        return
    from chitieu.export.excel import _height, _text_lines
    from chitieu.numbers import format_number
    from chitieu.validation.catalogue import QUALITY

    vi = lang == "vi"
    first, second = (0, 1) if vi else (1, 0)
    sheet = workbook.add_worksheet(quality_sheet_name(lang))
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    header = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
    )
    decimals = workbook.add_format({"num_format": "#,##0.0", "valign": "top"})
    p_format = workbook.add_format({"num_format": "0.0E+00", "valign": "top"})
    code_format = workbook.add_format(
        {"bold": True, "font_color": "#9C5700", "bg_color": "#FFEB9C", "valign": "top"}
    )
    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    table = result.table
    row = 0
    _text(sheet, row, 0, "Chất lượng số liệu / Data quality" if vi else
          "Data quality / Chất lượng số liệu", title)  # fmt: skip
    row += 1
    intro = (
        "Cảnh báo để người ký báo cáo xem lại; không số liệu nào bị thay đổi. "
        "Đơn vị chỉ được ghi bằng mã."
        if vi
        else "Warnings for the person who signs the report to look at; no figure was changed. "
        "Units are named by their code only."
    )
    sheet.set_row(row, _height(_text_lines(intro, sum(_WIDTHS[:8]))))
    sheet.merge_range(row, 0, row, 7, inert(intro), wrap)
    row += 1
    if not len(table):
        _text(
            sheet, row, 0,
            "Không có cảnh báo chất lượng số liệu." if vi else "No data-quality warning.",
            bold,
        )  # fmt: skip
        return
    for name, n in result.counts().items():
        kind = QUALITY[name]
        count = format_number(n, lang)
        _text(sheet, row, 0, name, code_format)
        _text(sheet, row, 1, f"{kind.title_vi if vi else kind.title_en}: {count}", top)
        row += 1
    row += 1
    head = row
    labels = [f"{pair[first]}\n{pair[second]}" for pair in QUALITY_HEADERS]
    lines = max(_text_lines(t, w - 1) for t, w in zip(labels, _WIDTHS, strict=True))
    sheet.set_row(head, _height(lines))
    for col, label in enumerate(labels):
        _text(sheet, head, col, label, header)
    row += 1
    column = "message_vi" if vi else "message_en"
    for record in table.to_dict("records"):
        code = str(record["code"])
        entry = QUALITY.get(code)
        warning = "" if entry is None else (entry.title_vi if vi else entry.title_en)
        message = str(record[column])
        lines = max(_text_lines(message, _WIDTHS[10]), _text_lines(warning, _WIDTHS[1]))
        if lines > 1:
            sheet.set_row(row, _height(lines))
        level = str(record["level"])
        _text(sheet, row, 0, code, code_format)
        _text(sheet, row, 1, warning, wrap)
        _text(sheet, row, 2, record["period"], top)
        _text(sheet, row, 3, _LEVELS_VI.get(level, level) if vi else level, top)
        _text(sheet, row, 4, record["unit_code"], top)
        version = str(record["division_version"])
        _text(sheet, row, 5, "" if version in ("", "unknown", "nan") else version, top)
        _text(sheet, row, 6, record["indicator_id"], top)
        _number(sheet, row, 7, record["value"], decimals)
        _number(sheet, row, 8, record["expected"], decimals)
        _number(sheet, row, 9, record["p_value"], p_format)
        _text(sheet, row, 10, message, wrap)
        row += 1
    sheet.hide_gridlines(0)  # the table prints its gridlines, so that its rows stay readable
    sheet.repeat_rows(head, head)
    sheet.freeze_panes(head + 1, 1)
    sheet.autofilter(head, 0, max(row - 1, head + 1), len(QUALITY_HEADERS) - 1)
