"""``chitieu validate``: every output format points at the right file and row."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from chitieu.cli import main
from chitieu.io.read import read_submission
from chitieu.validation import ERRORS, validate

from .conftest import expected

SARIF_SCHEMA = json.loads(
    (Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text(encoding="utf-8")
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- json ------------------------------------------------------------------------------
@pytest.mark.parametrize("max_examples", [20, 1])
def test_json_is_exactly_the_library_report(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, max_examples: int
) -> None:
    code, out, _ = run(
        capsys, "validate", invalid_folder, "--format", "json", "--max-examples", str(max_examples)
    )
    library = validate(read_submission(invalid_folder), max_examples=max_examples).to_dict()
    assert code == 1
    assert json.loads(out) == library


def test_json_for_several_paths_is_a_list_in_order(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, valid_folder: Path
) -> None:
    code, out, _ = run(capsys, "validate", str(valid_folder), invalid_folder, "-f", "json")
    data = json.loads(out)
    assert code == 1  # one of the two has errors
    assert [d["source"] for d in data] == [str(valid_folder), invalid_folder]
    assert [d["valid"] for d in data] == [True, False]
    assert data[1] == validate(read_submission(invalid_folder)).to_dict()


# -- text ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "heading", "severity"), [("vi", "Chi tiết:", "lỗi"), ("en", "Problems:", "error")]
)
def test_text_lists_every_problem_with_file_and_row(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, lang: str, heading: str, severity: str
) -> None:
    code, out, err = run(capsys, "validate", invalid_folder, "--lang", lang)
    assert code == 1
    assert err == ""
    assert heading in out
    files = {
        "children": "tre_em.csv",
        "injuries": "tai_nan_thuong_tich.csv",
        "units": "don_vi_hanh_chinh.csv",
    }
    lines = out.splitlines()
    for e in expected("invalid-vi-headers"):
        pattern = re.compile(
            rf"^{severity}\s+{re.escape(files[e.table])}\s+{e.row}\s+{e.column}\s+{e.code}\s+\S"
        )
        assert any(pattern.match(line) for line in lines), (e, out)


def test_text_messages_follow_the_language(
    capsys: pytest.CaptureFixture[str], invalid_folder: str
) -> None:
    _, vi, _ = run(capsys, "validate", invalid_folder, "--lang", "vi")
    _, en, _ = run(capsys, "validate", invalid_folder, "--lang", "en")
    assert "cần ngày tháng" in vi and "expected a date" not in vi
    assert "expected a date" in en and "cần ngày tháng" not in en


def test_text_says_how_many_were_not_shown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = "\n".join(f"C{i};2015-01-01;X;Kinh;07774;2008" for i in range(5))
    (tmp_path / "tre_em.csv").write_text(
        "Mã trẻ em;Ngày sinh;Giới tính;Dân tộc;Mã xã;Phiên bản danh mục\n" + rows + "\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "validate", str(tmp_path), "--max-examples", "2", "--lang", "en")
    assert code == 1
    assert "3 more unknown-code problems in children.sex (5 in all" in out


def test_valid_submission_exits_0_and_says_so(
    capsys: pytest.CaptureFixture[str], valid_folder: Path
) -> None:
    code, out, err = run(capsys, "validate", str(valid_folder), "--lang", "en")
    assert code == 0
    assert "The submission is valid." in out
    assert err == ""  # no progress bar, no message when not on a terminal


def test_output_file_gets_the_result_and_stdout_stays_empty(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, tmp_path: Path
) -> None:
    target = tmp_path / "sub" / "report.json"
    code, out, err = run(capsys, "validate", invalid_folder, "-f", "json", "-o", str(target))
    assert code == 1
    assert out == ""
    assert str(target) in err
    assert json.loads(target.read_text(encoding="utf-8"))["n_errors"] == 8


# -- junit -----------------------------------------------------------------------------
def test_junit_parses_and_counts_one_failure_per_table_and_code(
    capsys: pytest.CaptureFixture[str], invalid_folder: str
) -> None:
    code, out, _ = run(capsys, "validate", invalid_folder, "--format", "junit")
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    want = {(e.table, e.code) for e in expected("invalid-vi-headers")}
    failed = {
        (case.get("classname", "").rsplit(".", 1)[1], case.get("name"))
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    assert failed == want
    assert int(root.get("failures", "-1")) == len(want)
    suite = root.find("testsuite")
    assert suite is not None
    assert int(suite.get("failures", "-1")) == len(want)
    # every table read gets one case per code of the catalogue
    assert int(suite.get("tests", "-1")) == 3 * len(ERRORS) == len(list(root.iter("testcase")))
    # the failure names the file and the row
    date_case = next(
        c
        for c in root.iter("testcase")
        if c.get("name") == "invalid-date" and c.get("classname", "").endswith(".children")
    )
    failure = date_case.find("failure")
    assert failure is not None and failure.text is not None
    assert f"{invalid_folder}/tre_em.csv:4: birth_date" in failure.text
    assert failure.get("message", "").startswith("1 × ")


def test_junit_warnings_do_not_fail(
    capsys: pytest.CaptureFixture[str], invalid_workbook: str
) -> None:
    code, out, _ = run(capsys, "validate", invalid_workbook, "--format", "junit", "--lang", "en")
    root = ET.fromstring(out.encode("utf-8"))
    errors = {
        (e.table, e.code)
        for e in expected("invalid-xlsx-title")
        if ERRORS[e.code].severity == "error"
    }
    assert int(root.get("failures", "-1")) == len(errors)
    warned = [
        c
        for c in root.iter("testcase")
        if c.get("name") == "unknown-table" and c.find("system-out") is not None
    ]
    assert len(warned) == 1 and warned[0].find("failure") is None
    assert code == 1


# -- github ----------------------------------------------------------------------------
ANNOTATION = re.compile(r"^::(error|warning) (?P<props>[^:]*)::(?P<message>.*)$")


def _annotations(out: str) -> list[dict[str, str]]:
    found = []
    for line in out.splitlines():
        m = ANNOTATION.match(line)
        if m:
            props = dict(p.split("=", 1) for p in m.group("props").split(","))
            found.append({"level": m.group(1), **props, "message": m.group("message")})
    return found


def test_github_points_at_the_file_and_line(
    capsys: pytest.CaptureFixture[str], invalid_folder: str
) -> None:
    code, out, _ = run(capsys, "validate", invalid_folder, "--format", "github")
    assert code == 1
    files = {
        "children": "tre_em.csv",
        "injuries": "tai_nan_thuong_tich.csv",
        "units": "don_vi_hanh_chinh.csv",
    }
    got = {(a["file"], int(a["line"]), a["title"].split("%3A")[0]) for a in _annotations(out)}
    want = {
        (f"{invalid_folder}/{files[e.table]}", e.row, e.code)
        for e in expected("invalid-vi-headers")
    }
    assert got == want
    assert all(Path(f).is_file() for f, _, _ in got)  # relative to the working directory


def test_github_sheet_of_a_workbook_and_warning_without_line(
    capsys: pytest.CaptureFixture[str], invalid_workbook: str
) -> None:
    _, out, _ = run(capsys, "validate", invalid_workbook, "--format", "github", "--lang", "en")
    found = _annotations(out)
    assert {a["file"] for a in found} == {invalid_workbook}
    sex = next(a for a in found if a["title"].startswith("missing-value"))
    assert sex["level"] == "error" and sex["line"] == "6"
    assert sex["message"].startswith("[Trẻ em] ")
    notes = next(a for a in found if a["title"].startswith("unknown-table"))
    assert notes["level"] == "warning" and "line" not in notes


def test_github_escapes_newlines_and_separators() -> None:
    from chitieu.cli._formats import _escape_data, _escape_property

    assert _escape_data("a\nb%c\r") == "a%0Ab%25c%0D"
    assert _escape_property("x: y, z") == "x%3A y%2C z"


# -- sarif -----------------------------------------------------------------------------
def test_sarif_is_valid_against_the_schema(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, invalid_workbook: str
) -> None:
    code, out, _ = run(capsys, "validate", invalid_folder, invalid_workbook, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    validator = jsonschema.Draft4Validator(
        SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = [e.message for e in validator.iter_errors(log)]
    assert errors == []
    run0 = log["runs"][0]
    rules = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    assert rules == list(ERRORS)
    results = run0["results"]
    n_expected = len(expected("invalid-vi-headers")) + len(expected("invalid-xlsx-title"))
    assert len(results) == n_expected
    for r in results:
        assert rules[r["ruleIndex"]] == r["ruleId"]
        assert r["level"] == ERRORS[r["ruleId"]].severity


def test_sarif_locations_carry_uri_and_start_line(
    capsys: pytest.CaptureFixture[str], invalid_folder: str
) -> None:
    _, out, _ = run(capsys, "validate", invalid_folder, "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    files = {
        "children": "tre_em.csv",
        "injuries": "tai_nan_thuong_tich.csv",
        "units": "don_vi_hanh_chinh.csv",
    }
    got = {
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    }
    want = {
        (e.code, f"{invalid_folder}/{files[e.table]}", e.row)
        for e in expected("invalid-vi-headers")
    }
    assert got == want


def test_sarif_of_a_valid_submission_has_no_results(
    capsys: pytest.CaptureFixture[str], valid_folder: Path
) -> None:
    code, out, _ = run(capsys, "validate", str(valid_folder), "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    assert code == 0
    assert log["runs"][0]["results"] == []


def test_zip_problems_point_at_the_zip(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, tmp_path: Path
) -> None:
    import zipfile

    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in Path(invalid_folder).iterdir():
            z.write(f, f.name)
    code, out, _ = run(capsys, "validate", str(archive), "--format", "github", "--lang", "en")
    found = _annotations(out)
    assert code == 1
    assert len(found) == 8
    assert {a["file"] for a in found} == {archive.as_posix()}
    date = next(a for a in found if a["title"].startswith("invalid-date"))
    assert date["line"] == "4" and date["message"].startswith("[tre_em.csv] ")


def test_by_folder_validates_each_folder_once(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, valid_folder: Path
) -> None:
    files = sorted(str(p) for p in Path(invalid_folder).iterdir())
    valid_files = sorted(str(p) for p in valid_folder.iterdir())
    code, out, _ = run(capsys, "validate", "--by-folder", "-f", "json", *files, *valid_files)
    data = json.loads(out)
    assert code == 1
    assert [d["source"] for d in data] == [invalid_folder, str(valid_folder)]
    assert [d["n_errors"] for d in data] == [8, 0]


def test_truncated_groups_are_announced_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = "\n".join(f"C{i};2015-01-01;X;Kinh;07774;2008" for i in range(4))
    (tmp_path / "tre_em.csv").write_text(
        "Mã trẻ em;Ngày sinh;Giới tính;Dân tộc;Mã xã;Phiên bản danh mục\n" + rows + "\n",
        encoding="utf-8",
    )
    base = ["validate", str(tmp_path), "--max-examples", "1", "--lang", "en"]
    _, out, _ = run(capsys, *base, "-f", "github")
    sex = [a for a in _annotations(out) if a["title"].startswith("unknown-code")]
    assert len(sex) == 2  # the one shown, then one saying 3 more
    assert "line" in sex[0] and "line" not in sex[1]
    assert "3 more unknown-code problems in children.sex (4 in all" in sex[1]["message"]
    _, out, _ = run(capsys, *base, "-f", "junit")
    case = next(
        c
        for c in ET.fromstring(out.encode("utf-8")).iter("testcase")
        if c.get("name") == "unknown-code"
    )
    failure = case.find("failure")
    assert failure is not None and failure.get("message", "").startswith("4 × ")
    assert "3 more" in (failure.text or "")
    _, out, _ = run(capsys, *base, "-f", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("3 more unknown-code" in n["message"]["text"] for n in notes)


# -- hostile names (see also test_no_personal_data.py) --------------------------------------
def test_a_workbook_whose_name_holds_a_hash_keeps_its_sheets_apart(
    capsys: pytest.CaptureFixture[str], invalid_workbook: str, tmp_path: Path
) -> None:
    import shutil

    book = tmp_path / "bộ #1 50%.xlsx"
    shutil.copy(invalid_workbook, book)
    _, out, _ = run(capsys, "validate", str(book), "--format", "github", "--lang", "en")
    found = _annotations(out)
    assert {a["file"] for a in found} == {book.as_posix().replace("%", "%25")}
    sex = next(a for a in found if a["title"].startswith("missing-value"))
    assert sex["message"].startswith("[Trẻ em] ")
    _, out, _ = run(capsys, "validate", str(book), "--format", "sarif", "--lang", "en")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {"file://" + book.parent.as_posix() + "/b%E1%BB%99%20%231%2050%25.xlsx"}


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("data/xa-01/tre_em.csv", "data/xa-01/tre_em.csv"),
        ("data/xã #1/tre em?.csv", "data/x%C3%A3%20%231/tre%20em%3F.csv"),
        ("a:b/c.csv", "a%3Ab/c.csv"),  # no scheme
        ("50%/x.csv", "50%25/x.csv"),
        ("/srv/xa #1/x.csv", "file:///srv/xa%20%231/x.csv"),
        ("C:\\data\\xa #1\\x.csv", "file:///C:/data/xa%20%231/x.csv"),
        ("xa\udcff.csv", "xa%FF.csv"),  # the bytes on disk of a name that is not UTF-8
    ],
)
def test_sarif_uris_are_percent_encoded_uri_references(path: str, uri: str) -> None:
    from chitieu.cli._formats import _uri

    assert _uri(path) == uri


@pytest.mark.parametrize(
    ("path", "file", "where"),
    [
        ("data/xa#1.csv", "xa#1.csv", ("data/xa#1.csv", "")),
        ("data/bo.xlsx", "bo.xlsx#Trẻ em", ("data/bo.xlsx", "Trẻ em")),
        ("data/a#b.xlsx", "a#b.xlsx#Đơn vị", ("data/a#b.xlsx", "Đơn vị")),
        ("data/x.zip", "tre_em #2.csv", ("data/x.zip", "tre_em #2.csv")),
    ],
)
def test_locate_reads_a_hash_as_a_sheet_only_after_a_workbook(
    path: str, file: str, where: tuple[str, str]
) -> None:
    from chitieu.cli._formats import locate

    assert locate(path, file) == where


def test_github_escapes_every_property_character() -> None:
    from chitieu.cli._formats import _escape_data, _escape_property

    assert _escape_property("a%b\rc\nd:e,f#g") == "a%25b%0Dc%0Ad%3Ae%2Cf#g"
    assert _escape_data("bell\x07") == "bell\\x07"  # no raw control character in a log
