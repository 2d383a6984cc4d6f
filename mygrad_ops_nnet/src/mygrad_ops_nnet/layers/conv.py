"""N-dimensional convolution (cross-correlation): ``conv_nd``.

The forward pass copies the (padded, strided, dilated) windows of ``x`` into
a column matrix once ("im2col") and multiplies it with the filters (one
batched matrix product); the backward pass multiplies the output gradient
with the filters and adds the resulting columns back onto the input
positions ("col2im": one vectorised strided add per kernel offset), and
multiplies it with the kept column matrix for the filters' gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from mygrad.plugin import Operation, execute_op, operation_op

from mygrad_ops_nnet.layers.utils import int_tuple, window_grid

__all__ = ["conv_nd", "DECLARATIONS"]

NAMESPACES = ("mygrad.nnet", "mygrad.nnet.layers", "mygrad.nnet.layers.conv")


def work_dtype(*arrays: np.ndarray) -> tuple:
    """``(result dtype, dtype to compute in)``: float16 is computed in float32
    (accurate sums, fast matrix products) and rounded once at the end."""
    dtype = np.result_type(*arrays)
    return dtype, (np.dtype(np.float32) if dtype == np.float16 else dtype)


def _check_shapes(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, groups: Any) -> int:
    if x.ndim < 3:
        raise ValueError(f"conv_nd: `x` must have shape (N, C, X0, ...) with at least one spatial axis, "
                         f"got shape {x.shape}")
    if w.ndim != x.ndim:
        raise ValueError(f"conv_nd: `filter_bank` must have shape (F, C, W0, ...) with as many axes as `x` "
                         f"({x.ndim}), got shape {w.shape}")
    if isinstance(groups, (bool, np.bool_)) or not isinstance(groups, (int, np.integer)):
        raise TypeError(f"conv_nd: `groups` must be a positive integer, got {groups!r}")
    groups = int(groups)
    if groups < 1:
        raise ValueError(f"conv_nd: `groups` must be a positive integer, got {groups}")
    C, F = x.shape[1], w.shape[0]
    if C % groups or F % groups:
        raise ValueError(f"conv_nd: `groups` ({groups}) must divide the input channels ({C}) and the "
                         f"number of filters ({F})")
    if w.shape[1] * groups != C:
        raise ValueError(f"conv_nd: the filters have {w.shape[1]} channel(s) and groups={groups}, so `x` must "
                         f"have {w.shape[1] * groups} channel(s); it has {C} (x: {x.shape}, "
                         f"filter_bank: {w.shape})")
    if b is not None and b.shape != (F,):
        raise ValueError(f"conv_nd: `bias` must have shape ({F},) (one per filter), got {b.shape}")
    return groups


class ConvND(Operation):
    """``conv_nd``'s forward and backward passes (see :func:`conv_nd`)."""

    def __call__(self, x, w, b=None, *, stride, padding, dilation, groups):
        self.variables = (x, w) if b is None else (x, w, b)
        xd, wd = x.data, w.data
        bd = None if b is None else b.data
        groups = _check_shapes(xd, wd, bd, groups)
        nd = xd.ndim - 2
        stride = int_tuple(stride, nd, "stride", 1)
        padding = int_tuple(padding, nd, "padding", 0)
        dilation = int_tuple(dilation, nd, "dilation", 1)
        kernel = wd.shape[2:]
        spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
        spatial = xd.shape[2:]
        ok = all(x + 2 * p >= s and (x + 2 * p - s) % st == 0
                 for x, p, s, st in zip(spatial, padding, spans, stride))
        if not ok:
            raise ValueError(
                "conv_nd: the output size (X + 2*padding - ((W - 1)*dilation + 1)) / stride + 1 must be a "
                f"positive integer along every spatial axis; got input {spatial}, stride {stride}, kernel "
                f"{tuple(kernel)}, padding {padding}, dilation {dilation}"
            )
        dtype, work = work_dtype(*(a for a in (xd, wd, bd) if a is not None))
        N, C = xd.shape[:2]
        F = wd.shape[0]
        xp_shape = xd.shape[:2] + tuple(n + 2 * p for n, p in zip(spatial, padding))
        grid = window_grid(xp_shape[2:], kernel, stride, dilation)
        self.geometry = (xp_shape, spatial, padding, stride, dilation, kernel, grid)
        self.groups, self.work, self.dw = groups, work, None
        cols = self.cols = self._columns(xd)
        wm = self.wm = wd.astype(work, copy=False).reshape(groups, F // groups, cols.shape[2])
        out = np.matmul(wm, cols).reshape(N, F, *grid)
        if bd is not None:
            out += bd.astype(work, copy=False).reshape(F, *(1,) * nd)
        return out.astype(dtype, copy=False)

    def _columns(self, x: np.ndarray) -> np.ndarray:
        """The column matrices of the input, ``(N, groups, C/groups *
        prod(kernel), prod(grid))``: ``cols[n, :, :, g]`` holds the window
        that output position ``g`` of image ``n`` reads."""
        xp_shape, spatial, padding, stride, dilation, kernel, grid = self.geometry
        groups, work = self.groups, self.work
        if any(padding):
            xp = np.zeros(xp_shape, dtype=work)
            xp[(slice(None), slice(None), *(slice(p, p + n) for p, n in zip(padding, spatial)))] = x
        else:
            xp = x
        st = xp.strides[2:]
        windows = as_strided(
            xp,
            shape=(*xp.shape[:2], *kernel, *grid),
            strides=(*xp.strides[:2], *(s * d for s, d in zip(st, dilation)), *(s * t for s, t in zip(st, stride))),
            writeable=False,
        )
        N, C = xp.shape[:2]
        rows = (C // groups) * int(np.prod(kernel))
        cols = np.ascontiguousarray(windows, dtype=work).reshape(N, groups, rows, int(np.prod(grid)))
        # (when the windows happen to be laid out contiguously, they are a
        # read-only view of the (padded) input, not a copy)
        self.cols_owned = cols.flags.writeable and not np.may_share_memory(cols, x)
        return cols

    def backward(self, grad, **kwargs):
        # the filters' gradient first: the input's gradient then reuses the
        # memory of the column matrices (recomputed if they are ever needed again)
        self.dw = None if self.variables[1].constant else self.backward_var(grad, 1)
        try:
            super().backward(grad, **kwargs)
        finally:
            self.dw = self.cols = None

    def backward_var(self, grad, index, **kwargs):
        xp_shape, spatial, padding, stride, dilation, kernel, grid = self.geometry
        groups, work = self.groups, self.work
        N, F = grad.shape[:2]
        g = grad.astype(work, copy=False).reshape(N, groups, F // groups, int(np.prod(grid)))
        if index == 2:  # bias
            return g.sum(axis=(0, 3)).reshape(F)
        if index == 1:  # filters: sum over images of dOut @ cols^T
            if self.dw is not None:
                return self.dw
            cols = self.cols if self.cols is not None else self._columns(self.variables[0].data)
            dw = np.matmul(g, cols.swapaxes(-1, -2)).sum(axis=0)
            return dw.reshape(self.variables[1].shape)
        # input: columns of dOut (written over the column matrices), added
        # back onto the positions they were read from
        buffer, self.cols = (self.cols if self.cols_owned else None), None
        dcols = np.matmul(self.wm.swapaxes(-1, -2), g, out=buffer)
        dcols = dcols.reshape(N, xp_shape[1], *kernel, *grid)
        dxp = np.zeros(xp_shape, dtype=work)
        for offset in np.ndindex(*kernel):
            target = tuple(slice(k * d, k * d + s * (n - 1) + 1, s)
                           for k, d, s, n in zip(offset, dilation, stride, grid))
            dxp[(slice(None), slice(None), *target)] += dcols[(slice(None), slice(None), *offset)]
        if any(padding):
            return dxp[(slice(None), slice(None), *(slice(p, p + n) for p, n in zip(padding, spatial)))]
        return dxp


def _conv_nd(x, filter_bank, *, stride, padding=0, dilation=1, bias=None, groups=1, constant=None):
    """Convolve (cross-correlate) a batch of N-dimensional, multi-channel
    signals with a bank of filters.

    Parameters
    ----------
    x : ArrayLike, shape (N, C, X0, ...)
        The batch: N signals with C channels and any number (at least one) of
        spatial axes.
    filter_bank : ArrayLike, shape (F, C // groups, W0, ...)
        F filters; each spans ``C // groups`` channels and the spatial window.
    stride : int or Sequence[int] (keyword-only, required)
        The step of the window along each spatial axis (positive).
    padding : int or Sequence[int], optional (default 0)
        The number of zeros added to both ends of each spatial axis of ``x``.
    dilation : int or Sequence[int], optional (default 1)
        The spacing between the filter's elements along each spatial axis.
    bias : Optional[ArrayLike], shape (F,)
        Added to each filter's output (differentiable).
    groups : int, optional (default 1)
        Split the channels into ``groups`` groups: filter ``f`` sees only the
        channels of group ``f // (F // groups)``. ``groups == C == F`` is a
        depthwise convolution.
    constant : Optional[bool]
        Whether the result is a constant tensor (default: constant when every
        input is).

    Returns
    -------
    mygrad.Tensor, shape (N, F, G0, ...)
        ``out[n, f, g...] = sum over c, w... of
        x_padded[n, c, g*stride + w*dilation...] * filter_bank[f, c, w...]``
        (+ ``bias[f]``), with ``Gi = (Xi + 2*pi - ((Wi - 1)*di + 1)) / si + 1``.

    Raises
    ------
    ValueError
        if ``x`` has fewer than 3 axes, the axes or channels of ``x`` and
        ``filter_bank`` disagree, ``bias`` is not of shape (F,), or some
        ``Gi`` is not a positive integer.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[[1., 2., 3., 4., 5.]]])       # (N=1, C=1, X=5)
    >>> w = mg.tensor([[[1., 0., -1.]]])              # (F=1, C=1, W=3)
    >>> out = mg.nnet.conv_nd(x, w, stride=1)
    >>> out
    Tensor([[[-2., -2., -2.]]])
    >>> out.sum().backward()
    >>> x.grad
    array([[[ 1.,  1.,  0., -1., -1.]]])
    >>> mg.nnet.conv_nd(x, w, stride=2, padding=1, bias=[10.])
    Tensor([[[ 8.,  8., 14.]]])
    """
    inputs = (x, filter_bank) if bias is None else (x, filter_bank, bias)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return execute_op(ConvND, *inputs, op_kwargs=kwargs, constant=constant)


def _reference(x, w, *, stride, padding=0, dilation=1, bias=None, groups=1):
    """NumPy-only conv_nd (float64, one tensordot per kernel offset) for the
    conformance check."""
    nd = x.ndim - 2
    stride, padding, dilation = (int_tuple(v, nd, n, 0) for v, n in ((stride, "s"), (padding, "p"), (dilation, "d")))
    xp = np.pad(np.asarray(x, dtype=np.float64), [(0, 0), (0, 0), *((p, p) for p in padding)])
    kernel = w.shape[2:]
    grid = window_grid(xp.shape[2:], kernel, stride, dilation)
    F, Cg = w.shape[:2]
    out = np.zeros((x.shape[0], F, *grid))
    for offset in np.ndindex(*kernel):
        sl = tuple(slice(k * d, k * d + s * (n - 1) + 1, s) for k, d, s, n in zip(offset, dilation, stride, grid))
        part = xp[(slice(None), slice(None), *sl)]
        for gi in range(groups):
            fs = slice(gi * F // groups, (gi + 1) * F // groups)
            wk = w[(fs, slice(None), *offset)]
            out[:, fs] += np.moveaxis(np.tensordot(part[:, gi * Cg:(gi + 1) * Cg], wk, axes=([1], [1])), -1, 1)
    if bias is not None:
        out += np.reshape(bias, (F, *(1,) * nd))
    return out.astype(np.result_type(*(a for a in (x, w, bias) if a is not None)))


def _conformance_shapes(draw):
    from hypothesis import strategies as st

    nd = draw(st.integers(1, 2), label="spatial dims")
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    groups = draw(st.sampled_from([1, 2]), label="groups")
    kernel = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    spatial = tuple(draw(st.integers(k, 4)) for k in kernel)
    # x, the filters, and a bias (a keyword tensor: see `call`) or not
    bias = [(f * groups,)] if draw(st.booleans(), label="bias") else []
    return (n, c * groups, *spatial), (f * groups, c, *kernel), *bias


def _conformance_kwargs(draw, shapes):
    from hypothesis import strategies as st

    xs, ws = shapes[:2]
    nd = len(xs) - 2
    padding = tuple(draw(st.integers(0, 1)) for _ in range(nd))
    stride, dilation = [], []
    for x, k, p in zip(xs[2:], ws[2:], padding):
        d = draw(st.sampled_from([d for d in (1, 2) if (k - 1) * d + 1 <= x + 2 * p]))
        room = x + 2 * p - ((k - 1) * d + 1)
        stride.append(draw(st.sampled_from([s for s in (1, 2, 3) if room % s == 0])))
        dilation.append(d)
    return {"stride": tuple(stride), "padding": padding, "dilation": tuple(dilation), "groups": xs[1] // ws[1]}


def _conformance_call(f, x, w, *bias, **kwargs):
    """``conv_nd(x, w, bias=b, ...)``: the bias is a keyword tensor."""
    return f(x, w, bias=bias[0], **kwargs) if bias else f(x, w, **kwargs)


conv_nd = operation_op(
    _conv_nd,
    ConvND,
    name="conv_nd",
    namespaces=NAMESPACES,
    reference=_reference,
    conformance={"shapes": _conformance_shapes, "kwargs": _conformance_kwargs, "call": _conformance_call},
)

DECLARATIONS = [conv_nd]
