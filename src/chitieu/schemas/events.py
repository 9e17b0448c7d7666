"""Event tables: injuries, abuse cases and their victims, sanctions.

An event names its child by ``child_id``. A child who is not on this commune's
register (a visitor, a child from elsewhere) is marked ``registered_here =
false``; the event row then carries the child's sex and birth date itself.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from chitieu.schemas._base import field

__all__ = ["AbuseCaseSchema", "AbuseVictimSchema", "InjurySchema", "SanctionSchema"]

Date = pa.DateTime


class InjurySchema(pa.DataFrameModel):
    """One row per injury event (MOLISA child injury form)."""

    injury_id: Series[str] = field(
        "Mã vụ tai nạn", en="Injury ID", aliases=("ma tai nan", "ma tntt", "ma vu"),
        unique=True, example="I0001",
    )
    child_id: Series[str] = field(
        "Mã trẻ em", en="Child ID", aliases=("ma tre",), example="C000123",
    )
    registered_here: Series[pa.BOOL] = field(
        "Có trong sổ của xã", en="Registered here", aliases=("co trong so", "dang ky tai xa"),
        nullable=True, required=False, example=True,
    )
    injury_date: Series[Date] = field(
        "Ngày bị tai nạn", en="Injury date", aliases=("ngay tai nan", "ngay xay ra"),
        example="2024-07-14",
    )
    commune_code: Series[str] = field(
        "Mã xã xảy ra", en="Commune code", aliases=("ma xa", "ma xa noi xay ra"), example="07774",
    )
    division_version: Series[str] = field(
        "Phiên bản danh mục", en="Division version", aliases=("phien ban",),
        codelist="division_version", example="2008",
    )
    injury_type: Series[str] = field(
        "Loại tai nạn", en="Injury type", aliases=("loai tai nan thuong tich", "loai tntt"),
        codelist="injury_type", example="08",
    )
    place: Series[str] = field(
        "Nơi xảy ra", en="Place", aliases=("dia diem",), codelist="injury_place", example="HOME",
    )
    outcome: Series[str] = field(
        "Hậu quả", en="Outcome", aliases=("ket qua", "tinh trang"), codelist="injury_outcome",
        example="INJURED",
    )
    sex: Series[str] = field(
        "Giới tính", en="Sex", codelist="sex", nullable=True, required=False,
    )
    birth_date: Series[Date] = field(
        "Ngày sinh", en="Birth date", nullable=True, required=False,
    )

    class Config:
        name = "injuries"
        title = "Tai nạn, thương tích trẻ em / Injuries"
        strict = False
        ordered = False


class AbuseCaseSchema(pa.DataFrameModel):
    """One row per case of child abuse detected or received."""

    case_id: Series[str] = field(
        "Mã vụ việc", en="Case ID", aliases=("ma vu xam hai", "ma vu"), unique=True, example="A001",
    )
    detected_date: Series[Date] = field(
        "Ngày phát hiện", en="Detected on", aliases=("ngay tiep nhan",), example="2024-03-11",
    )
    commune_code: Series[str] = field("Mã xã", en="Commune code", example="07774")
    division_version: Series[str] = field(
        "Phiên bản danh mục", en="Division version", aliases=("phien ban",),
        codelist="division_version", example="2008",
    )
    setting: Series[str] = field(
        "Môi trường xâm hại", en="Setting", aliases=("moi truong",), codelist="abuse_setting",
        nullable=True, example="FAMILY",
    )
    perpetrator_relationship: Series[str] = field(
        "Quan hệ với trẻ", en="Perpetrator relationship",
        aliases=("quan he voi nan nhan", "doi tuong xam hai"), codelist="perpetrator_relationship",
        nullable=True, required=False, example="ACQUAINTANCE",
    )
    handling: Series[str] = field(
        "Hình thức xử lý", en="Handling", aliases=("xu ly",), codelist="case_handling",
        nullable=True, required=False, example="CRIMINAL",
    )

    class Config:
        name = "abuse_cases"
        title = "Vụ việc xâm hại trẻ em / Abuse cases"
        strict = False
        ordered = False


class AbuseVictimSchema(pa.DataFrameModel):
    """One row per child harmed in a case, with the forms of abuse suffered."""

    case_id: Series[str] = field("Mã vụ việc", en="Case ID", aliases=("ma vu",), example="A001")
    child_id: Series[str] = field(
        "Mã trẻ em", en="Child ID", aliases=("ma tre",), example="C000123",
    )
    registered_here: Series[pa.BOOL] = field(
        "Có trong sổ của xã", en="Registered here", aliases=("co trong so",),
        nullable=True, required=False, example=True,
    )
    forms: Series[str] = field(
        "Hình thức xâm hại", en="Forms of abuse", aliases=("hinh thuc",), codelist="abuse_form",
        multi=True, example="XHTD",
    )
    support_date: Series[Date] = field(
        "Ngày hỗ trợ, can thiệp", en="Supported on", aliases=("ngay can thiep", "ngay ho tro"),
        nullable=True, required=False, example="2024-03-12",
    )
    support_type: Series[str] = field(
        "Hình thức hỗ trợ, can thiệp", en="Support type", aliases=("hinh thuc ho tro",),
        codelist="support_type", nullable=True, required=False, example="PSYCHOSOCIAL",
    )
    sex: Series[str] = field("Giới tính", en="Sex", codelist="sex", nullable=True, required=False)
    birth_date: Series[Date] = field("Ngày sinh", en="Birth date", nullable=True, required=False)

    class Config:
        name = "abuse_victims"
        title = "Trẻ em bị xâm hại / Abuse victims"
        strict = False
        ordered = False


class SanctionSchema(pa.DataFrameModel):
    """One row per administrative sanction decision against one violator."""

    decision_id: Series[str] = field(
        "Số quyết định", en="Decision ID", aliases=("so qd", "ma quyet dinh"), unique=True,
        example="QD-12/2024",
    )
    decision_date: Series[Date] = field(
        "Ngày quyết định", en="Decision date", aliases=("ngay ra quyet dinh",), example="2024-04-02",
    )
    commune_code: Series[str] = field("Mã xã", en="Commune code", example="07774")
    division_version: Series[str] = field(
        "Phiên bản danh mục", en="Division version", aliases=("phien ban",),
        codelist="division_version", example="2008",
    )
    case_id: Series[str] = field(
        "Mã vụ việc", en="Case ID", aliases=("ma vu",), nullable=True, required=False, example="A001",
    )
    violator_type: Series[str] = field(
        "Đối tượng vi phạm", en="Violator type", aliases=("loai doi tuong",),
        codelist="violator_type", example="INDIVIDUAL",
    )
    violator_id: Series[str] = field(
        "Mã đối tượng", en="Violator ID", aliases=("ma nguoi vi pham",), nullable=True, required=False,
    )
    act: Series[str] = field(
        "Hành vi vi phạm", en="Violation act", aliases=("hanh vi",), codelist="abuse_form",
        nullable=True, required=False, example="BL",
    )
    fine_vnd: Series[pa.Int64] = field(
        "Số tiền phạt", en="Fine (VND)", aliases=("tien phat", "so tien phat vnd"), ge=0,
        nullable=True, required=False, example=15000000,
    )
    measures: Series[str] = field(
        "Hình thức xử phạt", en="Measures", aliases=("bien phap",), codelist="sanction_measure",
        multi=True, nullable=True, required=False, example="FINE",
    )

    class Config:
        name = "sanctions"
        title = "Xử phạt vi phạm hành chính / Sanctions"
        strict = False
        ordered = False
