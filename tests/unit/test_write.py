"""Tests of chitieu.io.write: layout, formats and Vietnamese names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from chitieu.errors import ChitieuError
from chitieu.io import write as write_module
from chitieu.io.read import read_submission
from chitieu.io.write import WriteError, file_stem, write_submission
from chitieu.privacy import FORMULA_PREFIXES, inert, uninert
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs, empty_frame
from chitieu.submission import Submission


def frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A canonical frame of *table* from partial rows (other columns missing)."""
    specs = column_specs(table)
    columns = {
        name: pd.Series([r.get(name) for r in rows], dtype=spec.dtype)
        for name, spec in specs.items()
    }
    return pd.DataFrame(columns)


@pytest.fixture
def sub() -> Submission:
    children = frame(
        "children",
        [
            {
                "child_id": "001",
                "commune_code": "07774",
                "division_version": "2008",
                "birth_date": pd.Timestamp("2015-03-02"),
                "sex": "F",
                "ethnicity": "01",
                "birth_registered": True,
            },
            {
                "child_id": "=1+1",
                "commune_code": "07774",
                "division_version": "2008",
                "birth_date": pd.Timestamp("2016-02-29"),
                "sex": "M",
                "ethnicity": "06",
                "birth_registered": False,
                "exit_date": pd.Timestamp("2024-01-31"),
                "exit_reason": "DIED",
            },
        ],
    )
    children[SOURCE_FILE] = "x.csv"
    children[SOURCE_ROW] = pd.Series([2, 3], dtype="Int64")
    injuries = frame(
        "injuries",
        [
            {
                "injury_id": "I1",
                "child_id": "001",
                "injury_date": pd.Timestamp("2024-05-01"),
                "commune_code": "07774",
                "division_version": "2008",
                "injury_type": "08",
                "place": "HOME",
                "outcome": "DIED",
            }
        ],
    )
    units = frame(
        "units",
        [
            {
                "unit_code": "07774",
                "division_version": "2008",
                "name": "Thị trấn Thắng",
                "level": "COMMUNE",
                "villages": 12,
                "has_playground": True,
                "population_total": 15_000_000,
            }
        ],
    )
    return Submission(children=children, injuries=injuries, units=units)


def test_files_written_canonical(tmp_path: Path, sub: Submission) -> None:
    folder = write_submission(sub, tmp_path / "out", "csv")
    assert folder == tmp_path / "out"
    assert sorted(p.name for p in folder.iterdir()) == ["children.csv", "injuries.csv", "units.csv"]


def test_children_and_units_are_always_written(tmp_path: Path) -> None:
    folder = write_submission(Submission(), tmp_path, "parquet")
    assert sorted(p.name for p in folder.iterdir()) == ["children.parquet", "units.parquet"]


def test_csv_layout(tmp_path: Path, sub: Submission) -> None:
    write_submission(sub, tmp_path, "csv")
    raw = (tmp_path / "children.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8").splitlines()
    assert lines[0] == ",".join(column_specs("children"))
    assert lines[1].startswith("001,07774,2008,2015-03-02,F,01,")
    assert ",true," in lines[1] and ",false," in lines[2]
    assert "_source" not in lines[0]
    text = (tmp_path / "units.csv").read_text("utf-8")
    assert "Thị trấn Thắng" in text and "15000000" in text


def test_vietnamese_names_and_headers(tmp_path: Path, sub: Submission) -> None:
    write_submission(sub, tmp_path, "csv", headers="vi")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "don_vi_hanh_chinh.csv",
        "tai_nan_thuong_tich.csv",
        "tre_em.csv",
    ]
    header = (tmp_path / "tre_em.csv").read_text("utf-8").splitlines()[0]
    assert header.split(",")[:4] == ["Mã trẻ em", "Mã xã", "Phiên bản danh mục", "Ngày sinh"]


@pytest.mark.parametrize("table", list(TABLES))
def test_vietnamese_file_names_are_recognised(table: str) -> None:
    from chitieu.io.headers import detect_table

    assert detect_table(file_stem(table, "vi") + ".csv") == table


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize("headers", ["canonical", "vi"])
def test_round_trip(tmp_path: Path, sub: Submission, fmt: str, headers: str) -> None:
    write_submission(sub, tmp_path, fmt, headers=headers)  # type: ignore[arg-type]
    back = read_submission(tmp_path)
    assert back.read_issues.empty
    assert back.tables_present == ("children", "injuries", "units")
    for table in back.tables_present:
        pd.testing.assert_frame_equal(
            back.canonical(table), sub.canonical(table).reset_index(drop=True)
        )


def test_parquet_types(tmp_path: Path, sub: Submission) -> None:
    write_submission(sub, tmp_path, "parquet")
    schema = pq.read_schema(tmp_path / "children.parquet")
    assert str(schema.field("birth_date").type) == "timestamp[us]"
    assert str(schema.field("birth_registered").type) == "bool"
    assert str(schema.field("child_id").type) == "string"
    assert str(pq.read_schema(tmp_path / "units.parquet").field("villages").type) == "int64"
    back = read_submission(tmp_path)
    assert str(back.children["birth_date"].dtype) == "datetime64[us]"


def test_parquet_keeps_dtypes_for_pandas(tmp_path: Path, sub: Submission) -> None:
    write_submission(sub, tmp_path, "parquet")
    for table, name in (("children", "children.parquet"), ("units", "units.parquet")):
        frame = pd.read_parquet(tmp_path / name)
        expected = {c: s.dtype for c, s in column_specs(table).items()}
        assert {c: str(t) for c, t in frame.dtypes.items()} == expected


