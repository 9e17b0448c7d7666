"""Family ``units``: facts about communes from the units table.

Villages with facilities, playgrounds, child-friendly communes, births and
deaths are facts a commune reports about itself, one row per commune (level
``COMMUNE``) of the units table, for the submission's period. Counts are summed
over communes and the value is recomputed (never averaged).

A commune whose fact is missing is left out of both the numerator and the
denominator, and counted in the extra column ``units_missing`` of the cell,
so that a reader sees how many communes the figure is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import axes_for
from chitieu.indicators.kernel import Rows, encode, tally, to_frame
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import commune_labels

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = [
    "child_friendly_communes",
    "communes_with_playground",
    "crude_birth_rate",
    "infant_mortality_rate",
    "neonatal_mortality_rate",
    "under5_mortality_rate",
    "villages_with_facilities",
]

_DIMS = ("commune", "urban_rural")
_NOTE = (
    "From the units table (one row per commune). A commune with the fact missing is left "
    "out of numerator and denominator and counted in the column units_missing."
)


def _commune_rows(ctx: Context) -> tuple[pd.DataFrame, Rows]:
    def build() -> tuple[pd.DataFrame, Rows]:
        cu = ctx.commune_units
        commune = encode(
            commune_labels(cu["unit_code"], cu["division_version"]), ctx.commune_axis.categories
        )
        codes = {"commune": commune, "urban_rural": ctx.commune_urban_rural[commune]}
        return cu, Rows(len(cu), codes)

    out: tuple[pd.DataFrame, Rows] = ctx.memo("commune_rows", build)
    return out


def _number(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Values as float and a mask of known values (a bool counts as 1/0)."""
    if column not in frame:
        return np.zeros(len(frame)), np.zeros(len(frame), dtype=bool)
    series = frame[column]
    if str(series.dtype) == "boolean" or series.dtype == bool:
        series = series.astype("boolean").astype("Float64")
    values = pd.to_numeric(series, errors="coerce").astype("Float64")
    known = values.notna().to_numpy(dtype=bool)
    return values.fillna(0.0).to_numpy(dtype=np.float64), known


def _unit_cube(
    ctx: Context, by: tuple[str, ...], numerator: str, denominator: str | None
) -> pd.DataFrame:
    """Sum *numerator* and *denominator* columns (or count communes) over communes."""
    frame, rows = _commune_rows(ctx)
    num, num_known = _number(frame, numerator)
    if denominator is None:
        den, den_known = np.ones(len(frame)), np.ones(len(frame), dtype=bool)
    else:
        den, den_known = _number(frame, denominator)
    known = num_known & den_known
    axes = axes_for(ctx, by)
    n = tally(Rows(rows.n, rows.codes, weights=np.where(known, num, 0.0)), axes)
    d = tally(Rows(rows.n, rows.codes, weights=np.where(known, den, 0.0)), axes)
    missing = tally(rows, axes, ~known)
    out = to_frame(axes, n, d, extra={"units_missing": missing})
    if np.all(np.mod(out["numerator"], 1) == 0):
        out["numerator"] = out["numerator"].astype(np.int64)
    out["units_missing"] = out["units_missing"].astype(np.int64)
    return out


@indicator(
    "child_friendly_communes",
    spec_id="tre_em.03xx_xa_phu_hop_tre_em",
    kind="percent",
    dimensions=_DIMS,
    period_convention="stock",
    requires=("units",),
    computable_from="units",
    notes=_NOTE + " Numerator: communes recognised as meeting the standard (child_friendly true).",
)
def child_friendly_communes(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ xã, phường, thị trấn đạt tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em.

    Examples
    --------
    Commune 00001 meets the standard; 00002 has not said.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("child_friendly_communes", tiny_submission(), period="2024")
       numerator  denominator  value  units_missing
    0          1          1.0  100.0              1
    """
    return _unit_cube(ctx, by, "child_friendly", None)


@indicator(
    "communes_with_playground",
    spec_id="tre_em.0502",
    kind="percent",
    dimensions=_DIMS,
    period_convention="stock",
    requires=("units",),
    computable_from="units",
    notes=_NOTE,
)
def communes_with_playground(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ xã, phường, thị trấn có điểm vui chơi dành cho trẻ em.

    Examples
    --------
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("communes_with_playground", tiny_submission(), period="2024")["value"].tolist()
    [50.0]
    """
    return _unit_cube(ctx, by, "has_playground", None)


@indicator(
    "villages_with_facilities",
    spec_id="tre_em.0501",
    kind="percent",
    dimensions=_DIMS,
    period_convention="stock",
    requires=("units",),
    computable_from="units",
    notes=_NOTE + " Sums villages_with_facilities over villages.",
)
def villages_with_facilities(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ thôn, tổ dân phố có thiết chế văn hóa, thể thao dành cho trẻ em.

    Examples
    --------
    (7 + 3) villages with facilities out of (10 + 6).

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("villages_with_facilities", tiny_submission(), period="2024")["value"].tolist()
    [62.5]
    """
    return _unit_cube(ctx, by, "villages_with_facilities", "villages")


@indicator(
    "crude_birth_rate",
    spec_id="tre_em.0103",
    kind="rate_per_1000",
    dimensions=_DIMS,
    period_convention="events",
    requires=("units",),
    computable_from="units",
    notes=_NOTE + " live_births over population_total.",
)
def crude_birth_rate(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ suất sinh thô: live births per 1,000 of the mid-year population.

    Examples
    --------
    (60 + 40) / (5,000 + 4,000) x 1,000.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> float(compute("crude_birth_rate", tiny_submission(), period="2024")["value"][0].round(2))
    11.11
    """
    return _unit_cube(ctx, by, "live_births", "population_total")


@indicator(
    "neonatal_mortality_rate",
    spec_id="tre_em.0201",
    kind="rate_per_1000",
    dimensions=_DIMS,
    period_convention="events",
    requires=("units",),
    computable_from="units",
    notes=_NOTE + " deaths_neonatal over live_births.",
)
def neonatal_mortality_rate(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ suất chết sơ sinh: deaths in the first 28 days per 1,000 live births.

    Examples
    --------
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("neonatal_mortality_rate", tiny_submission(), period="2024")["value"].tolist()
    [10.0]
    """
    return _unit_cube(ctx, by, "deaths_neonatal", "live_births")


@indicator(
    "infant_mortality_rate",
    spec_id="tre_em.0203",
    kind="rate_per_1000",
    dimensions=_DIMS,
    period_convention="events",
    requires=("units",),
    computable_from="units",
    notes=_NOTE + " deaths_under1 over live_births.",
)
def infant_mortality_rate(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ suất chết của trẻ em dưới 1 tuổi, per 1,000 live births.

    Examples
    --------
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("infant_mortality_rate", tiny_submission(), period="2024")["value"].tolist()
    [20.0]
    """
    return _unit_cube(ctx, by, "deaths_under1", "live_births")


@indicator(
    "under5_mortality_rate",
    spec_id="tre_em.0202",
    kind="rate_per_1000",
    dimensions=_DIMS,
    period_convention="events",
    requires=("units",),
    computable_from="units",
    notes=_NOTE + " deaths_under5 over live_births.",
)
def under5_mortality_rate(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ suất chết của trẻ em dưới 5 tuổi, per 1,000 live births.

    Examples
    --------
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("under5_mortality_rate", tiny_submission(), period="2024")["value"].tolist()
    [30.0]
    """
    return _unit_cube(ctx, by, "deaths_under5", "live_births")
