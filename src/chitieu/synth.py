"""Realistic synthetic submissions, deterministic for a seed and valid by construction.

The magnitudes follow published figures (see the constants below): a commune of
4,000-5,000 children sees in a year 45-90 children in special circumstances,
25-30 recorded injuries, under one injury death and zero or one abuse case.
Everything is drawn with NumPy's ``default_rng(seed)`` in vectorised form, so a
million children take seconds.

Examples
--------
>>> from chitieu import synth
>>> sub = synth.generate(n_children=2000, seed=7, year=2024)
>>> len(sub.children), int(sub.units["level"].eq("COMMUNE").sum())
(2000, 1)
>>> sub.children.equals(synth.generate(n_children=2000, seed=7, year=2024).children)
True
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from chitieu.codelists import codelist, codes
from chitieu.schemas import column_specs
from chitieu.submission import Submission

__all__ = ["generate"]

# -- assumptions (orders of magnitude; agencies disagree by up to 30%) -----------
CHILDREN_PER_COMMUNE = 4_500          # children under 16 in a typical commune
COMMUNES_PER_DISTRICT = 12
SEX_SHARES = (0.522, 0.474, 0.004)    # M, F, unknown: sex ratio at birth about 110
EXITED_SHARE = 0.05                   # left the register during the year
OVER_16_SHARE = 0.02                  # turned 16 but still on the register
DISABILITY_SHARE = 0.012
AT_RISK_SHARE = 0.02
BIRTH_REGISTERED_SHARE = 0.985
SPECIAL_CIRCUMSTANCES_SHARE = 0.014   # provinces report 1.0-1.3%
SECOND_GROUP_SHARE = 0.12             # of children in special circumstances
SUPPORTED_SHARE = 0.95
CONSULTED_SHARE_7PLUS = 0.20
INJURIES_PER_1000 = 3.0
INJURY_DEATHS_PER_100K = 5.0
ABUSE_CASES_PER_100K = 10.0
SANCTIONS_PER_100K = 1.5
# Weights of the 14 special-circumstance groups (HCDB_A .. HCDB_O).
GROUP_WEIGHTS = {
    "HCDB_A": 6, "HCDB_B": 1, "HCDB_C": 10, "HCDB_D": 45, "HCDB_DD": 2, "HCDB_E": 2,
    "HCDB_G": 0.5, "HCDB_H": 2, "HCDB_I": 0.5, "HCDB_K": 0.3, "HCDB_L": 1.5, "HCDB_M": 0.2,
    "HCDB_N": 28, "HCDB_O": 1,
}
# Injury types 01..11: falls and traffic lead; drowning about 8%.
INJURY_TYPE_WEIGHTS = (30, 8, 22, 4, 9, 3, 6, 8, 0.5, 1.5, 8)
INJURY_PLACE_WEIGHTS = {"HOME": 45, "SCHOOL": 15, "COMMUNITY": 38, "UNKNOWN": 2}
ABUSE_FORM_WEIGHTS = {"XHTD": 80, "BL": 12, "BLOT": 2, "MB": 1, "BR": 2, "BM": 2, "KHAC": 1}
SETTING_WEIGHTS = {"FAMILY": 30, "SCHOOL": 8, "COMMUNITY": 45, "ONLINE": 10, "FACILITY": 1,
                   "OTHER": 4, "UNKNOWN": 2}
PERPETRATOR_WEIGHTS = {"ACQUAINTANCE": 59, "FAMILY": 21, "SCHOOL_STAFF": 6, "STRANGER": 8,
                       "OTHER": 4, "UNKNOWN": 2}
HANDLING_WEIGHTS = {"CRIMINAL": 60, "ADMINISTRATIVE": 20, "OTHER": 8, "PENDING": 12}
COMMUNE_PREFIXES = ("Xã", "Xã", "Xã", "Thị trấn", "Phường")
COMMUNE_NAMES = (
    "Thắng", "Hoàng An", "Thái Sơn", "Lương Phong", "Đoan Bái", "Bắc Lý", "Đông Lỗ", "Hùng Sơn",
    "Mai Đình", "Ngọc Sơn", "Hợp Thịnh", "Quang Minh", "Xuân Cẩm", "Châu Minh", "Đại Thành",
    "Danh Thắng", "Hòa Sơn", "Mai Trung", "Thanh Vân", "Hương Lâm", "An Bình", "Tân Tiến",
)


def _p(weights: dict[str, float] | tuple[float, ...]) -> np.ndarray:
    arr = np.asarray(list(weights.values()) if isinstance(weights, dict) else weights, float)
    return arr / arr.sum()


def _frame(table: str, data: dict[str, object], n: int) -> pd.DataFrame:
    out = {}
    for name, spec in column_specs(table).items():
        value = data.get(name)
        if value is None:
            out[name] = pd.Series([None] * n, dtype=spec.dtype)
        elif np.isscalar(value):
            out[name] = pd.Series([value] * n, dtype=spec.dtype)
        else:
            arr = np.asarray(value)
            out[name] = pd.Series(arr if arr.size else [], dtype=spec.dtype)
    return pd.DataFrame(out)


def _days(start: np.datetime64, n_days: np.ndarray | int) -> np.ndarray:
    return (start + np.asarray(n_days).astype("timedelta64[D]")).astype("datetime64[us]")


def generate(
    n_children: int = 5000,
    *,
    seed: int = 0,
    year: int = 2024,
    n_communes: int | None = None,
    division_version: str = "2008",
    province_code: str = "24",
) -> Submission:
    """A realistic synthetic submission for *year*.

    Parameters
    ----------
    n_children
        Children on the register (including some who left during the year).
    seed
        Seed of the random generator: the same arguments give identical frames.
    year
        The year the events fall in; nothing is dated after yesterday.
    n_communes
        Communes to spread the children over (default: one per 4,500 children).
    division_version
        ``"2008"`` (communes in districts) or ``"2025"`` (no districts).
    province_code
        The province's two-digit code.
    """
    if n_children < 1:
        raise ValueError("n_children must be at least 1")
    rng = np.random.default_rng(seed)
    n = int(n_children)
    k = n_communes or max(1, round(n / CHILDREN_PER_COMMUNE))
    start = np.datetime64(f"{year}-01-01", "D")
    end = np.datetime64(f"{year}-12-31", "D")
    yesterday = np.datetime64(dt.date.today() - dt.timedelta(days=1), "D")
    end = min(end, yesterday)
    n_year_days = int((end - start).astype(int)) + 1

    # -- units -------------------------------------------------------------------
    with_districts = division_version == "2008"
    commune_codes = np.array([f"{10000 + 7 * i:05d}" for i in range(k)])
    district_idx = np.arange(k) // COMMUNES_PER_DISTRICT
    district_codes = np.array([f"{200 + d:03d}" for d in district_idx])
    names = [
        f"{COMMUNE_PREFIXES[i % len(COMMUNE_PREFIXES)]} {COMMUNE_NAMES[i % len(COMMUNE_NAMES)]}"
        + (f" {i // len(COMMUNE_NAMES) + 1}" if i >= len(COMMUNE_NAMES) else "")
        for i in range(k)
    ]
    weights = rng.gamma(4.0, 1.0, size=k)
    commune_of_child = rng.choice(k, size=n, p=weights / weights.sum())
    children_per_commune = np.bincount(commune_of_child, minlength=k)
    villages = rng.integers(5, 21, size=k)
    live_births = np.maximum(1, rng.poisson(children_per_commune / 16.0))
    under5 = rng.binomial(live_births, 0.018)
    under1 = rng.binomial(under5, 0.75)
    neonatal = rng.binomial(under1, 0.6)
    units = {
        "unit_code": commune_codes,
        "division_version": division_version,
        "name": names,
        "level": "COMMUNE",
        "district_code": district_codes if with_districts else None,
        "province_code": province_code,
        "urban_rural": np.where(rng.random(k) < 0.3, "URBAN", "RURAL"),
        "villages": villages,
        "villages_with_facilities": rng.binomial(villages, 0.6),
        "has_playground": rng.random(k) < 0.45,
        "child_friendly": rng.random(k) < 0.57,
        "population_total": (children_per_commune * rng.uniform(3.6, 4.2, size=k)).astype(int),
        "live_births": live_births,
        "deaths_neonatal": neonatal,
        "deaths_under1": under1,
        "deaths_under5": under5,
    }
    unit_frames = [_frame("units", units, k)]
    parents: dict[str, list[object]] = {"unit_code": [], "name": [], "level": [], "district_code": []}
    if with_districts:
        for d in sorted(set(district_codes.tolist())):
            parents["unit_code"].append(d)
            parents["name"].append(f"Huyện {COMMUNE_NAMES[int(d) % len(COMMUNE_NAMES)]}")
            parents["level"].append("DISTRICT")
            parents["district_code"].append(None)
    parents["unit_code"].append(province_code)
    parents["name"].append(f"Tỉnh {province_code}")
    parents["level"].append("PROVINCE")
    parents["district_code"].append(None)
    m = len(parents["unit_code"])
    parent_rows = {
        **parents, "division_version": division_version,
        "province_code": [province_code if lv == "DISTRICT" else None for lv in parents["level"]],
    }
    unit_frames.append(_frame("units", parent_rows, m))
    units_frame = pd.concat(unit_frames, ignore_index=True)

    # -- children ----------------------------------------------------------------
    ref = end
    age_days = rng.integers(0, 16 * 365, size=n)
    over = rng.random(n) < OVER_16_SHARE
    age_days[over] = rng.integers(16 * 365 + 10, 17 * 365, size=int(over.sum()))
    # a slightly declining pyramid: younger cohorts a little smaller
    age_days = np.where(rng.random(n) < 0.06, rng.integers(8 * 365, 16 * 365, size=n), age_days)
    birth = (ref - age_days.astype("timedelta64[D]")).astype("datetime64[D]")
    sex = rng.choice(np.array(["M", "F", "U"]), size=n, p=np.array(SEX_SHARES))
    minority_share = rng.beta(0.6, 4.0, size=k)  # most communes mostly Kinh
    minority = rng.random(n) < minority_share[commune_of_child]
    minority_codes = np.array(["02", "03", "06", "07", "08", "09", "04", "05", "10", "12", "13", "18"])
    ethnicity = np.where(minority, rng.choice(minority_codes, size=n), "01")
    ethnicity = np.where(rng.random(n) < 0.003, "99", ethnicity)
    entry_lag = rng.integers(0, 60, size=n)
    entry = birth + entry_lag.astype("timedelta64[D]")
    late_entry = rng.random(n) < 0.08  # moved in later
    entry = np.where(late_entry, birth + (rng.random(n) * (ref - birth).astype(int)).astype("timedelta64[D]"), entry)
    entry = np.minimum(entry, ref)
    exited = rng.random(n) < EXITED_SHARE
    exit_date = np.where(
        exited, start + rng.integers(0, n_year_days, size=n).astype("timedelta64[D]"), np.datetime64("NaT")
    ).astype("datetime64[D]")
    exit_date = np.where(exited, np.maximum(exit_date, entry), exit_date)
    exit_reason = np.where(exited, rng.choice(np.array(["MOVED", "DIED", "OTHER"]), size=n, p=[0.9, 0.02, 0.08]), None)
    disability = np.where(rng.random(n) < DISABILITY_SHARE,
                          rng.choice(np.array(["ESPECIALLY_SEVERE", "SEVERE", "MILD"]), size=n, p=[0.2, 0.35, 0.45]),
                          "NONE")
    disability = np.where(rng.random(n) < 0.01, None, disability)
    registered = rng.random(n) < BIRTH_REGISTERED_SHARE
    at_risk = rng.random(n) < AT_RISK_SHARE
    at_risk_from = np.where(at_risk, np.maximum(birth, ref - rng.integers(30, 900, size=n).astype("timedelta64[D]")),
                            np.datetime64("NaT")).astype("datetime64[D]")
    at_risk_from = np.where(at_risk, np.minimum(at_risk_from, ref), at_risk_from)
    child_ids = np.array([f"C{i:07d}" for i in range(1, n + 1)])
    children = _frame("children", {
        "child_id": child_ids,
        "commune_code": commune_codes[commune_of_child],
        "division_version": division_version,
        "birth_date": birth.astype("datetime64[us]"),
        "sex": sex,
        "ethnicity": ethnicity,
        "entry_date": entry.astype("datetime64[us]"),
        "exit_date": exit_date.astype("datetime64[us]"),
        "exit_reason": exit_reason,
        "disability": disability,
        "birth_registered": registered,
        "at_risk_from": at_risk_from.astype("datetime64[us]"),
        "at_risk_to": None,
    }, n)
    sixteenth = (birth.astype("datetime64[Y]") + 16).astype("datetime64[D]") + (
        birth - birth.astype("datetime64[Y]").astype("datetime64[D]")
    )
    # last day a child may have an event: before exit, before turning 16, not after `end`
    last_day = np.minimum(sixteenth - np.timedelta64(1, "D"), end)
    last_day = np.where(exited, np.minimum(last_day, exit_date), last_day)
    first_day = np.maximum(np.maximum(birth, entry), start)
    active = first_day <= last_day

    def event_dates(idx: np.ndarray) -> np.ndarray:
        lo, hi = first_day[idx], last_day[idx]
        span = (hi - lo).astype(int) + 1
        return (lo + (rng.random(idx.size) * span).astype(int).astype("timedelta64[D]")).astype("datetime64[us]")

    # -- special circumstances and supports ---------------------------------------
    groups = np.array(list(GROUP_WEIGHTS))
    sub = codelist("special_circumstance_subgroup")
    subgroups_of = {g: sub.index[sub["group"] == g].to_numpy() for g in groups}
    sc_idx = np.flatnonzero(rng.random(n) < SPECIAL_CIRCUMSTANCES_SHARE)
    second = sc_idx[rng.random(sc_idx.size) < SECOND_GROUP_SHARE]
    sc_child = np.concatenate([sc_idx, second])
    sc_group = rng.choice(groups, size=sc_child.size, p=_p(GROUP_WEIGHTS))
    pair = pd.DataFrame({"c": sc_child, "g": sc_group}).drop_duplicates()
    sc_child, sc_group = pair["c"].to_numpy(), pair["g"].to_numpy()
    sc_sub = np.array([
        (rng.choice(subgroups_of[g]) if subgroups_of[g].size else None) for g in sc_group
    ], dtype=object)
    sc_start = (birth[sc_child] + (rng.random(sc_child.size) * (ref - birth[sc_child]).astype(int)).astype(
        "timedelta64[D]")).astype("datetime64[D]")
    sc_start = np.minimum(np.maximum(sc_start, birth[sc_child]), np.minimum(ref, sixteenth[sc_child] - 1))
    ended = rng.random(sc_child.size) < 0.05
    sc_end = np.where(ended, sc_start + rng.integers(30, 400, size=sc_child.size).astype("timedelta64[D]"),
                      np.datetime64("NaT")).astype("datetime64[D]")
    sc_end = np.where(ended, np.minimum(sc_end, end), sc_end)
    sc_end = np.where(ended & (sc_end < sc_start), sc_start, sc_end)
    circumstances = _frame("circumstances", {
        "child_id": child_ids[sc_child], "group": sc_group, "subgroup": sc_sub,
        "start_date": sc_start.astype("datetime64[us]"), "end_date": sc_end.astype("datetime64[us]"),
    }, sc_child.size)

    sc_children = np.unique(sc_child)
    supported = sc_children[(rng.random(sc_children.size) < SUPPORTED_SHARE) & active[sc_children]]
    n_supports = rng.integers(1, 5, size=supported.size)
    sup_child = np.repeat(supported, n_supports)
    support_types = np.array([c for c in codes("support_type") if c != "OTHER"])
    supports = _frame("supports", {
        "child_id": child_ids[sup_child],
        "support_date": event_dates(sup_child),
        "support_type": rng.choice(support_types, size=sup_child.size),
    }, sup_child.size)
    supports = supports.drop_duplicates(subset=["child_id", "support_date", "support_type"]).reset_index(drop=True)

    # -- consultations -------------------------------------------------------------
    age_at_ref = age_days // 365
    eligible = np.flatnonzero(active & (age_at_ref >= 7))
    consulted = eligible[rng.random(eligible.size) < CONSULTED_SHARE_7PLUS]
    times = np.where(rng.random(consulted.size) < 0.25, 2, 1)
    con_child = np.repeat(consulted, times)
    consultations = _frame("consultations", {
        "child_id": child_ids[con_child],
        "consultation_date": event_dates(con_child),
        "form": rng.choice(np.array(codes("consultation_form")), size=con_child.size,
                           p=_p((30, 25, 30, 8, 5, 2))),
    }, con_child.size)
    consultations = consultations.drop_duplicates(
        subset=["child_id", "consultation_date", "form"]).reset_index(drop=True)

    # -- injuries ---------------------------------------------------------------------
    active_idx = np.flatnonzero(active)
    n_inj = rng.poisson(INJURIES_PER_1000 * active_idx.size / 1000)
    inj_child = rng.choice(active_idx, size=n_inj, replace=True) if active_idx.size else np.array([], int)
    inj_type = rng.choice(np.array(codes("injury_type")), size=n_inj, p=_p(INJURY_TYPE_WEIGHTS))
    death_p = np.where(inj_type == "08", 0.12, INJURY_DEATHS_PER_100K / 100_000 / (INJURIES_PER_1000 / 1000) * 0.6)
    outcome = np.where(rng.random(n_inj) < death_p, "DIED",
                       np.where(rng.random(n_inj) < 0.03, "DISABLED", "INJURED"))
    visitor = rng.random(n_inj) < 0.03
    inj_ids = np.array([f"I{i:07d}" for i in range(1, n_inj + 1)])
    inj_dates = event_dates(inj_child) if n_inj else np.array([], "datetime64[us]")
    injuries = _frame("injuries", {
        "injury_id": inj_ids,
        "child_id": np.where(visitor, np.array(["X" + i for i in inj_ids], dtype=object),
                             child_ids[inj_child]),
        "registered_here": ~visitor,
        "injury_date": inj_dates,
        "commune_code": commune_codes[commune_of_child[inj_child]],
        "division_version": division_version,
        "injury_type": inj_type,
        "place": rng.choice(np.array(list(INJURY_PLACE_WEIGHTS)), size=n_inj, p=_p(INJURY_PLACE_WEIGHTS)),
        "outcome": outcome,
        "sex": np.where(visitor, sex[inj_child], None),
        "birth_date": np.where(visitor, birth[inj_child].astype("datetime64[us]"), np.datetime64("NaT")),
    }, n_inj)

    # -- abuse ----------------------------------------------------------------------------
    n_cases = rng.poisson(ABUSE_CASES_PER_100K * n / 100_000)
    if n >= 2_000:
        n_cases = max(n_cases, 1)
    n_cases = min(n_cases, active_idx.size)
    case_ids = np.array([f"A{year}{i:05d}" for i in range(1, n_cases + 1)])
    first_victim = rng.choice(active_idx, size=n_cases, replace=False) if n_cases else np.array([], int)
    case_dates = event_dates(first_victim) if n_cases else np.array([], "datetime64[us]")
    case_days = case_dates.astype("datetime64[D]")
    vict_child_l, vict_case_l = list(first_victim), list(range(n_cases))
    taken = set(first_victim.tolist())
    for c in np.flatnonzero(rng.random(n_cases) < 0.1):  # about one case in ten has a second victim
        for cand in rng.choice(active_idx, size=min(64, active_idx.size), replace=False):
            if cand not in taken and first_day[cand] <= case_days[c] <= last_day[cand]:
                vict_child_l.append(int(cand))
                vict_case_l.append(int(c))
                taken.add(int(cand))
                break
    order = np.argsort(np.asarray(vict_case_l), kind="stable")
    vict_child = np.asarray(vict_child_l, dtype=int)[order]
    vict_case = np.asarray(vict_case_l, dtype=int)[order]
    handling = rng.choice(np.array(list(HANDLING_WEIGHTS)), size=n_cases, p=_p(HANDLING_WEIGHTS))
    abuse_cases = _frame("abuse_cases", {
        "case_id": case_ids,
        "detected_date": case_dates,
        "commune_code": commune_codes[commune_of_child[first_victim]] if n_cases else [],
        "division_version": division_version,
        "setting": rng.choice(np.array(list(SETTING_WEIGHTS)), size=n_cases, p=_p(SETTING_WEIGHTS)),
        "perpetrator_relationship": rng.choice(np.array(list(PERPETRATOR_WEIGHTS)), size=n_cases,
                                               p=_p(PERPETRATOR_WEIGHTS)),
        "handling": handling,
    }, n_cases)
    form_codes = np.array(list(ABUSE_FORM_WEIGHTS))
    main_form = rng.choice(form_codes, size=vict_child.size, p=_p(ABUSE_FORM_WEIGHTS))
    extra_form = np.where(rng.random(vict_child.size) < 0.15, "BL", "")
    forms = np.where((extra_form != "") & (main_form != "BL"), np.char.add(np.char.add(main_form, ";"), extra_form),
                     main_form)
    helped = rng.random(vict_child.size) < 0.9
    case_day = case_dates[vict_case] if n_cases else case_dates
    help_day = (case_day.astype("datetime64[D]") + rng.integers(0, 5, size=vict_child.size).astype("timedelta64[D]"))
    help_day = np.minimum(help_day, end).astype("datetime64[us]")
    abuse_victims = _frame("abuse_victims", {
        "case_id": case_ids[vict_case] if n_cases else [],
        "child_id": child_ids[vict_child],
        "registered_here": True,
        "forms": forms,
        "support_date": np.where(helped, help_day, np.datetime64("NaT")),
        "support_type": np.where(helped, rng.choice(np.array(["PSYCHOSOCIAL", "INTERVENTION_PLAN", "HEALTH", "LEGAL"]),
                                                    size=vict_child.size), None),
        "sex": None, "birth_date": None,
    }, vict_child.size)

    # -- sanctions ---------------------------------------------------------------------------
    admin = np.flatnonzero(handling == "ADMINISTRATIVE")
    n_sanctions = max(rng.poisson(SANCTIONS_PER_100K * n / 100_000), admin.size)
    linked = np.concatenate([admin, rng.choice(admin, size=n_sanctions - admin.size)]) if admin.size else None
    dec_dates = (
        np.minimum(case_dates[linked].astype("datetime64[D]") + rng.integers(3, 30, size=n_sanctions).astype(
            "timedelta64[D]"), end)
        if linked is not None else start + rng.integers(0, n_year_days, size=n_sanctions).astype("timedelta64[D]")
    )
    sanction_commune = (
        commune_codes[commune_of_child[first_victim[linked]]] if linked is not None
        else rng.choice(commune_codes, size=n_sanctions)
    )
    violator_type = np.where(rng.random(n_sanctions) < 0.92, "INDIVIDUAL", "ORGANISATION")
    fines = rng.integers(3_000, 25_001, size=n_sanctions) * 1000
    sanctions = _frame("sanctions", {
        "decision_id": np.array([f"QD{year}-{i:04d}" for i in range(1, n_sanctions + 1)]),
        "decision_date": dec_dates.astype("datetime64[us]"),
        "commune_code": sanction_commune,
        "division_version": division_version,
        "case_id": case_ids[linked] if linked is not None else None,
        "violator_type": violator_type,
        "violator_id": np.array([f"V{year}{i:04d}" for i in range(1, n_sanctions + 1)]),
        "act": rng.choice(np.array(["BL", "XHTD", "BM", "BLOT"]), size=n_sanctions, p=[0.6, 0.2, 0.15, 0.05]),
        "fine_vnd": fines,
        "measures": np.where(rng.random(n_sanctions) < 0.3, "FINE;REMEDIAL", "FINE"),
    }, n_sanctions)

    return Submission(
        children=children,
        circumstances=circumstances,
        supports=supports,
        consultations=consultations,
        injuries=injuries,
        abuse_cases=abuse_cases,
        abuse_victims=abuse_victims,
        sanctions=sanctions,
        units=units_frame,
        source=f"chitieu.synth.generate(n_children={n}, seed={seed}, year={year})",
        tables_present=("children", "circumstances", "supports", "consultations", "injuries",
                        "abuse_cases", "abuse_victims", "sanctions", "units"),
    )
