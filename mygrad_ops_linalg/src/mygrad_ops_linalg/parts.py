"""How factorisations with several results (``qr``, ``eigh``, ``svd``) are
differentiated: one hidden op computes all results into one packed array
(see :func:`mygrad_ops_linalg._common.pack`), and each public result is a
copy of its part of it, made by the hidden op ``_linalg_part`` below.

Backpropagating ``loss = f(Q) + g(R)`` sends both parts' gradients into the
packed array's gradient (zero for a part the loss does not use), so the
factorisation's gradient rule runs once with both.
"""

import numpy as np

from mygrad.plugin import function_op, reads


@reads()  # (the packed input's shape only)
def _part_grad(g, out, packed, start, stop, shape):
    grad = np.zeros(np.shape(packed), dtype=g.dtype)
    grad[..., start:stop] = g.reshape(grad.shape[:-1] + (stop - start,))  # (not -1: the batch may be empty)
    return grad


def _part_shapes(draw):
    from hypothesis import strategies as st

    return ((draw(st.integers(1, 3)), 6),)


@function_op(None, grads=[_part_grad], name="_linalg_part", namespaces=(),
             reference=lambda p, start, stop, shape: p[..., start:stop].reshape(shape).copy(),
             conformance={"shapes": _part_shapes,
                          "kwargs": lambda draw, shapes: {"start": 1, "stop": 5,
                                                          "shape": (shapes[0][0], 2, 2)}})
def part(packed, start, stop, shape):
    """Entries ``start:stop`` of the last axis of ``packed``, reshaped to
    ``shape`` (a new array)."""
    return packed[..., start:stop].reshape(shape).copy()


def split(packed, batch, shapes):
    """The parts (tensors) of a packed tensor: one per shape in ``shapes``,
    each preceded by the ``batch`` axes."""
    parts, start = [], 0
    for s in shapes:
        size = int(np.prod(s, dtype=np.int64))
        parts.append(part(packed, start=start, stop=start + size, shape=tuple(batch) + tuple(s)))
        start += size
    return parts


DECLARATIONS = [part]
