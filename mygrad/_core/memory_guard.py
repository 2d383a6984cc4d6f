"""The memory guard: memory that a live graph depends on cannot be written
behind the graph's back.

Writes through mygrad (``x += 1``, ``x[i] = v``, ``np.copyto(x, v)``,
``out=x``) are always recorded by the in-place machinery, which keeps the
values a live graph reads. What the guard protects against are *raw* NumPy
writes into a tensor's memory, and those are only possible through an array
that mygrad handed out: ``t.data``, ``np.asarray(t)``, ``mg.asarray(t)``, an
array the user passed in (``mg.astensor(arr)``, an ndarray operand, an
ndarray ``out=``), or an array an :class:`~mygrad.Operation` returned.

So the guard works per *memory family* (a root tensor and the view tensors
that share its memory) and only on the arrays of the family that were handed
out. The root's ``_lock`` slot holds the family's :class:`~mygrad._core.state.Lock` state:

* ``HIDDEN``  -- no array of the family was handed out: nothing to lock (most
  intermediate results; this costs nothing per op);
* ``EXPOSED`` -- arrays were handed out, and no live graph made with the guard
  on depends on the memory: they are writeable;
* ``LOCKED``  -- they are read-only, because a live graph made with the guard
  on depends on the memory: a node reads the values of the root or of one of
  its views (``Vertex._needs``), or the root is itself the result of a live
  node (a raw write would make its values differ from what its node
  computed).

A view tensor's ``_lock`` only says whether its own array was registered with
its root (``EXPOSED``) or not (``HIDDEN``).

Locks are counted per array in a registry (several families may lock the
same user array); an array that was read-only before mygrad locked it is
never made writeable by mygrad. Nodes made with the guard off count their
reads in the high bits of ``_needs`` (:data:`UNGUARDED`): in-place ops still
preserve the values they read, but they lock nothing.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from mygrad._core.state import GUARDED, LOCKING, UNGUARDED, Lock, Vertex, root_of
from mygrad._core.state import ext as _ext

__all__ = [
    "Lock", "GUARDED", "UNGUARDED", "LOCKING", "lock_array", "unlock_array", "locked_count", "expose",
    "sync", "protected", "depended_on", "family_root", "note_inherited_lock", "registry_count", "held_ids", "add_array", "rewound",
    "unchangeable", "snapshot", "snapshot_kwargs", "snapshot_mask",
]


HIDDEN, EXPOSED, LOCKED = Lock.HIDDEN, Lock.EXPOSED, Lock.LOCKED

_ndarray = np.ndarray

#: id(array) -> [lock count, array, restore writeable on release?]
_REG: dict[int, list] = {}
#: threads that share an array (e.g. an ndarray operand) update its count in turn
_REG_LOCK = threading.RLock()
#: id(array) -> weak references to views of it that are read-only only because
#: the array was locked when they were made (restored when it is unlocked)
_PENDING: dict[int, list] = {}
_PENDING_ADDS = [0]


def locked_count() -> int:
    """Number of arrays the memory guard currently holds read-only (for tests)."""
    return len(_REG)


def registry_count(a: np.ndarray) -> int:
    """How many families currently lock ``a``."""
    e = _REG.get(id(a))
    return 0 if e is None else e[0]


# ----------------------------------------------------------- the registry
def lock_array(a: np.ndarray) -> None:
    """Add one lock to ``a``: read-only from the first lock on."""
    k = id(a)
    with _REG_LOCK:
        e = _REG.get(k)
        if e is None:
            w = a.flags.writeable
            if w:
                a.setflags(write=False)
            _REG[k] = [1, a, w]
        else:
            e[0] += 1


def unlock_array(a: np.ndarray) -> None:
    """Remove one lock from ``a``; at zero locks restore its writeable flag."""
    k = id(a)
    with _REG_LOCK:
        e = _REG.get(k)
        if e is None:  # (the registry was reset, e.g. by a test harness)
            return
        e[0] -= 1
        if e[0] == 0:
            del _REG[k]
            if e[2]:
                _restore(a)


def _restore(a: np.ndarray) -> None:
    try:
        a.setflags(write=True)
    except ValueError:
        # a view whose base is still read-only (locked elsewhere): retry when the
        # base is released
        b = a.base
        if isinstance(b, _ndarray) and id(b) in _REG:
            _PENDING.setdefault(id(b), []).append(weakref.ref(a))
        return
    pend = _PENDING.pop(id(a), None)
    if pend:
        for ref in pend:
            v = ref()
            if v is not None and not v.flags.writeable:
                _restore(v)


def note_inherited_lock(view: np.ndarray, parent: np.ndarray) -> None:
    """``view`` was made from ``parent`` while ``parent`` was read-only (locked
    by the guard, or itself waiting for that): make ``view`` writeable again
    when ``parent`` is, as NumPy would have made it."""
    _PENDING.setdefault(id(parent), []).append(weakref.ref(view))
    _PENDING_ADDS[0] += 1
    if _PENDING_ADDS[0] >= 1024:  # forget the views that are gone
        _PENDING_ADDS[0] = 0
        for key in [k for k, refs in _PENDING.items() if all(r() is None for r in refs)]:
            del _PENDING[key]


# ------------------------------------------------------------- families
family_root = root_of  # (the root of a memory family)


def protected(B) -> bool:
    """Whether a live graph made with the guard on depends on root ``B``'s memory."""
    if B._needs & LOCKING:
        return True
    if B._op is not None:
        plan = B._plan
        if plan is not None and plan[3] == GUARDED:
            return True
    x = B._ext
    if x is not None and x.needy:
        for v in x.needy.values():
            if v._needs & LOCKING:
                return True
    return False


