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
from chitieu.disclosure import hidden_cells, is_suppressed
from chitieu.errors import ReadError, WriteError
from chitieu.export import (
    MissingDependencyError,
    read_metadata,
    read_table,
    to_csv,
    to_excel,
    to_html,
    to_json,
    to_parquet,
)
from chitieu.export.html import report_html
from chitieu.indicators.examples import tiny_submission
from chitieu.privacy import FORMULA_PREFIXES
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
        "Nguồn ngoài - External sources",  # every one skipped: rows saying "no data"
        "Hoạt động - Activities",
        "Siêu dữ liệu - Metadata",  # each indicator's definition, after the figures
    ]
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_excel_cover_shows_what_the_report_is(rep: Report, workbook: openpyxl.Workbook) -> None:
    cover = _cells(workbook["Bìa - Cover"])
    cells = cover + _cells(workbook["Siêu dữ liệu - Metadata"])  # definitions: their own sheet
    text = "\n".join(str(c) for c in cover)
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
    assert "full_immunisation_under1" in text  # skipped, grouped by reason on the cover
    external = _cells(workbook["Nguồn ngoài - External sources"])
    assert any("extra={'immunisation'" in str(c) for c in external)  # the full reason


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
        if isinstance(row[value].value, float | int):  # not a symbol (".." for a zero denominator)
            formats[row[ids].value] = (row[num].number_format, row[value].number_format)
    assert formats["special_circumstances"] == ("#,##0", "#,##0.0")
    injuries = workbook["Tai nạn thương tích - Injuries"]
    header = [c.value for c in injuries[1]]
    ids, value = header.index("Mã định danh / Indicator id"), header.index("Giá trị / Value")
    seen = {
        row[ids].value: row[value].number_format
        for row in injuries.iter_rows(min_row=2)
        if isinstance(row[value].value, float | int)
    }
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
    inert_texts = ("'" + INJECTION, "'+84 @danger -1")
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in inert_texts:
                    found.append(cell)
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES))
    assert {c.value for c in found} == set(inert_texts)
    assert all(c.data_type == "s" for c in found)
    assert {c.parent.title for c in found} == {"Bìa - Cover", "Dân số - Population"}


@pytest.mark.slow
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


@pytest.mark.slow
def test_notes_travel_into_the_exports(rep: Report, tmp_path: Path) -> None:
    noted = rep.with_notes("left out 2 rows with errors")
    assert noted.notes == (*rep.notes, "left out 2 rows with errors")
    wb = openpyxl.load_workbook(noted.to_excel(tmp_path / "n.xlsx"))
    assert "left out 2 rows with errors" in _cells(wb["Bìa - Cover"])
    assert json.loads(str(noted.to_json()))["metadata"]["notes"] == list(noted.notes)


# -- suppressed reports ---------------------------------------------------------------
@pytest.fixture(scope="module")
def published(rep: Report) -> Report:
    return rep.suppress(3)


def _sheet_rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]


def test_suppressed_report_shows_in_jupyter_and_html(published: Report, tmp_path: Path) -> None:
    html = published._repr_html_()
    assert "chitieu Report (suppressed)" in html and "Publication copy" in html
    assert "<td style='text-align:right'>x</td>" in html  # hidden cells, as the symbol
    assert "<code>x</code>: " in html  # with its legend
    assert published.notes[-1] in html  # the suppression note
    hidden = published.table.loc[published.table["flags"].str.contains("suppressed")]
    assert len(hidden)
    # The page shows each unit's published rows, never a roll-up of hidden counts.
    assert "each unit, as published" in html and "national roll-up" not in html
    page = to_html(published, tmp_path / "p.html")
    assert isinstance(page, Path) and "Publication copy" in page.read_text(encoding="utf-8")
    assert report_html(published) == html  # deterministic


def test_html_of_an_ordinary_report_says_internal_and_uses_no_x(rep: Report) -> None:
    html = report_html(rep)
    assert "(suppressed)" not in html and "Publication copy" not in html
    assert "<td style='text-align:right'>x</td>" not in html


