"""Data quality beyond validity: checks a valid submission can still fail.

Validation says whether the records are well formed; it cannot say whether
they are plausible. These checks, like the data-quality tools of health
information systems, look at the figures:

- **outliers against the unit's own past** (``outlier-high``,
  ``outlier-low``): each unit's overall figure of each indicator is compared
  with the same unit's figures in past periods of the same length (periods of
  the same report before it, and the reports given as ``history``). For a
  count the expected value is the median of the past counts; for a percent or
  a rate it is the median of the past values times this period's
  denominator. A figure is flagged only when all of these hold, so that small
  numbers do not trigger it:

  1. there are at least ``min_periods`` (3) past periods;
  2. the count or the expected count is at least ``min_count`` (10);
  3. a Poisson test of the count against the expected count gives a one-sided
     p-value below ``alpha`` (0.001);
  4. where the past values vary, the value is more than ``robust_z`` (3.5)
     robust standard deviations (``1.4826 x MAD``) from their median.

  Sums (fines) are not tested. Past figures must be in the same division
  version: recode old reports first (:func:`chitieu.units.recode`).
- **completeness** (``commune-without-records``): communes of the units table
  with no record in any table; and, given ``expected=`` (a units table or a
  list of commune codes, such as the province's full list),
  ``commune-not-submitted`` for communes that are not in the data at all.
- **implausible rates** (``rate-implausibly-high``, ``rate-implausibly-low``):
  rates against national magnitudes (:data:`NATIONAL_PER_100000`: injury
  deaths about 16, injuries about 550 per 100,000 children a year; the rate of
  a shorter or longer period is put on a year's footing). Flagged when the
  rate is more than ``factor`` (10) times the national rate (or less than
  1/``factor`` of it) and a Poisson test of the count against the national
  rate times the unit's children gives p below ``alpha``; a high rate needs
  at least ``min_events`` (3) events and a low one at least ``min_count`` (10)
  expected events. One death in a commune of 500 children is 200 per 100,000
  but not implausible; 6 deaths among 2,000 children are.

Every warning names the unit by its level and code, never by a name or
anything personal. No check changes a figure: the result is a separate table
(:class:`QualityResult`), also reachable as :meth:`chitieu.report.Report.quality`.

Examples
--------
>>> from chitieu.indicators.examples import tiny_submission
>>> result = check(tiny_submission(), period="2024")
>>> len(result), result.valid_figures
(0, True)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from chitieu.validation.catalogue import QUALITY

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.report import Report
    from chitieu.submission import Submission

__all__ = [
    "NATIONAL_PER_100000",
    "QUALITY_COLUMNS",
    "QualityResult",
    "check",
    "poisson_tail",
]

#: National magnitudes, per 100,000 children a year, used by the implausible-rate check:
#: injury deaths of children (about 16) and injuries of children (about 550). They are
#: orders of magnitude, not official targets; give ``national=`` to use others.
NATIONAL_PER_100000: dict[str, float] = {"injury_death_rate": 16.0, "injury_rate": 550.0}

#: Columns of :attr:`QualityResult.table`.
QUALITY_COLUMNS = (
    "code",
    "severity",
    "period",
    "level",
    "unit_code",
    "division_version",
    "indicator_id",
    "value",
    "expected",
    "p_value",
    "message",
    "message_vi",
    "message_en",
)

_LEVEL_VI = {"commune": "xã", "district": "huyện", "province": "tỉnh", "national": "cả nước"}
_RATIO_KINDS = ("percent", "rate_per_1000", "ratio")


def poisson_tail(count: float, expected: float, *, upper: bool) -> float:
    """One-sided Poisson p-value: P(X >= count) if *upper*, else P(X <= count), X ~ Poisson(expected).

    Uses the regularised incomplete gamma function (scipy when installed, else
    :mod:`chitieu.intervals`' pure implementation); *count* need not be whole
    (counts of a recoded report may be fractional).

    >>> round(poisson_tail(6, 0.32, upper=True), 8)
    1.13e-06
    >>> round(poisson_tail(0, 22.0, upper=False), 12) == round(math.exp(-22), 12)
    True
    """
    from chitieu.intervals import _gamma_p, _scipy_special

    if expected <= 0:
        return 0.0 if (upper and count > 0) else 1.0
    special = _scipy_special()
    if upper:
        if count <= 0:
            return 1.0
        return float(special.gammainc(count, expected)) if special else _gamma_p(count, expected)
    lower = (
        float(special.gammainc(count + 1.0, expected))
        if special
        else _gamma_p(count + 1.0, expected)
    )
    return max(0.0, 1.0 - lower)


@dataclass(frozen=True)
class QualityResult:
    """The data-quality warnings of a report: one row per warning.

    Attributes
    ----------
    table
        Columns :data:`QUALITY_COLUMNS`: the code (see ``QUALITY`` in
        :mod:`chitieu.validation.catalogue`), ``warning``, the period, the
        unit's level, code and division version, the indicator (empty for
        completeness), the value found and the value expected, the p-value of
        the test, and the message in the chosen language, Vietnamese and
        English.
    """

    table: pd.DataFrame

    def __len__(self) -> int:
        return len(self.table)

    @property
    def valid_figures(self) -> bool:
        """Whether no warning was found."""
        return len(self.table) == 0

    def counts(self) -> dict[str, int]:
        """Warnings per code."""
        return {str(k): int(v) for k, v in self.table["code"].value_counts(sort=False).items()}

    def summary(self, lang: Literal["en", "vi"] = "en") -> str:
        """A few lines: how many warnings of each kind, and the first of each."""
        vi = lang == "vi"
        if not len(self.table):
            return "Không có cảnh báo chất lượng số liệu." if vi else "No data-quality warning."
        lines = [
            f"{len(self.table):,} cảnh báo chất lượng số liệu:"
            if vi
            else f"{len(self.table):,} data-quality warning{'s' if len(self.table) != 1 else ''}:"
        ]
        column = "message_vi" if vi else "message_en"
        for code, group in self.table.groupby("code", sort=False):
            entry = QUALITY[str(code)]
            title = entry.title_vi if vi else entry.title_en
            lines.append(f"- [{code}] {title}: {len(group):,}")
            for message in group[column].head(3):
                lines.append(f"    {message}")
        return "\n".join(lines)

    def to_text(self, lang: Literal["en", "vi"] = "en") -> str:
        """Every warning on one line (code, unit code, indicator, message), under a title.

        Printed by ``chitieu report`` after the key figures. Units are named by
        their code only.

        Examples
        --------
        >>> from chitieu.indicators.examples import tiny_submission
        >>> print(check(tiny_submission(), period="2024").to_text("vi"))
        Chất lượng số liệu: không có cảnh báo chất lượng số liệu.
        >>> print(check(tiny_submission(), period="2024").to_text("en"))
        Data quality: no data-quality warning.
        """
        vi = lang == "vi"
        n = len(self.table)
        if not n:
            return (
                "Chất lượng số liệu: không có cảnh báo chất lượng số liệu."
                if vi
                else "Data quality: no data-quality warning."
            )
        if vi:
            title = f"Chất lượng số liệu: {n:,} cảnh báo".replace(",", ".") + ":"
        else:
            title = f"Data quality: {n:,} warning{'s' if n != 1 else ''}:"
        column = "message_vi" if vi else "message_en"
        lines = [title]
        for record in self.table.to_dict("records"):
            indicator = str(record["indicator_id"]) or "—"
            lines.append(
                f"  - [{record['code']}] {record['unit_code']} · {indicator}: {record[column]}"
            )
        return "\n".join(lines)

    def notes(self) -> tuple[str, ...]:
        """Sentences for a report's notes (:meth:`chitieu.report.Report.with_notes`)."""
        return tuple(
            f"data quality: {n:,} {code} warning{'s' if n != 1 else ''} "
            f"({QUALITY[code].title_en.lower()})"
            for code, n in self.counts().items()
        )

    def to_dict(self) -> list[dict[str, Any]]:
        """The warnings as plain JSON values."""
        out: list[dict[str, Any]] = []
        for record in self.table.to_dict("records"):
            row: dict[str, Any] = {}
            for key, value in record.items():
                if isinstance(value, np.generic):
                    value = value.item()
                if isinstance(value, float) and math.isnan(value):
                    value = None
                row[str(key)] = value
            out.append(row)
        return out


