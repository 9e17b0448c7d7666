"""The formats of ``chitieu validate --format``: the library's renderers, by name.

Every output format lives in :mod:`chitieu.validation.render` (and as methods
of :class:`~chitieu.validation.ValidationReport`); the command only picks one
and prints what it returns, so a library user gets exactly what the command
line prints.
"""

from __future__ import annotations

from chitieu.validation.render import (
    Checked,
    Problem,
    _escape_data,
    _escape_property,
    _uri,
    locate,
    render,
    render_github,
    render_json,
    render_junit,
    render_markdown,
    render_sarif,
    render_text,
)

__all__ = [
    "FORMATS",
    "Checked",
    "Problem",
    "_escape_data",
    "_escape_property",
    "_uri",
    "locate",
    "render",
    "render_github",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "render_text",
]

#: The formats ``chitieu validate --format`` offers.
FORMATS: tuple[str, ...] = ("text", "json", "junit", "github", "sarif", "markdown")
