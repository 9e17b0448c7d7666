"""The report's per-child arrays stay small, and the shortcuts behind them agree with the long way.

Peak memory of a national report is mostly per-child arrays: the codes of
sex, ethnicity, disability, commune and urban/rural for every child of the
register and again for the stock. They are kept in the smallest integer type
that holds their categories; the tests here would fail if one of them went
back to eight bytes a child, and prove that the shortcuts of the fast path
(ages from a table of days, binary searches in sorted order, communes joined
per distinct pair, positions of abuse victims from the register's codes) give
what the general computations give.
"""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chitieu
from chitieu import synth
from chitieu._fast import distinct_keys, join_keys, search_sorted
from chitieu.indicators.context import Context
from chitieu.indicators.stock import child_events
from chitieu.periods import age_in_years, parse_period

EIGHT = [
    "child_population",
    "special_circumstances",
    "special_circumstances_supported",
    "injury_rate",
    "injury_death_rate",
    "drowning_deaths",
    "consulted_children",
    "abused_children_rate",
]


def test_register_and_stock_codes_take_one_or_two_bytes_a_child() -> None:
    ctx = Context(synth.generate(n_children=3_000, seed=2, year=2024), "2024", validation="skip")
    reg = ctx.register
    for name, codes in reg.codes.items():
        limit = 2 if name == "commune" else 1
        assert codes.dtype.itemsize <= limit, (name, codes.dtype)
        assert codes.dtype.kind == "i"
    stock = reg.stock()
    assert all(arr.dtype.itemsize <= 2 for arr in stock.codes.values())
    assert reg.age.dtype == np.float32
    # the narrow codes still count every child of the stock once
    assert int(np.bincount(stock.codes["sex"]).sum()) == len(reg.stock_index)


@pytest.mark.slow
def test_report_peak_traced_memory_stays_below_its_input() -> None:
    """Peak of the memory Python and numpy allocate for the report of the eight indicators.

    Measured at 100,000 children: 0.70 times the input frames with the narrow
    codes, 1.16 times before them. Arrow's own buffers are not traced.
    """
    sub = synth.generate(n_children=100_000, seed=1, year=2024)
    size = sum(float(frame.memory_usage(deep=True).sum()) for _, frame in sub.tables())
    chitieu.report(
        synth.generate(n_children=500, seed=0, year=2024), period="2024", validation="skip"
    )
    gc.collect()
    tracemalloc.start()
    try:
        chitieu.report(sub, period="2024", indicators=EIGHT, validation="skip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak / size < 0.9, f"peak {peak / 2**20:.1f} MiB for {size / 2**20:.1f} MiB of input"


_days = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31)))


@settings(max_examples=60, deadline=None)
@given(
    births=st.lists(_days, min_size=0, max_size=40),
    ref=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
def test_age_at_one_date_equals_the_age_at_each_row(births: list[date | None], ref: date) -> None:
    birth = pd.Series(pd.to_datetime(pd.Series(births, dtype=object)), dtype="datetime64[us]")
    one = age_in_years(birth, ref)
    each = age_in_years(birth, pd.Series([pd.Timestamp(ref)] * len(birth), dtype="datetime64[us]"))
    np.testing.assert_array_equal(one, each)


@settings(max_examples=60, deadline=None)
@given(
    hay=st.lists(st.integers(-50, 50), max_size=30),
    needles=st.lists(st.integers(-60, 60), max_size=5_000),
    side=st.sampled_from(["left", "right"]),
)
def test_search_sorted_equals_numpy(hay: list[int], needles: list[int], side: str) -> None:
    haystack = np.sort(np.array(hay, dtype=np.int64))
    wanted = np.array(needles, dtype=np.int64)
    # long enough to take the sorting path, and in random order
    tiled = np.tile(wanted, max(1, 5_000 // max(len(wanted), 1)))
    expected = np.searchsorted(haystack, tiled, side="right" if side == "right" else "left")
    np.testing.assert_array_equal(search_sorted(haystack, tiled, side), expected)


@settings(max_examples=60, deadline=None)
@given(
    codes=st.lists(
        st.one_of(st.none(), st.sampled_from(["07774", "07777", "1", "x|y"])), max_size=30
    ),
    versions=st.lists(st.one_of(st.none(), st.sampled_from(["2008", "2025"])), max_size=30),
)
def test_distinct_keys_equal_joining_every_row(
    codes: list[str | None], versions: list[str | None]
) -> None:
    n = min(len(codes), len(versions))
    c = pd.Series(codes[:n], dtype="str")
    v = pd.Series(versions[:n], dtype="str")
    both = c.notna() & v.notna()
    expected = set(join_keys(c[both], v[both]).tolist())
    assert distinct_keys([c, v]) == expected


def test_abuse_victims_found_from_the_register_codes_equal_the_lookup_by_id() -> None:
    sub = synth.generate(n_children=4_000, seed=9, year=2024)
    assert len(sub.abuse_victims) >= 1
    # thirty victims of the first case: register children taken apart, and one not registered
    ids = [*sub.children["child_id"].iloc[::131].head(29).tolist(), "NOT-REGISTERED"]
    victims = pd.concat([sub.abuse_victims.iloc[[0]]] * len(ids), ignore_index=True)
    victims["child_id"] = pd.Series(ids, dtype="str")
    sub = sub.replace(abuse_victims=victims)
    ctx = Context(sub, "2024", validation="skip")
    joined = victims.merge(
        sub.abuse_cases.drop_duplicates("case_id").loc[
            :, ["case_id", "detected_date", "commune_code", "division_version"]
        ],
        on="case_id",
        how="left",
    )
    joined["key"] = joined["case_id"].astype("str") + "|" + joined["child_id"].astype("str")
    kwargs = {"date_column": "detected_date", "id_column": "key"}
    fast = child_events(
        ctx, joined, first_positions=ctx.register.first_positions("abuse_victims"), **kwargs
    )
    slow = child_events(ctx, joined, **kwargs)
    assert fast.n == slow.n > 0
    np.testing.assert_array_equal(fast.key, slow.key)
    assert (fast.key >= ctx.register.n).any()  # the unregistered victim keeps a key of its own


@settings(max_examples=60, deadline=None)
@given(
    moments=st.lists(
        st.one_of(st.none(), st.datetimes(dt.datetime(2022, 1, 1), dt.datetime(2026, 12, 31))),
        max_size=40,
    ),
    label=st.sampled_from(["2024", "2024-Q3", "2024-06", "2023-07-01..2024-06-30"]),
)
def test_period_contains_compares_dates_in_their_own_unit_as_by_days(
    moments: list[dt.datetime | None], label: str
) -> None:
    """``Period.contains`` on a datetime column (no converted copy) equals the day-by-day test."""
    period = parse_period(label)
    column = pd.Series(pd.to_datetime(pd.Series(moments, dtype=object)), dtype="datetime64[us]")
    days = [None if m is None else m.date() for m in moments]
    expected = [d is not None and period.start <= d <= period.end for d in days]
    assert period.contains(column).tolist() == expected
    assert period.contains(column.astype(object)).tolist() == expected  # the general path
