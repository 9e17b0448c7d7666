"""The ValidationReport: languages, structure, bounded details, odd inputs that must not raise."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, empty_frame
from chitieu.submission import READ_ISSUE_COLUMNS
from chitieu.validation import ERRORS, PROBLEM_COLUMNS, drop_invalid, validate

sys.path.insert(0, str(Path(__file__).parent))
from test_validation_codes import TODAY, _problems, _set, base


def test_message_follows_the_chosen_language() -> None:
    sub = _set(base(), "children", 1, sex="Q")
    en = validate(sub, today=TODAY)
    vi = validate(sub, today=TODAY, lang="vi")
    (p_en,), (p_vi,) = list(en), list(vi)
    assert p_en["message"] == p_en["message_en"] and p_vi["message"] == p_vi["message_vi"]
    assert p_en["message_vi"] == p_vi["message_vi"] and p_en["message"] != p_vi["message"]
    assert "danh mục" in p_vi["message"]


def test_bad_arguments_are_argument_errors() -> None:
    with pytest.raises(ValueError, match="lang"):
        validate(base(), lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_examples"):
        validate(base(), max_examples=-1)


def test_problem_frame_and_iteration_agree() -> None:
    sub = _set(_set(base(), "children", 1, sex="Q"), "sanctions", 1, fine_vnd=-3)
    report = validate(sub, today=TODAY)
    assert tuple(report.errors.columns) == PROBLEM_COLUMNS
    assert report.problems == list(report)
    assert [p["code"] for p in report.problems] == ["unknown-code", "negative-number"]
    assert report.problems[1]["value"] == "-3"


def test_by_table_counts_problems_per_severity() -> None:
    sub = _set(base(), "units", 3, district_code="999")  # a warning
    sub = _set(sub, "children", 2, ethnicity="00")  # an error
    table = validate(sub, today=TODAY).by_table()
    assert table.loc["children", "errors"] == 1 and table.loc["children", "warnings"] == 0
    assert table.loc["units", "warnings"] == 1 and table.loc["units", "errors"] == 0
    assert table.loc["units", "rows_with_warnings"] == 1
    assert table.loc["units", "rows_valid"] == 3  # a warning leaves the row valid
    assert table["errors"].sum() == 1


def test_to_dict_has_the_documented_structure() -> None:
    report = validate(_set(base(), "injuries", 1, place="MOON"), today=TODAY, max_examples=5)
    d = json.loads(report.to_json())
    assert {"valid", "n_errors", "n_warnings", "tables", "counts", "problems", "truncated",
            "chitieu_version", "max_examples", "source"} <= set(d)  # fmt: skip
    assert d["valid"] is False and d["n_errors"] == 1 and d["truncated"] is False
    assert d["counts"] == [
        {"code": "unknown-code", "severity": "error", "table": "injuries", "column": "place",
         "count": 1, "shown": 1}
    ]  # fmt: skip
    assert d["problems"][0]["row"] == 1 and d["problems"][0]["value"] == "MOON"
    assert d["tables"]["injuries"] == {
        "rows_read": 2, "rows_valid": 1, "rows_with_errors": 1, "rows_with_warnings": 0
    }  # fmt: skip


def test_read_issues_are_bounded_too() -> None:
    n = 100_000
    sub = base()
    children = sub.children.iloc[np.arange(n) % 3].reset_index(drop=True)
    children = children.assign(
        child_id=["C1", "C2", "C3"] + [f"K{i}" for i in range(3, n)],
        **{SOURCE_FILE: "tre_em.csv", SOURCE_ROW: pd.array(np.arange(2, n + 2), dtype="Int64")},
    )
    children["birth_date"] = pd.Series(pd.NaT, index=children.index, dtype="datetime64[us]")
    issues = pd.DataFrame(
        {"code": "invalid-date", "table": "children", "file": "tre_em.csv",
         "row": pd.array(np.arange(2, n + 2), dtype="Int64"), "column": "birth_date",
         "value": "32/13/2015", "detail": "expected a date"},
        columns=list(READ_ISSUE_COLUMNS),
    )  # fmt: skip
    report = validate(
        sub.replace(children=children, read_issues=issues), today=TODAY, max_examples=4
    )
    counts = report.counts.set_index(["code", "table", "column"])
    assert counts.loc[("invalid-date", "children", "birth_date"), "count"] == n
    # an unreadable birth date is not also a missing one
    assert set(report.counts["code"]) == {"invalid-date"}
    assert len(report.errors) == 4 and report.truncated
    assert report.tables.loc["children", "rows_with_errors"] == n
    assert list(report.errors["row"]) == [2, 3, 4, 5]


def test_missing_register_is_one_error_not_one_per_reference() -> None:
    sub = base().replace(children=empty_frame("children"))
    report = validate(sub, today=TODAY)
    assert _problems(report) == {("missing-table", "children", None, "")}
    assert not report.valid
    assert report.tables["rows_with_errors"].sum() == 0  # no row of another table is dropped
    msg = next(iter(report))["message_en"]
    assert "required table children" in msg


def test_units_without_communes_leave_every_commune_code_unknown() -> None:
    sub = base()
    units = sub.units.loc[sub.units["level"] != "COMMUNE"]
    report = validate(sub.replace(units=units), today=TODAY)
    counts = report.counts.set_index(["code", "table"])["count"]
    assert counts[("unknown-commune-code", "children")] == 3
    assert counts[("unknown-commune-code", "injuries")] == 2
    assert ("missing-table", "units") not in counts.index


def test_timezone_aware_dates_are_a_type_problem_not_a_crash() -> None:
    sub = base()
    children = sub.children.assign(birth_date=sub.children["birth_date"].dt.tz_localize("UTC"))
    report = validate(sub.replace(children=children), today=TODAY)
    assert {(p["code"], p["column"]) for p in report} == {("dtype-mismatch", "birth_date")}


def test_frames_with_a_custom_index_report_positions() -> None:
    sub = base()
    children = sub.children.set_axis([10, 20, 30])
    children.loc[30, "sex"] = "?"
    report = validate(sub.replace(children=children), today=TODAY)
    assert [(p["code"], p["row"]) for p in report] == [("unknown-code", 3)]
    kept, dropped = drop_invalid(sub.replace(children=children), report)
    assert dropped["children"] == 1 and list(kept.children["child_id"]) == ["C1", "C2"]


def test_drop_invalid_refuses_a_report_of_another_submission() -> None:
    report = validate(base(), today=TODAY)
    bigger = base().replace(supports=pd.concat([base().supports] * 3, ignore_index=True))
    with pytest.raises(ValueError, match="does not belong"):
        drop_invalid(bigger, report)


def test_warnings_do_not_drop_rows() -> None:
    sub = _set(base(), "units", 3, district_code="999")
    report = validate(sub, today=TODAY)
    assert report.valid and report.n_warnings == 1
    kept, dropped = drop_invalid(sub, report)
    assert sum(dropped.values()) == 0 and len(kept.units) == 3


def test_summary_lists_codes_and_counts_in_both_languages() -> None:
    sub = _set(base(), "children", 1, sex="Q")
    report = validate(sub, today=TODAY)
    en, vi = report.summary(), report.summary(lang="vi")
    assert "unknown-code" in en and "children.sex" in en and "has 1 error." in en
    assert "Dữ liệu có 1 lỗi" in vi and ERRORS["unknown-code"].title_vi in vi


def test_no_message_repeats_an_unrelated_cell() -> None:
    # messages name the offending value and its column, never other cells of the row
    sub = _set(base(), "children", 1, sex="Q", ethnicity="01")
    report = validate(sub, today=TODAY)
    for p in report:
        assert "C1" not in p["message_en"] and "C1" not in p["message_vi"]


# -- no personal data (docs/privacy.md) ---------------------------------------------------
CCCD = "001234567878"


def _all_text(report: object) -> str:
    from chitieu.validation import ValidationReport

    assert isinstance(report, ValidationReport)
    return "\n".join(
        [report.errors.to_string(), report.to_json(), report.summary(), report.summary("vi")]
    )


def test_identity_values_are_masked_where_problems_are_recorded() -> None:
    sub = _set(base(), "children", 1, child_id=CCCD)
    sub = _set(sub, "children", 2, child_id=CCCD)  # two spells at once: the id is the value
    report = validate(sub, today=TODAY)
    dup = report.errors.loc[report.errors["code"] == "overlapping-spells"].iloc[0]
    assert dup["value"] == "0012••••••78" and bool(dup["masked"]) is True
    assert "0012••••••78" in dup["message_en"] and "0012••••••78" in dup["message_vi"]
    assert dup["message_en"].endswith("(personal data masked)")
    assert dup["message_vi"].endswith("(đã che dữ liệu cá nhân)")
    assert CCCD not in _all_text(report)
    assert report.masked and report.to_dict()["privacy"]["masked"] is True
    assert "are masked (0012••••••78)" in report.summary()


def test_short_identity_values_are_masked_too_and_other_values_are_not() -> None:
    sub = _set(base(), "injuries", 1, child_id="TE-0042")
    sub = _set(sub, "children", 1, sex="Q")
    report = validate(sub, today=TODAY)
    unknown = report.errors.loc[report.errors["code"] == "unknown-child"].iloc[0]
    assert unknown["value"] == "TE••••2" and "TE-0042" not in _all_text(report)
    sex = report.errors.loc[report.errors["code"] == "unknown-code"].iloc[0]
    assert sex["value"] == "Q" and not sex["masked"]  # a code says nothing about a person
    assert not sex["message_en"].endswith("masked)")


def test_id_numbers_are_masked_in_any_column() -> None:
    sub = _set(base(), "sanctions", 1, case_id=CCCD)  # a violator's number in the case column
    report = validate(sub, today=TODAY)
    case = report.errors.loc[report.errors["code"] == "unknown-case"].iloc[0]
    assert case["value"] == "0012••••••78" and case["masked"]
    assert CCCD not in _all_text(report)


def test_a_key_with_an_identity_part_is_masked_part_by_part() -> None:
    victims = base().abuse_victims
    twice = pd.concat([victims, victims.iloc[:1]], ignore_index=True)
    twice.loc[[0, len(twice) - 1], "child_id"] = CCCD
    report = validate(base().replace(abuse_victims=twice), today=TODAY)
    key = report.errors.loc[report.errors["code"] == "duplicate-key"].iloc[0]
    case_id = twice.loc[0, "case_id"]
    assert key["value"] == f"{case_id} / 0012••••••78"
    assert CCCD not in _all_text(report)


def _with_issue(**issue: object) -> object:
    record = {"table": "children", "file": "tre_em.csv", "row": None, "column": "",
              "value": None, "detail": "", **issue}  # fmt: skip
    issues = pd.DataFrame([record], columns=list(READ_ISSUE_COLUMNS)).astype(
        {"row": "Int64", **{c: "str" for c in READ_ISSUE_COLUMNS if c != "row"}}
    )
    return validate(base().replace(read_issues=issues), today=TODAY)


@pytest.mark.parametrize(
    ("header", "shown", "masked"),
    [("Họ và tên", "Họ và tên", False), (CCCD, "0012••••••78", True),
     ("Nguyễn Văn An", "•" * 13, True), ("Ghi\x07chú", "Ghi\\x07chú", False)],
)  # fmt: skip
def test_unknown_headers_are_shown_unless_they_are_values(
    header: str, shown: str, masked: bool
) -> None:
    report = _with_issue(code="unknown-column", column=header, value=header)
    from chitieu.validation import ValidationReport

    assert isinstance(report, ValidationReport)
    p = report.errors.iloc[0]
    assert (p["code"], p["column"], p["value"], bool(p["masked"])) == (
        "unknown-column", shown, shown, masked
    )  # fmt: skip
    assert set(report.counts["column"]) == {shown}
    if masked:
        assert header not in _all_text(report)
    assert "\x07" not in report.to_json() and "\x07" not in p["message_en"]


def test_reader_details_that_quote_a_personal_value_are_masked() -> None:
    report = _with_issue(
        code="some-future-code", column="child_id", value="TE-0042",
        detail="could not read 'TE-0042' (CCCD 079215000111)",
    )  # fmt: skip
    text = _all_text(report)
    assert "TE-0042" not in text and "079215000111" not in text
    assert "TE••••2" in text and "0792••••••11" in text


def test_file_names_with_lone_surrogates_or_controls_do_not_break_the_report() -> None:
    # a file name that is not valid UTF-8 reaches Python with lone surrogates
    from chitieu.validation import ValidationReport
    from chitieu.validation.report import _Collector

    collector = _Collector(5)
    files = ["xa\udcff.csv", "b\x1b[2J.csv"]
    collector.add("unknown-table", "", "", files=files, rows=[None, None], values=[None, None])
    report = ValidationReport._build(collector, {}, {}, source="x\udcff")
    assert set(report.errors["file"]) == {"xa\ufffd.csv", "b\\x1b[2J.csv"}
    report.to_json().encode("utf-8")  # raises if a surrogate is left
    assert report.to_dict()["source"] == "x\ufffd"
    assert all("\x1b" not in m for m in report.errors["message"])
