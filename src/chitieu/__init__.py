"""chitieu: Vietnam's official statistics on children from record-level data.

Circular 13/2021/TT-BLĐTBXH sets the indicators on the situation of children,
child abuse and the administrative handling of abuse. chitieu reads the records
a commune keeps, validates them, and computes the indicators exactly, with
numerators and denominators that add up at every level above a commune.

Examples
--------
>>> import chitieu
>>> sub = chitieu.synth.generate(n_children=500, seed=1, year=2024)
>>> chitieu.validate(sub).valid
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chitieu.errors import (
    ChitieuError,
    DataNotAvailableError,
    PeriodError,
    ReadError,
    UnknownIndicatorError,
)
from chitieu.submission import Submission


def _version() -> str:
    """The installed distribution's version: pyproject.toml is its one source."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chitieu")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
        return "0+unknown"


__version__ = _version()

__all__ = [
    "ChitieuError",
    "DataNotAvailableError",
    "PeriodError",
    "Plan",
    "ReadError",
    "Report",
    "Submission",
    "UnknownIndicatorError",
    "ValidationReport",
    "__version__",
    "compute",
    "concat",
    "get_indicator",
    "list_indicators",
    "read_crosswalk",
    "read_submission",
    "recode",
    "report",
    "synth",
    "validate",
]

# Public names and the module that defines each; imported on first use so that
# `import chitieu` stays fast for software that only validates.
_LAZY: dict[str, tuple[str, str | None]] = {
    "read_submission": ("chitieu.io.read", "read_submission"),
    "validate": ("chitieu.validation", "validate"),
    "ValidationReport": ("chitieu.validation", "ValidationReport"),
    "compute": ("chitieu.compute", "compute"),
    "concat": ("chitieu.consolidate", "concat"),
    "list_indicators": ("chitieu.indicators", "list_indicators"),
    "get_indicator": ("chitieu.indicators", "get_indicator"),
    "report": ("chitieu.report", "report"),
    "Report": ("chitieu.report", "Report"),
    "Plan": ("chitieu.plans", "Plan"),
    "read_crosswalk": ("chitieu.crosswalk", "read_crosswalk"),
    "recode": ("chitieu.units", "recode"),
    "synth": ("chitieu.synth", None),
}

if TYPE_CHECKING:  # pragma: no cover
    from chitieu import synth
    from chitieu.compute import compute
    from chitieu.consolidate import concat
    from chitieu.crosswalk import read_crosswalk
    from chitieu.indicators import get_indicator, list_indicators
    from chitieu.io.read import read_submission
    from chitieu.plans import Plan
    from chitieu.report import Report, report
    from chitieu.units import recode
    from chitieu.validation import ValidationReport, validate


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        value = module if attr is None else getattr(module, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chitieu' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
