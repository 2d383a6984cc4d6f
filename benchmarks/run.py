#!/usr/bin/env python3
"""mygrad's benchmark suite: mygrad vs hand-written NumPy (and PyTorch).

    python benchmarks/run.py                       # everything, 5 fresh processes per cell
    python benchmarks/run.py --quick --workloads small_ops,views_inplace
    python benchmarks/run.py --torch-python /path/to/venv-with-torch/bin/python

Every (workload, implementation) pair runs in a fresh process (``worker.py``):
mygrad and NumPy in this interpreter, PyTorch in ``--torch-python`` (or in
this interpreter when it can import torch; skipped when neither has it).  The
implementations take turns (A B C A B C ...) so that a slow spell of a shared
machine hits them alike; a cell is the best (minimum) over the processes of
each process's median, and ratios are to the hand-written NumPy reference of
the same run.  Every process first checks its loss and gradients against that
reference.  Standard library only.
"""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import report  # noqa: E402
import workloads as W  # noqa: E402  (stdlib only until make_inputs is called)

THREAD_VARS = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "MYGRAD_BENCH_THREADS"]
IMPORT_TARGET = {"numpy": "numpy", "torch": "torch", "mygrad": "mygrad"}


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--reps", type=int, default=None,
                    help="fresh processes per cell (default 5; 2 with --quick)")
    ap.add_argument("--workloads", default=",".join(W.WORKLOADS),
                    help="comma list from: " + ",".join(W.WORKLOADS))
    ap.add_argument("--quick", action="store_true", help="2 reps, 0.1 s windows, 1 warm-up call")
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS/OpenMP/torch threads in the child processes (0: library defaults)")
    ap.add_argument("--min-time", type=float, default=None,
                    help="seconds timed per variant per process (default 0.3; 0.1 with --quick)")
    ap.add_argument("--warmup", type=int, default=None, help="untimed calls after the first (2)")
    ap.add_argument("--torch-python", default=os.environ.get("MYGRAD_BENCH_TORCH_PYTHON"),
                    metavar="PATH", help="interpreter with torch (env MYGRAD_BENCH_TORCH_PYTHON)")
    ap.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    ap.add_argument("--no-check", action="store_true", help="skip the gradient checks")
    ap.add_argument("--sizes", default="{}", help=argparse.SUPPRESS)  # smaller sizes, for tests
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per child process")
    ap.add_argument("--out-md", metavar="FILE", help="also write the markdown report here")
    ap.add_argument("--json", metavar="FILE", help="write every measurement here")
    args = ap.parse_args(argv)
    args.reps = args.reps or (2 if args.quick else 5)
    args.min_time = args.min_time if args.min_time is not None else (0.1 if args.quick else 0.3)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = sorted(set(args.workloads) - set(W.WORKLOADS))
    if unknown:
        ap.error(f"unknown workload(s) {unknown}; choose from {W.WORKLOADS}")
    return args


def child_env(threads):
    # bytecode caches are written as an installed package's are (a stale cache
    # with PYTHONDONTWRITEBYTECODE set would time the compiler on every import)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for var in THREAD_VARS:
        if threads > 0:
            env[var] = str(threads)
        else:
            env.pop(var, None)
    return env


def find_torch(args, env, cwd):
    """(interpreter, None) for PyTorch, or (None, why it is left out)."""
    if args.no_torch:
        return None, "left out (--no-torch)"
    python = args.torch_python
    if not python:
        if importlib.util.find_spec("torch") is None:
            return None, ("not available: torch is not importable here and no --torch-python "
                          "(or MYGRAD_BENCH_TORCH_PYTHON) was given")
        python = sys.executable
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        return None, f"not available: {python} is not an executable"
    probe = subprocess.run([python, "-c", "import torch, numpy"], capture_output=True, text=True,
                           env=env, cwd=cwd, timeout=args.timeout)
    if probe.returncode:
        tail = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return None, f"not available: {python} cannot import torch and numpy ({tail})"
    return python, None


