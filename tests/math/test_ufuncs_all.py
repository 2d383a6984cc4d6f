"""The math pack's elementwise ufuncs beyond the first arithmetic set:
conformance per op, publication and NumPy dispatch, dtypes
(float16/32/64 and NEP 50 scalars), 0-d and empty inputs, ``out=`` (arrays and
tensors, with ``where=``), ``dtype=``, errors, and the derivative conventions
at the special points."""

import math

import numpy as np
import pytest

import mygrad as mg
from mygrad.testing import check_grad, check_op, numerical_gradient
from mygrad_ops_math import misc_ufuncs

#: name -> (NumPy ufunc, a safe (low, high) interval per input)
SPEC = {
    "reciprocal": (np.reciprocal, [(0.5, 3)]),
    "exp2": (np.exp2, [(-3, 3)]),
    "expm1": (np.expm1, [(-3, 3)]),
    "log2": (np.log2, [(0.2, 5)]),
    "log10": (np.log10, [(0.2, 5)]),
    "log1p": (np.log1p, [(-0.5, 5)]),
    "cbrt": (np.cbrt, [(0.2, 8)]),
    "tan": (np.tan, [(-1.2, 1.2)]),
    "arcsin": (np.arcsin, [(-0.9, 0.9)]),
    "arccos": (np.arccos, [(-0.9, 0.9)]),
    "arctan": (np.arctan, [(-3, 3)]),
    "sinh": (np.sinh, [(-3, 3)]),
    "cosh": (np.cosh, [(-3, 3)]),
    "tanh": (np.tanh, [(-3, 3)]),
    "arcsinh": (np.arcsinh, [(-3, 3)]),
    "arccosh": (np.arccosh, [(1.2, 5)]),
    "arctanh": (np.arctanh, [(-0.9, 0.9)]),
    "fabs": (np.fabs, [(0.2, 3)]),
    "deg2rad": (np.deg2rad, [(-180, 180)]),
    "rad2deg": (np.rad2deg, [(-3, 3)]),
    "float_power": (np.float_power, [(0.5, 3), (-2, 2)]),
    "logaddexp": (np.logaddexp, [(-3, 3), (-2, 2)]),
    "logaddexp2": (np.logaddexp2, [(-3, 3), (-2, 2)]),
    "arctan2": (np.arctan2, [(0.2, 3), (-3, 3)]),
    "copysign": (np.copysign, [(0.5, 3), (-3, -0.5)]),
    "heaviside": (np.heaviside, [(0.5, 3), (0, 1)]),
    "fmax": (np.fmax, [(0, 1), (2, 3)]),
    "fmin": (np.fmin, [(0, 1), (2, 3)]),
}
NAMES = list(SPEC)
DTYPES = [np.float16, np.float32, np.float64]
GRAD_TOL = dict(rtol=1e-5, atol=1e-7)
SHAPES = [(2, 3), (3,)]  # the inputs' shapes (they broadcast)


def values(name, dtype=np.float64):
    """Deterministic inputs in the op's safe intervals."""
    out = []
    for (lo, hi), shape in zip(SPEC[name][1], SHAPES):
        size = int(np.prod(shape))
        out.append(np.linspace(lo, hi, size + 2)[1:-1].reshape(shape).astype(dtype))
    return out


def with_errstate(f, *args, **kwargs):
    with np.errstate(all="ignore"):
        return f(*args, **kwargs)


# --------------------------------------------------------------- conformance
@pytest.mark.parametrize("name", NAMES)
def test_conformance(name):
    check_op(getattr(mg, name), max_examples=15)


def test_conformance_of_hypot_declaration():
    check_op(misc_ufuncs.hypot, max_examples=15)


# --------------------------------------------------- publication, dispatch
@pytest.mark.parametrize("name", NAMES)
def test_published_like_numpy_ufuncs(name):
    np_op = SPEC[name][0]
    op = getattr(mg, name)
    assert op is getattr(mg.math, name)
    assert isinstance(op, mg.ufunc)
    assert repr(op) == f"<mygrad-ufunc {name!r}>"
    assert (op.nin, op.nout, op.nargs, op.identity) == (np_op.nin, np_op.nout, np_op.nargs, np_op.identity)


