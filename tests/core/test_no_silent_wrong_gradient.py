"""Every write to memory reachable from a tensor is either refused or
recorded, so no gradient is silently wrong. Regression tests, one (or more) per
reproduction plus the neighbours of each class: what a gradient rule reads,
``Operation``s that keep input arrays, views made before a lock, writes that
bypass the graph (``np.copyto``, table ufuncs with ``out=``, aliasing
constructors, the ``data`` setter), data-setter validation, the plugin loader's
isolation, and MyGrad 2.x compatibility."""

import functools
import io
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mygrad as mg
from mygrad import Operation
from mygrad._core.memory_guard import locked_count
from mygrad.errors import InvalidGradient
from mygrad.plugin import export, hookimpl, reads, ufunc_op
from mygrad.plugins import registered


# ------------------------------------------- 1. what a gradient rule reads
class _Rules:
    def dx(self, g, out, x, y):
        return g * y

    def dy(self, g, out, x, y):
        return g * x

    @classmethod
    def cdx(cls, g, out, x, y):
        return g * y

    @classmethod
    def cdy(cls, g, out, x, y):
        return g * x


class _CallableRule:
    def __init__(self, which):
        self.which = which

    def __call__(self, g, out, x, y):
        return g * (y if self.which == 0 else x)


def _closure_rules():
    keep = {}

    def dx(g, out, x, y):
        keep["y"] = y
        return g * keep["y"]

    def dy(g, out, x, y):
        return g * x

    return dx, dy


def _partial_rule(which, g, out, x, y):
    return g * (y if which == 0 else x)


RULES = {
    "bound method": (_Rules().dx, _Rules().dy),
    "classmethod": (_Rules.cdx, _Rules.cdy),
    "callable object": (_CallableRule(0), _CallableRule(1)),
    "closure": _closure_rules(),
    "partial": (functools.partial(_partial_rule, 0), functools.partial(_partial_rule, 1)),
}


def _plugin(decl):
    class Plugin:
        @hookimpl
        def mygrad_ops(self):
            return [decl]

    return Plugin()


@pytest.mark.parametrize("kind", list(RULES))
@pytest.mark.parametrize("write", ["setitem", "iadd", "raw"])
def test_rules_that_are_not_plain_functions_read_every_input(kind, write):
    dx, dy = RULES[kind]
    op = ufunc_op(np.multiply, dx, dy, name="mymul", numpy=None)
    with registered(_plugin(op), "mymul-test"):
        x, w = mg.tensor([1.0, 2.0, 3.0]), mg.tensor([10.0, 20.0, 30.0])
        out = mg.mymul(x, w)
        if write == "setitem":
            x[...] = -100.0
        elif write == "iadd":
            x += 7.0
        else:
            with pytest.raises(ValueError):
                x.data[...] = -100.0  # the rule reads x: the guard refuses
        out.backward()
        np.testing.assert_array_equal(w.grad, [1.0, 2.0, 3.0])
        np.testing.assert_array_equal(out.data, [10.0, 40.0, 90.0])


def test_reads_declaration_still_wins_for_methods():
    r = _Rules()
    dx = reads(inputs=[1])(lambda g, out, x, y: g * y)
    op = ufunc_op(np.multiply, dx, r.dy, name="mymul2", numpy=None)
    assert op.table[8][1] == (0, 1)  # both tensors non-constant: x read by dy (a method), y by dx


def test_rule_with_a_wrong_signature_is_refused_for_methods_too():
    class Bad:
        def rule(self, g, out):
            return g

    with pytest.raises(mg.errors.DeclarationError, match="must accept"):
        ufunc_op(np.negative, Bad().rule, name="badneg", numpy=None)


# ------------------------------------ 2. Operations that keep input arrays
class KeepSin(Operation):
    def __call__(self, x):
        self.variables = (x,)
        self.x = x.data
        return np.sin(x.data)

    def backward_var(self, grad, index, **kwargs):
        return grad * np.cos(self.x)


