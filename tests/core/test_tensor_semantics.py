"""Tensor rules not covered elsewhere: MyGrad 2.x's public Tensor attributes,
the exception types of its errors, copies and pickles of views in live graphs,
constant flags of views, and the grad lifecycle of views and low-precision
tensors."""

import copy
import gc
import pickle

import numpy as np
import pytest

import mygrad as mg
from mygrad._core.memory_guard import locked_count

#: MyGrad 2.x's 37 public Tensor attributes
REFERENCE_ATTRIBUTES = {
    # properties
    "T", "base", "constant", "creator", "data", "dtype", "grad", "ndim", "shape", "size",
    # methods
    "any", "argmax", "argmin", "astype", "backward", "clear_graph", "clip", "copy", "cumprod", "cumsum",
    "flatten", "item", "max", "min", "mean", "sum", "prod", "std", "var", "moveaxis", "null_grad",
    "null_gradients", "ravel", "reshape", "squeeze", "swapaxes", "transpose",
}


def test_every_public_tensor_attribute_of_mygrad_2x_exists():
    public = {n for n in dir(mg.Tensor) if not n.startswith("_")}
    assert REFERENCE_ATTRIBUTES <= public
    assert "tolist" in public  # beyond the reference, like NumPy
    x = mg.tensor([[1.0, -2.0], [3.0, 0.5]])
    for name in REFERENCE_ATTRIBUTES - {"T", "base", "constant", "creator", "data", "dtype", "grad", "ndim", "shape",
                                        "size"}:
        assert callable(getattr(x, name)), name
    assert mg.Tensor.__array_priority__ == 15.0


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda t: t.sum(), lambda a: a.sum()),
        (lambda t: t.mean(axis=0), lambda a: a.mean(axis=0)),
        (lambda t: t.max(axis=1), lambda a: a.max(axis=1)),
        (lambda t: t.min(), lambda a: a.min()),
        (lambda t: t.prod(axis=0, keepdims=True), lambda a: a.prod(axis=0, keepdims=True)),
        (lambda t: t.std(), lambda a: a.std()),
        (lambda t: t.var(ddof=1), lambda a: a.var(ddof=1)),
        (lambda t: t.cumsum(axis=0), lambda a: a.cumsum(axis=0)),
        (lambda t: t.cumprod(), lambda a: a.cumprod()),
        (lambda t: t.clip(-1, 1), lambda a: a.clip(-1, 1)),
        (lambda t: t.argmax(), lambda a: a.argmax()),
        (lambda t: t.argmin(axis=0), lambda a: a.argmin(axis=0)),
        (lambda t: t.any(), lambda a: a.any()),
    ],
)
def test_method_values_match_numpy(call, expected):
    a = np.array([[1.0, -2.0], [3.0, 0.5]])
    np.testing.assert_allclose(np.asarray(call(mg.tensor(a))), expected(a))


def test_complex_and_reflected_divmod():
    assert complex(mg.tensor(2.0)) == 2 + 0j
    with pytest.raises(TypeError):
        complex(mg.tensor([1.0, 2.0]))
    q, r = divmod(7.0, mg.tensor([2.0, 3.0], constant=True))
    np.testing.assert_array_equal(q, [3.0, 2.0])
    np.testing.assert_array_equal(r, [1.0, 1.0])


# ------------------------------------------------------ copies and pickles
@pytest.mark.parametrize(
    "do_copy",
    [copy.copy, copy.deepcopy, lambda t: pickle.loads(pickle.dumps(t)), lambda t: t.copy()],
    ids=["copy", "deepcopy", "pickle", "method"],
)
def test_copies_of_a_view_in_a_live_graph(do_copy):
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    (x * x).sum().backward()
    v = x[:, ::-1]  # v.grad is the matching view of x.grad
    live = v.T * 3.0  # v takes part in a live graph (through a view op: its grad is kept)
    np.testing.assert_array_equal(v.grad, (2 * x.data)[:, ::-1])
    c = do_copy(v)
    assert isinstance(c, mg.Tensor)
    assert c.base is None and c.creator is None
    assert c.constant is False
    np.testing.assert_array_equal(c.data, v.data)
    np.testing.assert_array_equal(c.grad, v.grad)
    assert not np.shares_memory(c.data, x.data)
    c[0, 0] = -100.0  # independent and writeable
    assert x.data[0, 2] == 2.0
    live.backward()
    np.testing.assert_array_equal(x.grad, 3 * np.ones((2, 3)))
    assert locked_count() == 0


def test_pickle_of_a_tensor_in_a_live_graph_with_locked_data():
    x = mg.tensor([1.0, 2.0])
    y = x * x  # x is locked
    s = pickle.dumps(x)
    u = pickle.loads(s)
    assert u.data.flags.writeable and u.creator is None
    np.testing.assert_array_equal(u.data, [1.0, 2.0])
    y.backward()


def test_deepcopy_of_a_graph_does_not_copy_the_graph():
    x = mg.tensor([1.0, 2.0])
    y = x * 2
    z = y * y
    z2, y2 = copy.deepcopy([z, y])
    assert z2.creator is None and y2.creator is None
    z.backward()
    np.testing.assert_array_equal(x.grad, 8 * x.data)
    assert y2.grad is None


