"""Parsing values as people type them: dates, booleans, integers, codes.

Every parser is vectorised over a Series of raw text and returns the parsed
Series plus a boolean mask of the cells that were given but could not be
parsed, so the reader can report each one with its row.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from chitieu.codelists import get_codelist, normalize_text
from chitieu.schemas import split_multi

__all__ = ["parse_bool", "parse_codes", "parse_dates", "parse_int", "parse_multi_codes"]

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_TRUE = {"1", "true", "t", "yes", "y", "co", "x", "dung", "c", "có"}
_FALSE = {"0", "false", "f", "no", "n", "khong", "k", "sai"}
_INT_TEXT = re.compile(r"^[+-]?\d{1,3}([.,\s]\d{3})+$|^[+-]?\d+$")


def _given(raw: pd.Series) -> pd.Series:
    return raw.notna()


def parse_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse dates typed as ``YYYY-MM-DD``, ``DD/MM/YYYY`` (and ``-``/``.``), Excel cells
    (datetime objects) or Excel serial numbers.

    >>> s, bad = parse_dates(pd.Series(["2015-03-02", "02/03/2015", "31/02/2015", None]))
    >>> [str(d.date()) if pd.notna(d) else None for d in s], list(bad)
    (['2015-03-02', '2015-03-02', None, None], [False, False, True, False])
    """
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if raw.empty:
        return out, pd.Series(False, index=raw.index)
    is_obj = raw.map(lambda v: isinstance(v, dt.date | dt.datetime | pd.Timestamp), na_action="ignore")
    is_obj = is_obj.fillna(False).astype(bool)
    if is_obj.any():
        out[is_obj] = pd.to_datetime(raw[is_obj].map(lambda v: pd.Timestamp(v).normalize())).astype(
            "datetime64[us]"
        )
    text = raw[~is_obj & raw.notna()].astype(str).str.strip()
    # Strip a time part that spreadsheets add ("2015-03-02 00:00:00").
    text = text.str.replace(r"[ T]00:00(:00(\.0+)?)?$", "", regex=True)
    todo = text[text != ""]
    for fmt in _DATE_FORMATS:
        if todo.empty:
            break
        parsed = pd.to_datetime(todo, format=fmt, errors="coerce")
        ok = parsed.notna()
        if ok.any():
            out[ok[ok].index] = parsed[ok].astype("datetime64[us]")
            todo = todo[~ok]
    if not todo.empty:  # Excel serial numbers (days since 1899-12-30)
        num = pd.to_numeric(todo, errors="coerce")
        ok = num.notna() & (num > 1) & (num < 2_958_466) & (num == np.floor(num))
        if ok.any():
            days = pd.to_timedelta(num[ok].astype("int64"), unit="D")
            out[ok[ok].index] = (_EXCEL_EPOCH + days).astype("datetime64[us]")
            todo = todo[~ok]
    bad = pd.Series(False, index=raw.index)
    bad[todo.index] = True
    empty = raw.notna() & raw.astype(str).str.strip().eq("")
    bad &= ~empty
    return out, bad


def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse ``1/0``, ``true/false``, ``có/không``, ``x``/blank, ``yes/no``.

    >>> s, bad = parse_bool(pd.Series(["Có", "không", "x", "maybe", None]))
    >>> list(s.astype(object)), list(bad)
    ([True, False, True, <NA>, <NA>], [False, False, False, True, False])
    """
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    given = raw.notna()
    if not given.any():
        return out, pd.Series(False, index=raw.index)
    values = raw[given]
    mapping: dict[object, object] = {}
    for value in values.unique():
        if isinstance(value, bool | np.bool_):
            mapping[value] = bool(value)
            continue
        key = normalize_text(value)
        if key in _TRUE or str(value).strip().lower() in _TRUE:
            mapping[value] = True
        elif key in _FALSE:
            mapping[value] = False
        elif key == "":
            mapping[value] = None
        else:
            mapping[value] = "bad"
    mapped = values.map(mapping)
    good = mapped.isin([True, False])
    out[good[good].index] = mapped[good].astype(bool)
    bad = pd.Series(False, index=raw.index)
    bad[mapped[mapped.eq("bad")].index] = True
    return out, bad


def parse_int(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse integers with Vietnamese or English thousand separators.

    >>> s, bad = parse_int(pd.Series(["15.000.000", "15,000,000", "7", "abc", None]))
    >>> list(s.astype(object)), list(bad)
    ([15000000, 15000000, 7, <NA>, <NA>], [False, False, False, True, False])
    """
    out = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    given = raw.notna()
    values = raw[given]
    mapping: dict[object, object] = {}
    for value in values.unique():
        if isinstance(value, int | np.integer):
            mapping[value] = int(value)
            continue
        if isinstance(value, float | np.floating):
            mapping[value] = int(value) if float(value).is_integer() else "bad"
            continue
        text = str(value).strip()
        if text == "":
            mapping[value] = None
        elif _INT_TEXT.match(text):
            mapping[value] = int(re.sub(r"[.,\s]", "", text))
        elif re.fullmatch(r"[+-]?\d+\.0+", text):
            mapping[value] = int(float(text))
        else:
            mapping[value] = "bad"
    mapped = values.map(mapping)
    good = mapped.map(lambda v: isinstance(v, int) and not isinstance(v, bool))
    good = good.astype(bool)
    out[good[good].index] = mapped[good].astype("int64")
    bad = pd.Series(False, index=raw.index)
    bad[mapped[mapped.eq("bad")].index] = True
    return out, bad


def _clean_text(raw: pd.Series) -> pd.Series:
    def fix(v: object) -> object:
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    text = raw.map(fix, na_action="ignore")
    return text.where(text.ne("") & text.notna(), None)


def parse_codes(raw: pd.Series, codelist: str) -> pd.Series:
    """Map typed values to the codes of *codelist*; unmatched values stay as typed.

    Numbers are zero-padded when the list's codes are (``"8"`` -> ``"08"``).

    >>> list(parse_codes(pd.Series(["Nam", "nữ", "2", "X", None]), "sex"))
    ['M', 'F', 'F', 'X', nan]
    """
    cl = get_codelist(codelist)
    text = _clean_text(raw)
    width = {len(c) for c in cl.codes if c.isdigit()}
    pad = max(width) if width else 0
    mapping: dict[str, str] = {}
    for value in text.dropna().unique():
        code = cl.parse(value)
        if code is None and pad and str(value).isdigit():
            code = cl.parse(str(value).zfill(pad))
        mapping[value] = code if code is not None else value
    out = text.map(mapping, na_action="ignore")
    return out.astype("str")


def parse_multi_codes(raw: pd.Series, codelist: str) -> pd.Series:
    """Map every code of a multi-valued cell; join them back with ``;``.

    >>> list(parse_multi_codes(pd.Series(["Bạo lực, xâm hại tình dục", None]), "abuse_form"))
    ['BL;XHTD', nan]
    """
    cl = get_codelist(codelist)
    text = _clean_text(raw)
    mapping: dict[str, str] = {}
    for value in text.dropna().unique():
        parts = [cl.parse(p) or p for p in split_multi(value)]
        mapping[value] = ";".join(parts)
    out = text.map(mapping, na_action="ignore")
    out = out.where(out.ne(""), None)
    return out.astype("str")


def parse_text(raw: pd.Series) -> pd.Series:
    """Text as typed, trimmed; blanks become missing; ``7.0`` read from Excel becomes ``7``."""
    return _clean_text(raw).astype("str")
