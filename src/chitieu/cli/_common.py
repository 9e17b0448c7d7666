"""What every command shares: exit codes, options, messages, tables, progress.

Results go to standard output and nothing else does; messages, warnings and
progress go to standard error, so ``chitieu ... > out.json`` captures exactly
the result. Progress bars appear only when standard error is a terminal and
``rich`` (the ``cli`` extra) is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from enum import IntEnum
from pathlib import Path
from typing import Any, TextIO

from chitieu.validation.render import Lang, format_table, say

__all__ = [
    "LANGS",
    "CliUsageError",
    "ExitCode",
    "Lang",
    "add_lang_option",
    "add_output_option",
    "current_lang",
    "emit",
    "format_table",
    "message",
    "print_table",
    "progress",
    "rich_available",
    "say",
    "scan_lang",
    "speaking",
    "tr",
    "translate_error",
]

LANGS: tuple[str, ...] = ("vi", "en")
LANG_ENV = "CHITIEU_LANG"


class ExitCode(IntEnum):
    """Exit codes of every command.

    Examples
    --------
    >>> int(ExitCode.DATA_PROBLEMS), int(ExitCode.USAGE)
    (1, 2)
    """

    OK = 0
    """Valid data, or the command did what it was asked."""
    DATA_PROBLEMS = 1
    """The data were read but have errors (validation failed)."""
    USAGE = 2
    """Bad arguments or input that cannot be read at all."""
    INTERNAL = 3
    """An unexpected failure inside chitieu (a bug: rerun with ``--debug``)."""
    INTERRUPTED = 130
    """Stopped with Ctrl+C."""


class CliUsageError(Exception):
    """A bad argument found by a command (exit code 2, one-line message).

    The message is English; ``vi=`` gives its Vietnamese form, which the
    command line prints when the language is Vietnamese.

    Examples
    --------
    >>> exc = CliUsageError("--k needs --publish", vi="--k cần --publish")
    >>> exc.text("en"), exc.text("vi"), exc.code
    ('--k needs --publish', '--k cần --publish', 'usage')
    """

    def __init__(self, *args: object, code: str = "usage", vi: str | None = None) -> None:
        super().__init__(*args)
        self.code = code
        self.vi = vi

    def text(self, lang: Lang) -> str:
        """The message in *lang* (English when it has no Vietnamese form)."""
        return say(str(self), lang, vi=self.vi)


def default_lang() -> Lang:
    """``vi`` unless the environment variable ``CHITIEU_LANG`` says ``en``."""
    value = os.environ.get(LANG_ENV, "vi").strip().lower()
    return "en" if value.startswith("en") else "vi"


_LANG: ContextVar[Lang | None] = ContextVar("chitieu_cli_lang", default=None)


def current_lang() -> Lang:
    """The language the command line speaks now: the one of :func:`speaking`, else the default."""
    chosen = _LANG.get()
    return default_lang() if chosen is None else chosen


@contextlib.contextmanager
def speaking(lang: Lang) -> Iterator[None]:
    """Build help texts and messages in *lang* within the block.

    Examples
    --------
    >>> with speaking("en"):
    ...     tr("period", "kỳ")
    'period'
    >>> with speaking("vi"):
    ...     tr("period", "kỳ")
    'kỳ'
    """
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


def tr(en: str, vi: str) -> str:
    """The English or the Vietnamese form of a text, in the language spoken now.

    Every ``help=`` and ``description=`` of the commands goes through this
    function, so that ``chitieu COMMAND -h`` is in the user's language.
    """
    return vi if current_lang() == "vi" else en


_LANG_FLAGS = ("--la", "--lan", "--lang")  # argparse accepts unique prefixes


def scan_lang(argv: Sequence[str]) -> Lang:
    """The language asked by ``--lang`` in *argv* (the last one wins), else the default.

    argparse writes its help before it has parsed the options, so the
    language is read from the arguments first.

    Examples
    --------
    >>> scan_lang(["report", "x", "--lang", "en"]), scan_lang(["demo", "--lang=vi"])
    ('en', 'vi')
    >>> scan_lang(["report", "-h", "--lang", "xx", "--lang", "en"])
    'en'
    """
    lang = default_lang()
    items = list(argv)
    for i, item in enumerate(items):
        if item == "--":
            break
        value: str | None = None
        if item in _LANG_FLAGS and i + 1 < len(items):
            value = items[i + 1]
        elif "=" in item and item.split("=", 1)[0] in _LANG_FLAGS:
            value = item.split("=", 1)[1]
        if value == "vi":
            lang = "vi"
        elif value == "en":
            lang = "en"
    return lang


def positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more (``100_000`` and ``100,000`` accepted)."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            tr(f"expected a whole number, found {text!r}", f"cần một số nguyên, nhưng gặp {text!r}")
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(
            tr(f"expected 1 or more, found {value}", f"cần từ 1 trở lên, nhưng gặp {value}")
        )
    return value


#: Vietnamese forms of the library's messages that users meet most on the command
#: line, by error code: a pattern of the English message and its Vietnamese template.
_ERRORS_VI: dict[str, tuple[tuple[str, str], ...]] = {
    "no-such-path": (
        (r"(?P<p>.+): no such file or folder", "{p}: không có tệp hay thư mục này"),
        (r"no paths given", "chưa có đường dẫn nào"),
    ),
    "no-table-files": (
        (
            r"(?P<p>.+): no \.csv, \.xlsx or \.parquet files found",
            "{p}: không tìm thấy tệp .csv, .xlsx hay .parquet nào",
        ),
    ),
    "xls-not-xlsx": (
        (
            r"(?P<p>.+): this is an Excel 97-2003 \(\.xls\) workbook, not \.xlsx; save it as \.xlsx",
            "{p}: đây là tệp Excel 97-2003 (.xls), không phải .xlsx; hãy lưu lại dạng .xlsx",
        ),
    ),
    "bad-period": (
        (
            r"expected a period like (?P<forms>.+), found (?P<v>.+)",
            "cần một kỳ như {forms}, nhưng gặp {v}",
        ),
        (
            r"month (?P<m>\d+) does not exist in period (?P<v>.+); expected a period like "
            r"(?P<forms>.+)",
            "tháng {m} không có trong kỳ {v}; cần một kỳ như {forms}",
        ),
        (
            r"expected a year between 1900 and 2100 in the period, found (?P<v>.+)",
            "cần một năm từ 1900 đến 2100 trong kỳ, nhưng gặp {v}",
        ),
        (r"the period (?P<v>.+) ends before it starts", "kỳ {v} kết thúc trước khi bắt đầu"),
        (
            r"(?P<v>.+) is not a real date \(in (?P<o>.+)\)",
            "{v} không phải là một ngày có thật (trong {o})",
        ),
        (
            r"expected a date as YYYY-MM-DD or DD/MM/YYYY in the period range, found (?P<v>.+) "
            r"\(in (?P<o>.+)\); expected a period like (?P<forms>.+)",
            "cần một ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY trong khoảng kỳ, nhưng gặp {v} "
            "(trong {o}); cần một kỳ như {forms}",
        ),
    ),
    "unknown-indicator": (
        (
            r"no indicator (?P<id>.+); closest: (?P<close>.+)",
            "không có chỉ tiêu {id}; gần nhất: {close}",
        ),
        (
            r"no indicator (?P<id>.+); see chitieu\.list_indicators\(\)",
            "không có chỉ tiêu {id}; xem 'chitieu indicators'",
        ),
    ),
    "unknown-plan": (
        (
            r"no plan is called (?P<n>.+) and there is no such file; known plans: (?P<k>.+), "
            r"or give a plan file \(\.yaml, \.json, \.toml\)",
            "không có kế hoạch nào tên {n} và cũng không có tệp này; các kế hoạch đã biết: {k}, "
            "hoặc đưa một tệp kế hoạch (.yaml, .json, .toml)",
        ),
        (
            r"no plan is called (?P<n>.+); known plans: (?P<k>.+)",
            "không có kế hoạch nào tên {n}; các kế hoạch đã biết: {k}",
        ),
    ),
}


def translate_error(code: str, text: str, lang: Lang) -> str:
    """The message *text* of a library error with code *code*, in *lang*.

    The library speaks English; the messages users meet most (a missing path,
    a bad period, an unknown indicator or plan) have a Vietnamese form here.
    Any other message stays as it is.

    Examples
    --------
    >>> translate_error("no-such-path", "khong-co: no such file or folder", "vi")
    'khong-co: không có tệp hay thư mục này'
    >>> translate_error("no-such-path", "khong-co: no such file or folder", "en")
    'khong-co: no such file or folder'
    >>> translate_error("bad-period", "expected a period like 2024 or 2024-H1, found 'x'", "vi")
    "cần một kỳ như 2024 hoặc 2024-H1, nhưng gặp 'x'"
    """
    if lang != "vi":
        return text
    for pattern, template in _ERRORS_VI.get(code, ()):
        found = re.fullmatch(pattern, text)
        if found is not None:
            parts = dict(found.groupdict())
            if "forms" in parts:
                parts["forms"] = parts["forms"].replace(" or ", " hoặc ")
            return template.format(**parts)
    return text


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """``--lang vi|en``: the language of messages and labels (default ``vi``)."""
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=default_lang(),
        help=tr(
            "language of messages and labels, and how numbers are written (4.500 or 4,500): "
            "vi (default, or $CHITIEU_LANG) or en / ngôn ngữ của thông báo, nhãn và cách viết số",
            "ngôn ngữ của thông báo, trợ giúp và nhãn, và cách viết số (4.500 hay 4,500): vi "
            "(mặc định, hoặc $CHITIEU_LANG) hay en / language of messages and labels",
        ),
    )


def add_output_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--output FILE``: write *what* to a file instead of standard output."""
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help=tr(
            f"write {what} to FILE (UTF-8) instead of standard output",
            f"ghi {what} vào FILE (UTF-8) thay vì in ra đầu ra chuẩn",
        ),
    )


