"""Conformance checks for a plugin's ops: one line in a plugin's test suite.

>>> from mygrad.testing import check_plugin
>>> report = check_plugin("extra", max_examples=5)
>>> sorted(report.checked)
['hypot', 'softplus']

For every op the plugin registered, over inputs generated with hypothesis in
the op's declared domain (shapes, broadcasting, dtypes, constant and
non-constant inputs):

* forward: values and dtype match the NumPy function it overrides (or its
  ``reference``), and the inputs are left unchanged;
* gradients: match central finite differences, land only on non-constant
  inputs, and have each input's shape and dtype;
* writes after the forward pass (raw writes into what the memory guard leaves
  writeable, in-place writes through mygrad into every input and the output)
  leave the gradients unchanged: what the op's rules read is declared right;
* tables: pass-through / boolean-only / constant-only NumPy callables give
  NumPy's results for tensors (constant-only ones refuse non-constant tensors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import mygrad as mg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mygrad._declarations.kinds import Composite, Export, Table
from mygrad._declarations.base import OpDecl
from mygrad._declarations.function import Function
from mygrad._declarations.ufunc import Ufunc
from mygrad._plugins.manager import MANAGER
from mygrad._plugins.registry import REGISTRY
from mygrad.testing import strategies as mst
from mygrad.testing.gradcheck import numerical_gradient

__all__ = ["check_plugin", "check_op", "ConformanceReport"]


@dataclass
class ConformanceReport:
    plugin: str
    checked: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)


def _plugin_name(plugin: Any) -> str:
    if isinstance(plugin, str):
        return plugin
    return MANAGER.pm.get_name(plugin)


def check_plugin(plugin: Any, *, max_examples: int | None = None, ops: Any = None) -> ConformanceReport:
    """Check every op that ``plugin`` (a plugin name or object) registered.

    Raises ``AssertionError`` describing the first failing example of each
    failing op; returns a :class:`ConformanceReport` otherwise.
    """
    name = _plugin_name(plugin)
    if name not in REGISTRY.plugins:
        raise ValueError(f"plugin {name!r} is not registered (see `python -m mygrad plugins`)")
    report = ConformanceReport(name)
    failures = []
    for decl in REGISTRY.decls_of(name):
        label = decl.name
        if ops is not None and label not in ops:
            continue
        why = _skip_reason(decl)
        if why:
            report.skipped[label] = why
            continue
        try:
            check_op(decl, max_examples=max_examples)
        except Exception as e:  # collect, report all at the end
            failures.append(f"{label}: {type(e).__name__}: {e}")
        else:
            report.checked.append(label)
    if failures:
        raise AssertionError(f"plugin {name!r} failed conformance:\n" + "\n".join(failures))
    return report


def _skip_reason(decl: OpDecl) -> str | None:
    if isinstance(decl, Export):
        return "not an op"
    reason = decl.conformance.get("skip")
    if reason:
        return str(reason)
    if isinstance(decl, Composite) and "nin" not in decl.conformance and decl.numpy is None and decl.reference is None:
        return "composite without a reference or conformance options"
    return None


def _settings(max_examples: int | None) -> settings:
    kw: dict = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)
    if max_examples is not None:
        kw["max_examples"] = max_examples
    return settings(**kw)


def check_op(decl: OpDecl, *, max_examples: int | None = None) -> None:
    """Run the conformance checks of one declaration (see module docs).

    ``decl.conformance`` options (plain data, or functions of hypothesis's
    ``draw`` that the checker alone calls, so a plugin never imports
    hypothesis itself):

    ``nin``
        the number of tensor inputs (for composites; ufuncs and functions know it).
    ``shapes``
        the inputs' shapes: a list of tuples of shapes to choose from
        (``[((2, 3), (3,)), ((4,), (4,))]``), or ``shapes(draw) -> tuple of shapes``.
        Default: any small shape (one input), broadcastable shapes (several).
    ``kwargs``
        extra keyword arguments: a dict of choices per argument
        (``{"axis": [None, 0, -1], "keepdims": [True, False]}``), a list of
        dicts to choose from, or ``kwargs(draw, shapes) -> dict``.
    ``dtypes``
        the float dtypes to check (default float16, float32, float64).
    ``atol`` / ``rtol``
        tolerances of the gradient check (default 1e-6 / 1e-4).
    ``forward_only``
        a non-differentiable op that returns NumPy results: compare with NumPy only.
    ``skip``
        a reason not to check the op.
    """
    if isinstance(decl, Table):
        return _check_table(decl)
    nin = decl.nin if isinstance(decl, (Ufunc, Function)) else decl.conformance.get("nin", 1)
    reference = decl.reference or _numpy_of(decl)
    kwargs_for: Callable | None = decl.conformance.get("kwargs")
    shapes_for: Callable | None = decl.conformance.get("shapes")
    dtypes = decl.conformance.get("dtypes", mst.FLOAT_DTYPES)
    atol = decl.conformance.get("atol", 1e-6)
    forward_only = bool(decl.conformance.get("forward_only"))
    rtol = decl.conformance.get("rtol", 1e-4)

    @_settings(max_examples)
    @given(data=st.data())
    def run(data: Any) -> None:
        if shapes_for is not None:
            in_shapes = _draw_shapes(shapes_for, data)
        elif nin == 1:
            in_shapes = (data.draw(mst.shapes(), label="shape"),)
        else:
            in_shapes = data.draw(mst.broadcastable_shapes(nin), label="shapes")
        kwargs = _draw_kwargs(kwargs_for, data, in_shapes)
        arrays = [
            data.draw(mst.arrays(s, np.float64, decl.input_domain(i)), label=f"x{i}")
            for i, s in enumerate(in_shapes)
        ]
        dtype = data.draw(st.sampled_from(dtypes), label="dtype")
        if forward_only:
            return _check_numpy_result(decl, reference, arrays, kwargs, dtype)
        constant = [data.draw(st.booleans(), label=f"constant{i}") for i in range(nin)]
        _check_forward(decl, reference, arrays, kwargs, dtype)
        seed = _check_backward(decl, arrays, kwargs, constant, data, atol, rtol)
        if seed is not None:
            _check_writes_after_forward(decl, arrays, kwargs, seed)

    run()


def _draw_shapes(option: Any, data: Any) -> tuple:
    if isinstance(option, st.SearchStrategy):
        return tuple(data.draw(option, label="shapes"))
    if callable(option):
        return tuple(option(data.draw))
    choice = data.draw(st.sampled_from(list(option)), label="shapes")
    return tuple(tuple(s) for s in choice)


def _draw_kwargs(option: Any, data: Any, shapes: tuple) -> dict:
    if option is None:
        return {}
    if callable(option):
        return dict(option(data.draw, shapes))
    if isinstance(option, dict):
        return {k: data.draw(st.sampled_from(list(v)), label=k) for k, v in option.items()}
    return dict(data.draw(st.sampled_from(list(option)), label="kwargs"))


def _numpy_of(decl: OpDecl) -> Callable | None:
    f = decl.numpy
    if isinstance(f, (tuple, list)):
        f = f[0] if f else None
    return f


def _check_forward(decl: OpDecl, reference: Callable | None, arrays: list, kwargs: dict, dtype: Any) -> None:
    typed = [a.astype(dtype) for a in arrays]
    before = [a.copy() for a in typed]
    tensors = [mg.tensor(a) for a in typed]
    out = decl(*tensors, **kwargs)
    assert isinstance(out, mg.Tensor), f"returned {type(out).__name__}, not a Tensor"
    for t, b in zip(tensors, before):
        np.testing.assert_array_equal(t.data, b, err_msg="the op modified its input")
    if reference is None:
        return
    with np.errstate(all="ignore"):
        expected = np.asarray(reference(*typed, **kwargs))
    assert out.dtype == expected.dtype, f"dtype {out.dtype} != NumPy's {expected.dtype} for {dtype} inputs"
    tol = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5}.get(np.dtype(dtype), 1e-12)
    np.testing.assert_allclose(out.data, expected, rtol=tol, atol=tol, equal_nan=True,
                               err_msg="forward result differs from NumPy's")
    # the same op under no_autodiff gives the same values
    with mg.no_autodiff:
        again = decl(*typed, **kwargs)
    np.testing.assert_array_equal(np.asarray(again), out.data)


def _check_numpy_result(decl: OpDecl, reference: Callable | None, arrays: list, kwargs: dict, dtype: Any) -> None:
    """A non-differentiable op: on tensors it gives exactly NumPy's result."""
    typed = [a.astype(dtype) for a in arrays]
    got = decl(*(mg.tensor(a) for a in typed), **kwargs)
    assert not isinstance(got, mg.Tensor), "a forward-only op must return NumPy results"
    if reference is not None:
        expected = reference(*typed, **kwargs)
        assert type(got) is type(expected), f"returned {type(got).__name__}, NumPy returns {type(expected).__name__}"
        np.testing.assert_array_equal(got, expected)


