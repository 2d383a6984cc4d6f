"""Norms: ``linalg.norm`` (vector and matrix norms, NumPy's signature plus
``nan_to_num``), ``linalg.vector_norm`` and ``linalg.matrix_norm``.

Derivative conventions (``nan_to_num=True``, the default):

* where a norm is 0 its gradient is 0 (never ``nan``); entries that are 0
  get 0 for ``ord=1`` and for ``ord < 1`` (where the derivative is infinite
  or undefined);
* ``ord=0`` (a count of non-zero entries) has zero gradient;
* ``ord=inf`` / ``-inf`` (vector), ``1``/``-1``/``inf``/``-inf`` (matrix):
  the gradient goes to the maximising (minimising) entry, column or row;
  where several tie it is split evenly among them (the mean of the one-sided
  derivatives, which finite differences also give);
* ``2``/``-2``/``'nuc'`` (matrix) use the singular vectors (the largest or
  smallest singular value's, or all of them): not differentiable where the
  singular values involved are repeated or zero.

With ``nan_to_num=False`` the gradient is ``nan`` where it is undefined
(a zero norm; zero entries for ``ord <= 1``).
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from mygrad.plugin import Domain, function_op, unreduce

from mygrad_ops_linalg._common import LINALG, mT

_INF = float("inf")


# ------------------------------------------------------------------ helpers
def _share_extreme(score, axes, largest, terms=1):
    """Weights like ``score`` that split 1 evenly among the maxima (minima)
    of each slice over ``axes``: 1 at a unique extreme. Scores that are sums
    of ``terms`` values count as tied when they differ by rounding only."""
    extreme = score.max(axis=axes, keepdims=True) if largest else score.min(axis=axes, keepdims=True)
    eps = np.finfo(score.dtype).eps if score.dtype.kind == "f" else 0.0
    tied = np.abs(score - extreme) <= 4 * eps * terms * np.abs(extreme)
    return tied / tied.sum(axis=axes, keepdims=True)


def _safe_div(num, den, nan_to_num):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    if nan_to_num:
        r = np.where(den == 0, 0, r)
    return r


def vector_grad(x, n, ord, axes, nan_to_num):
    """d norm / dx for the vector norm of ``x`` over ``axes`` (``n``: the
    norm, broadcast against ``x``)."""
    if ord is None or ord == 2:
        return _safe_div(x, n, nan_to_num)
    if ord == 0:
        return np.zeros_like(x)
    if ord == 1:
        s = np.sign(x)
        return s if nan_to_num else np.where(x == 0, np.nan, s)
    if ord == _INF or ord == -_INF:
        return np.sign(x) * _share_extreme(np.abs(x), axes, ord > 0)
    p = float(ord)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        r = np.sign(x) * (np.abs(x) / n) ** (p - 1)
    if nan_to_num:
        r = np.where((n == 0) | ((x == 0) & (p < 1)), 0, r)
    elif p < 1:
        r = np.where(x == 0, np.nan, r)
    return r


def matrix_grad(x, n, ord, axes, nan_to_num):
    """d norm / dx for the matrix norm of ``x`` over the axis pair ``axes``
    (rows, columns)."""
    if ord is None or ord == "fro":
        return _safe_div(x, n, nan_to_num)
    m = np.moveaxis(x, axes, (-2, -1))
    if ord in ("nuc", 2, -2):
        u, s, vh = np.linalg.svd(m, full_matrices=False)
        if ord == "nuc":
            gm = u @ vh
        else:
            i = 0 if ord == 2 else -1
            gm = u[..., :, i, None] * vh[..., None, i, :]
    elif ord in (1, -1):  # the largest (smallest) column sum of |x|
        gm = np.sign(m) * _share_extreme(np.abs(m).sum(axis=-2), (m.ndim - 2,), ord > 0, m.shape[-2])[..., None, :]
    elif ord in (_INF, -_INF):  # the largest (smallest) row sum of |x|
        gm = np.sign(m) * _share_extreme(np.abs(m).sum(axis=-1), (m.ndim - 2,), ord > 0, m.shape[-1])[..., :, None]
    else:  # pragma: no cover - NumPy rejected it in the forward pass
        raise ValueError(f"Invalid norm order {ord!r} for matrices.")
    return np.moveaxis(gm, (-2, -1), axes)


def _kind(nd, ord, axis):
    """``("vector" | "matrix", axes)`` like NumPy's norm decides it."""
    if axis is None:
        if ord is None or nd not in (1, 2):
            return "vector", tuple(range(nd))
        return ("vector", (0,)) if nd == 1 else ("matrix", (0, 1))
    axes = normalize_axis_tuple(axis, nd) if nd else ()
    return ("vector" if len(axes) <= 1 else "matrix"), axes


def _norm_grad(g, out, x, ord=None, axis=None, keepdims=False, nan_to_num=True):
    x = np.asarray(x)
    kind, axes = _kind(x.ndim, ord, axis)
    n = unreduce(out, x.shape, axes, keepdims)
    gf = unreduce(g, x.shape, axes, keepdims)
    if kind == "vector":
        return gf * vector_grad(x, n, ord, axes, nan_to_num)
    return gf * matrix_grad(x, n, ord, axes, nan_to_num)


# ------------------------------------------------------ conformance options
_VECTOR_ORDS = [None, 1, 2, 3, 0.5, -1.5, _INF, -_INF, 0]
_MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, _INF, -_INF]

#: distinct |x| values (ties in max/min norms are not differentiable), none near 0
_NORM_DOMAIN = Domain(-4.95, 5.0, unique=True)


