"""Hostile and broken inputs, each made on the fly in a folder given by the test.

Every case is a function that writes one input (a folder, a zip, a workbook or
a single file) under a root folder and returns the path to give to
``chitieu validate``, together with what must come out: the exit code and the
code that must be printed (``chitieu: error [code]:`` for exit 2, a problem
code of the JSON report for exit 0 and 1). Big inputs are made here, bounded,
never committed.

Run ``python tests/hostile/make.py OUT`` to write every case into folder
``OUT`` and look at them.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["CASES", "CHILDREN_CSV", "UNITS_CSV", "Case", "base_folder"]

UNITS_CSV = (
    "unit_code,division_version,name,level,district_code,province_code\n"
    "24,2008,Tỉnh Thử,PROVINCE,,\n"
    "216,2008,Huyện Thử,DISTRICT,,24\n"
    "07200,2008,Xã Thử,COMMUNE,216,24\n"
)
CHILDREN_HEADER = "child_id,commune_code,division_version,birth_date,sex,ethnicity"
CHILDREN_CSV = (
    f"{CHILDREN_HEADER}\n"
    "C001,07200,2008,02/03/2015,Nam,Kinh\n"
    "C002,07200,2008,2016-07-01,Nữ,Kinh\n"
    "C003,07200,2008,15/12/2012,Nữ,01\n"
)
MiB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One hostile input and what chitieu must answer.

    ``code`` is the code of the one-line error for exit 2, or a problem code
    that the JSON report must hold for exit 0 and 1 (``None``: any). ``absent``
    lists problem codes that must not be reported. ``env`` overrides limits
    (``CHITIEU_MAX_...``) to keep the input small. ``heavy`` cases are run in a
    separate process under a memory bound.
    """

    name: str
    kind: str
    build: Callable[[Path], Path]
    exit: int
    code: str | None
    absent: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    heavy: bool = False
    slow: bool = False


CASES: list[Case] = []


def case(
    kind: str,
    exit: int,
    code: str | None,
    *,
    absent: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    heavy: bool = False,
    slow: bool = False,
) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        name = build.__name__.removeprefix("make_")
        CASES.append(Case(name, kind, build, exit, code, absent, env or {}, heavy, slow))
        return build

    return register


# -- helpers ----------------------------------------------------------------------------
def base_folder(root: Path, name: str = "xa", *, children: str | None = CHILDREN_CSV) -> Path:
    """A small valid submission (units and children) as CSV files."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    if children is not None:
        (folder / "children.csv").write_text(children, encoding="utf-8")
    return folder


def zip_of(path: Path, members: list[tuple[str, bytes]], *, level: int = 6) -> Path:
    """A zip holding *members* (names written as given, even unsafe ones)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path


def _patch_members(data: bytes, patch: Callable[[bytearray, int, bool], None]) -> bytes:
    """Call *patch* on every local header (``False``) and central header (``True``)."""
    out = bytearray(data)
    for signature, central in ((b"PK\x03\x04", False), (b"PK\x01\x02", True)):
        at = out.find(signature)
        while at != -1:
            patch(out, at, central)
            at = out.find(signature, at + 4)
    return bytes(out)


def lie_about_size(data: bytes, declared: int) -> bytes:
    """Make every member of a zip declare *declared* uncompressed bytes."""

    def patch(out: bytearray, at: int, central: bool) -> None:
        struct.pack_into("<I", out, at + (24 if central else 22), declared)

    return _patch_members(data, patch)


def mark_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" flag of every member of a zip."""

    def patch(out: bytearray, at: int, central: bool) -> None:
        offset = at + (8 if central else 6)
        (flags,) = struct.unpack_from("<H", out, offset)
        struct.pack_into("<H", out, offset, flags | 0x1)

    return _patch_members(data, patch)


def base_members() -> list[tuple[str, bytes]]:
    return [("units.csv", UNITS_CSV.encode()), ("children.csv", CHILDREN_CSV.encode())]


