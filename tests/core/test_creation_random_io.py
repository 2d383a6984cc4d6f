"""Creation routines (MyGrad 2.x's signatures and ``constant`` defaults),
``mygrad.random`` and ``save``/``load`` (which keep the ``constant`` flag and
raise clear ``ValueError``s for bad files), dtype aliases and constants,
``mygrad.typing`` (checkable at run time) and ``mygrad.errors``."""

import io
import os
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mygrad as mg
from mygrad.testing import strategies as mst


def assert_fresh(t, expected, constant):
    """A fresh graph-less tensor holding ``expected``."""
    assert isinstance(t, mg.Tensor)
    assert type(t.data) is np.ndarray
    assert t.dtype == expected.dtype
    np.testing.assert_array_equal(t.data, expected)
    assert t.constant is constant
    assert t.creator is None and t.base is None and t.grad is None


# ------------------------------------------------------- filled tensors
@pytest.mark.parametrize("make", [mg.empty, mg.ones, mg.zeros])
@pytest.mark.parametrize("shape", [3, (2, 3), (), (0, 2)])
def test_empty_ones_zeros_default_to_float32(make, shape):
    t = make(shape)
    assert t.dtype == np.float32 and t.shape == np.empty(shape).shape
    assert t.constant is False and t.creator is None
    if make is not mg.empty:
        np.testing.assert_array_equal(t.data, getattr(np, make.__name__)(shape))


@pytest.mark.parametrize("make", [mg.empty, mg.ones, mg.zeros])
def test_empty_ones_zeros_dtype_and_constant(make):
    assert make(2, dtype=np.float64).dtype == np.float64
    assert make(2, constant=True).constant is True
    i = make(2, dtype=int)
    assert i.dtype == np.dtype(int) and i.constant is True
    with pytest.raises(ValueError):
        make(2, dtype=int, constant=False)
    with pytest.raises(TypeError):
        make(2, constant=1)


def test_full_infers_dtype_and_constant():
    assert_fresh(mg.full((2,), 1.5), np.full((2,), 1.5), False)
    assert_fresh(mg.full(3, 7), np.full(3, 7), True)
    assert_fresh(mg.full((1, 2), 2, dtype=np.float32), np.full((1, 2), 2, dtype=np.float32), False)
    assert_fresh(mg.full(2, 1.5, constant=True), np.full(2, 1.5), True)
    assert_fresh(mg.full(2, mg.tensor(4.0)), np.full(2, 4.0), False)


def test_eye_and_identity():
    assert_fresh(mg.eye(3), np.eye(3), False)
    assert_fresh(mg.eye(2, 3, k=1), np.eye(2, 3, k=1), False)
    assert_fresh(mg.eye(2, dtype=int), np.eye(2, dtype=int), True)
    assert_fresh(mg.eye(2, constant=True), np.eye(2), True)
    assert_fresh(mg.identity(3), np.identity(3), False)
    assert_fresh(mg.identity(2, dtype=np.float16, constant=True), np.identity(2, dtype=np.float16), True)


# ------------------------------------------------------------- *_like
LIKES = [
    (mg.empty_like, np.empty_like, ()),
    (mg.ones_like, np.ones_like, ()),
    (mg.zeros_like, np.zeros_like, ()),
    (mg.full_like, np.full_like, (2.5,)),
]
LIKE_IDS = ["empty_like", "ones_like", "zeros_like", "full_like"]


@pytest.mark.parametrize("mg_f, np_f, extra", LIKES, ids=LIKE_IDS)
def test_like_of_arrays_and_lists_follows_the_dtype_default(mg_f, np_f, extra):
    # *_like of an ndarray is not forced to be constant (MyGrad 2.x made it constant)
    for proto, constant in [(np.array([1.0, 2.0]), False), ([1.0, 2.0], False), (np.array([1, 2]), True),
                            ([True], True), (np.array([[1.0]], dtype=np.float32), False)]:
        t = mg_f(proto, *extra)
        assert isinstance(t, mg.Tensor) and t.creator is None
        assert t.constant is constant, (proto, constant)
        assert t.shape == np.shape(proto)
        assert t.dtype == np_f(np.asarray(proto), *extra).dtype
        if mg_f is not mg.empty_like:
            np.testing.assert_array_equal(t.data, np_f(np.asarray(proto), *extra))


