"""Reporting periods, reference dates and ages in completed years.

A period is a closed date range: a year (``2024``), a half (``2024-H1``), a
quarter (``2024-Q3``), a month (``2024-07``) or an explicit range
(``2024-01-01..2024-06-30``). Its reference date is its last day: stock
indicators count the children on the register on that day, event indicators
count the events dated inside the range, both ends included.

Examples
--------
>>> p = parse_period("2024-Q3")
>>> p.label, p.start, p.reference_date
('2024-Q3', datetime.date(2024, 7, 1), datetime.date(2024, 9, 30))
>>> parse_period("2024-02").end
datetime.date(2024, 2, 29)
>>> import pandas as pd
>>> age_in_years(pd.Series(pd.to_datetime(["2016-02-29", "2010-07-01"])), date(2025, 3, 1))
array([ 9., 14.])
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from chitieu.errors import PeriodError

__all__ = ["Period", "PeriodLike", "age_in_years", "date_parts", "parse_period", "parse_periods"]

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_FORMS = "2024, 2024-H1, 2024-Q3, 2024-07, 2024-01-01..2024-06-30 or 01/01/2024..30/06/2024"


@dataclass(frozen=True)
class Period:
    """A closed range of dates with a label.

    Parameters
    ----------
    label
        How the period is written (``"2024"``, ``"2024-H1"``, ...).
    start, end
        First and last day, both included.
    """

    label: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(
                f"a period must end on or after its start; found {self.start}..{self.end}"
            )

    @property
    def reference_date(self) -> date:
        """The day the stock is counted on: the last day of the period."""
        return self.end

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, dates: pd.Series | np.ndarray) -> np.ndarray:
        """Boolean mask of *dates* inside the period (missing dates are outside).

        >>> import pandas as pd
        >>> s = pd.Series(pd.to_datetime(["2024-01-01", "2024-12-31", "2025-01-01", None]))
        >>> parse_period("2024").contains(s).tolist()
        [True, True, False, False]
        """
        arr = dates.to_numpy() if isinstance(dates, pd.Series) else np.asarray(dates)
        if arr.dtype.kind == "M":  # compared in the column's own unit: no converted copy
            first = np.datetime64(self.start, "D")
            after = np.datetime64(self.end, "D") + np.timedelta64(1, "D")
            inside: np.ndarray = (arr >= first) & (arr < after)  # NaT is outside
            return inside
        days = _as_days(dates)
        lo = np.datetime64(self.start, "D").astype(np.int64)
        hi = np.datetime64(self.end, "D").astype(np.int64)
        return (days >= lo) & (days <= hi)

    def __str__(self) -> str:
        return self.label


def _year(text: str) -> int:
    year = int(text)
    if not 1900 <= year <= 2100:
        raise PeriodError(f"expected a year between 1900 and 2100 in the period, found {text!r}")
    return year


def _parse_day(text: str, original: object) -> date:
    text = text.strip()
    if m := _DAY.match(text):
        y, mo, d = m.group(1), m.group(2), m.group(3)
    elif m := _DAY_VN.match(text):
        d, mo, y = m.group(1), m.group(2), m.group(3)
    else:
        raise PeriodError(
            f"expected a date as YYYY-MM-DD or DD/MM/YYYY in the period range, found {text!r} "
            f"(in {original!r}); expected a period like {_FORMS}"
        )
    try:
        return date(_year(y), int(mo), int(d))
    except ValueError:
        raise PeriodError(f"{text!r} is not a real date (in {original!r})") from None


def parse_period(value: str | int | Period | tuple[date, date]) -> Period:
    """Read a period from its text form, a ``(start, end)`` pair or a :class:`Period`.

    Parameters
    ----------
    value
        ``"2024"``, ``"2024-H1"``, ``"2024-Q3"``, ``"2024-07"``,
        ``"2024-01-01..2024-06-30"``, a ``(start, end)`` tuple of dates, or a
        :class:`Period` (returned as is).

    Raises
    ------
    PeriodError
        When the value is none of these forms; the message shows the forms
        accepted.

    Examples
    --------
    >>> parse_period("2024-H1").end
    datetime.date(2024, 6, 30)
    >>> parse_period("2024-01-01..2024-03-31").label
    '2024-01-01..2024-03-31'
    >>> parse_period("2024-13")
    Traceback (most recent call last):
    ...
    chitieu.errors.PeriodError: month 13 does not exist in period '2024-13'; expected a period like 2024, 2024-H1, 2024-Q3, 2024-07, 2024-01-01..2024-06-30 or 01/01/2024..30/06/2024
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, tuple):
        if len(value) != 2 or not all(isinstance(v, date) for v in value):
            raise PeriodError(f"expected a (start, end) pair of dates, found {value!r}")
        start, end = (v.date() if isinstance(v, datetime) else v for v in value)
        return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PeriodError(
            f"expected a period like {_FORMS}, found a {type(value).__name__}: {value!r}"
        )
    text = value.strip()
    if m := _YEAR.match(text):
        y = _year(m.group(1))
        return Period(str(y), date(y, 1, 1), date(y, 12, 31))
    if m := _HALF.match(text):
        y, h = _year(m.group(1)), int(m.group(2))
        return Period(
            f"{y}-H{h}",
            date(y, 1 if h == 1 else 7, 1),
            date(y, 6, 30) if h == 1 else date(y, 12, 31),
        )
    if m := _QUARTER.match(text):
        y, q = _year(m.group(1)), int(m.group(2))
        first = 3 * q - 2
        last = 3 * q
        return Period(
            f"{y}-Q{q}", date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])
        )
    if m := _MONTH.match(text):
        y, mo = _year(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise PeriodError(
                f"month {mo} does not exist in period {value!r}; expected a period like {_FORMS}"
            )
        return Period(f"{y}-{mo:02d}", date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]))
    if ".." in text:
        left, _, right = text.partition("..")
        start, end = _parse_day(left, value), _parse_day(right, value)
        if end < start:
            raise PeriodError(f"the period {value!r} ends before it starts")
        return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)
    raise PeriodError(f"expected a period like {_FORMS}, found {value!r}")


