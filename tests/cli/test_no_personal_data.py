"""``chitieu validate`` never shows personal data, whatever the format, and its files stay sound.

One hostile submission: 12-digit citizen identity numbers as child ids (one
duplicated, one unknown, one pair repeated in abuse_victims), a 12-digit
violator id typed into the case column, names, addresses and identity
numbers in extra columns, a header that is itself an identity number and one
that is a child's name, values a spreadsheet would run as formulas, control
characters, and files whose names hold ``#``, ``%``, ``?``, spaces and
Vietnamese letters. Every format is run to standard output and to a file;
nothing personal may appear in any of them (see docs/privacy.md).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from chitieu.cli import main
from chitieu.cli._formats import FORMATS
from chitieu.io.read import read_submission
from chitieu.privacy import FORMULA_PREFIXES
from chitieu.validation import validate

SARIF_SCHEMA = json.loads(
    (Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text(encoding="utf-8")
)

CHILD_IDS = ["079215000111", "079215000222", "079215000333"]
UNKNOWN_CHILD = "079215000999"
VIOLATOR_ID = "001085012345"
PERSONAL = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Hoàng Cường",
    "Thôn Đông, xã Thắng",
    "số 12 ngõ 3 Hiệp Hòa",
    "0912345678",
    "036123456789",
    *CHILD_IDS,
    UNKNOWN_CHILD,
    VIOLATOR_ID,
]
NAME_HEADER = "Phạm Thu Hà"  # a header row shifted by one line: a child's name in the header
ID_HEADER = "038201000777"
FOLDER = "xã Thắng #1 50% ?"  # a folder name that URIs and GitHub properties must escape
NOTES = "ghi chú #2 100%.csv"  # not a table: a warning on a file whose name holds '#'
CONTROL_NOTES = "notes\x07bell.csv"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The submission folder, given relative to the working directory."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / FOLDER
    root.mkdir()
    a, b, c = CHILD_IDS
    children_header = [
        "Mã trẻ em", "Họ và tên", "Địa chỉ", "Số CCCD", ID_HEADER, NAME_HEADER, "Ghi\x1bchú",
        "Mã xã", "Phiên bản danh mục", "Ngày sinh", "Giới tính", "Dân tộc",
    ]  # fmt: skip
    _write(
        root / "tre_em.csv",
        children_header,
        [
            [a, PERSONAL[0], f'"{PERSONAL[3]}"', PERSONAL[6], "x", "y", "z",
             "07774", "2008", "02/03/2015", "Nam", "Kinh"],
            [b, PERSONAL[1], PERSONAL[4], PERSONAL[5], "x", "y", "z",
             "07774", "2008", "2012-11-30", "=HYPERLINK(\"http://x\")", "Kinh"],
            [b, PERSONAL[2], PERSONAL[4], "", "x", "y", "z",
             "07774", "2008", "2013-01-05", "Nữ", "@SUM(A1)"],
            [c, "", "", "", "", "", "", "07774", "2008", "2014-06-01", "X\x1b[31m", "Kinh"],
        ],
    )  # fmt: skip
    _write(
        root / "tai_nan_thuong_tich.csv",
        ["Mã vụ tai nạn", "Mã trẻ em", "Ngày bị tai nạn", "Mã xã xảy ra", "Phiên bản danh mục",
         "Loại tai nạn", "Nơi xảy ra", "Hậu quả"],
        [["I01", UNKNOWN_CHILD, "14/07/2024", "07774", "2008", "8", "Tại nhà", "Bị thương"]],
    )  # fmt: skip
    _write(
        root / "vu_viec_xam_hai.csv",
        ["Mã vụ việc", "Ngày phát hiện", "Mã xã", "Phiên bản danh mục", "Môi trường xâm hại"],
        [["V1", "01/05/2024", "07774", "2008", "GIA_DINH"]],
    )
    _write(
        root / "tre_em_bi_xam_hai.csv",
        ["Mã vụ việc", "Mã trẻ em", "Hình thức xâm hại"],
        [["V1", a, "BL"], ["V1", a, "BL"]],
    )
    _write(
        root / "xu_phat.csv",
        ["Số quyết định", "Ngày quyết định", "Mã xã", "Phiên bản danh mục", "Mã vụ việc",
         "Đối tượng vi phạm", "Mã đối tượng"],
        [["QD1", "01/06/2024", "07774", "2008", VIOLATOR_ID, "CA_NHAN", VIOLATOR_ID]],
    )  # fmt: skip
    _write(
        root / "don_vi_hanh_chinh.csv",
        ["Mã đơn vị", "Phiên bản danh mục", "Tên đơn vị", "Cấp", "Mã tỉnh"],
        [["07774", "2008", "Thị trấn Thắng", "Xã", "24"]],
    )
    (root / NOTES).write_text(f"{PERSONAL[0]},{CHILD_IDS[0]}\n", encoding="utf-8")
    (root / CONTROL_NOTES).write_text("x\n", encoding="utf-8")
    return FOLDER


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _leaks(text: str) -> list[str]:
    """Personal values, unmasked digit runs and raw control characters found in *text*."""
    found = [v for v in PERSONAL if v in text]
    found += re.findall(r"\d{9,}", text)
    found += [v for v in (NAME_HEADER, "Phạm Thu") if v in text]
    return found + re.findall("[\x00-\x08\x0b-\x1f]", text)


def test_the_submission_really_holds_what_must_be_hidden(hostile: str) -> None:
    # the test means something only if the problems that would show these values are there
    report = validate(read_submission(hostile), max_examples=50)
    codes = set(report.errors["code"])
    assert {"duplicate-id", "unknown-child", "duplicate-key", "unknown-case", "unknown-code",
            "unknown-column", "unknown-table"} <= codes  # fmt: skip
    assert report.masked and report.errors["masked"].any()
    assert report.to_dict()["privacy"]["masked"] is True


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_personal_value_in_any_format(
    capsys: pytest.CaptureFixture[str], hostile: str, tmp_path: Path, fmt: str, lang: str
) -> None:
    code, out, err = run(capsys, "validate", hostile, "-f", fmt, "--lang", lang)
    assert code == 1
    assert _leaks(out) == [] and _leaks(err) == []
    target = tmp_path / "out" / f"report.{fmt}"
    code, out, err = run(capsys, "validate", hostile, "-f", fmt, "--lang", lang, "-o", str(target))
    written = target.read_text(encoding="utf-8")
    assert code == 1 and out == ""
    assert _leaks(written) == [] and _leaks(err) == []
    # the masked values are there, and said to be masked
    assert "0792••••••11" in written or "0792••••••22" in written
    note = "được che" if lang == "vi" else "masked"
    assert note in written


def test_the_library_report_holds_no_personal_value(hostile: str) -> None:
    report = validate(read_submission(hostile), max_examples=50)
    for text in (
        report.to_json(),
        report.summary(),
        report.summary(lang="vi"),
        report.errors.to_string(),
        report.counts.to_string(),
        report._repr_html_(),
    ):
        assert _leaks(text) == []
    duplicate = report.errors.loc[report.errors["code"] == "duplicate-id"].iloc[0]
    assert duplicate["value"] == "0792••••••22" and duplicate["masked"]
    assert duplicate["message_en"].endswith("(personal data masked)")
    key = report.errors.loc[report.errors["code"] == "duplicate-key"].iloc[0]
    assert key["value"] == "V1 / 0792••••••11"
    headers = set(report.errors.loc[report.errors["code"] == "unknown-column", "value"])
    assert {"Họ và tên", "Địa chỉ", "Số CCCD", "0382••••••77", "•" * len(NAME_HEADER)} <= headers
    assert "Ghi\\x1bchú" in headers


def test_junit_parses_and_no_field_starts_a_formula(
    capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    _, out, _ = run(capsys, "validate", hostile, "-f", "junit", "--lang", "en")
    root = ET.fromstring(out.encode("utf-8"))
    fields = [v for e in root.iter() for v in e.attrib.values()]
    fields += [e.text for e in root.iter() if e.text and e.text.strip()]
    assert all(not f.startswith(FORMULA_PREFIXES) for f in fields)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == FOLDER
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["masked"] == "true" and "masked" in (props["privacy"] or "")
    texts = "\n".join(fields)
    assert "notes\\x07bell.csv" in texts  # the control character is shown, not written


def test_sarif_is_valid_and_uris_are_percent_encoded(
    capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    _, out, _ = run(capsys, "validate", hostile, "-f", "sarif", "--lang", "en")
    log = json.loads(out)
    validator = jsonschema.Draft4Validator(
        SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    assert [e.message for e in validator.iter_errors(log)] == []
    run0 = log["runs"][0]
    assert run0["properties"]["privacy"]["masked"] is True
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run0["results"]
    }
    for uri in uris:
        assert re.fullmatch(r"[A-Za-z0-9/%!$&'()*+,;=\-._~@]+", uri), uri
        assert "#" not in uri and "?" not in uri and " " not in uri
        # relative to the working directory; a control character is shown as \xNN
        assert Path(unquote(uri)).is_file() or "%5Cx07" in uri, uri
    encoded_folder = "x%C3%A3%20Th%E1%BA%AFng%20%231%2050%25%20%3F"
    assert f"{encoded_folder}/tre_em.csv" in uris
    assert f"{encoded_folder}/ghi%20ch%C3%BA%20%232%20100%25.csv" in uris
    for result in run0["results"]:
        assert not result["message"]["text"].startswith(FORMULA_PREFIXES)
        for value in result["properties"].values():
            assert not str(value).startswith(FORMULA_PREFIXES)


ANNOTATION = re.compile(r"^::(error|warning) (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape_property(text: str) -> str:
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def test_github_annotations_point_at_the_right_file(
    capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    _, out, _ = run(capsys, "validate", hostile, "-f", "github", "--lang", "en")
    found = []
    for line in out.splitlines():
        m = ANNOTATION.match(line)
        if m:
            props = dict(p.split("=", 1) for p in m.group("props").split(","))
            found.append(props)
    assert found
    files = {_unescape_property(p["file"]) for p in found}
    assert f"{FOLDER}/tre_em.csv" in files
    assert f"{FOLDER}/{NOTES}" in files  # the '#' is part of the name, not a sheet
    for props in found:
        assert "%" not in props["file"].replace("%25", "").replace("%2C", "").replace("%3A", "")
    located = [f for f in files if "\\x07" not in f]
    assert all(Path(f).is_file() for f in located), located


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_output_that_cannot_be_written_exits_2_with_a_code(
    capsys: pytest.CaptureFixture[str], hostile: str, tmp_path: Path, fmt: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    for target in (tmp_path, blocker / "report.out"):  # a folder; a folder that is a file
        code, out, err = run(capsys, "validate", hostile, "-f", fmt, "-o", str(target))
        assert code == 2 and out == ""
        assert err.startswith("chitieu: error [cannot-write-output]: ")
        assert err.count("\n") == 1 and _leaks(err) == []
