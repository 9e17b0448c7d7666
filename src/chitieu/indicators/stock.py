"""The child population of a period, computed once and shared by every indicator.

:class:`Register` holds, for every child of the register, the age in completed
years at the reference date, whether the child is in the stock on that date,
and the category codes of every child-level dimension (sex, ethnicity,
disability, commune, urban/rural). :func:`child_events` does the same for the
rows of an event table (injuries, abuse victims), which may name children not
on the register.

Stock rule (``../shared/guides/semantics.md``): a child is in the stock at the
reference date when

- the birth date is on or before the reference date and the age is under 16
  (a missing birth date keeps the child, in age group ``unknown``);
- the entry date, if any, is on or before the reference date;
- the child has not left the register: no exit date on or before the
  reference date, and no exit reason recorded without an exit date (the
  register says the child left; without a date the child is not counted).

A child listed several times (consolidated commune submissions: a child who
moved) is in the stock through the row whose spell ``[entry_date, exit_date)``
covers the reference date, and each event is attributed to the row whose
spell covers the event date (``docs/semantics.md``, "Consolidating commune
submissions").

Attribution: a child belongs to the commune recorded on the register. An
event belongs by default to the child's commune of residence (the register's
commune); a child not on the register (``registered_here`` false, or an id the
register does not know) is attributed to the event's commune, with the sex and
birth date written on the event row. ``attribution="event"`` attributes every
event to the event's commune.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chitieu._fast import encode_ids, search_sorted, unique_small
from chitieu.codelists import codes
from chitieu.indicators.kernel import (
    UNKNOWN,
    Axis,
    Rows,
    code_dtype,
    encode,
    narrow,
    unique_pairs,
)
from chitieu.periods import age_in_years

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = [
    "ADULT_AGE",
    "CHILD_DIMENSIONS",
    "DEFAULT_AGE_BANDS",
    "EVENT_DATE_COLUMNS",
    "ChildEvents",
    "Register",
    "age_axis",
    "age_group_codes",
    "child_events",
    "codelist_axis",
    "commune_index",
    "commune_label_set",
    "commune_labels",
    "distinct_children",
    "distinct_units",
    "normalise_bands",
]

#: A person is a child under this age (Law on Children 2016, Art. 1).
ADULT_AGE = 16

#: Default age bands (lower bounds, completed years): 0-5, 6-9, 10-13, 14-15,
#: as in the MOLISA child injury form (``../shared/spec/record-forms-and-figures.md``).
#: Pass ``age_bands=(0, 6, 11)`` (or any increasing lower bounds from 0) to change them.
DEFAULT_AGE_BANDS: tuple[int, ...] = (0, 6, 10, 14)

#: Dimensions that describe a child (the rest describe an event).
CHILD_DIMENSIONS = ("commune", "sex", "age_group", "ethnicity", "urban_rural", "disability")

# Code lists that carry their own "unknown" code: missing values go there.
_OWN_UNKNOWN = {
    "sex": "U",
    "ethnicity": "99",
    "disability": "UNKNOWN",
    "injury_place": "UNKNOWN",
    "injury_outcome": "UNKNOWN",
    "abuse_setting": "UNKNOWN",
}


def codelist_axis(dimension: str, codelist_name: str, *, multi: bool = False) -> Axis:
    """The axis of a code-list dimension, with its unknown category last or own.

    >>> codelist_axis("sex", "sex").categories
    ('M', 'F', 'U')
    >>> codelist_axis("group", "special_circumstance_group", multi=True).categories[-1]
    'unknown'
    """
    cats = codes(codelist_name)
    if codelist_name not in _OWN_UNKNOWN:
        cats = (*cats, UNKNOWN)
    return Axis(dimension, tuple(cats), multi)


def unknown_of(axis: Axis) -> str:
    """The category that missing values of *axis* go to."""
    own = {"sex": "U", "ethnicity": "99", "disability": "UNKNOWN"}
    for cat in (own.get(axis.name), "UNKNOWN", UNKNOWN):
        if cat is not None and cat in axis.categories:
            return cat
    raise ValueError(f"axis {axis.name!r} has no unknown category")


def normalise_bands(bands: Sequence[int] | None) -> tuple[int, ...]:
    """Check age bands given as increasing lower bounds starting at 0.

    >>> normalise_bands([0, 6, 11])
    (0, 6, 11)
    >>> normalise_bands([3, 6])
    Traceback (most recent call last):
    ...
    ValueError: age_bands must be increasing whole numbers starting at 0 and below 16, found (3, 6)
    """
    if bands is None:
        return DEFAULT_AGE_BANDS
    try:
        out = tuple(int(b) for b in bands)
    except (TypeError, ValueError):
        raise ValueError(
            f"age_bands must be a sequence of whole numbers, found {bands!r}"
        ) from None
    ok = (
        len(out) > 0
        and out[0] == 0
        and all(a < b for a, b in itertools.pairwise(out))
        and out[-1] < ADULT_AGE
        and all(float(b) == float(int(b)) for b in bands)
    )
    if not ok:
        raise ValueError(
            "age_bands must be increasing whole numbers starting at 0 and below 16, "
            f"found {tuple(bands)!r}"
        )
    return out


def age_axis(bands: Sequence[int] | None = None) -> Axis:
    """Axis of age groups for *bands*: labels ``"0-5"``, ``"6-9"``, ..., then ``unknown``.

    >>> age_axis().categories
    ('0-5', '6-9', '10-13', '14-15', 'unknown')
    """
    lows = normalise_bands(bands)
    highs = (*[b - 1 for b in lows[1:]], ADULT_AGE - 1)
    labels = tuple(
        f"{lo}-{hi}" if hi > lo else f"{lo}" for lo, hi in zip(lows, highs, strict=False)
    )
    return Axis("age_group", (*labels, UNKNOWN))


def age_group_codes(age: np.ndarray, bands: Sequence[int] | None = None) -> np.ndarray:
    """Code of each age's band; missing, negative or adult ages get ``unknown``.

    >>> age_group_codes(np.array([0.0, 5, 6, 15, 16, np.nan])).tolist()
    [0, 0, 1, 3, 4, 4]
    """
    lows = np.asarray(normalise_bands(bands), dtype=np.float64)
    out = np.searchsorted(lows, age, side="right").astype(code_dtype(len(lows) + 1)) - 1
    bad = np.isnan(age) | (age < 0) | (age >= ADULT_AGE)
    out[bad] = len(lows)
    return out


def _arrow_text(values: pd.Series) -> pa.Array:
    """*values* as an Arrow ``large_string`` array (missing stays null)."""
    arr = pa.array(pd.Series(values, copy=False).astype("str").array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def commune_labels(code: pd.Series, version: pd.Series) -> pd.Series:
    """``"code|version"`` labels (a ``str`` Series); a missing commune code gives ``unknown``.

    >>> commune_labels(pd.Series(["07774", None]), pd.Series(["2008", "2008"])).tolist()
    ['07774|2008', 'unknown']
    """
    c = pa.array(pd.Series(code, copy=False).astype("str").array).cast(pa.large_string())
    v = pa.array(pd.Series(version, copy=False).astype("str").array).cast(pa.large_string())
    joined = pc.binary_join_element_wise(c, v.fill_null(""), pa.scalar("|", pa.large_string()))
    blank = pc.equal(pc.utf8_trim_whitespace(c), "").fill_null(True)
    labels = pc.if_else(blank, pa.scalar(UNKNOWN, pa.large_string()), joined)
    return pd.Series(pd.arrays.ArrowStringArray(labels.cast(pa.large_string())), dtype="str")


def _distinct_labels(code: pd.Series, version: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Distinct commune labels of the rows and, per row, the index of its label.

    Dictionary-encodes code and version separately (no million joined strings).
    """
    labels, _, inverse = _distinct_pairs(code, version)
    return labels, inverse


