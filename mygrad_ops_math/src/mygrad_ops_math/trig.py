"""Trigonometric and hyperbolic functions: sin, cos, tanh."""

import numpy as np

from mygrad.plugin import ufunc_op

from mygrad_ops_math._common import NAMESPACES

sin = ufunc_op(np.sin, lambda g, out, x: g * np.cos(x), namespaces=NAMESPACES)

cos = ufunc_op(np.cos, lambda g, out, x: -g * np.sin(x), namespaces=NAMESPACES)

tanh = ufunc_op(np.tanh, lambda g, out, x: g * (1 - out * out), namespaces=NAMESPACES)

DECLARATIONS = [sin, cos, tanh]
