"""Repeating tensors: repeat and tile.

Both gradients are sums over the copies, vectorised: ``tile`` reshapes the
upstream gradient so that every repetition gets an axis of its own and sums
those axes; ``repeat`` does the same for one repeat count per tensor, and
sums each element's run of copies with :func:`numpy.add.reduceat` for
per-element counts. Neither reads the input's values.
"""

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from mygrad.plugin import function_op, reads

from mygrad_ops_math._common import NAMESPACES as _MATH_NAMESPACES

NAMESPACES = (*_MATH_NAMESPACES, "mygrad.tensor_manip")


def _run_sums(g, counts, axis):
    """Sums of consecutive runs of ``g`` along ``axis``, run ``i`` being
    ``counts[i]`` long (a run of length 0 sums to 0)."""
    n = counts.shape[0]
    out = np.zeros(g.shape[:axis] + (n,) + g.shape[axis + 1:], dtype=g.dtype)
    filled = counts > 0
    if filled.any():
        starts = np.cumsum(counts) - counts
        # (reduceat gives a wrong value for an empty run: those stay 0)
        out[(slice(None),) * axis + (filled,)] = np.add.reduceat(g, starts[filled], axis=axis)
    return out


def _sum_copies(r, axis):
    """``r.sum(axis)``; a short axis is added up slice by slice (NumPy sums
    over a short innermost axis several times slower)."""
    k = r.shape[axis]
    if not 1 <= k <= 4:
        return r.sum(axis=axis)
    lead = (slice(None),) * axis
    total = r[lead + (0,)].copy()
    for i in range(1, k):
        total += r[lead + (i,)]
    return total


@reads()  # only the input's shape
def _repeat_grad(g, out, a, repeats, axis=None):
    shape = np.shape(a)
    if axis is None:  # the input was flattened
        ax, n = 0, int(np.prod(shape))
    else:
        ax = normalize_axis_index(axis, len(shape))
        n = shape[ax]
    counts = np.asarray(repeats)
    if counts.size == 1:  # every element repeated the same number of times
        k = int(counts.reshape(()))
        grad = _sum_copies(g.reshape(g.shape[:ax] + (n, k) + g.shape[ax + 1:]), ax + 1)
    else:
        grad = _run_sums(g, np.broadcast_to(counts, (n,)).astype(np.intp), ax)
    return grad.reshape(shape)


def _repeat_kwargs(draw, shapes):
    """Conformance-check arguments: an axis, and one count (maybe 0) or one
    count per element along the axis (some 0)."""
    from hypothesis import strategies as st

    shape = shapes[0]
    axis = draw(st.sampled_from([None, *range(-len(shape), len(shape))]))
    n = int(np.prod(shape)) if axis is None else shape[axis]
    counts = st.integers(0, 3)
    repeats = draw(counts | st.lists(counts, min_size=n, max_size=n) | st.lists(counts, min_size=1, max_size=1))
    return {"repeats": repeats, "axis": axis}


@function_op(np.repeat, grads=[_repeat_grad], namespaces=NAMESPACES, conformance={"kwargs": _repeat_kwargs})
def repeat(a, repeats, axis=None):
    """Repeat each element of a tensor, like :func:`numpy.repeat`
    (``axis=None`` works on the flattened tensor; ``repeats`` is one count or
    one per element along the axis).

    Each element's gradient is the sum of its copies' gradients.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.repeat(x, 2)
    Tensor([1., 1., 2., 2., 3., 3., 4., 4.])
    >>> y = mg.repeat(x, [1, 3], axis=1)
    >>> y
    Tensor([[1., 2., 2., 2.],
            [3., 4., 4., 4.]])
    >>> y.backward()
    >>> x.grad
    array([[1., 3.],
           [1., 3.]])
    """
    return np.repeat(a, repeats, axis=axis)


def _tile_layout(shape, reps):
    """``(input shape, reps)`` both padded with leading 1s to the result's
    number of dimensions, as :func:`numpy.tile` pads them."""
    reps = tuple(int(r) for r in reps) if np.iterable(reps) else (int(reps),)
    d = max(len(shape), len(reps))
    return (1,) * (d - len(shape)) + tuple(shape), (1,) * (d - len(reps)) + reps


@reads()  # only the input's shape
def _tile_grad(g, out, A, reps):
    shape = np.shape(A)
    padded, r = _tile_layout(shape, reps)
    # one axis per repetition (even positions), one per input axis (odd)
    split = tuple(v for pair in zip(r, padded) for v in pair)
    return g.reshape(split).sum(axis=tuple(range(0, len(split), 2))).reshape(shape)


def _tile_kwargs(draw, shapes):
    from hypothesis import strategies as st

    return {"reps": draw(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=0, max_size=4).map(tuple)))}


@function_op(np.tile, grads=[_tile_grad], namespaces=NAMESPACES, conformance={"kwargs": _tile_kwargs})
def tile(A, reps):
    """Repeat a whole tensor ``reps`` times along each axis, like
    :func:`numpy.tile`.

    Each element's gradient is the sum of its copies' gradients.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2.])
    >>> y = mg.tile(x, (2, 2))
    >>> y
    Tensor([[1., 2., 1., 2.],
            [1., 2., 1., 2.]])
    >>> y.backward()
    >>> x.grad
    array([4., 4.])
    """
    return np.tile(A, reps)


DECLARATIONS = [repeat, tile]
