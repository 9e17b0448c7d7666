"""Plan targets and their evaluation.

Every commune's yearly child-affairs plan sets targets in the circular's
indicators. A :class:`Plan` lists them, with the unit it was set for (a
commune code and its division version) and its period (the plan's year).
:func:`evaluate` computes each indicator for that unit and that period only
and says whether the target is met, with the numerator and denominator behind
the value, and plainly notes a target far from any plausible value (a rate
"under 2 per 1,000" when the national target is 16 per 100,000 is met by every
commune).

A plan is never applied to another period (a quarter against yearly targets,
another year: :class:`PlanMismatchError`) nor to other communes: when the data
hold other communes, only the plan's commune is evaluated, and when they hold
no record of it, every target is "no data" with the reason. A target is
``met`` or ``not met`` only when its value can be computed; an indicator the
data cannot give (absent or empty table, period not covered) or a zero
denominator is ``no data``, never ``met``.

``THANG_2024`` holds the targets of the 2024 child-affairs plan of Thắng town
(Hiệp Hòa district, Bắc Giang province), section II; :data:`PLANS` lists the
plans by short name (:func:`get_plan`), and :func:`read_plan` reads a plan
from a JSON, YAML or TOML file.

Examples
--------
>>> plan = get_plan("thi-tran-thang-2024")
>>> plan.unit_code, plan.division_version, plan.period.label
('07840', '2008', '2024')
>>> check_period(plan, "2024-Q3")
Traceback (most recent call last):
...
chitieu.plans.PlanMismatchError: the period 2024-Q3 is part of the period of the plan '2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)' (2024): its targets are for the whole of 2024 and cannot be compared with a part of it; evaluate the plan for 2024
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from chitieu.errors import ChitieuError, DataNotAvailableError, ReadError, UnknownIndicatorError
from chitieu.inbound import VALIDATION_MODES, check_mode
from chitieu.periods import Period, parse_period
from chitieu.submission import Submission

__all__ = [
    "EXAMPLE_PLAN",
    "PLANS",
    "STATUSES",
    "THANG_2024",
    "VALIDATION_MODES",
    "InvalidPlanError",
    "Plan",
    "PlanMismatchError",
    "Target",
    "UnknownPlanError",
    "attainment_notes",
    "check_period",
    "evaluate",
    "get_plan",
    "load_plan",
    "plan_from_dict",
    "read_plan",
]

Op = Literal["<", "<=", ">=", ">", "=="]
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}

#: The status of a target, in English (``status``) and Vietnamese (``status_vi``).
STATUSES: dict[str, str] = {"met": "đạt", "not met": "chưa đạt", "no data": "không có số liệu"}

#: What ``validation=`` may say (passed on to :func:`chitieu.report.report`).


class PlanMismatchError(ChitieuError, ValueError):
    """A plan is asked of a period, or of data, it was not set for."""

    default_code = "plan-mismatch"


class UnknownPlanError(ChitieuError, ValueError):
    """No plan has the given short name (the message names the known plans)."""

    default_code = "unknown-plan"


class InvalidPlanError(ChitieuError, ValueError):
    """A plan (or a plan file) is malformed: a field missing or of the wrong kind."""

    default_code = "invalid-plan"


@dataclass(frozen=True)
class Target:
    """One target: an indicator, a comparison and a value in the indicator's unit.

    ``reference`` is a plausible benchmark in the same unit (for example the
    national target) with ``reference_source``; a target more than
    ``implausible_ratio`` times away from it is noted.

    Examples
    --------
    >>> Target("injury_rate", "<", 3.0, "dưới 3/1.000", "under 3 per 1,000").op
    '<'
    """

    indicator_id: str
    op: Op
    value: float
    text_vi: str
    text_en: str
    reference: float | None = None
    reference_source: str = ""
    reference_source_vi: str = ""
    implausible_ratio: float = 5.0

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"op must be one of {', '.join(_OPS)}, got {self.op!r}")


@dataclass(frozen=True)
class Plan:
    """A plan: who set it, for which unit and period, and its targets.

    Parameters
    ----------
    name_vi, name_en
        The plan's name.
    period
        The period the targets are for, usually the plan's year: a
        :class:`~chitieu.periods.Period` or its text (``"2024"``).
    targets
        The targets.
    unit_code, division_version
        The commune the plan was set for, by its code in that division
        version (``"2008"`` or ``"2025"``): codes mean something only together
        with their version.
    unit_name, district_code, province_code
        The unit's name and parents (for messages, and for example data made
        under the unit's code).
    key
        The plan's short name in :data:`PLANS`.

    Examples
    --------
    >>> plan = Plan("kế hoạch", "plan", "2024", (), unit_code="00001", division_version="2008")
    >>> plan.period.end, plan.year
    (datetime.date(2024, 12, 31), 2024)
    """

    name_vi: str
    name_en: str
    period: Period
    targets: tuple[Target, ...]
    _: KW_ONLY
    unit_code: str
    division_version: str
    unit_name: str = ""
    district_code: str = ""
    province_code: str = ""
    key: str = ""
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", parse_period(self.period))
        object.__setattr__(self, "targets", tuple(self.targets))
        object.__setattr__(self, "notes", tuple(self.notes))
        if not isinstance(self.unit_code, str) or not self.unit_code.strip():
            raise InvalidPlanError(
                f"a plan needs the code of its commune (unit_code), found {self.unit_code!r}"
            )
        from chitieu.codelists import codes

        versions = codes("division_version")
        if self.division_version not in versions:
            raise InvalidPlanError(
                f"division_version must be one of {', '.join(map(repr, versions))}, "
                f"found {self.division_version!r}"
            )
        for target in self.targets:
            if not isinstance(target, Target):
                raise InvalidPlanError(
                    f"a plan's targets must be Target objects, found {type(target).__name__}"
                )

    @property
    def year(self) -> int:
        """The year the plan's period starts in."""
        return self.period.start.year

    def unit_label(self, lang: str = "en") -> str:
        """The plan's unit as people read it: name, code and division version.

        >>> THANG_2024.unit_label("vi")
        'Thị trấn Thắng (mã 07840, danh mục 2008)'
        """
        if lang == "vi":
            code = f"mã {self.unit_code}, danh mục {self.division_version}"
        else:
            code = f"code {self.unit_code}, {self.division_version} division"
        return f"{self.unit_name} ({code})" if self.unit_name else f"commune {code}"


