"""``linalg.cond``: the condition number of a matrix (batched), as NumPy
defines it, composed of the pack's differentiable ops:

* ``p`` None, ``2``, ``-2``: the ratio of the largest and smallest singular
  values (``svdvals``); any matrix shape;
* ``p`` ``'fro'``, ``'nuc'``, ``1``, ``-1``, ``inf``, ``-inf``:
  ``norm(x, p) * norm(inv(x), p)`` over the last two axes; square matrices.

Two small hidden ops combine the parts (a ratio, a product), so that the
pack needs no arithmetic of another pack. Where NumPy's result is not
finite (a singular matrix: ``inf``) the value is NumPy's and the gradient 0.

Caveat (as for ``svd``): the svd-based forms are not differentiable where
the largest or the smallest singular value is repeated; finite differences
are one-sided there and the gradient is that of one of the branches.
"""

import numpy as np

import mygrad as mg
from mygrad.plugin import Domain, composite_op, function_op

from mygrad_ops_linalg._common import LAPACK_DTYPES, LINALG, square_check
from mygrad_ops_linalg.decompositions import _singular_values
from mygrad_ops_linalg.inverses import inv
from mygrad_ops_linalg.norms import norm

_SVD_ORDS = (None, 2, -2)


def _is_svd_ord(p):
    return p is None or (not isinstance(p, str) and p in (2, -2))


# ------------------------------------------------------------ hidden parts
def _ratio_reference(s, p=None):
    """``s[..., 0] / s[..., -1]`` (``p=-2``: the inverse), ``inf`` where that
    is not a number, as NumPy's ``cond``."""
    with np.errstate(all="ignore"):
        r = s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    return np.where(np.isnan(r) & ~np.isnan(s).any(axis=-1), np.inf, r)


def _ratio_grad(g, out, s, p=None):
    top, bottom = (-1, 0) if p == -2 else (0, -1)
    grad = np.zeros(np.shape(s), dtype=np.result_type(g, s))
    ok = np.isfinite(out)
    with np.errstate(all="ignore"):
        grad[..., top] += np.where(ok, g / s[..., bottom], 0)  # (+=: a single value is both)
        grad[..., bottom] += np.where(ok, -g * out / s[..., bottom], 0)
    return grad


def _ratio_shapes(draw):
    from hypothesis import strategies as st

    return (tuple(draw(st.lists(st.integers(1, 2), max_size=2))) + (draw(st.integers(1, 3)),),)


@function_op(None, grads=[_ratio_grad], name="_cond_ratio", namespaces=(), reference=_ratio_reference,
             domain=Domain(0.5, 5.0), conformance={"shapes": _ratio_shapes, "kwargs": {"p": [None, -2]}})
def _ratio(s, p=None):
    """The condition number from the singular values ``s`` (descending)."""
    return _ratio_reference(s, p)


def _product_reference(a, b, bad=None):
    r = a * b
    return r if bad is None else np.where(bad, np.inf, r)


def _product_grad_a(g, out, a, b, bad=None):
    return g * b if bad is None else np.where(bad, 0, g * b)


def _product_grad_b(g, out, a, b, bad=None):
    return g * a if bad is None else np.where(bad, 0, g * a)


@function_op(None, grads=[_product_grad_a, _product_grad_b], nin=2, name="_cond_product", namespaces=(),
             reference=_product_reference,
             conformance={"shapes": [((), ()), ((2,), (2,)), ((2, 3), (2, 3))]})
def _product(a, b, bad=None):
    """``a * b`` (two norms of the same shape), ``inf`` where ``bad``."""
    return _product_reference(a, b, bad)


def _identity_where_grad(g, out, x, bad):
    return np.where(bad[..., None, None], 0, g)


@function_op(None, grads=[_identity_where_grad], name="_cond_identity_where", namespaces=(),
             reference=lambda x, bad: np.where(bad[..., None, None], np.eye(x.shape[-1], dtype=x.dtype), x),
             conformance={"shapes": [((2, 2, 2),)], "kwargs": {"bad": [np.array([True, False])]}})
def _identity_where(x, bad):
    """The square matrices of ``x``, those where ``bad`` replaced by the
    identity (so that they can be inverted)."""
    return np.where(bad[..., None, None], np.eye(x.shape[-1], dtype=x.dtype), x)


# ---------------------------------------------------------------------- cond
def _data(x):
    return x.data if isinstance(x, mg.Tensor) else np.asarray(x)


def _cond(x, p=None, *, constant=None):
    """The condition number of a matrix (batched over leading axes), like
    :func:`numpy.linalg.cond`.

    ``p`` None, ``2`` or ``-2``: the ratio of the largest and the smallest
    singular values (any matrix shape); ``'fro'``, ``'nuc'``, ``1``, ``-1``,
    ``inf``, ``-inf``: ``norm(x, p) * norm(inv(x), p)`` (square matrices).
    Differentiable (composed of ``svdvals``, ``norm`` and ``inv``); where the
    result is infinite (a singular matrix) the gradient is 0. As for
    :func:`mygrad.linalg.svd`, the svd-based forms are not differentiable
    where the largest or the smallest singular value is repeated.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[2., 0.], [0., 0.5]])
    >>> mg.linalg.cond(x)
    Tensor(4.)
    >>> mg.linalg.cond(x).backward()
    >>> x.grad
    array([[ 2.,  0.],
           [ 0., -8.]])
    >>> mg.linalg.cond(x, 1)
    Tensor(4.)
    """
    data = _data(x)
    if data.size == 0 and np.prod(data.shape[-2:]) == 0:
        raise np.linalg.LinAlgError("cond is not defined on empty arrays")
    if _is_svd_ord(p):
        return _ratio(_singular_values(x, constant=constant), p=p, constant=constant)
    square_check(data, "cond")
    try:
        with np.errstate(all="ignore"):
            np.linalg.inv(data)  # (LinAlgError: some matrix is singular)
        bad, safe = None, x
    except np.linalg.LinAlgError:
        with np.errstate(all="ignore"):
            result = np.linalg.cond(data, p)
        bad = np.asarray(~np.isfinite(result))
        safe = _identity_where(x, bad=bad, constant=constant)
    axes = (-2, -1)
    return _product(norm(safe, p, axis=axes, constant=constant),
                    norm(inv(safe, constant=constant), p, axis=axes, constant=constant), bad=bad,
                    constant=constant)


def _cond_kwargs(draw, shapes):
    from hypothesis import strategies as st

    m, n = shapes[0][-2:]
    return {"p": draw(st.sampled_from(list(_SVD_ORDS) + (["fro", "nuc", 1, -1, np.inf, -np.inf] if m == n else [])))}


def _cond_shapes(draw):
    from hypothesis import strategies as st

    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if draw(st.booleans()):
        n = m
    return (tuple(draw(st.lists(st.integers(1, 2), max_size=1))) + (m, n),)


cond = composite_op(_cond, name="cond", namespaces=LINALG, numpy=np.linalg.cond, domain=Domain(structure="full_rank"),
                    conformance={"nin": 1, "shapes": _cond_shapes, "kwargs": _cond_kwargs, "dtypes": LAPACK_DTYPES,
                                 "atol": 1e-5, "rtol": 1e-3})

DECLARATIONS = [_ratio, _product, _identity_where, cond]
