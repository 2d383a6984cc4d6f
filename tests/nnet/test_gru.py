"""gru: forward against a plain loop, gradients (full and truncated BPTT,
dropout), s0, dtypes, the caller's seed, argument checks, import paths."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.nnet.layers.gru import gru
from mygrad.testing import check_grad, check_op, numerical_gradient


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def run_steps(X, params, s, start, stop, masks=None):
    """States S[start+1 .. stop] from state ``s`` = S[start] (float64 loop)."""
    Uz, Wz, bz, Ur, Wr, br, Uh, Wh, bh = params
    out = []
    for t in range(start, stop):
        xz, xr, xh = X[t] @ Uz, X[t] @ Ur, X[t] @ Uh
        wz, wr, wh = Wz, Wr, Wh
        if masks is not None:
            mx, mw = masks
            D = Uz.shape[1]
            xz, xr, xh = xz * mx[:, :D], xr * mx[:, D:2 * D], xh * mx[:, 2 * D:]
            wz, wr, wh = Wz * mw[0], Wr * mw[1], Wh * mw[2]
        z = sigmoid(xz + s @ wz + bz)
        r = sigmoid(xr + s @ wr + br)
        h = np.tanh(xh + (r * s) @ wh + bh)
        s = (1 - z) * h + z * s
        out.append(s)
    return out


def reference(X, params, s0=None, masks=None):
    T, N, _ = X.shape
    s0 = np.zeros((N, params[0].shape[1])) if s0 is None else s0
    return np.stack([s0, *run_steps(X, params, s0, 0, T, masks)])


def make(T=4, N=2, C=3, D=2, seed=0, scale=0.6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(T, N, C))
    params = [rng.normal(size=s) * scale for s in [(C, D), (D, D), (D,)] * 3]
    return X, params


@given(T=st.integers(1, 4), N=st.integers(1, 3), C=st.integers(1, 3), D=st.integers(1, 3), seed=st.integers(0, 99),
       with_s0=st.booleans())
def test_forward_matches_a_loop(T, N, C, D, seed, with_s0):
    X, params = make(T, N, C, D, seed)
    s0 = np.random.default_rng(seed + 1).normal(size=(N, D)) if with_s0 else None
    out = gru(X, *params, s0=s0)
    assert out.shape == (T + 1, N, D)
    np.testing.assert_allclose(out.data, reference(X, params, s0), rtol=1e-12, atol=1e-12)


def test_conformance():
    check_op(mg.nnet.gru)


def test_gradients_full_bptt_with_s0():
    X, params = make(T=3, N=2, C=2, D=3, seed=4)
    s0 = np.random.default_rng(5).normal(size=(2, 3))
    check_grad(lambda X, *p: gru(X, *p, s0=s0), X, *params)
    check_grad(lambda X, *p: gru(X, *p, s0=mg.tensor(s0, constant=True), bp_lim=2), X, *params)


@pytest.mark.parametrize("bp_lim", [0, 1, 2])
def test_truncated_bptt(bp_lim):
    """With bp_lim = k, the seed of state S[t] flows back through at most k
    earlier steps: the gradient of sum_t g[t] . S_t, where S_t is recomputed
    from the (fixed) state S[t - k - 1]."""
    T = 5
    X, params = make(T=T, N=2, C=2, D=2, seed=bp_lim)
    g = np.random.default_rng(9).normal(size=(T + 1, 2, 2))
    states = reference(X, params)

    def truncated_objective(X, *params):
        X, params = np.asarray(X), [np.asarray(p) for p in params]
        total = 0.0
        for t in range(1, T + 1):
            start = max(0, t - bp_lim - 1)
            total += np.sum(g[t] * run_steps(X, params, states[start], start, t)[-1])
        return mg.tensor(total)

    expected = numerical_gradient(truncated_objective, X, *params)
    tensors = [mg.tensor(a) for a in (X, *params)]
    gru(*tensors, bp_lim=bp_lim).backward(g)
    for t, e in zip(tensors, expected):
        np.testing.assert_allclose(t.grad, e, rtol=1e-5, atol=1e-7)


def test_bp_lim_of_t_minus_1_is_full_bptt():
    X, params = make(T=4, seed=2)
    full = [mg.tensor(a) for a in (X, *params)]
    lim = [mg.tensor(a) for a in (X, *params)]
    gru(*full).sum().backward()
    gru(*lim, bp_lim=3).sum().backward()
    for a, b in zip(full, lim):
        np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12)


def test_dropout_masks():
    """One (N, D) mask per gate on the input projections (shared over time)
    and one (D, D) mask per recurrent weight, scaled by 1 / (1 - p), drawn
    in that order."""
    T, N, C, D, p = 4, 3, 2, 2, 0.4
    X, params = make(T, N, C, D, seed=3)
    rng = np.random.default_rng(11)
    keep = 1 - p
    masks = ((rng.random((N, 3 * D)) < keep) / keep, (rng.random((3, D, D)) < keep) / keep)
    out = gru(X, *params, dropout=p, rng=11)
    np.testing.assert_allclose(out.data, reference(X, params, masks=masks), rtol=1e-12, atol=1e-12)
    check_grad(lambda X, *ps: gru(X, *ps, dropout=p, rng=11), X, *params)
    state = np.random.get_state()
    try:  # NumPy's global random state by default
        np.random.seed(5)
        a = gru(X, *params, dropout=p).data
        np.random.seed(5)
        np.testing.assert_array_equal(a, gru(X, *params, dropout=p).data)
    finally:
        np.random.set_state(state)


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("bp_lim", [None, 1])
def test_dtype_is_preserved_and_seed_untouched(dtype, bp_lim):
    X, params = make(T=3, seed=1)
    tensors = [mg.tensor(a.astype(dtype)) for a in (X, *params)]
    out = gru(*tensors, bp_lim=bp_lim, dropout=0.2, rng=0)
    assert out.dtype == dtype
    seed = np.ones(out.shape, dtype=dtype)
    out.backward(seed)
    np.testing.assert_array_equal(seed, 1)
    for t in tensors:
        assert t.grad.dtype == dtype and t.grad.shape == t.shape


def test_mixed_dtypes_promote_like_numpy():
    X, params = make(T=2, seed=1)
    assert gru(X.astype(np.float32), *params).dtype == np.float64
    assert gru(X.astype(np.float32), *(p.astype(np.float32) for p in params)).dtype == np.float32


def test_constant_inputs():
    X, params = make(T=2, seed=1)
    assert gru(X, *params).constant  # arrays are constants
    assert not gru(X, *map(mg.tensor, params)).constant
    Uz = mg.tensor(params[0])
    gru(X, Uz, *params[1:]).sum().backward()
    assert Uz.grad.shape == Uz.shape


def test_import_paths():
    import mygrad.nnet.layers as layers
    from mygrad.nnet import gru as a

    assert a is gru is mg.nnet.gru is layers.gru


X0, P0 = make(T=3, N=2, C=3, D=2)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((X0[0], *P0), {}, ValueError, r"\(T, N, C\)"),
        ((X0, np.zeros((2, 2)), *P0[1:]), {}, ValueError, "Uz"),
        ((X0, *P0[:4], np.zeros((3, 3)), *P0[5:]), {}, ValueError, "Wr"),
        ((X0, *P0[:-1], np.zeros(3)), {}, ValueError, "bh"),
        ((X0, *P0), {"s0": np.zeros((3, 2))}, ValueError, "s0"),
        ((X0, *P0), {"s0": mg.tensor(np.zeros((2, 2)))}, ValueError, "constant"),
        ((X0, *P0), {"bp_lim": 3}, ValueError, "bp_lim"),
        ((X0, *P0), {"bp_lim": -1}, ValueError, "bp_lim"),
        ((X0, *P0), {"bp_lim": 1.0}, TypeError, "bp_lim"),
        ((X0, *P0), {"dropout": 1.0}, ValueError, "dropout"),
        ((X0, *P0), {"dropout": -0.5}, ValueError, "dropout"),
    ],
)
def test_validation(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        gru(*args, **kwargs)