def repeated_rows(size: int) -> bytes:
    """A children CSV of about *size* bytes whose rows repeat (compresses a lot)."""
    row = b"C001,07200,2008,02/03/2015,Nam,Kinh\n"
    return CHILDREN_HEADER.encode() + b"\n" + row * (size // len(row))


def varied_rows(size: int, seed: int = 1) -> bytes:
    """A children CSV of about *size* bytes of distinct rows (compresses little)."""
    rng = random.Random(seed)
    lines = [CHILDREN_HEADER]
    total = len(CHILDREN_HEADER)
    n = 0
    while total < size:
        n += 1
        line = (
            f"C{rng.getrandbits(60):018d},07200,2008,{rng.randint(1, 28):02d}/"
            f"{rng.randint(1, 12):02d}/{rng.randint(2009, 2024)},{rng.choice('MF')},01"
        )
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def children_rows() -> list[list[object]]:
    return [line.split(",") for line in CHILDREN_CSV.strip().splitlines()]


def parquet(path: Path, columns: dict[str, pa.Array]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def children_columns(n: int = 3) -> dict[str, pa.Array]:
    import datetime as dt

    return {
        "child_id": pa.array([f"C{i:03d}" for i in range(1, n + 1)]),
        "commune_code": pa.array(["07200"] * n),
        "division_version": pa.array(["2008"] * n),
        "birth_date": pa.array([dt.date(2015, 3, 2)] * n, pa.date32()),
        "sex": pa.array(["M"] * n),
        "ethnicity": pa.array(["01"] * n),
    }


def with_children_parquet(root: Path, columns: dict[str, pa.Array]) -> Path:
    folder = base_folder(root, children=None)
    parquet(folder / "children.parquet", columns)
    return folder


# -- zip ---------------------------------------------------------------------------------
@case("zip", 2, "zip-unsafe-member")
def make_zip_traversal(root: Path) -> Path:
    return zip_of(root / "leo-ra.zip", [*base_members(), ("../children.csv", b"x")])


@case("zip", 2, "zip-unsafe-member")
def make_zip_deep_traversal(root: Path) -> Path:
    return zip_of(root / "leo-sau.zip", [*base_members(), ("a/../../../etc/injuries.csv", b"x")])


@case("zip", 2, "zip-unsafe-member")
def make_zip_absolute_posix(root: Path) -> Path:
    return zip_of(root / "tuyet-doi.zip", [*base_members(), ("/etc/injuries.csv", b"x")])


@case("zip", 2, "zip-unsafe-member")
def make_zip_absolute_windows(root: Path) -> Path:
    return zip_of(root / "o-dia.zip", [*base_members(), ("C:\\injuries.csv", b"x")])


@case("zip", 2, "zip-unsafe-member")
def make_zip_backslash_traversal(root: Path) -> Path:
    return zip_of(root / "gach-nguoc.zip", [*base_members(), ("..\\injuries.csv", b"x")])


@case("zip", 2, "zip-unsafe-member")
def make_zip_symlink_member(root: Path) -> Path:
    path = zip_of(root / "lien-ket.zip", base_members())
    with zipfile.ZipFile(path, "a") as z:
        info = zipfile.ZipInfo("injuries.csv", date_time=(2024, 1, 1, 0, 0, 0))
        info.external_attr = (0o120777 << 16) | 0x20  # a symbolic link
        z.writestr(info, b"../../etc/passwd")
    return path


@case("zip", 2, "zip-too-large", env={"CHITIEU_MAX_INPUT_BYTES": str(2 * MiB)})
def make_zip_bomb_by_size(root: Path) -> Path:
    return zip_of(
        root / "qua-lon.zip",
        [("units.csv", UNITS_CSV.encode()), ("children.csv", varied_rows(3 * MiB))],
    )


@case("zip", 2, "zip-ratio")
def make_zip_bomb_by_ratio(root: Path) -> Path:
    return zip_of(
        root / "ti-le.zip",
        [("units.csv", UNITS_CSV.encode()), ("children.csv", repeated_rows(40 * MiB))],
        level=9,
    )


@case("zip", 2, "zip-damaged", heavy=True, slow=True)
def make_zip_bomb_lying_sizes(root: Path) -> Path:
    """Declared sizes small; the member really inflates to 300 MiB (of one repeated row)."""
    data = zip_of(root / "noi-doi.tmp", [("children.csv", repeated_rows(300 * MiB))], level=9)
    path = root / "noi-doi.zip"
    path.write_bytes(lie_about_size(data.read_bytes(), 2000))
    data.unlink()
    return path


@case("zip", 2, "zip-too-large", heavy=True, slow=True)
def make_zip_bomb_gigabytes(root: Path) -> Path:
    """Honest sizes: 2 members of 400 MiB each declared, under a MiB on disk."""
    chunk = b"\0" * MiB
    path = root / "bom.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(2):
            with z.open(f"children{i}.csv", "w", force_zip64=True) as member:
                for _ in range(400):
                    member.write(chunk)
    return path


@case("zip", 1, "unknown-table")
def make_zip_nested(root: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("children.csv", CHILDREN_CSV)
    return zip_of(
        root / "long-nhau.zip",
        [("units.csv", UNITS_CSV.encode()), ("tre_em.zip", inner.getvalue())],
    )


@case("zip", 2, "zip-encrypted")
def make_zip_encrypted_member(root: Path) -> Path:
    plain = zip_of(root / "mat-khau.tmp", base_members())
    path = root / "mat-khau.zip"
    path.write_bytes(mark_encrypted(plain.read_bytes()))
    plain.unlink()
    return path


@case("zip", 2, "zip-too-many-members", slow=True)
def make_zip_many_members(root: Path) -> Path:
    members = [*base_members()] + [(f"rac/{i:05d}.dat", b"") for i in range(12_000)]
    return zip_of(root / "nhieu-tep.zip", members, level=1)


@case("zip", 2, "zip-damaged")
def make_zip_truncated(root: Path) -> Path:
    path = zip_of(root / "cut.zip", base_members())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@case("zip", 2, "no-table-files")
def make_zip_empty(root: Path) -> Path:
    return zip_of(root / "rong.zip", [])


# -- xlsx --------------------------------------------------------------------------------
@case("xlsx", 1, "missing-value", heavy=True)
def make_xlsx_stray_far_cell(root: Path) -> Path:
    folder = base_folder(root, children=None)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "children"
    for row in children_rows():
        sheet.append(row)
    sheet["XFD1048576"] = "x"
    book.save(folder / "children.xlsx")
    return folder


@case("xlsx", 0, None, heavy=True)
def make_xlsx_dimension_lies(root: Path) -> Path:
    """The sheet says it spans A1:XFD1048576; it holds four rows."""
    folder = base_folder(root, children=None)
    path = workbook(folder / "children.xlsx", {"children": children_rows()})
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:F4"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    return folder


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, change(data) if info.filename == member else data)


@case("xlsx", 2, "zip-ratio")
def make_xlsx_bomb(root: Path) -> Path:
    """A workbook whose sheet is 60 MiB of spaces (valid XML, inflates 1000 times)."""
    folder = base_folder(root, children=None)
    path = workbook(folder / "children.xlsx", {"children": children_rows()})
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (60 * MiB)),
    )
    return folder


