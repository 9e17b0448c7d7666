"""Consolidating commune submissions into one.

A province receives one submission per commune; :func:`concat` merges them
into one :class:`~chitieu.Submission` while every row keeps the file and the
row number the commune sent, so that every validation message still points at
the right place: ``_source_file`` is prefixed with the part's name (the
commune's folder, ``xa-07774/tre_em.csv``) and ``_source_row`` is kept.

A child who moved appears in the registers of two communes with spells
``[entry_date, exit_date)`` that do not overlap; the indicators count such a
child in the stock of the commune whose spell covers the reference date, and
each event in the commune whose spell covers its date (see
``docs/semantics.md``, "Consolidating commune submissions").
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from chitieu.io.headers import TABLE_SUFFIXES
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs
from chitieu.submission import Submission

__all__ = ["concat", "part_names"]

_ZIP_SUFFIXES = (".zip",)


def _root_of(source: str) -> Path:
    """The folder that *source*'s ``_source_file`` names are relative to, or the zip itself."""
    p = Path(source)
    if p.suffix.lower() in TABLE_SUFFIXES and not p.is_dir():
        return p.parent
    return p


def part_names(submissions: Sequence[Submission]) -> tuple[str | None, list[str]]:
    """The common folder of the parts and the name of each part relative to it.

    A part read from a folder or a zip is named after it relative to the
    folder the parts share (``xa-07774``); a part read from one file is named
    after the folder the file is in. A part without a source (made in
    memory) is named ``phan-1``, ``phan-2``, ... by its position. Names are
    made distinct by adding ``~2``, ``~3``.

    Returns
    -------
    tuple
        The common folder (``None`` when some part has no source) and the names.

    Examples
    --------
    >>> a = Submission(source="data/xa-07774")
    >>> b = Submission(source="data/xa-07777")
    >>> part_names([a, b])
    ('data', ['xa-07774', 'xa-07777'])
    >>> part_names([Submission(), Submission()])
    (None, ['phan-1', 'phan-2'])
    """
    roots = [None if s.source is None else _root_of(s.source) for s in submissions]
    known = [r for r in roots if r is not None]
    common: str | None = None
    if known and len(known) == len(roots):
        parents = [os.path.dirname(os.path.abspath(r)) for r in known]
        try:
            base = os.path.commonpath(parents)
        except ValueError:  # paths on different drives share no folder
            base = ""
        if base:
            relative = all(not Path(s.source or "").is_absolute() for s in submissions)
            common = Path(os.path.relpath(base) if relative else base).as_posix()
    names: list[str] = []
    for i, root in enumerate(roots):
        if root is None or common is None:
            name = f"phan-{i + 1}"
        else:
            rel = os.path.relpath(os.path.abspath(root), os.path.abspath(common))
            name = Path(rel).as_posix() if rel != "." else ""
        names.append(name)
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}~{seen[name]}")
    return common, out


def _prefixed(files: pd.Series, name: str) -> pd.Series:
    """``name/file`` for every file name of *files* (missing names become *name*)."""
    if not name:
        return files.astype("str")
    text = files.astype("str")
    joined = (name + "/") + text.fillna("")
    return joined.where(text.notna() & text.ne(""), name).astype("str")


