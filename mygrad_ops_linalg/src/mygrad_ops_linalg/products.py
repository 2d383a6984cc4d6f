"""Products: dot (also ``Tensor.dot``), vdot, inner, outer, tensordot, kron,
and the array-API forms ``linalg.outer``, ``linalg.tensordot``,
``linalg.vecdot``; the generalized ufunc ``vecdot`` (top level) and
``matvec``/``vecmat`` (top level; ``matmul`` with a vector made a column or a
row).

``dot`` and ``inner`` are tensor contractions, so their gradients are
``tensordot`` s of the upstream gradient with the other operand (transposed
back into the operand's axis order).
"""

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

import mygrad as mg
from mygrad.plugin import composite_op, function_op, reads, ufunc_op

from mygrad_ops_linalg._common import LINALG, TOP, sum_to
from mygrad_ops_linalg.matmul import matmul


# ----------------------------------------------------------------- tensordot
def _axes_pair(axes, a_nd, b_nd):
    """NumPy's ``axes`` argument of tensordot as two lists of non-negative axes."""
    try:
        n = operator.index(axes)
    except TypeError:
        ax_a, ax_b = axes
        ax_a = [ax_a] if np.ndim(ax_a) == 0 else list(ax_a)
        ax_b = [ax_b] if np.ndim(ax_b) == 0 else list(ax_b)
    else:
        ax_a = list(range(a_nd - n, a_nd)) if n > 0 else []
        ax_b = list(range(n)) if n > 0 else []
    return [int(i) % max(a_nd, 1) for i in ax_a], [int(i) % max(b_nd, 1) for i in ax_b]


def _contract_grad_a(g, a, b, ax_a, ax_b):
    """dL/da for ``out = tensordot(a, b, (ax_a, ax_b))``."""
    na, nb = np.ndim(a), np.ndim(b)
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    nfa = len(free_a)
    t = np.tensordot(g, b, axes=(list(range(nfa, nfa + len(free_b))), free_b))
    # t's axes: a's free axes, then b's contracted axes in increasing order
    order = sorted(ax_b)
    src = [0] * na
    for j, ax in enumerate(free_a):
        src[ax] = j
    for ax, bx in zip(ax_a, ax_b):
        src[ax] = nfa + order.index(bx)
    return np.transpose(t, src)


def _contract_grad_b(g, a, b, ax_a, ax_b):
    """dL/db for ``out = tensordot(a, b, (ax_a, ax_b))``."""
    na, nb = np.ndim(a), np.ndim(b)
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    nfa = len(free_a)
    t = np.tensordot(a, g, axes=(free_a, list(range(nfa))))
    # t's axes: a's contracted axes in increasing order, then b's free axes
    order = sorted(ax_a)
    src = [0] * nb
    for ax, axa in zip(ax_b, ax_a):
        src[ax] = order.index(axa)
    for j, ax in enumerate(free_b):
        src[ax] = len(ax_a) + j
    return np.transpose(t, src)


def _tensordot_kwargs(draw, shapes):
    return {"axes": draw_axes(draw, shapes)}


def draw_axes(draw, shapes):
    from hypothesis import strategies as st

    a, b = shapes
    n = 0
    while n < min(len(a), len(b)) and a[len(a) - 1 - n] == b[n] and n < 2:
        n += 1
    return draw(st.integers(0, n))


def _tensordot_shapes(draw):
    from hypothesis import strategies as st

    shared = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    left = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    right = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    return tuple(left + shared), tuple(shared + right)


@function_op(np.tensordot,
             grads=[lambda g, out, a, b, axes=2: _contract_grad_a(g, a, b, *_axes_pair(axes, np.ndim(a), np.ndim(b))),
                    lambda g, out, a, b, axes=2: _contract_grad_b(g, a, b, *_axes_pair(axes, np.ndim(a), np.ndim(b)))],
             nin=2, namespaces=TOP,
             conformance={"shapes": _tensordot_shapes, "kwargs": _tensordot_kwargs})
