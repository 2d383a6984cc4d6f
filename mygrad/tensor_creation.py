"""Tensor creation routines."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mygrad.tensor_base import Tensor, _check_constant

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


def empty_like(prototype: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None, *,
               device: Any = None, constant: bool | None = None) -> Tensor:
    """A new uninitialized tensor with the shape and dtype of ``prototype``
    (like :func:`numpy.empty_like`)."""
    arr = np.empty_like(_proto(prototype), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(prototype, constant))


def ones_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None, *,
              device: Any = None, constant: bool | None = None) -> Tensor:
    """A tensor of ones with the shape and dtype of ``a`` (like :func:`numpy.ones_like`).

    >>> import numpy as np, mygrad as mg
    >>> y = mg.ones_like(np.array([1., 2.]))
    >>> y, y.constant
    (Tensor([1., 1.]), False)
    """
    arr = np.ones_like(_proto(a), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(a, constant))


def zeros_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None, *,
               device: Any = None, constant: bool | None = None) -> Tensor:
    """A tensor of zeros with the shape and dtype of ``a`` (like :func:`numpy.zeros_like`)."""
    arr = np.zeros_like(_proto(a), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(a, constant))


def full_like(a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
              shape: Any = None, *, device: Any = None, constant: bool | None = None) -> Tensor:
    """A tensor filled with ``fill_value``, with the shape and dtype of ``a``
    (like :func:`numpy.full_like`)."""
    arr = np.full_like(_proto(a), _proto(fill_value), dtype=dtype, order=order, subok=False, shape=shape)
    return _new(arr, _like_constant(a, constant))


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
