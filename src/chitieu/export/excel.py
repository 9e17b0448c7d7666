"""Write a report as an Excel workbook for people who read it in Excel.

The workbook has

- a cover sheet: title, period, level, units, chitieu version, input hash,
  generation time (UTC), the conventions (stock and events, per 1,000,
  multi-response rows), the meaning of every flag, the metadata of every
  indicator with its confidence and whether its code is confirmed, the
  indicators not computed and why, and the list of units;
- one sheet per family of indicators (population, protection, injuries,
  participation, abuse, sanctions, units, external sources) with the rows of
  :attr:`chitieu.report.Report.table`: headers in Vietnamese with English
  beside them ("Giới tính / Sex"), categories shown with their label and code
  ("Nam (M)"), integers with thousands separators, percentages with one
  decimal, rates per 1,000 with two, a frozen header row and an autofilter.

Cells without a number show a symbol, explained on the cover: ``x`` for a
count hidden for publication (:func:`chitieu.disclosure.suppress`), ``..``
for a value that cannot be computed because its denominator is 0, and an
indicator the input cannot give has a row "Không có số liệu" ("No data") with
the reason, where its rows would be. Zeros are shown as ``0``. A suppressed
report says so at the top of the cover.

Security: text from the data (unit names, codes, notes) is always written as
text, never as a formula: text that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return gets a leading ``'`` (:func:`chitieu.privacy.inert`),
and xlsxwriter's conversions of strings to formulas, links and numbers are off.

Writing needs xlsxwriter (``pip install 'chitieu[excel]'``).

Examples
--------
>>> import tempfile, pathlib
>>> from chitieu import report
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
>>> path = to_excel(rep, pathlib.Path(tempfile.mkdtemp()) / "report.xlsx")
>>> import openpyxl
>>> openpyxl.load_workbook(path, read_only=True).sheetnames
['Bìa - Cover', 'Dân số - Population', 'Siêu dữ liệu - Metadata']
"""

from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from chitieu.codelists import get_codelist
from chitieu.disclosure import SYMBOLS, hidden_cells, is_suppressed, threshold
from chitieu.errors import ChitieuError
from chitieu.export.tables import writable_path, write_error
from chitieu.numbers import counted, format_number
from chitieu.privacy import inert, mask_text

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.report import Report

__all__ = ["FAMILIES", "MissingDependencyError", "to_excel"]

#: Families in sheet order, with their Vietnamese and English names.
FAMILIES: dict[str, tuple[str, str]] = {
    "population": ("Dân số", "Population"),
    "protection": ("Bảo vệ", "Protection"),
    "injuries": ("Tai nạn thương tích", "Injuries"),
    "participation": ("Tham gia", "Participation"),
    "abuse": ("Xâm hại", "Abuse"),
    "sanctions": ("Xử lý vi phạm", "Sanctions"),
    "units": ("Đơn vị hành chính", "Units"),
    "external": ("Nguồn ngoài", "External sources"),
    "activities": ("Hoạt động", "Activities"),
}

_COVER = ("Bìa", "Cover")
_METADATA = ("Siêu dữ liệu", "Metadata")
_UNIT_LIST = ("Danh sách đơn vị", "Unit list")
_MAX_ROWS = 1_048_575  # Excel's rows per sheet, less the header