@pytest.mark.parametrize("mg_f, np_f, extra", LIKES, ids=LIKE_IDS)
def test_like_of_tensors(mg_f, np_f, extra):
    x = mg.tensor([[1.0, 2.0]])
    c = mg.tensor([[1.0, 2.0]], constant=True)
    i = mg.tensor([1, 2])
    assert mg_f(x, *extra).constant is False
    assert mg_f(c, *extra).constant is True  # of a constant tensor: constant
    assert mg_f(i, *extra).constant is True
    assert mg_f(c, *extra, constant=False).constant is False
    assert mg_f(x, *extra, constant=True).constant is True
    # NumPy's function dispatches to mygrad's (the override)
    for proto in (x, c):
        t = np_f(proto, *extra)
        assert isinstance(t, mg.Tensor)
        assert t.constant is proto.constant
        assert t.shape == proto.shape and not np.shares_memory(t.data, proto.data)
    # options
    assert mg_f(x, *extra, dtype=np.float32).dtype == np.float32
    assert mg_f(x, *extra, shape=(3,)).shape == (3,)
    assert mg_f(i, *extra, dtype=np.float64).constant is True  # of a constant tensor: constant
    # the prototype's gradient and graph are untouched
    (x * x).sum().backward()
    g = x.grad.copy()
    mg_f(x, *extra)
    np.testing.assert_array_equal(x.grad, g)


def test_full_like_with_tensor_fill_value():
    t = mg.full_like(np.zeros(2), mg.tensor(3.0))
    np.testing.assert_array_equal(t.data, [3.0, 3.0])
    assert t.creator is None


# --------------------------------------------------------------- ranges
@pytest.mark.parametrize(
    "args, kwargs",
    [((5,), {}), ((2, 7), {}), ((1, 10, 3), {}), ((0.0, 1.0, 0.25), {}), ((3,), {"dtype": np.float32}),
     ((5, 1, -2), {}), ((), {"stop": 4}), ((), {"start": 1, "stop": 4}), ((1,), {"stop": 4, "step": 2}),
     ((2.5,), {}), ((0, 5), {"dtype": np.int8})],
)
def test_arange_has_numpys_calling_convention(args, kwargs):
    expected = np.arange(*args, **kwargs)
    t = mg.arange(*args, **kwargs)
    assert_fresh(t, expected, expected.dtype.kind != "f")
    assert mg.arange(*args, constant=True, **kwargs).constant is True


def test_arange_errors_like_numpy():
    with pytest.raises(TypeError):
        mg.arange()
    with pytest.raises(ValueError):
        mg.arange(5, dtype=int, constant=False)


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("linspace", (0, 1), {}),
        ("linspace", (0.0, 10.0, 5), {"endpoint": False}),
        ("linspace", (np.array([0.0, 1.0]), 2.0, 3), {"axis": 1}),
        ("linspace", (0, 10, 4), {"dtype": int}),
        ("logspace", (0, 2, 3), {}),
        ("logspace", (0.0, 3.0, 4), {"base": 2.0, "endpoint": False}),
        ("geomspace", (1, 1000, 4), {}),
        ("geomspace", (1.0, 16.0, 5), {"dtype": np.float32}),
        ("geomspace", (np.array([1.0, 2.0]), 8.0, 3), {"axis": -1}),
    ],
)
def test_spaced_ranges_match_numpy(name, args, kwargs):
    expected = getattr(np, name)(*args, **kwargs)
    t = getattr(mg, name)(*args, **kwargs)
    assert isinstance(t, mg.Tensor) and t.creator is None
    assert t.dtype == expected.dtype
    np.testing.assert_allclose(t.data, expected)
    assert t.constant is (expected.dtype.kind != "f")
    assert getattr(mg, name)(*args, constant=True, **kwargs).constant is True


