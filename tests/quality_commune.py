"""A commune with children and injuries over several years, for the data-quality tests.

Shared by ``tests/unit/test_quality.py``, ``tests/unit/test_quality_outputs.py``
and ``tests/cli/test_report_quality.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from chitieu.indicators.examples import make_frame
from chitieu.submission import Submission


def commune(
    n_children: int,
    injuries: Mapping[int, int] | None = None,
    deaths: Mapping[int, int] | None = None,
    *,
    extra_communes: tuple[str, ...] = (),
    name: str = "Xã",
) -> Submission:
    """Commune 00001 with *n_children* children (born 2012) and, each year, some injured.

    ``injuries[year]`` children are injured that year, ``deaths[year]`` of them die.
    Every child is injured at most once; injured children are taken in order.
    *extra_communes* are in the units table without a record; every commune is
    called *name*.
    """
    place = {"commune_code": "00001", "division_version": "2008"}
    children = make_frame(
        "children",
        [
            {"child_id": f"K{i}", **place, "birth_date": "2012-06-01", "sex": "MF"[i % 2],
             "ethnicity": "01", "entry_date": "2012-06-10"}
            for i in range(n_children)
        ],
    )  # fmt: skip
    rows = []
    k = 0
    for year, n in sorted((injuries or {}).items()):
        dead = (deaths or {}).get(year, 0)
        for j in range(n):
            rows.append(
                {"injury_id": f"I{k}", "child_id": f"K{k}", "registered_here": True,
                 "injury_date": f"{year}-05-01", **place, "injury_type": "01", "place": "HOME",
                 "outcome": "DIED" if j < dead else "INJURED"}
            )  # fmt: skip
            k += 1
    units = [
        {"unit_code": "01", "division_version": "2008", "name": "Tỉnh", "level": "PROVINCE"},
        {"unit_code": "001", "division_version": "2008", "name": "Huyện", "level": "DISTRICT",
         "province_code": "01"},
    ]  # fmt: skip
    for code in ("00001", *extra_communes):
        units.append(
            {"unit_code": code, "division_version": "2008", "name": name, "level": "COMMUNE",
             "district_code": "001", "province_code": "01", "records_from": "2020-01-01",
             "records_to": "2024-12-31"}
        )  # fmt: skip
    return Submission(
        children=children,
        injuries=make_frame("injuries", rows),
        units=make_frame("units", units),
    )
