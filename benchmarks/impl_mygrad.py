"""The workloads written against mygrad's public API only.

An op that no installed pack provides yet (``MissingProviderError``,
``AttributeError``, ``ImportError``) makes its workload raise
:class:`workloads.Unavailable` naming it, which the table shows as n/a.
"""

import contextlib

import numpy as np

import mygrad as mg
from workloads import BASE_VARIANTS, GRU_ARGS, Case, Unavailable, einsum_parts, params

VARIANTS = {
    "small_ops": ["fwd", "fwd_bwd", "fwd:no_autodiff", "fwd:mem_guard_off",
                  "fwd_bwd:mem_guard_off"],
    "deep_graph_memory": ["fwd_bwd"],
    "views_inplace": ["float64"],
    "mlp": ["float32", "float64"],
    "conv": ["float32"],
    "rnn": ["float32"],
    "einsum": BASE_VARIANTS["einsum"],
}

#: what accessing an op that no installed pack provides raises
#: (``MissingProviderError`` is both an ``AttributeError`` and a ``TypeError``)
_MISSING = (AttributeError, ImportError)


def versions():
    return {"mygrad": mg.__version__, "mygrad_file": mg.__file__, "numpy": np.__version__}


def build(workload, variant, data, sizes):
    return _BUILDERS[workload](variant, data, sizes)


def require(*dotted):
    """Resolve ``"nnet.layers.conv_nd"`` style names under ``mygrad``, or raise
    :class:`Unavailable` naming the first one that is missing."""
    found = []
    for name in dotted:
        obj = mg
        try:
            for part in name.split("."):
                obj = getattr(obj, part)
        except _MISSING as e:
            raise Unavailable("mygrad." + name, str(e).splitlines()[0] if str(e) else "") from None
        if not callable(obj):
            raise TypeError(f"mygrad.{name} is {obj!r}, not a function")
        found.append(obj)
    return found[0] if len(found) == 1 else found


def _grad(t):
    return None if t.grad is None else np.array(t.grad, dtype=np.float64)


def _loss(t):
    return np.asarray(t.data, dtype=np.float64)


# ------------------------------------------------------------ small_ops / deep graph
def _chain(x, y, blocks, sin, tanh, exp):
    t = x
    for _ in range(blocks):
        t = t * y
        t = t + x
        t = sin(t)
        t = t ** 2
        t = t * 0.5
        t = tanh(t)
        t = exp(t)
        t = t + 0.1
    return t.sum()


def _small_ops(variant, data, sizes):
    sin, tanh, exp = require("sin", "tanh", "exp")
    x, y = mg.tensor(data["x"]), mg.tensor(data["y"])
    blocks = sizes["blocks"]
    base, _, tag = variant.partition(":")
    mode = {"": contextlib.nullcontext, "no_autodiff": lambda: mg.no_autodiff,
            "mem_guard_off": lambda: mg.mem_guard_off}[tag]

    if base == "fwd":
        def step():
            with mode():
                return _chain(x, y, blocks, sin, tanh, exp)

        return Case(step, lambda: {"loss": _loss(step())})

    def step():
        with mode():
            loss = _chain(x, y, blocks, sin, tanh, exp)
            loss.backward()
        return loss

    def result():
        loss = step()
        return {"loss": _loss(loss), "x": _grad(x), "y": _grad(y)}

    return Case(step, result)


def _deep_graph(variant, data, sizes):
    return _small_ops("fwd_bwd", data, sizes)


# ------------------------------------------------------------------ views_inplace
def _views_inplace(variant, data, sizes):
    x, w = mg.tensor(data["x"]), mg.tensor(data["w"])
    g, iters = data["g"], sizes["iters"]

    def step():
        y = x * 1
        for i in range(iters):
            y[:, i] *= 1.01
            v = y[i]
            v += y[:, i + 1] * 0.5
            y[i + 1:i + 3, ::2] *= w[i:i + 2]
        loss = (y * g).sum()
        loss.backward()
        return loss

    def result():
        loss = step()
        return {"loss": _loss(loss), "x": _grad(x), "w": _grad(w)}

    return Case(step, result)


# ---------------------------------------------------------------------------- mlp
def _mlp(variant, data, sizes):
    require("matmul")
    relu, softmax_crossentropy = require("nnet.activations.relu",
                                         "nnet.losses.softmax_crossentropy")
    x = mg.tensor(data["x"], constant=True)
    labels = data["labels"]
    W1, b1, W2, b2 = (mg.tensor(data[k]) for k in ("W1", "b1", "W2", "b2"))

    def step():
        h = relu(x @ W1 + b1)
        loss = softmax_crossentropy(h @ W2 + b2, labels)
        loss.backward()
        return loss

    def result():
        loss = step()
        return {"loss": _loss(loss), "W1": _grad(W1), "b1": _grad(b1),
                "W2": _grad(W2), "b2": _grad(b2)}

    return Case(step, result)


# --------------------------------------------------------------------------- conv
def _conv(variant, data, sizes):
    conv_nd, max_pool = require("nnet.layers.conv_nd", "nnet.layers.max_pool")
    x, w, g = mg.tensor(data["x"]), mg.tensor(data["w"]), data["g"]
    pool = sizes["pool"]

    def step():
        pooled = max_pool(conv_nd(x, w, stride=1), (pool, pool), pool)
        loss = (pooled * g).sum()
        loss.backward()
        return loss

    def result():
        loss = step()
        return {"loss": _loss(loss), "x": _grad(x), "w": _grad(w)}

    return Case(step, result)


# ---------------------------------------------------------------------------- rnn
def _rnn(variant, data, sizes):
    gru = require("nnet.layers.gru")
    tensors = [mg.tensor(data[k]) for k in GRU_ARGS]
    g = data["g"]

    def step():
        S = gru(*tensors)  # (T+1, N, D), S[0] = 0
        loss = (S[1:] * g).sum()
        loss.backward()
        return loss

    def result():
        loss = step()
        return {"loss": _loss(loss), **{k: _grad(t) for k, t in zip(GRU_ARGS, tensors)}}

    return Case(step, result)


# ------------------------------------------------------------------------- einsum
def _einsum(variant, data, sizes):
    einsum = require("einsum")
    subs, mode = einsum_parts(variant)
    names = params("einsum", f"{subs} fwd_bwd")
    ops, g = [mg.tensor(data[k]) for k in names], data["g"]

    def forward():
        return einsum(subs, *ops)

    if mode == "fwd":
        return Case(forward, lambda: {"loss": np.sum(np.asarray(forward().data) * g)})

    def step():  # the contraction and its backward pass from the upstream gradient g
        out = einsum(subs, *ops)
        out.backward(g)
        return out

    def result():
        out = step()
        return {"loss": np.sum(np.asarray(out.data, dtype=np.float64) * g),
                **{k: _grad(t) for k, t in zip(names, ops)}}

    return Case(step, result)


_BUILDERS = {
    "small_ops": _small_ops,
    "deep_graph_memory": _deep_graph,
    "views_inplace": _views_inplace,
    "mlp": _mlp,
    "conv": _conv,
    "rnn": _rnn,
    "einsum": _einsum,
}
