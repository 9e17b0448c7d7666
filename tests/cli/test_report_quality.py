"""``chitieu report``'s data-quality section: text, Excel, JSON, HTML, and ``--no-quality``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chitieu.cli import main
from chitieu.export.excel_quality import quality_sheet_name
from chitieu.io.write import write_submission
from chitieu.submission import Submission
from quality_commune import commune

#: The name of the communes in the units table; no quality output may repeat it.
COMMUNE_NAME = "Xã Hoà Bình Thượng"
YEARS = (2020, 2021, 2022, 2023, 2024)


def submission(injuries: dict[int, int], deaths: dict[int, int], n_children: int) -> Submission:
    """Commune 00001 with its children and injuries; commune 00002 in the units table only."""
    return commune(
        n_children, injuries, deaths, extra_communes=("00002",), name=COMMUNE_NAME
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 injury deaths among 2,000 children in 2024 (300 per 100,000); 00002 without records."""
    sub = submission({2024: 6}, {2024: 6}, 2000)
    return write_submission(sub, tmp_path_factory.mktemp("planted") / "xa", "csv", headers="vi")


@pytest.fixture(scope="module")
def jump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4,000 children, about 20 injuries a year from 2020 to 2023, then 60 in 2024."""
    sub = submission(dict(zip(YEARS, (20, 22, 19, 21, 60), strict=True)), {}, 4000)
    return write_submission(sub, tmp_path_factory.mktemp("jump") / "xa", "csv", headers="vi")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def quality_lines(out: str) -> list[str]:
    """The lines of the data-quality section of the printed output."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("Chất lượng", "Data qual")))
    return lines[start:]


def test_text_lists_the_planted_warnings_in_vietnamese(
    capsys: pytest.CaptureFixture[str], planted: Path
) -> None:
    code, out, _ = run(capsys, "report", str(planted), "--period", "2024")
    assert code == 0
    section = quality_lines(out)
    assert section[0] == "Chất lượng số liệu: 2 cảnh báo:"
    assert any(
        line.startswith("  - [rate-implausibly-high] 00001 · injury_death_rate: ")
        and "300 trên 100.000" in line
        for line in section
    )
    assert any(line.startswith("  - [commune-without-records] 00002 · —: ") for line in section)
    assert out.index("Chỉ tiêu chính") < out.index("Chất lượng số liệu")  # after the figures
    assert COMMUNE_NAME not in out


def test_text_in_english(capsys: pytest.CaptureFixture[str], planted: Path) -> None:
    code, out, _ = run(capsys, "report", str(planted), "--period", "2024", "--lang", "en")
    section = quality_lines(out)
    assert code == 0
    assert section[0] == "Data quality: 2 warnings:"
    assert any("[rate-implausibly-high] 00001" in s and "300 per 100,000" in s for s in section)


def test_no_quality_removes_the_section_and_keeps_the_figures(
    capsys: pytest.CaptureFixture[str], planted: Path
) -> None:
    _, with_section, _ = run(capsys, "report", str(planted), "--period", "2024")
    code, without, _ = run(capsys, "report", str(planted), "--period", "2024", "--no-quality")
    assert code == 0
    assert "Chất lượng số liệu" not in without
    assert "rate-implausibly-high" not in without
    assert with_section.startswith(without.rstrip("\n"))  # the figures are the same


def test_text_says_when_there_is_no_warning(
    capsys: pytest.CaptureFixture[str], valid_folder: Path
) -> None:
    code, out, _ = run(
        capsys, "report", str(valid_folder), "--period", "2024", "--indicators", "injury_rate",
        "--lang", "en",
    )  # fmt: skip
    assert code == 0
    assert quality_lines(out) == ["Data quality: no data-quality warning."]


def test_several_periods_give_outliers_against_the_earlier_ones(
    capsys: pytest.CaptureFixture[str], jump: Path
) -> None:
    code, out, _ = run(
        capsys, "report", str(jump), "--period", "2020,2021,2022,2023,2024",
        "--indicators", "injury_events", "--lang", "en",
    )  # fmt: skip
    assert code == 0
    section = quality_lines(out)
    outliers = [line for line in section if "[outlier-high]" in line]
    assert len(outliers) == 1
    assert "00001 · injury_events" in outliers[0] and "in 2024 is 60" in outliers[0]
    assert "Number of child injury events, 2024" in out  # each row says its period
    # one period: no past to compare with, so no outlier
    _, single, _ = run(
        capsys, "report", str(jump), "--period", "2024", "--indicators", "injury_events"
    )
    assert "outlier-high" not in single


