"""N-dimensional pooling over the trailing axes: ``max_pool`` and ``avg_pool``.

Both walk the window's offsets (``prod(pool)`` iterations), each one
vectorised over every window at once: a strided slice of the (padded) input
holds that offset's element of every window.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad.plugin import Domain, Operation, execute_op, function_op, operation_op, reads

from mygrad_ops_nnet.layers.utils import int_tuple, window_grid

__all__ = ["max_pool", "avg_pool", "DECLARATIONS"]

_LAYERS = ("mygrad.nnet", "mygrad.nnet.layers", "mygrad.nnet.layers.pooling")


def _geometry(name: str, shape: tuple, pool: Any, stride: Any, padding: Any) -> tuple:
    """``(pool, stride, padding, grid)`` as tuples, validated."""
    if isinstance(pool, (int, np.integer)) and not isinstance(pool, (bool, np.bool_)):
        raise TypeError(f"{name}: `pool` must be a sequence of positive integers (one per pooled axis), "
                        f"got {pool!r}")
    try:
        k = len(pool)
    except TypeError:
        raise TypeError(f"{name}: `pool` must be a sequence of positive integers, got {pool!r}") from None
    if k == 0:
        raise ValueError(f"{name}: `pool` must have at least one entry")
    pool = int_tuple(pool, k, "pool", 1)
    if k > len(shape):
        raise ValueError(f"{name}: `pool` {pool} pools {k} axes but the input has only {len(shape)} "
                         f"(shape {shape})")
    stride = int_tuple(stride, k, "stride", 1)
    padding = int_tuple(padding, k, "padding", 0)
    if any(p >= w for p, w in zip(padding, pool)):
        raise ValueError(f"{name}: `padding` {padding} must be smaller than the pool {pool} along each axis "
                         "(a window of padding only)")
    sizes = shape[len(shape) - k:]
    if not all(x + 2 * p >= w and (x + 2 * p - w) % s == 0 for x, w, s, p in zip(sizes, pool, stride, padding)):
        raise ValueError(
            f"{name}: the output size (X + 2*padding - pool) / stride + 1 must be a positive integer along every "
            f"pooled axis; got input {sizes}, pool {pool}, stride {stride}, padding {padding}"
        )
    padded = tuple(x + 2 * p for x, p in zip(sizes, padding))
    return pool, stride, padding, window_grid(padded, pool, stride, (1,) * k)


def _pad(x: np.ndarray, padding: tuple, value: Any, dtype: Any = None) -> np.ndarray:
    """``x`` padded by ``padding`` on both ends of its trailing axes (no copy
    without padding, unless a cast to ``dtype`` is needed)."""
    dtype = x.dtype if dtype is None else np.dtype(dtype)
    if not any(padding):
        return x.astype(dtype, copy=False)
    k = len(padding)
    lead = x.shape[: x.ndim - k]
    out = np.full(lead + tuple(n + 2 * p for n, p in zip(x.shape[x.ndim - k:], padding)), value, dtype=dtype)
    out[(..., *(slice(p, p + n) for p, n in zip(padding, x.shape[x.ndim - k:])))] = x
    return out


def _unpad(a: np.ndarray, padding: tuple) -> np.ndarray:
    if not any(padding):
        return a
    k = len(padding)
    return a[(..., *(slice(p, a.shape[a.ndim - k + i] - p) for i, p in enumerate(padding)))]


def _offsets(pool: tuple, stride: tuple, grid: tuple):
    """``(index, slices)`` per window offset: ``a[(..., *slices)]`` is that
    offset's element of every window."""
    for j, offset in enumerate(np.ndindex(*pool)):
        yield j, tuple(slice(o, o + s * (g - 1) + 1, s) for o, s, g in zip(offset, stride, grid))


def _lowest(dtype: np.dtype) -> Any:
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind in "iu":
        return np.iinfo(dtype).min
    return False