def test_linspace_of_tensors_is_not_differentiable_wrt_start_stop():
    start, stop = mg.tensor(0.0), mg.tensor(1.0)
    t = mg.linspace(start, stop, 3)
    np.testing.assert_array_equal(t.data, [0.0, 0.5, 1.0])
    assert t.creator is None
    t.backward()
    assert start.grad is None and stop.grad is None


# ------------------------------------------------------ tensor/astensor
def test_tensor_of_constant_tensor_is_a_new_float_tensor_and_ndmin_view():
    c = mg.tensor([1.0, 2.0], constant=True)
    t = mg.tensor(c)
    assert t is not c and t.constant is False and not np.shares_memory(t.data, c.data)
    x = mg.tensor([1.0, 2.0])
    v = mg.tensor(x, copy=False, ndmin=3)
    assert v.shape == (1, 1, 2) and v.base is x
    v.backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_astensor_with_other_constant_or_dtype_copies():
    x = mg.tensor([1.0, 2.0])
    c = mg.astensor(x, constant=True)
    assert c is not x and c.constant is True and not np.shares_memory(c.data, x.data)
    f = mg.astensor(x, dtype=np.float32)
    assert f.dtype == np.float32 and not np.shares_memory(f.data, x.data)
    assert mg.astensor(x) is x


# --------------------------------------------------------------- random
@pytest.mark.parametrize("name", ["rand", "randn"])
def test_rand_randn(name):
    f = getattr(mg.random, name)
    t = f(2, 3)
    assert isinstance(t, mg.Tensor) and t.shape == (2, 3) and t.dtype == np.float64
    assert t.constant is False and t.creator is None
    assert f(constant=True).constant is True
    assert f().shape == ()
    if name == "rand":
        assert ((t.data >= 0) & (t.data < 1)).all()


@pytest.mark.parametrize("name", ["random", "random_sample", "ranf", "sample"])
def test_random_sample_family(name):
    f = getattr(mg.random, name)
    t = f((3, 2))
    assert t.shape == (3, 2) and t.dtype == np.float64 and t.constant is False
    assert ((t.data >= 0) & (t.data < 1)).all()
    assert f().shape == ()
    assert f(4, constant=True).constant is True


def test_randint_is_an_integer_constant():
    t = mg.random.randint(0, 5, (10,))
    assert t.dtype.kind == "i" and t.constant is True
    assert ((t.data >= 0) & (t.data < 5)).all()
    u = mg.random.randint(3)
    assert u.shape == () and 0 <= int(u) < 3
    assert mg.random.randint(0, 2, (2,), dtype=np.int8).dtype == np.int8


def test_seed_makes_draws_reproducible_and_uses_numpys_global_rng():
    mg.random.seed(1234)
    a = mg.random.rand(3)
    b = mg.random.randn(2)
    np.random.seed(1234)
    np.testing.assert_array_equal(a.data, np.random.rand(3))
    np.testing.assert_array_equal(b.data, np.random.randn(2))


def test_random_namespace():
    assert set(mg.random.__all__) == {"rand", "randn", "random", "random_sample", "ranf", "sample", "randint", "seed"}


