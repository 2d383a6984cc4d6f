"""Views and gradient views.

A tensor made by a view-capable op (``can_return_view``) whose array is a
NumPy view of an input tensor's array is a *view tensor*:

* ``view.base`` is the root tensor whose memory it shares (views of views
  point to the root);
* it remembers how it was made from its parent (view steps ``(op, kwargs)``,
  and the parent's shape at that time), so the same view can be *replayed* on
  other arrays: on the root's gradient (``view.grad`` is that view of
  ``base.grad``, so ``view.grad.base is base.grad``), and on the parent's new
  graph vertex after an in-place operation changed the memory (see
  :mod:`mygrad._core.refresh`: a view whose root was mutated since its vertex
  was made is *stale*, and gets a new vertex when it is next used).

A view step is ``(op, kwargs)`` where ``op`` has ``forward(array, **kwargs)``
(NumPy only), ``table``/``table_off`` (its :class:`~mygrad._core.state.Plan`
per input state, with the memory guard on/off) and, as a graph vertex's op,
``backprop(tensor, grad)``. The view ops that packs declare are such objects;
so is :data:`RESHAPE`, which the core itself needs (the shape setter, and a
view whose parent's shape was set since).

Views hold their parents; a root lists its views weakly (a dead view leaves
no trace). Unlike the reference implementation, views never disconnect: like
NumPy, a view writes through to its base before and after ``backward()``.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from mygrad._core.graph import accumulate
from mygrad._core.state import GUARDED, UNCONSUMED, UNGUARDED, Lock, Plan, Vertex, ext, root_of

__all__ = ["ext", "link_view", "view_grad", "chain_to", "replay", "root_of", "is_view_of", "steps_from_parent",
           "live_views", "unlink_view", "RESHAPE"]


class _Reshape:
    """The view step "reshape to ``shape``" (whose gradient reshapes back)."""

    name = "reshape"
    can_return_view = True
    table = [Plan((), (), False, GUARDED), Plan((), (), False, GUARDED), Plan((0,), (), False, GUARDED)]
    table_off = [Plan((), (), False, UNGUARDED), Plan((), (), False, UNGUARDED), Plan((0,), (), False, UNGUARDED)]

    @staticmethod
    def forward(a: np.ndarray, shape: tuple) -> np.ndarray:
        return np.reshape(a, shape)

    def backprop(self, t: Vertex, g: np.ndarray) -> None:
        p = t._inputs[0]
        accumulate(p, g.reshape(p._data.shape), g, self, 0)

    def __repr__(self) -> str:
        return "<mygrad view step 'reshape'>"


RESHAPE = _Reshape()


def is_view_of(arr: np.ndarray, parent_arr: np.ndarray) -> bool:
    """Whether NumPy's ``arr`` is a view into ``parent_arr``'s memory."""
    b = arr.base
    if b is None:
        return False
    return b is parent_arr or (parent_arr.base is not None and b is parent_arr.base)


def link_view(out: Vertex, parent: Vertex, steps: list) -> None:
    """Make ``out`` a view tensor of ``parent`` made by ``steps``."""
    x = ext(out)
    px = ext(parent)
    base = px.base if px.base is not None else parent
    x.base = base
    x.parent = parent
    x.parent_shape = parent._data.shape
    x.steps = steps
    bx = ext(base)
    x.base_version = bx.version
    views = bx.views
    if views is None:
        views = bx.views = weakref.WeakValueDictionary()  # (a view that dies leaves no trace)
    views[id(out)] = out


def live_views(t: Vertex) -> list:
    """The views of root ``t`` that are alive and still linked to it."""
    x = t._ext
    if x is None or not x.views:
        return []
    return [v for v in list(x.views.values()) if v._ext is not None and v._ext.base is t]


def unlink_view(v: Vertex) -> None:
    """Detach view ``v`` from its base: it keeps its values (a copy) and its
    graph vertex, and gets its own memory and gradient."""
    x = v._ext
    v._data = v._data.copy()
    x.base = x.parent = x.steps = x.parent_shape = None
    x.base_version = 0
    x.grad_cache = x.grad_nulled_at = None
    v._lock = Lock.HIDDEN


def steps_from_parent(v: Vertex) -> list:
    """``v``'s view steps from its parent's *current* array: if the parent's
    shape was set since, reshape it back first."""
    x = v._ext
    if x.parent._data.shape != x.parent_shape:
        return [(RESHAPE, {"shape": x.parent_shape}), *x.steps]
    return x.steps


def chain_to(v: Vertex) -> list:
    """The view steps from ``v``'s root down to ``v``."""
    steps: list = []
    t = v
    while True:
        x = t._ext
        if x is None or x.base is None:
            break
        steps[:0] = steps_from_parent(t)
        t = x.parent
    return steps


def replay(arr: np.ndarray, steps: list) -> np.ndarray:
    """Apply view steps to an array (NumPy only)."""
    for op, kwargs in steps:
        arr = op.forward(arr, **kwargs)
    return arr


def _same_layout(a: np.ndarray, b: np.ndarray) -> bool:
    return a.strides == b.strides or a.size <= 1


def view_grad(v: Vertex) -> Any:
    """``v.grad`` for a view: the matching view of its base's gradient."""
    x = v._ext
    base = x.base
    bg = base._grad
    if bg is None or bg is UNCONSUMED or x.grad_nulled_at is bg:
        return None
    cache = x.grad_cache
    if cache is not None and cache[0] is bg:
        return cache[1]
    if bg.base is not None or not bg.flags.writeable or not _same_layout(bg, base._data):
        # give the base's gradient an array of its own with its data's memory
        # layout, so that every view replayed on it is a true, writeable view
        # (view.grad.base is base.grad)
        own = np.empty_like(base._data, dtype=bg.dtype)
        own[...] = bg
        base._grad = bg = own
    g = replay(bg, chain_to(v))
    x.grad_cache = (bg, g)
    return g

