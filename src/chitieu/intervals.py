"""Confidence intervals for small-area percents and rates.

A commune's figure is a census count, but the risk behind it is uncertain, and
in a small commune very much so: 2 injuries among 4,000 children is a rate of
0.5 per 1,000 whose 95% interval runs from about 0.06 to 1.8 per 1,000, a
factor of 30. Officials comparing communes should see that, so a report can
carry intervals as two extra columns, ``ci_low`` and ``ci_high``
(:meth:`chitieu.report.Report.with_intervals`).

- **Percents** (a numerator that is a part of its denominator): the Wilson
  score interval of the proportion, times the multiplier (100).
- **Rates** (per 1,000, ...): the numerator is taken as a Poisson count. By
  default the *exact* (Garwood) interval: the lower bound is the ``α/2``
  quantile of a gamma distribution of shape ``x`` and the upper bound the
  ``1 - α/2`` quantile of shape ``x + 1`` (the chi-square relation
  ``χ²(2x)/2``), divided by the denominator and times the multiplier. With
  scipy installed its ``gammaincinv`` computes the quantiles; without scipy a
  small pure implementation does (the regularised incomplete gamma function,
  by its series and continued fraction, and bisection), which agrees with
  scipy to 1e-9 (tests check it). ``method="byars"`` gives Byars'
  approximation instead, which needs no special function.
- **Ratios** (the sex ratio at birth, boys per 100 girls): the Wilson
  interval of the proportion of boys among births, ``p``, turned into a ratio
  ``p / (1 - p)``.
- **Counts and sums** get no interval (missing): they are the figure itself,
  not an estimate of a rate.

A cell whose value is missing (a zero denominator, a suppressed cell) has a
missing interval, so no interval reveals a hidden count.

Examples
--------
>>> low, high = poisson_interval(np.array([2.0]))
>>> print(f"{low[0]:.4f} {high[0]:.4f}")
0.2422 7.2247
>>> low, high = rate_interval(np.array([2.0]), np.array([4000.0]), 1000)
>>> print(f"{low[0]:.3f} to {high[0]:.3f} per 1,000")
0.061 to 1.806 per 1,000
>>> low, high = wilson_interval(np.array([5.0]), np.array([10.0]))
>>> print(f"{low[0]:.4f} {high[0]:.4f}")
0.2366 0.7634
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from chitieu.errors import ChitieuError

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.report import Report

__all__ = [
    "INTERVAL_COLUMNS",
    "IntervalError",
    "PoissonMethod",
    "add_intervals",
    "gamma_quantile",
    "poisson_interval",
    "rate_interval",
    "wilson_interval",
    "with_intervals",
]

#: The columns :func:`add_intervals` adds, right after ``value``.
INTERVAL_COLUMNS = ("ci_low", "ci_high")

PoissonMethod = Literal["exact", "byars"]
_METHODS = ("exact", "byars")


class IntervalError(ChitieuError, ValueError):
    """An interval cannot be computed as asked (a level outside 0 to 1, an unknown method)."""

    default_code = "bad-interval-option"


def _z(level: float) -> float:
    """The normal quantile for a two-sided interval at *level*."""
    _check_level(level)
    return NormalDist().inv_cdf(1.0 - (1.0 - level) / 2.0)


def _check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0.0 < level < 1.0:
        raise IntervalError(
            f"level must be a number between 0 and 1 (0.95 for 95%), found {level!r}",
            code="bad-interval-level",
        )
    return float(level)


# -- the incomplete gamma function, without scipy -------------------------------------
_EPS = 1e-15
_TINY = 1e-300


def _gamma_p(a: float, x: float) -> float:
    """The regularised lower incomplete gamma function P(a, x), a > 0.

    >>> round(_gamma_p(1.0, 1.0), 12) == round(1 - math.exp(-1), 12)
    True
    """
    if x <= 0.0:
        return 0.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        # series: P = e^-x x^a / Γ(a+1) * Σ x^n / ((a+1)...(a+n))
        term = 1.0 / a
        total = term
        ap = a
        for _ in range(100_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return min(1.0, total * math.exp(log_front))
    # continued fraction for Q (modified Lentz)
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return max(0.0, 1.0 - math.exp(log_front) * h)


def _gamma_quantile_pure(q: float, a: float) -> float:
    """x with P(a, x) = q, by bisection (relative precision about 1e-13)."""
    if q <= 0.0:
        return 0.0
    if q >= 1.0:
        return math.inf
    low, high = 0.0, max(1.0, a)
    while _gamma_p(a, high) < q:
        low, high = high, high * 2.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if _gamma_p(a, mid) < q:
            low = mid
        else:
            high = mid
        if high - low <= 1e-14 * max(1.0, high):
            break
    return 0.5 * (low + high)


def gamma_quantile(q: float, shape: float, *, use_scipy: bool | None = None) -> float:
    """The *q* quantile of the gamma distribution of *shape* (scale 1).

    Parameters
    ----------
    q
        A probability, 0 to 1.
    shape
        The shape, more than 0.
    use_scipy
        ``None`` (default): scipy when it is installed, else the pure
        implementation; ``False``: the pure implementation always.

    Examples
    --------
    >>> print(f"{gamma_quantile(0.975, 3.0, use_scipy=False):.4f}")
    7.2247
    """
    if shape <= 0:
        raise IntervalError(f"the gamma shape must be more than 0, found {shape!r}")
    if use_scipy is not False:
        special = _scipy_special()
        if special is not None:
            return float(special.gammaincinv(shape, q))
        if use_scipy:
            raise ImportError("use_scipy=True needs scipy: pip install scipy")
    return _gamma_quantile_pure(float(q), float(shape))


def _scipy_special() -> Any:
    try:
        from scipy import special
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return special


# -- intervals --------------------------------------------------------------------------
def poisson_interval(
    count: np.ndarray,
    *,
    level: float = 0.95,
    method: PoissonMethod = "exact",
    use_scipy: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Interval of the expected value of each Poisson *count*.

    ``exact`` (Garwood): ``gamma.ppf(α/2, x)`` (0 for ``x = 0``) to
    ``gamma.ppf(1 - α/2, x + 1)``. ``byars``: ``x (1 - 1/(9x) - z/(3√x))³`` to
    ``(x+1) (1 - 1/(9(x+1)) + z/(3√(x+1)))³``. Missing or negative counts give
    missing bounds.

    Examples
    --------
    >>> low, high = poisson_interval(np.array([0.0, 10.0]))
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.0, 4.795], [3.689, 18.39])
    >>> low, high = poisson_interval(np.array([10.0]), method="byars")
    >>> round(float(low[0]), 2), round(float(high[0]), 2)
    (4.79, 18.39)
    """
    if method not in _METHODS:
        raise IntervalError(
            f"method must be one of {', '.join(_METHODS)}, found {method!r}",
            code="bad-interval-method",
        )
    alpha = 1.0 - _check_level(level)
    x = np.asarray(count, dtype=np.float64)
    low = np.full(x.shape, np.nan)
    high = np.full(x.shape, np.nan)
    ok = np.isfinite(x) & (x >= 0)
    if method == "byars":
        z = _z(level)
        xs = x[ok]
        with np.errstate(divide="ignore", invalid="ignore"):
            lo = np.where(
                xs > 0,
                xs * (1 - 1 / (9 * np.where(xs > 0, xs, 1)) - z / (3 * np.sqrt(xs))) ** 3,
                0.0,
            )
        up = (xs + 1) * (1 - 1 / (9 * (xs + 1)) + z / (3 * np.sqrt(xs + 1))) ** 3
        low[ok] = np.maximum(lo, 0.0)
        high[ok] = up
        return low, high
    special = None if use_scipy is False else _scipy_special()
    if use_scipy and special is None:  # pragma: no cover - depends on the environment
        raise ImportError("use_scipy=True needs scipy: pip install scipy")
    if special is not None:
        xs = x[ok]
        with np.errstate(all="ignore"):
            lo = np.where(xs > 0, special.gammaincinv(np.where(xs > 0, xs, 1.0), alpha / 2), 0.0)
        low[ok] = lo
        high[ok] = special.gammaincinv(xs + 1.0, 1.0 - alpha / 2)
        return low, high
    # Pure: counts repeat a lot (small integers), so each distinct count is solved once.
    uniq, inverse = np.unique(x[ok], return_inverse=True)
    lo_u = np.array([_gamma_quantile_pure(alpha / 2, v) if v > 0 else 0.0 for v in uniq])
    up_u = np.array([_gamma_quantile_pure(1 - alpha / 2, v + 1.0) for v in uniq])
    low[ok] = lo_u[inverse] if len(uniq) else []
    high[ok] = up_u[inverse] if len(uniq) else []
    return low, high


