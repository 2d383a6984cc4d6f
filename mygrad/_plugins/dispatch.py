"""NumPy's protocols for tensors, driven by the registry.

``Tensor.__array_ufunc__`` (NEP 13) and ``Tensor.__array_function__``
(NEP 18) look the NumPy callable up in the registry's tables:

* a registered differentiable op -> the op, called with the same arguments;
* a boolean-only ufunc -> run on the underlying arrays, return arrays;
* a constant-only ufunc -> the same, but a non-constant tensor among the
  inputs or ``out`` raises ``ValueError``;
* a pass-through function -> tensors replaced by their arrays, NumPy result;
* a NumPy callable of a plugin that is registered from its manifest but not
  imported yet -> the plugin is imported, then as above;
* anything else -> :class:`~mygrad.errors.MissingProviderError` (a
  ``TypeError``) that names the pack to install or enable, or lists the
  loaded plugins (``NotImplemented`` when another array type takes part,
  which may implement it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mygrad._core.inplace import assign
from mygrad._core.modes import no_autodiff
from mygrad._plugins.entries import numpy_name
from mygrad._plugins.registry import REGISTRY
from mygrad._core.tensor import Tensor

__all__ = ["array_ufunc", "array_function", "unwrap"]

_ndarray = np.ndarray


def unwrap(obj: Any) -> Any:
    """Replace tensors (also inside lists, tuples and dicts) by their arrays."""
    if isinstance(obj, Tensor):
        return obj._data
    if isinstance(obj, list):
        return [unwrap(o) for o in obj]
    if type(obj) is tuple:
        return tuple(unwrap(o) for o in obj)
    if isinstance(obj, dict):
        return {k: unwrap(v) for k, v in obj.items()}
    return obj


def _non_constant(objs: Any) -> bool:
    return any(isinstance(o, Tensor) and not o._constant for o in objs)


def array_ufunc(self: Tensor, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
    reg = REGISTRY
    decl = reg.ufuncs.get(ufunc)
    if decl is None and ufunc in reg.lazy_numpy and reg.load_numpy(ufunc):
        decl = reg.ufuncs.get(ufunc)  # (its plugin was imported just now)
    if decl is not None:
        if method != "__call__":
            return getattr(decl, method)(*inputs, **kwargs)
        out = kwargs.pop("out", None)
        if out is not None:
            if len(out) != 1:
                raise ValueError(f"{decl.name}: `out` must hold exactly one array, got {len(out)}")
            out = out[0]
            if not isinstance(out, Tensor) and any(x is out for x in inputs):
                # `array += tensor`: like NumPy, the array is updated and stays an array
                with no_autodiff:
                    ufunc(*unwrap(inputs), out=out, **unwrap(kwargs))
                return out
        return decl(*inputs, out=out, **kwargs)
    if ufunc in reg.bool_ufuncs:
        return _table_ufunc(ufunc, method, inputs, kwargs, constant_only=False)
    if ufunc in reg.const_ufuncs:
        return _table_ufunc(ufunc, method, inputs, kwargs, constant_only=True)
    if not _only_arrays(inputs) or not _only_arrays(kwargs.get("out") or ()):
        return NotImplemented  # (another array type may implement it)
    raise reg.missing_error(ufunc.__name__, "ufunc")


def _only_arrays(objs: Any) -> bool:
    return all(isinstance(o, (Tensor, _ndarray)) or not hasattr(o, "__array_ufunc__") for o in objs)


def _table_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict, constant_only: bool) -> Any:
    """A non-differentiable ufunc on tensors: computed on their arrays,
    returning arrays. A tensor ``out=`` must be a constant (the result has no
    derivative) and is written like ``out[...] = result`` (recorded, so a
    graph that reads it keeps its old values)."""
    out = kwargs.get("out")
    outs = () if out is None else out if type(out) is tuple else (out,)
    if constant_only and (_non_constant(inputs) or _non_constant(outs)):
        raise ValueError(f"{ufunc!r} cannot involve non-constant mygrad tensors.")
    if not any(isinstance(o, Tensor) for o in outs):
        return getattr(ufunc, method)(*unwrap(inputs), **unwrap(kwargs))
    for o in outs:
        if isinstance(o, Tensor) and not o._constant:
            raise ValueError(
                f"{ufunc!r} cannot write into a non-constant tensor (`out=`): its result has no "
                "derivative; write into a constant tensor or an array"
            )
    kwargs = dict(kwargs)
    del kwargs["out"]
    casting = kwargs.get("casting", "same_kind")
    mask = kwargs.pop("where", True) if method == "__call__" else True
    result = getattr(ufunc, method)(*unwrap(inputs), **unwrap(kwargs))
    results = result if type(result) is tuple else (result,)
    mask = None if mask is True else np.asarray(unwrap(mask), dtype=bool)
    for o, r in zip(outs, results):
        if isinstance(o, Tensor):
            assign(o, r, mask=mask, casting=casting)
        elif o is not None:
            np.copyto(o, r, casting=casting, where=True if mask is None else mask)
    return out if type(out) is tuple and len(out) > 1 else outs[0]


def array_function(self: Tensor, func: Any, types: tuple, args: tuple, kwargs: dict) -> Any:
    if not all(issubclass(t, (Tensor, _ndarray)) for t in types):
        return NotImplemented
    reg = REGISTRY
    override = reg.functions.get(func)
    if override is None and func in reg.lazy_numpy and reg.load_numpy(func):
        override = reg.functions.get(func)  # (its plugin was imported just now)
    if override is not None:
        return override(*args, **kwargs)
    if func in reg.passthrough:
        return func(*unwrap(args), **unwrap(kwargs))
    raise reg.missing_error(numpy_name(func), "function")


Tensor.__array_ufunc__ = array_ufunc  # type: ignore[attr-defined]
Tensor.__array_function__ = array_function  # type: ignore[attr-defined]
