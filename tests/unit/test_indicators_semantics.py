"""The rules of docs/semantics.md, one test each, on small hand-made submissions."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu.compute import Context as _Context
from chitieu.compute import compute as _compute
from chitieu.errors import DataNotAvailableError, UnknownIndicatorError
from chitieu.indicators.examples import make_frame, tiny_submission
from chitieu.submission import Submission

V = "2008"


# These tests check the counting rules on the data as given. Some rows are invalid
# on purpose (a missing birth date, a child listed twice), so validation on the way
# in is skipped here; it has tests of its own (tests/unit/test_inbound.py).
def compute(indicator_id: str, data: Submission, **kwargs: Any) -> pd.DataFrame:
    return _compute(indicator_id, data, validation="skip", **kwargs)


def Context(data: Submission, period: str, **kwargs: Any) -> _Context:
    return _Context(data, period, validation="skip", **kwargs)


def _units(*communes: str) -> pd.DataFrame:
    return make_frame(
        "units",
        [
            {
                "unit_code": c,
                "division_version": V,
                "name": c,
                "level": "COMMUNE",
                "records_from": "2020-01-01",
                "records_to": "2025-12-31",
                "province_code": "01",
                "urban_rural": "RURAL",
            }
            for c in communes
        ],
    )


def _child(cid: str, born: str, **kw: Any) -> dict[str, Any]:
    row = {
        "child_id": cid,
        "commune_code": "00001",
        "division_version": V,
        "birth_date": born,
        "sex": "F",
        "ethnicity": "01",
    }
    row.update(kw)
    return row


def _sub(children: list[dict[str, Any]], **tables: list[dict[str, Any]]) -> Submission:
    frames = {name: make_frame(name, rows) for name, rows in tables.items()}
    return Submission(
        children=make_frame("children", children), units=_units("00001", "00002"), **frames
    )


def _total(indicator: str, sub: Submission, period: str = "2024", **kw: Any) -> pd.Series:
    out = compute(indicator, sub, period=period, **kw)
    assert len(out) == 1
    return out.iloc[0]


# -- who is in the stock ----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "born", "counted"),
    [
        ({}, "2010-01-01", True),
        ({}, "2008-12-31", False),  # turned 16 on the reference date
        ({}, "2009-01-01", True),  # turns 16 the day after the reference date
        ({}, "2025-01-01", False),  # not yet born
        ({}, "2024-12-31", True),  # born on the reference date
        ({"exit_date": "2024-12-31", "exit_reason": "MOVED"}, "2015-01-01", False),
        ({"exit_date": "2025-01-01", "exit_reason": "MOVED"}, "2015-01-01", True),
        ({"exit_date": "2024-03-01", "exit_reason": "DIED"}, "2015-01-01", False),
        ({"exit_reason": "DIED"}, "2015-01-01", False),  # left, date unknown
        ({"entry_date": "2025-02-01"}, "2015-01-01", False),  # not yet on the register
        ({"entry_date": "2024-12-31"}, "2015-01-01", True),
    ],
)
def test_stock_rule(extra: dict[str, Any], born: str, counted: bool) -> None:
    sub = _sub([_child("A", born, **extra), _child("B", "2012-05-05")])
    assert _total("child_population", sub)["numerator"] == 1 + counted


def test_missing_birth_date_is_kept_in_unknown_age_group() -> None:
    sub = _sub([_child("A", None), _child("B", "2012-05-05")])  # type: ignore[arg-type]
    t = compute("child_population", sub, period="2024", by=("age_group",))
    assert dict(zip(t["age_group"], t["numerator"], strict=True)) == {
        "0-5": 0,
        "6-9": 0,
        "10-13": 1,
        "14-15": 0,
        "unknown": 1,
    }


def test_child_id_listed_twice_counts_once() -> None:
    sub = _sub([_child("A", "2012-01-01"), _child("A", "2013-01-01")])
    assert _total("child_population", sub)["numerator"] == 1


def test_age_group_uses_29_february_rule() -> None:
    # Born 29 Feb 2020: 5 on 28 Feb 2025? No: still 4 then, 5 on 1 March.
    sub = _sub([_child("A", "2020-02-29")])
    t = compute(
        "child_population",
        sub,
        period="2025-01-01..2025-02-28",
        by=("age_group",),
        age_bands=(0, 5),
    )
    assert t.set_index("age_group")["numerator"].to_dict() == {"0-4": 1, "5-15": 0}
    t = compute(
        "child_population",
        sub,
        period="2025-01-01..2025-03-01",
        by=("age_group",),
        age_bands=(0, 5),
    )
    assert t.set_index("age_group")["numerator"].to_dict() == {"0-4": 0, "5-15": 1}


def test_age_bands_are_validated() -> None:
    with pytest.raises(ValueError, match="age_bands must be increasing"):
        compute(
            "child_population",
            tiny_submission(),
            period="2024",
            by=("age_group",),
            age_bands=(2, 6),
        )


# -- events in the period -----------------------------------------------------------


def _injury(iid: str, cid: str, day: str, **kw: Any) -> dict[str, Any]:
    row = {
        "injury_id": iid,
        "child_id": cid,
        "registered_here": True,
        "injury_date": day,
        "commune_code": "00001",
        "division_version": V,
        "injury_type": "01",
        "place": "HOME",
        "outcome": "INJURED",
    }
    row.update(kw)
    return row


def test_events_on_both_ends_of_the_period_count() -> None:
    children = [_child(c, "2012-01-01") for c in "ABCD"]
    injuries = [
        _injury("1", "A", "2024-04-01"),
        _injury("2", "B", "2024-06-30"),
        _injury("3", "C", "2024-03-31"),
        _injury("4", "D", "2024-07-01"),
    ]
    sub = _sub(children, injuries=injuries)
    assert _total("injury_events", sub, "2024-Q2")["numerator"] == 2
    assert _total("injury_rate", sub, "2024-Q2")["numerator"] == 2


def test_a_child_injured_twice_counts_once_among_children_twice_among_events() -> None:
    sub = _sub(
        [_child("A", "2012-01-01")],
        injuries=[_injury("1", "A", "2024-02-01"), _injury("2", "A", "2024-05-01", place="SCHOOL")],
    )
    assert _total("injury_rate", sub)["numerator"] == 1
    assert _total("injury_events", sub)["numerator"] == 2
    by_place = compute("injury_rate", sub, period="2024", by=("place",)).set_index("place")
    assert by_place.loc["HOME", "numerator"] == 1 and by_place.loc["SCHOOL", "numerator"] == 1


def test_injured_person_aged_16_at_the_event_is_not_a_child_event() -> None:
    sub = _sub([_child("A", "2008-03-01")], injuries=[_injury("1", "A", "2024-03-01")])
    assert _total("injury_events", sub)["numerator"] == 0


def test_visitor_counts_in_the_event_commune_with_the_event_sex() -> None:
    sub = _sub(
        [_child("A", "2012-01-01")],
        injuries=[
            _injury(
                "1",
                "V",
                "2024-05-01",
                registered_here=False,
                sex="M",
                birth_date="2015-01-01",
                commune_code="00002",
            )
        ],
    )
    t = compute("injury_events", sub, period="2024", by=("commune", "sex"))
    hit = t.loc[t["numerator"] > 0, ["unit_code", "sex", "numerator"]].values.tolist()
    assert hit == [["00002", "M", 1]]


def test_attribution_residence_or_event() -> None:
    sub = _sub(
        [_child("A", "2012-01-01")],
        injuries=[_injury("1", "A", "2024-05-01", commune_code="00002")],
    )
    home = compute("injury_rate", sub, period="2024", by=("commune",))
    there = compute("injury_rate", sub, period="2024", by=("commune",), attribution="event")
    assert home.set_index("unit_code")["numerator"].to_dict() == {"00001": 1, "00002": 0}
    assert there.set_index("unit_code")["numerator"].to_dict() == {"00001": 0, "00002": 1}
    with pytest.raises(ValueError, match="attribution must be"):
        compute("injury_rate", sub, period="2024", attribution="school")


# -- zero denominators, unknown categories ---------------------------------------------


def test_zero_denominator_gives_missing_value_not_zero() -> None:
    sub = _sub([_child("A", "2012-01-01")])  # nobody in commune 00002
    t = compute("special_circumstances", sub, period="2024", by=("commune",)).set_index("unit_code")
    assert t.loc["00002", "denominator"] == 0 and np.isnan(t.loc["00002", "value"])
    assert t.loc["00001", "value"] == 0.0


def test_unknown_categories_are_kept() -> None:
    sub = _sub(
        [_child("A", "2012-01-01", sex=None, ethnicity="ZZ"), _child("B", "2013-01-01")],
        injuries=[_injury("1", "A", "2024-05-01", injury_type=None, place=None)],
    )
    sex = compute("child_population", sub, period="2024", by=("sex",)).set_index("sex")
    assert sex.loc["U", "numerator"] == 1 and sex["numerator"].sum() == 2
    eth = compute("child_population", sub, period="2024", by=("ethnicity",)).set_index("ethnicity")
    assert eth.loc["99", "numerator"] == 1
    types = compute("injury_events", sub, period="2024", by=("injury_type",)).set_index(
        "injury_type"
    )
    assert types.loc["unknown", "numerator"] == 1
    place = compute("injury_events", sub, period="2024", by=("place",)).set_index("place")
    assert place.loc["UNKNOWN", "numerator"] == 1


def test_unknown_row_is_left_out_when_empty_but_codes_are_all_there() -> None:
    t = compute("injury_events", tiny_submission(), period="2024", by=("injury_type",))
    assert t["injury_type"].tolist() == [f"{i:02d}" for i in range(1, 12)]


def test_count_has_value_equal_to_numerator_and_missing_denominator() -> None:
    t = compute("child_population", tiny_submission(), period="2024", by=("sex",))
    assert (t["value"] == t["numerator"]).all() and t["denominator"].isna().all()
    assert list(t.columns) == ["sex", "numerator", "denominator", "value"]


# -- special circumstances and supports -----------------------------------------------


def test_spell_ending_before_the_reference_date_is_out_and_on_it_is_in() -> None:
    sub = _sub(
        [_child("A", "2012-01-01"), _child("B", "2012-01-01"), _child("C", "2012-01-01")],
        circumstances=[
            {
                "child_id": "A",
                "group": "HCDB_A",
                "start_date": "2020-01-01",
                "end_date": "2024-12-30",
            },
            {
                "child_id": "B",
                "group": "HCDB_A",
                "start_date": "2020-01-01",
                "end_date": "2024-12-31",
            },
            {"child_id": "C", "group": "HCDB_A", "start_date": "2025-01-01"},
        ],
    )
    assert _total("special_circumstances", sub)["numerator"] == 1


def test_child_in_two_groups_counts_once_in_total_and_once_per_group() -> None:
    sub = _sub(
        [_child("A", "2012-01-01")],
        circumstances=[
            {"child_id": "A", "group": "HCDB_A", "start_date": "2020-01-01"},
            {"child_id": "A", "group": "HCDB_D", "start_date": "2021-01-01"},
            {"child_id": "A", "group": "HCDB_D", "start_date": "2022-01-01"},
        ],
    )
    assert _total("special_circumstances", sub)["numerator"] == 1
    g = compute("special_circumstances", sub, period="2024", by=("group",)).set_index("group")
    assert g.loc["HCDB_A", "numerator"] == 1 and g.loc["HCDB_D", "numerator"] == 1
    assert g["numerator"].sum() == 2


def test_supports_by_group_share_the_childs_support() -> None:
    t = compute(
        "special_circumstances_supported", tiny_submission(), period="2024", by=("group",)
    ).set_index("group")
    assert t.loc["HCDB_D", ["numerator", "denominator"]].tolist() == [1, 1]
    assert t.loc["HCDB_A", ["numerator", "denominator"]].tolist() == [0, 1]
    assert np.isnan(t.loc["HCDB_B", "value"])


# -- abuse and sanctions --------------------------------------------------------------


def test_abuse_forms_and_settings_are_multi_response() -> None:
    sub = tiny_submission()
    s = compute("abused_children", sub, period="2024", by=("setting",)).set_index("setting")
    assert s.loc["FAMILY", "numerator"] == 2 and s.loc["UNKNOWN", "numerator"] == 1
    c = compute("abuse_cases", sub, period="2024", by=("form",)).set_index("form")
    assert c.loc["BL", "numerator"] == 1 and c.loc["XHTD", "numerator"] == 2


def test_sanctions_breakdowns() -> None:
    sub = tiny_submission()
    m = compute("sanctioned_violators", sub, period="2024", by=("measure",)).set_index("measure")
    assert m.loc["FINE", "numerator"] == 2 and m.loc["CONFISCATION", "numerator"] == 1
    assert m.loc["WARNING", "numerator"] == 1
    f = compute("sanction_fines", sub, period="2024", by=("act",)).set_index("act")
    assert f.loc["BL", "numerator"] == 15_000_000 and f.loc["XHTD", "numerator"] == 20_000_000
    cases = compute("sanction_cases", sub, period="2024", by=("act",)).set_index("act")
    assert cases.loc["BL", "numerator"] == 2 and cases.loc["XHTD", "numerator"] == 1


# -- units and external data ------------------------------------------------------------


def test_units_with_missing_fact_are_counted_apart() -> None:
    t = compute("child_friendly_communes", tiny_submission(), period="2024", by=("commune",))
    t = t.set_index("unit_code")
    assert t.loc["00001", ["numerator", "denominator", "units_missing"]].tolist() == [1, 1, 0]
    assert t.loc["00002", ["numerator", "denominator", "units_missing"]].tolist() == [0, 0, 1]
    assert np.isnan(t.loc["00002", "value"])


def _extra(**kw: Any) -> pd.DataFrame:
    data = {
        "unit_code": ["00001", "00002", "00001"],
        "division_version": V,
        "period": ["2024", "2024", "2023"],
        "numerator": [6, None, 1],
        "denominator": [10, 10, 2],
    }
    data.update(kw)
    return pd.DataFrame(data)


def test_external_indicator_uses_only_rows_of_the_period() -> None:
    out = compute(
        "full_immunisation_under1",
        tiny_submission(),
        period="2024",
        extra={"immunisation": _extra()},
        by=("commune",),
    ).set_index("unit_code")
    assert out.loc["00001", ["numerator", "denominator", "value"]].tolist() == [6, 10, 60]
    assert out.loc["00002", "units_missing"] == 1 and np.isnan(out.loc["00002", "value"])


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (None, "needs data the records do not carry"),
        ({"immunisation": _extra().drop(columns=["denominator"])}, "lacks the columns denominator"),
        ({"immunisation": _extra(period="2023")}, "no row for period 2024"),
        ({"immunisation": _extra(period="last year")}, "values that are not periods"),
    ],
)
def test_external_indicator_without_data_raises(extra: Any, fragment: str) -> None:
    with pytest.raises(DataNotAvailableError, match=fragment):
        compute("full_immunisation_under1", tiny_submission(), period="2024", extra=extra)


# -- calling conventions ----------------------------------------------------------------


def test_bad_calls_name_what_is_allowed() -> None:
    sub = tiny_submission()
    with pytest.raises(ValueError, match="allowed: commune, sex, age_group"):
        compute("child_population", sub, period="2024", by=("injury_type",))
    with pytest.raises(TypeError, match="options: age_bands"):
        compute("child_population", sub, period="2024", colour="red")
    with pytest.raises(UnknownIndicatorError, match="closest: injury_rate"):
        compute("injury_rat", sub, period="2024")
    with pytest.raises(ValueError, match="repeated"):
        compute("child_population", sub, period="2024", by=("sex", "sex"))
    with pytest.raises(TypeError, match="Submission"):
        Context(sub.children, "2024")  # type: ignore[arg-type]


def test_context_is_shared_and_checked() -> None:
    sub = tiny_submission()
    ctx = Context(sub, "2024")
    first = ctx.compute("injury_rate", by=("sex",))
    assert ctx.register is ctx.register
    again = compute("injury_rate", sub, period="2024", by=("sex",), context=ctx)
    pd.testing.assert_frame_equal(first, again)
    with pytest.raises(ValueError, match="another submission"):
        compute("injury_rate", tiny_submission(), period="2024", context=ctx)
    with pytest.raises(ValueError, match="built for period 2024"):
        compute("injury_rate", sub, period="2024-H1", context=ctx)


def test_package_level_compute_is_callable_after_importing_the_module() -> None:
    import chitieu.compute as module

    assert callable(chitieu.compute)
    out = module(  # type: ignore[operator]
        "child_population", tiny_submission(), period="2024"
    )
    assert out["numerator"].tolist() == [6]


def test_multi_dimension_breakdown_is_the_full_product() -> None:
    t = compute("child_population", tiny_submission(), period="2024", by=("commune", "sex"))
    assert len(t) == 2 * 3
    assert t.groupby("unit_code")["numerator"].sum().to_dict() == {"00001": 3, "00002": 3}


def test_a_table_missing_from_the_input_is_not_zero() -> None:
    sub = tiny_submission().replace(
        tables_present=("children", "circumstances", "supports", "units")
    )
    with pytest.raises(DataNotAvailableError, match=r"has no data: the submission has no injuries table"):
        compute("injury_rate", sub, period="2024")
    assert compute("child_population", sub, period="2024")["numerator"].tolist() == [6]


def test_empty_submission_gives_no_data_never_zero() -> None:
    # Rule "a figure is never made from nothing": an empty register is no data.
    ctx = Context(Submission(), "2024")
    with pytest.raises(DataNotAvailableError, match="the children register has no rows"):
        ctx.compute("child_population")
    with pytest.raises(DataNotAvailableError, match="has no data"):
        ctx.compute("injury_rate")
