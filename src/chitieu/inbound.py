"""Validation on the way in: what :func:`chitieu.compute`, :func:`chitieu.report` and
plan evaluation do with a submission before computing a figure.

Every figure says what it rests on. So by default the submission is validated
(once: the result is cached on it), and

``validation="drop"`` (the default)
    rows with errors are left out of the figures, with an
    :class:`~chitieu.errors.InvalidDataWarning` and a note that counts them;
``validation="refuse"``
    data with errors raise :class:`~chitieu.errors.InvalidDataError`;
``validation="skip"``
    the data are used as given, unvalidated, and the notes say so.

A submission that already went through validation (the result of
:func:`chitieu.validation.drop_invalid` or of :func:`prepare`) carries its
:class:`~chitieu.submission.ValidationSummary` and is not validated again, in
any mode.

Examples
--------
>>> import warnings, chitieu
>>> sub = chitieu.synth.generate(n_children=300, seed=3)
>>> prepare(sub).notes
('validated: no errors',)
>>> bad = sub.replace(children=sub.children.assign(sex=["Q"] + list(sub.children["sex"][1:])))
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     ready = prepare(bad)
>>> ready.notes
('validated: 1 error; left out 1 row with errors (children 1)',)
>>> len(ready.data.children) == len(sub.children) - 1, caught[0].category.__name__
(True, 'InvalidDataWarning')
>>> prepare(bad, "refuse")
Traceback (most recent call last):
...
chitieu.errors.InvalidDataError: the data have 1 error (1 row); fix them, or compute with validation='drop' to leave out the rows with errors
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal, get_args

from chitieu.errors import InvalidDataError, InvalidDataWarning
from chitieu.submission import Submission, ValidationSummary

__all__ = ["VALIDATION_MODES", "Prepared", "Validation", "check_mode", "prepare", "summary_notes"]

Validation = Literal["drop", "refuse", "skip"]
#: The accepted values of ``validation=``.
VALIDATION_MODES: tuple[str, ...] = get_args(Validation)


@dataclass(frozen=True)
class Prepared:
    """A submission ready to compute on, and the sentences that say what it rests on."""

    data: Submission
    notes: tuple[str, ...]
    mode: str

    @property
    def validated(self) -> bool:
        """Whether the data were validated (on the way in or before)."""
        return self.data.validation_summary is not None


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary_notes(summary: ValidationSummary | None) -> tuple[str, ...]:
    """The note that says what validation found (or that there was none).

    >>> summary_notes(None)
    ('not validated: the figures rest on the data as given (validation="skip")',)
    >>> summary_notes(ValidationSummary(0, 2))
    ('validated: no errors, 2 warnings',)
    """
    if summary is None:
        return ('not validated: the figures rest on the data as given (validation="skip")',)
    found = "no errors" if summary.n_errors == 0 else _plural(summary.n_errors, "error")
    if summary.n_warnings:
        found += f", {_plural(summary.n_warnings, 'warning')}"
    text = f"validated: {found}"
    if summary.n_left_out:
        parts = ", ".join(f"{t} {n:,}" for t, n in summary.rows_left_out.items() if n)
        text += f"; left out {_plural(summary.n_left_out, 'row')} with errors ({parts})"
    return (text,)


def check_mode(validation: Any) -> str:
    """*validation* if it is one of :data:`VALIDATION_MODES`, else a ``ValueError``."""
    if validation not in VALIDATION_MODES:
        raise ValueError(
            f"validation must be one of {', '.join(map(repr, VALIDATION_MODES))}, "
            f"found {validation!r}"
        )
    return str(validation)


def prepare(data: Submission, validation: Validation = "drop", *, stacklevel: int = 2) -> Prepared:
    """Validate *data* on the way in, as *validation* says; see the module docstring.

    The result is cached on *data* per mode, so repeated calls cost nothing
    (the warning is given on every call that leaves rows out).
    """
    from chitieu.validation import drop_invalid

    if not isinstance(data, Submission):
        raise TypeError(f"data must be a chitieu Submission, found {type(data).__name__}")
    mode = check_mode(validation)
    if data.validation_summary is not None:
        return Prepared(data, summary_notes(data.validation_summary), mode)
    if mode == "skip":
        return Prepared(data, summary_notes(None), mode)
    key = f"prepared:{mode}"
    cached: Prepared | None = data._cache.get(key)
    if cached is None:
        checked = data.validate()
        if not checked.valid and mode == "refuse":
            bad_rows = sum(int(checked.invalid_rows(t).sum()) for t, _ in data.tables())
            raise InvalidDataError(
                f"the data have {_plural(checked.n_errors, 'error')} "
                f"({_plural(bad_rows, 'row')}); fix them, or compute with validation='drop' "
                "to leave out the rows with errors"
            )
        clean, _ = drop_invalid(data, checked)
        assert clean.validation_summary is not None
        cached = Prepared(clean, summary_notes(clean.validation_summary), mode)
        data._cache[key] = cached
    summary = cached.data.validation_summary
    if summary is not None and summary.n_errors:
        warnings.warn(
            InvalidDataWarning(
                f"the data have {_plural(summary.n_errors, 'error')}: "
                f"{_plural(summary.n_left_out, 'row')} with errors "
                f"{'was' if summary.n_left_out == 1 else 'were'} left out of the figures "
                "(validation='refuse' to stop instead, chitieu.validate(data) to see them)"
            ),
            stacklevel=stacklevel + 1,
        )
    return cached
