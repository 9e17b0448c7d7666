"""Every code of the validation catalogue, planted once into a tiny valid submission.

The base submission is built by hand so that each planted mistake is visible in
a few lines. Frames built in code have no ``_source_row``: their rows are
reported by 1-based position. Problems met while reading are planted into
files written from the same submission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import chitieu
from chitieu.schemas import column_specs, empty_frame
from chitieu.submission import READ_ISSUE_COLUMNS, Submission
from chitieu.validation import ERRORS, ValidationReport, validate

TODAY = dt.date(2026, 11, 28)
Problem = tuple[str, str, int | None, str]


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A canonical frame of *table* from a few rows (absent columns are missing)."""
    specs = column_specs(table)
    raw = pd.DataFrame(rows, columns=list(specs))
    out = empty_frame(table).iloc[0:0]
    data = {}
    for name, spec in specs.items():
        col = raw[name]
        if spec.kind == "date":
            data[name] = pd.to_datetime(col).astype("datetime64[us]")
        else:
            data[name] = col.astype(spec.dtype)
    return pd.DataFrame(data, columns=out.columns)


def base() -> Submission:
    """Three children, one of each kind of record, one province/district/commune."""
    place = {"commune_code": "00001", "division_version": "2008"}
    children = _frame(
        "children",
        [
            {"child_id": "C1", **place, "birth_date": "2015-03-02", "sex": "F",
             "ethnicity": "01", "entry_date": "2015-03-20"},
            {"child_id": "C2", **place, "birth_date": "2012-07-10", "sex": "M",
             "ethnicity": "01", "entry_date": "2012-08-01", "exit_date": "2024-05-01",
             "exit_reason": "MOVED"},
            {"child_id": "C3", **place, "birth_date": "2018-01-05", "sex": "M",
             "ethnicity": "02", "entry_date": "2018-02-01", "at_risk_from": "2023-01-01",
             "at_risk_to": "2024-01-01"},
        ],
    )  # fmt: skip
    circumstances = _frame(
        "circumstances",
        [
            {"child_id": "C1", "group": "HCDB_A", "subgroup": "HCDB_A1",
             "start_date": "2022-01-01", "end_date": "2024-01-01"},
            {"child_id": "C3", "group": "HCDB_N", "start_date": "2023-05-01"},
        ],
    )  # fmt: skip
    supports = _frame(
        "supports", [{"child_id": "C1", "support_date": "2024-06-01", "support_type": "ALLOWANCE"}]
    )
    consultations = _frame(
        "consultations", [{"child_id": "C1", "consultation_date": "2024-05-30", "form": "FORUM"}]
    )
    injuries = _frame(
        "injuries",
        [
            {"injury_id": "I1", "child_id": "C1", "registered_here": True,
             "injury_date": "2024-07-14", **place, "injury_type": "08", "place": "HOME",
             "outcome": "INJURED"},
            {"injury_id": "I2", "child_id": "V9", "registered_here": False,
             "injury_date": "2024-08-01", **place, "injury_type": "01", "place": "SCHOOL",
             "outcome": "INJURED", "sex": "M", "birth_date": "2011-01-01"},
        ],
    )  # fmt: skip
    cases = _frame(
        "abuse_cases",
        [{"case_id": "A1", "detected_date": "2024-03-11", **place, "setting": "FAMILY"}],
    )
    victims = _frame(
        "abuse_victims",
        [{"case_id": "A1", "child_id": "C3", "registered_here": True, "forms": "XHTD;BL",
          "support_date": "2024-03-12", "support_type": "HEALTH"}],
    )  # fmt: skip
    sanctions = _frame(
        "sanctions",
        [{"decision_id": "QD1", "decision_date": "2024-04-02", **place, "case_id": "A1",
          "violator_type": "INDIVIDUAL", "fine_vnd": 15_000_000, "measures": "FINE"}],
    )  # fmt: skip
    units = _frame(
        "units",
        [
            {"unit_code": "24", "division_version": "2008", "name": "Tỉnh A", "level": "PROVINCE"},
            {"unit_code": "222", "division_version": "2008", "name": "Huyện B",
             "level": "DISTRICT", "province_code": "24"},
            {"unit_code": "00001", "division_version": "2008", "name": "Xã C", "level": "COMMUNE",
             "district_code": "222", "province_code": "24", "villages": 10,
             "villages_with_facilities": 5, "deaths_neonatal": 1, "deaths_under1": 2,
             "deaths_under5": 3},
        ],
    )  # fmt: skip
    return Submission(
        children=children,
        circumstances=circumstances,
        supports=supports,
        consultations=consultations,
        injuries=injuries,
        abuse_cases=cases,
        abuse_victims=victims,
        sanctions=sanctions,
        units=units,
    )


