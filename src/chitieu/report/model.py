"""The :class:`Report` object: the table of counts and values, and what it rests on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chitieu.errors import DataNotAvailableError
from chitieu.periods import Period
from chitieu.report.rollup import _rollup_frame
from chitieu.report.table import (
    FLAGS,
    SMALL_COUNT,
    TOTAL,
    _breakdown_rank,
    _dimension_order,
    _finish_table,
    _order,
)
from chitieu.units import (
    LEVELS,
    UNKNOWN_UNIT,
    check_level,
)


# -- the report -------------------------------------------------------------------
@dataclass(eq=False, repr=False)
class Report:
    """Indicators for many units and periods, as one tidy table of counts and values.

    Build one with :func:`report`. The attributes are read-only by convention:
    methods return new reports.

    Attributes
    ----------
    table
        The tidy long table (see the module docstring for its columns).
    periods
        The periods, in the order given.
    level
        ``commune``, ``district``, ``province`` or ``national``.
    indicators
        Metadata of the indicators in the table (one row each, as
        :func:`chitieu.list_indicators`).
    skipped
        Indicators not computed: ``indicator_id``, ``period`` and ``reason``.
    input_hash
        :func:`input_hash` of the input, computed when first asked for (by
        :meth:`metadata` and the exports), not while the report is built:
        hashing every row costs more than computing the indicators.
    chitieu_version
        The version of chitieu that computed the report.
    generated_at
        When the report was computed (UTC, ISO 8601).
    notes
        Sentences printed on the cover and written in the metadata: what the
        figures rest on (validation, rows left out, tables missing, communes
        without records, the dates the records cover, periods only partly
        covered, indicators without data); add with :meth:`with_notes`.
    basis
        The same, as data (:func:`chitieu.coverage.basis`): tables with rows
        read, used and left out, validation counts, coverage, communes.
    """

    table: pd.DataFrame
    periods: tuple[Period, ...]
    level: str
    indicators: pd.DataFrame
    skipped: pd.DataFrame
    _input_hash: str | None
    chitieu_version: str
    generated_at: str
    units: pd.DataFrame = field(repr=False)
    hierarchies: dict[str, pd.DataFrame] = field(repr=False)
    small_count: int = SMALL_COUNT
    age_bands: tuple[int, ...] | None = None
    notes: tuple[str, ...] = ()
    basis: dict[str, Any] = field(default_factory=dict, repr=False)
    #: Computes :attr:`input_hash`, until it is computed.
    _hash_of: Callable[[], str] | None = field(default=None, repr=False)
    #: A plan's attainment table (:func:`chitieu.plans.evaluate`), shown by the exports.
    attainment: pd.DataFrame | None = field(default=None, repr=False)
    #: Data-quality warnings (:class:`chitieu.quality.QualityResult`), shown by the exports.
    quality_result: Any = field(default=None, repr=False)

    @property
    def input_hash(self) -> str:
        """:func:`input_hash` of the input (computed once, on first use)."""
        if self._input_hash is None:
            if self._hash_of is None:
                raise ValueError("this report has no input to hash")
            value = self._hash_of()
            object.__setattr__(self, "_input_hash", value)
            object.__setattr__(self, "_hash_of", None)
        assert self._input_hash is not None
        return self._input_hash

    # -- description ------------------------------------------------------------
    @property
    def period(self) -> str:
        """The period label (labels joined by ", " when there are several)."""
        return ", ".join(p.label for p in self.periods)

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimension columns of the table, in order."""
        return tuple(d for d in _dimension_order() if d in self.table.columns)

    @property
    def division_versions(self) -> tuple[str, ...]:
        """Division versions of the units in the table (``unknown`` left out)."""
        versions = set(self.table["division_version"].unique()) - {UNKNOWN_UNIT}
        return tuple(sorted(str(v) for v in versions))

    def unit_list(self) -> pd.DataFrame:
        """The units of the table with their names (from the units table)."""
        units = self.table.loc[:, ["unit_code", "division_version"]].drop_duplicates()
        names = self.units.loc[self.units["level"] == self.level]
        merged = units.merge(names, on=["unit_code", "division_version"], how="left")
        merged["level"] = self.level
        return merged.loc[:, ["level", "unit_code", "division_version", "name"]].reset_index(
            drop=True
        )

    def _metas(self) -> dict[str, Any]:
        from chitieu.indicators import get_indicator

        return {i: get_indicator(i) for i in self.indicators["id"]}

    # -- access -------------------------------------------------------------------
    def get(self, indicator_id: str, *, by: str | None = None, **filters: Any) -> pd.DataFrame:
        """The rows of one indicator, optionally of one breakdown and filtered.

        Parameters
        ----------
        indicator_id
            An indicator of the report.
        by
            ``"total"`` for the overall rows, or a dimension name for the rows
            broken down by it.
        **filters
            ``column=value`` or ``column=[values]`` on any column of the table
            (``unit_code="00001"``, ``sex="F"``, ``period="2024"``).

        Returns
        -------
        pandas.DataFrame
            The matching rows, without the dimension columns the indicator
            does not have.

        Examples
        --------
        >>> from chitieu.indicators.examples import tiny_submission
        >>> from chitieu.report import report
        >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
        >>> rep.get("child_population", by="sex", unit_code="00001")[["sex", "numerator"]]
          sex  numerator
        0   M        2.0
        1   F        1.0
        2   U        0.0
        """
        from chitieu.errors import UnknownIndicatorError
        from chitieu.indicators import get_indicator

        meta = get_indicator(indicator_id)
        mask = (self.table["indicator_id"] == meta.id).to_numpy(dtype=bool, copy=True)
        if not mask.any():
            reasons = self.skipped.loc[self.skipped["indicator_id"] == meta.id, "reason"]
            if len(reasons):
                raise DataNotAvailableError(
                    f"indicator {meta.id!r} was not computed: {reasons.iloc[0]}"
                )
            raise UnknownIndicatorError(
                f"indicator {meta.id!r} is not in this report; it holds "
                f"{', '.join(self.indicators['id']) or 'no indicator'}"
            )
        if by is not None:
            allowed = (TOTAL, *(d for d in meta.dimensions if d != "commune"))
            if by not in allowed:
                raise ValueError(
                    f"indicator {meta.id!r} has no breakdown {by!r}; breakdowns: "
                    f"{', '.join(allowed)}"
                )
            mask = mask & (self.table["breakdown"] == by).to_numpy(dtype=bool)
        for column, wanted in filters.items():
            if column not in self.table.columns:
                raise ValueError(
                    f"no column {column!r} to filter on; columns: {', '.join(self.table.columns)}"
                )
            values = [wanted] if isinstance(wanted, str | int | float | bool) else list(wanted)
            mask = mask & self.table[column].isin(values).to_numpy(dtype=bool)
        drop = [d for d in self.dimensions if d not in meta.dimensions]
        return self.table.loc[mask].drop(columns=drop).reset_index(drop=True)

    def totals(self) -> pd.DataFrame:
        """The overall rows: one per indicator, period and unit, without dimension columns.

        >>> from chitieu.indicators.examples import tiny_submission
        >>> from chitieu.report import report
        >>> rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
        >>> rep.totals()[["unit_code", "numerator", "denominator"]]
          unit_code  numerator  denominator
        0     00001        1.0          3.0
        1     00002        1.0          3.0
        """
        rows = self.table.loc[(self.table["breakdown"] == TOTAL).to_numpy(dtype=bool)]
        return rows.drop(columns=[*self.dimensions, "breakdown", "multi_response"]).reset_index(
            drop=True
        )

    # -- roll-up ------------------------------------------------------------------
    def rollup(self, level: str) -> Report:
        """The report at a higher *level*: counts summed, values recomputed.

        Numerators, denominators and ``units_missing`` of the units under each
        parent are summed; the value is then ``numerator / denominator x
        multiplier`` (NaN where the denominator is 0), or the numerator for a
        count. Values are never averaged. Units follow the hierarchy of their
        own division version (:func:`chitieu.units.hierarchy`); units of
        different versions are never merged, at any level (a national row per
        version, flagged ``mixed_versions``).

        Parameters
        ----------
        level
            ``district`` (2008 division only), ``province`` or ``national``;
            not lower than the report's level.

        Raises
        ------
        ValueError
            For an unknown level or one below the report's.
        chitieu.units.DivisionVersionError
            When districts are asked of data recorded in the 2025 division.

        Examples
        --------
        Two communes: 1 of 3 children and 1 of 3 children give 2 of 6.

        >>> from chitieu.indicators.examples import tiny_submission
        >>> from chitieu.report import report
        >>> rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
        >>> rep.rollup("province").totals()[["unit_code", "numerator", "denominator", "value"]]
          unit_code  numerator  denominator      value
        0        01        2.0          6.0  33.333333
        """
        check_level(level)
        here, there = LEVELS.index(self.level), LEVELS.index(level)
        if there < here:
            raise ValueError(
                f"cannot roll a {self.level} report down to {level}; compute a new report "
                f"(the {level} counts are not in this one)"
            )
        if there == here:
            return replace(self, table=self.table.copy())
        if self.table["flags"].str.contains("suppressed", regex=False).any():
            raise ValueError(
                "cannot roll up a suppressed report (hidden counts would be left out of "
                "the sums); roll up the original report, then suppress"
            )
        metas = self._metas()
        dims = self.dimensions
        summed = _rollup_frame(self.table, self.level, level, self.hierarchies, dims)
        summed["level"] = level
        summed["_rank"] = _breakdown_rank(summed, metas)
        order = _order(summed, list(self.indicators["id"]), [p.label for p in self.periods])
        summed = summed.iloc[order].reset_index(drop=True)
        mixed = len(self.division_versions) > 1
        table = _finish_table(summed, level, dims, metas, self.small_count, mixed)
        return replace(self, table=table, level=level)

    def suppress(self, k: int = 5) -> Report:
        """The report for publication: counts 1 to ``k - 1`` hidden, and enough others.

        See :func:`chitieu.disclosure.suppress`.
        """
        from chitieu.disclosure import suppress

        return suppress(self, k=k)

    def trend(
        self, indicator_id: str, *, by: str | None = None, level: str | None = None
    ) -> pd.DataFrame:
        """One indicator over the report's periods, with the change between periods.

        Changes of counts, and changes of values each computed from its own
        period's counts; a period without data is missing, not 0. See
        :func:`chitieu.trends.trend`.
        """
        from chitieu.trends import trend

        return trend(self, indicator_id, by=by, level=level)

    def plot(
        self,
        indicator_id: str,
        *,
        by: str | None = None,
        kind: str = "bar",
        level: str | None = None,
        lang: str = "vi",
        target: Any = None,
        **options: Any,
    ) -> Any:
        """Draw one indicator (``pip install 'chitieu[plot]'``); returns the matplotlib Axes.

        See :func:`chitieu.report.plot.plot`.
        """
        from chitieu.report.plot import plot

        return plot(
            self, indicator_id, by=by, kind=kind, level=level, lang=lang, target=target, **options
        )

    def with_attainment(self, attainment: pd.DataFrame) -> Report:
        """The same report with a plan's attainment table (a plan sheet, section, metadata)."""
        return replace(self, attainment=attainment)

    def with_quality(self, result: Any = None, *, history: Any = None, **options: Any) -> Report:
        """The same report carrying its data-quality warnings, shown by the exports.

        The workbook gets a sheet "Chất lượng dữ liệu" ("Data quality"), the
        HTML summary a section and the JSON metadata a ``quality`` key. The
        figures are not changed. *result* is a
        :class:`chitieu.quality.QualityResult`; without it the checks are run
        on this report (:meth:`quality`, with *history* and *options*). A
        report for publication (:meth:`suppress`) shows no warnings: their
        messages give counts.

        Examples
        --------
        >>> from chitieu.indicators.examples import tiny_submission
        >>> from chitieu.report import report
        >>> rep = report(tiny_submission(), period="2024", indicators=["injury_death_rate"])
        >>> checked = rep.with_quality()
        >>> checked.metadata()["quality"]["n_warnings"], "quality" in rep.metadata()
        (0, False)
        >>> checked.table.equals(rep.table)
        True
        """
        if result is None:
            result = self.quality(history=history, **options)
        elif history is not None or options:
            raise TypeError("give either a QualityResult or the options of the checks, not both")
        return replace(self, quality_result=result)

    def _quality_shown(self) -> Any:
        """The quality result the exports show: none for a report for publication."""
        if self.quality_result is None:
            return None
        from chitieu.disclosure import is_suppressed

        return None if is_suppressed(self) else self.quality_result

    def with_notes(self, *notes: str) -> Report:
        """The same report with *notes* added (shown on the cover, kept in the metadata)."""
        return replace(self, notes=(*self.notes, *notes))

    def quality(self, history: Any = None, **options: Any) -> Any:
        """The data-quality warnings of this report (a :class:`chitieu.quality.QualityResult`).

        Outliers against *history* (reports of past periods), communes without
        records, rates implausible against national magnitudes; no figure is
        changed. See :func:`chitieu.quality.check` for the options.
        """
        from chitieu.quality import check

        return check(self, history=history, **options)

    def with_intervals(self, level: float = 0.95, *, method: str = "exact") -> Report:
        """The same report with ``ci_low`` and ``ci_high`` columns after ``value``.

        Wilson intervals for percentages, exact Poisson (Garwood; ``method="byars"``
        for Byars' approximation) for rates; none for counts. See
        :mod:`chitieu.intervals`.
        """
        from chitieu.intervals import with_intervals

        return with_intervals(self, level=level, method=method)  # type: ignore[arg-type]

    # -- output -------------------------------------------------------------------
    def to_excel(self, path: str | Path, *, lang: str = "vi") -> Path:
        """Write the report as an Excel workbook; see :func:`chitieu.export.to_excel`."""
        from chitieu.export import to_excel

        return to_excel(self, path, lang=lang)

    def to_csv(self, path: str | Path) -> Path:
        """Write :attr:`table` as CSV; see :func:`chitieu.export.to_csv`."""
        from chitieu.export import to_csv

        return to_csv(self, path)

    def to_parquet(self, path: str | Path) -> Path:
        """Write :attr:`table` as Parquet; see :func:`chitieu.export.to_parquet`."""
        from chitieu.export import to_parquet

        return to_parquet(self, path)

    def to_json(self, path: str | Path | None = None) -> str | Path:
        """Write :attr:`table` and the metadata as JSON; see :func:`chitieu.export.to_json`."""
        from chitieu.export import to_json

        return to_json(self, path)

    def to_dhis2(
        self,
        path: str | Path,
        *,
        mapping: Any,
        format: str = "json",
        on_unmapped: str = "refuse",
    ) -> Path:
        """Write a DHIS2 data value set (json, csv) or ADX; see :func:`chitieu.export.dhis2.to_dhis2`."""
        from chitieu.export.dhis2 import to_dhis2

        return to_dhis2(self, path, mapping=mapping, format=format, on_unmapped=on_unmapped)  # type: ignore[arg-type]

    def to_sdmx_csv(self, path: str | Path) -> Path:
        """Write SDMX-CSV 2.0; see :func:`chitieu.export.sdmx.to_sdmx_csv`."""
        from chitieu.export.sdmx import to_sdmx_csv

        return to_sdmx_csv(self, path)

    def to_file(
        self,
        path: str | Path,
        *,
        format: str | None = None,
        lang: str = "vi",
        mapping: Any = None,
        on_unmapped: str = "refuse",
    ) -> Path:
        """Write the report in the format its suffix names, or in *format*.

        Suffixes: ``.xlsx`` (Excel), ``.csv``, ``.parquet``, ``.json``,
        ``.html``. *format* (one of :data:`REPORT_FORMATS`) is needed for the
        formats other systems import: ``dhis2-json``, ``dhis2-csv``, ``adx``
        (with *mapping*, see :func:`chitieu.export.dhis2.to_dhis2`) and
        ``sdmx-csv``.

        Raises
        ------
        ValueError
            For a suffix or format chitieu does not write, or DHIS2 without a mapping.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from chitieu.indicators.examples import tiny_submission
        >>> from chitieu.report import report
        >>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> rep.to_file(folder / "r.parquet").suffix, rep.to_file(folder / "s.csv", format="sdmx-csv").name
        ('.parquet', 's.csv')
        """
        target = Path(path)
        chosen = format or _SUFFIX_FORMATS.get(target.suffix.lower())
        if chosen is None or chosen not in REPORT_FORMATS:
            raise ValueError(
                f"cannot tell the format of {str(target)!r}: give a suffix "
                f"({', '.join(_SUFFIX_FORMATS)}) or format= one of {', '.join(REPORT_FORMATS)}"
            )
        if chosen in ("dhis2-json", "dhis2-csv", "adx"):
            if mapping is None:
                raise ValueError(f"format {chosen!r} needs mapping= (a DHIS2 mapping file)")
            kind = {"dhis2-json": "json", "dhis2-csv": "csv", "adx": "adx"}[chosen]
            return self.to_dhis2(target, mapping=mapping, format=kind, on_unmapped=on_unmapped)
        if chosen == "sdmx-csv":
            return self.to_sdmx_csv(target)
        if chosen == "excel":
            return self.to_excel(target, lang=lang)
        if chosen == "html":
            from chitieu.export.html import to_html

            written = to_html(self, target, lang=lang)
            return written if isinstance(written, Path) else target
        if chosen == "json":
            out = self.to_json(target)
            return out if isinstance(out, Path) else target
        return self.to_csv(target) if chosen == "csv" else self.to_parquet(target)

    def metadata(self) -> dict[str, Any]:
        """What the report is: period, level, units, versions, hash, time, flags.

        Plain JSON-compatible values, as written by the exports.
        """
        from chitieu.disclosure import disclosure_metadata, is_suppressed

        return {
            "title_vi": "Báo cáo chỉ tiêu thống kê về trẻ em",
            "title_en": "Statistical indicators on children",
            "legal_basis": "Thông tư 13/2021/TT-BLĐTBXH",
            "periods": [
                {"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}
                for p in self.periods
            ],
            "level": self.level,
            "n_units": int(
                self.table[["unit_code", "division_version"]].drop_duplicates().shape[0]
            ),
            "division_versions": list(self.division_versions),
            "chitieu_version": self.chitieu_version,
            "input_hash": self.input_hash,
            "generated_at": self.generated_at,
            "small_count": self.small_count,
            "age_bands": None if self.age_bands is None else list(self.age_bands),
            "notes": list(self.notes),
            "basis": self.basis,
            "suppressed": is_suppressed(self),
            "disclosure": disclosure_metadata(self),
            "flags": {k: {"vi": v[0], "en": v[1]} for k, v in FLAGS.items()},
            "indicators": [_plain(r) for r in self.indicators.to_dict("records")],
            "skipped": [_plain(r) for r in self.skipped.to_dict("records")],
            **(
                {"attainment": _attainment_records(self.attainment)}
                if self.attainment is not None
                else {}
            ),
            **(
                {"quality": _quality_record(shown)}
                if (shown := self._quality_shown()) is not None
                else {}
            ),
        }

    def __repr__(self) -> str:
        from chitieu.disclosure import is_suppressed, threshold

        n_units = self.table[["unit_code", "division_version"]].drop_duplicates().shape[0]
        published = f", suppressed=True, k={threshold(self)}" if is_suppressed(self) else ""
        return (
            f"Report(period={self.period!r}, level={self.level!r}, "
            f"indicators={len(self.indicators)}, units={n_units:,}, rows={len(self.table):,}, "
            f"skipped={len(self.skipped)}{published})"
        )

    def _repr_html_(self) -> str:
        from chitieu.export.html import report_html

        return report_html(self)

    def overall(self) -> pd.DataFrame:
        """Totals of every indicator over all the units of the report (national roll-up).

        One row per indicator, period and division version; used by the
        notebook display.
        """
        if self.level == "national":
            return self.totals()
        totals = self.table.loc[(self.table["breakdown"] == TOTAL).to_numpy(dtype=bool)]
        small = replace(self, table=totals.reset_index(drop=True))
        return small.rollup("national").totals()


#: The formats :meth:`Report.to_file` writes.
REPORT_FORMATS: tuple[str, ...] = (
    "excel",
    "csv",
    "parquet",
    "json",
    "html",
    "dhis2-json",
    "dhis2-csv",
    "adx",
    "sdmx-csv",
)
_SUFFIX_FORMATS: dict[str, str] = {
    ".xlsx": "excel",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}


def _plain(record: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and np.isnan(value):
            value = None
        out[str(key)] = value
    return out


def _attainment_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    from chitieu.plans import attainment_records

    return attainment_records(table)


def _quality_record(result: Any) -> dict[str, Any]:
    """The ``quality`` entry of the metadata: counts per code and every warning."""
    return {
        "n_warnings": len(result),
        "counts": result.counts(),
        "warnings": result.to_dict(),
    }
