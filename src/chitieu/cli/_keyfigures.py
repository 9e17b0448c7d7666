"""The short table of key indicators printed by ``chitieu report`` and ``chitieu demo``.

The figures come from a :class:`chitieu.report.Report`: without a plan, the
totals over every unit of the data (:meth:`~chitieu.report.Report.overall`);
with a plan, the figures of the plan's commune beside the plan's targets,
judged by :func:`chitieu.plans.evaluate`. An indicator the data cannot give
(:attr:`~chitieu.report.Report.skipped`) or whose denominator is zero prints
"no data" with the reason, never a 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from chitieu import numbers
from chitieu.cli._common import Lang, format_table, say

__all__ = ["KEY_INDICATORS", "format_number", "key_figures", "no_data_text"]

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

    :func:`chitieu.numbers.format_number`, with a dash for a missing value.

    Examples
    --------
    >>> format_number(4200, 0, "vi"), format_number(2.619, 2, "vi")
    ('4.200', '2,62')
    >>> format_number(4200, 0, "en"), format_number(float("nan"), 1, "en")
    ('4,200', '—')
    """
    return numbers.format_number(value, lang, decimals, missing="—")


def no_data_text(lang: Lang) -> str:
    """What a figure without data shows.

    >>> no_data_text("vi"), no_data_text("en")
    ('không có số liệu', 'no data')
    """
    return say("no data", lang, vi="không có số liệu")


#: English units of measure of counts, in the singular (for a count of exactly 1).
_SINGULAR_UNITS: dict[str, str] = {
    "children": "child",
    "cases": "case",
    "events": "event",
    "violators": "violator",
}


def _value_text(value: float, kind: str, unit: str, lang: Lang) -> str:
    """``1,5 %`` or ``1.5%`` for a percentage; else the number and the unit of measure.

    >>> _value_text(1.0, "count", "children", "en"), _value_text(2.0, "count", "children", "en")
    ('1 child', '2 children')
    >>> _value_text(1.5, "percent", "%", "vi"), _value_text(4500.0, "count", "trẻ em", "vi")
    ('1,5 %', '4.500 trẻ em')
    """
    if kind == "percent":
        return numbers.format_percent(value, lang, numbers.decimals_for(kind))
    number = format_number(value, numbers.decimals_for(kind), lang)
    if lang == "en" and value == 1:
        unit = _SINGULAR_UNITS.get(unit, unit)
    return f"{number} {unit}" if unit else number


def _target_text(op: str, target: float, lang: Lang, unit: str = "") -> str:
    """A target as the table shows it: ``>= 96``; a comparison with the previous period in words.

    >>> _target_text(">=", 96.0, "vi"), _target_text("<", 2.5, "vi")
    ('>= 96', '< 2,50')
    >>> _target_text("decrease", 3.0, "vi"), _target_text("decrease", 3.0, "en")
    ('giảm (kỳ trước 3)', 'lower (previous 3)')
    """
    decimals = 0 if float(target).is_integer() else 2
    # a target per 100,000 is compared in its own unit (chitieu.plans), so it says so
    per = say(" per 100,000", lang, vi="/100.000") if unit == "per_100000" else ""
    number = format_number(float(target), decimals, lang)
    if op in _TREND_WORDS:  # the target is the previous period's figure
        vi_word, en_word = _TREND_WORDS[op]
        return say(
            f"{en_word} (previous {number}{per})", lang, vi=f"{vi_word} (kỳ trước {number}{per})"
        )
    return f"{op} {number}{per}"


#: Comparisons with the previous period, in a few words (Vietnamese, English).
_TREND_WORDS: dict[str, tuple[str, str]] = {
    "decrease": ("giảm", "lower"),
    "no_increase": ("không tăng", "not higher"),
}


def _figures(rep: Any, plan: Any) -> dict[str, list[dict[str, Any]]]:
    """The overall rows of each indicator: of the plan's commune, or of all the data."""
    if plan is None:
        rows = rep.overall()
    else:
        totals = rep.totals()
        mine = (totals["unit_code"] == plan.unit_code) & (
            totals["division_version"] == plan.division_version
        )
        rows = totals.loc[mine.to_numpy(dtype=bool)]
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows.to_dict("records"):
        out.setdefault(str(row["indicator_id"]), []).append(row)
    return out


