"""Norm conventions (zero gradients where undefined, nan_to_num=False, ord=0,
inf, matrix norms as NumPy chooses them), and the np.linalg matrix helpers
(diagonal's read-only view, trace, matrix_transpose)."""

import numpy as np
import pytest

import mygrad as mg
from mygrad.testing import check_grad

INF = np.inf


def _grad(f, x):
    t = mg.tensor(x)
    f(t).backward()
    return t.grad


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # (NumPy's forward, for ord < 0)
@pytest.mark.parametrize("ord", [None, 2, 1, 3, 0.5, -1, INF, -INF])
def test_vector_norm_gradient_at_zero_is_zero(ord):
    z = np.zeros(3)
    assert np.array_equal(_grad(lambda t: mg.linalg.norm(t, ord=ord), z), np.zeros(3))
    assert np.array_equal(_grad(lambda t: mg.linalg.vector_norm(t, ord=2 if ord is None else ord), z), np.zeros(3))


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("ord", [1, 0.5, -1])
def test_zero_entries_get_zero_for_small_ord(ord):
    g = _grad(lambda t: mg.linalg.norm(t, ord=ord), np.array([0.0, 2.0, -1.0]))
    assert g[0] == 0 and np.all(np.isfinite(g))


def test_nan_to_num_false_gives_nan_where_undefined():
    g = _grad(lambda t: mg.linalg.norm(t, nan_to_num=False), np.zeros(2))
    assert np.isnan(g).all()
    g = _grad(lambda t: mg.linalg.norm(t, ord=1, nan_to_num=False), np.array([0.0, 2.0]))
    assert np.isnan(g[0]) and g[1] == 1.0
    # defined derivatives are unaffected
    g = _grad(lambda t: mg.linalg.norm(t, nan_to_num=False), np.array([0.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0])


def test_ord_zero_counts_and_has_zero_gradient():
    x = np.array([0.0, 2.0, -1.0])
    assert mg.linalg.norm(x, ord=0).item() == 2
    np.testing.assert_array_equal(_grad(lambda t: mg.linalg.norm(t, ord=0), x), np.zeros(3))


def test_inf_norm_gradient_is_split_evenly_among_tied_extrema():
    x = np.array([1.0, -3.0, 3.0])
    np.testing.assert_array_equal(_grad(lambda t: mg.linalg.norm(t, ord=INF), x), [0.0, -0.5, 0.5])
    np.testing.assert_array_equal(_grad(lambda t: mg.linalg.norm(t, ord=-INF), x), [1.0, 0.0, 0.0])


@pytest.mark.parametrize("ord, x, expected", [
    # rows 1 and 2 tie on their |x| sums (0.2 + 0.3 == 0.1 + 0.4 up to rounding)
    (INF, [[0.1, 0.1], [0.2, -0.3], [-0.1, 0.4]], [[0.0, 0.0], [0.5, -0.5], [-0.5, 0.5]]),
    # columns 0 and 1 tie (0.1 + 0.4 == 0.2 + 0.3); row 2 and the others do not
    (1, [[0.1, 0.2], [-0.4, 0.3], [0.0, 0.0]], [[0.5, 0.5], [-0.5, 0.5], [0.0, 0.0]]),
    # no tie: everything to the one extreme
    (-INF, [[0.1, 0.2], [0.4, 0.3]], [[1.0, 1.0], [0.0, 0.0]]),
])
def test_matrix_norm_ties_of_row_and_column_sums_split_evenly(ord, x, expected):
    np.testing.assert_allclose(_grad(lambda t: mg.linalg.matrix_norm(t, ord=ord), np.array(x)), expected)


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, INF, -INF])
def test_matrix_norms(ord):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(mg.linalg.norm(x, ord=ord).data, np.linalg.norm(x, ord=ord))
    check_grad(lambda t: mg.linalg.norm(t, ord=ord), x)
    xs = rng.normal(size=(2, 3, 4))
    check_grad(lambda t: mg.linalg.norm(t, ord=ord, axis=(2, 0), keepdims=True), xs)
    check_grad(lambda t: mg.linalg.matrix_norm(t, ord=ord), xs)


def test_norm_of_a_matrix_without_ord_is_the_flat_two_norm():
    x = np.array([[3.0, 0.0], [0.0, 4.0]])
    assert mg.linalg.norm(x).item() == 5.0
    check_grad(lambda t: mg.linalg.norm(t), np.arange(1.0, 9.0).reshape(2, 2, 2))


def test_norm_errors_are_numpys():
    with pytest.raises(ValueError):
        mg.linalg.norm(mg.tensor(np.ones((2, 2, 2))), ord=2)
    with pytest.raises(ValueError):
        mg.linalg.norm(mg.tensor(np.ones(3)), ord="fro")
    with pytest.raises(ValueError):
        mg.linalg.norm(mg.tensor(np.ones((2, 2))), ord=3, axis=(0, 1))


def test_norm_keeps_float32():
    t = mg.tensor(np.array([3.0, 4.0], dtype=np.float32))
    out = np.linalg.norm(t)
    assert out.dtype == np.float32
    out.backward()
    assert t.grad.dtype == np.float32


# ---------------------------------------------------------- matrix helpers
@pytest.mark.parametrize("offset", [0, 1, -1, 3])
def test_linalg_diagonal_is_a_read_only_view(offset):
    x = mg.tensor(np.arange(24.0).reshape(2, 3, 4))
    d = mg.linalg.diagonal(x, offset=offset)
    np.testing.assert_array_equal(d.data, np.linalg.diagonal(x.data, offset=offset))
    if d.size:
        assert d.base is x
        assert not d.data.flags.writeable
    check_grad(lambda t: mg.linalg.diagonal(t, offset=offset), x.data,
               seed=np.arange(1.0, d.size + 1).reshape(d.shape))


def test_linalg_trace_and_matrix_transpose():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 3))
    np.testing.assert_allclose(mg.linalg.trace(x, offset=1).data, np.linalg.trace(x, offset=1))
    check_grad(lambda t: mg.linalg.trace(t, offset=-1), x)
    t = mg.tensor(x)
    mt = mg.linalg.matrix_transpose(t)
    assert mt.base is t and mt.shape == (2, 3, 3)
    with pytest.raises(ValueError):
        mg.linalg.matrix_transpose(mg.tensor([1.0, 2.0]))


def test_matrix_rank_passes_through():
    assert np.linalg.matrix_rank(mg.tensor(np.eye(3))) == 3
