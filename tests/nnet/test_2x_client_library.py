"""Code written against MyGrad 2.x's ``mygrad.nnet`` trains unchanged.

The classes below are written the way client libraries built on 2.x write
them (dense and conv layers holding initialised weight tensors, SGD with
momentum and Adam that update ``param.data`` in place from ``param.grad``
after ``backward()``), using only 2.x import paths and signatures. They are
written here for the test, not taken from any library.
"""

import numpy as np
import pytest

import mygrad as mg
from mygrad import Tensor
from mygrad.nnet.activations import relu
from mygrad.nnet.initializers import glorot_uniform, he_normal
from mygrad.nnet.layers import max_pool
from mygrad.nnet.layers.conv import conv_nd
from mygrad.nnet.losses import softmax_crossentropy


class Dense:
    def __init__(self, input_size, output_size, *, weight_initializer=glorot_uniform, bias=True):
        self.weight = weight_initializer(input_size, output_size)
        self.bias = mg.zeros((1, output_size), dtype=self.weight.dtype) if bias else None

    def __call__(self, x):
        out = mg.matmul(x, self.weight)
        return out + self.bias if self.bias is not None else out

    @property
    def parameters(self):
        return (self.weight,) if self.bias is None else (self.weight, self.bias)


class Conv:
    def __init__(self, input_size, output_size, *filter_dims, stride=1, padding=0):
        self.weight = he_normal(output_size, input_size, *filter_dims)
        self.bias = mg.zeros((1, output_size) + (1,) * len(filter_dims), dtype=self.weight.dtype)
        self.stride, self.padding = stride, padding

    def __call__(self, x):
        return conv_nd(x, self.weight, stride=self.stride, padding=self.padding) + self.bias

    @property
    def parameters(self):
        return (self.weight, self.bias)


class SGD:
    def __init__(self, params, *, learning_rate=0.1, momentum=0.0):
        self.params, self.learning_rate, self.momentum = params, learning_rate, momentum
        self.velocity = [np.zeros_like(p.data) for p in params]

    def step(self):
        for p, v in zip(self.params, self.velocity):
            if p.grad is None:
                continue
            v *= self.momentum
            v -= self.learning_rate * p.grad
            p.data += v


class Adam:
    def __init__(self, params, *, learning_rate=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps = params, learning_rate, beta1, beta2, eps
        self.m = [np.zeros_like(p.data) for p in params]
        self.v = [np.zeros_like(p.data) for p in params]
        self.t = 0

    def step(self):
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            m[...] = self.b1 * m + (1 - self.b1) * p.grad
            v[...] = self.b2 * v + (1 - self.b2) * p.grad ** 2
            m_hat = m / (1 - self.b1 ** self.t)
            v_hat = v / (1 - self.b2 ** self.t)
            p.data -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def _blobs(n_per_class=40, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.5]])
    x = np.concatenate([c + 0.6 * rng.standard_normal((n_per_class, 2)) for c in centres])
    y = np.repeat(np.arange(3), n_per_class)
    return x.astype(np.float32), y


class MLP:
    def __init__(self):
        self.dense1, self.dense2 = Dense(2, 16), Dense(16, 3)

    def __call__(self, x):
        return self.dense2(relu(self.dense1(x)))

    @property
    def parameters(self):
        return self.dense1.parameters + self.dense2.parameters


@pytest.mark.parametrize("make_optim", [lambda p: SGD(p, learning_rate=0.2, momentum=0.9),
                                        lambda p: Adam(p, learning_rate=0.05)], ids=["sgd", "adam"])
def test_dense_model_with_handwritten_optimizer_trains(make_optim):
    np.random.seed(0)  # 2.x's initializers draw from NumPy's global generator
    x, y = _blobs()
    model = MLP()
    optim = make_optim(model.parameters)
    losses = []
    for _ in range(60):
        loss = softmax_crossentropy(model(x), y)
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < 0.25 * losses[0]
    with mg.no_autodiff:
        accuracy = np.mean(np.argmax(model(x), axis=1) == y)
    assert accuracy > 0.95
    for p in model.parameters:
        assert isinstance(p, Tensor) and p.dtype == np.float32 and p.grad is not None


def test_conv_model_with_handwritten_sgd_trains():
    np.random.seed(1)
    rng = np.random.default_rng(1)
    # two classes of 6x6 images: a bright vertical or horizontal bar
    n = 32
    x = 0.1 * rng.standard_normal((2 * n, 1, 6, 6)).astype(np.float32)
    cols, rows = rng.integers(1, 5, n), rng.integers(1, 5, n)
    x[np.arange(n), 0, :, cols] += 1.0
    x[n + np.arange(n), 0, rows, :] += 1.0
    y = np.repeat([0, 1], n)
    conv, dense = Conv(1, 4, 3, 3, padding=1), Dense(4 * 3 * 3, 2)
    params = conv.parameters + dense.parameters
    optim = SGD(params, learning_rate=0.1, momentum=0.9)
    losses = []
    for _ in range(40):
        h = max_pool(relu(conv(x)), (2, 2), 2)
        loss = softmax_crossentropy(dense(h.reshape(len(x), -1)), y)
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert all(p.grad.shape == p.shape for p in params)
