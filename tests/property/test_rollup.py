"""Hypothesis invariants of the roll-up (docs/semantics.md, "Rolling up").

Small synthetic submissions over a few communes, with communes assigned at
random to districts and provinces: rolling up in steps equals rolling up at
once, the national figures equal the computation on the whole submission, and
every value is the ratio of the summed counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu import synth
from chitieu.compute import Context
from chitieu.indicators import get_indicator
from chitieu.report import TOTAL, report
from chitieu.submission import Submission
from chitieu.units import DivisionVersionError

INDICATORS = [
    "child_population",
    "special_circumstances",
    "special_circumstances_supported",
    "injury_rate",
    "abused_children",
    "sanction_fines",
    "crude_birth_rate",
]


@st.composite
def submissions(draw: st.DrawFn) -> Submission:
    """A synthetic submission whose communes sit in random districts and provinces."""
    n_communes = draw(st.integers(1, 7))
    version = draw(st.sampled_from(["2008", "2025"]))
    sub = synth.generate(
        n_children=draw(st.integers(20, 300)),
        n_communes=n_communes,
        seed=draw(st.integers(0, 10_000)),
        division_version=version,
    )
    units = sub.units.copy()
    communes = (units["level"] == "COMMUNE").to_numpy(dtype=bool)
    districts = draw(st.lists(st.integers(0, 2), min_size=n_communes, max_size=n_communes))
    district_codes = np.array([f"{500 + d}" for d in districts], dtype=object)
    province_codes = np.array([f"{40 + d % 2}" for d in districts], dtype=object)
    units.loc[communes, "province_code"] = province_codes[: communes.sum()]
    if version == "2008":
        units.loc[communes, "district_code"] = district_codes[: communes.sum()]
    return sub.replace(units=units)


def _national_by_compute(sub: Submission) -> pd.DataFrame:
    ctx = Context(sub, "2024")
    rows = []
    for indicator_id in INDICATORS:
        out = ctx.compute(indicator_id)
        rows.append(
            {
                "indicator_id": indicator_id,
                "numerator": float(out["numerator"].iloc[0]),
                "denominator": float(out["denominator"].iloc[0]),
                "value": float(out["value"].iloc[0]),
            }
        )
    return pd.DataFrame(rows).set_index("indicator_id")


@pytest.mark.slow
@given(submissions())
def test_rollup_in_steps_equals_rollup_at_once(sub: Submission) -> None:
    rep = report(sub, period="2024", indicators=INDICATORS)
    direct = rep.rollup("province")
    if rep.division_versions == ("2008",):
        stepped = rep.rollup("district").rollup("province")
        pd.testing.assert_frame_equal(stepped.table, direct.table)
    else:
        with pytest.raises(DivisionVersionError):
            rep.rollup("district")
    pd.testing.assert_frame_equal(direct.rollup("national").table, rep.rollup("national").table)


@pytest.mark.slow
@given(submissions())
def test_national_rollup_equals_the_whole_computation(sub: Submission) -> None:
    rep = report(sub, period="2024", indicators=INDICATORS, level="national")
    totals = rep.totals().set_index("indicator_id")
    expected = _national_by_compute(sub)
    assert list(totals.index) == INDICATORS
    np.testing.assert_allclose(totals["numerator"], expected["numerator"])
    np.testing.assert_allclose(totals["denominator"], expected["denominator"], equal_nan=True)
    np.testing.assert_allclose(totals["value"], expected["value"], equal_nan=True)


@pytest.mark.slow
@given(submissions(), st.sampled_from(["district", "province", "national"]))
def test_every_value_is_the_ratio_of_the_summed_counts(sub: Submission, level: str) -> None:
    rep = report(sub, period="2024", indicators=INDICATORS)
    if level == "district" and rep.division_versions != ("2008",):
        return
    up = rep.rollup(level)
    t = up.table
    communes = rep.table
    # counts: the sum over the communes, in every cell
    keys = ["indicator_id", "breakdown", *rep.dimensions]
    low = communes.groupby(keys, sort=False)[["numerator"]].sum()
    high = t.groupby(keys, sort=False)[["numerator"]].sum()
    pd.testing.assert_frame_equal(low.sort_index(), high.sort_index())
    # value: recomputed from the counts, never averaged
    for indicator_id, rows in t.groupby("indicator_id", sort=False):
        meta = get_indicator(str(indicator_id))
        num, den = rows["numerator"].to_numpy(), rows["denominator"].to_numpy()
        if meta.kind in ("count", "sum"):
            np.testing.assert_array_equal(rows["value"].to_numpy(), num)
            assert np.isnan(den).all()
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                expected = np.where(den > 0, num / den * meta.multiplier, np.nan)
            np.testing.assert_allclose(rows["value"].to_numpy(), expected, equal_nan=True)
    assert (t.loc[t["breakdown"] == TOTAL, "multi_response"] == False).all()  # noqa: E712
