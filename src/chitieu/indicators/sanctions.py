"""Family ``sanctions``: administrative handling of child-abuse acts (Phụ lục II-IV, part II).

One row of the sanctions table is one decision against one violator. A
decision belongs to the period when its date falls inside it, and to the
commune recorded on it. Cases and violators are counted distinct: a case is
its ``case_id`` (a decision without one is a case of its own); a violator is
its ``violator_id`` (a decision without one is a violator of its own). The
acts and measures of a case or violator with several decisions are
multi-response.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import axes_for, cube, split_codes
from chitieu.indicators.kernel import Rows, encode
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import codelist_axis, commune_index, distinct_units

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = ["sanction_cases", "sanction_fines", "sanctioned_violators"]


class _Decisions:
    """Decisions dated in the period, with their codes and an order by date then id."""

    def __init__(self, ctx: Context) -> None:
        frame = ctx.data.sanctions
        frame = frame.loc[~frame["decision_id"].astype("str").duplicated().to_numpy()]
        frame = frame.loc[ctx.period.contains(frame["decision_date"])]
        self.frame = frame
        self.n = len(frame)
        commune = commune_index(
            frame["commune_code"], frame["division_version"], ctx.commune_axis.categories
        )
        self.axes = {
            "violator_type": codelist_axis("violator_type", "violator_type"),
            "act": codelist_axis("act", "abuse_form"),
            "measure": codelist_axis("measure", "sanction_measure", multi=True),
        }
        self.codes = {
            "commune": commune,
            "urban_rural": ctx.commune_urban_rural[commune],
            "violator_type": encode(frame["violator_type"], self.axes["violator_type"].categories),
            "act": encode(frame["act"], self.axes["act"].categories)
            if "act" in frame
            else np.full(self.n, self.axes["act"].size - 1),
        }
        measures = frame["measures"] if "measures" in frame else pd.Series([None] * self.n)
        self.measure_pairs = split_codes(measures, self.axes["measure"].categories, "unknown")
        ids = pd.factorize(frame["decision_id"].astype("str").to_numpy(dtype=object), sort=True)[0]
        when = frame["decision_date"].to_numpy(dtype="datetime64[us]").astype(np.int64)
        self.order = np.lexsort((ids, when))

    def key(self, column: str) -> np.ndarray:
        """Distinct key from *column*, falling back to the decision id where it is empty."""
        if column in self.frame:
            own = self.frame[column].astype("str")
            empty = own.isna() | own.fillna("").str.strip().eq("")
        else:
            own = pd.Series([""] * self.n, dtype="str")
            empty = pd.Series(True, index=own.index)
        labels = np.where(
            empty.to_numpy(),
            "decision:" + self.frame["decision_id"].astype("str").to_numpy(dtype=object),
            "own:" + own.fillna("").to_numpy(dtype=object),
        )
        return pd.factorize(labels)[0].astype(np.int64)

    def units(self, column: str, unit_dims: tuple[str, ...]) -> Rows:
        row_dims = {
            d: (self.codes[d], self.axes[d].size)
            for d in ("violator_type", "act")
            if d not in unit_dims
        }
        mrow, mcode = self.measure_pairs
        rows, _ = distinct_units(
            self.key(column),
            self.order,
            {d: self.codes[d] for d in ("commune", "urban_rural", *unit_dims)},
            row_dims,
            {"measure": (mrow, mcode, self.axes["measure"].size)},
        )
        return rows


def _decisions(ctx: Context) -> _Decisions:
    out: _Decisions = ctx.memo("sanction_decisions", lambda: _Decisions(ctx))
    return out


@indicator(
    "sanction_cases",
    spec_id="xam_hai.02xx_so_vu_vi_pham",
    kind="count",
    dimensions=("commune", "urban_rural", "violator_type", "act", "measure"),
    multi_response=("violator_type", "act", "measure"),
    period_convention="events",
    requires=("sanctions",),
    unit_vi="vụ",
    unit_en="cases",
    notes="Distinct cases (case_id; a decision without one counts as its own case) with a "
    "sanction decision dated in the period; commune of the case's first decision.",
)
def sanction_cases(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Số vụ việc vi phạm hành chính về hành vi xâm hại trẻ em bị phát hiện, xử lý.

    Examples
    --------
    Case A1 (decisions D1 and D2) and decision D3 without a case; D4 is dated 2023.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("sanction_cases", tiny_submission(), period="2024")["numerator"].tolist()
    [2]
    """
    d = _decisions(ctx)
    rows = d.units("case_id", ())
    multi = ("violator_type", "act", "measure")
    return cube(axes_for(ctx, by, multi=multi), rows)


@indicator(
    "sanctioned_violators",
    spec_id="xam_hai.02xx_doi_tuong_bi_xu_phat",
    kind="count",
    dimensions=("commune", "urban_rural", "violator_type", "act", "measure"),
    multi_response=("act", "measure"),
    period_convention="events",
    requires=("sanctions",),
    unit_vi="đối tượng",
    unit_en="violators",
    notes="Distinct violators (violator_id; a decision without one counts as its own violator) "
    "sanctioned by a decision dated in the period; commune of the violator's first decision "
    "of the period.",
)
def sanctioned_violators(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Số đối tượng bị xử phạt vi phạm hành chính về hành vi xâm hại trẻ em.

    Examples
    --------
    P1, P2 and the organisation of D3 (no id: its own violator).

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> t = compute("sanctioned_violators", tiny_submission(), period="2024", by=("violator_type",))
    >>> t[["violator_type", "numerator"]].values.tolist()
    [['INDIVIDUAL', 2], ['ORGANISATION', 1]]
    """
    d = _decisions(ctx)
    rows = d.units("violator_id", ("violator_type",))
    return cube(axes_for(ctx, by, multi=("act", "measure")), rows)


@indicator(
    "sanction_fines",
    spec_id="xam_hai.02xx_tien_phat",
    kind="sum",
    dimensions=("commune", "urban_rural", "violator_type", "act"),
    period_convention="events",
    requires=("sanctions",),
    notes="Sum of fine_vnd over decisions dated in the period; a decision without a fine "
    "(a warning) adds nothing.",
)
def sanction_fines(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Số tiền phạt vi phạm hành chính đối với hành vi xâm hại trẻ em (VND).

    Examples
    --------
    D1 (15 million) and D2 (20 million); D3 is a warning; D4 is dated 2023.

    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> compute("sanction_fines", tiny_submission(), period="2024")["value"].tolist()
    [35000000.0]
    """
    d = _decisions(ctx)
    fines = (
        d.frame["fine_vnd"].astype("Float64").fillna(0.0).to_numpy(dtype=np.float64)
        if "fine_vnd" in d.frame
        else np.zeros(d.n)
    )
    rows = Rows(d.n, dict(d.codes), weights=fines)
    return cube(axes_for(ctx, by), rows)
