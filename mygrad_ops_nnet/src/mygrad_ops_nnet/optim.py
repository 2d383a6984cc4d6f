"""Optimizers: ``mygrad.nnet.optim`` (``SGD``, ``Adam``, ``AdamW``).

An optimizer holds parameter tensors and updates them in place from their
gradients::

    opt = SGD([w, b], lr=0.1, momentum=0.9)
    for x, y in batches:
        loss = softmax_crossentropy(x @ w + b, y)
        loss.backward()   # sets w.grad, b.grad and clears the graph
        opt.step()        # w -= lr * (update), in place

How this fits mygrad's gradient lifecycle:

* ``step()`` writes into each parameter's array (``p.data``), like NumPy's
  in-place operators: the tensor keeps its identity, NumPy views of
  ``p.data`` see the new values, and the write is not recorded in any graph.
  After ``backward()`` no graph reads the parameters, so that is allowed and
  costs what NumPy's write costs; a parameter that a live graph still reads
  (a forward pass without ``backward()``, e.g. an evaluation outside
  ``mg.no_autodiff``) is read-only, and ``step()`` raises ``ValueError``
  before changing anything.
* Parameters whose ``grad`` is ``None`` are skipped (their state, e.g. Adam's
  step count, does not advance).
* ``step()`` leaves the gradients as they are; mygrad nulls a tensor's
  gradient when the tensor is used in a new operation, so the next forward
  pass starts clean. ``zero_grad()`` sets them to ``None`` by hand
  (``p.null_grad()``), e.g. to stop a later ``step()`` from reusing them.

Parameters are an iterable of tensors, or of *parameter groups*: dicts with
``"params"`` and any hyperparameters that differ from the optimizer's.

Learning-rate schedules: ``lr`` may be a callable of the step number ``t``
(0 for the first ``step()``, then 1, 2, ...) returning the learning rate, e.g.
``lr=lambda t: 0.1 * 0.95 ** (t // 100)``; :meth:`Optimizer.current_lr` tells
the value the next step uses.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Callable, Iterable

import numpy as np

import mygrad as mg
from mygrad.plugin import export

NAMESPACES = ("mygrad.nnet.optim",)


def _nonnegative(group: dict, key: str, upper: float = math.inf) -> None:
    value = group[key]
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < upper:
        bound = f"in [0, {upper})" if upper != math.inf else ">= 0"
        raise ValueError(f"{key} must be a real number {bound}, got {value!r}")


class Optimizer:
    """The base of mygrad's optimizers: parameter groups, the step counter,
    learning-rate schedules and ``zero_grad``.

    Subclasses define ``defaults`` handling in ``__init__`` and
    ``_update(p, w, g, group, lr, state)``, which changes the parameter's
    array ``w`` in place from its gradient ``g``.
    """

    def __init__(self, params: Iterable[Any], defaults: dict) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[dict] = []
        #: per-parameter state (momentum buffers, moments), keyed by id(param)
        self.state: dict[int, dict] = {}
        #: how many times ``step()`` ran
        self.steps = 0
        if isinstance(params, mg.Tensor):
            raise TypeError("params must be an iterable of tensors (or of parameter groups), got a single tensor")
        groups = list(params)
        if not groups:
            raise ValueError("the optimizer got an empty list of parameters")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict) -> None:
        """Add a group of parameters (``{"params": [...], "lr": ...}``); the
        hyperparameters it does not give are the optimizer's defaults."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"a parameter group must be a dict with 'params', got {group!r}")
        group = dict(group)
        params = group["params"]
        params = [params] if isinstance(params, mg.Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            if not isinstance(p, mg.Tensor):
                raise TypeError(f"parameters must be mygrad tensors, got {type(p).__name__}")
            if p.constant:
                raise ValueError("a constant tensor never gets a gradient: it cannot be a parameter")
            if id(p) in seen:
                raise ValueError("a parameter appears in more than one place in the optimizer's parameters")
            seen.add(id(p))
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(f"{type(self).__name__} has no hyperparameter(s) {sorted(unknown)}")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        group["params"] = params
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict) -> None:
        lr = group["lr"]
        if not callable(lr):
            _nonnegative(group, "lr")

    def current_lr(self, group: int = 0) -> float:
        """The learning rate the next ``step()`` uses for parameter group ``group``."""
        lr = self.param_groups[group]["lr"]
        if not callable(lr):
            return lr
        value = lr(self.steps)
        if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
            raise ValueError(f"the learning-rate schedule returned {value!r} at step {self.steps}: "
                             "it must return a real number >= 0")
        return float(value)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to ``None`` (``p.null_grad()``)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.null_grad()

    def step(self) -> None:
        """Update every parameter that has a gradient, in place."""
        todo = []
        for i, group in enumerate(self.param_groups):
            lr = self.current_lr(i)
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                w = p.data
                if not w.flags.writeable:
                    raise ValueError(
                        "cannot update a parameter that a live computational graph still reads "
                        "(call backward() on that graph first, or compute it inside mg.no_autodiff)"
                    )
                todo.append((p, w, g, group, lr))
        for p, w, g, group, lr in todo:  # (nothing was changed if a parameter was locked)
            self._update(p, w, g, group, lr, self.state.setdefault(id(p), {}))
        self.steps += 1

    def _update(self, p: mg.Tensor, w: np.ndarray, g: np.ndarray, group: dict, lr: float, state: dict) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        n = sum(len(g["params"]) for g in self.param_groups)
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({n} parameter(s), {hyper})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (heavy-ball or
    Nesterov) and L2 weight decay.

    With ``d = g + weight_decay * w`` and, with momentum,
    ``buf = momentum * buf + d`` (``buf = d`` on a parameter's first step):
    ``w -= lr * d`` (no momentum), ``w -= lr * buf`` (momentum), or
    ``w -= lr * (d + momentum * buf)`` (``nesterov=True``).

    Parameters
    ----------
    params : iterable of Tensor, or of dicts (parameter groups)
    lr : float or callable
        The learning rate, or a schedule ``lr(t)`` of the step number.
    momentum : float, default 0
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0``).
    weight_decay : float, default 0

    Examples
    --------
    >>> import mygrad as mg
    >>> from mygrad.nnet.optim import SGD
    >>> w = mg.tensor([1., -2.])
    >>> opt = SGD([w], lr=0.25)
    >>> mg.sum(w * w).backward()
    >>> opt.step()
    >>> w
    Tensor([ 0.5, -1. ])
    """

    def __init__(self, params: Iterable[Any], lr: float | Callable[[int], float], momentum: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay))

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        _nonnegative(group, "momentum")
        _nonnegative(group, "weight_decay")
        if group["nesterov"] and not group["momentum"] > 0:
            raise ValueError("Nesterov momentum needs momentum > 0")

    def _update(self, p, w, g, group, lr, state):
        d = g + group["weight_decay"] * w if group["weight_decay"] else g
        mu = group["momentum"]
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(d, dtype=w.dtype, copy=True)
            else:
                buf *= mu
                buf += d
            d = d + mu * buf if group["nesterov"] else buf
        w -= lr * d


class Adam(Optimizer):
    """Adam (Kingma & Ba), with L2 weight decay added to the gradient.

    Per parameter, at its ``t``-th step (``t = 1, 2, ...``), with
    ``d = g + weight_decay * w``: ``m = b1 m + (1 - b1) d``,
    ``v = b2 v + (1 - b2) d^2``, and
    ``w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``.

    Parameters
    ----------
    params : iterable of Tensor, or of dicts (parameter groups)
    lr : float or callable, default 1e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0

    Examples
    --------
    >>> import mygrad as mg
    >>> from mygrad.nnet.optim import Adam
    >>> w = mg.tensor([1., -2.])
    >>> opt = Adam([w], lr=0.1)
    >>> mg.sum(w * w).backward()
    >>> opt.step()  # the first step moves each weight by about lr
    >>> w
    Tensor([ 0.9, -1.9])
    """

    decoupled = False

    def __init__(self, params: Iterable[Any], lr: float | Callable[[int], float] = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        betas = group["betas"]
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise ValueError(f"betas must be a pair of numbers in [0, 1), got {betas!r}")
        for b in betas:
            _nonnegative({"beta": b}, "beta", upper=1.0)
        _nonnegative(group, "eps")
        _nonnegative(group, "weight_decay")

    def _update(self, p, w, g, group, lr, state):
        b1, b2 = group["betas"]
        wd = group["weight_decay"]
        if "step" not in state:
            state["step"] = 0
            state["m"] = np.zeros_like(w)
            state["v"] = np.zeros_like(w)
        state["step"] += 1
        t, m, v = state["step"], state["m"], state["v"]
        if wd and self.decoupled:
            w *= 1 - lr * wd
        elif wd:
            g = g + wd * w
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * (g * g)
        denom = np.sqrt(v)
        denom *= 1 / math.sqrt(1 - b2**t)
        denom += group["eps"]
        w -= (lr / (1 - b1**t)) * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): each step first
    shrinks the weights, ``w *= 1 - lr * weight_decay``, then applies Adam's
    update to the plain gradient.

    Parameters are those of :class:`Adam`; ``weight_decay`` defaults to 0.01.

    Examples
    --------
    >>> import mygrad as mg
    >>> from mygrad.nnet.optim import AdamW
    >>> w = mg.tensor([1., -2.])
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> mg.sum(w * w).backward()
    >>> opt.step()
    >>> w
    Tensor([ 0.85, -1.8 ])
    """

    decoupled = True

    def __init__(self, params: Iterable[Any], lr: float | Callable[[int], float] = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)


DECLARATIONS = [export(cls.__name__, cls, namespaces=NAMESPACES) for cls in (Optimizer, SGD, Adam, AdamW)]
