"""Exceptions and warnings raised by chitieu.

Bad *data* is never an exception: :func:`chitieu.validate` returns a report.
Exceptions are for bad *calls* (an unknown indicator, a malformed period), for
inputs that cannot be read at all (a missing file, a corrupt or hostile zip),
for outputs that cannot be written, and for computing on invalid data when
the caller asked to refuse it.

Every exception and warning carries a stable kebab-case ``code`` (the same
codes as ``docs/errors.md`` where they overlap), printed by the command line
as ``chitieu: error [code]: message``.
"""

from __future__ import annotations

__all__ = [
    "ChitieuError",
    "ChitieuWarning",
    "DataNotAvailableError",
    "InvalidDataError",
    "InvalidDataWarning",
    "PeriodError",
    "ReadError",
    "UnknownIndicatorError",
    "UnvalidatedDataWarning",
    "WriteError",
]


class ChitieuError(Exception):
    """Root of every exception chitieu raises on purpose.

    ``code`` is a stable kebab-case identifier of the kind of error; give
    ``code=`` to say it more precisely than the class does.

    >>> str(ReadError("x.zip: a member climbs out of the folder", code="zip-unsafe-member"))
    'x.zip: a member climbs out of the folder'
    >>> ReadError("x", code="zip-unsafe-member").code, ReadError("x").code
    ('zip-unsafe-member', 'unreadable-input')
    """

    default_code = "chitieu-error"

    def __init__(self, *args: object, code: str | None = None) -> None:
        super().__init__(*args)
        self.code: str = code or self.default_code


class ReadError(ChitieuError, OSError):
    """A submission (file, folder or zip) cannot be read at all, or is refused."""

    default_code = "unreadable-input"


class WriteError(ChitieuError, OSError):
    """An output file cannot be written (no permission, no such folder, disk full)."""

    default_code = "cannot-write-output"


class PeriodError(ChitieuError, ValueError):
    """A period string or range is malformed."""

    default_code = "bad-period"


class UnknownIndicatorError(ChitieuError, KeyError):
    """An indicator id is not in the registry."""

    default_code = "unknown-indicator"

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class DataNotAvailableError(ChitieuError, ValueError):
    """An indicator needs data that the given input does not carry ("no data").

    Raised for a table that is absent, empty or left without valid rows, a
    required column that is missing, a period the submission does not cover,
    or data the records never carry. The message is the reason, as shown
    wherever the figure would be.
    """

    default_code = "no-data"

    def __init__(self, *args: object, code: str | None = None) -> None:
        super().__init__(*args, code=code)
        #: The reason alone, without the indicator's name (as the report lists it).
        self.reason: str = str(args[0]) if args else ""


class InvalidDataError(ChitieuError, ValueError):
    """Computing was asked to refuse invalid data (``validation="refuse"``), and it has errors."""

    default_code = "invalid-data"


class ChitieuWarning(UserWarning):
    """Root of every warning chitieu gives."""


class InvalidDataWarning(ChitieuWarning):
    """The data have validation errors: the rows with errors were left out of the figures."""


class UnvalidatedDataWarning(ChitieuWarning):
    """Figures were computed on data that were not validated (``validation="skip"``)."""