def test_xlsx_cells(tmp_path: Path, sub: Submission) -> None:
    write_submission(sub, tmp_path, "xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "children.xlsx").active
    assert [c.value for c in sheet[1]][:4] == [
        "child_id",
        "commune_code",
        "division_version",
        "birth_date",
    ]
    assert sheet["A2"].value == "001"
    assert sheet["B2"].data_type == "s" and sheet["B2"].value == "07774"
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"  # text, never a formula
    assert isinstance(sheet["D2"].value, dt.datetime)
    assert sheet["D2"].value == dt.datetime(2015, 3, 2)
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    birth_registered = list(column_specs("children")).index("birth_registered") + 1
    assert sheet.cell(2, birth_registered).value is True
    assert sheet.cell(2, list(column_specs("children")).index("exit_date") + 1).value is None


def test_write_replaces_files(tmp_path: Path, sub: Submission) -> None:
    write_submission(sub, tmp_path, "csv")
    smaller = sub.replace(children=sub.children.iloc[:1])
    write_submission(smaller, tmp_path, "csv")
    assert len(read_submission(tmp_path).children) == 1


def test_submission_write_delegates(tmp_path: Path, sub: Submission) -> None:
    folder = sub.write(tmp_path / "x", "parquet")
    assert (folder / "children.parquet").exists()


def test_unknown_format(tmp_path: Path, sub: Submission) -> None:
    with pytest.raises(WriteError, match="unknown format 'json'"):
        write_submission(sub, tmp_path, "json")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="headers"):
        write_submission(sub, tmp_path, "csv", headers="en")  # type: ignore[arg-type]


def test_frame_without_its_columns(tmp_path: Path) -> None:
    broken = Submission(children=empty_frame("children").drop(columns=["sex"]))
    with pytest.raises(ChitieuError, match="children has no column sex"):
        write_submission(broken, tmp_path)


def test_non_canonical_dtypes_are_converted(tmp_path: Path) -> None:
    units = frame(
        "units", [{"unit_code": "1", "division_version": "2008", "name": "A", "level": "COMMUNE"}]
    )
    units["villages"] = [3.0]
    write_submission(Submission(units=units), tmp_path, "csv")
    assert read_submission(tmp_path).units["villages"].tolist() == [3]


def test_folder_that_is_a_file(tmp_path: Path, sub: Submission) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(WriteError, match="cannot create the folder"):
        write_submission(sub, target / "out")


def test_table_too_long_for_excel_is_refused_before_writing(
    tmp_path: Path, sub: Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_module, "XLSX_MAX_ROWS", 1)
    with pytest.raises(WriteError, match=r"at most 1 rows .*children \(2 rows\)") as info:
        write_submission(sub, tmp_path / "out", "xlsx")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "out").exists()
    write_submission(sub, tmp_path / "csv", "csv")  # other formats have no such limit
    assert len(pd.read_csv(tmp_path / "csv" / "children.csv")) == len(sub.children)


# -- no live formula in what is written (docs/privacy.md) ---------------------------------
FORMULA_LIKE = ["=1+1", "+84912345678", "-5", "@SUM(A1)", "'=already", '=HYPERLINK("x")']


def _formula_children() -> Submission:
    rows = [
        {
            "child_id": value,
            "commune_code": "07774",
            "division_version": "2008",
            "birth_date": pd.Timestamp("2015-03-02"),
            "sex": "F",
            "ethnicity": "01",
        }
        for value in FORMULA_LIKE
    ]
    return Submission(children=frame("children", rows))


@pytest.mark.parametrize("headers", ["canonical", "vi"])
def test_csv_text_that_would_run_as_a_formula_is_written_inert(
    tmp_path: Path, headers: str
) -> None:
    import csv

    write_submission(_formula_children(), tmp_path, "csv", headers=headers)  # type: ignore[arg-type]
    for path in tmp_path.iterdir():
        with path.open(encoding="utf-8", newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        live = [c for c in cells if c.startswith(FORMULA_PREFIXES)]
        assert live == [], (path.name, live)
    name = "tre_em.csv" if headers == "vi" else "children.csv"
    with (tmp_path / name).open(encoding="utf-8", newline="") as f:
        ids = [row[0] for row in csv.reader(f)][1:]
    assert ids == [inert(v) for v in FORMULA_LIKE]
    assert ids[0] == "'=1+1" and ids[4] == "''=already"
    assert [uninert(v) for v in ids] == FORMULA_LIKE


def test_csv_inert_values_come_back_exactly_through_uninert(tmp_path: Path) -> None:
    sub = _formula_children()
    write_submission(sub, tmp_path, "csv")
    back = read_submission(tmp_path)
    assert back.children["child_id"].tolist() == FORMULA_LIKE  # the reader undoes inert()
    # values that start with no formula character are written and read back as they are
    plain = frame("children", [{"child_id": "TE-01", "sex": "M", "ethnicity": "01"}])
    write_submission(Submission(children=plain), tmp_path / "plain", "csv")
    assert read_submission(tmp_path / "plain").children["child_id"].tolist() == ["TE-01"]


def test_xlsx_formula_like_text_is_text_with_a_quote_prefix(tmp_path: Path) -> None:
    write_submission(_formula_children(), tmp_path, "xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "children.xlsx").active
    cells = [sheet.cell(row, 1) for row in range(2, 2 + len(FORMULA_LIKE))]
    assert [c.value for c in cells] == FORMULA_LIKE  # the value itself is unchanged
    assert all(c.data_type == "s" for c in cells)
    flagged = [c.value for c in cells if c.quotePrefix]
    assert flagged == [v for v in FORMULA_LIKE if v.startswith(FORMULA_PREFIXES)]
    back = read_submission(tmp_path)
    assert back.children["child_id"].tolist() == FORMULA_LIKE
