"""The counts table: what every engine, partition and level works on.

Every figure is a count of distinct children or events in a cell, kept as a
``numerator`` and a ``denominator``. Counts add up over units and over parts
of the data where each child sits in one part; ratios never do. So counts are
summed first and the ``value`` is computed last, here and only here
(:func:`values`): ``numerator / denominator x multiplier`` for percents and
rates, NaN where the denominator is 0, and the numerator itself for counts
and sums.

Examples
--------
>>> import numpy as np
>>> values(np.array([1.0, 2.0, 3.0]), np.array([4.0, 0.0, np.nan]), np.array(["percent", "percent", "count"]), np.array([100, 100, 1])).tolist()
[25.0, nan, 3.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["COUNT_COLUMNS", "OUTPUT_COLUMNS", "RATIO_KINDS", "cell_keys", "finish", "values"]

#: The columns every computed result ends with.
OUTPUT_COLUMNS = ("numerator", "denominator", "value")
#: The columns that add up.
COUNT_COLUMNS = ("numerator", "denominator", "units_missing")
#: Kinds of indicator whose value is a ratio of numerator to denominator.
RATIO_KINDS = ("percent", "rate_per_1000", "ratio")


def cell_keys(dims: Sequence[str]) -> list[str]:
    """The columns that name one cell of a counts table with dimensions *dims*.

    Cells with the same keys are the same cell: their counts add up.

    >>> cell_keys(["sex"])
    ['indicator_id', 'period', 'unit_code', 'division_version', 'breakdown', 'sex', 'multi_response']
    """
    return [
        "indicator_id",
        "period",
        "unit_code",
        "division_version",
        "breakdown",
        *dims,
        "multi_response",
    ]


def values(
    numerator: np.ndarray, denominator: np.ndarray, kinds: Any, multipliers: Any
) -> np.ndarray:
    """The value of each cell: the one formula from counts to a figure.

    Parameters
    ----------
    numerator, denominator
        Float arrays of the same length.
    kinds
        The kind of each cell's indicator (``count``, ``sum``, ``percent``,
        ``rate_per_1000``, ...), one string or an array.
    multipliers
        100 for a percent, 1,000 for a rate per 1,000, ...; one number or an array.
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    ratio = np.isin(np.asarray(kinds, dtype=object), RATIO_KINDS)
    mult = np.broadcast_to(np.asarray(multipliers, dtype=np.float64), num.shape)
    positive = den > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(positive, num / np.where(positive, den, 1.0) * mult, np.nan)
    out: np.ndarray = np.where(ratio, rate, num)
    return out


def finish(result: pd.DataFrame, kind: str, multiplier: int) -> pd.DataFrame:
    """Add ``value`` to an indicator's counts; columns in order: dims, counts, flags."""
    num = result["numerator"].to_numpy()
    den = result["denominator"].to_numpy(dtype=np.float64)
    value = values(num.astype(np.float64), den, kind, multiplier)
    dims: dict[str, Any] = {}
    flags: dict[str, Any] = {}
    for column in result.columns:
        if column in OUTPUT_COLUMNS:
            continue
        series = result[column]
        if series.dtype == object or str(series.dtype) == "str":
            dims[column] = series.array
        else:
            flags[column] = series.to_numpy()
    return pd.DataFrame({**dims, "numerator": num, "denominator": den, "value": value, **flags})
