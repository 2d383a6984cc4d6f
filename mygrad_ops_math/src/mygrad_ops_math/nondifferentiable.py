"""Non-differentiable functions: the reductions argmax, argmin, nanargmax,
nanargmin, any, all and count_nonzero; and NumPy functions computed on a
tensor's data: array_equal, array_equiv, unique, searchsorted, nonzero,
flatnonzero, argwhere, argsort, isneginf, isposinf, isreal, iscomplex,
isrealobj, iscomplexobj.

Like NumPy's, they return NumPy arrays, scalars or Python values (never
tensors): tensors are replaced by their data. ``np.argmax(t)``,
``np.unique(t)``, ... and the Tensor methods ``t.argmax()``, ``t.argsort()``,
``t.nonzero()``, ``t.searchsorted(v)`` run them. (The isfinite family's
ufuncs -- isnan, isfinite, isinf, signbit -- are the core's boolean-only
ufuncs; ``allclose``/``isclose`` are the core's pass-throughs.)
"""

import numpy as np

from mygrad import Tensor
from mygrad.plugin import composite_op

from mygrad_ops_math._common import NAMESPACES
from mygrad_ops_math._reducing import int_axis_kwargs, reduction_kwargs

_NoValue = np._NoValue
_SKIP = {"forward_only": True}  # not differentiable: compared with NumPy's results


def _array(x):
    """A tensor's data (no copy); anything else unchanged."""
    return np.asarray(x) if isinstance(x, Tensor) else x


def _out(name, out):
    if isinstance(out, Tensor):
        raise TypeError(f"{name}(): `out` must be a NumPy array (the result is not differentiable), got a Tensor")
    return out


def _argmax(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the maximum values along an axis (like :func:`numpy.argmax`);
    returns NumPy integers.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 9., 9.], [4., 2., 0.]])
    >>> mg.argmax(x)
    np.int64(1)
    >>> x.argmax(axis=1)
    array([1, 0])
    """
    return np.argmax(_array(a), axis=axis, out=_out("argmax", out), keepdims=keepdims)


def _argmin(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the minimum values along an axis (like :func:`numpy.argmin`);
    returns NumPy integers.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.tensor([3., -1., -1.]).argmin()
    np.int64(1)
    """
    return np.argmin(_array(a), axis=axis, out=_out("argmin", out), keepdims=keepdims)


def _any(a, axis=None, out=None, keepdims=_NoValue, *, where=_NoValue):
    """Whether any element (along the given axes) is true (like
    :func:`numpy.any`); returns NumPy booleans.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[0., 1.], [0., 0.]])
    >>> mg.any(x)
    np.True_
    >>> x.any(axis=1)
    array([ True, False])
    """
    return np.any(_array(a), axis=axis, out=_out("any", out), keepdims=keepdims, where=_array(where))


def _all(a, axis=None, out=None, keepdims=_NoValue, *, where=_NoValue):
    """Whether all elements (along the given axes) are true (like
    :func:`numpy.all`); returns NumPy booleans.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[0., 1.], [2., 3.]])
    >>> mg.all(x)
    np.False_
    >>> x.all(axis=0)
    array([False,  True])
    """
    return np.all(_array(a), axis=axis, out=_out("all", out), keepdims=keepdims, where=_array(where))


def _count_nonzero(a, axis=None, *, keepdims=False):
    """Number of non-zero elements (along the given axes), like
    :func:`numpy.count_nonzero`; returns a NumPy integer or an integer array.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[0., 1., 2.], [0., 0., 3.]])
    >>> int(mg.count_nonzero(x))  # (a Python int before NumPy 2.3, np.int64 since)
    3
    >>> mg.count_nonzero(x, axis=1)
    array([2, 1])
    """
    return np.count_nonzero(_array(a), axis=axis, keepdims=keepdims)


