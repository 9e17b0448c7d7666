"""A tiny submission whose every indicator can be checked by hand.

Two communes of district 001 (province 01, division version 2008): ``00001``
(urban) and ``00002`` (rural). For the period ``2024`` (reference date
2024-12-31):

======  =======  ==========  ===  ====================================================
child   commune  born        sex  why it matters
======  =======  ==========  ===  ====================================================
C1      00001    2016-02-29  M    age 8; groups D and N; supported; consulted; injured
                                  twice (drowning on 1 Jan, traffic on 31 Dec)
C2      00001    2020-06-30  F    age 4; birth registered; at risk since Feb 2024
C3      00002    2010-01-15  M    age 14, Tày; group A ending on 31 Dec (still in);
                                  consulted twice; abused (case A1, not supported)
C4      00002    2022-03-01  F    age 2; ethnicity unknown; birth registration unknown
C5      00002    2012-07-01  M    age 12; mild disability; group D ended in May (out);
                                  abused in cases A1 and A2, supported
C6      00001    2008-05-05  M    16 on the reference date: not a child
C7      00001    2015-01-01  F    moved away on 2024-06-01: not in the stock
C8      00001    2024-09-09  M    born in the period; birth not registered
======  =======  ==========  ===  ====================================================

So the stock is C1, C2, C3, C4, C5, C8 (4 boys, 2 girls). A visitor ``V1``
(girl, born 2019-04-04, not on the register) drowned in commune 00002 on
2024-07-14. Abuse case A3 and sanction D4 are dated 2023 (outside). Sanctions
D1 and D2 (case A1, violators P1 and P2, fines 15 and 20 million VND) and D3
(no case, an organisation, warning) are in 2024.

Examples
--------
>>> sub = tiny_submission()
>>> len(sub.children), len(sub.injuries), len(sub.sanctions)
(8, 4, 4)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from chitieu.schemas import TABLES, column_specs
from chitieu.submission import Submission

__all__ = ["make_frame", "tiny_submission"]


def make_frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A canonical frame of *table* from a list of dicts (missing keys are empty).

    >>> make_frame("supports", [{"child_id": "C1", "support_date": "2024-06-01"}]).dtypes.tolist()
    [<StringDtype(na_value=nan)>, dtype('<M8[us]'), <StringDtype(na_value=nan)>]
    """
    specs = column_specs(table)
    data: dict[str, pd.Series] = {}
    for name, spec in specs.items():
        values = [row.get(name) for row in rows]
        if spec.kind == "date":
            data[name] = pd.Series(
                pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[us]"
            )
        else:
            data[name] = pd.Series(values, dtype=spec.dtype)
    return pd.DataFrame(data)


