"""Tensor creation routines."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mygrad.tensor import Tensor, _check_constant

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
