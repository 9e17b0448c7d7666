"""Validation: planted problems in real files, row accounting, bounded reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu import synth
from chitieu.validation import ERRORS, drop_invalid, validate
from chitieu.validation.docs import render_markdown

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = DATA.parents[1]
TODAY = dt.date(2026, 11, 28)


def _problems(report: chitieu.ValidationReport) -> set[tuple[str, str, int | None, str]]:
    out = set()
    for p in report:
        out.add((p["code"], p["table"] or "", p["row"], p["column"] or ""))
    return out


@pytest.mark.parametrize(
    "case", sorted(p.name for p in DATA.iterdir() if (p / "expected.csv").exists())
)
def test_invalid_files_give_exactly_the_planted_problems(case: str) -> None:
    expected = pd.read_csv(DATA / case / "expected.csv", dtype=str, keep_default_na=False)
    want = {
        (r.code, r.table, int(r.row) if r.row else None, r.column) for r in expected.itertuples()
    }
    report = validate(chitieu.read_submission(DATA / case / "submission"), today=TODAY)
    assert _problems(report) == want
    assert not report.valid


def test_synthetic_submission_is_valid() -> None:
    report = validate(synth.generate(n_children=3000, seed=11), today=TODAY)
    assert report.valid, report.errors
    assert report.n_errors == 0 and report.errors.empty


def test_row_accounting_adds_up() -> None:
    sub = synth.generate(n_children=2000, seed=5)
    children = sub.children.copy()
    children.loc[[3, 7], "sex"] = "Z"  # two errors on row 3 and one more
    children.loc[3, "ethnicity"] = "77"
    children.loc[10, "child_id"] = children.loc[11, "child_id"]
    report = validate(sub.replace(children=children), today=TODAY)
    row = report.tables.loc["children"]
    assert row["rows_read"] == 2000
    assert row["rows_with_errors"] == 3  # rows 3, 7 and the duplicate at 11
    assert row["rows_valid"] + row["rows_with_errors"] == row["rows_read"]
    for table, r in report.tables.iterrows():
        assert r["rows_valid"] + r["rows_with_errors"] == r["rows_read"], table


def test_report_is_bounded_but_counts_everything() -> None:
    sub = synth.generate(n_children=100_000, seed=2)
    children = sub.children.copy()
    children["sex"] = "X"
    report = validate(sub.replace(children=children), max_examples=7, today=TODAY)
    counts = report.counts.set_index(["code", "column"])
    assert counts.loc[("unknown-code", "sex"), "count"] == 100_000
    assert (report.errors["code"] == "unknown-code").sum() == 7
    assert report.truncated
    assert report.to_dict()["n_errors"] == 100_000


def test_messages_are_bilingual_and_name_the_value() -> None:
    sub = synth.generate(n_children=500, seed=1)
    children = sub.children.copy()
    children.loc[0, "sex"] = "Q"
    report = validate(sub.replace(children=children), today=TODAY)
    p = next(iter(report))
    assert "'Q'" in p["message_en"] and "'Q'" in p["message_vi"]
    assert p["message"] == p["message_en"]
    assert "danh mục" in p["message_vi"]


def test_to_dict_and_json_are_consistent() -> None:
    report = validate(
        chitieu.read_submission(DATA / "invalid-vi-headers" / "submission"), today=TODAY
    )
    d = report.to_dict()
    assert d == json.loads(report.to_json())
    assert d["valid"] is False
    assert d["n_errors"] == sum(c["count"] for c in d["counts"] if c["severity"] == "error")
    assert set(d["tables"]["children"]) == {
        "rows_read",
        "rows_valid",
        "rows_with_errors",
        "rows_with_warnings",
    }
    assert {p["code"] for p in d["problems"]} <= set(ERRORS)


def test_summary_and_html() -> None:
    report = validate(
        chitieu.read_submission(DATA / "invalid-vi-headers" / "submission"), today=TODAY
    )
    assert "errors" in report.summary() and "lỗi" in report.summary("vi")
    html = report._repr_html_()
    assert "unknown-child" in html and "<table" in html


def test_future_dates_relative_to_today() -> None:
    sub = synth.generate(n_children=300, seed=4, year=2024)
    assert validate(sub, today=dt.date(2025, 1, 1)).valid
    late = validate(sub, today=dt.date(2024, 6, 30))
    assert not late.valid
    assert set(late.counts["code"]) == {"date-in-future"}


def test_unregistered_child_needs_sex_and_birth_date() -> None:
    sub = synth.generate(n_children=5000, seed=8)
    inj = sub.injuries.copy()
    inj.loc[0, "registered_here"] = False
    inj.loc[0, "sex"] = None
    inj.loc[0, "birth_date"] = pd.NaT
    inj.loc[0, "child_id"] = "VISITOR-1"
    report = validate(sub.replace(injuries=inj), today=TODAY)
    assert _problems(report) == {
        ("missing-value", "injuries", 1, "sex"),
        ("missing-value", "injuries", 1, "birth_date"),
    }


def test_event_after_sixteenth_birthday_handles_29_february() -> None:
    sub = synth.generate(n_children=2000, seed=3)
    children = sub.children.copy()
    children.loc[0, "birth_date"] = pd.Timestamp("2008-02-29")
    children.loc[0, ["entry_date", "exit_date", "exit_reason", "at_risk_from"]] = [
        pd.Timestamp("2008-03-10"),
        pd.NaT,
        None,
        pd.NaT,
    ]
    inj = sub.injuries.copy()
    inj.loc[0, ["child_id", "registered_here", "injury_date"]] = [
        children.loc[0, "child_id"],
        True,
        pd.Timestamp("2024-02-28"),
    ]
    ok = validate(sub.replace(children=children, injuries=inj), today=TODAY)
    # other records of this child may now fall after the birthday; the injury must not
    assert ("event-after-age-16", "injuries", 1, "injury_date") not in _problems(ok)
    inj.loc[0, "injury_date"] = pd.Timestamp("2024-02-29")  # 2024 is a leap year: the birthday
    bad = validate(sub.replace(children=children, injuries=inj), today=TODAY)
    assert ("event-after-age-16", "injuries", 1, "injury_date") in _problems(bad)


def test_drop_invalid_leaves_out_exactly_the_rows_with_errors() -> None:
    sub = synth.generate(n_children=1000, seed=9)
    children = sub.children.copy()
    children.loc[[1, 2, 3], "sex"] = "?"
    report = validate(sub.replace(children=children), today=TODAY)
    kept, dropped = drop_invalid(sub.replace(children=children), report)
    assert dropped["children"] == 3 and len(kept.children) == 997
    assert not kept.children["child_id"].isin(children.loc[[1, 2, 3], "child_id"]).any()
    assert sum(dropped.values()) == 3


def test_frames_with_wrong_dtypes_are_reported_not_raised() -> None:
    sub = synth.generate(n_children=200, seed=1)
    children = sub.children.copy()
    children["birth_date"] = children["birth_date"].dt.strftime("%Y-%m-%d")
    report = validate(sub.replace(children=children), today=TODAY)
    assert ("dtype-mismatch", "children", None, "birth_date") in _problems(report)
    assert report.tables.loc["children", "rows_with_errors"] == 200


def test_every_catalogue_code_has_messages_in_both_languages() -> None:
    for code, e in ERRORS.items():
        assert code == e.code and code == code.lower() and " " not in code
        assert e.template_en and e.template_vi and e.title_en and e.title_vi


def test_docs_errors_page_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: python -m chitieu.validation.docs > docs/errors.md"


def test_validate_rejects_a_non_submission() -> None:
    with pytest.raises(TypeError, match="Submission"):
        validate(pd.DataFrame())  # type: ignore[arg-type]


def test_invalid_rows_mask_matches_counts() -> None:
    sub = synth.generate(n_children=500, seed=12)
    report = validate(sub, today=TODAY)
    mask = report.invalid_rows("children")
    assert mask.dtype == np.bool_ and not mask.any()
