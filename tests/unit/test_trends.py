"""chitieu.trends: figures over periods, changes from counts, no data never 0."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu.errors import DataNotAvailableError, UnknownIndicatorError
from chitieu.indicators import get_indicator
from chitieu.indicators.examples import tiny_submission
from chitieu.trends import TREND_COLUMNS, TrendError, stack, trend

HALVES = ["2024-H1", "2024-H2"]


@pytest.fixture(scope="module")
def halves() -> chitieu.report.Report:
    return chitieu.report(
        tiny_submission(),
        period=HALVES,
        indicators=["special_circumstances", "injury_events", "child_population"],
    )


def test_columns_and_order(halves: chitieu.report.Report) -> None:
    t = trend(halves, "special_circumstances")
    assert tuple(t.columns) == TREND_COLUMNS
    assert t[["unit_code", "period"]].values.tolist() == [
        ["00001", "2024-H1"],
        ["00001", "2024-H2"],
        ["00002", "2024-H1"],
        ["00002", "2024-H2"],
    ]
    assert t["previous_period"].tolist() == ["", "2024-H1", "", "2024-H1"]


def test_changes_of_counts_at_commune_level(halves: chitieu.report.Report) -> None:
    t = trend(halves, "special_circumstances")
    table = halves.get("special_circumstances", by="total")
    for unit in ("00001", "00002"):
        mine = t.loc[t["unit_code"] == unit]
        rows = table.loc[table["unit_code"] == unit].set_index("period")
        assert mine["numerator"].tolist() == rows.loc[HALVES, "numerator"].tolist()
        assert mine["numerator_change"].iloc[1] == (
            rows.loc["2024-H2", "numerator"] - rows.loc["2024-H1", "numerator"]
        )
        assert mine["denominator_change"].iloc[1] == (
            rows.loc["2024-H2", "denominator"] - rows.loc["2024-H1", "denominator"]
        )
        assert np.isnan(mine["numerator_change"].iloc[0])


def test_value_change_comes_from_each_periods_own_counts_not_from_averages(
    halves: chitieu.report.Report,
) -> None:
    communes = trend(halves, "special_circumstances")
    province = trend(halves, "special_circumstances", level="province")
    assert province["level"].unique().tolist() == ["province"]
    # Counts add up: the province's changes of counts are the sums of its communes'.
    second = communes.loc[communes["period"] == "2024-H2"]
    assert province["numerator_change"].iloc[1] == second["numerator_change"].sum()
    assert province["denominator_change"].iloc[1] == second["denominator_change"].sum()
    # Ratios do not: each period's value is its summed numerator over its summed denominator.
    first_counts = communes.loc[communes["period"] == "2024-H1", ["numerator", "denominator"]].sum()
    second_counts = second[["numerator", "denominator"]].sum()
    expected = 100 * (
        second_counts["numerator"] / second_counts["denominator"]
        - first_counts["numerator"] / first_counts["denominator"]
    )
    assert province["value_change"].iloc[1] == pytest.approx(expected)
    averaged = second["value_change"].mean()
    assert not np.isclose(province["value_change"].iloc[1], averaged)


def test_every_value_is_its_own_ratio(halves: chitieu.report.Report) -> None:
    t = trend(halves, "special_circumstances", level="district")
    mult = get_indicator("special_circumstances").multiplier
    np.testing.assert_allclose(t["value"], t["numerator"] / t["denominator"] * mult)


def test_a_period_without_data_is_missing_not_zero() -> None:
    rep = chitieu.report(tiny_submission(), period=["2023", "2024"], indicators=["injury_events"])
    assert set(rep.skipped["period"]) == {"2023"}
    t = trend(rep, "injury_events")
    first = t.loc[t["period"] == "2023"]
    later = t.loc[t["period"] == "2024"]
    assert len(first) == 2 and first["numerator"].isna().all() and first["value"].isna().all()
    assert first["reason"].str.contains("cover").all()
    assert (later["reason"] == "").all() and later["numerator"].notna().all()
    # The change out of a period without data is unknown, not the 2024 count itself.
    assert later["numerator_change"].isna().all() and later["value_change"].isna().all()


def test_a_unit_absent_from_one_period_is_missing() -> None:
    sub = tiny_submission()
    first = chitieu.report(sub, period="2024-H1", indicators=["injury_events"])
    second = chitieu.report(sub, period="2024-H2", indicators=["injury_events"])
    keep = (first.table["unit_code"] == "00001").to_numpy(dtype=bool)
    first = replace(first, table=first.table.loc[keep].reset_index(drop=True))
    t = trend([first, second], "injury_events")
    gone = t.loc[(t["unit_code"] == "00002") & (t["period"] == "2024-H1")]
    assert len(gone) == 1 and np.isnan(gone["numerator"].iloc[0])
    assert "no row for this unit" in gone["reason"].iloc[0]
    after = t.loc[(t["unit_code"] == "00002") & (t["period"] == "2024-H2")]
    assert after["numerator"].iloc[0] == 1.0 and np.isnan(after["numerator_change"].iloc[0])


def test_a_zero_denominator_leaves_the_value_change_missing(
    halves: chitieu.report.Report,
) -> None:
    table = halves.table.copy()
    row = (
        (table["indicator_id"] == "special_circumstances")
        & (table["breakdown"] == "total")
        & (table["unit_code"] == "00002")
        & (table["period"] == "2024-H1")
    ).to_numpy(dtype=bool)
    assert row.sum() == 1
    table.loc[row, ["numerator", "denominator", "value"]] = [0.0, 0.0, np.nan]
    t = trend(replace(halves, table=table), "special_circumstances")
    second = t.loc[(t["unit_code"] == "00002") & (t["period"] == "2024-H2")].iloc[0]
    assert np.isnan(second["value_change"])
    assert second["numerator_change"] == second["numerator"]  # the counts still change


def test_suppressed_counts_give_no_change(halves: chitieu.report.Report) -> None:
    published = halves.suppress(k=3)
    t = trend(published, "injury_events")
    hidden = t["flags"].str.contains("suppressed")
    assert hidden.any()
    assert t.loc[hidden, "numerator"].isna().all()
    # No change is computed into or out of a hidden count.
    later = t.loc[t["period"] == "2024-H2"]
    for unit in later["unit_code"]:
        pair = t.loc[t["unit_code"] == unit]
        if pair["flags"].str.contains("suppressed").any():
            assert pair["numerator_change"].isna().all()


def test_periods_are_laid_out_in_order_of_time() -> None:
    rep = chitieu.report(
        tiny_submission(), period=["2024-Q3", "2024-Q1"], indicators=["injury_events"]
    )
    t = trend(rep, "injury_events")
    assert t["period"].tolist()[:2] == ["2024-Q1", "2024-Q3"]
    assert t["previous_period"].tolist()[:2] == ["", "2024-Q1"]
    assert t.attrs["notes"] == []


def test_overlapping_periods_are_refused() -> None:
    rep = chitieu.report(
        tiny_submission(), period=["2024", "2024-H2"], indicators=["injury_events"]
    )
    with pytest.raises(TrendError) as caught:
        trend(rep, "injury_events")
    assert caught.value.code == "overlapping-periods"
    assert "2024-H2" in str(caught.value)


def test_periods_of_different_lengths_carry_a_note() -> None:
    rep = chitieu.report(
        tiny_submission(), period=["2024-H1", "2024-Q3"], indicators=["injury_events"]
    )
    assert "not comparable" in trend(rep, "injury_events").attrs["notes"][0]


def test_by_dimension_adds_up_to_the_total(halves: chitieu.report.Report) -> None:
    by_sex = trend(halves, "child_population", by="sex")
    total = trend(halves, "child_population")
    assert "sex" in by_sex.columns and set(by_sex["sex"]) == {"M", "F", "U"}
    summed = by_sex.groupby(["unit_code", "period"], sort=True)["numerator_change"].sum(min_count=1)
    expected = total.set_index(["unit_code", "period"])["numerator_change"].sort_index()
    pd.testing.assert_series_equal(summed, expected, check_names=False)


def test_errors_name_what_is_wrong(halves: chitieu.report.Report) -> None:
    with pytest.raises(ValueError, match=r"has no dimension .place.; dimensions: group, sex"):
        trend(halves, "special_circumstances", by="place")
    with pytest.raises(UnknownIndicatorError, match="not in this report"):
        trend(halves, "injury_rate")
    no_data = chitieu.report(tiny_submission(), period="2023", indicators=["injury_events"])
    with pytest.raises(DataNotAvailableError, match="no data in any period"):
        trend(no_data, "injury_events")
    with pytest.raises(ValueError, match="cannot roll"):
        trend(halves.rollup("province"), "injury_events", level="commune")


def test_trend_does_not_change_the_report(halves: chitieu.report.Report) -> None:
    before = halves.table.copy()
    trend(halves, "special_circumstances", level="province")
    pd.testing.assert_frame_equal(halves.table, before)


def test_report_trend_is_the_function(halves: chitieu.report.Report) -> None:
    pd.testing.assert_frame_equal(
        halves.trend("injury_events", by="sex"), trend(halves, "injury_events", by="sex")
    )


def test_stack_of_period_reports_equals_one_report_over_the_periods() -> None:
    sub = tiny_submission()
    ids = ["special_circumstances", "injury_events"]
    whole = chitieu.report(sub, period=HALVES, indicators=ids)
    parts = [chitieu.report(sub, period=p, indicators=ids) for p in reversed(HALVES)]
    stacked = stack(parts)
    assert [p.label for p in stacked.periods] == HALVES
    pd.testing.assert_frame_equal(stacked.table, whole.table)
    assert stacked.rollup("province").table.equals(whole.rollup("province").table)
    assert len(stacked.input_hash) == 64


def test_stack_keeps_what_each_period_was_skipped_for() -> None:
    sub = tiny_submission()
    parts = [
        chitieu.report(sub, period="2023", indicators=["injury_events"]),
        chitieu.report(sub, period="2024", indicators=["injury_events"]),
    ]
    stacked = stack(parts)
    assert stacked.skipped["period"].tolist() == ["2023"]
    assert any(note.startswith("2023: ") for note in stacked.notes)


def test_stack_refuses_reports_that_do_not_fit() -> None:
    sub = tiny_submission()
    a = chitieu.report(sub, period="2024-H1", indicators=["injury_events"])
    b = chitieu.report(sub, period="2024-H2", indicators=["injury_events"], level="province")
    with pytest.raises(TrendError) as caught:
        stack([a, b])
    assert caught.value.code == "mismatched-reports"
    with pytest.raises(TrendError) as caught:
        stack([a, a])
    assert caught.value.code == "overlapping-periods"
    with pytest.raises(TrendError):
        stack([])


def test_one_submission_over_two_years_gives_each_years_own_counts() -> None:
    sub = tiny_submission()
    units = sub.units.copy()
    communes = (units["level"] == "COMMUNE").to_numpy(dtype=bool)
    units.loc[communes, "records_from"] = pd.Timestamp("2023-01-01")
    sub = sub.replace(units=units)
    rep = chitieu.report(sub, period=["2023", "2024"], indicators=["child_population"])
    assert rep.skipped.empty
    t = rep.trend("child_population")
    assert (t["reason"] == "").all() and t["numerator"].notna().all()
    for year in ("2023", "2024"):
        own = chitieu.compute("child_population", sub, period=year, by=("commune",))
        mine = t.loc[t["period"] == year].set_index("unit_code")["numerator"]
        assert mine.to_dict() == own.set_index("unit_code")["numerator"].astype(float).to_dict()
    changes = t.loc[t["period"] == "2024"].set_index("unit_code")["numerator_change"]
    by_year = t.pivot(index="unit_code", columns="period", values="numerator")
    assert changes.to_dict() == (by_year["2024"] - by_year["2023"]).to_dict()


def test_a_parent_whose_units_differ_between_periods_gets_no_change() -> None:
    sub = tiny_submission()
    first = chitieu.report(sub, period="2024-H1", indicators=["injury_events"])
    second = chitieu.report(sub, period="2024-H2", indicators=["injury_events"])
    keep = (first.table["unit_code"] == "00001").to_numpy(dtype=bool)
    first = replace(first, table=first.table.loc[keep].reset_index(drop=True))
    t = trend([first, second], "injury_events", level="province")
    later = t.loc[t["period"] == "2024-H2"].iloc[0]
    # The province's H1 sum lacks commune 00002: a change from it would count 00002 as 0.
    assert later["numerator"] == 2.0 and np.isnan(later["numerator_change"])
    assert np.isnan(later["value_change"])
    assert "differ between 2024-H1 (1) and 2024-H2 (2)" in later["reason"]
    # With the same communes in both periods the province's change is there.
    whole = trend(
        [chitieu.report(sub, period=p, indicators=["injury_events"]) for p in HALVES],
        "injury_events",
        level="province",
    )
    assert whole["numerator_change"].iloc[1] == 1.0 and whole["reason"].eq("").all()
