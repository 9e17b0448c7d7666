"""DHIS2 exports: data value sets (JSON, CSV) and ADX, checked against the published formats.

The JSON Schema and the ADX checks below are written from the documentation
of the formats (DHIS2's ``/api/dataValueSets`` import: a ``dataValues`` list
whose members carry ``dataElement``, ``period``, ``orgUnit``,
``categoryOptionCombo``, ``attributeOptionCombo``, ``value`` and optional
``comment``, ``storedBy``, ``followup``; uids of 11 letters and digits, a
letter first; periods ``2024``, ``2024S1``, ``2024Q3``, ``202403``,
``20240315``. ADX, IHE QRPH: a root ``adx`` in the namespace
``urn:ihe:qrph:adx:2015`` with an ``exported`` date-time, ``group`` children
with ``orgUnit``, ``period`` (an ISO 8601 start date and duration) and
``dataSet``, and ``dataValue`` children with ``dataElement``, a decimal
``value`` and the disaggregations as attributes), never from our own code.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import string
import warnings
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
import yaml

from chitieu.cli import main
from chitieu.errors import ChitieuWarning
from chitieu.export.dhis2 import (
    CSV_COLUMNS,
    Dhis2MappingError,
    adx_period,
    data_values,
    dhis2_period,
    load_mapping,
    mapping_template,
)
from chitieu.indicators.examples import tiny_submission
from chitieu.periods import parse_period
from chitieu.report import Report, report

UID = r"^[A-Za-z][A-Za-z0-9]{10}$"
DHIS2_PERIOD = r"^(\d{4}|\d{4}(April|July|Oct|Nov)|\d{4}S[12]|\d{4}Q[1-4]|\d{4}(0[1-9]|1[0-2])|\d{8}|\d{4}W\d{1,2})$"
ADX_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})/P(\d+)([YMWD])$")
ADX = "{urn:ihe:qrph:adx:2015}"

#: The data value set of ``/api/dataValueSets``, from its documented fields.
DATA_VALUE_SET_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["dataValues"],
    "additionalProperties": False,
    "properties": {
        "dataSet": {"type": "string", "pattern": UID},
        "completeDate": {"type": "string"},
        "period": {"type": "string", "pattern": DHIS2_PERIOD},
        "orgUnit": {"type": "string", "pattern": UID},
        "attributeOptionCombo": {"type": "string", "pattern": UID},
        "dataValues": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "dataElement",
                    "period",
                    "orgUnit",
                    "categoryOptionCombo",
                    "attributeOptionCombo",
                    "value",
                ],
                "additionalProperties": False,
                "properties": {
                    "dataElement": {"type": "string", "pattern": UID},
                    "period": {"type": "string", "pattern": DHIS2_PERIOD},
                    "orgUnit": {"type": "string", "pattern": UID},
                    "categoryOptionCombo": {"type": "string", "pattern": UID},
                    "attributeOptionCombo": {"type": "string", "pattern": UID},
                    "value": {"type": "string", "pattern": r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$"},
                    "comment": {"type": "string", "maxLength": 50000},
                    "storedBy": {"type": "string"},
                    "followup": {"type": "boolean"},
                },
            },
        },
    },
}


def _uid(text: str) -> str:
    """A deterministic DHIS2-shaped uid for *text*."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    alphabet = string.ascii_letters + string.digits
    return "A" + "".join(alphabet[b % len(alphabet)] for b in digest[:10])


def _fill(node: Any, path: str = "") -> Any:
    """The template with every placeholder replaced by a uid (codes for ADX options)."""
    if isinstance(node, dict):
        return {k: _fill(v, f"{path}.{k}") for k, v in node.items()}
    if isinstance(node, str) and node.startswith("<FILL"):
        if path.endswith(".code") or path.endswith(".category"):
            return re.sub(r"[^A-Za-z0-9_]", "_", path.split(".")[-2])
        return _uid(path)
    return node


@pytest.fixture(scope="module")
def rep() -> Report:
    return report(tiny_submission(), period="2024")


@pytest.fixture(scope="module")
def mapping(rep: Report) -> dict[str, Any]:
    template = yaml.safe_load(mapping_template(units=tiny_submission().units))
    return _fill(template)


def _cells(rep: Report, counts: tuple[str, ...] = ("numerator", "denominator")) -> int:
    return int(sum(np.isfinite(rep.table[c].to_numpy(dtype=float)).sum() for c in counts))


