"""Which distribution provides which public name.

The core never imports a pack, but when a name is missing it must say which
distribution to install. This static table maps the names that mygrad's own
op packs provide to their distribution; third-party names are unknown here
(an unknown name is a plain ``AttributeError`` / NumPy ``TypeError``).
"""

from __future__ import annotations

from typing import Callable

from mygrad.errors import MissingProviderError

__all__ = ["PACKS", "provider_of", "provider_missing", "missing_provider_error", "namespace_getattr", "TENSOR_ATTRS",
           "STATUS"]

MATH = "mygrad-ops-math"
LINALG = "mygrad-ops-linalg"
NNET = "mygrad-ops-nnet"

#: distribution -> extra of the core that installs it
PACKS = {MATH: "math", LINALG: "linalg", NNET: "nnet"}

_MATH_UFUNCS = (
    "absolute abs arccos arccosh arcsin arcsinh arctan arctanh cbrt cos cosh deg2rad degrees "
    "exp exp2 expm1 fabs log log10 log1p log2 negative positive rad2deg radians reciprocal "
    "sin sinh sqrt square tan tanh add subtract multiply divide true_divide power float_power "
    "arctan2 logaddexp logaddexp2 maximum minimum fmax fmin copysign heaviside"
).split()

_MATH_FUNCTIONS = (
    "sinc cot csc sec arccot arccsc arcsec coth csch sech arccoth arccsch add_sequence "
    "multiply_sequence clip sum mean var std max amax min amin prod cumsum cumprod argmax "
    "argmin any all nansum nanmean ptp average diff ediff1d gradient concatenate stack hstack "
    "vstack dstack column_stack repeat tile roll flip fliplr flipud rot90 where pad sort "
    "split array_split take take_along_axis diagonal trace tril triu cross nan_to_num "
    "logsumexp"
).split()

_LINALG_TOP = "matmul multi_matmul einsum dot vdot inner outer tensordot kron".split()
_LINALG_NS = (
    "norm det slogdet inv pinv solve cholesky qr svd eigh eigvalsh matrix_power "
    "matrix_norm vector_norm trace multi_dot"
).split()

_NNET_ACTIVATIONS = (
    "elu glu hard_tanh leaky_relu logsoftmax relu selu sigmoid softmax soft_sign tanh "
    "gelu silu softplus"
).split()
_NNET_LOSSES = (
    "focal_loss margin_ranking_loss multiclass_hinge negative_log_likelihood "
    "softmax_crossentropy softmax_focal_loss"
).split()
_NNET_LAYERS = "batchnorm conv_nd max_pool gru".split()
_NNET_INIT = (
    "constant dirac glorot_normal glorot_uniform he_normal he_uniform identity normal uniform"
).split()

#: namespace -> {public name: distribution}
NAMES: dict[str, dict[str, str]] = {
    "mygrad": {
        **{n: MATH for n in _MATH_UFUNCS + _MATH_FUNCTIONS},
        **{n: LINALG for n in _LINALG_TOP},
        "sliding_window_view": NNET,
    },
    "mygrad.math": {n: MATH for n in _MATH_UFUNCS + _MATH_FUNCTIONS},
    "mygrad.tensor_manip": {n: MATH for n in "concatenate stack repeat roll tile flip".split()},
    "mygrad.indexing_routines": {"where": MATH},
    "mygrad.linalg": {n: LINALG for n in _LINALG_NS},
    "mygrad.nnet": {n: NNET for n in _NNET_ACTIVATIONS + _NNET_LOSSES + _NNET_LAYERS},
    "mygrad.nnet.activations": {n: NNET for n in _NNET_ACTIVATIONS},
    "mygrad.nnet.losses": {n: NNET for n in _NNET_LOSSES},
    "mygrad.nnet.layers": {n: NNET for n in _NNET_LAYERS},
    "mygrad.nnet.initializers": {n: NNET for n in _NNET_INIT},
    "mygrad.nnet.layers.utils": {"sliding_window_view": NNET},
}

#: NumPy ufunc name -> distribution
UFUNCS: dict[str, str] = {n: MATH for n in _MATH_UFUNCS if n not in ("abs", "true_divide")}
UFUNCS["matmul"] = LINALG

