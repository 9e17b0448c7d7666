"""Read a submission as people really send it.

``read_submission(path)`` takes a folder, a ``.zip`` or a single file, with one
file per table in CSV, Excel (``.xlsx``) or Parquet, or one workbook whose
sheets are the tables. It maps headers and values as people type them to the
canonical columns of :mod:`chitieu.schemas`, keeps for every row the file and
the row number the user sees, and records in ``Submission.read_issues`` every
header it did not know and every value it could not parse. Input it cannot
read at all raises :class:`chitieu.errors.ReadError` with a one-line message.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from chitieu.codelists import normalize_text
from chitieu.errors import ReadError
from chitieu.io.values import (
    parse_bool,
    parse_codes,
    parse_dates,
    parse_int,
    parse_multi_codes,
    parse_text,
)
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs, empty_frame
from chitieu.submission import READ_ISSUE_COLUMNS, Submission

__all__ = ["detect_table", "read_submission", "read_table"]

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER_SEARCH_ROWS = 10


@dataclass
class _Source:
    """One file of a submission: its display name and its bytes."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem


def _fold(text: str) -> str:
    return normalize_text(str(text).replace("_", " "))


def _table_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name, spec in TABLES.items():
        for alias in (name, spec.vi, spec.en, *spec.file_aliases):
            lookup.setdefault(_fold(alias), name)
    return lookup


def detect_table(name: str) -> str | None:
    """The table a file or sheet name stands for, or ``None``.

    >>> detect_table("Trẻ em.xlsx"), detect_table("TAI_NAN_THUONG_TICH.csv"), detect_table("x.csv")
    ('children', 'injuries', None)
    """
    stem = PurePosixPath(name).stem if PurePosixPath(name).suffix.lower() in SUFFIXES else name
    return _table_lookup().get(_fold(stem))


def _header_lookup(table: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for spec in column_specs(table).values():
        for header in (spec.name, spec.vi, spec.en, *spec.aliases):
            lookup.setdefault(_fold(header), spec.name)
    return lookup


# -- collecting files ------------------------------------------------------------
def _collect(path: Path) -> Iterator[_Source]:
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
        )
        for p in files:
            yield _Source(p.relative_to(path).as_posix(), p.read_bytes())
        return
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                for info in sorted(archive.infolist(), key=lambda i: i.filename):
                    member = PurePosixPath(info.filename)
                    if info.is_dir() or member.suffix.lower() not in SUFFIXES:
                        continue
                    if member.name.startswith((".", "~$")) or "__MACOSX" in member.parts:
                        continue
                    yield _Source(info.filename, archive.read(info))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise ReadError(f"{path}: not a readable zip file ({exc})") from None
        except RuntimeError as exc:  # encrypted members
            raise ReadError(f"{path}: cannot read the zip file ({exc})") from None
        return
    if path.suffix.lower() in SUFFIXES:
        yield _Source(path.name, path.read_bytes())
        return
    raise ReadError(f"{path}: expected a folder, a .zip, or a .csv/.xlsx/.parquet file")


# -- decoding raw grids ----------------------------------------------------------
def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:  # pragma: no cover - cp1258 maps almost all bytes
            raise ReadError(f"{name}: cannot decode the text as UTF-8 or Windows-1258") from exc
    return unicodedata.normalize("NFC", text)


def _csv_grid(source: _Source) -> tuple[pd.DataFrame, list[int]]:
    """All cells as text, with the physical line number of each record."""
    text = _decode(source.data, source.name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t", "|")}
    sep = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","
    try:
        grid = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, quotechar='"', engine="c",
        )
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), []
    except (pd.errors.ParserError, ValueError) as exc:
        raise ReadError(f"{source.name}: not a readable CSV file ({str(exc).splitlines()[0]})") from None
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if n_lines == len(grid):
        lines = list(range(1, len(grid) + 1))
    else:  # quoted cells span lines: ask the csv module where each record starts
        lines = []
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        start = 1
        for _ in reader:
            lines.append(start)
            start = reader.line_num + 1
        lines = lines[: len(grid)]
    return grid, lines


def _excel_sheets(source: _Source) -> list[tuple[str, pd.DataFrame, list[int]]]:
    if source.data[:8] == _OLE_MAGIC:
        raise ReadError(
            f"{source.name}: the workbook is encrypted (password-protected) or an old .xls "
            "file; save it as an unprotected .xlsx"
        )
    if source.data[:2] != b"PK":
        raise ReadError(f"{source.name}: not a readable .xlsx workbook")
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - exercised only without the excel extra
        return _excel_sheets_openpyxl(source)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(source.data))
        sheets = []
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            grid = pd.DataFrame(rows, dtype=object)
            sheets.append((sheet_name, grid, list(range(1, len(grid) + 1))))
    except Exception as exc:  # calamine raises its own error types
        raise ReadError(f"{source.name}: not a readable .xlsx workbook ({exc})") from None
    return sheets


