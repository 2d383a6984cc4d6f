"""Property-based test of views + in-place operations.

A hypothesis ``RuleBasedStateMachine`` keeps a mygrad tensor ``x = w * 1``
(so that gradients reach the leaf ``w``), views of it (views of views, negative
steps, transposes, reshapes, expand/squeeze), and out-of-place results, next
to a NumPy mirror built by the very same steps. Every step is a closure over
an *environment* (``x``, ``views``, ``results``) that works the same on
ndarrays and on tensors, so one recorded program drives:

* the tracked mygrad run,
* the NumPy mirror (expected values and aliasing),
* an index mirror (``x`` = flat positions; only view/shape steps) that tells
  which elements of ``x`` each view covers (expected ``view.grad``), and
* the pure replay ``f(w)`` under ``mg.no_autodiff`` used for finite
  differences.

Invariants after every step: values of ``x``, every view and every result equal
the mirror; views share memory with ``x`` and report ``base is x``; ``x`` keeps
its identity, its buffer and its constant flag; an ndarray view of ``x.data``
taken at the start sees every mutation. A rule backpropagates mid-way (then the
program goes on: views must stay views of the data and of the gradients across
``backward()``). At each backward a scalar loss over all the current tensors is
backpropagated: the first one's ``w.grad`` must match finite differences of the
replay; every time, every ``view.grad`` is the matching view of ``x.grad``, and
no array stays locked.

The machine runs with the memory guard on and off, and once more derandomized
over a fixed, larger set of programs. (Boolean-mask assignment from an
overlapping view is left out: mygrad reads the value before writing, NumPy does
not buffer it there, so the NumPy mirror would differ; ``test_inplace.py``
checks mygrad's behaviour.)
"""

from __future__ import annotations

import functools
import gc
import operator
import traceback

import numpy as np
import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

import mygrad as mg
import mygrad._core.graph as graph
from mygrad._core.memory_guard import locked_count
from mygrad.testing import numerical_gradient


@pytest.fixture(autouse=True)
def _share_every_gradient(monkeypatch):
    """Backprop shares large gradients with their upstream (read-only, copied
    on write) and copies small ones: the machines' arrays are small, so make
    every gradient take the sharing path here."""
    monkeypatch.setattr(graph, "SHARE_MIN_SIZE", 0)


MAX_VIEWS = 6
MAX_RESULTS = 6
MUL_BUDGET = 3  # tensor-by-tensor products allowed per run (keeps values bounded)

SHAPES = [(4,), (2, 3), (3, 2), (2, 2, 2), (1, 3, 2)]

small_floats = st.floats(-1.5, 1.5, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3))
divisors = st.floats(0.5, 2.0, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3))


# ------------------------------------------------------------------ environment
class Env:
    """What the recorded program manipulates (tensors or ndarrays)."""

    def __init__(self, x):
        self.x = x
        self.views: list = []
        self.results: list = []

    def get(self, ref):
        kind, i = ref
        if kind == "x":
            return self.x
        return (self.views if kind == "v" else self.results)[i]

    def set(self, ref, value) -> None:
        kind, i = ref
        if kind == "x":
            self.x = value
        else:
            (self.views if kind == "v" else self.results)[i] = value

    def all(self) -> list:
        return [self.x, *self.views, *self.results]


class Value:
    """A value of an in-place op: ``value(env)``; ``ref`` when it is a tensor of the environment."""

    def __init__(self, fn, ref=None):
        self.fn = fn
        self.ref = ref

    def __call__(self, env):
        return self.fn(env)


