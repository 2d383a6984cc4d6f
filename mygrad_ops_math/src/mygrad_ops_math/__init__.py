"""mygrad-ops-math: arithmetic, elementwise math, reductions and cumulative ops
for mygrad.

Registered through the ``mygrad`` entry-point group; the names appear in
``mygrad`` (and ``mygrad.math``), NumPy's functions dispatch to them for
tensors, and Tensor operators/methods use them.
"""

from mygrad.plugin import hookimpl

from mygrad_ops_math import (
    arithmetic,
    explog,
    extrema,
    hyperbolic,
    joining,
    misc_ufuncs,
    nanreductions,
    nondifferentiable,
    padding,
    rearranging,
    reductions,
    selection,
    sequential,
    special,
    statistics,
    tiling,
    trig,
    ufunc_methods,
)

from mygrad_ops_math._version import __version__  # noqa: F401  (one place: pyproject reads it too)

MODULES = (
    # elementwise (ufuncs and other elementwise math)
    arithmetic, explog, trig, hyperbolic, extrema, misc_ufuncs, special, ufunc_methods,
    # reductions and cumulative ops
    reductions, nanreductions, statistics, sequential, nondifferentiable,
    # manipulation and selection
    joining, tiling, rearranging, selection, padding,
)


@hookimpl
def mygrad_ops():
    """All of this pack's op declarations."""
    return [decl for mod in MODULES for decl in mod.DECLARATIONS]
