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
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

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
from chitieu.privacy import mask_text, uninert_frame
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs, empty_frame
from chitieu.submission import READ_ISSUE_COLUMNS, Submission

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILES",
    "MAX_INFLATION_RATIO",
    "MAX_INPUT_BYTES",
    "MAX_ROWS",
    "RATIO_FLOOR_BYTES",
    "Limits",
    "read_submission",
    "read_table",
]

# -- limits ------------------------------------------------------------------------------
#: Largest total size of the table files of one submission, in bytes, after unzipping.
MAX_INPUT_BYTES = 512 * 1024 * 1024
#: Largest inflation ratio (unpacked size / packed size) of a member of a zip or workbook.
MAX_INFLATION_RATIO = 100.0
#: Members smaller than this once unpacked are not held to :data:`MAX_INFLATION_RATIO`.
RATIO_FLOOR_BYTES = 1024 * 1024
#: Most lines (CSV), rows (workbook sheet) or rows (Parquet) of one table file.
MAX_ROWS = 5_000_000
#: Most columns of one table file (a table has at most a few dozen).
MAX_COLUMNS = 1_000
#: Longest cell, in characters; longer cells are reported and read as empty.
MAX_CELL_CHARS = 1_048_576
#: Most files in a folder or members in a zip or workbook.
MAX_FILES = 10_000

_ENV_PREFIX = "CHITIEU_"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one submission may hold, so that no input exhausts the machine.

    Each field defaults to the module constant of the same name (upper case);
    :meth:`from_env` lets the environment variable ``CHITIEU_`` + that name
    (``CHITIEU_MAX_INPUT_BYTES``, ...) override it, and keyword arguments
    override both. See ``docs/limits.md``.

    Examples
    --------
    >>> Limits().max_rows == MAX_ROWS
    True
    >>> Limits.from_env({"CHITIEU_MAX_ROWS": "2000"}, max_files=50)
    Limits(max_input_bytes=536870912, max_inflation_ratio=100.0, max_rows=2000, max_columns=1000, max_cell_chars=1048576, max_files=50)
    """

    max_input_bytes: int = MAX_INPUT_BYTES
    max_inflation_ratio: float = MAX_INFLATION_RATIO
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cell_chars: int = MAX_CELL_CHARS
    max_files: int = MAX_FILES

    @classmethod
    def from_env(
        cls, environ: dict[str, str] | os._Environ[str] | None = None, **overrides: float
    ) -> Limits:
        """The limits set by ``CHITIEU_MAX_...`` environment variables, then *overrides*.

        Raises
        ------
        ReadError
            With code ``invalid-limit`` when a variable is not a positive number.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = _ENV_PREFIX + f.name.upper()
            text = environ.get(key)
            if text is None or not text.strip():
                continue
            try:
                value = float(text) if f.name == "max_inflation_ratio" else int(text.strip())
            except ValueError:
                value = -1
            if value <= 0:
                raise ReadError(
                    f"{key}={text!r}: expected a positive whole number", code="invalid-limit"
                )
            values[f.name] = value
        values.update(overrides)
        return replace(cls(), **values)


_LIMITS: ContextVar[Limits] = ContextVar("chitieu_read_limits", default=Limits())  # noqa: B039


def _limits() -> Limits:
    return _LIMITS.get()


