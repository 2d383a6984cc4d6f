"""Joining and splitting tensors: concatenate, stack, hstack, vstack,
dstack, column_stack, append; split, array_split, hsplit, vsplit, dsplit.

Every joining function lays its (reshaped) inputs side by side along one axis
of the result, so one gradient rule serves them all: input ``i`` gets the
slice of the upstream gradient it occupies, reshaped to its shape. The rule
reads no values (only the layout, which is computed before the forward
pass), so joining costs NumPy's joining plus a constant overhead, and its
backward pass is O(size of the result).

A join takes any number of inputs. Up to 64 inputs it runs a function op
with one tensor input per array (made once per number of inputs): the
cheapest op to record, with rules that read nothing. A function op's rules
each receive every input, so beyond that a join runs an
:class:`~mygrad.Operation` instead, whose cost stays linear in the number of
inputs (its memory-guard bookkeeping costs a few microseconds per input).

The splitting functions return lists of *views* of their input (like NumPy):
each piece is a basic-indexing view tensor, and writes into a piece write
through to the input.
"""

from functools import lru_cache, partial
from itertools import accumulate
from math import prod

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

import mygrad as mg
from mygrad.plugin import Operation, composite_op, execute_op, function_op, reads

from mygrad_ops_math._common import NAMESPACES as _MATH_NAMESPACES
from mygrad_ops_math.arithmetic import positive

NAMESPACES = (*_MATH_NAMESPACES, "mygrad.tensor_manip")


# ------------------------------------------------------- the join operation
def _join_rule(index, g, out, *inputs, how=None, layout=None, **kwargs):
    """Input ``index``'s part of the gradient: its slice of ``g`` along the
    joining axis, in its own shape."""
    axis, bounds, shapes = layout
    piece = g[(slice(None),) * axis + (slice(bounds[index], bounds[index + 1]),)]
    return piece.reshape(shapes[index])


@lru_cache(maxsize=None)
def _rule(index):
    """The gradient rule of a join's input ``index`` (it reads no values)."""
    return reads()(partial(_join_rule, index))


def _join_forward(*arrays, how, layout, **kwargs):
    return how(list(arrays), **kwargs)


@lru_cache(maxsize=128)
def _joiner(name, n):
    """The join op with ``n`` tensor inputs, published as ``name``."""
    return function_op(None, grads=[_rule(i) for i in range(n)], nin=n, name=name, namespaces=())(_join_forward)


#: the most inputs a join records as a function op (see the module's docs)
MAX_FUNCTION_INPUTS = 64


class _ManyJoin(Operation):
    """A join of many tensors: the backward pass visits each input once."""

    def __call__(self, *tensors, how, layout, **kwargs):
        self.variables = tensors
        self.layout = layout
        return how([t.data for t in tensors], **kwargs)

    def backward_var(self, grad, index, **kwargs):
        return _join_rule(index, grad, None, layout=self.layout)


def _items(arrays, name):
    """The arrays of a sequence argument (a tensor or an array is the
    sequence of its sub-arrays along the first axis, as in NumPy)."""
    if isinstance(arrays, (list, tuple)):
        items = list(arrays)
    elif isinstance(arrays, (mg.Tensor, np.ndarray)):
        if arrays.ndim == 0:
            raise TypeError(f"{name}() needs a sequence of arrays, got a 0-d {type(arrays).__name__}")
        items = list(arrays)
    else:
        raise TypeError(f"{name}() needs a sequence of arrays (e.g. a list or tuple), got {type(arrays).__name__}")
    return [x if isinstance(x, (mg.Tensor, np.ndarray)) else np.asarray(x) for x in items]


