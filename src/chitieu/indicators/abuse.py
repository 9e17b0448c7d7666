"""Family ``abuse``: abused children and abuse cases (Phụ lục II-IV, part I).

A case belongs to the period when its detection date falls inside it. A
victim row counts through its case (a victim whose case is missing from the
cases table has no date and is not counted; validation reports it). Indicators
about children count distinct children: a child harmed in two cases counts
once, with sex, commune and age group (age at detection) of the first case in
the period; the forms of abuse and the settings of all the child's cases are
multi-response dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import axes_for, cube, split_codes
from chitieu.indicators.kernel import Rows, encode, unique_pairs
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import (
    ChildEvents,
    child_events,
    codelist_axis,
    commune_index,
    distinct_children,
    normalise_bands,
    unknown_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = [
    "abuse_cases",
    "abused_children",
    "abused_children_percent",
    "abused_children_rate",
    "abused_children_supported",
]

_DIMS = ("commune", "sex", "age_group", "urban_rural", "form", "setting")
_MULTI = ("form", "setting")


def _cases(ctx: Context) -> pd.DataFrame:
    cases = ctx.data.abuse_cases
    return cases.loc[~cases["case_id"].astype("str").duplicated().to_numpy()]


def _victims(ctx: Context, attribution: str, age_bands: Sequence[int] | None) -> ChildEvents:
    def build() -> ChildEvents:
        cases = _cases(ctx).loc[
            :, ["case_id", "detected_date", "commune_code", "division_version", "setting"]
        ]
        victims = ctx.data.abuse_victims
        keep = [
            c
            for c in (
                "case_id",
                "child_id",
                "registered_here",
                "forms",
                "support_date",
                "sex",
                "birth_date",
            )
            if c in victims
        ]
        joined = victims.loc[:, keep].merge(cases, on="case_id", how="left", sort=False)
        joined["victim_key"] = (
            joined["case_id"].astype("str") + "|" + joined["child_id"].astype("str")
        )
        ev = child_events(
            ctx,
            joined,
            date_column="detected_date",
            id_column="victim_key",
            attribution=attribution,
            age_bands=age_bands,
            # the joined rows are the victims' rows, in order: their ids are coded already
            first_positions=ctx.register.first_positions("abuse_victims"),
        )
        setting = codelist_axis("setting", "abuse_setting", multi=True)
        ev.codes["setting"] = encode(ev.frame["setting"], setting.categories, unknown_of(setting))
        return ev

    out: ChildEvents = ctx.memo(("abuse_victims", attribution, normalise_bands(age_bands)), build)
    return out


def _abused(
    ctx: Context, attribution: str, age_bands: Sequence[int] | None
) -> tuple[Rows, np.ndarray, ChildEvents]:
    ev = _victims(ctx, attribution, age_bands)
    form = codelist_axis("form", "abuse_form", multi=True)
    setting = codelist_axis("setting", "abuse_setting", multi=True)
    row, code = split_codes(ev.frame["forms"], form.categories, "unknown")
    rows, unit_of_row = distinct_children(
        ev,
        {"setting": (ev.codes["setting"], setting.size)},
        {"form": (row, code, form.size)},
    )
    return rows, unit_of_row, ev


@indicator(
    "abused_children",
    spec_id="xam_hai.0101",
    kind="count",
    dimensions=_DIMS,
    multi_response=_MULTI,
    period_convention="events",
    requires=("children", "abuse_cases", "abuse_victims"),
    unit_vi="trẻ em",
    unit_en="children",
    notes="Distinct children harmed in cases detected in the period. Forms of abuse and "
    "settings are multi-response.",
)
def abused_children(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
) -> pd.DataFrame:
    """Số trẻ em bị xâm hại: distinct children abused in cases detected in the period.

    Examples
    --------
    C5 (cases A1 and A2) and C3 (case A1); case A3 was detected in 2023.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("abused_children", tiny_submission(), period="2024")["numerator"].tolist()
    [2]
    >>> f = compute("abused_children", tiny_submission(), period="2024", by=("form",))
    >>> f.loc[f["numerator"] > 0, ["form", "numerator"]].values.tolist()
    [['BL', 2], ['XHTD', 1]]
    """
    rows, _, _ = _abused(ctx, attribution, age_bands)
    return cube(axes_for(ctx, by, age_bands=age_bands, multi=_MULTI), rows)


def _abused_in_stock(ctx: Context, age_bands: Sequence[int] | None) -> Rows:
    """Children of the stock abused in the period, with stock codes (age at the reference date)."""
    ev = _victims(ctx, "residence", age_bands)
    reg = ctx.register
    stock = reg.stock(age_bands)
    stock_pos = reg.stock_positions()
    on_register = ev.key < reg.n
    unit = np.full(ev.n, -1, dtype=np.int64)
    unit[on_register] = stock_pos[ev.key[on_register]]
    keep = unit >= 0
    units = np.unique(unit[keep])
    rows: Rows = stock.take(units)
    row_unit = np.searchsorted(units, unit)
    form = codelist_axis("form", "abuse_form", multi=True)
    setting = codelist_axis("setting", "abuse_setting", multi=True)
    frow, fcode = split_codes(ev.frame["forms"], form.categories, "unknown")
    fkeep = keep[frow]
    rows.multi["form"] = unique_pairs(row_unit[frow[fkeep]], fcode[fkeep], form.size)
    rows.multi["setting"] = unique_pairs(row_unit[keep], ev.codes["setting"][keep], setting.size)
    return rows


def _rate(
    ctx: Context, by: tuple[str, ...], age_bands: Sequence[int] | None, attribution: str
) -> pd.DataFrame:
    rows, _, _ = _abused(ctx, attribution, age_bands)
    axes = axes_for(ctx, by, age_bands=age_bands, multi=_MULTI)
    return cube(axes, rows, ctx.register.stock(age_bands))


@indicator(
    "abused_children_rate",
    kind="rate_per_1000",
    dimensions=_DIMS,
    multi_response=_MULTI,
    period_convention="events",
    requires=("children", "abuse_cases", "abuse_victims"),
    name_vi="Tỷ suất trẻ em bị xâm hại trên 1.000 trẻ em",
    name_en="Abused children per 1,000 children",
    numerator_vi="Số trẻ em bị xâm hại trong kỳ",
    numerator_en="Distinct children abused in cases detected in the period",
    denominator_vi="Tổng số trẻ em tại thời điểm thống kê",
    denominator_en="Child population at the reference date",
    notes="The per-1,000 form used by local plans. Numerator: every distinct child abused in "
    "the period (as abused_children, including children no longer on the register); "
    "denominator: the child population at the reference date. The catalogue's percentage "
    "entry xam_hai.01xx_ty_le is abused_children_percent, which counts only children of the "
    "stock.",
)
def abused_children_rate(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
) -> pd.DataFrame:
    """Trẻ em bị xâm hại trên 1.000 trẻ em.

    Examples
    --------
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> float(compute("abused_children_rate", tiny_submission(), period="2024")["value"][0].round(1))
    333.3
    """
    return _rate(ctx, by, age_bands, attribution)


@indicator(
    "abused_children_percent",
    spec_id="xam_hai.01xx_ty_le",
    kind="percent",
    dimensions=_DIMS,
    multi_response=_MULTI,
    period_convention="events",
    requires=("children", "abuse_cases", "abuse_victims"),
    notes="Children of the stock (on the register at the reference date) abused in cases "
    "detected in the period, as a percentage of the child population; age group at the "
    "reference date, so that each cell is a share of its own population (the national "
    "programme: under 4.5%). Abused children who have left the register or were never on it "
    "count in abused_children and abused_children_rate, not here.",
)
def abused_children_percent(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Tỷ lệ trẻ em bị xâm hại trên tổng số trẻ em.

    A share of the child population: the numerator counts the children of the
    stock (on the register at the reference date) abused in the period, in
    their age group at the reference date. Abused children no longer on the
    register then, or never on it, are in :func:`abused_children` and
    :func:`abused_children_rate` but not here.

    Examples
    --------
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> r = compute("abused_children_percent", tiny_submission(), period="2024")
    >>> r["numerator"][0], float(r["value"][0].round(2))
    (np.int64(2), 33.33)
    """
    rows = _abused_in_stock(ctx, age_bands)
    axes = axes_for(ctx, by, age_bands=age_bands, multi=_MULTI)
    return cube(axes, rows, ctx.register.stock(age_bands))


