"""mygrad-ops-extra: an example third-party op plugin, one op of each kind.

* ``np.ldexp(x, n)`` on tensors -- an elementwise op (a NumPy ufunc and one
  gradient rule per input; the integer exponent ``n`` has none):
  :mod:`mygrad_ops_extra.elementwise`;
* ``mygrad.softplus(x, beta=1.0)`` -- a function with a keyword argument:
  :mod:`mygrad_ops_extra.functions`;
* ``mygrad.running_max(x, axis=-1)`` -- an op that keeps state between its
  forward and backward passes (an ``Operation``): :mod:`mygrad_ops_extra.stateful`;
* ``mygrad.logmeanexp(x, axis=None, keepdims=False)`` -- a reduction:
  :mod:`mygrad_ops_extra.reductions`.

The plugin ships ``mygrad-manifest.json`` (written by ``python -m mygrad
manifest extra``), so ``import mygrad`` does not import it: its modules are
imported the first time one of its names is used.
"""

from mygrad.plugin import hookimpl

__version__ = "0.2.0"


@hookimpl
def mygrad_ops():
    """Every declaration of this plugin (its modules are imported here, on
    first use, not when mygrad is imported)."""
    from mygrad_ops_extra import elementwise, functions, reductions, stateful

    return [*elementwise.DECLARATIONS, *functions.DECLARATIONS, *stateful.DECLARATIONS, *reductions.DECLARATIONS]
