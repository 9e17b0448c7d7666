"""Plan targets: evaluation against computed indicators."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import chitieu
from chitieu import synth
from chitieu.plans import THANG_2024, Plan, Target, evaluate


@pytest.fixture(scope="module")
def sub() -> chitieu.Submission:
    return synth.generate(n_children=4500, seed=1, year=2024)


def test_thang_plan_has_the_targets_of_section_ii() -> None:
    ids = [t.indicator_id for t in THANG_2024.targets]
    assert ids[:4] == ["special_circumstances", "special_circumstances_supported", "injury_rate",
                       "injury_death_rate"]
    registry = set(chitieu.list_indicators()["id"])
    assert set(ids) <= registry


def test_evaluate_matches_compute_and_compares(sub: chitieu.Submission) -> None:
    result = evaluate(THANG_2024, sub, period="2024").set_index("indicator_id")
    direct = chitieu.compute("special_circumstances", sub, period="2024").iloc[0]
    row = result.loc["special_circumstances"]
    assert row["numerator"] == direct["numerator"] and row["denominator"] == direct["denominator"]
    assert row["met"] == (direct["value"] < 2.0)
    for _, r in result.iterrows():
        if not math.isnan(r["value"]):
            assert not pd.isna(r["met"])


def test_implausible_target_is_noted(sub: chitieu.Submission) -> None:
    result = evaluate(THANG_2024, sub, period="2024").set_index("indicator_id")
    assert "12.5 times" in result.loc["injury_death_rate", "note"]
    assert result.loc["injury_rate", "note"] == ""


def test_target_on_an_external_indicator_is_not_computable(sub: chitieu.Submission) -> None:
    plan = Plan("kế hoạch", "plan", 2024, (Target("full_immunisation_under1", ">=", 97.0, "tiêm chủng", "immunisation"),))
    row = evaluate(plan, sub).iloc[0]
    assert pd.isna(row["met"]) and math.isnan(row["value"])
    assert "not computable" in row["note"]


def test_one_commune_of_several() -> None:
    big = synth.generate(n_children=9000, n_communes=2, seed=3)
    code = big.units.loc[big.units["level"] == "COMMUNE", "unit_code"].iloc[1]
    plan = Plan("x", "x", 2024, (Target("child_population", ">", 0, "trẻ em", "children"),))
    row = evaluate(plan, big, unit_code=code).iloc[0]
    by_commune = chitieu.compute("child_population", big, period="2024", by=("commune",))
    expected = by_commune.loc[by_commune["unit_code"] == code, "value"].item()
    total = chitieu.compute("child_population", big, period="2024")["value"].item()
    assert row["value"] == expected and 0 < expected < total


def test_bad_operator_is_rejected() -> None:
    with pytest.raises(ValueError, match="op must be"):
        Target("injury_rate", "=<", 3.0, "x", "x")  # type: ignore[arg-type]
