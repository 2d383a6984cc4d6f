"""``Tensor.__getitem__`` and ``Tensor.__setitem__``.

Basic indexing returns a view tensor; advanced and boolean indexing return a
copy. The gradient scatters back into the indexed positions; repeated
integer indices accumulate (like ``np.add.at``). Assignment is in place (see
:mod:`mygrad._core.inplace`): with repeated indices only the last write of a
position counts, as in NumPy, and only it receives the value's gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._declarations.kinds import Composite
from mygrad._declarations.function import Function
from mygrad._declarations.rules import reads
from mygrad._core.graph import Scatter
from mygrad._core.inplace import assign, setitem
from mygrad._core.tensor import Tensor

__all__ = ["getitem", "copyto", "normalize_key", "is_basic_key"]


def _frozen(k: Any) -> Any:
    # index arrays (and lists, which NumPy reads as arrays) are copied: the
    # recorded op scatters its gradient with this key later, so a caller who
    # reuses the index array must not change where the gradient goes
    if isinstance(k, Tensor):
        return k._data.copy()
    if isinstance(k, np.ndarray):
        return k.copy()
    if type(k) is list:
        return np.array(k)
    return k


def normalize_key(key: Any) -> Any:
    """The key as the op records it: tensors inside an index become copies of
    their arrays, index arrays and lists are copied (basic keys are kept)."""
    if type(key) is tuple:
        return tuple(_frozen(k) for k in key)
    return _frozen(key)


def is_basic_key(key: Any) -> bool:
    """Whether ``key`` uses basic indexing only (ints, slices, None, ...)."""
    items = key if type(key) is tuple else (key,)
    for k in items:
        if k is None or k is Ellipsis or isinstance(k, slice):
            continue
        if isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
            continue
        return False
    return True


def _injective(key: Any) -> bool:
    """No position is selected twice: basic indexing, or one boolean mask."""
    if is_basic_key(key):
        return True
    items = key if type(key) is tuple else (key,)
    advanced = [k for k in items if not (k is None or k is Ellipsis or isinstance(k, slice))]
    return len(advanced) == 1 and np.asarray(advanced[0]).dtype == bool


@reads()  # only the input's shape
def _getitem_grad(g, out, x, key):
    # scattered into the parent's gradient by the core, without a dense zero array
    return Scatter(np.shape(x), key, g, _injective(key))


def _getitem(x, key):
    """``x[key]`` (NumPy indexing)."""
    return x[key]


getitem = Function(
    _getitem,
    [_getitem_grad],
    nin=1,
    name="getitem",
    namespaces=(),
    can_return_view=True,
    conformance={"skip": "exercised by the core's indexing tests"},
)


def _getitem_operator(self: Tensor, key: Any) -> Tensor:
    """``t[key]``: basic indexing gives a view tensor, advanced indexing a copy."""
    return getitem(self, key=normalize_key(key))


def _setitem_operator(self: Tensor, key: Any, value: Any) -> None:
    """``t[key] = value``, in place (see :mod:`mygrad._core.inplace`)."""
    setitem(self, normalize_key(key), value)


def _copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    """Copy ``src`` into ``dst`` (where ``where``), like :func:`numpy.copyto`.

    Into a tensor this is an assignment, recorded like ``dst[...] = src``:
    ``dst`` gets ``src``'s gradient where it was written, and results computed
    from ``dst`` before keep its old values. Into an ndarray it is NumPy's copy
    (a tensor ``src`` gives its values).

    >>> import numpy as np, mygrad as mg
    >>> x, s = mg.tensor([1., 2., 3.]), mg.tensor([7., 8., 9.])
    >>> y = x * 1
    >>> np.copyto(y, s, where=[True, False, True])
    >>> y
    Tensor([7., 2., 9.])
    >>> y.backward()
    >>> x.grad, s.grad
    (array([0., 1., 0.]), array([1., 0., 1.]))
    """
    mask = where._data if isinstance(where, Tensor) else where
    if isinstance(dst, Tensor):
        assign(dst, src, mask=None if mask is True else np.array(mask, dtype=bool), casting=casting)  # a copy: see _frozen
        return None
    np.copyto(dst, src._data if isinstance(src, Tensor) else src, casting=casting, where=mask)
    return None


copyto = Composite(_copyto, name="copyto", namespaces=("mygrad",), numpy=np.copyto,
                   conformance={"skip": "an assignment: exercised by the core's in-place tests"})

getitem_operator = Composite(_getitem_operator, name="getitem_operator", namespaces=(), operators=("__getitem__",))
setitem_operator = Composite(_setitem_operator, name="setitem_operator", namespaces=(), operators=("__setitem__",))

DECLARATIONS = [getitem, getitem_operator, setitem_operator, copyto]
