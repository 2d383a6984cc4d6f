"""A gated recurrent unit: ``gru``, in plain NumPy (no numba).

The loops over time steps are inherent to a recurrence; everything else is
whole-batch NumPy: the input projections of all time steps are one matrix
product, each step is a handful of (N, D) operations, and after the backward
loop the gradients of the weights and of the input are one matrix product
each over all time steps.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mygrad import Tensor
from mygrad.plugin import Operation, execute_op, operation_op

from mygrad_ops_nnet.layers.dropout import draw_uniform, random_source

__all__ = ["gru", "DECLARATIONS"]

NAMESPACES = ("mygrad.nnet", "mygrad.nnet.layers", "mygrad.nnet.layers.gru")
_PARAMS = ("Uz", "Wz", "bz", "Ur", "Wr", "br", "Uh", "Wh", "bh")


def _sigmoid_(a: np.ndarray) -> np.ndarray:
    """Logistic sigmoid in place, as ``(1 + tanh(a / 2)) / 2`` (no overflow)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _check(arrays: list, s0: Any) -> None:
    X = arrays[0]
    if X.ndim != 3:
        raise ValueError(f"gru: `X` must have shape (T, N, C), got shape {X.shape}")
    T, N, C = X.shape
    Uz = arrays[1]
    if Uz.ndim != 2:
        raise ValueError(f"gru: `Uz` must have shape (C, D), got shape {Uz.shape}")
    D = Uz.shape[1]
    expected = {"U": (C, D), "W": (D, D), "b": (D,)}
    for name, a in zip(_PARAMS, arrays[1:]):
        if a.shape != expected[name[0]]:
            raise ValueError(f"gru: `{name}` must have shape {expected[name[0]]} (X: (T, N, C) = {X.shape}, "
                             f"D = {D}), got shape {a.shape}")
    if s0 is not None and s0.shape != (N, D):
        raise ValueError(f"gru: `s0` must have shape (N, D) = {(N, D)}, got shape {s0.shape}")


