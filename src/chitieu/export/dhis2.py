"""A report as a DHIS2 data value set (JSON, CSV) or ADX XML, driven by a mapping file.

DHIS2 imports aggregate data through ``/api/dataValueSets``: one *data value*
per data element, period, organisation unit, category option combo and
attribute option combo. chitieu exports **counts**, not ratios: every
indicator's numerator and denominator go to data elements of their own, so
that DHIS2 adds them up over org units and periods and recomputes each ratio
at every level with an indicator ``#{numerator} / #{denominator} x
multiplier`` (docs/semantics.md, "Rolling up"). The value itself is exported
only where the mapping gives a data element for it.

The mapping file (YAML or JSON; :func:`mapping_template` writes one from the
registry with every identifier left as a placeholder ``"<FILL: ...>"``)::

    version: 1
    id_scheme: UID                    # UID (identifiers checked) or CODE
    data_set: pBOMPrpg1QX             # optional for JSON/CSV, needed for ADX
    attribute_option_combo: HllvX50cXC0
    default_category_option_combo: HllvX50cXC0
    org_units:                        # per division version: unit code -> orgUnit
      "2008": {"07774": Rp268JB6Ne4}
    indicators:
      injury_rate:
        total:                        # the overall row
          numerator: Xl1nQ5lLf9h
          denominator: a3kGcGDCuk6
        sex:                          # the rows broken down by one dimension
          numerator: HaaoC6sVy2N
          denominator: WUg3MYWQ7pt
          category: SEX               # ADX: the code of the DHIS2 category
          options:                    # chitieu category -> DHIS2
            M: {category_option_combo: pq2XI5kz2BY, code: MALE}
            F: {category_option_combo: PT59n8BQbqM, code: FEMALE}
            U: {category_option_combo: T5xzrh7r6kF, code: UNKNOWN}
        age_group: false              # not exported, deliberately
      child_marriages: false

Unmapped
    A cell whose indicator, breakdown, count, category or unit the mapping
    does not give (a key absent, or still a placeholder) is **refused** by
    default: :class:`Dhis2MappingError` with code ``dhis2-unmapped`` lists
    everything missing, so that no figure is silently left out of the
    ministry's system. ``on_unmapped="skip"`` leaves such cells out with a
    :class:`~chitieu.errors.ChitieuWarning` saying what was left out.
    ``false`` in the mapping leaves an indicator, a breakdown or a count out
    on purpose, without a word.
Suppressed reports
    Only what the publication shows is exported: a hidden numerator,
    denominator or value (NaN with the flag ``suppressed``) has no data value.
    So are cells with no number (a count has no denominator; a zero
    denominator has no value).
Periods
    JSON and CSV carry DHIS2 periods: ``2024`` (a year), ``2024S1`` (a half),
    ``2024Q3``, ``202403``, ``20240315`` (a day), ``2023July`` (a financial
    year from 1 July; also April, Oct, Nov); a period of other dates is
    refused (``dhis2-period``). ADX carries ISO 8601 intervals:
    ``2024-01-01/P1Y``, ``2024-07-01/P3M``, ``2024-03-01/P1M``, and
    ``2024-01-01/P45D`` for any other range. ADX's ``exported`` is when the
    report was computed, so that the same report gives the same file.

Examples
--------
>>> import json, tempfile, pathlib
>>> from chitieu import report
>>> from chitieu.indicators.examples import tiny_submission
>>> rep = report(tiny_submission(), period="2024", indicators=["child_population"])
>>> mapping = {"version": 1, "id_scheme": "CODE",
...            "org_units": {"2008": {"00001": "OU_1", "00002": "OU_2"}},
...            "indicators": {"child_population": {"total": {"numerator": "CP_N"}}}}
>>> to_dhis2(rep, pathlib.Path(tempfile.mkdtemp()) / "dvs.json", mapping=mapping)
Traceback (most recent call last):
...
chitieu.export.dhis2.Dhis2MappingError: the DHIS2 mapping does not give breakdowns: child_population.age_group, ...
>>> out = to_dhis2(rep, pathlib.Path(tempfile.mkdtemp()) / "dvs.json", mapping=mapping,
...                on_unmapped="ignore")
>>> json.loads(out.read_text(encoding="utf-8"))["dataValues"][0]
{'dataElement': 'CP_N', 'period': '2024', 'orgUnit': 'OU_1', 'categoryOptionCombo': 'HllvX50cXC0', 'attributeOptionCombo': 'HllvX50cXC0', 'value': '3', 'comment': 'chitieu child_population numerator; code_unconfirmed,small_count'}
>>> values = data_values(rep, mapping, on_unmapped="ignore")
>>> values[["dataElement", "period", "orgUnit", "value"]].to_dict("records")
[{'dataElement': 'CP_N', 'period': '2024', 'orgUnit': 'OU_1', 'value': '3'}, {'dataElement': 'CP_N', 'period': '2024', 'orgUnit': 'OU_2', 'value': '3'}]
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import yaml

from chitieu.errors import ChitieuError, ChitieuWarning, ReadError
from chitieu.export.tables import writable_path, write_error

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.periods import Period
    from chitieu.report import Report

__all__ = [
    "ADX_NAMESPACE",
    "CSV_COLUMNS",
    "DEFAULT_COMBO",
    "DHIS2_FORMATS",
    "Dhis2Mapping",
    "Dhis2MappingError",
    "adx_period",
    "data_values",
    "dhis2_period",
    "load_mapping",
    "mapping_template",
    "to_dhis2",
]

#: The namespace of ADX documents (IHE QRPH Aggregate Data Exchange).
ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
#: The uid of DHIS2's ``default`` category option combo (the same on every instance).
DEFAULT_COMBO = "HllvX50cXC0"
#: The formats :func:`to_dhis2` writes.
DHIS2_FORMATS: tuple[str, ...] = ("json", "csv", "adx")
#: The columns of a DHIS2 data value CSV, in the order ``/api/dataValueSets`` reads them.
CSV_COLUMNS: tuple[str, ...] = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
)
#: The counts of a report row, each exported to a data element of its own.
COUNTS: tuple[str, ...] = ("numerator", "denominator", "value")

_UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_RESERVED_ADX = frozenset({"dataElement", "value", "orgUnit", "period", "dataSet"})
_MAX_LISTED = 12
#: DHIS2's financial years, by the month they start in.
_FINANCIAL = {4: "April", 7: "July", 10: "Oct", 11: "Nov"}
TOTAL = "total"

OnUnmapped = Literal["refuse", "skip", "ignore"]


class Dhis2MappingError(ChitieuError, ValueError):
    """A DHIS2 mapping that is malformed, incomplete for a report, or ambiguous.

    Codes: ``dhis2-mapping-invalid`` (the file's structure or an identifier),
    ``dhis2-unmapped`` (cells of the report the mapping does not give),
    ``dhis2-mapping-conflict`` (two cells to the same data value),
    ``dhis2-period`` (a period DHIS2 cannot express).
    """

    default_code = "dhis2-mapping-invalid"


# -- periods ------------------------------------------------------------------------
def _last_of_month(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _months(start: date, end: date) -> int | None:
    """Whole calendar months from *start* (a first of month) to *end* (a last of month)."""
    if start.day != 1 or end != _last_of_month(end.year, end.month):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def dhis2_period(period: Period) -> str:
    """The DHIS2 period of *period*: ``2024``, ``2024S1``, ``2024Q3``, ``202403``, ``20240315``.

    A year from July (April, October, November) is a financial year, ``2023July``.

    Raises
    ------
    Dhis2MappingError
        Code ``dhis2-period``, for dates that are no DHIS2 period of these types.

    Examples
    --------
    >>> from chitieu.periods import parse_period
    >>> [dhis2_period(parse_period(p)) for p in ("2024", "2024-H2", "2024-Q3", "2024-03")]
    ['2024', '2024S2', '2024Q3', '202403']
    >>> dhis2_period(parse_period("2024-01-01..2024-12-31"))
    '2024'
    >>> dhis2_period(parse_period("2024-01-01..2024-02-15"))
    Traceback (most recent call last):
    ...
    chitieu.export.dhis2.Dhis2MappingError: period '2024-01-01..2024-02-15' is not a DHIS2 period (a year, half, quarter, month or day); use ADX, whose periods are any ISO 8601 interval
    """
    start, end = period.start, period.end
    if start == end:
        return start.strftime("%Y%m%d")
    months = _months(start, end)
    if months == 12 and start.month in _FINANCIAL:
        return f"{start.year}{_FINANCIAL[start.month]}"
    if months is not None and start.year == end.year:
        if months == 12:
            return f"{start.year}"
        if months == 6 and start.month in (1, 7):
            return f"{start.year}S{1 if start.month == 1 else 2}"
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{start.year}Q{(start.month - 1) // 3 + 1}"
        if months == 1:
            return f"{start.year}{start.month:02d}"
    raise Dhis2MappingError(
        f"period {period.label!r} is not a DHIS2 period (a year, half, quarter, month or day); "
        "use ADX, whose periods are any ISO 8601 interval",
        code="dhis2-period",
    )


def adx_period(period: Period) -> str:
    """The ADX period of *period*: its start and an ISO 8601 duration.

    Examples
    --------
    >>> from chitieu.periods import parse_period
    >>> [adx_period(parse_period(p)) for p in ("2024", "2024-H1", "2024-Q3", "2024-03")]
    ['2024-01-01/P1Y', '2024-01-01/P6M', '2024-07-01/P3M', '2024-03-01/P1M']
    >>> adx_period(parse_period("2024-01-01..2024-02-14"))
    '2024-01-01/P45D'
    """
    months = _months(period.start, period.end)
    if months is not None:
        duration = f"P{months // 12}Y" if months % 12 == 0 else f"P{months}M"
    else:
        duration = f"P{period.days}D"
    return f"{period.start.isoformat()}/{duration}"


# -- the mapping --------------------------------------------------------------------
def is_placeholder(value: object) -> bool:
    """Whether *value* is a placeholder of the template (``"<FILL: ...>"``), not an identifier.

    >>> is_placeholder("<FILL: data element>"), is_placeholder("Xl1nQ5lLf9h")
    (True, False)
    """
    return isinstance(value, str) and value.startswith("<") and value.endswith(">")


@dataclass(frozen=True)
class Option:
    """Where one category of a breakdown goes: a category option combo; for ADX, an option code."""

    category_option_combo: str | None
    code: str | None


@dataclass(frozen=True)
class Breakdown:
    """Where the rows of one indicator and one breakdown go.

    A count is a data element, ``None`` when absent or a placeholder (unmapped)
    and ``False`` when left out on purpose.
    """

    elements: dict[str, str | bool | None]
    category: str | None = None
    options: dict[str, Option] = field(default_factory=dict)
    excluded: bool = False


@dataclass(frozen=True)
class Dhis2Mapping:
    """A mapping from chitieu's indicators, breakdowns and units to DHIS2 identifiers.

    Build it with :func:`load_mapping`, from a file or a dict.
    """

    id_scheme: str
    data_set: str | None
    attribute_option_combo: str
    default_category_option_combo: str
    org_units: dict[tuple[str, str], str | None]
    indicators: dict[str, dict[str, Breakdown] | bool]
    adx_attributes: dict[str, str] = field(default_factory=dict)


def _invalid(message: str) -> Dhis2MappingError:
    return Dhis2MappingError(f"DHIS2 mapping: {message}", code="dhis2-mapping-invalid")


def _identifier(value: object, where: str, scheme: str, *, allow_false: bool = False) -> Any:
    """An identifier of the mapping, checked; None for a placeholder or nothing."""
    if value is None or is_placeholder(value):
        return None
    if value is False and allow_false:
        return False
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _invalid(f"{where}: expected an identifier, found {type(value).__name__}")
    text = str(value).strip()
    if not text:
        return None
    if scheme == "UID" and not _UID.match(text):
        raise _invalid(
            f"{where}: {text!r} is not a DHIS2 uid (11 letters and digits, a letter first); "
            "set id_scheme: CODE to give codes"
        )
    return text


def _mapping_dict(source: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        return source
    path = Path(source)
    if not path.is_file():
        raise ReadError(f"no DHIS2 mapping file {str(path)!r}", code="dhis2-mapping-missing")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _invalid(f"{str(path)!r} cannot be read as YAML or JSON: {reason}") from None
    if not isinstance(data, Mapping):
        raise _invalid(f"{str(path)!r} holds no mapping (expected keys version, indicators, ...)")
    return data


def load_mapping(source: str | Path | Mapping[str, Any] | Dhis2Mapping) -> Dhis2Mapping:
    """Read and check a DHIS2 mapping (a YAML or JSON file, or the same as a dict).

    Raises
    ------
    Dhis2MappingError
        Code ``dhis2-mapping-invalid`` for a malformed mapping (an unknown
        key, an identifier that is not a uid with ``id_scheme: UID``, an ADX
        category that is not an XML name), naming where.
    chitieu.errors.ReadError
        Code ``dhis2-mapping-missing`` when the file does not exist.

    Examples
    --------
    >>> m = load_mapping({"version": 1, "id_scheme": "CODE",
    ...                   "indicators": {"child_population": {"total": {"numerator": "CP"}}}})
    >>> m.indicators["child_population"]["total"].elements
    {'numerator': 'CP'}
    >>> load_mapping({"version": 1, "indicators": {"child_population": {"total": {"numerator": "CP"}}}})
    Traceback (most recent call last):
    ...
    chitieu.export.dhis2.Dhis2MappingError: DHIS2 mapping: indicators.child_population.total.numerator: 'CP' is not a DHIS2 uid (11 letters and digits, a letter first); set id_scheme: CODE to give codes
    """
    if isinstance(source, Dhis2Mapping):
        return source
    from chitieu.indicators import REGISTRY, get_indicator

    data = _mapping_dict(source)
    known = {
        "version",
        "id_scheme",
        "data_set",
        "attribute_option_combo",
        "default_category_option_combo",
        "adx_attributes",
        "org_units",
        "indicators",
    }
    extra = sorted(str(k) for k in data if k not in known)
    if extra:
        raise _invalid(f"unknown key {extra[0]!r}; keys: {', '.join(sorted(known))}")
    if data.get("version", 1) != 1:
        raise _invalid(f"version {data.get('version')!r} is not known; this chitieu reads 1")
    scheme = str(data.get("id_scheme", "UID")).upper()
    if scheme not in ("UID", "CODE"):
        raise _invalid(f"id_scheme must be UID or CODE, found {scheme!r}")
    default_combo = (
        _identifier(
            data.get("default_category_option_combo"), "default_category_option_combo", "CODE"
        )
        or DEFAULT_COMBO
    )
    attribute_combo = (
        _identifier(data.get("attribute_option_combo"), "attribute_option_combo", "CODE")
        or DEFAULT_COMBO
    )
    org_units: dict[tuple[str, str], str | None] = {}
    raw_units = data.get("org_units") or {}
    if not isinstance(raw_units, Mapping):
        raise _invalid("org_units: expected division versions, each a map of unit code -> orgUnit")
    for version, units in raw_units.items():
        if not isinstance(units, Mapping):
            raise _invalid(f"org_units.{version}: expected a map of unit code -> orgUnit")
        for code, uid in units.items():
            where = f"org_units.{version}.{code}"
            if not isinstance(code, str):
                raise _invalid(
                    f"{where}: the unit code was read as a number ({code!r}); quote it "
                    '(unit codes keep their leading zeros: "00001")'
                )
            org_units[(str(version), str(code))] = _identifier(uid, where, scheme)
    adx_attributes: dict[str, str] = {}
    for name, option in (data.get("adx_attributes") or {}).items():
        if not _XML_NAME.match(str(name)) or str(name) in _RESERVED_ADX:
            raise _invalid(f"adx_attributes: {name!r} cannot be an ADX attribute name")
        adx_attributes[str(name)] = str(option)
    indicators: dict[str, dict[str, Breakdown] | bool] = {}
    raw_indicators = data.get("indicators") or {}
    if not isinstance(raw_indicators, Mapping):
        raise _invalid("indicators: expected a map of indicator id -> breakdowns")
    for indicator_id, breakdowns in raw_indicators.items():
        try:
            key = get_indicator(str(indicator_id)).id
        except ChitieuError as error:
            raise _invalid(f"indicators: {error}") from None
        if breakdowns is False:
            indicators[key] = False
            continue
        if not isinstance(breakdowns, Mapping):
            raise _invalid(f"indicators.{key}: expected breakdowns (total, sex, ...) or false")
        allowed = (TOTAL, *(d for d in REGISTRY[key].dimensions if d != "commune"))
        parsed: dict[str, Breakdown] = {}
        for name, spec in breakdowns.items():
            where = f"indicators.{key}.{name}"
            if str(name) not in allowed:
                raise _invalid(
                    f"{where}: {key} has no breakdown {name!r}; breakdowns: {', '.join(allowed)}"
                )
            parsed[str(name)] = _breakdown(spec, where, scheme)
        indicators[key] = parsed
    return Dhis2Mapping(
        id_scheme=scheme,
        data_set=_identifier(data.get("data_set"), "data_set", scheme),
        attribute_option_combo=attribute_combo,
        default_category_option_combo=default_combo,
        org_units=org_units,
        indicators=indicators,
        adx_attributes=adx_attributes,
    )


def _breakdown(spec: object, where: str, scheme: str) -> Breakdown:
    if spec is False:
        return Breakdown(elements={}, excluded=True)
    if not isinstance(spec, Mapping):
        raise _invalid(f"{where}: expected numerator, denominator, ... or false")
    extra = sorted(str(k) for k in spec if k not in (*COUNTS, "category", "options"))
    if extra:
        raise _invalid(
            f"{where}: unknown key {extra[0]!r}; keys: numerator, denominator, value, category, options"
        )
    elements = {
        count: _identifier(spec[count], f"{where}.{count}", scheme, allow_false=True)
        for count in COUNTS
        if count in spec
    }
    category = spec.get("category")
    if category is not None and not is_placeholder(category):
        if not _XML_NAME.match(str(category)) or str(category) in _RESERVED_ADX:
            raise _invalid(f"{where}.category: {category!r} cannot be an ADX attribute name")
        category = str(category)
    else:
        category = None
    options: dict[str, Option] = {}
    raw_options = spec.get("options") or {}
    if not isinstance(raw_options, Mapping):
        raise _invalid(f"{where}.options: expected a map of category -> category option combo")
    for name, option in raw_options.items():
        place = f"{where}.options.{name}"
        if isinstance(option, Mapping):
            coc = _identifier(option.get("category_option_combo"), place, scheme)
            code = option.get("code")
            code = None if code is None or is_placeholder(code) else str(code)
        else:
            coc, code = _identifier(option, place, scheme), None
        options[str(name)] = Option(coc, code)
    return Breakdown(elements=elements, category=category, options=options)


# -- the data values ----------------------------------------------------------------
def _category_column(table: pd.DataFrame) -> np.ndarray:
    """For each row, its category in the dimension it is broken down by ("" on totals)."""
    breakdown = table["breakdown"].to_numpy(dtype=object)
    out = np.full(len(table), "", dtype=object)
    for name in pd.unique(breakdown):
        if name == TOTAL or name not in table.columns:
            continue
        rows = breakdown == name
        out[rows] = table[name].to_numpy(dtype=object)[rows]
    return out


def _format_value(values: np.ndarray) -> list[str]:
    return [str(int(v)) if float(v).is_integer() else format(float(v), ".15g") for v in values]


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return shown + (f" and {more:,} more" if more > 0 else "")


def data_values(
    report: Report,
    mapping: str | Path | Mapping[str, Any] | Dhis2Mapping,
    *,
    on_unmapped: OnUnmapped = "refuse",
    periods: Literal["dhis2", "adx"] = "dhis2",
) -> pd.DataFrame:
    """The data values of *report* under *mapping*, one row each.

    Columns ``dataElement, period, orgUnit, categoryOptionCombo,
    attributeOptionCombo, value, comment`` (as ``/api/dataValueSets`` names
    them; every value a string), and for ADX ``category`` and ``option``.

    Parameters
    ----------
    on_unmapped
        ``refuse`` (default): raise :class:`Dhis2MappingError` (code
        ``dhis2-unmapped``) listing every indicator, breakdown, count,
        category and unit the mapping does not give; ``skip``: leave those
        cells out with a :class:`~chitieu.errors.ChitieuWarning`; ``ignore``:
        leave them out without a word.
    periods
        ``dhis2`` (``2024Q3``) or ``adx`` (``2024-07-01/P3M``).
    """
    if on_unmapped not in ("refuse", "skip", "ignore"):
        raise ValueError(f"on_unmapped must be refuse, skip or ignore, found {on_unmapped!r}")
    m = load_mapping(mapping)
    table = report.table
    period_of = {
        p.label: (dhis2_period(p) if periods == "dhis2" else adx_period(p)) for p in report.periods
    }
    base = pd.DataFrame(
        {
            "indicator_id": table["indicator_id"].to_numpy(dtype=object),
            "period": table["period"].to_numpy(dtype=object),
            "unit_code": table["unit_code"].to_numpy(dtype=object),
            "division_version": table["division_version"].to_numpy(dtype=object),
            "breakdown": table["breakdown"].to_numpy(dtype=object),
            "category_value": _category_column(table),
            "flags": table["flags"].astype("str").fillna("").to_numpy(dtype=object),
        }
    )
    long_parts = []
    for count in COUNTS:
        numbers = table[count].to_numpy(dtype=np.float64)
        keep = ~np.isnan(numbers)
        part = base.loc[keep].copy()
        part["count"] = count
        part["number"] = numbers[keep]
        long_parts.append(part)
    cells = pd.concat(long_parts, ignore_index=True)

    missing: dict[str, set[str]] = {
        "indicators": set(),
        "breakdowns": set(),
        "counts": set(),
        "categories": set(),
    }
    element_rows = []
    option_rows = []
    for indicator_id in pd.unique(cells["indicator_id"]):
        spec = m.indicators.get(str(indicator_id))
        if spec is False:
            continue
        here = cells.loc[cells["indicator_id"] == indicator_id]
        if spec is None:
            missing["indicators"].add(str(indicator_id))
            continue
        assert isinstance(spec, dict)
        for (breakdown, count), _ in here.groupby(["breakdown", "count"], sort=False):
            entry = spec.get(str(breakdown))
            if entry is None:
                missing["breakdowns"].add(f"{indicator_id}.{breakdown}")
                continue
            if entry.excluded:
                continue
            element = entry.elements.get(str(count), False if count == "value" else None)
            if element is False:
                continue
            if element is None:
                missing["counts"].add(f"{indicator_id}.{breakdown}.{count}")
                continue
            element_rows.append((indicator_id, breakdown, count, element))
        for breakdown, rows in here.groupby("breakdown", sort=False):
            entry = spec.get(str(breakdown))
            if entry is None or entry.excluded or breakdown == TOTAL:
                continue
            for category in pd.unique(rows["category_value"]):
                option = entry.options.get(str(category))
                if option is None or option.category_option_combo is None:
                    missing["categories"].add(f"{indicator_id}.{breakdown}={category}")
                    continue
                option_rows.append(
                    (
                        indicator_id,
                        breakdown,
                        category,
                        option.category_option_combo,
                        entry.category,
                        option.code,
                    )
                )
    elements = pd.DataFrame(
        element_rows, columns=["indicator_id", "breakdown", "count", "dataElement"]
    )
    options = pd.DataFrame(
        option_rows,
        columns=[
            "indicator_id",
            "breakdown",
            "category_value",
            "categoryOptionCombo",
            "category",
            "option",
        ],
    )
    out = cells.merge(elements, on=["indicator_id", "breakdown", "count"], how="inner")
    totals = out["breakdown"] == TOTAL
    with_options = out.loc[~totals].merge(
        options, on=["indicator_id", "breakdown", "category_value"], how="inner"
    )
    on_total = out.loc[totals].assign(
        categoryOptionCombo=m.default_category_option_combo, category=None, option=None
    )
    out = pd.concat([on_total, with_options], ignore_index=True)
    units = pd.DataFrame(
        [(v, c, uid) for (v, c), uid in m.org_units.items() if uid is not None],
        columns=["division_version", "unit_code", "orgUnit"],
    )
    pairs = out[["division_version", "unit_code"]].drop_duplicates()
    known = pairs.merge(units, on=["division_version", "unit_code"], how="left")
    unmapped_units = known.loc[known["orgUnit"].isna()]
    missing["org units"] = {
        f"{v}:{c}"
        for v, c in zip(
            unmapped_units["division_version"], unmapped_units["unit_code"], strict=True
        )
    }
    out = out.merge(units, on=["division_version", "unit_code"], how="inner")
    _report_missing(missing, on_unmapped)

    order = out.sort_values(
        ["period", "orgUnit", "indicator_id", "breakdown", "category_value", "count"], kind="stable"
    ).index
    out = out.loc[order].reset_index(drop=True)
    comment = "chitieu " + out["indicator_id"].astype(str) + " " + out["count"].astype(str)
    flags = out["flags"].astype(str)
    comment = comment.where(flags == "", comment + "; " + flags)
    result = pd.DataFrame(
        {
            "dataElement": out["dataElement"].astype(str),
            "period": out["period"].map(period_of).astype(str),
            "orgUnit": out["orgUnit"].astype(str),
            "categoryOptionCombo": out["categoryOptionCombo"].astype(str),
            "attributeOptionCombo": m.attribute_option_combo,
            "value": _format_value(out["number"].to_numpy(dtype=np.float64)),
            "comment": comment,
            "category": out["category"].astype(object),
            "option": out["option"].astype(object),
        }
    )
    key = ["dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo"]
    twice = result.duplicated(key, keep=False)
    if twice.any():
        first = result.loc[twice].iloc[0]
        clash = out.loc[twice.to_numpy()]
        cells_named = _listed(
            sorted(
                {
                    f"{i}.{b}.{c}"
                    for i, b, c in zip(
                        clash["indicator_id"], clash["breakdown"], clash["count"], strict=True
                    )
                }
            )
        )
        raise Dhis2MappingError(
            f"DHIS2 mapping: {int(twice.sum()):,} cells would go to the same data value "
            f"(data element {first['dataElement']}, category option combo "
            f"{first['categoryOptionCombo']}): {cells_named}; give each count its own data "
            "element or category option combo",
            code="dhis2-mapping-conflict",
        )
    return result


def _report_missing(missing: Mapping[str, set[str]], on_unmapped: OnUnmapped) -> None:
    parts = [f"{what}: {_listed(sorted(items))}" for what, items in missing.items() if items]
    if not parts:
        return
    text = "the DHIS2 mapping does not give " + "; ".join(parts)
    if on_unmapped == "refuse":
        raise Dhis2MappingError(
            text + " (fill them in, mark them false to leave them out, or export with "
            "on_unmapped='skip')",
            code="dhis2-unmapped",
        )
    if on_unmapped == "skip":
        warnings.warn(f"{text}; those cells were left out", ChitieuWarning, stacklevel=3)


# -- writing ------------------------------------------------------------------------
_JSON_FIELDS = (
    "dataElement",
    "period",
    "orgUnit",
    "categoryOptionCombo",
    "attributeOptionCombo",
    "value",
    "comment",
)


def _json_text(values: pd.DataFrame, mapping: Dhis2Mapping) -> str:
    """The data value set: one data value per line, so that a diff of two exports reads well."""
    head = "{"
    if mapping.data_set is not None:
        head += f'"dataSet": {json.dumps(mapping.data_set, ensure_ascii=False)}, '
    columns = [values[name].tolist() for name in _JSON_FIELDS]
    lines = [
        json.dumps(dict(zip(_JSON_FIELDS, row, strict=True)), ensure_ascii=False)
        for row in zip(*columns, strict=True)
    ]
    body = ",\n  ".join(lines)
    return f'{head}"dataValues": [\n  {body}\n]}}\n' if lines else f'{head}"dataValues": []}}\n'


def _csv_text(values: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    empty = [""] * len(values)
    columns = [values[name].tolist() for name in _JSON_FIELDS[:6]]
    writer.writerows(
        zip(*columns, empty, empty, values["comment"].tolist(), empty, empty, strict=True)
    )
    return buffer.getvalue()


def _adx_text(values: pd.DataFrame, mapping: Dhis2Mapping, exported: str) -> str:
    if mapping.data_set is None:
        raise Dhis2MappingError(
            "DHIS2 mapping: ADX needs data_set (every ADX group names its data set)",
            code="dhis2-unmapped",
        )
    ET.register_namespace("", ADX_NAMESPACE)
    root = ET.Element(f"{{{ADX_NAMESPACE}}}adx", exported=exported)
    for (org_unit, period), rows in values.groupby(["orgUnit", "period"], sort=False):
        group = ET.SubElement(
            root,
            f"{{{ADX_NAMESPACE}}}group",
            {
                "orgUnit": str(org_unit),
                "period": str(period),
                "dataSet": mapping.data_set,
                **mapping.adx_attributes,
            },
        )
        for row in rows.itertuples(index=False):
            attributes = {"dataElement": str(row.dataElement)}
            if isinstance(row.category, str):
                if not isinstance(row.option, str):
                    raise Dhis2MappingError(
                        f"DHIS2 mapping: ADX needs the code of each option of category "
                        f"{row.category} ({row.comment}); give options.<category>.code",
                        code="dhis2-unmapped",
                    )
                attributes[row.category] = row.option
            attributes["value"] = str(row.value)
            ET.SubElement(group, f"{{{ADX_NAMESPACE}}}dataValue", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _exported(generated_at: str) -> str:
    """When the report was computed, as ADX's ``exported`` (UTC, ``Z``); now when unknown.

    >>> _exported("2026-12-01T12:52:14+00:00")
    '2026-12-01T12:52:14Z'
    """
    try:
        when = datetime.fromisoformat(generated_at)
    except (TypeError, ValueError):
        when = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def to_dhis2(
    report: Report,
    path: str | Path,
    *,
    mapping: str | Path | Mapping[str, Any] | Dhis2Mapping,
    format: str = "json",
    on_unmapped: OnUnmapped = "refuse",
) -> Path:
    """Write *report* as a DHIS2 data value set (``json``, ``csv``) or ADX XML (``adx``).

    Parameters
    ----------
    report
        The report; a suppressed report exports only the cells it shows.
    path
        The file to write.
    mapping
        A mapping file (YAML or JSON), a dict of the same, or a
        :class:`Dhis2Mapping` (see the module docstring).
    format
        ``json`` (``{"dataSet", "dataValues": [...]}``), ``csv`` (the columns
        :data:`CSV_COLUMNS`, header first) or ``adx``.
    on_unmapped
        See :func:`data_values`.

    Raises
    ------
    Dhis2MappingError
        See :class:`Dhis2MappingError`.
    chitieu.errors.WriteError
        When the file cannot be written.
    """
    if format not in DHIS2_FORMATS:
        raise ValueError(f"format must be one of {', '.join(DHIS2_FORMATS)}, found {format!r}")
    target = writable_path(path)
    m = load_mapping(mapping)
    values = data_values(
        report, m, on_unmapped=on_unmapped, periods="adx" if format == "adx" else "dhis2"
    )
    if format == "json":
        text = _json_text(values, m)
    elif format == "csv":
        text = _csv_text(values)
    else:
        text = _adx_text(values, m, _exported(report.generated_at))
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise write_error(target, error) from error
    return target


# -- the template ---------------------------------------------------------------------
def _categories(dimension: str, age_bands: Sequence[int] | None) -> list[str]:
    from chitieu.codelists import codes
    from chitieu.indicators.registry import DIMENSIONS
    from chitieu.indicators.stock import DEFAULT_AGE_BANDS, age_axis

    if dimension == "age_group":
        return [str(c) for c in age_axis(tuple(age_bands or DEFAULT_AGE_BANDS)).categories]
    codelist = DIMENSIONS[dimension].codelist
    listed = [str(c) for c in codes(codelist)] if codelist else []
    unknown_codes = {"U", "99", "UNKNOWN", "unknown"}
    if not unknown_codes & set(listed):
        listed.append("unknown")
    return listed


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are)."""
    return json.dumps(text, ensure_ascii=False)


def mapping_template(
    *,
    indicators: Iterable[str] | None = None,
    units: pd.DataFrame | None = None,
    age_bands: Sequence[int] | None = None,
) -> str:
    """A DHIS2 mapping to fill in, generated from the registry, as YAML text.

    Every indicator (or those of *indicators*) with its overall row and each
    breakdown, a data element for the numerator and, for ratios, the
    denominator, and each category's category option combo; the org units of
    *units* (a units table: ``unit_code``, ``division_version``, ``name``) or
    one example. Every identifier is a placeholder ``"<FILL: ...>"``: until it
    is replaced, its cells are unmapped (see :func:`data_values`); write
    ``false`` instead to leave something out.

    Examples
    --------
    >>> text = mapping_template(indicators=["injury_rate"])
    >>> m = load_mapping(__import__("yaml").safe_load(text))
    >>> sorted(m.indicators["injury_rate"])[:3]
    ['age_group', 'injury_type', 'outcome']
    >>> m.indicators["injury_rate"]["total"].elements
    {'numerator': None, 'denominator': None}
    """
    from chitieu import __version__
    from chitieu.indicators import REGISTRY, get_indicator
    from chitieu.indicators.registry import DIMENSIONS

    ids = list(REGISTRY) if indicators is None else [get_indicator(i).id for i in indicators]
    lines = [
        "# chitieu -> DHIS2 mapping, generated by `chitieu dhis2 template` "
        f"(chitieu {__version__}).",
        '# Replace every "<FILL: ...>" with the DHIS2 identifier (uid, or code with',
        "# id_scheme: CODE); write false to leave an indicator, a breakdown or a count out.",
        "# A placeholder left in is unmapped: the export refuses it (or skips it with a warning).",
        "# Numerators and denominators are data elements of their own, so that DHIS2 adds them",
        "# up over org units and periods and recomputes each ratio at every level.",
        "version: 1",
        "id_scheme: UID",
        f"data_set: {_q('<FILL: data set uid (needed for ADX)>')}",
        f"attribute_option_combo: {DEFAULT_COMBO}   # DHIS2's default",
        f"default_category_option_combo: {DEFAULT_COMBO}   # the overall rows",
        "org_units:",
    ]
    if units is not None and len(units):
        frame = units.loc[
            :, [c for c in ("unit_code", "division_version", "name", "level") if c in units.columns]
        ]
        for version, rows in frame.groupby("division_version", sort=True):
            lines.append(f"  {_q(str(version))}:")
            for row in rows.itertuples(index=False):
                name = getattr(row, "name", "")
                level = getattr(row, "level", "")
                note = f"   # {name} ({level})" if isinstance(name, str) and name else ""
                lines.append(
                    f"    {_q(str(row.unit_code))}: {_q(f'<FILL: orgUnit of {row.unit_code}>')}{note}"
                )
    else:
        lines += [
            '  "2025":   # division version: unit code -> orgUnit',
            f'    "00001": {_q("<FILL: orgUnit of commune 00001>")}',
        ]
    lines.append("indicators:")
    for indicator_id in ids:
        meta = REGISTRY[indicator_id]
        counts = ["numerator"] if meta.denominator_en is None else ["numerator", "denominator"]
        lines.append(f"  {indicator_id}:")
        lines.append(f"    # {meta.name_vi} / {meta.name_en} ({meta.kind}, x{meta.multiplier:,})")
        lines.append(f"    # numerator: {meta.numerator_en}")
        if meta.denominator_en is not None:
            lines.append(f"    # denominator: {meta.denominator_en}")
        for breakdown in (TOTAL, *(d for d in meta.dimensions if d != "commune")):
            lines.append(f"    {breakdown}:")
            if breakdown in meta.multi_response:
                lines.append(
                    "      # multi-response: the categories do not add up to the total; "
                    "do not let DHIS2 total them"
                )
            for count in counts:
                label = DIMENSIONS[breakdown].en if breakdown != TOTAL else "total"
                lines.append(
                    f"      {count}: {_q(f'<FILL: data element, {indicator_id} {count} by {label}>')}"
                )
            if breakdown == TOTAL:
                continue
            lines.append(f"      category: {_q(f'<FILL: ADX code of the category {breakdown}>')}")
            lines.append("      options:")
            for category in _categories(breakdown, age_bands):
                coc = _q(f"<FILL: category option combo of {breakdown}={category}>")
                code = _q(f"<FILL: ADX code of {category}>")
                lines.append(
                    f"        {_q(category)}: {{category_option_combo: {coc}, code: {code}}}"
                )
    return "\n".join(lines) + "\n"
