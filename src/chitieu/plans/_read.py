"""Plan files: reading, checking every field, and the plans shipped with chitieu."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chitieu.errors import ChitieuError, ReadError
from chitieu.periods import parse_period
from chitieu.plans._model import (
    COMPARISONS,
    PLAN_UNITS,
    TREND_COMPARISONS,
    InvalidPlanError,
    Plan,
    PlanProblem,
    Target,
    UnknownPlanError,
    target_problems,
    where,
)

__all__ = [
    "PLAN_FIELDS",
    "TARGET_FIELDS",
    "PlanCheck",
    "check_plan",
    "check_plan_file",
    "get_plan",
    "load_plan",
    "packaged_plans",
    "plan_from_dict",
    "read_plan",
    "read_plan_content",
]

#: The fields of a plan file (``unit`` and ``issuer`` are mappings).
PLAN_FIELDS: tuple[str, ...] = (
    "key", "name_vi", "name_en", "issuer", "unit", "period", "source", "notes", "targets",
)  # fmt: skip
UNIT_FIELDS: tuple[str, ...] = (
    "code", "division_version", "name", "district_code", "province_code",
)  # fmt: skip
ISSUER_FIELDS: tuple[str, ...] = ("name_vi", "name_en", "document_number", "document_date")
#: The fields of a target.
TARGET_FIELDS: tuple[str, ...] = (
    "section", "indicator", "comparison", "threshold", "unit", "wording_vi", "wording_en",
    "reference", "note", "note_vi",
)  # fmt: skip
REFERENCE_FIELDS: tuple[str, ...] = ("value", "unit", "source", "source_vi")
#: Names accepted for files written for earlier versions (flat unit, ``op``, ``value``).
_LEGACY_PLAN = ("unit_code", "division_version", "unit_name", "district_code", "province_code")
_LEGACY_TARGET = {
    "op": "comparison",
    "value": "threshold",
    "text_vi": "wording_vi",
    "text_en": "wording_en",
    "indicator_id": "indicator",
    "reference_source": "reference_source",
    "reference_source_vi": "reference_source_vi",
}

_PLANS_DIR = Path(__file__).resolve().parents[1] / "data" / "plans"


@dataclass
class PlanCheck:
    """What checking a plan found: the plan (None when it has problems) and the problems."""

    plan: Plan | None
    problems: list[PlanProblem] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the plan has no problem."""
        return not self.problems