def _as_days(values: Any) -> np.ndarray:
    """Days since 1970-01-01 as int64 (missing -> a very small sentinel)."""
    arr = np.asarray(
        pd.to_datetime(
            pd.Series(values) if not isinstance(values, pd.Series) else values, errors="coerce"
        ),
        dtype="datetime64[D]",
    )
    days = arr.astype(np.int64)
    return np.where(np.isnat(arr), np.iinfo(np.int64).min, days)


PeriodLike = str | int | Period | tuple[Any, Any]


def parse_periods(value: PeriodLike | Sequence[PeriodLike]) -> tuple[Period, ...]:
    """One period or a list of them, as :func:`parse_period` reads each.

    :func:`chitieu.compute`, :func:`chitieu.report` and plan evaluation all
    read their ``period=`` with this function, so they accept the same forms
    and refuse the others with the same message.

    >>> [p.label for p in parse_periods("2024")]
    ['2024']
    >>> [p.label for p in parse_periods(["2023", "2024-H1", "01/01/2024..31/03/2024"])]
    ['2023', '2024-H1', '2024-01-01..2024-03-31']
    >>> parse_periods([])
    Traceback (most recent call last):
    ...
    chitieu.errors.PeriodError: period must name at least one period; expected a period like 2024, 2024-H1, 2024-Q3, 2024-07, 2024-01-01..2024-06-30 or 01/01/2024..30/06/2024
    """
    if isinstance(value, str | int | Period):
        return (parse_period(value),)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, date) for v in value):
        return (parse_period((value[0], value[1])),)  # type: ignore[arg-type]
    if isinstance(value, bytes | dict) or not hasattr(value, "__iter__"):
        raise PeriodError(f"expected a period like {_FORMS}, or a list of them, found {value!r}")
    items = list(value)
    if not items:
        raise PeriodError(f"period must name at least one period; expected a period like {_FORMS}")
    out = tuple(parse_period(p) for p in items)
    labels = [p.label for p in out]
    if len(set(labels)) != len(labels):
        raise PeriodError(f"a period is repeated in {labels}")
    return out