def _join(name, how, arrays, layout_of, out=None, constant=None, **kwargs):
    """Join the arrays of ``arrays`` with the NumPy function ``how``;
    ``layout_of(shapes)`` gives the joining axis of the result and the size
    of each input along it."""
    items = _items(arrays, name)
    shapes = tuple(x.shape for x in items)
    try:
        if not items:
            raise ValueError(f"{name}() needs at least one array")
        axis, sizes = layout_of(shapes)
    except (ValueError, IndexError, TypeError):
        # an invalid input: NumPy's own error
        how([np.asarray(x) for x in items], **kwargs)
        raise
    layout = (axis, tuple(accumulate(sizes, initial=0)), shapes)
    if len(items) > MAX_FUNCTION_INPUTS:
        return execute_op(_ManyJoin, *items, op_kwargs={"how": how, "layout": layout, **kwargs}, constant=constant,
                          out=out)
    return _joiner(name, len(items))(*items, how=how, layout=layout, out=out, constant=constant, **kwargs)


def _dtype_kwargs(dtype, casting):
    """NumPy's ``dtype``/``casting`` keywords, passed on only when given."""
    kwargs = {}
    if dtype is not None:
        kwargs["dtype"] = dtype
    if casting != "same_kind":
        kwargs["casting"] = casting
    return kwargs


def _out_or_dtype(name, out, dtype):
    if out is not None and dtype is not None:
        raise TypeError(f"{name}() only takes `out` or `dtype` as an argument, but both were provided.")


# ---------------------------------------------------------------- layouts
def _concatenate_layout(axis):
    def layout(shapes):
        if axis is None:  # the inputs are flattened
            return 0, [prod(s) for s in shapes]
        ax = normalize_axis_index(axis, len(shapes[0]))
        return ax, [s[ax] for s in shapes]

    return layout


def _stack_layout(axis):
    def layout(shapes):
        return normalize_axis_index(axis, len(shapes[0]) + 1), [1] * len(shapes)

    return layout


def _hstack_layout(shapes):
    axis = 0 if len(shapes[0]) <= 1 else 1
    return axis, [(s or (1,))[axis] for s in shapes]


def _vstack_layout(shapes):
    return 0, [s[0] if len(s) >= 2 else 1 for s in shapes]


def _dstack_layout(shapes):
    return 2, [s[2] if len(s) >= 3 else 1 for s in shapes]


def _column_stack_layout(shapes):
    return 1, [s[1] if len(s) >= 2 else 1 for s in shapes]


# ------------------------------------------------------- conformance options
def _sequence_shape(draw):
    """One tensor of >= 2 dimensions: the sequence of its sub-arrays."""
    from hypothesis import strategies as st

    ndim = draw(st.integers(2, 3))
    return (tuple(draw(st.integers(1, 3)) for _ in range(ndim)),)


def _row_shape(draw):
    """One tensor of >= 1 dimension (its sub-arrays may be 0-d)."""
    from hypothesis import strategies as st

    ndim = draw(st.integers(1, 3))
    return (tuple(draw(st.integers(1, 3)) for _ in range(ndim)),)


def _concatenate_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0]) - 1
    return {"axis": draw(st.sampled_from([None, *range(-ndim, ndim)]))}


def _stack_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])  # the result's number of dimensions
    return {"axis": draw(st.integers(-ndim, ndim - 1))}


def _append_shapes(draw):
    """Two shapes that differ at most along one axis."""
    from hypothesis import strategies as st

    ndim = draw(st.integers(1, 3))
    shape = [draw(st.integers(1, 3)) for _ in range(ndim)]
    other = list(shape)
    other[draw(st.integers(0, ndim - 1))] = draw(st.integers(1, 3))
    return tuple(shape), tuple(other)


def _append_kwargs(draw, shapes):
    from hypothesis import strategies as st

    a, b = shapes
    axes = [ax for ax in range(len(a)) if a[:ax] + a[ax + 1:] == b[:ax] + b[ax + 1:]]
    return {"axis": draw(st.sampled_from([None, *axes]))}


_ONE_SEQUENCE = {"nin": 1, "shapes": _sequence_shape}
_ONE_ROWS = {"nin": 1, "shapes": _row_shape}


