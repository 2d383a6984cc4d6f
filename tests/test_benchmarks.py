"""The benchmark suite (``benchmarks/``): its hand-written NumPy reference is
right (finite differences), its comparison catches a wrong gradient, a smoke
run produces the table with passing gradient checks, and a missing op is
reported as n/a instead of failing."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
MODULES = ("workloads", "impl_numpy", "worker")

#: tiny sizes: the reference reads every size from its inputs or from these
TINY = {
    "small_ops": {"blocks": 3, "n": 3},
    "views_inplace": {"rows": 8, "cols": 8, "iters": 4},
    "mlp": {"batch": 5, "inputs": 4, "hidden": 6, "classes": 3},
    "conv": {"n": 2, "c": 2, "f": 3, "hw": 6, "k": 3, "pool": 2},
    "rnn": {"T": 3, "N": 2, "C": 3, "D": 4},
    "einsum": {"bij,bjk->bik": {"b": 2, "i": 3, "j": 4, "k": 2},
               "bhqd,bhkd->bhqk": {"b": 2, "h": 2, "q": 3, "k": 2, "d": 3},
               "ii": {"i": 4}, "i,j->ij": {"i": 3, "j": 4}},
}


@pytest.fixture(scope="module")
def bench():
    """The benchmark modules, imported from ``benchmarks/`` (which is not a package)."""
    sys.path.insert(0, str(BENCH))
    try:
        yield {name: importlib.import_module(name) for name in MODULES}
    finally:
        sys.path.remove(str(BENCH))
        for name in MODULES:
            sys.modules.pop(name, None)


REFERENCE_CASES = [("small_ops", "fwd_bwd"), ("views_inplace", "float64"), ("mlp", "float64"),
                   ("conv", "float32"), ("rnn", "float32")] + [
    ("einsum", f"{subs} fwd_bwd") for subs in TINY["einsum"]]


@pytest.mark.parametrize("workload, variant", REFERENCE_CASES,
                         ids=[f"{w}-{v}" for w, v in REFERENCE_CASES])
def test_reference_gradients_match_finite_differences(bench, workload, variant):
    W, ref = bench["workloads"], bench["impl_numpy"]
    sizes = W.sizes_of(workload, TINY)
    data = {k: a.astype(np.float64) if a.dtype.kind == "f" else a
            for k, a in W.make_inputs(workload, variant, sizes).items()}

    def loss(d):
        return float(ref.build(workload, variant, d, sizes).result()["loss"])

    got = ref.build(workload, variant, data, sizes).result()
    names = W.params(workload, variant)
    assert names and set(names) <= set(got)
    eps = 1e-6
    for name in names:
        numeric = np.zeros_like(data[name])
        for idx in np.ndindex(data[name].shape):
            plus = {k: v.copy() for k, v in data.items()}
            minus = {k: v.copy() for k, v in data.items()}
            plus[name][idx] += eps
            minus[name][idx] -= eps
            numeric[idx] = (loss(plus) - loss(minus)) / (2 * eps)
        assert got[name].shape == data[name].shape, name
        np.testing.assert_allclose(got[name], numeric, rtol=1e-5,
                                   atol=1e-6 * max(1.0, np.abs(numeric).max()), err_msg=name)


def test_compare_flags_a_wrong_gradient(bench):
    compare = bench["worker"].compare
    ref = {"loss": np.float64(2.0), "x": np.array([1.0, -2.0, 4.0])}
    assert compare({"loss": 2.0, "x": ref["x"] * (1 + 1e-12)}, ref, "float64")["ok"]
    bad = compare({"loss": 2.0, "x": ref["x"] + [0, 0, 1e-3]}, ref, "float64")
    assert not bad["ok"] and bad["errors"]["x"] == pytest.approx(1e-3 / 4)
    assert compare({"loss": 2.0, "x": ref["x"] + 1e-5}, ref, "float32")["ok"]
    assert not compare({"loss": 2.0}, ref, "float64")["ok"]  # a gradient is missing
    assert not compare({"loss": 2.0, "x": ref["x"][:2]}, ref, "float64")["ok"]  # wrong shape
    assert not compare({"loss": np.nan, "x": ref["x"]}, ref, "float64")["ok"]


def _run(args, env_extra=None, timeout=60):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=str(BENCH.parent))


def test_smoke_run_prints_the_table_and_checks_pass(tmp_path):
    out_json, out_md = tmp_path / "bench.json", tmp_path / "bench.md"
    proc = _run([str(BENCH / "run.py"), "--reps", "1", "--min-time", "0.01", "--warmup", "0",
                 "--workloads", "small_ops,views_inplace", "--no-torch",
                 "--sizes", json.dumps({"views_inplace": {"iters": 16}}),
                 "--json", str(out_json), "--out-md", str(out_md)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = proc.stdout
    assert "| workload · variant | unit | NumPy (hand-written) | PyTorch | mygrad |" in table
    assert out_md.read_text(encoding="utf-8") == table
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()
            if line.startswith("| small_ops") or line.startswith("| views_inplace")}
    for row in ("small_ops · fwd", "small_ops · fwd_bwd", "small_ops · fwd:no_autodiff",
                "small_ops · fwd:mem_guard_off", "small_ops · fwd_bwd:mem_guard_off",
                "views_inplace · float64"):
        assert row in rows, table
        assert "n/a" not in rows[row] and "ERROR" not in rows[row] and "✗" not in rows[row]
    assert "(1.00×)" in rows["small_ops · fwd"]
    result = json.loads(out_json.read_text(encoding="utf-8"))
    checks = [c["check"] for c in result["cells"] if c.get("check")]
    assert len(checks) == 5 + 1  # the mygrad variants (NumPy is the reference; no PyTorch)
    assert all(c["ok"] for c in checks), checks
    assert "6 of 6 passed" in table


def test_missing_ops_are_reported_as_not_available():
    proc = _run([str(BENCH / "worker.py"), "--impl", "mygrad", "--workload", "einsum",
                 "--min-time", "0.01", "--check"], env_extra={"MYGRAD_PLUGINS": "math"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_RESULT "))
    results = json.loads(line[len("BENCH_RESULT "):])["results"]
    assert results and all(r.get("missing") == "mygrad.einsum" for r in results), results
