"""Views and gradient views.

A tensor made by a view-capable op (``can_return_view``) whose array is a
NumPy view of an input's array is a *view tensor*:

* ``view.base`` is the root tensor whose memory it shares (views of views
  point to the root);
* it remembers how it was made from its parent (a list of view steps
  ``(op, kwargs)``), so the same view can be *replayed* on other arrays: on the
  base's gradient (``view.grad`` is that view of ``base.grad``, so
  ``view.grad.base is base.grad``), and on the base's new graph vertex after an
  in-place operation (see :mod:`mygrad._inplace`);
* its parent keeps a weak set of its direct view children, so that an
  in-place operation can find every live view of a base. Views that nobody
  references disappear from it: the bookkeeping stays bounded.

Unlike the reference implementation, views never disconnect: like NumPy,
a view writes through to its base before and after ``backward()``.
"""

from __future__ import annotations

import weakref
from typing import Any, Iterator

import numpy as np

from mygrad import tensor as _tensor_mod
from mygrad.tensor import Tensor, _Ext

__all__ = ["ext", "link_view", "view_grad", "chain_to", "replay", "live_views", "root_of", "is_view_of"]

_ndarray = np.ndarray


def ext(t: Tensor) -> _Ext:
    """``t``'s extension record, created on first use."""
    x = t._x
    if x is None:
        x = t._x = _Ext()
    return x


def root_of(t: Tensor) -> Tensor:
    x = t._x
    if x is not None and x.base is not None:
        return x.base
    return t


def is_view_of(arr: np.ndarray, parent_arr: np.ndarray) -> bool:
    """Whether NumPy's ``arr`` is a view into ``parent_arr``'s memory."""
    b = arr.base
    if b is None:
        return False
    return b is parent_arr or (parent_arr.base is not None and b is parent_arr.base)


class ViewSet(dict):
    """Weak references to a tensor's direct views, keyed by ``id``; a view that
    is garbage-collected removes itself (tensors are unhashable, so no WeakSet)."""

    __slots__ = ("__weakref__",)

    def add(self, t: Tensor) -> None:
        key = id(t)
        me = weakref.ref(self)

        def gone(_ref: Any, key: int = key) -> None:
            views = me()
            if views is not None:
                views.pop(key, None)

        self[key] = weakref.ref(t, gone)

    def __iter__(self) -> Iterator[Tensor]:  # type: ignore[override]
        for ref in list(self.values()):
            t = ref()
            if t is not None:
                yield t


def link_view(out: Tensor, parent: Tensor, steps: list) -> None:
    """Make ``out`` a view tensor of ``parent`` made by ``steps``."""
    x = ext(out)
    px = ext(parent)
    x.base = px.base if px.base is not None else parent
    x.parent = parent
    x.vops = steps
    views = px.views
    if views is None:
        views = px.views = ViewSet()
    views.add(out)


def chain_to(v: Tensor) -> list:
    """The view steps from ``v``'s root down to ``v``."""
    steps: list = []
    t = v
    while True:
        x = t._x
        if x is None or x.base is None:
            break
        steps[:0] = x.vops
        t = x.parent
    return steps


def replay(arr: np.ndarray, steps: list) -> np.ndarray:
    """Apply view steps to an array (NumPy only)."""
    for op, kwargs in steps:
        arr = op.forward(arr, **kwargs)
    return arr


def live_views(root: Tensor) -> list:
    """Every live view tensor of ``root`` (parents before children)."""
    out: list = []
    stack = [root]
    while stack:
        t = stack.pop()
        x = t._x
        if x is None or not x.views:
            continue
        children = list(x.views)
        out.extend(children)
        stack.extend(children)
    return out


def _same_layout(a: np.ndarray, b: np.ndarray) -> bool:
    return a.strides == b.strides or a.size <= 1


def view_grad(v: Tensor) -> Any:
    """``v.grad`` for a view: the matching view of its base's gradient."""
    x = v._x
    base = x.base
    bg = base._grad
    if bg is None or x.gnull is bg:
        return None
    cache = x.gcache
    if cache is not None and cache[0] is bg:
        return cache[1]
    if bg.base is not None or not _same_layout(bg, base._data):
        # give the base's gradient its data's memory layout, so that every view
        # replayed on it is a true view (view.grad.base is base.grad)
        own = np.empty_like(base._data, dtype=bg.dtype)
        own[...] = bg
        base._grad = bg = own
    g = replay(bg, chain_to(v))
    x.gcache = (bg, g)
    return g


def iter_views(t: Tensor) -> Iterator[Tensor]:
    x = t._x
    if x is not None and x.views:
        yield from list(x.views)


_tensor_mod._VIEW_GRAD[0] = view_grad
