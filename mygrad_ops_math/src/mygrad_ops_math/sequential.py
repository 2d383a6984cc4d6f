"""Cumulative ops: cumsum and cumprod, with NumPy's signatures
``(a, axis=None, dtype=None, out=None)``; ``axis=None`` works on the flattened
input (``out`` is handled by the core).

Derivative conventions:

* ``cumsum``: the gradient is the reversed cumulative sum of the upstream
  gradient.
* ``cumprod``: exact at zeros (no division): element ``i`` gets
  ``sum_{k >= i} g[k] * prod_{j <= k, j != i} x[j]``.
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from mygrad.plugin import Domain, function_op, reads

from mygrad_ops_math._common import NAMESPACES


def _cumulative_kwargs(draw, shapes):
    """Conformance-check arguments: an axis (None or an int)."""
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    return {"axis": draw(st.none() | st.integers(-ndim, ndim - 1)) if ndim else None}


_CONFORMANCE = {"kwargs": _cumulative_kwargs}


def _as_rows(a, axis):
    """``a`` with the accumulation axis last (flattened for ``axis=None`` and
    for 0-d input, like NumPy), and a function undoing that."""
    shape = np.shape(a)
    a = np.asarray(a)
    if axis is None or a.ndim == 0:
        return a.reshape(-1), lambda r: r.reshape(shape)
    ax = normalize_axis_index(axis, a.ndim)
    return np.moveaxis(a, ax, -1), lambda r: np.moveaxis(r, -1, ax)


def _reverse_cumsum(a):
    """``sum_{k >= i} a[k]`` along the last axis."""
    return np.flip(np.cumsum(np.flip(a, axis=-1), axis=-1), axis=-1)


@reads()  # only the input's shape
def _cumsum_grad(g, out, x, axis=None, dtype=None):
    if axis is None or np.ndim(x) == 0:
        return _reverse_cumsum(g.reshape(-1)).reshape(np.shape(x))
    return np.flip(np.cumsum(np.flip(g, axis=axis), axis=axis), axis=axis)


@function_op(np.cumsum, grads=[_cumsum_grad], namespaces=NAMESPACES, methods=("cumsum",), conformance=_CONFORMANCE)
def cumsum(x, axis=None, dtype=None, out=None):
    """Cumulative sum along an axis (like :func:`numpy.cumsum`; ``axis=None``
    works on the flattened tensor).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3.])
    >>> mg.cumsum(x)
    Tensor([1., 3., 6.])
    >>> mg.cumsum(x).backward()
    >>> x.grad
    array([3., 2., 1.])
    """
    return np.cumsum(x, axis=axis, dtype=dtype)


def _suffix_sums(g, x):
    """``S[i] = sum_{k >= i} g[k] * prod_{i < j <= k} x[j]`` along the last
    axis, by doubling on the affine recurrence ``S[i] = g[i] + x[i+1] S[i+1]``
    (log2(n) vectorised steps, products only)."""
    n = g.shape[-1]
    b = np.array(g, copy=True)
    a = np.zeros_like(b)
    a[..., :-1] = x[..., 1:]
    d = 1
    while d < n:
        nb = b.copy()
        nb[..., :-d] += a[..., :-d] * b[..., d:]
        na = np.zeros_like(a)
        na[..., :-d] = a[..., :-d] * a[..., d:]
        a, b = na, nb
        d *= 2
    return b


def _cumprod_grad(g, out, x, axis=None, dtype=None):
    x = np.asarray(x)
    work = x.dtype if dtype is None else np.result_type(x.dtype, dtype)
    ax = None if axis is None or x.ndim == 0 else axis
    rows, back = _as_rows(x.astype(work, copy=False), ax)
    grows, _ = _as_rows(g.astype(work, copy=False), ax)
    if rows.shape[-1] == 0:
        return np.zeros(x.shape, dtype=work)
    # prod_{j < i} x[j] * sum_{k >= i} g[k] prod_{i < j <= k} x[j]
    before = np.ones_like(rows)
    np.cumprod(rows[..., :-1], axis=-1, out=before[..., 1:])
    return back(before * _suffix_sums(grows, rows)).reshape(x.shape)


@function_op(
    np.cumprod,
    grads=[_cumprod_grad],
    namespaces=NAMESPACES,
    methods=("cumprod",),
    # small magnitudes: products of up to 64 elements stay finite in float16, and
    # finite differences of sums of very different products keep their precision
    domain=Domain(-1.1, 1.1),
    conformance=_CONFORMANCE,
)
def cumprod(x, axis=None, dtype=None, out=None):
    """Cumulative product along an axis (like :func:`numpy.cumprod`;
    ``axis=None`` works on the flattened tensor).

    The gradient is exact where the input has zeros (it uses no division).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([2., 0., 3.])
    >>> mg.cumprod(x)
    Tensor([2., 0., 0.])
    >>> mg.cumprod(x).backward()
    >>> x.grad
    array([1., 8., 0.])
    """
    return np.cumprod(x, axis=axis, dtype=dtype)


DECLARATIONS = [cumsum, cumprod]
