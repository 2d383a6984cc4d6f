"""Loss functions: ``mygrad.nnet.losses`` (also in ``mygrad.nnet``).

MyGrad 2.x's six (softmax_crossentropy, negative_log_likelihood,
multiclass_hinge, margin_ranking_loss, focal_loss, softmax_focal_loss) here;
mean_squared_error, binary_crossentropy, binary_crossentropy_with_logits in
:mod:`mygrad_ops_nnet.elementwise_losses`. Each is one op with its own
gradient rule.

Every loss takes ``reduction=`` -- ``"mean"``, ``"sum"`` or ``"none"`` (the
unreduced losses) -- whose default keeps MyGrad 2.x's result:

* ``"mean"`` for all but the focal losses: the mean over the data (over all
  elements for margin_ranking_loss and the elementwise losses);
  ``negative_log_likelihood`` with ``weights`` divides the weighted sum by N,
  not by the sum of the weights (PyTorch divides by the sum of the weights:
  use ``reduction="sum"`` and divide by ``weights[y_true].sum()`` for that);
* ``"none"`` for ``focal_loss`` and ``softmax_focal_loss`` (one loss per datum).

Score/label losses take scores ``x`` of shape (N, C) (``ValueError``
otherwise) and integer labels ``y_true`` of shape (N,) (``TypeError`` for a
non-integer dtype, ``ValueError`` for a wrong shape, ``IndexError`` for a
label outside ``[0, C)``); ``y_true`` may be a tensor (its values are used).
The gradient flows to the scores only. float16/float32 scores give losses of
the same dtype (weights, labels and ``y`` never upcast them).
"""

from __future__ import annotations

import numpy as np

from mygrad import Tensor
from mygrad.plugin import Domain, function_op

from mygrad_ops_nnet.activations import as_float, logsoftmax_of, real_scalar, softmax_of

NAMESPACES = ("mygrad.nnet", "mygrad.nnet.losses")

REDUCTIONS = ("mean", "sum", "none")


# ------------------------------------------------------------------ helpers
def _values(a):
    """The array of a tensor, or ``np.asarray(a)``."""
    return a.data if isinstance(a, Tensor) else np.asarray(a)


def _check_reduction(reduction):
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def reduce_loss(loss, reduction):
    """The unreduced ``loss`` reduced as asked."""
    if not (type(reduction) is str and reduction == "mean"):  # (the default: checked first)
        _check_reduction(reduction)
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
    return loss.sum() / loss.size if loss.size else np.mean(loss)  # (NumPy: nan and a warning)


def upstream_each(g, reduction, size):
    """The upstream gradient of each element of the unreduced loss (``size``
    elements): ``g`` spread back over the reduction."""
    return g / size if reduction == "mean" else g