#: NumPy function ("numpy.sum", "numpy.linalg.norm") -> distribution
FUNCTIONS: dict[str, str] = {
    **{f"numpy.{n}": MATH for n in _MATH_FUNCTIONS},
    **{f"numpy.{n}": LINALG for n in _LINALG_TOP},
    **{f"numpy.linalg.{n}": LINALG for n in _LINALG_NS},
}

#: Tensor attribute -> (op name, distribution); stubs until a provider registers
TENSOR_ATTRS: dict[str, tuple[str, str]] = {
    **{
        d: (op, MATH)
        for op, ds in {
            "add": ("__add__", "__radd__", "__iadd__"),
            "subtract": ("__sub__", "__rsub__", "__isub__"),
            "multiply": ("__mul__", "__rmul__", "__imul__"),
            "divide": ("__truediv__", "__rtruediv__", "__itruediv__"),
            "power": ("__pow__", "__rpow__", "__ipow__"),
            "negative": ("__neg__",),
            "positive": ("__pos__",),
            "absolute": ("__abs__",),
        }.items()
        for d in ds
    },
    **{
        m: (m, MATH)
        for m in "sum mean prod var std max min cumsum cumprod clip any all argmax argmin".split()
    },
    "__matmul__": ("matmul", LINALG),
    "__rmatmul__": ("matmul", LINALG),
    "dot": ("dot", LINALG),
}

#: set by the plugin manager: distribution -> human-readable load state, or None
STATUS: list[Callable[[str], str | None] | None] = [None]


def provider_of(name: str, kind: str = "mygrad") -> str | None:
    """The distribution that provides ``name``.

    ``kind`` is a namespace (``"mygrad"``, ``"mygrad.nnet"``, ...), ``"ufunc"``
    (a NumPy ufunc name), ``"function"`` (``"numpy.sum"``) or ``"tensor"``
    (a Tensor attribute).
    """
    if kind == "ufunc":
        return UFUNCS.get(name)
    if kind == "function":
        return FUNCTIONS.get(name)
    if kind == "tensor":
        entry = TENSOR_ATTRS.get(name)
        return None if entry is None else entry[1]
    return NAMES.get(kind, {}).get(name)


def _describe(kind: str, name: str) -> str:
    if kind == "ufunc":
        return f"the NumPy ufunc {name!r} on tensors"
    if kind == "function":
        return f"{name}() on tensors"
    if kind == "tensor":
        op = TENSOR_ATTRS[name][0]
        return f"Tensor.{name} ({op!r})"
    return f"{kind}.{name}"


def provider_missing(name: str, kind: str = "mygrad") -> bool:
    """Whether ``name`` belongs to a known pack that is not loaded (so using it
    deserves a :class:`MissingProviderError` rather than NumPy's own error)."""
    dist = provider_of(name, kind)
    if dist is None:
        return False
    state = STATUS[0](dist) if STATUS[0] is not None else None
    return state != LOADED


#: what the plugin manager reports for a loaded distribution
LOADED = "loaded"


def missing_provider_error(name: str, kind: str = "mygrad") -> MissingProviderError:
    """The error for using ``name`` while its provider is not available."""
    dist = provider_of(name, kind)
    if dist is None:
        return MissingProviderError(f"{_describe(kind, name)} is not provided by any loaded plugin")
    state = None
    if STATUS[0] is not None:
        state = STATUS[0](dist)
    if state == LOADED:
        return MissingProviderError(
            f"{_describe(kind, name)} belongs to {dist}, which is loaded but does not provide it in this version"
        )
    state = state or "not installed"
    extra = PACKS.get(dist)
    hint = f'pip install "mygrad[{extra}]"' if extra else f"pip install {dist}"
    return MissingProviderError(
        f"{_describe(kind, name)} is provided by {dist}, which is {state}: {hint}"
    )


def namespace_getattr(ns: str) -> Callable[[str], object]:
    """A module ``__getattr__`` for namespace ``ns``: a name that a known pack
    provides raises :class:`MissingProviderError`, anything else
    ``AttributeError``."""

    def __getattr__(name: str) -> object:
        if not name.startswith("__") and provider_of(name, ns) is not None:
            raise missing_provider_error(name, ns)
        raise AttributeError(f"module {ns!r} has no attribute {name!r}")

    return __getattr__
