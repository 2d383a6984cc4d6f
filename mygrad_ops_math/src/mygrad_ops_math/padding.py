"""Padding: pad, with NumPy's modes ``constant``, ``edge``, ``reflect``,
``symmetric``, ``wrap``, ``linear_ramp`` and ``empty``.

For all of these modes the padded result is separable: along each axis,
every output position either copies one input position (``edge``,
``reflect``, ``symmetric``, ``wrap``), copies it scaled (``linear_ramp``:
the ramp is linear in the edge value), or holds no input value at all
(``constant``, ``empty``). The map from output to input positions along an
axis is found by padding ``arange(n)`` with the same mode, so it follows
NumPy's rules exactly (including pads wider than the axis). The gradient
applies the transposed maps axis by axis: the interior is sliced out, and
the pads' gradients are added onto the positions they copied (a
scatter-add) -- O(size of the result), vectorised.

Not differentiable (``NotImplementedError``): the statistic modes
(``maximum``, ``mean``, ``median``, ``minimum``), a callable mode, and
``reflect_type="odd"``. ``constant_values``/``end_values`` are constants.
"""

import numpy as np

from mygrad.plugin import function_op, reads

from mygrad_ops_math._common import NAMESPACES as _MATH_NAMESPACES
from mygrad_ops_math.selection import scatter_add_along

NAMESPACES = (*_MATH_NAMESPACES, "mygrad.tensor_manip")

_NoValue = np._NoValue

#: modes whose pads copy input elements / hold no input values
_COPYING = ("edge", "reflect", "symmetric", "wrap")
_FILLING = ("constant", "empty")
MODES = (*_FILLING, *_COPYING, "linear_ramp")


def _pairs(pad_width, ndim):
    """``pad_width`` as ``(before, after)`` per axis (NumPy's broadcasting)."""
    return np.broadcast_to(np.asarray(pad_width, dtype=np.intp), (ndim, 2))


def _axis_map(n, before, after, mode, reflect_type):
    """``(source, weight)`` for the pad positions along one axis of length
    ``n``: the input position each pad copies and its factor (None: 1), or
    ``(None, None)`` if the pads hold no input values."""
    if mode in _FILLING:
        return None, None
    pads = np.r_[0:before, before + n:before + n + after]
    if mode == "linear_ramp":  # a ramp from the end value to the edge value
        weight = np.pad(np.ones(n), (before, after), "linear_ramp", end_values=0)[pads]
        return np.pad(np.arange(n), (before, after), "edge")[pads], weight
    kwargs = {"reflect_type": reflect_type} if mode in ("reflect", "symmetric") else {}
    return np.pad(np.arange(n), (before, after), mode, **kwargs)[pads], None


def _unpad_axis(g, axis, n, before, after, mode, reflect_type):
    """The gradient ``g`` of a result padded along ``axis``, taken back to
    the ``n`` input positions along it."""
    lead = (slice(None),) * axis
    grad = np.array(g[lead + (slice(before, before + n),)])
    source, weight = _axis_map(n, before, after, mode, reflect_type)
    if source is not None and source.size:
        pads = np.r_[0:before, before + n:before + n + after]
        pad_grads = np.take(g, pads, axis=axis)
        if weight is not None:
            pad_grads *= weight.reshape((-1,) + (1,) * (g.ndim - axis - 1)).astype(g.dtype)
        grad += scatter_add_along(grad.shape, axis, source, pad_grads)
    return grad


@reads()  # only the input's shape
def _pad_grad(g, out, array, pad_width, mode="constant", stat_length=_NoValue, constant_values=_NoValue,
              end_values=_NoValue, reflect_type=_NoValue):
    shape = np.shape(array)
    reflect = "even" if reflect_type is _NoValue else reflect_type
    for axis, (before, after) in enumerate(_pairs(pad_width, len(shape))):
        g = _unpad_axis(g, axis, shape[axis], int(before), int(after), mode, reflect)
    return g


def _pad_kwargs(draw, shapes):
    """Conformance-check arguments: every mode, every form of ``pad_width``."""
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    side = st.integers(0, 4)
    forms = [side, st.tuples(side), st.tuples(side, side)]
    if ndim:
        forms.append(st.lists(st.tuples(side, side), min_size=ndim, max_size=ndim).map(tuple))
    pad_width = draw(st.one_of(forms))
    # (not "empty": its pads hold whatever memory they got, nothing to compare)
    mode = draw(st.sampled_from([m for m in MODES if m != "empty"]))
    kwargs = {"pad_width": pad_width, "mode": mode}
    if mode == "constant" and draw(st.booleans()):
        kwargs["constant_values"] = draw(st.sampled_from([1.5, (0.5, -2.0)]))
    if mode == "linear_ramp" and draw(st.booleans()):
        kwargs["end_values"] = draw(st.sampled_from([2.0, (-1.0, 3.0)]))
    if mode in ("reflect", "symmetric") and draw(st.booleans()):
        kwargs["reflect_type"] = "even"
    return kwargs


def _nonempty(draw):
    """Shapes without zero-length axes (NumPy's copying modes refuse to pad those)."""
    from hypothesis import strategies as st

    n = draw(st.integers(0, 3))
    return (tuple(draw(st.integers(1, 3)) for _ in range(n)),)


@function_op(np.pad, grads=[_pad_grad], namespaces=NAMESPACES, conformance={"shapes": _nonempty, "kwargs": _pad_kwargs})
def pad(array, pad_width, mode="constant", *, stat_length=_NoValue, constant_values=_NoValue, end_values=_NoValue,
        reflect_type=_NoValue):
    """Pad a tensor, like :func:`numpy.pad`: ``pad_width`` is ``n``,
    ``(before, after)`` or one ``(before, after)`` per axis.

    ``mode`` is one of ``"constant"`` (with ``constant_values``, default 0),
    ``"edge"``, ``"reflect"``, ``"symmetric"``, ``"wrap"``, ``"linear_ramp"``
    (with ``end_values``) or ``"empty"``. Elements copied into the pads
    get the pads' gradients too; constants get none.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2., 3.])
    >>> mg.pad(x, (1, 2), constant_values=-1.)
    Tensor([-1.,  1.,  2.,  3., -1., -1.])
    >>> y = mg.pad(x, 2, mode="reflect")
    >>> y
    Tensor([3., 2., 1., 2., 3., 2., 1.])
    >>> y.backward()
    >>> x.grad
    array([2., 3., 2.])
    """
    if callable(mode) or mode not in MODES:
        if callable(mode) or mode in ("maximum", "mean", "median", "minimum"):
            raise NotImplementedError(
                f"mygrad.pad: mode {getattr(mode, '__name__', mode)!r} is not differentiable; "
                f"use one of {', '.join(MODES)}"
            )
        raise ValueError(f"mode '{mode}' is not supported")
    if reflect_type is not _NoValue and reflect_type != "even" and mode in ("reflect", "symmetric"):
        raise NotImplementedError("mygrad.pad: only reflect_type='even' is differentiable")
    given = {"stat_length": stat_length, "constant_values": constant_values, "end_values": end_values,
             "reflect_type": reflect_type}
    return np.pad(array, pad_width, mode, **{k: v for k, v in given.items() if v is not _NoValue})


DECLARATIONS = [pad]
