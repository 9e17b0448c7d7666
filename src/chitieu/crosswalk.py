"""Crosswalks between division versions: old communes (2008) to new communes (2025).

On 1 July 2025 about 10,000 communes became 3,321 and districts disappeared;
codes were reused with new meanings. A crosswalk says, for every old commune,
which new commune or communes took its place, so that data of 2023 and 2026
can be compared (:func:`chitieu.units.recode`).

The table
---------
One row per (old commune, new commune):

=====================  ==================  =====================================================
column                 Vietnamese header   content
=====================  ==================  =====================================================
``old_commune_code``   Mã xã cũ            the old commune's code, 5 digits
``old_version``        Phiên bản cũ        ``2008``
``new_commune_code``   Mã xã mới           the new commune's code, 5 digits
``new_version``        Phiên bản mới       ``2025``
``share``              Tỷ lệ               where an old commune was split: the part of it that
                                           went to this new commune (more than 0, at most 1;
                                           ``0,4`` or ``0.4``); empty for a whole commune
``new_province_code``  Mã tỉnh mới         optional: the new commune's province (2 digits)
``new_commune_name``   Tên xã mới          optional: the new commune's name
=====================  ==================  =====================================================

Rules (:func:`validate_crosswalk`; a crosswalk that breaks one is refused
with :class:`CrosswalkError`, code ``invalid-crosswalk``, listing every
problem with its own code):

- codes are well formed: 5-digit commune codes, 2-digit province codes
  (``crosswalk-bad-code``); versions are ``2008`` then ``2025``
  (``crosswalk-bad-version``);
- no (old, new) pair is given twice (``crosswalk-duplicate``);
- a share is a number more than 0 and at most 1 (``crosswalk-bad-share``);
  an old commune with one new commune has share 1 or none;
- the shares of one old commune sum to 1 (``crosswalk-shares-not-one``), and
  are given for every part of a split commune or for none
  (``crosswalk-shares-incomplete``);
- a new commune has one province (``crosswalk-province-conflict``).

A split commune without shares is a valid crosswalk, but it cannot recode
anything that would have to be divided: :func:`chitieu.units.recode`
refuses it (``crosswalk-split-without-share``), naming the communes; chitieu
never guesses how a commune was divided.

Source formats: CSV (UTF-8, with or without BOM; Vietnamese or English
headers as above) and YAML (``read_crosswalk``)::

    old_version: "2008"
    new_version: "2025"
    communes:
      - {old: "00001", new: "10001"}
      - {old: "00002", new: "10001"}
      - {old: "00003", new: "10002", share: 0.6}
      - {old: "00003", new: "10003", share: 0.4}

Examples
--------
>>> cw = crosswalk_from_rows([("00001", "10001"), ("00002", "10001")])
>>> cw.table[["old_commune_code", "new_commune_code", "share"]]
  old_commune_code new_commune_code  share
0            00001            10001    1.0
1            00002            10001    1.0
>>> cw.splits()
[]
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from chitieu.counts import cell_keys
from chitieu.errors import ChitieuError, ReadError

__all__ = [
    "COLUMNS",
    "HEADERS_VI",
    "Crosswalk",
    "CrosswalkError",
    "CrosswalkSchema",
    "crosswalk_from_rows",
    "read_crosswalk",
    "validate_crosswalk",
]

#: Columns of a crosswalk, in order.
COLUMNS = (
    "old_commune_code",
    "old_version",
    "new_commune_code",
    "new_version",
    "share",
    "new_province_code",
    "new_commune_name",
)
#: Vietnamese headers of the columns.
HEADERS_VI: dict[str, str] = {
    "old_commune_code": "Mã xã cũ",
    "old_version": "Phiên bản cũ",
    "new_commune_code": "Mã xã mới",
    "new_version": "Phiên bản mới",
    "share": "Tỷ lệ",
    "new_province_code": "Mã tỉnh mới",
    "new_commune_name": "Tên xã mới",
}
_REQUIRED = ("old_commune_code", "new_commune_code")
_OLD, _NEW = "2008", "2025"
_TOLERANCE = 1e-6
_SHOWN = 20


class CrosswalkError(ChitieuError, ValueError):
    """A crosswalk is invalid, or cannot recode the data as asked (the code says which)."""

    default_code = "invalid-crosswalk"


class CrosswalkSchema(pa.DataFrameModel):
    """The cell rules of a crosswalk (the rules across rows are in :func:`validate_crosswalk`)."""

    old_commune_code: pa.typing.Series[str] = pa.Field(str_matches=r"^\d{5}$")
    old_version: pa.typing.Series[str] = pa.Field(isin=[_OLD])
    new_commune_code: pa.typing.Series[str] = pa.Field(str_matches=r"^\d{5}$")
    new_version: pa.typing.Series[str] = pa.Field(isin=[_NEW])
    share: pa.typing.Series[float] = pa.Field(gt=0, le=1, nullable=True)
    new_province_code: pa.typing.Series[str] = pa.Field(str_matches=r"^\d{2}$", nullable=True)
    new_commune_name: pa.typing.Series[str] = pa.Field(nullable=True)

    class Config:
        name = "crosswalk"
        strict = True
        coerce = False


_CHECK_CODE = {
    "old_commune_code": "crosswalk-bad-code",
    "new_commune_code": "crosswalk-bad-code",
    "new_province_code": "crosswalk-bad-code",
    "old_version": "crosswalk-bad-version",
    "new_version": "crosswalk-bad-version",
    "share": "crosswalk-bad-share",
}


@dataclass(frozen=True)
class Crosswalk:
    """A validated crosswalk (build one with :func:`read_crosswalk`, :func:`validate_crosswalk`
    or :func:`crosswalk_from_rows`).

    Attributes
    ----------
    table
        The rows, columns :data:`COLUMNS`, sorted by old then new code;
        ``share`` is 1 for a whole commune and missing for a part of a split
        commune whose share is not given.
    """

    table: pd.DataFrame

    @property
    def old_version(self) -> str:
        """The division version recoded from (``2008``)."""
        return _OLD

    @property
    def new_version(self) -> str:
        """The division version recoded to (``2025``)."""
        return _NEW

    def splits(self) -> list[str]:
        """Old communes split between several new communes, sorted."""
        counts = self.table.groupby("old_commune_code", sort=True).size()
        return [str(c) for c in counts.index[counts.to_numpy() > 1]]

    def splits_without_share(self) -> list[str]:
        """Split old communes whose shares are not given, sorted."""
        split = set(self.splits())
        missing = self.table.loc[
            self.table["share"].isna().to_numpy(dtype=bool), "old_commune_code"
        ]
        return sorted({str(c) for c in missing} & split)

    def new_communes(self) -> pd.DataFrame:
        """One row per new commune: ``unit_code``, ``province_code``, ``name`` (missing if not given)."""
        rows = self.table.sort_values(["new_commune_code"], kind="stable")
        grouped = rows.groupby("new_commune_code", sort=True)
        out = pd.DataFrame(
            {
                "unit_code": pd.Series(list(grouped.groups), dtype="str"),
                "province_code": grouped["new_province_code"].first().to_numpy(),
                "name": grouped["new_commune_name"].first().to_numpy(),
            }
        )
        return out.astype("str")

    def to_csv(self, path: str | Path, *, lang: str = "vi") -> Path:
        """Write the crosswalk as CSV (UTF-8 with BOM), Vietnamese headers by default."""
        frame = self.table.loc[:, list(COLUMNS)]
        if lang == "vi":
            frame = frame.rename(columns=HEADERS_VI)
        target = Path(path)
        frame.to_csv(target, index=False, encoding="utf-8-sig")
        return target

    def __repr__(self) -> str:
        n_old = self.table["old_commune_code"].nunique()
        n_new = self.table["new_commune_code"].nunique()
        return (
            f"Crosswalk({_OLD} -> {_NEW}: {n_old:,} old communes, {n_new:,} new communes, "
            f"{len(self.splits()):,} split)"
        )


# -- reading ----------------------------------------------------------------------------
def _fold(text: object) -> str:
    from chitieu.codelists import normalize_text

    return normalize_text(text)


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        lookup[_fold(column)] = column
        lookup[_fold(HEADERS_VI[column])] = column
    lookup.update(
        {
            "old": "old_commune_code",
            "new": "new_commune_code",
            "ma xa cu 2008": "old_commune_code",
            "ma xa moi 2025": "new_commune_code",
            "ty le dan so": "share",
            "ma tinh": "new_province_code",
        }
    )
    return lookup


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Headers matched to :data:`COLUMNS`; unknown headers are an error (nothing dropped silently)."""
    lookup = _header_lookup()
    renamed: dict[str, str] = {}
    unknown: list[str] = []
    for header in frame.columns:
        column = lookup.get(_fold(header))
        if column is None:
            unknown.append(str(header))
        elif column in renamed.values():
            raise CrosswalkError(
                f"the crosswalk gives column {column} twice", code="crosswalk-duplicate-column"
            )
        else:
            renamed[str(header)] = column
    if unknown:
        raise CrosswalkError(
            f"the crosswalk has columns that are not crosswalk columns: {', '.join(unknown)} "
            f"(expected {', '.join(f'{c} / {HEADERS_VI[c]}' for c in COLUMNS)})",
            code="crosswalk-unknown-column",
        )
    out = frame.rename(columns=renamed)
    missing = [c for c in _REQUIRED if c not in out.columns]
    if missing:
        raise CrosswalkError(
            f"the crosswalk lacks required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f'{c} ({HEADERS_VI[c]})' for c in missing)}",
            code="crosswalk-missing-column",
        )
    return out


