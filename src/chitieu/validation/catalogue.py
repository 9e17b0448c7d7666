"""The catalogue of validation problems: one stable kebab-case code each.

This dict is the single source of the codes, their severities and their
messages; ``docs/errors.md`` is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ERRORS", "QUALITY", "ErrorType", "Severity"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ErrorType:
    """A kind of problem: code, severity, titles and message templates.

    Templates use ``{column}``, ``{value}``, ``{table}``, ``{file}`` and, where a
    check gives them, ``{expected}``, ``{other}`` (another column of the row),
    ``{detail}``/``{detail_vi}`` and ``{when}``/``{when_vi}``. In Vietnamese
    messages ``{column}`` and ``{other}`` show the Vietnamese header with the
    column name, e.g. ``Giới tính (sex)``.
    """

    code: str
    severity: Severity
    title_en: str
    title_vi: str
    template_en: str
    template_vi: str
    description: str
    level: Literal["cell", "row", "table"] = "cell"


_E: list[ErrorType] = [
    # -- reading ---------------------------------------------------------------
    ErrorType(
        "invalid-date",
        "error",
        "Not a date",
        "Không phải ngày tháng",
        "expected a date (YYYY-MM-DD or DD/MM/YYYY) in column {column}, found {value!r}",
        "cột {column} cần ngày tháng (YYYY-MM-DD hoặc DD/MM/YYYY), nhưng có {value!r}",
        "A date cell could not be read as a date (wrong format or a day that does not exist).",
    ),
    ErrorType(
        "invalid-integer",
        "error",
        "Not a whole number",
        "Không phải số nguyên",
        "expected a whole number in column {column}, found {value!r}",
        "cột {column} cần số nguyên, nhưng có {value!r}",
        "A number cell could not be read as a whole number.",
    ),
    ErrorType(
        "invalid-boolean",
        "error",
        "Not yes/no",
        "Không phải có/không",
        "expected yes/no (có/không, 1/0, true/false) in column {column}, found {value!r}",
        "cột {column} cần có/không (1/0), nhưng có {value!r}",
        "A yes/no cell holds something else.",
    ),
    ErrorType(
        "missing-column",
        "error",
        "Required column missing",
        "Thiếu cột bắt buộc",
        "required column {column} is not in table {table}",
        "bảng {table} thiếu cột bắt buộc {column}",
        "A required column is absent from the file; every row of the table is unusable.",
        level="table",
    ),
    ErrorType(
        "unknown-column",
        "warning",
        "Unknown column",
        "Cột không xác định",
        "column {value!r} of table {table} is not a known column and was left out",
        "cột {value!r} của bảng {table} không có trong danh mục cột nên không được đọc",
        "A header matches no column of the table (check the spelling); its values were not read.",
        level="table",
    ),
    ErrorType(
        "duplicate-column",
        "warning",
        "Column given twice",
        "Cột bị lặp",
        "column {column} appears twice in table {table}; only the first was read",
        "cột {column} xuất hiện hai lần trong bảng {table}; chỉ đọc cột đầu tiên",
        "Two headers name the same column.",
        level="table",
    ),
    ErrorType(
        "unknown-table",
        "warning",
        "Unknown file",
        "Tệp không xác định",
        "file {file!r} is not a table of a submission and was left out",
        "tệp {file!r} không phải một bảng của bộ dữ liệu nên không được đọc",
        "A file or sheet name matches no table; it was not read.",
        level="table",
    ),
    ErrorType(
        "duplicate-table",
        "warning",
        "Table given twice",
        "Bảng bị lặp",
        "table {table} was given twice; {file!r} was left out",
        "bảng {table} có hai lần; tệp {file!r} không được đọc",
        "Two files or sheets hold the same table; only the first was read.",
        level="table",
    ),
    ErrorType(
        "empty-file",
        "warning",
        "Empty file",
        "Tệp rỗng",
        "file {file!r} holds no header and no rows",
        "tệp {file!r} không có tiêu đề và không có dòng nào",
        "A file is empty.",
        level="table",
    ),
    ErrorType(
        "dtype-mismatch",
        "error",
        "Wrong column type",
        "Sai kiểu dữ liệu cột",
        "column {column} of table {table} should be {expected}, found {value}",
        "cột {column} của bảng {table} cần kiểu {expected}, nhưng là {value}",
        "A frame built in code has a column of the wrong type (files are converted on reading).",
        level="table",
    ),
    ErrorType(
        "ragged-row",
        "error",
        "Row longer than the header",
        "Dòng dài hơn dòng tiêu đề",
        "the row has more cells than the header ({value} beyond its last column); they were "
        "left out",
        "dòng có {value} ô nằm ngoài các cột của dòng tiêu đề; các ô này không được đọc",
        "A CSV row has more cells than the header (a stray separator, or a value typed in a "
        "column without a header): its cells may have shifted, so the row is not used.",
        level="row",
    ),
    ErrorType(
        "cell-too-long",
        "error",
        "Cell too long",
        "Ô quá dài",
        "a cell of column {column} holds {value}, more than a cell may hold; it was read as empty",
        "một ô của cột {column} có {value}, dài hơn mức cho phép; ô này được đọc là trống",
        "A cell is longer than the limit (1,048,576 characters by default; see docs/limits.md).",
    ),
    ErrorType(
        "invalid-text",
        "error",
        "Not text",
        "Không phải văn bản",
        "expected text (UTF-8) in column {column}, found other bytes: {value!r}",
        "cột {column} cần văn bản (UTF-8), nhưng có dữ liệu nhị phân: {value!r}",
        "A binary cell of a Parquet file does not hold UTF-8 text.",
    ),
    ErrorType(
        "unsupported-column-type",
        "error",
        "Unsupported column type",
        "Kiểu cột không được hỗ trợ",
        "column {column} of table {table} holds {value} values, not text, numbers or dates; "
        "its cells were read as empty",
        "cột {column} của bảng {table} có kiểu {value}, không phải văn bản, số hay ngày tháng; "
        "các ô của cột được đọc là trống",
        "A Parquet column holds nested values (struct, list, map) or another type that a "
        "table cell cannot hold.",
        level="table",
    ),
    ErrorType(
        "read-problem",
        "warning",
        "Problem while reading",
        "Vấn đề khi đọc tệp",
        "{detail}",
        "khi đọc tệp có vấn đề (mã {expected}): {detail}",
        "A problem the reader met that has no code of its own; the message is the reader's.",
        level="table",
    ),
    # -- one table ----------------------------------------------------------------
    ErrorType(
        "missing-value",
        "error",
        "Required value missing",
        "Thiếu giá trị bắt buộc",
        "column {column} must not be empty{detail}",
        "cột {column} không được để trống{detail_vi}",
        "A required cell is empty.",
    ),
    ErrorType(
        "unknown-code",
        "error",
        "Value not in the code list",
        "Giá trị không có trong danh mục",
        "expected a code of list {expected} in column {column}, found {value!r}",
        "cột {column} cần một mã trong danh mục {expected}, nhưng có {value!r}",
        "A coded value is not in its code list (see docs/schemas.md for the codes and accepted labels).",
    ),
    ErrorType(
        "duplicate-id",
        "error",
        "Duplicate id",
        "Mã bị trùng",
        "{column} {value!r} appears more than once (first on row {detail})",
        "{column} {value!r} bị trùng (lần đầu ở dòng {detail})",
        "An identifier that must be unique appears again; the later rows are flagged.",
    ),
    ErrorType(
        "duplicate-key",
        "error",
        "Duplicate row",
        "Dòng bị trùng",
        "the combination {column} = {value} appears more than once (first on row {detail})",
        "tổ hợp {column} = {value} bị trùng (lần đầu ở dòng {detail})",
        "A row repeats the key of an earlier row of the same table.",
    ),
    ErrorType(
        "negative-number",
        "error",
        "Negative number",
        "Số âm",
        "column {column} must be zero or more, found {value}",
        "cột {column} phải lớn hơn hoặc bằng 0, nhưng có {value}",
        "A count or an amount is negative.",
    ),
    ErrorType(
        "date-in-future",
        "error",
        "Date in the future",
        "Ngày trong tương lai",
        "date {value} in column {column} is after the validation date {detail}",
        "ngày {value} ở cột {column} sau ngày kiểm tra {detail}",
        "A date lies after the day of validation.",
    ),
    ErrorType(
        "event-before-birth",
        "error",
        "Date before birth",
        "Ngày trước ngày sinh",
        "{column} {value}{when} is before the child's birth date {detail}",
        "{column} {value}{when_vi} trước ngày sinh của trẻ {detail}",
        "An event or register date of a child comes before the child's birth.",
    ),
    ErrorType(
        "event-after-age-16",
        "error",
        "Event after the child turned 16",
        "Sự việc sau khi trẻ đủ 16 tuổi",
        "{column} {value}{when} is on or after the child's 16th birthday {detail}",
        "{column} {value}{when_vi} vào hoặc sau ngày trẻ đủ 16 tuổi {detail}",
        "An injury, abuse, support, consultation or special-circumstance date falls when the person "
        "was no longer a child (Law on Children Art. 1).",
    ),
    ErrorType(
        "entry-after-age-16",
        "warning",
        "Entered the register after turning 16",
        "Vào sổ sau khi đủ 16 tuổi",
        "{column} {value} is on or after the child's 16th birthday ({detail})",
        "{column} {value} vào hoặc sau ngày trẻ đủ 16 tuổi ({detail})",
        "A person entered the child register when no longer a child; check the birth date and "
        "the entry date. The person is never counted as a child after turning 16.",
    ),
    ErrorType(
        "exit-incomplete",
        "error",
        "Exit date and reason do not match",
        "Thiếu ngày hoặc lý do ra khỏi sổ",
        "{column} is empty while {other} is given: give both or neither",
        "cột {column} để trống trong khi cột {other} có giá trị: cần ghi cả hai hoặc để trống cả hai",
        "A child has an exit date without a reason, or a reason without a date.",
        level="row",
    ),
    ErrorType(
        "end-before-start",
        "error",
        "End before start",
        "Ngày kết thúc trước ngày bắt đầu",
        "{column} {value} is before {other} {detail}",
        "{column} {value} trước {other} {detail}",
        "A spell ends before it starts (register entry/exit, at-risk spell, special circumstance).",
    ),
    ErrorType(
        "subgroup-group-mismatch",
        "error",
        "Sub-group of another group",
        "Nhóm nhỏ không thuộc nhóm",
        "sub-group {value!r} belongs to group {expected}, not to the row's group {detail}",
        "nhóm nhỏ {value!r} thuộc nhóm {expected}, không thuộc nhóm {detail} của dòng",
        "A special-circumstance sub-group (Decree 56/2017) does not belong to the row's group.",
    ),
    ErrorType(
        "count-exceeds-total",
        "error",
        "Part larger than the whole",
        "Số thành phần lớn hơn tổng",
        "{column} = {value} is larger than {other} = {detail}",
        "{column} = {value} lớn hơn {other} = {detail}",
        "A part exceeds its whole (villages with facilities > villages; neonatal > infant > under-5 deaths).",
    ),
    # -- across tables -------------------------------------------------------------
    ErrorType(
        "unknown-child",
        "error",
        "Child not in the register",
        "Trẻ em không có trong sổ",
        "child_id {value!r} is not in the children table{detail}",
        "mã trẻ em {value!r} không có trong bảng trẻ em{detail_vi}",
        "A record names a child who is not in the register and is not marked as not registered here "
        "(registered_here = false).",
    ),
    ErrorType(
        "overlapping-spells",
        "error",
        "Two register spells of one child overlap",
        "Hai lần có tên trong sổ của một trẻ trùng thời gian",
        "child_id {value!r} is on the register twice at the same time: {detail}",
        "mã trẻ em {value!r} có tên trong sổ hai lần cùng một thời gian: {detail_vi}",
        "A child may have several register rows (a move: in the same or another commune) only "
        "when their spells [entry_date, exit_date) do not overlap; a missing entry date means "
        "from birth, a missing exit date means still on the register. The later row is flagged; "
        "the message names both rows and both communes. Rows with the same commune and the same "
        "spell are a duplicate-id instead.",
        level="row",
    ),
    ErrorType(
        "event-after-death",
        "warning",
        "Event after the child's death",
        "Sự việc sau khi trẻ tử vong",
        "{column} {value}{when} is after the child's death on {detail} (exit_reason DIED)",
        "{column} {value}{when_vi} sau ngày trẻ tử vong {detail} (lý do ra khỏi sổ DIED)",
        "An injury, consultation, support, abuse case or special-circumstance spell of a "
        "registered child is dated after the exit date of a register row whose exit reason is "
        "DIED. Events on the day of death (a fatal injury) are not flagged. The row is kept.",
    ),
    ErrorType(
        "event-after-exit",
        "warning",
        "Event after the child left the register",
        "Sự việc sau khi trẻ ra khỏi sổ",
        "{column} {value}{when} is after the child left the register on {detail}, "
        "and no later register row covers it",
        "{column} {value}{when_vi} sau ngày trẻ ra khỏi sổ {detail}, "
        "và không có dòng nào sau đó trong sổ ứng với ngày này",
        "An event of a registered child is dated after the child's exit date, in no spell of "
        "the register (after the last exit, or between two spells of a child who moved). "
        "Events on the exit date itself are not flagged. The row is kept.",
    ),
    ErrorType(
        "event-before-entry",
        "warning",
        "Event long before the child entered the register",
        "Sự việc trước ngày trẻ vào sổ quá lâu",
        "{column} {value}{when} is more than {expected} days before the child entered the "
        "register on {detail}",
        "{column} {value}{when_vi} trước ngày trẻ vào sổ {detail} hơn {expected} ngày",
        "An injury, consultation, support or abuse case of a registered child is dated more "
        "than the grace period (chitieu.validation.checks.ENTRY_GRACE_DAYS, 30 days) before the "
        "entry date of the register row that follows it, with no earlier spell covering it. "
        "The start of a special-circumstance spell is not checked against the entry (a "
        "disability from birth, an orphan who moved in). The row is kept.",
    ),
    ErrorType(
        "case-in-two-communes",
        "warning",
        "Case id in two communes",
        "Mã vụ việc ở hai xã",
        "case_id {value!r} is a case of two communes: {detail}",
        "mã vụ việc {value!r} là vụ việc của hai xã: {detail_vi}",
        "The same case id is given in the abuse_cases rows of two communes (for example when "
        "commune submissions are put together): both rows are kept, and the case is counted in "
        "each commune. Check whether it is one case or two cases numbered alike. The same case "
        "id twice in one commune is a duplicate-id.",
    ),
    ErrorType(
        "violator-in-two-communes",
        "warning",
        "Violator id in two communes",
        "Mã đối tượng vi phạm ở hai xã",
        "violator_id {value!r} is named in sanctions of two communes: {detail}",
        "mã đối tượng vi phạm {value!r} có trong quyết định xử phạt của hai xã: {detail_vi}",
        "The same violator id appears in sanction decisions of two communes; the later rows are "
        "flagged with the first commune and row. The rows are kept.",
    ),
    ErrorType(
        "unknown-case",
        "error",
        "Case not found",
        "Không tìm thấy vụ việc",
        "case_id {value!r} is not in the abuse_cases table",
        "mã vụ việc {value!r} không có trong bảng vụ việc xâm hại",
        "A victim or a sanction names a case that is not in the abuse_cases table.",
    ),
    ErrorType(
        "case-without-victim",
        "warning",
        "Case without a victim",
        "Vụ việc không có trẻ bị xâm hại",
        "case {value!r} has no row in abuse_victims",
        "vụ việc {value!r} không có dòng nào trong bảng trẻ em bị xâm hại",
        "An abuse case has no victim; it counts as a case but adds no abused child.",
    ),
    ErrorType(
        "participants-exceed-group",
        "warning",
        "More participants than the group has",
        "Số người tham gia lớn hơn tổng số đối tượng",
        "participants = {value} is larger than the target group size group_size = {detail}",
        "số người tham gia {value} lớn hơn tổng số đối tượng {detail}",
        "An activity counts more participants than the size of its target group (people from "
        "outside the commune, or a group size out of date). The row is kept; shares cap the "
        "participants at the group size.",
    ),
    ErrorType(
        "policy-consultation-incomplete",
        "warning",
        "Consultation of a policy without its policy or answer",
        "Tham vấn chính sách thiếu số hiệu hoặc kết quả",
        "a consultation of a policy has no {column}: {detail}",
        "hoạt động tham vấn chính sách không có {column}: {detail_vi}",
        "An activity of type POLICY_CONSULTATION does not name its policy (policy_id: the row "
        "then counts as a policy of its own) or does not say whether children were consulted "
        "(children_consulted: counted as not consulted).",
    ),
    ErrorType(
        "unknown-commune-code",
        "error",
        "Commune not in the units table",
        "Mã xã không có trong danh mục",
        "commune {value} is not a commune of the units table for division version {detail}",
        "mã xã {value} không có trong bảng đơn vị hành chính (phiên bản {detail})",
        "A commune code (with its division version) is not a COMMUNE row of the units table.",
    ),
    ErrorType(
        "missing-table",
        "error",
        "Required table missing",
        "Thiếu bảng bắt buộc",
        "required table {table} is empty or was not given, so no record was checked against it",
        "bảng bắt buộc {table} trống hoặc không có, nên các bảng khác không được đối chiếu với bảng này",
        "The children register and the units table are required: without them child_id and "
        "commune codes cannot be checked, and no indicator can place a child in a commune.",
        level="table",
    ),
    ErrorType(
        "unknown-parent-unit",
        "warning",
        "Parent unit not listed",
        "Đơn vị cấp trên không có trong danh mục",
        "{column} {value!r} is not a unit of the units table for division version {detail}",
        "{column} {value!r} không có trong bảng đơn vị hành chính (phiên bản {detail})",
        "A commune's district or province is not listed, while other parent units are.",
    ),
]

ERRORS: dict[str, ErrorType] = {e.code: e for e in _E}


# -- data quality (chitieu.quality): a valid submission can still fail these ---------------
# Kept apart from ERRORS: they are not validation problems of a file's rows but
# warnings about figures (a commune against its own past, a rate against national
# magnitudes, a commune without records). Templates use ``{unit}`` (the unit's
# level and code, never a name), ``{indicator}``, ``{period}``, ``{value}``,
# ``{expected}`` and ``{detail}``/``{detail_vi}``.
_Q: list[ErrorType] = [
    ErrorType(
        "outlier-high",
        "warning",
        "Figure far above the unit's past periods",
        "Số liệu cao bất thường so với các kỳ trước",
        "{unit}: {indicator} in {period} is {value}, far above its past periods ({detail})",
        "{unit}: {indicator} kỳ {period} là {value}, cao bất thường so với các kỳ trước "
        "({detail_vi})",
        "The figure of a unit is far above the median of its own past periods of the same "
        "length: the count is at least the minimum count (10), a Poisson test of the count "
        "against the median gives p below 0.001, and, where the past periods vary, the count is "
        "more than 3.5 robust standard deviations (1.4826 x MAD) from the median. Check the "
        "records (a double entry, a wrong date, a wrong commune) before publishing.",
        level="table",
    ),
    ErrorType(
        "outlier-low",
        "warning",
        "Figure far below the unit's past periods",
        "Số liệu thấp bất thường so với các kỳ trước",
        "{unit}: {indicator} in {period} is {value}, far below its past periods ({detail})",
        "{unit}: {indicator} kỳ {period} là {value}, thấp bất thường so với các kỳ trước "
        "({detail_vi})",
        "As outlier-high, below: often records not entered for the period.",
        level="table",
    ),
    ErrorType(
        "rate-implausibly-high",
        "warning",
        "Rate implausibly high against the national magnitude",
        "Tỷ suất cao bất thường so với mức chung cả nước",
        "{unit}: {indicator} in {period} is {value} per 100,000, more than {expected} times the "
        "national magnitude ({detail})",
        "{unit}: {indicator} kỳ {period} là {value} trên 100.000 trẻ em, cao hơn {expected} lần "
        "mức chung cả nước ({detail_vi})",
        "A rate is many times (10 by default) the national magnitude (injury deaths about 16, "
        "injuries about 550 per 100,000 children) and a Poisson test of the count against the "
        "national rate gives p below 0.001, so that one death in a small commune does not "
        "trigger it.",
        level="table",
    ),
    ErrorType(
        "rate-implausibly-low",
        "warning",
        "Rate implausibly low against the national magnitude",
        "Tỷ suất thấp bất thường so với mức chung cả nước",
        "{unit}: {indicator} in {period} is {value} per 100,000, less than 1/{expected} of the "
        "national magnitude ({detail})",
        "{unit}: {indicator} kỳ {period} là {value} trên 100.000 trẻ em, thấp hơn 1/{expected} "
        "mức chung cả nước ({detail_vi})",
        "A rate is a small fraction of the national magnitude where the unit is large enough "
        "for the national rate to expect many events (Poisson p below 0.001): often events not "
        "recorded.",
        level="table",
    ),
    ErrorType(
        "commune-without-records",
        "warning",
        "Commune without records",
        "Xã không có bản ghi nào",
        "{unit} is in the units table but has no record in any table ({detail})",
        "{unit} có trong bảng đơn vị hành chính nhưng không có bản ghi nào ({detail_vi})",
        "A commune of the units table has no child, injury, abuse case or sanction: its figures "
        "are zeros that may mean the commune did not submit.",
        level="table",
    ),
    ErrorType(
        "commune-not-submitted",
        "warning",
        "Expected commune missing",
        "Thiếu xã phải báo cáo",
        "{unit} is expected ({detail}) but the data have no figure for it",
        "{unit} phải báo cáo ({detail_vi}) nhưng không có số liệu",
        "A commune of the expected list (the units table given as expected=) is not among the "
        "units of the data at all.",
        level="table",
    ),
]

QUALITY: dict[str, ErrorType] = {e.code: e for e in _Q}
assert not set(QUALITY) & set(ERRORS), "a data-quality code repeats a validation code"
