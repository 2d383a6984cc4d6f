"""The individual checks of the conformance check (see
:mod:`mygrad.testing.conformance`), each on one example.

Every check calls the op through ``f(*inputs)`` (the op with its drawn
keyword arguments, and its ``conformance["call"]`` if any) and handles ops
with several results (a tuple, list or named tuple: each result is compared
with NumPy's, and the gradient checked is the one of
``sum_i sum(seed_i * result_i)`` over the differentiable results) and inputs
without a gradient (``Domain(dtype=...)``: drawn as integers or booleans,
always passed as constant tensors, never differentiated).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

import mygrad as mg
from mygrad._declarations.kinds import Table

__all__ = ["NumpyRejects", "results_of", "differentiable_results", "reference_result", "check_forward",
           "check_numpy_result", "check_backward", "check_writes_after_forward", "check_table"]


class NumpyRejects(Exception):
    """NumPy itself refuses these inputs: not an example to check."""


# ------------------------------------------------------------------ results
def results_of(out: Any) -> tuple[list, bool]:
    """``(results, several)``: an op's result(s) as a list, and whether the op
    returned several (a tuple, list or named tuple)."""
    if isinstance(out, (tuple, list)):
        return list(out), True
    return [out], False


def differentiable_results(out: Any) -> list[bool]:
    """Which results of a forward pass on non-constant inputs carry gradients
    (non-constant float tensors)."""
    results, _ = results_of(out)
    return [isinstance(r, mg.Tensor) and not r.constant and r.dtype.kind == "f" for r in results]


def backprop(out: Any, seed: Any) -> None:
    """Backpropagate ``seed`` from a result, or ``sum_i sum(seed_i * result_i)``
    from several (``seed_i`` None: the result is left out)."""
    results, several = results_of(out)
    if not several:
        out.backward(seed)
        return
    terms = [(r * s).sum() for r, s in zip(results, seed) if s is not None]
    if not terms:
        return
    loss = terms[0]
    for term in terms[1:]:
        loss = loss + term
    loss.backward()


def _typed(arrays: Sequence[np.ndarray], diff: Sequence[bool], dtype: Any) -> list:
    """The inputs in the checked dtype (inputs without a gradient keep theirs)."""
    return [a.astype(dtype) if d else a for a, d in zip(arrays, diff)]


def _tensors(arrays: Sequence[np.ndarray], constant: Sequence[bool]) -> list:
    return [mg.tensor(a, constant=c) for a, c in zip(arrays, constant)]


def reference_result(reference: Callable | None, arrays: list) -> Any:
    """NumPy's (or the reference's) result, or :class:`NumpyRejects`.
    ``reference`` takes the input arrays (keyword arguments are bound)."""
    if reference is None:
        return None
    try:
        with np.errstate(all="ignore"):
            return reference(*arrays)
    except Exception as e:
        raise NumpyRejects(f"{type(e).__name__}: {e}") from None


def _same_structure(got: Any, expected: Any) -> None:
    got_list, several = results_of(got)
    exp_list, exp_several = results_of(expected)
    assert several == exp_several, (
        f"returned {type(got).__name__}, NumPy returns {type(expected).__name__}")
    if several:
        assert len(got_list) == len(exp_list), f"returned {len(got_list)} results, NumPy returns {len(exp_list)}"
        fields = getattr(type(expected), "_fields", None)
        if fields is not None:
            assert getattr(type(got), "_fields", None) == fields, (
                f"returned {type(got).__name__}, NumPy returns the named tuple {type(expected).__name__}{fields}")


def check_forward(f: Callable, reference: Callable | None, arrays: list, diff: Sequence[bool], dtype: Any) -> None:
    """Values and dtype as NumPy's (or the reference's), result by result;
    inputs unchanged; the same values without tracking."""
    typed = _typed(arrays, diff, dtype)
    expected = reference_result(reference, typed)
    before = [a.copy() for a in typed]
    tensors = _tensors(typed, [not d for d in diff])
    out = f(*tensors)
    results, several = results_of(out)
    if not several:
        assert isinstance(out, mg.Tensor), f"returned {type(out).__name__}, not a Tensor"
    else:
        assert any(isinstance(r, mg.Tensor) for r in results), "returned no Tensor among its results"
    for t, b in zip(tensors, before):
        np.testing.assert_array_equal(t.data, b, err_msg="the op modified its input")
    if reference is not None:
        _same_structure(out, expected)
        tol = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5}.get(np.dtype(dtype), 1e-12)
        for k, (r, e) in enumerate(zip(results, results_of(expected)[0])):
            which = f"result {k}" if several else "result"
            got, e = (r.data if isinstance(r, mg.Tensor) else np.asarray(r)), np.asarray(e)
            assert got.dtype == e.dtype, f"{which}: dtype {got.dtype} != NumPy's {e.dtype} for {dtype} inputs"
            assert got.shape == e.shape, f"{which}: shape {got.shape} != NumPy's {e.shape}"
            np.testing.assert_allclose(got, e, rtol=tol, atol=tol, equal_nan=True,
                                       err_msg=f"forward {which} differs from NumPy's")
    # the same op under no_autodiff gives the same values
    with mg.no_autodiff:
        again, _ = results_of(f(*typed))
    assert len(again) == len(results), "a different number of results under no_autodiff"
    for r, a in zip(results, again):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(r.data if isinstance(r, mg.Tensor) else r))


def check_numpy_result(f: Callable, reference: Callable | None, arrays: list, diff: Sequence[bool],
                       dtype: Any) -> None:
    """A non-differentiable op: on tensors it gives exactly NumPy's result."""
    typed = _typed(arrays, diff, dtype)
    expected = reference_result(reference, typed)
    got = f(*(mg.tensor(a) for a in typed))
    results, _ = results_of(got)
    assert not any(isinstance(r, mg.Tensor) for r in results), "a forward-only op must return NumPy results"
    if reference is not None:
        assert type(got) is type(expected), f"returned {type(got).__name__}, NumPy returns {type(expected).__name__}"
        for r, e in zip(results, results_of(expected)[0]):
            np.testing.assert_array_equal(r, e)