def _set(sub: Submission, table: str, row: int, **values: Any) -> Submission:
    frame = sub[table].copy()
    for column, value in values.items():
        if column in column_specs(table) and column_specs(table)[column].kind == "date":
            value = pd.Timestamp(value) if value is not None else pd.NaT
        frame.loc[row - 1, column] = value
    return sub.replace(**{table: frame})


def _append(sub: Submission, table: str, **values: Any) -> Submission:
    """*sub* with one more row of *table* (absent columns are missing)."""
    frame = pd.concat([sub[table], _frame(table, [values])], ignore_index=True)
    return sub.replace(**{table: frame})


def _second_commune(sub: Submission) -> Submission:
    """*sub* with a second commune, 00002, in the units table."""
    return _append(
        sub, "units", unit_code="00002", division_version="2008", name="Xã D", level="COMMUNE",
        district_code="222", province_code="24",
    )  # fmt: skip


def _problems(report: ValidationReport) -> set[Problem]:
    return {(p["code"], p["table"], p["row"], p["column"]) for p in report}


# -- frames built in code: one planter per code --------------------------------------
Planter = Callable[[Submission], Submission]

PLANTED: dict[str, tuple[Planter, set[Problem]]] = {
    "dtype-mismatch": (
        lambda s: s.replace(
            children=s.children.assign(birth_date=s.children["birth_date"].dt.strftime("%Y"))
        ),
        {("dtype-mismatch", "children", None, "birth_date")},
    ),
    "missing-value": (
        lambda s: _set(s, "children", 1, sex=None),
        {("missing-value", "children", 1, "sex")},
    ),
    "unknown-code": (
        lambda s: _set(s, "injuries", 1, injury_type="12"),
        {("unknown-code", "injuries", 1, "injury_type")},
    ),
    "duplicate-id": (
        lambda s: _set(s, "injuries", 2, injury_id="I1"),
        {("duplicate-id", "injuries", 2, "injury_id")},
    ),
    "duplicate-key": (
        lambda s: s.replace(supports=pd.concat([s.supports] * 2, ignore_index=True)),
        {("duplicate-key", "supports", 2, "child_id+support_date+support_type")},
    ),
    "negative-number": (
        lambda s: _set(s, "sanctions", 1, fine_vnd=-5),
        {("negative-number", "sanctions", 1, "fine_vnd")},
    ),
    "date-in-future": (
        lambda s: _set(s, "sanctions", 1, decision_date="2027-01-01"),
        {("date-in-future", "sanctions", 1, "decision_date")},
    ),
    "event-before-birth": (
        lambda s: _set(s, "supports", 1, support_date="2014-01-01"),
        {("event-before-birth", "supports", 1, "support_date")},
    ),
    "event-after-age-16": (
        lambda s: _set(s, "injuries", 2, birth_date="2008-01-01"),
        {("event-after-age-16", "injuries", 2, "injury_date")},
    ),
    "entry-after-age-16": (
        lambda s: _set(s, "children", 2, birth_date="2005-01-01", entry_date="2021-02-01"),
        {("entry-after-age-16", "children", 2, "entry_date")},
    ),
    "exit-incomplete": (
        lambda s: _set(s, "children", 2, exit_reason=None),
        {("exit-incomplete", "children", 2, "exit_reason")},
    ),
    "end-before-start": (
        lambda s: _set(s, "circumstances", 1, end_date="2021-12-31"),
        {("end-before-start", "circumstances", 1, "end_date")},
    ),
    "subgroup-group-mismatch": (
        lambda s: _set(s, "circumstances", 1, subgroup="HCDB_B1"),
        {("subgroup-group-mismatch", "circumstances", 1, "subgroup")},
    ),
    "count-exceeds-total": (
        lambda s: _set(s, "units", 3, villages_with_facilities=11),
        {("count-exceeds-total", "units", 3, "villages_with_facilities")},
    ),
    "overlapping-spells": (
        lambda s: _append(
            s,
            "children",
            child_id="C1",
            commune_code="00001",
            division_version="2008",
            birth_date="2015-03-02",
            sex="F",
            ethnicity="01",
            entry_date="2020-01-01",
        ),
        {("overlapping-spells", "children", 4, "child_id")},
    ),
    "event-after-death": (
        lambda s: _set(_set(s, "children", 2, exit_reason="DIED"), "supports", 1, child_id="C2"),
        {("event-after-death", "supports", 1, "support_date")},
    ),
    "event-after-exit": (
        lambda s: _set(s, "supports", 1, child_id="C2"),
        {("event-after-exit", "supports", 1, "support_date")},
    ),
    "event-before-entry": (
        lambda s: _set(s, "children", 1, entry_date="2024-07-01"),
        {("event-before-entry", "consultations", 1, "consultation_date")},
    ),
    "case-in-two-communes": (
        lambda s: _append(
            _second_commune(s),
            "abuse_cases",
            case_id="A1",
            detected_date="2024-05-02",
            commune_code="00002",
            division_version="2008",
            setting="FAMILY",
        ),
        {("case-in-two-communes", "abuse_cases", 2, "case_id")},
    ),
    "violator-in-two-communes": (
        lambda s: _append(
            _set(_second_commune(s), "sanctions", 1, violator_id="V1"),
            "sanctions",
            decision_id="QD2",
            decision_date="2024-05-03",
            commune_code="00002",
            division_version="2008",
            case_id="A1",
            violator_type="INDIVIDUAL",
            violator_id="V1",
            measures="FINE",
            fine_vnd=1_000_000,
        ),
        {("violator-in-two-communes", "sanctions", 2, "violator_id")},
    ),
    "unknown-child": (
        lambda s: _set(s, "consultations", 1, child_id="C9"),
        {("unknown-child", "consultations", 1, "child_id")},
    ),
    "unknown-case": (
        lambda s: _set(s, "sanctions", 1, case_id="A9"),
        {("unknown-case", "sanctions", 1, "case_id")},
    ),
    "case-without-victim": (
        lambda s: s.replace(abuse_victims=empty_frame("abuse_victims")),
        {("case-without-victim", "abuse_cases", 1, "case_id")},
    ),
    "unknown-commune-code": (
        lambda s: _set(s, "abuse_cases", 1, commune_code="00002"),
        {("unknown-commune-code", "abuse_cases", 1, "commune_code")},
    ),
    "participants-exceed-group": (
        lambda s: _append(
            s, "activities", activity_id="H1", commune_code="00001", division_version="2008",
            activity_date="2024-03-01", activity_type="TRAINING", target_group="OFFICIALS",
            topic="CHILD_PROTECTION", participants=12, group_size=10,
        ),
        {("participants-exceed-group", "activities", 1, "participants")},
    ),
    "policy-consultation-incomplete": (
        lambda s: _append(
            s, "activities", activity_id="H1", commune_code="00001", division_version="2008",
            activity_date="2024-03-01", activity_type="POLICY_CONSULTATION",
            target_group="POLICIES", topic="PARTICIPATION", participants=5, policy_id="KH-1/2024",
        ),
        {("policy-consultation-incomplete", "activities", 1, "children_consulted")},
    ),
    "missing-table": (
        lambda s: s.replace(units=empty_frame("units")),
        {("missing-table", "units", None, "")},
    ),
    "unknown-parent-unit": (
        lambda s: _set(s, "units", 3, district_code="223"),
        {("unknown-parent-unit", "units", 3, "district_code")},
    ),
    "read-problem": (
        lambda s: s.replace(
            read_issues=pd.DataFrame(
                [["some-new-code", "children", "tre_em.csv", None, "", "x", "a new kind of issue"]],
                columns=list(READ_ISSUE_COLUMNS),
            )
        ),
        {("read-problem", "children", None, "")},
    ),
}