def _size(n: float) -> str:
    """A byte count for people: ``'512 MiB'``."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GiB"  # pragma: no cover


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


_SHOWN_CHARS = 200


def _shorten(text: str) -> str:
    """At most :data:`_SHOWN_CHARS` characters of a value, for messages."""
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


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
            "value": None if value is None else _shorten(str(value)),
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
        texts = values.map(lambda v: _shorten(str(v)), na_action="ignore").to_numpy(dtype=object)
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


def _too_large(where: object, size: int, code: str = "input-too-large") -> ReadError:
    limit = _limits().max_input_bytes
    return ReadError(
        f"{where}: the table files hold {_size(size)}, more than the limit of {_size(limit)} "
        "(split the submission, or raise CHITIEU_MAX_INPUT_BYTES)",
        code=code,
    )


def _not_a_table_file(name: str, issues: _Issues) -> None:
    issues.add(
        "unknown-table",
        detect_table(name) or "",
        name,
        detail="only .csv, .txt, .tsv, .xlsx and .parquet files are read; "
        "save Excel 97-2003 (.xls) and OpenDocument files as .xlsx",
    )


def _collect_folder(root: Path, issues: _Issues) -> Iterator[_Source]:
    limits = _limits()
    try:
        paths = []
        for p in root.rglob("*"):
            if p.is_file():
                paths.append(p)
                if len(paths) > limits.max_files:
                    raise ReadError(
                        f"{root}: the folder holds more than {limits.max_files:,} files "
                        "(raise CHITIEU_MAX_FILES to read it)",
                        code="too-many-files",
                    )
        paths.sort()
    except OSError as exc:
        if isinstance(exc, ReadError):
            raise
        raise ReadError(f"{root}: cannot list the folder ({_one_line(exc)})") from None
    wanted: list[tuple[Path, str]] = []
    for p in paths:
        relative = p.relative_to(root)
        if _skipped(relative.parts):
            continue
        if p.suffix.lower() in TABLE_SUFFIXES:
            wanted.append((p, relative.as_posix()))
        else:
            _not_a_table_file(relative.as_posix(), issues)
    total = 0
    for p, _ in wanted:
        try:
            total += p.stat().st_size
        except OSError:
            continue  # reported when it is read
    if total > limits.max_input_bytes:
        raise _too_large(root, total)
    for p, name in wanted:
        yield _Source(name, _read_bytes(p), str(p))


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_member(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member would land outside the folder it is unpacked into.

    Absolute names (``/etc/x.csv``, ``\\x.csv``, ``C:x.csv``), names that climb
    (``../x.csv``, ``a\\..\\..\\x.csv``) and symbolic links are unsafe.
    """
    name = info.filename
    if not name or "\0" in name or name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    if any(part == ".." for part in re.split(r"[\\/]", name)):
        return True
    return stat.S_ISLNK(info.external_attr >> 16)


def _member_names(infos: list[zipfile.ZipInfo]) -> str:
    shown = ", ".join(repr(mask_text(i.filename)) for i in infos[:3])
    return shown + (f" and {len(infos) - 3} more" if len(infos) > 3 else "")


def _check_members(where: object, infos: list[zipfile.ZipInfo], what: str = "zip") -> None:
    """Refuse a zip (or workbook) with too many members, unsafe names or bomb-like sizes."""
    limits = _limits()
    if len(infos) > limits.max_files:
        raise ReadError(
            f"{where}: the {what} holds {len(infos):,} members, more than the limit of "
            f"{limits.max_files:,} (raise CHITIEU_MAX_FILES to read it)",
            code="zip-too-many-members",
        )
    unsafe = [i for i in infos if _unsafe_member(i)]
    if unsafe:
        raise ReadError(
            f"{where}: refused: the {what} holds members with an absolute name, a name that "
            f"climbs out of the folder (..) or a link: {_member_names(unsafe)}",
            code="zip-unsafe-member",
        )


def _check_declared(where: object, infos: list[zipfile.ZipInfo]) -> None:
    """The sizes a zip declares must stay within the limits."""
    limits = _limits()
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_input_bytes:
        raise _too_large(where, declared, code="zip-too-large")
    for info in infos:
        _check_ratio(where, info.filename, info.file_size, info.compress_size)


def _check_ratio(where: object, member: str, unpacked: int, packed: int) -> None:
    ratio = unpacked / max(packed, 1)
    limit = _limits().max_inflation_ratio
    if unpacked >= RATIO_FLOOR_BYTES and ratio > limit:
        raise ReadError(
            f"{where}: refused: member {mask_text(member)!r} inflates {ratio:,.0f} times "
            f"(to {_size(unpacked)}), more than the limit of {limit:,.0f} times; this is how a "
            "zip bomb looks (raise CHITIEU_MAX_INFLATION_RATIO if the file is genuine)",
            code="zip-ratio",
        )


_CHUNK = 1024 * 1024


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: object, budget: int
) -> Iterator[bytes]:
    """The bytes of a member, chunk by chunk, counted while inflating (sizes can lie)."""
    count = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            count += len(chunk)
            if count > budget:
                raise _too_large(where, _limits().max_input_bytes + 1, code="zip-too-large")
            _check_ratio(where, info.filename, count, info.compress_size)
            yield chunk


