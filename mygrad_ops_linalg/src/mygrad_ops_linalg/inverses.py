"""Inverses and determinants: ``linalg.inv``, ``linalg.pinv``,
``linalg.det``, ``linalg.slogdet`` and ``linalg.matrix_power``, batched over
leading axes like NumPy's; ``linalg.tensorinv`` (a composite: ``inv`` of the
input reshaped to a square matrix).

Gradients (``G``: the upstream gradient):

* ``inv``: ``-Y^T G Y^T`` with ``Y = inv(A)``;
* ``det``: ``G det(A) inv(A)^T`` (the cofactor matrix; computed from an SVD
  where ``A`` is singular, so a singular matrix still gets its gradient);
* ``slogdet``: ``G inv(A)^T`` for ``logabsdet``; ``sign`` is a constant;
* ``pinv``: the derivative of the pseudo-inverse at constant rank
  (Golub & Pereyra); not differentiable where the rank changes;
* ``matrix_power``: backpropagation through the same repeated squaring
  as the forward pass (O(log n) matrix products).
"""

import operator
from typing import NamedTuple

import numpy as np

import mygrad as mg
from mygrad.plugin import Domain, composite_op, function_op

from mygrad_ops_linalg._common import LAPACK_DTYPES, LINALG, fold_triangle, mT, square_check
from mygrad_ops_linalg.parts import part
from mygrad_ops_linalg.products import as_operand

_NoValue = np._NoValue

_INVERTIBLE = Domain(structure="invertible")
_FULL_RANK = Domain(structure="full_rank")


def _square_shapes(draw):
    from hypothesis import strategies as st

    n = draw(st.integers(1, 3))
    return (tuple(draw(st.lists(st.integers(1, 2), max_size=2))) + (n, n),)


def _matrix_shapes(draw):
    from hypothesis import strategies as st

    return (tuple(draw(st.lists(st.integers(1, 2), max_size=1))) + (draw(st.integers(1, 3)), draw(st.integers(1, 3))),)


_SQUARE = {"shapes": _square_shapes, "dtypes": LAPACK_DTYPES, "atol": 1e-5, "rtol": 1e-3}


# ----------------------------------------------------------------------- inv
@function_op(np.linalg.inv, grads=[lambda g, out, a: -(mT(out) @ g @ mT(out))], namespaces=LINALG,
             domain=_INVERTIBLE, conformance=_SQUARE)
def inv(a):
    """The inverse of a square matrix (batched over leading axes), like
    :func:`numpy.linalg.inv`; ``LinAlgError`` for a singular matrix.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[2., 0.], [0., 4.]])
    >>> mg.linalg.inv(a)
    Tensor([[0.5 , 0.  ],
            [0.  , 0.25]])
    >>> mg.linalg.inv(a).sum().backward()
    >>> a.grad
    array([[-0.25  , -0.125 ],
           [-0.125 , -0.0625]])
    """
    return np.linalg.inv(a)


# ----------------------------------------------------------------------- det
def _cofactor(a, det):
    """``det(a) * inv(a)^T``, also where ``a`` is singular (from the SVD
    ``a = U diag(s) Vh``: ``det(U) det(Vh) U diag(prod_{j != i} s_j) Vh``)."""
    try:
        with np.errstate(all="ignore"):
            inv_a = np.linalg.inv(a)
        if np.all(np.isfinite(inv_a)):
            return det[..., None, None] * mT(inv_a)
    except np.linalg.LinAlgError:
        pass
    u, s, vh = np.linalg.svd(a)
    ones = np.ones_like(s[..., :1])
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = before * after
    signs = np.linalg.det(u) * np.linalg.det(vh)
    return signs[..., None, None] * ((u * others[..., None, :]) @ vh)


@function_op(np.linalg.det, grads=[lambda g, out, a: np.asarray(g)[..., None, None] * _cofactor(a, out)],
             namespaces=LINALG, domain=_INVERTIBLE, conformance=_SQUARE)
def det(a):
    """The determinant (batched over leading axes), like :func:`numpy.linalg.det`.

    The gradient is the cofactor matrix ``det(A) inv(A)^T``, also for a
    singular matrix.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.linalg.det(a).item()
    -2.0000000000000004
    >>> mg.linalg.det(a).backward()
    >>> a.grad.round(6)
    array([[ 4., -3.],
           [-2.,  1.]])
    """
    return np.linalg.det(a)


