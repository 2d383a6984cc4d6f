"""Factorisations: ``linalg.cholesky``, ``linalg.qr``, ``linalg.eigh``,
``linalg.eigvalsh``, ``linalg.svd``, ``linalg.svdvals`` (batched over leading
axes, like NumPy's).

``qr``, ``eigh`` and ``svd`` return named tuples of tensors, like NumPy's
``QRResult``, ``EighResult`` and ``SVDResult``: a hidden op computes every
result into one packed array and each public result is a part of it (see
:mod:`mygrad_ops_linalg.parts`), so a loss using several results gets all
their contributions from one gradient rule.

Conventions and caveats:

* ``cholesky`` and ``eigh``/``eigvalsh`` read only one triangle of their
  input (the lower one by default: ``UPLO='L'``, ``upper=False``), as NumPy
  does. As functions of the whole matrix, their gradient lives in that
  triangle: an off-diagonal entry there stands for itself and its mirror
  image. (For the gradient with respect to a symmetric matrix, symmetrise
  it: ``(G + G.T) / 2`` of this gradient.)
* ``eigh``: eigenvectors are not differentiable where eigenvalues repeat;
  there the terms ``1 / (w_j - w_i)`` of equal eigenvalues are taken as 0
  (a finite but gauge-dependent gradient). Losses of eigenvalues only, or
  of the subspace of a repeated eigenvalue, are fine.
* ``svd``: gradients follow the reduced factorisation; repeated or zero
  singular values make ``U`` and ``Vh`` non-differentiable (the terms of
  equal singular values are taken as 0). With ``full_matrices=True`` and a
  non-square input, the extra columns of ``U`` (rows of ``Vh``) are an
  arbitrary basis of a complement: they get no gradient.
* ``qr``: ``mode='reduced'`` (default), ``'complete'`` and ``'r'``;
  ``'complete'`` with more rows than columns gives the extra columns of
  ``Q`` no gradient (an arbitrary basis); ``'raw'`` is not supported.
"""

from typing import NamedTuple

import numpy as np

import mygrad as mg
from mygrad.plugin import Domain, composite_op, function_op

from mygrad_ops_linalg._common import LAPACK_DTYPES, LINALG, fold_triangle, mT, pack, solve_right, unpack
from mygrad_ops_linalg.parts import split

_SPD = Domain(structure="spd")
_SYMMETRIC = Domain(structure="symmetric")
_FULL_RANK = Domain(structure="full_rank")


def _square_shapes(draw):
    from hypothesis import strategies as st

    n = draw(st.integers(1, 3))
    return (tuple(draw(st.lists(st.integers(1, 2), max_size=1))) + (n, n),)


_SQUARE = {"shapes": _square_shapes, "dtypes": LAPACK_DTYPES, "atol": 1e-5, "rtol": 1e-3}


def _any_matrix_shapes(draw):
    from hypothesis import strategies as st

    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (tuple(draw(st.lists(st.integers(1, 2), max_size=1))) + (m, n),)


_MATRIX = {**_SQUARE, "shapes": _any_matrix_shapes}


def _qr_kwargs(draw, shapes):
    from hypothesis import strategies as st

    m, n = shapes[0][-2:]
    # ('complete' with m > n: Q's extra columns are an arbitrary basis, without a gradient)
    return {"mode": draw(st.sampled_from(["reduced", "r"] + (["complete"] if m <= n else [])))}


def _svd_kwargs(draw, shapes):
    from hypothesis import strategies as st

    m, n = shapes[0][-2:]
    # (full_matrices with m != n: the extra columns of U / rows of Vh have no gradient)
    return {"full_matrices": draw(st.sampled_from([False] + ([True] if m == n else []))),
            "compute_uv": draw(st.booleans())}


def _shape(a):
    return a.shape if isinstance(a, mg.Tensor) else np.shape(a)


def _inv_gaps(w):
    """``F[..., i, j] = 1 / (w_j - w_i)`` off the diagonal, 0 on it (and
    where two values are equal)."""
    d = w[..., None, :] - w[..., :, None]
    with np.errstate(divide="ignore"):
        f = np.where(d == 0, 0.0, 1.0 / np.where(d == 0, 1.0, d))
    return f


# ------------------------------------------------------------------ cholesky
def _cholesky_grad(g, out, a, upper=False):
    low, g_low = (mT(out), mT(g)) if upper else (out, g)
    phi = np.tril(mT(low) @ g_low)
    n = phi.shape[-1]
    phi[..., np.arange(n), np.arange(n)] *= 0.5
    # S = L^-T phi L^-1, with two solves
    s = mT(np.linalg.solve(mT(low), mT(np.linalg.solve(mT(low), phi))))
    return fold_triangle(s, lower=not upper)