# -------------------------------------------------------- constant rules
def test_views_share_the_constant_flag_and_in_place_keeps_it():
    c = mg.tensor(np.arange(6.0).reshape(2, 3), constant=True)
    for v in (c[0], c.T, c.reshape(-1), np.moveaxis(c, 0, 1), c[None]):
        assert v.constant is True
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    v = x[1]
    v[...] = mg.tensor([1.0, 2.0, 3.0], constant=True)
    assert v.constant is False and x.constant is False


def test_no_autodiff_views_and_results_get_the_flag_as_passed():
    c = mg.tensor([1.0, 2.0], constant=True)
    with mg.no_autodiff:
        y = c * 2  # inputs are not consulted: dtype default
        v = c[:1]
        i = mg.tensor([1, 2], constant=False)
        assert y.constant is False
        assert i.constant is False
        assert v.base is None and np.shares_memory(v.data, c.data)
        assert mg.multiply(c, 2, constant=True).constant is True


def test_operations_on_all_constant_inputs_are_constant_unless_forced():
    c = mg.tensor([1.0, 2.0], constant=True)
    assert (c * c).constant is True
    assert (c + 1).constant is True
    assert c[::-1].constant is True
    assert mg.add(c, c, constant=False).constant is False  # constant=False is honoured
    mixed = c * mg.tensor([1.0, 1.0])
    assert mixed.constant is False


# -------------------------------------------------------- grad lifecycle
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_view_gradients_keep_the_dtype(dtype):
    x = mg.tensor(np.arange(4.0, dtype=dtype))
    v = x[1:]
    (v * 2).sum().backward()
    assert x.grad.dtype == dtype and v.grad.dtype == dtype
    np.testing.assert_array_equal(v.grad, [2, 2, 2])


def test_backward_seed_for_a_view():
    x = mg.tensor([1.0, 2.0, 3.0])
    v = x[::2]
    v.backward([10.0, 20.0])
    np.testing.assert_array_equal(x.grad, [10.0, 0.0, 20.0])
    np.testing.assert_array_equal(v.grad, [10.0, 20.0])
    with pytest.raises(ValueError):
        x[::2].backward([1.0, 2.0, 3.0])


def test_null_grad_on_base_nulls_view_grads():
    x = mg.tensor([1.0, 2.0, 3.0])
    v = x[1:]
    (x * x).sum().backward()
    x.null_grad()
    assert x.grad is None and v.grad is None


def test_backward_on_constant_result_releases_the_graph():
    x = mg.tensor([1.0, 2.0])
    c = mg.multiply(x, x, constant=True)
    c.backward()
    assert x.grad is None and c.grad is None
    assert x.data.flags.writeable


# ------------------------- errors: NumPy's exception types, or mygrad's own
class _ReturnsNone(mg.Operation):
    def __call__(self, x):
        self.variables = (x,)
        return x.data * 2

    def backward_var(self, grad, index, **kwargs):
        return None


def _second_output_after_first_backward():
    x = mg.tensor(2.0)
    a = x * 2.0
    l1, l2 = a * 3.0, a * 4.0
    l1.backward()
    l2.backward()


ERRORS = [
    (TypeError, lambda: mg.tensor([1.0], constant=1)),
    (TypeError, lambda: mg.tensor([1 + 2j])),
    (TypeError, lambda: mg.tensor([1.0, 2.0]).reshape()),
    (TypeError, lambda: float(mg.tensor([1.0, 2.0]))),
    (TypeError, lambda: int(mg.tensor([1.0, 2.0]))),
    (TypeError, lambda: iter(mg.tensor(1.0))),
    (TypeError, lambda: np.partition(mg.tensor([2.0, 1.0]), 1)),
    (TypeError, lambda: mg.add(mg.tensor([1.0]), 1.0, no_such_keyword=True)),
    (ValueError, lambda: mg.tensor([1, 2], constant=False)),
    (ValueError, lambda: (mg.tensor([1.0, 2.0]) * 2).backward(np.ones(3))),
    (ValueError, lambda: np.floor(mg.tensor([1.5]))),
    (ValueError, lambda: mg.add(mg.tensor([1.0]), 1.0, out=(np.zeros(1), np.zeros(1)))),
    (ValueError, lambda: mg.tensor([1.0, 2.0]).item()),
    (NotImplementedError, lambda: np.add.reduceat(mg.tensor([1.0, 2.0]), [0])),
    (mg.errors.InvalidBackprop, _second_output_after_first_backward),
    (mg.errors.InvalidGradient, lambda: mg.execute_op(_ReturnsNone, mg.tensor([1.0])).backward()),
]


@pytest.mark.parametrize("error, call", ERRORS, ids=[f"{e.__name__}-{i}" for i, (e, _) in enumerate(ERRORS)])
def test_errors_have_the_expected_types(error, call):
    with pytest.raises(error):
        call()
    gc.collect()
    assert locked_count() == 0  # a failed call leaves nothing locked
