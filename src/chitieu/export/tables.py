"""Write a report's table as CSV, Parquet or JSON, and read it back.

All three formats hold exactly :attr:`chitieu.report.Report.table` (same
columns, same rows, same order); Parquet and JSON also carry the report's
metadata (:meth:`chitieu.report.Report.metadata`). :func:`read_table` reads
any of them back with the table's dtypes.

- CSV is written in UTF-8 **with a byte-order mark** (``utf-8-sig``), so that
  Excel opens Vietnamese text correctly; missing numbers are empty fields.
  Numbers are written with full precision. Text that a spreadsheet would run
  as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return) gets a leading ``'`` (:func:`chitieu.privacy.inert`);
  :func:`read_table` takes it off again.
- Parquet keeps the dtypes; the metadata is a JSON document under the schema
  key ``chitieu``.
- JSON is one object ``{"metadata": {...}, "columns": [...], "table":
  [{...}, ...]}``: the column names in order, then one record per row, ``null`` for a missing number, numbers with 15 significant
  digits. The metadata also says whether the report is suppressed
  (``suppressed``, and ``disclosure``: the threshold, how many cells are
  hidden, the symbols of the human formats).

In a suppressed report the hidden numerator, denominator and value are empty
(null) in all three formats, with the flag ``suppressed`` on the row (small
counts and complements alike); the hidden counts are not in the file.

A file that cannot be written raises :class:`chitieu.errors.WriteError`
(code ``cannot-write-output``) naming the path.

Examples
--------
>>> import tempfile, pathlib
>>> from chitieu import report
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> read_table(to_csv(rep, folder / "r.csv")).equals(rep.table)
True
>>> read_table(to_parquet(rep, folder / "r.parquet")).equals(rep.table)
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from chitieu.errors import ReadError, WriteError
from chitieu.privacy import FORMULA_PREFIXES, inert_frame, mask_text

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.report import Report

__all__ = [
    "canonical_table",
    "export_metadata",
    "read_metadata",
    "read_table",
    "to_csv",
    "to_json",
    "to_parquet",
    "writable_path",
    "write_error",
]

_FLOATS = ("numerator", "denominator", "value")
_METADATA_KEY = b"chitieu"


def canonical_table(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* with the dtypes of a report table.

    Text columns become ``str``, ``multi_response`` bool, the counts float64
    and ``units_missing`` Int64; ``flags`` holds "" where there is no flag.
    """
    out: dict[str, Any] = {}
    for column in frame.columns:
        series = frame[column]
        if column in _FLOATS:
            out[column] = pd.to_numeric(series, errors="raise").astype(np.float64)
        elif column == "multi_response":
            if series.dtype == bool:
                out[column] = series
            else:
                text = series.astype("str").str.lower()
                out[column] = text.isin(["true", "1"]).to_numpy(dtype=bool)
        elif column == "units_missing":
            out[column] = pd.to_numeric(series, errors="raise").astype("Int64")
        elif column == "flags":
            out[column] = series.astype("str").fillna("")
        else:
            out[column] = series.astype("str")
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def writable_path(path: str | Path) -> Path:
    """*path* as a :class:`~pathlib.Path`, checked to be a place a file can be written.

    Raises
    ------
    chitieu.errors.WriteError
        When *path* is a directory, or its parent is missing or not a directory.

    Examples
    --------
    >>> import tempfile
    >>> writable_path(tempfile.gettempdir())
    Traceback (most recent call last):
    ...
    chitieu.errors.WriteError: cannot write ...: it is a directory
    """
    target = Path(path)
    if target.is_dir():
        raise WriteError(f"cannot write {str(target)!r}: it is a directory")
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise WriteError(f"cannot write {str(target)!r}: {str(parent)!r} is a file, not a folder")
    if not parent.exists():
        raise WriteError(f"cannot write {str(target)!r}: the folder {str(parent)!r} does not exist")
    return target


def write_error(target: Path, error: BaseException) -> WriteError:
    """A :class:`~chitieu.errors.WriteError` naming *target*, for an error raised writing it."""
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    if isinstance(error, PermissionError):
        reason = "permission denied"
    return WriteError(f"cannot write {str(target)!r}: {mask_text(str(reason))}")


