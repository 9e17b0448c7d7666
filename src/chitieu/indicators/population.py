"""Family ``population``: how many children, their birth registration, births by sex.

All three read the child register; see :mod:`chitieu.indicators.stock` for
the stock rule (who is a child on the reference date).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import axes_for, cube
from chitieu.indicators.kernel import Rows
from chitieu.indicators.registry import indicator

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = ["birth_registration", "child_population", "sex_ratio_at_birth"]

_CHILD_DIMS = ("commune", "sex", "age_group", "ethnicity", "urban_rural", "disability")


@indicator(
    "child_population",
    spec_id="tre_em.0101",
    kind="count",
    dimensions=_CHILD_DIMS,
    period_convention="stock",
    requires=("children",),
    unit_vi="trẻ em",
    unit_en="children",
    notes="Children registered, alive, resident and under 16 on the reference date. "
    "The denominator of every rate over all children.",
)
def child_population(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Dân số trẻ em: children under 16 on the register at the reference date.

    Examples
    --------
    The tiny submission (:mod:`chitieu.indicators.examples`) has six children
    in the stock at 31 Dec 2024: C6 turned 16 and C7 moved away.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> sub = tiny_submission()
    >>> compute("child_population", sub, period="2024")["value"].tolist()
    [6.0]
    >>> t = compute("child_population", sub, period="2024", by=("age_group",))
    >>> dict(zip(t["age_group"], t["numerator"]))
    {'0-5': 3, '6-9': 1, '10-13': 1, '14-15': 1}

    On 30 June 2024 (end of ``2024-H1``) C8 is not born yet:

    >>> compute("child_population", sub, period="2024-H1")["numerator"].tolist()
    [5]
    """
    stock = ctx.register.stock(age_bands)
    return cube(axes_for(ctx, by, age_bands=age_bands), stock)


@indicator(
    "birth_registration",
    spec_id="tre_em.01xx_khai_sinh",
    kind="percent",
    dimensions=("commune", "sex", "ethnicity", "urban_rural"),
    period_convention="stock",
    requires=("children",),
    notes="Children under 5 in the stock at the reference date. A child whose registration "
    "status is unknown (empty birth_registered) is in the denominator but not the numerator: "
    "the figure is the share known to be registered.",
)
def birth_registration(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh.

    Examples
    --------
    Under 5 at 31 Dec 2024: C2 (registered), C4 (unknown), C8 (not registered).

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> r = compute("birth_registration", tiny_submission(), period="2024")
    >>> r[["numerator", "denominator"]].values.tolist(), float(r["value"][0].round(2))
    ([[1.0, 3.0]], 33.33)
    """
    reg = ctx.register
    idx = reg.stock_index
    under5 = reg.age[idx] < 5
    base = reg.stock().where(under5)
    flag = reg.birth_registered[idx][under5]
    return cube(axes_for(ctx, by), base, base, numerator_mask=flag)


@indicator(
    "sex_ratio_at_birth",
    spec_id="tre_em.0102",
    kind="ratio",
    dimensions=("commune", "urban_rural"),
    period_convention="events",
    requires=("children",),
    unit_vi="bé trai trên 100 bé gái",
    unit_en="boys per 100 girls",
    numerator_vi="Số trẻ em trai trong sổ có ngày sinh trong kỳ",
    numerator_en="Boys on the register born in the period",
    denominator_vi="Số trẻ em gái trong sổ có ngày sinh trong kỳ",
    denominator_en="Girls on the register born in the period",
    notes="APPROXIMATION from the register, not the official figure. Births count by birth "
    "date, whatever the date of entry in the register: every child on the register born in the "
    "period, whether or not still in the stock and even if entered after the reference date; "
    "infants who died before being registered are missed. Children of unknown sex are in "
    "neither count.",
)
def sex_ratio_at_birth(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ số giới tính khi sinh (approximation): boys per 100 girls born in the period.

    Examples
    --------
    Only C8 (a boy) was born in 2024, so the ratio has no girls to divide by.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("sex_ratio_at_birth", tiny_submission(), period="2024")
       numerator  denominator  value
    0          1          0.0    NaN
    """
    reg = ctx.register
    born = ctx.period.contains(reg.birth)
    if reg.child is not None:  # a child who moved is born once: count the child's first row
        born &= reg.child == np.arange(reg.n)
    sex = reg.codes["sex"]
    cats = reg.axes["sex"].categories
    rows = Rows(reg.n, {k: reg.codes[k] for k in ("commune", "urban_rural")})
    axes = axes_for(ctx, by)
    boys = born & (sex == cats.index("M"))
    girls = born & (sex == cats.index("F"))
    return cube(axes, rows, rows, numerator_mask=boys, denominator_mask=girls)