@case("xlsx", 1, "invalid-integer")
def make_xlsx_huge_numbers(root: Path) -> Path:
    folder = base_folder(root, children=None)
    rows = children_rows()
    rows[1][1] = 1e308  # commune code
    rows[2][3] = 1e300  # birth date
    rows[3][0] = -1.7976931348623157e308  # child id
    workbook(folder / "children.xlsx", {"children": rows})
    units = [line.split(",") for line in UNITS_CSV.strip().splitlines()]
    units[0].append("villages")
    units[3].append(1e20)
    (folder / "units.csv").unlink()
    workbook(folder / "units.xlsx", {"units": units})
    return folder


@case("xlsx", 1, "missing-value")
def make_xlsx_formulas(root: Path) -> Path:
    folder = base_folder(root, children=None)
    rows = children_rows()
    rows[1][0] = '=HYPERLINK("http://example.invalid","C001")'
    rows[2][3] = "=1/0"
    rows[3][4] = "=A1&A2"
    workbook(folder / "children.xlsx", {"children": rows})
    return folder


@case("xlsx", 2, "xlsx-damaged")
def make_xlsx_not_really(root: Path) -> Path:
    path = root / "children.xlsx"
    path.write_text("Đây không phải là một bảng tính\n", encoding="utf-8")
    return path


@case("xlsx", 2, "xlsx-damaged")
def make_xlsx_zip_without_workbook(root: Path) -> Path:
    return zip_of(root / "children.xlsx", [("hello.txt", b"hello")])


