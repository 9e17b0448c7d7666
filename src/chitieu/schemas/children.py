"""The child register and its long tables (circumstances, supports, consultations).

One row per child in ``children``; the facts that change over time live in long
tables keyed by ``child_id``, so every fact has exactly one home:

- ``circumstances``: one row per spell of a special-circumstance group (Law on
  Children Art. 10, Decree 56/2017 sub-groups); a child may be in several.
- ``supports``: one row per support or care given to a child in special
  circumstances.
- ``consultations``: one row per time a child was asked for their views.
- ``services``: one row per child-level service a child received (early-childhood
  care, community services for a child with disabilities, integration skills,
  an intervention against child labour), the services a commune's plan sets
  targets on. It is a table of its own, not a column of ``supports``: supports
  are the circular's care of children in special circumstances (indicator
  0302), services reach any child (every child up to 8), and an absent services
  table must read as "no data", never as "no service given".
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from chitieu.schemas._base import field

__all__ = [
    "ChildSchema",
    "CircumstanceSchema",
    "ConsultationSchema",
    "ServiceSchema",
    "SupportSchema",
]

Date = pa.DateTime


class ChildSchema(pa.DataFrameModel):
    """The child register: one row per child known to the commune."""

    child_id: Series[str] = field(
        "Mã trẻ em", en="Child ID", aliases=("ma tre", "ma so tre em", "ma dinh danh tre em", "id"),
        example="C000123",
    )  # not unique: a child who moved has one row per spell (validation: overlapping-spells)
    commune_code: Series[str] = field(
        "Mã xã", en="Commune code", aliases=("ma xa phuong", "ma don vi", "ma xa noi cu tru"),
        example="07774",
    )
    division_version: Series[str] = field(
        "Phiên bản danh mục", en="Division version", aliases=("phien ban", "danh muc hanh chinh"),
        codelist="division_version", example="2008",
    )
    birth_date: Series[Date] = field(
        "Ngày sinh", en="Birth date", aliases=("ngay thang nam sinh", "dob"), example="2015-03-02",
    )
    sex: Series[str] = field("Giới tính", en="Sex", aliases=("gioi",), codelist="sex", example="F")
    ethnicity: Series[str] = field(
        "Dân tộc", en="Ethnicity", aliases=("ma dan toc",), codelist="ethnicity", example="01",
    )
    entry_date: Series[Date] = field(
        "Ngày vào sổ", en="Entry date", aliases=("ngay dang ky", "ngay nhap"),
        nullable=True, required=False, example="2015-03-20",
    )
    exit_date: Series[Date] = field(
        "Ngày ra khỏi sổ", en="Exit date", aliases=("ngay ra so", "ngay xoa so"),
        nullable=True, required=False,
    )
    exit_reason: Series[str] = field(
        "Lý do ra khỏi sổ", en="Exit reason", aliases=("ly do",), codelist="exit_reason",
        nullable=True, required=False,
    )
    disability: Series[str] = field(
        "Khuyết tật", en="Disability", aliases=("tinh trang khuyet tat", "muc do khuyet tat"),
        codelist="disability", nullable=True, required=False, example="NONE",
    )
    birth_registered: Series[pa.BOOL] = field(
        "Đã đăng ký khai sinh", en="Birth registered", aliases=("khai sinh", "dang ky khai sinh"),
        nullable=True, required=False, example=True,
    )
    at_risk_from: Series[Date] = field(
        "Ngày xác định có nguy cơ", en="At risk from",
        aliases=("nguy co tu ngay", "co nguy co roi vao hcdb tu ngay"),
        nullable=True, required=False,
    )
    at_risk_to: Series[Date] = field(
        "Ngày hết nguy cơ", en="At risk until", aliases=("nguy co den ngay",),
        nullable=True, required=False,
    )
    at_risk_reason: Series[str] = field(
        "Nguy cơ", en="At risk of", aliases=("loai nguy co", "nguy co roi vao"),
        codelist="risk_reason", nullable=True, required=False, example="CHILD_LABOUR",
    )

    class Config:
        name = "children"
        title = "Sổ theo dõi trẻ em / Child register"
        strict = False
        ordered = False


class CircumstanceSchema(pa.DataFrameModel):
    """Spells of special circumstances: one row per child, group and start date."""

    child_id: Series[str] = field("Mã trẻ em", en="Child ID", aliases=("ma tre",))
    group: Series[str] = field(
        "Nhóm hoàn cảnh đặc biệt", en="Special-circumstance group",
        aliases=("nhom hcdb", "nhom", "ma nhom"), codelist="special_circumstance_group",
        example="HCDB_D",
    )
    subgroup: Series[str] = field(
        "Nhóm nhỏ", en="Sub-group", aliases=("phan nhom", "nhom chi tiet"),
        codelist="special_circumstance_subgroup", nullable=True, required=False, example="HCDB_D2",
    )
    start_date: Series[Date] = field(
        "Ngày xác định", en="Identified on", aliases=("tu ngay", "ngay bat dau"), example="2021-05-04",
    )
    end_date: Series[Date] = field(
        "Ngày kết thúc", en="Ended on", aliases=("den ngay",), nullable=True, required=False,
    )

    class Config:
        name = "circumstances"
        title = "Trẻ em có hoàn cảnh đặc biệt / Special circumstances"
        strict = False
        ordered = False


class SupportSchema(pa.DataFrameModel):
    """Support or care given to a child in special circumstances: one row per act."""

    child_id: Series[str] = field("Mã trẻ em", en="Child ID", aliases=("ma tre",))
    support_date: Series[Date] = field(
        "Ngày hỗ trợ", en="Support date", aliases=("ngay tro giup", "ngay cham soc"),
        example="2024-06-01",
    )
    support_type: Series[str] = field(
        "Hình thức hỗ trợ", en="Support type", aliases=("hinh thuc tro giup", "loai ho tro"),
        codelist="support_type", example="ALLOWANCE",
    )

    class Config:
        name = "supports"
        title = "Trợ giúp, chăm sóc trẻ em / Supports"
        strict = False
        ordered = False


class ConsultationSchema(pa.DataFrameModel):
    """Each time a child was asked for their views on matters concerning children."""

    child_id: Series[str] = field("Mã trẻ em", en="Child ID", aliases=("ma tre",))
    consultation_date: Series[Date] = field(
        "Ngày lấy ý kiến", en="Consultation date", aliases=("ngay hoi y kien",), example="2024-05-30",
    )
    form: Series[str] = field(
        "Hình thức lấy ý kiến", en="Form", aliases=("hinh thuc",), codelist="consultation_form",
        example="FORUM",
    )

    class Config:
        name = "consultations"
        title = "Lấy ý kiến trẻ em / Consultations"
        strict = False
        ordered = False


class ServiceSchema(pa.DataFrameModel):
    """A child-level service a child received: one row per child, day and service."""

    child_id: Series[str] = field("Mã trẻ em", en="Child ID", aliases=("ma tre",))
    service_date: Series[Date] = field(
        "Ngày cung cấp dịch vụ", en="Service date", aliases=("ngay dich vu", "ngay cung cap"),
        example="2024-04-10",
    )
    service: Series[str] = field(
        "Dịch vụ", en="Service", aliases=("loai dich vu", "dich vu cung cap"),
        codelist="child_service", example="ECD",
    )

    class Config:
        name = "services"
        title = "Dịch vụ cho trẻ em / Child services"
        strict = False
        ordered = False
