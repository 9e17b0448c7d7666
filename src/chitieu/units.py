"""Administrative unit hierarchies, one per division version.

A unit code means something only together with its division version: ``2008``
(the list in force until 30 June 2025: commune, district, province) and
``2025`` (from 1 July 2025: commune, province, no district). Codes were reused
with new meanings, so a hierarchy is always built for one version, from the
commune rows of the units table, and roll-up follows the hierarchy of the
version the data were recorded in. Recoding old data to new units needs a
crosswalk (:mod:`chitieu.crosswalk`, :func:`recode`); this module never
guesses one.

Examples
--------
>>> from chitieu.indicators.examples import tiny_submission
>>> hierarchy(tiny_submission().units, "2008")
  division_version commune district province national
0             2008   00001      001       01       VN
1             2008   00002      001       01       VN
>>> hierarchy(tiny_submission().units, "2025").empty
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from chitieu.codelists import codes
from chitieu.errors import ChitieuError

__all__ = [
    "LEVELS",
    "NATIONAL_CODE",
    "UNKNOWN_UNIT",
    "DivisionVersionError",
    "Level",
    "check_level",
    "has_districts",
    "hierarchy",
    "parent_codes",
    "recode",
    "unit_names",
]

Level = Literal["commune", "district", "province", "national"]

#: Levels from the lowest to the highest.
LEVELS: tuple[str, ...] = ("commune", "district", "province", "national")

#: The code of the one national unit.
NATIONAL_CODE = "VN"

#: The code of a unit that is not known (a record without a commune code, a
#: commune missing from the units table, a commune without a parent code).
UNKNOWN_UNIT = "unknown"

_LEVEL_OF_ROW = {"commune": "COMMUNE", "district": "DISTRICT", "province": "PROVINCE"}
_COLUMNS = ("division_version", "commune", "district", "province", "national")


class DivisionVersionError(ChitieuError, ValueError):
    """Data of a division version cannot be handled as asked (unknown version,
    districts asked of the 2025 division, versions that would be mixed)."""


def check_level(level: str) -> str:
    """Return *level* if it is one of :data:`LEVELS`, else raise ``ValueError``.

    >>> check_level("province")
    'province'
    >>> check_level("region")
    Traceback (most recent call last):
    ...
    ValueError: level must be one of commune, district, province, national; found 'region'
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; found {level!r}")
    return level


def has_districts(division_version: str) -> bool:
    """Whether the division version has a district level (``2008`` yes, ``2025`` no).

    >>> has_districts("2008"), has_districts("2025")
    (True, False)
    """
    _check_version(division_version)
    return str(division_version) == "2008"


def _check_version(division_version: object) -> str:
    known = codes("division_version")
    version = str(division_version)
    if version not in known:
        raise DivisionVersionError(
            f"division version must be one of {', '.join(known)}; found {division_version!r}"
        )
    return version


def _clean(series: pd.Series) -> pd.Series:
    """Strings with blanks made missing."""
    out = series.astype("str").str.strip()
    return out.where(out.ne("") & out.notna())