def _collect_zip(path: Path, issues: _Issues) -> Iterator[_Source]:
    if not zipfile.is_zipfile(path):
        raise ReadError(
            f"{path}: not a zip file (the file is damaged or has another format)",
            code="zip-damaged",
        )
    limits = _limits()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_members(path, infos)
            wanted: list[tuple[zipfile.ZipInfo, str]] = []
            for info in sorted(infos, key=lambda i: i.filename):
                name = info.filename.replace("\\", "/")
                member = PurePosixPath(name)
                if info.is_dir() or name.endswith("/") or _skipped(member.parts):
                    continue
                if member.suffix.lower() not in TABLE_SUFFIXES:
                    _not_a_table_file(name, issues)
                    continue
                if info.flag_bits & 0x1:
                    raise ReadError(
                        f"{path}: {mask_text(name)} is encrypted (password-protected); "
                        "send the zip without a password",
                        code="zip-encrypted",
                    )
                wanted.append((info, name))
            _check_declared(path, [i for i, _ in wanted])
            total = 0
            for info, name in wanted:
                data = b"".join(_inflate(archive, info, path, limits.max_input_bytes - total))
                total += len(data)
                yield _Source(name, data, f"{path}/{name}")
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise ReadError(
            f"{path}: the zip file is damaged ({mask_text(_one_line(exc))})", code="zip-damaged"
        ) from None
    except (NotImplementedError, RuntimeError) as exc:
        raise ReadError(
            f"{path}: cannot unpack the zip file ({mask_text(_one_line(exc))})",
            code="zip-unsupported",
        ) from None


def _collect(path: Path, issues: _Issues) -> list[_Source]:
    if path.is_dir():
        return list(_collect_folder(path, issues))
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return list(_collect_zip(path, issues))
    if suffix in TABLE_SUFFIXES:
        return [_single_source(path)]
    raise ReadError(
        f"{path}: expected a folder, a .zip, or a .csv, .xlsx or .parquet file, "
        f"not a {suffix or 'file without extension'}",
        code="unsupported-input",
    )


def _single_source(path: Path) -> _Source:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # reported when it is read
    if size > _limits().max_input_bytes:
        raise _too_large(path, size)
    return _Source(path.name, _read_bytes(path), str(path))


# -- raw grids: every cell as found, one grid row per file row ------------------------
_MAGIC = (
    (b"PK\x03\x04", "a zip archive or an .xlsx workbook"),
    (b"PAR1", "a Parquet file"),
    (_OLE_MAGIC, "an Excel 97-2003 (.xls) workbook"),
    (b"%PDF", "a PDF document"),
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _not_text(name: str, why: str) -> ReadError:
    return ReadError(f"{name}: not a text (CSV) file: {why}", code="not-text")


def _utf16_without_bom(sample: bytes) -> str | None:
    """``'utf-16-le'`` or ``'utf-16-be'`` when NUL bytes fall on every other byte."""
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _decode_lines(data: bytes) -> str:
    """UTF-8 line by line, Windows-1258 for the lines that are not UTF-8."""
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("cp1258"))
    return "\n".join(out)


