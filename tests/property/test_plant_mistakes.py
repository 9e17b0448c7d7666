"""Planting any single mistake into a valid submission gives exactly one problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from chitieu import synth
from chitieu.submission import Submission
from chitieu.validation import validate

TODAY = dt.date(2026, 11, 28)
BASE = {seed: synth.generate(n_children=4000, seed=seed, year=2024) for seed in (1, 2)}

Planter = Callable[[Submission, int], tuple[Submission, tuple[str, str, int, str]]]


def _set(sub: Submission, table: str, pos: int, column: str, value: object) -> Submission:
    frame = sub[table].copy()
    frame.loc[frame.index[pos], column] = value
    return sub.replace(**{table: frame})


def unknown_code(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    return _set(sub, "children", i, "ethnicity", "ZZ"), ("unknown-code", "children", i + 1, "ethnicity")


def future_birth(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    return (_set(sub, "children", i, "birth_date", pd.Timestamp("2031-01-01")),
            ("date-in-future", "children", i + 1, "birth_date"))


def missing_sex(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    return _set(sub, "children", i, "sex", None), ("missing-value", "children", i + 1, "sex")


def unknown_commune(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    return (_set(sub, "children", i, "commune_code", "99999"),
            ("unknown-commune-code", "children", i + 1, "commune_code"))


def unknown_child_in_supports(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    k = i % len(sub.supports)
    return (_set(sub, "supports", k, "child_id", "NOBODY"), ("unknown-child", "supports", k + 1, "child_id"))


def injury_bad_type(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    k = i % len(sub.injuries)
    return _set(sub, "injuries", k, "injury_type", "12"), ("unknown-code", "injuries", k + 1, "injury_type")


def spell_end_before_start(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    k = i % len(sub.circumstances)
    start = sub.circumstances["start_date"].iloc[k]
    return (_set(sub, "circumstances", k, "end_date", start - pd.Timedelta(days=1)),
            ("end-before-start", "circumstances", k + 1, "end_date"))


def negative_villages(sub: Submission, i: int) -> tuple[Submission, tuple[str, str, int, str]]:
    frame = sub.units.copy()
    frame["villages_with_facilities"] = frame["villages_with_facilities"].astype("Int64")
    frame.loc[0, "villages_with_facilities"] = -1
    return sub.replace(units=frame), ("negative-number", "units", 1, "villages_with_facilities")


PLANTERS = [unknown_code, future_birth, missing_sex, unknown_commune, unknown_child_in_supports,
            injury_bad_type, spell_end_before_start, negative_villages]


@given(planter=st.sampled_from(PLANTERS), seed=st.sampled_from(sorted(BASE)), i=st.integers(0, 3999))
def test_one_planted_mistake_gives_one_problem(planter: Planter, seed: int, i: int) -> None:
    planted, (code, table, row, column) = planter(BASE[seed], i)
    report = validate(planted, today=TODAY)
    problems = [(p["code"], p["table"], p["row"], p["column"]) for p in report]
    assert problems == [(code, table, row, column)]
    assert report.n_errors == 1


@given(i=st.integers(0, 3998))
def test_duplicate_id_is_reported_on_the_later_row(i: int) -> None:
    sub = BASE[1]
    frame = sub.children.copy()
    frame.loc[i + 1, "child_id"] = frame.loc[i, "child_id"]
    report = validate(sub.replace(children=frame), today=TODAY)
    dup = [p for p in report if p["code"] == "duplicate-id"]
    assert [(p["table"], p["row"], p["column"]) for p in dup] == [("children", i + 2, "child_id")]


@given(seed=st.integers(0, 10_000), n=st.integers(1, 3000))
def test_every_synthetic_submission_is_valid(seed: int, n: int) -> None:
    report = validate(synth.generate(n_children=n, seed=seed), today=TODAY)
    assert report.valid, report.errors.head()
