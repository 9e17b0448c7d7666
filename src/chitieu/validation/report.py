"""The :class:`ValidationReport`: what is wrong, where, and how much.

Memory stays bounded whatever the input: every (code, table, column) keeps its
full count, but only the first ``max_examples`` occurrences in detail. Row
accounting keeps one boolean per input row and table.

No personal data is recorded (see ``docs/privacy.md``): when a problem is
recorded, the value of an identity, name or address column is masked whole
(``0012••••••78``), every run of 9 or more digits anywhere in a value, a
header or a message is masked, a header that is itself a value (a number, a
person's name) is masked, and control characters are shown as ``\\xNN``. A
problem whose value was masked says so (``masked`` is true, and its messages
end with a note), and so do :meth:`ValidationReport.summary` and
:meth:`ValidationReport.to_dict`. The file a problem is in is kept as it is
(it is where the problem is, a name the user gave), but for its control
characters and lone surrogates.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from chitieu.privacy import (
    MASKED_NOTE_EN,
    MASKED_NOTE_VI,
    is_personal_column,
    mask_header,
    mask_id,
    mask_text,
    mask_value,
    printable,
)
from chitieu.schemas import TABLES, column_specs
from chitieu.validation.catalogue import ERRORS

__all__ = ["PROBLEM_COLUMNS", "ValidationReport"]

PROBLEM_COLUMNS = (
    "code",
    "severity",
    "table",
    "file",
    "row",
    "column",
    "value",
    "message",
    "message_vi",
    "message_en",
    "masked",
)

# Problems whose value is a header as typed, not a cell.
_HEADER_CODES = frozenset({"unknown-column", "duplicate-column"})
# Said at the end of a message whose value was masked.
_MASKED_EN = " (personal data masked)"
_MASKED_VI = " (đã che dữ liệu cá nhân)"
# Raw values shorter than this are not searched for in other parts of a message.
_MIN_ECHO = 4


def _fmt(template: str, **kw: Any) -> str:
    try:
        return template.format(**kw)
    except (KeyError, IndexError, ValueError):  # pragma: no cover - guarded by catalogue tests
        return template


@cache
def _known_column(table: str, column: str) -> bool:
    """Whether *column* is a column of *table* (or a ``+`` combination of them), or empty."""
    if not column:
        return True
    if table not in TABLES:
        return False
    specs = column_specs(table)
    return all(part in specs for part in column.split("+"))


def _shown_column(table: str, column: str) -> str:
    """A column name as it may be shown: canonical names as they are, headers as typed masked."""
    if _known_column(table, column):
        return column
    return printable(mask_header(column))


def _shown_value(code: str, table: str, column: str, value: Any) -> str:
    """A problem's value as it may be shown (:mod:`chitieu.privacy`); control characters kept."""
    if value is None:
        return ""
    if code in _HEADER_CODES:
        return mask_header(value)
    parts = column.split("+")
    if len(parts) > 1 and any(is_personal_column(p, table=table) for p in parts):
        pieces = str(value).split(" / ")
        if len(pieces) != len(parts):
            return mask_id(str(value))
        shown = [mask_value(v, column=c, table=table) for v, c in zip(pieces, parts, strict=True)]
        return " / ".join(shown)
    return mask_value(value, column=column, table=table)


def _shown_text(text: Any, raw: str, shown: str) -> Any:
    """A piece of a message (``detail``, ``expected``...) with the raw value and digit runs masked."""
    if not isinstance(text, str):
        return text
    if raw != shown and len(raw) >= _MIN_ECHO:
        text = text.replace(raw, shown)
    return mask_text(text)


@cache
def _vi_label(table: str, names: str) -> str:
    """Column names as a Vietnamese user knows them: ``Giới tính (sex)``."""
    if table not in TABLES or not names:
        return names
    specs = column_specs(table)
    parts = [f"{specs[n].vi} ({n})" if n in specs else n for n in names.split("+")]
    return " + ".join(parts)


