"""The hot path of a ufunc call (``mygrad._declarations.fastpath``) records
exactly what the general path records: every registered ufunc, every pattern
of input kinds, memory guard on and off."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import mygrad as mg
from mygrad._core.state import UNCONSUMED, Vertex
from mygrad._declarations.ufunc import Ufunc
from mygrad._plugins.registry import REGISTRY

SLOTS = [s for s in Vertex.__slots__ if s not in ("__weakref__", "_data", "_seq")]


def _ufuncs():
    REGISTRY.load_all()  # (plugins with a manifest are imported on first use)
    seen = {}
    for entry in REGISTRY.plugins.values():
        for d in entry.decls:
            if isinstance(d, Ufunc) and d.nin in (1, 2):
                seen[d.name] = d
    return [seen[k] for k in sorted(seen)]


def _inputs(kinds, nin):
    out = []
    for i, k in enumerate(kinds[:nin]):
        v = np.array([0.6, 0.8, 0.9]) + 0.1 * i
        if k == "tensor":
            out.append(mg.tensor(v))
        elif k == "constant":
            out.append(mg.tensor(v, constant=True))
        else:
            out.append(float(v[0]))
    return out


def _state(t):
    s = {name: getattr(t, name) for name in SLOTS}
    s["_grad"] = "UNCONSUMED" if s["_grad"] is UNCONSUMED else s["_grad"]
    s["_inputs"] = None if s["_inputs"] is None else tuple(type(p).__name__ for p in s["_inputs"])
    return s


CASES = [
    pytest.param(d, kinds, id=f"{d.name}-{'-'.join(kinds)}")
    for d in _ufuncs()
    for kinds in itertools.product(["tensor", "constant", "scalar"], repeat=d.nin)
]


@pytest.mark.parametrize("guard", [True, False])
@pytest.mark.parametrize("decl, kinds", CASES)
def test_fast_and_general_paths_record_the_same_state(decl, kinds, guard):
    results = []
    errors = []
    for path in ("fast", "general"):
        args = _inputs(kinds, decl.nin)
        with mg.mem_guard_on if guard else mg.mem_guard_off:
            with np.errstate(all="ignore"):
                try:
                    if path == "fast":
                        out = decl.call_fast(*args)
                    else:
                        out = decl.call_general(tuple(args), None, True, None, None, {})
                except Exception as e:  # (e.g. matmul of scalars): both paths refuse alike
                    errors.append(type(e))
                    continue
        assert isinstance(out, mg.Tensor)
        results.append((_state(out), [_state(a) for a in args if isinstance(a, mg.Tensor)], out.data.copy()))
        out.clear_graph()
    if errors:
        assert len(errors) == 2 and errors[0] is errors[1], errors
        return
    (fast_out, fast_in, fast_val), (gen_out, gen_in, gen_val) = results
    np.testing.assert_array_equal(fast_val, gen_val)
    assert fast_out == gen_out
    assert fast_in == gen_in
