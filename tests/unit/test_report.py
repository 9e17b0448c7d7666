"""The Report: the tidy table, totals, roll-up, skipped indicators, hash (chitieu.report)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu.compute import compute
from chitieu.errors import DataNotAvailableError, UnknownIndicatorError
from chitieu.indicators import REGISTRY, get_indicator
from chitieu.indicators.examples import make_frame, tiny_submission
from chitieu.report import FLAGS, TOTAL, Report, input_hash, report
from chitieu.schemas import TABLES
from chitieu.submission import Submission
from chitieu.units import UNKNOWN_UNIT, DivisionVersionError

ALL_TABLES = tuple(TABLES)
STANDARD = ["indicator_id", "period", "level", "unit_code", "division_version", "breakdown"]
TAIL = ["multi_response", "numerator", "denominator", "value", "units_missing", "flags"]


def _commune(
    code: str, district: str | None, province: str, version: str = "2008", name: str | None = None
) -> dict[str, Any]:
    return {
        "unit_code": code,
        "division_version": version,
        "name": name or f"Xã {code}",
        "level": "COMMUNE",
        "district_code": district,
        "province_code": province,
        "urban_rural": "RURAL",
        "records_from": "2024-01-01",
        "records_to": "2024-12-31",
    }


def _child(
    cid: str, commune: str | None, version: str = "2008", born: str = "2015-06-01", sex: str = "M"
) -> dict[str, Any]:
    return {
        "child_id": cid,
        "commune_code": commune,
        "division_version": version,
        "birth_date": born,
        "sex": sex,
        "ethnicity": "01",
        "disability": "NONE",
        "birth_registered": True,
    }


def _submission(
    children: list[dict[str, Any]],
    units: list[dict[str, Any]],
    circumstances: list[dict[str, Any]] = (),  # type: ignore[assignment]
    supports: list[dict[str, Any]] = (),
) -> Submission:  # type: ignore[assignment]
    return Submission(
        children=make_frame("children", children),
        circumstances=make_frame("circumstances", list(circumstances)),
        supports=make_frame("supports", list(supports)),
        units=make_frame("units", units),
        tables_present=ALL_TABLES,
    )


def _two_communes() -> Submission:
    """Commune 00001: 1 of 2 children in special circumstances (50%); commune 00002: 1 of 8
    (12.5%). The mean of the two rates is 31.25%, the rate of the sums 2 / 10 = 20%.
    Commune 00003 (another province) has one child and nobody in special circumstances."""
    units = [
        _commune("00001", "001", "01"),
        _commune("00002", "002", "01"),
        _commune("00003", "003", "02"),
    ]
    children = [_child("A1", "00001"), _child("A2", "00001", sex="F")]
    children += [_child(f"B{i}", "00002", sex="F" if i % 2 else "M") for i in range(8)]
    children += [_child("C1", "00003")]
    circumstances = [
        {"child_id": "A1", "group": "HCDB_A", "start_date": "2023-01-01"},
        {"child_id": "B0", "group": "HCDB_A", "start_date": "2023-01-01"},
        {"child_id": "B0", "group": "HCDB_D", "start_date": "2023-01-01"},
    ]
    supports = [{"child_id": "A1", "support_date": "2024-05-01", "support_type": "GIFT"}]
    return _submission(children, units, circumstances, supports)


@pytest.fixture(scope="module")
def tiny_report() -> Report:
    return report(tiny_submission(), period="2024")


# -- the table ----------------------------------------------------------------
def test_table_has_the_standard_columns_in_order(tiny_report: Report) -> None:
    columns = list(tiny_report.table.columns)
    assert columns[:6] == STANDARD
    assert columns[-6:] == TAIL
    dims = columns[6:-6]
    assert dims == list(tiny_report.dimensions)
    assert {"sex", "age_group", "group", "injury_type", "form", "measure"} <= set(dims)
    assert "commune" not in dims


def test_table_dtypes(tiny_report: Report) -> None:
    t = tiny_report.table
    for column in [*STANDARD, *tiny_report.dimensions, "flags"]:
        assert str(t[column].dtype) == "str", column
    assert t["multi_response"].dtype == bool
    for column in ("numerator", "denominator", "value"):
        assert t[column].dtype == np.float64
    assert str(t["units_missing"].dtype) == "Int64"
    assert not t[list(tiny_report.dimensions)].isna().any().any()


def test_dimension_columns_hold_total_except_their_breakdown(tiny_report: Report) -> None:
    t = tiny_report.table
    for dim in tiny_report.dimensions:
        broken = t["breakdown"] == dim
        assert (t.loc[~broken, dim] == TOTAL).all(), dim
        assert (t.loc[broken, dim] != TOTAL).all(), dim
    overall = t["breakdown"] == TOTAL
    assert (t.loc[overall, list(tiny_report.dimensions)] == TOTAL).all().all()


def test_rows_are_in_a_deterministic_order() -> None:
    a = report(tiny_submission(), period="2024").table
    b = report(tiny_submission(), period="2024").table
    pd.testing.assert_frame_equal(a, b)
    first = a.groupby("indicator_id", sort=False).head(1)
    assert first["breakdown"].eq(TOTAL).all()
    assert list(pd.unique(a["indicator_id"])) == [
        i for i in chitieu.list_indicators()["id"] if i in set(a["indicator_id"])
    ]


def test_total_rows_equal_the_computation_without_breakdown(tiny_report: Report) -> None:
    sub = tiny_submission()
    national = tiny_report.rollup("national").totals().set_index("indicator_id")
    for indicator_id in tiny_report.indicators["id"]:
        expected = compute(indicator_id, sub, period="2024")
        row = national.loc[indicator_id]
        assert row["numerator"] == pytest.approx(float(expected["numerator"].iloc[0]))
        den = float(expected["denominator"].iloc[0])
        if np.isnan(den):
            assert np.isnan(row["denominator"])
        else:
            assert row["denominator"] == pytest.approx(den)
        assert row["value"] == pytest.approx(float(expected["value"].iloc[0]), nan_ok=True)


def test_commune_rows_equal_compute_by_commune_and_dimension(tiny_report: Report) -> None:
    sub = tiny_submission()
    for indicator_id, dim in [
        ("child_population", "sex"),
        ("special_circumstances", "group"),
        ("injury_rate", "injury_type"),
        ("sanction_cases", "measure"),
    ]:
        expected = compute(indicator_id, sub, period="2024", by=("commune", dim))
        got = tiny_report.get(indicator_id, by=dim)
        assert (
            got[["unit_code", dim]].to_numpy().tolist()
            == expected[["unit_code", dim]].to_numpy().tolist()
        )
        np.testing.assert_allclose(got["numerator"], expected["numerator"])
        np.testing.assert_allclose(got["value"], expected["value"])


def test_single_response_breakdowns_add_up_to_the_total(tiny_report: Report) -> None:
    t = tiny_report.table
    single = t.loc[(t["breakdown"] != TOTAL) & ~t["multi_response"]]
    sums = single.groupby(["indicator_id", "unit_code", "breakdown"])["numerator"].sum()
    totals = tiny_report.totals().set_index(["indicator_id", "unit_code"])["numerator"]
    for (indicator_id, unit, _), value in sums.items():
        assert value == totals.loc[(indicator_id, unit)]


def test_multi_response_rows_are_marked(tiny_report: Report) -> None:
    t = tiny_report.table
    for indicator_id in tiny_report.indicators["id"]:
        meta = get_indicator(indicator_id)
        rows = t.loc[t["indicator_id"] == indicator_id]
        expected = rows["breakdown"].isin(meta.multi_response)
        assert (rows["multi_response"] == expected).all()
        flagged = rows["flags"].str.contains("multi_response")
        assert (flagged == expected).all()
    group = tiny_report.get("special_circumstances", by="group", unit_code="00001")
    total = tiny_report.get("special_circumstances", by="total", unit_code="00001")
    # C1 is in groups D and N: the group rows add up to more than the total
    assert group["numerator"].sum() > total["numerator"].sum()


def test_flags_follow_the_metadata(tiny_report: Report) -> None:
    t = tiny_report.table
    for indicator_id in tiny_report.indicators["id"]:
        meta = get_indicator(indicator_id)
        flags = t.loc[t["indicator_id"] == indicator_id, "flags"]
        unconfirmed = flags.str.contains("code_unconfirmed")
        assert unconfirmed.all() == bool(meta.spec_id and not meta.code_confirmed)
        assert flags.str.contains("low_confidence").all() == (meta.confidence == "low")
    known = set(FLAGS)
    for text in t["flags"].unique():
        parts = [p for p in text.split(",") if p]
        assert set(parts) <= known
        assert parts == sorted(parts, key=list(FLAGS).index)


def test_small_count_flag_and_threshold() -> None:
    sub = tiny_submission()
    rep = report(sub, period="2024", indicators=["child_population"])
    totals = rep.totals().set_index("unit_code")
    assert totals.loc["00001", "numerator"] == 3
    assert "small_count" in totals.loc["00001", "flags"]
    rep2 = report(sub, period="2024", indicators=["child_population"], small_count=3)
    assert "small_count" not in rep2.totals().set_index("unit_code").loc["00001", "flags"]
    zero = rep.get("child_population", by="sex", unit_code="00001", sex="U")
    assert zero["numerator"].iloc[0] == 0
    assert "small_count" not in zero["flags"].iloc[0]
    with pytest.raises(ValueError, match="small_count"):
        report(sub, period="2024", small_count=0)


# -- roll-up ------------------------------------------------------------------------
def test_rollup_is_the_ratio_of_sums_not_the_mean_of_rates() -> None:
    rep = report(_two_communes(), period="2024", indicators=["special_circumstances"])
    communes = rep.totals().set_index("unit_code")
    assert communes.loc["00001", "value"] == pytest.approx(50.0)
    assert communes.loc["00002", "value"] == pytest.approx(12.5)
    mean_of_rates = (50.0 + 12.5) / 2
    province = rep.rollup("province").totals().set_index("unit_code")
    assert province.loc["01", "numerator"] == 2
    assert province.loc["01", "denominator"] == 10
    assert province.loc["01", "value"] == pytest.approx(20.0)
    assert province.loc["01", "value"] != pytest.approx(mean_of_rates)
    assert province.loc["02", "value"] == pytest.approx(0.0)
    assert set(rep.rollup("province").table["level"]) == {"province"}


def test_zero_denominators_give_nan_and_a_flag() -> None:
    rep = report(_two_communes(), period="2024", indicators=["special_circumstances_supported"])
    communes = rep.totals().set_index("unit_code")
    assert communes.loc["00003", "denominator"] == 0
    assert np.isnan(communes.loc["00003", "value"])
    assert "zero_denominator" in communes.loc["00003", "flags"]
    province = rep.rollup("province").totals().set_index("unit_code")
    assert np.isnan(province.loc["02", "value"])
    assert province.loc["01", "value"] == pytest.approx(50.0)  # A1 supported, B0 not
    national = rep.rollup("national").totals()
    assert national["value"].iloc[0] == pytest.approx(50.0)
    assert "zero_denominator" not in national["flags"].iloc[0]


def test_counts_keep_nan_denominators_after_rollup() -> None:
    rep = report(_two_communes(), period="2024", indicators=["child_population"])
    national = rep.rollup("national").totals()
    assert national["numerator"].tolist() == [11.0]
    assert national["value"].tolist() == [11.0]
    assert national["denominator"].isna().all()


def test_rollup_steps_equal_direct_rollup() -> None:
    rep = report(_two_communes(), period="2024")
    via_district = rep.rollup("district").rollup("province").table
    direct = rep.rollup("province").table
    pd.testing.assert_frame_equal(via_district, direct)
    assert direct["unit_code"].unique().tolist() == ["01", "02"]


def test_level_argument_is_compute_then_rollup() -> None:
    sub = _two_communes()
    a = report(sub, period="2024", level="province").table
    b = report(sub, period="2024").rollup("province").table
    pd.testing.assert_frame_equal(a, b)


def test_rollup_cannot_go_down_and_checks_the_level() -> None:
    rep = report(_two_communes(), period="2024", indicators=["child_population"])
    with pytest.raises(ValueError, match="cannot roll a province report down to commune"):
        rep.rollup("province").rollup("commune")
    with pytest.raises(ValueError, match="level must be one of"):
        rep.rollup("region")
    same = rep.rollup("commune")
    pd.testing.assert_frame_equal(same.table, rep.table)


def test_unknown_commune_is_kept_and_flagged() -> None:
    units = [_commune("00001", "001", "01")]
    children = [_child("A1", "00001"), _child("X1", None), _child("Y1", "09999")]
    sub = _submission(children, units)
    # Both rows are validation errors, so by default they are left out, with a word:
    with pytest.warns(chitieu.errors.InvalidDataWarning, match="2 rows with errors"):
        left_out = report(sub, period="2024", indicators=["child_population"])
    assert left_out.totals()["numerator"].sum() == 1
    assert any("left out 2 rows with errors (children 2)" in n for n in left_out.notes)
    # Counted as given, they stay visible under the unknown unit:
    rep = report(sub, period="2024", indicators=["child_population"], validation="skip")
    communes = rep.totals().set_index("unit_code")
    # Edge decided: a commune not in the units table is not a unit of its own; with a
    # missing commune it is counted under "unknown", flagged.
    assert communes.loc[UNKNOWN_UNIT, "numerator"] == 2
    assert "09999" not in communes.index
    # the records keep their division version
    assert communes.loc[UNKNOWN_UNIT, "division_version"] == "2008"
    assert "unknown_unit" in communes.loc[UNKNOWN_UNIT, "flags"]
    province = rep.rollup("province").totals().set_index("unit_code")
    # X1 (no commune) and Y1 (commune not in the units table) are in no known province
    assert province.loc[UNKNOWN_UNIT, "numerator"] == 2
    assert province.loc["01", "numerator"] == 1
    assert set(province["division_version"]) == {"2008"}
    national = rep.rollup("national").totals()
    assert national["numerator"].tolist() == [3.0]  # nothing dropped


# -- division versions --------------------------------------------------------------
def _mixed_versions() -> Submission:
    units = [
        _commune("00001", "001", "24", "2008"),
        _commune("00001", None, "24", "2025"),
        _commune("00002", None, "24", "2025"),
    ]
    children = [
        _child("A1", "00001", "2008"),
        _child("A2", "00001", "2008"),
        _child("B1", "00001", "2025"),
        _child("B2", "00002", "2025"),
        _child("B3", "00002", "2025"),
    ]
    return _submission(children, units)


def test_mixed_versions_are_kept_apart_at_every_level() -> None:
    rep = report(_mixed_versions(), period="2024", indicators=["child_population"])
    communes = rep.totals()
    assert communes[["unit_code", "division_version", "numerator"]].to_numpy().tolist() == [
        ["00001", "2008", 2.0],
        ["00001", "2025", 1.0],
        ["00002", "2025", 2.0],
    ]
    assert rep.division_versions == ("2008", "2025")
    province = rep.rollup("province").totals()
    assert province[["unit_code", "division_version", "numerator"]].to_numpy().tolist() == [
        ["24", "2008", 2.0],
        ["24", "2025", 3.0],
    ]
    assert province["flags"].str.contains("mixed_versions").all()
    national = rep.rollup("national").totals()
    assert national["division_version"].tolist() == ["2008", "2025"]
    assert national["numerator"].tolist() == [2.0, 3.0]


def test_no_district_level_in_the_2025_division() -> None:
    rep = report(_mixed_versions(), period="2024", indicators=["child_population"])
    with pytest.raises(DivisionVersionError, match="2025 division has no districts"):
        rep.rollup("district")
    with pytest.raises(DivisionVersionError, match="crosswalk"):
        report(_mixed_versions(), period="2024", level="district")


# -- what is computed -----------------------------------------------------------------
def test_external_indicators_without_data_are_skipped_not_zero(tiny_report: Report) -> None:
    external = sorted(i for i, m in REGISTRY.items() if m.computable_from == "external")
    assert sorted(tiny_report.skipped["indicator_id"]) == external
    assert not set(external) & set(tiny_report.table["indicator_id"])
    reason = tiny_report.skipped.set_index("indicator_id").loc["full_immunisation_under1", "reason"]
    assert "immunisation" in reason
    with pytest.raises(DataNotAvailableError, match="was not computed"):
        tiny_report.get("full_immunisation_under1")


def test_external_indicator_with_its_table_is_computed() -> None:
    table = pd.DataFrame(
        {
            "unit_code": ["00001", "00002"],
            "division_version": "2008",
            "period": "2024",
            "numerator": [6, 4],
            "denominator": [10, 30],
        }
    )
    rep = report(
        tiny_submission(),
        period="2024",
        indicators=["full_immunisation_under1"],
        extra={"immunisation": table},
    )
    assert rep.skipped.empty
    national = rep.rollup("national").totals()
    assert national["value"].iloc[0] == pytest.approx(25.0)  # 10 / 40, not (60 + 13.3) / 2
    assert national["units_missing"].iloc[0] == 0


def test_indicator_whose_table_is_absent_is_skipped() -> None:
    sub = tiny_submission()
    sub = sub.replace(tables_present=tuple(t for t in ALL_TABLES if t != "injuries"))
    rep = report(sub, period="2024", indicators=["child_population", "injury_rate"])
    assert rep.indicators["id"].tolist() == ["child_population"]
    assert rep.skipped.to_dict("records") == [
        {
            "indicator_id": "injury_rate",
            "period": "2024",
            "reason": "the submission has no injuries table (an absent table is unknown, not zero)",
        }
    ]


def test_unknown_indicator_names_the_closest() -> None:
    with pytest.raises(UnknownIndicatorError, match="closest: child_population"):
        report(tiny_submission(), period="2024", indicators=["child_populaton"])


def test_several_periods() -> None:
    rep = report(tiny_submission(), period=["2024-H1", "2024"], indicators=["child_population"])
    assert rep.period == "2024-H1, 2024"
    totals = rep.rollup("national").totals()
    assert totals["period"].tolist() == ["2024-H1", "2024"]
    assert totals["numerator"].tolist() == [5.0, 6.0]
    with pytest.raises(ValueError, match="repeated"):
        report(tiny_submission(), period=["2024", "2024"])


def test_age_bands_are_passed_to_the_indicators() -> None:
    rep = report(
        tiny_submission(), period="2024", indicators=["child_population"], age_bands=(0, 10)
    )
    bands = rep.get("child_population", by="age_group")["age_group"].unique().tolist()
    assert bands == ["0-9", "10-15"]
    assert rep.age_bands == (0, 10)


def test_bad_arguments_are_clear() -> None:
    with pytest.raises(TypeError, match="Submission"):
        report(42, period="2024")  # type: ignore[arg-type]
    with pytest.raises(chitieu.ReadError, match="no such file"):
        report("not data", period="2024")  # a path: read, or refused with a code
    with pytest.raises(ValueError, match="level must be one of"):
        report(tiny_submission(), period="2024", level="ward")
    with pytest.raises(chitieu.PeriodError):
        report(tiny_submission(), period="2024-13")


# -- access ---------------------------------------------------------------------------
def test_get_filters_and_drops_unused_dimensions(tiny_report: Report) -> None:
    got = tiny_report.get("child_population", by="sex", sex=["F", "M"])
    assert set(got["sex"]) == {"F", "M"}
    assert "group" not in got.columns and "injury_type" not in got.columns
    assert "age_group" in got.columns
    with pytest.raises(ValueError, match="no column 'colour'"):
        tiny_report.get("child_population", colour="red")
    with pytest.raises(ValueError, match="no breakdown 'group'"):
        tiny_report.get("child_population", by="group")


def test_totals_one_row_per_indicator_and_unit(tiny_report: Report) -> None:
    totals = tiny_report.totals()
    assert not totals.duplicated(["indicator_id", "period", "unit_code", "division_version"]).any()
    assert len(totals) == len(tiny_report.indicators) * 2
    assert "breakdown" not in totals.columns and "sex" not in totals.columns


def test_indicators_metadata_frame(tiny_report: Report) -> None:
    meta = tiny_report.indicators
    assert meta["id"].tolist() == list(pd.unique(tiny_report.table["indicator_id"]))
    for column in ("name_vi", "name_en", "code_confirmed", "confidence", "kind"):
        assert column in meta.columns


# -- hash, version, display -------------------------------------------------------------
def test_input_hash_is_stable_and_sensitive() -> None:
    sub = tiny_submission()
    h = input_hash(sub)
    assert len(h) == 64
    assert h == input_hash(tiny_submission())
    shuffled = sub.replace(injuries=sub.injuries.sample(frac=1, random_state=3))
    assert input_hash(shuffled) == h
    with_provenance = sub.replace(
        children=sub.children.assign(_source_file="a.csv", _source_row=range(8))
    )
    assert input_hash(with_provenance) == h
    changed = sub.children.copy()
    changed.loc[0, "birth_date"] = pd.Timestamp("2016-03-01")
    assert input_hash(sub.replace(children=changed)) != h
    assert input_hash(sub, {"nutrition": pd.DataFrame({"a": [1]})}) != h
    assert report(sub, period="2024", indicators=["child_population"]).input_hash == h


def test_version_and_time(tiny_report: Report) -> None:
    assert tiny_report.chitieu_version == chitieu.__version__
    stamp = pd.Timestamp(tiny_report.generated_at)
    assert stamp.tz is not None and stamp.utcoffset() == pd.Timedelta(0)


def test_repr_and_html(tiny_report: Report) -> None:
    text = repr(tiny_report)
    assert text.startswith("Report(period='2024', level='commune'")
    assert f"indicators={len(tiny_report.indicators)}" in text
    html = tiny_report._repr_html_()
    meta = get_indicator("child_population")
    assert meta.name_vi in html and meta.name_en in html
    assert "over all units" in html
    assert "chưa xác nhận / unconfirmed" in html
    assert "<script" not in html


def test_html_escapes_text() -> None:
    rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    tampered = replace(rep, _input_hash="<script>alert(1)</script>" + "0" * 40)
    html = tampered._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_callable_module() -> None:
    import chitieu.report as module

    rep = module(tiny_submission(), period="2024", indicators=["child_population"])
    assert isinstance(rep, Report)
    assert isinstance(
        chitieu.report(tiny_submission(), period="2024", indicators=["child_population"]), Report
    )