# -- JSON ------------------------------------------------------------------------------
def test_a_filled_template_exports_every_count_as_a_valid_data_value_set(
    rep: Report, mapping: dict[str, Any], tmp_path: Path
) -> None:
    out = rep.to_dhis2(tmp_path / "dvs.json", mapping=mapping)
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, DATA_VALUE_SET_SCHEMA)
    assert document["dataSet"] == mapping["data_set"]
    # one data value per numerator and denominator shown; values are not exported
    assert len(document["dataValues"]) == _cells(rep)


def test_dhis2_recomputes_each_ratio_from_the_exported_counts(
    rep: Report, mapping: dict[str, Any]
) -> None:
    values = data_values(rep, mapping)
    block = mapping["indicators"]["special_circumstances"]["total"]
    for unit, org_unit in mapping["org_units"]["2008"].items():
        if len(unit) != 5:
            continue
        here = values.loc[values["orgUnit"] == org_unit]
        numerator = float(here.loc[here["dataElement"] == block["numerator"], "value"].iloc[0])
        denominator = float(here.loc[here["dataElement"] == block["denominator"], "value"].iloc[0])
        expected = rep.get("special_circumstances", by="total", unit_code=unit)["value"].iloc[0]
        assert numerator / denominator * 100 == pytest.approx(expected)


def test_each_category_goes_to_its_own_category_option_combo(
    rep: Report, mapping: dict[str, Any]
) -> None:
    values = data_values(rep, mapping)
    sex = mapping["indicators"]["child_population"]["sex"]
    rows = values.loc[values["dataElement"] == sex["numerator"]]
    combos = {o["category_option_combo"]: k for k, o in sex["options"].items()}
    org_unit = mapping["org_units"]["2008"]["00001"]
    got = {
        combos[c]: float(v)
        for c, v, o in zip(rows["categoryOptionCombo"], rows["value"], rows["orgUnit"], strict=True)
        if o == org_unit
    }
    expected = rep.get("child_population", by="sex", unit_code="00001")
    assert got == dict(zip(expected["sex"], expected["numerator"], strict=True))
    total = mapping["indicators"]["child_population"]["total"]["numerator"]
    assert set(values.loc[values["dataElement"] == total, "categoryOptionCombo"]) == {
        mapping["default_category_option_combo"]
    }


# -- CSV -------------------------------------------------------------------------------
def test_csv_has_the_documented_columns_and_the_same_values_as_json(
    rep: Report, mapping: dict[str, Any], tmp_path: Path
) -> None:
    as_json = json.loads(rep.to_dhis2(tmp_path / "v.json", mapping=mapping).read_text())
    out = rep.to_dhis2(tmp_path / "v.csv", mapping=mapping, format="csv")
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")  # no byte-order mark
    assert tuple(rows[0]) == CSV_COLUMNS
    assert all(len(r) == len(CSV_COLUMNS) for r in rows)
    got = [
        {
            "dataElement": r[0],
            "period": r[1],
            "orgUnit": r[2],
            "categoryOptionCombo": r[3],
            "attributeOptionCombo": r[4],
            "value": r[5],
            "comment": r[8],
        }
        for r in rows[1:]
    ]
    assert got == as_json["dataValues"]


# -- ADX -------------------------------------------------------------------------------
def test_adx_has_the_published_structure(
    rep: Report, mapping: dict[str, Any], tmp_path: Path
) -> None:
    out = rep.to_dhis2(tmp_path / "v.adx.xml", mapping=mapping, format="adx")
    root = ET.parse(out).getroot()
    assert root.tag == f"{ADX}adx"
    datetime.fromisoformat(root.attrib["exported"].replace("Z", "+00:00"))
    n = 0
    for group in root:
        assert group.tag == f"{ADX}group"
        assert {"orgUnit", "period", "dataSet"} <= set(group.attrib)
        match = ADX_PERIOD.match(group.attrib["period"])
        assert match and match.groups() == ("2024-01-01", "1", "Y")
        for value in group:
            assert value.tag == f"{ADX}dataValue"
            assert len(value) == 0
            Decimal(value.attrib["value"])  # a decimal, as the schema types it
            extra = set(value.attrib) - {"dataElement", "value"}
            assert len(extra) <= 1  # one breakdown at a time, none on an overall row
            for name in extra:
                assert re.match(r"^[A-Za-z_][A-Za-z0-9_.-]*$", name)
            n += 1
    assert n == _cells(rep)


