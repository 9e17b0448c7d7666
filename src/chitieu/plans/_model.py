"""The plan and its targets: comparisons, units, checks against the registry."""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from chitieu.errors import ChitieuError
from chitieu.periods import Period, parse_period

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from chitieu.plans._view import Attainment

__all__ = [
    "COMPARISONS",
    "PLAN_UNITS",
    "STATUSES",
    "TREND_COMPARISONS",
    "InvalidPlanError",
    "Plan",
    "PlanMismatchError",
    "PlanProblem",
    "PlanUnit",
    "Target",
    "UnknownPlanError",
    "convert",
    "indicator_unit",
    "target_problems",
]

Op = Literal["<", "<=", ">=", ">", "==", "decrease", "no_increase"]

#: Comparisons with a threshold.
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}

#: Comparisons with the previous period (no threshold).
TREND_COMPARISONS: tuple[str, ...] = ("decrease", "no_increase")

#: Every comparison a target may make, with its wording (Vietnamese, English).
COMPARISONS: dict[str, tuple[str, str]] = {
    "<": ("dưới", "under"),
    "<=": ("không quá", "at most"),
    ">=": ("từ ... trở lên", "at least"),
    ">": ("trên", "over"),
    "==": ("bằng", "exactly"),
    "decrease": ("giảm so với kỳ trước", "lower than in the previous period"),
    "no_increase": ("không tăng so với kỳ trước", "not higher than in the previous period"),
}

#: The status of a target, in English (``status``) and Vietnamese (``status_vi``).
STATUSES: dict[str, str] = {"met": "đạt", "not met": "chưa đạt", "no data": "không có số liệu"}


@dataclass(frozen=True)
class PlanUnit:
    """A unit a target's threshold is written in.

    ``multiplier`` is what a ratio is multiplied by (100 for a percent,
    100,000 for a rate per 100,000; 1 for a count); ``kinds`` are the
    indicator kinds (:data:`chitieu.indicators.registry.KINDS`) a threshold
    in this unit can be compared with.
    """

    name: str
    multiplier: int
    kinds: tuple[str, ...]
    label_vi: str
    label_en: str
    maximum: float | None = None


#: The units of a threshold.
PLAN_UNITS: dict[str, PlanUnit] = {
    u.name: u
    for u in (
        PlanUnit("percent", 100, ("percent",), "%", "%", maximum=100.0),
        PlanUnit("per_1000", 1_000, ("rate_per_1000",), "/1.000 trẻ em", "per 1,000 children"),
        PlanUnit(
            "per_100000", 100_000, ("rate_per_1000",), "/100.000 trẻ em", "per 100,000 children"
        ),
        PlanUnit("count", 1, ("count",), "", ""),
    )
}

_KIND_UNIT: dict[str, str] = {"percent": "percent", "rate_per_1000": "per_1000", "count": "count"}


class PlanMismatchError(ChitieuError, ValueError):
    """A plan is asked of a period, or of data, it was not set for."""

    default_code = "plan-mismatch"


class UnknownPlanError(ChitieuError, ValueError):
    """No plan has the given short name (the message names the known plans)."""

    default_code = "unknown-plan"


class InvalidPlanError(ChitieuError, ValueError):
    """A plan (or a plan file) is malformed; ``problems`` lists every problem found.

    The code is the first problem's: ``invalid-plan`` (a field missing or of
    the wrong kind), ``unknown-indicator``, ``plan-unit-mismatch`` or
    ``threshold-out-of-range``.
    """

    default_code = "invalid-plan"

    def __init__(
        self, *args: object, code: str | None = None, problems: tuple[PlanProblem, ...] = ()
    ) -> None:
        super().__init__(*args, code=code)
        self.problems: tuple[PlanProblem, ...] = problems


for _cls in (PlanMismatchError, UnknownPlanError, InvalidPlanError):
    _cls.__module__ = "chitieu.plans"


@dataclass(frozen=True)
class PlanProblem:
    """One problem of a plan: a stable code, where it is and what is wrong.

    ``position`` is the target's number (from 1) or None for the plan's own
    fields; ``message`` and ``message_vi`` name the target by its number and
    its wording.

    >>> PlanProblem("invalid-plan", "the plan has no 'period'").code
    'invalid-plan'
    """

    code: str
    message: str
    message_vi: str = ""
    position: int | None = None

    def text(self, lang: str = "en") -> str:
        """The message in *lang* (``vi`` or ``en``)."""
        return self.message_vi if lang == "vi" and self.message_vi else self.message


