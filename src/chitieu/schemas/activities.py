"""What the commune does: its activities (trainings, communication sessions, forums, ...).

A commune's yearly child-affairs plan sets targets on its own work as well as
on what happens to children: every child-affairs official trained, 85% of
families with children given child-protection knowledge, every district
policy on children consulted with children. One row of ``activities`` is one
activity held on one day: its type, the group it was for, its topics, how
many people took part and, for a share, how many people the group has in the
commune (officials of the commune, families with children, ...). A
consultation of a policy names the policy and says whether children were
consulted.

These are the commune's own measures, not indicators of the circular; see
:mod:`chitieu.indicators.activities` for how they are counted.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from chitieu.schemas._base import field

__all__ = ["ActivitySchema"]

Date = pa.DateTime


class ActivitySchema(pa.DataFrameModel):
    """One row per activity the commune held (one day, one target group)."""

    activity_id: Series[str] = field(
        "Mã hoạt động",
        en="Activity ID",
        aliases=("ma hd", "so hoat dong", "stt hoat dong"),
        unique=True,
        example="HD2024-001",
    )
    commune_code: Series[str] = field(
        "Mã xã",
        en="Commune code",
        aliases=("ma xa phuong", "ma don vi"),
        example="07840",
    )
    division_version: Series[str] = field(
        "Phiên bản danh mục",
        en="Division version",
        aliases=("phien ban",),
        codelist="division_version",
        example="2008",
    )
    activity_date: Series[Date] = field(
        "Ngày tổ chức",
        en="Activity date",
        aliases=("ngay hoat dong", "ngay thuc hien", "ngay"),
        example="2024-03-15",
    )
    activity_type: Series[str] = field(
        "Hình thức hoạt động",
        en="Activity type",
        aliases=("loai hoat dong", "hinh thuc"),
        codelist="activity_type",
        example="TRAINING",
    )
    target_group: Series[str] = field(
        "Đối tượng",
        en="Target group",
        aliases=("thanh phan", "doi tuong tham gia"),
        codelist="activity_target_group",
        example="OFFICIALS",
    )
    topic: Series[str] = field(
        "Nội dung",
        en="Topics",
        aliases=("chu de", "noi dung hoat dong"),
        codelist="activity_topic",
        multi=True,
        example="CHILD_PROTECTION",
    )
    participants: Series[pa.Int64] = field(
        "Số người tham gia",
        en="Participants",
        aliases=("so nguoi", "so luot tham gia"),
        ge=0,
        example=25,
    )
    group_size: Series[pa.Int64] = field(
        "Tổng số đối tượng",
        en="Target group size",
        aliases=("tong so doi tuong", "so doi tuong tren dia ban", "quy mo nhom"),
        ge=0,
        nullable=True,
        required=False,
        example=28,
    )
    policy_id: Series[str] = field(
        "Số hiệu chính sách",
        en="Policy ID",
        aliases=("so van ban", "ma chinh sach"),
        nullable=True,
        required=False,
        example="KH-53/2024",
    )
    children_consulted: Series[pa.BOOL] = field(
        "Có tham vấn trẻ em",
        en="Children consulted",
        aliases=("tham van tre em", "co lay y kien tre em"),
        nullable=True,
        required=False,
        example=True,
    )

    class Config:
        name = "activities"
        title = "Hoạt động của xã / Activities"
        strict = False
        ordered = False
