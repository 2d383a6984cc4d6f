"""linalg.cond, linalg.tensorinv, linalg.tensorsolve, linalg.matrix_rank and the
top-level vecdot / matvec / vecmat: forward results against NumPy (values, shapes,
dtypes), NumPy's errors, gradients against finite differences, and both call forms
(``mg.linalg.<name>(t)`` and ``np.linalg.<name>(t)``)."""

import numpy as np
import pytest

import mygrad as mg
from mygrad._plugins.registry import REGISTRY
from mygrad.testing import check_grad

INF = np.inf
LinAlgError = np.linalg.LinAlgError


def _well_conditioned(rng, n, batch=(), m=None):
    """Matrices ``U diag(s) V^T`` with distinct singular values in [1, 3]
    (well separated: the svd-based gradients are defined)."""
    m = n if m is None else m
    k = min(m, n)
    u = np.linalg.qr(rng.normal(size=batch + (m, m)))[0][..., :k]
    v = np.linalg.qr(rng.normal(size=batch + (n, n)))[0][..., :k]
    s = np.linspace(3.0, 1.0, k) + 0.1 * rng.random(batch + (k,))
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def _assert_same(result, expected):
    assert isinstance(result, mg.Tensor)
    expected = np.asarray(expected)
    assert result.shape == expected.shape
    assert result.dtype == expected.dtype
    np.testing.assert_allclose(result.data, expected, rtol=1e-6, atol=1e-12)


# ---------------------------------------------------------------------- names
@pytest.mark.parametrize("name", ["cond", "tensorinv", "tensorsolve"])
def test_linalg_names_override_numpy(name):
    assert callable(getattr(mg.linalg, name))
    assert REGISTRY.functions.get(getattr(np.linalg, name)) is getattr(mg.linalg, name)


def test_top_level_names():
    assert mg.vecdot is REGISTRY.ufuncs[np.vecdot]
    assert callable(mg.matvec) and callable(mg.vecmat)


# ----------------------------------------------------------------------- cond
ORDS = [None, 2, -2, "fro", "nuc", 1, -1, INF, -INF]


