"""Every write to memory reachable from a tensor is refused or recorded:
a hypothesis state machine over the ways of writing.

The machine keeps two leaves ``w0``, ``w1`` and a growing list of *slots*
(tensors made from them: op results, views, copies, constants). A step is a
closure over an environment that works on tensors (the run under test) and on
ndarrays (the *replay*). The steps cover:

* raw NumPy writes through ``t.data``, ``np.asarray(t)`` and a NumPy view of
  ``t.data`` taken at the time of the write (refused or not: the machine
  records only writes that went through);
* in-place writes through mygrad: augmented assignment, ``t[key] = v``,
  ``np.copyto(t, v, where=m)``, ``np.multiply(a, b, out=t, where=m)``,
  a boolean-only ufunc with ``out=t`` (refused for non-constant ``t``);
* constructors that could alias memory (``mg.astensor(t, constant=True)``,
  ``mg.Tensor(t, copy=False)``, ``mg.tensor(t, copy=False)``);
* the data setter (``t.data = arr``; refused on views);
* an :class:`~mygrad.Operation` that keeps its input's array for backward;
* views, and out-of-place ops (including ones whose rules read their output).

The invariant: after every step the tensors' values equal the replay's; at
the end, the gradients of a loss over every slot equal the finite
differences of the replay run from scratch with perturbed leaves, where the
replay uses "the values actually used": it applies exactly the writes that
went through, a raw write into a leaf's memory keeps the leaf a variable
(the written value plus the perturbation), and values that mygrad makes
constant (copies made constant, the data setter, writes into constants) are
the recorded values of the run.
"""

from __future__ import annotations

import functools
import gc

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import mygrad as mg
import mygrad._core.graph as graph
from mygrad import Operation
from mygrad._core.memory_guard import locked_count


@pytest.fixture(autouse=True)
def _share_every_gradient(monkeypatch):
    """Backprop shares large gradients with their upstream (read-only, copied
    on write) and copies small ones: the machines' arrays are small, so make
    every gradient take the sharing path here."""
    monkeypatch.setattr(graph, "SHARE_MIN_SIZE", 0)


SHAPES = [(4,), (2, 3), (3, 2)]
MAX_SLOTS = 10
MUL_BUDGET = 3

small = st.floats(-1.5, 1.5, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3))


def _central_differences(f, deltas, h=1e-6):
    grads = []
    for k, d in enumerate(deltas):
        g = np.zeros_like(d)
        for idx in np.ndindex(d.shape):
            up = [x.copy() for x in deltas]
            down = [x.copy() for x in deltas]
            up[k][idx] += h
            down[k][idx] -= h
            g[idx] = (float(f(*up)) - float(f(*down))) / (2 * h)
        grads.append(g)
    return grads


class KeepSin(Operation):
    """An op that keeps its input's array until backward (a common 2.x pattern)."""

    def __call__(self, x):
        self.variables = (x,)
        self.x = x.data
        return np.sin(x.data)

    def backward_var(self, grad, index, **kwargs):
        return grad * np.cos(self.x)


# ------------------------------------------------------------------ environment
class Env:
    """Slots of tensors (``kind == "mg"``) or of ndarrays (the replay).

    ``delta[i]``: for a slot whose memory is a leaf's (the leaf or a view of
    it), the leaf's perturbation viewed the same way (replay only).
    """

    def __init__(self, kind: str, leaves: list, deltas: list | None = None):
        self.kind = kind
        self.slots = list(leaves)
        self.delta = list(deltas) if deltas is not None else [None] * len(leaves)

    def add(self, value, delta=None) -> None:
        if self.kind == "np":
            value = np.asarray(value)  # (NumPy gives scalars for 0-d results)
        self.slots.append(value)
        self.delta.append(delta)


