"""Hypothesis invariants of suppression (docs/semantics.md, "Publishing").

Small synthetic reports, suppressed with a random threshold: no published
count lies in 1..k-1, published figures are those of the original report,
and every additive group (a breakdown with its overall row, units with their
parent) holds no hidden cell or at least two, so subtraction recovers none.
The groups are rebuilt here from the table, independently of the module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from chitieu import synth
from chitieu.disclosure import suppress, suppress_levels
from chitieu.report import TOTAL, Report, report

INDICATORS = [
    "child_population",
    "special_circumstances",
    "injury_rate",
    "abused_children",
    "abuse_cases",
    "sanction_cases",
]


@st.composite
def reports(draw: st.DrawFn) -> Report:
    sub = synth.generate(
        n_children=draw(st.integers(30, 400)),
        n_communes=draw(st.integers(1, 4)),
        seed=draw(st.integers(0, 10_000)),
    )
    return report(sub, period="2024", indicators=INDICATORS)


def _hidden(original: pd.DataFrame, published: pd.DataFrame, column: str) -> np.ndarray:
    before = original[column].to_numpy(dtype=np.float64)
    after = published[column].to_numpy(dtype=np.float64)
    return ~np.isnan(before) & np.isnan(after)


def _check_within_units(original: pd.DataFrame, published: pd.DataFrame) -> None:
    """Every single-response breakdown with its overall row: 0 or >= 2 hidden cells."""
    unit = ["indicator_id", "period", "level", "unit_code", "division_version"]
    for column in ("numerator", "denominator"):
        hidden = pd.Series(_hidden(original, published, column), index=original.index)
        totals = original.loc[original["breakdown"] == TOTAL, unit].assign(
            _hidden=hidden[original["breakdown"] == TOTAL]
        )
        rows = original.loc[(original["breakdown"] != TOTAL) & ~original["multi_response"]]
        parts = rows.loc[:, [*unit, "breakdown"]].assign(_hidden=hidden[rows.index])
        per_group = parts.groupby([*unit, "breakdown"], sort=False)["_hidden"].sum()
        per_group = per_group.reset_index().merge(
            totals.rename(columns={"_hidden": "_total"}), on=unit, how="left"
        )
        count = per_group["_hidden"] + per_group["_total"].astype(int)
        assert not (count == 1).any(), per_group.loc[count == 1]


def _check_published(original: pd.DataFrame, published: pd.DataFrame, k: int) -> None:
    for column in ("numerator", "denominator", "value"):
        after = published[column].to_numpy(dtype=np.float64)
        before = original[column].to_numpy(dtype=np.float64)
        shown = ~np.isnan(after)
        np.testing.assert_array_equal(after[shown], before[shown])
    ids = published["indicator_id"]
    counts = published["numerator"].where(ids != "sanction_fines")
    assert not counts.between(1, k - 1).any()
    assert not published["denominator"].between(1, k - 1).any()
    hidden = np.isnan(published["value"]) & ~np.isnan(original["value"])
    flagged = published["flags"].str.contains("suppressed", regex=False)
    assert (hidden.to_numpy() <= flagged.to_numpy()).all()


@given(rep=reports(), k=st.integers(2, 8))
def test_suppressed_report_is_safe(rep: Report, k: int) -> None:
    before = rep.table.copy()
    published = suppress(rep, k=k)
    pd.testing.assert_frame_equal(rep.table, before)  # input not changed
    assert len(published.table) == len(rep.table)
    _check_published(rep.table, published.table, k)
    _check_within_units(rep.table, published.table)
    assert suppress(rep, k=k).table.equals(published.table)  # deterministic


@given(rep=reports(), k=st.integers(2, 8))
def test_levels_protect_units_under_a_parent(rep: Report, k: int) -> None:
    out = suppress_levels(rep, ["commune", "province"], k=k)
    communes, provinces = out["commune"].table, out["province"].table
    original_province = rep.rollup("province").table
    _check_published(rep.table, communes, k)
    _check_published(original_province, provinces, k)
    _check_within_units(rep.table, communes)
    _check_within_units(original_province, provinces)
    parent = rep.hierarchies[rep.division_versions[0]].set_index("commune")["province"]
    cell = [c for c in communes.columns if c not in ("numerator", "denominator", "value")]
    cell = [c for c in cell if c not in ("level", "unit_code", "units_missing", "flags")]
    for column in ("numerator", "denominator"):
        low = communes.loc[:, cell].assign(
            _parent=communes["unit_code"].map(parent).fillna("unknown").to_numpy(),
            _hidden=_hidden(rep.table, communes, column),
        )
        high = provinces.loc[:, cell].assign(
            _parent=provinces["unit_code"].to_numpy(),
            _hidden=_hidden(original_province, provinces, column),
        )
        keys = [*cell, "_parent"]
        both = pd.concat([low, high], ignore_index=True).astype({"_hidden": int})
        count = both.groupby(keys, sort=False, dropna=False)["_hidden"].sum()
        assert not (count == 1).any()
