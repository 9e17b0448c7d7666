"""``chitieu plan check`` and ``chitieu report --plan FILE`` with the workbook's plan sheet."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from chitieu.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "thi-tran-thang-2024"
EXAMPLE_PLAN = ROOT / "examples" / "plans" / "thi-tran-thang-2024.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_plan(path: Path, targets: list[dict[str, Any]]) -> Path:
    content = {
        "name_vi": "Kế hoạch công tác trẻ em năm 2024",
        "period": "2024",
        "unit": {"code": "07840", "division_version": "2008"},
        "targets": targets,
    }
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


# -- plan check ------------------------------------------------------------------------------
def test_plan_check_prints_every_target_of_a_valid_plan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "plan", "check", str(EXAMPLE_PLAN), "--lang", "en")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)"
    assert "Thị trấn Thắng (code 07840, 2008 division), period 2024" in lines[1]
    targets = [line for line in lines if re.match(r"^ ?\d{1,2}  ", line)]
    assert len(targets) == 18
    assert "drowning_deaths" in targets[6] and "decrease" in targets[6]
    assert "< 3 per_1000" in targets[4]
    assert lines[-1] == "18 targets, valid"


def test_plan_check_takes_a_known_plans_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "check", "thi-tran-thang-2024")
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "18 chỉ tiêu, hợp lệ"


def test_plan_check_reports_each_problem_with_its_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_plan(
        tmp_path / "ke-hoach.yaml",
        [
            {"indicator": "injury_rat", "comparison": "<", "threshold": 3, "unit": "per_1000",
             "wording_vi": "dưới 3/1.000", "section": "4.1"},
            {"indicator": "injury_rate", "comparison": "<", "threshold": 3, "unit": "percent",
             "wording_vi": "dưới 3%"},
            {"indicator": "special_circumstances", "comparison": "<", "threshold": 200,
             "unit": "percent", "wording_vi": "dưới 200%"},
            {"indicator": "special_circumstances", "comparison": "<<", "threshold": 2,
             "unit": "percent", "wording_vi": "dưới 2%"},
        ],
    )  # fmt: skip
    code, out, err = run(capsys, "plan", "check", str(path), "--lang", "en")
    assert code == 2
    lines = err.splitlines()
    assert [line.split("]")[0] for line in lines] == [
        "chitieu: error [unknown-indicator",
        "chitieu: error [plan-unit-mismatch",
        "chitieu: error [threshold-out-of-range",
        "chitieu: error [invalid-plan",
    ]
    assert "ke-hoach.yaml: target 1 (section 4.1, 'dưới 3/1.000')" in lines[0]
    assert "closest: injury_rate" in lines[0]
    assert "target 3 ('dưới 200%')" in lines[2]
    assert out.splitlines()[-1] == "4 targets, 4 problems"
    code, _, err_vi = run(capsys, "plan", "check", str(path))
    assert code == 2 and "chỉ tiêu 1 (mục 4.1" in err_vi


def test_plan_check_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "plan", "check", str(EXAMPLE_PLAN), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["valid"] is True and document["problems"] == []
    assert document["plan"]["unit_code"] == "07840" and len(document["targets"]) == 18
    assert document["targets"][6]["threshold"] is None
    path = write_plan(
        tmp_path / "p.yaml",
        [{"indicator": "injury_rate", "comparison": "<", "threshold": -3, "unit": "per_1000",
          "wording_vi": "x"}],
    )  # fmt: skip
    code, out, _ = run(capsys, "plan", "check", str(path), "--format", "json")
    document = json.loads(out)
    assert code == 2 and document["valid"] is False and document["plan"] is None
    assert [p["code"] for p in document["problems"]] == ["threshold-out-of-range"]
    assert document["problems"][0]["position"] == 1


def test_plan_check_of_a_missing_or_unreadable_file_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "plan", "check", str(tmp_path / "none.yaml"))
    assert code == 2 and out == "" and err.startswith("chitieu: error [unknown-plan]: ")
    broken = tmp_path / "broken.yaml"
    broken.write_text("targets: [\n", encoding="utf-8")
    code, out, err = run(capsys, "plan", "check", str(broken))
    assert code == 2 and out == "" and err.startswith("chitieu: error [unreadable-input]: ")


# -- report --plan FILE ---------------------------------------------------------------------------
@pytest.mark.slow
def test_report_with_the_example_plan_writes_a_plan_sheet_with_every_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The issue's test: every target of the seed plan, each evaluated or no data with its reason."""
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("xlsxwriter")
    out_file = tmp_path / "report.xlsx"
    code, _, err = run(
        capsys, "report", str(EXAMPLE), "--period", "2024", "--plan", str(EXAMPLE_PLAN),
        "--out", str(out_file), "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    book = openpyxl.load_workbook(out_file, read_only=True)
    assert "Plan" in book.sheetnames
    rows = [r for r in book["Plan"].values if isinstance(r[0], int)]
    book.close()
    assert len(rows) == 18
    from chitieu.plans import get_plan

    plan = get_plan("thi-tran-thang-2024")
    assert [r[3] for r in rows] == [t.indicator_id for t in plan.targets]
    assert [r[2] for r in rows] == [t.text_en for t in plan.targets]
    for row in rows:
        status = str(row[13])
        assert status in ("✔ met", "✘ not met", "? no data"), row
        if status == "? no data":
            assert row[14], f"target {row[0]} has no data and no reason"
        else:
            assert row[9] is not None and row[10] is not None  # value and numerator


@pytest.mark.slow
def test_report_with_a_plan_file_writes_the_attainment_in_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "r.json"
    code, _, err = run(
        capsys, "report", str(EXAMPLE), "-p", "2024", "--plan", str(EXAMPLE_PLAN),
        "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    meta = json.loads(out_file.read_text(encoding="utf-8"))["metadata"]
    attainment = meta["attainment"]
    assert len(attainment) == 18
    assert {r["status"] for r in attainment} <= {"met", "not met", "no data"}
    injury = next(r for r in attainment if r["indicator_id"] == "injury_rate")
    assert injury["unit"] == "per_1000" and injury["target"] == 3.0
    assert injury["gap"] == pytest.approx(injury["value"] - 3.0)
    assert any(n.startswith("Kế hoạch:") for n in meta["notes"])


@pytest.mark.slow
def test_report_with_a_plan_for_publication_keeps_only_the_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "cong-bo.json"
    code, _, err = run(
        capsys, "report", str(EXAMPLE), "-p", "2024", "--plan", "thi-tran-thang-2024",
        "--out", str(out_file), "--publish",
    )  # fmt: skip
    assert code == 0, err
    attainment = json.loads(out_file.read_text(encoding="utf-8"))["metadata"]["attainment"]
    assert len(attainment) == 18
    for record in attainment:
        assert record["numerator"] is None and record["denominator"] is None
        assert record["value"] is None and record["gap"] is None
    assert any(r["status"] != "no data" for r in attainment)


@pytest.mark.slow
@pytest.mark.parametrize("margin", [-10.0, 10.0])
def test_report_compares_a_target_per_100000_in_its_own_unit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, margin: float
) -> None:
    from chitieu import compute, read_submission

    rate = compute("injury_rate", read_submission(EXAMPLE), period="2024")["value"].item()
    threshold = round(rate * 100 + margin)  # the same rate per 100,000, moved by the margin
    path = write_plan(
        tmp_path / "p.yaml",
        [{"indicator": "injury_rate", "comparison": "<", "threshold": threshold,
          "unit": "per_100000", "wording_vi": "dưới ... /100.000 trẻ em"}],
    )  # fmt: skip
    code, out, err = run(
        capsys, "report", str(EXAMPLE), "-p", "2024", "--plan", str(path), "--lang", "en"
    )
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("Child injury rate "))
    assert f"< {threshold:,} per 100,000" in line
    assert line.rstrip().endswith("not met" if margin < 0 else " met")


