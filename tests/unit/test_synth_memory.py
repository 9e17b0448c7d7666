"""Memory of synthetic generation: 25 million children must fit on a 24 GB machine.

The peak of :func:`chitieu.synth.generate` is measured against the size of
what it returns, at 200,000 children, in a fresh process (so that Arrow's
memory pool reports this run's peak only):

- ``tracemalloc`` traces NumPy's buffers and every Python object; before
  the register and the event tables were kept as integer codes, columns of
  Python strings took its peak to 2.2 times the output, now 0.9;
- Arrow's pool holds the string columns; its peak was 1.1 times the output
  when ids and codes went through Python strings and pandas' conversion,
  now 0.6.

The bounds leave a wide margin over today's figures and still fail the
former code. The helpers that make this possible (and the faster birthdays
and dates) are checked against the plain pandas, Arrow and NumPy ways they
replace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from chitieu import synth

#: Peak of traced allocations (NumPy, Python objects) over the bytes of the output.
TRACED_PEAK_BOUND = 1.3
#: Peak of Arrow's memory pool over the bytes of the output.
ARROW_PEAK_BOUND = 0.9

_MEASURE = """
import gc, json, tracemalloc
import pyarrow as pa
from chitieu import synth

synth.generate(n_children=100, seed=1, year=2024)  # imports and code-list caches
gc.collect()
pool = pa.default_memory_pool()
arrow_before = pool.bytes_allocated()
tracemalloc.start()
sub = synth.generate(n_children=200_000, seed=1, year=2024)
_, traced_peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
output = sum(int(frame.memory_usage(deep=True).sum()) for _, frame in sub.tables())
print(json.dumps({
    "traced_peak": traced_peak,
    "arrow_peak": pool.max_memory() - arrow_before,
    "output": output,
    "children": len(sub.children),
}))
"""


@pytest.fixture(scope="module")
def measured() -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env=env,
    )
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_peak_of_numpy_and_python_allocations_stays_under_the_output(
    measured: dict[str, int],
) -> None:
    assert measured["children"] == 200_000
    ratio = measured["traced_peak"] / measured["output"]
    assert ratio < TRACED_PEAK_BOUND, (
        f"traced peak {measured['traced_peak'] / 2**20:.1f} MiB is {ratio:.2f} times "
        f"the output ({measured['output'] / 2**20:.1f} MiB)"
    )


@pytest.mark.slow
def test_peak_of_arrow_allocations_stays_under_the_output(measured: dict[str, int]) -> None:
    ratio = measured["arrow_peak"] / measured["output"]
    assert 0 < ratio < ARROW_PEAK_BOUND, (
        f"Arrow peak {measured['arrow_peak'] / 2**20:.1f} MiB is {ratio:.2f} times "
        f"the output ({measured['output'] / 2**20:.1f} MiB)"
    )


def test_output_is_about_156_bytes_a_child(measured: dict[str, int]) -> None:
    # the children's frame dominates; a column stored twice or as Python objects shows here
    per_child = measured["output"] / measured["children"]
    assert 120 < per_child < 190, per_child


# -- the helpers behind it -------------------------------------------------------------------
def test_text_columns_without_missing_values_carry_no_validity_bitmap() -> None:
    sub = synth.generate(n_children=3000, seed=2, year=2024)
    children = sub.children
    for column in ("child_id", "commune_code", "sex", "ethnicity", "disability"):
        chunks = children[column].array._pa_array.chunks  # type: ignore[attr-defined]
        if children[column].isna().any():
            continue
        assert all(chunk.buffers()[0] is None for chunk in chunks), column
    assert children["exit_reason"].isna().any()  # the nulls are there where they belong


@pytest.mark.parametrize(("prefix", "width"), [("C", 7), ("I2024", 5), ("", 4), ("HĐ-", 3)])
def test_ids_are_the_padded_numbers_arrow_would_write(prefix: str, width: int) -> None:
    rng = np.random.default_rng(width)
    numbers = np.concatenate([[0, 1, 10**width - 1], rng.integers(0, 10**width, size=500)])
    expected = pc.binary_join_element_wise(
        prefix, pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0"), ""
    ).to_pylist()
    got = synth._ids(prefix, numbers, width)
    got.validate(full=True)
    assert got.to_pylist() == expected
    assert got.type == pa.large_string() and got.null_count == 0


def test_ids_wider_than_their_width_are_not_cut() -> None:
    assert synth._ids("X", np.array([5, 123456]), 3).to_pylist() == ["X005", "X123456"]
    assert len(synth._ids("C", np.zeros(0, dtype=np.int64), 7)) == 0


def test_labels_are_the_keys_of_the_codes_with_nulls() -> None:
    codes = np.array([2, 0, -1, 1, 2], dtype=np.int8)
    present = np.array([True, True, True, False, True])
    got = synth._labels(("a", "bb", "ccc"), codes, present)
    assert got.to_pylist() == ["ccc", "a", None, None, "ccc"]
    assert synth._labels(("a",), np.zeros(3, dtype=np.int8)).buffers()[0] is None


@pytest.mark.parametrize("unique", [True, False])
def test_child_events_match_a_pandas_sort_of_the_same_rows(unique: bool) -> None:
    reg_ids = synth._ids("C", np.arange(1, 201), 7)

    class _Reg:
        ids = reg_ids

    rng = np.random.default_rng(3)
    size = 2000
    rows = rng.integers(0, 200, size=size)
    days = rng.integers(19_700, 19_710, size=size)
    keys = ("SURVEY", "CLUB", "FORUM", "MEDIA")  # not in sorted order
    codes = rng.integers(0, len(keys), size=size).astype(np.int8)
    got = synth._child_events(
        "consultations",
        _Reg(),  # type: ignore[arg-type]
        rows,
        days,
        keys,
        codes,
        unique=unique,
    )
    frame = pd.DataFrame(
        {
            "child_id": pd.array(pc.take(reg_ids, pa.array(rows)), dtype="str"),
            "consultation_date": pd.Series(days.astype("datetime64[D]").astype("datetime64[us]")),
            "form": pd.Series(np.array(keys)[codes], dtype="str"),
        }
    )
    if unique:
        frame = frame.drop_duplicates(["child_id", "consultation_date", "form"])
    expected = frame.sort_values(
        ["consultation_date", "child_id", "form"], kind="stable", ignore_index=True
    )
    pd.testing.assert_frame_equal(got, expected)
    assert len(got) < size if unique else len(got) == size


def _anniversary_by_numpy(days: np.ndarray, years: int) -> np.ndarray:
    """The *years*-th birthday through NumPy's calendar units (the former implementation)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    month_of_year = month - d.astype("datetime64[Y]").astype("datetime64[M]")
    day_of_month = d - month.astype("datetime64[D]")
    target = (d.astype("datetime64[Y]") + years).astype("datetime64[M]") + month_of_year
    out: np.ndarray = (target.astype("datetime64[D]") + day_of_month).astype(np.int64)
    return out


@pytest.mark.parametrize("years", [-16, -1, 1, 4, 7, 16, 100, 400])
def test_birthdays_by_integer_arithmetic_match_the_calendar(years: int) -> None:
    days = np.arange(-150_000, 150_000, dtype=np.int64)  # 1559 to 2380, every day
    got = synth._anniversary(days, years)
    np.testing.assert_array_equal(got, _anniversary_by_numpy(days, years))
    leap_day = np.array(["2008-02-29"], dtype="datetime64[D]").astype(np.int64)
    one_year_on = synth._anniversary(leap_day, 1).astype("datetime64[D]")
    assert str(one_year_on[0]) == "2009-03-01"


def test_dates_are_midnights_in_microseconds() -> None:
    days = np.arange(-40_000, 40_000, 7, dtype=np.int32)
    present = days % 3 != 0
    got = synth._dates(days, present)
    expected = days.astype(np.int64).astype("datetime64[D]").astype("datetime64[us]")
    expected[~present] = np.datetime64("NaT")
    assert got.dtype == np.dtype("datetime64[us]")
    np.testing.assert_array_equal(got, expected)
    assert np.isnat(got[~present]).all() and not np.isnat(got[present]).any()