def tiny_submission() -> Submission:
    """The submission described in the module docstring (a new copy at each call)."""
    v = "2008"
    units = make_frame(
        "units",
        [
            {"unit_code": "01", "division_version": v, "name": "Tỉnh Mẫu", "level": "PROVINCE"},
            {
                "unit_code": "001",
                "division_version": v,
                "name": "Huyện Mẫu",
                "level": "DISTRICT",
                "province_code": "01",
            },
            {
                "unit_code": "00001",
                "division_version": v,
                "name": "Thị trấn Một",
                "level": "COMMUNE",
                "records_from": "2024-01-01",
                "records_to": "2024-12-31",
                "district_code": "001",
                "province_code": "01",
                "urban_rural": "URBAN",
                "villages": 10,
                "villages_with_facilities": 7,
                "has_playground": True,
                "child_friendly": True,
                "population_total": 5000,
                "live_births": 60,
                "deaths_neonatal": 1,
                "deaths_under1": 1,
                "deaths_under5": 2,
            },
            {
                "unit_code": "00002",
                "division_version": v,
                "name": "Xã Hai",
                "level": "COMMUNE",
                "records_from": "2024-01-01",
                "records_to": "2024-12-31",
                "district_code": "001",
                "province_code": "01",
                "urban_rural": "RURAL",
                "villages": 6,
                "villages_with_facilities": 3,
                "has_playground": False,
                "child_friendly": None,
                "population_total": 4000,
                "live_births": 40,
                "deaths_neonatal": 0,
                "deaths_under1": 1,
                "deaths_under5": 1,
            },
        ],
    )

    def child(cid: str, commune: str, born: str, sex: str, **kw: Any) -> dict[str, Any]:
        row = {
            "child_id": cid,
            "commune_code": commune,
            "division_version": v,
            "birth_date": born,
            "sex": sex,
            "ethnicity": "01",
            "disability": "NONE",
            "birth_registered": True,
        }
        row.update(kw)
        return row

    children = make_frame(
        "children",
        [
            child("C1", "00001", "2016-02-29", "M"),
            child("C2", "00001", "2020-06-30", "F", at_risk_from="2024-02-01"),
            child("C3", "00002", "2010-01-15", "M", ethnicity="02"),
            child("C4", "00002", "2022-03-01", "F", ethnicity="99", birth_registered=None),
            child(
                "C5",
                "00002",
                "2012-07-01",
                "M",
                disability="MILD",
                at_risk_from="2023-01-01",
                at_risk_to="2024-02-01",
            ),
            child("C6", "00001", "2008-05-05", "M"),
            child("C7", "00001", "2015-01-01", "F", exit_date="2024-06-01", exit_reason="MOVED"),
            child("C8", "00001", "2024-09-09", "M", birth_registered=False),
        ],
    )
    circumstances = make_frame(
        "circumstances",
        [
            {"child_id": "C1", "group": "HCDB_D", "start_date": "2023-01-01"},
            {"child_id": "C1", "group": "HCDB_N", "start_date": "2024-03-01"},
            {
                "child_id": "C3",
                "group": "HCDB_A",
                "start_date": "2020-01-01",
                "end_date": "2024-12-31",
            },
            {
                "child_id": "C5",
                "group": "HCDB_D",
                "start_date": "2022-01-01",
                "end_date": "2024-05-01",
            },
            {"child_id": "C7", "group": "HCDB_C", "start_date": "2022-01-01"},
        ],
    )
    supports = make_frame(
        "supports",
        [
            {"child_id": "C1", "support_date": "2024-06-01", "support_type": "ALLOWANCE"},
            {"child_id": "C3", "support_date": "2023-12-01", "support_type": "GIFT"},
        ],
    )
    consultations = make_frame(
        "consultations",
        [
            {"child_id": "C1", "consultation_date": "2024-05-30", "form": "FORUM"},
            {"child_id": "C3", "consultation_date": "2024-11-01", "form": "SURVEY"},
            {"child_id": "C3", "consultation_date": "2024-12-31", "form": "FORUM"},
            {"child_id": "C2", "consultation_date": "2024-05-30", "form": "FORUM"},
        ],
    )
    injuries = make_frame(
        "injuries",
        [
            {
                "injury_id": "I1",
                "child_id": "C1",
                "registered_here": True,
                "injury_date": "2024-01-01",
                "commune_code": "00001",
                "division_version": v,
                "injury_type": "08",
                "place": "COMMUNITY",
                "outcome": "INJURED",
            },
            {
                "injury_id": "I2",
                "child_id": "C1",
                "registered_here": True,
                "injury_date": "2024-12-31",
                "commune_code": "00001",
                "division_version": v,
                "injury_type": "01",
                "place": "HOME",
                "outcome": "INJURED",
            },
            {
                "injury_id": "I3",
                "child_id": "V1",
                "registered_here": False,
                "injury_date": "2024-07-14",
                "commune_code": "00002",
                "division_version": v,
                "injury_type": "08",
                "place": "COMMUNITY",
                "outcome": "DIED",
                "sex": "F",
                "birth_date": "2019-04-04",
            },
            {
                "injury_id": "I4",
                "child_id": "C3",
                "registered_here": True,
                "injury_date": "2023-12-31",
                "commune_code": "00002",
                "division_version": v,
                "injury_type": "03",
                "place": "HOME",
                "outcome": "INJURED",
            },
        ],
    )
    abuse_cases = make_frame(
        "abuse_cases",
        [
            {
                "case_id": "A1",
                "detected_date": "2024-03-11",
                "commune_code": "00002",
                "division_version": v,
                "setting": "FAMILY",
            },
            {
                "case_id": "A2",
                "detected_date": "2024-08-01",
                "commune_code": "00002",
                "division_version": v,
                "setting": None,
            },
            {
                "case_id": "A3",
                "detected_date": "2023-11-01",
                "commune_code": "00001",
                "division_version": v,
                "setting": "SCHOOL",
            },
        ],
    )
    abuse_victims = make_frame(
        "abuse_victims",
        [
            {
                "case_id": "A1",
                "child_id": "C5",
                "registered_here": True,
                "forms": "BL;XHTD",
                "support_date": "2024-03-12",
                "support_type": "PSYCHOSOCIAL",
            },
            {"case_id": "A1", "child_id": "C3", "registered_here": True, "forms": "BL"},
            {"case_id": "A2", "child_id": "C5", "registered_here": True, "forms": "XHTD"},
            {"case_id": "A3", "child_id": "C1", "registered_here": True, "forms": "BL"},
        ],
    )
    sanctions = make_frame(
        "sanctions",
        [
            {
                "decision_id": "D1",
                "decision_date": "2024-04-02",
                "commune_code": "00002",
                "division_version": v,
                "case_id": "A1",
                "violator_type": "INDIVIDUAL",
                "violator_id": "P1",
                "act": "BL",
                "fine_vnd": 15_000_000,
                "measures": "FINE",
            },
            {
                "decision_id": "D2",
                "decision_date": "2024-04-02",
                "commune_code": "00002",
                "division_version": v,
                "case_id": "A1",
                "violator_type": "INDIVIDUAL",
                "violator_id": "P2",
                "act": "XHTD",
                "fine_vnd": 20_000_000,
                "measures": "FINE;CONFISCATION",
            },
            {
                "decision_id": "D3",
                "decision_date": "2024-09-10",
                "commune_code": "00001",
                "division_version": v,
                "violator_type": "ORGANISATION",
                "act": "BL",
                "measures": "WARNING",
            },
            {
                "decision_id": "D4",
                "decision_date": "2023-12-01",
                "commune_code": "00001",
                "division_version": v,
                "violator_type": "INDIVIDUAL",
                "violator_id": "P9",
                "act": "BL",
                "fine_vnd": 5_000_000,
                "measures": "FINE",
            },
        ],
    )
    return Submission(
        children=children,
        circumstances=circumstances,
        supports=supports,
        consultations=consultations,
        injuries=injuries,
        abuse_cases=abuse_cases,
        abuse_victims=abuse_victims,
        sanctions=sanctions,
        units=units,
        source="chitieu.indicators.examples.tiny_submission",
        tables_present=tuple(TABLES),
    )