class MaxPool(Operation):
    """``max_pool``'s forward and backward passes (see :func:`max_pool`)."""

    def __call__(self, x, *, pool, stride, padding):
        self.variables = (x,)
        xd = x.data
        pool, stride, padding, grid = _geometry("max_pool", xd.shape, pool, stride, padding)
        xp = _pad(xd, padding, _lowest(xd.dtype))
        best, index = self._pool(xp, pool, stride, grid, nan_aware=False)
        if best.dtype.kind in "fc" and np.isnan(best).any():  # (np.maximum propagates NaN)
            best, index = self._pool(xp, pool, stride, grid, nan_aware=True)
        self.index, self.geometry = index, (xp.shape, pool, stride, padding, grid)
        return best

    @staticmethod
    def _pool(xp, pool, stride, grid, nan_aware):
        """The windows' maxima and the offset (C order) of each window's first maximum."""
        best = index = None
        for j, sl in _offsets(pool, stride, grid):
            part = xp[(..., *sl)]
            if best is None:
                best = part.copy()
                index = np.zeros(best.shape, dtype=np.min_scalar_type(int(np.prod(pool)) - 1))
                continue
            better = part > best  # strict: ties keep the first maximum
            if nan_aware:  # like np.max/np.argmax: the first NaN wins
                better |= np.isnan(part) & ~np.isnan(best)
            np.maximum(best, part, out=best)
            # index = where(better, j, index), without a (slow) masked write
            index += better * (j - index)
        return best, index

    def backward_var(self, grad, index, **kwargs):
        xp_shape, pool, stride, padding, grid = self.geometry
        which = self.index
        dxp = np.zeros(xp_shape, dtype=grad.dtype)
        routed = np.empty_like(grad)
        for j, sl in _offsets(pool, stride, grid):
            dxp[(..., *sl)] += np.multiply(grad, which == j, out=routed)  # (faster than a masked write)
        return _unpad(dxp, padding)


def _max_pool(x, pool, stride, *, padding=0, constant=None):
    """Max-pool the trailing ``len(pool)`` axes of ``x``.

    Parameters
    ----------
    x : ArrayLike, shape (..., X0, ...)
        Leading axes (e.g. batch and channels) are kept as they are.
    pool : Sequence[int]
        The window's size along each pooled (trailing) axis.
    stride : int or Sequence[int]
        The window's step along each pooled axis.
    padding : int or Sequence[int], optional (default 0)
        Pad both ends of each pooled axis with ``-inf`` (the dtype's lowest
        value for integers): padded positions never win. Must be smaller
        than the pool.
    constant : Optional[bool]
        Whether the result is a constant tensor.

    Returns
    -------
    mygrad.Tensor, shape (..., G0, ...)
        ``Gi = (Xi + 2*pi - Pi) / Si + 1``, which must be a positive integer.

    Notes
    -----
    Each window's gradient goes to its first maximum (in C order); windows
    that overlap add their gradients. A window holding NaN gives NaN, like
    :func:`numpy.max`.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 5., 2., 2.],
    ...                [3., 4., 0., 1.]])
    >>> out = mg.nnet.max_pool(x, (2, 2), 2)
    >>> out
    Tensor([[5., 2.]])
    >>> out.backward()
    >>> x.grad
    array([[0., 1., 1., 0.],
           [0., 0., 0., 0.]])
    >>> mg.nnet.max_pool(mg.tensor([1., 3., 2., 5.]), (2,), 2, padding=1)
    Tensor([1., 3., 5.])
    """
    return execute_op(MaxPool, x, op_kwargs=dict(pool=pool, stride=stride, padding=padding), constant=constant)


@reads()  # only the input's shape
def _avg_pool_grad(g, out, x, pool, stride, padding=0):
    pool, stride, padding, grid = _geometry("avg_pool", np.shape(x), pool, stride, padding)
    scale = g / np.asarray(np.prod(pool), dtype=g.dtype)
    dxp = np.zeros(np.shape(x)[: np.ndim(x) - len(pool)] + tuple(
        n + 2 * p for n, p in zip(np.shape(x)[np.ndim(x) - len(pool):], padding)), dtype=g.dtype)
    for _, sl in _offsets(pool, stride, grid):
        dxp[(..., *sl)] += scale
    return _unpad(dxp, padding)