# ----------------------------------------------------------------- joining
def _concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind", constant=None):
    """Join a sequence of tensors along an existing axis, like
    :func:`numpy.concatenate` (``axis=None`` flattens them first).

    The gradient of each input is its slice of the result's gradient.

    Examples
    --------
    >>> import mygrad as mg
    >>> x, y = mg.tensor([[1., 2.]]), mg.tensor([[3., 4.], [5., 6.]])
    >>> z = mg.concatenate([x, y])
    >>> z
    Tensor([[1., 2.],
            [3., 4.],
            [5., 6.]])
    >>> (z * [[1.], [2.], [3.]]).backward()
    >>> x.grad, y.grad
    (array([[1., 1.]]), array([[2., 2.],
           [3., 3.]]))
    >>> mg.concatenate([x, y], axis=None)
    Tensor([1., 2., 3., 4., 5., 6.])
    """
    _out_or_dtype("concatenate", out, dtype)
    return _join("concatenate", np.concatenate, arrays, _concatenate_layout(axis), out, constant, axis=axis,
                 **_dtype_kwargs(dtype, casting))


concatenate = composite_op(_concatenate, name="concatenate", namespaces=NAMESPACES, numpy=np.concatenate,
                           conformance={**_ONE_SEQUENCE, "kwargs": _concatenate_kwargs})


def _stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind", constant=None):
    """Join a sequence of same-shaped tensors along a new axis, like
    :func:`numpy.stack`.

    Examples
    --------
    >>> import mygrad as mg
    >>> x, y = mg.tensor([1., 2.]), mg.tensor([3., 4.])
    >>> z = mg.stack([x, y], axis=1)
    >>> z
    Tensor([[1., 3.],
            [2., 4.]])
    >>> (z * [[1., 10.], [2., 20.]]).backward()
    >>> x.grad, y.grad
    (array([1., 2.]), array([10., 20.]))
    """
    _out_or_dtype("stack", out, dtype)
    return _join("stack", np.stack, arrays, _stack_layout(axis), out, constant, axis=axis,
                 **_dtype_kwargs(dtype, casting))


stack = composite_op(_stack, name="stack", namespaces=NAMESPACES, numpy=np.stack,
                     conformance={**_ONE_ROWS, "kwargs": _stack_kwargs})


def _hstack(tup, *, dtype=None, casting="same_kind", constant=None):
    """Join tensors column-wise (along the first axis of 1-D inputs, the
    second axis otherwise), like :func:`numpy.hstack`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.hstack([mg.tensor([1., 2.]), mg.tensor([3.])])
    Tensor([1., 2., 3.])
    """
    return _join("hstack", np.hstack, tup, _hstack_layout, None, constant, **_dtype_kwargs(dtype, casting))


hstack = composite_op(_hstack, name="hstack", namespaces=NAMESPACES, numpy=np.hstack, conformance=_ONE_ROWS)


def _vstack(tup, *, dtype=None, casting="same_kind", constant=None):
    """Join tensors row-wise (1-D inputs become rows), like :func:`numpy.vstack`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.vstack([mg.tensor([1., 2.]), mg.tensor([3., 4.])])
    Tensor([[1., 2.],
            [3., 4.]])
    """
    return _join("vstack", np.vstack, tup, _vstack_layout, None, constant, **_dtype_kwargs(dtype, casting))


vstack = composite_op(_vstack, name="vstack", namespaces=NAMESPACES, numpy=np.vstack, conformance=_ONE_ROWS)


def _dstack(tup, *, constant=None):
    """Join tensors along the third axis (inputs get at least three
    dimensions first), like :func:`numpy.dstack`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.dstack([mg.tensor([1., 2.]), mg.tensor([3., 4.])])
    Tensor([[[1., 3.],
             [2., 4.]]])
    """
    return _join("dstack", np.dstack, tup, _dstack_layout, None, constant)


