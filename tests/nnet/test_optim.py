"""mygrad.nnet.optim: SGD/Adam/AdamW steps against updates computed by hand,
parameter groups, schedules, the gradient lifecycle, and validation."""

from __future__ import annotations

import numpy as np
import pytest

import mygrad as mg
from mygrad.nnet.optim import SGD, Adam, AdamW, Optimizer

A0 = np.array([1.0, -2.0, 0.5])
TARGET = np.array([0.5, 0.5, -1.0])


def quadratic_grad(w):
    """d/dw of sum((w - TARGET)^2 * [1, 2, 3])."""
    return 2 * (w - TARGET) * np.array([1.0, 2.0, 3.0])


def backprop(*params):
    """Backpropagate the quadratic loss through each parameter."""
    loss = sum(mg.sum((p - TARGET) ** 2 * np.array([1.0, 2.0, 3.0])) for p in params)
    loss.backward()
    return loss


def run(opt_cls, steps=5, **kw):
    w = mg.tensor(A0.copy())
    opt = opt_cls([w], **kw)
    for _ in range(steps):
        backprop(w)
        opt.step()
    return w.data


def test_published():
    from mygrad.nnet import optim

    assert optim.SGD is SGD and optim.Adam is Adam and optim.AdamW is AdamW and optim.Optimizer is Optimizer


@pytest.mark.parametrize("momentum, nesterov, wd", [(0.0, False, 0.0), (0.9, False, 0.0), (0.9, True, 0.0),
                                                    (0.5, False, 0.1), (0.0, False, 0.2), (0.8, True, 0.05)])
def test_sgd_matches_hand_computed_updates(momentum, nesterov, wd):
    lr = 0.05
    w, buf = A0.copy(), None
    for _ in range(6):
        d = quadratic_grad(w) + wd * w
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + d
            d = d + momentum * buf if nesterov else buf
        w = w - lr * d
    got = run(SGD, steps=6, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=wd)
    np.testing.assert_allclose(got, w, rtol=1e-12)


def _adam_by_hand(steps, lr, b1, b2, eps, wd, decoupled):
    w, m, v = A0.copy(), np.zeros(3), np.zeros(3)
    for t in range(1, steps + 1):
        g = quadratic_grad(w)
        if decoupled:
            w = w - lr * wd * w
        else:
            g = g + wd * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return w


@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_adam_and_adamw_match_hand_computed_updates(wd):
    kw = dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=wd)
    np.testing.assert_allclose(run(Adam, steps=7, **kw), _adam_by_hand(7, 0.05, 0.8, 0.99, 1e-6, wd, False), rtol=1e-12)
    np.testing.assert_allclose(run(AdamW, steps=7, **kw), _adam_by_hand(7, 0.05, 0.8, 0.99, 1e-6, wd, True), rtol=1e-12)


@pytest.mark.parametrize("make", [lambda p: SGD(p, lr=0.05, momentum=0.9), lambda p: Adam(p, lr=0.1),
                                  lambda p: AdamW(p, lr=0.1, weight_decay=0.0)])
def test_minimises_a_quadratic(make):
    w = mg.tensor(A0.copy())
    opt = make([w])
    for _ in range(300):
        backprop(w)
        opt.step()
    np.testing.assert_allclose(w.data, TARGET, atol=1e-2)


def test_updates_in_place_keeping_dtype_identity_and_views():
    w = mg.tensor(A0.astype(np.float32))
    view = w.data[:2]  # a NumPy view of the parameter's memory
    buf = w.data
    opt = Adam([w], lr=0.1)
    backprop(w)
    grad = w.grad.copy()
    opt.step()
    assert w.data is buf and w.dtype == np.float32
    np.testing.assert_array_equal(view, w.data[:2])
    assert not np.allclose(w.data, A0)
    np.testing.assert_array_equal(w.grad, grad)  # step() leaves the gradient as it was
    assert w.creator is None and not w.constant  # still a leaf, nothing recorded


def test_zero_grad_and_parameters_without_gradients_are_skipped():
    w, unused = mg.tensor(A0.copy()), mg.tensor([1.0, 2.0])
    opt = Adam([w, unused], lr=0.1)
    backprop(w)
    opt.step()
    np.testing.assert_array_equal(unused.data, [1.0, 2.0])
    assert "step" not in opt.state.get(id(unused), {})
    opt.zero_grad()
    assert w.grad is None and unused.grad is None
    before = w.data.copy()
    opt.step()  # no gradients: nothing moves
    np.testing.assert_array_equal(w.data, before)
    assert opt.state[id(w)]["step"] == 1


