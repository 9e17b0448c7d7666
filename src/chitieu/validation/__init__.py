"""Validation: schemas and cross-table checks, a report with stable codes.

``validate(submission)`` returns a :class:`ValidationReport`; it never raises
for bad data. Codes, severities and messages come from :data:`ERRORS`.
"""

from chitieu.validation.catalogue import ERRORS, ErrorType
from chitieu.validation.checks import validate
from chitieu.validation.report import PROBLEM_COLUMNS, ValidationReport
from chitieu.validation.rows import drop_invalid

__all__ = ["ERRORS", "PROBLEM_COLUMNS", "ErrorType", "ValidationReport", "drop_invalid", "validate"]
