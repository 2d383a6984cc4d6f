"""Making and changing graph vertices: a leaf, an op's output (:func:`record`),
the needs a node holds on the values it reads, and the steps of in-place
bookkeeping -- handing a tensor's current vertex to a hidden placeholder,
giving it a new vertex, forgetting a vertex no one can reach.

A vertex is the state of a tensor (:class:`~mygrad._core.state.Vertex`
slots); new vertex objects are made of the class of the tensor they serve
(``cls``), so that this layer never needs the ``Tensor`` class itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._core.graph import History, drop_need, next_seq, release
from mygrad._core.memory_guard import EXPOSED, GUARDED, HIDDEN, sync
from mygrad._core.state import UNCONSUMED, Plan, Vertex, ext

__all__ = ["leaf", "record", "add_need", "note_view_need", "null_input_grad", "hand_over", "forget",
           "set_vertex", "take_over"]

_new = object.__new__


def leaf(cls: type, arr: np.ndarray, constant: bool, owned: bool = True) -> Vertex:
    """A tensor (of class ``cls``) without a creator holding ``arr`` (no
    validation). ``owned``: only mygrad holds ``arr`` (else it was handed in
    or out, and the memory guard covers it)."""
    t = _new(cls)
    t._data = arr
    t._constant = constant
    t._op = None
    t._inputs = None
    t._saved = None
    t._grad = UNCONSUMED  # no op has used it yet (reads as ``grad is None``)
    t._seq = 0
    t._needs = 0
    t._lock = HIDDEN if owned else EXPOSED
    t._plan = None
    t._ext = None
    return t


def record(cls: type, arr: np.ndarray, op: Any, inputs: tuple, plan: Plan, saved: Any,
           owned: bool = True) -> Vertex:
    """A non-constant tensor made by ``op`` from ``inputs``; it takes the
    needs that ``plan`` describes."""
    t = leaf(cls, arr, False, owned)
    t._op = op
    t._inputs = inputs
    t._saved = saved
    t._seq = next_seq()
    t._plan = plan
    unit = plan.unit
    for i in plan.reads:
        add_need(inputs[i], unit)
    if plan.reads_out:
        add_need(t, unit)
    return t


def add_need(p: Vertex, unit: int) -> None:
    """One more live node reads ``p``'s values (``unit``: ``GUARDED`` or
    ``UNGUARDED``; see :mod:`mygrad._core.memory_guard`)."""
    n = p._needs
    p._needs = n + unit
    x = p._ext
    B = None if x is None else x.base
    if B is None:  # a root
        if unit == GUARDED and p._lock == EXPOSED:
            sync(p)
        return
    if n == 0:
        note_view_need(p, 1)
    if unit == GUARDED and B._lock == EXPOSED:
        sync(B)


def note_view_need(p: Vertex, delta: int) -> None:
    """A view started (+1) or stopped (-1) being read by a live graph: its root
    keeps such views, so that an in-place op finds the views whose values it
    must preserve without scanning every view."""
    base = p._ext.base
    if base is not None:
        bx = base._ext
        if delta > 0:
            if bx.needy is None:
                bx.needy = {}
            bx.needy[id(p)] = p
        elif bx.needy:
            bx.needy.pop(id(p), None)


def null_input_grad(p: Vertex) -> None:
    """Auto-nulling: a tensor used as input to a (non-view) op loses its grad."""
    p._grad = None
    x = p._ext
    if x is not None and x.base is not None:
        x.grad_cache = None
        x.grad_nulled_at = x.base._grad


# ------------------------------------------------------ in-place bookkeeping
def hand_over(X: Vertex, saved: np.ndarray | None, seq: int) -> Vertex:
    """Move ``X``'s current vertex into a new hidden placeholder (recorded in
    ``X``'s history at ``seq`` if any op used it) and return the placeholder.

    ``saved``: the values the placeholder must keep, when a live graph reads
    them (the placeholder then remembers the array they were copied from, for
    :class:`~mygrad.Operation`\\ s that kept it). The caller syncs the memory
    guard of ``X``'s family afterwards.
    """
    # a new array object even without a copy: setting X's shape later must not
    # reshape the placeholder's array. Its array is private: nothing to lock.
    P = leaf(type(X), X._data.view() if saved is None else saved, X._constant)
    P._op, P._inputs, P._saved, P._plan, P._seq = X._op, X._inputs, X._saved, X._plan, X._seq
    P._needs = X._needs
    P._grad = X._grad if X._grad is UNCONSUMED else None
    px = ext(P)
    px.hidden = True
    if saved is not None:
        px.live = X._data
    x = ext(X)
    if X._needs and x.base is not None:
        needy = x.base._ext.needy
        if needy:
            needy.pop(id(X), None)
    consumed = X._needs or (X._grad is not UNCONSUMED and not X._constant)
    X._op = X._inputs = X._saved = X._plan = None
    X._needs = 0
    X._seq = seq
    if consumed:
        # consumers made before now are routed to P; a vertex that no op used
        # (and whose values nothing reads) needs no entry: nothing will look for it
        if x.hist is None:
            x.hist = History()
        x.hist.add(seq, P)
    return P


def forget(X: Vertex, P: Vertex) -> None:
    """``X`` got a new vertex before any op used its previous vertex ``P``:
    nothing can reach ``P``, so drop it (and what it holds), and the older
    vertices of ``X`` that only ``P`` could reach."""
    hist = X._ext.hist
    if hist is not None:
        hist.remove(P)
    verts = hist.verts if hist is not None else []
    inputs = P._inputs or ()
    release(P, alive=True)
    P._op = P._inputs = None
    sync(P)  # (a placeholder that holds handed-out memory: a leaf now, nothing reads it)
    for q in inputs:
        # an older placeholder of X that nothing but its successor P consumed
        if getattr(q, "_grad", None) is UNCONSUMED and any(v is q for v in verts):
            forget(X, q)


def set_vertex(X: Vertex, op: Any, inputs: tuple, saved: Any, plan: Plan, seq: int) -> None:
    """Give ``X`` a new vertex: made by ``op`` from ``inputs`` at ``seq``."""
    X._op, X._inputs, X._saved, X._plan, X._seq = op, inputs, saved, plan, seq
    X._grad = UNCONSUMED
    for p in inputs:
        if getattr(p, "_grad", None) is UNCONSUMED:
            p._grad = None
    unit = plan.unit
    for i in plan.reads:
        add_need(inputs[i], unit)
    if plan.reads_out:
        add_need(X, unit)


def take_over(B: Vertex, value: Vertex) -> None:
    """``B`` becomes the output of ``value``'s op (a whole-tensor update
    with a value computed for it)."""
    plan = value._plan
    B._op, B._inputs, B._saved, B._plan, B._seq = value._op, value._inputs, value._saved, plan, value._seq
    value._plan = None  # its needs now belong to B
    value._op = value._inputs = None
    if plan.reads_out:
        drop_need(value, plan.unit)
        add_need(B, plan.unit)
