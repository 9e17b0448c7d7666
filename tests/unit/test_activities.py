"""The commune's own measures: activities, child-level services, new HIV infections.

Every figure is checked by hand on small frames built here or on
:func:`chitieu.indicators.activities.example_submission`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu import compute, synth
from chitieu.errors import DataNotAvailableError
from chitieu.indicators import get_indicator
from chitieu.indicators.activities import SOURCE, example_submission
from chitieu.indicators.examples import make_frame, tiny_submission
from chitieu.io.write import write_submission
from chitieu.submission import Submission

PLAN_IDS = (
    "officials_trained_percent",
    "families_informed_percent",
    "caregivers_ecd_informed_percent",
    "parents_disabled_children_supported_percent",
    "parents_child_labour_informed_percent",
    "policies_consulted_percent",
    "ecd_services_reached_percent",
    "disabled_children_services_percent",
    "disabled_children_integration_percent",
    "child_labour_supported_percent",
    "new_hiv_infections_children",
)
SHARES = PLAN_IDS[:6]


def _act(
    aid: str,
    day: str,
    group: str,
    topic: str,
    people: int,
    size: int | None,
    kind: str = "COMMUNICATION",
    commune: str = "00001",
    **kw: Any,
) -> dict[str, Any]:
    row = {
        "activity_id": aid, "commune_code": commune, "division_version": "2008",
        "activity_date": day, "activity_type": kind, "target_group": group, "topic": topic,
        "participants": people, "group_size": size,
    }  # fmt: skip
    row.update(kw)
    return row


def _with(**frames: Any) -> Submission:
    sub = tiny_submission()
    built = {name: make_frame(name, rows) for name, rows in frames.items()}
    return sub.replace(**built)


def _one(indicator_id: str, sub: Submission, period: str = "2024", **kw: Any) -> list[float]:
    r = compute(indicator_id, sub, period=period, **kw)
    row = r.iloc[0]
    return [float(row["numerator"]), float(row["denominator"]), round(float(row["value"]), 2)]


# -- metadata ----------------------------------------------------------------------------
@pytest.mark.parametrize("indicator_id", PLAN_IDS)
def test_plan_measures_are_marked_as_the_communes_own(indicator_id: str) -> None:
    meta = get_indicator(indicator_id)
    assert meta.family == "activities"
    assert meta.source == SOURCE == "commune-plan"
    assert meta.spec_id is None and meta.code is None and not meta.code_confirmed
    assert meta.existence == "supplementary"
    assert "not an indicator of the circular" in meta.notes


def test_kinds_and_tables() -> None:
    assert get_indicator("new_hiv_infections_children").kind == "count"
    for indicator_id in SHARES:
        assert get_indicator(indicator_id).requires == ("activities",)
        assert get_indicator(indicator_id).period_convention == "events"
    assert "services" in get_indicator("ecd_services_reached_percent").requires


# -- shares over activities ----------------------------------------------------------------
def test_largest_session_capped_by_the_largest_group_size() -> None:
    sub = _with(activities=[
        _act("a", "2024-02-01", "FAMILIES", "CHILD_PROTECTION", 120, 300),
        _act("b", "2024-05-01", "FAMILIES", "CHILD_PROTECTION", 250, 320),
        _act("c", "2024-06-01", "FAMILIES", "CHILD_PROTECTION", 400, None),  # no size given
        _act("d", "2025-01-01", "FAMILIES", "CHILD_PROTECTION", 320, 320),   # next year
    ])  # fmt: skip
    # the largest session (400) is capped by the largest declared size (320)
    assert _one("families_informed_percent", sub) == [320.0, 320.0, 100.0]
    sub = _with(
        activities=[
            _act("a", "2024-02-01", "FAMILIES", "CHILD_PROTECTION", 120, 300),
            _act("b", "2024-05-01", "FAMILIES", "CHILD_PROTECTION", 250, 320),
        ]
    )
    assert _one("families_informed_percent", sub) == [250.0, 320.0, 78.12]


def test_sessions_are_not_summed() -> None:
    sub = _with(
        activities=[
            _act("a", "2024-02-01", "OFFICIALS", "CHILD_PROTECTION", 12, 20, kind="TRAINING"),
            _act("b", "2024-03-01", "OFFICIALS", "CHILD_PROTECTION", 15, 20, kind="TRAINING"),
            _act("c", "2024-04-01", "OFFICIALS", "CHILD_PROTECTION", 14, 20, kind="TRAINING"),
        ]
    )
    assert _one("officials_trained_percent", sub) == [15.0, 20.0, 75.0]


def test_filters_type_topic_and_group() -> None:
    sub = _with(
        activities=[
            # a communication session is not a training of officials
            _act("a", "2024-02-01", "OFFICIALS", "CHILD_PROTECTION", 20, 20),
            # a training on injuries only is not on child protection
            _act("b", "2024-03-01", "OFFICIALS", "INJURY_PREVENTION", 20, 20, kind="TRAINING"),
            # several topics: child protection among them counts
            _act("c", "2024-04-01", "OFFICIALS", "HIV;CHILD_PROTECTION", 9, 20, kind="TRAINING"),
            # another group
            _act("d", "2024-04-01", "FAMILIES", "CHILD_PROTECTION", 99, 100, kind="TRAINING"),
        ]
    )
    assert _one("officials_trained_percent", sub) == [9.0, 20.0, 45.0]


def test_a_consultation_of_a_policy_is_not_a_communication_session() -> None:
    sub = _with(
        activities=[
            _act("a", "2024-02-01", "PARENTS", "CHILD_LABOUR", 90, 100, kind="POLICY_CONSULTATION"),
            _act("b", "2024-03-01", "PARENTS", "CHILD_LABOUR", 30, 100),
        ]
    )
    assert _one("parents_child_labour_informed_percent", sub) == [30.0, 100.0, 30.0]


def test_no_group_size_means_no_denominator_not_zero() -> None:
    sub = _with(activities=[_act("a", "2024-02-01", "CAREGIVERS_YOUNG", "EARLY_CHILDHOOD", 40,
                                 None)])  # fmt: skip
    num, den, value = _one("caregivers_ecd_informed_percent", sub)
    assert (num, den) == (0.0, 0.0) and np.isnan(value)
    # zero participants with a group size is a real 0%
    sub = _with(activities=[_act("a", "2024-02-01", "CAREGIVERS_YOUNG", "EARLY_CHILDHOOD", 0,
                                 50)])  # fmt: skip
    assert _one("caregivers_ecd_informed_percent", sub) == [0.0, 50.0, 0.0]


def test_communes_add_up() -> None:
    sub = _with(
        activities=[
            _act("a", "2024-02-01", "PARENTS_DISABLED", "DISABILITY", 3, 4, commune="00001"),
            _act("b", "2024-02-01", "PARENTS_DISABLED", "DISABILITY", 5, 10, commune="00002"),
            _act("c", "2024-02-01", "PARENTS_DISABLED", "DISABILITY", 1, None, commune="00002"),
        ]
    )
    by = compute("parents_disabled_children_supported_percent", sub, period="2024",
                 by=("commune",))  # fmt: skip
    cells = by.set_index("unit_code")[["numerator", "denominator"]].to_dict("index")
    assert cells["00001"] == {"numerator": 3.0, "denominator": 4.0}
    assert cells["00002"] == {"numerator": 5.0, "denominator": 10.0}
    assert _one("parents_disabled_children_supported_percent", sub) == [8.0, 14.0, 57.14]


def test_policies_distinct_per_commune() -> None:
    pol = "POLICY_CONSULTATION"
    sub = _with(activities=[
        _act("a", "2024-02-01", "POLICIES", "PARTICIPATION", 20, None, kind=pol,
             policy_id="P1", children_consulted=False),
        _act("b", "2024-03-01", "POLICIES", "PARTICIPATION", 20, None, kind=pol,
             policy_id="P1", children_consulted=True),
        _act("c", "2024-03-01", "POLICIES", "PARTICIPATION", 0, None, kind=pol,
             policy_id="P2", children_consulted=None),
        # no policy id: a policy of its own
        _act("d", "2024-03-01", "POLICIES", "PARTICIPATION", 9, None, kind=pol,
             children_consulted=True),
        # the same district policy in another commune counts there too
        _act("e", "2024-03-01", "POLICIES", "PARTICIPATION", 9, None, kind=pol,
             commune="00002", policy_id="P1", children_consulted=True),
        # not a consultation of a policy
        _act("f", "2024-03-01", "POLICIES", "PARTICIPATION", 9, None, kind="CHILDREN_FORUM",
             policy_id="P3", children_consulted=True),
    ])  # fmt: skip
    assert _one("policies_consulted_percent", sub) == [3.0, 4.0, 75.0]
    by = compute("policies_consulted_percent", sub, period="2024", by=("commune",))
    assert by.set_index("unit_code")["denominator"].to_dict() == {"00001": 3.0, "00002": 1.0}


# -- child-level services ------------------------------------------------------------------
def test_ecd_counts_children_aged_0_to_8() -> None:
    # stock of the tiny submission: C1 8, C2 4, C3 14, C4 2, C5 12, C8 0
    sub = _with(services=[
        {"child_id": "C3", "service_date": "2024-05-01", "service": "ECD"},  # 14: outside
        {"child_id": "C1", "service_date": "2024-12-31", "service": "ECD"},  # age 8, last day
        {"child_id": "C2", "service_date": "2024-05-01", "service": "HIV_CARE"},  # other service
        {"child_id": "C4", "service_date": "2024-01-01", "service": "ECD"},
        {"child_id": "C4", "service_date": "2024-03-01", "service": "ECD"},  # twice: once
        {"child_id": "C7", "service_date": "2024-03-01", "service": "ECD"},  # moved away
    ])  # fmt: skip
    assert _one("ecd_services_reached_percent", sub) == [2.0, 4.0, 50.0]
    by_sex = compute("ecd_services_reached_percent", sub, period="2024", by=("sex",))
    assert by_sex.set_index("sex")["numerator"].to_dict() == {"M": 1, "F": 1, "U": 0}


def test_disability_from_the_register_or_group_d() -> None:
    sub = _with(
        services=[
            {"child_id": "C1", "service_date": "2024-03-01", "service": "DISABILITY_COMMUNITY"},
            {"child_id": "C5", "service_date": "2024-03-01", "service": "INTEGRATION_SKILLS"},
            {"child_id": "C2", "service_date": "2024-03-01", "service": "DISABILITY_COMMUNITY"},
        ]
    )
    # C1: group D at the reference date; C5: mild disability in the register; C2: neither
    assert _one("disabled_children_services_percent", sub) == [1.0, 2.0, 50.0]
    assert _one("disabled_children_integration_percent", sub) == [1.0, 2.0, 50.0]


def test_child_labour_groups_subgroups_and_risk() -> None:
    base = tiny_submission()
    children = base.children.copy()
    c2 = (children["child_id"] == "C2").to_numpy()
    children.loc[c2, "at_risk_reason"] = "CHILD_LABOUR"  # at risk since Feb 2024
    c4 = (children["child_id"] == "C4").to_numpy()
    children.loc[c4, ["at_risk_from", "at_risk_to"]] = [
        pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01"),
    ]  # fmt: skip
    children.loc[c4, "at_risk_reason"] = "CHILD_LABOUR"  # risk ended: not counted
    circumstances = pd.concat(
        [
            base.circumstances,
            make_frame("circumstances", [
                {"child_id": "C3", "group": "HCDB_H", "start_date": "2024-02-01"},
                {"child_id": "C5", "group": "HCDB_K", "subgroup": "BLOT_LAO_DONG",
                 "start_date": "2024-02-01"},
                {"child_id": "C1", "group": "HCDB_H", "start_date": "2024-02-01",
                 "end_date": "2024-06-01"},
            ]),
        ],
        ignore_index=True,
    )  # fmt: skip
    services = make_frame("services", [
        {"child_id": "C3", "service_date": "2024-02-10", "service": "CHILD_LABOUR_INTERVENTION"},
        {"child_id": "C2", "service_date": "2023-12-10", "service": "CHILD_LABOUR_INTERVENTION"},
        {"child_id": "C5", "service_date": "2024-02-10", "service": "OTHER"},
    ])  # fmt: skip
    sub = base.replace(children=children, circumstances=circumstances, services=services)
    # in or at risk: C2 (risk), C3 (HCDB_H), C5 (BLOT_LAO_DONG); supported in 2024: C3
    assert _one("child_labour_supported_percent", sub) == [1.0, 3.0, 33.33]


def test_new_hiv_infections() -> None:
    sub = _with(circumstances=[
        {"child_id": "C1", "group": "HCDB_DD", "start_date": "2024-02-01"},
        {"child_id": "C1", "group": "HCDB_DD", "start_date": "2024-08-01"},  # same child
        {"child_id": "C2", "group": "HCDB_DD", "start_date": "2022-02-01"},  # earlier: not new
        {"child_id": "C2", "group": "HCDB_DD", "start_date": "2024-03-01"},
        {"child_id": "C4", "group": "HCDB_DD", "start_date": "2024-12-31"},
        {"child_id": "C3", "group": "HCDB_A", "start_date": "2024-03-01"},
    ])  # fmt: skip
    r = compute("new_hiv_infections_children", sub, period="2024")
    assert r["numerator"].tolist() == [2] and np.isnan(r["denominator"].iloc[0])
    by_sex = compute("new_hiv_infections_children", sub, period="2024", by=("sex",))
    assert by_sex.set_index("sex")["numerator"].to_dict() == {"M": 1, "F": 1, "U": 0}
    half = compute("new_hiv_infections_children", sub, period="2024-H1")
    assert half["numerator"].tolist() == [1]  # C1 in February; C4 on 31 December


# -- no data ----------------------------------------------------------------------------
def test_absent_tables_are_no_data() -> None:
    sub = example_submission()
    present = tuple(t for t in sub.tables_present if t not in ("activities", "services"))
    bare = sub.replace(tables_present=present)
    for indicator_id in PLAN_IDS[:-1]:
        with pytest.raises(DataNotAvailableError) as info:
            compute(indicator_id, bare, period="2024")
        table = "activities" if indicator_id in SHARES else "services"
        assert f"no {table} table" in info.value.reason  # type: ignore[attr-defined]
    # HIV needs only the register and the circumstances
    assert compute("new_hiv_infections_children", bare, period="2024")["numerator"].tolist() == [1]


def test_empty_table_without_declared_coverage_is_no_data() -> None:
    sub = tiny_submission()
    units = sub.units.copy()
    units["records_from"] = pd.NaT
    units["records_to"] = pd.NaT
    bare = sub.replace(units=units)
    with pytest.raises(DataNotAvailableError) as info:
        compute("officials_trained_percent", bare, period="2024")
    assert "activities table has no rows" in info.value.reason  # type: ignore[attr-defined]
    # declared coverage: none held, so no denominator (missing), never a made-up 0%
    r = compute("officials_trained_percent", sub, period="2024")
    assert r["denominator"].tolist() == [0.0] and np.isnan(r["value"].iloc[0])
    r = compute("ecd_services_reached_percent", sub, period="2024")
    assert (r["numerator"].iloc[0], r["denominator"].iloc[0]) == (0, 4)


def test_period_outside_the_records_is_no_data() -> None:
    with pytest.raises(DataNotAvailableError):
        compute("families_informed_percent", example_submission(), period="2022")


# -- validation ----------------------------------------------------------------------------
def _codes(sub: Submission, table: str) -> dict[tuple[str, str], int]:
    report = chitieu.validate(sub)
    out: dict[tuple[str, str], int] = {}
    for p in report:
        if p["table"] == table:
            out[(p["code"], p["column"])] = out.get((p["code"], p["column"]), 0) + 1
    return out


def test_validation_of_activities() -> None:
    pol = "POLICY_CONSULTATION"
    sub = _with(activities=[
        _act("a", "2024-02-01", "FAMILIES", "CHILD_PROTECTION", 12, 10),
        _act("b", "2024-02-01", "FAMILIES", "CHILD_PROTECTION", -3, 10),
        _act("b", "2024-02-02", "FAMILIES", "NOT_A_TOPIC", 3, 10),
        _act("c", "2024-02-01", "POLICIES", "PARTICIPATION", 3, None, kind=pol),
        _act("d", "2024-02-01", "FAMILIES", "CHILD_PROTECTION", 3, 10, commune="99999"),
        _act("e", "2099-02-01", "FAMILIES", "CHILD_PROTECTION", 3, 10),
    ])  # fmt: skip
    found = _codes(sub, "activities")
    assert found[("participants-exceed-group", "participants")] == 1
    assert found[("negative-number", "participants")] == 1
    assert found[("duplicate-id", "activity_id")] == 1
    assert found[("unknown-code", "topic")] == 1
    assert found[("policy-consultation-incomplete", "policy_id")] == 1
    assert found[("policy-consultation-incomplete", "children_consulted")] == 1
    assert found[("unknown-commune-code", "commune_code")] == 1
    assert found[("date-in-future", "activity_date")] == 1
    report = chitieu.validate(sub)
    row = report.errors.loc[report.errors["code"] == "participants-exceed-group"].iloc[0]
    assert row["severity"] == "warning" and row["row"] == 1
    assert "larger than the target group size" in row["message"]


def test_validation_of_services() -> None:
    sub = _with(services=[
        {"child_id": "C1", "service_date": "2024-02-01", "service": "ECD"},
        {"child_id": "C1", "service_date": "2024-02-01", "service": "ECD"},
        {"child_id": "Z9", "service_date": "2024-02-01", "service": "ECD"},
        {"child_id": "C2", "service_date": "2024-02-01", "service": "MASSAGE"},
        {"child_id": "C8", "service_date": "2024-02-01", "service": "ECD"},  # born in September
        {"child_id": "C6", "service_date": "2024-06-01", "service": "ECD"},  # 16 in May
    ])  # fmt: skip
    found = _codes(sub, "services")
    assert found[("unknown-child", "child_id")] == 1
    assert found[("duplicate-key", "child_id+service_date+service")] == 1
    assert found[("unknown-code", "service")] == 1
    assert found[("event-before-birth", "service_date")] == 1
    assert found[("event-after-age-16", "service_date")] == 1


def test_the_worked_example_is_valid_with_one_warning() -> None:
    report = chitieu.validate(example_submission())
    assert report.valid
    assert report.errors["code"].tolist() == ["participants-exceed-group"]


# -- reading and writing ---------------------------------------------------------------------
def test_vietnamese_headers_round_trip(tmp_path: Path) -> None:
    sub = example_submission()
    folder = write_submission(sub, tmp_path / "vi", "csv", headers="vi")
    names = {p.name for p in folder.iterdir()}
    assert {"hoat_dong_cua_xa.csv", "dich_vu_cho_tre_em.csv"} <= names
    header = (folder / "hoat_dong_cua_xa.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Mã hoạt động,Mã xã,") and "Số người tham gia" in header
    back = chitieu.read_submission(folder)
    for table in ("activities", "services", "children"):
        pd.testing.assert_frame_equal(
            back.canonical(table).reset_index(drop=True),
            sub.canonical(table).reset_index(drop=True),
            obj=table,
        )
    assert {"activities", "services"} <= set(back.tables_present)


def test_a_file_typed_by_hand(tmp_path: Path) -> None:
    folder = tmp_path / "xa"
    write_submission(tiny_submission(), folder, "csv", headers="vi")
    (folder / "Hoạt động.csv").write_text(
        "STT hoạt động,Mã xã,Phiên bản danh mục,Ngày tổ chức,Hình thức hoạt động,Đối tượng,"
        "Nội dung,Số người tham gia,Tổng số đối tượng,Có tham vấn trẻ em\n"
        "HD1,00001,2008,15/03/2024,Tập huấn,Cán bộ làm công tác trẻ em,"
        '"Bảo vệ trẻ em và quyền trẻ em; Phòng chống HIV/AIDS cho trẻ em",18,20,\n'
        "HD2,00001,2008,01/04/2024,tham van chinh sach,chinh sach,quyen tham gia,12,,Có\n",
        encoding="utf-8",
    )
    (folder / "dich_vu.csv").write_text(
        "Mã trẻ em,Ngày cung cấp dịch vụ,Dịch vụ\nC2,10/04/2024,ecd\n", encoding="utf-8"
    )
    sub = chitieu.read_submission(folder)
    acts = sub.activities
    assert acts["activity_type"].tolist() == ["TRAINING", "POLICY_CONSULTATION"]
    assert acts["topic"].tolist() == ["CHILD_PROTECTION;HIV", "PARTICIPATION"]
    assert acts["group_size"].tolist()[0] == 20 and pd.isna(acts["group_size"].iloc[1])
    assert acts["children_consulted"].tolist()[1] is True
    assert sub.services["service"].tolist() == ["ECD"]
    assert _one("officials_trained_percent", sub) == [18.0, 20.0, 90.0]
    assert _one("ecd_services_reached_percent", sub) == [1.0, 4.0, 25.0]


# -- synthetic data and parts ------------------------------------------------------------------
def test_synthetic_years_and_plan_measures() -> None:
    sub = synth.generate(6000, seed=5, year=2024, years=2)
    assert chitieu.validate(sub).valid
    assert sorted(sub.activities["activity_date"].dt.year.unique().tolist()) == [2023, 2024]
    assert sorted(sub.services["service_date"].dt.year.unique().tolist()) == [2023, 2024]
    assert sorted(sub.injuries["injury_date"].dt.year.unique().tolist()) == [2023, 2024]
    commune = sub.units["level"] == "COMMUNE"
    assert (sub.units.loc[commune, "records_from"] == pd.Timestamp("2023-01-01")).all()
    for period in ("2023", "2024"):
        for indicator_id in PLAN_IDS[:-1]:
            value = float(compute(indicator_id, sub, period=period)["value"].iloc[0])
            assert 30.0 <= value <= 100.0, (indicator_id, period, value)
        population = compute("child_population", sub, period=period)["numerator"].iloc[0]
        assert 4_800 <= population <= 6_000
    # activities never count more participants than the group has
    acts = sub.activities
    sized = acts["group_size"].notna()
    assert (acts.loc[sized, "participants"] <= acts.loc[sized, "group_size"]).all()


def test_one_year_is_the_default() -> None:
    one = synth.generate(1500, seed=9, year=2023)
    same = synth.generate(1500, seed=9, year=2023, years=1)
    for table, frame in one.tables():
        pd.testing.assert_frame_equal(frame, same[table], obj=table)
    assert set(one.activities["activity_date"].dt.year) == {2023}
    with pytest.raises(synth.SynthError, match="years must be"):
        synth.generate(100, years=0)


def test_split_keeps_activities_and_services_once() -> None:
    sub = synth.generate(9000, seed=4, n_communes=3, years=2)
    parts = sub.split("commune")
    assert sum(len(p.activities) for p in parts.values()) == len(sub.activities)
    assert sum(len(p.services) for p in parts.values()) == len(sub.services)
    whole = compute("families_informed_percent", sub, period="2024")
    num = sum(
        float(compute("families_informed_percent", p, period="2024")["numerator"].iloc[0])
        for p in parts.values()
        if len(p.activities)
    )
    assert num == float(whole["numerator"].iloc[0])


def test_the_example_folder_has_two_years_of_plan_measures() -> None:
    folder = Path(__file__).resolve().parents[2] / "examples" / "thi-tran-thang-2024"
    sub = chitieu.read_submission(folder)
    assert {"activities", "services"} <= set(sub.tables_present)
    for period in ("2023", "2024"):
        r = compute("officials_trained_percent", sub, period=period)
        assert r["denominator"].iloc[0] > 0
