"""Differentiable functions: a NumPy forward function plus one gradient rule
per tensor input (``@function_op(np.sum, grads=[...])``), with views for the
view-capable ones, and ``out=``."""

from __future__ import annotations

import inspect
from functools import partial
from typing import Any, Callable, Sequence

import numpy as np

from mygrad._core.inplace import assign_result
from mygrad._core.memory_guard import EXPOSED, LOCKING, note_inherited_lock, snapshot_kwargs, sync
from mygrad._core.modes import MODE
from mygrad._core.state import GUARDED, UNCONSUMED, UNGUARDED, check_constant, root_of
from mygrad._core.tensor import Tensor
from mygrad._core.vertices import note_view_need, null_input_grad, record
from mygrad._core.views import is_view_of, link_view
from mygrad._declarations.base import OpDecl, coerce, finish, run_rules, unaliased, wrap_result
from mygrad._declarations.rules import plan, plan_table, rule_params, rule_reads
from mygrad.errors import DeclarationError

__all__ = ["Function"]

_ndarray = np.ndarray

#: the input states of a one-input op applied to a non-constant tensor
_ONE_VARIABLE = (2,)


# --------------------------------------------------------------- functions
class Function(OpDecl):
    """A differentiable op computed by a NumPy ``forward`` function.

    ``forward(*input_arrays, *op_args, **op_kwargs)`` receives the first
    ``nin`` positional arguments as arrays (or Python scalars); ``grads[i]``
    is ``rule(g, out, *inputs, *op_args, **op_kwargs)`` for input ``i``.
    Calling the declaration runs the op: ``f(*inputs, *op_args,
    constant=None, **op_kwargs)``; the inputs may also be given by keyword
    (``sum(a=t)``), as NumPy allows.

    ``keeps=("name", ...)`` declares values the forward computes anyway and
    the rules need (a softmax, a factorisation): the forward then returns
    ``(result, value_1, ...)``, and when the op is recorded each rule gets
    the values as keyword arguments of those names. They are the op's own
    arrays (never copied, never guarded); rules must not write into them.

    ``read_only_view=True`` (with ``can_return_view=True``) declares that the
    op's views are read-only by nature, like NumPy's ``diagonal`` and
    ``broadcast_to``: writing into them raises NumPy's ``ValueError``, and
    they never become writeable when the memory guard releases their base.
    (Without it, a read-only view of a locked base becomes writeable again
    when the base does, as NumPy would have made it.)
    """

    kind = "function"

    def __init__(self, forward: Callable, grads: Sequence, *, nin: int = 1, read_only_view: bool = False,
                 keeps: Sequence[str] = (), **meta: Any) -> None:
        if not callable(forward):
            raise DeclarationError(f"function_op needs a callable forward function, got {forward!r}")
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise DeclarationError(f"function_op: nin must be a positive int, got {nin!r}")
        if type(read_only_view) is not bool:
            raise DeclarationError(f"function_op: read_only_view must be a bool, got {read_only_view!r}")
        if read_only_view and not meta.get("can_return_view"):
            raise DeclarationError("function_op: read_only_view=True is for ops declared with can_return_view=True")
        self._init_meta(meta.pop("name", None) or getattr(forward, "__name__", "function"), **meta)
        self.read_only_view = read_only_view
        self.keeps = _kept_names(keeps, meta.get("can_return_view"), inspect.signature(forward), self.name)
        self.forward = forward
        self.grads = tuple(grads)
        self.nin = nin
        if "doc" not in meta:
            self.__doc__ = forward.__doc__
        self.__wrapped__ = forward
        self._signature = inspect.signature(forward)
        self._input_names = frozenset(list(self._signature.parameters)[:nin])
        only = [p.name for p in list(self._signature.parameters.values())[nin:]
                if p.kind is inspect.Parameter.POSITIONAL_ONLY]
        if only:
            raise DeclarationError(
                f"function_op {self.name!r}: op arguments reach the forward function and the gradient rules "
                f"by keyword, so they cannot be positional-only ({', '.join(only)}); only the {nin} tensor "
                "input(s) may be"
            )
        self._keyword_inputs, self._positional = _argument_names(self._signature, nin)
        self._keyword_input_set = frozenset(n for n in self._keyword_inputs if n is not None)
        self.__signature__ = _public_signature(self._signature)
        self.validate()
        self._reads = [rule_reads(g, nin, f"{self.name!r}", self.keeps) for g in self.grads]
        self.table = plan_table(self.grads, self._reads, GUARDED) if nin <= 4 else []
        self.table_off = plan_table(self.grads, self._reads, UNGUARDED) if nin <= 4 else []

    def plan_for(self, states: Sequence[int], unit: int) -> tuple:
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
            rule_params(g, self.nin, f"{self.name!r} input {i}", self.keeps)

    def _bind(self, args: tuple, kwargs: dict) -> dict:
        """Positional op arguments -> keyword arguments, by the forward's signature."""
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.name}(): {e}") from None
        skip = self._input_names
        return {k: v for k, v in bound.arguments.items() if k not in skip}

    def _by_position(self, args: tuple, kwargs: dict) -> dict:
        """Op arguments given by position (after the inputs) -> ``kwargs``
        (the call's own dict), by the names precomputed from the forward's
        signature; :meth:`_bind` for what they cannot express."""
        names = self._positional
        extra = args[self.nin:]
        if names is None or len(extra) > len(names):
            return self._bind(args, kwargs)
        if not kwargs:  # (the common case)
            return dict(zip(names, extra))
        for name in names[: len(extra)]:
            if name in kwargs:
                raise TypeError(f"{self.name}() got multiple values for argument '{name}'")
        kwargs.update(zip(names, extra))
        return kwargs

    def _inputs_by_keyword(self, args: tuple, kwargs: dict) -> tuple:
        """Inputs given by keyword (``sum(a=t)``): taken out of ``kwargs``."""
        names = self._keyword_inputs
        taken = list(args)
        for i in range(len(args), self.nin):
            name = names[i]
            if name is None or name not in kwargs:
                missing = self.nin - len(taken)
                label = f"'{name}'" if name is not None else f"input {i} (positional-only)"
                raise TypeError(f"{self.name}() missing {missing} required positional argument"
                                f"{'s' if missing > 1 else ''}: {label}")
            taken.append(kwargs.pop(name))
        return tuple(taken)

    def __call__(self, *args: Any, constant: Any = None, **kwargs: Any) -> Any:
        nin = self.nin
        n = len(args)
        if n != nin:
            if n > nin:
                kwargs = self._by_position(args, kwargs)
                args = args[:nin]
            else:
                args = self._inputs_by_keyword(args, kwargs)
        if kwargs and not self._keyword_input_set.isdisjoint(kwargs):
            name = next(k for k in self._keyword_inputs if k in kwargs)
            raise TypeError(f"{self.name}() got multiple values for argument '{name}'")
        if constant is not None:
            check_constant(constant)
        if "out" in kwargs:
            out = kwargs.pop("out")
            if out is not None:
                return _with_out(self, args[:nin], kwargs, constant, out)
        mode = MODE.get()
        tracking = mode.track
        if nin == 1:  # (the common case, without the comprehensions)
            inp, value, state = coerce(args[0], tracking)
            inputs, states = (inp,), (state,)
            result = self.forward(value, **kwargs) if kwargs else self.forward(value)
        else:
            coerced = [coerce(a, tracking) for a in args[:nin]]
            inputs = tuple(c[0] for c in coerced)
            states = tuple(c[2] for c in coerced)
            result = self.forward(*[c[1] for c in coerced], **kwargs)
        kept = None
        if self.keeps:
            result, kept = self._kept(result)
        result = wrap_result(result)
        if states == _ONE_VARIABLE and tracking and constant is None and not self.can_return_view \
                and result.base is None and result is not value and result.dtype.kind == "f":
            # (the common case of unaliased() and finish(), inline: a new float array from one
            # non-constant tensor; they decide everything else)
            plan = (self.table if mode.guard else self.table_off)[2]
            t = record(Tensor, result, self, inputs, plan, _saved(kwargs, kept))
            if plan.grads:
                null_input_grad(inputs[0])
            return t
        if self.can_return_view and tracking:
            return self._view_result(args, result, inputs, states, constant, mode.guard, kwargs)
        result, owned = unaliased(result, args[:nin], tracking)
        freeze = partial(_saved, kept=kept) if kept is not None or kwargs else None
        return finish(self, result, inputs, states, constant, tracking, mode.guard, kwargs, owned, freeze=freeze)

    def _kept(self, returned: Any) -> tuple:
        """``(result, kept)`` for an op that ``keeps`` values: the forward
        returned ``(result, *kept)``; ``kept`` maps their names to them (the
        rules get them as keyword arguments when the op is recorded)."""
        names = self.keeps
        if type(returned) is not tuple or len(returned) != 1 + len(names):
            raise DeclarationError(
                f"{self.name!r} keeps {', '.join(names)}: its forward must return a tuple "
                f"(result, {', '.join(names)}), got {type(returned).__name__}"
            )
        return returned[0], dict(zip(names, returned[1:]))

    def _view_result(self, args: tuple, result: np.ndarray, inputs: tuple, states: Sequence[int], constant: Any,
                     guard: bool, kwargs: dict) -> Tensor:
        """A view-capable op's result: link it to the input tensor whose
        memory it views (inputs that were not tensors are never bases)."""
        parent = None
        for a in args[: self.nin]:
            if isinstance(a, Tensor) and (result is a._data or is_view_of(result, a._data)):
                parent = a
                break
        if parent is None:
            result, owned = unaliased(result, args[: self.nin], True)
            return finish(self, result, inputs, states, constant, True, guard, kwargs, owned,
                          freeze=snapshot_kwargs if kwargs else None)
        if result is parent._data:  # NumPy returned its input unchanged
            result = result.view()
        if parent._grad is UNCONSUMED:  # the view's vertex will read the parent's
            parent._grad = None
        t = finish(self, result, inputs, states, constant, True, guard, kwargs, null=False,
                   freeze=snapshot_kwargs if kwargs else None)
        # the view's steps are replayed later (gradient views, writes through views, refreshes)
        link_view(t, parent, [(self, t._saved if t._op is not None else snapshot_kwargs(kwargs))])
        if not result.flags.writeable and not parent._data.flags.writeable and not self.read_only_view:
            note_inherited_lock(result, parent._data)
        if t._needs:
            note_view_need(t, 1)
            if t._needs & LOCKING:
                sync(root_of(t))
        return t

    backprop = run_rules