def test_aliases():
    assert mg.radians is mg.deg2rad and mg.degrees is mg.rad2deg
    x = mg.tensor([90.0])
    y = np.radians(x)
    assert isinstance(y, mg.Tensor)
    y.backward()
    np.testing.assert_allclose(x.grad, [math.pi / 180])
    z = mg.tensor([math.pi])
    w = np.degrees(z)
    np.testing.assert_allclose(w.data, [180.0])
    w.backward()
    np.testing.assert_allclose(z.grad, [180 / math.pi])


@pytest.mark.parametrize("name", NAMES)
def test_numpy_dispatch_forward_and_gradients(name):
    np_op = SPEC[name][0]
    arrays = values(name)
    tensors = [mg.tensor(a) for a in arrays]
    out = np_op(*tensors)
    assert isinstance(out, mg.Tensor) and not out.constant
    np.testing.assert_array_equal(out.data, np_op(*arrays))
    out.backward()
    numeric = numerical_gradient(getattr(mg, name), *arrays)
    for t, n in zip(tensors, numeric):
        np.testing.assert_allclose(t.grad, n, **GRAD_TOL)


# -------------------------------------------------------------------- dtypes
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_follows_numpy(name, dtype):
    np_op = SPEC[name][0]
    arrays = values(name, dtype)
    tensors = [mg.tensor(a) for a in arrays]
    out = getattr(mg, name)(*tensors)
    expected = np_op(*arrays)
    assert out.dtype == expected.dtype  # float16 stays float16 (float_power: float64, like NumPy)
    np.testing.assert_array_equal(out.data, expected)
    out.backward()
    for t in tensors:
        assert t.grad.dtype == dtype and t.grad.shape == t.shape
        assert np.all(np.isfinite(t.grad))


@pytest.mark.parametrize("name", [n for n in NAMES if SPEC[n][0].nin == 2])
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_python_scalars_are_weak(name, dtype):
    np_op = SPEC[name][0]
    a, b = values(name, dtype)
    scalar = float(b.flat[0])
    for args, np_args in (((mg.tensor(a), scalar), (a, scalar)), ((scalar, mg.tensor(a)), (scalar, a))):
        out = with_errstate(getattr(mg, name), *args)
        assert out.dtype == with_errstate(np_op, *np_args).dtype


@pytest.mark.parametrize("name", NAMES)
def test_dtype_keyword(name):
    np_op = SPEC[name][0]
    arrays = values(name)
    tensors = [mg.tensor(a) for a in arrays]
    if name == "float_power":  # it has float64 (and wider) loops only: NumPy's TypeError
        with pytest.raises(TypeError):
            np_op(*arrays, dtype=np.float32)
        with pytest.raises(TypeError):
            mg.float_power(*tensors, dtype=np.float32)
        return
    out = getattr(mg, name)(*tensors, dtype=np.float32)
    expected = np_op(*arrays, dtype=np.float32)
    assert out.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(out.data, expected)
    out.backward()
    numeric = numerical_gradient(getattr(mg, name), *arrays)
    for t, n in zip(tensors, numeric):
        assert t.grad.dtype == np.float64  # the input's dtype
        np.testing.assert_allclose(t.grad, n, rtol=1e-3, atol=1e-4)


# ---------------------------------------------------------- 0-d and empty
@pytest.mark.parametrize("name", NAMES)
def test_zero_dim_inputs(name):
    np_op = SPEC[name][0]
    arrays = [a.reshape(-1)[0].reshape(()) for a in values(name)]
    tensors = [mg.tensor(a) for a in arrays]
    out = getattr(mg, name)(*tensors)
    assert out.shape == ()
    np.testing.assert_array_equal(out.data, np_op(*arrays))
    out.backward()
    numeric = numerical_gradient(getattr(mg, name), *arrays)
    for t, n in zip(tensors, numeric):
        assert t.grad.shape == ()
        np.testing.assert_allclose(t.grad, n, **GRAD_TOL)