class GRU(Operation):
    """``gru``'s forward and backward passes (see :func:`gru`).

    The z and r gates are computed together (``[Wz | Wr]``: one matrix
    product per step); the candidate state separately. Arrays are laid out
    so that every per-step operation works on contiguous memory.
    """

    def __call__(self, X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh, *, s0, bp_lim, dropout, rng):
        self.variables = (X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh)
        arrays = [v.data for v in self.variables]
        _check(arrays, s0)
        dtype = np.result_type(*arrays)  # (not s0's: it is cast, as in MyGrad 2.x)
        if dtype.kind != "f":
            dtype = np.dtype(np.float64)
        work = np.dtype(np.float32) if dtype == np.float16 else dtype
        T, N, C = arrays[0].shape
        D = arrays[1].shape[1]
        if bp_lim is not None and not 0 <= bp_lim < max(T, 1):
            raise ValueError(f"gru: `bp_lim` must satisfy 0 <= bp_lim < T = {T}, got {bp_lim}")
        x = arrays[0].astype(work, copy=False).reshape(T * N, C)
        Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh = (a.astype(work, copy=False) for a in arrays[1:])
        Uzr, bzr = np.concatenate([Uz, Ur], axis=1), np.concatenate([bz, br])
        XZR = np.matmul(x, Uzr).reshape(T, N, 2 * D)  # input projections of every step
        XH = np.matmul(x, Uh).reshape(T, N, D)
        mask_x = mask_w = None
        if dropout:
            rng = random_source(rng)  # (one generator for all the masks)
            keep = 1.0 - dropout
            scale = np.asarray(1 / keep, dtype=work)
            mask_x = (draw_uniform(rng, (N, 3 * D)) < keep) * scale  # per gate, shared over time
            mask_w = (draw_uniform(rng, (3, D, D)) < keep) * scale  # DropConnect on Wz, Wr, Wh
            XZR *= mask_x[:, : 2 * D]
            XH *= mask_x[:, 2 * D:]
            Wz, Wr, Wh = Wz * mask_w[0], Wr * mask_w[1], Wh * mask_w[2]
        XZR += bzr
        XH += bh
        Wzr = np.concatenate([Wz, Wr], axis=1)  # (D, 2D)
        S = np.empty((T + 1, N, D), dtype=work)
        S[0] = 0 if s0 is None else s0
        ZR = np.empty((T, N, 2 * D), dtype=work)
        H = np.empty((T, N, D), dtype=work)
        RS = np.empty((T, N, D), dtype=work)
        for t in range(T):
            s, zr, h, rs, nxt = S[t], ZR[t], H[t], RS[t], S[t + 1]
            np.matmul(s, Wzr, out=zr)
            zr += XZR[t]
            _sigmoid_(zr)
            np.multiply(zr[:, D:], s, out=rs)
            np.matmul(rs, Wh, out=h)
            h += XH[t]
            np.tanh(h, out=h)
            np.subtract(s, h, out=nxt)  # S' = (1 - z) h + z s = h + z (s - h)
            nxt *= zr[:, :D]
            nxt += h
        self.S, self.ZR, self.H, self.RS = S, ZR, H, RS
        self.x, self.Uzr, self.Uh, self.Wzr, self.Wh = x, Uzr, Uh, Wzr, Wh
        self.mask_x, self.mask_w, self.bp_lim, self.D = mask_x, mask_w, bp_lim, D
        self.dpre = None
        return S.astype(dtype, copy=False)

    # ------------------------------------------------------------ backward
    def _coefficients(self) -> tuple:
        """Per-step factors of the local derivatives, for all steps at once:
        ``dh_pre = dS * A``, ``dz_pre = dS * B``, ``dr_pre = d(R*S) * Cr``;
        and Z, R (contiguous)."""
        D = self.D
        Z, R = np.ascontiguousarray(self.ZR[..., :D]), np.ascontiguousarray(self.ZR[..., D:])
        one_z = 1 - Z
        A = self.H * self.H  # A = (1 - Z) (1 - H^2)
        np.subtract(1, A, out=A)
        A *= one_z
        B = self.S[1:] - self.H  # B = (S - H) Z (1 - Z), where (S - H) Z = S' - H
        B *= one_z
        Cr = self.RS * R  # Cr = S R (1 - R) = RS - RS R
        np.subtract(self.RS, Cr, out=Cr)
        return A, B, Cr, Z, R

    def _local(self, dS: np.ndarray, t: Any, coef: tuple, dzr: np.ndarray, dh: np.ndarray) -> np.ndarray:
        """For incoming gradients ``dS`` on the states made by step(s) ``t``
        (an int or a slice): write the gradients of the pre-activations into
        ``dzr`` (z and r) and ``dh``, and return the gradient of the states
        that the step(s) read."""
        D = self.D
        A, B, Cr, Z, R = coef
        np.multiply(dS, A[t], out=dh)
        np.multiply(dS, B[t], out=dzr[..., :D])
        drs = np.matmul(dh, self.Wh.T)
        np.multiply(drs, Cr[t], out=dzr[..., D:])
        back = np.matmul(dzr, self.Wzr.T)
        back += dS * Z[t]
        drs *= R[t]
        back += drs
        return back

    def _pre_activation_grads(self, grad: np.ndarray) -> tuple:
        """dL/d(pre-activations) of every step: ``(T, N, 2D)`` for the z and r
        gates and ``(T, N, D)`` for the candidate state, by (truncated)
        backpropagation through time. ``grad`` is never written into."""
        if self.dpre is not None:
            return self.dpre
        g = grad.astype(self.S.dtype, copy=False)
        T = g.shape[0] - 1
        coef = self._coefficients()
        dzr, dh = np.empty_like(self.ZR), np.empty_like(self.H)
        limit = self.bp_lim
        if limit is None or limit >= T - 1:  # full BPTT: one pass back in time
            dS = g[T]
            for t in range(T - 1, -1, -1):
                back = self._local(dS, t, coef, dzr[t], dh[t])
                if t:
                    back += g[t]
                    dS = back
        else:  # the seed of each state travels back at most `limit` steps
            delta = g[1:].copy()
            total = delta.copy()
            for _ in range(limit):
                back = self._local(delta[1:], slice(1, None), coef, dzr[1:], dh[1:])
                delta[:-1] = back
                delta[-1] = 0
                total += delta
            self._local(total, slice(None), coef, dzr, dh)
        self.dpre = (dzr, dh)
        return self.dpre

    def backward_var(self, grad, index, **kwargs):
        dzr, dh = self._pre_activation_grads(grad)
        T, N, D = dh.shape
        dzr, dh = dzr.reshape(T * N, 2 * D), dh.reshape(T * N, D)
        gate, kind = divmod(index - 1, 3)  # gate 0, 1, 2: z, r, h; kind 0, 1, 2: U, W, b
        if index == 0 or kind == 0:  # X or a U: through the input projections
            if self.mask_x is not None:
                dzr = (dzr.reshape(T, N, 2 * D) * self.mask_x[:, : 2 * D]).reshape(T * N, 2 * D)
                dh = (dh.reshape(T, N, D) * self.mask_x[:, 2 * D:]).reshape(T * N, D)
            if index == 0:
                dx = np.matmul(dzr, self.Uzr.T)
                dx += np.matmul(dh, self.Uh.T)
                return dx.reshape(T, N, self.x.shape[1])
        cols = dh if gate == 2 else dzr[:, gate * D: (gate + 1) * D]
        if kind == 0:
            return np.matmul(self.x.T, cols)
        if kind == 2:
            return cols.sum(axis=0)
        read = self.S[:-1] if gate < 2 else self.RS  # what W multiplied
        dW = np.matmul(read.reshape(T * N, D).T, cols)
        return dW if self.mask_w is None else dW * self.mask_w[gate]


