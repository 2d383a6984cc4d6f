"""mygrad-ops-math: arithmetic, elementwise math and reductions for mygrad.

Registered through the ``mygrad`` entry-point group; the names appear in
``mygrad`` (and ``mygrad.math``), NumPy's functions dispatch to them for
tensors, and Tensor operators/methods use them.
"""

from mygrad.plugin import hookimpl

from mygrad_ops_math import arithmetic, explog, reductions, trig

__version__ = "3.0.0.dev0"

MODULES = (arithmetic, explog, trig, reductions)


@hookimpl
def mygrad_ops():
    """All of this pack's op declarations."""
    return [decl for mod in MODULES for decl in mod.DECLARATIONS]