def _guarded(method):
    """Remember that the run failed, so that teardown only cleans up."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.failed = True
            raise

    return wrapper


def _loss(env: Env, weights: list):
    total = None
    for t, c in zip(env.all(), weights):
        term = (t * c).sum()
        total = term if total is None else total + term
    return total


def _broadcasts_to(shape, target) -> bool:
    try:
        return np.broadcast_shapes(tuple(shape), tuple(target)) == tuple(target)
    except ValueError:
        return False


def _factor_shapes(size: int, current: tuple) -> list:
    """Shapes with ``size`` elements, other than ``current``."""
    out = {(size,), (1, size), (size, 1)}
    for k in range(2, size):
        if size % k == 0:
            out.add((k, size // k))
            out.add((size // k, 1, k))
    out.discard(tuple(current))
    return sorted(out)


AUG_OPS = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv}


class ViewsAndInPlace(RuleBasedStateMachine):
    #: run the tracked program with the memory guard on (the default) or off
    GUARD = True

    def _tracked(self, fn, *args):
        if self.GUARD:
            return fn(*args)
        with mg.mem_guard_off:
            return fn(*args)

    def __init__(self):
        super().__init__()
        self.failed = False
        #: a view of x was written into x, or a view was made after an in-place
        #: write (see ufunc_with_out)
        self.assigned_from_view = False
        self.steps: list = []
        self.kinds: list = []
        self.mul_budget = MUL_BUDGET
        self.backprops = 0
        self.w = None

    # ------------------------------------------------------------ setup
    @initialize(
        data=st.data(),
        shape=st.sampled_from(SHAPES),
    )
    @_guarded
    def setup(self, data, shape):
        gc.collect()
        self.baseline_locks = locked_count()
        w0 = data.draw(hnp.arrays(np.float64, shape, elements=small_floats), label="w")
        self.w0 = w0
        self.w = mg.tensor(w0)
        self.env = Env(self._tracked(lambda: self.w * 1))
        self.mirror = Env(w0 * 1)
        self.index = Env(np.arange(w0.size).reshape(shape))
        self.x_obj = self.env.x
        self.x_buffer = self.env.x.data
        self.raw = self.env.x.data.view()  # an external NumPy view, taken before any mutation

    # ------------------------------------------------------------ helpers
    def _apply(self, step, kind: str):
        """Run ``step`` on the mirror, the tracked run (and the index mirror
        for view/shape steps), and record it for the replay."""
        step(self.mirror)
        self._tracked(step, self.env)
        if kind in ("view", "shape"):
            step(self.index)
        self.steps.append(step)
        self.kinds.append(kind)

    def _refs(self, data, *, kinds=("x", "v", "r"), label="ref", where=None):
        refs = []
        if "x" in kinds:
            refs.append(("x", 0))
        if "v" in kinds:
            refs += [("v", i) for i in range(len(self.mirror.views))]
        if "r" in kinds:
            refs += [("r", i) for i in range(len(self.mirror.results))]
        if where is not None:
            refs = [r for r in refs if where(self.mirror.get(r))]
        if not refs:
            return None
        return data.draw(st.sampled_from(refs), label=label)

    def _target(self, data):
        # every view made here is writeable (no broadcast_to)
        return self._refs(data, kinds=("x", "v"), label="target")

    def _value(self, data, shape, *, multiplicative=False, divide=False, exclude=None):
        """A value for an in-place op on something of ``shape``: a closure
        ``env -> value`` (Python scalar, constant ndarray or a tensor of the
        environment)."""
        choices = ["scalar", "array"]
        refs = [r for r in self._all_refs() if _broadcasts_to(self.mirror.get(r).shape, shape) and r != exclude]
        if refs and not divide and (not multiplicative or self.mul_budget > 0):
            choices.append("ref")
        kind = data.draw(st.sampled_from(choices), label="value kind")
        if kind == "scalar":
            v = data.draw(divisors if divide else small_floats, label="scalar")
            return Value(lambda env: v)
        if kind == "array":
            vshape = data.draw(st.sampled_from(sorted({tuple(shape), tuple(shape[1:]), tuple(shape[-1:]), ()})),
                               label="value shape")
            arr = data.draw(hnp.arrays(np.float64, vshape, elements=divisors if divide else small_floats),
                            label="array")
            return Value(lambda env: arr)
        ref = data.draw(st.sampled_from(refs), label="value ref")
        if multiplicative:
            self.mul_budget -= 1
        return Value(lambda env: env.get(ref), ref)

    def _all_refs(self):
        return [("x", 0), *(("v", i) for i in range(len(self.mirror.views))),
                *(("r", i) for i in range(len(self.mirror.results)))]

    def _key(self, data, shape):
        """An index for ``shape``: basic, integer-array (with repeats), mixed or boolean."""
        kinds = ["basic", "bool"]
        if len(shape) >= 1 and shape[0] >= 1:
            kinds.append("int")
        if len(shape) >= 2 and shape[1] >= 1:
            kinds.append("mixed")
        kind = data.draw(st.sampled_from(kinds), label="key kind")
        if kind == "basic":
            return data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True), label="key")
        if kind == "bool":
            return data.draw(hnp.arrays(np.bool_, shape), label="mask key")
        n = shape[0] if kind == "int" else shape[1]
        idx = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4), label="int key")
        idx = np.array(idx, dtype=np.intp)
        return idx if kind == "int" else (slice(None), idx)

    # ------------------------------------------------------------ views
    @precondition(lambda self: self.w is not None and len(self.mirror.views) < MAX_VIEWS)
    @rule(data=st.data())
    @_guarded
    def make_view(self, data):
        if "inplace" in self.kinds:
            self.assigned_from_view = True  # (the view's vertex uses a written vertex: see ufunc_with_out)
        parent_ref = self._refs(data, kinds=("x", "v"), label="parent")
        p = self.mirror.get(parent_ref)
        kinds = ["index", "reverse", "transpose", "expand_dims"]
        if p.ndim >= 2:
            kinds += ["swapaxes", "moveaxis", "T"]
        if p.flags.c_contiguous and p.size > 0:
            kinds += ["reshape", "ravel"]
        if 1 in p.shape:
            kinds.append("squeeze")
        kind = data.draw(st.sampled_from(kinds), label="view kind")
        if kind == "index":
            key = data.draw(hnp.basic_indices(p.shape, min_dims=1, allow_newaxis=True, allow_ellipsis=True),
                            label="key")
            fn = lambda a: a[key]  # noqa: E731
        elif kind == "reverse":
            axis = data.draw(st.integers(0, max(p.ndim - 1, 0)), label="axis") if p.ndim else 0
            key = (slice(None),) * axis + (slice(None, None, -1),)
            fn = (lambda a: a[key]) if p.ndim else (lambda a: a[...])
        elif kind == "transpose":
            perm = tuple(data.draw(st.permutations(range(p.ndim)), label="axes"))
            fn = lambda a: np.transpose(a, perm)  # noqa: E731
        elif kind == "T":
            fn = lambda a: a.T  # noqa: E731
        elif kind == "swapaxes":
            i, j = data.draw(st.tuples(st.integers(-p.ndim, p.ndim - 1), st.integers(-p.ndim, p.ndim - 1)), label="axes")
            fn = lambda a: np.swapaxes(a, i, j)  # noqa: E731
        elif kind == "moveaxis":
            i, j = data.draw(st.tuples(st.integers(0, p.ndim - 1), st.integers(0, p.ndim - 1)), label="axes")
            fn = lambda a: np.moveaxis(a, i, j)  # noqa: E731
        elif kind == "expand_dims":
            axis = data.draw(st.integers(-p.ndim - 1, p.ndim), label="axis")
            fn = lambda a: np.expand_dims(a, axis)  # noqa: E731
        elif kind == "squeeze":
            axis = data.draw(st.sampled_from([i for i, n in enumerate(p.shape) if n == 1]), label="axis")
            fn = lambda a: np.squeeze(a, axis=axis)  # noqa: E731
        elif kind == "ravel":
            fn = np.ravel
        else:
            newshape = data.draw(st.sampled_from(_factor_shapes(p.size, p.shape) or [(p.size,)]), label="shape")
            fn = lambda a: np.reshape(a, newshape)  # noqa: E731

        probe = fn(p)
        assert np.shares_memory(probe, self.mirror.x) or probe.size == 0  # a NumPy view

        def step(env):
            env.views.append(fn(env.get(parent_ref)))

        self._apply(step, "view")

    # ------------------------------------------------------- in-place ops
    @precondition(lambda self: self.w is not None)
    @rule(data=st.data(), op=st.sampled_from(sorted(AUG_OPS)))
    @_guarded
    def augmented_assignment(self, data, op):
        tref = self._target(data)
        shape = self.mirror.get(tref).shape
        value = self._value(data, shape, multiplicative=op == "*=", divide=op == "/=")
        fn = AUG_OPS[op]

        def step(env):
            t = env.get(tref)
            out = fn(t, value(env))
            assert out is t  # the target keeps its identity

        self._apply(step, "inplace")

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data())
    @_guarded
    def setitem(self, data):
        tref = self._target(data)
        t = self.mirror.get(tref)
        key = self._key(data, t.shape)
        kshape = t[key].shape
        value = self._value(data, kshape)
        if (value.ref is not None and getattr(key, "dtype", None) == np.bool_
                and np.shares_memory(self.mirror.get(value.ref), t)):
            # boolean-mask assignment from an overlapping view: NumPy does not
            # buffer the value, mygrad reads it first (documented), so the NumPy
            # mirror would differ (test_inplace.py checks mygrad's behaviour)
            return

        def step(env):
            target = env.get(tref)
            target[key] = value(env)

        if value.ref is not None:
            self.assigned_from_view = True
        self._apply(step, "inplace")

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data(), ufunc=st.sampled_from([np.multiply, np.add, np.subtract]), masked=st.booleans())
    @_guarded
    def ufunc_with_out(self, data, ufunc, masked):
        tref = self._target(data)
        shape = self.mirror.get(tref).shape
        mul = ufunc is np.multiply
        a = self._value(data, shape, multiplicative=mul)
        b = self._value(data, shape, multiplicative=mul)
        if self.assigned_from_view and not masked and tref not in (a.ref, b.ref):
            # known limitation: a whole overwrite that discards a vertex which a
            # view had used (a view made from, or written into, an in-place
            # result) leaves that older vertex (and the locks it holds, e.g. on an
            # ndarray operand) in x's history until x is garbage-collected
            return
        if masked:
            mshape = data.draw(st.sampled_from(sorted({tuple(shape), tuple(shape[-1:])})), label="mask shape")
            mask = data.draw(hnp.arrays(np.bool_, mshape), label="where")
        else:
            mask = True

        def step(env):
            target = env.get(tref)
            out = ufunc(a(env), b(env), out=target, where=mask)
            assert out is target

        self._apply(step, "inplace")

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data())
    @_guarded
    def assign_own_reversal(self, data):
        """``t[...] = t[::-1]``: the value aliases the target."""
        tref = self._refs(data, kinds=("x", "v"), label="target", where=lambda a: a.ndim >= 1)
        if tref is None:
            return

        def step(env):
            t = env.get(tref)
            t[...] = t[::-1]

        self.assigned_from_view = True
        self._apply(step, "inplace")

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data())
    @_guarded
    def set_shape(self, data):
        """``t.shape = s`` on ``x`` or on a C-contiguous view (NumPy allows it there)."""
        tref = self._refs(data, kinds=("x", "v"), label="target",
                          where=lambda a: a.flags.c_contiguous and a.size > 0)
        if tref is None:
            return
        t = self.mirror.get(tref)
        choices = _factor_shapes(t.size, t.shape)
        if not choices:
            return
        newshape = data.draw(st.sampled_from(choices), label="shape")

        def step(env):
            a = env.get(tref)
            if isinstance(a, np.ndarray):  # (NumPy 2.5 deprecates its shape setter: a view instead)
                env.set(tref, a.reshape(newshape))
            else:
                a.shape = newshape

        self._apply(step, "shape")

    # --------------------------------------------------- out-of-place ops
    @precondition(lambda self: self.w is not None and len(self.mirror.results) < MAX_RESULTS)
    @rule(data=st.data())
    @_guarded
    def compute(self, data):
        sref = self._refs(data, label="source")
        s = self.mirror.get(sref)
        kinds = ["affine", "sin", "sum", "bool_index"]
        if self.mul_budget > 0:
            kinds += ["square", "product"]
        if s.ndim >= 1 and s.shape[0] >= 1:
            kinds.append("int_index")
        kind = data.draw(st.sampled_from(kinds), label="op")
        if kind == "affine":
            c, d = data.draw(st.tuples(small_floats, small_floats), label="c, d")
            fn = lambda env, a: a * c + d  # noqa: E731
        elif kind == "sin":
            fn = lambda env, a: np.sin(a)  # noqa: E731
        elif kind == "sum":
            axis = data.draw(st.sampled_from([None, *range(s.ndim)]), label="axis")
            fn = lambda env, a: a.sum(axis=axis)  # noqa: E731
        elif kind == "bool_index":
            mask = data.draw(hnp.arrays(np.bool_, s.shape), label="mask")
            fn = lambda env, a: a[mask]  # noqa: E731
        elif kind == "int_index":
            idx = np.array(data.draw(st.lists(st.integers(-s.shape[0], s.shape[0] - 1), min_size=1, max_size=5),
                                     label="indices (repeats accumulate)"), dtype=np.intp)
            fn = lambda env, a: a[idx]  # noqa: E731
        elif kind == "square":
            self.mul_budget -= 1
            fn = lambda env, a: a * a  # noqa: E731
        else:
            oref = self._refs(data, label="other", where=lambda o: _broadcasts_to(o.shape, s.shape))
            self.mul_budget -= 1
            fn = lambda env, a: a * env.get(oref)  # noqa: E731

        def step(env):
            env.results.append(fn(env, env.get(sref)))

        self._apply(step, "result")

    # --------------------------------------------------------- invariants
    @invariant()
    @_guarded
    def values_and_aliasing_match_numpy(self):
        if self.w is None:
            return
        env, mir = self.env, self.mirror
        x = env.x
        assert x is self.x_obj
        # in-place ops write into the existing buffer (the shape setter gives a
        # new array object over the same memory)
        assert x.data.__array_interface__["data"][0] == self.x_buffer.__array_interface__["data"][0]
        assert x.constant is False
        np.testing.assert_array_equal(x.data, mir.x)
        # an ndarray view of x.data taken before any mutation sees every write
        np.testing.assert_array_equal(self.raw.reshape(-1), x.data.reshape(-1))
        assert len(env.views) == len(mir.views) and len(env.results) == len(mir.results)
        for i, (v, vn) in enumerate(zip(env.views, mir.views)):
            assert isinstance(v, mg.Tensor)
            assert v.shape == vn.shape, f"view {i}"
            np.testing.assert_array_equal(v.data, vn, err_msg=f"view {i}")
            assert v.base is x, f"view {i} lost its base"
            assert v.constant is False
            if v.size:
                assert np.shares_memory(v.data, x.data), f"view {i} does not share memory with x"
        for i, (r, rn) in enumerate(zip(env.results, mir.results)):
            assert r.shape == rn.shape, f"result {i}"
            np.testing.assert_array_equal(r.data, rn, err_msg=f"result {i}")
            assert r.base is None or r.base is x

    # ----------------------------------------------------------- the end
    def teardown(self):
        if self.w is None:
            return
        env = self.env
        try:
            if self.failed:
                return
            self._backprop_and_check()
        except BaseException:
            self.failed = True
            raise
        finally:
            for t in env.all():
                t.clear_graph()
            self.env = self.mirror = self.index = None
            env = None
            gc.collect()
            if not self.failed:
                assert locked_count() <= self.baseline_locks, "an array stayed locked after the graph was gone"

    @precondition(lambda self: self.w is not None)
    @rule()
    @_guarded
    def backward_midway(self):
        """Backprop a loss over every current tensor, then carry on: views must
        stay views (of the data and of the gradients) across ``backward()``."""
        self._backprop_and_check()

    def _backprop_and_check(self):
        env, mir = self.env, self.mirror
        rng = np.random.default_rng(len(self.steps))
        weights = [rng.uniform(-1, 1, size=np.shape(a)).round(3) for a in mir.all()]
        steps = list(self.steps)

        def replay(w):
            e = Env(w * 1)
            for step in steps:
                step(e)
            return _loss(e, weights)

        loss = self._tracked(_loss, env, weights)
        loss.backward()
        if not self.backprops:
            # the first backward reaches w: compare with finite differences of the replay
            numeric = numerical_gradient(replay, self.w0)[0]
            # w.grad is None when backprop does not reach w (x was overwritten by constants)
            grad = np.zeros_like(self.w0) if self.w.grad is None else self.w.grad
            scale = max(1.0, float(np.abs(numeric).max()))
            np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-6 * scale,
                                       err_msg="w.grad does not match finite differences")
        self.backprops += 1

        # gradient views: view.grad is the matching view of x.grad
        x = env.x
        assert x.grad is not None and x.grad.shape == x.shape
        flat_grad = x.grad.reshape(-1)
        for i, (v, positions) in enumerate(zip(env.views, self.index.views)):
            g = v.grad
            assert g is not None, f"view {i} has no gradient"
            np.testing.assert_array_equal(g, flat_grad[positions], err_msg=f"view {i}.grad")
            if g.size:
                assert g.base is x.grad, f"view {i}.grad is not a view of x.grad"

        # the graph is gone: nothing is locked, every array is writeable (compared
        # with the count at the start, so that one failing example cannot make
        # the next one fail)
        assert locked_count() <= self.baseline_locks
        for t in env.all():
            assert t.creator is None
            assert t.data.flags.writeable


class ViewsAndInPlaceGuardOff(ViewsAndInPlace):
    GUARD = False


ViewsAndInPlace.TestCase.settings = settings(stateful_step_count=10)
ViewsAndInPlaceGuardOff.TestCase.settings = settings(stateful_step_count=10)
#: the machine with the memory guard on (the default)
TestViewsAndInPlace = ViewsAndInPlace.TestCase
#: ... and with the memory guard off while the tracked program runs
TestViewsAndInPlaceGuardOff = ViewsAndInPlaceGuardOff.TestCase


def test_views_and_inplace_full_program_space():
    """The machine over a fixed, larger set of programs (memory guard on).
    Shrinking is off and the run derandomized, so this stays fast and its
    outcome stable."""
    try:
        run_state_machine_as_test(
            ViewsAndInPlace,
            settings=settings(max_examples=60, stateful_step_count=10, phases=[Phase.explicit, Phase.generate],
                              derandomize=True),
        )
    except BaseException as e:
        # the traceback keeps the failing example's tensors (and their locks)
        # alive: drop it before the suite's leak check runs
        message = "".join(traceback.format_exception_only(e)) + "\n".join(getattr(e, "__notes__", []))
        e.__traceback__ = None
        del e
        gc.collect()
        raise AssertionError(message) from None
