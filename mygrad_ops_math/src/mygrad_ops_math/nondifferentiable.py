"""Non-differentiable reductions: argmax, argmin, any, all.

Like NumPy's, they return NumPy arrays or scalars (never tensors): tensors are
replaced by their data. ``np.argmax(t)`` and ``t.argmax()`` run them.
"""

import numpy as np

from mygrad import Tensor
from mygrad.plugin import composite_op

from mygrad_ops_math._common import NAMESPACES

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


argmax = composite_op(_argmax, name="argmax", namespaces=NAMESPACES, numpy=np.argmax, methods=("argmax",),
                      conformance=_SKIP)
argmin = composite_op(_argmin, name="argmin", namespaces=NAMESPACES, numpy=np.argmin, methods=("argmin",),
                      conformance=_SKIP)
any = composite_op(_any, name="any", namespaces=NAMESPACES, numpy=np.any, methods=("any",), conformance=_SKIP)
all = composite_op(_all, name="all", namespaces=NAMESPACES, numpy=np.all, methods=("all",), conformance=_SKIP)

DECLARATIONS = [argmax, argmin, any, all]