THANG_2024 = Plan(
    name_vi="Kế hoạch thực hiện công tác trẻ em năm 2024, thị trấn Thắng",
    name_en="2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)",
    period=parse_period("2024"),
    unit_code="07840",
    division_version="2008",
    unit_name="Thị trấn Thắng",
    district_code="222",
    province_code="24",
    key="thi-tran-thang-2024",
    source="UBND thị trấn Thắng, Kế hoạch .../KH-UBND, tháng 02/2024, mục II",
    targets=(
        Target(
            "special_circumstances",
            "<",
            2.0,
            "Giảm tỷ lệ trẻ em có hoàn cảnh đặc biệt xuống còn dưới 2% tổng số trẻ em",
            "Children in special circumstances under 2% of all children",
        ),
        Target(
            "special_circumstances_supported",
            ">=",
            96.0,
            "Duy trì 96% trở lên trẻ em có hoàn cảnh đặc biệt được chăm sóc",
            "96% or more of children in special circumstances cared for",
        ),
        Target(
            "injury_rate",
            "<",
            3.0,
            "Giảm tỷ suất trẻ em bị tai nạn, thương tích còn dưới 3/1.000 trẻ em",
            "Child injury rate under 3 per 1,000 children",
            reference=5.5,
            reference_source="National Action Programme 2021-2030, 2025 target: 550 per 100,000",
            reference_source_vi="Chương trình hành động quốc gia vì trẻ em 2021-2030, mục tiêu 2025: 550/100.000",
        ),
        Target(
            "injury_death_rate",
            "<",
            2.0,
            "Giảm tỷ suất trẻ em tử vong do tai nạn, thương tích xuống còn dưới 2/1.000 trẻ em",
            "Child injury death rate under 2 per 1,000 children",
            reference=0.16,
            reference_source="National Action Programme 2021-2030, 2025 target: 16 per 100,000",
            reference_source_vi="Chương trình hành động quốc gia vì trẻ em 2021-2030, mục tiêu 2025: 16/100.000",
        ),
        Target(
            "consulted_children",
            ">=",
            20.0,
            "Có khoảng 20% trẻ em từ 7 tuổi trở lên được hỏi ý kiến về các vấn đề của trẻ em",
            "About 20% of children aged 7 and over consulted on matters concerning children",
        ),
        Target(
            "child_friendly_communes",
            ">=",
            100.0,
            "Duy trì thị trấn Thắng đạt tiêu chuẩn xã, thị trấn phù hợp với trẻ em",
            "Thắng town keeps the child-friendly commune standard",
        ),
    ),
    notes=("The plan's 'about 20%' consultation target is evaluated as 20% or more.",),
)
"""Section II of the 2024 plan of Thắng town. The commune code ``07840`` is the
one of the example submission ``examples/thi-tran-thang-2024`` (2008 division,
Hiệp Hòa district ``222``, Bắc Giang province ``24``)."""