def _check_backward(decl: OpDecl, arrays: list, kwargs: dict, constant: list, data: Any,
                    atol: float, rtol: float) -> Any:
    """Gradients against finite differences: with every input differentiable,
    then (if any was drawn constant) with the drawn constant flags. Returns
    the seed (upstream gradient) used."""
    seed = None
    numeric = None
    for flags in ([False] * len(arrays), constant) if any(constant) else ([False] * len(arrays),):
        tensors = [mg.tensor(a, constant=c) for a, c in zip(arrays, flags)]
        out = decl(*tensors, **kwargs)
        if all(flags):
            assert out.constant, "an op on constant tensors must give a constant tensor"
        if seed is None:
            seed = data.draw(mst.seeds(out.shape), label="seed")
            numeric = numerical_gradient(lambda *xs: decl(*xs, **kwargs), *arrays, seed=seed)
        out.backward(seed)
        for i, (t, n) in enumerate(zip(tensors, numeric)):
            if t.constant:
                assert t.grad is None, f"constant input {i} received a gradient"
                continue
            assert t.grad is not None, f"input {i} received no gradient"
            assert t.grad.shape == t.shape, f"input {i}: gradient shape {t.grad.shape} != {t.shape}"
            assert t.grad.dtype == t.dtype, f"input {i}: gradient dtype {t.grad.dtype} != {t.dtype}"
            np.testing.assert_allclose(t.grad, n, rtol=rtol, atol=atol,
                                       err_msg=f"gradient of input {i} differs from finite differences")
    return seed


