"""The context of a computation: one submission, one period, and what its indicators share.

A :class:`Context` sits below the indicators: every indicator function takes
one, and it holds what several of them share for one submission and one
period, computed once (the register of children with their ages and codes,
the communes, event frames). It is built from a submission on the way in
(:mod:`chitieu.inbound`: validated, rows with errors left out) and decides
when a figure has no data (:mod:`chitieu.coverage`).

Examples
--------
>>> from chitieu.indicators.examples import tiny_submission
>>> ctx = Context(tiny_submission(), "2024")
>>> ctx.compute("special_circumstances")[["numerator", "denominator", "value"]].round(2)
   numerator  denominator  value
0          2          6.0  33.33
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from chitieu.codelists import codes
from chitieu.counts import finish
from chitieu.errors import DataNotAvailableError
from chitieu.inbound import Validation
from chitieu.indicators.kernel import UNKNOWN, Axis, encode
from chitieu.periods import Period, parse_period
from chitieu.schemas import TABLES
from chitieu.submission import Submission

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.registry import IndicatorMeta
    from chitieu.indicators.stock import Register

__all__ = ["Context", "check_by"]

T = TypeVar("T")


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

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """Return the value cached under *key*, building it with ``build()`` once."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

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
        """The communes of the units table, sorted, then ``unknown``.

        A record whose commune is missing or not a commune of the units table
        is counted under ``unknown`` (flagged ``unknown_unit`` in reports). A
        submission whose units table has no commune at all has nothing to
        check against: then every commune of the records is a unit.
        """
        from chitieu.indicators.stock import commune_label_set, commune_labels, unknown_label

        labels: set[str] = set()
        cu = self.commune_units
        labels.update(commune_labels(cu["unit_code"], cu["division_version"]).tolist())
        if not labels:
            for table in ("children", "injuries", "abuse_cases", "sanctions", "activities"):
                frame = self.data[table]
                if len(frame):
                    labels.update(
                        commune_label_set(frame["commune_code"], frame["division_version"])
                    )
        labels = {s for s in labels if s.partition("|")[0] != UNKNOWN}
        ordered = sorted(labels, key=lambda s: (s.partition("|")[0], s.partition("|")[2]))
        # records of a known version whose commune is missing or unknown keep
        # their version (``unknown|2025``); only a record with no valid version
        # falls to the bare ``unknown``
        own = [unknown_label(v) for v in codes("division_version")]
        return Axis("commune", (*ordered, *own, UNKNOWN))

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
    def register(self) -> Register:
        """The :class:`~chitieu.indicators.stock.Register` of the period."""
        from chitieu.indicators.stock import Register

        return Register(self)

    # -- what the figures rest on ---------------------------------------------
    def no_data(self, meta: IndicatorMeta) -> str | None:
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
        by_t = check_by(meta.id, by, meta.dimensions)
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
        return finish(result, meta.kind, meta.multiplier)


def check_by(indicator_id: str, by: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
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