def _excel_sheets_openpyxl(source: _Source) -> list[tuple[str, pd.DataFrame, list[int]]]:
    try:
        import openpyxl
    except ImportError as exc:
        raise ReadError(
            f"{source.name}: reading Excel needs the excel extra: pip install 'chitieu[excel]'"
        ) from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(f"{source.name}: not a readable .xlsx workbook ({exc})") from None
    sheets = []
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
        grid = pd.DataFrame(rows, dtype=object)
        sheets.append((ws.title, grid, list(range(1, len(grid) + 1))))
    return sheets


def _parquet_frame(source: _Source) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(source.data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise ReadError(f"{source.name}: not a readable Parquet file ({exc})") from None
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_date(column.type) or pa.types.is_timestamp(column.type):
            columns[name] = pd.Series(
                column.cast(pa.timestamp("us")).to_pandas(), dtype="datetime64[us]"
            )
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns)


# -- from a grid to a canonical frame ----------------------------------------------
def _find_header(grid: pd.DataFrame, lookup: dict[str, str]) -> int | None:
    best, best_hits = None, 0
    for i in range(min(_HEADER_SEARCH_ROWS, len(grid))):
        cells = [_fold(v) for v in grid.iloc[i].tolist() if v is not None and str(v).strip()]
        hits = len({lookup[c] for c in cells if c in lookup})
        if hits > best_hits:
            best, best_hits = i, hits
    return best


class _Issues:
    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []

    def add(self, code: str, table: str, file: str, column: str | None = None,
            value: object = None, detail: str = "", row: int | None = None) -> None:
        self.frames.append(pd.DataFrame([{
            "code": code, "table": table, "file": file, "row": row, "column": column,
            "value": None if value is None else str(value), "detail": detail,
        }]))

    def add_cells(self, code: str, table: str, file: str, column: str,
                  rows: pd.Series, values: pd.Series, detail: str) -> None:
        self.frames.append(pd.DataFrame({
            "code": code, "table": table, "file": file,
            "row": rows.to_numpy(), "column": column,
            "value": values.astype(str).to_numpy(), "detail": detail,
        }))

    def frame(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "row" else "str")
                                 for c in READ_ISSUE_COLUMNS})
        out = pd.concat(self.frames, ignore_index=True)
        out["row"] = out["row"].astype("Int64")
        for c in READ_ISSUE_COLUMNS:
            if c != "row":
                out[c] = out[c].astype("str")
        return out.loc[:, list(READ_ISSUE_COLUMNS)]


_EXPECTED = {
    "date": "a date (YYYY-MM-DD or DD/MM/YYYY)",
    "integer": "a whole number",
    "boolean": "yes/no (có/không, 1/0, true/false)",
}


def _canonical(
    raw: pd.DataFrame, rows: list[int], table: str, file: str, issues: _Issues,
    *, typed: bool = False,
) -> pd.DataFrame:
    """Map headers and parse values of one table's raw frame."""
    lookup = _header_lookup(table)
    specs = column_specs(table)
    mapped: dict[str, str] = {}
    for header in raw.columns:
        if header is None or (isinstance(header, float) and header != header) or not str(header).strip():
            if raw[header].map(lambda v: v is not None and str(v).strip() != "").any():
                issues.add("unknown-column", table, file, column="", detail="a column without a header holds values")
            continue
        canonical = lookup.get(_fold(header))
        if canonical is None:
            issues.add("unknown-column", table, file, column=str(header), value=header,
                       detail="this header is not a column of the table; the column was left out")
        elif canonical in mapped.values():
            issues.add("duplicate-column", table, file, column=str(header), value=header,
                       detail=f"a second column for {canonical}; only the first was read")
        else:
            mapped[header] = canonical
    frame = raw.loc[:, list(mapped)].set_axis(list(mapped.values()), axis=1)
    row_numbers = pd.Series(rows, index=raw.index, dtype="int64")
    out: dict[str, pd.Series] = {}
    for name, spec in specs.items():
        if name not in frame.columns:
            if spec.required:
                issues.add("missing-column", table, file, column=name,
                           detail=f"required column {name} ({spec.vi}) is not in the file")
            out[name] = pd.Series(None, index=raw.index, dtype=spec.dtype)
            continue
        col = frame[name]
        if spec.kind == "date":
            if pd.api.types.is_datetime64_any_dtype(col):
                parsed, bad = col.astype("datetime64[us]").dt.normalize(), pd.Series(False, index=col.index)
            else:
                parsed, bad = parse_dates(col)
        elif spec.kind == "boolean":
            parsed, bad = parse_bool(col)
        elif spec.kind == "integer":
            parsed, bad = parse_int(col)
        else:
            if spec.codelist and spec.multi:
                parsed = parse_multi_codes(col, spec.codelist)
            elif spec.codelist:
                parsed = parse_codes(col, spec.codelist)
            else:
                parsed = parse_text(col)
            bad = pd.Series(False, index=col.index)
        if bad.any():
            issues.add_cells(
                f"invalid-{spec.kind}", table, file, name, row_numbers[bad], col[bad],
                f"expected {_EXPECTED[spec.kind]} in column {name} ({spec.vi})",
            )
        out[name] = parsed.astype(spec.dtype)
    result = pd.DataFrame(out, index=raw.index)
    result[SOURCE_FILE] = pd.Series(file, index=raw.index, dtype="str")
    result[SOURCE_ROW] = row_numbers.astype("Int64")
    return result.reset_index(drop=True)


