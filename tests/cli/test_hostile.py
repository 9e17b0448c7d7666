"""Hostile and broken inputs never crash chitieu: each ends in exit 0, 1 or 2 with a code.

The inputs are made on the fly by ``tests/hostile/make.py`` (zip traversal and
bombs, workbooks with a stray cell at XFD1048576, exotic Parquet types, binary
junk named ``.csv``, ...). Each is given to ``chitieu validate`` in JSON and in
text; the exit code, the code of the message and the absence of a traceback
are checked. Cases that could exhaust memory run in a child process under an
address-space limit, and their peak memory is bounded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from chitieu.cli import main

_MAKE = Path(__file__).resolve().parents[1] / "hostile" / "make.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("chitieu_hostile_make", _MAKE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


make = _load()
CASES = make.CASES
LIGHT = [c for c in CASES if not c.heavy]
HEAVY = [c for c in CASES if c.heavy]
#: Address space a child process may take, and the peak resident memory allowed.
ADDRESS_SPACE = 4 * 1024**3
PEAK_RSS = 1024**3
_ERROR_LINE = re.compile(r"^chitieu: error \[([a-z0-9-]+)\]: .+$")


def _params(cases: list[Any]) -> list[object]:
    return [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else []) for c in cases]


def _check(case: Any, code: int, out: str, err: str, fmt: str) -> None:
    assert "Traceback" not in out + err
    assert "internal error" not in err
    assert code == case.exit, (code, err[:500])
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1, lines
        match = _ERROR_LINE.match(lines[0])
        assert match is not None, lines[0]
        assert match.group(1) == case.code
        assert out == ""
    elif fmt == "json":
        assert err == ""
        codes = {p["code"] for p in json.loads(out)["problems"]}
        if case.code is not None:
            assert case.code in codes, codes
        assert not codes & set(case.absent), codes
    else:
        if case.code is not None:
            assert case.code in out


def test_there_are_thirty_hostile_cases_in_every_class() -> None:
    assert len(CASES) >= 30
    assert {c.kind for c in CASES} == {"zip", "xlsx", "parquet", "csv", "names"}
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", _params(LIGHT))
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_hostile_input_ends_with_a_coded_exit(
    case: Any,
    fmt: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    path = case.build(tmp_path)
    code = main(["validate", str(path), "--format", fmt, "--lang", "en"])
    out, err = capsys.readouterr()
    _check(case, code, out, err, fmt)


_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from chitieu.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = [line.split()[1] for line in status if line.startswith("VmHWM")]
sys.stderr.write(f"\\nPEAK-KIB {{peak[0] if peak else 0}}\\n")
sys.exit(code)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("case", _params(HEAVY))
def test_heavy_hostile_input_stays_within_memory(case: Any, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    env = {**os.environ, **case.env, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(limit=ADDRESS_SPACE), "validate", str(path),
         "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )  # fmt: skip
    err, _, peak = done.stderr.rpartition("PEAK-KIB ")
    assert peak.strip().isdigit(), done.stderr[-2000:]
    peak_bytes = int(peak) * 1024
    _check(case, done.returncode, done.stdout, err.strip() + ("\n" if err.strip() else ""), "json")
    assert peak_bytes < PEAK_RSS, f"{case.name}: peak {peak_bytes / 2**20:.0f} MiB"
