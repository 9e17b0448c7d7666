"""No figure from nothing: validation on the way in, coverage, "no data" (docs/guarantees.md)."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import chitieu
from chitieu import synth
from chitieu.compute import Context, compute
from chitieu.coverage import Coverage, coverage
from chitieu.errors import (
    DataNotAvailableError,
    InvalidDataError,
    InvalidDataWarning,
    PeriodError,
)
from chitieu.inbound import prepare
from chitieu.periods import parse_period
from chitieu.validation import drop_invalid

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "thi-tran-thang-2024"


@pytest.fixture(scope="module")
def sub() -> chitieu.Submission:
    return synth.generate(n_children=1500, seed=5, year=2024)


def _bad_sex(sub: chitieu.Submission, n: int = 3) -> chitieu.Submission:
    sex = sub.children["sex"].astype(object).to_numpy().copy()
    sex[:n] = "Q"
    return sub.replace(children=sub.children.assign(sex=sex))


# -- the case that started it: one mistyped header --------------------------------
def _mistyped_injury_header(tmp_path: Path) -> Path:
    folder = tmp_path / "commune"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "tai_nan_thuong_tich.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("Ngày bị tai nạn", "Ngay bi tai nan XX", 1), encoding="utf-8-sig")
    return folder


def test_mistyped_header_gives_no_data_not_zero(tmp_path: Path) -> None:
    data = chitieu.read_submission(_mistyped_injury_header(tmp_path))
    with pytest.warns(InvalidDataWarning, match="left out of the figures"):
        rep = chitieu.report(data, period="2024")
    skipped = rep.skipped.set_index("indicator_id")["reason"]
    assert "injury_rate" in skipped.index
    assert "no column injury_date" in skipped["injury_rate"]
    assert "injury_rate" not in set(rep.table["indicator_id"])
    assert any("left out" in n and "injuries" in n for n in rep.notes)
    with pytest.raises(DataNotAvailableError, match="injury_date"), pytest.warns(InvalidDataWarning):
        compute("injury_rate", data, period="2024", validation="drop")


def test_all_rows_left_out_is_no_data(sub: chitieu.Submission) -> None:
    injuries = sub.injuries.assign(injury_type="NOT-A-CODE")
    bad = sub.replace(injuries=injuries)
    with pytest.warns(InvalidDataWarning):
        rep = chitieu.report(bad, period="2024", indicators=["injury_rate", "child_population"])
    reason = rep.skipped.set_index("indicator_id").loc["injury_rate", "reason"]
    assert reason.startswith(f"every row of the injuries table ({len(injuries):,}) has errors")
    assert set(rep.table["indicator_id"]) == {"child_population"}


# -- validation on the way in -----------------------------------------------------
def test_validation_is_cached_on_the_submission(
    sub: chitieu.Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = sub.replace()
    calls = []
    import chitieu.validation as validation_module

    real = validation_module.validate

    def counting(data: chitieu.Submission, **kw: object) -> object:
        calls.append(1)
        return real(data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(validation_module, "validate", counting)
    compute("child_population", fresh, period="2024")
    compute("injury_rate", fresh, period="2024")
    chitieu.report(fresh, period="2024", indicators=["child_population"])
    assert len(calls) == 1
    assert fresh.validate() is fresh.validate()


def test_default_leaves_out_invalid_rows_with_a_warning(sub: chitieu.Submission) -> None:
    bad = _bad_sex(sub, 3)
    with pytest.warns(InvalidDataWarning, match="3 rows with errors were left out"):
        n = compute("child_population", bad, period="2024")["numerator"].iloc[0]
    removed = sub.children["child_id"].iloc[:3]
    services = sub.services.loc[~sub.services["child_id"].isin(removed).to_numpy()]
    kept = sub.replace(children=sub.children.iloc[3:], services=services)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = compute("child_population", kept, period="2024")["numerator"].iloc[0]
    assert n == expected


def test_refuse_raises_and_skip_says_so(sub: chitieu.Submission) -> None:
    bad = _bad_sex(sub, 2)
    with pytest.raises(InvalidDataError, match="2 errors"):
        compute("child_population", bad, period="2024", validation="refuse")
    with pytest.raises(InvalidDataError):
        chitieu.report(bad, period="2024", validation="refuse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = chitieu.report(bad, period="2024", indicators=["child_population"], validation="skip")
    assert rep.notes[0].startswith("not validated")
    assert rep.metadata()["basis"]["validation"]["validated"] is False
    with pytest.raises(ValueError, match="validation must be one of 'drop', 'refuse', 'skip'"):
        compute("child_population", bad, period="2024", validation="maybe")  # type: ignore[arg-type]


def test_cli_path_and_library_path_give_the_same_report(sub: chitieu.Submission) -> None:
    """The CLI validates, then drops invalid rows; the library does it on the way in."""
    bad = _bad_sex(sub, 4)
    cleaned, dropped = drop_invalid(bad, chitieu.validate(bad))
    assert dropped["children"] == 4
    with pytest.warns(InvalidDataWarning):
        by_library = chitieu.report(bad, period="2024")
    with warnings.catch_warnings():  # cleaned on purpose: no warning, but the same notes
        warnings.simplefilter("error")
        by_cli = chitieu.report(cleaned, period="2024", validation="skip")
    assert by_library.table.equals(by_cli.table)
    assert by_library.notes == by_cli.notes
    assert "left out 4 rows with errors (children 4)" in by_library.notes[0]


def test_valid_data_say_they_were_validated(sub: chitieu.Submission) -> None:
    rep = chitieu.report(sub, period="2024", indicators=["child_population"])
    assert rep.notes[0] == "validated: no errors" or rep.notes[0].startswith(
        "validated: no errors, "
    )
    basis = rep.metadata()["basis"]
    assert basis["tables"]["children"]["rows_used"] == len(sub.children)
    assert basis["validation"] == {
        "validated": True,
        "errors": 0,
        "warnings": sub.validate().n_warnings,
    }


# -- coverage and periods ---------------------------------------------------------
def test_declared_coverage_makes_an_empty_event_table_zero(sub: chitieu.Submission) -> None:
    empty = sub.replace(injuries=sub.injuries.iloc[:0])
    assert coverage(empty).declared
    assert compute("injury_events", empty, period="2024")["numerator"].iloc[0] == 0


def test_undeclared_empty_event_table_is_no_data(sub: chitieu.Submission) -> None:
    units = sub.units.assign(records_from=pd.NaT, records_to=pd.NaT)
    bare = sub.replace(injuries=sub.injuries.iloc[:0], units=units)
    assert not coverage(bare).declared
    with pytest.raises(DataNotAvailableError, match="injuries table has no rows"):
        compute("injury_events", bare, period="2024")
    assert compute("child_population", bare, period="2024")["numerator"].iloc[0] > 0


def test_period_outside_the_declared_coverage_is_no_data(sub: chitieu.Submission) -> None:
    with pytest.raises(DataNotAvailableError, match="period 2022 lies outside them"):
        compute("injury_rate", sub, period="2022")
    with pytest.raises(DataNotAvailableError, match="lies outside them"):
        compute("child_population", sub, period="2023")
    rep = chitieu.report(sub, period=["2023", "2024"], indicators=["injury_rate"])
    assert set(rep.table["period"]) == {"2024"}
    assert rep.skipped["period"].tolist() == ["2023"]


def test_future_period_is_no_data(sub: chitieu.Submission) -> None:
    with pytest.raises(DataNotAvailableError, match="has not begun"):
        compute("injury_events", sub, period="2099")
    with pytest.raises(DataNotAvailableError, match="is in the future"):
        compute("child_population", sub, period="2099")


def test_inferred_coverage_ends_with_the_latest_record() -> None:
    cov = Coverage(dt.date(2024, 2, 1), dt.date(2024, 9, 30), declared=False)
    today = dt.date(2026, 1, 1)
    assert cov.gap(parse_period("2025"), "events", today=today) is not None
    assert cov.gap(parse_period("2025"), "stock", today=today) is not None
    assert cov.gap(parse_period("2024"), "events", today=today) is None
    note = cov.partial(parse_period("2024"), "events", today=today)
    assert note is not None and "2024-09-30" in note
    # the first event tells nothing of where the records start
    assert cov.partial(parse_period("2024-01"), "events", today=today) is None


def test_partly_covered_period_gives_figures_with_a_note(sub: chitieu.Submission) -> None:
    rep = chitieu.report(sub, period="2024-07-01..2025-06-30", indicators=["injury_events"])
    assert len(rep.table) and len(rep.skipped) == 0
    assert any("only partly covered" in n for n in rep.notes)


def test_compute_and_report_read_periods_the_same_way(sub: chitieu.Submission) -> None:
    a = compute("child_population", sub, period="01/01/2024..31/12/2024")
    b = compute("child_population", sub, period="2024")
    assert a.equals(b)
    both = compute("child_population", sub, period=["2024-H1", "2024"])
    assert both["period"].tolist() == ["2024-H1", "2024"]
    rep = chitieu.report(sub, period=["2024-H1", "01/01/2024..31/12/2024"], indicators=["child_population"])
    assert [p.label for p in rep.periods] == ["2024-H1", "2024-01-01..2024-12-31"]
    messages = []
    for call in (
        lambda: compute("child_population", sub, period="2024-13"),
        lambda: chitieu.report(sub, period="2024-13"),
        lambda: prepare(sub) and Context(sub, "2024-13"),
    ):
        with pytest.raises(PeriodError) as info:
            call()
        messages.append(str(info.value))
    assert len(set(messages)) == 1


def test_communes_without_records_are_named(sub: chitieu.Submission) -> None:
    extra = sub.units.iloc[[-1]].assign(unit_code="99998", name="Xã trống")
    units = pd.concat([sub.units, extra], ignore_index=True)
    rep = chitieu.report(sub.replace(units=units), period="2024", indicators=["child_population"])
    assert any("communes of the units table have no records (99998)" in n for n in rep.notes)
    assert rep.metadata()["basis"]["communes"]["without_records"] == ["99998"]
