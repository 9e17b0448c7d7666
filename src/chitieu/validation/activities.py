"""Checks of the activities and services tables (what the commune does).

Single-table checks (codes, numbers, dates, ids) come from the schemas like
those of every table; this module adds what needs two columns or two tables:

- ``participants-exceed-group`` (warning): an activity counts more
  participants than its target group has;
- ``policy-consultation-incomplete`` (warning): a consultation of a policy
  without its ``policy_id`` or without ``children_consulted``;
- ``unknown-commune-code`` (error): an activity's commune is not a commune of
  the units table;
- ``unknown-child`` (error): a service names a child who is not on the register;
- ``event-before-birth`` and ``event-after-age-16`` (errors): a service
  dated before the child's birth, or on or after the 16th birthday.

Examples
--------
>>> import chitieu
>>> from chitieu.indicators.activities import example_submission
>>> report = chitieu.validate(example_submission())
>>> sorted({p["code"] for p in report if p["table"] == "activities"})
['participants-exceed-group']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from chitieu._fast import isin, join_keys

if TYPE_CHECKING:  # pragma: no cover
    from chitieu.validation.checks import _Run

__all__ = ["check_activities"]

_POLICY_CONSULTATION = "POLICY_CONSULTATION"


def check_activities(run: _Run, structure_ok: Mapping[str, bool]) -> None:
    """Flag the problems of the module docstring on *run* (tables whose structure is sound)."""
    if structure_ok.get("activities", False):
        _activities(run, units_ok=structure_ok.get("units", False))
    if structure_ok.get("services", False) and structure_ok.get("children", False):
        _services(run)


def _activities(run: _Run, *, units_ok: bool) -> None:
    f = run.sub.activities
    if f.empty:
        return
    table = "activities"
    ok = run.ok_cells(table, "participants") & run.ok_cells(table, "group_size")
    over = (f["participants"] > f["group_size"]).fillna(False).to_numpy(dtype=bool) & ok
    run.flag("participants-exceed-group", table, "participants", over, f["participants"],
             detail=f["group_size"])  # fmt: skip
    policy = f["activity_type"].eq(_POLICY_CONSULTATION).fillna(False).to_numpy(dtype=bool)
    for column, en, vi in (
        ("policy_id", "the row counts as a policy of its own",
         "dòng này được tính là một chính sách riêng"),
        ("children_consulted", "counted as not consulted", "được tính là chưa tham vấn trẻ em"),
    ):  # fmt: skip
        if (table, column) in run.missing_columns:
            continue
        missing = policy & f[column].isna().to_numpy() & run.ok_cells(table, column)
        run.flag("policy-consultation-incomplete", table, column, missing, f["activity_type"],
                 detail=en, detail_vi=vi)  # fmt: skip
    units = run.sub.units
    if not units_ok or units.empty or (table, "commune_code") in run.missing_columns:
        return
    communes = units.loc[units["level"] == "COMMUNE", ["unit_code", "division_version"]]
    known = join_keys(communes["unit_code"], communes["division_version"])
    keys = join_keys(f["commune_code"], f["division_version"])
    ok_version = run.ok_cells(table, "division_version") & f["division_version"].notna().to_numpy()
    mask = ~isin(keys, known) & ok_version & f["commune_code"].notna().to_numpy()
    run.flag("unknown-commune-code", table, "commune_code", mask, f["commune_code"],
             detail=f["division_version"])  # fmt: skip


def _services(run: _Run) -> None:
    f = run.sub.services
    children = run.sub.children
    if f.empty or children.empty:
        return
    if ("services", "child_id") in run.missing_columns:
        return
    if ("children", "child_id") in run.missing_columns:
        return
    from chitieu.validation.checks import _add_years

    # the ids coded once with the register's (no lookup of texts)
    ids = run.ids
    child = f["child_id"]
    mask = child.notna().to_numpy() & ~ids.known("services")
    run.flag("unknown-child", "services", "child_id", mask, child, detail="", detail_vi="")
    if ("children", "birth_date") in run.missing_columns:
        return
    # the birth date of each registered id: that of its first register row
    birth_of_id = ids.first_values(run._valid_date("children", "birth_date").to_numpy())
    birth = ids.at("services", birth_of_id, f.index)
    day = run._valid_date("services", "service_date")
    before = (day < birth).fillna(False).to_numpy(dtype=bool)
    run.flag("event-before-birth", "services", "service_date", before, day, detail=birth)
    sixteen = _add_years(birth, 16)
    after = (day >= sixteen).fillna(False).to_numpy(dtype=bool) & ~before
    run.flag("event-after-age-16", "services", "service_date", after, day, detail=sixteen,
             detail_prefix="(", detail_suffix=")")  # fmt: skip
