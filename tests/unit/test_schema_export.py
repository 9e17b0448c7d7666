"""Exported Frictionless schemas: no drift from the code, sound structure, usable by frictionless."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chitieu import synth
from chitieu.codelists import codes
from chitieu.io.write import write_submission
from chitieu.schemas import TABLES, column_specs
from chitieu.schemas.export import (
    CONDITIONAL_FOREIGN_KEYS,
    DATAPACKAGE,
    FOREIGN_KEYS,
    export_schemas,
    main,
    render_schemas,
    to_datapackage,
    to_table_schema,
)

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas"
TYPES = {"string", "date", "boolean", "integer"}
PLAN_SCHEMA = "plan.schema.json"  # a JSON Schema for plan files, written by hand


def test_committed_files_match_the_code() -> None:
    fresh = render_schemas()
    committed = {
        p.name: p.read_text(encoding="utf-8")
        for p in COMMITTED.glob("*.json")
        if p.name != PLAN_SCHEMA
    }
    assert set(committed) == set(fresh), "run: python -m chitieu.schemas.export schemas"
    for name, text in fresh.items():
        assert committed[name] == text, (
            f"{name} drifted; run: python -m chitieu.schemas.export schemas"
        )


def test_export_writes_every_table_and_the_package(tmp_path: Path) -> None:
    paths = export_schemas(tmp_path / "out")
    assert [p.name for p in paths] == [f"{t}.schema.json" for t in TABLES] + [DATAPACKAGE]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n") and not text.endswith("\n\n")
        assert json.loads(text) == json.loads(render_schemas()[path.name])
    # stable: a second export writes the same bytes
    again = export_schemas(tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


def test_main_writes_to_the_given_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path)]) == 0
    assert (tmp_path / "children.schema.json").exists()
    assert "datapackage.json" in capsys.readouterr().out


@pytest.mark.parametrize("table", list(TABLES))
def test_schema_structure(table: str) -> None:
    schema = to_table_schema(table)
    specs = column_specs(table)
    names = [f["name"] for f in schema["fields"]]
    assert names == list(specs)
    assert schema["name"] == table and schema["missingValues"] == [""]
    assert schema["title"].startswith(TABLES[table].vi) and schema["description"]
    for field in schema["fields"]:
        spec = specs[field["name"]]
        assert field["type"] in TYPES and field["type"] == spec.kind
        assert field["title"] == spec.vi and field["description"] == spec.en
        constraints = field.get("constraints", {})
        assert constraints.get("required", False) == (not spec.nullable)
        assert constraints.get("unique", False) == spec.unique
        if field["type"] == "date":
            assert field["format"] == "default"
        if spec.codelist and not spec.multi:
            assert constraints["enum"] == list(codes(spec.codelist))
        if spec.multi:
            assert "enum" not in constraints and constraints["pattern"]
        assert field["x-chitieu"]["aliases"] == list(spec.aliases)
    assert set(schema["primaryKey"]) <= set(names)
    assert schema["primaryKey"] == list(TABLES[table].key)
    for key in schema.get("foreignKeys", []):
        assert set(key["fields"]) <= set(names)
        target = key["reference"]["resource"]
        target_names = {f["name"] for f in to_table_schema(target)["fields"]}
        assert set(key["reference"]["fields"]) <= target_names
        assert len(key["fields"]) == len(key["reference"]["fields"])


def test_foreign_keys_cover_every_link() -> None:
    linked = {(t, f) for t, keys in FOREIGN_KEYS.items() for fields, _, _ in keys for f in fields}
    linked |= {
        (t, f) for t, keys in CONDITIONAL_FOREIGN_KEYS.items() for fs, _, _ in keys for f in fs
    }
    for table in TABLES:
        for column in ("child_id", "case_id", "commune_code"):
            if column in column_specs(table) and table not in ("children", "abuse_cases"):
                assert (table, column) in linked, (table, column)
    # a child from elsewhere is not on the register: that link is conditional only
    for table in CONDITIONAL_FOREIGN_KEYS:
        assert all("child_id" not in fields for fields, _, _ in FOREIGN_KEYS[table])


def test_minimum_and_multi_pattern() -> None:
    fine = next(f for f in to_table_schema("sanctions")["fields"] if f["name"] == "fine_vnd")
    assert fine["constraints"]["minimum"] == 0 and fine["type"] == "integer"
    measures = next(f for f in to_table_schema("sanctions")["fields"] if f["name"] == "measures")
    pattern = re.compile(measures["constraints"]["pattern"])
    assert pattern.fullmatch("FINE;REMEDIAL") and pattern.fullmatch("WARNING")
    assert not pattern.fullmatch("FINE; REMEDIAL") and not pattern.fullmatch("FINE;NOPE")


def test_unknown_table_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="tables: children"):
        to_table_schema("pupils")


def test_datapackage_ties_resources_to_schema_files() -> None:
    pkg = to_datapackage()
    assert [r["name"] for r in pkg["resources"]] == list(TABLES)
    files = set(render_schemas())
    for resource in pkg["resources"]:
        assert resource["schema"] in files and resource["path"] == f"{resource['name']}.csv"


def test_frictionless_accepts_the_schemas() -> None:
    frictionless = pytest.importorskip("frictionless")
    for path in sorted(p for p in COMMITTED.glob("*.schema.json") if p.name != PLAN_SCHEMA):
        report = frictionless.Schema.validate_descriptor(str(path))
        assert report.valid, (path.name, [e.message for e in report.errors])
    report = frictionless.Package.validate_descriptor(str(COMMITTED / DATAPACKAGE))
    assert report.valid, [e.message for e in report.errors]


def _package(folder: Path) -> Path:
    export_schemas(folder)
    pkg = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
    pkg["resources"] = [r for r in pkg["resources"] if (folder / r["path"]).exists()]
    (folder / DATAPACKAGE).write_text(json.dumps(pkg), encoding="utf-8")
    return folder / DATAPACKAGE


def test_frictionless_validates_a_written_submission(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    sub = synth.generate(n_children=600, seed=4, year=2024)
    write_submission(sub, tmp_path / "good", "csv")
    report = frictionless.validate(str(_package(tmp_path / "good")))
    assert report.valid, [e.message for t in report.tasks for e in t.errors][:5]

    bad = sub.supports.copy()
    bad.loc[0, "child_id"] = "NOT-ON-REGISTER"
    children = sub.children.copy()
    children.loc[1, "sex"] = "X"
    write_submission(sub.replace(supports=bad, children=children), tmp_path / "bad", "csv")
    report = frictionless.validate(str(_package(tmp_path / "bad")))
    types = {e.type for t in report.tasks for e in t.errors}
    assert {"foreign-key", "constraint-error"} <= types
