"""The checks behind :func:`chitieu.validate`: one table at a time, then across tables.

All checks are vectorised over whole columns and driven by the schemas'
metadata (``column_specs``): required columns, code lists, unique ids, keys.
A value that is itself wrong (a birth date in the future, an unknown code) does
not also fail the checks that compare against it, so one mistake gives one
problem.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from chitieu._fast import (
    dictionary_codes,
    encode_ids,
    isin,
    join_keys,
    keys_isin,
    search_sorted,
)
from chitieu.codelists import codelist, codes
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, TABLES, column_specs, split_multi
from chitieu.submission import Submission
from chitieu.validation.activities import check_activities
from chitieu.validation.catalogue import ERRORS
from chitieu.validation.report import ValidationReport, _Collector

__all__ = ["ENTRY_GRACE_DAYS", "validate"]

ENTRY_GRACE_DAYS = 30
"""Days an event of a registered child may precede the child's entry in the register.

A birth, an injury or a support is often recorded a few weeks before the child
is entered; an event more than this many days before the entry date (and in no
earlier spell of the child) is an ``event-before-entry`` warning.
"""

_NO_DAY = np.iinfo(np.int64).min  # a missing start: from birth
_OPEN_DAY = np.iinfo(np.int64).max  # a missing end: still on the register

# unique ids whose repeats are checked by their own rules (spells, communes)
_IDS_WITH_OWN_RULES = frozenset({("children", "child_id"), ("abuse_cases", "case_id")})

_CHILD_EVENT_DATES = {
    # table: (date column, whether the row may carry its own birth date)
    "circumstances": ("start_date", False),
    "supports": ("support_date", False),
    "consultations": ("consultation_date", False),
    "injuries": ("injury_date", True),
}


class _ChildIds:
    """The ``child_id`` of the register and of every event table as integer codes.

    One encoding of all the columns (:func:`chitieu._fast.encode_ids`), so
    every check across tables (is this child registered, the child's birth
    date, the child's spells, repeated ids) compares integers instead of
    hashing millions of strings once per check. The register's distinct ids
    are the codes ``0 .. n_known - 1`` in order of first appearance; a
    missing id has a code of its own (``na_code``), and matches a missing id
    of the register as an index lookup would.

    >>> sub = Submission(
    ...     children=pd.DataFrame({"child_id": pd.Series(["A", "B", "A"], dtype="str")}),
    ...     injuries=pd.DataFrame({"child_id": pd.Series(["B", "Z", None], dtype="str")}),
    ... )
    >>> ids = _ChildIds(sub)
    >>> ids.register.tolist(), ids.n_known, ids.first.tolist()
    ([0, 1, 0], 2, [0, 1])
    >>> ids.codes["injuries"][0], ids.known("injuries").tolist()
    (np.int64(1), [True, False, False])
    """

    TABLES = (
        "circumstances",
        "supports",
        "consultations",
        "services",
        "injuries",
        "abuse_victims",
    )

    def __init__(self, sub: Submission) -> None:
        register = sub.children.get("child_id", pd.Series([], dtype="str"))
        others = {
            t: sub[t]["child_id"] for t in self.TABLES if "child_id" in sub[t] and len(sub[t])
        }
        reg, other_codes, self.n_known, self.na_code = encode_ids(register, list(others.values()))
        self.register: np.ndarray = reg
        self.codes: dict[str, np.ndarray] = {
            "children": reg,
            **dict(zip(others, other_codes, strict=True)),
        }
        self.n_codes = max(
            [self.n_known, self.na_code + 1, *(int(c.max()) + 1 for c in other_codes if c.size)]
        )
        # codes appear in order, so a register row holds a new id where the running maximum grows
        if reg.size:
            running = np.maximum.accumulate(reg)
            self.first = np.flatnonzero(np.r_[True, running[1:] > running[:-1]])
        else:
            self.first = np.zeros(0, dtype=np.int64)
        if self.first.size != self.n_known:  # pragma: no cover - codes keep the order
            self.first = np.unique(reg, return_index=True)[1]

    def of(self, table: str, n: int) -> np.ndarray:
        """The codes of *table* (*n* rows; a table without ids gets a code of no register id)."""
        return self.codes.get(table, np.full(n, self.n_codes, dtype=np.int64))

    def known(self, table: str) -> np.ndarray:
        """Rows of *table* whose id is on the register (as an index lookup: missing matches missing)."""
        codes = self.codes.get(table, np.zeros(0, dtype=np.int64))
        out: np.ndarray = codes < self.n_known
        return out

    def first_values(self, values: np.ndarray) -> np.ndarray:
        """*values* of the register (one per row) taken at the first row of each id."""
        out: np.ndarray = np.asarray(values)[self.first]
        return out

    def at(self, table: str, per_id: np.ndarray, index: pd.Index) -> pd.Series:
        """``per_id[code]`` for each row of *table* (dates; an unregistered id -> NaT)."""
        out = np.full(len(index), np.datetime64("NaT"), dtype="datetime64[us]")
        codes = self.of(table, len(index))
        hit = np.flatnonzero(codes < self.n_known)
        if hit.size:
            out[hit] = per_id.astype("datetime64[us]")[codes[hit]]
        return pd.Series(out, index=index)


class _Run:
    def __init__(self, sub: Submission, max_examples: int, today: dt.date) -> None:
        self.sub = sub
        self.today = pd.Timestamp(today)
        self.out = _Collector(max_examples)
        self.err = {t: np.zeros(len(f), bool) for t, f in sub.tables()}
        self.warn = {t: np.zeros(len(f), bool) for t, f in sub.tables()}
        # cells already reported (read issues, bad values) so that dependent checks skip them
        self.bad_cells: dict[tuple[str, str], np.ndarray] = {}
        self.missing_columns: set[tuple[str, str]] = set()
        self._where: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._ids: _ChildIds | None = None

    @property
    def ids(self) -> _ChildIds:
        """The child ids of every table as integer codes (built once, on first use)."""
        if self._ids is None:
            self._ids = _ChildIds(self.sub)
        return self._ids

    # -- helpers ------------------------------------------------------------------
    def where(self, table: str) -> tuple[np.ndarray, np.ndarray]:
        if table not in self._where:
            self._where[table] = self._locate(table)
        return self._where[table]

    def _locate(self, table: str) -> tuple[np.ndarray, np.ndarray]:
        frame = self.sub[table]
        n = len(frame)
        files = (
            frame[SOURCE_FILE].astype(object).fillna("").to_numpy()
            if SOURCE_FILE in frame
            else np.full(n, "", dtype=object)
        )
        rows = (
            frame[SOURCE_ROW].astype("float").to_numpy()
            if SOURCE_ROW in frame
            else np.arange(1, n + 1, dtype=float)
        )
        return files, rows

    def flag(
        self, code: str, table: str, column: str, mask: np.ndarray, values: Any, **fmt: Any
    ) -> None:
        mask = np.asarray(mask, bool)
        if not mask.any():
            return
        files, rows = self.where(table)
        idx = np.flatnonzero(mask)
        shown = idx[: self.out.max_examples]  # only these are formatted
        prefix, suffix = fmt.pop("detail_prefix", ""), fmt.pop("detail_suffix", "")
        per_row = {
            k: _subset(v, shown) for k, v in fmt.items() if isinstance(v, pd.Series | np.ndarray)
        }
        if "detail" in per_row and (prefix or suffix):
            per_row["detail"] = np.array(
                [f"{prefix}{d}{suffix}" for d in per_row["detail"]], dtype=object
            )
        scalars = {k: v for k, v in fmt.items() if k not in per_row}
        self.out.add(
            code,
            table,
            column,
            files=files[shown],
            rows=rows[shown],
            values=_subset(values, shown),
            count=idx.size,
            **scalars,
            **per_row,
        )
        target = self.err if ERRORS[code].severity == "error" else self.warn
        target[table][idx] = True
        key = (table, column)
        self.bad_cells[key] = self.bad_cells.get(key, np.zeros(len(mask), bool)) | mask

    def ok_cells(self, table: str, column: str) -> np.ndarray:
        n = len(self.sub[table])
        bad = self.bad_cells.get((table, column))
        return np.ones(n, bool) if bad is None else ~bad

    def table_problem(
        self, code: str, table: str, column: str, value: object = None, file: str = "", **fmt: Any
    ) -> None:
        self.out.add(code, table, column, files=[file], rows=[None], values=[value], **fmt)
        if ERRORS[code].severity == "error" and ERRORS[code].code == "missing-column":
            self.err[table][:] = True

    # -- read issues --------------------------------------------------------------------
    def read_issues(self) -> None:
        issues = self.sub.read_issues
        if issues.empty:
            return
        for (code, table, column), group in issues.groupby(
            ["code", "table", "column"], dropna=False, sort=False
        ):
            code, table, column = (
                str(code),
                str(table) if table == table else "",
                str(column) if column == column else "",
            )
            if code not in ERRORS:
                # a code this version does not know: keep the reader's own words
                self.out.add(
                    "read-problem",
                    table,
                    column,
                    files=group["file"].fillna("").to_numpy(),
                    rows=group["row"].astype(object).to_numpy(),
                    values=group["value"].to_numpy(),
                    count=len(group),
                    expected=code,
                    detail=group["detail"].fillna(code).to_numpy(),
                )
                continue
            if ERRORS[code].level == "table" or table not in TABLES:
                for _, issue in group.iterrows():
                    self.table_problem(
                        code, table, column, value=issue["value"], file=_text(issue["file"])
                    )
                    if code == "missing-column":
                        self.missing_columns.add((table, column))
                continue
            frame = self.sub[table]
            if SOURCE_ROW not in frame or frame.empty:
                continue
            loc = pd.DataFrame(
                {
                    "file": frame[SOURCE_FILE].to_numpy(),
                    "row": frame[SOURCE_ROW].to_numpy(),
                    "pos": np.arange(len(frame)),
                }
            )
            hit = group.merge(loc, on=["file", "row"], how="left")
            mask = np.zeros(len(frame), bool)
            pos = hit["pos"].dropna().astype(int).to_numpy()
            mask[pos] = True
            self.out.add(
                code,
                table,
                column,
                files=group["file"].to_numpy(),
                rows=group["row"].to_numpy(),
                values=group["value"].to_numpy(),
                count=len(group),
            )
            self.err[table][pos] = True
            key = (table, column)
            self.bad_cells[key] = self.bad_cells.get(key, np.zeros(len(frame), bool)) | mask

    def required_tables(self) -> None:
        for table, spec in TABLES.items():
            if spec.required and self.sub[table].empty:
                self.table_problem("missing-table", table, "")

    # -- single tables ---------------------------------------------------------------------
    def dtypes(self, table: str) -> bool:
        frame = self.sub[table]
        ok = True
        for name, spec in column_specs(table).items():
            if name not in frame.columns:
                self.table_problem("missing-column", table, name)
                self.missing_columns.add((table, name))
                ok = False
                continue
            actual = str(frame[name].dtype)
            expected = spec.dtype
            fine = (
                (spec.kind == "date" and actual.startswith("datetime64[") and "," not in actual)
                or (spec.kind == "string" and (actual in ("str", "string", "object")))
                or (spec.kind == "boolean" and actual in ("boolean", "bool"))
                or (spec.kind == "integer" and actual in ("Int64", "int64", "int32", "Int32"))
            )
            if not fine:
                self.table_problem("dtype-mismatch", table, name, value=actual, expected=expected)
                self.err[table][:] = True
                ok = False
        if ok:  # pandera confirms the structure on an empty slice, once per set of dtypes
            signature = tuple((str(c), str(frame[c].dtype)) for c in column_specs(table))
            failures = _pandera_structure(table, signature)
            for column, check, found in failures:  # pragma: no cover - the check above is stricter
                self.table_problem("dtype-mismatch", table, column, value=found, expected=check)
            if failures:  # pragma: no cover
                self.err[table][:] = True
                ok = False
        return ok

    def single(self, table: str) -> None:
        frame = self.sub[table]
        if frame.empty:
            return
        specs = column_specs(table)
        for name, spec in specs.items():
            if (table, name) in self.missing_columns:
                continue
            col = frame[name]
            isna = col.isna().to_numpy()
            if not spec.nullable:
                self.flag(
                    "missing-value", table, name, isna & self.ok_cells(table, name), col, detail=""
                )
            if spec.codelist:
                allowed = set(codes(spec.codelist))
                present = ~isna
                uniq = col.unique()  # distinct values first: no copy of the present rows
                uniq = uniq[~pd.isna(uniq)]
                if spec.multi:
                    bad_vals = {v for v in uniq if any(p not in allowed for p in split_multi(v))}
                else:
                    bad_vals = set(uniq) - allowed
                if bad_vals:
                    mask = isin(col, bad_vals) & present
                    self.flag("unknown-code", table, name, mask, col, expected=spec.codelist)
            if spec.kind == "integer":
                neg = (col < 0).fillna(False).to_numpy(dtype=bool)
                self.flag("negative-number", table, name, neg, col)
            if spec.kind == "date":
                future = (col > self.today).fillna(False).to_numpy(dtype=bool)
                self.flag(
                    "date-in-future",
                    table,
                    name,
                    future,
                    col,
                    detail=self.today.strftime("%Y-%m-%d"),
                )
            if spec.unique and (table, name) not in _IDS_WITH_OWN_RULES:
                self._duplicates("duplicate-id", table, [name])
        key = list(TABLES[table].key)
        if len(key) > 1 and all((table, k) not in self.missing_columns for k in key):
            self._duplicates("duplicate-key", table, key)
        if table == "abuse_cases":
            self._ids_in_communes(table, "case_id", "case-in-two-communes", same_commune=True)
        if table == "sanctions":
            self._ids_in_communes(table, "violator_id", "violator-in-two-communes")

    def _ids_in_communes(
        self, table: str, column: str, code: str, *, same_commune: bool = False
    ) -> None:
        """The same id in two communes is *code*; with *same_commune*, twice in one is duplicate-id.

        The later rows are flagged, each with the commune and the row of the id's first row.
        """
        frame = self.sub[table]
        if column not in frame or (table, column) in self.missing_columns:
            return
        ids = frame[column]
        if not ids.duplicated().to_numpy()[ids.notna().to_numpy()].any():
            return
        dup = np.zeros(len(frame), bool)
        if same_commune:
            dup = self._duplicates(
                "duplicate-id", table, [column], also=("commune_code", "division_version")
            )
        place = join_keys(frame["commune_code"], frame["division_version"]).to_numpy()
        present = (ids.notna() & frame["commune_code"].notna()).to_numpy()
        pos = np.flatnonzero(present)
        if pos.size == 0:
            return
        first = (
            pd.Series(pos, dtype="int64")
            .groupby(ids.to_numpy()[pos], sort=False)
            .transform("first")
            .to_numpy()
        )
        first_of = np.full(len(frame), -1, dtype=np.int64)
        first_of[pos] = first
        mask = present & ~dup
        mask[pos] &= place[pos] != place[first]
        if not mask.any():
            return
        _, rows = self.where(table)
        communes = frame["commune_code"].astype(object).to_numpy()
        detail = np.full(len(frame), "", dtype=object)
        detail_vi = np.full(len(frame), "", dtype=object)
        for i in np.flatnonzero(mask)[: self.out.max_examples]:
            j = first_of[i]
            detail[i] = (
                f"commune {communes[i]} on this row, commune {communes[j]} on row {_row(rows[j])}"
            )
            detail_vi[i] = f"xã {communes[i]} ở dòng này, xã {communes[j]} ở dòng {_row(rows[j])}"
        self.flag(code, table, column, mask, ids, detail=detail, detail_vi=detail_vi)

    def _duplicates(
        self,
        code: str,
        table: str,
        cols: list[str],
        *,
        also: tuple[str, ...] = (),
        among: np.ndarray | None = None,
    ) -> np.ndarray:
        """Flag rows repeating *cols* (and the columns *also*, which may be missing).

        *among*, when given, holds the positions of every row that can be a
        repeat or the first of one (the rows of repeated ids): only they are
        compared. Returns the mask of the flagged rows.
        """
        frame = self.sub[table]
        n = len(frame)
        cols_all = [*cols, *also]
        if among is None:
            sub = frame[cols_all]
            present = frame[cols].notna().all(axis=1).to_numpy()
        else:
            sub = frame[cols_all].iloc[among]
            present = sub[cols].notna().all(axis=1).to_numpy()
        # one integer per distinct combination (missing equals missing, as in duplicated)
        group = self._group_codes(table, sub, cols_all, among)
        positions = np.arange(len(group))
        first_of_group = np.full(int(group.max()) + 1 if len(group) else 0, -1, dtype=np.int64)
        first_of_group[group[::-1]] = positions[::-1]  # reversed: the first row wins
        first_in_part = first_of_group[group]
        dup_part = (first_in_part != positions) & present
        if not dup_part.any():
            return np.zeros(n, bool) if among is not None else dup_part
        _, all_rows = self.where(table)
        rows = all_rows if among is None else all_rows[among]
        first_part = np.asarray(rows)[first_in_part]
        if among is None:
            dup, first_row = dup_part, first_part
        else:
            dup = np.zeros(n, bool)
            dup[among] = dup_part
            first_row = np.full(n, np.nan)
            first_row[among] = first_part
            sub = frame[cols_all]
        if len(cols) == 1:
            values = sub[cols[0]]
            self.flag(
                code,
                table,
                cols[0],
                dup,
                values,
                detail=self._first_rows(dup, first_row),
            )
        else:
            values = join_keys(*[sub[c] for c in cols], sep=" / ")
            self.flag(
                code,
                table,
                "+".join(cols),
                dup,
                values,
                detail=self._first_rows(dup, first_row),
            )
        out: np.ndarray = dup
        return out

    def _group_codes(
        self, table: str, sub: pd.DataFrame, cols: list[str], among: np.ndarray | None
    ) -> np.ndarray:
        """Dense codes of the rows of *sub* by their values in *cols* (first seen, first code).

        Child ids use the codes shared by every check (no hash of their texts);
        text columns their dictionary codes; anything else :func:`pandas.factorize`.
        """
        key: np.ndarray | None = None
        for name in cols:
            codes = self._column_codes(table, name, sub[name], among)
            size = int(codes.max()) + 2 if len(codes) else 1
            part = codes.astype(np.int64) + 1
            if key is None:
                key = part
                continue
            if int(key.max(initial=0)) >= (2**62) // size:  # renumber before it overflows
                key = np.asarray(pd.factorize(key)[0], dtype=np.int64)
            key = key * size + part
        if key is None:
            return np.zeros(len(sub), dtype=np.int64)
        out: np.ndarray = np.asarray(pd.factorize(key)[0], dtype=np.int64)
        return out

    def _column_codes(
        self, table: str, name: str, values: pd.Series, among: np.ndarray | None
    ) -> np.ndarray:
        """Codes of one column: equal values, equal codes; missing -1."""
        if name == "child_id" and table in self.ids.codes:
            ids = self.ids
            codes = ids.codes[table] if among is None else ids.codes[table][among]
            codes = np.asarray(codes, dtype=np.int64).copy()
            codes[codes == ids.na_code] = -1
            off = np.flatnonzero(codes >= ids.n_known)  # not on the register: may share a code
            if off.size:
                texts = values.iloc[off].astype("str").to_numpy(dtype=object)
                codes[off] = ids.n_codes + 1 + np.asarray(pd.factorize(texts)[0], dtype=np.int64)
            return codes
        if isinstance(values.array, pd.arrays.ArrowStringArray):
            return dictionary_codes(values)[0]
        return np.asarray(pd.factorize(values)[0], dtype=np.int64)

    def _first_rows(self, mask: np.ndarray, first_row: np.ndarray) -> np.ndarray:
        """The row of each repeat's first row, as text, on the rows a report shows."""
        detail = np.full(len(mask), "", dtype=object)
        for i in np.flatnonzero(mask)[: self.out.max_examples]:
            detail[i] = _row(first_row[i])
        return detail

    def _valid_date(self, table: str, col: str) -> pd.Series:
        s = self.sub[table][col]
        return s.where(pd.Series(self.ok_cells(table, col), index=s.index))

    def children(self) -> None:
        f = self.sub.children
        if f.empty:
            return
        birth = self._valid_date("children", "birth_date")
        for col in ("entry_date", "exit_date", "at_risk_from", "at_risk_to"):
            d = self._valid_date("children", col)
            mask = (d < birth).fillna(False).to_numpy(bool)
            self.flag("event-before-birth", "children", col, mask, d, detail=birth)
        entry, exit_ = (
            self._valid_date("children", "entry_date"),
            self._valid_date("children", "exit_date"),
        )
        mask = ((exit_ < entry) & (entry >= birth)).fillna(False).to_numpy(bool)
        self.flag(
            "end-before-start",
            "children",
            "exit_date",
            mask,
            exit_,
            detail=entry,
            other="entry_date",
        )
        a_from, a_to = (
            self._valid_date("children", "at_risk_from"),
            self._valid_date("children", "at_risk_to"),
        )
        mask = (a_to < a_from).fillna(False).to_numpy(bool)
        self.flag(
            "end-before-start",
            "children",
            "at_risk_to",
            mask,
            a_to,
            detail=a_from,
            other="at_risk_from",
        )
        has_date = f["exit_date"].notna() | ~pd.Series(
            self.ok_cells("children", "exit_date"), index=f.index
        )
        has_reason = f["exit_reason"].notna()
        no_reason = (has_date & ~has_reason).to_numpy(bool)
        no_date = (~has_date & has_reason).to_numpy(bool)
        self.flag(
            "exit-incomplete",
            "children",
            "exit_reason",
            no_reason,
            f["exit_reason"],
            other="exit_date",
        )
        self.flag(
            "exit-incomplete",
            "children",
            "exit_date",
            no_date,
            f["exit_date"],
            other="exit_reason",
        )
        sixteen = _add_years(birth, 16)
        late = (entry >= sixteen).fillna(False).to_numpy(bool)
        self.flag(
            "entry-after-age-16",
            "children",
            "entry_date",
            late,
            entry,
            detail=sixteen,
        )
        self.spells()

    def spells(self) -> None:
        """Several rows of one child: exact repeats are duplicate-id, overlapping spells an error.

        Rows of one ``child_id`` whose spells ``[entry_date, exit_date)`` do not
        overlap are a move (in the same or another commune). Rows are sorted by
        child and entry date and each is compared with the latest exit among the
        child's earlier rows, so no loop runs over rows.
        """
        f = self.sub.children
        ids = f["child_id"]
        codes = self.ids.register
        present = codes != self.ids.na_code
        repeated = (np.bincount(codes, minlength=self.ids.n_known) > 1)[codes] & present
        if not repeated.any():
            return
        dup = self._duplicates(
            "duplicate-id",
            "children",
            ["child_id"],
            also=("commune_code", "division_version", "entry_date", "exit_date"),
            among=np.flatnonzero(repeated),
        )
        usable = (
            repeated
            & ~dup
            & self.ok_cells("children", "entry_date")
            & self.ok_cells("children", "exit_date")
        )
        pos = np.flatnonzero(usable)
        if pos.size < 2:
            return
        child = codes[pos]
        start = _days(f["entry_date"].to_numpy()[pos])
        end = _days(f["exit_date"].to_numpy()[pos], missing=_OPEN_DAY)
        order = np.lexsort((pos, end, start, child))
        child, start, end, pos = child[order], start[order], end[order], pos[order]
        latest_end = pd.Series(end).groupby(child, sort=False).cummax().to_numpy()
        holder = np.maximum.accumulate(np.where(end == latest_end, np.arange(pos.size), -1))
        same = np.r_[False, child[1:] == child[:-1]]
        prev_end = np.r_[_NO_DAY, latest_end[:-1]]
        prev_holder = np.r_[-1, holder[:-1]]
        over = same & (start < prev_end)
        if not over.any():
            return
        # the later of the two rows in the file is flagged, naming the earlier one
        one, two = pos[over], pos[prev_holder[over]]
        later, earlier = np.maximum(one, two), np.minimum(one, two)
        mask = np.zeros(len(f), bool)
        mask[later] = True
        other = np.full(len(f), -1, dtype=np.int64)
        other[later] = earlier
        _, rows = self.where("children")
        communes = f["commune_code"].astype(object).to_numpy()
        entry = _day_text(f["entry_date"])
        exit_ = _day_text(f["exit_date"])
        detail = np.full(len(f), "", dtype=object)
        detail_vi = np.full(len(f), "", dtype=object)
        for i in np.flatnonzero(mask)[: self.out.max_examples]:
            j = other[i]
            detail[i] = (
                f"this row, commune {communes[i]} {_spell_en(entry[i], exit_[i])}, and row "
                f"{_row(rows[j])}, commune {communes[j]} {_spell_en(entry[j], exit_[j])}"
            )
            detail_vi[i] = (
                f"dòng này, xã {communes[i]} {_spell_vi(entry[i], exit_[i])}, và dòng "
                f"{_row(rows[j])}, xã {communes[j]} {_spell_vi(entry[j], exit_[j])}"
            )
        self.flag(
            "overlapping-spells",
            "children",
            "child_id",
            mask,
            ids,
            detail=detail,
            detail_vi=detail_vi,
        )

    def circumstances(self) -> None:
        f = self.sub.circumstances
        if f.empty:
            return
        start, end = (
            self._valid_date("circumstances", "start_date"),
            self._valid_date("circumstances", "end_date"),
        )
        mask = (end < start).fillna(False).to_numpy(bool)
        self.flag(
            "end-before-start",
            "circumstances",
            "end_date",
            mask,
            end,
            detail=start,
            other="start_date",
        )
        groups = codelist("special_circumstance_subgroup")["group"]
        owner = f["subgroup"].map(groups)
        ok = self.ok_cells("circumstances", "subgroup") & self.ok_cells("circumstances", "group")
        mask = (owner.notna() & f["group"].notna() & (owner != f["group"])).to_numpy(bool) & ok
        self.flag(
            "subgroup-group-mismatch",
            "circumstances",
            "subgroup",
            mask,
            f["subgroup"],
            expected=owner,
            detail=f["group"],
        )

    def units(self) -> None:
        f = self.sub.units
        if f.empty:
            return
        pairs = [
            ("villages_with_facilities", "villages", "villages"),
            ("deaths_neonatal", "deaths_under1", "deaths_under1"),
            ("deaths_under1", "deaths_under5", "deaths_under5"),
        ]
        for part, whole, label in pairs:
            mask = (f[part] > f[whole]).fillna(False).to_numpy(bool)
            self.flag(
                "count-exceeds-total",
                "units",
                part,
                mask,
                f[part],
                detail=f[whole],
                other=label,
            )

    # -- across tables --------------------------------------------------------------------
    def cross(self) -> None:
        sub = self.sub
        children = sub.children
        ids = self.ids
        valid_birth = (
            self._valid_date("children", "birth_date")
            if not children.empty
            else pd.Series([], dtype="datetime64[us]")
        )
        # the birth date of each registered id (its first register row)
        birth_of_id = ids.first_values(valid_birth.to_numpy())

        # child references (not checked at all when there is no register to check against)
        register_usable = (
            not children.empty and ("children", "child_id") not in self.missing_columns
        )
        for table in ("circumstances", "supports", "consultations", "injuries", "abuse_victims"):
            f = sub[table]
            if f.empty or (table, "child_id") in self.missing_columns:
                continue
            child = f["child_id"]
            elsewhere = _elsewhere(f)
            if register_usable:
                known = ids.known(table)
                mask = child.notna().to_numpy() & ~known & ~elsewhere
                self.flag(
                    "unknown-child",
                    table,
                    "child_id",
                    mask,
                    child,
                    detail=" (mark registered_here = false for a child from elsewhere)"
                    if "registered_here" in f
                    else "",
                    detail_vi=" (ghi registered_here = false nếu trẻ ở nơi khác)"
                    if "registered_here" in f
                    else "",
                )
            if "registered_here" in f:
                for col in ("sex", "birth_date"):
                    missing = elsewhere & f[col].isna().to_numpy() & self.ok_cells(table, col)
                    self.flag(
                        "missing-value",
                        table,
                        col,
                        missing,
                        f[col],
                        detail=" for a child not registered here (registered_here = false)",
                        detail_vi=" đối với trẻ không có trong sổ của xã (registered_here = false)",
                    )

        # event dates against birth and the 16th birthday
        for table, (col, own_birth) in {
            **_CHILD_EVENT_DATES,
            "abuse_victims": ("support_date", True),
        }.items():
            f = sub[table]
            if f.empty:
                continue
            d = self._valid_date(table, col)
            b = ids.at(table, birth_of_id, f.index)
            if own_birth and "registered_here" in f:
                here = pd.Series(~_elsewhere(f), index=f.index)
                b = b.where(here, self._valid_date(table, "birth_date"))
            before = (d < b).fillna(False).to_numpy(bool)
            self.flag("event-before-birth", table, col, before, d, detail=b)
            if table == "abuse_victims":
                continue
            sixteen = _add_years(b, 16)
            after = (d >= sixteen).fillna(False).to_numpy(bool) & ~before
            self.flag(
                "event-after-age-16",
                table,
                col,
                after,
                d,
                detail=sixteen,
                detail_prefix="(",
                detail_suffix=")",
            )

        # abuse: victims at the case's detection date
        cases = sub.abuse_cases
        victims = sub.abuse_victims
        if not victims.empty:
            mask = victims["case_id"].notna().to_numpy() & ~isin(
                victims["case_id"], cases["case_id"]
            )
            self.flag("unknown-case", "abuse_victims", "case_id", mask, victims["case_id"])
            detected = pd.Series(
                self._valid_date("abuse_cases", "detected_date").to_numpy(),
                index=cases["case_id"].to_numpy(),
            )
            detected = detected[~detected.index.duplicated()]
            d = _lookup_dates(victims["case_id"], detected)
            b = ids.at("abuse_victims", birth_of_id, victims.index)
            here = pd.Series(~_elsewhere(victims), index=victims.index)
            b = b.where(here, self._valid_date("abuse_victims", "birth_date"))
            sixteen = _add_years(b, 16)
            before = (d < b).fillna(False).to_numpy(bool)
            after = (d >= sixteen).fillna(False).to_numpy(bool)
            when = (
                " (detected " + d.dt.strftime("%Y-%m-%d").fillna("?") + ")"
                if (before.any() or after.any())
                else d
            )
            when_vi = (
                when.str.replace("detected", "phát hiện ngày")
                if (before.any() or after.any())
                else d
            )
            self.flag(
                "event-before-birth",
                "abuse_victims",
                "case_id",
                before,
                victims["case_id"],
                detail=b,
                when=when,
                when_vi=when_vi,
            )
            self.flag(
                "event-after-age-16",
                "abuse_victims",
                "case_id",
                after,
                victims["case_id"],
                detail=sixteen,
                detail_prefix="(",
                detail_suffix=")",
                when=when,
                when_vi=when_vi,
            )
        if not cases.empty:
            mask = cases["case_id"].notna().to_numpy() & ~isin(cases["case_id"], victims["case_id"])
            self.flag("case-without-victim", "abuse_cases", "case_id", mask, cases["case_id"])
        sanctions = sub.sanctions
        if not sanctions.empty:
            cid = sanctions["case_id"]
            mask = cid.notna().to_numpy() & ~isin(cid, cases["case_id"])
            self.flag("unknown-case", "sanctions", "case_id", mask, cid)

        # communes against the units table
        units = sub.units
        communes = units.loc[units["level"] == "COMMUNE", ["unit_code", "division_version"]]
        commune_keys = join_keys(communes["unit_code"], communes["division_version"])
        units_usable = not units.empty
        for table in ("children", "injuries", "abuse_cases", "sanctions"):
            f = sub[table]
            if f.empty or (table, "commune_code") in self.missing_columns:
                continue
            if not units_usable:
                continue  # reported once: missing-table units
            ok_version = (
                self.ok_cells(table, "division_version") & f["division_version"].notna().to_numpy()
            )
            known = keys_isin([f["commune_code"], f["division_version"]], commune_keys)
            mask = ~known & ok_version & f["commune_code"].notna().to_numpy()
            self.flag(
                "unknown-commune-code",
                table,
                "commune_code",
                mask,
                f["commune_code"],
                detail=f["division_version"],
            )
        if not units.empty:
            all_keys = join_keys(units["unit_code"], units["division_version"])
            for col, level in (("district_code", "DISTRICT"), ("province_code", "PROVINCE")):
                if not (units["level"] == level).any():
                    continue  # parent rows not given at all: nothing to check against
                k = join_keys(units[col], units["division_version"])
                mask = units[col].notna().to_numpy() & ~isin(k, all_keys)
                self.flag(
                    "unknown-parent-unit",
                    "units",
                    col,
                    mask,
                    units[col],
                    detail=units["division_version"],
                )

        if register_usable:
            self.events_in_spells()

    def events_in_spells(self) -> None:
        """Events of registered children against their spells on the register (warnings).

        An event dated after the child's death, after the child left the register
        (in no later spell), or more than :data:`ENTRY_GRACE_DAYS` days before the
        child's entry (in no earlier spell; not for the start of a special-circumstance
        spell, a state the child may have brought along) is flagged. Events on the exit date
        itself (a fatal injury on the day of death) are not. Spells and events are
        keyed by child and day and matched with one binary search.
        """
        children = self.sub.children
        ids = self.ids
        named = [
            ids.codes[t]
            for t in (*_CHILD_EVENT_DATES, "abuse_victims")
            if not self.sub[t].empty and t in ids.codes
        ]
        if not named:
            return
        # only the register rows of children who have an event are looked at
        has_event = np.zeros(max(ids.n_codes, 1), dtype=bool)
        for event_codes in named:
            has_event[event_codes] = True
        if ids.na_code >= 0:
            has_event[ids.na_code] = False
        present = has_event[ids.register]
        # children are numbered by their register code (the same for every table)
        child_codes = ids.register[present]
        start = _days(self._valid_date("children", "entry_date").to_numpy()[present])
        end = _days(
            self._valid_date("children", "exit_date").to_numpy()[present], missing=_OPEN_DAY
        )
        died = (children["exit_reason"].eq("DIED").fillna(False).to_numpy(bool))[present]
        death = np.full(ids.n_known, _OPEN_DAY, dtype=np.int64)
        np.minimum.at(death, child_codes[died], end[died])

        victims, cases = self.sub.abuse_victims, self.sub.abuse_cases
        events: list[tuple[str, str, pd.Series, np.ndarray, dict[str, Any]]] = []
        for table, (col, _) in _CHILD_EVENT_DATES.items():
            f = self.sub[table]
            if f.empty:
                continue
            d = self._valid_date(table, col)
            events.append((table, col, d, ~_elsewhere(f), {}))
        if not victims.empty and not cases.empty:
            detected = pd.Series(
                self._valid_date("abuse_cases", "detected_date").to_numpy(),
                index=cases["case_id"].to_numpy(),
            )
            detected = detected[~detected.index.duplicated()]
            d = _lookup_dates(victims["case_id"], detected)
            ok = ~_elsewhere(victims) & self.ok_cells("abuse_victims", "case_id")
            when = " (detected " + d.dt.strftime("%Y-%m-%d").fillna("?") + ")"
            when_vi = " (phát hiện ngày " + d.dt.strftime("%Y-%m-%d").fillna("?") + ")"
            events.append(("abuse_victims", "case_id", d, ok, {"when": when, "when_vi": when_vi}))
        if not events:
            return

        # spells sorted by (child, start); key = child * width + day, days shifted to >= 1
        all_days = [start[start != _NO_DAY], end[end != _OPEN_DAY]]
        event_days = [(_days(d.to_numpy()), ok) for _, _, d, ok, _ in events]
        all_days += [e[e != _NO_DAY] for e, _ in event_days]
        joined = np.concatenate(all_days)
        if joined.size == 0:
            return
        base, top = int(joined.min()) - 1, int(joined.max())
        width = top - base + 2
        order = np.lexsort((end, start, child_codes))
        s_child, s_start, s_end = child_codes[order], start[order], end[order]
        s_latest = pd.Series(s_end).groupby(s_child, sort=False).cummax().to_numpy()
        s_key = s_child * width + (np.where(s_start == _NO_DAY, base, s_start) - base)

        for (table, col, d, ok, extra), (day, _) in zip(events, event_days, strict=True):
            f = self.sub[table]
            codes = ids.of(table, len(f))
            child = np.where((codes < ids.n_known) & (codes != ids.na_code), codes, -1)
            use = ok & (child >= 0) & (day != _NO_DAY)
            if not use.any():
                continue
            e_child, e_day = child[use], day[use]
            after_death = e_day > death[e_child]
            key = e_child * width + (e_day - base)
            prev = search_sorted(s_key, key, side="right") - 1
            has_prev = (prev >= 0) & (s_child[np.maximum(prev, 0)] == e_child)
            covered = has_prev & (e_day <= s_latest[np.maximum(prev, 0)])
            nxt = prev + 1
            has_next = (nxt < s_child.size) & (
                s_child[np.minimum(nxt, s_child.size - 1)] == e_child
            )
            next_start = np.where(has_next, s_start[np.minimum(nxt, s_child.size - 1)], _OPEN_DAY)
            in_grace = has_next & (e_day >= next_start - ENTRY_GRACE_DAYS)
            loose = ~after_death & ~covered & ~in_grace
            after_exit = loose & has_prev
            # a special-circumstance spell may have begun before the child came (a disability
            # from birth, an orphan who moved in): its start is not checked against the entry
            before_entry = loose & ~has_prev & (table != "circumstances")
            where = np.flatnonzero(use)
            for code, hit, ref in (
                ("event-after-death", after_death, death[e_child]),
                ("event-after-exit", after_exit, s_latest[np.maximum(prev, 0)]),
                ("event-before-entry", before_entry, next_start),
            ):
                if not hit.any():
                    continue
                mask = np.zeros(len(f), bool)
                mask[where[hit]] = True
                ref_days = np.full(len(f), _NO_DAY, dtype=np.int64)
                ref_days[where[hit]] = ref[hit]
                detail = pd.Series(_from_days(ref_days), index=f.index)
                value = f[col] if table == "abuse_victims" else d
                self.flag(
                    code,
                    table,
                    col,
                    mask,
                    value,
                    detail=detail,
                    expected=ENTRY_GRACE_DAYS,
                    **extra,
                )


@cache
def _pandera_structure(
    table: str, signature: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str, str], ...]:
    """Pandera's structural failures for an empty frame with these column dtypes."""
    empty = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in signature})
    try:
        TABLES[table].model.validate(empty, lazy=True)
    except pa.errors.SchemaErrors as exc:  # pragma: no cover - the dtype check is stricter
        return tuple(
            (str(c.column), str(c.check), str(c.failure_case))
            for c in exc.failure_cases.itertuples()
        )
    return ()