#: The plans chitieu knows, by short name.
PLANS: dict[str, Plan] = {THANG_2024.key: THANG_2024}

#: The plan ``chitieu demo`` shows, as an example, beside a synthetic commune made
#: under the plan's unit code.
EXAMPLE_PLAN: Plan = THANG_2024


# -- finding plans -----------------------------------------------------------------
def get_plan(name: str) -> Plan:
    """The plan of :data:`PLANS` called *name*.

    Raises
    ------
    UnknownPlanError
        For a name that is not in :data:`PLANS`; the message names the known plans.

    Examples
    --------
    >>> get_plan("thi-tran-thang-2024") is THANG_2024
    True
    >>> get_plan("thang-2024")
    Traceback (most recent call last):
    ...
    chitieu.plans.UnknownPlanError: no plan is called 'thang-2024'; known plans: thi-tran-thang-2024
    """
    key = name.strip().lower() if isinstance(name, str) else name
    if key in PLANS:
        return PLANS[key]
    raise UnknownPlanError(f"no plan is called {name!r}; known plans: {', '.join(sorted(PLANS))}")


def load_plan(name_or_path: str | Path) -> Plan:
    """A plan of :data:`PLANS` by its short name, or a plan read from a file.

    A value that names a known plan gives that plan; otherwise it is read as
    a file (:func:`read_plan`) when such a file exists.

    Raises
    ------
    UnknownPlanError
        When *name_or_path* is neither a known plan nor a file.
    ReadError, InvalidPlanError
        When the file cannot be read or does not describe a plan.
    """
    text = str(name_or_path)
    if not isinstance(name_or_path, Path) and text.strip().lower() in PLANS:
        return PLANS[text.strip().lower()]
    path = Path(name_or_path)
    if path.is_file():
        return read_plan(path)
    raise UnknownPlanError(
        f"no plan is called {text!r} and there is no such file; known plans: "
        f"{', '.join(sorted(PLANS))}, or give a plan file (.json, .yaml, .toml)"
    )


