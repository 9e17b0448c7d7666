"""Parts of a submission: split by unit, written one folder per part, read back.

Counts add up over parts in which every child sits in one part, so a report
can be computed part by part (in memory, one partition at a time from disk,
or on Dask workers) and the parts combined (:func:`chitieu.report.combine`)
into exactly the report of the whole.

How records are placed (``by="province"``; ``district`` and ``commune`` alike):

* a unit row goes to the part of its own code (a commune by its province, a
  district by its province, the province row to itself);
* a child goes to the part of its commune of residence; the child's special
  circumstances, supports and consultations follow the child;
* an injury goes with its child when the child is in the register, else to
  the part of the commune where it was recorded; abuse cases and sanctions
  go to the part of their commune, and the victims of a case follow the case;
* a record whose commune is missing or not in the units table goes to the
  part ``unknown``.

So all the events of a registered child are in the child's part, and a count
of distinct children never counts one child in two parts. (A child abused in
cases of two provinces is the exception: victims follow their cases.)

Examples
--------
>>> import chitieu
>>> sub = chitieu.synth.generate(n_children=600, seed=2)
>>> parts = split(sub, by="province")
>>> sorted(parts), sum(len(p.children) for p in parts.values()) == len(sub.children)
(['24'], True)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from chitieu.errors import ReadError
from chitieu.submission import Submission

__all__ = ["PART_LEVELS", "UNKNOWN_PART", "partition_folders", "split", "write_partitioned"]

PartLevel = Literal["province", "district", "commune"]
#: The unit levels a submission can be split by.
PART_LEVELS: tuple[str, ...] = ("province", "district", "commune")
#: The part of records whose unit is not known.
UNKNOWN_PART = "unknown"


def _commune_parts(units: pd.DataFrame, by: str) -> dict[tuple[str, str], str]:
    """(commune code, version) -> part key."""
    communes = units.loc[units["level"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)]
    column = {"province": "province_code", "district": "district_code", "commune": "unit_code"}[by]
    out: dict[tuple[str, str], str] = {}
    for code, version, key in zip(
        communes["unit_code"].astype("str"),
        communes["division_version"].astype("str"),
        communes[column].astype("object"),
        strict=True,
    ):
        out.setdefault((code, version), UNKNOWN_PART if pd.isna(key) else str(key))
    return out


def _keys(frame: pd.DataFrame, parts: dict[tuple[str, str], str]) -> np.ndarray:
    if not len(frame):
        return np.array([], dtype=object)
    pairs = zip(
        frame["commune_code"].astype("object"), frame["division_version"].astype("object"),
        strict=True,
    )
    return np.array(
        [parts.get((str(c), str(v)), UNKNOWN_PART) for c, v in pairs], dtype=object
    )


def _unit_keys(units: pd.DataFrame, by: str) -> np.ndarray:
    level = units["level"].astype("object").to_numpy()
    code = units["unit_code"].astype("object").to_numpy()
    province = units["province_code"].astype("object").to_numpy()
    district = units["district_code"].astype("object").to_numpy()
    out = np.full(len(units), UNKNOWN_PART, dtype=object)
    for i in range(len(units)):
        if by == "province":
            key = code[i] if level[i] == "PROVINCE" else province[i]
        elif by == "district":
            key = code[i] if level[i] == "DISTRICT" else district[i]
        else:
            key = code[i] if level[i] == "COMMUNE" else None
        if key is not None and not pd.isna(key):
            out[i] = str(key)
    return out


def split(data: Submission, by: PartLevel = "province") -> dict[str, Submission]:
    """*data* as parts keyed by unit code (and :data:`UNKNOWN_PART`); see the module docstring.

    Every row of every table is in exactly one part, except unit rows above
    the split level (a province row when splitting by district), which every
    part under them keeps, and abuse cases, which go with their victims' case.
    """
    if by not in PART_LEVELS:
        raise ValueError(f"by must be one of {', '.join(PART_LEVELS)}, found {by!r}")
    parts = _commune_parts(data.units, by)
    child_key = _keys(data.children, parts)
    key_of_child = dict(zip(data.children["child_id"].astype("object"), child_key, strict=True))

    def by_child(frame: pd.DataFrame) -> np.ndarray:
        ids = frame["child_id"].astype("object").to_numpy()
        return np.array([key_of_child.get(i, UNKNOWN_PART) for i in ids], dtype=object)

    keys: dict[str, np.ndarray] = {"children": child_key}
    for table in ("circumstances", "supports", "consultations", "services"):
        keys[table] = by_child(data[table])
    injuries = data.injuries
    own = _keys(injuries, parts)
    ids = injuries["child_id"].astype("object").to_numpy()
    keys["injuries"] = np.array(
        [key_of_child.get(i, k) if isinstance(i, str) else k for i, k in zip(ids, own, strict=True)],
        dtype=object,
    )
    keys["abuse_cases"] = _keys(data.abuse_cases, parts)
    key_of_case = dict(
        zip(data.abuse_cases["case_id"].astype("object"), keys["abuse_cases"], strict=True)
    )
    keys["abuse_victims"] = np.array(
        [key_of_case.get(c, UNKNOWN_PART) for c in data.abuse_victims["case_id"].astype("object")],
        dtype=object,
    )
    keys["sanctions"] = _keys(data.sanctions, parts)
    keys["activities"] = _keys(data.activities, parts)
    unit_keys = _unit_keys(data.units, by)
    names = sorted({k for arr in keys.values() for k in arr} | set(unit_keys) - {UNKNOWN_PART})
    if any(UNKNOWN_PART in set(arr) for arr in keys.values()):
        names.append(UNKNOWN_PART)
    above = _above(data.units, by)
    out: dict[str, Submission] = {}
    for name in names:
        frames = {
            table: data[table].loc[keys[table] == name].reset_index(drop=True) for table in keys
        }
        mine = (unit_keys == name) | above
        frames["units"] = data.units.loc[mine].reset_index(drop=True)
        out[name] = data.replace(**frames, source=f"{data.source or 'submission'} [{by} {name}]")
    return out


def _above(units: pd.DataFrame, by: str) -> np.ndarray:
    levels = {"province": (), "district": ("PROVINCE",), "commune": ("PROVINCE", "DISTRICT")}[by]
    return units["level"].isin(levels).fillna(False).to_numpy(dtype=bool)


def write_partitioned(
    data: Submission,
    path: str | Path,
    *,
    by: PartLevel = "province",
    format: Literal["csv", "parquet", "xlsx"] = "parquet",
) -> list[Path]:
    """Write *data* as one sub-folder per part, ``<path>/<by>=<code>/``; return the folders.

    Each sub-folder is a complete submission (:meth:`Submission.write`), so it
    can be read, validated and reported on alone.
    """
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, part in split(data, by=by).items():
        written.append(part.write(root / f"{by}={name}", format=format))
    return written


def partition_folders(path: str | Path) -> list[Path]:
    """The part folders of a partitioned submission (``<by>=<code>`` sub-folders), sorted.

    Raises :class:`~chitieu.errors.ReadError` when *path* holds none.
    """
    root = Path(path)
    if not root.is_dir():
        raise ReadError(f"{root}: not a folder of partitions", code="not-partitioned")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and "=" in p.name)
    if not folders:
        raise ReadError(
            f"{root}: no partition folders (named like province=24)", code="not-partitioned"
        )
    return folders


def is_partitioned(path: str | Path) -> bool:
    """Whether *path* is a folder of ``<by>=<code>`` partition folders."""
    root = Path(path)
    return root.is_dir() and any(p.is_dir() and "=" in p.name for p in root.iterdir())


def iter_parts(path: str | Path) -> Iterator[tuple[str, Submission]]:
    """Read the parts of a partitioned submission one at a time: ``(name, submission)``."""
    from chitieu.io.read import read_submission

    for folder in partition_folders(path):
        yield folder.name, read_submission(folder)
