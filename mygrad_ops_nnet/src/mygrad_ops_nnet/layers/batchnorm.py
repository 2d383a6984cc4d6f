"""Batch normalisation over every axis but the channel axis (1): ``batchnorm``,
with optional running statistics for inference.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mygrad import Tensor
from mygrad.plugin import Domain, Operation, execute_op, operation_op

__all__ = ["batchnorm", "DECLARATIONS"]

NAMESPACES = ("mygrad.nnet", "mygrad.nnet.layers", "mygrad.nnet.layers.batchnorm")


def _running(name: str, arr: Any, C: int) -> np.ndarray | None:
    """The array of a running statistic (updated in place), validated."""
    if arr is None:
        return None
    if isinstance(arr, Tensor):
        if not arr.constant:
            raise ValueError(f"batchnorm: `{name}` must be an ndarray or a constant tensor (it is updated in "
                             "place and never differentiated), got a non-constant tensor")
        data = arr.data
    elif isinstance(arr, np.ndarray):
        data = arr
    else:
        raise TypeError(f"batchnorm: `{name}` must be an ndarray or a constant tensor of shape ({C},), "
                        f"got {type(arr).__name__}")
    if data.shape != (C,) or data.dtype.kind != "f":
        raise ValueError(f"batchnorm: `{name}` must be a floating-point array of shape ({C},) (one entry per "
                         f"channel), got {data.dtype} of shape {data.shape}")
    return data


def _store(target: Any, values: np.ndarray) -> None:
    """Write ``values`` into a running statistic in place."""
    if isinstance(target, Tensor):
        target[...] = values  # recorded like any in-place write (a constant tensor)
    else:
        np.copyto(target, values, casting="same_kind")


class BatchNorm(Operation):
    """``batchnorm``'s forward and backward passes (see :func:`batchnorm`)."""

    updated_kwargs = ("running_mean", "running_var")  # (updated in place; backward never reads them)

    def __call__(self, x, *params, eps, names, running_mean, running_var, momentum, training):
        self.variables = (x, *params)
        xd = x.data
        if xd.ndim < 2:
            raise ValueError(f"batchnorm: `x` must have shape (N, C, ...) (at least 2 axes), got shape {xd.shape}")
        C = xd.shape[1]
        shape = (1, C) + (1,) * (xd.ndim - 2)
        values = {}
        for name, p in zip(names, params):
            if p.data.shape != (C,):
                raise ValueError(f"batchnorm: `{name}` must have shape ({C},) (one entry per channel of `x`), "
                                 f"got {p.data.shape}")
            values[name] = p.data
        dtype = np.result_type(xd, *values.values())
        if dtype.kind != "f":
            dtype = np.dtype(np.float64)
        work = np.dtype(np.float32) if dtype == np.float16 else dtype
        axes = (0, *range(2, xd.ndim))
        self.axes, self.names, self.training = axes, names, training
        xw = xd.astype(work, copy=False)
        rm, rv = _running("running_mean", running_mean, C), _running("running_var", running_var, C)
        if training:
            mean = xw.mean(axis=axes, keepdims=True)
            centered = xw - mean
            var = np.square(centered).mean(axis=axes, keepdims=True)
            inv_std = 1 / np.sqrt(var + np.asarray(eps, dtype=work))
            xhat = np.multiply(centered, inv_std, out=centered)
            if rm is not None:
                m = xd.size // C
                unbiased = var * (m / (m - 1)) if m > 1 else var
                _store(running_mean, (1 - momentum) * rm + momentum * mean.reshape(C))
                _store(running_var, (1 - momentum) * rv + momentum * unbiased.reshape(C))
        else:
            inv_std = (1 / np.sqrt(rv.astype(work) + np.asarray(eps, dtype=work))).reshape(shape)
            xhat = (xw - rm.astype(work).reshape(shape)) * inv_std
        self.xhat, self.inv_std = xhat, inv_std
        self.gamma = values["gamma"].astype(work, copy=False).reshape(shape) if "gamma" in values else None
        out = xhat if self.gamma is None else xhat * self.gamma
        if "beta" in values:
            out = out + values["beta"].astype(work, copy=False).reshape(shape)
        elif out is xhat:
            out = xhat.copy()
        return out.astype(dtype, copy=False)

    def backward_var(self, grad, index, **kwargs):
        g = grad.astype(self.xhat.dtype, copy=False)
        axes = self.axes
        if index > 0:
            name = self.names[index - 1]
            if name == "beta":
                return g.sum(axis=axes)
            return (g * self.xhat).sum(axis=axes)
        dxhat = g if self.gamma is None else g * self.gamma
        if not self.training:  # the statistics are constants
            return dxhat * self.inv_std
        xhat = self.xhat
        mean_d = dxhat.mean(axis=axes, keepdims=True)
        mean_dx = (dxhat * xhat).mean(axis=axes, keepdims=True)
        return (dxhat - mean_d - xhat * mean_dx) * self.inv_std


