"""The counting kernel: vectorised counts of units over category codes.

Every indicator reduces to counting units (children, events, cases, decisions,
communes) in the cells of a cube whose axes are the requested dimensions. The
kernel works on integer category codes: it combines the codes of the axes into
one cell number per unit (:func:`numpy.ravel_multi_index`) and counts with
:func:`numpy.bincount`, several times faster than ``groupby`` on millions of
rows.

:class:`Rows` holds the units: one code array per single-response dimension,
and for a multi-response dimension a list of ``(unit, code)`` pairs (a child
in three special-circumstance groups has three pairs). Pairs are unique, so a
unit counts once in each of its categories and once in the total.

Examples
--------
>>> import numpy as np
>>> sex = Axis("sex", ("M", "F", "U"))
>>> rows = Rows(4, {"sex": np.array([0, 1, 1, 2])})
>>> tally(rows, [sex]).tolist()
[1, 2, 1]
>>> group = Axis("group", ("A", "B", UNKNOWN), multi=True)
>>> rows = Rows(2, {"sex": np.array([0, 1])}, multi={"group": (np.array([0, 0, 1]), np.array([0, 1, 1]))})
>>> tally(rows, [group]).tolist()
[1, 2, 0]
>>> frame = to_frame([group], tally(rows, [group]))
>>> frame["group"].tolist(), frame["numerator"].tolist()
(['A', 'B'], [1, 2])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "UNKNOWN",
    "Axis",
    "Rows",
    "broadcast",
    "code_dtype",
    "encode",
    "narrow",
    "tally",
    "to_frame",
    "unique_pairs",
]

#: The category of a missing or unrecognised value.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Axis:
    """One dimension of a cube: its name, its categories in order, multi-response or not.

    For the ``commune`` axis each category is ``"<unit_code>|<division_version>"``.
    """

    name: str
    categories: tuple[str, ...]
    multi: bool = False

    @property
    def size(self) -> int:
        """Number of categories."""
        return len(self.categories)


@dataclass
class Rows:
    """Units to count, with their category codes.

    Parameters
    ----------
    n
        Number of units.
    codes
        Single-response dimensions: an int array of length *n* per dimension.
    multi
        Multi-response dimensions: ``(unit, code)`` pair arrays, unique pairs.
    weights
        Optional float weights per unit (for sums such as fines).
    """

    n: int
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    multi: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    weights: np.ndarray | None = None

    def take(self, index: np.ndarray) -> Rows:
        """The units at positions *index* (unique, in the given order)."""
        index = np.asarray(index)
        if index.dtype.kind not in "iu":
            index = index.astype(np.int64)
        multi: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if self.multi:
            new_pos = np.full(self.n, -1, dtype=np.int64)
            new_pos[index] = np.arange(len(index))
        for name, (unit, code) in self.multi.items():
            mapped = new_pos[unit]
            keep = mapped >= 0
            multi[name] = (mapped[keep], code[keep])
        return Rows(
            len(index),
            {k: v[index] for k, v in self.codes.items()},
            multi,
            None if self.weights is None else self.weights[index],
        )

    def where(self, mask: np.ndarray) -> Rows:
        """The units where *mask* is true."""
        return self.take(np.flatnonzero(mask))


def _explode(
    ptr: np.ndarray, n: int, unit: np.ndarray, code: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cross every current row (pointing at unit ``ptr``) with that unit's pairs.

    Returns the index of the current row for each new row and the new code.
    """
    order = np.argsort(unit, kind="stable")
    pair_code = code[order]
    counts = np.bincount(unit, minlength=n)
    starts = np.cumsum(counts) - counts
    repeat = counts[ptr]
    rows = np.repeat(np.arange(len(ptr)), repeat)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    return rows, pair_code[starts[ptr[rows]] + offsets]


