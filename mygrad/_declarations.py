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

import dis
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from mygrad._engine import coerce, get_mode, leaf, note_view_need, null_input_grad, record, touch, wrap_result
from mygrad._graph import accumulate, next_seq
from mygrad._memory_guard import _FAST, _REG, GUARDED, UNGUARDED, lock_tensor
from mygrad.errors import DeclarationError
from mygrad.operation_base import Operation
from mygrad._views import is_view_of, link_view
from mygrad.tensor_base import Tensor, _check_constant, resolve_constant

__all__ = [
    "OpDecl",
    "Ufunc",
    "Function",
    "Composite",
    "OperationOp",
    "Table",
    "Export",
    "Domain",
    "NONDIFF",
    "reads",
    "ufunc_op",
    "function_op",
    "composite_op",
    "operation_op",
    "passthrough",
    "bool_only",
    "constant_only",
    "export",
]

_ndarray = np.ndarray
_T = Tensor


class _NonDiff:
    """Marks an input that has no gradient (e.g. an integer exponent)."""

    def __repr__(self) -> str:
        return "NONDIFF"


NONDIFF = _NonDiff()


@dataclass(frozen=True)
class Domain:
    """Where the conformance check samples an input: floats in ``[low, high]``
    that keep at least ``gap`` away from each value in ``exclude``.

    >>> Domain(0.1, 10)          # e.g. for log and sqrt
    Domain(low=0.1, high=10, exclude=(), gap=0.1)
    >>> Domain(-5, 5, exclude=(0,))  # e.g. for a divisor
    Domain(low=-5, high=5, exclude=(0,), gap=0.1)
    """

    low: float = -5.0
    high: float = 5.0
    exclude: tuple = ()
    gap: float = 0.1


DEFAULT_DOMAIN = Domain()


# ------------------------------------------------------------- rule analysis
def _rule_params(rule: Callable, n_inputs: int, where: str) -> Sequence[str] | None:
    """The rule's positional parameter names, or None if they cannot be known."""
    if rule is NONDIFF:
        return None
    if not callable(rule):
        raise DeclarationError(f"{where}: gradient rule {rule!r} is not callable")
    code = getattr(rule, "__code__", None)
    if code is None:
        return None
    params = code.co_varnames[: code.co_argcount]
    if len(params) < 2 + n_inputs:
        if code.co_flags & inspect.CO_VARARGS:
            return None  # e.g. lambda g, *args: ...
        raise DeclarationError(
            f"{where}: gradient rule {getattr(rule, '__name__', rule)!r} must accept "
            f"(g, out, {', '.join(f'x{i}' for i in range(n_inputs))}, ...); "
            f"it accepts ({', '.join(params)})"
        )
    return params


def reads(*, out: bool = False, inputs: Iterable[int] = ()) -> Callable[[Callable], Callable]:
    """Declare which values a gradient rule reads, when its code cannot tell
    (e.g. it only uses an input's shape): ``@reads()`` reads nothing,
    ``@reads(out=True, inputs=[1])`` reads the output and input 1.

    The memory guard locks exactly the arrays that rules read.
    """

    def mark(rule: Callable) -> Callable:
        rule._mygrad_reads = (bool(out), frozenset(inputs))  # type: ignore[attr-defined]
        return rule

    return mark


def rule_reads(rule: Callable, n_inputs: int, where: str = "op") -> tuple[bool, frozenset]:
    """``(reads_output, {indices of inputs read})`` for a gradient rule.

    Found from the rule's bytecode (or a :func:`reads` declaration); anything
    that cannot be analysed is assumed to read everything.

    >>> rule_reads(lambda g, out, x, y: g * y, 2)
    (False, frozenset({1}))
    >>> rule_reads(lambda g, out, x: g * out, 1)
    (True, frozenset())
    """
    declared = getattr(rule, "_mygrad_reads", None)
    if declared is not None:
        return declared
    everything = (True, frozenset(range(n_inputs)))
    params = _rule_params(rule, n_inputs, where)
    if params is None:
        return everything
    code = rule.__code__
    used: set[str] = set(code.co_cellvars)
    for ins in dis.get_instructions(code):
        if ins.opname.startswith(("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")):
            val = ins.argval
            used.update(val if isinstance(val, tuple) else (val,))
    return params[1] in used, frozenset(i for i in range(n_inputs) if params[2 + i] in used)