@pytest.mark.slow
def test_suppressed_workbook_shows_x_with_a_legend_never_the_count(
    rep: Report, published: Report, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(published.to_excel(tmp_path / "p.xlsx"))
    cover = _cells(wb["Bìa - Cover"])
    assert any("BẢN CÔNG BỐ" in str(c) and "1 đến 2" in str(c) for c in cover)
    assert "Ký hiệu / Symbols" in cover and "x" in cover and ".." in cover
    assert published.notes[-1] in cover
    rows = [
        r
        for r in _sheet_rows(wb["Dân số - Population"])
        if r["Mã định danh / Indicator id"] == "child_population"
    ]
    original = rep.table.loc[rep.table["indicator_id"] == "child_population"]
    after = published.table.loc[published.table["indicator_id"] == "child_population"]
    assert len(rows) == len(after)
    for row, before, num in zip(rows, original["numerator"], after["numerator"], strict=True):
        if np.isnan(num):
            assert row["Tử số / Numerator"] == "x" and row["Giá trị / Value"] == "x"
            assert "suppressed" in str(row["Ghi chú / Flags"])
        else:
            assert row["Tử số / Numerator"] == before
    internal = openpyxl.load_workbook(rep.to_excel(tmp_path / "i.xlsx"))
    assert any("BẢN NỘI BỘ" in str(c) for c in _cells(internal["Bìa - Cover"]))


@pytest.mark.slow
def test_zero_denominator_shows_dots_not_x_and_not_blank(rep: Report, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(rep.to_excel(tmp_path / "z.xlsx"))
    rows = _sheet_rows(wb["Bảo vệ - Protection"])
    zero = [r for r in rows if r["Mẫu số / Denominator"] == 0]
    assert zero, "the tiny submission has a category with no children"
    assert {r["Giá trị / Value"] for r in zero} == {".."}
    assert all(r["Giá trị / Value"] != "x" for r in rows)


def test_machine_formats_keep_hidden_cells_null_with_flags(
    rep: Report, published: Report, tmp_path: Path
) -> None:
    hidden = published.table["flags"].str.contains("suppressed").to_numpy()
    complementary = published.table["flags"].str.contains("complementary").to_numpy()
    cells = hidden_cells(published.table)
    assert hidden.any() and cells["numerator"].any() and cells["denominator"].any()
    original = rep.table["numerator"].to_numpy()
    for path in (
        to_csv(published, tmp_path / "p.csv"),
        to_parquet(published, tmp_path / "p.parquet"),
        to_json(published, tmp_path / "p.json"),
    ):
        back = read_table(path)
        pd.testing.assert_frame_equal(back, published.table, check_exact=False, rtol=1e-13)
        for column, mask in cells.items():
            assert back.loc[mask, column].isna().all()
            assert rep.table.loc[mask, column].notna().all()  # they were numbers before
        assert (back["flags"].str.contains("complementary").to_numpy() == complementary).all()
    # the true counts of hidden cells are nowhere in the JSON
    data = json.loads(str(published.to_json()))
    for record, num_hidden, true in zip(data["table"], cells["numerator"], original, strict=True):
        if num_hidden:
            assert record["numerator"] is None and record["value"] is None and true >= 1
    assert data["metadata"]["suppressed"] is True
    assert data["metadata"]["disclosure"]["k"] == 3
    assert data["metadata"]["disclosure"]["rows_hidden"] == int(hidden.sum())
    assert data["metadata"]["disclosure"]["symbols"]["suppressed"] == "x"
    assert read_metadata(tmp_path / "p.parquet")["suppressed"] is True
    assert json.loads(str(rep.to_json()))["metadata"]["suppressed"] is False
    assert is_suppressed(published) and not is_suppressed(rep)


def test_a_suppressed_report_with_nothing_hidden_still_says_so() -> None:
    from dataclasses import replace

    from chitieu.disclosure import suppress

    rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    big = rep.table.assign(numerator=rep.table["numerator"] * 10, value=rep.table["value"] * 10)
    published = suppress(replace(rep, table=big), k=5)
    assert not published.table["flags"].str.contains("suppressed").any()  # nothing small
    assert is_suppressed(published)
    assert json.loads(str(published.to_json()))["metadata"]["suppressed"] is True
    assert "Publication copy" in report_html(published)


# -- notes and "no data" ------------------------------------------------------------------
def test_skipped_indicator_is_a_no_data_row_in_its_family_sheet(
    rep: Report, workbook: openpyxl.Workbook
) -> None:
    skipped = rep.skipped.set_index("indicator_id")["reason"]
    seen: dict[str, object] = {}
    for name in workbook.sheetnames[1:]:
        for row in _sheet_rows(workbook[name]):
            if row.get("Giá trị / Value") == "Không có số liệu / No data":
                seen[str(row["Mã định danh / Indicator id"])] = row["Ghi chú / Flags"]
    assert set(seen) == set(skipped.index)
    for indicator_id, reason in skipped.items():
        assert seen[indicator_id] == reason
    # in its own family's sheet, where its rows would be
    family = chitieu.list_indicators().set_index("id")["family"]
    ext = [i for i in skipped.index if family[i] == "external"]
    ids = [
        r["Mã định danh / Indicator id"]
        for r in _sheet_rows(workbook["Nguồn ngoài - External sources"])
    ]
    assert ext and set(ext) <= set(ids)


def test_notes_and_skipped_in_html_and_json(rep: Report) -> None:
    noted = rep.with_notes("left out 3 rows: commune 001234567878 unknown", "=cmd|' /C calc'!A0")
    html = report_html(noted)
    assert "left out 3 rows: commune 0012••••••78 unknown" in html  # identity-like number masked
    assert "001234567878" not in html
    assert "Không có số liệu / No data" in html
    for reason in rep.skipped["reason"]:
        assert reason.replace("'", "&#x27;") in html
    meta = json.loads(str(noted.to_json()))["metadata"]
    assert "left out 3 rows: commune 0012••••••78 unknown" in meta["notes"]
    assert not any("001234567878" in n for n in meta["notes"])
    assert {s["indicator_id"] for s in meta["skipped"]} == set(rep.skipped["indicator_id"])


def test_notes_from_data_are_inert_on_the_cover(rep: Report, tmp_path: Path) -> None:
    noted = rep.with_notes('=HYPERLINK("http://x")', "-1 row left out")
    cells = _cells(openpyxl.load_workbook(noted.to_excel(tmp_path / "n.xlsx"))["Bìa - Cover"])
    assert '\'=HYPERLINK("http://x")' in cells and "'-1 row left out" in cells


def test_csv_text_is_inert_and_reads_back(tmp_path: Path) -> None:
    from dataclasses import replace

    base = report(tiny_submission(), period="2024", indicators=["child_population"])
    codes = base.table["unit_code"].where(base.table["unit_code"] != "00001", "=1+2")
    rep = replace(base, table=base.table.assign(unit_code=codes))
    assert (rep.table["unit_code"] == "=1+2").any()
    path = to_csv(rep, tmp_path / "r.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    fields = [f for line in lines for f in line.split(",")]
    assert "'=1+2" in fields
    assert not any(f.startswith(FORMULA_PREFIXES) for f in fields)
    pd.testing.assert_frame_equal(read_table(path), rep.table)


# -- files that cannot be written ------------------------------------------------------------
EXPORTS = [
    ("xlsx", lambda r, p: r.to_excel(p)),
    ("csv", lambda r, p: r.to_csv(p)),
    ("parquet", lambda r, p: r.to_parquet(p)),
    ("json", lambda r, p: r.to_json(p)),
    ("html", lambda r, p: to_html(r, p)),
]


@pytest.mark.parametrize(("suffix", "export"), EXPORTS, ids=[e[0] for e in EXPORTS])
@pytest.mark.parametrize("case", ["directory", "parent-is-file", "no-parent", "os-refuses"])
def test_unwritable_output_is_a_write_error(
    rep: Report, tmp_path: Path, suffix: str, export: object, case: str
) -> None:
    small = rep if suffix != "xlsx" else report(tiny_submission(), period="2024",
                                                 indicators=["child_population"])  # fmt: skip
    if case == "directory":
        target = tmp_path / f"out.{suffix}"
        target.mkdir()
        expected = "it is a directory"
    elif case == "parent-is-file":
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / f"out.{suffix}"
        expected = "is a file, not a folder"
    elif case == "no-parent":
        target = tmp_path / "missing" / f"out.{suffix}"
        expected = "does not exist"
    else:
        if not Path("/proc/self").is_dir():
            pytest.skip("needs /proc, where no file can be created")
        target = Path(f"/proc/chitieu-out.{suffix}")
        expected = "cannot write"
    with pytest.raises(WriteError, match=expected) as info:
        export(small, target)  # type: ignore[operator]
    assert info.value.code == "cannot-write-output"
    assert str(target) in str(info.value)


@pytest.mark.parametrize(("suffix", "export"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_permission_denied_is_a_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, export: object
) -> None:
    import builtins
    import io

    small = report(tiny_submission(), period="2024", indicators=["child_population"])
    target = tmp_path / f"locked.{suffix}"
    real_open = builtins.open

    def refuse(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(target):
            raise PermissionError(13, "Permission denied", str(target))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    if suffix == "parquet":
        import pyarrow.parquet as pq

        def refuse_parquet(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied", str(target))

        monkeypatch.setattr(pq, "write_table", refuse_parquet)
    with pytest.raises(WriteError, match="permission denied") as info:
        export(small, target)  # type: ignore[operator]
    assert str(target) in str(info.value)


def test_cli_report_to_an_unwritable_xlsx_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from chitieu.cli import main
    from chitieu.io.write import write_submission

    folder = write_submission(tiny_submission(), tmp_path / "sub", "csv")
    target = tmp_path / "out.xlsx"
    target.mkdir()
    code = main(["report", str(folder), "-p", "2024", "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert "[cannot-write-output]" in err and "out.xlsx" in err
