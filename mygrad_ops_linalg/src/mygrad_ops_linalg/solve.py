"""Linear systems: ``linalg.solve`` (batched; ``b`` a vector or a matrix)
and ``linalg.lstsq`` (least squares; the solution is differentiable);
``linalg.tensorsolve`` (a composite: ``solve`` of the reshaped operands).

Gradients, with ``x`` the solution and ``G = dL/dx``:

* ``solve``: ``db = solve(A^T, G)``, ``dA = -db x^T`` (summed over
  broadcast axes);
* ``lstsq``: ``x = pinv(A) b``: ``db = pinv(A)^T G`` and ``dA`` the
  pseudo-inverse's derivative applied to ``G b^T`` (constant rank, e.g. a
  full-rank ``A``).
"""

from typing import NamedTuple

import numpy as np

import mygrad as mg
from mygrad.plugin import Domain, composite_op, function_op, reads

from mygrad_ops_linalg._common import LAPACK_DTYPES, LINALG, mT, sum_to
from mygrad_ops_linalg.inverses import TENSOR_LAYOUTS, pinv_grad
from mygrad_ops_linalg.products import as_operand


# --------------------------------------------------------------------- solve
def _solve_db(g, a, b):
    """``solve(A^T, G)`` in the broadcast shape of the result."""
    if np.ndim(b) == 1:
        return np.linalg.solve(mT(a), g[..., None])[..., 0]
    return np.linalg.solve(mT(a), g)


@reads(out=True, inputs=[0])  # (b: its number of dimensions only)
def _solve_grad_a(g, out, a, b):
    db = _solve_db(g, a, b)
    if np.ndim(b) == 1:
        ga = -(db[..., :, None] * out[..., None, :])
    else:
        ga = -(db @ mT(out))
    return sum_to(ga, np.shape(a))


def _solve_grad_b(g, out, a, b):
    return sum_to(_solve_db(g, a, b), np.shape(b))


def _solve_shapes(draw):
    from hypothesis import strategies as st

    n = draw(st.integers(1, 3))
    batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    if draw(st.booleans()):
        b = (n,)
    else:
        b = batch[len(batch) - draw(st.integers(0, len(batch))):] + (n, draw(st.integers(1, 3)))
    return batch + (n, n), b


@function_op(np.linalg.solve, grads=[_solve_grad_a, _solve_grad_b], nin=2, namespaces=LINALG,
             domain=(Domain(structure="invertible"), Domain()),
             conformance={"shapes": _solve_shapes, "dtypes": LAPACK_DTYPES, "atol": 1e-5, "rtol": 1e-3})
def solve(a, b):
    """Solve ``a @ x = b`` (batched), like :func:`numpy.linalg.solve`: ``b``
    is a vector if it is 1-D, otherwise a stack of matrices (NumPy 2's rule).

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[2., 0.], [0., 4.]])
    >>> b = mg.tensor([2., 2.])
    >>> x = mg.linalg.solve(a, b)
    >>> x
    Tensor([1. , 0.5])
    >>> x.sum().backward()
    >>> b.grad
    array([0.5 , 0.25])
    """
    return np.linalg.solve(a, b)


# --------------------------------------------------------------------- lstsq
def _as_matrix(v):
    return v[:, None] if np.ndim(v) == 1 else v


def _lstsq_grad_a(g, out, a, b, rcond=None):
    x = np.linalg.pinv(a)
    return pinv_grad(np.asarray(a), x, _as_matrix(g) @ mT(_as_matrix(np.asarray(b))))


@reads(inputs=[0])
def _lstsq_grad_b(g, out, a, b, rcond=None):
    return mT(np.linalg.pinv(a)) @ g


def _lstsq_shapes(draw):
    from hypothesis import strategies as st

    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return (m, n), ((m,) if draw(st.booleans()) else (m, draw(st.integers(1, 2))))


@function_op(None, grads=[_lstsq_grad_a, _lstsq_grad_b], nin=2, name="_lstsq_solution", namespaces=(),
             domain=(Domain(structure="full_rank"), Domain()),
             reference=lambda a, b, rcond=None: np.linalg.lstsq(a, b, rcond=rcond)[0],
             conformance={"shapes": _lstsq_shapes, "dtypes": LAPACK_DTYPES, "atol": 1e-5, "rtol": 1e-3})
def _lstsq_solution(a, b, rcond=None):
    """The least-squares solution of ``a @ x = b``."""
    return np.linalg.lstsq(a, b, rcond=rcond)[0]


class LstsqResult(NamedTuple):
    """``lstsq``'s results (NumPy returns a plain tuple of the same four)."""

    x: object
    residuals: object
    rank: object
    s: object


