"""Weight initializers: ``mygrad.nnet.initializers``.

Each takes the shape as integers or as one tuple (``normal(2, 3)`` or
``normal((2, 3))``) and returns a new tensor (float32 by default,
non-constant unless ``constant=True``). The random ones draw from ``rng``: a
:class:`numpy.random.Generator` (or ``RandomState``), an int seed, or ``None``
(NumPy's global random state, as in MyGrad 2.x).

Fans, for a shape ``(d0, d1, k0, k1, ...)`` (output units/filters first, then
input units/channels, then the kernel): ``fan_in = d1 * k0 * k1 * ...``,
``fan_out = d0 * k0 * k1 * ...``. Initializers that use fans need at least two
dimensions (``ValueError`` otherwise, also for a single int).

Two fixes of MyGrad 2.x's formulas:

* ``he_uniform``: the bound is ``gain * sqrt(3 / fan_in)`` (the reference
  computed ``gain / sqrt(3 / fan_in)``: about 5.77 instead of 0.17 for a
  (1000, 100) weight);
* ``glorot_normal``: the fans include the whole receptive field, as in
  ``glorot_uniform`` (the reference used only the last dimension).
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

import mygrad as mg
from mygrad.plugin import export

from mygrad_ops_nnet.activations import real_scalar

NAMESPACES = ("mygrad.nnet", "mygrad.nnet.initializers")  # (2.x: also in mygrad.nnet)


# ------------------------------------------------------------------ helpers
def _shape(shape, name, min_dims=0):
    """``*shape`` as a tuple of non-negative ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for side in shape:
        if isinstance(side, bool) or not isinstance(side, Integral):
            raise TypeError(f"{name}: the shape must be integers (or one tuple of them), got {shape!r}")
    shape = tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"{name}: negative dimensions are not allowed, got shape {shape}")
    if len(shape) < min_dims:
        raise ValueError(f"{name} needs a shape with at least {min_dims} dimensions "
                         f"(fan-in and fan-out), got {shape}")
    return shape


def _float_dtype(dtype, name):
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"{name}: dtype must be a floating-point type, got {dt}")
    return dt


