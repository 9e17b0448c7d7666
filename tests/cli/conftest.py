"""Fixtures of the command-line tests: submissions with known mistakes, and a valid one."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from chitieu import synth
from chitieu.io.write import write_submission

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Expected:
    """One problem a test submission must produce."""

    code: str
    table: str
    row: int | None
    column: str


def expected(case: str) -> list[Expected]:
    """The problems listed in ``tests/data/<case>/expected.csv``."""
    with (DATA / case / "expected.csv").open(encoding="utf-8") as f:
        return [
            Expected(r["code"], r["table"], int(r["row"]) if r["row"] else None, r["column"])
            for r in csv.DictReader(f)
        ]


@pytest.fixture
def invalid_folder(monkeypatch: pytest.MonkeyPatch) -> str:
    """A folder of CSV files with 8 planted errors, given relative to the working directory."""
    monkeypatch.chdir(DATA.parent.parent)
    return "tests/data/invalid-vi-headers/submission"


@pytest.fixture
def invalid_workbook(monkeypatch: pytest.MonkeyPatch) -> str:
    """One workbook whose sheets are the tables, with planted mistakes."""
    monkeypatch.chdir(DATA.parent.parent)
    return "tests/data/invalid-xlsx-title/submission/bo_du_lieu_2024.xlsx"


@pytest.fixture(scope="session")
def valid_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small valid synthetic commune written as Vietnamese CSV files."""
    sub = synth.generate(n_children=300, seed=5, year=2024)
    return write_submission(sub, tmp_path_factory.mktemp("valid") / "xa", "csv", headers="vi")