def _short(text: str, width: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def where(position: int | None, wording: str = "", section: str = "") -> tuple[str, str]:
    """How a problem names its target, in English and Vietnamese.

    >>> where(3, "Giảm tỷ suất trẻ em bị tai nạn", "4.1")
    ("target 3 (section 4.1, 'Giảm tỷ suất trẻ em bị tai nạn'): ", "chỉ tiêu 3 (mục 4.1, 'Giảm tỷ suất trẻ em bị tai nạn'): ")
    """
    if position is None:
        return "", ""
    parts_en = [f"section {section}"] if section else []
    parts_vi = [f"mục {section}"] if section else []
    if wording:
        parts_en.append(repr(_short(wording)))
        parts_vi.append(repr(_short(wording)))
    inner_en = f" ({', '.join(parts_en)})" if parts_en else ""
    inner_vi = f" ({', '.join(parts_vi)})" if parts_vi else ""
    return f"target {position}{inner_en}: ", f"chỉ tiêu {position}{inner_vi}: "


def indicator_unit(kind: str) -> str:
    """The plan unit an indicator of *kind* is computed in (``""`` for none).

    >>> indicator_unit("rate_per_1000"), indicator_unit("sum")
    ('per_1000', '')
    """
    return _KIND_UNIT.get(kind, "")


def convert(value: float, multiplier: int, kind: str, unit: str) -> float:
    """An indicator's *value* (computed with *multiplier*) in the plan *unit*.

    Rates convert: 3 per 1,000 is 300 per 100,000. Counts stay as they are.

    >>> convert(3.0, 1000, "rate_per_1000", "per_100000")
    300.0
    >>> convert(16.0, 100_000, "rate_per_1000", "per_1000")
    0.16
    >>> convert(7.0, 1, "count", "count")
    7.0
    """
    if kind == "count" or unit == "count":
        return float(value)
    return float(value) * PLAN_UNITS[unit].multiplier / multiplier


def closest_indicators(indicator_id: str, n: int = 3) -> list[str]:
    """The registered ids closest to *indicator_id* (difflib).

    >>> closest_indicators("injury_rat")[0]
    'injury_rate'
    """
    from chitieu.indicators import REGISTRY

    ids = sorted(REGISTRY)
    found = difflib.get_close_matches(indicator_id, ids, n=n, cutoff=0.5)
    if not found:
        found = [i for i in ids if indicator_id and indicator_id.split("_")[0] in i][:n]
    return found


def _range_problem(
    value: float, unit: str, what_en: str, what_vi: str, at: tuple[str, str], position: int | None
) -> PlanProblem | None:
    spec = PLAN_UNITS[unit]
    if value < 0 or (spec.maximum is not None and value > spec.maximum):
        allowed_en = f"0 to {spec.maximum:g}" if spec.maximum is not None else "0 or more"
        allowed_vi = f"từ 0 đến {spec.maximum:g}" if spec.maximum is not None else "từ 0 trở lên"
        return PlanProblem(
            "threshold-out-of-range",
            f"{at[0]}the {what_en} {value:g} ({unit}) is outside what the unit allows: "
            f"{allowed_en}",
            f"{at[1]}{what_vi} {value:g} ({unit}) nằm ngoài khoảng cho phép của đơn vị: "
            f"{allowed_vi}",
            position,
        )
    return None


def target_problems(target: Target, position: int | None = None) -> list[PlanProblem]:
    """What is wrong with *target* against the registry: indicator, unit, threshold.

    Examples
    --------
    >>> [p.code for p in target_problems(Target("injury_rate", "<", 30, "x", unit="percent"))]
    ['plan-unit-mismatch']
    >>> [p.code for p in target_problems(Target("special_circumstances", "<", 120, "x"))]
    ['threshold-out-of-range']
    >>> target_problems(Target("injury_rate", "<", 3, "x", unit="per_1000"))
    []
    """
    from chitieu.indicators import REGISTRY

    at = where(position, target.text_vi, target.section)
    problems: list[PlanProblem] = []
    meta = REGISTRY.get(target.indicator_id)
    if meta is None:
        closest = closest_indicators(target.indicator_id)
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        hint_vi = f"; gần nhất: {', '.join(closest)}" if closest else ""
        return [
            PlanProblem(
                "unknown-indicator",
                f"{at[0]}no indicator {target.indicator_id!r}{hint} (see chitieu indicators)",
                f"{at[1]}không có chỉ tiêu {target.indicator_id!r}{hint_vi} "
                "(xem chitieu indicators)",
                position,
            )
        ]
    own = indicator_unit(meta.kind)
    unit = target.unit or own
    if not unit:
        problems.append(
            PlanProblem(
                "plan-unit-mismatch",
                f"{at[0]}indicator {meta.id!r} is a {meta.kind}, which no plan unit "
                f"({', '.join(PLAN_UNITS)}) can be compared with",
                f"{at[1]}chỉ tiêu {meta.id!r} thuộc loại {meta.kind}, không so được với đơn vị "
                "nào của kế hoạch",
                position,
            )
        )
        return problems
    if meta.kind not in PLAN_UNITS[unit].kinds:
        problems.append(
            PlanProblem(
                "plan-unit-mismatch",
                f"{at[0]}the threshold is in {unit} but {meta.id!r} is computed in {own} "
                f"({meta.unit_en}); "
                + (
                    f"write the threshold in {' or '.join(_compatible(meta.kind))}"
                    if own
                    else "it cannot be compared"
                ),
                f"{at[1]}ngưỡng tính theo {unit} nhưng {meta.id!r} tính theo {own} "
                f"({meta.unit_vi}); hãy ghi ngưỡng theo {' hoặc '.join(_compatible(meta.kind))}",
                position,
            )
        )
    elif target.value is not None:
        found = _range_problem(target.value, unit, "threshold", "ngưỡng", at, position)
        if found:
            problems.append(found)
    if target.reference is not None:
        ref_unit = target.reference_unit or unit
        if ref_unit not in PLAN_UNITS or meta.kind not in PLAN_UNITS[ref_unit].kinds:
            problems.append(
                PlanProblem(
                    "plan-unit-mismatch",
                    f"{at[0]}the reference is in {ref_unit} but {meta.id!r} is computed in {own}",
                    f"{at[1]}mức tham chiếu tính theo {ref_unit} nhưng {meta.id!r} tính theo {own}",
                    position,
                )
            )
        else:
            found = _range_problem(
                target.reference, ref_unit, "reference", "mức tham chiếu", at, position
            )
            if found:
                problems.append(found)
    return problems


def _compatible(kind: str) -> list[str]:
    return [u.name for u in PLAN_UNITS.values() if kind in u.kinds]


@dataclass(frozen=True)
class Target:
    """One target: an indicator, a comparison and a threshold in a stated unit.

    Parameters
    ----------
    indicator_id
        An id of :func:`chitieu.list_indicators`.
    op
        ``<``, ``<=``, ``>=``, ``>``, ``==``, or ``decrease`` / ``no_increase``
        (against the previous period, without a threshold).
    value
        The threshold, in *unit* (None for ``decrease`` and ``no_increase``).
    text_vi, text_en
        The plan's own words (``wording_vi`` in a plan file) and an English
        rendering.
    unit
        ``percent``, ``per_1000``, ``per_100000`` or ``count``; default: the
        unit the indicator is computed in.
    section
        Where the target is in the plan (``"3.1"``).
    reference, reference_unit, reference_source, reference_source_vi
        A plausible benchmark (for example the national target) in
        *reference_unit* (default *unit*); a target more than
        ``implausible_ratio`` times away from it is noted.
    note, note_vi
        How the target is read (for example "about 20%" read as 20% or more).

    Examples
    --------
    >>> Target("injury_rate", "<", 3.0, "dưới 3/1.000", "under 3 per 1,000").op
    '<'
    >>> Target("drowning_deaths", "decrease", text_vi="giảm tối đa").value is None
    True
    """

    indicator_id: str
    op: Op
    value: float | None = None
    text_vi: str = ""
    text_en: str = ""
    _: KW_ONLY
    unit: str = ""
    section: str = ""
    reference: float | None = None
    reference_unit: str = ""
    reference_source: str = ""
    reference_source_vi: str = ""
    note: str = ""
    note_vi: str = ""
    implausible_ratio: float = 5.0

    def __post_init__(self) -> None:
        if self.op not in COMPARISONS:
            raise ValueError(f"op must be one of {', '.join(COMPARISONS)}, got {self.op!r}")
        if self.op in TREND_COMPARISONS:
            if self.value is not None:
                raise ValueError(
                    f"a {self.op!r} target compares with the previous period and has no "
                    f"threshold, found {self.value!r}"
                )
        elif self.value is None:
            raise ValueError(f"a {self.op!r} target needs a threshold")
        else:
            object.__setattr__(self, "value", float(self.value))
        if self.unit and self.unit not in PLAN_UNITS:
            raise ValueError(f"unit must be one of {', '.join(PLAN_UNITS)}, got {self.unit!r}")
        if self.reference is not None:
            object.__setattr__(self, "reference", float(self.reference))

    @property
    def trend(self) -> bool:
        """Whether the target compares with the previous period."""
        return self.op in TREND_COMPARISONS

    def resolved_unit(self) -> str:
        """The target's unit: its own, or the unit its indicator is computed in."""
        if self.unit:
            return self.unit
        from chitieu.indicators import get_indicator

        return indicator_unit(get_indicator(self.indicator_id).kind)

    def is_met(self, value: float, threshold: float) -> bool:
        """Whether *value* meets the target, *threshold* being the previous value for a trend.

        A ``decrease`` from zero to zero is met: there is nothing left to reduce.

        >>> Target("drowning_deaths", "decrease").is_met(0.0, 0.0)
        True
        >>> Target("injury_rate", "<", 3.0).is_met(2.5, 3.0)
        True
        """
        if self.op == "decrease":
            return value < threshold or value == threshold == 0
        if self.op == "no_increase":
            return value <= threshold
        return bool(_OPS[self.op](value, threshold))


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
        The plan's short name in :data:`chitieu.plans.PLANS`.
    issuer, issuer_en, document_number, document_date
        Who set the plan, and its document's number and date where known
        (``document_date`` as written: ``"2024-02"`` when only the month is).
    source, notes
        Where the plan comes from, and how it was read.

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
    issuer: str = ""
    issuer_en: str = ""
    document_number: str = ""
    document_date: str = ""

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
        problems: list[PlanProblem] = []
        for position, target in enumerate(self.targets, start=1):
            if not isinstance(target, Target):
                raise InvalidPlanError(
                    f"a plan's targets must be Target objects, found {type(target).__name__}"
                )
            problems.extend(target_problems(target, position))
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise InvalidPlanError(
                problems[0].message + more, code=problems[0].code, problems=tuple(problems)
            )

    @property
    def year(self) -> int:
        """The year the plan's period starts in."""
        return self.period.start.year

    @property
    def needs_previous(self) -> bool:
        """Whether a target compares with the previous period (``decrease``, ``no_increase``)."""
        return any(t.trend for t in self.targets)

    def unit_label(self, lang: str = "en") -> str:
        """The plan's unit as people read it: name, code and division version.

        >>> Plan("x", "x", "2024", (), unit_code="07840", division_version="2008",
        ...      unit_name="Thị trấn Thắng").unit_label("vi")
        'Thị trấn Thắng (mã 07840, danh mục 2008)'
        """
        if lang == "vi":
            code = f"mã {self.unit_code}, danh mục {self.division_version}"
        else:
            code = f"code {self.unit_code}, {self.division_version} division"
        return f"{self.unit_name} ({code})" if self.unit_name else f"commune {code}"

    @classmethod
    def from_yaml(cls, path: str | Path) -> Plan:
        """Read a plan file (YAML; JSON and TOML too); see :func:`chitieu.plans.read_plan`.

        Raises
        ------
        chitieu.errors.ReadError
            When the file cannot be read or parsed.
        InvalidPlanError
            With the code of the first problem (``invalid-plan``,
            ``unknown-indicator``, ``plan-unit-mismatch``,
            ``threshold-out-of-range``) and every problem in ``problems``.
        """
        from chitieu.plans._read import read_plan

        return read_plan(path)

    def evaluate(self, data: Any, *, period: Any = None, validation: str = "drop") -> Attainment:
        """The attainment table of the plan on *data* (a submission or a commune report).

        See :func:`chitieu.plans.evaluate`; the result has an HTML view
        (``_repr_html_``, ``to_html``) and its table in ``.table``.
        """
        from chitieu.plans._evaluate import evaluate
        from chitieu.plans._view import Attainment

        return Attainment(evaluate(self, data, period=period, validation=validation), self)

    def progress(self, data: Any, *, periods: Any = None, validation: str = "drop") -> Any:
        """Each target's figure over several periods and whether it moved the right way.

        See :func:`chitieu.plans.progress` (default: the year before the
        plan's and the plan's year).
        """
        from chitieu.plans._progress import progress

        return progress(self, data, periods=periods, validation=validation)


Plan.__module__ = Target.__module__ = PlanProblem.__module__ = "chitieu.plans"