def _gru(X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh, s0=None, bp_lim=None, dropout=0.0, constant=None, *, rng=None):
    """A gated recurrent unit (GRU) run over a batch of sequences.

    For ``t = 0 .. T-1``, with ``S[0] = s0``::

        Z = sigmoid(X[t] @ Uz + S[t] @ Wz + bz)
        R = sigmoid(X[t] @ Ur + S[t] @ Wr + br)
        H = tanh(X[t] @ Uh + (R * S[t]) @ Wh + bh)
        S[t + 1] = (1 - Z) * H + Z * S[t]

    Parameters
    ----------
    X : ArrayLike, shape (T, N, C)
        T time steps of a batch of N sequences of C features.
    Uz, Ur, Uh : ArrayLike, shape (C, D)
        Input weights of the update gate, the reset gate and the candidate state.
    Wz, Wr, Wh : ArrayLike, shape (D, D)
        Recurrent weights.
    bz, br, bh : ArrayLike, shape (D,)
        Biases.
    s0 : Optional[ndarray or constant Tensor], shape (N, D)
        The initial state (default zeros); it is not differentiated (any
        other type, or a non-constant tensor unless ``constant=True``, raises
        ``ValueError``). Its dtype does not take part in the result's: it is
        cast to that.
    bp_lim : Optional[int]
        Truncated backpropagation through time: the gradient that reaches
        ``S[t]`` flows back through at most ``bp_lim`` earlier steps
        (``0 <= bp_lim < T``; None or ``T - 1``: full backpropagation).
    dropout : float, optional (default 0)
        In [0, 1): drop with this probability, scaling kept values by
        ``1 / (1 - dropout)``: one (N, D) mask per gate on the input
        projections ``X @ U*``, shared over time (variational dropout), and
        one (D, D) mask each on ``Wz``, ``Wr``, ``Wh`` (DropConnect).
    constant : Optional[bool]
        Whether the result is a constant tensor.
    rng : Optional[numpy.random.Generator or int] (keyword-only)
        Where the dropout masks are drawn from (default: NumPy's global
        random state).

    Returns
    -------
    mygrad.Tensor, shape (T + 1, N, D)
        The states ``S[0] = s0, S[1], ..., S[T]``, of the result dtype of
        ``X`` and the weights (float32 inputs give float32, whatever ``s0``'s
        dtype).

    Examples
    --------
    >>> import numpy as np
    >>> import mygrad as mg
    >>> T, N, C, D = 4, 2, 3, 5
    >>> rng = np.random.default_rng(0)
    >>> X = mg.tensor(rng.normal(size=(T, N, C)))
    >>> params = [mg.tensor(rng.normal(size=s) * 0.3)
    ...           for s in [(C, D), (D, D), (D,)] * 3]   # Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh
    >>> S = mg.nnet.gru(X, *params)
    >>> S.shape
    (5, 2, 5)
    >>> bool(np.all(S.data[0] == 0))
    True
    >>> S[1:].sum().backward()
    >>> X.grad.shape, params[1].grad.shape
    ((4, 2, 3), (5, 5))
    """
    if s0 is not None:
        # (as in MyGrad 2.x: an ndarray or a constant tensor, or any tensor when
        # the result is constant anyway)
        if isinstance(s0, Tensor):
            if not (s0.constant or constant):
                raise ValueError("gru: `s0` must be an ndarray or a constant tensor (it is not differentiated), "
                                 "got a non-constant tensor")
            s0 = s0.data
        elif not isinstance(s0, np.ndarray):
            raise ValueError(f"gru: `s0` must be an ndarray or a constant tensor, got {type(s0).__name__}")
    if bp_lim is not None and (isinstance(bp_lim, (bool, np.bool_)) or
                               not isinstance(bp_lim, (numbers.Integral, np.integer))):
        raise TypeError(f"gru: `bp_lim` must be None or an integer, got {bp_lim!r}")
    if isinstance(dropout, (bool, np.bool_)) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
        raise ValueError(f"gru: `dropout` must be a number in [0, 1), got {dropout!r}")
    kwargs = dict(s0=s0, bp_lim=None if bp_lim is None else int(bp_lim), dropout=float(dropout), rng=rng)
    return execute_op(GRU, X, Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh, op_kwargs=kwargs, constant=constant)


def _conformance_shapes(draw):
    from hypothesis import strategies as st

    T, N, C, D = (draw(st.integers(1, 3), label=n) for n in "TNCD")
    return ((T, N, C), *[(C, D), (D, D), (D,)] * 3)


def _conformance_kwargs(draw, shapes):
    from hypothesis import strategies as st

    # (a truncated bp_lim < T - 1 gives an approximate gradient by design: not checked here)
    return {"bp_lim": draw(st.sampled_from([None, shapes[0][0] - 1])),
            "dropout": draw(st.sampled_from([0.0, 0.0, 0.4])), "rng": draw(st.integers(0, 3))}


gru = operation_op(
    _gru,
    GRU,
    name="gru",
    namespaces=NAMESPACES,
    conformance={"nin": 10, "shapes": _conformance_shapes, "kwargs": _conformance_kwargs},
)

DECLARATIONS = [gru]
