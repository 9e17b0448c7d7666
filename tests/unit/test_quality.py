"""Data quality beyond validity (chitieu.quality, docs/quality.md)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu.indicators.examples import make_frame
from chitieu.quality import QUALITY_COLUMNS, QualityResult, check, poisson_tail
from chitieu.report import Report
from chitieu.submission import Submission
from chitieu.validation.catalogue import ERRORS, QUALITY
from quality_commune import commune

YEARS = ["2020", "2021", "2022", "2023", "2024"]


def years_report(sub: Submission, periods: list[str] = YEARS) -> Report:
    return chitieu.report(sub, period=periods, indicators=["injury_events", "injury_rate"])


def codes_of(result: QualityResult, indicator: str | None = None) -> list[tuple[str, str]]:
    t = result.table
    if indicator is not None:
        t = t.loc[t["indicator_id"] == indicator]
    return list(zip(t["code"], t["period"], strict=True))


# -- outliers against the commune's own past ---------------------------------------------------
def test_a_jump_far_above_the_past_is_an_outlier() -> None:
    sub = commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 60})
    result = check(years_report(sub))
    assert codes_of(result, "injury_events") == [("outlier-high", "2024")]
    assert codes_of(result, "injury_rate") == [("outlier-high", "2024")]
    row = result.table.loc[result.table["indicator_id"] == "injury_events"].iloc[0]
    assert row["value"] == 60 and row["expected"] == 20.5 and row["p_value"] < 1e-9
    assert row["unit_code"] == "00001" and row["level"] == "commune"
    assert "commune 00001 (2008)" in row["message_en"] and "median 20.5" in row["message_en"]
    assert "xã 00001" in row["message_vi"] and "trung vị 20,5" in row["message_vi"]


def test_a_drop_is_an_outlier_low() -> None:
    sub = commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 2})
    assert ("outlier-low", "2024") in codes_of(check(years_report(sub)), "injury_events")


@pytest.mark.slow
def test_history_given_apart_equals_the_periods_of_one_report() -> None:
    sub = commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 60})
    together = check(years_report(sub)).table
    apart = check(years_report(sub, ["2024"]), history=years_report(sub, YEARS[:4])).table
    pd.testing.assert_frame_equal(together, apart)
    assert chitieu.report(sub, period="2024").quality(history=years_report(sub, YEARS[:4])).counts()


def test_small_numbers_do_not_trigger() -> None:
    sub = commune(4000, {2020: 1, 2021: 0, 2022: 1, 2023: 1, 2024: 6})
    # six times the median, and p < 0.001, but below the minimum count of 10
    assert poisson_tail(6, 1.0, upper=True) < 0.001
    assert codes_of(check(years_report(sub)), "injury_events") == []
    lowered = check(years_report(sub), min_count=5)
    assert codes_of(lowered, "injury_events") == [("outlier-high", "2024")]


def test_a_history_that_varies_a_lot_is_not_an_outlier_by_poisson_alone() -> None:
    sub = commune(4000, {2020: 10, 2021: 30, 2022: 15, 2023: 25, 2024: 40})
    assert poisson_tail(40, 20.0, upper=True) < 0.001  # Poisson alone would flag it
    assert codes_of(check(years_report(sub)), "injury_events") == []


def test_too_short_a_history_checks_nothing() -> None:
    sub = commune(4000, {2022: 20, 2023: 21, 2024: 80})
    result = check(years_report(sub, ["2022", "2023", "2024"]))
    assert codes_of(result, "injury_events") == []
    assert codes_of(check(years_report(sub, ["2022", "2023", "2024"]), min_periods=2),
                    "injury_events") == [("outlier-high", "2024")]  # fmt: skip


def test_periods_of_another_length_are_not_history() -> None:
    sub = commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 60})
    quarters = ["2024-Q1", "2024-Q2", "2024-Q3"]
    rep = years_report(sub, [*YEARS[:4], *quarters])
    flagged = check(rep).table
    outliers = flagged.loc[flagged["code"].str.startswith("outlier")]
    assert len(flagged) and not outliers["period"].isin(quarters).any()
    # the 60 injuries of 2024-Q2 are compared with the national rate, put on a year's footing
    q2 = flagged.loc[flagged["period"] == "2024-Q2"].iloc[0]
    assert q2["code"] == "rate-implausibly-high"
    assert q2["value"] == pytest.approx(60 / 4000 * 100_000 * 365.25 / 91)


def test_the_checks_change_no_figure() -> None:
    sub = commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 60})
    rep = years_report(sub)
    before = rep.table.copy()
    check(rep)
    pd.testing.assert_frame_equal(rep.table, before)


# -- implausible rates ----------------------------------------------------------------------------
def test_injury_deaths_many_times_the_national_rate() -> None:
    sub = commune(2000, {2024: 12}, {2024: 6})
    rep = chitieu.report(sub, period="2024", indicators=["injury_death_rate"])
    result = check(rep)
    assert codes_of(result) == [("rate-implausibly-high", "2024")]
    row = result.table.iloc[0]
    assert row["value"] == pytest.approx(300.0) and row["expected"] == 16.0
    assert "300 per 100,000" in row["message_en"] and "300 trên 100.000" in row["message_vi"]


def test_one_death_in_a_small_commune_is_not_implausible() -> None:
    sub = commune(500, {2024: 1}, {2024: 1})
    rep = chitieu.report(sub, period="2024", indicators=["injury_death_rate"])
    assert len(check(rep)) == 0  # 200 per 100,000, but a single event


def test_no_injury_in_a_large_commune_is_implausibly_low() -> None:
    sub = commune(4000, {2023: 20})  # none in 2024
    rep = chitieu.report(sub, period="2024", indicators=["injury_rate"])
    result = check(rep)
    assert codes_of(result) == [("rate-implausibly-low", "2024")]
    assert "about 22.0" in result.table["message_en"].iloc[0]
    small = chitieu.report(commune(400, {2023: 2}), period="2024", indicators=["injury_rate"])
    assert len(check(small)) == 0  # 2.2 expected: zero is not implausible


def test_national_magnitudes_can_be_given() -> None:
    sub = commune(4000, {2024: 22})
    rep = chitieu.report(sub, period="2024", indicators=["injury_rate"])
    assert len(check(rep)) == 0
    assert codes_of(check(rep, national={"injury_rate": 20.0})) == [
        ("rate-implausibly-high", "2024")
    ]


# -- completeness ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_communes_without_records_and_communes_not_submitted() -> None:
    sub = commune(300, {2024: 1}, extra_communes=("00002",))
    for result in (check(sub, period="2024"),
                   check(chitieu.report(sub, period="2024", indicators=["child_population"]))):  # fmt: skip
        t = result.table
        assert list(zip(t["code"], t["unit_code"], strict=True)) == [
            ("commune-without-records", "00002")
        ]
        assert t["division_version"].iloc[0] == "2008"
    expected = check(sub, period="2024", expected=["00001", "00002", "00003"])
    missing = expected.table.loc[expected.table["code"] == "commune-not-submitted"]
    assert missing["unit_code"].tolist() == ["00003"]
    units = make_frame("units", [{"unit_code": "00004", "division_version": "2008",
                                  "name": "Xã Bốn", "level": "COMMUNE"}])  # fmt: skip
    from_table = check(sub, period="2024", expected=units).table
    assert "00004" in set(from_table["unit_code"])
    assert "Xã Bốn" not in " ".join(from_table["message_en"])  # codes, never names


# -- the result --------------------------------------------------------------------------------------
def test_every_code_is_in_the_catalogue_apart_from_validation_and_produced_here() -> None:
    assert not set(QUALITY) & set(ERRORS)
    assert all(re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", c) for c in QUALITY)
    assert all(e.severity == "warning" for e in QUALITY.values())
    seen: set[str] = set()
    seen |= set(check(years_report(commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21,
                                                  2024: 60}))).table["code"])  # fmt: skip
    seen |= set(check(years_report(commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21,
                                                  2024: 2}))).table["code"])  # fmt: skip
    seen |= set(check(chitieu.report(commune(2000, {2024: 12}, {2024: 6}), period="2024",
                                     indicators=["injury_death_rate"])).table["code"])  # fmt: skip
    seen |= set(check(chitieu.report(commune(4000, {2023: 20}), period="2024",
                                     indicators=["injury_rate"])).table["code"])  # fmt: skip
    seen |= set(check(commune(300, {2024: 1}, extra_communes=("00002",)), period="2024",
                      expected=["00009"]).table["code"])  # fmt: skip
    assert seen == set(QUALITY)


def test_result_columns_languages_and_summary() -> None:
    sub = commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 60})
    en = check(years_report(sub))
    vi = check(years_report(sub), lang="vi")
    assert tuple(en.table.columns) == QUALITY_COLUMNS
    assert (en.table["message"] == en.table["message_en"]).all()
    assert (vi.table["message"] == vi.table["message_vi"]).all()
    assert "outlier-high" in en.summary() and "cao bất thường" in en.summary("vi")
    assert en.counts() == {"outlier-high": 2}
    assert en.notes() == ("data quality: 2 outlier-high warnings (figure far above the unit's "
                          "past periods)",)  # fmt: skip
    plain = en.to_dict()
    assert plain[0]["code"] == "outlier-high" and isinstance(plain[0]["value"], float)
    empty = check(years_report(commune(4000, {y: 20 for y in range(2020, 2025)})))
    assert empty.valid_figures and empty.summary() == "No data-quality warning."


def test_no_personal_data_in_messages() -> None:
    sub = commune(4000, {2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 60})
    text = " ".join(check(years_report(sub)).table[["message_en", "message_vi"]].stack())
    assert not re.search(r"\bK\d+\b|\bI\d+\b", text)  # no child or injury id


def test_pure_poisson_tail_agrees_with_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy import stats

    import chitieu.intervals

    cases = [(6, 0.32, True), (60, 20.5, True), (2, 20.5, False), (0, 22.0, False)]
    with_scipy = [poisson_tail(x, lam, upper=u) for x, lam, u in cases]
    monkeypatch.setattr(chitieu.intervals, "_scipy_special", lambda: None)
    pure = [poisson_tail(x, lam, upper=u) for x, lam, u in cases]
    np.testing.assert_allclose(pure, with_scipy, rtol=1e-9)
    assert with_scipy[1] == pytest.approx(stats.poisson.sf(59, 20.5), rel=1e-9)
    assert with_scipy[2] == pytest.approx(stats.poisson.cdf(2, 20.5), rel=1e-9)


def test_arguments_are_checked() -> None:
    sub = commune(10, {})
    with pytest.raises(ValueError, match="period"):
        check(sub)
    with pytest.raises(TypeError):
        check(sub.children)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check(chitieu.report(sub, period="2024", indicators=["child_population"]),
              history=[sub])  # type: ignore[list-item]  # fmt: skip
