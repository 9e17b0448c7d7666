"""The data-quality section in the report's outputs: text, Excel, JSON, HTML (docs/quality.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest

import chitieu
from chitieu.export.excel_quality import QUALITY_HEADERS, quality_sheet_name
from chitieu.export.html import to_html
from chitieu.quality import QualityResult
from chitieu.report import Report
from chitieu.submission import Submission
from quality_commune import commune as _commune

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("xlsxwriter")

#: A name in the units table that no quality output may repeat (units are named by code).
COMMUNE_NAME = "Xã Hoà Bình Thượng"


def commune(
    n_children: int,
    injuries: Mapping[int, int] | None = None,
    deaths: Mapping[int, int] | None = None,
    *,
    extra_communes: tuple[str, ...] = (),
) -> Submission:
    """The commune of ``test_quality``, its units named :data:`COMMUNE_NAME`."""
    return _commune(
        n_children, injuries, deaths, extra_communes=extra_communes, name=COMMUNE_NAME
    )


@pytest.fixture(scope="module")
def planted() -> Report:
    """6 injury deaths among 2,000 children (300 per 100,000) and commune 00002 without records."""
    sub = commune(2000, injuries={2024: 6}, deaths={2024: 6}, extra_communes=("00002",))
    return chitieu.report(sub, period="2024", indicators=["injury_rate", "injury_death_rate"])


@pytest.fixture(scope="module")
def clean() -> Report:
    """A commune whose figures raise no warning: 11 injuries, no death, among 2,000 children."""
    sub = commune(2000, injuries={2024: 11})
    return chitieu.report(sub, period="2024", indicators=["injury_rate"])


def sheet_names(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def sheet_rows(path: Path, name: str) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in book[name].values]
    finally:
        book.close()


def test_with_quality_carries_the_planted_warnings(planted: Report) -> None:
    checked = planted.with_quality()
    result = checked.quality_result
    assert isinstance(result, QualityResult)
    found = set(zip(result.table["code"], result.table["unit_code"], strict=True))
    assert found == {("rate-implausibly-high", "00001"), ("commune-without-records", "00002")}
    assert planted.quality_result is None  # the original report is unchanged


def test_with_quality_never_changes_a_figure(planted: Report) -> None:
    checked = planted.with_quality()
    pd.testing.assert_frame_equal(checked.table, planted.table)
    assert checked.notes == planted.notes
    assert checked.skipped.equals(planted.skipped)


def test_with_quality_takes_a_result_or_options_not_both(planted: Report) -> None:
    result = planted.quality()
    assert planted.with_quality(result).quality_result is result
    with pytest.raises(TypeError, match="either"):
        planted.with_quality(result, factor=5.0)
    stricter = planted.with_quality(factor=1000.0).quality_result
    assert "rate-implausibly-high" not in set(stricter.table["code"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_text_lists_code_unit_indicator_and_message(planted: Report, lang: str) -> None:
    text = planted.quality(lang=lang).to_text(lang)  # type: ignore[arg-type]
    lines = text.splitlines()
    assert lines[0] == ("Chất lượng số liệu: 2 cảnh báo:" if lang == "vi" else
                        "Data quality: 2 warnings:")  # fmt: skip
    high = next(line for line in lines if "[rate-implausibly-high]" in line)
    assert "00001 · injury_death_rate:" in high
    assert ("300 trên 100.000" if lang == "vi" else "300 per 100,000") in high
    empty = next(line for line in lines if "[commune-without-records]" in line)
    assert "00002 · —:" in empty
    assert COMMUNE_NAME not in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "Chất lượng số liệu: không có cảnh báo chất lượng số liệu."),
        ("en", "Data quality: no data-quality warning."),
    ],
)
def test_text_says_when_there_is_no_warning(clean: Report, lang: str, expected: str) -> None:
    assert clean.quality().to_text(lang) == expected  # type: ignore[arg-type]


def test_json_metadata_has_the_warnings(planted: Report) -> None:
    assert "quality" not in planted.metadata()
    data = json.loads(str(planted.with_quality().to_json()))
    quality = data["metadata"]["quality"]
    assert quality["n_warnings"] == 2
    assert quality["counts"] == {"rate-implausibly-high": 1, "commune-without-records": 1}
    high = next(w for w in quality["warnings"] if w["code"] == "rate-implausibly-high")
    assert high["unit_code"] == "00001"
    assert high["indicator_id"] == "injury_death_rate"
    assert high["value"] == pytest.approx(300.0)
    empty = next(w for w in quality["warnings"] if w["code"] == "commune-without-records")
    assert empty["value"] is None and empty["unit_code"] == "00002"
    assert COMMUNE_NAME not in json.dumps(quality, ensure_ascii=False)
    # the figures are those of the report without the section
    assert data["table"] == json.loads(str(planted.to_json()))["table"]


def test_json_metadata_of_a_clean_report_says_none(clean: Report) -> None:
    quality = clean.with_quality().metadata()["quality"]
    assert quality == {"n_warnings": 0, "counts": {}, "warnings": []}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_workbook_has_the_quality_sheet(planted: Report, tmp_path: Path, lang: str) -> None:
    path = planted.with_quality().to_excel(tmp_path / "r.xlsx", lang=lang)
    rows = sheet_rows(path, quality_sheet_name(lang))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Mã cảnh báo\nCode" or
                     r[0] == "Code\nMã cảnh báo")  # fmt: skip
    assert len(rows[header_at]) == len(QUALITY_HEADERS)
    body = rows[header_at + 1 :]
    by_code = {r[0]: r for r in body}
    assert set(by_code) == {"rate-implausibly-high", "commune-without-records"}
    high = by_code["rate-implausibly-high"]
    assert high[2] == "2024" and high[4] == "00001" and high[5] == "2008"
    assert high[6] == "injury_death_rate"
    assert high[7] == pytest.approx(300.0) and high[8] == pytest.approx(16.0)
    assert by_code["commune-without-records"][4] == "00002"
    assert by_code["commune-without-records"][7] is None  # no figure, not 0
    text = " ".join(str(c) for r in rows for c in r if c is not None)
    assert COMMUNE_NAME not in text


def test_quality_sheet_prints_like_the_others(planted: Report, tmp_path: Path) -> None:
    path = planted.with_quality().to_excel(tmp_path / "r.xlsx", lang="vi")
    book = openpyxl.load_workbook(path)
    try:
        names = book.sheetnames
        sheet = book[quality_sheet_name("vi")]
        setup = sheet.page_setup
        assert setup.orientation == "landscape"
        assert str(setup.paperSize) == "9"  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert setup.fitToWidth in (1, None) and setup.fitToHeight == 0
        header_row = next(
            c.row for c in sheet["A"] if c.value is not None and str(c.value).startswith("Mã")
        )
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        assert "&P" in (sheet.oddFooter.center.text or "")
    finally:
        book.close()
    assert names.index(quality_sheet_name("vi")) < len(names) - 1  # before the metadata


def test_workbook_of_a_clean_report_says_none(clean: Report, tmp_path: Path) -> None:
    path = clean.with_quality().to_excel(tmp_path / "r.xlsx", lang="en")
    rows = sheet_rows(path, quality_sheet_name("en"))
    assert tuple(c for c in rows[-1] if c is not None) == ("No data-quality warning.",)


def test_workbook_without_quality_has_no_sheet(planted: Report, tmp_path: Path) -> None:
    path = planted.to_excel(tmp_path / "r.xlsx", lang="vi")
    assert quality_sheet_name("vi") not in sheet_names(path)


def test_html_has_the_section(planted: Report) -> None:
    html = str(to_html(planted.with_quality(), lang="en"))
    assert "chitieu-quality" in html
    section = html[html.index("chitieu-quality") :]
    assert "<td>rate-implausibly-high</td><td>00001</td><td>injury_death_rate</td>" in section
    assert "<td>commune-without-records</td><td>00002</td><td>—</td>" in section
    assert "300 per 100,000" in section
    assert "chitieu-quality" not in str(to_html(planted))
    assert COMMUNE_NAME not in section


def test_html_of_a_clean_report_says_none(clean: Report) -> None:
    html = str(to_html(clean.with_quality()))
    assert "Không có cảnh báo chất lượng số liệu / No data-quality warning" in html


def test_a_report_for_publication_shows_no_warnings(planted: Report, tmp_path: Path) -> None:
    published = planted.with_quality().suppress(5)
    assert "quality" not in published.metadata()  # the messages give small counts
    assert "chitieu-quality" not in str(to_html(published))
    path = published.to_excel(tmp_path / "p.xlsx", lang="vi")
    assert quality_sheet_name("vi") not in sheet_names(path)


def test_outliers_over_the_report_periods_reach_the_outputs(tmp_path: Path) -> None:
    sub = commune(4000, injuries={2020: 20, 2021: 22, 2022: 19, 2023: 21, 2024: 60})
    rep = chitieu.report(
        sub, period=["2020", "2021", "2022", "2023", "2024"], indicators=["injury_events"]
    ).with_quality()
    warnings = rep.metadata()["quality"]["warnings"]
    assert [(w["code"], w["period"], w["unit_code"]) for w in warnings] == [
        ("outlier-high", "2024", "00001")
    ]
    rows = sheet_rows(rep.to_excel(tmp_path / "r.xlsx", lang="en"), quality_sheet_name("en"))
    assert any(r[0] == "outlier-high" and r[2] == "2024" for r in rows)


def test_parquet_metadata_and_roll_up_keep_the_warnings(planted: Report, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from chitieu.export import read_metadata

    province = planted.with_quality().rollup("province")
    path = province.to_parquet(tmp_path / "r.parquet")
    meta = read_metadata(path)
    assert meta["level"] == "province"
    assert meta["quality"]["counts"] == {"rate-implausibly-high": 1, "commune-without-records": 1}
    assert pd.read_parquet(path).equals(province.table)
