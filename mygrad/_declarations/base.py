"""The base of every op declaration (:class:`OpDecl`), and what declared ops
share when they run: preparing inputs, turning a forward result into a
tensor (:func:`finish`), and running gradient rules (:func:`run_rules`).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Iterable, NamedTuple, Sequence

import numpy as np

from mygrad._core.graph import accumulate
from mygrad._core.modes import MODE
from mygrad._core.refresh import touch
from mygrad._core.state import GUARDED, UNGUARDED, check_dtype, resolve_constant
from mygrad._core.tensor import Tensor
from mygrad._core.vertices import leaf, null_input_grad, record
from mygrad._declarations.rules import DEFAULT_DOMAIN, Domain
from mygrad.errors import DeclarationError

__all__ = ["OpDecl", "finish", "run_rules", "coerce", "wrap_result", "unaliased", "NO_KWARGS", "UfuncSaved"]

_ndarray = np.ndarray
_asarray = np.asarray
_RAW_SCALARS = (float, int, bool)


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


def coerce(x: Any, tracking: bool) -> tuple[Any, Any, int]:
    """Prepare one op input: ``(input to record, value for NumPy, state)``.

    State ``0``: a raw value that nobody else can mutate (Python scalar, NumPy
    scalar, a fresh array made from a list); ``1``: a constant tensor; ``2``:
    a non-constant tensor. A user's ndarray is wrapped (without a copy) in a
    constant tensor, so that the memory guard can cover it.
    """
    if isinstance(x, Tensor):
        if x._ext is not None and tracking:
            touch(x)
        return x, x._data, 1 if x._constant else 2
    if isinstance(x, _ndarray):
        if not tracking:
            return x, x, 0
        if type(x) is not _ndarray:
            x = x.view(_ndarray)
        check_dtype(x)
        t = leaf(Tensor, x, True, owned=False)
        return t, x, 1
    if isinstance(x, (_RAW_SCALARS, np.generic)):
        return x, x, 0
    arr = _asarray(x)
    if tracking:
        check_dtype(arr)
    return arr, arr, 0


def wrap_result(out: Any) -> np.ndarray:
    """NumPy returns scalars for 0-d results: make them 0-d arrays."""
    if type(out) is _ndarray:
        return out
    if isinstance(out, _ndarray):
        return out.view(_ndarray)
    return _asarray(out)


NO_KWARGS: dict = {}


class UfuncSaved(NamedTuple):
    """What a ufunc node saves when it has rule keywords: its ``where`` mask
    (or None) and the keywords for its gradient rules."""

    mask: Any
    kwargs: dict


def run_rules(decl: Any, t: Tensor, g: np.ndarray) -> None:
    """Backprop through a declared op (the ``backprop`` of ufuncs and
    functions): each input that gets a gradient gets ``rule(g, out, *inputs,
    **kwargs)``, zero where the op's ``where`` mask is False.

    ``t._saved`` holds the rules' keyword arguments (a dict: a function op),
    or a ufunc's mask (an array, or None) or both (:class:`UfuncSaved`).
    A rule returns the input's shape or the output's (broadcast) shape
    (:func:`accumulate` checks it)."""
    s = t._saved
    ins = t._inputs
    out = t._data
    grads = decl.grads
    if s is None or (type(s) is dict and not s):  # (no keywords, no mask: the common case, direct calls)
        n = len(ins)
        if n == 2:
            a, b = ins
            va = a._data if isinstance(a, Tensor) else a
            vb = b._data if isinstance(b, Tensor) else b
            for i in t._plan.grads:
                accumulate(ins[i], grads[i](g, out, va, vb), g, decl, i, True)
            return
        if n == 1:  # (a recorded unary op's input is a tensor)
            va = ins[0]._data
            for i in t._plan.grads:
                accumulate(ins[i], grads[i](g, out, va), g, decl, i, True)
            return
    if s is None:
        kwargs, mask = NO_KWARGS, None
    elif type(s) is dict:
        kwargs, mask = s, None
    elif type(s) is UfuncSaved:
        kwargs, mask = s.kwargs, s.mask
    else:
        kwargs, mask = NO_KWARGS, s
    vals = (ins[0]._data,) if len(ins) == 1 else [p._data if isinstance(p, Tensor) else p for p in ins]
    for i in t._plan.grads:
        if mask is None:
            gi = grads[i](g, out, *vals, **kwargs)
        else:
            with np.errstate(all="ignore"):  # masked-out positions are discarded
                gi = np.where(mask, grads[i](g, out, *vals, **kwargs), 0)
        accumulate(ins[i], gi, g, decl, i, True)


def finish(decl: OpDecl, result: np.ndarray, inputs: tuple, states: Sequence[int], constant: Any,
           tracking: bool, guard: bool, saved: Any, owned: bool = True, null: bool = True,
           freeze: Callable | None = None) -> Tensor:
    """Turn a forward result into a tensor: resolve ``constant``, record the
    op if the result is non-constant and tracking is on.

    ``freeze(saved)`` (only when the op is recorded) gives what the node
    keeps for its backward pass: private copies of the arguments the caller
    could still change (see :func:`mygrad._core.memory_guard.snapshot`)."""
    if not tracking:
        return leaf(Tensor, result, resolve_constant(constant, result, False), owned)
    if result.dtype.kind not in "fiub":
        check_dtype(result)
    if constant is None:
        constant = 2 not in states or result.dtype.kind != "f"
    else:
        resolve_constant(constant, result)
    if constant:
        return leaf(Tensor, result, True, owned)
    code = 0
    for s in states:
        code = code * 3 + s
    if freeze is not None:
        saved = freeze(saved)
    table = decl.table if guard else decl.table_off
    plan = table[code] if code < len(table) else decl.plan_for(states, GUARDED if guard else UNGUARDED)
    t = record(Tensor, result, decl, inputs, plan, saved, owned)
    if null:
        for i in plan.grads:
            null_input_grad(inputs[i])
    return t


def unaliased(result: np.ndarray, args: Sequence, tracking: bool) -> tuple[np.ndarray, bool]:
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
