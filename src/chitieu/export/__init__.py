"""Outputs of a :class:`~chitieu.report.Report`: Excel, CSV, Parquet, JSON and HTML.

Every function takes a report and writes what it already holds: an export
never recomputes. The same functions are methods of the report
(``report.to_excel(path)``, ``report.to_csv(path)``, ...).

========================  =====================================================
function                  output
========================  =====================================================
:func:`to_excel`          workbook for people: cover sheet, one sheet per family
:func:`to_csv`            the table, UTF-8 with BOM
:func:`to_parquet`        the table with its dtypes and the metadata
:func:`to_json`           ``{"metadata", "columns", "table"}``; a string without a path
:func:`to_html`           the summary shown in Jupyter
:func:`read_table`        any table written above, back with its dtypes
========================  =====================================================
"""

from __future__ import annotations

from chitieu.export.excel import FAMILIES, MissingDependencyError, to_excel
from chitieu.export.html import report_html, to_html
from chitieu.export.tables import (
    canonical_table,
    read_metadata,
    read_table,
    to_csv,
    to_json,
    to_parquet,
)

__all__ = [
    "FAMILIES",
    "MissingDependencyError",
    "canonical_table",
    "read_metadata",
    "read_table",
    "report_html",
    "to_csv",
    "to_excel",
    "to_html",
    "to_json",
    "to_parquet",
]