def _text(series: pd.Series) -> pd.Series:
    out = series.astype("str").str.strip()
    return out.where(out.notna() & out.ne(""))


def _share(series: pd.Series) -> pd.Series:
    """Shares as floats: ``0,4`` and ``0.4`` alike, ``40%`` as 0.4; text that is not a number NaN
    (with a note of where, for the error)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    text = _text(series)
    percent = text.str.endswith("%").fillna(False).to_numpy(dtype=bool)
    cleaned = text.str.rstrip("%").str.replace(",", ".", regex=False).str.strip()
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    numbers = numbers.where(~percent, numbers / 100)
    bad = text.notna() & numbers.isna()
    if bad.any():
        shown = ", ".join(repr(v) for v in text[bad].head(_SHOWN))
        raise CrosswalkError(
            f"share must be a number between 0 and 1 (0,4 or 0.4), found {shown}",
            code="crosswalk-bad-share",
        )
    return numbers


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = _canonical(frame)
    n = len(frame)
    out: dict[str, pd.Series] = {}
    for column in COLUMNS:
        if column == "share":
            values = (
                _share(frame["share"].reset_index(drop=True))
                if "share" in frame
                else pd.Series(np.nan, index=range(n), dtype="float64")
            )
            out[column] = values
        elif column in frame:
            out[column] = _text(frame[column].reset_index(drop=True))
        elif column == "old_version":
            out[column] = pd.Series(_OLD, index=range(n), dtype="str")
        elif column == "new_version":
            out[column] = pd.Series(_NEW, index=range(n), dtype="str")
        else:
            out[column] = pd.Series(np.nan, index=range(n), dtype="str")
    for column in ("old_version", "new_version"):
        out[column] = out[column].fillna(_OLD if column == "old_version" else _NEW)
    return pd.DataFrame(out)


def validate_crosswalk(frame: pd.DataFrame) -> Crosswalk:
    """Check a crosswalk table (headers as in the module docstring) and return it validated.

    Raises
    ------
    CrosswalkError
        ``invalid-crosswalk`` listing every problem found, each with its own
        code (``crosswalk-bad-code``, ``crosswalk-duplicate``,
        ``crosswalk-shares-not-one``, ...); or a header problem
        (``crosswalk-missing-column``, ``crosswalk-unknown-column``).

    Examples
    --------
    >>> frame = pd.DataFrame({"Mã xã cũ": ["00003", "00003"], "Mã xã mới": ["10002", "10003"],
    ...                       "Tỷ lệ": ["0,6", "0,3"]})
    >>> validate_crosswalk(frame)
    Traceback (most recent call last):
    ...
    chitieu.crosswalk.CrosswalkError: the crosswalk is invalid (1 problem): [crosswalk-shares-not-one] the shares of old commune 00003 sum to 0.9, not 1
    """
    table = _normalise(frame)
    problems: list[tuple[str, str]] = []
    try:
        CrosswalkSchema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        for column, group in cases.groupby("column", sort=False, dropna=False):
            values = [v for v in group["failure_case"].tolist() if v is not None][:_SHOWN]
            code = _CHECK_CODE.get(str(column), "invalid-crosswalk")
            shown = ", ".join(repr(v) for v in values) or "missing values"
            expected = {
                "crosswalk-bad-code": "a 5-digit commune code (2 digits for a province)",
                "crosswalk-bad-version": f"{_OLD} for the old version, {_NEW} for the new one",
                "crosswalk-bad-share": "a share more than 0 and at most 1",
            }.get(code, "a valid value")
            problems.append((code, f"column {column}: expected {expected}, found {shown}"))
    if not problems:
        problems.extend(_row_rules(table))
    if problems:
        n = len(problems)
        listed = "; ".join(f"[{code}] {text}" for code, text in problems[:_SHOWN])
        error = CrosswalkError(
            f"the crosswalk is invalid ({n} problem{'s' if n != 1 else ''}): {listed}"
            + (" ..." if n > _SHOWN else "")
        )
        error.problems = problems  # type: ignore[attr-defined]
        raise error
    whole = table.groupby("old_commune_code")["old_commune_code"].transform("size").eq(1)
    table["share"] = table["share"].where(~whole.to_numpy(dtype=bool) | table["share"].notna(), 1.0)
    table = table.sort_values(["old_commune_code", "new_commune_code"], kind="stable")
    return Crosswalk(table.reset_index(drop=True))


def _names(codes: Iterable[object]) -> str:
    items = sorted({str(c) for c in codes})
    return ", ".join(items[:_SHOWN]) + (
        f" and {len(items) - _SHOWN:,} more" if len(items) > _SHOWN else ""
    )


def _row_rules(table: pd.DataFrame) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    pair = table.duplicated(subset=["old_commune_code", "new_commune_code"], keep="first")
    if pair.any():
        shown = table.loc[pair.to_numpy(dtype=bool)]
        text = _names(
            f"{o} -> {n}"
            for o, n in zip(shown["old_commune_code"], shown["new_commune_code"], strict=True)
        )
        problems.append(("crosswalk-duplicate", f"pairs given more than once: {text}"))
    groups = table.groupby("old_commune_code", sort=True)
    size = groups.size()
    given = groups["share"].count()
    total = groups["share"].sum(min_count=1)
    partial = size.index[(given > 0).to_numpy() & (given < size).to_numpy()]
    if len(partial):
        problems.append(
            (
                "crosswalk-shares-incomplete",
                f"old commune{'s' if len(partial) > 1 else ''} {_names(partial)} "
                "give a share for some of their new communes and not for others",
            )
        )
    complete = (given == size).to_numpy()
    off = complete & (np.abs(total.to_numpy(dtype=float) - 1.0) > _TOLERANCE)
    for code, value in zip(size.index[off], total.to_numpy()[off], strict=True):
        problems.append(
            (
                "crosswalk-shares-not-one",
                f"the shares of old commune {code} sum to {value:g}, not 1",
            )
        )
    provinces = (
        table.dropna(subset=["new_province_code"])
        .groupby("new_commune_code")["new_province_code"]
        .nunique()
    )
    conflict = provinces.index[provinces.to_numpy() > 1]
    if len(conflict):
        problems.append(
            (
                "crosswalk-province-conflict",
                f"new commune{'s' if len(conflict) > 1 else ''} {_names(conflict)} "
                "given with more than one province",
            )
        )
    return problems


def crosswalk_from_rows(rows: Sequence[Sequence[Any]] | Sequence[Mapping[str, Any]]) -> Crosswalk:
    """A crosswalk from ``(old, new)`` or ``(old, new, share)`` tuples, or from mappings.

    >>> crosswalk_from_rows([("00003", "10002", 0.6), ("00003", "10003", 0.4)]).splits()
    ['00003']
    """
    records: list[dict[str, Any]] = []
    for row in rows:
        if isinstance(row, Mapping):
            records.append(dict(row))
        else:
            values = list(row)
            record = {"old_commune_code": values[0], "new_commune_code": values[1]}
            if len(values) > 2:
                record["share"] = values[2]
            records.append(record)
    frame = pd.DataFrame.from_records(records)
    if "share" in frame:
        frame["share"] = pd.to_numeric(frame["share"], errors="coerce").astype("float64")
    for column in frame.columns:
        if column != "share":
            frame[column] = frame[column].astype("str")
    return validate_crosswalk(frame)


def read_crosswalk(path: str | Path) -> Crosswalk:
    """Read and validate a crosswalk from a CSV or YAML file (see the module docstring).

    Raises
    ------
    chitieu.errors.ReadError
        When the file cannot be read.
    CrosswalkError
        When it is not a valid crosswalk.
    """
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read the crosswalk {source}: {error.strerror or error}") from None
    if source.suffix.lower() in (".yaml", ".yml"):
        return validate_crosswalk(_from_yaml(raw, source))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError(
            f"the crosswalk {source} is not UTF-8 text; save it as CSV UTF-8",
            code="crosswalk-not-utf8",
        ) from None
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype="str", keep_default_na=False, sep=None, engine="python"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ReadError(f"cannot read the crosswalk {source} as CSV: {error}") from None
    return validate_crosswalk(frame)


def _from_yaml(raw: bytes, source: Path) -> pd.DataFrame:
    try:
        doc = yaml.safe_load(raw.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ReadError(f"cannot read the crosswalk {source} as YAML: {error}") from None
    header: dict[str, Any] = {}
    if isinstance(doc, Mapping):
        header = {k: doc[k] for k in ("old_version", "new_version") if k in doc}
        doc = doc.get("communes", doc.get("rows"))
    if not isinstance(doc, list) or not all(isinstance(r, Mapping) for r in doc):
        raise ReadError(
            f"the crosswalk {source} must hold a list of rows under 'communes' "
            "(each with old, new and, for a split commune, share)"
        )
    frame = pd.DataFrame.from_records([{**header, **dict(r)} for r in doc])
    for column in frame.columns:
        if _fold(column) not in ("share", "ty le"):
            frame[column] = frame[column].map(lambda v: None if v is None else str(v)).astype("str")
    return frame


# -- recoding ---------------------------------------------------------------------------
def record_tables() -> tuple[str, ...]:
    """Tables whose rows carry a commune code and a division version (from the schemas).

    >>> "children" in record_tables() and "units" not in record_tables()
    True
    """
    from chitieu.schemas import TABLES, column_specs

    return tuple(
        name
        for name in TABLES
        if name != "units" and {"commune_code", "division_version"} <= set(column_specs(name))
    )


#: Unit facts that add up when communes merge.
_ADDITIVE_FACTS = (
    "villages",
    "villages_with_facilities",
    "population_total",
    "live_births",
    "deaths_neonatal",
    "deaths_under1",
    "deaths_under5",
)
#: Unit facts kept when every merged commune agrees, else missing.
_AGREEING_FACTS = ("urban_rural", "has_playground", "child_friendly")


def _as_crosswalk(crosswalk: Crosswalk | pd.DataFrame | str | Path) -> Crosswalk:
    if isinstance(crosswalk, Crosswalk):
        return crosswalk
    if isinstance(crosswalk, pd.DataFrame):
        return validate_crosswalk(crosswalk)
    if isinstance(crosswalk, str | Path):
        return read_crosswalk(crosswalk)
    raise TypeError(
        f"crosswalk must be a Crosswalk, a DataFrame or a path, found {type(crosswalk).__name__}"
    )


def _refuse_missing(codes: Iterable[object], where: str) -> None:
    missing = sorted({str(c) for c in codes})
    if missing:
        raise CrosswalkError(
            f"{len(missing):,} commune{'s' if len(missing) != 1 else ''} of the 2008 division "
            f"in {where} {'are' if len(missing) != 1 else 'is'} not in the crosswalk: "
            f"{_names(missing)}; add {'them' if len(missing) != 1 else 'it'} to the crosswalk "
            "(chitieu does not guess where a commune went)",
            code="crosswalk-missing-commune",
        )


def _refuse_split_without_share(cw: Crosswalk, used: set[str]) -> None:
    bad = [c for c in cw.splits_without_share() if c in used]
    if bad:
        parts = cw.table.loc[cw.table["old_commune_code"].isin(bad).to_numpy(dtype=bool)]
        detail = "; ".join(
            f"{old} -> {', '.join(group['new_commune_code'])}"
            for old, group in parts.groupby("old_commune_code", sort=True)
        )
        raise CrosswalkError(
            f"{len(bad):,} old commune{'s were' if len(bad) != 1 else ' was'} split and the "
            f"crosswalk gives no share, so {'their' if len(bad) != 1 else 'its'} figures cannot "
            f"be divided: {detail if len(bad) <= _SHOWN else _names(bad)}. Give the share of "
            "each part (column share / Tỷ lệ); chitieu never guesses one",
            code="crosswalk-split-without-share",
        )


def recode_submission(
    data: Any,
    crosswalk: Crosswalk | pd.DataFrame | str | Path,
    *,
    units: pd.DataFrame | None = None,
) -> Any:
    """A submission recoded from the 2008 division to the 2025 one, record by record.

    Each record of the 2008 division (every table with a commune code:
    children, injuries, abuse cases, sanctions, ...) gets the code of its new commune and the version ``2025``;
    records already in 2025 are kept as they are; a record without a commune
    stays without one (version ``2025``). The units table's 2008 rows are
    replaced by the new communes (and their provinces): additive facts
    (villages, population, births, deaths) are summed over the merged old
    communes; urban/rural, playground and child-friendly are kept where the
    merged communes agree and missing where they do not; the dates the
    records cover are those all merged communes cover. Give *units* (the
    2025 units table) to take names, provinces and facts from it instead;
    facts it leaves empty are filled from the old communes.

    A record cannot be divided: where an old commune was split, its records
    would need a rule saying which new commune each went to, which the data do
    not hold. So a split old commune that has records is refused, with shares
    (``crosswalk-split-records``) or without (``crosswalk-split-without-share``),
    naming the communes; recode the *report* instead, whose counts can be
    divided by share (as an estimate), or recode at the source.

    Raises
    ------
    CrosswalkError
        ``crosswalk-missing-commune`` when a 2008 commune of the records is not
        in the crosswalk; ``crosswalk-split-without-share``,
        ``crosswalk-split-records`` as above.
    """
    from chitieu.submission import Submission

    if not isinstance(data, Submission):
        raise TypeError(f"data must be a chitieu Submission, found {type(data).__name__}")
    cw = _as_crosswalk(crosswalk)
    table = cw.table
    lookup = dict(zip(table["old_commune_code"], table["new_commune_code"], strict=True))
    split = set(cw.splits())
    used: set[str] = set()
    unmapped: set[str] = set()
    for name in record_tables():
        frame = data[name]
        if not len(frame):
            continue
        old = _old_rows(frame)
        codes = _text(frame["commune_code"])[old]
        present = set(codes.dropna().astype(str))
        used |= present
        unmapped |= present - set(lookup)
    _refuse_missing(unmapped, "the records")
    _refuse_split_without_share(cw, used)
    split_used = sorted(used & split)
    if split_used:
        parts = table.loc[table["old_commune_code"].isin(split_used).to_numpy(dtype=bool)]
        detail = "; ".join(
            f"{old} -> {', '.join(group['new_commune_code'])}"
            for old, group in parts.groupby("old_commune_code", sort=True)
        )
        raise CrosswalkError(
            f"{len(split_used):,} old commune{'s were' if len(split_used) != 1 else ' was'} split "
            f"and {'have' if len(split_used) != 1 else 'has'} records: "
            f"{detail if len(split_used) <= _SHOWN else _names(split_used)}. A record cannot be "
            "divided by a share and nothing in it says which new commune it belongs to: recode "
            "the report instead (chitieu.units.recode(report, crosswalk), an estimate), or "
            "recode these communes' records at the source",
            code="crosswalk-split-records",
        )
    frames: dict[str, pd.DataFrame] = {}
    for name in record_tables():
        frame = data[name]
        if not len(frame):
            continue
        is_old = _old_rows(frame).to_numpy(dtype=bool)
        codes = _text(frame["commune_code"])
        new_codes = codes.map(lookup)
        out = frame.copy()
        commune = out["commune_code"].astype("str").to_numpy(dtype=object, copy=True)
        commune[is_old] = new_codes.to_numpy(dtype=object)[is_old]
        version = out["division_version"].astype("str").to_numpy(dtype=object, copy=True)
        version[is_old] = _NEW
        out["commune_code"] = pd.Series(commune, index=out.index).astype(
            frame["commune_code"].dtype
        )
        out["division_version"] = pd.Series(version, index=out.index).astype(
            frame["division_version"].dtype
        )
        frames[name] = out
    frames["units"] = _recode_units(data.units, cw, units)
    return data.replace(**frames, validation_summary=None)


def _old_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows of the 2008 division (a row without a version is taken as of the data's own)."""
    version = _text(frame["division_version"])
    return version.eq(_OLD).fillna(False).astype(bool)


