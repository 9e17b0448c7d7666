"""Edges of the counting contract, each rule with a test small enough to check by hand.

The rules are those of docs/semantics.md ("Edges decided" and "How chitieu applies
these rules").
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from chitieu.compute import compute
from chitieu.indicators import get_indicator
from chitieu.indicators.examples import make_frame
from chitieu.report import report
from chitieu.submission import Submission
from chitieu.units import UNKNOWN_UNIT

V = "2008"


def _units() -> pd.DataFrame:
    return make_frame(
        "units",
        [
            {"unit_code": "01", "division_version": V, "name": "Tỉnh", "level": "PROVINCE"},
            {
                "unit_code": "00001",
                "division_version": V,
                "name": "Xã Một",
                "level": "COMMUNE",
                "province_code": "01",
                "records_from": "2024-01-01",
                "records_to": "2024-12-31",
            },
        ],
    )


def _child(cid: str, commune: str | None, **kw: Any) -> dict[str, Any]:
    row = {
        "child_id": cid,
        "commune_code": commune,
        "division_version": V,
        "birth_date": "2015-06-01",
        "sex": "F",
        "ethnicity": "01",
    }
    row.update(kw)
    return row


def _sub(children: list[dict[str, Any]], **tables: list[dict[str, Any]]) -> Submission:
    return Submission(
        children=make_frame("children", children),
        units=_units(),
        **{name: make_frame(name, rows) for name, rows in tables.items()},
    )


def test_commune_not_in_the_units_table_is_counted_under_unknown() -> None:
    # Rule: a record whose commune is not in the units table stays visible, at commune
    # level under "unknown" with the unknown_unit flag; never as a unit of its own.
    sub = _sub([_child("A", "00001"), _child("B", "09999")])
    by_commune = compute(
        "child_population", sub, period="2024", by=("commune",), validation="skip"
    ).set_index("unit_code")
    assert by_commune["numerator"].to_dict() == {"00001": 1, UNKNOWN_UNIT: 1}
    rep = report(sub, period="2024", indicators=["child_population"], validation="skip")
    unknown = rep.totals().set_index("unit_code").loc[UNKNOWN_UNIT]
    assert unknown["numerator"] == 1 and "unknown_unit" in unknown["flags"]


def test_compute_and_report_name_the_unknown_unit_alike() -> None:
    sub = _sub([_child("A", "00001"), _child("B", None)])
    out = compute("child_population", sub, period="2024", by=("commune",), validation="skip")
    rep = report(sub, period="2024", indicators=["child_population"], validation="skip")
    row = out.loc[out["unit_code"] == UNKNOWN_UNIT].iloc[0]
    rep_row = rep.totals().set_index("unit_code").loc[UNKNOWN_UNIT]
    # the record has no commune but has its division version: it keeps it
    assert row["division_version"] == rep_row["division_version"] == V


def _mixed_versions() -> Submission:
    """A province of 2008 data and one of 2025 data, each with a record without a commune."""
    units = make_frame(
        "units",
        [
            {"unit_code": "01", "division_version": "2008", "name": "Tỉnh A", "level": "PROVINCE"},
            {
                "unit_code": "00001",
                "division_version": "2008",
                "name": "Xã Một",
                "level": "COMMUNE",
                "province_code": "01",
                "records_from": "2024-01-01",
                "records_to": "2024-12-31",
            },
            {"unit_code": "02", "division_version": "2025", "name": "Tỉnh B", "level": "PROVINCE"},
            {
                "unit_code": "00002",
                "division_version": "2025",
                "name": "Xã Hai",
                "level": "COMMUNE",
                "province_code": "02",
                "records_from": "2024-01-01",
                "records_to": "2024-12-31",
            },
        ],
    )
    children = [
        _child("A", "00001"),
        _child("B", None),  # 2008, commune missing
        _child("C", "00002", division_version="2025"),
        _child("D", None, division_version="2025"),  # 2025, commune missing
        _child("E", "00002", division_version="2025"),
    ]
    return Submission(children=make_frame("children", children), units=units)


def test_a_record_without_a_commune_keeps_its_division_version() -> None:
    # Rule: a record whose commune is missing stays under "unknown" and keeps its own
    # division version, also when 2008 and 2025 data are mixed.
    sub = _mixed_versions()
    rep = report(sub, period="2024", indicators=["child_population"], validation="skip")
    communes = rep.totals().set_index(["unit_code", "division_version"])["numerator"]
    assert communes.to_dict() == {
        ("00001", "2008"): 1,
        ("00002", "2025"): 2,
        (UNKNOWN_UNIT, "2008"): 1,
        (UNKNOWN_UNIT, "2025"): 1,
    }
    out = compute("child_population", sub, period="2024", by=("commune",), validation="skip")
    got = out.set_index(["unit_code", "division_version"])["numerator"].to_dict()
    assert got == communes.to_dict()


def test_national_rows_of_mixed_versions_add_up_from_their_provinces() -> None:
    # With the version kept, every national row is the sum of the province rows of
    # the same version, the records without a commune included.
    sub = _mixed_versions()
    rep = report(sub, period="2024", indicators=["child_population"], validation="skip")
    provinces = rep.rollup("province").totals()
    national = rep.rollup("national").totals()
    by_version = provinces.groupby("division_version")["numerator"].sum().to_dict()
    assert national.set_index("division_version")["numerator"].to_dict() == by_version
    assert by_version == {"2008": 2, "2025": 3}


def _abuse(support_date: str, detected: str = "2024-12-20") -> Submission:
    return _sub(
        [_child("A", "00001")],
        abuse_cases=[
            {
                "case_id": "K1",
                "detected_date": detected,
                "commune_code": "00001",
                "division_version": V,
                "setting": "FAMILY",
            }
        ],
        abuse_victims=[
            {
                "case_id": "K1",
                "child_id": "A",
                "registered_here": True,
                "forms": "PHYSICAL",
                "support_date": support_date,
                "support_type": "COUNSELLING",
            }
        ],
    )


def test_support_after_the_period_does_not_count_without_a_follow_up_window() -> None:
    # Rule: outcomes count only when dated within the period (a report is reproducible:
    # records dated after the reference date never change it).
    late = _abuse("2025-01-03")
    got = compute("abused_children_supported", late, period="2024", validation="skip").iloc[0]
    assert (got["numerator"], got["denominator"]) == (0, 1)
    inside = _abuse("2024-12-28")
    got = compute("abused_children_supported", inside, period="2024", validation="skip").iloc[0]
    assert (got["numerator"], got["denominator"]) == (1, 1)


def test_a_named_follow_up_window_counts_supports_soon_after_detection() -> None:
    late = _abuse("2025-01-03")  # 14 days after detection on 20 December
    within = compute(
        "abused_children_supported", late, period="2024", follow_up_days=30, validation="skip"
    ).iloc[0]
    assert within["numerator"] == 1
    short = compute(
        "abused_children_supported", late, period="2024", follow_up_days=7, validation="skip"
    ).iloc[0]
    assert short["numerator"] == 0
    with pytest.raises(ValueError, match="follow_up_days"):
        compute(
            "abused_children_supported", late, period="2024", follow_up_days=-1, validation="skip"
        )


def test_births_count_by_birth_date_whatever_the_entry_date() -> None:
    # Rule: births count by birth date; the stock counts only children entered by then.
    sub = _sub(
        [
            _child("A", "00001", birth_date="2024-03-01", sex="M", entry_date="2025-02-01"),
            _child("B", "00001", birth_date="2024-05-01", sex="F", entry_date="2024-05-10"),
        ]
    )
    ratio = compute("sex_ratio_at_birth", sub, period="2024", validation="skip").iloc[0]
    assert (ratio["numerator"], ratio["denominator"]) == (1, 1)
    stock = compute("child_population", sub, period="2024", validation="skip").iloc[0]
    assert stock["numerator"] == 1  # A was entered after the reference date
    assert "Births count by birth date" in get_indicator("sex_ratio_at_birth").notes


def test_a_child_who_moved_is_born_once() -> None:
    # Two register rows of one child (moved from 00001 to 00001's neighbour on 1 July):
    # births count the child once.
    sub = _sub(
        [
            _child("A", "00001", birth_date="2024-02-01", sex="M", exit_date="2024-07-01",
                   exit_reason="MOVED"),
            _child("A", "00001", birth_date="2024-02-01", sex="M", entry_date="2024-07-01"),
            _child("B", "00001", birth_date="2024-03-01", sex="F"),
        ]
    )
    ratio = compute("sex_ratio_at_birth", sub, period="2024", validation="skip").iloc[0]
    assert (ratio["numerator"], ratio["denominator"]) == (1, 1)


def _sanctions_sub() -> Submission:
    """Violator P sanctioned twice in 2024 (first in 00001 in March, then in 00002 in
    June), for one case K; violator Q once in 00002; a decision of 2023 for P."""
    units = make_frame(
        "units",
        [
            {"unit_code": "01", "division_version": V, "name": "Tỉnh", "level": "PROVINCE"},
            *(
                {
                    "unit_code": code,
                    "division_version": V,
                    "name": f"Xã {code}",
                    "level": "COMMUNE",
                    "province_code": "01",
                    "records_from": "2023-01-01",
                    "records_to": "2024-12-31",
                }
                for code in ("00001", "00002")
            ),
        ],
    )

    def decision(did: str, day: str, commune: str, violator: str, case: str) -> dict[str, Any]:
        return {
            "decision_id": did,
            "decision_date": day,
            "commune_code": commune,
            "division_version": V,
            "case_id": case,
            "violator_type": "INDIVIDUAL",
            "violator_id": violator,
            "act": "BL",
            "fine_vnd": 1_000_000,
            "measures": "FINE",
        }

    sanctions = make_frame(
        "sanctions",
        [
            decision("D0", "2023-05-01", "00001", "P", "K0"),
            decision("D2", "2024-06-10", "00002", "P", "K"),
            decision("D1", "2024-03-05", "00001", "P", "K"),
            decision("D3", "2024-08-01", "00002", "Q", "K2"),
        ],
    )
    return Submission(
        children=make_frame("children", [_child("A", "00001")]), units=units, sanctions=sanctions
    )


def test_a_violator_sanctioned_twice_is_one_violator_in_the_commune_of_the_first_decision() -> None:
    # Rule: violators are distinct by id; a violator's commune is that of the first
    # decision of the period (by date, whatever the row order); 2023 decisions are out.
    sub = _sanctions_sub()
    total = compute("sanctioned_violators", sub, period="2024", validation="skip")
    assert total["numerator"].tolist() == [2]  # P and Q, P once
    by = compute(
        "sanctioned_violators", sub, period="2024", by=("commune",), validation="skip"
    ).set_index("unit_code")["numerator"]
    assert by.to_dict() == {"00001": 1, "00002": 1}  # P in 00001 (March), Q in 00002


def test_a_case_with_two_decisions_is_one_case_in_the_commune_of_its_first_decision() -> None:
    # Rule: sanctions use the first decision of the period: case K (D1 in March in
    # 00001, D2 in June in 00002) is one case, in 00001; fines add every decision.
    sub = _sanctions_sub()
    cases = compute(
        "sanction_cases", sub, period="2024", by=("commune",), validation="skip"
    ).set_index("unit_code")["numerator"]
    assert cases.to_dict() == {"00001": 1, "00002": 1}  # K in 00001, K2 in 00002
    fines = compute("sanction_fines", sub, period="2024", validation="skip")
    assert fines["numerator"].tolist() == [3_000_000]  # D1 + D2 + D3; D0 is 2023
