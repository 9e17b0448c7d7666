"""The indicators of Circular 13/2021/TT-BLĐTBXH, as a registry of pure functions.

Every indicator lives in a family module of this package and is registered
with :func:`chitieu.indicators.registry.indicator`. :func:`list_indicators`
shows their metadata; :func:`get_indicator` returns one entry;
:func:`chitieu.compute` computes one.

Examples
--------
>>> from chitieu.indicators import REGISTRY, list_indicators
>>> "injury_rate" in REGISTRY
True
>>> list_indicators().shape[0] == len(REGISTRY)
True

Each indicator is also a function of this package, callable on a submission:

>>> from chitieu.indicators import child_population
>>> from chitieu.indicators.examples import tiny_submission
>>> child_population(tiny_submission(), period="2024", by=("sex",))["numerator"].tolist()
[4, 2, 0]
"""

from __future__ import annotations

# Family modules, sorted. To add a family: write `<family>.py` in this package,
# register each function with @indicator(...), and import the module here.
from chitieu.indicators import (  # noqa: F401
    abuse,
    activities,
    external,
    injuries,
    participation,
    population,
    protection,
    sanctions,
    units,
)
from chitieu.indicators.registry import (
    DIMENSIONS,
    PUBLIC,
    REGISTRY,
    IndicatorMeta,
    get_indicator,
    indicator,
    list_indicators,
)

__all__ = [
    "DIMENSIONS",
    "REGISTRY",
    "IndicatorMeta",
    "get_indicator",
    "indicator",
    "list_indicators",
]

# Every indicator is a function of this package, callable on a submission:
# injury_rate(sub, period="2024", by=("sex",)).
globals().update(PUBLIC)
__all__ += sorted(PUBLIC)
