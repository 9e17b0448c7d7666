"""The :class:`Submission`: one commune's (or many communes') records, as frames.

A submission holds one canonical DataFrame per table of :data:`chitieu.schemas.TABLES`
(missing tables are empty frames with the right columns), plus what the reader
could not parse (``read_issues``) so that validation can report it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs, empty_frame

__all__ = ["READ_ISSUE_COLUMNS", "Submission", "ValidationSummary"]

#: Columns of :attr:`Submission.read_issues`.
READ_ISSUE_COLUMNS = ("code", "table", "file", "row", "column", "value", "detail")

WriteFormat = Literal["csv", "parquet", "xlsx"]


def _empty_issues() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "row" else "str")
                         for c in READ_ISSUE_COLUMNS})


@dataclass(frozen=True)
class ValidationSummary:
    """What validation found in a submission before its figures were computed.

    Carried by a submission that has been through validation on the way in
    (:func:`chitieu.inbound.prepare`, :func:`chitieu.validation.drop_invalid`),
    so that every figure computed from it can say what it rests on.
    """

    #: Problems of severity ``error`` and ``warning``.
    n_errors: int
    n_warnings: int
    #: Rows left out of each table because they have errors (tables with none are absent).
    rows_left_out: Mapping[str, int] = field(default_factory=dict)
    #: Rows of each table before anything was left out.
    rows_read: Mapping[str, int] = field(default_factory=dict)
    #: Problems found per ``(code, table)``.
    problems: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def found(self, code: str, table: str) -> bool:
        """Whether validation found problem *code* in *table*."""
        return self.problems.get((code, table), 0) > 0

    @property
    def n_left_out(self) -> int:
        """Rows left out, over all tables."""
        return sum(self.rows_left_out.values())


@dataclass(eq=False)
class Submission:
    """Canonical frames of one submission, one attribute per table.

    Every frame has the columns of its schema at their canonical dtypes; frames
    read from files also carry ``_source_file`` and ``_source_row``.
    """

    children: pd.DataFrame = field(default_factory=lambda: empty_frame("children"))
    circumstances: pd.DataFrame = field(default_factory=lambda: empty_frame("circumstances"))
    supports: pd.DataFrame = field(default_factory=lambda: empty_frame("supports"))
    consultations: pd.DataFrame = field(default_factory=lambda: empty_frame("consultations"))
    services: pd.DataFrame = field(default_factory=lambda: empty_frame("services"))
    injuries: pd.DataFrame = field(default_factory=lambda: empty_frame("injuries"))
    abuse_cases: pd.DataFrame = field(default_factory=lambda: empty_frame("abuse_cases"))
    abuse_victims: pd.DataFrame = field(default_factory=lambda: empty_frame("abuse_victims"))
    sanctions: pd.DataFrame = field(default_factory=lambda: empty_frame("sanctions"))
    activities: pd.DataFrame = field(default_factory=lambda: empty_frame("activities"))
    units: pd.DataFrame = field(default_factory=lambda: empty_frame("units"))
    #: Problems met while reading (unparseable dates, unknown headers, ...).
    read_issues: pd.DataFrame = field(default_factory=_empty_issues, repr=False)
    #: Where the submission was read from, if it was read.
    source: str | None = None
    #: Tables present in the input (others were filled with empty frames).
    tables_present: tuple[str, ...] = ()
    #: Set once the submission went through validation on the way in (see
    #: :func:`chitieu.inbound.prepare`): how many errors, which rows were left out.
    validation_summary: ValidationSummary | None = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for name in TABLES:
            frame = getattr(self, name)
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"Submission.{name} must be a DataFrame, got {type(frame).__name__}")

    # -- access -----------------------------------------------------------------
    def tables(self) -> Iterator[tuple[str, pd.DataFrame]]:
        """Yield ``(name, frame)`` for every table, in schema order."""
        for name in TABLES:
            yield name, getattr(self, name)

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in TABLES:
            raise KeyError(f"no table {table!r}; tables: {', '.join(TABLES)}")
        frame: pd.DataFrame = getattr(self, table)
        return frame

    def canonical(self, table: str) -> pd.DataFrame:
        """*table* with only its schema columns (no provenance), in schema order."""
        return self[table].loc[:, list(column_specs(table))]

    def replace(self, **frames: Any) -> Submission:
        """A copy with some frames (or other fields) replaced.

        The copy starts with an empty cache: it is validated anew when needed.
        """
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        values.update(frames)
        return Submission(**values)

    def validate(self, **options: Any) -> Any:
        """The :class:`~chitieu.validation.ValidationReport` of this submission, computed once.

        The report is cached on the submission (the frames are assumed not to
        change once read); options (``today=``, ``max_examples=``) give a new,
        uncached report.
        """
        from chitieu.validation import validate

        if options:
            return validate(self, **options)
        if "validation" not in self._cache:
            self._cache["validation"] = validate(self)
        return self._cache["validation"]

    @property
    def n_rows(self) -> dict[str, int]:
        """Row count of every table."""
        return {name: len(frame) for name, frame in self.tables()}

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v:,}" for k, v in self.n_rows.items() if v)
        where = f" from {self.source}" if self.source else ""
        return f"Submission({counts or 'empty'}{where})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{name}</td><td style='text-align:right'>{len(frame):,}</td></tr>"
            for name, frame in self.tables()
        )
        where = f"<p>Source: <code>{self.source}</code></p>" if self.source else ""
        return (
            "<div><strong>chitieu Submission</strong>"
            f"{where}<table><thead><tr><th>table</th><th>rows</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

    # -- output -----------------------------------------------------------------
    def write(
        self, path: str | Path, format: WriteFormat = "csv", *, partition_by: str | None = None
    ) -> Path:
        """Write the tables to folder *path* in the canonical layout; return the folder.

        One file per table named ``<table>.<ext>`` with snake_case headers:
        every non-empty table, and every table the input had even when empty.
        Provenance columns are not written. With ``partition_by="province"``
        (or ``district``, ``commune``), one sub-folder ``<by>=<code>`` per
        part (:func:`chitieu.partitions.write_partitioned`), which
        :func:`chitieu.report` reads part by part.
        """
        if partition_by is not None:
            from chitieu.partitions import write_partitioned

            write_partitioned(self, path, by=partition_by, format=format)  # type: ignore[arg-type]
            return Path(path)
        from chitieu.io.write import write_submission

        return write_submission(self, path, format=format)

    def split(self, by: str = "province") -> dict[str, Submission]:
        """The submission as parts keyed by unit code; see :func:`chitieu.partitions.split`.

        >>> import chitieu
        >>> sub = chitieu.synth.generate(n_children=600, n_communes=2, seed=1)
        >>> {code: len(part.children) for code, part in sub.split("commune").items()} == {
        ...     code: int((sub.children["commune_code"] == code).sum())
        ...     for code in sub.children["commune_code"].unique()
        ... }
        True
        """
        from chitieu.partitions import split

        return split(self, by=by)  # type: ignore[arg-type]


def strip_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* without the ``_source_file``/``_source_row`` columns."""
    return frame.drop(columns=[c for c in (SOURCE_FILE, SOURCE_ROW) if c in frame.columns])
