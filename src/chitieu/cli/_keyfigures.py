"""The short table of key indicators printed by ``chitieu report`` and ``chitieu demo``.

Values come from :func:`chitieu.compute.compute` over the whole submission and
the plan targets from :func:`chitieu.plans.evaluate` (the 2024 plan of Thắng
town, whose section II sets the targets a commune tracks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from chitieu.cli._common import Lang, format_table, say
from chitieu.submission import Submission

__all__ = ["KEY_INDICATORS", "format_number", "key_figures"]

KEY_INDICATORS: tuple[str, ...] = (
    "child_population",
    "special_circumstances",
    "special_circumstances_supported",
    "injury_rate",
    "injury_death_rate",
    "consulted_children",
    "abused_children",
)


def format_number(value: float | None, decimals: int, lang: Lang) -> str:
    """A number as people write it: ``4.200`` and ``2,62`` in Vietnamese, ``4,200`` and ``2.62`` in English.

    Examples
    --------
    >>> format_number(4200, 0, "vi"), format_number(2.619, 2, "vi")
    ('4.200', '2,62')
    >>> format_number(4200, 0, "en"), format_number(float("nan"), 1, "en")
    ('4,200', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _decimals(kind: str) -> int:
    return {"count": 0, "sum": 0, "percent": 1}.get(kind, 2)


def _value_text(value: float | None, kind: str, unit: str, lang: Lang) -> str:
    number = format_number(value, _decimals(kind), lang)
    if number == "—":
        return number
    if kind == "percent":
        return f"{number} %"
    return f"{number} {unit}" if unit else number


def key_figures(
    sub: Submission,
    period: Any,
    lang: Lang,
    *,
    indicators: Sequence[str] = KEY_INDICATORS,
) -> str:
    """The key indicators of *sub* for *period* beside the plan's targets, as a text table.

    An indicator the submission has no data for shows "—" with the reason.
    """
    from chitieu.compute import Context
    from chitieu.errors import DataNotAvailableError
    from chitieu.indicators import get_indicator
    from chitieu.plans import THANG_2024, evaluate

    vi = lang == "vi"
    context = Context(sub, period)
    targets = {}
    plan_ids = {t.indicator_id for t in THANG_2024.targets}
    if plan_ids & set(indicators):
        for row in evaluate(THANG_2024, sub, period=context.period).to_dict("records"):
            targets[row["indicator_id"]] = row
    rows = []
    notes = []
    for indicator_id in indicators:
        meta = get_indicator(indicator_id)
        name = meta.name_vi if vi else meta.name_en
        unit = (meta.unit_vi if vi else meta.unit_en) or ""
        try:
            result = context.compute(indicator_id)
        except DataNotAvailableError as exc:
            rows.append((name, "—", "", "", say("no data", lang, vi="không có dữ liệu")))
            notes.append(f"{indicator_id}: {exc}")
            continue
        overall = result.iloc[0]
        value = float(overall["value"])
        numerator = float(overall["numerator"])
        denominator = float(overall["denominator"])
        ratio = (
            f"{format_number(numerator, 0, lang)} / {format_number(denominator, 0, lang)}"
            if not math.isnan(denominator)
            else ""
        )
        target_text = met_text = ""
        target = targets.get(indicator_id)
        if target is not None:
            target_text = f"{target['op']} {format_number(float(target['target']), 0, lang)}"
            met = target["met"]
            if met is None or (isinstance(met, float) and math.isnan(met)):
                met_text = "—"
            elif bool(met):
                met_text = say("met", lang, vi="đạt")
            else:
                met_text = say("not met", lang, vi="chưa đạt")
            note = target.get("note_vi" if lang == "vi" else "note")
            if note:
                notes.append(f"{indicator_id}: {note}")
        rows.append((name, _value_text(value, meta.kind, unit, lang), ratio, target_text, met_text))
    headers = (
        ("chỉ tiêu", "giá trị", "tử số / mẫu số", "kế hoạch", "kết quả")
        if vi
        else ("indicator", "value", "numerator / denominator", "plan target", "result")
    )
    lines = [
        say(
            f"Key indicators, period {context.period.label}:",
            lang,
            vi=f"Chỉ tiêu chính, kỳ {context.period.label}:",
        ),
        format_table(rows, headers, align="lrrll"),
    ]
    if targets:
        lines.append(
            say(
                f"Targets: {THANG_2024.name_en}.",
                lang,
                vi=f"Kế hoạch: {THANG_2024.name_vi}.",
            )
        )
    if notes:
        lines.append(say("Notes:", lang, vi="Ghi chú:"))
        lines.extend(f"  - {n}" for n in notes)
    return "\n".join(lines)