def _lookup_dates(keys: pd.Series, dates: pd.Series) -> pd.Series:
    """``dates[key]`` for every key (unique index), missing -> NaT, as ``datetime64[us]``."""
    out = pd.Series(pd.NaT, index=keys.index, dtype="datetime64[us]")
    if dates.empty or keys.empty:
        return out
    pos = dates.index.get_indexer(pd.Index(keys))
    hit = pos >= 0
    values = dates.to_numpy().astype("datetime64[us]")
    out.iloc[np.flatnonzero(hit)] = values[pos[hit]]
    return out


def _days(values: np.ndarray, missing: int = _NO_DAY) -> np.ndarray:
    """Dates as whole days since 1970 (``int64``); missing dates become *missing*."""
    arr = np.asarray(values).astype("datetime64[D]")
    out: np.ndarray = arr.view("int64").copy()
    out[np.isnat(arr)] = missing
    return out


def _from_days(days: np.ndarray) -> np.ndarray:
    """Whole days since 1970 back to ``datetime64[us]`` (the sentinels become NaT)."""
    out: np.ndarray = days.astype("datetime64[D]").astype("datetime64[us]")
    out[(days == _NO_DAY) | (days == _OPEN_DAY)] = np.datetime64("NaT")
    return out


def _day_text(dates: pd.Series) -> np.ndarray:
    """Dates as YYYY-MM-DD text, missing as an empty string (only used on a few rows)."""
    out: np.ndarray = dates.dt.strftime("%Y-%m-%d").fillna("").astype(object).to_numpy()
    return out