def test_gradients_are_nulled_by_the_next_forward_pass():
    w = mg.tensor(A0.copy())
    opt = SGD([w], lr=0.1)
    backprop(w)
    opt.step()
    _ = w * 2  # a new op that uses w nulls its gradient (mygrad's lifecycle)
    assert w.grad is None


def test_param_groups_and_learning_rate_schedules():
    a, b = mg.tensor(A0.copy()), mg.tensor(A0.copy())
    seen = []

    def schedule(t):
        seen.append(t)
        return 0.1 / (1 + t)

    opt = SGD([{"params": [a], "lr": schedule}, {"params": b, "momentum": 0.5}], lr=0.01)
    assert opt.current_lr(0) == 0.1 and opt.current_lr(1) == 0.01
    wa, wb, buf = A0.copy(), A0.copy(), None
    for t in range(3):
        backprop(a, b)
        opt.step()
        wa = wa - 0.1 / (1 + t) * quadratic_grad(wa)
        g = quadratic_grad(wb)
        buf = g if buf is None else 0.5 * buf + g
        wb = wb - 0.01 * buf
    assert opt.steps == 3 and seen[-1] == 2
    np.testing.assert_allclose(a.data, wa, rtol=1e-12)
    np.testing.assert_allclose(b.data, wb, rtol=1e-12)
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.param_groups[0]["momentum"] == 0.0


def test_a_parameter_that_a_live_graph_reads_cannot_be_stepped():
    a, b = mg.tensor(A0.copy()), mg.tensor(A0.copy())
    opt = SGD([a, b], lr=0.1)
    backprop(a, b)
    v = b[:2]  # a view keeps b's gradient ...
    live = mg.sum(v * v)  # ... and a live graph reads b's memory now
    assert b.grad is not None and not b.data.flags.writeable
    with pytest.raises(ValueError, match="live computational graph"):
        opt.step()
    np.testing.assert_array_equal(a.data, A0)  # nothing was changed
    np.testing.assert_array_equal(b.data, A0)
    live.backward()  # the graph is gone: the step is allowed again
    backprop(a, b)
    opt.step()
    np.testing.assert_allclose(a.data, A0 - 0.1 * quadratic_grad(A0))


@pytest.mark.parametrize("bad", [
    lambda: SGD([], lr=0.1),
    lambda: SGD([mg.tensor([1.0], constant=True)], lr=0.1),
    lambda: SGD([mg.tensor([1.0])], lr=-1),
    lambda: SGD([mg.tensor([1.0])], lr=0.1, nesterov=True),
    lambda: SGD([mg.tensor([1.0])], lr=0.1, momentum=-0.5),
    lambda: Adam([mg.tensor([1.0])], betas=(0.9, 1.0)),
    lambda: Adam([mg.tensor([1.0])], betas=0.9),
    lambda: Adam([mg.tensor([1.0])], eps=-1),
    lambda: AdamW([mg.tensor([1.0])], weight_decay=-0.1),
])
def test_invalid_hyperparameters_raise_value_error(bad):
    with pytest.raises(ValueError):
        bad()


def test_invalid_parameters_raise_type_error():
    w = mg.tensor([1.0])
    with pytest.raises(TypeError, match="tensors"):
        SGD([np.array([1.0])], lr=0.1)
    with pytest.raises(TypeError, match="single tensor"):
        SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="no hyperparameter"):
        SGD([{"params": [w], "betas": (0.9, 0.9)}], lr=0.1)
    with pytest.raises(ValueError, match="more than one place"):
        SGD([w, w], lr=0.1)
    opt = SGD([w], lr=lambda t: -1.0)
    with pytest.raises(ValueError, match="schedule"):
        opt.step()


def test_trains_a_small_classifier():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] - X[:, 1] > 0).astype(np.int64)
    W = mg.tensor(rng.normal(size=(2, 2)) * 0.1)
    b = mg.tensor(np.zeros(2))
    opt = Adam([W, b], lr=0.1)
    for _ in range(100):
        scores = mg.sum(X[:, :, None] * W, axis=1) + b
        loss = mg.nnet.softmax_crossentropy(scores, y)
        loss.backward()
        opt.step()
    assert loss.item() < 0.1
