"""Evaluating a plan: the attainment table, in each target's own unit."""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pandas as pd

from chitieu.errors import DataNotAvailableError, UnknownIndicatorError
from chitieu.inbound import check_mode
from chitieu.numbers import format_number
from chitieu.periods import Period, parse_period
from chitieu.plans._model import (
    PLAN_UNITS,
    STATUSES,
    Plan,
    PlanMismatchError,
    Target,
    convert,
    indicator_unit,
)
from chitieu.submission import Submission

__all__ = [
    "ATTAINMENT_COLUMNS",
    "attainment_notes",
    "attainment_records",
    "check_period",
    "evaluate",
    "for_publication",
    "previous_period",
]

#: The columns of the attainment table, in order.
ATTAINMENT_COLUMNS: tuple[str, ...] = (
    "position", "section", "indicator_id", "unit_code", "division_version", "period",
    "target_vi", "target_en", "op", "target", "unit", "value", "numerator", "denominator",
    "previous_period", "previous_value", "gap", "status", "status_vi", "met", "reason",
    "reason_vi", "note", "note_vi",
)  # fmt: skip

#: Columns that carry figures (blanked by :func:`for_publication`).
_FIGURES = ("value", "numerator", "denominator", "previous_value", "gap")


def check_period(plan: Plan, period: Any) -> Period:
    """The period asked, if it is the plan's period; else :class:`PlanMismatchError`.

    The period must cover exactly the plan's dates: a quarter or a half of the
    plan's year is refused (yearly targets cannot be compared with a part of the
    year), and so is another year.

    >>> from chitieu.plans import get_plan
    >>> plan = get_plan("thi-tran-thang-2024")
    >>> check_period(plan, "2024-01-01..2024-12-31").label
    '2024-01-01..2024-12-31'
    >>> check_period(plan, 2025)
    Traceback (most recent call last):
    ...
    chitieu.plans.PlanMismatchError: the plan '2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)' is for 2024, not for 2025: its targets say nothing about another period
    """
    asked = parse_period(period)
    own = plan.period
    if (asked.start, asked.end) == (own.start, own.end):
        return asked
    if own.start <= asked.start and asked.end <= own.end:
        raise PlanMismatchError(
            f"the period {asked.label} is part of the period of the plan {plan.name_en!r} "
            f"({own.label}): its targets are for the whole of {own.label} and cannot be "
            f"compared with a part of it; evaluate the plan for {own.label}"
        )
    raise PlanMismatchError(
        f"the plan {plan.name_en!r} is for {own.label}, not for {asked.label}: its targets "
        "say nothing about another period"
    )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def previous_period(period: Period) -> Period:
    """The period of the same length just before *period*.

    Whole months shift by months (a year, a half, a quarter, a month keep
    their kind of label); other ranges shift by their number of days.

    Examples
    --------
    >>> [previous_period(parse_period(p)).label for p in ("2024", "2024-H1", "2024-Q3", "2024-01")]
    ['2023', '2023-H2', '2024-Q2', '2023-12']
    >>> previous_period(parse_period("2024-03-01..2024-03-10")).label
    '2024-02-20..2024-02-29'
    """
    start, end = period.start, period.end
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        new_start = _add_months(start, -months)
        new_end = start - timedelta(days=1)
        if months == 12 and start.month == 1:
            return parse_period(str(new_start.year))
        if months == 6 and new_start.month in (1, 7):
            return parse_period(f"{new_start.year}-H{1 if new_start.month == 1 else 2}")
        if months == 3 and new_start.month in (1, 4, 7, 10):
            return parse_period(f"{new_start.year}-Q{(new_start.month - 1) // 3 + 1}")
        if months == 1:
            return parse_period(f"{new_start.year}-{new_start.month:02d}")
    else:
        days = (end - start).days + 1
        new_start, new_end = start - timedelta(days=days), start - timedelta(days=1)
    return parse_period(f"{new_start.isoformat()}..{new_end.isoformat()}")


def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:,.2f}"


def _fmt_vi(x: float | None) -> str:
    """A figure of a Vietnamese note: ``2,00``, ``4.500,00``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return format_number(x, "vi", 2)


def _plan_report(plan: Plan, data: Submission, periods: list[Period], validation: str) -> Any:
    """The commune-level report of the plan's indicators on *data*."""
    from chitieu.report import report as build_report

    ids = list(dict.fromkeys(t.indicator_id for t in plan.targets))
    return build_report(
        data,
        period=periods if len(periods) > 1 else periods[0],
        level="commune",
        indicators=ids,
        validation=validation,  # type: ignore[arg-type]
    )