def _nanargmax(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the maximum values along an axis, ignoring NaNs (like
    :func:`numpy.nanargmax`; an all-NaN slice raises ``ValueError``).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nanargmax(mg.tensor([float("nan"), 4., 1.]))
    np.int64(1)
    """
    return np.nanargmax(_array(a), axis=axis, out=_out("nanargmax", out), keepdims=keepdims)


def _nanargmin(a, axis=None, out=None, *, keepdims=_NoValue):
    """Indices of the minimum values along an axis, ignoring NaNs (like
    :func:`numpy.nanargmin`; an all-NaN slice raises ``ValueError``).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nanargmin(mg.tensor([[float("nan"), 4.], [2., 1.]]), axis=1)
    array([1, 1])
    """
    return np.nanargmin(_array(a), axis=axis, out=_out("nanargmin", out), keepdims=keepdims)


# ------------------------------------------------------------- pass-through
def _array_equal(a1, a2, equal_nan=False):
    """Whether two arrays have the same shape and elements (like
    :func:`numpy.array_equal`); returns a Python bool.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.array_equal(mg.tensor([1., 2.]), [1, 2])
    True
    >>> mg.array_equal(mg.tensor([1., float("nan")]), [1., float("nan")], equal_nan=True)
    True
    """
    return np.array_equal(_array(a1), _array(a2), equal_nan=equal_nan)


def _array_equiv(a1, a2):
    """Whether two arrays are equal after broadcasting (like
    :func:`numpy.array_equiv`); returns a Python bool.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.array_equiv(mg.tensor([[1., 2.], [1., 2.]]), [1., 2.])
    True
    """
    return np.array_equiv(_array(a1), _array(a2))


def _unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
            sorted=True):
    """The sorted unique elements of an array (like :func:`numpy.unique`),
    with the optional indices, inverse and counts; returns NumPy arrays.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.unique(mg.tensor([3., 1., 3., 2.]))
    array([1., 2., 3.])
    >>> values, counts = mg.unique(mg.tensor([3., 1., 3.]), return_counts=True)
    >>> counts
    array([1, 2])
    """
    newer = {} if sorted is True else {"sorted": sorted}  # (NumPy >= 2.3)
    return np.unique(_array(ar), return_index=return_index, return_inverse=return_inverse,
                     return_counts=return_counts, axis=axis, equal_nan=equal_nan, **newer)


def _searchsorted(a, v, side="left", sorter=None):
    """Where to insert ``v`` into the sorted 1-D ``a`` to keep it sorted (like
    :func:`numpy.searchsorted`); returns integer indices.

    Examples
    --------
    >>> import mygrad as mg
    >>> edges = mg.tensor([0., 1., 2., 3.])
    >>> mg.searchsorted(edges, [0.5, 2.])
    array([1, 2])
    >>> edges.searchsorted(2., side="right")
    np.int64(3)
    """
    return np.searchsorted(_array(a), _array(v), side=side, sorter=_array(sorter))


def _nonzero(a):
    """Indices of the non-zero elements, one array per dimension (like
    :func:`numpy.nonzero`).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.tensor([[0., 2.], [3., 0.]]).nonzero()
    (array([0, 1]), array([1, 0]))
    """
    return np.nonzero(_array(a))


def _flatnonzero(a):
    """Indices of the non-zero elements of the flattened array (like
    :func:`numpy.flatnonzero`).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.flatnonzero(mg.tensor([[0., 2.], [3., 0.]]))
    array([1, 2])
    """
    return np.flatnonzero(_array(a))


def _argwhere(a):
    """Indices of the non-zero elements, one row per element (like
    :func:`numpy.argwhere`).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.argwhere(mg.tensor([[0., 2.], [3., 0.]]))
    array([[0, 1],
           [1, 0]])
    """
    return np.argwhere(_array(a))


def _argsort(a, axis=-1, kind=None, order=None, *, stable=None, descending=False):
    """Indices that sort an array along an axis (like :func:`numpy.argsort`).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([3., 1., 2.])
    >>> x.argsort()
    array([1, 2, 0])
    >>> mg.argsort(mg.tensor([[2., 1.], [0., 5.]]), axis=0)
    array([[1, 0],
           [0, 1]])
    """
    newer = {} if descending is False else {"descending": descending}  # (NumPy >= 2.5)
    return np.argsort(_array(a), axis=axis, kind=kind, order=order, stable=stable, **newer)


def _isneginf(x, out=None):
    """Elementwise test for negative infinity (like :func:`numpy.isneginf`).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.isneginf(mg.tensor([-float("inf"), 0., float("inf")]))
    array([ True, False, False])
    """
    return np.isneginf(_array(x), out=_out("isneginf", out))


def _isposinf(x, out=None):
    """Elementwise test for positive infinity (like :func:`numpy.isposinf`).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.isposinf(mg.tensor([-float("inf"), 0., float("inf")]))
    array([False, False,  True])
    """
    return np.isposinf(_array(x), out=_out("isposinf", out))


def _isreal(x):
    """Elementwise test for a zero imaginary part (like :func:`numpy.isreal`;
    always true for a tensor, whose dtype is real).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.isreal(mg.tensor([1., 2.]))
    array([ True,  True])
    """
    return np.isreal(_array(x))


def _iscomplex(x):
    """Elementwise test for a non-zero imaginary part (like
    :func:`numpy.iscomplex`; always false for a tensor).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.iscomplex(mg.tensor([1., 2.]))
    array([False, False])
    """
    return np.iscomplex(_array(x))


def _isrealobj(x):
    """Whether the array's dtype is not complex (like :func:`numpy.isrealobj`);
    a Python bool.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.isrealobj(mg.tensor([1., 2.]))
    True
    """
    return np.isrealobj(_array(x))


def _iscomplexobj(x):
    """Whether the array's dtype is complex (like :func:`numpy.iscomplexobj`);
    a Python bool.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.iscomplexobj(mg.tensor([1., 2.]))
    False
    """
    return np.iscomplexobj(_array(x))


# --------------------------------------------------- conformance-check options
def _some_dims(draw):
    """One input of 1 to 3 dimensions (``nonzero`` refuses 0-d arrays)."""
    from hypothesis.extra import numpy as hnp

    return (draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)),)


def _argsort_kwargs(draw, shapes):
    """An axis (None or an int) and a sorting kind."""
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    axis = draw(st.none() | st.integers(-ndim, ndim - 1)) if ndim else draw(st.sampled_from([None, -1]))
    return {"axis": axis, "kind": draw(st.sampled_from([None, "stable"]))}


_SEARCH_SHAPES = [((4,), (3,)), ((1,), ()), ((5,), (2, 2)), ((3,), (1, 4))]
_UNIQUE_KWARGS = [{}, {"return_counts": True}, {"return_index": True, "return_counts": True}]
_TWO = dict(_SKIP, nin=2)


def _forward_only(impl, name, numpy, conformance=_SKIP, methods=()):
    """A non-differentiable op: compared with NumPy's results by the conformance check."""
    return composite_op(impl, name=name, namespaces=NAMESPACES, numpy=numpy, methods=methods,
                        conformance=conformance)


argmax = _forward_only(_argmax, "argmax", np.argmax, methods=("argmax",))
argmin = _forward_only(_argmin, "argmin", np.argmin, methods=("argmin",))
any = _forward_only(_any, "any", np.any, methods=("any",))
all = _forward_only(_all, "all", np.all, methods=("all",))

count_nonzero = _forward_only(_count_nonzero, "count_nonzero", np.count_nonzero,
                              dict(_SKIP, kwargs=reduction_kwargs))
nanargmax = _forward_only(_nanargmax, "nanargmax", np.nanargmax, dict(_SKIP, kwargs=int_axis_kwargs))
nanargmin = _forward_only(_nanargmin, "nanargmin", np.nanargmin, dict(_SKIP, kwargs=int_axis_kwargs))
array_equal = _forward_only(_array_equal, "array_equal", np.array_equal,
                            dict(_TWO, kwargs={"equal_nan": [False, True]}))
array_equiv = _forward_only(_array_equiv, "array_equiv", np.array_equiv, _TWO)
unique = _forward_only(_unique, "unique", np.unique, dict(_SKIP, kwargs=_UNIQUE_KWARGS))
searchsorted = _forward_only(_searchsorted, "searchsorted", np.searchsorted,
                             dict(_TWO, shapes=_SEARCH_SHAPES, kwargs={"side": ["left", "right"]}),
                             methods=("searchsorted",))
nonzero = _forward_only(_nonzero, "nonzero", np.nonzero, dict(_SKIP, shapes=_some_dims), methods=("nonzero",))
flatnonzero = _forward_only(_flatnonzero, "flatnonzero", np.flatnonzero)
argwhere = _forward_only(_argwhere, "argwhere", np.argwhere)
argsort = _forward_only(_argsort, "argsort", np.argsort, dict(_SKIP, kwargs=_argsort_kwargs), methods=("argsort",))
isneginf = _forward_only(_isneginf, "isneginf", np.isneginf)
isposinf = _forward_only(_isposinf, "isposinf", np.isposinf)
isreal = _forward_only(_isreal, "isreal", np.isreal)
iscomplex = _forward_only(_iscomplex, "iscomplex", np.iscomplex)
isrealobj = _forward_only(_isrealobj, "isrealobj", np.isrealobj)
iscomplexobj = _forward_only(_iscomplexobj, "iscomplexobj", np.iscomplexobj)

DECLARATIONS = [
    argmax, argmin, any, all, count_nonzero, nanargmax, nanargmin,
    array_equal, array_equiv, unique, searchsorted, nonzero, flatnonzero, argwhere, argsort,
    isneginf, isposinf, isreal, iscomplex, isrealobj, iscomplexobj,
]