def _guarded(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            self.failed = True
            raise

    return wrapper


def _broadcasts_to(shape, target) -> bool:
    try:
        return np.broadcast_shapes(tuple(shape), tuple(target)) == tuple(target)
    except ValueError:
        return False


class Meta:
    """What the machine knows about a slot (the same in both runs)."""

    def __init__(self, root: int, leaf: bool, constant: bool, view: bool):
        self.root = root  # slot index of the root of its memory
        self.leaf = leaf  # its memory is one of the leaves w0, w1
        self.constant = constant
        self.view = view


class Writes(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.failed = False
        self.steps: list = []
        self.w = None
        self.meta: list = []
        self.mul_budget = MUL_BUDGET

    # -------------------------------------------------------------- setup
    @initialize(data=st.data(), shape=st.sampled_from(SHAPES))
    @_guarded
    def setup(self, data, shape):
        gc.collect()
        self.baseline_locks = locked_count()
        w0 = data.draw(hnp.arrays(np.float64, shape, elements=small), label="w0")
        w1 = data.draw(hnp.arrays(np.float64, shape[-1:], elements=small), label="w1")
        self.w0s = [w0, w1]
        self.w = [mg.tensor(w0), mg.tensor(w1)]
        self.env = Env("mg", self.w)
        self.mirror = Env("np", [w0.copy(), w1.copy()], [np.zeros_like(w0), np.zeros_like(w1)])
        self.meta = [Meta(0, True, False, False), Meta(1, True, False, False)]

    # ------------------------------------------------------------ helpers
    def _apply(self, step, meta: Meta | None = None) -> bool:
        """Run ``step`` on the tensors; if it went through, on the mirror too,
        and record it. A step returns False when mygrad refused it."""
        ok = step(self.env)
        if ok is False:
            return False
        assert step(self.mirror) is not False
        self.steps.append(step)
        if meta is not None:
            self.meta.append(meta)
        return True

    def _slot(self, data, label="slot", where=None):
        idx = [i for i in range(len(self.meta)) if where is None or where(i)]
        if not idx:
            return None
        return data.draw(st.sampled_from(idx), label=label)

    def _shape(self, i):
        return self.mirror.slots[i].shape

    def _constant_of(self, *slots) -> bool:
        return all(self.meta[i].constant for i in slots)

    def _key(self, data, shape):
        if data.draw(st.booleans(), label="bool key?") or not shape:
            return data.draw(hnp.arrays(np.bool_, shape), label="mask")
        return data.draw(hnp.basic_indices(shape, allow_ellipsis=True), label="key")

    # ------------------------------------------------------ out-of-place ops
    @precondition(lambda self: self.w is not None and len(self.meta) < MAX_SLOTS)
    @rule(data=st.data())
    @_guarded
    def compute(self, data):
        i = self._slot(data, "source")
        kinds = ["affine", "sin", "tanh_exp", "sum", "fancy", "keepsin"]
        if self.mul_budget > 0:
            kinds.append("product")
        kind = data.draw(st.sampled_from(kinds), label="op")
        srcs = (i,)
        if kind == "affine":
            c, d = data.draw(st.tuples(small, small), label="c, d")

            def fn(env, a):
                return a * c + d
        elif kind == "sin":
            def fn(env, a):
                return np.sin(a)
        elif kind == "tanh_exp":  # exp's rule reads its output
            def fn(env, a):
                return np.exp(np.tanh(a))
        elif kind == "sum":
            axis = data.draw(st.sampled_from([None, *range(len(self._shape(i)))]), label="axis")

            def fn(env, a):
                return a.sum(axis=axis)
        elif kind == "fancy":
            n = self._shape(i)[0] if self._shape(i) else 0
            if not n:
                return
            idx = np.array(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4), label="idx"))

            def fn(env, a):
                return a[idx]
        elif kind == "keepsin":
            def fn(env, a):
                return mg.execute_op(KeepSin, a) if env.kind == "mg" else np.sin(a)
        else:
            j = self._slot(data, "other", where=lambda j: _broadcasts_to(self._shape(j), self._shape(i)))
            self.mul_budget -= 1
            srcs = (i, j)

            def fn(env, a):
                return a * env.slots[j]

        def step(env):
            env.add(fn(env, env.slots[i]))

        self._apply(step, Meta(len(self.meta), False, self._constant_of(*srcs), False))

    @precondition(lambda self: self.w is not None and len(self.meta) < MAX_SLOTS)
    @rule(data=st.data())
    @_guarded
    def make_view(self, data):
        i = self._slot(data, "parent", where=lambda i: self.mirror.slots[i].ndim >= 1)
        if i is None:
            return
        shape = self._shape(i)
        kind = data.draw(st.sampled_from(["index", "reverse", "transpose", "expand_dims"]), label="view")
        if kind == "index":
            key = data.draw(hnp.basic_indices(shape, min_dims=1, allow_ellipsis=True), label="key")
            fn = lambda a: a[key]  # noqa: E731
        elif kind == "reverse":
            fn = lambda a: a[::-1]  # noqa: E731
        elif kind == "transpose":
            fn = lambda a: a.T  # noqa: E731
        else:
            fn = lambda a: np.expand_dims(a, 0)  # noqa: E731
        if not np.shares_memory(fn(self.mirror.slots[i]), self.mirror.slots[i]):
            return  # (an empty view)

        def step(env):
            d = env.delta[i]
            env.add(fn(env.slots[i]), None if d is None else fn(d))

        m = self.meta[i]
        self._apply(step, Meta(m.root, m.leaf, m.constant, True))

    # ------------------------------------------------------------ raw writes
    @precondition(lambda self: self.w is not None)
    @rule(data=st.data(), how=st.sampled_from(["data", "asarray", "numpy view"]))
    @_guarded
    def raw_write(self, data, how):
        i = self._slot(data, "target")
        shape = self._shape(i)
        key = self._key(data, shape)
        value = data.draw(small, label="value")

        def step(env):
            t = env.slots[i]
            if env.kind == "mg":
                try:
                    if how == "data":
                        t.data[key] = value
                    elif how == "asarray":
                        np.asarray(t)[key] = value
                    else:
                        t.data[...][key] = value  # a NumPy view taken now
                except ValueError:
                    return False  # refused: nothing changed
                return True
            d = env.delta[i]
            # a raw write into a leaf's memory: the leaf stays the variable
            t[key] = value if d is None else value + d[key]
            return True

        self._apply(step)

    # ------------------------------------------------------ recorded writes
    def _writable_target(self, data):
        """A slot whose memory is not a leaf's (in-place ops through mygrad
        make the written tensor a new graph vertex; the leaves stay leaves)."""
        return self._slot(data, "target", where=lambda i: not self.meta[i].leaf)

    def _value(self, data, shape):
        refs = [j for j in range(len(self.meta)) if _broadcasts_to(self._shape(j), shape)]
        if refs and data.draw(st.booleans(), label="tensor value?"):
            j = data.draw(st.sampled_from(refs), label="value slot")
            return (lambda env: env.slots[j]), j
        v = data.draw(hnp.arrays(np.float64, st.sampled_from([shape, shape[-1:], ()]), elements=small),
                      label="array value")
        return (lambda env: v), None

    def _finish_constant(self, i, run):
        """Writes into a constant: the replay takes the run's values."""
        root = self.meta[i].root
        if not self.meta[i].constant:
            return run
        recorded = {}

        def step(env):
            if env.kind == "mg":
                ok = run(env)
                if ok is not False:
                    recorded["values"] = np.array(env.slots[root].data)
                return ok
            env.slots[root][...] = recorded["values"]
            return True

        return step

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data(), op=st.sampled_from(["+=", "*=", "setitem", "copyto", "multiply out"]))
    @_guarded
    def write_through_mygrad(self, data, op):
        i = self._writable_target(data)
        if i is None:
            return
        shape = self._shape(i)
        key = self._key(data, shape) if op == "setitem" else None
        value, j = self._value(data, shape if key is None else self.mirror.slots[i][key].shape)
        if op == "*=" and j is not None:
            if self.mul_budget <= 0:
                return
            self.mul_budget -= 1
        if op == "setitem":
            if j is not None and getattr(key, "dtype", None) == np.bool_ and np.shares_memory(
                    self.mirror.slots[j], self.mirror.slots[i]):
                return  # (NumPy does not buffer an overlapping boolean-mask assignment; mygrad does)
        mask = data.draw(hnp.arrays(np.bool_, shape), label="where") if op in ("copyto", "multiply out") else None

        def run(env):
            t = env.slots[i]
            v = value(env)
            if op == "+=":
                t += v
            elif op == "*=":
                t *= v
            elif op == "setitem":
                t[key] = v
            elif op == "copyto":
                np.copyto(t, v, where=mask)
            else:
                out = np.multiply(v, 0.5, out=t, where=mask)
                assert out is t
            return True

        self._apply(self._finish_constant(i, run))

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data())
    @_guarded
    def bool_ufunc_out(self, data):
        i = self._writable_target(data)
        if i is None:
            return
        src = self._slot(data, "source", where=lambda j: _broadcasts_to(self._shape(j), self._shape(i)))

        def run(env):
            t = env.slots[i]
            if env.kind == "mg" and not t.constant:
                try:
                    np.signbit(env.slots[src], out=t)
                except ValueError:
                    return False  # refused: the result has no derivative
                raise AssertionError("a boolean ufunc wrote into a non-constant tensor")
            np.signbit(env.slots[src], out=t)
            return True

        self._apply(self._finish_constant(i, run))

    # ------------------------------------------------------------ aliasing
    @precondition(lambda self: self.w is not None and len(self.meta) < MAX_SLOTS)
    @rule(data=st.data(), how=st.sampled_from(["astensor constant", "Tensor copy=False", "tensor copy=False"]))
    @_guarded
    def construct_from(self, data, how):
        i = self._slot(data, "source")
        if how == "astensor constant" and self.meta[i].constant:
            assert mg.astensor(self.env.slots[i], constant=True) is self.env.slots[i]
            return
        recorded = {}

        def step(env):
            t = env.slots[i]
            if env.kind == "np":
                env.add(recorded["values"].copy())  # a new leaf or constant: not a function of w
                return True
            if how == "astensor constant":
                new = mg.astensor(t, constant=True)
            elif how == "Tensor copy=False":
                new = mg.Tensor(t, copy=False)
            else:
                new = mg.tensor(t, copy=False, constant=not t.constant)
            assert new is not t and not np.shares_memory(new.data, t.data)
            recorded["values"] = np.array(new.data)
            env.add(new)
            return True

        constant = how != "Tensor copy=False" and (how == "astensor constant" or not self.meta[i].constant)
        n = len(self.meta)
        self._apply(step, Meta(n, False, constant, False))
        assert self.env.slots[-1].constant is constant

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data())
    @_guarded
    def tensor_copy_false_is_the_same_object(self, data):
        i = self._slot(data, "source")
        t = self.env.slots[i]
        assert mg.tensor(t, copy=False) is t and mg.astensor(t) is t

    @precondition(lambda self: self.w is not None)
    @rule(data=st.data())
    @_guarded
    def set_data(self, data):
        i = self._writable_target(data)
        if i is None:
            return
        shape = self._shape(i)
        new = data.draw(hnp.arrays(np.float64, shape, elements=small), label="new data")
        if self.meta[i].view:
            t = self.env.slots[i]
            before = np.array(t.data)
            try:
                t.data = new.copy()
            except ValueError:
                np.testing.assert_array_equal(t.data, before)
                return
            raise AssertionError("the data setter replaced a view's memory")
        if self.meta[i].root != i:
            return
        views = [j for j, m in enumerate(self.meta) if m.root == i and j != i]

        def step(env):
            if env.kind == "mg":
                env.slots[i].data = new.copy()
            else:
                env.slots[i] = new.copy()
                for j in views:  # views keep their values, in memory of their own
                    env.slots[j] = env.slots[j].copy()
            return True

        self._apply(step)
        for j in views:
            self.meta[j] = Meta(j, False, self.meta[j].constant, False)

    # ---------------------------------------------------------- invariants
    @invariant()
    @_guarded
    def values_match_the_replay(self):
        if self.w is None:
            return
        for k, (t, a) in enumerate(zip(self.env.slots, self.mirror.slots)):
            assert isinstance(t, mg.Tensor)
            np.testing.assert_array_equal(t.data, a, err_msg=f"slot {k}")
            assert t.constant is self.meta[k].constant, f"slot {k}"

    def teardown(self):
        if self.w is None:
            return
        env = self.env
        try:
            if not self.failed:
                self._backprop_and_check()
        except BaseException:
            self.failed = True
            raise
        finally:
            for t in env.slots:
                t.clear_graph()
            self.env = self.mirror = None
            env = t = None
            gc.collect()
            if not self.failed:
                assert locked_count() <= self.baseline_locks, "an array stayed locked after the graph was gone"

    def _backprop_and_check(self):
        rng = np.random.default_rng(len(self.steps))
        weights = [rng.uniform(-1, 1, size=a.shape).round(3) for a in self.mirror.slots]
        steps = list(self.steps)
        w0s = self.w0s

        def loss(env):
            return sum(float(np.sum(np.asarray(a, dtype=np.float64) * c)) for a, c in zip(env.slots, weights))

        def replay(d0, d1):
            d0, d1 = np.asarray(d0), np.asarray(d1)
            env = Env("np", [w0s[0] + d0, w0s[1] + d1], [d0.copy(), d1.copy()])
            for step in steps:
                step(env)
            return np.array(loss(env))

        total = None
        for t, c in zip(self.env.slots, weights):
            if t.constant:
                continue
            term = (t * c).sum()
            total = term if total is None else total + term
        numeric = _central_differences(replay, [np.zeros_like(w0s[0]), np.zeros_like(w0s[1])])
        if total is None:
            return
        total.backward()
        for k, (w, n) in enumerate(zip(self.w, numeric)):
            grad = np.zeros_like(n) if w.grad is None else w.grad
            scale = max(1.0, float(np.abs(n).max()))
            np.testing.assert_allclose(grad, n, rtol=1e-4, atol=1e-5 * scale,
                                       err_msg=f"w{k}.grad differs from the replay's finite differences")


Writes.TestCase.settings = settings(stateful_step_count=12)
TestWrites = Writes.TestCase
