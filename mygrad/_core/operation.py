"""The :class:`Operation` base class for ops that keep state between the
forward and the backward pass (public as :mod:`mygrad.operation_base`), and
:class:`OpNode`, what ``Tensor.creator`` shows for a declared op.

Most ops need no class: :func:`mygrad.plugin.ufunc_op` and
:func:`mygrad.plugin.function_op` declare an op from a NumPy function and one
gradient rule per input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._core.graph import accumulate
from mygrad._core.memory_guard import rewound
from mygrad.errors import SkipGradient

__all__ = ["Operation", "OpNode", "SkipGradient"]


class Operation:
    """Base class for all tensor operations that support backpropagation.

    Subclasses implement

    * ``__call__(self, *tensors, *op_args, **op_kwargs) -> np.ndarray``: the
      forward pass. It must bind the input tensors to ``self.variables`` (a
      tuple) and return the result computed from their ``.data``;
    * ``backward_var(self, grad, index, **kwargs) -> np.ndarray``: given
      ``grad`` = dℒ/d(out), return dℒ/d(variables[index]). The result may have
      the broadcast shape of the output: mygrad sum-reduces it. Raise
      :class:`SkipGradient` if the gradient is delivered some other way.

    Run an op with :func:`mygrad.execute_op`. A fresh instance is made per call.

    Examples
    --------
    >>> import numpy as np
    >>> import mygrad as mg
    >>> from mygrad.operation_base import Operation
    >>> class CustomMultiply(Operation):
    ...     def __call__(self, x, y):
    ...         self.variables = (x, y)
    ...         return x.data * y.data
    ...     def backward_var(self, grad, index, **kwargs):
    ...         x, y = self.variables
    ...         return grad * (y.data if index == 0 else x.data)
    >>> x, y = mg.tensor(2.0), mg.tensor([1.0, 2.0, 3.0])
    >>> mg.execute_op(CustomMultiply, x, y).backward()
    >>> x.grad, y.grad
    (array(6.), array([2., 2., 2.]))
    """

    #: True only for ops whose output may be a NumPy view of an input's data
    can_return_view = False

    #: names of ``op_kwargs`` that the forward pass writes into (e.g. running
    #: statistics it updates). When a graph is recorded, :func:`mygrad.execute_op`
    #: hands the op private copies of its other array arguments (so that the
    #: caller changing them later cannot change the gradient); these are passed
    #: as given, and the backward pass must not read them.
    updated_kwargs: tuple = ()

    def __init__(self) -> None:
        self.variables: tuple = ()
        self.replay_args: tuple | None = None
        self.replay_kwargs: dict | None = None
        self.replay_force_constant: bool | None = None
        self.where: Any = True

    @property
    def name(self) -> str:
        return type(self).__name__

    def __call__(self, *input_vars: Any, **kwargs: Any) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError(f"{type(self).__name__} does not implement the forward pass")

    def backward_var(self, grad: np.ndarray, index: int, **kwargs: Any) -> np.ndarray:
        """Given ``grad = dℒ/df``, return ``∂ℒ/∂x_i`` for ``x_i = self.variables[index]``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward_var")

    def backward(self, grad: np.ndarray, **kwargs: Any) -> None:
        """Backpropagate ``grad`` to every non-constant tensor in
        ``self.variables``: each gets ``backward_var(grad, index)``, masked by
        ``self.where``, sum-reduced to its shape and accumulated into its
        gradient. Override it to share work between variables, then call
        ``super().backward(grad)``."""
        where = self.where
        for index, var in enumerate(self.variables):
            if var._constant:
                continue
            try:
                gi = self.backward_var(grad, index, **kwargs)
            except SkipGradient:
                continue
            if where is not True:
                gi = np.where(where, gi, 0)
            accumulate(var, gi, grad, self, index)

    # the engine's protocol: every graph vertex's op has backprop(tensor, grad)
    def backprop(self, tensor: Any, grad: np.ndarray) -> None:
        # the op may keep arrays of its variables and its output: those written
        # in place since the forward pass show their values of that time
        pairs = _overwritten((tensor, *(tensor._inputs or ())))
        if not pairs:
            self.backward(grad)
            return
        with rewound(pairs):
            self.backward(grad)


class OpNode(Operation):
    """What :attr:`Tensor.creator` shows for a tensor made by a declared op:
    the declaration and the inputs it was applied to."""

    def __init__(self, decl: Any, tensor: Any) -> None:
        super().__init__()
        self.op = decl
        self.variables = tuple(x for x in (tensor._inputs or ()) if hasattr(x, "_data"))
        saved = tensor._saved
        if isinstance(saved, dict):  # a function op's keyword arguments (and the values it keeps)
            kept = getattr(decl, "keeps", ())
            self.replay_args, self.replay_kwargs = (), {k: v for k, v in saved.items() if k not in kept}
        elif isinstance(saved, np.ndarray):  # a ufunc's `where` mask
            self.where = saved

    @property
    def name(self) -> str:
        return getattr(self.op, "name", type(self.op).__name__)

    def __repr__(self) -> str:
        return f"<mygrad op {self.name!r}>"

    def backward_var(self, grad: np.ndarray, index: int, **kwargs: Any) -> np.ndarray:
        raise NotImplementedError("backprop through a declared op goes through Tensor.backward()")


def _overwritten(vertices) -> list:
    """``(live array, old values)`` for the vertices that are placeholders of
    tensors written in place since (see mygrad._core.inplace: a placeholder keeps a
    copy of the values a live graph reads)."""
    pairs = []
    for v in vertices:
        x = getattr(v, "_ext", None)
        if x is not None and x.live is not None:
            pairs.append((x.live, v._data))
    return pairs