def _distinct_pairs(code: pd.Series, version: pd.Series) -> tuple[pd.Series, list[str], np.ndarray]:
    """Distinct commune labels, the division version of each, and each row's label index."""
    c = pc.dictionary_encode(_arrow_text(code))
    v = pc.dictionary_encode(_arrow_text(version).fill_null(""))
    width = max(len(v.dictionary), 1)
    # 32-bit codes while every pair fits (a few thousand communes, two versions)
    kind = np.dtype(np.int32 if (len(c.dictionary) + 1) * width < 2**31 else np.int64)
    ci: np.ndarray = np.asarray(c.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=kind)
    vi: np.ndarray = np.asarray(v.indices.to_numpy(zero_copy_only=False), dtype=kind)
    # a row without a commune code still has its division version
    step = np.array(width, dtype=kind)
    pair = np.where(ci >= 0, ci * step, -step) + vi
    del ci, vi
    uniq, inverse = unique_small(pair)
    cd = c.dictionary.to_pylist()
    vd = v.dictionary.to_pylist()
    codes_u = pd.Series([cd[p // width] if p >= 0 else None for p in uniq], dtype="str")
    versions = [str(vd[p % width] or "") if len(vd) else "" for p in uniq]
    labels = commune_labels(codes_u, pd.Series(versions, dtype="str"))
    return labels, versions, inverse.reshape(-1)


def unknown_label(version: str) -> str:
    """The commune category of records of *version* whose commune is missing or unknown.

    >>> unknown_label("2025"), unknown_label("")
    ('unknown|2025', 'unknown')
    """
    return f"{UNKNOWN}|{version}" if version else UNKNOWN


def commune_index(code: pd.Series, version: pd.Series, categories: Sequence[str]) -> np.ndarray:
    """Position of each row's commune in *categories* (the smallest integer type that fits).

    A row whose commune is missing or not among *categories* goes to the
    unknown unit of its own division version (``unknown|2025``) when
    *categories* has it, else to ``unknown``: a record keeps its division
    version even when its commune is not known.

    >>> commune_index(pd.Series(["2", None, "1", "9"]), pd.Series(["2008"] * 4),
    ...               ("1|2008", "2|2008", "unknown|2008", "unknown")).tolist()
    [1, 2, 0, 2]
    """
    labels, versions, inverse = _distinct_pairs(code, version)
    if not len(inverse):
        return np.zeros(0, dtype=np.int64)
    found = encode(labels, categories)
    cats = list(categories)
    if UNKNOWN in cats:
        lost = cats.index(UNKNOWN)
        for i in np.flatnonzero(found == lost):
            own = unknown_label(versions[i])
            if own in cats:
                found[i] = cats.index(own)
    out: np.ndarray = narrow(found, len(cats))[inverse]
    return out


def commune_label_set(code: pd.Series, version: pd.Series) -> set[str]:
    """The distinct commune labels of the rows."""
    labels, _ = _distinct_labels(code, version)
    return set(labels.tolist())


#: The date that attributes a row of an event table to one register row of a
#: child with several (a child who moved): the commune whose spell covers it.
#: ``None``: the reference date (a spell of special circumstances counts where
#: the child lives on the day it is counted).
EVENT_DATE_COLUMNS: dict[str, str | None] = {
    "circumstances": None,
    "supports": "support_date",
    "consultations": "consultation_date",
    "services": "service_date",
    "injuries": "injury_date",
}

# Spell starts of one child are searched in one sorted int64 array of
# ``child * _SHIFT + day``: days offset so that every date from 1880 to 2200
# (and a missing entry date, the earliest) fits below _SHIFT.
_SHIFT = np.int64(1 << 24)
_DAY_OFFSET = np.int64(1 << 23)


def _is_identity(codes_: np.ndarray) -> bool:
    """Whether *codes_* is ``0, 1, 2, ...`` (every id listed once, in order of codes)."""
    n = len(codes_)
    return n == 0 or (
        int(codes_[0]) == 0 and int(codes_[-1]) == n - 1 and bool(np.all(np.diff(codes_) == 1))
    )


def _days(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as int64 days since 1970 (NaT stays NaT as ``datetime64[D]``)."""
    return np.asarray(pd.to_datetime(pd.Series(values, copy=False)), dtype="datetime64[D]")


class _Spells:
    """The register rows of the children listed more than once, sorted for look-ups.

    ``rows`` are register positions sorted by child (the position of the
    child's first row), entry date (missing first) and position; ``start``
    holds ``child * _SHIFT + entry day`` for ``np.searchsorted``; ``exit`` the
    exit day (missing: never); ``before`` the latest exit of the child's
    earlier spells (to tell when two spells cover one date).
    """

    def __init__(
        self, first: np.ndarray, repeated: np.ndarray, entry: np.ndarray, exit_: np.ndarray
    ) -> None:
        rows = np.flatnonzero(repeated)
        child = first[rows]
        entry_days = entry[rows]
        start_day = np.where(
            np.isnat(entry_days), 0, entry_days.astype(np.int64) + _DAY_OFFSET
        ).clip(0, _SHIFT - 1)
        order = np.lexsort((rows, start_day, child))
        self.rows = rows[order]
        self.child = child[order]
        self.start = self.child * _SHIFT + start_day[order]
        exit_days = exit_[self.rows]
        never = np.iinfo(np.int64).max
        self.exit = np.where(np.isnat(exit_days), never, exit_days.astype(np.int64))
        latest = pd.Series(self.exit).groupby(self.child).cummax().to_numpy()
        shifted = np.empty_like(latest)
        shifted[1:] = latest[:-1]
        if len(shifted):
            shifted[0] = np.iinfo(np.int64).min
        new_child = np.ones(len(self.child), dtype=bool)
        new_child[1:] = self.child[1:] != self.child[:-1]
        self.before = np.where(new_child, np.iinfo(np.int64).min, shifted)

    def at(self, first_pos: np.ndarray, when: np.ndarray) -> np.ndarray:
        """The row of each child (first-row position) whose spell covers *when*.

        Where no spell or several spells cover the date (or the date is
        missing), the child's first row.
        """
        day = _days(when)
        known = ~np.isnat(day)
        d = np.where(known, day.astype(np.int64), 0)
        key = first_pos * _SHIFT + np.clip(d + _DAY_OFFSET, 0, _SHIFT - 1)
        i = search_sorted(self.start, key, side="right") - 1
        safe = np.clip(i, 0, max(len(self.rows) - 1, 0))
        ok = known & (i >= 0) & (self.child[safe] == first_pos)
        ok &= (d < self.exit[safe]) & ~(self.before[safe] > d)
        return np.where(ok, self.rows[safe], first_pos)


class Register:
    """Every child of the register with the codes of the child-level dimensions.

    Built once per :class:`chitieu.compute.Context` (that is, per submission
    and period). A child listed several times (consolidated commune
    submissions: a child who moved) keeps all its rows, one per spell
    ``[entry_date, exit_date)``: the child is in the stock through the row
    whose spell covers the reference date (when several do, the first row;
    when none does, the child is not in the stock), and :meth:`lookup` with
    dates finds the row whose spell covers each date (when several or none
    do, the first row). Positions are register rows; :attr:`child` gives each
    row's child (the position of its first row), for counting distinct
    children.
    """

    def __init__(self, ctx: Context) -> None:
        children = ctx.data.children
        ids = children["child_id"].astype("str")
        ref = ctx.period.reference_date
        self.n = len(children)
        self._ids_arrow: pa.Array | None = None
        self._data = ctx.data
        self._ref = ref
        self._universe: tuple[pa.Array, np.ndarray] | None = None
        self._positions: dict[str, np.ndarray] = {}
        self.birth = pd.Series(children["birth_date"].to_numpy(), copy=False)
        #: Age in completed years at the reference date (NaN: birth date missing).
        self.age = age_in_years(self.birth, ref).astype(np.float32)
        ref64 = np.datetime64(ref, "D")
        birth_missing = np.isnan(self.age)
        alive = np.ones(self.n, dtype=bool)
        exit_d = (
            _days(children["exit_date"])
            if "exit_date" in children
            else np.full(self.n, np.datetime64("NaT"), dtype="datetime64[D]")
        )
        if "exit_date" in children:
            alive &= np.isnat(exit_d) | (exit_d > ref64)
            if "exit_reason" in children:
                reason = children["exit_reason"].notna().to_numpy()
                alive &= ~(reason & np.isnat(exit_d))
        entered = np.ones(self.n, dtype=bool)
        entry_d = (
            _days(children["entry_date"])
            if "entry_date" in children
            else np.full(self.n, np.datetime64("NaT"), dtype="datetime64[D]")
        )
        if "entry_date" in children:
            entered = np.isnat(entry_d) | (entry_d <= ref64)
        young = birth_missing | ((self.age >= 0) & (self.age < ADULT_AGE))
        self.in_stock = alive & entered & young
        #: Each row's child: the position of the child's first row (``None``: ids are unique).
        self.child: np.ndarray | None = None
        self._spells: _Spells | None = None
        # the register's ids and those of every event table, packed into integers once
        self._event_tables = [
            name
            for name, frame in self._data.tables()
            if name != "children" and "child_id" in frame and len(frame)
        ]
        reg_codes, event_codes, n_known, self._na_code = encode_ids(
            ids, [self._data[t]["child_id"] for t in self._event_tables]
        )
        self._n_known = n_known
        # kept for lookups of other ids: encoding it again gives the same codes
        self._id_series: pd.Series | None = ids
        self._event_codes = dict(zip(self._event_tables, event_codes, strict=True))
        #: Register position of each id's first row, by code (``None``: the code itself,
        #: as when every id is listed once, in order).
        self._first_row: np.ndarray | None = None
        if n_known < self.n or not _is_identity(reg_codes):
            running = np.maximum.accumulate(reg_codes) if self.n else reg_codes
            self._first_row = (
                np.flatnonzero(np.r_[True, running[1:] > running[:-1]])
                if self.n
                else (np.zeros(0, dtype=np.int64))
            )
            del running
        if n_known < self.n:  # an id listed twice (a child who moved), or missing ids
            codes_ = np.where(ids.isna().to_numpy(), -1, reg_codes).astype(np.int64)
            first_of_code = np.full(codes_.max(initial=-1) + 2, -1, dtype=np.int64)
            positions = np.arange(self.n, dtype=np.int64)
            # first row of each id: assign in reverse so that the first position wins
            first_of_code[codes_[::-1]] = positions[::-1]
            first = first_of_code[codes_]
            first = np.where(codes_ >= 0, first, positions)  # a missing id is a child of its own
            self.child = first
            repeated = np.bincount(first, minlength=self.n)[first] > 1
            self._spells = _Spells(first, repeated, entry_d, exit_d)
            self._moved = np.zeros(self.n, dtype=bool)
            self._moved[first[repeated]] = True
            # one stock row per child: the first of its rows whose spell covers the date
            stock_rows = np.flatnonzero(self.in_stock)
            again = pd.Series(first[stock_rows]).duplicated(keep="first").to_numpy()
            self.in_stock[stock_rows[again]] = False
        del reg_codes, entry_d, exit_d, alive, entered, young
        self.stock_index = np.flatnonzero(self.in_stock)
        self._stock_pos: np.ndarray | None = None

        self.axes: dict[str, Axis] = {
            "sex": codelist_axis("sex", "sex"),
            "ethnicity": codelist_axis("ethnicity", "ethnicity"),
            "disability": codelist_axis("disability", "disability"),
            "commune": ctx.commune_axis,
            "urban_rural": codelist_axis("urban_rural", "urban_rural"),
        }
        # codes in the smallest integer type that holds them (one or two bytes a child)
        self.codes: dict[str, np.ndarray] = {}
        for name in ("sex", "ethnicity", "disability"):
            axis = self.axes[name]
            unknown = axis.categories.index(unknown_of(axis))
            self.codes[name] = (
                narrow(encode(children[name], axis.categories, unknown_of(axis)), axis.size)
                if name in children
                else np.full(self.n, unknown, dtype=code_dtype(axis.size))
            )
        commune = narrow(
            commune_index(
                children["commune_code"], children["division_version"], ctx.commune_axis.categories
            ),
            ctx.commune_axis.size,
        )
        self.codes["commune"] = commune
        self.codes["urban_rural"] = narrow(
            ctx.commune_urban_rural[commune], self.axes["urban_rural"].size
        )
        #: True where the birth is known to be registered (unknown counts as not known).
        self.birth_registered = (
            children["birth_registered"].astype("boolean").fillna(False).to_numpy(dtype=bool)
            if "birth_registered" in children
            else np.zeros(self.n, dtype=bool)
        )
        #: The register frame (one row per child and spell).
        self.frame = children
        self._stock_rows: dict[tuple[int, ...], Rows] = {}

    @property
    def ids(self) -> pa.Array:
        """Child ids of the register (Arrow; a child who moved is listed once per spell)."""
        if self._ids_arrow is None:
            self._ids_arrow = _arrow_text(self.frame["child_id"].astype("str"))
        return self._ids_arrow

    def _first_rows(self, codes_: np.ndarray) -> np.ndarray:
        """Register position of the first row of the ids of *codes_* (codes of the register)."""
        return codes_ if self._first_row is None else self._first_row[codes_]

    def _id_universe(self) -> tuple[pa.Array, np.ndarray]:
        """Every child id the event tables name, and its register position (or -1).

        One hash of the (small) set of ids named by events, probed once by the
        register: much cheaper than hashing a million register ids.
        """
        if self._universe is None:
            named = [
                _arrow_text(frame["child_id"])
                for name, frame in self._data.tables()
                if name != "children" and "child_id" in frame and len(frame)
            ]
            universe = (
                pc.unique(pa.concat_arrays(named).drop_null())
                if named
                else pa.array([], type=pa.large_string())
            )
            hit = pc.index_in(self.ids, value_set=universe).to_numpy(zero_copy_only=False)
            hit = np.where(np.isnan(hit.astype(np.float64)), -1, hit).astype(np.int64)
            where = np.full(len(universe), -1, dtype=np.int64)
            rows = np.flatnonzero(hit >= 0)[::-1]  # reversed: a child's first row wins
            where[hit[rows]] = rows
            self._universe = (universe, where)
        return self._universe

    def lookup(
        self, child_ids: pd.Series, dates: pd.Series | np.ndarray | None = None
    ) -> np.ndarray:
        """Register positions of *child_ids* (-1 where the id is not on the register).

        Without *dates*, the first row of each child; with *dates* (one per
        id), the row whose spell ``[entry_date, exit_date)`` covers the date,
        or the first row when several or none do.
        """
        if self._id_series is not None:  # the register's codes: no hash of its texts
            _, (codes_,), n_known, na_code = encode_ids(self._id_series, [child_ids])
            on_register = (codes_ < n_known) & (codes_ != na_code)
            out = np.full(len(codes_), -1, dtype=np.int64)
            out[on_register] = self._first_rows(codes_[on_register])
            return self._at_dates(out, dates)
        arr = _arrow_text(child_ids)
        universe, where = self._id_universe()
        idx = pc.index_in(arr, value_set=universe).to_numpy(zero_copy_only=False)
        found = ~np.isnan(idx.astype(np.float64))
        out = np.full(len(arr), -1, dtype=np.int64)
        out[found] = where[idx[found].astype(np.int64)]
        if not found.all():  # ids outside the event tables: look them up directly
            rest = np.flatnonzero(
                ~found & ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False))
            )
            if len(rest):
                direct = pc.index_in(arr.take(pa.array(rest)), value_set=self.ids)
                d = direct.to_numpy(zero_copy_only=False).astype(np.float64)
                out[rest] = np.where(np.isnan(d), -1, d).astype(np.int64)
        return self._at_dates(out, dates)

    def _at_dates(self, out: np.ndarray, dates: pd.Series | np.ndarray | None = None) -> np.ndarray:
        """First rows *out* moved to the row whose spell covers each date (children who moved)."""
        if dates is not None and self._spells is not None and self.child is not None:
            when = np.asarray(pd.to_datetime(pd.Series(dates, copy=False)), dtype="datetime64[D]")
            moved = np.flatnonzero(out >= 0)
            moved = moved[self._moved[out[moved]]]
            if len(moved):
                out[moved] = self._spells.at(out[moved], when[moved])
        return out

    def first_positions(self, table: str) -> np.ndarray | None:
        """Register position of the first row of the child of every row of *table*.

        -1 where the id is not on the register; ``None`` when *table* is not
        one of the submission's event tables. No dates: see :meth:`at_dates`.
        """
        codes_ = self._event_codes.get(table)
        if codes_ is None or len(codes_) != len(self._data[table]):
            return None
        on_register = (codes_ < self._n_known) & (codes_ != self._na_code)
        out = np.full(len(codes_), -1, dtype=np.int64)
        out[on_register] = self._first_rows(codes_[on_register])
        return out

    def at_dates(self, first: np.ndarray, dates: pd.Series | np.ndarray) -> np.ndarray:
        """First-row positions *first* moved to the row whose spell covers each date."""
        return self._at_dates(np.array(first, dtype=np.int64), dates)

    def table_positions(self, table: str) -> np.ndarray:
        """Register row of the child of every row of *table* (-1: not on the register).

        The row is the one valid at the row's date (:data:`EVENT_DATE_COLUMNS`;
        the reference date for a spell of special circumstances). Computed once
        per table.
        """
        if table not in self._positions:
            frame = self._data[table]
            column = EVENT_DATE_COLUMNS.get(table)
            dates: pd.Series | np.ndarray | None
            if self._spells is None:
                dates = None
            elif column is None or column not in frame:
                dates = np.full(len(frame), np.datetime64(self._ref, "D"))
            else:
                dates = frame[column]
            first = self.first_positions(table)
            if first is None:
                self._positions[table] = self.lookup(frame["child_id"], dates)
            else:  # the codes computed with the register's: no lookup of text
                self._positions[table] = self._at_dates(first, dates)
        return self._positions[table]

    def stock(self, age_bands: Sequence[int] | None = None) -> Rows:
        """The children in the stock at the reference date, one unit each (cached per bands)."""
        bands = normalise_bands(age_bands)
        if bands not in self._stock_rows:
            idx = self.stock_index
            row_codes = {name: arr[idx] for name, arr in self.codes.items()}
            row_codes["age_group"] = age_group_codes(self.age[idx], bands)
            self._stock_rows[bands] = Rows(len(idx), row_codes)
        return self._stock_rows[bands]

    def stock_positions(self) -> np.ndarray:
        """Map register position -> stock unit (-1 when not in the stock); computed once."""
        if self._stock_pos is None:
            kind = np.int32 if self.n < np.iinfo(np.int32).max else np.int64
            out = np.full(self.n, -1, dtype=kind)
            out[self.stock_index] = np.arange(len(self.stock_index), dtype=kind)
            self._stock_pos = out
        return self._stock_pos


@dataclass
class ChildEvents:
    """Rows of an event table in the period, resolved to children.

    ``key`` is the register row of the child valid at the event date (or a
    key of its own for a child not on the register), ``child`` identifies the
    child (distinct children share it, whichever of their rows), ``order`` is
    the order of the rows by date then id (so "the child's first event" is
    well defined), ``codes`` holds the child-level codes taken from the
    register or the event row, with the age group at the event date.
    """

    n: int
    key: np.ndarray
    order: np.ndarray
    age: np.ndarray
    codes: dict[str, np.ndarray]
    frame: pd.DataFrame
    child: np.ndarray | None = None

    def select(self, mask: np.ndarray) -> ChildEvents:
        """The rows where *mask* is true, keeping their order."""
        idx = np.flatnonzero(mask)
        new_pos = np.full(self.n, -1, dtype=np.int64)
        new_pos[idx] = np.arange(len(idx))
        order = new_pos[self.order[mask[self.order]]]
        return ChildEvents(
            len(idx),
            self.key[idx],
            order,
            self.age[idx],
            {k: v[idx] for k, v in self.codes.items()},
            self.frame.iloc[idx],
            None if self.child is None else self.child[idx],
        )


def child_events(
    ctx: Context,
    frame: pd.DataFrame,
    *,
    date_column: str,
    id_column: str,
    attribution: str = "residence",
    age_bands: Sequence[int] | None = None,
    first_positions: np.ndarray | None = None,
) -> ChildEvents:
    """Resolve the rows of *frame* dated inside the period to children.

    *frame* needs ``child_id``, *date_column*, ``commune_code``,
    ``division_version`` and optionally ``registered_here``, ``sex``,
    ``birth_date``. Rows whose child is 16 or older at the event date (or born
    after it) are not about a child and are left out; validation reports them.
    *first_positions* (one per row of *frame*, from
    :meth:`Register.first_positions`) spares a lookup of the ids when *frame*
    is built from a table of the submission, row for row.
    """
    if attribution not in ("residence", "event"):
        raise ValueError(f"attribution must be 'residence' or 'event', found {attribution!r}")
    reg = ctx.register
    in_period = ctx.period.contains(frame[date_column])
    rows = frame.loc[in_period]
    # an event table of the submission itself: its positions were found with the register's
    table = next((t for t in reg._event_tables if ctx.data[t] is frame), None)
    if table is not None and EVENT_DATE_COLUMNS.get(table) == date_column:
        pos = reg.table_positions(table)[np.asarray(in_period, dtype=bool)]
    elif first_positions is not None and len(first_positions) == len(frame):
        first = np.asarray(first_positions)[np.asarray(in_period, dtype=bool)]
        pos = reg.at_dates(first, rows[date_column])
    else:
        pos = reg.lookup(rows["child_id"], rows[date_column])
    if "registered_here" in rows:
        not_here = rows["registered_here"].eq(False).fillna(False).to_numpy(dtype=bool)
        pos = np.where(not_here, -1, pos)
    known = pos >= 0
    safe = np.where(known, pos, 0)
    event_birth = (
        pd.to_datetime(rows["birth_date"]).to_numpy(dtype="datetime64[us]")
        if "birth_date" in rows
        else np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[us]")
    )
    reg_birth = reg.birth.to_numpy(dtype="datetime64[us]")[safe] if reg.n else event_birth
    birth = np.where(known, reg_birth, event_birth)
    when = rows[date_column].to_numpy(dtype="datetime64[us]")
    age = age_in_years(pd.Series(birth), pd.Series(when))
    child_row = np.isnan(age) | ((age >= 0) & (age < ADULT_AGE))
    if not child_row.all():
        rows, pos, known, safe, age, when = (
            rows.loc[child_row],
            pos[child_row],
            known[child_row],
            safe[child_row],
            age[child_row],
            when[child_row],
        )
    sex_axis = reg.axes["sex"]
    ev_sex = (
        encode(rows["sex"], sex_axis.categories, "U")
        if "sex" in rows
        else np.full(len(rows), sex_axis.categories.index("U"))
    )
    reg_codes = reg.codes
    codes_: dict[str, np.ndarray] = {
        "sex": np.where(known, reg_codes["sex"][safe] if reg.n else ev_sex, ev_sex),
    }
    for name in ("ethnicity", "disability"):
        axis = reg.axes[name]
        unknown_code = axis.categories.index(unknown_of(axis))
        codes_[name] = np.where(
            known, reg_codes[name][safe] if reg.n else unknown_code, unknown_code
        )
    event_commune = commune_index(
        rows["commune_code"], rows["division_version"], ctx.commune_axis.categories
    )
    if attribution == "event":
        commune = event_commune
    else:
        commune = np.where(
            known, reg_codes["commune"][safe] if reg.n else event_commune, event_commune
        )
    codes_["commune"] = commune
    codes_["urban_rural"] = ctx.commune_urban_rural[commune]
    codes_["age_group"] = age_group_codes(age, age_bands)
    # Distinct children: register position, or a key of their own for the others.
    other_ids = rows["child_id"].astype("str").to_numpy(dtype=object)
    other_key = pd.factorize(np.where(known, "", other_ids))[0]
    key = np.where(known, pos, reg.n + other_key).astype(np.int64)
    child = None
    if reg.child is not None:  # a child with several rows: one child whichever the row
        child = np.where(known, reg.child[safe], key).astype(np.int64)
    ids_rank = pd.factorize(rows[id_column].astype("str").to_numpy(dtype=object), sort=True)[0]
    order = np.lexsort((ids_rank, when.astype(np.int64)))
    return ChildEvents(len(rows), key, order, age, codes_, rows, child)


def distinct_units(
    key: np.ndarray,
    order: np.ndarray,
    unit_codes: dict[str, np.ndarray],
    event_dims: dict[str, tuple[np.ndarray, int]],
    multi_pairs: dict[str, tuple[np.ndarray, np.ndarray, int]] | None = None,
) -> tuple[Rows, np.ndarray]:
    """One unit per distinct *key* (children, cases, violators).

    Unit-level codes (``unit_codes``) come from the unit's first row in
    *order*. Row-level codes (``event_dims``: codes per row and number of
    categories) become multi-response pairs. ``multi_pairs`` gives pairs
    ``(row, code)`` of dimensions already multi per row. Returns the rows and
    the unit of each input row.
    """
    ordered_keys = key[order]
    uniq, first_in_order = np.unique(ordered_keys, return_index=True)
    first_rows = order[first_in_order]
    unit_of_row = search_sorted(uniq, key).astype(np.int64)
    rows = Rows(len(uniq), {name: arr[first_rows] for name, arr in unit_codes.items()})
    for name, (arr, width) in event_dims.items():
        rows.multi[name] = unique_pairs(unit_of_row, arr, width)
    for name, (row, code, width) in (multi_pairs or {}).items():
        rows.multi[name] = unique_pairs(unit_of_row[row], code, width)
    return rows, unit_of_row


def distinct_children(
    events: ChildEvents,
    event_dims: dict[str, tuple[np.ndarray, int]],
    multi_pairs: dict[str, tuple[np.ndarray, np.ndarray, int]] | None = None,
) -> tuple[Rows, np.ndarray]:
    """One unit per distinct child of *events* (see :func:`distinct_units`).

    Child-level codes come from the child's first event in the period (by
    date, then event id); event-level codes are multi-response: a child
    injured at home and at school counts once in each place.
    """
    child_codes = {k: v for k, v in events.codes.items() if k not in event_dims}
    key = events.key if events.child is None else events.child
    return distinct_units(key, events.order, child_codes, event_dims, multi_pairs)


def reference(ctx: Context) -> date:
    """The reference date of the context's period."""
    return ctx.period.reference_date
