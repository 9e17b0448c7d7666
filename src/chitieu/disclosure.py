"""Suppression of small counts before a report is published.

Child-protection figures are about few, identifiable children
(docs/semantics.md, "Publishing"). :func:`suppress` hides every count from 1
to ``k - 1`` (primary suppression) and, in every group of cells that add up
to a total, enough other cells that no hidden count can be recovered by
subtraction (complementary suppression). :func:`suppress_levels` does the same
for several levels of one report at once, so that a commune's hidden count
cannot be recovered from its district's total minus the other communes.

Cells
    every row's ``numerator`` (except for sums of money, such as fines), and
    the ``denominator`` of rates and percentages whose denominator counts
    children (not schools, communes, villages or the whole population).
Additive groups
    within one indicator, period, unit and count (numerator or denominator):
    the overall row and the rows of one single-response breakdown. In a
    table of several levels also: the rows of the units under one parent and
    the parent's row, for the same cell (multi-response rows included, since
    every child belongs to one unit).
Rule
    every group holds no hidden cell or at least two; the complement chosen
    is the smallest non-zero published cell of the group (breakdown rows
    before overall rows on ties, then the order of the table), and the step
    is repeated until no group holds exactly one hidden cell. Then every
    complementary cell that is not needed (none of its groups holds exactly
    two hidden cells) is shown again, largest first: each complement left is
    needed by some group.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({
...     "indicator_id": "child_population", "period": "2024", "level": "commune",
...     "unit_code": "00001", "division_version": "2008",
...     "breakdown": ["total", "sex", "sex", "sex"], "sex": ["total", "M", "F", "U"],
...     "multi_response": False, "numerator": [20.0, 3.0, 17.0, 0.0],
...     "denominator": float("nan"), "value": [20.0, 3.0, 17.0, 0.0],
...     "units_missing": pd.array([pd.NA] * 4, dtype="Int64"), "flags": "",
... })
>>> out = suppress(table, k=5)
>>> out["numerator"].tolist()
[20.0, nan, nan, 0.0]
>>> out["flags"].tolist()
['', 'suppressed', 'suppressed,complementary', '']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

from chitieu.units import LEVELS, NATIONAL_CODE, UNKNOWN_UNIT, parent_codes

if TYPE_CHECKING:
    from chitieu.report import Report

__all__ = [
    "DEFAULT_K",
    "NOTE_PREFIX",
    "SYMBOLS",
    "disclosure_metadata",
    "hidden_cells",
    "is_suppressed",
    "summary",
    "suppress",
    "suppress_levels",
    "threshold",
]

#: Default threshold: counts from 1 to ``DEFAULT_K - 1`` are hidden.
DEFAULT_K = 5

#: How human formats (Excel, HTML) show a cell that holds no number, with the
#: meaning of each symbol (vi, en). ``x`` follows the GSO and UN convention
#: for "confidential"; zeros are shown as ``0``. Machine formats (CSV,
#: Parquet, JSON) leave such cells empty (null) and keep the flags.
SYMBOLS: dict[str, tuple[str, tuple[str, str]]] = {
    "suppressed": (
        "x",
        (
            "Số liệu bị che khi công bố (số nhỏ, hoặc che bổ sung để không suy ra được số nhỏ)",
            "Hidden for publication (a small count, or hidden so that none can be recovered)",
        ),
    ),
    "zero_denominator": (
        "..",
        (
            "Không tính được: mẫu số bằng 0",
            "Not computable: the denominator is 0",
        ),
    ),
    "no_data": (
        "Không có số liệu",
        (
            "Chỉ tiêu không tính được vì thiếu dữ liệu (lý do ghi bên cạnh)",
            "The indicator could not be computed from the input (reason beside it)",
        ),
    ),
}

#: The first words of the note :func:`suppress` adds to a report.
NOTE_PREFIX = "Số liệu công bố:"

#: Words of a denominator's English definition that say it does not count children.
_NOT_CHILDREN = ("school", "commune", "village", "total population")

_UNIT_KEY = ("indicator_id", "period", "level", "unit_code", "division_version")
_REQUIRED = (*_UNIT_KEY, "breakdown", "multi_response", "numerator", "denominator", "value")
_RATIO_KINDS = ("percent", "rate_per_1000", "ratio")


# -- metadata -------------------------------------------------------------------
def _indicator_facts(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: numerator is a count, denominator exists, denominator counts children."""
    from chitieu.indicators import get_indicator

    uniq, inverse = np.unique(ids.astype(str), return_inverse=True)
    num_count = np.empty(len(uniq), dtype=bool)
    has_den = np.empty(len(uniq), dtype=bool)
    den_children = np.empty(len(uniq), dtype=bool)
    for i, indicator_id in enumerate(uniq):
        meta = get_indicator(str(indicator_id))
        num_count[i] = meta.kind != "sum"
        has_den[i] = meta.kind in _RATIO_KINDS
        text = str(getattr(meta, "denominator_en", "") or "").lower()
        den_children[i] = has_den[i] and not any(word in text for word in _NOT_CHILDREN)
    return num_count[inverse], has_den[inverse], den_children[inverse]


