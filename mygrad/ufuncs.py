"""``mygrad.ufuncs``: the class of mygrad's differentiable ufuncs.

``mg.add``, ``mg.exp``, ... are instances of :class:`ufunc` (like NumPy's
``np.add`` is an ``np.ufunc``): ``isinstance(mg.add, mg.ufunc)`` is true.
"""

from mygrad._declarations.ufunc import Ufunc as ufunc

__all__ = ["ufunc"]