def _random_state(rng):
    """Where random numbers come from: a Generator/RandomState, a new
    Generator for an int seed, NumPy's global state for None."""
    if rng is None:
        return np.random
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if isinstance(rng, Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got {rng!r}")


def _fans(shape):
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _gain(gain):
    gain = real_scalar(gain, "gain")
    if not gain >= 0:
        raise ValueError(f"gain must be >= 0, got {gain}")
    return gain


def _tensor(arr, dtype, constant):
    return mg.Tensor(arr.astype(dtype, copy=False), constant=constant, copy=False)


def _uniform(shape, low, high, dtype, constant, rng):
    return _tensor(_random_state(rng).uniform(low, high, size=shape), dtype, constant)


def _normal(shape, mean, std, dtype, constant, rng):
    return _tensor(_random_state(rng).normal(mean, std, size=shape), dtype, constant)


# ------------------------------------------------------------- distributions
def uniform(*shape, lower_bound=0, upper_bound=1, dtype=np.float32, constant=None, rng=None):
    """Values drawn uniformly from ``[lower_bound, upper_bound)`` (real
    numbers, ``lower_bound < upper_bound``).

    Examples
    --------
    >>> from mygrad.nnet.initializers import uniform
    >>> w = uniform(2, 3, lower_bound=-1, upper_bound=1, rng=0)
    >>> w.shape, w.dtype
    ((2, 3), dtype('float32'))
    >>> bool(((w.data >= -1) & (w.data < 1)).all())
    True
    """
    shape = _shape(shape, "uniform")
    dtype = _float_dtype(dtype, "uniform")
    low, high = real_scalar(lower_bound, "lower_bound"), real_scalar(upper_bound, "upper_bound")
    if not low < high:
        raise ValueError(f"uniform: lower_bound must be less than upper_bound, got {low} and {high}")
    return _uniform(shape, low, high, dtype, constant, rng)


def normal(*shape, mean=0, std=1, dtype=np.float32, constant=None, rng=None):
    """Values drawn from a normal distribution ``N(mean, std**2)`` (``std >= 0``).

    Examples
    --------
    >>> from mygrad.nnet.initializers import normal
    >>> normal((2, 2), mean=5, std=0).data
    array([[5., 5.],
           [5., 5.]], dtype=float32)
    """
    shape = _shape(shape, "normal")
    dtype = _float_dtype(dtype, "normal")
    mean, std = real_scalar(mean, "mean"), real_scalar(std, "std")
    if not std >= 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    return _normal(shape, mean, std, dtype, constant, rng)


def constant(*shape, value=0.0, dtype=None, constant=None):
    """A tensor filled with ``value`` (like :func:`numpy.full`: ``dtype=None``
    takes ``value``'s dtype, so ``value=1`` gives an integer, constant tensor).

    Examples
    --------
    >>> from mygrad.nnet.initializers import constant
    >>> constant(2, 3, value=0.5)
    Tensor([[0.5, 0.5, 0.5],
            [0.5, 0.5, 0.5]])
    """
    shape = _shape(shape, "constant")
    fill = value.data if isinstance(value, mg.Tensor) else value
    return mg.Tensor(np.full(shape, fill, dtype=dtype), constant=constant, copy=False)


def dirac(*shape, dtype=np.float32, constant=None):
    """The identity of a convolution: zeros with ones at ``[i, i, c0, c1, ...]``
    for ``i < min(d0, d1)``, ``ck`` the centre of kernel axis ``k`` (at least
    two dimensions). With two dimensions: an identity matrix. Any dtype
    (float32 by default; an integer dtype gives an integer, hence constant,
    tensor, as in MyGrad 2.x).

    Examples
    --------
    >>> from mygrad.nnet.initializers import dirac
    >>> dirac(2, 2, 3).data
    array([[[0., 1., 0.],
            [0., 0., 0.]],
    <BLANKLINE>
           [[0., 0., 0.],
            [0., 1., 0.]]], dtype=float32)
    """
    shape = _shape(shape, "dirac", min_dims=2)
    arr = np.zeros(shape, dtype=dtype)  # (any dtype, as in MyGrad 2.x: zeros and ones)
    idx = np.arange(min(shape[0], shape[1]))
    arr[(idx, idx, *(side // 2 for side in shape[2:]))] = 1
    return mg.Tensor(arr, constant=constant, copy=False)


# ----------------------------------------------------------- fan-based ones
def glorot_uniform(*shape, gain=1, dtype=np.float32, constant=None, rng=None):
    """Glorot (Xavier) uniform: ``U(-b, b)`` with
    ``b = gain * sqrt(6 / (fan_in + fan_out))``.

    Examples
    --------
    >>> import numpy as np
    >>> from mygrad.nnet.initializers import glorot_uniform
    >>> w = glorot_uniform(300, 100, rng=0)
    >>> bound = np.sqrt(6 / 400)
    >>> bool((np.abs(w.data) <= bound).all())
    True
    """
    shape = _shape(shape, "glorot_uniform", min_dims=2)
    dtype, gain = _float_dtype(dtype, "glorot_uniform"), _gain(gain)
    fan_in, fan_out = _fans(shape)
    bound = gain * math.sqrt(6 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return _uniform(shape, -bound, bound, dtype, constant, rng)


def glorot_normal(*shape, gain=1, dtype=np.float32, constant=None, rng=None):
    """Glorot (Xavier) normal: ``N(0, s**2)`` with
    ``s = gain * sqrt(2 / (fan_in + fan_out))`` (fans as in
    :func:`glorot_uniform`, including the receptive field).

    Examples
    --------
    >>> from mygrad.nnet.initializers import glorot_normal
    >>> glorot_normal(64, 32, 3, 3, rng=0).shape
    (64, 32, 3, 3)
    """
    shape = _shape(shape, "glorot_normal", min_dims=2)
    dtype, gain = _float_dtype(dtype, "glorot_normal"), _gain(gain)
    fan_in, fan_out = _fans(shape)
    std = gain * math.sqrt(2 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return _normal(shape, 0.0, std, dtype, constant, rng)


def he_normal(*shape, gain=1, dtype=np.float32, constant=None, rng=None):
    """He (Kaiming) normal: ``N(0, s**2)`` with ``s = gain / sqrt(fan_in)``
    (``gain=sqrt(2)`` for ReLU networks, as in He et al.).

    Examples
    --------
    >>> import numpy as np
    >>> from mygrad.nnet.initializers import he_normal
    >>> w = he_normal(500, 200, gain=np.sqrt(2), rng=0)
    >>> round(float(w.data.std()), 2)
    0.1
    """
    shape = _shape(shape, "he_normal", min_dims=2)
    dtype, gain = _float_dtype(dtype, "he_normal"), _gain(gain)
    fan_in, _ = _fans(shape)
    std = gain / math.sqrt(fan_in) if fan_in else 0.0
    return _normal(shape, 0.0, std, dtype, constant, rng)


def he_uniform(*shape, gain=1, dtype=np.float32, constant=None, rng=None):
    """He (Kaiming) uniform: ``U(-b, b)`` with ``b = gain * sqrt(3 / fan_in)``
    (the standard deviation is ``gain / sqrt(fan_in)``, as for :func:`he_normal`).

    Examples
    --------
    >>> import numpy as np
    >>> from mygrad.nnet.initializers import he_uniform
    >>> w = he_uniform(1000, 100, rng=0)
    >>> bool(np.abs(w.data).max() <= np.sqrt(3 / 100))
    True
    """
    shape = _shape(shape, "he_uniform", min_dims=2)
    dtype, gain = _float_dtype(dtype, "he_uniform"), _gain(gain)
    fan_in, _ = _fans(shape)
    bound = gain * math.sqrt(3 / fan_in) if fan_in else 0.0
    return _uniform(shape, -bound, bound, dtype, constant, rng)


DECLARATIONS = [
    export(f.__name__, f, namespaces=NAMESPACES)
    for f in (uniform, normal, constant, dirac, glorot_uniform, glorot_normal, he_normal, he_uniform)
] + [export("identity", mg.identity, namespaces=NAMESPACES)]
