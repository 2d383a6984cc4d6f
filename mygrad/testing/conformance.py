"""Conformance checks for a plugin's ops: one line in a plugin's test suite.

>>> from mygrad.testing import check_plugin
>>> report = check_plugin("extra", max_examples=5)
>>> sorted(report.checked)
['ldexp', 'logmeanexp', 'running_max', 'softplus']

For every op the plugin registered, over inputs generated with hypothesis in
the op's declared domain (shapes, broadcasting, dtypes, constant and
non-constant inputs):

* forward: values and dtype match the NumPy function it overrides (or its
  ``reference``), result by result for an op with several results, and the
  inputs are left unchanged (inputs that NumPy itself rejects are skipped);
* gradients: match central finite differences, land only on non-constant
  inputs, and have each input's shape and dtype;
* writes after the forward pass (raw writes into what the memory guard leaves
  writeable, in-place writes through mygrad into every input and result,
  except results that are read-only views by nature) leave the gradients
  unchanged: what the op's rules read is declared right;
* tables: boolean-only / constant-only NumPy ufuncs give NumPy's results for
  tensors (constant-only ones refuse non-constant tensors); pass-through
  functions, whose signatures vary, are left to the core's own tests.

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
from hypothesis import HealthCheck, Phase, given, reject, seed as hypothesis_seed, settings
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
    differentiable_results,
    results_of,
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
    if (isinstance(decl, Composite) and not {"nin", "shapes"} & set(decl.conformance)
            and decl.numpy is None and decl.reference is None):
        return "composite without a reference or conformance options"
    return None


# ---------------------------------------------------------------------- ops
def _settings(max_examples: int, derandomize: bool) -> settings:
    # (no "explain" phase: it re-runs a failing example hundreds of times to annotate hypothesis's own
    # report, while a ConformanceError names the op, the check, the shrunk example and the seed)
    return settings(deadline=None, suppress_health_check=list(HealthCheck), database=None,
                    max_examples=max_examples, derandomize=derandomize, report_multiple_bugs=False,
                    phases=[p for p in Phase if p is not Phase.explain])


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
        the number of tensor inputs (for composites; ufuncs and functions know
        it) when ``shapes`` is not given.
    ``shapes``
        the inputs' shapes: a list of tuples of shapes to choose from
        (``[((2, 3), (3,)), ((4,), (4,))]``), or ``shapes(draw) -> tuple of shapes``.
        One input per shape (their number may vary from example to example).
        Default: any small shape (one input), broadcastable shapes (several).
    ``kwargs``
        extra keyword arguments: a dict of choices per argument
        (``{"axis": [None, 0, -1], "keepdims": [True, False]}``), a list of
        dicts to choose from, or ``kwargs(draw, shapes) -> dict``.
    ``call``
        how to call the op on its inputs: ``call(op, *inputs, **kwargs)``,
        used for the op and for its reference alike (default
        ``op(*inputs, **kwargs)``). For tensors passed by keyword
        (``lambda f, x, b, **kw: f(x, bias=b, **kw)``), after a non-tensor
        argument (``lambda f, *xs, subscripts: f(subscripts, *xs)``, with
        ``subscripts`` drawn by ``kwargs``) or in a list
        (``lambda f, *xs: f(list(xs))``).
    ``reference``
        a NumPy-only function to compare with, for the checker only (when the
        op's own ``reference`` does not take what ``call`` passes).
    ``dtypes``
        the float dtypes to check (default float16, float32, float64).
    ``atol`` / ``rtol``
        tolerances of the gradient check (default 1e-6 / 1e-4).
    ``forward_only``
        a non-differentiable op that returns NumPy results: compare with NumPy only.
    ``skip``
        a reason not to check the op.

    Inputs are drawn from the op's ``domain`` (one :class:`~mygrad.plugin.Domain`
    per input, or one for all): an input whose domain has a ``dtype``
    (``"bool"``, ``"int"``, an integer dtype) is drawn with it, always passed
    as a constant tensor and never differentiated. An op may return several
    results (a tuple, list or named tuple, like NumPy's): each is compared
    with NumPy's, and the gradients checked are those of
    ``sum_i sum(seed_i * result_i)`` over its differentiable results (others,
    e.g. integers or constant tensors, are only compared). Results that are
    read-only views by nature (``decl.read_only_view``, e.g. ``diagonal``)
    are not written into after the forward pass; their inputs are.
    """
    if isinstance(decl, Table):
        return check_table(decl)
    n = max_examples if max_examples is not None else RANDOM_EXAMPLES
    probe = max_examples if max_examples is not None else PROBE_EXAMPLES
    _run(decl, probe, None, derandomize=True)
    if not derandomize:
        _run(decl, n, random.randrange(2**32) if seed is None else seed, derandomize=False)


