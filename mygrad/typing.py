"""Type aliases for annotating code that uses mygrad.

For a static type checker they are the unions below; at run time each is a
class whose ``isinstance`` check tells whether a value fits, so they also work
where a run-time type is needed (e.g. ``hypothesis.strategies.register_type_strategy``).

>>> import numpy as np, mygrad as mg
>>> from mygrad.typing import ArrayLike, Shape
>>> isinstance(mg.tensor([1.0]), ArrayLike), isinstance([1, 2], ArrayLike)
(True, True)
>>> isinstance((2, 3), Shape), isinstance((2.5,), Shape)
(True, False)
"""

from __future__ import annotations

from numbers import Integral
from numbers import Real as _RealNumber
from typing import TYPE_CHECKING, Any, Sequence, Tuple, Union

import numpy as np

__all__ = ["ArrayLike", "DTypeLike", "DTypeLikeReals", "Index", "Mask", "Real", "Shape"]

from mygrad._core.tensor import Tensor

if TYPE_CHECKING:  # pragma: no cover
    import numpy.typing as npt

    ArrayLike = Union["Tensor", npt.ArrayLike]
    DTypeLike = npt.DTypeLike
    DTypeLikeReals = Union[type, np.dtype, str]
    Index = Union[int, slice, None, type(Ellipsis), np.ndarray, Sequence[Any], Tuple[Any, ...]]
    Mask = Union[np.ndarray, Sequence[bool]]
    Real = Union[int, float, np.integer, np.floating]
    Shape = Tuple[int, ...]
else:

    class _Alias(type):
        """Metaclass of the run-time aliases: ``isinstance`` runs ``_check``."""

        def __instancecheck__(cls, obj: Any) -> bool:
            return bool(cls._check(obj))

        def __repr__(cls) -> str:
            return f"mygrad.typing.{cls.__name__}"

    def _dtype_of(obj: Any) -> np.dtype | None:
        try:
            return np.dtype(obj)
        except TypeError:
            return None

    class ArrayLike(metaclass=_Alias):
        """Anything that can become a tensor: tensors, arrays, nested sequences, scalars."""

        @staticmethod
        def _check(obj: Any) -> bool:
            if isinstance(obj, (Tensor, np.ndarray, np.generic, int, float, bool, complex, list, tuple)):
                return True
            return hasattr(obj, "__array__") or hasattr(obj, "__array_interface__")

    class DTypeLike(metaclass=_Alias):
        """Anything NumPy accepts as a dtype."""

        @staticmethod
        def _check(obj: Any) -> bool:
            return obj is None or _dtype_of(obj) is not None

    class DTypeLikeReals(metaclass=_Alias):
        """A dtype of real numbers or booleans (the dtypes a tracked tensor may have)."""

        @staticmethod
        def _check(obj: Any) -> bool:
            dt = None if obj is None else _dtype_of(obj)
            return dt is not None and dt.kind in "biuf"

    class Index(metaclass=_Alias):
        """An index for ``Tensor.__getitem__``."""

        @staticmethod
        def _check(obj: Any) -> bool:
            return obj is None or obj is Ellipsis or isinstance(obj, (int, np.integer, slice, np.ndarray, list, tuple))

    class Mask(metaclass=_Alias):
        """A boolean mask: a boolean array or a sequence of booleans."""

        @staticmethod
        def _check(obj: Any) -> bool:
            if isinstance(obj, np.ndarray):
                return obj.dtype == bool
            return isinstance(obj, (list, tuple)) and all(isinstance(b, (bool, np.bool_)) for b in obj)

    class Real(metaclass=_Alias):
        """A real Python or NumPy number."""

        @staticmethod
        def _check(obj: Any) -> bool:
            return isinstance(obj, (_RealNumber, np.integer, np.floating)) and not isinstance(obj, (bool, np.bool_))

    class Shape(metaclass=_Alias):
        """An array shape: a tuple of non-negative integers."""

        @staticmethod
        def _check(obj: Any) -> bool:
            return isinstance(obj, tuple) and all(
                isinstance(n, Integral) and not isinstance(n, bool) and n >= 0 for n in obj
            )