def key_figures(
    rep: Any,
    lang: Lang,
    *,
    indicators: Sequence[str] = KEY_INDICATORS,
    plan: Any = None,
    evaluation: Any = None,
) -> str:
    """The key indicators of the report *rep* as a text table, with a plan's targets if given.

    Parameters
    ----------
    rep
        A :class:`chitieu.report.Report` holding *indicators* (commune level
        when a plan is given).
    lang
        Language of the labels.
    indicators
        The indicators shown, in order; the plan's indicators are added.
    plan
        A :class:`chitieu.plans.Plan`: the figures are then those of the
        plan's commune, with the targets and whether each is met.
    evaluation
        What :func:`chitieu.plans.evaluate` gave for *plan* (computed from
        *rep* when not given).
    """
    from chitieu.indicators import get_indicator

    vi = lang == "vi"
    none = no_data_text(lang)
    ids = list(dict.fromkeys(indicators))
    targets: dict[str, dict[str, Any]] = {}
    scope_notes: list[str] = []
    unit_found = True
    if plan is not None:
        from chitieu.plans import evaluate

        if evaluation is None:
            evaluation = evaluate(plan, rep, validation="skip")
        for row in evaluation.to_dict("records"):
            targets[str(row["indicator_id"])] = row
        ids += [i for i in targets if i not in ids]
        scope_notes = list(evaluation.attrs.get("notes_vi" if vi else "notes", []))
        unit_found = bool(evaluation.attrs.get("unit_found", True))
    figures = _figures(rep, plan)
    skipped = {str(r["indicator_id"]): str(r["reason"]) for r in rep.skipped.to_dict("records")}
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for indicator_id in ids:
        meta = get_indicator(indicator_id)
        name = meta.name_vi if vi else meta.name_en
        unit = (meta.unit_vi if vi else meta.unit_en) or ""
        target = targets.get(indicator_id)
        target_cells: tuple[str, ...] = ()
        if plan is not None:
            if target is None:
                target_cells = ("", "")
            else:
                status = str(target["status_vi" if vi else "status"])
                shown = _target_text(
                    str(target["op"]), target["target"], lang, str(target.get("unit") or "")
                )
                target_cells = (shown, status)
                note = str(target.get("note_vi" if vi else "note") or "")
                reason = str(target.get("reason_vi" if vi else "reason") or "")
                if reason and reason in scope_notes:  # said once, above the others
                    note = note[len(reason) :].lstrip("; ")
                if note:
                    notes.append(f"{indicator_id}: {note}")
        found = figures.get(indicator_id, [])
        if not found:
            if indicator_id in skipped:
                reason = skipped[indicator_id]
            elif plan is not None:
                reason = say(
                    f"no figure for {plan.unit_label('en')} in these data",
                    lang,
                    vi=f"không có số liệu của {plan.unit_label('vi')} trong bộ dữ liệu này",
                )
            else:
                reason = say("not in the report", lang, vi="không có trong báo cáo")
            rows.append((name, none, "", *target_cells))
            if unit_found and (target is None or not target.get("reason")):
                notes.append(f"{indicator_id}: {reason}")
            continue
        several_versions = len({str(r["division_version"]) for r in found}) > 1
        for row in found:
            label = f"{name} ({row['division_version']})" if several_versions else name
            if len(rep.periods) > 1:  # a report of several periods: each row says its own
                label = f"{label}, {row['period']}"
            value = float(row["value"])
            numerator = float(row["numerator"])
            denominator = float(row["denominator"])
            ratio = (
                ""
                if math.isnan(denominator)
                else f"{format_number(numerator, 0, lang)} / {format_number(denominator, 0, lang)}"
            )
            if math.isnan(value):
                rows.append((label, none, ratio, *target_cells))
                if target is None or not target.get("reason"):
                    notes.append(
                        f"{indicator_id}: "
                        + say(
                            "no value: the denominator is zero",
                            lang,
                            vi="không có giá trị: mẫu số bằng 0",
                        )
                    )
                continue
            rows.append((label, _value_text(value, meta.kind, unit, lang), ratio, *target_cells))
    headers: tuple[str, ...] = (
        ("chỉ tiêu", "giá trị", "tử số / mẫu số")
        if vi
        else ("indicator", "value", "numerator / denominator")
    )
    if plan is not None:
        headers += ("kế hoạch", "kết quả") if vi else ("plan target", "result")
    period = rep.period
    if plan is None:
        title = say(f"Key indicators, period {period}:", lang, vi=f"Chỉ tiêu chính, kỳ {period}:")
    else:
        title = say(
            f"Key indicators of {plan.unit_label('en')}, period {period}:",
            lang,
            vi=f"Chỉ tiêu chính của {plan.unit_label('vi')}, kỳ {period}:",
        )
    lines = [title, format_table(rows, headers, align="lrr" + "ll" * (plan is not None))]
    if plan is not None:
        lines.append(say(f"Targets: {plan.name_en}.", lang, vi=f"Kế hoạch: {plan.name_vi}."))
    notes = scope_notes + notes
    if notes:
        lines.append(say("Notes:", lang, vi="Ghi chú:"))
        lines.extend(f"  - {n}" for n in notes)
    return "\n".join(lines)
