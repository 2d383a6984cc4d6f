"""Differentiable ufuncs: a NumPy ufunc plus one gradient rule per input
(``ufunc_op(np.exp, lambda g, out, x: g * out)``); also ``mygrad.ufunc``."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from mygrad._core.inplace import inplace_ufunc
from mygrad._core.memory_guard import snapshot_kwargs, snapshot_mask
from mygrad._core.modes import MODE
from mygrad._core.state import GUARDED, UNGUARDED, check_constant
from mygrad._core.tensor import Tensor
from mygrad._declarations.base import OpDecl, UfuncSaved, coerce, finish, run_rules, wrap_result
from mygrad._declarations.fastpath import make_fast_ufunc
from mygrad._declarations.rules import plan_table, rule_params, rule_reads
from mygrad.errors import DeclarationError

__all__ = ["Ufunc", "UfuncSaved"]


_UFUNC_KEYWORDS = frozenset({"out", "where", "dtype", "constant", "casting", "order", "subok", "signature"})
#: keywords of NumPy's generalized ufuncs that choose the axes the op works on:
#: a gufunc declaration that lists them in ``keywords`` gets them in its rules
#: (and NumPy gets them too); one that does not refuses them
_LAYOUT_KEYWORDS = frozenset({"axes", "axis", "keepdims"})


def _freeze(args: tuple) -> Any:
    """What a recorded ufunc node keeps of ``(where, rule keywords)``: the
    mask (or None), or a :class:`UfuncSaved`; private copies of both."""
    where, rule_kwargs = args
    mask = None if where is True else snapshot_mask(where)
    if not rule_kwargs:
        return mask
    return UfuncSaved(mask, snapshot_kwargs(rule_kwargs))


# ------------------------------------------------------------------ ufuncs
class Ufunc(OpDecl):
    """A differentiable counterpart of a NumPy ufunc; ``mygrad.ufunc``.

    Call it like the NumPy ufunc: ``f(x1[, x2], out=None, *, where=True,
    dtype=None, constant=None, **kwargs)``; other NumPy ufunc keywords
    (``casting``, ``order``, ...) are passed to NumPy. ``keywords`` (name ->
    default) are extra keywords that NumPy's ufunc does not take: they go to
    the gradient rules (e.g. ``absolute``'s ``nan_to_num``). A generalized
    ufunc (``matmul``) may list NumPy's ``axes``, ``axis`` and ``keepdims``
    there: they then go to NumPy and to the rules, which must honour them;
    a generalized ufunc that does not list them refuses them
    (``NotImplementedError``), so that no gradient assumes the wrong axes.
    """

    kind = "ufunc"

    def __init__(self, numpy_ufunc: np.ufunc, grads: Sequence, *, keywords: dict | None = None,
                 **meta: Any) -> None:
        if not isinstance(numpy_ufunc, np.ufunc):
            raise DeclarationError(f"ufunc_op needs a numpy.ufunc, got {numpy_ufunc!r}")
        self.keywords = dict(keywords or {})
        for k in self.keywords:
            if not isinstance(k, str) or not k.isidentifier() or k in _UFUNC_KEYWORDS:
                raise DeclarationError(f"ufunc_op keywords: {k!r} is not an identifier of its own")
            if k in _LAYOUT_KEYWORDS and numpy_ufunc.signature is None:
                raise DeclarationError(f"ufunc_op keywords: {k!r} is a keyword of generalized ufuncs only")
        self.method_impls = _method_impls(numpy_ufunc, meta)  # (meta `reduce=`, `accumulate=`)
        meta.setdefault("numpy", numpy_ufunc)
        self._init_meta(meta.pop("name", None) or numpy_ufunc.__name__, **meta)
        self.ufunc = numpy_ufunc
        self.grads = tuple(grads)
        self.nin = numpy_ufunc.nin
        self.nout = numpy_ufunc.nout
        self.nargs = numpy_ufunc.nargs
        self.identity = numpy_ufunc.identity
        self.signature = numpy_ufunc.signature
        self.types = [t for t in numpy_ufunc.types if not set(t) & set("FDGOMmSUVq")]
        self.ntypes = len(self.types)
        if "doc" not in meta:
            self.__doc__ = f"Differentiable ``numpy.{numpy_ufunc.__name__}``.\n\n" + (numpy_ufunc.__doc__ or "")
        self.validate()
        reads = [rule_reads(g, self.nin, f"{self.name!r}") for g in self.grads]
        self.table = plan_table(self.grads, reads, GUARDED)
        self.table_off = plan_table(self.grads, reads, UNGUARDED)
        self.call_fast = fast = make_fast_ufunc(self)
        if type(self).__call__ is Ufunc.__call__:  # (a subclass may add keywords)
            general = self._call
            nin = self.nin

            def call(*args: Any, **kwargs: Any) -> Any:
                if kwargs or len(args) != nin:
                    return general(*args, **kwargs)
                return fast(*args)

            if nin == 1:
                call = fast  # it takes any arguments (see mygrad._fastpath)

            # each ufunc gets its own class whose __call__ goes straight to the fast path
            self.__class__ = type(type(self).__name__, (type(self),), {"__call__": staticmethod(call)})

    def validate(self) -> None:
        if self.nout != 1:
            raise DeclarationError(f"{self.name!r}: only single-output ufuncs are supported")
        if len(self.grads) != self.nin:
            raise DeclarationError(
                f"{self.name!r}: numpy.{self.ufunc.__name__} takes {self.nin} input(s), so the "
                f"declaration needs {self.nin} gradient rule(s) (NONDIFF for a "
                f"non-differentiable input); got {len(self.grads)}"
            )
        for i, g in enumerate(self.grads):
            rule_params(g, self.nin, f"{self.name!r} input {i}")

    def resolve_dtypes(self, *args: Any, **kwargs: Any) -> Any:
        return self.ufunc.resolve_dtypes(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<mygrad-ufunc {self.name!r}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs and len(args) == self.nin:
            return self.call_fast(*args)
        return self._call(*args, **kwargs)

    def _call(self, *args: Any, out: Any = None, where: Any = True, dtype: Any = None, constant: Any = None,
              **kwargs: Any) -> Any:
        nin = self.nin
        if len(args) != nin:
            if len(args) == nin + 1 and out is None:
                out = args[-1]
                args = args[:-1]
            else:
                raise TypeError(f"{self.name}() takes {nin} positional input(s) (plus an optional `out`), got {len(args)}")
        if out is None and where is True and dtype is None and constant is None and not kwargs:
            return self.call_fast(*args)
        return self.call_general(args, out, where, dtype, constant, kwargs)

    def call_general(self, args: tuple, out: Any, where: Any, dtype: Any, constant: Any, kwargs: dict) -> Any:
        check_constant(constant)
        if out is not None:
            if type(out) is tuple:
                if len(out) != 1:
                    raise ValueError(f"{self.name}: `out` must hold exactly one array, got {len(out)}")
                out = out[0]
            if isinstance(out, Tensor):
                return inplace_ufunc(self, args, out, where, dtype, constant, kwargs)
        mode = MODE.get()
        tracking = mode.track
        coerced = [coerce(a, tracking) for a in args]
        rule_kwargs = None
        if kwargs:
            if self.signature is not None:
                self._check_layout(kwargs)
            if self.keywords:
                rule_kwargs = {k: kwargs[k] for k in self.keywords if k in kwargs}
        np_kwargs = self.numpy_kwargs(where, dtype, kwargs)
        if out is not None:
            np_kwargs["out"] = out
        result = wrap_result(self.ufunc(*(c[1] for c in coerced), **np_kwargs))
        states = [c[2] for c in coerced]
        if where is True and not rule_kwargs:
            return finish(self, result, tuple(c[0] for c in coerced), states, constant, tracking, mode.guard,
                          None, owned=out is None)
        # the mask and the rule keywords are kept as private copies if the op is recorded
        return finish(self, result, tuple(c[0] for c in coerced), states, constant, tracking, mode.guard,
                      (where, rule_kwargs), owned=out is None, freeze=_freeze)

    def _check_layout(self, kwargs: dict) -> None:
        """Refuse the gufunc keywords choosing axes that the rules do not handle."""
        for k in _LAYOUT_KEYWORDS.intersection(kwargs):
            if k not in self.keywords:
                raise NotImplementedError(
                    f"mygrad's {self.name!r} does not support NumPy's `{k}=` keyword (its gradient "
                    "rules assume the default axes); move the axes with mygrad.moveaxis instead"
                )

    def numpy_kwargs(self, where: Any, dtype: Any, kwargs: dict) -> dict:
        """The keyword arguments for the NumPy ufunc (a new dict)."""
        own = self.keywords
        np_kwargs = {k: v for k, v in kwargs.items() if k not in own or k in _LAYOUT_KEYWORDS}
        if where is not True:
            np_kwargs["where"] = where
        if dtype is not None:
            np_kwargs["dtype"] = dtype
        return np_kwargs

    backprop = run_rules

    # ------------------------------------------------------ NumPy ufunc methods
    # ``reduce`` and ``accumulate`` are supplied by the declaration (``ufunc_op``'s
    # meta keywords ``reduce=`` and ``accumulate=``: callables, usually declared
    # ops, with the signatures of NumPy's methods); ``outer`` works for every
    # binary ufunc; ``at`` and ``reduceat`` are not supported.
    def _unsupported(self, method: str) -> Any:
        raise NotImplementedError(f"mygrad's {self.name!r} does not implement the ufunc method {method!r}")

    def _method(self, method: str, args: tuple, kwargs: dict) -> Any:
        if self.nin != 2:
            raise ValueError(f"{method} only supported for binary functions")
        impl = self.method_impls.get(method)
        if impl is None:
            return self._unsupported(method)
        return impl(*args, **kwargs)

    def at(self, *args: Any, **kwargs: Any) -> Any:
        return self._unsupported("at")

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        """``ufunc.accumulate(array, axis=0, dtype=None, out=None, *, constant=None)``,
        if the declaration supplies it (NotImplementedError otherwise)."""
        return self._method("accumulate", args, kwargs)

    def reduce(self, *args: Any, **kwargs: Any) -> Any:
        """``ufunc.reduce(array, axis=0, dtype=None, out=None, keepdims=False,
        initial=<no value>, where=True, *, constant=None)``, if the declaration
        supplies it (NotImplementedError otherwise)."""
        return self._method("reduce", args, kwargs)

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        """``ufunc.outer(a, b, **kwargs)``: the ufunc applied to every pair
        ``(a[i...], b[j...])``, result shape ``a.shape + b.shape``. Computed as
        the ufunc of ``a`` with ``b.ndim`` new trailing axes and ``b``, so it is
        differentiable like the ufunc itself; keyword arguments go to the call."""
        if self.nin != 2:
            raise ValueError("outer product only supported for binary functions")
        if len(args) != 2:
            raise TypeError(f"{self.name}.outer() takes exactly two arguments, got {len(args)}")
        a, b = args
        if not isinstance(a, Tensor):
            a = np.asarray(a)
        b_ndim = b.ndim if isinstance(b, Tensor) else np.ndim(b)
        return self(a[(Ellipsis,) + (None,) * b_ndim], b, **kwargs)

    def reduceat(self, *args: Any, **kwargs: Any) -> Any:
        return self._unsupported("reduceat")


#: the ufunc methods a declaration may supply through ``ufunc_op``'s meta keywords
UFUNC_METHODS = ("reduce", "accumulate")


def _method_impls(numpy_ufunc: np.ufunc, meta: dict) -> dict:
    """Take the ufunc-method implementations (``reduce=``, ``accumulate=``) out
    of a declaration's ``meta``, checked."""
    impls = {m: meta.pop(m) for m in UFUNC_METHODS if meta.get(m) is not None}
    for m, impl in impls.items():
        if not callable(impl):
            raise DeclarationError(f"ufunc_op for numpy.{numpy_ufunc.__name__}: `{m}` must be callable, got {impl!r}")
        if numpy_ufunc.nin != 2:
            raise DeclarationError(
                f"ufunc_op for numpy.{numpy_ufunc.__name__}: `{m}` is only for binary ufuncs (like NumPy's)"
            )
    return impls
