"""The :class:`Tensor`: a NumPy array that is also a vertex of a computational graph.

This module holds the data model and the Python protocol; the graph and
memory state live in the :class:`~mygrad._core.state.Vertex` slots it
inherits. Operations are not defined here: arithmetic dunders and op-backed
methods, and NumPy's ``__array_ufunc__`` / ``__array_function__``, are
installed on the class by the plugin layer (:mod:`mygrad._plugins.registry`,
:mod:`mygrad._plugins.dispatch`) from the plugins' declarations -- the one
place where the class is extended from above.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from mygrad._core import graph
from mygrad._core.memory_guard import EXPOSED, HIDDEN, expose
from mygrad._core.modes import MODE
from mygrad._core.operation import OpNode, Operation
from mygrad._core.refresh import touch
from mygrad._core.setters import set_data, set_shape
from mygrad._core.state import UNCONSUMED, Vertex, check_constant, check_dtype, resolve_constant
from mygrad._core.views import view_grad

__all__ = ["Tensor"]

_ndarray = np.ndarray
def _binary_array_op(ufunc: np.ufunc) -> tuple:
    """``(op, reflected op)`` Tensor methods that call ``ufunc`` (dispatched
    through ``__array_ufunc__``, which allows it on constant tensors only)."""

    def op(self: "Tensor", other: Any) -> Any:
        return ufunc(self, other)

    def rop(self: "Tensor", other: Any) -> Any:
        return ufunc(other, self)

    return op, rop


class Tensor(Vertex):
    """A NumPy-array-like object that records the operations applied to it, so
    that derivatives can be computed by backpropagation.

    Parameters
    ----------
    x : ArrayLike
        The data. A Tensor is copied; its graph, gradient and constant-ness are
        not carried over.
    dtype : DTypeLike, optional
    constant : bool, optional
        A constant never receives a gradient. Default: ``False`` for floating
        point data, ``True`` for integer and boolean data.
    copy : bool, default True
        ``False`` wraps ``x`` without copying when possible.
    ndmin : int, default 0
        Minimum number of dimensions (leading axes are added).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.Tensor([1., 2., 3.])
    >>> x
    Tensor([1., 2., 3.])
    >>> x.constant
    False
    >>> mg.Tensor([1, 2]).constant
    True
    """

    __slots__ = ()  # (the state is in the Vertex slots)

    __array_priority__ = 15.0
    __hash__ = None  # like ndarray: mutable, compared elementwise

    def __new__(cls, *args: Any, **kwargs: Any) -> "Tensor":
        t = object.__new__(cls)
        t._plan = t._ext = None  # what __del__ reads, even if __init__ then fails
        t._lock = HIDDEN
        return t

    def __init__(
        self,
        x: Any,
        *,
        dtype: Any = None,
        constant: bool | None = None,
        copy: bool = True,
        ndmin: int = 0,
    ) -> None:
        # every slot is set before anything can fail: __del__ reads them
        self._op = self._inputs = self._saved = self._plan = self._ext = None
        self._grad = UNCONSUMED
        self._seq = self._needs = 0
        self._lock = HIDDEN
        check_constant(constant)
        if isinstance(x, Tensor):
            # a tensor's memory is never shared with another tensor except as a
            # view (whose writes are recorded): copy=False copies here too
            x = x._data
            copy = True
        if copy:
            arr = np.array(x, dtype=dtype, copy=True, ndmin=ndmin)
            handed_out = False
        else:
            arr = np.asarray(x, dtype=dtype)
            # the caller keeps (a view of) this memory unless NumPy made the array here
            handed_out = not (arr is not x and (type(x) in (list, tuple, int, float, bool, complex)
                                                or (isinstance(x, _ndarray) and arr.base is None)))
            if arr.ndim < ndmin:
                arr = arr[(None,) * (ndmin - arr.ndim)]
        tracking = MODE.get().track
        if tracking:
            check_dtype(arr)
        self._data = arr
        self._constant = resolve_constant(constant, arr, tracking)
        self._lock = EXPOSED if handed_out else HIDDEN

    # ------------------------------------------------------------------ data
    @property
    def data(self) -> np.ndarray:
        """The underlying :class:`numpy.ndarray` (not a copy).

        While a live graph depends on this tensor's memory (it reads the
        values, or this tensor is the result of an op that has not been
        backpropagated yet), the array is read-only: the memory guard. Write to
        it after ``backward()``, e.g. ``w.data -= lr * w.grad``, or write
        through mygrad (``w[...] = v``, ``w -= v``), which is recorded.

        Assigning ``t.data = array`` gives ``t`` new memory: ``t`` becomes a
        leaf holding the new values (earlier results keep the old values and
        their gradients), and views of ``t`` are detached (they keep their
        values, as copies).
        """
        if not self._lock:  # handed out for the first time: the guard covers it now
            expose(self)
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        set_data(self, value)

    @property
    def grad(self) -> np.ndarray | None:
        """dℒ/d(self) as an ndarray, set by ``ℒ.backward()``; ``None`` otherwise.

        For a view, this is the matching view of its base's gradient.
        """
        x = self._ext
        if x is not None and x.base is not None:
            return view_grad(self)
        g = self._grad
        if g is UNCONSUMED:
            return None
        if type(g) is _ndarray and not g.flags.writeable:
            # shared read-only (the seed of a backward pass from this tensor, a
            # broadcast: graph._seed; or the upstream gradient of an op that
            # passed it on unchanged: graph.accumulate), made a gradient array
            # of its own when first read
            g = self._grad = np.array(g)
        return g

    @property
    def constant(self) -> bool:
        """A constant tensor never receives a gradient and blocks backprop."""
        return self._constant

    @property
    def creator(self) -> Operation | None:
        """The operation that produced this tensor, or ``None`` for a leaf (or
        after the graph was cleared)."""
        op = self._op
        if op is None or isinstance(op, Operation):
            return op
        return OpNode(op, self)

    @property
    def base(self) -> "Tensor | None":
        """The tensor whose memory this view shares (the root of a chain of
        views), or ``None``."""
        x = self._ext
        return None if x is None else x.base

    @property
    def shape(self) -> tuple:
        return self._data.shape

    @shape.setter
    def shape(self, newshape: Any) -> None:
        set_shape(self, newshape)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    # -------------------------------------------------------------- autodiff
    def backward(self, grad: Any = None) -> None:
        """Compute dℒ/dx for every tensor x that ℒ (this tensor) depends on.

        A non-scalar tensor is treated as if it had been summed first. ``grad``
        (broadcastable to ``self.shape``) seeds the backpropagation instead of
        ones. Afterwards the graph is cleared; the gradients stay readable in
        ``.grad``. Does nothing inside ``no_autodiff``.

        Examples
        --------
        >>> import mygrad as mg
        >>> x = mg.tensor(3.0)
        >>> f = x * x
        >>> f.backward()
        >>> x.grad
        array(6.)
        """
        if self._ext is not None:
            touch(self)  # a stale view backprops through its current vertex
        graph.backward(self, grad)

    def null_grad(self) -> "Tensor":
        """Set ``self.grad`` to ``None`` in place and return ``self``."""
        self._grad = None
        x = self._ext
        if x is not None and x.base is not None:
            x.grad_cache = None
            x.grad_nulled_at = x.base._grad
        return self

    def null_gradients(self, clear_graph: bool = True) -> None:
        """Deprecated no-op: gradients are nulled automatically."""
        warnings.warn(
            "`Tensor.null_gradients` does nothing: gradients are nulled automatically "
            "when a tensor is used in a new operation; use `Tensor.null_grad` to do it "
            "by hand",
            FutureWarning,
            stacklevel=2,
        )

    def clear_graph(self) -> None:
        """Remove this tensor and everything upstream of it from the graph,
        releasing memory-guard locks."""
        graph.clear_graph(self)

    # ------------------------------------------------------- Python protocol
    def item(self) -> Any:
        """The single element of a size-1 tensor as a Python scalar."""
        if self._data.size != 1:
            raise ValueError("can only convert a tensor of size 1 to a Python scalar")
        return self._data.item()

    def _scalar(self, kind: type) -> Any:
        if self._data.size != 1:
            raise TypeError(f"only size-1 tensors can be converted to Python {kind.__name__}s")
        return kind(self._data.item())

    def __float__(self) -> float:
        return self._scalar(float)

    def __int__(self) -> int:
        return self._scalar(int)

    def __complex__(self) -> complex:
        return self._scalar(complex)

    def __index__(self) -> int:
        return self._data.__index__()

    def __bool__(self) -> bool:
        return bool(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, item: Any) -> bool:
        return item in self._data

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def tolist(self) -> Any:
        """The data as a (nested) Python list, like :meth:`numpy.ndarray.tolist`."""
        return self._data.tolist()

    def __repr__(self) -> str:
        text = np.array_repr(self._data)
        if not text.startswith("array("):  # ndarray subclass or odd printer
            return f"Tensor({text})"
        return "Tensor(" + text[6:].replace("\n      ", "\n       ")

    __str__ = __repr__

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        arr = self._data
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            if copy is False:
                raise ValueError("converting the tensor to another dtype requires a copy")
            return arr.astype(dtype)
        if copy:
            return arr.copy()
        if not self._lock:  # handed out: the guard covers it now
            expose(self)
        return arr

    # comparisons are not differentiable: like NumPy, they return bool arrays
    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self._data == _unwrap(other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self._data != _unwrap(other)

    def __lt__(self, other: Any) -> Any:
        return self._data < _unwrap(other)

    def __le__(self, other: Any) -> Any:
        return self._data <= _unwrap(other)

    def __gt__(self, other: Any) -> Any:
        return self._data > _unwrap(other)

    def __ge__(self, other: Any) -> Any:
        return self._data >= _unwrap(other)

    # integer-valued arithmetic has no useful derivative: like the reference,
    # these return arrays and refuse non-constant tensors (see mygrad._plugins.dispatch);
    # so do the bitwise operators (integer/boolean tensors)
    __floordiv__, __rfloordiv__ = _binary_array_op(np.floor_divide)
    __mod__, __rmod__ = _binary_array_op(np.remainder)
    __divmod__, __rdivmod__ = _binary_array_op(np.divmod)
    __and__, __rand__ = _binary_array_op(np.bitwise_and)
    __or__, __ror__ = _binary_array_op(np.bitwise_or)
    __xor__, __rxor__ = _binary_array_op(np.bitwise_xor)
    __lshift__, __rlshift__ = _binary_array_op(np.left_shift)
    __rshift__, __rrshift__ = _binary_array_op(np.right_shift)

    def __invert__(self) -> Any:
        return np.invert(self)

    # ------------------------------------------------------------- copying
    def copy(self, *, constant: bool | None = None) -> "Tensor":
        """A copy of the data (and of the gradient, unless the copy is a
        constant), without the graph.

        >>> import mygrad as mg
        >>> x = mg.tensor([1., 2.])
        >>> y = x.copy()
        >>> y is x, y.constant
        (False, False)
        """
        check_constant(constant)
        out = Tensor(self._data, copy=True, constant=self._constant if constant is None else constant)
        grad = self.grad
        if grad is not None and not out._constant:
            out._grad = np.array(grad, copy=True)
        return out

    def __copy__(self) -> "Tensor":
        return self.copy()

    def __deepcopy__(self, memo: dict) -> "Tensor":
        out = self.copy()
        memo[id(self)] = out
        return out

    def __reduce__(self):
        grad = self.grad
        return (_rebuild, (np.array(self._data), self._constant, None if grad is None else np.array(grad)))

    def astype(self, dtype: Any, casting: str = "unsafe", copy: bool = True, *, constant: bool | None = None) -> "Tensor":
        """A new tensor (without graph) holding the data cast to ``dtype``.

        The constant flag is kept unless ``constant`` is given (an integer or
        boolean result is always constant).

        >>> import mygrad as mg
        >>> mg.tensor([1., 2.]).astype("float32")
        Tensor([1., 2.], dtype=float32)
        """
        check_constant(constant)
        arr = self._data.astype(dtype, casting=casting, copy=copy)
        if constant is None:
            constant = self._constant if arr.dtype.kind == "f" else True
        if arr is self._data:
            if constant == self._constant:
                return self
            arr = arr.copy()  # never two tensors over one memory without a view link
        return Tensor(arr, copy=False, constant=constant)

    # ------------------------------------------------------------ lifecycle
    # releases the memory-guard needs this tensor's op holds (see mygrad._core.graph)
    __del__ = graph.release


def _unwrap(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _rebuild(data: np.ndarray, constant: bool, grad: np.ndarray | None) -> Tensor:
    t = Tensor(data, copy=False, constant=constant)
    if grad is not None:
        t._grad = grad
    return t