def message(text: str) -> None:
    """One line on standard error (for people, never for programs)."""
    stream: TextIO = sys.stderr
    stream.write(text.rstrip("\n") + "\n")
    stream.flush()


def emit(text: str, output: Path | None = None, *, lang: Lang = "en") -> None:
    """Write a result to *output* (a file) or to standard output.

    A missing folder of *output* is created. The text is written as UTF-8;
    a character UTF-8 cannot encode (a lone surrogate) becomes ``?`` rather
    than stopping the command.

    Raises
    ------
    chitieu.errors.WriteError
        Code ``cannot-write-output``, when the file cannot be written (its
        folder cannot be made, it is a folder, no permission, disk full); the
        command line exits with code 2.
    """
    from chitieu.errors import WriteError

    body = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(body)
        sys.stdout.flush()
        return
    try:
        if output.parent and not output.parent.exists():
            output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8", errors="replace", newline="") as f:
            f.write(body)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise WriteError(
            say(
                f"{output}: cannot write the output ({reason})",
                lang,
                vi=f"{output}: không ghi được kết quả ({reason})",
            ),
            code="cannot-write-output",
        ) from None
    message(say(f"wrote {output}", lang, vi=f"đã ghi {output}"))


def rich_available() -> bool:
    """Whether the optional ``rich`` package can be imported."""
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def _stderr_is_terminal() -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class _Steps:
    """Advances a progress bar, or does nothing when there is none."""

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self._bar = bar
        self._task = task

    def step(self, description: str | None = None) -> None:
        """Mark one unit of work done (optionally naming the next one)."""
        if self._bar is not None:
            if description is not None:
                self._bar.update(self._task, advance=1, description=description)
            else:
                self._bar.advance(self._task)

    def describe(self, description: str) -> None:
        """Say what is being done now."""
        if self._bar is not None:
            self._bar.update(self._task, description=description)


@contextlib.contextmanager
def progress(total: int, description: str) -> Iterator[_Steps]:
    """A progress bar on standard error when it is a terminal and rich is installed.

    Examples
    --------
    >>> with progress(2, "reading") as steps:  # no terminal here: nothing is drawn
    ...     steps.step()
    ...     steps.step()
    """
    if not (_stderr_is_terminal() and rich_available()):
        yield _Steps()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    console = Console(file=sys.stderr)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield _Steps(bar, task)


def print_table(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str],
    *,
    align: str | None = None,
    title: str | None = None,
) -> None:
    """Print a table on standard output: a rich table on a terminal, plain text otherwise."""
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty is not None and isatty() and rich_available():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        for i, h in enumerate(headers):
            table.add_column(
                h, justify="right" if align and align[i] == "r" else "left", no_wrap=i == 0
            )
        for row in rows:
            table.add_row(*("" if c is None else str(c) for c in row))
        Console(file=sys.stdout).print(table)
        return
    text = format_table(rows, headers, align=align)
    emit(f"{title}\n{text}" if title else text)
