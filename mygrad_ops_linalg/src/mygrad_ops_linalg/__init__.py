"""mygrad-ops-linalg: linear algebra for mygrad.

Registered through the ``mygrad`` entry-point group. Products and
contractions (``matmul``/``@``, ``dot``, ``einsum``, ``multi_matmul``, ...)
are published at the top level (``mygrad.matmul``); NumPy's ``np.linalg``
functions in ``mygrad.linalg`` (``mygrad.linalg.norm``, ``inv``, ``svd``,
...). For tensors, NumPy's functions dispatch to them
(``np.linalg.inv(t)`` returns a tensor).
"""

from mygrad.plugin import hookimpl

from mygrad_ops_linalg import (
    cond,
    cross,
    decompositions,
    diagonals,
    einsum,
    inverses,
    matmul,
    multi_dot,
    norms,
    parts,
    products,
    solve,
)

from mygrad_ops_linalg._version import __version__  # noqa: F401  (one place: pyproject reads it too)

MODULES = (
    # products and contractions (top level)
    matmul, products, cross, einsum, multi_dot,
    # np.linalg
    norms, diagonals, inverses, solve, decompositions, cond,
    # the parts of multi-result factorisations
    parts,
)


@hookimpl
def mygrad_ops():
    """All of this pack's op declarations."""
    return [decl for mod in MODULES for decl in mod.DECLARATIONS]
