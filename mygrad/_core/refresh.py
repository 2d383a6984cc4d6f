"""Stale views get new vertices when they are next used.

An in-place write into a root's memory bumps the root's ``version``; each of
its views remembers the version its vertex was made at. A view whose version
is behind is *stale*: its values changed, so before it is used (as an op's
input, as the target of a write, or to backprop from) it gets a new vertex --
its view steps replayed on its parent's current vertex -- and its old vertex
moves to a placeholder for the consumers made before.
"""

from __future__ import annotations

from mygrad._core.graph import next_seq
from mygrad._core.memory_guard import sync
from mygrad._core.modes import MODE
from mygrad._core.state import UNCONSUMED, Vertex, ext, root_of
from mygrad._core.vertices import hand_over, record, set_vertex
from mygrad._core.views import steps_from_parent

__all__ = ["touch", "refresh", "is_stale", "refresh_count"]


class _Count:
    """The number of view refreshes so far (a refresh makes a new vertex that
    reads the view's parent: the in-place machinery checks whether one
    happened while it computed a value)."""

    value = 0


def refresh_count() -> int:
    return _Count.value


def is_stale(v: Vertex) -> bool:
    x = v._ext
    base = x.base
    return base is not None and x.base_version != base._ext.version


def touch(p: Vertex) -> None:
    """Bring a tensor with extension state up to date before it is used."""
    x = p._ext
    base = x.base
    if base is not None and x.base_version != base._ext.version:
        refresh(p)


def refresh(V: Vertex) -> None:
    """Give the stale view ``V`` a new vertex (its view steps replayed on its
    parent's current vertex); its old vertex goes to a placeholder for the
    consumers made before."""
    mode = MODE.get()
    if not mode.track:
        return
    x = V._ext
    parent = x.parent
    if parent._ext is not None:
        touch(parent)
    x.base_version = x.base._ext.version
    if V._constant:
        return
    _Count.value += 1
    # a live graph that reads V's values read them as they are now (a write that
    # changed them would have saved them already): keep them, later writes through
    # the root must not reach them
    hand_over(V, V._data.copy() if V._needs else None, next_seq())
    src = parent
    if parent._grad is UNCONSUMED:  # V's new vertex reads the parent's
        parent._grad = None
    steps = steps_from_parent(V)
    guard = mode.guard
    for i, (op, kwargs) in enumerate(steps):
        plan = (op.table if guard else op.table_off)[1 if src._constant else 2]
        if i == len(steps) - 1:
            set_vertex(V, op, (src,), kwargs, plan, next_seq())
        else:
            hidden = record(type(V), op.forward(src._data, **kwargs), op, (src,), plan, kwargs)
            ext(hidden).hidden = True
            src = hidden
    sync(root_of(V))  # V's needs moved to its placeholder
