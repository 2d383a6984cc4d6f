"""Issue 9, op arguments: an op's non-tensor arguments that its backward pass
reads (``where`` masks, labels, weights, index arrays, bounds, conditions,
an Operation's own arguments) cannot change the gradient when the caller
mutates them after the forward pass: the write is either refused (an input
that the memory guard locks) or the recorded node kept a private copy.

The property test runs each computation twice: once mutating every
caller-held argument between the forward and the backward pass, once from
scratch with the original values; the gradients must be equal.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mygrad as mg
from mygrad import Operation
from mygrad._core.memory_guard import snapshot, snapshot_kwargs, unchangeable


# --------------------------------------------------- the reproductions
def test_ufunc_where_with_tensor_out():
    x = mg.tensor([1.0, 2.0, 3.0])
    m = np.array([True, False, True])
    o = mg.zeros_like(x)
    np.multiply(x, 2, where=m, out=o)
    m[:] = True
    o.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 2.0])


def test_ufunc_where_without_out():
    x = mg.tensor([1.0, 2.0, 3.0])
    m = np.array([True, False, True])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy: `where` without `out`
        y = mg.multiply(x, 2, where=m)
    m[:] = True
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 2.0])


def test_reduction_where():
    x = mg.tensor([1.0, 2.0, 3.0])
    m = np.array([True, False, True])
    s = mg.sum(x, where=m)
    m[:] = True
    s.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 1.0])


def test_loss_labels():
    x = mg.tensor([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]])
    y = np.array([0, 1])
    loss = mg.nnet.softmax_crossentropy(x, y)
    y[:] = 2
    loss.backward()
    ref = mg.tensor(x.data)
    mg.nnet.softmax_crossentropy(ref, np.array([0, 1])).backward()
    np.testing.assert_allclose(x.grad, ref.grad)


def test_operation_keeping_an_argument():
    class Scale(Operation):
        def __call__(self, x, w):
            self.variables = (x,)
            self.w = w  # kept for the backward pass
            return x.data * w

        def backward_var(self, grad, index, **kwargs):
            return grad * self.w

    for how in ("args", "kwargs"):
        x, w = mg.tensor([1.0, 2.0]), np.array([3.0, 4.0])
        y = mg.execute_op(Scale, x, op_args=(w,)) if how == "args" else mg.execute_op(Scale, x, op_kwargs={"w": w})
        w[:] = 0
        y.backward()
        np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_operation_updating_an_argument_declares_it():
    # batchnorm writes its running statistics in the forward pass: they are not copied
    x = mg.tensor([[1.0, 10.0], [3.0, 30.0]])
    mean, var = np.zeros(2), np.ones(2)
    mg.nnet.batchnorm(x, eps=1e-5, running_mean=mean, running_var=var, momentum=1.0).sum().backward()
    np.testing.assert_allclose(mean, [2.0, 20.0])


def test_no_copy_without_a_graph():
    m = np.array([True, False, True])
    # (constant inputs and no_autodiff record nothing: nothing is kept, nothing copied)
    s = mg.sum(mg.tensor([1.0, 2.0, 3.0], constant=True), where=m)
    assert s.creator is None
    with mg.no_autodiff:
        assert mg.sum(mg.tensor([1.0, 2.0, 3.0]), where=m).creator is None


def test_snapshot_helpers():
    a = np.arange(4.0)
    assert not unchangeable(a) and not unchangeable(np.broadcast_to(a, (2, 4)))
    frozen = a.copy()
    frozen.flags.writeable = False
    assert unchangeable(frozen) and unchangeable(frozen[::2])
    assert snapshot(frozen) is frozen  # nothing can change it: no copy
    s = snapshot(a)
    assert s is not a and not np.shares_memory(s, a)
    lst = [a, [1, 2], (3, a)]
    snap = snapshot(lst)
    a[:] = -1
    lst[1].append(3)
    assert snap[0].tolist() == [0.0, 1.0, 2.0, 3.0] and snap[1] == [1, 2] and snap[2][1].tolist() == [0.0, 1.0, 2.0, 3.0]
    kw = {"axis": (0, 1), "keepdims": True, "initial": None}
    assert snapshot_kwargs(kw) is kw  # nothing to copy: the same dict
    t = mg.tensor([1.0, 2.0])
    st_ = snapshot(t)
    assert isinstance(st_, np.ndarray) and st_.tolist() == [1.0, 2.0] and not np.shares_memory(st_, t.data)


def test_array_locked_by_the_guard_is_copied():
    # an array that is read-only only while a graph lives becomes writeable again later
    w = mg.tensor([1.0, 2.0])
    arr = np.asarray(w)  # handed out
    y = w * w  # a live graph reads w: arr is locked (read-only) now
    assert not arr.flags.writeable and not unchangeable(arr)
    x = mg.tensor([1.0, 1.0])
    s = mg.sum(x, where=arr > 1.5)
    y.backward()
    s.backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0])


# ------------------------------------------------------------ the property
def _ints(k):
    return lambda draw, shape: draw(arrays(np.intp, shape, elements=st.integers(0, k - 1)))


def _mask(draw, shape):
    return draw(arrays(np.bool_, shape))


def _quiet(f):
    def run(*a):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return f(*a)

    return run


def _ufunc_out_tensor(x, m):
    o = mg.zeros_like(x)
    np.multiply(x, x, where=m, out=o)
    return mg.sum(o)


def _ufunc_out_array(x, m, out):
    return mg.sum(np.multiply(x, x, where=m, out=out))


def _setitem(x, idx):
    y = x * 1
    y[idx] = 0.0
    return mg.sum(y * y)


def _copyto(x, m):
    y = x * 1
    np.copyto(y, 2 * x, where=m)
    return mg.sum(y * y)


class _KeepArg(Operation):
    def __call__(self, x, w, *, shift):
        self.variables = (x,)
        self.w, self.shift = w, shift
        return x.data * w + shift[0]

    def backward_var(self, grad, index, **kwargs):
        return grad * self.w + 0 * self.shift[0]


#: name -> (loss(x, *arguments), [argument makers: draw, x's shape -> value])
#: x has shape (N, C), N in [1, 3], C in [2, 4]
CASES = {
    "ufunc where, out=tensor": (_ufunc_out_tensor, [_mask]),
    "ufunc where, out=ndarray": (_ufunc_out_array, [_mask, lambda draw, s: np.zeros(s)]),
    "ufunc where, mask tensor": (lambda x, m: mg.sum(mg.multiply(x, 3.0, where=m, out=mg.zeros_like(x))),
                                 [lambda draw, s: mg.tensor(_mask(draw, s))]),
    "ufunc where, mask list": (_ufunc_out_tensor, [lambda draw, s: _mask(draw, s).tolist()]),
    "in-place operator where": (lambda x, m: mg.sum(np.add(x * 1, x, where=m, out=x * 1)), [_mask]),
    "sum where": (lambda x, m: mg.sum(x, where=m), [_mask]),
    "np.sum where, axis": (lambda x, m: np.sum(x * x, axis=1, where=m), [_mask]),
    "mean where": (lambda x, m: mg.mean(x * x, where=m), [_mask]),
    "prod where": (lambda x, m: mg.prod(x, where=m), [_mask]),
    "max where, initial": (lambda x, m: mg.max(x, where=m, initial=-10.0), [_mask]),
    "var where": (lambda x, m: mg.var(x, where=m), [_mask]),
    "add.reduce where": (lambda x, m: np.add.reduce(x * x, axis=None, where=m), [_mask]),
    "softmax_crossentropy labels": (lambda x, y: mg.nnet.softmax_crossentropy(x, y),
                                    [lambda draw, s: _ints(s[1])(draw, s[:1])]),
    "nll labels, weights": (lambda x, y, w: mg.nnet.negative_log_likelihood(x, y, weights=w),
                            [lambda draw, s: _ints(s[1])(draw, s[:1]),
                             lambda draw, s: draw(arrays(float, s[1:], elements=st.floats(0.5, 2)))]),
    "multiclass_hinge labels": (lambda x, y: mg.nnet.multiclass_hinge(x, y),
                                [lambda draw, s: _ints(s[1])(draw, s[:1])]),
    "margin_ranking_loss y": (lambda x, y: mg.nnet.margin_ranking_loss(x[:, 0], x[:, 1], y, 0.5),
                              [lambda draw, s: draw(arrays(float, s[:1], elements=st.sampled_from([-1.0, 1.0])))]),
    "take indices": (lambda x, i: mg.sum(mg.take(x, i) ** 2), [lambda draw, s: _ints(s[0] * s[1])(draw, (3,))]),
    "take indices list": (lambda x, i: mg.sum(mg.take(x, i, axis=1) ** 2),
                          [lambda draw, s: _ints(s[1])(draw, (3,)).tolist()]),
    "take_along_axis": (lambda x, i: mg.sum(mg.take_along_axis(x, i, axis=1) ** 2),
                        [lambda draw, s: _ints(s[1])(draw, (s[0], 2))]),
    "getitem index array": (lambda x, i: mg.sum(x[i] ** 2), [lambda draw, s: _ints(s[0])(draw, (3,))]),
    "getitem bool mask": (lambda x, m: mg.sum(x[m] ** 2), [_mask]),
    "setitem index array": (_setitem, [lambda draw, s: _ints(s[0])(draw, (2,))]),
    "copyto where": (_copyto, [_mask]),
    "clip array bounds": (lambda x, lo, hi: mg.sum(mg.clip(x, lo, hi) ** 2),
                          [lambda draw, s: draw(arrays(float, s[1:], elements=st.floats(-2, -0.5))),
                           lambda draw, s: draw(arrays(float, s, elements=st.floats(0.5, 2)))]),
    "where condition": (lambda x, c: mg.sum(mg.where(c, x, 2 * x) ** 2), [_mask]),
    "operation arguments": (lambda x, w, sh: mg.sum(mg.execute_op(_KeepArg, x, op_args=(w,),
                                                                  op_kwargs={"shift": sh})),
                            [lambda draw, s: draw(arrays(float, s, elements=st.floats(-2, 2))),
                             lambda draw, s: [draw(arrays(float, (1,), elements=st.floats(-2, 2)))]]),
    "gru s0": (lambda x, s0: mg.sum(mg.nnet.gru(x[:, None, :], *_GRU_PARAMS(x.shape[1]), s0=s0) ** 2),
               [lambda draw, s: draw(arrays(float, (1, 2), elements=st.floats(-1, 1)))]),
}


def _GRU_PARAMS(C, D=2):
    rng = np.random.default_rng(C)
    return [mg.tensor(rng.normal(size=s) * 0.5, constant=True) for s in [(C, D), (D, D), (D,)] * 3]


def _mutate(v):
    """Change every value the caller still holds (in place), as a user might."""
    if isinstance(v, mg.Tensor):
        if v.dtype == bool:
            v[...] = ~v.data
        else:
            v[...] = v.data * 2 + 1
        return
    if isinstance(v, list):
        for i, item in enumerate(v):
            if isinstance(item, (list, np.ndarray)):
                _mutate(item)
            elif isinstance(item, (bool, np.bool_)):
                v[i] = not item
            else:
                v[i] = 0 if item else 1
        return
    try:
        if v.dtype == bool:
            v[...] = ~v
        elif v.dtype.kind in "iu":
            v[...] = np.where(v > 0, 0, 1)  # (stays a valid label / index)
        else:
            v[...] = -3 * v - 1
    except ValueError:  # refused: the memory guard locks it (an op input a live graph reads)
        pass


def _copy(v):
    if isinstance(v, mg.Tensor):
        return mg.tensor(v.data, constant=v.constant)
    if isinstance(v, list):
        return [_copy(i) for i in v]
    return v.copy() if isinstance(v, np.ndarray) else v


@pytest.mark.parametrize("case", list(CASES))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_mutating_arguments_after_the_forward_pass_never_changes_a_gradient(case, data):
    loss_fn, makers = CASES[case]
    loss_fn = _quiet(loss_fn)
    shape = (data.draw(st.integers(1, 3), label="N"), data.draw(st.integers(2, 4), label="C"))
    xv = data.draw(arrays(float, shape, elements=st.floats(-2, 2).filter(lambda v: abs(v) > 0.1), unique=True),
                   label="x")
    args = [make(data.draw, shape) for make in makers]
    originals = [_copy(a) for a in args]

    x = mg.tensor(xv)
    loss = loss_fn(x, *args)
    for a in args:
        _mutate(a)
    loss.backward()

    ref = mg.tensor(xv)
    loss_ref = loss_fn(ref, *originals)
    loss_ref.backward()
    np.testing.assert_array_equal(loss.data, loss_ref.data)
    if ref.grad is None:
        assert x.grad is None
    else:
        np.testing.assert_allclose(x.grad, ref.grad, rtol=1e-12, atol=0, equal_nan=True)
