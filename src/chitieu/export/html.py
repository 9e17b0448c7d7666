"""An HTML summary of a report, for Jupyter and for a quick look in a browser.

The summary shows, for every indicator, its Vietnamese and English names, its
code (marked when not confirmed), the confidence of its definition, and the
value with the numerator and denominator behind it, over all the units of the
report (a national roll-up when the report has several units). Every text is
escaped.

Examples
--------
>>> from chitieu import report
>>> from chitieu.indicators.examples import tiny_submission
>>> html = report_html(report(tiny_submission(), period="2024", indicators=["child_population"]))
>>> "Dân số trẻ em" in html and "<table" in html
True
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.report import Report

__all__ = ["format_number", "report_html", "to_html"]

#: Decimals shown for a value of each kind.
DECIMALS = {"count": 0, "sum": 0, "percent": 1, "rate_per_1000": 2, "ratio": 1}


def format_number(value: float, decimals: int = 0) -> str:
    """A number with thousands separators; empty for a missing value.

    >>> format_number(1234567.0), format_number(12.345, 2), format_number(float("nan"))
    ('1,234,567', '12.35', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.{decimals}f}"


def _count_decimals(value: float) -> int:
    """0 for a whole number, else 2."""
    return 0 if value is None or math.isnan(value) or float(value).is_integer() else 2


def report_html(report: Report, *, max_rows: int = 200) -> str:
    """The HTML summary of *report* (at most *max_rows* indicator rows)."""
    meta = report.indicators.set_index("id") if len(report.indicators) else None
    overall = report.overall()
    rows: list[str] = []
    for record in overall.head(max_rows).to_dict("records"):
        m = meta.loc[record["indicator_id"]] if meta is not None else None
        kind = str(m["kind"]) if m is not None else "count"
        decimals = DECIMALS.get(kind, 2)
        code = "" if m is None or m["code"] is None or m["code"] != m["code"] else str(m["code"])
        if m is not None and not bool(m["code_confirmed"]):
            code = f"{code} (chưa xác nhận / unconfirmed)" if code else "—"
        cells = [
            escape(str(record["indicator_id"])),
            escape(code),
            escape(str(m["name_vi"]) if m is not None else ""),
            escape(str(m["name_en"]) if m is not None else ""),
            escape(str(record["period"])),
            escape(str(record["division_version"])),
            format_number(record["value"], decimals),
            escape(str(m["unit_en"]) if m is not None else ""),
            format_number(record["numerator"], _count_decimals(record["numerator"])),
            format_number(record["denominator"], _count_decimals(record["denominator"])),
            escape(str(m["confidence"]) if m is not None else ""),
            escape(str(record["flags"]).replace(",", ", ")),
        ]
        tds = "".join(
            f"<td style='text-align:right'>{c}</td>" if i in (6, 8, 9) else f"<td>{c}</td>"
            for i, c in enumerate(cells)
        )
        rows.append(f"<tr>{tds}</tr>")
    headers = [
        "id",
        "Mã / Code",
        "Chỉ tiêu",
        "Indicator",
        "Kỳ / Period",
        "Danh mục / Division",
        "Giá trị / Value",
        "Đơn vị / Unit",
        "Tử số / Numerator",
        "Mẫu số / Denominator",
        "Độ tin cậy / Confidence",
        "Ghi chú / Flags",
    ]
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    n_units = report.table[["unit_code", "division_version"]].drop_duplicates().shape[0]
    scope = (
        "tổng các đơn vị / over all units (national roll-up)"
        if report.level != "national" and n_units > 1
        else f"{report.level}"
    )
    more = (
        f"<p>… {len(overall) - max_rows:,} more rows; see <code>report.table</code>.</p>"
        if len(overall) > max_rows
        else ""
    )
    skipped = (
        f"<p>Không tính / Not computed: {len(report.skipped)} (<code>report.skipped</code>)</p>"
        if len(report.skipped)
        else ""
    )
    return (
        "<div class='chitieu-report'>"
        "<strong>chitieu Report</strong>"
        f"<p>Kỳ / Period: {escape(report.period)} · Cấp / Level: {escape(report.level)} · "
        f"Đơn vị / Units: {n_units:,} · Dòng / Rows: {len(report.table):,} · "
        f"chitieu {escape(report.chitieu_version)} · input "
        f"<code>{escape(report.input_hash[:12])}</code></p>"
        f"<p>Giá trị hiển thị / Values shown: {escape(scope)}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{more}{skipped}</div>"
    )


def to_html(report: Report, path: str | Path | None = None) -> str | Path:
    """Write the HTML summary to *path* (UTF-8), or return it when *path* is None."""
    text = report_html(report)
    if path is None:
        return text
    target = Path(path)
    page = (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        "<title>chitieu report</title></head><body>" + text + "</body></html>"
    )
    target.write_text(page, encoding="utf-8")
    return target