@case("xlsx", 2, "no-table-files")
def make_xlsx_empty_workbook(root: Path) -> Path:
    book = openpyxl.Workbook()
    path = root / "children.xlsx"
    book.save(path)
    return path


@case("xlsx", 0, "unknown-table", slow=True)
def make_xlsx_many_sheets(root: Path) -> Path:
    sheets = {
        "children": children_rows(),
        "units": [line.split(",") for line in UNITS_CSV.strip().splitlines()],
    }
    sheets.update({f"Trang {i}": [["ghi chú"], [i]] for i in range(300)})
    return workbook(root / "bo_du_lieu.xlsx", sheets)


@case("xlsx", 1, "invalid-date")
def make_xlsx_far_future_dates(root: Path) -> Path:
    import datetime as dt

    folder = base_folder(root, children=None)
    rows = children_rows()
    rows[1][3] = dt.datetime(9999, 12, 31)
    rows[2][3] = 2_958_465  # the serial number of 9999-12-31
    rows[3][3] = 1e15
    workbook(folder / "children.xlsx", {"children": rows})
    return folder


# -- parquet -----------------------------------------------------------------------------
@case("parquet", 0, None, absent=("event-before-birth",))
def make_parquet_tz_timestamps(root: Path) -> Path:
    """Dates at local midnight in Asia/Ho_Chi_Minh: the date is 2 March, not 1 March."""
    import datetime as dt

    columns = children_columns()
    local = pa.array([dt.datetime(2015, 3, 2)] * 3, pa.timestamp("us"))
    stamps = pa.compute.assume_timezone(local, "Asia/Ho_Chi_Minh")
    columns["entry_date"] = stamps
    return with_children_parquet(root, columns)


@case("parquet", 1, "unsupported-column-type")
def make_parquet_struct(root: Path) -> Path:
    columns = children_columns()
    columns["birth_date"] = pa.array([{"y": 2015, "m": 3, "d": 2}] * 3)
    return with_children_parquet(root, columns)


@case("parquet", 1, "unsupported-column-type")
def make_parquet_list(root: Path) -> Path:
    columns = children_columns()
    columns["child_id"] = pa.array([["C001", "C002"], [], None])
    return with_children_parquet(root, columns)


@case("parquet", 1, "unsupported-column-type")
def make_parquet_map(root: Path) -> Path:
    columns = children_columns()
    columns["sex"] = pa.array([[("a", 1)], [("b", 2)], None], pa.map_(pa.string(), pa.int64()))
    return with_children_parquet(root, columns)


@case("parquet", 1, "invalid-integer")
def make_parquet_huge_numbers(root: Path) -> Path:
    from decimal import Decimal

    folder = base_folder(root, children=None)
    parquet(folder / "children.parquet", children_columns())
    (folder / "units.csv").unlink()
    parquet(
        folder / "units.parquet",
        {
            "unit_code": pa.array(["24", "216", "07200"]),
            "division_version": pa.array(["2008"] * 3),
            "name": pa.array(["Tỉnh", "Huyện", "Xã"]),
            "level": pa.array(["PROVINCE", "DISTRICT", "COMMUNE"]),
            "district_code": pa.array([None, None, "216"]),
            "province_code": pa.array([None, "24", "24"]),
            "villages": pa.array([None, None, 2**64 - 1], pa.uint64()),
            "population_total": pa.array([None, None, Decimal("1e70")], pa.decimal256(76, 0)),
            "live_births": pa.array([None, None, float("inf")]),
            "deaths_under5": pa.array([None, None, 1e300]),
        },
    )
    return folder


@case("parquet", 0, None)
def make_parquet_dictionary_and_binary(root: Path) -> Path:
    columns = children_columns()
    columns["sex"] = pa.array(["M", "F", "M"]).dictionary_encode()
    columns["child_id"] = pa.array([b"C001", b"C002", b"C003"], pa.binary())
    columns["commune_code"] = pa.array(["07200"] * 3, pa.large_string())
    return with_children_parquet(root, columns)


@case("parquet", 1, "invalid-text")
def make_parquet_binary_junk(root: Path) -> Path:
    columns = children_columns()
    columns["child_id"] = pa.array([b"\xff\xfe\x00junk", b"C002", b"\x80\x81"], pa.binary())
    return with_children_parquet(root, columns)


