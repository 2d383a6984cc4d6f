"""The setters that give a tensor new memory or a new shape: ``t.shape = s``
and ``t.data = array``. Both hand the tensor's current vertex over to a
placeholder (results computed before keep what they read), like an in-place
write (:mod:`mygrad._core.inplace`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._core.graph import next_seq
from mygrad._core.memory_guard import EXPOSED, HIDDEN, add_array, note_inherited_lock, sync
from mygrad._core.modes import MODE
from mygrad._core.refresh import is_stale, refresh, touch
from mygrad._core.state import UNCONSUMED, Vertex, check_dtype, ext, root_of
from mygrad._core.vertices import forget, hand_over, set_vertex
from mygrad._core.views import RESHAPE, live_views, unlink_view

__all__ = ["set_shape", "set_data"]


def _reshaped_view(a: np.ndarray, newshape: Any) -> np.ndarray:
    """``a`` with shape ``newshape``, as a view (errors like NumPy's ``a.shape = ...``)."""
    new = a.reshape(newshape)  # ValueError for a size mismatch, like NumPy
    if new.size and not (new is a or new.base is not None and np.may_share_memory(new, a)):
        raise AttributeError(
            "Incompatible shape for in-place modification. Use `.reshape()` to make a copy with the desired shape."
        )
    if new is a:
        new = a.view()
    return new


def set_shape(t: Vertex, newshape: Any) -> None:
    """``t.shape = newshape``: reshape ``t`` in place, like NumPy (raises like
    NumPy when that needs a copy). Existing views keep their shapes and stay
    linked (they reshape their parent back when replayed). ``t.data`` is a new
    array object over the same memory afterwards."""
    old = t._data
    new = _reshaped_view(old, newshape)
    new_shape = new.shape
    if new_shape == old.shape:
        return
    root = root_of(t)
    mode = MODE.get()
    if not mode.track:
        _swap_array(t, root, old, new)
        return
    if t._ext is not None:
        touch(t)
    seq = next_seq()
    only_successor = t._grad is UNCONSUMED
    # the placeholder keeps the old shape (and, if a live graph reads them, the
    # values: later in-place ops on t will not see it)
    P = hand_over(t, old.copy() if t._needs else None, seq)
    _swap_array(t, root, old, new)
    if root is not t:
        x = t._ext
        x.steps = [*x.steps, (RESHAPE, {"shape": new_shape})]
    ext(root).version += 1  # views of t get new vertices when next used
    if not t._constant:
        set_vertex(t, RESHAPE, (P,), {"shape": new_shape}, (RESHAPE.table if mode.guard else RESHAPE.table_off)[2],
                   seq)
    if root is not t:
        t._ext.base_version = root._ext.version
        t._grad = None
    elif t._op is not None and only_successor:
        # nothing consumed t's old vertex P: only t's new vertex reaches it (see vertices.forget)
        P._grad = UNCONSUMED
    else:
        t._grad = None if t._op is None else UNCONSUMED
    sync(root)


def _swap_array(t: Vertex, root: Vertex, old: np.ndarray, new: np.ndarray) -> None:
    """``t`` now holds ``new`` (a view of ``old``'s memory in another shape)."""
    if not new.flags.writeable and not old.flags.writeable:
        note_inherited_lock(new, old)  # (read-only only while `old` is locked)
    t._data = new
    if root._lock:  # arrays of this memory were handed out: the old one stays covered
        add_array(root, old)
    if t is not root:
        t._lock = HIDDEN  # the new array is not handed out yet


# -------------------------------------------------------------- data setter
def set_data(t: Vertex, value: Any) -> None:
    """``t.data = value``: ``t`` gets new memory.

    ``value`` is validated like the constructor's data (real or boolean
    numbers while tracking; integer data makes ``t`` constant). ``t`` becomes
    a leaf holding the new values: results computed before keep the old
    values (its old vertex moves to a placeholder, as for a whole overwrite),
    and views of ``t`` are detached (each keeps its values, as a copy).
    """
    if isinstance(value, Vertex):
        value = value._data.copy()  # never two tensors over one memory without a view link
    arr = np.asarray(value)
    if arr is t._data:
        return
    tracking = MODE.get().track
    if tracking:
        check_dtype(arr)
    x = t._ext
    if x is not None and x.base is not None:
        raise ValueError(
            "cannot give a view tensor new data: it shares its base's memory; write into it "
            "instead (`v[...] = value`), or make a copy (`v = v.copy()`)"
        )
    handed_in = isinstance(value, np.ndarray) or arr is not value and arr.base is not None
    views = live_views(t)
    if tracking:
        for v in views:
            if is_stale(v):
                refresh(v)  # its vertex must describe the values it keeps
    if tracking and _needshand_over(t):
        old_state = t._lock
        unconsumed = t._grad is UNCONSUMED
        P = hand_over(t, None, next_seq())
        P._data = t._data  # the old array itself: its values are what earlier results read
        x = t._ext
        if old_state:  # arrays of the old memory were handed out: they stay covered, now by P
            px = P._ext
            P._lock, px.exposed, px.held = old_state, x.exposed, x.held
            x.exposed = x.held = None
            t._lock = HIDDEN
            sync(P)
        if unconsumed:  # no op used t's old vertex: nothing can reach it
            forget(t, P)
        x.version += 1
    elif t._ext is not None:
        t._ext.exposed = None  # (not locked: nothing depends on the old memory)
    for v in views:
        unlink_view(v)
    if t._ext is not None:
        t._ext.needy = None
    t._data = arr
    t._lock = EXPOSED if handed_in else HIDDEN
    if arr.dtype.kind != "f" and tracking:
        t._constant = True  # (integer data: a constant, like the constructor makes it)
    if not t._constant and t._grad is not UNCONSUMED and type(t._grad) is not np.ndarray:
        t._grad = UNCONSUMED  # a leaf with new values that no op has used
    sync(t)


def _needshand_over(t: Vertex) -> bool:
    """Whether a live graph may still reach ``t``'s current vertex or values."""
    if t._op is not None or t._needs:
        return True
    x = t._ext
    if x is not None and x.needy:
        return True
    g = t._grad
    return not (t._constant or g is UNCONSUMED or (type(g) is np.ndarray and x is None))
