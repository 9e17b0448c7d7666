"""National-scale benchmark of chitieu against DuckDB, polars and pandas references.

Run ``python benchmarks/run.py --quick`` (200,000 children, under a minute) or
``python benchmarks/run.py --children 1000000 5000000 [--json results.json]``.

For each size the script

1. generates a synthetic submission with :func:`chitieu.synth.generate` (one
   province, one commune per 4,500 children) and caches it as Parquet under
   ``benchmarks/.cache/children-<n>-seed-<seed>/`` (reused when present);
2. runs every engine in its own process on the same cached tables, read back
   with ``pd.read_parquet`` into the same pandas frames:

   - ``report``: :func:`chitieu.report` of every indicator (by commune and by
     commune x each dimension, one at a time);
   - ``report8``: the same restricted to the eight main record-based
     indicators of :data:`references.common.EIGHT`;
   - ``duckdb``, ``polars``, ``pandas``: the same numerators and denominators
     computed by the references of :mod:`references` (written from the
     counting rules, not from chitieu's code);
   - ``validate``: :func:`chitieu.validate` of the submission, beside the
     time ``pd.read_parquet`` takes to read the same tables;

3. compares every reference with the ``report8`` table cell by cell
   (numerators and denominators must be equal; 0 mismatches expected);
4. prints a table (best time of *repeat* runs, ratio to ``report8``, peak
   resident memory above the memory held after loading the frames, in-memory
   size of the input) and, with ``--json FILE``, writes the results (after
   every engine, with ``"complete": false`` until the end).

A worker is the same script with ``--engine NAME --children N``; it prints one
JSON line. Peak memory is ``ru_maxrss`` of the worker at the end minus its
value after the frames were loaded and one warm-up run on a tiny submission.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import inspect
import io
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script or imported from the tests
    sys.path.insert(0, str(HERE))

from references import common  # noqa: E402

DEFAULT_CACHE = HERE / ".cache"
QUICK_SIZE = 200_000
#: Sizes up to this many children get 3 runs by default, larger ones 1.
SMALL = 2_000_000
REFERENCES = ("duckdb", "polars", "pandas")
ENGINES = ("report", "report8", *REFERENCES, "validate")
OPTIONAL = {"duckdb": "duckdb", "polars": "polars"}


# -- measuring ------------------------------------------------------------------
def _peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def _status_mib(field: str) -> float | None:
    """A memory field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``) in MiB; None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak resident memory of this process (Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return _status_mib("VmHWM") is not None


def _report_kwargs() -> dict[str, Any]:
    """``validation="skip"`` when :func:`chitieu.report` validates by default."""
    import chitieu

    params = inspect.signature(chitieu.report).parameters
    return {"validation": "skip"} if "validation" in params else {}


def _engine_call(engine: str) -> Callable[[Any], Any]:
    """The function an engine runs on a submission."""
    import chitieu

    kwargs = _report_kwargs()
    if engine == "report":
        return lambda sub: chitieu.report(sub, period=common.PERIOD, **kwargs)
    if engine == "report8":
        return lambda sub: chitieu.report(
            sub, period=common.PERIOD, indicators=list(common.EIGHT), **kwargs
        )
    if engine == "validate":
        return lambda sub: chitieu.validate(sub)
    module = importlib.import_module(f"references.{engine}_ref")
    return lambda sub: module.compute(common.frames_of(sub))


def cache_folder(cache: Path, n_children: int, seed: int) -> Path:
    """Where the submission of *n_children* and *seed* is cached."""
    return cache / f"children-{n_children}-seed-{seed}"


def cache_is_current(folder: Path) -> bool:
    """Whether *folder* holds a complete cache with every table the generator now writes.

    A cache written before the generator gained a table (activities and
    services, say) would leave the indicators on that table without data:
    it is generated again.
    """
    from chitieu.schemas import TABLES

    meta_file = folder / "meta.json"
    if not meta_file.exists():
        return False
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    written = set(meta.get("rows", {}))
    return set(TABLES) <= written


def generate(n_children: int, seed: int, cache: Path) -> dict[str, Any]:
    """Generate the submission and write it as Parquet (``meta.json`` last: complete)."""
    from chitieu import synth

    folder = cache_folder(cache, n_children, seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sub = synth.generate(n_children=n_children, seed=seed, year=2024)
    took = time.perf_counter() - start
    for table, frame in sub.tables():
        frame.to_parquet(folder / f"{table}.parquet", index=False)
    meta = {
        "children": n_children,
        "seed": seed,
        "generate_s": round(took, 3),
        "rows": sub.n_rows,
        "communes": int(sub.units["level"].eq("COMMUNE").sum()),
        "source": sub.source,
        "generate_peak_mib": round(_peak_mib(), 1),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def measure(
    engine: str,
    folder: Path,
    repeat: int,
    out: Path | None = None,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Load the cached submission, warm up, then time *engine* *repeat* times."""
    from chitieu import synth

    call = _engine_call(engine)
    call(synth.generate(n_children=3_000, seed=0, year=2024))  # imports, caches, JIT
    sub, read_s = common.load_submission(folder)
    gc.collect()
    baseline = _peak_mib()
    input_mib = sum(float(frame.memory_usage(deep=True).sum()) for _, frame in sub.tables()) / 2**20
    times = []
    cpu = []
    # the peak of each run above the memory held just before it: the kernel's
    # high-water mark, reset before the run (so a higher peak while the frames
    # were read does not hide the engine's)
    run_peaks: list[float] = []
    result: Any = None
    for _ in range(repeat):
        result = None
        gc.collect()
        before = _status_mib("VmRSS")
        reset = before is not None and _reset_peak()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = call(sub)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        high = _status_mib("VmHWM") if reset else None
        if high is not None and before is not None:
            run_peaks.append(high - before)
    peak = _peak_mib()
    info: dict[str, Any] = {
        "engine": engine,
        "best_s": round(min(times), 3),
        "times_s": [round(t, 3) for t in times],
        "cpu_s": round(cpu[times.index(min(times))], 3),
        "read_parquet_s": round(read_s, 3),
        "input_mib": round(input_mib, 1),
        "baseline_mib": round(baseline, 1),
        "peak_mib": round(peak, 1),
        "peak_extra_mib": round(max(run_peaks) if run_peaks else peak - baseline, 1),
        "peak_method": "VmHWM above VmRSS before the run" if run_peaks else "ru_maxrss",
        "peak_extra_maxrss_mib": round(peak - baseline, 1),
    }
    if engine in ("report", "report8"):
        info["rows"] = len(result.table)
        info["indicators"] = len(result.indicators)
    if engine == "validate":
        info["valid"] = bool(result.valid)
        info["n_errors"] = int(result.n_errors)
    if out is not None:
        if engine == "report8":
            common.report_long(result.table).to_parquet(f"{out}.report.parquet", index=False)
        elif engine in REFERENCES:
            result.save(out)
    if profile is not None:
        profile.parent.mkdir(parents=True, exist_ok=True)
        profiler = cProfile.Profile()
        profiler.enable()
        call(sub)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        profile.write_text(text.getvalue(), encoding="utf-8")
        info["profile"] = str(profile)
    return info


# -- orchestrating --------------------------------------------------------------
def _worker(args: list[str]) -> tuple[dict[str, Any] | None, str]:
    """Run this script as a worker; its JSON line, or None and the reason it failed."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or [""]
        killed = proc.returncode < 0
        why = f"exit {proc.returncode}" + (" (killed: out of memory?)" if killed else "")
        return None, f"{why}: {tail[0][:200]}"
    lines = proc.stdout.strip().splitlines()
    return json.loads(lines[-1]), ""


def _available(engine: str) -> bool:
    name = OPTIONAL.get(engine)
    if name is None:
        return True
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    versions: dict[str, Any] = {}
    for name in ("chitieu", "pandas", "numpy", "pyarrow", "pandera", "duckdb", "polars"):
        try:
            versions[name] = importlib.import_module(name).__version__
        except ImportError:
            versions[name] = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gib: float | None = round(pages / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        memory_gib = None
    try:
        commit = (
            subprocess.run(
                ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            or None
        )
    except OSError:
        commit = None
    return {
        "commit": commit,
        "nproc": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        **versions,
    }


def run_size(
    n_children: int,
    *,
    seed: int,
    engines: Sequence[str],
    repeat: int,
    cache: Path,
    profile_dir: Path | None,
    log: Callable[[str], None],
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Every engine at one size, each in its own process; the comparison with report8."""
    folder = cache_folder(cache, n_children, seed)
    out: dict[str, Any] = {"children": n_children, "seed": seed, "repeat": repeat, "engines": {}}
    if not cache_is_current(folder):
        (folder / "meta.json").unlink(missing_ok=True)
        log(f"generating {n_children:,} children (seed {seed}) into {folder}")
        meta, why = _worker(
            [
                "--engine",
                "generate",
                "--children",
                str(n_children),
                "--seed",
                str(seed),
                "--cache",
                str(cache),
            ]
        )
        if meta is None:
            out["error"] = f"generation failed, {why}"
            log(out["error"])
            return out
        out["cached"] = False
    else:
        out["cached"] = True
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    out.update({k: meta[k] for k in ("generate_s", "rows", "communes", "generate_peak_mib")})
    stems = folder / "results"
    stems.mkdir(exist_ok=True)
    for engine in engines:
        if not _available(engine):
            out["engines"][engine] = {"engine": engine, "skipped": "not installed"}
            log(f"{engine}: skipped (not installed; pip install -e '.[bench]')")
            continue
        args = [
            "--engine",
            engine,
            "--children",
            str(n_children),
            "--seed",
            str(seed),
            "--cache",
            str(cache),
            "--repeat",
            str(repeat),
            "--out",
            str(stems / engine),
        ]
        if profile_dir is not None and engine in ("report", "report8"):
            args += ["--profile", str(profile_dir / f"profile-{engine}-{n_children}.txt")]
        log(f"{engine}: {n_children:,} children, best of {repeat}")
        info, why = _worker(args)
        out["engines"][engine] = info if info is not None else {"engine": engine, "error": why}
        if info is None:
            log(f"{engine}: failed, {why}")
        if progress is not None:
            progress(out)
    chitieu8 = out["engines"].get("report8", {})
    if "best_s" in chitieu8:
        report_rows = pd.read_parquet(stems / "report8.report.parquet")
        for engine in REFERENCES:
            info = out["engines"].get(engine, {})
            if "best_s" not in info:
                continue
            check = common.compare(report_rows, common.Result.load(stems / engine))
            info.update({k: v for k, v in check.items()})
        for info in out["engines"].values():
            if "best_s" in info and info["engine"] not in ("validate",):
                info["ratio_to_report8"] = round(info["best_s"] / chitieu8["best_s"], 2)
    validate = out["engines"].get("validate", {})
    reads = [i["read_parquet_s"] for i in out["engines"].values() if "read_parquet_s" in i]
    if reads:
        out["read_parquet_s"] = min(reads)
        out["input_mib"] = next(i["input_mib"] for i in out["engines"].values() if "input_mib" in i)
    if "best_s" in validate and reads:
        out["validate_s"] = validate["best_s"]
        out["validate_over_read_parquet"] = round(validate["best_s"] / min(reads), 2)
    return out


def format_table(runs: Sequence[dict[str, Any]]) -> str:
    """The results as a fixed-width text table."""
    header = (
        "engine",
        "children",
        "best s",
        "cpu s",
        "runs",
        "x report8",
        "peak+ MiB",
        "mismatches",
    )
    lines = [header]
    for run in runs:
        if "error" in run:
            lines.append(
                ("(generate)", f"{run['children']:,}", "-", "-", "-", "-", "-", run["error"])
            )
            continue
        for name, info in run["engines"].items():
            if "best_s" not in info:
                reason = info.get("skipped") or info.get("error", "")
                lines.append((name, f"{run['children']:,}", "-", "-", "-", "-", "-", reason[:60]))
                continue
            mism = info.get("mismatches")
            lines.append(
                (
                    name,
                    f"{run['children']:,}",
                    f"{info['best_s']:.2f}",
                    f"{info['cpu_s']:.2f}" if "cpu_s" in info else "-",
                    str(len(info["times_s"])),
                    f"{info['ratio_to_report8']:.2f}" if "ratio_to_report8" in info else "-",
                    f"{info['peak_extra_mib']:.0f}",
                    "-" if mism is None else f"{mism} of {info['cells']:,} cells",
                )
            )
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    text = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in lines
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    extra = []
    for run in runs:
        if "input_mib" in run:
            line = (
                f"{run['children']:,} children: {run['rows']['children']:,} register rows, "
                f"{run['communes']:,} communes, input frames {run['input_mib']:,.0f} MiB, "
                f"generated in {run['generate_s']:.1f} s, read_parquet {run['read_parquet_s']:.2f} s"
            )
            if "validate_s" in run:
                line += (
                    f", validate {run['validate_s']:.2f} s "
                    f"({run['validate_over_read_parquet']:.1f} x read_parquet)"
                )
            extra.append(line)
    return "\n".join([*text, "", *extra])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--children", type=int, nargs="+", help="sizes (default 1,000,000)")
    parser.add_argument(
        "--quick", action="store_true", help=f"small sizes ({QUICK_SIZE:,}), one run"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, help="runs per engine (default 3; 1 above 2M)")
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help=f"comma-separated, among {', '.join(ENGINES)} (report8 is always run)",
    )
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--profile", type=Path, help="folder for cProfile top 25 of the reports")
    parser.add_argument("--engine", help=argparse.SUPPRESS)  # worker mode
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cache: Path = args.cache.resolve()

    if args.engine is not None:  # worker: one engine, one size
        (n,) = args.children
        if args.engine == "generate":
            print(json.dumps(generate(n, args.seed, cache)), flush=True)
            return 0
        folder = cache_folder(cache, n, args.seed)
        if not (folder / "meta.json").exists():
            generate(n, args.seed, cache)
        info = measure(args.engine, folder, args.repeat or 1, args.out, args.profile)
        print(json.dumps({"children": n, **info}), flush=True)
        return 0

    sizes = args.children or ([QUICK_SIZE] if args.quick else [1_000_000])
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(unknown)}; choose among {', '.join(ENGINES)}")
    if "report8" not in engines:
        engines.insert(0, "report8")
    engines = [e for e in ENGINES if e in engines]

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    runs: list[dict[str, Any]] = []
    about = machine()

    def save(partial: dict[str, Any] | None = None) -> None:
        if args.json is None:
            return
        done = partial is None
        results = {"machine": about, "complete": done, "runs": runs if done else [*runs, partial]}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")

    for n in sizes:
        repeat = args.repeat or (1 if args.quick or n > SMALL else 3)
        runs.append(
            run_size(
                n,
                seed=args.seed,
                engines=engines,
                repeat=repeat,
                cache=cache,
                profile_dir=args.profile.resolve() if args.profile else None,
                log=log,
                progress=save,
            )
        )
    save()
    print(format_table(runs))
    mismatched = any(
        info.get("mismatches", 0) for run in runs for info in run.get("engines", {}).values()
    )
    return 1 if mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