class KeepOut(Operation):
    """Keeps its output array and reads it in backward (d exp = exp)."""

    def __call__(self, x):
        self.variables = (x,)
        self.out = np.exp(x.data)
        return self.out

    def backward_var(self, grad, index, **kwargs):
        return grad * self.out


def test_operation_keeping_an_input_array_sees_its_values_of_the_forward_pass():
    x = mg.tensor([1.0, 2.0])
    h = x * 1
    y = mg.execute_op(KeepSin, h)
    h += 1
    np.testing.assert_array_equal(h.data, [2.0, 3.0])  # the write went into h's memory
    y.backward()
    np.testing.assert_allclose(x.grad, np.cos([1.0, 2.0]))
    np.testing.assert_array_equal(h.data, [2.0, 3.0])  # and stays there after backward


def test_operation_keeping_an_input_array_written_through_a_view_and_twice():
    x = mg.tensor([1.0, 2.0, 3.0])
    h = x * 1
    y = mg.execute_op(KeepSin, h)
    v = h[1:]
    v *= 10
    h[0] = 5.0
    y.backward()
    np.testing.assert_allclose(x.grad, np.cos([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(h.data, [5.0, 20.0, 30.0])
    h.clear_graph()  # h was the result of live in-place ops until now
    assert locked_count() == 0


def test_operation_keeping_its_output_sees_it_unchanged():
    x = mg.tensor([0.0, 1.0])
    y = mg.execute_op(KeepOut, x)
    z = y * 1
    y[...] = 0.0  # overwrite the op's output in place
    z.backward()
    np.testing.assert_allclose(x.grad, np.exp([0.0, 1.0]))


def test_operation_arrays_are_protected_from_raw_writes():
    x = mg.tensor([1.0, 2.0])
    y = mg.execute_op(KeepSin, x)
    with pytest.raises(ValueError):
        x.data[0] = 5.0
    y.backward()
    x.data[0] = 5.0  # released


# ------------------------------------------- 3. views made before a lock
def test_views_made_before_a_lock_are_locked():
    x = mg.tensor([1.0, 2.0, 3.0])
    v = x[:2]
    t = x.reshape(3, 1).T
    y = x * x
    with pytest.raises(ValueError):
        v.data[0] = 100.0
    with pytest.raises(ValueError):
        t.data[0, 0] = 100.0
    with pytest.raises(ValueError):
        np.asarray(v)[1] = 100.0
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])
    v.data[0] = 100.0  # released after backward
    assert x.data[0] == 100.0


def test_sibling_views_overlapping_locked_memory_are_locked():
    b = mg.tensor([1.0, 2.0, 3.0])
    v1, v2 = b[:2], b[1:]
    z = v1 * v1
    with pytest.raises(ValueError):
        v2.data[0] = 100.0
    z.backward()
    np.testing.assert_array_equal(b.grad, [2.0, 4.0, 0.0])


def test_exposed_array_of_the_base_is_locked_when_a_view_is_read():
    x = mg.tensor([1.0, 2.0, 3.0])
    a = x.data  # handed out while nothing depends on it
    v = x[1:]
    y = v * v
    with pytest.raises(ValueError):
        a[2] = 0.0
    y.backward()
    a[2] = 0.0


def test_results_of_live_ops_are_locked():
    w = mg.tensor([1.0, 2.0])
    x = w * 2  # multiplication's rule for w does not read x ...
    with pytest.raises(ValueError):
        x.data[0] = 100.0  # ... but x is the result of a live op
    z = x * x
    z.backward()
    np.testing.assert_array_equal(w.grad, 8 * w.data)


# ------------------------------------------- 4. writes that bypass the graph
def test_copyto_into_a_tensor_is_a_recorded_assignment():
    w = mg.tensor([1.0, 2.0])
    x = w * 1
    y = x * x  # reads the old x
    np.copyto(x, 5.0)
    np.testing.assert_array_equal(x.data, [5.0, 5.0])
    (y + x).sum().backward()  # x is a constant 5 now: no gradient through it
    np.testing.assert_array_equal(w.grad, 2 * w.data)


def test_copyto_from_a_tensor_gives_it_a_gradient_and_respects_where():
    w, s = mg.tensor([1.0, 2.0, 3.0]), mg.tensor([7.0, 8.0, 9.0])
    x = w * 1
    np.copyto(x, s, where=[True, False, True])
    np.testing.assert_array_equal(x.data, [7.0, 2.0, 9.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(s.grad, [14.0, 0.0, 18.0])
    np.testing.assert_array_equal(w.grad, [0.0, 4.0, 0.0])


def test_copyto_into_an_ndarray_from_a_tensor():
    dst = np.zeros(2)
    np.copyto(dst, mg.tensor([1.0, 2.0]))
    np.testing.assert_array_equal(dst, [1.0, 2.0])


def test_copyto_respects_casting():
    x = mg.tensor([1, 2])
    with pytest.raises(TypeError):
        np.copyto(x, 1.5)  # same_kind: float into int refused, like NumPy


@pytest.mark.parametrize("ufunc", [np.isfinite, np.signbit, np.isnan])
def test_bool_ufunc_cannot_write_into_a_non_constant_tensor(ufunc):
    x = mg.tensor([1.0, -2.0])
    y = x * x
    with pytest.raises(ValueError, match="non-constant"):
        ufunc(x, out=x)
    np.testing.assert_array_equal(x.data, [1.0, -2.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_bool_ufunc_into_a_constant_tensor_is_recorded():
    x = mg.tensor([1.0, -2.0])
    c = mg.tensor([3.0, 4.0], constant=True)
    y = x * c  # reads c
    out = np.signbit(x, out=c)
    assert out is c
    np.testing.assert_array_equal(c.data, [0.0, 1.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])  # the old values of c


def test_constant_only_ufunc_into_a_constant_tensor_is_recorded():
    x = mg.tensor([1.5, -2.5])
    c = mg.tensor([3.0, 4.0], constant=True)
    y = x * c
    np.floor(c, out=c, where=[True, False])
    np.testing.assert_array_equal(c.data, [3.0, 4.0])
    np.floor(mg.tensor([1.5, 2.5], constant=True), out=c)
    np.testing.assert_array_equal(c.data, [1.0, 2.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


@pytest.mark.parametrize("make", [
    lambda x: mg.astensor(x, constant=True),
    lambda x: mg.Tensor(x, copy=False),
    lambda x: mg.tensor(x, copy=False, constant=True),
    lambda x: x.astype(x.dtype, copy=False, constant=True),
])
def test_tensors_never_alias_other_tensors_memory_without_a_view_link(make):
    L = mg.tensor([1.0, 2.0])
    x = L * 1
    c = make(x)
    assert c is not x and not np.shares_memory(c.data, x.data)
    c[0] = 10.0
    (x * x).sum().backward()
    np.testing.assert_array_equal(L.grad, [2.0, 4.0])


def test_tensor_of_a_view_copies_too():
    L = mg.tensor([1.0, 2.0, 3.0])
    v = (L * 1)[1:]
    c = mg.Tensor(v, copy=False)
    c[0] = 10.0
    np.testing.assert_array_equal(v.data, [2.0, 3.0])


def test_user_array_shared_by_two_tensors_is_protected():
    a = np.array([1.0, 2.0])
    t1 = mg.astensor(a)
    x = mg.tensor([3.0, 4.0])
    y = x * t1  # reads a
    t2 = mg.Tensor(a, copy=False)  # another tensor over the same user array
    with pytest.raises(ValueError):
        t2[0] = 100.0
    with pytest.raises(ValueError):
        a[0] = 100.0
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


def test_data_setter_detaches_views_consistently_for_values_and_gradients():
    w = mg.tensor([1.0, 2.0, 3.0])
    x = w * 1
    v = x[:2]
    x.data = np.array([10.0, 20.0, 30.0])
    assert v.base is None
    np.testing.assert_array_equal(v.data, [1.0, 2.0])  # the old values, in memory of its own
    v *= 2  # lands in v only
    np.testing.assert_array_equal(x.data, [10.0, 20.0, 30.0])
    (x * v.sum()).sum().backward()
    # x is a leaf with the new values now; v (old x[:2], doubled) still depends on w
    np.testing.assert_array_equal(w.grad, [2 * 60.0, 2 * 60.0, 0.0])
    np.testing.assert_array_equal(v.grad, [60.0, 60.0])
    np.testing.assert_array_equal(x.grad, [6.0, 6.0, 6.0])


def test_data_setter_keeps_old_values_for_results_computed_before():
    w = mg.tensor([1.0, 2.0])
    x = w * 1
    y = x * x
    old = x.data
    x.data = np.array([5.0, 6.0])
    np.testing.assert_array_equal(old, [1.0, 2.0])
    with pytest.raises(ValueError):
        old[0] = 0.0  # the old array still belongs to a live graph
    y.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])
    old[0] = 0.0  # released


def test_data_setter_on_a_view_is_refused():
    x = mg.tensor([1.0, 2.0, 3.0])
    v = x[:2]
    with pytest.raises(ValueError, match="view"):
        v.data = np.array([5.0, 6.0])
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 3.0])


def test_optimizer_idiom_with_the_data_setter():
    w = mg.tensor([1.0, -2.0])
    for _ in range(3):
        (w * w).sum().backward()
        w.data = w.data - 0.25 * w.grad
    np.testing.assert_allclose(w.data, np.array([1.0, -2.0]) * 0.5**3)
    assert w.creator is None


# --------------------------------------------------- 5. data setter validation
@pytest.mark.parametrize("value", [np.array([1 + 2j]), np.array(["a"]), None, np.array([object()])])
def test_data_setter_refuses_what_the_constructor_refuses(value):
    x = mg.tensor([1.0])
    with pytest.raises(TypeError):
        x.data = value
    np.testing.assert_array_equal(x.data, [1.0])


def test_data_setter_with_integer_data_makes_a_constant():
    x = mg.tensor([1.0, 2.0])
    x.data = np.array([1, 2])
    assert x.constant is True
    (x * 2.0).backward()
    assert x.grad is None


def test_data_setter_accepts_anything_inside_no_autodiff():
    x = mg.tensor([1.0])
    with mg.no_autodiff:
        x.data = np.array([1 + 2j])
    assert x.dtype.kind == "c"


# ----------------------------------------------------------- 6. plugin loader
@pytest.mark.parametrize("name", ["__getattr__", "__version__", "__all__"])
def test_plugins_cannot_export_dunder_names(name):
    before = getattr(mg, name)

    class P:
        @hookimpl
        def mygrad_ops(self):
            return [export(name, "hijacked")]

    with pytest.raises(mg.errors.DeclarationError, match="'__'"):
        with registered(P(), "dunder-exporter"):
            pass
    assert getattr(mg, name) is before


def test_plugin_raising_systemexit_is_isolated(tmp_path):
    pkg = tmp_path / "sysexit_plugin"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("raise SystemExit(3)\n")
    dist = tmp_path / "sysexit_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: sysexit-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[mygrad]\nsysexit = sysexit_plugin\n")
    code = textwrap.dedent(
        """
        import sys, warnings
        sys.path.insert(0, %r)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            import mygrad
        print("imported", any("sysexit" in str(x.message) for x in w))
        from mygrad.__main__ import main
        main(["plugins"])
        """ % str(tmp_path)
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "imported True" in done.stdout
    assert "sysexit: failed" in done.stdout


def test_hook_raising_systemexit_is_a_plugin_error():
    class P:
        @hookimpl
        def mygrad_ops(self):
            raise SystemExit(1)

    with pytest.raises(mg.errors.PluginError, match="SystemExit"):
        with registered(P(), "sysexit-hook"):
            pass


# ------------------------------------------------------- 8. 2.x compatibility
def test_transpose_axes_as_separate_arguments():
    t = mg.ones((2, 3, 4))
    assert mg.transpose(t, 1, 2, 0).shape == (3, 4, 2)
    assert mg.transpose(t, (1, 2, 0)).shape == (3, 4, 2)
    assert np.transpose(t, (1, 2, 0)).shape == (3, 4, 2)
    assert np.transpose(t, axes=(2, 1, 0)).shape == (4, 3, 2)
    x = mg.tensor(np.arange(6.0).reshape(1, 2, 3))
    mg.transpose(x, 2, 0, 1).backward(np.arange(6.0).reshape(3, 1, 2))
    np.testing.assert_array_equal(x.grad, np.transpose(np.arange(6.0).reshape(3, 1, 2), (1, 2, 0)))


def test_reshape_newshape_keyword():
    x = mg.arange(6.0)
    assert mg.reshape(x, newshape=(3, 2)).shape == (3, 2)
    with pytest.raises(TypeError):
        mg.reshape(x, (2, 3), newshape=(3, 2))


def test_like_functions_take_2x_keyword_names_and_positional_order():
    x = mg.tensor([[1.0, 2.0]])
    assert mg.ones_like(other=x).shape == (1, 2)
    assert mg.zeros_like(other=x, shape=(3,)).shape == (3,)
    assert mg.empty_like(other=x, dtype=np.float32).dtype == np.float32
    c = mg.full_like(x, 2.0, None, None, True)
    assert c.constant is True and np.all(c.data == 2.0)
    assert mg.full_like(x, 2.0, np.float32, (2,)).shape == (2,)
    # NumPy's own positional order through the override
    assert np.full_like(x, 3.0, None, "K", True, (2,)).shape == (2,)
    assert np.ones_like(x, None, "K", True, (4,)).shape == (4,)


@pytest.mark.parametrize("name", ["sum", "add", "exp", "mean", "reshape", "transpose", "abs", "ones_like"])
def test_ops_pickle_by_name(name):
    op = getattr(mg, name)
    assert pickle.loads(pickle.dumps(op)) is op


def test_typing_names_are_runtime_types():
    from hypothesis import strategies as st

    import mygrad.typing as mt

    for name in mt.__all__:
        alias = getattr(mt, name)
        assert isinstance(alias, type)
        st.register_type_strategy(alias, st.just(None))  # accepted by hypothesis
    assert isinstance(mg.tensor(1.0), mt.ArrayLike) and isinstance([1, 2], mt.ArrayLike)
    assert isinstance((1, 2), mt.Shape) and not isinstance([1, 2], mt.Shape)
    assert isinstance(3.5, mt.Real) and not isinstance(True, mt.Real)
    assert isinstance("float32", mt.DTypeLikeReals) and not isinstance("complex64", mt.DTypeLikeReals)


@pytest.mark.parametrize("content", [b"hello, this is text", b"", pickle.dumps({"a": 1})])
def test_load_of_a_file_that_is_not_a_saved_tensor(tmp_path, content):
    path = tmp_path / "file.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="not a tensor saved by mygrad.save") as info:
        mg.load(path)
    assert "allow_pickle" not in str(info.value)


def test_load_of_a_saved_object_array_says_so_without_allow_pickle():
    buf = io.BytesIO()
    np.savez(buf, data=np.array([{"a": 1}], dtype=object))
    buf.seek(0)
    with pytest.raises(ValueError) as info:
        mg.load(buf)
    assert "allow_pickle" not in str(info.value)


def test_wrong_shape_gradient_names_the_op_and_the_input():
    class Bad(Operation):
        def __call__(self, x, y):
            self.variables = (x, y)
            return x.data * y.data

        def backward_var(self, grad, index, **kwargs):
            return np.ones((5,))

    x, y = mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])
    with pytest.raises(InvalidGradient, match=r"'Bad'.*input 0"):
        mg.execute_op(Bad, x, y).backward()


def test_rule_returning_an_extra_leading_axis_is_an_invalid_gradient():
    op = ufunc_op(np.negative, lambda g, out, x: np.stack([-g, -g, -g]), name="tripleneg", numpy=None)
    with registered(_plugin(op), "tripleneg-test"):
        x = mg.tensor([1.0, 2.0])
        with pytest.raises(InvalidGradient, match=r"'tripleneg'.*tripleneg-test.*input 0"):
            mg.tripleneg(x).backward()
