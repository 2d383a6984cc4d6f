"""The individual checks of the conformance check (see
:mod:`mygrad.testing.conformance`), each on one example."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import mygrad as mg
from mygrad._declarations.base import OpDecl
from mygrad._declarations.kinds import Table

__all__ = ["NumpyRejects", "reference_result", "check_forward", "check_numpy_result", "check_backward", "check_writes_after_forward", "check_table"]


class NumpyRejects(Exception):
    """NumPy itself refuses these inputs: not an example to check."""


def reference_result(reference: Callable | None, arrays: list, kwargs: dict) -> Any:
    """NumPy's (or the reference's) result, or :class:`NumpyRejects`."""
    if reference is None:
        return None
    try:
        with np.errstate(all="ignore"):
            return reference(*arrays, **kwargs)
    except Exception as e:
        raise NumpyRejects(f"{type(e).__name__}: {e}") from None


def check_forward(decl: OpDecl, reference: Callable | None, arrays: list, kwargs: dict, dtype: Any) -> None:
    """Values and dtype as NumPy's (or the reference's), inputs unchanged,
    the same values without tracking."""
    typed = [a.astype(dtype) for a in arrays]
    expected = reference_result(reference, typed, kwargs)
    before = [a.copy() for a in typed]
    tensors = [mg.tensor(a) for a in typed]
    out = decl(*tensors, **kwargs)
    assert isinstance(out, mg.Tensor), f"returned {type(out).__name__}, not a Tensor"
    for t, b in zip(tensors, before):
        np.testing.assert_array_equal(t.data, b, err_msg="the op modified its input")
    if reference is None:
        return
    expected = np.asarray(expected)
    assert out.dtype == expected.dtype, f"dtype {out.dtype} != NumPy's {expected.dtype} for {dtype} inputs"
    tol = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5}.get(np.dtype(dtype), 1e-12)
    np.testing.assert_allclose(out.data, expected, rtol=tol, atol=tol, equal_nan=True,
                               err_msg="forward result differs from NumPy's")
    # the same op under no_autodiff gives the same values
    with mg.no_autodiff:
        again = decl(*typed, **kwargs)
    np.testing.assert_array_equal(np.asarray(again), out.data)


def check_numpy_result(decl: OpDecl, reference: Callable | None, arrays: list, kwargs: dict, dtype: Any) -> None:
    """A non-differentiable op: on tensors it gives exactly NumPy's result."""
    typed = [a.astype(dtype) for a in arrays]
    expected = reference_result(reference, typed, kwargs)
    got = decl(*(mg.tensor(a) for a in typed), **kwargs)
    assert not isinstance(got, mg.Tensor), "a forward-only op must return NumPy results"
    if reference is not None:
        assert type(got) is type(expected), f"returned {type(got).__name__}, NumPy returns {type(expected).__name__}"
        np.testing.assert_array_equal(got, expected)


def check_backward(decl: OpDecl, arrays: list, kwargs: dict, flags: list, seed: Any, numeric: list,
                   atol: float, rtol: float, phase: Callable[[str], Any]) -> None:
    """Gradients with the constant ``flags``: against the finite differences
    ``numeric`` of ``sum(seed * op(...))``, only on non-constant inputs, with
    each input's shape and dtype. ``phase(label)`` names the current check."""
    tensors = [mg.tensor(a, constant=c) for a, c in zip(arrays, flags)]
    out = decl(*tensors, **kwargs)
    if all(flags):
        phase("the result of constant inputs")
        assert out.constant, "an op on constant tensors must give a constant tensor"
    phase("backward")
    out.backward(seed)
    for i, (t, n) in enumerate(zip(tensors, numeric)):
        phase(f"the gradient of input {i}")
        if t.constant:
            assert t.grad is None, f"constant input {i} received a gradient"
            continue
        assert t.grad is not None, f"input {i} received no gradient"
        assert t.grad.shape == t.shape, f"input {i}: gradient shape {t.grad.shape} != {t.shape}"
        assert t.grad.dtype == t.dtype, f"input {i}: gradient dtype {t.grad.dtype} != {t.dtype}"
        np.testing.assert_allclose(t.grad, n, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of input {i} differs from finite differences")


def _garbage(a: np.ndarray) -> np.ndarray:
    return (np.asarray(a) * -1.7 + 0.31).astype(np.asarray(a).dtype)


def check_writes_after_forward(decl: OpDecl, arrays: list, kwargs: dict, seed: Any) -> None:
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


def check_table(table: Table) -> None:
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
