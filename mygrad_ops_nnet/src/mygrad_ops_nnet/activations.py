"""Activation functions: ``mygrad.nnet.activations`` (also in ``mygrad.nnet``).

MyGrad 2.x's eleven (elu, glu, hard_tanh, leaky_relu, logsoftmax, relu, selu,
sigmoid, softmax, soft_sign, tanh) and gelu, softplus, silu (alias swish) and
log_sigmoid. Each is one op with its own gradient rule (no graph of small ops):
the forward pass is NumPy, stable where it matters (sigmoid, softplus,
softmax and logsoftmax never overflow).

Dtypes follow NumPy: float16/float32 inputs give results of the same dtype
(the reference upcast hard_tanh, leaky_relu and soft_sign to float64); integer
inputs give float64 where the result is not an integer (``relu`` of integers
stays integer, like ``np.maximum(x, 0)``).

Derivative conventions at the kinks (where the derivative does not exist):

* ``relu``: 0 at ``x == 0``; ``leaky_relu``: ``slope`` at ``x == 0`` (the
  derivative of ``where(x > 0, x, slope * x)``, so ``leaky_relu(x, 0)`` and
  ``relu`` agree; the reference gave 0 there);
* ``elu``/``selu``: the left derivative (``alpha``, ``scale * alpha``) at 0;
* ``hard_tanh``: 0 at the bounds (as in the reference and PyTorch).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

import mygrad as mg
from mygrad.plugin import Domain, composite_op, function_op

NAMESPACES = ("mygrad.nnet", "mygrad.nnet.activations")

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


# ------------------------------------------------------------------ helpers
def real_scalar(value, name):
    """``value`` as a Python real number: 0-d (size-1) arrays and tensors
    give their ``.item()``; anything else that is not a real number (bool,
    complex, str, a longer array) raises ``TypeError``."""
    if isinstance(value, (np.ndarray, np.generic, mg.Tensor)):
        if value.size != 1:
            raise TypeError(f"`{name}` must be a real number, got an array of shape {value.shape}")
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"`{name}` must be a real number, got {value!r}")
    return value


def as_float(x):
    """``x`` as an array with a floating dtype (integers and bools -> float64)."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def sigmoid_of(x):
    """``1 / (1 + exp(-x))`` without overflow, in ``x``'s float dtype."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def softmax_of(x, axis=-1):
    """The softmax of the array ``x`` along ``axis`` (max-subtracted)."""
    z = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))
    return z / np.sum(z, axis=axis, keepdims=True)


def logsoftmax_of(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis`` (max-subtracted)."""
    z = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def _erf_series(x):
    """erf(x) for ``|x| < 2.5``: ``2/sqrt(pi) exp(-x^2) sum_n x (2x^2)^n / (1*3*...*(2n+1))``
    (positive terms, so no cancellation; the number of terms is set by the
    largest ``|x|``, where the series converges slowest)."""
    if not x.size:
        return x.copy()
    eps = float(np.finfo(x.dtype).eps)
    amax = float(np.max(np.abs(x)))
    two_a2, term_max, total_max, n = 2 * amax * amax, amax, amax, 0
    while n < 6 or term_max > eps * total_max:
        n += 1
        term_max *= two_a2 / (2 * n + 1)
        total_max += term_max
    two_x2 = 2 * x * x
    term, total = x.copy(), x.copy()
    for k in range(1, n + 1):
        term *= two_x2
        term *= 1 / (2 * k + 1)
        total += term
    return (2 / math.sqrt(math.pi)) * np.exp(-x * x) * total


def _erfc_fraction(a, depth=30):
    """erfc(a) from its continued fraction
    ``exp(-a^2) / sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))``,
    evaluated to ``depth`` terms: to about 1e-15 relative error for
    ``a >= 2.5`` with 30 terms, for ``a >= 1.5`` with 100."""
    f = a
    for k in range(depth, 0, -1):
        f = a + (k / 2) / f
    with np.errstate(over="ignore"):  # (a^2 overflows to inf only where erfc is 0 anyway)
        return np.exp(-a * a) / (math.sqrt(math.pi) * f)


def erfc_nonnegative(a):
    """erfc of the float array ``a >= 0``, accurate in the tail (``1 - erf``
    only where erfc > 0.03, which loses under 2 digits)."""
    out = np.empty_like(a)
    small = a < 1.5
    out[small] = 1 - _erf_series(a[small])
    big = ~small
    out[big] = _erfc_fraction(a[big], depth=100)
    return out


def erf(x):
    """The error function of the float array ``x`` (float32 or float64; about
    1e-15 relative error in float64)."""
    out = np.empty_like(x)
    a = np.abs(x)
    small = a < 2.5
    out[small] = _erf_series(x[small])
    big = ~small
    out[big] = np.copysign(1 - _erfc_fraction(a[big]), x[big])
    return out


