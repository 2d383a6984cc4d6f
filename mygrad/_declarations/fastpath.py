"""The hot path of mygrad: a differentiable ufunc called on tensors with no
keyword arguments (``x * y``, ``mg.exp(x)``, ...).

This is most of mygrad's per-op overhead, so :func:`make_fast_ufunc` writes out
what :func:`mygrad._core.vertices.record` and ``add_need`` do,
inline; everything else goes through ``Ufunc.call_general``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mygrad._core.graph import next_seq
from mygrad._core.modes import MODE
from mygrad._core.refresh import touch
from mygrad._core.state import GUARDED, UNCONSUMED, UNGUARDED
from mygrad._core.tensor import Tensor
from mygrad._core.vertices import add_need, leaf, null_input_grad

__all__ = ["make_fast_ufunc"]

_T = Tensor
_ndarray = np.ndarray


def make_fast_ufunc(decl: Any) -> Callable:
    """The hot path for ``f(x)`` / ``f(x, y)`` and for Tensor operators (no
    keyword arguments, default ``constant``): :func:`mygrad._core.vertices.record`
    inlined (this is most of mygrad's per-op overhead, so it is written for
    speed)."""
    f = decl.ufunc
    table = decl.table
    T = _T
    mode_get = MODE.get
    nd = _ndarray
    asarray = np.asarray
    new = object.__new__
    seq = next_seq

    if decl.nin == 1:
        plan1 = table[2]
        plan1_off = decl.table_off[2]
        need_x1 = bool(plan1.reads)
        need_out1 = plan1.reads_out

        def fast1(x: Any, *more: Any, **kwargs: Any) -> Any:
            # also the unary ufunc's __call__: anything beyond one input goes the general way
            if more or kwargs:
                return decl._call(x, *more, **kwargs)
            if type(x) is not T:
                return decl.call_general((x,), None, True, None, None, {})
            xx = x._ext
            if xx is not None:
                touch(x)
            out = f(x._data)
            if type(out) is not nd:
                out = asarray(out)
            m = mode_get()
            if not m.track:
                return leaf(T, out, out.dtype.kind != "f")
            if x._constant:
                return leaf(T, out, True)
            guard = m.guard
            t = new(T)
            t._data = out
            t._constant = False
            t._op = decl
            t._inputs = (x,)
            t._saved = None
            t._grad = UNCONSUMED
            t._seq = seq()
            t._needs = 0
            t._lock = 0  # HIDDEN: a fresh array nobody else holds (nothing to lock)
            t._ext = None
            if guard:
                t._plan = plan1
                if need_out1:  # the rule reads the output
                    t._needs = GUARDED
            else:
                t._plan = plan1_off
                if need_out1:
                    t._needs = UNGUARDED
            if need_x1:
                if xx is None and not x._lock:  # (add_need, for a hidden root)
                    x._needs += GUARDED if guard else UNGUARDED
                else:
                    add_need(x, GUARDED if guard else UNGUARDED)
            x._grad = None
            if xx is not None:
                null_input_grad(x)
            return t

        fast1.__name__ = fast1.__qualname__ = decl.name  # errors read "exp() missing ..."
        return fast1

    if decl.nin == 2:
        # per input-state pattern: the plan, and whether each input is read
        needs2 = [(e, 0 in e.reads, 1 in e.reads, e.reads_out) for e in table]
        needs2_off = [(e, 0 in e.reads, 1 in e.reads, e.reads_out) for e in decl.table_off]

        def fast2(x: Any, y: Any) -> Any:
            tx = type(x)
            if tx is T:
                xx = x._ext
                if xx is not None:
                    touch(x)
                a = x._data
                sx = 1 if x._constant else 2
            elif tx is float or tx is int:
                a = x
                sx = 0
            else:
                return decl.call_general((x, y), None, True, None, None, {})
            ty = type(y)
            if ty is T:
                yx = y._ext
                if yx is not None:
                    touch(y)
                b = y._data
                sy = 1 if y._constant else 2
            elif ty is float or ty is int:
                b = y
                sy = 0
            else:
                return decl.call_general((x, y), None, True, None, None, {})
            out = f(a, b)
            if type(out) is not nd:
                out = asarray(out)
            m = mode_get()
            if not m.track:
                return leaf(T, out, out.dtype.kind != "f")
            if sx != 2 and sy != 2:
                return leaf(T, out, True)
            guard = m.guard
            plan, need_x, need_y, need_out = (needs2 if guard else needs2_off)[sx * 3 + sy]
            t = new(T)
            t._data = out
            t._constant = False
            t._op = decl
            t._inputs = (x, y)
            t._saved = None
            t._grad = UNCONSUMED
            t._seq = seq()
            t._needs = 0
            t._lock = 0  # HIDDEN: a fresh array nobody else holds (nothing to lock)
            t._plan = plan
            t._ext = None
            unit = GUARDED if guard else UNGUARDED
            if need_out:
                t._needs = unit
            if need_x:
                if xx is None and not x._lock:  # (add_need, for a hidden root)
                    x._needs += unit
                else:
                    add_need(x, unit)
            if need_y:
                if yx is None and not y._lock:
                    y._needs += unit
                else:
                    add_need(y, unit)
            if sx == 2:
                x._grad = None
                if xx is not None:
                    null_input_grad(x)
            if sy == 2:
                y._grad = None
                if yx is not None:
                    null_input_grad(y)
            return t

        return fast2

    def fastn(*args: Any) -> Any:
        return decl.call_general(args, None, True, None, None, {})

    return fastn