@pytest.mark.parametrize("name", NAMES)
def test_empty_inputs(name):
    np_op = SPEC[name][0]
    nin = np_op.nin
    arrays = [np.ones((0, 3)), np.ones((3,))][:nin]
    tensors = [mg.tensor(a) for a in arrays]
    out = getattr(mg, name)(*tensors)
    assert out.shape == (0, 3) and out.dtype == np_op(*arrays).dtype
    out.backward()
    for t, a in zip(tensors, arrays):
        assert t.grad.shape == a.shape
        np.testing.assert_array_equal(t.grad, np.zeros(a.shape))


# ------------------------------------------------------------ out=, where=
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("how", ["keyword", "positional", "numpy-tuple"])
def test_out_ndarray(name, how):
    np_op = SPEC[name][0]
    op = getattr(mg, name)
    arrays = values(name)
    tensors = [mg.tensor(a) for a in arrays]
    o = np.zeros((2, 3))
    if how == "keyword":
        out = op(*tensors, out=o)
    elif how == "positional":
        out = op(*tensors, o)
    else:
        out = np_op(*tensors, out=(o,))
    assert isinstance(out, mg.Tensor) and out.data is o
    np.testing.assert_array_equal(o, np_op(*arrays))
    out.backward()
    numeric = numerical_gradient(op, *arrays)
    for t, n in zip(tensors, numeric):
        np.testing.assert_allclose(t.grad, n, **GRAD_TOL)
    assert o.flags.writeable  # released after backward


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("via", ["mygrad", "numpy"])
def test_out_tensor_with_where_mask(name, via):
    # masked-out positions keep the target's old values, and backprop
    # to the target's old values; the others to the op's inputs
    np_op = SPEC[name][0]
    op = np_op if via == "numpy" else getattr(mg, name)
    arrays = values(name)
    mask = np.array([[True, False, True], [False, True, True]])
    old = np.full((2, 3), -7.0)
    tensors = [mg.tensor(a) for a in arrays]
    base = mg.tensor(old)
    target = base * 1.0
    result = op(*tensors, out=target, where=mask)
    assert result is target
    expected = old.copy()
    np_op(*arrays, out=expected, where=mask)
    np.testing.assert_array_equal(target.data, expected)
    target.backward()
    np.testing.assert_array_equal(base.grad, ~mask)
    numeric = numerical_gradient(getattr(mg, name), *arrays, seed=mask.astype(float))
    for t, n in zip(tensors, numeric):
        np.testing.assert_allclose(t.grad, n, **GRAD_TOL)


@pytest.mark.filterwarnings("ignore:'where' used without 'out'")
@pytest.mark.parametrize("name", NAMES)
def test_where_without_out_gives_masked_positions_no_gradient(name):
    arrays = values(name)
    mask = np.array([True, False, True])
    tensors = [mg.tensor(a) for a in arrays]
    out = getattr(mg, name)(*tensors, where=mask)
    out.backward()
    assert np.all(tensors[0].grad[:, ~mask] == 0)


# --------------------------------------------------------------------- errors
@pytest.mark.parametrize("name", NAMES)
def test_errors_like_numpy(name):
    np_op = SPEC[name][0]
    op = getattr(mg, name)
    x = mg.tensor([0.5, 0.75])
    too_many = [x] * (np_op.nin + 2)
    too_few = [x] * (np_op.nin - 1)
    for f in (op, np_op):
        with pytest.raises(TypeError):
            f(*too_many)
        if too_few or f is op:
            with pytest.raises(TypeError):
                f(*too_few)
    with pytest.raises(TypeError):
        op(*[x] * np_op.nin, no_such_keyword=1)
    with pytest.raises(TypeError):
        op(*["a"] * np_op.nin)
    with pytest.raises(TypeError):
        op(*[x] * np_op.nin, constant=1)


# ------------------------------------------------------ derivative conventions
def grads_of(f, *values):
    tensors = [mg.tensor(v) for v in values]
    f(*tensors).backward()
    return [t.grad for t in tensors]


