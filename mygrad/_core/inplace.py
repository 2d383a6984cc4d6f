"""In-place operations: ``x += y``, ``x[idx] = v``, ``np.f(..., out=x)``,
``np.copyto(x, v)``.

Like NumPy, an in-place operation writes into the target's existing memory:
the target keeps its identity, the write goes through to its base and every
view of it, and ndarray views of ``x.data`` taken earlier see it.

For backprop, every tensor is a graph vertex; a write gives the written
memory's root ``B`` a new vertex (:func:`mutate`, in four steps):

1. *value*: the value is computed, with tracking, from the current
   (pre-mutation) vertices, so ``x += x`` and ``x[...] = x[::-1]`` read the
   old values;
2. *preserve*: the values that a live graph reads and the write would change
   (``B``'s, and those of its views that overlap the target) are copied;
   data that no graph reads is never copied;
3. *write*: the new values go into the target's memory;
4. *hand over and record*: ``B`` (and each changed view that a graph reads)
   hands its current vertex to a hidden placeholder -- consumers made before
   reach it through ``B``'s history (:class:`~mygrad._core.graph.History`) --
   and ``B`` gets its new vertex:

   ===================  ==============================================  =========================  ======================
   case                 when                                            B's new vertex             the placeholder
   ===================  ==============================================  =========================  ======================
   constant target      ``B`` is a constant                             none (a constant leaf)     kept for its readers
   take-over            whole ``B`` written, no index or mask, with a   the value's own op         forgotten if unused
                        value computed here by one op of ``B``'s shape
   constant overwrite   whole ``B`` written with a constant value       none (``B`` is a leaf)     forgotten if unused
   region               anything else                                   ``SetRegion(P_B, value)``  routed to by history
   ===================  ==============================================  =========================  ======================

   Views of ``B`` are stale afterwards; each gets a new vertex when next used
   (:mod:`mygrad._core.refresh`).

An op that fails leaves everything as it was: nothing is changed before the
new value has been computed and the write has succeeded.

A write that no live graph depends on skips all of this (:func:`_untracked_root`):
it costs what NumPy's write costs and keeps a leaf a leaf.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mygrad._core.graph import accumulate, next_seq, resolve, resolve_one
from mygrad._core.memory_guard import _REG, depended_on, snapshot_mask, sync
from mygrad._core.modes import MODE
from mygrad._core.refresh import refresh_count, touch
from mygrad._core.state import UNCONSUMED, Plan, Vertex, ext, plan_unit, root_of
from mygrad._core.vertices import forget, hand_over, leaf, null_input_grad, set_vertex, take_over
from mygrad._core.views import chain_to, replay
from mygrad._core.writes import NOKEY, covers_all, data_of, is_basic, last_write_mask, write, write_untracked

__all__ = ["mutate", "assign", "setitem", "inplace_ufunc", "inplace_operator", "assign_result", "SET_REGION"]


# ------------------------------------------------------------ SetRegion op
class _SetRegion:
    """``B_new = P_B`` with the target region (view ``steps``, then ``key``,
    optionally masked) replaced by ``N``."""

    name = "set_region"

    def backprop(self, t: Vertex, g: np.ndarray) -> None:
        p, n = t._inputs
        steps, key, mask, last = t._saved
        grads = t._plan.grads
        x = t._ext
        owned = x is not None and x.hidden
        G = g if owned and g.flags.writeable else g.copy()
        if owned:
            t._grad = None
        region = replay(G, steps)
        if 1 in grads:
            gn = region if key is NOKEY else region[key]
            if mask is not None:
                gn = np.where(mask, gn, 0)
            if last is not None:
                gn = gn * last
            accumulate(n, gn, None, self, 1)  # (a view of G, zeroed below: copied)
        if 0 in grads:
            if key is not NOKEY:
                region[key] = 0
            elif mask is None:
                region[...] = 0
            else:
                np.copyto(region, 0, where=mask)
            accumulate(p, G, None, self, 0)


SET_REGION = _SetRegion()


# --------------------------------------------------------------- mutate
def mutate(target: Vertex, value_fn: Callable[[], Any], *, key: Any = NOKEY, mask: Any = None,
           casting: str = "same_kind", single: bool = False, fresh: bool = True) -> Vertex:
    """Write the value ``value_fn()`` into ``target`` (at ``key``, where
    ``mask``), recording the mutation for backprop. Returns ``target``.

    ``fresh``: the value is computed by ``value_fn`` (not a tensor of the
    user's), so a whole-tensor update may take over its graph vertex.
    ``single``: ``value_fn`` records at most one op (whose inputs can then be
    routed to the target's old vertex right away, instead of through the
    target's history).
    """
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
    if not MODE.get().track:
        _write_untracked_mode(target, data_of(value_fn()), key, mask, casting)
        return target
    value, only_successor = _compute_value(target, value_fn)
    B = root_of(target)
    unconsumed, seq, P_B = _preserve_write_hand_over(target, B, value, key, mask, casting)
    if not B._constant:
        _record_vertex(target, B, value, P_B, seq, key=key, mask=mask, fresh=fresh, single=single,
                       unconsumed=unconsumed, only_successor=only_successor)
    for X in (B, target):
        X._grad = None
        if X._ext is not None:
            X._ext.grad_cache = None
    if not B._constant:
        B._grad = UNCONSUMED  # B's new vertex (or B, a leaf again) is unused so far
    sync(B)  # B's vertex and the needs on its memory changed
    return target


def _write_untracked_mode(target: Vertex, value: Any, key: Any, mask: Any, casting: str) -> None:
    """A write inside ``no_autodiff``: refused where it could not be recorded."""
    B = root_of(target)
    if depended_on(B):
        raise ValueError(
            "cannot write in place inside `no_autodiff`: a live computational graph depends on "
            "this tensor's memory, and the write would not be recorded (backprop or clear that "
            "graph first, or write outside `no_autodiff`)"
        )
    write(target._data, key, value, mask, casting, B)


def _compute_value(target: Vertex, value_fn: Callable[[], Any]) -> tuple[Vertex, bool]:
    """Step 1: the value, as a tensor made from the current vertices; and
    whether only B's next vertex (and the value's own op) can reach B's
    current vertex (no op used it, and no stale view was refreshed from it
    meanwhile)."""
    if target._ext is not None:
        touch(target)
    only_successor = root_of(target)._grad is UNCONSUMED
    refreshes = refresh_count()
    value = value_fn()
    if not isinstance(value, Vertex):
        arr = np.asarray(value)
        value = leaf(type(target), arr, True, owned=arr is not value)
    elif value._ext is not None:
        touch(value)
    if refresh_count() != refreshes:
        only_successor = False
    B = root_of(target)
    if value is B and B._grad is UNCONSUMED:  # `x[...] = x`: the write reads x's current vertex
        B._grad = None
    return value, only_successor


def _preserve_write_hand_over(target: Vertex, B: Vertex, value: Vertex, key: Any, mask: Any,
                              casting: str) -> tuple[bool, int, Vertex]:
    """Steps 2-4a: copy what live graphs read, write, hand the changed
    vertices over to placeholders. Returns ``(B unconsumed, seq, P_B)``."""
    bx = ext(B)
    dest = target._data
    needy = []
    if bx.needy:
        needy = [v for v in bx.needy.values() if np.may_share_memory(v._data, dest)]
    saved_B = B._data.copy() if B._needs > 0 else None
    saved = [(v, v._data.copy()) for v in needy]
    write(dest, key, value._data, mask, casting, B)
    unconsumed = B._grad is UNCONSUMED
    seq = next_seq()
    P_B = hand_over(B, saved_B, seq)
    for v, arr in saved:
        hand_over(v, arr, seq)
    bx.version += 1  # every view of B is now stale: it gets a new vertex when next used
    return unconsumed, seq, P_B


def _record_vertex(target: Vertex, B: Vertex, value: Vertex, P_B: Vertex, seq: int, *, key: Any, mask: Any,
                   fresh: bool, single: bool, unconsumed: bool, only_successor: bool) -> None:
    """Step 4b: B's new vertex (the decision table in the module docs)."""
    n = resolve_one(value, seq - 1)  # the value as it was before the write (`x[...] = x`)
    whole = target is B and mask is None and (key is NOKEY or covers_all(key))
    if fresh and key is NOKEY and whole and n is value and value._op is not None \
            and value._data.shape == B._data.shape:  # take-over
        take_over(B, value)
        resolve(B)  # `x += x`: its inputs are the old x, not x itself (no self-reference)
        if not any(p is P_B for p in B._inputs):
            if unconsumed:
                forget(B, P_B)
        elif only_successor:  # only the value's op (and so B's new vertex) uses P_B
            P_B._grad = UNCONSUMED
            if single:  # ... and it was resolved above: nothing looks P_B up
                _unrecord(B, P_B)
        return
    if whole and value._constant:  # constant overwrite: B is a leaf now
        if unconsumed:
            forget(B, P_B)
        return
    steps = chain_to(target) if target is not B else []  # region
    last = None
    if key is not NOKEY and not is_basic(key):
        last = last_write_mask(target._data.shape, key, value._data.shape)
    grads = tuple(i for i, v in enumerate((P_B, n)) if isinstance(v, Vertex) and not v._constant)
    if 1 in grads:
        null_input_grad(n)  # the value is an input of B's new vertex (auto-nulling)
    plan = Plan(grads, (), False, plan_unit(MODE.get().guard))
    set_vertex(B, SET_REGION, (P_B, n), (steps, key, mask, last), plan, seq)
    if only_successor:  # P_B's consumers: B's new vertex (and maybe the value's op)
        P_B._grad = UNCONSUMED
        if single:
            if n._op is not None:
                resolve(n)  # route the value's op to P_B now: nothing looks P_B up
            _unrecord(B, P_B)


def _unrecord(X: Vertex, P: Vertex) -> None:
    """No consumer will look ``P`` up in ``X``'s history."""
    hist = X._ext.hist
    if hist is not None:
        hist.remove(P)


# ----------------------------------------------------------- untracked writes
def _untracked_root(target: Vertex, operands: tuple) -> Vertex | None:
    """``target``'s root ``B`` when an in-place write into ``target`` can skip
    the graph entirely (it then costs what NumPy's write costs), else None.

    That is when no live graph depends on what the write changes: no node
    reads ``B``'s values (nor those of a view of it), and either ``B`` is a
    constant, or ``B`` is a leaf that no op has used since it got its current
    value, written as a whole tensor (not through a view), from operands that
    need no gradient. Such a ``B`` stays a leaf: the gradient of its old
    value would reach nobody anyway.
    """
    x = target._ext
    B = target if x is None or x.base is None else x.base
    if B._needs or not target._data.flags.writeable or (B._lock and _REG):
        return None  # (memory handed out while locks exist: the write checks who else reads it)
    bx = B._ext
    if bx is not None and bx.needy:
        return None
    if not B._constant:
        g = B._grad
        # a gradient array (and no views) means that no op used B since the
        # backward that set it: that backward cleared every graph through B
        if B is not target or B._op is not None or not (
                g is UNCONSUMED or (type(g) is np.ndarray and B._ext is None)):
            return None
        for a in operands:
            if isinstance(a, Vertex) and not a._constant and a is not B:
                return None
    return B


def _after_untracked(B: Vertex) -> None:
    if not B._constant:
        B._grad = UNCONSUMED  # an in-place op nulls the target's grad
    bx = B._ext
    if bx is not None:
        bx.version += 1  # views get new vertices when next used


# ----------------------------------------------------------- entry points
def inplace_ufunc(decl: Any, args: tuple, out: Vertex, where: Any, dtype: Any, constant: Any,
                  kwargs: dict) -> Vertex:
    """``decl(*args, out=out_tensor, where=..., dtype=...)`` for a ufunc declaration."""
    tracking = MODE.get().track
    if tracking:
        B = _untracked_root(out, args)
        if B is not None:
            decl.ufunc(*(data_of(a) for a in args), out=out._data, **decl.numpy_kwargs(where, dtype, kwargs))
            _after_untracked(B)
            return out
    # the recorded write keeps the mask for its backward pass: a private copy
    mask = None if where is True else snapshot_mask(where) if tracking else where

    def value() -> Any:
        # computed everywhere, written only where `mask`; the masked-out
        # positions keep their old values and pass their gradient to them
        if mask is None:
            return decl.call_general(args, None, True, dtype, constant, kwargs)
        with np.errstate(all="ignore"):
            return decl.call_general(args, None, True, dtype, constant, kwargs)

    return mutate(out, value, mask=mask, single=True)


def inplace_operator(decl: Any) -> Callable:
    """The ``__iadd__``-style Tensor method for a binary ufunc declaration."""
    fast = decl.call_fast
    ufunc = decl.ufunc

    def iop(self: Vertex, other: Any) -> Vertex:
        if MODE.get().track:
            B = _untracked_root(self, (other,))
            if B is not None:
                ufunc(self._data, data_of(other), out=self._data)
                _after_untracked(B)
                return self
        return mutate(self, lambda: fast(self, other), single=True)

    iop.__name__ = f"__i{decl.name}__"
    return iop


def assign_result(out: Vertex, compute: Callable[[], Any]) -> Vertex:
    """``f(..., out=tensor)`` for an op that is not a ufunc: compute, then write."""
    return mutate(out, compute, casting="unsafe")


def setitem(target: Vertex, key: Any, value: Any) -> None:
    """``target[key] = value``."""
    if MODE.get().track:
        B = _untracked_root(target, (value,))
        if B is not None:
            write_untracked(target._data, key, data_of(value), None, "unsafe")
            _after_untracked(B)
            return
    mutate(target, lambda: value, key=key, casting="unsafe", fresh=False)


def assign(target: Vertex, value: Any, *, mask: Any = None, casting: str = "same_kind") -> Vertex:
    """Write ``value`` (a tensor, an array or a scalar) into all of ``target``
    (where ``mask``), like ``np.copyto``: recorded like ``target[...] = value``."""
    return mutate(target, lambda: value, mask=mask, casting=casting, fresh=False)