def _report_communes(rep: Any) -> set[tuple[str, str]]:
    """The communes (code, version) a commune-level report speaks of."""
    from chitieu.units import UNKNOWN_UNIT

    found: set[tuple[str, str]] = set()
    table = rep.table.loc[:, ["unit_code", "division_version"]].drop_duplicates()
    found.update(
        zip(table["unit_code"].astype(str), table["division_version"].astype(str), strict=True)
    )
    units = rep.units.loc[rep.units["level"] == "commune"]
    found.update(
        zip(units["unit_code"].astype(str), units["division_version"].astype(str), strict=True)
    )
    return {(c, v) for c, v in found if c != UNKNOWN_UNIT}


def _label(rep: Any, period: Period) -> str | None:
    labels = [p.label for p in rep.periods if (p.start, p.end) == (period.start, period.end)]
    return labels[0] if labels else None


def _cell(
    rep: Any, target: Target, unit: tuple[str, str], label: str
) -> tuple[dict[str, Any] | None, str, str]:
    """The total cell of *target*'s indicator for *unit* and *label*, or the reason there is none."""
    skipped = rep.skipped
    why = skipped.loc[
        (skipped["indicator_id"] == target.indicator_id) & (skipped["period"] == label), "reason"
    ]
    if len(why):
        reason = str(why.iloc[0])
        return (
            None,
            f"not computable from this submission: indicator {target.indicator_id!r} was not "
            f"computed: {reason}",
            f"không tính được từ bộ dữ liệu này: chỉ tiêu {target.indicator_id!r} không được "
            f"tính: {reason}",
        )
    try:
        cells = rep.get(
            target.indicator_id,
            by="total",
            unit_code=unit[0],
            division_version=unit[1],
            period=label,
        )
    except DataNotAvailableError as exc:
        return (
            None,
            f"not computable from this submission: {exc}",
            f"không tính được từ bộ dữ liệu này: {exc}",
        )
    except UnknownIndicatorError:
        return (
            None,
            f"the report does not hold indicator {target.indicator_id!r}",
            f"báo cáo không có chỉ tiêu {target.indicator_id!r}",
        )
    if cells.empty:
        return (
            None,
            f"no figure of {target.indicator_id!r} for the unit in this data",
            f"không có số liệu {target.indicator_id!r} của đơn vị trong bộ dữ liệu này",
        )
    return dict(cells.iloc[0]), "", ""


def _fill(
    row: dict[str, Any],
    rep: Any,
    target: Target,
    label: str,
    previous: Period | None,
) -> None:
    """Fill *row* with the figure of *target* (in the target's unit), its gap and status."""
    from chitieu.indicators import get_indicator

    meta = get_indicator(target.indicator_id)
    unit = row["unit"]
    here = (row["unit_code"], row["division_version"])
    cell, reason, reason_vi = _cell(rep, target, here, label)
    if cell is None:
        row["reason"], row["reason_vi"] = reason, reason_vi
        return
    raw = float(cell["value"])
    row.update(
        value=convert(raw, meta.multiplier, meta.kind, unit) if not math.isnan(raw) else math.nan,
        numerator=float(cell["numerator"]),
        denominator=float(cell["denominator"]),
    )
    if math.isnan(raw):
        row["reason"] = "no value: the denominator is zero"
        row["reason_vi"] = "không có giá trị: mẫu số bằng 0"
        return
    threshold = row["target"]
    if target.trend:
        assert previous is not None
        row["previous_period"] = previous.label
        previous_label = _label(rep, previous)
        if previous_label is None:
            row["reason"] = (
                f"the previous period is not covered: the figures hold no {previous.label}"
            )
            row["reason_vi"] = f"kỳ trước chưa có số liệu: không có số liệu {previous.label}"
            return
        before, reason, reason_vi = _cell(rep, target, here, previous_label)
        if before is None:
            row["reason"] = f"the previous period is not covered ({previous.label}): {reason}"
            row["reason_vi"] = f"kỳ trước chưa có số liệu ({previous.label}): {reason_vi}"
            return
        earlier = float(before["value"])
        if math.isnan(earlier):
            row["reason"] = (
                f"no value for the previous period ({previous.label}): the denominator is zero"
            )
            row["reason_vi"] = f"kỳ trước ({previous.label}) không có giá trị: mẫu số bằng 0"
            return
        threshold = convert(earlier, meta.multiplier, meta.kind, unit)
        row["previous_value"] = threshold
        row["target"] = threshold
    value = float(row["value"])
    row["gap"] = value - threshold
    met = target.is_met(value, threshold)
    row["met"] = met
    row["status"] = "met" if met else "not met"
    row["status_vi"] = STATUSES[row["status"]]


