"""Parsing values as people type them: text, dates, booleans, integers, codes.

Every parser takes a Series of raw cells (text read from a CSV file, or the
Python objects a spreadsheet holds: ``float``, ``bool``, ``datetime.date``) and
is vectorised: the work is done once per distinct value (``pd.factorize``) or
with one ``pd.to_datetime`` call per accepted format, never once per row.

Parsers of typed columns return the parsed Series and a boolean mask of the
cells that held something that could not be read, so that the reader can
report each one with its row. Blank cells are missing, never invalid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from chitieu.codelists import CodeList, get_codelist, normalize_text
from chitieu.schemas import MULTI_SEPARATOR, split_multi

__all__ = [
    "DATE_FORMATS",
    "EXCEL_SERIAL_RANGE",
    "parse_bool",
    "parse_codes",
    "parse_dates",
    "parse_int",
    "parse_multi_codes",
    "parse_text",
]

#: Date formats accepted in text, tried in this order (day before month).
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
#: Excel serial numbers read as dates in date columns: 1950-01-01 to 2100-12-31.
EXCEL_SERIAL_RANGE = (18_264, 73_415)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_TRUE = frozenset({"1", "true", "t", "yes", "y", "co", "c", "x", "dung", "v"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "khong", "k", "sai"})
_INT_PLAIN = re.compile(r"^[+-]?\d+$")
_INT_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,\u00a0 ]\d{3})+$")
_INT_ZERO_DECIMALS = re.compile(r"^[+-]?\d+[.,]0+$")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: Longest run of digits read as a whole number (int64 has 19 digits).
_MAX_DIGITS = 20


def _no_flags(index: pd.Index) -> pd.Series:
    return pd.Series(np.zeros(len(index), dtype=bool), index=index)


def _cell_text(value: object) -> object:
    """One spreadsheet cell as text (``7.0`` -> ``"7"``); missing stays missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return np.nan
    if isinstance(value, float | np.floating):
        if value != value:
            return np.nan
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | pd.Timestamp):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _take(uniques: Sequence[object], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """``uniques[codes]`` as a ``str`` Series; code ``-1`` gives a missing value."""
    array = pd.array(np.array(uniques, dtype=object), dtype="str")
    return pd.Series(array.take(codes, allow_fill=True), index=index)


def _as_text(raw: pd.Series) -> pd.Series:
    """Cells as trimmed text (``str`` dtype); blank cells become missing."""
    if (
        raw.dtype == object
        or isinstance(raw.dtype, pd.CategoricalDtype)
        or pd.api.types.is_float_dtype(raw.dtype)
        or pd.api.types.is_bool_dtype(raw.dtype)
    ):
        # Spreadsheet cells and Parquet float columns: 7.0 is "7", True is "true".
        codes, uniques = pd.factorize(raw.astype(object), use_na_sentinel=True)
        text = _take([_cell_text(u) for u in uniques], codes, raw.index)
    else:
        text = raw.astype("str")
    text = text.str.strip()
    return text.where(text.ne(""))


def parse_text(raw: pd.Series) -> pd.Series:
    """Text as typed, trimmed; blanks become missing; ``7.0`` from Excel becomes ``"7"``.

    >>> parse_text(pd.Series([" 07774 ", "", 7.0, None])).tolist()
    ['07774', nan, '7', nan]
    >>> parse_text(pd.Series([7774.0, None, 2.5])).tolist()
    ['7774', nan, '2.5']
    """
    return _as_text(raw)


def _factorized(
    raw: pd.Series, convert: Callable[[object], tuple[object, bool]]
) -> tuple[np.ndarray, list[object], np.ndarray]:
    """Apply *convert* to each distinct non-missing value.

    Returns ``(codes, values, bad)``: per-row codes (``-1`` for missing cells),
    the converted value of each distinct value (``None`` when there is none)
    and, per row, whether the cell could not be parsed.
    """
    codes, uniques = pd.factorize(raw.astype(object), use_na_sentinel=True)
    results = [convert(u) for u in uniques]
    bad = np.array([r[1] for r in results] + [False], dtype=bool)
    return codes, [r[0] for r in results], bad[codes]


def _parse_date_texts(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct texts; returns ``datetime64[us]`` values and the unparsed mask."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = pd.Series(texts.to_numpy(dtype=object), dtype="str")
    has_time = todo.str.contains(":", regex=False)
    if has_time.any():
        todo[has_time] = todo[has_time].str.replace(_TIME_SUFFIX, "", regex=True)
    for fmt in DATE_FORMATS:
        if todo.empty:
            break
        parsed = pd.to_datetime(todo, format=fmt, errors="coerce")
        ok = parsed.notna()
        if ok.any():
            out[ok[ok].index] = parsed[ok].astype("datetime64[us]").to_numpy()
            todo = todo[~ok]
    if not todo.empty:
        number = pd.to_numeric(todo, errors="coerce")
        low, high = EXCEL_SERIAL_RANGE
        ok = number.notna() & number.between(low, high) & (number == np.floor(number))
        if ok.any():
            days = pd.to_timedelta(number[ok].astype("int64"), unit="D")
            out[ok[ok].index] = (_EXCEL_EPOCH + days).to_numpy(dtype="datetime64[us]")
            todo = todo[~ok]
    bad = np.zeros(len(texts), dtype=bool)
    bad[todo.index] = True
    return out, bad


def parse_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates typed as ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (also ``-`` or ``.``),
    spreadsheet date cells and Excel serial numbers.

    Single-digit days and months (``2/3/2015``) are accepted; a time of day is
    dropped. Excel serial numbers count only between 1950 and 2100 (see
    :data:`EXCEL_SERIAL_RANGE`), so that a bare year such as ``2015`` is
    reported instead of becoming a date in 1905. Each distinct text is parsed
    once.

    Returns
    -------
    (parsed, bad)
        ``datetime64[us]`` values at midnight, and the mask of cells that held
        something that is not a date (``31/02/2015``).

    Examples
    --------
    >>> s, bad = parse_dates(pd.Series(["2015-03-02", "2/3/2015", "31/02/2015", None, "42065"]))
    >>> [str(d.date()) if pd.notna(d) else None for d in s]
    ['2015-03-02', '2015-03-02', None, None, '2015-03-02']
    >>> bad.tolist()
    [False, False, True, False, False]
    """
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) else raw
        return values.astype("datetime64[us]").dt.normalize(), _no_flags(raw.index)
    out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[us]")
    bad = np.zeros(len(raw), dtype=bool)
    text = raw
    if raw.dtype == object:
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        flags = np.array([isinstance(u, dt.date) for u in uniques] + [False], dtype=bool)
        is_date = flags[codes]
        if is_date.any():
            stamps = pd.to_datetime(raw[is_date].map(pd.Timestamp)).astype("datetime64[us]")
            out[is_date] = stamps.dt.normalize().to_numpy()
        text = raw[~is_date]
    codes, uniques = pd.factorize(_as_text(text), use_na_sentinel=True)
    if len(uniques):
        parsed, unparsed = _parse_date_texts(pd.Series(uniques))
        parsed = np.append(parsed, np.datetime64("NaT"))
        unparsed = np.append(unparsed, False)
        where = raw.index.get_indexer(text.index)
        out[where] = parsed[codes]
        bad[where] = unparsed[codes]
    return (
        pd.Series(out, index=raw.index, dtype="datetime64[us]"),
        pd.Series(bad, index=raw.index),
    )


def _to_bool(value: object) -> tuple[object, bool]:
    if isinstance(value, bool | np.bool_):
        return bool(value), False
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value), False
    if isinstance(value, float | np.floating) and value in (0.0, 1.0):
        return bool(value), False
    key = normalize_text(value)
    if key == "":
        return None, False
    if key in _TRUE:
        return True, False
    if key in _FALSE:
        return False, False
    return None, True


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse ``1/0``, ``true/false``, ``có/không``, ``x``, ``yes/no`` (any case).

    A blank cell is missing, not ``False``.

    >>> s, bad = parse_bool(pd.Series(["Có", "không", "x", "maybe", None, 1.0]))
    >>> s.tolist(), bad.tolist()
    ([True, False, True, <NA>, <NA>, True], [False, False, False, True, False, False])
    """
    if raw.dtype == bool or isinstance(raw.dtype, pd.BooleanDtype):
        return raw.astype("boolean"), _no_flags(raw.index)
    codes, values, bad = _factorized(raw, _to_bool)
    flags = np.array([v is True for v in values] + [False], dtype=bool)
    missing = np.array([v is None for v in values] + [True], dtype=bool)
    array = pd.arrays.BooleanArray(flags[codes], missing[codes])
    return pd.Series(array, index=raw.index), pd.Series(bad, index=raw.index)


def _to_int(value: object) -> tuple[object, bool]:
    number = _int_of(value)
    if number is None:
        text = "" if isinstance(value, float | np.floating) else str(value).strip()
        return None, text != "" or isinstance(value, float | np.floating | bool | np.bool_)
    if not _INT64_MIN <= number <= _INT64_MAX:
        return None, True
    return number, False


def _int_of(value: object) -> int | None:
    """The whole number a cell holds, of any size, or ``None``."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return int(value) if float(value).is_integer() else None
    text = str(value).strip()
    if text == "" or len(text) > 4 * _MAX_DIGITS:
        return None
    if _INT_PLAIN.match(text):
        return int(text) if len(text.lstrip("+-")) <= _MAX_DIGITS else None
    if _INT_GROUPED.match(text) and len({c for c in text if c in ".,\u00a0 "}) == 1:
        return int(re.sub(r"[.,\u00a0 ]", "", text))
    if _INT_ZERO_DECIMALS.match(text):
        return _int_of(re.split(r"[.,]", text)[0])
    return None


def parse_int(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse whole numbers, with Vietnamese (``.``) or English (``,``) thousand separators.

    ``15.000.000``, ``15,000,000`` and ``15 000 000`` are fifteen million; a
    decimal part other than zeros (``1,5``) is not a whole number.

    >>> s, bad = parse_int(pd.Series(["15.000.000", "15,000,000", "7", "abc", None, "12"]))
    >>> s.tolist(), bad.tolist()
    ([15000000, 15000000, 7, <NA>, <NA>, 12], [False, False, False, True, False, False])

    Numbers beyond the 64-bit range (a 25-digit number, ``1e20`` in a spreadsheet)
    are not read:

    >>> s, bad = parse_int(pd.Series(["1234567890123456789012345", 1e20, float("inf")]))
    >>> s.tolist(), bad.tolist()
    ([<NA>, <NA>, <NA>], [True, True, True])
    """
    if pd.api.types.is_integer_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        if pd.api.types.is_unsigned_integer_dtype(raw.dtype):
            big = raw.gt(_INT64_MAX).fillna(False).to_numpy(dtype=bool)
            if big.any():
                kept = raw.mask(pd.Series(big, index=raw.index), 0).astype("Int64")
                return kept.mask(pd.Series(big, index=raw.index)), pd.Series(big, index=raw.index)
        return raw.astype("Int64"), _no_flags(raw.index)
    codes, values, bad = _factorized(raw, _to_int)
    numbers = np.array([0 if v is None else v for v in values] + [0], dtype="int64")
    missing = np.array([v is None for v in values] + [True], dtype=bool)
    array = pd.arrays.IntegerArray(numbers[codes], missing[codes])
    return pd.Series(array, index=raw.index), pd.Series(bad, index=raw.index)


def _code_parser(codelist: CodeList) -> Callable[[str], str]:
    """A function mapping one typed value to its code, or to itself if none matches."""
    widths = {len(c) for c in codelist.codes if c.isdigit()}
    pad = max(widths) if len(widths) == 1 else 0

    def to_code(value: str) -> str:
        code = codelist.parse(value)
        if code is None and pad and value.isdigit() and len(value) < pad:
            code = codelist.parse(value.zfill(pad))
        return code if code is not None else value

    return to_code


def _map_text(text: pd.Series, convert: Callable[[str], str]) -> pd.Series:
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    mapped = [convert(str(u)) or None for u in uniques]
    return _take(mapped, codes, text.index)


def parse_codes(raw: pd.Series, codelist: str) -> pd.Series:
    """Map typed values to the codes of *codelist*; values that match nothing stay as typed.

    Codes, Vietnamese and English labels and aliases are all accepted, without
    regard to case or diacritics. Numbers are zero-padded when the list's codes
    are (``"8"`` -> ``"08"``).

    >>> parse_codes(pd.Series(["Nam", "nữ", "2", "X", None]), "sex").tolist()
    ['M', 'F', 'F', 'X', nan]
    >>> parse_codes(pd.Series(["Kinh", "1", 8.0]), "ethnicity").tolist()
    ['01', '01', '08']
    """
    return _map_text(_as_text(raw), _code_parser(get_codelist(codelist)))


def parse_multi_codes(raw: pd.Series, codelist: str) -> pd.Series:
    """Map every part of a multi-valued cell to its code; join them with ``;``.

    >>> parse_multi_codes(pd.Series(["Bạo lực, xâm hại tình dục", None]), "abuse_form").tolist()
    ['BL;XHTD', nan]
    """
    to_code = _code_parser(get_codelist(codelist))

    def convert(value: str) -> str:
        return MULTI_SEPARATOR.join(to_code(part) for part in split_multi(value))

    return _map_text(_as_text(raw), convert)
