"""The indicator registry: metadata of every indicator, keyed by a stable id.

Each indicator is a pure function registered with :func:`indicator`, which
records its metadata in :data:`REGISTRY` (with the function, which takes a
:class:`~chitieu.compute.Context`) and returns the function as users call it:
on a submission, ``injury_rate(sub, period="2024", by=("sex",))``.
Metadata that the circular's catalogue carries (names, code, group, source,
confidence flags) comes from the catalogue entry named by ``spec_id``; the
decorator adds what only the computation knows (kind, dimensions, period
convention, the data needed).

Dimensions
----------
An indicator may be broken down by any of its ``dimensions``; the names are
the same for every indicator (see :data:`DIMENSIONS`):

``commune``
    commune of attribution; output columns ``unit_code`` and
    ``division_version``.
``sex``, ``ethnicity``, ``disability``
    the child's codes (code lists ``sex``, ``ethnicity``, ``disability``).
``age_group``
    age band in completed years (bands are an option, see
    :data:`chitieu.indicators.population.DEFAULT_AGE_BANDS`).
``urban_rural``
    of the commune of attribution, from the units table.
``group``
    special-circumstance group (multi-response).
``injury_type``, ``place``, ``outcome``
    of an injury event.
``form``
    form of abuse (multi-response); ``setting``: setting of an abuse case.
``violator_type``, ``act``, ``measure``
    of a sanction decision (``measure`` is multi-response).

A category that is missing or not in its code list becomes the code list's
own "unknown" code where it has one (sex ``U``, ethnicity ``99``, ``UNKNOWN``
for disability, place, outcome, setting) and the category ``unknown``
otherwise; it is never dropped.

Examples
--------
>>> from chitieu.indicators import get_indicator
>>> meta = get_indicator("child_population")
>>> meta.kind, meta.spec_id, meta.period_convention
('count', 'tre_em.0101', 'stock')
>>> get_indicator("child_populaton")
Traceback (most recent call last):
...
chitieu.errors.UnknownIndicatorError: no indicator 'child_populaton'; closest: child_population, ...
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

import pandas as pd

from chitieu.errors import UnknownIndicatorError
from chitieu.indicators.spec import spec_entry
from chitieu.periods import parse_period

__all__ = [
    "DIMENSIONS",
    "KINDS",
    "REGISTRY",
    "Dimension",
    "IndicatorFunc",
    "IndicatorMeta",
    "get_indicator",
    "indicator",
    "list_indicators",
]

Kind = Literal["count", "percent", "rate_per_1000", "ratio", "sum"]
KINDS: dict[str, int] = {"count": 1, "percent": 100, "rate_per_1000": 1000, "ratio": 100, "sum": 1}

IndicatorFunc = Callable[..., pd.DataFrame]
F = TypeVar("F", bound=IndicatorFunc)


@dataclass(frozen=True)
class Dimension:
    """A dimension an indicator can be broken down by."""

    name: str
    vi: str
    en: str
    codelist: str | None
    columns: tuple[str, ...]


#: Every dimension name, with labels, code list and output columns.
DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension(
            "commune", "Xã, phường, thị trấn", "Commune", None, ("unit_code", "division_version")
        ),
        Dimension("sex", "Giới tính", "Sex", "sex", ("sex",)),
        Dimension("age_group", "Nhóm tuổi", "Age group", None, ("age_group",)),
        Dimension("ethnicity", "Dân tộc", "Ethnicity", "ethnicity", ("ethnicity",)),
        Dimension(
            "urban_rural", "Thành thị/nông thôn", "Urban/rural", "urban_rural", ("urban_rural",)
        ),
        Dimension(
            "disability", "Tình trạng khuyết tật", "Disability", "disability", ("disability",)
        ),
        Dimension(
            "group",
            "Nhóm hoàn cảnh đặc biệt",
            "Special-circumstance group",
            "special_circumstance_group",
            ("group",),
        ),
        Dimension(
            "injury_type",
            "Loại tai nạn, thương tích",
            "Injury type",
            "injury_type",
            ("injury_type",),
        ),
        Dimension("place", "Nơi xảy ra", "Place", "injury_place", ("place",)),
        Dimension("outcome", "Hậu quả", "Outcome", "injury_outcome", ("outcome",)),
        Dimension("form", "Hình thức xâm hại", "Form of abuse", "abuse_form", ("form",)),
        Dimension("setting", "Môi trường xâm hại", "Setting", "abuse_setting", ("setting",)),
        Dimension(
            "violator_type",
            "Đối tượng vi phạm",
            "Violator type",
            "violator_type",
            ("violator_type",),
        ),
        Dimension("act", "Hành vi vi phạm", "Violation act", "abuse_form", ("act",)),
        Dimension(
            "measure", "Hình thức xử phạt", "Sanction measure", "sanction_measure", ("measure",)
        ),
    )
}

_UNITS: dict[str, tuple[str, str]] = {
    "count": ("người", "persons"),
    "percent": ("%", "%"),
    "rate_per_1000": ("‰ (trên 1.000)", "per 1,000"),
    "ratio": ("trên 100", "per 100"),
    "sum": ("đồng", "VND"),
}


@dataclass(frozen=True)
class IndicatorMeta:
    """Metadata of one indicator (see the module docstring for the dimensions).

    ``code`` is the circular's code only where the catalogue gives one;
    ``code_confirmed`` says whether it was seen in a source, and an inferred
    code is kept apart in ``code_guess``. ``confidence`` (high, medium, low),
    ``existence`` (confirmed, likely, possible) and ``evidence`` come from the
    catalogue; indicators that the circular does not list have ``spec_id``
    None and ``existence`` ``"supplementary"``.
    """

    id: str
    spec_id: str | None
    code: str | None
    code_guess: str | None
    code_confirmed: bool
    part: str | None
    group: str | None
    family: str
    name_vi: str
    name_en: str
    kind: Kind
    multiplier: int
    unit_vi: str
    unit_en: str
    numerator_vi: str
    numerator_en: str
    denominator_vi: str | None
    denominator_en: str | None
    dimensions: tuple[str, ...]
    multi_response: tuple[str, ...]
    period_convention: Literal["stock", "events"]
    requires: tuple[str, ...]
    computable_from: Literal["records", "units", "external"]
    confidence: str
    existence: str
    source: str
    evidence: tuple[str, ...]
    notes: str
    options: tuple[str, ...]
    func: IndicatorFunc = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Metadata as a plain dict (without the function)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "func"}

    @property
    def definition_en(self) -> str:
        """Numerator over denominator, in words."""
        if self.denominator_en is None:
            return self.numerator_en
        return f"{self.numerator_en} / {self.denominator_en} x {self.multiplier:,}"

    @property
    def definition_vi(self) -> str:
        """Tử số trên mẫu số, bằng lời."""
        if self.denominator_vi is None:
            return self.numerator_vi
        return f"{self.numerator_vi} / {self.denominator_vi} x {self.multiplier:,}"


#: All registered indicators, keyed by id.
REGISTRY: dict[str, IndicatorMeta] = {}


def _text(value: Any, lang: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        text = value.get(lang)
        return None if text is None else str(text)
    return str(value)


#: Every indicator as users call it, keyed by id (see :func:`_public`).
PUBLIC: dict[str, Callable[..., pd.DataFrame]] = {}


def _public(indicator_id: str, func: Callable[..., Any]) -> Callable[..., pd.DataFrame]:
    """The indicator as users call it: on a submission (or a context), with its options.

    ``injury_rate(sub, period="2024", by=("sex",))`` is
    ``chitieu.compute("injury_rate", sub, period="2024", by=("sex",))``;
    ``injury_rate(ctx, by=...)`` computes on a :class:`~chitieu.compute.Context`.
    The registered function itself (``get_indicator(id).func``) takes a context
    and returns the counts only.
    """

    @functools.wraps(func)
    def call(
        data: Any,
        *,
        period: Any = None,
        by: Sequence[str] = (),
        **options: Any,
    ) -> pd.DataFrame:
        from chitieu.compute import compute
        from chitieu.indicators.context import Context

        if isinstance(data, Context):
            if period is not None and data.period != parse_period(period):
                raise ValueError(
                    f"the context was built for period {data.period.label}, not {period!r}"
                )
            return data.compute(indicator_id, by=by, **options)
        if period is None:
            raise TypeError(f"{indicator_id}() needs period= (for example period='2024')")
        return compute(indicator_id, data, period=period, by=by, **options)

    call.indicator_id = indicator_id  # type: ignore[attr-defined]
    return call


def indicator(
    id: str,
    *,
    spec_id: str | None = None,
    kind: Kind,
    dimensions: tuple[str, ...] = (),
    multi_response: tuple[str, ...] = (),
    period_convention: Literal["stock", "events"],
    requires: tuple[str, ...],
    computable_from: Literal["records", "units", "external"] = "records",
    notes: str = "",
    **overrides: Any,
) -> Callable[[F], F]:
    """Register an indicator function with its metadata; return it unchanged.

    Parameters
    ----------
    id
        Stable snake_case id.
    spec_id
        Id of the entry in the circular's catalogue, or None for an indicator
        the circular does not list.
    kind, dimensions, multi_response, period_convention, requires, computable_from, notes
        See :class:`IndicatorMeta`.
    **overrides
        Any other :class:`IndicatorMeta` field (``name_vi``, ``numerator_en``,
        ``unit_vi``, ...), taking precedence over the catalogue.

    Raises
    ------
    ValueError
        When *id* is already registered, a dimension is unknown, or a
        multi-response dimension is not among the dimensions.
    """
    if id in REGISTRY:
        raise ValueError(f"indicator {id!r} is registered twice")
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(
            f"indicator {id!r}: unknown dimensions {unknown}; known: {list(DIMENSIONS)}"
        )
    if not set(multi_response) <= set(dimensions):
        raise ValueError(
            f"indicator {id!r}: multi-response dimensions must be among its dimensions"
        )
    if kind not in KINDS:
        raise ValueError(f"indicator {id!r}: kind must be one of {list(KINDS)}, found {kind!r}")
    allowed_fields = {f.name for f in fields(IndicatorMeta)}
    bad = set(overrides) - allowed_fields
    if bad:
        raise ValueError(f"indicator {id!r}: unknown metadata fields {sorted(bad)}")

    def register(func: F) -> F:
        if id in REGISTRY:
            raise ValueError(f"indicator {id!r} is registered twice")
        entry = spec_entry(spec_id) if spec_id else {}
        params = inspect.signature(func).parameters
        options = tuple(
            name
            for name, p in params.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and name != "by"
        )
        unit_vi, unit_en = _UNITS[kind]
        evidence = entry.get("evidence") or ()
        values: dict[str, Any] = {
            "id": id,
            "spec_id": spec_id,
            "code": entry.get("code"),
            "code_guess": entry.get("code_guess"),
            "code_confirmed": bool(entry.get("code_confirmed", False)),
            "part": entry.get("part"),
            "group": entry.get("group"),
            "family": func.__module__.rsplit(".", 1)[-1],
            "name_vi": entry.get("name_vi", ""),
            "name_en": entry.get("name_en", ""),
            "kind": kind,
            "multiplier": KINDS[kind],
            "unit_vi": unit_vi,
            "unit_en": unit_en,
            "numerator_vi": _text(entry.get("numerator"), "vi") or "",
            "numerator_en": _text(entry.get("numerator"), "en") or "",
            "denominator_vi": _text(entry.get("denominator"), "vi"),
            "denominator_en": _text(entry.get("denominator"), "en"),
            "dimensions": tuple(dimensions),
            "multi_response": tuple(multi_response),
            "period_convention": period_convention,
            "requires": tuple(requires),
            "computable_from": computable_from,
            "confidence": str(entry.get("confidence", "n/a")),
            "existence": str(entry.get("existence", "supplementary")),
            "source": str(entry.get("source") or ""),
            "evidence": tuple(str(e) for e in evidence),
            "notes": notes,
            "options": options,
            "func": func,
        }
        values.update(overrides)
        meta = IndicatorMeta(**values)
        missing = [
            k for k in ("name_vi", "name_en", "numerator_vi", "numerator_en") if not values[k]
        ]
        if missing:
            raise ValueError(f"indicator {id!r}: metadata {missing} empty and not in the catalogue")
        REGISTRY[id] = meta
        public = _public(id, func)
        PUBLIC[id] = public
        return public  # type: ignore[return-value]

    return register


def get_indicator(indicator_id: str) -> IndicatorMeta:
    """The metadata of *indicator_id*.

    Raises
    ------
    UnknownIndicatorError
        When the id is not registered; the message names the closest ids.
    """
    _load()
    try:
        return REGISTRY[indicator_id]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(indicator_id), list(REGISTRY), n=3, cutoff=0.5)
        hint = f"closest: {', '.join(close)}" if close else "see chitieu.list_indicators()"
        raise UnknownIndicatorError(f"no indicator {indicator_id!r}; {hint}") from None


_COLUMNS = (
    "id",
    "spec_id",
    "code",
    "code_guess",
    "code_confirmed",
    "existence",
    "confidence",
    "part",
    "group",
    "family",
    "name_vi",
    "name_en",
    "kind",
    "multiplier",
    "unit_vi",
    "unit_en",
    "numerator_vi",
    "numerator_en",
    "denominator_vi",
    "denominator_en",
    "dimensions",
    "multi_response",
    "period_convention",
    "requires",
    "computable_from",
    "options",
    "source",
    "notes",
)


def list_indicators() -> pd.DataFrame:
    """Metadata of every indicator, one row each, sorted by family and id.

    Tuples (dimensions, requires, ...) are shown as comma-separated text.

    Examples
    --------
    >>> table = list_indicators()
    >>> row = table.set_index("id").loc["abused_children"]
    >>> row["code"], bool(row["code_confirmed"]), row["confidence"]
    ('0101', True, 'high')
    """
    _load()
    rows = []
    for meta in REGISTRY.values():
        d = asdict_shallow(meta)
        rows.append({c: (", ".join(d[c]) if isinstance(d[c], tuple) else d[c]) for c in _COLUMNS})
    frame = pd.DataFrame(rows, columns=list(_COLUMNS))
    return frame.sort_values(["family", "id"], kind="stable").reset_index(drop=True)


def asdict_shallow(meta: IndicatorMeta) -> dict[str, Any]:
    """Fields of *meta* as a dict without copying nested values."""
    return {f.name: getattr(meta, f.name) for f in fields(meta)}


def _load() -> None:
    # Importing the package registers every family module.
    import chitieu.indicators  # noqa: F401
