"""The catalogue of Circular 13/2021/TT-BLĐTBXH, shipped as package data.

``chitieu/data/circular-13-2021.yaml`` lists every indicator of the circular
that could be identified, with how sure each entry is (``confidence``,
``code_confirmed``, ``existence``). The registry takes names, codes, groups,
sources and these flags from here, so metadata never drifts from the
catalogue.

Examples
--------
>>> entry = spec_entry("xam_hai.0101")
>>> entry["code"], entry["code_confirmed"], entry["confidence"]
('0101', True, 'high')
>>> len(spec_ids()) >= 40
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["spec_entry", "spec_groups", "spec_ids", "spec_meta"]


@cache
def _catalogue() -> dict[str, Any]:
    text = resources.files("chitieu").joinpath("data/circular-13-2021.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def spec_ids() -> tuple[str, ...]:
    """Ids of every entry of the catalogue, in its order."""
    return tuple(str(item["id"]) for item in _catalogue()["indicators"])


def spec_entry(spec_id: str) -> dict[str, Any]:
    """The catalogue entry *spec_id* (a copy), or ``KeyError`` naming the known ids."""
    for item in _catalogue()["indicators"]:
        if item["id"] == spec_id:
            return dict(item)
    raise KeyError(
        f"no entry {spec_id!r} in the circular catalogue; entries: {', '.join(spec_ids())}"
    )


def spec_meta() -> dict[str, Any]:
    """The catalogue's ``meta`` block (document number, title, sources, ...)."""
    return dict(_catalogue()["meta"])


def spec_groups() -> dict[str, list[dict[str, Any]]]:
    """Indicator groups of each part (``tre_em``, ``xam_hai``)."""
    return dict(_catalogue()["groups"])