def hierarchy(units: pd.DataFrame, division_version: str) -> pd.DataFrame:
    """Commune -> district -> province -> national, for one division version.

    Parameters
    ----------
    units
        The units table of a submission (``unit_code``, ``division_version``,
        ``level``, ``province_code`` and, for 2008, ``district_code``).
    division_version
        ``"2008"`` or ``"2025"``.

    Returns
    -------
    pandas.DataFrame
        One row per commune of that version (first row of a repeated code),
        sorted by code, with columns ``division_version``, ``commune``,
        ``district`` (missing for 2025, which has no districts), ``province``
        and ``national`` (always :data:`NATIONAL_CODE`). A parent code the
        commune row leaves empty is :data:`UNKNOWN_UNIT`, except that a
        commune's province is taken from its district's row when only that
        row gives it. District codes written on 2025 rows are ignored: the
        2025 division has no districts.

    Raises
    ------
    DivisionVersionError
        For a version other than 2008 and 2025.
    """
    version = _check_version(division_version)
    if units.empty or "unit_code" not in units:
        return _empty_hierarchy()
    rows = units.loc[
        (units["division_version"].astype("str") == version).fillna(False).to_numpy(dtype=bool)
    ]
    level = rows["level"].astype("str").fillna("")
    communes = rows.loc[level.eq("COMMUNE").to_numpy(dtype=bool)]
    code = _clean(communes["unit_code"])
    communes = communes.loc[code.notna().to_numpy() & ~code.duplicated().to_numpy()]
    code = _clean(communes["unit_code"])
    province = (
        _clean(communes["province_code"])
        if "province_code" in communes
        else pd.Series(np.nan, index=communes.index, dtype="str")
    )
    if has_districts(version) and "district_code" in communes:
        district = _clean(communes["district_code"])
        district_rows = rows.loc[level.eq("DISTRICT").to_numpy(dtype=bool)]
        if "province_code" in district_rows and len(district_rows):
            d_code = _clean(district_rows["unit_code"])
            d_prov = _clean(district_rows["province_code"])
            lookup = dict(zip(d_code.dropna(), d_prov[d_code.notna()], strict=False))
            from_district = district.map(lookup)
            province = province.where(province.notna(), from_district.astype("str"))
        district = district.fillna(UNKNOWN_UNIT)
    elif has_districts(version):
        district = pd.Series(UNKNOWN_UNIT, index=communes.index, dtype="str")
    else:
        district = pd.Series(np.nan, index=communes.index, dtype="str")
    out = pd.DataFrame(
        {
            "division_version": pd.Series(version, index=communes.index, dtype="str"),
            "commune": code,
            "district": district.astype("str"),
            "province": province.fillna(UNKNOWN_UNIT).astype("str"),
            "national": pd.Series(NATIONAL_CODE, index=communes.index, dtype="str"),
        }
    )
    return out.sort_values("commune", kind="stable").reset_index(drop=True)


def _empty_hierarchy() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in _COLUMNS})


def parent_codes(
    unit_code: pd.Series,
    division_version: pd.Series,
    *,
    from_level: str,
    to_level: str,
    hierarchies: dict[str, pd.DataFrame],
) -> pd.Series:
    """The code of the unit at *to_level* that contains each unit at *from_level*.

    Parameters
    ----------
    unit_code, division_version
        The units, aligned.
    from_level, to_level
        Levels of :data:`LEVELS`, *to_level* not lower than *from_level*.
    hierarchies
        :func:`hierarchy` of every version present, keyed by version.

    Returns
    -------
    pandas.Series
        Parent codes (``str``), :data:`UNKNOWN_UNIT` where the unit is not in
        the hierarchy of its version, aligned with *unit_code*.

    Raises
    ------
    DivisionVersionError
        When districts are asked of 2025 units, or a version has no hierarchy.

    Examples
    --------
    >>> from chitieu.indicators.examples import tiny_submission
    >>> h = {"2008": hierarchy(tiny_submission().units, "2008")}
    >>> s = pd.Series(["00001", "00009"])
    >>> parent_codes(s, pd.Series(["2008", "2008"]), from_level="commune",
    ...              to_level="province", hierarchies=h).tolist()
    ['01', 'unknown']
    """
    check_level(from_level)
    check_level(to_level)
    if LEVELS.index(to_level) < LEVELS.index(from_level):
        raise ValueError(f"cannot roll {from_level} figures down to {to_level}")
    code = unit_code.astype("str").reset_index(drop=True)
    version = division_version.astype("str").reset_index(drop=True)
    out = pd.Series(UNKNOWN_UNIT, index=code.index, dtype="str")
    if to_level == "national":
        out[:] = NATIONAL_CODE
        return out.set_axis(unit_code.index)
    if to_level == from_level:
        return code.set_axis(unit_code.index)
    for v in pd.unique(version):
        mask = (version == v).to_numpy(dtype=bool)
        if v not in hierarchies:
            raise DivisionVersionError(f"no unit hierarchy for division version {v!r}")
        if to_level == "district" and not has_districts(v):
            raise DivisionVersionError(
                f"the {v} division has no districts; roll {v} figures up to province or "
                "national level (recoding them to the 2008 units needs a crosswalk, "
                "which chitieu does not guess)"
            )
        h = hierarchies[v]
        pairs = h.loc[h[from_level].notna() & h[from_level].ne(UNKNOWN_UNIT)]
        pairs = pairs.drop_duplicates(subset=[from_level], keep="first")
        lookup = pd.Series(pairs[to_level].to_numpy(), index=pairs[from_level].to_numpy())
        mapped = code[mask].map(lookup)
        out[mask] = mapped.fillna(UNKNOWN_UNIT).astype("str").to_numpy()
    return out.set_axis(unit_code.index)


