"""``python -m chitieu`` as a real process: the entry point, exit codes and streams."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chitieu import __version__


def _run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "chitieu", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_python_m_chitieu_version() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"chitieu {__version__}"
    assert done.stderr == ""


@pytest.mark.slow
def test_python_m_chitieu_validate_json_and_exit_1() -> None:
    root = Path(__file__).resolve().parents[2]
    done = _run(
        "validate", "tests/data/invalid-vi-headers/submission", "--format", "json", cwd=root
    )
    assert done.returncode == 1
    assert done.stderr == ""  # piped: no progress bar, nothing but the result on stdout
    data = json.loads(done.stdout)
    assert data["valid"] is False and data["n_errors"] == 8
    assert {(p["file"], p["row"]) for p in data["problems"]} >= {
        ("tre_em.csv", 4),
        ("don_vi_hanh_chinh.csv", 2),
    }
