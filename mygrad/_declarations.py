"""Op declarations: what a plugin's ``mygrad_ops`` hook returns.

A declaration is both the public callable (``mg.exp``) and the metadata the
registry and the test harness need: public name, namespaces, the NumPy
callable it overrides, Tensor methods/operators it backs, whether it may
return a view, and the input domain to sample for gradient checks.

* :class:`Ufunc` -- an elementwise op from a NumPy ufunc plus one gradient
  rule per input: ``ufunc_op(np.exp, lambda g, out, x: g * out)``.
* :class:`Function` -- any other op computed by a NumPy forward function on
  arrays, plus one rule per tensor input: ``@function_op(np.sum, grads=...)``.
* :class:`Composite` -- an op built from other ops (no rules needed).
* :class:`OperationOp` -- an op implemented by an :class:`~mygrad.Operation`
  subclass (for state shared between forward and backward).
* :class:`Table` -- NumPy functions/ufuncs that are not differentiable:
  pass-through, boolean-only, constant-only.
* :class:`Export` -- a plain object to publish in a namespace.

Gradient rules are functions ``rule(g, out, *inputs, *op_args, **op_kwargs)``
of the upstream gradient ``g``, the op's output, and its inputs (ndarrays or
Python scalars). They must use NumPy functions and operators only: the core
un-broadcasts, masks and casts their results. Which inputs a rule reads is
found from its code, so that the memory guard locks exactly what backprop
will read.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from mygrad._engine import coerce, get_mode, leaf, note_view_need, null_input_grad, record, wrap_result
from mygrad._fastpath import make_fast_ufunc
from mygrad._graph import accumulate, bad_shape
from mygrad._memory_guard import EXPOSED, GUARDED, LOCKING, UNGUARDED, family_root, note_inherited_lock, sync
from mygrad._rules import DEFAULT_DOMAIN, NONDIFF, Domain, plan, plan_table, rule_params, rule_reads
from mygrad._state import UNCONSUMED
from mygrad._views import is_view_of, link_view
from mygrad.errors import DeclarationError
from mygrad.tensor_base import Tensor, _check_constant, check_dtype, resolve_constant

__all__ = ["OpDecl", "Ufunc", "Function", "finish", "Domain", "NONDIFF"]

_ndarray = np.ndarray



# -------------------------------------------------------------- base class
class OpDecl:
    """Common metadata of every declaration.

    Parameters (keyword-only in the helpers)
    ----------
    name : the public name.
    namespaces : where the name is published (``"mygrad"``,
        ``"mygrad.linalg"``, ``"mygrad.nnet.activations"``, ...).
    aliases : extra public names.
    numpy : the NumPy callable this op overrides for tensors, if any.
    methods : Tensor methods it backs (``"sum"`` makes ``t.sum(...)``).
    operators : Tensor dunders it backs (``"__add__"``, ``"__radd__"``,
        ``"__iadd__"``, ``"__neg__"``, ...).
    domain : a :class:`Domain` (or one per input) for gradient checks.
    can_return_view : whether the result may be a view of an input.
    reference : a NumPy-only function to compare the forward pass with, when
        the op overrides no NumPy function.
    conformance : options for :func:`mygrad.testing.check_plugin`, e.g.
        ``{"kwargs": lambda draw, shape: {...}}`` to sample extra arguments,
        or ``{"skip": "reason"}``.
    """

    kind = "op"
    differentiable = True
    #: the plugin that registered this declaration (set by the registry)
    plugin: str | None = None

    def _init_meta(
        self,
        name: str,
        *,
        namespaces: Iterable[str] = ("mygrad",),
        aliases: Iterable[str] = (),
        numpy: Any = None,
        methods: Iterable[str] = (),
        operators: Iterable[str] = (),
        domain: Any = None,
        can_return_view: bool = False,
        reference: Callable | None = None,
        conformance: dict | None = None,
        doc: str | None = None,
    ) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise DeclarationError(f"op name must be an identifier, got {name!r}")
        if isinstance(namespaces, str):
            namespaces = (namespaces,)
        self.name = name
        self.__name__ = name
        self.__qualname__ = name
        self.namespaces = tuple(namespaces)
        for ns in self.namespaces:
            parts = ns.split(".") if isinstance(ns, str) else [None]
            if parts[0] != "mygrad" or not all(isinstance(p, str) and p.isidentifier() for p in parts):
                raise DeclarationError(
                    f"{name!r}: namespace {ns!r} is not 'mygrad' or a dotted 'mygrad.<sub>' of identifiers"
                )
        self.aliases = tuple(aliases)
        for alias in self.aliases:
            if not isinstance(alias, str) or not alias.isidentifier():
                raise DeclarationError(f"{name!r}: alias {alias!r} is not an identifier")
        self.numpy = numpy
        self.methods = tuple(methods)
        self.operators = tuple(operators)
        self.domain = domain if domain is not None else DEFAULT_DOMAIN
        self.can_return_view = bool(can_return_view)
        #: its views are read-only by nature (like NumPy's broadcast_to)
        self.read_only_view = False
        self.reference = reference
        self.conformance = dict(conformance or {})
        if doc is not None:
            self.__doc__ = doc

    @property
    def public_names(self) -> tuple:
        return (self.name, *self.aliases)

    def input_domain(self, index: int) -> Domain:
        d = self.domain
        if isinstance(d, (tuple, list)):
            return d[index]
        return d

    def validate(self) -> None:
        """Raise :class:`DeclarationError` if the declaration is incomplete."""

    def __repr__(self) -> str:
        return f"<mygrad {self.kind} {self.name!r}>"

    def __reduce__(self) -> tuple:
        # pickled by name, like a function (multiprocessing, joblib): unpickling
        # finds the op where its plugin published it
        if not self.namespaces:
            raise TypeError(f"cannot pickle {self!r}: it is not published under a name")
        return (_published, (self.namespaces[0], self.name))


def _published(namespace: str, name: str) -> Any:
    """The object published as ``namespace.name`` (for unpickling ops)."""
    return getattr(importlib.import_module(namespace), name)


# ------------------------------------------------------------------ ufuncs
class Ufunc(OpDecl):
    """A differentiable counterpart of a NumPy ufunc; ``mygrad.ufunc``.

    Call it like the NumPy ufunc: ``f(x1[, x2], out=None, *, where=True,
    dtype=None, constant=None, **kwargs)``; other NumPy ufunc keywords
    (``casting``, ``order``, ...) are passed to NumPy.
    """

    kind = "ufunc"

    def __init__(self, numpy_ufunc: np.ufunc, grads: Sequence, **meta: Any) -> None:
        if not isinstance(numpy_ufunc, np.ufunc):
            raise DeclarationError(f"ufunc_op needs a numpy.ufunc, got {numpy_ufunc!r}")
        meta.setdefault("numpy", numpy_ufunc)
        self._init_meta(meta.pop("name", None) or numpy_ufunc.__name__, **meta)
        self.ufunc = numpy_ufunc
        self.grads = tuple(grads)
        self.nin = numpy_ufunc.nin
        self.nout = numpy_ufunc.nout
        self.nargs = numpy_ufunc.nargs
        self.identity = numpy_ufunc.identity
        self.signature = numpy_ufunc.signature
        self.types = [t for t in numpy_ufunc.types if not set(t) & set("FDGOMmSUVq")]
        self.ntypes = len(self.types)
        if "doc" not in meta:
            self.__doc__ = f"Differentiable ``numpy.{numpy_ufunc.__name__}``.\n\n" + (numpy_ufunc.__doc__ or "")
        self.validate()
        reads = [rule_reads(g, self.nin, f"{self.name!r}") for g in self.grads]
        self.table = plan_table(self.grads, reads, GUARDED)
        self.table_off = plan_table(self.grads, reads, UNGUARDED)
        self._fast = fast = make_fast_ufunc(self)
        if type(self).__call__ is Ufunc.__call__:  # (a subclass may add keywords)
            general = self._call
            nin = self.nin

            def call(*args: Any, **kwargs: Any) -> Any:
                if kwargs or len(args) != nin:
                    return general(*args, **kwargs)
                return fast(*args)

            if nin == 1:
                call = fast  # it takes any arguments (see mygrad._fastpath)

            # each ufunc gets its own class whose __call__ goes straight to the fast path
            self.__class__ = type(type(self).__name__, (type(self),), {"__call__": staticmethod(call)})

    def validate(self) -> None:
        if self.nout != 1:
            raise DeclarationError(f"{self.name!r}: only single-output ufuncs are supported")
        if len(self.grads) != self.nin:
            raise DeclarationError(
                f"{self.name!r}: numpy.{self.ufunc.__name__} takes {self.nin} input(s), so the "
                f"declaration needs {self.nin} gradient rule(s) (NONDIFF for a "
                f"non-differentiable input); got {len(self.grads)}"
            )
        for i, g in enumerate(self.grads):
            rule_params(g, self.nin, f"{self.name!r} input {i}")

    def resolve_dtypes(self, *args: Any, **kwargs: Any) -> Any:
        return self.ufunc.resolve_dtypes(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<mygrad-ufunc {self.name!r}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs and len(args) == self.nin:
            return self._fast(*args)
        return self._call(*args, **kwargs)

    def _call(self, *args: Any, out: Any = None, where: Any = True, dtype: Any = None, constant: Any = None,
              **kwargs: Any) -> Any:
        nin = self.nin
        if len(args) != nin:
            if len(args) == nin + 1 and out is None:
                out = args[-1]
                args = args[:-1]
            else:
                raise TypeError(f"{self.name}() takes {nin} positional input(s) (plus an optional `out`), got {len(args)}")
        if out is None and where is True and dtype is None and constant is None and not kwargs:
            return self._fast(*args)
        return self._general(args, out, where, dtype, constant, kwargs)

    def _general(self, args: tuple, out: Any, where: Any, dtype: Any, constant: Any, kwargs: dict) -> Any:
        _check_constant(constant)
        if out is not None:
            if type(out) is tuple:
                if len(out) != 1:
                    raise ValueError(f"{self.name}: `out` must hold exactly one array, got {len(out)}")
                out = out[0]
            if isinstance(out, Tensor):
                from mygrad._inplace import inplace_ufunc

                return inplace_ufunc(self, args, out, where, dtype, constant, kwargs)
        mode = get_mode()
        tracking = mode.track
        coerced = [coerce(a, tracking) for a in args]
        np_kwargs = self.numpy_kwargs(where, dtype, kwargs)
        if out is not None:
            np_kwargs["out"] = out
        result = wrap_result(self.ufunc(*(c[1] for c in coerced), **np_kwargs))
        states = [c[2] for c in coerced]
        return finish(self, result, tuple(c[0] for c in coerced), states, constant, tracking, mode.guard,
                      None if where is True else np.asarray(where, dtype=bool), owned=out is None)

    @staticmethod
    def numpy_kwargs(where: Any, dtype: Any, kwargs: dict) -> dict:
        """The keyword arguments for the NumPy ufunc (a new dict)."""
        np_kwargs = dict(kwargs)
        if where is not True:
            np_kwargs["where"] = where
        if dtype is not None:
            np_kwargs["dtype"] = dtype
        return np_kwargs

    def backprop(self, t: Tensor, g: np.ndarray) -> None:
        _run_rules(self, t, g, _NO_KWARGS, t._saved)

    # NumPy ufunc methods
    def _unsupported(self, method: str) -> Any:
        raise NotImplementedError(f"mygrad's {self.name!r} does not implement the ufunc method {method!r} yet")

    def at(self, *args: Any, **kwargs: Any) -> Any:
        return self._unsupported("at")

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        return self._unsupported("accumulate")

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        return self._unsupported("outer")

    def reduce(self, *args: Any, **kwargs: Any) -> Any:
        return self._unsupported("reduce")

    def reduceat(self, *args: Any, **kwargs: Any) -> Any:
        return self._unsupported("reduceat")


_NO_KWARGS: dict = {}


def _run_rules(decl: Any, t: Tensor, g: np.ndarray, kwargs: dict, mask: Any) -> None:
    """Backprop through a declared op: each input that gets a gradient gets
    ``rule(g, out, *inputs, **kwargs)`` (zero where ``mask`` is False)."""
    ins = t._inputs
    if len(ins) == 1:  # (a recorded unary op's input is a tensor)
        vals = (ins[0]._data,)
    elif len(ins) == 2:
        a, b = ins
        vals = (a._data if isinstance(a, Tensor) else a, b._data if isinstance(b, Tensor) else b)
    else:
        vals = [p._data if isinstance(p, Tensor) else p for p in ins]
    out = t._data
    grads = decl.grads
    for i in t._plan[0]:
        if mask is None:
            gi = grads[i](g, out, *vals, **kwargs)
        else:
            with np.errstate(all="ignore"):  # masked-out positions are discarded
                gi = np.where(mask, grads[i](g, out, *vals, **kwargs), 0)
        p = ins[i]
        # a rule returns the input's shape or the output's (broadcast) shape, nothing else
        if type(gi) is _ndarray and gi.shape != p._data.shape and gi.shape != g.shape:
            raise bad_shape(decl, i, gi.shape, p._data.shape, g.shape)
        accumulate(p, gi, g, decl, i)


def finish(decl: OpDecl, result: np.ndarray, inputs: tuple, states: Sequence[int], constant: Any,
           tracking: bool, guard: bool, saved: Any, owned: bool = True, null: bool = True) -> Tensor:
    """Turn a forward result into a tensor: resolve ``constant``, record the
    op if the result is non-constant and tracking is on."""
    if not tracking:
        return leaf(result, resolve_constant(constant, result, False), owned)
    if result.dtype.kind not in "fiub":
        check_dtype(result)
    if constant is None:
        constant = 2 not in states or result.dtype.kind != "f"
    else:
        resolve_constant(constant, result)
    if constant:
        return leaf(result, True, owned)
    code = 0
    for s in states:
        code = code * 3 + s
    table = decl.table if guard else decl.table_off
    nidx = table[code] if code < len(table) else decl.nidx_for(states, GUARDED if guard else UNGUARDED)
    t = record(result, decl, inputs, nidx, saved, guard, owned)
    if null:
        for i in nidx[0]:
            null_input_grad(inputs[i])
    return t


# --------------------------------------------------------------- functions
class Function(OpDecl):
    """A differentiable op computed by a NumPy ``forward`` function.

    ``forward(*input_arrays, *op_args, **op_kwargs)`` receives the first
    ``nin`` positional arguments as arrays (or Python scalars); ``grads[i]``
    is ``rule(g, out, *inputs, *op_args, **op_kwargs)`` for input ``i``.
    Calling the declaration runs the op: ``f(*inputs, *op_args,
    constant=None, **op_kwargs)``.
    """

    kind = "function"

    def __init__(self, forward: Callable, grads: Sequence, *, nin: int = 1, **meta: Any) -> None:
        if not callable(forward):
            raise DeclarationError(f"function_op needs a callable forward function, got {forward!r}")
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise DeclarationError(f"function_op: nin must be a positive int, got {nin!r}")
        self._init_meta(meta.pop("name", None) or getattr(forward, "__name__", "function"), **meta)
        self.forward = forward
        self.grads = tuple(grads)
        self.nin = nin
        if "doc" not in meta:
            self.__doc__ = forward.__doc__
        self.__wrapped__ = forward
        self._signature = inspect.signature(forward)
        self._input_names = frozenset(list(self._signature.parameters)[:nin])
        self.__signature__ = _public_signature(self._signature)
        self.validate()
        self._reads = [rule_reads(g, nin, f"{self.name!r}") for g in self.grads]
        self.table = plan_table(self.grads, self._reads, GUARDED) if nin <= 4 else []
        self.table_off = plan_table(self.grads, self._reads, UNGUARDED) if nin <= 4 else []

    def nidx_for(self, states: Sequence[int], unit: int) -> tuple:
        return plan(self.grads, self._reads, states, unit)

    def validate(self) -> None:
        if not callable(self.forward):
            raise DeclarationError(f"{self.name!r}: forward must be callable")
        if not isinstance(self.nin, int) or self.nin < 1:
            raise DeclarationError(f"{self.name!r}: nin must be a positive int, got {self.nin!r}")
        if len(self.grads) != self.nin:
            raise DeclarationError(
                f"{self.name!r} has {self.nin} tensor input(s) but {len(self.grads)} gradient "
                "rule(s); give one rule per input (NONDIFF for a non-differentiable one)"
            )
        for i, g in enumerate(self.grads):
            rule_params(g, self.nin, f"{self.name!r} input {i}")

    def _bind(self, args: tuple, kwargs: dict) -> dict:
        """Positional op arguments -> keyword arguments, by the forward's signature."""
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.name}(): {e}") from None
        skip = self._input_names
        return {k: v for k, v in bound.arguments.items() if k not in skip}

    def __call__(self, *args: Any, constant: Any = None, **kwargs: Any) -> Any:
        nin = self.nin
        if len(args) < nin:
            raise TypeError(f"{self.name}() needs {nin} tensor argument(s), got {len(args)}")
        _check_constant(constant)
        if len(args) > nin:
            kwargs = self._bind(args, kwargs)
        out = kwargs.pop("out", None) if "out" in kwargs else None
        if out is not None:
            return _with_out(self, args[:nin], kwargs, constant, out)
        mode = get_mode()
        tracking = mode.track
        coerced = [coerce(a, tracking) for a in args[:nin]]
        values = [c[1] for c in coerced]
        result = wrap_result(self.forward(*values, **kwargs))
        inputs = tuple(c[0] for c in coerced)
        states = [c[2] for c in coerced]
        if self.can_return_view and tracking:
            return self._view_result(args, result, inputs, states, constant, mode.guard, kwargs)
        result, owned = _unaliased(result, args[:nin], tracking)
        return finish(self, result, inputs, states, constant, tracking, mode.guard, kwargs, owned)

    def _view_result(self, args: tuple, result: np.ndarray, inputs: tuple, states: list, constant: Any,
                     guard: bool, kwargs: dict) -> Tensor:
        """A view-capable op's result: link it to the input tensor whose
        memory it views (inputs that were not tensors are never bases)."""
        parent = None
        for a in args[: self.nin]:
            if isinstance(a, Tensor) and (result is a._data or is_view_of(result, a._data)):
                parent = a
                break
        if parent is None:
            result, owned = _unaliased(result, args[: self.nin], True)
            return finish(self, result, inputs, states, constant, True, guard, kwargs, owned)
        if result is parent._data:  # NumPy returned its input unchanged
            result = result.view()
        if parent._grad is UNCONSUMED:  # the view's vertex will read the parent's
            parent._grad = None
        t = finish(self, result, inputs, states, constant, True, guard, kwargs, null=False)
        link_view(t, parent, [(self, kwargs)])
        if not result.flags.writeable and not parent._data.flags.writeable and not self.read_only_view:
            note_inherited_lock(result, parent._data)
        if t._needs:
            note_view_need(t, 1)
            if t._needs & LOCKING:
                sync(family_root(t))
        return t

    def backprop(self, t: Tensor, g: np.ndarray) -> None:
        _run_rules(self, t, g, t._saved, None)