def check_backward(f: Callable, arrays: list, flags: list, seed: Any, numeric: list,
                   atol: float, rtol: float, phase: Callable[[str], Any]) -> None:
    """Gradients with the constant ``flags``: against the finite differences
    ``numeric`` (None for an input without a gradient), only on non-constant
    inputs, with each input's shape and dtype. ``phase(label)`` names the
    current check."""
    tensors = _tensors(arrays, flags)
    out = f(*tensors)
    if all(flags):
        phase("the result of constant inputs")
        for r in results_of(out)[0]:
            assert not isinstance(r, mg.Tensor) or r.constant, "an op on constant tensors must give constant tensors"
    phase("backward")
    backprop(out, seed)
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


# ------------------------------------------------------ writes after forward
def _garbage(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind == "b":
        return ~a
    if a.dtype.kind in "iu":
        return (a ^ 1).astype(a.dtype)  # (other integers of the same magnitude)
    return (a * -1.7 + 0.31).astype(a.dtype)


def check_writes_after_forward(f: Callable, arrays: list, diff: Sequence[bool], seed: Any,
                               read_only: bool = False) -> None:
    """Writes after the forward pass never change the gradients: into every
    input array the memory guard left writeable (raw NumPy writes), and
    through mygrad into every input and every differentiable result
    (recorded writes, which keep the values the op's gradient rules read). A
    rule that reads more than its op declares (``@reads``) fails here.

    ``read_only``: the results are read-only views by nature (NumPy's
    ``diagonal``, ``broadcast_to``), which nobody can write into: only the
    inputs are written (the view must follow, or the write be refused)."""
    constant = [not d for d in diff]

    def grads(tensors: list) -> list:
        return [None if t.grad is None else np.array(t.grad) for t in tensors]

    def compare(leaves: list, expected: list, message: Callable[[int], str]) -> None:
        for i, (t, e) in enumerate(zip(leaves, expected)):
            if constant[i]:
                assert t.grad is None, f"constant input {i} received a gradient"
                continue
            assert t.grad is not None, f"input {i} received no gradient"
            np.testing.assert_allclose(t.grad, e, rtol=1e-6, atol=1e-9, err_msg=message(i))

    leaves = _tensors(arrays, constant)
    out = f(*leaves)
    if not any(differentiable_results(out)):
        return
    backprop(out, seed)
    expected = grads(leaves)

    # raw NumPy writes into what the guard leaves writeable
    leaves = _tensors(arrays, constant)
    out = f(*leaves)
    written = []
    for i, t in enumerate(leaves):
        arr = t.data
        if arr.flags.writeable:
            arr[...] = _garbage(arr)
            written.append(i)
    backprop(out, seed)
    compare(leaves, expected, lambda i: (
        f"a raw write into input(s) {written}, which the memory guard left writeable after the "
        "forward pass (the op declares that its gradient rules do not read them), changed the "
        f"gradient of input {i}: a rule reads more than declared (fix its @reads)"))

    # writes through mygrad into every input and the results (recorded)
    leaves = _tensors(arrays, constant)
    # (not the differentiable leaves: their old vertices keep the gradient path)
    inputs = [t * 1.0 if d else t for t, d in zip(leaves, diff)]
    out = f(*inputs)
    results, several = results_of(out)
    live = differentiable_results(out)
    consumers = [+r if d else r for r, d in zip(results, live)]
    targets = list(inputs) + ([] if read_only else [r for r, d in zip(results, live) if d])
    for t in targets:
        t[...] = _garbage(t.data)
    backprop(consumers if several else consumers[0], seed)
    compare(leaves, expected, lambda i: (
        f"writing into the inputs{'' if read_only else ' and the results'} in place after the forward pass "
        f"changed the gradient of input {i}: a rule reads a value (an input or a result) that its op does "
        "not declare (fix its @reads)"))


# ------------------------------------------------------------------- tables
def _table_inputs(f: np.ufunc) -> tuple | None:
    """Inputs for the ufunc ``f`` in one of its loops (a float loop if it has
    one, else an integer or boolean one; None if it works on nothing a tensor
    can hold, e.g. ``isnat``)."""
    x = np.array([[-1.5, 0.0, 2.5], [3.0, -0.5, 1.0]])
    loops = [t.split("->")[0] for t in f.types]
    usable = [ins for ins in loops if all(c in np.typecodes["AllFloat"] + np.typecodes["AllInteger"] + "?"
                                          and c not in np.typecodes["Complex"] for c in ins)]
    if not usable:
        return None
    ins = next((i for i in usable if all(c in np.typecodes["Float"] for c in i)), usable[0])
    return tuple((x if np.dtype(c).kind == "f" else np.abs(x) * 2 + 1).astype(c) for c in ins)


def check_table(table: Table) -> None:
    """A table's NumPy ufuncs give NumPy's results for tensors (constant
    ones; ``constant_only`` ufuncs refuse non-constant float tensors).
    Pass-through functions have signatures of all kinds: they are checked by
    the core's own tests."""
    for f in table.items:
        if table.kind == "passthrough":
            continue
        args = _table_inputs(f)
        if args is None:
            continue
        with np.errstate(all="ignore"):
            expected = f(*args)
            got = f(*(mg.tensor(a, constant=True) for a in args))
        for e, g in zip(expected if f.nout > 1 else (expected,), got if f.nout > 1 else (got,)):
            assert type(g) is np.ndarray, f"{f.__name__} returned {type(g).__name__} for tensors"
            np.testing.assert_array_equal(g, e, err_msg=f"{f.__name__} on tensors differs from NumPy's")
        if table.kind == "constant" and all(a.dtype.kind == "f" for a in args):
            try:
                with np.errstate(all="ignore"):
                    f(*(mg.tensor(a) for a in args))
            except ValueError:
                pass
            else:
                raise AssertionError(f"{f.__name__} accepted a non-constant tensor")
