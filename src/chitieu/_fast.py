"""Small vectorised helpers shared by validation and the indicators."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["isin", "join_keys"]


def isin(series: pd.Series, values: Iterable[object] | pd.Series) -> np.ndarray:
    """Boolean mask of ``series`` values found in ``values`` (missing -> False).

    Arrow-backed string columns use Arrow's hash lookup, several times faster than
    ``Series.isin`` with a Python set on a million rows.

    >>> isin(pd.Series(["a", "b", None], dtype="str"), {"b"}).tolist()
    [False, True, False]
    """
    vals = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(series.array, pd.arrays.ArrowStringArray):
        arr = pa.array(series)
        value_set = pa.array(vals.dropna().astype(str).tolist(), type=arr.type)
        out = pc.is_in(arr, value_set=value_set, skip_nulls=True)
        return np.asarray(out.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray(series.isin(vals.dropna().tolist()).to_numpy(), dtype=bool) & series.notna().to_numpy()


def join_keys(*columns: pd.Series, sep: str = "|") -> pd.Series:
    """One string key per row from several columns (missing parts become empty).

    >>> join_keys(pd.Series(["07774"]), pd.Series(["2008"])).tolist()
    ['07774|2008']
    """
    out = columns[0].astype("str").fillna("")
    for col in columns[1:]:
        out = out + sep + col.astype("str").fillna("")
    return out
