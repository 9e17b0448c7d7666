"""Plan targets: the plan's unit and period, evaluation against computed indicators.

The plan file format, its errors and its JSON Schema are tested in
``test_plans_format.py``; the HTML view and the workbook's plan sheet in
``test_plans_view.py``.
"""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import pandas as pd
import pytest

import chitieu
from chitieu import plans, synth
from chitieu.errors import ChitieuError, DataNotAvailableError
from chitieu.plans import (
    PLANS,
    THANG_2024,
    InvalidPlanError,
    Plan,
    PlanMismatchError,
    Target,
    UnknownPlanError,
    evaluate,
    get_plan,
    load_plan,
    read_plan,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "thi-tran-thang-2024"
EXAMPLE_PLAN_FILE = EXAMPLE.parent / "plans" / "thi-tran-thang-2024.yaml"


def in_thang(sub: chitieu.Submission) -> chitieu.Submission:
    return synth.place_in_unit(
        sub, THANG_2024.unit_code, division_version=THANG_2024.division_version
    )


@pytest.fixture(scope="module")
def sub() -> chitieu.Submission:
    """One synthetic commune made under the plan's commune code."""
    return in_thang(synth.generate(n_children=4500, seed=1, year=2024))


def one_target_plan(
    indicator_id: str,
    op: str = ">",
    value: float | None = 0.0,
    *,
    period: str = "2024",
    target_unit: str = "",
    **unit: str,
) -> Plan:
    return Plan(
        "kế hoạch",
        "plan",
        period,
        (Target(indicator_id, op, value, "chỉ tiêu", "target", unit=target_unit),),  # type: ignore[arg-type]
        unit_code=unit.get("unit_code", THANG_2024.unit_code),
        division_version=unit.get("division_version", "2008"),
    )


# -- the plan: unit, period, names ---------------------------------------------------
SECTION_II = [
    ("3.1", "special_circumstances", "<", 2.0, "percent"),
    ("3.1", "special_circumstances_supported", ">=", 96.0, "percent"),
    ("3.1", "officials_trained_percent", ">=", 100.0, "percent"),
    ("3.1", "families_informed_percent", ">=", 85.0, "percent"),
    ("4.1", "injury_rate", "<", 3.0, "per_1000"),
    ("4.1", "injury_death_rate", "<", 2.0, "per_1000"),
    ("4.1", "drowning_deaths", "decrease", None, "count"),
    ("5.1", "child_friendly_communes", ">=", 100.0, "percent"),
    ("6.1", "new_hiv_infections_children", "==", 0.0, "count"),
    ("7.1", "ecd_services_reached_percent", ">=", 80.0, "percent"),
    ("7.1", "caregivers_ecd_informed_percent", ">", 75.0, "percent"),
    ("8.1", "disabled_children_services_percent", ">=", 85.0, "percent"),
    ("8.1", "disabled_children_integration_percent", ">=", 60.0, "percent"),
    ("8.1", "parents_disabled_children_supported_percent", ">=", 70.0, "percent"),
    ("9.1", "policies_consulted_percent", ">=", 100.0, "percent"),
    ("9.1", "consulted_children", ">=", 20.0, "percent"),
    ("10.1", "child_labour_supported_percent", ">=", 100.0, "percent"),
    ("10.1", "parents_child_labour_informed_percent", ">=", 75.0, "percent"),
]


def test_thang_plan_has_every_measurable_target_of_section_ii() -> None:
    found = [(t.section, t.indicator_id, t.op, t.value, t.unit) for t in THANG_2024.targets]
    assert found == SECTION_II
    registry = set(chitieu.list_indicators()["id"])
    assert {t.indicator_id for t in THANG_2024.targets} <= registry
    seed = Path("/work/shared/seed/ke-hoach-cong-tac-tre-em-2024-thi-tran-thang.txt")
    for target in THANG_2024.targets:
        assert target.text_vi and target.text_en
        if seed.is_file():  # the plan's own words, as written in the seed plan
            words = " ".join(seed.read_text(encoding="utf-8").split()).casefold()
            assert target.text_vi.rstrip(".").casefold() in words, target.text_vi


def test_the_shipped_plan_has_who_set_it() -> None:
    assert THANG_2024.issuer == "Ủy ban nhân dân thị trấn Thắng"
    assert THANG_2024.document_date == "2024-02"
    assert THANG_2024.key == "thi-tran-thang-2024"
    assert THANG_2024.needs_previous


def test_thang_plan_is_for_the_town_in_the_2008_division_and_the_year_2024() -> None:
    example_units = chitieu.read_submission(EXAMPLE).units
    town = example_units.loc[example_units["level"] == "COMMUNE"].iloc[0]
    assert (THANG_2024.unit_code, THANG_2024.division_version) == (
        town["unit_code"],
        town["division_version"],
    )
    assert town["name"] == THANG_2024.unit_name == "Thị trấn Thắng"
    assert THANG_2024.district_code == town["district_code"] == "222"
    assert THANG_2024.period == chitieu.periods.parse_period("2024")
    assert THANG_2024.year == 2024


def test_plans_are_found_by_short_name() -> None:
    assert get_plan("thi-tran-thang-2024") is THANG_2024
    assert PLANS["thi-tran-thang-2024"] is THANG_2024
    assert load_plan("thi-tran-thang-2024") is THANG_2024
    assert plans.EXAMPLE_PLAN is THANG_2024
    assert load_plan(EXAMPLE_PLAN_FILE) == THANG_2024
    assert chitieu.Plan.from_yaml(EXAMPLE_PLAN_FILE) == THANG_2024


def test_an_unknown_plan_name_names_the_known_plans() -> None:
    with pytest.raises(UnknownPlanError, match="known plans: thi-tran-thang-2024") as info:
        get_plan("thang")
    assert isinstance(info.value, ChitieuError) and isinstance(info.value, ValueError)
    assert info.value.code == "unknown-plan"
    with pytest.raises(UnknownPlanError, match="no such file"):
        load_plan("no-such-plan.yaml")


def test_a_plan_needs_its_unit() -> None:
    with pytest.raises(InvalidPlanError, match="unit_code"):
        Plan("x", "x", "2024", (), unit_code="", division_version="2008")
    with pytest.raises(InvalidPlanError, match="division_version"):
        Plan("x", "x", "2024", (), unit_code="07840", division_version="2030")


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".toml"])
def test_a_plan_file_is_read(tmp_path: Path, suffix: str) -> None:
    content = {
        "name_vi": "Kế hoạch 2024 của xã",
        "name_en": "Commune plan 2024",
        "period": "2024",
        "unit_code": "07840",
        "division_version": "2008",
        "targets": [{"indicator": "injury_rate", "op": "<", "value": 2.5}],
    }
    path = tmp_path / f"ke-hoach{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    elif suffix == ".yaml":
        import yaml

        path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    else:
        lines = [f'{k} = "{v}"' for k, v in content.items() if k != "targets"]
        lines += ["[[targets]]", 'indicator = "injury_rate"', 'op = "<"', "value = 2.5"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = load_plan(str(path))
    assert plan == read_plan(path)
    assert plan.unit_code == "07840" and plan.period.label == "2024"
    assert [(t.indicator_id, t.op, t.value) for t in plan.targets] == [("injury_rate", "<", 2.5)]


def test_a_plan_file_with_an_unknown_indicator_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "name_vi": "x",
                "period": "2024",
                "unit_code": "07840",
                "division_version": "2008",
                "targets": [{"indicator": "injury_rat", "op": "<", "value": 3}],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidPlanError, match="target 1") as info:
        read_plan(path)
    assert info.value.code == "unknown-indicator"
    assert "closest: injury_rate" in str(info.value)


