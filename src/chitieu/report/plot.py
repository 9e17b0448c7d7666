"""Plots of a report: bars by unit or by category, lines over periods, a plan's target.

:func:`plot` (also :meth:`chitieu.report.Report.plot`) draws one indicator of
a report with matplotlib, which is an optional extra (``pip install
'chitieu[plot]'``) imported only when a plot is asked for. Labels are in
Vietnamese by default (the indicator's name from the registry, categories from
the code lists) and in English with ``lang="en"``.

- ``kind="bar"``: one bar per unit (``by=None``) or per category of a dimension
  (``by="sex"``, for one unit), one colour per period;
- ``kind="line"``: the periods in order of time on the x axis, one line per unit
  or per category; the values come from :func:`chitieu.trends.trend`.

A figure that is not there is never drawn as 0. A suppressed cell (``x``), a
value whose denominator is 0 (``..``) and a period without data (``–``) leave a
gap (a bar of missing height, a break in the line) with the symbol at the foot
of the axis, and a note under the axis says what each symbol means. A plan's
target (``target=plan``, a :class:`~chitieu.plans.Target` or a number in the
indicator's unit) is drawn as a horizontal dashed line.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import chitieu
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = chitieu.report(tiny_submission(), period="2024", indicators=["special_circumstances"])
>>> ax = plot(rep, "special_circumstances", target=30.0)
>>> [round(float(bar.get_height()), 1) for bar in ax.patches]
[33.3, 33.3]
>>> [label.get_text() for label in ax.get_xticklabels()]
['Thị trấn Một', 'Xã Hai']
>>> from chitieu.indicators import get_indicator
>>> ax.get_title().splitlines()[0] == get_indicator("special_circumstances").name_vi
True
>>> import matplotlib.pyplot as plt
>>> plt.close("all")
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from chitieu.report.model import Report

__all__ = ["KINDS", "MISSING_SYMBOLS", "plot"]

#: The kinds of plot.
KINDS: tuple[str, ...] = ("bar", "line")

#: The symbol drawn where a figure is missing, with what it means (vi, en).
MISSING_SYMBOLS: dict[str, tuple[str, tuple[str, str]]] = {
    "suppressed": (
        "x",
        (
            "số liệu bị che khi công bố (số nhỏ, hoặc để không suy ra được số nhỏ)",
            "hidden for publication (a small count, or one that would reveal it)",
        ),
    ),
    "zero_denominator": ("..", ("không tính được: mẫu số bằng 0", "not computable: denominator 0")),
    "no_data": ("–", ("không có số liệu", "no data")),
}

_LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "commune": ("Xã, phường, thị trấn", "Commune"),
    "district": ("Quận, huyện", "District"),
    "province": ("Tỉnh, thành phố", "Province"),
    "national": ("Toàn quốc", "National"),
}
_PERIOD_LABEL = ("Kỳ báo cáo", "Period")
_TOTAL_LABEL = ("Tổng số", "Total")
_UNKNOWN_LABEL = ("Không xác định", "Unknown")
_TARGET_LABEL = ("Chỉ tiêu kế hoạch", "Plan target")
_MULTI_NOTE = (
    "Phân tổ nhiều lựa chọn: một trẻ có thể ở nhiều nhóm, các cột không cộng thành tổng",
    "Multi-response breakdown: a child can be in several groups; bars do not add up",
)
_TARGET_COLOUR = "#C00000"


def _pyplot() -> Any:
    """matplotlib's pyplot, or a clear error saying how to install it."""
    from chitieu.export.excel import MissingDependencyError

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError(
            "plots need the package matplotlib; install it with pip install 'chitieu[plot]' "
            "(biểu đồ cần gói matplotlib: pip install 'chitieu[plot]')",
            code="missing-extra",
        ) from None
    return plt


def _pick(lang: str, pair: tuple[str, str]) -> str:
    return pair[0] if lang == "vi" else pair[1]


