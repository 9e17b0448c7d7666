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
    "MASKED_NOTE_EN",
    "MASKED_NOTE_VI",
    "inert",
    "inert_frame",
    "is_personal_column",
    "looks_like_id_number",
    "looks_like_person_name",
    "mask_header",
    "mask_id",
    "mask_text",
    "mask_value",
    "printable",
    "uninert",
    "uninert_frame",
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

# Family names that start most Vietnamese full names, accents removed.
_SURNAMES = frozenset(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "dinh",
        "mai",
        "trinh",
        "dao",
        "luong",
        "lam",
        "ha",
        "ta",
        "cao",
        "chu",
        "trieu",
        "luc",
        "lo",
        "quang",
        "hua",
        "to",
        "thai",
        "kieu",
        "vuong",
        "doan",
        "truong",
        "nong",
        "luu",
        "tang",
        "la",
        "giang",
        "sung",
        "vang",
        "thao",
        "mua",
        "quach",
        "tong",
        "van",
        "khuat",
        "diep",
        "kim",
    ]
)
_NAME_WORD = re.compile(r"^[^\W\d_]+$")
# C0 controls but tab and newline, and what XML 1.0 refuses or UTF-8 cannot encode.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
# A text made inert by inert(): apostrophes, then a character that starts a formula.
_INERT = re.compile("^'+[=+\\-@\t\r]")

#: Said wherever values were masked (English).
MASKED_NOTE_EN = (
    "values of identity, name and address columns, and numbers of 9 or more digits, "
    "are masked (0012••••••78)"
)
#: Said wherever values were masked (Vietnamese).
MASKED_NOTE_VI = (
    "giá trị của các cột mã định danh, họ tên, địa chỉ và các dãy từ 9 chữ số trở lên "
    "được che (0012••••••78)"
)


def _fold(text: str) -> str:
    """*text* without accents, lower case, with runs of separators as one space."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.split(r"[^a-z0-9]+", plain)).strip()


def is_personal_column(name: str, *, table: str | None = None) -> bool:
    """Whether a column (canonical name or header as typed) holds personal data.

    Identity columns (``child_id``, ``violator_id``) and headers that speak of a
    name, an address, a phone number or an identity document are personal.
    A unit's name (``name`` of the units table) is not a person's: give
    ``table="units"`` (or pass the canonical name ``unit_name``).

    >>> is_personal_column("name"), is_personal_column("name", table="units")
    (True, False)
    >>> is_personal_column("Số CCCD"), is_personal_column("Địa chỉ thường trú")
    (True, True)
    """
    if name in IDENTITY_COLUMNS:
        return True
    if table == "units" and name == "name":
        return False
    folded = f" {_fold(str(name))} "
    return any(f" {word} " in folded for word in _PERSONAL_WORDS)


def looks_like_id_number(text: str) -> bool:
    """Whether *text* holds a run of 9 or more digits (an identity number, perhaps)."""
    return _ID_RUN.search(str(text)) is not None


def looks_like_person_name(text: str) -> bool:
    """Whether *text* reads like a Vietnamese full name: a family name and 1 to 5 more words.

    Every word is letters only, capitalised (``Nguyễn Văn An``) or in capitals
    (``TRẦN THỊ BÌNH``), and the first is a common family name.

    >>> looks_like_person_name("Nguyễn Văn An"), looks_like_person_name("TRẦN THỊ BÌNH")
    (True, True)
    >>> looks_like_person_name("Ngày sinh"), looks_like_person_name("Nguyễn")
    (False, False)
    """
    words = str(text).split()
    if not 2 <= len(words) <= 6:
        return False
    for word in words:
        if not _NAME_WORD.match(word):
            return False
        if not (word.isupper() or (word[0].isupper() and word[1:].islower())):
            return False
    return _fold(words[0]) in _SURNAMES


def mask_header(header: Any) -> str:
    """A header as it may be shown in a message: digit runs masked, masked whole if a name.

    A header that names a personal column (``Họ và tên``) is shown: it says what
    the column holds, not whose it is. A header that is itself a value is
    masked: a 12-digit number as by :func:`mask_text`, a person's name whole
    (a name needs no characters left to find its cell, and a few would say
    much about a child in a small commune).

    >>> mask_header("Họ và tên"), mask_header("001234567878"), mask_header("Nguyễn Văn An")
    ('Họ và tên', '0012••••••78', '•••••••••••••')
    >>> mask_header("Ngày sinh (dd/mm/yyyy)")
    'Ngày sinh (dd/mm/yyyy)'
    """
    if header is None or (not isinstance(header, str) and pd.isna(header)):
        return ""
    text = str(header)
    if not is_personal_column(text) and looks_like_person_name(text):
        return MASK * len(text)
    return mask_text(text)


def printable(text: str) -> str:
    r"""*text* safe in any output: control characters as ``\xNN``, lone surrogates as U+FFFD.

    Tab and newline are kept. What is replaced is what XML 1.0 refuses (C0
    controls, U+FFFE, U+FFFF) and what UTF-8 cannot encode (lone surrogates,
    as from file names that are not valid UTF-8).

    >>> printable("a\x07b\tc"), printable("x\udc80.csv") == "x\ufffd.csv", printable("đúng")
    ('a\\x07b\tc', True, 'đúng')
    """

    def replace(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code:02x}" if code < 0x20 else "\ufffd"

    return _UNPRINTABLE.sub(replace, str(text))


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


def mask_value(value: Any, *, column: str | None = None, table: str | None = None) -> str:
    """A value as it may be shown: masked whole in a personal column, else its digit runs.

    Missing values give ``""``.

    >>> mask_value("Hà Nội", column="name", table="units"), mask_value(None)
    ('Hà Nội', '')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    if column is not None and is_personal_column(column, table=table):
        return mask_id(text)
    return mask_text(text)


