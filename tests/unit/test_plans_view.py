"""The attainment table's HTML view, the workbook's plan sheet and the report's metadata."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

import chitieu
from chitieu import plans
from chitieu.plans import (
    Attainment,
    Plan,
    Target,
    attainment_html,
    evaluate,
    for_publication,
    get_plan,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "thi-tran-thang-2024"


@pytest.fixture(scope="module")
def example() -> chitieu.Submission:
    return chitieu.read_submission(EXAMPLE)


@pytest.fixture(scope="module")
def result(example: chitieu.Submission) -> pd.DataFrame:
    return evaluate(get_plan("thi-tran-thang-2024"), example)


@pytest.fixture(scope="module")
def report_with_plan(example: chitieu.Submission, result: pd.DataFrame) -> chitieu.Report:
    rep = chitieu.report(example, period="2024", indicators=["injury_rate", "child_population"])
    return rep.with_attainment(result)


def same(cell: object, value: float) -> bool:
    """A cell of the workbook holds *value*, blank for a missing one."""
    return cell is None if math.isnan(value) else cell == value


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1])


# -- HTML ----------------------------------------------------------------------------------
def test_the_html_view_shows_each_status_with_a_symbol_and_a_colour(result: pd.DataFrame) -> None:
    html = Attainment(result)._repr_html_()
    rows = rows_of(html)
    assert len(rows) == len(result) == 18
    for row, status in zip(rows, result["status"], strict=True):
        symbol, background, _ = plans._view.STATUS_STYLE[status]
        assert f"data-status='{status}'" in row
        assert symbol in row and background in row  # never colour alone
    assert {"met", "not met", "no data"} >= set(result["status"])
    counts = Attainment(result).counts()
    assert f"✔ đạt: {counts['met']}" in html and f"? không có số liệu: {counts['no data']}" in html


def test_the_html_view_in_english_and_as_a_file(result: pd.DataFrame, tmp_path: Path) -> None:
    view = Attainment(result, lang="en")
    html = view._repr_html_()
    assert "Reduce the child injury rate to under 3 per 1,000 children." in html
    assert "<th>Result</th>" in html
    path = view.to_html(tmp_path / "ke-hoach.html")
    assert isinstance(path, Path)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and html in page
    assert "Kết quả" in str(view.to_html(lang="vi"))
    with pytest.raises(ValueError, match="lang"):
        Attainment(result, lang="fr")


def test_the_html_view_escapes_the_wording() -> None:
    table = pd.DataFrame(
        {"position": [1], "section": ["1"], "indicator_id": ["injury_rate"],
         "target_vi": ["<script>alert(1)</script>"], "target_en": [""], "op": ["<"],
         "target": [3.0], "unit": ["per_1000"], "value": [float("nan")],
         "numerator": [float("nan")], "denominator": [float("nan")], "gap": [float("nan")],
         "status": ["no data"], "status_vi": ["không có số liệu"], "reason": ["x"],
         "reason_vi": ["x"], "note": ["x"], "note_vi": ["x"], "period": ["2024"]}
    )  # fmt: skip
    html = attainment_html(table)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_report_html_has_the_plan_section(report_with_plan: chitieu.Report) -> None:
    html = report_with_plan._repr_html_()
    assert "chitieu-attainment" in html
    assert "Thị trấn Thắng" in html
    plain = chitieu.report(EXAMPLE, period="2024", indicators=["child_population"])
    assert "chitieu-attainment" not in plain._repr_html_()


# -- JSON --------------------------------------------------------------------------------------
def test_the_json_metadata_carries_the_attainment(
    report_with_plan: chitieu.Report, result: pd.DataFrame
) -> None:
    meta = json.loads(str(report_with_plan.to_json()))["metadata"]
    records = meta["attainment"]
    assert [r["indicator_id"] for r in records] == result["indicator_id"].tolist()
    injury = next(r for r in records if r["indicator_id"] == "injury_rate")
    expected = result.set_index("indicator_id").loc["injury_rate"]
    assert injury["value"] == pytest.approx(expected["value"])
    assert injury["met"] is bool(expected["met"])
    outside = Plan(
        "x", "x", "2024", (Target("full_immunisation_under1", ">=", 97.0, "tiêm chủng"),),
        unit_code="07840", division_version="2008",
    )  # fmt: skip
    external = report_with_plan.with_attainment(evaluate(outside, report_with_plan))
    (no_data,) = json.loads(str(external.to_json()))["metadata"]["attainment"]
    assert no_data["status"] == "no data"
    assert no_data["value"] is None and no_data["met"] is None and no_data["reason"]
    plain = chitieu.report(EXAMPLE, period="2024", indicators=["child_population"])
    assert "attainment" not in json.loads(str(plain.to_json()))["metadata"]


def test_for_publication_keeps_the_results_without_the_figures(result: pd.DataFrame) -> None:
    published = for_publication(result)
    assert published["status"].tolist() == result["status"].tolist()
    for column in ("value", "numerator", "denominator", "previous_value", "gap"):
        assert published[column].isna().all()
    assert result["numerator"].notna().any()  # the original is untouched
    assert published.attrs["figures_hidden"] is True
    assert "Bản công bố" in attainment_html(published)


# -- the workbook ----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_workbook_has_a_plan_sheet_with_every_target(
    report_with_plan: chitieu.Report, result: pd.DataFrame, tmp_path: Path, lang: str
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("xlsxwriter")
    from chitieu.export.excel_plan import PLAN_SHEET

    path = report_with_plan.to_excel(tmp_path / "r.xlsx", lang=lang)
    book = openpyxl.load_workbook(path, read_only=True)
    name = PLAN_SHEET[0] if lang == "vi" else PLAN_SHEET[1]
    assert name in book.sheetnames
    rows = [r for r in book[name].values if isinstance(r[0], int)]
    book.close()
    assert [r[0] for r in rows] == list(range(1, 19))
    assert [r[3] for r in rows] == result["indicator_id"].tolist()
    for row, record in zip(rows, result.to_dict("records"), strict=True):
        status = row[13]
        symbol = plans._view.STATUS_STYLE[record["status"]][0]
        shown = plans.STATUSES[record["status"]] if lang == "vi" else record["status"]
        assert status == f"{symbol} {shown}"
        if record["status"] == "no data":
            assert row[14], "a target without data says why"
            assert row[9] is None  # never a 0 for no data
        else:
            assert row[9] == pytest.approx(record["value"])
            assert row[10] == record["numerator"]
            assert same(row[11], record["denominator"])  # a count has no denominator
    plain = chitieu.report(EXAMPLE, period="2024", indicators=["child_population"])
    other = openpyxl.load_workbook(plain.to_excel(tmp_path / "p.xlsx"), read_only=True)
    names = other.sheetnames
    other.close()
    assert PLAN_SHEET[0] not in names and PLAN_SHEET[1] not in names
