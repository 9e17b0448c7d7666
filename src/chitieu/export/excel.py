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
['Bìa - Cover', 'Dân số - Population']
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from chitieu.codelists import get_codelist
from chitieu.disclosure import SYMBOLS, hidden_cells, is_suppressed, threshold
from chitieu.errors import ChitieuError
from chitieu.export.tables import writable_path, write_error
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
}

_COVER = ("Bìa", "Cover")
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
        self.symbol = workbook.add_format({"align": "right"})
        self.no_data = workbook.add_format({"italic": True, "font_color": "#7F7F7F"})
        self._numbers: dict[str, Any] = {}

    def number_format(self, pattern: str) -> Any:
        if pattern not in self._numbers:
            self._numbers[pattern] = self.wb.add_format({"num_format": pattern})
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


def _widths(headers: Sequence[str], columns: Sequence[np.ndarray]) -> list[int]:
    out = []
    for header, values in zip(headers, columns, strict=True):
        sample = values[:2000]
        longest = max((len(str(v)) for v in sample), default=0)
        head = max(len(part) for part in header.split(" / "))
        out.append(int(min(60, max(8, longest + 2, head + 2))))
    return out


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
    for col, width in enumerate(_widths(headers, columns)):
        sheet.set_column(col, col, width)
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
    for r in range(n):
        excel_row = r + 1
        reason = no_data[r]
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
                w.text(sheet, excel_row, c, value)
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


