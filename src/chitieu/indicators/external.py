"""Family ``external``: indicators the commune records do not carry.

Nutrition, immunisation, HIV, early childhood development, child labour,
child marriage, disaster relief, schooling, psychological support and most of
the participation group come from other sectors' reporting systems. Each is
registered with the name of the extra input table it needs (its ``requires``)
and computes from it when the caller provides it::

    compute("full_immunisation_under1", sub, period="2024",
            extra={"immunisation": frame})

Layout of every extra table (one row per commune and period):

==================  =========================================================
column              content
==================  =========================================================
unit_code           commune code
division_version    ``2008`` or ``2025``
period              the period the figure is for (``2024``, ``2024-H1``, ...)
numerator           the count of the numerator
denominator         the count of the denominator (empty for a count)
==================  =========================================================

Only rows whose period is the requested one are used. A row with an empty
numerator (or, for a ratio, an empty denominator) is left out of both and
counted in ``units_missing``. Without the table, or without a row for the
period, the indicator raises :class:`~chitieu.errors.DataNotAvailableError`
naming what is missing: never zeros for data that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from chitieu.errors import DataNotAvailableError, PeriodError
from chitieu.indicators.kernel import UNKNOWN, Axis, Rows, encode, tally, to_frame
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import codelist_axis, commune_labels
from chitieu.periods import parse_period

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context

__all__ = ["EXTERNAL", "EXTRA_COLUMNS", "ExternalSpec", "external_table"]

#: Columns of an extra input table.
EXTRA_COLUMNS = ("unit_code", "division_version", "period", "numerator", "denominator")


@dataclass(frozen=True)
class ExternalSpec:
    """An indicator computed from an extra input table."""

    id: str
    spec_id: str
    table: str
    kind: str
    notes: str = ""
    overrides: tuple[tuple[str, str], ...] = ()


#: The externally sourced indicators: id, catalogue entry, extra table, kind.
EXTERNAL: tuple[ExternalSpec, ...] = (
    ExternalSpec(
        "malnutrition_under5",
        "tre_em.02xx_suy_dinh_duong",
        "nutrition",
        "percent",
        "One table per form of malnutrition the caller reports (underweight, stunting, "
        "wasting, overweight): the numerator counts the children of that form.",
    ),
    ExternalSpec("full_immunisation_under1", "tre_em.02xx_tiem_chung", "immunisation", "percent"),
    ExternalSpec("hiv_mother_to_child_transmission", "tre_em.02xx_hiv", "hiv_pmtct", "percent"),
    ExternalSpec("ecd_services_access", "tre_em.02xx_ecd", "early_childhood_services", "percent"),
    ExternalSpec(
        "child_labour",
        "tre_em.03xx_lao_dong_tre_em",
        "child_labour",
        "percent",
        "Ages 5-17, from labour-force or child-labour surveys.",
    ),
    ExternalSpec("child_marriages", "tre_em.03xx_tao_hon", "child_marriages", "count"),
    ExternalSpec("disaster_relief", "tre_em.03xx_thien_tai", "disaster_relief", "percent"),
    ExternalSpec("creche_attendance", "tre_em.0401", "creche_attendance", "percent"),
    ExternalSpec("kindergarten_attendance", "tre_em.0402", "kindergarten_attendance", "percent"),
    ExternalSpec(
        "primary_completion", "tre_em.04xx_hoan_thanh_tieu_hoc", "primary_completion", "percent"
    ),
    ExternalSpec(
        "lower_secondary_completion",
        "tre_em.04xx_hoan_thanh_thcs",
        "lower_secondary_completion",
        "percent",
    ),
    ExternalSpec(
        "development_on_track_under5",
        "tre_em.04xx_phat_trien_phu_hop",
        "early_development",
        "percent",
    ),
    ExternalSpec(
        "schools_psychological_support",
        "tre_em.04xx_ho_tro_tam_ly",
        "school_psychological_support",
        "percent",
        "The unit counted is a school, not a child.",
    ),
    ExternalSpec(
        "disability_education_access",
        "tre_em.04xx_khuyet_tat_giao_duc",
        "disability_education",
        "percent",
    ),
    ExternalSpec(
        "participation_awareness",
        "tre_em.060x_nhan_thuc_quyen_tham_gia",
        "participation_awareness",
        "percent",
    ),
    ExternalSpec(
        "participation_models_11plus",
        "tre_em.060x_mo_hinh_tham_gia",
        "participation_models",
        "percent",
    ),
    ExternalSpec(
        "participation_unidentified",
        "tre_em.060x_unknown",
        "participation_other",
        "count",
        "The circular has a fifth indicator in group 06 that could not be identified; "
        "it is kept as a count from a caller-supplied table so that the group is "
        "complete. Do not publish it without checking the circular.",
        (
            ("numerator_vi", "Số liệu do nguồn bên ngoài cung cấp (chỉ tiêu chưa xác định)"),
            ("numerator_en", "Figure supplied by an outside source (indicator not identified)"),
        ),
    ),
    ExternalSpec("online_safety_skills", "tre_em.0605", "online_safety", "percent"),
)


def _communes_axis(ctx: Context, labels: pd.Series) -> tuple[Axis, np.ndarray]:
    known = [c for c in ctx.commune_axis.categories if c != UNKNOWN]
    extra = sorted(set(labels.tolist()) - set(known) - {UNKNOWN})
    ordered = sorted({*known, *extra}, key=lambda s: (s.partition("|")[0], s.partition("|")[2]))
    axis = Axis("commune", (*ordered, UNKNOWN))
    ur_cats = codelist_axis("urban_rural", "urban_rural").categories
    urban_rural = np.full(axis.size, len(ur_cats) - 1, dtype=np.int64)
    pos = pd.Index(ctx.commune_axis.categories).get_indexer(pd.Index(list(axis.categories)))
    found = pos >= 0
    urban_rural[found] = ctx.commune_urban_rural[pos[found]]
    return axis, urban_rural


def external_table(ctx: Context, table: str, indicator_id: str) -> pd.DataFrame:
    """The rows of extra table *table* for the context's period.

    Raises
    ------
    DataNotAvailableError
        When the table, a column, or a row for the period is missing.
    """
    layout = ", ".join(EXTRA_COLUMNS)
    if table not in ctx.extra:
        raise DataNotAvailableError(
            f"indicator {indicator_id!r} needs data the records do not carry: give the table "
            f"{table!r} (columns {layout}) as extra={{{table!r}: frame}}"
        )
    frame = ctx.extra[table]
    if not isinstance(frame, pd.DataFrame):
        raise DataNotAvailableError(
            f"extra table {table!r} must be a DataFrame, found {type(frame).__name__}"
        )
    missing = [c for c in EXTRA_COLUMNS if c not in frame.columns]
    if missing:
        raise DataNotAvailableError(
            f"extra table {table!r} for indicator {indicator_id!r} lacks the columns "
            f"{', '.join(missing)} (expected {layout})"
        )
    parsed: dict[Any, Any] = {}
    bad: list[str] = []
    for value in pd.unique(frame["period"].astype("str")):
        try:
            p = parse_period(str(value))
            parsed[value] = f"{p.start}..{p.end}"
        except PeriodError:
            bad.append(str(value))
    if bad:
        raise DataNotAvailableError(
            f"extra table {table!r}: the column period holds values that are not periods: "
            f"{', '.join(sorted(bad)[:5])}"
        )
    want = f"{ctx.period.start}..{ctx.period.end}"
    match = frame["period"].astype("str").map(parsed).eq(want).to_numpy(dtype=bool)
    if not match.any():
        found = ", ".join(sorted(str(v) for v in parsed)[:10]) or "none"
        raise DataNotAvailableError(
            f"extra table {table!r} has no row for period {ctx.period.label} "
            f"(periods found: {found})"
        )
    return frame.loc[match]


def _compute(ctx: Context, spec: ExternalSpec, by: tuple[str, ...]) -> pd.DataFrame:
    frame = external_table(ctx, spec.table, spec.id)
    labels = commune_labels(frame["unit_code"], frame["division_version"])
    axis, urban_rural = _communes_axis(ctx, labels)
    commune = encode(pd.Series(labels), axis.categories)
    num = pd.to_numeric(frame["numerator"], errors="coerce").to_numpy(dtype=np.float64)
    den = pd.to_numeric(frame["denominator"], errors="coerce").to_numpy(dtype=np.float64)
    known = ~np.isnan(num) if spec.kind == "count" else ~np.isnan(num) & ~np.isnan(den)
    codes = {"commune": commune, "urban_rural": urban_rural[commune]}
    axes = [axis if d == "commune" else codelist_axis("urban_rural", "urban_rural") for d in by]
    n = tally(Rows(len(frame), codes, weights=np.where(known, num, 0.0)), axes)
    d = None
    if spec.kind != "count":
        d = tally(Rows(len(frame), codes, weights=np.where(known, den, 0.0)), axes)
    missing = tally(Rows(len(frame), codes), axes, ~known)
    out = to_frame(axes, n, d, extra={"units_missing": missing})
    out["units_missing"] = out["units_missing"].astype(np.int64)
    return out


def _make(spec: ExternalSpec) -> Any:
    def func(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
        return _compute(ctx, spec, by)

    func.__name__ = func.__qualname__ = spec.id
    func.__module__ = __name__
    func.__doc__ = f"""Computed from the extra table ``{spec.table}``.

    Examples
    --------
    Two communes report 6 of 10 and 4 of 10.

    >>> import pandas as pd
    >>> from chitieu import compute
    >>> from chitieu.indicators.examples import tiny_submission
    >>> table = pd.DataFrame({{"unit_code": ["00001", "00002"], "division_version": "2008",
    ...                       "period": "2024", "numerator": [6, 4], "denominator": [10, 10]}})
    >>> r = compute("{spec.id}", tiny_submission(), period="2024", extra={{"{spec.table}": table}})
    >>> r["value"].tolist()
    [{"50.0" if spec.kind == "percent" else "10.0"}]
    >>> compute("{spec.id}", tiny_submission(), period="2024")
    Traceback (most recent call last):
    ...
    chitieu.errors.DataNotAvailableError: indicator '{spec.id}' needs data the records do not carry: give the table '{spec.table}' (columns unit_code, division_version, period, numerator, denominator) as extra={{'{spec.table}': frame}}
    """
    return func


for _spec in EXTERNAL:
    _func = _make(_spec)
    indicator(
        _spec.id,
        spec_id=_spec.spec_id,
        kind=_spec.kind,  # type: ignore[arg-type]
        dimensions=("commune", "urban_rural"),
        period_convention="events" if _spec.kind == "count" else "stock",
        requires=(_spec.table,),
        computable_from="external",
        notes=(_spec.notes + " " if _spec.notes else "")
        + f"Needs the extra table '{_spec.table}' ({', '.join(EXTRA_COLUMNS)}).",
        **cast("dict[str, Any]", dict(_spec.overrides)),
    )(_func)
    globals()[_spec.id] = _func
    __all__.append(_spec.id)

del _spec, _func
