"""The benchmark's references agree with chitieu, cell by cell.

``benchmarks/run.py`` compares independent implementations of the eight main
indicators (pandas always; DuckDB and polars when installed) with
:func:`chitieu.report`. These tests run it at a tiny size and check that the
comparison finds no mismatch, and that it would find one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import chitieu

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "benchmarks" / "run.py"
N_CHILDREN = 20_000


def _run(tmp_path: Path, engines: str) -> dict[str, object]:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--quick",
            "--children",
            str(N_CHILDREN),
            "--engines",
            engines,
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return result


@pytest.mark.slow
def test_quick_pandas_reference_matches_report(tmp_path: Path) -> None:
    result = _run(tmp_path, "pandas")
    (run,) = result["runs"]  # type: ignore[misc]
    pandas_info = run["engines"]["pandas"]
    assert pandas_info["mismatches"] == 0, pandas_info["examples"]
    assert pandas_info["cells"] > 1_000  # every commune x every category of eight indicators
    assert run["engines"]["report8"]["indicators"] == 8
    assert run["rows"]["children"] == N_CHILDREN
    assert (tmp_path / "cache" / f"children-{N_CHILDREN}-seed-1" / "meta.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_quick_optional_reference_matches_report(tmp_path: Path, engine: str) -> None:
    pytest.importorskip(engine)
    result = _run(tmp_path, engine)
    (run,) = result["runs"]  # type: ignore[misc]
    info = run["engines"][engine]
    assert info["mismatches"] == 0, info["examples"]
    assert info["cells"] > 1_000


@pytest.mark.slow
def test_comparison_finds_a_changed_cell() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from references import common, pandas_ref
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))

    sub = chitieu.synth.generate(n_children=9_000, seed=3, year=2024)
    rep = chitieu.report(sub, period=common.PERIOD, indicators=list(common.EIGHT))
    rows = common.report_long(rep.table)
    ref = pandas_ref.compute(common.frames_of(sub))
    assert common.compare(rows, ref)["mismatches"] == 0

    nums = ref.numerators.copy()
    hit = nums.index[(nums["indicator_id"] == "injury_rate") & (nums["breakdown"] == "sex")][0]
    nums.loc[hit, "numerator"] += 1
    dens = ref.denominators.copy()
    spread = dens.index[dens["category"] == common.ANY][0]
    dens.loc[spread, "denominator"] -= 1
    check = common.compare(rows, common.Result(nums, dens))
    assert check["numerator_mismatches"] == 1
    assert check["denominator_mismatches"] >= 1
    assert set(check["mismatch_indicators"]) >= {"injury_rate"}
    assert isinstance(check["examples"][0]["unit_code"], str)
    assert pd.notna(check["examples"][0]["numerator_ref"])


def test_a_cache_without_every_table_of_the_generator_is_made_again(tmp_path: Path) -> None:
    sys.path.insert(0, str(RUN.parent))
    try:
        import run as bench_run
    finally:
        sys.path.remove(str(RUN.parent))
    from chitieu.schemas import TABLES

    folder = tmp_path / "children-10-seed-1"
    folder.mkdir()
    assert not bench_run.cache_is_current(folder)  # no meta.json: incomplete
    rows = dict.fromkeys(TABLES, 1)
    (folder / "meta.json").write_text(json.dumps({"rows": rows}), encoding="utf-8")
    assert bench_run.cache_is_current(folder)
    del rows["activities"]  # written before the generator made activities
    (folder / "meta.json").write_text(json.dumps({"rows": rows}), encoding="utf-8")
    assert not bench_run.cache_is_current(folder)
