"""Hypothesis invariants of the indicators (docs/semantics.md), each its own test.

Submissions are drawn small (a few communes, a few dozen children) so that every
example computes every records-based indicator by every single dimension.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu.codelists import codes
from chitieu.compute import Context as _Context
from chitieu.indicators import REGISTRY
from chitieu.indicators.examples import make_frame
from chitieu.submission import Submission

V = "2008"
COMMUNES = ("00001", "00002", "00003")
PERIOD = "2024"
COMPUTED = sorted(i for i, m in REGISTRY.items() if m.computable_from != "external")
PERCENTS = [i for i in COMPUTED if REGISTRY[i].kind == "percent"]
KEYS = ["numerator", "denominator"]

day = st.dates(min_value=date(2023, 10, 1), max_value=date(2025, 3, 31))
birth = st.dates(min_value=date(2006, 1, 1), max_value=date(2025, 3, 31))
maybe = st.none() | st.just("x")


# The invariants hold for the counting on the data as given: the strategy makes
# awkward but deliberate rows (unknown codes, duplicates), so no validation on the way in.
def Context(data: Submission, period: str) -> _Context:
    return _Context(data, period, validation="skip")


@st.composite
def submissions(draw: st.DrawFn) -> Submission:
    """A small submission, valid enough to compute from, with awkward corners."""
    # At least one child per commune: a commune with an empty register has no data
    # (tests/unit/test_inbound.py), and these invariants are about figures that exist.
    n = draw(st.integers(len(COMMUNES), 18))
    children: list[dict[str, Any]] = []
    for i in range(n):
        exit_day = draw(st.none() | day)
        children.append(
            {
                "child_id": f"C{i}",
                "commune_code": COMMUNES[i] if i < len(COMMUNES) else draw(st.sampled_from(COMMUNES)),
                "division_version": V,
                "birth_date": draw(birth).isoformat(),
                "sex": draw(st.sampled_from(["M", "F", "U", None])),
                "ethnicity": draw(st.sampled_from(["01", "02", "99", "ZZ"])),
                "disability": draw(st.sampled_from(["NONE", "MILD", None])),
                "birth_registered": draw(st.sampled_from([True, False, None])),
                "exit_date": None if exit_day is None else exit_day.isoformat(),
                "exit_reason": None if exit_day is None else "MOVED",
                "at_risk_from": draw(st.none() | day.map(date.isoformat)),
            }
        )
    ids = [c["child_id"] for c in children]
    commune_of = {c["child_id"]: c["commune_code"] for c in children}
    pick = st.sampled_from(ids) if ids else st.nothing()
    groups = codes("special_circumstance_group")[:4]
    circumstances = [
        {
            "child_id": draw(pick),
            "group": draw(st.sampled_from(groups)),
            "start_date": draw(day).isoformat(),
            "end_date": draw(st.none() | day.map(date.isoformat)),
        }
        for _ in range(draw(st.integers(0, 8) if ids else st.just(0)))
    ]
    supports = [
        {"child_id": draw(pick), "support_date": draw(day).isoformat(), "support_type": "GIFT"}
        for _ in range(draw(st.integers(0, 6) if ids else st.just(0)))
    ]
    consultations = [
        {"child_id": draw(pick), "consultation_date": draw(day).isoformat(), "form": "FORUM"}
        for _ in range(draw(st.integers(0, 6) if ids else st.just(0)))
    ]
    injuries = []
    for k in range(draw(st.integers(0, 8))):
        visitor = not ids or draw(st.booleans())
        commune = draw(st.sampled_from(COMMUNES))
        cid = f"V{commune}{draw(st.integers(0, 2))}" if visitor else draw(pick)
        injuries.append(
            {
                "injury_id": f"I{k}",
                "child_id": cid,
                "registered_here": not visitor,
                "injury_date": draw(day).isoformat(),
                "commune_code": commune if visitor else commune_of[cid],
                "division_version": V,
                "injury_type": draw(st.sampled_from(["01", "08", "03", None])),
                "place": draw(st.sampled_from(["HOME", "SCHOOL", None])),
                "outcome": draw(st.sampled_from(["INJURED", "DIED"])),
                "sex": draw(st.sampled_from(["M", "F"])) if visitor else None,
                "birth_date": draw(birth).isoformat() if visitor else None,
            }
        )
    cases, victims = [], []
    for k in range(draw(st.integers(0, 4))):
        commune = draw(st.sampled_from(COMMUNES))
        cases.append(
            {
                "case_id": f"A{k}",
                "detected_date": draw(day).isoformat(),
                "commune_code": commune,
                "division_version": V,
                "setting": draw(st.sampled_from(["FAMILY", "SCHOOL", None])),
            }
        )
        local = [c for c in ids if commune_of[c] == commune]
        for cid in draw(st.lists(st.sampled_from(local), max_size=2, unique=True)) if local else []:
            victims.append(
                {
                    "case_id": f"A{k}",
                    "child_id": cid,
                    "registered_here": True,
                    "forms": draw(st.sampled_from(["BL", "XHTD", "BL;XHTD", None])),
                    "support_date": draw(st.none() | day.map(date.isoformat)),
                }
            )
    sanctions = []
    for k in range(draw(st.integers(0, 4))):
        commune = draw(st.sampled_from(COMMUNES))
        sanctions.append(
            {
                "decision_id": f"D{k}",
                "decision_date": draw(day).isoformat(),
                "commune_code": commune,
                "division_version": V,
                "case_id": draw(st.sampled_from([None, f"A{commune}"])),
                "violator_type": draw(st.sampled_from(["INDIVIDUAL", "ORGANISATION"])),
                "violator_id": draw(st.sampled_from([None, f"P{commune}1", f"P{commune}2"])),
                "act": draw(st.sampled_from(["BL", "XHTD", None])),
                "fine_vnd": draw(st.none() | st.integers(0, 50_000_000)),
                "measures": draw(st.sampled_from(["FINE", "WARNING;FINE", None])),
            }
        )
    units = []
    for c in COMMUNES:
        villages = draw(st.none() | st.integers(0, 12))
        units.append(
            {
                "unit_code": c,
                "division_version": V,
                "name": c,
                "level": "COMMUNE",
                "records_from": "2024-01-01",
                "records_to": "2024-12-31",
                "province_code": "01",
                "urban_rural": draw(st.sampled_from(["URBAN", "RURAL", None])),
                "villages": villages,
                "villages_with_facilities": None
                if villages is None
                else draw(st.integers(0, villages)),
                "has_playground": draw(st.sampled_from([True, False, None])),
                "child_friendly": draw(st.sampled_from([True, False, None])),
                "population_total": draw(st.none() | st.integers(0, 9000)),
                "live_births": draw(st.none() | st.integers(0, 100)),
                "deaths_neonatal": draw(st.none() | st.integers(0, 3)),
                "deaths_under1": draw(st.none() | st.integers(0, 3)),
                "deaths_under5": draw(st.none() | st.integers(0, 3)),
            }
        )
    return Submission(
        children=make_frame("children", children),
        circumstances=make_frame("circumstances", circumstances),
        supports=make_frame("supports", supports),
        consultations=make_frame("consultations", consultations),
        injuries=make_frame("injuries", injuries),
        abuse_cases=make_frame("abuse_cases", cases),
        abuse_victims=make_frame("abuse_victims", victims),
        sanctions=make_frame("sanctions", sanctions),
        units=make_frame("units", units),
    )


def _dims(indicator_id: str) -> list[tuple[str, ...]]:
    return [(), *[(d,) for d in REGISTRY[indicator_id].dimensions]]


def _by_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c for c in frame.columns if c not in ("numerator", "denominator", "value", "units_missing")
    ]


@pytest.mark.slow
@given(submissions())
def test_percent_numerator_between_zero_and_denominator(sub: Submission) -> None:
    ctx = Context(sub, PERIOD)
    for iid in PERCENTS:
        for by in _dims(iid):
            out = ctx.compute(iid, by=by)
            assert (out["numerator"] >= 0).all(), (iid, by)
            assert (out["numerator"] <= out["denominator"]).all(), (iid, by)
            zero = out["denominator"] == 0
            assert out.loc[zero, "value"].isna().all(), (iid, by)
            assert ((out.loc[~zero, "value"] >= 0) & (out.loc[~zero, "value"] <= 100)).all()


@pytest.mark.slow
@given(submissions())
def test_single_response_rows_add_up_to_the_total(sub: Submission) -> None:
    ctx = Context(sub, PERIOD)
    for iid in COMPUTED:
        meta = REGISTRY[iid]
        total = ctx.compute(iid).iloc[0]
        for dim in meta.dimensions:
            if dim in meta.multi_response:
                continue
            rows = ctx.compute(iid, by=(dim,))
            assert np.isclose(rows["numerator"].sum(), total["numerator"]), (iid, dim)
            if meta.kind not in ("count", "sum"):
                den = rows["denominator"]
                assert np.isclose(den.sum(), total["denominator"]) or np.allclose(
                    den, total["denominator"]
                ), (iid, dim)


@pytest.mark.slow
@given(submissions())
def test_multi_response_rows_each_within_total_and_total_within_their_sum(
    sub: Submission,
) -> None:
    ctx = Context(sub, PERIOD)
    for iid in COMPUTED:
        meta = REGISTRY[iid]
        total = ctx.compute(iid).iloc[0]["numerator"]
        for dim in meta.multi_response:
            rows = ctx.compute(iid, by=(dim,))["numerator"]
            assert (rows <= total).all(), (iid, dim)
            assert total <= rows.sum(), (iid, dim)


def _part(sub: Submission, commune: str) -> Submission:
    """The records of one commune: its children and their facts, its events, its unit."""
    ch = sub.children
    ids = set(ch.loc[ch["commune_code"] == commune, "child_id"])

    def of_children(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["child_id"].isin(ids)]

    inj = sub.injuries
    mine = inj["child_id"].isin(ids) | (
        ~inj["registered_here"].astype(bool) & (inj["commune_code"] == commune)
    )
    cases = sub.abuse_cases.loc[sub.abuse_cases["commune_code"] == commune]
    return Submission(
        children=ch.loc[ch["commune_code"] == commune],
        circumstances=of_children(sub.circumstances),
        supports=of_children(sub.supports),
        consultations=of_children(sub.consultations),
        injuries=inj.loc[mine],
        abuse_cases=cases,
        abuse_victims=sub.abuse_victims.loc[sub.abuse_victims["case_id"].isin(cases["case_id"])],
        sanctions=sub.sanctions.loc[sub.sanctions["commune_code"] == commune],
        units=sub.units.loc[sub.units["unit_code"] == commune],
    )


def _sum_parts(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    both = pd.concat(frames, ignore_index=True)
    cols = [c for c in ("numerator", "denominator", "units_missing") if c in both.columns]
    if not keys:
        return both[cols].fillna(0).sum().to_frame().T
    return both.groupby(keys, observed=True)[cols].sum(min_count=0).fillna(0)


@pytest.mark.slow
@given(submissions())
def test_summing_communes_computed_apart_equals_the_whole(sub: Submission) -> None:
    whole = Context(sub, PERIOD)
    parts = [Context(_part(sub, c), PERIOD) for c in COMMUNES]
    for iid in COMPUTED:
        for by in _dims(iid):
            full = whole.compute(iid, by=by)
            keys = _by_columns(full)
            got = _sum_parts([p.compute(iid, by=by) for p in parts], keys)
            want = _sum_parts([full], keys)
            if keys:
                want = want.loc[(want != 0).any(axis=1)]
                got = got.loc[(got != 0).any(axis=1)]
                got, want = got.sort_index(), want.sort_index()
            np.testing.assert_allclose(
                got.to_numpy(float), want.to_numpy(float), err_msg=f"{iid} by {by}"
            )


@pytest.mark.slow
@given(submissions(), st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(sub: Submission, rnd: Any) -> None:
    shuffled = {}
    for name, frame in sub.tables():
        order = list(range(len(frame)))
        rnd.shuffle(order)
        shuffled[name] = frame.iloc[order].reset_index(drop=True)
    a, b = Context(sub, PERIOD), Context(Submission(**shuffled), PERIOD)
    for iid in COMPUTED:
        for by in _dims(iid):
            pd.testing.assert_frame_equal(a.compute(iid, by=by), b.compute(iid, by=by))


@given(
    submissions(),
    st.sampled_from(COMMUNES),
    st.sampled_from(["M", "F"]),
    st.integers(0, 15 * 365),
    st.sampled_from(["01", "08", "11"]),
    st.sampled_from(["HOME", "SCHOOL", "COMMUNITY"]),
)
@pytest.mark.slow
def test_adding_one_injured_child_adds_one_to_the_right_cells(
    sub: Submission, commune: str, sex: str, age_days: int, injury_type: str, place: str
) -> None:
    born = date(2024, 12, 31) - timedelta(days=age_days)
    child = make_frame(
        "children",
        [
            {
                "child_id": "NEW",
                "commune_code": commune,
                "division_version": V,
                "birth_date": born.isoformat(),
                "sex": sex,
                "ethnicity": "01",
            }
        ],
    )
    injury = make_frame(
        "injuries",
        [
            {
                "injury_id": "INEW",
                "child_id": "NEW",
                "registered_here": True,
                "injury_date": "2024-12-31",
                "commune_code": commune,
                "division_version": V,
                "injury_type": injury_type,
                "place": place,
                "outcome": "INJURED",
            }
        ],
    )
    more = sub.replace(
        children=pd.concat([sub.children, child], ignore_index=True),
        injuries=pd.concat([sub.injuries, injury], ignore_index=True),
    )
    before, after = Context(sub, PERIOD), Context(more, PERIOD)
    age = age_days and (date(2024, 12, 31).year - born.year - ((born.month, born.day) > (12, 31)))
    bands = ["0-5", "6-9", "10-13", "14-15"]
    band = bands[sum(age >= b for b in (6, 10, 14))]
    expected = {
        "commune": commune,
        "sex": sex,
        "age_group": band,
        "injury_type": injury_type,
        "place": place,
        "outcome": "INJURED",
        "urban_rural": None,
    }
    for iid in ("injury_rate", "injury_events"):
        for dim, category in expected.items():
            b = before.compute(iid, by=(dim,))
            a = after.compute(iid, by=(dim,))
            keys = _by_columns(a)
            merged = a.merge(b, on=keys, how="left", suffixes=("", "_before")).fillna(0)
            diff = merged["numerator"] - merged["numerator_before"]
            assert diff.sum() == 1 and set(diff.unique()) <= {0, 1}, (iid, dim)
            if category is not None:
                column = "unit_code" if dim == "commune" else dim
                hit = merged.loc[diff == 1, column].tolist()
                assert hit == [category], (iid, dim, hit)