def test_several_periods_refuse_a_plan(capsys: pytest.CaptureFixture[str], jump: Path) -> None:
    for lang, says in (("en", "--plan takes one period"), ("vi", "--plan chỉ nhận một kỳ")):
        code, _, err = run(
            capsys, "report", str(jump), "--period", "2023,2024", "--plan", "thi-tran-thang-2024",
            "--lang", lang,
        )  # fmt: skip
        assert code == 2
        assert says in err


def test_json_has_the_warnings_and_the_same_table(
    capsys: pytest.CaptureFixture[str], planted: Path, tmp_path: Path
) -> None:
    with_path, without_path = tmp_path / "q.json", tmp_path / "n.json"
    code, _, err = run(capsys, "report", str(planted), "--period", "2024", "--out", str(with_path))
    assert code == 0
    assert "Chất lượng số liệu: 2 cảnh báo" in err
    run(capsys, "report", str(planted), "--period", "2024", "--out", str(without_path),
        "--no-quality")  # fmt: skip
    with_data = json.loads(with_path.read_text(encoding="utf-8"))
    without_data = json.loads(without_path.read_text(encoding="utf-8"))
    quality = with_data["metadata"]["quality"]
    assert quality["counts"] == {"rate-implausibly-high": 1, "commune-without-records": 1}
    assert {(w["code"], w["unit_code"]) for w in quality["warnings"]} == {
        ("rate-implausibly-high", "00001"),
        ("commune-without-records", "00002"),
    }
    assert "quality" not in without_data["metadata"]
    assert with_data["table"] == without_data["table"]
    assert COMMUNE_NAME not in json.dumps(quality, ensure_ascii=False)


@pytest.mark.slow
def test_workbook_has_the_sheet_and_no_quality_removes_it(
    capsys: pytest.CaptureFixture[str], planted: Path, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("xlsxwriter")
    with_path, without_path = tmp_path / "q.xlsx", tmp_path / "n.xlsx"
    assert run(capsys, "report", str(planted), "--period", "2024", "--out", str(with_path))[0] == 0
    run(capsys, "report", str(planted), "--period", "2024", "--out", str(without_path),
        "--no-quality")  # fmt: skip
    book = openpyxl.load_workbook(with_path, read_only=True)
    other = openpyxl.load_workbook(without_path, read_only=True)
    try:
        rows = [tuple(r) for r in book[quality_sheet_name("vi")].values]
        codes = {(r[0], r[4]) for r in rows if r[0] in ("rate-implausibly-high",
                                                        "commune-without-records") and r[4]}  # fmt: skip
        assert codes == {("rate-implausibly-high", "00001"), ("commune-without-records", "00002")}
        assert quality_sheet_name("vi") not in other.sheetnames
        assert set(book.sheetnames) - set(other.sheetnames) == {quality_sheet_name("vi")}
        for name in other.sheetnames:  # every figure is the same
            if name.startswith(("Bìa", "Siêu")):
                continue  # the cover and metadata carry the time of computing
            assert [tuple(r) for r in book[name].values] == [tuple(r) for r in other[name].values]
    finally:
        book.close()
        other.close()


def test_html_has_the_section(
    capsys: pytest.CaptureFixture[str], planted: Path, tmp_path: Path
) -> None:
    path = tmp_path / "r.html"
    code, _, _ = run(
        capsys, "report", str(planted), "--period", "2024", "--out", str(path), "--format", "html"
    )
    html = path.read_text(encoding="utf-8")
    assert code == 0
    assert "<td>rate-implausibly-high</td><td>00001</td>" in html
    assert "<td>commune-without-records</td><td>00002</td>" in html


def test_publish_leaves_the_warnings_out(
    capsys: pytest.CaptureFixture[str], planted: Path, tmp_path: Path
) -> None:
    path = tmp_path / "p.json"
    code, _, _ = run(
        capsys, "report", str(planted), "--period", "2024", "--out", str(path), "--publish"
    )
    assert code == 0
    assert "quality" not in json.loads(path.read_text(encoding="utf-8"))["metadata"]
