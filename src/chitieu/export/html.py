"""An HTML summary of a report, for Jupyter and for a quick look in a browser.

The summary shows, for every indicator, its Vietnamese and English names, its
code (marked when not confirmed), the confidence of its definition, and the
value with the numerator and denominator behind it, over all the units of the
report (a national roll-up when the report has several units; each unit's
overall row when the report is suppressed). Hidden cells show ``x``, values
with a zero denominator ``..``, indicators not computed "Không có số liệu"
(no data) with the reason; the notes follow. Every text is escaped.

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
from typing import TYPE_CHECKING, Any

import pandas as pd

from chitieu import numbers
from chitieu.disclosure import SYMBOLS, hidden_cells, is_suppressed, threshold
from chitieu.export.tables import writable_path, write_error
from chitieu.privacy import mask_text

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.report import Report

__all__ = ["format_number", "report_html", "to_html"]

#: Decimals shown for a value of each kind.
DECIMALS = {"count": 0, "sum": 0, "percent": 1, "rate_per_1000": 2, "ratio": 1}


def format_number(value: float, decimals: int = 0, lang: str = "en") -> str:
    """A number with thousands separators; empty for a missing value.

    :func:`chitieu.numbers.format_number`: ``1,234,567`` in English,
    ``1.234.567`` in Vietnamese.

    >>> format_number(1234567.0), format_number(12.345, 2), format_number(float("nan"))
    ('1,234,567', '12.35', '')
    >>> format_number(1234567.0, lang="vi"), format_number(12.345, 2, "vi")
    ('1.234.567', '12,35')
    """
    return numbers.format_number(value, lang, decimals)


def _count_decimals(value: float) -> int:
    """0 for a whole number, else 2."""
    return 0 if value is None or math.isnan(value) or float(value).is_integer() else 2


def _meta_frame(report: Report) -> pd.DataFrame | None:
    """Metadata of the report's indicators and of the skipped ones, indexed by id."""
    meta = report.indicators
    missing = (
        set(report.skipped["indicator_id"]) - set(meta["id"]) if len(report.skipped) else set()
    )
    if missing:
        from chitieu.indicators import list_indicators

        catalogue = list_indicators()
        meta = pd.concat([meta, catalogue.loc[catalogue["id"].isin(missing)]], ignore_index=True)
    return meta.set_index("id") if len(meta) else None


def _count_cell(value: float, hidden: bool, lang: str = "en") -> str:
    if hidden:
        return SYMBOLS["suppressed"][0]
    return format_number(value, _count_decimals(value), lang)


