"""Tests of chitieu.periods: period forms, reference dates, ages in completed years."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu.errors import ChitieuError, PeriodError
from chitieu.periods import Period, age_in_years, parse_period


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-H1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024-h2", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024-Q1", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-Q3", "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-Q4", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024-07", "2024-07", date(2024, 7, 1), date(2024, 7, 31)),
        ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", "2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        (" 2024-01-01..2024-06-30 ", "2024-01-01..2024-06-30", date(2024, 1, 1), date(2024, 6, 30)),
    ],
)
def test_period_forms(text: str, label: str, start: date, end: date) -> None:
    p = parse_period(text)
    assert (p.label, p.start, p.end) == (label, start, end)
    assert p.reference_date == end


def test_period_from_tuple_int_and_period() -> None:
    p = parse_period((date(2024, 3, 1), date(2024, 3, 10)))
    assert p.label == "2024-03-01..2024-03-10" and p.days == 10
    assert parse_period(2025).end == date(2025, 12, 31)
    assert parse_period(p) is p


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2024-13", "month 13 does not exist"),
        ("2024-Q5", "expected a period like"),
        ("24", "expected a period like"),
        ("last year", "expected a period like"),
        ("2024-02-30..2024-03-01", "is not a real date"),
        ("2024-06-30..2024-01-01", "ends before it starts"),
        ("2024-01-01..June", "expected a date as YYYY-MM-DD"),
        ("1850", "between 1900 and 2100"),
        (3.5, "found a float"),
        ((date(2024, 1, 1),), "pair of dates"),
    ],
)
def test_bad_periods_raise_clear_errors(value: object, fragment: str) -> None:
    with pytest.raises(PeriodError, match=fragment) as info:
        parse_period(value)  # type: ignore[arg-type]
    assert isinstance(info.value, ChitieuError) and isinstance(info.value, ValueError)


def test_period_rejects_reversed_dates() -> None:
    with pytest.raises(PeriodError):
        Period("x", date(2024, 2, 1), date(2024, 1, 1))


def test_contains_includes_both_ends_and_excludes_missing() -> None:
    p = parse_period("2024-Q2")
    dates = pd.Series(
        pd.to_datetime(["2024-03-31", "2024-04-01", "2024-06-30", "2024-07-01", None])
    )
    assert p.contains(dates).tolist() == [False, True, True, False, False]


def test_age_on_29_february() -> None:
    born = pd.Series(pd.to_datetime(["2016-02-29"]))
    # Not a leap year: still 8 on 28 Feb, 9 on 1 Mar.
    assert age_in_years(born, date(2025, 2, 28)).tolist() == [8.0]
    assert age_in_years(born, date(2025, 3, 1)).tolist() == [9.0]
    # Leap year: 8 on 29 Feb 2024, 7 the day before.
    assert age_in_years(born, date(2024, 2, 29)).tolist() == [8.0]
    assert age_in_years(born, date(2024, 2, 28)).tolist() == [7.0]


def test_age_birthday_and_day_before_and_future_birth() -> None:
    born = pd.Series(pd.to_datetime(["2010-07-01", "2010-07-01", "2025-01-01"]))
    assert age_in_years(born, date(2026, 6, 30)).tolist()[:2] == [15.0, 15.0]
    ages = age_in_years(born, date(2026, 7, 1))
    assert ages.tolist()[:2] == [16.0, 16.0]
    assert age_in_years(born, date(2024, 12, 31))[2] < 0


def test_age_with_per_row_reference_and_missing() -> None:
    born = pd.Series(pd.to_datetime(["2010-05-05", None, "2012-01-01"]))
    refs = pd.Series(pd.to_datetime(["2020-05-04", "2020-01-01", None]))
    ages = age_in_years(born, refs)
    assert ages[0] == 9.0 and np.isnan(ages[1]) and np.isnan(ages[2])


@given(
    birth=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    ref=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
)
def test_age_matches_the_definition(birth: date, ref: date) -> None:
    expected = ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))
    got = age_in_years(pd.Series(pd.to_datetime([birth])), ref)[0]
    assert got == expected
