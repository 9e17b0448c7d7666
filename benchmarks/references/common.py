"""What the references compute, their output format, and the comparison with chitieu.

The rules (``docs/semantics.md``) that every reference implements on its own:

- period 2024: 1 January to 31 December, both included; reference date
  31 December 2024;
- age in completed years at a date: years between the birth and the date,
  minus one when the date's (month, day) comes before the birth's;
- the stock: children of the register (first row of a repeated id) born on or
  before the reference date and under 16 then (a missing birth date keeps the
  child, in age group ``unknown``), entered on or before it (or no entry date),
  not exited on or before it, and without an exit reason lacking its date;
- a child's commune is the register's; an event's child is the register's
  child with that id unless the row says ``registered_here`` false or the id is
  not on the register, in which case the sex, birth date and commune on the
  event row are used; rows of a person aged 16 or more at the event are not
  about a child;
- children counted through events take commune, sex and age group (age at the
  event) from their first event in the period (by date, then event id); event
  attributes are multi-response: distinct (child, category) pairs;
- missing categories: sex ``U``, ethnicity ``99``, disability ``UNKNOWN``,
  place, outcome and setting ``UNKNOWN``, others ``unknown``; a missing commune
  is the unit ``unknown``;
- denominators: the stock in the cell for rates and percentages of all
  children; for a dimension the stock does not carry (injury type, form of
  abuse, special-circumstance group over all children) the commune's stock.

Output: two long frames, numerators and denominators, with the columns of
:data:`KEYS`; a denominator row whose ``category`` is :data:`ANY` holds for
every category of its breakdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

START = dt.date(2024, 1, 1)
REFERENCE = dt.date(2024, 12, 31)
PERIOD = "2024"

#: Lower bounds of the default age groups and their labels.
AGE_BANDS = (0, 6, 10, 14)
AGE_LABELS = ("0-5", "6-9", "10-13", "14-15")
ADULT_AGE = 16
CONSULTATION_MIN_AGE = 7
DROWNING = "08"
DIED = "DIED"

UNKNOWN = "unknown"
#: Category of a denominator row that holds for every category of its breakdown.
ANY = "*"
TOTAL = "total"

#: Missing values of each dimension go to this category.
MISSING = {
    "sex": "U",
    "ethnicity": "99",
    "disability": "UNKNOWN",
    "place": "UNKNOWN",
    "outcome": "UNKNOWN",
    "setting": "UNKNOWN",
    "injury_type": UNKNOWN,
    "group": UNKNOWN,
    "form": UNKNOWN,
    "urban_rural": UNKNOWN,
}

CHILD_DIMS = ("sex", "age_group", "ethnicity", "urban_rural", "disability")
INJURY_DIMS = ("sex", "age_group", "urban_rural", "injury_type", "place", "outcome")
ABUSE_DIMS = ("sex", "age_group", "urban_rural", "form", "setting")

#: The eight main record-based indicators and their dimensions besides the commune.
EIGHT: dict[str, tuple[str, ...]] = {
    "child_population": CHILD_DIMS,
    "special_circumstances": ("group", *CHILD_DIMS),
    "special_circumstances_supported": ("group", *CHILD_DIMS),
    "injury_rate": INJURY_DIMS,
    "injury_death_rate": INJURY_DIMS,
    "drowning_deaths": INJURY_DIMS,
    "consulted_children": CHILD_DIMS,
    "abused_children_rate": ABUSE_DIMS,
}
#: Indicators with a denominator (the others are counts).
RATIOS = frozenset(EIGHT) - {"child_population", "drowning_deaths"}

KEYS = ["indicator_id", "breakdown", "unit_code", "division_version", "category"]


@dataclass
class Result:
    """Numerators and denominators of the eight indicators, long format."""

    numerators: pd.DataFrame  # KEYS + numerator
    denominators: pd.DataFrame  # KEYS + denominator (category ANY: every category)

    def save(self, stem: Path) -> None:
        self.numerators.to_parquet(f"{stem}.num.parquet", index=False)
        self.denominators.to_parquet(f"{stem}.den.parquet", index=False)

    @classmethod
    def load(cls, stem: Path) -> Result:
        return cls(pd.read_parquet(f"{stem}.num.parquet"), pd.read_parquet(f"{stem}.den.parquet"))


def normalise(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """KEYS as ``str``, *value* as float64, in a fixed order of columns."""
    out = pd.DataFrame({k: frame[k].astype("str").to_numpy(dtype=object) for k in KEYS})
    out = out.astype("str")
    out[value] = frame[value].to_numpy(dtype=np.float64)
    return out


def report_long(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the eight indicators of a :attr:`chitieu.Report.table`, long format."""
    rows = table.loc[table["indicator_id"].isin(list(EIGHT)).to_numpy(dtype=bool)]
    breakdown = rows["breakdown"].to_numpy(dtype=object)
    category = np.full(len(rows), TOTAL, dtype=object)
    for dim in set(breakdown) - {TOTAL}:
        mask = breakdown == dim
        category[mask] = rows[dim].to_numpy(dtype=object)[mask]
    out = pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"].to_numpy(dtype=object),
            "breakdown": breakdown,
            "unit_code": rows["unit_code"].to_numpy(dtype=object),
            "division_version": rows["division_version"].to_numpy(dtype=object),
            "category": category,
            "numerator": rows["numerator"].to_numpy(dtype=np.float64),
            "denominator": rows["denominator"].to_numpy(dtype=np.float64),
        }
    )
    return out


