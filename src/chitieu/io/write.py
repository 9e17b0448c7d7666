"""Write a submission in the canonical layout, or with Vietnamese names for people.

:func:`write_submission` writes one file per table: every non-empty table, and
``children`` and ``units`` always (so that a written submission can be read
back). Provenance columns (``_source_file``, ``_source_row``) are not written.

- CSV: UTF-8 without BOM, ``,`` separated, dates ``YYYY-MM-DD``, booleans
  ``true``/``false``, missing values as empty cells. A text that a
  spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return) is written inert, after an apostrophe
  (:func:`chitieu.privacy.inert`): ``-5`` in a text column is written ``'-5``,
  and :func:`chitieu.privacy.uninert` gives it back.
- Parquet (pyarrow): dates as ``timestamp[us]``, booleans and integers
  nullable; both :func:`chitieu.read_submission` and :func:`pandas.read_parquet`
  read them back at the canonical dtypes.
- Excel (``.xlsx``): real date cells shown as ``YYYY-MM-DD``, booleans as
  ``TRUE``/``FALSE``; text is always written as text (a code ``07774`` stays
  text, a value starting with ``=`` is never a formula), and a text that
  would start a formula carries the cell's "quote prefix", Excel's own mark
  for a leading apostrophe, so that editing the cell does not make it one
  either; the cell's value is the text unchanged.

With ``headers="vi"`` the files carry the Vietnamese table names folded to
snake case (``tre_em.csv``) and the Vietnamese headers (``Ngày sinh``), as
people would type them; :func:`chitieu.read_submission` reads both layouts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pandas.api.types import pandas_dtype

from chitieu import errors
from chitieu.codelists import normalize_text
from chitieu.privacy import FORMULA_PREFIXES, inert_frame
from chitieu.schemas import TABLES, column_specs

if TYPE_CHECKING:
    from chitieu.submission import Submission

__all__ = ["FORMATS", "XLSX_MAX_ROWS", "WriteError", "file_stem", "write_submission"]

#: Formats :func:`write_submission` writes, with their file extensions.
FORMATS = {"csv": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}
_ALWAYS = ("children", "units")
#: Data rows an Excel sheet can hold (1,048,576 rows, one of them the header).
XLSX_MAX_ROWS = 1_048_575

Format = Literal["csv", "parquet", "xlsx"]
Headers = Literal["canonical", "vi"]


class WriteError(errors.WriteError, ValueError):
    """A submission cannot be written (a bad option, a frame without its columns, a bad path)."""


def file_stem(table: str, headers: Headers = "canonical") -> str:
    """The file name (without extension) a table is written to.

    >>> file_stem("injuries"), file_stem("injuries", "vi")
    ('injuries', 'tai_nan_thuong_tich')
    >>> file_stem("children", "vi")
    'tre_em'
    """
    if headers == "vi":
        return normalize_text(TABLES[table].vi).replace(" ", "_")
    return table


def _canonical_frame(sub: Submission, table: str) -> pd.DataFrame:
    """The schema columns of *table* at their canonical dtypes."""
    frame = sub[table]
    specs = column_specs(table)
    missing = [c for c in specs if c not in frame.columns]
    if missing:
        raise WriteError(f"table {table} has no column {', '.join(missing)}; cannot write it")
    out: dict[str, pd.Series] = {}
    for name, spec in specs.items():
        column = frame[name]
        if str(column.dtype) != spec.dtype:
            try:
                column = column.astype(pandas_dtype(spec.dtype))
            except (TypeError, ValueError) as exc:
                raise WriteError(
                    f"column {name} of table {table} is {column.dtype}, expected {spec.dtype} "
                    f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
                ) from None
        out[name] = column.reset_index(drop=True)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _as_text_cells(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for name, spec in column_specs(table).items():
        column = frame[name]
        if spec.kind == "date":
            out[name] = column.dt.strftime("%Y-%m-%d")
        elif spec.kind == "boolean":
            out[name] = column.map({True: "true", False: "false"}, na_action="ignore").astype("str")
        else:
            out[name] = column
    return pd.DataFrame(out)


def _write_csv(frame: pd.DataFrame, table: str, target: Path, names: dict[str, str]) -> None:
    """CSV whose text cells are inert in a spreadsheet (:func:`chitieu.privacy.inert_frame`)."""
    inert_frame(_as_text_cells(frame, table).rename(columns=names)).to_csv(
        target, index=False, encoding="utf-8", lineterminator="\n"
    )


def _write_parquet(frame: pd.DataFrame, table: str, target: Path, names: dict[str, str]) -> None:
    """Parquet whose dtypes survive: :func:`pandas.read_parquet` gives the canonical ones too.

    Dates are ``timestamp[us]`` (naive, at midnight), so that pandas reads
    them back as ``datetime64[us]`` rather than as Python date objects; the
    pandas metadata stored with the file keeps ``Int64`` and ``boolean``
    nullable even when a column holds no missing value.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {
        "date": pa.timestamp("us"),
        "boolean": pa.bool_(),
        "integer": pa.int64(),
        "string": pa.string(),
    }
    specs = column_specs(table)
    schema = pa.schema([pa.field(names[n], kinds[s.kind]) for n, s in specs.items()])
    arrow = pa.Table.from_pandas(frame.rename(columns=names), schema=schema, preserve_index=False)
    pq.write_table(arrow, target)


