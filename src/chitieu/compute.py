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
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from chitieu.codelists import codes
from chitieu.errors import DataNotAvailableError
from chitieu.inbound import Validation
from chitieu.indicators.kernel import UNKNOWN, Axis, encode
from chitieu.periods import Period, parse_period, parse_periods
from chitieu.schemas import TABLES
from chitieu.submission import Submission

__all__ = ["OUTPUT_COLUMNS", "Context", "compute"]

#: The columns every result ends with.
OUTPUT_COLUMNS = ("numerator", "denominator", "value")


class Context:
    """What the indicators of one submission and one period share, computed once.

    Parameters
    ----------
    data
        The submission.
    period
        A :class:`~chitieu.periods.Period` or its text (``"2024"``, ``"2024-H1"``, ...).
    extra
        Extra input tables for indicators the records do not carry, keyed by
        the name in the indicator's ``requires`` (see
        :mod:`chitieu.indicators.external`).
    validation
        ``"drop"`` (default), ``"refuse"`` or ``"skip"``: what to do with the
        submission on the way in; see :mod:`chitieu.inbound`.

    Notes
    -----
    The context never modifies the submission. It assumes the submission's
    frames are not modified while it is in use.
    """

    def __init__(
        self,
        data: Submission,
        period: str | int | Period | tuple[Any, Any],
        *,
        extra: Mapping[str, pd.DataFrame] | None = None,
        validation: Validation = "drop",
    ) -> None:
        from chitieu.inbound import prepare

        if not isinstance(data, Submission):
            raise TypeError(f"data must be a chitieu Submission, found {type(data).__name__}")
        prepared = prepare(data, validation, stacklevel=3)
        #: The submission as given.
        self.source = data
        #: The submission the figures rest on (rows with errors left out).
        self.data = prepared.data
        #: What the figures rest on, in sentences (validation, rows left out).
        self.notes: tuple[str, ...] = prepared.notes
        self.period = parse_period(period)
        self.extra: dict[str, pd.DataFrame] = dict(extra or {})
        self._memo: dict[Any, Any] = {}

    def __repr__(self) -> str:
        return f"Context({self.data!r}, period={self.period.label!r})"

    def memo(self, key: Any, build: Any) -> Any:
        """Return the value cached under *key*, building it with ``build()`` once."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    # -- shared pieces --------------------------------------------------------
    @cached_property
    def commune_units(self) -> pd.DataFrame:
        """Commune rows of the units table (first row of each code and version)."""
        units = self.data.units
        communes = units.loc[units["level"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)]
        keys = (
            communes["unit_code"].astype("str") + "|" + communes["division_version"].astype("str")
        )
        return communes.loc[~keys.duplicated().to_numpy()]

    @cached_property
    def commune_axis(self) -> Axis:
        """Every commune seen in the units table or the records, sorted, then ``unknown``."""
        from chitieu.indicators.stock import commune_label_set, commune_labels

        labels: set[str] = set()
        cu = self.commune_units
        labels.update(commune_labels(cu["unit_code"], cu["division_version"]).tolist())
        for table in ("children", "injuries", "abuse_cases", "sanctions"):
            frame = self.data[table]
            if len(frame):
                labels.update(commune_label_set(frame["commune_code"], frame["division_version"]))
        labels.discard(UNKNOWN)
        ordered = sorted(labels, key=lambda s: (s.partition("|")[0], s.partition("|")[2]))
        return Axis("commune", (*ordered, UNKNOWN))

    @cached_property
    def commune_urban_rural(self) -> np.ndarray:
        """Urban/rural code of each commune category (from the units table)."""
        from chitieu.indicators.stock import commune_labels

        cats = (*codes("urban_rural"), UNKNOWN)
        out = np.full(self.commune_axis.size, len(cats) - 1, dtype=np.int64)
        cu = self.commune_units
        if len(cu) and "urban_rural" in cu:
            pos = pd.Index(self.commune_axis.categories).get_indexer(
                pd.Index(commune_labels(cu["unit_code"], cu["division_version"]))
            )
            out[pos] = encode(cu["urban_rural"], cats)
        return out

    @cached_property
    def register(self) -> Any:
        """The :class:`~chitieu.indicators.stock.Register` of the period."""
        from chitieu.indicators.stock import Register

        return Register(self)

    # -- what the figures rest on ---------------------------------------------
    def no_data(self, meta: Any) -> str | None:
        """Why the indicator of *meta* has no data in this context, or ``None``.

        See :func:`chitieu.coverage.no_data_reason`; indicators from unit facts
        and extra tables check their own input.
        """
        from chitieu.coverage import no_data_reason

        if meta.computable_from != "records":
            present = self.data.tables_present
            if present and meta.computable_from == "units" and "units" not in present:
                return "the submission has no units table"
            return None
        tables = tuple(t for t in meta.requires if t in TABLES and t != "units")
        return no_data_reason(self.data, tables, self.period, meta.period_convention)

    # -- computing ------------------------------------------------------------
    def compute(self, indicator_id: str, *, by: Sequence[str] = (), **options: Any) -> pd.DataFrame:
        """Compute *indicator_id* on this context; see :func:`compute`."""
        from chitieu.indicators import get_indicator

        meta = get_indicator(indicator_id)
        by_t = _check_by(meta.id, by, meta.dimensions)
        unknown_options = sorted(set(options) - set(meta.options))
        if unknown_options:
            allowed = ", ".join(meta.options) or "none"
            raise TypeError(
                f"indicator {meta.id!r} takes no option {', '.join(unknown_options)}; "
                f"options: {allowed}"
            )
        reason = self.no_data(meta)
        if reason is not None:
            error = DataNotAvailableError(f"indicator {meta.id!r} has no data: {reason}")
            error.reason = reason
            raise error
        result = meta.func(self, by=by_t, **options)
        return _finish(result, meta.kind, meta.multiplier)


def _check_by(indicator_id: str, by: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    if isinstance(by, str):
        by = (by,)
    by_t = tuple(by)
    bad = [d for d in by_t if d not in allowed]
    if bad:
        raise ValueError(
            f"indicator {indicator_id!r} cannot be broken down by {', '.join(map(repr, bad))}; "
            f"allowed: {', '.join(allowed) or 'none'}"
        )
    if len(set(by_t)) != len(by_t):
        raise ValueError(f"a dimension is repeated in by={by_t!r}")
    return by_t


def _finish(result: pd.DataFrame, kind: str, multiplier: int) -> pd.DataFrame:
    """Add ``value`` and put the columns in the standard order (dims, counts, flags)."""
    num = result["numerator"].to_numpy()
    den = result["denominator"].to_numpy(dtype=np.float64)
    if kind in ("count", "sum"):
        value = num.astype(np.float64)
    else:
        positive = den > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(positive, num / np.where(positive, den, 1.0) * multiplier, np.nan)
    dims: dict[str, Any] = {}
    flags: dict[str, Any] = {}
    for column in result.columns:
        if column in OUTPUT_COLUMNS:
            continue
        series = result[column]
        if series.dtype == object or str(series.dtype) == "str":
            dims[column] = series.array
        else:
            flags[column] = series.to_numpy()
    return pd.DataFrame({**dims, "numerator": num, "denominator": den, "value": value, **flags})


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