def _number(x: float, decimals: int, lang: str) -> str:
    """*x* with *decimals* decimals, in the way of *lang* (``1.234,5`` in Vietnamese)."""
    text = f"{x:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _tick_decimals(ax: Any) -> int:
    """Decimals the y ticks need (0 for whole numbers, else as few as show the step)."""
    ticks = [t for t in ax.get_yticks() if not math.isclose(t, round(t))]
    if not ticks:
        return 0
    return max(1, min(3, max(len(f"{t:.3f}".rstrip("0").split(".")[1]) for t in ticks)))


def _decimals(kind: str) -> int:
    return {"percent": 1, "rate_per_1000": 2, "ratio": 1}.get(kind, 0)


def _category_labels(dimension: str, values: Sequence[str], lang: str) -> list[str]:
    """What a person reads for each category of *dimension*."""
    from chitieu.codelists import get_codelist
    from chitieu.indicators.registry import DIMENSIONS

    dim = DIMENSIONS.get(dimension)
    codelist = get_codelist(dim.codelist) if dim is not None and dim.codelist else None
    out: list[str] = []
    for value in values:
        if value == "total":
            out.append(_pick(lang, _TOTAL_LABEL))
        elif codelist is not None and value in codelist.label_vi:
            out.append(codelist.label_vi[value] if lang == "vi" else codelist.label_en[value])
        elif value == "unknown":
            out.append(_pick(lang, _UNKNOWN_LABEL))
        elif dimension == "age_group":
            out.append(f"{value} {'tuổi' if lang == 'vi' else 'years'}")
        else:
            out.append(str(value))
    return out


def _unit_labels(rep: Report, level: str, cells: pd.DataFrame, lang: str) -> list[str]:
    """Unit names (the code when a unit has no name, or two units share one)."""
    from chitieu.privacy import mask_text

    names = rep.units.loc[rep.units["level"] == level]
    lookup = {
        (str(r["unit_code"]), str(r["division_version"])): r["name"]
        for r in names.to_dict("records")
    }
    labels: list[str] = []
    for code, version in zip(cells["unit_code"], cells["division_version"], strict=True):
        name = lookup.get((str(code), str(version)))
        if code == "unknown":
            labels.append(_pick(lang, _UNKNOWN_LABEL))
        elif isinstance(name, str) and name and name != "nan":
            labels.append(mask_text(name))
        else:
            labels.append(str(code))
    counts = pd.Series(labels).value_counts()
    labels = [
        f"{label} ({code})" if counts[label] > 1 and label != code else label
        for label, code in zip(labels, cells["unit_code"], strict=True)
    ]
    # The same code in two division versions (codes were reused in 2025).
    counts = pd.Series(labels).value_counts()
    return [
        f"{label} [{version}]" if counts[label] > 1 else label
        for label, version in zip(labels, cells["division_version"], strict=True)
    ]


def _missing_kind(flags: str, reason: str) -> str:
    if "suppressed" in flags.split(","):
        return "suppressed"
    if "zero_denominator" in flags.split(","):
        return "zero_denominator"
    return "no_data"


_SHOWN_OPS: dict[str, str] = {"<=": "≤", ">=": "≥", "==": "="}

_TREND_WORDS: dict[str, tuple[str, str]] = {
    "decrease": ("giảm so với kỳ trước", "decrease from the previous period"),
    "no_increase": ("không tăng so với kỳ trước", "no increase from the previous period"),
}