# ------------------------------------------------------------ save/load
@pytest.mark.parametrize(
    "make",
    [
        lambda: mg.tensor([1.0, 2.0, 3.0]),
        lambda: mg.tensor([[1.5]], constant=True),
        lambda: mg.tensor(np.arange(6, dtype=np.float32).reshape(2, 3)),
        lambda: mg.tensor([1, 2, 3]),
        lambda: mg.tensor([True, False]),
        lambda: mg.tensor(2.0),
    ],
)
@pytest.mark.parametrize("with_grad", [False, True])
def test_save_load_roundtrip_keeps_data_grad_and_constant(tmp_path, make, with_grad):
    t = make()
    if with_grad and not t.constant:
        (t * t).sum().backward()
    path = tmp_path / "t.npz"
    mg.save(path, t)
    u = mg.load(path)
    assert u is not t and isinstance(u, mg.Tensor)
    assert u.dtype == t.dtype and u.shape == t.shape
    np.testing.assert_array_equal(u.data, t.data)
    assert u.constant is t.constant
    if t.grad is None:
        assert u.grad is None
    else:
        np.testing.assert_array_equal(u.grad, t.grad)
        assert u.grad.dtype == t.dtype
    assert u.creator is None
    assert u.data.flags.writeable


def test_save_appends_npz_and_accepts_file_objects(tmp_path):
    t = mg.tensor([1.0, 2.0], constant=True)
    mg.save(str(tmp_path / "plain"), t)
    assert (tmp_path / "plain.npz").exists()
    assert mg.load(tmp_path / "plain.npz").constant is True
    buf = io.BytesIO()
    mg.save(buf, t)
    buf.seek(0)
    np.testing.assert_array_equal(mg.load(buf).data, [1.0, 2.0])


def test_save_of_a_view_and_of_a_tensor_in_a_live_graph(tmp_path):
    x = mg.tensor(np.arange(6.0).reshape(2, 3))
    v = x[:, ::-1]
    y = v * v
    mg.save(tmp_path / "v.npz", v)
    u = mg.load(tmp_path / "v.npz")
    np.testing.assert_array_equal(u.data, v.data)
    assert u.base is None
    y.backward()
    mg.save(tmp_path / "g.npz", v)
    np.testing.assert_array_equal(mg.load(tmp_path / "g.npz").grad, v.grad)


def test_save_rejects_non_tensors(tmp_path):
    with pytest.raises(TypeError):
        mg.save(tmp_path / "a.npz", np.array([1.0]))
    with pytest.raises(TypeError):
        mg.save(tmp_path / "a.npz", [1.0])


def test_load_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "missing.npz")


def _truncated(path):
    mg.save(path, mg.tensor(np.arange(100.0)))
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def _pickled_object_array(path):
    np.savez(path, data=np.array([{"a": 1}, None], dtype=object))


BAD_FILES = {
    "empty": lambda p: p.write_bytes(b""),
    "text": lambda p: p.write_text("these are not the arrays you are looking for\n"),
    "truncated": _truncated,
    "foreign-npz": lambda p: np.savez(p, weights=np.arange(3.0)),
    "foreign-zip": lambda p: zipfile.ZipFile(p, "w").writestr("hello.txt", "hi"),
    "garbage-zip-header": lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 40),
    "object-array": _pickled_object_array,
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_load_of_a_bad_file_raises_value_error_with_a_clear_message(tmp_path, kind):
    path = tmp_path / "bad.npz"
    BAD_FILES[kind](path)
    with pytest.raises(ValueError) as info:
        mg.load(path)
    msg = str(info.value)
    assert "bad.npz" in msg and "mygrad" in msg


def test_load_of_a_npy_file_raises_value_error(tmp_path):
    path = tmp_path / "plain.npy"
    np.save(path, np.arange(3.0))
    with pytest.raises(ValueError, match="plain.npy"):
        mg.load(path)


def test_load_uses_allow_pickle_false(tmp_path, monkeypatch):
    calls = []
    real_load = np.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", spy)
    mg.save(tmp_path / "t.npz", mg.tensor([1.0]))
    mg.load(tmp_path / "t.npz")
    assert calls and all(kw.get("allow_pickle") is False for kw in calls)


