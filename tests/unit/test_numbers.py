"""chitieu.numbers: Vietnamese and English number formats, English plurals; where they are used."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu import numbers
from chitieu.cli._keyfigures import _value_text
from chitieu.cli.report import dropped_note
from chitieu.export.html import report_html
from chitieu.indicators.examples import tiny_submission
from chitieu.numbers import (
    counted,
    excel_format,
    format_number,
    format_percent,
    format_permille,
    format_value,
    plural,
)
from chitieu.report import report


@pytest.mark.parametrize(
    ("value", "decimals", "vi", "en"),
    [
        (4500, 0, "4.500", "4,500"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (0.5, 1, "0,5", "0.5"),
        (999.96, 1, "1.000,0", "1,000.0"),
        (-4500, 0, "-4.500", "-4,500"),
        (-0.04, 1, "0,0", "0.0"),  # never "-0"
        (12, 0, "12", "12"),
    ],
)
def test_format_number(value: float, decimals: int, vi: str, en: str) -> None:
    assert format_number(value, "vi", decimals) == vi
    assert format_number(value, "en", decimals) == en


def test_missing_values_and_bad_arguments() -> None:
    assert format_number(None, "vi") == ""
    assert format_number(math.nan, "en", 2, missing="—") == "—"
    assert format_percent(math.nan, "vi") == ""
    with pytest.raises(ValueError, match="lang must be 'vi' or 'en'"):
        format_number(1, "fr")
    with pytest.raises(ValueError, match="decimals"):
        format_number(1, "en", -1)


def test_percent_and_permille_signs() -> None:
    assert format_percent(1.5, "vi") == "1,5 %"
    assert format_percent(1.5, "en") == "1.5%"
    assert format_permille(3.24, "vi", 1) == "3,2‰"
    assert format_permille(3.24, "en", 2) == "3.24‰"
    assert format_value(4180, "count", "vi") == "4.180"
    assert format_value(90.47, "percent", "vi") == "90,5 %"
    assert format_value(4.07, "rate_per_1000", "en") == "4.07‰"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 3))
def test_vietnamese_is_english_with_the_separators_swapped(value: float, decimals: int) -> None:
    en = format_number(value, "en", decimals)
    vi = format_number(value, "vi", decimals)
    assert vi == en.replace(",", "_").replace(".", ",").replace("_", ".")
    # and it reads back as the rounded number
    assert float(vi.replace(".", "").replace(",", ".")) == pytest.approx(
        round(value, decimals), abs=10.0 ** (-decimals)
    )


def test_english_plurals_and_vietnamese_without() -> None:
    assert counted(1, "row") == "1 row"
    assert counted(2, "row") == "2 rows"
    assert counted(0, "commune") == "0 communes"
    assert counted(1, "commune") == "1 commune"
    assert counted(1, "child") == "1 child" and counted(3, "child") == "3 children"
    assert counted(4500, "child") == "4,500 children"
    assert counted(4500, "child", lang="vi", vi="trẻ em") == "4.500 trẻ em"
    assert counted(1, "dòng", lang="vi") == "1 dòng"
    assert plural(2, "category") == "categories" and plural(2, "day") == "days"
    assert plural(2, "box") == "boxes"


def test_excel_formats_are_neutral_codes() -> None:
    assert excel_format(0) == "#,##0"
    assert excel_format(1) == "#,##0.0"
    assert numbers.decimals_for("percent") == 1 and numbers.decimals_for("unknown-kind") == 2


def test_key_figures_in_both_languages() -> None:
    assert _value_text(4180.0, "count", "trẻ em", "vi") == "4.180 trẻ em"
    assert _value_text(4180.0, "count", "children", "en") == "4,180 children"
    assert _value_text(1.0, "count", "children", "en") == "1 child"
    assert _value_text(1.54, "percent", "%", "vi") == "1,5 %"
    assert _value_text(1.54, "percent", "%", "en") == "1.5%"


def test_dropped_rows_note_has_plurals_and_separators() -> None:
    assert dropped_note({"children": 1}, "en") == "left out 1 row with errors (children 1)"
    assert dropped_note({"children": 1500, "injuries": 2}, "en") == (
        "left out 1,502 rows with errors (children 1,500, injuries 2)"
    )
    assert dropped_note({"children": 1500}, "vi") == "đã bỏ 1.500 dòng có lỗi (children 1.500)"


def test_html_numbers_follow_the_language() -> None:
    rep = report(tiny_submission(), period="2024", indicators=["child_population", "injury_rate"])
    rate = rep.overall().set_index("indicator_id").loc["injury_rate", "value"]
    rate = float(rate.iloc[0] if hasattr(rate, "iloc") else rate)
    vi, en = report_html(rep), report_html(rep, lang="en")
    assert format_number(rate, "vi", 2) in vi
    assert format_number(rate, "en", 2) in en
    if format_number(rate, "vi", 2) != format_number(rate, "en", 2):
        assert format_number(rate, "en", 2) not in vi
