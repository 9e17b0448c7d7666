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
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from chitieu.cli._common import CliUsageError, ExitCode, message

__all__ = ["ExitCode", "build_parser", "main"]


class _ArgumentError(Exception):
    """argparse found a bad argument (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and do not exit the process."""

    def error(self, message: str) -> NoReturn:
        raise _ArgumentError(f"{message} (see '{self.prog} --help')")


def _parent() -> argparse.ArgumentParser:
    """Options every command accepts."""
    parent = _Parser(add_help=False)
    parent.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback of an unexpected error",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``chitieu`` and all its commands.

    Examples
    --------
    >>> args = build_parser().parse_args(["validate", "data/", "--format", "json"])
    >>> args.command, args.paths, args.format
    ('validate', ['data/'], 'json')
    """
    from chitieu import __version__
    from chitieu.cli import demo, dhis2, indicators, plan, report, schema, validate

    parser = _Parser(
        prog="chitieu",
        description=(
            "Vietnam's official statistics on children (Circular 13/2021/TT-BLĐTBXH) from "
            "record-level data. Exit codes: 0 success/valid, 1 data problems, 2 usage error "
            "or unreadable input, 3 internal error."
        ),
    )
    parser.add_argument("--version", action="version", version=f"chitieu {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback of an unexpected error"
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


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
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
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(arguments)
        except _ArgumentError as exc:
            message(f"chitieu: error [usage]: {exc}")
            return int(ExitCode.USAGE)
        except SystemExit as exc:  # --help and --version
            return exc.code if isinstance(exc.code, int) else int(ExitCode.USAGE)
        debug = bool(getattr(args, "debug", False))
        handler = getattr(args, "handler", None)
        if handler is None:
            if args.command == "schema":
                message("chitieu: error [usage]: say what to do with the schemas: chitieu schema export")
            else:
                parser.print_help(sys.stderr)
            return int(ExitCode.USAGE)
        return int(handler(args))
    except (CliUsageError, ChitieuError) as exc:
        if debug:
            traceback.print_exc()
        code = getattr(exc, "code", "usage")
        message(f"chitieu: error [{code}]: {mask_text(_one_line(exc))}")
        return int(ExitCode.USAGE)
    except OSError as exc:
        if debug:
            traceback.print_exc()
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        reason = exc.strerror or _one_line(exc)
        message(f"chitieu: error [os-error]: {mask_text(where + reason)}")
        return int(ExitCode.USAGE)
    except KeyboardInterrupt:
        message("chitieu: interrupted")
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if debug:
            traceback.print_exc()
            message(f"chitieu: internal error: {type(exc).__name__}: {_one_line(exc)}")
        else:
            # Only the exception's type: its text may quote a cell of the data.
            message(
                f"chitieu: internal error ({type(exc).__name__}); "
                "rerun with --debug to see the traceback, and please report it"
            )
        return int(ExitCode.INTERNAL)
