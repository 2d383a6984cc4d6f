"""einsum: string and interleaved forms, ellipses, traces and diagonals (views),
repeated operands, optimize, out=, errors; forward against NumPy and
gradients against finite differences."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mygrad as mg
from mygrad.testing import check_grad

CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 2)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 2, 2)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("i,j->ij", [(2,), (3,)]),
    ("i,i", [(3,), (3,)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("i...,i...->...", [(2, 3), (2, 1)]),
    ("...", [(2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("iij,j->ij", [(2, 2, 3), (3,)]),
    ("iji->j", [(2, 3, 2)]),
    ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]),
    ("ab,bc,cd,de,ef->af", [(2, 2), (2, 3), (3, 2), (2, 2), (2, 1)]),
    ("i,jk,k->", [(2,), (3, 2), (2,)]),
    ("", [()]),
    (",i->i", [(), (3,)]),
]


@pytest.mark.parametrize("subscripts, shapes", CASES, ids=[c[0] or "scalar" for c in CASES])
@given(data=st.data())
def test_einsum_forward_and_gradient(subscripts, shapes, data):
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    optimize = data.draw(st.sampled_from([False, True, "greedy", "optimal"]), label="optimize")
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-2, 2, size=s) for s in shapes]
    out = mg.einsum(subscripts, *arrays, optimize=optimize)
    np.testing.assert_allclose(out.data, np.einsum(subscripts, *arrays), rtol=1e-12, atol=1e-12)
    upstream = rng.uniform(-2, 2, size=out.shape)
    check_grad(lambda *xs: mg.einsum(subscripts, *xs, optimize=optimize), *arrays, seed=upstream)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_einsum_keeps_the_dtype(dtype):
    a = mg.tensor(np.ones((2, 3), dtype=dtype))
    b = mg.tensor(np.ones((3, 2), dtype=dtype))
    out = mg.einsum("ij,jk->ik", a, b)
    assert out.dtype == np.einsum("ij,jk->ik", a.data, b.data).dtype == dtype
    out.backward()
    assert a.grad.dtype == dtype and b.grad.dtype == dtype


def test_einsum_large_pair_uses_the_same_values_as_numpy():
    # (large enough for the matmul path of the gradient)
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(2, 3, 16, 8)), rng.normal(size=(2, 3, 16, 8))
    tq, tk = mg.tensor(q), mg.tensor(k)
    out = mg.einsum("bhqd,bhkd->bhqk", tq, tk)
    g = rng.normal(size=out.shape)
    out.backward(g)
    np.testing.assert_allclose(tq.grad, np.einsum("bhqk,bhkd->bhqd", g, k), rtol=1e-10)
    np.testing.assert_allclose(tk.grad, np.einsum("bhqk,bhqd->bhkd", g, q), rtol=1e-10)
    x, y = mg.tensor(rng.normal(size=64)), mg.tensor(rng.normal(size=128))
    o = mg.einsum("i,j->ij", x, y)
    g = rng.normal(size=o.shape)
    o.backward(g)
    np.testing.assert_allclose(x.grad, g @ y.data, rtol=1e-10)
    np.testing.assert_allclose(y.grad, x.data @ g, rtol=1e-10)


def test_interleaved_form():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    out = mg.einsum(a, [0, 1], b, [1, 2], [0, 2])
    np.testing.assert_allclose(out.data, a @ b)
    check_grad(lambda x, y: mg.einsum(x, [0, 1], y, [1, 2], [0, 2]), a, b)
    check_grad(lambda x, y: mg.einsum(x, [Ellipsis, 1], y, [1, 2]), rng.normal(size=(2, 2, 3)), b)
    check_grad(lambda x: mg.einsum(x, [0, 0]), rng.normal(size=(3, 3)))
    # NumPy's function dispatches to mygrad's for tensors, in both forms
    assert isinstance(np.einsum(mg.tensor(a), [0, 1], [1, 0]), mg.Tensor)


def test_trace_and_transpose_are_views():
    x = mg.tensor(np.arange(9.0).reshape(3, 3))
    d = mg.einsum("ii->i", x)
    assert d.base is x and np.shares_memory(d.data, x.data)
    t = mg.einsum("ij->ji", x)
    assert t.base is x
    d.backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, np.diag([1.0, 2.0, 3.0]))
    # the view's gradient is the same view of the base's gradient
    np.testing.assert_array_equal(d.grad, np.diagonal(x.grad))
    # a sum is not a view
    assert mg.einsum("ij->", x).base is None


def test_writing_into_a_trace_view_writes_the_base():
    x = mg.tensor(np.zeros((3, 3)))
    d = mg.einsum("ii->i", x)
    d[...] = mg.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.data, np.diag([1.0, 2.0, 3.0]))


def test_repeated_operand_gets_both_contributions():
    x = mg.tensor([1.0, 2.0, 3.0])
    mg.einsum("i,i", x, x).backward()
    np.testing.assert_array_equal(x.grad, 2 * x.data)
    a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    mg.einsum("ij,jk->", a, a).backward()
    np.testing.assert_allclose(a.grad, np.ones((2, 2)) @ a.data.T + a.data.T @ np.ones((2, 2)))


def test_constant_operands_and_constant_flag():
    a = mg.tensor([[1.0, 2.0]], constant=True)
    b = mg.tensor([[3.0], [4.0]])
    out = mg.einsum("ij,jk->ik", a, b)
    out.backward()
    assert a.grad is None
    np.testing.assert_array_equal(b.grad, [[1.0], [2.0]])
    assert mg.einsum("ij,jk->ik", a, b, constant=True).constant
    assert mg.einsum("ij,jk->ik", a.data, b.data).constant


def test_out_argument():
    a, b = np.ones((2, 3)), np.ones((3, 2))
    target = np.empty((2, 2))
    res = mg.einsum("ij,jk->ik", a, b, out=target)
    np.testing.assert_array_equal(target, 3 * np.ones((2, 2)))
    assert isinstance(res, mg.Tensor)


def test_many_operands():
    rng = np.random.default_rng(3)
    arrays = [rng.normal(size=(2, 2)) for _ in range(6)]
    subs = "ab,bc,cd,de,ef,fg->ag"
    np.testing.assert_allclose(mg.einsum(subs, *arrays).data, np.einsum(subs, *arrays))
    check_grad(lambda *xs: mg.einsum(subs, *xs, optimize=True), *arrays)


@pytest.mark.parametrize("args", [
    ("ij,jk->ik", np.ones((2, 3))),            # too few operands
    ("ij->ik", np.ones((2, 3))),               # output label not in the input
    ("ij,jk->ik", np.ones((2, 3)), np.ones((2, 2))),  # sizes disagree
    ("ii", np.ones((2, 3))),                   # trace of a non-square
    ("i->ii", np.ones(3)),                     # repeated output label
    ("ijk", np.ones((2, 3))),                  # more labels than dimensions
    ("i...->i", np.ones((2, 3))),              # ellipsis dimensions dropped
    ("i$", np.ones((2, 3))),                   # not a label
])
def test_errors_are_numpys(args):
    raw = tuple(a for a in args)
    with pytest.raises(ValueError):
        np.einsum(*raw)
    tensors = tuple(mg.tensor(a) if isinstance(a, np.ndarray) else a for a in args)
    with pytest.raises(ValueError):
        mg.einsum(*tensors)