def depended_on(B) -> bool:
    """Whether any live graph (made with the guard on or off) reads root
    ``B``'s memory or has ``B`` as a result: a write that cannot be recorded
    (inside ``no_autodiff``) must then be refused."""
    if B._needs or B._op is not None:
        return True
    x = B._ext
    return x is not None and bool(x.needy)


def sync(B) -> None:
    """Bring root ``B``'s handed-out arrays in line with :func:`protected`."""
    lk = B._lock
    if lk == HIDDEN:
        return
    if B._needs & LOCKING or protected(B):  # (protected's first test, inlined: the hot case)
        if lk == EXPOSED:
            x = B._ext
            a = B._data
            if x is not None and not x.exposed and a.base is None:
                held = [a]  # (the common family: one array of its own)
                lock_array(a)
            else:
                held = _family_arrays(B)
                x = B._ext  # (_family_arrays gives B a view record if it had none)
                for a in held:
                    lock_array(a)
            x.held = held
            B._lock = LOCKED
    elif lk == LOCKED:
        x = B._ext
        held = x.held
        x.held = None
        B._lock = EXPOSED
        for a in held:  # bases first (see _family_arrays)
            unlock_array(a)


def held_ids(B) -> set:
    """ids of the arrays that ``B``'s family currently locks."""
    if B._lock != LOCKED:
        return set()
    return {id(a) for a in B._ext.held}


def _with_bases(arrays, seen: set) -> list:
    out = []
    for a in arrays:
        b = a.base
        for arr in ((b, a) if isinstance(b, _ndarray) else (a,)):
            if id(arr) not in seen:
                seen.add(id(arr))
                out.append(arr)
    return out


def _family_arrays(B) -> list:
    """The arrays to lock for root ``B``: its array and every live array of
    the family that was handed out, each with its NumPy base (base first)."""
    x = _ext(B)
    arrays = [B._data]
    if x.exposed:
        live = []
        for ref in x.exposed:
            a = ref()
            if a is not None:
                arrays.append(a)
                live.append(ref)
        x.exposed = live
    return _with_bases(arrays, set())


def add_array(B, a: np.ndarray) -> None:
    """Register ``a`` (an array over ``B``'s memory that was handed out, or
    ``B``'s previous array) with root ``B``'s family."""
    x = _ext(B)
    if x.exposed is None:
        x.exposed = []
    x.exposed.append(weakref.ref(a))
    if B._lock == LOCKED:
        more = _with_bases([a], {id(h) for h in x.held})
        for arr in more:
            lock_array(arr)
        x.held = [*x.held, *more]


def expose(t) -> None:
    """``t``'s array is being handed out: from now on the guard covers it."""
    x = t._ext
    if x is None or x.base is None:  # a root: its own array is always covered
        t._lock = EXPOSED
        sync(t)
        return
    t._lock = EXPOSED  # (a view: its array is registered with the root)
    B = x.base
    if B._lock == HIDDEN:
        _ext(B).exposed = [weakref.ref(t._data)]
        B._lock = EXPOSED
        sync(B)
    else:
        add_array(B, t._data)


# ----------------------------------------------------- time travel for ops
def _openable(dest: np.ndarray) -> list | None:
    """The read-only arrays along ``dest``'s base chain (outermost first) that
    are read-only because of the guard, or None if ``dest`` is natively
    read-only."""
    chain = []
    a = dest
    while isinstance(a, _ndarray):
        chain.append(a)
        a = a.base
    opened = []
    inherited = False
    for a in reversed(chain):
        if a.flags.writeable:
            inherited = False
            continue
        e = _REG.get(id(a))
        if (e is not None and e[2]) or inherited:
            opened.append(a)
            inherited = True
        else:
            return None
    return opened


