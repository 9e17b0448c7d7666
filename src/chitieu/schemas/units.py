"""Administrative units and the unit-level facts some indicators need.

A unit code means something only with its division version (``2008`` until 30
June 2025, ``2025`` after). Commune rows carry their parents' codes (district
before 1 July 2025, province); district and province rows may be given too, to
carry names. Facts (villages, playground, child-friendly, births and deaths)
are for the submission's reporting period.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from chitieu.schemas._base import field

Date = pa.DateTime

__all__ = ["UnitSchema"]


class UnitSchema(pa.DataFrameModel):
    """One row per administrative unit and division version."""

    unit_code: Series[str] = field(
        "Mã đơn vị", en="Unit code", aliases=("ma xa", "ma dvhc", "ma"), example="07774",
    )
    division_version: Series[str] = field(
        "Phiên bản danh mục", en="Division version", aliases=("phien ban",),
        codelist="division_version", example="2008",
    )
    name: Series[str] = field("Tên đơn vị", en="Name", aliases=("ten", "ten xa"), example="Thị trấn Thắng")
    level: Series[str] = field(
        "Cấp", en="Level", aliases=("cap hanh chinh",), codelist="unit_level", example="COMMUNE",
    )
    district_code: Series[str] = field(
        "Mã huyện", en="District code", aliases=("ma quan huyen",), nullable=True, required=False,
        example="222",
    )
    province_code: Series[str] = field(
        "Mã tỉnh", en="Province code", aliases=("ma tinh thanh pho",), nullable=True, example="24",
    )
    urban_rural: Series[str] = field(
        "Thành thị/nông thôn", en="Urban/rural", aliases=("khu vuc",), codelist="urban_rural",
        nullable=True, required=False, example="URBAN",
    )
    villages: Series[pa.Int64] = field(
        "Số thôn, tổ dân phố", en="Villages", aliases=("so thon",), ge=0, nullable=True,
        required=False, example=16,
    )
    villages_with_facilities: Series[pa.Int64] = field(
        "Số thôn có điểm văn hóa, thể thao cho trẻ em", en="Villages with facilities for children",
        aliases=("so thon co diem vui choi",), ge=0, nullable=True, required=False, example=9,
    )
    has_playground: Series[pa.BOOL] = field(
        "Có điểm vui chơi cho trẻ em", en="Has a playground for children",
        aliases=("diem vui choi",), nullable=True, required=False, example=True,
    )
    child_friendly: Series[pa.BOOL] = field(
        "Đạt chuẩn phù hợp với trẻ em", en="Meets the child-friendly standard",
        aliases=("phu hop voi tre em",), nullable=True, required=False, example=True,
    )
    population_total: Series[pa.Int64] = field(
        "Dân số trung bình", en="Mid-year population", aliases=("dan so",), ge=0, nullable=True,
        required=False, example=19500,
    )
    live_births: Series[pa.Int64] = field(
        "Số trẻ sinh ra sống", en="Live births", aliases=("so sinh song",), ge=0, nullable=True,
        required=False, example=310,
    )
    deaths_neonatal: Series[pa.Int64] = field(
        "Số trẻ chết sơ sinh", en="Neonatal deaths (first 28 days)", aliases=("chet so sinh",),
        ge=0, nullable=True, required=False, example=2,
    )
    deaths_under1: Series[pa.Int64] = field(
        "Số trẻ dưới 1 tuổi tử vong", en="Deaths under 1", aliases=("chet duoi 1 tuoi",), ge=0,
        nullable=True, required=False, example=3,
    )
    deaths_under5: Series[pa.Int64] = field(
        "Số trẻ dưới 5 tuổi tử vong", en="Deaths under 5", aliases=("chet duoi 5 tuoi",), ge=0,
        nullable=True, required=False, example=4,
    )
    records_from: Series[Date] = field(
        "Số liệu từ ngày", en="Records cover from", aliases=("so lieu tu ngay", "tu ngay"),
        nullable=True, required=False, example="2024-01-01",
    )
    records_to: Series[Date] = field(
        "Số liệu đến ngày", en="Records cover to", aliases=("so lieu den ngay", "den ngay"),
        nullable=True, required=False, example="2024-12-31",
    )

    class Config:
        name = "units"
        title = "Đơn vị hành chính / Administrative units"
        strict = False
        ordered = False