def read_plan(path: str | Path) -> Plan:
    """Read a plan from a JSON, YAML or TOML file (the fields of :func:`plan_from_dict`).

    Raises
    ------
    ReadError
        When the file cannot be read or parsed.
    InvalidPlanError
        When its content is not a plan.
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
            content = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            import yaml

            content = yaml.safe_load(text)
        elif suffix == ".toml":
            import tomllib

            content = tomllib.loads(text)
        else:
            raise ReadError(
                f"{path.name}: cannot tell the plan file's format from {suffix or 'no suffix'!r}; "
                "use .json, .yaml, .yml or .toml",
                code="unknown-format",
            )
    except ReadError:
        raise
    except Exception as exc:  # every parser has its own error classes
        raise ReadError(f"{path.name}: the plan file cannot be parsed ({exc})") from None
    if not isinstance(content, Mapping):
        raise InvalidPlanError(f"{path.name}: expected a plan (a mapping of fields) in the file")
    return plan_from_dict(content, source=path.name)


def plan_from_dict(content: Mapping[str, Any], *, source: str = "") -> Plan:
    """A plan from plain values, as read from a plan file.

    Fields: ``name_vi``, ``name_en``, ``period`` (``"2024"``), ``unit_code``,
    ``division_version``, optionally ``unit_name``, ``district_code``,
    ``province_code``, ``source``, ``notes``, and ``targets``: a list of
    ``{indicator, op, value, text_vi, text_en}`` (optionally ``reference``,
    ``reference_source``, ``reference_source_vi``).

    Raises
    ------
    InvalidPlanError
        For a missing field, an unknown indicator or operator, or a value that
        is not a number.

    Examples
    --------
    >>> plan = plan_from_dict({
    ...     "name_vi": "Kế hoạch 2024", "name_en": "2024 plan", "period": 2024,
    ...     "unit_code": "00001", "division_version": "2008",
    ...     "targets": [{"indicator": "injury_rate", "op": "<", "value": 3}],
    ... })
    >>> plan.targets[0].indicator_id, plan.targets[0].value, plan.period.label
    ('injury_rate', 3.0, '2024')
    """
    where = f"{source}: " if source else ""

    def text(mapping: Mapping[str, Any], name: str, default: str | None = None) -> str:
        value = mapping.get(name, default)
        if value is None:
            raise InvalidPlanError(f"{where}the plan has no {name!r}")
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidPlanError(f"{where}{name!r} must be text, found {value!r}")
        return str(value)

    from chitieu.indicators import get_indicator

    raw_targets = content.get("targets")
    if not isinstance(raw_targets, Sequence) or isinstance(raw_targets, str) or not raw_targets:
        raise InvalidPlanError(f"{where}the plan has no list of targets")
    targets: list[Target] = []
    for number, raw in enumerate(raw_targets, start=1):
        if not isinstance(raw, Mapping):
            raise InvalidPlanError(f"{where}target {number} is not a mapping of fields")
        indicator = text(raw, "indicator", raw.get("indicator_id"))
        try:
            meta = get_indicator(indicator)
        except UnknownIndicatorError as exc:
            raise InvalidPlanError(f"{where}target {number}: {exc}") from None
        value = raw.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidPlanError(
                f"{where}target {number}: value must be a number, found {value!r}"
            )
        reference = raw.get("reference")
        if reference is not None and (
            isinstance(reference, bool) or not isinstance(reference, int | float)
        ):
            raise InvalidPlanError(
                f"{where}target {number}: reference must be a number, found {reference!r}"
            )
        try:
            targets.append(
                Target(
                    meta.id,
                    text(raw, "op"),  # type: ignore[arg-type]  # checked by Target
                    float(value),
                    text(raw, "text_vi", meta.name_vi),
                    text(raw, "text_en", meta.name_en),
                    reference=None if reference is None else float(reference),
                    reference_source=text(raw, "reference_source", ""),
                    reference_source_vi=text(raw, "reference_source_vi", ""),
                )
            )
        except ValueError as exc:
            raise InvalidPlanError(f"{where}target {number}: {exc}") from None
    for name in ("unit_code", "district_code", "province_code"):
        if name in content and not isinstance(content[name], str):
            raise InvalidPlanError(
                f"{where}{name} must be text, found the number {content[name]!r}: write the "
                'code in quotes ("07840"), a number loses its leading zeros'
            )
    notes = content.get("notes", ())
    if isinstance(notes, str):
        notes = (notes,)
    try:
        return Plan(
            text(content, "name_vi"),
            text(content, "name_en", content.get("name_vi")),
            parse_period(text(content, "period")),
            tuple(targets),
            unit_code=text(content, "unit_code"),
            division_version=text(content, "division_version"),
            unit_name=text(content, "unit_name", ""),
            district_code=text(content, "district_code", ""),
            province_code=text(content, "province_code", ""),
            key=text(content, "key", ""),
            source=text(content, "source", source),
            notes=tuple(str(n) for n in notes),
        )
    except InvalidPlanError:
        raise
    except ChitieuError as exc:  # a malformed period
        raise InvalidPlanError(f"{where}{exc}") from None


# -- evaluation --------------------------------------------------------------------
def check_period(plan: Plan, period: Any) -> Period:
    """The period asked, if it is the plan's period; else :class:`PlanMismatchError`.

    The period must cover exactly the plan's dates: a quarter or a half of the
    plan's year is refused (yearly targets cannot be compared with a part of the
    year), and so is another year.

    >>> check_period(THANG_2024, "2024-01-01..2024-12-31").label
    '2024-01-01..2024-12-31'
    >>> check_period(THANG_2024, 2025)
    Traceback (most recent call last):
    ...
    chitieu.plans.PlanMismatchError: the plan '2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)' is for 2024, not for 2025: its targets say nothing about another period
    """
    asked = parse_period(period)
    own = plan.period
    if (asked.start, asked.end) == (own.start, own.end):
        return asked
    if own.start <= asked.start and asked.end <= own.end:
        raise PlanMismatchError(
            f"the period {asked.label} is part of the period of the plan {plan.name_en!r} "
            f"({own.label}): its targets are for the whole of {own.label} and cannot be "
            f"compared with a part of it; evaluate the plan for {own.label}"
        )
    raise PlanMismatchError(
        f"the plan {plan.name_en!r} is for {own.label}, not for {asked.label}: its targets "
        "say nothing about another period"
    )


def _fmt(x: float | None) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.2f}"


def _plan_report(plan: Plan, data: Submission, period: Period, validation: str) -> Any:
    """The commune-level report of the plan's indicators on *data*."""
    from chitieu.report import report as build_report

    ids = list(dict.fromkeys(t.indicator_id for t in plan.targets))
    return build_report(
        data, period=period, level="commune", indicators=ids, validation=validation  # type: ignore[arg-type]
    )


