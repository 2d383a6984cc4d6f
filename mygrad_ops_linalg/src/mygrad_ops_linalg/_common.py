"""Shared helpers of the linear-algebra pack (NumPy only, no tensors)."""

import numpy as np

#: top-level names (``mg.matmul``) and ``np.linalg`` names (``mg.linalg.inv``)
TOP = ("mygrad",)
LINALG = ("mygrad.linalg",)

#: dtypes NumPy's LAPACK-backed functions accept (float16 raises TypeError)
LAPACK_DTYPES = (np.float32, np.float64)


def mT(x):
    """The matrix transpose over the last two axes (a view)."""
    return np.swapaxes(x, -1, -2)


def sum_to(x, shape):
    """Sum ``x`` down to ``shape`` (undo broadcasting: leading axes, and axes
    that are 1 in ``shape``)."""
    shape = tuple(shape)
    if x.shape == shape:
        return x
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1
    )
    if axes:
        x = x.sum(axis=axes, keepdims=True)
    return x.reshape(shape)


def fold_triangle(s, lower=True):
    """The gradient of a function that reads only one triangle of its square
    input (NumPy's ``cholesky``, ``eigh``: ``UPLO='L'`` reads the lower one),
    given ``s``, its gradient as a function of a general (unsymmetric) matrix
    evaluated at the symmetric matrix built from that triangle.

    Entry ``(i, j)`` off the diagonal of the read triangle stands for both
    ``(i, j)`` and ``(j, i)``: it gets ``s[i, j] + s[j, i]``; the diagonal gets
    ``s[i, i]``; the unread triangle gets 0.
    """
    both = s + mT(s)
    n = s.shape[-1]
    both[..., np.arange(n), np.arange(n)] = np.diagonal(s, axis1=-2, axis2=-1)
    return np.tril(both) if lower else np.triu(both)


def solve_right(x, r):
    """``x @ inv(r)`` computed with a solve: ``(r^T \\ x^T)^T``."""
    return mT(np.linalg.solve(mT(r), mT(x)))


def pack(batch, *arrays):
    """Several results of one factorisation in one array: each is flattened
    over its matrix axes and they are joined along a last axis (the leading
    ``batch`` axes stay)."""
    # (explicit sizes, not -1: a batch may be empty)
    nb = len(batch)
    return np.concatenate([np.reshape(a, batch + (int(np.prod(np.shape(a)[nb:], dtype=np.int64)),))
                           for a in arrays], axis=-1)


def unpack(packed, batch, shapes):
    """Split an array made by :func:`pack` back into arrays of ``shapes``
    (each preceded by the ``batch`` axes)."""
    parts, start = [], 0
    for s in shapes:
        size = int(np.prod(s, dtype=np.int64))
        parts.append(packed[..., start:start + size].reshape(batch + tuple(s)))
        start += size
    return parts


def square_check(a, name):
    """NumPy's errors for an input that is not a stack of square matrices."""
    nd = np.ndim(a)
    if nd < 2:
        raise np.linalg.LinAlgError(
            f"{nd}-dimensional array given. Array must be at least two-dimensional")
    m, n = np.shape(a)[-2:]
    if m != n:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
