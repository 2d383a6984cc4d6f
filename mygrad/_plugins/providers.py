"""Which of mygrad's own packs provides which public name: a static table,
for the packs that are *not* installed (an installed plugin's own manifest
says what it provides; see mygrad._plugins.registry for the messages).

A test checks that this table and what each pack registers agree.
"""

from __future__ import annotations

__all__ = ["PACKS", "provider_of", "describe", "TENSOR_ATTRS", "NAMES", "UFUNCS", "FUNCTIONS"]

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


def describe(kind: str, name: str) -> str:
    """How a missing name reads in an error message."""
    if kind == "ufunc":
        return f"the NumPy ufunc {name!r} on tensors"
    if kind == "function":
        return f"{name}() on tensors"
    if kind == "tensor":
        entry = TENSOR_ATTRS.get(name)
        return f"Tensor.{name}" + (f" ({entry[0]!r})" if entry else "")
    return f"{kind}.{name}"