def test_a_unit_code_written_as_a_number_is_refused() -> None:
    content = {
        "name_vi": "x",
        "period": 2024,
        "unit_code": 7840,
        "division_version": 2008,
        "targets": [{"indicator": "injury_rate", "op": "<", "value": 3}],
    }
    with pytest.raises(InvalidPlanError, match="leading zeros"):
        plans.plan_from_dict(content)
    plan = plans.plan_from_dict({**content, "unit_code": "07840"})
    assert (plan.unit_code, plan.division_version) == ("07840", "2008")


# -- the period ------------------------------------------------------------------------
@pytest.mark.parametrize("period", ["2024-Q3", "2024-H1", "2024-07"])
def test_a_part_of_the_year_is_refused(sub: chitieu.Submission, period: str) -> None:
    with pytest.raises(PlanMismatchError, match="part of the period") as info:
        evaluate(THANG_2024, sub, period=period)
    assert info.value.code == "plan-mismatch"
    assert isinstance(info.value, ChitieuError) and isinstance(info.value, ValueError)


def test_another_year_is_refused(sub: chitieu.Submission) -> None:
    with pytest.raises(PlanMismatchError, match="is for 2024, not for 2023"):
        evaluate(THANG_2024, sub, period="2023")


def test_the_plan_period_written_as_a_range_is_accepted(sub: chitieu.Submission) -> None:
    by_year = evaluate(THANG_2024, sub)
    by_range = evaluate(THANG_2024, sub, period="2024-01-01..2024-12-31")
    assert by_year["value"].tolist() == pytest.approx(by_range["value"].tolist(), nan_ok=True)


