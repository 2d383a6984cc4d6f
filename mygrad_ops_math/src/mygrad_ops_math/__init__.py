"""mygrad-ops-math: arithmetic, elementwise math, reductions and cumulative ops
for mygrad.

Registered through the ``mygrad`` entry-point group; the names appear in
``mygrad`` (and ``mygrad.math``), NumPy's functions dispatch to them for
tensors, and Tensor operators/methods use them.
"""

from mygrad.plugin import hookimpl

from mygrad_ops_math import arithmetic, explog, extrema, nondifferentiable, reductions, sequential, trig

__version__ = "3.0.0.dev0"

MODULES = (arithmetic, explog, trig, extrema, reductions, sequential, nondifferentiable)


@hookimpl
def mygrad_ops():
    """All of this pack's op declarations."""
    return [decl for mod in MODULES for decl in mod.DECLARATIONS]