def run_worker(impl, python, workload, args, check, env, cwd):
    cmd = [python, os.path.join(HERE, "worker.py"), "--impl", impl, "--workload", workload,
           "--min-time", str(args.min_time), "--warmup", str(args.warmup),
           "--min-calls", "3" if args.quick else "5", "--sizes", args.sizes]
    if check:
        cmd.append("--check")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"impl": impl, "workload": workload, "results": [],
                "error": f"timed out after {args.timeout:.0f} s"}
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            out = json.loads(line[len("BENCH_RESULT "):])
            out["wall_s"] = time.perf_counter() - t0
            return out
    tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
    return {"impl": impl, "workload": workload, "results": [],
            "error": f"the worker printed no result (exit code {proc.returncode}):\n{tail}"}


def time_import(python, module, env, cwd, timeout):
    """Wall time of ``python -c "import module"`` (``module`` None: ``pass``)."""
    code = f"import {module}" if module else "pass"
    t0 = time.perf_counter()
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return {"value": seconds}


def run_import_round(impls, env, cwd, args):
    """One round of the import workload, as worker-style records."""
    out = []
    for impl, python in impls:
        rec = {"variant": "python -c import", **time_import(python, IMPORT_TARGET[impl], env, cwd,
                                                           args.timeout)}
        rec["startup_s"] = time_import(python, None, env, cwd, args.timeout).get("value")
        out.append({"impl": impl, "workload": "import", "results": [rec]})
    return out


def main(argv=None):
    args = parse_args(argv)
    env = child_env(args.threads)
    t_start = time.perf_counter()
    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="mygrad-bench-") as cwd:
        torch_python, torch_note = find_torch(args, env, cwd)
        impls = [("numpy", sys.executable)]
        if torch_python:
            impls.append(("torch", torch_python))
        impls.append(("mygrad", sys.executable))
        procs = []  # one record per child process
        jobs = [(wl, impl) for wl in args.workloads for impl in impls if wl != "import"]
        total = args.reps * (len(jobs) + ("import" in args.workloads))
        done = 0
        if "import" in args.workloads:  # untimed: bytecode caches written, files cached
            run_import_round(impls, env, cwd, args)
        for rep in range(args.reps):
            for wl in args.workloads:  # implementations interleaved within each workload
                if wl == "import":
                    for rec in run_import_round(impls, env, cwd, args):
                        procs.append(dict(rec, rep=rep))
                    done += 1
                    _progress(done, total, rep, "import", "all", "")
                    continue
                for impl, python in impls:
                    rec = run_worker(impl, python, wl, args, not args.no_check, env, cwd)
                    procs.append(dict(rec, rep=rep))
                    done += 1
                    _progress(done, total, rep, wl, impl, _status(rec))
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "host": f"{platform.node()}, {os.cpu_count()} CPUs, {report.cpu_model()}",
        "python": sys.executable, "torch_python": torch_python, "torch_note": torch_note,
        "reps": args.reps, "min_time": args.min_time, "warmup": args.warmup,
        "threads": args.threads, "checked": not args.no_check,
        "load": (load_start, os.getloadavg()[0] if load_start is not None else None),
        "wall_s": time.perf_counter() - t_start, "sizes": json.loads(args.sizes),
        "versions": report.versions(procs),
        "env": {k: v for k, v in os.environ.items() if k.startswith("MYGRAD_")},
    }
    cells = report.summarize(procs)
    text = report.render(meta, cells, [name for name, _ in impls], args.workloads)
    sys.stdout.write(text)
    if args.out_md:
        with open(args.out_md, "w", encoding="utf-8") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "processes": procs, "cells": report.cells_as_list(cells)},
                      f, indent=1, default=str)
    problems = report.problems(cells)
    for line in problems:
        print("PROBLEM: " + line, file=sys.stderr)
    return 1 if problems else 0


def _status(rec):
    if rec.get("error"):
        return "ERROR"
    bad = [r["variant"] for r in rec["results"]
           if r.get("error") or (r.get("check") or {}).get("ok") is False]
    missing = [r["variant"] for r in rec["results"] if r.get("missing")]
    return " ".join(([f"problems: {bad}"] if bad else []) + (["n/a"] if missing else []))


def _progress(done, total, rep, wl, impl, status):
    print(f"[{done}/{total}] round {rep + 1}: {wl} {impl} {status}".rstrip(), file=sys.stderr,
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
