"""Synthetic submissions: deterministic, canonical, realistic, consistent, valid; the example commune."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu import synth
from chitieu.codelists import codelist, normalize_text
from chitieu.schemas import TABLES, column_specs, split_multi
from chitieu.submission import Submission
from chitieu.validation import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TODAY = dt.date(2026, 11, 28)
REF = pd.Timestamp("2024-12-31")
EVENT_DATES = {
    "supports": "support_date",
    "consultations": "consultation_date",
    "injuries": "injury_date",
    "abuse_cases": "detected_date",
    "abuse_victims": "support_date",
    "sanctions": "decision_date",
}


@pytest.fixture(scope="module")
def big() -> Submission:
    return synth.generate(n_children=50_000, seed=42, year=2024)


def _sixteenth(birth: pd.Series) -> pd.Series:
    """16th birthdays; 29 February falls on 1 March."""
    y, m, d = birth.dt.year + 16, birth.dt.month, birth.dt.day
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    feb29 = (m == 2) & (d == 29) & ~leap
    parts = pd.DataFrame({"year": y, "month": m.where(~feb29, 3), "day": d.where(~feb29, 1)})
    return pd.to_datetime(parts).astype("datetime64[us]")


def _stock(sub: Submission, ref: pd.Timestamp = REF) -> pd.DataFrame:
    c = sub.children
    alive = c["exit_date"].isna() | (c["exit_date"] > ref)
    return c.loc[alive & (_sixteenth(c["birth_date"]) > ref) & (c["birth_date"] <= ref)]


# -- determinism and shape -----------------------------------------------------------------
def test_same_arguments_give_identical_frames() -> None:
    a = synth.generate(n_children=3000, seed=5, n_communes=2)
    b = synth.generate(n_children=3000, seed=5, n_communes=2)
    for table in TABLES:
        pd.testing.assert_frame_equal(a[table], b[table], obj=table)
    assert a.source == b.source and "seed=5" in (a.source or "")


def test_different_seeds_differ() -> None:
    a = synth.generate(n_children=3000, seed=5)
    b = synth.generate(n_children=3000, seed=6)
    assert not a.children["birth_date"].equals(b.children["birth_date"])
    assert not a.consultations.equals(b.consultations)


def test_frames_are_canonical(big: Submission) -> None:
    assert big.tables_present == tuple(TABLES)
    for table, frame in big.tables():
        specs = column_specs(table)
        assert list(frame.columns) == list(specs), table
        for name, spec in specs.items():
            assert str(frame[name].dtype) == spec.dtype, (table, name, frame[name].dtype)
        assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
        dates = [c for c, s in specs.items() if s.kind == "date"]
        for column in dates:  # midnight, naive
            values = frame[column].dropna()
            assert (values == values.dt.normalize()).all() and values.dt.tz is None


def test_keys_are_unique(big: Submission) -> None:
    for table, spec in TABLES.items():
        frame = big[table]
        assert not frame.duplicated(list(spec.key)).any(), table
        assert frame[list(spec.key)].notna().all().all(), table


def test_ids_are_pseudonyms(big: Submission) -> None:
    assert big.children["child_id"].str.fullmatch(r"C\d{7}").all()
    outsiders = big.injuries.loc[~big.injuries["registered_here"], "child_id"]
    assert outsiders.str.fullmatch(r"X\d{7}").all()
    assert big.abuse_cases["case_id"].str.fullmatch(r"A2024\d{4}").all()


# -- units --------------------------------------------------------------------------------------------
def test_units_hierarchy_and_facts(big: Submission) -> None:
    units = big.units
    communes = units.loc[units["level"] == "COMMUNE"]
    assert len(communes) == round(50_000 / synth.CHILDREN_PER_COMMUNE)
    assert communes["unit_code"].str.fullmatch(r"\d{5}").all()
    assert communes["district_code"].str.fullmatch(r"\d{3}").all()
    per_district = communes.groupby("district_code").size()
    assert per_district.max() <= synth.COMMUNES_PER_DISTRICT[1]
    districts = units.loc[units["level"] == "DISTRICT"]
    assert set(districts["unit_code"]) == set(communes["district_code"])
    assert units.loc[units["level"] == "PROVINCE", "name"].tolist() == ["Tỉnh Bắc Giang"]
    assert (units["province_code"].dropna() == "24").all()
    assert communes["name"].str.match(r"^(Xã|Thị trấn|Phường) \S").all()
    assert (communes["urban_rural"] == "URBAN").eq(~communes["name"].str.startswith("Xã ")).all()
    assert communes["villages"].between(*synth.VILLAGES).all()
    assert (communes["villages_with_facilities"] <= communes["villages"]).all()
    assert (communes["deaths_neonatal"] <= communes["deaths_under1"]).all()
    assert (communes["deaths_under1"] <= communes["deaths_under5"]).all()
    children = big.children.groupby("commune_code").size()
    facts = communes.set_index("unit_code")
    ratio = facts["population_total"] / children.reindex(facts.index)
    assert ratio.between(3.4, 4.4).all()
    births = facts["live_births"].sum() / children.sum()
    assert 0.05 < births < 0.08


def test_division_2025_has_no_districts() -> None:
    sub = synth.generate(n_children=9000, seed=2, division_version="2025", province_code="01")
    assert set(sub.units["level"]) == {"COMMUNE", "PROVINCE"}
    assert sub.units["district_code"].isna().all()
    assert sub.units.loc[sub.units["level"] == "PROVINCE", "name"].item() == "Thành phố Hà Nội"
    for table in ("children", "injuries", "abuse_cases", "sanctions", "units"):
        assert (sub[table]["division_version"] == "2025").all()
    assert not sub.units["name"].str.startswith("Thị trấn").any()  # no towns after 2025


def test_n_communes_overrides_and_small_n_gives_one_commune() -> None:
    assert (synth.generate(n_children=800, seed=1).units["level"] == "COMMUNE").sum() == 1
    sub = synth.generate(n_children=800, seed=1, n_communes=4)
    communes = sub.units.loc[sub.units["level"] == "COMMUNE", "unit_code"]
    assert len(communes) == 4 and communes.is_unique
    assert set(sub.children["commune_code"]) <= set(communes)


# -- magnitudes -------------------------------------------------------------------------------------
def test_register_magnitudes(big: Submission) -> None:
    c = big.children
    sex = c["sex"].value_counts()
    assert 1.05 < sex["M"] / sex["F"] < 1.15 and 0 < sex.get("U", 0) < 0.01 * len(c)
    ethnicity = c["ethnicity"].value_counts(normalize=True)
    assert ethnicity["01"] > 0.6 and 0 < ethnicity["99"] < 0.01
    exited = c["exit_date"].notna().mean()
    assert 0.03 < exited < 0.07
    assert c.loc[c["exit_date"].notna(), "exit_date"].dt.year.eq(2024).all()
    reasons = c["exit_reason"].value_counts()
    assert reasons.idxmax() == "MOVED" and 0 < reasons["DIED"] < reasons["OTHER"]
    over16 = (_sixteenth(c["birth_date"]) <= REF).mean()
    assert 0.01 < over16 < 0.03
    ages = (REF - c["birth_date"]).dt.days // 365.2425
    young = ages.loc[ages < 16].value_counts().sort_index()
    assert young.min() > 0.8 * young.max()  # roughly flat
    assert young.loc[0:4].sum() > young.loc[11:15].sum()  # with a slight decline
    assert 0.97 < c["birth_registered"].mean() < 0.995
    disabled = c["disability"].isin(["ESPECIALLY_SEVERE", "SEVERE", "MILD"]).mean()
    assert 0.007 < disabled < 0.017
    assert 0.01 < c["at_risk_from"].notna().mean() < 0.03
    assert c["birth_date"].max() <= REF and c["entry_date"].max() <= REF


def test_special_circumstances_and_support_magnitudes(big: Submission) -> None:
    stock = _stock(big)
    circ = big.circumstances
    active = circ["start_date"].le(REF) & (circ["end_date"].isna() | circ["end_date"].ge(REF))
    in_sc = set(circ.loc[active, "child_id"]) & set(stock["child_id"])
    share = len(in_sc) / len(stock)
    assert 0.01 <= share <= 0.02
    groups = circ["group"].value_counts()
    assert list(groups.index[:3]) == ["HCDB_D", "HCDB_N", "HCDB_C"]
    assert circ.groupby("child_id")["group"].nunique().max() == 2
    supported = set(big.supports.loc[big.supports["support_date"].dt.year == 2024, "child_id"])
    assert 0.9 <= len(in_sc & supported) / len(in_sc) <= 0.99
    per_child = big.supports.groupby("child_id").size()
    assert per_child.max() <= 2 * synth.SUPPORTS_PER_CHILD[1]  # at most two spells of 1-4


def test_consultation_and_injury_magnitudes(big: Submission) -> None:
    stock = _stock(big)
    ages = (REF - stock["birth_date"]).dt.days // 365.2425
    older = set(stock.loc[ages >= 7, "child_id"])
    consulted = set(big.consultations["child_id"])
    assert 0.15 < len(older & consulted) / len(older) < 0.25
    assert big.consultations.groupby("child_id").size().max() == 2
    per_1000 = len(big.injuries) / len(stock) * 1000
    assert 2.0 <= per_1000 <= 4.0
    drowning = (big.injuries["injury_type"] == "08").mean()
    assert 0.03 < drowning < 0.15
    assert set(big.injuries["outcome"]) <= {"INJURED", "DISABLED", "DIED", "UNKNOWN"}
    assert (big.injuries["outcome"] == "DIED").sum() <= 10
    assert 0 < (~big.injuries["registered_here"]).sum() < 0.1 * len(big.injuries)


@pytest.mark.slow
def test_rare_event_magnitudes_on_a_million_children() -> None:
    sub = synth.generate(n_children=1_000_000, seed=3, year=2024)
    n = 1_000_000
    deaths = (sub.injuries["outcome"] == "DIED").sum()
    assert 2 <= deaths / n * 100_000 <= 10  # about 1 per 20,000 children
    assert 5 <= len(sub.abuse_cases) / n * 100_000 <= 15
    forms = sub.abuse_victims["forms"].map(split_multi)
    sexual = forms.map(lambda f: "XHTD" in f).mean()
    assert 0.65 < sexual < 0.95
    assert 1 < len(sub.abuse_victims) / len(sub.abuse_cases) < 1.25
    helped = sub.abuse_victims["support_date"].notna().mean()
    assert 0.8 < helped < 0.98
    rel = sub.abuse_cases["perpetrator_relationship"].value_counts(normalize=True)
    assert rel.idxmax() == "ACQUAINTANCE" and 0.45 < rel["ACQUAINTANCE"] < 0.72
    assert 0.3 <= len(sub.sanctions) / n * 100_000 <= 5
    fines = sub.sanctions["fine_vnd"].dropna()
    assert fines.between(3_000_000, 25_000_000).all() and (fines % 1000 == 0).all()


def test_at_least_one_case_from_2000_children() -> None:
    for seed in range(5):
        assert len(synth.generate(n_children=2000, seed=seed).abuse_cases) >= 1


# -- consistency ---------------------------------------------------------------------------------------
def test_referential_integrity(big: Submission) -> None:
    ids = set(big.children["child_id"])
    for table in ("circumstances", "supports", "consultations"):
        assert set(big[table]["child_id"]) <= ids, table
    for table in ("injuries", "abuse_victims"):
        f = big[table]
        here = f["registered_here"]
        assert set(f.loc[here, "child_id"]) <= ids, table
        outside = f.loc[~here]
        assert not set(outside["child_id"]) & ids
        assert outside["sex"].notna().all() and outside["birth_date"].notna().all()
        assert f.loc[here, ["sex", "birth_date"]].isna().all().all()
    cases = set(big.abuse_cases["case_id"])
    assert set(big.abuse_victims["case_id"]) == cases  # every case has a victim
    linked = big.sanctions["case_id"].dropna()
    assert set(linked) <= cases
    admin = big.abuse_cases.loc[big.abuse_cases["handling"] == "ADMINISTRATIVE", "case_id"]
    assert set(admin) <= set(linked)
    assert set(big.abuse_cases.set_index("case_id").loc[list(set(linked)), "handling"]) <= {
        "ADMINISTRATIVE"
    }
    communes = set(big.units.loc[big.units["level"] == "COMMUNE", "unit_code"])
    for table in ("children", "injuries", "abuse_cases", "sanctions"):
        assert set(big[table]["commune_code"]) <= communes, table


def test_every_event_is_within_the_year(big: Submission) -> None:
    for table, column in EVENT_DATES.items():
        dates = big[table][column].dropna()
        assert dates.between("2024-01-01", "2024-12-31").all(), table
    assert big.circumstances["start_date"].max() <= REF
    assert big.circumstances["end_date"].dropna().max() <= REF


def test_events_fall_while_the_child_is_a_child_of_the_commune(big: Submission) -> None:
    c = big.children.set_index("child_id")
    start = pd.Timestamp("2024-01-01")
    for table, column in {**EVENT_DATES, "circumstances": "start_date"}.items():
        f = big[table]
        if "child_id" not in f:
            continue
        if "registered_here" in f:
            f = f.loc[f["registered_here"]]
        d = f[column]
        child = c.loc[f["child_id"]]
        birth = child["birth_date"].to_numpy()
        assert (d.to_numpy() >= birth)[d.notna().to_numpy()].all(), table
        assert (d.to_numpy() < _sixteenth(child["birth_date"]).to_numpy())[
            d.notna().to_numpy()
        ].all(), table
        if table in ("supports", "consultations", "injuries"):
            exit_ = child["exit_date"].fillna(REF).to_numpy()
            assert (d.to_numpy() <= exit_).all(), table
            assert (d.to_numpy() >= np.maximum(child["entry_date"].to_numpy(), start)).all()
    ended = big.circumstances["end_date"].notna()
    assert (
        big.circumstances.loc[ended, "end_date"] >= big.circumstances.loc[ended, "start_date"]
    ).all()
    e = big.children["exit_date"].notna()
    assert (big.children.loc[e, "exit_date"] >= big.children.loc[e, "entry_date"]).all()
    assert (big.children["entry_date"] < _sixteenth(big.children["birth_date"])).all()


def test_injury_deaths_leave_the_register() -> None:
    sub = synth.generate(n_children=200_000, seed=8)
    died = sub.injuries.loc[(sub.injuries["outcome"] == "DIED") & sub.injuries["registered_here"]]
    assert len(died) > 0 and died["child_id"].is_unique
    c = sub.children.set_index("child_id").loc[died["child_id"]]
    assert (c["exit_reason"] == "DIED").all()
    assert (c["exit_date"].to_numpy() == died["injury_date"].to_numpy()).all()
    later = sub.injuries.merge(
        died[["child_id", "injury_date"]], on="child_id", suffixes=("", "_death")
    )
    assert (later["injury_date"] <= later["injury_date_death"]).all()


def test_groups_agree_with_other_records(big: Submission) -> None:
    circ = big.circumstances
    owner = circ["subgroup"].map(codelist("special_circumstance_subgroup")["group"])
    assert (owner.isna() | (owner == circ["group"])).all()
    d = circ.loc[circ["group"] == "HCDB_D"].merge(big.children, on="child_id")
    expected = d["disability"].map(
        {"ESPECIALLY_SEVERE": "HCDB_D1", "SEVERE": "HCDB_D2", "MILD": "HCDB_D3"}
    )
    assert (d["subgroup"] == expected).all()
    severe = big.children.loc[
        big.children["disability"].isin(["ESPECIALLY_SEVERE", "SEVERE"]), "child_id"
    ]
    assert set(severe) <= set(d["child_id"])
    victims = big.abuse_victims
    sexual = victims.loc[
        victims["registered_here"] & victims["forms"].str.contains("XHTD"), "child_id"
    ]
    assert set(sexual) <= set(circ.loc[circ["group"] == "HCDB_L", "child_id"])


# -- validity --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "seed", "options"),
    [
        (1, 0, {}),
        (37, 1, {}),
        (2_000, 2, {}),
        (12_000, 3, {"n_communes": 5}),
        (6_000, 4, {"division_version": "2025", "province_code": "79"}),
        (3_000, 5, {"year": 2019}),
    ],
)
def test_generated_submissions_are_valid(n: int, seed: int, options: dict[str, object]) -> None:
    report = validate(synth.generate(n_children=n, seed=seed, **options), today=TODAY)  # type: ignore[arg-type]
    assert report.valid, report.errors.head(10)
    assert report.n_warnings == 0, report.counts


def test_current_year_stops_yesterday(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth, "_today", lambda: dt.date(2026, 3, 15))
    sub = synth.generate(n_children=20_000, seed=1, year=2026)
    yesterday = pd.Timestamp("2026-03-14")
    assert sub.children["birth_date"].max() <= yesterday
    for table, column in EVENT_DATES.items():
        assert (sub[table][column].dropna() <= yesterday).all(), table
    assert validate(sub, today=dt.date(2026, 3, 15)).valid
    with pytest.raises(synth.SynthError, match="no past day"):
        monkeypatch.setattr(synth, "_today", lambda: dt.date(2027, 1, 1))
        synth.generate(n_children=10, year=2027)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_children": 0}, "n_children must be a whole number"),
        ({"n_children": 2.5}, "n_children must be a whole number"),
        ({"n_children": True}, "n_children must be a whole number"),
        ({"seed": -1}, "seed must be"),
        ({"year": 3000}, "year must be between 1990"),
        ({"n_communes": 0}, "n_communes must be between 1"),
        ({"division_version": "2019"}, "division_version must be one of"),
        ({"province_code": "4"}, "province_code must be two digits"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs: dict[str, object], message: str) -> None:
    args = {"n_children": 10, **kwargs}
    with pytest.raises(synth.SynthError, match=message) as info:
        synth.generate(**args)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError) and isinstance(info.value, chitieu.ChitieuError)


# -- the example commune -------------------------------------------------------------------------------
def _example_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_example", EXAMPLES / "make_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_example", module)
    spec.loader.exec_module(module)
    return module


def test_example_files_match_the_script(tmp_path: Path) -> None:
    make = _example_module()
    committed = EXAMPLES / "thi-tran-thang-2024"
    written = make.write(make.build(), tmp_path)
    assert {p.name for p in committed.glob("*.csv")} == {p.name for p in written}
    for path in written:
        assert path.read_bytes() == (committed / path.name).read_bytes(), (
            f"{path.name} drifted; run: python examples/make_example.py"
        )


def test_example_file_names_and_headers_are_vietnamese() -> None:
    make = _example_module()
    folder = EXAMPLES / "thi-tran-thang-2024"
    for table, stem in make.FILE_NAMES.items():
        assert normalize_text(stem) in TABLES[table].file_aliases
        header = (folder / f"{stem}.csv").read_text(encoding="utf-8-sig").splitlines()[0]
        assert header.split(",")[0] == next(iter(column_specs(table).values())).vi
    text = (folder / "tre_em.csv").read_text(encoding="utf-8-sig")
    assert re.search(r",\d{2}/\d{2}/20\d{2},(Nam|Nữ),Kinh,", text)


def test_example_reads_back_to_the_generated_records() -> None:
    make = _example_module()
    sub = make.build()
    back = chitieu.read_submission(EXAMPLES / "thi-tran-thang-2024")
    # the README is documentation: skipped without a read issue
    assert back.read_issues.empty, back.read_issues
    for table in TABLES:
        pd.testing.assert_frame_equal(
            back.canonical(table).reset_index(drop=True),
            sub.canonical(table).reset_index(drop=True),
            obj=table,
        )
    assert validate(back, today=TODAY).valid
    commune = back.units.loc[back.units["level"] == "COMMUNE"].iloc[0]
    assert (commune["name"], commune["district_code"], commune["province_code"]) == (
        "Thị trấn Thắng", "222", "24",
    )  # fmt: skip
    assert 4_000 <= len(back.children) <= 5_000
    district = back.units.loc[back.units["level"] == "DISTRICT", "name"].item()
    assert district == "Huyện Hiệp Hòa"


def test_example_readme_counts_match_the_files() -> None:
    folder = EXAMPLES / "thi-tran-thang-2024"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "not real children" in readme
    rows = re.findall(r"^\| `([a-z_]+\.csv)` \| [^|]+ \| ([\d,]+) \|$", readme, flags=re.M)
    assert len(rows) == len(TABLES)
    for name, count in rows:
        frame = pd.read_csv(folder / name, dtype=str, encoding="utf-8-sig")
        assert len(frame) == int(count.replace(",", "")), name


@pytest.mark.slow
def test_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("chitieu.report")
    import runpy

    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
    assert (tmp_path / "quickstart-report.xlsx").stat().st_size > 0
