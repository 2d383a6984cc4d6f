"""Elementwise math that is not a NumPy ufunc: sinc (overriding ``np.sinc``),
logsumexp, add_sequence and multiply_sequence.

Derivative conventions:

* ``sinc``: the gradient at ``x == 0`` is 0 (the exact derivative there);
* ``logsumexp``: the gradient is the softmax of each reduced slice (0 for a
  slice of only ``-inf``);
* ``multiply_sequence``: each input gets the product of the *others* (prefix
  and suffix products, no division), so it is exact where inputs are 0.
"""

import functools
import math

import numpy as np

from mygrad import Tensor
from mygrad.plugin import Operation, execute_op, function_op, operation_op, unreduce

from mygrad_ops_math._common import NAMESPACES
from mygrad_ops_math.trig import _over


# ---------------------------------------------------------------------- sinc
def _sinc_grad(g, out, x):
    # d/dx sin(pi x) / (pi x) = (cos(pi x) - sinc(x)) / x, and 0 at x == 0
    return g * _over(np.cos(math.pi * x) - out, x)


@function_op(np.sinc, grads=[_sinc_grad], namespaces=NAMESPACES)
def sinc(x):
    """The normalized sinc function, ``sin(pi x) / (pi x)`` (like :func:`numpy.sinc`,
    which dispatches here for tensors).

    ``sinc(x, *, constant=None)``: ``sinc(0) = 1``, where the gradient is 0.

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([0., 0.5, 1.])
    >>> np.sinc(x)
    Tensor([1.00000000e+00, 6.36619772e-01, 3.89817183e-17])
    >>> mg.sinc(x).backward()
    >>> x.grad
    array([ 0.        , -1.27323954, -1.        ])
    """
    return np.sinc(x)


# ----------------------------------------------------------------- logsumexp
def _logsumexp_grad(g, out, x, axis=None, keepdims=False):
    x = np.asarray(x)
    o = out if keepdims or x.ndim == 0 else unreduce(out, x.shape, axis, keepdims)
    with np.errstate(invalid="ignore"):
        w = np.exp(x - o)
    return unreduce(g, x.shape, axis, keepdims) * np.where(o == -np.inf, 0, w)


def _logsumexp_reference(x, axis=None, keepdims=False):
    return np.logaddexp.reduce(x, axis=axis, keepdims=keepdims)


def _logsumexp_kwargs(draw, shapes):
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import valid_tuple_axes

    ndim = len(shapes[0])
    ints = st.integers(-ndim, ndim - 1) if ndim else st.none()
    return {"axis": draw(st.none() | ints | valid_tuple_axes(ndim)), "keepdims": draw(st.booleans())}


@function_op(grads=[_logsumexp_grad], namespaces=NAMESPACES, reference=_logsumexp_reference,
             conformance={"kwargs": _logsumexp_kwargs})
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over the given axes, computed stably (the largest
    element of each slice is factored out).

    ``logsumexp(x, axis=None, keepdims=False, *, constant=None)``: the gradient
    is the softmax of each slice. An empty slice gives ``-inf``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1000., 1000.], [1000., 1000.]])
    >>> mg.logsumexp(x, axis=1)
    Tensor([1000.69314718, 1000.69314718])
    >>> mg.logsumexp(x, axis=1).backward()
    >>> x.grad
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)  # (like NumPy's exp and log of integers)
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0)  # (slices of only +-inf: nothing to factor out)
    with np.errstate(divide="ignore"):  # log(0) of an empty or all -inf slice is -inf
        s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    out = s + m
    if not keepdims:
        out = np.squeeze(out, axis=axis) if x.ndim else out.reshape(())
    return out


# ------------------------------------------------------------ the sequences
def _result_dtype(values):
    """NumPy's result dtype of combining ``values`` (Python scalars are weak,
    NEP 50: a float32 tensor plus ``2.0`` stays float32)."""
    return np.result_type(*(v.data if isinstance(v, Tensor) else v if type(v) in (int, float, bool)
                            else np.asarray(v) for v in values))