def _report_communes(rep: Any) -> set[tuple[str, str]]:
    """The communes (code, version) a commune-level report speaks of."""
    from chitieu.units import UNKNOWN_UNIT

    found: set[tuple[str, str]] = set()
    table = rep.table.loc[:, ["unit_code", "division_version"]].drop_duplicates()
    found.update(
        zip(table["unit_code"].astype(str), table["division_version"].astype(str), strict=True)
    )
    units = rep.units.loc[rep.units["level"] == "commune"]
    found.update(
        zip(units["unit_code"].astype(str), units["division_version"].astype(str), strict=True)
    )
    return {(c, v) for c, v in found if c != UNKNOWN_UNIT}


def evaluate(
    plan: Plan,
    data: Any,
    *,
    period: Any = None,
    validation: str = "drop",
) -> pd.DataFrame:
    """Evaluate *plan* on *data* for the plan's commune: one row per target.

    Parameters
    ----------
    plan
        The plan, e.g. :data:`THANG_2024`.
    data
        A :class:`~chitieu.submission.Submission`, or a commune-level
        :class:`~chitieu.report.Report` that holds the plan's period (and
        ideally its indicators).
    period
        The period asked (default: the plan's). Anything but the plan's own
        period is refused.
    validation
        ``"drop"`` (default), ``"refuse"`` or ``"skip"``: how the input is
        validated, passed on to :func:`chitieu.report.report` when it accepts
        it (a Report given as *data* is used as it is).

    Returns
    -------
    DataFrame
        ``indicator_id, unit_code, division_version, period, target_vi,
        target_en, op, target, value, numerator, denominator, status,
        status_vi, met, reason, reason_vi, note, note_vi``. ``status`` is
        ``met``, ``not met`` or ``no data``; ``met`` is True, False or missing
        (no data). ``reason`` says why a target has no data (the indicator
        cannot be computed from the data, the denominator is zero, the plan's
        commune is not in the data); ``note`` adds what the evaluation noticed
        (a target far from its reference). ``attrs["notes"]`` and
        ``attrs["notes_vi"]`` say which unit was evaluated when the data hold
        other communes, or none of the plan's (then ``attrs["unit_found"]`` is
        False).

    Raises
    ------
    PlanMismatchError
        When *period* is not the plan's period, or a report given as *data*
        does not hold it or is not at commune level.

    Examples
    --------
    >>> from chitieu import synth
    >>> sub = synth.place_in_unit(synth.generate(600, seed=2), "07840", division_version="2008")
    >>> result = evaluate(THANG_2024, sub)
    >>> result.loc[result["indicator_id"] == "special_circumstances", "status"].isin(
    ...     ["met", "not met"]).all()
    np.True_
    >>> evaluate(THANG_2024, sub, period="2024-Q1")
    Traceback (most recent call last):
    ...
    chitieu.plans.PlanMismatchError: the period 2024-Q1 is part of the period of the plan '2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)' (2024): its targets are for the whole of 2024 and cannot be compared with a part of it; evaluate the plan for 2024
    """
    from chitieu.report import Report

    check_mode(validation)
    asked = check_period(plan, plan.period if period is None else period)
    if isinstance(data, Submission):
        rep = _plan_report(plan, data, asked, validation)
    elif isinstance(data, Report):
        rep = data
        if rep.level != "commune":
            raise PlanMismatchError(
                f"the plan {plan.name_en!r} is for one commune; the report is at {rep.level} "
                "level: evaluate it on a commune-level report or on the submission"
            )
    else:
        raise TypeError(f"data must be a chitieu Submission or Report, found {type(data).__name__}")
    labels = [p.label for p in rep.periods if (p.start, p.end) == (asked.start, asked.end)]
    if not labels:
        raise PlanMismatchError(
            f"the report is for {rep.period}, not for the plan's period {plan.period.label}"
        )
    label = labels[0]
    unit = (plan.unit_code, plan.division_version)
    communes = _report_communes(rep)
    others = sorted(communes - {unit})
    notes: list[str] = []
    notes_vi: list[str] = []
    absent = unit not in communes
    if absent:
        held_en = held_vi = ""
        if others:
            shown = ", ".join(f"{c} ({v})" for c, v in others[:5])
            more = f" and {len(others) - 5:,} more" if len(others) > 5 else ""
            more_vi = f" và {len(others) - 5:,} xã khác" if len(others) > 5 else ""
            held_en = f"; they hold communes {shown}{more}"
            held_vi = f"; dữ liệu có các xã {shown}{more_vi}"
        reason = (
            f"the data hold no record of {plan.unit_label('en')}, the unit the plan was set "
            f"for{held_en}"
        )
        reason_vi = (
            f"dữ liệu không có bản ghi nào của {plan.unit_label('vi')}, đơn vị của kế hoạch"
            f"{held_vi}"
        )
        notes.append(reason)
        notes_vi.append(reason_vi)
    elif others:
        notes.append(
            f"only {plan.unit_label('en')} was evaluated: the plan's targets are for that "
            f"commune, and the data also hold {len(others):,} other "
            f"{'commune' if len(others) == 1 else 'communes'}"
        )
        notes_vi.append(
            f"chỉ đánh giá {plan.unit_label('vi')}: chỉ tiêu kế hoạch là của đơn vị này, "
            f"dữ liệu còn có {len(others):,} xã khác"
        )
    rows = []
    for t in plan.targets:
        row: dict[str, Any] = {
            "indicator_id": t.indicator_id,
            "unit_code": plan.unit_code,
            "division_version": plan.division_version,
            "period": label,
            "target_vi": t.text_vi,
            "target_en": t.text_en,
            "op": t.op,
            "target": t.value,
            "value": math.nan,
            "numerator": math.nan,
            "denominator": math.nan,
            "status": "no data",
            "status_vi": STATUSES["no data"],
            "met": pd.NA,
            "reason": "",
            "reason_vi": "",
            "note": "",
            "note_vi": "",
        }
        if absent:
            row["reason"], row["reason_vi"] = notes[0], notes_vi[0]
        else:
            _fill(row, rep, t, label)
        if t.reference:
            ratio = t.value / t.reference
            if ratio >= t.implausible_ratio or ratio <= 1 / t.implausible_ratio:
                row["note"] = (
                    f"the target ({_fmt(t.value)}) is {ratio:,.1f} times the reference "
                    f"{_fmt(t.reference)} ({t.reference_source}): meeting it says little"
                )
                row["note_vi"] = (
                    f"chỉ tiêu kế hoạch ({_fmt(t.value)}) gấp {ratio:,.1f} lần mức tham chiếu "
                    f"{_fmt(t.reference)} ({t.reference_source_vi or t.reference_source}): "
                    "đạt được cũng chưa nói lên nhiều"
                )
        if row["reason"]:
            row["note"] = "; ".join(x for x in (row["reason"], row["note"]) if x)
            row["note_vi"] = "; ".join(x for x in (row["reason_vi"], row["note_vi"]) if x)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    if "met" in out:
        out["met"] = out["met"].astype("boolean")
    out.attrs["plan"] = plan.key or plan.name_en
    out.attrs["unit_found"] = not absent
    out.attrs["notes"] = notes
    out.attrs["notes_vi"] = notes_vi
    return out