# -- the checks ---------------------------------------------------------------------------
def check(
    data: Report | Submission,
    *,
    history: Report | Sequence[Report] | None = None,
    period: Any = None,
    expected: pd.DataFrame | Iterable[str] | None = None,
    min_count: float = 10,
    min_periods: int = 3,
    alpha: float = 0.001,
    robust_z: float = 3.5,
    factor: float = 10.0,
    min_events: float = 3,
    national: Mapping[str, float] | None = None,
    lang: Literal["en", "vi"] = "en",
) -> QualityResult:
    """The data-quality warnings of a report or a submission (see the module docstring).

    Parameters
    ----------
    data
        A :class:`~chitieu.report.Report` (at any level; outliers and rates are
        checked on its overall rows), or a submission, reported first for
        *period* (with validation on the way in).
    history
        Reports of past periods (or one report of several periods), of the
        same level and division version.
    period
        The period of a submission; not used for a report.
    expected
        The communes expected to report: a units table (its ``COMMUNE`` rows)
        or commune codes.
    min_count, min_periods, alpha, robust_z, factor, min_events
        The thresholds of the tests (``min_events``: the fewest events for a
        rate to be implausibly high; ``min_count``: the fewest events expected
        for it to be implausibly low).
    national
        Rates per 100,000 children by indicator id (default
        :data:`NATIONAL_PER_100000`).
    lang
        The language of the ``message`` column (both are always given).

    Returns
    -------
    QualityResult

    Examples
    --------
    A commune of 2,000 children with 6 injury deaths in a year: 300 per
    100,000, about 19 times the national magnitude, and not chance.

    >>> import pandas as pd
    >>> from chitieu.report import report
    >>> from chitieu.indicators.examples import tiny_submission
    >>> rep = report(tiny_submission(), period="2024", indicators=["injury_death_rate"])
    >>> table = rep.table.copy()
    >>> total = (table["breakdown"] == "total") & (table["unit_code"] == "00001")
    >>> table.loc[total, ["numerator", "denominator"]] = [6.0, 2000.0]
    >>> from dataclasses import replace
    >>> result = check(replace(rep, table=table))
    >>> result.table[["code", "unit_code", "indicator_id", "value"]]
                        code unit_code       indicator_id  value
    0  rate-implausibly-high     00001  injury_death_rate  300.0
    """
    from chitieu.report.model import Report
    from chitieu.submission import Submission

    if isinstance(data, Submission):
        if period is None:
            raise ValueError("check needs period= to report a submission (or give a report)")
        from chitieu.report import report

        rep = report(data, period=period)
        submission: Submission | None = data
    elif isinstance(data, Report):
        rep, submission = data, None
    else:
        raise TypeError(f"data must be a chitieu Report or Submission, found {type(data).__name__}")
    if lang not in ("en", "vi"):
        raise ValueError(f"lang must be 'en' or 'vi', found {lang!r}")
    past: list[Report] = []
    if isinstance(history, Report):
        past = [history]
    elif history is not None:
        past = list(history)
        for item in past:
            if not isinstance(item, Report):
                raise TypeError(f"history must hold Reports, found {type(item).__name__}")
    rows: list[dict[str, Any]] = []
    rows += _outliers(rep, past, min_count, min_periods, alpha, robust_z)
    rates = dict(NATIONAL_PER_100000 if national is None else national)
    rows += _implausible(rep, rates, factor, alpha, min_events, min_count)
    rows += _completeness(rep, submission, expected)
    return _result(rows, lang)


