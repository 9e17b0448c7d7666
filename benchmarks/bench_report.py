"""Benchmark :func:`chitieu.report` on a large synthetic submission.

Run ``python benchmarks/bench_report.py [--children 1000000] [--period 2024]``.
The script generates the submission, builds the commune report of every
indicator (each by commune and by commune x each dimension), rolls it up to
province level, and times a reference in the same process: a plain pandas
``groupby`` count of the children by commune x sex. It prints one JSON line:
wall times, the ratio of the report to the reference, the table's size and
the peak resident memory after generation and after the report
(``ru_maxrss``, which only grows).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time

import chitieu
from chitieu import synth


def _peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 if sys.platform != "darwin" else peak / 2**20, 1)


def run(n_children: int, period: str, seed: int) -> dict[str, object]:
    """Generate, report, roll up and time the reference; return the measures."""
    start = time.perf_counter()
    sub = synth.generate(n_children=n_children, seed=seed)
    generate_s = time.perf_counter() - start
    peak_after_generate = _peak_mib()

    start = time.perf_counter()
    rep = chitieu.report(sub, period=period)
    report_s = time.perf_counter() - start
    peak_after_report = _peak_mib()

    start = time.perf_counter()
    province = rep.rollup("province")
    rollup_s = time.perf_counter() - start

    start = time.perf_counter()
    reference = sub.children.groupby(["commune_code", "sex"], observed=True).size()
    reference_s = time.perf_counter() - start

    return {
        "benchmark": "report",
        "children": n_children,
        "period": period,
        "communes": int((sub.units["level"] == "COMMUNE").sum()),
        "indicators": len(rep.indicators),
        "skipped": len(rep.skipped),
        "rows": len(rep.table),
        "province_rows": len(province.table),
        "generate_s": round(generate_s, 3),
        "report_s": round(report_s, 3),
        "generate_and_report_s": round(generate_s + report_s, 3),
        "rollup_province_s": round(rollup_s, 3),
        "reference_groupby_s": round(reference_s, 4),
        "reference_cells": int(reference.size),
        "report_over_reference": round(report_s / reference_s, 1),
        "peak_mib_after_generate": peak_after_generate,
        "peak_mib_after_report": peak_after_report,
        "python": platform.python_version(),
        "chitieu": chitieu.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--period", default="2024")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    chitieu.report(synth.generate(n_children=200, seed=0), period=args.period)  # warm-up
    print(json.dumps(run(args.children, args.period, args.seed)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
