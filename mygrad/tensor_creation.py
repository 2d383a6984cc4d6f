"""Tensor creation routines."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mygrad._core.state import check_constant as _check_constant
from mygrad._core.tensor import Tensor

__all__ = ["tensor", "astensor", "asarray"]


def tensor(arr_like: Any, dtype: Any = None, *, constant: bool | None = None, copy: bool = True, ndmin: int = 0) -> Tensor:
    """Create a tensor, like :func:`numpy.array` creates an array.

    Parameters
    ----------
    arr_like : ArrayLike
    dtype : DTypeLike, optional
    constant : bool, optional
        ``None``: constant for integer/boolean data, non-constant for floats.
    copy : bool, default True
        With ``copy=False`` a compatible tensor is returned as is.
    ndmin : int, default 0

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.tensor([[1, 2], [3, 4]])
    Tensor([[1, 2],
            [3, 4]])
    >>> x = mg.tensor([1., 2.])
    >>> mg.tensor(x, copy=False) is x
    True
    """
    _check_constant(constant)
    if not isinstance(ndmin, numbers.Integral) or isinstance(ndmin, bool):
        raise TypeError(f"`ndmin` must be an integer, got {ndmin!r}")
    ndmin = max(int(ndmin), 0)
    if isinstance(arr_like, Tensor) and not copy:
        same_constant = constant is None or constant == arr_like._constant
        same_dtype = dtype is None or np.dtype(dtype) == arr_like.dtype
        if same_constant and same_dtype:
            if arr_like.ndim >= ndmin:
                return arr_like
            return arr_like[(None,) * (ndmin - arr_like.ndim)]
    return Tensor(arr_like, dtype=dtype, constant=constant, copy=copy, ndmin=ndmin)


def astensor(t: Any, dtype: Any = None, *, constant: bool | None = None) -> Tensor:
    """Convert the input to a tensor without copying when possible.

    >>> import numpy as np, mygrad as mg
    >>> a = np.array([1., 2.])
    >>> mg.astensor(a).data is a
    True
    """
    return tensor(t, dtype=dtype, constant=constant, copy=False)


def asarray(a: Any, dtype: Any = None, order: Any = None) -> np.ndarray:
    """Convert the input to an ndarray; a tensor gives its array (no copy).

    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2.])
    >>> mg.asarray(x) is x.data
    True
    """
    if isinstance(a, Tensor):
        a = a._data
    return np.asarray(a, dtype=dtype, order=order)


# ----------------------------------------------------------------- filled
def _new(arr: np.ndarray, constant: bool | None) -> Tensor:
    return Tensor(arr, constant=constant, copy=False)


def empty(shape: Any, dtype: Any = np.float32, *, constant: bool | None = None) -> Tensor:
    """A new tensor of ``shape`` without initialized entries (float32 by default).

    >>> import mygrad as mg
    >>> mg.empty((2, 3)).shape
    (2, 3)
    """
    return _new(np.empty(shape, dtype=dtype), constant)


def ones(shape: Any, dtype: Any = np.float32, *, constant: bool | None = None) -> Tensor:
    """A tensor of ones (float32 by default).

    >>> import mygrad as mg
    >>> mg.ones(2)
    Tensor([1., 1.], dtype=float32)
    """
    return _new(np.ones(shape, dtype=dtype), constant)


def zeros(shape: Any, dtype: Any = np.float32, *, constant: bool | None = None) -> Tensor:
    """A tensor of zeros (float32 by default).

    >>> import mygrad as mg
    >>> mg.zeros((1, 2), dtype="float64")
    Tensor([[0., 0.]])
    """
    return _new(np.zeros(shape, dtype=dtype), constant)


def full(shape: Any, fill_value: Any, dtype: Any = None, *, constant: bool | None = None) -> Tensor:
    """A tensor filled with ``fill_value`` (dtype inferred from it by default).

    >>> import mygrad as mg
    >>> mg.full(2, 3.5)
    Tensor([3.5, 3.5])
    """
    return _new(np.full(shape, fill_value._data if isinstance(fill_value, Tensor) else fill_value, dtype=dtype),
                constant)


def _like_constant(other: Any, constant: bool | None) -> bool | None:
    """``*_like`` of a constant tensor is constant; of anything else (a
    non-constant tensor, an ndarray, a list) the dtype decides, as for
    :func:`tensor`. (The reference made ``ones_like(ndarray)`` constant.)"""
    if constant is not None:
        return constant
    if isinstance(other, Tensor) and other._constant:
        return True
    return None


def _proto(a: Any) -> Any:
    return a._data if isinstance(a, Tensor) else a


_NoValue = np._NoValue


def _prototype(other: Any, a: Any, name: str) -> Any:
    """The prototype of a ``*_like`` call: ``other`` (MyGrad 2.x's name) or
    ``a``/``prototype`` (NumPy's)."""
    if a is _NoValue:
        if other is _NoValue:
            raise TypeError(f"{name}() missing 1 required argument: 'other'")
        return other
    if other is not _NoValue:
        raise TypeError(f"{name}() got the prototype twice")
    return a


def empty_like(other: Any = _NoValue, dtype: Any = None, shape: Any = None, *, constant: bool | None = None,
               order: str = "K", subok: bool = True, device: Any = None, prototype: Any = _NoValue) -> Tensor:
    """A new uninitialized tensor with the shape and dtype of ``other``.

    The signature is MyGrad 2.x's (``other, dtype, shape, constant``), with
    NumPy's ``order``/``subok``/``device`` as keywords; ``np.empty_like(t,
    ...)`` takes NumPy's own argument order.
    """
    other = _prototype(other, prototype, "empty_like")
    arr = np.empty_like(_proto(other), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(other, constant))


def ones_like(other: Any = _NoValue, dtype: Any = None, shape: Any = None, *, constant: bool | None = None,
              order: str = "K", subok: bool = True, device: Any = None, a: Any = _NoValue) -> Tensor:
    """A tensor of ones with the shape and dtype of ``other``.

    The signature is MyGrad 2.x's (``other, dtype, shape, constant``), with
    NumPy's ``order``/``subok``/``device`` as keywords; ``np.ones_like(t,
    ...)`` takes NumPy's own argument order.

    >>> import numpy as np, mygrad as mg
    >>> y = mg.ones_like(np.array([1., 2.]))
    >>> y, y.constant
    (Tensor([1., 1.]), False)
    >>> mg.ones_like(other=y, shape=(1, 2))
    Tensor([[1., 1.]])
    """
    other = _prototype(other, a, "ones_like")
    arr = np.ones_like(_proto(other), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(other, constant))


def zeros_like(other: Any = _NoValue, dtype: Any = None, shape: Any = None, *, constant: bool | None = None,
               order: str = "K", subok: bool = True, device: Any = None, a: Any = _NoValue) -> Tensor:
    """A tensor of zeros with the shape and dtype of ``other`` (MyGrad 2.x's
    signature; NumPy's ``order``/``subok``/``device`` as keywords)."""
    other = _prototype(other, a, "zeros_like")
    arr = np.zeros_like(_proto(other), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(other, constant))


def full_like(other: Any = _NoValue, fill_value: Any = _NoValue, dtype: Any = None, shape: Any = None,
              constant: bool | None = None, *, order: str = "K", subok: bool = True, device: Any = None,
              a: Any = _NoValue) -> Tensor:
    """A tensor filled with ``fill_value``, with the shape and dtype of
    ``other`` (MyGrad 2.x's signature, ``constant`` positional as there;
    NumPy's ``order``/``subok``/``device`` as keywords).

    >>> import mygrad as mg
    >>> t = mg.tensor([1., 2.])
    >>> c = mg.full_like(t, 2., None, None, True)
    >>> c, c.constant
    (Tensor([2., 2.]), True)
    """
    other = _prototype(other, a, "full_like")
    if fill_value is _NoValue:
        raise TypeError("full_like() missing 1 required argument: 'fill_value'")
    _check_constant(constant)
    arr = np.full_like(_proto(other), _proto(fill_value), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(other, constant))


# NumPy's own signatures, for ``np.empty_like(t, ...)`` & co (NumPy's positional order)
def numpy_empty_like(prototype, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return empty_like(prototype, dtype, shape, order=order)


def numpy_ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return ones_like(a, dtype, shape, order=order)


def numpy_zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return zeros_like(a, dtype, shape, order=order)


def numpy_full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return full_like(a, fill_value, dtype, shape, order=order)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = float, *, constant: bool | None = None) -> Tensor:
    """A 2-D tensor with ones on the ``k``-th diagonal.

    >>> import mygrad as mg
    >>> mg.eye(2)
    Tensor([[1., 0.],
            [0., 1.]])
    """
    return _new(np.eye(N, M, k=k, dtype=dtype), constant)


def identity(n: int, dtype: Any = float, *, constant: bool | None = None) -> Tensor:
    """The ``n`` x ``n`` identity tensor."""
    return _new(np.identity(n, dtype=dtype), constant)


def arange(*args: Any, constant: bool | None = None, **kwargs: Any) -> Tensor:
    """Evenly spaced values in ``[start, stop)``, with NumPy's calling
    convention: ``arange([start,] stop[, step,], dtype=None)``.

    >>> import mygrad as mg
    >>> mg.arange(3)
    Tensor([0, 1, 2])
    >>> mg.arange(1., 2., 0.5)
    Tensor([1. , 1.5])
    """
    return _new(np.arange(*args, **kwargs), constant)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0, *,
             constant: bool | None = None) -> Tensor:
    """``num`` evenly spaced numbers over ``[start, stop]`` (not differentiable
    with respect to ``start``/``stop``).

    >>> import mygrad as mg
    >>> mg.linspace(0, 1, 3)
    Tensor([0. , 0.5, 1. ])
    """
    return _new(np.linspace(_proto(start), _proto(stop), num, endpoint=endpoint, dtype=dtype, axis=axis), constant)


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10.0, dtype: Any = None,
             axis: int = 0, *, constant: bool | None = None) -> Tensor:
    """Numbers evenly spaced on a log scale (``base ** linspace(start, stop)``)."""
    return _new(np.logspace(_proto(start), _proto(stop), num, endpoint=endpoint, base=base, dtype=dtype,
                            axis=axis), constant)


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0, *,
              constant: bool | None = None) -> Tensor:
    """Numbers evenly spaced on a log scale, from ``start`` to ``stop``."""
    return _new(np.geomspace(_proto(start), _proto(stop), num, endpoint=endpoint, dtype=dtype, axis=axis), constant)


__all__ += [
    "empty", "ones", "zeros", "full", "empty_like", "ones_like", "zeros_like", "full_like",
    "eye", "identity", "arange", "linspace", "logspace", "geomspace",
]