def _lstsq(a, b, rcond=None, *, constant=None):
    """Least-squares solution of ``a @ x = b``, like :func:`numpy.linalg.lstsq`:
    ``(x, residuals, rank, s)``. ``x`` is differentiable (for a full-rank
    ``a``, or any ``a`` of locally constant rank); ``residuals`` and ``s`` are
    constant tensors and ``rank`` an integer, as NumPy gives them.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 0.], [0., 1.], [0., 0.]])
    >>> b = mg.tensor([1., 2., 3.])
    >>> x, residuals, rank, s = mg.linalg.lstsq(a, b)
    >>> x
    Tensor([1., 2.])
    >>> residuals, int(rank)
    (Tensor([9.]), 2)
    >>> x.sum().backward()
    >>> b.grad
    array([1., 1., 0.])
    """
    x = _lstsq_solution(a, b, rcond=rcond, constant=constant)
    raw = [v.data if isinstance(v, mg.Tensor) else v for v in (a, b)]
    _, residuals, rank, s = np.linalg.lstsq(*raw, rcond=rcond)
    return LstsqResult(x, mg.tensor(residuals, constant=True), rank, mg.tensor(s, constant=True))


lstsq = composite_op(_lstsq, name="lstsq", namespaces=LINALG, numpy=np.linalg.lstsq,
                     domain=(Domain(structure="full_rank"), Domain()),
                     conformance={"nin": 2, "shapes": _lstsq_shapes, "dtypes": LAPACK_DTYPES, "atol": 1e-5,
                                  "rtol": 1e-3})

# --------------------------------------------------------------- tensorsolve
def _tensorsolve(a, b, axes=None, *, constant=None):
    """Solve the tensor equation ``tensordot(a, x, axes=x.ndim) = b`` for
    ``x``, like :func:`numpy.linalg.tensorsolve`: ``axes`` (axes of ``a``)
    are first moved to the end; then ``a`` is reshaped to a square matrix
    (``prod(a.shape[b.ndim:])`` on each side), ``b`` flattened, and the
    solution of :func:`mygrad.linalg.solve` reshaped to ``a.shape[b.ndim:]``.
    Differentiable in ``a`` and ``b`` (a composite of ``transpose``,
    ``reshape`` and ``solve``).

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> a = mg.tensor(np.eye(6).reshape(6, 2, 3) * 2)
    >>> b = mg.tensor(np.arange(6.))
    >>> x = mg.linalg.tensorsolve(a, b)
    >>> x
    Tensor([[0. , 0.5, 1. ],
            [1.5, 2. , 2.5]])
    >>> x.sum().backward()
    >>> b.grad
    array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    """
    a, b = as_operand(a), as_operand(b)
    an = a.ndim
    if axes is not None:
        order = list(range(an))
        for k in axes:  # (as NumPy: ``k`` must be one of 0 .. an - 1)
            order.remove(k)
            order.insert(an, k)
        a = mg.transpose(a, order, constant=constant)
    shape = a.shape[-(an - b.ndim):]
    size = int(np.prod(shape, dtype=np.int64))
    if a.size != size ** 2:
        raise np.linalg.LinAlgError(
            "Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    x = solve(mg.reshape(a, (size, size), constant=constant), mg.reshape(b, (-1,), constant=constant),
              constant=constant)
    return mg.reshape(x, shape, constant=constant)


def _tensorsolve_shapes(draw):
    from hypothesis import strategies as st

    n = draw(st.sampled_from(sorted(TENSOR_LAYOUTS)))
    return (n, n), (n,)


def _tensorsolve_kwargs(draw, shapes):
    from hypothesis import strategies as st

    shape, ind = draw(st.sampled_from(TENSOR_LAYOUTS[shapes[0][-1]]))
    if not draw(st.booleans()):
        return {"shape": shape, "ind": ind, "axes": None}
    # ``axes``: the axes of ``a`` that tensorsolve moves last, in that order
    axes = tuple(draw(st.permutations(range(len(shape))))[:len(shape) - ind])
    return {"shape": shape, "ind": ind, "axes": axes}


def _tensorsolve_call(f, a, b, shape, ind, axes):
    """Call ``f`` on ``a`` (an n x n matrix) as an N-d tensor that becomes
    ``a.reshape(shape)`` once ``axes`` are moved last (``b``: ``shape[:ind]``)."""
    if axes is None:
        return f(a.reshape(shape), b.reshape(shape[:ind]))
    order = [i for i in range(len(shape)) if i not in axes] + list(axes)
    return f(a.reshape(shape).transpose(np.argsort(order)), b.reshape(shape[:ind]), axes=axes)


tensorsolve = composite_op(_tensorsolve, name="tensorsolve", namespaces=LINALG, numpy=np.linalg.tensorsolve,
                           domain=(Domain(structure="invertible"), Domain()),
                           conformance={"shapes": _tensorsolve_shapes, "kwargs": _tensorsolve_kwargs,
                                        "call": _tensorsolve_call, "dtypes": LAPACK_DTYPES, "atol": 1e-5,
                                        "rtol": 1e-3})

DECLARATIONS = [solve, _lstsq_solution, lstsq, tensorsolve]
