"""Exceptions raised by chitieu.

Bad *data* is never an exception: :func:`chitieu.validate` returns a report.
Exceptions are for bad *calls* (an unknown indicator, a malformed period) and
for inputs that cannot be read at all (a missing file, a corrupt zip).
"""

from __future__ import annotations

__all__ = [
    "ChitieuError",
    "DataNotAvailableError",
    "PeriodError",
    "ReadError",
    "UnknownIndicatorError",
]


class ChitieuError(Exception):
    """Root of every exception chitieu raises on purpose."""


class ReadError(ChitieuError, OSError):
    """A submission (file, folder or zip) cannot be read at all."""


class PeriodError(ChitieuError, ValueError):
    """A period string or range is malformed."""


class UnknownIndicatorError(ChitieuError, KeyError):
    """An indicator id is not in the registry."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class DataNotAvailableError(ChitieuError, ValueError):
    """An indicator needs data that the given input does not carry."""
