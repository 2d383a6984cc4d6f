"""Per-thread mode state and bounded graph bookkeeping.

Bookkeeping is measured with state sizes and Python call counts, never with
wall-clock time: a long-lived tensor used in 100,000 ops whose results are
dropped must keep no per-op state, and later ops must do the same amount of
work as on a fresh tensor (the reference grows a weakref set per tensor).
"""

import asyncio
import gc
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import mygrad as mg
from mygrad._core.memory_guard import locked_count


# ------------------------------------------------------------------ helpers
def _run_threads(*targets, timeout=60):
    errors = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # surface failures in the main thread
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=timeout)
        assert not th.is_alive()
    if errors:
        raise errors[0]


def _call_count(fn) -> int:
    """Number of Python and C function calls made by ``fn()`` (a deterministic
    measure of the work an op does)."""
    n = 0

    def prof(frame, event, arg):
        nonlocal n
        if event in ("call", "c_call"):
            n += 1

    sys.setprofile(prof)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return n


def _state_size(obj, depth=0, seen=None) -> int:
    """Number of objects reachable from ``obj`` through containers and
    ``__slots__``, not following into other tensors or arrays."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth > 6:
        return 0
    seen.add(id(obj))
    if isinstance(obj, (np.ndarray, mg.Tensor)) and depth > 0:
        return 1
    size = 1
    if isinstance(obj, dict):
        for k, v in obj.items():
            size += _state_size(k, depth + 1, seen) + _state_size(v, depth + 1, seen)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            size += _state_size(v, depth + 1, seen)
    else:
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if slot in ("__weakref__", "__dict__"):
                    continue
                try:
                    v = getattr(obj, slot)
                except AttributeError:
                    continue
                size += _state_size(v, depth + 1, seen)
    return size


def _slots(t):
    return {s: getattr(t, s) for s in type(t).__slots__ if s not in ("__weakref__", "_data")}


# ------------------------------------------------------------- thread state
def test_mem_guard_off_in_one_thread_does_not_affect_another():
    entered = threading.Event()
    done = threading.Event()
    seen = {}

    def worker():
        with mg.mem_guard_off:
            seen["worker_active"] = mg.mem_guard_active()
            x = mg.tensor([1.0, 2.0])
            y = x * x
            seen["worker_locked"] = not x.data.flags.writeable
            entered.set()
            assert done.wait(timeout=30)
            y.backward()

    def main():
        assert entered.wait(timeout=30)
        try:
            seen["main_active"] = mg.mem_guard_active()
            x = mg.tensor([1.0, 2.0])
            y = x * x
            seen["main_locked"] = not x.data.flags.writeable
            y.backward()
        finally:
            done.set()

    _run_threads(worker, main)
    assert seen == {"worker_active": False, "worker_locked": False, "main_active": True, "main_locked": True}
    assert locked_count() == 0


def test_thread_started_inside_mem_guard_off_has_the_guard_on():
    seen = {}

    def worker():
        seen["active"] = mg.mem_guard_active()

    with mg.mem_guard_off:
        _run_threads(worker)
        assert not mg.mem_guard_active()
    assert seen == {"active": True}


def test_modes_are_per_asyncio_task():
    async def inside(flag, started, release):
        with mg.no_autodiff:
            started.set()
            await release.wait()
            flag["inside"] = mg.tensor([1.0]) * 2

    async def outside(flag, started, release):
        await started.wait()
        x = mg.tensor([1.0])
        flag["outside"] = x * 2
        release.set()

    async def main():
        flag = {}
        started, release = asyncio.Event(), asyncio.Event()
        await asyncio.gather(inside(flag, started, release), outside(flag, started, release))
        return flag

    flag = asyncio.run(main())
    assert flag["inside"].creator is None
    assert flag["outside"].creator is not None


def test_concurrent_graphs_in_threads_leave_nothing_locked():
    results = {}

    def work(k):
        def run():
            w = mg.tensor(np.arange(1.0, 4.0) * k)
            total = 0.0
            for _ in range(300):
                y = (w * w).sum()
                y.backward()
                total += float(w.grad.sum())
                w.data -= 0.0  # the optimizer idiom: w must be writeable again
            results[k] = total

        return run

    _run_threads(*(work(k) for k in (1, 2, 3, 4)))
    for k in (1, 2, 3, 4):
        assert results[k] == 300 * 2 * 6.0 * k
    assert locked_count() == 0


_SHARED_OPERAND_RACE = textwrap.dedent(
    """
    import sys, threading
    import numpy as np
    import mygrad as mg
    from mygrad._core.memory_guard import locked_count

    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    errors = []

    def work(a):
        try:
            w = mg.tensor(np.ones(3))
            for _ in range(500):
                (w * a).sum().backward()  # every thread locks and unlocks the shared `a`
        except Exception as e:
            errors.append(repr(e))

    for _ in range(40):
        a = np.arange(3.0)
        threads = [threading.Thread(target=work, args=(a,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors or not a.flags.writeable or locked_count():
            break
    print(errors[:1], a.flags.writeable, locked_count())
    """
)


def test_threads_sharing_an_operand_keep_the_lock_registry_consistent():
    # in a subprocess: a corrupted registry must not leak into the other tests
    res = subprocess.run([sys.executable, "-c", _SHARED_OPERAND_RACE], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["[]", "True", "0"], res.stdout


# ------------------------------------------------------------- bookkeeping
N_OPS = 100_000


def test_long_lived_tensor_used_in_many_dropped_ops_keeps_no_state():
    gc.collect()  # (garbage of earlier tests may still hold in-place history)
    x = mg.tensor(np.ones(4))
    y = mg.tensor(np.full(4, 2.0))
    for _ in range(10):  # warm-up (first calls may create caches)
        x * y
    before_slots = _slots(x)
    before_size = _state_size(x)
    cost_before = _call_count(lambda: x * y)
    gc.collect()
    objects_before = len(gc.get_objects())
    for _ in range(N_OPS):
        x * y  # result dropped, no backward
    gc.collect()
    objects_after = len(gc.get_objects())
    after_slots = _slots(x)
    assert after_slots.keys() == before_slots.keys()
    for k in before_slots:
        assert after_slots[k] is before_slots[k] or after_slots[k] == before_slots[k], k
    assert _state_size(x) == before_size
    assert _call_count(lambda: x * y) == cost_before
    assert objects_after - objects_before < 100  # nothing per op survives
    assert locked_count() == 0
    # and it still works normally
    z = x * y
    z.backward()
    np.testing.assert_array_equal(x.grad, y.data)


def test_dropped_views_keep_no_state_and_do_not_slow_in_place_ops():
    x = mg.tensor(np.arange(10.0))
    fresh = mg.tensor(np.arange(10.0))
    _ = fresh[:5]
    _ = x[:5]
    del _

    def inplace(t):
        def run():
            t[0] += 0.0  # noqa: B018 (in-place through a view of t)

        return run

    # first in-place ops on both, so that both are in the same steady state
    inplace(x)()
    inplace(fresh)()
    x[:5]  # taking a view marks x's vertex as used: reach that steady state too
    fresh[:5]
    size_before = _state_size(x)
    gc.collect()
    objects_before = len(gc.get_objects())
    for _ in range(50_000):
        x[:5]  # a view, dropped at once
    gc.collect()
    assert len(gc.get_objects()) - objects_before < 100
    assert _state_size(x) == size_before
    assert _call_count(inplace(x)) == _call_count(inplace(fresh))
    x *= 2.0
    np.testing.assert_array_equal(x.data, 2 * np.arange(10.0))


def test_long_lived_tensor_in_eval_loop_with_reductions_and_views():
    w = mg.tensor(np.linspace(-1, 1, 6).reshape(2, 3))
    (w.T * 2.0).sum()  # warm-up: the first view gives w its (fixed-size) view record
    w[0]
    before = _state_size(w)
    cost = _call_count(lambda: (w.T * 2.0).sum())
    for _ in range(20_000):
        (w.T * 2.0).sum()
        w[0]
    assert _state_size(w) == before
    assert _call_count(lambda: (w.T * 2.0).sum()) == cost
    assert locked_count() == 0
