"""Suppression of small counts before a report is published.

Child-protection figures are about few, identifiable children
(docs/semantics.md, "Publishing"). :func:`suppress` hides every count from 1
to ``k - 1`` (primary suppression) and enough other cells (complementary
suppression) that no hidden small count can be recovered from the published
cells and totals, nor narrowed to values below ``k``. :func:`suppress_levels` does the same
for several levels of one report at once, so that a commune's hidden count
cannot be recovered from its district's total minus the other communes.

Cells
    every row's ``numerator`` (except for sums of money, such as fines), and
    the ``denominator`` of rates and percentages whose denominator counts
    children (not schools, communes, villages or the whole population).
Additive relations
    within one indicator, period, unit and count (numerator or denominator):
    the overall row is the sum of the rows of each single-response
    breakdown. In a table of several levels also: a parent's cell is the sum
    of the same cell of the units under it (multi-response rows included,
    since every child belongs to one unit).
Rule
    a reader knows every published cell, every relation and that hidden
    cells are at least 1 (zeros are shown; one flag, ``suppressed``, marks
    small counts and complements alike). Every small count ``x`` gets a
    *shift pattern*: hidden cells with signs +1 or -1 that keep every
    relation true, +1 at the count, counts above 0 where the sign is +1 and
    at least ``k + 1 - x`` where it is -1. Adding ``k - x`` times the signs
    gives counts consistent with everything published, all at least 1, with
    ``k`` in the small cell: the reader cannot tell the count from one of
    ``k`` or more. Patterns are a pair of categories of one breakdown moved
    in opposite directions in one unit (and in one unit per lower level),
    balanced by a sibling unit or carried up every level; or the count moved
    with its unit's overall row and one row of each other breakdown, up every
    level (no upper bound at all). Small counts are taken in table order; each
    takes the pattern that hides the fewest further cells (then the smallest
    sum), so patterns already hidden are used first.

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
['', 'suppressed', 'suppressed', '']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

from chitieu.numbers import plural
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


# -- the rule ---------------------------------------------------------------------
#: A shift pattern: (row, sign) pairs. Adding ``t`` times the signs to the counts
#: of these rows keeps every additive relation of the table true.
_Pattern = list[tuple[int, int]]


class _Layout:
    """How the rows of a report table relate: units, categories, breakdowns, parents.

    A unit is one combination of :data:`_UNIT_KEY` (so one indicator and
    period); a category is one combination of the other columns that name a
    cell (breakdown and its categories). ``row[(unit, category)]`` is the row of
    that cell; ``parent`` and ``children`` link units of consecutive levels
    present in the table, as :meth:`Report.rollup` assigns them.
    """

    def __init__(self, table: pd.DataFrame, hierarchies: Mapping[str, Any] | None) -> None:
        n = len(table)
        self.unit = _codes(table, list(_UNIT_KEY))
        names = [
            c
            for c in table.columns
            if c not in (*_UNIT_KEY, "numerator", "denominator", "value", "units_missing", "flags")
        ]
        self.category = _codes(table, names)
        breakdown = table["breakdown"].to_numpy(dtype=object).astype(str)
        multi = table["multi_response"].to_numpy(dtype=bool)
        #: 0 overall row, 1 row of a single-response breakdown, 2 multi-response row
        self.kind = np.where(breakdown == "total", 0, np.where(multi, 2, 1))
        self.breakdown = breakdown
        self.row: dict[tuple[int, int], int] = dict(
            zip(zip(self.unit.tolist(), self.category.tolist(), strict=True), range(n), strict=True)
        )
        self.total: dict[int, int] = {}
        self.parts: dict[int, dict[str, list[int]]] = {}
        for i in range(n):
            u, kind = int(self.unit[i]), int(self.kind[i])
            if kind == 0:
                self.total[u] = int(self.category[i])
            elif kind == 1:
                by = self.parts.setdefault(u, {})
                by.setdefault(str(breakdown[i]), []).append(int(self.category[i]))
        self.parent: dict[int, int] = {}
        self.children: dict[int, list[int]] = {}
        present = [lv for lv in LEVELS if lv in set(table["level"].astype(str))]
        if len(present) < 2:
            return
        if hierarchies is None:
            raise ValueError(
                f"the table holds several levels ({', '.join(present)}): pass hierarchies= "
                "(Report.hierarchies), or use suppress_levels(report, levels)"
            )
        units, first = np.unique(self.unit, return_index=True)
        level = table["level"].to_numpy(dtype=object).astype(str)[first]
        ident = table.loc[:, ["indicator_id", "period"]].astype(str).to_numpy(dtype=object)[first]
        codes = table["unit_code"].to_numpy(dtype=object).astype(str)[first]
        versions = table["division_version"].to_numpy(dtype=object).astype(str)[first]
        key_of = {
            (a, b, lv, code, ver): int(u)
            for (a, b), lv, code, ver, u in zip(ident, level, codes, versions, units, strict=True)
        }
        for low, high in itertools.pairwise(present):
            at_low = np.flatnonzero(level == low)
            parent, version = _parents(table, first[at_low], low, high, hierarchies)
            for j, p_code, p_ver in zip(at_low, parent, version, strict=True):
                a, b = ident[j]
                up = key_of.get((a, b, high, str(p_code), str(p_ver)))
                if up is not None:
                    self.parent[int(units[j])] = up
                    self.children.setdefault(up, []).append(int(units[j]))


class _Protection:
    """Hide cells until every small count has a shift pattern (docs/disclosure.md).

    For a small count ``x`` at row ``r``, a pattern is valid when every row in
    it is hidden, it keeps every additive relation true, its sign at ``r`` is
    ``+1``, every row with sign ``+1`` holds a count above 0 and every row
    with sign ``-1`` a count of at least ``k + 1 - x``. Then adding
    ``k - x`` times the signs gives counts that are all at least 1, satisfy
    every published relation and put ``k`` at ``r``: a reader who knows every
    published cell and that hidden cells are at least 1 cannot rule out that
    the small count is ``k`` or more.
    """

    def __init__(
        self, layout: _Layout, values: np.ndarray, exists: np.ndarray, hidden: np.ndarray, k: int
    ) -> None:
        self.layout, self.values, self.exists, self.hidden, self.k = (
            layout,
            values,
            exists,
            hidden,
            k,
        )
        self.patterns: dict[int, _Pattern] = {}
        self.unprotected = 0

    # pattern pieces ---------------------------------------------------------------
    def _fits(self, row: int | None, sign: int, need: float) -> bool:
        if row is None or not self.exists[row]:
            return False
        return bool(self.values[row] > 0) if sign > 0 else bool(self.values[row] >= need)

    def _unit_cells(
        self, unit: int, sign: int, shape: tuple[tuple[int, int], ...], need: float
    ) -> _Pattern | None:
        out: _Pattern = []
        for category, s in shape:
            row = self.layout.row.get((unit, category))
            if not self._fits(row, sign * s, need):
                return None
            out.append((int(row), sign * s))  # type: ignore[arg-type]
        return out

    def _new(self, cells: _Pattern) -> tuple[int, float]:
        rows = [r for r, _ in cells if not self.hidden[r]]
        return len(rows), float(self.values[rows].sum()) if rows else 0.0

    def _down(
        self, unit: int, sign: int, shape: tuple[tuple[int, int], ...], need: float
    ) -> _Pattern | None:
        """The unit's cells and a chain of one unit per lower level, same signs."""
        cells = self._unit_cells(unit, sign, shape, need)
        if cells is None:
            return None
        kids = self.layout.children.get(unit)
        if not kids:
            return cells
        best: tuple[tuple[int, float], _Pattern] | None = None
        for kid in kids:
            below = self._down(kid, sign, shape, need)
            if below is not None and (best is None or self._new(below) < best[0]):
                best = (self._new(below), below)
                if best[0][0] == 0:
                    break
        return None if best is None else cells + best[1]

    def _up(self, unit: int, shape: tuple[tuple[int, int], ...], need: float) -> _Pattern | None:
        """Cells of every ancestor, with sign +1, up to the highest level."""
        out: _Pattern = []
        parent = self.layout.parent.get(unit)
        while parent is not None:
            cells = self._unit_cells(parent, 1, shape, need)
            if cells is None:
                return None
            out += cells
            parent = self.layout.parent.get(parent)
        return out

    def _placements(
        self, unit: int, shape: tuple[tuple[int, int], ...], need: float
    ) -> Iterable[_Pattern]:
        """Ways to place *shape* at *unit* so that relations across units stay true."""
        own = self._down(unit, 1, shape, need)
        if own is None:
            return
        parent = self.layout.parent.get(unit)
        if parent is None:
            yield own
            return
        for sibling in self.layout.children[parent]:
            if sibling != unit:
                other = self._down(sibling, -1, shape, need)
                if other is not None:
                    yield own + other
        up = self._up(unit, shape, need)
        if up is not None:
            yield own + up

    def _through_total(self, row: int) -> _Pattern | None:
        """Shift the count with its unit's overall row and one row of every other
        breakdown, in the unit, its ancestors and one unit per lower level: every
        sign is +1, so the count has no upper bound."""
        layout = self.layout
        unit, category = int(layout.unit[row]), int(layout.category[row])
        chain = [unit]
        while layout.children.get(chain[-1]):
            kids = [
                kid
                for kid in layout.children[chain[-1]]
                if self._fits(layout.row.get((kid, category)), 1, 0)
            ]
            if not kids:
                return None
            kids.sort(key=lambda kid: (not self.hidden[layout.row[(kid, category)]],))
            chain.append(kids[0])
        bottom = chain[-1]
        shape = [(category, 1)]
        if int(layout.kind[row]) != 2:
            if unit not in layout.total:
                return None
            if int(layout.kind[row]) == 1:
                shape.append((layout.total[unit], 1))
            for name, cats in layout.parts.get(unit, {}).items():
                if int(layout.kind[row]) == 1 and name == str(layout.breakdown[row]):
                    continue
                usable = [c for c in cats if self._fits(layout.row.get((bottom, c)), 1, 0)]
                if not usable:
                    return None
                usable.sort(
                    key=lambda c: (
                        not self.hidden[layout.row[(bottom, c)]],
                        -self.values[layout.row[(bottom, c)]],
                    )
                )
                shape.append((usable[0], 1))
        fixed = tuple(shape)
        out: _Pattern = []
        for member in chain:
            cells = self._unit_cells(member, 1, fixed, 0)
            if cells is None:
                return None
            out += cells
        up = self._up(unit, fixed, 0)
        return None if up is None else out + up

    def _candidates(self, row: int) -> Iterable[_Pattern]:
        layout = self.layout
        unit, category = int(layout.unit[row]), int(layout.category[row])
        need = self.k + 1 - float(self.values[row])
        kind = int(layout.kind[row])
        if kind == 1:
            for other in layout.parts[unit][str(layout.breakdown[row])]:
                if other != category:
                    yield from self._placements(unit, ((category, 1), (other, -1)), need)
        elif kind == 2:
            yield from self._placements(unit, ((category, 1),), need)
        if kind != 2 and unit in layout.total:
            yield from self._with_total(row, need)
        through = self._through_total(row)
        if through is not None:
            yield through

    def _with_total(self, row: int, need: float) -> Iterable[_Pattern]:
        """The count with its unit's overall row and one row of every other breakdown,
        balanced by a sibling unit (up to two choices of row per breakdown)."""
        layout = self.layout
        unit, category = int(layout.unit[row]), int(layout.category[row])
        parent = layout.parent.get(unit)
        if parent is None:
            return
        choices: list[list[int]] = []
        for name, cats in layout.parts.get(unit, {}).items():
            if int(layout.kind[row]) == 1 and name == str(layout.breakdown[row]):
                continue
            usable = [c for c in cats if self._fits(layout.row.get((unit, c)), 1, 0)]
            usable.sort(
                key=lambda c: (
                    not self.hidden[layout.row[(unit, c)]],
                    -self.values[layout.row[(unit, c)]],
                )
            )
            if not usable:
                return
            choices.append(usable[:2])
        base = [(category, 1)]
        if int(layout.kind[row]) == 1:
            base.append((layout.total[unit], 1))
        for parts in itertools.product(*choices):
            shape = (*base, *((c, 1) for c in parts))
            own = self._down(unit, 1, shape, need)
            if own is None:
                continue
            for sibling in layout.children[parent]:
                if sibling != unit:
                    other = self._down(sibling, -1, shape, need)
                    if other is not None:
                        yield own + other

    def protect(self, row: int) -> None:
        """Give the small count at *row* a valid pattern, hiding the fewest cells."""
        best: tuple[tuple[int, float], _Pattern] | None = None
        for pattern in self._candidates(row):
            cost = self._new(pattern)
            if best is None or cost < best[0]:
                best = (cost, pattern)
                if cost[0] == 0:
                    break
        if best is None:
            self.unprotected += 1
            return
        self.patterns[row] = best[1]
        for r, _ in best[1]:
            self.hidden[r] = True