def _implausible(target: Target, unit: str) -> tuple[str, str]:
    """The note on a target far from its reference, in English and Vietnamese."""
    if target.reference is None or target.value is None or not target.reference:
        return "", ""
    ref_unit = target.reference_unit or unit
    reference = target.reference
    if ref_unit != unit and unit != "count":
        reference = reference * PLAN_UNITS[unit].multiplier / PLAN_UNITS[ref_unit].multiplier
    if not reference:
        return "", ""
    ratio = target.value / reference
    if not (ratio >= target.implausible_ratio or ratio <= 1 / target.implausible_ratio):
        return "", ""
    spec, ref_spec = PLAN_UNITS[unit], PLAN_UNITS[ref_unit]
    as_given = f" = {target.reference:,g} {ref_spec.label_en}" if ref_unit != unit else ""
    as_given_vi = (
        f" = {format_number(target.reference, 'vi', 0 if float(target.reference).is_integer() else 2)}"
        f"{ref_spec.label_vi}"
        if ref_unit != unit
        else ""
    )
    source = target.reference_source
    source_vi = target.reference_source_vi or source
    return (
        f"the target ({_fmt(target.value)} {spec.label_en}) is {ratio:,.1f} times the reference "
        f"{_fmt(reference)} {spec.label_en}{as_given} ({source}): meeting it says little",
        f"chỉ tiêu kế hoạch ({_fmt_vi(target.value)}{spec.label_vi}) gấp "
        f"{format_number(ratio, 'vi', 1)} lần mức tham chiếu {_fmt_vi(reference)}"
        f"{spec.label_vi}{as_given_vi} ({source_vi}): đạt được cũng chưa nói lên nhiều",
    )


