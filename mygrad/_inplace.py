"""In-place operations: ``x += y``, ``x[idx] = v``, ``np.f(..., out=x)``.

Like NumPy, an in-place operation writes into the target's existing memory:
the target keeps its identity, the write goes through to its base and every
view of it, and ndarray views of ``x.data`` taken earlier see it.

For backprop, every tensor is a graph vertex; mutating a tensor gives it (and
its base and the views whose values change) a *new* vertex:

1. the new value ``N`` is computed out of place, with tracking, from the
   current (pre-mutation) vertices, so ``x += x`` and ``x[...] = x[::-1]``
   read the old values;
2. each tensor whose values change (the base ``B`` and the views overlapping
   the target) hands its current vertex state to a hidden *placeholder*; the
   values are copied into the placeholder only if a live graph reads them
   (``_needs > 0``); data that no graph depends on is never copied;
3. the new values are written into the target's memory;
4. ``B``'s new vertex is "``P_B`` with the target region replaced by ``N``"
   (``SetRegion``; for a whole-tensor update without a mask ``B`` simply takes
   over ``N``'s op), and each changed view's new vertex replays its view op on
   its parent's new vertex;
5. consumers made before the mutation are routed to the placeholders when
   backprop reaches them: each mutated tensor keeps a history
   ``[(seq, placeholder)]`` that is looked up with the consumer's creation
   time (see :func:`resolve`).

An op that fails leaves everything as it was: nothing is changed before the
new value has been computed and the write has succeeded.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mygrad import _graph
from mygrad._engine import REFRESH, add_need, coerce, get_mode, leaf, null_input_grad, plan_unit, record, touch
from mygrad._graph import HISTORY, History, accumulate, drop_need, next_seq, release
from mygrad._memory_guard import _REG, EXPOSED, HIDDEN, add_array, depended_on, note_inherited_lock, sync
from mygrad._modes import MODE
from mygrad._state import UNCONSUMED
from mygrad._writes import NOKEY, covers_all, data_of, is_basic, last_write_mask, write, write_untracked
from mygrad._views import chain_to, ext, live_views, replay, root_of, steps_from_parent, unlink_view
from mygrad import tensor_base as _tensor_mod
from mygrad.tensor_base import Tensor, check_dtype

__all__ = ["mutate", "assign", "inplace_ufunc", "inplace_operator", "assign_result", "inplace_execute", "setitem", "resolve"]



# ------------------------------------------------------------- resolution
def _resolve_one(p: Any, seq: int) -> Any:
    x = getattr(p, "_ext", None)
    if x is None or not x.hist:
        return p
    v = x.hist.at(seq)
    return p if v is None else v


def resolve(t: Tensor) -> None:
    """Route ``t``'s inputs that were mutated after ``t`` was made to the
    placeholders holding their state at that time (rewrites ``t._inputs``)."""
    ins = t._inputs
    if not ins:
        return
    new = None
    seq = t._seq
    for i, p in enumerate(ins):
        x = getattr(p, "_ext", None)
        if x is None or not x.hist:
            continue
        v = x.hist.at(seq)
        if v is not None:
            if new is None:
                new = list(ins)
            new[i] = v
    if new is not None:
        new = tuple(new)
        t._inputs = new
        op = t._op
        if getattr(op, "variables", None) is ins:
            op.variables = new


_graph.RESOLVER[0] = resolve
_graph.RESOLVE_ONE[0] = _resolve_one


# ------------------------------------------------------------ SetRegion op
class _SetRegion:
    """``B_new = P_B`` with the target region (view ``steps``, then ``key``,
    optionally masked) replaced by ``N``."""

    name = "set_region"

    def backprop(self, t: Tensor, g: np.ndarray) -> None:
        p, n = t._inputs
        steps, key, mask, last = t._saved
        grad_idx = t._plan[0]
        x = t._ext
        owned = x is not None and x.hidden
        G = g if owned else g.copy()
        if owned:
            t._grad = None
        region = replay(G, steps)
        if 1 in grad_idx:
            gn = region if key is NOKEY else region[key]
            if mask is not None:
                gn = np.where(mask, gn, 0)
            if last is not None:
                gn = gn * last
            accumulate(n, gn, G, self, 1)
        if 0 in grad_idx:
            if key is not NOKEY:
                region[key] = 0
            elif mask is None:
                region[...] = 0
            else:
                np.copyto(region, 0, where=mask)
            accumulate(p, G, None, self, 0)


SET_REGION = _SetRegion()


# --------------------------------------------------------------- mutate
def mutate(target: Tensor, value_fn: Callable[[], Any], *, key: Any = NOKEY, mask: Any = None,
           casting: str = "same_kind", single: bool = False, fresh: bool = True) -> Tensor:
    """Write the value ``value_fn()`` into ``target`` (at ``key``, where
    ``mask``), recording the mutation for backprop. Returns ``target``.

    ``fresh``: the value is computed by ``value_fn`` (not a tensor of the
    user's), so a whole-tensor update may take over its graph vertex.

    ``single``: ``value_fn`` records at most one op (whose inputs can then be
    routed to the target's old vertex right away, instead of through the
    target's history)."""
    mode = get_mode()
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
    if not mode.track:
        if depended_on(root_of(target)):
            raise ValueError(
                "cannot write in place inside `no_autodiff`: a live computational graph depends on "
                "this tensor's memory, and the write would not be recorded (backprop or clear that "
                "graph first, or write outside `no_autodiff`)"
            )
        value = data_of(value_fn())
        write(target._data, key, value, mask, casting, root_of(target))
        return target
    if target._ext is not None:
        touch(target)
    # no op has used B's current vertex yet, except (maybe) the op computing the
    # value: then only B's next vertex can reach the current one (see _forget).
    # A stale view refreshed meanwhile (while computing the value) may read it too.
    only_successor = root_of(target)._grad is UNCONSUMED
    refreshes = REFRESHES[0]
    value = value_fn()
    if not isinstance(value, Tensor):
        value = leaf(np.asarray(coerce(value, True)[1]), True, owned=False)
    elif value._ext is not None:
        touch(value)
    if REFRESHES[0] != refreshes:
        only_successor = False
    B = root_of(target)
    if value is B and B._grad is UNCONSUMED:  # `x[...] = x`: the write reads x's current vertex
        B._grad = None
    bx = ext(B)
    dest = target._data
    # views whose values a live graph reads and that the write changes: their
    # values are preserved (copied) before the write
    needy = []
    if bx.needy:
        needy = [v for v in bx.needy.values() if np.may_share_memory(v._data, dest)]
    saved_B = B._data.copy() if B._needs > 0 else None
    saved = [(v, v._data.copy()) for v in needy]
    write(dest, key, value._data, mask, casting, B)
    unconsumed = B._grad is UNCONSUMED

    # the write replaced all of B
    whole = target is B and mask is None and (key is NOKEY or covers_all(key))
    seq = next_seq()
    P_B = _hand_over(B, saved_B, seq)
    for v, arr in saved:
        _hand_over(v, arr, seq)
    bx.version += 1  # every view of B is now stale: it gets a new vertex when next used
    if not B._constant:
        # the value as it was before the write (`x[...] = x` reads the old `x`)
        n = _resolve_one(value, seq - 1)
        guard = mode.guard
        # (only a value computed here, never the user's value of `x[...] = v`)
        if (fresh and key is NOKEY and whole and n is value and value._op is not None
                and value._data.shape == B._data.shape):
            _take_over(B, value, guard)
            resolve(B)  # `x += x`: its inputs are the old x, not x itself (no self-reference)
            if not any(p is P_B for p in B._inputs):
                if unconsumed:
                    _forget(B, P_B)
            elif only_successor:  # only the value's op (and so B's new vertex) uses P_B
                P_B._grad = UNCONSUMED
                if single:  # ... and it was resolved above: nothing looks P_B up
                    _drop_entry(B, P_B)
        elif whole and value._constant:
            if unconsumed:  # B is overwritten by a constant everywhere: a leaf now
                _forget(B, P_B)
        else:
            steps = chain_to(target) if target is not B else []
            last = None
            if key is not NOKEY and not is_basic(key):
                last = last_write_mask(dest.shape, key, value._data.shape)
            grad_idx = tuple(i for i, v in enumerate((P_B, n)) if isinstance(v, Tensor) and not v._constant)
            if 1 in grad_idx:
                null_input_grad(n)  # the value is an input of B's new vertex (auto-nulling)
            _set_vertex(B, SET_REGION, (P_B, n), (steps, key, mask, last), (grad_idx, (), False, plan_unit(guard)),
                        seq, guard)
            if only_successor:  # P_B's consumers: B's new vertex (and maybe the value's op)
                P_B._grad = UNCONSUMED
                if single:
                    if n._op is not None:
                        resolve(n)  # route the value's op to P_B now: nothing looks P_B up
                    _drop_entry(B, P_B)
    _null_grads((B, target))
    if not B._constant:
        B._grad = UNCONSUMED  # B's new vertex (or B, a leaf again) is unused so far
    sync(B)  # B's vertex and the needs on its memory changed
    return target


def _hand_over(X: Tensor, saved: np.ndarray | None, seq: int) -> Tensor:
    """Move ``X``'s current vertex into a new hidden placeholder (recorded in
    ``X``'s history at ``seq`` if any op used it) and return the placeholder.
    ``saved``: the values the placeholder must keep (when a live graph reads
    them). The caller syncs the memory guard of ``X``'s family afterwards."""
    # a new array object even without a copy: setting X's shape later must not
    # reshape the placeholder's array. Its array is private: nothing to lock.
    P = leaf(X._data.view() if saved is None else saved, X._constant)
    P._op, P._inputs, P._saved, P._plan, P._seq = X._op, X._inputs, X._saved, X._plan, X._seq
    P._needs = X._needs
    P._grad = X._grad if X._grad is UNCONSUMED else None
    px = ext(P)
    px.hidden = True
    if saved is not None:
        px.live = X._data  # an Operation may hold this array: see operation_base
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


def _drop_entry(X: Tensor, P: Tensor) -> list:
    """Remove ``P`` from ``X``'s history (no consumer will look for it);
    returns the history's vertices."""
    hist = X._ext.hist
    if hist is None:
        return []
    verts = hist.verts
    for i in range(len(verts) - 1, -1, -1):
        if verts[i] is P:
            del hist.seqs[i], verts[i]
            HISTORY[0] -= 1
            break
    return verts


def _forget(X: Tensor, P: Tensor) -> None:
    """``X`` was overwritten whole before any op used its previous vertex
    ``P``: nothing can reach ``P``, so drop it (and the locks it holds), and
    the older vertices of ``X`` that only ``P`` could reach."""
    verts = _drop_entry(X, P)
    inputs = P._inputs or ()
    release(P, alive=True)
    P._op = P._inputs = None
    sync(P)  # (a placeholder that holds handed-out memory: a leaf now, nothing reads it)
    for q in inputs:
        # an older placeholder of X that nothing but its successor P consumed
        if getattr(q, "_grad", None) is UNCONSUMED and any(v is q for v in verts):
            _forget(X, q)


def _set_vertex(X: Tensor, op: Any, inputs: tuple, saved: Any, nidx: tuple, seq: int, guard: bool) -> None:
    X._op, X._inputs, X._saved, X._plan, X._seq = op, inputs, saved, nidx, seq
    X._grad = UNCONSUMED
    for p in inputs:
        if getattr(p, "_grad", None) is UNCONSUMED:
            p._grad = None
    unit = nidx[3]
    for i in nidx[1]:
        add_need(inputs[i], unit)
    if nidx[2]:
        add_need(X, unit)


def _take_over(B: Tensor, value: Tensor, guard: bool) -> None:
    """``B`` becomes the output of ``value``'s op (a whole-tensor update)."""
    nidx = value._plan
    B._op, B._inputs, B._saved, B._plan, B._seq = value._op, value._inputs, value._saved, nidx, value._seq
    value._plan = None  # its needs now belong to B
    value._op = value._inputs = None
    if nidx[2]:
        drop_need(value, nidx[3])
        add_need(B, nidx[3])


#: number of view refreshes so far (a refresh makes a new vertex that reads the
#: view's parent: see ``only_successor`` in :func:`mutate`)
REFRESHES = [0]


def refresh(V: Tensor) -> None:
    """Give the stale view ``V`` (its base was mutated since its vertex was
    made) a new vertex: its view steps replayed on its parent's current
    vertex. Its old vertex goes to a placeholder for the consumers made
    before."""
    mode = get_mode()
    if not mode.track:
        return
    x = V._ext
    parent = x.parent
    if parent._ext is not None:
        touch(parent)
    x.base_version = x.base._ext.version
    if V._constant:
        return
    REFRESHES[0] += 1
    # a live graph that reads V's values read them as they are now (a write that
    # changed them would have saved them already): keep them, later writes through
    # B must not reach them
    _hand_over(V, V._data.copy() if V._needs else None, next_seq())
    src = parent
    if parent._grad is UNCONSUMED:  # V's new vertex reads the parent's
        parent._grad = None
    steps = steps_from_parent(V)
    guard = mode.guard
    for i, (op, kwargs) in enumerate(steps):
        nidx = (op.table if guard else op.table_off)[1 if src._constant else 2]
        if i == len(steps) - 1:
            _set_vertex(V, op, (src,), kwargs, nidx, next_seq(), guard)
        else:
            hidden = record(op.forward(src._data, **kwargs), op, (src,), nidx, kwargs, guard)
            ext(hidden).hidden = True
            src = hidden
    sync(root_of(V))  # V's needs moved to its placeholder


REFRESH[0] = refresh


def _null_grads(tensors: Any) -> None:
    for X in tensors:
        X._grad = None
        x = X._ext
        if x is not None:
            x.grad_cache = None


# ----------------------------------------------------------- untracked writes
def _untracked_root(target: Tensor, operands: tuple) -> Tensor | None:
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
            if isinstance(a, Tensor) and not a._constant and a is not B:
                return None
    return B


def _after_untracked(B: Tensor) -> None:
    if not B._constant:
        B._grad = UNCONSUMED  # an in-place op nulls the target's grad
    bx = B._ext
    if bx is not None:
        bx.version += 1  # views get new vertices when next used


# ----------------------------------------------------------- entry points
def inplace_ufunc(decl: Any, args: tuple, out: Tensor, where: Any, dtype: Any, constant: Any, kwargs: dict) -> Tensor:
    """``decl(*args, out=out_tensor, where=..., dtype=...)``."""
    if get_mode().track:
        B = _untracked_root(out, args)
        if B is not None:
            decl.ufunc(*(data_of(a) for a in args), out=out._data, **decl.numpy_kwargs(where, dtype, kwargs))
            _after_untracked(B)
            return out
    mask = None if where is True else where

    def value() -> Any:
        # computed everywhere, written only where `mask`; the masked-out
        # positions keep their old values and pass their gradient to them
        if mask is None:
            return decl._general(args, None, True, dtype, constant, kwargs)
        with np.errstate(all="ignore"):
            return decl._general(args, None, True, dtype, constant, kwargs)

    return mutate(out, value, mask=mask, single=True)


def inplace_operator(decl: Any) -> Callable:
    """The ``__iadd__``-style Tensor method for a binary ufunc declaration."""
    fast = decl._fast

    ufunc = decl.ufunc

    def iop(self: Tensor, other: Any) -> Tensor:
        if get_mode().track:
            B = _untracked_root(self, (other,))
            if B is not None:
                ufunc(self._data, data_of(other), out=self._data)
                _after_untracked(B)
                return self
        return mutate(self, lambda: fast(self, other), single=True)

    iop.__name__ = f"__i{decl.name}__"
    return iop


def assign_result(out: Tensor, compute: Callable[[], Any]) -> Tensor:
    """``f(..., out=tensor)`` for a non-ufunc op: compute, then write."""
    return mutate(out, compute, casting="unsafe")


def inplace_execute(Op: type, inputs: tuple, op_args: Any, op_kwargs: Any, constant: Any, out: Tensor) -> Tensor:
    from mygrad._engine import execute_op

    return mutate(out, lambda: execute_op(Op, *inputs, op_args=op_args, op_kwargs=op_kwargs, constant=constant),
                  casting="unsafe")


def setitem(target: Tensor, key: Any, value: Any) -> None:
    """``target[key] = value``."""
    if get_mode().track:
        B = _untracked_root(target, (value,))
        if B is not None:
            write_untracked(target._data, key, data_of(value), None, "unsafe")
            _after_untracked(B)
            return
    mutate(target, lambda: value, key=key, casting="unsafe", fresh=False)


def assign(target: Tensor, value: Any, *, mask: Any = None, casting: str = "same_kind") -> Tensor:
    """Write ``value`` (a tensor, an array or a scalar) into all of ``target``
    (where ``mask``), like ``np.copyto``: recorded like ``target[...] = value``."""
    return mutate(target, lambda: value, mask=mask, casting=casting, fresh=False)


# ------------------------------------------------------------ shape setter
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


def set_shape(t: Tensor, newshape: Any) -> None:
    """``t.shape = newshape``: reshape ``t`` in place, like NumPy (raises like
    NumPy when that needs a copy). Existing views keep their shapes and stay
    linked (they reshape their parent back when replayed). ``t.data`` is a new
    array object over the same memory afterwards."""
    from mygrad._core_ops.shaping import reshape

    old = t._data
    new = _reshaped_view(old, newshape)
    new_shape = new.shape
    if new_shape == old.shape:
        return
    root = root_of(t)
    mode = get_mode()
    if not mode.track:
        _swap_array(t, root, old, new)
        return
    if t._ext is not None:
        touch(t)
    seq = next_seq()
    only_successor = t._grad is UNCONSUMED
    # the placeholder keeps the old shape (and, if a live graph reads them, the
    # values: later in-place ops on t will not see it)
    P = _hand_over(t, old.copy() if t._needs else None, seq)
    _swap_array(t, root, old, new)
    if root is not t:
        x = t._ext
        x.steps = [*x.steps, (reshape, {"shape": new_shape})]
    ext(root).version += 1  # views of t get new vertices when next used
    if not t._constant:
        _set_vertex(t, reshape, (P,), {"shape": new_shape}, (reshape.table if mode.guard else reshape.table_off)[2],
                    seq, mode.guard)
    if root is not t:
        t._ext.base_version = root._ext.version
        t._grad = None
    elif t._op is not None and only_successor:
        # nothing consumed t's old vertex P: only t's new vertex reaches it (see _forget)
        P._grad = UNCONSUMED
    else:
        t._grad = None if t._op is None else UNCONSUMED
    sync(root)


def _swap_array(t: Tensor, root: Tensor, old: np.ndarray, new: np.ndarray) -> None:
    """``t`` now holds ``new`` (a view of ``old``'s memory in another shape)."""
    if not new.flags.writeable and not old.flags.writeable:
        note_inherited_lock(new, old)  # (read-only only while `old` is locked)
    t._data = new
    if root._lock:  # arrays of this memory were handed out: the old one stays covered
        add_array(root, old)
    if t is not root:
        t._lock = HIDDEN  # the new array is not handed out yet


_tensor_mod._SHAPE_SETTER[0] = set_shape


# -------------------------------------------------------------- data setter
def set_data(t: Tensor, value: Any) -> None:
    """``t.data = value``: ``t`` gets new memory.

    ``value`` is validated like the constructor's data (real or boolean
    numbers while tracking; integer data makes ``t`` constant). ``t`` becomes
    a leaf holding the new values: results computed before keep the old
    values (its old vertex moves to a placeholder, as for a whole overwrite),
    and views of ``t`` are detached (each keeps its values, as a copy).
    """
    if isinstance(value, Tensor):
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
            if v._ext.base_version != v._ext.base._ext.version:
                refresh(v)  # its vertex must describe the values it keeps
    if tracking and _needs_hand_over(t):
        old_state = t._lock
        unconsumed = t._grad is UNCONSUMED
        P = _hand_over(t, None, next_seq())
        P._data = t._data  # the old array itself: its values are what earlier results read
        x = t._ext
        if old_state:  # arrays of the old memory were handed out: they stay covered, now by P
            px = P._ext
            P._lock, px.exposed, px.held = old_state, x.exposed, x.held
            x.exposed = x.held = None
            t._lock = HIDDEN
            sync(P)
        if unconsumed:  # no op used t's old vertex: nothing can reach it
            _forget(t, P)
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


def _needs_hand_over(t: Tensor) -> bool:
    """Whether a live graph may still reach ``t``'s current vertex or values."""
    if t._op is not None or t._needs:
        return True
    x = t._ext
    if x is not None and x.needy:
        return True
    g = t._grad
    return not (t._constant or g is UNCONSUMED or (type(g) is np.ndarray and x is None))


_tensor_mod._SET_DATA[0] = set_data
