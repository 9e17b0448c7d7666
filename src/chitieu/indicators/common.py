"""Pieces shared by the family modules: axes by name, cubes of counts, stock rows.

Every family function ends with :func:`cube`: count the numerator units over
the requested axes, count the denominator units over the axes they carry,
spread the denominator over the others, and return the tidy frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.kernel import Axis, Rows, broadcast, tally, to_frame
from chitieu.indicators.registry import DIMENSIONS
from chitieu.indicators.stock import age_axis, codelist_axis

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = ["active_on", "axes_for", "cube", "in_stock_with", "split_codes"]


def axes_for(
    ctx: Context,
    by: Sequence[str],
    *,
    age_bands: Sequence[int] | None = None,
    multi: Sequence[str] = (),
) -> list[Axis]:
    """The axes of the dimensions *by*, in order."""
    out: list[Axis] = []
    for name in by:
        if name == "commune":
            out.append(ctx.commune_axis)
        elif name == "age_group":
            out.append(age_axis(age_bands))
        else:
            codelist_name = DIMENSIONS[name].codelist
            if codelist_name is None:  # pragma: no cover - every other dimension has a list
                raise ValueError(f"dimension {name!r} has no code list")
            out.append(codelist_axis(name, codelist_name, multi=name in multi))
    return out


def _has(rows: Rows, name: str) -> bool:
    return name in rows.codes or name in rows.multi


def cube(
    axes: Sequence[Axis],
    numerator: Rows,
    denominator: Rows | None = None,
    *,
    numerator_mask: np.ndarray | None = None,
    denominator_mask: np.ndarray | None = None,
) -> pd.DataFrame:
    """Numerator and denominator counts over *axes* as a tidy frame.

    Axes that the denominator units do not carry (an injury type for the
    child population) get the denominator of the other axes.
    """
    num = tally(numerator, axes, numerator_mask)
    den = None
    if denominator is not None:
        den_axes = [a for a in axes if _has(denominator, a.name)]
        den = broadcast(tally(denominator, den_axes, denominator_mask), den_axes, axes)
    return to_frame(axes, num, den)


def _datetimes(values: pd.Series | np.ndarray) -> np.ndarray:
    """*values* as a numpy datetime array: the column's own buffer when it is one already."""
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if arr.dtype.kind != "M":
        arr = np.asarray(pd.to_datetime(pd.Series(values, copy=False)), dtype="datetime64[us]")
    return arr


def active_on(
    start: pd.Series | np.ndarray, end: pd.Series | np.ndarray | None, day: np.datetime64
) -> np.ndarray:
    """Spells that began on or before *day* and had not ended before it (whole days).

    >>> s = pd.Series(pd.to_datetime(["2024-01-01T00:00", "2024-12-31T10:00", None]))
    >>> active_on(s, None, np.datetime64("2024-12-31", "D")).tolist()
    [True, True, False]
    """
    day = day.astype("datetime64[D]")
    # compared in the column's own unit: a time on the day itself still counts
    last = (day + np.timedelta64(1, "D")).astype("datetime64[us]")
    first = day.astype("datetime64[us]")
    s = _datetimes(start)
    ok: np.ndarray = ~np.isnat(s) & (s < last)
    if end is not None:
        e = _datetimes(end)
        ok &= np.isnat(e) | (e >= first)
    return ok


def in_stock_with(ctx: Context, table: str) -> np.ndarray:
    """Stock unit of the child of each row of *table* (-1 when not in the stock).

    Computed once per context and table.
    """

    def build() -> np.ndarray:
        reg = ctx.register
        pos = reg.table_positions(table)  # the row valid at each row's date
        stock_pos = reg.stock_positions()
        out = np.where(pos >= 0, stock_pos[np.where(pos >= 0, pos, 0)], -1)
        return np.asarray(out, dtype=np.int64)

    result: np.ndarray = ctx.memo(("stock_units", table), build)
    return result


def split_codes(
    values: pd.Series, categories: Sequence[str], unknown: str
) -> tuple[np.ndarray, np.ndarray]:
    """``(row, code)`` pairs of a multi-valued column (``"BL;XHTD"``); empty -> unknown."""
    from chitieu.schemas import split_multi

    lookup = {c: i for i, c in enumerate(categories)}
    unknown_code = lookup[unknown]
    rows: list[int] = []
    codes: list[int] = []
    for i, cell in enumerate(values.to_numpy(dtype=object)):
        found = {lookup.get(part, unknown_code) for part in split_multi(cell)} or {unknown_code}
        for c in sorted(found):
            rows.append(i)
            codes.append(c)
    return np.asarray(rows, dtype=np.int64), np.asarray(codes, dtype=np.int64)
