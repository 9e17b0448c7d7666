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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from chitieu.io.headers import TABLE_SUFFIXES
from chitieu.privacy import printable
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs
from chitieu.submission import Submission
from chitieu.validation.report import ValidationReport

__all__ = ["ConsolidatedValidation", "concat", "part_names", "validate_parts"]

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


# -- the province's view of validation --------------------------------------------
@dataclass(frozen=True)
class ConsolidatedValidation:
    """Validation of commune submissions one by one and put together.

    Attributes
    ----------
    names
        The name of each part (its folder, relative to the folder they share).
    parts
        Each part's own :class:`~chitieu.validation.ValidationReport`: what the
        commune sees when it checks its submission alone.
    whole
        The report of the consolidated submission (:func:`concat`), where the
        checks across communes run: a child on two registers with spells that
        overlap, a case or a violator in two communes, units that disagree.
    levels
        The counts that reach each level, one row per level, part and table:
        ``level`` (``commune`` for a part, ``province`` for the whole),
        ``part``, ``table``, ``rows_read``, ``rows_with_errors``, ``rows_used``
        (read and without error: the rows the figures of that level rest on)
        and, for the register, ``children`` (distinct child ids among the rows
        used: a child who moved is one child in the province and one in each
        commune's register).
    moved_children
        Distinct children whose rows used in the province come from the
        registers of more than one commune (a move).
    source
        The folder the parts share, or ``None``.
    """

    names: tuple[str, ...]
    parts: tuple[ValidationReport, ...]
    whole: ValidationReport
    levels: pd.DataFrame
    moved_children: int = 0
    source: str | None = None

    @property
    def valid(self) -> bool:
        """``True`` when no part and not the whole has an error."""
        return self.whole.valid and all(p.valid for p in self.parts)

    @property
    def across(self) -> ValidationReport:
        """The problems found only when the parts are put together.

        Counts are those of the whole minus the sum of the parts' own, per
        code, table and column; the problems shown are the whole's of those
        codes. Row accounting is the whole's.
        """
        keys = ["code", "severity", "table", "column"]
        whole = self.whole.counts.copy()
        if whole.empty:
            return self.whole
        parts = [p.counts for p in self.parts if not p.counts.empty]
        if parts:
            own = (
                pd.concat(parts, ignore_index=True)
                .fillna({"table": "", "column": ""})
                .groupby(keys, sort=False)["count"]
                .sum()
            )
        else:
            own = pd.Series(dtype="int64")
        filled = whole.fillna({"table": "", "column": ""})
        before = [own.get(tuple(r), 0) for r in filled[keys].itertuples(index=False)]
        whole["count"] = (filled["count"].to_numpy() - np.asarray(before, dtype=np.int64)).clip(0)
        whole = whole.loc[whole["count"] > 0].reset_index(drop=True)
        whole["shown"] = np.minimum(whole["shown"].to_numpy(), whole["count"].to_numpy())
        codes_left = set(whole["code"])
        errors = self.whole.errors
        errors = errors.loc[errors["code"].isin(codes_left).to_numpy()].reset_index(drop=True)
        return replace(self.whole, errors=errors, counts=whole)

    def summary(self, lang: Literal["en", "vi"] = "en") -> str:
        """The counts that reach each level and the problems found across communes."""
        vi = lang == "vi"
        n = len(self.parts)
        lines = [
            f"Toàn tỉnh (gộp {n} bộ dữ liệu của xã):"
            if vi
            else f"The province's view ({n} commune submission{'s' if n != 1 else ''} "
            "consolidated):"
        ]
        head = (
            ("cấp", "bộ dữ liệu", "bảng", "dòng đọc", "có lỗi", "dùng", "trẻ em")
            if vi
            else ("level", "part", "table", "rows read", "with errors", "used", "children")
        )
        width = max([len(head[1]), *(len(printable(x)) for x in self.names), 12])
        lines.append(
            f"{head[0]:<10}{head[1]:<{width + 2}}{head[2]:<16}{head[3]:>11}{head[4]:>13}"
            f"{head[5]:>11}{head[6]:>11}"
        )
        level_vi = {"commune": "xã", "province": "tỉnh"}
        for r in self.levels.to_dict("records"):
            n_children = float(r["children"])
            children = "" if np.isnan(n_children) else f"{int(n_children):,}"
            level = level_vi.get(str(r["level"]), str(r["level"])) if vi else str(r["level"])
            part = printable(str(r["part"]))
            lines.append(
                f"{level:<10}{part:<{width + 2}}{r['table']!s:<16}{int(r['rows_read']):>11,}"
                f"{int(r['rows_with_errors']):>13,}{int(r['rows_used']):>11,}{children:>11}"
            )
        moved = self.moved_children
        if moved:
            lines.append(
                f"{moved:,} trẻ em có trong sổ của hơn một xã (chuyển đi nơi khác): "
                "mỗi em được tính một lần cho toàn tỉnh."
                if vi
                else f"{moved:,} {'child is' if moved == 1 else 'children are'} on the register "
                "of more than one commune (moved): counted once in the province."
            )
        across = self.across
        if across.counts.empty:
            lines.append(
                "Không có vấn đề mới khi gộp các xã."
                if vi
                else "No new problem when the communes are put together."
            )
        else:
            lines.append(
                "Vấn đề chỉ thấy khi gộp các xã:" if vi else "Problems found only across communes:"
            )
            for c in across.counts.to_dict("records"):
                table, column = str(c["table"]), c["column"]
                where = f"{table}.{column!s}" if isinstance(column, str) and column else table
                lines.append(
                    f"  {c['severity']!s:<8}{c['code']!s:<26}{where:<32}{int(c['count']):>10,}"
                )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: each part, the whole, the levels and the cross-commune problems."""
        return {
            "valid": self.valid,
            "source": None if self.source is None else printable(self.source),
            "parts": [
                {"name": printable(name), **report.to_dict()}
                for name, report in zip(self.names, self.parts, strict=True)
            ],
            "whole": self.whole.to_dict(),
            "across": self.across.to_dict(),
            "moved_children": self.moved_children,
            "levels": [
                {k: (None if pd.isna(v) else v) for k, v in row.items()}
                for row in self.levels.astype(object).to_dict("records")
            ],
        }

    def __repr__(self) -> str:
        state = "valid" if self.valid else "has errors"
        return (
            f"ConsolidatedValidation({len(self.parts)} parts, {state}, "
            f"{self.moved_children} moved children)"
        )


def _level_rows(level: str, part: str, report: ValidationReport, sub: Submission) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for table, r in report.tables.iterrows():
        read = int(r["rows_read"])
        if not read and table not in ("children", "units"):
            continue
        children: float = np.nan
        if table == "children":
            bad = report.invalid_rows("children")
            ids = sub.children["child_id"]
            children = float(ids.loc[~bad].dropna().nunique()) if len(ids) == len(bad) else np.nan
        rows.append(
            {
                "level": level,
                "part": part,
                "table": str(table),
                "rows_read": read,
                "rows_with_errors": int(r["rows_with_errors"]),
                "rows_used": int(r["rows_valid"]),
                "children": children,
            }
        )
    return rows


def validate_parts(
    submissions: Sequence[Submission],
    *,
    names: Sequence[str] | None = None,
    max_examples: int = 20,
    lang: Literal["en", "vi"] = "en",
) -> ConsolidatedValidation:
    """Validate commune submissions one by one, then put together (the province's view).

    Parameters
    ----------
    submissions
        The parts, one per commune.
    names
        Their names; by default their folders (see :func:`part_names`).
    max_examples, lang
        As for :func:`chitieu.validate`.

    Returns
    -------
    ConsolidatedValidation
        Each part's report, the whole's, and the counts that reach each level.

    Examples
    --------
    A child who moved from commune 00001 to commune 00002 on 1 July 2024:

    >>> import chitieu
    >>> from chitieu.indicators.examples import make_frame
    >>> def commune(code, entry, exit):
    ...     units = make_frame("units", [
    ...         {"unit_code": "01", "division_version": "2008", "name": "Tỉnh",
    ...          "level": "PROVINCE"},
    ...         {"unit_code": code, "division_version": "2008", "name": f"Xã {code}",
    ...          "level": "COMMUNE", "province_code": "01"}])
    ...     children = make_frame("children", [
    ...         {"child_id": "C1", "commune_code": code, "division_version": "2008",
    ...          "birth_date": "2015-03-02", "sex": "F", "ethnicity": "01",
    ...          "entry_date": entry, "exit_date": exit,
    ...          "exit_reason": "MOVED" if exit else None},
    ...         {"child_id": f"C{code}", "commune_code": code, "division_version": "2008",
    ...          "birth_date": "2016-01-05", "sex": "M", "ethnicity": "01"}])
    ...     return chitieu.Submission(children=children, units=units)
    >>> checked = validate_parts([commune("00001", "2015-03-02", "2024-07-01"),
    ...                           commune("00002", "2024-07-01", None)], names=["xa-1", "xa-2"])
    >>> checked.levels.query("table == 'children'")[["level", "part", "rows_used", "children"]]
          level      part  rows_used  children
    0   commune      xa-1          2       2.0
    2   commune      xa-2          2       2.0
    4  province  province          4       3.0
    >>> checked.moved_children
    1
    """
    from chitieu.validation import validate

    parts = list(submissions)
    if names is None:
        common, labels = part_names(parts)
    else:
        common, labels = None, [str(n) for n in names]
    whole_sub = concat(parts, names=labels)
    reports = tuple(validate(p, max_examples=max_examples, lang=lang) for p in parts)
    whole = validate(whole_sub, max_examples=max_examples, lang=lang)
    rows: list[dict[str, Any]] = []
    for label, report, part in zip(labels, reports, parts, strict=True):
        rows.extend(_level_rows("commune", label, report, part))
    rows.extend(_level_rows("province", "province", whole, whole_sub))
    levels = pd.DataFrame(
        rows,
        columns=[
            "level",
            "part",
            "table",
            "rows_read",
            "rows_with_errors",
            "rows_used",
            "children",
        ],
    )
    part_of_row = np.repeat(np.arange(len(parts)), [len(p.children) for p in parts])
    used = ~whole.invalid_rows("children")
    ids = whole_sub.children["child_id"].astype("str").to_numpy()[used]
    pairs = pd.DataFrame({"id": ids, "part": part_of_row[used]}).drop_duplicates()
    moved = int(pairs["id"].duplicated().sum()) and int(
        pairs.loc[pairs["id"].duplicated(keep=False), "id"].nunique()
    )
    return ConsolidatedValidation(
        names=tuple(labels),
        parts=reports,
        whole=whole,
        levels=levels,
        moved_children=moved,
        source=common,
    )