def test_arcsin_arccos_have_zero_gradient_at_plus_minus_one():
    (g,) = grads_of(mg.arcsin, [-1.0, 0.0, 0.6, 1.0])
    np.testing.assert_allclose(g, [0.0, 1.0, 1.25, 0.0])
    (g,) = grads_of(mg.arccos, [-1.0, 0.0, 0.6, 1.0])
    np.testing.assert_allclose(g, [0.0, -1.0, -1.25, 0.0])
    (g,) = grads_of(mg.arcsin, np.array([1.0, -1.0], dtype=np.float16))
    assert g.dtype == np.float16 and np.all(g == 0)


def test_cbrt_and_arccosh_have_infinite_derivatives_at_their_singular_points():
    with pytest.warns(RuntimeWarning):
        (g,) = grads_of(mg.cbrt, [0.0, 8.0])
    assert g[0] == np.inf and g[1] == pytest.approx(1 / 12)
    with pytest.warns(RuntimeWarning):
        (g,) = grads_of(mg.arccosh, [1.0])
    assert g[0] == np.inf


def test_cbrt_of_negative_numbers():
    check_grad(mg.cbrt, np.array([-8.0, -0.5, 2.0]))


def test_fabs_gradient_is_zero_at_zero():
    (g,) = grads_of(mg.fabs, [-2.0, 0.0, -0.0, 3.0])
    np.testing.assert_array_equal(g, [-1.0, 0.0, 0.0, 1.0])


def test_float_power_zero_to_the_zero():
    gx, gy = grads_of(mg.float_power, [0.0, 2.0], [0.0, 3.0])
    np.testing.assert_array_equal(gx, [0.0, 12.0])
    np.testing.assert_allclose(gy, [0.0, 8 * math.log(2)])


def test_float_power_of_low_precision_is_float64_with_input_dtype_gradients():
    x = mg.tensor(np.array([2.0, 3.0], dtype=np.float16))
    y = mg.float_power(x, mg.tensor(np.float32(2.0)))
    assert y.dtype == np.float64
    y.backward()
    assert x.grad.dtype == np.float16
    np.testing.assert_array_equal(x.grad, [4.0, 6.0])


def test_arctan2_gradient_is_zero_at_the_origin_and_exact_elsewhere():
    gy, gx = grads_of(mg.arctan2, [0.0, 1.0, 3.0], [0.0, 1.0, -4.0])
    np.testing.assert_allclose(gy, [0.0, 0.5, -4 / 25])
    np.testing.assert_allclose(gx, [0.0, -0.5, -3 / 25])


def test_copysign_gradient_is_sign_aware():
    x = [2.0, -3.0, 2.0, -3.0, 0.0, 1.0]
    s = [1.0, 1.0, -1.0, -1.0, -5.0, -0.0]
    gx, gs = grads_of(mg.copysign, x, s)
    np.testing.assert_array_equal(gx, [1.0, -1.0, -1.0, 1.0, 0.0, -1.0])
    np.testing.assert_array_equal(gs, np.zeros(6))
    check_grad(mg.copysign, np.array([2.0, -3.0, 0.5]), np.array([-1.0, -2.0, 4.0]))


def test_heaviside_gradient_goes_to_x2_where_x1_is_zero():
    gx, gh = grads_of(mg.heaviside, [-1.0, 0.0, 0.0, 2.0], [0.5, 0.25, 0.75, 0.5])
    np.testing.assert_array_equal(gx, np.zeros(4))
    np.testing.assert_array_equal(gh, [0.0, 1.0, 1.0, 0.0])
    # a broadcast x2 collects the gradient of every x1 == 0
    gx, gh = grads_of(mg.heaviside, [0.0, 0.0, 1.0], 0.5)
    assert gh == 2.0
    # and it is what finite differences in x2 give
    check_grad(lambda h: mg.heaviside(mg.tensor([0.0, 3.0, 0.0]), h), np.array([0.1, 0.2, 0.3]))


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_ignore_nans_and_split_ties(name):
    x = [1.0, np.nan, 3.0, np.nan, 5.0, 0.0]
    y = [2.0, 4.0, 3.0, np.nan, np.nan, 0.0]
    tx, ty = mg.tensor(x), mg.tensor(y)
    out = getattr(mg, name)(tx, ty)
    np.testing.assert_array_equal(out.data, getattr(np, name)(x, y))
    out.backward()
    first_wins = 0.0 if name == "fmax" else 1.0  # at [1, 2]
    np.testing.assert_array_equal(tx.grad, [first_wins, 0.0, 0.5, 0.0, 1.0, 0.5])
    np.testing.assert_array_equal(ty.grad, [1 - first_wins, 1.0, 0.5, 0.0, 0.0, 0.5])


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_tie_split_is_the_central_difference(name):
    (g,) = grads_of(lambda t: getattr(mg, name)(t, 1.0), [1.0])
    (n,) = numerical_gradient(lambda t: getattr(mg, name)(t, 1.0), np.array([1.0]))
    np.testing.assert_allclose(g, n)
    np.testing.assert_allclose(g, [0.5])