def _saved(kwargs: dict, kept: dict | None) -> dict:
    """What a recorded node saves for its rules: its keyword arguments
    (private copies of those the caller could change) and the values it
    ``keeps``, if any."""
    saved = snapshot_kwargs(kwargs) if kwargs else kwargs
    return saved if kept is None else {**saved, **kept}


def _with_out(decl: OpDecl, inputs: tuple, kwargs: dict, constant: Any, out: Any) -> Any:
    """``f(..., out=target)`` for a non-ufunc op: compute, then write the result
    into ``target`` (a tensor: in place, differentiably; an ndarray: the
    returned tensor holds that array)."""
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError(f"{decl.name}: `out` must hold exactly one array, got {len(out)}")
        out = out[0]
    if isinstance(out, Tensor):
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


def _kept_names(keeps: Sequence[str], view: Any, sig: inspect.Signature, name: str) -> tuple:
    """``function_op(keeps=...)``, checked: identifiers that are not the
    forward's parameters, for an op that returns no views."""
    keeps = (keeps,) if isinstance(keeps, str) else tuple(keeps)
    for k in keeps:
        if not isinstance(k, str) or not k.isidentifier():
            raise DeclarationError(f"function_op {name!r}: keeps must be names (identifiers), got {k!r}")
        if k in sig.parameters or k in ("g", "out"):
            raise DeclarationError(f"function_op {name!r}: the kept value {k!r} has the name of an argument")
    if keeps and view:
        raise DeclarationError(f"function_op {name!r}: an op that returns views cannot keep values")
    if len(set(keeps)) != len(keeps):
        raise DeclarationError(f"function_op {name!r}: keeps names a value twice: {keeps}")
    return keeps


def _argument_names(sig: inspect.Signature, nin: int) -> tuple:
    """``(names of the inputs that may be given by keyword (None for a
    positional-only one), names of the op arguments that may be given by
    position after the inputs (None: leave it to ``Signature.bind``))``."""
    params = list(sig.parameters.values())
    P = inspect.Parameter
    inputs = tuple(p.name if p.kind is P.POSITIONAL_OR_KEYWORD else None for p in params[:nin])
    if any(p.kind is P.VAR_POSITIONAL for p in params[:nin]):
        inputs = (None,) * nin
    positional = []
    for p in params[nin:]:
        if p.kind is P.POSITIONAL_OR_KEYWORD:
            positional.append(p.name)
        elif p.kind in (P.POSITIONAL_ONLY, P.VAR_POSITIONAL):
            return inputs, None
        else:
            break
    return inputs, tuple(positional)


def _public_signature(sig: inspect.Signature) -> inspect.Signature:
    params = list(sig.parameters.values())
    if "constant" not in sig.parameters:
        kw = inspect.Parameter("constant", inspect.Parameter.KEYWORD_ONLY, default=None)
        var_kw = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
        params = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD] + [kw] + var_kw
    return sig.replace(parameters=params)