def _batchnorm(x, *, gamma=None, beta=None, eps, running_mean=None, running_var=None, momentum=0.1,
               training=True, constant=None):
    """Batch normalisation: normalise each channel (axis 1) of ``x`` over
    every other axis, then scale by ``gamma`` and shift by ``beta``.

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta``, where ``mean`` and
    ``var`` (the biased variance) are taken over the batch (training) or are
    the running statistics (``training=False``).

    Parameters
    ----------
    x : ArrayLike, shape (N, C, ...)
        The batch.
    gamma : Optional[ArrayLike], shape (C,)
        Per-channel scale (default 1).
    beta : Optional[ArrayLike], shape (C,)
        Per-channel shift (default 0).
    eps : float (keyword-only, required)
        Added to the variance for numerical stability.
    running_mean, running_var : Optional[ndarray or constant Tensor], shape (C,)
        Running statistics (both or neither). With ``training=True`` they
        are updated in place: ``r = (1 - momentum) * r + momentum * batch``
        (the running variance takes the unbiased batch variance, like
        PyTorch); with ``training=False`` they replace the batch statistics.
    momentum : float, optional (default 0.1)
        The weight of the batch in the running statistics' update.
    training : bool, optional (default True)
        Normalise with the batch statistics (and update the running ones),
        or, if False, with the running statistics.
    constant : Optional[bool]
        Whether the result is a constant tensor.

    Returns
    -------
    mygrad.Tensor, shape (N, C, ...)

    Examples
    --------
    >>> import numpy as np
    >>> import mygrad as mg
    >>> x = mg.tensor([[1., 10.], [3., 30.]])
    >>> mg.nnet.batchnorm(x, eps=0.)
    Tensor([[-1., -1.],
            [ 1.,  1.]])
    >>> mean, var = np.zeros(2), np.ones(2)
    >>> _ = mg.nnet.batchnorm(x, eps=1e-5, running_mean=mean, running_var=var, momentum=1.0)
    >>> mean, var  # the batch's mean and unbiased variance
    (array([ 2., 20.]), array([  2., 200.]))
    >>> mg.nnet.batchnorm(x, eps=0., running_mean=mean, running_var=var, training=False)
    Tensor([[-0.70710678, -0.70710678],
            [ 0.70710678,  0.70710678]])
    """
    if not isinstance(eps, numbers.Real):
        raise TypeError(f"batchnorm: `eps` must be a real number, got {eps!r}")
    if not isinstance(momentum, numbers.Real) or not 0 <= momentum <= 1:
        raise ValueError(f"batchnorm: `momentum` must be a number in [0, 1], got {momentum!r}")
    if (running_mean is None) != (running_var is None):
        raise ValueError("batchnorm: give both `running_mean` and `running_var`, or neither")
    if not training and running_mean is None:
        raise ValueError("batchnorm: `training=False` normalises with the running statistics: give "
                         "`running_mean` and `running_var`")
    params = [(n, p) for n, p in (("gamma", gamma), ("beta", beta)) if p is not None]
    kwargs = dict(eps=eps, names=tuple(n for n, _ in params), running_mean=running_mean, running_var=running_var,
                  momentum=momentum, training=bool(training))
    return execute_op(BatchNorm, x, *(p for _, p in params), op_kwargs=kwargs, constant=constant)


def _reference(x, *, eps):
    """NumPy-only batchnorm (float64) for the conformance check."""
    axes = (0, *range(2, x.ndim))
    x64 = np.asarray(x, dtype=np.float64)
    y = (x64 - x64.mean(axis=axes, keepdims=True)) / np.sqrt(x64.var(axis=axes, keepdims=True) + eps)
    return y.astype(x.dtype)


def _conformance_shapes(draw):
    """The batch's shape, then none, one or two per-channel parameters."""
    from hypothesis import strategies as st

    x = (draw(st.integers(2, 4)), draw(st.integers(1, 3)), *draw(st.lists(st.integers(1, 3), max_size=2)))
    return (x, *[(x[1],)] * draw(st.integers(0, 2)))


def _conformance_kwargs(draw, shapes):
    from hypothesis import strategies as st

    # which tensors after x are given (by keyword): one parameter is gamma or beta
    names = {1: (), 2: draw(st.sampled_from([("gamma",), ("beta",)])), 3: ("gamma", "beta")}[len(shapes)]
    return {"eps": draw(st.sampled_from([0.1, 1.0])), "names": names}


def _affine_reference(x, gamma=None, beta=None, *, eps):
    """The reference with NumPy's scale and shift (for the conformance check)."""
    y = _reference(x, eps=eps)
    shape = (1, -1) + (1,) * (np.ndim(x) - 2)
    if gamma is not None:
        y = y * np.reshape(gamma, shape)
    if beta is not None:
        y = y + np.reshape(beta, shape)
    return y


batchnorm = operation_op(
    _batchnorm,
    BatchNorm,
    name="batchnorm",
    namespaces=NAMESPACES,
    reference=_reference,
    domain=Domain(-5, 5, unique=True),  # (a near-constant channel is ill-conditioned in low precision)
    # gamma and beta are keyword tensors: `call` passes them by name (to the reference too)
    conformance={"shapes": _conformance_shapes, "kwargs": _conformance_kwargs, "reference": _affine_reference,
                 "call": lambda f, x, *tensors, names, **kw: f(x, **dict(zip(names, tensors)), **kw)},
)

DECLARATIONS = [batchnorm]