class rewound:
    """Context manager: the arrays ``live`` hold their ``old`` values inside
    the block (``pairs`` of ``(live, old)``), their current values after it.

    An :class:`~mygrad.Operation` may keep arrays of its inputs and output
    from its forward pass; an in-place write since then changed them (the
    placeholder of the written tensor kept a copy of the old values). Its
    backward pass runs inside this block, so it reads the values of its own
    time. (Not thread-safe: another thread reading these tensors during the
    backward pass would see the old values.)
    """

    def __init__(self, pairs: list) -> None:
        self.pairs = pairs
        self.saved: list = []

    def __enter__(self) -> "rewound":
        for live, old in self.pairs:
            opened = _openable(live)
            if opened is None:  # natively read-only: it cannot have been written
                continue
            for a in opened:
                a.flags.writeable = True
            self.saved.append((live, live.copy(), opened))
            live[...] = old
        return self

    def __exit__(self, *exc) -> bool:
        for live, now, opened in reversed(self.saved):
            live[...] = now
            for a in reversed(opened):
                a.flags.writeable = False
        return False


# ------------------------------------------------ op arguments: snapshots
# The guard protects the *inputs* of a node (tensors, and ndarrays wrapped as
# constant tensors). An op's other arguments -- labels, weights, index arrays,
# ``where`` masks, ``initial`` values -- are read by its gradient rules too, but
# they are not tensors: a node that will be backpropagated keeps private copies
# of those the caller could still change (taken when the node is recorded, so
# calls that record nothing never pay for them).
def unchangeable(a: np.ndarray) -> bool:
    """Whether nobody can write into ``a``'s memory any more: ``a`` and every
    array it views are read-only, none of them only because the guard locks it
    now, and the memory belongs to an ndarray or to an immutable ``bytes``
    object (a read-only view of writeable memory can still change).

    (An array that owns its memory and was made read-only counts as
    unchangeable: only an explicit ``setflags(write=True)`` by its owner
    could change that.)

    >>> import numpy as np
    >>> a = np.arange(3.)
    >>> unchangeable(a), unchangeable(np.broadcast_to(a, (2, 3)))
    (False, False)
    >>> a.flags.writeable = False
    >>> unchangeable(a), unchangeable(a[1:])
    (True, True)
    """
    while True:
        if a.flags.writeable or id(a) in _REG:
            return False
        b = a.base
        if b is None:
            return True
        if not isinstance(b, _ndarray):
            return type(b) is bytes
        a = b


def _private(a: np.ndarray) -> np.ndarray:
    if unchangeable(a):
        return a
    return a.copy(order="K")  # (left writeable: making it read-only costs more than a small copy)


_SCALARS = frozenset({int, float, bool, str, complex, type(None), slice, type(Ellipsis)})


def snapshot(v):
    """``v`` as a recorded node may keep it for its backward pass: an ndarray
    (or the array of a tensor passed as a plain argument) that could still
    change becomes a private copy; lists and tuples are rebuilt
    around snapshots of their items (a list is always rebuilt: it is mutable
    itself); anything else is returned as it is.

    >>> import numpy as np
    >>> y = np.array([0, 1])
    >>> s = snapshot([y, 2])
    >>> y[:] = 5
    >>> s
    [array([0, 1]), 2]
    """
    t = type(v)
    if t in _SCALARS:
        return v
    if isinstance(v, _ndarray):
        return _private(v)
    if isinstance(v, Vertex):  # a tensor as a non-differentiated argument: its values now
        return _private(v._data)
    if t is list:
        return [snapshot(i) for i in v]
    if t is tuple:
        for i in v:
            if type(i) not in _SCALARS:
                return tuple(snapshot(i) for i in v)
    return v


def snapshot_kwargs(kwargs: dict) -> dict:
    """``kwargs`` with :func:`snapshot` applied to each value (the same dict
    if nothing needed a copy)."""
    new = None
    for k, v in kwargs.items():
        if type(v) in _SCALARS:
            continue
        s = snapshot(v)
        if s is not v:
            if new is None:
                new = dict(kwargs)
            new[k] = s
    return kwargs if new is None else new


def snapshot_mask(where) -> np.ndarray:
    """A ``where`` argument (array-like or tensor) as a boolean mask that
    nobody else can change."""
    if isinstance(where, Vertex):
        where = where._data
    if isinstance(where, _ndarray) and where.dtype == np.bool_:
        return _private(where)
    return np.array(where, dtype=bool)  # (a new array)
