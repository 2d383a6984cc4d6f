"""Runs one implementation on one workload in this (fresh) process.

    python benchmarks/worker.py --impl mygrad --workload small_ops [--check]

Prints one line ``BENCH_RESULT {json}`` on stdout: for each variant the
process's median time (or, for ``deep_graph_memory``, the peak memory of one
step), and with ``--check`` the largest relative difference of the loss and
every gradient from the hand-written NumPy reference, computed here on the same
seeded inputs.  ``run.py`` starts it; it is not meant to be run by hand except
to debug one workload.
"""

import argparse
import gc
import importlib
import json
import re
import statistics
import sys
import time
import tracemalloc
import traceback

import numpy as np

import workloads as W

MARK = "BENCH_RESULT "
IMPL_MODULES = {"numpy": "impl_numpy", "mygrad": "impl_mygrad", "torch": "impl_torch"}
MAX_CALLS = 100_000


def time_step(step, warmup, min_time, min_calls):
    """Per-call times of the timed window, after ``warmup`` untimed calls."""
    clock = time.perf_counter
    for _ in range(warmup):
        step()
    times = []
    start = clock()
    while len(times) < min_calls or (clock() - start < min_time and len(times) < MAX_CALLS):
        t0 = clock()
        step()
        times.append(clock() - t0)
    return times


def _proc_status_kb(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss():
    """Set the peak-RSS mark (VmHWM) to the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_memory(step):
    """(bytes above the starting point at the peak of one ``step()``, its time,
    method).  The cyclic collector is paused so that its timing cannot move the
    peak; tracemalloc (which sees NumPy's buffers and Python objects, not other
    libraries' allocators) is the fallback where the peak RSS cannot be reset."""
    gc.collect()
    gc.disable()
    try:
        if _proc_status_kb("VmHWM") is not None and _reset_peak_rss():
            before = _proc_status_kb("VmRSS")
            t0 = time.perf_counter()
            step()
            seconds = time.perf_counter() - t0
            return max(0, _proc_status_kb("VmHWM") - before) * 1024, seconds, "peak RSS"
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        step()
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return max(0, peak - before), seconds, "tracemalloc"
    finally:
        gc.enable()


def compare(got, ref, dtype):
    """Relative error max|got - ref| / max|ref| of every array of ``ref``."""
    errors = {}
    for name, r in ref.items():
        g = got.get(name)
        if g is None:
            errors[name] = "missing"
            continue
        g, r = np.asarray(g, np.float64), np.asarray(r, np.float64)
        if g.shape != r.shape:
            errors[name] = f"shape {g.shape}, expected {r.shape}"
            continue
        if not g.size:
            errors[name] = 0.0
            continue
        diff = float(np.max(np.abs(g - r))) if np.all(np.isfinite(g)) else float("inf")
        errors[name] = diff / (float(np.max(np.abs(r))) or 1.0)
    numeric = [e for e in errors.values() if not isinstance(e, str)]
    ok = len(numeric) == len(errors) and all(e <= W.tolerance(dtype) for e in numeric)
    return {"ok": ok, "worst": max(numeric, default=0.0), "errors": errors}


def _missing_name(exc):
    """The op an error such as mygrad's ``MissingProviderError`` names."""
    m = re.search(r"((?:mygrad|Tensor)\.[\w.]+)", str(exc))
    return m.group(1) if m else str(exc).split(" ")[0].strip("'\"")


def run_variant(impl, ref, workload, variant, args, sizes):
    """Check (at the start; after the measurement for memory, which needs a
    fresh heap) and measure one variant."""
    rec = {"variant": variant}
    case = impl.build(workload, variant, W.make_inputs(workload, variant, sizes), sizes)

    def check():
        inputs = W.make_inputs(workload, variant, sizes)
        expected = ref.build(workload, W.base_of(variant), inputs, sizes).result()
        t0 = time.perf_counter()
        got = case.result()
        rec["first_s"] = time.perf_counter() - t0
        rec["check"] = compare(got, expected, W.dtype_name(workload, variant))

    if workload == "deep_graph_memory":
        tiny = dict(sizes, blocks=sizes["warmup_blocks"])  # imports, caches, first-call paths
        impl.build(workload, variant, W.make_inputs(workload, variant, tiny), tiny).step()
        nbytes, seconds, method = peak_memory(case.step)
        rec.update(value=nbytes / W.num_ops(workload, sizes), bytes=nbytes, seconds=seconds,
                   method=method)
        if ref is not None:
            check()
        return rec
    if ref is not None:
        check()  # also the first call (lazy initialisation), not timed
    else:
        t0 = time.perf_counter()
        case.step()
        rec["first_s"] = time.perf_counter() - t0
    times = time_step(case.step, args.warmup, args.min_time, args.min_calls)
    median = statistics.median(times)
    if workload == "small_ops":
        per = 1e6 / W.num_ops(workload, sizes)  # µs per op
    else:
        per = {"ms/step": 1e3, "µs/call": 1e6}[W.UNITS[workload]]
    rec.update(value=median * per, median_s=median, mean_s=statistics.fmean(times),
               min_s=min(times), calls=len(times))
    return rec


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--impl", required=True, choices=sorted(IMPL_MODULES))
    ap.add_argument("--workload", required=True, choices=[w for w in W.WORKLOADS if w != "import"])
    ap.add_argument("--variants", default="", help="comma list (default: all the impl has)")
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds timed per variant")
    ap.add_argument("--min-calls", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2, help="untimed calls after the first")
    ap.add_argument("--check", action="store_true", help="compare with the NumPy reference")
    ap.add_argument("--sizes", default="{}", help="JSON {workload: {size: value}} overrides")
    args = ap.parse_args(argv)

    out = {"impl": args.impl, "workload": args.workload, "results": []}
    try:
        t0 = time.perf_counter()
        impl = importlib.import_module(IMPL_MODULES[args.impl])
        out["import_s"] = time.perf_counter() - t0
        out["versions"] = impl.versions()
        ref = importlib.import_module("impl_numpy") if args.check and args.impl != "numpy" else None
    except Exception:
        out["error"] = traceback.format_exc()[-3000:]
        print(MARK + json.dumps(out), flush=True)
        return 0

    sizes = W.sizes_of(args.workload, json.loads(args.sizes))
    variants = [v for v in args.variants.split(",") if v] or impl.VARIANTS[args.workload]
    for variant in variants:
        try:
            rec = run_variant(impl, ref, args.workload, variant, args, sizes)
        except W.Unavailable as e:
            rec = {"variant": variant, "missing": e.name, "reason": e.reason}
        except Exception as e:  # noqa: BLE001 (reported, never fatal)
            if type(e).__name__ == "MissingProviderError":
                rec = {"variant": variant, "missing": _missing_name(e), "reason": str(e)}
            else:
                rec = {"variant": variant, "error": traceback.format_exc()[-3000:]}
        out["results"].append(rec)
    print(MARK + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
