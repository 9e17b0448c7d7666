"""Benchmark :func:`chitieu.synth.generate`.

Run ``python benchmarks/bench_synth.py [--children 1000000] [--repeat 3]``.
Each size is generated *repeat* times in this process after one warm-up call
(imports and code-list caches out of the timing); the script prints one JSON
line per size with the best and median wall time, the rows of every table and
the peak resident memory of the process (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time

from chitieu import synth


def _peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 if sys.platform != "darwin" else peak / 2**20, 1)


def run(n_children: int, repeat: int, seed: int) -> dict[str, object]:
    """Time ``generate(n_children)`` *repeat* times."""
    times = []
    rows: dict[str, int] = {}
    for i in range(repeat):
        start = time.perf_counter()
        sub = synth.generate(n_children=n_children, seed=seed + i, year=2024)
        times.append(time.perf_counter() - start)
        rows = sub.n_rows
    return {
        "children": n_children,
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "rows": rows,
        "peak_mib": _peak_mib(),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    synth.generate(n_children=100, seed=args.seed)  # warm-up
    for n in args.children:
        print(json.dumps(run(n, args.repeat, args.seed)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
