"""``Report.to_file`` picks the format by suffix or name; ``chitieu report --format`` uses it."""

from __future__ import annotations

import hashlib
import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from chitieu import synth
from chitieu.cli import main
from chitieu.export import read_table
from chitieu.export.dhis2 import mapping_template
from chitieu.indicators.examples import tiny_submission
from chitieu.io.write import write_submission
from chitieu.report import Report, report
from chitieu.report.model import REPORT_FORMATS


def _uid(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    alphabet = string.ascii_letters + string.digits
    return "B" + "".join(alphabet[b % len(alphabet)] for b in digest[:10])


def _fill(node: Any, path: str = "") -> Any:
    if isinstance(node, dict):
        return {k: _fill(v, f"{path}.{k}") for k, v in node.items()}
    if isinstance(node, str) and node.startswith("<FILL"):
        return _uid(path)
    return node


@pytest.fixture(scope="module")
def rep() -> Report:
    return report(tiny_submission(), period="2024", indicators=["child_population", "injury_rate"])


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_the_suffix_picks_the_table_format(rep: Report, tmp_path: Path, suffix: str) -> None:
    out = rep.to_file(tmp_path / f"r{suffix}")
    assert out == tmp_path / f"r{suffix}"
    assert read_table(out).equals(rep.table)


def test_html_and_excel_by_suffix(rep: Report, tmp_path: Path) -> None:
    import openpyxl

    html = rep.to_file(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<table" in html and "Dân số trẻ em" in html
    book = openpyxl.load_workbook(rep.to_file(tmp_path / "r.xlsx", lang="en"))
    assert len(book.sheetnames) >= 2


def test_named_formats_write_what_their_own_functions_write(rep: Report, tmp_path: Path) -> None:
    sdmx = rep.to_file(tmp_path / "a.csv", format="sdmx-csv")
    assert sdmx.read_bytes() == rep.to_sdmx_csv(tmp_path / "b.csv").read_bytes()
    mapping = _fill(yaml.safe_load(mapping_template(units=tiny_submission().units)))
    dvs = rep.to_file(tmp_path / "a.json", format="dhis2-json", mapping=mapping)
    direct = rep.to_dhis2(tmp_path / "b.json", mapping=mapping)
    assert json.loads(dvs.read_text()) == json.loads(direct.read_text())
    assert json.loads(dvs.read_text())["dataValues"]


@pytest.mark.parametrize(
    ("name", "options", "match"),
    [
        ("r.txt", {}, "cannot tell the format"),
        ("r", {}, "cannot tell the format"),
        ("r.csv", {"format": "pdf"}, "dhis2-json"),
        ("r.json", {"format": "adx"}, "needs mapping"),
    ],
)
def test_a_format_that_cannot_be_told_is_refused(
    rep: Report, tmp_path: Path, name: str, options: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        rep.to_file(tmp_path / name, **options)
    assert not (tmp_path / name).exists()


def test_every_format_is_listed() -> None:
    assert {"dhis2-json", "dhis2-csv", "adx", "sdmx-csv", "excel", "csv"} <= set(REPORT_FORMATS)


# -- the command line --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sub = synth.generate(n_children=300, seed=5, year=2024)
    return write_submission(sub, tmp_path_factory.mktemp("sub") / "xa", "csv")


@pytest.fixture(scope="module")
def mapping_file(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chitieu.io.read import read_submission

    units = read_submission(folder).units
    path = tmp_path_factory.mktemp("map") / "mapping.yaml"
    path.write_text(
        yaml.safe_dump(_fill(yaml.safe_load(mapping_template(units=units))), allow_unicode=True),
        encoding="utf-8",
    )
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_report_writes_dhis2_adx_and_sdmx_as_the_library_does(
    capsys: pytest.CaptureFixture[str], folder: Path, mapping_file: Path, tmp_path: Path
) -> None:
    from chitieu.io.read import read_submission

    library = report(read_submission(folder), period="2024")
    for fmt, name in [("dhis2-json", "v.json"), ("dhis2-csv", "v.csv"), ("adx", "v.xml")]:
        out = tmp_path / name
        code, _, err = _run(
            capsys, "report", str(folder), "--period", "2024", "--out", str(out),
            "--format", fmt, "--mapping", str(mapping_file), "--lang", "en",
        )  # fmt: skip
        assert code == 0, err
        assert f"wrote {out}" in err
    as_json = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))
    expected = json.loads(
        library.to_dhis2(tmp_path / "lib.json", mapping=mapping_file).read_text(encoding="utf-8")
    )
    assert as_json == expected
    lines = (tmp_path / "v.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(as_json["dataValues"]) + 1
    assert (tmp_path / "v.xml").read_text(encoding="utf-8").count("<dataValue ") == len(lines) - 1
    out = tmp_path / "s.csv"
    code, _, err = _run(
        capsys, "report", str(folder), "--period", "2024", "--out", str(out),
        "--format", "sdmx-csv",
    )  # fmt: skip
    assert code == 0, err
    assert out.read_bytes() == library.to_sdmx_csv(tmp_path / "lib.csv").read_bytes()


@pytest.mark.parametrize(
    ("extra", "code_text"),
    [
        (["--format", "dhis2-json"], "needs --mapping"),
        (["--mapping", "m.yaml"], "--mapping is for"),
        (["--format", "sdmx-csv", "--skip-unmapped"], "--skip-unmapped is for"),
    ],
)
def test_dhis2_options_that_do_not_fit_are_usage_errors(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    tmp_path: Path,
    extra: list[str],
    code_text: str,
) -> None:
    code, _, err = _run(
        capsys, "report", str(folder), "--period", "2024", "--out", str(tmp_path / "x.json"), *extra,
        "--lang", "en",
    )  # fmt: skip
    assert code == 2
    assert "chitieu: error [usage]:" in err and code_text in err
    assert not (tmp_path / "x.json").exists()


@pytest.mark.slow
def test_report_refuses_an_unmapped_unit_or_skips_it_when_asked(
    capsys: pytest.CaptureFixture[str], folder: Path, mapping_file: Path, tmp_path: Path
) -> None:
    data = yaml.safe_load(mapping_file.read_text(encoding="utf-8"))
    data["org_units"]["2008"].pop("07200")
    partial = tmp_path / "partial.yaml"
    partial.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    args = ["report", str(folder), "--period", "2024", "--format", "dhis2-json",
            "--mapping", str(partial), "--lang", "en"]  # fmt: skip
    code, _, err = _run(capsys, *args, "--out", str(tmp_path / "a.json"))
    assert code == 2
    assert "chitieu: error [dhis2-unmapped]:" in err and "2008:07200" in err
    code, _, err = _run(capsys, *args, "--out", str(tmp_path / "b.json"), "--skip-unmapped")
    assert code == 0
    assert "2008:07200" in err and "left out" in err
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["dataValues"] == []
