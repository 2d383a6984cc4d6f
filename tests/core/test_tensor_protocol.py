"""Tensor properties and the Python protocol: shape/ndim/
size/dtype/data, item/float/int, len, ``in``, repr, tolist, bool, hash,
comparisons, copying, pickling and ``astype``."""

import copy
import pickle

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad.testing import strategies as mst


small_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float16, np.float32, np.float64, np.int64, np.bool_]),
    shape=mst.shapes(max_dims=3),
    elements={"allow_nan": False, "allow_infinity": False},
)


@given(arr=small_arrays)
def test_properties_mirror_the_array(arr):
    t = mg.tensor(arr)
    assert t.shape == arr.shape
    assert t.ndim == arr.ndim
    assert t.size == arr.size
    assert t.dtype == arr.dtype
    assert type(t.data) is np.ndarray
    np.testing.assert_array_equal(t.data, arr)
    assert t.tolist() == arr.tolist()
    if arr.ndim:
        assert len(t) == len(arr)
    else:
        with pytest.raises(TypeError):
            len(t)


@given(arr=small_arrays)
def test_bool_matches_numpy(arr):
    t = mg.tensor(arr)
    try:
        expected = bool(arr)
    except Exception as e:  # NumPy refuses ambiguous truth values
        with pytest.raises(type(e)):
            bool(t)
    else:
        assert bool(t) is expected


def test_bool_hand_checked():
    assert bool(mg.tensor(0.0)) is False
    assert bool(mg.tensor([3.0])) is True
    assert bool(mg.tensor([[0]])) is False
    with pytest.raises(ValueError):
        bool(mg.tensor([1.0, 2.0]))


def test_data_is_the_array_not_a_copy():
    a = np.array([1.0, 2.0])
    t = mg.tensor(a, copy=False)
    assert t.data is a
    t.data[0] = 5.0  # not in a graph: writeable
    assert a[0] == 5.0


def test_item_float_int():
    t = mg.tensor([[2.5]])
    assert t.item() == 2.5 and type(t.item()) is float
    assert float(t) == 2.5
    assert int(t) == 2
    assert type(mg.tensor(3).item()) is int
    assert type(mg.tensor(True).item()) is bool
    big = mg.tensor([1.0, 2.0])
    with pytest.raises(ValueError):
        big.item()
    with pytest.raises(TypeError):
        float(big)
    with pytest.raises(TypeError):
        int(big)


def test_index_protocol_only_for_integer_tensors():
    assert [10, 20, 30][mg.tensor(1)] == 20
    with pytest.raises(TypeError):
        [10, 20, 30][mg.tensor(1.0)]


def test_contains():
    t = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert 3.0 in t
    assert 5.0 not in t
    assert [1.0, 2.0] in t


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: mg.tensor([1.0, 2.0]), "Tensor([1., 2.])"),
        (lambda: mg.tensor(3.0), "Tensor(3.)"),
        (lambda: mg.tensor([1, 2]), "Tensor([1, 2])"),
        (lambda: mg.tensor([1.0, 2.0], dtype=np.float32), "Tensor([1., 2.], dtype=float32)"),
        (lambda: mg.tensor([[1, 2], [3, 4]]), "Tensor([[1, 2],\n        [3, 4]])"),
        (lambda: mg.tensor([True]), "Tensor([ True])"),
    ],
)
def test_repr_like_numpy_with_Tensor(make, expected):
    assert repr(make()) == expected


@given(arr=small_arrays)
def test_repr_matches_numpy_repr(arr):
    r = repr(mg.tensor(arr))
    assert r.startswith("Tensor(")
    np_repr = repr(arr)
    # same content with the prefix swapped (line wrapping may differ)
    assert "".join(r[len("Tensor("):].split()) == "".join(np_repr[len("array("):].split())


def test_unhashable():
    with pytest.raises(TypeError):
        hash(mg.tensor([1.0]))


# ------------------------------------------------------------ comparisons
@given(arrs=st.tuples(hnp.arrays(np.float64, (3,), elements=st.integers(-2, 2).map(float)),
                      hnp.arrays(np.float64, (2, 1), elements=st.integers(-2, 2).map(float))))
def test_comparisons_return_bool_ndarrays(arrs):
    a, b = arrs
    x, y = mg.tensor(a), mg.tensor(b)
    cases = [
        (x == y, a == b), (x != y, a != b), (x < y, a < b),
        (x <= y, a <= b), (x > y, a > b), (x >= y, a >= b),
        (x < 0.5, a < 0.5), (1 > x, 1 > a), (x == b, a == b),
        (a < y, a < b), (x == [0.0, 1.0, 2.0], a == [0.0, 1.0, 2.0]),
    ]
    for got, expected in cases:
        assert type(got) is np.ndarray
        assert got.dtype == np.bool_
        np.testing.assert_array_equal(got, expected)


def test_comparisons_do_not_touch_the_graph():
    x = mg.tensor([1.0, 2.0])
    (x * x).backward()
    _ = x < 2
    _ = x == x
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])  # no auto-nulling