def evaluate(
    plan: Plan,
    data: Any,
    *,
    period: Any = None,
    validation: str = "drop",
) -> pd.DataFrame:
    """Evaluate *plan* on *data* for the plan's commune: one row per target.

    Parameters
    ----------
    plan
        The plan, e.g. ``get_plan("thi-tran-thang-2024")``.
    data
        A :class:`~chitieu.submission.Submission`, or a commune-level
        :class:`~chitieu.report.Report` that holds the plan's period (and
        ideally its indicators, and the previous period for ``decrease`` and
        ``no_increase`` targets).
    period
        The period asked (default: the plan's). Anything but the plan's own
        period is refused.
    validation
        ``"drop"`` (default), ``"refuse"`` or ``"skip"``: how the input is
        validated, passed on to :func:`chitieu.report.report` (a Report given
        as *data* is used as it is).

    Returns
    -------
    DataFrame
        The columns of :data:`ATTAINMENT_COLUMNS`: the target's number and
        section, the indicator, the unit evaluated and the period; the plan's
        wording (``target_vi``, ``target_en``); the comparison ``op`` and the
        threshold ``target`` in the target's ``unit`` (for ``decrease`` and
        ``no_increase``: the previous period's value); ``value`` in that unit,
        with the ``numerator`` and ``denominator`` it rests on;
        ``previous_period`` and ``previous_value`` for targets against the
        previous period; ``gap`` = value - threshold, in the target's unit;
        ``status`` ``met``, ``not met`` or ``no data`` (``met`` True, False or
        missing) with the ``reason`` there is no data; ``note`` adds what the
        evaluation noticed (a target far from its reference, how the target
        is read). ``attrs["notes"]`` and ``attrs["notes_vi"]`` say which unit
        was evaluated when the data hold other communes, or none of the
        plan's (then ``attrs["unit_found"]`` is False).

    Raises
    ------
    PlanMismatchError
        When *period* is not the plan's period, or a report given as *data*
        does not hold it or is not at commune level.

    Examples
    --------
    >>> from chitieu import synth
    >>> from chitieu.plans import get_plan
    >>> plan = get_plan("thi-tran-thang-2024")
    >>> sub = synth.place_in_unit(synth.generate(600, seed=2), "07840", division_version="2008")
    >>> result = evaluate(plan, sub)
    >>> result.loc[result["indicator_id"] == "special_circumstances", "status"].isin(
    ...     ["met", "not met"]).all()
    np.True_
    >>> evaluate(plan, sub, period="2024-Q1")
    Traceback (most recent call last):
    ...
    chitieu.plans.PlanMismatchError: the period 2024-Q1 is part of the period of the plan '2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)' (2024): its targets are for the whole of 2024 and cannot be compared with a part of it; evaluate the plan for 2024
    """
    from chitieu.report import Report

    check_mode(validation)
    asked = check_period(plan, plan.period if period is None else period)
    previous = previous_period(asked) if plan.needs_previous else None
    if isinstance(data, Submission):
        periods = [asked] if previous is None else [previous, asked]
        rep = _plan_report(plan, data, periods, validation)
    elif isinstance(data, Report):
        rep = data
        if rep.level != "commune":
            raise PlanMismatchError(
                f"the plan {plan.name_en!r} is for one commune; the report is at {rep.level} "
                "level: evaluate it on a commune-level report or on the submission"
            )
    else:
        raise TypeError(f"data must be a chitieu Submission or Report, found {type(data).__name__}")
    label = _label(rep, asked)
    if label is None:
        raise PlanMismatchError(
            f"the report is for {rep.period}, not for the plan's period {plan.period.label}"
        )
    unit = (plan.unit_code, plan.division_version)
    communes = _report_communes(rep)
    others = sorted(communes - {unit})
    notes: list[str] = []
    notes_vi: list[str] = []
    absent = unit not in communes
    if absent:
        held_en = held_vi = ""
        if others:
            shown = ", ".join(f"{c} ({v})" for c, v in others[:5])
            more = f" and {len(others) - 5:,} more" if len(others) > 5 else ""
            more_vi = f" và {len(others) - 5:,} xã khác" if len(others) > 5 else ""
            held_en = f"; they hold communes {shown}{more}"
            held_vi = f"; dữ liệu có các xã {shown}{more_vi}"
        notes.append(
            f"the data hold no record of {plan.unit_label('en')}, the unit the plan was set "
            f"for{held_en}"
        )
        notes_vi.append(
            f"dữ liệu không có bản ghi nào của {plan.unit_label('vi')}, đơn vị của kế hoạch"
            f"{held_vi}"
        )
    elif others:
        notes.append(
            f"only {plan.unit_label('en')} was evaluated: the plan's targets are for that "
            f"commune, and the data also hold {len(others):,} other "
            f"{'commune' if len(others) == 1 else 'communes'}"
        )
        notes_vi.append(
            f"chỉ đánh giá {plan.unit_label('vi')}: chỉ tiêu kế hoạch là của đơn vị này, "
            f"dữ liệu còn có {len(others):,} xã khác"
        )
    rows = []
    from chitieu.indicators import get_indicator

    for position, t in enumerate(plan.targets, start=1):
        target_unit = t.unit or indicator_unit(get_indicator(t.indicator_id).kind)
        row: dict[str, Any] = {
            "position": position,
            "section": t.section,
            "indicator_id": t.indicator_id,
            "unit_code": plan.unit_code,
            "division_version": plan.division_version,
            "period": label,
            "target_vi": t.text_vi,
            "target_en": t.text_en,
            "op": t.op,
            "target": math.nan if t.value is None else t.value,
            "unit": target_unit,
            "value": math.nan,
            "numerator": math.nan,
            "denominator": math.nan,
            "previous_period": previous.label if t.trend and previous is not None else "",
            "previous_value": math.nan,
            "gap": math.nan,
            "status": "no data",
            "status_vi": STATUSES["no data"],
            "met": pd.NA,
            "reason": "",
            "reason_vi": "",
            "note": "",
            "note_vi": "",
        }
        if absent:
            row["reason"], row["reason_vi"] = notes[0], notes_vi[0]
        else:
            _fill(row, rep, t, label, previous)
        far, far_vi = _implausible(t, target_unit)
        row["note"] = "; ".join(x for x in (row["reason"], far, t.note) if x)
        row["note_vi"] = "; ".join(x for x in (row["reason_vi"], far_vi, t.note_vi) if x)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(ATTAINMENT_COLUMNS))
    out["met"] = out["met"].astype("boolean")
    for column in ("target", "value", "numerator", "denominator", "previous_value", "gap"):
        out[column] = out[column].astype("float64")
    out["position"] = out["position"].astype("int64")
    out.attrs["plan"] = plan.key or plan.name_en
    out.attrs["plan_name_vi"] = plan.name_vi
    out.attrs["plan_name_en"] = plan.name_en
    out.attrs["unit_label_vi"] = plan.unit_label("vi")
    out.attrs["unit_label_en"] = plan.unit_label("en")
    out.attrs["issuer"] = plan.issuer
    out.attrs["document_number"] = plan.document_number
    out.attrs["document_date"] = plan.document_date
    out.attrs["unit_found"] = not absent
    out.attrs["notes"] = notes
    out.attrs["notes_vi"] = notes_vi
    return out