@function_op(np.linalg.cholesky, grads=[_cholesky_grad], namespaces=LINALG, domain=_SPD,
             conformance={**_SQUARE, "kwargs": {"upper": [False, True]}})
def cholesky(a, /, *, upper=False):
    """The Cholesky factor of a symmetric positive-definite matrix (batched),
    like :func:`numpy.linalg.cholesky`: lower-triangular ``L`` with
    ``a = L @ L.T`` (or upper ``U = L.T`` with ``upper=True``).

    Only the lower triangle of ``a`` is read (the upper one with
    ``upper=True``), so the gradient lives in that triangle.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[4., 2.], [2., 5.]])
    >>> mg.linalg.cholesky(a)
    Tensor([[2., 0.],
            [1., 2.]])
    >>> mg.linalg.cholesky(a)[1, 1].backward()
    >>> a.grad
    array([[ 0.0625,  0.    ],
           [-0.25  ,  0.25  ]])
    """
    return np.linalg.cholesky(a, upper=upper)


# ------------------------------------------------------------------------ qr
class QRResult(NamedTuple):
    """``qr``'s results: ``Q`` (orthonormal columns) and ``R`` (upper triangular)."""

    Q: object
    R: object


def _qr_parts(a, mode):
    m, n = np.shape(a)[-2:]
    k = m if mode == "complete" else min(m, n)
    return [(m, k), (k, n)]


def _qr_square_grad(q, r, gq, gr):
    """dL/dA for ``A = QR`` with at least as many rows as columns."""
    mm = r @ mT(gr) - mT(gq) @ q
    sym = np.tril(mm) + mT(np.tril(mm, -1))
    return solve_right(gq + q @ sym, mT(r))


def _qr_grad(g, out, a, mode="reduced"):
    batch = g.shape[:-1]
    q, r = unpack(out, batch, _qr_parts(a, mode))
    gq, gr = unpack(g, batch, _qr_parts(a, mode))
    m, n = np.shape(a)[-2:]
    k = min(m, n)
    q, gq, r, gr = q[..., :k], gq[..., :k], r[..., :k, :], gr[..., :k, :]
    if m >= n:
        return _qr_square_grad(q, r, gq, gr)
    # wide: A = Q [U | V]; the right block Y = Q V
    u, v = r[..., :m], r[..., m:]
    gu, gv = gr[..., :m], gr[..., m:]
    gy = q @ gv
    gx = _qr_square_grad(q, u, gq + (q @ v) @ mT(gv), gu)
    return np.concatenate([gx, gy], axis=-1)


def _qr_packed_reference(a, mode="reduced"):
    q, r = np.linalg.qr(a, mode=mode)
    return pack(q.shape[:-2], q, r)


@function_op(None, grads=[_qr_grad], name="_qr_packed", namespaces=(), domain=_FULL_RANK,
             reference=_qr_packed_reference, conformance={**_MATRIX, "kwargs": {"mode": ["reduced"]}})
def _qr_packed(a, mode="reduced"):
    """``Q`` and ``R`` packed into one array."""
    return _qr_packed_reference(a, mode)


def _qr(a, mode="reduced", *, constant=None):
    """QR factorisation (batched), like :func:`numpy.linalg.qr`.

    ``mode='reduced'`` (default) gives ``QRResult(Q, R)`` with ``Q`` of shape
    ``(..., M, K)`` and ``R`` ``(..., K, N)``, ``K = min(M, N)``;
    ``'complete'`` gives a square ``Q``; ``'r'`` gives ``R`` alone. Both
    results are differentiable (for a full-rank input).

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[3., 1.], [4., 2.]])
    >>> q, r = mg.linalg.qr(a)
    >>> r
    Tensor([[-5. , -2.2],
            [ 0. ,  0.4]])
    >>> (q.sum() + r.sum()).backward()
    >>> a.grad.shape
    (2, 2)
    """
    if mode == "raw":
        raise NotImplementedError("mygrad's qr does not support mode='raw' (Householder reflectors)")
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    packed = _qr_packed(a, mode="complete" if mode == "complete" else "reduced", constant=constant)
    shapes = _qr_parts(np.empty(_shape(a)[-2:]), mode)
    q, r = split(packed, packed.shape[:-1], shapes)
    return r if mode == "r" else QRResult(q, r)


qr = composite_op(_qr, name="qr", namespaces=LINALG, numpy=np.linalg.qr, domain=_FULL_RANK,
                  conformance={**_MATRIX, "nin": 1, "kwargs": _qr_kwargs})


# ---------------------------------------------------------------------- eigh
class EighResult(NamedTuple):
    """``eigh``'s results: ``eigenvalues`` (ascending) and ``eigenvectors`` (columns)."""

    eigenvalues: object
    eigenvectors: object