def _row(row: float) -> str:
    """A row number as the user sees it (``?`` when unknown)."""
    return str(int(row)) if row == row else "?"


def _spell_en(entry: str, exit_: str) -> str:
    """A register spell in words."""
    start = f"from {entry}" if entry else "from birth"
    return f"{start} to {exit_}" if exit_ else f"{start}, still on the register"


def _spell_vi(entry: str, exit_: str) -> str:
    """A register spell in Vietnamese."""
    start = f"từ {entry}" if entry else "từ khi sinh"
    return f"{start} đến {exit_}" if exit_ else f"{start}, vẫn còn trong sổ"


def _text(value: object) -> str:
    """A read-issue cell as text (missing -> empty)."""
    return value if isinstance(value, str) else ""


def _elsewhere(frame: pd.DataFrame) -> np.ndarray:
    """Rows marked ``registered_here = false`` (a child not on this commune's register)."""
    if "registered_here" not in frame:
        return np.zeros(len(frame), bool)
    return frame["registered_here"].eq(False).fillna(False).to_numpy(bool)


def _subset(values: Any, idx: np.ndarray) -> np.ndarray:
    """Values at positions *idx*, dates formatted as YYYY-MM-DD."""
    if isinstance(values, pd.Series):
        part = values.iloc[idx]
        if pd.api.types.is_datetime64_any_dtype(part):
            part = part.dt.strftime("%Y-%m-%d")
        return part.astype(object).to_numpy()
    out: np.ndarray = np.asarray(values, dtype=object)[idx]
    return out


