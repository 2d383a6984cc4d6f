"""``Operation``: the base class for ops that keep state between the
forward and the backward pass, and :func:`execute_op`, which runs one.

Most ops need no class: :func:`mygrad.plugin.ufunc_op` and
:func:`mygrad.plugin.function_op` declare an op from a NumPy function and one
gradient rule per input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._core.inplace import assign_result
from mygrad._core.memory_guard import snapshot, snapshot_kwargs
from mygrad._core.modes import MODE
from mygrad._core.operation import Operation
from mygrad._core.refresh import touch
from mygrad._core.state import Plan, check_constant, check_dtype, plan_unit, resolve_constant
from mygrad._core.vertices import leaf, null_input_grad, record
from mygrad.errors import InvalidGradient, SkipGradient
from mygrad._core.tensor import Tensor

__all__ = ["Operation", "SkipGradient", "execute_op"]


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
    check_constant(constant)
    if isinstance(Op, Operation) or not (isinstance(Op, type) and issubclass(Op, Operation)):
        raise TypeError(f"execute_op expects an Operation subclass, got {Op!r}")
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError("`out` must hold exactly one array")
        out = out[0]
    if isinstance(out, Tensor):  # in place: computed, then written into `out` (recorded)
        return assign_result(out, lambda: execute_op(Op, *input_vars, op_args=op_args, op_kwargs=op_kwargs,
                                                     constant=constant))
    mode = MODE.get()
    tracking = mode.track
    tensors = tuple(
        x if isinstance(x, Tensor) else leaf(Tensor, _as_array(x, tracking), True, owned=not isinstance(x, np.ndarray))
        for x in input_vars
    )
    if tracking:
        for x in tensors:
            if x._ext is not None:
                touch(x)
    if (op_args or op_kwargs) and tracking and constant is not True and any(
            isinstance(x, Tensor) and not x._constant for x in input_vars):
        # a graph will be recorded: the op may keep its arguments for its backward
        # pass, so it gets private copies of those the caller could still change
        op_args = snapshot(tuple(op_args)) if op_args else op_args
        if op_kwargs:
            keep = Op.updated_kwargs  # (written by the forward pass: passed as given)
            op_kwargs = {k: v if k in keep else snapshot(v) for k, v in op_kwargs.items()} if keep \
                else snapshot_kwargs(op_kwargs)
    op = Op()
    kwargs = dict(op_kwargs or {})
    if out is not None:
        kwargs["out"] = out
    result = op(*tensors, *(op_args or ()), **kwargs)
    if type(result) is not np.ndarray:  # (NumPy scalars, ndarray subclasses)
        result = result.view(np.ndarray) if isinstance(result, np.ndarray) else np.asarray(result)
    if not tracking:
        return leaf(Tensor, result, resolve_constant(constant, result, False), owned=out is None and result.base is None)
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
        return leaf(Tensor, result, True, owned=False)
    idx = tuple(i for i, v in enumerate(variables) if not v._constant)
    # a class's gradient code may read anything: every variable and the output
    needs = tuple(range(len(variables)))
    if any(result is v._data or np.may_share_memory(result, v._data) for v in variables):
        result = result.copy()  # never two tensors over one memory without a view link
    # the op may keep its output array: it counts as handed out
    t = record(Tensor, result, op, variables, Plan(idx, needs, True, plan_unit(mode.guard)), None, owned=False)
    for i in idx:
        null_input_grad(variables[i])
    return t


def _as_array(x: Any, tracking: bool) -> np.ndarray:
    arr = x if type(x) is np.ndarray else np.asarray(x)
    if tracking:
        check_dtype(arr)
    return arr
