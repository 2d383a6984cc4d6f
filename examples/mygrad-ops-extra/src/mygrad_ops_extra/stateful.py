"""An op that keeps state between its forward and backward passes:
``running_max(x, axis=-1)``, the running maximum (like
``np.maximum.accumulate``), whose gradient goes to the element each running
maximum came from -- found once, in the forward pass."""

import numpy as np

from mygrad.plugin import Domain, Operation, execute_op, operation_op


class RunningMax(Operation):
    def __call__(self, x, axis=-1):
        self.variables = (x,)
        data = np.moveaxis(x.data, axis, -1)
        n = data.shape[-1]
        # where each running maximum comes from: the last position so far at
        # which the running maximum increased
        out = np.maximum.accumulate(data, axis=-1)
        rises = np.concatenate([np.ones(data.shape[:-1] + (1,), bool), out[..., 1:] > out[..., :-1]], axis=-1)
        self.source = np.maximum.accumulate(np.where(rises, np.arange(n), 0), axis=-1)
        self.axis = axis
        return np.moveaxis(out, -1, axis)

    def backward_var(self, grad, index, **kwargs):
        g = np.moveaxis(grad, self.axis, -1)
        # each output position sends its gradient to its source position
        flat = np.zeros((int(np.prod(g.shape[:-1])), g.shape[-1]), dtype=g.dtype)
        rows = np.repeat(np.arange(flat.shape[0]), g.shape[-1])
        np.add.at(flat, (rows, self.source.reshape(-1)), g.reshape(-1))
        return np.moveaxis(flat.reshape(g.shape), -1, self.axis)


def _running_max(x, axis=-1, *, constant=None):
    """The running maximum along ``axis`` (like ``np.maximum.accumulate``).

    >>> import mygrad as mg
    >>> x = mg.tensor([1.0, 3.0, 2.0, 5.0])
    >>> y = mg.running_max(x)
    >>> y
    Tensor([1., 3., 3., 5.])
    >>> y.backward()
    >>> x.grad
    array([1., 2., 0., 1.])
    """
    return execute_op(RunningMax, x, op_kwargs={"axis": axis}, constant=constant)


running_max = operation_op(
    _running_max,
    RunningMax,
    name="running_max",
    reference=lambda x, axis=-1: np.maximum.accumulate(x, axis=axis),
    domain=Domain(-5, 5, unique=True),  # (ties: not differentiable)
    conformance={"nin": 1, "shapes": [((5,),), ((2, 4),), ((3, 2, 3),)], "kwargs": {"axis": [-1, 0]}},
)

DECLARATIONS = [running_max]