@indicator(
    "abused_children_supported",
    spec_id="xam_hai.01xx_ho_tro_can_thiep",
    kind="percent",
    dimensions=_DIMS,
    multi_response=_MULTI,
    period_convention="events",
    requires=("children", "abuse_cases", "abuse_victims"),
    notes="Denominator: distinct children abused in cases detected in the period. Numerator: "
    "those with a support or intervention date on a victim row of such a case inside the period "
    "(so on or before the reference date: records dated later never change a report). With "
    "follow_up_days=N, a support up to N days after the case's detection also counts, even after "
    "the period ends (an explicit follow-up window).",
)
def abused_children_supported(
    ctx: Context,
    *,
    by: tuple[str, ...] = (),
    age_bands: Sequence[int] | None = None,
    attribution: str = "residence",
    follow_up_days: int = 0,
) -> pd.DataFrame:
    """Số, tỷ lệ trẻ em bị xâm hại được hỗ trợ, can thiệp.

    A support counts when it is dated inside the period; with
    ``follow_up_days=N`` also when it is dated from the case's detection to
    N days after it, so that a case detected on 30 December and supported on
    3 January can count for the year (say so where the figure is published).

    Examples
    --------
    C5 was supported the day after case A1 was detected; C3 was not.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> r = compute("abused_children_supported", tiny_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[1.0, 2.0, 50.0]]
    """
    if isinstance(follow_up_days, bool) or not isinstance(follow_up_days, int) or follow_up_days < 0:
        raise ValueError(f"follow_up_days must be a whole number of days, found {follow_up_days!r}")
    rows, unit_of_row, ev = _abused(ctx, attribution, age_bands)
    if "support_date" in ev.frame:
        support = np.asarray(pd.to_datetime(ev.frame["support_date"]), dtype="datetime64[D]")
        detected = np.asarray(pd.to_datetime(ev.frame["detected_date"]), dtype="datetime64[D]")
        ok = ~np.isnat(support) & ctx.period.contains(ev.frame["support_date"])
        if follow_up_days:
            window = (support >= detected) & (
                support <= detected + np.timedelta64(follow_up_days, "D")
            )
            ok |= ~np.isnat(support) & window
    else:
        ok = np.zeros(ev.n, dtype=bool)
    supported = np.bincount(unit_of_row[ok], minlength=rows.n) > 0
    axes = axes_for(ctx, by, age_bands=age_bands, multi=_MULTI)
    return cube(axes, rows, rows, numerator_mask=supported)


