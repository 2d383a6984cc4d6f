"""Hypothesis strategies for tensors and array-likes.

>>> from hypothesis import given
>>> from mygrad.testing import strategies as mst
>>> @given(mst.tensors(shape=(2, 3)))
... def test_shape(t):
...     assert t.shape == (2, 3)
>>> test_shape()
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

import numpy as np

import mygrad as mg

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as e:  # pragma: no cover
    raise ImportError(
        "mygrad.testing needs hypothesis: pip install 'mygrad[testing]' (or pip install hypothesis)"
    ) from e

from mygrad._declarations.rules import Domain

__all__ = [
    "structured",
    "float_dtypes",
    "shapes",
    "broadcastable_shapes",
    "elements",
    "arrays",
    "tensors",
    "array_likes",
]

#: the floating dtypes a differentiable tensor can have
FLOAT_DTYPES = (np.float16, np.float32, np.float64)


def float_dtypes() -> st.SearchStrategy:
    """One of float16, float32, float64."""
    return st.sampled_from(FLOAT_DTYPES).map(np.dtype)


@functools.lru_cache(maxsize=256)
def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4) -> st.SearchStrategy:
    """Array shapes (small by default: gradient checks are O(size))."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


@functools.lru_cache(maxsize=256)
def broadcastable_shapes(num_shapes: int, *, min_dims: int = 0, max_dims: int = 3,
                         min_side: int = 1, max_side: int = 4) -> st.SearchStrategy:
    """Tuples of ``num_shapes`` shapes that broadcast together."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    ).map(lambda r: r.input_shapes)


def elements(domain: Domain | None = None, dtype: Any = np.float64) -> st.SearchStrategy:
    """Floats in ``domain`` (a :class:`mygrad.plugin.Domain`), representable in
    ``dtype``, kept ``domain.gap`` away from the excluded points."""
    domain = domain or Domain()
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(int(np.ceil(domain.low)), info.min), min(int(np.floor(domain.high)), info.max)
        strat = st.integers(lo, hi)
    elif dtype.kind == "b":
        return st.booleans()
    else:
        width = min(8 * dtype.itemsize, 64) if dtype.kind == "f" else 64
        ftype = np.dtype(f"float{width}").type
        # bounds representable in the dtype, rounded inwards
        lo, hi = ftype(domain.low), ftype(domain.high)
        if lo < domain.low:
            lo = np.nextafter(lo, ftype(np.inf))
        if hi > domain.high:
            hi = np.nextafter(hi, ftype(-np.inf))
        strat = st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False, width=width)
    if domain.exclude:
        gap = domain.gap
        strat = strat.filter(lambda v: all(abs(v - e) >= gap for e in domain.exclude))
    return strat


def arrays(shape: Any = None, dtype: Any = np.float64, domain: Domain | None = None) -> st.SearchStrategy:
    """ndarrays of ``dtype`` whose elements lie in ``domain`` (if
    ``domain.unique``: distinct elements, at least ``domain.gap`` apart; if
    ``domain.structure``: matrices of that structure over the last two axes,
    see :class:`mygrad.plugin.Domain`)."""
    dtype = np.dtype(dtype)
    if isinstance(shape, (int, tuple)):  # (the same strategy object for the same arguments: hypothesis
        try:                             # validates each new strategy, which costs more than a draw)
            return _cached_arrays(shape, dtype, domain)
        except TypeError:  # (an unhashable domain)
            pass
    return _arrays(shape, dtype, domain)


@functools.lru_cache(maxsize=2048)
def _cached_arrays(shape: Any, dtype: np.dtype, domain: Domain | None) -> st.SearchStrategy:
    return _arrays(shape, dtype, domain)


def _arrays(shape: Any, dtype: np.dtype, domain: Domain | None) -> st.SearchStrategy:
    shape = shapes() if shape is None else shape
    if domain is not None and domain.unique and dtype.kind in "fc":
        strat = _spaced_arrays(shape, dtype, domain)
    else:
        unique = domain is not None and domain.unique
        strat = hnp.arrays(dtype=dtype, shape=shape, elements=elements(domain, dtype), unique=unique)
    if domain is not None and domain.structure is not None:
        strat = strat.map(lambda a: structured(a, domain.structure).astype(dtype))
    return strat


def _fixed_dense(n: int) -> np.ndarray:
    """A fixed ``n x n`` matrix whose entries are all at least 0.6 in magnitude
    (so a perturbation of at most 0.3 per entry never makes it triangular)."""
    i, j = np.indices((n, n))
    return np.where((i * 7 + j * 3 + i * j) % 4 < 2, 1.0, -1.0) * (0.6 + 0.4 * np.abs(np.sin(1.3 * i + 2.1 * j + 0.4)))


def _dense_orthogonal(b: np.ndarray, n: int) -> np.ndarray:
    """Orthogonal ``n x n`` matrices (batched like ``b``), dense for any
    ``b`` with entries in [-1, 1]: the Q of ``fixed + 0.3 * b`` (``b``'s
    top-left block, zero-padded to ``n x n``)."""
    m = np.zeros(b.shape[:-2] + (n, n))
    r, c = min(n, b.shape[-2]), min(n, b.shape[-1])
    m[..., :r, :c] = 0.3 * b[..., :r, :c]
    q, _ = np.linalg.qr(_fixed_dense(n) + m)
    return q


def _spread(k: int, b: np.ndarray) -> np.ndarray:
    """``k`` values ``k + 0.5, ..., 1.5`` (descending), each moved by at most
    0.2 (batched like ``b``): at least 0.6 apart, at least 1.3 from 0."""
    d = np.diagonal(b, axis1=-2, axis2=-1)[..., :k]
    pad = np.zeros(b.shape[:-2] + (k - d.shape[-1],))
    return np.arange(k, 0, -1, dtype=np.float64) + 0.5 + 0.2 * np.concatenate([d, pad], axis=-1)


def structured(a: np.ndarray, structure: str) -> np.ndarray:
    """Matrices of ``structure`` (see :class:`mygrad.plugin.Domain`) made from
    the drawn array ``a`` (over its last two axes).

    Symmetric, SPD and full-rank matrices are built from dense orthogonal
    factors (``Q diag(w) Q^T``, ``U diag(s) V^T``), so that drawing zeros
    never gives a diagonal or triangular matrix (where NumPy's eigenvectors
    and QR factors jump in sign, and finite differences mean nothing).
    """
    a = np.asarray(a, dtype=np.float64)
    if a.ndim < 2:
        raise ValueError(f"a {structure!r} domain needs inputs with at least 2 dimensions, got shape {a.shape}")
    m, n = a.shape[-2:]
    scale = max(1.0, float(np.abs(a).max(initial=0.0)))
    b = a / scale  # entries in [-1, 1]
    if structure == "full_rank":
        k = min(m, n)
        u = _dense_orthogonal(b, m)[..., :k]
        v = _dense_orthogonal(np.swapaxes(b, -1, -2), n)[..., :k]
        return (u * _spread(k, b)[..., None, :]) @ np.swapaxes(v, -1, -2)
    if m != n:
        raise ValueError(f"a {structure!r} domain needs square matrices, got shape {a.shape}")
    if structure == "invertible":
        idx = np.arange(n)
        out = b.copy()
        out[..., idx, idx] += np.where(b[..., idx, idx] >= 0, 1.0, -1.0) * (n + 1.0)
        return out
    q = _dense_orthogonal(b, n)
    w = _spread(n, b)
    if structure == "symmetric":  # (eigenvalues of both signs)
        w = w * np.where(np.arange(n) % 2, -1.0, 1.0)
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


@st.composite
def _spaced_arrays(draw: Any, shape: Any, dtype: np.dtype, domain: Domain) -> np.ndarray:
    """Distinct values on a grid of step ``domain.gap`` (finite differences and
    float16 rounding cannot make them tie)."""
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    size = int(np.prod(shape))
    steps = max(int((domain.high - domain.low) / domain.gap), size)
    gap = (domain.high - domain.low) / steps
    ks = draw(st.lists(st.integers(0, steps), min_size=size, max_size=size, unique=True))
    return (domain.low + gap * np.array(ks, dtype=np.float64)).reshape(shape).astype(dtype)


@st.composite
def tensors(draw: Any, shape: Any = None, dtype: Any = np.float64, domain: Domain | None = None,
            constant: Any = None) -> Any:
    """:class:`mygrad.Tensor` s.

    ``shape``, ``dtype`` and ``constant`` may be values or strategies;
    ``constant=None`` draws it (integer tensors are always constant).
    """
    if isinstance(dtype, st.SearchStrategy):
        dtype = draw(dtype)
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    arr = draw(arrays(shape, dtype, domain))
    if isinstance(constant, st.SearchStrategy):
        constant = draw(constant)
    elif constant is None:
        constant = True if arr.dtype.kind != "f" else draw(st.booleans())
    return mg.tensor(arr, constant=constant)


@st.composite
def array_likes(draw: Any, shape: Any = None, dtype: Any = np.float64, domain: Domain | None = None) -> Any:
    """What ops accept besides tensors: ndarrays, nested lists, Python scalars."""
    arr = draw(arrays(shape, dtype, domain))
    kind = draw(st.sampled_from(["array", "list", "scalar"] if arr.ndim == 0 else ["array", "list"]))
    if kind == "array":
        return arr
    if kind == "list":
        return arr.tolist()
    return arr.item()


def seeds(shape: Sequence[int], dtype: Any = np.float64) -> st.SearchStrategy:
    """Upstream gradients for ``backward(grad)``."""
    return _seeds(tuple(shape), np.dtype(dtype))


@functools.lru_cache(maxsize=1024)
def _seeds(shape: tuple, dtype: np.dtype) -> st.SearchStrategy:
    return hnp.arrays(dtype=np.dtype(dtype), shape=tuple(shape), elements=st.floats(-2, 2, width=64))
