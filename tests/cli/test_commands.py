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


# -- report --plan -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def thang_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic commune made under the code of the Thắng plan's commune."""
    from chitieu import synth
    from chitieu.io.write import write_submission
    from chitieu.plans import THANG_2024

    sub = synth.place_in_unit(
        synth.generate(n_children=600, seed=2, year=2024),
        THANG_2024.unit_code,
        division_version=THANG_2024.division_version,
        name=THANG_2024.unit_name,
    )
    return write_submission(sub, tmp_path_factory.mktemp("thang") / "xa", "csv", headers="vi")


def table_line(out: str, name: str) -> str:
    return next(x for x in out.splitlines() if x.startswith(name))


@pytest.mark.parametrize("folder", ["valid", "thang"])
def test_report_without_plan_shows_no_target(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, thang_folder: Path, folder: str
) -> None:
    path = valid_folder if folder == "valid" else thang_folder
    code, out, _ = run(capsys, "report", str(path), "--period", "2024", "--lang", "en")
    assert code == 0
    assert "plan target" not in out and "result" not in out.splitlines()[1]
    assert " met" not in out and "Targets:" not in out
    code, out, _ = run(capsys, "report", str(path), "--period", "2024")
    assert "kế hoạch" not in out and "đạt" not in out


@pytest.mark.slow
def test_report_with_plan_prints_the_targets_of_the_plans_commune(
    capsys: pytest.CaptureFixture[str], thang_folder: Path
) -> None:
    from chitieu import plans, read_submission

    code, out, err = run(
        capsys, "report", str(thang_folder), "-p", "2024", "--plan", "thi-tran-thang-2024",
        "--lang", "en",
    )  # fmt: skip
    assert code == 0 and err == ""
    assert "plan target" in out and "Thị trấn Thắng (code 07840, 2008 division)" in out
    expected = plans.evaluate(plans.THANG_2024, read_submission(thang_folder)).set_index(
        "indicator_id"
    )
    for indicator_id, row in expected.iterrows():
        line = table_line(out, get_indicator(str(indicator_id)).name_en + " ")
        assert line.rstrip().endswith(row["status"]), line
    line = table_line(out, "Number and percentage of children in special circumstances ")
    assert "< 2" in line


def test_report_with_plan_in_vietnamese(
    capsys: pytest.CaptureFixture[str], thang_folder: Path
) -> None:
    code, out, _ = run(
        capsys, "report", str(thang_folder), "-p", "2024", "--plan", "thi-tran-thang-2024"
    )
    assert code == 0
    assert "kế hoạch" in out.splitlines()[1] and "Kế hoạch:" in out
    assert "đạt" in out


@pytest.mark.parametrize(
    ("period", "says"),
    [("2023", "is for 2024, not for 2023"), ("2024-Q3", "part of the period"),
     ("2024-H2", "part of the period")],
)  # fmt: skip
def test_report_plan_of_another_period_is_exit_2(
    capsys: pytest.CaptureFixture[str], thang_folder: Path, period: str, says: str
) -> None:
    code, out, err = run(
        capsys, "report", str(thang_folder), "-p", period, "--plan", "thi-tran-thang-2024"
    )
    assert code == 2 and out == ""
    assert err.startswith("chitieu: error [plan-mismatch]: ")
    assert says in err and len(err.strip().splitlines()) == 1


def test_report_plan_of_another_commune_is_no_data_with_the_reason(
    capsys: pytest.CaptureFixture[str], valid_folder: Path
) -> None:
    code, out, err = run(
        capsys, "report", str(valid_folder), "-p", "2024", "--plan", "thi-tran-thang-2024",
        "--lang", "en",
    )  # fmt: skip
    assert code == 0
    assert "no record of Thị trấn Thắng (code 07840, 2008 division)" in out
    assert "no record of Thị trấn Thắng" in err
    rows = out.split("---\n", 1)[1].split("Targets:")[0].splitlines()
    assert rows and all("no data" in r for r in rows)
    assert not any(r.rstrip().endswith((" met", "not met")) for r in rows)


def test_report_unknown_plan_names_the_known_ones(
    capsys: pytest.CaptureFixture[str], valid_folder: Path
) -> None:
    code, out, err = run(capsys, "report", str(valid_folder), "-p", "2024", "--plan", "thang")
    assert code == 2 and out == ""
    assert err.startswith("chitieu: error [unknown-plan]: ") and "thi-tran-thang-2024" in err


def test_report_plan_from_a_file(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, tmp_path: Path
) -> None:
    from chitieu import read_submission

    units = read_submission(valid_folder).units
    commune = units.loc[units["level"] == "COMMUNE"].iloc[0]
    plan_file = tmp_path / "ke-hoach.yaml"
    plan_file.write_text(
        "name_vi: Kế hoạch năm 2024 của xã\n"
        "name_en: Commune plan 2024\n"
        "period: '2024'\n"
        f"unit_code: '{commune['unit_code']}'\n"
        "division_version: '2008'\n"
        "targets:\n"
        "  - {indicator: child_population, op: '>', value: 1000000}\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "report", str(valid_folder), "-p", "2024", "--plan", str(plan_file), "--lang", "en"
    )
    assert code == 0
    line = table_line(out, "Child population")
    assert "> 1,000,000" in line and line.rstrip().endswith("not met")
    assert "Targets: Commune plan 2024." in out