def _result(rows: list[dict[str, Any]], lang: str) -> QualityResult:
    from chitieu.privacy import mask_text

    frame = pd.DataFrame(rows, columns=[c for c in QUALITY_COLUMNS if c != "message"])
    for column in ("message_vi", "message_en"):
        frame[column] = frame[column].map(mask_text)
    frame["message"] = frame["message_vi" if lang == "vi" else "message_en"]
    order = {code: i for i, code in enumerate(QUALITY)}
    frame["_o"] = frame["code"].map(order)
    frame = frame.sort_values(["_o", "period", "unit_code", "indicator_id"], kind="stable")
    frame = frame.loc[:, list(QUALITY_COLUMNS)].reset_index(drop=True)
    for column in ("value", "expected", "p_value"):
        frame[column] = frame[column].astype("float64")
    for column in QUALITY_COLUMNS:
        if column not in ("value", "expected", "p_value"):
            frame[column] = frame[column].astype("str")
    return QualityResult(frame)


def _unit(level: str, code: str, version: str) -> tuple[str, str]:
    en = f"{level} {code}" + (f" ({version})" if version not in ("", "unknown") else "")
    vi = f"{_LEVEL_VI.get(level, level)} {code}" + (
        f" (danh mục {version})" if version not in ("", "unknown") else ""
    )
    return en, vi


