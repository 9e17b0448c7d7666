"""Consolidated commune submissions count every child in one place at a time.

Random communes, random children who move between them (spells that never
overlap, sometimes with a gap, sometimes back to a commune they left), events
dated inside the spell of the commune that records them. Consolidated with
:func:`chitieu.concat`, every count that belongs to one place (the stock at
the reference date, events) equals the sum of the communes' own counts, and no
child is in two stocks.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chitieu
from chitieu.errors import DataNotAvailableError
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, empty_frame
from chitieu.submission import Submission

COMMUNES = ("07774", "07777", "07780")
START = date(2023, 1, 1)
REFERENCE = date(2024, 12, 31)
PERIOD = "2024"

#: Indicators whose counts belong to one place, and the tables they need.
ONE_PLACE = (
    "child_population",
    "injury_events",
    "special_circumstances",
    "special_circumstances_supported",
    "consulted_children",
)


def _frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    base = empty_frame(table)
    data = pd.DataFrame(rows, columns=list(base.columns) if not rows else None)
    out = pd.DataFrame({c: data.get(c, pd.NA) for c in base.columns}, index=data.index)
    for column in base.columns:
        dtype = base[column].dtype
        out[column] = (
            pd.to_datetime(out[column]) if "datetime" in str(dtype) else out[column].astype(dtype)
        )
    out[SOURCE_FILE] = pd.Series([f"{table}.csv"] * len(out), index=out.index, dtype="str")
    out[SOURCE_ROW] = pd.array(range(2, len(out) + 2), dtype="Int64")
    return out


@st.composite
def children(draw: st.DrawFn) -> list[dict[str, object]]:
    """Children, each with its spells: commune, entry, exit (or open) and events."""
    out: list[dict[str, object]] = []
    for i in range(draw(st.integers(1, 8))):
        birth = START + timedelta(days=draw(st.integers(-17 * 365, 500)))
        day = max(birth, START + timedelta(days=draw(st.integers(-400, 300))))
        commune = draw(st.sampled_from(range(len(COMMUNES))))
        spells = []
        for k in range(draw(st.integers(1, 4))):
            length = draw(st.integers(1, 500))
            last = k > 0 and draw(st.booleans()) and draw(st.booleans())
            exit_ = None if last else day + timedelta(days=length)
            events = [
                (
                    draw(st.sampled_from(("injury", "consultation", "support"))),
                    day + timedelta(days=draw(st.integers(0, length - 1))),
                )
                for _ in range(draw(st.integers(0, 3)))
            ]
            circumstance = None
            if draw(st.booleans()):
                s = draw(st.integers(0, length - 1))
                e = draw(st.integers(s, length - 1))
                circumstance = (day + timedelta(days=s), day + timedelta(days=e))
            spells.append((COMMUNES[commune], day, exit_, events, circumstance))
            if exit_ is None:
                break
            day = exit_ + timedelta(days=draw(st.sampled_from((0, 0, 1, 40))))
            commune = (commune + draw(st.integers(0, len(COMMUNES) - 1))) % len(COMMUNES)
        out.append({"id": f"C{i}", "birth": birth, "spells": spells})
    return out


def _submissions(kids: list[dict[str, object]]) -> list[Submission]:
    """One submission per commune, with the spells and events that commune recorded."""
    rows: dict[str, dict[str, list[dict[str, object]]]] = {
        c: {
            "children": [],
            "injuries": [],
            "consultations": [],
            "supports": [],
            "circumstances": [],
        }
        for c in COMMUNES
    }
    n_events = 0
    for kid in kids:
        for commune, entry, exit_, events, circumstance in kid["spells"]:  # type: ignore[attr-defined]
            tables = rows[commune]
            tables["children"].append(
                {
                    "child_id": kid["id"],
                    "commune_code": commune,
                    "division_version": "2008",
                    "birth_date": kid["birth"],
                    "sex": "M" if int(str(kid["id"])[1:]) % 2 else "F",
                    "ethnicity": "01",
                    "entry_date": entry,
                    "exit_date": exit_,
                    "exit_reason": None if exit_ is None else "MOVED",
                }
            )
            for kind, day in events:
                n_events += 1
                if kind == "injury":
                    tables["injuries"].append(
                        {
                            "injury_id": f"I{n_events}",
                            "child_id": kid["id"],
                            "commune_code": commune,
                            "division_version": "2008",
                            "injury_date": day,
                            "injury_type": "01",
                        }
                    )
                elif kind == "consultation":
                    tables["consultations"].append(
                        {"child_id": kid["id"], "consultation_date": day, "form": "01"}
                    )
                else:
                    tables["supports"].append(
                        {"child_id": kid["id"], "support_date": day, "support_type": "01"}
                    )
            if circumstance is not None:
                start, end = circumstance
                tables["circumstances"].append(
                    {
                        "child_id": kid["id"],
                        "group": "HCDB_A",
                        "start_date": start,
                        "end_date": None if exit_ is None else end,
                    }
                )
    subs = []
    for commune in COMMUNES:
        frames = {table: _frame(table, r) for table, r in rows[commune].items()}
        units = _frame(
            "units",
            [
                {
                    "unit_code": commune,
                    "division_version": "2008",
                    "name": f"Xã {commune}",
                    "level": "COMMUNE",
                    "records_from": START,
                    "records_to": date(2025, 12, 31),
                }
            ],
        )
        subs.append(
            Submission(
                **frames,
                units=units,
                source=f"data/xa-{commune}",
                tables_present=(*frames, "units"),
            )
        )
    return subs


def _counts(sub: Submission, indicator: str) -> dict[tuple[str, str], float]:
    """Numerator and denominator of *indicator* per commune (no data, or no denominator: 0)."""
    try:
        r = chitieu.compute(indicator, sub, period=PERIOD, by=("commune",), validation="skip")
    except DataNotAvailableError:  # a commune without the records: nothing to add
        return {}
    out: dict[tuple[str, str], float] = {}
    for _, row in r.iterrows():
        for part in ("numerator", "denominator"):
            value = row[part]
            out[(str(row["unit_code"]), part)] = 0.0 if pd.isna(value) else float(value)
    return out


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@pytest.mark.slow
@given(children())
def test_consolidated_counts_are_the_sum_of_the_communes(kids: list[dict[str, object]]) -> None:
    parts = _submissions(kids)
    whole = chitieu.concat(parts)
    for indicator in ONE_PLACE:
        summed: dict[tuple[str, str], float] = {}
        for part in parts:
            for key, value in _counts(part, indicator).items():
                summed[key] = summed.get(key, 0.0) + value
        consolidated = _counts(whole, indicator)
        keys = set(summed) | set(consolidated)
        assert {k: consolidated.get(k, 0.0) for k in keys} == {
            k: summed.get(k, 0.0) for k in keys
        }, indicator


@pytest.mark.slow
@given(children())
def test_no_child_is_in_two_stocks(kids: list[dict[str, object]]) -> None:
    whole = chitieu.concat(_submissions(kids))
    expected = sum(
        1
        for kid in kids
        if kid["birth"] <= REFERENCE  # type: ignore[operator]
        and _age(kid["birth"], REFERENCE) < 16  # type: ignore[arg-type]
        and any(
            entry <= REFERENCE and (exit_ is None or exit_ > REFERENCE)
            for _, entry, exit_, _, _ in kid["spells"]  # type: ignore[attr-defined]
        )
    )
    r = chitieu.compute("child_population", whole, period=PERIOD, validation="skip")
    assert int(r["numerator"].iloc[0]) == expected
    by = chitieu.compute(
        "child_population", whole, period=PERIOD, by=("commune",), validation="skip"
    )
    assert int(by["numerator"].sum()) == expected
