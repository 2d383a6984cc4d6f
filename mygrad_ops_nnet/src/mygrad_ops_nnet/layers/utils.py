"""``sliding_window_view`` (public as ``mygrad.sliding_window_view`` and
``mygrad.nnet.layers.utils.sliding_window_view``) and the argument checks
that the layers share.

``sliding_window_view`` is a NumPy-only utility: it takes an array and returns
a read-only strided view of it; it is not differentiable.
"""

from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided

from mygrad.plugin import export

__all__ = ["sliding_window_view", "int_tuple", "window_grid", "DECLARATIONS"]


def _is_int(v: Any) -> bool:
    return isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, (bool, np.bool_))


def int_tuple(value: Any, n: int, name: str, minimum: int, *, allow_scalar: bool = True) -> tuple:
    """``value`` (an int, or a sequence of ``n`` ints) as a tuple of ``n``
    ints, each at least ``minimum``.

    Raises ``TypeError`` for entries that are not integers and ``ValueError``
    for a wrong length or an entry below ``minimum``.

    >>> int_tuple(2, 3, "stride", 1)
    (2, 2, 2)
    >>> int_tuple([1, 2], 2, "stride", 1)
    (1, 2)
    """
    if _is_int(value):
        if not allow_scalar:
            raise TypeError(f"`{name}` must be a sequence of integers, got {value!r}")
        values = (int(value),) * n
    else:
        if isinstance(value, np.ndarray) and value.ndim != 1:
            raise ValueError(f"`{name}` must be an integer or a 1-D sequence of integers, got shape {value.shape}")
        try:
            values = tuple(value)
        except TypeError:
            raise TypeError(f"`{name}` must be an integer or a sequence of integers, got {value!r}") from None
        if not all(_is_int(v) for v in values):
            raise TypeError(f"`{name}` must contain only integers, got {value!r}")
        values = tuple(int(v) for v in values)
        if len(values) != n:
            raise ValueError(f"`{name}` must have {n} entr{'y' if n == 1 else 'ies'} (one per windowed axis), "
                             f"got {len(values)}: {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"every entry of `{name}` must be at least {minimum}, got {value!r}")
    return values


def window_grid(sizes: Sequence[int], window: Sequence[int], step: Sequence[int],
                dilation: Sequence[int]) -> tuple:
    """The number of window positions along each axis (may be < 1 when a
    window does not fit)."""
    return tuple((x - ((w - 1) * d + 1)) // s + 1 for x, w, s, d in zip(sizes, window, step, dilation))


def _window_ints(value: Any, k: int, name: str) -> tuple:
    """``step``/``dilation`` of :func:`sliding_window_view` as ``k`` positive
    ints: ``TypeError`` if it is neither an int nor a sequence, ``ValueError``
    for a sequence with entries that are not positive ints or of another length."""
    if _is_int(value):
        values = (int(value),) * k
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"`{name}` must be a positive integer or a sequence of positive integers, got {value!r}")
    else:
        values = tuple(value)
        if not all(_is_int(v) for v in values):
            raise ValueError(f"`{name}` must be a positive integer or a sequence of positive integers, "
                             f"got {value!r}")
        values = tuple(int(v) for v in values)
        if len(values) != k:
            raise ValueError(f"`{name}` must have {k} entr{'y' if k == 1 else 'ies'} (one per windowed axis), "
                             f"got {len(values)}: {value!r}")
    if any(v < 1 for v in values):
        raise ValueError(f"every entry of `{name}` must be a positive integer, got {value!r}")
    return values


def sliding_window_view(arr: Any, window_shape: Any, step: Any, dilation: Any = None) -> np.ndarray:
    """A read-only view of ``arr`` as windows that slide over its trailing
    axes.

    Parameters
    ----------
    arr : array_like
        The array to view (a copy is made only for array-likes that are not
        arrays).
    window_shape : Sequence[int]
        The window's size along each of the ``len(window_shape)`` trailing
        axes of ``arr`` (positive).
    step : int or Sequence[int]
        The stride of the window along each of those axes (positive).
    dilation : None, int or Sequence[int], optional (default 1)
        The spacing between a window's elements along each of those axes.

    Returns
    -------
    numpy.ndarray
        A read-only view of shape ``(G0, ..., leading axes of arr...,
        W0, ...)``, where ``Gi = (Xi - ((Wi - 1) * Di + 1)) // Si + 1`` is
        the number of window positions along windowed axis ``i``.
        ``out[g0, g1, ..., ...]`` is the window at grid position ``(g0, g1, ...)``.

    Raises
    ------
    TypeError
        if ``window_shape`` is not a sequence of positive integers (a bare
        int included), or ``step``/``dilation`` is neither an integer nor a
        sequence (as in MyGrad 2.x).
    ValueError
        if an entry of ``step``/``dilation`` is not a positive integer, the
        lengths disagree, ``window_shape`` is empty or has more entries than
        ``arr`` has axes, or a (dilated) window is larger than the axis it
        slides over.

    Examples
    --------
    >>> import numpy as np
    >>> import mygrad as mg
    >>> x = np.arange(10).reshape(2, 5)
    >>> w = mg.sliding_window_view(x, window_shape=(3,), step=2)
    >>> w.shape  # 2 window positions, 2 rows, windows of 3
    (2, 2, 3)
    >>> w[1]
    array([[2, 3, 4],
           [7, 8, 9]])
    >>> mg.sliding_window_view(np.arange(6), (2,), 1, dilation=3)
    array([[0, 3],
           [1, 4],
           [2, 5]])
    """
    arr = np.asarray(arr)
    # (MyGrad 2.x's error types: a window that is not a sequence of positive
    # integers is a TypeError; bad entries of a step or dilation sequence are
    # ValueErrors, a step or dilation that is neither an int nor a sequence a
    # TypeError)
    if _is_int(window_shape) or isinstance(window_shape, (str, bytes)) or not hasattr(window_shape, "__iter__"):
        raise TypeError(f"`window_shape` must be a sequence of positive integers, got {window_shape!r}")
    window = tuple(window_shape)
    if not all(_is_int(w) and w > 0 for w in window):
        raise TypeError(f"`window_shape` must be a sequence of positive integers, got {window_shape!r}")
    window = tuple(int(w) for w in window)
    k = len(window)
    if k == 0:
        raise ValueError("`window_shape` must have at least one entry")
    if k > arr.ndim:
        raise ValueError(f"`window_shape` {window} has {k} entries but the array has only {arr.ndim} "
                         f"dimension(s) (shape {arr.shape})")
    steps = _window_ints(step, k, "step")
    dil = (1,) * k if dilation is None else _window_ints(dilation, k, "dilation")
    sizes = arr.shape[arr.ndim - k:]
    grid = window_grid(sizes, window, steps, dil)
    if any(g < 1 for g in grid):
        spans = tuple((w - 1) * d + 1 for w, d in zip(window, dil))
        raise ValueError(f"the window (shape {window}, dilation {dil}, spanning {spans}) does not fit in the "
                         f"windowed axes of the array (sizes {sizes})")
    lead = arr.shape[: arr.ndim - k]
    strides = arr.strides
    lead_strides, win_strides = strides[: arr.ndim - k], strides[arr.ndim - k:]
    shape = (*grid, *lead, *window)
    new_strides = (*(s * st for s, st in zip(win_strides, steps)), *lead_strides,
                   *(s * d for s, d in zip(win_strides, dil)))
    return as_strided(arr, shape=shape, strides=new_strides, writeable=False)


DECLARATIONS = [export("sliding_window_view", sliding_window_view, namespaces=("mygrad", "mygrad.nnet.layers.utils"))]
