"""The memory guard: arrays that a live graph reads during backprop are read-only.

A tensor counts how many live graph nodes will read its values during
backprop (``Tensor._needs``): an op whose gradient rules read an input adds
one to that input, an op whose rules read its own output adds one to the
output (see :data:`GUARDED` / :data:`UNGUARDED`: nodes made with the guard off
are counted apart). While nodes made with the guard on read it, the tensor's
array is read-only; it is restored when they are gone (the graph was
backpropped, cleared, or garbage-collected).

Two locking paths:

* an array that only this tensor holds (fresh op outputs, copied data) is
  locked by flipping its ``writeable`` flag directly (``_lk == 1``);
* an array that other tensors or the user may hold too (views, arrays wrapped
  without a copy) goes through a registry of per-array lock counts keyed by
  ``id`` (``_lk == 2`` or ``-2``); for a view, its base array is locked too.

``Tensor._lk`` states: ``0`` owned + unlocked, ``1`` owned + flag flipped,
``2`` owned + registry lock, ``-1`` shared + unlocked, ``-2`` shared +
registry lock. Arrays that were read-only before we locked them are never made
writeable by us.
"""

from __future__ import annotations

import sys
import threading
import weakref

import numpy as np

__all__ = ["lock_tensor", "unlock_tensor", "lock_array", "unlock_array", "locked_count", "GUARDED", "UNGUARDED",
           "LOCKING"]

#: what one reading node adds to ``Tensor._needs``: nodes made with the guard on
#: count in the low bits (they keep the array locked), nodes made with the guard
#: off count in the high bits (their values are still preserved by in-place ops,
#: but they place no lock)
GUARDED = 1
UNGUARDED = 1 << 32
LOCKING = UNGUARDED - 1

_ndarray = np.ndarray
_getrefcount = sys.getrefcount

#: id(array) -> [lock count, array, restore writeable on release?]
_REG: dict[int, list] = {}
#: threads that share an array (e.g. an ndarray operand) update its count in turn
_REG_LOCK = threading.RLock()
#: id(array) -> weak references to views of it that are read-only only because
#: the array was locked when they were made (restored when it is unlocked)
_PENDING: dict[int, list] = {}
_PENDING_ADDS = [0]
#: number of tensors currently holding a fast (flag-flip) lock
_FAST = [0]


def locked_count() -> int:
    """Number of arrays the memory guard currently holds read-only (for tests)."""
    return _FAST[0] + len(_REG)


def lock_array(a: np.ndarray) -> None:
    """Add one lock to ``a`` (registry path)."""
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


def unlock_array(a: np.ndarray) -> None:
    """Remove one lock from ``a`` (registry path); restore it at zero locks."""
    k = id(a)
    with _REG_LOCK:
        e = _REG[k]
        e[0] -= 1
        if e[0] == 0:
            del _REG[k]
            if e[2]:
                _restore(a)


def lock_tensor(t) -> None:
    """Make ``t``'s array (and, for a view, its base array) read-only."""
    a = t._data
    if t._lk == 0 and not (_REG and id(a) in _REG):
        if a.flags.writeable:
            a.setflags(write=False)
            t._lk = 1
            _FAST[0] += 1
            return
        # natively read-only: nothing to do, but remember it is "locked" so the
        # release path stays symmetric (registry restores nothing)
    lock_array(a)
    b = a.base
    if isinstance(b, _ndarray):
        lock_array(b)
    t._lk = 2 if t._lk >= 0 else -2


def unlock_tensor(t, dying: bool = False) -> None:
    """Undo :func:`lock_tensor`. ``dying``: the tensor is being collected, so an
    array that dies with it need not be made writeable again."""
    lk = t._lk
    a = t._data
    if lk == 1:
        t._lk = 0
        _FAST[0] -= 1
        if _REG:
            e = _REG.get(id(a))
            if e is not None:  # someone else locked it meanwhile: let them restore
                e[2] = True
                return
        if dying and _getrefcount(a) <= 3:
            return
        _restore(a)
        return
    t._lk = 0 if lk > 0 else -1
    b = a.base
    unlock_array(a)
    if isinstance(b, _ndarray):
        unlock_array(b)