# -- evaluation ----------------------------------------------------------------------
def test_evaluate_matches_compute_and_compares(sub: chitieu.Submission) -> None:
    result = evaluate(THANG_2024, sub, period="2024").set_index("indicator_id")
    direct = chitieu.compute("special_circumstances", sub, period="2024").iloc[0]
    row = result.loc["special_circumstances"]
    assert row["numerator"] == direct["numerator"] and row["denominator"] == direct["denominator"]
    assert row["met"] == (direct["value"] < 2.0)
    assert row["status"] == ("met" if direct["value"] < 2.0 else "not met")
    for _, r in result.iterrows():
        assert r["unit_code"] == "07840" and r["period"] == "2024"
        if math.isnan(r["value"]) or r["status"] == "no data":
            assert r["status"] == "no data" and pd.isna(r["met"]) and r["reason"]
            assert math.isnan(r["gap"])
        else:
            assert r["status"] in ("met", "not met") and r["met"] == (r["status"] == "met")
            assert r["gap"] == pytest.approx(r["value"] - r["target"])


def test_the_example_commune_is_evaluated() -> None:
    example = chitieu.read_submission(EXAMPLE)
    result = evaluate(THANG_2024, example).set_index("indicator_id")
    direct = chitieu.compute("injury_rate", example, period="2024").iloc[0]
    assert result.loc["injury_rate", "value"] == pytest.approx(direct["value"])
    assert len(result) == len(SECTION_II)
    from_records = [
        "special_circumstances", "special_circumstances_supported", "injury_rate",
        "injury_death_rate", "consulted_children", "child_friendly_communes",
    ]  # fmt: skip
    assert set(result.loc[from_records, "status"]) <= {"met", "not met"}
    no_data = result.loc[result["status"] == "no data"]
    assert (no_data["reason"] != "").all() and no_data["met"].isna().all()
    drowning = result.loc["drowning_deaths"]
    assert drowning["previous_period"] == "2023"
    try:
        before = chitieu.compute("drowning_deaths", example, period="2023")["value"].item()
    except DataNotAvailableError:  # the example covers 2024 only: nothing to compare with
        assert drowning["reason"].startswith("the previous period is not covered")
    else:
        assert drowning["previous_value"] == before == drowning["target"]
        assert drowning["status"] in ("met", "not met")
    assert result.attrs["notes"] == []


def test_implausible_target_is_noted(sub: chitieu.Submission) -> None:
    result = evaluate(THANG_2024, sub, period="2024").set_index("indicator_id")
    assert "12.5 times" in result.loc["injury_death_rate", "note"]
    assert "12,5" not in result.loc["injury_death_rate", "note"]
    # Vietnamese notes use Vietnamese number formats
    assert "gấp 12,5 lần" in result.loc["injury_death_rate", "note_vi"]
    assert "(2,00/1.000 trẻ em)" in result.loc["injury_death_rate", "note_vi"]
    assert result.loc["injury_rate", "note"] == ""


def test_target_on_an_external_indicator_has_no_data(sub: chitieu.Submission) -> None:
    row = evaluate(one_target_plan("full_immunisation_under1", ">=", 97.0), sub).iloc[0]
    assert pd.isna(row["met"]) and math.isnan(row["value"])
    assert row["status"] == "no data" and row["status_vi"] == "không có số liệu"
    assert "not computable" in row["reason"]


