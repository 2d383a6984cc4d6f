"""``mg.no_autodiff``: context manager, decorator, ``to_numpy``, nesting,
exception safety and per-thread isolation (MyGrad 2.x's switch was one global)."""

import threading

import numpy as np
import pytest

import mygrad as mg
from mygrad._core.modes import tracking_active


def _tracked(x):
    """Whether an op on ``x`` is recorded right now (observable behaviour)."""
    return (x * 2.0).creator is not None


def test_context_manager_suspends_tracking():
    x = mg.tensor([1.0, 2.0])
    assert _tracked(x)
    with mg.no_autodiff:
        assert not tracking_active()
        y = x * x
        z = mg.exp(y)
        assert not _tracked(x)
    assert tracking_active()
    assert _tracked(x)
    for t in (y, z):
        assert isinstance(t, mg.Tensor)
        assert t.creator is None
    np.testing.assert_allclose(z.data, np.exp(x.data**2))


def test_results_place_no_locks_and_backward_is_a_no_op():
    x = mg.tensor([1.0, 2.0])
    with mg.no_autodiff:
        y = x * x
        assert x.data.flags.writeable and y.data.flags.writeable
        y.backward()
    assert x.grad is None and y.grad is None
    y.backward()  # y is a leaf
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    assert x.grad is None


def test_constant_flag_in_no_autodiff_comes_from_dtype_or_argument():
    c = mg.tensor([1.0, 2.0], constant=True)
    with mg.no_autodiff:
        assert (c * c).constant is False  # inputs' flags are ignored
        assert mg.add(c, c, constant=True).constant is True
        assert (mg.tensor([1, 2]) * 2).constant is True


def test_calling_it_with_no_arguments_returns_itself():
    assert mg.no_autodiff() is mg.no_autodiff
    x = mg.tensor([1.0])
    with mg.no_autodiff():
        assert not _tracked(x)
    assert _tracked(x)


def test_decorator_wraps_and_suspends_tracking():
    def scale(t, k=2.0):
        """Scale a tensor."""
        assert not tracking_active()
        return t * k

    wrapped = mg.no_autodiff(scale)
    assert wrapped.__name__ == "scale"
    assert wrapped.__doc__ == "Scale a tensor."
    assert wrapped.__wrapped__ is scale
    x = mg.tensor([1.0, 2.0])
    out = wrapped(x, k=3.0)
    assert isinstance(out, mg.Tensor)
    assert out.creator is None
    np.testing.assert_array_equal(out.data, [3.0, 6.0])
    assert tracking_active()


def test_decorator_syntax():
    @mg.no_autodiff
    def f(t):
        return mg.sum(t * t)

    x = mg.tensor([1.0, 2.0])
    out = f(x)
    assert out.creator is None and out.item() == 5.0
    assert f.__name__ == "f"


def test_to_numpy():
    x = mg.tensor([[1.0, 5.0], [3.0, 2.0]])
    f = mg.no_autodiff(lambda t: mg.sum(t * t, axis=-1), to_numpy=True)
    out = f(x)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, [26.0, 13.0])
    g = mg.no_autodiff(lambda t: t * 2)  # default: whatever the function returns
    assert isinstance(g(x), mg.Tensor)


def test_decorating_a_non_callable_raises():
    with pytest.raises(TypeError):
        mg.no_autodiff(3)


def test_nesting_restores_each_level():
    x = mg.tensor([1.0])
    with mg.no_autodiff:
        with mg.no_autodiff:
            assert not _tracked(x)
        assert not _tracked(x)  # still off after the inner block
        with mg.mem_guard_off:
            assert not _tracked(x)
        assert not _tracked(x)
    assert _tracked(x)


def test_exceptions_restore_state():
    x = mg.tensor([1.0])
    with pytest.raises(RuntimeError):
        with mg.no_autodiff:
            raise RuntimeError("boom")
    assert tracking_active() and _tracked(x)

    @mg.no_autodiff
    def fail():
        raise KeyError("k")

    with pytest.raises(KeyError):
        fail()
    assert tracking_active() and _tracked(x)

    with pytest.raises(ZeroDivisionError):
        with mg.no_autodiff:
            with mg.no_autodiff:
                1 / 0
    assert tracking_active()


def test_decorated_function_called_inside_the_context_keeps_it_off():
    @mg.no_autodiff
    def f():
        return tracking_active()

    with mg.no_autodiff:
        assert f() is False
        assert not tracking_active()
    assert tracking_active()


def _run_in_thread(fn):
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # surface failures in the main thread
            box["error"] = e

    th = threading.Thread(target=target)
    th.start()
    th.join(timeout=30)
    assert not th.is_alive()
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_thread_started_inside_no_autodiff_still_tracks():
    with mg.no_autodiff:
        tracked_in_thread = _run_in_thread(lambda: _tracked(mg.tensor([1.0])))
        assert not tracking_active()
    assert tracked_in_thread is True


def test_no_autodiff_in_a_thread_does_not_affect_the_main_thread():
    entered = threading.Event()
    release = threading.Event()
    seen = {}

    def worker():
        with mg.no_autodiff:
            seen["worker"] = tracking_active()
            entered.set()
            release.wait(timeout=30)
            seen["worker_after"] = _tracked(mg.tensor([1.0]))

    th = threading.Thread(target=worker)
    th.start()
    try:
        assert entered.wait(timeout=30)
        x = mg.tensor([1.0, 2.0])
        y = x * x  # the worker is inside no_autodiff right now
        assert y.creator is not None
        assert tracking_active()
    finally:
        release.set()
        th.join(timeout=30)
    assert seen == {"worker": False, "worker_after": False}
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
