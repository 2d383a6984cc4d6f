"""``Tensor.__getitem__`` and ``iter(t)``.

Basic, advanced, mixed and boolean indexing give NumPy's values; basic indexing
gives a view (unless it selects a single element), the others a copy.
Gradients scatter back into the indexed positions, and repeated indices
accumulate. (Assignment through indices is tested in ``test_inplace.py``.)
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mygrad as mg
from mygrad.testing import numerical_gradient

floats = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@st.composite
def array_and_key(draw, kind):
    shape = draw(shapes)
    a = draw(hnp.arrays(np.float64, shape, elements=floats), label="array")
    if kind == "basic":
        key = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True), label="key")
    elif kind == "advanced":
        key = draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2,
                                                                                  max_side=4)), label="key")
    elif kind == "mixed":
        # integer arrays along one axis (repeats allowed), slices elsewhere
        axis = draw(st.integers(0, len(shape) - 1), label="axis")
        idx = np.array(draw(st.lists(st.integers(-shape[axis], shape[axis] - 1), min_size=1, max_size=5)))
        slices = [draw(st.sampled_from([slice(None), slice(None, None, -1), slice(1, None)])) for _ in shape]
        key = tuple(slices[:axis]) + (idx,) + tuple(slices[axis + 1:])
    else:  # boolean
        key = draw(hnp.arrays(np.bool_, shape), label="mask")
        if draw(st.booleans(), label="mask on a leading axis only") and len(shape) > 1:
            key = key[(slice(None),) + (0,) * (len(shape) - 1)]
    return a, key


@pytest.mark.parametrize("kind", ["basic", "advanced", "mixed", "boolean"])
@given(data=st.data())
def test_getitem_values_and_gradients(kind, data):
    a, key = data.draw(array_and_key(kind))
    x = mg.tensor(a)
    out = x[key]
    expected = a[key]
    assert isinstance(out, mg.Tensor)
    assert out.shape == np.shape(expected)
    np.testing.assert_array_equal(out.data, expected)
    seed = data.draw(hnp.arrays(np.float64, np.shape(expected), elements=floats), label="seed")
    out.backward(seed)
    (numeric,) = numerical_gradient(lambda t: t[key], a, seed=seed)
    np.testing.assert_allclose(x.grad, numeric, atol=1e-6)
    # scatter-add by hand
    expected_grad = np.zeros_like(a)
    np.add.at(expected_grad, key, seed)
    np.testing.assert_allclose(x.grad, expected_grad)


@given(data=st.data())
def test_basic_indexing_gives_a_view_unless_it_selects_one_element(data):
    a, key = data.draw(array_and_key("basic"))
    x = mg.tensor(a)
    out = x[key]
    if isinstance(a[key], np.ndarray):
        assert out.base is x
        assert np.shares_memory(out.data, x.data) or out.size == 0
    else:  # a NumPy scalar: a 0-d tensor that is not a view
        assert out.ndim == 0 and out.base is None


@pytest.mark.parametrize("kind", ["advanced", "boolean"])
@given(data=st.data())
def test_advanced_indexing_gives_a_copy(kind, data):
    a, key = data.draw(array_and_key(kind))
    x = mg.tensor(a)
    out = x[key]
    assert out.base is None
    assert not np.shares_memory(out.data, x.data)


def test_duplicate_indices_accumulate():
    x = mg.tensor([1.0, 2.0, 3.0])
    y = x[[0, 0, 1, 0]]
    np.testing.assert_array_equal(y.data, [1.0, 1.0, 2.0, 1.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 1.0, 0.0])


def test_duplicate_indices_in_two_dimensions():
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    y = x[[1, 1, 0], [2, 2, 2]]
    (y * np.array([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0, 100.0], [0.0, 0.0, 11.0]])


def test_index_used_twice_in_one_graph_accumulates():
    x = mg.tensor([1.0, 2.0, 3.0])
    (x[1:] * x[:2] + x[[2]]).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 1.0 + 3.0, 2.0 + 2 * 1.0])  # x[[2]] broadcasts over 2


def test_tensor_and_list_indices():
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x[mg.tensor([1, 0])].data, [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]])
    np.testing.assert_array_equal(x[mg.tensor([True, False])].data, [[0.0, 1.0, 2.0]])
    np.testing.assert_array_equal(x[1, mg.tensor(2)].data, 5.0)
    np.testing.assert_array_equal(x[[1, 0], 1].data, [4.0, 1.0])
    mask = mg.tensor(x.data > 2)
    y = x[mask]
    np.testing.assert_array_equal(y.data, [3.0, 4.0, 5.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [1, 1, 1]])


def test_getitem_of_a_constant_is_constant_and_of_ints_is_constant():
    c = mg.tensor([1.0, 2.0], constant=True)
    assert c[0].constant and c[[0, 0]].constant and c[:1].constant
    i = mg.tensor([1, 2, 3])
    assert i[1:].constant and i[1:].dtype == i.dtype


def test_getitem_errors_like_numpy():
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises(IndexError):
        x[2]
    with pytest.raises(IndexError):
        x[0, 0, 0]
    with pytest.raises(IndexError):
        x[[0, 5]]
    with pytest.raises(IndexError):
        x[np.array([True, False, True])]
    with pytest.raises(IndexError):
        x[1.5]
    with pytest.raises(IndexError):
        x[[0.5]]
    assert x.creator is None and x.data.flags.writeable


def test_getitem_nulls_the_gradient_only_for_copies():
    x = mg.tensor([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    _ = x[:2]  # a view: does not null
    assert x.grad is not None
    _ = x[[0, 1]]  # a copy: nulls like every non-view op
    assert x.grad is None


# --------------------------------------------------------------------- iter
def test_iter_yields_differentiable_rows():
    x = mg.tensor(np.arange(6.0).reshape(3, 2))
    rows = list(x)
    assert len(rows) == 3
    for i, r in enumerate(rows):
        assert isinstance(r, mg.Tensor)
        np.testing.assert_array_equal(r.data, x.data[i])
        assert r.base is x
    total = rows[0] * 1 + rows[2] * 3
    total.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]])


def test_iter_of_1d_gives_0d_tensors_and_0d_raises():
    x = mg.tensor([1.0, 2.0])
    items = list(iter(x))
    assert [float(t) for t in items] == [1.0, 2.0]
    assert all(t.ndim == 0 for t in items)
    sum(items).backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    with pytest.raises(TypeError):
        iter(mg.tensor(1.0))
    with pytest.raises(TypeError):
        list(mg.tensor(1.0))


def test_unpacking_and_zip():
    a, b = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(a.data, [1.0, 2.0])
    np.testing.assert_array_equal(b.data, [3.0, 4.0])
    pairs = list(zip(mg.tensor([1.0, 2.0]), [10, 20]))
    assert float(pairs[1][0]) == 2.0
