"""The array-API matrix helpers of ``np.linalg``: ``linalg.diagonal`` (a
read-only view, like NumPy's), ``linalg.trace`` and
``linalg.matrix_transpose`` (a view), all over the last two axes; and ``linalg.matrix_rank``
(``np.linalg.matrix_rank`` itself, which on tensors is computed on the arrays: NumPy's integer
result, no derivative).
"""

import numpy as np

from mygrad.plugin import export, function_op, passthrough, reads

from mygrad_ops_linalg._common import LINALG, mT


def _diagonal_index(shape, offset):
    """Row and column indices of the ``offset`` diagonal of the last two axes."""
    n, m = shape[-2:]
    length = max(0, min(n + min(offset, 0), m - max(offset, 0)))
    i = np.arange(length)
    return i - min(offset, 0), i + max(offset, 0)


@reads()  # (the input's shape only)
def _diagonal_grad(g, out, x, offset=0):
    grad = np.zeros(np.shape(x), dtype=g.dtype)
    rows, cols = _diagonal_index(np.shape(x), offset)
    grad[..., rows, cols] = g
    return grad


def _matrix_shapes(draw):
    from hypothesis import strategies as st

    return (tuple(draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))),)


@function_op(np.linalg.diagonal, grads=[_diagonal_grad], name="diagonal", namespaces=LINALG, can_return_view=True,
             read_only_view=True, conformance={"shapes": _matrix_shapes, "kwargs": {"offset": [0, 1, -1, 2]}})
def diagonal(x, /, *, offset=0):
    """The ``offset`` diagonal of the matrices in the last two axes, like
    :func:`numpy.linalg.diagonal`: a read-only view (as NumPy's is).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> d = mg.linalg.diagonal(x)
    >>> d
    Tensor([1., 4.])
    >>> d.base is x
    True
    """
    return np.linalg.diagonal(x, offset=offset)



@reads()  # (the input's shape only)
def _trace_grad(g, out, x, offset=0, dtype=None):
    return _diagonal_grad(np.asarray(g)[..., None], None, x, offset)


@function_op(np.linalg.trace, grads=[_trace_grad], name="trace", namespaces=LINALG,
             conformance={"shapes": _matrix_shapes, "kwargs": {"offset": [0, 1, -1]}})
def trace(x, /, *, offset=0, dtype=None):
    """Sum of the ``offset`` diagonal of the matrices in the last two axes,
    like :func:`numpy.linalg.trace`.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.linalg.trace(x).backward()
    >>> x.grad
    array([[1., 0.],
           [0., 1.]])
    """
    return np.linalg.trace(x, offset=offset, dtype=dtype)


@function_op(np.linalg.matrix_transpose, grads=[lambda g, out, x: mT(g)], name="matrix_transpose",
             namespaces=LINALG, can_return_view=True, conformance={"shapes": _matrix_shapes})
def matrix_transpose(x, /):
    """Transpose the matrices in the last two axes (a view), like
    :func:`numpy.linalg.matrix_transpose`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.matrix_transpose(mg.tensor([[1., 2.]]))
    Tensor([[1.],
            [2.]])
    """
    return np.linalg.matrix_transpose(x)


#: integer results, no derivative: computed on the arrays, NumPy's result
NON_DIFFERENTIABLE = passthrough(np.linalg.matrix_rank)
#: ``mygrad.linalg.matrix_rank`` is NumPy's function: on tensors it goes through the pass-through
#: above, so both spellings give the same result (``np.int64``, or an integer array for a stack)
MATRIX_RANK = export("matrix_rank", np.linalg.matrix_rank, namespaces=LINALG)

DECLARATIONS = [diagonal, trace, matrix_transpose, NON_DIFFERENTIABLE, MATRIX_RANK]
