"""The code lists of chitieu's records, loaded from package data.

Every code list (sex, ethnicity, special-circumstance groups, forms of abuse,
injury types, ...) lives in ``chitieu/data/codelists.yaml`` with Vietnamese and
English labels, its source, and whether it is confirmed as the list the circular
uses. Nothing else in the package hard-codes the codes of a candidate list.

Examples
--------
>>> from chitieu.codelists import codelist, codes
>>> codes("sex")
('M', 'F', 'U')
>>> codelist("injury_type").loc["08", "label_vi"]
'Đuối nước'
>>> normalize_text("  Giới   TÍNH ")
'gioi tinh'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

__all__ = [
    "CodeList",
    "codelist",
    "codelist_names",
    "codes",
    "get_codelist",
    "normalize_text",
]

_SPACES = re.compile(r"[^0-9a-z]+")


def normalize_text(text: object) -> str:
    """Fold text for matching: no diacritics, lower case, single spaces.

    ``đ`` becomes ``d``; every run of characters other than letters and digits
    becomes one space.
    """
    s = str(text).replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return _SPACES.sub(" ", s).strip()


@dataclass(frozen=True)
class CodeList:
    """One code list: codes in order, labels, aliases and provenance."""

    name: str
    source: str
    confirmed: bool
    codes: tuple[str, ...]
    label_vi: dict[str, str]
    label_en: dict[str, str]
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    lookup: dict[str, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The list as a frame indexed by code with ``label_vi``, ``label_en``."""
        frame = pd.DataFrame(
            {
                "code": list(self.codes),
                "label_vi": [self.label_vi[c] for c in self.codes],
                "label_en": [self.label_en[c] for c in self.codes],
            }
        )
        for key in sorted({k for v in self.extra.values() for k in v}):
            frame[key] = [self.extra[c].get(key) for c in self.codes]
        return frame.set_index("code")

    def parse(self, value: object) -> str | None:
        """Map what a person typed to a code, or ``None`` when nothing matches."""
        text = str(value).strip()
        if text in self.label_vi:
            return text
        return self.lookup.get(normalize_text(text))


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("chitieu").joinpath("data/codelists.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def get_codelist(name: str) -> CodeList:
    """Return the code list called *name* (see :func:`codelist_names`)."""
    raw = _raw()
    if name not in raw:
        known = ", ".join(sorted(raw))
        raise KeyError(f"no code list named {name!r}; known lists: {known}")
    entry = raw[name]
    codes_: list[str] = []
    vi: dict[str, str] = {}
    en: dict[str, str] = {}
    extra: dict[str, dict[str, Any]] = {}
    lookup: dict[str, str] = {}
    for item in entry["codes"]:
        code = str(item["code"])
        codes_.append(code)
        vi[code] = str(item["vi"])
        en[code] = str(item["en"])
        extra[code] = {
            k: v for k, v in item.items() if k not in {"code", "vi", "en", "aliases"}
        }
        for alias in [code, item["vi"], item["en"], *item.get("aliases", [])]:
            lookup.setdefault(normalize_text(alias), code)
    return CodeList(
        name=name,
        source=str(entry.get("source", "")),
        confirmed=bool(entry.get("confirmed", False)),
        codes=tuple(codes_),
        label_vi=vi,
        label_en=en,
        extra=extra,
        lookup=lookup,
    )


def codelist(name: str) -> pd.DataFrame:
    """The code list *name* as a frame indexed by ``code``."""
    return get_codelist(name).to_frame()


def codes(name: str) -> tuple[str, ...]:
    """The codes of list *name*, in their official order."""
    return get_codelist(name).codes


def codelist_names() -> list[str]:
    """Names of every code list shipped with chitieu."""
    return sorted(_raw())
