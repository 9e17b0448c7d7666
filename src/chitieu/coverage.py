"""What a submission covers, and when a figure has no data.

A figure is never made from nothing. An indicator has **no data** (it raises
:class:`~chitieu.errors.DataNotAvailableError` in :func:`chitieu.compute`, is
listed in :attr:`chitieu.report.Report.skipped` with the reason) when

* a table it needs is absent from the submission, has no rows, or has no
  valid row left (every row had errors and was left out);
* a required column of such a table is absent from its file;
* the period is not covered by the submission: its reference date (stock
  indicators) or every day of it (event indicators) lies outside what the
  records cover, or in the future.

**How a submission says what it covers.** A commune declares the dates its
records cover in the units table, columns ``records_from`` and ``records_to``
(*Số liệu từ ngày*, *Số liệu đến ngày*). Then an event table that is present
but has no rows means "none happened" for a period inside that range, and
gives 0. Without a declaration the coverage is inferred from the records: it
runs from the earliest event date (injuries, abuse cases, sanctions,
supports, consultations) to the latest date of any record (events, entries
in and exits from the register), and an empty event table is "no data",
because nothing tells an empty file from a commune that recorded nothing.
When several communes declare, the submission covers the days all of them
cover.

A period only partly covered still gives figures, with a note that says so.

Examples
--------
>>> import datetime as dt
>>> from chitieu.periods import parse_period
>>> cov = Coverage(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2010, 5, 1), declared=True)
>>> print(cov.gap(parse_period("2023"), "events", today=dt.date(2026, 1, 1)))
the submission's records cover 2024-01-01 to 2024-12-31 (declared in the units table); period 2023 lies outside them
>>> cov.gap(parse_period("2024-Q2"), "stock", today=dt.date(2026, 1, 1)) is None
True
>>> print(cov.partial(parse_period("2024-07-01..2025-06-30"), "events", today=dt.date(2026, 1, 1)))
period 2024-07-01..2025-06-30 is only partly covered: the records cover 2024-01-01 to 2024-12-31 (declared in the units table)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from chitieu._fast import distinct_keys
from chitieu.periods import Period
from chitieu.submission import Submission

__all__ = [
    "EVENT_DATES",
    "Coverage",
    "basis",
    "basis_notes",
    "coverage",
    "missing_columns",
    "no_data_reason",
]

#: The date that places each event record in a period.
EVENT_DATES: dict[str, str] = {
    "injuries": "injury_date",
    "abuse_cases": "detected_date",
    "sanctions": "decision_date",
    "supports": "support_date",
    "consultations": "consultation_date",
    "services": "service_date",
    "activities": "activity_date",
}
#: Dates of the register that show how far it was kept.
_REGISTER_DATES = ("entry_date", "exit_date")

Convention = Literal["stock", "events"]


@dataclass(frozen=True)
class Coverage:
    """The days a submission's records cover.

    Attributes
    ----------
    start, end
        First and last day covered (``None`` when nothing tells).
    register_start
        The earliest entry date in the register: without a declared range, no
        stock can be counted before it.
    declared
        True when the range comes from the units table (``records_from``,
        ``records_to``), False when it is inferred from the records.
    """

    start: dt.date | None
    end: dt.date | None
    register_start: dt.date | None = None
    declared: bool = False

    @property
    def source(self) -> str:
        """Where the range comes from, in words."""
        return "declared in the units table" if self.declared else "inferred from the record dates"

    def describe(self) -> str:
        """The range in words, with its source."""
        if self.start is None and self.end is None:
            return f"no dates ({self.source})"
        start = self.start.isoformat() if self.start else "?"
        end = self.end.isoformat() if self.end else "?"
        return f"{start} to {end} ({self.source})"

    def covers(self, period: Period, convention: Convention = "events") -> bool:
        """Whether the declared range holds *period*: every day of it, or its reference date.

        For events every day of the period must be inside; for a stock, its
        reference date.
        """
        if not self.declared or self.start is None or self.end is None:
            return False
        first = period.start if convention == "events" else period.reference_date
        return self.start <= first and period.end <= self.end

    def gap(self, period: Period, convention: Convention, *, today: dt.date | None = None) -> str | None:
        """Why *period* has no data for indicators of this *convention*, or ``None``."""
        today = today or dt.date.today()
        if convention == "stock":
            ref = period.reference_date
            if ref > today:
                return (
                    f"the reference date of period {period.label} ({ref.isoformat()}) is in the "
                    "future: the stock on that day is not known yet"
                )
            if not self.declared and self.register_start is not None and ref < self.register_start:
                return (
                    f"the register starts on {self.register_start.isoformat()}, after the "
                    f"reference date of period {period.label} ({ref.isoformat()})"
                )
            if self.declared and not (
                (self.start is None or self.start <= ref) and (self.end is None or ref <= self.end)
            ):
                return (
                    f"the submission's records cover {self.describe()}; the reference date of "
                    f"period {period.label} ({ref.isoformat()}) lies outside them"
                )
            if not self.declared and self.end is not None and period.start > self.end:
                return (
                    f"the submission's records end on {self.end.isoformat()} ({self.source}), "
                    f"before period {period.label} begins"
                )
            return None
        if period.start > today:
            return f"period {period.label} has not begun (today is {today.isoformat()})"
        if self.start is None or self.end is None:
            return None
        if period.end < self.start or period.start > self.end:
            return (
                f"the submission's records cover {self.describe()}; period {period.label} "
                "lies outside them"
            )
        return None

    def partial(
        self, period: Period, convention: Convention, *, today: dt.date | None = None
    ) -> str | None:
        """A note when *period* is only partly covered (and not :meth:`gap`), or ``None``."""
        today = today or dt.date.today()
        if self.gap(period, convention, today=today) is not None:
            return None
        if convention == "events":
            if period.end > today:
                return (
                    f"period {period.label} has not ended (today is {today.isoformat()}): "
                    "events after today are not in the data"
                )
            if self.start is None or self.end is None:
                return None
            if self.declared and (period.start < self.start or period.end > self.end):
                return (
                    f"period {period.label} is only partly covered: the records cover "
                    f"{self.describe()}"
                )
            if not self.declared and period.end > self.end:
                # Inferred: the first event tells nothing of the start; the last
                # record says how far the records were kept.
                return (
                    f"period {period.label} may be only partly covered: the latest record is "
                    f"dated {self.end.isoformat()}, before the period ends ({self.source})"
                )
            return None
        if not self.declared and self.end is not None and period.reference_date > self.end:
            return (
                f"the latest record is dated {self.end.isoformat()}, before the reference date "
                f"of period {period.label}: entries and exits after it are not in the data"
            )
        return None


def _as_date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _min_max(values: list[pd.Series]) -> tuple[dt.date | None, dt.date | None]:
    lows, highs = [], []
    for series in values:
        if len(series):
            days = pd.to_datetime(series, errors="coerce")
            if days.notna().any():
                lows.append(days.min())
                highs.append(days.max())
    if not lows:
        return None, None
    return _as_date(min(lows)), _as_date(max(highs))


def coverage(data: Submission) -> Coverage:
    """The :class:`Coverage` of *data*: declared in the units table, else inferred.

    Examples
    --------
    >>> import chitieu
    >>> sub = chitieu.synth.generate(n_children=300, seed=3)
    >>> cov = coverage(sub)
    >>> cov.declared, cov.start.isoformat(), cov.end.isoformat()
    (True, '2024-01-01', '2024-12-31')
    >>> bare = sub.replace(units=sub.units.drop(columns=["records_from", "records_to"]))
    >>> coverage(bare).declared
    False
    """
    cached = data._cache.get("coverage")
    if isinstance(cached, Coverage):
        return cached
    children = data.children
    register_start, _ = _min_max([children["entry_date"]])
    units = data.units
    result: Coverage | None = None
    if len(units) and "records_from" in units and "records_to" in units:
        communes = units.loc[units["level"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)]
        frm = pd.to_datetime(communes["records_from"], errors="coerce")
        to = pd.to_datetime(communes["records_to"], errors="coerce")
        both = (frm.notna() & to.notna()).to_numpy(dtype=bool)
        if both.any():
            result = Coverage(
                _as_date(frm[both].max()),
                _as_date(to[both].min()),
                register_start,
                declared=True,
            )
    if result is None:
        start, _ = _min_max([data[t][c] for t, c in EVENT_DATES.items()])
        _, end = _min_max(
            [data[t][c] for t, c in EVENT_DATES.items()]
            + [children[c] for c in _REGISTER_DATES if c in children]
        )
        result = Coverage(start, end, register_start, declared=False)
    data._cache["coverage"] = result
    return result


def missing_columns(data: Submission, table: str) -> list[str]:
    """Required columns of *table* that its file did not have (from the read issues)."""
    issues = data.read_issues
    if not len(issues):
        return []
    rows = issues.loc[
        (issues["code"].eq("missing-column") & issues["table"].eq(table)).to_numpy(dtype=bool)
    ]
    return sorted(set(rows["column"].dropna().astype(str)))


def no_data_reason(
    data: Submission,
    tables: tuple[str, ...],
    period: Period,
    convention: Convention,
    *,
    today: dt.date | None = None,
) -> str | None:
    """Why an indicator that needs *tables* has no data for *period*, or ``None``.

    *tables* are record tables (``units`` is checked by the unit-fact
    indicators themselves).
    """
    cov = coverage(data)
    summary = data.validation_summary
    for table in tables:
        if data.tables_present and table not in data.tables_present:
            return (
                f"the submission has no {table} table (an absent table is unknown, not zero)"
            )
        absent = missing_columns(data, table)
        if absent:
            return f"the {table} file has no column {', '.join(absent)}, which the figure needs"
        if len(data[table]):
            continue
        left_out = 0 if summary is None else int(summary.rows_left_out.get(table, 0))
        if left_out:
            return (
                f"every row of the {table} table ({left_out:,}) has errors and was left out"
            )
        if table == "children":
            return "the children register has no rows"
        if cov.covers(period, convention):
            continue  # declared coverage: an empty table means none happened
        return (
            f"the {table} table has no rows, and the submission does not declare the dates "
            "its records cover (records_from, records_to in the units table), so an empty "
            "table cannot be told from missing data"
        )
    return cov.gap(period, convention, today=today)


def basis(data: Submission, periods: tuple[Period, ...] = ()) -> dict[str, Any]:
    """What figures computed from *data* rest on, as plain JSON-compatible values.

    ``tables``: for each table, whether the input had it, rows read, used and
    left out; ``validation``: whether the data were validated, with the counts
    of errors and warnings; ``coverage``: the dates the records cover and
    where that comes from; ``communes``: communes of the units table and those
    without any record.

    >>> import chitieu
    >>> b = basis(chitieu.synth.generate(n_children=300, seed=3))
    >>> b["tables"]["children"]["rows_used"], b["coverage"]["declared"], b["validation"]["validated"]
    (300, True, False)
    """
    summary = data.validation_summary
    tables: dict[str, dict[str, Any]] = {}
    for name, frame in data.tables():
        left_out = 0 if summary is None else int(summary.rows_left_out.get(name, 0))
        tables[name] = {
            "present": (name in data.tables_present) if data.tables_present else True,
            "rows_read": len(frame) + left_out,
            "rows_used": len(frame),
            "rows_left_out": left_out,
        }
    cov = coverage(data)
    communes, without = _communes_without_records(data)
    return {
        "source": data.source,
        "tables": tables,
        "validation": {
            "validated": summary is not None,
            "errors": None if summary is None else summary.n_errors,
            "warnings": None if summary is None else summary.n_warnings,
        },
        "coverage": {
            "start": cov.start.isoformat() if cov.start else None,
            "end": cov.end.isoformat() if cov.end else None,
            "declared": cov.declared,
            "source": cov.source,
        },
        "periods": [
            {"label": p.label, "partly_covered": cov.partial(p, "events") is not None}
            for p in periods
        ],
        "communes": {"in_units_table": communes, "without_records": without},
    }


def _communes_without_records(data: Submission) -> tuple[int, list[str]]:
    units = data.units
    if not len(units):
        return 0, []
    communes = units.loc[units["level"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)]
    keys = distinct_keys(
        [communes["unit_code"].astype("str"), communes["division_version"].astype("str")]
    )
    seen: set[str] = set()
    for table in ("children", "injuries", "abuse_cases", "sanctions"):
        frame = data[table]
        if len(frame):  # joined per distinct (code, version), not per row
            seen |= distinct_keys(
                [frame["commune_code"].astype("str"), frame["division_version"].astype("str")]
            )
    missing = sorted(keys - seen)
    return len(keys), [k.partition("|")[0] for k in missing]


def basis_notes(
    data: Submission, periods: tuple[Period, ...], skipped: list[dict[str, str]] | None = None
) -> tuple[str, ...]:
    """The sentences a report prints about what it rests on (beyond validation).

    Tables the input did not have, communes without records, the dates the
    records cover, periods only partly covered, and how many indicators have
    no data.
    """
    notes: list[str] = []
    if data.tables_present:
        absent = [t for t, _ in data.tables() if t not in data.tables_present]
        if absent:
            notes.append(
                f"tables not in the submission: {', '.join(absent)} "
                "(indicators that need them have no data)"
            )
    n_communes, without = _communes_without_records(data)
    if without:
        shown = ", ".join(without[:20]) + (", ..." if len(without) > 20 else "")
        notes.append(
            f"{len(without):,} of {n_communes:,} communes of the units table have no records "
            f"({shown})"
        )
    cov = coverage(data)
    notes.append(f"records cover {cov.describe()}")
    for p in periods:
        conventions: tuple[Convention, ...] = ("events", "stock")
        for convention in conventions:
            text = cov.partial(p, convention)
            if text:
                notes.append(text)
    if skipped:
        by_period: dict[str, int] = {}
        for row in skipped:
            by_period[row["period"]] = by_period.get(row["period"], 0) + 1
        for label, n in by_period.items():
            notes.append(
                f"no data for {n:,} indicator{'s' if n != 1 else ''} in period {label} "
                "(listed with the reason under 'skipped')"
            )
    return tuple(notes)
