"""Shape ops that return views when NumPy does: reshape, squeeze, ravel,
expand_dims, broadcast_to, atleast_1d/2d/3d; and ``Tensor.flatten`` (a copy).

Their gradients only reshape (or, for ``broadcast_to``, let the core
sum-reduce); they never read the input's values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._declarations.kinds import Composite
from mygrad._declarations.function import Function
from mygrad._declarations.rules import reads
from mygrad._core.tensor import Tensor

NS = ("mygrad", "mygrad.tensor_manip")


@reads()  # only the input's shape
def _back_to_input_shape(g, out, a, *args, **kwargs):
    return np.reshape(g, np.shape(a))


def _view_fn(forward, **meta) -> Function:
    meta.setdefault("namespaces", NS)
    return Function(forward, [_back_to_input_shape], nin=1, can_return_view=True, **meta)


def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """Give a tensor a new shape without changing its data (a view when
    possible), like :func:`numpy.reshape` (``newshape=`` is MyGrad 2.x's and
    older NumPy's name of ``shape``).

    >>> import mygrad as mg
    >>> mg.reshape(mg.arange(6.), (2, 3))
    Tensor([[0., 1., 2.],
            [3., 4., 5.]])
    >>> mg.reshape(mg.arange(6.), newshape=(3, 2)).shape
    (3, 2)
    """
    if newshape is not None:
        if shape is not None:
            raise TypeError("reshape() got both `shape` and `newshape`; give one")
        shape = newshape
    if shape is None:
        raise TypeError("reshape() needs a shape")
    if copy is None:  # (NumPy < 2.1 has no `copy`)
        return np.reshape(a, shape, order=order)
    return np.reshape(a, shape, order=order, copy=copy)


reshape = _view_fn(_reshape, name="reshape", numpy=np.reshape,
                   conformance={"kwargs": lambda draw, shapes: {"shape": (-1,)}})


def _squeeze(a, axis=None):
    """Remove axes of length one, like :func:`numpy.squeeze`."""
    return np.squeeze(a, axis=axis)


squeeze = _view_fn(_squeeze, name="squeeze", numpy=np.squeeze, methods=("squeeze",))


def _ravel(a, order="C"):
    """A 1-D tensor of the elements (a view when possible), like :func:`numpy.ravel`."""
    return np.ravel(a, order=order)


ravel = _view_fn(_ravel, name="ravel", numpy=np.ravel, methods=("ravel",))


def _expand_dims(a, axis):
    """Insert axes of length one, like :func:`numpy.expand_dims`."""
    return np.expand_dims(a, axis)


expand_dims = _view_fn(_expand_dims, name="expand_dims", numpy=np.expand_dims,
                       conformance={"kwargs": lambda draw, shapes: {"axis": 0}})


@reads()
def _broadcast_grad(g, out, array, shape, subok=False):
    return g  # the core sum-reduces to the input's shape


def _broadcast_to(array, shape, subok=False):
    """A read-only view of a tensor broadcast to ``shape``, like
    :func:`numpy.broadcast_to`."""
    return np.broadcast_to(array, shape, subok=subok)


broadcast_to = Function(_broadcast_to, [_broadcast_grad], nin=1, name="broadcast_to", namespaces=NS,
                        numpy=np.broadcast_to, can_return_view=True, read_only_view=True,
                        conformance={"kwargs": lambda draw, shapes: {"shape": (2, *shapes[0])}})


def _flatten(a, order="C"):
    """A copy of the tensor collapsed into one dimension."""
    return np.asarray(a).flatten(order=order)


flatten = Function(_flatten, [_back_to_input_shape], nin=1, name="flatten", namespaces=(),
                   methods=("flatten",), reference=lambda a: np.ravel(a).copy())


def _make_atleast(n: int, np_func: Any) -> tuple:
    one = _view_fn(lambda a: np_func(a), name=f"atleast_{n}d_one", namespaces=())

    def atleast(*arys: Any, constant: bool | None = None) -> Any:
        results = []
        for a in arys:
            if isinstance(a, Tensor) and a.ndim >= n and constant in (None, a.constant):
                results.append(a)
            else:
                results.append(one(a, constant=constant))
        return results[0] if len(results) == 1 else tuple(results)

    atleast.__name__ = f"atleast_{n}d"
    atleast.__doc__ = (
        f"View inputs as tensors with at least {n} dimension(s), like :func:`numpy.atleast_{n}d`.\n\n"
        "A tensor that already has enough dimensions is returned as is; several inputs give a tuple."
    )
    public = Composite(atleast, namespaces=NS, numpy=np_func, reference=np_func, conformance={"nin": 1})
    return one, public


atleast_1d_one, atleast_1d = _make_atleast(1, np.atleast_1d)
atleast_2d_one, atleast_2d = _make_atleast(2, np.atleast_2d)
atleast_3d_one, atleast_3d = _make_atleast(3, np.atleast_3d)


def _reshape_method(self: Tensor, *shape: Any, order: str = "C", constant: bool | None = None) -> Tensor:
    """``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
    if not shape:
        raise TypeError("reshape() needs a shape: ints or one tuple")
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = shape[0]
    return reshape(self, shape=shape, order=order, constant=constant)


reshape_method = Composite(_reshape_method, name="reshape_method", namespaces=(), methods=("reshape",))

DECLARATIONS = [
    reshape, squeeze, ravel, expand_dims, broadcast_to, flatten, reshape_method,
    atleast_1d_one, atleast_2d_one, atleast_3d_one, atleast_1d, atleast_2d, atleast_3d,
]
