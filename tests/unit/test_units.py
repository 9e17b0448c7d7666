"""Unit hierarchies by division version (chitieu.units)."""

from __future__ import annotations

import pandas as pd
import pytest

from chitieu.errors import ChitieuError
from chitieu.indicators.examples import make_frame
from chitieu.units import (
    LEVELS,
    NATIONAL_CODE,
    UNKNOWN_UNIT,
    DivisionVersionError,
    check_level,
    has_districts,
    hierarchy,
    parent_codes,
    unit_names,
)


def _units() -> pd.DataFrame:
    rows = [
        # 2008: two districts in province 24, one in province 25
        {
            "unit_code": "10001",
            "division_version": "2008",
            "name": "Xã A",
            "level": "COMMUNE",
            "district_code": "200",
            "province_code": "24",
        },
        {
            "unit_code": "10002",
            "division_version": "2008",
            "name": "Xã B",
            "level": "COMMUNE",
            "district_code": "200",
            "province_code": "24",
        },
        {
            "unit_code": "10003",
            "division_version": "2008",
            "name": "Xã C",
            "level": "COMMUNE",
            "district_code": "201",
            "province_code": None,
        },  # province from the district row
        {
            "unit_code": "10004",
            "division_version": "2008",
            "name": "Xã D",
            "level": "COMMUNE",
            "district_code": "300",
            "province_code": "25",
        },
        {
            "unit_code": "10005",
            "division_version": "2008",
            "name": "Xã E",
            "level": "COMMUNE",
            "district_code": None,
            "province_code": None,
        },  # no parents at all
        {
            "unit_code": "10001",
            "division_version": "2008",
            "name": "Xã A lặp",
            "level": "COMMUNE",
            "district_code": "999",
            "province_code": "99",
        },  # repeated: first row wins
        {
            "unit_code": "201",
            "division_version": "2008",
            "name": "Huyện X",
            "level": "DISTRICT",
            "province_code": "24",
        },
        {
            "unit_code": "24",
            "division_version": "2008",
            "name": "Tỉnh Bắc Giang",
            "level": "PROVINCE",
        },
        # 2025: the same code 24 means another province; no districts
        {
            "unit_code": "10001",
            "division_version": "2025",
            "name": "Xã Mới",
            "level": "COMMUNE",
            "district_code": "200",
            "province_code": "24",
        },
        {
            "unit_code": "24",
            "division_version": "2025",
            "name": "Tỉnh Bắc Ninh",
            "level": "PROVINCE",
        },
    ]
    return make_frame("units", rows)


def test_levels_in_order() -> None:
    assert LEVELS == ("commune", "district", "province", "national")
    assert check_level("district") == "district"
    with pytest.raises(ValueError, match="level must be one of"):
        check_level("ward")


def test_hierarchy_2008_maps_commune_district_province_national() -> None:
    h = hierarchy(_units(), "2008")
    assert list(h.columns) == ["division_version", "commune", "district", "province", "national"]
    got = h.set_index("commune")
    assert got.loc["10001", "district"] == "200"  # first row of a repeated code
    assert got.loc["10001", "province"] == "24"
    assert got.loc["10003", "province"] == "24"  # taken from district 201's row
    assert got.loc["10004", "province"] == "25"
    assert got.loc["10005", "district"] == UNKNOWN_UNIT
    assert got.loc["10005", "province"] == UNKNOWN_UNIT
    assert set(h["national"]) == {NATIONAL_CODE}
    assert h["commune"].tolist() == sorted(h["commune"])
    assert len(h) == 5


def test_hierarchy_2025_has_no_districts() -> None:
    h = hierarchy(_units(), "2025")
    assert h["commune"].tolist() == ["10001"]
    assert h["district"].isna().all()  # the district code written on the row is ignored
    assert h["province"].tolist() == ["24"]


def test_hierarchy_unknown_version_is_an_error() -> None:
    with pytest.raises(DivisionVersionError, match="division version must be one of 2008, 2025"):
        hierarchy(_units(), "2019")
    assert issubclass(DivisionVersionError, ChitieuError)
    assert issubclass(DivisionVersionError, ValueError)


def test_hierarchy_of_empty_units_table() -> None:
    h = hierarchy(make_frame("units", []), "2008")
    assert h.empty
    assert list(h.columns) == ["division_version", "commune", "district", "province", "national"]


def test_has_districts() -> None:
    assert has_districts("2008") is True
    assert has_districts("2025") is False


def _hierarchies() -> dict[str, pd.DataFrame]:
    units = _units()
    return {v: hierarchy(units, v) for v in ("2008", "2025")}


def test_parent_codes_follow_the_version_of_each_unit() -> None:
    codes = pd.Series(["10001", "10001", "10004", "77777"])
    versions = pd.Series(["2008", "2025", "2008", "2008"])
    province = parent_codes(
        codes, versions, from_level="commune", to_level="province", hierarchies=_hierarchies()
    )
    assert province.tolist() == ["24", "24", "25", UNKNOWN_UNIT]
    national = parent_codes(
        codes, versions, from_level="commune", to_level="national", hierarchies=_hierarchies()
    )
    assert set(national) == {NATIONAL_CODE}


def test_parent_codes_district_to_province() -> None:
    got = parent_codes(
        pd.Series(["200", "201", "300"]),
        pd.Series(["2008"] * 3),
        from_level="district",
        to_level="province",
        hierarchies=_hierarchies(),
    )
    assert got.tolist() == ["24", "24", "25"]


def test_parent_codes_no_districts_in_2025() -> None:
    with pytest.raises(DivisionVersionError, match=r"no districts.*crosswalk"):
        parent_codes(
            pd.Series(["10001"]),
            pd.Series(["2025"]),
            from_level="commune",
            to_level="district",
            hierarchies=_hierarchies(),
        )


def test_parent_codes_cannot_roll_down() -> None:
    with pytest.raises(ValueError, match="cannot roll province figures down to commune"):
        parent_codes(
            pd.Series(["24"]),
            pd.Series(["2008"]),
            from_level="province",
            to_level="commune",
            hierarchies=_hierarchies(),
        )


def test_parent_codes_version_without_hierarchy() -> None:
    with pytest.raises(DivisionVersionError, match="no unit hierarchy"):
        parent_codes(
            pd.Series(["10001"]),
            pd.Series(["2025"]),
            from_level="commune",
            to_level="province",
            hierarchies={"2008": hierarchy(_units(), "2008")},
        )


def test_unit_names_keep_versions_apart() -> None:
    names = unit_names(_units())
    provinces = names.loc[names["level"] == "province"].set_index("division_version")["name"]
    assert provinces["2008"] == "Tỉnh Bắc Giang"
    assert provinces["2025"] == "Tỉnh Bắc Ninh"
    communes = names.loc[(names["level"] == "commune") & (names["division_version"] == "2008")]
    assert communes.set_index("unit_code").loc["10001", "name"] == "Xã A"
    assert set(names.loc[names["level"] == "national", "unit_code"]) == {NATIONAL_CODE}
