"""mygrad.nnet.losses: forward values against NumPy formulas written here
(every reduction), gradients against finite differences, dtypes, stability
and validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mygrad as mg
from mygrad.testing import check_grad, check_op

L = mg.nnet.losses

NAMES = [
    "softmax_crossentropy", "negative_log_likelihood", "multiclass_hinge", "margin_ranking_loss", "focal_loss",
    "softmax_focal_loss", "mean_squared_error", "binary_crossentropy", "binary_crossentropy_with_logits",
]
REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}


@pytest.mark.parametrize("name", NAMES)
def test_conformance(name):
    """Gradients vs finite differences (with drawn labels, reductions and
    hyperparameters), constant flags, and in-place writes after the forward pass."""
    check_op(getattr(L, name))


def test_names_are_published_in_both_namespaces():
    for name in NAMES:
        assert getattr(mg.nnet, name) is getattr(L, name)


# ----------------------------------------------------------- references
def _logsoftmax(x):
    m = x.max(axis=1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))


def _pick(x, y):
    return np.array([x[i, k] for i, k in enumerate(y)])


def ref_softmax_crossentropy(x, y):
    return -_pick(_logsoftmax(x), y)


def ref_nll(x, y, weights=None):
    w = np.ones(x.shape[1]) if weights is None else weights
    return -np.array([w[k] * x[i, k] for i, k in enumerate(y)])


def ref_hinge(x, y, hinge=1.0):
    return np.array([sum(max(0.0, x[i, j] - x[i, k] + hinge) for j in range(x.shape[1]) if j != k)
                     for i, k in enumerate(y)])


def ref_focal(p, y, alpha=1.0, gamma=0.0):
    pt = _pick(p, y)
    return -alpha * (1 - pt) ** gamma * np.log(pt)


@st.composite
def scores_and_labels(draw, low=-4.0, high=4.0):
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    x = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(low, high)))
    y = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return x, y


@given(data=scores_and_labels(), reduction=st.sampled_from(list(REDUCE)),
       dtype=st.sampled_from([np.float16, np.float32, np.float64]))
def test_score_label_losses_match_numpy(data, reduction, dtype):
    x, y = data
    xt = x.astype(dtype)
    x64 = xt.astype(np.float64)
    w = np.linspace(0.5, 2, x.shape[1])
    probs = np.exp(_logsoftmax(x64))
    cases = [
        (L.softmax_crossentropy(xt, y, reduction=reduction), ref_softmax_crossentropy(x64, y)),
        (L.negative_log_likelihood(xt, y, reduction=reduction), ref_nll(x64, y)),
        (L.negative_log_likelihood(xt, y, weights=w, reduction=reduction), ref_nll(x64, y, w.astype(dtype))),
        (L.multiclass_hinge(xt, y, 0.5, reduction=reduction), ref_hinge(x64, y, 0.5)),
        (L.softmax_focal_loss(xt, y, alpha=0.5, gamma=2, reduction=reduction), ref_focal(probs, y, 0.5, 2.0)),
        (L.focal_loss(probs.astype(dtype), y, gamma=1.5, reduction=reduction),
         ref_focal(probs.astype(dtype).astype(np.float64), y, 1.0, 1.5)),
    ]
    tol = {np.float16: 3e-2, np.float32: 1e-5, np.float64: 1e-10}[dtype]
    for got, per_datum in cases:
        assert got.dtype == dtype  # labels and weights never upcast the scores
        with np.errstate(all="ignore"):
            expected = REDUCE[reduction](per_datum)
        np.testing.assert_allclose(got.data, expected, rtol=tol, atol=tol)


def test_default_reductions_keep_the_references_results():
    x = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, -1.0]])
    y = np.array([2, 0])
    w = np.array([2.0, 0.0, 1.0])
    assert L.softmax_crossentropy(x, y).shape == ()
    # NLL divides by N, not by the sum of the weights of the labels
    np.testing.assert_allclose(L.negative_log_likelihood(x, y, weights=w).item(), -(1 * 0.5 + 2 * 0.3) / 2)
    weighted = L.negative_log_likelihood(x, y, weights=w, reduction="sum").item() / w[y].sum()
    np.testing.assert_allclose(weighted, -(1 * 0.5 + 2 * 0.3) / 3)  # PyTorch's normalisation, by hand
    p = np.exp(_logsoftmax(x))
    assert L.focal_loss(p, y).shape == (2,)  # per datum
    assert L.softmax_focal_loss(x, y).shape == (2,)
    assert L.margin_ranking_loss(x[0], x[1], 1, 0.1).shape == ()


@given(st.sampled_from(list(REDUCE)), st.sampled_from([np.float32, np.float64]), st.booleans())
def test_margin_ranking_loss_matches_numpy(reduction, dtype, per_row_y):
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(4, 3)).astype(dtype), rng.normal(size=(4, 3)).astype(dtype)
    y = np.array([1, -1, -1, 1]) if per_row_y else -1
    yy = y[:, None] if per_row_y else y
    got = L.margin_ranking_loss(x1, x2, y, 0.3, reduction=reduction)
    assert got.dtype == dtype
    np.testing.assert_allclose(got.data, REDUCE[reduction](np.maximum(0, 0.3 - yy * (x1 - x2))), rtol=1e-6)
    got1d = L.margin_ranking_loss(x1[:, 0], x2[:, 0], y, 0.3, reduction=reduction)
    np.testing.assert_allclose(got1d.data, REDUCE[reduction](np.maximum(0, 0.3 - y * (x1[:, 0] - x2[:, 0]))),
                               rtol=1e-6)


@given(st.sampled_from(list(REDUCE)), st.sampled_from([np.float32, np.float64]))
def test_elementwise_losses_match_numpy(reduction, dtype):
    rng = np.random.default_rng(1)
    a = rng.uniform(0.05, 0.95, size=(3, 4)).astype(dtype)
    t = rng.uniform(0, 1, size=(3, 4)).astype(dtype)
    x = rng.normal(size=(3, 4)).astype(dtype) * 3
    r = REDUCE[reduction]
    cases = [
        (L.mean_squared_error(a, t, reduction=reduction), r((a - t) ** 2)),
        (L.binary_crossentropy(a, t, reduction=reduction), r(-(t * np.log(a) + (1 - t) * np.log(1 - a)))),
        (L.binary_crossentropy_with_logits(x, t, reduction=reduction),
         r(-(t * np.log(1 / (1 + np.exp(-x))) + (1 - t) * np.log(1 - 1 / (1 + np.exp(-x)))))),
    ]
    for got, expected in cases:
        assert got.dtype == dtype
        np.testing.assert_allclose(got.data, expected, rtol=1e-5 if dtype == np.float32 else 1e-10, atol=1e-6)


def test_elementwise_losses_broadcast_like_numpy():
    pred, target = np.array([[0.2, 0.7, 0.4]]), np.array([[0.0], [1.0]])
    np.testing.assert_allclose(L.mean_squared_error(pred, target, reduction="none").data, (pred - target) ** 2)
    check_grad(lambda p, t: L.mean_squared_error(p, t), pred, target)
    check_grad(lambda p, t: L.binary_crossentropy(p, t, reduction="sum"), pred, target)
    check_grad(lambda p, t: L.binary_crossentropy_with_logits(p, t), pred, target)


# ------------------------------------------------------------ gradients
def test_softmax_crossentropy_gradient_is_softmax_minus_onehot():
    x = mg.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    L.softmax_crossentropy(x, [2, 0]).backward()
    e = np.exp(x.data) / np.exp(x.data).sum(axis=1, keepdims=True)
    e[[0, 1], [2, 0]] -= 1
    np.testing.assert_allclose(x.grad, e / 2)


def test_gradient_flows_to_the_scores_only():
    x = mg.tensor([[1.0, 2.0], [0.5, -0.5]])
    y = mg.tensor([1, 0])
    w = mg.tensor([1.0, 3.0])
    L.negative_log_likelihood(x, y, weights=w).backward()
    assert x.grad is not None and y.grad is None and w.grad is None
    labels_as_tensor = L.softmax_crossentropy(x, y)
    np.testing.assert_allclose(labels_as_tensor.data, L.softmax_crossentropy(x, y.data).data)


@pytest.mark.parametrize("gamma", [0, 0.5, 1, 2.5])
def test_focal_losses_gradients_for_every_gamma(gamma):
    p = np.array([[0.3, 0.7], [0.9, 0.1], [0.5, 0.5]])
    y = np.array([1, 0, 1])
    check_grad(lambda t: L.focal_loss(t, y, alpha=0.25, gamma=gamma), p, seed=np.array([1.0, -2.0, 0.5]))
    check_grad(lambda t: L.softmax_focal_loss(t, y, gamma=gamma, reduction="sum"), np.log(p) + 0.3)


@pytest.mark.parametrize("gamma", [0, 0.5, 2])
def test_focal_gradient_is_finite_where_p_t_is_one(gamma):
    for loss, x in [(L.focal_loss, [[1.0, 0.0]]), (L.softmax_focal_loss, [[100.0, -100.0]])]:
        t = mg.tensor(x)
        out = loss(t, [0], gamma=gamma)
        out.backward()
        assert np.isfinite(out.data).all() and np.isfinite(t.grad).all(), (loss, gamma)


def test_focal_loss_with_gamma_0_is_the_nll_of_the_log_probabilities():
    p = np.array([[0.2, 0.8], [0.6, 0.4]])
    y = np.array([1, 0])
    np.testing.assert_allclose(L.focal_loss(p, y).data, L.negative_log_likelihood(np.log(p), y, reduction="none").data)


def test_stable_for_huge_scores():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        x = mg.tensor([[1000.0, -1000.0], [-500.0, 500.0]])
        loss = L.softmax_crossentropy(x, [0, 0])
        np.testing.assert_allclose(loss.data, 500.0)
        loss.backward()
        np.testing.assert_allclose(x.grad, [[0.0, 0.0], [-0.5, 0.5]])
        np.testing.assert_allclose(L.softmax_focal_loss(x.data, [0, 0], gamma=2).data, [0.0, 1000.0])
        logits = L.binary_crossentropy_with_logits(np.array([800.0, -800.0]), np.array([0.0, 0.0]))
        np.testing.assert_allclose(logits.data, 400.0)
    # probabilities of exactly 0 or 1: the clamped logs keep the loss finite
    p = mg.tensor([0.0, 1.0, 1.0])
    bce = L.binary_crossentropy(p, [1.0, 1.0, 0.0], reduction="none")
    np.testing.assert_allclose(bce.data, [100.0, 0.0, 100.0])
    bce.backward()
    assert np.isfinite(p.grad).all()


def test_hinge_gradient_counts_active_margins():
    x = mg.tensor([[3.0, 2.5, 0.0], [1.0, 2.0, 0.0]])
    L.multiclass_hinge(x, [0, 2], reduction="sum").backward()
    np.testing.assert_array_equal(x.grad, [[-1.0, 1.0, 0.0], [1.0, 1.0, -2.0]])


# ------------------------------------------------------------ validation
@pytest.mark.parametrize("name", ["softmax_crossentropy", "negative_log_likelihood", "multiclass_hinge",
                                  "focal_loss", "softmax_focal_loss"])
def test_score_label_validation(name):
    f = getattr(L, name)
    x = np.full((3, 2), 0.5)
    with pytest.raises(ValueError, match="2-D"):
        f(np.full(3, 0.5), np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="2-D"):
        f(np.full((1, 3, 2), 0.5), np.array([0]))
    with pytest.raises(TypeError, match="integer"):
        f(x, np.array([0.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        f(x, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        f(x, np.array([[0, 1, 0]]))
    with pytest.raises(IndexError, match="outside"):
        f(x, np.array([0, 2, 0]))
    with pytest.raises(IndexError, match="outside"):
        f(x, np.array([0, -1, 0]))
    with pytest.raises(ValueError, match="reduction"):
        f(x, np.array([0, 1, 0]), reduction="avg")


def test_other_validation():
    x, y = np.full((2, 3), 0.5), np.array([0, 2])
    with pytest.raises(ValueError, match="weights"):
        L.negative_log_likelihood(x, y, weights=np.ones(2))
    with pytest.raises(TypeError, match="hinge"):
        L.multiclass_hinge(x, y, hinge="1")
    for f in (L.focal_loss, L.softmax_focal_loss):
        with pytest.raises(ValueError, match="gamma"):
            f(x, y, gamma=-1)
        with pytest.raises(TypeError, match="alpha"):
            f(x, y, alpha=[1, 2])
    a = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="floating"):
        L.margin_ranking_loss(np.array([1, 2]), np.array([0, 1]), 1, 0.5)
    with pytest.raises(ValueError, match="same shape"):
        L.margin_ranking_loss(a, np.array([1.0, 2.0, 3.0]), 1, 0.5)
    with pytest.raises(ValueError, match="same shape"):
        L.margin_ranking_loss(np.ones((2, 2, 2)), np.ones((2, 2, 2)), 1, 0.5)
    with pytest.raises(ValueError, match="margin"):
        L.margin_ranking_loss(a, a, 1, -0.5)
    with pytest.raises(ValueError, match="1 and -1"):
        L.margin_ranking_loss(a, a, np.array([1, 0]), 0.5)
    with pytest.raises(ValueError, match="shape"):
        L.margin_ranking_loss(a, a, np.array([1, -1, 1]), 0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        L.binary_crossentropy(np.array([0.5, 1.5]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="reduction"):
        L.mean_squared_error(a, a, reduction=None)


def test_constant_scores_give_a_constant_loss():
    out = L.softmax_crossentropy(mg.tensor([[1.0, 2.0]], constant=True), [1])
    assert out.constant
    assert not L.softmax_crossentropy(mg.tensor([[1.0, 2.0]]), [1]).constant
    assert L.softmax_crossentropy([[1, 2]], [1]).dtype == np.float64  # integer scores: float loss