# ------------------------------------------------------------------- slogdet
class SlogdetResult(NamedTuple):
    """``slogdet``'s results: ``sign`` (a constant) and ``logabsdet``."""

    sign: object
    logabsdet: object


def _inv_T(a):
    """``inv(a)^T`` (``nan`` for a singular matrix: log|det| is not
    differentiable there)."""
    try:
        return mT(np.linalg.inv(a))
    except np.linalg.LinAlgError:
        with np.errstate(all="ignore"):
            return mT(np.linalg.pinv(a)) * np.where(np.linalg.det(a) == 0, np.nan, 1.0)[..., None, None]


def _slogdet_grad(g, out, a):
    # (only the logabsdet part of the packed (sign, logabsdet) has a derivative)
    return g[..., 1, None, None] * _inv_T(a)


def _slogdet_packed_reference(a):
    sign, logabs = np.linalg.slogdet(a)
    return np.stack([sign, logabs], axis=-1)


@function_op(None, grads=[_slogdet_grad], name="_slogdet_packed", namespaces=(), domain=_INVERTIBLE,
             reference=_slogdet_packed_reference, conformance=_SQUARE)
def _slogdet_packed(a):
    """``(sign, logabsdet)`` stacked along a last axis."""
    return _slogdet_packed_reference(a)


def _slogdet(a, *, constant=None):
    """Sign and natural log of the absolute value of the determinant (batched),
    like :func:`numpy.linalg.slogdet`: a named pair ``(sign, logabsdet)`` of
    tensors; ``sign`` is a constant, ``logabsdet`` is differentiable (its
    gradient is ``inv(A)^T``).

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[-2., 0.], [0., 3.]])
    >>> sign, logabsdet = mg.linalg.slogdet(a)
    >>> sign
    Tensor(-1.)
    >>> logabsdet.backward()
    >>> a.grad.diagonal()
    array([-0.5       ,  0.33333333])
    """
    packed = _slogdet_packed(a, constant=constant)
    sign = mg.tensor(packed.data[..., 0], constant=True)
    logabsdet = part(packed, start=1, stop=2, shape=packed.shape[:-1])
    return SlogdetResult(sign, logabsdet)


slogdet = composite_op(_slogdet, name="slogdet", namespaces=LINALG, numpy=np.linalg.slogdet, domain=_INVERTIBLE,
                       conformance={**_SQUARE, "nin": 1})


# ---------------------------------------------------------------------- pinv
def pinv_grad(a, x, g):
    """dL/dA for ``X = pinv(A)`` (constant rank), ``g = dL/dX``:
    ``-X^T g X^T + (I - A X) g^T X X^T + X^T X g^T (I - X A)``."""
    xt = mT(x)
    gt = mT(g)
    first = -(xt @ g @ xt)
    t = gt @ (x @ xt)
    second = t - a @ (x @ t)
    u = (xt @ x) @ gt
    third = u - (u @ x) @ a
    return first + second + third


def _pinv_grad(g, out, a, rcond=None, hermitian=False, rtol=_NoValue):
    grad = pinv_grad(np.asarray(a), out, g)
    return fold_triangle(grad, lower=True) if hermitian else grad


@function_op(np.linalg.pinv, grads=[_pinv_grad], namespaces=LINALG, domain=_FULL_RANK,
             conformance={"shapes": _matrix_shapes, "dtypes": LAPACK_DTYPES, "atol": 1e-5, "rtol": 1e-3})
def pinv(a, rcond=None, hermitian=False, *, rtol=_NoValue):
    """The Moore-Penrose pseudo-inverse (batched), like
    :func:`numpy.linalg.pinv`.

    Differentiable where the rank is constant (e.g. full-rank matrices);
    with ``hermitian=True`` NumPy reads the lower triangle only, and so does
    the gradient.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1.], [2.]])
    >>> mg.linalg.pinv(a)
    Tensor([[0.2, 0.4]])
    """
    if rtol is _NoValue:
        return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian)
    return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian, rtol=rtol)