@pytest.mark.slow
def test_report_out_with_plan_carries_the_attainment(
    capsys: pytest.CaptureFixture[str], thang_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "r.json"
    code, _, _ = run(
        capsys, "report", str(thang_folder), "-p", "2024", "--plan", "thi-tran-thang-2024",
        "--out", str(target), "--lang", "en",
    )  # fmt: skip
    assert code == 0
    notes = json.loads(target.read_text(encoding="utf-8"))["metadata"]["notes"]
    assert any(n.startswith("Plan: 2024 child-affairs plan of Thắng town") for n in notes)
    assert any(n.startswith("injury_rate < 3") for n in notes)
    target2 = tmp_path / "r2.json"
    code, _, _ = run(capsys, "report", str(thang_folder), "-p", "2024", "--out", str(target2))
    assert code == 0
    notes2 = json.loads(target2.read_text(encoding="utf-8"))["metadata"]["notes"]
    assert not any(n.startswith(("Plan:", "Kế hoạch:", "injury_rate <")) for n in notes2)
    # the command validated the data: the report says so, not "not validated"
    assert "validated: no errors" in notes2 and not any("not validated" in n for n in notes2)


def test_report_plan_of_an_absent_commune_says_the_reason_once_in_the_notes(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "r.json"
    code, _, _ = run(
        capsys, "report", str(valid_folder), "-p", "2024", "--plan", "thi-tran-thang-2024",
        "--out", str(target), "--lang", "en",
    )  # fmt: skip
    assert code == 0
    notes = json.loads(target.read_text(encoding="utf-8"))["metadata"]["notes"]
    assert sum("no record of Thị trấn Thắng" in n for n in notes) == 1
    assert "injury_rate < 3, no data" in notes


def test_report_published_with_plan_gives_no_value_in_the_notes(
    capsys: pytest.CaptureFixture[str], thang_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "cong-bo.json"
    code, _, _ = run(
        capsys, "report", str(thang_folder), "-p", "2024", "--plan", "thi-tran-thang-2024",
        "--out", str(target), "--publish", "--lang", "en",
    )  # fmt: skip
    assert code == 0
    notes = json.loads(target.read_text(encoding="utf-8"))["metadata"]["notes"]
    injury = next(n for n in notes if n.startswith("injury_rate < 3"))
    assert injury in ("injury_rate < 3, met", "injury_rate < 3, not met") or "no data" in injury


def test_report_plan_with_rows_left_out_still_says_so(
    capsys: pytest.CaptureFixture[str], invalid_folder: str
) -> None:
    code, out, err = run(
        capsys, "report", invalid_folder, "-p", "2024", "--allow-invalid", "--lang", "en",
        "--plan", "thi-tran-thang-2024",
    )  # fmt: skip
    assert code == 0
    assert "left out 8 rows with errors" in out and "left out 8 rows" in err
    assert "plan target" in out


def test_key_figures_say_no_data_never_zero(
    capsys: pytest.CaptureFixture[str], thang_folder: Path, tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "xa"
    shutil.copytree(thang_folder, folder)
    (folder / "tai_nan_thuong_tich.csv").unlink()
    code, out, _ = run(
        capsys, "report", str(folder), "-p", "2024", "--plan", "thi-tran-thang-2024",
        "--lang", "en",
    )  # fmt: skip
    assert code == 0
    line = table_line(out, "Child injury rate")
    assert "no data" in line and "0.00" not in line and " met" not in line
    assert line.rstrip().endswith("no data")
    assert "injury_rate: " in out.split("Notes:")[1]  # the reason
    code, out, _ = run(capsys, "report", str(folder), "-p", "2024")
    line = table_line(out, "Tỷ suất trẻ em bị tai nạn, thương tích ")
    assert "không có số liệu" in line and "0,00" not in line


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
    assert "Key indicators of Thị trấn Thắng (code 07840, 2008 division), period 2024" in out
    assert "plan target" in out and "< 2" in out and ">= 96" in out
    assert "Thị trấn Thắng (code 07840, 2008 division)" in out
    assert "shown as an example" in out and "synthetic" in out
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


@pytest.mark.slow
def test_demo_data_carry_the_plans_unit_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from chitieu import read_submission

    code, _, _ = run(capsys, "demo", "--out", str(tmp_path / "d"), "--children", "300")
    sub = read_submission(tmp_path / "d" / "du-lieu")
    assert code == 0
    assert set(sub.children["commune_code"]) == {"07840"}
    commune = sub.units.loc[sub.units["level"] == "COMMUNE"].iloc[0]
    assert (commune["name"], commune["district_code"]) == ("Thị trấn Thắng", "222")


@pytest.mark.parametrize("extra", [["--year", "2023"], ["--communes", "2"]])
def test_demo_of_another_year_or_several_communes_shows_no_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str]
) -> None:
    pytest.importorskip("openpyxl")
    code, out, _ = run(
        capsys, "demo", "--out", str(tmp_path / "d"), "--children", "300", "--lang", "en", *extra
    )
    assert code == 0
    assert "Key indicators, period" in out
    header = table_line(out, "indicator ")
    assert "plan target" not in header and "result" not in header and " met" not in out
    assert "Targets:" not in out
    assert "No plan targets: the example plan is for one commune" in out


def test_demo_rejects_zero_children(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "demo", "--out", str(tmp_path), "--children", "0")
    assert code == 2
    assert "--children" in err and "Traceback" not in err


@pytest.mark.slow
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


@pytest.mark.slow
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