def _fmt(value: float) -> tuple[str, str]:
    """A number in English and Vietnamese style (``1,234.5`` and ``1.234,5``)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    vi = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text, vi


def _message(code: str, **kw: Any) -> tuple[str, str]:
    entry = QUALITY[code]
    en = entry.template_en.format(**{k: v[0] if isinstance(v, tuple) else v for k, v in kw.items()})
    vi = entry.template_vi.format(
        **{k: v[1] if isinstance(v, tuple) else v for k, v in kw.items()},
        detail_vi=kw.get("detail_vi", kw.get("detail", ("", ""))[1]),
    )
    return en, vi


def _totals(rep: Report) -> pd.DataFrame:
    """The overall rows of *rep* with kind, multiplier and the period's dates."""
    table = rep.table
    rows = table.loc[(table["breakdown"] == "total").to_numpy(dtype=bool)]
    rows = rows.loc[rows["unit_code"].ne("unknown").to_numpy(dtype=bool)]
    metas = rep._metas()
    kinds = {i: m.kind for i, m in metas.items()}
    mults = {i: float(m.multiplier) for i, m in metas.items()}
    spans = {p.label: ((p.end - p.start).days + 1, p.start, p.end) for p in rep.periods}
    out = pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"].astype("str").to_numpy(),
            "period": rows["period"].astype("str").to_numpy(),
            "unit_code": rows["unit_code"].astype("str").to_numpy(),
            "division_version": rows["division_version"].astype("str").to_numpy(),
            "numerator": rows["numerator"].to_numpy(dtype=np.float64),
            "denominator": rows["denominator"].to_numpy(dtype=np.float64),
            "value": rows["value"].to_numpy(dtype=np.float64),
        }
    )
    out["kind"] = out["indicator_id"].map(kinds)
    out["multiplier"] = out["indicator_id"].map(mults).astype("float64")
    out["days"] = out["period"].map({k: v[0] for k, v in spans.items()})
    out["start"] = out["period"].map({k: v[1] for k, v in spans.items()})
    out["level"] = rep.level
    return out


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """The rows of *frame* as objects with one attribute per column."""
    for record in frame.to_dict("records"):
        yield SimpleNamespace(**{str(k): v for k, v in record.items()})


