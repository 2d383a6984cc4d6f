"""NumPy's protocols on tensors, driven by the registry's tables:
boolean-only ufuncs, constant-only ufuncs, pass-through functions, and
NumPy's own ``TypeError`` for anything nobody registered."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mygrad as mg
from mygrad._plugins.registry import REGISTRY
from mygrad.testing import strategies as mst

BOOL_UFUNCS = [
    np.isnan, np.isfinite, np.isinf, np.signbit, np.logical_not, np.logical_and, np.logical_or,
    np.logical_xor, np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
]
CONSTANT_UFUNCS = [
    np.floor_divide, np.remainder, np.fmod, np.divmod, np.rint, np.sign, np.floor, np.ceil, np.trunc,
]
PASSTHROUGH = [
    np.allclose, np.bincount, np.can_cast, np.isclose, np.may_share_memory,
    np.min_scalar_type, np.result_type, np.shares_memory, np.shape,
]

X = np.array([[-1.5, 0.0, np.nan], [2.5, -np.inf, 3.0]])
Y = np.array([[-1.5, 1.0, 2.0], [0.5, -np.inf, 3.0]])
A = np.array([[-3.5, 0.5, 2.0], [7.25, -2.0, 3.0]])
B = np.array([[2.0, -1.5, 0.75], [3.0, 4.0, -2.5]])


def _ids(funcs):
    return [f.__name__ for f in funcs]


def test_the_core_registers_the_tables():
    assert REGISTRY.bool_ufuncs >= set(BOOL_UFUNCS) | {np.isnat}
    assert REGISTRY.const_ufuncs >= set(CONSTANT_UFUNCS)
    assert REGISTRY.passthrough >= set(PASSTHROUGH)
    for f in BOOL_UFUNCS + CONSTANT_UFUNCS + PASSTHROUGH:
        assert REGISTRY.owner[("numpy", f)] == "mygrad"
        assert getattr(mg, f.__name__) is f  # re-exported by the core
    assert mg.mod is np.mod


# ------------------------------------------------------------- bool-only
@pytest.mark.parametrize("f", BOOL_UFUNCS, ids=_ids(BOOL_UFUNCS))
@pytest.mark.parametrize("constant", [False, True])
def test_bool_ufuncs_return_arrays(f, constant):
    args = (X, Y)[: f.nin]
    tensors = [mg.tensor(a, constant=constant) for a in args]
    with np.errstate(invalid="ignore"):
        got = f(*tensors)
        expected = f(*args)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, expected)
    # a tensor mixed with an array or a scalar
    if f.nin == 2:
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(f(tensors[0], Y), f(X, Y))
            assert type(f(1.0, tensors[1])) is np.ndarray


@given(x=mst.arrays(mst.shapes(), np.float64), constant=st.booleans())
def test_bool_ufuncs_agree_with_numpy(x, constant):
    t = mg.tensor(x, constant=constant)
    other = np.flip(x)
    for f in (np.isfinite, np.signbit, np.greater, np.less_equal):
        args = (x, other) if f.nin == 2 else (x,)
        targs = (t, other) if f.nin == 2 else (t,)
        got, expected = f(*targs), f(*args)
        assert type(got) is type(expected)  # ndarray, or NumPy's bool for 0-d inputs
        assert not isinstance(got, mg.Tensor)
        np.testing.assert_array_equal(got, expected)


def test_comparison_operators_return_arrays():
    t = mg.tensor(A)
    for got, expected in [(t > 0, A > 0), (t <= 2.0, A <= 2.0), (t == A, A == A), (t != t, A != A)]:
        assert type(got) is np.ndarray
        np.testing.assert_array_equal(got, expected)


def test_bool_ufunc_methods_are_allowed():
    t = mg.tensor([[True, False], [True, True]])
    np.testing.assert_array_equal(np.logical_and.reduce(t, axis=0), [True, False])
    np.testing.assert_array_equal(np.logical_or.accumulate(t, axis=1), [[True, True], [True, True]])


def test_bool_ufuncs_do_not_touch_the_graph():
    t = mg.tensor([1.0, -2.0])
    y = t * 2
    np.isnan(y)
    y.backward()
    np.testing.assert_allclose(t.grad, [2.0, 2.0])


# --------------------------------------------------------- constant-only
@pytest.mark.parametrize("f", CONSTANT_UFUNCS, ids=_ids(CONSTANT_UFUNCS))
def test_constant_ufuncs_on_constant_tensors_return_arrays(f):
    args = (A, B)[: f.nin]
    got = f(*(mg.tensor(a, constant=True) for a in args))
    expected = f(*args)
    for g, e in zip(got if f.nout > 1 else (got,), expected if f.nout > 1 else (expected,)):
        assert type(g) is np.ndarray
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("f", CONSTANT_UFUNCS, ids=_ids(CONSTANT_UFUNCS))
def test_constant_ufuncs_refuse_non_constant_tensors(f):
    with pytest.raises(ValueError, match=f"<ufunc '{f.__name__}'> cannot involve non-constant mygrad tensors"):
        f(*(mg.tensor(a) for a in (A, B)[: f.nin]))
    if f.nin == 2:  # one non-constant tensor among constants / arrays is enough
        with pytest.raises(ValueError, match="non-constant"):
            f(mg.tensor(A, constant=True), mg.tensor(B))
        with pytest.raises(ValueError, match="non-constant"):
            f(A, mg.tensor(B))


def test_constant_ufunc_with_a_non_constant_out():
    out = mg.tensor(np.zeros(3))
    with pytest.raises(ValueError, match="non-constant"):
        np.floor(np.array([1.5, -2.5, 3.0]), out=out)
    np.testing.assert_array_equal(out.data, np.zeros(3))


def test_floor_division_and_modulo_operators():
    c = mg.tensor(A, constant=True)
    v = mg.tensor(A)
    for got, expected in [(c // 2, A // 2), (7 // c, 7 // A), (c % 2, A % 2), (7 % c, 7 % A)]:
        assert type(got) is np.ndarray
        np.testing.assert_array_equal(got, expected)
    q, r = divmod(c, 2)
    np.testing.assert_array_equal(q, A // 2)
    np.testing.assert_array_equal(r, A % 2)
    for op in (lambda: v // 2, lambda: 2 // v, lambda: v % 2, lambda: 2 % v, lambda: divmod(v, 2)):
        with pytest.raises(ValueError, match="non-constant"):
            op()


def test_integer_tensors_are_constant_so_floor_divide_works():
    t = mg.tensor([7, -7, 9])
    assert t.constant
    np.testing.assert_array_equal(t // 2, [3, -4, 4])
    np.testing.assert_array_equal(np.sign(t), [1, -1, 1])


# ----------------------------------------------------------- pass-through
def test_passthrough_shape():
    assert np.shape(mg.tensor(A)) == (2, 3)
    assert np.shape(mg.tensor(1.0)) == ()


def test_passthrough_allclose_and_isclose():
    t = mg.tensor(A)
    assert np.allclose(t, A) is True
    assert not np.allclose(t, mg.tensor(A + 1))
    assert np.allclose(A, t, atol=0.0)
    got = np.isclose(t, B)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, np.isclose(A, B))


def test_passthrough_shares_memory():
    t = mg.tensor(A)
    assert np.shares_memory(t, t)
    assert np.shares_memory(t, t.data)
    assert not np.shares_memory(t, mg.tensor(A))
    assert np.may_share_memory(t, t.data)
    assert not np.may_share_memory(t, A)


def test_passthrough_other_functions():
    t = mg.tensor(A)
    assert np.result_type(t, np.float32) == np.float64
    assert np.can_cast(mg.tensor(np.ones(2, dtype=np.float32)), np.float64)
    assert np.min_scalar_type(mg.tensor(3)) == np.uint8
    np.testing.assert_array_equal(np.bincount(mg.tensor([0, 1, 1, 3])), [1, 2, 0, 1])
    dst = np.zeros(3)
    np.copyto(dst, mg.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(dst, [1.0, 2.0, 3.0])


def test_passthrough_unwraps_tensors_in_keyword_arguments():
    t = mg.tensor(A)
    assert np.allclose(a=t, b=A)


# ------------------------------------------------------------- unsupported
@pytest.mark.parametrize(
    "call",
    [
        lambda t: np.fft.fft(t),
        lambda t: np.i0(t),
        lambda t: np.nextafter(t, t),
        lambda t: np.spacing(t),
        lambda t: np.frexp(t),
    ],
    ids=["fft", "i0", "nextafter", "spacing", "frexp"],
)
def test_unsupported_numpy_callables_raise_type_error(call):
    with pytest.raises(TypeError):
        call(mg.tensor(A))


def test_numpy_callable_no_plugin_provides_gives_one_mygrad_message():
    t = mg.tensor(A)
    for call, name in [(lambda: np.i0(t), "numpy.i0"), (lambda: np.nextafter(t, t), "'nextafter'")]:
        with pytest.raises(mg.errors.MissingProviderError, match="not provided by any loaded mygrad plugin") as e:
            call()
        assert name in str(e.value) and "math" in str(e.value)  # (lists what is loaded)


def test_unsupported_ufunc_mixed_with_arrays():
    with pytest.raises(TypeError):
        np.nextafter(A, mg.tensor(B))


# ---------------------------------------------- differentiable dispatch
def test_registered_ufunc_dispatches_to_the_op():
    t = mg.tensor([0.0, 1.0])
    for out in (np.exp(t), np.add(t, 1.0), np.add(A[0, :2], t), A[0, :2] + t):
        assert isinstance(out, mg.Tensor)
    y = np.multiply(A[0, :2], t)
    y.backward()
    np.testing.assert_allclose(t.grad, A[0, :2])


def test_registered_function_dispatches_to_the_op():
    t = mg.tensor(A)
    s = np.sum(t, axis=0)
    assert isinstance(s, mg.Tensor)
    np.testing.assert_allclose(s.data, A.sum(axis=0))
    s.backward()
    np.testing.assert_allclose(t.grad, np.ones_like(A))


def test_registered_ufunc_methods_other_than_call():
    with pytest.raises(NotImplementedError, match="reduceat"):
        np.add.reduceat(mg.tensor(A), [0, 1])

