"""The workloads in PyTorch (CPU, eager autograd), for comparison.

Run in whichever interpreter has torch (``run.py --torch-python PATH``); it
never imports mygrad.  Parameters' ``.grad`` is reset before every step
(PyTorch accumulates gradients across ``backward()`` calls).
"""

import os

import numpy as np
import torch
import torch.nn.functional as F

from workloads import BASE_VARIANTS, GRU_ARGS, Case, einsum_parts, params

if int(os.environ.get("MYGRAD_BENCH_THREADS", "0") or 0) > 0:
    torch.set_num_threads(int(os.environ["MYGRAD_BENCH_THREADS"]))

VARIANTS = {
    "small_ops": ["fwd", "fwd_bwd", "fwd:no_grad"],
    "deep_graph_memory": ["fwd_bwd"],
    "views_inplace": ["float64"],
    "mlp": ["float32", "float64"],
    "conv": ["float32"],
    "rnn": ["float32"],
    "einsum": BASE_VARIANTS["einsum"],
}


def versions():
    return {"torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads()}


def build(workload, variant, data, sizes):
    return _BUILDERS[workload](variant, data, sizes)


def _param(a):
    return torch.tensor(a, requires_grad=True)


def _reset(*ps):
    for p in ps:
        p.grad = None


def _out(loss, **grads):
    res = {"loss": loss.detach().numpy().astype(np.float64)}
    res.update((k, p.grad.numpy().astype(np.float64)) for k, p in grads.items())
    return res


# ------------------------------------------------------------ small_ops / deep graph
def _chain(x, y, blocks):
    t = x
    for _ in range(blocks):
        t = t * y
        t = t + x
        t = torch.sin(t)
        t = t ** 2
        t = t * 0.5
        t = torch.tanh(t)
        t = torch.exp(t)
        t = t + 0.1
    return t.sum()


def _small_ops(variant, data, sizes):
    x, y, blocks = _param(data["x"]), _param(data["y"]), sizes["blocks"]
    if variant == "fwd":
        def step():
            return _chain(x, y, blocks)
    elif variant == "fwd:no_grad":
        def step():
            with torch.no_grad():
                return _chain(x, y, blocks)
    else:
        def step():
            _reset(x, y)
            loss = _chain(x, y, blocks)
            loss.backward()
            return loss

        return Case(step, lambda: _out(step(), x=x, y=y))
    return Case(step, lambda: _out(step()))


def _deep_graph(variant, data, sizes):
    return _small_ops("fwd_bwd", data, sizes)


# ------------------------------------------------------------------ views_inplace
def _views_inplace(variant, data, sizes):
    x, w = _param(data["x"]), _param(data["w"])
    g, iters = torch.from_numpy(data["g"]), sizes["iters"]

    def step():
        _reset(x, w)
        y = x * 1  # PyTorch refuses in-place writes into a leaf that requires grad
        for i in range(iters):
            y[:, i] *= 1.01
            v = y[i]
            v += y[:, i + 1] * 0.5
            y[i + 1:i + 3, ::2] *= w[i:i + 2]
        loss = (y * g).sum()
        loss.backward()
        return loss

    return Case(step, lambda: _out(step(), x=x, w=w))


# ---------------------------------------------------------------------------- mlp
def _mlp(variant, data, sizes):
    x, labels = torch.from_numpy(data["x"]), torch.from_numpy(data["labels"])
    W1, b1, W2, b2 = (_param(data[k]) for k in ("W1", "b1", "W2", "b2"))

    def step():
        _reset(W1, b1, W2, b2)
        h = torch.relu(x @ W1 + b1)
        loss = F.cross_entropy(h @ W2 + b2, labels)
        loss.backward()
        return loss

    return Case(step, lambda: _out(step(), W1=W1, b1=b1, W2=W2, b2=b2))


# --------------------------------------------------------------------------- conv
def _conv(variant, data, sizes):
    x, w, g = _param(data["x"]), _param(data["w"]), torch.from_numpy(data["g"])
    pool = sizes["pool"]

    def step():
        _reset(x, w)
        loss = (F.max_pool2d(F.conv2d(x, w), pool, pool) * g).sum()
        loss.backward()
        return loss

    return Case(step, lambda: _out(step(), x=x, w=w))


# ---------------------------------------------------------------------------- rnn
def _rnn(variant, data, sizes):
    """MyGrad's GRU equations as a loop of ops (``torch.nn.GRU`` uses others)."""
    p = {k: _param(data[k]) for k in GRU_ARGS}
    g = torch.from_numpy(data["g"])
    T, N, _ = data["X"].shape
    D = data["bz"].shape[0]

    def step():
        _reset(*p.values())
        X = p["X"]
        xz, xr, xh = (X @ p["U" + k] + p["b" + k] for k in "zrh")
        s = torch.zeros(N, D, dtype=X.dtype)
        states = []
        for t in range(T):
            z = torch.sigmoid(xz[t] + s @ p["Wz"])
            r = torch.sigmoid(xr[t] + s @ p["Wr"])
            h = torch.tanh(xh[t] + (r * s) @ p["Wh"])
            s = (1 - z) * h + z * s
            states.append(s)
        loss = (torch.stack(states) * g).sum()
        loss.backward()
        return loss

    return Case(step, lambda: _out(step(), **p))


# ------------------------------------------------------------------------- einsum
def _einsum(variant, data, sizes):
    subs, mode = einsum_parts(variant)
    names = params("einsum", f"{subs} fwd_bwd")
    ops, g = [_param(data[k]) for k in names], torch.from_numpy(data["g"])

    if mode == "fwd":
        def forward():
            return torch.einsum(subs, *ops)

        return Case(forward, lambda: _out((forward() * g).sum()))

    def step():  # the contraction and its backward pass from the upstream gradient g
        _reset(*ops)
        out = torch.einsum(subs, *ops)
        out.backward(g)
        return out

    return Case(step, lambda: _out((step() * g).sum(), **dict(zip(names, ops))))


_BUILDERS = {
    "small_ops": _small_ops,
    "deep_graph_memory": _deep_graph,
    "views_inplace": _views_inplace,
    "mlp": _mlp,
    "conv": _conv,
    "rnn": _rnn,
    "einsum": _einsum,
}
