"""A reduction with ``axis`` and ``keepdims``: ``logmeanexp``, the log of the
mean of the exponentials, computed stably. ``unreduce`` spreads the output's
gradient back over the input's shape (the reduced axes put back, then
broadcast), so the rule cannot broadcast along the wrong axis."""

import numpy as np

from mygrad.plugin import function_op, unreduce


def _forward(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.mean(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


def _grad(g, out, x, axis=None, keepdims=False):
    # d/dx_i log(mean(exp(x))) = exp(x_i - out) / N
    out_b = unreduce(out, np.shape(x), axis, keepdims)
    n = np.size(x) // max(np.size(out), 1)
    return unreduce(g, np.shape(x), axis, keepdims) * np.exp(x - out_b) / n


@function_op(
    grads=[_grad],
    reference=lambda x, axis=None, keepdims=False: np.log(np.mean(np.exp(x), axis=axis, keepdims=keepdims)),
    conformance={"kwargs": {"axis": [None, 0, -1], "keepdims": [False, True]}},
)
def logmeanexp(x, axis=None, keepdims=False):
    """``log(mean(exp(x), axis))``, without overflow.

    >>> import mygrad as mg
    >>> x = mg.tensor([[0.0, 0.0], [1.0, 3.0]])
    >>> mg.logmeanexp(x, axis=1)
    Tensor([0.        , 2.43378083])
    >>> mg.logmeanexp(x, axis=1).backward()
    >>> x.grad
    array([[0.5       , 0.5       ],
           [0.11920292, 0.88079708]])
    """
    return _forward(x, axis=axis, keepdims=keepdims)


DECLARATIONS = [logmeanexp]
