"""Cumulative ops: cumsum and cumprod, with NumPy's signatures
``(a, axis=None, dtype=None, out=None)``; ``axis=None`` works on the flattened
input (``out`` is handled by the core).

Derivative conventions:

* ``cumsum``: the gradient is the reversed cumulative sum of the upstream
  gradient.
* ``cumprod``: exact at zeros: element ``i`` gets
  ``sum_{k >= i} g[k] * prod_{j <= k, j != i} x[j]``, computed in O(n) per
  slice (a reversed cumulative sum divided by the elements before the slice's
  first zero, and products without division for that zero; the elements
  after it get 0). Slices where that division may be inexact -- values that
  are not finite, or terms lost to underflow that could matter (a subnormal
  input, ``[1e-200, 1e-200, 1e200]``) -- are redone with products only, in
  O(n log n); slices whose products merely underflow for good (long products
  of probabilities) stay O(n). The result is exact up to rounding wherever
  the partial products it needs neither underflow nor overflow.
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
def cumsum(a, axis=None, dtype=None, out=None):
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
    return np.cumsum(a, axis=axis, dtype=dtype)


def _by_division(g, prods, x):
    """The cumprod gradient along the last axis in O(n), and which rows it may
    have got wrong. With ``z`` a row's first zero: elements before ``z`` get
    ``sum_{i <= k < z} g[k] out[k] / x[i]`` (``x[i]`` is not 0 there), ``z``
    gets ``prod_{j < z} x[j] * sum_{k >= z} g[k] prod_{z < j <= k} x[j]``
    (products only), and elements after ``z`` get 0 (each term has the
    factor ``x[z] = 0``). A row is *unsafe* if a value there is not finite,
    or if terms ``g[k] out[k]`` lost to underflow could change a gradient by
    more than rounding (see :func:`_underflow_matters`)."""
    n = x.shape[-1]
    pos = np.arange(n)
    zero = x == 0
    has_zero = zero.any(axis=-1, keepdims=True)
    first = np.where(has_zero, np.argmax(zero, axis=-1, keepdims=True), n)
    before = pos < first
    tiny = np.finfo(x.dtype).tiny
    with np.errstate(all="ignore"):  # (unsafe rows are redone)
        terms = np.where(before, g * prods, 0)
        tail = _reverse_cumsum(terms)
        grad = np.divide(tail, x, out=np.zeros_like(tail), where=before)
        finite = np.isfinite(x) & np.isfinite(prods) & np.isfinite(terms) & np.isfinite(tail)
        unsafe = np.any(before & ~finite, axis=-1)
        lost = before & ((np.abs(prods) < tiny) | ((terms != 0) & (np.abs(terms) < tiny)))
        if lost.any():
            unsafe |= _underflow_matters(g, x, grad, lost, before)
        if has_zero.any():
            after = np.cumprod(np.where(pos <= first, 1, x), axis=-1)  # prod_{z < j <= k} x[j]
            lead = np.prod(np.where(before, x, 1), axis=-1, keepdims=True)  # prod_{j < z} x[j]
            at_zero = lead * np.sum(np.where(pos >= first, g * after, 0), axis=-1, keepdims=True)
            grad = np.where(pos == first, at_zero, grad)
            # (a prefix product that underflowed, or an overflow: redone)
            doubtful = has_zero & ~((np.abs(lead) >= tiny) & np.isfinite(at_zero) & np.isfinite(lead))
            unsafe |= doubtful[..., 0]
    return grad, unsafe


def _underflow_matters(g, x, grad, lost, before):
    """Per row, whether the terms ``g[k] out[k]`` that underflowed (``lost``)
    can change a gradient ``grad[i] = sum_{k >= i} g[k] out[k] / x[i]`` by more
    than its rounding error. Term ``k`` is off by at most ``|g[k]| (|P[k]| +
    tiny) <= 2 |g[k]| max(|P[k]|, tiny)``, with the true ``|P[k]| =
    exp(sum_{j <= k} log|x[j]|)`` (which no underflow affects); so
    ``grad[i]`` is off by at most ``(n - i)`` times the largest of those over
    ``k >= i``, divided by ``|x[i]|``. All in logarithms, in O(n)."""
    info = np.finfo(x.dtype)
    n = x.shape[-1]
    log_x = np.log(np.abs(np.where(before, x, 1)))
    log_p = np.maximum(np.cumsum(log_x, axis=-1), np.log(info.tiny))
    bound = np.where(lost, np.log(2 * np.abs(g)) + log_p, -np.inf)
    largest = np.flip(np.maximum.accumulate(np.flip(bound, axis=-1), axis=-1), axis=-1)
    reach = largest + np.log(np.arange(n, 0, -1, dtype=x.dtype)) - log_x
    allowed = np.log(info.eps * np.abs(grad) + info.tiny / info.eps)
    return np.any(before & (reach > allowed), axis=-1)


def _by_doubling(g, x):
    """The cumprod gradient along the last axis with products only (no
    division: nothing lost to tiny divisors or underflowed products):
    ``prod_{j < i} x[j] * S[i]`` with ``S[i] = sum_{k >= i} g[k] prod_{i < j
    <= k} x[j]``, found by doubling on the recurrence ``S[i] = g[i] + x[i+1]
    S[i+1]`` (log2(n) vectorised steps; only for the rows that
    :func:`_by_division` finds unsafe)."""
    n = g.shape[-1]
    s = np.array(g, copy=True)
    factor = np.zeros_like(s)
    factor[..., :-1] = x[..., 1:]
    d = 1
    while d < n:
        s_next = s.copy()
        s_next[..., :-d] += factor[..., :-d] * s[..., d:]
        f_next = np.zeros_like(factor)
        f_next[..., :-d] = factor[..., :-d] * factor[..., d:]
        s, factor = s_next, f_next
        d *= 2
    before = np.ones_like(x)
    np.cumprod(x[..., :-1], axis=-1, out=before[..., 1:])
    return before * s


def _cumprod_grad(g, out, x, axis=None, dtype=None):
    """``d/dx[i] sum_k g[k] out[k] = sum_{k >= i} g[k] prod_{j <= k, j != i} x[j]``
    along each slice: O(n) (see :func:`_by_division`), with the rows where
    that may be inexact redone with products only (:func:`_by_doubling`);
    float16 is worked in float32."""
    x = np.asarray(x)
    ax = None if axis is None or x.ndim == 0 else axis
    work = np.float32 if out.dtype == np.float16 else out.dtype  # (float16's range is tiny)
    rows, back = _as_rows(x.astype(work, copy=False), ax)
    if rows.size == 0:
        return np.zeros(x.shape, dtype=work)
    grows, _ = _as_rows(g.astype(work, copy=False), ax)
    if out.dtype == work:
        prods, _ = _as_rows(out, ax)
    else:
        with np.errstate(all="ignore"):
            prods = np.cumprod(rows, axis=-1)
    grad, unsafe = _by_division(grows, prods, rows)
    if unsafe.any():
        with np.errstate(all="ignore"):  # (inf and nan inputs give inf and nan, like the forward)
            grad[unsafe] = _by_doubling(grows[unsafe], rows[unsafe])
    return back(grad).reshape(x.shape)


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
def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along an axis (like :func:`numpy.cumprod`;
    ``axis=None`` works on the flattened tensor).

    The gradient is exact where the input has zeros (it never divides by
    zero): a slice's elements after its first zero get no gradient, and that
    zero gets the product of the elements before it times the weighted
    products after it.

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
    return np.cumprod(a, axis=axis, dtype=dtype)


DECLARATIONS = [cumsum, cumprod]