def unit_names(units: pd.DataFrame, versions: Iterable[str] | None = None) -> pd.DataFrame:
    """Names of the units of the units table, by level, code and version.

    Returns a frame with ``level`` (commune, district, province),
    ``unit_code``, ``division_version`` and ``name``, one row per unit (the
    first name given). The national unit is named Việt Nam.

    >>> from chitieu.indicators.examples import tiny_submission
    >>> unit_names(tiny_submission().units, ["2008"])["level"].tolist()
    ['commune', 'commune', 'district', 'province', 'national']
    """
    frames: list[pd.DataFrame] = []
    if not units.empty and {"unit_code", "division_version", "level"} <= set(units.columns):
        for level, row_level in _LEVEL_OF_ROW.items():
            rows = units.loc[
                (units["level"].astype("str") == row_level).fillna(False).to_numpy(dtype=bool)
            ]
            frames.append(
                pd.DataFrame(
                    {
                        "level": pd.Series(level, index=rows.index, dtype="str"),
                        "unit_code": _clean(rows["unit_code"]),
                        "division_version": rows["division_version"].astype("str"),
                        "name": rows["name"].astype("str") if "name" in rows else np.nan,
                    }
                )
            )
    known = list(versions) if versions is not None else list(codes("division_version"))
    frames.append(
        pd.DataFrame(
            {
                "level": "national",
                "unit_code": NATIONAL_CODE,
                "division_version": [str(v) for v in known],
                "name": "Việt Nam",
            }
        ).astype("str")
    )
    out = pd.concat(frames, ignore_index=True)
    out = out.loc[out["unit_code"].notna().to_numpy()]
    out = out.drop_duplicates(subset=["level", "unit_code", "division_version"], keep="first")
    order = out["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    out = out.assign(_o=order).sort_values(["_o", "unit_code", "division_version"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True).astype("str")


def recode(
    data_or_report: Any,
    crosswalk: Any,
    *,
    units: pd.DataFrame | None = None,
) -> Any:
    """Recode a submission or a commune report from the 2008 division to the 2025 one.

    Parameters
    ----------
    data_or_report
        A :class:`~chitieu.submission.Submission` (recoded record by record:
        :func:`chitieu.crosswalk.recode_submission`) or a commune-level
        :class:`~chitieu.report.Report` (recoded by its counts:
        :func:`chitieu.crosswalk.recode_report`).
    crosswalk
        A :class:`chitieu.crosswalk.Crosswalk`, a crosswalk table (validated
        here) or the path of a CSV or YAML crosswalk file.
    units
        The 2025 units table, for the new communes' names and provinces (else
        they come from the crosswalk).

    Returns
    -------
    Submission or Report
        Of the same kind as *data_or_report*; the input is not changed.

    Raises
    ------
    chitieu.crosswalk.CrosswalkError
        When a commune of the data is not in the crosswalk
        (``crosswalk-missing-commune``), when an old commune with figures was
        split and no share says how (``crosswalk-split-without-share``), when
        records of a split commune would have to be divided
        (``crosswalk-split-records``), or for an invalid crosswalk.

    Examples
    --------
    Two old communes merged into one: 3 and 3 children make 6, and the
    percentage is computed again from the sums.

    >>> from chitieu.crosswalk import crosswalk_from_rows
    >>> from chitieu.indicators.examples import tiny_submission
    >>> from chitieu.report import report
    >>> cw = crosswalk_from_rows([("00001", "10001"), ("00002", "10001")])
    >>> rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
    >>> new = recode(rep, cw)
    >>> new.totals()[["unit_code", "division_version", "numerator", "denominator", "value"]]
      unit_code division_version  numerator  denominator      value
    0     10001             2025        2.0          6.0  33.333333
    >>> recode(tiny_submission(), cw).children["commune_code"].unique().tolist()
    ['10001']
    """
    from chitieu.crosswalk import recode_report, recode_submission
    from chitieu.report.model import Report
    from chitieu.submission import Submission

    if isinstance(data_or_report, Report):
        return recode_report(data_or_report, crosswalk, units=units)
    if isinstance(data_or_report, Submission):
        return recode_submission(data_or_report, crosswalk, units=units)
    raise TypeError(
        f"recode takes a chitieu Submission or Report, found {type(data_or_report).__name__}"
    )