# -------------------------------------------------------------- matrix_power
def _power_grad(g, out, a, n):
    """Backpropagation through ``A^n`` computed by repeated squaring."""
    n = operator.index(n)
    a = np.asarray(a)
    if n == 0:
        return np.zeros_like(g)
    base = np.linalg.inv(a) if n < 0 else a
    m = abs(n)
    squares = [base]  # base^(2^j)
    while (1 << len(squares)) <= m:
        squares.append(squares[-1] @ squares[-1])
    factors = [j for j in range(len(squares)) if m >> j & 1]
    # the result is the product of squares[j] over `factors` (in that order)
    prefix = [None]  # products of the factors before each one
    for j in factors[:-1]:
        prefix.append(squares[j] if prefix[-1] is None else prefix[-1] @ squares[j])
    grads = [np.zeros_like(s) for s in squares]
    suffix = None  # product of the factors after the current one
    for pos in range(len(factors) - 1, -1, -1):
        j = factors[pos]
        left = g if prefix[pos] is None else mT(prefix[pos]) @ g
        grads[j] += left if suffix is None else left @ mT(suffix)
        suffix = squares[j] if suffix is None else squares[j] @ suffix
    for j in range(len(squares) - 1, 0, -1):  # squares[j] = squares[j-1] @ squares[j-1]
        s = squares[j - 1]
        grads[j - 1] += grads[j] @ mT(s) + mT(s) @ grads[j]
    gb = grads[0]
    if n < 0:
        gb = -(mT(base) @ gb @ mT(base))
    return gb


@function_op(np.linalg.matrix_power, grads=[_power_grad], namespaces=LINALG, domain=_INVERTIBLE,
             conformance={**_SQUARE, "kwargs": {"n": [0, 1, 2, 3, 5, -1, -2, -3]}})
def matrix_power(a, n):
    """Raise a square matrix (batched) to the integer power ``n``, like
    :func:`numpy.linalg.matrix_power` (``n < 0`` inverts first; ``n = 0``
    gives the identity, with zero gradient).

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 1.], [0., 1.]])
    >>> mg.linalg.matrix_power(a, 3)
    Tensor([[1., 3.],
            [0., 1.]])
    """
    return np.linalg.matrix_power(a, n)


# ----------------------------------------------------------------- tensorinv
def _tensorinv(a, ind=2, *, constant=None):
    """The inverse of an N-d tensor for :func:`mygrad.linalg.tensordot` with
    ``ind`` axes, like :func:`numpy.linalg.tensorinv`: ``a`` is reshaped to
    a matrix of ``prod(a.shape[:ind])`` rows (it must be square), inverted
    (:func:`mygrad.linalg.inv`) and reshaped to ``a.shape[ind:] + a.shape[:ind]``.
    Differentiable (a composite of ``reshape`` and ``inv``).

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> a = mg.tensor(np.eye(4).reshape(4, 2, 2) * 2)
    >>> ia = mg.linalg.tensorinv(a, ind=1)
    >>> ia.shape
    (2, 2, 4)
    >>> mg.linalg.tensordot(a, ia, axes=2)
    Tensor([[1., 0., 0., 0.],
            [0., 1., 0., 0.],
            [0., 0., 1., 0.],
            [0., 0., 0., 1.]])
    """
    a = as_operand(a)
    shape = a.shape
    if not ind > 0:
        raise ValueError("Invalid ind argument.")
    rows = int(np.prod(shape[ind:], dtype=np.int64))
    flat = mg.reshape(a, (rows, -1), constant=constant)
    return mg.reshape(inv(flat, constant=constant), shape[ind:] + shape[:ind], constant=constant)


#: (for the conformance check) invertible n x n matrices, reshaped by ``call``
#: into N-d tensors whose ``ind`` leading axes hold n entries: (n, [(shape, ind), ...])
TENSOR_LAYOUTS = {1: [((1, 1), 1), ((1, 1, 1), 2)], 3: [((3, 3), 1)],
                  4: [((2, 2, 4), 2), ((4, 2, 2), 1), ((2, 2, 2, 2), 2)], 6: [((2, 3, 6), 2), ((6, 3, 2), 1)]}


def _tensorinv_kwargs(draw, shapes):
    from hypothesis import strategies as st

    shape, ind = draw(st.sampled_from(TENSOR_LAYOUTS[shapes[0][-1]]))
    return {"shape": shape, "ind": ind}


tensorinv = composite_op(_tensorinv, name="tensorinv", namespaces=LINALG, numpy=np.linalg.tensorinv,
                         domain=_INVERTIBLE,
                         conformance={"shapes": [((n, n),) for n in TENSOR_LAYOUTS], "kwargs": _tensorinv_kwargs,
                                      "call": lambda f, a, shape, ind: f(a.reshape(shape), ind=ind),
                                      "dtypes": LAPACK_DTYPES, "atol": 1e-5, "rtol": 1e-3})


DECLARATIONS = [inv, det, _slogdet_packed, slogdet, pinv, matrix_power, tensorinv]