_HEADERS: dict[str, tuple[str, str]] = {
    "indicator_name": ("Chỉ tiêu", "Indicator"),
    "indicator_id": ("Mã định danh", "Indicator id"),
    "code": ("Mã chỉ tiêu", "Code"),
    "period": ("Kỳ báo cáo", "Period"),
    "level": ("Cấp", "Level"),
    "unit_code": ("Mã đơn vị", "Unit code"),
    "unit_name": ("Tên đơn vị", "Unit name"),
    "division_version": ("Danh mục ĐVHC", "Division version"),
    "breakdown": ("Phân tổ theo", "Broken down by"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "value": ("Giá trị", "Value"),
    "unit_of_measure": ("Đơn vị tính", "Unit of measure"),
    "units_missing": ("Số xã chưa báo cáo", "Communes not reporting"),
    "flags": ("Ghi chú", "Flags"),
}

_LEVELS: dict[str, tuple[str, str]] = {
    "commune": ("Xã", "Commune"),
    "district": ("Huyện", "District"),
    "province": ("Tỉnh", "Province"),
    "national": ("Toàn quốc", "National"),
}

_TOTAL = ("Tổng số", "Total")
_UNKNOWN = ("Không rõ", "Unknown")

_VALUE_FORMATS = {
    "count": "#,##0",
    "sum": "#,##0",
    "percent": "#,##0.0",
    "ratio": "#,##0.0",
    "rate_per_1000": "#,##0.00",
}

_NOTES: tuple[tuple[str, str], ...] = (
    (
        "Chỉ tiêu thời điểm (stock) đếm trẻ em dưới 16 tuổi có trong sổ, còn sống và cư trú "
        "vào ngày cuối kỳ; chỉ tiêu sự kiện (events) đếm sự việc xảy ra trong kỳ, tính cả hai "
        "ngày đầu và cuối.",
        "Stock indicators count children under 16 registered, alive and resident on the last "
        "day of the period; event indicators count events dated inside the period, both ends "
        "included.",
    ),
    (
        "Tỷ lệ % là tử số / mẫu số x 100; tỷ suất ‰ là tử số / mẫu số x 1.000. Mẫu số của "
        "tỷ lệ trên tổng số trẻ em là số trẻ em vào ngày cuối kỳ.",
        "A percentage is numerator / denominator x 100; a rate per 1,000 is numerator / "
        "denominator x 1,000. Rates over all children use the stock on the last day of the "
        "period.",
    ),
    (
        "Số liệu cấp trên là tổng tử số và tổng mẫu số của các đơn vị cấp dưới, rồi mới chia; "
        "không lấy trung bình các tỷ lệ. Số trẻ em cộng được vì mỗi trẻ chỉ thuộc một xã.",
        "Higher levels sum the numerators and denominators of the units below, then divide; "
        "rates are never averaged. Children add up because each belongs to one commune.",
    ),
    (
        "Phân tổ nhiều lựa chọn (nhóm hoàn cảnh đặc biệt, hình thức xâm hại, ...): một trẻ có "
        "thể ở nhiều dòng, các dòng không cộng được thành tổng (ghi chú multi_response).",
        "Multi-response breakdowns (special-circumstance group, form of abuse, ...): one child "
        "can be in several rows, which do not add up to the total (flag multi_response).",
    ),
    (
        "Giá trị không rõ là một nhóm riêng, không bị bỏ đi. Mẫu số bằng 0 thì giá trị để trống.",
        "Unknown categories are a category of their own, never dropped. A zero denominator "
        "leaves the value empty.",
    ),
    (
        "Mã chỉ tiêu chưa xác nhận và chỉ tiêu có độ tin cậy thấp được ghi rõ; không trình bày "
        "chúng như mã chính thức.",
        "Unconfirmed codes and low-confidence definitions are marked; do not present them as "
        "official.",
    ),
)


class MissingDependencyError(ChitieuError, ImportError):
    """An optional package needed for an export is not installed."""


def _pair(vi: str, en: str, lang: str) -> str:
    return f"{vi} / {en}" if lang == "vi" else f"{en} / {vi}"


def _one(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "vi" else pair[1]


def _sheet_name(pair: tuple[str, str], lang: str) -> str:
    a, b = pair if lang == "vi" else (pair[1], pair[0])
    name = f"{a} - {b}"
    return name if len(name) <= 31 else a[:31]


def _category_labels(dimension: str, values: Sequence[str], lang: str) -> dict[str, str]:
    """Display text of each category value of *dimension*: label and code."""
    from chitieu.indicators.registry import DIMENSIONS

    dim = DIMENSIONS.get(dimension)
    labels: dict[str, str] = {}
    codelist = get_codelist(dim.codelist) if dim is not None and dim.codelist else None
    for value in values:
        if value == "total":
            labels[value] = _one(_TOTAL, lang)
        elif value == "unknown":
            labels[value] = f"{_one(_UNKNOWN, lang)} (unknown)"
        elif codelist is not None and value in codelist.label_vi:
            text = codelist.label_vi[value] if lang == "vi" else codelist.label_en[value]
            labels[value] = f"{text} ({value})"
        elif dimension == "age_group":
            labels[value] = f"{value} {'tuổi' if lang == 'vi' else 'years'}"
        else:
            labels[value] = str(value)
    return labels


def _map_column(series: pd.Series, mapping: dict[str, str]) -> np.ndarray:
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    texts = np.array([mapping.get(str(u), str(u)) for u in uniques], dtype=object)
    return texts[codes] if len(series) else np.array([], dtype=object)


class _Writer:
    """Formats and safe cell writing for one workbook."""

    def __init__(self, workbook: Any) -> None:
        self.wb = workbook
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.warn = workbook.add_format({"bold": True, "font_color": "#C00000"})
        self.banner = workbook.add_format(
            {"bold": True, "font_size": 12, "font_color": "#C00000", "text_wrap": True}
        )
        self.bold_wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.top = workbook.add_format({"valign": "top"})
        self.symbol = workbook.add_format({"align": "right", "valign": "top"})
        self.no_data = workbook.add_format(
            {"italic": True, "font_color": "#7F7F7F", "text_wrap": True, "valign": "top"}
        )
        self.section = workbook.add_format(
            {"bold": True, "font_size": 12, "bottom": 1, "valign": "bottom"}
        )
        self._numbers: dict[str, Any] = {}

    def number_format(self, pattern: str) -> Any:
        if pattern not in self._numbers:
            self._numbers[pattern] = self.wb.add_format({"num_format": pattern, "valign": "top"})
        return self._numbers[pattern]

    @staticmethod
    def text(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Write *value* as inert text, never as a formula; missing values stay blank."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            sheet.write_blank(row, col, None, fmt)
            return
        if value is pd.NA:
            sheet.write_blank(row, col, None, fmt)
            return
        sheet.write_string(row, col, inert(str(value)), fmt)

    @staticmethod
    def number(sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            sheet.write_blank(row, col, None, fmt)
            return
        sheet.write_number(row, col, float(value), fmt)


#: Widest a column of each kind gets before its text wraps (in characters), so that
#: a family sheet prints one page wide at a readable size.
_WRAP_WIDTHS: dict[str, int] = {
    "indicator_name": 34,
    "code": 12,
    "unit_name": 18,
    "breakdown": 14,
    "unit_of_measure": 12,
    "flags": 22,
}
_DIMENSION_WIDTH = 14
_LINE_HEIGHT = 15.0  # points: one line of 11-point text
_MAX_LINES = 12  # a row is never taller than this many lines (Excel's limit is 409 points)
_COVER_UNITS = 20  # more units than this go to a sheet of their own


def _widths(
    headers: Sequence[str], columns: Sequence[np.ndarray], keys: Sequence[str] | None = None
) -> list[int]:
    """Column widths: the content's width, at most a key's wrapping width, headers wrapped."""
    out = []
    keys = keys if keys is not None else [""] * len(headers)
    for header, values, key in zip(headers, columns, keys, strict=True):
        sample = values[:2000]
        if sample.dtype.kind == "f":  # shown with separators and at most 2 decimals
            finite = sample[np.isfinite(sample)]
            longest = max((len(f"{v:,.2f}") for v in finite), default=0)
        else:
            longest = max((len(str(v)) for v in sample), default=0)
        word = max((len(part) for part in header.split()), default=0)
        cap = _WRAP_WIDTHS.get(key, _DIMENSION_WIDTH if key not in _HEADERS else 60)
        out.append(int(max(min(cap, max(8, longest + 2)), word + 2)))
    return out


def _text_lines(text: object, width: int) -> int:
    """How many lines *text* takes, wrapped at words in a column *width* characters wide."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return 1
    per_line = max(1, round(width * 1.1))  # widths count digits; most letters are narrower
    return sum(
        max(1, len(textwrap.wrap(part, per_line, break_on_hyphens=False)))
        for part in str(text).split("\n")
    )


def _lines(texts: Any, width: int) -> np.ndarray:
    """:func:`_text_lines` of each text (computed once per distinct text)."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=False)
    per_unique = np.array([_text_lines(u, width) for u in uniques], dtype=np.int64)
    return per_unique[codes] if len(codes) else np.array([], dtype=np.int64)


def _height(lines: int) -> float:
    """The height in points of a row of *lines* lines of text."""
    return _LINE_HEIGHT * min(max(1, lines), _MAX_LINES)


def _footer_text(text: str) -> str:
    """*text* safe inside an Excel header or footer (``&`` starts a code there)."""
    return text.replace("&", "&&")[:80]


def _print_setup(sheet: Any, report: Report, lang: str, *, header_rows: int = 0) -> None:
    """Print *sheet* landscape on A4, one page wide, with narrow margins and page numbers.

    The first *header_rows* rows are printed again at the top of every page.
    """
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.55, bottom=0.55)
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    if header_rows:
        sheet.hide_gridlines(0)  # a table prints its gridlines, so that its rows stay readable
        sheet.repeat_rows(0, header_rows - 1)
    page = "Trang &P / &N" if lang == "vi" else "Page &P of &N"
    title = _footer_text(f"chitieu {report.chitieu_version} · {report.period} · {report.level}")
    sheet.set_footer(f"&L&8{title}&C&8{page}&R&8&A", {"margin": 0.25})


def _family_frame(
    report: Report, rows: pd.DataFrame, meta: pd.DataFrame, lang: str
) -> tuple[list[str], list[np.ndarray], list[str], np.ndarray, list[str]]:
    """Header texts, display columns, column kinds (text/count/value), row kinds, column keys."""
    from chitieu.indicators.registry import DIMENSIONS

    ids = rows["indicator_id"]
    name_col = "name_vi" if lang == "vi" else "name_en"
    unit_col = "unit_vi" if lang == "vi" else "unit_en"
    names = report.units.loc[report.units["level"] == report.level]
    name_of = {
        (c, v): n
        for c, v, n in zip(
            names["unit_code"], names["division_version"], names["name"], strict=False
        )
    }
    unit_name = np.array(
        [
            name_of.get((c, v))
            for c, v in zip(rows["unit_code"], rows["division_version"], strict=False)
        ],
        dtype=object,
    )

    def _code_label(c: object, ok: object) -> str:
        if not (isinstance(c, str) and c):
            return "chưa có mã chính thức" if lang == "vi" else "no official code known"
        return c + ("" if bool(ok) else (" (chưa xác nhận)" if lang == "vi" else " (unconfirmed)"))

    code_text = {
        i: _code_label(c, ok)
        for i, c, ok in zip(meta["id"], meta["code"], meta["code_confirmed"], strict=False)
    }
    breakdown_labels = {"total": _one(_TOTAL, lang)} | {
        d: _one((DIMENSIONS[d].vi, DIMENSIONS[d].en), lang) for d in DIMENSIONS
    }
    level = _one(_LEVELS[report.level], lang)
    dims = [d for d in report.dimensions if rows[d].ne("total").any()]
    spec: list[tuple[str, str, np.ndarray]] = [
        (
            "indicator_name",
            "text",
            _map_column(ids, dict(zip(meta["id"], meta[name_col], strict=False))),
        ),
        ("code", "text", _map_column(ids, code_text)),
        ("indicator_id", "text", ids.to_numpy(dtype=object)),
        ("period", "text", rows["period"].to_numpy(dtype=object)),
        ("level", "text", np.full(len(rows), level, dtype=object)),
        ("unit_code", "text", rows["unit_code"].to_numpy(dtype=object)),
        ("unit_name", "text", unit_name),
        ("division_version", "text", rows["division_version"].to_numpy(dtype=object)),
        ("breakdown", "text", _map_column(rows["breakdown"], breakdown_labels)),
    ]
    headers = [_pair(*_HEADERS[k], lang) for k, _, _ in spec]
    for d in dims:
        values = rows[d]
        mapping = _category_labels(d, [str(u) for u in values.unique()], lang)
        spec.append((d, "text", _map_column(values, mapping)))
        headers.append(_pair(DIMENSIONS[d].vi, DIMENSIONS[d].en, lang))
    tail: list[tuple[str, str, np.ndarray]] = [
        ("numerator", "count", rows["numerator"].to_numpy(dtype=np.float64)),
        ("denominator", "count", rows["denominator"].to_numpy(dtype=np.float64)),
        ("value", "value", rows["value"].to_numpy(dtype=np.float64)),
        (
            "unit_of_measure",
            "text",
            _map_column(ids, dict(zip(meta["id"], meta[unit_col], strict=False))),
        ),
    ]
    if rows["units_missing"].notna().any():
        tail.append(
            (
                "units_missing",
                "count",
                rows["units_missing"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
            )
        )
    tail.append(("flags", "text", rows["flags"].str.replace(",", ", ").to_numpy(dtype=object)))
    spec.extend(tail)
    headers.extend(_pair(*_HEADERS[k], lang) for k, _, _ in tail)
    kinds = _map_column(ids, dict(zip(meta["id"], meta["kind"], strict=False)))
    return headers, [c for _, _, c in spec], [k for _, k, _ in spec], kinds, [k for k, _, _ in spec]


def _write_family(
    w: _Writer,
    sheet: Any,
    report: Report,
    rows: pd.DataFrame,
    meta: pd.DataFrame,
    lang: str,
    no_data: np.ndarray,
) -> None:
    """Write one family's rows; *no_data* holds the reason of each "no data" row, else None."""
    headers, columns, kinds, row_kinds, keys_of = _family_frame(report, rows, meta, lang)
    widths = _widths(headers, columns, keys_of)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    _print_setup(sheet, report, lang, header_rows=1)
    wrapped = [
        c
        for c, key in enumerate(keys_of)
        if kinds[c] == "text" and (key in _WRAP_WIDTHS or key not in _HEADERS)
    ]
    text_fmt = [w.wrap if c in wrapped else w.top for c in range(len(headers))]
    header_lines = max(_text_lines(h, widths[c] - 1) for c, h in enumerate(headers))
    sheet.set_row(0, _height(header_lines))
    for col, header in enumerate(headers):
        w.text(sheet, 0, col, header, w.header)
    value_fmt = {k: w.number_format(p) for k, p in _VALUE_FORMATS.items()}
    int_fmt = w.number_format("#,##0")
    dec_fmt = w.number_format("#,##0.00")
    hidden = hidden_cells(rows)
    keys = ("numerator", "denominator", "value")
    by_column = dict(enumerate(keys_of))
    hidden_at = {c: hidden[by_column[c]] for c in by_column if by_column[c] in keys}
    value_col = next(c for c, k in by_column.items() if k == "value")
    flags_col = next(c for c, k in by_column.items() if k == "flags")
    den = rows["denominator"].to_numpy(dtype=np.float64)
    undefined = (den == 0) & ~hidden["value"]
    suppressed_symbol = SYMBOLS["suppressed"][0]
    zero_symbol = SYMBOLS["zero_denominator"][0]
    no_data_text = _pair(SYMBOLS["no_data"][0], "No data", lang)
    n = len(rows)
    row_lines = np.ones(n, dtype=np.int64)
    for c in wrapped:
        row_lines = np.maximum(row_lines, _lines(columns[c], widths[c]))
    has_reason = np.array([reason is not None for reason in no_data], dtype=bool)
    if has_reason.any():  # a "no data" row shows its reason in the flags column
        reasons = np.array([str(x) if x is not None else "" for x in no_data], dtype=object)
        reason_lines = _lines(reasons, widths[flags_col])
        row_lines = np.where(has_reason, np.maximum(row_lines, reason_lines), row_lines)
    for r in range(n):
        excel_row = r + 1
        reason = no_data[r]
        if row_lines[r] > 1:
            sheet.set_row(excel_row, _height(int(row_lines[r])))
        for c, (kind, values) in enumerate(zip(kinds, columns, strict=True)):
            value = values[r]
            if reason is not None and c == value_col:
                w.text(sheet, excel_row, c, no_data_text, w.no_data)
            elif reason is not None and c == flags_col:
                w.text(sheet, excel_row, c, mask_text(str(reason)), w.no_data)
            elif c in hidden_at and hidden_at[c][r]:
                w.text(sheet, excel_row, c, suppressed_symbol, w.symbol)
            elif c == value_col and undefined[r]:
                w.text(sheet, excel_row, c, zero_symbol, w.symbol)
            elif kind == "text":
                w.text(sheet, excel_row, c, value, text_fmt[c])
            elif kind == "count":
                integral = not (
                    isinstance(value, float) and not math.isnan(value) and value != int(value)
                )
                w.number(sheet, excel_row, c, value, int_fmt if integral else dec_fmt)
            else:
                w.number(sheet, excel_row, c, value, value_fmt.get(row_kinds[r], dec_fmt))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(n, 1), len(headers) - 1)


def _no_data_rows(report: Report, columns: Sequence[str]) -> pd.DataFrame:
    """One row per skipped (indicator, period), in the table's columns, with ``_no_data``."""
    skipped = report.skipped
    n = len(skipped)
    out: dict[str, Any] = {}
    for column in columns:
        if column in ("indicator_id", "period"):
            out[column] = skipped[column].astype("str").to_numpy(dtype=object)
        elif column == "level":
            out[column] = np.full(n, report.level, dtype=object)
        elif column == "breakdown" or column in report.dimensions:
            out[column] = np.full(n, "total", dtype=object)
        elif column == "multi_response":
            out[column] = np.zeros(n, dtype=bool)
        elif column in ("numerator", "denominator", "value"):
            out[column] = np.full(n, np.nan)
        elif column == "units_missing":
            out[column] = pd.array([pd.NA] * n, dtype="Int64")
        elif column == "flags":
            out[column] = np.full(n, "", dtype=object)
        else:
            out[column] = np.full(n, None, dtype=object)
    frame = pd.DataFrame(out)
    frame["_no_data"] = skipped["reason"].astype("str").to_numpy(dtype=object)
    return frame


_COVER_WIDTHS = (30, 58, 58)  # columns A, B and C of the cover


class _Cover:
    """Rows of the cover, written top to bottom with heights for their wrapped text."""

    def __init__(self, w: _Writer, sheet: Any) -> None:
        self.w = w
        self.sheet = sheet
        self.row = 0

    def line(self, cells: Sequence[tuple[object, Any]], *, merge_rest: bool = False) -> None:
        """Write one row: a (text, format) per column from A.

        With *merge_rest*, the last cell spans the columns up to C (B and C after
        a label in A; A to C for a single cell).
        """
        widths = list(_COVER_WIDTHS)
        last = len(cells) - 1
        merged = merge_rest and last < len(widths) - 1
        if merged:
            widths = [*widths[:last], sum(widths[last:])]
        lines = max(_text_lines(text, widths[c]) for c, (text, _) in enumerate(cells))
        if lines > 1:
            self.sheet.set_row(self.row, _height(lines))
        for c, (text, fmt) in enumerate(cells):
            if merged and c == last:
                value = "" if text is None else inert(str(text))
                self.sheet.merge_range(self.row, c, self.row, len(_COVER_WIDTHS) - 1, value, fmt)
            else:
                self.w.text(self.sheet, self.row, c, text, fmt)
        self.row += 1

    def title(self, text: str) -> None:
        self.row += 1
        self.sheet.set_row(self.row, 20)
        self.w.text(self.sheet, self.row, 0, text, self.w.section)
        self.row += 1


def _indicator_summary(report: Report, lang: str) -> str:
    """One sentence on the indicators: how many computed, without data, unconfirmed codes."""
    meta = report.indicators
    n = len(meta)
    skipped = report.skipped["indicator_id"].nunique() if len(report.skipped) else 0
    unconfirmed = int((~meta["code_confirmed"].astype(bool)).sum()) if n else 0
    low = int((meta["confidence"] == "low").sum()) if n else 0
    sheet = _sheet_name(_METADATA, lang)
    if lang == "vi":
        return (
            f"{format_number(n, 'vi')} chỉ tiêu có số liệu, {format_number(skipped, 'vi')} chỉ "
            f"tiêu không có số liệu; {format_number(unconfirmed, 'vi')} mã chưa xác nhận, "
            f"{format_number(low, 'vi')} định nghĩa độ tin cậy thấp. Định nghĩa từng chỉ tiêu: "
            f"trang tính '{sheet}'."
        )
    return (
        f"{counted(n, 'indicator')} with data, {counted(skipped, 'indicator')} with no data; "
        f"{counted(unconfirmed, 'code')} not confirmed, {counted(low, 'definition')} of low "
        f"confidence. Each indicator's definition: sheet '{sheet}'."
    )


_EXTERNAL_REASON = "needs data the records do not carry"


def _reason_group(reason: str, lang: str) -> str:
    """The reason an indicator has no data, as the cover groups it.

    The records cannot give the indicators of other sources (each needs its
    own table): they share one line on the cover, and each keeps its full
    reason on its row of the family sheet.
    """
    if _EXTERNAL_REASON in reason:
        return _pair(
            "số liệu từ nguồn khác, hồ sơ của xã không có: mỗi chỉ tiêu cần bảng riêng "
            "(lý do đầy đủ ở dòng của chỉ tiêu, trang tính Nguồn ngoài)",
            "figures from other sources that the records do not carry: each needs its own "
            "table (the full reason is on the indicator's row, sheet External sources)",
            lang,
        )
    return mask_text(reason)


def _write_cover(w: _Writer, sheet: Any, report: Report, lang: str) -> None:
    """The cover: what the report is, its conventions and symbols; one or two printed pages."""
    from chitieu.report import FLAGS

    for c, width in enumerate(_COVER_WIDTHS):
        sheet.set_column(c, c, width)
    sheet.set_column(len(_COVER_WIDTHS), len(_COVER_WIDTHS), 16)  # division version of a unit
    _print_setup(sheet, report, lang)
    cover = _Cover(w, sheet)
    sheet.set_row(0, 22)  # one line each: the title and the circular run over the empty cells
    title = _pair("BÁO CÁO CHỈ TIÊU THỐNG KÊ VỀ TRẺ EM", "STATISTICAL INDICATORS ON CHILDREN", lang)
    w.text(sheet, 0, 0, title, w.title)
    circular = _pair("Theo Thông tư 13/2021/TT-BLĐTBXH", "Under Circular 13/2021/TT-BLĐTBXH", lang)
    w.text(sheet, 1, 0, circular)
    cover.row = 2
    suppressed = is_suppressed(report)
    k = threshold(report)
    if suppressed:
        small = f"1 đến {format_number(k - 1, 'vi')}" if k else "nhỏ"
        small_en = f"1 to {format_number(k - 1, 'en')}" if k else "small"
        banner = _pair(
            f"BẢN CÔNG BỐ: các số đếm từ {small} đã được che (ký hiệu x)",
            f"FOR PUBLICATION: counts from {small_en} are suppressed (shown as x)",
            lang,
        )
    else:
        banner = _pair(
            "BẢN NỘI BỘ: chưa che số nhỏ, không công bố bản này",
            "INTERNAL: small counts are not suppressed; do not publish this copy",
            lang,
        )
    cover.line([(banner, w.banner)], merge_rest=True)
    cover.row += 1
    meta = report.metadata()
    periods = "; ".join(f"{p['label']} ({p['start']} – {p['end']})" for p in meta["periods"])
    small_max = report.small_count - 1
    info: list[tuple[tuple[str, str], str]] = [
        (("Kỳ báo cáo", "Period"), periods),
        (
            ("Ngày tham chiếu (cuối kỳ)", "Reference date (last day)"),
            "; ".join(p["end"] for p in meta["periods"]),
        ),
        (("Cấp", "Level"), _pair(*_LEVELS[report.level], lang)),
        (("Số đơn vị", "Number of units"), format_number(meta["n_units"], lang)),
        (
            ("Danh mục đơn vị hành chính", "Division versions"),
            ", ".join(meta["division_versions"]) or "—",
        ),
        (("Phiên bản chitieu", "chitieu version"), report.chitieu_version),
        (("Mã băm dữ liệu đầu vào (SHA-256)", "Input hash (SHA-256)"), report.input_hash),
        (("Thời điểm tạo (UTC)", "Generated at (UTC)"), report.generated_at),
        (
            ("Nhóm tuổi (cận dưới)", "Age bands (lower bounds)"),
            ", ".join(map(str, report.age_bands))
            if report.age_bands
            else _pair("mặc định 0-5, 6-9, 10-13, 14-15", "default 0-5, 6-9, 10-13, 14-15", lang),
        ),
        (
            ("Ngưỡng số nhỏ", "Small count threshold"),
            _pair(
                f"tử số từ 1 đến {format_number(small_max, 'vi')}",
                f"numerators 1 to {format_number(small_max, 'en')}",
                lang,
            ),
        ),
    ]
    if len(meta["division_versions"]) > 1:
        info.append(
            (
                ("Lưu ý", "Warning"),
                _pair(
                    "Số liệu theo hai danh mục ĐVHC được giữ riêng; muốn gộp cần bảng chuyển đổi.",
                    "Data of two division versions are kept apart; merging needs a crosswalk.",
                    lang,
                ),
            )
        )
    info.append(
        (
            ("Công bố", "Publication"),
            _pair("Đã che số nhỏ", "Suppressed", lang)
            if suppressed
            else _pair("Chưa che số nhỏ (nội bộ)", "Not suppressed (internal)", lang),
        )
    )
    info.append((("Chỉ tiêu", "Indicators"), _indicator_summary(report, lang)))
    info.extend((("Ghi chú", "Note"), mask_text(str(note))) for note in report.notes)
    for label, value in info:
        cover.line([(_pair(*label, lang), w.bold_wrap), (value, w.wrap)], merge_rest=True)

    cover.title(_pair("Quy ước", "Conventions", lang))
    for number, (vi, en) in enumerate(_NOTES, start=1):
        first, second = (vi, en) if lang == "vi" else (en, vi)
        cover.line([(f"{number}.", w.top), (first, w.wrap), (second, w.wrap)])

    cover.title(_pair("Ký hiệu", "Symbols", lang))
    symbols = [(symbol, vi, en) for symbol, (vi, en) in SYMBOLS.values()]
    symbols.append(("0", "Số không (có thật)", "A true zero"))
    symbols.append(
        (
            _pair("(ô trống)", "(blank)", lang),
            "Không có ô này (mẫu số của số đếm)",
            "No such cell (denominator of a count)",
        )
    )
    for symbol, vi, en in symbols:
        first, second = (vi, en) if lang == "vi" else (en, vi)
        cover.line([(symbol, w.bold_wrap), (first, w.wrap), (second, w.wrap)])

    cover.title(_pair("Ghi chú (cột Ghi chú)", "Flags (column Flags)", lang))
    for flag, (vi, en) in FLAGS.items():
        first, second = (vi, en) if lang == "vi" else (en, vi)
        cover.line([(flag, w.bold_wrap), (first, w.wrap), (second, w.wrap)])

    if len(report.skipped):
        cover.title(
            _pair(
                "Chỉ tiêu không có số liệu (không tính được)",
                "Indicators with no data (not computed)",
                lang,
            )
        )
        cover.line(
            [
                (_pair(*label, lang), w.header)
                for label in (
                    ("Kỳ", "Period"),
                    ("Chỉ tiêu (mã định danh)", "Indicators (ids)"),
                    ("Lý do", "Reason"),
                )
            ]
        )
        # one row per period and reason: often many indicators lack the same table
        groups: dict[tuple[str, str], list[str]] = {}
        for record in report.skipped.to_dict("records"):
            key = (str(record["period"]), _reason_group(str(record["reason"]), lang))
            groups.setdefault(key, []).append(str(record["indicator_id"]))
        for (period, reason), ids in groups.items():
            cover.line([(period, w.top), (", ".join(ids), w.wrap), (reason, w.wrap)])

    units = report.unit_list()
    if len(units) <= _COVER_UNITS:
        cover.title(_pair("Đơn vị", "Units", lang))
        _unit_rows(cover, units, lang)
    else:
        cover.title(_pair("Đơn vị", "Units", lang))
        where = _sheet_name(_UNIT_LIST, lang)
        cover.line(
            [
                (
                    _pair(
                        f"{format_number(len(units), 'vi')} đơn vị: xem trang tính '{where}'",
                        f"{counted(len(units), 'unit')}: see the sheet '{where}'",
                        lang,
                    ),
                    None,
                )
            ]
        )


def _unit_rows(cover: _Cover, units: pd.DataFrame, lang: str) -> None:
    """The header and one row per unit: level, code, name, division version."""
    w = cover.w
    header = [
        _pair(*label, lang)
        for label in (
            ("Cấp", "Level"),
            ("Mã đơn vị", "Unit code"),
            ("Tên đơn vị", "Unit name"),
            ("Danh mục ĐVHC", "Division version"),
        )
    ]
    for c, text in enumerate(header):
        w.text(cover.sheet, cover.row, c, text, w.header)
    cover.row += 1
    for record in units.to_dict("records"):
        w.text(cover.sheet, cover.row, 0, _one(_LEVELS[str(record["level"])], lang))
        w.text(cover.sheet, cover.row, 1, record["unit_code"])
        w.text(cover.sheet, cover.row, 2, record["name"])
        w.text(cover.sheet, cover.row, 3, record["division_version"])
        cover.row += 1


def _write_unit_list(w: _Writer, sheet: Any, report: Report, lang: str) -> None:
    """The list of units, when too long for the cover; its header printed on every page."""
    for c, width in enumerate((16, 14, 40, 16)):
        sheet.set_column(c, c, width)
    _print_setup(sheet, report, lang, header_rows=1)
    sheet.set_row(0, _height(2))
    cover = _Cover(w, sheet)
    _unit_rows(cover, report.unit_list(), lang)
    sheet.freeze_panes(1, 0)


#: Columns of the metadata sheet: key, header, width.
_METADATA_COLUMNS: tuple[tuple[str, tuple[str, str], int], ...] = (
    ("id", ("Mã định danh", "Indicator id"), 24),
    ("code", ("Mã chỉ tiêu", "Code"), 9),
    ("code_confirmed", ("Mã đã xác nhận", "Code confirmed"), 14),
    ("confidence", ("Độ tin cậy", "Confidence"), 11),
    ("existence", ("Có trong Thông tư", "In the circular"), 12),
    ("family", ("Nhóm", "Family"), 12),
    ("name_vi", ("Tên chỉ tiêu (tiếng Việt)", "Name (Vietnamese)"), 30),
    ("name_en", ("Tên chỉ tiêu (tiếng Anh)", "Name (English)"), 30),
    ("kind", ("Loại", "Kind"), 10),
    ("unit", ("Đơn vị tính", "Unit of measure"), 12),
    ("numerator", ("Tử số", "Numerator"), 30),
    ("denominator", ("Mẫu số", "Denominator"), 30),
    ("period_convention", ("Quy ước kỳ", "Period convention"), 12),
    ("dimensions", ("Phân tổ", "Dimensions"), 18),
    ("multi_response", ("Phân tổ nhiều lựa chọn", "Multi-response dimensions"), 14),
    ("source", ("Nguồn", "Source"), 24),
    ("notes", ("Ghi chú", "Notes"), 30),
)


def _write_metadata(w: _Writer, sheet: Any, report: Report, lang: str) -> None:
    """Every indicator of the report: code and whether it is confirmed, confidence, definition."""
    for c, (_, _, width) in enumerate(_METADATA_COLUMNS):
        sheet.set_column(c, c, width)
    _print_setup(sheet, report, lang, header_rows=1)
    headers = [_pair(*label, lang) for _, label, _ in _METADATA_COLUMNS]
    sheet.set_row(
        0,
        _height(
            max(_text_lines(h, c[2] - 1) for h, c in zip(headers, _METADATA_COLUMNS, strict=True))
        ),
    )
    for c, text in enumerate(headers):
        w.text(sheet, 0, c, text, w.header)
    suffix = "_vi" if lang == "vi" else "_en"
    yes, no = _pair("Có", "Yes", lang), _pair("CHƯA xác nhận", "NOT confirmed", lang)
    row = 1
    for record in report.indicators.to_dict("records"):
        cells: list[tuple[object, Any]] = []
        for key, _label, _width in _METADATA_COLUMNS:
            cell: Any = record.get(
                key + suffix if key in ("unit", "numerator", "denominator") else key
            )
            if isinstance(cell, list | tuple):
                cell = ", ".join(map(str, cell))
            if key == "code_confirmed":
                cells.append((yes if bool(cell) else no, w.wrap if bool(cell) else w.warn))
            elif key == "confidence" and cell == "low":
                cells.append((cell, w.warn))
            else:
                cells.append((cell, w.wrap))
        lines = max(
            _text_lines(text, spec[2])
            for (text, _fmt), spec in zip(cells, _METADATA_COLUMNS, strict=True)
        )
        if lines > 1:
            sheet.set_row(row, _height(lines))
        for c, (value, fmt) in enumerate(cells):
            w.text(sheet, row, c, value, fmt)
        row += 1
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(row - 1, 1), len(_METADATA_COLUMNS) - 1)


def to_excel(report: Report, path: str | Path, *, lang: str = "vi") -> Path:
    """Write *report* to the workbook *path* (``.xlsx``); return the path.

    Parameters
    ----------
    report
        The report.
    path
        Where to write; an existing file is replaced.
    lang
        ``"vi"`` (Vietnamese first, English beside it) or ``"en"`` (the other
        way round, categories and names in English).

    Raises
    ------
    MissingDependencyError
        When xlsxwriter is not installed.
    chitieu.errors.WriteError
        When the file cannot be written (no permission, a folder at *path*,
        its parent missing or a file).
    ValueError
        For another *lang*, or a family with more rows than an Excel sheet
        holds (roll the report up, or export CSV or Parquet).
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', found {lang!r}")
    try:
        import xlsxwriter
    except ImportError:
        raise MissingDependencyError(
            "Excel export needs the package xlsxwriter; install it with "
            "pip install 'chitieu[excel]'"
        ) from None
    table = report.table
    meta = report.indicators
    no_data = _no_data_rows(report, list(table.columns)) if len(report.skipped) else None
    if no_data is not None:
        from chitieu.indicators import list_indicators

        catalogue = list_indicators()
        extra_ids = set(no_data["indicator_id"]) - set(meta["id"])
        extra = catalogue.loc[catalogue["id"].isin(extra_ids)]
        meta = pd.concat([meta, extra], ignore_index=True) if len(extra) else meta
        rank = {i: r for r, i in enumerate(catalogue["id"])}
        period_rank = {p.label: r for r, p in enumerate(report.periods)}
        both = pd.concat([table.assign(_no_data=None), no_data], ignore_index=True)
        order = np.lexsort(
            (
                np.arange(len(both)),
                both["period"].map(period_rank).fillna(len(period_rank)).to_numpy(dtype=np.int64),
                both["indicator_id"].map(rank).fillna(len(rank)).to_numpy(dtype=np.int64),
            )
        )
        table = both.iloc[order].reset_index(drop=True)
    family_of = dict(zip(meta["id"], meta["family"], strict=False))
    families = table["indicator_id"].map(family_of)
    order_families = [f for f in FAMILIES if f in set(families)] + sorted(
        set(families.dropna()) - set(FAMILIES)
    )
    for family in order_families:
        count = int(families.eq(family).sum())
        if count > _MAX_ROWS:
            raise ValueError(
                f"the {family} indicators have {count:,} rows, more than an Excel sheet holds; "
                "roll the report up to a higher level, or export it with to_csv or to_parquet"
            )
    target = writable_path(path)
    existed = target.exists()
    try:  # refuse early, before any work, where the file cannot be opened at all
        with open(target, "ab"):
            pass
    except OSError as error:
        raise write_error(target, error) from error
    if not existed:
        target.unlink()
    workbook = xlsxwriter.Workbook(
        str(target),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "constant_memory": True,
        },
    )
    from xlsxwriter.exceptions import XlsxFileError

    try:
        w = _Writer(workbook)
        _write_cover(w, workbook.add_worksheet(_sheet_name(_COVER, lang)), report, lang)
        for family in order_families:
            pair = FAMILIES.get(family, (family, family))
            rows = table.loc[families.eq(family).to_numpy(dtype=bool)].reset_index(drop=True)
            reasons = (
                rows.pop("_no_data").to_numpy(dtype=object)
                if "_no_data" in rows.columns
                else np.full(len(rows), None, dtype=object)
            )
            reasons = np.array([None if pd.isna(r) else r for r in reasons], dtype=object)
            sheet = workbook.add_worksheet(_sheet_name(pair, lang))
            _write_family(w, sheet, report, rows, meta, lang, reasons)
        from chitieu.export.excel_plan import write_plan_sheet

        before = len(workbook.worksheets())
        write_plan_sheet(workbook, report, lang)
        from chitieu.export.excel_quality import write_quality_sheet

        write_quality_sheet(workbook, report, lang)
        for added in workbook.worksheets()[before:]:  # these sheets print like the others
            _print_setup(added, report, lang)
        _write_metadata(w, workbook.add_worksheet(_sheet_name(_METADATA, lang)), report, lang)
        if len(report.unit_list()) > _COVER_UNITS:
            _write_unit_list(w, workbook.add_worksheet(_sheet_name(_UNIT_LIST, lang)), report, lang)
    except OSError as error:
        _close_quietly(workbook)
        raise write_error(target, error) from error
    except BaseException:
        _close_quietly(workbook)
        raise
    try:
        workbook.close()
    except (OSError, XlsxFileError) as error:
        _close_temporary_files(workbook)
        cause = error.__context__ if isinstance(error, XlsxFileError) else error
        raise write_error(target, cause or error) from error
    return target


def _close_quietly(workbook: Any) -> None:
    """Close a workbook whose writing failed (and its temporary files), ignoring new failures."""
    with contextlib.suppress(Exception):  # the first error is the one to report
        workbook.close()
    _close_temporary_files(workbook)


def _close_temporary_files(workbook: Any) -> None:
    """Close the row files xlsxwriter keeps open in constant-memory mode."""
    for sheet in workbook.worksheets():
        for name in ("row_data_fh", "fh"):
            handle = getattr(sheet, name, None)
            if handle is not None and hasattr(handle, "close"):
                with contextlib.suppress(Exception):
                    handle.close()
