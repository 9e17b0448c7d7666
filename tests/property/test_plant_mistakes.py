"""Planting any single mistake into a valid submission gives exactly one problem.

Each planter takes a valid synthetic submission and a position, plants one
mistake at (or near) that position and says which problem it expects: code,
table, row and column. Rows of frames built in code are 1-based positions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from chitieu import synth
from chitieu.codelists import codelist
from chitieu.submission import Submission
from chitieu.validation import validate

TODAY = dt.date(2026, 11, 28)
# seed 2 has a sanction tied to a case, seed 6 a child injured while not registered here
BASE = {seed: synth.generate(n_children=4000, seed=seed, year=2024) for seed in (2, 6)}

Expected = tuple[str, str, int, str]
Planter = Callable[[Submission, int], tuple[Submission, Expected]]


def _set(sub: Submission, table: str, pos: int, column: str, value: object) -> Submission:
    frame = sub[table].copy()
    frame.loc[frame.index[pos], column] = value
    return sub.replace(**{table: frame})


def _with_rows(sub: Submission, table: str) -> Submission:
    """*sub* if *table* has rows, else the base that has them."""
    return sub if len(sub[table]) else BASE[2]


def unknown_code(sub: Submission, i: int) -> tuple[Submission, Expected]:
    return _set(sub, "children", i, "ethnicity", "ZZ"), ("unknown-code", "children", i + 1, "ethnicity")  # fmt: skip


def future_birth(sub: Submission, i: int) -> tuple[Submission, Expected]:
    planted = _set(sub, "children", i, "birth_date", pd.Timestamp("2031-01-01"))
    return planted, ("date-in-future", "children", i + 1, "birth_date")


def missing_sex(sub: Submission, i: int) -> tuple[Submission, Expected]:
    return _set(sub, "children", i, "sex", None), ("missing-value", "children", i + 1, "sex")


def unknown_commune(sub: Submission, i: int) -> tuple[Submission, Expected]:
    planted = _set(sub, "children", i, "commune_code", "99999")
    return planted, ("unknown-commune-code", "children", i + 1, "commune_code")


def duplicate_child_id(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = min(i, len(sub.children) - 2)
    # an exact repeat (same commune, same spell): a second spell would be a move
    planted = sub
    for col in ("child_id", "commune_code", "division_version", "birth_date", "entry_date",
                "exit_date", "exit_reason"):  # fmt: skip
        planted = _set(planted, "children", k + 1, col, sub.children[col].iloc[k])
    # the rows of other tables that named the overwritten id now name nobody
    lost = sub.children["child_id"].iloc[k + 1]
    assume(not any(sub[t]["child_id"].eq(lost).any() for t in _CHILD_TABLES))
    return planted, ("duplicate-id", "children", k + 2, "child_id")


def entry_before_birth(sub: Submission, i: int) -> tuple[Submission, Expected]:
    birth = sub.children["birth_date"].iloc[i]
    planted = _set(sub, "children", i, "entry_date", birth - pd.Timedelta(days=1))
    return planted, ("event-before-birth", "children", i + 1, "entry_date")


def exit_incomplete(sub: Submission, i: int) -> tuple[Submission, Expected]:
    if pd.notna(sub.children["exit_date"].iloc[i]):
        return _set(sub, "children", i, "exit_reason", None), (
            "exit-incomplete", "children", i + 1, "exit_reason",
        )  # fmt: skip
    return _set(sub, "children", i, "exit_reason", "MOVED"), (
        "exit-incomplete", "children", i + 1, "exit_date",
    )  # fmt: skip


def unknown_child_in_supports(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = i % len(sub.supports)
    planted = _set(sub, "supports", k, "child_id", "NOBODY")
    return planted, ("unknown-child", "supports", k + 1, "child_id")


def injury_bad_type(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = i % len(sub.injuries)
    return _set(sub, "injuries", k, "injury_type", "12"), ("unknown-code", "injuries", k + 1, "injury_type")  # fmt: skip


def spell_end_before_start(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = i % len(sub.circumstances)
    start = sub.circumstances["start_date"].iloc[k]
    planted = _set(sub, "circumstances", k, "end_date", start - pd.Timedelta(days=1))
    return planted, ("end-before-start", "circumstances", k + 1, "end_date")


def subgroup_of_another_group(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = i % len(sub.circumstances)
    groups = codelist("special_circumstance_subgroup")["group"]
    other = groups[groups != sub.circumstances["group"].iloc[k]].index[i % 10]
    planted = _set(sub, "circumstances", k, "subgroup", other)
    return planted, ("subgroup-group-mismatch", "circumstances", k + 1, "subgroup")


def consultation_after_16(sub: Submission, i: int) -> tuple[Submission, Expected]:
    consult = sub.consultations
    birth = sub.children.set_index("child_id")["birth_date"]
    sixteenth = consult["child_id"].map(birth) + pd.DateOffset(years=16)
    eligible = [k for k in range(len(consult)) if sixteenth.iloc[k] <= pd.Timestamp(TODAY)]
    assume(eligible)
    k = eligible[i % len(eligible)]
    planted = _set(sub, "consultations", k, "consultation_date", sixteenth.iloc[k])
    return planted, ("event-after-age-16", "consultations", k + 1, "consultation_date")


def negative_villages(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = int(sub.units.index[sub.units["level"] == "COMMUNE"][0])
    return _set(sub, "units", k, "villages_with_facilities", -1), (
        "negative-number", "units", k + 1, "villages_with_facilities",
    )  # fmt: skip


def negative_fine(sub: Submission, i: int) -> tuple[Submission, Expected]:
    sub = _with_rows(sub, "sanctions")
    k = i % len(sub.sanctions)
    return _set(sub, "sanctions", k, "fine_vnd", -1), ("negative-number", "sanctions", k + 1, "fine_vnd")  # fmt: skip


def sanction_of_unknown_case(sub: Submission, i: int) -> tuple[Submission, Expected]:
    sub = _with_rows(sub, "sanctions")
    k = i % len(sub.sanctions)
    return _set(sub, "sanctions", k, "case_id", "NO-SUCH-CASE"), (
        "unknown-case", "sanctions", k + 1, "case_id",
    )  # fmt: skip


def case_in_unknown_commune(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = i % len(sub.abuse_cases)
    return _set(sub, "abuse_cases", k, "commune_code", "00000"), (
        "unknown-commune-code", "abuse_cases", k + 1, "commune_code",
    )  # fmt: skip


def future_detection(sub: Submission, i: int) -> tuple[Submission, Expected]:
    k = i % len(sub.abuse_cases)
    return _set(sub, "abuse_cases", k, "detected_date", pd.Timestamp("2027-02-01")), (
        "date-in-future", "abuse_cases", k + 1, "detected_date",
    )  # fmt: skip


_CHILD_TABLES = (
    "circumstances", "supports", "consultations", "services", "injuries", "abuse_victims",
)


PLANTERS = [
    unknown_code,
    future_birth,
    missing_sex,
    unknown_commune,
    duplicate_child_id,
    entry_before_birth,
    exit_incomplete,
    unknown_child_in_supports,
    injury_bad_type,
    spell_end_before_start,
    subgroup_of_another_group,
    consultation_after_16,
    negative_villages,
    negative_fine,
    sanction_of_unknown_case,
    case_in_unknown_commune,
    future_detection,
]


def test_the_bases_are_valid_without_warnings() -> None:
    for seed, sub in BASE.items():
        report = validate(sub, today=TODAY)
        assert report.valid and report.n_warnings == 0, (seed, report.errors.head())


@pytest.mark.slow
@given(
    planter=st.sampled_from(PLANTERS), seed=st.sampled_from(sorted(BASE)), i=st.integers(0, 3998)
)
def test_one_planted_mistake_gives_one_problem(planter: Planter, seed: int, i: int) -> None:
    planted, (code, table, row, column) = planter(BASE[seed], i)
    report = validate(planted, today=TODAY)
    problems = [(p["code"], p["table"], p["row"], p["column"]) for p in report]
    assert problems == [(code, table, row, column)]
    assert report.n_errors == 1 and report.n_warnings == 0
    assert report.tables.loc[table, "rows_with_errors"] == 1
    assert int(report.invalid_rows(table).sum()) == 1
    assert report.invalid_rows(table)[row - 1]


@pytest.mark.slow
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 3000),
    year=st.integers(2018, 2025),
    version=st.sampled_from(["2008", "2025"]),
)
def test_every_synthetic_submission_is_valid(seed: int, n: int, year: int, version: str) -> None:
    sub = synth.generate(n_children=n, seed=seed, year=year, division_version=version)
    report = validate(sub, today=TODAY)
    assert report.valid, report.errors.head()
    assert report.tables["rows_with_errors"].sum() == 0
