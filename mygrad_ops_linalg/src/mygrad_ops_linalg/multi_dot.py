"""``multi_matmul`` (mygrad's name) and ``linalg.multi_dot`` (NumPy's): the
product of a chain of matrices, multiplied in the cheapest order (the
classic dynamic programme over the chain's shapes, as
:func:`numpy.linalg.multi_dot` does). The products are ``matmul`` ops, so
the backward pass costs what the forward pass does.
"""

import numpy as np

import mygrad as mg
from mygrad.plugin import composite_op

from mygrad_ops_linalg._common import LINALG, TOP
from mygrad_ops_linalg.matmul import matmul
from mygrad_ops_linalg.products import dot


def chain_order(dims):
    """``split[i][j]``: where the cheapest product of matrices ``i..j`` is
    split, for matrices of shapes ``(dims[k], dims[k + 1])``."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            best = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if best is None or c < best:
                    best, split[i][j] = c, k
            cost[i][j] = best
    return split


def _ndim(x):
    return x.ndim if isinstance(x, mg.Tensor) else np.ndim(x)


def _shape(x):
    return x.shape if isinstance(x, mg.Tensor) else np.shape(x)


def _chain(arrays, constant=None, out=None):
    n = len(arrays)
    if n < 2:
        raise ValueError("Expecting at least two arrays.")
    for pos, x in enumerate(arrays):
        nd = _ndim(x)
        ends = pos in (0, n - 1)
        if nd != 2 and not (ends and nd == 1):
            raise np.linalg.LinAlgError(f"{nd}-dimensional array given. Array must be two-dimensional")
    shapes = [_shape(x) for x in arrays]
    dims = [shapes[0][0] if len(shapes[0]) == 2 else 1]
    for s in shapes[:-1]:
        dims.append(s[-1])
    dims.append(shapes[-1][1] if len(shapes[-1]) == 2 else 1)
    split = chain_order(dims) if n > 2 else None

    def product(i, j, last):
        if i == j:
            return arrays[i]
        k = split[i][j] if split is not None else i
        left, right = product(i, k, False), product(k + 1, j, False)
        if last:
            return matmul(left, right, out=out, constant=constant)
        return matmul(left, right, constant=constant)

    return product(0, n - 1, True)


def _multi_matmul(tensors, *, constant=None):
    """The product of a chain of matrices in the cheapest order, like
    :func:`numpy.linalg.multi_dot`: at least two operands, 2-D except that
    the first may be a 1-D row and the last a 1-D column.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 2.]])
    >>> b = mg.tensor([[1., 0.], [0., 1.]])
    >>> c = mg.tensor([[3.], [4.]])
    >>> mg.multi_matmul([a, b, c])
    Tensor([[11.]])
    >>> mg.multi_matmul([a, b, c]).backward()
    >>> a.grad
    array([[3., 4.]])
    """
    return _chain(list(tensors), constant=constant)


def _multi_dot(arrays, *, out=None, constant=None):
    """The product of a chain of matrices in the cheapest order, like
    :func:`numpy.linalg.multi_dot` (see :func:`mygrad.multi_matmul`). As in
    NumPy, two operands are simply ``dot(a, b)`` (any shapes ``dot``
    takes, e.g. a stack of matrices times a matrix).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.multi_dot([mg.tensor([1., 2.]), mg.tensor([[1., 0.], [0., 1.]]), mg.tensor([3., 4.])])
    Tensor(11.)
    """
    arrays = list(arrays)
    if len(arrays) == 2:  # (NumPy's multi_dot checks no dimensions here)
        if out is None:
            return dot(arrays[0], arrays[1], constant=constant)
        return dot(arrays[0], arrays[1], out=out, constant=constant)
    return _chain(arrays, constant=constant, out=out)


def _chain_shapes(draw):
    """2 to 4 chained matrices; the first may be a 1-D row, the last a 1-D column."""
    from hypothesis import strategies as st

    dims = draw(st.lists(st.integers(1, 3), min_size=3, max_size=5))
    shapes = [(m, n) for m, n in zip(dims, dims[1:])]
    if draw(st.booleans()):
        shapes[0] = shapes[0][1:]
    if draw(st.booleans()):
        shapes[-1] = shapes[-1][:1]
    return tuple(shapes)


#: (the operands come as one list)
_CHAIN = {"shapes": _chain_shapes, "call": lambda f, *xs: f(list(xs))}

multi_matmul = composite_op(_multi_matmul, name="multi_matmul", namespaces=TOP,
                            conformance={**_CHAIN, "reference": np.linalg.multi_dot})
multi_dot = composite_op(_multi_dot, name="multi_dot", namespaces=LINALG, numpy=np.linalg.multi_dot,
                         conformance=_CHAIN)

DECLARATIONS = [multi_matmul, multi_dot]
