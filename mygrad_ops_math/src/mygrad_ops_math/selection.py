"""Selecting elements: where, take, take_along_axis, diagonal, trace, tril,
triu.

Gradients go back to the selected positions only: ``where`` routes each
element to ``x`` or ``y`` by the condition; ``take``/``take_along_axis``
scatter-add into the taken positions in one vectorised pass
(:func:`numpy.bincount`; an index taken twice gets both contributions);
``diagonal``/``trace`` write into the
diagonal of a zero array; ``tril``/``triu`` keep the same triangle of the
gradient. None of them reads the values of its differentiable input.

``diagonal`` returns a read-only view, like NumPy's (writing into it raises
NumPy's ``ValueError``).

Index arrays (``indices``) are copied when the op is recorded, so changing
them afterwards cannot change the gradient.
"""

from math import prod

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

import mygrad as mg
from mygrad.plugin import NONDIFF, Domain, composite_op, function_op, reads

from mygrad_ops_math._common import NAMESPACES as _MATH_NAMESPACES

NAMESPACES = (*_MATH_NAMESPACES, "mygrad.tensor_manip")

_MISSING = object()  # (`where`'s x and y: None is a value)


# ------------------------------------------------------------------- where
@function_op(None, grads=[NONDIFF, lambda g, out, c, x, y: np.where(c, g, 0),
                              lambda g, out, c, x, y: np.where(c, 0, g)],
             nin=3, name="where_select", namespaces=())
def _where_select(condition, x, y):
    return np.where(condition, x, y)


def _where(condition, x=_MISSING, y=_MISSING, /, *, constant=None):
    """Elements of ``x`` where ``condition`` is true, of ``y`` elsewhere
    (all three broadcast together), like :func:`numpy.where`.

    ``x`` and ``y`` get the gradient where they were chosen; the condition
    (which may be a tensor) has no gradient. With the condition alone,
    returns the indices where it is true: ``np.nonzero(condition)``, a tuple
    of arrays.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3.])
    >>> y = mg.tensor([-1., -2., -3.])
    >>> z = mg.where(x > 1.5, x, y)
    >>> z
    Tensor([-1.,  2.,  3.])
    >>> z.backward()
    >>> x.grad, y.grad
    (array([0., 1., 1.]), array([1., 0., 0.]))
    >>> mg.where(x > 1.5)
    (array([1, 2]),)
    """
    if x is _MISSING and y is _MISSING:
        return np.nonzero(np.asarray(condition))
    if x is _MISSING or y is _MISSING:
        raise ValueError("either both or neither of x and y should be given")
    return _where_select(condition, x, y, constant=constant)


where = composite_op(
    _where, name="where", namespaces=(*NAMESPACES, "mygrad.indexing_routines"), numpy=np.where,
    # the condition is a boolean input without a gradient; x and y broadcast with it
    domain=(Domain(dtype="bool"), Domain(), Domain()),
    conformance={"nin": 3},
)


# ------------------------------------------------------------ scatter-add
def _accumulate_at(flat, values, size, dtype):
    """``zeros(size)`` with each ``values`` element added at its ``flat``
    position (repeated positions accumulate; one pass, :func:`numpy.bincount`)."""
    out = np.bincount(np.ravel(flat), weights=np.ravel(values), minlength=size)
    return out.astype(dtype, copy=False)


def scatter_add_along(shape, axis, index, values):
    """A zero array of ``shape`` with ``values`` added along ``axis`` at
    ``index`` (non-negative ints): position ``index[j]`` gets
    ``values[..., j, ...]`` (``values`` has ``index``'s dimensions in place
    of ``axis``). The transpose of ``np.take(x, index, axis)``.

    >>> scatter_add_along((2, 3), 1, np.array([0, 2, 0]), np.ones((2, 3)))
    array([[2., 0., 1.],
           [2., 0., 1.]])
    """
    values = np.asarray(values)
    pre, n, post = prod(shape[:axis]), shape[axis], prod(shape[axis + 1:])
    flat = np.arange(0, pre * n, n, dtype=np.intp).reshape(-1, 1) + np.asarray(index, dtype=np.intp).reshape(1, -1)
    if post > 1:
        flat *= post
        flat = flat[..., None] + np.arange(post, dtype=np.intp)
    return _accumulate_at(flat, values, pre * n * post, values.dtype).reshape(shape)


# -------------------------------------------------------------------- take
def _index_array(indices):
    """A private copy of an index argument (an empty list means no indices,
    as for NumPy)."""
    idx = np.array(indices, copy=True)
    if idx.size == 0 and not isinstance(indices, (np.ndarray, mg.Tensor)):
        idx = idx.astype(np.intp)
    return idx


def _wrapped(idx, n, mode):
    """``indices`` as non-negative indices for ``take``'s ``mode``."""
    idx = np.asarray(idx, dtype=np.intp)
    if mode == "wrap":
        return np.mod(idx, n) if n else idx
    if mode == "clip":
        return np.clip(idx, 0, max(n - 1, 0))
    return np.where(idx < 0, idx + n, idx)


