"""Tensor state that every layer of the core reads: the rarely-needed
extension record of a tensor (:class:`Ext`) and the ``UNCONSUMED`` marker.

This module imports nothing from mygrad: it is the bottom of the core.
"""

from __future__ import annotations

__all__ = ["Ext", "ext", "UNCONSUMED"]


class _Unconsumed:
    """``Tensor._grad`` of a tensor whose current graph vertex no op has used
    yet (reads as ``grad is None``): an in-place overwrite of such a tensor
    can forget its old vertex, since no consumer can reach it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCONSUMED"


UNCONSUMED = _Unconsumed()


class Ext:
    """Per-tensor state that most tensors never need; allocated for views,
    tensors with views, tensors mutated in place or whose arrays were handed
    out, and internal (hidden) graph vertices.

    Views
        ``base``    the root tensor of a view (None for a non-view)
        ``parent``  the tensor this view was taken from; ``steps`` the view
                    steps ``[(op, kwargs), ...]`` that make it from its parent,
                    whose shape was ``parent_shape`` then
        ``base_version``    the root's ``version`` when this view's vertex was made
        ``grad_cache``  the cached gradient view ``(base_grad, view_of_it)``
        ``grad_nulled_at``   the base gradient that was current when this view's
                    gradient was nulled
    Roots
        ``version`` number of in-place mutations of the memory so far
        ``needy``   the views whose values a live graph reads, by id
        ``views``   weak references to the views made of this tensor
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

    __slots__ = ("base", "parent", "steps", "parent_shape", "version", "needy", "base_version", "hist", "grad_cache", "grad_nulled_at",
                 "hidden", "views", "exposed", "held", "live")

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


def ext(t) -> Ext:
    """``t``'s extension record, created on first use."""
    x = t._ext
    if x is None:
        x = t._ext = Ext()
    return x