dstack = composite_op(_dstack, name="dstack", namespaces=NAMESPACES, numpy=np.dstack, conformance=_ONE_ROWS)


def _column_stack(tup, *, constant=None):
    """Join tensors as the columns of a 2-D result (1-D inputs become
    columns), like :func:`numpy.column_stack`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.column_stack([mg.tensor([1., 2.]), mg.tensor([3., 4.])])
    Tensor([[1., 3.],
            [2., 4.]])
    """
    return _join("column_stack", np.column_stack, tup, _column_stack_layout, None, constant)


column_stack = composite_op(_column_stack, name="column_stack", namespaces=NAMESPACES, numpy=np.column_stack,
                            conformance=_ONE_ROWS)


def _append_arrays(arrays, axis=None):
    return np.append(arrays[0], arrays[1], axis=axis)


def _append(arr, values, axis=None, *, constant=None):
    """Append ``values`` to the end of ``arr``, like :func:`numpy.append`
    (both are flattened when ``axis`` is None).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.append(x, [5., 6.])
    Tensor([1., 2., 3., 4., 5., 6.])
    >>> mg.append(x, [[5., 6.]], axis=0)
    Tensor([[1., 2.],
            [3., 4.],
            [5., 6.]])
    """
    return _join("append", _append_arrays, [arr, values], _concatenate_layout(axis), None, constant, axis=axis)


append = composite_op(_append, name="append", namespaces=NAMESPACES, numpy=np.append,
                      conformance={"nin": 2, "shapes": _append_shapes, "kwargs": _append_kwargs})


# --------------------------------------------------------------- splitting
def _as_tensor(ary):
    """A tensor to take views of (an array is wrapped, as a constant, without a copy)."""
    if isinstance(ary, mg.Tensor):
        return ary
    return mg.Tensor(ary, constant=True, copy=False)