@pytest.mark.parametrize("p", ORDS)
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 2, 2), (1, 1)])
def test_cond_forward_matches_numpy(p, shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    expected = np.linalg.cond(x, p)
    _assert_same(mg.linalg.cond(x, p), expected)
    _assert_same(np.linalg.cond(mg.tensor(x), p), expected)
    _assert_same(mg.linalg.cond(mg.tensor(x, dtype=np.float32), p), np.linalg.cond(x.astype(np.float32), p))


@pytest.mark.parametrize("p", [None, 2, -2])
@pytest.mark.parametrize("shape", [(2, 3), (4, 2), (2, 3, 5)])
def test_cond_of_rectangular_matrices(p, shape):
    x = np.random.default_rng(1).normal(size=shape)
    _assert_same(mg.linalg.cond(mg.tensor(x), p), np.linalg.cond(x, p))


@pytest.mark.parametrize("p", ORDS)
@pytest.mark.parametrize("batch", [(), (2,), (2, 1)])
def test_cond_gradient(p, batch):
    rng = np.random.default_rng(2)
    x = _well_conditioned(rng, 3, batch)
    check_grad(lambda t: mg.linalg.cond(t, p), x)
    check_grad(lambda t: np.linalg.cond(t, p), x)


@pytest.mark.parametrize("p", [None, 2, -2])
def test_cond_gradient_rectangular(p):
    x = _well_conditioned(np.random.default_rng(3), 4, (2,), m=2)
    check_grad(lambda t: mg.linalg.cond(t, p), x)


def test_cond_gradient_of_a_single_value_is_zero():
    x = mg.tensor([[3.0, 4.0]])  # (one singular value: cond is 1 everywhere)
    mg.linalg.cond(x).backward()
    np.testing.assert_array_equal(x.grad, np.zeros((1, 2)))


def test_cond_gradient_by_hand():
    x = mg.tensor([[2.0, 0.0], [0.0, 0.5]])
    mg.linalg.cond(x).backward()  # s0 / s1: d/ds0 = 1 / s1, d/ds1 = -s0 / s1**2
    np.testing.assert_allclose(x.grad, [[2.0, 0.0], [0.0, -8.0]])


@pytest.mark.parametrize("p", ORDS)
def test_cond_of_singular_matrices_is_inf_with_zero_gradient(p):
    good = _well_conditioned(np.random.default_rng(4), 2)
    x = np.stack([good, np.zeros((2, 2)), np.ones((2, 2))])
    try:
        expected = np.linalg.cond(x, p)
    except LinAlgError:  # (NumPy < 2.5, p="nuc": the nan-filled inverse's SVD "did not converge")
        with pytest.raises(LinAlgError):
            mg.linalg.cond(mg.tensor(x), p)
        return
    assert np.isinf(expected[1])
    t = mg.tensor(x)
    r = mg.linalg.cond(t, p)
    np.testing.assert_array_equal(r.data[1:], expected[1:])
    np.testing.assert_allclose(r.data[0], expected[0])
    r[0].backward()  # (the singular matrices do not spoil the others' gradient)
    np.testing.assert_array_equal(t.grad[1], np.zeros((2, 2)))
    assert np.all(np.isfinite(t.grad))
    single = mg.tensor(good)
    mg.linalg.cond(single, p).backward()
    np.testing.assert_allclose(t.grad[0], single.grad)


def test_cond_of_a_zero_matrix_is_inf_like_numpy():
    for p in [q for q in ORDS if q != "nuc"]:
        r = mg.linalg.cond(mg.zeros((2, 2)), p)
        assert r.item() == np.linalg.cond(np.zeros((2, 2)), p) == INF


@pytest.mark.parametrize("x, p, error", [
    (np.zeros((0, 2)), None, LinAlgError),        # empty
    (np.zeros((3, 0, 0)), "fro", LinAlgError),
    (np.ones(3), None, LinAlgError),              # 1-D
    (np.ones(3), 1, LinAlgError),
    (np.ones((2, 3)), 1, LinAlgError),            # not square for a norm order
    (np.eye(3), 3, ValueError),                   # no such matrix norm
    (np.eye(3), "bad", ValueError),
])
def test_cond_errors_are_numpys(x, p, error):
    with pytest.raises(error):
        np.linalg.cond(x, p)
    with pytest.raises(error):
        mg.linalg.cond(mg.tensor(x), p)
    with pytest.raises(error):
        np.linalg.cond(mg.tensor(x), p)


def test_cond_float16_is_refused_like_numpy():
    x = np.eye(2, dtype=np.float16)
    with pytest.raises(TypeError):
        np.linalg.cond(x)
    with pytest.raises(TypeError):
        mg.linalg.cond(mg.tensor(x))


def test_cond_of_integers_is_a_constant_float64():
    x = np.array([[2, 1], [1, 3]])
    for p in (None, 1, "fro"):
        r = mg.linalg.cond(mg.tensor(x), p)
        _assert_same(r, np.linalg.cond(x, p))
        assert r.constant


# ------------------------------------------------------------------ tensorinv
@pytest.mark.parametrize("shape, ind", [((4, 2, 2), 1), ((2, 2, 4), 2), ((2, 3, 6), 2), ((6, 3, 2), 1),
                                        ((2, 2, 2, 2), 2), ((3, 3), 1), ((1, 1, 1), 2)])
def test_tensorinv(shape, ind):
    rng = np.random.default_rng(5)
    n = int(np.prod(shape[:ind]))
    a = _well_conditioned(rng, n).reshape(shape)
    expected = np.linalg.tensorinv(a, ind=ind)
    _assert_same(mg.linalg.tensorinv(a, ind=ind), expected)
    _assert_same(np.linalg.tensorinv(mg.tensor(a), ind=ind), expected)
    _assert_same(mg.linalg.tensorinv(mg.tensor(a, dtype=np.float32), ind=ind),
                 np.linalg.tensorinv(a.astype(np.float32), ind=ind))
    check_grad(lambda t: mg.linalg.tensorinv(t, ind=ind), a, seed=rng.normal(size=expected.shape))
    check_grad(lambda t: np.linalg.tensorinv(t, ind), a)


def test_tensorinv_default_ind_and_identity():
    a = mg.tensor(_well_conditioned(np.random.default_rng(6), 4).reshape(2, 2, 2, 2))
    ia = mg.linalg.tensorinv(a)
    np.testing.assert_allclose(mg.linalg.tensordot(ia, a, axes=2).data, np.eye(4).reshape(2, 2, 2, 2), atol=1e-12)


@pytest.mark.parametrize("a, ind, error", [
    (np.eye(4).reshape(4, 2, 2), 0, ValueError),       # ind must be positive
    (np.eye(4).reshape(4, 2, 2), -1, ValueError),
    (np.ones((2, 3)), 1, LinAlgError),                 # not square once reshaped
    (np.ones((2, 2)), 1, LinAlgError),                 # singular
])
def test_tensorinv_errors_are_numpys(a, ind, error):
    with pytest.raises(error):
        np.linalg.tensorinv(a, ind=ind)
    with pytest.raises(error):
        mg.linalg.tensorinv(mg.tensor(a), ind=ind)
    with pytest.raises(error):
        np.linalg.tensorinv(mg.tensor(a), ind=ind)


# ---------------------------------------------------------------- tensorsolve
@pytest.mark.parametrize("shape, nb", [((6, 2, 3), 1), ((2, 3, 6), 2), ((2, 2, 2, 2), 2), ((3, 3), 1),
                                       ((4, 2, 2), 1)])
def test_tensorsolve(shape, nb):
    rng = np.random.default_rng(7)
    n = int(np.prod(shape[:nb]))
    a = _well_conditioned(rng, n).reshape(shape)
    b = rng.normal(size=shape[:nb])
    expected = np.linalg.tensorsolve(a, b)
    _assert_same(mg.linalg.tensorsolve(a, b), expected)
    _assert_same(np.linalg.tensorsolve(mg.tensor(a), mg.tensor(b)), expected)
    _assert_same(np.linalg.tensorsolve(mg.tensor(a), b), expected)
    _assert_same(mg.linalg.tensorsolve(a.astype(np.float32), mg.tensor(b, dtype=np.float32)),
                 np.linalg.tensorsolve(a.astype(np.float32), b.astype(np.float32)))
    check_grad(mg.linalg.tensorsolve, a, b, seed=rng.normal(size=expected.shape))
    check_grad(np.linalg.tensorsolve, a, b)


@pytest.mark.parametrize("shape, nb, axes", [((6, 2, 3), 1, (0,)), ((6, 2, 3), 1, (0, 2)), ((6, 2, 3), 1, (2, 0)),
                                             ((2, 3, 6), 2, (1,)), ((2, 2, 2, 2), 2, (3, 0))])
def test_tensorsolve_axes(shape, nb, axes):
    rng = np.random.default_rng(8)
    n = int(np.prod(shape[:nb]))
    moved = _well_conditioned(rng, n).reshape(shape)  # (``a`` once ``axes`` are moved last)
    order = [i for i in range(len(shape)) if i not in axes] + list(axes)
    a = np.ascontiguousarray(moved.transpose(np.argsort(order)))
    b = rng.normal(size=shape[:nb])
    expected = np.linalg.tensorsolve(a, b, axes=axes)
    np.testing.assert_allclose(expected, np.linalg.tensorsolve(moved, b))
    _assert_same(mg.linalg.tensorsolve(mg.tensor(a), b, axes=axes), expected)
    _assert_same(np.linalg.tensorsolve(mg.tensor(a), mg.tensor(b), axes), expected)
    check_grad(lambda s, t: mg.linalg.tensorsolve(s, t, axes=axes), a, b)


def test_tensorsolve_solves_the_tensordot_equation():
    rng = np.random.default_rng(9)
    a = mg.tensor(_well_conditioned(rng, 6).reshape(2, 3, 6))
    b = mg.tensor(rng.normal(size=(2, 3)))
    x = mg.linalg.tensorsolve(a, b)
    np.testing.assert_allclose(mg.tensordot(a, x, axes=x.ndim).data, b.data, atol=1e-12)


@pytest.mark.parametrize("a, b, axes, error", [
    (np.eye(6).reshape(6, 2, 3), np.ones((2, 3)), None, LinAlgError),  # not square once reshaped
    (np.eye(6).reshape(6, 2, 3), np.ones(5), None, ValueError),    # b does not fit (solve's error)
    (np.eye(6).reshape(6, 2, 3), np.ones(6), (5,), ValueError),    # no such axis
    (np.eye(6).reshape(6, 2, 3), np.ones(6), (-1,), ValueError),   # (NumPy takes no negative axes here)
    (np.zeros((6, 2, 3)), np.ones(6), None, LinAlgError),          # singular
])
def test_tensorsolve_errors_are_numpys(a, b, axes, error):
    with pytest.raises(error):
        np.linalg.tensorsolve(a, b, axes)
    with pytest.raises(error):
        mg.linalg.tensorsolve(mg.tensor(a), b, axes=axes)
    with pytest.raises(error):
        np.linalg.tensorsolve(mg.tensor(a), mg.tensor(b), axes)


# ---------------------------------------------------------------- matrix_rank
def test_matrix_rank_is_numpys_result_in_both_forms():
    x = np.array([[1.0, 2.0], [2.0, 4.0]])
    for t in (mg.tensor(x), mg.tensor(x, constant=True)):
        r1, r2 = mg.linalg.matrix_rank(t), np.linalg.matrix_rank(t)
        assert type(r1) is type(r2) is type(np.linalg.matrix_rank(x))
        assert r1 == r2 == 1
    stack = mg.tensor(np.stack([x, np.eye(2)]))
    r1, r2 = mg.linalg.matrix_rank(stack), np.linalg.matrix_rank(stack)
    assert type(r1) is type(r2) is np.ndarray
    np.testing.assert_array_equal(r1, [1, 2])
    np.testing.assert_array_equal(r2, np.linalg.matrix_rank(stack.data))
    assert mg.linalg.matrix_rank(mg.tensor(x), tol=10.0) == np.linalg.matrix_rank(x, tol=10.0)


# --------------------------------------------------------------------- vecdot
@pytest.mark.parametrize("s1, s2", [((3,), (3,)), ((2, 3), (3,)), ((4, 1, 3), (2, 3)), ((3,), (2, 4, 3)),
                                    ((2, 1, 3), (1, 5, 3))])
def test_vecdot(s1, s2):
    rng = np.random.default_rng(10)
    x1, x2 = rng.normal(size=s1), rng.normal(size=s2)
    expected = np.vecdot(x1, x2)
    _assert_same(mg.vecdot(x1, x2), expected)
    _assert_same(np.vecdot(mg.tensor(x1), mg.tensor(x2)), expected)
    _assert_same(np.vecdot(mg.tensor(x1), x2), expected)
    _assert_same(mg.vecdot(x1.astype(np.float32), mg.tensor(x2, dtype=np.float32)),
                 np.vecdot(x1.astype(np.float32), x2.astype(np.float32)))
    check_grad(mg.vecdot, x1, x2, seed=rng.normal(size=np.shape(expected)))
    check_grad(np.vecdot, x1, x2)


@pytest.mark.parametrize("kwargs", [{"axis": 0}, {"axis": -2}, {"axis": 1, "keepdims": True}, {"keepdims": True},
                                    {"axes": [0, 1]}, {"axes": [(1,), (0,)]}, {"axes": [0, 1, 0], "keepdims": True}])
def test_vecdot_axis_axes_keepdims(kwargs):
    rng = np.random.default_rng(11)
    x1, x2 = rng.normal(size=(3, 3, 2)), rng.normal(size=(3, 3, 2))
    expected = np.vecdot(x1, x2, **kwargs)
    _assert_same(mg.vecdot(x1, x2, **kwargs), expected)
    _assert_same(np.vecdot(mg.tensor(x1), mg.tensor(x2), **kwargs), expected)
    check_grad(lambda a, b: mg.vecdot(a, b, **kwargs), x1, x2, seed=rng.normal(size=expected.shape))


def test_vecdot_matches_linalg_vecdot_and_errors():
    rng = np.random.default_rng(12)
    x1, x2 = rng.normal(size=(2, 4)), rng.normal(size=(4,))
    np.testing.assert_allclose(mg.vecdot(x1, x2).data, mg.linalg.vecdot(x1, x2).data)
    for a, b in ((np.ones(3), np.ones(2)), (np.ones((2, 3)), np.ones((3, 3)))):
        with pytest.raises(ValueError):
            np.vecdot(a, b)
        with pytest.raises(ValueError):
            mg.vecdot(mg.tensor(a), mg.tensor(b))


# -------------------------------------------------------------- matvec, vecmat
def _np_matvec(a, v):
    return np.matvec(a, v) if hasattr(np, "matvec") else np.matmul(a, v[..., None])[..., 0]


def _np_vecmat(v, a):
    return np.vecmat(v, a) if hasattr(np, "vecmat") else np.matmul(v[..., None, :], a)[..., 0, :]


MATVEC_SHAPES = [((2, 3), (3,)), ((4, 2, 3), (3,)), ((2, 3), (5, 3)), ((4, 1, 2, 3), (5, 3)), ((1, 1), (1,))]


@pytest.mark.parametrize("sa, sv", MATVEC_SHAPES)
def test_matvec(sa, sv):
    rng = np.random.default_rng(13)
    a, v = rng.normal(size=sa), rng.normal(size=sv)
    expected = _np_matvec(a, v)
    _assert_same(mg.matvec(a, v), expected)
    _assert_same(mg.matvec(mg.tensor(a), mg.tensor(v)), expected)
    _assert_same(mg.matvec(a.astype(np.float32), mg.tensor(v, dtype=np.float32)),
                 _np_matvec(a.astype(np.float32), v.astype(np.float32)))
    check_grad(mg.matvec, a, v, seed=rng.normal(size=expected.shape))


@pytest.mark.parametrize("sa, sv", MATVEC_SHAPES)
def test_vecmat(sa, sv):
    rng = np.random.default_rng(14)
    # (..., n, m); C order: check_grad's finite differences miss inputs in Fortran order
    a = np.ascontiguousarray(np.swapaxes(rng.normal(size=sa), -1, -2))
    v = rng.normal(size=sv)
    expected = _np_vecmat(v, a)
    _assert_same(mg.vecmat(v, a), expected)
    _assert_same(mg.vecmat(mg.tensor(v), mg.tensor(a)), expected)
    check_grad(mg.vecmat, v, a, seed=rng.normal(size=expected.shape))


@pytest.mark.parametrize("f, a, b", [
    (mg.matvec, np.ones(2), np.ones(2)),          # the matrix must be 2-D
    (mg.matvec, np.ones((2, 2)), np.ones(())),    # the vector 1-D
    (mg.matvec, np.ones((2, 3)), np.ones(2)),     # core sizes differ
    (mg.matvec, np.ones((2, 2, 3)), np.ones((3, 3))),  # batch axes do not broadcast
    (mg.vecmat, np.ones(2), np.ones(2)),
    (mg.vecmat, np.ones(()), np.ones((2, 2))),
    (mg.vecmat, np.ones(3), np.ones((2, 3))),
])
def test_matvec_vecmat_errors_are_numpys(f, a, b):
    with pytest.raises(ValueError):
        f(mg.tensor(a), mg.tensor(b))
    reference = getattr(np, f.__name__, None)
    if reference is not None:  # (NumPy >= 2.2)
        with pytest.raises(ValueError):
            reference(a, b)


def test_matvec_vecmat_of_integers_are_constant():
    a = np.arange(6).reshape(2, 3)
    v = np.arange(3)
    r = mg.matvec(mg.tensor(a), mg.tensor(v))
    _assert_same(r, _np_matvec(a, v))
    assert r.constant
    _assert_same(mg.vecmat(mg.tensor(np.arange(2)), mg.tensor(a)), _np_vecmat(np.arange(2), a))