def _fill(row: dict[str, Any], rep: Any, target: Target, label: str) -> None:
    """Fill *row* with the figure of *target* for the row's unit, and its status."""
    try:
        cells = rep.get(
            target.indicator_id,
            by="total",
            unit_code=row["unit_code"],
            division_version=row["division_version"],
            period=label,
        )
    except DataNotAvailableError as exc:
        row["reason"] = f"not computable from this submission: {exc}"
        row["reason_vi"] = f"không tính được từ bộ dữ liệu này: {exc}"
        return
    except UnknownIndicatorError:
        row["reason"] = f"the report does not hold indicator {target.indicator_id!r}"
        row["reason_vi"] = f"báo cáo không có chỉ tiêu {target.indicator_id!r}"
        return
    if cells.empty:
        row["reason"] = f"no figure of {target.indicator_id!r} for the unit in this data"
        row["reason_vi"] = (
            f"không có số liệu {target.indicator_id!r} của đơn vị trong bộ dữ liệu này"
        )
        return
    first = cells.iloc[0]
    value = float(first["value"])
    row.update(
        value=value, numerator=float(first["numerator"]), denominator=float(first["denominator"])
    )
    if math.isnan(value):
        row["reason"] = "no value: the denominator is zero"
        row["reason_vi"] = "không có giá trị: mẫu số bằng 0"
        return
    met = bool(_OPS[target.op](value, target.value))
    row["met"] = met
    row["status"] = "met" if met else "not met"
    row["status_vi"] = STATUSES[row["status"]]


