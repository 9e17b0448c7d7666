"""SDMX-CSV 2.0: the published layout, codes from the structure, and a round trip through pysdmx."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chitieu.export.sdmx import STRUCTURE_ID, sdmx_structure, sdmx_time_period, to_sdmx_csv
from chitieu.indicators.examples import tiny_submission
from chitieu.periods import parse_period
from chitieu.report import Report, report


@pytest.fixture(scope="module")
def rep() -> Report:
    return report(tiny_submission(), period="2024")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _dimensions() -> list[str]:
    return [d["id"] for d in sdmx_structure()["dimensions"]]


def test_the_columns_are_those_of_sdmx_csv_2_0_in_structure_order(
    rep: Report, tmp_path: Path
) -> None:
    frame = _read(to_sdmx_csv(rep, tmp_path / "r.csv"))
    structure = sdmx_structure()
    expected = [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        *_dimensions(),
        structure["measure"]["id"],
        *(a["id"] for a in structure["attributes"]),
    ]
    assert list(frame.columns) == expected
    assert _dimensions()[-1] == "TIME_PERIOD" and "OBS_VALUE" in frame.columns
    assert set(frame["STRUCTURE"]) == {"dataflow"}
    assert set(frame["STRUCTURE_ID"]) == {STRUCTURE_ID}
    assert set(frame["ACTION"]) == {"I"}
    assert not (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_every_code_is_in_the_structures_code_lists(rep: Report, tmp_path: Path) -> None:
    frame = _read(to_sdmx_csv(rep.suppress(), tmp_path / "r.csv"))
    structure = sdmx_structure()
    coded = [
        c for c in (*structure["dimensions"], *structure["attributes"]) if c["codelist"] is not None
    ]
    assert len(coded) >= 15
    for component in coded:
        codes = {c["id"] for c in structure["codelists"][component["codelist"]]}
        found = set(frame[component["id"]])
        assert found <= codes, (component["id"], found - codes)


def test_one_observation_per_key(rep: Report, tmp_path: Path) -> None:
    frame = _read(to_sdmx_csv(rep, tmp_path / "r.csv"))
    assert not frame.duplicated(_dimensions()).any()


def test_values_numerators_and_denominators_are_the_reports(rep: Report, tmp_path: Path) -> None:
    frame = _read(to_sdmx_csv(rep, tmp_path / "r.csv"))
    for indicator, by, column in [
        ("injury_rate", "total", "_T"),
        ("special_circumstances", "sex", "F"),
        ("child_population", "age_group", "6-9"),
    ]:
        row = rep.get(indicator, by=by, unit_code="00002")
        if by != "total":
            row = row.loc[row[by] == column]
        here = frame.loc[(frame["INDICATOR"] == indicator) & (frame["REF_AREA"] == "00002")]
        by_id = {"sex": "SEX", "age_group": "AGE"}.get(by)
        for sdmx_id in _dimensions()[3:-2]:
            here = here.loc[here[sdmx_id] == (column if sdmx_id == by_id else "_T")]
        assert len(here) == (3 if by != "age_group" else 1)
        got = dict(zip(here["MEASURE"], here["OBS_VALUE"], strict=True))
        assert float(got["VALUE"]) == pytest.approx(float(row["value"].iloc[0]))
        if "NUMERATOR" in got:
            assert float(got["NUMERATOR"]) == row["numerator"].iloc[0]
            assert float(got["DENOMINATOR"]) == row["denominator"].iloc[0]


def test_numerators_add_up_to_the_province_roll_up(rep: Report, tmp_path: Path) -> None:
    frame = _read(to_sdmx_csv(rep, tmp_path / "r.csv"))
    totals = frame.loc[(frame[_dimensions()[3:-2]] == "_T").all(axis=1)]
    counts = totals.loc[totals["MEASURE"].isin(["NUMERATOR", "DENOMINATOR"])]
    summed = (
        counts.assign(n=counts["OBS_VALUE"].astype(float))
        .groupby(["INDICATOR", "MEASURE"])["n"]
        .sum()
    )
    province = rep.rollup("province").totals().set_index("indicator_id")
    for (indicator, measure), n in summed.items():
        assert province.loc[indicator, measure.lower()] == n


def test_hidden_cells_are_empty_and_confidential(rep: Report, tmp_path: Path) -> None:
    from chitieu.disclosure import hidden_cells

    published = rep.suppress()
    frame = _read(to_sdmx_csv(published, tmp_path / "r.csv"))
    confidential = frame.loc[frame["CONF_STATUS"] == "C"]
    hidden = hidden_cells(published.table)
    from chitieu.indicators import get_indicator

    has_denominator = np.array(
        [get_indicator(i).denominator_en is not None for i in published.table["indicator_id"]]
    )
    expected = int(
        hidden["value"].sum()
        + (hidden["numerator"] & has_denominator).sum()
        + hidden["denominator"].sum()
    )
    assert len(confidential) == expected > 0
    assert (confidential["OBS_VALUE"] == "").all()
    assert set(confidential["OBS_STATUS"]) == {"O"}
    assert (frame.loc[frame["CONF_STATUS"] == "F", "OBS_STATUS"] != "").all()


def test_a_zero_denominator_is_a_value_that_cannot_exist(tmp_path: Path) -> None:
    rep = report(tiny_submission(), period="2024", indicators=["injury_death_rate"])
    frame = _read(to_sdmx_csv(rep, tmp_path / "r.csv"))
    zero = rep.table.loc[rep.table["denominator"] == 0]
    values = frame.loc[frame["MEASURE"] == "VALUE"]
    assert (values["OBS_STATUS"] == "M").sum() == len(zero)
    assert (values.loc[values["OBS_STATUS"] == "M", "OBS_VALUE"] == "").all()


def test_indicators_without_data_are_observations_with_the_reason(
    rep: Report, tmp_path: Path
) -> None:
    frame = _read(to_sdmx_csv(rep, tmp_path / "r.csv"))
    no_data = frame.loc[frame["CHITIEU_FLAGS"] == "no_data"]
    n_units = rep.table[["unit_code", "division_version"]].drop_duplicates().shape[0]
    assert len(rep.skipped) > 0
    assert len(no_data) == len(rep.skipped) * n_units
    assert set(no_data["OBS_STATUS"]) == {"O"} and (no_data["OBS_VALUE"] == "").all()
    assert set(no_data["INDICATOR"]) == set(rep.skipped["indicator_id"])
    assert (no_data["OBS_COMMENT"] != "").all()


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2024", "2024"),
        ("2024-H1", "2024-S1"),
        ("2024-Q4", "2024-Q4"),
        ("2024-11", "2024-11"),
        ("2024-03-15..2024-03-15", "2024-03-15"),
        ("2024-01-01..2024-02-15", "2024-01-01/P46D"),
        ("2023-07-01..2024-06-30", "2023-07-01/P1Y"),
    ],
)
def test_time_periods_in_sdmx_form(label: str, expected: str) -> None:
    assert sdmx_time_period(parse_period(label)) == expected


def test_the_structure_lists_every_indicator_of_the_registry() -> None:
    from chitieu.indicators import REGISTRY

    structure = sdmx_structure()
    assert [c["id"] for c in structure["codelists"]["CL_INDICATOR"]] == list(REGISTRY)
    for items in structure["codelists"].values():
        ids = [i["id"] for i in items]
        assert len(ids) == len(set(ids))
        assert all(i["name_en"] and i["name_vi"] for i in items)


def _same(ours: pd.Series, theirs: pd.Series) -> bool:
    """Equal as text, or as numbers where the reader parsed a number (pysdmx reads without a
    structure, so it takes ``00001`` for the number 1)."""
    for a, b in zip(ours, theirs, strict=True):
        if a == b:
            continue
        try:
            if Decimal(a) == Decimal(b):
                continue
        except ArithmeticError:
            pass
        return False
    return True


def test_round_trip_through_pysdmx(rep: Report, tmp_path: Path) -> None:
    pysdmx_io = pytest.importorskip("pysdmx.io")
    path = to_sdmx_csv(rep.suppress(), tmp_path / "r.csv")
    datasets = pysdmx_io.get_datasets(path)
    assert len(datasets) == 1
    dataset = datasets[0]
    assert dataset.short_urn == f"Dataflow={STRUCTURE_ID}"
    assert str(dataset.action).endswith("Information")
    theirs = dataset.data.reset_index(drop=True)
    ours = _read(path)
    assert len(theirs) == len(ours)
    # the reader drops the structure columns, and columns that are empty on every row
    kept = [c for c in ours.columns if c not in ("STRUCTURE", "STRUCTURE_ID", "ACTION")]
    assert set(theirs.columns) <= set(kept)
    assert {"INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS"} <= set(
        theirs.columns
    )
    for column in theirs.columns:
        values = theirs[column].astype(str).replace({"NaN": ""})
        assert _same(list(ours[column]), list(values)), column
