"""The eight indicators in idiomatic pandas: masks, ``merge``, ``drop_duplicates``, ``groupby``.

See :mod:`references.common` for the rules and the output format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from references.common import (
    ADULT_AGE,
    AGE_BANDS,
    AGE_LABELS,
    ANY,
    CONSULTATION_MIN_AGE,
    DIED,
    DROWNING,
    EIGHT,
    MISSING,
    REFERENCE,
    START,
    TOTAL,
    UNKNOWN,
    Result,
)

REF = pd.Timestamp(REFERENCE)
FIRST = pd.Timestamp(START)
COMMUNE = ["unit_code", "division_version"]


def _age(birth: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """Completed years from *birth* to *on* (NaN where the birth is missing)."""
    if isinstance(on, pd.Timestamp):
        year, month, day = on.year, on.month, on.day
    else:
        year, month, day = on.dt.year, on.dt.month, on.dt.day
    before = (month < birth.dt.month) | ((month == birth.dt.month) & (day < birth.dt.day))
    return (year - birth.dt.year - before.astype("int64")).astype("float64")


def _age_group(age: pd.Series) -> pd.Series:
    conditions = [
        (age >= lo) & (age < hi)
        for lo, hi in zip(AGE_BANDS, (*AGE_BANDS[1:], ADULT_AGE), strict=True)
    ]
    return pd.Series(np.select(conditions, AGE_LABELS, default=UNKNOWN), index=age.index)


def _commune(code: pd.Series, version: pd.Series) -> pd.DataFrame:
    """``unit_code`` and ``division_version``; a missing or blank code is ``unknown``."""
    missing = code.isna() | code.str.strip().eq("")
    return pd.DataFrame(
        {
            "unit_code": code.where(~missing, UNKNOWN),
            "division_version": version.fillna("").where(~missing, UNKNOWN),
        }
    )


def _urban_rural(units: pd.DataFrame) -> pd.DataFrame:
    communes = units.loc[units["level"] == "COMMUNE"].drop_duplicates(COMMUNE)
    return communes[[*COMMUNE, "urban_rural"]]


def _with_urban_rural(frame: pd.DataFrame, ur: pd.DataFrame) -> pd.DataFrame:
    out = frame.merge(ur, on=COMMUNE, how="left")
    out["urban_rural"] = out["urban_rural"].fillna(MISSING["urban_rural"])
    return out


def _register(children: pd.DataFrame, ur: pd.DataFrame) -> pd.DataFrame:
    """Every child of the register (first row of an id), with its codes and stock flag."""
    ch = children.drop_duplicates("child_id")
    reg = pd.concat(
        [
            ch[["child_id", "birth_date"]].reset_index(drop=True),
            _commune(ch["commune_code"], ch["division_version"]).reset_index(drop=True),
        ],
        axis=1,
    )
    for dim in ("sex", "ethnicity", "disability"):
        reg[dim] = ch[dim].fillna(MISSING[dim]).to_numpy()
    reg = _with_urban_rural(reg, ur)
    age = _age(reg["birth_date"], REF)
    reg["age"] = age
    reg["age_group"] = _age_group(age)
    entry, exit_ = ch["entry_date"].to_numpy(), ch["exit_date"]
    in_stock = (
        (pd.isna(entry) | (entry <= REF.to_datetime64()))
        & (exit_.isna() | (exit_ > REF)).to_numpy()
        & ~(ch["exit_reason"].notna() & exit_.isna()).to_numpy()
        & (age.isna() | ((age >= 0) & (age < ADULT_AGE))).to_numpy()
    )
    reg["in_stock"] = in_stock
    return reg


def _in_period(dates: pd.Series) -> pd.Series:
    return dates.between(FIRST, REF)


def _children_of_events(
    events: pd.DataFrame, date: str, order: str, reg: pd.DataFrame, ur: pd.DataFrame
) -> pd.DataFrame:
    """Event rows in the period, resolved to children: key, commune, sex, age at the event."""
    ev = events.loc[_in_period(events[date])].reset_index(drop=True)
    not_here = ev["registered_here"].eq(False).fillna(False)
    known_ids = reg[["child_id", "birth_date", "sex", *COMMUNE]]
    ev = ev.merge(known_ids, on="child_id", how="left", suffixes=("_event", ""), indicator=True)
    known = (ev["_merge"] == "both") & ~not_here
    own = _commune(ev["commune_code"], ev["division_version_event"])
    ev["unit_code"] = ev["unit_code"].where(known, own["unit_code"])
    ev["division_version"] = ev["division_version"].where(known, own["division_version"])
    ev["sex"] = ev["sex"].where(known, ev["sex_event"].fillna(MISSING["sex"]))
    ev["birth_date"] = ev["birth_date"].where(known, ev["birth_date_event"])
    ev["key"] = np.where(known, "R", "O") + ev["child_id"].astype("str").fillna("")
    age = _age(ev["birth_date"], ev[date])
    ev = ev.loc[age.isna() | ((age >= 0) & (age < ADULT_AGE))].copy()
    ev["age_group"] = _age_group(age.loc[ev.index])
    ev = _with_urban_rural(ev.drop(columns="urban_rural", errors="ignore"), ur)
    return ev.sort_values([date, order], kind="stable").reset_index(drop=True)


def _counts(
    units: pd.DataFrame,
    dims: Sequence[str],
    indicator: str,
    value: str,
    multi: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Distinct units by commune, then by commune x each dimension, one at a time.

    *units* has one row per unit (``key``, commune and single-response
    dimensions); *multi* gives the ``(key, category)`` pairs of the
    multi-response ones.
    """
    parts = []
    total = units.groupby(COMMUNE, sort=False).size().rename(value).reset_index()
    parts.append(total.assign(breakdown=TOTAL, category=TOTAL))
    for dim in dims:
        if multi and dim in multi:
            pairs = multi[dim].drop_duplicates().merge(units[["key", *COMMUNE]], on="key")
            grouped = pairs.groupby([*COMMUNE, dim], sort=False).size()
        else:
            grouped = units.groupby([*COMMUNE, dim], sort=False).size()
        frame = grouped.rename(value).reset_index().rename(columns={dim: "category"})
        parts.append(frame.assign(breakdown=dim))
    out = pd.concat(parts, ignore_index=True)
    out["indicator_id"] = indicator
    return out


