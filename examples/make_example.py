"""Regenerate the example commune submission in ``examples/thi-tran-thang-2024/``.

The example is synthetic: :func:`chitieu.synth.generate` draws the children and
their records, then the single commune is given the name and parents of Thắng
town (Hiệp Hòa district, Bắc Giang province, 2008 division). The files are
written the way a commune officer keeps them: Vietnamese file names and
headers, dates as DD/MM/YYYY, code columns as Vietnamese labels (``Nam``/``Nữ``,
``Kinh``, ``Đuối nước``), yes/no as ``Có``/``Không``, UTF-8 with a byte-order
mark so that Excel shows the diacritics.

Run from the repository root (the output is the same on every run)::

    python examples/make_example.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from chitieu import synth
from chitieu.codelists import get_codelist
from chitieu.schemas import MULTI_SEPARATOR, TABLES, column_specs
from chitieu.submission import Submission

FOLDER = Path(__file__).resolve().parent / "thi-tran-thang-2024"

#: Arguments of the generator: one commune of about 4,200 children at the end of 2024,
#: with the records of two years (2023 and 2024), so that figures can be compared.
N_CHILDREN = 5_000
SEED = 2024
YEAR = 2024
YEARS = 2

COMMUNE_CODE = "07840"  # illustrative, not the official code of the town
COMMUNE_NAME = "Thị trấn Thắng"
DISTRICT_CODE = "222"
DISTRICT_NAME = "Huyện Hiệp Hòa"
PROVINCE_CODE = "24"
PROVINCE_NAME = "Tỉnh Bắc Giang"
RESIDENTIAL_GROUPS = 16  # the town's tổ dân phố (2020)

#: File name of each table: an accepted Vietnamese file name (``TableSpec.file_aliases``).
FILE_NAMES = {
    "children": "tre_em",
    "circumstances": "hoan_canh_dac_biet",
    "supports": "tro_giup",
    "consultations": "lay_y_kien",
    "services": "dich_vu_tre_em",
    "injuries": "tai_nan_thuong_tich",
    "abuse_cases": "vu_viec_xam_hai",
    "abuse_victims": "tre_em_bi_xam_hai",
    "sanctions": "xu_phat_vi_pham_hanh_chinh",
    "activities": "hoat_dong",
    "units": "don_vi_hanh_chinh",
}
#: Code columns written as codes (people type the version and the level as codes).
KEEP_CODES = {"division_version", "unit_level"}


def build() -> Submission:
    """The example submission, as canonical frames."""
    sub = synth.generate(
        N_CHILDREN, seed=SEED, year=YEAR, n_communes=1, division_version="2008",
        province_code=PROVINCE_CODE, years=YEARS,
    )  # fmt: skip
    units = sub.units.copy()
    old_code = units.loc[units["level"] == "COMMUNE", "unit_code"].item()
    commune = units["level"] == "COMMUNE"
    district = units["level"] == "DISTRICT"
    province = units["level"] == "PROVINCE"
    units.loc[commune, ["unit_code", "name", "district_code", "urban_rural"]] = [
        COMMUNE_CODE, COMMUNE_NAME, DISTRICT_CODE, "URBAN",
    ]  # fmt: skip
    units.loc[commune, "villages"] = RESIDENTIAL_GROUPS
    units.loc[commune, "villages_with_facilities"] = units.loc[
        commune, "villages_with_facilities"
    ].clip(upper=RESIDENTIAL_GROUPS)
    units.loc[district, ["unit_code", "name"]] = [DISTRICT_CODE, DISTRICT_NAME]
    units.loc[province, "name"] = PROVINCE_NAME
    frames: dict[str, pd.DataFrame] = {"units": units}
    for table in ("children", "injuries", "abuse_cases", "sanctions", "activities"):
        frame = sub[table].copy()
        frame["commune_code"] = frame["commune_code"].replace(old_code, COMMUNE_CODE)
        frames[table] = frame
    source = f"examples/make_example.py (chitieu.synth.generate, seed={SEED})"
    return Submission(
        **{t: frames.get(t, sub[t]) for t in TABLES}, source=source, tables_present=tuple(TABLES)
    )


def _labels(series: pd.Series, codelist_name: str, multi: bool) -> pd.Series:
    labels = get_codelist(codelist_name).label_vi
    if multi:
        return series.map(
            lambda cell: "; ".join(labels[c] for c in str(cell).split(MULTI_SEPARATOR)),
            na_action="ignore",
        )
    return series.map(labels, na_action="ignore")


def as_typed(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """*table* as text cells the way people type them, with Vietnamese headers."""
    out: dict[str, pd.Series] = {}
    for name, spec in column_specs(table).items():
        column = frame[name]
        if spec.kind == "date":
            text = column.dt.strftime("%d/%m/%Y")
        elif spec.kind == "boolean":
            text = column.map({True: "Có", False: "Không"}, na_action="ignore")
        elif spec.kind == "integer":
            text = column.astype("string")
        elif spec.codelist is not None and spec.codelist not in KEEP_CODES:
            text = _labels(column, spec.codelist, spec.multi)
        else:
            text = column
        out[spec.vi] = text.astype(object).where(column.notna(), "")
    return pd.DataFrame(out)


def write(sub: Submission, folder: Path = FOLDER) -> list[Path]:
    """Write one CSV file per table to *folder*; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, stem in FILE_NAMES.items():
        path = folder / f"{stem}.csv"
        as_typed(table, sub.canonical(table)).to_csv(
            path, index=False, encoding="utf-8-sig", lineterminator="\n"
        )
        written.append(path)
    return written


def main() -> int:
    for path in write(build()):
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