def test_base_submission_is_valid_without_warnings() -> None:
    report = validate(base(), today=TODAY)
    assert report.valid and report.n_warnings == 0, report.errors


@pytest.mark.parametrize("code", sorted(PLANTED))
def test_planted_code_is_reported_exactly(code: str) -> None:
    planter, expected = PLANTED[code]
    report = validate(planter(base()), today=TODAY)
    assert _problems(report) == expected
    assert report.valid is (ERRORS[code].severity == "warning")
    for p in report:
        assert p["severity"] == ERRORS[code].severity
        assert p["message_en"] and p["message_vi"] and p["message_en"] != p["message_vi"]
        assert "{" not in p["message_en"] and "{" not in p["message_vi"]


# -- problems met while reading files ------------------------------------------------
def _written(tmp_path: Path) -> Path:
    folder = tmp_path / "sub"
    base().write(folder)
    return folder


def _edit_csv(path: Path, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


def _cell(column: str, row: int, value: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame

    return edit


def _append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def _children_as_parquet(folder: Path, column: str, values: object) -> None:
    """children.csv rewritten as children.parquet, one column replaced by Arrow *values*."""
    frame = pd.read_csv(folder / "children.csv", dtype=str, keep_default_na=False)
    (folder / "children.csv").unlink()
    table = pa.table({c: pa.array(frame[c].tolist()) for c in frame.columns if c != column})
    pq.write_table(table.append_column(column, values), folder / "children.parquet")


FILE_PLANTED: dict[str, tuple[Callable[[Path], None], set[Problem]]] = {
    "invalid-date": (
        lambda d: _edit_csv(d / "children.csv", _cell("birth_date", 1, "31/02/2015")),
        {("invalid-date", "children", 3, "birth_date")},
    ),
    "invalid-integer": (
        lambda d: _edit_csv(d / "sanctions.csv", _cell("fine_vnd", 0, "15 triệu?")),
        {("invalid-integer", "sanctions", 2, "fine_vnd")},
    ),
    "invalid-boolean": (
        lambda d: _edit_csv(d / "injuries.csv", _cell("registered_here", 0, "có lẽ")),
        {("invalid-boolean", "injuries", 2, "registered_here")},
    ),
    "missing-column": (
        lambda d: _edit_csv(d / "consultations.csv", lambda f: f.drop(columns=["form"])),
        {("missing-column", "consultations", None, "form")},
    ),
    "unknown-column": (
        lambda d: _edit_csv(d / "children.csv", lambda f: f.assign(ghi_chu_them="x")),
        {("unknown-column", "children", None, "ghi_chu_them")},
    ),
    "duplicate-column": (
        lambda d: _edit_csv(d / "children.csv", lambda f: f.assign(**{"Giới tính": f["sex"]})),
        {("duplicate-column", "children", None, "sex")},
    ),
    "unknown-table": (
        lambda d: (d / "ghi_chu.csv").write_text("a,b\n1,2\n", encoding="utf-8"),
        {("unknown-table", "", None, "")},
    ),
    "duplicate-table": (
        lambda d: (d / "tre_em.csv").write_bytes((d / "children.csv").read_bytes()),
        {("duplicate-table", "children", None, "")},
    ),
    "empty-file": (
        lambda d: (d / "consultations.csv").write_text("", encoding="utf-8"),
        {("empty-file", "consultations", None, "")},
    ),
    "ragged-row": (
        lambda d: _append_line(d / "supports.csv", "C1,2024-06-02,ALLOWANCE" + ",x" * 20),
        {("ragged-row", "supports", 3, "")},
    ),
    "cell-too-long": (
        lambda d: _edit_csv(d / "children.csv", _cell("exit_reason", 0, "x" * 1_100_000)),
        {("cell-too-long", "children", 2, "exit_reason")},
    ),
    "invalid-text": (
        lambda d: _children_as_parquet(d, "child_id", pa.array([b"C1", b"\xff\xfe", b"C3"])),
        {("invalid-text", "children", 2, "child_id")},
    ),
    "unsupported-column-type": (
        lambda d: _children_as_parquet(d, "disability", pa.array([[1], [], None])),
        {("unsupported-column-type", "children", None, "disability")},
    ),
}


def test_written_base_reads_back_valid(tmp_path: Path) -> None:
    report = validate(chitieu.read_submission(_written(tmp_path)), today=TODAY)
    assert report.valid and report.n_warnings == 0, report.errors


@pytest.mark.parametrize("code", sorted(FILE_PLANTED))
def test_problem_met_while_reading_is_reported(code: str, tmp_path: Path) -> None:
    folder = _written(tmp_path)
    plant, expected = FILE_PLANTED[code]
    plant(folder)
    report = validate(chitieu.read_submission(folder), today=TODAY)
    assert _problems(report) == expected
    assert report.valid is (ERRORS[code].severity == "warning")


def test_every_catalogue_code_is_planted_by_a_test() -> None:
    assert set(PLANTED) | set(FILE_PLANTED) == set(ERRORS)
    assert not set(PLANTED) & set(FILE_PLANTED)


def test_missing_column_makes_every_row_of_its_table_invalid(tmp_path: Path) -> None:
    folder = _written(tmp_path)
    _edit_csv(folder / "children.csv", lambda f: f.drop(columns=["sex"]))
    report = validate(chitieu.read_submission(folder), today=TODAY)
    assert report.tables.loc["children", "rows_with_errors"] == 3
    assert report.tables.loc["children", "rows_valid"] == 0
    assert _problems(report) == {("missing-column", "children", None, "sex")}


def test_invalid_date_is_not_also_reported_by_later_checks(tmp_path: Path) -> None:
    folder = _written(tmp_path)
    # a date the reader cannot parse is one problem, not also "missing" or "before birth"
    _edit_csv(folder / "supports.csv", _cell("support_date", 0, "2024-13-45"))
    report = validate(chitieu.read_submission(folder), today=TODAY)
    assert _problems(report) == {("invalid-date", "supports", 2, "support_date")}
    assert report.counts["count"].sum() == 1


def test_unregistered_child_is_not_unknown() -> None:
    sub = base()
    assert sub.injuries.loc[1, "child_id"] not in set(sub.children["child_id"])
    flipped = _set(sub, "injuries", 2, registered_here=True)
    assert _problems(validate(flipped, today=TODAY)) == {
        ("unknown-child", "injuries", 2, "child_id")
    }


def test_event_after_16_uses_the_register_birth_date_for_registered_children() -> None:
    sub = _set(base(), "children", 1, birth_date="2008-05-01", entry_date="2008-05-20")
    report = validate(sub, today=TODAY)
    # C1 turned 16 on 2024-05-01: the support, consultation, injury and circumstance
    # spell of 2024 fall after it; the spell that started in 2022 does not.
    assert _problems(report) == {
        ("event-after-age-16", "supports", 1, "support_date"),
        ("event-after-age-16", "consultations", 1, "consultation_date"),
        ("event-after-age-16", "injuries", 1, "injury_date"),
    }


def test_abuse_victim_age_is_checked_at_the_detection_date() -> None:
    sub = _set(base(), "children", 3, birth_date="2007-01-05", entry_date="2007-02-01")
    report = validate(sub, today=TODAY)
    assert ("event-after-age-16", "abuse_victims", 1, "case_id") in _problems(report)
    msg = next(p for p in report if p["table"] == "abuse_victims")["message_en"]
    assert "2024-03-11" in msg and "2023-01-05" in msg


def test_unknown_code_message_names_the_code_list() -> None:
    report = validate(_set(base(), "children", 1, ethnicity="77"), today=TODAY)
    (p,) = list(report)
    assert "ethnicity" in p["message_en"] and "'77'" in p["message_en"]
    assert p["value"] == "77"


def test_multi_valued_codes_are_checked_one_by_one() -> None:
    report = validate(_set(base(), "abuse_victims", 1, forms="XHTD;NOPE"), today=TODAY)
    assert _problems(report) == {("unknown-code", "abuse_victims", 1, "forms")}
