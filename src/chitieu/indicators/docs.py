"""Generate ``docs/indicators.md``, the catalogue of indicators, from the registry.

The page is never edited by hand: a test regenerates it and fails when the
file in the repository differs. To refresh it::

    python -m chitieu.indicators.docs docs/indicators.md

Examples
--------
>>> text = indicators_markdown()
>>> "## child_population" in text and "Dân số trẻ em" in text
True
"""

from __future__ import annotations

import sys
from pathlib import Path

from chitieu.indicators.registry import DIMENSIONS, REGISTRY, IndicatorMeta, _load
from chitieu.indicators.spec import spec_meta
from chitieu.indicators.stock import DEFAULT_AGE_BANDS, age_axis

__all__ = ["indicators_markdown", "write_indicators_markdown"]

_FAMILIES = {
    "population": ("Dân số trẻ em", "Child population"),
    "protection": ("Bảo vệ trẻ em", "Child protection"),
    "injuries": ("Tai nạn, thương tích", "Injuries"),
    "participation": ("Trẻ em tham gia", "Participation"),
    "abuse": ("Xâm hại trẻ em", "Child abuse"),
    "sanctions": ("Xử lý vi phạm hành chính", "Administrative sanctions"),
    "units": ("Số liệu của đơn vị hành chính", "Facts about communes"),
    "external": ("Số liệu từ nguồn khác", "Data from other sources"),
    "activities": ("Hoạt động của xã (kế hoạch)", "What the commune does (plan measures)"),
}

#: A family's common rules, printed under its heading.
_INTROS: dict[str, str] = {
    "activities": (
        "The commune's own measures, the targets of its yearly child-affairs plan, not "
        "indicators of the circular (no official code; source `commune-plan`). **Shares over "
        "activities count people, not sessions**: participants of several sessions are not "
        "distinct people, so for each commune and target group the numerator is the largest "
        "participant count of one qualifying activity dated in the period, capped by the "
        "group size, and the denominator the largest group size declared on those "
        "activities; a commune with no such activity has no denominator (value missing, "
        "never 0). Above a commune numerators and denominators add up. Child-level services "
        "count distinct children of the stock at the reference date with a service of the "
        "right type dated in the period."
    ),
}

_CONVENTION = {
    "stock": ("tại thời điểm thống kê (ngày cuối kỳ)", "stock at the reference date (last day)"),
    "events": ("sự kiện trong kỳ (tính cả hai đầu)", "events in the period (both ends included)"),
}