@reads()  # only the input's shape
def _take_grad(g, out, a, indices, axis=None, mode="raise"):
    shape = np.shape(a)
    if axis is None:
        ax, target = 0, (int(np.prod(shape)),)
    else:
        ax = normalize_axis_index(axis, len(shape))
        target = shape
    return scatter_add_along(target, ax, _wrapped(indices, target[ax], mode), g).reshape(shape)


@function_op(None, grads=[_take_grad], name="take_indices", namespaces=())
def _take_indices(a, indices, axis=None, mode="raise"):
    return np.take(a, indices, axis=axis, mode=mode)


def _take(a, indices, axis=None, out=None, mode="raise", *, constant=None):
    """Elements of a tensor at the given indices along an axis (of the
    flattened tensor for ``axis=None``), like :func:`numpy.take`; ``mode``
    is ``"raise"``, ``"wrap"`` or ``"clip"``.

    An element taken several times gets the sum of those gradients.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> y = mg.take(x, [0, 0, 3])
    >>> y
    Tensor([1., 1., 4.])
    >>> y.backward()
    >>> x.grad
    array([[2., 0.],
           [0., 1.]])
    >>> mg.take(x, [1], axis=1)
    Tensor([[2.],
            [4.]])
    """
    return _take_indices(a, indices=_index_array(indices), axis=axis, mode=mode, out=out, constant=constant)


def _take_kwargs(draw, shapes):
    from hypothesis import strategies as st

    shape = shapes[0]
    axis = draw(st.sampled_from([None, *range(-len(shape), len(shape))]))
    n = int(np.prod(shape)) if axis is None else shape[axis]
    mode = draw(st.sampled_from(["raise", "wrap", "clip"]))
    if n == 0:
        return {"indices": [], "axis": axis, "mode": mode}
    low, high = (-n, n - 1) if mode == "raise" else (-2 * n, 2 * n)
    ints = st.integers(low, high)
    indices = draw(ints | st.lists(ints, max_size=4) | st.lists(st.lists(ints, min_size=2, max_size=2), max_size=2))
    return {"indices": indices, "axis": axis, "mode": mode}


take = composite_op(_take, name="take", namespaces=NAMESPACES, numpy=np.take,
                    conformance={"nin": 1, "kwargs": _take_kwargs})


@reads()  # only the input's shape
def _take_along_axis_grad(g, out, arr, indices, axis=-1):
    shape = np.shape(arr)
    if axis is None:  # the input was flattened
        size = prod(shape)
        return scatter_add_along((size,), 0, _wrapped(indices, size, "raise"), g).reshape(shape)
    ax = normalize_axis_index(axis, len(shape))
    # the flat position read for each result element: `indices` along `axis`,
    # the element's own position along the other axes
    flat = _wrapped(indices, shape[ax], "raise") * prod(shape[ax + 1:])
    for d, n in enumerate(shape):
        if d != ax:
            flat = flat + np.arange(n).reshape((-1,) + (1,) * (len(shape) - d - 1)) * prod(shape[d + 1:])
    return _accumulate_at(np.broadcast_to(flat, g.shape), g, prod(shape), g.dtype).reshape(shape)


@function_op(None, grads=[_take_along_axis_grad], name="take_along_axis_indices", namespaces=())
def _take_along_axis_indices(arr, indices, axis=-1):
    return np.take_along_axis(arr, indices, axis=axis)


def _take_along_axis(arr, indices, axis=-1, *, constant=None):
    """Elements of a tensor at positions given per 1-D slice along ``axis``,
    like :func:`numpy.take_along_axis` (e.g. with indices from
    :func:`numpy.argsort`); ``axis=None`` works on the flattened tensor.

    An element taken several times gets the sum of those gradients.

    Examples
    --------
    >>> import numpy as np
    >>> import mygrad as mg
    >>> x = mg.tensor([[3., 1.], [2., 4.]])
    >>> top = mg.take_along_axis(x, np.argmax(x, axis=1, keepdims=True), axis=1)
    >>> top
    Tensor([[3.],
            [4.]])
    >>> top.backward()
    >>> x.grad
    array([[1., 0.],
           [0., 1.]])
    """
    return _take_along_axis_indices(arr, indices=_index_array(indices), axis=axis, constant=constant)


def _take_along_axis_kwargs(draw, shapes):
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    shape = shapes[0]
    if not shape or draw(st.booleans()):
        n = int(np.prod(shape))
        return {"indices": draw(arrays(np.intp, draw(st.integers(0, 4)), elements=st.integers(-n, n - 1)))
                if n else np.zeros(0, np.intp), "axis": None}
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    # along `axis` any length; along the others the input's length or 1 (broadcast)
    ishape = [draw(st.sampled_from([s, 1])) for s in shape]
    ishape[axis] = draw(st.integers(0, 4)) if n else 0
    return {"indices": draw(arrays(np.intp, tuple(ishape), elements=st.integers(-n, max(n - 1, 0)))), "axis": axis}


