"""Elementwise losses: ``mean_squared_error``, ``binary_crossentropy`` and
``binary_crossentropy_with_logits`` (in ``mygrad.nnet.losses``, also in
``mygrad.nnet``).

The inputs broadcast like NumPy's and both get gradients; ``reduction=``
(``"mean"`` over all elements by default, ``"sum"``, ``"none"``) as for every
loss (see :mod:`mygrad_ops_nnet.losses`).
"""

from __future__ import annotations

import numpy as np

from mygrad.plugin import Domain, function_op

from mygrad_ops_nnet.activations import as_float, sigmoid_of
from mygrad_ops_nnet.losses import NAMESPACES, REDUCTIONS, reduce_loss, upstream_each


def _sum_to(a, shape):
    """The gradient ``a`` of a value broadcast from ``shape``, summed back to
    ``shape`` (``a`` may also lack axes of ``shape``)."""
    if a.shape == shape:
        return a
    a = np.broadcast_to(a, np.broadcast_shapes(a.shape, shape))
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and a.shape[lead + i] != 1)
    return np.sum(a, axis=axes, keepdims=True).reshape(shape)


def _elementwise_kwargs(draw, shapes):
    from hypothesis import strategies as st

    return {"reduction": draw(st.sampled_from(REDUCTIONS))}


def _size(shape):
    n = 1
    for side in shape:
        n *= side
    return n


def _elementwise_inputs(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a, b, np.broadcast_shapes(a.shape, b.shape)


def _mse_grad0(g, out, y_pred, y_true, reduction="mean"):
    y_pred, y_true, shape = _elementwise_inputs(y_pred, y_true)
    return _sum_to(2 * (y_pred - y_true) * upstream_each(g, reduction, _size(shape)), y_pred.shape)


def _mse_grad1(g, out, y_pred, y_true, reduction="mean"):
    y_pred, y_true, shape = _elementwise_inputs(y_pred, y_true)
    return _sum_to(2 * (y_true - y_pred) * upstream_each(g, reduction, _size(shape)), y_true.shape)


@function_op(grads=[_mse_grad0, _mse_grad1], nin=2, namespaces=NAMESPACES,
             conformance={"kwargs": _elementwise_kwargs})
def mean_squared_error(y_pred, y_true, *, reduction="mean"):
    """``(y_pred - y_true)^2`` elementwise (the inputs broadcast like NumPy's);
    by default the mean over all elements. Both inputs get gradients.

    Examples
    --------
    >>> import mygrad as mg
    >>> pred = mg.tensor([1., 2., 4.])
    >>> loss = mg.nnet.mean_squared_error(pred, [1., 1., 1.])
    >>> loss
    Tensor(3.33333333)
    >>> loss.backward()
    >>> pred.grad
    array([0.        , 0.66666667, 2.        ])
    """
    y_pred, y_true, _ = _elementwise_inputs(y_pred, y_true)
    d = y_pred - y_true
    return reduce_loss(d * d, reduction)


_LOG_FLOOR = -100.0


def _logs(p):
    """``log(p)`` and ``log(1 - p)`` (-inf at 0, without a warning)."""
    with np.errstate(divide="ignore"):
        return np.log(p), np.log1p(-p)


def _bce_grad0(g, out, probs, targets, reduction="mean"):
    p, t, shape = _elementwise_inputs(probs, targets)
    log_p, log_q = _logs(p)
    # the derivative of the clamped logs: 0 where a log is clamped
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (1 - t) * np.where(log_q > _LOG_FLOOR, 1 / (1 - p), 0) - t * np.where(log_p > _LOG_FLOOR, 1 / p, 0)
    return _sum_to(d * upstream_each(g, reduction, _size(shape)), p.shape)


def _bce_grad1(g, out, probs, targets, reduction="mean"):
    p, t, shape = _elementwise_inputs(probs, targets)
    log_p, log_q = _logs(p)
    d = np.maximum(log_q, _LOG_FLOOR) - np.maximum(log_p, _LOG_FLOOR)
    return _sum_to(d * upstream_each(g, reduction, _size(shape)), t.shape)


@function_op(grads=[_bce_grad0, _bce_grad1], nin=2, namespaces=NAMESPACES,
             domain=(Domain(0.05, 0.95), Domain(0, 1)), conformance={"kwargs": _elementwise_kwargs})
def binary_crossentropy(probs, targets, *, reduction="mean"):
    """Binary cross-entropy of probabilities ``probs`` (in [0, 1], else
    ``ValueError``) and targets (0/1 or soft labels):
    ``-(t log p + (1 - t) log(1 - p))`` elementwise, each log clamped at -100
    (as PyTorch does: ``p = 0`` or ``1`` gives a finite loss); by default the
    mean over all elements. Both inputs get gradients. For scores rather than
    probabilities use :func:`binary_crossentropy_with_logits`.

    Examples
    --------
    >>> import mygrad as mg
    >>> p = mg.tensor([0.9, 0.2])
    >>> loss = mg.nnet.binary_crossentropy(p, [1., 0.])
    >>> loss
    Tensor(0.16425203)
    >>> loss.backward()
    >>> p.grad
    array([-0.55555556,  0.625     ])
    """
    p, t, _ = _elementwise_inputs(probs, targets)
    if p.size and not (np.min(p) >= 0 and np.max(p) <= 1):
        raise ValueError("binary_crossentropy: `probs` must lie in [0, 1] (for scores use "
                         "binary_crossentropy_with_logits)")
    log_p, log_q = _logs(p)
    return reduce_loss(-(t * np.maximum(log_p, _LOG_FLOOR) + (1 - t) * np.maximum(log_q, _LOG_FLOOR)), reduction)


def _bce_logits_grad0(g, out, logits, targets, reduction="mean"):
    x, t, shape = _elementwise_inputs(logits, targets)
    return _sum_to((sigmoid_of(as_float(x)) - t) * upstream_each(g, reduction, _size(shape)), x.shape)


def _bce_logits_grad1(g, out, logits, targets, reduction="mean"):
    x, t, shape = _elementwise_inputs(logits, targets)
    return _sum_to(-x * upstream_each(g, reduction, _size(shape)), t.shape)


@function_op(grads=[_bce_logits_grad0, _bce_logits_grad1], nin=2, namespaces=NAMESPACES,
             domain=(Domain(-5, 5), Domain(0, 1)), conformance={"kwargs": _elementwise_kwargs})
def binary_crossentropy_with_logits(logits, targets, *, reduction="mean"):
    """Binary cross-entropy of ``sigmoid(logits)`` and ``targets``, computed
    stably as ``max(x, 0) - x t + log(1 + exp(-|x|))``; by default the mean
    over all elements. Both inputs get gradients.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1000., 0.])
    >>> loss = mg.nnet.binary_crossentropy_with_logits(x, [1., 0.])
    >>> loss
    Tensor(0.34657359)
    >>> loss.backward()
    >>> x.grad
    array([0.  , 0.25])
    """
    x, t, _ = _elementwise_inputs(logits, targets)
    x = as_float(x)
    return reduce_loss(np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))), reduction)


DECLARATIONS = [mean_squared_error, binary_crossentropy, binary_crossentropy_with_logits]
