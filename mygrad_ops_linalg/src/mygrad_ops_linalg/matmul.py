"""``matmul`` (a ufunc, also the ``@`` operator) and ``np.linalg.matmul``.

The gradient rules handle NumPy's 1-D promotions themselves and sum the
batch axes that broadcasting added, so each returns exactly its input's
shape.
"""

import numpy as np

from mygrad.plugin import composite_op, reads, ufunc_op

from mygrad_ops_linalg._common import LINALG, TOP, mT, sum_to


def _matmul_shapes(draw):
    """Shapes that ``matmul`` accepts: 1-D or N-D, broadcast batch axes."""
    from hypothesis.extra.numpy import mutually_broadcastable_shapes

    return draw(mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=3)).input_shapes


@reads(inputs=[1])  # (the first input's shape only)
def _grad_a(g, out, a, b, axes=None, axis=None, keepdims=False):
    # (NumPy refused any `axis`/`keepdims` but the defaults for matmul)
    if axes is not None:
        return _in_default_layout(_grad_a, 0, g, a, b, axes)
    a_nd, b_nd = a.ndim, b.ndim  # (matmul's operands are arrays: it refuses scalars)
    if a_nd == 2 and b_nd == 2:  # (the common case, first)
        return g @ b.T
    if b_nd == 1:
        if a_nd == 1:
            return g * b
        return sum_to(g[..., :, None] * b, np.shape(a))
    if a_nd == 1:
        return sum_to((g[..., None, :] @ mT(b))[..., 0, :], np.shape(a))
    if a_nd == 2 and g.ndim > 2:
        # a matrix shared by a batch: one product over the batch and the columns
        bb = np.broadcast_to(b, g.shape[:-2] + np.shape(b)[-2:])
        return np.tensordot(g, bb, axes=(tuple(range(g.ndim - 2)) + (g.ndim - 1,),
                                         tuple(range(g.ndim - 2)) + (g.ndim - 1,)))
    return sum_to(g @ mT(b), np.shape(a))


@reads(inputs=[0])  # (the second input's shape only)
def _grad_b(g, out, a, b, axes=None, axis=None, keepdims=False):
    if axes is not None:
        return _in_default_layout(_grad_b, 1, g, a, b, axes)
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 2 and b_nd == 2:
        return a.T @ g
    if a_nd == 1:
        if b_nd == 1:
            return g * a
        return sum_to(a[:, None] * g[..., None, :], np.shape(b))
    if b_nd == 1:
        return sum_to((mT(a) @ g[..., :, None])[..., 0], np.shape(b))
    if b_nd == 2 and g.ndim > 2:
        # e.g. a batch of inputs times one weight matrix: (B*n, k)^T @ (B*n, m)
        ab = np.broadcast_to(a, g.shape[:-2] + np.shape(a)[-2:])
        if ab.flags.c_contiguous and g.flags.c_contiguous:
            return ab.reshape(-1, ab.shape[-1]).T @ g.reshape(-1, g.shape[-1])
        return np.tensordot(ab, g, axes=(tuple(range(g.ndim - 1)), tuple(range(g.ndim - 1))))
    return sum_to(mT(a) @ g, np.shape(b))


def _core_axes(entry, ncore: int, ndim: int) -> tuple:
    """An ``axes=`` entry of ``matmul`` (an int or a tuple of ``ncore``
    axes; NumPy has checked it) as non-negative axes."""
    axes = (entry,) if isinstance(entry, (int, np.integer)) else tuple(entry)
    return tuple(int(a) % ndim for a in axes) if ncore else ()


def _to_end(arr, axes: tuple):
    """``arr`` with ``axes`` moved to the end, in their order (a view)."""
    return np.moveaxis(arr, axes, range(arr.ndim - len(axes), arr.ndim)) if axes else arr


def _in_default_layout(rule, which: int, g, a, b, axes):
    """``rule``'s gradient for operand ``which`` of ``matmul(a, b, axes=axes)``:
    the operands' and the gradient's core axes moved to the end (NumPy's
    default layout), the result moved back to the operand's layout."""
    ca, cb = min(a.ndim, 2), min(b.ndim, 2)
    axes = list(axes)
    core_a = _core_axes(axes[0], ca, a.ndim)
    core_b = _core_axes(axes[1], cb, b.ndim)
    core_g = _core_axes(axes[2], ca + cb - 2, g.ndim) if len(axes) > 2 else ()
    grad = rule(_to_end(g, core_g), None, _to_end(a, core_a), _to_end(b, core_b))
    core, nd = (core_a, a.ndim) if which == 0 else (core_b, b.ndim)
    return np.moveaxis(grad, range(nd - len(core), nd), core) if core else grad


matmul = ufunc_op(
    np.matmul, _grad_a, _grad_b,
    keywords={"axes": None, "axis": None, "keepdims": False},
    namespaces=TOP,
    operators=("__matmul__", "__rmatmul__", "__imatmul__"),
    conformance={"shapes": _matmul_shapes},
    doc="""Matrix product of two tensors (like the ufunc :data:`numpy.matmul`; also ``a @ b``).

    NumPy's rules apply: 1-D operands are promoted to a row (first operand)
    or a column (second) and the added axis is removed from the result; the
    leading (batch) axes broadcast. ``out=`` and ``dtype=`` work as for any
    mygrad ufunc; NumPy's ``matmul`` takes no ``where``. NumPy's ``axes=``
    (which axes of each operand and of the result hold the matrices) works
    and is differentiated.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 2.], [3., 4.]])
    >>> b = mg.tensor([1., -1.])
    >>> a @ b
    Tensor([-1., -1.])
    >>> (a @ b).sum().backward()
    >>> a.grad
    array([[ 1., -1.],
           [ 1., -1.]])
    >>> b.grad
    array([4., 6.])
    """,
)


def _linalg_matmul(x1, x2, /, *, constant=None):
    """Matrix product, like :func:`numpy.linalg.matmul` (the array-API form
    of :func:`mygrad.matmul`: no ``out``/``dtype``).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.matmul(mg.tensor([[1., 2.]]), mg.tensor([[3.], [4.]]))
    Tensor([[11.]])
    """
    return matmul(x1, x2, constant=constant)


linalg_matmul = composite_op(_linalg_matmul, name="matmul", namespaces=LINALG, numpy=np.linalg.matmul,
                             conformance={"nin": 2, "shapes": _matmul_shapes})

DECLARATIONS = [matmul, linalg_matmul]
