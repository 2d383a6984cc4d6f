"""Running ops: input coercion, constant resolution, graph recording, memory
locks. Also the public :func:`execute_op` for :class:`~mygrad.Operation`
subclasses.

The recorded state of an op output lives in the output tensor's slots (see
:mod:`mygrad._graph`). ``nidx`` entries are ``(grad_idx, need_idx,
needs_out)``: the inputs that receive gradients, the inputs whose values the
gradient rules read (each gets a memory-guard *need*), and whether the rules
read the output.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad import _graph
from mygrad._graph import next_seq
from mygrad._memory_guard import EXPOSED, GUARDED, HIDDEN, UNGUARDED, family_root, sync
from mygrad._modes import MODE
from mygrad._state import UNCONSUMED
from mygrad.errors import InvalidGradient
from mygrad.operation_base import Operation
from mygrad.tensor_base import Tensor, _check_constant, check_dtype, resolve_constant

__all__ = ["execute_op", "leaf", "record", "coerce", "input_state", "null_input_grad", "wrap_result", "touch"]

_new = object.__new__
_ndarray = np.ndarray
_asarray = np.asarray
get_mode = MODE.get
_RAW_SCALARS = (float, int, bool)


def leaf(arr: np.ndarray, constant: bool, owned: bool = True) -> Tensor:
    """A tensor without a creator holding ``arr`` (no validation). ``owned``:
    only mygrad holds ``arr`` (else it was handed in or out, and the memory
    guard covers it)."""
    t = _new(Tensor)
    t._data = arr
    t._constant = constant
    t._op = None
    t._inputs = None
    t._saved = None
    t._grad = UNCONSUMED  # no op has used it yet (reads as ``grad is None``)
    t._seq = 0
    t._needs = 0
    t._lock = HIDDEN if owned else EXPOSED
    t._plan = None
    t._ext = None
    return t


def null_input_grad(p: Tensor) -> None:
    """Auto-nulling: a tensor used as input to a (non-view) op loses its grad."""
    p._grad = None
    x = p._ext
    if x is not None and x.base is not None:
        x.grad_cache = None
        x.grad_nulled_at = x.base._grad


def record(arr: np.ndarray, op: Any, inputs: tuple, nidx: tuple, saved: Any, guard: bool, owned: bool = True) -> Tensor:
    """A non-constant tensor made by ``op`` from ``inputs``; takes the
    memory-guard needs described by ``nidx``."""
    t = leaf(arr, False, owned)
    t._grad = UNCONSUMED
    t._op = op
    t._inputs = inputs
    t._saved = saved
    t._seq = next_seq()
    t._plan = nidx
    unit = nidx[3]
    for i in nidx[1]:
        add_need(inputs[i], unit)
    if nidx[2]:
        add_need(t, unit)
    return t


def add_need(p: Tensor, unit: int) -> None:
    """One more live node reads ``p``'s values (``unit``: GUARDED or
    UNGUARDED, see mygrad._memory_guard)."""
    n = p._needs
    p._needs = n + unit
    if p._ext is None:
        if unit == GUARDED and p._lock == EXPOSED:
            sync(p)
        return
    if n == 0:
        note_view_need(p, 1)
    if unit == GUARDED:
        B = family_root(p)
        if B._lock == EXPOSED:
            sync(B)


def plan_unit(guard: bool) -> int:
    return GUARDED if guard else UNGUARDED


def note_view_need(p: Tensor, delta: int) -> None:
    """A view started (+1) or stopped (-1) being read by a live graph: its root
    keeps such views, so that an in-place op finds the views whose values it
    must preserve without scanning every view."""
    base = p._ext.base
    if base is not None:
        bx = base._ext
        if delta > 0:
            if bx.needy is None:
                bx.needy = {}
            bx.needy[id(p)] = p
        elif bx.needy:
            bx.needy.pop(id(p), None)


#: set by mygrad._inplace: ``refresh(view)`` gives a view that is stale (its
#: base was mutated since its vertex was made) a new vertex
REFRESH: list = [None]


def touch(p: Tensor) -> None:
    """Bring a tensor with extension state up to date before it is used."""
    x = p._ext
    base = x.base
    if base is not None and x.base_version != base._ext.version:
        REFRESH[0](p)


_graph.REFRESH_ROOT[0] = touch


def coerce(x: Any, tracking: bool) -> tuple[Any, Any, int]:
    """Prepare one op input: ``(input to record, value for NumPy, state)``.

    State ``0``: a raw value that nobody else can mutate (Python scalar, NumPy
    scalar, a fresh array made from a list); ``1``: a constant tensor; ``2``:
    a non-constant tensor. A user's ndarray is wrapped (without a copy) in a
    constant tensor, so that the memory guard can lock it.
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
        t = leaf(x, True, owned=False)
        return t, x, 1
    if isinstance(x, (_RAW_SCALARS, np.generic)):
        return x, x, 0
    arr = _asarray(x)
    if tracking:
        check_dtype(arr)
    return arr, arr, 0


