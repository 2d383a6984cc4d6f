"""Conformance checks for a plugin's ops: one line in a plugin's test suite.

>>> from mygrad.testing import check_plugin
>>> report = check_plugin("extra", max_examples=5)
>>> sorted(report.checked)
['hypot', 'logmeanexp', 'running_max', 'softplus']

For every op the plugin registered, over inputs generated with hypothesis in
the op's declared domain (shapes, broadcasting, dtypes, constant and
non-constant inputs):

* forward: values and dtype match the NumPy function it overrides (or its
  ``reference``), and the inputs are left unchanged (inputs that NumPy itself
  rejects are skipped);
* gradients: match central finite differences, land only on non-constant
  inputs, and have each input's shape and dtype;
* writes after the forward pass (raw writes into what the memory guard leaves
  writeable, in-place writes through mygrad into every input and the output)
  leave the gradients unchanged: what the op's rules read is declared right;
* tables: pass-through / boolean-only / constant-only NumPy callables give
  NumPy's results for tensors (constant-only ones refuse non-constant tensors).

Each op is checked first on a fixed (derandomized) set of examples, then on
random ones from a seed; a failure names the op, the check that failed, the
(shrunk) falsifying example and the seed that replays it. In a test suite,
one test per op::

    import pytest
    from mygrad.testing import check_plugin, plugin_ops

    @pytest.mark.parametrize("op", plugin_ops("extra"))
    def test_conformance(op):
        check_plugin("extra", ops=[op])
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import HealthCheck, given, reject, seed as hypothesis_seed, settings
from hypothesis import strategies as st

import mygrad as mg
from mygrad._declarations.base import OpDecl
from mygrad._declarations.function import Function
from mygrad._declarations.kinds import Composite, Export, Table
from mygrad._declarations.ufunc import Ufunc
from mygrad._plugins.manager import MANAGER
from mygrad._plugins.registry import REGISTRY
from mygrad.testing import strategies as mst
from mygrad.testing.checks import (
    NumpyRejects,
    check_backward,
    check_forward,
    check_numpy_result,
    check_table,
    check_writes_after_forward,
)
from mygrad.testing.gradcheck import numerical_gradient

__all__ = ["check_plugin", "check_op", "plugin_ops", "ConformanceReport", "ConformanceError"]

#: examples of the fixed (derandomized) pass and of the random pass when
#: ``max_examples`` is not given
PROBE_EXAMPLES = 15
RANDOM_EXAMPLES = 25


@dataclass
class ConformanceReport:
    """What :func:`check_plugin` checked, and what it skipped (op -> reason)."""

    plugin: str
    checked: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)


class ConformanceError(AssertionError):
    """An op failed a conformance check. For one op: ``op``, ``phase``
    (``"forward"``, ``"the gradient of input 1"``, ...), ``example`` (the
    falsifying example) and ``seed`` (``check_op(..., seed=seed)`` replays
    it; None for the fixed examples) say what and where."""

    op: str | None = None
    phase: str | None = None
    example: dict = {}
    seed: int | None = None

    @classmethod
    def of_example(cls, op: str, phase: str, example: dict, seed: int | None,
                   cause: BaseException) -> "ConformanceError":
        lines = [f"{op!r} fails {phase}: {type(cause).__name__}: {str(cause).strip()}", "  falsifying example:"]
        lines += [f"    {k} = {_show(v)}" for k, v in example.items()]
        if seed is None:
            lines.append("  (found among the fixed examples: `check_op(..., derandomize=True)` replays it)")
        else:
            lines.append(f"  replay: check_op(..., seed={seed}) or check_plugin(..., ops=[{op!r}], seed={seed})")
        err = cls("\n".join(lines))
        err.op, err.phase, err.example, err.seed = op, phase, dict(example), seed
        return err


def _show(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return np.array2string(v, precision=6, separator=", ", threshold=40).replace("\n", " ")
    if isinstance(v, (list, tuple)) and any(isinstance(a, np.ndarray) for a in v):
        return "[" + ", ".join(_show(a) for a in v) + "]"
    return repr(v)


# ------------------------------------------------------------------ plugins
def _plugin_name(plugin: Any) -> str:
    if isinstance(plugin, str):
        return plugin
    return MANAGER.pm.get_name(plugin)


def _registered(name: str) -> None:
    if name not in REGISTRY.plugins:
        why = MANAGER.failure(name)
        if why:
            raise ValueError(f"plugin {name!r} is not registered: {why}")
        raise ValueError(f"plugin {name!r} is not registered (see `python -m mygrad plugins`)")
    REGISTRY.load(name)
    if name not in REGISTRY.plugins or REGISTRY.plugins[name].lazy:
        raise ValueError(f"plugin {name!r} failed to load: {MANAGER.failure(name)}")


def plugin_ops(plugin: Any) -> list[str]:
    """The names of the ops ``plugin`` registered (e.g. to parametrize one
    test per op with ``check_plugin(plugin, ops=[name])``)."""
    name = _plugin_name(plugin)
    _registered(name)
    return [_label(d) for d in REGISTRY.decls_of(name)]


def _label(d: OpDecl) -> str:
    return d.name if not isinstance(d, Table) else f"{d.kind} table"


def check_plugin(plugin: Any, *, max_examples: int | None = None, ops: Any = None, seed: int | None = None,
                 derandomize: bool = False) -> ConformanceReport:
    """Check every op that ``plugin`` (a plugin name or object) registered
    (or the ones named in ``ops``).

    Raises :class:`ConformanceError` (an ``AssertionError``) listing each
    failing op with its falsifying example and replay seed; also when nothing
    was checked. ``seed`` makes the random examples reproducible;
    ``derandomize=True`` checks only the fixed examples. Returns a
    :class:`ConformanceReport` otherwise.
    """
    name = _plugin_name(plugin)
    _registered(name)
    report = ConformanceReport(name)
    failures: list[str] = []
    decls = REGISTRY.decls_of(name)
    if ops is not None:
        unknown = sorted(set(ops) - {_label(d) for d in decls})
        if unknown:
            raise ValueError(f"plugin {name!r} registered no op named {', '.join(map(repr, unknown))}")
    for decl in decls:
        label = _label(decl)
        if ops is not None and label not in ops:
            continue
        why = _skip_reason(decl)
        if why:
            report.skipped[label] = why
            continue
        try:
            check_op(decl, max_examples=max_examples, seed=seed, derandomize=derandomize)
        except BaseException as e:  # collect, report all at the end
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            failures.extend(_messages(label, e))
        else:
            report.checked.append(label)
    if failures:
        raise ConformanceError(f"plugin {name!r} failed conformance:\n" + "\n".join(failures))
    if not report.checked:
        raise AssertionError(
            f"check_plugin({name!r}) checked nothing: "
            + (f"every op was skipped ({report.skipped})" if report.skipped else "the plugin registered no op")
        )
    return report


def _messages(label: str, e: BaseException) -> list[str]:
    """The messages of ``e``, exception groups unpacked."""
    if isinstance(e, BaseExceptionGroup):
        return [m for sub in e.exceptions for m in _messages(label, sub)]
    if isinstance(e, ConformanceError):
        return [str(e)]
    return [f"{label!r}: {type(e).__name__}: {e}"]


def _skip_reason(decl: OpDecl) -> str | None:
    if isinstance(decl, Export):
        return "not an op"
    reason = decl.conformance.get("skip")
    if reason:
        return str(reason)
    if isinstance(decl, Composite) and "nin" not in decl.conformance and decl.numpy is None and decl.reference is None:
        return "composite without a reference or conformance options"
    return None


# ---------------------------------------------------------------------- ops
def _settings(max_examples: int, derandomize: bool) -> settings:
    return settings(deadline=None, suppress_health_check=list(HealthCheck), database=None,
                    max_examples=max_examples, derandomize=derandomize, report_multiple_bugs=False)


def check_op(decl: OpDecl, *, max_examples: int | None = None, seed: int | None = None,
             derandomize: bool = False) -> None:
    """Run the conformance checks of one declaration (see module docs): on a
    fixed set of examples, then (unless ``derandomize``) on random ones from
    ``seed`` (a random seed, reported on failure, if None); ``max_examples``
    examples each (default 15 fixed and 25 random ones).

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
        return check_table(decl)
    n = max_examples if max_examples is not None else RANDOM_EXAMPLES
    probe = max_examples if max_examples is not None else PROBE_EXAMPLES
    _run(decl, probe, None, derandomize=True)
    if not derandomize:
        _run(decl, n, random.randrange(2**32) if seed is None else seed, derandomize=False)


