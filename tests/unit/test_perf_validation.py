"""The fast paths of validation give what the plain pandas operations give.

Child ids packed into integers (``encode_ids``), commune keys joined once per
distinct pair (``keys_isin``), anniversaries from a table of days
(``_add_years``): each is compared with the straightforward pandas
computation it replaces, on ids and dates that hit every branch (missing
values, several lengths, long texts, object columns, a register sorted by id
and one that is not).
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chitieu import synth
from chitieu._fast import _packed_text, encode_ids, isin, join_keys, keys_isin
from chitieu.validation import validate
from chitieu.validation.checks import _add_years


def _ids(rng: np.random.Generator, n: int, *, width: int, missing: float) -> list[str | None]:
    pool = [f"C{i:0{width}d}" for i in range(n // 2 + 1)]
    out: list[str | None] = list(rng.choice(pool, n))
    for i in np.flatnonzero(rng.random(n) < missing):
        out[i] = None
    return out


def _check(register: pd.Series, others: list[pd.Series]) -> None:
    reg, codes, n_known, na_code = encode_ids(register, others)
    expected, uniques = pd.factorize(register, use_na_sentinel=False)
    assert reg.tolist() == expected.tolist()
    assert n_known == len(uniques)
    code_of = {(None if pd.isna(u) else u): i for i, u in enumerate(uniques)}
    for other, code in zip(others, codes, strict=True):
        for value, got in zip(other, code, strict=True):
            key = None if pd.isna(value) else value
            if key in code_of:  # on the register (a missing id matches a missing one)
                assert got == code_of[key]
            else:
                assert got >= n_known
            if key is None:
                assert got == na_code


@pytest.mark.parametrize("width", [7, 8, 12, 40])  # one word, one word exactly, two words, long
@pytest.mark.parametrize("missing", [0.0, 0.1])
def test_encode_ids_matches_factorize_and_index_lookup(width: int, missing: float) -> None:
    rng = np.random.default_rng(width + int(missing * 10))
    register = pd.Series(_ids(rng, 400, width=width, missing=missing), dtype="str")
    others = [pd.Series(_ids(rng, 150, width=width, missing=0.1), dtype="str") for _ in range(3)]
    others.append(pd.Series(["X1", "C" + "0" * width, None], dtype="str"))  # other lengths
    _check(register, others)
    _check(register.astype(object), [o.astype(object) for o in others])  # not Arrow text


def test_encode_ids_of_a_register_sorted_by_id_uses_the_same_codes() -> None:
    register = pd.Series([f"C{i:07d}" for i in range(1000)], dtype="str")
    events = pd.Series(["C0000010", "C0000999", "C9999999", None, "C0000010"], dtype="str")
    reg, (codes,), n_known, na_code = encode_ids(register, [events])
    assert reg.tolist() == list(range(1000)) and n_known == 1000
    assert codes.tolist()[:2] == [10, 999] and codes[4] == 10
    assert codes[2] >= n_known and codes[3] == na_code and na_code >= n_known


@pytest.mark.parametrize("prefix", ["C", "C0", "VN-2024-", "0000000"])
@pytest.mark.parametrize("shuffled", [False, True])
def test_a_shared_start_of_every_id_is_dropped_without_changing_the_codes(
    prefix: str, shuffled: bool
) -> None:
    """Ids of one length that share their first bytes: ``C000000001`` packs into one word."""
    rng = np.random.default_rng(len(prefix))
    numbers = np.arange(2_000)
    if shuffled:
        rng.shuffle(numbers)
    register = pd.Series([f"{prefix}{i:09d}" for i in numbers], dtype="str")
    events = [
        pd.Series([f"{prefix}{i:09d}" for i in rng.integers(0, 2_500, 700)], dtype="str"),
        pd.Series([f"{prefix}{i:09d}" for i in rng.integers(0, 2_000, 300)], dtype="str"),
    ]
    _check(register, events)
    reg, _, n_known, _ = encode_ids(register, events)
    assert n_known == 2_000
    if not shuffled:  # the register's order is the order of its codes
        assert reg.tolist() == list(range(2_000))


def test_a_missing_slot_with_bytes_behind_it_is_one_missing_value() -> None:
    register = pd.Series(["A1", "B2", "C3", "D4"], dtype="str")
    register[[1, 3]] = np.nan  # Arrow may keep the old bytes behind a missing slot
    reg, (codes,), n_known, na_code = encode_ids(register, [pd.Series([None, "A1"], dtype="str")])
    assert reg.tolist() == [0, 1, 2, 1] and n_known == 3 and na_code == 1
    assert codes.tolist() == [1, 0]


def test_keys_isin_matches_joined_keys() -> None:
    rng = np.random.default_rng(3)
    code = pd.Series(rng.choice(["00001", "00002", "", None, "99999"], 2000), dtype="str")
    version = pd.Series(rng.choice(["2008", "2025", None], 2000), dtype="str")
    allowed = pd.Series(["00001|2008", "00002|2025", "|2008", "99999|"])
    expected = isin(join_keys(code, version), allowed)
    assert keys_isin([code, version], allowed).tolist() == expected.tolist()
    assert keys_isin([code.astype(object), version], allowed).tolist() == expected.tolist()
    assert expected.any() and not expected.all()


def _add_years_by_parts(dates: pd.Series, years: int) -> pd.Series:
    """The rule written out: year + n, 29 February -> 1 March in a non-leap year."""
    out = []
    for d in dates:
        if pd.isna(d):
            out.append(pd.NaT)
            continue
        try:
            out.append(pd.Timestamp(dt.date(d.year + years, d.month, d.day)))
        except ValueError:
            out.append(pd.Timestamp(dt.date(d.year + years, 3, 1)))
    return pd.Series(out, index=dates.index, dtype="datetime64[us]")


@pytest.mark.parametrize("n_days", [300, 20_000])  # per row; through the table of days
def test_add_years_matches_the_rule(n_days: int) -> None:
    rng = np.random.default_rng(n_days)
    days = rng.integers(-3000, 3000, n_days)
    dates = pd.Series(pd.to_datetime(days, unit="D"), dtype="datetime64[us]")
    dates[::11] = pd.NaT
    leap = pd.Series(pd.to_datetime(["2008-02-29", "2084-02-29", "1996-02-29"]))
    dates = pd.concat([dates, leap.astype("datetime64[us]")], ignore_index=True)
    for years in (1, 16):
        got = _add_years(dates, years)
        assert got.dtype == "datetime64[us]"
        assert got.equals(_add_years_by_parts(dates, years))


def test_validation_does_not_depend_on_the_order_of_the_register() -> None:
    sub = synth.generate(n_children=3_000, seed=4, year=2024)
    children = sub.children.copy()
    moved = children.iloc[:40].copy()  # repeated ids: twenty overlapping spells, twenty exact rows
    moved.loc[moved.index[:20], "entry_date"] = moved["entry_date"].iloc[:20] + pd.Timedelta(
        days=30
    )
    children = pd.concat([children, moved], ignore_index=True)
    events = sub.consultations.copy()
    events.loc[events.index[:5], "child_id"] = "NOT-ON-THE-REGISTER"
    today = dt.date(2026, 11, 28)
    ordered = validate(sub.replace(children=children, consultations=events), today=today)
    shuffled_children = children.sample(frac=1, random_state=2).reset_index(drop=True)
    shuffled = validate(sub.replace(children=shuffled_children, consultations=events), today=today)

    def counts(report: object) -> dict[tuple[str, str, str], int]:
        frame = report.counts  # type: ignore[attr-defined]
        return {
            (str(c), str(t), str(col)): int(n)
            for c, t, col, n in zip(
                frame["code"], frame["table"], frame["column"], frame["count"], strict=True
            )
        }

    assert counts(ordered) == counts(shuffled)
    found = counts(ordered)
    assert found[("unknown-child", "consultations", "child_id")] == 5
    assert found[("duplicate-id", "children", "child_id")] == 20
    assert found[("overlapping-spells", "children", "child_id")] >= 1


@settings(max_examples=80, deadline=None)
@given(
    texts=st.lists(
        st.one_of(st.none(), st.text(alphabet="C0123456789X-\x00", min_size=0, max_size=12)),
        min_size=1,
        max_size=60,
    )
)
def test_ids_packed_by_their_alphabet_sort_and_compare_as_the_texts(
    texts: list[str | None],
) -> None:
    """The packed integers of short ids order and match exactly as the ids do."""
    series = pd.Series(texts, dtype="str")
    packed = _packed_text([series])
    if packed is None:
        return
    words, null = packed
    assert null.tolist() == [t is None for t in texts]
    keys = list(zip(*(w.tolist() for w in words), strict=True))
    shown = [(t, k) for t, k in zip(texts, keys, strict=True) if t is not None]
    for (a, ka), (b, kb) in itertools.combinations(shown, 2):
        assert (a == b) == (ka == kb)
        assert (a.encode() < b.encode()) == (ka < kb)
    # and the codes of a register and its events are those of a lookup by text
    _check(series, [series.iloc[::-1].reset_index(drop=True)])


def test_digit_ids_of_twelve_characters_pack_into_one_word() -> None:
    ids = pd.Series([f"{i:012d}" for i in (1, 79_123_456_789, 999_999_999_999)], dtype="str")
    words, _ = _packed_text([ids])
    assert len(words) == 1  # 11 symbols: 4 bits a digit, 48 bits in all
    assert words[0].tolist() == sorted(words[0].tolist())
