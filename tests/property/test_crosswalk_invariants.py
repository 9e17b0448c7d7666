"""Hypothesis invariants of recoding across the 2025 reform (docs/crosswalk.md).

- Totals are preserved: for every indicator, period and cell (breakdown and
  category), the numerators and the denominators summed over all units are
  the same before and after recoding a report, whatever the crosswalk
  (merges, renames, splits with any shares).
- With every share 1 (no split), recoding the report equals reporting the
  recoded submission, for every indicator computed from the records but the
  shares over activities (the largest activity of a commune is not a sum),
  and the urban/rural breakdown left aside (merged communes of both kinds
  have no single kind); see docs/crosswalk.md.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chitieu
from chitieu.crosswalk import Crosswalk, crosswalk_from_rows
from chitieu.report import Report
from chitieu.submission import Submission
from chitieu.units import recode

_CATALOGUE = chitieu.list_indicators()
# Computed from the records, and additive when communes merge: shares over activities
# take the largest activity of a commune, which a merged commune does not inherit as a sum.
RECORD_IDS = [
    i
    for i, source, requires in zip(
        _CATALOGUE["id"], _CATALOGUE["computable_from"], _CATALOGUE["requires"], strict=True
    )
    if source == "records" and "activities" not in str(requires)
]


@functools.cache
def submission() -> Submission:
    return chitieu.synth.generate(n_children=500, n_communes=5, seed=11)


@functools.cache
def commune_report() -> Report:
    return chitieu.report(submission(), period="2024")


def old_communes() -> list[str]:
    units = submission().units
    return sorted(units.loc[units["level"] == "COMMUNE", "unit_code"].astype(str))


@st.composite
def crosswalks(draw: st.DrawFn, *, splits: bool) -> Crosswalk:
    """Each old commune to one of a few new communes, or (with *splits*) to several by share."""
    new_codes = [f"2{i:04d}" for i in range(draw(st.integers(1, 4)))]
    rows: list[tuple[str, str, float] | tuple[str, str]] = []
    for old in old_communes():
        parts = draw(st.integers(1, min(3, len(new_codes)))) if splits else 1
        targets = draw(st.permutations(new_codes))[:parts]
        if parts == 1:
            rows.append((old, targets[0]))
            continue
        weights = draw(st.lists(st.integers(1, 9), min_size=parts, max_size=parts))
        shares = [w / sum(weights) for w in weights]
        for target, share in zip(targets, shares, strict=True):
            rows.append((old, target, share))
    return crosswalk_from_rows(rows)


def cell_totals(table: pd.DataFrame, dims: tuple[str, ...]) -> pd.DataFrame:
    keys = ["indicator_id", "period", "breakdown", *dims, "multi_response"]
    return (
        table.groupby(keys, sort=True, dropna=False)[["numerator", "denominator"]]
        .sum(min_count=1)
        .sort_index()
    )


@pytest.mark.slow
@given(crosswalks(splits=True))
def test_recoding_a_report_preserves_every_total(cw: Crosswalk) -> None:
    rep = commune_report()
    new = recode(rep, cw)
    before = cell_totals(rep.table, rep.dimensions)
    after = cell_totals(new.table, new.dimensions)
    assert before.index.equals(after.index)
    for column in ("numerator", "denominator"):
        np.testing.assert_allclose(
            after[column].to_numpy(dtype=float),
            before[column].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-9,
            equal_nan=True,
        )
    split = bool(cw.splits())
    assert new.table["flags"].str.contains("estimated").any() == split
    assert set(new.table["division_version"]) <= {"2025", "unknown"}


@pytest.mark.slow
@given(crosswalks(splits=False))
def test_with_every_share_one_recoding_commutes_with_reporting(cw: Crosswalk) -> None:
    sub = submission()
    from_counts = recode(chitieu.report(sub, period="2024", indicators=RECORD_IDS), cw).table
    from_records = chitieu.report(recode(sub, cw), period="2024", indicators=RECORD_IDS).table
    a = from_counts.loc[from_counts["breakdown"] != "urban_rural"].reset_index(drop=True)
    b = from_records.loc[from_records["breakdown"] != "urban_rural"].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    # the overall rows, urban/rural included, agree too
    pd.testing.assert_frame_equal(
        from_counts.loc[from_counts["breakdown"] == "total"].reset_index(drop=True),
        from_records.loc[from_records["breakdown"] == "total"].reset_index(drop=True),
    )


@st.composite
def crosswalk_rows(draw: st.DrawFn) -> list[tuple[str, str, float] | tuple[str, str]]:
    """Valid crosswalk rows: whole communes and splits with shares that sum to 1."""
    olds = draw(st.lists(st.integers(0, 99_998), min_size=1, max_size=8, unique=True))
    rows: list[tuple[str, str, float] | tuple[str, str]] = []
    for old in olds:
        news = draw(st.lists(st.integers(0, 99_999), min_size=1, max_size=3, unique=True))
        if len(news) == 1:
            rows.append((f"{old:05d}", f"{news[0]:05d}"))
            continue
        weights = draw(st.lists(st.integers(1, 99), min_size=len(news), max_size=len(news)))
        for new, w in zip(news, weights, strict=True):
            rows.append((f"{old:05d}", f"{new:05d}", w / sum(weights)))
    return rows


@given(crosswalk_rows(), st.sampled_from(["vi", "en"]))
def test_a_crosswalk_reads_back_as_written(rows: list[tuple[str, ...]], lang: str) -> None:
    import tempfile
    from pathlib import Path

    from chitieu.crosswalk import read_crosswalk

    cw = crosswalk_from_rows(rows)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as folder:
        back = read_crosswalk(cw.to_csv(Path(folder) / "cw.csv", lang=lang))
    pd.testing.assert_frame_equal(back.table, cw.table, check_exact=False, rtol=1e-12)
    sums = back.table.groupby("old_commune_code")["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(dtype=float), 1.0, atol=1e-9)


@given(crosswalk_rows(), st.floats(0.05, 0.95))
def test_shares_that_do_not_sum_to_one_are_refused(
    rows: list[tuple[str, ...]], factor: float
) -> None:
    from chitieu.crosswalk import CrosswalkError

    split = [r for r in rows if len(r) == 3]
    if not split:
        rows = [*rows, ("99999", "00000", 0.5), ("99999", "00001", 0.5)]
        split = rows[-2:]
    old = split[0][0]
    scaled = [(r[0], r[1], float(r[2]) * factor) if r[0] == old else r for r in rows]
    with pytest.raises(CrosswalkError) as info:
        crosswalk_from_rows(scaled)  # type: ignore[arg-type]
    assert "crosswalk-shares-not-one" in {c for c, _ in info.value.problems}  # type: ignore[attr-defined]
    assert old in str(info.value)