def _outliers(
    rep: Report,
    history: list[Report],
    min_count: float,
    min_periods: int,
    alpha: float,
    robust_z: float,
) -> list[dict[str, Any]]:
    current = _totals(rep)
    current = current.loc[current["kind"].ne("sum").to_numpy(dtype=bool)]
    every = pd.concat([current, *(_totals(h) for h in history if h.level == rep.level)],
                      ignore_index=True)  # fmt: skip
    every = every.loc[every["kind"].ne("sum").to_numpy(dtype=bool)]
    every = every.drop_duplicates(["indicator_id", "period", "unit_code", "division_version"])
    ratio = every["kind"].isin(_RATIO_KINDS).to_numpy(dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        every["figure"] = np.where(
            ratio, every["numerator"] / every["denominator"], every["numerator"]
        )
    key = ["indicator_id", "unit_code", "division_version"]
    all_days = every["days"].to_numpy(dtype=np.float64)
    all_starts = every["start"].to_numpy(dtype=object)
    all_figures = every["figure"].to_numpy(dtype=np.float64)
    grouped: dict[Any, tuple[np.ndarray, np.ndarray, np.ndarray]] = {
        k: (all_days[at], all_starts[at], all_figures[at])
        for k, at in every.groupby(key, sort=False).indices.items()
        if len(at) > min_periods
    }
    # only the periods with enough earlier periods of their length can be outliers
    spans = every.loc[:, ["period", "days", "start"]].drop_duplicates("period")
    testable = {
        str(p.period)
        for p in _rows(spans)
        if sum(
            1
            for q in _rows(spans)
            if q.start < p.start and abs(float(q.days) - float(p.days)) <= 0.1 * float(p.days)
        )
        >= min_periods
    }
    current = current.loc[current["period"].isin(list(testable)).to_numpy(dtype=bool)]
    if len(current):
        keys = zip(current["indicator_id"], current["unit_code"], current["division_version"],
                   strict=True)  # fmt: skip
        current = current.loc[np.fromiter((k in grouped for k in keys), dtype=bool,
                                          count=len(current))]  # fmt: skip
    out: list[dict[str, Any]] = []
    metas = rep._metas()
    for row in _rows(current):
        past = grouped.get((row.indicator_id, row.unit_code, row.division_version))
        if past is None:
            continue
        days, starts, past_figures = past
        same_length = np.abs(days - float(row.days)) <= 0.1 * float(row.days)
        before = np.fromiter((s < row.start for s in starts), dtype=bool, count=len(starts))
        figures = past_figures[same_length & before]
        figures = figures[np.isfinite(figures)]
        if len(figures) < min_periods:
            continue
        is_ratio = row.kind in _RATIO_KINDS
        if is_ratio and not (row.denominator > 0):
            continue
        median = float(np.median(figures))
        x = float(row.numerator)
        expected = median * float(row.denominator) if is_ratio else median
        if not math.isfinite(x) or max(x, expected) < min_count:
            continue
        upper = x > expected
        if x == expected:
            continue
        p = poisson_tail(x, expected, upper=upper)
        if p >= alpha:
            continue
        figure = x / float(row.denominator) if is_ratio else x
        mad = float(np.median(np.abs(figures - median))) * 1.4826
        if mad > 0 and abs(figure - median) / mad <= robust_z:
            continue
        shown = row.value if is_ratio else x
        past_value = median * row.multiplier if is_ratio else median
        code = "outlier-high" if upper else "outlier-low"
        name_vi = metas[row.indicator_id].name_vi if row.indicator_id in metas else ""
        detail = (
            f"median {_fmt(past_value)[0]} over {len(figures)} past periods; "
            f"expected count {_fmt(expected)[0]}, Poisson p = {p:.1g}",
            f"trung vị {_fmt(past_value)[1]} của {len(figures)} kỳ trước; "
            f"số dự kiến {_fmt(expected)[1]}, p = {p:.1g}",
        )
        en, vi = _message(
            code,
            unit=_unit(rep.level, row.unit_code, row.division_version),
            indicator=(row.indicator_id, f"{row.indicator_id} ({name_vi})" if name_vi else
                       row.indicator_id),
            period=row.period,
            value=_fmt(shown),
            detail=detail,
        )  # fmt: skip
        out.append(_row(code, row, shown, past_value, p, en, vi))
    return out


def _row(code: str, row: Any, value: float, expected: float, p: float, en: str, vi: str
         ) -> dict[str, Any]:  # fmt: skip
    return {
        "code": code,
        "severity": QUALITY[code].severity,
        "period": row.period,
        "level": row.level,
        "unit_code": row.unit_code,
        "division_version": row.division_version,
        "indicator_id": row.indicator_id,
        "value": value,
        "expected": expected,
        "p_value": p,
        "message_vi": vi,
        "message_en": en,
    }


def _implausible(
    rep: Report,
    national: Mapping[str, float],
    factor: float,
    alpha: float,
    min_events: float,
    min_expected: float,
) -> list[dict[str, Any]]:
    totals = _totals(rep)
    totals = totals.loc[totals["indicator_id"].isin(list(national)).to_numpy(dtype=bool)]
    out: list[dict[str, Any]] = []
    for row in _rows(totals):
        den, x = float(row.denominator), float(row.numerator)
        if not (den > 0) or not math.isfinite(x):
            continue
        years = float(row.days) / 365.25  # national magnitudes are a year's
        if abs(years - 1.0) < 0.01:
            years = 1.0  # a calendar year, leap or not
        expected = national[row.indicator_id] / 100_000 * den * years
        per_100000 = x / den * 100_000 / years
        if per_100000 > factor * national[row.indicator_id] and x >= min_events:
            code, upper = "rate-implausibly-high", True
        elif per_100000 < national[row.indicator_id] / factor and expected >= min_expected:
            code, upper = "rate-implausibly-low", False
        else:
            continue
        p = poisson_tail(x, expected, upper=upper)
        if p >= alpha:
            continue
        detail = (
            f"{_fmt(x)[0]} among {_fmt(den)[0]} children; the national "
            f"{_fmt(national[row.indicator_id])[0]} per 100,000 would give about "
            f"{expected:,.1f}, Poisson p = {p:.1g}",
            f"{_fmt(x)[1]} trên {_fmt(den)[1]} trẻ em; mức chung "
            f"{_fmt(national[row.indicator_id])[1]} trên 100.000 cho khoảng "
            f"{_fmt(round(expected, 1))[1]}, p = {p:.1g}",
        )
        en, vi = _message(
            code,
            unit=_unit(rep.level, row.unit_code, row.division_version),
            indicator=row.indicator_id,
            period=row.period,
            value=_fmt(round(per_100000, 1)),
            expected=_fmt(factor),
            detail=detail,
        )
        out.append(_row(code, row, per_100000, national[row.indicator_id], p, en, vi))
    return out


def _completeness(
    rep: Report, submission: Submission | None, expected: pd.DataFrame | Iterable[str] | None
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    period = rep.period
    without: list[tuple[str, str]] = []
    if submission is not None:
        from chitieu.coverage import _communes_without_records

        units = submission.units
        communes = units.loc[units["level"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)]
        versions = dict(
            zip(communes["unit_code"].astype("str"), communes["division_version"].astype("str"),
                strict=False)
        )  # fmt: skip
        without = [(c, versions.get(c, "")) for c in _communes_without_records(submission)[1]]
    else:
        for part in _bases(rep.basis):
            for code in part.get("communes", {}).get("without_records", []):
                without.append((str(code), ""))
    if rep.level == "commune":
        pairs = rep.table.loc[:, ["unit_code", "division_version"]].drop_duplicates()
        known = {
            (str(u), str(v))
            for u, v in zip(pairs["unit_code"], pairs["division_version"], strict=True)
        }
        versions_of = {u: v for u, v in known}
        without = [(c, v or versions_of.get(c, "")) for c, v in without]
    for code, version in sorted(set(without)):
        en, vi = _message(
            "commune-without-records",
            unit=_unit("commune", code, version),
            detail=(
                "its figures are zeros: check that it submitted",
                "số liệu của xã bằng 0: cần kiểm tra xã đã báo cáo chưa",
            ),
        )
        out.append(_completeness_row("commune-without-records", period, code, version, en, vi))
    if expected is not None:
        wanted = _expected_codes(expected)
        have = set(rep.table["unit_code"].astype("str"))
        if submission is not None:
            have |= set(submission.units["unit_code"].astype("str"))
        if rep.level != "commune" and submission is None:
            raise ValueError("expected= needs a commune-level report (or a submission)")
        for code, version in sorted(wanted):
            if code in have:
                continue
            en, vi = _message(
                "commune-not-submitted",
                unit=_unit("commune", code, version),
                detail=("in the expected list", "theo danh sách phải báo cáo"),
            )
            out.append(_completeness_row("commune-not-submitted", period, code, version, en, vi))
    return out


def _bases(basis: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    parts = basis.get("parts")
    if isinstance(parts, list):
        return [p for p in parts if isinstance(p, Mapping)]
    return [basis]


def _expected_codes(expected: pd.DataFrame | Iterable[str]) -> set[tuple[str, str]]:
    if isinstance(expected, pd.DataFrame):
        rows = expected
        if "level" in rows:
            rows = rows.loc[rows["level"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)]
        versions = (
            rows["division_version"].astype("str")
            if "division_version" in rows
            else pd.Series("", index=rows.index)
        )
        return {
            (str(c), str(v))
            for c, v in zip(rows["unit_code"], versions, strict=True)
            if isinstance(c, str) and c.strip()
        }
    return {(str(c), "") for c in expected}


def _completeness_row(
    code: str, period: str, unit: str, version: str, en: str, vi: str
) -> dict[str, Any]:
    return {
        "code": code,
        "severity": QUALITY[code].severity,
        "period": period,
        "level": "commune",
        "unit_code": unit,
        "division_version": version,
        "indicator_id": "",
        "value": np.nan,
        "expected": np.nan,
        "p_value": np.nan,
        "message_vi": vi,
        "message_en": en,
    }
