"""Numbers and counted words as people write them, in Vietnamese or English.

Vietnamese writes a dot between thousands and a comma before the decimals
(``4.500``, ``1,5 %``, ``3,2‰``); English the other way round (``4,500``,
``1.5%``, ``3.2‰``). Every human output of chitieu (the command line with
``--lang``, the key figures, the HTML summary, the text of the workbook)
formats its numbers here, so that they agree. Machine formats (CSV, Parquet,
JSON) keep plain numbers.

In the workbook, numbers stay numbers: their format codes (:func:`excel_format`)
use Excel's neutral ``#,##0.0``, which Excel and LibreOffice show with the
separators of the reader's locale (``4.500`` on a Vietnamese system). Only
numbers written inside text (the cover) are formatted here.

English counted words take a plural (``1 row``, ``2 rows``); Vietnamese has
none (``1 dòng``, ``2 dòng``): :func:`counted`.

Examples
--------
>>> format_number(4500, "vi"), format_number(4500, "en")
('4.500', '4,500')
>>> format_percent(1.5, "vi"), format_percent(1.5, "en")
('1,5 %', '1.5%')
>>> format_permille(3.24, "vi", decimals=1)
'3,2‰'
>>> counted(1, "row", lang="en"), counted(2, "row", lang="en"), counted(2, "row", lang="vi", vi="dòng")
('1 row', '2 rows', '2 dòng')
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Literal

__all__ = [
    "DECIMALS",
    "LANGS",
    "Lang",
    "counted",
    "decimals_for",
    "excel_format",
    "format_number",
    "format_percent",
    "format_permille",
    "format_value",
    "plural",
]

Lang = Literal["vi", "en"]
LANGS: tuple[str, ...] = ("vi", "en")

#: Decimals shown for a value of each kind of indicator.
DECIMALS: dict[str, int] = {
    "count": 0,
    "sum": 0,
    "percent": 1,
    "ratio": 1,
    "rate_per_1000": 2,
}

# English plurals that do not just add an "s".
_IRREGULAR: dict[str, str] = {
    "child": "children",
    "person": "people",
    "is": "are",
    "was": "were",
    "has": "have",
}


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'vi' or 'en', found {lang!r}")


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def format_number(
    value: float | int | None, lang: str = "en", decimals: int = 0, *, missing: str = ""
) -> str:
    """*value* with the thousands and decimal separators of *lang*.

    Parameters
    ----------
    value
        The number; ``None`` and NaN give *missing*.
    lang
        ``"vi"`` (``4.500``, ``2,62``) or ``"en"`` (``4,500``, ``2.62``).
    decimals
        Digits after the decimal separator (rounded half to even, as Python does).
    missing
        What a missing value shows (default: empty).

    Raises
    ------
    ValueError
        For another *lang* or a negative *decimals*.

    Examples
    --------
    >>> format_number(1234567.891, "vi", 2), format_number(1234567.891, "en", 2)
    ('1.234.567,89', '1,234,567.89')
    >>> format_number(-4500, "vi"), format_number(float("nan"), "vi", missing="—")
    ('-4.500', '—')
    """
    _check_lang(lang)
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, found {decimals}")
    if _missing(value):
        return missing
    assert value is not None
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and set(text[1:]) <= set("0.,"):  # -0.0 rounds to 0
        text = text[1:]
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_percent(value: float | None, lang: str = "en", decimals: int = 1) -> str:
    """A percentage (*value* already multiplied by 100): ``1,5 %`` or ``1.5%``.

    Vietnamese puts a space before the sign (TCVN style); English does not.

    >>> format_percent(12.345, "vi", 2), format_percent(100, "en", 0), format_percent(None, "vi")
    ('12,35 %', '100%', '')
    """
    text = format_number(value, lang, decimals)
    if not text:
        return text
    return f"{text} %" if lang == "vi" else f"{text}%"


def format_permille(value: float | None, lang: str = "en", decimals: int = 2) -> str:
    """A rate per 1,000 (*value* already multiplied by 1,000): ``3,24‰`` or ``3.24‰``.

    >>> format_permille(3.2, "vi", 1), format_permille(3.2, "en", 1)
    ('3,2‰', '3.2‰')
    """
    text = format_number(value, lang, decimals)
    return f"{text}‰" if text else text


def decimals_for(kind: str) -> int:
    """Decimals shown for a value of an indicator of *kind* (2 for a kind not known).

    >>> decimals_for("count"), decimals_for("percent"), decimals_for("rate_per_1000")
    (0, 1, 2)
    """
    return DECIMALS.get(kind, 2)


def format_value(value: float | None, kind: str, lang: str = "en", *, missing: str = "") -> str:
    """The value of an indicator of *kind*, with its sign for percentages and rates per 1,000.

    >>> format_value(4180, "count", "vi"), format_value(1.5, "percent", "vi")
    ('4.180', '1,5 %')
    >>> format_value(4.07, "rate_per_1000", "en"), format_value(None, "percent", "en", missing="—")
    ('4.07‰', '—')
    """
    if _missing(value):
        _check_lang(lang)
        return missing
    decimals = decimals_for(kind)
    if kind == "percent":
        return format_percent(value, lang, decimals)
    if kind == "rate_per_1000":
        return format_permille(value, lang, decimals)
    return format_number(value, lang, decimals)


def excel_format(decimals: int) -> str:
    """The Excel number format of a number with *decimals* digits after the separator.

    Excel and LibreOffice show the neutral ``,`` and ``.`` of the code with the
    separators of the reader's locale.

    >>> excel_format(0), excel_format(2)
    ('#,##0', '#,##0.00')
    """
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, found {decimals}")
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def plural(n: int | float, singular: str, plural_form: str | None = None) -> str:
    """The English word for *n* things: *singular* for exactly 1, else its plural.

    >>> plural(1, "row"), plural(0, "row"), plural(3, "commune"), plural(2, "child")
    ('row', 'rows', 'communes', 'children')
    >>> plural(2, "criterion", "criteria")
    'criteria'
    """
    if n == 1:
        return singular
    if plural_form is not None:
        return plural_form
    if singular in _IRREGULAR:
        return _IRREGULAR[singular]
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    if singular.endswith("y") and singular[-2:-1] not in ("a", "e", "i", "o", "u"):
        return singular[:-1] + "ies"
    return singular + "s"


def counted(
    n: int | float,
    singular: str,
    *,
    lang: str = "en",
    vi: str | None = None,
    plural_form: str | None = None,
) -> str:
    """*n* and the word for it: ``1 row``, ``1,234 rows``; ``1.234 dòng`` in Vietnamese.

    Parameters
    ----------
    n
        How many (a whole number).
    singular
        The English word for one.
    lang
        ``"vi"`` or ``"en"``.
    vi
        The Vietnamese word (no plural); the English word when not given.
    plural_form
        The English plural when it is not regular.

    Examples
    --------
    >>> counted(1, "error"), counted(1234, "error"), counted(1234, "error", lang="vi", vi="lỗi")
    ('1 error', '1,234 errors', '1.234 lỗi')
    """
    _check_lang(lang)
    number = format_number(n, lang, 0)
    if lang == "vi":
        return f"{number} {vi if vi is not None else singular}"
    if not isinstance(n, Real):  # pragma: no cover - typing guards this
        raise TypeError(f"n must be a number, found {type(n).__name__}")
    return f"{number} {plural(n, singular, plural_form)}"
