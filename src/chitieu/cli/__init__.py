"""The ``chitieu`` command line: a thin shell over the library.

Commands (one module each): ``validate``, ``report``, ``demo``, ``indicators``,
``schema export`` and ``plan check``. Exit codes are the same for every command:

=====  =====================================================================
code   meaning
=====  =====================================================================
0      success; for ``validate``: every submission is valid (warnings allowed)
1      data problems found (validation errors)
2      usage error or input that cannot be read at all (missing file, damaged
       zip, encrypted workbook, bad period, unknown indicator id)
3      internal error: a bug in chitieu (rerun with ``--debug`` for details)
130    interrupted (Ctrl+C)
=====  =====================================================================

Every failure prints one line on standard error, never a traceback (except
with ``--debug``).

Examples
--------
>>> main(["--version"])  # doctest: +ELLIPSIS
chitieu ...
0
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import traceback
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from chitieu.cli._common import (
    CliUsageError,
    ExitCode,
    Lang,
    current_lang,
    message,
    scan_lang,
    speaking,
    tr,
    translate_error,
)

__all__ = ["ExitCode", "build_parser", "main"]


class _ArgumentError(Exception):
    """argparse found a bad argument (exit code 2)."""


#: argparse's own messages (Python's English) and their Vietnamese forms.
_ARGPARSE_VI: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<a>.+)", "thiếu các đối số bắt buộc: {a}"),
    (r"unrecognized arguments: (?P<a>.+)", "đối số không nhận ra: {a}"),
    (r"ambiguous option: (?P<o>\S+) could match (?P<m>.+)", "tùy chọn {o} không rõ: có thể là {m}"),
    (r"argument (?P<a>\S+): invalid choice: (?P<v>.+) \(choose from (?P<c>.+)\)",
     "đối số {a}: lựa chọn không hợp lệ: {v} (chọn một trong {c})"),
    (r"argument (?P<a>\S+): expected one argument", "đối số {a}: cần một giá trị"),
    (r"argument (?P<a>\S+): expected at least one argument", "đối số {a}: cần ít nhất một giá trị"),
    (r"argument (?P<a>\S+): invalid (?P<t>\S+) value: (?P<v>.+)",
     "đối số {a}: giá trị {t} không hợp lệ: {v}"),
    (r"argument (?P<a>\S+): ignored explicit argument (?P<v>.+)",
     "đối số {a}: bỏ qua giá trị {v}"),
    (r"argument (?P<a>\S+): (?P<m>.+)", "đối số {a}: {m}"),
)  # fmt: skip


def _argparse_text(text: str, lang: Lang) -> str:
    """argparse's message *text* in *lang*.

    Examples
    --------
    >>> _argparse_text("the following arguments are required: PATH", "vi")
    'thiếu các đối số bắt buộc: PATH'
    >>> _argparse_text("the following arguments are required: PATH", "en")
    'the following arguments are required: PATH'
    """
    if lang != "vi":
        return text
    for pattern, template in _ARGPARSE_VI:
        found = re.fullmatch(pattern, text)
        if found is not None:
            return template.format(**found.groupdict())
    return text


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with its headings in the language spoken."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = tr("usage: ", "cách dùng: ")
        super().add_usage(usage, actions, groups, prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and do not exit the process.

    Its headings and the help of ``-h`` are in the language spoken when it is
    built (:func:`chitieu.cli._common.speaking`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        parents: Sequence[argparse.ArgumentParser] = kwargs.pop("parents", ())
        super().__init__(*args, **kwargs)
        self._positionals.title = tr("positional arguments", "đối số")
        self._optionals.title = tr("options", "tùy chọn")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = tr("show this help message and exit", "hiện trợ giúp này rồi thoát")
        # the parents' options join the groups of the same (translated) title
        for parent in parents:
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message: str) -> NoReturn:
        lang = current_lang()
        see = tr(f"see '{self.prog} --help'", f"xem '{self.prog} --help'")
        raise _ArgumentError(f"{_argparse_text(message, lang)} ({see})")


def _parent() -> argparse.ArgumentParser:
    """Options every command accepts."""
    parent = _Parser(add_help=False)
    parent.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help=tr(
            "show the full traceback of an unexpected error",
            "hiện toàn bộ vết lỗi (traceback) của một lỗi bất ngờ",
        ),
    )
    return parent


def build_parser(lang: Lang | None = None) -> argparse.ArgumentParser:
    """The parser of ``chitieu`` and all its commands, its help in *lang*.

    Parameters
    ----------
    lang
        The language of the help texts (default: the language spoken now,
        Vietnamese unless ``CHITIEU_LANG`` says ``en``).

    Examples
    --------
    >>> args = build_parser().parse_args(["validate", "data/", "--format", "json"])
    >>> args.command, args.paths, args.format
    ('validate', ['data/'], 'json')
    >>> "check submissions" in build_parser("en").format_help()
    True
    """
    with speaking(current_lang() if lang is None else lang):
        return _build_parser()


def _build_parser() -> argparse.ArgumentParser:
    from chitieu import __version__
    from chitieu.cli import demo, dhis2, indicators, plan, report, schema, validate

    parser = _Parser(
        prog="chitieu",
        description=tr(
            "Vietnam's official statistics on children (Circular 13/2021/TT-BLĐTBXH) from "
            "record-level data. Exit codes: 0 success/valid, 1 data problems, 2 usage error "
            "or unreadable input, 3 internal error.",
            "Số liệu thống kê chính thức về trẻ em Việt Nam (Thông tư 13/2021/TT-BLĐTBXH) "
            "từ dữ liệu theo từng bản ghi. Mã thoát: 0 thành công/hợp lệ, 1 dữ liệu có lỗi, "
            "2 sai cách dùng hoặc không đọc được dữ liệu, 3 lỗi bên trong chitieu.",
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"chitieu {__version__}",
        help=tr("show program's version number and exit", "hiện số phiên bản rồi thoát"),
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help=tr(
            "show the full traceback of an unexpected error",
            "hiện toàn bộ vết lỗi (traceback) của một lỗi bất ngờ",
        ),
    )
    parent = _parent()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (validate, report, demo, indicators, schema, plan, dhis2):
        module.register(subparsers, parent)
    return parser


def _reconfigure_streams() -> None:
    """Never fail on a character the terminal cannot show."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and encoding != "utf8":
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def _one_line(exc: BaseException, text: str | None = None) -> str:
    lines = (str(exc) if text is None else text).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code.

    Parameters
    ----------
    argv
        The arguments, without the program name.

    Returns
    -------
    int
        0 success, 1 data problems, 2 usage error or unreadable input, 3 internal
        error, 130 interrupted.
    """
    from chitieu.errors import ChitieuError
    from chitieu.privacy import mask_text

    _reconfigure_streams()
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    lang: Lang = scan_lang(arguments)
    with speaking(lang):
        try:
            parser = build_parser(lang)
            try:
                args = parser.parse_args(arguments)
            except _ArgumentError as exc:
                message(f"chitieu: error [usage]: {exc}")
                return int(ExitCode.USAGE)
            except SystemExit as exc:  # --help and --version
                return exc.code if isinstance(exc.code, int) else int(ExitCode.USAGE)
            debug = bool(getattr(args, "debug", False))
            lang = getattr(args, "lang", lang)
            handler = getattr(args, "handler", None)
            if handler is None:
                if args.command == "schema":
                    text = tr(
                        "say what to do with the schemas: chitieu schema export",
                        "hãy nói cần làm gì với các lược đồ: chitieu schema export",
                    )
                    message(f"chitieu: error [usage]: {text}")
                else:
                    parser.print_help(sys.stderr)
                return int(ExitCode.USAGE)
            with speaking(lang):
                return int(handler(args))
        except (CliUsageError, ChitieuError) as exc:
            if debug:
                traceback.print_exc()
            code = getattr(exc, "code", "usage")
            if isinstance(exc, CliUsageError):
                text = _one_line(exc, exc.text(lang))
            else:
                text = translate_error(code, _one_line(exc), lang)
            message(f"chitieu: error [{code}]: {mask_text(text)}")
            return int(ExitCode.USAGE)
        except OSError as exc:
            if debug:
                traceback.print_exc()
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            reason = exc.strerror or _one_line(exc)
            message(f"chitieu: error [os-error]: {mask_text(where + reason)}")
            return int(ExitCode.USAGE)
        except KeyboardInterrupt:
            message(tr("chitieu: interrupted", "chitieu: đã dừng (Ctrl+C)"))
            return int(ExitCode.INTERRUPTED)
        except Exception as exc:
            if debug:
                traceback.print_exc()
                message(f"chitieu: internal error: {type(exc).__name__}: {_one_line(exc)}")
            else:
                # Only the exception's type: its text may quote a cell of the data.
                message(
                    f"chitieu: internal error ({type(exc).__name__}); "
                    + tr(
                        "rerun with --debug to see the traceback, and please report it",
                        "đây là lỗi của chitieu: chạy lại với --debug để xem vết lỗi, và xin "
                        "hãy báo lỗi này",
                    )
                )
            return int(ExitCode.INTERNAL)
