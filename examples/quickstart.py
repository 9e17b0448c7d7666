"""chitieu in five steps: read, validate, compute, report, save.

Run from the repository root::

    python examples/quickstart.py

It reads the synthetic example commune in ``examples/thi-tran-thang-2024/``
(Vietnamese file names and headers, dates DD/MM/YYYY) and writes the report to
``quickstart-report.xlsx`` in the current folder.
"""

from __future__ import annotations

from pathlib import Path

import chitieu

HERE = Path(__file__).resolve().parent

# 1. Read a folder of CSV/Excel files as a commune officer keeps them.
sub = chitieu.read_submission(HERE / "thi-tran-thang-2024")
print(sub)

# 2. Validate: a report of problems with stable codes, never an exception.
check = chitieu.validate(sub)
print(check.summary())
if not check.valid:
    raise SystemExit("fix the problems above first")

# 3. Compute one indicator, broken down by sex: counts beside the value.
injuries = chitieu.compute("injury_rate", sub, period="2024", by=("sex",))
print(injuries[["sex", "numerator", "denominator", "value"]])

# 4. Every indicator the records allow, for the commune, then rolled up to the district.
rep = chitieu.report(sub, period="2024", level="commune")
totals = rep.totals()
print(totals[["indicator_id", "unit_code", "numerator", "denominator", "value"]].head(10))
print(rep.rollup("district").totals()[["indicator_id", "unit_code", "value"]].head(5))

# 5. Save it (Vietnamese labels), to open in Excel.
print("written:", rep.to_excel("quickstart-report.xlsx"))