def normal_cdf(x):
    """The standard normal CDF ``Phi(x) = erfc(-x / sqrt(2)) / 2`` of a float
    array (float16 computed in float32); accurate far into the lower tail."""
    x = np.asarray(x)
    work = x.astype(np.float32) if x.dtype == np.float16 else x
    z = work * (1 / math.sqrt(2))
    out = np.empty_like(z)
    neg = z < 0
    out[neg] = 0.5 * erfc_nonnegative(-z[neg])
    pos = ~neg
    out[pos] = 0.5 + 0.5 * erf(z[pos])
    return out.astype(x.dtype, copy=False)


# ----------------------------------------------------- piecewise-linear ops
@function_op(grads=[lambda g, out, x: g * (out > 0)], namespaces=NAMESPACES, domain=Domain(exclude=(0,)),
             reference=lambda x: np.where(x > 0, x, 0 * x))
def relu(x):
    """Rectified linear unit, ``max(x, 0)`` elementwise; the gradient at 0 is 0.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-1., 0., 2.])
    >>> y = mg.nnet.relu(x)
    >>> y
    Tensor([0., 0., 2.])
    >>> y.backward()
    >>> x.grad
    array([0., 0., 1.])
    """
    return np.maximum(x, 0)


def _leaky_relu_grad(g, out, x, slope):
    return np.where(x > 0, g, real_scalar(slope, "slope") * g)


@function_op(grads=[_leaky_relu_grad], namespaces=NAMESPACES, domain=Domain(exclude=(0,)),
             conformance={"kwargs": {"slope": [0.1, 0.3, -0.5]}},
             reference=lambda x, slope: np.where(x > 0, x, slope * x))
def leaky_relu(x, slope):
    """Leaky ReLU: ``x`` where ``x > 0``, ``slope * x`` elsewhere.

    ``slope`` must be a real number (a 0-d array or tensor counts); the
    gradient at 0 is ``slope``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-2., 0., 3.])
    >>> y = mg.nnet.leaky_relu(x, 0.1)
    >>> y
    Tensor([-0.2,  0. ,  3. ])
    >>> y.backward()
    >>> x.grad
    array([0.1, 0.1, 1. ])
    """
    slope = real_scalar(slope, "slope")
    return np.where(x > 0, x, slope * np.asarray(x))


def _hard_tanh_grad(g, out, x, lower_bound=-1, upper_bound=1):
    return g * ((x > real_scalar(lower_bound, "lower_bound")) & (x < real_scalar(upper_bound, "upper_bound")))


@function_op(grads=[_hard_tanh_grad], namespaces=NAMESPACES, domain=Domain(-3, 3, exclude=(-1, 1, -0.5, 2), gap=0.05),
             conformance={"kwargs": [{}, {"lower_bound": -0.5, "upper_bound": 2}]},
             reference=lambda x, lower_bound=-1, upper_bound=1: np.minimum(np.maximum(x, lower_bound), upper_bound))
def hard_tanh(x, *, lower_bound=-1, upper_bound=1):
    """``x`` clipped to ``[lower_bound, upper_bound]`` (real numbers with
    ``lower_bound <= upper_bound``, else ``TypeError``/``ValueError``).

    The gradient is 1 strictly inside the bounds and 0 elsewhere (also at
    the bounds).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-3., -0.5, 1., 2.])
    >>> y = mg.nnet.hard_tanh(x)
    >>> y
    Tensor([-1. , -0.5,  1. ,  1. ])
    >>> y.backward()
    >>> x.grad
    array([0., 1., 0., 0.])
    """
    lo, hi = real_scalar(lower_bound, "lower_bound"), real_scalar(upper_bound, "upper_bound")
    if not lo <= hi:
        raise ValueError(f"hard_tanh needs lower_bound <= upper_bound, got {lo} and {hi}")
    return np.minimum(np.maximum(x, lo), hi)


# ------------------------------------------------------ exponential linear
def _elu_grad(g, out, x, alpha):
    return np.where(x > 0, g, g * (out + real_scalar(alpha, "alpha")))


@function_op(grads=[_elu_grad], namespaces=NAMESPACES, domain=Domain(exclude=(0,)),
             conformance={"kwargs": {"alpha": [1.0, 0.5, 2.0]}},
             reference=lambda x, alpha: np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1)))
def elu(x, alpha):
    """Exponential linear unit: ``x`` where ``x > 0``, ``alpha * (exp(x) - 1)``
    elsewhere (``alpha`` a real number).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-1., 2.])
    >>> y = mg.nnet.elu(x, alpha=1.0)
    >>> y
    Tensor([-0.63212056,  2.        ])
    >>> y.backward()
    >>> x.grad
    array([0.36787944, 1.        ])
    """
    alpha = real_scalar(alpha, "alpha")
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _selu_grad(g, out, x):
    return np.where(x > 0, _SELU_SCALE * g, g * (out + _SELU_SCALE * _SELU_ALPHA))


