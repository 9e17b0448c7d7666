"""Record schemas: the registry of tables and the generated reference page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from chitieu.codelists import normalize_text
from chitieu.schemas import TABLES, column_specs, empty_frame
from chitieu.schemas.docs import render_markdown
from chitieu.submission import Submission

ROOT = Path(__file__).resolve().parents[2]


def test_docs_schemas_page_is_generated_from_code() -> None:
    committed = (ROOT / "docs" / "schemas.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: python -m chitieu.schemas.docs > docs/schemas.md"


@pytest.mark.parametrize("table", list(TABLES))
def test_empty_frame_passes_its_own_schema(table: str) -> None:
    frame = empty_frame(table)
    assert list(frame.columns) == list(column_specs(table))
    TABLES[table].model.validate(frame)


@pytest.mark.parametrize("table", list(TABLES))
def test_headers_are_unambiguous_within_a_table(table: str) -> None:
    seen: dict[str, str] = {}
    for spec in column_specs(table).values():
        for header in (spec.name, spec.vi, spec.en, *spec.aliases):
            key = normalize_text(header.replace("_", " "))
            assert seen.setdefault(key, spec.name) == spec.name, (table, header)


def test_table_keys_are_columns() -> None:
    for name, table in TABLES.items():
        assert set(table.key) <= set(column_specs(name)), name


def test_codelist_check_rejects_unknown_codes() -> None:
    frame = empty_frame("children")
    row = {
        "child_id": "C1", "commune_code": "07774", "division_version": "2008",
        "birth_date": pd.Timestamp("2015-01-01"), "sex": "X", "ethnicity": "01",
    }
    frame = pd.concat([frame, pd.DataFrame([row]).astype(
        {k: column_specs("children")[k].dtype for k in row})], ignore_index=True)
    with pytest.raises(pa.errors.SchemaErrors) as info:
        TABLES["children"].model.validate(frame, lazy=True)
    cases = info.value.failure_cases
    assert list(cases["column"]) == ["sex"]
    assert list(cases["failure_case"]) == ["X"]


def test_submission_defaults_are_empty_canonical_frames() -> None:
    sub = Submission()
    assert sub.n_rows == dict.fromkeys(TABLES, 0)
    assert list(sub["injuries"].columns) == list(column_specs("injuries"))
    with pytest.raises(KeyError, match="no table"):
        sub["nope"]