def _garbage(a: np.ndarray) -> np.ndarray:
    return (np.asarray(a) * -1.7 + 0.31).astype(np.asarray(a).dtype)


def _check_writes_after_forward(decl: OpDecl, arrays: list, kwargs: dict, seed: Any) -> None:
    """Writes after the forward pass never change the gradients: into every
    input array the memory guard left writeable (raw NumPy writes), and
    through mygrad into every input and the output (recorded writes, which
    keep the values the op's gradient rules read). A rule that reads more
    than its op declares (``@reads``) fails here."""
    def grads(tensors: list) -> list:
        return [None if t.grad is None else np.array(t.grad) for t in tensors]

    leaves = [mg.tensor(a) for a in arrays]
    out = decl(*leaves, **kwargs)
    if not isinstance(out, mg.Tensor) or out.constant:
        return
    out.backward(seed)
    expected = grads(leaves)

    # raw NumPy writes into what the guard leaves writeable
    leaves = [mg.tensor(a) for a in arrays]
    out = decl(*leaves, **kwargs)
    written = []
    for i, t in enumerate(leaves):
        arr = t.data
        if arr.flags.writeable:
            arr[...] = _garbage(arr)
            written.append(i)
    out.backward(seed)
    for i, (t, e) in enumerate(zip(leaves, expected)):
        assert t.grad is not None, f"input {i} received no gradient"
        np.testing.assert_allclose(
            t.grad, e, rtol=1e-6, atol=1e-9,
            err_msg=(f"a raw write into input(s) {written}, which the memory guard left writeable after the "
                     "forward pass (the op declares that its gradient rules do not read them), changed the "
                     f"gradient of input {i}: a rule reads more than declared (fix its @reads)"),
        )

    # writes through mygrad into every input and the output (recorded)
    leaves = [mg.tensor(a) for a in arrays]
    inputs = [t * 1.0 for t in leaves]  # (not leaves: their old vertices keep the gradient path)
    out = decl(*inputs, **kwargs)
    consumer = +out
    for t in (*inputs, out):
        t[...] = _garbage(t.data)
    consumer.backward(seed)
    for i, (t, e) in enumerate(zip(leaves, expected)):
        assert t.grad is not None, f"input {i} received no gradient"
        np.testing.assert_allclose(
            t.grad, e, rtol=1e-6, atol=1e-9,
            err_msg=("writing into the inputs and the output in place after the forward pass changed the "
                     f"gradient of input {i}: a rule reads a value (an input or the output) that its op does "
                     "not declare (fix its @reads)"),
        )


def _check_table(table: Table) -> None:
    x = np.array([[-1.5, 0.0, 2.5], [3.0, -0.5, 1.0]])
    c = mg.tensor(x, constant=True)
    v = mg.tensor(x)
    for f in table.items:
        if table.kind == "passthrough":
            continue  # signatures vary; exercised by the core's own tests
        args = (x,) * f.nin
        expected = f(*args)
        got = f(*(c,) * f.nin)
        for e, g in zip(expected if f.nout > 1 else (expected,), got if f.nout > 1 else (got,)):
            assert type(g) is np.ndarray, f"{f.__name__} returned {type(g).__name__} for tensors"
            np.testing.assert_array_equal(g, e)
        if table.kind == "constant":
            try:
                f(*(v,) * f.nin)
            except ValueError:
                pass
            else:
                raise AssertionError(f"{f.__name__} accepted a non-constant tensor")