def tally(rows: Rows, axes: Sequence[Axis], mask: np.ndarray | None = None) -> np.ndarray:
    """Count (or sum the weights of) units in every cell of the cube *axes*.

    Parameters
    ----------
    rows
        The units; every axis name must be in ``rows.codes`` or ``rows.multi``.
    axes
        The cube's axes, in order.
    mask
        Optional boolean filter over the units.

    Returns
    -------
    numpy.ndarray
        Shape ``[axis.size for axis in axes]``; int64 counts, or float sums
        when the rows carry weights.
    """
    shape = tuple(axis.size for axis in axes)
    total = int(np.prod(shape, dtype=np.int64)) if shape else 1
    for axis in axes:
        if axis.name not in rows.multi and axis.name not in rows.codes:
            raise KeyError(f"no codes for dimension {axis.name!r}")
    columns: list[np.ndarray] = []
    if any(axis.name in rows.multi for axis in axes):
        if mask is not None:
            rows = rows.where(mask)
        ptr = np.arange(rows.n, dtype=np.int64)
        for axis in axes:
            if axis.name in rows.multi:
                unit, code = rows.multi[axis.name]
                picked, new_code = _explode(ptr, rows.n, unit, code)
                ptr = ptr[picked]
                columns = [c[picked] for c in columns]
                columns.append(new_code)
            else:
                columns.append(rows.codes[axis.name][ptr])
        weights = None if rows.weights is None else rows.weights[ptr]
        n_rows = len(ptr)
    else:
        # No explosion: use the code arrays as they are (no copy without a mask).
        columns = [
            rows.codes[axis.name] if mask is None else rows.codes[axis.name][mask] for axis in axes
        ]
        weights = rows.weights if mask is None or rows.weights is None else rows.weights[mask]
        n_rows = rows.n if mask is None else int(np.count_nonzero(mask))
    if columns:
        cell = np.ravel_multi_index(tuple(columns), shape) if len(columns) > 1 else columns[0]
    else:
        cell = np.zeros(n_rows, dtype=np.int64)
    counts = np.bincount(cell, weights=weights, minlength=total)
    if weights is None:
        counts = counts.astype(np.int64)
    return counts.reshape(shape)


def broadcast(array: np.ndarray, array_axes: Sequence[Axis], axes: Sequence[Axis]) -> np.ndarray:
    """Spread *array* (over *array_axes*, a subset of *axes*) to the shape of *axes*.

    Used for denominators that do not depend on a dimension of the numerator:
    the child population is the same for every injury type.

    >>> a, b = Axis("a", ("x", "y")), Axis("b", ("p", "q", "r"))
    >>> broadcast(np.array([5, 7]), [a], [b, a]).tolist()
    [[5, 7], [5, 7], [5, 7]]
    """
    names = [ax.name for ax in array_axes]
    order = sorted(range(len(names)), key=lambda i: [ax.name for ax in axes].index(names[i]))
    arr = np.transpose(array, order) if names else array
    shape = [ax.size if ax.name in names else 1 for ax in axes]
    return np.broadcast_to(arr.reshape(shape), tuple(ax.size for ax in axes))


def encode(
    values: pd.Series | np.ndarray,
    categories: Sequence[str],
    unknown: str = UNKNOWN,
) -> np.ndarray:
    """Codes of *values* in *categories*; missing or unlisted values get *unknown*'s code.

    >>> encode(pd.Series(["F", None, "X", "M"]), ("M", "F", "U"), unknown="U").tolist()
    [1, 2, 2, 0]
    """
    cats = [str(c) for c in categories]
    unknown_code = cats.index(unknown)
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if isinstance(series.array, pd.arrays.ArrowStringArray):
        # Arrow's hash lookup: several times faster than Index.get_indexer on strings.
        arr = pa.array(series.array)
        found = pc.index_in(arr, value_set=pa.array(cats, type=arr.type))
        return np.asarray(found.fill_null(unknown_code).to_numpy(), dtype=np.int64)
    if len(series) and isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    codes = np.asarray(pd.Index(cats).get_indexer(pd.Index(series)), dtype=np.int64)
    codes[codes < 0] = unknown_code
    return codes


def code_dtype(n_categories: int) -> np.dtype[np.signedinteger]:
    """The smallest signed integer type that holds the codes of *n_categories* categories.

    Codes of sex or age groups fit one byte, communes two: per-row code
    arrays of millions of children are a large part of a report's memory.
    Counting (:func:`tally`: ``np.ravel_multi_index``, ``np.bincount``)
    works on any integer type; arithmetic on codes must widen them first
    (:func:`unique_pairs` does).

    >>> code_dtype(3), code_dtype(5_556), code_dtype(100_000)
    (dtype('int8'), dtype('int16'), dtype('int32'))
    """
    for kind in (np.int8, np.int16, np.int32):
        if n_categories <= np.iinfo(kind).max:
            return np.dtype(kind)
    return np.dtype(np.int64)


