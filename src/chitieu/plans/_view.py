"""The attainment table at a glance: met, not met or no data, with colour and symbol."""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from chitieu.plans._model import PLAN_UNITS, STATUSES
from chitieu.privacy import mask_text

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.plans._model import Plan

__all__ = ["STATUS_STYLE", "Attainment", "attainment_html", "status_symbol"]

#: How each status is shown: a symbol (so that colour is never the only sign),
#: a background and a text colour.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "met": ("✔", "#E2EFDA", "#375623"),
    "not met": ("✘", "#FCE4D6", "#9C0006"),
    "no data": ("?", "#EDEDED", "#3A3A3A"),
}


def status_symbol(status: str) -> str:
    """The symbol of a status.

    >>> status_symbol("met"), status_symbol("not met"), status_symbol("no data")
    ('✔', '✘', '?')
    """
    return STATUS_STYLE.get(status, ("?", "", ""))[0]


def _number(value: Any, decimals: int = 2) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if number.is_integer() and decimals:
        return f"{number:,.0f}"
    return f"{number:,.{decimals}f}"


def _threshold(row: Mapping[Any, Any], lang: str) -> str:
    op = str(row["op"])
    if op in ("decrease", "no_increase"):
        words = {
            "decrease": ("giảm so với kỳ trước", "lower than the previous period"),
            "no_increase": ("không tăng so với kỳ trước", "not above the previous period"),
        }[op]
        return words[0] if lang == "vi" else words[1]
    spec = PLAN_UNITS.get(str(row.get("unit") or ""))
    label = "" if spec is None else (spec.label_vi if lang == "vi" else spec.label_en)
    sep = "" if label in ("%", "") or label.startswith("/") else " "
    return f"{op} {_number(row['target'])}{sep}{label}"


def attainment_html(result: pd.DataFrame, *, lang: str = "vi") -> str:
    """The attainment table as an HTML fragment: one row per target, status in colour and symbol.

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "position": [1], "section": ["4.1"], "indicator_id": ["injury_rate"],
    ...     "target_vi": ["Dưới 3/1.000 trẻ em"], "target_en": ["Under 3 per 1,000"],
    ...     "op": ["<"], "target": [3.0], "unit": ["per_1000"], "value": [2.5],
    ...     "numerator": [3.0], "denominator": [1200.0], "gap": [-0.5], "status": ["met"],
    ...     "status_vi": ["đạt"], "reason": [""], "reason_vi": [""], "note": [""],
    ...     "note_vi": [""], "period": ["2024"]})
    >>> html = attainment_html(table, lang="en")
    >>> "✔ met" in html and "#E2EFDA" in html and "Under 3 per 1,000" in html
    True
    """
    vi = lang == "vi"
    records = result.to_dict("records")
    counts = {s: sum(1 for r in records if r["status"] == s) for s in STATUS_STYLE}
    summary = " · ".join(
        f"{STATUS_STYLE[s][0]} {(STATUSES[s] if vi else s)}: {counts[s]}" for s in STATUS_STYLE
    )
    headers = (
        ("#", "Mục", "Chỉ tiêu kế hoạch", "Chỉ số", "Ngưỡng", "Giá trị", "Tử số / mẫu số",
         "Chênh lệch", "Kết quả", "Ghi chú")
        if vi
        else ("#", "Section", "Target", "Indicator", "Threshold", "Value",
              "Numerator / denominator", "Gap", "Result", "Note")
    )  # fmt: skip
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    rows = []
    for r in records:
        symbol, background, colour = STATUS_STYLE.get(str(r["status"]), STATUS_STYLE["no data"])
        status = str(r["status_vi"] if vi else r["status"])
        wording = str(r["target_vi"] if vi else (r["target_en"] or r["target_vi"]))
        note = str(r.get("note_vi" if vi else "note") or "")
        counts_text = (
            ""
            if _number(r.get("denominator")) == ""
            else f"{_number(r['numerator'], 0)} / {_number(r['denominator'], 0)}"
        )
        if counts_text == "" and _number(r.get("numerator")) != "":
            counts_text = _number(r["numerator"], 0)
        gap = _number(r.get("gap"))
        if gap and not gap.startswith("-") and gap != "0":
            gap = f"+{gap}"
        cells = [
            escape(str(r.get("position", ""))),
            escape(str(r.get("section", "") or "")),
            escape(wording),
            f"<code>{escape(str(r['indicator_id']))}</code>",
            escape(_threshold(r, lang)),
            escape(_number(r.get("value"))),
            escape(counts_text),
            escape(gap),
            f"<td style='background:{background};color:{colour};font-weight:bold' "
            f"data-status='{escape(str(r['status']))}'>{escape(symbol)} {escape(status)}</td>",
            escape(mask_text(note)),
        ]
        tds = "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells)
        rows.append(f"<tr>{tds}</tr>")
    title = result.attrs.get("plan_name_vi" if vi else "plan_name_en") or result.attrs.get(
        "plan", ""
    )
    unit = result.attrs.get("unit_label_vi" if vi else "unit_label_en", "")
    period = str(result["period"].iloc[0]) if len(result) and "period" in result else ""
    where = " · ".join(x for x in (str(unit), (f"kỳ {period}" if vi else f"period {period}")) if x)
    scope = result.attrs.get("notes_vi" if vi else "notes", [])
    scope_html = "".join(f"<li>{escape(mask_text(str(n)))}</li>" for n in scope)
    hidden = result.attrs.get("figures_hidden")
    hidden_html = (
        "<p>"
        + escape(
            "Bản công bố: chỉ có kết quả, không có số liệu."
            if vi
            else "Publication copy: the results only, without the figures."
        )
        + "</p>"
        if hidden
        else ""
    )
    return (
        "<div class='chitieu-attainment'>"
        f"<strong>{escape(str(title))}</strong>"
        f"<p>{escape(where)}</p><p>{escape(summary)}</p>{hidden_html}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<ul>{scope_html}</ul>" if scope_html else "")
        + "</div>"
    )


