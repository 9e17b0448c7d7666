"""Family ``protection``: children in special circumstances, their support, children at risk.

A child is in special circumstances at the reference date when a spell of a
group (Law on Children Art. 10) began on or before that date and had not
ended before it (a spell ending on the reference date still counts), and the
child is in the stock. The group is a multi-response dimension: a child in
two groups counts once in each group's row and once in the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import active_on, axes_for, cube, in_stock_with
from chitieu.indicators.kernel import Rows, encode, unique_pairs
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import codelist_axis, normalise_bands

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = ["at_risk_children", "special_circumstances", "special_circumstances_supported"]

_DIMS = ("group", "commune", "sex", "age_group", "ethnicity", "urban_rural", "disability")


def _in_special_circumstances(
    ctx: Context, age_bands: Sequence[int] | None
) -> tuple[Rows, np.ndarray]:
    """Stock children in special circumstances at the reference date, with their groups.

    Returns the rows and the stock unit of each of them.
    """

    def build() -> tuple[Rows, np.ndarray]:
        stock = ctx.register.stock(age_bands)
        circ = ctx.data.circumstances
        ref = np.datetime64(ctx.period.reference_date, "D")
        unit = in_stock_with(ctx, "circumstances")
        end = circ.get("end_date", None)
        keep = active_on(circ["start_date"], end, ref) & (unit >= 0)
        axis = codelist_axis("group", "special_circumstance_group", multi=True)
        group = encode(circ["group"].loc[keep], axis.categories)
        units = np.unique(unit[keep])
        rows = stock.take(units)
        rows.multi["group"] = unique_pairs(np.searchsorted(units, unit[keep]), group, axis.size)
        return rows, units

    out: tuple[Rows, np.ndarray] = ctx.memo(
        ("special_circumstances", normalise_bands(age_bands)), build
    )
    return out


@indicator(
    "special_circumstances",
    spec_id="tre_em.0301",
    kind="percent",
    dimensions=_DIMS,
    multi_response=("group",),
    period_convention="stock",
    requires=("children", "circumstances"),
    notes="Count and percent: the numerator is the number of distinct children in special "
    "circumstances at the reference date, the value their percentage of the child population. "
    "By group, the denominator is the child population of the cell (the plan of Thắng town "
    "wants the total under 2%).",
)
def special_circumstances(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Số và tỷ lệ trẻ em có hoàn cảnh đặc biệt tại thời điểm thống kê.

    Examples
    --------
    At 31 Dec 2024, C1 (groups D and N) and C3 (group A, ending that day) are
    in special circumstances; C5's spell ended in May; C7 moved away.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> sub = tiny_submission()
    >>> r = compute("special_circumstances", sub, period="2024")
    >>> r["numerator"][0], r["denominator"][0], float(r["value"][0].round(2))
    (np.int64(2), np.float64(6.0), 33.33)
    >>> g = compute("special_circumstances", sub, period="2024", by=("group",))
    >>> g.loc[g["numerator"] > 0, ["group", "numerator"]].values.tolist()
    [['HCDB_A', 1], ['HCDB_D', 1], ['HCDB_N', 1]]
    """
    rows, _ = _in_special_circumstances(ctx, age_bands)
    axes = axes_for(ctx, by, age_bands=age_bands, multi=("group",))
    return cube(axes, rows, ctx.register.stock(age_bands))


@indicator(
    "special_circumstances_supported",
    spec_id="tre_em.0302",
    kind="percent",
    dimensions=_DIMS,
    multi_response=("group",),
    period_convention="stock",
    requires=("children", "circumstances", "supports"),
    notes="Denominator: children in special circumstances at the reference date. Numerator: "
    "those of them with at least one support or care dated inside the period (any support "
    "type). The plan of Thắng town wants 96% or more.",
)
def special_circumstances_supported(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp, chăm sóc trong kỳ.

    Examples
    --------
    C1 was supported in June 2024; C3's support is dated 2023, outside.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> r = compute("special_circumstances_supported", tiny_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[1.0, 2.0, 50.0]]
    """
    rows, stock_units = _in_special_circumstances(ctx, age_bands)
    sup = ctx.data.supports
    in_period = ctx.period.contains(sup["support_date"])
    unit = in_stock_with(ctx, "supports")[in_period]
    supported_units = np.unique(unit[unit >= 0])
    mask = np.isin(stock_units, supported_units)
    axes = axes_for(ctx, by, age_bands=age_bands, multi=("group",))
    return cube(axes, rows, rows, numerator_mask=mask)


@indicator(
    "at_risk_children",
    kind="percent",
    dimensions=("commune", "sex", "age_group", "ethnicity", "urban_rural", "disability"),
    period_convention="stock",
    requires=("children",),
    name_vi="Số và tỷ lệ trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt",
    name_en="Number and percentage of children at risk of falling into special circumstances",
    numerator_vi="Số trẻ em có nguy cơ tại thời điểm thống kê (ngày xác định có nguy cơ không "
    "sau thời điểm thống kê và chưa hết nguy cơ trước thời điểm đó)",
    numerator_en="Children at risk at the reference date (at_risk_from on or before it, "
    "at_risk_to empty or not before it)",
    denominator_vi="Tổng số trẻ em",
    denominator_en="All children",
    notes="Not an indicator of the circular; the commune register tracks it (Decree 56/2017). "
    "The numerator is the count, the value the percentage of the child population.",
)
def at_risk_children(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt tại thời điểm thống kê.

    Examples
    --------
    C2 is at risk since February 2024; C5's risk ended on 1 Feb 2024.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("at_risk_children", tiny_submission(), period="2024")["numerator"].tolist()
    [1]
    """
    stock = ctx.register.stock(age_bands)

    def build() -> np.ndarray:
        reg = ctx.register
        idx = reg.stock_index
        if "at_risk_from" not in reg.frame:
            return np.zeros(len(idx), dtype=bool)
        ref = np.datetime64(ctx.period.reference_date, "D")
        # the columns' own arrays, then the stock rows: no pandas take of the register
        start = reg.frame["at_risk_from"].to_numpy()[idx]
        end = reg.frame["at_risk_to"].to_numpy()[idx] if "at_risk_to" in reg.frame else None
        return active_on(start, end, ref)

    flag: np.ndarray = ctx.memo("at_risk", build)
    axes = axes_for(ctx, by, age_bands=age_bands)
    return cube(axes, stock, stock, numerator_mask=flag)
