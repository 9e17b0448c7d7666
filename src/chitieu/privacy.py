"""Keeping personal data out of every output.

Two rules hold for every message, annotation, report and export chitieu writes:

* **No identity, name or address leaves.** Values of identity columns
  (:data:`IDENTITY_COLUMNS`), of columns whose header says they hold a name,
  an address or an identity number (:func:`is_personal_column`), and any run
  of 9 or more digits anywhere (a 12-digit citizen identity number, a 9-digit
  old identity card number) are masked: the first four and last two
  characters are kept (at most half of the value), the rest become ``•`` (``001234567878`` ->
  ``0012••••••78``), so a user can still find the cell by its row.
* **No live formula.** Text that a spreadsheet would run as a formula (it
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is made
  inert by a leading apostrophe, the convention spreadsheets themselves use
  for "this is text" (:func:`inert`).

Examples
--------
>>> mask_text("found '001234567878' in cột ghi chú")
"found '0012••••••78' in cột ghi chú"
>>> mask_value("TE-0042", column="child_id")
'TE••••2'
>>> mask_value("Nam", column="sex")
'Nam'
>>> is_personal_column("Họ và tên"), is_personal_column("dia_chi"), is_personal_column("sex")
(True, True, False)
>>> inert("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> inert("-5"), inert("Nam")
("'-5", 'Nam')
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "IDENTITY_COLUMNS",
    "MASK",
    "inert",
    "inert_frame",
    "is_personal_column",
    "looks_like_id_number",
    "mask_id",
    "mask_text",
    "mask_value",
]

#: The character that stands for a hidden character.
MASK = "•"

#: Canonical columns that identify a person (a child or a violator).
IDENTITY_COLUMNS: frozenset[str] = frozenset({"child_id", "violator_id"})

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# Words of a header (accents and case removed) that say the column is personal.
_PERSONAL_WORDS = (
    "ho ten",
    "ho va ten",
    "ten tre",
    "ten nguoi",
    "name",
    "full name",
    "dia chi",
    "address",
    "cccd",
    "cmnd",
    "can cuoc",
    "chung minh",
    "dinh danh",
    "so dien thoai",
    "dien thoai",
    "phone",
    "email",
    "passport",
    "ho chieu",
    "national id",
    "identity",
)
_ID_RUN = re.compile(r"\d{9,}")


def _fold(text: str) -> str:
    """*text* without accents, lower case, with runs of separators as one space."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.split(r"[^a-z0-9]+", plain)).strip()


def is_personal_column(name: str) -> bool:
    """Whether a column (canonical name or header as typed) holds personal data.

    Identity columns (``child_id``, ``violator_id``) and headers that speak of a
    name, an address, a phone number or an identity document are personal.
    A unit's name (``name`` of the units table) is not a person's: pass the
    canonical name ``unit_name`` or check the table before calling.
    """
    if name in IDENTITY_COLUMNS:
        return True
    folded = f" {_fold(str(name))} "
    return any(f" {word} " in folded for word in _PERSONAL_WORDS)


def looks_like_id_number(text: str) -> bool:
    """Whether *text* holds a run of 9 or more digits (an identity number, perhaps)."""
    return _ID_RUN.search(str(text)) is not None


def mask_id(text: str) -> str:
    """*text* with at most half its characters visible: four at the start, two at the end.

    Values of three characters or fewer are hidden whole.

    >>> mask_id("001234567878"), mask_id("TE-0042"), mask_id("A7"), mask_id("")
    ('0012••••••78', 'TE••••2', '••', '')
    """
    text = str(text)
    n = len(text)
    if n <= 3:
        return MASK * n
    visible = n // 2
    tail = min(2, visible // 2)
    head = min(4, visible - tail)
    return text[:head] + MASK * (n - head - tail) + text[n - tail :]


def mask_text(text: str) -> str:
    """*text* with every run of 9 or more digits masked by :func:`mask_id`."""
    return _ID_RUN.sub(lambda m: mask_id(m.group(0)), str(text))


def mask_value(value: Any, *, column: str | None = None) -> str:
    """A value as it may be shown: masked whole in a personal column, else its digit runs.

    Missing values give ``""``.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    if column is not None and is_personal_column(column):
        return mask_id(text)
    return mask_text(text)


def inert(text: Any) -> Any:
    """*text* made inert for a spreadsheet: a leading ``'`` if it would start a formula.

    Values that are not strings are returned unchanged.
    """
    if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of *frame* whose text cells (and headers) are inert (:func:`inert`)."""
    out = {}
    for column in frame.columns:
        series = frame[column]
        if series.dtype == object or str(series.dtype) in ("str", "string"):
            text = series.astype("object")
            starts = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
            if bool(starts.any()):
                series = text.where(~starts.astype(bool), "'" + text.astype("str"))
                series = series.astype(frame[column].dtype)
        out[inert(str(column)) if isinstance(column, str) else column] = series
    return pd.DataFrame(out, index=frame.index)