class Attainment:
    """The attainment table of a plan, with an HTML view (met, not met, no data at a glance).

    ``table`` is the frame of :func:`chitieu.plans.evaluate`. In a notebook
    the object shows as a table whose result column has a colour *and* a
    symbol (✔ met, ✘ not met, ? no data); :meth:`to_html` writes the same.

    Examples
    --------
    >>> table = pd.DataFrame({"indicator_id": ["injury_rate"], "status": ["met"]})
    >>> view = Attainment(table)
    >>> view.counts()
    {'met': 1, 'not met': 0, 'no data': 0}
    >>> len(view)
    1
    """

    def __init__(self, table: pd.DataFrame, plan: Plan | None = None, *, lang: str = "vi") -> None:
        if lang not in ("vi", "en"):
            raise ValueError(f"lang must be 'vi' or 'en', found {lang!r}")
        self.table = table
        self.plan = plan
        self.lang = lang

    def __len__(self) -> int:
        return len(self.table)

    def counts(self) -> dict[str, int]:
        """How many targets are met, not met and without data."""
        status = self.table["status"]
        return {s: int((status == s).sum()) for s in STATUS_STYLE}

    def __repr__(self) -> str:
        counts = ", ".join(f"{s}={n}" for s, n in self.counts().items())
        name = self.table.attrs.get("plan", "")
        return f"Attainment({name!r}, targets={len(self)}, {counts})"

    def _repr_html_(self) -> str:
        return attainment_html(self.table, lang=self.lang)

    def to_html(self, path: str | Path | None = None, *, lang: str | None = None) -> str | Path:
        """The HTML view; written to *path* as a page (UTF-8), or returned when *path* is None.

        Raises
        ------
        chitieu.errors.WriteError
            When the file cannot be written.
        """
        text = attainment_html(self.table, lang=lang or self.lang)
        if path is None:
            return text
        from chitieu.errors import WriteError

        target = Path(path)
        page = (
            f"<!doctype html><html lang='{lang or self.lang}'><head><meta charset='utf-8'>"
            "<title>chitieu plan</title></head><body>" + text + "</body></html>"
        )
        try:
            target.write_text(page, encoding="utf-8")
        except OSError as error:
            raise WriteError(f"{target.name}: cannot write the file ({error.strerror})") from None
        return target

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table."""
        out = self.table.copy()
        out.attrs = dict(self.table.attrs)
        return out
