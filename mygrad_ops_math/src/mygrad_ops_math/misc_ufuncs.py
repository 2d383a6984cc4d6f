"""Other differentiable ufuncs: fabs, copysign, heaviside, deg2rad (``radians``),
rad2deg (``degrees``), hypot.

Derivative conventions:

* ``fabs``: the derivative at 0 is 0 (like ``absolute``);
* ``copysign(x1, x2)``: ``x1`` gets ``sign(x1)`` times the sign of ``x2``
  (its sign bit: ``-0.0`` counts as negative), so 0 where ``x1 == 0``; ``x2``
  gets 0 (the result is piecewise constant in it);
* ``heaviside(x1, x2)``: ``x1`` gets 0 (the step is flat away from 0, and its
  jump at 0 has no derivative); ``x2``, the value taken where ``x1 == 0``,
  gets the gradient exactly there;
* ``hypot(x1, x2)``: ``x1 / hypot`` and ``x2 / hypot``, 0 at the origin.
"""

import math

import numpy as np

from mygrad.plugin import Domain, ufunc_op

from mygrad_ops_math._common import NAMESPACES
from mygrad_ops_math.trig import _over

_DEG2RAD = math.pi / 180
_RAD2DEG = 180 / math.pi

fabs = ufunc_op(
    np.fabs,
    lambda g, out, x: g * np.sign(x),
    namespaces=NAMESPACES,
    domain=Domain(-5, 5, exclude=(0,)),
    doc="""Elementwise absolute value of floats (like :func:`numpy.fabs`).

    ``fabs(x, out=None, *, where=True, dtype=None, constant=None)``: the
    derivative at 0 is 0.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([-2., 0., 3.])
    >>> mg.fabs(x).backward()
    >>> x.grad
    array([-1.,  0.,  1.])
    """,
)

copysign = ufunc_op(
    np.copysign,
    lambda g, out, x1, x2: np.where(np.signbit(x2), -g, g) * np.sign(x1),
    lambda g, out, x1, x2: np.zeros_like(g),
    namespaces=NAMESPACES,
    domain=(Domain(-5, 5, exclude=(0,)), Domain(-5, 5, exclude=(0,))),
    doc="""``x1`` with the sign of ``x2``, elementwise (like :func:`numpy.copysign`).

    ``copysign(x1, x2, out=None, *, where=True, dtype=None, constant=None)``:
    ``x1`` gets ``sign(x1)`` times the sign of ``x2`` (so 0 where ``x1 == 0``;
    ``x2 == -0.0`` counts as negative); ``x2`` gets 0.

    Examples
    --------
    >>> import mygrad as mg
    >>> x, s = mg.tensor([2., -3., 0.]), mg.tensor([-1., -0., 5.])
    >>> mg.copysign(x, s)
    Tensor([-2., -3.,  0.])
    >>> mg.copysign(x, s).backward()
    >>> x.grad, s.grad
    (array([-1.,  1.,  0.]), array([0., 0., 0.]))
    """,
)

heaviside = ufunc_op(
    np.heaviside,
    lambda g, out, x1, x2: np.zeros_like(g),
    lambda g, out, x1, x2: g * (x1 == 0),
    namespaces=NAMESPACES,
    domain=(Domain(-5, 5, exclude=(0,)), Domain(0, 1)),
    doc="""The Heaviside step function (like :func:`numpy.heaviside`): 0 where
    ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``.

    ``heaviside(x1, x2, out=None, *, where=True, dtype=None, constant=None)``:
    ``x1`` gets 0 (the step is flat, and its jump has no derivative); ``x2``
    gets the gradient where ``x1 == 0``.

    Examples
    --------
    >>> import mygrad as mg
    >>> x, h = mg.tensor([-1., 0., 2.]), mg.tensor(0.5)
    >>> mg.heaviside(x, h)
    Tensor([0. , 0.5, 1. ])
    >>> mg.heaviside(x, h).backward()
    >>> x.grad, h.grad
    (array([0., 0., 0.]), array(1.))
    """,
)

deg2rad = ufunc_op(
    np.deg2rad,
    lambda g, out, x: g * _DEG2RAD,
    namespaces=NAMESPACES,
    numpy=(np.deg2rad, np.radians),
    aliases=("radians",),
    domain=Domain(-360, 360),
    doc="""Convert angles from degrees to radians (like :func:`numpy.deg2rad`;
    alias ``radians``, and ``np.radians`` on tensors).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([180.])
    >>> mg.radians(x)
    Tensor([3.14159265])
    >>> mg.deg2rad(x).backward()
    >>> x.grad
    array([0.01745329])
    """,
)

rad2deg = ufunc_op(
    np.rad2deg,
    lambda g, out, x: g * _RAD2DEG,
    namespaces=NAMESPACES,
    numpy=(np.rad2deg, np.degrees),
    aliases=("degrees",),
    doc="""Convert angles from radians to degrees (like :func:`numpy.rad2deg`;
    alias ``degrees``, and ``np.degrees`` on tensors).

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x = mg.tensor([np.pi])
    >>> mg.degrees(x)
    Tensor([180.])
    >>> mg.rad2deg(x).backward()
    >>> x.grad
    array([57.29577951])
    """,
)

hypot = ufunc_op(
    np.hypot,
    lambda g, out, x1, x2: _over(g * x1, out),
    lambda g, out, x1, x2: _over(g * x2, out),
    namespaces=NAMESPACES,
    domain=Domain(-5, 5, exclude=(0,), gap=0.5),
    doc="""The hypotenuse ``sqrt(x1**2 + x2**2)``, elementwise (like :func:`numpy.hypot`).

    ``hypot(x1, x2, out=None, *, where=True, dtype=None, constant=None)``:
    ``x1`` gets ``x1 / hypot``, ``x2`` gets ``x2 / hypot`` (both 0 at the origin).

    Examples
    --------
    >>> import numpy as np, mygrad as mg
    >>> x, y = mg.tensor([3., 0.]), mg.tensor([4., 0.])
    >>> np.hypot(x, y)
    Tensor([5., 0.])
    >>> np.hypot(x, y).backward()
    >>> x.grad, y.grad
    (array([0.6, 0. ]), array([0.8, 0. ]))
    """,
)

DECLARATIONS = [fabs, copysign, heaviside, deg2rad, rad2deg, hypot]