@case("parquet", 1, "invalid-date")
def make_parquet_far_dates(root: Path) -> Path:
    columns = children_columns()
    # year 9999, year 10000+ and about 270,000 years from now (date32 holds millions of years)
    columns["birth_date"] = pa.array([2_932_896, 3_000_000, 100_000_000], pa.date32())
    columns["entry_date"] = pa.array([253_402_300_799_000, 2**62, None], pa.timestamp("ms"))
    return with_children_parquet(root, columns)


@case("parquet", 1, "date-in-future")
def make_parquet_ns_timestamps(root: Path) -> Path:
    columns = children_columns()
    columns["birth_date"] = pa.array(
        [2**63 - 1, -(2**63) + 1, 1_425_254_400 * 10**9], pa.timestamp("ns", tz="Asia/Ho_Chi_Minh")
    )
    return with_children_parquet(root, columns)


@case("parquet", 1, None)
def make_parquet_exotic_scalars(root: Path) -> Path:
    columns = children_columns()
    columns["ethnicity"] = pa.array([1, 2, None], pa.int8())
    columns["disability"] = pa.nulls(3)
    columns["at_risk_from"] = pa.array([1, 2, 3], pa.time64("us"))
    columns["at_risk_to"] = pa.array([1, 2, 3], pa.duration("s"))
    columns["birth_registered"] = pa.array([1.5, 0.0, None])
    return with_children_parquet(root, columns)


@case("parquet", 2, "parquet-damaged")
def make_parquet_corrupt_footer(root: Path) -> Path:
    folder = with_children_parquet(root, children_columns())
    path = folder / "children.parquet"
    data = path.read_bytes()
    path.write_bytes(data[:-12] + b"\xff" * 8 + b"PAR1")
    return folder


@case("parquet", 2, "parquet-damaged")
def make_parquet_truncated(root: Path) -> Path:
    folder = with_children_parquet(root, children_columns())
    path = folder / "children.parquet"
    path.write_bytes(path.read_bytes()[:50])
    return folder


# -- csv ---------------------------------------------------------------------------------
@case("csv", 1, "ragged-row")
def make_csv_ragged_rows(root: Path) -> Path:
    rows = CHILDREN_CSV + "C004,07200,2008,01/01/2014,Nam,Kinh,thừa,thừa nữa\n"
    return base_folder(root, children=rows)


@case("csv", 1, "ragged-row", heavy=True)
def make_csv_ragged_wide_row(root: Path) -> Path:
    """One row of a million cells (a 1 MiB line of commas)."""
    many = "".join(f"C1{i:02d},07200,2008,01/01/2014,Nam,Kinh\n" for i in range(20))
    rows = CHILDREN_CSV + many + "C004,07200,2008,01/01/2014,Nam,Kinh" + "," * 1_000_000 + "x\n"
    return base_folder(root, children=rows)


@case("csv", 1, "invalid-integer")
def make_csv_25_digit_numbers(root: Path) -> Path:
    folder = base_folder(root)
    units = UNITS_CSV.splitlines()
    units[0] += ",villages,population_total"
    units[3] += ",1234567890123456789012345,-99999999999999999999"
    units[1] += ",9223372036854775808,"
    (folder / "units.csv").write_text("\n".join(units) + "\n", encoding="utf-8")
    return folder


@case("csv", 2, "not-text")
def make_csv_binary_junk(root: Path) -> Path:
    rng = random.Random(7)
    folder = base_folder(root, children=None)
    (folder / "children.csv").write_bytes(bytes(rng.getrandbits(8) for _ in range(200_000)))
    return folder


@case("csv", 2, "not-text")
def make_csv_nul_bytes(root: Path) -> Path:
    folder = base_folder(root, children=None)
    (folder / "children.csv").write_bytes(CHILDREN_CSV.encode().replace(b"Kinh", b"Ki\0nh"))
    return folder


@case("csv", 0, None)
def make_csv_utf16_without_bom(root: Path) -> Path:
    folder = base_folder(root, children=None)
    (folder / "children.csv").write_bytes(CHILDREN_CSV.encode("utf-16-le"))
    return folder