def _add_years(dates: pd.Series, years: int) -> pd.Series:
    """Anniversaries; 29 February falls on 1 March in non-leap years.

    Month arithmetic on whole days: the same day of the month *years* later,
    so the 29th day of a February without one is the 1st of March.

    >>> _add_years(pd.Series(pd.to_datetime(["2008-02-29", "2010-05-31", None])), 16).tolist()
    [Timestamp('2024-02-29 00:00:00'), Timestamp('2026-05-31 00:00:00'), NaT]
    >>> _add_years(pd.Series(pd.to_datetime(["2008-02-29"])), 1).dt.strftime("%Y-%m-%d").tolist()
    ['2009-03-01']
    """
    day = dates.to_numpy(dtype="datetime64[us]").astype("datetime64[D]")
    known = ~np.isnat(day)
    ints = day.view(np.int64)
    if known.sum() > 10_000:  # many rows, few distinct days: one anniversary per day
        low, high = int(ints[known].min()), int(ints[known].max())
        if high - low < 200_000:
            table = _anniversaries(np.arange(low, high + 1).astype("datetime64[D]"), years)
            out = np.full(len(day), np.datetime64("NaT"), dtype="datetime64[us]")
            out[known] = table[ints[known] - low]
            return pd.Series(out, index=dates.index)
    return pd.Series(_anniversaries(day, years), index=dates.index)