@indicator(
    "abuse_cases",
    spec_id="xam_hai.01xx_so_vu",
    kind="count",
    dimensions=("commune", "urban_rural", "setting", "form"),
    multi_response=("form",),
    period_convention="events",
    requires=("abuse_cases", "abuse_victims"),
    unit_vi="vụ",
    unit_en="cases",
    notes="Distinct cases detected in the period, in the commune recorded on the case. The "
    "form of a case is every form suffered by any of its victims (multi-response; a case "
    "without victim rows is in form 'unknown').",
)
def abuse_cases(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Số vụ xâm hại trẻ em được phát hiện, tiếp nhận trong kỳ.

    Examples
    --------
    A1 and A2 were detected in 2024, A3 in 2023.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("abuse_cases", tiny_submission(), period="2024")["numerator"].tolist()
    [2]
    """
    cases = _cases(ctx)
    cases = cases.loc[ctx.period.contains(cases["detected_date"])]
    commune = commune_index(
        cases["commune_code"], cases["division_version"], ctx.commune_axis.categories
    )
    setting_axis = codelist_axis("setting", "abuse_setting")
    form_axis = codelist_axis("form", "abuse_form", multi=True)
    rows = Rows(
        len(cases),
        {
            "commune": commune,
            "urban_rural": ctx.commune_urban_rural[commune],
            "setting": encode(cases["setting"], setting_axis.categories, unknown_of(setting_axis)),
        },
    )
    victims = ctx.data.abuse_victims
    case_pos = pd.Index(cases["case_id"].astype("str").to_numpy(dtype=object)).get_indexer(
        victims["case_id"].astype("str").to_numpy(dtype=object)
    )
    vrow, vcode = split_codes(victims["forms"], form_axis.categories, "unknown")
    unit = case_pos[vrow]
    keep = unit >= 0
    unit, vcode = unit[keep], vcode[keep]
    without = np.setdiff1d(np.arange(len(cases)), unit)
    unit = np.concatenate([unit, without])
    vcode = np.concatenate([vcode, np.full(len(without), form_axis.size - 1)])
    rows.multi["form"] = unique_pairs(unit, vcode, form_axis.size)
    return cube(axes_for(ctx, by, multi=("form",)), rows)
