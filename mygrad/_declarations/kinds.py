"""Declarations that need no gradient rules of their own (composites, ops
backed by an :class:`~mygrad.Operation` class, non-differentiable tables,
exported objects), and the helper functions plugin authors use to declare
ops (re-exported by :mod:`mygrad.plugin`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from mygrad._core.operation import Operation
from mygrad._declarations.base import OpDecl
from mygrad._declarations.function import Function
from mygrad._declarations.ufunc import Ufunc
from mygrad.errors import DeclarationError

__all__ = [
    "Composite",
    "OperationOp",
    "Table",
    "Export",
    "ufunc_op",
    "function_op",
    "composite_op",
    "operation_op",
    "passthrough",
    "bool_only",
    "constant_only",
    "export",
]


# ------------------------------------------------------ composite, classes
class Composite(OpDecl):
    """An op built from other differentiable ops; it needs no gradient rules."""

    kind = "composite"

    def __init__(self, impl: Callable, **meta: Any) -> None:
        if not callable(impl):
            raise DeclarationError(f"composite_op needs a callable, got {impl!r}")
        self._init_meta(meta.pop("name", None) or impl.__name__, **meta)
        self.impl = impl
        self.__wrapped__ = impl
        if "doc" not in meta:
            self.__doc__ = impl.__doc__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.impl(*args, **kwargs)


class OperationOp(Composite):
    """An op whose public function ``impl`` runs an :class:`Operation`
    subclass via :func:`mygrad.execute_op`."""

    kind = "operation"

    def __init__(self, impl: Callable, operation: type, **meta: Any) -> None:
        super().__init__(impl, **meta)
        self.operation = operation
        self.validate()

    def validate(self) -> None:
        op = self.operation
        if not (isinstance(op, type) and issubclass(op, Operation)):
            raise DeclarationError(f"{self.name!r}: `operation` must be an Operation subclass, got {op!r}")
        if getattr(op, "backward_var") is Operation.backward_var and getattr(op, "backward") is Operation.backward:
            raise DeclarationError(
                f"{self.name!r}: {op.__name__} defines no gradient (implement backward_var)"
            )


@dataclass
class Table(OpDecl):
    """NumPy callables that mygrad handles without differentiating.

    ``kind``: ``"passthrough"`` (functions called on the tensors' arrays),
    ``"bool"`` (ufuncs returning booleans: run on the arrays, return arrays),
    ``"constant"`` (ufuncs whose result has no useful derivative: allowed on
    constant tensors only). ``export``: also publish the NumPy objects under
    their names in ``mygrad``.
    """

    kind: str = "passthrough"
    items: tuple = field(default_factory=tuple)
    export: bool = False
    differentiable = False

    def __post_init__(self) -> None:
        self.name = f"<{self.kind} table>"
        self.namespaces = ("mygrad",)
        self.aliases = ()
        self.numpy = None
        self.methods = ()
        self.operators = ()
        #: (no options: :func:`mygrad.testing.check_plugin` checks a table's
        #: NumPy callables on tensors, forward only)
        self.conformance = {}
        if self.kind not in ("passthrough", "bool", "constant"):
            raise DeclarationError(f"unknown table kind {self.kind!r}")
        for f in self.items:
            if self.kind != "passthrough" and not isinstance(f, np.ufunc):
                raise DeclarationError(f"{self.kind} table entries must be NumPy ufuncs, got {f!r}")
            if not callable(f):
                raise DeclarationError(f"{f!r} is not callable")


class Export(OpDecl):
    """Publish a plain object (a utility, a constant) in namespaces."""

    kind = "export"
    differentiable = False

    def __init__(self, name: str, obj: Any, namespaces: Iterable[str] = ("mygrad",)) -> None:
        self._init_meta(name, namespaces=namespaces)
        self.obj = obj


# ---------------------------------------------------------------- helpers
def ufunc_op(numpy_ufunc: np.ufunc, *grads: Callable, **meta: Any) -> Ufunc:
    """Declare a differentiable ufunc: the NumPy ufunc and one gradient rule
    ``rule(g, out, *inputs)`` per input.

    Examples
    --------
    >>> import numpy as np
    >>> from mygrad.plugin import ufunc_op
    >>> exp = ufunc_op(np.exp, lambda g, out, x: g * out)
    >>> mul = ufunc_op(np.multiply, lambda g, out, x, y: g * y,
    ...                lambda g, out, x, y: g * x, operators=("__mul__", "__rmul__"))
    >>> exp
    <mygrad-ufunc 'exp'>
    """
    return Ufunc(numpy_ufunc, grads, **meta)


def function_op(numpy: Any = None, *, grads: Sequence[Callable] = (), nin: int = 1, **meta: Any) -> Callable[[Callable], Function]:
    """Decorate a NumPy forward function to declare a differentiable op.

    ``forward(*input_arrays, *op_args, **op_kwargs)`` gets the first ``nin``
    arguments as arrays; ``grads[i]`` is ``rule(g, out, *inputs, *op_args,
    **op_kwargs)`` and returns the gradient of input ``i``. The keyword
    options are those every declaration takes (``name``, ``namespaces``,
    ``aliases``, ``methods``, ``operators``, ``domain``, ``reference``,
    ``conformance``, ``doc``) and:

    ``can_return_view=True``
        the forward may return a NumPy view of its (single) input, like
        ``np.transpose``; the result is then a mygrad view of the input.
    ``read_only_view=True``
        (with ``can_return_view=True``) those views are read-only by nature,
        like NumPy's ``diagonal`` and ``broadcast_to``: writing into them
        raises NumPy's ``ValueError``, and they stay read-only when the
        memory guard releases their base.
    ``keeps=("name", ...)``
        values the forward pass computes anyway and the rules need: the
        forward returns ``(result, value, ...)`` and, when the op is recorded,
        each rule gets the values as keyword arguments of those names.

    Examples
    --------
    >>> import numpy as np
    >>> from mygrad.plugin import function_op
    >>> @function_op(np.cumsum, grads=[lambda g, out, x, axis=None: ...])
    ... def cumsum(x, axis=None):
    ...     return np.cumsum(x, axis=axis)
    >>> cumsum
    <mygrad function 'cumsum'>
    """

    def deco(forward: Callable) -> Function:
        return Function(forward, grads, nin=nin, numpy=numpy, **meta)

    return deco


def composite_op(impl: Callable | None = None, **meta: Any) -> Any:
    """Declare an op written with other mygrad ops (usable as a decorator)."""
    if impl is None:
        return lambda f: Composite(f, **meta)
    return Composite(impl, **meta)


def operation_op(impl: Callable, operation: type, **meta: Any) -> OperationOp:
    """Declare an op whose function runs an :class:`Operation` subclass."""
    return OperationOp(impl, operation, **meta)


def passthrough(*funcs: Callable, export: bool = False) -> Table:
    """NumPy functions that run on the tensors' arrays and return NumPy results."""
    return Table(kind="passthrough", items=tuple(funcs), export=export)


def bool_only(*ufuncs: np.ufunc, export: bool = False) -> Table:
    """NumPy ufuncs with boolean results: run on the arrays, return arrays."""
    return Table(kind="bool", items=tuple(ufuncs), export=export)


def constant_only(*ufuncs: np.ufunc, export: bool = False) -> Table:
    """NumPy ufuncs without a useful derivative: allowed on constant tensors
    only (a non-constant tensor raises ``ValueError``); return arrays."""
    return Table(kind="constant", items=tuple(ufuncs), export=export)


def export(name: str, obj: Any, namespaces: Iterable[str] = ("mygrad",)) -> Export:
    """Publish ``obj`` as ``name`` in ``namespaces``."""
    return Export(name, obj, namespaces)

