"""Benchmark :func:`chitieu.synth.generate`.

Run ``python benchmarks/bench_synth.py [--children 1000000] [--repeat 3]``.
Each size is generated *repeat* times in this process after one warm-up call
(imports and code-list caches out of the timing); the script prints one JSON
line per size with the best and median wall time, the rows of every table,
the peak resident memory of the process (``ru_maxrss``), the bytes of the
generated frames and both per child: ``peak_bytes_per_child`` is the growth of
the peak over the resident memory before the size's first run, so sizes run
from the smallest up (they are sorted) and one size a process gives the
cleanest figure.
"""

from __future__ import annotations

import argparse
import json
import os
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


def _resident_mib() -> float:
    """Resident memory of this process now, in MiB (Linux; the peak elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except OSError:  # not Linux
        return _peak_mib()
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(n_children: int, repeat: int, seed: int) -> dict[str, object]:
    """Time ``generate(n_children)`` *repeat* times; its memory against its output."""
    times = []
    rows: dict[str, int] = {}
    output = 0
    before = _resident_mib()
    for i in range(repeat):
        start = time.perf_counter()
        sub = synth.generate(n_children=n_children, seed=seed + i, year=2024)
        times.append(time.perf_counter() - start)
        rows = sub.n_rows
        output = sum(int(frame.memory_usage(deep=True).sum()) for _, frame in sub.tables())
        del sub
    peak = _peak_mib()
    return {
        "children": n_children,
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "rows": rows,
        "peak_mib": peak,
        "output_mib": round(output / 2**20, 1),
        "output_bytes_per_child": round(output / n_children),
        "peak_bytes_per_child": round(max(0.0, peak - before) * 2**20 / n_children),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    synth.generate(n_children=100, seed=args.seed)  # warm-up
    for n in sorted(args.children):
        print(json.dumps(run(n, args.repeat, args.seed)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