def _recode_units(
    old_units: pd.DataFrame, cw: Crosswalk, new_units: pd.DataFrame | None
) -> pd.DataFrame:
    """The units table in the 2025 division: 2025 rows kept, 2008 communes merged."""
    from chitieu.schemas import column_specs

    specs = column_specs("units")
    level = old_units["level"].astype("str")
    is_old = _old_rows(old_units).to_numpy(dtype=bool)
    kept = old_units.loc[~is_old]
    communes = old_units.loc[is_old & level.eq("COMMUNE").fillna(False).to_numpy(dtype=bool)]
    communes = communes.assign(_old=_text(communes["unit_code"]))
    communes = communes.dropna(subset=["_old"]).drop_duplicates("_old")
    pairs = cw.table.loc[:, ["old_commune_code", "new_commune_code"]]
    merged = pairs.merge(communes, left_on="old_commune_code", right_on="_old", how="left")
    new = cw.new_communes().set_index("unit_code")
    rows: list[dict[str, Any]] = []
    for code, group in merged.groupby("new_commune_code", sort=True):
        row: dict[str, Any] = {
            "unit_code": code,
            "division_version": _NEW,
            "level": "COMMUNE",
            "name": _first_text(new.at[code, "name"])
            or " + ".join(sorted({str(v) for v in group["name"].dropna()}))
            or None,
            "province_code": _first_text(new.at[code, "province_code"]),
        }
        known = group.loc[group["_old"].notna()]
        for fact in _ADDITIVE_FACTS:
            if fact in known:
                values = known[fact]
                row[fact] = values.sum(min_count=1) if values.notna().all() else None
        for fact in _AGREEING_FACTS:
            if fact in known:
                values = known[fact]
                uniq = values.dropna().unique()
                row[fact] = uniq[0] if len(uniq) == 1 and values.notna().all() else None
        for start, end in (("records_from", "records_to"),):
            if start in known and known[start].notna().all() and len(known):
                row[start] = known[start].max()
            if end in known and known[end].notna().all() and len(known):
                row[end] = known[end].min()
        rows.append(row)
    built = pd.DataFrame.from_records(rows)
    provinces = sorted({p for p in built.get("province_code", pd.Series(dtype="str")).dropna()})
    province_rows = pd.DataFrame(
        {
            "unit_code": provinces,
            "division_version": _NEW,
            "level": "PROVINCE",
            "name": provinces,
        }
    )
    built = pd.concat([built, province_rows], ignore_index=True)
    if new_units is not None:
        given = new_units.loc[_text(new_units["division_version"]).eq(_NEW).fillna(False)]
        key = ["unit_code", "level"]
        given = given.assign(unit_code=_text(given["unit_code"])).drop_duplicates(key)
        built = given.set_index(key).combine_first(built.set_index(key)).reset_index()
    out: dict[str, pd.Series] = {}
    for column, spec in specs.items():
        if column in built:
            values = built[column]
            if spec.kind == "date":
                out[column] = pd.to_datetime(values).astype("datetime64[us]")
            elif str(spec.dtype) == "boolean":
                out[column] = values.astype("object").where(values.notna(), None).astype("boolean")
            else:
                out[column] = values.astype(pd.api.types.pandas_dtype(spec.dtype))
        else:
            out[column] = pd.Series(pd.NA, index=built.index).astype(
                pd.api.types.pandas_dtype(spec.dtype)
            )
    recoded = pd.DataFrame(out)
    kept = kept.loc[:, [c for c in specs if c in kept.columns]]
    if len(kept):
        new_keys = set(zip(recoded["unit_code"], recoded["level"], strict=True))
        repeat = [
            (str(u), str(lv)) in new_keys
            for u, lv in zip(kept["unit_code"], kept["level"], strict=True)
        ]
        kept = kept.loc[~np.array(repeat, dtype=bool)]
        recoded = pd.concat([kept, recoded], ignore_index=True)
    return recoded.reset_index(drop=True)


