"""Type aliases for annotating code that uses mygrad (static-only helpers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # pragma: no cover
    from mygrad.tensor_base import Tensor

__all__ = ["ArrayLike", "DTypeLike", "DTypeLikeReals", "Index", "Mask", "Real", "Shape"]

#: anything that can be turned into a tensor: tensors, arrays, nested sequences, scalars
ArrayLike = Union["Tensor", npt.ArrayLike]
#: anything NumPy accepts as a dtype
DTypeLike = npt.DTypeLike
#: dtypes of real numbers and booleans (the dtypes a tracked tensor may have)
DTypeLikeReals = Union[type, np.dtype, str]
#: an index for ``Tensor.__getitem__``
Index = Union[int, slice, None, type(Ellipsis), np.ndarray, Sequence[Any], Tuple[Any, ...]]
#: a boolean mask
Mask = Union[np.ndarray, Sequence[bool]]
#: a real Python or NumPy number
Real = Union[int, float, np.integer, np.floating]
#: a shape
Shape = Tuple[int, ...]