def _printable_tree(data: Any) -> Any:
    """*data* (dicts, lists, scalars) with every string made :func:`~chitieu.privacy.printable`."""
    if isinstance(data, str):
        return printable(data)
    if isinstance(data, dict):
        return {_printable_tree(k): _printable_tree(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_printable_tree(v) for v in data]
    return data


@dataclass
class _Group:
    code: str
    table: str
    column: str
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)


class _Collector:
    """Accumulates problems with bounded detail."""

    def __init__(self, max_examples: int) -> None:
        self.max_examples = max_examples
        self.groups: dict[tuple[str, str, str], _Group] = {}

    def add(
        self,
        code: str,
        table: str,
        column: str,
        *,
        files: pd.Series | np.ndarray | list[Any],
        rows: pd.Series | np.ndarray | list[Any],
        values: pd.Series | np.ndarray | list[Any],
        count: int | None = None,
        **fmt: Any,
    ) -> None:
        """Record occurrences; per-occurrence keyword values may be arrays (e.g. ``detail``)."""
        files_a = np.asarray(files, dtype=object)
        n = len(files_a) if count is None else count
        if n == 0:
            return
        shown_column = _shown_column(table, column)
        masked_column = shown_column != printable(column)
        key = (code, table, shown_column)
        group = self.groups.setdefault(key, _Group(code, table, shown_column))

        def _show(raw: str) -> str:
            return _shown_value(code, table, column, raw if raw else None)

        room = self.max_examples - len(group.examples)
        take = min(room, len(files_a))
        if take > 0:
            rows_a = np.asarray(rows, dtype=object)[:take]
            values_a = np.asarray(values, dtype=object)[:take]
            per_row = {
                k: np.asarray(v, dtype=object)[:take]
                for k, v in fmt.items()
                if isinstance(v, pd.Series | np.ndarray | list)
            }
            scalars = {k: v for k, v in fmt.items() if k not in per_row}
            etype = ERRORS[code]
            for i in range(take):
                value = values_a[i]
                value = (
                    None
                    if value is None or (isinstance(value, float) and np.isnan(value))
                    else value
                )
                raw = "" if value is None else str(value)
                shown = _show(raw)
                kw = {
                    "column": shown_column,
                    "table": table,
                    "value": shown,
                    "file": files_a[i] or "",
                    "detail": "",
                    "expected": "",
                    "other": "",
                    "when": "",
                    "when_vi": "",
                }
                kw.update(scalars)
                kw.update({k: v[i] for k, v in per_row.items()})
                kw.update(
                    {
                        k: _shown_text(v, raw, shown)
                        for k, v in kw.items()
                        if k not in ("column", "table", "value", "file")
                    }
                )
                kw_vi = {
                    **kw,
                    "column": _vi_label(table, shown_column),
                    "table": f"{TABLES[table].vi} ({table})" if table in TABLES else table,
                    "other": _vi_label(table, str(kw["other"])),
                    "detail_vi": kw.get("detail_vi", kw["detail"]),
                }
                message_en = printable(mask_text(_fmt(etype.template_en, **kw)))
                message_vi = printable(mask_text(_fmt(etype.template_vi, **kw_vi)))
                masked = shown != raw or masked_column
                if masked:
                    message_en += _MASKED_EN
                    message_vi += _MASKED_VI
                row = rows_a[i]
                group.examples.append(
                    {
                        "code": code,
                        "severity": etype.severity,
                        "table": table,
                        "file": printable(files_a[i] or ""),
                        "row": None if row is None or pd.isna(row) else int(row),
                        "column": shown_column,
                        "value": printable(shown),
                        "message_en": message_en,
                        "message_vi": message_vi,
                        "masked": masked,
                    }
                )
        group.count += n


