"""Cross products: ``cross`` (NumPy's ``axisa``/``axisb``/``axisc``/``axis``)
and ``linalg.cross`` (the array-API form).

For ``c = a x b`` the gradients are ``b x G`` (for ``a``) and ``G x a``
(for ``b``); 2-vectors count as 3-vectors with a zero third component (and
a 2-vector-by-2-vector product is the scalar third component, as in NumPy,
which deprecates that case).
"""

import numpy as np

from mygrad.plugin import function_op

from mygrad_ops_linalg._common import LINALG, TOP, sum_to


def _to3(v):
    if v.shape[-1] == 3:
        return v
    return np.concatenate([v, np.zeros(v.shape[:-1] + (1,), dtype=v.dtype)], axis=-1)


def _cross_grad(which, g, a, b, axisa, axisb, axisc, axis):
    if axis is not None:
        axisa = axisb = axisc = axis
    am = np.moveaxis(np.asarray(a), axisa, -1)
    bm = np.moveaxis(np.asarray(b), axisb, -1)
    if am.shape[-1] == 2 and bm.shape[-1] == 2:
        g3 = np.zeros(np.shape(g) + (3,), dtype=g.dtype)
        g3[..., 2] = g
    else:
        g3 = np.moveaxis(g, axisc, -1)
    if which == 0:
        r, own = np.cross(_to3(bm), g3), am
    else:
        r, own = np.cross(g3, _to3(am)), bm
    r = sum_to(r[..., :own.shape[-1]], own.shape)
    return np.moveaxis(r, -1, axisa if which == 0 else axisb)


def _cross_shapes(draw):
    from hypothesis.extra.numpy import mutually_broadcastable_shapes

    shapes = draw(mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3)).input_shapes
    return tuple(s + (3,) for s in shapes)


def _cross_kwargs(draw, shapes):
    from hypothesis import strategies as st

    if draw(st.booleans()):
        return {"axis": draw(st.sampled_from([-1, len(shapes[0]) - 1])) if len(shapes[0]) == len(shapes[1]) else -1}
    return {"axisa": -1, "axisb": draw(st.sampled_from([-1, len(shapes[1]) - 1])), "axisc": draw(st.sampled_from([0, -1]))}


@function_op(np.cross,
             grads=[lambda g, out, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None:
                    _cross_grad(0, g, a, b, axisa, axisb, axisc, axis),
                    lambda g, out, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None:
                    _cross_grad(1, g, a, b, axisa, axisb, axisc, axis)],
             nin=2, namespaces=TOP, conformance={"shapes": _cross_shapes, "kwargs": _cross_kwargs})
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of (arrays of) 3-vectors, like :func:`numpy.cross`: the
    vectors lie along ``axisa``/``axisb`` (``axis`` sets all three), the
    result's vectors along ``axisc``; the other axes broadcast.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([1., 0., 0.])
    >>> b = mg.tensor([0., 1., 0.])
    >>> mg.cross(a, b)
    Tensor([0., 0., 1.])
    >>> mg.cross(a, b)[2].backward()
    >>> a.grad
    array([1., 0., 0.])
    """
    return np.cross(a, b, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@function_op(np.linalg.cross,
             grads=[lambda g, out, x1, x2, axis=-1: _cross_grad(0, g, x1, x2, -1, -1, -1, axis),
                    lambda g, out, x1, x2, axis=-1: _cross_grad(1, g, x1, x2, -1, -1, -1, axis)],
             nin=2, name="cross", namespaces=LINALG,
             conformance={"shapes": _cross_shapes, "kwargs": {"axis": [-1]}})
def linalg_cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-vectors along ``axis`` (the other axes broadcast),
    like :func:`numpy.linalg.cross`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.cross(mg.tensor([0., 1., 0.]), mg.tensor([0., 0., 1.]))
    Tensor([1., 0., 0.])
    """
    return np.linalg.cross(x1, x2, axis=axis)


DECLARATIONS = [cross, linalg_cross]
