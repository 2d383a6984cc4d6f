"""Hand-written NumPy forward and backward passes: the reference.

Each workload is written the way one would write it by hand without an
autodiff library: the forward pass keeps what the backward pass needs and the
backward pass applies the chain rule directly.  It is both the yardstick of the
timings (the cost of the array math alone, with no graph bookkeeping) and the
reference every implementation's loss and gradients are compared with
(``tests/test_benchmarks.py`` checks it against finite differences).

Every function reads its sizes from the shapes of its inputs (and ``sizes``
for the step counts), so the tests can run it on tiny inputs.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from workloads import BASE_VARIANTS, GRU_ARGS, Case, einsum_parts, params

VARIANTS = BASE_VARIANTS


def versions():
    return {"numpy": np.__version__}


def build(workload, variant, data, sizes):
    return _BUILDERS[workload](variant, data, sizes)


# ------------------------------------------------------------ small_ops / deep graph
def _chain(x, y, blocks, keep):
    """The 8-op block ``blocks`` times, then the sum; ``keep`` collects what
    the backward pass needs."""
    t = x
    for _ in range(blocks):
        b = t * y + x
        c = np.sin(b)
        f = np.tanh(c ** 2 * 0.5)
        h = np.exp(f)
        if keep is not None:
            keep.append((t, b, c, f, h))
        t = h + 0.1
    return t.sum()


def _chain_grads(x, y, kept):
    gx, gy = np.zeros_like(x), np.zeros_like(y)
    gt = np.ones_like(x)  # d sum / d t
    for t, b, c, f, h in reversed(kept):
        # t' = exp(tanh(sin(b)**2 / 2)) + 0.1 with b = t*y + x
        gb = gt * h * (1.0 - f * f) * c * np.cos(b)
        gx += gb
        gy += gb * t
        gt = gb * y
    return gx + gt, gy


def _small_ops(variant, data, sizes):
    x, y, blocks = data["x"], data["y"], sizes["blocks"]

    def forward():
        return _chain(x, y, blocks, None)

    def forward_backward():
        kept = []
        loss = _chain(x, y, blocks, kept)
        return loss, _chain_grads(x, y, kept)

    if variant == "fwd":
        return Case(forward, lambda: {"loss": forward()})

    def result():
        loss, (gx, gy) = forward_backward()
        return {"loss": loss, "x": gx, "y": gy}

    return Case(forward_backward, result)


def _deep_graph(variant, data, sizes):
    return _small_ops("fwd_bwd", data, sizes)


# ------------------------------------------------------------------ views_inplace
def _views_inplace(variant, data, sizes):
    x, w, g = data["x"], data["w"], data["g"]
    iters = sizes["iters"]

    def forward_backward():
        y = x * 1.0
        before = []  # the values each strided update multiplies
        for i in range(iters):
            y[:, i] *= 1.01
            row = y[i]
            row += y[:, i + 1] * 0.5
            block = y[i + 1:i + 3, ::2]
            before.append(block.copy())
            block *= w[i:i + 2]
        loss = (y * g).sum()
        gy, gw = g.copy(), np.zeros_like(w)
        for i in reversed(range(iters)):
            gblock = gy[i + 1:i + 3, ::2]
            gw[i:i + 2] += gblock * before[i]
            gblock *= w[i:i + 2]
            # y[i, j] += 0.5 * y[j, i+1] (the column was read before the row was written)
            gy[:, i + 1] += 0.5 * gy[i]
            gy[:, i] *= 1.01
        return loss, gy, gw

    def result():
        loss, gx, gw = forward_backward()
        return {"loss": loss, "x": gx, "w": gw}

    return Case(forward_backward, result)


# ---------------------------------------------------------------------------- mlp
def _mlp(variant, data, sizes):
    x, labels = data["x"], data["labels"]
    W1, b1, W2, b2 = data["W1"], data["b1"], data["W2"], data["b2"]
    rows = np.arange(len(x))

    def forward_backward():
        pre = x @ W1 + b1
        h = np.maximum(pre, 0)
        logits = h @ W2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        loss = np.mean(np.log(total[:, 0]) - shifted[rows, labels])
        dlogits = e / total
        dlogits[rows, labels] -= 1
        dlogits /= len(x)
        dh = dlogits @ W2.T
        dh *= pre > 0  # (in place: leaner than a boolean-mask assignment)
        return loss, x.T @ dh, dh.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0)

    def result():
        loss, *grads = forward_backward()
        return dict(zip(["loss", "W1", "b1", "W2", "b2"], [loss, *grads]))

    return Case(forward_backward, result)


# --------------------------------------------------------------------------- conv
def _conv(variant, data, sizes):
    """im2col (channels last) + one GEMM for the convolution; the P x P max-pool
    as the maximum of its P*P strided corner views, the gradient going to the
    first maximum of each window (row-major order); col2im as one GEMM and
    K*K strided adds."""
    x, w, g = data["x"], data["w"], data["g"]
    N, C, H, W = x.shape
    F, _, K, _ = w.shape
    P = sizes["pool"]
    OH, OW = H - K + 1, W - K + 1
    corners = [(a, b) for a in range(P) for b in range(P)]
    g_last = np.ascontiguousarray(g.transpose(0, 2, 3, 1))  # (N, OH/P, OW/P, F)

    def forward_backward():
        x_last = np.ascontiguousarray(x.transpose(0, 2, 3, 1))  # (N, H, W, C)
        windows = sliding_window_view(x_last, (K, K), axis=(1, 2))  # (N, OH, OW, C, K, K)
        cols = windows.reshape(N * OH * OW, C * K * K)
        w_mat = w.reshape(F, C * K * K)
        out = (cols @ w_mat.T).reshape(N, OH, OW, F)
        views = [out[:, a::P, b::P] for a, b in corners]
        pooled = views[0]
        for v in views[1:]:
            pooled = np.maximum(pooled, v)
        loss = (pooled * g_last).sum()

        dout = np.zeros_like(out)
        unclaimed = np.ones(pooled.shape, bool)
        for (a, b), v in zip(corners, views):
            first = unclaimed & (v == pooled)
            dout[:, a::P, b::P] = g_last * first
            unclaimed &= ~first
        dout = dout.reshape(N * OH * OW, F)
        dw = (dout.T @ cols).reshape(w.shape)
        w_kkc = w.transpose(2, 3, 1, 0).reshape(K * K * C, F)
        dcols = (w_kkc @ dout.T).reshape(K, K, C, N, OH, OW)
        dx = np.zeros((C, N, H, W), x.dtype)
        for i in range(K):
            for j in range(K):
                dx[:, :, i:i + OH, j:j + OW] += dcols[i, j]
        return loss, dx.transpose(1, 0, 2, 3), dw

    def result():
        loss, dx, dw = forward_backward()
        return {"loss": loss, "x": dx, "w": dw}

    return Case(forward_backward, result)


# ---------------------------------------------------------------------------- rnn
def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _rnn(variant, data, sizes):
    """MyGrad's GRU (s_0 = 0):  Z = sig(X Uz + S Wz + bz),  R = sig(X Ur + S Wr + br),
    H = tanh(X Uh + (R*S) Wh + bh),  S' = (1 - Z) * H + Z * S;  loss = sum(S[1:] * g).
    The z and r gates share one GEMM per step (their weights side by side)."""
    X, G = data["X"], data["g"]
    T, N, C = X.shape
    D = data["bz"].shape[0]
    U_zr = np.concatenate([data["Uz"], data["Ur"]], axis=1)
    W_zr = np.concatenate([data["Wz"], data["Wr"]], axis=1)
    b_zr = np.concatenate([data["bz"], data["br"]])
    Uh, Wh, bh = data["Uh"], data["Wh"], data["bh"]
    X2 = X.reshape(T * N, C)

    def forward_backward():
        x_zr = (X2 @ U_zr + b_zr).reshape(T, N, 2 * D)
        x_h = (X2 @ Uh + bh).reshape(T, N, D)
        S = np.zeros((T + 1, N, D), X.dtype)
        ZR = np.empty((T, N, 2 * D), X.dtype)
        RS = np.empty((T, N, D), X.dtype)
        Hs = np.empty((T, N, D), X.dtype)
        for t in range(T):
            s = S[t]
            ZR[t] = _sigmoid(x_zr[t] + s @ W_zr)
            z, r = ZR[t, :, :D], ZR[t, :, D:]
            RS[t] = r * s
            Hs[t] = np.tanh(x_h[t] + RS[t] @ Wh)
            S[t + 1] = (1 - z) * Hs[t] + z * s
        loss = (S[1:] * G).sum()

        d_zr = np.empty_like(ZR)  # gradients of the gates' pre-activations
        d_h = np.empty_like(Hs)
        ds = np.zeros((N, D), X.dtype)
        for t in reversed(range(T)):
            s, h = S[t], Hs[t]
            z, r = ZR[t, :, :D], ZR[t, :, D:]
            ds = ds + G[t]
            d_h[t] = ds * (1 - z) * (1 - h * h)
            d_rs = d_h[t] @ Wh.T
            d_zr[t, :, :D] = ds * (s - h) * z * (1 - z)
            d_zr[t, :, D:] = d_rs * s * r * (1 - r)
            ds = ds * z + d_rs * r + d_zr[t] @ W_zr.T
        d_zr2, d_h2 = d_zr.reshape(T * N, 2 * D), d_h.reshape(T * N, D)
        dU_zr, dW_zr = X2.T @ d_zr2, S[:-1].reshape(T * N, D).T @ d_zr2
        db_zr = d_zr2.sum(axis=0)
        grads = {
            "X": (d_zr2 @ U_zr.T + d_h2 @ Uh.T).reshape(T, N, C),
            "Uz": dU_zr[:, :D], "Ur": dU_zr[:, D:], "Uh": X2.T @ d_h2,
            "Wz": dW_zr[:, :D], "Wr": dW_zr[:, D:], "Wh": RS.reshape(T * N, D).T @ d_h2,
            "bz": db_zr[:D], "br": db_zr[D:], "bh": d_h2.sum(axis=0),
        }
        return loss, grads

    def result():
        loss, grads = forward_backward()
        return {"loss": loss, **{k: grads[k] for k in GRU_ARGS}}

    return Case(forward_backward, result)


# ------------------------------------------------------------------------- einsum
def _einsum_backward(subs, ops, g):
    """The gradient of each operand, given ``g``, the gradient of
    ``einsum(subs, *ops)`` (the backward pass from ``g``)."""
    if subs == "ii":
        da = np.zeros_like(ops[0])
        np.fill_diagonal(da, g)
        return [da]
    ins, out = subs.split("->")
    a_sub, b_sub = ins.split(",")
    a, b = ops
    return [np.einsum(f"{out},{b_sub}->{a_sub}", g, b),
            np.einsum(f"{a_sub},{out}->{b_sub}", a, g)]


def _einsum(variant, data, sizes):
    subs, mode = einsum_parts(variant)
    names = params("einsum", f"{subs} fwd_bwd")
    ops, g = [data[k] for k in names], data["g"]

    def forward():
        return np.einsum(subs, *ops)

    def forward_backward():  # the contraction and its backward pass from the upstream gradient g
        out = np.einsum(subs, *ops)
        return out, _einsum_backward(subs, ops, g)

    if mode == "fwd":
        return Case(forward, lambda: {"loss": (forward() * g).sum()})

    def result():
        out, grads = forward_backward()
        return {"loss": (out * g).sum(), **dict(zip(names, grads))}

    return Case(forward_backward, result)


_BUILDERS = {
    "small_ops": _small_ops,
    "deep_graph_memory": _deep_graph,
    "views_inplace": _views_inplace,
    "mlp": _mlp,
    "conv": _conv,
    "rnn": _rnn,
    "einsum": _einsum,
}
