"""The :class:`Report`: many indicators, periods and units in one tidy table.

:func:`report` computes every requested indicator for every commune, overall
and broken down by each of the indicator's dimensions (one at a time), and
keeps the counts: ``numerator`` and ``denominator`` beside ``value``. A higher
level (district, province, national) is made by :meth:`Report.rollup`, which
sums the counts of the units under each parent and only then computes the
value. Values are never averaged.

Roll-up is exact: every child (and every event) is attributed to exactly one
commune, so counts of distinct children add up over communes to the count of
the parent unit, and a rate of sums is the parent's rate.

The table (:attr:`Report.table`) has these columns, in this order:

``indicator_id``, ``period``, ``level``, ``unit_code``, ``division_version``
    what the row is about; at national level ``unit_code`` is ``VN``.
``breakdown``
    ``total`` for the overall row of a unit, else the one dimension the row is
    broken down by.
one column per dimension (``sex``, ``age_group``, ``group``, ...)
    the category of the row's breakdown dimension; ``total`` in every other
    dimension column.
``multi_response``
    True on rows broken down by a multi-response dimension (special
    circumstance group, form of abuse, ...): one child can be in several such
    rows, so they do not add up to the total. Never sum over them.
``numerator``, ``denominator``, ``value``
    float64; the denominator is NaN for counts and sums, the value is NaN where
    the denominator is 0.
``units_missing``
    for indicators computed from facts communes report (units table, extra
    tables): how many communes of the cell did not report it; ``<NA>`` for the
    others.
``flags``
    comma-separated flags in the order of :data:`FLAGS` ("" for none).

Examples
--------
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
>>> rep.totals()[["unit_code", "numerator"]].to_dict("list")
{'unit_code': ['00001', '00002'], 'numerator': [3.0, 3.0]}
>>> rep.rollup("district").totals()[["unit_code", "numerator"]].to_dict("list")
{'unit_code': ['001'], 'numerator': [6.0]}
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from chitieu.counts import RATIO_KINDS
from chitieu.counts import values as cell_values
from chitieu.errors import DataNotAvailableError
from chitieu.inbound import Validation
from chitieu.periods import Period, PeriodLike, parse_periods
from chitieu.schemas import TABLES, column_specs
from chitieu.submission import Submission
from chitieu.units import (
    LEVELS,
    UNKNOWN_UNIT,
    DivisionVersionError,
    check_level,
    hierarchy,
    parent_codes,
    unit_names,
)

__all__ = [
    "FLAGS",
    "SMALL_COUNT",
    "TOTAL",
    "Report",
    "input_hash",
    "report",
]

#: The category of a dimension column on rows not broken down by it.
TOTAL = "total"

#: Default threshold of the ``small_count`` flag: numerators 1 to 4 are flagged.
SMALL_COUNT = 5

#: Flags of a row, in the order they are written, with what each means (vi, en).
FLAGS: dict[str, tuple[str, str]] = {
    "code_unconfirmed": (
        "Mã chỉ tiêu chưa được xác nhận trong Thông tư",
        "The indicator's code in the circular is not confirmed",
    ),
    "low_confidence": (
        "Định nghĩa chỉ tiêu được suy ra, độ tin cậy thấp",
        "The indicator's definition is inferred (low confidence)",
    ),
    "not_in_circular": (
        "Chỉ tiêu bổ sung, không có trong Thông tư",
        "Supplementary indicator, not listed in the circular",
    ),
    "multi_response": (
        "Phân tổ nhiều lựa chọn: các dòng không cộng được thành tổng",
        "Multi-response breakdown: rows do not add up to the total",
    ),
    "small_count": (
        "Tử số nhỏ (1 đến ngưỡng - 1): cần che trước khi công bố",
        "Small numerator (1 to threshold - 1): suppress before publishing",
    ),
    "zero_denominator": (
        "Mẫu số bằng 0: không tính được giá trị",
        "Zero denominator: the value is missing",
    ),
    "unknown_unit": (
        "Đơn vị không xác định (thiếu mã xã hoặc xã không có trong danh mục)",
        "Unit not known (commune code missing or not in the units table)",
    ),
    "units_missing": (
        "Có xã chưa báo cáo số liệu này",
        "Some communes did not report this figure",
    ),
    "mixed_versions": (
        "Báo cáo có số liệu theo hai danh mục đơn vị hành chính: không cộng gộp",
        "The report holds data of two division versions: do not add them",
    ),
    "suppressed": (
        "Số liệu bị che khi công bố (số nhỏ, hoặc để không suy ra được số nhỏ)",
        "Count hidden for publication (a small count, or one that would reveal it)",
    ),
    "complementary": (
        "Che bổ sung: số không nhỏ, che để không suy ra được số nhỏ khác",
        "Complementary suppression: not small itself, hidden to protect a small count",
    ),
}

_BASE = ("indicator_id", "period", "level", "unit_code", "division_version")
_COUNTS = ("numerator", "denominator", "value")


def _dimension_order() -> tuple[str, ...]:
    from chitieu.indicators.registry import DIMENSIONS

    return tuple(d for d in DIMENSIONS if d != "commune")


# -- periods and indicators ---------------------------------------------------
def _select(indicators: Sequence[str] | None) -> list[str]:
    from chitieu.indicators import get_indicator, list_indicators

    if indicators is None:
        return list_indicators()["id"].tolist()
    if isinstance(indicators, str):
        indicators = [indicators]
    ids = [get_indicator(i).id for i in indicators]
    if len(set(ids)) != len(ids):
        raise ValueError("an indicator is repeated in indicators=")
    return ids


# -- assembling the commune table ---------------------------------------------
def _commune_pieces(
    ctx: Any, meta: Any, label: str, age_bands: Sequence[int] | None
) -> list[pd.DataFrame]:
    if "commune" not in meta.dimensions:
        raise DataNotAvailableError(
            f"indicator {meta.id!r} cannot be attributed to communes, so it has no place "
            "in a report by unit"
        )
    options: dict[str, Any] = {}
    if age_bands is not None and "age_bands" in meta.options:
        options["age_bands"] = age_bands
    breakdowns: list[str | None] = [None, *(d for d in meta.dimensions if d != "commune")]
    pieces = []
    for rank, dim in enumerate(breakdowns):
        by = ("commune",) if dim is None else ("commune", dim)
        part = ctx.compute(meta.id, by=by, **options)
        n = len(part)
        columns: dict[str, Any] = {
            "indicator_id": np.full(n, meta.id, dtype=object),
            "period": np.full(n, label, dtype=object),
            "unit_code": part["unit_code"].to_numpy(dtype=object),
            "division_version": part["division_version"].to_numpy(dtype=object),
            "breakdown": np.full(n, TOTAL if dim is None else dim, dtype=object),
            "_rank": np.full(n, rank, dtype=np.int64),
            "multi_response": np.full(n, dim in meta.multi_response, dtype=bool),
            "numerator": part["numerator"].to_numpy(dtype=np.float64),
            "denominator": part["denominator"].to_numpy(dtype=np.float64),
        }
        if dim is not None:
            columns[dim] = part[dim].to_numpy(dtype=object)
        if "units_missing" in part:
            columns["units_missing"] = part["units_missing"].to_numpy(dtype=np.float64)
        pieces.append(pd.DataFrame(columns))
    return pieces


def _finish_table(
    frame: pd.DataFrame,
    level: str,
    dims: Sequence[str],
    metas: Mapping[str, Any],
    small_count: int,
    mixed: bool,
) -> pd.DataFrame:
    """Standard columns, dtypes, values and flags (rows already in order)."""
    n = len(frame)
    out: dict[str, Any] = {}
    for column in _BASE:
        if column == "level":
            out[column] = pd.Series(np.full(n, level, dtype=object), dtype="str")
        else:
            out[column] = pd.Series(frame[column].to_numpy(dtype=object), dtype="str")
    out["breakdown"] = pd.Series(frame["breakdown"].to_numpy(dtype=object), dtype="str")
    for dim in dims:
        values = (
            frame[dim].to_numpy(dtype=object) if dim in frame else np.full(n, TOTAL, dtype=object)
        )
        values = np.where(pd.isna(values), TOTAL, values)
        out[dim] = pd.Series(values, dtype="str")
    out["multi_response"] = frame["multi_response"].to_numpy(dtype=bool)
    num = frame["numerator"].to_numpy(dtype=np.float64)
    den = frame["denominator"].to_numpy(dtype=np.float64)
    ids = frame["indicator_id"].to_numpy(dtype=object)
    kinds = pd.Series(ids).map({i: m.kind for i, m in metas.items()}).to_numpy(dtype=object)
    mult = pd.Series(ids).map({i: m.multiplier for i, m in metas.items()}).to_numpy(dtype=float)
    ratio = np.isin(kinds, RATIO_KINDS)
    out["numerator"] = num
    out["denominator"] = np.where(ratio, den, np.nan)
    out["value"] = cell_values(num, den, kinds, mult)
    missing = (
        frame["units_missing"].to_numpy(dtype=np.float64)
        if "units_missing" in frame
        else np.full(n, np.nan)
    )
    out["units_missing"] = pd.array(
        np.where(np.isnan(missing), 0, missing).astype(np.int64), dtype="Int64"
    )
    out["units_missing"][np.isnan(missing)] = pd.NA
    table = pd.DataFrame(out)
    table["flags"] = _flags(table, kinds, ratio, metas, small_count, mixed)
    return table


def _flags(
    table: pd.DataFrame,
    kinds: np.ndarray,
    ratio: np.ndarray,
    metas: Mapping[str, Any],
    small_count: int,
    mixed: bool,
) -> pd.Series:
    ids = table["indicator_id"]
    per_indicator = {
        "code_unconfirmed": {i for i, m in metas.items() if m.spec_id and not m.code_confirmed},
        "low_confidence": {i for i, m in metas.items() if m.confidence == "low"},
        "not_in_circular": {i for i, m in metas.items() if m.existence == "supplementary"},
    }
    num = table["numerator"].to_numpy(dtype=np.float64)
    den = table["denominator"].to_numpy(dtype=np.float64)
    masks: dict[str, np.ndarray] = {
        name: ids.isin(members).to_numpy(dtype=bool) for name, members in per_indicator.items()
    }
    masks["multi_response"] = table["multi_response"].to_numpy(dtype=bool)
    masks["small_count"] = (kinds != "sum") & (num > 0) & (num < small_count)
    masks["zero_denominator"] = ratio & (den == 0)
    masks["unknown_unit"] = (table["unit_code"] == UNKNOWN_UNIT).to_numpy(dtype=bool)
    masks["units_missing"] = table["units_missing"].fillna(0).to_numpy(dtype=np.int64) > 0
    masks["mixed_versions"] = np.full(len(table), mixed, dtype=bool)
    # Set only by chitieu.disclosure.suppress, never on freshly computed rows.
    masks["suppressed"] = np.zeros(len(table), dtype=bool)
    masks["complementary"] = np.zeros(len(table), dtype=bool)
    bits = np.zeros(len(table), dtype=np.int64)
    names = list(FLAGS)
    for i, name in enumerate(names):
        bits |= masks[name].astype(np.int64) << i
    uniq, inverse = np.unique(bits, return_inverse=True)
    text = np.array(
        [",".join(n for i, n in enumerate(names) if (int(u) >> i) & 1) for u in uniq],
        dtype=object,
    )
    return pd.Series(text[inverse] if len(table) else [], dtype="str", index=table.index)


def _unit_rank(codes: pd.Series, versions: pd.Series) -> np.ndarray:
    """Rank of each (unit, version): codes sorted, ``unknown`` last."""
    code = codes.astype("str").to_numpy(dtype=object)
    version = versions.astype("str").to_numpy(dtype=object)
    keys = pd.DataFrame({"u": code == UNKNOWN_UNIT, "c": code, "v": version})
    uniq = keys.drop_duplicates().sort_values(["u", "c", "v"], kind="stable")
    uniq["rank"] = np.arange(len(uniq))
    merged = keys.merge(uniq, on=["u", "c", "v"], how="left")
    return merged["rank"].to_numpy(dtype=np.int64)


def _order(
    frame: pd.DataFrame, indicator_ids: Sequence[str], period_labels: Sequence[str]
) -> np.ndarray:
    ind_rank = frame["indicator_id"].map({i: k for k, i in enumerate(indicator_ids)})
    per_rank = frame["period"].map({p: k for k, p in enumerate(period_labels)})
    unit_rank = _unit_rank(frame["unit_code"], frame["division_version"])
    return np.lexsort(
        (
            np.arange(len(frame)),
            frame["_rank"].to_numpy(dtype=np.int64),
            unit_rank,
            per_rank.to_numpy(dtype=np.int64),
            ind_rank.to_numpy(dtype=np.int64),
        )
    )


def _breakdown_rank(frame: pd.DataFrame, metas: Mapping[str, Any]) -> np.ndarray:
    rank_of: dict[tuple[str, str], int] = {}
    for i, m in metas.items():
        rank_of[(i, TOTAL)] = 0
        for k, d in enumerate((d for d in m.dimensions if d != "commune"), start=1):
            rank_of[(i, d)] = k
    keys = list(zip(frame["indicator_id"], frame["breakdown"], strict=False))
    return np.fromiter((rank_of.get(k, 99) for k in keys), dtype=np.int64, count=len(keys))


# -- roll-up ------------------------------------------------------------------
def _rollup_frame(
    table: pd.DataFrame,
    from_level: str,
    to_level: str,
    hierarchies: Mapping[str, pd.DataFrame],
    dims: Sequence[str],
) -> pd.DataFrame:
    """Sum numerators, denominators and units_missing of *table* into *to_level* units."""
    versions = table["division_version"].astype("str")
    known = sorted(set(versions.unique()) - {UNKNOWN_UNIT})
    if len(known) == 1:
        # Rows without a commune carry no version; they belong to the one version of the data.
        versions = versions.where(versions != UNKNOWN_UNIT, known[0])
    parent = pd.Series(UNKNOWN_UNIT, index=table.index, dtype="str")
    has_version = (versions != UNKNOWN_UNIT).to_numpy(dtype=bool)
    if to_level == "national":
        parent[:] = "VN"
    elif has_version.any():
        parent[has_version] = parent_codes(
            table["unit_code"][has_version],
            versions[has_version],
            from_level=from_level,
            to_level=to_level,
            hierarchies=dict(hierarchies),
        ).to_numpy()
    work = pd.DataFrame(
        {
            "indicator_id": table["indicator_id"],
            "period": table["period"],
            "unit_code": parent,
            "division_version": versions,
            "breakdown": table["breakdown"],
            **{d: table[d] for d in dims},
            "multi_response": table["multi_response"],
            "numerator": table["numerator"],
            "denominator": table["denominator"],
            "units_missing": table["units_missing"]
            .astype("Float64")
            .to_numpy(dtype=np.float64, na_value=np.nan),
        }
    )
    keys = [
        "indicator_id",
        "period",
        "unit_code",
        "division_version",
        "breakdown",
        *dims,
        "multi_response",
    ]
    summed = (
        work.groupby(keys, sort=False, dropna=False)[["numerator", "denominator", "units_missing"]]
        .sum(min_count=1)
        .reset_index()
    )
    return summed


# -- input hash -----------------------------------------------------------------
def _hash_frame(digest: Any, name: str, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    digest.update(f"{name}|{len(frame)}|{','.join(columns)}\n".encode())
    if len(frame) and len(columns):
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
        digest.update(np.sort(rows).tobytes())


def input_hash(data: Submission, extra: Mapping[str, pd.DataFrame] | None = None) -> str:
    """SHA-256 of the canonical content of a submission (and extra tables).

    Every table contributes its name, its schema columns (provenance columns
    ``_source_file`` and ``_source_row`` are left out) and the sorted hashes
    of its rows. So the hash does not depend on the order of the rows or on
    the files the data came from, and changes when any value changes.

    >>> from chitieu.indicators.examples import tiny_submission
    >>> sub = tiny_submission()
    >>> shuffled = sub.replace(children=sub.children.iloc[::-1])
    >>> input_hash(sub) == input_hash(shuffled)
    True
    >>> changed = sub.children.assign(sex="F")
    >>> input_hash(sub) == input_hash(sub.replace(children=changed))
    False
    """
    digest = hashlib.sha256(b"chitieu-input-v1\n")
    for name in TABLES:
        frame = data[name]
        columns = [c for c in column_specs(name) if c in frame.columns]
        _hash_frame(digest, name, frame.loc[:, columns])
    for name in sorted(extra or {}):
        frame = (extra or {})[name]
        _hash_frame(digest, f"extra:{name}", frame.loc[:, sorted(map(str, frame.columns))])
    return digest.hexdigest()


# -- the report -------------------------------------------------------------------
@dataclass(eq=False, repr=False)
class Report:
    """Indicators for many units and periods, as one tidy table of counts and values.

    Build one with :func:`report`. The attributes are read-only by convention:
    methods return new reports.

    Attributes
    ----------
    table
        The tidy long table (see the module docstring for its columns).
    periods
        The periods, in the order given.
    level
        ``commune``, ``district``, ``province`` or ``national``.
    indicators
        Metadata of the indicators in the table (one row each, as
        :func:`chitieu.list_indicators`).
    skipped
        Indicators not computed: ``indicator_id``, ``period`` and ``reason``.
    input_hash
        :func:`input_hash` of the input, computed when first asked for (by
        :meth:`metadata` and the exports), not while the report is built:
        hashing every row costs more than computing the indicators.
    chitieu_version
        The version of chitieu that computed the report.
    generated_at
        When the report was computed (UTC, ISO 8601).
    notes
        Sentences printed on the cover and written in the metadata: what the
        figures rest on (validation, rows left out, tables missing, communes
        without records, the dates the records cover, periods only partly
        covered, indicators without data); add with :meth:`with_notes`.
    basis
        The same, as data (:func:`chitieu.coverage.basis`): tables with rows
        read, used and left out, validation counts, coverage, communes.
    """

    table: pd.DataFrame
    periods: tuple[Period, ...]
    level: str
    indicators: pd.DataFrame
    skipped: pd.DataFrame
    _input_hash: str | None
    chitieu_version: str
    generated_at: str
    units: pd.DataFrame = field(repr=False)
    hierarchies: dict[str, pd.DataFrame] = field(repr=False)
    small_count: int = SMALL_COUNT
    age_bands: tuple[int, ...] | None = None
    notes: tuple[str, ...] = ()
    basis: dict[str, Any] = field(default_factory=dict, repr=False)
    #: Computes :attr:`input_hash`, until it is computed.
    _hash_of: Callable[[], str] | None = field(default=None, repr=False)

    @property
    def input_hash(self) -> str:
        """:func:`input_hash` of the input (computed once, on first use)."""
        if self._input_hash is None:
            if self._hash_of is None:
                raise ValueError("this report has no input to hash")
            value = self._hash_of()
            object.__setattr__(self, "_input_hash", value)
            object.__setattr__(self, "_hash_of", None)
        assert self._input_hash is not None
        return self._input_hash

    # -- description ------------------------------------------------------------
    @property
    def period(self) -> str:
        """The period label (labels joined by ", " when there are several)."""
        return ", ".join(p.label for p in self.periods)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimension columns of the table, in order."""
        return tuple(d for d in _dimension_order() if d in self.table.columns)

    @property
    def division_versions(self) -> tuple[str, ...]:
        """Division versions of the units in the table (``unknown`` left out)."""
        versions = set(self.table["division_version"].unique()) - {UNKNOWN_UNIT}
        return tuple(sorted(str(v) for v in versions))

    def unit_list(self) -> pd.DataFrame:
        """The units of the table with their names (from the units table)."""
        units = self.table.loc[:, ["unit_code", "division_version"]].drop_duplicates()
        names = self.units.loc[self.units["level"] == self.level]
        merged = units.merge(names, on=["unit_code", "division_version"], how="left")
        merged["level"] = self.level
        return merged.loc[:, ["level", "unit_code", "division_version", "name"]].reset_index(
            drop=True
        )

    def _metas(self) -> dict[str, Any]:
        from chitieu.indicators import get_indicator

        return {i: get_indicator(i) for i in self.indicators["id"]}

    # -- access -------------------------------------------------------------------
    def get(self, indicator_id: str, *, by: str | None = None, **filters: Any) -> pd.DataFrame:
        """The rows of one indicator, optionally of one breakdown and filtered.

        Parameters
        ----------
        indicator_id
            An indicator of the report.
        by
            ``"total"`` for the overall rows, or a dimension name for the rows
            broken down by it.
        **filters
            ``column=value`` or ``column=[values]`` on any column of the table
            (``unit_code="00001"``, ``sex="F"``, ``period="2024"``).

        Returns
        -------
        pandas.DataFrame
            The matching rows, without the dimension columns the indicator
            does not have.

        Examples
        --------
        >>> from chitieu.indicators.examples import tiny_submission
        >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
        >>> rep.get("child_population", by="sex", unit_code="00001")[["sex", "numerator"]]
          sex  numerator
        0   M        2.0
        1   F        1.0
        2   U        0.0
        """
        from chitieu.errors import UnknownIndicatorError
        from chitieu.indicators import get_indicator

        meta = get_indicator(indicator_id)
        mask = (self.table["indicator_id"] == meta.id).to_numpy(dtype=bool, copy=True)
        if not mask.any():
            reasons = self.skipped.loc[self.skipped["indicator_id"] == meta.id, "reason"]
            if len(reasons):
                raise DataNotAvailableError(
                    f"indicator {meta.id!r} was not computed: {reasons.iloc[0]}"
                )
            raise UnknownIndicatorError(
                f"indicator {meta.id!r} is not in this report; it holds "
                f"{', '.join(self.indicators['id']) or 'no indicator'}"
            )
        if by is not None:
            allowed = (TOTAL, *(d for d in meta.dimensions if d != "commune"))
            if by not in allowed:
                raise ValueError(
                    f"indicator {meta.id!r} has no breakdown {by!r}; breakdowns: "
                    f"{', '.join(allowed)}"
                )
            mask = mask & (self.table["breakdown"] == by).to_numpy(dtype=bool)
        for column, wanted in filters.items():
            if column not in self.table.columns:
                raise ValueError(
                    f"no column {column!r} to filter on; columns: {', '.join(self.table.columns)}"
                )
            values = [wanted] if isinstance(wanted, str | int | float | bool) else list(wanted)
            mask = mask & self.table[column].isin(values).to_numpy(dtype=bool)
        drop = [d for d in self.dimensions if d not in meta.dimensions]
        return self.table.loc[mask].drop(columns=drop).reset_index(drop=True)

    def totals(self) -> pd.DataFrame:
        """The overall rows: one per indicator, period and unit, without dimension columns.

        >>> from chitieu.indicators.examples import tiny_submission
        >>> rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
        >>> rep.totals()[["unit_code", "numerator", "denominator"]]
          unit_code  numerator  denominator
        0     00001        1.0          3.0
        1     00002        1.0          3.0
        """
        rows = self.table.loc[(self.table["breakdown"] == TOTAL).to_numpy(dtype=bool)]
        return rows.drop(columns=[*self.dimensions, "breakdown", "multi_response"]).reset_index(
            drop=True
        )

    # -- roll-up ------------------------------------------------------------------
    def rollup(self, level: str) -> Report:
        """The report at a higher *level*: counts summed, values recomputed.

        Numerators, denominators and ``units_missing`` of the units under each
        parent are summed; the value is then ``numerator / denominator x
        multiplier`` (NaN where the denominator is 0), or the numerator for a
        count. Values are never averaged. Units follow the hierarchy of their
        own division version (:func:`chitieu.units.hierarchy`); units of
        different versions are never merged, at any level (a national row per
        version, flagged ``mixed_versions``).

        Parameters
        ----------
        level
            ``district`` (2008 division only), ``province`` or ``national``;
            not lower than the report's level.

        Raises
        ------
        ValueError
            For an unknown level or one below the report's.
        chitieu.units.DivisionVersionError
            When districts are asked of data recorded in the 2025 division.

        Examples
        --------
        Two communes: 1 of 3 children and 1 of 3 children give 2 of 6.

        >>> from chitieu.indicators.examples import tiny_submission
        >>> rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
        >>> rep.rollup("province").totals()[["unit_code", "numerator", "denominator", "value"]]
          unit_code  numerator  denominator      value
        0        01        2.0          6.0  33.333333
        """
        check_level(level)
        here, there = LEVELS.index(self.level), LEVELS.index(level)
        if there < here:
            raise ValueError(
                f"cannot roll a {self.level} report down to {level}; compute a new report "
                f"(the {level} counts are not in this one)"
            )
        if there == here:
            return replace(self, table=self.table.copy())
        if self.table["flags"].str.contains("suppressed", regex=False).any():
            raise ValueError(
                "cannot roll up a suppressed report (hidden counts would be left out of "
                "the sums); roll up the original report, then suppress"
            )
        metas = self._metas()
        dims = self.dimensions
        summed = _rollup_frame(self.table, self.level, level, self.hierarchies, dims)
        summed["level"] = level
        summed["_rank"] = _breakdown_rank(summed, metas)
        order = _order(summed, list(self.indicators["id"]), [p.label for p in self.periods])
        summed = summed.iloc[order].reset_index(drop=True)
        mixed = len(self.division_versions) > 1
        table = _finish_table(summed, level, dims, metas, self.small_count, mixed)
        return replace(self, table=table, level=level)

    def suppress(self, k: int = 5) -> Report:
        """The report for publication: counts 1 to ``k - 1`` hidden, and enough others.

        See :func:`chitieu.disclosure.suppress`.
        """
        from chitieu.disclosure import suppress

        return suppress(self, k=k)

    def with_notes(self, *notes: str) -> Report:
        """The same report with *notes* added (shown on the cover, kept in the metadata)."""
        return replace(self, notes=(*self.notes, *notes))

    # -- output -------------------------------------------------------------------
    def to_excel(self, path: str | Path, *, lang: str = "vi") -> Path:
        """Write the report as an Excel workbook; see :func:`chitieu.export.to_excel`."""
        from chitieu.export import to_excel

        return to_excel(self, path, lang=lang)

    def to_csv(self, path: str | Path) -> Path:
        """Write :attr:`table` as CSV; see :func:`chitieu.export.to_csv`."""
        from chitieu.export import to_csv

        return to_csv(self, path)

    def to_parquet(self, path: str | Path) -> Path:
        """Write :attr:`table` as Parquet; see :func:`chitieu.export.to_parquet`."""
        from chitieu.export import to_parquet

        return to_parquet(self, path)

    def to_json(self, path: str | Path | None = None) -> str | Path:
        """Write :attr:`table` and the metadata as JSON; see :func:`chitieu.export.to_json`."""
        from chitieu.export import to_json

        return to_json(self, path)

    def metadata(self) -> dict[str, Any]:
        """What the report is: period, level, units, versions, hash, time, flags.

        Plain JSON-compatible values, as written by the exports.
        """
        from chitieu.disclosure import disclosure_metadata, is_suppressed

        return {
            "title_vi": "Báo cáo chỉ tiêu thống kê về trẻ em",
            "title_en": "Statistical indicators on children",
            "legal_basis": "Thông tư 13/2021/TT-BLĐTBXH",
            "periods": [
                {"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}
                for p in self.periods
            ],
            "level": self.level,
            "n_units": int(
                self.table[["unit_code", "division_version"]].drop_duplicates().shape[0]
            ),
            "division_versions": list(self.division_versions),
            "chitieu_version": self.chitieu_version,
            "input_hash": self.input_hash,
            "generated_at": self.generated_at,
            "small_count": self.small_count,
            "age_bands": None if self.age_bands is None else list(self.age_bands),
            "notes": list(self.notes),
            "basis": self.basis,
            "suppressed": is_suppressed(self),
            "disclosure": disclosure_metadata(self),
            "flags": {k: {"vi": v[0], "en": v[1]} for k, v in FLAGS.items()},
            "indicators": [_plain(r) for r in self.indicators.to_dict("records")],
            "skipped": [_plain(r) for r in self.skipped.to_dict("records")],
        }

    def __repr__(self) -> str:
        from chitieu.disclosure import is_suppressed, threshold

        n_units = self.table[["unit_code", "division_version"]].drop_duplicates().shape[0]
        published = f", suppressed=True, k={threshold(self)}" if is_suppressed(self) else ""
        return (
            f"Report(period={self.period!r}, level={self.level!r}, "
            f"indicators={len(self.indicators)}, units={n_units:,}, rows={len(self.table):,}, "
            f"skipped={len(self.skipped)}{published})"
        )

    def _repr_html_(self) -> str:
        from chitieu.export.html import report_html

        return report_html(self)

    def overall(self) -> pd.DataFrame:
        """Totals of every indicator over all the units of the report (national roll-up).

        One row per indicator, period and division version; used by the
        notebook display.
        """
        if self.level == "national":
            return self.totals()
        totals = self.table.loc[(self.table["breakdown"] == TOTAL).to_numpy(dtype=bool)]
        small = replace(self, table=totals.reset_index(drop=True))
        return small.rollup("national").totals()


def _plain(record: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and np.isnan(value):
            value = None
        out[str(key)] = value
    return out


def report(
    data: Submission | str | Path,
    *,
    period: PeriodLike | Sequence[PeriodLike],
    level: str = "commune",
    indicators: Sequence[str] | None = None,
    age_bands: Sequence[int] | None = None,
    extra: Mapping[str, pd.DataFrame] | None = None,
    small_count: int = SMALL_COUNT,
    validation: Validation = "drop",
    engine: Engine = "memory",
    partition_by: str = "province",
) -> Report:
    """Compute indicators for every commune, then roll up to *level*.

    Parameters
    ----------
    data
        The submission (one or many communes).
    period
        A period (``"2024"``, ``"2024-H1"``, a :class:`~chitieu.periods.Period`,
        ...) or a list of periods.
    level
        ``commune`` (default), ``district``, ``province`` or ``national``.
    indicators
        Indicator ids; ``None`` for every indicator of the registry.
        Indicators that need data the input lacks (an extra table, or a table
        the submission does not have) are listed in :attr:`Report.skipped`
        with the reason, never shown as zeros.
    age_bands
        Lower bounds of the age groups (default
        :data:`chitieu.indicators.stock.DEFAULT_AGE_BANDS`).
    extra
        Extra tables for the externally sourced indicators (see
        :mod:`chitieu.indicators.external`).
    small_count
        Numerators from 1 to ``small_count - 1`` are flagged ``small_count``.
    validation
        ``"drop"`` (default): validate on the way in (once, cached on the
        submission), leave out the rows with errors with an
        :class:`~chitieu.errors.InvalidDataWarning`; ``"refuse"``: raise
        :class:`~chitieu.errors.InvalidDataError` on data with errors;
        ``"skip"``: use the data as given. What was found and left out is in
        :attr:`Report.notes` and :meth:`Report.metadata` (``basis``).
    engine
        Where the indicators are computed; every engine gives the same table.
        ``"memory"`` (default): the whole submission at once.
        ``"partitions"``: part by part (:func:`chitieu.partitions.split` by
        *partition_by*, or the partition folders of *data* when it is a path
        written by :func:`chitieu.partitions.write_partitioned`), one at a
        time, then :func:`combine`; memory is bounded by the largest part.
        ``"dask"``: the same parts as Dask tasks (``pip install
        'chitieu[dask]'``), on the active ``dask.distributed`` client if there
        is one, else Dask's local scheduler; from a path, each task reads its
        own partition.
    partition_by
        ``province`` (default), ``district`` or ``commune``: the parts of the
        ``partitions`` and ``dask`` engines for an in-memory submission.

    Returns
    -------
    Report

    Examples
    --------
    >>> from chitieu.indicators.examples import tiny_submission
    >>> rep = report(tiny_submission(), period="2024", level="province")
    >>> rep.get("child_population", by="total")[["unit_code", "value"]]
      unit_code  value
    0        01    6.0
    >>> "full_immunisation_under1" in set(rep.skipped["indicator_id"])
    True
    """
    from chitieu import __version__
    from chitieu.compute import Context
    from chitieu.coverage import basis, basis_notes
    from chitieu.inbound import prepare
    from chitieu.indicators import get_indicator, list_indicators

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, found {engine!r}")
    if isinstance(data, str | Path):
        from chitieu.partitions import is_partitioned

        if not is_partitioned(data):
            from chitieu.io.read import read_submission

            data = read_submission(data)
        elif engine == "memory":
            engine = "partitions"
    if not isinstance(data, Submission | str | Path):
        raise TypeError(
            f"data must be a chitieu Submission or a path, found {type(data).__name__}"
        )
    if engine != "memory" or not isinstance(data, Submission):
        return _report_by_parts(
            data,
            engine=engine,
            partition_by=partition_by,
            level=level,
            options={
                "period": period,
                "indicators": indicators,
                "age_bands": age_bands,
                "extra": extra,
                "small_count": small_count,
                "validation": validation,
            },
        )
    check_level(level)
    if isinstance(small_count, bool) or not isinstance(small_count, int) or small_count < 1:
        raise ValueError(f"small_count must be a whole number of at least 1, found {small_count!r}")

    periods = parse_periods(period)
    ids = _select(indicators)
    prepared = prepare(data, validation, stacklevel=2)
    data = prepared.data
    bands = None
    if age_bands is not None:
        from chitieu.indicators.stock import normalise_bands

        bands = normalise_bands(age_bands)
    pieces: list[pd.DataFrame] = []
    skipped: list[dict[str, str]] = []
    computed: list[str] = []
    for p in periods:
        ctx = Context(data, p, extra=extra, validation="skip")
        for indicator_id in ids:
            meta = get_indicator(indicator_id)
            try:
                pieces.extend(_commune_pieces(ctx, meta, p.label, bands))
            except DataNotAvailableError as error:
                skipped.append(
                    {"indicator_id": indicator_id, "period": p.label, "reason": error.reason}
                )
                continue
            if indicator_id not in computed:
                computed.append(indicator_id)
    computed = [i for i in ids if i in computed]
    metas = {i: get_indicator(i) for i in computed}
    dims = [d for d in _dimension_order() if any(d in m.dimensions for m in metas.values())]
    if pieces:
        frame = pd.concat(pieces, ignore_index=True)
        version = frame["division_version"].astype(object)
        unknown = frame["unit_code"].eq(UNKNOWN_UNIT) | version.isna() | version.eq("")
        frame.loc[unknown.to_numpy(dtype=bool), "division_version"] = UNKNOWN_UNIT
        frame = frame.iloc[_order(frame, computed, [p.label for p in periods])]
        frame = frame.reset_index(drop=True)
    else:
        frame = pd.DataFrame(
            {c: pd.Series([], dtype=object) for c in (*_BASE, "breakdown", *dims)}
            | {"multi_response": pd.Series([], dtype=bool)}
            | {c: pd.Series([], dtype=np.float64) for c in ("numerator", "denominator")}
        )
    versions = sorted(set(frame["division_version"].astype(str)) - {UNKNOWN_UNIT})
    table = _finish_table(frame, "commune", dims, metas, small_count, mixed=False)
    catalogue = list_indicators().set_index("id")
    meta_frame = catalogue.loc[computed].reset_index()
    skipped_frame = pd.DataFrame(skipped, columns=["indicator_id", "period", "reason"]).astype(
        "str"
    )
    all_versions = sorted(set(versions) | set(data.units["division_version"].dropna().astype(str)))
    hierarchies = {}
    for v in all_versions:
        try:
            hierarchies[v] = hierarchy(data.units, v)
        except DivisionVersionError:
            continue
    rep = Report(
        table=table,
        periods=periods,
        level="commune",
        indicators=meta_frame,
        skipped=skipped_frame,
        _input_hash=None,
        _hash_of=functools.partial(input_hash, data, dict(extra) if extra else None),
        chitieu_version=__version__,
        generated_at=_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        units=unit_names(data.units, versions or None),
        hierarchies=hierarchies,
        small_count=small_count,
        age_bands=bands,
        notes=(*prepared.notes, *basis_notes(data, periods, skipped)),
        basis=basis(data, periods),
    )
    return rep if level == "commune" else rep.rollup(level)


Engine = Literal["memory", "partitions", "dask"]
#: The engines of :func:`report`.
ENGINES: tuple[str, ...] = ("memory", "partitions", "dask")


def _part_report(source: Submission | str | Path, options: Mapping[str, Any]) -> Report:
    """The commune-level report of one part, light enough to send back from a worker."""
    if not isinstance(source, Submission):
        from chitieu.io.read import read_submission

        source = read_submission(source)
    rep = report(source, level="commune", engine="memory", **options)
    digest = input_hash(source, options.get("extra"))
    return replace(rep, _input_hash=digest, _hash_of=None)


def _report_by_parts(
    data: Submission | str | Path,
    *,
    engine: str,
    partition_by: str,
    level: str,
    options: Mapping[str, Any],
) -> Report:
    check_level(level)
    sources: list[Submission | str | Path]
    if isinstance(data, Submission):
        from chitieu.partitions import split

        sources = list(split(data, by=partition_by).values())  # type: ignore[arg-type]
    else:
        from chitieu.partitions import partition_folders

        sources = list(partition_folders(data))
    if engine == "dask":
        try:
            import dask
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("engine='dask' needs Dask: pip install 'chitieu[dask]'") from None
        delayed = dask.delayed  # type: ignore[attr-defined]
        tasks = [delayed(_part_report)(src, dict(options)) for src in sources]
        parts = list(dask.compute(*tasks))  # type: ignore[attr-defined,no-untyped-call]
    else:
        parts = [_part_report(src, options) for src in sources]
    combined = combine(parts)
    combined = combined.with_notes(
        f"computed in {len(parts):,} part{'s' if len(parts) != 1 else ''} "
        f"(engine {engine!r}) and combined by summing counts"
    )
    return combined if level == "commune" else combined.rollup(level)


def combine(reports: Sequence[Report]) -> Report:
    """One commune-level report from the reports of parts of a submission.

    The counts of every cell (numerator, denominator, ``units_missing``) are
    summed over the parts, and the values computed anew, so when every child
    sits in one part (:func:`chitieu.partitions.split`) the result equals the
    report of the whole submission. An indicator with no data in some parts
    is computed from the others and a note says in how many parts it had
    none; it stays in :attr:`Report.skipped` only when no part has data for it.

    Examples
    --------
    >>> import chitieu
    >>> from chitieu.partitions import split
    >>> sub = chitieu.synth.generate(n_children=900, n_communes=3, seed=4)
    >>> whole = chitieu.report(sub, period="2024")
    >>> parts = [chitieu.report(p, period="2024") for p in split(sub, by="commune").values()]
    >>> combine(parts).table.equals(whole.table)
    True
    """
    if not reports:
        raise ValueError("combine needs at least one report")
    first = reports[0]
    for rep in reports:
        if rep.level != "commune":
            raise ValueError(f"combine takes commune-level reports, found a {rep.level} report")
        if [p.label for p in rep.periods] != [p.label for p in first.periods]:
            raise ValueError("the reports to combine cover different periods")
        if rep.small_count != first.small_count or rep.age_bands != first.age_bands:
            raise ValueError("the reports to combine were computed with different options")
        if rep.table["flags"].str.contains("suppressed", regex=False).any():
            raise ValueError("cannot combine suppressed reports: combine, then suppress")
    from chitieu.indicators import get_indicator, list_indicators

    computed = {i for rep in reports for i in rep.indicators["id"]}
    order = [i for i in list_indicators()["id"] if i in computed]
    metas = {i: get_indicator(i) for i in order}
    dims = [d for d in _dimension_order() if any(d in m.dimensions for m in metas.values())]
    tables = [rep.table for rep in reports if len(rep.table)]
    labels = [p.label for p in first.periods]
    if tables:
        table = pd.concat(tables, ignore_index=True)
        for dim in dims:
            if dim not in table:
                table[dim] = TOTAL
        keys = [
            "indicator_id",
            "period",
            "unit_code",
            "division_version",
            "breakdown",
            *dims,
            "multi_response",
        ]
        work = table[keys].copy()
        work["numerator"] = table["numerator"]
        work["denominator"] = table["denominator"]
        work["units_missing"] = (
            table["units_missing"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        )
        summed = (
            work.groupby(keys, sort=False, dropna=False)[
                ["numerator", "denominator", "units_missing"]
            ]
            .sum(min_count=1)
            .reset_index()
        )
        summed["_rank"] = _breakdown_rank(summed, metas)
        summed = summed.iloc[_order(summed, order, labels)].reset_index(drop=True)
    else:
        summed = pd.DataFrame(
            {c: pd.Series([], dtype=object) for c in (*_BASE, "breakdown", *dims)}
            | {"multi_response": pd.Series([], dtype=bool)}
            | {c: pd.Series([], dtype=np.float64) for c in ("numerator", "denominator")}
        )
    finished = _finish_table(summed, "commune", dims, metas, first.small_count, mixed=False)
    done = set(zip(finished["indicator_id"], finished["period"], strict=True))
    skipped_rows: list[dict[str, str]] = []
    seen_skipped: set[tuple[str, str]] = set()
    partial: dict[tuple[str, str], int] = {}
    for rep in reports:
        for row in rep.skipped.to_dict("records"):
            key = (str(row["indicator_id"]), str(row["period"]))
            if key in done:
                partial[key] = partial.get(key, 0) + 1
            elif key not in seen_skipped:
                seen_skipped.add(key)
                skipped_rows.append({str(k): str(v) for k, v in row.items()})
    notes: list[str] = []
    for rep in reports:
        for note in rep.notes:
            if note not in notes:
                notes.append(note)
    for (iid, label), n in partial.items():
        notes.append(f"{iid} ({label}) has no data in {n:,} of {len(reports):,} parts")
    catalogue = list_indicators().set_index("id")
    units = pd.concat([rep.units for rep in reports], ignore_index=True).drop_duplicates(
        subset=["level", "unit_code", "division_version"]
    )
    hierarchies: dict[str, pd.DataFrame] = {}
    for rep in reports:
        for version, frame in rep.hierarchies.items():
            hierarchies[version] = (
                pd.concat([hierarchies[version], frame], ignore_index=True).drop_duplicates()
                if version in hierarchies
                else frame
            )
    digests = tuple(rep.input_hash for rep in reports)
    return Report(
        table=finished,
        periods=first.periods,
        level="commune",
        indicators=catalogue.loc[order].reset_index(),
        skipped=pd.DataFrame(skipped_rows, columns=["indicator_id", "period", "reason"]).astype(
            "str"
        ),
        _input_hash=None,
        _hash_of=functools.partial(_combined_hash, digests),
        chitieu_version=first.chitieu_version,
        generated_at=_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        units=units.reset_index(drop=True),
        hierarchies=hierarchies,
        small_count=first.small_count,
        age_bands=first.age_bands,
        notes=tuple(notes),
        basis={"parts": [rep.basis for rep in reports]},
    )


def _combined_hash(digests: tuple[str, ...]) -> str:
    digest = hashlib.sha256(b"chitieu-parts-v1\n")
    for part in sorted(digests):
        digest.update(part.encode() + b"\n")
    return digest.hexdigest()


class _CallableModule(types.ModuleType):
    """``chitieu.report`` is both this module and the function :func:`report`.

    Importing the module (``from chitieu.report import Report``) makes the
    package attribute ``chitieu.report`` the module; calling it still builds a
    report.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Report:
        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