def attainment_notes(
    plan: Plan, result: pd.DataFrame, *, lang: str = "vi", values: bool = True
) -> list[str]:
    """Sentences that say how far *plan* was met, for a report's notes (cover, metadata).

    *result* is what :func:`evaluate` returned for the plan. With
    ``values=False`` the sentences give the status of each target without its
    value (for a report meant for publication, whose small counts are hidden).

    Examples
    --------
    >>> result = pd.DataFrame({
    ...     "indicator_id": ["injury_rate"], "op": ["<"], "target": [3.0], "value": [2.5],
    ...     "status": ["met"], "status_vi": ["đạt"], "reason": [""], "reason_vi": [""],
    ...     "period": ["2024"]})
    >>> attainment_notes(THANG_2024, result, lang="en")[1]
    'injury_rate < 3: 2.50, met'
    >>> attainment_notes(THANG_2024, result, lang="vi", values=False)[1]
    'injury_rate < 3, đạt'
    """
    vi = lang == "vi"
    period = str(result["period"].iloc[0]) if len(result) else plan.period.label
    lines = [
        f"Kế hoạch: {plan.name_vi}; đơn vị {plan.unit_label('vi')}, kỳ {period}"
        if vi
        else f"Plan: {plan.name_en}; unit {plan.unit_label('en')}, period {period}"
    ]
    scope = list(result.attrs.get("notes_vi" if vi else "notes", []))
    lines.extend(scope)
    for row in result.to_dict("records"):
        value = row["value"]
        missing = isinstance(value, float) and math.isnan(value)
        shown = "" if missing or not values else f": {_fmt(value)}"
        target = f"{float(row['target']):g}"
        status = row["status_vi"] if vi else row["status"]
        reason = row["reason_vi"] if vi else row["reason"]
        if reason in scope:  # said once, above
            reason = ""
        lines.append(
            f"{row['indicator_id']} {row['op']} {target}{shown}, {status}"
            + (f" ({reason})" if reason else "")
        )
    return lines