def _decode(data: bytes, name: str) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16, else Windows-1258.

    A file whose lines mix UTF-8 and Windows-1258 is decoded line by line. Binary
    files (NUL or other control bytes, the signature of a workbook, a zip or a
    Parquet file) raise :class:`ReadError` with code ``not-text``.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _not_text(name, f"it is {what}; give it the right extension")
    encoding = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\0" in data:
        encoding = _utf16_without_bom(data[:65536])
        if encoding is None:
            raise _not_text(name, "it holds NUL bytes")
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise ReadError(
                f"{name}: the file looks like UTF-16 text but cannot be decoded", code="not-text"
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
                text = _decode_lines(body)
            except UnicodeDecodeError:
                raise _not_text(name, "cannot decode the bytes as UTF-8 or Windows-1258") from None
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(5, len(sample) // 100):
        raise _not_text(name, "it holds control characters (is it a binary file?)")
    if "\0" in text:
        raise _not_text(name, "it holds NUL characters")
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
        raise ReadError(
            f"{name}: not a readable CSV file ({mask_text(_one_line(exc))})", code="csv-damaged"
        ) from None
    return np.asarray(starts, dtype="int64")


def _csv_grid_python(text: str, sep: str, name: str, width: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Slow path for ragged files (a title line with fewer cells than the header, a row
    with more cells than the header).

    Rows are cut to *width* cells (the widest of the first lines); the second value is,
    per row, how many non-blank cells were cut off.
    """
    rows: list[list[str]] = []
    cut: list[int] = []
    try:
        with _any_field_size():
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
                if len(row) > width:
                    cut.append(sum(1 for c in row[width:] if c.strip()))
                    row = row[:width]
                else:
                    cut.append(0)
                rows.append(row)
    except csv.Error as exc:
        raise ReadError(
            f"{name}: not a readable CSV file ({mask_text(_one_line(exc))})", code="csv-damaged"
        ) from None
    widest = max((len(r) for r in rows), default=0)
    padded = [r + [""] * (widest - len(r)) for r in rows]
    grid = pd.DataFrame(padded, columns=range(widest), dtype="str")
    return grid, np.asarray(cut, dtype="int64")


def _first_lines(text: str, n: int) -> list[str]:
    """The first *n* non-blank lines of *text*, without splitting the whole text."""
    out: list[str] = []
    start = 0
    while len(out) < n and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if line.strip():
            out.append(line)
        start = end + 1
    return out


def _csv_width(text: str, sep: str, name: str) -> int:
    """Cells of the widest of the first lines (title rows and header)."""
    lines = _first_lines(text, _HEADER_SEARCH_ROWS)
    width = max((_outside_quotes(line).count(sep) + 1 for line in lines), default=0)
    limit = _limits().max_columns
    if width > limit:
        raise ReadError(
            f"{name}: a line among the first holds {width:,} cells, more than the limit of "
            f"{limit:,} columns (raise CHITIEU_MAX_COLUMNS to read it)",
            code="too-many-columns",
        )
    return width


def _check_rows(name: str, rows: int, unit: str = "rows") -> None:
    """Refuse a file of more than ``max_rows`` rows (title rows and header allowed)."""
    limit = _limits().max_rows
    if rows > limit + _HEADER_SEARCH_ROWS:
        raise ReadError(
            f"{name}: the file holds {rows:,} {unit}, more than the limit of {limit:,} rows "
            "(split the table, or raise CHITIEU_MAX_ROWS)",
            code="too-many-rows",
        )


_Grid = tuple[pd.DataFrame, np.ndarray, np.ndarray]


def _csv_grid(source: _Source, table: str | None = None) -> _Grid:
    """Every cell of a CSV file as text, the line number of each record, and per record
    the number of non-blank cells beyond the widest of the first lines."""
    text = _decode(source.data, source.path)
    empty = (pd.DataFrame(), np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64"))
    if not text or text.isspace():
        return empty
    _check_rows(source.path, text.count("\n"), "lines")
    sep = _sniff_separator(text, source.suffix, table)
    width = _csv_width(text, sep, source.path)
    cut: np.ndarray | None = None
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
        return empty
    except pd.errors.ParserError:
        grid, cut = _csv_grid_python(text, sep, source.path, width)
    except (ValueError, OverflowError, MemoryError) as exc:
        raise ReadError(
            f"{source.path}: not a readable CSV file ({mask_text(_one_line(exc))})",
            code="csv-damaged",
        ) from None
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if n_lines == len(grid) and text.count("\r") == text.count("\r\n"):
        lines = np.arange(1, len(grid) + 1, dtype="int64")
    else:
        lines = _record_lines(text, sep, source.path)
        if len(lines) != len(grid):  # the two parsers disagree: fall back to the slow one
            grid, cut = _csv_grid_python(text, sep, source.path, width)
            lines = lines[: len(grid)]
    if cut is None:
        cut = np.zeros(len(grid), dtype="int64")
    return grid, lines, cut


def _excel_error(source: _Source) -> ReadError | None:
    data = source.data
    if data[:8] == _OLE_MAGIC:
        if _ENCRYPTED_STREAM in data:
            return ReadError(
                f"{source.path}: the workbook is encrypted (password-protected); "
                "remove the password in Excel and save it again",
                code="xlsx-encrypted",
            )
        return ReadError(
            f"{source.path}: this is an Excel 97-2003 (.xls) workbook, not .xlsx; save it as .xlsx",
            code="xls-not-xlsx",
        )
    if data[:4] != b"PK\x03\x04":
        return ReadError(
            f"{source.path}: not a readable .xlsx workbook (the file is damaged)",
            code="xlsx-damaged",
        )
    return None


_CELL_REF = re.compile(rb"<(?:[A-Za-z]\w*:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z]\w*:)?row[\s>/]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _SheetExtent:
    """What a scan of a worksheet's XML found: farthest cell, cells and rows present."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    row_tags: int = 0

    @property
    def grid(self) -> int:
        return self.rows * self.columns


def _scan_sheet(chunks: Iterator[bytes]) -> _SheetExtent:
    extent = _SheetExtent()
    carry = b""
    for chunk in chunks:
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut == -1 or len(buf) - cut > 65536:  # no tag open at the end (or a huge one)
            cut = len(buf)
        body, carry = buf[:cut], buf[cut:]
        for match in _CELL_REF.finditer(body):
            extent.cells += 1
            extent.columns = max(extent.columns, _column_number(match.group(1)))
            extent.rows = max(extent.rows, int(match.group(2)))
        extent.row_tags += len(_ROW_TAG.findall(body))
    return extent


def _scan_workbook(source: _Source) -> list[_SheetExtent]:
    """Check a workbook's members like a zip's, and measure every worksheet.

    Every XML member is inflated once here, counting its bytes, so that a
    workbook bomb is refused before the reader allocates anything.
    """
    limits = _limits()
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as archive:
            infos = archive.infolist()
            _check_members(source.path, infos, what="workbook")
            _check_declared(source.path, infos)
            extents = []
            total = 0
            for info in infos:
                name = info.filename.lower()
                if not name.endswith((".xml", ".rels", ".vml")):
                    continue
                budget = limits.max_input_bytes - total
                chunks = _counted(_inflate(archive, info, source.path, budget))
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    extents.append(_scan_sheet(chunks))
                else:
                    for _ in chunks:
                        pass
                total += chunks.count
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise ReadError(
            f"{source.path}: not a readable .xlsx workbook ({mask_text(_one_line(exc))})",
            code="xlsx-damaged",
        ) from None
    except (NotImplementedError, RuntimeError) as exc:
        raise ReadError(
            f"{source.path}: cannot unpack the .xlsx workbook ({mask_text(_one_line(exc))})",
            code="xlsx-damaged",
        ) from None
    for extent in extents:
        _check_rows(source.path, extent.row_tags)
    return extents


class _counted(Iterator[bytes]):
    """An iterator of chunks that counts their bytes."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.count = 0

    def __next__(self) -> bytes:
        chunk = next(self.chunks)
        self.count += len(chunk)
        return chunk


#: A sheet whose grid (farthest row x farthest column) is this much larger than the
#: cells it holds, and larger than _SPARSE_MIN_GRID, is read cell by cell.
_SPARSE_FACTOR = 4
_SPARSE_MIN_GRID = 2_000_000

_Sheet = tuple[str, pd.DataFrame, np.ndarray]


def _excel_sheets(source: _Source) -> list[_Sheet]:
    """Every sheet of a workbook as a grid of cells, and the Excel row of each grid row."""
    error = _excel_error(source)
    if error is not None:
        raise error
    extents = _scan_workbook(source)
    sparse = any(e.grid > max(_SPARSE_MIN_GRID, _SPARSE_FACTOR * e.cells) for e in extents)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency of the excel extra
        sparse = True
    if sparse:
        return _excel_sheets_sparse(source)
    sheets = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(source.data))
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            grid = pd.DataFrame(rows, dtype=object)
            sheets.append((sheet_name, grid, np.arange(1, len(grid) + 1, dtype="int64")))
    except Exception as exc:  # calamine raises its own, unexported error types
        raise ReadError(
            f"{source.path}: not a readable .xlsx workbook ({mask_text(_one_line(exc))})",
            code="xlsx-damaged",
        ) from None
    return sheets


def _excel_sheets_sparse(source: _Source) -> list[_Sheet]:
    """Sheets read cell by cell (only the cells present), for sheets whose used range is
    far larger than their data: a stray cell at XFD1048576 must not make a grid of
    17 billion cells. Blank rows and columns are left out of the grid; the Excel row
    of each grid row is kept."""
    try:
        import openpyxl
        from openpyxl.worksheet._reader import WorkSheetParser
    except ImportError:  # pragma: no cover
        raise ReadError(
            f"{source.path}: reading Excel needs python-calamine and openpyxl: "
            "pip install 'chitieu[excel]'",
            code="missing-dependency",
        ) from None
    sheets: list[_Sheet] = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
        for ws in book.worksheets:
            cells: dict[tuple[int, int], object] = {}
            with ws._get_source() as src:
                parser = WorkSheetParser(
                    src,
                    ws._shared_strings,
                    data_only=True,
                    epoch=book.epoch,
                    date_formats=book._date_formats,
                    timedelta_formats=book._timedelta_formats,
                )
                for _, row in parser.parse():
                    for cell in row:
                        value = cell["value"]
                        if not _is_blank_cell(value):
                            cells[(cell["row"], cell["column"])] = value
            row_numbers = sorted({r for r, _ in cells})
            column_numbers = sorted({c for _, c in cells})
            at_row = {r: i for i, r in enumerate(row_numbers)}
            at_column = {c: i for i, c in enumerate(column_numbers)}
            grid = np.full((len(row_numbers), len(column_numbers)), None, dtype=object)
            for (r, c), value in cells.items():
                grid[at_row[r], at_column[c]] = value
            sheets.append(
                (ws.title, pd.DataFrame(grid, dtype=object), np.asarray(row_numbers, "int64"))
            )
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise ReadError(
            f"{source.path}: not a readable .xlsx workbook ({mask_text(_one_line(exc))})",
            code="xlsx-damaged",
        ) from None
    return sheets


_NESTED_TYPES = ("struct", "list", "large_list", "fixed_size_list", "list_view", "map", "union")
_DAY_MIN = int(np.datetime64("1000-01-01", "D").astype("int64"))
_DAY_MAX = int(np.datetime64("9999-12-31", "D").astype("int64"))
_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}


def _arrow_ints(column: Any) -> np.ndarray:
    """The integers behind a date, time or timestamp column (0 where missing)."""
    import pyarrow as pa

    return np.asarray(
        column.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False), dtype="int64"
    )


def _arrow_dates(column: Any) -> pd.Series:
    """A date or timestamp column as dates: the wall-clock date in the column's own time
    zone. Dates outside years 1000-9999 are given as text, so that they are reported as
    invalid dates."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
    if pa.types.is_timestamp(kind):
        per_day = _PER_DAY[kind.unit]
        integers = _arrow_ints(column.cast(pa.timestamp(kind.unit)))  # UTC for a zone
        if kind.tz is not None:
            try:
                local = _arrow_ints(pc.local_timestamp(column))
            except (pa.ArrowException, ValueError):  # an unknown zone: keep UTC
                local = integers
            # near the ends of the range the local time wraps around: keep UTC there
            shift = np.abs(local.astype("float64") - integers.astype("float64"))
            integers = np.where(shift <= per_day, local, integers)
    elif pa.types.is_date64(kind):
        per_day = _PER_DAY["ms"]
        integers = _arrow_ints(column)
    else:
        per_day = 1
        integers = _arrow_ints(column.cast(pa.int32()))
    days = np.floor_divide(integers, per_day)
    inside = (days >= _DAY_MIN) & (days <= _DAY_MAX)
    stamps = np.where(inside, days, 0).astype("datetime64[D]").astype("datetime64[us]")
    stamps[~valid | ~inside] = np.datetime64("NaT")
    if (inside | ~valid).all():
        return pd.Series(stamps, dtype="datetime64[us]")
    values = pd.Series(stamps, dtype="datetime64[us]").astype(object)
    outside = np.flatnonzero(valid & ~inside)
    try:
        texts = pc.cast(column.take(pa.array(outside)), pa.string()).to_pylist()
    except (pa.ArrowException, ValueError):
        texts = [None] * len(outside)
    for at, text in zip(outside, texts, strict=True):
        if not text or text.startswith("<"):
            text = f"{int(days[at]):+,} days from 1970-01-01"
        values.iat[int(at)] = text
    return values


def _arrow_binary(column: Any, name: str, table: str, file: str, issues: _Issues) -> pd.Series:
    """Bytes as UTF-8 text; bytes that are not UTF-8 are reported (``invalid-text``)."""
    raw = column.to_pylist()
    out: list[object] = []
    bad: list[int] = []
    for i, value in enumerate(raw):
        if value is None:
            out.append(None)
            continue
        try:
            out.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(None)
            bad.append(i)
    if bad:
        shown = pd.Series([raw[i].decode("utf-8", "backslashreplace") for i in bad])
        issues.add_cells(
            "invalid-text",
            table,
            file,
            name,
            np.asarray(bad, dtype="int64") + 1,
            shown,
            f"expected text (UTF-8) in column {name}, found other bytes",
        )
    return pd.Series(out, dtype=object)


def _parquet_frame(source: _Source, table: str, issues: _Issues) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    limits = _limits()
    try:
        parquet = pq.ParquetFile(io.BytesIO(source.data))
        meta = parquet.metadata
        _check_rows(source.path, meta.num_rows)
        if meta.num_columns > limits.max_columns:
            raise ReadError(
                f"{source.path}: the file holds {meta.num_columns:,} columns, more than the "
                f"limit of {limits.max_columns:,} (raise CHITIEU_MAX_COLUMNS to read it)",
                code="too-many-columns",
            )
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if unpacked > limits.max_input_bytes:
            raise _too_large(source.path, unpacked)
        _check_ratio(source.path, source.name, unpacked, len(source.data))
        arrow = parquet.read()
    except ReadError:
        raise
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError, MemoryError) as exc:
        raise ReadError(
            f"{source.path}: not a readable Parquet file ({mask_text(_one_line(exc))})",
            code="parquet-damaged",
        ) from None
    try:
        metadata = arrow.schema.pandas_metadata or {}
    except ValueError:  # metadata written by another tool, not JSON: not needed
        metadata = {}
    # A frame saved with its index by pandas: the index is not a column of the table.
    index_columns = {c for c in metadata.get("index_columns", []) if isinstance(c, str)}
    columns: dict[str, pd.Series] = {}
    for name, column in zip(arrow.column_names, arrow.columns, strict=True):
        if name in index_columns:
            continue
        try:
            columns[str(name)] = _arrow_column(column, str(name), table, source.name, issues)
        except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
            _unsupported(str(name), table, source.name, issues, f"{column.type} ({exc})")
            columns[str(name)] = pd.Series([None] * len(column), dtype=object)
    return pd.DataFrame(columns, index=pd.RangeIndex(arrow.num_rows))


def _unsupported(name: str, table: str, file: str, issues: _Issues, kind: str) -> None:
    issues.add(
        "unsupported-column-type",
        table,
        file,
        column=name,
        value=_shorten(kind),
        detail=f"column {name} holds {kind} values, not text, numbers or dates; "
        "its cells were read as empty",
    )


def _is_type(kind: Any, *names: str) -> bool:
    """Whether an Arrow type is one of *names* (``pyarrow.types.is_<name>``)."""
    import pyarrow as pa

    return any(bool(getattr(pa.types, f"is_{n}", lambda _: False)(kind)) for n in names)


def _arrow_column(column: Any, name: str, table: str, file: str, issues: _Issues) -> pd.Series:
    """One Parquet column as a Series the value parsers understand."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if isinstance(kind, pa.ExtensionType):
        column = pa.chunked_array([c.storage for c in column.chunks], kind.storage_type)
        kind = column.type
    if _is_type(kind, *_NESTED_TYPES, "run_end_encoded"):
        _unsupported(name, table, file, issues, str(kind))
        return pd.Series([None] * len(column), dtype=object)
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return _arrow_dates(column)
    if _is_type(kind, "binary", "large_binary", "fixed_size_binary", "binary_view"):
        return _arrow_binary(column, name, table, file, issues)
    if pa.types.is_decimal(kind):
        return pd.Series(column.to_pylist(), dtype=object)
    series: pd.Series = column.to_pandas()
    return series


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
    grid: pd.DataFrame,
    lines: np.ndarray,
    table: str,
    file: str,
    issues: _Issues,
    cut: np.ndarray | None = None,
) -> pd.DataFrame:
    """A grid of cells (title rows, header, data) to a canonical frame of *table*.

    With *cut* (CSV files: per grid row, the non-blank cells already cut off), a row
    with cells beyond the last header cell is a ``ragged-row`` issue on that row, and
    its extra cells are left out.
    """
    limit = _limits().max_columns
    if grid.shape[1] > limit:
        raise ReadError(
            f"{file}: a sheet holds {grid.shape[1]:,} columns with data, more than the limit "
            f"of {limit:,} (raise CHITIEU_MAX_COLUMNS to read it)",
            code="too-many-columns",
        )
    grid = grid.apply(_clean) if not grid.empty else grid
    if grid.empty or grid.isna().all(axis=None):
        issues.add("empty-file", table, file, detail="the file holds no header and no rows")
        return _with_provenance(empty_frame(table))
    header_at, hits = _find_header(grid, table)
    header = grid.iloc[header_at].tolist()
    body = grid.iloc[header_at + 1 :]
    body_lines = lines[header_at + 1 :]
    keep = ~body.isna().all(axis=1).to_numpy()
    if cut is not None:
        body_cut = cut[header_at + 1 :]
        keep |= body_cut > 0
        width = max((i + 1 for i, h in enumerate(header) if not _is_blank_cell(h)), default=0)
        extra = body_cut + body.iloc[:, width:].notna().sum(axis=1).to_numpy()
        ragged = extra > 0
        if ragged.any() and hits:
            issues.add_cells(
                "ragged-row",
                table,
                file,
                "",
                body_lines[ragged],
                pd.Series(extra[ragged]),
                f"the row has more cells than the header ({width} columns); "
                "the extra cells were left out",
            )
            body = body.iloc[:, :width]
            header = header[:width]
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


def _cell_lengths(values: pd.Series) -> np.ndarray:
    """Characters of each text cell (0 for other cells), once per distinct value."""
    if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return np.zeros(len(values), dtype="int64")
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lengths = np.array([len(u) if isinstance(u, str) else 0 for u in uniques] + [0], "int64")
    return lengths[codes]


def _drop_long_cells(
    values: pd.Series, rows: np.ndarray, table: str, file: str, name: str, issues: _Issues
) -> pd.Series:
    """Cells longer than the limit are reported (``cell-too-long``) and read as empty."""
    limit = _limits().max_cell_chars
    lengths = _cell_lengths(values)
    long = lengths > limit
    if not long.any():
        return values
    issues.add_cells(
        "cell-too-long",
        table,
        file,
        name,
        rows[long],
        pd.Series(lengths[long]).map(lambda n: f"{n:,} characters"),
        f"a cell of column {name} holds more than {limit:,} characters; it was read as empty",
    )
    return values.mask(pd.Series(long, index=values.index))


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
        raw = _drop_long_cells(found[name], rows, table, file, name, issues)
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
    sheets = [(n, g, rows) for n, g, rows in _excel_sheets(source) if not g.empty]
    sheets = [(n, g, rows) for n, g, rows in sheets if _has_data(g)]
    file_table = forced or detect_table(source.name)
    found: list[tuple[str, str, pd.DataFrame]] = []
    for position, (sheet_name, grid, lines) in enumerate(sheets):
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
        raw = _parquet_frame(source, table, issues)
        columns: list[tuple[object, pd.Series]] = [(str(c), raw[c]) for c in raw.columns]
        # Parquet has no header row: rows are numbered from 1.
        rows = np.arange(1, len(raw) + 1, dtype="int64")
        return [
            (table, source.name, _canonical(columns, len(raw), rows, table, source.name, issues))
        ]
    grid, lines, cut = _csv_grid(source, table)
    # A text cell written inert ('=1+1, see chitieu.privacy) reads back as it was.
    grid = uninert_frame(grid)
    return [(table, source.name, _grid_to_frame(grid, lines, table, source.name, issues, cut))]


# -- public ---------------------------------------------------------------------------
def read_table(
    path: str | os.PathLike[str], table: str, *, limits: Limits | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one file as *table*, whatever its name.

    Returns the canonical frame (with provenance columns) and its read issues.
    A workbook is read from its first sheet holding data. *limits* as for
    :func:`read_submission`.

    Raises
    ------
    ReadError
        When the file cannot be read.
    """
    if table not in TABLES:
        raise KeyError(f"no table {table!r}; tables: {', '.join(TABLES)}")
    p = Path(path)
    if not p.is_file():
        raise ReadError(f"{p}: no such file", code="no-such-path")
    token = _LIMITS.set(limits or Limits.from_env())
    try:
        issues = _Issues()
        found = _read_source(_single_source(p), issues, forced=table)
    finally:
        _LIMITS.reset(token)
    frame = found[0][2] if found else _with_provenance(empty_frame(table))
    return frame, issues.frame()


def read_submission(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    limits: Limits | None = None,
) -> Submission:
    """Read a submission from a folder, a ``.zip``, a workbook or one table file.

    Parameters
    ----------
    path
        A folder or zip with one file per table (CSV, ``.xlsx`` or Parquet,
        named after the table in English or Vietnamese), a workbook whose sheets
        are the tables, or a single table file. A list of them (one per
        commune) is read part by part and consolidated with
        :func:`chitieu.concat`: ``_source_file`` then starts with the part's
        folder (``xa-07774/tre_em.csv``).
    limits
        Bounds on the input (total size, inflation ratio of zip members, rows,
        columns, cell length, files); by default :meth:`Limits.from_env`, the
        module constants overridden by ``CHITIEU_MAX_...`` environment
        variables. See ``docs/limits.md``.

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
        encrypted workbook; or when it is refused: a zip member with an unsafe
        name (``zip-unsafe-member``), an input beyond the limits (``zip-too-large``,
        ``zip-ratio``, ``input-too-large``, ``too-many-rows``, ...). ``code``
        says which.

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
    if isinstance(path, Sequence) and not isinstance(path, str):
        from chitieu.consolidate import concat

        if not path:
            raise ReadError("no paths given", code="no-such-path")
        return concat([read_submission(one, limits=limits) for one in path])
    p = Path(path)
    if not p.exists():
        raise ReadError(f"{p}: no such file or folder", code="no-such-path")
    token = _LIMITS.set(limits or Limits.from_env())
    try:
        return _read_submission(p, str(path))
    finally:
        _LIMITS.reset(token)


def _read_submission(p: Path, source: str) -> Submission:
    issues = _Issues()
    sources = _collect(p, issues)
    if not sources:
        raise ReadError(f"{p}: no .csv, .xlsx or .parquet files found", code="no-table-files")
    tables: dict[str, pd.DataFrame] = {}
    origin: dict[str, str] = {}
    for item in sources:
        for table, where, frame in _read_source(item, issues):
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
            "(name files after the tables: children/tre_em, injuries/tai_nan_thuong_tich, ...)",
            code="no-table-files",
        )
    frames: dict[str, Any] = {t: tables.get(t, _with_provenance(empty_frame(t))) for t in TABLES}
    return Submission(
        **frames,
        read_issues=issues.frame(),
        source=source,
        tables_present=tuple(t for t in TABLES if t in tables),
    )
