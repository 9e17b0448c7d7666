"""One version everywhere: package metadata, ``chitieu --version``, the workbook, the JSON.

And the files a release needs: the changelog names the version, the package
data that the library loads at run time are declared in pyproject.toml.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pytest

import chitieu
from chitieu.cli import main
from chitieu.indicators.examples import tiny_submission
from chitieu.report import report

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
in_source_tree = pytest.mark.skipif(
    not PYPROJECT.is_file(), reason="run against an installed wheel, outside the source tree"
)


def test_version_comes_from_the_package_metadata() -> None:
    assert chitieu.__version__ == version("chitieu")
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?\w+)*", chitieu.__version__)


@in_source_tree
def test_version_is_the_one_in_pyproject() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert project["version"] == chitieu.__version__
    assert "version" not in (project.get("dynamic") or [])


def test_cli_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"chitieu {chitieu.__version__}"


def test_workbook_cover_and_json_carry_the_version(tmp_path: Path) -> None:
    rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    assert rep.chitieu_version == chitieu.__version__
    meta = json.loads(str(rep.to_json()))["metadata"]
    assert meta["chitieu_version"] == chitieu.__version__
    cover = openpyxl.load_workbook(rep.to_excel(tmp_path / "r.xlsx")).worksheets[0]
    rows = {
        str(r[0].value): r[1].value for r in cover.iter_rows(min_row=1, max_col=2) if r[0].value
    }
    assert rows["Phiên bản chitieu / chitieu version"] == chitieu.__version__
    assert chitieu.__version__ in str(cover.oddFooter.left.text)


@in_source_tree
def test_changelog_has_an_entry_for_the_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text
    assert re.search(
        rf"^## \[{re.escape(chitieu.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M
    )


@in_source_tree
def test_package_data_loaded_at_run_time_is_declared() -> None:
    """Every data file under src/chitieu matches a package-data pattern (else a wheel lacks it)."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["chitieu"]
    package = ROOT / "src" / "chitieu"
    data = [
        p
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert data, "no data files found"
    for path in data:
        relative = path.relative_to(package)
        assert any(relative.match(pattern) for pattern in patterns), relative


def test_installed_package_has_its_data_files() -> None:
    """What the library reads at run time is inside the installed package."""
    from importlib.resources import files

    data = files("chitieu") / "data"
    assert (data / "codelists.yaml").is_file()
    assert (files("chitieu") / "py.typed").is_file()
