"""The vectorised checks agree with the pandera models they are derived from.

``chitieu.validate`` does not run pandera row by row (a million failure rows
would not fit in a bounded report); it runs the same rules itself, from the
schemas' metadata. Here both judge the same messy tables: every cell pandera
rejects for a missing value, an unknown code, a duplicate id or a negative
number is reported by chitieu with the matching code, and nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu.privacy import mask_value
from chitieu.schemas import TABLES, column_specs
from chitieu.submission import Submission
from chitieu.validation import validate

sys.path.insert(0, str(Path(__file__).parent))
from test_validation_codes import TODAY, base

PANDERA_TO_CODE = {
    "not_nullable": "missing-value",
    "field_uniqueness": "duplicate-id",
    "in_codelist": "unknown-code",
    "multi_in_codelist": "unknown-code",
    "greater_than_or_equal_to": "negative-number",
}
COMPARED = set(PANDERA_TO_CODE.values())
N_ROWS = 5


def _ge_columns(table: str) -> list[str]:
    schema = TABLES[table].model.to_schema()
    return [
        name
        for name, col in schema.columns.items()
        if any(c.name == "greater_than_or_equal_to" for c in col.checks)
    ]


def _wide(table: str) -> pd.DataFrame:
    """*table* of the base submission repeated to N_ROWS rows, ids kept unique."""
    frame = base()[table]
    frame = frame.iloc[np.arange(N_ROWS) % len(frame)].reset_index(drop=True)
    for name, spec in column_specs(table).items():
        if spec.unique:
            frame[name] = frame[name] + "-" + pd.Series(range(N_ROWS)).astype(str)
    return frame


Mutation = tuple[str, int, int]  # kind, row, column choice
TABLES_TRIED = ["children", "injuries", "sanctions", "abuse_victims", "circumstances", "units"]


def _mutate(table: str, mutations: list[Mutation]) -> pd.DataFrame:
    frame = _wide(table)
    specs = column_specs(table)
    choices = {
        "none": [n for n, s in specs.items() if not s.nullable],
        "code": [n for n, s in specs.items() if s.codelist],
        "dup": [n for n, s in specs.items() if s.unique],
        "neg": _ge_columns(table),
    }
    for kind, row, pick in mutations:
        columns = choices[kind]
        if not columns:
            continue
        column = columns[pick % len(columns)]
        if kind == "none":
            value: object = None
        elif kind == "code":
            value = "ZZ9" if not specs[column].multi else "BL;ZZ9"
        elif kind == "dup":
            value = frame[column].iloc[(row + 1) % N_ROWS]
        else:
            value = -1
        frame.loc[row, column] = value
    return frame


def _pandera_cells(table: str, frame: pd.DataFrame) -> set[tuple[str, str, object]]:
    """(code, column, row or duplicated value) for every pandera failure we compare."""
    try:
        TABLES[table].model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        out = set()
        for case in exc.failure_cases.itertuples():
            code = PANDERA_TO_CODE.get(str(case.check).split("(")[0])
            if code == "duplicate-id":
                # chitieu shows ids masked (chitieu.privacy): compare them masked
                shown = mask_value(case.failure_case, column=str(case.column), table=table)
                out.add((code, str(case.column), shown))
            elif code is not None:
                out.add((code, str(case.column), int(case.index)))
        return out
    return set()


def _chitieu_cells(table: str, frame: pd.DataFrame) -> set[tuple[str, str, object]]:
    report = validate(Submission(**{table: frame}), today=TODAY, max_examples=1000)
    out = set()
    for p in report:
        if p["table"] != table or p["code"] not in COMPARED:
            continue
        if (table, p["column"], p["code"]) == ("children", "child_id", "duplicate-id"):
            continue  # repeats of a child are chitieu's own rule (spells), not the model's
        where: object = p["value"] if p["code"] == "duplicate-id" else p["row"] - 1
        out.add((p["code"], p["column"], where))
    return out


@pytest.mark.slow
@given(
    table=st.sampled_from(TABLES_TRIED),
    mutations=st.lists(
        st.tuples(
            st.sampled_from(["none", "code", "dup", "neg"]),
            st.integers(0, N_ROWS - 1),
            st.integers(0, 20),
        ),
        max_size=5,
    ),
)
def test_checks_agree_with_the_pandera_model(table: str, mutations: list[Mutation]) -> None:
    frame = _mutate(table, mutations)
    assert _chitieu_cells(table, frame) == _pandera_cells(table, frame)


def test_the_comparison_sees_every_kind_of_failure() -> None:
    frame = _mutate("sanctions", [("none", 0, 0), ("code", 1, 0), ("dup", 2, 0), ("neg", 3, 0)])
    cells = _pandera_cells("sanctions", frame)
    assert {code for code, _, _ in cells} == COMPARED
    assert _chitieu_cells("sanctions", frame) == cells
