"""Writing into a tensor's memory: the raw array writes of in-place
operations (:mod:`mygrad._core.inplace` decides what the graph records).

* :func:`write` opens the memory guard's locks that the target itself holds
  for the duration of the write, and refuses memory that another live graph
  depends on or that is natively read-only (``ValueError``, like NumPy);
* :func:`write_untracked` is the plain write (no graph);
* the key helpers tell what an index selects.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._core.memory_guard import _REG, held_ids
from mygrad._core.state import Vertex

__all__ = ["NOKEY", "write", "write_untracked", "data_of", "last_write_mask", "covers_all", "is_basic"]

_ndarray = np.ndarray

NOKEY = object()  # "the whole target" (no index)


def _arrays_to_open(dest: np.ndarray, B: Vertex) -> list:
    """The arrays (outermost base first) whose writeable flag must be set for
    a write into ``dest`` (a view of ``B``'s memory). Raises ``ValueError`` for
    memory that is natively read-only, or that a live graph outside ``B``'s
    memory family depends on (another tensor over the same user array)."""
    if dest.flags.writeable and not _REG:
        return []
    chain = []
    a = dest
    while isinstance(a, _ndarray):
        chain.append(a)
        a = a.base
    own = held_ids(B)
    opened = []
    inherited = False
    for a in reversed(chain):
        e = _REG.get(id(a))
        if e is not None and e[0] > (id(a) in own):
            raise ValueError(
                "cannot write in place: the memory is shared with another tensor whose "
                "values a live computational graph depends on (backprop or clear that graph first)"
            )
        if a.flags.writeable:
            inherited = False
        elif (e is not None and e[2]) or inherited:  # locked by the guard, or a view made meanwhile
            opened.append(a)
            inherited = True
        else:
            raise ValueError("assignment destination is read-only")
    return opened


def write(dest: np.ndarray, key: Any, value: Any, mask: Any, casting: str, B: Vertex) -> None:
    """``dest[key] = value`` (or a masked ufunc-style copy), opening the
    memory guard's locks for the duration of the write."""
    opened = _arrays_to_open(dest, B)
    for a in opened:
        a.flags.writeable = True
    try:
        write_untracked(dest, key, value, mask, casting)
    finally:
        for a in reversed(opened):
            a.flags.writeable = False


def last_write_mask(shape: tuple, key: Any, value_shape: tuple) -> np.ndarray | None:
    """For an advanced-index assignment with repeated positions, where only
    the last write of each position counts (NumPy's behaviour): 1 where the
    written element survives, 0 where a later element overwrote it."""
    positions = np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape)[key]
    flat = positions.reshape(-1)
    if np.unique(flat).size == flat.size:
        return None
    keep = np.zeros(flat.size, dtype=bool)
    _, first_from_end = np.unique(flat[::-1], return_index=True)
    keep[flat.size - 1 - first_from_end] = True
    return keep.reshape(positions.shape).astype(np.float64)


_ALL = slice(None)


def covers_all(key: Any) -> bool:
    """Whether ``dest[key]`` is all of ``dest`` (``...``, ``:``, ``:, ...``)."""
    items = key if type(key) is tuple else (key,)
    return (all(k is Ellipsis or (type(k) is slice and k == _ALL) for k in items)
            and sum(k is Ellipsis for k in items) <= 1)


def is_basic(key: Any) -> bool:
    items = key if type(key) is tuple else (key,)
    return all(
        k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer)) and not isinstance(k, (bool, np.bool_))
        for k in items
    )


def data_of(value: Any) -> Any:
    return value._data if isinstance(value, Vertex) else value


def write_untracked(dest: np.ndarray, key: Any, value: Any, mask: Any, casting: str) -> None:
    """``dest[key] = value``: the value is read before anything is written
    (NumPy does not buffer an overlapping value in every kind of assignment,
    e.g. boolean masks; mygrad's gradients assume read-then-write)."""
    if (key is not NOKEY or mask is not None) and isinstance(value, _ndarray) and np.may_share_memory(dest, value):
        value = value.copy()
    if key is NOKEY:
        if mask is None:
            np.copyto(dest, value, casting=casting)
        else:
            np.copyto(dest, value, casting=casting, where=mask)
    else:
        dest[key] = value