def _unaliased(result: np.ndarray, args: Sequence, tracking: bool) -> tuple[np.ndarray, bool]:
    """``(result, owned)`` for an op's result that is not a view tensor.

    A result that shares memory with an input *tensor* is copied while
    tracking (two tensors never share memory without a view link: writes
    into one would go unrecorded for the other); inside ``no_autodiff`` it
    keeps sharing, like NumPy. A result that shares memory with anything else
    (an input ndarray) is not ``owned``: the memory guard covers it.
    """
    if result.base is None and not any(result is getattr(a, "_data", a) for a in args):
        return result, True
    for a in args:
        arr = a._data if isinstance(a, Tensor) else a
        if isinstance(arr, _ndarray) and (result is arr or np.may_share_memory(result, arr)):
            if tracking and isinstance(a, Tensor):
                return result.copy(), True
            return result, False
    return result, True


def _with_out(decl: OpDecl, inputs: tuple, kwargs: dict, constant: Any, out: Any) -> Any:
    """``f(..., out=target)`` for a non-ufunc op: compute, then write the result
    into ``target`` (a tensor: in place, differentiably; an ndarray: the
    returned tensor holds that array)."""
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError(f"{decl.name}: `out` must hold exactly one array, got {len(out)}")
        out = out[0]
    if isinstance(out, Tensor):
        from mygrad._inplace import assign_result

        return assign_result(out, lambda: decl(*inputs, constant=constant, **kwargs))
    if not isinstance(out, _ndarray):
        raise TypeError(f"{decl.name}: `out` must be a tensor or an ndarray, got {type(out).__name__}")
    result = decl(*inputs, constant=constant, **kwargs)
    out[...] = result._data
    # the result holds the caller's array now (same values): the guard covers it
    result._data = out
    result._lock = EXPOSED
    sync(result)
    return result


def _public_signature(sig: inspect.Signature) -> inspect.Signature:
    params = list(sig.parameters.values())
    if "constant" not in sig.parameters:
        kw = inspect.Parameter("constant", inspect.Parameter.KEYWORD_ONLY, default=None)
        var_kw = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
        params = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD] + [kw] + var_kw
    return sig.replace(parameters=params)