def report_html(report: Report, *, max_rows: int = 200, lang: str = "vi") -> str:
    """The HTML summary of *report* (at most *max_rows* indicator rows).

    Labels are Vietnamese with English beside them; numbers are written as
    *lang* writes them (``4.500`` and ``12,3`` in Vietnamese, the default;
    ``4,500`` and ``12.3`` in English).

    An ordinary report shows each indicator over all its units (a national
    roll-up when it has several). A suppressed report shows the overall row
    of each unit as published, since adding up hidden cells is impossible and
    a roll-up would give away what the suppression hides. Hidden cells show
    ``x``, values with a zero denominator ``..``; indicators not computed show
    "Không có số liệu / No data" with the reason; the notes follow the table.
    """
    meta = _meta_frame(report)
    suppressed = is_suppressed(report)
    shown = report.totals() if suppressed else report.overall()
    hidden = hidden_cells(shown)
    per_unit = suppressed
    records = shown.to_dict("records")
    items: list[tuple[int, int, int, dict[Any, Any], str | None]] = []
    rank = {i: r for r, i in enumerate(meta.index)} if meta is not None else {}
    period_rank = {p.label: r for r, p in enumerate(report.periods)}
    for position, record in enumerate(records):
        key = (rank.get(record["indicator_id"], len(rank)), period_rank.get(record["period"], 0))
        items.append((*key, position, record, None))
    for position, record in enumerate(report.skipped.to_dict("records")):
        key = (rank.get(record["indicator_id"], len(rank)), period_rank.get(record["period"], 0))
        items.append((*key, len(records) + position, dict(record), str(record["reason"])))
    items.sort(key=lambda item: item[:3])
    suppressed_symbol, zero_symbol = SYMBOLS["suppressed"][0], SYMBOLS["zero_denominator"][0]
    no_data_text = f"{SYMBOLS['no_data'][0]} / No data"
    used: set[str] = set()
    rows: list[str] = []
    for _, _, position, record, reason in items[:max_rows]:
        m = meta.loc[record["indicator_id"]] if meta is not None else None
        kind = str(m["kind"]) if m is not None else "count"
        decimals = DECIMALS.get(kind, 2)
        code = "" if m is None or m["code"] is None or m["code"] != m["code"] else str(m["code"])
        if m is not None and not bool(m["code_confirmed"]):
            code = f"{code} (chưa xác nhận / unconfirmed)" if code else "—"
        if reason is not None:
            used.add("no_data")
            value = numerator = denominator = ""
            flags = mask_text(reason)
            unit = ""
            division = ""
            value = no_data_text
        else:
            at = position
            if hidden["value"][at]:
                value = suppressed_symbol
                used.add("suppressed")
            elif record["denominator"] == 0:
                value = zero_symbol
                used.add("zero_denominator")
            else:
                value = format_number(record["value"], decimals, lang)
            numerator = _count_cell(record["numerator"], bool(hidden["numerator"][at]), lang)
            denominator = _count_cell(record["denominator"], bool(hidden["denominator"][at]), lang)
            flags = str(record["flags"]).replace(",", ", ")
            unit = str(record.get("unit_code", ""))
            division = str(record["division_version"])
        cells = [
            escape(str(record["indicator_id"])),
            escape(code),
            escape(str(m["name_vi"]) if m is not None else ""),
            escape(str(m["name_en"]) if m is not None else ""),
            escape(str(record["period"])),
            *([escape(unit)] if per_unit else []),
            escape(division),
            escape(value),
            escape(str(m["unit_en"]) if m is not None else ""),
            escape(numerator),
            escape(denominator),
            escape(str(m["confidence"]) if m is not None else ""),
            escape(flags),
        ]
        right = {6, 8, 9} if not per_unit else {7, 9, 10}
        tds = "".join(
            f"<td style='text-align:right'>{c}</td>" if i in right else f"<td>{c}</td>"
            for i, c in enumerate(cells)
        )
        rows.append(f"<tr>{tds}</tr>")
    headers = [
        "id",
        "Mã / Code",
        "Chỉ tiêu",
        "Indicator",
        "Kỳ / Period",
        *(["Đơn vị / Unit"] if per_unit else []),
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
    if suppressed:
        scope = "từng đơn vị, như công bố / each unit, as published (no roll-up of hidden cells)"
    elif report.level != "national" and n_units > 1:
        scope = "tổng các đơn vị / over all units (national roll-up)"
    else:
        scope = f"{report.level}"
    banner = ""
    if suppressed:
        k = threshold(report)
        small = f"1 đến {k - 1} / 1 to {k - 1}" if k else "nhỏ / small"
        banner = (
            "<p class='chitieu-suppressed'><strong>Bản công bố / Publication copy (suppressed)"
            f"</strong>: số đếm từ {escape(small)} đã được che / counts suppressed, shown as "
            f"<code>{escape(suppressed_symbol)}</code></p>"
        )
    more = (
        f"<p>… {numbers.counted(len(items) - max_rows, 'more row', plural_form='more rows')}; "
        "see <code>report.table</code>.</p>"
        if len(items) > max_rows
        else ""
    )
    legend = "".join(
        f"<li><code>{escape(SYMBOLS[name][0])}</code>: {escape(SYMBOLS[name][1][0])} / "
        f"{escape(SYMBOLS[name][1][1])}</li>"
        for name in SYMBOLS
        if name in used or (name == "suppressed" and suppressed)
    )
    legend = f"<p>Ký hiệu / Symbols:</p><ul class='chitieu-legend'>{legend}</ul>" if legend else ""
    notes = "".join(f"<li>{escape(mask_text(str(n)))}</li>" for n in report.notes)
    notes = f"<p>Ghi chú / Notes:</p><ul class='chitieu-notes'>{notes}</ul>" if notes else ""
    skipped = (
        f"<p>Không có số liệu / No data: {len(report.skipped)} (<code>report.skipped</code>)</p>"
        if len(report.skipped)
        else ""
    )
    title = "chitieu Report (suppressed)" if suppressed else "chitieu Report"
    return (
        "<div class='chitieu-report'>"
        f"<strong>{escape(title)}</strong>{banner}"
        f"<p>Kỳ / Period: {escape(report.period)} · Cấp / Level: {escape(report.level)} · "
        f"Đơn vị / Units: {format_number(n_units, 0, lang)} · "
        f"Dòng / Rows: {format_number(len(report.table), 0, lang)} · "
        f"chitieu {escape(report.chitieu_version)} · input "
        f"<code>{escape(report.input_hash[:12])}</code></p>"
        f"<p>Giá trị hiển thị / Values shown: {escape(scope)}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{more}{legend}{notes}{skipped}{_plan_section(report)}"
        f"{_quality_section(report, lang)}</div>"
    )


def _plan_section(report: Report) -> str:
    """The plan's attainment (:mod:`chitieu.plans`) when the report carries one."""
    table = report.attainment
    if table is None:
        return ""
    from chitieu.plans import attainment_html

    return attainment_html(table)


def _quality_section(report: Report, lang: str) -> str:
    """The data-quality warnings (:mod:`chitieu.quality`) when the report carries them.

    One row per warning: code, unit code, indicator, message (in *lang*).
    """
    result = report._quality_shown()
    if result is None:
        return ""
    title = "<p><strong>Chất lượng số liệu / Data quality</strong></p>"
    if not len(result):
        none = "Không có cảnh báo chất lượng số liệu / No data-quality warning"
        return f"<div class='chitieu-quality'>{title}<p>{escape(none)}.</p></div>"
    column = "message_vi" if lang == "vi" else "message_en"
    headers = ("Mã / Code", "Đơn vị / Unit", "Chỉ tiêu / Indicator", "Nội dung / Message")
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(mask_text(str(c)))}</td>"
            for c in (r["code"], r["unit_code"], r["indicator_id"] or "—", r[column])
        )
        + "</tr>"
        for r in result.table.to_dict("records")
    )
    return (
        f"<div class='chitieu-quality'>{title}<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


def to_html(report: Report, path: str | Path | None = None, *, lang: str = "vi") -> str | Path:
    """Write the HTML summary to *path* (UTF-8), or return it when *path* is None.

    *lang* is how numbers are written (:func:`report_html`).

    Raises
    ------
    chitieu.errors.WriteError
        When the file cannot be written.
    """
    target = None if path is None else writable_path(path)
    text = report_html(report, lang=lang)
    if target is None:
        return text
    page = (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        "<title>chitieu report</title></head><body>" + text + "</body></html>"
    )
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as error:
        raise write_error(target, error) from error
    return target
