"""Tests of chitieu.io.read: files, headers, values, encodings and errors as people send them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from chitieu.errors import ReadError
from chitieu.io.headers import detect_table, match_header
from chitieu.io.read import read_submission, read_table
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs
from chitieu.submission import READ_ISSUE_COLUMNS

HEADER = "child_id,commune_code,division_version,birth_date,sex,ethnicity"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Encode like Excel's Vietnamese "ANSI": tone marks as separate combining characters."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            tones = "".join(c for c in parts if c in _TONES)
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def children_csv(
    folder: Path, *rows: str, header: str = HEADER, name: str = "children.csv"
) -> Path:
    return write(folder, name, "\n".join([header, *rows]) + "\n")


def issues_of(sub, code: str) -> pd.DataFrame:
    issues = sub.read_issues
    return issues[issues["code"] == code].reset_index(drop=True)


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- file and table names ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("children.csv", "children"),
        ("Trẻ em.xlsx", "children"),
        ("tre_em.csv", "children"),
        ("TRE EM.csv", "children"),
        ("TAI NAN THUONG TICH.csv", "injuries"),
        ("Tai nạn, thương tích.parquet", "injuries"),
        ("xu_phat.csv", "sanctions"),
        ("don_vi_hanh_chinh.xlsx", "units"),
        ("notes.csv", None),
        ("children.docx", None),
    ],
)
def test_detect_table_by_name(name: str, table: str | None) -> None:
    assert detect_table(name) == table


def test_vietnamese_file_names_are_read(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01", name="Trẻ em.csv")
    write(
        tmp_path, "TAI NAN THUONG TICH.csv", "injury_id,child_id,injury_date\nI1,001,2024-05-01\n"
    )
    sub = read_submission(tmp_path)
    assert sub.tables_present == ("children", "injuries")
    assert sub.injuries["injury_id"].tolist() == ["I1"]
    assert sub.children[SOURCE_FILE].tolist() == ["Trẻ em.csv"]


def test_unknown_file_is_reported_and_ignored(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    write(tmp_path, "ghi chu.csv", "a,b\n1,2\n")
    write(tmp_path, "bao cao.docx", "not a table")
    sub = read_submission(tmp_path)
    unknown = issues_of(sub, "unknown-table")
    assert sorted(unknown["file"]) == ["bao cao.docx", "ghi chu.csv"]
    assert sub.tables_present == ("children",)


def test_duplicate_table_reads_the_first(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01", name="children.csv")
    children_csv(tmp_path, "999,07774,2008,2015-03-02,F,01", name="tre_em.csv")
    sub = read_submission(tmp_path)
    assert sub.children["child_id"].tolist() == ["001"]
    duplicate = issues_of(sub, "duplicate-table")
    assert duplicate[["table", "file"]].values.tolist() == [["children", "tre_em.csv"]]


def test_hidden_and_lock_files_are_skipped(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    write(tmp_path, "~$children.xlsx", "lock")
    write(tmp_path, ".DS_Store", "mac")
    sub = read_submission(tmp_path)
    assert sub.read_issues.empty


def test_files_in_subfolders_keep_their_relative_name(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01", name="2024/children.csv")
    sub = read_submission(tmp_path)
    assert sub.children[SOURCE_FILE].tolist() == ["2024/children.csv"]


# -- headers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        "child_id",
        "Mã trẻ em",
        "ma tre em",
        "MÃ TRẺ EM",
        "ma_tre_em",
        "Child ID",
        "ma tre",
        "  Mã   trẻ em ",
    ],
)
def test_child_id_header_variants(tmp_path: Path, header: str) -> None:
    children_csv(
        tmp_path, "001,07774,2008,2015-03-02,M,01", header=HEADER.replace("child_id", header)
    )
    sub = read_submission(tmp_path)
    assert sub.children["child_id"].tolist() == ["001"]
    assert issues_of(sub, "unknown-column").empty
    assert issues_of(sub, "missing-column").empty


@pytest.mark.parametrize(
    "header",
    [
        "birth_date",
        "Ngày sinh",
        "ngay sinh",
        "NGÀY SINH",
        "ngay_sinh",
        "Birth date",
        "dob",
        "Ngày sinh (dd/mm/yyyy)",
        "Ngày sinh *",
    ],
)
def test_birth_date_header_variants(tmp_path: Path, header: str) -> None:
    children_csv(
        tmp_path, "001,07774,2008,02/03/2015,M,01", header=HEADER.replace("birth_date", header)
    )
    sub = read_submission(tmp_path)
    assert sub.children["birth_date"].tolist() == [pd.Timestamp("2015-03-02")]


@pytest.mark.parametrize("header", ["sex", "Giới tính", "GIỚI TÍNH", "gioi tinh", "Sex", "gioi"])
def test_sex_header_variants(tmp_path: Path, header: str) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,Nữ,01", header=HEADER.replace("sex", header))
    assert read_submission(tmp_path).children["sex"].tolist() == ["F"]


def test_decomposed_diacritics_in_headers_match() -> None:
    decomposed = unicodedata.normalize("NFD", "Ngày sinh")
    assert decomposed != "Ngày sinh"
    assert match_header(decomposed, "children") == "birth_date"


def test_canonical_names_win_over_aliases() -> None:
    # "ma xa" is an alias of injuries.commune_code; "commune_code" is its own name.
    assert match_header("commune_code", "injuries") == "commune_code"
    assert match_header("unit_code", "units") == "unit_code"


def test_unknown_column_is_dropped_and_reported_once(tmp_path: Path) -> None:
    children_csv(
        tmp_path,
        "001,07774,2008,2015-03-02,M,01,a",
        "002,07774,2008,2015-03-02,F,01,b",
        "003,07774,2008,2015-03-02,F,01,c",
        header=HEADER + ",Ghi chú",
    )
    sub = read_submission(tmp_path)
    unknown = issues_of(sub, "unknown-column")
    assert len(unknown) == 1
    assert unknown.loc[0, "value"] == "Ghi chú"
    assert unknown.loc[0, "table"] == "children"
    assert pd.isna(unknown.loc[0, "row"])
    assert "Ghi chú" not in sub.children.columns


def test_missing_required_column_is_reported_and_added_empty(tmp_path: Path) -> None:
    header = HEADER.replace(",ethnicity", "")
    children_csv(
        tmp_path, "001,07774,2008,2015-03-02,M", "002,07774,2008,2015-03-02,F", header=header
    )
    sub = read_submission(tmp_path)
    missing = issues_of(sub, "missing-column")
    assert missing["column"].tolist() == ["ethnicity"]
    assert sub.children["ethnicity"].isna().all()
    assert len(sub.children) == 2


def test_missing_optional_columns_are_added_silently(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    sub = read_submission(tmp_path)
    assert sub.read_issues.empty
    assert sub.children["exit_date"].isna().all()
    assert str(sub.children["birth_registered"].dtype) == "boolean"


def test_duplicate_column_reads_the_first(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01,F", header=HEADER + ",Giới tính")
    sub = read_submission(tmp_path)
    assert sub.children["sex"].tolist() == ["M"]
    assert issues_of(sub, "duplicate-column")["column"].tolist() == ["sex"]


def test_file_without_header_row_does_not_echo_its_cells(tmp_path: Path) -> None:
    write(tmp_path, "children.csv", "079215000123,07774,2008\n079215000124,07774,2008\n")
    sub = read_submission(tmp_path)
    unknown = issues_of(sub, "unknown-column")
    assert len(unknown) == 1
    assert "079215000123" not in sub.read_issues.to_csv()
    assert set(issues_of(sub, "missing-column")["column"]) >= {"child_id", "birth_date"}


# -- values -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2015-03-02",
        "02/03/2015",
        "2/3/2015",
        "02-03-2015",
        "02.03.2015",
        "2015/03/02",
        "2015-03-02 00:00:00",
        "42065",
        " 02/03/2015 ",
    ],
)
def test_date_formats(tmp_path: Path, text: str) -> None:
    children_csv(tmp_path, f'001,07774,2008,"{text}",M,01')
    sub = read_submission(tmp_path)
    assert sub.children["birth_date"].tolist() == [pd.Timestamp("2015-03-02")]
    assert sub.read_issues.empty


@pytest.mark.parametrize("text", ["31/02/2015", "2015-13-01", "hôm qua", "2015", "02/03/15"])
def test_invalid_date_is_missing_and_reported(tmp_path: Path, text: str) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01", f"002,07774,2008,{text},F,01")
    sub = read_submission(tmp_path)
    assert sub.children["birth_date"].isna().tolist() == [False, True]
    bad = issues_of(sub, "invalid-date")
    assert bad[["table", "file", "row", "column", "value"]].values.tolist() == [
        ["children", "children.csv", 3, "birth_date", text]
    ]
    assert "YYYY-MM-DD" in bad.loc[0, "detail"]


def test_blank_required_value_is_not_a_read_issue(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,,M,01", "002,07774,2008,   ,F,01")
    sub = read_submission(tmp_path)
    assert sub.read_issues.empty
    assert sub.children["birth_date"].isna().all()


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        (("M", "F", "U"), ["M", "F", "U"]),
        (("Nam", "Nữ", "Không rõ"), ["M", "F", "U"]),
        (("nam", "NU", "khong ro"), ["M", "F", "U"]),
        (("1", "2", "9"), ["M", "F", "U"]),
    ],
)
def test_sex_codes(tmp_path: Path, typed: tuple[str, ...], codes: list[str]) -> None:
    rows = [f"00{i},07774,2008,2015-03-02,{s},01" for i, s in enumerate(typed)]
    children_csv(tmp_path, *rows)
    assert read_submission(tmp_path).children["sex"].tolist() == codes


def test_ethnicity_codes_and_zero_padding(tmp_path: Path) -> None:
    rows = [
        f"00{i},07774,2008,2015-03-02,M,{e}"
        for i, e in enumerate(["Kinh", "1", "01", "Tày", "Mường", "zz"])
    ]
    children_csv(tmp_path, *rows)
    sub = read_submission(tmp_path)
    assert sub.children["ethnicity"].tolist() == ["01", "01", "01", "02", "06", "zz"]
    assert sub.read_issues.empty  # an unknown code is kept as typed for validation to report


def test_injury_type_is_zero_padded(tmp_path: Path) -> None:
    write(
        tmp_path,
        "injuries.csv",
        "injury_id,child_id,injury_date,injury_type,place,outcome\n"
        "I1,001,2024-05-01,8,Tại nhà,Tử vong\nI2,001,2024-05-02,Đuối nước,truong hoc,bi thuong\n"
        "I3,001,2024-05-03,11,home,died\n",
    )
    sub = read_submission(tmp_path)
    assert sub.injuries["injury_type"].tolist() == ["08", "08", "11"]
    assert sub.injuries["place"].tolist() == ["HOME", "SCHOOL", "HOME"]
    assert sub.injuries["outcome"].tolist() == ["DIED", "INJURED", "DIED"]


def test_multi_valued_cells_are_split_mapped_and_joined(tmp_path: Path) -> None:
    write(
        tmp_path,
        "abuse_victims.csv",
        "case_id,child_id,forms\n"
        'V1,001,"Bạo lực, xâm hại tình dục"\nV2,002,BL;XHTD\nV3,003,bao luc | bo mac\nV4,004,Đánh nhau\n',
    )
    sub = read_submission(tmp_path)
    assert sub.abuse_victims["forms"].tolist() == ["BL;XHTD", "BL;XHTD", "BL;BM", "Đánh nhau"]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        ("có", True),
        ("Không", False),
        ("x", True),
        ("X", True),
        ("yes", True),
        ("no", False),
        ("", None),
    ],
)
def test_booleans(tmp_path: Path, typed: str, value: bool | None) -> None:
    children_csv(
        tmp_path, f"001,07774,2008,2015-03-02,M,01,{typed}", header=HEADER + ",Đã đăng ký khai sinh"
    )
    sub = read_submission(tmp_path)
    got = sub.children["birth_registered"].iloc[0]
    assert pd.isna(got) if value is None else got == value
    assert sub.read_issues.empty


def test_invalid_boolean_is_reported(tmp_path: Path) -> None:
    children_csv(
        tmp_path, "001,07774,2008,2015-03-02,M,01,có lẽ", header=HEADER + ",birth_registered"
    )
    sub = read_submission(tmp_path)
    assert pd.isna(sub.children["birth_registered"].iloc[0])
    assert issues_of(sub, "invalid-boolean")[["row", "value"]].values.tolist() == [[2, "có lẽ"]]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("15000000", 15_000_000),
        ("15.000.000", 15_000_000),
        ("15,000,000", 15_000_000),
        ("15 000 000", 15_000_000),
        ("750.000", 750_000),
        ("7", 7),
        ("7.0", 7),
    ],
)
def test_integers(tmp_path: Path, typed: str, value: int) -> None:
    write(
        tmp_path, "sanctions.csv", f'decision_id,decision_date,fine_vnd\nQD1,2024-05-01,"{typed}"\n'
    )
    sub = read_submission(tmp_path)
    assert sub.sanctions["fine_vnd"].tolist() == [value]
    assert str(sub.sanctions["fine_vnd"].dtype) == "Int64"


@pytest.mark.parametrize("typed", ["abc", "1,5", "1.000,000", "12.5"])
def test_invalid_integer_is_reported(tmp_path: Path, typed: str) -> None:
    write(
        tmp_path,
        "sanctions.csv",
        f'decision_id,decision_date,fine_vnd\nQD1,2024-05-01,"{typed}"\nQD2,2024-05-01,\n',
    )
    sub = read_submission(tmp_path)
    assert sub.sanctions["fine_vnd"].isna().all()
    bad = issues_of(sub, "invalid-integer")
    assert bad[["row", "column", "value"]].values.tolist() == [[2, "fine_vnd", typed]]


def test_integers_with_blanks_keep_their_values(tmp_path: Path) -> None:
    write(
        tmp_path,
        "units.csv",
        "unit_code,division_version,name,level,villages\n1,2008,A,COMMUNE,12\n2,2008,B,DISTRICT,\n",
    )
    sub = read_submission(tmp_path)
    assert sub.units["villages"].tolist()[0] == 12
    assert pd.isna(sub.units["villages"].iloc[1])


def test_leading_zeros_are_kept(tmp_path: Path) -> None:
    children_csv(tmp_path, "00123,07774,2008,2015-03-02,M,01")
    sub = read_submission(tmp_path)
    assert sub.children[["child_id", "commune_code"]].values.tolist() == [["00123", "07774"]]


def test_whitespace_is_stripped_and_blanks_are_missing(tmp_path: Path) -> None:
    children_csv(tmp_path, "  001 , 07774 ,2008, 2015-03-02 , Nam ,  ", header=HEADER)
    child = read_submission(tmp_path).children.iloc[0]
    assert (child["child_id"], child["commune_code"], child["sex"]) == ("001", "07774", "M")
    assert pd.isna(child["ethnicity"])


def test_text_like_na_is_kept_as_text(tmp_path: Path) -> None:
    children_csv(tmp_path, "NA,07774,2008,2015-03-02,M,01")
    assert read_submission(tmp_path).children["child_id"].tolist() == ["NA"]


# -- encodings and separators ----------------------------------------------------------------
VI_HEADER = "Mã trẻ em;Mã xã;Phiên bản danh mục;Ngày sinh;Giới tính;Dân tộc"
VI_ROW = "001;07774;2008;29/02/2016;Nữ;Mường"


def _check_vi(sub) -> None:
    child = sub.children.iloc[0]
    assert (child["sex"], child["ethnicity"]) == ("F", "06")
    assert child["birth_date"] == pd.Timestamp("2016-02-29")
    assert sub.read_issues.empty


def test_utf8_with_bom(tmp_path: Path) -> None:
    write(tmp_path, "tre_em.csv", f"{VI_HEADER}\n{VI_ROW}\n", encoding="utf-8-sig")
    _check_vi(read_submission(tmp_path))


def test_windows_1258(tmp_path: Path) -> None:
    data = cp1258(f"{VI_HEADER}\r\n{VI_ROW}\r\n")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (tmp_path / "tre_em.csv").write_bytes(data)
    sub = read_submission(tmp_path)
    _check_vi(sub)
    assert sub.children[SOURCE_ROW].tolist() == [2]


def test_windows_1258_text_is_nfc(tmp_path: Path) -> None:
    text = "unit_code,division_version,name,level\n07774,2008,Thị trấn Thắng,COMMUNE\n"
    (tmp_path / "units.csv").write_bytes(cp1258(text))
    name = read_submission(tmp_path).units["name"].iloc[0]
    assert name == unicodedata.normalize("NFC", "Thị trấn Thắng")
    assert unicodedata.is_normalized("NFC", name)


def test_utf16_with_bom(tmp_path: Path) -> None:
    write(tmp_path, "tre_em.csv", f"{VI_HEADER}\n{VI_ROW}\n".replace(";", "\t"), encoding="utf-16")
    _check_vi(read_submission(tmp_path))


def test_tab_separated(tmp_path: Path) -> None:
    write(tmp_path, "tre_em.txt", f"{VI_HEADER}\n{VI_ROW}\n".replace(";", "\t"))
    _check_vi(read_submission(tmp_path))


def test_separator_inside_quoted_header_does_not_fool_the_sniffer(tmp_path: Path) -> None:
    write(
        tmp_path,
        "units.csv",
        'unit_code;division_version;name;level;"Số thôn, tổ dân phố"\n07774;2008;"Xã A, B";COMMUNE;12\n',
    )
    unit = read_submission(tmp_path).units.iloc[0]
    assert (unit["name"], unit["villages"]) == ("Xã A, B", 12)


def test_commas_inside_an_unquoted_cell_of_a_semicolon_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "vu_viec_xam_hai.csv",
        "Mã vụ việc;Ngày phát hiện;Mã xã;Phiên bản danh mục;Môi trường xâm hại;Quan hệ với trẻ\n"
        "A1;01/01/2024;07774;2008;gia đình;cha, mẹ, anh, chị, em, ông, bà, hàng xóm\n",
    )
    sub = read_submission(tmp_path)
    case = sub.abuse_cases.iloc[0]
    assert (case["case_id"], case["commune_code"], case["setting"]) == ("A1", "07774", "FAMILY")
    assert case["perpetrator_relationship"] == "cha, mẹ, anh, chị, em, ông, bà, hàng xóm"
    assert sub.read_issues.empty


# -- row numbers ---------------------------------------------------------------------------------
def test_csv_rows_count_from_the_header_line(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01", "", "002,07774,2008,31/02/2015,F,01")
    sub = read_submission(tmp_path)
    assert sub.children[SOURCE_ROW].tolist() == [2, 4]  # the blank line is skipped, not renumbered
    assert issues_of(sub, "invalid-date")["row"].tolist() == [4]


def test_csv_rows_with_multiline_quoted_cells(tmp_path: Path) -> None:
    write(
        tmp_path,
        "units.csv",
        'unit_code,division_version,name,level\n1,2008,"Xã\nhai dòng",COMMUNE\n2,2008,"Xã\nba\ndòng",COMMUNE\n3,2008,Xã,COMMUNE\n',
    )
    sub = read_submission(tmp_path)
    assert sub.units["name"].tolist() == ["Xã\nhai dòng", "Xã\nba\ndòng", "Xã"]
    assert sub.units[SOURCE_ROW].tolist() == [2, 4, 7]


def test_csv_rows_with_a_very_long_multiline_cell(tmp_path: Path) -> None:
    long_name = "Xã\n" + "x" * 200_000  # longer than the csv module's default cell limit
    write(
        tmp_path,
        "units.csv",
        f'unit_code,division_version,name,level\n1,2008,"{long_name}",COMMUNE\n2,2008,Xã,COMMUNE\n',
    )
    limit = csv.field_size_limit()
    sub = read_submission(tmp_path)
    assert sub.units["name"].tolist() == [long_name, "Xã"]
    assert sub.units[SOURCE_ROW].tolist() == [2, 4]
    assert csv.field_size_limit() == limit  # raised only while reading


def test_csv_with_title_line_above_header(tmp_path: Path) -> None:
    write(tmp_path, "tre_em.csv", f"DANH SÁCH TRẺ EM XÃ THẮNG\n\n{VI_HEADER}\n{VI_ROW}\n")
    sub = read_submission(tmp_path)
    _check_vi(sub)
    assert sub.children[SOURCE_ROW].tolist() == [4]


def test_xlsx_title_rows_give_the_row_excel_shows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Trẻ em"
    sheet["A1"] = "DANH SÁCH TRẺ EM XÃ THẮNG"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Mã trẻ em", "Mã xã", "Phiên bản danh mục", "Ngày sinh", "Giới tính", "Dân tộc"])
    sheet.append(["001", "07774", 2008, dt.datetime(2015, 3, 2), "Nam", "Kinh"])
    sheet.append(["002", "07774", 2008, "31/02/2015", "Nữ", 1])
    sheet.append(["003", "07774", 2008, 42065, "Nữ", "Tày"])
    book.save(tmp_path / "Trẻ em.xlsx")
    sub = read_submission(tmp_path)
    children = sub.children
    assert children[SOURCE_ROW].tolist() == [4, 5, 6]
    assert children[SOURCE_FILE].tolist() == ["Trẻ em.xlsx"] * 3
    assert children["birth_date"].tolist() == [
        pd.Timestamp("2015-03-02"),
        pd.NaT,
        pd.Timestamp("2015-03-02"),
    ]
    assert children["ethnicity"].tolist() == ["01", "01", "02"]
    assert children["division_version"].tolist() == ["2008"] * 3
    assert issues_of(sub, "invalid-date")[["file", "row"]].values.tolist() == [["Trẻ em.xlsx", 5]]


def test_workbook_with_one_sheet_per_table(tmp_path: Path) -> None:
    data = workbook_bytes(
        {
            "Trẻ em": [list(HEADER.split(",")), ["001", "07774", "2008", "2015-03-02", "M", "01"]],
            "Đơn vị": [
                ["Mã đơn vị", "Phiên bản", "Tên", "Cấp"],
                ["07774", "2008", "Xã Thắng", "COMMUNE"],
            ],
            "Ghi chú": [["Người lập", "Ngày"], ["A", "B"]],
            "Trống": [],
        }
    )
    (tmp_path / "bo du lieu.xlsx").write_bytes(data)
    sub = read_submission(tmp_path / "bo du lieu.xlsx")
    assert sub.tables_present == ("children", "units")
    assert sub.children[SOURCE_FILE].tolist() == ["bo du lieu.xlsx#Trẻ em"]
    assert sub.units[SOURCE_FILE].tolist() == ["bo du lieu.xlsx#Đơn vị"]
    assert sub.units[SOURCE_ROW].tolist() == [2]
    assert issues_of(sub, "unknown-table")["file"].tolist() == ["bo du lieu.xlsx#Ghi chú"]


def test_workbook_named_after_a_table_reads_its_first_sheet(tmp_path: Path) -> None:
    data = workbook_bytes(
        {"Sheet1": [list(HEADER.split(",")), [1.0, 7774.0, 2008.0, "2015-03-02", 1.0, 1.0]]}
    )
    (tmp_path / "tre_em.xlsx").write_bytes(data)
    child = read_submission(tmp_path).children.iloc[0]
    assert (child["child_id"], child["sex"], child["ethnicity"]) == ("1", "M", "01")


def test_excel_booleans_and_numbers(tmp_path: Path) -> None:
    data = workbook_bytes(
        {
            "units": [
                [
                    "unit_code",
                    "division_version",
                    "name",
                    "level",
                    "villages",
                    "has_playground",
                    "population_total",
                ],
                ["07774", 2008, "Xã", "Xã", 12.0, True, "1.149"],
                ["07775", 2008, "Xã", "COMMUNE", None, "không", 2000],
            ]
        }
    )
    (tmp_path / "units.xlsx").write_bytes(data)
    units = read_submission(tmp_path).units
    assert units["villages"].tolist()[0] == 12
    assert units["has_playground"].tolist() == [True, False]
    assert units["population_total"].tolist() == [1149, 2000]
    assert units["level"].tolist() == ["COMMUNE", "COMMUNE"]


# -- containers ------------------------------------------------------------------------------------
def test_zip_input(tmp_path: Path) -> None:
    archive = tmp_path / "nop.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("xa_thang/tre_em.csv", f"{VI_HEADER}\n{VI_ROW}\n")
        z.writestr(
            "xa_thang/don_vi.csv",
            "unit_code,division_version,name,level,province_code\n07774,2008,Xã,COMMUNE,24\n",
        )
        z.writestr("__MACOSX/xa_thang/._tre_em.csv", "junk")
    sub = read_submission(archive)
    _check_vi(sub)
    assert sub.source == str(archive)
    assert sub.tables_present == ("children", "units")
    assert sub.children[SOURCE_FILE].tolist() == ["xa_thang/tre_em.csv"]


def test_parquet_input(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Mã trẻ em": ["001"],
            "commune_code": ["07774"],
            "division_version": [2008],
            "birth_date": pd.to_datetime(["2015-03-02 10:30"]),
            "sex": ["Nữ"],
            "ethnicity": [1],
            "birth_registered": [True],
        }
    )
    frame.to_parquet(tmp_path / "children.parquet")
    sub = read_submission(tmp_path)
    child = sub.children.iloc[0]
    assert (child["child_id"], child["sex"], child["ethnicity"], child["division_version"]) == (
        "001",
        "F",
        "01",
        "2008",
    )
    assert child["birth_date"] == pd.Timestamp("2015-03-02")
    assert sub.children[SOURCE_ROW].tolist() == [1]


def test_parquet_numbers_in_text_columns_read_like_excel_cells(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "child_id": [1.0, 2.0],
            "commune_code": [7774.0, None],
            "division_version": [2008.0, 2008.0],
            "birth_date": [42065.0, None],
            "sex": [1.0, 2.0],
            "ethnicity": [1.0, 8.0],
        },
        index=[10, 20],  # saved by pandas as an index column, which is not a column of the table
    )
    frame.to_parquet(tmp_path / "children.parquet")
    sub = read_submission(tmp_path)
    children = sub.children
    assert children["child_id"].tolist() == ["1", "2"]
    assert children["commune_code"].tolist()[0] == "7774"
    assert children["division_version"].tolist() == ["2008", "2008"]
    assert children["sex"].tolist() == ["M", "F"]
    assert children["ethnicity"].tolist() == ["01", "08"]
    assert children["birth_date"].tolist()[0] == pd.Timestamp("2015-03-02")
    assert sub.read_issues.empty


def test_single_file_input(tmp_path: Path) -> None:
    path = children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    sub = read_submission(path)
    assert sub.tables_present == ("children",)
    assert sub.source == str(path)


def test_read_table_forces_the_table(tmp_path: Path) -> None:
    path = children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01", name="export (1).csv")
    frame, issues = read_table(path, "children")
    assert frame["child_id"].tolist() == ["001"]
    assert issues.empty


# -- shape of the result --------------------------------------------------------------------------
def test_frames_have_canonical_columns_and_dtypes(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    sub = read_submission(tmp_path)
    for table in TABLES:
        frame = sub[table]
        specs = column_specs(table)
        assert list(frame.columns) == [*specs, SOURCE_FILE, SOURCE_ROW]
        for name, spec in specs.items():
            assert str(frame[name].dtype) == spec.dtype, (table, name)
        assert str(frame[SOURCE_ROW].dtype) == "Int64"
    assert len(sub.injuries) == 0
    assert list(sub.read_issues.columns) == list(READ_ISSUE_COLUMNS)


def test_read_issue_columns_have_stable_dtypes(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,31/02/2015,M,01", header=HEADER + ",x")
    issues = read_submission(tmp_path).read_issues
    assert str(issues["row"].dtype) == "Int64"
    assert all(str(issues[c].dtype) == "str" for c in READ_ISSUE_COLUMNS if c != "row")
    assert sorted(issues["code"]) == ["invalid-date", "unknown-column"]


# -- inputs that cannot be read -----------------------------------------------------------------
def _read_error(path: Path) -> str:
    with pytest.raises(ReadError) as info:
        read_submission(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert info.value.__cause__ is None or isinstance(info.value.__cause__, ReadError)
    return message


def test_error_missing_path(tmp_path: Path) -> None:
    assert "no such file" in _read_error(tmp_path / "khong_co")


def test_error_empty_folder(tmp_path: Path) -> None:
    assert "no .csv" in _read_error(tmp_path)


def test_error_folder_without_tables(tmp_path: Path) -> None:
    write(tmp_path, "notes.csv", "a\n1\n")
    assert "none of the files" in _read_error(tmp_path)


def test_error_corrupt_zip(tmp_path: Path) -> None:
    path = tmp_path / "nop.zip"
    path.write_bytes(b"this is not a zip file at all")
    assert "not a zip" in _read_error(path)


def test_error_truncated_zip(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("children.csv", HEADER + "\n" + "001,07774,2008,2015-03-02,M,01\n" * 500)
    path = tmp_path / "nop.zip"
    path.write_bytes(buffer.getvalue()[:-60])
    _read_error(path)


def test_error_encrypted_xlsx(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")
    path = tmp_path / "tre_em.xlsx"
    path.write_bytes(ole + b"\0" * 1024)
    assert "encrypted" in _read_error(path)


def test_error_old_xls_saved_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "tre_em.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    assert ".xls" in _read_error(path)


def test_error_corrupt_xlsx(tmp_path: Path) -> None:
    good = workbook_bytes({"Trẻ em": [HEADER.split(",")]})
    path = tmp_path / "tre_em.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert "xlsx" in _read_error(path)


def test_error_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "children.parquet"
    path.write_text("child_id\n001\n")
    assert "Parquet" in _read_error(path)


def test_error_in_a_folder_names_the_file(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    (tmp_path / "injuries.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(ReadError) as info:
        read_submission(tmp_path)
    assert str(info.value).startswith(str(tmp_path / "injuries.parquet"))


def test_error_unsupported_single_file(tmp_path: Path) -> None:
    path = tmp_path / "tre_em.xls"
    path.write_bytes(b"\0")
    assert ".xls" in _read_error(path)


def test_empty_csv_is_reported_not_raised(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    write(tmp_path, "injuries.csv", "")
    sub = read_submission(tmp_path)
    assert issues_of(sub, "empty-file")["file"].tolist() == ["injuries.csv"]
    assert sub.tables_present == ("children", "injuries")
    assert len(sub.injuries) == 0


def test_header_only_file_gives_an_empty_table(tmp_path: Path) -> None:
    children_csv(tmp_path)
    sub = read_submission(tmp_path)
    assert len(sub.children) == 0
    assert sub.read_issues.empty
    assert np.array_equal(
        sub.children.columns, [*column_specs("children"), SOURCE_FILE, SOURCE_ROW]
    )


def test_documentation_files_are_skipped(tmp_path: Path) -> None:
    children_csv(tmp_path, "001,07774,2008,2015-03-02,M,01")
    write(tmp_path, "README.md", "# notes")
    write(tmp_path, "LICENSE", "MIT")
    write(tmp_path, "ghi chu.docx", "not a table")
    sub = read_submission(tmp_path)
    assert sub.read_issues[["code", "file"]].values.tolist() == [["unknown-table", "ghi chu.docx"]]


# -- hostile input: limits, unsafe zips, exotic cells ---------------------------------------
from chitieu.io.read import MAX_INPUT_BYTES, Limits  # noqa: E402


def _zip(path: Path, members: dict[str, bytes], level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path


CHILD_ROW = "C1,07774,2008,02/03/2015,F,01"


@pytest.mark.parametrize(
    "member", ["../children.csv", "/etc/children.csv", "C:\\children.csv", "a\\..\\..\\x.csv"]
)
def test_zip_member_outside_the_folder_is_refused(tmp_path: Path, member: str) -> None:
    path = _zip(tmp_path / "x.zip", {"units.csv": b"unit_code\n1\n", member: b"x"})
    with pytest.raises(ReadError) as info:
        read_submission(path)
    assert info.value.code == "zip-unsafe-member"
    assert repr(member)[1:-1] in str(info.value)


def test_unsafe_member_name_is_masked(tmp_path: Path) -> None:
    path = _zip(tmp_path / "x.zip", {"../001234567878.csv": b"x"})
    with pytest.raises(ReadError) as info:
        read_submission(path)
    assert "001234567878" not in str(info.value) and "0012" in str(info.value)


def test_zip_bomb_is_refused_by_its_declared_ratio(tmp_path: Path) -> None:
    body = (HEADER + "\n" + (CHILD_ROW + "\n") * 200_000).encode()  # 6 MiB, one row repeated
    path = _zip(tmp_path / "bomb.zip", {"children.csv": body}, level=9)
    with pytest.raises(ReadError) as info:
        read_submission(path)
    assert info.value.code == "zip-ratio"
    # a genuine file is read once the ratio is raised
    sub = read_submission(path, limits=Limits(max_inflation_ratio=10_000))
    assert len(sub.children) == 200_000


def test_zip_total_size_is_bounded(tmp_path: Path) -> None:
    body = HEADER + "\n" + "".join(f"C{i},07774,2008,02/03/2015,F,01\n" for i in range(9000))
    path = _zip(tmp_path / "big.zip", {"children.csv": body.encode()})
    with pytest.raises(ReadError) as info:
        read_submission(path, limits=Limits(max_input_bytes=100_000))
    assert info.value.code == "zip-too-large"
    assert len(read_submission(path).children) == 9000


def test_zip_bytes_are_counted_while_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chitieu.io.read as reader

    body = HEADER + "\n" + "".join(f"C{i},07774,2008,02/03/2015,F,01\n" for i in range(90_000))
    path = _zip(tmp_path / "big.zip", {"children.csv": body.encode()})
    monkeypatch.setattr(reader, "_check_declared", lambda *a: None)  # as if sizes lied
    with pytest.raises(ReadError) as info:
        read_submission(path, limits=Limits(max_input_bytes=1_500_000))
    assert info.value.code == "zip-too-large"


def test_limits_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    children_csv(tmp_path, CHILD_ROW, "C2,07774,2008,02/03/2015,F,01")
    monkeypatch.setenv("CHITIEU_MAX_INPUT_BYTES", "50")
    with pytest.raises(ReadError) as info:
        read_submission(tmp_path)
    assert info.value.code == "input-too-large"
    monkeypatch.setenv("CHITIEU_MAX_INPUT_BYTES", "lots")
    with pytest.raises(ReadError) as info:
        read_submission(tmp_path)
    assert info.value.code == "invalid-limit"
    monkeypatch.delenv("CHITIEU_MAX_INPUT_BYTES")
    assert Limits.from_env().max_input_bytes == MAX_INPUT_BYTES
    assert len(read_submission(tmp_path).children) == 2


def test_ragged_row_is_a_read_issue_on_its_row(tmp_path: Path) -> None:
    from chitieu.validation import validate

    children_csv(
        tmp_path,
        CHILD_ROW,
        CHILD_ROW.replace("C1", "C2") + ",extra,more",
        CHILD_ROW.replace("C1", "C3"),
    )
    sub = read_submission(tmp_path)
    ragged = issues_of(sub, "ragged-row")
    assert ragged["row"].tolist() == [3] and ragged["value"].tolist() == ["2"]
    assert issues_of(sub, "unknown-column").empty  # no "column without header" warning
    assert sub.children["child_id"].tolist() == ["C1", "C2", "C3"]
    report = validate(sub)
    assert {(p["code"], p["row"]) for p in report if p["code"] == "ragged-row"} == {
        ("ragged-row", 3)
    }
    assert report.tables.loc["children", "rows_with_errors"] >= 1


def test_row_of_a_million_cells_is_cut_not_padded(tmp_path: Path) -> None:
    rows = [CHILD_ROW.replace("C1", f"C{i}") for i in range(12)]
    children_csv(tmp_path, *rows, CHILD_ROW.replace("C1", "CX") + "," * 1_000_000 + "x")
    sub = read_submission(tmp_path)
    assert issues_of(sub, "ragged-row")["row"].tolist() == [14]
    assert sub.children.shape[0] == 13


def test_long_cell_is_reported_and_read_as_empty(tmp_path: Path) -> None:
    children_csv(tmp_path, CHILD_ROW.replace(",F,", "," + "F" * 50 + ","))
    sub = read_submission(tmp_path, limits=Limits(max_cell_chars=20))
    long = issues_of(sub, "cell-too-long")
    assert long[["row", "column", "value"]].values.tolist() == [[2, "sex", "50 characters"]]
    assert sub.children["sex"].isna().all()


@pytest.mark.parametrize(
    "text", ["1234567890123456789012345", "9223372036854775808", "-99999999999999999999"]
)
def test_numbers_beyond_64_bits_are_invalid(tmp_path: Path, text: str) -> None:
    write(
        tmp_path,
        "units.csv",
        f"unit_code,division_version,name,level,villages\n1,2008,Xã,COMMUNE,{text}\n",
    )
    sub = read_submission(tmp_path)
    assert issues_of(sub, "invalid-integer")["value"].tolist() == [text]
    assert sub.units["villages"].isna().all()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"child_id\nC\x001\n", "not-text"),
        (bytes(range(256)) * 50, "not-text"),
        (b"PK\x03\x04rest of a workbook", "not-text"),
    ],
)
def test_binary_file_named_csv_is_refused(tmp_path: Path, data: bytes, code: str) -> None:
    (tmp_path / "children.csv").write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_submission(tmp_path)
    assert info.value.code == code


def test_utf16_without_bom_and_mixed_encodings(tmp_path: Path) -> None:
    (tmp_path / "children.csv").write_bytes(f"{HEADER}\n{CHILD_ROW}\n".encode("utf-16-le"))
    assert read_submission(tmp_path).children["child_id"].tolist() == ["C1"]
    mixed = f"{HEADER}\nC1,07774,2008,02/03/2015,Nữ,01\n".encode() + cp1258(
        "C2,07774,2008,02/03/2015,Nữ,01\n"
    )
    (tmp_path / "children.csv").write_bytes(mixed)
    assert read_submission(tmp_path).children["sex"].tolist() == ["F", "F"]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n\r\n", b",,,\n,,,\n"])
def test_empty_looking_files_are_empty(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "children.csv").write_bytes(data)
    assert issues_of(read_submission(tmp_path), "empty-file")["file"].tolist() == ["children.csv"]


def test_stray_cell_far_out_in_a_sheet_is_read_cell_by_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "children"
    for row in (HEADER, CHILD_ROW):
        sheet.append(row.split(","))
    sheet["XFD1048576"] = "x"
    book.save(tmp_path / "children.xlsx")
    sub = read_submission(tmp_path)
    assert sub.children[SOURCE_ROW].tolist() == [2, 1_048_576]
    assert sub.children["child_id"].tolist()[:1] == ["C1"]
    assert sub.children["birth_date"].iloc[0] == pd.Timestamp("2015-03-02")


def test_workbook_bomb_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.save(tmp_path / "children.xlsx")
    data = {}
    with zipfile.ZipFile(tmp_path / "children.xlsx") as z:
        data = {i.filename: z.read(i) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    data[sheet] = data[sheet].replace(b"<sheetData>", b"<sheetData>" + b" " * 5_000_000)
    _zip(tmp_path / "children.xlsx", data, level=9)
    with pytest.raises(ReadError) as info:
        read_submission(tmp_path)
    assert info.value.code == "zip-ratio"


def _children_parquet(folder: Path, **columns: object) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    base = {
        "child_id": pa.array(["C1", "C2"]),
        "commune_code": pa.array(["07774"] * 2),
        "division_version": pa.array(["2008"] * 2),
        "birth_date": pa.array([dt.date(2015, 3, 2)] * 2),
        "sex": pa.array(["F", "M"]),
        "ethnicity": pa.array(["01", "01"]),
    }
    base.update(columns)  # type: ignore[arg-type]
    pq.write_table(pa.table(base), folder / "children.parquet")
    return folder


def test_parquet_time_zone_dates_are_local_wall_clock_dates(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    local = pa.array(
        [dt.datetime(2015, 3, 2, 0, 0), dt.datetime(2015, 3, 2, 23, 30)], pa.timestamp("us")
    )
    stamps = pc.assume_timezone(local, "Asia/Ho_Chi_Minh")
    sub = read_submission(_children_parquet(tmp_path, entry_date=stamps))
    assert sub.children["entry_date"].tolist() == [pd.Timestamp("2015-03-02")] * 2


def test_parquet_nested_and_binary_columns(tmp_path: Path) -> None:
    import pyarrow as pa

    sub = read_submission(
        _children_parquet(
            tmp_path,
            child_id=pa.array([b"C1", b"\xff\xfe"]),
            sex=pa.array([{"a": 1}, {"a": 2}]),
        )
    )
    assert sub.children["child_id"].tolist()[0] == "C1"
    assert issues_of(sub, "invalid-text")["row"].tolist() == [2]
    assert issues_of(sub, "unsupported-column-type")["column"].tolist() == ["sex"]
    assert sub.children["sex"].isna().all()


def test_parquet_dates_beyond_year_9999_are_invalid(tmp_path: Path) -> None:
    import pyarrow as pa

    sub = read_submission(
        _children_parquet(tmp_path, birth_date=pa.array([2_932_896, 100_000_000], pa.date32()))
    )
    assert sub.children["birth_date"].iloc[0] == pd.Timestamp("9999-12-31")
    assert issues_of(sub, "invalid-date")["row"].tolist() == [2]


def test_parquet_huge_unsigned_integers_are_invalid(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    units = pa.table(
        {
            "unit_code": ["1", "2"],
            "division_version": ["2008"] * 2,
            "name": ["Xã", "Xã"],
            "level": ["COMMUNE"] * 2,
            "villages": pa.array([2**64 - 1, 7], pa.uint64()),
        }
    )
    pq.write_table(units, tmp_path / "units.parquet")
    sub = read_submission(tmp_path)
    assert sub.units["villages"].tolist() == [pd.NA, 7]
    assert issues_of(sub, "invalid-integer")["row"].tolist() == [1]