def date_parts(values: pd.Series | np.ndarray | Sequence[Any]) -> tuple[np.ndarray, ...]:
    """Year, month, day (int64 arrays) and a missing mask of *values*.

    >>> y, m, d, missing = date_parts(pd.Series(pd.to_datetime(["2016-02-29", None])))
    >>> y[0], m[0], d[0], missing.tolist()
    (np.int64(2016), np.int64(2), np.int64(29), [False, True])
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    arr = np.asarray(pd.to_datetime(series, errors="coerce"), dtype="datetime64[D]")
    missing = np.isnat(arr)
    safe = np.where(missing, np.datetime64("1970-01-01", "D"), arr)
    months = safe.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (safe - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day, missing


def _age_at(birth: pd.Series | np.ndarray, ref: date) -> np.ndarray | None:
    """:func:`age_in_years` at one date, from a table of the distinct birth days.

    Millions of children are born on a few thousand days: the age is worked
    out once per day of the range and looked up. ``None`` when the dates span
    too many days for a table (more than 2**20, about 2,870 years).
    """
    series = birth if isinstance(birth, pd.Series) else pd.Series(birth)
    days = np.asarray(pd.to_datetime(series, errors="coerce"), dtype="datetime64[D]")
    missing = np.isnat(days)
    if missing.all():
        return np.full(len(days), np.nan)
    raw = days.view(np.int64)
    known = raw[~missing] if missing.any() else raw
    low, high = int(known.min()), int(known.max())
    if high - low >= 2**20:
        return None
    span = np.arange(low, high + 1, dtype=np.int64).astype("datetime64[D]")
    by, bm, bd, _ = date_parts(span)
    table = (ref.year - by - ((ref.month * 100 + ref.day < bm * 100 + bd).astype(np.int64))).astype(
        np.float64
    )
    offset = raw - low
    if missing.any():
        offset[missing] = 0
    age: np.ndarray = table[offset]
    age[missing] = np.nan
    return age


def age_in_years(
    birth: pd.Series | np.ndarray | Sequence[Any],
    ref: date | pd.Series | np.ndarray,
) -> np.ndarray:
    """Age in completed years at *ref*, vectorised; ``NaN`` where a date is missing.

    The age is the difference of the years, minus one when the (month, day) of
    *ref* comes before the (month, day) of birth. So a child born on 29 February
    turns a year older on 1 March in a year that is not a leap year. A birth
    after *ref* gives a negative age (not a child of that period).

    Parameters
    ----------
    birth
        Birth dates (datetime-like Series or array).
    ref
        One reference date, or one per birth date (e.g. each event's date).

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.Series(pd.to_datetime(["2016-02-29", "2016-02-29", "2020-06-30", None]))
    >>> age_in_years(b, date(2025, 2, 28)).tolist()
    [8.0, 8.0, 4.0, nan]
    >>> age_in_years(b, date(2025, 3, 1)).tolist()
    [9.0, 9.0, 4.0, nan]
    """
    if isinstance(ref, date) and not isinstance(birth, Sequence | str):
        fast = _age_at(birth, ref)
        if fast is not None:
            return fast
    by, bm, bd, missing = date_parts(birth)
    if isinstance(ref, date):
        ry: Any = ref.year
        rmd: Any = ref.month * 100 + ref.day
        ref_missing: Any = False
    else:
        ry_arr, rm, rd, ref_missing = date_parts(ref)
        ry, rmd = ry_arr, rm * 100 + rd
    age: np.ndarray = (ry - by - ((rmd < bm * 100 + bd).astype(np.int64))).astype(np.float64)
    age[missing | ref_missing] = np.nan
    return age