def test_load_rejects_a_gradient_of_the_wrong_shape(tmp_path):
    np.savez(tmp_path / "g.npz", data=np.zeros(3), grad=np.zeros(2), constant=np.array(False))
    with pytest.raises(ValueError):
        mg.load(tmp_path / "g.npz")


@given(t=mst.tensors(shape=mst.shapes(max_dims=2), dtype=st.sampled_from([np.float32, np.float64])))
def test_save_load_roundtrip_property(t):
    buf = io.BytesIO()
    mg.save(buf, t)
    buf.seek(0)
    u = mg.load(buf)
    np.testing.assert_array_equal(u.data, t.data)
    assert u.dtype == t.dtype and u.constant is t.constant


# ------------------------------------------------ dtypes, constants, typing
DTYPE_NAMES = ["bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp",
               "float16", "float32", "float64", "half", "single", "double", "longdouble"]


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_aliases_are_numpys_objects(name):
    assert getattr(mg, name) is getattr(np, name)
    assert name in dir(mg)


def test_numeric_constants():
    assert mg.pi == np.pi and type(mg.pi) is float
    assert mg.e == np.e and mg.euler_gamma == np.euler_gamma
    assert mg.inf == np.inf and np.isnan(mg.nan)
    assert mg.newaxis is None
    x = mg.tensor([1.0, 2.0])
    assert x[mg.newaxis].shape == (1, 2)


def test_typing_module():
    import mygrad.typing as mt

    assert set(mt.__all__) == {"ArrayLike", "DTypeLike", "DTypeLikeReals", "Index", "Mask", "Real", "Shape"}
    for name in mt.__all__:
        assert getattr(mt, name) is not None

    def f(x: mt.ArrayLike, s: mt.Shape, d: mt.DTypeLike = None, i: mt.Index = None, m: mt.Mask = None,
          r: mt.Real = 0) -> mt.ArrayLike:
        return x

    assert f(mg.tensor([1.0]), (1,)) is not None
    assert mg.typing is mt
    import mygrad

    assert os.path.exists(os.path.join(os.path.dirname(mygrad.__file__), "py.typed"))


def test_errors_module_hierarchy():
    from mygrad import errors

    for name in ("InvalidGradient", "InvalidBackprop", "DisconnectedView"):
        cls = getattr(errors, name)
        assert issubclass(cls, errors.MyGradException)
    assert issubclass(errors.MyGradException, Exception)
    assert mg.errors is errors
    assert issubclass(errors.MissingProviderError, TypeError)
    assert errors.SkipGradient is not None


def test_top_level_names():
    names = set(dir(mg))
    expected = {"Tensor", "tensor", "astensor", "asarray", "empty", "ones", "zeros", "full", "eye", "identity",
                "arange", "linspace", "logspace", "geomspace", "empty_like", "ones_like", "zeros_like",
                "full_like", "execute_op", "no_autodiff", "mem_guard_off", "mem_guard_on", "mem_guard_active",
                "turn_memory_guarding_off", "turn_memory_guarding_on", "save", "load", "random", "typing",
                "errors", "reshape", "squeeze", "ravel", "expand_dims", "broadcast_to", "atleast_1d",
                "atleast_2d", "atleast_3d", "transpose", "moveaxis", "swapaxes"}
    assert expected <= names
    assert "TYPE_CHECKING" not in names


def test_asarray():
    x = mg.tensor([1.0, 2.0])
    assert mg.asarray(x) is x.data
    a = mg.asarray([1, 2], dtype=np.float32)
    assert type(a) is np.ndarray and a.dtype == np.float32
    assert mg.asarray(x, dtype=np.float32).dtype == np.float32


@given(arr=hnp.arrays(np.float64, hnp.array_shapes(max_dims=2), elements=st.floats(-5, 5)))
def test_creation_from_arrays_copies(arr):
    t = mg.tensor(arr)
    assert not np.shares_memory(t.data, arr) or arr.size == 0
    u = mg.astensor(arr)
    assert u.data is arr
