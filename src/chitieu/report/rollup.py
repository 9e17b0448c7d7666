"""Roll-up: the counts of units summed into their parents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from chitieu.counts import cell_keys
from chitieu.units import (
    UNKNOWN_UNIT,
    parent_codes,
)


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
    keys = cell_keys(dims)
    summed = (
        work.groupby(keys, sort=False, dropna=False)[["numerator", "denominator", "units_missing"]]
        .sum(min_count=1)
        .reset_index()
    )
    return summed


