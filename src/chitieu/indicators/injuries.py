"""Family ``injuries``: children injured, injury deaths, drowning.

Events are injuries dated inside the period (both ends included). Indicators
about *children* count distinct children: a child injured twice counts once,
with sex, commune and age group (age at the event) of the child's first
injury in the period; injury type, place and outcome are then multi-response
(a child injured at home and at school counts once in each place). The event
count :func:`injury_events` counts every injury, and there every dimension
is single-response.

Rates use the child population at the reference date as denominator (the
injured child need not be in it: a child who died of an injury has left the
register by then, a visitor was never on it). Attribution: the child's commune
of residence; ``attribution="event"`` uses the commune where the injury was
recorded. See :mod:`chitieu.indicators.stock`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import axes_for, cube
from chitieu.indicators.kernel import Rows, encode
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import (
    ChildEvents,
    child_events,
    codelist_axis,
    distinct_children,
    normalise_bands,
    unknown_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = ["drowning", "drowning_deaths", "injury_death_rate", "injury_events", "injury_rate"]

DROWNING = "08"
DIED = "DIED"
_EVENT_DIMS = {"injury_type": "injury_type", "place": "injury_place", "outcome": "injury_outcome"}
_CHILD_DIMS = ("commune", "sex", "age_group", "urban_rural")
_ALL_DIMS = (*_CHILD_DIMS, "injury_type", "place", "outcome")
_NOTE = (
    "Distinct children with at least one injury dated in the period; age at the first injury "
    "in the period. Injury type, place and outcome are multi-response. "
)


def _events(ctx: Context, attribution: str, age_bands: Sequence[int] | None) -> ChildEvents:
    def build() -> ChildEvents:
        ev = child_events(
            ctx,
            ctx.data.injuries,
            date_column="injury_date",
            id_column="injury_id",
            attribution=attribution,
            age_bands=age_bands,
        )
        for dim, codelist_name in _EVENT_DIMS.items():
            axis = codelist_axis(dim, codelist_name)
            ev.codes[dim] = encode(ev.frame[dim], axis.categories, unknown_of(axis))
        return ev

    out: ChildEvents = ctx.memo(("injuries", attribution, normalise_bands(age_bands)), build)
    return out


def _widths() -> dict[str, int]:
    return {dim: codelist_axis(dim, name).size for dim, name in _EVENT_DIMS.items()}


def _children(
    ctx: Context, ev: ChildEvents, by: tuple[str, ...], age_bands: Sequence[int] | None, rate: bool
) -> pd.DataFrame:
    widths = _widths()
    rows, _ = distinct_children(ev, {d: (ev.codes[d], widths[d]) for d in _EVENT_DIMS})
    axes = axes_for(ctx, by, age_bands=age_bands, multi=tuple(_EVENT_DIMS))
    return cube(axes, rows, ctx.register.stock(age_bands) if rate else None)


def _is(ev: ChildEvents, dim: str, code: str) -> np.ndarray:
    axis = codelist_axis(dim, _EVENT_DIMS[dim])
    return np.asarray(ev.codes[dim] == axis.categories.index(code), dtype=bool)


@indicator(
    "injury_rate",
    spec_id="tre_em.03xx_tai_nan_thuong_tich",
    kind="rate_per_1000",
    dimensions=_ALL_DIMS,
    multi_response=tuple(_EVENT_DIMS),
    period_convention="events",
    requires=("children", "injuries"),
    notes=_NOTE + "Per 1,000 children of the population at the reference date (the plan of "
    "Thắng town: under 3 per 1,000; the national programme speaks per 100,000).",
)
def injury_rate(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
) -> pd.DataFrame:
    """Tỷ suất trẻ em bị tai nạn, thương tích: children injured per 1,000 children.

    Examples
    --------
    In 2024, C1 (twice: 1 Jan and 31 Dec) and the visitor V1 were injured;
    six children are in the stock: 2 / 6 x 1,000.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> r = compute("injury_rate", tiny_submission(), period="2024")
    >>> r["numerator"][0], float(r["value"][0].round(1))
    (np.int64(2), 333.3)
    >>> t = compute("injury_rate", tiny_submission(), period="2024", by=("injury_type",))
    >>> t.loc[t["numerator"] > 0, ["injury_type", "numerator"]].values.tolist()
    [['01', 1], ['08', 2]]
    """
    ev = _events(ctx, attribution, age_bands)
    return _children(ctx, ev, by, age_bands, rate=True)


@indicator(
    "injury_events",
    kind="count",
    dimensions=_ALL_DIMS,
    period_convention="events",
    requires=("children", "injuries"),
    name_vi="Số vụ tai nạn, thương tích trẻ em",
    name_en="Number of child injury events",
    numerator_vi="Số lượt trẻ em bị tai nạn, thương tích trong kỳ",
    numerator_en="Injuries of children dated in the period",
    unit_vi="vụ",
    unit_en="events",
    notes="Every injury counts (a child injured twice counts twice); the age group is the age "
    "at each injury.",
)
def injury_events(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
) -> pd.DataFrame:
    """Số vụ tai nạn, thương tích: injury events in the period.

    Examples
    --------
    I1 (1 Jan), I2 (31 Dec) and I3 are in 2024; I4 is dated 2023.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("injury_events", tiny_submission(), period="2024")["numerator"].tolist()
    [3]
    """
    ev = _events(ctx, attribution, age_bands)
    rows = Rows(ev.n, dict(ev.codes))
    return cube(axes_for(ctx, by, age_bands=age_bands), rows)


@indicator(
    "injury_death_rate",
    spec_id="tre_em.03xx_tu_vong_tai_nan_thuong_tich",
    kind="rate_per_1000",
    dimensions=_ALL_DIMS,
    multi_response=tuple(_EVENT_DIMS),
    period_convention="events",
    requires=("children", "injuries"),
    notes="Distinct children with an injury dated in the period whose outcome is death, per "
    "1,000 children of the population at the reference date (the plan: under 2 per 1,000).",
)
def injury_death_rate(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
) -> pd.DataFrame:
    """Tỷ suất trẻ em tử vong do tai nạn, thương tích, per 1,000 children.

    Examples
    --------
    V1 drowned: 1 / 6 x 1,000.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> r = compute("injury_death_rate", tiny_submission(), period="2024")
    >>> r["numerator"][0], float(r["value"][0].round(1))
    (np.int64(1), 166.7)
    """
    ev = _events(ctx, attribution, age_bands)
    return _children(ctx, ev.select(_is(ev, "outcome", DIED)), by, age_bands, rate=True)


@indicator(
    "drowning",
    kind="count",
    dimensions=_ALL_DIMS,
    multi_response=tuple(_EVENT_DIMS),
    period_convention="events",
    requires=("children", "injuries"),
    name_vi="Số trẻ em bị đuối nước",
    name_en="Number of children who drowned (fatal or not)",
    numerator_vi="Số trẻ em bị đuối nước (loại tai nạn 08) trong kỳ, kể cả tử vong",
    numerator_en="Distinct children with a drowning injury (type 08) in the period, fatal or not",
    unit_vi="trẻ em",
    unit_en="children",
    notes="Not a separate indicator of the circular; the plan of Thắng town tracks drowning. "
    "See drowning_deaths for deaths.",
)
def drowning(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
) -> pd.DataFrame:
    """Số trẻ em bị đuối nước: distinct children who drowned in the period.

    Examples
    --------
    C1 (1 Jan, survived) and V1 (died).

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("drowning", tiny_submission(), period="2024")["numerator"].tolist()
    [2]
    """
    ev = _events(ctx, attribution, age_bands)
    return _children(ctx, ev.select(_is(ev, "injury_type", DROWNING)), by, age_bands, rate=False)


@indicator(
    "drowning_deaths",
    kind="count",
    dimensions=_ALL_DIMS,
    multi_response=tuple(_EVENT_DIMS),
    period_convention="events",
    requires=("children", "injuries"),
    name_vi="Số trẻ em tử vong do đuối nước",
    name_en="Number of children who died of drowning",
    numerator_vi="Số trẻ em bị đuối nước (loại 08) với hậu quả tử vong trong kỳ",
    numerator_en="Distinct children with a drowning injury (type 08) with outcome death",
    unit_vi="trẻ em",
    unit_en="children",
    notes="Not a separate indicator of the circular; the plan of Thắng town tracks it.",
)
def drowning_deaths(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
) -> pd.DataFrame:
    """Số trẻ em tử vong do đuối nước.

    Examples
    --------
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("drowning_deaths", tiny_submission(), period="2024")["numerator"].tolist()
    [1]
    """
    ev = _events(ctx, attribution, age_bands)
    mask = _is(ev, "injury_type", DROWNING) & _is(ev, "outcome", DIED)
    return _children(ctx, ev.select(mask), by, age_bands, rate=False)