def _scores(x, name):
    """Scores of shape (N, C), as floats."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"{name}: the scores must be a 2-D array of shape (N, C), got shape {x.shape}")
    return x if x.dtype.kind == "f" else as_float(x)


#: signed integer dtype -> the unsigned one of its size
_UNSIGNED = {np.dtype(t): np.dtype(t.upper()) for t in "bhilq"}


def _outside(y, c):
    """Does the integer array ``y`` hold a value outside ``[0, c)``?"""
    u = _UNSIGNED.get(y.dtype)
    if u is not None:  # (one reduction: a negative label viewed as unsigned is larger than any class)
        return np.maximum.reduce(y.view(u)) >= c
    return y.min() < 0 or y.max() >= c


def labels(y_true, n, c, name="y_true"):
    """Integer class labels of shape (n,), each in ``[0, c)``."""
    y = y_true if type(y_true) is np.ndarray else _values(y_true)
    if y.dtype.kind not in "iu":
        raise TypeError(f"`{name}` must hold integer class labels, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"`{name}` must have shape ({n},) (one label per row of the scores), got {y.shape}")
    if n and _outside(y, c):
        raise IndexError(f"`{name}` holds labels outside [0, {c}): min {y.min()}, max {y.max()}")
    return y


# ------------------------------------------------------- conformance options
_SCORE_SHAPES = [((1, 1),), ((3, 4),), ((2, 3),), ((4, 2),)]


def _label_kwargs(draw, shapes, reductions=REDUCTIONS):
    """Labels for scores of ``shapes[0]`` and a reduction."""
    from hypothesis import strategies as st

    n, c = shapes[0]
    y = draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
    return {"y_true": np.array(y, dtype=np.int64), "reduction": draw(st.sampled_from(reductions))}


def _focal_kwargs(draw, shapes):
    from hypothesis import strategies as st

    kwargs = _label_kwargs(draw, shapes)
    kwargs["targets"] = kwargs.pop("y_true")
    kwargs["alpha"] = draw(st.sampled_from([1, 0.25]))
    kwargs["gamma"] = draw(st.sampled_from([0, 0.5, 1, 2.5]))
    return kwargs


# ------------------------------------------------------ softmax cross-entropy
_ONES: dict = {}
_ROWS: dict = {}


def _cached(cache, key, make, *args):
    """A read-only array ``make(*args)``, kept in ``cache`` under ``key``
    (emptied when it holds 64 arrays)."""
    arr = cache.get(key)
    if arr is None:
        if len(cache) >= 64:
            cache.clear()
        arr = cache[key] = make(*args)
        arr.flags.writeable = False
    return arr


def _rows(n):
    """``np.arange(n)``: the row index of every batch of ``n``."""
    return _cached(_ROWS, n, np.arange, n)


def _row_sums(a):
    """``a.sum(axis=1, keepdims=True)`` for a 2-D float array (a matrix-vector
    product: much faster than NumPy's reduction over a short last axis)."""
    if a.dtype == np.float16:
        return a.sum(axis=1, keepdims=True)
    c = a.shape[1]
    return a @ _cached(_ONES, (c, a.dtype), np.ones, (c, 1), a.dtype)


def _softmax_crossentropy_grad(g, out, x, y_true, reduction="mean", *, exp, sums):
    # the softmax from the forward pass's exponentials and their row sums
    p = exp / sums
    n = p.shape[0]
    p[_rows(n), _values(y_true)] -= 1
    scale = upstream_each(g, reduction, n)
    p *= scale[:, None] if reduction == "none" else scale
    return p


@function_op(grads=[_softmax_crossentropy_grad], namespaces=NAMESPACES, keeps=("exp", "sums"),
             conformance={"shapes": _SCORE_SHAPES, "kwargs": _label_kwargs})
def softmax_crossentropy(x, y_true, *, reduction="mean"):
    """Cross-entropy of the softmax of the scores ``x`` (N, C) and the labels
    ``y_true`` (N,): ``-log softmax(x)[i, y_true[i]]`` per datum, computed
    stably (``logsumexp(x[i]) - x[i, y_true[i]]``); the mean over the data by
    default.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[2., 0.], [0., 0.]])
    >>> loss = mg.nnet.softmax_crossentropy(x, [0, 1])
    >>> loss
    Tensor(0.4100376)
    >>> loss.backward()
    >>> x.grad
    array([[-0.05960146,  0.05960146],
           [ 0.25      , -0.25      ]])
    >>> mg.nnet.softmax_crossentropy(x, [0, 1], reduction="none")
    Tensor([0.12692801, 0.69314718])
    """
    x = _scores(x, "softmax_crossentropy")
    n, c = x.shape
    y = labels(y_true, n, c)
    _check_reduction(reduction)
    if not c:  # (then there is no datum either)
        return reduce_loss(np.zeros(0, dtype=x.dtype), reduction), x, np.ones((0, 1), dtype=x.dtype)
    z = x - np.maximum.reduce(x, axis=1, keepdims=True)
    picked = z[_rows(n), y]
    e = np.exp(z, out=z)
    s = _row_sums(e)
    return reduce_loss(np.log(s[:, 0]) - picked, reduction), e, s


# --------------------------------------------------- negative log-likelihood
def _nll_weights(weights, c, dtype):
    w = _values(weights)
    if w.shape != (c,):
        raise ValueError(f"negative_log_likelihood: `weights` must have shape ({c},) (one per class), got {w.shape}")
    return w.astype(dtype, copy=False)


def _nll_grad(g, out, x, y_true, weights=None, reduction="mean"):
    n, c = x.shape
    y = _values(y_true)
    each = -upstream_each(g, reduction, n)
    if weights is not None:
        each = each * _nll_weights(weights, c, x.dtype)[y]
    grad = np.zeros_like(x)
    grad[np.arange(n), y] = each
    return grad


@function_op(grads=[_nll_grad], namespaces=NAMESPACES,
             conformance={"shapes": _SCORE_SHAPES,
                          "kwargs": lambda draw, shapes: {**_label_kwargs(draw, shapes),
                                                          "weights": draw(_weight_choices(shapes[0][1]))}})
def negative_log_likelihood(x, y_true, *, weights=None, reduction="mean"):
    """Negative log-likelihood of log-probabilities ``x`` (N, C) for the
    labels ``y_true`` (N,): ``-weights[y_true[i]] * x[i, y_true[i]]`` per
    datum (``weights``: one per class, default all 1).

    ``reduction="mean"`` (the default) divides the sum by N -- also with
    ``weights``, like MyGrad 2.x (not by the sum of the weights, as PyTorch).

    Examples
    --------
    >>> import mygrad as mg
    >>> import numpy as np
    >>> x = mg.tensor(np.log([[0.5, 0.5], [0.25, 0.75]]))
    >>> mg.nnet.negative_log_likelihood(x, [0, 1])
    Tensor(0.49041463)
    >>> loss = mg.nnet.negative_log_likelihood(x, [0, 1], weights=[2., 0.])
    >>> loss
    Tensor(0.69314718)
    >>> loss.backward()
    >>> x.grad
    array([[-1.,  0.],
           [ 0., -0.]])
    """
    x = _scores(x, "negative_log_likelihood")
    n, c = x.shape
    y = labels(y_true, n, c)
    _check_reduction(reduction)
    loss = -x[np.arange(n), y]
    if weights is not None:
        loss = loss * _nll_weights(weights, c, x.dtype)[y]
    return reduce_loss(loss, reduction)


def _weight_choices(c):
    from hypothesis import strategies as st

    return st.none() | st.lists(st.floats(0, 2), min_size=c, max_size=c).map(np.array)


# ----------------------------------------------------------- multiclass hinge
def _hinge_margins(x, y, hinge):
    """``max(0, x[i, j] - x[i, y_i] + hinge)``, with 0 at ``j == y_i``."""
    n = x.shape[0]
    rows = np.arange(n)
    margins = x - x[rows, y][:, None] + real_scalar(hinge, "hinge")
    margins[rows, y] = 0
    return np.maximum(margins, 0)


def _hinge_grad(g, out, x, y_true, hinge=1.0, reduction="mean"):
    n = x.shape[0]
    y = _values(y_true)
    active = (_hinge_margins(x, y, hinge) > 0).astype(x.dtype)
    active[np.arange(n), y] = -np.sum(active, axis=1)
    each = upstream_each(g, reduction, n)
    return active * (each[:, None] if reduction == "none" else each)


@function_op(grads=[_hinge_grad], namespaces=NAMESPACES, domain=Domain(-2, 2, unique=True, gap=0.3),
             conformance={"shapes": [((1, 1),), ((3, 4),), ((2, 3),), ((4, 2),), ((2, 5),)],
                          "kwargs": lambda draw, shapes: {**_label_kwargs(draw, shapes),
                                                          "hinge": draw(_hinge_choices())}})
def multiclass_hinge(x, y_true, hinge=1.0, *, reduction="mean"):
    """Multiclass hinge loss of the scores ``x`` (N, C) for the labels
    ``y_true`` (N,): ``sum_{j != y_i} max(0, x[i, j] - x[i, y_i] + hinge)``
    per datum (``hinge`` a real number). A margin of exactly 0 passes no
    gradient.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([[3., 2.5, 0.], [1., 2., 0.]])
    >>> loss = mg.nnet.multiclass_hinge(x, [0, 2])
    >>> loss
    Tensor(2.75)
    >>> loss.backward()
    >>> x.grad
    array([[-0.5,  0.5,  0. ],
           [ 0.5,  0.5, -1. ]])
    """
    x = _scores(x, "multiclass_hinge")
    n, c = x.shape
    y = labels(y_true, n, c)
    _check_reduction(reduction)
    return reduce_loss(np.sum(_hinge_margins(x, y, hinge), axis=1), reduction)


def _hinge_choices():
    from hypothesis import strategies as st

    return st.sampled_from([1.0, 0.5])


# ------------------------------------------------------- margin ranking loss
def _nonnegative_real(value, name, where):
    """``value`` as a real number >= 0; ``ValueError`` otherwise, also for a
    value that is no real number (MyGrad 2.x's error for the ranking loss's
    ``margin`` and the focal losses' ``gamma``)."""
    try:
        value = real_scalar(value, name)
    except TypeError:
        raise ValueError(f"{where}: `{name}` must be a real number >= 0, got {value!r}") from None
    if not value >= 0:
        raise ValueError(f"{where}: `{name}` must be a real number >= 0, got {value!r}")
    return value


def _ranking_y(y, shape, dtype):
    """``y`` (a scalar or (N,) of +1/-1), broadcastable against ``shape``; a
    single value (of any shape) counts as a scalar, as in MyGrad 2.x."""
    y = _values(y)
    if y.size == 1 and y.ndim:
        y = y.reshape(())
    if y.ndim > 1 or (y.ndim == 1 and y.shape[0] != shape[0]):
        raise ValueError(f"margin_ranking_loss: `y` must be a scalar or have shape ({shape[0]},), got {y.shape}")
    if y.dtype.kind not in "biuf" or not np.all((y == 1) | (y == -1)):
        raise ValueError("margin_ranking_loss: `y` must hold only 1 and -1")
    y = y.astype(dtype, copy=False)
    return y[:, None] if y.ndim == 1 and len(shape) == 2 else y


def _ranking_active(x1, x2, y, margin):
    """Where the ranking loss is positive, and ``y`` shaped for ``x1``."""
    x1, x2 = np.asarray(x1), np.asarray(x2)
    yy = _ranking_y(y, x1.shape, x1.dtype)
    return (real_scalar(margin, "margin") - yy * (x1 - x2)) > 0, yy


def _ranking_grad1(g, out, x1, x2, y, margin, reduction="mean"):
    active, yy = _ranking_active(x1, x2, y, margin)
    return -yy * active * upstream_each(g, reduction, np.size(x1))


def _ranking_grad2(g, out, x1, x2, y, margin, reduction="mean"):
    active, yy = _ranking_active(x1, x2, y, margin)
    return yy * active * upstream_each(g, reduction, np.size(x1))


def _ranking_kwargs(draw, shapes):
    from hypothesis import strategies as st

    n = shapes[0][0]
    sign = st.sampled_from([1, -1])
    y = draw(sign | st.lists(sign, min_size=n, max_size=n).map(np.array))
    return {"y": y, "margin": draw(st.sampled_from([0.0, 0.37])), "reduction": draw(st.sampled_from(REDUCTIONS))}


# x1 - x2 lies in [1, 4]: never at a kink for the sampled margins (< 1), and
# y = 1 / y = -1 give inactive / active pairs
@function_op(grads=[_ranking_grad1, _ranking_grad2], nin=2, namespaces=NAMESPACES,
             domain=(Domain(0.5, 2), Domain(-2, -0.5)),
             conformance={"shapes": [((3,), (3,)), ((2, 3), (2, 3)), ((1,), (1,))], "kwargs": _ranking_kwargs})
def margin_ranking_loss(x1, x2, y, margin, *, reduction="mean"):
    """Margin ranking loss ``max(0, margin - y * (x1 - x2))``: ``y = 1`` asks
    for ``x1 > x2 + margin``, ``y = -1`` for ``x2 > x1 + margin``.

    ``x1``, ``x2``: floating arrays of the same shape, (N,) or (N, D)
    (``TypeError`` for other dtypes, ``ValueError`` for other shapes); ``y``:
    1 or -1, a scalar (or any single value) or one per datum (N,);
    ``margin``: a real number >= 0 (``ValueError`` otherwise).
    The mean over all elements by default.

    Examples
    --------
    >>> import mygrad as mg
    >>> x1, x2 = mg.tensor([1., 2., 3.]), mg.tensor([2., 2., 0.])
    >>> loss = mg.nnet.margin_ranking_loss(x1, x2, 1, margin=0.5)
    >>> loss
    Tensor(0.66666667)
    >>> loss.backward()
    >>> x1.grad, x2.grad
    (array([-0.33333333, -0.33333333, -0.        ]), array([0.33333333, 0.33333333, 0.        ]))
    """
    x1, x2 = np.asarray(x1), np.asarray(x2)
    for a in (x1, x2):
        if a.dtype.kind != "f":
            raise TypeError(f"margin_ranking_loss: x1 and x2 must be floating-point arrays, got dtype {a.dtype}")
    if x1.shape != x2.shape or x1.ndim not in (1, 2):
        raise ValueError(f"margin_ranking_loss: x1 and x2 must have the same shape, (N,) or (N, D); "
                         f"got {x1.shape} and {x2.shape}")
    margin = _nonnegative_real(margin, "margin", "margin_ranking_loss")
    _check_reduction(reduction)
    yy = _ranking_y(y, x1.shape, x1.dtype)
    return reduce_loss(np.maximum(margin - yy * (x1 - x2), 0), reduction)


# --------------------------------------------------------------- focal losses
def _focal_params(alpha, gamma):
    return real_scalar(alpha, "alpha"), _nonnegative_real(gamma, "gamma", "focal loss")


def _focal_grad(g, out, class_probs, targets, alpha=1, gamma=0, reduction="none"):
    n = class_probs.shape[0]
    t = _values(targets)
    rows = np.arange(n)
    alpha, gamma = _focal_params(alpha, gamma)
    p = class_probs[rows, t]
    one_minus = 1 - p
    slope = -(one_minus**gamma) / p
    if gamma:
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = slope + np.where(one_minus > 0, gamma * one_minus ** (gamma - 1) * np.log(p), 0)
    grad = np.zeros_like(class_probs)
    grad[rows, t] = alpha * slope * upstream_each(g, reduction, n)
    return grad


@function_op(grads=[_focal_grad], namespaces=NAMESPACES, domain=Domain(0.05, 0.95),
             conformance={"shapes": _SCORE_SHAPES, "kwargs": _focal_kwargs})
def focal_loss(class_probs, targets, *, alpha=1, gamma=0, reduction="none"):
    """Focal loss of class probabilities ``class_probs`` (N, C) for the labels
    ``targets`` (N,): ``-alpha * (1 - p_t)^gamma * log(p_t)`` per datum, with
    ``p_t = class_probs[i, targets[i]]`` (``alpha`` real, ``gamma`` real >= 0:
    ``ValueError`` otherwise, as in MyGrad 2.x).

    Unreduced by default (one loss per datum, like MyGrad 2.x).

    Examples
    --------
    >>> import mygrad as mg
    >>> p = mg.tensor([[0.9, 0.1], [0.5, 0.5]])
    >>> mg.nnet.focal_loss(p, [0, 1], gamma=2)
    Tensor([0.00105361, 0.1732868 ])
    >>> mg.nnet.focal_loss(p, [0, 1], gamma=2, reduction="mean")
    Tensor(0.0871702)
    """
    x = _scores(class_probs, "focal_loss")
    n, c = x.shape
    t = labels(targets, n, c, "targets")
    alpha, gamma = _focal_params(alpha, gamma)
    _check_reduction(reduction)
    p = x[np.arange(n), t]
    return reduce_loss(-alpha * (1 - p) ** gamma * np.log(p), reduction)


def _softmax_focal_grad(g, out, scores, targets, alpha=1, gamma=0, reduction="none"):
    n = scores.shape[0]
    t = _values(targets)
    rows = np.arange(n)
    alpha, gamma = _focal_params(alpha, gamma)
    log_probs = logsoftmax_of(scores, axis=1)
    probs = np.exp(log_probs)
    log_p = log_probs[rows, t]
    p, one_minus = probs[rows, t], -np.expm1(log_p)
    # d loss / d log(p_t), then d log(p_t) / d scores = onehot - softmax
    slope = -(one_minus**gamma)
    if gamma:
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = slope + np.where(one_minus > 0, gamma * one_minus ** (gamma - 1) * p * log_p, 0)
    c = alpha * slope * upstream_each(g, reduction, n)
    probs *= -c[:, None]
    probs[rows, t] += c
    return probs


@function_op(grads=[_softmax_focal_grad], namespaces=NAMESPACES,
             conformance={"shapes": _SCORE_SHAPES, "kwargs": _focal_kwargs})
def softmax_focal_loss(scores, targets, *, alpha=1, gamma=0, reduction="none"):
    """Focal loss of ``softmax(scores)`` (see :func:`focal_loss`), with the
    log-probabilities computed stably (``log_softmax``); one op, so large
    scores never give ``log(0)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> s = mg.tensor([[1., 0.], [0., 0.]])
    >>> mg.nnet.softmax_focal_loss(s, [0, 1], gamma=2)
    Tensor([0.02265806, 0.1732868 ])
    """
    x = _scores(scores, "softmax_focal_loss")
    n, c = x.shape
    t = labels(targets, n, c, "targets")
    alpha, gamma = _focal_params(alpha, gamma)
    _check_reduction(reduction)
    log_p = logsoftmax_of(x, axis=1)[np.arange(n), t]
    return reduce_loss(-alpha * (-np.expm1(log_p)) ** gamma * log_p, reduction)


DECLARATIONS = [
    softmax_crossentropy, negative_log_likelihood, multiclass_hinge, margin_ranking_loss, focal_loss,
    softmax_focal_loss,
]
