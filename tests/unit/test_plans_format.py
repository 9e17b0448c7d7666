"""The plan file format: reading, coded problems, the JSON Schema, the shipped copy."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import chitieu
from chitieu import plans
from chitieu.errors import ChitieuError, ReadError
from chitieu.plans import InvalidPlanError, Plan, Target, check_plan, plan_from_dict

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PLAN = ROOT / "examples" / "plans" / "thi-tran-thang-2024.yaml"
PACKAGED_PLAN = ROOT / "src" / "chitieu" / "data" / "plans" / "thi-tran-thang-2024.yaml"
SCHEMA = ROOT / "schemas" / "plan.schema.json"


def minimal(**target: Any) -> dict[str, Any]:
    """A valid plan with one target, changed by *target*."""
    base: dict[str, Any] = {
        "indicator": "injury_rate",
        "comparison": "<",
        "threshold": 3,
        "unit": "per_1000",
        "wording_vi": "Giảm tỷ suất trẻ em bị tai nạn, thương tích còn dưới 3/1.000 trẻ em",
        "section": "4.1",
    }
    base.update(target)
    return {
        "name_vi": "Kế hoạch công tác trẻ em năm 2024",
        "period": "2024",
        "unit": {"code": "07840", "division_version": "2008", "name": "Thị trấn Thắng"},
        "targets": [{k: v for k, v in base.items() if v is not None}],
    }


def codes(content: Any) -> list[str]:
    return [p.code for p in check_plan(content).problems]


# -- the shipped plan ----------------------------------------------------------------------
def test_the_packaged_plan_is_the_example_plan() -> None:
    assert EXAMPLE_PLAN.read_bytes() == PACKAGED_PLAN.read_bytes()


def test_the_example_plan_reads_without_problems() -> None:
    found = plans.check_plan_file(EXAMPLE_PLAN)
    assert found.ok and found.plan is not None
    assert found.plan == chitieu.Plan.from_yaml(EXAMPLE_PLAN)
    assert len(found.plan.targets) == 18
    assert (found.plan.unit_code, found.plan.division_version) == ("07840", "2008")


def test_the_example_plan_uses_the_commune_of_the_example_submission() -> None:
    units = chitieu.read_submission(ROOT / "examples" / "thi-tran-thang-2024").units
    town = units.loc[units["level"] == "COMMUNE"].iloc[0]
    plan = Plan.from_yaml(EXAMPLE_PLAN)
    assert (plan.unit_code, plan.division_version, plan.unit_name) == (
        town["unit_code"],
        town["division_version"],
        town["name"],
    )


# -- the JSON Schema -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_example_plan_validates_against_the_json_schema(validator: Any) -> None:
    content = yaml.safe_load(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(content)) == []
    assert list(validator.iter_errors(minimal())) == []


@pytest.mark.parametrize(
    "broken",
    [
        {"threshold": 120, "unit": "percent"},  # a percent above 100
        {"threshold": -1},  # a negative rate
        {"comparison": "decrease"},  # a threshold on a target against the previous period
        {"comparison": "=<"},
        {"unit": "per_10000"},
        {"wording_vi": None},  # the plan's own words are required
        {"threshold": None},  # a comparison needs its threshold
        {"thresold": 3},  # a misspelt field
        {"section": 4.1},  # a section as a number
    ],
)
def test_a_broken_plan_does_not_validate(validator: Any, broken: dict[str, Any]) -> None:
    content = minimal(**broken)
    assert list(validator.iter_errors(content)), broken
    assert check_plan(content).problems, broken  # chitieu refuses it too


@pytest.mark.parametrize("field", ["period", "unit", "targets", "name_vi"])
def test_a_plan_without_a_required_field_does_not_validate(validator: Any, field: str) -> None:
    content = minimal()
    del content[field]
    assert list(validator.iter_errors(content))
    assert "invalid-plan" in codes(content)


def test_a_unit_code_as_a_number_does_not_validate(validator: Any) -> None:
    content = minimal()
    content["unit"]["code"] = 7840
    assert list(validator.iter_errors(content))
    found = check_plan(content)
    assert [p.code for p in found.problems] == ["invalid-plan"]
    assert "leading zeros" in found.problems[0].message


def test_the_json_schema_names_the_fields_chitieu_reads() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    from chitieu.plans import _read

    assert tuple(schema["properties"]) == _read.PLAN_FIELDS
    assert tuple(schema["$defs"]["target"]["properties"]) == _read.TARGET_FIELDS
    assert tuple(schema["properties"]["unit"]["properties"]) == _read.UNIT_FIELDS
    assert tuple(schema["properties"]["issuer"]["properties"]) == _read.ISSUER_FIELDS
    reference = schema["$defs"]["target"]["properties"]["reference"]["properties"]
    assert tuple(reference) == _read.REFERENCE_FIELDS
    assert schema["$defs"]["unit"]["enum"] == list(plans.PLAN_UNITS)
    assert schema["$defs"]["target"]["properties"]["comparison"]["enum"] == list(plans.COMPARISONS)


# -- coded problems ----------------------------------------------------------------------------
def test_an_unknown_indicator_names_the_closest_ids() -> None:
    found = check_plan(minimal(indicator="injury_rat"))
    assert [p.code for p in found.problems] == ["unknown-indicator"]
    problem = found.problems[0]
    assert problem.position == 1
    assert "closest: injury_rate" in problem.message
    assert problem.message.startswith("target 1 (section 4.1, 'Giảm tỷ suất trẻ em bị tai nạn")
    assert problem.text("vi").startswith("chỉ tiêu 1 (mục 4.1")
    with pytest.raises(InvalidPlanError) as info:
        plan_from_dict(minimal(indicator="injury_rat"))
    assert info.value.code == "unknown-indicator"
    assert isinstance(info.value, ChitieuError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("indicator", "unit"),
    [
        ("injury_rate", "percent"),  # a percent target on a rate
        ("special_circumstances", "per_1000"),  # a rate target on a percent
        ("child_population", "percent"),  # a percent target on a count
        ("drowning_deaths", "per_100000"),
    ],
)
def test_a_threshold_in_a_unit_the_indicator_is_not_in_is_refused(
    indicator: str, unit: str
) -> None:
    content = minimal(indicator=indicator, unit=unit, threshold=2)
    found = check_plan(content)
    assert [p.code for p in found.problems] == ["plan-unit-mismatch"]
    assert indicator in found.problems[0].message and unit in found.problems[0].message
    with pytest.raises(InvalidPlanError) as info:
        plan_from_dict(content)
    assert info.value.code == "plan-unit-mismatch"


def test_a_rate_may_be_written_per_1000_or_per_100000() -> None:
    for unit in ("per_1000", "per_100000"):
        assert check_plan(minimal(unit=unit)).ok


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"indicator": "special_circumstances", "unit": "percent", "threshold": 101}, "0 to 100"),
        ({"indicator": "special_circumstances", "unit": "percent", "threshold": -2}, "0 to 100"),
        ({"threshold": -0.5}, "0 or more"),
        ({"indicator": "drowning_deaths", "unit": "count", "threshold": -1}, "0 or more"),
    ],
)
def test_a_threshold_outside_what_its_unit_allows_is_refused(
    changes: dict[str, Any], says: str
) -> None:
    found = check_plan(minimal(**changes))
    assert [p.code for p in found.problems] == ["threshold-out-of-range"]
    assert says in found.problems[0].message


def test_a_reference_in_an_incompatible_unit_is_refused() -> None:
    content = minimal(reference={"value": 16, "unit": "percent", "source": "x"})
    assert codes(content) == ["plan-unit-mismatch"]
    content = minimal(reference={"value": -16, "unit": "per_100000"})
    assert codes(content) == ["threshold-out-of-range"]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"comparison": "=<"}, "'comparison' must be one of"),
        ({"comparison": "decrease"}, "has no threshold"),
        ({"threshold": "3"}, "'threshold' must be a number"),
        ({"threshold": None}, "'threshold' must be a number"),
        ({"unit": "per_10000"}, "'unit' must be one of"),
        ({"thresold": 3}, "did you mean 'threshold'?"),
        ({"section": 4.1}, "'section' must be text"),
        ({"indicator": None}, "'indicator' must be an indicator id"),
    ],
)
def test_shape_problems_are_invalid_plan(changes: dict[str, Any], says: str) -> None:
    found = check_plan(minimal(**changes))
    assert found.plan is None
    assert "invalid-plan" in [p.code for p in found.problems]
    assert any(says in p.message and p.message.startswith("target 1") for p in found.problems)


def test_every_problem_is_reported_each_with_its_target() -> None:
    content = minimal()
    content["targets"] = [
        minimal(indicator="injury_rat")["targets"][0],
        minimal()["targets"][0],
        minimal(unit="percent", wording_vi="Tỷ lệ dưới 3%")["targets"][0],
        "not a target",
    ]
    found = check_plan(content)
    assert [(p.code, p.position) for p in found.problems] == [
        ("unknown-indicator", 1),
        ("plan-unit-mismatch", 3),
        ("invalid-plan", 4),
    ]
    assert "'Tỷ lệ dưới 3%'" in found.problems[1].message
    with pytest.raises(InvalidPlanError, match="and 2 more problems") as info:
        plan_from_dict(content)
    assert len(info.value.problems) == 3


def test_plan_level_problems() -> None:
    content = minimal()
    content["period"] = "2024-Q5"
    content["unit"]["division_version"] = "2030"
    content["colour"] = "blue"
    found = check_plan(content)
    messages = " | ".join(p.message for p in found.problems)
    assert {p.code for p in found.problems} == {"invalid-plan"}
    assert "'period'" in messages and "division_version" in messages
    assert "unknown field 'colour'" in messages
    assert all(p.position is None for p in found.problems)
    assert check_plan([1, 2]).problems[0].code == "invalid-plan"


def test_a_plan_built_in_python_is_checked_too() -> None:
    with pytest.raises(InvalidPlanError) as info:
        Plan(
            "x",
            "x",
            "2024",
            (Target("injury_rate", "<", 30.0, "dưới 30%", unit="percent"),),
            unit_code="07840",
            division_version="2008",
        )
    assert info.value.code == "plan-unit-mismatch"
    with pytest.raises(InvalidPlanError) as info:
        Plan(
            "x", "x", "2024", (Target("injury_rat", "<", 3.0),),
            unit_code="07840", division_version="2008",
        )  # fmt: skip
    assert info.value.code == "unknown-indicator"


# -- files ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".yaml", ".json", ".toml"])
def test_the_format_is_read_from_yaml_json_and_toml(tmp_path: Path, suffix: str) -> None:
    content = minimal(reference={"value": 550, "unit": "per_100000", "source": "NAP"})
    path = tmp_path / f"ke-hoach{suffix}"
    if suffix == ".yaml":
        path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    else:
        target = content["targets"][0]
        lines = [
            f'name_vi = "{content["name_vi"]}"',
            'period = "2024"',
            "[unit]",
            'code = "07840"',
            'division_version = "2008"',
            "[[targets]]",
            *(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in target.items()
              if k != "reference"),
            "[targets.reference]",
            "value = 550",
            'unit = "per_100000"',
            'source = "NAP"',
        ]  # fmt: skip
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = Plan.from_yaml(path)
    target = plan.targets[0]
    assert (target.indicator_id, target.op, target.value, target.unit, target.section) == (
        "injury_rate",
        "<",
        3.0,
        "per_1000",
        "4.1",
    )
    assert (target.reference, target.reference_unit) == (550.0, "per_100000")
    assert plan.source == path.name


def test_an_unreadable_plan_file_is_a_read_error(tmp_path: Path) -> None:
    broken = tmp_path / "p.yaml"
    broken.write_text("targets: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReadError, match="cannot be parsed"):
        Plan.from_yaml(broken)
    other = tmp_path / "p.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(ReadError) as info:
        Plan.from_yaml(other)
    assert info.value.code == "unknown-format"


def test_a_problem_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.yaml"
    path.write_text(yaml.safe_dump(minimal(indicator="injury_rat"), allow_unicode=True), "utf-8")
    with pytest.raises(InvalidPlanError) as info:
        Plan.from_yaml(path)
    assert str(info.value).startswith("ke-hoach.yaml: target 1")


def test_files_of_the_earlier_flat_format_are_still_read() -> None:
    content = {
        "name_vi": "x",
        "period": 2024,
        "unit_code": "07840",
        "division_version": 2008,
        "targets": [{"indicator": "injury_rate", "op": "<", "value": 3, "text_vi": "dưới 3"}],
    }
    plan = plan_from_dict(copy.deepcopy(content))
    assert (plan.unit_code, plan.division_version) == ("07840", "2008")
    target = plan.targets[0]
    assert (target.op, target.value, target.text_vi) == ("<", 3.0, "dưới 3")
    assert target.resolved_unit() == "per_1000"
