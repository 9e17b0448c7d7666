"""Trends across periods: each period's figure and the change from the one before.

A report over several periods (``chitieu.report(sub, period=["2023", "2024"])``,
or the reports of several yearly submissions put together with :func:`stack`)
holds, for every unit and cell, one row of counts per period. :func:`trend`
lays one indicator out over the periods, in order of time, and adds the change
from the previous period:

- ``numerator_change`` and ``denominator_change``: the change of the counts,
  which add up (a province's change is the sum of its communes' changes);
- ``value_change``: the value of the period minus the value of the period
  before, each value computed from **its own** numerator and denominator.
  Ratios never add up, so a change of a rate is never summed nor averaged
  over units: at a higher level the counts are summed first
  (:meth:`chitieu.report.Report.rollup`), then each period's value is
  computed, then the difference is taken.

A period without data is no data, not 0: when an indicator could not be
computed for a period (it is in :attr:`Report.skipped`, for example because
the records do not cover that year), or a unit has no row in a period, the
period's row is there with missing counts and the ``reason``, and the changes
into and out of it are missing. A suppressed cell (``x`` in a published
table) has missing counts too, so its changes are missing: a change never
reveals a hidden count. At a higher level, a parent whose units with data are
not the same in two periods (a commune with no row in one of them) gets no
change either, with the reason: its sum would count the missing commune as 0.

Examples
--------
Special circumstances in the two communes of the example submission: 1 child
of 2 and 1 of 3 in the first half of 2024, 1 of 3 and 1 of 3 in the second.
The province's value falls from 2 of 5 to 2 of 6, by 6.67 points, not by the
average of its communes' changes (8.33):

>>> import chitieu
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = chitieu.report(tiny_submission(), period=["2024-H1", "2024-H2"],
...                      indicators=["special_circumstances"])
>>> t = trend(rep, "special_circumstances", level="province")
>>> t[["period", "numerator", "denominator", "value", "value_change"]].round(2)
    period  numerator  denominator  value  value_change
0  2024-H1        2.0          5.0  40.00           NaN
1  2024-H2        2.0          6.0  33.33         -6.67
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from chitieu.errors import ChitieuError

if TYPE_CHECKING:
    from chitieu.periods import Period
    from chitieu.report.model import Report

__all__ = ["TREND_COLUMNS", "TrendError", "stack", "trend"]

#: The columns of :func:`trend`, around the dimension column of ``by=`` (after ``division_version``).
TREND_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "level",
    "unit_code",
    "division_version",
    "period",
    "previous_period",
    "numerator",
    "denominator",
    "value",
    "numerator_change",
    "denominator_change",
    "value_change",
    "flags",
    "reason",
)


class TrendError(ChitieuError, ValueError):
    """Periods or reports that cannot be laid out as a trend (the code says why)."""

    default_code = "bad-trend"


def _chronological(periods: Sequence[Period]) -> list[Period]:
    """*periods* in order of time; overlapping periods are refused."""
    ordered = sorted(periods, key=lambda p: (p.start, p.end))
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            raise TrendError(
                f"the periods {before.label} and {after.label} overlap: a change between them "
                "would count the same days twice; give periods that do not overlap",
                code="overlapping-periods",
            )
    return ordered


def _different_lengths(periods: Sequence[Period]) -> bool:
    """Whether the periods are of different kinds (a year and a half, ...).

    Months differ by up to 3 days, halves by up to 3, years by 1.
    """
    days = [p.days for p in periods]
    return bool(days) and max(days) - min(days) > 3


def trend(
    report: Report | Sequence[Report],
    indicator_id: str,
    *,
    by: str | None = None,
    level: str | None = None,
) -> pd.DataFrame:
    """One indicator over the periods of *report*, per unit, with the change between periods.

    Parameters
    ----------
    report
        A :class:`~chitieu.report.Report` over several periods, or a list of
        reports of different periods (put together with :func:`stack`).
    indicator_id
        An indicator of the report.
    by
        ``None`` (default) for the overall rows of each unit, or one of the
        indicator's dimensions (``"sex"``, ``"age_group"``, ...) for a row per
        category.
    level
        ``None`` (default) for the report's own level, or a higher one
        (``"district"``, ``"province"``, ``"national"``): the counts are
        summed to that level first (:meth:`~chitieu.report.Report.rollup`),
        then each period's value is computed from the sums.

    Returns
    -------
    pandas.DataFrame
        One row per unit, category and period, periods in order of time:
        :data:`TREND_COLUMNS`, with the ``by`` dimension column after
        ``division_version``. ``previous_period`` is ``""`` on the first
        period. The changes are missing on the first period, where either
        period has no data, and where a count is hidden (suppressed);
        ``value_change`` is missing where either value is (a zero
        denominator). ``reason`` says why a period has no data, or why a
        parent's change is not computed (its units with data differ between
        the periods); ``""`` otherwise. ``attrs["notes"]`` warns when the periods differ in
        length (event counts over a half and over a year are not
        comparable).

    Raises
    ------
    chitieu.errors.UnknownIndicatorError
        For an indicator the report does not hold.
    chitieu.errors.DataNotAvailableError
        When the indicator has no data in any period.
    TrendError
        For overlapping periods (``overlapping-periods``).
    ValueError
        For a dimension the indicator does not have, or a level below the
        report's.

    Examples
    --------
    >>> import chitieu
    >>> from chitieu.indicators.examples import tiny_submission
    >>> rep = chitieu.report(tiny_submission(), period=["2024-H1", "2024-H2"],
    ...                      indicators=["injury_events"])
    >>> t = trend(rep, "injury_events")
    >>> t[["unit_code", "period", "previous_period", "numerator", "numerator_change"]]
      unit_code   period previous_period  numerator  numerator_change
    0     00001  2024-H1                        1.0               NaN
    1     00001  2024-H2         2024-H1        1.0               0.0
    2     00002  2024-H1                        0.0               NaN
    3     00002  2024-H2         2024-H1        1.0               1.0
    """
    from chitieu.errors import DataNotAvailableError, UnknownIndicatorError
    from chitieu.indicators import get_indicator
    from chitieu.report.model import Report
    from chitieu.report.table import TOTAL

    rep = report if isinstance(report, Report) else stack(report)
    meta = get_indicator(indicator_id)
    if by is not None:
        allowed = tuple(d for d in meta.dimensions if d != "commune")
        if by == TOTAL:
            by = None
        elif by not in allowed:
            raise ValueError(
                f"indicator {meta.id!r} has no dimension {by!r}; dimensions: "
                f"{', '.join(allowed) or 'none'}"
            )
    computed = set(rep.indicators["id"]) if len(rep.indicators) else set()
    skipped = rep.skipped.loc[rep.skipped["indicator_id"] == meta.id]
    if meta.id not in computed:
        if len(skipped):
            raise DataNotAvailableError(
                f"indicator {meta.id!r} has no data in any period of the report: "
                f"{skipped['reason'].iloc[0]}"
            )
        raise UnknownIndicatorError(
            f"indicator {meta.id!r} is not in this report; it holds "
            f"{', '.join(rep.indicators['id']) or 'no indicator'}"
        )
    members: dict[tuple[str, str, str], frozenset[tuple[str, str]]] = {}
    if level is not None and level != rep.level:
        members = _members(rep, meta.id, level)
        rep = rep.rollup(level)
    periods = _chronological(rep.periods)
    labels = [p.label for p in periods]
    rows = rep.get(meta.id, by=TOTAL if by is None else by)
    keys = ["unit_code", "division_version", *([by] if by else [])]
    # Every cell seen in any period, in every period: a missing one is no data.
    cells = rows.loc[:, keys].drop_duplicates().reset_index(drop=True)
    cells["_cell"] = np.arange(len(cells))
    grid = cells.merge(pd.DataFrame({"period": labels, "_p": np.arange(len(labels))}), how="cross")
    wanted = [*keys, "period", "numerator", "denominator", "value", "flags", "multi_response"]
    merged = grid.merge(rows.loc[:, wanted], on=[*keys, "period"], how="left", indicator=True)
    merged = merged.sort_values(["_cell", "_p"], kind="stable").reset_index(drop=True)
    present = (merged["_merge"] == "both").to_numpy(dtype=bool)
    reason_of = {str(r["period"]): str(r["reason"]) for r in skipped.to_dict("records")}
    period_text = merged["period"].astype("str").to_numpy(dtype=object)
    reasons = np.array(
        [
            ""
            if ok
            else reason_of.get(
                str(label), f"no row for this unit in period {label} (the unit has no records)"
            )
            for ok, label in zip(present, period_text, strict=True)
        ],
        dtype=object,
    )
    num = merged["numerator"].to_numpy(dtype=np.float64)
    den = merged["denominator"].to_numpy(dtype=np.float64)
    val = merged["value"].to_numpy(dtype=np.float64)
    first = (merged["_p"] == 0).to_numpy(dtype=bool)

    def _change(x: np.ndarray) -> np.ndarray:
        out = np.full(len(x), np.nan)
        if len(x) > 1:
            out[1:] = x[1:] - x[:-1]
        out[first] = np.nan
        return out

    previous = np.array(
        ["" if p == 0 else labels[p - 1] for p in merged["_p"].to_numpy(dtype=np.int64)],
        dtype=object,
    )
    changes = {"numerator": _change(num), "denominator": _change(den), "value": _change(val)}
    if members:
        # A parent's change compares like with like only when the same units are under it
        # in both periods: a unit without data in one period would count as 0 there.
        units = merged["unit_code"].astype("str").to_numpy(dtype=object)
        versions = merged["division_version"].astype("str").to_numpy(dtype=object)
        for i in np.flatnonzero(~first & present):
            before = members.get((units[i], versions[i], str(previous[i])), frozenset())
            now = members.get((units[i], versions[i], str(period_text[i])), frozenset())
            if before and now and before != now:
                for column in changes.values():
                    column[i] = np.nan
                reasons[i] = (
                    f"no change computed: the units under {units[i]} with data differ between "
                    f"{previous[i]} ({len(before):,}) and {period_text[i]} ({len(now):,})"
                )
    out: dict[str, Any] = {
        "indicator_id": pd.Series([meta.id] * len(merged), dtype="str"),
        "level": pd.Series([rep.level] * len(merged), dtype="str"),
        "unit_code": merged["unit_code"].astype("str"),
        "division_version": merged["division_version"].astype("str"),
    }
    if by:
        out[by] = merged[by].astype("str")
    out |= {
        "period": merged["period"].astype("str"),
        "previous_period": pd.Series(previous, dtype="str"),
        "numerator": num,
        "denominator": den,
        "value": val,
        "numerator_change": changes["numerator"],
        "denominator_change": changes["denominator"],
        "value_change": changes["value"],
        "flags": pd.Series(merged["flags"].fillna("").to_numpy(dtype=object), dtype="str"),
        "reason": pd.Series(reasons, dtype="str"),
    }
    frame = pd.DataFrame(out)
    notes: list[str] = []
    if _different_lengths(periods):
        notes.append(
            "the periods differ in length ("
            + ", ".join(labels)
            + "): counts of events over them are not comparable"
        )
    if len(rep.division_versions) > 1:
        notes.append(
            "the report holds units of two division versions: a unit's trend only joins "
            "periods recorded in the same version (codes were reused in 2025)"
        )
    frame.attrs["notes"] = notes
    return frame


def _members(
    rep: Report, indicator_id: str, level: str
) -> dict[tuple[str, str, str], frozenset[tuple[str, str]]]:
    """The units of *rep* with a row of *indicator_id*, by parent at *level* and period."""
    from chitieu.report.table import TOTAL
    from chitieu.units import LEVELS, UNKNOWN_UNIT, check_level, parent_codes

    check_level(level)
    if LEVELS.index(level) < LEVELS.index(rep.level):
        return {}  # rollup() says why
    rows = rep.table.loc[
        ((rep.table["indicator_id"] == indicator_id) & (rep.table["breakdown"] == TOTAL)).to_numpy(
            dtype=bool
        ),
        ["unit_code", "division_version", "period"],
    ]
    codes = rows["unit_code"].astype("str")
    versions = rows["division_version"].astype("str")
    known = sorted(set(versions.unique()) - {UNKNOWN_UNIT})
    if len(known) == 1:  # as the roll-up does: rows without a commune join the one version
        versions = versions.where(versions != UNKNOWN_UNIT, known[0])
    parent = pd.Series(UNKNOWN_UNIT, index=rows.index, dtype="str")
    has_version = (versions != UNKNOWN_UNIT).to_numpy(dtype=bool)
    if level == "national":
        parent[:] = "VN"
    elif has_version.any():
        parent[has_version] = parent_codes(
            codes[has_version],
            versions[has_version],
            from_level=rep.level,
            to_level=level,
            hierarchies=dict(rep.hierarchies),
        ).to_numpy()
    out: dict[tuple[str, str, str], set[tuple[str, str]]] = {}
    for code, version, up, label in zip(
        codes, versions, parent, rows["period"].astype("str"), strict=True
    ):
        out.setdefault((str(up), str(version), str(label)), set()).add((str(code), str(version)))
    return {key: frozenset(value) for key, value in out.items()}


def stack(reports: Sequence[Report]) -> Report:
    """One report over the periods of several reports (each year's submission, for example).

    The tables are put one after the other, in order of time; no count is
    changed or recomputed. The reports must be at the same level, computed
    with the same age bands and small-count threshold, and cover periods that
    do not overlap.

    Parameters
    ----------
    reports
        Reports of different periods, e.g. ``[report(sub_2023, period="2023"),
        report(sub_2024, period="2024")]``.

    Returns
    -------
    Report
        Periods in order of time; ``skipped``, ``notes`` (each note prefixed
        with its report's periods), units and hierarchies of all the reports;
        an input hash combined from theirs.

    Raises
    ------
    TrendError
        ``mismatched-reports`` for reports at different levels or with
        different options, ``overlapping-periods`` for periods that overlap
        (the same period twice included).

    Examples
    --------
    >>> import chitieu
    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.trends import stack
    >>> sub = tiny_submission()
    >>> a = chitieu.report(sub, period="2024-H1", indicators=["injury_events"])
    >>> b = chitieu.report(sub, period="2024-H2", indicators=["injury_events"])
    >>> stack([b, a]).period
    '2024-H1, 2024-H2'
    """
    from chitieu.indicators import get_indicator, list_indicators
    from chitieu.report.build import merged_units
    from chitieu.report.model import Report
    from chitieu.report.table import (
        TOTAL,
        _dimension_order,
    )

    reports = list(reports)
    if not reports:
        raise TrendError("stack needs at least one report", code="mismatched-reports")
    for rep in reports:
        if not isinstance(rep, Report):
            raise TypeError(f"stack takes chitieu Reports, found {type(rep).__name__}")
    first = reports[0]
    for rep in reports[1:]:
        if rep.level != first.level:
            raise TrendError(
                f"the reports are at different levels ({first.level}, {rep.level}): roll them "
                "up to the same level first",
                code="mismatched-reports",
            )
        if rep.small_count != first.small_count or rep.age_bands != first.age_bands:
            raise TrendError(
                "the reports were computed with different age bands or small-count "
                "thresholds: their cells are not the same",
                code="mismatched-reports",
            )
    periods = _chronological([p for rep in reports for p in rep.periods])
    labels = [p.label for p in periods]
    # Indicators in the order the reports give them (as report() keeps the order asked).
    order = list(dict.fromkeys(str(i) for rep in reports for i in rep.indicators["id"]))
    metas = {i: get_indicator(i) for i in order}
    dims = [d for d in _dimension_order() if any(d in m.dimensions for m in metas.values())]
    tables = [rep.table for rep in reports if len(rep.table)]
    table = pd.concat(tables, ignore_index=True) if tables else first.table.iloc[:0].copy()
    for dim in dims:
        if dim not in table:
            table[dim] = pd.Series([TOTAL] * len(table), dtype="str")
        else:
            table[dim] = table[dim].fillna(TOTAL)
    head = ["indicator_id", "period", "level", "unit_code", "division_version", "breakdown"]
    tail = ["multi_response", "numerator", "denominator", "value", "units_missing", "flags"]
    table = table.loc[:, [*head, *dims, *tail]]
    if len(table):
        # Each (indicator, period) comes from one report, whose rows are in the
        # table's order already (units, then breakdowns): a stable sort on the
        # indicator and the period is enough.
        ind_rank = table["indicator_id"].map({i: k for k, i in enumerate(order)})
        per_rank = table["period"].map({p: k for k, p in enumerate(labels)})
        rows = np.lexsort(
            (
                np.arange(len(table)),
                per_rank.to_numpy(dtype=np.int64),
                ind_rank.to_numpy(dtype=np.int64),
            )
        )
        table = table.iloc[rows].reset_index(drop=True)
    catalogue = list_indicators().set_index("id")
    skipped = pd.concat([rep.skipped for rep in reports], ignore_index=True)
    units, hierarchies = merged_units(reports)
    notes = [f"{rep.period}: {note}" for rep in reports for note in rep.notes]
    return Report(
        table=table,
        periods=tuple(periods),
        level=first.level,
        indicators=catalogue.loc[order].reset_index(),
        skipped=skipped.astype("str"),
        _input_hash=None,
        _hash_of=functools.partial(_stacked_hash, tuple(reports)),
        chitieu_version=first.chitieu_version,
        generated_at=_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        units=units.reset_index(drop=True),
        hierarchies=hierarchies,
        small_count=first.small_count,
        age_bands=first.age_bands,
        notes=tuple(notes),
        basis={"periods": {rep.period: rep.basis for rep in reports}},
    )


def _stacked_hash(reports: tuple[Report, ...]) -> str:
    from chitieu.report.provenance import _combined_hash

    return _combined_hash(tuple(rep.input_hash for rep in reports))