def _spread(
    stock_counts: pd.DataFrame, dims: Sequence[str], carried: Sequence[str]
) -> pd.DataFrame:
    """Denominator rows for breakdowns the stock does not carry: the commune's stock."""
    total = stock_counts.loc[stock_counts["breakdown"] == TOTAL]
    extra = [total.assign(breakdown=dim, category=ANY) for dim in dims if dim not in carried]
    keep = stock_counts.loc[stock_counts["breakdown"].isin([TOTAL, *carried])]
    return pd.concat([keep, *extra], ignore_index=True)


def compute(frames: Mapping[str, pd.DataFrame]) -> Result:
    """Numerators and denominators of the eight indicators for 2024."""
    ur = _urban_rural(frames["units"])
    reg = _register(frames["children"], ur)
    stock = reg.loc[reg["in_stock"]].rename(columns={"child_id": "key"})
    child_dims = ("sex", "age_group", "ethnicity", "urban_rural", "disability")
    nums: list[pd.DataFrame] = []
    dens: list[pd.DataFrame] = []

    def stock_denominator(indicator: str, dims: Sequence[str], base: pd.DataFrame) -> None:
        carried = [d for d in dims if d in base.columns]
        counts = _counts(base, carried, indicator, "denominator")
        dens.append(_spread(counts, dims, carried))

    # child_population
    nums.append(_counts(stock, EIGHT["child_population"], "child_population", "numerator"))

    # special circumstances at the reference date
    circ = frames["circumstances"]
    active = (circ["start_date"] <= REF) & (circ["end_date"].isna() | (circ["end_date"] >= REF))
    spells = circ.loc[active, ["child_id", "group"]].rename(columns={"child_id": "key"})
    spells = spells.merge(stock[["key"]], on="key")  # children of the stock only
    spells["group"] = spells["group"].fillna(MISSING["group"])
    in_sc = stock.loc[stock["key"].isin(spells["key"].unique())]
    dims = EIGHT["special_circumstances"]
    nums.append(_counts(in_sc, dims, "special_circumstances", "numerator", {"group": spells}))
    stock_denominator("special_circumstances", dims, stock)

    sup = frames["supports"]
    supported_ids = sup.loc[_in_period(sup["support_date"]), "child_id"]
    supported = in_sc.loc[in_sc["key"].isin(supported_ids.unique())]
    name = "special_circumstances_supported"
    nums.append(_counts(supported, dims, name, "numerator", {"group": spells}))
    dens.append(_counts(in_sc, dims, name, "denominator", {"group": spells}))

    # injuries
    injuries = frames["injuries"].copy()
    for dim in ("injury_type", "place", "outcome"):
        injuries[dim] = injuries[dim].fillna(MISSING[dim])
    ev = _children_of_events(injuries, "injury_date", "injury_id", reg, ur)
    event_dims = ("injury_type", "place", "outcome")
    for name, mask in (
        ("injury_rate", pd.Series(True, index=ev.index)),
        ("injury_death_rate", ev["outcome"] == DIED),
        ("drowning_deaths", (ev["injury_type"] == DROWNING) & (ev["outcome"] == DIED)),
    ):
        rows = ev.loc[mask]
        children = rows.drop_duplicates("key", keep="first")
        multi = {d: rows[["key", d]] for d in event_dims}
        nums.append(_counts(children, EIGHT[name], name, "numerator", multi))
        if name != "drowning_deaths":
            stock_denominator(name, EIGHT[name], stock)

    # consulted children aged 7+
    eligible = stock.loc[stock["age"] >= CONSULTATION_MIN_AGE]
    cons = frames["consultations"]
    consulted_ids = cons.loc[_in_period(cons["consultation_date"]), "child_id"]
    consulted = eligible.loc[eligible["key"].isin(consulted_ids.unique())]
    nums.append(_counts(consulted, child_dims, "consulted_children", "numerator"))
    dens.append(_counts(eligible, child_dims, "consulted_children", "denominator"))

    # abused children per 1,000
    cases = frames["abuse_cases"].drop_duplicates("case_id")
    cases = cases[["case_id", "detected_date", "commune_code", "division_version", "setting"]]
    victims = frames["abuse_victims"][
        ["case_id", "child_id", "registered_here", "forms", "sex", "birth_date"]
    ].merge(cases, on="case_id", how="left")
    victims["setting"] = victims["setting"].fillna(MISSING["setting"])
    victims["victim_key"] = (
        victims["case_id"].astype("str") + "|" + victims["child_id"].astype("str")
    )
    vev = _children_of_events(victims, "detected_date", "victim_key", reg, ur)
    abused = vev.drop_duplicates("key", keep="first")
    forms = vev[["key", "forms"]].copy()
    forms["form"] = forms["forms"].fillna("").str.replace(r"[,|]", ";", regex=True).str.split(";")
    forms = forms.explode("form")
    forms["form"] = forms["form"].str.strip()
    forms = forms.loc[forms["form"].ne("")]
    no_form = vev.loc[~vev.index.isin(forms.index), ["key"]].assign(form=MISSING["form"])
    pairs = pd.concat([forms[["key", "form"]], no_form], ignore_index=True)
    multi = {"form": pairs, "setting": vev[["key", "setting"]]}
    name = "abused_children_rate"
    nums.append(_counts(abused, EIGHT[name], name, "numerator", multi))
    stock_denominator(name, EIGHT[name], stock)

    return Result(pd.concat(nums, ignore_index=True), pd.concat(dens, ignore_index=True))
