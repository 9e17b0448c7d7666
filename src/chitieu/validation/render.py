"""Validation reports as text, Markdown, JSON, JUnit XML, GitHub annotations and SARIF.

Every renderer takes a list of :class:`Checked` (the path as the user gave it
and the library's :class:`~chitieu.validation.ValidationReport`) and returns
text; :func:`render` picks one by name. The same outputs are methods of the
report (:meth:`~chitieu.validation.ValidationReport.to_sarif`,
``to_junit``, ``to_github``, ``to_text``, ``to_markdown``), and the command
line (``chitieu validate --format``) prints exactly what they return.

The problems themselves, their codes, rows and messages come from the
report, already masked where they would show personal data
(``docs/privacy.md``); this module only lays them out, and makes every output
well-formed whatever the names of the files: control characters and lone
surrogates never reach the XML or the JSON (:func:`chitieu.privacy.printable`),
GitHub properties are escaped, SARIF URIs percent-encoded.

Examples
--------
>>> from chitieu.indicators.examples import tiny_submission
>>> from chitieu.validation import validate
>>> report = validate(tiny_submission())
>>> print(render("github", [Checked("xa-01", report)], "en"))
xa-01: 0 errors, 0 warnings
<BLANKLINE>
>>> render("sarif", [Checked("xa-01", report)], "en") == report.to_sarif(path="xa-01", lang="en")
True
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import quote

from chitieu.privacy import MASKED_NOTE_EN, MASKED_NOTE_VI, inert, printable
from chitieu.validation.catalogue import ERRORS
from chitieu.validation.report import ValidationReport

__all__ = [
    "FORMATS",
    "Checked",
    "Lang",
    "Problem",
    "format_table",
    "locate",
    "problems",
    "render",
    "render_github",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "render_text",
    "sarif_rules",
]

Lang = Literal["vi", "en"]


def say(text: str, lang: Lang, *, vi: str | None = None) -> str:
    """The Vietnamese form *vi* when *lang* is ``vi`` and there is one, else *text*.

    >>> say("3 rows", "vi", vi="3 dòng"), say("3 rows", "en", vi="3 dòng")
    ('3 dòng', '3 rows')
    """
    return vi if (lang == "vi" and vi is not None) else text


def format_table(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str],
    *,
    align: str | None = None,
) -> str:
    """Plain fixed-width text table (the last column is never padded).

    Parameters
    ----------
    rows
        Cells, converted with ``str`` (``None`` shows as empty).
    headers
        Column headers.
    align
        One letter per column, ``l`` or ``r`` (default: all left).

    Examples
    --------
    >>> print(format_table([["a", 1], ["bcd", 22]], ["name", "n"], align="lr"))
    name   n
    ----  --
    a      1
    bcd   22
    """
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    align = align or "l" * len(headers)
    last = len(headers) - 1

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, v in enumerate(values):
            if align[i] == "r":
                parts.append(v.rjust(widths[i]))
            elif i == last:
                parts.append(v)
            else:
                parts.append(v.ljust(widths[i]))
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


#: The formats :func:`render` knows, all offered by ``chitieu validate --format``.
FORMATS: tuple[str, ...] = ("text", "json", "junit", "github", "sarif", "markdown")
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/chitieu/chitieu"
ERRORS_DOC = "https://github.com/chitieu/chitieu/blob/main/docs/errors.md"
_ZIP_SUFFIXES = (".zip",)
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True)
class Checked:
    """One validated submission: the path as given on the command line and its report."""

    path: str
    report: ValidationReport


@dataclass(frozen=True)
class Problem:
    """One problem shown in detail, with where it is as a CI system sees it.

    ``artifact`` is the file to point at, relative to the working directory as
    the path was given (the zip itself for a file inside a zip, the workbook
    for a sheet); ``inner`` names the file inside the zip or the sheet, or is
    empty.
    """

    code: str
    severity: str
    table: str
    file: str
    row: int | None
    column: str
    message: str
    artifact: str
    inner: str

    @property
    def located_message(self) -> str:
        """The message, preceded by the sheet or the file inside a zip when there is one."""
        text = f"[{self.inner}] {self.message}" if self.inner else self.message
        return printable(text)


def locate(path: str, file: str) -> tuple[str, str]:
    """Where a problem of *file* (relative to the submission *path*) lives on disk.

    Returns the file to point at, written from *path* as given (forward
    slashes), and the part that a file name cannot address (a sheet of a
    workbook, a file inside a zip), or ``""``.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> locate(folder, "tre_em.csv")[0] == PurePosixPath(Path(folder).as_posix(), "tre_em.csv").as_posix()
    True
    >>> locate("data/xa-01.zip", "tre_em.csv")
    ('data/xa-01.zip', 'tre_em.csv')
    >>> locate("data/bo_du_lieu.xlsx", "bo_du_lieu.xlsx#Trẻ em")
    ('data/bo_du_lieu.xlsx', 'Trẻ em')
    >>> locate("data/xa#1.csv", "xa#1.csv")  # a '#' in a file name is not a sheet
    ('data/xa#1.csv', '')
    """
    given = Path(path)
    posix = given.as_posix()
    if not file:
        return posix, ""
    name, sheet = _split_sheet(file)
    if given.is_dir():
        # consolidated parts name their files "<part>/<file>"; a part that is a
        # zip is the file to point at, with the member inside it
        parts = PurePosixPath(name).parts
        for i, part in enumerate(parts[:-1]):
            if PurePosixPath(part).suffix.lower() in _ZIP_SUFFIXES:
                zipped = PurePosixPath(posix, *parts[: i + 1]).as_posix()
                return zipped, PurePosixPath(*parts[i + 1 :]).as_posix()
        return PurePosixPath(posix, name).as_posix(), sheet
    if given.suffix.lower() in _ZIP_SUFFIXES:
        return posix, file
    return posix, sheet


def _split_sheet(file: str) -> tuple[str, str]:
    """``book.xlsx#Sheet`` -> (``book.xlsx``, ``Sheet``); any other name is a file name whole.

    The reader names a sheet of a workbook ``<workbook>#<sheet>``; a ``#``
    elsewhere (``xa#1.csv``, ``bao#cao.xlsx`` itself) belongs to the file name.

    >>> _split_sheet("bo.xlsx#Trẻ em"), _split_sheet("xa#1.csv"), _split_sheet("a#b.xlsx")
    (('bo.xlsx', 'Trẻ em'), ('xa#1.csv', ''), ('a#b.xlsx', ''))
    >>> _split_sheet("a#b.xlsx#Đơn vị")
    ('a#b.xlsx', 'Đơn vị')
    """
    lowered = file.lower()
    best = -1
    for suffix in _WORKBOOK_SUFFIXES:
        at = lowered.rfind(suffix + "#")
        if at >= 0:
            best = max(best, at + len(suffix))
    if best < 0:
        return file, ""
    return file[:best], file[best + 1 :]


def _none(value: Any) -> Any:
    try:
        if value is None or value != value:  # NaN, pd.NA raises
            return None
    except TypeError:
        return None
    return value


def problems(checked: Checked, lang: Lang) -> Iterator[Problem]:
    """The problems shown in detail in *checked*'s report, located on disk."""
    for p in checked.report:
        file = _none(p.get("file")) or ""
        row = _none(p.get("row"))
        artifact, inner = locate(checked.path, str(file))
        text = (
            _none(p.get("message_vi" if lang == "vi" else "message_en")) or p.get("message") or ""
        )
        yield Problem(
            code=str(p["code"]),
            severity=str(p["severity"]),
            table=str(_none(p.get("table")) or ""),
            file=str(file),
            row=None if row is None else int(row),
            column=str(_none(p.get("column")) or ""),
            message=str(text),
            artifact=artifact,
            inner=inner,
        )


def _title(code: str, lang: Lang) -> str:
    err = ERRORS.get(code)
    if err is None:
        return code
    return err.title_vi if lang == "vi" else err.title_en


def _hidden(report: ValidationReport) -> list[dict[str, Any]]:
    """Groups (code, table, column) with more occurrences than shown."""
    counts = report.counts
    more = counts.loc[counts["count"] > counts["shown"]]
    return [
        {str(k): (int(v) if k in ("count", "shown") else str(_none(v) or "")) for k, v in r.items()}
        for r in more.to_dict("records")
    ]


def _more_text(group: dict[str, Any], lang: Lang) -> str:
    where = f"{group['table']}.{group['column']}" if group["column"] else group["table"]
    hidden = group["count"] - group["shown"]
    return say(
        f"{hidden:,} more {group['code']} problems in {where} ({group['count']:,} in all; "
        f"raise --max-examples to list them)",
        lang,
        vi=f"còn {_vi(hidden)} vấn đề {group['code']} khác ở {where} (tổng {_vi(group['count'])}; "
        f"tăng --max-examples để xem hết)",
    )


def _count(n: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _vi(n: int) -> str:
    """*n* as Vietnamese writes it: ``4.500`` (:func:`chitieu.numbers.format_number`)."""
    from chitieu.numbers import format_number

    return format_number(n, "vi")


def _cell(text: str) -> str:
    """Text for a field of a JUnit or SARIF file: printable, and inert if a spreadsheet opens it.

    CI systems turn these files into tables that people export; a field that
    starts with ``=`` would run there as a formula (:func:`chitieu.privacy.inert`).
    """
    shown: str = inert(printable(text))
    return shown


def _masked_note(checked: Sequence[Checked], lang: Lang) -> str:
    """The sentence saying values are masked, when a report shown masked one; else ``""``."""
    if not any(c.report.masked for c in checked):
        return ""
    return MASKED_NOTE_VI if lang == "vi" else MASKED_NOTE_EN


# -- text ---------------------------------------------------------------------------
_SEVERITY_VI = {"error": "lỗi", "warning": "cảnh báo"}


def render_text(checked: Sequence[Checked], lang: Lang) -> str:
    """A readable summary, then one line per problem with its file and row."""
    blocks = []
    for item in checked:
        path = printable(item.path)
        lines = [say(f"Submission: {path}", lang, vi=f"Bộ dữ liệu: {path}")]
        lines.append(item.report.summary(lang=lang))
        shown = list(problems(item, lang))
        if shown:
            lines.append("")
            lines.append(say("Problems:", lang, vi="Chi tiết:"))
            headers = (
                ("mức", "tệp", "dòng", "cột", "mã", "nội dung")
                if lang == "vi"
                else ("severity", "file", "row", "column", "code", "message")
            )
            rows = [
                (
                    _SEVERITY_VI.get(p.severity, p.severity) if lang == "vi" else p.severity,
                    printable(p.file),
                    "" if p.row is None else p.row,
                    p.column,
                    p.code,
                    p.message,
                )
                for p in shown
            ]
            lines.append(format_table(rows, headers, align="llrlll"))
        for group in _hidden(item.report):
            lines.append(_more_text(group, lang))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# -- json -----------------------------------------------------------------------------
def render_json(checked: Sequence[Checked], lang: Lang) -> str:
    """Exactly ``ValidationReport.to_dict()``; a list of them for several paths."""
    del lang  # the dict carries both languages
    if len(checked) == 1:
        data: Any = checked[0].report.to_dict()
    else:
        data = [c.report.to_dict() for c in checked]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- junit ----------------------------------------------------------------------------
def _tables_checked(report: ValidationReport) -> list[str]:
    read = [str(t) for t, r in report.tables.iterrows() if int(r["rows_read"]) > 0]
    with_problems = [str(_none(t) or "") for t in report.counts["table"].unique()]
    out = list(read)
    for t in with_problems:
        if t not in out:
            out.append(t)
    return out


def render_junit(checked: Sequence[Checked], lang: Lang) -> str:
    """JUnit XML: one test suite per path, one test case per table and problem code.

    A test case fails when the table has errors of that code; warnings pass and
    are listed in the case's ``system-out``.
    """
    root = ET.Element("testsuites", name="chitieu validate")
    total_tests = total_failures = 0
    for item in checked:
        report = item.report
        shown = list(problems(item, lang))
        frame = report.counts.assign(table=report.counts["table"].fillna(""))
        counts = frame.groupby(["table", "code"], sort=False, dropna=False)["count"].sum()
        hidden = _hidden(report)
        path = printable(item.path)
        suite = ET.SubElement(root, "testsuite", name=_cell(path))
        props = ET.SubElement(suite, "properties")
        from chitieu import __version__

        ET.SubElement(props, "property", name="chitieu_version", value=__version__)
        ET.SubElement(props, "property", name="valid", value=str(report.valid).lower())
        ET.SubElement(props, "property", name="masked", value=str(report.masked).lower())
        note = MASKED_NOTE_VI if lang == "vi" else MASKED_NOTE_EN
        ET.SubElement(props, "property", name="privacy", value=note)
        tests = failures = 0
        for table in _tables_checked(report):
            suite_table = table or "submission"
            for code, err in ERRORS.items():
                tests += 1
                case = ET.SubElement(
                    suite, "testcase", classname=_cell(f"{path}.{suite_table}"), name=code
                )
                n = int(counts.get((table, code), 0))
                if not n:
                    continue
                here = [p for p in shown if p.table == table and p.code == code]
                lines = [
                    printable(
                        f"{p.artifact}{':' + str(p.row) if p.row is not None else ''}: "
                        f"{p.column + ': ' if p.column else ''}{p.located_message}"
                    )
                    for p in here
                ]
                lines += [
                    _more_text(g, lang) for g in hidden if g["table"] == table and g["code"] == code
                ]
                summary = f"{n:,} × {_title(code, lang)}"
                if err.severity == "error":
                    failures += 1
                    failure = ET.SubElement(case, "failure", type=code, message=summary)
                    failure.text = _cell("\n".join(lines))
                else:
                    out = ET.SubElement(case, "system-out")
                    out.text = _cell("\n".join([summary, *lines]))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- github ---------------------------------------------------------------------------
def _escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped, other controls shown as ``\\xNN``."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    """A workflow command's property (``file=``, ``title=``): also ``:`` and ``,`` escaped."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(checked: Sequence[Checked], lang: Lang) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,title=…::message``."""
    lines = []
    for item in checked:
        for p in problems(item, lang):
            props = [f"file={_escape_property(p.artifact)}"]
            if p.row is not None:
                props.append(f"line={p.row}")
            props.append(f"title={_escape_property(f'{p.code}: {_title(p.code, lang)}')}")
            lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(p.located_message)}")
        for group in _hidden(item.report):
            level = "error" if group["severity"] == "error" else "warning"
            title = _escape_property(f"{group['code']}: {_title(group['code'], lang)}")
            lines.append(
                f"::{level} file={_escape_property(Path(item.path).as_posix())},title={title}::"
                f"{_escape_data(_more_text(group, lang))}"
            )
        r = item.report
        path = printable(item.path)
        lines.append(
            say(
                f"{path}: {_count(r.n_errors, 'error')}, {_count(r.n_warnings, 'warning')}",
                lang,
                vi=f"{path}: {_vi(r.n_errors)} lỗi, {_vi(r.n_warnings)} cảnh báo",
            )
        )
    note = _masked_note(checked, lang)
    if note:
        lines.append(f"({note})")
    return "\n".join(lines) + "\n"


# -- sarif ----------------------------------------------------------------------------
def _rule_name(code: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", code) if part)


def _uri(path: str) -> str:
    """*path* as a SARIF ``artifactLocation.uri``: a percent-encoded URI reference.

    A relative path stays relative (``#`` -> ``%23``, ``:`` -> ``%3A`` so that
    no segment reads as a scheme); an absolute one becomes a ``file:`` URI. The
    bytes of a name that is not valid UTF-8 are encoded as they are on disk.

    >>> _uri("data/xa #1?.csv"), _uri("d/50%:a.csv"), _uri("/tmp/Trẻ em.csv")
    ('data/xa%20%231%3F.csv', 'd/50%25%3Aa.csv', 'file:///tmp/Tr%E1%BA%BB%20em.csv')
    """
    posix = path.replace("\\", "/") if re.match(r"^[A-Za-z]:[\\/]", path) else path
    drive = re.match(r"^([A-Za-z]):/", posix)
    if drive:
        rest = quote(posix[3:], safe="/!$&'()*+,;=-._~@", errors="surrogateescape")
        return f"file:///{drive.group(1)}:/{rest}"
    encoded = quote(posix, safe="/!$&'()*+,;=-._~@", errors="surrogateescape")
    if posix.startswith("/"):
        return "file://" + encoded
    return encoded


def sarif_rules(lang: Lang) -> list[dict[str, Any]]:
    """The SARIF rules: one per code of the error catalogue."""
    rules = []
    for code, err in ERRORS.items():
        rules.append(
            {
                "id": code,
                "name": _rule_name(code),
                "shortDescription": {"text": err.title_vi if lang == "vi" else err.title_en},
                "fullDescription": {"text": err.description},
                "helpUri": f"{ERRORS_DOC}#{code}",
                "help": {"text": f"{err.description} ({err.title_vi} / {err.title_en})"},
                "defaultConfiguration": {"level": err.severity},
                "properties": {"title_vi": err.title_vi, "title_en": err.title_en},
            }
        )
    return rules


def render_sarif(checked: Sequence[Checked], lang: Lang) -> str:
    """SARIF 2.1.0: one run, rules from the error catalogue, one result per problem shown."""
    from chitieu import __version__

    index = {code: i for i, code in enumerate(ERRORS)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for item in checked:
        for p in problems(item, lang):
            location: dict[str, Any] = {"artifactLocation": {"uri": _uri(p.artifact)}}
            if p.row is not None and p.row >= 1:
                location["region"] = {"startLine": p.row}
            result: dict[str, Any] = {
                "ruleId": p.code,
                "level": p.severity if p.severity in ("error", "warning") else "note",
                "message": {"text": _cell(p.located_message)},
                "locations": [{"physicalLocation": location}],
                "properties": {
                    "table": p.table,
                    "column": _cell(p.column),
                    "file": _cell(p.file),
                },
            }
            if p.code in index:
                result["ruleIndex"] = index[p.code]
            results.append(result)
        for group in _hidden(item.report):
            notifications.append(
                {
                    "level": "note",
                    "message": {"text": _cell(f"{item.path}: {_more_text(group, lang)}")},
                    "descriptor": {"id": group["code"]},
                }
            )
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "exitCode": 0 if all(c.report.valid for c in checked) else 1,
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "chitieu",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": sarif_rules(lang),
                    }
                },
                "invocations": [invocation],
                "results": results,
                "properties": {
                    "privacy": {
                        "masked": any(c.report.masked for c in checked),
                        "note": MASKED_NOTE_VI if lang == "vi" else MASKED_NOTE_EN,
                    },
                    "submissions": [
                        {
                            "path": _cell(c.path),
                            "valid": c.report.valid,
                            "n_errors": c.report.n_errors,
                            "n_warnings": c.report.n_warnings,
                        }
                        for c in checked
                    ],
                },
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


# -- markdown -------------------------------------------------------------------------
def _md(text: object) -> str:
    """A Markdown table cell: printable, one line, ``|`` and ``\\`` escaped, HTML inert."""
    shown = printable(str(text)).replace("\\", "\\\\").replace("|", "\\|")
    return shown.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def render_markdown(checked: Sequence[Checked], lang: Lang) -> str:
    """Markdown (a GitHub job summary, a pull-request comment): per path a heading,
    the row accounting, the counts by code and the problems shown, with file and row.
    """
    vi = lang == "vi"
    blocks = []
    for item in checked:
        r = item.report
        state = (
            say("valid", lang, vi="hợp lệ")
            if r.valid
            else say(f"{_count(r.n_errors, 'error')}", lang, vi=f"{_vi(r.n_errors)} lỗi")
        )
        warnings = say(_count(r.n_warnings, "warning"), lang, vi=f"{_vi(r.n_warnings)} cảnh báo")
        lines = [f"### {_md(item.path)}: {state}, {warnings}", ""]
        head = (
            ("bảng", "dòng đọc", "hợp lệ", "có lỗi")
            if vi
            else ("table", "rows read", "valid", "with errors")
        )
        lines += [f"| {' | '.join(head)} |", "|---|---:|---:|---:|"]
        for table, row in r.tables.iterrows():
            if row["rows_read"] or table in ("children", "units"):
                lines.append(
                    f"| {_md(table)} | {int(row['rows_read']):,} | {int(row['rows_valid']):,} "
                    f"| {int(row['rows_with_errors']):,} |"
                )
        if not r.counts.empty:
            lines += [
                "",
                "| "
                + " | ".join(
                    ("mức", "mã", "bảng.cột", "số lần", "nội dung")
                    if vi
                    else ("severity", "code", "table.column", "count", "title")
                )
                + " |",
                "|---|---|---|---:|---|",
            ]
            for _, c in r.counts.iterrows():
                where = f"{c['table']}.{c['column']}" if c["column"] else str(c["table"])
                severity = _SEVERITY_VI.get(c["severity"], c["severity"]) if vi else c["severity"]
                lines.append(
                    f"| {severity} | `{c['code']}` | {_md(where)} | {int(c['count']):,} "
                    f"| {_md(_title(str(c['code']), lang))} |"
                )
        shown = list(problems(item, lang))
        if shown:
            headers = (
                ("mức", "tệp", "dòng", "cột", "mã", "nội dung")
                if vi
                else ("severity", "file", "row", "column", "code", "message")
            )
            lines += ["", f"| {' | '.join(headers)} |", "|---|---|---:|---|---|---|"]
            for p in shown:
                severity = _SEVERITY_VI.get(p.severity, p.severity) if vi else p.severity
                lines.append(
                    f"| {severity} | {_md(p.file)} | {'' if p.row is None else p.row} "
                    f"| {_md(p.column)} | `{p.code}` | {_md(p.message)} |"
                )
        for group in _hidden(r):
            lines += ["", _md(_more_text(group, lang))]
        blocks.append("\n".join(lines))
    note = _masked_note(checked, lang)
    if note:
        blocks.append(f"_{note}_")
    return "\n\n".join(blocks) + "\n"


_RENDERERS: dict[str, Callable[[Sequence[Checked], Lang], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
    "sarif": render_sarif,
    "markdown": render_markdown,
}


def render(fmt: str, checked: Sequence[Checked], lang: Lang) -> str:
    """Render *checked* in format *fmt* (one of :data:`FORMATS`).

    Raises
    ------
    ValueError
        For a format that is not one of :data:`FORMATS`.
    """
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"no validation format {fmt!r}; formats: {', '.join(FORMATS)}") from None
    return renderer(checked, lang)
