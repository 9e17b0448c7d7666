"""Shared pieces of the record schemas: field helper and registered checks.

Code-list checks are set-based custom checks with short names, so that a
column of a million bad values produces a report of bounded size (pandera's
built-in ``isin`` repeats the whole allowed list in every failure row).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.api.extensions import register_check_method

from chitieu.codelists import codes

__all__ = ["MULTI_SEPARATOR", "field", "split_multi"]

#: Separator of multi-valued cells (several forms of abuse, several measures).
MULTI_SEPARATOR = ";"


def split_multi(value: object) -> list[str]:
    """Split a multi-valued cell into its codes (``"BL; XHTD"`` -> ``["BL", "XHTD"]``).

    Commas, semicolons and vertical bars all separate; blanks are dropped.

    >>> split_multi("BL; XHTD,KHAC")
    ['BL', 'XHTD', 'KHAC']
    >>> split_multi(None)
    []
    """
    if value is None or (isinstance(value, float) and value != value):
        return []
    text = str(value)
    for sep in (",", "|"):
        text = text.replace(sep, MULTI_SEPARATOR)
    return [part.strip() for part in text.split(MULTI_SEPARATOR) if part.strip()]


@register_check_method(statistics=["name"])  # type: ignore[untyped-decorator]
def in_codelist(series: pd.Series, *, name: str) -> pd.Series:
    """Every non-missing value is a code of list *name*."""
    allowed = set(codes(name))
    return series.isna() | series.isin(allowed)


@register_check_method(statistics=["name"])  # type: ignore[untyped-decorator]
def multi_in_codelist(series: pd.Series, *, name: str) -> pd.Series:
    """Every code of a multi-valued cell is a code of list *name*."""
    allowed = set(codes(name))
    return series.map(
        lambda v: all(code in allowed for code in split_multi(v)), na_action="ignore"
    ).fillna(True).astype(bool)


def field(
    vi: str,
    *,
    en: str,
    aliases: tuple[str, ...] = (),
    codelist: str | None = None,
    multi: bool = False,
    nullable: bool = False,
    required: bool = True,
    unique: bool = False,
    ge: float | None = None,
    example: object = None,
    **kwargs: Any,
) -> Any:
    """A pandera ``Field`` carrying chitieu's metadata.

    *vi* is the Vietnamese header people type, *aliases* other accepted headers,
    *codelist* the code list its values come from (``multi`` when a cell may hold
    several codes separated by ``;``), *required* whether the column must be
    present in a file (optional columns are added empty when missing).
    """
    checks: dict[str, Any] = {}
    if codelist is not None:
        key = "multi_in_codelist" if multi else "in_codelist"
        checks[key] = {"name": codelist}
    if ge is not None:
        checks["ge"] = ge
    metadata = {
        "vi": vi,
        "en": en,
        "aliases": list(aliases),
        "codelist": codelist,
        "multi": multi,
        "required": required,
        "example": example,
    }
    return pa.Field(
        nullable=nullable,
        unique=unique,
        coerce=False,
        metadata=metadata,
        **checks,
        **kwargs,
    )
