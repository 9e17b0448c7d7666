"""Dependencies flow one way: no import cycle, and no lower module reaches up.

The layers, from the bottom: errors, privacy, periods, code lists, schemas and
the readers (``io``); validation; the indicators; compute and the report;
plans, trends, quality and the exports; the command line on top. A module may
import a lower layer at module level or inside a function; it may never import
a higher one, even lazily, and nothing below the command line imports it.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def _modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / "chitieu").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imported(name: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The chitieu modules an import statement of module *name* names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if node.level:
        base = name.split(".")
        if MODULES[name].name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - node.level + 1]
        module = ".".join([*base, *([node.module] if node.module else [])])
    else:
        module = node.module or ""
    return [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]


@functools.cache
def _graph(*, module_level: bool) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if module_level:
            nodes = [
                n
                for n in tree.body
                if isinstance(n, ast.Import | ast.ImportFrom)  # TYPE_CHECKING blocks are left out
            ]
        else:
            nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        graph[name] = {
            d
            for n in nodes
            for d in _imported(name, n)
            if d in MODULES and d != name and d.startswith("chitieu")
        }
    return graph


def _layer(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


#: What each lower layer may never import, even inside a function.
FORBIDDEN: dict[tuple[str, ...], tuple[str, ...]] = {
    ("chitieu.errors", "chitieu.privacy", "chitieu.periods", "chitieu.codelists"): (
        "chitieu.schemas",
        "chitieu.io",
        "chitieu.validation",
        "chitieu.indicators",
        "chitieu.compute",
        "chitieu.report",
        "chitieu.plans",
        "chitieu.export",
    ),
    ("chitieu.schemas", "chitieu.io"): (
        "chitieu.validation",
        "chitieu.indicators",
        "chitieu.compute",
        "chitieu.report",
        "chitieu.plans",
        "chitieu.export",
        "chitieu.trends",
        "chitieu.quality",
    ),
    ("chitieu.validation",): (
        "chitieu.indicators",
        "chitieu.compute",
        "chitieu.report",
        "chitieu.plans",
        "chitieu.export",
    ),
    ("chitieu.indicators",): (
        "chitieu.report",
        "chitieu.plans",
        "chitieu.export",
        "chitieu.trends",
        "chitieu.quality",
    ),
}


def test_no_import_cycle_at_module_level() -> None:
    graph = _graph(module_level=True)
    seen: dict[str, int] = {}  # 1: on the path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for dep in sorted(graph[node]):
            if seen.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep])
            elif dep not in seen:
                visit(dep, [*path, dep])
        seen[node] = 2

    for module in sorted(graph):
        if module not in seen:
            visit(module, [module])
    assert not cycles, cycles


@pytest.mark.parametrize("lower", sorted(FORBIDDEN), ids=lambda t: "+".join(t))
def test_a_lower_layer_never_reaches_up(lower: tuple[str, ...]) -> None:
    graph = _graph(module_level=False)
    bad = sorted(
        (module, dep)
        for module, deps in graph.items()
        if _layer(module) in lower
        for dep in deps
        if _layer(dep) in FORBIDDEN[lower]
    )
    assert not bad, bad


def test_only_the_entry_points_import_the_command_line() -> None:
    graph = _graph(module_level=False)
    bad = sorted(
        (module, dep)
        for module, deps in graph.items()
        if _layer(module) != "chitieu.cli" and module != "chitieu.__main__"
        for dep in deps
        if _layer(dep) == "chitieu.cli"
    )
    assert not bad, bad


def test_the_checker_sees_imports() -> None:
    # the checker itself: the report package imports the indicators, the CLI the report
    graph = _graph(module_level=False)
    assert any(_layer(d) == "chitieu.indicators" for d in graph["chitieu.report.build"])
    assert "chitieu.cli" in graph["chitieu.__main__"]
