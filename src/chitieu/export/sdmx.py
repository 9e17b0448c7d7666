"""A report as SDMX-CSV 2.0, with the data structure it follows.

SDMX-CSV (version 2.0.0, for SDMX 3.0) is a flat file a statistics office
loads into its SDMX tools (.Stat Suite, FMR, pysdmx, sdmx1): the first columns
name the structure (``STRUCTURE``, ``STRUCTURE_ID``, ``ACTION``), then one
column per dimension, the measure ``OBS_VALUE`` and the attributes. The
structure is the dataflow :data:`STRUCTURE_ID` (agency ``CHITIEU``), whose
components :func:`sdmx_structure` describes with every code list taken from
the registry (docs/exports.md has the same as tables).

Rows
    Each row of the report's table gives an observation ``MEASURE=VALUE`` (the
    value as the report shows it: a count, a percent, a rate per 1,000); an
    indicator with a denominator gives also ``MEASURE=NUMERATOR`` and
    ``MEASURE=DENOMINATOR``, the counts that add up over areas and periods
    (docs/semantics.md, "Rolling up"). Dimensions a row is not broken down
    by are ``_T`` (total); the category ``unknown`` is ``_U``.
Missing values
    ``OBS_VALUE`` is empty with ``OBS_STATUS=M`` where the denominator is 0
    (the value cannot exist), ``OBS_STATUS=O`` with ``CONF_STATUS=C`` for a
    cell hidden by suppression (only what the publication shows is in the
    file), and ``OBS_STATUS=O`` with the reason in ``OBS_COMMENT`` for an
    indicator the report could not compute (one overall row per unit).
    Every other observation is ``OBS_STATUS=A``, ``CONF_STATUS=F``.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> from chitieu import report
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
>>> path = to_sdmx_csv(rep, pathlib.Path(tempfile.mkdtemp()) / "r.csv")
>>> frame = pd.read_csv(path, dtype=str, keep_default_na=False)
>>> list(frame.columns[:7])
['STRUCTURE', 'STRUCTURE_ID', 'ACTION', 'INDICATOR', 'REF_AREA', 'DIVISION_VERSION', 'SEX']
>>> first = frame.loc[(frame["REF_AREA"] == "00001") & (frame["CIRCUMSTANCE"] == "_T")
...                   & (frame["SEX"] == "_T") & (frame["AGE"] == "_T")]
>>> first[["MEASURE", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE"]].to_dict("records")[:3]
[{'MEASURE': 'VALUE', 'TIME_PERIOD': '2024', 'OBS_VALUE': '33.3333333333333', 'UNIT_MEASURE': 'PT'}, {'MEASURE': 'NUMERATOR', 'TIME_PERIOD': '2024', 'OBS_VALUE': '1', 'UNIT_MEASURE': 'NUMBER'}, {'MEASURE': 'DENOMINATOR', 'TIME_PERIOD': '2024', 'OBS_VALUE': '3', 'UNIT_MEASURE': 'NUMBER'}]
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from chitieu.export.tables import writable_path, write_error
from chitieu.privacy import inert, mask_text

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.periods import Period
    from chitieu.report import Report

__all__ = [
    "AGENCY",
    "DATAFLOW_ID",
    "STRUCTURE_ID",
    "VERSION",
    "dimension_ids",
    "sdmx_frame",
    "sdmx_structure",
    "sdmx_time_period",
    "to_sdmx_csv",
]

AGENCY = "CHITIEU"
DATAFLOW_ID = "DF_CHILD_STATS"
VERSION = "1.0.0"
#: The dataflow every file names in ``STRUCTURE_ID``.
STRUCTURE_ID = f"{AGENCY}:{DATAFLOW_ID}({VERSION})"
#: SDMX codes of a dimension a row is not broken down by, and of an unknown category.
TOTAL_CODE = "_T"
UNKNOWN_CODE = "_U"

#: The SDMX id of each chitieu dimension (a dimension added later gets its name in capitals).
_DIMENSION_IDS: dict[str, str] = {
    "sex": "SEX",
    "age_group": "AGE",
    "ethnicity": "ETHNICITY",
    "urban_rural": "URBANISATION",
    "disability": "DISABILITY",
    "group": "CIRCUMSTANCE",
    "injury_type": "INJURY_TYPE",
    "place": "INJURY_PLACE",
    "outcome": "INJURY_OUTCOME",
    "form": "ABUSE_FORM",
    "setting": "ABUSE_SETTING",
    "violator_type": "VIOLATOR_TYPE",
    "act": "VIOLATION_ACT",
    "measure": "SANCTION_MEASURE",
}
#: ``UNIT_MEASURE`` of a value, by the indicator's kind.
UNITS: dict[str, tuple[str, str, str]] = {
    "count": ("NUMBER", "Số (người, vụ việc)", "Number (persons, events)"),
    "sum": ("VND", "Đồng", "Vietnamese dong"),
    "percent": ("PT", "Phần trăm", "Percent"),
    "rate_per_1000": ("PER_1000", "Trên 1.000", "Per 1,000"),
    "ratio": ("PER_100", "Trên 100", "Per 100"),
}
MEASURES: dict[str, tuple[str, str]] = {
    "VALUE": ("Giá trị chỉ tiêu", "Value of the indicator"),
    "NUMERATOR": ("Tử số", "Numerator"),
    "DENOMINATOR": ("Mẫu số", "Denominator"),
}
OBS_STATUS: dict[str, tuple[str, str]] = {
    "A": ("Bình thường", "Normal value"),
    "M": ("Không tồn tại (mẫu số bằng 0)", "Missing value; data cannot exist (zero denominator)"),
    "O": (
        "Không có giá trị (che khi công bố, hoặc thiếu dữ liệu)",
        "Missing value (suppressed, or no data)",
    ),
}
CONF_STATUS: dict[str, tuple[str, str]] = {
    "F": ("Được công bố", "Free"),
    "C": ("Bảo mật (số nhỏ bị che)", "Confidential (hidden small count)"),
}
_ATTRIBUTES = (
    "UNIT_MEASURE",
    "UNIT_MULT",
    "OBS_STATUS",
    "CONF_STATUS",
    "REF_AREA_LEVEL",
    "CHITIEU_FLAGS",
    "OBS_COMMENT",
)


def dimension_ids() -> dict[str, str]:
    """chitieu dimension -> SDMX dimension id, for every breakdown dimension of the registry.

    >>> dimension_ids()["age_group"], dimension_ids()["urban_rural"]
    ('AGE', 'URBANISATION')
    """
    from chitieu.indicators.registry import DIMENSIONS

    return {d: _DIMENSION_IDS.get(d, d.upper()) for d in DIMENSIONS if d != "commune"}


def columns() -> list[str]:
    """The columns of every SDMX-CSV file chitieu writes, in order."""
    return [
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "INDICATOR",
        "REF_AREA",
        "DIVISION_VERSION",
        *dimension_ids().values(),
        "MEASURE",
        "TIME_PERIOD",
        "OBS_VALUE",
        *_ATTRIBUTES,
    ]


def sdmx_time_period(period: Period) -> str:
    """*period* in SDMX's time format: ``2024``, ``2024-S1``, ``2024-Q3``, ``2024-03``, a day,
    or an ISO 8601 range ``2024-01-01/P46D``.

    >>> from chitieu.periods import parse_period
    >>> [sdmx_time_period(parse_period(p)) for p in ("2024", "2024-H2", "2024-Q3", "2024-03")]
    ['2024', '2024-S2', '2024-Q3', '2024-03']
    >>> sdmx_time_period(parse_period("2024-01-01..2024-02-15"))
    '2024-01-01/P46D'
    """
    from chitieu.export.dhis2 import Dhis2MappingError, adx_period, dhis2_period

    try:
        form = dhis2_period(period)
    except Dhis2MappingError:
        return adx_period(period)
    if len(form) == 4:
        return form
    if form[4:5] in ("S", "Q"):
        return f"{form[:4]}-{form[4:]}"
    if len(form) == 6:
        return f"{form[:4]}-{form[4:]}"
    if len(form) == 8 and form.isdigit():
        return period.start.isoformat()
    return adx_period(period)  # a financial year: a range


def _number_text(values: np.ndarray) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    finite = np.isfinite(values)
    out[finite] = [
        str(int(v)) if float(v).is_integer() else format(float(v), ".15g") for v in values[finite]
    ]
    return out


def _codes(series: pd.Series) -> np.ndarray:
    values = series.astype("str").to_numpy(dtype=object)
    values = np.where(values == "total", TOTAL_CODE, values)
    return np.where(values == "unknown", UNKNOWN_CODE, values)


def sdmx_frame(report: Report) -> pd.DataFrame:
    """The SDMX-CSV rows of *report* as a frame of text, with the columns of :func:`columns`."""
    from chitieu.disclosure import hidden_cells
    from chitieu.indicators import get_indicator

    table = report.table
    n = len(table)
    kinds = {i: get_indicator(i).kind for i in pd.unique(table["indicator_id"])}
    has_denominator = {i: get_indicator(i).denominator_en is not None for i in kinds}
    indicator = table["indicator_id"].to_numpy(dtype=object)
    kind = np.array([kinds[i] for i in indicator], dtype=object)
    with_denominator = np.array([has_denominator[i] for i in indicator], dtype=bool)
    hidden = hidden_cells(table)
    time = {p.label: sdmx_time_period(p) for p in report.periods}
    base: dict[str, Any] = {
        "STRUCTURE": np.full(n, "dataflow", dtype=object),
        "STRUCTURE_ID": np.full(n, STRUCTURE_ID, dtype=object),
        "ACTION": np.full(n, "I", dtype=object),
        "INDICATOR": indicator,
        "REF_AREA": table["unit_code"].astype("str").to_numpy(dtype=object),
        "DIVISION_VERSION": _codes(table["division_version"]),
    }
    for name, sdmx_id in dimension_ids().items():
        base[sdmx_id] = (
            _codes(table[name]) if name in table.columns else np.full(n, TOTAL_CODE, dtype=object)
        )
    base["TIME_PERIOD"] = table["period"].map(time).to_numpy(dtype=object)
    flags = table["flags"].astype("str").fillna("").to_numpy(dtype=object)
    level = table["level"].astype("str").to_numpy(dtype=object)
    parts = []
    order = []
    for rank, (measure, column) in enumerate(
        (("VALUE", "value"), ("NUMERATOR", "numerator"), ("DENOMINATOR", "denominator"))
    ):
        keep = np.ones(n, dtype=bool) if measure == "VALUE" else with_denominator
        numbers = table[column].to_numpy(dtype=np.float64)
        is_hidden = hidden[column]
        status = np.where(np.isfinite(numbers), "A", "O").astype(object)
        if measure == "VALUE":
            zero = table["denominator"].to_numpy(dtype=np.float64) == 0
            status = np.where(zero & ~is_hidden, "M", status)
        unit = (
            np.array([UNITS[k][0] for k in kind], dtype=object)
            if measure == "VALUE"
            else np.full(n, "NUMBER", dtype=object)
        )
        part = {k: v[keep] for k, v in base.items()}
        part["MEASURE"] = np.full(int(keep.sum()), measure, dtype=object)
        part["OBS_VALUE"] = _number_text(numbers)[keep]
        part["UNIT_MEASURE"] = unit[keep]
        part["UNIT_MULT"] = np.full(int(keep.sum()), "0", dtype=object)
        part["OBS_STATUS"] = status[keep]
        part["CONF_STATUS"] = np.where(is_hidden, "C", "F").astype(object)[keep]
        part["REF_AREA_LEVEL"] = level[keep]
        part["CHITIEU_FLAGS"] = flags[keep]
        part["OBS_COMMENT"] = np.full(int(keep.sum()), "", dtype=object)
        parts.append(pd.DataFrame(part))
        order.append(np.column_stack([np.flatnonzero(keep), np.full(int(keep.sum()), rank)]))
    frame = pd.concat(parts, ignore_index=True)
    keys = np.concatenate(order)
    frame = frame.iloc[np.lexsort((keys[:, 1], keys[:, 0]))].reset_index(drop=True)
    frame = pd.concat([frame, _no_data_rows(report, time)], ignore_index=True)
    return frame.loc[:, columns()]


def _no_data_rows(report: Report, time: dict[str, str]) -> pd.DataFrame:
    """One overall VALUE row per unit for each indicator the report could not compute."""
    from chitieu.indicators import get_indicator

    skipped = report.skipped
    if skipped.empty:
        return pd.DataFrame(columns=columns())
    units = report.table.loc[:, ["unit_code", "division_version", "level"]].drop_duplicates()
    rows = []
    for record in skipped.to_dict("records"):
        indicator_id = str(record["indicator_id"])
        meta = get_indicator(indicator_id)
        reason = inert(mask_text(str(record.get("reason", ""))))
        for unit in units.itertuples(index=False):
            row = {c: TOTAL_CODE for c in dimension_ids().values()}
            row.update(
                STRUCTURE="dataflow",
                STRUCTURE_ID=STRUCTURE_ID,
                ACTION="I",
                INDICATOR=indicator_id,
                REF_AREA=str(unit.unit_code),
                DIVISION_VERSION=str(unit.division_version),
                MEASURE="VALUE",
                TIME_PERIOD=time.get(str(record["period"]), str(record["period"])),
                OBS_VALUE="",
                UNIT_MEASURE=UNITS[meta.kind][0],
                UNIT_MULT="0",
                OBS_STATUS="O",
                CONF_STATUS="F",
                REF_AREA_LEVEL=str(unit.level),
                CHITIEU_FLAGS="no_data",
                OBS_COMMENT=reason,
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=columns())


def to_sdmx_csv(report: Report, path: str | Path) -> Path:
    """Write *report* as SDMX-CSV 2.0 (UTF-8, comma-separated, header first); return the path.

    Raises
    ------
    chitieu.errors.WriteError
        When the file cannot be written.
    """
    target = writable_path(path)
    frame = sdmx_frame(report)
    try:
        with target.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(frame.columns)
            writer.writerows(zip(*(frame[c].tolist() for c in frame.columns), strict=True))
    except OSError as error:
        raise write_error(target, error) from error
    return target


# -- the structure ----------------------------------------------------------------------
def _codelist(dimension: str) -> list[dict[str, str]]:
    from chitieu.codelists import get_codelist
    from chitieu.indicators.registry import DIMENSIONS
    from chitieu.indicators.stock import DEFAULT_AGE_BANDS, age_axis

    items = [{"id": TOTAL_CODE, "name_vi": "Tổng số", "name_en": "Total"}]
    if dimension == "age_group":
        for band in age_axis(DEFAULT_AGE_BANDS).categories:
            if band != "unknown":
                items.append(
                    {"id": str(band), "name_vi": f"{band} tuổi", "name_en": f"{band} years"}
                )
    else:
        name = DIMENSIONS[dimension].codelist
        if name is not None:
            listing = get_codelist(name)
            for code in listing.codes:
                items.append(
                    {
                        "id": str(code),
                        "name_vi": str(listing.label_vi.get(code, code)),
                        "name_en": str(listing.label_en.get(code, code)),
                    }
                )
    if not any(i["id"] in ("U", "99", "UNKNOWN") for i in items):
        items.append({"id": UNKNOWN_CODE, "name_vi": "Không xác định", "name_en": "Unknown"})
    return items


def sdmx_structure() -> dict[str, Any]:
    """The data structure of chitieu's SDMX-CSV files, with its code lists, as plain data.

    ``dimensions``, ``measure`` and ``attributes`` list the components in file
    order (``id``, names in Vietnamese and English, ``codelist`` or ``None``
    for free text); ``codelists`` maps each code list id to its codes (``id``,
    ``name_vi``, ``name_en``): the indicators of the registry, each breakdown's
    code list with ``_T`` and ``_U``, the measures, units and statuses.

    Examples
    --------
    >>> s = sdmx_structure()
    >>> s["id"], [d["id"] for d in s["dimensions"]][:4], s["dimensions"][-1]["id"]
    ('CHITIEU:DF_CHILD_STATS(1.0.0)', ['INDICATOR', 'REF_AREA', 'DIVISION_VERSION', 'SEX'], 'TIME_PERIOD')
    >>> [c["id"] for c in s["codelists"]["CL_SEX"]]
    ['_T', 'M', 'F', 'U']
    """
    from chitieu.indicators import REGISTRY
    from chitieu.indicators.registry import DIMENSIONS

    codelists: dict[str, list[dict[str, str]]] = {
        "CL_INDICATOR": [
            {"id": i, "name_vi": m.name_vi, "name_en": m.name_en} for i, m in REGISTRY.items()
        ],
        "CL_DIVISION_VERSION": [
            {
                "id": "2008",
                "name_vi": "Danh mục đến 30/6/2025",
                "name_en": "Division until 30 June 2025",
            },
            {
                "id": "2025",
                "name_vi": "Danh mục từ 1/7/2025",
                "name_en": "Division from 1 July 2025",
            },
            {"id": UNKNOWN_CODE, "name_vi": "Không xác định", "name_en": "Unknown"},
        ],
        "CL_MEASURE": [{"id": k, "name_vi": v, "name_en": e} for k, (v, e) in MEASURES.items()],
        "CL_UNIT_MEASURE": [{"id": c, "name_vi": v, "name_en": e} for c, v, e in UNITS.values()],
        "CL_OBS_STATUS": [
            {"id": k, "name_vi": v, "name_en": e} for k, (v, e) in OBS_STATUS.items()
        ],
        "CL_CONF_STATUS": [
            {"id": k, "name_vi": v, "name_en": e} for k, (v, e) in CONF_STATUS.items()
        ],
        "CL_AREA_LEVEL": [
            {"id": level, "name_vi": level, "name_en": level}
            for level in ("commune", "district", "province", "national")
        ],
    }
    dimensions: list[dict[str, Any]] = [
        {
            "id": "INDICATOR",
            "name_vi": "Chỉ tiêu",
            "name_en": "Indicator",
            "codelist": "CL_INDICATOR",
        },
        {
            "id": "REF_AREA",
            "name_vi": "Đơn vị hành chính",
            "name_en": "Administrative unit",
            "codelist": None,
        },
        {
            "id": "DIVISION_VERSION",
            "name_vi": "Phiên bản danh mục đơn vị",
            "name_en": "Division version",
            "codelist": "CL_DIVISION_VERSION",
        },
    ]
    for name, sdmx_id in dimension_ids().items():
        codelists[f"CL_{sdmx_id}"] = _codelist(name)
        d = DIMENSIONS[name]
        dimensions.append(
            {"id": sdmx_id, "name_vi": d.vi, "name_en": d.en, "codelist": f"CL_{sdmx_id}"}
        )
    dimensions += [
        {"id": "MEASURE", "name_vi": "Số đo", "name_en": "Measure", "codelist": "CL_MEASURE"},
        {"id": "TIME_PERIOD", "name_vi": "Kỳ", "name_en": "Time period", "codelist": None},
    ]
    attributes = [
        {
            "id": "UNIT_MEASURE",
            "name_vi": "Đơn vị tính",
            "name_en": "Unit of measure",
            "codelist": "CL_UNIT_MEASURE",
        },
        {
            "id": "UNIT_MULT",
            "name_vi": "Hệ số nhân (lũy thừa của 10)",
            "name_en": "Unit multiplier (power of 10)",
            "codelist": None,
        },
        {
            "id": "OBS_STATUS",
            "name_vi": "Tình trạng số liệu",
            "name_en": "Observation status",
            "codelist": "CL_OBS_STATUS",
        },
        {
            "id": "CONF_STATUS",
            "name_vi": "Tình trạng bảo mật",
            "name_en": "Confidentiality status",
            "codelist": "CL_CONF_STATUS",
        },
        {
            "id": "REF_AREA_LEVEL",
            "name_vi": "Cấp đơn vị",
            "name_en": "Level of the unit",
            "codelist": "CL_AREA_LEVEL",
        },
        {
            "id": "CHITIEU_FLAGS",
            "name_vi": "Cờ của chitieu",
            "name_en": "chitieu flags",
            "codelist": None,
        },
        {"id": "OBS_COMMENT", "name_vi": "Ghi chú", "name_en": "Comment", "codelist": None},
    ]
    return {
        "id": STRUCTURE_ID,
        "agency": AGENCY,
        "dataflow": DATAFLOW_ID,
        "version": VERSION,
        "dimensions": dimensions,
        "measure": {"id": "OBS_VALUE", "name_vi": "Giá trị", "name_en": "Observation value"},
        "attributes": attributes,
        "codelists": codelists,
    }
