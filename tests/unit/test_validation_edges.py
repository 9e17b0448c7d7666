"""The counting contract's edges in validation: one child, one place at a time.

Events against the child's spells on the register (death, exit, entry with its
grace period), several register rows of a child who moved, and case or violator
ids given in two communes. Each test builds a small submission by hand from the
base of ``test_validation_codes`` (three children in commune 00001).
"""

from __future__ import annotations

import pandas as pd
from test_validation_codes import TODAY, _append, _problems, _second_commune, _set, base

from chitieu import synth
from chitieu.submission import Submission
from chitieu.validation import ERRORS, validate
from chitieu.validation.checks import ENTRY_GRACE_DAYS

PLACE = {"commune_code": "00001", "division_version": "2008"}
OTHER = {"commune_code": "00002", "division_version": "2008"}
C2 = {"child_id": "C2", "birth_date": "2012-07-10", "sex": "M", "ethnicity": "01"}


def _codes(sub: Submission) -> set[tuple[str, str, int | None, str]]:
    return _problems(validate(sub, today=TODAY))


def _moved(sub: Submission, entry: str, exit_: str | None = None, **place: str) -> Submission:
    """C2 back on a register (commune 00002 by default) from *entry*."""
    where = place or OTHER
    extra = {"exit_date": exit_, "exit_reason": "MOVED"} if exit_ else {}
    if not (sub.units["unit_code"] == "00002").any():
        sub = _second_commune(sub)
    return _append(sub, "children", **C2, **where, entry_date=entry, **extra)


# -- events against the register ------------------------------------------------------
def test_event_after_death_is_a_warning_that_keeps_the_row() -> None:
    sub = _set(_set(base(), "children", 2, exit_reason="DIED"), "consultations", 1, child_id="C2")
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("event-after-death", "consultations", 1, "consultation_date")}
    assert report.valid and ERRORS["event-after-death"].severity == "warning"
    assert report.tables.loc["consultations", "rows_with_errors"] == 0
    (p,) = list(report)
    assert "2024-05-30" in p["message_en"] and "2024-05-01" in p["message_en"]
    assert "2024-05-30" in p["message_vi"] and "2024-05-01" in p["message_vi"]


def test_fatal_injury_on_the_day_of_death_is_not_a_warning() -> None:
    sub = _set(base(), "children", 1, exit_date="2024-07-14", exit_reason="DIED")
    sub = _set(sub, "injuries", 1, outcome="DIED")
    assert _codes(sub) == set()
    # the day after the death is a warning
    later = _set(sub, "injuries", 1, injury_date="2024-07-15")
    assert _codes(later) == {("event-after-death", "injuries", 1, "injury_date")}


def test_event_after_exit_is_a_warning_naming_the_exit_date() -> None:
    sub = _set(base(), "supports", 1, child_id="C2")  # 2024-06-01, C2 left on 2024-05-01
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("event-after-exit", "supports", 1, "support_date")}
    (p,) = list(report)
    assert "2024-06-01" in p["message_en"] and "2024-05-01" in p["message_en"]


def test_event_on_the_exit_date_is_not_a_warning() -> None:
    sub = _set(base(), "supports", 1, child_id="C2", support_date="2024-05-01")
    assert _codes(sub) == set()


def test_event_in_a_later_spell_of_a_child_who_moved_back_is_not_a_warning() -> None:
    sub = _moved(base(), "2024-05-20")  # C2 left 00001 on 2024-05-01, entered 00002 on 20 May
    sub = _set(sub, "supports", 1, child_id="C2")
    assert _codes(sub) == set()


def test_event_between_two_spells_is_after_exit() -> None:
    sub = _moved(base(), "2024-09-01")
    sub = _set(sub, "supports", 1, child_id="C2")  # 2024-06-01: gap from May to September
    assert _codes(sub) == {("event-after-exit", "supports", 1, "support_date")}


def test_event_before_entry_beyond_the_grace_period_is_a_warning() -> None:
    assert ENTRY_GRACE_DAYS == 30
    entry = pd.Timestamp("2024-05-30") + pd.Timedelta(days=ENTRY_GRACE_DAYS)
    sub = _set(base(), "children", 1, entry_date=str(entry.date()))
    assert _codes(sub) == set()  # the consultation of 2024-05-30 is exactly 30 days before
    sub = _set(base(), "children", 1, entry_date=str((entry + pd.Timedelta(days=1)).date()))
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("event-before-entry", "consultations", 1, "consultation_date")}
    (p,) = list(report)
    assert "30" in p["message_en"] and "2024-05-30" in p["message_en"]


def test_special_circumstance_begun_before_entry_is_not_a_warning() -> None:
    sub = _set(base(), "children", 1, entry_date="2023-06-01")  # spell from 2022-01-01
    sub = _set(sub, "supports", 1, support_date="2024-06-01")
    assert _codes(sub) == set()
    # but a spell begun after the child left is
    after = _set(base(), "circumstances", 1, child_id="C2", start_date="2024-06-01",
                 end_date=None, subgroup=None, group="HCDB_N")  # fmt: skip
    assert _codes(after) == {("event-after-exit", "circumstances", 1, "start_date")}


def test_abuse_victim_is_checked_at_the_case_detection_date() -> None:
    sub = _set(base(), "children", 3, exit_date="2024-03-01", exit_reason="DIED")
    report = validate(sub, today=TODAY)
    assert ("event-after-death", "abuse_victims", 1, "case_id") in _problems(report)
    p = next(p for p in report if p["table"] == "abuse_victims")
    assert "2024-03-11" in p["message_en"] and "2024-03-01" in p["message_en"]