def _eigh_sym_grad(w, v, gw, gv):
    """The gradient of ``(w, v) = eigh(A)`` as a function of a general
    matrix, at the symmetric ``A``: ``V (diag(gw) + F o (V^T gv)) V^T``."""
    inner = np.zeros(w.shape + w.shape[-1:], dtype=w.dtype) if gv is None else _inv_gaps(w) * (mT(v) @ gv)
    n = w.shape[-1]
    if gw is not None:
        inner[..., np.arange(n), np.arange(n)] += gw
    return v @ inner @ mT(v)


def _eigh_grad(g, out, a, UPLO="L"):
    n = np.shape(a)[-1]
    batch = g.shape[:-1]
    w, v = unpack(out, batch, [(n,), (n, n)])
    gw, gv = unpack(g, batch, [(n,), (n, n)])
    return fold_triangle(_eigh_sym_grad(w, v, gw, gv), lower=UPLO.upper() == "L")


def _eigh_packed_reference(a, UPLO="L"):
    w, v = np.linalg.eigh(a, UPLO=UPLO)
    return pack(w.shape[:-1], w, v)


@function_op(None, grads=[_eigh_grad], name="_eigh_packed", namespaces=(), domain=_SYMMETRIC,
             reference=_eigh_packed_reference, conformance={**_SQUARE, "kwargs": {"UPLO": ["L", "U"]}})
def _eigh_packed(a, UPLO="L"):
    """Eigenvalues and eigenvectors packed into one array."""
    return _eigh_packed_reference(a, UPLO)


def _eigh(a, UPLO="L", *, constant=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix
    (batched), like :func:`numpy.linalg.eigh`: ``EighResult(eigenvalues,
    eigenvectors)``, both differentiable.

    Only the lower triangle is read (``UPLO='U'``: the upper one), so the
    gradient lives in that triangle. Eigenvectors are not differentiable at
    repeated eigenvalues (see the module notes).

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[2., 1.], [1., 2.]])
    >>> w, v = mg.linalg.eigh(a)
    >>> w
    Tensor([1., 3.])
    >>> w[1].backward()
    >>> a.grad.round(6)
    array([[0.5, 0. ],
           [1. , 0.5]])
    """
    packed = _eigh_packed(a, UPLO=UPLO, constant=constant)
    n = _shape(a)[-1]
    w, v = split(packed, packed.shape[:-1], [(n,), (n, n)])
    return EighResult(w, v)


eigh = composite_op(_eigh, name="eigh", namespaces=LINALG, numpy=np.linalg.eigh, domain=_SYMMETRIC,
                    conformance={**_SQUARE, "nin": 1, "kwargs": {"UPLO": ["L", "U"]}})


def _eigvalsh_grad(g, out, a, UPLO="L"):
    w, v = np.linalg.eigh(a, UPLO=UPLO)
    return fold_triangle((v * g[..., None, :]) @ mT(v), lower=UPLO.upper() == "L")


@function_op(np.linalg.eigvalsh, grads=[_eigvalsh_grad], namespaces=LINALG, domain=_SYMMETRIC,
             conformance={**_SQUARE, "kwargs": {"UPLO": ["L", "U"]}})
def eigvalsh(a, UPLO="L"):
    """Eigenvalues (ascending) of a symmetric matrix (batched), like
    :func:`numpy.linalg.eigvalsh`; the gradient of eigenvalue ``i`` is
    ``v_i v_i^T``, folded into the triangle that is read.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.eigvalsh(mg.tensor([[2., 0.], [0., 1.]]))
    Tensor([1., 2.])
    """
    return np.linalg.eigvalsh(a, UPLO=UPLO)


# ----------------------------------------------------------------------- svd
class SVDResult(NamedTuple):
    """``svd``'s results: ``U``, ``S`` (descending) and ``Vh``, with ``a = (U * S) @ Vh``."""

    U: object
    S: object
    Vh: object


def svd_grad(u, s, vh, gu, gs, gvh):
    """dL/dA for the reduced SVD ``A = U diag(s) Vh`` (``None``: no gradient)."""
    m, n = u.shape[-2], vh.shape[-1]
    k = s.shape[-1]
    v = mT(vh)
    inner = np.zeros(s.shape + (k,), dtype=s.dtype)
    f = _inv_gaps(s * s)
    if gu is not None:
        ut_gu = mT(u) @ gu
        inner += (f * (ut_gu - mT(ut_gu))) * s[..., None, :]
    if gvh is not None:
        gv = mT(gvh)
        vt_gv = mT(v) @ gv
        inner += s[..., :, None] * (f * (vt_gv - mT(vt_gv)))
    if gs is not None:
        inner[..., np.arange(k), np.arange(k)] += gs
    ga = u @ inner @ vh
    with np.errstate(divide="ignore", invalid="ignore"):
        if gu is not None and m > k:
            ga += ((gu - u @ ut_gu) / s[..., None, :]) @ vh
        if gvh is not None and n > k:
            ga += (u / s[..., None, :]) @ (gvh - (gvh @ v) @ vh)
    return ga


