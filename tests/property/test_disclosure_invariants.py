"""Hypothesis invariants of suppression (docs/semantics.md, "Publishing").

Small synthetic reports, suppressed with a random threshold: no published
count lies in 1..k-1, published figures are those of the original report,
and every additive group (a breakdown with its overall row, units with their
parent) holds no hidden cell or at least two, so subtraction recovers none.
The groups are rebuilt here from the table, independently of the module.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu import synth
from chitieu.disclosure import _patterns, suppress, suppress_levels
from chitieu.report import TOTAL, Report, report

INDICATORS = [
    "child_population",
    "special_circumstances",
    "injury_rate",
    "abused_children",
    "abuse_cases",
    "sanction_cases",
]


@st.composite
def reports(draw: st.DrawFn) -> Report:
    sub = synth.generate(
        n_children=draw(st.integers(30, 400)),
        n_communes=draw(st.integers(1, 4)),
        seed=draw(st.integers(0, 10_000)),
    )
    return report(sub, period="2024", indicators=INDICATORS)


def _hidden(original: pd.DataFrame, published: pd.DataFrame, column: str) -> np.ndarray:
    before = original[column].to_numpy(dtype=np.float64)
    after = published[column].to_numpy(dtype=np.float64)
    return ~np.isnan(before) & np.isnan(after)


def _check_within_units(original: pd.DataFrame, published: pd.DataFrame) -> None:
    """Every single-response breakdown with its overall row: 0 or >= 2 hidden cells."""
    unit = ["indicator_id", "period", "level", "unit_code", "division_version"]
    for column in ("numerator", "denominator"):
        hidden = pd.Series(_hidden(original, published, column), index=original.index)
        totals = original.loc[original["breakdown"] == TOTAL, unit].assign(
            _hidden=hidden[original["breakdown"] == TOTAL]
        )
        rows = original.loc[(original["breakdown"] != TOTAL) & ~original["multi_response"]]
        parts = rows.loc[:, [*unit, "breakdown"]].assign(_hidden=hidden[rows.index])
        per_group = parts.groupby([*unit, "breakdown"], sort=False)["_hidden"].sum()
        per_group = per_group.reset_index().merge(
            totals.rename(columns={"_hidden": "_total"}), on=unit, how="left"
        )
        count = per_group["_hidden"] + per_group["_total"].astype(int)
        assert not (count == 1).any(), per_group.loc[count == 1]


def _check_published(original: pd.DataFrame, published: pd.DataFrame, k: int) -> None:
    for column in ("numerator", "denominator", "value"):
        after = published[column].to_numpy(dtype=np.float64)
        before = original[column].to_numpy(dtype=np.float64)
        shown = ~np.isnan(after)
        np.testing.assert_array_equal(after[shown], before[shown])
    ids = published["indicator_id"]
    counts = published["numerator"].where(ids != "sanction_fines")
    assert not counts.between(1, k - 1).any()
    assert not published["denominator"].between(1, k - 1).any()
    hidden = np.isnan(published["value"]) & ~np.isnan(original["value"])
    flagged = published["flags"].str.contains("suppressed", regex=False)
    assert (hidden.to_numpy() <= flagged.to_numpy()).all()


@pytest.mark.slow
@given(rep=reports(), k=st.integers(2, 8))
def test_suppressed_report_is_safe(rep: Report, k: int) -> None:
    before = rep.table.copy()
    published = suppress(rep, k=k)
    pd.testing.assert_frame_equal(rep.table, before)  # input not changed
    assert len(published.table) == len(rep.table)
    _check_published(rep.table, published.table, k)
    _check_within_units(rep.table, published.table)
    assert suppress(rep, k=k).table.equals(published.table)  # deterministic


@pytest.mark.slow
@given(rep=reports(), k=st.integers(2, 8))
def test_levels_protect_units_under_a_parent(rep: Report, k: int) -> None:
    out = suppress_levels(rep, ["commune", "province"], k=k)
    communes, provinces = out["commune"].table, out["province"].table
    original_province = rep.rollup("province").table
    _check_published(rep.table, communes, k)
    _check_published(original_province, provinces, k)
    _check_within_units(rep.table, communes)
    _check_within_units(original_province, provinces)
    parent = rep.hierarchies[rep.division_versions[0]].set_index("commune")["province"]
    cell = [c for c in communes.columns if c not in ("numerator", "denominator", "value")]
    cell = [c for c in cell if c not in ("level", "unit_code", "units_missing", "flags")]
    for column in ("numerator", "denominator"):
        low = communes.loc[:, cell].assign(
            _parent=communes["unit_code"].map(parent).fillna("unknown").to_numpy(),
            _hidden=_hidden(rep.table, communes, column),
        )
        high = provinces.loc[:, cell].assign(
            _parent=provinces["unit_code"].to_numpy(),
            _hidden=_hidden(original_province, provinces, column),
        )
        keys = [*cell, "_parent"]
        both = pd.concat([low, high], ignore_index=True).astype({"_hidden": int})
        count = both.groupby(keys, sort=False, dropna=False)["_hidden"].sum()
        assert not (count == 1).any()


# -- the proof as linear algebra: random hierarchies, every additive relation ---------------
#
# A table of one count (child_population) for random communes under random districts
# under random provinces, with many small counts, published at a random set of levels.
# Every relation the published table satisfies is written as one row of a matrix A
# (A x = 0 over all cells x): in each unit, the overall row minus the rows of each
# single-response breakdown; for each cell, a parent unit minus the units under it.
# A hidden cell is determined by the published cells iff its unit vector lies in the
# row space of A restricted to the hidden cells, i.e. iff every vector of that
# restriction's null space is 0 at the cell.

SEXES = ("M", "F", "U")
AGES = ("0-5", "6-10", "11-15")
LEVEL_SETS = (
    ("commune",),
    ("commune", "district"),
    ("commune", "province"),
    ("commune", "district", "province"),
    ("commune", "district", "province", "national"),
)


@st.composite
def hierarchical_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    rows_h = []
    for p in range(draw(st.integers(1, 2))):
        for d in range(draw(st.integers(1, 3))):
            for _ in range(draw(st.integers(1, 4))):
                rows_h.append(
                    {
                        "division_version": "2008",
                        "commune": f"{len(rows_h) + 1:05d}",
                        "district": f"{p + 1}{d + 1:02d}",
                        "province": f"{p + 1:02d}",
                        "national": "VN",
                    }
                )
    tree = pd.DataFrame(rows_h)
    count = st.one_of(st.integers(0, 3), st.integers(0, 4), st.integers(0, 15))
    cube = {
        c: np.array(draw(st.lists(count, min_size=9, max_size=9)), dtype=float).reshape(3, 3)
        for c in tree["commune"]
    }
    levels = draw(st.sampled_from(LEVEL_SETS))
    rows = []
    for level in levels:
        for code in pd.unique(tree[level]):
            m = sum(cube[c] for c in tree.loc[tree[level] == code, "commune"])
            base = {"level": level, "unit_code": code, "breakdown": "total", "sex": TOTAL}
            base["age_group"] = TOTAL
            rows.append({**base, "numerator": m.sum()})
            rows += [
                {**base, "breakdown": "sex", "sex": s, "numerator": m[i].sum()}
                for i, s in enumerate(SEXES)
            ]
            rows += [
                {**base, "breakdown": "age_group", "age_group": a, "numerator": m[:, j].sum()}
                for j, a in enumerate(AGES)
            ]
    table = pd.DataFrame(rows).assign(
        indicator_id="child_population", period="2024", division_version="2008"
    )
    table = table.assign(
        multi_response=False,
        denominator=np.nan,
        value=table["numerator"],
        units_missing=pd.array([pd.NA] * len(table), dtype="Int64"),
        flags="",
    )
    columns = [
        "indicator_id", "period", "level", "unit_code", "division_version", "breakdown",
        "sex", "age_group", "multi_response", "numerator", "denominator", "value",
        "units_missing", "flags",
    ]  # fmt: skip
    text = [c for c in columns if c not in ("multi_response", "numerator", "denominator", "value")]
    table = table.loc[:, columns].astype({c: "str" for c in text if c != "units_missing"})
    return table, tree, levels


def relations(table: pd.DataFrame, tree: pd.DataFrame, levels: tuple[str, ...]) -> np.ndarray:
    """Every additive relation of the published table, one row of A each (A x = 0)."""
    keys = list(zip(table["level"], table["unit_code"], table["breakdown"], table["sex"],
                    table["age_group"], strict=True))  # fmt: skip
    index = {key: i for i, key in enumerate(keys)}
    equations: list[tuple[int, list[int]]] = []
    for level, code in dict.fromkeys((k[0], k[1]) for k in keys):
        total = index[(level, code, TOTAL, TOTAL, TOTAL)]
        for dim in ("sex", "age_group"):
            parts = [i for k, i in index.items() if k[:2] == (level, code) and k[2] == dim]
            equations.append((total, parts))
    for low, high in itertools.pairwise(levels):
        parent = tree.drop_duplicates(low).set_index(low)[high]
        for key, i in index.items():
            if key[0] == high:
                kids = [j for k, j in index.items() if k[0] == low and k[2:] == key[2:]
                        and parent[k[1]] == key[1]]  # fmt: skip
                equations.append((i, kids))
    a = np.zeros((len(equations), len(table)))
    for row, (whole, parts) in enumerate(equations):
        a[row, whole] = 1.0
        a[row, parts] -= 1.0
    return a


def determined(a: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """For each hidden cell (in table order), whether the published cells determine it."""
    cells = np.flatnonzero(hidden)
    if not len(cells):
        return np.zeros(0, dtype=bool)
    restricted = a[:, cells]
    _, singular, vt = np.linalg.svd(restricted)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:].T
    return np.asarray(np.linalg.norm(null_space, axis=1) < 1e-9, dtype=bool)


def _suppress_tree(
    table: pd.DataFrame, tree: pd.DataFrame, levels: tuple[str, ...], k: int
) -> pd.DataFrame:
    if len(levels) == 1:
        return suppress(table, k=k)
    return suppress(table, k=k, hierarchies={"2008": tree})


@given(data=hierarchical_tables(), k=st.integers(2, 6))
def test_no_hidden_cell_is_determined_by_the_published_table(
    data: tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]], k: int
) -> None:
    table, tree, levels = data
    a = relations(table, tree, levels)
    x = table["numerator"].to_numpy()
    np.testing.assert_allclose(a @ x, 0)  # the relations hold for the true counts
    published = _suppress_tree(table, tree, levels, k)
    hidden = published["numerator"].isna().to_numpy()
    assert not published["numerator"].between(1, k - 1).any()
    np.testing.assert_array_equal(published["numerator"][~hidden], x[~hidden])
    assert not determined(a, hidden).any()


@given(data=hierarchical_tables(), k=st.integers(2, 6))
def test_every_small_count_has_a_valid_shift_pattern(
    data: tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]], k: int
) -> None:
    """The certificate behind the guarantee, checked against the relations built here:
    each small count's pattern lies in hidden cells, keeps every relation (A d = 0),
    has +1 at the count, counts above 0 where it adds and at least k + 1 - x where it
    takes away; and every complementary cell lies on some small count's pattern, so
    none is hidden for nothing."""
    table, tree, levels = data
    a = relations(table, tree, levels)
    hierarchies = None if len(levels) == 1 else {"2008": tree}
    published = _suppress_tree(table, tree, levels, k)
    patterns = _patterns(table, k=k, hierarchies=hierarchies)
    x = table["numerator"].to_numpy()
    hidden = published["numerator"].isna().to_numpy()
    primary = (x >= 1) & (x <= k - 1)
    assert {row for column, row in patterns if column == "numerator"} == set(
        np.flatnonzero(primary)
    )
    used = np.zeros(len(table), dtype=bool)
    for (column, row), cells in patterns.items():
        assert column == "numerator"
        d = np.zeros(len(table))
        for cell, sign in cells:
            d[cell] = sign
        assert d[row] == 1
        np.testing.assert_allclose(a @ d, 0)
        assert hidden[d != 0].all()
        assert (x[d > 0] > 0).all()
        assert (x[d < 0] >= k + 1 - x[row]).all()
        used |= d != 0
    assert not (hidden & ~primary & ~used).any()


@given(data=hierarchical_tables(), k=st.integers(2, 6))
def test_small_counts_keep_a_wide_range_under_what_a_reader_knows(
    data: tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]], k: int
) -> None:
    """A reader knows every published cell, every relation, that hidden cells are at
    least 1 (zeros are shown) and nothing else (one flag for every hidden cell). For
    each small hidden count, the largest value consistent with all that is k or more,
    and above the smallest (linear programming over the hidden cells)."""
    optimize = pytest.importorskip("scipy.optimize")
    table, tree, levels = data
    a = relations(table, tree, levels)
    published = _suppress_tree(table, tree, levels, k)
    assert set(published["flags"]) <= {"", "suppressed"}
    hidden = published["numerator"].isna().to_numpy()
    x = table["numerator"].to_numpy()
    assert (x[hidden] >= 1).all()  # zeros are never hidden: the reader's bound is true
    primary = hidden & (x <= k - 1)
    cells = np.flatnonzero(hidden)
    b = -a[:, ~hidden] @ x[~hidden]
    for j, cell in enumerate(cells):
        if not primary[cell]:
            continue
        c = np.zeros(len(cells))
        c[j] = 1.0
        low = optimize.linprog(c, A_eq=a[:, cells], b_eq=b, bounds=(1, None), method="highs")
        high = optimize.linprog(-c, A_eq=a[:, cells], b_eq=b, bounds=(1, None), method="highs")
        assert low.status == 0, low.message
        assert high.status in (0, 3), high.message  # 3: no upper bound at all
        top = np.inf if high.status == 3 else -high.fun
        assert top >= k - 1e-7, (cell, x[cell], low.fun, top)
        assert top > low.fun + 0.5, (cell, low.fun, top)


@given(data=hierarchical_tables(), k=st.integers(2, 6))
def test_every_hidden_part_could_be_k_or_more_in_each_relation(
    data: tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]], k: int
) -> None:
    """In every relation whose whole is published, n hidden parts each at least 1 leave
    a part at most S - (n - 1), S their sum: that bound is k or more for every part."""
    table, tree, levels = data
    a = relations(table, tree, levels)
    published = _suppress_tree(table, tree, levels, k)
    hidden = published["numerator"].isna().to_numpy()
    x = table["numerator"].to_numpy()
    for equation in a:
        whole = np.flatnonzero(equation > 0)
        parts = np.flatnonzero(equation < 0)
        n = int(hidden[parts].sum())
        if hidden[whole].any() or n == 0:
            continue
        assert n >= 2
        assert x[parts][hidden[parts]].sum() - (n - 1) >= k