def _unknown_fields(
    mapping: Mapping[str, Any], allowed: Sequence[str], at: tuple[str, str], what: str
) -> list[PlanProblem]:
    problems = []
    for name in mapping:
        if name in allowed:
            continue
        close = difflib.get_close_matches(str(name), list(allowed), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; fields: {', '.join(allowed)}"
        hint_vi = f"; có phải là {close[0]!r}?" if close else f"; các trường: {', '.join(allowed)}"
        problems.append(
            PlanProblem(
                "invalid-plan",
                f"{at[0]}unknown field {name!r} in the {what}{hint}",
                f"{at[1]}trường {name!r} không có trong {what}{hint_vi}",
            )
        )
    return problems


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shape(
    problems: list[PlanProblem], at: tuple[str, str], position: int | None, en: str, vi: str
) -> None:
    problems.append(PlanProblem("invalid-plan", f"{at[0]}{en}", f"{at[1]}{vi}", position))


def _target(
    raw: Any, position: int, problems: list[PlanProblem]
) -> tuple[Target | None, dict[str, Any]]:
    """One target from its mapping, or None with its problems added."""
    if not isinstance(raw, Mapping):
        at = where(position)
        _shape(problems, at, position, "expected a mapping of fields", "cần một bảng các trường")
        return None, {"position": position}
    raw = dict(raw)
    legacy = any(old in raw for old in ("op", "value", "text_vi", "indicator_id"))
    for old, new in _LEGACY_TARGET.items():
        if old in raw and new not in raw:
            raw[new] = raw.pop(old)
    reference_source = raw.pop("reference_source", None)
    reference_source_vi = raw.pop("reference_source_vi", None)
    wording = raw.get("wording_vi")
    section = raw.get("section")
    at = where(position, wording if _text(wording) else "", section if _text(section) else "")
    seen = {"position": position, **{k: raw.get(k) for k in TARGET_FIELDS}}
    before = len(problems)
    for p in _unknown_fields(raw, TARGET_FIELDS, at, "target"):
        problems.append(PlanProblem(p.code, p.message, p.message_vi, position))
    indicator = raw.get("indicator")
    if not _text(indicator) or not indicator.strip():
        _shape(problems, at, position, f"'indicator' must be an indicator id, found "
               f"{indicator!r}", f"'indicator' phải là mã chỉ tiêu, gặp {indicator!r}")  # fmt: skip
    comparison = raw.get("comparison")
    if comparison not in COMPARISONS:
        _shape(
            problems, at, position,
            f"'comparison' must be one of {', '.join(COMPARISONS)}, found {comparison!r}",
            f"'comparison' phải là một trong {', '.join(COMPARISONS)}, gặp {comparison!r}",
        )  # fmt: skip
    threshold = raw.get("threshold")
    if comparison in TREND_COMPARISONS:
        if threshold is not None:
            _shape(
                problems, at, position,
                f"a {comparison!r} target compares with the previous period and has no "
                f"threshold, found {threshold!r}",
                f"chỉ tiêu {comparison!r} so với kỳ trước, không có ngưỡng; gặp {threshold!r}",
            )  # fmt: skip
    elif comparison in COMPARISONS and not _number(threshold):
        _shape(problems, at, position, f"'threshold' must be a number, found {threshold!r}",
               f"'threshold' phải là một số, gặp {threshold!r}")  # fmt: skip
    unit = raw.get("unit")
    if unit is not None and unit not in PLAN_UNITS:
        _shape(
            problems, at, position,
            f"'unit' must be one of {', '.join(PLAN_UNITS)}, found {unit!r}",
            f"'unit' phải là một trong {', '.join(PLAN_UNITS)}, gặp {unit!r}",
        )  # fmt: skip
    if raw.get("wording_vi") is None and not legacy:
        _shape(problems, at, position, "the target has no 'wording_vi' (the plan's own words)",
               "chỉ tiêu thiếu 'wording_vi' (nguyên văn của kế hoạch)")  # fmt: skip
    for name in ("wording_vi", "wording_en", "note", "note_vi"):
        value = raw.get(name)
        if value is not None and not _text(value):
            _shape(problems, at, position, f"{name!r} must be text, found {value!r}",
                   f"{name!r} phải là văn bản, gặp {value!r}")  # fmt: skip
    if section is not None and not _text(section):
        _shape(
            problems, at, position,
            f"'section' must be text, found the number {section!r}: write it in quotes "
            f"(\"{section}\"), a number loses its zeros (3.10 becomes 3.1)",
            f"'section' phải là văn bản, gặp số {section!r}: hãy để trong dấu nháy",
        )  # fmt: skip
    reference = raw.get("reference")
    ref_value: float | None = None
    ref_unit = ""
    ref_source = reference_source if _text(reference_source) else ""
    ref_source_vi = reference_source_vi if _text(reference_source_vi) else ""
    if _number(reference):  # an earlier version's bare number, in the target's unit
        ref_value = float(reference)
    elif isinstance(reference, Mapping):
        for p in _unknown_fields(reference, REFERENCE_FIELDS, at, "reference"):
            problems.append(PlanProblem(p.code, p.message, p.message_vi, position))
        if not _number(reference.get("value")):
            _shape(problems, at, position,
                   f"the reference's 'value' must be a number, found {reference.get('value')!r}",
                   "'value' của mức tham chiếu phải là một số")  # fmt: skip
        else:
            ref_value = float(reference["value"])
        ref_unit = reference.get("unit") or ""
        if ref_unit and ref_unit not in PLAN_UNITS:
            _shape(problems, at, position,
                   f"the reference's 'unit' must be one of {', '.join(PLAN_UNITS)}, found "
                   f"{ref_unit!r}", "'unit' của mức tham chiếu không hợp lệ")  # fmt: skip
        ref_source = str(reference.get("source") or "")
        ref_source_vi = str(reference.get("source_vi") or "")
    elif reference is not None:
        _shape(problems, at, position,
               f"'reference' must be a mapping (value, unit, source), found {reference!r}",
               "'reference' phải là một bảng (value, unit, source)")  # fmt: skip
    if len(problems) > before:
        return None, seen
    try:
        target = Target(
            str(indicator).strip(),
            comparison,  # checked above
            None if threshold is None else float(threshold),
            str(raw.get("wording_vi") or ""),
            str(raw.get("wording_en") or ""),
            unit=str(unit or ""),
            section=str(section or ""),
            reference=ref_value,
            reference_unit=ref_unit,
            reference_source=ref_source,
            reference_source_vi=ref_source_vi,
            note=str(raw.get("note") or ""),
            note_vi=str(raw.get("note_vi") or ""),
        )
    except ValueError as exc:  # pragma: no cover - every case is checked above
        _shape(problems, at, position, str(exc), str(exc))
        return None, seen
    found = target_problems(target, position)
    problems.extend(found)
    if found:
        return None, seen
    if not target.text_vi or not target.text_en:
        from chitieu.indicators import get_indicator

        meta = get_indicator(target.indicator_id)
        from dataclasses import replace

        target = replace(
            target, text_vi=target.text_vi or meta.name_vi, text_en=target.text_en or meta.name_en
        )
    return target, seen


def check_plan(content: Any, *, source: str = "") -> PlanCheck:
    """Check a plan's content (as read from a file): every problem, and the plan if none.

    Examples
    --------
    >>> found = check_plan({
    ...     "name_vi": "Kế hoạch 2024", "period": "2024",
    ...     "unit": {"code": "00001", "division_version": "2008"},
    ...     "targets": [
    ...         {"indicator": "injury_rat", "comparison": "<", "threshold": 3,
    ...          "unit": "per_1000", "wording_vi": "dưới 3/1.000"},
    ...         {"indicator": "special_circumstances", "comparison": "<", "threshold": 2,
    ...          "unit": "per_1000", "wording_vi": "dưới 2%"}]})
    >>> [p.code for p in found.problems]
    ['unknown-indicator', 'plan-unit-mismatch']
    >>> found.problems[0].message
    "target 1 ('dưới 3/1.000'): no indicator 'injury_rat'; closest: injury_rate, ... (see chitieu indicators)"
    """
    problems: list[PlanProblem] = []
    top = ("", "")
    if source:
        top = (f"{source}: ", f"{source}: ")
    if not isinstance(content, Mapping):
        _shape(problems, top, None, "expected a plan (a mapping of fields)",
               "cần một kế hoạch (một bảng các trường)")  # fmt: skip
        return PlanCheck(None, problems)
    content = dict(content)
    legacy = {k: content.pop(k) for k in _LEGACY_PLAN if k in content}
    if legacy and "unit" not in content:
        content["unit"] = {
            {"unit_code": "code", "unit_name": "name"}.get(k, k): v for k, v in legacy.items()
        }
    problems.extend(_unknown_fields(content, PLAN_FIELDS, top, "plan"))
    for name in ("name_vi", "period"):
        if content.get(name) is None:
            _shape(problems, top, None, f"the plan has no {name!r}", f"kế hoạch thiếu {name!r}")
    for name in ("key", "name_vi", "name_en", "source"):
        value = content.get(name)
        if value is not None and not _text(value):
            _shape(problems, top, None, f"{name!r} must be text, found {value!r}",
                   f"{name!r} phải là văn bản, gặp {value!r}")  # fmt: skip
    period = None
    raw_period = content.get("period")
    if raw_period is not None:
        if isinstance(raw_period, bool) or not isinstance(raw_period, str | int):
            _shape(problems, top, None, f"'period' must be text, found {raw_period!r}",
                   f"'period' phải là văn bản, gặp {raw_period!r}")  # fmt: skip
        else:
            try:
                period = parse_period(raw_period)
            except ChitieuError as exc:
                _shape(problems, top, None, f"'period': {exc}", f"'period': {exc}")
    unit = content.get("unit")
    if not isinstance(unit, Mapping):
        _shape(problems, top, None,
               "the plan has no 'unit' (a mapping: code, division_version, name)",
               "kế hoạch thiếu 'unit' (code, division_version, name)")  # fmt: skip
        unit = {}
    else:
        problems.extend(_unknown_fields(unit, UNIT_FIELDS, top, "unit"))
        for name in ("code", "district_code", "province_code", "name"):
            value = unit.get(name)
            if value is not None and not _text(value):
                _shape(
                    problems, top, None,
                    f"unit {name} must be text, found the number {value!r}: write the code in "
                    'quotes ("07840"), a number loses its leading zeros',
                    f"{name} của đơn vị phải là văn bản, gặp số {value!r}: hãy để mã trong dấu "
                    'nháy ("07840"), số sẽ mất chữ số 0 ở đầu',
                )  # fmt: skip
        if unit.get("code") is None:
            _shape(problems, top, None, "the unit has no 'code'", "đơn vị thiếu 'code'")
        version = unit.get("division_version")
        from chitieu.codelists import codes

        versions = codes("division_version")
        if str(version) not in versions or isinstance(version, bool):
            _shape(
                problems, top, None,
                f"the unit's division_version must be one of {', '.join(map(repr, versions))}, "
                f"found {version!r}",
                f"division_version của đơn vị phải là một trong {', '.join(versions)}, "
                f"gặp {version!r}",
            )  # fmt: skip
    issuer = content.get("issuer") or {}
    if not isinstance(issuer, Mapping):
        _shape(problems, top, None, "'issuer' must be a mapping (name_vi, document_number, ...)",
               "'issuer' phải là một bảng (name_vi, document_number, ...)")  # fmt: skip
        issuer = {}
    else:
        problems.extend(_unknown_fields(issuer, ISSUER_FIELDS, top, "issuer"))
        for name, value in issuer.items():
            if value is not None and not _text(value):
                _shape(problems, top, None, f"issuer {name} must be text, found {value!r}",
                       f"{name} của cơ quan ban hành phải là văn bản")  # fmt: skip
    notes = content.get("notes", ())
    if isinstance(notes, str):
        notes = (notes,)
    if not isinstance(notes, Sequence) or not all(_text(n) for n in notes):
        _shape(problems, top, None, "'notes' must be a list of sentences",
               "'notes' phải là danh sách các câu")  # fmt: skip
        notes = ()
    raw_targets = content.get("targets")
    targets: list[Target] = []
    seen: list[dict[str, Any]] = []
    if not isinstance(raw_targets, Sequence) or isinstance(raw_targets, str) or not raw_targets:
        _shape(problems, top, None, "the plan has no list of targets",
               "kế hoạch không có danh sách chỉ tiêu")  # fmt: skip
    else:
        for position, raw in enumerate(raw_targets, start=1):
            target, shown = _target(raw, position, problems)
            seen.append(shown)
            if target is not None:
                targets.append(target)
    if source:
        problems = [
            p
            if p.message.startswith(top[0])
            else PlanProblem(p.code, top[0] + p.message, top[1] + p.message_vi, p.position)
            for p in problems
        ]
    if problems:
        return PlanCheck(None, problems, seen)
    assert period is not None
    plan = Plan(
        str(content["name_vi"]),
        str(content.get("name_en") or content["name_vi"]),
        period,
        tuple(targets),
        unit_code=str(unit["code"]),
        division_version=str(unit["division_version"]),
        unit_name=str(unit.get("name") or ""),
        district_code=str(unit.get("district_code") or ""),
        province_code=str(unit.get("province_code") or ""),
        key=str(content.get("key") or ""),
        source=str(content.get("source") or source),
        notes=tuple(str(n) for n in notes),
        issuer=str(issuer.get("name_vi") or ""),
        issuer_en=str(issuer.get("name_en") or ""),
        document_number=str(issuer.get("document_number") or ""),
        document_date=str(issuer.get("document_date") or ""),
    )
    return PlanCheck(plan, [], seen)


def plan_from_dict(content: Mapping[str, Any], *, source: str = "") -> Plan:
    """A plan from plain values, as read from a plan file (see ``docs/plans.md``).

    Raises
    ------
    InvalidPlanError
        With the code of the first problem found and every problem in
        ``problems``.

    Examples
    --------
    >>> plan = plan_from_dict({
    ...     "name_vi": "Kế hoạch 2024", "name_en": "2024 plan", "period": "2024",
    ...     "unit": {"code": "00001", "division_version": "2008"},
    ...     "targets": [{"indicator": "injury_rate", "comparison": "<", "threshold": 300,
    ...                  "unit": "per_100000", "wording_vi": "dưới 300/100.000 trẻ em"}],
    ... })
    >>> t = plan.targets[0]
    >>> t.indicator_id, t.op, t.value, t.unit, plan.period.label
    ('injury_rate', '<', 300.0, 'per_100000', '2024')
    """
    found = check_plan(content, source=source)
    if found.plan is None:
        first = found.problems[0]
        more = len(found.problems) - 1
        extra = (
            f" (and {more} more {'problem' if more == 1 else 'problems'}: chitieu plan check "
            "shows them all)"
            if more
            else ""
        )
        raise InvalidPlanError(
            first.message + extra, code=first.code, problems=tuple(found.problems)
        )
    return found.plan


def read_plan_content(path: str | Path) -> Any:
    """The parsed content of a plan file (``.yaml``, ``.yml``, ``.json`` or ``.toml``).

    Raises
    ------
    ReadError
        When the file cannot be read or parsed, or its suffix names no format.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(
            f"{path.name}: cannot read the plan file ({exc.__class__.__name__})"
        ) from None
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        if suffix == ".toml":
            import tomllib

            return tomllib.loads(text)
    except Exception as exc:  # every parser has its own error classes
        raise ReadError(f"{path.name}: the plan file cannot be parsed ({exc})") from None
    raise ReadError(
        f"{path.name}: cannot tell the plan file's format from {suffix or 'no suffix'!r}; "
        "use .yaml, .yml, .json or .toml",
        code="unknown-format",
    )


def check_plan_file(path: str | Path) -> PlanCheck:
    """Check the plan file *path*: every problem, and the plan if none (never raises for content).

    Raises
    ------
    ReadError
        When the file cannot be read or parsed.
    """
    path = Path(path)
    return check_plan(read_plan_content(path), source=path.name)


def read_plan(path: str | Path) -> Plan:
    """Read a plan from a YAML, JSON or TOML file (the format of ``docs/plans.md``).

    Raises
    ------
    ReadError
        When the file cannot be read or parsed.
    InvalidPlanError
        When its content is not a plan: the code of the first problem
        (``invalid-plan``, ``unknown-indicator``, ``plan-unit-mismatch``,
        ``threshold-out-of-range``), every problem in ``problems``.
    """
    path = Path(path)
    return plan_from_dict(read_plan_content(path), source=path.name)


# -- the plans shipped with chitieu -------------------------------------------------
_PACKAGED: dict[str, Plan] = {}


def packaged_plans() -> dict[str, Plan]:
    """The plans shipped with chitieu (``chitieu/data/plans/*.yaml``), by short name.

    Read on first use. The file name is the short name.
    """
    if not _PACKAGED:
        for path in sorted(_PLANS_DIR.glob("*.yaml")):
            plan = read_plan(path)
            key = plan.key or path.stem
            from dataclasses import replace

            _PACKAGED[key] = plan if plan.key == key else replace(plan, key=key)
    return _PACKAGED


def get_plan(name: str) -> Plan:
    """The plan shipped with chitieu called *name*.

    Raises
    ------
    UnknownPlanError
        For a name that is not a known plan; the message names the known plans.

    Examples
    --------
    >>> get_plan("thi-tran-thang-2024").unit_code
    '07840'
    >>> get_plan("thang-2024")
    Traceback (most recent call last):
    ...
    chitieu.plans.UnknownPlanError: no plan is called 'thang-2024'; known plans: thi-tran-thang-2024
    """
    plans = packaged_plans()
    key = name.strip().lower() if isinstance(name, str) else name
    if key in plans:
        return plans[key]
    raise UnknownPlanError(f"no plan is called {name!r}; known plans: {', '.join(sorted(plans))}")


def load_plan(name_or_path: str | Path) -> Plan:
    """A known plan by its short name, or a plan read from a file.

    Raises
    ------
    UnknownPlanError
        When *name_or_path* is neither a known plan nor a file.
    ReadError, InvalidPlanError
        When the file cannot be read or does not describe a plan.
    """
    plans = packaged_plans()
    text = str(name_or_path)
    if not isinstance(name_or_path, Path) and text.strip().lower() in plans:
        return plans[text.strip().lower()]
    path = Path(name_or_path)
    if path.is_file():
        return read_plan(path)
    raise UnknownPlanError(
        f"no plan is called {text!r} and there is no such file; known plans: "
        f"{', '.join(sorted(plans))}, or give a plan file (.yaml, .json, .toml)"
    )