def _svd_parts(a, full_matrices):
    m, n = np.shape(a)[-2:]
    k = min(m, n)
    return [(m, m if full_matrices else k), (k,), (n if full_matrices else k, n)]


def _svd_grad(g, out, a, full_matrices=True, hermitian=False):
    batch = g.shape[:-1]
    parts = _svd_parts(a, full_matrices)
    u, s, vh = unpack(out, batch, parts)
    gu, gs, gvh = unpack(g, batch, parts)
    k = s.shape[-1]
    ga = svd_grad(u[..., :k], s, vh[..., :k, :], gu[..., :k], gs, gvh[..., :k, :])
    return fold_triangle(ga, lower=True) if hermitian else ga


def _svd_packed_reference(a, full_matrices=True, hermitian=False):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian)
    return pack(s.shape[:-1], u, s, vh)


@function_op(None, grads=[_svd_grad], name="_svd_packed", namespaces=(), reference=_svd_packed_reference,
             domain=_FULL_RANK, conformance={**_MATRIX, "kwargs": lambda draw, shapes: {
                 "full_matrices": _svd_kwargs(draw, shapes)["full_matrices"]}})
def _svd_packed(a, full_matrices=True, hermitian=False):
    """``U``, ``S`` and ``Vh`` packed into one array."""
    return _svd_packed_reference(a, full_matrices, hermitian)


def _singular_values_grad(g, out, a, hermitian=False):
    u, s, vh = np.linalg.svd(a, full_matrices=False, hermitian=hermitian)
    ga = (u * g[..., None, :]) @ vh
    return fold_triangle(ga, lower=True) if hermitian else ga


@function_op(None, grads=[_singular_values_grad], name="_singular_values", namespaces=(),
             reference=lambda a, hermitian=False: np.linalg.svd(a, compute_uv=False, hermitian=hermitian),
             domain=_FULL_RANK, conformance=_MATRIX)
def _singular_values(a, hermitian=False):
    """The singular values (descending)."""
    return np.linalg.svd(a, compute_uv=False, hermitian=hermitian)


def _svd(a, full_matrices=True, compute_uv=True, hermitian=False, *, constant=None):
    """Singular value decomposition (batched), like :func:`numpy.linalg.svd`:
    ``SVDResult(U, S, Vh)`` with ``a = (U * S[..., None, :]) @ Vh``, or the
    singular values alone with ``compute_uv=False``.

    All results are differentiable where the singular values are distinct
    and non-zero; with ``full_matrices=True`` and a non-square input the
    extra columns of ``U`` (rows of ``Vh``) get no gradient (see the module
    notes). ``hermitian=True`` reads the lower triangle only, like NumPy.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[3., 0.], [0., -2.]])
    >>> mg.linalg.svd(a, compute_uv=False)
    Tensor([3., 2.])
    >>> u, s, vh = mg.linalg.svd(a)
    >>> s.sum().backward()
    >>> a.grad
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    if not compute_uv:
        return _singular_values(a, hermitian=hermitian, constant=constant)
    packed = _svd_packed(a, full_matrices=full_matrices, hermitian=hermitian, constant=constant)
    shapes = _svd_parts(np.empty(_shape(a)[-2:]), full_matrices)
    return SVDResult(*split(packed, packed.shape[:-1], shapes))


svd = composite_op(_svd, name="svd", namespaces=LINALG, numpy=np.linalg.svd, domain=_FULL_RANK,
                   conformance={**_MATRIX, "nin": 1, "kwargs": _svd_kwargs})


def _svdvals(x, /, *, constant=None):
    """Singular values (descending, batched), like :func:`numpy.linalg.svdvals`;
    the gradient of ``s_i`` is ``u_i v_i^T`` (distinct singular values).

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.linalg.svdvals(mg.tensor([[0., 2.], [1., 0.]]))
    Tensor([2., 1.])
    """
    return _singular_values(x, constant=constant)


svdvals = composite_op(_svdvals, name="svdvals", namespaces=LINALG, numpy=np.linalg.svdvals, domain=_FULL_RANK,
                       conformance={**_MATRIX, "nin": 1})

DECLARATIONS = [cholesky, _qr_packed, qr, _eigh_packed, eigh, eigvalsh, _svd_packed, svd, _singular_values, svdvals]
