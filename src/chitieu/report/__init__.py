"""The :class:`Report`: many indicators, periods and units in one tidy table.

:func:`report` computes every requested indicator for every commune, overall
and broken down by each of the indicator's dimensions (one at a time), and
keeps the counts: ``numerator`` and ``denominator`` beside ``value``. A higher
level (district, province, national) is made by :meth:`Report.rollup`, which
sums the counts of the units under each parent and only then computes the
value. Values are never averaged.

Roll-up is exact: every child (and every event) is attributed to exactly one
commune, so counts of distinct children add up over communes to the count of
the parent unit, and a rate of sums is the parent's rate.

The table (:attr:`Report.table`) has these columns, in this order:

``indicator_id``, ``period``, ``level``, ``unit_code``, ``division_version``
    what the row is about; at national level ``unit_code`` is ``VN``.
``breakdown``
    ``total`` for the overall row of a unit, else the one dimension the row is
    broken down by.
one column per dimension (``sex``, ``age_group``, ``group``, ...)
    the category of the row's breakdown dimension; ``total`` in every other
    dimension column.
``multi_response``
    True on rows broken down by a multi-response dimension (special
    circumstance group, form of abuse, ...): one child can be in several such
    rows, so they do not add up to the total. Never sum over them.
``numerator``, ``denominator``, ``value``
    float64; the denominator is NaN for counts and sums, the value is NaN where
    the denominator is 0.
``units_missing``
    for indicators computed from facts communes report (units table, extra
    tables): how many communes of the cell did not report it; ``<NA>`` for the
    others.
``flags``
    comma-separated flags in the order of :data:`FLAGS` ("" for none).

Examples
--------
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
>>> rep.totals()[["unit_code", "numerator"]].to_dict("list")
{'unit_code': ['00001', '00002'], 'numerator': [3.0, 3.0]}
>>> rep.rollup("district").totals()[["unit_code", "numerator"]].to_dict("list")
{'unit_code': ['001'], 'numerator': [6.0]}
"""
from __future__ import annotations

import sys
import types
from typing import Any

from chitieu.report.build import ENGINES, Engine, combine, report
from chitieu.report.model import Report
from chitieu.report.provenance import input_hash
from chitieu.report.table import FLAGS, SMALL_COUNT, TOTAL

__all__ = [
    "ENGINES",
    "FLAGS",
    "SMALL_COUNT",
    "TOTAL",
    "Engine",
    "Report",
    "combine",
    "input_hash",
    "report",
]


class _CallableModule(types.ModuleType):
    """``chitieu.report`` is both this module and the function :func:`report`.

    Importing the module (``from chitieu.report import Report``) makes the
    package attribute ``chitieu.report`` the module; calling it still builds a
    report.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Report:
        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
