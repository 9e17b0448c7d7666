"""Exports of a report: Excel, CSV, Parquet, JSON, HTML (chitieu.export)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import chitieu
from chitieu.errors import ReadError
from chitieu.export import (
    MissingDependencyError,
    read_metadata,
    read_table,
    to_csv,
    to_excel,
    to_html,
    to_json,
)
from chitieu.indicators.examples import tiny_submission
from chitieu.report import Report, report

INJECTION = '=HYPERLINK("http://example.com/x","Bấm vào đây")'


@pytest.fixture(scope="module")
def rep() -> Report:
    return report(tiny_submission(), period="2024")


@pytest.fixture(scope="module")
def workbook(rep: Report, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = rep.to_excel(tmp_path_factory.mktemp("xlsx") / "report.xlsx")
    return openpyxl.load_workbook(path)


def _cells(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[object]:
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


# -- Excel ------------------------------------------------------------------------------
def test_excel_has_cover_and_family_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Bìa - Cover",
        "Dân số - Population",
        "Bảo vệ - Protection",
        "Tai nạn thương tích - Injuries",
        "Tham gia - Participation",
        "Xâm hại - Abuse",
        "Xử lý vi phạm - Sanctions",
        "Đơn vị hành chính - Units",
    ]
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_excel_cover_shows_what_the_report_is(rep: Report, workbook: openpyxl.Workbook) -> None:
    cells = _cells(workbook["Bìa - Cover"])
    text = "\n".join(str(c) for c in cells)
    assert "BÁO CÁO CHỈ TIÊU THỐNG KÊ VỀ TRẺ EM" in text
    assert rep.input_hash in cells
    assert rep.chitieu_version in cells
    assert rep.generated_at in cells
    assert "2024 (2024-01-01 – 2024-12-31)" in cells
    assert "Xã / Commune" in cells
    assert "Thị trấn Một" in cells  # the list of units
    for flag in chitieu.report.FLAGS:  # the legend of the flags
        assert flag in cells
    assert "Phân tổ nhiều lựa chọn" in text and "per 1,000" in text
    # each indicator with its code status shown plainly
    assert "CHƯA xác nhận / NOT confirmed" in cells
    assert "Có / Yes" in cells  # abused_children's code 0101 is confirmed
    for indicator_id in rep.indicators["id"]:
        assert indicator_id in cells
    assert "full_immunisation_under1" in cells  # skipped, with its reason
    assert any("extra={'immunisation'" in str(c) for c in cells)


def test_excel_family_sheet_layout(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Dân số - Population"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == [
        "Chỉ tiêu / Indicator",
        "Mã chỉ tiêu / Code",
        "Mã định danh / Indicator id",
    ]
    assert "Giới tính / Sex" in header
    assert "Tên đơn vị / Unit name" in header
    assert header[-1] == "Ghi chú / Flags"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    widths = [sheet.column_dimensions[c].width for c in ("A", "B", "G")]
    assert all(8 <= w <= 61 for w in widths)
    sex = header.index("Giới tính / Sex")
    values = {row[sex].value for row in sheet.iter_rows(min_row=2)}
    assert {"Nam (M)", "Nữ (F)", "Tổng số"} <= values


def test_excel_number_formats(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Bảo vệ - Protection"]
    header = [c.value for c in sheet[1]]
    num, value = header.index("Tử số / Numerator"), header.index("Giá trị / Value")
    ids = header.index("Mã định danh / Indicator id")
    formats = {}
    for row in sheet.iter_rows(min_row=2):
        formats[row[ids].value] = (row[num].number_format, row[value].number_format)
    assert formats["special_circumstances"] == ("#,##0", "#,##0.0")
    injuries = workbook["Tai nạn thương tích - Injuries"]
    header = [c.value for c in injuries[1]]
    ids, value = header.index("Mã định danh / Indicator id"), header.index("Giá trị / Value")
    seen = {row[ids].value: row[value].number_format for row in injuries.iter_rows(min_row=2)}
    assert seen["injury_rate"] == "#,##0.00"  # per 1,000
    assert seen["injury_events"] == "#,##0"


def test_excel_writes_text_from_data_as_text_never_formulas(tmp_path: Path) -> None:
    sub = tiny_submission()
    units = sub.units.copy()
    units.loc[units["unit_code"] == "00001", "name"] = INJECTION
    units.loc[units["unit_code"] == "00002", "name"] = "+84 @danger -1"
    sub = sub.replace(units=units)
    path = report(sub, period="2024", indicators=["child_population"]).to_excel(tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    found = []
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in (INJECTION, "+84 @danger -1"):
                    found.append(cell)
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert {c.value for c in found} == {INJECTION, "+84 @danger -1"}
    assert all(c.data_type == "s" for c in found)
    assert {c.parent.title for c in found} == {"Bìa - Cover", "Dân số - Population"}


def test_excel_in_english(rep: Report, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(to_excel(rep, tmp_path / "en.xlsx", lang="en"))
    assert wb.sheetnames[:2] == ["Cover - Bìa", "Population - Dân số"]
    sheet = wb["Population - Dân số"]
    header = [c.value for c in sheet[1]]
    assert "Sex / Giới tính" in header
    sex = header.index("Sex / Giới tính")
    assert "Male (M)" in {row[sex].value for row in sheet.iter_rows(min_row=2)}
    with pytest.raises(ValueError, match="lang must be 'vi' or 'en'"):
        to_excel(rep, tmp_path / "x.xlsx", lang="fr")


def test_excel_without_xlsxwriter_is_a_clear_error(
    rep: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'chitieu\[excel\]'"):
        rep.to_excel(tmp_path / "r.xlsx")
    assert not (tmp_path / "r.xlsx").exists()


def test_excel_of_a_rolled_up_report(rep: Report, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(rep.rollup("province").to_excel(tmp_path / "p.xlsx"))
    cells = _cells(wb["Bìa - Cover"])
    assert "Tỉnh / Province" in cells
    assert "Tỉnh Mẫu" in cells
    sheet = wb["Dân số - Population"]
    header = [c.value for c in sheet[1]]
    codes = {row[header.index("Mã đơn vị / Unit code")].value for row in sheet.iter_rows(min_row=2)}
    assert codes == {"01"}


# -- CSV, Parquet, JSON -------------------------------------------------------------------
def test_csv_round_trip_with_bom(rep: Report, tmp_path: Path) -> None:
    path = to_csv(rep, tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "indicator_id,period,level" in raw.decode("utf-8-sig").splitlines()[0]
    back = read_table(path)
    pd.testing.assert_frame_equal(back, rep.table)


def test_parquet_round_trip(rep: Report, tmp_path: Path) -> None:
    path = rep.to_parquet(tmp_path / "r.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, rep.table)
    meta = read_metadata(path)
    assert meta["input_hash"] == rep.input_hash
    assert meta["level"] == "commune"
    assert [i["id"] for i in meta["indicators"]] == rep.indicators["id"].tolist()


def test_json_round_trip(rep: Report, tmp_path: Path) -> None:
    text = rep.to_json()
    assert isinstance(text, str)
    data = json.loads(text)
    assert data["columns"] == list(rep.table.columns)
    assert len(data["table"]) == len(rep.table)
    assert data["metadata"]["chitieu_version"] == chitieu.__version__
    assert data["metadata"]["periods"][0] == {
        "label": "2024",
        "start": "2024-01-01",
        "end": "2024-12-31",
    }
    first = data["table"][0]
    assert first["denominator"] is None or isinstance(first["denominator"], float)
    path = to_json(rep, tmp_path / "r.json")
    assert isinstance(path, Path)
    back = read_table(path)
    pd.testing.assert_frame_equal(back, rep.table, check_exact=False, rtol=1e-13)
    assert read_metadata(path)["skipped"][0]["indicator_id"] == rep.skipped["indicator_id"][0]


def test_round_trip_of_a_rolled_up_report(rep: Report, tmp_path: Path) -> None:
    national = rep.rollup("national")
    back = read_table(to_csv(national, tmp_path / "n.csv"))
    pd.testing.assert_frame_equal(back, national.table)
    assert np.isnan(back.loc[back["indicator_id"] == "child_population", "denominator"]).all()


def test_read_table_refuses_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no file"):
        read_table(tmp_path / "missing.csv")
    odd = tmp_path / "r.txt"
    odd.write_text("x")
    with pytest.raises(ReadError, match=r"expected a \.csv, \.parquet or \.json"):
        read_table(odd)


def test_html_file(rep: Report, tmp_path: Path) -> None:
    path = to_html(rep, tmp_path / "r.html")
    assert isinstance(path, Path)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "Dân số trẻ em" in page


def test_notes_travel_into_the_exports(rep: Report, tmp_path: Path) -> None:
    noted = rep.with_notes("left out 2 rows with errors")
    assert rep.notes == ()
    assert noted.notes == ("left out 2 rows with errors",)
    wb = openpyxl.load_workbook(noted.to_excel(tmp_path / "n.xlsx"))
    assert "left out 2 rows with errors" in _cells(wb["Bìa - Cover"])
    assert json.loads(str(noted.to_json()))["metadata"]["notes"] == ["left out 2 rows with errors"]