def _avg_pool(x, pool, stride, *, padding=0):
    """Average-pool the trailing ``len(pool)`` axes of ``x``.

    Parameters
    ----------
    x : ArrayLike, shape (..., X0, ...)
        Leading axes (e.g. batch and channels) are kept as they are.
    pool : Sequence[int]
        The window's size along each pooled (trailing) axis.
    stride : int or Sequence[int]
        The window's step along each pooled axis.
    padding : int or Sequence[int], optional (default 0)
        Pad both ends of each pooled axis with zeros, which count in the
        average (every window is divided by ``prod(pool)``: PyTorch's default
        ``count_include_pad=True``, i.e. the mean of the zero-padded array's
        windows). Must be smaller than the pool.
    constant : Optional[bool]
        Whether the result is a constant tensor.

    Returns
    -------
    mygrad.Tensor, shape (..., G0, ...)
        ``Gi = (Xi + 2*pi - Pi) / Si + 1``, which must be a positive integer.
        Integer inputs give float64 (like :func:`numpy.mean`).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 5., 2., 2.],
    ...                [3., 4., 0., 1.]])
    >>> out = mg.nnet.avg_pool(x, (2, 2), 2)
    >>> out
    Tensor([[3.25, 1.25]])
    >>> out.backward()
    >>> x.grad
    array([[0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25]])
    """
    pool, stride, padding, grid = _geometry("avg_pool", np.shape(x), pool, stride, padding)
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    work = np.float32 if dtype == np.float16 else dtype
    xp = _pad(x, padding, 0, work)
    total = None
    for _, sl in _offsets(pool, stride, grid):
        part = xp[(..., *sl)]
        total = part.copy() if total is None else np.add(total, part, out=total)
    total /= np.asarray(np.prod(pool), dtype=work)
    return total.astype(dtype, copy=False)


def _numpy_pool(reduce):
    """A NumPy-only pooling reference for the conformance check."""

    def pool_with_numpy(x, pool, stride, *, padding=0):
        k = len(pool)
        pad = int_tuple(padding, k, "padding", 0)
        fill = -np.inf if reduce is np.max else 0
        xp = np.pad(x, [(0, 0)] * (x.ndim - k) + [(p, p) for p in pad], constant_values=fill)
        steps = int_tuple(stride, k, "stride", 1)
        win = np.lib.stride_tricks.sliding_window_view(xp, tuple(pool), axis=tuple(range(x.ndim - k, x.ndim)))
        win = win[(..., *(slice(None, None, s) for s in steps), *(slice(None),) * k)]
        return reduce(win, axis=tuple(range(-k, 0)))

    return pool_with_numpy


def _pool_shapes(draw):
    from hypothesis import strategies as st

    return (tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4), label="shape")),)


def _pool_kwargs(draw, shapes):
    from hypothesis import strategies as st

    (shape,) = shapes
    k = draw(st.integers(1, min(2, len(shape))), label="k")
    pool, stride, padding = [], [], []
    for x in shape[len(shape) - k:]:
        w = draw(st.integers(1, min(3, x + 2)))
        p = draw(st.integers(0, min(1, w - 1)))
        w = min(w, x + 2 * p)
        room = x + 2 * p - w
        pool.append(w)
        padding.append(p)
        stride.append(draw(st.sampled_from([s for s in (1, 2, 3) if room % s == 0])))
    return {"pool": tuple(pool), "stride": tuple(stride), "padding": tuple(padding)}


max_pool = operation_op(
    _max_pool,
    MaxPool,
    name="max_pool",
    namespaces=_LAYERS,
    domain=Domain(-5, 5, unique=True),  # (not differentiable where a window's maximum is tied)
    reference=_numpy_pool(np.max),
    conformance={"nin": 1, "shapes": _pool_shapes, "kwargs": _pool_kwargs},
)

avg_pool = function_op(
    grads=[_avg_pool_grad],
    name="avg_pool",
    namespaces=_LAYERS,
    reference=_numpy_pool(np.mean),
    conformance={"shapes": _pool_shapes, "kwargs": _pool_kwargs},
)(_avg_pool)

DECLARATIONS = [max_pool, avg_pool]