def _first_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def recode_report(
    report: Any,
    crosswalk: Crosswalk | pd.DataFrame | str | Path,
    *,
    units: pd.DataFrame | None = None,
) -> Any:
    """A commune-level report recoded from the 2008 division to the 2025 one, by its counts.

    The numerators and denominators of the old communes are summed into their
    new communes, cell by cell, and every value is computed again from the
    sums (never averaged). An old commune split with shares adds ``share x``
    its counts to each part: those cells are **estimates** (they assume the
    children and events were spread like the shares), flagged ``estimated``
    and named in a note. ``units_missing`` is summed without shares (a commune
    that did not report is missing from every part). Rows of the 2025 division
    and of unknown units are kept as they are. The new communes' provinces
    (for roll-up) come from the crosswalk's ``new_province_code`` or from
    *units*, the 2025 units table.

    Raises
    ------
    CrosswalkError
        ``crosswalk-needs-commune-report`` for a report above commune level,
        ``crosswalk-suppressed-report`` for a suppressed one,
        ``crosswalk-missing-commune`` and ``crosswalk-split-without-share`` as
        for :func:`recode_submission`.
    """
    from dataclasses import replace

    from chitieu.report.model import Report
    from chitieu.report.table import _breakdown_rank, _finish_table, _order
    from chitieu.units import UNKNOWN_UNIT, hierarchy, unit_names

    if not isinstance(report, Report):
        raise TypeError(f"report must be a chitieu Report, found {type(report).__name__}")
    if report.level != "commune":
        raise CrosswalkError(
            f"a {report.level} report cannot be recoded: the crosswalk is by commune; recode the "
            "commune report, then roll it up",
            code="crosswalk-needs-commune-report",
        )
    if report.table["flags"].str.contains("suppressed", regex=False).any():
        raise CrosswalkError(
            "a suppressed report cannot be recoded (hidden counts would be left out of the "
            "sums); recode the original report, then suppress",
            code="crosswalk-suppressed-report",
        )
    cw = _as_crosswalk(crosswalk)
    table = report.table
    dims = list(report.dimensions)
    old = table["division_version"].astype("str").eq(_OLD) & table["unit_code"].ne(UNKNOWN_UNIT)
    old_mask = old.fillna(False).to_numpy(dtype=bool)
    used = set(table.loc[old_mask, "unit_code"].astype("str").unique())
    _refuse_missing(used - set(cw.table["old_commune_code"]), "the report")
    _refuse_split_without_share(cw, used)
    keys = cell_keys(dims)
    work = table.loc[:, keys].copy()
    for column in ("numerator", "denominator"):
        work[column] = table[column].to_numpy(dtype=np.float64)
    work["units_missing"] = (
        table["units_missing"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    )
    moved = work.loc[old_mask].merge(
        cw.table.loc[:, ["old_commune_code", "new_commune_code", "share"]],
        left_on="unit_code",
        right_on="old_commune_code",
        how="inner",
    )
    share = moved["share"].to_numpy(dtype=np.float64)
    moved["numerator"] = moved["numerator"].to_numpy() * share
    moved["denominator"] = moved["denominator"].to_numpy() * share
    moved["_estimated"] = share < 1.0
    moved["unit_code"] = moved["new_commune_code"].astype("str")
    moved["division_version"] = _NEW
    moved = moved.drop(columns=["old_commune_code", "new_commune_code", "share"])
    stay = work.loc[~old_mask].assign(_estimated=False)
    both = pd.concat([stay, moved], ignore_index=True)
    for dim in dims:
        both[dim] = both[dim].astype("str")
    both["_estimated"] = both["_estimated"].astype(np.float64)
    summed = (
        both.groupby(keys, sort=False, dropna=False)[
            ["numerator", "denominator", "units_missing", "_estimated"]
        ]
        .sum(min_count=1)
        .reset_index()
    )
    summed["_estimated"] = summed["_estimated"].fillna(0).to_numpy() > 0
    metas = report._metas()
    summed["_rank"] = _breakdown_rank(summed, metas)
    order = _order(summed, list(report.indicators["id"]), [p.label for p in report.periods])
    summed = summed.iloc[order].reset_index(drop=True)
    estimated = summed["_estimated"].to_numpy(dtype=bool)
    finished = _finish_table(summed, "commune", dims, metas, report.small_count, mixed=False)
    if estimated.any():
        flags = finished["flags"].to_numpy(dtype=object, copy=True)
        flags[estimated] = [f"{f},estimated" if f else "estimated" for f in flags[estimated]]
        finished["flags"] = pd.Series(flags, index=finished.index, dtype="str")
    new_units = _recode_units(_units_frame(report), cw, units)
    hierarchies = dict(report.hierarchies)
    hierarchies[_NEW] = (
        pd.concat([hierarchies[_NEW], hierarchy(new_units, _NEW)], ignore_index=True)
        .drop_duplicates(subset=["commune"], keep="first")
        .sort_values("commune", kind="stable")
        .reset_index(drop=True)
        if _NEW in hierarchies
        else hierarchy(new_units, _NEW)
    )
    names = unit_names(new_units, [_NEW])
    kept_names = report.units.loc[report.units["division_version"].astype("str").ne(_OLD)]
    units = pd.concat([kept_names, names], ignore_index=True).drop_duplicates(
        subset=["level", "unit_code", "division_version"], keep="first"
    )
    notes = [
        f"recoded from the {_OLD} division to the {_NEW} division with a crosswalk of "
        f"{cw.table['old_commune_code'].nunique():,} old communes: counts summed into the new "
        "communes, values computed again from the sums"
    ]
    split_used = sorted(used & set(cw.splits()))
    if split_used:
        n_est = int(finished.loc[estimated, "unit_code"].nunique())
        notes.append(
            f"ESTIMATE: {len(split_used):,} old commune{'s were' if len(split_used) != 1 else ' was'} "
            f"split by share ({_names(split_used)}); the figures of {n_est:,} new "
            f"commune{'s' if n_est != 1 else ''} are estimates (flag estimated), assuming the "
            "children and events were spread like the shares"
        )
    return replace(
        report,
        table=finished,
        units=units.reset_index(drop=True),
        hierarchies=hierarchies,
        notes=(*report.notes, *notes),
        basis=_recoded_basis(report.basis, cw),
    )


def _recoded_basis(basis: Mapping[str, Any], cw: Crosswalk) -> dict[str, Any]:
    """What the report rests on, with its communes in the new division.

    A new commune is without records when every old commune that went into it
    was; the old list is kept under ``recoded``.
    """
    out = dict(basis)
    communes = basis.get("communes")
    recoded: dict[str, Any] = {
        "from": _OLD,
        "to": _NEW,
        "old_communes": int(cw.table["old_commune_code"].nunique()),
        "splits": cw.splits(),
    }
    if isinstance(communes, Mapping) and "without_records" in communes:
        old_without = {str(c) for c in communes.get("without_records", [])}
        recoded["old_without_records"] = sorted(old_without)
        parts = cw.table.groupby("new_commune_code", sort=True)["old_commune_code"]
        new_without = [str(new) for new, olds in parts if set(map(str, olds)) <= old_without]
        out["communes"] = {
            **dict(communes),
            "in_units_table": int(cw.table["new_commune_code"].nunique()),
            "without_records": new_without,
        }
    out["recoded"] = recoded
    return out


def _units_frame(report: Any) -> pd.DataFrame:
    """A units table (commune rows of 2008, with names) rebuilt from a report's unit names
    and hierarchy, for :func:`_recode_units`."""
    from chitieu.schemas import column_specs

    names = report.units
    old_names = names.loc[
        names["division_version"].astype("str").eq(_OLD) & names["level"].eq("commune")
    ]
    frame = pd.DataFrame(
        {
            "unit_code": old_names["unit_code"].astype("str").to_numpy(),
            "division_version": _OLD,
            "level": "COMMUNE",
            "name": old_names["name"].astype("str").to_numpy(),
        }
    )
    for column, spec in column_specs("units").items():
        if column not in frame:
            frame[column] = pd.Series(pd.NA, index=frame.index).astype(
                pd.api.types.pandas_dtype(spec.dtype)
            )
    return frame
