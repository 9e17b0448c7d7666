"""A plan over several years: did each target's figure move the right way?

A yearly plan sets its targets for one year; officials also ask "how did we do
last year, and are we going the right way?". :func:`progress` computes each
target's indicator for the plan's commune in each of several periods (by
default the year before the plan's and the plan's year), in the target's own
unit, and says for each period whether the figure moved the way the target
asks compared with the period before: lower for ``<``, ``<=``, ``decrease``
and ``no_increase``; higher for ``>`` and ``>=``; closer to the threshold for
``==``. Every value is the ratio of that period's own numerator and
denominator (never an average of changes); a period without a figure is "no
data", and so is a move into or out of it.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

from chitieu.inbound import check_mode
from chitieu.periods import Period, parse_period
from chitieu.plans._evaluate import _cell, _label, _plan_report, previous_period
from chitieu.plans._model import Plan, PlanMismatchError, Target, convert, indicator_unit
from chitieu.submission import Submission

__all__ = ["MOVES", "PROGRESS_COLUMNS", "better_direction", "progress"]

#: How a figure moved against the period before, in English and Vietnamese.
MOVES: dict[str, str] = {
    "right way": "đúng hướng",
    "wrong way": "ngược hướng",
    "no change": "không đổi",
    "no data": "không có số liệu",
    "": "",
}

#: The columns of the progress table, in order.
PROGRESS_COLUMNS: tuple[str, ...] = (
    "position", "section", "indicator_id", "unit_code", "division_version", "target_vi",
    "target_en", "op", "target", "unit", "better", "period", "value", "numerator",
    "denominator", "previous_period", "change", "moved", "moved_vi", "met", "reason",
)  # fmt: skip


def better_direction(op: str) -> str:
    """Which way a figure should move for a target compared with *op*.

    >>> [better_direction(op) for op in ("<", ">=", "==", "decrease", "no_increase")]
    ['lower', 'higher', 'closer', 'lower', 'lower']
    """
    if op in ("<", "<=", "decrease", "no_increase"):
        return "lower"
    if op in (">", ">="):
        return "higher"
    return "closer"


def _moved(better: str, before: float, now: float, threshold: float) -> str:
    if math.isnan(before) or math.isnan(now):
        return "no data"
    if better == "closer":
        if math.isnan(threshold):
            return "no data"
        before, now = abs(before - threshold), abs(now - threshold)
        better = "lower"
    if math.isclose(now, before, rel_tol=1e-12, abs_tol=1e-12):
        return "no change"
    went_down = now < before
    return "right way" if went_down == (better == "lower") else "wrong way"


def _periods(plan: Plan, periods: Any) -> list[Period]:
    if periods is None:
        return [previous_period(plan.period), plan.period]
    items = [periods] if isinstance(periods, str | Period) else list(periods)
    out = [p if isinstance(p, Period) else parse_period(p) for p in items]
    if not out:
        raise PlanMismatchError("progress needs at least one period")
    length = (plan.period.end - plan.period.start).days
    for p in out:
        if abs((p.end - p.start).days - length) > 1:
            raise PlanMismatchError(
                f"the period {p.label} is not as long as the plan's period "
                f"{plan.period.label}: a plan's targets compare with periods of the same length"
            )
    out.sort(key=lambda p: p.start)
    for a, b in itertools.pairwise(out):
        if b.start <= a.end:
            raise PlanMismatchError(f"the periods {a.label} and {b.label} overlap")
    return out


def progress(
    plan: Plan, data: Any, *, periods: Any = None, validation: str = "drop"
) -> pd.DataFrame:
    """Each target's figure over several periods, and whether it moved the right way.

    Parameters
    ----------
    plan
        The plan.
    data
        A :class:`~chitieu.submission.Submission`, or a commune-level
        :class:`~chitieu.report.Report` holding the periods.
    periods
        The periods to compare, each as long as the plan's (default: the year
        before the plan's and the plan's year).
    validation
        As for :func:`chitieu.plans.evaluate`.

    Returns
    -------
    DataFrame
        One row per target and period (the columns of :data:`PROGRESS_COLUMNS`),
        periods in order of time: the value in the target's unit with its
        numerator and denominator; ``better`` (``lower``, ``higher`` or
        ``closer`` to the threshold); ``change`` of the value from the period
        before; ``moved`` ``right way``, ``wrong way``, ``no change`` or
        ``no data`` (empty for the first period); ``met`` for targets with a
        fixed threshold (missing for ``decrease``/``no_increase`` and where
        there is no value); ``reason`` there is no value.

    Examples
    --------
    >>> from chitieu import synth
    >>> from chitieu.plans import get_plan
    >>> plan = get_plan("thi-tran-thang-2024")
    >>> sub = synth.place_in_unit(synth.generate(800, seed=3, years=2), "07840",
    ...                           division_version="2008")
    >>> table = progress(plan, sub)
    >>> table["period"].unique().tolist()
    ['2023', '2024']
    >>> set(table.loc[table["period"] == "2024", "moved"]) <= {
    ...     "right way", "wrong way", "no change", "no data"}
    True
    """
    from chitieu.indicators import get_indicator
    from chitieu.report import Report

    check_mode(validation)
    asked = _periods(plan, periods)
    if isinstance(data, Submission):
        rep = _plan_report(plan, data, asked, validation)
    elif isinstance(data, Report):
        rep = data
        if rep.level != "commune":
            raise PlanMismatchError(
                f"the plan {plan.name_en!r} is for one commune; the report is at {rep.level} "
                "level: give a commune-level report or the submission"
            )
    else:
        raise TypeError(f"data must be a chitieu Submission or Report, found {type(data).__name__}")
    labels = []
    for p in asked:
        label = _label(rep, p)
        if label is None:
            raise PlanMismatchError(f"the report does not hold the period {p.label}")
        labels.append(label)
    here = (plan.unit_code, plan.division_version)
    rows: list[dict[str, Any]] = []
    for position, t in enumerate(plan.targets, start=1):
        rows.extend(_target_rows(position, t, plan, rep, labels, here, get_indicator))
    out = pd.DataFrame(rows, columns=list(PROGRESS_COLUMNS))
    for column in ("target", "value", "numerator", "denominator", "change"):
        out[column] = out[column].astype("float64")
    out["met"] = out["met"].astype("boolean")
    out["position"] = out["position"].astype("int64")
    out.attrs["plan"] = plan.key or plan.name_en
    return out


def _target_rows(
    position: int,
    t: Target,
    plan: Plan,
    rep: Any,
    labels: list[str],
    here: tuple[str, str],
    get_indicator: Any,
) -> list[dict[str, Any]]:
    meta = get_indicator(t.indicator_id)
    unit = t.unit or indicator_unit(meta.kind)
    threshold = math.nan if t.value is None else float(t.value)
    better = better_direction(t.op)
    rows: list[dict[str, Any]] = []
    before = math.nan
    for i, label in enumerate(labels):
        cell, reason, _ = _cell(rep, t, here, label)
        value = numerator = denominator = math.nan
        if cell is not None:
            raw = float(cell["value"])
            numerator, denominator = float(cell["numerator"]), float(cell["denominator"])
            if math.isnan(raw):
                reason = "no value: the denominator is zero"
            else:
                value = convert(raw, meta.multiplier, meta.kind, unit)
        moved = "" if i == 0 else _moved(better, before, value, threshold)
        met: Any = pd.NA
        if not t.trend and not math.isnan(value):
            met = t.is_met(value, threshold)
        rows.append(
            {
                "position": position,
                "section": t.section,
                "indicator_id": t.indicator_id,
                "unit_code": plan.unit_code,
                "division_version": plan.division_version,
                "target_vi": t.text_vi,
                "target_en": t.text_en,
                "op": t.op,
                "target": threshold,
                "unit": unit,
                "better": better,
                "period": label,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "previous_period": labels[i - 1] if i else "",
                "change": value - before if i else math.nan,
                "moved": moved,
                "moved_vi": MOVES[moved],
                "met": met,
                "reason": reason,
            }
        )
        before = value
    return rows
