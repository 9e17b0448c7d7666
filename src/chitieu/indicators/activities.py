"""Family ``activities``: what the commune does, and the child-level services it gives.

These are the commune's own measures, the targets of its yearly child-affairs
plan (the 2024 plan of Thắng town, section II), not indicators of Circular
13/2021: they have no official code, ``source`` ``"commune-plan"`` and
existence ``supplementary``.

**Shares over activities** (``activities`` table). Participants of several
sessions are not distinct people: the same officials come to every training.
So a share over activities counts, for each commune and target group, the
**largest participant count of one qualifying activity dated in the period,
capped by the group size**, over the **largest group size declared** on
those activities. The largest session is a lower bound of the distinct
people reached; a sum of sessions would count people twice. A commune with
no qualifying activity, or none with a group size, has no denominator: its
value is missing, never 0 (record the activity with 0 participants and the
group size to show 0%). Above a commune, numerators and denominators add up.

**Policies consulted**: the policies (``policy_id``; a row without one is a
policy of its own) of the consultations of policies dated in the period, per
commune; a policy counts as consulted when one of its rows says children were
consulted. A district policy consulted in two communes counts in each.

**Child-level services** (``services`` table): stock indicators. The
denominator is the children in the stock at the reference date who belong to
the group (aged 0-8; with a disability; in or at risk of child labour), the
numerator those of them with a service of the right type dated in the period.

**New HIV infections**: children whose first spell of group ``HCDB_DD``
(child living with HIV/AIDS) begins in the period. A spell is the date the
commune learnt of the infection; a child with an earlier ``HCDB_DD`` spell is
not new.

Examples
--------
>>> from chitieu import compute
>>> sub = example_submission()
>>> r = compute("officials_trained_percent", sub, period="2024", by=("commune",))
>>> r[["unit_code", "numerator", "denominator", "value"]].round(2).values.tolist()
[['00001', 20.0, 20.0, 100.0], ['00002', 10.0, 12.0, 83.33]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from chitieu.indicators.common import active_on, axes_for, cube, in_stock_with
from chitieu.indicators.kernel import Rows, to_frame
from chitieu.indicators.registry import indicator
from chitieu.indicators.stock import commune_index
from chitieu.schemas import split_multi

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.indicators.context import Context
    from chitieu.submission import Submission

__all__ = [
    "CHILD_LABOUR_GROUPS",
    "CHILD_LABOUR_SUBGROUPS",
    "DISABILITY_LEVELS",
    "ECD_MAX_AGE",
    "SOURCE",
    "caregivers_ecd_informed_percent",
    "child_labour_supported_percent",
    "disabled_children_integration_percent",
    "disabled_children_services_percent",
    "ecd_services_reached_percent",
    "example_submission",
    "families_informed_percent",
    "new_hiv_infections_children",
    "officials_trained_percent",
    "parents_child_labour_informed_percent",
    "parents_disabled_children_supported_percent",
    "policies_consulted_percent",
]

#: The ``source`` of every indicator of this family: a commune's plan, not the circular.
SOURCE = "commune-plan"
#: Children "up to 8" (đến 8 tuổi): aged 0 to 8 in completed years at the reference date.
ECD_MAX_AGE = 8
#: Degrees of disability (register column ``disability``) that make a child with a disability.
DISABILITY_LEVELS = ("ESPECIALLY_SEVERE", "SEVERE", "MILD")
#: Special-circumstance groups of children in child labour (dropped out to earn a living).
CHILD_LABOUR_GROUPS = ("HCDB_H",)
#: Sub-groups of children in child labour (exploited: forced into unlawful labour).
CHILD_LABOUR_SUBGROUPS = ("BLOT_LAO_DONG",)
_HIV_GROUP = "HCDB_DD"
_POLICY_CONSULTATION = "POLICY_CONSULTATION"

_PLAN = "Kế hoạch công tác trẻ em của xã (Thắng town 2024, section II)"
_SHARE_RULE = (
    "Participants of several sessions are not distinct people: per commune and target group, "
    "the numerator is the largest participant count of one qualifying activity dated in the "
    "period, capped by the group size; the denominator is the largest group size declared on "
    "those activities. No qualifying activity with a group size: no denominator (value missing). "
    "A commune's own measure, not an indicator of the circular."
)
_CHILD_DIMS = ("commune", "sex", "age_group", "ethnicity", "urban_rural")


# -- shares over activities -------------------------------------------------------------
def _activity_share(
    ctx: Context,
    by: tuple[str, ...],
    *,
    target_groups: Sequence[str],
    topics: Sequence[str] = (),
    types: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Largest session (capped by the group size) over the group size, per commune and group."""
    acts = ctx.data.activities
    keep = ctx.period.contains(acts["activity_date"])
    keep &= acts["target_group"].isin(list(target_groups)).fillna(False).to_numpy(dtype=bool)
    if types is None:
        keep &= ~acts["activity_type"].eq(_POLICY_CONSULTATION).fillna(False).to_numpy(dtype=bool)
    else:
        keep &= acts["activity_type"].isin(list(types)).fillna(False).to_numpy(dtype=bool)
    if topics:
        wanted = set(topics)
        keep &= acts["topic"].map(lambda cell: bool(wanted & set(split_multi(cell)))).to_numpy(bool)
    rows = acts.loc[keep]
    axis = ctx.commune_axis
    commune = commune_index(rows["commune_code"], rows["division_version"], axis.categories)
    frame = pd.DataFrame(
        {
            "commune": commune,
            "group": rows["target_group"].to_numpy(dtype=object),
            "participants": rows["participants"].astype("Float64").fillna(0.0).to_numpy(float),
            "size": rows["group_size"].astype("Float64").to_numpy(float, na_value=np.nan),
        }
    )
    best = frame.groupby(["commune", "group"], sort=True).agg(
        participants=("participants", "max"), size=("size", "max")
    )
    size = best["size"].fillna(0.0).to_numpy(float)
    reached = np.minimum(best["participants"].to_numpy(float), size)
    at = best.index.get_level_values("commune").to_numpy(dtype=np.int64)
    num = np.zeros(axis.size, dtype=np.float64)
    den = np.zeros(axis.size, dtype=np.float64)
    np.add.at(num, at, reached)
    np.add.at(den, at, size)
    if "commune" in by:
        return to_frame([axis], num, den)
    return to_frame([], np.asarray(num.sum()), np.asarray(den.sum()))


