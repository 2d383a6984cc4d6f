"""``mygrad.tensor_base``: MyGrad 2.x's home of :class:`Tensor` and
:func:`implements_numpy_override` (both also at the top level of ``mygrad``
and in :mod:`mygrad.plugin`)."""

from mygrad._core.tensor import Tensor
from mygrad.plugins import implements_numpy_override
from mygrad.tensor_creation import asarray, astensor, tensor

__all__ = ["Tensor", "implements_numpy_override", "tensor", "astensor", "asarray"]