def _plan(grads: Sequence, reads: Sequence[tuple[bool, frozenset]], states: Sequence[int], unit: int) -> tuple:
    """``(grad_idx, need_idx, needs_out, unit)`` for inputs in ``states``
    (0: not a tensor, 1: constant tensor, 2: non-constant tensor): which inputs
    get gradients, which inputs' values the rules read, whether they read the
    output, and the memory-guard unit (see mygrad._memory_guard)."""
    n = len(grads)
    grad_idx = tuple(i for i in range(n) if states[i] == 2 and grads[i] is not NONDIFF)
    need = sorted({j for i in grad_idx for j in reads[i][1] if states[j] != 0})
    return grad_idx, tuple(need), any(reads[i][0] for i in grad_idx), unit


def _nidx_table(grads: Sequence, reads: Sequence[tuple[bool, frozenset]], unit: int) -> list:
    """A :func:`_plan` per input-state pattern (a base-3 number, input 0 most
    significant)."""
    n = len(grads)
    return [_plan(grads, reads, [(code // 3 ** (n - 1 - i)) % 3 for i in range(n)], unit) for code in range(3**n)]


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
        self.table = _nidx_table(self.grads, reads, GUARDED)
        self.table_off = _nidx_table(self.grads, reads, UNGUARDED)
        self._fast = fast = _make_fast_ufunc(self)
        if type(self).__call__ is Ufunc.__call__:  # (a subclass may add keywords)
            general = self._call
            nin = self.nin

            def call(*args: Any, **kwargs: Any) -> Any:
                if kwargs or len(args) != nin:
                    return general(*args, **kwargs)
                return fast(*args)

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
            _rule_params(g, self.nin, f"{self.name!r} input {i}")

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
        np_kwargs = dict(kwargs)
        if where is not True:
            np_kwargs["where"] = where
        if dtype is not None:
            np_kwargs["dtype"] = dtype
        if out is not None:
            np_kwargs["out"] = out
        result = wrap_result(self.ufunc(*(c[1] for c in coerced), **np_kwargs))
        states = [c[2] for c in coerced]
        return finish(self, result, tuple(c[0] for c in coerced), states, constant, tracking, mode.guard,
                      None if where is True else np.asarray(where, dtype=bool), owned=out is None)

    def backprop(self, t: Tensor, g: np.ndarray) -> None:
        ins = t._inputs
        vals = [p._data if isinstance(p, _T) else p for p in ins]
        out = t._data
        mask = t._saved
        grads = self.grads
        for i in t._nidx[0]:
            gi = grads[i](g, out, *vals)
            if mask is not None:
                gi = np.where(mask, gi, 0)
            accumulate(ins[i], gi, g, self, i)

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


def finish(decl: OpDecl, result: np.ndarray, inputs: tuple, states: Sequence[int], constant: Any,
           tracking: bool, guard: bool, saved: Any, owned: bool = True, null: bool = True) -> Tensor:
    """Turn a forward result into a tensor: resolve ``constant``, record the
    op if the result is non-constant and tracking is on."""
    if not tracking:
        return leaf(result, resolve_constant(constant, result, False), owned)
    if result.dtype.kind not in "fiub":
        from mygrad.tensor_base import check_dtype

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


def _make_fast_ufunc(decl: Ufunc) -> Callable:
    """The hot path for ``f(x)`` / ``f(x, y)`` and for Tensor operators (no
    keyword arguments, default ``constant``): :func:`mygrad._engine.record`
    and the memory guard's fast lock, inlined (this is most of mygrad's
    per-op overhead, so it is written for speed)."""
    f = decl.ufunc
    table = decl.table
    T = _T
    mode_get = get_mode
    nd = _ndarray
    asarray = np.asarray
    new = object.__new__
    seq = next_seq
    REG = _REG
    FAST = _FAST

    def need(p: Tensor, guard: bool) -> None:
        """A live node now reads ``p``'s values (mygrad._engine.add_need)."""
        n = p._needs
        p._needs = n + (GUARDED if guard else UNGUARDED)
        if n == 0 and p._x is not None:
            note_view_need(p, 1)
        if guard:
            lk = p._lk
            if lk == 0 and not REG and p._data.flags.writeable:
                p._data.setflags(write=False)
                p._lk = 1
                FAST[0] += 1
            elif lk == 0 or lk == -1:
                lock_tensor(p)

    if decl.nin == 1:
        plan1 = table[2]
        plan1_off = decl.table_off[2]
        need_x1 = bool(plan1[1])
        need_out1 = plan1[2]

        def fast1(x: Any) -> Any:
            if type(x) is not T:
                return decl._general((x,), None, True, None, None, {})
            xx = x._x
            if xx is not None:
                touch(x)
            out = f(x._data)
            if type(out) is not nd:
                out = asarray(out)
            m = mode_get()
            if not m.track:
                return leaf(out, out.dtype.kind != "f")
            if x._constant:
                return leaf(out, True)
            guard = m.guard
            t = new(T)
            t._data = out
            t._constant = False
            t._op = decl
            t._inputs = (x,)
            t._saved = None
            t._grad = None
            t._seq = seq()
            t._needs = 0
            t._lk = 0
            t._x = None
            if guard:
                t._nidx = plan1
                if need_out1:  # the rule reads the output: lock the fresh array
                    t._needs = GUARDED
                    out.setflags(write=False)
                    t._lk = 1
                    FAST[0] += 1
            else:
                t._nidx = plan1_off
                if need_out1:
                    t._needs = UNGUARDED
            if need_x1:
                need(x, guard)
            x._grad = None
            if xx is not None:
                null_input_grad(x)
            return t

        return fast1

    if decl.nin == 2:
        # per input-state pattern: the plan, and whether each input is read
        needs2 = [(e, 0 in e[1], 1 in e[1], e[2]) for e in table]
        needs2_off = [(e, 0 in e[1], 1 in e[1], e[2]) for e in decl.table_off]

        def fast2(x: Any, y: Any) -> Any:
            tx = type(x)
            if tx is T:
                xx = x._x
                if xx is not None:
                    touch(x)
                a = x._data
                sx = 1 if x._constant else 2
            elif tx is float or tx is int:
                a = x
                sx = 0
            else:
                return decl._general((x, y), None, True, None, None, {})
            ty = type(y)
            if ty is T:
                yx = y._x
                if yx is not None:
                    touch(y)
                b = y._data
                sy = 1 if y._constant else 2
            elif ty is float or ty is int:
                b = y
                sy = 0
            else:
                return decl._general((x, y), None, True, None, None, {})
            out = f(a, b)
            if type(out) is not nd:
                out = asarray(out)
            m = mode_get()
            if not m.track:
                return leaf(out, out.dtype.kind != "f")
            if sx != 2 and sy != 2:
                return leaf(out, True)
            guard = m.guard
            plan, need_x, need_y, need_out = (needs2 if guard else needs2_off)[sx * 3 + sy]
            t = new(T)
            t._data = out
            t._constant = False
            t._op = decl
            t._inputs = (x, y)
            t._saved = None
            t._grad = None
            t._seq = seq()
            t._needs = 0
            t._lk = 0
            t._nidx = plan
            t._x = None
            if need_out:
                if guard:
                    t._needs = GUARDED
                    out.setflags(write=False)
                    t._lk = 1
                    FAST[0] += 1
                else:
                    t._needs = UNGUARDED
            if need_x:
                need(x, guard)
            if need_y:
                need(y, guard)
            if sx == 2:
                x._grad = None
                if xx is not None:
                    null_input_grad(x)
            if sy == 2:
                y._grad = None
                if yx is not None:
                    null_input_grad(y)
            return t

        return fast2

    def fastn(*args: Any) -> Any:
        return decl._general(args, None, True, None, None, {})

    return fastn


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
        self.table = _nidx_table(self.grads, self._reads, GUARDED) if nin <= 4 else []
        self.table_off = _nidx_table(self.grads, self._reads, UNGUARDED) if nin <= 4 else []

    def nidx_for(self, states: Sequence[int], unit: int) -> tuple:
        return _plan(self.grads, self._reads, states, unit)

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
            _rule_params(g, self.nin, f"{self.name!r} input {i}")

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
        owned = result.base is None and not any(result is v for v in values)
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
            owned = result.base is None and not any(result is getattr(i, "_data", i) for i in inputs)
            return finish(self, result, inputs, states, constant, True, guard, kwargs, owned)
        if result is parent._data:  # NumPy returned its input unchanged
            result = result.view()
        t = finish(self, result, inputs, states, constant, True, guard, kwargs, False, null=False)
        link_view(t, parent, [(self, kwargs)])
        if t._needs:
            note_view_need(t, 1)
        return t

    def backprop(self, t: Tensor, g: np.ndarray) -> None:
        ins = t._inputs
        vals = [p._data if isinstance(p, _T) else p for p in ins]
        kwargs = t._saved
        out = t._data
        grads = self.grads
        for i in t._nidx[0]:
            accumulate(ins[i], grads[i](g, out, *vals, **kwargs), g, self, i)


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
    result.data = out  # moves any memory-guard lock over to `out`
    return result


def _public_signature(sig: inspect.Signature) -> inspect.Signature:
    params = list(sig.parameters.values())
    if "constant" not in sig.parameters:
        kw = inspect.Parameter("constant", inspect.Parameter.KEYWORD_ONLY, default=None)
        var_kw = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
        params = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD] + [kw] + var_kw
    return sig.replace(parameters=params)


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