_SHARE_DIMS = ("commune",)


@indicator(
    "officials_trained_percent",
    kind="percent",
    dimensions=_SHARE_DIMS,
    period_convention="events",
    requires=("activities",),
    name_vi="Tỷ lệ cán bộ làm công tác trẻ em được nâng cao năng lực về bảo vệ trẻ em",
    name_en="Percentage of child-affairs officials trained in child protection",
    numerator_vi="Số cán bộ làm công tác trẻ em được tập huấn về bảo vệ trẻ em, quyền trẻ em "
    "trong kỳ (lượt tham gia lớn nhất của một lớp, không quá tổng số cán bộ)",
    numerator_en="Child-affairs officials trained in child protection or child rights in the "
    "period (the largest attendance of one training, capped by the number of officials)",
    denominator_vi="Tổng số cán bộ làm công tác trẻ em của xã",
    denominator_en="Child-affairs officials of the commune",
    source=SOURCE,
    evidence=(_PLAN + ", 3.1: 100%",),
    notes="Activities of type TRAINING for target group OFFICIALS with topic CHILD_PROTECTION. "
    + _SHARE_RULE,
)
def officials_trained_percent(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ cán bộ làm công tác trẻ em được nâng cao năng lực về bảo vệ trẻ em.

    Examples
    --------
    Commune 00001 trained 18 then all 20 of its 20 officials: 20; commune
    00002 trained 10 of 12 (its training of 2023 is outside the period).

    >>> from chitieu import compute
    >>> r = compute("officials_trained_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[30.0, 32.0, 93.75]]
    """
    return _activity_share(
        ctx, by, target_groups=("OFFICIALS",), topics=("CHILD_PROTECTION",), types=("TRAINING",)
    )


@indicator(
    "families_informed_percent",
    kind="percent",
    dimensions=_SHARE_DIMS,
    period_convention="events",
    requires=("activities",),
    name_vi="Tỷ lệ gia đình có trẻ em được cung cấp kiến thức, kỹ năng về bảo vệ trẻ em",
    name_en="Percentage of families with children given child-protection knowledge and skills",
    numerator_vi="Số gia đình có trẻ em được cung cấp kiến thức, kỹ năng bảo vệ trẻ em trong kỳ "
    "(lượt lớn nhất của một hoạt động, không quá tổng số gia đình)",
    numerator_en="Families with children reached with child-protection knowledge in the period "
    "(the largest attendance of one activity, capped by the number of families)",
    denominator_vi="Tổng số gia đình có trẻ em của xã",
    denominator_en="Families with children in the commune",
    source=SOURCE,
    evidence=(_PLAN + ", 3.1: 85% or more",),
    notes="Activities of any type but a consultation of a policy, for target group FAMILIES, "
    "with topic CHILD_PROTECTION. " + _SHARE_RULE,
)
def families_informed_percent(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ gia đình có trẻ em được cung cấp kiến thức, kỹ năng về bảo vệ trẻ em.

    Examples
    --------
    Commune 00001 reached 300 then 350 of its 400 families on child protection;
    a home visit on injuries (390 families) is another topic.

    >>> from chitieu import compute
    >>> r = compute("families_informed_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[350.0, 400.0, 87.5]]
    """
    return _activity_share(ctx, by, target_groups=("FAMILIES",), topics=("CHILD_PROTECTION",))


@indicator(
    "caregivers_ecd_informed_percent",
    kind="percent",
    dimensions=_SHARE_DIMS,
    period_convention="events",
    requires=("activities",),
    name_vi="Tỷ lệ cha mẹ, người chăm sóc trẻ em được cung cấp kiến thức, kỹ năng chăm sóc phát "
    "triển toàn diện trẻ em",
    name_en="Percentage of parents and caregivers given early-childhood development knowledge",
    numerator_vi="Số cha mẹ, người chăm sóc trẻ em những năm đầu đời được cung cấp kiến thức, "
    "kỹ năng chăm sóc phát triển toàn diện trong kỳ",
    numerator_en="Parents and caregivers of young children reached with early-childhood "
    "development knowledge in the period",
    denominator_vi="Tổng số cha mẹ, người chăm sóc trẻ em những năm đầu đời",
    denominator_en="Parents and caregivers of young children",
    source=SOURCE,
    evidence=(_PLAN + ", 7.1: over 75%",),
    notes="Activities of any type but a consultation of a policy, for target group "
    "CAREGIVERS_YOUNG, with topic EARLY_CHILDHOOD. " + _SHARE_RULE,
)
def caregivers_ecd_informed_percent(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ cha mẹ, người chăm sóc được cung cấp kiến thức chăm sóc phát triển toàn diện trẻ em.

    Examples
    --------
    Commune 00002 reached 60 of its 80 caregivers of young children.

    >>> from chitieu import compute
    >>> r = compute("caregivers_ecd_informed_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[60.0, 80.0, 75.0]]
    """
    return _activity_share(
        ctx, by, target_groups=("CAREGIVERS_YOUNG",), topics=("EARLY_CHILDHOOD",)
    )


@indicator(
    "parents_disabled_children_supported_percent",
    kind="percent",
    dimensions=_SHARE_DIMS,
    period_convention="events",
    requires=("activities",),
    name_vi="Tỷ lệ cha mẹ, người chăm sóc trẻ em khuyết tật được cung cấp kiến thức, kỹ năng hỗ "
    "trợ trẻ em khuyết tật",
    name_en="Percentage of parents and caregivers of children with disabilities given "
    "knowledge and skills to support them",
    numerator_vi="Số cha mẹ, người chăm sóc trẻ em khuyết tật được cung cấp kiến thức, kỹ năng "
    "trong kỳ",
    numerator_en="Parents and caregivers of children with disabilities reached in the period",
    denominator_vi="Tổng số cha mẹ, người chăm sóc trẻ em khuyết tật",
    denominator_en="Parents and caregivers of children with disabilities",
    source=SOURCE,
    evidence=(_PLAN + ", 8.1: 70%",),
    notes="Activities of any type but a consultation of a policy, for target group "
    "PARENTS_DISABLED, with topic DISABILITY. " + _SHARE_RULE,
)
def parents_disabled_children_supported_percent(
    ctx: Context, *, by: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Tỷ lệ cha mẹ, người chăm sóc trẻ em khuyết tật được hỗ trợ kiến thức, kỹ năng.

    Examples
    --------
    A conference counted 5 parents of a group of 4 (a warning in validation):
    the numerator is capped at 4.

    >>> from chitieu import compute
    >>> sub = example_submission()
    >>> r = compute("parents_disabled_children_supported_percent", sub, period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[4.0, 4.0, 100.0]]
    """
    return _activity_share(ctx, by, target_groups=("PARENTS_DISABLED",), topics=("DISABILITY",))


@indicator(
    "parents_child_labour_informed_percent",
    kind="percent",
    dimensions=_SHARE_DIMS,
    period_convention="events",
    requires=("activities",),
    name_vi="Tỷ lệ cha mẹ, người chăm sóc trẻ em được cung cấp thông tin, kiến thức về phòng "
    "ngừa, giảm thiểu lao động trẻ em",
    name_en="Percentage of parents and caregivers informed about preventing child labour",
    numerator_vi="Số cha mẹ, người chăm sóc trẻ em được cung cấp thông tin về phòng ngừa lao "
    "động trẻ em trong kỳ",
    numerator_en="Parents and caregivers informed about child labour in the period",
    denominator_vi="Tổng số cha mẹ, người chăm sóc trẻ em",
    denominator_en="Parents and caregivers of children",
    source=SOURCE,
    evidence=(_PLAN + ", 10.1: 75%",),
    notes="Activities of any type but a consultation of a policy, for target group PARENTS, "
    "with topic CHILD_LABOUR. " + _SHARE_RULE,
)
def parents_child_labour_informed_percent(
    ctx: Context, *, by: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Tỷ lệ cha mẹ, người chăm sóc trẻ em được cung cấp thông tin về lao động trẻ em.

    Examples
    --------
    Commune 00001 informed 150 of 200 parents; a second session of 80 without a
    group size adds nobody (the largest session counts).

    >>> from chitieu import compute
    >>> r = compute("parents_child_labour_informed_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[150.0, 200.0, 75.0]]
    """
    return _activity_share(ctx, by, target_groups=("PARENTS",), topics=("CHILD_LABOUR",))


@indicator(
    "policies_consulted_percent",
    kind="percent",
    dimensions=_SHARE_DIMS,
    period_convention="events",
    requires=("activities",),
    name_vi="Tỷ lệ chính sách, pháp luật về trẻ em có tham vấn ý kiến của trẻ em",
    name_en="Percentage of policies on children consulted with children",
    numerator_vi="Số chính sách, pháp luật về trẻ em được tham vấn trong kỳ có lấy ý kiến trẻ em",
    numerator_en="Policies on children consulted in the period on which children gave views",
    denominator_vi="Số chính sách, pháp luật về trẻ em được tham vấn trong kỳ",
    denominator_en="Policies on children consulted in the period",
    source=SOURCE,
    evidence=(_PLAN + ", 9.1: 100% of district-level policies",),
    notes="Activities of type POLICY_CONSULTATION dated in the period; per commune, distinct "
    "policy_id (a row without one is a policy of its own); a policy is consulted with children "
    "when one of its rows has children_consulted true. A district policy consulted in two "
    "communes counts in each. A commune's own measure, not an indicator of the circular.",
)
def policies_consulted_percent(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Tỷ lệ chính sách, pháp luật về trẻ em cấp huyện có tham vấn ý kiến trẻ em.

    Examples
    --------
    Commune 00001 consulted children on plan KH-53/2024; commune 00002 on
    QĐ-7/2024 (one of its two rows) but not on KH-53/2024.

    >>> from chitieu import compute
    >>> r = compute("policies_consulted_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].round(2).values.tolist()
    [[2.0, 3.0, 66.67]]
    """
    acts = ctx.data.activities
    keep = ctx.period.contains(acts["activity_date"]) & acts["activity_type"].eq(
        _POLICY_CONSULTATION
    ).fillna(False).to_numpy(dtype=bool)
    rows = acts.loc[keep]
    axis = ctx.commune_axis
    commune = commune_index(rows["commune_code"], rows["division_version"], axis.categories)
    policy = (
        rows["policy_id"]
        .astype("object")
        .where(rows["policy_id"].notna(), "\x00" + rows["activity_id"].astype("object").astype(str))
    )
    consulted = rows["children_consulted"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {"commune": commune, "policy": policy.to_numpy(dtype=object), "consulted": consulted}
    )
    per_policy = frame.groupby(["commune", "policy"], sort=True)["consulted"].any()
    at = per_policy.index.get_level_values("commune").to_numpy(dtype=np.int64)
    num = np.zeros(axis.size, dtype=np.float64)
    den = np.zeros(axis.size, dtype=np.float64)
    np.add.at(num, at, per_policy.to_numpy(dtype=float))
    np.add.at(den, at, 1.0)
    if "commune" in by:
        return to_frame([axis], num, den)
    return to_frame([], np.asarray(num.sum()), np.asarray(den.sum()))


# -- child-level services ---------------------------------------------------------------
def _served(ctx: Context, service: str) -> np.ndarray:
    """Stock units with a service *service* dated in the period (a mask over the stock)."""

    def build() -> np.ndarray:
        services = ctx.data.services
        chosen = ctx.period.contains(services["service_date"]) & services["service"].eq(
            service
        ).fillna(False).to_numpy(dtype=bool)
        unit = in_stock_with(ctx, "services")[chosen]
        out = np.zeros(len(ctx.register.stock_index), dtype=bool)
        out[unit[unit >= 0]] = True
        return out

    result: np.ndarray = ctx.memo(("served", service), build)
    return result


def _with_disability(ctx: Context) -> np.ndarray:
    """Stock children with a disability: in the register, or in group HCDB_D at the reference date."""

    def build() -> np.ndarray:
        reg = ctx.register
        idx = reg.stock_index
        out = np.zeros(len(idx), dtype=bool)
        if "disability" in reg.frame:
            level = reg.frame["disability"].iloc[idx]
            out |= level.isin(list(DISABILITY_LEVELS)).fillna(False).to_numpy(dtype=bool)
        circ = ctx.data.circumstances
        ref = np.datetime64(ctx.period.reference_date, "D")
        unit = in_stock_with(ctx, "circumstances")
        active = active_on(circ["start_date"], circ.get("end_date", None), ref) & (unit >= 0)
        active &= circ["group"].eq("HCDB_D").fillna(False).to_numpy(dtype=bool)
        out[unit[active]] = True
        return out

    result: np.ndarray = ctx.memo("with_disability", build)
    return result


def _child_share(
    ctx: Context,
    by: tuple[str, ...],
    age_bands: Sequence[int] | None,
    eligible: np.ndarray,
    service: str,
) -> pd.DataFrame:
    stock = ctx.register.stock(age_bands)
    base = stock.where(eligible)
    flag = _served(ctx, service)[eligible]
    axes = axes_for(ctx, by, age_bands=age_bands)
    return cube(axes, base, base, numerator_mask=flag)


@indicator(
    "ecd_services_reached_percent",
    kind="percent",
    dimensions=_CHILD_DIMS,
    period_convention="stock",
    requires=("children", "services"),
    name_vi="Tỷ lệ trẻ em đến 8 tuổi được tiếp cận dịch vụ hỗ trợ chăm sóc phát triển toàn diện",
    name_en="Percentage of children aged 0-8 reached by early-childhood development services",
    numerator_vi="Số trẻ em từ 0 đến 8 tuổi có dịch vụ chăm sóc phát triển toàn diện (ECD) trong kỳ",
    numerator_en="Children aged 0-8 with an early-childhood development service (ECD) in the "
    "period",
    denominator_vi="Số trẻ em từ 0 đến 8 tuổi tại thời điểm thống kê",
    denominator_en="Children aged 0-8 at the reference date",
    source=SOURCE,
    evidence=(_PLAN + ", 7.1: 80%",),
    notes="Denominator: children in the stock aged 0 to 8 in completed years at the reference "
    "date. Numerator: those of them with a service ECD dated in the period. A commune's own "
    "measure, not an indicator of the circular.",
)
def ecd_services_reached_percent(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Tỷ lệ trẻ em đến 8 tuổi được tiếp cận dịch vụ chăm sóc phát triển toàn diện.

    Examples
    --------
    Aged 0-8: C1 (8), C2 (4), C4 (2), C8 (0). C1, C2 and C8 had an ECD
    service in 2024; C4's is dated 2023.

    >>> from chitieu import compute
    >>> r = compute("ecd_services_reached_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[3.0, 4.0, 75.0]]
    """
    reg = ctx.register
    eligible = reg.age[reg.stock_index] <= ECD_MAX_AGE
    return _child_share(ctx, by, age_bands, np.asarray(eligible, dtype=bool), "ECD")


_DISABILITY_NOTE = (
    "Denominator: children in the stock with a disability at the reference date (register "
    "disability especially severe, severe or mild, or a spell of group HCDB_D). Numerator: "
    "those of them with a service {service} dated in the period. A commune's own measure, not "
    "an indicator of the circular."
)


@indicator(
    "disabled_children_services_percent",
    kind="percent",
    dimensions=_CHILD_DIMS,
    period_convention="stock",
    requires=("children", "circumstances", "services"),
    name_vi="Tỷ lệ trẻ em khuyết tật được tiếp cận dịch vụ bảo vệ, chăm sóc, giáo dục tại cộng "
    "đồng",
    name_en="Percentage of children with disabilities reached by community protection, care "
    "and education services",
    numerator_vi="Số trẻ em khuyết tật có dịch vụ bảo vệ, chăm sóc, giáo dục tại cộng đồng trong kỳ",
    numerator_en="Children with disabilities with a community service in the period",
    denominator_vi="Số trẻ em khuyết tật tại thời điểm thống kê",
    denominator_en="Children with disabilities at the reference date",
    source=SOURCE,
    evidence=(_PLAN + ", 8.1: 85%",),
    notes=_DISABILITY_NOTE.format(service="DISABILITY_COMMUNITY"),
)
def disabled_children_services_percent(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Tỷ lệ trẻ em khuyết tật được tiếp cận dịch vụ bảo vệ, chăm sóc, giáo dục tại cộng đồng.

    Examples
    --------
    With a disability: C1 (group D) and C5 (mild, in the register). Both had a
    community service in 2024.

    >>> from chitieu import compute
    >>> r = compute("disabled_children_services_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[2.0, 2.0, 100.0]]
    """
    return _child_share(ctx, by, age_bands, _with_disability(ctx), "DISABILITY_COMMUNITY")


@indicator(
    "disabled_children_integration_percent",
    kind="percent",
    dimensions=_CHILD_DIMS,
    period_convention="stock",
    requires=("children", "circumstances", "services"),
    name_vi="Tỷ lệ trẻ em khuyết tật được cung cấp kiến thức, kỹ năng hòa nhập cộng đồng",
    name_en="Percentage of children with disabilities given community-integration skills",
    numerator_vi="Số trẻ em khuyết tật được cung cấp kiến thức, kỹ năng hòa nhập cộng đồng trong kỳ",
    numerator_en="Children with disabilities given integration skills in the period",
    denominator_vi="Số trẻ em khuyết tật tại thời điểm thống kê",
    denominator_en="Children with disabilities at the reference date",
    source=SOURCE,
    evidence=(_PLAN + ", 8.1: 60%",),
    notes=_DISABILITY_NOTE.format(service="INTEGRATION_SKILLS"),
)
def disabled_children_integration_percent(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Tỷ lệ trẻ em khuyết tật được cung cấp kiến thức, kỹ năng hòa nhập cộng đồng.

    Examples
    --------
    C1 was given integration skills in 2024, C5 not.

    >>> from chitieu import compute
    >>> r = compute("disabled_children_integration_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[1.0, 2.0, 50.0]]
    """
    return _child_share(ctx, by, age_bands, _with_disability(ctx), "INTEGRATION_SKILLS")


@indicator(
    "child_labour_supported_percent",
    kind="percent",
    dimensions=_CHILD_DIMS,
    period_convention="stock",
    requires=("children", "circumstances", "services"),
    name_vi="Tỷ lệ trẻ em có nguy cơ, lao động trẻ em được hỗ trợ, can thiệp",
    name_en="Percentage of children at risk of or in child labour who were supported",
    numerator_vi="Số trẻ em có nguy cơ hoặc là lao động trẻ em được hỗ trợ, can thiệp trong kỳ",
    numerator_en="Children at risk of or in child labour with a support or intervention against "
    "child labour in the period",
    denominator_vi="Số trẻ em có nguy cơ hoặc là lao động trẻ em tại thời điểm thống kê",
    denominator_en="Children at risk of or in child labour at the reference date",
    source=SOURCE,
    evidence=(_PLAN + ", 10.1: 100%",),
    notes="Denominator: children in the stock at the reference date in child labour (a spell of "
    "group HCDB_H, dropped out to earn a living, or of sub-group BLOT_LAO_DONG, forced into "
    "unlawful labour) or at risk of it (at risk at the reference date with at_risk_reason "
    "CHILD_LABOUR). Numerator: those of them with a service CHILD_LABOUR_INTERVENTION dated in "
    "the period. A commune's own measure, not an indicator of the circular.",
)
def child_labour_supported_percent(
    ctx: Context, *, by: tuple[str, ...] = (), age_bands: Sequence[int] | None = None
) -> pd.DataFrame:
    """Tỷ lệ trẻ em có nguy cơ, lao động trẻ em được hỗ trợ, can thiệp kịp thời.

    Examples
    --------
    C3 was forced into unlawful labour (spell from April 2024) and supported;
    C5 is at risk of child labour since June 2024 and was not.

    >>> from chitieu import compute
    >>> r = compute("child_labour_supported_percent", example_submission(), period="2024")
    >>> r[["numerator", "denominator", "value"]].values.tolist()
    [[1.0, 2.0, 50.0]]
    """

    def build() -> np.ndarray:
        reg = ctx.register
        idx = reg.stock_index
        ref = np.datetime64(ctx.period.reference_date, "D")
        out = np.zeros(len(idx), dtype=bool)
        frame = reg.frame
        if "at_risk_from" in frame and "at_risk_reason" in frame:
            end = frame["at_risk_to"].to_numpy()[idx] if "at_risk_to" in frame else None
            risk = active_on(frame["at_risk_from"].to_numpy()[idx], end, ref)
            labour = frame["at_risk_reason"].eq("CHILD_LABOUR").fillna(False).to_numpy(dtype=bool)
            out |= risk & labour[idx]
        circ = ctx.data.circumstances
        unit = in_stock_with(ctx, "circumstances")
        labour = np.array(circ["group"].isin(list(CHILD_LABOUR_GROUPS)).fillna(False), dtype=bool)
        if "subgroup" in circ:
            labour |= (
                circ["subgroup"].isin(list(CHILD_LABOUR_SUBGROUPS)).fillna(False).to_numpy(bool)
            )
        active = active_on(circ["start_date"], circ.get("end_date", None), ref) & labour
        active &= unit >= 0
        out[unit[active]] = True
        return out

    eligible: np.ndarray = ctx.memo("child_labour", build)
    return _child_share(ctx, by, age_bands, eligible, "CHILD_LABOUR_INTERVENTION")


@indicator(
    "new_hiv_infections_children",
    kind="count",
    dimensions=("commune", "sex"),
    period_convention="events",
    requires=("children", "circumstances"),
    name_vi="Số trẻ em nhiễm HIV mới phát hiện trong kỳ",
    unit_vi="trẻ em",
    unit_en="children",
    name_en="Children newly identified as living with HIV in the period",
    numerator_vi="Số trẻ em có lần đầu thuộc nhóm trẻ em nhiễm HIV/AIDS (HCDB_DD) trong kỳ",
    numerator_en="Children whose first spell of group HCDB_DD (living with HIV/AIDS) begins in "
    "the period",
    source=SOURCE,
    evidence=(_PLAN + ", 6.1: no new HIV infection among children",),
    notes="A count of distinct children of the register whose first special-circumstance spell "
    "of group HCDB_DD begins inside the period (a child with an earlier HCDB_DD spell is not "
    "new); commune and sex of the child's register row at the reference date. The plan's "
    "target is 0. A commune's own measure, not an indicator of the circular.",
)
def new_hiv_infections_children(ctx: Context, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Số trẻ em nhiễm HIV mới trong kỳ.

    Examples
    --------
    C4 is in group HCDB_DD from July 2024 (new); C2 since 2021 (not new).

    >>> from chitieu import compute
    >>> compute("new_hiv_infections_children", example_submission(), period="2024")[
    ...     "numerator"].tolist()
    [1]
    """
    reg = ctx.register
    circ = ctx.data.circumstances
    pos = reg.table_positions("circumstances")
    hiv = circ["group"].eq(_HIV_GROUP).fillna(False).to_numpy(dtype=bool) & (pos >= 0)
    start = pd.Series(circ["start_date"].to_numpy()[hiv])
    child = pos[hiv] if reg.child is None else reg.child[pos[hiv]]
    first = start.groupby(child).min()
    new_children = first.index.to_numpy(dtype=np.int64)[ctx.period.contains(first)]
    rows = Rows(
        len(new_children),
        {name: reg.codes[name][new_children] for name in ("commune", "sex")},
    )
    axes = axes_for(ctx, by)
    return cube(axes, rows, None)


# -- the worked example ------------------------------------------------------------------
def example_submission() -> Submission:
    """:func:`~chitieu.indicators.examples.tiny_submission` with activities and services.

    Every figure of this family can be checked by hand on it (see each
    indicator's example). Stock at 31 Dec 2024: C1 (8, group D), C2 (4),
    C3 (14), C4 (2), C5 (12, mild disability), C8 (0).

    >>> sub = example_submission()
    >>> len(sub.activities), len(sub.services)
    (16, 8)
    """
    from chitieu.indicators.examples import make_frame, tiny_submission

    sub = tiny_submission()

    def act(
        aid: str,
        commune: str,
        day: str,
        kind: str,
        group: str,
        topic: str,
        participants: int,
        size: int | None = None,
        **kw: object,
    ) -> dict[str, object]:
        row: dict[str, object] = {
            "activity_id": aid, "commune_code": commune, "division_version": "2008",
            "activity_date": day, "activity_type": kind, "target_group": group,
            "topic": topic, "participants": participants, "group_size": size,
        }  # fmt: skip
        row.update(kw)
        return row

    cp, pol = "CHILD_PROTECTION", "POLICY_CONSULTATION"
    activities = make_frame(
        "activities",
        [
            act("T1", "00001", "2024-03-15", "TRAINING", "OFFICIALS", cp, 18, 20),
            act(
                "T2",
                "00001",
                "2024-09-10",
                "TRAINING",
                "OFFICIALS",
                cp + ";INJURY_PREVENTION",
                20,
                20,
            ),
            act("T3", "00002", "2024-05-05", "TRAINING", "OFFICIALS", cp, 10, 12),
            act("T4", "00002", "2023-11-01", "TRAINING", "OFFICIALS", cp, 12, 12),
            act("F1", "00001", "2024-04-20", "COMMUNICATION", "FAMILIES", cp, 300, 400),
            act("F2", "00001", "2024-06-01", "CONFERENCE", "FAMILIES", cp, 350, 400),
            act(
                "F3", "00001", "2024-07-01", "HOME_VISIT", "FAMILIES", "INJURY_PREVENTION", 390, 400
            ),
            act(
                "E1",
                "00002",
                "2024-08-08",
                "COMMUNICATION",
                "CAREGIVERS_YOUNG",
                "EARLY_CHILDHOOD",
                60,
                80,
            ),
            act("D1", "00002", "2024-10-10", "CONFERENCE", "PARENTS_DISABLED", "DISABILITY", 5, 4),
            act("L1", "00001", "2024-05-20", "COMMUNICATION", "PARENTS", "CHILD_LABOUR", 150, 200),
            act("L2", "00001", "2024-11-20", "MOBILE_COMMUNICATION", "PARENTS", "CHILD_LABOUR", 80),
            act(
                "K1",
                "00001",
                "2024-04-02",
                pol,
                "POLICIES",
                "PARTICIPATION",
                30,
                policy_id="KH-53/2024",
                children_consulted=True,
            ),
            act(
                "K2",
                "00002",
                "2024-04-03",
                pol,
                "POLICIES",
                "PARTICIPATION",
                0,
                policy_id="KH-53/2024",
                children_consulted=False,
            ),
            act(
                "K3",
                "00002",
                "2024-09-03",
                pol,
                "POLICIES",
                "PARTICIPATION",
                25,
                policy_id="QĐ-7/2024",
                children_consulted=True,
            ),
            act(
                "K4",
                "00002",
                "2024-09-20",
                pol,
                "POLICIES",
                "PARTICIPATION",
                0,
                policy_id="QĐ-7/2024",
                children_consulted=False,
            ),
            act("C1", "00002", "2024-06-01", "CHILDREN_FORUM", "CHILDREN", "PARTICIPATION", 40),
        ],
    )
    services = make_frame(
        "services",
        [
            {"child_id": "C1", "service_date": "2024-02-02", "service": "ECD"},
            {"child_id": "C2", "service_date": "2024-04-10", "service": "ECD"},
            {"child_id": "C8", "service_date": "2024-10-01", "service": "ECD"},
            {"child_id": "C4", "service_date": "2023-06-01", "service": "ECD"},
            {"child_id": "C1", "service_date": "2024-03-01", "service": "DISABILITY_COMMUNITY"},
            {"child_id": "C5", "service_date": "2024-07-01", "service": "DISABILITY_COMMUNITY"},
            {"child_id": "C1", "service_date": "2024-08-01", "service": "INTEGRATION_SKILLS"},
            {
                "child_id": "C3",
                "service_date": "2024-04-05",
                "service": "CHILD_LABOUR_INTERVENTION",
            },
        ],
    )
    extra = make_frame(
        "circumstances",
        [
            {"child_id": "C3", "group": "HCDB_K", "subgroup": "BLOT_LAO_DONG",
             "start_date": "2024-04-01"},
            {"child_id": "C4", "group": "HCDB_DD", "start_date": "2024-07-01"},
            {"child_id": "C2", "group": "HCDB_DD", "start_date": "2021-01-01"},
        ],
    )  # fmt: skip
    children = sub.children.copy()
    c5 = (children["child_id"] == "C5").to_numpy()
    children.loc[c5, "at_risk_from"] = pd.Timestamp("2024-06-01")
    children.loc[c5, "at_risk_to"] = pd.NaT
    children.loc[c5, "at_risk_reason"] = "CHILD_LABOUR"
    return sub.replace(
        children=children,
        circumstances=pd.concat([sub.circumstances, extra], ignore_index=True),
        activities=activities,
        services=services,
        source="chitieu.indicators.activities.example_submission",
    )
