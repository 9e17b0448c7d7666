"""Confidence intervals (chitieu.intervals, docs/intervals.md)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import chitieu
from chitieu.errors import ChitieuError
from chitieu.indicators.examples import make_frame, tiny_submission
from chitieu.intervals import (
    IntervalError,
    add_intervals,
    gamma_quantile,
    poisson_interval,
    rate_interval,
    wilson_interval,
)
from chitieu.submission import Submission


def one_commune(n_children: int, n_injured: int, *, deaths: int = 0) -> Submission:
    """One commune of *n_children* children, *n_injured* of them injured in 2024."""
    place = {"commune_code": "00001", "division_version": "2008"}
    children = make_frame(
        "children",
        [
            {"child_id": f"K{i}", **place, "birth_date": "2015-06-01", "sex": "MF"[i % 2],
             "ethnicity": "01", "entry_date": "2015-06-10"}
            for i in range(n_children)
        ],
    )  # fmt: skip
    injuries = make_frame(
        "injuries",
        [
            {"injury_id": f"I{i}", "child_id": f"K{i}", "registered_here": True,
             "injury_date": "2024-05-01", **place, "injury_type": "01", "place": "HOME",
             "outcome": "DEATH" if i < deaths else "INJURED"}
            for i in range(n_injured)
        ],
    )  # fmt: skip
    units = make_frame(
        "units",
        [
            {"unit_code": "01", "division_version": "2008", "name": "Tỉnh", "level": "PROVINCE"},
            {"unit_code": "001", "division_version": "2008", "name": "Huyện", "level": "DISTRICT",
             "province_code": "01"},
            {"unit_code": "00001", "division_version": "2008", "name": "Xã", "level": "COMMUNE",
             "district_code": "001", "province_code": "01", "records_from": "2024-01-01",
             "records_to": "2024-12-31"},
        ],
    )  # fmt: skip
    return Submission(children=children, injuries=injuries, units=units)


# -- the pure gamma quantile agrees with scipy ------------------------------------------------
@pytest.mark.parametrize("shape", [0.5, 1.0, 2.0, 3.0, 7.5, 30.0, 250.0, 4000.0])
@pytest.mark.parametrize("q", [0.0005, 0.025, 0.5, 0.975, 0.9995])
def test_pure_gamma_quantile_agrees_with_scipy(shape: float, q: float) -> None:
    pure = gamma_quantile(q, shape, use_scipy=False)
    assert pure == pytest.approx(stats.gamma.ppf(q, shape), rel=1e-9)


def test_exact_poisson_interval_is_garwood_by_the_chi_square_relation() -> None:
    counts = np.array([0.0, 1.0, 2.0, 5.0, 17.0, 120.0, 1500.0])
    for use_scipy in (False, True):
        low, high = poisson_interval(counts, level=0.9, use_scipy=use_scipy)
        expected_low = np.where(counts > 0, stats.chi2.ppf(0.05, 2 * counts) / 2, 0.0)
        expected_high = stats.chi2.ppf(0.95, 2 * counts + 2) / 2
        np.testing.assert_allclose(low, expected_low, rtol=1e-9)
        np.testing.assert_allclose(high, expected_high, rtol=1e-9)


def test_exact_interval_covers_its_level() -> None:
    # the upper bound u for x = 2 is the mean at which P(X <= 2) = 2.5%
    _, high = poisson_interval(np.array([2.0]), use_scipy=False)
    assert stats.poisson.cdf(2, high[0]) == pytest.approx(0.025, abs=1e-9)
    low, _ = poisson_interval(np.array([2.0]), use_scipy=False)
    assert stats.poisson.sf(1, low[0]) == pytest.approx(0.025, abs=1e-9)


def test_byars_is_close_to_exact_for_moderate_counts() -> None:
    counts = np.array([5.0, 20.0, 100.0])
    exact = poisson_interval(counts)
    byars = poisson_interval(counts, method="byars")
    np.testing.assert_allclose(byars[0], exact[0], rtol=0.02)
    np.testing.assert_allclose(byars[1], exact[1], rtol=0.005)
    assert poisson_interval(np.array([0.0]), method="byars")[0][0] == 0.0


def test_missing_or_negative_counts_have_no_interval() -> None:
    low, high = poisson_interval(np.array([np.nan, -1.0, 3.0]), use_scipy=False)
    assert np.isnan(low[:2]).all() and np.isnan(high[:2]).all() and low[2] > 0


def test_wilson_agrees_with_the_score_formula_and_scipy() -> None:
    k, n = np.array([0.0, 1.0, 37.0, 50.0]), np.array([10.0, 3.0, 200.0, 50.0])
    low, high = wilson_interval(k, n, level=0.95)
    for i in range(len(k)):
        ci = stats.binomtest(int(k[i]), int(n[i])).proportion_ci(0.95, method="wilson")
        assert low[i] == pytest.approx(ci.low, abs=1e-12)
        assert high[i] == pytest.approx(ci.high, abs=1e-12)
    assert low[0] == 0.0 and high[3] == 1.0


def test_levels_and_methods_are_checked() -> None:
    for level in (0, 1, 1.5, -0.1, True, "95"):
        with pytest.raises(IntervalError) as info:
            wilson_interval(np.array([1.0]), np.array([2.0]), level=level)  # type: ignore[arg-type]
        assert info.value.code == "bad-interval-level"
        assert isinstance(info.value, ChitieuError | ValueError)
    with pytest.raises(IntervalError) as bad:
        poisson_interval(np.array([1.0]), method="normal")  # type: ignore[arg-type]
    assert bad.value.code == "bad-interval-method"


def test_a_wider_level_gives_a_wider_interval() -> None:
    narrow = rate_interval(np.array([2.0]), np.array([4000.0]), 1000, level=0.8)
    wide = rate_interval(np.array([2.0]), np.array([4000.0]), 1000, level=0.99)
    assert wide[0][0] < narrow[0][0] and wide[1][0] > narrow[1][0]


# -- the example of the documentation ----------------------------------------------------------
def test_four_thousand_children_two_injuries_interval_spans_an_order_of_magnitude() -> None:
    """docs/intervals.md: 2 injured of 4,000 children, 0.5 per 1,000 (0.061 to 1.806)."""
    rep = chitieu.report(one_commune(4000, 2), period="2024", indicators=["injury_rate"])
    row = rep.with_intervals().totals().iloc[0]
    assert (row["numerator"], row["denominator"]) == (2.0, 4000.0)
    assert row["value"] == pytest.approx(0.5)
    assert row["ci_low"] == pytest.approx(0.0606, abs=5e-5)
    assert row["ci_high"] == pytest.approx(1.8062, abs=5e-5)
    assert row["ci_high"] / row["ci_low"] > 10
    assert f"{row['ci_low']:.2f} to {row['ci_high']:.2f}" == "0.06 to 1.81"


# -- on a report --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_report() -> chitieu.Report:
    return chitieu.report(tiny_submission(), period="2024")


def test_with_intervals_adds_two_columns_after_value_and_changes_no_figure(
    tiny_report: chitieu.Report,
) -> None:
    out = tiny_report.with_intervals(level=0.9)
    columns = list(out.table.columns)
    assert columns[columns.index("value") + 1 : columns.index("value") + 3] == ["ci_low", "ci_high"]
    same = out.table.drop(columns=["ci_low", "ci_high"])
    pd.testing.assert_frame_equal(same, tiny_report.table)
    assert "ci_low" not in tiny_report.table.columns  # the original is not changed
    assert any("90% confidence intervals" in n for n in out.notes)


def test_intervals_by_kind(tiny_report: chitieu.Report) -> None:
    t = tiny_report.with_intervals().table
    kinds = t["indicator_id"].map(
        dict(zip(tiny_report.indicators["id"], tiny_report.indicators["kind"], strict=True))
    )
    shown = t["value"].notna()
    counts = kinds.isin(["count", "sum"])
    assert t.loc[counts, ["ci_low", "ci_high"]].isna().all().all()
    ratio = ~counts & shown
    assert (t.loc[ratio, "ci_low"] <= t.loc[ratio, "value"] + 1e-9).all()
    assert (t.loc[ratio, "ci_high"] >= t.loc[ratio, "value"] - 1e-9).all()
    assert t.loc[~shown, ["ci_low", "ci_high"]].isna().all().all()
    pct = (kinds == "percent") & shown
    assert ((t.loc[pct, "ci_low"] >= 0) & (t.loc[pct, "ci_high"] <= 100)).all()


def test_percent_interval_is_wilson_times_100(tiny_report: chitieu.Report) -> None:
    row = (
        tiny_report.with_intervals()
        .get("special_circumstances", by="total", unit_code="00001")
        .iloc[0]
    )
    low, high = wilson_interval(np.array([row["numerator"]]), np.array([row["denominator"]]))
    assert row["ci_low"] == pytest.approx(low[0] * 100)
    assert row["ci_high"] == pytest.approx(high[0] * 100)


def test_sex_ratio_interval_comes_from_the_proportion_of_boys() -> None:
    table = pd.DataFrame(
        {
            "indicator_id": ["sex_ratio_at_birth"],
            "numerator": [112.0],
            "denominator": [100.0],
            "value": [112.0],
        }
    )
    out = add_intervals(table, {"sex_ratio_at_birth": "ratio"}, {"sex_ratio_at_birth": 100})
    low, high = wilson_interval(np.array([112.0]), np.array([212.0]))
    assert out["ci_low"].iloc[0] == pytest.approx(low[0] / (1 - low[0]) * 100)
    assert out["ci_high"].iloc[0] == pytest.approx(high[0] / (1 - high[0]) * 100)
    assert out["ci_low"].iloc[0] < 112 < out["ci_high"].iloc[0]


def test_suppressed_cells_get_no_interval() -> None:
    rep = chitieu.report(one_commune(300, 2), period="2024", indicators=["injury_rate"])
    published = rep.suppress(k=5).with_intervals()
    hidden = published.table["flags"].str.contains("suppressed", regex=False)
    assert hidden.any()
    assert published.table.loc[hidden, ["ci_low", "ci_high"]].isna().all().all()


def test_rate_interval_contains_the_rate_and_narrows_with_size() -> None:
    small = chitieu.report(one_commune(400, 2), period="2024", indicators=["injury_rate"])
    large = chitieu.report(one_commune(4000, 20), period="2024", indicators=["injury_rate"])
    a = small.with_intervals().totals().iloc[0]
    b = large.with_intervals().totals().iloc[0]
    assert a["value"] == pytest.approx(b["value"]) == pytest.approx(5.0)
    assert a["ci_low"] < 5.0 < a["ci_high"] and b["ci_low"] < 5.0 < b["ci_high"]
    assert (b["ci_high"] - b["ci_low"]) < (a["ci_high"] - a["ci_low"])
    # the two other rows of the table in docs/intervals.md
    assert (round(a["ci_low"], 2), round(a["ci_high"], 1)) == (0.61, 18.1)
    assert (round(b["ci_low"], 2), round(b["ci_high"], 2)) == (3.05, 7.72)
    assert math.isclose(a["ci_high"], rate_interval(np.array([2.0]), np.array([400.0]))[1][0])


def test_intervals_survive_csv_export(tiny_report: chitieu.Report, tmp_path: object) -> None:
    from pathlib import Path

    from chitieu.export import read_table

    out = tiny_report.with_intervals()
    path = out.to_csv(Path(str(tmp_path)) / "r.csv")
    back = read_table(path)
    np.testing.assert_allclose(
        back["ci_high"].to_numpy(dtype=float),
        out.table["ci_high"].to_numpy(dtype=float),
        equal_nan=True,
    )


def test_intervals_and_quality_work_without_scipy() -> None:
    """scipy is only in the test extra: with it unimportable, the pure implementation answers."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['scipy'] = None; sys.modules['scipy.special'] = None\n"
        "import numpy as np\n"
        "from chitieu.intervals import poisson_interval, _scipy_special\n"
        "from chitieu.quality import poisson_tail\n"
        "assert _scipy_special() is None\n"
        "low, high = poisson_interval(np.array([2.0, 0.0]))\n"
        "print(f'{low[0]:.6f} {high[0]:.6f} {low[1]:.1f} {high[1]:.6f}')\n"
        "print(f'{poisson_tail(60, 20.5, upper=True):.6e}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    first, second = done.stdout.split("\n")[:2]
    low, high = stats.chi2.ppf(0.025, 4) / 2, stats.chi2.ppf(0.975, 6) / 2
    assert first == f"{low:.6f} {high:.6f} 0.0 {stats.chi2.ppf(0.975, 2) / 2:.6f}"
    assert float(second) == pytest.approx(stats.poisson.sf(59, 20.5), rel=1e-6)