def test_child_from_elsewhere_is_not_checked_against_the_register() -> None:
    sub = _set(base(), "injuries", 2, child_id="C2", injury_date="2024-08-01")
    assert _codes(sub) == set()  # registered_here = false: another commune's child


def test_event_already_an_error_is_not_also_a_warning() -> None:
    sub = _set(base(), "children", 2, birth_date="2008-01-01", entry_date="2008-02-01")
    sub = _set(sub, "supports", 1, child_id="C2")  # after 16 and after exit: one problem
    assert _codes(sub) == {("event-after-age-16", "supports", 1, "support_date")}


# -- several register rows of one child -------------------------------------------------
def test_child_who_moved_has_non_overlapping_spells_in_two_communes() -> None:
    sub = _moved(base(), "2024-05-01")  # exit 1 May (first day away) = entry elsewhere
    report = validate(sub, today=TODAY)
    assert report.valid and report.n_warnings == 0, report.errors


def test_child_who_moved_within_one_commune_is_valid() -> None:
    sub = _moved(base(), "2024-07-01", "2024-12-01", **PLACE)
    sub = _moved(sub, "2025-01-01", **PLACE)
    assert _codes(sub) == set()


def test_overlapping_spells_is_an_error_on_the_later_row_naming_both() -> None:
    sub = _moved(base(), "2024-04-01")  # before C2 left 00001 on 2024-05-01
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("overlapping-spells", "children", 4, "child_id")}
    assert not report.valid
    (p,) = list(report)
    for text in ("00001", "00002", "row 2", "2024-04-01", "2024-05-01"):
        assert text in p["message_en"], text
    assert "dòng 2" in p["message_vi"]
    assert "C2" not in p["message_en"] and p["masked"]


def test_overlapping_spells_found_past_a_short_spell_in_between() -> None:
    sub = _set(base(), "children", 1, entry_date="2015-03-20")  # C1 open from 2015
    sub = _append(sub, "children", **{**C2, "child_id": "C1"}, **PLACE, entry_date="2016-01-01",
                  exit_date="2016-02-01", exit_reason="MOVED")  # fmt: skip
    sub = _append(sub, "children", **{**C2, "child_id": "C1"}, **PLACE, entry_date="2017-01-01")
    assert _codes(sub) == {
        ("overlapping-spells", "children", 4, "child_id"),
        ("overlapping-spells", "children", 5, "child_id"),
    }


def test_missing_entry_date_means_from_birth() -> None:
    sub = _set(base(), "children", 2, entry_date=None)  # C2 from birth to 2024-05-01
    sub = _moved(sub, "2024-05-01")
    assert _codes(sub) == set()
    sub = _moved(_set(base(), "children", 2, entry_date=None), "2013-01-01")
    assert _codes(sub) == {("overlapping-spells", "children", 4, "child_id")}


def test_missing_exit_date_means_still_on_the_register() -> None:
    sub = _append(base(), "children", **{**C2, "child_id": "C1"}, **PLACE, entry_date="2030-01-01")
    sub = _set(sub, "children", 4, entry_date="2025-01-01")  # C1 has no exit: still here
    assert _codes(sub) == {("overlapping-spells", "children", 4, "child_id")}


def test_exact_duplicate_register_row_stays_duplicate_id() -> None:
    sub = sub_ = base()
    sub = sub_.replace(children=pd.concat([sub_.children, sub_.children.iloc[[1]]]))
    sub = sub.replace(children=sub.children.reset_index(drop=True))
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("duplicate-id", "children", 4, "child_id")}
    (p,) = list(report)
    assert "row 2" in p["message_en"]


# -- case and violator ids in two communes ------------------------------------------------
def test_case_in_two_communes_is_a_warning_naming_both() -> None:
    sub = _append(_second_commune(base()), "abuse_cases", case_id="A1",
                  detected_date="2024-05-02", **OTHER, setting="FAMILY")  # fmt: skip
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("case-in-two-communes", "abuse_cases", 2, "case_id")}
    assert report.valid
    (p,) = list(report)
    assert "00001" in p["message_en"] and "00002" in p["message_en"]
    assert "00001" in p["message_vi"] and "00002" in p["message_vi"]


def test_case_twice_in_one_commune_stays_duplicate_id() -> None:
    sub = _append(base(), "abuse_cases", case_id="A1", detected_date="2024-05-02", **PLACE,
                  setting="FAMILY")  # fmt: skip
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("duplicate-id", "abuse_cases", 2, "case_id")}
    assert not report.valid


def test_violator_in_two_communes_is_a_warning_naming_both() -> None:
    sub = _set(_second_commune(base()), "sanctions", 1, violator_id="V1")
    row = {"decision_date": "2024-05-03", "case_id": "A1", "violator_type": "INDIVIDUAL",
           "violator_id": "V1", "measures": "FINE"}  # fmt: skip
    same = _append(sub, "sanctions", decision_id="QD2", **PLACE, **row)
    assert _codes(same) == set()  # one violator, two decisions in one commune
    two = _append(sub, "sanctions", decision_id="QD2", **OTHER, **row)
    report = validate(two, today=TODAY)
    assert _problems(report) == {("violator-in-two-communes", "sanctions", 2, "violator_id")}
    (p,) = list(report)
    assert "00001" in p["message_en"] and "00002" in p["message_en"]
    assert "V1" not in p["message_en"]


# -- synthetic data ------------------------------------------------------------------------
def test_synthetic_data_has_none_of_the_edge_warnings() -> None:
    report = validate(synth.generate(n_children=5000, seed=4), today=TODAY)
    new = {
        "event-after-death",
        "event-after-exit",
        "event-before-entry",
        "overlapping-spells",
        "case-in-two-communes",
        "violator-in-two-communes",
    }
    assert report.valid
    assert not new & set(report.counts["code"])
