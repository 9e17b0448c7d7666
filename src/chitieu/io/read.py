"""Read a submission as people really send it.

:func:`read_submission` takes a folder, a ``.zip`` or a single file, with one
file per table in CSV, Excel (``.xlsx``) or Parquet, or one workbook whose
sheets are the tables. It maps headers and values as people type them to the
canonical columns of :mod:`chitieu.schemas`, keeps for every row the file and
the row number the user sees, and lists in ``Submission.read_issues`` every
file, header and value it could not use. Input it cannot read at all raises
:class:`chitieu.errors.ReadError` with a one-line message naming the path.

The rules (accepted names, date formats, encodings, row numbers) are described
in ``docs/reading.md``.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from pandas.api.types import pandas_dtype

from chitieu.errors import ReadError
from chitieu.io.headers import TABLE_SUFFIXES, detect_table, match_header
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

__all__ = ["read_submission", "read_table"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_HEADER_SEARCH_ROWS = 10
_SEPARATORS = (",", ";", "\t", "|")
_EXPECTED = {
    "date": "a date (YYYY-MM-DD or DD/MM/YYYY)",
    "integer": "a whole number",
    "boolean": "yes/no (có/không, 1/0, true/false)",
}


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


@dataclass(frozen=True)
class _Source:
    """One file of a submission: its name relative to the root, its bytes, its full path."""

    name: str
    data: bytes
    path: str

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


class _Issues:
    """Collects read issues; cell issues are added a whole column at a time."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(
        self,
        code: str,
        table: str,
        file: str,
        *,
        column: str = "",
        value: object = None,
        detail: str = "",
        row: int | None = None,
    ) -> None:
        record = {
            "code": code,
            "table": table,
            "file": file,
            "row": row,
            "column": column,
            "value": None if value is None else str(value),
            "detail": detail,
        }
        self.parts.append(pd.DataFrame([record]))

    def add_cells(
        self,
        code: str,
        table: str,
        file: str,
        column: str,
        rows: np.ndarray,
        values: pd.Series,
        detail: str,
    ) -> None:
        texts = values.map(str, na_action="ignore").to_numpy(dtype=object)
        self.parts.append(
            pd.DataFrame(
                {
                    "code": code,
                    "table": table,
                    "file": file,
                    "row": rows,
                    "column": column,
                    "value": texts,
                    "detail": detail,
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        parts = [p for p in self.parts if not p.empty]
        if not parts:
            return Submission().read_issues
        out = pd.concat(parts, ignore_index=True)
        columns = {
            c: out[c].astype("Int64") if c == "row" else out[c].astype("str")
            for c in READ_ISSUE_COLUMNS
        }
        return pd.DataFrame(columns)


# -- collecting files -------------------------------------------------------------------
_DOC_SUFFIXES = (".md", ".markdown", ".rst")
_DOC_STEMS = ("readme", "license", "licence")


def _skipped(parts: tuple[str, ...]) -> bool:
    """Hidden files, Excel lock files, macOS metadata and documentation (``README*``,
    ``*.md``) are not part of a submission."""
    if any(p.startswith((".", "~$")) or p == "__MACOSX" for p in parts):
        return True
    name = PurePosixPath(parts[-1]) if parts else PurePosixPath("")
    return name.suffix.lower() in _DOC_SUFFIXES or name.stem.lower() in _DOC_STEMS


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(
            f"{path}: cannot read the file ({exc.strerror or _one_line(exc)})"
        ) from None


def _not_a_table_file(name: str, issues: _Issues) -> None:
    issues.add(
        "unknown-table",
        detect_table(name) or "",
        name,
        detail="only .csv, .txt, .tsv, .xlsx and .parquet files are read; "
        "save Excel 97-2003 (.xls) and OpenDocument files as .xlsx",
    )


def _collect_folder(root: Path, issues: _Issues) -> Iterator[_Source]:
    try:
        paths = sorted(p for p in root.rglob("*") if p.is_file())
    except OSError as exc:
        raise ReadError(f"{root}: cannot list the folder ({_one_line(exc)})") from None
    for p in paths:
        relative = p.relative_to(root)
        if _skipped(relative.parts):
            continue
        if p.suffix.lower() in TABLE_SUFFIXES:
            yield _Source(relative.as_posix(), _read_bytes(p), str(p))
        else:
            _not_a_table_file(relative.as_posix(), issues)


def _collect_zip(path: Path, issues: _Issues) -> Iterator[_Source]:
    if not zipfile.is_zipfile(path):
        raise ReadError(f"{path}: not a zip file (the file is damaged or has another format)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(archive.infolist(), key=lambda i: i.filename)
            for info in members:
                member = PurePosixPath(info.filename)
                if info.is_dir() or _skipped(member.parts):
                    continue
                if member.suffix.lower() not in TABLE_SUFFIXES:
                    _not_a_table_file(info.filename, issues)
                    continue
                if info.flag_bits & 0x1:
                    raise ReadError(
                        f"{path}: {info.filename} is encrypted (password-protected); "
                        "send the zip without a password"
                    )
                yield _Source(info.filename, archive.read(info), f"{path}/{info.filename}")
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise ReadError(f"{path}: the zip file is damaged ({_one_line(exc)})") from None
    except (NotImplementedError, RuntimeError) as exc:
        raise ReadError(f"{path}: cannot unpack the zip file ({_one_line(exc)})") from None


def _collect(path: Path, issues: _Issues) -> list[_Source]:
    if path.is_dir():
        return list(_collect_folder(path, issues))
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return list(_collect_zip(path, issues))
    if suffix in TABLE_SUFFIXES:
        return [_Source(path.name, _read_bytes(path), str(path))]
    raise ReadError(
        f"{path}: expected a folder, a .zip, or a .csv, .xlsx or .parquet file, "
        f"not a {suffix or 'file without extension'}"
    )


# -- raw grids: every cell as found, one grid row per file row ------------------------
def _decode(data: bytes, name: str) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(f"{name}: the file says it is UTF-16 but cannot be decoded") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError:
                raise ReadError(
                    f"{name}: cannot decode the text as UTF-8 or Windows-1258"
                ) from None
    if not unicodedata.is_normalized("NFC", text):
        # Windows-1258 (and some Vietnamese keyboards) write tone marks as
        # separate combining characters.
        text = unicodedata.normalize("NFC", text)
    return text


def _outside_quotes(line: str) -> str:
    parts = line.split('"')
    return "".join(parts[::2])


def _sniff_separator(text: str, suffix: str, table: str | None = None) -> str:
    """The separator of a CSV file, from its first non-blank lines.

    The separator that splits some line into the most column names of *table*
    wins (so that commas inside an unquoted cell of a ``;`` file do not count);
    without any column name, the one most frequent on a line outside quotes.
    """
    if suffix == ".tsv":
        return "\t"
    lines = [line for line in text[:65536].splitlines()[:50] if line.strip()]
    lines = lines[:_HEADER_SEARCH_ROWS]
    best, best_score = ",", (0, 0)
    for sep in _SEPARATORS:
        count = max((_outside_quotes(line).count(sep) for line in lines), default=0)
        hits = 0
        if table is not None and count:
            for cells in csv.reader(lines, delimiter=sep):
                found = {match_header(c, table) for c in cells if c.strip()} - {None}
                hits = max(hits, len(found))
        if (hits, count) > best_score:
            best, best_score = sep, (hits, count)
    return best


@contextmanager
def _any_field_size() -> Iterator[None]:
    """Let :mod:`csv` read cells of any size (its default limit is 128 KiB), then restore."""
    previous = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _record_lines(text: str, sep: str, name: str) -> np.ndarray:
    """Physical line on which each CSV record starts (quoted cells may span lines)."""
    starts: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    previous = 0
    try:
        with _any_field_size():
            for _ in reader:
                starts.append(previous + 1)
                previous = reader.line_num
    except csv.Error as exc:
        raise ReadError(f"{name}: not a readable CSV file ({_one_line(exc)})") from None
    return np.asarray(starts, dtype="int64")


def _csv_grid_python(text: str, sep: str, name: str) -> pd.DataFrame:
    """Slow path for ragged files (a title line with fewer cells than the header)."""
    try:
        with _any_field_size():
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise ReadError(f"{name}: not a readable CSV file ({_one_line(exc)})") from None
    width = max((len(r) for r in rows), default=0)
    padded = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(padded, columns=range(width), dtype="str")


def _csv_grid(source: _Source, table: str | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Every cell of a CSV file as text, and the line number of each record."""
    text = _decode(source.data, source.path)
    if not text or text.isspace():
        return pd.DataFrame(), np.zeros(0, dtype="int64")
    sep = _sniff_separator(text, source.suffix, table)
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quotechar='"',
            engine="c",
        )
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), np.zeros(0, dtype="int64")
    except pd.errors.ParserError:
        grid = _csv_grid_python(text, sep, source.path)
    except (ValueError, OverflowError) as exc:
        raise ReadError(f"{source.path}: not a readable CSV file ({_one_line(exc)})") from None
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if n_lines == len(grid) and text.count("\r") == text.count("\r\n"):
        lines = np.arange(1, len(grid) + 1, dtype="int64")
    else:
        lines = _record_lines(text, sep, source.path)
        if len(lines) != len(grid):  # the two parsers disagree: fall back to the slow one
            grid = _csv_grid_python(text, sep, source.path)
            lines = lines[: len(grid)]
    return grid, lines


def _excel_error(source: _Source) -> ReadError | None:
    data = source.data
    if data[:8] == _OLE_MAGIC:
        if _ENCRYPTED_STREAM in data:
            return ReadError(
                f"{source.path}: the workbook is encrypted (password-protected); "
                "remove the password in Excel and save it again"
            )
        return ReadError(
            f"{source.path}: this is an Excel 97-2003 (.xls) workbook, not .xlsx; save it as .xlsx"
        )
    if data[:4] != b"PK\x03\x04":
        return ReadError(f"{source.path}: not a readable .xlsx workbook (the file is damaged)")
    return None


def _excel_sheets(source: _Source) -> list[tuple[str, pd.DataFrame]]:
    """Every sheet of a workbook as a grid of cells; grid row ``i`` is Excel row ``i + 1``."""
    error = _excel_error(source)
    if error is not None:
        raise error
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency of the excel extra
        return _excel_sheets_openpyxl(source)
    sheets = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(source.data))
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            sheets.append((sheet_name, pd.DataFrame(rows, dtype=object)))
    except Exception as exc:  # calamine raises its own, unexported error types
        raise ReadError(
            f"{source.path}: not a readable .xlsx workbook ({_one_line(exc)})"
        ) from None
    return sheets


def _excel_sheets_openpyxl(source: _Source) -> list[tuple[str, pd.DataFrame]]:  # pragma: no cover
    try:
        import openpyxl
    except ImportError:
        raise ReadError(
            f"{source.path}: reading Excel needs python-calamine or openpyxl: "
            "pip install 'chitieu[excel]'"
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
        sheets = []
        for ws in book.worksheets:
            rows = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
            sheets.append((ws.title, pd.DataFrame(rows, dtype=object)))
    except Exception as exc:
        raise ReadError(
            f"{source.path}: not a readable .xlsx workbook ({_one_line(exc)})"
        ) from None
    return sheets


def _parquet_frame(source: _Source) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(source.data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ReadError(f"{source.path}: not a readable Parquet file ({_one_line(exc)})") from None
    try:
        metadata = table.schema.pandas_metadata or {}
    except ValueError:  # metadata written by another tool, not JSON: not needed
        metadata = {}
    # A frame saved with its index by pandas: the index is not a column of the table.
    index_columns = {c for c in metadata.get("index_columns", []) if isinstance(c, str)}
    columns: dict[str, pd.Series] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if name in index_columns:
            continue
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = column.type
        if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            if pa.types.is_timestamp(kind) and kind.tz is not None:
                column = column.cast(pa.timestamp(kind.unit))
            values = column.cast(pa.timestamp("us")).to_numpy()
            columns[str(name)] = pd.Series(values, dtype="datetime64[us]")
        else:
            columns[str(name)] = column.to_pandas()
    return pd.DataFrame(columns)


# -- from a grid to a canonical frame -------------------------------------------------
def _clean(column: pd.Series) -> pd.Series:
    """Trim text cells, NFC-normalise them and make blank cells missing."""
    if column.dtype == object:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)

        def clean(value: object) -> object:
            if isinstance(value, str):
                value = unicodedata.normalize("NFC", value.strip())
                return value if value else np.nan
            return value

        cleaned = np.array([clean(u) for u in uniques] + [np.nan], dtype=object)
        return pd.Series(cleaned[codes], index=column.index, dtype=object)
    if pd.api.types.is_string_dtype(column.dtype):
        text = column.str.strip()
        return text.where(text.ne(""))
    return column


def _find_header(grid: pd.DataFrame, table: str) -> tuple[int, int]:
    """Row of the header (first of the top rows matching the most column names) and its hits."""
    best, best_hits = 0, 0
    for i in range(min(_HEADER_SEARCH_ROWS, len(grid))):
        cells = [v for v in grid.iloc[i].tolist() if isinstance(v, str)]
        hits = len({found for v in cells if (found := match_header(v, table)) is not None})
        if hits > best_hits:
            best, best_hits = i, hits
    return best, best_hits


def _grid_to_frame(
    grid: pd.DataFrame, lines: np.ndarray, table: str, file: str, issues: _Issues
) -> pd.DataFrame:
    """A grid of cells (title rows, header, data) to a canonical frame of *table*."""
    grid = grid.apply(_clean) if not grid.empty else grid
    if grid.empty or grid.isna().all(axis=None):
        issues.add("empty-file", table, file, detail="the file holds no header and no rows")
        return _with_provenance(empty_frame(table))
    header_at, hits = _find_header(grid, table)
    header = grid.iloc[header_at].tolist()
    body = grid.iloc[header_at + 1 :]
    body_lines = lines[header_at + 1 :]
    keep = ~body.isna().all(axis=1).to_numpy()
    body = body.loc[keep].reset_index(drop=True)
    body_lines = body_lines[keep]
    columns: list[tuple[object, pd.Series]] = [
        (header[i], body.iloc[:, i]) for i in range(body.shape[1])
    ]
    if hits == 0 and any(isinstance(h, str) for h in header):
        # No header row: do not echo the cells of the first row, they may be data.
        issues.add(
            "unknown-column",
            table,
            file,
            value="",
            detail=f"no row among the first {_HEADER_SEARCH_ROWS} holds the column names "
            "of the table; no column was read",
        )
        columns = []
    return _canonical(columns, len(body), body_lines, table, file, issues)


def _canonical(
    columns: list[tuple[object, pd.Series]],
    n_rows: int,
    rows: np.ndarray,
    table: str,
    file: str,
    issues: _Issues,
) -> pd.DataFrame:
    """Map headers to columns and parse every value to its canonical dtype."""
    specs = column_specs(table)
    found: dict[str, pd.Series] = {}
    for position, (header, values) in enumerate(columns, start=1):
        if header is None or (isinstance(header, float) and header != header):
            if values.notna().any():
                issues.add(
                    "unknown-column",
                    table,
                    file,
                    value="",
                    detail=f"column {position} has no header but holds values; it was left out",
                )
            continue
        name = match_header(header, table)
        if name is None:
            issues.add(
                "unknown-column",
                table,
                file,
                column=str(header),
                value=header,
                detail="this header is not a column of the table; the column was left out",
            )
        elif name in found:
            issues.add(
                "duplicate-column",
                table,
                file,
                column=name,
                value=header,
                detail=f"a second column for {name}; only the first was read",
            )
        else:
            found[name] = values.reset_index(drop=True)
    index = pd.RangeIndex(n_rows)
    out: dict[str, pd.Series] = {}
    for name, spec in specs.items():
        if name not in found:
            if spec.required:
                issues.add(
                    "missing-column",
                    table,
                    file,
                    column=name,
                    detail=f"required column {name} ({spec.vi}) is not in the file",
                )
            out[name] = pd.Series(index=index, dtype=pandas_dtype(spec.dtype))
            continue
        raw = found[name]
        if spec.kind == "date":
            parsed, bad = parse_dates(raw)
        elif spec.kind == "boolean":
            parsed, bad = parse_bool(raw)
        elif spec.kind == "integer":
            parsed, bad = parse_int(raw)
        else:
            if spec.codelist and spec.multi:
                parsed = parse_multi_codes(raw, spec.codelist)
            elif spec.codelist:
                parsed = parse_codes(raw, spec.codelist)
            else:
                parsed = parse_text(raw)
            bad = None
        if bad is not None and bad.any():
            mask = bad.to_numpy()
            issues.add_cells(
                f"invalid-{spec.kind}",
                table,
                file,
                name,
                rows[mask],
                raw[mask],
                f"expected {_EXPECTED[spec.kind]} in column {name} ({spec.vi})",
            )
        out[name] = parsed.astype(pandas_dtype(spec.dtype))
    result = pd.DataFrame(out, index=index)
    result[SOURCE_FILE] = pd.Series(
        pd.array([file], dtype="str").take(np.zeros(n_rows, dtype="int64")), index=index
    )
    result[SOURCE_ROW] = pd.Series(rows, index=index).astype("Int64")
    return result


def _with_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame[SOURCE_FILE] = pd.Series([], index=frame.index, dtype="str")
    frame[SOURCE_ROW] = pd.Series([], index=frame.index, dtype="Int64")
    return frame


# -- one source file ----------------------------------------------------------------
def _read_workbook(
    source: _Source, issues: _Issues, forced: str | None
) -> list[tuple[str, str, pd.DataFrame]]:
    """``(table, where, frame)`` for every sheet of a workbook that is a table."""
    sheets = [(n, g) for n, g in _excel_sheets(source) if not g.empty]
    sheets = [(n, g) for n, g in sheets if _has_data(g)]
    file_table = forced or detect_table(source.name)
    found: list[tuple[str, str, pd.DataFrame]] = []
    for position, (sheet_name, grid) in enumerate(sheets):
        table = forced or detect_table(sheet_name)
        if table is None and file_table is not None and position == 0:
            table = file_table
        where = source.name if len(sheets) == 1 else f"{source.name}#{sheet_name}"
        if table is None:
            issues.add(
                "unknown-table",
                "",
                where,
                detail="neither the file name nor the sheet name is a table of a submission; "
                "the sheet was left out",
            )
            continue
        lines = np.arange(1, len(grid) + 1, dtype="int64")
        found.append((table, where, _grid_to_frame(grid, lines, table, where, issues)))
    return found


def _has_data(grid: pd.DataFrame) -> bool:
    """Whether any cell of a sheet holds something (stops at the first one)."""
    return any(not _is_blank_cell(value) for row in grid.itertuples(index=False) for value in row)


def _is_blank_cell(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def _read_source(
    source: _Source, issues: _Issues, forced: str | None = None
) -> list[tuple[str, str, pd.DataFrame]]:
    if source.suffix in (".xlsx", ".xlsm"):
        return _read_workbook(source, issues, forced)
    table = forced or detect_table(source.name)
    if table is None:
        issues.add(
            "unknown-table",
            "",
            source.name,
            detail="the file name is not a table of a submission; the file was left out",
        )
        return []
    if source.suffix in (".parquet", ".pq"):
        raw = _parquet_frame(source)
        columns: list[tuple[object, pd.Series]] = [(str(c), raw[c]) for c in raw.columns]
        # Parquet has no header row: rows are numbered from 1.
        rows = np.arange(1, len(raw) + 1, dtype="int64")
        return [
            (table, source.name, _canonical(columns, len(raw), rows, table, source.name, issues))
        ]
    grid, lines = _csv_grid(source, table)
    return [(table, source.name, _grid_to_frame(grid, lines, table, source.name, issues))]


# -- public ---------------------------------------------------------------------------
def read_table(path: str | os.PathLike[str], table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one file as *table*, whatever its name.

    Returns the canonical frame (with provenance columns) and its read issues.
    A workbook is read from its first sheet holding data.

    Raises
    ------
    ReadError
        When the file cannot be read.
    """
    if table not in TABLES:
        raise KeyError(f"no table {table!r}; tables: {', '.join(TABLES)}")
    p = Path(path)
    if not p.is_file():
        raise ReadError(f"{p}: no such file")
    issues = _Issues()
    found = _read_source(_Source(p.name, _read_bytes(p), str(p)), issues, forced=table)
    frame = found[0][2] if found else _with_provenance(empty_frame(table))
    return frame, issues.frame()


def read_submission(path: str | os.PathLike[str]) -> Submission:
    """Read a submission from a folder, a ``.zip``, a workbook or one table file.

    Parameters
    ----------
    path
        A folder or zip with one file per table (CSV, ``.xlsx`` or Parquet,
        named after the table in English or Vietnamese), a workbook whose sheets
        are the tables, or a single table file.

    Returns
    -------
    Submission
        Canonical frames; every row carries ``_source_file`` (the file relative
        to the submission root, ``#sheet`` added for a workbook of several
        tables) and ``_source_row`` (the row number seen in Excel or a text
        editor). Unknown files and headers, missing required columns and
        unparseable values are listed in ``read_issues``.

    Raises
    ------
    ReadError
        When the input cannot be read at all: a missing path, a folder or zip
        without table files, a damaged zip, workbook or Parquet file, an
        encrypted workbook.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "Trẻ em.csv").write_text(
    ...     "Mã trẻ em;Ngày sinh;Giới tính;Dân tộc;Mã xã;Phiên bản danh mục\\n"
    ...     "001;02/03/2015;Nữ;Kinh;07774;2008\\n", encoding="utf-8-sig")
    >>> sub = read_submission(folder)
    >>> sub.children[["child_id", "birth_date", "sex", "ethnicity", "commune_code"]]
      child_id birth_date sex ethnicity commune_code
    0      001 2015-03-02   F        01        07774
    >>> sub.children["_source_row"].tolist(), sub.tables_present
    ([2], ('children',))
    """
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{p}: no such file or folder")
    issues = _Issues()
    sources = _collect(p, issues)
    if not sources:
        raise ReadError(f"{p}: no .csv, .xlsx or .parquet files found")
    tables: dict[str, pd.DataFrame] = {}
    origin: dict[str, str] = {}
    for source in sources:
        for table, where, frame in _read_source(source, issues):
            if table in tables:
                issues.add(
                    "duplicate-table",
                    table,
                    where,
                    detail=f"{table} was already read from {origin[table]}; this one was left out",
                )
                continue
            tables[table], origin[table] = frame, where
    if not tables:
        raise ReadError(
            f"{p}: none of the files is a table of a submission "
            "(name files after the tables: children/tre_em, injuries/tai_nan_thuong_tich, ...)"
        )
    frames = {t: tables.get(t, _with_provenance(empty_frame(t))) for t in TABLES}
    return Submission(
        **frames,
        read_issues=issues.frame(),
        source=str(path),
        tables_present=tuple(t for t in TABLES if t in tables),
    )