def _nin(decl: OpDecl, options: dict) -> int:
    if "nin" in options:
        return int(options["nin"])
    return decl.nin if isinstance(decl, (Ufunc, Function)) else 1


def _caller(op: Callable | None, call: Callable | None, kwargs: dict) -> Callable | None:
    """``f(*inputs)``: ``op`` called on the inputs with the drawn keyword
    arguments (through the ``call`` option if given)."""
    if op is None:
        return None
    if call is None:
        return lambda *xs: op(*xs, **kwargs)
    return lambda *xs: call(op, *xs, **kwargs)


def _run(decl: OpDecl, max_examples: int, seed: int | None, derandomize: bool) -> None:
    options = decl.conformance
    nin = _nin(decl, options)
    reference = options.get("reference") or decl.reference or _numpy_of(decl)
    call = options.get("call")
    shapes_for = _shapes_option(options.get("shapes"))
    kwargs_for = _kwargs_strategies(options.get("kwargs"))
    dtypes = st.sampled_from(options.get("dtypes", mst.FLOAT_DTYPES))
    booleans = st.booleans()
    atol, rtol = options.get("atol", 1e-6), options.get("rtol", 1e-4)
    forward_only = bool(options.get("forward_only"))
    read_only = bool(getattr(decl, "read_only_view", False))

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
            # (the number of inputs is the number of shapes, which a `shapes` option may vary)
            domains = [decl.input_domain(i) for i in range(len(in_shapes))]
            diff = [d.differentiable for d in domains]
            wrt = [i for i, d in enumerate(diff) if d]
            example["inputs"] = arrays = [
                data.draw(mst.arrays(s, d.numpy_dtype or np.float64, d), label=f"x{i}")
                for i, (s, d) in enumerate(zip(in_shapes, domains))
            ]
            example["dtype"] = dtype = np.dtype(data.draw(dtypes, label="dtype")).name
            f, ref = _caller(decl, call, kwargs), _caller(reference, call, kwargs)
            if forward_only:
                at("forward (NumPy's result)")
                return check_numpy_result(f, ref, arrays, diff, dtype)
            example["constant"] = constant = [
                data.draw(booleans, label=f"constant{i}") if d else True for i, d in enumerate(diff)
            ]
            at("forward")
            check_forward(f, ref, arrays, diff, dtype)
            at("forward (float64, for the gradient check)")
            out = f(*(mg.tensor(a, constant=not d) for a, d in zip(arrays, diff)))
            results, several = results_of(out)
            seeds = [data.draw(mst.seeds(r.shape), label=f"seed{k}") if live else None
                     for k, (r, live) in enumerate(zip(results, differentiable_results(out)))]
            upstream = seeds if several else seeds[0]
            example["upstream gradient"] = upstream
            at("finite differences")
            numeric = numerical_gradient(f, *arrays, seed=upstream, wrt=wrt)
            first = [not d for d in diff]
            for flags in (first, constant) if constant != first else (first,):
                check_backward(f, arrays, flags, upstream, numeric, atol, rtol, at)
            at("writes after the forward pass")
            check_writes_after_forward(f, arrays, diff, upstream, read_only=read_only)
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
    return tuple(option(data.draw))


def _shapes_option(option: Any) -> Any:
    """A list of shape tuples becomes one strategy (built once per op)."""
    if option is None or callable(option) or isinstance(option, st.SearchStrategy):
        return option
    return st.sampled_from([tuple(tuple(s) for s in choice) for choice in option])


def _kwargs_strategies(option: Any) -> Any:
    """The strategies of a plain-data ``kwargs`` option (built once per op)."""
    if option is None or callable(option):
        return option
    if isinstance(option, dict):
        return {k: st.sampled_from(list(v)) for k, v in option.items()}
    return st.sampled_from([dict(d) for d in option])


def _draw_kwargs(option: Any, data: Any, shapes: tuple) -> dict:
    if option is None:
        return {}
    if isinstance(option, dict):
        return {k: data.draw(v, label=k) for k, v in option.items()}
    if isinstance(option, st.SearchStrategy):
        return dict(data.draw(option, label="kwargs"))
    return dict(option(data.draw, shapes))


def _numpy_of(decl: OpDecl) -> Callable | None:
    f = decl.numpy
    if isinstance(f, (tuple, list)):
        f = f[0] if f else None
    return f