def _targets(
    target: Any, indicator_id: str, lang: str, period: str = ""
) -> list[tuple[float | None, str]]:
    """``(height, label)`` of each target: the height in the indicator's unit.

    The height is ``None`` for a target against the previous period
    (``decrease``, ``no_increase``), which has no line, only its label.
    *period* is the plan's period, named in the label.
    """
    name = _pick(lang, _TARGET_LABEL) + (f" {period}" if period else "")
    if target is None:
        return []
    if isinstance(target, bool):
        raise TypeError("target must be a number, a plan or a plan's target, found a bool")
    if isinstance(target, int | float | np.integer | np.floating):
        value = float(target)
        return [(value, f"{name}: {_number(value, 2 if not value.is_integer() else 0, lang)}")]
    if hasattr(target, "targets"):
        found = [t for t in target.targets if getattr(t, "indicator_id", None) == indicator_id]
        if not found:
            held = sorted({str(getattr(t, "indicator_id", "?")) for t in target.targets})
            raise ValueError(
                f"the plan has no target for {indicator_id!r}; its targets are for "
                f"{', '.join(held) or 'no indicator'}"
            )
        label = getattr(getattr(target, "period", None), "label", "")
        return [v for t in found for v in _targets(t, indicator_id, lang, str(label))]
    if hasattr(target, "op") and hasattr(target, "indicator_id"):
        if target.indicator_id != indicator_id:
            raise ValueError(f"the target is for {target.indicator_id!r}, not for {indicator_id!r}")
        op = str(target.op)
        if op in _TREND_WORDS:
            return [(None, f"{name}: {_pick(lang, _TREND_WORDS[op])}")]
        height, shown, units = _target_height(target)
        text = _number(shown, 0 if float(shown).is_integer() else 2, lang)
        unit_text = _pick(lang, units)
        if unit_text and not unit_text.startswith(("/", "%")):
            unit_text = " " + unit_text
        return [(height, f"{name}: {_SHOWN_OPS.get(op, op)} {text}{unit_text}")]
    raise TypeError(
        "target must be a number (in the indicator's unit), a plan or one of its targets, "
        f"found {type(target).__name__}"
    )


def _target_height(target: Any) -> tuple[float, float, tuple[str, str]]:
    """The threshold in the indicator's unit, in the target's own unit, and that unit (vi, en).

    A threshold per 100,000 is drawn on a rate per 1,000 at a hundredth of it.
    """
    from chitieu.indicators import get_indicator

    value = float(target.value)
    unit = target.resolved_unit() if hasattr(target, "resolved_unit") else ""
    meta = get_indicator(target.indicator_id)
    try:
        from chitieu.plans import PLAN_UNITS
    except ImportError:  # pragma: no cover - plans without units
        return value, value, ("", "")
    plan_unit = PLAN_UNITS.get(unit)
    if plan_unit is None or unit == "count" or meta.kind == "count":
        return value, value, ("", "")
    height = value * meta.multiplier / plan_unit.multiplier
    return height, value, (plan_unit.label_vi, plan_unit.label_en)


