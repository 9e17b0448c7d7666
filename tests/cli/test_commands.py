"""``chitieu report``, ``demo``, ``indicators`` and ``schema export``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from chitieu.cli import main
from chitieu.cli._keyfigures import KEY_INDICATORS
from chitieu.indicators import get_indicator, list_indicators


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- indicators ------------------------------------------------------------------------
def test_indicators_json_is_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "indicators", "--format", "json")
    data = json.loads(out)
    registry = list_indicators()
    assert code == 0
    assert [d["id"] for d in data] == registry["id"].tolist()
    by_id = {d["id"]: d for d in data}
    assert by_id["abused_children"]["confidence"] == "high"
    assert by_id["abused_children"]["code_confirmed"] is True
    assert by_id["abuse_cases"]["code"] is None  # an unknown code is null, never NaN


def test_indicators_csv_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "indicators", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert len(rows) == len(list_indicators())
    assert {"id", "code", "code_confirmed", "confidence", "name_vi", "name_en"} <= set(rows[0])


@pytest.mark.parametrize(
    ("lang", "header", "name_field"),
    [("vi", "độ tin cậy", "name_vi"), ("en", "confidence", "name_en")],
)
def test_indicators_table_shows_confidence(
    capsys: pytest.CaptureFixture[str], lang: str, header: str, name_field: str
) -> None:
    code, out, _ = run(capsys, "indicators", "--lang", lang)
    lines = out.splitlines()
    assert code == 0
    assert header in lines[0]
    assert len(lines) == 2 + len(list_indicators())
    row = next(line for line in lines if line.startswith("injury_rate "))
    meta = get_indicator("injury_rate")
    assert meta.confidence in row.split()
    assert getattr(meta, name_field) in row


# -- schema export ---------------------------------------------------------------------
def test_schema_export_writes_every_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from chitieu.schemas import TABLES

    code, out, _ = run(capsys, "schema", "export", "--out", str(tmp_path / "s"))
    written = [Path(line) for line in out.splitlines()]
    assert code == 0
    assert {p.name for p in written} >= {f"{t}.schema.json" for t in TABLES}
    assert all(p.is_file() for p in written)
    children = json.loads((tmp_path / "s" / "children.schema.json").read_text(encoding="utf-8"))
    assert "child_id" in [f["name"] for f in children["fields"]]


def test_schema_without_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert code == 2 and out == ""
    assert "schema export" in err and len(err.strip().splitlines()) == 1


# -- report ----------------------------------------------------------------------------
def test_report_stops_on_errors_with_the_summary(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, tmp_path: Path
) -> None:
    target = tmp_path / "r.csv"
    code, out, err = run(
        capsys, "report", invalid_folder, "--period", "2024", "--out", str(target), "--lang", "en"
    )
    assert code == 1
    assert out == ""
    assert "The submission has 8 errors." in err
    assert "--allow-invalid" in err
    assert not target.exists()


def test_report_allow_invalid_leaves_rows_out_and_says_how_many(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, tmp_path: Path
) -> None:
    target = tmp_path / "r.json"
    code, _, err = run(
        capsys,
        "report",
        invalid_folder,
        "--period",
        "2024",
        "--out",
        str(target),
        "--allow-invalid",
        "--lang",
        "en",
    )
    assert code == 0
    assert "left out 8 rows with errors (children 5, injuries 2, units 1)" in err
    data = json.loads(target.read_text(encoding="utf-8"))
    population = [
        r
        for r in data["table"]
        if r["indicator_id"] == "child_population" and r["breakdown"] == "total"
    ]
    assert [r["numerator"] for r in population] == [3]  # 8 children read, 5 with errors
    assert any("left out 8 rows" in n for n in data["metadata"].get("notes", []))


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_report_writes_the_format_of_the_suffix(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, tmp_path: Path, suffix: str
) -> None:
    from chitieu.export.tables import read_table

    target = tmp_path / f"bao-cao{suffix}"
    code, out, err = run(
        capsys,
        "report",
        str(valid_folder),
        "--period",
        "2024",
        "--out",
        str(target),
        "--indicators",
        "child_population,injury_rate",
    )
    assert code == 0
    assert out == ""
    assert str(target) in err
    table = read_table(target)
    assert set(table["indicator_id"]) == {"child_population", "injury_rate"}


def test_report_excel_has_a_cover(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "bao-cao.xlsx"
    code, _, _ = run(capsys, "report", str(valid_folder), "-p", "2024-H1", "--out", str(target))
    assert code == 0
    book = openpyxl.load_workbook(target, read_only=True)
    assert len(book.sheetnames) >= 2
    cover = book[book.sheetnames[0]]
    texts = [str(c.value) for row in cover.iter_rows(max_row=15) for c in row if c.value]
    assert any("2024-H1" in t for t in texts)


def test_report_without_out_prints_the_key_indicators(
    capsys: pytest.CaptureFixture[str], valid_folder: Path
) -> None:
    from chitieu import compute, read_submission

    code, out, err = run(capsys, "report", str(valid_folder), "--period", "2024", "--lang", "en")
    assert code == 0
    assert err == ""
    population = compute("child_population", read_submission(valid_folder), period="2024")
    expected = f"{int(population['numerator'].iloc[0]):,} children"
    line = next(x for x in out.splitlines() if x.startswith("Child population"))
    assert expected in line
    for indicator_id in KEY_INDICATORS:
        assert get_indicator(indicator_id).name_en in out


def test_report_excel_needs_its_libraries(
    capsys: pytest.CaptureFixture[str],
    valid_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chitieu.cli.report as cli_report

    monkeypatch.setattr(cli_report, "excel_available", lambda: False)
    code, _, err = run(
        capsys, "report", str(valid_folder), "-p", "2024", "--out", str(tmp_path / "x.xlsx")
    )
    assert code == 2
    assert "chitieu[excel]" in err and len(err.strip().splitlines()) == 1


# -- demo --------------------------------------------------------------------------------
def test_demo_writes_data_and_workbook_and_prints_key_figures(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("openpyxl")
    out_dir = tmp_path / "demo"
    code, out, err = run(
        capsys, "demo", "--out", str(out_dir), "--children", "600", "--seed", "2", "--lang", "en"
    )
    assert code == 0
    workbook = out_dir / "bao-cao-2024.xlsx"
    assert workbook.is_file() and workbook.stat().st_size > 0
    assert (out_dir / "du-lieu" / "tre_em.csv").is_file()
    assert "The submission is valid." in out
    assert "Key indicators, period 2024" in out
    assert "plan target" in out and "< 2" in out and ">= 96" in out
    assert f"Report: {workbook}" in out
    assert "chitieu validate" in err  # the next step, on stderr
    # the data the demo wrote validate cleanly from the command line too
    assert main(["validate", str(out_dir / "du-lieu")]) == 0


def test_demo_writes_csv_when_excel_is_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chitieu.cli.report as cli_report

    monkeypatch.setattr(cli_report, "excel_available", lambda: False)
    out_dir = tmp_path / "demo"
    code, out, err = run(capsys, "demo", "--out", str(out_dir), "--children", "300", "--lang", "en")
    assert code == 0
    target = out_dir / "bao-cao-2024.csv"
    assert target.is_file() and not (out_dir / "bao-cao-2024.xlsx").exists()
    assert "no Excel library" in err and "CSV" in err
    table = pd.read_csv(target, dtype=str, encoding="utf-8-sig")
    assert "child_population" in set(table["indicator_id"])
    assert f"Report: {target}" in out


def test_demo_rejects_zero_children(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "demo", "--out", str(tmp_path), "--children", "0")
    assert code == 2
    assert "--children" in err and "Traceback" not in err


def test_report_allow_invalid_note_is_on_the_excel_cover(
    capsys: pytest.CaptureFixture[str], invalid_folder: str, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "bao-cao.xlsx"
    code, _, err = run(
        capsys, "report", invalid_folder, "-p", "2024", "--out", str(target), "--allow-invalid"
    )
    assert code == 0
    assert "đã bỏ 8 dòng có lỗi" in err
    book = openpyxl.load_workbook(target, read_only=True)
    cover = book[book.sheetnames[0]]
    texts = [str(c.value) for row in cover.iter_rows(max_row=40) for c in row if c.value]
    assert "đã bỏ 8 dòng có lỗi (children 5, injuries 2, units 1)" in texts


def test_terminal_gets_progress_on_stderr_and_results_stay_on_stdout(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("rich")
    import chitieu.cli._common as common

    monkeypatch.setattr(common, "_stderr_is_terminal", lambda: True)
    code, out, _ = run(capsys, "validate", str(valid_folder), "-f", "json")
    assert code == 0
    assert json.loads(out)["valid"] is True  # the bar never reaches standard output


def test_rich_table_on_a_terminal_has_every_indicator(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("rich")
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "indicators", "--lang", "en")
    assert code == 0
    assert "─" in out or "━" in out  # drawn by rich
    for indicator_id in list_indicators()["id"]:
        assert indicator_id in out
