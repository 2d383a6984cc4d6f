"""What the benchmarks compute: sizes, seeded inputs, variants, units, tolerances.

Every implementation (``impl_numpy``, ``impl_mygrad``, ``impl_torch``) receives
the same NumPy arrays from :func:`make_inputs` and returns the loss and the
gradients of the names in :func:`params` through the same :class:`Case`
interface, so the worker can time any of them and compare each with the
hand-written NumPy reference.

Variants are named ``<base>`` or ``<base>:<tag>``.  Every implementation's
``<base>`` variant computes the same thing; a ``:<tag>`` variant is a mode of
one implementation (``fwd:no_autodiff`` for mygrad, ``fwd:no_grad`` for
PyTorch) and is compared with the reference's ``<base>``.

This module needs only the standard library until :func:`make_inputs` is
called (the runner imports it without touching NumPy).
"""

import string
from typing import Callable, NamedTuple

SEED = 20250101

#: the order of the table's rows; "import" is measured by the runner itself
WORKLOADS = ["small_ops", "deep_graph_memory", "views_inplace", "mlp", "conv", "rnn",
             "einsum", "import"]

#: default sizes; a test may pass smaller ones (the implementations read every
#: size from the shapes of their inputs or from this dict)
SIZES = {
    "small_ops": {"blocks": 25, "n": 3},
    "deep_graph_memory": {"blocks": 1250, "n": 3, "warmup_blocks": 2},
    "views_inplace": {"rows": 256, "cols": 256, "iters": 64},
    "mlp": {"batch": 128, "inputs": 784, "hidden": 256, "classes": 10},
    "conv": {"n": 32, "c": 3, "f": 16, "hw": 32, "k": 3, "pool": 2},
    "rnn": {"T": 30, "N": 16, "C": 32, "D": 64},
    "einsum": {},
}

#: the einsum contractions and the size of every index letter
EINSUM_SPECS = {
    "bij,bjk->bik": {"b": 16, "i": 64, "j": 64, "k": 64},
    "bhqd,bhkd->bhqk": {"b": 4, "h": 8, "q": 64, "k": 64, "d": 32},
    "ii": {"i": 256},
    "i,j->ij": {"i": 512, "j": 512},
}

UNITS = {
    "small_ops": "µs/op",
    "deep_graph_memory": "bytes/op",
    "views_inplace": "ms/step",
    "mlp": "ms/step",
    "conv": "ms/step",
    "rnn": "ms/step",
    "einsum": "µs/call",
    "import": "s",
}

#: the variants the reference implements (every implementation's common ground)
BASE_VARIANTS = {
    "small_ops": ["fwd", "fwd_bwd"],
    "deep_graph_memory": ["fwd_bwd"],
    "views_inplace": ["float64"],
    "mlp": ["float32", "float64"],
    "conv": ["float32"],
    "rnn": ["float32"],
    "einsum": [f"{subs} {mode}" for subs in EINSUM_SPECS for mode in ("fwd", "fwd_bwd")],
}

_GRU_PARAMS = ["Uz", "Wz", "bz", "Ur", "Wr", "br", "Uh", "Wh", "bh"]
GRU_ARGS = ["X"] + _GRU_PARAMS  # the order of mygrad's gru(X, Uz, Wz, bz, ...)


class Case(NamedTuple):
    """One prepared workload: ``step()`` is what is timed; ``result()`` runs one
    step and returns ``{"loss": ..., <param>: gradient, ...}`` as arrays."""

    step: Callable[[], object]
    result: Callable[[], dict]


class Unavailable(Exception):
    """An implementation lacks something a workload needs (reported as n/a)."""

    def __init__(self, name, reason=""):
        super().__init__(f"missing: {name}" + (f" ({reason})" if reason else ""))
        self.name = name
        self.reason = reason


def base_of(variant):
    return variant.split(":", 1)[0]


def sizes_of(workload, overrides=None):
    out = dict(SIZES.get(workload, {}))
    out.update((overrides or {}).get(workload, {}))
    return out


def dtype_name(workload, variant):
    base = base_of(variant)
    return base if base in ("float32", "float64") else "float64"


