"""Factorisations and other multi-result ops (qr, eigh, svd, slogdet, lstsq),
checked on generic matrices (NumPy's factors flip sign at special inputs such
as triangular or diagonal ones, where finite differences are meaningless):
forward against NumPy, gradients of every result, and of several results at
once, against finite differences; batched inputs; the one-triangle convention
of cholesky/eigh; errors."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mygrad as mg
from mygrad.testing import check_grad

SEEDS = st.integers(0, 2**32 - 1)


def _orthogonal(rng, n, batch=()):
    q, r = np.linalg.qr(rng.normal(size=batch + (n, n)))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def _spread(rng, k, batch=()):
    """``k`` values at least 0.5 apart, in [0.5, 0.5 + k], per batch entry."""
    base = np.arange(k, 0, -1, dtype=float) + 0.5
    return np.broadcast_to(base + rng.uniform(-0.2, 0.2, size=batch + (k,)), batch + (k,))


def _generic(rng, m, n, batch=()):
    """A matrix with distinct singular values, far from special structure."""
    k = min(m, n)
    u = _orthogonal(rng, m, batch)[..., :k]
    v = _orthogonal(rng, n, batch)[..., :k]
    return (u * _spread(rng, k, batch)[..., None, :]) @ np.swapaxes(v, -1, -2)


def _symmetric(rng, n, batch=()):
    q = _orthogonal(rng, n, batch)
    w = _spread(rng, n, batch) * np.where(np.arange(n) % 2, -1, 1)
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


SHAPES = [(3, 3), (4, 2), (2, 4), (1, 3), (3, 1), (2, 3, 3), (2, 3, 2)]


# ------------------------------------------------------------------------ qr
@pytest.mark.parametrize("shape", SHAPES)
@given(seed=SEEDS)
def test_qr_reduced(shape, seed):
    rng = np.random.default_rng(seed)
    a = _generic(rng, *shape[-2:], batch=shape[:-2])
    q, r = mg.linalg.qr(a)
    nq, nr = np.linalg.qr(a)
    np.testing.assert_allclose(q.data, nq, atol=1e-12)
    np.testing.assert_allclose(r.data, nr, atol=1e-12)
    gq, gr = rng.normal(size=q.shape), rng.normal(size=r.shape)
    check_grad(lambda x: mg.linalg.qr(x)[0], a, seed=gq)
    check_grad(lambda x: mg.linalg.qr(x)[1], a, seed=gr)
    # a loss of both results: the sum of both contributions
    t = mg.tensor(a)
    q, r = mg.linalg.qr(t)
    q.backward(gq)
    g_q = t.grad
    t = mg.tensor(a)
    q, r = mg.linalg.qr(t)
    r.backward(gr)
    g_r = t.grad
    t = mg.tensor(a)
    q, r = np.linalg.qr(t)
    (np.sum(q * gq) + np.sum(r * gr)).backward()  # (a single graph through both results)
    np.testing.assert_allclose(t.grad, g_q + g_r, atol=1e-10)


def test_qr_modes():
    rng = np.random.default_rng(0)
    a = _generic(rng, 2, 3)
    q, r = mg.linalg.qr(a, mode="complete")
    np.testing.assert_allclose(r.data, np.linalg.qr(a, mode="complete").R, atol=1e-12)
    check_grad(lambda x: mg.linalg.qr(x, mode="complete")[0], a, seed=rng.normal(size=(2, 2)))
    r_only = mg.linalg.qr(a, mode="r")
    np.testing.assert_allclose(r_only.data, np.linalg.qr(a, mode="r"), atol=1e-12)
    check_grad(lambda x: mg.linalg.qr(x, mode="r"), a, seed=rng.normal(size=r_only.shape))
    tall = _generic(rng, 4, 2)
    q, r = mg.linalg.qr(tall, mode="complete")
    assert q.shape == (4, 4) and r.shape == (4, 2)
    check_grad(lambda x: mg.linalg.qr(x, mode="complete")[1], tall, seed=rng.normal(size=(4, 2)))
    with pytest.raises(NotImplementedError):
        mg.linalg.qr(a, mode="raw")
    with pytest.raises(ValueError):
        mg.linalg.qr(a, mode="nope")


# ---------------------------------------------------------------------- eigh
@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (3, 3), (2, 3, 3)])
@pytest.mark.parametrize("uplo", ["L", "U"])
@given(seed=SEEDS)
def test_eigh(shape, uplo, seed):
    rng = np.random.default_rng(seed)
    a = _symmetric(rng, shape[-1], shape[:-2])
    w, v = mg.linalg.eigh(a, UPLO=uplo)
    nw, nv = np.linalg.eigh(a, UPLO=uplo)
    np.testing.assert_allclose(w.data, nw, atol=1e-12)
    np.testing.assert_allclose(v.data, nv, atol=1e-12)
    gw, gv = rng.normal(size=w.shape), rng.normal(size=v.shape)
    check_grad(lambda x: mg.linalg.eigh(x, UPLO=uplo)[0], a, seed=gw)
    check_grad(lambda x: mg.linalg.eigh(x, UPLO=uplo)[1], a, seed=gv)
    check_grad(lambda x: mg.linalg.eigvalsh(x, UPLO=uplo), a, seed=gw)
    t = mg.tensor(a)
    mg.linalg.eigh(t, UPLO=uplo)[0].backward(gw)
    # the gradient lives in the triangle that is read
    unread = np.triu(t.grad, 1) if uplo == "L" else np.tril(t.grad, -1)
    assert not unread.any()


def test_eigh_result_type_and_both_outputs():
    a = mg.tensor([[2.0, 1.0], [1.0, 2.0]])
    res = mg.linalg.eigh(a)
    assert type(res).__name__ == "EighResult"
    assert res.eigenvalues is res[0] and res.eigenvectors is res[1]
    (res.eigenvalues.sum() + res.eigenvectors.sum()).backward()
    assert a.grad.shape == (2, 2)


# ----------------------------------------------------------------------- svd
@pytest.mark.parametrize("shape", SHAPES)
@given(seed=SEEDS)
def test_svd_reduced(shape, seed):
    rng = np.random.default_rng(seed)
    a = _generic(rng, *shape[-2:], batch=shape[:-2])
    u, s, vh = mg.linalg.svd(a, full_matrices=False)
    nu, ns, nvh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(u.data, nu, atol=1e-12)
    np.testing.assert_allclose(s.data, ns, atol=1e-12)
    np.testing.assert_allclose(vh.data, nvh, atol=1e-12)
    for i, part in enumerate((u, s, vh)):
        check_grad(lambda x: mg.linalg.svd(x, full_matrices=False)[i], a, seed=rng.normal(size=part.shape))
    check_grad(lambda x: mg.linalg.svd(x, compute_uv=False), a, seed=rng.normal(size=s.shape))
    check_grad(lambda x: mg.linalg.svdvals(x), a, seed=rng.normal(size=s.shape))


def test_svd_full_matrices_and_hermitian():
    rng = np.random.default_rng(2)
    square = _generic(rng, 3, 3)
    u, s, vh = mg.linalg.svd(square)  # (full_matrices=True: the same as reduced for a square input)
    for i, part in enumerate((u, s, vh)):
        check_grad(lambda x: mg.linalg.svd(x)[i], square, seed=rng.normal(size=part.shape))
    wide = _generic(rng, 2, 4)
    u, s, vh = mg.linalg.svd(wide)
    assert vh.shape == (4, 4)
    # the singular values and the first rows of Vh are differentiable
    check_grad(lambda x: mg.linalg.svd(x)[1], wide, seed=rng.normal(size=s.shape))
    check_grad(lambda x: mg.linalg.svd(x)[2][:2], wide, seed=rng.normal(size=(2, 4)))
    sym = _symmetric(rng, 3)
    np.testing.assert_allclose(mg.linalg.svd(sym, hermitian=True)[1].data, np.linalg.svd(sym, hermitian=True)[1])
    check_grad(lambda x: mg.linalg.svd(x, hermitian=True, compute_uv=False), sym, seed=rng.normal(size=3))
    check_grad(lambda x: mg.linalg.pinv(x, hermitian=True), sym, seed=rng.normal(size=(3, 3)))


# ----------------------------------------------------- slogdet, lstsq, others
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 2, 2)])
def test_slogdet(shape):
    rng = np.random.default_rng(3)
    a = _generic(rng, shape[-1], shape[-1], shape[:-2]) * np.where(rng.random(shape[:-2] + (1, 1)) < 0.5, -1, 1)
    sign, logabsdet = np.linalg.slogdet(mg.tensor(a))
    ns, nl = np.linalg.slogdet(a)
    assert sign.constant and not logabsdet.constant
    np.testing.assert_array_equal(sign.data, ns)
    np.testing.assert_allclose(logabsdet.data, nl)
    check_grad(lambda x: mg.linalg.slogdet(x).logabsdet, a, seed=rng.normal(size=nl.shape))


@pytest.mark.parametrize("sa, sb", [((4, 2), (4,)), ((4, 2), (4, 3)), ((3, 3), (3,)), ((2, 4), (2,))])
def test_lstsq(sa, sb):
    rng = np.random.default_rng(4)
    a, b = _generic(rng, *sa), rng.normal(size=sb)
    x, res, rank, s = mg.linalg.lstsq(a, b)
    nx, nres, nrank, ns = np.linalg.lstsq(a, b)
    np.testing.assert_allclose(x.data, nx, atol=1e-12)
    np.testing.assert_allclose(res.data, nres)
    assert rank == nrank and res.constant and s.constant
    check_grad(lambda p, q: mg.linalg.lstsq(p, q)[0], a, b, seed=rng.normal(size=nx.shape))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_reads_one_triangle(upper):
    a = np.array([[4.0, 2.0, 0.4], [2.0, 5.0, 1.0], [0.4, 1.0, 3.0]])
    t = mg.tensor(a)
    out = mg.linalg.cholesky(t, upper=upper)
    np.testing.assert_allclose(out.data, np.linalg.cholesky(a, upper=upper))
    seed = np.arange(9.0).reshape(3, 3)
    out.backward(seed)
    unread = np.tril(t.grad, -1) if upper else np.triu(t.grad, 1)
    assert not unread.any()
    check_grad(lambda x: mg.linalg.cholesky(x, upper=upper), a, seed=seed)


def test_det_of_a_singular_matrix_has_the_cofactor_gradient():
    a = mg.tensor([[1.0, 2.0], [2.0, 4.0]])
    mg.linalg.det(a).backward()
    np.testing.assert_allclose(a.grad, [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)


@pytest.mark.parametrize("f", [mg.linalg.inv, mg.linalg.det, mg.linalg.cholesky, mg.linalg.eigvalsh,
                               lambda x: mg.linalg.eigh(x), lambda x: mg.linalg.slogdet(x),
                               lambda x: mg.linalg.matrix_power(x, 2)])
def test_non_square_input_raises_linalg_error(f):
    with pytest.raises(np.linalg.LinAlgError):
        f(mg.tensor(np.ones((2, 3))))


def test_singular_and_indefinite_inputs_raise_linalg_error():
    with pytest.raises(np.linalg.LinAlgError):
        mg.linalg.inv(mg.tensor(np.zeros((2, 2))))
    with pytest.raises(np.linalg.LinAlgError):
        mg.linalg.cholesky(mg.tensor(-np.eye(2)))
    with pytest.raises(np.linalg.LinAlgError):
        mg.linalg.solve(mg.tensor(np.zeros((2, 2))), mg.tensor(np.ones(2)))
    with pytest.raises(ValueError):
        mg.linalg.solve(mg.tensor(np.eye(2)), mg.tensor(np.ones(3)))
    with pytest.raises(np.linalg.LinAlgError):
        mg.linalg.qr(mg.tensor(np.ones(3)))
    with pytest.raises(TypeError):
        mg.linalg.inv(mg.tensor(np.eye(2, dtype=np.float16)))


@pytest.mark.parametrize("f", [
    mg.linalg.qr, lambda x: mg.linalg.qr(x, mode="complete"), mg.linalg.eigh, mg.linalg.svd,
    lambda x: mg.linalg.svd(x, full_matrices=False), mg.linalg.slogdet])
def test_factorisations_of_an_empty_batch(f):
    # NumPy returns empty results for a stack of zero matrices
    x = mg.tensor(np.zeros((0, 3, 3)))
    results = f(x)
    numpy_f = {mg.linalg.qr: np.linalg.qr, mg.linalg.eigh: np.linalg.eigh, mg.linalg.svd: np.linalg.svd,
               mg.linalg.slogdet: np.linalg.slogdet}.get(f)
    if numpy_f is not None:
        assert [r.shape for r in results] == [r.shape for r in numpy_f(x.data)]
    sum(r.sum() for r in results if not r.constant).backward()
    assert x.grad.shape == (0, 3, 3)
