"""The state every layer of the core reads and writes: a tensor's slots
(:class:`Vertex`), its rarely-needed extension record (:class:`Ext`), the
memory guard's lock states, what a live node's need of a value counts
(``GUARDED`` / ``UNGUARDED``), the per-node :class:`Plan`, and the rules for
what data a tensor may hold.

This module is the bottom of the core: it imports nothing from mygrad.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "Vertex", "Ext", "ext", "UNCONSUMED", "Lock", "GUARDED", "UNGUARDED", "LOCKING", "Plan", "plan_unit",
    "check_constant", "check_dtype", "resolve_constant", "root_of",
]


class _Unconsumed:
    """``Vertex._grad`` of a tensor whose current graph vertex no op has used
    yet (reads as ``grad is None``): an in-place overwrite of such a tensor
    can forget its old vertex, since no consumer can reach it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCONSUMED"


UNCONSUMED = _Unconsumed()


class Lock(IntEnum):
    """``Vertex._lock``. For a root tensor: the state of its memory family's
    handed-out arrays (see :mod:`mygrad._core.memory_guard`). For a view: whether
    its own array was registered with its root (``EXPOSED``) or not."""

    HIDDEN = 0  # no array of the memory was handed out: nothing to lock
    EXPOSED = 1  # arrays were handed out; writeable now
    LOCKED = 2  # handed-out arrays are read-only: a live graph depends on the memory


#: what one reading node adds to ``Vertex._needs``: nodes made with the memory
#: guard on count in the low bits (they lock), nodes made with it off in the
#: high bits (their values are still preserved by in-place ops, but lock nothing)
GUARDED = 1
UNGUARDED = 1 << 32
LOCKING = UNGUARDED - 1


def plan_unit(guard: bool) -> int:
    return GUARDED if guard else UNGUARDED


class Plan(NamedTuple):
    """What a recorded node does during backprop and holds until then
    (``Vertex._plan`` of its output).

    ``grads``     indices of the inputs that receive gradients
    ``reads``     indices of the inputs whose values its gradient rules read
                  (each holds a *need* on that input: see ``Vertex._needs``)
    ``reads_out`` whether the rules read the node's output (a need on it)
    ``unit``      what each need counts: ``GUARDED`` or ``UNGUARDED``
    """

    grads: tuple
    reads: tuple
    reads_out: bool
    unit: int


class Vertex:
    """The graph and memory state of a tensor (:class:`mygrad.Tensor`
    subclasses it; the core's mechanisms only read and write these slots).

    ``_data``     the ndarray
    ``_constant`` a constant never receives a gradient
    ``_op``       the op that made the current vertex (None for a leaf); it
                  has ``backprop(tensor, grad)``
    ``_inputs``   the op's inputs (tensors and Python scalars)
    ``_saved``    what the op saved for backprop (keyword arguments, a mask)
    ``_plan``     the op's :class:`Plan`
    ``_grad``     the gradient (or ``UNCONSUMED``: no op used this vertex yet)
    ``_seq``      when the vertex was made (a global clock); ``-seq`` of the
                  clear once its graph was cleared
    ``_needs``    how many live nodes read this tensor's values (``GUARDED`` /
                  ``UNGUARDED`` units)
    ``_lock``     :class:`Lock` state
    ``_ext``      the :class:`Ext` record, or None
    """

    __slots__ = ("_data", "_constant", "_op", "_inputs", "_saved", "_grad", "_seq", "_needs", "_lock", "_plan",
                 "_ext", "__weakref__")


class Ext:
    """Per-tensor state that most tensors never need; allocated for views,
    tensors with views, tensors mutated in place or whose arrays were handed
    out, and internal (hidden) graph vertices.

    Views
        ``base``           the root tensor of a view (None for a non-view)
        ``parent``         the tensor this view was taken from
        ``steps``          the view steps ``[(op, kwargs), ...]`` that make it
                           from its parent, whose shape was ``parent_shape`` then
        ``base_version``   the root's ``version`` when this view's vertex was made
        ``grad_cache``     the cached gradient view ``(base_grad, view_of_it)``
        ``grad_nulled_at`` the base gradient that was current when this view's
                           gradient was nulled
    Roots
        ``version`` number of in-place mutations of the memory so far
        ``needy``   the views whose values a live graph reads, by id
        ``views``   the views made of this tensor (weakly)
        ``exposed`` weak references to handed-out arrays over this memory
                    (other than the root's current array)
        ``held``    the arrays the memory guard currently locks for the family
    Graph vertices
        ``hist``    in-place history: the vertices that represented this
                    tensor before each change of vertex
        ``hidden``  an internal vertex the user never sees
        ``live``    (placeholders) the array whose old values this
                    placeholder keeps a copy of
    """

    __slots__ = ("base", "parent", "steps", "parent_shape", "version", "needy", "base_version", "hist",
                 "grad_cache", "grad_nulled_at", "hidden", "views", "exposed", "held", "live")

    def __init__(self) -> None:
        self.base = None
        self.parent = None
        self.steps = None
        self.parent_shape = None
        self.version = 0
        self.needy = None
        self.base_version = 0
        self.hist = None
        self.grad_cache = None
        self.grad_nulled_at = None
        self.hidden = False
        self.views = None
        self.exposed = None
        self.held = None
        self.live = None


def ext(t: Vertex) -> Ext:
    """``t``'s extension record, created on first use."""
    x = t._ext
    if x is None:
        x = t._ext = Ext()
    return x


def root_of(t: Vertex) -> Vertex:
    """The root tensor of ``t``'s memory (``t`` unless it is a view)."""
    x = t._ext
    if x is not None and x.base is not None:
        return x.base
    return t


# ------------------------------------------------------------ data rules
_REAL_KINDS = frozenset("fiub")


def check_constant(constant: Any) -> None:
    if constant is not None and type(constant) is not bool:
        raise TypeError(f"`constant` must be None or a bool, got {constant!r} ({type(constant).__name__})")


def check_dtype(arr: np.ndarray) -> None:
    """While tracking, tensors hold real numbers or booleans only."""
    if arr.dtype.kind not in _REAL_KINDS:
        raise TypeError(
            "Tensor data must be of a floating type, integer type, or boolean type; "
            f"got dtype {arr.dtype} (complex, string, object and datetime data are only "
            "allowed inside `mygrad.no_autodiff`)"
        )


def resolve_constant(constant: bool | None, arr: np.ndarray, tracking: bool = True) -> bool:
    """The constant flag of a tensor holding ``arr``: by default constant
    unless floating point; ``constant=False`` is refused for integer and
    boolean data while tracking (they have no gradient)."""
    if constant is None:
        return arr.dtype.kind != "f"
    if type(constant) is not bool:
        check_constant(constant)
    if not constant and tracking and arr.dtype.kind != "f":
        raise ValueError(
            "Integer-valued tensors must be treated as constants: `constant=False` "
            f"is not allowed for dtype {arr.dtype}"
        )
    return constant