@pytest.mark.slow
def test_the_demo_workbook_has_the_example_plans_sheet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("xlsxwriter")
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path), "--children", "1500",
                       "--communes", "1", "--lang", "en")  # fmt: skip
    assert code == 0
    assert "plan target" in out
    book = openpyxl.load_workbook(tmp_path / "bao-cao-2024.xlsx", read_only=True)
    rows = [r for r in book["Plan"].values if isinstance(r[0], int)]
    book.close()
    assert len(rows) == 18
    assert all(str(r[13]).split(" ", 1)[1] in ("met", "not met", "no data") for r in rows)


@pytest.mark.slow
def test_report_with_a_plan_as_html_has_the_attainment_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "bao-cao.html"
    code, _, err = run(
        capsys, "report", str(EXAMPLE), "-p", "2024", "--plan", str(EXAMPLE_PLAN),
        "--out", str(out_file), "--format", "html",
    )  # fmt: skip
    assert code == 0, err
    page = out_file.read_text(encoding="utf-8")
    section = page.split("chitieu-attainment", 1)[1]
    statuses = re.findall(r"data-status='([a-z ]+)'", section)
    assert len(statuses) == 18 and set(statuses) <= {"met", "not met", "no data"}
    code, _, _ = run(
        capsys, "report", str(EXAMPLE), "-p", "2024", "--out", str(tmp_path / "p.html"),
        "--format", "html",
    )  # fmt: skip
    assert code == 0
    assert "chitieu-attainment" not in (tmp_path / "p.html").read_text(encoding="utf-8")
