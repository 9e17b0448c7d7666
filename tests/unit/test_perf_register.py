"""The register finds the children of the event tables the way a lookup by id does.

:class:`chitieu.indicators.stock.Register` packs the child ids of the
register and of every event table into integers once; the positions of a
table's rows (``table_positions``) must be those of the general lookup by
text (``lookup``), whatever the order of the register, with children who
moved (several rows), missing ids and ids not on the register.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chitieu import synth
from chitieu._fast import unique_small
from chitieu.indicators.context import Context
from chitieu.indicators.stock import EVENT_DATE_COLUMNS
from chitieu.submission import Submission


def _submission(*, shuffled: bool, moved: bool) -> Submission:
    sub = synth.generate(n_children=2_000, seed=6, year=2024)
    children = sub.children.copy()
    if moved:  # twenty children with a second, later spell in the same commune
        again = children.iloc[:20].copy()
        children.loc[children.index[:20], "exit_date"] = pd.Timestamp("2024-03-01")
        children.loc[children.index[:20], "exit_reason"] = "MOVED"
        again["entry_date"] = pd.Timestamp("2024-03-01")
        children = pd.concat([children, again], ignore_index=True)
    children.loc[children.index[5], "child_id"] = np.nan
    if shuffled:
        children = children.sample(frac=1, random_state=3).reset_index(drop=True)
    frames = {"children": children}
    supports = sub.supports.copy()
    supports.loc[supports.index[:3], "child_id"] = "NOT-REGISTERED"
    supports.loc[supports.index[3], "child_id"] = np.nan
    frames["supports"] = supports
    return sub.replace(**frames)


@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("moved", [False, True])
def test_table_positions_equal_the_lookup_by_id(shuffled: bool, moved: bool) -> None:
    sub = _submission(shuffled=shuffled, moved=moved)
    ctx = Context(sub, "2024", validation="skip")
    reg = ctx.register
    assert (reg.child is not None) == moved
    checked = 0
    for table, column in EVENT_DATE_COLUMNS.items():
        frame = sub[table]
        if not len(frame) or "child_id" not in frame:
            continue
        if reg._spells is None:
            dates = None
        elif column is None or column not in frame:
            dates = np.full(len(frame), np.datetime64(ctx.period.reference_date, "D"))
        else:
            dates = frame[column]
        expected = reg.lookup(frame["child_id"], dates)
        got = reg.table_positions(table)
        assert got.tolist() == expected.tolist(), table
        checked += 1
    assert checked >= 3
    supports = reg.table_positions("supports")
    assert (supports[:4] == -1).all()  # not on the register, or no id at all
    assert (supports[4:] >= 0).mean() > 0.9


@pytest.mark.parametrize(("low", "high"), [(-50, 3_000), (0, 1), (-(10**9), 10**9)])
def test_unique_small_is_np_unique(low: int, high: int) -> None:
    values = np.random.default_rng(high).integers(low, high, 20_000)
    expected, inverse = np.unique(values, return_inverse=True)
    got, got_inverse = unique_small(values)
    assert got.tolist() == expected.tolist()
    assert got_inverse.tolist() == inverse.reshape(-1).tolist()


@pytest.mark.parametrize("shuffled", [False, True])
def test_lookup_finds_the_first_row_of_each_id(shuffled: bool) -> None:
    sub = _submission(shuffled=shuffled, moved=True)
    reg = Context(sub, "2024", validation="skip").register
    ids = sub.children["child_id"]
    first: dict[str, int] = {}
    for pos, value in enumerate(ids):
        if isinstance(value, str):
            first.setdefault(value, pos)
    asked = pd.concat(
        [ids.iloc[::7], pd.Series(["NOT-REGISTERED", None], dtype="str")], ignore_index=True
    )
    expected = [first.get(v, -1) if isinstance(v, str) else -1 for v in asked]
    assert reg.lookup(asked).tolist() == expected
    assert reg.lookup(asked.astype(object)).tolist() == expected  # not Arrow text