def compare(report_rows: pd.DataFrame, ref: Result, *, examples: int = 5) -> dict[str, Any]:
    """Cells where the reference and chitieu disagree.

    *report_rows* is :func:`report_long` of the report. A cell missing on one
    side counts as zero there (chitieu lists every category, zeros included,
    and leaves out empty ``unknown`` cells; a ``groupby`` lists only the
    categories it saw).
    """
    num = normalise(ref.numerators, "numerator")
    rep = normalise(report_rows, "numerator")
    both = rep.merge(num, on=KEYS, how="outer", suffixes=("", "_ref"))
    bad_num = both["numerator"].fillna(0).to_numpy() != both["numerator_ref"].fillna(0).to_numpy()

    den = normalise(ref.denominators, "denominator")
    rep_den = normalise(
        report_rows.loc[report_rows["indicator_id"].isin(list(RATIOS)).to_numpy(dtype=bool)],
        "denominator",
    )
    anywhere = den["category"].eq(ANY).to_numpy(dtype=bool)
    spread = den.loc[anywhere].drop(columns="category")
    exact = den.loc[~anywhere]
    spread_keys = set(zip(spread["indicator_id"], spread["breakdown"], strict=True))
    is_spread = np.array(
        [k in spread_keys for k in zip(rep_den["indicator_id"], rep_den["breakdown"], strict=True)],
        dtype=bool,
    )
    on_spread = rep_den.loc[is_spread].merge(
        spread, on=KEYS[:-1], how="left", suffixes=("", "_ref")
    )
    on_exact = rep_den.loc[~is_spread].merge(exact, on=KEYS, how="outer", suffixes=("", "_ref"))
    den_both = pd.concat([on_spread, on_exact], ignore_index=True)
    bad_den = (
        den_both["denominator"].fillna(0).to_numpy()
        != den_both["denominator_ref"].fillna(0).to_numpy()
    )
    shown = pd.concat(
        [both.loc[bad_num].head(examples), den_both.loc[bad_den].head(examples)],
        ignore_index=True,
    )
    return {
        "cells": len(both),
        "numerator_mismatches": int(bad_num.sum()),
        "denominator_mismatches": int(bad_den.sum()),
        "mismatches": int(bad_num.sum() + bad_den.sum()),
        "mismatch_indicators": sorted(
            set(both.loc[bad_num, "indicator_id"]) | set(den_both.loc[bad_den, "indicator_id"])
        ),
        "examples": shown.astype(object).where(shown.notna(), None).to_dict("records"),
    }


def load_submission(folder: Path) -> tuple[Any, float]:
    """The cached tables read back with ``pd.read_parquet``; and the time reading took.

    The canonical dtypes are restored after the timing (Parquet keeps them;
    this only makes sure).
    """
    import time

    from chitieu.schemas import TABLES, column_specs
    from chitieu.submission import Submission

    start = time.perf_counter()
    # a table the cache predates (added to the schemas later) stays empty
    frames = {
        t: pd.read_parquet(folder / f"{t}.parquet")
        for t in TABLES
        if (folder / f"{t}.parquet").exists()
    }
    took = time.perf_counter() - start
    for table, frame in frames.items():
        for name, spec in column_specs(table).items():
            if name not in frame:  # a column the cache predates: all missing
                frame[name] = pd.Series(pd.NA, index=frame.index).astype(spec.dtype)
            elif str(frame[name].dtype) != spec.dtype:
                frame[name] = frame[name].astype(spec.dtype)
    return Submission(**frames, tables_present=tuple(frames)), took


def frames_of(sub: Any) -> Mapping[str, pd.DataFrame]:
    """The tables of a submission as a plain mapping."""
    return dict(sub.tables())