def input_state(x: Any) -> int:
    """0: not a tensor, 1: constant tensor, 2: non-constant tensor."""
    if isinstance(x, Tensor):
        return 1 if x._constant else 2
    return 0


def wrap_result(out: Any) -> np.ndarray:
    """NumPy returns scalars for 0-d results: make them 0-d arrays."""
    if type(out) is _ndarray:
        return out
    if isinstance(out, _ndarray):
        return out.view(_ndarray)
    return _asarray(out)


# --------------------------------------------------------------- execute_op
def execute_op(
    Op: type,
    *input_vars: Any,
    op_args: tuple | None = None,
    op_kwargs: dict | None = None,
    constant: bool | None = None,
    out: Any = None,
) -> Tensor:
    """Run the :class:`~mygrad.Operation` subclass ``Op`` on ``input_vars``
    and return its result as a tensor that can be backpropagated through.

    Non-tensor inputs are wrapped as constant tensors (without copying).
    ``constant`` follows mygrad's rules: ``None`` makes the result constant
    when every input is, ``True``/``False`` force it. ``out`` (an ndarray or a
    1-tuple holding one) receives the result.

    Examples
    --------
    >>> import mygrad as mg
    >>> from mygrad.operation_base import Operation
    >>> class Square(Operation):
    ...     def __call__(self, x):
    ...         self.variables = (x,)
    ...         return x.data ** 2
    ...     def backward_var(self, grad, index, **kwargs):
    ...         return 2 * self.variables[0].data * grad
    >>> x = mg.tensor([1., 2.])
    >>> y = mg.execute_op(Square, x)
    >>> y.backward()
    >>> x.grad
    array([2., 4.])
    """
    _check_constant(constant)
    if isinstance(Op, Operation) or not (isinstance(Op, type) and issubclass(Op, Operation)):
        raise TypeError(f"execute_op expects an Operation subclass, got {Op!r}")
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError("`out` must hold exactly one array")
        out = out[0]
    if isinstance(out, Tensor):
        from mygrad._inplace import inplace_execute  # the in-place machinery

        return inplace_execute(Op, input_vars, op_args, op_kwargs, constant, out)
    mode = get_mode()
    tracking = mode.track
    tensors = tuple(
        x if isinstance(x, Tensor) else leaf(coerce_array(x, tracking), True, owned=not isinstance(x, _ndarray))
        for x in input_vars
    )
    if tracking:
        for x in tensors:
            if x._ext is not None:
                touch(x)
    op = Op()
    kwargs = dict(op_kwargs or {})
    if out is not None:
        kwargs["out"] = out
    result = wrap_result(op(*tensors, *(op_args or ()), **kwargs))
    if not tracking:
        return leaf(result, resolve_constant(constant, result, False), owned=out is None and result.base is None)
    check_dtype(result)
    variables = op.variables
    if type(variables) is not tuple:
        variables = op.variables = tuple(variables)
    for v in variables:
        if not isinstance(v, Tensor):
            raise InvalidGradient(f"{type(op).__name__}.variables must hold only Tensors, got {type(v).__name__}")
    if constant is None:
        constant = all(v._constant for v in variables) or result.dtype.kind != "f"
    else:
        resolve_constant(constant, result)
    if constant:
        return leaf(result, True, owned=False)
    idx = tuple(i for i, v in enumerate(variables) if not v._constant)
    # a class's gradient code may read anything: every variable and the output
    needs = tuple(range(len(variables)))
    if any(result is v._data or np.may_share_memory(result, v._data) for v in variables):
        result = result.copy()  # never two tensors over one memory without a view link
    # the op may keep its output array: it counts as handed out
    t = record(result, op, variables, (idx, needs, True, plan_unit(mode.guard)), None, mode.guard, owned=False)
    for i in idx:
        null_input_grad(variables[i])
    return t


def coerce_array(x: Any, tracking: bool) -> np.ndarray:
    arr = x if type(x) is _ndarray else _asarray(x)
    if tracking:
        check_dtype(arr)
    return arr
