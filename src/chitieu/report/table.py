"""The report's long table: its columns, flags, order and the finishing of counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from chitieu._fast import dictionary_codes, unique_small
from chitieu.counts import RATIO_KINDS
from chitieu.counts import values as cell_values
from chitieu.units import (
    UNKNOWN_UNIT,
)

#: The category of a dimension column on rows not broken down by it.
TOTAL = "total"

#: Default threshold of the ``small_count`` flag: numerators 1 to 4 are flagged.
SMALL_COUNT = 5

#: Flags of a row, in the order they are written, with what each means (vi, en).
FLAGS: dict[str, tuple[str, str]] = {
    "code_unconfirmed": (
        "Mã chỉ tiêu chưa được xác nhận trong Thông tư",
        "The indicator's code in the circular is not confirmed",
    ),
    "low_confidence": (
        "Định nghĩa chỉ tiêu được suy ra, độ tin cậy thấp",
        "The indicator's definition is inferred (low confidence)",
    ),
    "not_in_circular": (
        "Chỉ tiêu bổ sung, không có trong Thông tư",
        "Supplementary indicator, not listed in the circular",
    ),
    "multi_response": (
        "Phân tổ nhiều lựa chọn: các dòng không cộng được thành tổng",
        "Multi-response breakdown: rows do not add up to the total",
    ),
    "small_count": (
        "Tử số nhỏ (1 đến ngưỡng - 1): cần che trước khi công bố",
        "Small numerator (1 to threshold - 1): suppress before publishing",
    ),
    "zero_denominator": (
        "Mẫu số bằng 0: không tính được giá trị",
        "Zero denominator: the value is missing",
    ),
    "unknown_unit": (
        "Đơn vị không xác định (thiếu mã xã hoặc xã không có trong danh mục)",
        "Unit not known (commune code missing or not in the units table)",
    ),
    "units_missing": (
        "Có xã chưa báo cáo số liệu này",
        "Some communes did not report this figure",
    ),
    "mixed_versions": (
        "Báo cáo có số liệu theo hai danh mục đơn vị hành chính: không cộng gộp",
        "The report holds data of two division versions: do not add them",
    ),
    "estimated": (
        "Số liệu ước tính: xã cũ bị chia tách, số liệu chia theo tỷ lệ",
        "Estimate: counts of a split old commune divided by share (chitieu.units.recode)",
    ),
    "suppressed": (
        "Số liệu bị che khi công bố (số nhỏ, hoặc để không suy ra được số nhỏ)",
        "Count hidden for publication (a small count, or one that would reveal it)",
    ),
}

_BASE = ("indicator_id", "period", "level", "unit_code", "division_version")
_COUNTS = ("numerator", "denominator", "value")


def _dimension_order() -> tuple[str, ...]:
    from chitieu.indicators.registry import DIMENSIONS

    return tuple(d for d in DIMENSIONS if d != "commune")


def _mapped(values: pd.Series, mapping: Mapping[Any, Any], dtype: Any) -> np.ndarray:
    """``values.map(mapping)`` as an array, through positions in the keys (not found: NaN).

    >>> _mapped(pd.Series(["b", "a", "z"]), {"a": 1, "b": 2}, float).tolist()
    [2.0, 1.0, nan]
    """
    keys = pd.Index(list(mapping))
    if isinstance(values.array, pd.arrays.ArrowStringArray):  # per distinct value, not per row
        codes, uniq = dictionary_codes(values)
        found = keys.get_indexer(pd.Index(uniq, dtype=object)) if uniq else np.zeros(0, np.intp)
        at = np.append(found, -1)[codes]  # a missing value (code -1) is not found
    else:
        at = keys.get_indexer(pd.Index(values))
    table: np.ndarray = np.array([*mapping.values(), np.nan], dtype=dtype)
    out: np.ndarray = table[at]
    return out


def _as_text(series: pd.Series) -> pd.Series:
    """*series* as ``str`` with a fresh index (no copy when it is ``str`` already)."""
    out = series if str(series.dtype) == "str" else series.astype("str")
    return out.reset_index(drop=True)


def _finish_table(
    frame: pd.DataFrame,
    level: str,
    dims: Sequence[str],
    metas: Mapping[str, Any],
    small_count: int,
    mixed: bool,
) -> pd.DataFrame:
    """Standard columns, dtypes, values and flags (rows already in order)."""
    n = len(frame)
    out: dict[str, Any] = {}
    for column in _BASE:
        if column == "level":
            out[column] = pd.Series([level], dtype="str").repeat(n).reset_index(drop=True)
        else:
            out[column] = _as_text(frame[column])
    out["breakdown"] = _as_text(frame["breakdown"])
    for dim in dims:
        if dim in frame:
            out[dim] = _as_text(frame[dim]).fillna(TOTAL)
        else:
            out[dim] = pd.Series([TOTAL], dtype="str").repeat(n).reset_index(drop=True)
    out["multi_response"] = frame["multi_response"].to_numpy(dtype=bool)
    num = frame["numerator"].to_numpy(dtype=np.float64)
    den = frame["denominator"].to_numpy(dtype=np.float64)
    ids = frame["indicator_id"]
    kinds = _mapped(ids, {i: m.kind for i, m in metas.items()}, object)
    mult = _mapped(ids, {i: m.multiplier for i, m in metas.items()}, float)
    ratio = np.isin(kinds, RATIO_KINDS)
    out["numerator"] = num
    out["denominator"] = np.where(ratio, den, np.nan)
    out["value"] = cell_values(num, den, kinds, mult)
    missing = (
        frame["units_missing"].to_numpy(dtype=np.float64)
        if "units_missing" in frame
        else np.full(n, np.nan)
    )
    out["units_missing"] = pd.array(
        np.where(np.isnan(missing), 0, missing).astype(np.int64), dtype="Int64"
    )
    out["units_missing"][np.isnan(missing)] = pd.NA
    table = pd.DataFrame(out, copy=False)
    table["flags"] = _flags(table, kinds, ratio, metas, small_count, mixed)
    return table


def _flags(
    table: pd.DataFrame,
    kinds: np.ndarray,
    ratio: np.ndarray,
    metas: Mapping[str, Any],
    small_count: int,
    mixed: bool,
) -> pd.Series:
    ids = table["indicator_id"]
    per_indicator = {
        "code_unconfirmed": {i for i, m in metas.items() if m.spec_id and not m.code_confirmed},
        "low_confidence": {i for i, m in metas.items() if m.confidence == "low"},
        "not_in_circular": {i for i, m in metas.items() if m.existence == "supplementary"},
    }
    num = table["numerator"].to_numpy(dtype=np.float64)
    den = table["denominator"].to_numpy(dtype=np.float64)
    masks: dict[str, np.ndarray] = {
        name: ids.isin(members).to_numpy(dtype=bool) for name, members in per_indicator.items()
    }
    masks["multi_response"] = table["multi_response"].to_numpy(dtype=bool)
    masks["small_count"] = (kinds != "sum") & (num > 0) & (num < small_count)
    masks["zero_denominator"] = ratio & (den == 0)
    masks["unknown_unit"] = (table["unit_code"] == UNKNOWN_UNIT).to_numpy(dtype=bool)
    masks["units_missing"] = table["units_missing"].fillna(0).to_numpy(dtype=np.int64) > 0
    masks["mixed_versions"] = np.full(len(table), mixed, dtype=bool)
    # Set only by chitieu.disclosure.suppress, never on freshly computed rows.
    masks["suppressed"] = np.zeros(len(table), dtype=bool)
    masks["estimated"] = np.zeros(len(table), dtype=bool)  # set by chitieu.units.recode
    bits = np.zeros(len(table), dtype=np.int64)
    names = list(FLAGS)
    for i, name in enumerate(names):
        bits |= masks[name].astype(np.int64) << i
    uniq, inverse = np.unique(bits, return_inverse=True)
    text = np.array(
        [",".join(n for i, n in enumerate(names) if (int(u) >> i) & 1) for u in uniq],
        dtype=object,
    )
    return pd.Series(text[inverse] if len(table) else [], dtype="str", index=table.index)


def _unit_rank(codes: pd.Series, versions: pd.Series) -> np.ndarray:
    """Rank of each (unit, version): codes sorted, ``unknown`` last, missing values last.

    Ranked over the distinct pairs (a few thousand), then given to every row
    by their dictionary codes: no text per row.

    >>> _unit_rank(pd.Series(["2", "unknown", "1", "2"]), pd.Series(["2008"] * 4)).tolist()
    [1, 2, 0, 1]
    """
    ci, cu = dictionary_codes(codes.astype("str"))
    vi, vu = dictionary_codes(versions.astype("str"))
    width = len(vu) + 1
    pair = (ci.astype(np.int64) + 1) * width + (vi.astype(np.int64) + 1)
    uniq, inverse = unique_small(pair)
    del pair

    def key(p: int) -> tuple[bool, bool, str, bool, str]:
        c = cu[p // width - 1] if p // width else None
        v = vu[p % width - 1] if p % width else None
        return (c == UNKNOWN_UNIT, c is None, str(c or ""), v is None, str(v or ""))

    order = sorted(range(len(uniq)), key=lambda i: key(int(uniq[i])))
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    out: np.ndarray = rank[inverse]
    return out


def _order(
    frame: pd.DataFrame, indicator_ids: Sequence[str], period_labels: Sequence[str]
) -> np.ndarray:
    ind_rank = _mapped(frame["indicator_id"], {i: k for k, i in enumerate(indicator_ids)}, float)
    per_rank = _mapped(frame["period"], {p: k for k, p in enumerate(period_labels)}, float)
    unit_rank = _unit_rank(frame["unit_code"], frame["division_version"])
    return np.lexsort(
        (
            np.arange(len(frame)),
            frame["_rank"].to_numpy(dtype=np.int64),
            unit_rank,
            per_rank.astype(np.int64),
            ind_rank.astype(np.int64),
        )
    )


def _breakdown_rank(frame: pd.DataFrame, metas: Mapping[str, Any]) -> np.ndarray:
    rank_of: dict[tuple[str, str], int] = {}
    for i, m in metas.items():
        rank_of[(i, TOTAL)] = 0
        for k, d in enumerate((d for d in m.dimensions if d != "commune"), start=1):
            rank_of[(i, d)] = k
    keys = list(zip(frame["indicator_id"], frame["breakdown"], strict=False))
    return np.fromiter((rank_of.get(k, 99) for k in keys), dtype=np.int64, count=len(keys))