def plot(
    report: Report,
    indicator_id: str,
    *,
    by: str | None = None,
    kind: str = "bar",
    level: str | None = None,
    lang: str = "vi",
    target: Any = None,
    period: str | Sequence[str] | None = None,
    units: str | Sequence[str] | None = None,
    ax: Any = None,
) -> Any:
    """Draw one indicator of *report*; return the matplotlib ``Axes``.

    Parameters
    ----------
    report
        The report (several periods for ``kind="line"``).
    indicator_id
        An indicator of the report.
    by
        ``None`` (default): one bar (or line) per unit. A dimension of the
        indicator (``"sex"``, ``"age_group"``, ...): one per category, for one
        unit (give ``units=`` or ``level="national"`` when the report holds
        several).
    kind
        ``"bar"`` (default) or ``"line"`` (over the periods, in order of time).
    level
        ``None`` for the report's level, or a higher one: counts are summed to
        it before values are computed (:meth:`Report.rollup`).
    lang
        ``"vi"`` (default) or ``"en"``: the language of titles and labels.
    target
        ``None``; a number in the indicator's unit; a :class:`~chitieu.plans.Plan`
        (its targets for this indicator); or one :class:`~chitieu.plans.Target`.
        Drawn as a horizontal dashed line.
    period
        Periods to draw (labels; default every period of the report).
    units
        Unit codes to draw (default every unit).
    ax
        A matplotlib ``Axes`` to draw on (default a new figure).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    chitieu.export.MissingDependencyError
        Code ``missing-extra``, when matplotlib is not installed.
    ValueError
        For an unknown *kind* or *lang*, a breakdown over several units, a plan
        without a target for the indicator, or a filter that leaves nothing.
    """
    from chitieu.indicators import get_indicator
    from chitieu.indicators.registry import DIMENSIONS
    from chitieu.report.table import FLAGS
    from chitieu.trends import trend

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, found {kind!r}")
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', found {lang!r}")
    plt = _pyplot()
    meta = get_indicator(indicator_id)
    lines = _targets(target, meta.id, lang)
    data = trend(report, meta.id, by=by, level=level)
    at_level = str(data["level"].iloc[0]) if len(data) else (level or report.level)
    if period is not None:
        wanted = [period] if isinstance(period, str) else list(period)
        unknown = sorted(set(wanted) - set(data["period"]))
        if unknown:
            raise ValueError(
                f"the report has no period {', '.join(unknown)}; it has "
                f"{', '.join(dict.fromkeys(data['period']))}"
            )
        data = data.loc[data["period"].isin(wanted).to_numpy(dtype=bool)]
    if units is not None:
        codes = [units] if isinstance(units, str) else list(units)
        data = data.loc[data["unit_code"].isin(codes).to_numpy(dtype=bool)]
        if data.empty:
            raise ValueError(f"the report has no unit {', '.join(codes)} for {meta.id!r}")
    cell_keys = ["unit_code", "division_version", *([by] if by else [])]
    unit_cells = data.loc[:, ["unit_code", "division_version"]].drop_duplicates()
    if by is not None and len(unit_cells) > 1:
        raise ValueError(
            f"a breakdown by {by} is drawn for one unit; the report holds "
            f"{len(unit_cells):,} at {at_level} level: give units=<code>, or level='national'"
        )
    data = data.reset_index(drop=True)
    periods = list(dict.fromkeys(data["period"]))
    cells = data.loc[:, cell_keys].drop_duplicates().reset_index(drop=True)
    if by is None:
        cell_labels = _unit_labels(report, at_level, cells, lang)
    else:
        cell_labels = _category_labels(by, list(cells[by]), lang)
    decimals = _decimals(meta.kind)

    if ax is None:
        n = len(cells) * (len(periods) if kind == "bar" else 1)
        width = 6.4 if kind == "line" else min(14.0, max(6.4, 0.45 * n + 2.5))
        fig_height = 6.4 if kind == "bar" and len(cells) > 6 else 4.8
        _, ax = plt.subplots(figsize=(width, fig_height), layout="constrained")

    missing_seen: dict[str, list[str]] = {}
    cell_index = {tuple(row): i for i, row in enumerate(cells.itertuples(index=False))}
    data["_cell"] = [
        cell_index[tuple(row)] for row in data.loc[:, cell_keys].itertuples(index=False)
    ]
    data["_p"] = data["period"].map({p: i for i, p in enumerate(periods)})

    def _mark(x: float, row: dict[Any, Any]) -> None:
        what = _missing_kind(str(row["flags"]), str(row["reason"]))
        missing_seen.setdefault(what, [])
        if str(row["period"]) not in missing_seen[what]:
            missing_seen[what].append(str(row["period"]))
        ax.annotate(
            MISSING_SYMBOLS[what][0],
            xy=(x, 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            color="#555555",
            gid=f"missing-{what}",
        )

    if kind == "bar":
        n_series = len(periods)
        group = 0.8
        step = group / max(n_series, 1)
        x0 = np.arange(len(cells), dtype=float)
        for j, label in enumerate(periods):
            rows = data.loc[data["_p"] == j].sort_values("_cell")
            heights = np.full(len(cells), np.nan)
            heights[rows["_cell"].to_numpy(dtype=np.int64)] = rows["value"].to_numpy(dtype=float)
            xs = x0 - group / 2 + step * (j + 0.5)
            bars = ax.bar(xs, heights, width=step * 0.95, label=label)
            texts = ["" if math.isnan(h) else _number(h, decimals, lang) for h in heights]
            if len(cells) * n_series <= 40:
                ax.bar_label(bars, labels=texts, fontsize=8, padding=2)
            for row in rows.to_dict("records"):
                if math.isnan(float(row["value"])):
                    _mark(float(xs[int(row["_cell"])]), row)
        rotated = len(cells) > 6
        ticks = [
            textwrap.shorten(label, 40, placeholder="…") if rotated else textwrap.fill(label, 22)
            for label in cell_labels
        ]
        ax.set_xticks(x0, ticks)
        ax.set_xlim(-0.5, len(cells) - 0.5)
        if rotated:
            for tick in ax.get_xticklabels():
                tick.set_rotation(35)
                tick.set_horizontalalignment("right")
                tick.set_rotation_mode("anchor")
        xlabel = (
            _pick(lang, _LEVEL_LABELS.get(at_level, _LEVEL_LABELS["commune"]))
            if by is None
            else _pick(lang, (DIMENSIONS[by].vi, DIMENSIONS[by].en))
        )
        show_legend = n_series > 1
    else:
        x = np.arange(len(periods), dtype=float)
        for i, label in enumerate(cell_labels):
            rows = data.loc[data["_cell"] == i].sort_values("_p")
            ys = np.full(len(periods), np.nan)
            ys[rows["_p"].to_numpy(dtype=np.int64)] = rows["value"].to_numpy(dtype=float)
            (drawn,) = ax.plot(x, ys, marker="o", label=label)
            if len(cells) <= 5 and len(periods) <= 12:
                for xi, yi in zip(x, ys, strict=True):
                    if not math.isnan(yi):
                        ax.annotate(
                            _number(float(yi), decimals, lang),
                            xy=(float(xi), float(yi)),
                            xytext=(0, 6),
                            textcoords="offset points",
                            ha="center",
                            fontsize=8,
                            color=drawn.get_color(),
                        )
            for row in rows.to_dict("records"):
                if math.isnan(float(row["value"])):
                    _mark(float(x[int(row["_p"])]), row)
        ax.set_xticks(x, periods)
        ax.set_xlim(-0.3, len(periods) - 0.7)
        xlabel = _pick(lang, _PERIOD_LABEL)
        show_legend = len(cells) > 1

    target_notes: list[str] = []
    for height, label in lines:
        if height is None:
            target_notes.append(label)
            continue
        ax.axhline(
            height,
            color=_TARGET_COLOUR,
            linestyle="--",
            linewidth=1.5,
            label=label,
            gid="target",
        )
        show_legend = True
    target_heights = [h for h, _ in lines if h is not None]
    shown_values = data["value"].to_numpy(dtype=float)
    top = max([*shown_values[~np.isnan(shown_values)].tolist(), *target_heights, 0.0])
    ceiling = top * 1.25 if top > 0 else 1.0
    if meta.kind == "percent" and top <= 100:
        ceiling = min(ceiling, 109.0)
    ax.set_ylim(0, ceiling)
    if lang == "vi":
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda y, _: _number(y, _tick_decimals(ax), "vi"))
        )

    name = meta.name_vi if lang == "vi" else meta.name_en
    where = ""
    if len(unit_cells) == 1:
        where = _unit_labels(report, at_level, unit_cells.reset_index(drop=True), lang)[0]
    subtitle = ", ".join(x for x in (where, ", ".join(periods)) if x)
    ax.set_title(f"{name}\n{subtitle}" if subtitle else name, fontsize=11)
    ax.set_ylabel(meta.unit_vi if lang == "vi" else meta.unit_en)
    notes: list[str] = list(target_notes)
    for what, labels in missing_seen.items():
        symbol, pair = MISSING_SYMBOLS[what]
        notes.append(f"{symbol}: {_pick(lang, pair)} ({', '.join(labels)})")
    if by is not None and by in meta.multi_response:
        notes.append(_pick(lang, _MULTI_NOTE))
    if meta.spec_id and not meta.code_confirmed:
        notes.append(_pick(lang, FLAGS["code_unconfirmed"]))
    ax.set_xlabel("\n".join([xlabel, *notes]), fontsize=9)
    if show_legend:
        ax.legend(fontsize=8, loc="best")
    return ax