def _anniversaries(day: np.ndarray, years: int) -> np.ndarray:
    """The same day of the month *years* later (``datetime64[D]`` in, ``[us]`` out)."""
    month = day.astype("datetime64[M]")
    into_month = day - month.astype("datetime64[D]")
    out = (month + np.timedelta64(12 * years, "M")).astype("datetime64[D]") + into_month
    result: np.ndarray = out.astype("datetime64[us]")
    return result


def validate(
    submission: Submission,
    *,
    max_examples: int = 20,
    today: dt.date | None = None,
    lang: Literal["en", "vi"] = "en",
) -> ValidationReport:
    """Check every table and the links between them; never raises for bad data.

    Parameters
    ----------
    submission
        What :func:`chitieu.read_submission` (or :func:`chitieu.synth.generate`) returned.
    max_examples
        Problems shown in detail per code, table and column; all are counted.
    today
        The validation date: later dates are "in the future" (default: today).
    lang
        Language of the ``message`` column (``message_en`` and ``message_vi``
        are always there).

    Examples
    --------
    >>> import chitieu
    >>> sub = chitieu.synth.generate(n_children=300, seed=3)
    >>> bad = sub.children.copy()
    >>> bad.loc[5, "sex"] = "X"
    >>> report = chitieu.validate(sub.replace(children=bad))
    >>> first = next(iter(report))
    >>> report.valid, first["code"], first["column"], first["row"]
    (False, 'unknown-code', 'sex', 6)
    """
    if not isinstance(submission, Submission):
        raise TypeError(f"validate() expects a chitieu.Submission, got {type(submission).__name__}")
    if lang not in ("en", "vi"):
        raise ValueError(f"lang must be 'en' or 'vi', got {lang!r}")
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 0:
        raise ValueError(f"max_examples must be a whole number >= 0, got {max_examples!r}")
    run = _Run(submission, max_examples=max_examples, today=today or dt.date.today())
    run.read_issues()
    run.required_tables()
    structure_ok = {t: run.dtypes(t) for t in TABLES}
    for table in TABLES:
        if structure_ok[table]:
            run.single(table)
    if structure_ok["children"]:
        run.children()
    if structure_ok["circumstances"]:
        run.circumstances()
    if structure_ok["units"]:
        run.units()
    check_activities(run, structure_ok)
    if all(structure_ok.values()):
        run.cross()
    return ValidationReport._build(run.out, run.err, run.warn, source=submission.source, lang=lang)
