"""Gradient rules: what they read, and the per-call plan derived from it.

A rule is ``rule(g, out, *inputs, **op_kwargs)``. Which of ``out`` and the
inputs it reads is found from its bytecode (or declared with :func:`reads`);
for each pattern of inputs (not a tensor / constant tensor / non-constant
tensor) a :class:`~mygrad._core.state.Plan` says which inputs get gradients
and which values the in-place machinery and the memory guard must protect.
"""

from __future__ import annotations

import inspect
import math
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from mygrad._core.state import Plan
from mygrad.errors import DeclarationError

__all__ = ["NONDIFF", "Domain", "DEFAULT_DOMAIN", "reads", "rule_reads", "rule_params", "plan", "plan_table"]


class _NonDiff:
    """Marks an input that has no gradient (e.g. an integer exponent)."""

    def __repr__(self) -> str:
        return "NONDIFF"


NONDIFF = _NonDiff()


@dataclass(frozen=True)
class Domain:
    """Where the conformance check samples an input: floats in ``[low, high]``
    that keep at least ``gap`` away from each value in ``exclude``.

    ``unique=True`` draws arrays without repeated values (for ops such as
    ``max`` that are not differentiable at ties). ``structure`` turns the
    drawn array into matrices (over its last two axes, batched over the
    leading ones) that an op needs; all of them are dense, away from special
    patterns (triangular, diagonal) at which factorisations jump:

    * ``"invertible"``: square, strictly diagonally dominant (well conditioned);
    * ``"spd"``: symmetric positive definite (``B @ B.T / n + I``);
    * ``"symmetric"``: symmetric with well-separated eigenvalues;
    * ``"full_rank"``: any ``m x n``, with well-separated singular values
      between 0.5 and ``min(m, n) + 1`` (full rank and well conditioned).

    ``dtype`` is None for a differentiable input (drawn in each float dtype
    the check covers), or ``"bool"``, ``"int"`` (NumPy's default integer) or
    an integer dtype for an input that has no gradient (a condition, an
    exponent, labels): drawn with that dtype (integers in ``[low, high]``),
    always passed as a constant, never differentiated.

    >>> Domain(0.1, 10)          # e.g. for log and sqrt
    Domain(low=0.1, high=10, exclude=(), gap=0.1, unique=False, structure=None, dtype=None)
    >>> Domain(-5, 5, exclude=(0,))  # e.g. for a divisor
    Domain(low=-5, high=5, exclude=(0,), gap=0.1, unique=False, structure=None, dtype=None)
    >>> Domain(-3, 3, dtype="int")   # e.g. for ldexp's exponent
    Domain(low=-3, high=3, exclude=(), gap=0.1, unique=False, structure=None, dtype='int')
    >>> Domain(dtype="bool").differentiable
    False
    """

    low: float = -5.0
    high: float = 5.0
    exclude: tuple = ()
    gap: float = 0.1
    unique: bool = False
    structure: str | None = None
    dtype: Any = None

    def __post_init__(self) -> None:
        if self.structure not in STRUCTURES:
            raise DeclarationError(f"Domain(structure={self.structure!r}): one of {sorted(map(str, STRUCTURES))}")
        if self.dtype is not None:
            kind = _nondiff_dtype(self.dtype).kind
            if self.structure is not None:
                raise DeclarationError(f"Domain(dtype={self.dtype!r}, structure={self.structure!r}): a structure "
                                       "needs a float (differentiable) input")
            if kind in "iu" and int(math.floor(self.high)) < int(math.ceil(self.low)):
                raise DeclarationError(f"Domain(low={self.low!r}, high={self.high!r}, dtype={self.dtype!r}): "
                                       "no integer in [low, high]")

    @property
    def differentiable(self) -> bool:
        """Whether the input is differentiable (drawn as floats)."""
        return self.dtype is None

    @property
    def numpy_dtype(self) -> np.dtype | None:
        """The dtype of a non-differentiable input (None for a float one)."""
        return None if self.dtype is None else _nondiff_dtype(self.dtype)


STRUCTURES = (None, "invertible", "spd", "symmetric", "full_rank")


def _nondiff_dtype(dtype: Any) -> np.dtype:
    """The NumPy dtype of ``Domain(dtype=...)``: bool or an integer dtype."""
    if isinstance(dtype, str) and dtype == "int":
        return np.dtype(np.int_)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.kind not in "biu":
        raise DeclarationError(f"Domain(dtype={dtype!r}): None (a differentiable float input), 'bool', 'int' "
                               "or an integer dtype")
    return dt


DEFAULT_DOMAIN = Domain()


# ------------------------------------------------------------- rule analysis
def _plain(rule: Callable) -> bool:
    """A plain function or lambda without free variables: the only kind of
    rule whose code tells which of its arguments it reads."""
    return type(rule) is types.FunctionType and not rule.__closure__ and not rule.__code__.co_freevars