def narrow(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """*codes* (``0 .. n_categories - 1``) in the smallest integer type that holds them.

    >>> narrow(np.array([0, 2, 1]), 3).dtype
    dtype('int8')
    """
    return np.asarray(codes).astype(code_dtype(n_categories), copy=False)


def unique_pairs(unit: np.ndarray, code: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop repeated ``(unit, code)`` pairs; *width* is the number of categories."""
    if len(unit) == 0:
        return unit.astype(np.int64), code.astype(np.int64)
    combined = np.unique(unit.astype(np.int64) * width + code.astype(np.int64))
    return combined // width, combined % width


def _str_column(categories: list[str], take: pa.Array) -> pd.Series:
    """A ``str`` column of *categories* picked by *take* (Arrow take: no Python loop)."""
    arr = pa.array(categories, type=pa.large_string()).take(take)
    return pd.Series(pd.arrays.ArrowStringArray(arr), dtype="str", copy=False)


def to_frame(
    axes: Sequence[Axis],
    numerator: np.ndarray,
    denominator: np.ndarray | None = None,
    *,
    extra: Mapping[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """A tidy frame with one row per cell: the axis columns, numerator, denominator.

    Cells of an ``unknown`` category (or of the unknown unit of a division
    version, ``unknown|2025``) are left out when every count in them is zero; every other category appears, zeros included. The ``commune`` axis
    gives the two columns ``unit_code`` and ``division_version``.
    """
    numerator = np.asarray(numerator)
    den = None if denominator is None else np.asarray(denominator, dtype=np.float64)
    keep_masks: list[np.ndarray] = []
    for i, axis in enumerate(axes):
        keep = np.ones(axis.size, dtype=bool)
        for j, cat in enumerate(axis.categories):
            if cat != UNKNOWN and not str(cat).startswith(UNKNOWN + "|"):
                continue
            used = bool(np.any(np.take(numerator, [j], axis=i) != 0))
            if den is not None:
                used = used or bool(np.any(np.take(den, [j], axis=i) != 0))
            if extra:
                for arr in extra.values():
                    used = used or bool(np.any(np.take(arr, [j], axis=i) != 0))
            keep[j] = used
        keep_masks.append(keep)
    index = np.ix_(*keep_masks) if axes else ()
    num = numerator[index] if axes else numerator.reshape(())
    cats = [
        np.asarray(axis.categories, dtype=object)[k]
        for axis, k in zip(axes, keep_masks, strict=False)
    ]
    shape = tuple(len(c) for c in cats)
    n_cells = int(np.prod(shape, dtype=np.int64)) if shape else 1
    data: dict[str, object] = {}
    for i, (axis, cat) in enumerate(zip(axes, cats, strict=False)):
        inner = int(np.prod(shape[i + 1 :], dtype=np.int64)) if i + 1 < len(shape) else 1
        outer = n_cells // (inner * len(cat)) if len(cat) else 0
        take = pa.array(np.tile(np.repeat(np.arange(len(cat)), inner), outer))
        if axis.name == "commune":
            parts = [str(v).partition("|") for v in cat]
            data["unit_code"] = _str_column([p[0] for p in parts], take)
            # the unknown unit has no division version to tell: say so, as reports do
            data["division_version"] = _str_column([p[2] or UNKNOWN for p in parts], take)
        else:
            data[axis.name] = _str_column([str(v) for v in cat], take)
    flat_num = num.reshape(n_cells)
    data["numerator"] = flat_num.astype(np.float64 if flat_num.dtype.kind == "f" else np.int64)
    if den is None:
        data["denominator"] = np.full(n_cells, np.nan)
    else:
        data["denominator"] = (den[index] if axes else den.reshape(())).reshape(n_cells)
    for name, arr in (extra or {}).items():
        data[name] = (np.asarray(arr)[index] if axes else np.asarray(arr).reshape(())).reshape(
            n_cells
        )
    return pd.DataFrame(data)