def _write_xlsx(frame: pd.DataFrame, table: str, target: Path, names: dict[str, str]) -> None:
    try:
        import xlsxwriter
    except ImportError:
        raise WriteError("writing .xlsx needs xlsxwriter: pip install 'chitieu[excel]'") from None
    specs = column_specs(table)
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(str(target), options) as book:
        sheet = book.add_worksheet(table)
        bold = book.add_format({"bold": True})
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        text_format = book.add_format({"quote_prefix": True})
        for col, (name, spec) in enumerate(specs.items()):
            sheet.write_string(0, col, names[name], bold)
            column = frame[name]
            present = column.notna().to_numpy()
            if spec.kind == "date":
                values = column.dt.to_pydatetime()
                sheet.set_column(col, col, 12)
                for row in present.nonzero()[0]:
                    sheet.write_datetime(int(row) + 1, col, values[row], date_format)
            elif spec.kind == "boolean":
                values = column.astype(object).where(column.notna(), None).to_numpy()
                for row in present.nonzero()[0]:
                    sheet.write_boolean(int(row) + 1, col, bool(values[row]))
            elif spec.kind == "integer":
                values = column.astype(object).where(column.notna(), None).to_numpy()
                for row in present.nonzero()[0]:
                    sheet.write_number(int(row) + 1, col, int(values[row]))
            else:
                values = column.astype(object).where(column.notna(), None).to_numpy()
                for row in present.nonzero()[0]:
                    text = str(values[row])
                    if text.startswith(FORMULA_PREFIXES):
                        sheet.write_string(int(row) + 1, col, text, text_format)
                    else:
                        sheet.write_string(int(row) + 1, col, text)
        sheet.freeze_panes(1, 0)


def write_submission(
    sub: Submission,
    path: str | os.PathLike[str],
    format: Format = "csv",
    *,
    headers: Headers = "canonical",
) -> Path:
    """Write a submission to folder *path*, one file per table.

    Empty tables are written (headers only) when the submission's input had
    them (:attr:`Submission.tables_present`), so that reading the folder back
    tells an empty table (none recorded) from an absent one (unknown).

    Parameters
    ----------
    sub
        The submission; provenance columns are not written.
    path
        The folder, created if needed; files of the same names are replaced.
    format
        ``"csv"``, ``"parquet"`` or ``"xlsx"``.
    headers
        ``"canonical"``: files ``<table>.<ext>`` with snake_case headers;
        ``"vi"``: Vietnamese file names (``tre_em.csv``) and headers (``Ngày sinh``).

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    WriteError
        For an unknown format or headers option, a frame without its schema
        columns, a table too long for an Excel sheet, or a folder that cannot
        be written; nothing is written then, or (for a folder) nothing more.

    Examples
    --------
    >>> import tempfile
    >>> from chitieu.submission import Submission
    >>> folder = write_submission(Submission(), tempfile.mkdtemp(), "csv", headers="vi")
    >>> sorted(p.name for p in folder.iterdir())
    ['don_vi_hanh_chinh.csv', 'tre_em.csv']
    """
    if format not in FORMATS:
        raise WriteError(f"unknown format {format!r}; choose csv, parquet or xlsx")
    if headers not in ("canonical", "vi"):
        raise WriteError(f"unknown headers option {headers!r}; choose 'canonical' or 'vi'")
    if format == "xlsx":
        too_long = [f"{t} ({len(sub[t]):,} rows)" for t in TABLES if len(sub[t]) > XLSX_MAX_ROWS]
        if too_long:
            raise WriteError(
                f"an Excel sheet holds at most {XLSX_MAX_ROWS:,} rows below its header; "
                f"too long for .xlsx: {', '.join(too_long)}; write csv or parquet instead"
            )
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
    for table in TABLES:
        frame = _canonical_frame(sub, table)
        if frame.empty and table not in _ALWAYS and table not in sub.tables_present:
            continue  # a table the input had stays, even empty: absent is not zero
        specs = column_specs(table)
        names = {n: (s.vi if headers == "vi" else n) for n, s in specs.items()}
        target = folder / (file_stem(table, headers) + FORMATS[format])
        try:
            if format == "csv":
                _write_csv(frame, table, target, names)
            elif format == "parquet":
                _write_parquet(frame, table, target, names)
            else:
                _write_xlsx(frame, table, target, names)
        except OSError as exc:
            raise WriteError(f"{target}: cannot write the file ({exc.strerror or exc})") from None
    return folder
