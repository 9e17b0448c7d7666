"""Benchmark :func:`chitieu.validate` on a large synthetic submission.

Run ``python benchmarks/bench_validate.py [--children 1000000]``. The script
generates a synthetic submission, writes its tables to Parquet in a temporary
folder, then measures in a fresh process (so that peak memory belongs to the
step measured):

- ``read_s``: reading the tables back with ``pd.read_parquet`` (the reference);
- ``validate_s``: validating the clean submission;
- ``validate_bad_s``: validating it with every child's sex replaced by an
  unknown code (one problem per child: the report must stay small).

It prints one JSON line with the times, their ratios to the reference, the
process's peak resident memory (``ru_maxrss``), the extra resident memory used
while validating (sampled from ``/proc/self/statm`` every 5 ms) and the size of
the reports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

TODAY = dt.date(2026, 11, 28)


def _peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 if sys.platform != "darwin" else peak / 2**20, 1)


def _rss_mib() -> float:
    """Resident memory now, in MiB (Linux ``/proc``; elsewhere the peak so far)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return _peak_mib()
    return pages * resource.getpagesize() / 2**20


class _RssSampler:
    """Samples resident memory every few milliseconds while a block runs."""

    def __init__(self, every_s: float = 0.005) -> None:
        self.every_s = every_s
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_mib())
            time.sleep(self.every_s)

    def __enter__(self) -> _RssSampler:
        self.start = _rss_mib()
        self.peak = self.start
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mib())


def _prepare(n_children: int, seed: int, folder: Path) -> dict[str, Any]:
    from chitieu import synth

    start = time.perf_counter()
    sub = synth.generate(n_children=n_children, seed=seed, year=2024)
    took = time.perf_counter() - start
    for table, frame in sub.tables():
        frame.to_parquet(folder / f"{table}.parquet", index=False)
    return {"synth_s": round(took, 3), "rows": sub.n_rows}


def _measure(folder: Path, plant: str) -> dict[str, Any]:
    """Runs in a fresh process: read (reference), then validate once."""
    import chitieu
    from chitieu.schemas import TABLES, column_specs
    from chitieu.submission import Submission

    chitieu.validate(Submission(), today=TODAY)  # imports and caches out of the timing
    gc.collect()
    base_mib = _peak_mib()
    start = time.perf_counter()
    frames = {t: pd.read_parquet(folder / f"{t}.parquet") for t in TABLES}
    read_s = time.perf_counter() - start
    for table, frame in frames.items():  # Parquet keeps the dtypes; make sure of it
        for name, spec in column_specs(table).items():
            if str(frame[name].dtype) != spec.dtype:
                frame[name] = frame[name].astype(spec.dtype)
    sub = Submission(**frames)
    if plant == "sex":
        sub = sub.replace(children=sub.children.assign(sex="X"))
    gc.collect()
    read_mib = _peak_mib()
    with _RssSampler() as rss:
        start = time.perf_counter()
        report = chitieu.validate(sub, today=TODAY)
        validate_s = time.perf_counter() - start
    return {
        "read_s": read_s,
        "validate_s": validate_s,
        "base_peak_mib": base_mib,
        "after_read_peak_mib": read_mib,
        "after_validate_peak_mib": _peak_mib(),
        "rss_before_validate_mib": round(rss.start, 1),
        "rss_peak_during_validate_mib": round(rss.peak, 1),
        "valid": report.valid,
        "n_errors": report.n_errors,
        "detail_rows": len(report.errors),
        "report_json_bytes": len(report.to_json(indent=None).encode("utf-8")),
    }


def _child(folder: Path, plant: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(folder), "--plant", plant],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plant", default="none", choices=["none", "sex"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(_measure(args.measure, args.plant)))
        return
    with tempfile.TemporaryDirectory(prefix="chitieu-bench-") as tmp:
        folder = Path(tmp)
        prepared = _prepare(args.children, args.seed, folder)
        clean = _child(folder, "none")
        bad = _child(folder, "sex")
    ref = clean["read_s"]
    result = {
        "benchmark": "validate",
        "children": args.children,
        "rows": prepared["rows"],
        "synth_s": prepared["synth_s"],
        "read_parquet_s": round(ref, 3),
        "validate_s": round(clean["validate_s"], 3),
        "validate_ratio_to_read": round(clean["validate_s"] / ref, 2),
        "validate_peak_mib": clean["after_validate_peak_mib"],
        "validate_extra_rss_mib": round(
            clean["rss_peak_during_validate_mib"] - clean["rss_before_validate_mib"], 1
        ),
        "data_peak_mib": clean["after_read_peak_mib"],
        "clean_valid": clean["valid"],
        "bad_validate_s": round(bad["validate_s"], 3),
        "bad_ratio_to_read": round(bad["validate_s"] / bad["read_s"], 2),
        "bad_validate_extra_rss_mib": round(
            bad["rss_peak_during_validate_mib"] - bad["rss_before_validate_mib"], 1
        ),
        "bad_n_errors": bad["n_errors"],
        "bad_detail_rows": bad["detail_rows"],
        "bad_report_json_bytes": bad["report_json_bytes"],
        "python": platform.python_version(),
        "pandas": pd.__version__,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
