"""Plans: a commune's yearly targets, read from a file, and how far they were met.

Every commune's yearly child-affairs plan sets targets. A plan is a YAML file
(``docs/plans.md`` documents it; ``schemas/plan.schema.json`` is its JSON
Schema): who set it, the unit it was set for (a commune code and its
division version), its period and its targets. A target names an indicator,
a comparison (``<``, ``<=``, ``>=``, ``>``, ``==``, or ``decrease`` /
``no_increase`` against the previous period), a threshold in a stated unit
(``percent``, ``per_1000``, ``per_100000``, ``count``) and the plan's own
words.

:meth:`Plan.from_yaml` (or :func:`read_plan`) reads a plan and reports every
problem with a code: ``unknown-indicator`` (naming the closest ids),
``plan-unit-mismatch``, ``threshold-out-of-range``, ``invalid-plan``.
:func:`evaluate` (or :meth:`Plan.evaluate`, which adds an HTML view) computes
each indicator for the plan's unit and period only, converts it to the
target's unit (an indicator per 1,000 against a target per 100,000) and says
whether the target is met, with the numerator and denominator behind the
value and the gap. A target is ``met`` or ``not met`` only when its value can
be computed; otherwise it is ``no data`` with the reason, never ``met``. A
target far from any plausible value keeps its note.

A plan is never applied to another period (:class:`PlanMismatchError`) nor to
other communes. The plans shipped with chitieu (``chitieu/data/plans/``) are
found by short name with :func:`get_plan`; ``examples/plans/`` holds the same
files for people to copy.

Examples
--------
>>> plan = get_plan("thi-tran-thang-2024")
>>> plan.unit_code, plan.division_version, plan.period.label, len(plan.targets)
('07840', '2008', '2024', 18)
>>> check_period(plan, "2024-Q3")
Traceback (most recent call last):
...
chitieu.plans.PlanMismatchError: the period 2024-Q3 is part of the period of the plan '2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)' (2024): its targets are for the whole of 2024 and cannot be compared with a part of it; evaluate the plan for 2024
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chitieu.inbound import VALIDATION_MODES
from chitieu.plans._evaluate import (
    ATTAINMENT_COLUMNS,
    attainment_notes,
    attainment_records,
    check_period,
    evaluate,
    for_publication,
    previous_period,
)
from chitieu.plans._model import (
    COMPARISONS,
    PLAN_UNITS,
    STATUSES,
    TREND_COMPARISONS,
    InvalidPlanError,
    Plan,
    PlanMismatchError,
    PlanProblem,
    PlanUnit,
    Target,
    UnknownPlanError,
    convert,
)
from chitieu.plans._progress import MOVES, PROGRESS_COLUMNS, better_direction, progress
from chitieu.plans._read import (
    PlanCheck,
    check_plan,
    check_plan_file,
    get_plan,
    load_plan,
    packaged_plans,
    plan_from_dict,
    read_plan,
)
from chitieu.plans._view import Attainment, attainment_html

if TYPE_CHECKING:  # pragma: no cover
    EXAMPLE_PLAN: Plan
    THANG_2024: Plan
    PLANS: dict[str, Plan]

__all__ = [
    "ATTAINMENT_COLUMNS",
    "COMPARISONS",
    "EXAMPLE_PLAN",
    "MOVES",
    "PLANS",
    "PLAN_UNITS",
    "PROGRESS_COLUMNS",
    "STATUSES",
    "THANG_2024",
    "TREND_COMPARISONS",
    "VALIDATION_MODES",
    "Attainment",
    "InvalidPlanError",
    "Plan",
    "PlanCheck",
    "PlanMismatchError",
    "PlanProblem",
    "PlanUnit",
    "Target",
    "UnknownPlanError",
    "attainment_html",
    "attainment_notes",
    "attainment_records",
    "better_direction",
    "check_period",
    "check_plan",
    "check_plan_file",
    "convert",
    "evaluate",
    "for_publication",
    "get_plan",
    "load_plan",
    "packaged_plans",
    "plan_from_dict",
    "previous_period",
    "progress",
    "read_plan",
]

#: The short name of the plan ``chitieu demo`` shows as an example.
EXAMPLE_PLAN_KEY = "thi-tran-thang-2024"


def __getattr__(name: str) -> Any:
    # The shipped plans are read from their files on first use.
    if name == "PLANS":
        return packaged_plans()
    if name in ("THANG_2024", "EXAMPLE_PLAN"):
        return get_plan(EXAMPLE_PLAN_KEY)
    raise AttributeError(f"module 'chitieu.plans' has no attribute {name!r}")