def rate_interval(
    count: np.ndarray,
    denominator: np.ndarray,
    multiplier: float | np.ndarray = 1000,
    *,
    level: float = 0.95,
    method: PoissonMethod = "exact",
    use_scipy: bool | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a rate: the Poisson interval of *count*, per *denominator*, times *multiplier*.

    Missing where the denominator is 0 or missing.

    >>> low, high = rate_interval(np.array([2.0, 1.0]), np.array([4000.0, 0.0]), 1000)
    >>> round(float(low[0]), 4), round(float(high[0]), 4), bool(np.isnan(low[1]))
    (0.0606, 1.8062, True)
    """
    den = np.asarray(denominator, dtype=np.float64)
    low, high = poisson_interval(count, level=level, method=method, use_scipy=use_scipy)
    mult = np.asarray(multiplier, dtype=np.float64)
    positive = den > 0
    safe = np.where(positive, den, 1.0)
    return (
        np.where(positive, low / safe * mult, np.nan),
        np.where(positive, high / safe * mult, np.nan),
    )


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval of the proportion ``successes / trials`` (0 to 1).

    ``(p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)``. Missing where
    *trials* is 0 or missing, or *successes* is outside 0 to *trials*.

    >>> low, high = wilson_interval(np.array([0.0, 3.0]), np.array([20.0, 2.0]))
    >>> round(float(low[0]), 4), round(float(high[0]), 4), bool(np.isnan(low[1]))
    (0.0, 0.1611, True)
    """
    z = _z(level)
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & (k <= n)
    safe_n = np.where(ok, n, 1.0)
    p = np.where(ok, k / safe_n, 0.0)
    z2 = z * z
    centre = (p + z2 / (2 * safe_n)) / (1 + z2 / safe_n)
    half = z * np.sqrt(p * (1 - p) / safe_n + z2 / (4 * safe_n * safe_n)) / (1 + z2 / safe_n)
    low = np.where(ok, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(ok, np.clip(centre + half, 0.0, 1.0), np.nan)
    low = np.where(ok & (k == 0), 0.0, low)
    high = np.where(ok & (k == n), 1.0, high)
    return low, high


def add_intervals(
    table: pd.DataFrame,
    kinds: Mapping[str, str],
    multipliers: Mapping[str, float],
    *,
    level: float = 0.95,
    method: PoissonMethod = "exact",
) -> pd.DataFrame:
    """*table* (a report's long table) with ``ci_low`` and ``ci_high`` after ``value``.

    Parameters
    ----------
    table
        Rows with ``indicator_id``, ``numerator``, ``denominator`` and ``value``.
    kinds, multipliers
        The kind (``percent``, ``rate_per_1000``, ``ratio``, ``count``, ``sum``)
        and multiplier of each indicator id.
    level, method
        As :func:`poisson_interval`.

    Returns
    -------
    pandas.DataFrame
        A new frame; the figures are not changed. Intervals are missing for
        counts and sums and wherever ``value`` is missing.
    """
    _check_level(level)
    ids = table["indicator_id"].astype("str")
    kind = ids.map(dict(kinds)).to_numpy(dtype=object)
    mult = ids.map({k: float(v) for k, v in multipliers.items()}).to_numpy(dtype=np.float64)
    num = table["numerator"].to_numpy(dtype=np.float64)
    den = table["denominator"].to_numpy(dtype=np.float64)
    shown = np.isfinite(table["value"].to_numpy(dtype=np.float64))
    low = np.full(len(table), np.nan)
    high = np.full(len(table), np.nan)

    percent = (kind == "percent") & shown
    if percent.any():
        lo, hi = wilson_interval(num[percent], den[percent], level=level)
        low[percent], high[percent] = lo * mult[percent], hi * mult[percent]
    rate = np.array([isinstance(k, str) and k.startswith("rate") for k in kind], dtype=bool)
    rate &= shown
    if rate.any():
        lo, hi = rate_interval(num[rate], den[rate], mult[rate], level=level, method=method)
        low[rate], high[rate] = lo, hi
    ratio = (kind == "ratio") & shown
    if ratio.any():
        lo, hi = wilson_interval(num[ratio], num[ratio] + den[ratio], level=level)
        with np.errstate(divide="ignore", invalid="ignore"):
            low[ratio] = lo / (1 - lo) * mult[ratio]
            high[ratio] = np.where(hi < 1, hi / np.where(hi < 1, 1 - hi, 1.0), np.inf) * mult[ratio]
    out = table.copy()
    at = list(out.columns).index("value") + 1
    for offset, (name, values) in enumerate(zip(INTERVAL_COLUMNS, (low, high), strict=True)):
        if name in out.columns:
            out = out.drop(columns=name)
        out.insert(at + offset, name, values)
    return out


def with_intervals(
    report: Report, *, level: float = 0.95, method: PoissonMethod = "exact"
) -> Report:
    """The same report with ``ci_low`` and ``ci_high`` in its table (see the module docstring).

    The figures are not changed; a note says which intervals the columns hold.
    Rolling the result up recomputes the table from counts, without the
    intervals: roll up first, then add them.

    Examples
    --------
    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.report import report
    >>> rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
    >>> rep.with_intervals().totals()[["unit_code", "value", "ci_low", "ci_high"]].round(1)
      unit_code  value  ci_low  ci_high
    0     00001   33.3     6.1     79.2
    1     00002   33.3     6.1     79.2
    """
    from dataclasses import replace

    metas = report._metas()
    table = add_intervals(
        report.table,
        {i: m.kind for i, m in metas.items()},
        {i: m.multiplier for i, m in metas.items()},
        level=level,
        method=method,
    )
    pct = f"{level * 100:g}%"
    note = (
        f"ci_low, ci_high: {pct} confidence intervals (Wilson for percentages, "
        f"{'exact Poisson (Garwood)' if method == 'exact' else 'Poisson, Byars'} for rates); "
        "none for counts"
    )
    notes = report.notes if note in report.notes else (*report.notes, note)
    return replace(report, table=table, notes=notes)