class _AddSequence(Operation):
    """``x0 + x1 + ... + xn`` as one op (each input gets the gradient)."""

    def __call__(self, *tensors, dtype=None):
        self.variables = tensors
        total = functools.reduce(np.add, (t.data for t in tensors))
        return total if dtype is None else np.asarray(total).astype(dtype, copy=False)

    def backward_var(self, grad, index, **kwargs):
        return grad  # (the core sums broadcast axes away)


class _MultiplySequence(Operation):
    """``x0 * x1 * ... * xn`` as one op; each input's gradient is the product
    of the others (prefix times suffix products: exact at zeros)."""

    def __call__(self, *tensors, dtype=None):
        self.variables = tensors
        product = functools.reduce(np.multiply, (t.data for t in tensors))
        return product if dtype is None else np.asarray(product).astype(dtype, copy=False)

    def backward(self, grad, **kwargs):
        data = [v.data for v in self.variables]
        n = len(data)
        self._before = before = [None] * n  # product of data[:i]
        self._after = after = [None] * n  # product of data[i + 1:]
        for i in range(1, n):
            before[i] = data[0] if i == 1 else before[i - 1] * data[i - 1]
        for i in range(n - 2, -1, -1):
            after[i] = data[n - 1] if i == n - 2 else after[i + 1] * data[i + 1]
        super().backward(grad, **kwargs)

    def backward_var(self, grad, index, **kwargs):
        b, a = self._before[index], self._after[index]
        others = a if b is None else b if a is None else b * a
        return grad * others


def _check_sequence(name, variables):
    if len(variables) < 2:
        raise ValueError(f"{name} requires at least two inputs, got {len(variables)}")


def _add_sequence(*variables, constant=None):
    """The sum of two or more tensors (broadcast together), as one op.

    ``add_sequence(*variables, constant=None)``: like ``x0 + x1 + ... + xn``
    but with a single node in the graph. Fewer than two inputs raise
    ``ValueError``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x, y, z = mg.tensor([1., 2.]), mg.tensor(3.), mg.tensor([[1.], [2.]])
    >>> mg.add_sequence(x, y, z)
    Tensor([[5., 6.],
            [6., 7.]])
    >>> mg.add_sequence(x, y, z).backward()
    >>> y.grad
    array(4.)
    """
    _check_sequence("add_sequence", variables)
    return execute_op(_AddSequence, *variables, op_kwargs={"dtype": _result_dtype(variables)}, constant=constant)


def _multiply_sequence(*variables, constant=None):
    """The product of two or more tensors (broadcast together), as one op.

    ``multiply_sequence(*variables, constant=None)``: like ``x0 * x1 * ... * xn``
    but with a single node in the graph; each input's gradient is the
    product of the others, exact where inputs are 0. Fewer than two inputs
    raise ``ValueError``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x, y, z = mg.tensor([0., 2.]), mg.tensor(3.), mg.tensor([4., 5.])
    >>> mg.multiply_sequence(x, y, z)
    Tensor([ 0., 30.])
    >>> mg.multiply_sequence(x, y, z).backward()
    >>> x.grad, y.grad
    (array([12., 15.]), array(10.))
    """
    _check_sequence("multiply_sequence", variables)
    return execute_op(_MultiplySequence, *variables, op_kwargs={"dtype": _result_dtype(variables)},
                      constant=constant)


add_sequence = operation_op(
    _add_sequence, _AddSequence, name="add_sequence", namespaces=NAMESPACES,
    reference=lambda *xs: functools.reduce(np.add, xs), conformance={"nin": 3},
)
multiply_sequence = operation_op(
    _multiply_sequence, _MultiplySequence, name="multiply_sequence", namespaces=NAMESPACES,
    reference=lambda *xs: functools.reduce(np.multiply, xs), conformance={"nin": 3},
)

DECLARATIONS = [sinc, logsumexp, add_sequence, multiply_sequence]