def _tagged(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """*frame* with ``_source_file`` naming the part, and ``_source_row`` (missing if unknown)."""
    out = frame.copy()
    files = (
        out[SOURCE_FILE] if SOURCE_FILE in out else pd.Series(pd.NA, index=out.index, dtype="str")
    )
    out[SOURCE_FILE] = _prefixed(files, name)
    if SOURCE_ROW not in out:
        out[SOURCE_ROW] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    return out


def _concat_frames(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    """Rows of *frames* one after the other, at the canonical dtypes of *table*."""
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        return frames[0].iloc[0:0].reset_index(drop=True)
    out = (
        pd.concat(nonempty, ignore_index=True, sort=False)
        if len(nonempty) > 1
        else (nonempty[0].reset_index(drop=True))
    )
    reference = frames[0]
    for column in out.columns:  # keep each column at the dtype the parts had
        if column in reference and out[column].dtype != reference[column].dtype:
            with contextlib.suppress(TypeError, ValueError):
                out[column] = out[column].astype(reference[column].dtype)
    specs = column_specs(table)
    order = [c for c in specs if c in out] + [c for c in out if c not in specs]
    return out.loc[:, order]


def _drop_duplicate_units(units: pd.DataFrame) -> pd.DataFrame:
    """*units* without rows that repeat another row exactly (provenance aside)."""
    content = [c for c in units.columns if c not in (SOURCE_FILE, SOURCE_ROW)]
    if not len(units) or not content:
        return units
    repeated = units.loc[:, content].astype("str").duplicated(keep="first")
    return units.loc[~repeated.to_numpy()].reset_index(drop=True)


def concat(submissions: Sequence[Submission], *, names: Sequence[str] | None = None) -> Submission:
    """Merge commune submissions into one, every row keeping where it came from.

    Parameters
    ----------
    submissions
        The parts, usually one per commune (:func:`chitieu.read_submission`
        of each folder).
    names
        The name of each part, put before its file names in ``_source_file``;
        by default each part's folder relative to the folder the parts share
        (see :func:`part_names`).

    Returns
    -------
    Submission
        The rows of every table, part after part; ``_source_file`` is
        ``<part>/<file>`` (``xa-07774/tre_em.csv``) and ``_source_row`` the
        row the commune sent, so messages and annotations point at the right
        file. The units tables are merged: a row that repeats another exactly
        is kept once; rows that disagree about the same unit code and
        division version are all kept, so that validation reports them.
        ``read_issues`` are kept with the part's name before the file;
        ``tables_present`` is the union; ``source`` is the folder the parts
        share. The result is not validated yet (no ``validation_summary``).

    Raises
    ------
    ValueError
        When there are no submissions, or *names* does not give one name per
        submission.
    TypeError
        When a part is not a :class:`~chitieu.Submission`.

    Examples
    --------
    A child who moved from commune 07774 to commune 07777 on 1 July 2024 is
    on both registers:

    >>> import pandas as pd
    >>> import chitieu
    >>> def commune(code, entry, exit):
    ...     children = pd.DataFrame({
    ...         "child_id": ["C1"], "commune_code": [code], "division_version": ["2008"],
    ...         "birth_date": pd.to_datetime(["2015-03-02"]), "sex": ["F"],
    ...         "entry_date": pd.to_datetime([entry]), "exit_date": pd.to_datetime([exit]),
    ...         "_source_file": ["tre_em.csv"], "_source_row": pd.array([2], dtype="Int64")})
    ...     return chitieu.Submission(children=children, tables_present=("children",))
    >>> sub = chitieu.concat([commune("07774", "2015-03-02", "2024-07-01"),
    ...                       commune("07777", "2024-07-01", None)], names=["xa-07774", "xa-07777"])
    >>> sub.children[["child_id", "commune_code", "_source_file", "_source_row"]]
      child_id commune_code         _source_file  _source_row
    0       C1        07774  xa-07774/tre_em.csv            2
    1       C1        07777  xa-07777/tre_em.csv            2
    >>> [chitieu.compute("child_population", sub, period=p, by=("commune",),
    ...                  validation="skip").query("numerator > 0")["unit_code"].tolist()
    ...  for p in ("2024-H1", "2024")]
    [['07774'], ['07777']]
    """
    parts = list(submissions)
    if not parts:
        raise ValueError("concat needs at least one submission")
    for part in parts:
        if not isinstance(part, Submission):
            raise TypeError(f"concat takes Submissions, got {type(part).__name__}")
    common, default_names = part_names(parts)
    if names is None:
        labels = default_names
    else:
        labels = [str(n) for n in names]
        if len(labels) != len(parts):
            raise ValueError(
                f"names must give one name per submission: {len(parts)} submissions, "
                f"{len(labels)} names"
            )
        common = None  # the names given say nothing of where the parts are
    frames: dict[str, Any] = {}
    for table in TABLES:
        tagged = [_tagged(part[table], label) for part, label in zip(parts, labels, strict=True)]
        frames[table] = _concat_frames(tagged, table)
    frames["units"] = _drop_duplicate_units(frames["units"])
    issues = []
    for part, label in zip(parts, labels, strict=True):
        part_issues = part.read_issues.copy()
        if len(part_issues):
            part_issues["file"] = _prefixed(part_issues["file"], label)
        issues.append(part_issues)
    read_issues = (
        pd.concat(issues, ignore_index=True)
        if any(len(i) for i in issues)
        else (parts[0].read_issues.iloc[0:0])
    )
    present = {t for part in parts for t in part.tables_present}
    return Submission(
        **frames,
        read_issues=read_issues,
        source=common,
        tables_present=tuple(t for t in TABLES if t in present),
    )
