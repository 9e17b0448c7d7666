"""The workbook prints: landscape A4, one page wide, header rows on every page, wrapped rows.

The settings are read back from the written file with openpyxl, as Excel and
LibreOffice read them; the printed page count itself is measured by hand
(docs/report.md, "Printing").
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from chitieu.export import to_excel
from chitieu.export.excel import _text_lines
from chitieu.indicators.examples import tiny_submission
from chitieu.report import Report, report


@pytest.fixture(scope="module")
def rep() -> Report:
    return report(tiny_submission(), period="2024")


@pytest.fixture(scope="module")
def book(rep: Report, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return openpyxl.load_workbook(to_excel(rep, tmp_path_factory.mktemp("print") / "r.xlsx"))


def test_every_sheet_prints_landscape_a4_one_page_wide(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert str(setup.paperSize) == "9", sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth or 1) == 1, sheet.title  # 1 is the default, left unwritten
        assert setup.fitToHeight == 0, sheet.title  # as many pages tall as needed
        margins = sheet.page_margins
        assert margins.left <= 0.5 and margins.right <= 0.5, sheet.title
        assert "&P" in (sheet.oddFooter.center.text or ""), sheet.title  # page numbers


def test_tables_repeat_their_header_row_on_every_page(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets[1:]:  # every sheet after the cover is a table
        assert sheet.print_title_rows in ("1:1", "$1:$1"), sheet.title
        assert sheet.print_options.gridLines, sheet.title
    assert book.worksheets[0].print_title_rows is None  # the cover has no header row


def test_rows_with_wrapped_text_are_tall_enough(book: openpyxl.Workbook) -> None:
    sheet = book["Dân số - Population"]
    header = [c.value for c in sheet[1]]
    name_col = header.index("Chỉ tiêu / Indicator")
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(name_col + 1)].width
    assert width <= 36  # long names wrap instead of widening the page
    assert sheet.row_dimensions[1].height >= 30  # headers wrap on two lines or more
    checked = 0
    for row in sheet.iter_rows(min_row=2):
        text = row[name_col].value
        lines = _text_lines(text, int(width))
        height = sheet.row_dimensions[row[0].row].height
        if lines > 1:
            assert height is not None and height >= 15 * lines, (row[0].row, text)
            checked += 1
        assert row[name_col].alignment.wrap_text
    assert checked  # some names do wrap in this report


def test_cover_fits_on_two_pages_of_rows(book: openpyxl.Workbook) -> None:
    cover = book.worksheets[0]
    heights = [cover.row_dimensions[r].height or 15.0 for r in range(1, cover.max_row + 1)]
    # definitions of every indicator are on their own sheet, not on the cover
    assert "Siêu dữ liệu - Metadata" in book.sheetnames
    assert cover.max_column <= 4
    # fitted to the page width, the cover prints at about 70 %: the example's cover
    # (1,511 points of rows) prints on two landscape A4 pages with LibreOffice
    assert sum(heights) < 1_600


@pytest.mark.slow
def test_english_footer_says_page(rep: Report, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(to_excel(rep, tmp_path / "en.xlsx", lang="en"))
    assert wb.worksheets[0].oddFooter.center.text.endswith("Page &P of &N")
    assert "Trang &P / &N" in (
        openpyxl.load_workbook(to_excel(rep, tmp_path / "vi.xlsx"))
        .worksheets[0]
        .oddFooter.center.text
    )


def test_text_lines_counts_wrapped_words() -> None:
    assert _text_lines("short", 20) == 1
    assert _text_lines("word " * 20, 20) >= 4
    assert _text_lines("one\ntwo", 40) == 2
    assert _text_lines(None, 10) == 1