def _solve(
    layout: _Layout, values: np.ndarray, exists: np.ndarray, primary: np.ndarray, k: int
) -> tuple[np.ndarray, dict[int, _Pattern], int]:
    """Hidden cells of one count (numerator or denominator), the patterns, and how
    many small counts got none."""
    protection = _Protection(layout, values, exists, primary.copy(), k)
    for row in np.flatnonzero(primary):
        protection.protect(int(row))
    return protection.hidden, protection.patterns, protection.unprotected


def _patterns(
    table: pd.DataFrame, k: int = DEFAULT_K, hierarchies: Mapping[str, Any] | None = None
) -> dict[tuple[str, int], _Pattern]:
    """The shift pattern of every small count, keyed by (count column, row).

    For tests and audits: the proof of :func:`suppress` in checkable form.
    """
    return _suppress_table(table, _check_k(k), hierarchies)[2]


def _suppress_table(
    table: pd.DataFrame, k: int, hierarchies: Mapping[str, Any] | None
) -> tuple[pd.DataFrame, dict[str, int], dict[tuple[str, int], _Pattern]]:
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(
            f"not a report table: {plural(len(missing), 'column')} {', '.join(missing)} missing; "
            "pass a chitieu Report or its .table"
        )
    flags = table["flags"].astype(str) if "flags" in table.columns else None
    if flags is not None and flags.str.contains(r"(?:^|,)suppressed(?:,|$)", regex=True).any():
        raise ValueError("the table is already suppressed; suppress the original report")
    layout = _Layout(table, hierarchies)
    num = table["numerator"].to_numpy(dtype=np.float64)
    den = table["denominator"].to_numpy(dtype=np.float64)
    num_count, has_den, den_children = _indicator_facts(table["indicator_id"].to_numpy())
    patterns: dict[tuple[str, int], _Pattern] = {}
    hidden_by: dict[str, np.ndarray] = {}
    counts = {"primary": 0, "complementary": 0, "unprotected": 0}
    for column, values, exists, counted in (
        ("numerator", num, ~np.isnan(num), num_count),
        ("denominator", den, has_den & ~np.isnan(den), den_children),
    ):
        primary = exists & counted & (values > 0) & (values < k)
        safe = np.where(np.isnan(values), 0.0, values)
        hidden, found, unprotected = _solve(layout, safe, exists, primary, k)
        hidden_by[column] = hidden
        patterns.update({(column, row): cells for row, cells in found.items()})
        counts["primary"] += int(primary.sum())
        counts["complementary"] += int((hidden & ~primary).sum())
        counts["unprotected"] += unprotected

    row_hidden = hidden_by["numerator"] | hidden_by["denominator"]
    out = table.copy()
    out["numerator"] = np.where(hidden_by["numerator"], np.nan, num)
    out["denominator"] = np.where(hidden_by["denominator"], np.nan, den)
    out["value"] = np.where(row_hidden, np.nan, table["value"].to_numpy(dtype=np.float64))
    # One flag for small counts and their complements alike: telling them apart
    # would give a reader bounds (small: 1..k-1, complement: k or more).
    added = np.where(row_hidden, "suppressed", "").astype(object)
    base = (flags if flags is not None else pd.Series("", index=table.index)).to_numpy(dtype=object)
    joined = np.where((base != "") & (added != ""), base + ",", base) + added
    out["flags"] = pd.Series(joined.astype(object), index=table.index, dtype="str")
    return out, counts, patterns


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or int(k) < 2:
        raise ValueError(f"k must be a whole number of at least 2, found {k!r}")
    return int(k)