def _pieces(ary, bounds, axis, constant):
    """Views of ``ary`` between consecutive ``bounds`` along ``axis``."""
    lead = (slice(None),) * axis
    pieces = [ary[lead + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]
    if constant is not None and constant != ary.constant:
        # views share their base's constant flag: a different one needs copies
        pieces = [positive(p, constant=constant) for p in pieces]
    return pieces


def _split_bounds(n, indices_or_sections, equal):
    """The piece boundaries along an axis of length ``n`` (NumPy's rules:
    N sections, the first ``n % N`` one element longer; or split points,
    sliced like Python sequences)."""
    try:
        points = list(indices_or_sections)
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        if equal and n % sections:
            raise ValueError("array split does not result in an equal division") from None
        each, extra = divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        return list(accumulate(sizes, initial=0))
    return [0, *points, n]


def _split_along(ary, indices_or_sections, axis, equal, constant):
    t = _as_tensor(ary)
    ax = normalize_axis_index(axis, t.ndim)
    return _pieces(t, _split_bounds(t.shape[ax], indices_or_sections, equal), ax, constant)


def _split_conformance(min_ndim, fixed_axis=None, equal=True):
    """Conformance options of a split: input shapes of at least ``min_ndim``
    dimensions, then a number of sections (dividing the axis if ``equal``)
    or split points, and an axis (unless the function fixes it)."""

    def shapes(draw):
        from hypothesis import strategies as st

        ndim = draw(st.integers(min_ndim, max(min_ndim, 3)))
        return (tuple(draw(st.integers(1, 4)) for _ in range(ndim)),)

    def kwargs(draw, shapes):
        from hypothesis import strategies as st

        ndim = len(shapes[0])
        axis = draw(st.integers(-ndim, ndim - 1)) if fixed_axis is None else fixed_axis(ndim)
        n = shapes[0][axis]
        sections = [k for k in range(1, n + 1) if n % k == 0] if equal else list(range(1, n + 2))
        points = st.lists(st.integers(0, n), max_size=3).map(sorted)
        out = {"indices_or_sections": draw(st.sampled_from(sections) | points)}
        if fixed_axis is None:
            out["axis"] = axis
        return out

    return {"nin": 1, "shapes": shapes, "kwargs": kwargs}


_SPLIT_CONFORMANCE = _split_conformance(1)


def _split(ary, indices_or_sections, axis=0, *, constant=None):
    """Split a tensor into a list of views along ``axis``, like
    :func:`numpy.split` (an integer must divide the axis evenly; a sequence
    gives the split points).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.arange(6.)
    >>> a, b = mg.split(x, 2)
    >>> a, b
    (Tensor([0., 1., 2.]), Tensor([3., 4., 5.]))
    >>> a.base is x
    True
    >>> (a * b).backward()
    >>> x.grad
    array([3., 4., 5., 0., 1., 2.])
    """
    return _split_along(ary, indices_or_sections, axis, True, constant)


split = composite_op(_split, name="split", namespaces=NAMESPACES, numpy=np.split, conformance=_SPLIT_CONFORMANCE)


def _array_split(ary, indices_or_sections, axis=0, *, constant=None):
    """Split a tensor into a list of views along ``axis``, like
    :func:`numpy.array_split` (the sections need not be equal).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.array_split(mg.arange(5.), 3)
    [Tensor([0., 1.]), Tensor([2., 3.]), Tensor([4.])]
    """
    return _split_along(ary, indices_or_sections, axis, False, constant)


array_split = composite_op(_array_split, name="array_split", namespaces=NAMESPACES, numpy=np.array_split,
                           conformance=_split_conformance(1, equal=False))


def _split_at_least(name, ary, min_ndim):
    t = _as_tensor(ary)
    if t.ndim < min_ndim:
        raise ValueError(f"{name} only works on arrays of {min_ndim} or more dimensions")
    return t


def _hsplit(ary, indices_or_sections, *, constant=None):
    """Split a tensor into views column-wise (along the second axis; the
    first for 1-D input), like :func:`numpy.hsplit`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.hsplit(mg.tensor([[1., 2.], [3., 4.]]), 2)
    [Tensor([[1.],
            [3.]]), Tensor([[2.],
            [4.]])]
    """
    t = _split_at_least("hsplit", ary, 1)
    return _split_along(t, indices_or_sections, 1 if t.ndim > 1 else 0, True, constant)


def _vsplit(ary, indices_or_sections, *, constant=None):
    """Split a tensor into views row-wise (along the first axis), like
    :func:`numpy.vsplit`.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.vsplit(mg.tensor([[1., 2.], [3., 4.]]), 2)
    [Tensor([[1., 2.]]), Tensor([[3., 4.]])]
    """
    t = _split_at_least("vsplit", ary, 2)
    return _split_along(t, indices_or_sections, 0, True, constant)


def _dsplit(ary, indices_or_sections, *, constant=None):
    """Split a tensor into views along the third axis, like :func:`numpy.dsplit`.

    Examples
    --------
    >>> import mygrad as mg
    >>> [p.shape for p in mg.dsplit(mg.ones((1, 2, 4)), [1])]
    [(1, 2, 1), (1, 2, 3)]
    """
    t = _split_at_least("dsplit", ary, 3)
    return _split_along(t, indices_or_sections, 2, True, constant)


hsplit = composite_op(_hsplit, name="hsplit", namespaces=NAMESPACES, numpy=np.hsplit,
                    conformance=_split_conformance(1, lambda ndim: 1 if ndim > 1 else 0))
vsplit = composite_op(_vsplit, name="vsplit", namespaces=NAMESPACES, numpy=np.vsplit,
                    conformance=_split_conformance(2, lambda ndim: 0))
dsplit = composite_op(_dsplit, name="dsplit", namespaces=NAMESPACES, numpy=np.dsplit,
                    conformance=_split_conformance(3, lambda ndim: 2))

DECLARATIONS = [
    concatenate, stack, hstack, vstack, dstack, column_stack, append,
    split, array_split, hsplit, vsplit, dsplit,
]