def _run(decl: OpDecl, max_examples: int, seed: int | None, derandomize: bool) -> None:
    options = decl.conformance
    nin = decl.nin if isinstance(decl, (Ufunc, Function)) else options.get("nin", 1)
    reference = decl.reference or _numpy_of(decl)
    shapes_for = options.get("shapes")
    kwargs_for = options.get("kwargs")
    dtypes = options.get("dtypes", mst.FLOAT_DTYPES)
    atol, rtol = options.get("atol", 1e-6), options.get("rtol", 1e-4)
    forward_only = bool(options.get("forward_only"))

    @_settings(max_examples, derandomize)
    @given(data=st.data())
    def run(data: Any) -> None:
        example: dict = {}
        phase = ["drawing the example"]

        def at(label: str) -> None:
            phase[0] = label

        try:
            example["shapes"] = in_shapes = _draw_shapes(shapes_for, data, nin)
            example["kwargs"] = kwargs = _draw_kwargs(kwargs_for, data, in_shapes)
            example["inputs"] = arrays = [
                data.draw(mst.arrays(s, np.float64, decl.input_domain(i)), label=f"x{i}")
                for i, s in enumerate(in_shapes)
            ]
            example["dtype"] = dtype = np.dtype(data.draw(st.sampled_from(dtypes), label="dtype")).name
            if forward_only:
                at("forward (NumPy's result)")
                return check_numpy_result(decl, reference, arrays, kwargs, dtype)
            example["constant"] = constant = [data.draw(st.booleans(), label=f"constant{i}") for i in range(nin)]
            at("forward")
            check_forward(decl, reference, arrays, kwargs, dtype)
            at("forward (float64, for the gradient check)")
            out = decl(*(mg.tensor(a) for a in arrays), **kwargs)
            example["upstream gradient"] = upstream = data.draw(mst.seeds(out.shape), label="seed")
            at("finite differences")
            numeric = numerical_gradient(lambda *xs: decl(*xs, **kwargs), *arrays, seed=upstream)
            for flags in ([False] * nin, constant) if any(constant) else ([False] * nin,):
                check_backward(decl, arrays, kwargs, flags, upstream, numeric, atol, rtol, at)
            at("writes after the forward pass")
            check_writes_after_forward(decl, arrays, kwargs, upstream)
        except NumpyRejects:
            reject()
        except Exception as e:
            raise ConformanceError.of_example(decl.name, phase[0], example, seed, e) from e

    if seed is not None:
        run = hypothesis_seed(seed)(run)
    run()


def _draw_shapes(option: Any, data: Any, nin: int) -> tuple:
    if option is None:
        if nin == 1:
            return (data.draw(mst.shapes(), label="shape"),)
        return tuple(data.draw(mst.broadcastable_shapes(nin), label="shapes"))
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