def _note(k: int, counts: Mapping[str, int]) -> str:
    hidden = counts["primary"] + counts["complementary"]
    return (
        f"{NOTE_PREFIX} các số đếm từ 1 đến {k - 1} đã được che, cùng các ô khác để không "
        f"suy ra được chúng, kể cả trong một khoảng nhỏ ({hidden:,} ô bị che) / Published "
        f"figures: counts from 1 to {k - 1} are suppressed, with further cells so that none "
        f"can be recovered or narrowed to small values ({hidden:,} cells hidden)"
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
        their rows carry the flag ``suppressed`` (small counts and the cells
        hidden to protect them alike). A report also gets a note saying so.

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
        table, counts, _ = _suppress_table(obj.table, k, hierarchies or obj.hierarchies)
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
    >>> out["commune"].totals()["numerator"].tolist()
    [nan, nan]

    Every count of the two communes of the tiny example is below 4, so no
    commune can balance the other by 4 or more: the province is hidden too.

    >>> out["province"].totals()["numerator"].tolist()
    [nan]
    """
    k = _check_k(k)
    wanted = list(dict.fromkeys(levels))
    if not wanted:
        raise ValueError("levels must name at least one level")
    ordered = [lv for lv in LEVELS if lv in wanted]
    unknown = [lv for lv in wanted if lv not in LEVELS]
    if unknown:
        raise ValueError(
            f"unknown {plural(len(unknown), 'level')} {', '.join(unknown)}; "
            f"levels: {', '.join(LEVELS)}"
        )
    reports = {lv: report.rollup(lv) for lv in ordered}
    combined = pd.concat([r.table for r in reports.values()], ignore_index=True)
    table, counts, _ = _suppress_table(combined, k, report.hierarchies)
    out: dict[str, Report] = {}
    start = 0
    for lv, rep in reports.items():
        part = table.iloc[start : start + len(rep.table)].reset_index(drop=True)
        start += len(rep.table)
        out[lv] = replace(rep, table=part).with_notes(_note(k, counts))
    return out


def summary(obj: Report | pd.DataFrame) -> dict[str, int]:
    """How many rows of a suppressed report are hidden.

    Small counts and the cells hidden to protect them carry the same flag,
    ``suppressed``: a published table does not tell them apart (that would
    tell a reader that one is below ``k`` and the other not).

    >>> import pandas as pd
    >>> summary(pd.DataFrame({"flags": ["suppressed", "", "suppressed"]}))
    {'rows': 3, 'suppressed': 2}
    """
    table = obj if isinstance(obj, pd.DataFrame) else obj.table
    return {"rows": len(table), "suppressed": int(_flag_mask(table, "suppressed").sum())}


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
    return {
        "suppressed": is_suppressed(obj),
        "k": threshold(obj),
        "cells_hidden": int(cells["numerator"].sum() + cells["denominator"].sum()),
        "rows_hidden": int(_flag_mask(obj.table, "suppressed").sum()),
        "hidden_cells_are": "null, with the flag suppressed",
        "symbols": {name: symbol for name, (symbol, _) in SYMBOLS.items()},
        "legend": {name: {"vi": vi, "en": en} for name, (_, (vi, en)) in SYMBOLS.items()},
    }
