"""Compute an indicator for a submission and a period.

:func:`compute` returns one row per cell of the requested breakdown, with the
``by`` columns, ``numerator``, ``denominator`` and ``value``. A
:class:`Context` holds what several indicators share for one submission and
period (the register with ages and codes, the communes); build one and call
:meth:`Context.compute` to compute many indicators at the cost of one.

Examples
--------
>>> from chitieu.indicators.examples import tiny_submission
>>> sub = tiny_submission()
>>> compute("child_population", sub, period="2024", by=("sex",))
  sex  numerator  denominator  value
0   M          4          NaN    4.0
1   F          2          NaN    2.0
2   U          0          NaN    0.0
>>> ctx = Context(sub, "2024")
>>> ctx.compute("special_circumstances")[["numerator", "denominator", "value"]].round(2)
   numerator  denominator  value
0          2          6.0  33.33
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from chitieu.counts import OUTPUT_COLUMNS
from chitieu.inbound import Validation
from chitieu.indicators.context import Context
from chitieu.periods import Period, parse_periods
from chitieu.submission import Submission

__all__ = ["OUTPUT_COLUMNS", "Context", "compute"]


def compute(
    indicator_id: str,
    data: Submission,
    *,
    period: str | int | Period | tuple[Any, Any],
    by: Sequence[str] = (),
    context: Context | None = None,
    extra: Mapping[str, pd.DataFrame] | None = None,
    validation: Validation = "drop",
    **options: Any,
) -> pd.DataFrame:
    """Compute one indicator for *data* and *period*, broken down *by* some dimensions.

    Parameters
    ----------
    indicator_id
        An id of :func:`chitieu.list_indicators`.
    data
        The submission.
    period
        ``"2024"``, ``"2024-H1"``, ``"2024-Q3"``, ``"2024-07"``,
        ``"2024-01-01..2024-06-30"``, ``"01/01/2024..30/06/2024"``, a
        :class:`~chitieu.periods.Period`, or a list of these (the result then
        starts with a ``period`` column); see :func:`chitieu.periods.parse_periods`.
    by
        Dimensions of the breakdown, among the indicator's ``dimensions``.
    context
        A :class:`Context` built for the same *data* and *period*, to share
        work between calls.
    extra
        Extra input tables for indicators computed from data the records do
        not carry.
    validation
        ``"drop"`` (default): the submission is validated on the way in (once;
        the result is cached on it) and rows with errors are left out, with an
        :class:`~chitieu.errors.InvalidDataWarning`; ``"refuse"``: data with
        errors raise :class:`~chitieu.errors.InvalidDataError`; ``"skip"``: no
        validation. See :mod:`chitieu.inbound`.
    **options
        Options of the indicator (``age_bands=``, ``attribution=``, ...).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (the ``commune`` dimension gives ``unit_code`` and
        ``division_version``), then ``numerator``, ``denominator`` (NaN for a
        count) and ``value`` (``numerator / denominator * multiplier``, NaN
        where the denominator is 0; equal to the numerator for a count). Every
        category of a code-list dimension appears, zeros included.

    Raises
    ------
    UnknownIndicatorError
        For an unknown id (the message names the closest ones).
    ValueError
        For a dimension the indicator does not offer.
    DataNotAvailableError
        When the indicator has no data: a table it needs is absent, empty or
        left without valid rows, a required column is missing, the period is
        not covered by the records (:mod:`chitieu.coverage`), or the records
        never carry what it needs. The message says why.
    InvalidDataError
        With ``validation="refuse"``, when the data have errors.
    """
    periods = parse_periods(period)
    if len(periods) > 1:
        if context is not None:
            raise ValueError("a context holds one period; give one period with context=")
        parts = []
        for p in periods:
            part = compute(
                indicator_id, data, period=p, by=by, extra=extra, validation=validation, **options
            )
            parts.append(part.assign(period=p.label)[["period", *part.columns]])
        return pd.concat(parts, ignore_index=True)
    if context is None:
        context = Context(data, periods[0], extra=extra, validation=validation)
    else:
        if context.source is not data and context.data is not data:
            raise ValueError("the context was built for another submission")
        if context.period != periods[0]:
            raise ValueError(
                f"the context was built for period {context.period.label}, not {period!r}"
            )
        if extra:
            raise ValueError("give extra tables to the Context, not to compute(), when using one")
    return context.compute(indicator_id, by=by, **options)


class _CallableModule(types.ModuleType):
    """``chitieu.compute`` is both this module and the function :func:`compute`.

    Importing the module (``from chitieu.compute import Context``) makes the
    package attribute ``chitieu.compute`` the module; calling it still computes.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> pd.DataFrame:
        return compute(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