def _grid_to_frame(
    grid: pd.DataFrame, lines: list[int], table: str, file: str, issues: _Issues
) -> pd.DataFrame:
    if grid.empty:
        issues.add("empty-file", table, file, detail="the file holds no header and no rows")
        return _with_provenance(empty_frame(table))
    header_at = _find_header(grid, _header_lookup(table))
    if header_at is None:
        header_at = 0
    header = grid.iloc[header_at].tolist()
    body = grid.iloc[header_at + 1:]
    body_lines = lines[header_at + 1:]
    blank = body.map(lambda v: v is None or (isinstance(v, float) and v != v) or str(v).strip() == "")
    keep = ~blank.all(axis=1)
    body = body.loc[keep]
    body_lines = [n for n, k in zip(body_lines, keep.tolist(), strict=True) if k]
    body = body.set_axis(header, axis=1).reset_index(drop=True)
    return _canonical(body, body_lines, table, file, issues)


def _with_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame[SOURCE_FILE] = pd.Series([], dtype="str")
    frame[SOURCE_ROW] = pd.Series([], dtype="Int64")
    return frame


def read_table(path: str | os.PathLike[str], table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one file as *table*; returns the canonical frame and its read issues."""
    p = Path(path)
    if not p.is_file():
        raise ReadError(f"{p}: no such file")
    issues = _Issues()
    source = _Source(p.name, p.read_bytes())
    frames = _read_source(source, issues, forced=table)
    frame = frames.get(table, _with_provenance(empty_frame(table)))
    return frame, issues.frame()


def _read_source(source: _Source, issues: _Issues, forced: str | None = None) -> dict[str, pd.DataFrame]:
    found: dict[str, pd.DataFrame] = {}
    suffix = source.suffix
    if suffix in (".xlsx", ".xlsm"):
        sheets = _excel_sheets(source)
        file_table = forced or detect_table(source.name)
        non_empty = [(n, g, ln) for n, g, ln in sheets if not g.empty]
        for sheet_name, grid, lines in non_empty:
            table = detect_table(sheet_name)
            if table is None and file_table is not None and (len(non_empty) == 1 or sheet_name == non_empty[0][0]):
                table = file_table
            where = source.name if len(non_empty) == 1 else f"{source.name}#{sheet_name}"
            if table is None:
                issues.add("unknown-table", "", where, detail="neither the file nor the sheet name is a table of a submission")
                continue
            if table in found:
                issues.add("duplicate-table", table, where, detail=f"{table} was already read; this one was left out")
                continue
            found[table] = _grid_to_frame(grid, lines, table, where, issues)
        return found
    table = forced or detect_table(source.name)
    if table is None:
        issues.add("unknown-table", "", source.name, detail="the file name is not a table of a submission")
        return found
    if suffix in (".parquet", ".pq"):
        raw = _parquet_frame(source)
        found[table] = _canonical(raw, list(range(1, len(raw) + 1)), table, source.name, issues, typed=True)
    else:
        grid, lines = _csv_grid(source)
        found[table] = _grid_to_frame(grid, lines, table, source.name, issues)
    return found


def read_submission(path: str | os.PathLike[str]) -> Submission:
    """Read a submission from a folder, a ``.zip``, or one file.

    Parameters
    ----------
    path
        A folder or zip with one file per table (CSV, ``.xlsx`` or Parquet), a
        workbook whose sheets are the tables, or a single table file.

    Returns
    -------
    Submission
        Canonical frames; every row carries ``_source_file`` and ``_source_row``
        (the row number seen in Excel or a text editor). Unknown headers and
        unparseable values are listed in ``read_issues``.

    Raises
    ------
    ReadError
        When the input cannot be read at all (missing, corrupt, encrypted, empty).
    """
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{p}: no such file or folder")
    issues = _Issues()
    tables: dict[str, pd.DataFrame] = {}
    n_files = 0
    for source in _collect(p):
        n_files += 1
        for table, frame in _read_source(source, issues).items():
            if table in tables:
                issues.add("duplicate-table", table, source.name,
                           detail=f"{table} was already read from another file; this one was left out")
                continue
            tables[table] = frame
    if n_files == 0:
        raise ReadError(f"{p}: no .csv, .xlsx or .parquet files found")
    if not tables:
        raise ReadError(f"{p}: none of the files is a table of a submission (children, units, ...)")
    frames = {t: tables.get(t, _with_provenance(empty_frame(t))) for t in TABLES}
    return Submission(
        **frames,
        read_issues=issues.frame(),
        source=str(path),
        tables_present=tuple(t for t in TABLES if t in tables),
    )
