"""Matching file, sheet and column names as people type them.

Names are compared after :func:`chitieu.codelists.normalize_text` (no
diacritics, lower case, ``_`` and other punctuation as single spaces), so
``Trẻ em.xlsx``, ``tre_em.csv`` and ``TRE EM.csv`` all name the ``children``
table, and ``Ngày sinh``, ``ngay sinh``, ``NGÀY SINH`` and ``birth_date`` all
name its ``birth_date`` column.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath

from chitieu.codelists import normalize_text
from chitieu.schemas import TABLES, column_specs

__all__ = ["TABLE_SUFFIXES", "detect_table", "fold", "header_lookup", "match_header"]

#: File suffixes read as tables (``.txt`` and ``.tsv`` are read as CSV).
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\*")


def fold(text: object) -> str:
    """Fold a name for matching.

    >>> fold("  Ngày_sinh "), fold("GIỚI TÍNH"), fold("Mã trẻ em")
    ('ngay sinh', 'gioi tinh', 'ma tre em')
    """
    return normalize_text(str(text).replace("_", " "))


@cache
def _table_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name in TABLES:
        lookup[fold(name)] = name
    for name, spec in TABLES.items():
        for alias in (spec.vi, spec.en, *spec.file_aliases):
            lookup.setdefault(fold(alias), name)
    return lookup


def detect_table(name: str) -> str | None:
    """The table a file or sheet name stands for, or ``None``.

    The extension of a table file is ignored; so is the folder.

    >>> detect_table("Trẻ em.xlsx"), detect_table("TAI_NAN_THUONG_TICH.csv")
    ('children', 'injuries')
    >>> detect_table("2024/xu phat.parquet"), detect_table("notes.csv")
    ('sanctions', None)
    """
    path = PurePosixPath(name)
    stem = path.stem if path.suffix.lower() in TABLE_SUFFIXES else path.name
    return _table_lookup().get(fold(stem))


@cache
def header_lookup(table: str) -> dict[str, str]:
    """Folded header -> column of *table*.

    Canonical names win over Vietnamese headers, which win over English
    headers, which win over aliases.
    """
    specs = column_specs(table).values()
    lookup: dict[str, str] = {}
    passes: list[list[tuple[str, str]]] = [
        [(s.name, s.name) for s in specs],
        [(s.vi, s.name) for s in specs],
        [(s.en, s.name) for s in specs],
        [(alias, s.name) for s in specs for alias in s.aliases],
    ]
    for headers in passes:
        for header, name in headers:
            lookup.setdefault(fold(header), name)
    return lookup


def match_header(header: object, table: str) -> str | None:
    """The column of *table* a header names, or ``None``.

    A note in brackets or a ``*`` marking a required column is ignored when the
    header does not match as written.

    >>> match_header("NGÀY SINH (dd/mm/yyyy)", "children"), match_header("ngay_sinh", "children")
    ('birth_date', 'birth_date')
    >>> match_header("Mã trẻ em *", "children"), match_header("STT", "children")
    ('child_id', None)
    """
    lookup = header_lookup(table)
    text = str(header)
    found = lookup.get(fold(text))
    if found is None:
        bare = _NOTE.sub(" ", text)
        if bare != text:
            found = lookup.get(fold(bare))
    return found