def _norm_kwargs(draw, shapes):
    from hypothesis import strategies as st

    nd = len(shapes[0])
    keepdims = draw(st.booleans())
    if nd >= 2 and draw(st.booleans()):
        axis = tuple(draw(st.permutations(range(nd)))[:2])
        if draw(st.booleans()) and nd == 2:
            axis = None
        return {"ord": draw(st.sampled_from(_MATRIX_ORDS)), "axis": axis, "keepdims": keepdims}
    if nd == 0:
        return {"keepdims": keepdims}
    axis = draw(st.none() | st.integers(-nd, nd - 1))
    ord = draw(st.sampled_from(_VECTOR_ORDS))
    if axis is None and nd > 1:
        ord = None
    return {"ord": ord, "axis": axis, "keepdims": keepdims}


def _norm_shapes(draw):
    from hypothesis import strategies as st

    return (tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))),)


@function_op(np.linalg.norm, grads=[_norm_grad], namespaces=LINALG, domain=_NORM_DOMAIN,
             conformance={"shapes": _norm_shapes, "kwargs": _norm_kwargs, "dtypes": (np.float32, np.float64),
                          "atol": 1e-5, "rtol": 1e-3})
def norm(x, ord=None, axis=None, keepdims=False, *, nan_to_num=True):
    """Vector or matrix norm (like :func:`numpy.linalg.norm`).

    ``axis`` an int (or ``x`` 1-D): a vector norm, ``ord`` any number
    (``inf``, ``-inf``, ``0`` included); ``axis`` a pair (or ``x`` 2-D with
    ``ord`` given): a matrix norm, ``ord`` one of ``'fro'``, ``'nuc'``,
    ``1``, ``-1``, ``2``, ``-2``, ``inf``, ``-inf``; ``ord=None, axis=None``:
    the 2-norm of the flattened tensor.

    ``nan_to_num=True`` (the default) makes the gradient 0 where it is not
    defined (a zero norm; zero entries for ``ord <= 1``) instead of ``nan``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([3., 4.])
    >>> mg.linalg.norm(x)
    Tensor(5.)
    >>> mg.linalg.norm(x).backward()
    >>> x.grad
    array([0.6, 0.8])
    >>> z = mg.tensor([0., 0.])
    >>> mg.linalg.norm(z).backward()
    >>> z.grad
    array([0., 0.])
    >>> mg.linalg.norm(mg.tensor([[1., 2.], [3., 4.]]), ord=1)
    Tensor(6.)
    """
    return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


def _vector_norm_grad(g, out, x, axis=None, keepdims=False, ord=2):
    x = np.asarray(x)
    axes = tuple(range(x.ndim)) if axis is None else normalize_axis_tuple(axis, x.ndim)
    n = unreduce(out, x.shape, axes, keepdims)
    return unreduce(g, x.shape, axes, keepdims) * vector_grad(x, n, ord, axes, True)


def _vector_norm_kwargs(draw, shapes):
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import valid_tuple_axes

    nd = len(shapes[0])
    axis = draw(st.none() | valid_tuple_axes(nd, min_size=1) | st.integers(-nd, nd - 1)) if nd else None
    return {"axis": axis, "keepdims": draw(st.booleans()),
            "ord": draw(st.sampled_from([v for v in _VECTOR_ORDS if v is not None]))}


@function_op(np.linalg.vector_norm, grads=[_vector_norm_grad], namespaces=LINALG, domain=_NORM_DOMAIN,
             conformance={"shapes": _norm_shapes, "kwargs": _vector_norm_kwargs,
                          "dtypes": (np.float32, np.float64), "atol": 1e-5, "rtol": 1e-3})
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector norm over ``axis`` (an int, a tuple of axes, or None: all), like
    :func:`numpy.linalg.vector_norm`. Gradient conventions as for
    :func:`mygrad.linalg.norm` (0 where undefined).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.vector_norm(mg.tensor([[3., 0.], [0., -4.]]), ord=1)
    Tensor(7.)
    """
    return np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)


def _matrix_norm_grad(g, out, x, keepdims=False, ord="fro"):
    x = np.asarray(x)
    axes = (x.ndim - 2, x.ndim - 1)
    n = unreduce(out, x.shape, axes, keepdims)
    return unreduce(g, x.shape, axes, keepdims) * matrix_grad(x, n, ord, axes, True)


def _matrix_shapes(draw):
    from hypothesis import strategies as st

    return (tuple(draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))),)


@function_op(np.linalg.matrix_norm, grads=[_matrix_norm_grad], namespaces=LINALG, domain=_NORM_DOMAIN,
             conformance={"shapes": _matrix_shapes, "dtypes": (np.float32, np.float64), "atol": 1e-5, "rtol": 1e-3,
                          "kwargs": {"ord": _MATRIX_ORDS[1:], "keepdims": [False, True]}})
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm over the last two axes (batched over the others), like
    :func:`numpy.linalg.matrix_norm`; ``ord`` one of ``'fro'``, ``'nuc'``,
    ``1``, ``-1``, ``2``, ``-2``, ``inf``, ``-inf``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[3., 0.], [0., 4.]])
    >>> mg.linalg.matrix_norm(x, ord=2)
    Tensor(4.)
    >>> mg.linalg.matrix_norm(x, ord="nuc").backward()
    >>> x.grad
    array([[1., 0.],
           [0., 1.]])
    """
    return np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)


DECLARATIONS = [norm, vector_norm, matrix_norm]
