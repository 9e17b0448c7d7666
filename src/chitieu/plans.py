"""Plan targets and their evaluation.

Every commune's yearly child-affairs plan sets targets in the circular's
indicators. A :class:`Plan` lists them; :func:`evaluate` computes each
indicator for the plan's unit and period and says whether the target is met,
with the numerator and denominator behind the value, and plainly notes a target
far from any plausible value (a rate "under 2 per 1,000" when the national
target is 16 per 100,000 is met by every commune).

``THANG_2024`` holds the targets of the 2024 child-affairs plan of Thắng town
(Hiệp Hòa district, Bắc Giang province), section II.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from chitieu.errors import ChitieuError, DataNotAvailableError
from chitieu.submission import Submission

__all__ = ["THANG_2024", "Plan", "Target", "evaluate"]

Op = Literal["<", "<=", ">=", ">", "=="]
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Target:
    """One target: an indicator, a comparison and a value in the indicator's unit.

    ``reference`` is a plausible benchmark in the same unit (for example the
    national target) with ``reference_source``; a target more than
    ``implausible_ratio`` times away from it is noted.
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
    """A plan: who set it, for which unit and year, and its targets."""

    name_vi: str
    name_en: str
    year: int
    targets: tuple[Target, ...]
    unit_name: str = ""
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


THANG_2024 = Plan(
    name_vi="Kế hoạch thực hiện công tác trẻ em năm 2024, thị trấn Thắng",
    name_en="2024 child-affairs plan of Thắng town (Hiệp Hòa, Bắc Giang)",
    year=2024,
    unit_name="Thị trấn Thắng",
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


def _fmt(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.2f}"


def evaluate(
    plan: Plan,
    data: Submission,
    *,
    period: Any = None,
    unit_code: str | None = None,
) -> pd.DataFrame:
    """Evaluate *plan* on *data*: one row per target.

    Parameters
    ----------
    plan
        The plan, e.g. :data:`THANG_2024`.
    data
        A submission.
    period
        The period (default: the plan's year).
    unit_code
        A commune of the submission; default: all of the submission together.

    Returns
    -------
    DataFrame
        ``indicator_id, target_vi, target_en, op, target, value, numerator,
        denominator, met, note, note_vi``. ``met`` is missing when the value cannot be
        computed (no children in the denominator, or data not in the submission),
        and ``note`` says why.
    """
    from chitieu.compute import compute

    period = plan.year if period is None else period
    rows = []
    for t in plan.targets:
        row: dict[str, Any] = {
            "indicator_id": t.indicator_id,
            "target_vi": t.text_vi,
            "target_en": t.text_en,
            "op": t.op,
            "target": t.value,
            "value": math.nan,
            "numerator": math.nan,
            "denominator": math.nan,
            "met": pd.NA,
            "note": "",
            "note_vi": "",
        }
        try:
            if unit_code is None:
                res = compute(t.indicator_id, data, period=str(period))
            else:
                res = compute(t.indicator_id, data, period=str(period), by=("commune",))
                res = res.loc[res["unit_code"] == unit_code]
                if res.empty:
                    raise ChitieuError(f"unit {unit_code} has no rows for {t.indicator_id}")
            first = res.iloc[0]
            row.update(
                value=float(first["value"]),
                numerator=float(first["numerator"]),
                denominator=float(first["denominator"]),
            )
        except DataNotAvailableError as exc:
            row["note"] = f"not computable from this submission: {exc}"
            row["note_vi"] = f"không tính được từ bộ dữ liệu này: {exc}"
        except ChitieuError as exc:
            row["note"] = row["note_vi"] = str(exc)
        value = row["value"]
        if not (isinstance(value, float) and math.isnan(value)):
            row["met"] = bool(_OPS[t.op](value, t.value))
        elif not row["note"]:
            row["note"] = "no value: the denominator is zero"
            row["note_vi"] = "không có giá trị: mẫu số bằng 0"
        if t.reference:
            ratio = t.value / t.reference
            if ratio >= t.implausible_ratio or ratio <= 1 / t.implausible_ratio:
                row["note"] = (row["note"] + "; " if row["note"] else "") + (
                    f"the target ({_fmt(t.value)}) is {ratio:,.1f} times the reference "
                    f"{_fmt(t.reference)} ({t.reference_source}): meeting it says little"
                )
                row["note_vi"] = (row["note_vi"] + "; " if row["note_vi"] else "") + (
                    f"chỉ tiêu kế hoạch ({_fmt(t.value)}) gấp {ratio:,.1f} lần mức tham chiếu "
                    f"{_fmt(t.reference)} ({t.reference_source_vi or t.reference_source}): "
                    "đạt được cũng chưa nói lên nhiều"
                )
        rows.append(row)
    out = pd.DataFrame(rows)
    out["met"] = out["met"].astype("boolean")
    return out