@dataclass
class ValidationReport:
    """The result of :func:`chitieu.validate`. It never raises for bad data.

    Attributes
    ----------
    valid
        ``True`` when there is no error (warnings allowed).
    errors
        One row per problem shown in detail (at most ``max_examples`` per code,
        table and column), with ``code, severity, table, file, row, column,
        value, message, message_vi, message_en, masked``. ``row`` is the row
        number the user sees in the file (header = row 1), or the 1-based
        position for frames built in code. ``value`` is masked where it is
        personal (an identity, a name, an address, a number of 9 or more
        digits) and ``masked`` says so; messages are masked the same way.
    counts
        The full count of every (code, severity, table, column), even when the
        details were truncated.
    tables
        Row accounting per table: rows read = rows valid + rows with errors.
    """

    errors: pd.DataFrame
    counts: pd.DataFrame
    tables: pd.DataFrame
    max_examples: int
    source: str | None = None
    lang: Literal["en", "vi"] = "en"
    _error_rows: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    # -- building ---------------------------------------------------------------
    @classmethod
    def _build(
        cls,
        collector: _Collector,
        error_rows: dict[str, np.ndarray],
        warning_rows: dict[str, np.ndarray],
        *,
        source: str | None,
        lang: Literal["en", "vi"] = "en",
    ) -> ValidationReport:
        examples = [e for g in collector.groups.values() for e in g.examples]
        errors = pd.DataFrame(examples, columns=[c for c in PROBLEM_COLUMNS if c != "message"])
        errors["message"] = errors["message_vi" if lang == "vi" else "message_en"]
        errors = errors.loc[:, list(PROBLEM_COLUMNS)]
        errors["row"] = errors["row"].astype("Int64")
        errors["masked"] = errors["masked"].astype(bool)
        order = {"error": 0, "warning": 1}
        if not errors.empty:
            errors = errors.sort_values(
                ["severity", "table", "file", "row", "column", "code"],
                key=lambda s: s.map(order) if s.name == "severity" else s,
                na_position="first",
                kind="stable",
            ).reset_index(drop=True)
        counts = pd.DataFrame(
            [
                {
                    "code": g.code,
                    "severity": ERRORS[g.code].severity,
                    "table": g.table,
                    "column": g.column,
                    "count": g.count,
                    "shown": len(g.examples),
                }
                for g in collector.groups.values()
            ],
            columns=["code", "severity", "table", "column", "count", "shown"],
        )
        if not counts.empty:
            counts = counts.sort_values(
                ["severity", "table", "column", "code"],
                key=lambda s: s.map(order) if s.name == "severity" else s,
            ).reset_index(drop=True)
        rows = []
        for table, mask in error_rows.items():
            warn = warning_rows.get(table, np.zeros(len(mask), bool))
            rows.append(
                {
                    "table": table,
                    "rows_read": len(mask),
                    "rows_valid": int((~mask).sum()),
                    "rows_with_errors": int(mask.sum()),
                    "rows_with_warnings": int((warn & ~mask).sum()),
                }
            )
        tables = pd.DataFrame(
            rows,
            columns=["table", "rows_read", "rows_valid", "rows_with_errors", "rows_with_warnings"],
        ).set_index("table")
        return cls(
            errors=errors,
            counts=counts,
            tables=tables,
            max_examples=collector.max_examples,
            source=source,
            lang=lang,
            _error_rows=error_rows,
        )

    # -- reading ----------------------------------------------------------------
    @property
    def n_errors(self) -> int:
        """Occurrences of problems of severity error (all of them, not only those shown)."""
        return int(self.counts.loc[self.counts["severity"] == "error", "count"].sum())

    @property
    def n_warnings(self) -> int:
        """Occurrences of problems of severity warning."""
        return int(self.counts.loc[self.counts["severity"] == "warning", "count"].sum())

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed)."""
        return self.n_errors == 0

    @property
    def masked(self) -> bool:
        """Whether a problem shown in detail had personal data masked."""
        return bool(self.errors["masked"].any()) if "masked" in self.errors else False

    @property
    def truncated(self) -> bool:
        """Whether some problems are counted but not shown in detail."""
        return bool((self.counts["count"] > self.counts["shown"]).any())

    def __bool__(self) -> bool:
        return self.valid

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Iterate over the problems shown in detail, as dicts."""
        records = self.errors.astype(object).where(self.errors.notna(), None).to_dict("records")
        for record in records:
            yield {str(k): v for k, v in record.items()}

    @property
    def problems(self) -> list[dict[str, Any]]:
        """The problems shown in detail, as a list of dicts (see :data:`PROBLEM_COLUMNS`)."""
        return list(self)

    def by_table(self) -> pd.DataFrame:
        """Row accounting with the number of problems of each severity, one row per table."""
        per = self.counts.assign(table=self.counts["table"].fillna(""))
        pivot = per.pivot_table(
            index="table", columns="severity", values="count", aggfunc="sum", fill_value=0
        )
        out = self.tables.copy()
        for severity in ("error", "warning"):
            column = pivot[severity] if severity in pivot.columns else pd.Series(dtype="int64")
            out[f"{severity}s"] = column.reindex(out.index, fill_value=0).astype("int64")
        return out

    def invalid_rows(self, table: str) -> np.ndarray:
        """Boolean mask (by position) of the rows of *table* that have errors.

        A problem of the whole table (a required column missing, a column of the
        wrong type) marks every row of it.
        """
        if table not in self._error_rows:
            raise KeyError(f"no table {table!r}; tables: {', '.join(self._error_rows)}")
        return self._error_rows[table].copy()

    def summary(self, lang: Literal["en", "vi"] = "en") -> str:
        """A short readable summary in English or Vietnamese (numbers as *lang* writes them)."""
        from chitieu.numbers import counted, format_number

        vi = lang == "vi"
        lines = []
        if self.valid:
            lines.append("Dữ liệu hợp lệ." if vi else "The submission is valid.")
        else:
            lines.append(
                f"Dữ liệu có {counted(self.n_errors, 'lỗi', lang='vi')}."
                if vi
                else f"The submission has {counted(self.n_errors, 'error')}."
            )
        if self.n_warnings:
            lines.append(
                f"{counted(self.n_warnings, 'cảnh báo', lang='vi')}."
                if vi
                else f"{counted(self.n_warnings, 'warning')}."
            )
        lines.append("")
        head = (
            ("bảng", "dòng đọc", "hợp lệ", "có lỗi")
            if vi
            else ("table", "rows read", "valid", "with errors")
        )
        lines.append(f"{head[0]:<15}{head[1]:>12}{head[2]:>12}{head[3]:>12}")
        for table, r in self.tables.iterrows():
            if r["rows_read"] or table in ("children", "units"):
                read, ok, bad = (
                    format_number(r[k], lang)
                    for k in ("rows_read", "rows_valid", "rows_with_errors")
                )
                lines.append(f"{table!s:<15}{read:>12}{ok:>12}{bad:>12}")
        if not self.counts.empty:
            lines.append("")
            lines.append("Vấn đề theo mã:" if vi else "Problems by code:")
            for _, c in self.counts.iterrows():
                title = ERRORS[c["code"]].title_vi if vi else ERRORS[c["code"]].title_en
                where = f"{c['table']}.{c['column']}" if c["column"] else c["table"]
                lines.append(
                    f"  {c['severity']:<8}{c['code']:<26}{where:<32}"
                    f"{format_number(c['count'], lang):>10}  {title}"
                )
        if self.masked:
            lines.append("")
            lines.append(f"({MASKED_NOTE_VI})" if vi else f"({MASKED_NOTE_EN})")
        if self.truncated:
            lines.append("")
            lines.append(
                f"(chỉ hiện {self.max_examples} ví dụ đầu tiên cho mỗi mã và cột)"
                if vi
                else f"(details shown for the first {self.max_examples} of each code and column)"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: validity, counts, row accounting and the problems shown.

        ``privacy`` says how values are masked (``masked``: whether a problem
        shown had a value masked); every text is printable (no control
        character, no lone surrogate), so the dict always encodes as UTF-8.
        """
        from chitieu import __version__

        problems = [
            {
                k: (
                    None
                    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA
                    else int(v)
                    if isinstance(v, np.integer)
                    else v
                )
                for k, v in p.items()
            }
            for p in self
        ]
        out = {
            "valid": self.valid,
            "n_errors": self.n_errors,
            "n_warnings": self.n_warnings,
            "truncated": self.truncated,
            "max_examples": self.max_examples,
            "source": self.source,
            "chitieu_version": __version__,
            "tables": {
                str(t): {k: int(v) for k, v in r.items()} for t, r in self.tables.iterrows()
            },
            "counts": [
                {k: (int(v) if isinstance(v, np.integer | int) else v) for k, v in r.items()}
                for r in self.counts.to_dict("records")
            ],
            "problems": problems,
            "privacy": {
                "masked": self.masked,
                "note_en": MASKED_NOTE_EN,
                "note_vi": MASKED_NOTE_VI,
            },
        }
        clean: dict[str, Any] = _printable_tree(out)
        return clean

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 characters kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- output formats (chitieu.validation.render) ------------------------------
    def render(
        self,
        fmt: str,
        *,
        path: str | None = None,
        lang: Literal["en", "vi"] | None = None,
    ) -> str:
        """This report in format *fmt*, exactly as ``chitieu validate --format`` prints it.

        Parameters
        ----------
        fmt
            ``text``, ``markdown``, ``json``, ``junit``, ``github`` or ``sarif``
            (:data:`chitieu.validation.render.FORMATS`).
        path
            The submission's path as the user gave it, which annotations and
            SARIF locations point from (default: :attr:`source`, else ``.``).
        lang
            ``vi`` or ``en`` (default: the report's language).

        Examples
        --------
        >>> from chitieu.indicators.examples import tiny_submission
        >>> from chitieu.validation import validate
        >>> print(validate(tiny_submission()).render("github", path="xa-01", lang="vi"))
        xa-01: 0 lỗi, 0 cảnh báo
        <BLANKLINE>
        """
        from chitieu.validation.render import Checked
        from chitieu.validation.render import render as _render

        where = path if path is not None else (self.source or ".")
        return _render(fmt, [Checked(where, self)], lang or self.lang)

    def to_text(self, *, path: str | None = None, lang: Literal["en", "vi"] | None = None) -> str:
        """The readable report: the summary, then one line per problem (see :meth:`render`)."""
        return self.render("text", path=path, lang=lang)

    def to_markdown(
        self, *, path: str | None = None, lang: Literal["en", "vi"] | None = None
    ) -> str:
        """Markdown tables, for a CI job summary or a comment (see :meth:`render`)."""
        return self.render("markdown", path=path, lang=lang)

    def to_junit(self, *, path: str | None = None, lang: Literal["en", "vi"] | None = None) -> str:
        """JUnit XML: a test case per table and problem code (see :meth:`render`)."""
        return self.render("junit", path=path, lang=lang)

    def to_github(self, *, path: str | None = None, lang: Literal["en", "vi"] | None = None) -> str:
        """GitHub Actions annotations, one per problem (see :meth:`render`)."""
        return self.render("github", path=path, lang=lang)

    def to_sarif(self, *, path: str | None = None, lang: Literal["en", "vi"] | None = None) -> str:
        """SARIF 2.1.0, rules from the error catalogue (see :meth:`render`)."""
        return self.render("sarif", path=path, lang=lang)

    def __repr__(self) -> str:
        state = "valid" if self.valid else f"{self.n_errors:,} errors"
        return f"<ValidationReport {state}, {self.n_warnings:,} warnings>"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.valid else "#cf222e"
        state = "valid" if self.valid else f"{self.n_errors:,} errors"
        parts = [
            f"<div><p><strong style='color:{colour}'>ValidationReport: {state}</strong>, "
            f"{self.n_warnings:,} warnings</p>",
            self.tables.to_html(),
        ]
        if not self.counts.empty:
            parts.append(self.counts.to_html(index=False))
        if not self.errors.empty:
            shown = self.errors.loc[
                :, ["severity", "code", "table", "file", "row", "column", "value", "message"]
            ]
            parts.append(shown.head(50).to_html(index=False, escape=True))
        parts.append("</div>")
        return "".join(parts) if parts else html.escape(repr(self))
