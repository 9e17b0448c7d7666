"""Record schemas: the single source of truth for tables, columns, types and codes.

``TABLES`` maps each table name of a submission to its :class:`TableSpec`. Every
other part of chitieu (reading, validation, synthetic data, exported Table
Schema files, docs) derives column names, types, code lists and Vietnamese
headers from here.

Examples
--------
>>> from chitieu.schemas import TABLES, column_specs
>>> list(TABLES)[:3]
['children', 'circumstances', 'supports']
>>> spec = column_specs("children")["birth_date"]
>>> spec.vi, spec.kind
('Ngày sinh', 'date')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import pandas as pd
import pandera.pandas as pa

from chitieu.schemas._base import MULTI_SEPARATOR, split_multi
from chitieu.schemas.activities import ActivitySchema
from chitieu.schemas.children import (
    ChildSchema,
    CircumstanceSchema,
    ConsultationSchema,
    ServiceSchema,
    SupportSchema,
)
from chitieu.schemas.events import (
    AbuseCaseSchema,
    AbuseVictimSchema,
    InjurySchema,
    SanctionSchema,
)
from chitieu.schemas.units import UnitSchema

__all__ = [
    "MULTI_SEPARATOR",
    "SOURCE_FILE",
    "SOURCE_ROW",
    "TABLES",
    "AbuseCaseSchema",
    "AbuseVictimSchema",
    "ActivitySchema",
    "ChildSchema",
    "CircumstanceSchema",
    "ColumnSpec",
    "ConsultationSchema",
    "InjurySchema",
    "SanctionSchema",
    "ServiceSchema",
    "SupportSchema",
    "TableSpec",
    "UnitSchema",
    "column_specs",
    "empty_frame",
    "split_multi",
]

#: Columns that every read frame carries: where each row came from.
SOURCE_FILE = "_source_file"
#: The row number the user sees in Excel or a text editor (header row included).
SOURCE_ROW = "_source_row"

Kind = Literal["string", "date", "boolean", "integer"]

_PANDAS_DTYPE: dict[str, str] = {
    "string": "str",
    "date": "datetime64[us]",
    "boolean": "boolean",
    "integer": "Int64",
}


@dataclass(frozen=True)
class TableSpec:
    """A table of a submission: its name, model, key and accepted file names."""

    name: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    vi: str
    en: str
    file_aliases: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a table with chitieu's metadata."""

    table: str
    name: str
    kind: Kind
    vi: str
    en: str
    aliases: tuple[str, ...]
    codelist: str | None
    multi: bool
    nullable: bool
    required: bool
    unique: bool
    example: object

    @property
    def dtype(self) -> str:
        """The pandas dtype of the column in a canonical frame."""
        return _PANDAS_DTYPE[self.kind]


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("children", ChildSchema, ("child_id",), "Trẻ em", "Children",
                  ("tre em", "danh sach tre em", "so theo doi tre em", "children"), True),
        TableSpec("circumstances", CircumstanceSchema, ("child_id", "group", "start_date"),
                  "Trẻ em có hoàn cảnh đặc biệt", "Special circumstances",
                  ("hoan canh dac biet", "tre em co hoan canh dac biet", "hcdb", "circumstances"),
                  False),
        TableSpec("supports", SupportSchema, ("child_id", "support_date", "support_type"),
                  "Trợ giúp, chăm sóc", "Supports",
                  ("tro giup", "ho tro", "cham soc", "supports"), False),
        TableSpec("consultations", ConsultationSchema, ("child_id", "consultation_date", "form"),
                  "Lấy ý kiến trẻ em", "Consultations",
                  ("lay y kien", "lay y kien tre em", "tham gia", "consultations"), False),
        TableSpec("services", ServiceSchema, ("child_id", "service_date", "service"),
                  "Dịch vụ cho trẻ em", "Child services",
                  ("dich vu", "dich vu tre em", "dich vu cho tre em", "services", "child services"),
                  False),
        TableSpec("injuries", InjurySchema, ("injury_id",), "Tai nạn, thương tích", "Injuries",
                  ("tai nan thuong tich", "tntt", "tai nan", "injuries"), False),
        TableSpec("abuse_cases", AbuseCaseSchema, ("case_id",), "Vụ việc xâm hại", "Abuse cases",
                  ("vu viec xam hai", "xam hai", "vu xam hai", "abuse cases", "cases"), False),
        TableSpec("abuse_victims", AbuseVictimSchema, ("case_id", "child_id"),
                  "Trẻ em bị xâm hại", "Abuse victims",
                  ("tre em bi xam hai", "nan nhan", "abuse victims", "victims"), False),
        TableSpec("sanctions", SanctionSchema, ("decision_id",), "Xử phạt vi phạm hành chính",
                  "Sanctions", ("xu phat", "xu ly vi pham hanh chinh", "xu phat vi pham hanh chinh",
                                "sanctions"), False),
        TableSpec("activities", ActivitySchema, ("activity_id",), "Hoạt động của xã", "Activities",
                  ("hoat dong", "hoat dong cua xa", "hoat dong tre em", "activities"), False),
        TableSpec("units", UnitSchema, ("unit_code", "division_version"), "Đơn vị hành chính",
                  "Units", ("don vi hanh chinh", "don vi", "dvhc", "units"), True),
    )
}


def _kind(dtype: object) -> Kind:
    text = str(dtype).lower()
    if "datetime" in text:
        return "date"
    if "bool" in text:
        return "boolean"
    if "int" in text:
        return "integer"
    return "string"


@cache
def column_specs(table: str) -> dict[str, ColumnSpec]:
    """The columns of *table*, in order, keyed by canonical name."""
    schema = TABLES[table].model.to_schema()
    out: dict[str, ColumnSpec] = {}
    for name, column in schema.columns.items():
        meta = column.metadata or {}
        out[name] = ColumnSpec(
            table=table,
            name=name,
            kind=_kind(column.dtype),
            vi=meta.get("vi", name),
            en=meta.get("en", name),
            aliases=tuple(meta.get("aliases", ())),
            codelist=meta.get("codelist"),
            multi=bool(meta.get("multi", False)),
            nullable=bool(column.nullable),
            required=bool(meta.get("required", True)),
            unique=bool(column.unique),
            example=meta.get("example"),
        )
    return out


def empty_frame(table: str) -> pd.DataFrame:
    """An empty canonical frame of *table*, with every column at its dtype."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=spec.dtype) for name, spec in column_specs(table).items()}
    )