take_along_axis = composite_op(_take_along_axis, name="take_along_axis", namespaces=NAMESPACES,
                               numpy=np.take_along_axis, conformance={"nin": 1, "kwargs": _take_along_axis_kwargs})


# --------------------------------------------------------- diagonal, trace
def _diagonal_positions(shape, offset, axis1, axis2):
    """``(axes, rows, cols)``: the two axes (non-negative), and the
    positions of the ``offset`` diagonal in the matrices over them."""
    nd = len(shape)
    a1, a2 = normalize_axis_index(axis1, nd), normalize_axis_index(axis2, nd)
    r0, c0 = max(-offset, 0), max(offset, 0)
    n = max(0, min(shape[a1] - r0, shape[a2] - c0))
    i = np.arange(n)
    return (a1, a2), i + r0, i + c0


def _into_diagonal(g, shape, offset, axis1, axis2):
    """A zero array of ``shape`` whose diagonal holds ``g`` (broadcast:
    diagonal elements last)."""
    axes, rows, cols = _diagonal_positions(shape, offset, axis1, axis2)
    grad = np.zeros(shape, dtype=g.dtype)
    np.moveaxis(grad, axes, (-2, -1))[..., rows, cols] = g
    return grad


@reads()  # only the input's shape
def _diagonal_grad(g, out, a, offset=0, axis1=0, axis2=1):
    return _into_diagonal(g, np.shape(a), offset, axis1, axis2)


def _diagonal_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    axes = draw(st.lists(st.integers(-ndim, ndim - 1), min_size=2, max_size=2, unique_by=lambda a: a % ndim))
    return {"offset": draw(st.integers(-3, 3)), "axis1": axes[0], "axis2": axes[1]}


def _matrices(draw):
    from hypothesis import strategies as st

    n = draw(st.integers(2, 4))
    return (tuple(draw(st.integers(1, 4)) for _ in range(n)),)


_DIAGONAL_CONFORMANCE = {"shapes": _matrices, "kwargs": _diagonal_kwargs}


@function_op(np.diagonal, grads=[_diagonal_grad], namespaces=NAMESPACES, can_return_view=True,
             read_only_view=True, conformance=_DIAGONAL_CONFORMANCE)  # (NumPy's diagonal views are read-only)
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the 2-D slices over ``axis1``/``axis2``,
    like :func:`numpy.diagonal` (the diagonal becomes the last axis).

    The result is a read-only view of ``a``, as in NumPy.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> d = mg.diagonal(x)
    >>> d
    Tensor([1., 4.])
    >>> d.base is x
    True
    >>> d.backward()
    >>> x.grad
    array([[1., 0.],
           [0., 1.]])
    """
    return np.diagonal(a, offset, axis1, axis2)



@reads()  # only the input's shape
def _trace_grad(g, out, a, offset=0, axis1=0, axis2=1, dtype=None):
    return _into_diagonal(np.asarray(g)[..., None], np.shape(a), offset, axis1, axis2)


@function_op(np.trace, grads=[_trace_grad], namespaces=NAMESPACES, conformance=_DIAGONAL_CONFORMANCE)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """The sum along the ``offset`` diagonal of the 2-D slices over
    ``axis1``/``axis2``, like :func:`numpy.trace`.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> t = mg.trace(x)
    >>> t
    Tensor(5.)
    >>> t.backward()
    >>> x.grad
    array([[1., 0.],
           [0., 1.]])
    """
    return np.trace(a, offset, axis1, axis2, dtype=dtype)


# -------------------------------------------------------------- triangles
def _k_kwargs(draw, shapes):
    from hypothesis import strategies as st

    return {"k": draw(st.integers(-3, 3))}


@function_op(np.tril, grads=[lambda g, out, m, k=0: np.tril(g, k)], namespaces=NAMESPACES,
             conformance={"shapes": _matrices, "kwargs": _k_kwargs})
def tril(m, k=0):
    """The lower triangle of the last two axes (elements above the ``k``-th
    diagonal set to 0), like :func:`numpy.tril`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.tril(mg.tensor([[1., 2.], [3., 4.]]))
    Tensor([[1., 0.],
            [3., 4.]])
    """
    return np.tril(m, k)


@function_op(np.triu, grads=[lambda g, out, m, k=0: np.triu(g, k)], namespaces=NAMESPACES,
             conformance={"shapes": _matrices, "kwargs": _k_kwargs})
def triu(m, k=0):
    """The upper triangle of the last two axes (elements below the ``k``-th
    diagonal set to 0), like :func:`numpy.triu`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.triu(mg.tensor([[1., 2.], [3., 4.]]))
    Tensor([[1., 2.],
            [0., 4.]])
    """
    return np.triu(m, k)


DECLARATIONS = [where, take, take_along_axis, diagonal, trace, tril, triu]