def einsum_parts(variant):
    """``"bij,bjk->bik fwd"`` -> (``"bij,bjk->bik"``, ``"fwd"``)."""
    subs, _, mode = variant.rpartition(" ")
    return subs, mode


def einsum_shapes(subs, letters):
    """The operand shapes and the output shape of an einsum over ``letters``."""
    ins, arrow, out = subs.partition("->")
    ins = ins.split(",")
    if not arrow:  # implicit output: the letters used once, in alphabetical order
        joined = "".join(ins)
        out = "".join(sorted(c for c in set(joined) if joined.count(c) == 1))
    return [tuple(letters[c] for c in s) for s in ins], tuple(letters[c] for c in out)


def operand_names(n):
    return list(string.ascii_lowercase[:n])


def num_ops(workload, sizes):
    """Elementwise ops in one small_ops / deep_graph_memory step (8 per block + the sum)."""
    return 8 * sizes["blocks"] + 1


def params(workload, variant):
    """The names whose gradients a backward variant returns (besides "loss")."""
    if workload == "einsum":
        subs, mode = einsum_parts(variant)
        return operand_names(subs.partition("->")[0].count(",") + 1) if mode == "fwd_bwd" else []
    if workload == "small_ops":
        return ["x", "y"] if base_of(variant) == "fwd_bwd" else []
    return {
        "deep_graph_memory": ["x", "y"],
        "views_inplace": ["x", "w"],
        "mlp": ["W1", "b1", "W2", "b2"],
        "conv": ["x", "w"],
        "rnn": GRU_ARGS,
    }[workload]


def tolerance(dtype):
    """Allowed max|got - ref| / max|ref| per array (loss and each gradient)."""
    return 2e-4 if str(dtype) == "float32" else 1e-9


def make_inputs(workload, variant, sizes=None):
    """Fresh, seeded NumPy inputs: identical for every implementation."""
    import numpy as np

    s = dict(SIZES.get(workload, {}))
    s.update(sizes or {})
    dt = np.dtype(dtype_name(workload, variant))
    rng = np.random.default_rng([SEED, WORKLOADS.index(workload)])

    def normal(*shape, scale=1.0):
        return np.asarray(scale * rng.standard_normal(shape), dtype=dt)

    if workload in ("small_ops", "deep_graph_memory"):
        return {k: rng.uniform(0.5, 1.5, s["n"]).astype(dt) for k in ("x", "y")}
    if workload == "views_inplace":
        return {"x": normal(s["rows"], s["cols"]),
                "w": rng.uniform(0.5, 1.5, (s["iters"] + 1, (s["cols"] + 1) // 2)).astype(dt),
                "g": normal(s["rows"], s["cols"])}
    if workload == "mlp":
        n, i, h, c = s["batch"], s["inputs"], s["hidden"], s["classes"]
        return {"x": normal(n, i), "labels": rng.integers(0, c, n),
                "W1": normal(i, h, scale=i ** -0.5), "b1": normal(h, scale=0.1),
                "W2": normal(h, c, scale=h ** -0.5), "b2": normal(c, scale=0.1)}
    if workload == "conv":
        out = (s["hw"] - s["k"] + 1) // s["pool"]
        fan_in = s["c"] * s["k"] ** 2
        return {"x": normal(s["n"], s["c"], s["hw"], s["hw"]),
                "w": normal(s["f"], s["c"], s["k"], s["k"], scale=(2 / fan_in) ** 0.5),
                "g": normal(s["n"], s["f"], out, out)}
    if workload == "rnn":
        T, N, C, D = s["T"], s["N"], s["C"], s["D"]
        d = {"X": normal(T, N, C)}
        for gate in "zrh":
            d["U" + gate] = normal(C, D, scale=C ** -0.5)
            d["W" + gate] = normal(D, D, scale=D ** -0.5)
            d["b" + gate] = normal(D, scale=0.1)
        d["g"] = normal(T, N, D)
        return d
    if workload == "einsum":
        subs, _ = einsum_parts(variant)
        letters = dict(EINSUM_SPECS[subs])
        letters.update(s.get(subs, {}))
        shapes, out_shape = einsum_shapes(subs, letters)
        d = {name: normal(*shape) for name, shape in zip(operand_names(len(shapes)), shapes)}
        d["g"] = normal(*out_shape)
        return d
    raise KeyError(workload)