@case("csv", 1, "empty-file")
def make_csv_only_bom(root: Path) -> Path:
    folder = base_folder(root, children=None)
    (folder / "children.csv").write_bytes(b"\xef\xbb\xbf")
    return folder


@case("csv", 1, "empty-file")
def make_csv_empty(root: Path) -> Path:
    return base_folder(root, children="")


@case("csv", 1, "empty-file")
def make_csv_only_separators(root: Path) -> Path:
    return base_folder(root, children=",,,,,\n" * 1000 + "\n\n\n")


@case("csv", 1, "cell-too-long", heavy=True)
def make_csv_giant_cell(root: Path) -> Path:
    """A one-column file whose second line is a 10 MiB cell."""
    folder = base_folder(root, children=None)
    (folder / "children.csv").write_bytes(b"child_id\n" + b"7" * (10 * MiB) + b"\n")
    return folder


@case("csv", 1, "cell-too-long")
def make_csv_giant_quoted_cell(root: Path) -> Path:
    rows = CHILDREN_CSV + 'C004,07200,2008,01/01/2014,Nam,"' + "Kinh\n" * 250_000 + '"\n'
    return base_folder(root, children=rows)


@case("csv", 0, None)
def make_csv_mixed_encodings(root: Path) -> Path:
    folder = base_folder(root, children=None)
    data = CHILDREN_CSV.encode("utf-8") + "C004,07200,2008,01/01/2014,Nư\u0303,Kinh\n".encode(
        "cp1258"
    )
    (folder / "children.csv").write_bytes(data)
    return folder


@case("csv", 1, None)
def make_csv_unbalanced_quote(root: Path) -> Path:
    return base_folder(root, children=CHILDREN_CSV + 'C004,"07200,2008,01/01/2014,Nam,Kinh\n' * 3)


@case("csv", 2, "too-many-columns")
def make_csv_very_wide_header(root: Path) -> Path:
    header = CHILDREN_HEADER + "".join(f",extra{i}" for i in range(20_000))
    return base_folder(root, children=header + "\n" + CHILDREN_CSV.split("\n", 1)[1])


@case("csv", 2, "too-many-rows", env={"CHITIEU_MAX_ROWS": "1000"})
def make_csv_too_many_rows(root: Path) -> Path:
    body = "".join(f"C{i:05d},07200,2008,02/03/2015,Nam,Kinh\n" for i in range(1500))
    return base_folder(root, children=CHILDREN_HEADER + "\n" + body)


@case("csv", 2, "input-too-large", env={"CHITIEU_MAX_INPUT_BYTES": str(MiB)})
def make_csv_too_large(root: Path) -> Path:
    return base_folder(root, children=varied_rows(2 * MiB).decode())


@case("csv", 0, None)
def make_csv_crlf_and_cr_only(root: Path) -> Path:
    folder = base_folder(root, children=None)
    (folder / "children.csv").write_bytes(CHILDREN_CSV.replace("\n", "\r").encode())
    return folder


# -- names -------------------------------------------------------------------------------
@case("names", 0, None)
def make_names_hash_spaces_unicode(root: Path) -> Path:
    return base_folder(root, name="xã #3 (năm 2024) — bản cuối")


@case("names", 0, None)
def make_names_decomposed_unicode(root: Path) -> Path:
    import unicodedata

    folder = root / unicodedata.normalize("NFD", "Xã Thắng")
    folder.mkdir()
    (folder / unicodedata.normalize("NFD", "đơn vị hành chính.csv")).write_text(UNITS_CSV)
    (folder / unicodedata.normalize("NFD", "Trẻ em.csv")).write_text(CHILDREN_CSV)
    return folder


@case("names", 0, None)
def make_names_zip_unicode_members(root: Path) -> Path:
    return zip_of(
        root / "nộp #1.zip",
        [
            ("Đơn vị hành chính.csv", UNITS_CSV.encode()),
            ("2024 #cuối/Trẻ em.csv", CHILDREN_CSV.encode()),
        ],
    )


def main(out: str) -> None:
    root = Path(out)
    for c in CASES:
        folder = root / c.name
        folder.mkdir(parents=True, exist_ok=True)
        print(c.name, c.build(folder))


if __name__ == "__main__":
    main(sys.argv[1])