def test_logaddexp_gradients_are_stable_for_large_inputs():
    gx, gy = grads_of(mg.logaddexp, [1000.0, -1000.0], [1000.0, 0.0])
    np.testing.assert_allclose(gx, [0.5, 0.0])
    np.testing.assert_allclose(gy, [0.5, 1.0])
    gx, gy = grads_of(mg.logaddexp2, [1000.0], [1000.0])
    np.testing.assert_allclose(gx, [0.5])


def test_closed_form_derivatives():
    x = np.array([0.25, 0.5, 0.75])
    cases = [
        (mg.tan, 1 / np.cos(x) ** 2),
        (mg.arctan, 1 / (1 + x**2)),
        (mg.sinh, np.cosh(x)),
        (mg.cosh, np.sinh(x)),
        (mg.arcsinh, 1 / np.sqrt(x**2 + 1)),
        (mg.arctanh, 1 / (1 - x**2)),
        (mg.exp2, np.log(2) * 2**x),
        (mg.expm1, np.exp(x)),
        (mg.log2, 1 / (x * np.log(2))),
        (mg.log10, 1 / (x * np.log(10))),
        (mg.log1p, 1 / (1 + x)),
        (mg.reciprocal, -1 / x**2),
    ]
    for f, df in cases:
        (g,) = grads_of(f, x)
        np.testing.assert_allclose(g, df, rtol=1e-12, err_msg=f.name)


def test_arcsinh_gradient_does_not_overflow():
    (g,) = grads_of(mg.arcsinh, [1e200, -1e200])
    np.testing.assert_allclose(g, [1e-200, 1e-200])


def test_hypot_declaration_gradients_and_origin():
    hypot = misc_ufuncs.hypot
    gx, gy = grads_of(hypot, [3.0, 0.0], [4.0, 0.0])
    np.testing.assert_allclose(gx, [0.6, 0.0])
    np.testing.assert_allclose(gy, [0.8, 0.0])


# ------------------------------------------------------------- rule dtypes
def _rule_cases():
    from mygrad_ops_math import explog, extrema, hyperbolic, special, trig, ufunc_methods

    mods = (explog, trig, hyperbolic, misc_ufuncs, special, ufunc_methods, extrema)
    decls = [d for m in mods for d in m.DECLARATIONS if getattr(d, "grads", None)]
    decls += [getattr(mg, n) for n in ("reciprocal", "float_power")]
    return {d.name: d for d in decls}


RULE_CASES = _rule_cases()


@pytest.mark.parametrize("name", list(RULE_CASES))
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_gradient_rules_keep_low_precision(name, dtype):
    # a rule computes in its gradient's precision: Python-scalar constants only (NEP 50)
    decl = RULE_CASES[name]
    xs = [np.array([0.5, 0.7, 1.5], dtype=dtype) for _ in range(decl.nin)]
    with np.errstate(all="ignore"):
        out = np.asarray(decl.ufunc(*xs) if isinstance(decl, mg.ufunc) else decl.forward(*xs))
        g = np.ones_like(out)
        for rule in decl.grads:
            assert np.asarray(rule(g, out, *xs)).dtype == out.dtype
