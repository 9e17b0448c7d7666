"""Round trips: reading what chitieu wrote gives back the same canonical frames."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chitieu import synth
from chitieu.codelists import codes
from chitieu.io.read import read_submission
from chitieu.io.write import write_submission
from chitieu.schemas import MULTI_SEPARATOR, TABLES, ColumnSpec, column_specs
from chitieu.submission import Submission

# Letters people type in names and free text, with digits so that IDs with
# leading zeros ("007") come up.
SAFE_ALPHABET = "0123456789abcdxyzABCĂăÂâĐđÊêÔôƠơƯưàáạảãầấậẩẫèéẹọồốộớợùúụừứựýỳỹ -"

text_values = st.text(SAFE_ALPHABET, min_size=1, max_size=10).filter(
    lambda s: s == s.strip() and s != ""
)


def value_strategy(spec: ColumnSpec) -> st.SearchStrategy[object]:
    if spec.kind == "date":
        strategy: st.SearchStrategy[object] = st.dates(
            pd.Timestamp("1990-01-01").date(), pd.Timestamp("2035-12-31").date()
        ).map(pd.Timestamp)
    elif spec.kind == "boolean":
        strategy = st.booleans()
    elif spec.kind == "integer":
        strategy = st.integers(min_value=0, max_value=10**12)
    elif spec.codelist and spec.multi:
        strategy = st.lists(st.sampled_from(codes(spec.codelist)), min_size=1, max_size=3).map(
            MULTI_SEPARATOR.join
        )
    elif spec.codelist:
        strategy = st.sampled_from(codes(spec.codelist))
    else:
        strategy = text_values
    return st.one_of(st.none(), strategy) if spec.nullable else strategy


@st.composite
def table_frames(draw: st.DrawFn, table: str, max_rows: int = 4) -> pd.DataFrame:
    specs = column_specs(table)
    n = draw(st.integers(min_value=0, max_value=max_rows))
    columns = {
        name: pd.Series(
            draw(st.lists(value_strategy(spec), min_size=n, max_size=n)), dtype=spec.dtype
        )
        for name, spec in specs.items()
    }
    return pd.DataFrame(columns, index=pd.RangeIndex(n))


@st.composite
def submissions(draw: st.DrawFn) -> Submission:
    tables = {table: draw(table_frames(table)) for table in TABLES}
    return Submission(**tables)


def assert_same(back: Submission, sub: Submission) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(
            back.canonical(table).reset_index(drop=True),
            sub.canonical(table).reset_index(drop=True),
            obj=table,
        )


def round_trip(sub: Submission, fmt: str, headers: str = "canonical") -> Submission:
    with tempfile.TemporaryDirectory() as folder:
        write_submission(sub, Path(folder), fmt, headers=headers)  # type: ignore[arg-type]
        back = read_submission(folder)
    assert back.read_issues.empty, back.read_issues.to_dict("records")
    return back


@pytest.mark.slow
@given(sub=submissions(), headers=st.sampled_from(["canonical", "vi"]))
def test_csv_round_trip(sub: Submission, headers: str) -> None:
    assert_same(round_trip(sub, "csv", headers), sub)


@pytest.mark.slow
@given(sub=submissions(), headers=st.sampled_from(["canonical", "vi"]))
def test_parquet_round_trip(sub: Submission, headers: str) -> None:
    assert_same(round_trip(sub, "parquet", headers), sub)


@pytest.mark.slow
@settings(max_examples=10)  # writing and reading workbooks is slow
@given(sub=submissions(), headers=st.sampled_from(["canonical", "vi"]))
def test_xlsx_round_trip(sub: Submission, headers: str) -> None:
    assert_same(round_trip(sub, "xlsx", headers), sub)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
@pytest.mark.parametrize("seed", [1, 2])
def test_synthetic_submission_round_trip(fmt: str, seed: int) -> None:
    sub = synth.generate(n_children=300, seed=seed)
    back = round_trip(sub, fmt)
    assert_same(back, sub)
    # every table the input had is written, even empty: absent is not zero
    assert back.tables_present == tuple(t for t in TABLES if t in sub.tables_present)
    empty = [t for t in sub.tables_present if not len(sub[t])]
    assert all(not len(back[t]) for t in empty)