def tensordot(a, b, axes=2):
    """Sum products over the given axes (like :func:`numpy.tensordot`):
    ``axes`` is an int N (the last N axes of ``a`` with the first N of
    ``b``) or a pair of axis sequences.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 2.], [3., 4.]])
    >>> b = mg.tensor([[1., 0.], [0., 1.]])
    >>> mg.tensordot(a, b, axes=2)
    Tensor(5.)
    >>> mg.tensordot(a, b, axes=([0], [1])).backward()
    >>> a.grad
    array([[1., 1.],
           [1., 1.]])
    """
    return np.tensordot(a, b, axes)


@function_op(np.linalg.tensordot,
             grads=[lambda g, out, x1, x2, axes=2: _contract_grad_a(g, x1, x2, *_axes_pair(axes, np.ndim(x1), np.ndim(x2))),
                    lambda g, out, x1, x2, axes=2: _contract_grad_b(g, x1, x2, *_axes_pair(axes, np.ndim(x1), np.ndim(x2)))],
             nin=2, name="tensordot", namespaces=LINALG,
             conformance={"shapes": _tensordot_shapes, "kwargs": _tensordot_kwargs})
def linalg_tensordot(x1, x2, /, *, axes=2):
    """Sum products over the given axes, like :func:`numpy.linalg.tensordot`
    (the array-API form of :func:`mygrad.tensordot`).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.tensordot(mg.tensor([1., 2.]), mg.tensor([3., 4.]), axes=1)
    Tensor(11.)
    """
    return np.linalg.tensordot(x1, x2, axes=axes)


# ----------------------------------------------------------------------- dot
def _dot_axes(a_nd, b_nd):
    """``dot``'s contraction as tensordot axes (both operands at least 1-D)."""
    return [a_nd - 1], [max(b_nd - 2, 0)]