def test_an_indicator_without_data_is_no_data_never_met(
    sub: chitieu.Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A target whose indicator raises DataNotAvailableError is "no data", with the reason."""
    from chitieu.compute import Context

    real = Context.compute

    def no_injury_data(self: Context, indicator_id: str, **kwargs: object) -> pd.DataFrame:
        if indicator_id == "injury_rate":
            raise DataNotAvailableError("the injuries table covers no day of 2024")
        return real(self, indicator_id, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Context, "compute", no_injury_data)
    row = evaluate(one_target_plan("injury_rate", "<", 3.0), sub).iloc[0]
    assert row["status"] == "no data" and pd.isna(row["met"])
    assert "covers no day of 2024" in row["reason"]


def test_an_empty_injuries_table_is_no_data_or_a_value_never_a_default_met(
    sub: chitieu.Submission,
) -> None:
    """Without injury records the rate is either computed as 0 or refused, never invented."""
    empty = sub.replace(injuries=sub.injuries.iloc[0:0])
    row = evaluate(one_target_plan("injury_rate", "<", 3.0), empty).iloc[0]
    if row["status"] == "no data":
        assert row["reason"]
    else:
        assert row["value"] == 0.0 and row["numerator"] == 0.0


def test_a_zero_denominator_is_no_data(sub: chitieu.Submission) -> None:
    """A commune with no child on the register: rates have a zero denominator."""
    nobody = sub.replace(
        children=sub.children.iloc[0:0],
        circumstances=sub.circumstances.iloc[0:0],
        supports=sub.supports.iloc[0:0],
        consultations=sub.consultations.iloc[0:0],
        injuries=sub.injuries.iloc[0:0],
    )
    result = evaluate(THANG_2024, nobody, validation="skip").set_index("indicator_id")
    for indicator_id in ("special_circumstances", "injury_rate", "consulted_children"):
        row = result.loc[indicator_id]
        assert row["status"] == "no data", indicator_id
        assert pd.isna(row["met"])
        assert row["reason"] != ""


def test_only_the_plans_commune_of_several_is_evaluated() -> None:
    big = synth.generate(n_children=9000, n_communes=2, seed=3)
    code = big.units.loc[big.units["level"] == "COMMUNE", "unit_code"].iloc[1]
    plan = one_target_plan("child_population", unit_code=code)
    result = evaluate(plan, big)
    row = result.iloc[0]
    by_commune = chitieu.compute("child_population", big, period="2024", by=("commune",))
    expected = by_commune.loc[by_commune["unit_code"] == code, "value"].item()
    total = chitieu.compute("child_population", big, period="2024")["value"].item()
    assert row["value"] == expected and 0 < expected < total
    assert row["unit_code"] == code
    assert any("only" in n and "1 other commune" in n for n in result.attrs["notes"])
    assert any("1 xã khác" in n for n in result.attrs["notes_vi"])


def test_data_without_the_plans_commune_are_no_data_with_the_reason() -> None:
    other = synth.generate(n_children=600, seed=4)  # a synthetic commune under another code
    result = evaluate(THANG_2024, other)
    assert (result["status"] == "no data").all()
    assert result["met"].isna().all()
    assert result["value"].isna().all()
    assert all("no record of Thị trấn Thắng (code 07840" in r for r in result["reason"])
    assert all("không có bản ghi nào" in r for r in result["reason_vi"])
    assert result.attrs["notes"] == [result["reason"].iloc[0]]


def test_another_division_version_is_another_unit(sub: chitieu.Submission) -> None:
    plan = one_target_plan("child_population", division_version="2025")
    row = evaluate(plan, sub).iloc[0]
    assert row["status"] == "no data"
    assert "2025 division" in row["reason"]


def test_evaluate_on_a_report_equals_evaluate_on_the_submission(sub: chitieu.Submission) -> None:
    rep = chitieu.report(sub, period=["2023", "2024"])
    on_report = evaluate(THANG_2024, rep)
    on_sub = evaluate(THANG_2024, sub)
    pd.testing.assert_frame_equal(on_report, on_sub)


def test_a_report_without_the_previous_period_says_so(sub: chitieu.Submission) -> None:
    rep = chitieu.report(sub, period="2024", indicators=["drowning_deaths", "injury_rate"])
    plan = one_target_plan("drowning_deaths", "decrease", None)
    row = evaluate(plan, rep).iloc[0]
    assert row["status"] == "no data" and pd.isna(row["met"])
    assert row["reason"].startswith("the previous period is not covered")
    assert row["previous_period"] == "2023"
    assert row["value"] == chitieu.compute("drowning_deaths", sub, period="2024")["value"].item()


def test_a_report_of_another_period_or_level_is_refused(sub: chitieu.Submission) -> None:
    quarter = chitieu.report(sub, period="2024-Q4", indicators=["child_population"])
    with pytest.raises(PlanMismatchError, match="report is for 2024-Q4"):
        evaluate(THANG_2024, quarter)
    district = chitieu.report(sub, period="2024", level="district", indicators=["injury_rate"])
    with pytest.raises(PlanMismatchError, match="district level"):
        evaluate(THANG_2024, district)


def test_validation_is_passed_on_to_the_report(
    sub: chitieu.Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chitieu.report as report_module

    seen: dict[str, object] = {}
    real = report_module.report

    def spy(data: chitieu.Submission, *, validation: str = "drop", **kwargs: object) -> object:
        seen["validation"] = validation
        return real(data, validation=validation, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(report_module, "report", spy)
    evaluate(one_target_plan("child_population"), sub, validation="skip")
    assert seen["validation"] == "skip"
    assert "validation" in inspect.signature(evaluate).parameters
    with pytest.raises(ValueError, match="validation must be one of"):
        evaluate(one_target_plan("child_population"), sub, validation="ignore")


def test_attainment_notes_say_each_target_and_the_unit(sub: chitieu.Submission) -> None:
    result = evaluate(THANG_2024, sub)
    lines = plans.attainment_notes(THANG_2024, result, lang="en")
    assert lines[0].startswith("Plan: 2024 child-affairs plan") and "07840" in lines[0]
    assert len(lines) == 1 + len(THANG_2024.targets)
    for line, status in zip(lines[1:], result["status"], strict=True):
        assert line.endswith(status) or f"{status} (" in line
    vi = plans.attainment_notes(THANG_2024, result, lang="vi")
    assert vi[0].startswith("Kế hoạch:") and "đạt" in " ".join(vi[1:])


def test_bad_operator_is_rejected() -> None:
    with pytest.raises(ValueError, match="op must be"):
        Target("injury_rate", "=<", 3.0, "x", "x")  # type: ignore[arg-type]


# -- units and conversion --------------------------------------------------------------
def test_a_rate_target_per_100000_is_compared_in_its_own_unit(sub: chitieu.Submission) -> None:
    direct = chitieu.compute("injury_rate", sub, period="2024").iloc[0]
    per_100000 = direct["value"] * 100
    low = one_target_plan("injury_rate", "<", per_100000 - 1, target_unit="per_100000")
    high = one_target_plan("injury_rate", "<", per_100000 + 1, target_unit="per_100000")
    row_low, row_high = evaluate(low, sub).iloc[0], evaluate(high, sub).iloc[0]
    assert row_low["unit"] == "per_100000"
    assert row_low["value"] == pytest.approx(per_100000)
    assert (row_low["numerator"], row_low["denominator"]) == (
        direct["numerator"],
        direct["denominator"],
    )
    assert row_low["status"] == "not met" and row_high["status"] == "met"
    assert row_low["gap"] == pytest.approx(1.0) and row_high["gap"] == pytest.approx(-1.0)


def test_a_rate_target_per_1000_keeps_the_indicators_value(sub: chitieu.Submission) -> None:
    direct = chitieu.compute("injury_rate", sub, period="2024")["value"].item()
    row = evaluate(one_target_plan("injury_rate", "<", 3.0, target_unit="per_1000"), sub).iloc[0]
    assert row["value"] == pytest.approx(direct)
    assert row["gap"] == pytest.approx(direct - 3.0)


def test_convert_between_rates() -> None:
    assert plans.convert(3.0, 1000, "rate_per_1000", "per_100000") == pytest.approx(300.0)
    assert plans.convert(550.0, 100_000, "rate_per_1000", "per_1000") == pytest.approx(5.5)
    assert plans.convert(12.0, 100, "percent", "percent") == pytest.approx(12.0)
    assert plans.convert(4.0, 1, "count", "count") == 4.0


def test_a_count_target_compares_the_count(sub: chitieu.Submission) -> None:
    direct = chitieu.compute("injury_events", sub, period="2024")["value"].item()
    row = evaluate(one_target_plan("injury_events", "==", direct, target_unit="count"), sub)
    assert row.iloc[0]["status"] == "met" and row.iloc[0]["gap"] == 0.0
    row = evaluate(one_target_plan("injury_events", "<=", direct - 1, target_unit="count"), sub)
    assert row.iloc[0]["status"] == "not met" and row.iloc[0]["gap"] == 1.0


# -- against the previous period ----------------------------------------------------------
@pytest.mark.parametrize("op", ["decrease", "no_increase"])
def test_a_target_against_the_previous_period_uses_it_when_covered(
    sub: chitieu.Submission, op: str
) -> None:
    """A plan for 2024-H2 compares with 2024-H1, which the data cover."""
    plan = one_target_plan("injury_events", op, None, period="2024-H2")
    row = evaluate(plan, sub, period="2024-H2").iloc[0]
    first = chitieu.compute("injury_events", sub, period="2024-H1")["value"].item()
    second = chitieu.compute("injury_events", sub, period="2024-H2")["value"].item()
    assert row["previous_period"] == "2024-H1"
    assert row["previous_value"] == first and row["value"] == second
    assert row["target"] == first and row["gap"] == second - first
    expected = second < first if op == "decrease" else second <= first
    assert row["status"] == ("met" if expected else "not met")
    assert bool(row["met"]) is expected


def test_a_target_against_a_previous_period_not_covered_is_no_data(
    sub: chitieu.Submission,
) -> None:
    row = evaluate(one_target_plan("drowning_deaths", "decrease", None), sub).iloc[0]
    assert row["status"] == "no data" and pd.isna(row["met"])
    assert row["reason"].startswith("the previous period is not covered (2023)")
    assert row["reason_vi"].startswith("kỳ trước chưa có số liệu")
    assert row["value"] == chitieu.compute("drowning_deaths", sub, period="2024")["value"].item()


def test_a_decrease_from_zero_to_zero_is_met() -> None:
    target = Target("drowning_deaths", "decrease", text_vi="giảm")
    assert target.is_met(0.0, 0.0)
    assert not target.is_met(1.0, 1.0) and target.is_met(0.0, 1.0)
    assert not target.is_met(2.0, 1.0)
    assert Target("drowning_deaths", "no_increase").is_met(1.0, 1.0)


def test_a_trend_target_takes_no_threshold_and_a_comparison_needs_one() -> None:
    with pytest.raises(ValueError, match="no threshold"):
        Target("drowning_deaths", "decrease", 0.0)
    with pytest.raises(ValueError, match="needs a threshold"):
        Target("injury_rate", "<")


@pytest.mark.parametrize(
    ("period", "previous"),
    [("2024", "2023"), ("2024-H1", "2023-H2"), ("2024-H2", "2024-H1"), ("2024-Q1", "2023-Q4"),
     ("2024-03", "2024-02"), ("2024-01-01..2024-01-10", "2023-12-22..2023-12-31")],
)  # fmt: skip
def test_previous_period(period: str, previous: str) -> None:
    before = plans.previous_period(chitieu.periods.parse_period(period))
    assert before.label == previous
    now = chitieu.periods.parse_period(period)
    assert (now.start - before.end).days == 1
    assert (before.end - before.start) <= (now.end - now.start) + pd.Timedelta(days=3)


# -- Plan.evaluate ---------------------------------------------------------------------------
def test_plan_evaluate_gives_the_attainment_table_with_a_view(sub: chitieu.Submission) -> None:
    attainment = THANG_2024.evaluate(sub)
    assert isinstance(attainment, plans.Attainment)
    pd.testing.assert_frame_equal(attainment.table, evaluate(THANG_2024, sub))
    assert list(attainment.table.columns) == list(plans.ATTAINMENT_COLUMNS)
    counts = attainment.counts()
    assert sum(counts.values()) == len(THANG_2024.targets) == len(attainment)
    assert counts["met"] == int((attainment.table["status"] == "met").sum())
    assert "targets=18" in repr(attainment)


def test_a_target_keeps_its_note(sub: chitieu.Submission) -> None:
    result = evaluate(THANG_2024, sub).set_index("indicator_id")
    assert "20% or more" in result.loc["consulted_children", "note"]
    assert "từ 20% trở lên" in result.loc["consulted_children", "note_vi"]