# ------------------------------------------------------- integer-valued ops
def test_floordiv_mod_divmod_on_constants_give_arrays():
    c = mg.tensor([7.0, -3.0], constant=True)
    a = np.array([7.0, -3.0])
    for got, expected in [(c // 2, a // 2), (7 // c, 7 // a), (c % 4, a % 4), (5 % c, 5 % a)]:
        assert type(got) is np.ndarray
        np.testing.assert_array_equal(got, expected)
    q, r = divmod(c, 2)
    np.testing.assert_array_equal(q, a // 2)
    np.testing.assert_array_equal(r, a % 2)


@pytest.mark.parametrize("op", [lambda x: x // 2, lambda x: 2 // x, lambda x: x % 2, lambda x: divmod(x, 2)])
def test_floordiv_mod_refuse_non_constant_tensors(op):
    with pytest.raises(ValueError):
        op(mg.tensor([1.0, 2.0]))


@given(hnp.arrays(st.sampled_from([np.int8, np.int64, np.uint16, np.bool_]), hnp.array_shapes(max_dims=2)))
def test_bitwise_operators_on_integer_tensors_match_numpy(a):
    t = mg.tensor(a)
    assert t.constant
    cases = [(t & t, a & a), (t | t, a | a), (t ^ t, a ^ a), (~t, ~a)]
    if a.dtype != np.bool_:
        cases += [(t << 1, a << 1), (t >> 1, a >> 1), (3 & t, 3 & a), (1 << mg.tensor(a % 4), 1 << (a % 4))]
    for got, expected in cases:
        assert type(got) is np.ndarray
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_bitwise_operators_refuse_non_constant_tensors():
    with pytest.raises(ValueError):
        mg.tensor([1.0, 2.0]) & 1


# ---------------------------------------------------------------- copying
def _tensor_with_grad():
    x = mg.tensor([1.0, 2.0, 3.0])
    (x * x).backward()
    return x


@pytest.mark.parametrize(
    "do_copy",
    [
        pytest.param(lambda t: t.copy(), id="method"),
        pytest.param(copy.copy, id="copy.copy"),
        pytest.param(copy.deepcopy, id="copy.deepcopy"),
        pytest.param(lambda t: pickle.loads(pickle.dumps(t)), id="pickle"),
    ],
)
@pytest.mark.parametrize("constant", [False, True])
def test_copies_roundtrip_data_grad_and_constant(do_copy, constant):
    if constant:
        x = mg.tensor([1.0, 2.0, 3.0], constant=True)
    else:
        x = _tensor_with_grad()
    y = do_copy(x)
    assert isinstance(y, mg.Tensor)
    assert y is not x
    assert y.constant is x.constant
    assert y.dtype == x.dtype
    np.testing.assert_array_equal(y.data, x.data)
    assert not np.shares_memory(y.data, x.data)
    assert y.creator is None
    if constant:
        assert y.grad is None
    else:
        np.testing.assert_array_equal(y.grad, x.grad)
        assert not np.shares_memory(y.grad, x.grad)
    # the copy is independent of the original
    y.data[...] = -1
    assert not (x.data == -1).any()


@pytest.mark.parametrize(
    "do_copy",
    [lambda t: t.copy(), copy.copy, copy.deepcopy, lambda t: pickle.loads(pickle.dumps(t))],
    ids=["method", "copy.copy", "copy.deepcopy", "pickle"],
)
def test_copy_of_a_tensor_in_a_live_graph_is_graph_free(do_copy):
    x = mg.tensor([1.0, 2.0])
    y = x * x
    z = do_copy(y)
    assert z.creator is None
    np.testing.assert_array_equal(z.data, [1.0, 4.0])
    z.data[0] = 7.0  # the copy is not locked
    z.backward()
    assert x.grad is None  # backprop through the copy does not reach x
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_copy_keeps_int_dtype_and_constant():
    t = mg.tensor([1, 2])
    for c in (t.copy(), copy.copy(t), copy.deepcopy(t), pickle.loads(pickle.dumps(t))):
        assert c.dtype == t.dtype and c.constant is True


def test_copy_with_constant_argument():
    x = _tensor_with_grad()
    c = x.copy(constant=True)
    assert c.constant is True
    assert c.grad is None  # a constant never has a gradient
    v = mg.tensor([1.0], constant=True).copy(constant=False)
    assert v.constant is False
    with pytest.raises(TypeError):
        x.copy(constant=1)


def test_deepcopy_inside_a_container_preserves_identity():
    x = mg.tensor([1.0, 2.0])
    a, b = copy.deepcopy([x, x])
    assert a is b
    assert a is not x


# ----------------------------------------------------------------- astype
@pytest.mark.parametrize("constant", [False, True])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_astype_to_float_keeps_constant_flag(constant, dtype):
    x = mg.tensor([1.0, 2.5], constant=constant)
    y = x.astype(dtype)
    assert y.dtype == dtype
    assert y.constant is constant
    np.testing.assert_array_equal(y.data, np.array([1.0, 2.5], dtype=dtype))


def test_astype_to_int_is_constant_and_refuses_constant_false():
    x = mg.tensor([1.7, -2.2])
    y = x.astype(np.int32)
    assert y.dtype == np.int32 and y.constant is True
    np.testing.assert_array_equal(y.data, [1, -2])
    with pytest.raises(ValueError):
        x.astype(np.int64, constant=False)


def test_astype_constant_override_and_graph():
    x = mg.tensor([1.0, 2.0])
    y = (x * x).astype(np.float32, constant=True)
    assert y.constant is True
    assert y.creator is None
    c = mg.tensor([1.0], constant=True).astype(np.float32, constant=False)
    assert c.constant is False


def test_astype_copy_semantics():
    x = mg.tensor([1.0, 2.0])
    assert x.astype(np.float64, copy=False) is x
    y = x.astype(np.float64)
    assert y is not x
    assert not np.shares_memory(x.data, y.data)
    with pytest.raises(TypeError):
        x.astype(np.float32, casting="safe").astype(np.int8, casting="safe")