# -- groups -----------------------------------------------------------------------
def _codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """A dense integer id of each row's combination of *columns*."""
    if not len(frame):
        return np.zeros(0, dtype=np.int64)
    return frame.groupby(columns, sort=False, dropna=False).ngroup().to_numpy(dtype=np.int64)


def _within_unit(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row, group) pairs: a breakdown's rows and the overall row of the same unit."""
    unit = _codes(table, list(_UNIT_KEY))
    breakdown = table["breakdown"].to_numpy(dtype=object)
    is_total = breakdown == "total"
    single = ~table["multi_response"].to_numpy(dtype=bool) & ~is_total
    rows = np.flatnonzero(single)
    pairs = pd.DataFrame({"unit": unit[rows], "breakdown": breakdown[rows]})
    group = _codes(pairs, ["unit", "breakdown"])
    links = pd.DataFrame({"unit": unit[rows], "group": group}).drop_duplicates()
    totals = pd.DataFrame({"row": np.flatnonzero(is_total), "unit": unit[is_total]})
    joined = totals.merge(links, on="unit", how="inner")
    return (
        np.concatenate([rows, joined["row"].to_numpy(dtype=np.int64)]),
        np.concatenate([group, joined["group"].to_numpy(dtype=np.int64)]),
    )


def _parents(
    table: pd.DataFrame, rows: np.ndarray, low: str, high: str, hierarchies: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Parent code at *high* and the version used, as :meth:`Report.rollup` assigns them."""
    codes = table["unit_code"].to_numpy(dtype=object)[rows]
    versions = table["division_version"].to_numpy(dtype=object)[rows].astype(str)
    known = sorted(set(table["division_version"].astype(str)) - {UNKNOWN_UNIT})
    if len(known) == 1:
        versions = np.where(versions == UNKNOWN_UNIT, known[0], versions)
    parent = np.full(len(rows), UNKNOWN_UNIT, dtype=object)
    if high == "national":
        parent[:] = NATIONAL_CODE
        return parent, versions.astype(object)
    has_version = versions != UNKNOWN_UNIT
    if has_version.any():
        parent[has_version] = parent_codes(
            pd.Series(codes[has_version], dtype="str"),
            pd.Series(versions[has_version], dtype="str"),
            from_level=low,
            to_level=high,
            hierarchies=dict(hierarchies),
        ).to_numpy(dtype=object)
    return parent, versions.astype(object)


def _across_units(
    table: pd.DataFrame, hierarchies: Mapping[str, Any] | None
) -> tuple[np.ndarray, np.ndarray]:
    """(row, group) pairs: the units under one parent and the parent, cell by cell."""
    present = [lv for lv in LEVELS if lv in set(table["level"].astype(str))]
    empty = np.zeros(0, dtype=np.int64)
    if len(present) < 2:
        return empty, empty
    if hierarchies is None:
        raise ValueError(
            f"the table holds several levels ({', '.join(present)}): pass hierarchies= "
            "(Report.hierarchies), or use suppress_levels(report, levels)"
        )
    level = table["level"].to_numpy(dtype=object).astype(str)
    cell_columns = [
        c for c in table.columns if c not in (*_UNIT_KEY, "numerator", "denominator", "value")
    ]
    cell_columns = [c for c in cell_columns if c not in ("units_missing", "flags")]
    frames = []
    for low, high in itertools.pairwise(present):
        children = np.flatnonzero(level == low)
        parent, version = _parents(table, children, low, high, hierarchies)
        own = np.flatnonzero(level == high)
        for rows, code, ver in (
            (children, parent, version),
            (own, table["unit_code"].to_numpy(dtype=object)[own], None),
        ):
            part = table.iloc[rows].loc[:, ["indicator_id", "period", *cell_columns]]
            part = part.astype(object)
            part["_parent"] = code
            part["_version"] = (
                ver if ver is not None else table["division_version"].to_numpy(dtype=object)[rows]
            )
            part["_high"] = high
            part["_row"] = rows
            frames.append(part.reset_index(drop=True))
    both = pd.concat(frames, ignore_index=True)
    keys = ["indicator_id", "period", *cell_columns, "_parent", "_version", "_high"]
    group = _codes(both, keys)
    return both["_row"].to_numpy(dtype=np.int64), group


# -- the rule ---------------------------------------------------------------------
def _solve(
    member_cell: np.ndarray,
    member_group: np.ndarray,
    values: np.ndarray,
    hidden: np.ndarray,
    is_total: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Hide cells until no group holds exactly one hidden cell; returns (hidden, stuck groups)."""
    primary = hidden
    hidden = hidden.copy()
    n_groups = int(member_group.max()) + 1 if len(member_group) else 0
    stuck = np.zeros(n_groups, dtype=bool)
    # Candidates in order of preference: non-zero first, smallest, breakdown rows, table order.
    order = np.lexsort(
        (member_cell, is_total[member_cell], values[member_cell], values[member_cell] == 0)
    )
    member_cell, member_group = member_cell[order], member_group[order]
    while n_groups:
        count = np.bincount(member_group, weights=hidden[member_cell], minlength=n_groups)
        need = (count == 1) & ~stuck
        if not need.any():
            break
        candidate = need[member_group] & ~hidden[member_cell]
        groups, first = np.unique(member_group[candidate], return_index=True)
        stuck |= need & ~np.isin(np.arange(n_groups), groups)
        hidden[member_cell[candidate][first]] = True
    _prune(member_cell, member_group, values, primary, hidden, n_groups)
    return hidden, int(stuck.sum())


def _prune(
    member_cell: np.ndarray,
    member_group: np.ndarray,
    values: np.ndarray,
    primary: np.ndarray,
    hidden: np.ndarray,
    n_groups: int,
) -> None:
    """Show again (in place) every complementary cell the rule does not need.

    The complements are tried largest first (then last in the table first): a
    cell is shown again when none of its groups holds exactly two hidden
    cells, so that showing it leaves every group with none or at least two.
    Afterwards each remaining complementary cell is needed: showing it alone
    would leave a group with exactly one hidden cell.
    """
    extra = np.flatnonzero(hidden & ~primary)
    if not len(extra) or not n_groups:
        return
    count = np.bincount(member_group, weights=hidden[member_cell], minlength=n_groups)
    by_cell = np.argsort(member_cell, kind="stable")
    cells_sorted = member_cell[by_cell]
    starts = np.searchsorted(cells_sorted, extra, side="left")
    ends = np.searchsorted(cells_sorted, extra, side="right")
    for i in np.lexsort((-extra, -values[extra])):
        groups = member_group[by_cell[starts[i] : ends[i]]]
        if (count[groups] == 2).any():
            continue
        hidden[extra[i]] = False
        count[groups] -= 1


def _suppress_table(
    table: pd.DataFrame, k: int, hierarchies: Mapping[str, Any] | None
) -> tuple[pd.DataFrame, dict[str, int]]:
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(
            f"not a report table: column(s) {', '.join(missing)} missing; "
            "pass a chitieu Report or its .table"
        )
    flags = table["flags"].astype(str) if "flags" in table.columns else None
    if flags is not None and flags.str.contains(r"(?:^|,)suppressed(?:,|$)", regex=True).any():
        raise ValueError("the table is already suppressed; suppress the original report")
    n = len(table)
    num = table["numerator"].to_numpy(dtype=np.float64)
    den = table["denominator"].to_numpy(dtype=np.float64)
    num_count, has_den, den_children = _indicator_facts(table["indicator_id"].to_numpy())
    # Cells 0..n-1 are numerators, n..2n-1 denominators.
    values = np.concatenate([num, den])
    exists = np.concatenate([~np.isnan(num), has_den & ~np.isnan(den)])
    counted = np.concatenate([num_count, den_children])
    primary = exists & counted & (values > 0) & (values < k)
    is_total = np.tile(table["breakdown"].to_numpy(dtype=object) == "total", 2)

    rows_a, groups_a = _within_unit(table)
    rows_b, groups_b = _across_units(table, hierarchies)
    offset = int(groups_a.max()) + 1 if len(groups_a) else 0
    rows = np.concatenate([rows_a, rows_b])
    groups = np.concatenate([groups_a, groups_b + offset])
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    member_cell = np.concatenate([rows, rows + n])
    member_group = np.concatenate([groups, groups + n_groups])
    keep = exists[member_cell]
    member_cell, member_group = member_cell[keep], member_group[keep]
    if len(member_group):
        _, member_group = np.unique(member_group, return_inverse=True)

    safe_values = np.where(np.isnan(values), 0.0, values)
    hidden, stuck = _solve(member_cell, member_group, safe_values, primary, is_total)

    num_hidden, den_hidden = hidden[:n], hidden[n:]
    row_hidden = num_hidden | den_hidden
    row_primary = primary[:n] | primary[n:]
    out = table.copy()
    out["numerator"] = np.where(num_hidden, np.nan, num)
    out["denominator"] = np.where(den_hidden, np.nan, den)
    out["value"] = np.where(row_hidden, np.nan, table["value"].to_numpy(dtype=np.float64))
    added = np.where(
        row_hidden, np.where(row_primary, "suppressed", "suppressed,complementary"), ""
    ).astype(object)
    base = (flags if flags is not None else pd.Series("", index=table.index)).to_numpy(dtype=object)
    joined = np.where((base != "") & (added != ""), base + ",", base) + added
    out["flags"] = pd.Series(joined.astype(object), index=table.index, dtype="str")
    result = {
        "primary": int(primary.sum()),
        "complementary": int((hidden & ~primary).sum()),
        "unprotected": stuck,
    }
    return out, result


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or int(k) < 2:
        raise ValueError(f"k must be a whole number of at least 2, found {k!r}")
    return int(k)


def _note(k: int, counts: Mapping[str, int]) -> str:
    return (
        f"{NOTE_PREFIX} các số đếm từ 1 đến {k - 1} đã được che "
        f"({counts['primary']:,} ô), cùng {counts['complementary']:,} ô khác để không "
        f"suy ra được chúng / Published figures: counts from 1 to {k - 1} are suppressed "
        f"({counts['primary']:,} cells), with {counts['complementary']:,} further cells so "
        "that they cannot be recovered"
    )


@overload
def suppress(
    obj: Report, *, k: int = ..., hierarchies: Mapping[str, Any] | None = ...
) -> Report: ...
@overload
def suppress(
    obj: pd.DataFrame, *, k: int = ..., hierarchies: Mapping[str, Any] | None = ...
) -> pd.DataFrame: ...
def suppress(
    obj: Report | pd.DataFrame,
    *,
    k: int = DEFAULT_K,
    hierarchies: Mapping[str, Any] | None = None,
) -> Report | pd.DataFrame:
    """Hide small counts, and enough other cells that none can be recovered.

    Parameters
    ----------
    obj
        A :class:`~chitieu.report.Report` or its ``table``; not changed.
    k
        Counts from 1 to ``k - 1`` are hidden (default 5). Zeros are shown.
    hierarchies
        Only for a table holding several levels: the unit hierarchies
        (``Report.hierarchies``), so that units under one parent are
        protected together with the parent.

    Returns
    -------
    Report or pandas.DataFrame
        The same type as *obj*: hidden counts and their values are NaN and
        their rows carry the flag ``suppressed`` (and ``complementary`` when
        none of the row's hidden counts is small itself). A report also gets
        a note saying so.

    Raises
    ------
    ValueError
        For a bad ``k``, a table that is not a report table or is already
        suppressed, or several levels without hierarchies.

    Examples
    --------
    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.report import report
    >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    >>> published = suppress(rep, k=3)
    >>> published.get("child_population", by="sex")[["unit_code", "sex", "numerator"]]
      unit_code sex  numerator
    0     00001   M        NaN
    1     00001   F        NaN
    2     00001   U        0.0
    3     00002   M        NaN
    4     00002   F        NaN
    5     00002   U        0.0
    """
    from chitieu.report import Report

    k = _check_k(k)
    if isinstance(obj, Report):
        table, counts = _suppress_table(obj.table, k, hierarchies or obj.hierarchies)
        return replace(obj, table=table).with_notes(_note(k, counts))
    if isinstance(obj, pd.DataFrame):
        return _suppress_table(obj, k, hierarchies)[0]
    raise TypeError(f"expected a chitieu Report or its table, found {type(obj).__name__}")


def suppress_levels(
    report: Report, levels: Iterable[str], *, k: int = DEFAULT_K
) -> dict[str, Report]:
    """Suppress the report at several levels together, for publishing them side by side.

    Each level is the roll-up of *report*; all are protected as one table, so
    that no hidden count of a unit can be recovered from its parent's figure
    minus the other units.

    Parameters
    ----------
    report
        A report at its lowest level (usually ``commune``).
    levels
        Levels to publish, each not lower than the report's.
    k
        Counts from 1 to ``k - 1`` are hidden.

    Returns
    -------
    dict
        One suppressed :class:`~chitieu.report.Report` per level, in the
        order of :data:`chitieu.units.LEVELS`.

    Examples
    --------
    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.report import report
    >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    >>> out = suppress_levels(rep, ["commune", "province"], k=4)
    >>> out["province"].totals()["numerator"].tolist()
    [6.0]
    >>> out["commune"].totals()["numerator"].tolist()
    [nan, nan]
    """
    k = _check_k(k)
    wanted = list(dict.fromkeys(levels))
    if not wanted:
        raise ValueError("levels must name at least one level")
    ordered = [lv for lv in LEVELS if lv in wanted]
    unknown = [lv for lv in wanted if lv not in LEVELS]
    if unknown:
        raise ValueError(f"unknown level(s) {', '.join(unknown)}; levels: {', '.join(LEVELS)}")
    reports = {lv: report.rollup(lv) for lv in ordered}
    combined = pd.concat([r.table for r in reports.values()], ignore_index=True)
    table, counts = _suppress_table(combined, k, report.hierarchies)
    out: dict[str, Report] = {}
    start = 0
    for lv, rep in reports.items():
        part = table.iloc[start : start + len(rep.table)].reset_index(drop=True)
        start += len(rep.table)
        out[lv] = replace(rep, table=part).with_notes(_note(k, counts))
    return out


def summary(obj: Report | pd.DataFrame) -> dict[str, int]:
    """How many rows of a suppressed report are hidden, as primary or complementary.

    >>> import pandas as pd
    >>> summary(pd.DataFrame({"flags": ["suppressed", "", "suppressed,complementary"]}))
    {'rows': 3, 'suppressed': 2, 'primary': 1, 'complementary': 1}
    """
    table = obj if isinstance(obj, pd.DataFrame) else obj.table
    flags = table["flags"].astype(str).str.split(",")
    hidden = flags.map(lambda f: "suppressed" in f).to_numpy(dtype=bool)
    compl = flags.map(lambda f: "complementary" in f).to_numpy(dtype=bool)
    return {
        "rows": len(table),
        "suppressed": int(hidden.sum()),
        "primary": int((hidden & ~compl).sum()),
        "complementary": int(compl.sum()),
    }


_THRESHOLD_NOTE = re.compile(re.escape(NOTE_PREFIX) + r" các số đếm từ 1 đến (\d+)")


def _flag_mask(table: pd.DataFrame, flag: str) -> np.ndarray:
    if "flags" not in table.columns or not len(table):
        return np.zeros(len(table), dtype=bool)
    pattern = rf"(?:^|,){flag}(?:,|$)"
    return (
        table["flags"]
        .astype("str")
        .fillna("")
        .str.contains(pattern, regex=True)
        .to_numpy(dtype=bool)
    )


def is_suppressed(obj: Report | pd.DataFrame) -> bool:
    """Whether *obj* was made for publication by :func:`suppress` or :func:`suppress_levels`.

    A report is suppressed when a row carries the flag ``suppressed`` or when
    it has the note :func:`suppress` adds (a report with no small count has
    nothing hidden, yet is a publication copy); a table, when a row carries
    the flag.

    Examples
    --------
    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.report import report
    >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    >>> is_suppressed(rep), is_suppressed(rep.suppress()), is_suppressed(rep.suppress().table)
    (False, True, True)
    """
    table = obj if isinstance(obj, pd.DataFrame) else obj.table
    if _flag_mask(table, "suppressed").any():
        return True
    notes = () if isinstance(obj, pd.DataFrame) else obj.notes
    return any(str(note).startswith(NOTE_PREFIX) for note in notes)


def threshold(obj: Report) -> int | None:
    """The ``k`` a suppressed report was made with (from its note); None when not suppressed.

    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.report import report
    >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    >>> threshold(rep), threshold(rep.suppress(k=3))
    (None, 3)
    """
    for note in reversed(obj.notes):
        match = _THRESHOLD_NOTE.match(str(note))
        if match:
            return int(match.group(1)) + 1
    return None


def hidden_cells(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which ``numerator``, ``denominator`` and ``value`` cells of *table* are hidden.

    A cell is hidden when its row carries the flag ``suppressed`` and the cell
    is empty (NaN); the denominator only on rows that have one; the value
    unless the denominator shown is 0 (a row's ``value`` is hidden with any of
    its counts). Exports show these cells with
    the symbol ``x``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"numerator": [float("nan"), 3.0], "denominator": [12.0, float("nan")],
    ...                   "value": [float("nan"), 3.0], "flags": ["suppressed", ""]})
    >>> {k: v.tolist() for k, v in hidden_cells(t).items()}
    {'numerator': [True, False], 'denominator': [False, False], 'value': [True, False]}
    """
    row = _flag_mask(table, "suppressed")
    out: dict[str, np.ndarray] = {}
    for column in ("numerator", "denominator", "value"):
        values = table[column].to_numpy(dtype=np.float64)
        out[column] = row & np.isnan(values)
    # A count has no denominator: NaN there is "no such cell", not a hidden one.
    out["denominator"] &= _has_denominator(table)
    # A shown zero denominator leaves the value undefined, hidden or not.
    out["value"] &= ~(table["denominator"].to_numpy(dtype=np.float64) == 0)
    return out


def _has_denominator(table: pd.DataFrame) -> np.ndarray:
    if "indicator_id" not in table.columns or not len(table):
        return np.zeros(len(table), dtype=bool)
    return _indicator_facts(table["indicator_id"].to_numpy())[1]


def disclosure_metadata(obj: Report) -> dict[str, Any]:
    """What the exports say about suppression, as plain JSON values.

    ``suppressed`` (bool), ``k`` (None when not suppressed), how many cells
    and rows are hidden, and the symbols human formats use.

    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.report import report
    >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    >>> meta = disclosure_metadata(rep.suppress(k=3))
    >>> meta["suppressed"], meta["k"], meta["rows_hidden"] > 0, meta["symbols"]["suppressed"]
    (True, 3, True, 'x')
    """
    cells = hidden_cells(obj.table)
    counts = summary(obj) if len(obj.table) else {"primary": 0, "complementary": 0}
    return {
        "suppressed": is_suppressed(obj),
        "k": threshold(obj),
        "cells_hidden": int(cells["numerator"].sum() + cells["denominator"].sum()),
        "rows_hidden": int(_flag_mask(obj.table, "suppressed").sum()),
        "rows_primary": int(counts["primary"]),
        "rows_complementary": int(counts["complementary"]),
        "hidden_cells_are": "null, with the flag suppressed (and complementary)",
        "symbols": {name: symbol for name, (symbol, _) in SYMBOLS.items()},
        "legend": {name: {"vi": vi, "en": en} for name, (_, (vi, en)) in SYMBOLS.items()},
    }