def for_publication(result: pd.DataFrame) -> pd.DataFrame:
    """The attainment table without its figures (value, counts, gap): for a published report.

    The status of each target stays; the counts behind it, which may be small,
    do not.

    >>> table = pd.DataFrame({"value": [2.5], "numerator": [3.0], "denominator": [1200.0],
    ...     "previous_value": [float("nan")], "gap": [-0.5], "status": ["met"]})
    >>> row = for_publication(table).iloc[0]
    >>> bool(pd.isna(row["value"]) and pd.isna(row["numerator"])), row["status"]
    (True, 'met')
    """
    out = result.copy()
    for column in _FIGURES:
        if column in out:
            out[column] = math.nan
    out.attrs = dict(result.attrs)
    out.attrs["figures_hidden"] = True
    return out


def _target_words(row: Mapping[Any, Any]) -> str:
    op = str(row["op"])
    target = row["target"]
    if op in ("decrease", "no_increase"):
        return f"{row['indicator_id']} {op}"
    unit = str(row.get("unit", "") or "")
    shown = {"percent": "%", "per_100000": " per 100,000"}.get(unit, "")  # per 1,000: as before
    return f"{row['indicator_id']} {op} {float(target):g}{shown}"


def attainment_notes(
    plan: Plan, result: pd.DataFrame, *, lang: str = "vi", values: bool = True
) -> list[str]:
    """Sentences that say how far *plan* was met, for a report's notes (cover, metadata).

    *result* is what :func:`evaluate` returned for the plan. With
    ``values=False`` the sentences give the status of each target without its
    value (for a report meant for publication, whose small counts are hidden).

    Examples
    --------
    >>> from chitieu.plans import get_plan
    >>> plan = get_plan("thi-tran-thang-2024")
    >>> result = pd.DataFrame({
    ...     "indicator_id": ["injury_rate"], "op": ["<"], "target": [3.0], "value": [2.5],
    ...     "unit": ["per_1000"], "status": ["met"], "status_vi": ["đạt"], "reason": [""],
    ...     "reason_vi": [""], "period": ["2024"]})
    >>> attainment_notes(plan, result, lang="en")[1]
    'injury_rate < 3: 2.50, met'
    >>> attainment_notes(plan, result, lang="vi", values=False)[1]
    'injury_rate < 3, đạt'
    """
    vi = lang == "vi"
    period = str(result["period"].iloc[0]) if len(result) else plan.period.label
    lines = [
        f"Kế hoạch: {plan.name_vi}; đơn vị {plan.unit_label('vi')}, kỳ {period}"
        if vi
        else f"Plan: {plan.name_en}; unit {plan.unit_label('en')}, period {period}"
    ]
    scope = list(result.attrs.get("notes_vi" if vi else "notes", []))
    lines.extend(scope)
    for row in result.to_dict("records"):
        value = row["value"]
        missing = isinstance(value, float) and math.isnan(value)
        shown = "" if missing or not values else f": {_fmt(value)}"
        status = row["status_vi"] if vi else row["status"]
        reason = row["reason_vi"] if vi else row["reason"]
        if reason in scope:  # said once, above
            reason = ""
        lines.append(f"{_target_words(row)}{shown}, {status}" + (f" ({reason})" if reason else ""))
    return lines


def attainment_records(result: pd.DataFrame) -> list[dict[str, Any]]:
    """The attainment table as plain JSON values (missing values as None), for the exports.

    >>> table = pd.DataFrame({"indicator_id": ["injury_rate"], "value": [float("nan")],
    ...     "met": pd.array([pd.NA], dtype="boolean"), "position": [1]})
    >>> attainment_records(table)
    [{'indicator_id': 'injury_rate', 'value': None, 'met': None, 'position': 1}]
    """
    records = []
    for record in result.to_dict("records"):
        out: dict[str, Any] = {}
        for key, value in record.items():
            if value is pd.NA or value is None:
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and math.isnan(value):
                value = None
            out[str(key)] = value
        records.append(out)
    return records