def _needs_inert(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES) or _INERT.match(text) is not None


def inert(text: Any) -> Any:
    """*text* made inert for a spreadsheet: a leading ``'`` if it would start a formula.

    A text that already starts with apostrophes before a formula character
    (``'=x``) gets one more, so that :func:`uninert` gives back exactly the
    original. Values that are not strings are returned unchanged.

    >>> inert("@SUM(A1)"), inert("'=x"), inert("'abc"), inert(5)
    ("'@SUM(A1)", "''=x", "'abc", 5)
    """
    if isinstance(text, str) and _needs_inert(text):
        return "'" + text
    return text


def uninert(text: Any) -> Any:
    """The inverse of :func:`inert`: the leading ``'`` that :func:`inert` added, removed.

    A text of apostrophes followed by a formula character loses one
    apostrophe, so that ``uninert(inert(x)) == x`` for every string; other
    values are returned unchanged (``'abc`` stays ``'abc``). Readers of text
    files written by chitieu call it on every text cell.

    >>> uninert("'-5"), uninert("''=x"), uninert("'abc"), uninert("-5")
    ('-5', "'=x", "'abc", '-5')
    >>> all(uninert(inert(t)) == t for t in ["=1+1", "'=1", "''+2", "'", "Nam", "-"])
    True
    """
    if isinstance(text, str) and _INERT.match(text):
        return text[1:]
    return text


def _text_cells(series: pd.Series) -> bool:
    return series.dtype == object or str(series.dtype) in ("str", "string")


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of *frame* whose text cells (and headers) are inert (:func:`inert`).

    >>> inert_frame(pd.DataFrame({"=x": ["-5", "Nam", None]})).to_dict("list")
    {"'=x": ["'-5", 'Nam', nan]}
    """
    return _map_text(frame, inert, _needs_inert)


def uninert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of *frame* whose text cells (and headers) went through :func:`uninert`.

    >>> uninert_frame(inert_frame(pd.DataFrame({"a": ["-5", "'=x"]}))).to_dict("list")
    {'a': ['-5', "'=x"]}
    """
    return _map_text(frame, uninert, lambda t: _INERT.match(t) is not None)


def _map_text(frame: pd.DataFrame, change: Any, test: Any) -> pd.DataFrame:
    out = {}
    for column in frame.columns:
        series = frame[column]
        if _text_cells(series):
            text = series.astype("object")
            hit = text.map(lambda v: isinstance(v, str) and bool(test(v))).astype(bool)
            if bool(hit.any()):
                series = text.where(~hit, text.map(change)).astype(frame[column].dtype)
        out[change(column) if isinstance(column, str) else column] = series
    return pd.DataFrame(out, index=frame.index)
