"""Crosswalks from the 2008 to the 2025 division (chitieu.crosswalk, chitieu.units.recode)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu.crosswalk import (
    HEADERS_VI,
    Crosswalk,
    CrosswalkError,
    crosswalk_from_rows,
    read_crosswalk,
    record_tables,
    validate_crosswalk,
)
from chitieu.indicators.examples import tiny_submission
from chitieu.report import Report, report
from chitieu.units import DivisionVersionError, recode

_CATALOGUE = chitieu.list_indicators()
# from the records and additive when communes merge (see docs/crosswalk.md)
RECORD_IDS = [
    i
    for i, source, requires in zip(
        _CATALOGUE["id"], _CATALOGUE["computable_from"], _CATALOGUE["requires"], strict=True
    )
    if source == "records" and "activities" not in str(requires)
]


@pytest.fixture(scope="module")
def tiny_report() -> Report:
    return report(tiny_submission(), period="2024")


def merge_all() -> Crosswalk:
    return crosswalk_from_rows(
        [
            {"old_commune_code": "00001", "new_commune_code": "10001", "new_province_code": "24"},
            {"old_commune_code": "00002", "new_commune_code": "10001", "new_province_code": "24"},
        ]
    )


def split_second(share: float | None = 0.25) -> Crosswalk:
    rows: list[tuple[str, ...] | tuple[str, str, float]]
    if share is None:
        rows = [("00001", "10001"), ("00002", "10001"), ("00002", "10002")]
    else:
        rows = [("00001", "10001"), ("00002", "10001", share), ("00002", "10002", 1 - share)]
    return crosswalk_from_rows(rows)


def problem_codes(error: CrosswalkError) -> set[str]:
    return {code for code, _ in getattr(error, "problems", [])}


# -- the table ----------------------------------------------------------------------------------
def test_csv_with_vietnamese_headers_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "bang-chuyen-doi.csv"
    path.write_text(
        "Mã xã cũ;Phiên bản cũ;Mã xã mới;Phiên bản mới;Tỷ lệ;Mã tỉnh mới;Tên xã mới\n"
        "00001;2008;10001;2025;;24;Xã Mới Một\n"
        "00003;2008;10002;2025;0,6;24;Xã Mới Hai\n"
        "00003;2008;10003;2025;0,4;24;Xã Mới Ba\n",
        encoding="utf-8-sig",
    )
    cw = read_crosswalk(path)
    assert cw.table["share"].tolist() == [1.0, 0.6, 0.4]
    assert cw.splits() == ["00003"] and cw.splits_without_share() == []
    assert cw.new_communes()["name"].tolist() == ["Xã Mới Một", "Xã Mới Hai", "Xã Mới Ba"]
    again = read_crosswalk(cw.to_csv(tmp_path / "again.csv"))
    pd.testing.assert_frame_equal(again.table, cw.table)
    header = (tmp_path / "again.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",") == list(HEADERS_VI.values())


def test_yaml_source_format(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.yaml"
    path.write_text(
        'old_version: "2008"\nnew_version: "2025"\ncommunes:\n'
        '  - {old: "00001", new: "10001"}\n'
        '  - {old: "00002", new: "10001"}\n'
        '  - {old: "00003", new: "10002", share: 0.6}\n'
        '  - {old: "00003", new: "10003", share: 0.4}\n',
        encoding="utf-8",
    )
    cw = read_crosswalk(path)
    assert cw.table["new_commune_code"].tolist() == ["10001", "10001", "10002", "10003"]
    assert cw.table["share"].tolist() == [1.0, 1.0, 0.6, 0.4]
    assert "4 old communes" not in repr(cw) and "3 old communes" in repr(cw)


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([("1", "10001")], "crosswalk-bad-code"),
        ([("00001", "1000A")], "crosswalk-bad-code"),
        ([("00001", "10001"), ("00001", "10001")], "crosswalk-duplicate"),
        ([("00001", "10001", 0.5), ("00001", "10002", 0.3)], "crosswalk-shares-not-one"),
        ([("00001", "10001", 0.5), ("00001", "10002")], "crosswalk-shares-incomplete"),
        ([("00001", "10001", 1.5)], "crosswalk-bad-share"),
        ([("00001", "10001", 0.0)], "crosswalk-bad-share"),
        ([("00001", "10001", 0.5)], "crosswalk-shares-not-one"),
    ],
)
def test_invalid_crosswalks_are_refused_with_the_rule_broken(
    rows: list[tuple[object, ...]], code: str
) -> None:
    with pytest.raises(CrosswalkError) as info:
        crosswalk_from_rows(rows)  # type: ignore[arg-type]
    assert info.value.code == "invalid-crosswalk"
    assert code in problem_codes(info.value)
    assert f"[{code}]" in str(info.value)


def test_versions_and_provinces_are_checked() -> None:
    frame = pd.DataFrame(
        {
            "old_commune_code": ["00001", "00002"],
            "old_version": ["2025", "2008"],
            "new_commune_code": ["10001", "10001"],
            "new_province_code": ["24", "25"],
        }
    )
    with pytest.raises(CrosswalkError) as info:
        validate_crosswalk(frame)
    assert problem_codes(info.value) == {"crosswalk-bad-version"}
    frame["old_version"] = "2008"
    with pytest.raises(CrosswalkError) as conflict:
        validate_crosswalk(frame)
    assert problem_codes(conflict.value) == {"crosswalk-province-conflict"}
    assert "10001" in str(conflict.value)


def test_headers_are_checked() -> None:
    with pytest.raises(CrosswalkError) as missing:
        validate_crosswalk(pd.DataFrame({"Mã xã cũ": ["00001"]}))
    assert missing.value.code == "crosswalk-missing-column" and "Mã xã mới" in str(missing.value)
    with pytest.raises(CrosswalkError) as unknown:
        validate_crosswalk(
            pd.DataFrame({"Mã xã cũ": ["00001"], "Mã xã mới": ["10001"], "ghi chú": ["x"]})
        )
    assert unknown.value.code == "crosswalk-unknown-column" and "ghi chú" in str(unknown.value)


def test_unreadable_share_text_is_an_error() -> None:
    frame = pd.DataFrame({"Mã xã cũ": ["00001"], "Mã xã mới": ["10001"], "Tỷ lệ": ["một nửa"]})
    with pytest.raises(CrosswalkError) as info:
        validate_crosswalk(frame)
    assert info.value.code == "crosswalk-bad-share"


def test_a_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(chitieu.ReadError):
        read_crosswalk(tmp_path / "absent.csv")


# -- recoding a submission ------------------------------------------------------------------------
def test_recoded_submission_is_valid_and_keeps_every_record() -> None:
    sub = tiny_submission()
    new = recode(sub, merge_all())
    assert chitieu.validate(new).valid
    tables = record_tables()
    assert {"children", "injuries", "abuse_cases", "sanctions"} <= set(tables)
    for name in tables:
        assert len(new[name]) == len(sub[name])
        if not len(sub[name]):
            continue
        assert set(new[name]["commune_code"].dropna()) <= {"10001"}
        assert set(new[name]["division_version"].dropna()) == {"2025"}
        # the input is not changed
        assert set(sub[name]["division_version"].dropna()) == {"2008"}
    communes = new.units.loc[new.units["level"] == "COMMUNE"].iloc[0]
    assert communes["unit_code"] == "10001" and communes["province_code"] == "24"
    assert communes["villages"] == 16 and communes["population_total"] == 9000  # summed
    assert pd.isna(communes["urban_rural"])  # urban and rural merged: not known


def test_report_of_the_recoded_submission_equals_the_recoded_report() -> None:
    sub = tiny_submission()
    cw = merge_all()
    from_records = report(recode(sub, cw), period="2024", indicators=RECORD_IDS).table
    from_counts = recode(report(sub, period="2024", indicators=RECORD_IDS), cw).table
    keep_a = from_records["breakdown"] != "urban_rural"
    keep_b = from_counts["breakdown"] != "urban_rural"
    pd.testing.assert_frame_equal(
        from_records.loc[keep_a].reset_index(drop=True),
        from_counts.loc[keep_b].reset_index(drop=True),
    )


def test_a_commune_missing_from_the_crosswalk_is_refused_by_code() -> None:
    cw = crosswalk_from_rows([("00001", "10001")])
    with pytest.raises(CrosswalkError) as info:
        recode(tiny_submission(), cw)
    assert info.value.code == "crosswalk-missing-commune"
    assert "00002" in str(info.value) and "00001" not in str(info.value)
    with pytest.raises(CrosswalkError) as on_report:
        recode(report(tiny_submission(), period="2024", indicators=["child_population"]), cw)
    assert on_report.value.code == "crosswalk-missing-commune"


def test_split_without_share_is_refused_naming_the_communes(tiny_report: Report) -> None:
    cw = split_second(None)
    for target in (tiny_submission(), tiny_report):
        with pytest.raises(CrosswalkError) as info:
            recode(target, cw)
        assert info.value.code == "crosswalk-split-without-share"
        assert "00002 -> 10001, 10002" in str(info.value)
        assert "C3" not in str(info.value)  # communes by code, never a child


def test_split_with_shares_cannot_divide_records() -> None:
    with pytest.raises(CrosswalkError) as info:
        recode(tiny_submission(), split_second(0.25))
    assert info.value.code == "crosswalk-split-records"
    assert "00002" in str(info.value) and "recode the report" in str(info.value)


def test_a_split_commune_without_records_needs_no_share() -> None:
    cw = crosswalk_from_rows([("00001", "10001"), ("00002", "10001"), ("00009", "10002"),
                              ("00009", "10003")])  # fmt: skip
    new = recode(tiny_submission(), cw)
    assert set(new.children["commune_code"]) == {"10001"}


def test_records_of_the_2025_division_are_kept_as_they_are() -> None:
    sub = tiny_submission()
    children = sub.children.copy()
    children.loc[0, "division_version"] = "2025"
    children.loc[0, "commune_code"] = "10001"
    new = recode(sub.replace(children=children), merge_all())
    assert new.children.loc[0, "commune_code"] == "10001"
    assert (new.children["division_version"] == "2025").all()


def test_units_table_of_the_new_division_gives_names() -> None:
    from chitieu.indicators.examples import make_frame

    units = make_frame(
        "units",
        [
            {"unit_code": "10001", "division_version": "2025", "name": "Phường Mới",
             "level": "COMMUNE", "province_code": "24"},
            {"unit_code": "24", "division_version": "2025", "name": "Tỉnh Bắc Ninh",
             "level": "PROVINCE"},
        ],
    )  # fmt: skip
    cw = crosswalk_from_rows([("00001", "10001"), ("00002", "10001")])
    new = recode(tiny_submission(), cw, units=units)
    names = dict(zip(new.units["unit_code"], new.units["name"], strict=True))
    assert names == {"10001": "Phường Mới", "24": "Tỉnh Bắc Ninh"}
    assert new.units.loc[new.units["unit_code"] == "10001", "villages"].iloc[0] == 16
    rep = recode(report(tiny_submission(), period="2024", indicators=["child_population"]), cw,
                 units=units)  # fmt: skip
    assert rep.rollup("province").totals()["unit_code"].tolist() == ["24"]


# -- recoding a report ------------------------------------------------------------------------------
def test_merged_communes_sum_counts_and_recompute_values(tiny_report: Report) -> None:
    new = recode(tiny_report, merge_all())
    old = tiny_report.totals()
    row = new.get("special_circumstances", by="total").iloc[0]
    parts = old.loc[old["indicator_id"] == "special_circumstances"]
    assert row["numerator"] == parts["numerator"].sum()
    assert row["denominator"] == parts["denominator"].sum()
    assert row["value"] == pytest.approx(row["numerator"] / row["denominator"] * 100)
    assert set(new.table["division_version"]) <= {"2025", "unknown"}
    assert "estimated" not in ",".join(new.table["flags"])
    assert any("recoded from the 2008 division" in n for n in new.notes)
    assert "ci_low" not in new.table.columns


def test_shares_divide_counts_and_flag_the_result_an_estimate(tiny_report: Report) -> None:
    new = recode(tiny_report, split_second(0.25))
    pop = new.get("child_population", by="total").set_index("unit_code")["numerator"]
    old = tiny_report.get("child_population", by="total").set_index("unit_code")["numerator"]
    assert pop["10001"] == pytest.approx(old["00001"] + 0.25 * old["00002"])
    assert pop["10002"] == pytest.approx(0.75 * old["00002"])
    flags = new.table.set_index("unit_code")["flags"]
    assert flags.loc["10002"].str.contains("estimated").all()
    assert flags.loc["10001"].str.contains("estimated").all()  # takes part of 00002
    assert any(n.startswith("ESTIMATE") and "00002" in n for n in new.notes)
    rate = new.get("injury_rate", by="total").set_index("unit_code").loc["10002"]
    assert rate["value"] == pytest.approx(rate["numerator"] / rate["denominator"] * 1000)


def test_ratios_are_never_averaged(tiny_report: Report) -> None:
    new = recode(tiny_report, merge_all())
    old = tiny_report.get("birth_registration", by="total")
    assert old["denominator"].nunique() == 2  # communes of different sizes
    mean_of_values = old["value"].mean()
    row = new.get("birth_registration", by="total").iloc[0]
    assert row["value"] == pytest.approx(old["numerator"].sum() / old["denominator"].sum() * 100)
    assert row["value"] != pytest.approx(mean_of_values)


def test_recoded_report_rolls_up_by_the_2025_hierarchy(tiny_report: Report) -> None:
    new = recode(tiny_report, merge_all())
    province = new.rollup("province").totals()
    assert set(province["unit_code"]) <= {"24", "unknown"}
    pop = province.loc[province["indicator_id"] == "child_population", "numerator"].sum()
    assert pop == tiny_report.get("child_population", by="total")["numerator"].sum()
    with pytest.raises(DivisionVersionError):
        new.rollup("district")


def test_reports_above_commune_level_or_suppressed_are_refused(tiny_report: Report) -> None:
    with pytest.raises(CrosswalkError) as above:
        recode(tiny_report.rollup("province"), merge_all())
    assert above.value.code == "crosswalk-needs-commune-report"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        published = tiny_report.suppress(k=3)
    with pytest.raises(CrosswalkError) as hidden:
        recode(published, merge_all())
    assert hidden.value.code == "crosswalk-suppressed-report"


def test_recode_takes_a_path_or_a_frame(tmp_path: Path, tiny_report: Report) -> None:
    path = merge_all().to_csv(tmp_path / "cw.csv")
    a = recode(tiny_report, path)
    b = recode(tiny_report, merge_all().table)
    pd.testing.assert_frame_equal(a.table, b.table)
    with pytest.raises(TypeError):
        recode(tiny_report, 42)
    with pytest.raises(TypeError):
        recode(tiny_report.table, merge_all())


def test_unknown_units_stay_unknown() -> None:
    sub = tiny_submission()
    children = sub.children.copy()
    children.loc[0, "commune_code"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(sub.replace(children=children), period="2024",
                     indicators=["child_population"], validation="skip")  # fmt: skip
    new = recode(rep, merge_all())
    before = rep.get("child_population", by="total", unit_code="unknown")["numerator"].sum()
    after = new.get("child_population", by="total", unit_code="unknown")["numerator"].sum()
    assert before == after == 1


def test_estimated_flag_keeps_the_order_of_flags_through_suppression_and_export(
    tiny_report: Report, tmp_path: Path
) -> None:
    from chitieu.export import read_table
    from chitieu.report import FLAGS

    new = recode(tiny_report, split_second(0.25))
    assert "estimated" in FLAGS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        published = new.suppress(k=5)
    order = list(FLAGS)
    both = 0
    for text in published.table["flags"].unique():
        parts = [p for p in text.split(",") if p]
        assert parts == sorted(parts, key=order.index)
        both += {"estimated", "suppressed"} <= set(parts)
    assert both > 0
    back = read_table(new.to_csv(tmp_path / "recoded.csv"))
    assert (
        back["flags"].str.contains("estimated").sum()
        == new.table["flags"].str.contains("estimated").sum()
    )


def test_communes_without_records_are_recoded_too() -> None:
    from chitieu.indicators.examples import make_frame

    sub = tiny_submission()
    extra = make_frame(
        "units",
        [{"unit_code": "00003", "division_version": "2008", "name": "Xã Ba", "level": "COMMUNE",
          "district_code": "001", "province_code": "01"}],
    )  # fmt: skip
    sub = sub.replace(units=pd.concat([sub.units, extra], ignore_index=True))
    rep = report(sub, period="2024", indicators=["child_population"])
    assert rep.basis["communes"]["without_records"] == ["00003"]
    cw = crosswalk_from_rows([("00001", "10001"), ("00002", "10001"), ("00003", "10002")])
    new = recode(rep, cw)
    assert new.basis["communes"]["without_records"] == ["10002"]
    assert new.basis["recoded"]["old_without_records"] == ["00003"]
    warned = new.quality().table
    assert warned.loc[warned["code"] == "commune-without-records", "unit_code"].tolist() == [
        "10002"
    ]
    merged = recode(rep, crosswalk_from_rows([("00001", "10001"), ("00002", "10001"),
                                              ("00003", "10001")]))  # fmt: skip
    assert merged.basis["communes"]["without_records"] == []


def test_recode_and_read_crosswalk_are_public() -> None:
    assert chitieu.recode is recode and chitieu.read_crosswalk is read_crosswalk
    assert {"recode", "read_crosswalk"} <= set(chitieu.__all__)