def test_adx_without_a_data_set_is_refused(
    rep: Report, mapping: dict[str, Any], tmp_path: Path
) -> None:
    without = {k: v for k, v in mapping.items() if k != "data_set"}
    with pytest.raises(Dhis2MappingError, match="data_set") as info:
        rep.to_dhis2(tmp_path / "v.xml", mapping=without, format="adx")
    assert info.value.code == "dhis2-unmapped"
    assert not (tmp_path / "v.xml").exists()


# -- unmapped, excluded, conflicts -----------------------------------------------------------
def test_an_unmapped_unit_is_refused_by_default_and_named(
    rep: Report, mapping: dict[str, Any]
) -> None:
    partial = json.loads(json.dumps(mapping))
    del partial["org_units"]["2008"]["00002"]
    with pytest.raises(Dhis2MappingError, match=r"org units: 2008:00002") as info:
        data_values(rep, partial)
    assert info.value.code == "dhis2-unmapped"


def test_skip_leaves_unmapped_cells_out_with_a_warning(
    rep: Report, mapping: dict[str, Any]
) -> None:
    partial = json.loads(json.dumps(mapping))
    gone = partial["org_units"]["2008"].pop("00002")
    with pytest.warns(ChitieuWarning, match="2008:00002"):
        values = data_values(rep, partial, on_unmapped="skip")
    assert gone not in set(values["orgUnit"])
    kept = rep.table.loc[rep.table["unit_code"] != "00002"]
    assert len(values) == sum(kept[c].notna().sum() for c in ("numerator", "denominator"))


def test_a_placeholder_left_in_is_unmapped(rep: Report, mapping: dict[str, Any]) -> None:
    partial = json.loads(json.dumps(mapping))
    partial["indicators"]["injury_rate"]["sex"]["options"]["F"]["category_option_combo"] = (
        "<FILL: category option combo of sex=F>"
    )
    with pytest.raises(Dhis2MappingError, match=r"categories: injury_rate\.sex=F"):
        data_values(rep, partial)


def test_false_leaves_an_indicator_or_breakdown_out_without_a_word(
    rep: Report, mapping: dict[str, Any]
) -> None:
    partial = json.loads(json.dumps(mapping))
    partial["indicators"]["child_population"] = False
    partial["indicators"]["injury_rate"]["sex"] = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = data_values(rep, partial)
    full = data_values(rep, mapping)
    assert not values["comment"].str.startswith("chitieu child_population ").any()
    dropped = full.loc[
        full["comment"].str.startswith("chitieu child_population ")
        | full["dataElement"].isin(
            [mapping["indicators"]["injury_rate"]["sex"][c] for c in ("numerator", "denominator")]
        )
    ]
    assert len(values) == len(full) - len(dropped) and len(dropped) > 0


def test_two_cells_on_one_data_value_are_a_conflict(rep: Report, mapping: dict[str, Any]) -> None:
    clash = json.loads(json.dumps(mapping))
    block = clash["indicators"]["injury_rate"]["total"]
    block["denominator"] = block["numerator"]
    with pytest.raises(Dhis2MappingError) as info:
        data_values(rep, clash)
    assert info.value.code == "dhis2-mapping-conflict"
    assert "injury_rate.total.denominator" in str(info.value)


def test_the_value_is_exported_only_where_the_mapping_gives_it(
    rep: Report, mapping: dict[str, Any]
) -> None:
    with_value = json.loads(json.dumps(mapping))
    with_value["indicators"]["injury_rate"]["total"]["value"] = _uid("injury value")
    values = data_values(rep, with_value)
    shown = values.loc[values["dataElement"] == _uid("injury value")]
    expected = rep.get("injury_rate", by="total")["value"].dropna()
    assert sorted(float(v) for v in shown["value"]) == pytest.approx(sorted(expected))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"data_set": "not-a-uid"}, "not a DHIS2 uid"),
        ({"indicators": {"child_populaton": {}}}, "child_population"),
        ({"indicators": {"child_population": {"colour": {}}}}, "no breakdown 'colour'"),
        ({"org_units": {"2008": {1: "Abcdefghij1"}}}, "quote it"),
        ({"extra": 1}, "unknown key 'extra'"),
    ],
)
def test_a_malformed_mapping_says_where(change: dict[str, Any], match: str) -> None:
    base: dict[str, Any] = {"version": 1, "indicators": {}}
    with pytest.raises(Dhis2MappingError, match=match) as info:
        load_mapping({**base, **change})
    assert info.value.code == "dhis2-mapping-invalid"


def test_unquoted_unit_codes_in_a_yaml_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("version: 1\norg_units:\n  '2008':\n    00001: Abcdefghij1\n", encoding="utf-8")
    with pytest.raises(Dhis2MappingError, match="quote it"):
        load_mapping(path)