_FROM = {
    "records": ("hồ sơ trẻ em của xã", "the commune's records"),
    "units": ("bảng đơn vị hành chính", "the units table"),
    "external": ("bảng số liệu bổ sung", "an extra input table"),
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(meta: IndicatorMeta) -> str:
    if meta.code:
        state = (
            "đã xác nhận / confirmed" if meta.code_confirmed else "chưa xác nhận / not confirmed"
        )
        return f"`{meta.code}` ({state})"
    if meta.code_guess:
        return f"none; inferred guess `{meta.code_guess}`, not official"
    return "none (not an indicator of the circular)"


def _dimensions(meta: IndicatorMeta) -> str:
    if not meta.dimensions:
        return "-"
    parts = []
    for name in meta.dimensions:
        d = DIMENSIONS[name]
        mark = " (multi-response / nhiều lựa chọn)" if name in meta.multi_response else ""
        parts.append(f"`{name}` {d.vi} / {d.en}{mark}")
    return "; ".join(parts)


def _section(meta: IndicatorMeta) -> list[str]:
    conv_vi, conv_en = _CONVENTION[meta.period_convention]
    from_vi, from_en = _FROM[meta.computable_from]
    den_vi = meta.denominator_vi or "-"
    den_en = meta.denominator_en or "-"
    evidence = "; ".join(meta.evidence) or "-"
    lines = [
        f"## {meta.id}",
        "",
        f"**{meta.name_vi}**  ",
        f"*{meta.name_en}*",
        "",
        "| | Tiếng Việt | English |",
        "|---|---|---|",
        f"| Tử số / Numerator | {_cell(meta.numerator_vi)} | {_cell(meta.numerator_en)} |",
        f"| Mẫu số / Denominator | {_cell(den_vi)} | {_cell(den_en)} |",
        f"| Đơn vị / Unit | {_cell(meta.unit_vi)} | {_cell(meta.unit_en)} |",
        f"| Quy ước kỳ / Period convention | {conv_vi} | {conv_en} |",
        f"| Tính từ / Computed from | {from_vi} | {from_en} |",
        "",
        f"- Circular code: {_code(meta)}; catalogue entry: "
        f"`{meta.spec_id or '-'}`; group: {meta.group or '-'}",
        f"- Kind: `{meta.kind}`, multiplier {meta.multiplier:,}",
        f"- Dimensions: {_dimensions(meta)}",
        f"- Needs: {', '.join(f'`{r}`' for r in meta.requires)}",
        f"- Options: {', '.join(f'`{o}`' for o in meta.options) or '-'}",
        f"- Confidence: **{meta.confidence}**; existence: {meta.existence}",
        f"- Source: {_cell(meta.source) or '-'}",
        f"- Evidence: {_cell(evidence)}",
    ]
    if meta.notes:
        lines.append(f"- Notes: {_cell(meta.notes)}")
    lines.append("")
    return lines


def indicators_markdown() -> str:
    """The whole catalogue page as Markdown text."""
    _load()
    meta = spec_meta()
    bands = ", ".join(age_axis(DEFAULT_AGE_BANDS).categories[:-1])
    lines = [
        "# Chỉ tiêu / Indicators",
        "",
        "<!-- Generated by chitieu.indicators.docs from the registry; do not edit by hand. -->",
        "",
        f"Indicators of Circular {meta['document_number']} computed by chitieu, with how sure "
        "each entry is. The full appendices of the circular could not be read: a code marked "
        "*not confirmed* or an entry of confidence *low* is inferred and must not be presented "
        "as official.",
        "",
        "Các chỉ tiêu của Thông tư " + meta["document_number"] + " mà chitieu tính, kèm mức độ "
        "chắc chắn của từng chỉ tiêu. Mã chưa xác nhận hoặc độ tin cậy thấp là suy luận, không "
        "phải mã chính thức.",
        "",
        "- Stock indicators count children registered, alive, resident and under 16 on the "
        "reference date (the last day of the period); event indicators count events dated inside "
        "the period, both ends included.",
        "- Distinct children are counted wherever an indicator speaks of children. Dimensions "
        "marked multi-response do not add up to the total.",
        "- Missing or unknown categories are a category of their own; a zero denominator gives "
        "a missing value.",
        f"- Default age groups: {bands} (option `age_bands`).",
        "",
        "| id | Tên chỉ tiêu | Name | Kind | Code | Confidence |",
        "|---|---|---|---|---|---|",
    ]
    ordered = sorted(REGISTRY.values(), key=lambda m: (list(_FAMILIES).index(m.family), m.id))
    for m in ordered:
        code = (m.code or "-") + ("" if m.code_confirmed or not m.code else " (?)")
        lines.append(
            f"| [{m.id}](#{m.id}) | {_cell(m.name_vi)} | {_cell(m.name_en)} | {m.kind} | "
            f"{code} | {m.confidence} |"
        )
    lines.append("")
    family = None
    for m in ordered:
        if m.family != family:
            family = m.family
            vi, en = _FAMILIES[family]
            lines += [f"# {vi} / {en}", ""]
            if family in _INTROS:
                lines += [_INTROS[family], ""]
        lines += _section(m)
    return "\n".join(lines).rstrip() + "\n"


def write_indicators_markdown(path: str | Path) -> Path:
    """Write :func:`indicators_markdown` to *path* (UTF-8) and return it."""
    out = Path(path)
    out.write_text(indicators_markdown(), encoding="utf-8")
    return out


if __name__ == "__main__":  # pragma: no cover
    write_indicators_markdown(sys.argv[1] if len(sys.argv) > 1 else "docs/indicators.md")