def rule_params(rule: Callable, n_inputs: int, where: str, kept: Sequence[str] = ()) -> Sequence[str] | None:
    """The rule's positional parameter names (for a plain function), or None
    if they cannot be known from its code. Raises :class:`DeclarationError`
    for a rule that cannot accept ``(g, out, *inputs)`` (and the ``kept``
    values' keywords)."""
    if rule is NONDIFF:
        return None
    if not callable(rule):
        raise DeclarationError(f"{where}: gradient rule {rule!r} is not callable")
    name = getattr(rule, "__name__", None) or repr(rule)
    if not _plain(rule):
        try:
            sig = inspect.signature(rule)  # (a bound method's signature leaves out `self`)
        except (TypeError, ValueError):  # e.g. some builtins
            return None
        try:
            sig.bind(*range(2 + n_inputs), **dict.fromkeys(kept))
        except TypeError:
            raise DeclarationError(
                f"{where}: gradient rule {name!r} must accept (g, out, "
                f"{', '.join(f'x{i}' for i in range(n_inputs))}, ...); its signature is {sig}"
            ) from None
        return None
    code = rule.__code__
    params = code.co_varnames[: code.co_argcount]
    if len(params) < 2 + n_inputs:
        if code.co_flags & inspect.CO_VARARGS:
            return None  # e.g. lambda g, *args: ...
        raise DeclarationError(
            f"{where}: gradient rule {name!r} must accept "
            f"(g, out, {', '.join(f'x{i}' for i in range(n_inputs))}, ...); "
            f"it accepts ({', '.join(params)})"
        )
    return params


def reads(*, out: bool = False, inputs: Iterable[int] = ()) -> Callable[[Callable], Callable]:
    """Declare which values a gradient rule reads, when its code cannot tell
    (e.g. it only uses an input's shape): ``@reads()`` reads nothing,
    ``@reads(out=True, inputs=[1])`` reads the output and input 1.

    The memory guard protects exactly what rules read: a rule that reads
    more than it declares can compute its gradient from values that changed
    in the meantime (``mygrad.testing.check_plugin`` catches that).
    Without ``@reads``, a plain function or lambda is analysed; any other
    callable (a method, a closure, a ``functools.partial``, a callable
    object, a builtin) is taken to read every input and the output.
    """

    def mark(rule: Callable) -> Callable:
        rule._mygrad_reads = (bool(out), frozenset(inputs))  # type: ignore[attr-defined]
        return rule

    return mark


def rule_reads(rule: Callable, n_inputs: int, where: str = "op", kept: Sequence[str] = ()) -> tuple[bool, frozenset]:
    """``(reads_output, {indices of inputs read})`` for a gradient rule.

    Found from a plain function's bytecode (or a :func:`reads` declaration);
    anything else is assumed to read everything.

    >>> rule_reads(lambda g, out, x, y: g * y, 2)
    (False, frozenset({1}))
    >>> rule_reads(lambda g, out, x: g * out, 1)
    (True, frozenset())
    """
    declared = getattr(rule, "_mygrad_reads", None)
    if declared is not None:
        return declared
    everything = (True, frozenset(range(n_inputs)))
    params = rule_params(rule, n_inputs, where, kept)
    if params is None:
        return everything
    import dis  # (the standard library's disassembler: imported when a rule is first analysed)

    code = rule.__code__
    used: set[str] = set(code.co_cellvars)  # (parameters that nested code reads)
    for ins in dis.get_instructions(code):
        if ins.opname.startswith(("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")):
            val = ins.argval
            used.update(val if isinstance(val, tuple) else (val,))
        elif ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval in _INTROSPECTION:
            return everything  # locals(), eval(...): anything may be read
    return params[1] in used, frozenset(i for i in range(n_inputs) if params[2 + i] in used)


_INTROSPECTION = frozenset({"locals", "vars", "eval", "exec", "globals"})


def plan(grads: Sequence, reads: Sequence[tuple[bool, frozenset]], states: Sequence[int], unit: int) -> Plan:
    """The :class:`~mygrad._core.state.Plan` for inputs in ``states`` (0: not
    a tensor, 1: constant tensor, 2: non-constant tensor): which inputs get
    gradients, which inputs' values the rules read, whether they read the
    output, and the memory-guard unit."""
    n = len(grads)
    grad_idx = tuple(i for i in range(n) if states[i] == 2 and grads[i] is not NONDIFF)
    need = sorted({j for i in grad_idx for j in reads[i][1] if states[j] != 0})
    return Plan(grad_idx, tuple(need), any(reads[i][0] for i in grad_idx), unit)


def plan_table(grads: Sequence, reads: Sequence[tuple[bool, frozenset]], unit: int) -> list:
    """A :func:`plan` per input-state pattern (a base-3 number, input 0 most
    significant)."""
    n = len(grads)
    return [plan(grads, reads, [(code // 3 ** (n - 1 - i)) % 3 for i in range(n)], unit) for code in range(3**n)]


