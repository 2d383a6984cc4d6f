"""Transpose-like view ops: transpose (and ``Tensor.T``), moveaxis, swapaxes."""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._declarations.kinds import Composite
from mygrad._declarations.function import Function
from mygrad._declarations.rules import reads
from mygrad._core.tensor import Tensor

NS = ("mygrad", "mygrad.tensor_manip")


@reads()  # only the input's number of dimensions
def _transpose_grad(g, out, a, axes=None):
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort(np.asarray(axes) % max(np.ndim(a), 1)))


def _transpose(a, axes=None):
    """Permute the axes (reverse them by default), like :func:`numpy.transpose`.

    >>> import mygrad as mg
    >>> mg.transpose(mg.tensor([[1., 2.]]))
    Tensor([[1.],
            [2.]])
    """
    return np.transpose(a, axes)


_transpose_op = Function(_transpose, [_transpose_grad], nin=1, name="transpose_axes", namespaces=(),
                         can_return_view=True)


def _axes_of(axes: tuple) -> Any:
    """``()`` / ``(None,)`` -> None; ``((1, 0),)`` -> (1, 0); ``(1, 0)`` -> (1, 0)."""
    if not axes or (len(axes) == 1 and axes[0] is None):
        return None
    if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
        return tuple(axes[0])
    return tuple(axes)


def _transpose_public(a: Any, *axes: Any, constant: bool | None = None, **kwargs: Any) -> Tensor:
    """Permute the axes (reverse them by default), like :func:`numpy.transpose`;
    the axes may also be given as separate arguments (``transpose(t, 1, 2, 0)``).

    >>> import mygrad as mg
    >>> mg.transpose(mg.ones((2, 3, 4)), 1, 2, 0).shape
    (3, 4, 2)
    """
    if "axes" in kwargs:
        if axes:
            raise TypeError("transpose() got the axes both positionally and as `axes=`")
        axes = (kwargs.pop("axes"),)
    if kwargs:
        raise TypeError(f"transpose() got unexpected keyword argument(s) {', '.join(map(repr, kwargs))}")
    return _transpose_op(a, axes=_axes_of(axes), constant=constant)


transpose = Composite(_transpose_public, name="transpose", namespaces=NS, numpy=np.transpose,
                      reference=np.transpose, conformance={"nin": 1})


def _moveaxis(a, source, destination):
    """Move axes to new positions, like :func:`numpy.moveaxis`."""
    return np.moveaxis(a, source, destination)


moveaxis = Function(_moveaxis, [reads()(lambda g, out, a, source, destination: np.moveaxis(g, destination, source))],
                    nin=1, name="moveaxis", namespaces=NS, numpy=np.moveaxis, can_return_view=True,
                    methods=("moveaxis",), conformance={"kwargs": lambda draw, shapes: {"source": 0, "destination": -1}})


def _swapaxes(a, axis1, axis2):
    """Interchange two axes, like :func:`numpy.swapaxes`."""
    return np.swapaxes(a, axis1, axis2)


swapaxes = Function(_swapaxes, [reads()(lambda g, out, a, axis1, axis2: np.swapaxes(g, axis1, axis2))],
                    nin=1, name="swapaxes", namespaces=NS, numpy=np.swapaxes, can_return_view=True,
                    methods=("swapaxes",), conformance={"kwargs": lambda draw, shapes: {"axis1": 0, "axis2": -1}})


def _transpose_method(self: Tensor, *axes: Any, constant: bool | None = None) -> Tensor:
    """``t.transpose()``, ``t.transpose(1, 0)`` or ``t.transpose((1, 0))``."""
    return _transpose_op(self, axes=_axes_of(axes), constant=constant)


def _T(self: Tensor) -> Tensor:
    """The transposed tensor (a view, like ``ndarray.T``)."""
    return _transpose_op(self)


transpose_method = Composite(_transpose_method, name="transpose_method", namespaces=(), methods=("transpose",))
T = Composite(_T, name="T", namespaces=(), methods=("T",))

DECLARATIONS = [_transpose_op, transpose, moveaxis, swapaxes, transpose_method, T]