# -- suppression -----------------------------------------------------------------------
def test_a_suppressed_report_exports_only_what_the_publication_shows(
    rep: Report, mapping: dict[str, Any]
) -> None:
    from chitieu.disclosure import hidden_cells

    published = rep.suppress()
    values = data_values(published, mapping)
    full = data_values(rep, mapping)
    hidden = hidden_cells(published.table)
    n_hidden = int(hidden["numerator"].sum() + hidden["denominator"].sum())
    assert n_hidden > 0
    assert len(values) == _cells(published) == len(full) - n_hidden
    key = ["dataElement", "period", "orgUnit", "categoryOptionCombo"]
    merged = values.merge(full, on=key, how="left", suffixes=("", "_full"))
    # every value published is the report's own; none is a hidden count
    assert merged["value_full"].notna().all()
    assert (merged["value"] == merged["value_full"]).all()


# -- periods ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "dhis2", "adx"),
    [
        ("2024", "2024", "2024-01-01/P1Y"),
        ("2024-H1", "2024S1", "2024-01-01/P6M"),
        ("2024-H2", "2024S2", "2024-07-01/P6M"),
        ("2024-Q3", "2024Q3", "2024-07-01/P3M"),
        ("2024-02", "202402", "2024-02-01/P1M"),
        ("2024-03-15..2024-03-15", "20240315", "2024-03-15/P1D"),
        ("2023-07-01..2024-06-30", "2023July", "2023-07-01/P1Y"),
        ("2024-01-01..2024-02-15", None, "2024-01-01/P46D"),
    ],
)
def test_periods_in_dhis2_and_iso_8601_forms(label: str, dhis2: str | None, adx: str) -> None:
    period = parse_period(label)
    assert adx_period(period) == adx
    if dhis2 is None:
        with pytest.raises(Dhis2MappingError) as info:
            dhis2_period(period)
        assert info.value.code == "dhis2-period"
    else:
        assert re.match(DHIS2_PERIOD, dhis2_period(period))
        assert dhis2_period(period) == dhis2


def test_a_quarter_report_carries_the_quarter(mapping: dict[str, Any]) -> None:
    quarter = report(tiny_submission(), period="2024-Q4", indicators=["child_population"])
    values = data_values(quarter, mapping, on_unmapped="ignore")
    assert set(values["period"]) == {"2024Q4"}


# -- the template ----------------------------------------------------------------------------
def test_the_template_has_every_indicator_breakdown_and_count_as_placeholders() -> None:
    from chitieu.indicators import REGISTRY

    text = mapping_template()
    data = yaml.safe_load(text)
    assert set(data["indicators"]) == set(REGISTRY)
    for indicator_id, meta in REGISTRY.items():
        block = data["indicators"][indicator_id]
        assert set(block) == {"total", *(d for d in meta.dimensions if d != "commune")}
        expected = {"numerator"} | ({"denominator"} if meta.denominator_en else set())
        assert {k for k in block["total"] if k in ("numerator", "denominator")} == expected
    mapping = load_mapping(data)
    assert all(e is None for e in mapping.indicators["injury_rate"]["sex"].elements.values())


def test_dhis2_template_command_writes_a_mapping_of_the_units(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from chitieu.io.write import write_submission

    folder = write_submission(tiny_submission(), tmp_path / "xa", "csv")
    out = tmp_path / "mapping.yaml"
    code = main(
        [
            "dhis2",
            "template",
            "--units",
            str(folder),
            "--indicators",
            "injury_rate",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(data["indicators"]) == ["injury_rate"]
    assert set(data["org_units"]["2008"]) == {"01", "001", "00001", "00002"}
    capsys.readouterr()


def test_the_communes_counts_add_up_to_the_province_export(
    rep: Report, mapping: dict[str, Any]
) -> None:
    communes = data_values(rep, mapping)
    province = data_values(rep.rollup("province"), mapping)
    assert set(province["orgUnit"]) == {mapping["org_units"]["2008"]["01"]}
    counts = province.loc[province["comment"].str.contains(r" (?:numerator|denominator)")]
    summed = (
        communes.assign(n=communes["value"].astype(float))
        .groupby(["dataElement", "categoryOptionCombo"])["n"]
        .sum()
    )
    assert len(counts) > 100
    for row in counts.itertuples(index=False):
        assert float(row.value) == summed[(row.dataElement, row.categoryOptionCombo)]