@function_op(grads=[_selu_grad], namespaces=NAMESPACES, domain=Domain(exclude=(0,)),
             reference=lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * (np.exp(np.minimum(x, 0)) - 1)))
def selu(x):
    """Scaled ELU: ``scale * elu(x, alpha)`` with the self-normalising
    constants ``alpha = 1.6732632423543772``, ``scale = 1.0507009873554805``.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nnet.selu(mg.tensor([-1., 0., 1.]))
    Tensor([-1.11133074,  0.        ,  1.05070099])
    """
    return _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0)))


# ------------------------------------------------------------ sigmoid family
@function_op(grads=[lambda g, out, x: g * out * (1 - out)], namespaces=NAMESPACES,
             reference=lambda x: 1 / (1 + np.exp(-x)))
def sigmoid(x):
    """The logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([0., 1000.])
    >>> y = mg.nnet.sigmoid(x)
    >>> y
    Tensor([0.5, 1. ])
    >>> y.backward()
    >>> x.grad
    array([0.25, 0.  ])
    """
    return sigmoid_of(as_float(x))


@function_op(grads=[lambda g, out, x: g * sigmoid_of(-x)], namespaces=NAMESPACES,
             reference=lambda x: np.log(1 / (1 + np.exp(-x))))
def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, computed without overflow.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nnet.log_sigmoid(mg.tensor([0., 1.]))
    Tensor([-0.69314718, -0.31326169])
    >>> mg.nnet.log_sigmoid(mg.tensor(-1000.))
    Tensor(-1000.)
    """
    return -np.logaddexp(0, -as_float(x))


def _softplus_grad(g, out, x, beta=1.0):
    return g * sigmoid_of(real_scalar(beta, "beta") * x)


@function_op(grads=[_softplus_grad], namespaces=NAMESPACES, conformance={"kwargs": {"beta": [1.0, 2.0]}},
             reference=lambda x, beta=1.0: np.log(1 + np.exp(beta * x)) / beta)
def softplus(x, beta=1.0):
    """Softplus, ``log(1 + exp(beta * x)) / beta`` (``beta > 0``), computed
    without overflow; a smooth ReLU. Its derivative is ``sigmoid(beta * x)``.

    Published in ``mygrad.nnet`` / ``mygrad.nnet.activations`` only.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nnet.softplus(mg.tensor([-1., 0., 1.]))
    Tensor([0.31326169, 0.69314718, 1.31326169])
    >>> mg.nnet.softplus(mg.tensor([-1000., 1000.]))
    Tensor([   0., 1000.])
    """
    beta = real_scalar(beta, "beta")
    if not beta > 0:
        raise ValueError(f"softplus needs beta > 0, got {beta}")
    x = as_float(x)
    return np.logaddexp(0, x) if beta == 1 else np.logaddexp(0, beta * x) / beta


def _silu_grad(g, out, x):
    s = sigmoid_of(x)
    return g * s * (1 + x * (1 - s))


@function_op(grads=[_silu_grad], namespaces=NAMESPACES, aliases=("swish",),
             reference=lambda x: x / (1 + np.exp(-x)))
def silu(x):
    """Sigmoid-weighted linear unit ``x * sigmoid(x)`` (alias ``swish``).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([0., 1.])
    >>> mg.nnet.silu(x)
    Tensor([0.        , 0.73105858])
    >>> mg.nnet.swish(x).backward()
    >>> x.grad
    array([0.5       , 0.92767051])
    """
    x = as_float(x)
    return x * sigmoid_of(x)


def _gelu_grad(g, out, x, approximate="none"):
    if approximate == "tanh":
        c = math.sqrt(2 / math.pi)
        t = np.tanh(c * (x + 0.044715 * x**3))
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x))
    cdf = normal_cdf(x)
    return g * (cdf + x * np.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi)))


def _gelu_reference(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    cdf = 0.5 * np.vectorize(math.erfc, otypes=[np.float64])(np.asarray(x, dtype=np.float64) / -math.sqrt(2))
    return (x * cdf).astype(np.result_type(x, np.float16))


@function_op(grads=[_gelu_grad], namespaces=NAMESPACES, conformance={"kwargs": {"approximate": ["none", "tanh"]}},
             reference=_gelu_reference)
def gelu(x, approximate="none"):
    """Gaussian error linear unit ``x * Phi(x)`` (``Phi``: the standard normal
    CDF), or with ``approximate="tanh"`` the approximation
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-1., 0., 1.])
    >>> mg.nnet.gelu(x)
    Tensor([-0.15865525,  0.        ,  0.84134475])
    >>> mg.nnet.gelu(x, approximate="tanh")
    Tensor([-0.15880801,  0.        ,  0.84119199])
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    x = as_float(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return x * normal_cdf(x)


@function_op(grads=[lambda g, out, x: g / (1 + np.abs(x)) ** 2], namespaces=NAMESPACES,
             reference=lambda x: x / (1 + np.abs(x)))
def soft_sign(x):
    """Softsign, ``x / (1 + |x|)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-3., 1.])
    >>> y = mg.nnet.soft_sign(x)
    >>> y
    Tensor([-0.75,  0.5 ])
    >>> y.backward()
    >>> x.grad
    array([0.0625, 0.25  ])
    """
    x = as_float(x)
    return x / (1 + np.abs(x))


def _tanh(x, *args, **kwargs):
    """The hyperbolic tangent: ``mygrad.tanh`` (the math pack's ufunc).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nnet.activations.tanh(mg.tensor([0., 1.]))
    Tensor([0.        , 0.76159416])
    """
    return mg.tanh(x, *args, **kwargs)


# a thin composite over the math pack's ufunc, looked up when called: this pack
# cannot hand out the math pack's object at registration (the math pack may
# load after it, or not at all)
tanh = composite_op(_tanh, name="tanh", namespaces=NAMESPACES, reference=np.tanh, conformance={"nin": 1})


# -------------------------------------------------------------- along an axis
def _glu_grad(g, out, x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    s = sigmoid_of(b)
    return np.concatenate([g * s, g * a * s * (1 - s)], axis=axis)


def _glu_shapes(draw):
    from hypothesis import strategies as st

    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    shape[-1] *= 2
    return (tuple(shape),)


def _glu_reference(x, axis=-1):
    n = np.shape(x)[axis] // 2
    first, second = np.take(x, np.arange(n), axis=axis), np.take(x, np.arange(n, 2 * n), axis=axis)
    return first / (1 + np.exp(-second))


@function_op(grads=[_glu_grad], namespaces=NAMESPACES, conformance={"shapes": _glu_shapes, "kwargs": {"axis": [-1]}},
             reference=_glu_reference)
def glu(x, axis=-1):
    """Gated linear unit: split ``x`` in two halves along ``axis`` (an int;
    its length must be even, else ``ValueError``) and return
    ``first * sigmoid(second)``.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nnet.glu(mg.tensor([[1., 2., 0., 100.]]))
    Tensor([[0.5, 2. ]])
    """
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"glu: `axis` must be an int, got {axis!r}")
    x = as_float(x)
    ax = normalize_axis_index(int(axis), x.ndim)
    if x.shape[ax] % 2:
        raise ValueError(f"glu: the length of axis {axis} must be even, got shape {x.shape}")
    first, second = np.split(x, 2, axis=ax)
    return first * sigmoid_of(second)


def _axis_kwargs(draw, shapes):
    from hypothesis import strategies as st

    ndim = len(shapes[0])
    return {"axis": draw(st.integers(-ndim, ndim - 1) | st.none()) if ndim else -1}


def _softmax_reference(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


@function_op(grads=[lambda g, out, x, axis=-1: out * (g - np.sum(g * out, axis=axis, keepdims=True))],
             namespaces=NAMESPACES, conformance={"kwargs": _axis_kwargs}, reference=_softmax_reference)
def softmax(x, axis=-1):
    """Softmax along ``axis`` (an int, a tuple of ints or None):
    ``exp(x) / sum(exp(x))``, max-subtracted, so it never overflows. Integer
    input gives float64; a 0-d input gives 1.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nnet.softmax(mg.tensor([[0., 0.], [1000., 1000.]]))
    Tensor([[0.5, 0.5],
            [0.5, 0.5]])
    >>> mg.nnet.softmax([1, 2, 3])
    Tensor([0.09003057, 0.24472847, 0.66524096])
    """
    return softmax_of(as_float(x), axis)


def _logsoftmax_reference(x, axis=-1):
    return np.log(_softmax_reference(x, axis))


@function_op(grads=[lambda g, out, x, axis=-1: g - np.exp(out) * np.sum(g, axis=axis, keepdims=True)],
             namespaces=NAMESPACES, conformance={"kwargs": _axis_kwargs}, reference=_logsoftmax_reference)
def logsoftmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis``, computed as ``x - logsumexp(x)``
    (stable for any input).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.nnet.logsoftmax(mg.tensor([0., 1000.]))
    Tensor([-1000.,     0.])
    """
    return logsoftmax_of(as_float(x), axis)


DECLARATIONS = [
    relu, leaky_relu, hard_tanh, elu, selu, sigmoid, log_sigmoid, softplus, silu, gelu, soft_sign, tanh,
    glu, softmax, logsoftmax,
]