def export_metadata(report: Report) -> dict[str, Any]:
    """:meth:`Report.metadata` with the suppression facts, as the exports write it.

    Adds ``suppressed`` (bool) and ``disclosure``
    (:func:`chitieu.disclosure.disclosure_metadata`); notes and the reasons of
    skipped indicators have identity numbers masked.
    """
    from chitieu.disclosure import disclosure_metadata

    meta = report.metadata()
    meta["notes"] = [mask_text(str(n)) for n in meta.get("notes", [])]
    meta["skipped"] = [
        {**s, "reason": mask_text(str(s.get("reason", "")))} for s in meta.get("skipped", [])
    ]
    disclosure = disclosure_metadata(report)
    meta["suppressed"] = disclosure["suppressed"]
    meta["disclosure"] = disclosure
    return meta


def to_csv(report: Report, path: str | Path) -> Path:
    """Write the table to *path* as CSV (UTF-8 with BOM, text inert); return the path."""
    target = writable_path(path)
    try:
        inert_frame(report.table).to_csv(
            target, index=False, encoding="utf-8-sig", lineterminator="\n"
        )
    except OSError as error:
        raise write_error(target, error) from error
    return target


def to_parquet(report: Report, path: str | Path) -> Path:
    """Write the table to *path* as Parquet, with the metadata; return the path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = writable_path(path)
    table = pa.Table.from_pandas(report.table, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[_METADATA_KEY] = json.dumps(export_metadata(report), ensure_ascii=False).encode("utf-8")
    try:
        pq.write_table(table.replace_schema_metadata(meta), target)
    except (OSError, pa.ArrowException) as error:
        raise write_error(target, error) from error
    return target


def to_json(report: Report, path: str | Path | None = None) -> str | Path:
    """The table and metadata as JSON; written to *path*, or returned when *path* is None."""
    target = None if path is None else writable_path(path)
    records = report.table.to_json(
        orient="records", force_ascii=False, double_precision=15, date_format="iso"
    )
    metadata = json.dumps(export_metadata(report), ensure_ascii=False, allow_nan=False)
    columns = json.dumps([str(c) for c in report.table.columns], ensure_ascii=False)
    text = f'{{"metadata": {metadata}, "columns": {columns}, "table": {records}}}'
    if target is None:
        return text
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise write_error(target, error) from error
    return target


def _undo_inert(frame: pd.DataFrame) -> pd.DataFrame:
    """Take off the ``'`` that :func:`chitieu.privacy.inert` put before formula-like text."""
    prefixes = tuple("'" + p for p in FORMULA_PREFIXES)
    out = {}
    for column in frame.columns:
        series = frame[column]
        name = column[1:] if isinstance(column, str) and column.startswith(prefixes) else column
        if series.dtype == object or str(series.dtype) in ("str", "string"):
            marked = series.str.startswith(prefixes, na=False)
            if bool(marked.any()):
                series = series.where(~marked, series.str.slice(1))
        out[name] = series
    return pd.DataFrame(out, index=frame.index)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`to_csv`, :func:`to_parquet` or :func:`to_json`.

    The format is chosen by the file's suffix (``.csv``, ``.parquet``,
    ``.json``).

    Raises
    ------
    chitieu.errors.ReadError
        When the file is missing or its suffix is none of these.
    """
    source = Path(path)
    if not source.is_file():
        raise ReadError(f"no file {str(source)!r}")
    suffix = source.suffix.lower()
    if suffix == ".csv":
        frame = _undo_inert(
            pd.read_csv(
                source, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
            )
        )
    elif suffix in (".parquet", ".pq"):
        frame = pd.read_parquet(source)
    elif suffix == ".json":
        data = json.loads(source.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "table" not in data:
            raise ReadError(f"{str(source)!r} is not a chitieu report (no 'table' member)")
        columns = data.get("columns")
        frame = pd.DataFrame.from_records(data["table"], columns=columns)
    else:
        raise ReadError(
            f"cannot tell the format of {str(source)!r}: expected a .csv, .parquet or .json file"
        )
    return canonical_table(frame)


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The metadata written with a Parquet or JSON table."""
    source = Path(path)
    if not source.is_file():
        raise ReadError(f"no file {str(source)!r}")
    if source.suffix.lower() == ".json":
        meta: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))["metadata"]
        return meta
    import pyarrow.parquet as pq

    schema_meta = pq.read_schema(source).metadata or {}
    if _METADATA_KEY not in schema_meta:
        raise ReadError(f"{str(source)!r} carries no chitieu metadata")
    out: dict[str, Any] = json.loads(schema_meta[_METADATA_KEY].decode("utf-8"))
    return out