def _dot_grad_a(g, out, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return sum_to(np.asarray(g * b), np.shape(a)) if np.ndim(a) == 0 else g * b
    return _contract_grad_a(g, a, b, *_dot_axes(np.ndim(a), np.ndim(b)))


def _dot_grad_b(g, out, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return sum_to(np.asarray(g * a), np.shape(b)) if np.ndim(b) == 0 else g * a
    return _contract_grad_b(g, a, b, *_dot_axes(np.ndim(a), np.ndim(b)))


def _dot_shapes(draw):
    """``(..., k)`` with ``(k,)`` or ``(..., k, m)``; sometimes a 0-d operand."""
    from hypothesis import strategies as st

    k = draw(st.integers(1, 3))
    side = st.integers(1, 3)
    a = tuple(draw(st.lists(side, max_size=2))) + (k,)
    b = (k,) if draw(st.booleans()) else tuple(draw(st.lists(side, max_size=1))) + (k, draw(side))
    if draw(st.integers(0, 4)) == 0:
        a = ()
    return a, b


@function_op(np.dot, grads=[_dot_grad_a, _dot_grad_b], nin=2, namespaces=TOP, methods=("dot",),
             conformance={"shapes": _dot_shapes})
def dot(a, b, out=None):
    """Dot product (like :func:`numpy.dot`; also ``Tensor.dot``): for 2-D
    operands the matrix product, for 1-D ones the inner product, for N-D
    ones a sum over the last axis of ``a`` and the second-to-last of ``b``;
    a 0-d operand multiplies.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3.])
    >>> x.dot(x)
    Tensor(14.)
    >>> mg.dot(x, x).backward()
    >>> x.grad
    array([2., 4., 6.])
    """
    return np.dot(a, b)


@function_op(np.vdot,
             grads=[lambda g, out, a, b: np.reshape(g * np.ravel(b), np.shape(a)),
                    lambda g, out, a, b: np.reshape(g * np.ravel(a), np.shape(b))],
             nin=2, namespaces=TOP,
             conformance={"shapes": [((3,), (3,)), ((2, 3), (6,)), ((2, 2), (2, 2)), ((), ())]})
def vdot(a, b, /):
    """Dot product of the flattened operands (like :func:`numpy.vdot`; real
    tensors, so no conjugation).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.vdot(mg.tensor([[1., 2.], [3., 4.]]), mg.tensor([1., 1., 1., 1.]))
    Tensor(10.)
    """
    return np.vdot(a, b)


def _inner_grad_a(g, out, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return sum_to(np.asarray(g * b), np.shape(a)) if np.ndim(a) == 0 else g * b
    return _contract_grad_a(g, a, b, [np.ndim(a) - 1], [np.ndim(b) - 1])


def _inner_grad_b(g, out, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return sum_to(np.asarray(g * a), np.shape(b)) if np.ndim(b) == 0 else g * a
    return _contract_grad_b(g, a, b, [np.ndim(a) - 1], [np.ndim(b) - 1])


def _inner_shapes(draw):
    from hypothesis import strategies as st

    k = draw(st.integers(1, 3))
    side = st.integers(1, 3)
    a = tuple(draw(st.lists(side, max_size=2))) + (k,)
    b = tuple(draw(st.lists(side, max_size=2))) + (k,)
    return ((), b) if draw(st.integers(0, 4)) == 0 else (a, b)


@function_op(np.inner, grads=[_inner_grad_a, _inner_grad_b], nin=2, namespaces=TOP,
             conformance={"shapes": _inner_shapes})
def inner(a, b, /):
    """Inner product over the last axes (like :func:`numpy.inner`): the
    result has the shape ``a.shape[:-1] + b.shape[:-1]``.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.inner(mg.tensor([[1., 2.], [3., 4.]]), mg.tensor([1., 10.]))
    Tensor([21., 43.])
    """
    return np.inner(a, b)


# --------------------------------------------------------------------- outer
@function_op(np.outer,
             grads=[lambda g, out, a, b: np.reshape(g @ np.ravel(b), np.shape(a)),
                    lambda g, out, a, b: np.reshape(np.ravel(a) @ g, np.shape(b))],
             nin=2, namespaces=TOP,
             conformance={"shapes": [((3,), (2,)), ((2, 2), (3,)), ((), (2,)), ((1,), (2, 1))]})
def outer(a, b, out=None):
    """Outer product of the flattened operands (like :func:`numpy.outer`).

    Examples
    --------
    >>> import mygrad as mg
    >>> a, b = mg.tensor([1., 2.]), mg.tensor([1., 0., -1.])
    >>> mg.outer(a, b)
    Tensor([[ 1.,  0., -1.],
            [ 2.,  0., -2.]])
    >>> mg.outer(a, b).backward()
    >>> a.grad
    array([0., 0.])
    """
    return np.outer(a, b)


@function_op(np.linalg.outer,
             grads=[lambda g, out, x1, x2: g @ x2, lambda g, out, x1, x2: x1 @ g],
             nin=2, name="outer", namespaces=LINALG,
             conformance={"shapes": [((3,), (2,)), ((1,), (4,)), ((2,), (2,))]})
def linalg_outer(x1, x2, /):
    """Outer product of two 1-D tensors, like :func:`numpy.linalg.outer`
    (which, unlike :func:`numpy.outer`, refuses other dimensions).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.outer(mg.tensor([1., 2.]), mg.tensor([3., 4.]))
    Tensor([[3., 4.],
            [6., 8.]])
    """
    return np.linalg.outer(x1, x2)


# -------------------------------------------------------------------- vecdot
def _vecdot_grad(g, other, shape, axis):
    """dL/d(one operand) of ``vecdot``, given the ``other`` operand. As in
    NumPy, ``axis`` is taken relative to each operand's own dimensions (its
    vector axis is moved last, the remaining axes broadcast)."""
    own = normalize_axis_index(axis, len(shape))
    moved = tuple(s for i, s in enumerate(shape) if i != own) + (shape[own],)
    r = np.asarray(g)[..., None] * np.moveaxis(other, axis, -1)
    return np.moveaxis(sum_to(r, moved), -1, own)


def _vecdot_shapes(draw):
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import mutually_broadcastable_shapes

    shapes = draw(mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=3)).input_shapes
    k = draw(st.integers(1, 3))
    return tuple(s[:-1] + (k,) for s in shapes)


@function_op(np.linalg.vecdot,
             grads=[lambda g, out, x1, x2, axis=-1: _vecdot_grad(g, x2, np.shape(x1), axis),
                    lambda g, out, x1, x2, axis=-1: _vecdot_grad(g, x1, np.shape(x2), axis)],
             nin=2, name="vecdot", namespaces=LINALG, conformance={"shapes": _vecdot_shapes})
def vecdot(x1, x2, /, *, axis=-1):
    """Dot products of vectors along ``axis`` (broadcasting the others),
    like :func:`numpy.linalg.vecdot` (real tensors: no conjugation).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.vecdot(mg.tensor([[1., 2.], [3., 4.]]), mg.tensor([1., -1.]))
    Tensor([-1., -1.])
    """
    return np.linalg.vecdot(x1, x2, axis=axis)


def _ufunc_vecdot_grad(which, g, x1, x2, axes, axis, keepdims):
    """dL/d(operand ``which``) of the ufunc ``np.vecdot(x1, x2, axes=, axis=,
    keepdims=)``: each operand's vector axis moved last, then the rule of
    ``linalg.vecdot``."""
    if axes is not None:
        axes = list(axes)
        own = [axes[0], axes[1]]
        out_axis = axes[2] if len(axes) > 2 else -1
    else:
        own = [-1 if axis is None else axis] * 2
        out_axis = -1 if axis is None else axis
    own = [a[0] if isinstance(a, (tuple, list)) else a for a in own]
    if keepdims:
        out_axis = out_axis[0] if isinstance(out_axis, (tuple, list)) else out_axis
        g = np.squeeze(g, axis=normalize_axis_index(out_axis, np.ndim(g)))
    x, other = (x1, x2) if which == 0 else (x2, x1)
    ax, other_ax = (own[0], own[1]) if which == 0 else (own[1], own[0])
    moved = np.moveaxis(x, ax, -1)
    grad = _vecdot_grad(g, np.moveaxis(other, other_ax, -1), moved.shape, -1)
    return np.moveaxis(grad, -1, normalize_axis_index(ax, np.ndim(x)))


def _ufunc_vecdot_kwargs(draw, shapes):
    from hypothesis import strategies as st

    return draw(st.sampled_from([{}, {"axis": -1}, {"keepdims": True}, {"axes": [-1, -1]}]))


top_vecdot = ufunc_op(
    np.vecdot,
    lambda g, out, x1, x2, axes=None, axis=None, keepdims=False: _ufunc_vecdot_grad(0, g, x1, x2, axes, axis,
                                                                                     keepdims),
    lambda g, out, x1, x2, axes=None, axis=None, keepdims=False: _ufunc_vecdot_grad(1, g, x1, x2, axes, axis,
                                                                                     keepdims),
    name="vecdot", keywords={"axes": None, "axis": None, "keepdims": False}, namespaces=TOP,
    conformance={"shapes": _vecdot_shapes, "kwargs": _ufunc_vecdot_kwargs},
    doc="""Dot products of vectors along the last axis (broadcasting the
    others), like the generalized ufunc :data:`numpy.vecdot` (real tensors:
    no conjugation); see also :func:`mygrad.linalg.vecdot`.

    A ufunc-like object (``out=``, ``dtype=``); NumPy's ``axis=``,
    ``axes=`` and ``keepdims=`` choose the vector axes and are
    differentiated.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.vecdot(x, mg.tensor([1., -1.]))
    Tensor([-1., -1.])
    >>> mg.vecdot(x, x, axis=0).backward()
    >>> x.grad
    array([[2., 4.],
           [6., 8.]])
    """,
)


# ------------------------------------------------------------ matvec, vecmat
def _gufunc_dims(name, x1, x2, need1, need2):
    """NumPy's error for operands (see :func:`as_operand`) with fewer
    dimensions than the core dimensions."""
    for i, (x, need) in enumerate(((x1, need1), (x2, need2))):
        if x.ndim < need:
            raise ValueError(f"{name}: Input operand {i} does not have enough dimensions "
                             f"(has {x.ndim}, gufunc core with signature "
                             f"{'(m,n),(n)->(m)' if name == 'matvec' else '(n),(n,m)->(m)'} requires {need})")


def as_operand(x):
    """An op argument for a composite: a tensor as it is, anything else as an
    array (so that it has ``shape``/``ndim`` and indexes like NumPy)."""
    return x if isinstance(x, mg.Tensor) else np.asarray(x)


def _matvec(x1, x2, /, *, constant=None):
    """Matrix-vector products (batched, broadcasting the leading axes): a
    stack of matrices ``(..., m, n)`` times a stack of vectors ``(..., n)``
    gives ``(..., m)``, like :data:`numpy.matvec` (NumPy >= 2.2; real
    tensors). Differentiable: ``matmul(x1, x2[..., None])[..., 0]``.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 2.], [3., 4.]])
    >>> v = mg.tensor([1., -1.])
    >>> mg.matvec(a, v)
    Tensor([-1., -1.])
    >>> mg.matvec(a, v).sum().backward()
    >>> v.grad
    array([4., 6.])
    """
    x1, x2 = as_operand(x1), as_operand(x2)
    _gufunc_dims("matvec", x1, x2, 2, 1)
    return matmul(x1, x2[..., None], constant=constant)[..., 0]


def _vecmat(x1, x2, /, *, constant=None):
    """Vector-matrix products (batched, broadcasting the leading axes): a
    stack of vectors ``(..., n)`` times a stack of matrices ``(..., n, m)``
    gives ``(..., m)``, like :data:`numpy.vecmat` (NumPy >= 2.2; real
    tensors, so no conjugation). Differentiable: ``matmul(x1[..., None, :],
    x2)[..., 0, :]``.

    Examples
    --------
    >>> import mygrad as mg
    >>> v = mg.tensor([1., -1.])
    >>> a = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.vecmat(v, a)
    Tensor([-2., -2.])
    >>> mg.vecmat(v, a).sum().backward()
    >>> v.grad
    array([3., 7.])
    """
    x1, x2 = as_operand(x1), as_operand(x2)
    _gufunc_dims("vecmat", x1, x2, 1, 2)
    return matmul(x1[..., None, :], x2, constant=constant)[..., 0, :]


def _matvec_shapes(draw):
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import mutually_broadcastable_shapes

    batch = draw(mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)).input_shapes
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return batch[0] + (m, n), batch[1] + (n,)


def _vecmat_shapes(draw):
    a, v = _matvec_shapes(draw)
    return v, a


# NumPy's ``matvec``/``vecmat`` (2.2+) are not overridden: an override needs the NumPy ufunc,
# and the manifest (which lists the overrides) must not depend on the running NumPy version.
matvec = composite_op(_matvec, name="matvec", namespaces=TOP,
                      reference=lambda a, v: np.matmul(a, v[..., None])[..., 0],
                      conformance={"shapes": _matvec_shapes})
vecmat = composite_op(_vecmat, name="vecmat", namespaces=TOP,
                      reference=lambda v, a: np.matmul(v[..., None, :], a)[..., 0, :],
                      conformance={"shapes": _vecmat_shapes})


# ---------------------------------------------------------------------- kron
def _kron_layout(a, b):
    """Both operands as ``nd``-d shapes, and the interleaved shape
    ``(a0, b0, a1, b1, ...)`` of the result."""
    nd = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + tuple(np.shape(a))
    sb = (1,) * (nd - np.ndim(b)) + tuple(np.shape(b))
    return nd, sa, sb, tuple(x for pair in zip(sa, sb) for x in pair)


def _kron_grad_a(g, out, a, b):
    nd, sa, sb, inter = _kron_layout(a, b)
    gg = np.reshape(g, inter)
    ga = np.tensordot(gg, np.reshape(b, sb), axes=(list(range(1, 2 * nd, 2)), list(range(nd))))
    return ga.reshape(np.shape(a))


def _kron_grad_b(g, out, a, b):
    nd, sa, sb, inter = _kron_layout(a, b)
    gg = np.reshape(g, inter)
    gb = np.tensordot(np.reshape(a, sa), gg, axes=(list(range(nd)), list(range(0, 2 * nd, 2))))
    return gb.reshape(np.shape(b))


@function_op(np.kron, grads=[_kron_grad_a, _kron_grad_b], nin=2, namespaces=TOP,
             conformance={"shapes": [((2,), (3,)), ((2, 2), (2, 3)), ((2,), (2, 2)), ((2, 1, 2), (2,)), ((), (2,))]})
def kron(a, b):
    """Kronecker product (like :func:`numpy.kron`).

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([1., 2.])
    >>> mg.kron(a, mg.tensor([1., 10.]))
    Tensor([ 1., 10.,  2., 20.])
    >>> mg.kron(a, mg.tensor([1., 10.])).backward()
    >>> a.grad
    array([11., 11.])
    """
    return np.kron(a, b)


DECLARATIONS = [tensordot, linalg_tensordot, dot, vdot, inner, outer, linalg_outer, vecdot, top_vecdot, matvec, vecmat,
                kron]
