"""Family ``participation``: children asked for their views.

The other participation indicators of group 06 need data the records do not
carry; they are in :mod:`chitieu.indicators.external`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import axes_for, cube, in_stock_with
from chitieu.indicators.kernel import Rows
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import normalise_bands

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = ["CONSULTATION_MIN_AGE", "consulted_children"]

#: Children from this age (completed years at the reference date) are asked.
CONSULTATION_MIN_AGE = 7


@indicator(
    "consulted_children",
    spec_id="tre_em.0601",
    kind="percent",
    dimensions=("commune", "sex", "age_group", "ethnicity", "urban_rural", "disability"),
    period_convention="stock",
    requires=("children", "consultations"),
    notes="Denominator: children aged 7 or more (completed years at the reference date) in the "
    "stock. Numerator: those of them consulted at least once in the period (a consultation "
    "dated inside it, any form). The plan of Thắng town: about 20%.",
)
def consulted_children(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Tỷ lệ trẻ em từ 7 tuổi trở lên được lấy ý kiến về các vấn đề của trẻ em.

    Examples
    --------
    Aged 7+ on 31 Dec 2024: C1 (8), C5 (12), C3 (14). C1 and C3 (twice, one of
    them on the last day of the period) were consulted; C2 is only 4.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> r = compute("consulted_children", tiny_submission(), period="2024")
    >>> r["numerator"][0], r["denominator"][0], float(r["value"][0].round(2))
    (np.int64(2), np.float64(3.0), 66.67)
    """

    def build() -> tuple[Rows, np.ndarray]:
        reg = ctx.register
        stock = reg.stock(age_bands)
        eligible = reg.age[reg.stock_index] >= CONSULTATION_MIN_AGE
        cons = ctx.data.consultations
        in_period = ctx.period.contains(cons["consultation_date"])
        unit = in_stock_with(ctx, "consultations")[in_period]
        consulted = np.zeros(stock.n, dtype=bool)
        consulted[unit[unit >= 0]] = True
        return stock.where(eligible), consulted[eligible]

    base, flag = ctx.memo(("consulted_children", normalise_bands(age_bands)), build)
    axes = axes_for(ctx, by, age_bands=age_bands)
    return cube(axes, base, base, numerator_mask=flag)
