"""A plan over several years: each target's figure and whether it moved the right way."""

from __future__ import annotations

import math

import pytest

import chitieu
from chitieu import synth
from chitieu.plans import PlanMismatchError, better_direction, get_plan, progress
from chitieu.plans._model import convert, indicator_unit
from chitieu.plans._progress import _moved


@pytest.fixture(scope="module")
def two_years() -> chitieu.Submission:
    sub = synth.generate(1500, seed=11, years=2)
    return synth.place_in_unit(sub, "07840", division_version="2008")


@pytest.mark.parametrize(
    ("better", "before", "now", "threshold", "moved"),
    [
        ("lower", 3.0, 2.0, 3.0, "right way"),
        ("lower", 2.0, 3.0, 3.0, "wrong way"),
        ("higher", 90.0, 96.0, 96.0, "right way"),
        ("higher", 96.0, 90.0, 96.0, "wrong way"),
        ("higher", 96.0, 96.0, 96.0, "no change"),
        ("closer", 90.0, 100.0, 100.0, "right way"),
        ("closer", 100.0, 90.0, 100.0, "wrong way"),
        ("lower", math.nan, 2.0, 3.0, "no data"),
        ("lower", 2.0, math.nan, 3.0, "no data"),
    ],
)
def test_moved(better: str, before: float, now: float, threshold: float, moved: str) -> None:
    assert _moved(better, before, now, threshold) == moved


def test_better_direction_follows_the_comparison() -> None:
    assert better_direction("<=") == "lower" and better_direction(">") == "higher"
    assert better_direction("decrease") == "lower"


def test_each_year_is_its_own_ratio_and_the_move_follows_the_target(
    two_years: chitieu.Submission,
) -> None:
    plan = get_plan("thi-tran-thang-2024")
    table = progress(plan, two_years)
    assert table["period"].tolist() == ["2023", "2024"] * len(plan.targets)
    for target in plan.targets[:6]:
        rows = table.loc[table["indicator_id"] == target.indicator_id]
        meta = chitieu.get_indicator(target.indicator_id)
        unit = target.unit or indicator_unit(meta.kind)
        values = []
        for period in ("2023", "2024"):
            got = chitieu.compute(target.indicator_id, two_years, period=period).iloc[0]
            row = rows.loc[rows["period"] == period].iloc[0]
            assert row["numerator"] == got["numerator"]
            expected = convert(float(got["value"]), meta.multiplier, meta.kind, unit)
            assert row["value"] == pytest.approx(expected)
            values.append(expected)
        last = rows.iloc[1]
        assert last["change"] == pytest.approx(values[1] - values[0])
        assert last["moved"] == _moved(last["better"], values[0], values[1], last["target"])
        assert rows.iloc[0]["moved"] == ""


def test_a_year_the_data_do_not_cover_is_no_data_and_so_is_the_move() -> None:
    one = synth.place_in_unit(synth.generate(800, seed=5), "07840", division_version="2008")
    plan = get_plan("thi-tran-thang-2024")
    table = progress(plan, one, periods=["2023", "2024"])
    first = table.loc[(table["period"] == "2023") & (table["indicator_id"] == "injury_rate")]
    assert first["value"].isna().all() and first["reason"].str.len().gt(0).all()
    later = table.loc[(table["period"] == "2024") & (table["indicator_id"] == "injury_rate")]
    assert later["moved"].tolist() == ["no data"]
    assert later["value"].notna().all()  # 2024 itself has its figure


def test_periods_must_be_as_long_as_the_plans_and_not_overlap(
    two_years: chitieu.Submission,
) -> None:
    plan = get_plan("thi-tran-thang-2024")
    with pytest.raises(PlanMismatchError, match="not as long"):
        progress(plan, two_years, periods=["2023", "2024-Q1"])
    with pytest.raises(PlanMismatchError, match="overlap"):
        progress(plan, two_years, periods=["2024", "2024"])


def test_plan_progress_is_the_function(two_years: chitieu.Submission) -> None:
    plan = get_plan("thi-tran-thang-2024")
    assert plan.progress(two_years).equals(progress(plan, two_years))
