"""``chitieu.validation.render``: every output format of a validation report, in the library."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from chitieu.cli import main
from chitieu.io.read import read_submission
from chitieu.validation import ValidationReport, validate
from chitieu.validation.render import FORMATS, Checked, render

ROOT = Path(__file__).resolve().parents[2]
CASE = "tests/data/invalid-vi-headers/submission"
SARIF_SCHEMA = json.loads((ROOT / "tests/cli/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> ValidationReport:
    """The validation report of a submission with 8 planted errors (paths from the repo root)."""
    monkeypatch.chdir(ROOT)
    return validate(read_submission(CASE))


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif", "markdown"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_command_line_prints_exactly_what_the_library_returns(
    capsys: pytest.CaptureFixture[str], checked: ValidationReport, fmt: str, lang: str
) -> None:
    code = main(["validate", CASE, "--format", fmt, "--lang", lang])
    out, _ = capsys.readouterr()
    assert code == 1
    assert out == checked.render(fmt, path=CASE, lang=lang)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_method_is_the_renderer_of_its_format(checked: ValidationReport, fmt: str) -> None:
    method = {
        "text": checked.to_text,
        "markdown": checked.to_markdown,
        "junit": checked.to_junit,
        "github": checked.to_github,
        "sarif": checked.to_sarif,
        "json": None,
    }[fmt]
    expected = render(fmt, [Checked(CASE, checked)], "en")
    assert checked.render(fmt, path=CASE, lang="en") == expected
    if method is not None:
        assert method(path=CASE, lang="en") == expected
    else:
        assert json.loads(expected) == checked.to_dict()


def test_sarif_from_the_library_is_valid_sarif_2_1_0(checked: ValidationReport) -> None:
    log = json.loads(checked.to_sarif(path=CASE))
    jsonschema.validate(log, SARIF_SCHEMA)
    results = log["runs"][0]["results"]
    assert len(results) == len(checked.errors)
    assert {r["ruleId"] for r in results} == set(checked.errors["code"])


def test_junit_from_the_library_fails_one_case_per_table_and_error_code(
    checked: ValidationReport,
) -> None:
    root = ET.fromstring(checked.to_junit(path=CASE, lang="en"))
    failures = {
        (case.get("classname", "").rsplit(".", 1)[-1], case.get("name"))
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    errors = checked.counts.loc[checked.counts["severity"] == "error"]
    assert failures == set(zip(errors["table"], errors["code"], strict=True))
    assert root.get("failures") == str(len(failures))


def test_the_default_path_and_language_are_the_reports_own(checked: ValidationReport) -> None:
    assert checked.source is not None
    assert checked.to_github() == render("github", [Checked(checked.source, checked)], checked.lang)
    assert f"file={CASE}/tre_em.csv,line=4" in checked.to_github()


def test_markdown_lists_every_problem_shown_with_its_file_and_row(
    checked: ValidationReport,
) -> None:
    text = checked.to_markdown(path=CASE, lang="en")
    rows = [line for line in text.splitlines() if line.startswith("| error ")]
    shown = checked.errors.loc[checked.errors["severity"] == "error"]
    # one line per problem shown, plus one per code in the counts table
    assert len(rows) == len(shown) + int((checked.counts["severity"] == "error").sum())
    for _, problem in shown.iterrows():
        assert f"| {problem['file']} | {problem['row']} |" in text
    vi = checked.to_markdown(path=CASE, lang="vi")
    assert "| lỗi |" in vi and "8 lỗi" in vi


def test_markdown_cells_cannot_break_the_table_or_run_html(tmp_path: Path) -> None:
    from chitieu import synth
    from chitieu.io.write import write_submission

    folder = write_submission(
        synth.generate(n_children=30, seed=1, year=2024), tmp_path / "a|b<i>", "csv"
    )
    (folder / "x|y.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    text = validate(read_submission(folder)).to_markdown(path=str(folder), lang="en")
    line = next(line for line in text.splitlines() if "unknown-table" in line and "x" in line)
    assert "x\\|y.csv" in line and "<i>" not in text
    assert line.count(" | ") == 5  # six cells, none split by the file's own '|'


def test_an_unknown_format_names_the_formats(checked: ValidationReport) -> None:
    with pytest.raises(ValueError, match="sarif"):
        checked.render("pdf")


def test_markdown_holds_no_personal_value(tmp_path: Path) -> None:
    import re

    name, address, child_id, unknown_id = (
        "Nguyễn Văn An",
        "Thôn Đông",
        "079215000111",
        "079215000999",
    )
    root = tmp_path / "xa"
    root.mkdir()
    (root / "tre_em.csv").write_text(
        "Mã trẻ em,Họ và tên,Địa chỉ,Mã xã,Phiên bản danh mục,Ngày sinh,Giới tính,Dân tộc\n"
        f"{child_id},{name},{address},07774,2008,02/03/2015,Nam,Kinh\n"
        f"{child_id},{name},{address},07774,2008,02/03/2015,Nam,Kinh\n",
        encoding="utf-8",
    )
    (root / "tai_nan_thuong_tich.csv").write_text(
        "Mã vụ tai nạn,Mã trẻ em,Ngày bị tai nạn,Mã xã xảy ra,Phiên bản danh mục,Loại tai nạn,"
        "Nơi xảy ra,Hậu quả\n"
        f"I01,{unknown_id},14/07/2024,07774,2008,8,Tại nhà,Bị thương\n",
        encoding="utf-8",
    )
    (root / "don_vi_hanh_chinh.csv").write_text(
        "Mã đơn vị,Phiên bản danh mục,Tên đơn vị,Cấp,Mã tỉnh\n07774,2008,Thị trấn Thắng,Xã,24\n",
        encoding="utf-8",
    )
    check = validate(read_submission(root))
    assert check.masked and not check.valid
    for lang in ("vi", "en"):
        text = check.to_markdown(path="xa", lang=lang)  # type: ignore[arg-type]
        assert child_id not in text and unknown_id not in text
        assert name not in text and address not in text
        assert re.findall(r"\d{9,}", text) == []
        assert "0792••••••" in text  # the masked id is there, and said to be masked
        assert ("được che" if lang == "vi" else "masked") in text
