"""Leaving out invalid rows, with a count of what was left out."""

from __future__ import annotations

from chitieu.submission import Submission, ValidationSummary
from chitieu.validation.report import ValidationReport

__all__ = ["drop_invalid"]


def drop_invalid(
    submission: Submission, report: ValidationReport
) -> tuple[Submission, dict[str, int]]:
    """The submission without the rows that have errors, and how many were left out per table.

    Rows of other tables that point at a left-out row (an injury of a left-out
    child) stay; indicators then treat them as they treat any event whose
    child is unknown.

    The result carries a :class:`~chitieu.submission.ValidationSummary`, so
    figures computed from it say how many rows were left out and are not
    validated again.
    """
    frames = {}
    dropped: dict[str, int] = {}
    for table, frame in submission.tables():
        mask = report.invalid_rows(table)
        if len(mask) != len(frame):
            raise ValueError(f"the report does not belong to this submission (table {table})")
        dropped[table] = int(mask.sum())
        frames[table] = frame.loc[~mask].reset_index(drop=True) if mask.any() else frame
    summary = ValidationSummary(
        n_errors=report.n_errors,
        n_warnings=report.n_warnings,
        rows_left_out={t: n for t, n in dropped.items() if n},
        rows_read={t: len(f) for t, f in submission.tables()},
        problems={
            (str(c), str(t)): int(n)
            for c, t, n in zip(
                report.counts["code"], report.counts["table"].fillna(""), report.counts["count"],
                strict=True,
            )
        },
    )
    return submission.replace(**frames, validation_summary=summary), dropped