def _write_cover(w: _Writer, sheet: Any, report: Report, lang: str) -> None:
    from chitieu.report import FLAGS

    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 70)
    sheet.set_column(2, 16, 24)
    row = 0
    w.text(
        sheet,
        row,
        0,
        _pair("BÁO CÁO CHỈ TIÊU THỐNG KÊ VỀ TRẺ EM", "STATISTICAL INDICATORS ON CHILDREN", lang),
        w.title,
    )
    row += 1
    w.text(
        sheet,
        row,
        0,
        _pair("Theo Thông tư 13/2021/TT-BLĐTBXH", "Under Circular 13/2021/TT-BLĐTBXH", lang),
    )
    row += 1
    suppressed = is_suppressed(report)
    k = threshold(report)
    if suppressed:
        small = f"1 đến {k - 1}" if k else "nhỏ"
        small_en = f"1 to {k - 1}" if k else "small"
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
    w.text(sheet, row, 0, banner, w.banner)
    row += 2
    meta = report.metadata()
    periods = "; ".join(f"{p['label']} ({p['start']} – {p['end']})" for p in meta["periods"])
    info: list[tuple[tuple[str, str], str]] = [
        (("Kỳ báo cáo", "Period"), periods),
        (
            ("Ngày tham chiếu (cuối kỳ)", "Reference date (last day)"),
            "; ".join(p["end"] for p in meta["periods"]),
        ),
        (("Cấp", "Level"), _pair(*_LEVELS[report.level], lang)),
        (("Số đơn vị", "Number of units"), f"{meta['n_units']:,}"),
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
                f"tử số từ 1 đến {report.small_count - 1}",
                f"numerators 1 to {report.small_count - 1}",
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
    info.extend((("Ghi chú", "Note"), mask_text(str(note))) for note in report.notes)
    for label, value in info:
        w.text(sheet, row, 0, _pair(*label, lang), w.bold)
        w.text(sheet, row, 1, value)
        row += 1

    row += 1
    w.text(sheet, row, 0, _pair("Quy ước", "Conventions", lang), w.title)
    row += 1
    for vi, en in _NOTES:
        w.text(sheet, row, 0, vi if lang == "vi" else en, w.wrap)
        w.text(sheet, row, 1, en if lang == "vi" else vi, w.wrap)
        row += 1

    row += 1
    w.text(sheet, row, 0, _pair("Ký hiệu", "Symbols", lang), w.title)
    row += 1
    for symbol, (vi, en) in SYMBOLS.values():
        w.text(sheet, row, 0, symbol, w.bold)
        w.text(sheet, row, 1, _pair(vi, en, lang), w.wrap)
        row += 1
    w.text(sheet, row, 0, "0", w.bold)
    w.text(sheet, row, 1, _pair("Số không (có thật)", "A true zero", lang), w.wrap)
    row += 1
    w.text(sheet, row, 0, _pair("(ô trống)", "(blank)", lang), w.bold)
    w.text(
        sheet,
        row,
        1,
        _pair("Không có ô này (mẫu số của số đếm)", "No such cell (denominator of a count)", lang),
        w.wrap,
    )
    row += 1

    row += 1
    w.text(sheet, row, 0, _pair("Ghi chú (cột Ghi chú)", "Flags (column Flags)", lang), w.title)
    row += 1
    for flag, (vi, en) in FLAGS.items():
        w.text(sheet, row, 0, flag, w.bold)
        w.text(sheet, row, 1, _pair(vi, en, lang), w.wrap)
        row += 1

    row += 1
    w.text(sheet, row, 0, _pair("Chỉ tiêu", "Indicators", lang), w.title)
    row += 1
    columns: list[tuple[str, tuple[str, str]]] = [
        ("id", ("Mã định danh", "Indicator id")),
        ("code", ("Mã chỉ tiêu", "Code")),
        ("code_confirmed", ("Mã đã xác nhận", "Code confirmed")),
        ("confidence", ("Độ tin cậy", "Confidence")),
        ("existence", ("Có trong Thông tư", "In the circular")),
        ("family", ("Nhóm", "Family")),
        ("name_vi", ("Tên chỉ tiêu (tiếng Việt)", "Name (Vietnamese)")),
        ("name_en", ("Tên chỉ tiêu (tiếng Anh)", "Name (English)")),
        ("kind", ("Loại", "Kind")),
        ("unit_vi" if lang == "vi" else "unit_en", ("Đơn vị tính", "Unit of measure")),
        ("numerator_vi" if lang == "vi" else "numerator_en", ("Tử số", "Numerator")),
        ("denominator_vi" if lang == "vi" else "denominator_en", ("Mẫu số", "Denominator")),
        ("period_convention", ("Quy ước kỳ", "Period convention")),
        ("dimensions", ("Phân tổ", "Dimensions")),
        ("multi_response", ("Phân tổ nhiều lựa chọn", "Multi-response dimensions")),
        ("source", ("Nguồn", "Source")),
        ("notes", ("Ghi chú", "Notes")),
    ]
    for c, (_, label) in enumerate(columns):
        w.text(sheet, row, c, _pair(*label, lang), w.header)
    row += 1
    yes, no = _pair("Có", "Yes", lang), _pair("CHƯA xác nhận", "NOT confirmed", lang)
    for record in report.indicators.to_dict("records"):
        for c, (key, _) in enumerate(columns):
            cell: Any = record.get(key)
            if key == "code_confirmed":
                w.text(sheet, row, c, yes if bool(cell) else no, None if bool(cell) else w.warn)
            elif key == "confidence" and cell == "low":
                w.text(sheet, row, c, cell, w.warn)
            else:
                w.text(sheet, row, c, cell)
        row += 1

    if len(report.skipped):
        row += 1
        w.text(
            sheet,
            row,
            0,
            _pair(
                "Chỉ tiêu không có số liệu (không tính được)",
                "Indicators with no data (not computed)",
                lang,
            ),
            w.title,
        )
        row += 1
        for c, label in enumerate(
            (("Mã định danh", "Indicator id"), ("Kỳ", "Period"), ("Lý do", "Reason"))
        ):
            w.text(sheet, row, c, _pair(*label, lang), w.header)
        row += 1
        for record in report.skipped.to_dict("records"):
            w.text(sheet, row, 0, record["indicator_id"])
            w.text(sheet, row, 1, record["period"])
            w.text(sheet, row, 2, mask_text(str(record["reason"])))
            row += 1

    row += 1
    w.text(sheet, row, 0, _pair("Đơn vị", "Units", lang), w.title)
    row += 1
    for c, label in enumerate(
        (
            ("Cấp", "Level"),
            ("Mã đơn vị", "Unit code"),
            ("Tên đơn vị", "Unit name"),
            ("Danh mục ĐVHC", "Division version"),
        )
    ):
        w.text(sheet, row, c, _pair(*label, lang), w.header)
    row += 1
    for record in report.unit_list().to_dict("records"):
        w.text(sheet, row, 0, _one(_LEVELS[str(record["level"])], lang))
        w.text(sheet, row, 1, record["unit_code"])
        w.text(sheet, row, 2, record["name"])
        w.text(sheet, row, 3, record["division_version"])
        row += 1


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

        write_plan_sheet(workbook, report, lang)
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
