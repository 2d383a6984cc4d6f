"""Backpropagation: one topological walk, gradient accumulation, graph clearing.

A tensor is its own graph vertex. A tensor made by an op holds:

* ``_op``     -- the op (a declared op, or an :class:`~mygrad.Operation`
  instance) whose ``backprop(tensor, grad)`` sends ``grad`` to the inputs;
* ``_inputs`` -- the op's inputs (tensors and Python scalars);
* ``_plan``   -- a :class:`~mygrad._core.state.Plan`: which inputs receive
  gradients, which inputs' values the rules read (they hold a memory-guard
  need), and whether the rules read the output;
* ``_seq``    -- when it was made (a global sequence number); a cleared tensor
  stores ``-seq`` of the clear, so that consumers made before the clear can be
  told apart from consumers made after it.

The core sum-reduces broadcast gradients, casts them to the input's dtype,
and accumulates them; op authors never un-broadcast by hand.
"""

from __future__ import annotations

import itertools
import operator
from bisect import bisect_right
from math import prod
from numbers import Real

import numpy as np

from mygrad._core.memory_guard import LOCKED, sync, unchangeable
from mygrad._core.modes import MODE
from mygrad._core.state import GUARDED
from mygrad.errors import InvalidBackprop, InvalidGradient

__all__ = ["backward", "clear_graph", "accumulate", "reduce_broadcast", "next_seq", "release", "drop_need", "Scatter",
           "History", "resolve", "resolve_one", "op_label", "bad_shape", "dense_grad"]

_ndarray = np.ndarray
_asarray = np.asarray

_SEQ = operator.attrgetter("_seq")

#: global creation clock for graph vertices
next_seq = itertools.count(1).__next__


def reduce_broadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``, undoing NumPy broadcasting.

    Leading axes that broadcasting added are summed away, then axes where
    ``shape`` has size 1 are summed with ``keepdims``.

    >>> import numpy as np
    >>> reduce_broadcast(np.ones((2, 3, 4)), (3, 1))
    array([[8.],
           [8.],
           [8.]])
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0:
        raise InvalidGradient(
            f"a gradient of shape {grad.shape} cannot be reduced to the shape {shape} "
            "of its input (it has fewer dimensions)"
        )
    if extra:
        if grad.size >= _BLAS_MIN_SIZE and extra < grad.ndim and grad.dtype in _BLAS_FLOATS \
                and grad.flags.c_contiguous:
            grad = _sum_rows(grad, extra)
        else:
            grad = grad.sum(axis=tuple(range(extra)) if extra > 1 else 0)
    if grad.shape != shape:  # (axes of size 1 in ``shape``; none when only leading axes were added)
        axes = tuple(i for i, (n, m) in enumerate(zip(shape, grad.shape)) if n == 1 and m != 1)
        if axes:
            grad = grad.sum(axis=axes, keepdims=True)
    if type(grad) is not _ndarray:  # a full reduction gives a NumPy scalar
        grad = _asarray(grad)
    if grad.shape != shape:
        raise InvalidGradient(
            f"a gradient of shape {grad.shape} does not match its input's shape {shape}"
        )
    return grad


#: float dtypes whose sums over leading axes are matrix-vector products (BLAS),
#: for gradients of at least this many elements (below it NumPy's sum costs less)
_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_BLAS_MIN_SIZE = 8192
#: read-only vectors of ones, by (length, dtype); emptied when it holds 64
_ONES: dict = {}


def _sum_rows(grad: np.ndarray, extra: int) -> np.ndarray:
    """A C-contiguous float32/float64 ``grad`` summed over its first
    ``extra`` axes (not all) as ``ones @ grad``, ``grad`` seen as a matrix
    (leading, rest): a BLAS matrix-vector product, about twice as fast as
    NumPy's reduction, which adds the rows one after the other too (no
    pairwise summation across rows), so no accuracy is lost."""
    rest = grad.shape[extra:]
    m = prod(grad.shape[:extra])
    key = (m, grad.dtype)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) >= 64:
            _ONES.clear()
        ones = _ONES[key] = np.ones(m, dtype=grad.dtype)
        ones.flags.writeable = False
    out = np.empty(rest, dtype=grad.dtype)
    np.matmul(ones, grad.reshape(m, -1), out=out.reshape(-1))  # (a new array, not a view)
    return out


def _bad_gradient(op, index, gi) -> InvalidGradient:
    return InvalidGradient(
        f"the gradient rule of {op_label(op)} for input {index} returned {type(gi).__name__!r}; "
        "it must return an ndarray, a NumPy number or a real Python number"
    )


def op_label(op) -> str:
    """``'name'`` (or ``'name' of plugin 'p'``) of an op, for error messages."""
    name = getattr(op, "name", None) or type(op).__name__
    plugin = getattr(op, "plugin", None)
    return f"{name!r} (plugin {plugin!r})" if plugin else repr(name)


def bad_shape(op, index, got, shape, out_shape) -> InvalidGradient:
    """The error for a gradient of the wrong shape."""
    allowed = f"the input's shape {shape}"
    if out_shape is not None:
        allowed += f" or the op's output shape {out_shape} (from which mygrad sums away broadcast axes)"
    return InvalidGradient(
        f"the gradient rule of {op_label(op)} for input {index} returned an array of shape {got}; "
        f"a gradient must have {allowed}"
    )


class Scatter:
    """A sparse gradient contribution: ``values`` added at ``key`` of a zero
    array of ``shape`` (what indexing and views contribute to their parent).

    Accumulating it into an existing gradient costs O(len(values)) instead of
    allocating a zero array of the parent's shape.
    """

    __slots__ = ("shape", "key", "values", "injective")

    def __init__(self, shape: tuple, key, values: np.ndarray, injective: bool) -> None:
        self.shape = shape
        self.key = key
        self.values = values
        self.injective = injective

    def add_into(self, arr: np.ndarray) -> None:
        if self.injective:
            arr[self.key] += self.values
        else:
            np.add.at(arr, self.key, self.values)


class _Pending(list):
    """Scatter contributions received before any dense one."""

    __slots__ = ()


def dense_grad(t) -> np.ndarray | None:
    """``t._grad``, materializing pending scatter contributions."""
    g = t._grad
    if type(g) is _Pending:
        dense = np.zeros(t._data.shape, dtype=t._data.dtype)
        for s in g:
            s.add_into(dense)
        t._grad = g = dense
    return g


def _accumulate_scatter(x, s: Scatter) -> None:
    cur = x._grad
    if cur is None:
        x._grad = _Pending((s,))
    elif type(cur) is _Pending:
        cur.append(s)
    else:
        s.add_into(_writable(x, cur))


def _writable(x, cur: np.ndarray) -> np.ndarray:
    """``x``'s gradient ``cur``, made an array of its own first if it is
    shared read-only (see :func:`accumulate`): copy on write."""
    if not cur.flags.writeable:
        cur = x._grad = np.array(cur)
    return cur


#: gradients of at least this many elements are shared rather than copied (a
#: small copy costs less than the view, which also keeps the upstream alive)
SHARE_MIN_SIZE = 1024


def _shares(gi: np.ndarray, upstream: np.ndarray) -> bool:
    """Is ``gi`` the array ``upstream`` or a NumPy view of its memory?"""
    if gi is upstream:
        return True
    base = gi.base
    return base is not None and (base is upstream or base is upstream.base)


def accumulate(x, gi, upstream, op=None, index=0, rule: bool = False) -> None:
    """Add the gradient contribution ``gi`` into ``x._grad``.

    ``rule``: ``gi`` is what a declared gradient rule returned, which must
    have the input's shape or the op's output shape (the shape of
    ``upstream``); anything else is an :class:`InvalidGradient` naming the
    rule.

    ``upstream`` is the gradient that was fed to the rule. A contribution
    that is it or a view of it (``add``'s; ``sum``'s broadcast) is shared, not
    copied, when it is large (``SHARE_MIN_SIZE``): ``upstream`` is made
    read-only and ``x._grad`` is it (or a read-only view of it), so that
    nothing writes into one tensor's gradient through another's. Shared
    gradients are copied on write: a later contribution makes a new array
    (:func:`_writable`), and :attr:`Tensor.grad` gives a tensor an array of
    its own when it is first read. A contribution that is a view of anything
    else is copied before it is stored.
    """
    data = x._data
    if type(gi) is _ndarray:
        if gi.shape == data.shape:
            if gi.base is None and gi is not upstream and x._grad is None and gi.dtype == data.dtype:
                x._grad = gi  # (the common case: a new array of the input's shape and dtype)
                return
        elif rule and gi.shape != upstream.shape:
            raise bad_shape(op, index, gi.shape, data.shape, upstream.shape)
    elif type(gi) is Scatter:
        _accumulate_scatter(x, gi)
        return
    else:
        if isinstance(gi, (np.generic, Real)) and not isinstance(gi, (bool, np.bool_)):
            gi = _asarray(gi)
        elif isinstance(gi, _ndarray):
            gi = gi.view(_ndarray)
        else:
            raise _bad_gradient(op, index, gi)
    if gi.shape != data.shape:
        try:
            gi = reduce_broadcast(gi, data.shape)
        except InvalidGradient:
            raise bad_shape(op, index, gi.shape, data.shape, None if upstream is None else upstream.shape) from None
    cur = x._grad
    if cur is None or type(cur) is _Pending:
        if gi.dtype is not data.dtype and gi.dtype != data.dtype:
            gi = gi.astype(data.dtype)
        elif cur is None and upstream is not None and gi.size >= SHARE_MIN_SIZE and _shares(gi, upstream):
            upstream.flags.writeable = False
            if gi is not upstream:  # (the upstream itself is stored as it is: read-only now)
                gi = gi.view()
                gi.flags.writeable = False
        elif gi is upstream or gi.base is not None:
            gi = gi.copy()
        if cur is not None:
            for s in cur:
                s.add_into(gi)
        x._grad = gi
    else:
        cur = _writable(x, cur)
        cur += gi


def _toposort(root, check: bool = True) -> list:
    """Tensors reachable from ``root`` through non-constant inputs, each listed
    before its inputs. With ``check``, reaching a tensor whose graph was cleared
    after the consumer was made raises :class:`InvalidBackprop`.

    A vertex is always made after its inputs (``_seq`` grows along every edge,
    also across in-place updates, which give the updated tensor a new ``_seq``),
    so sorting the reachable vertices by ``_seq``, newest first, is a
    topological order; leaves (no op) may come in any order.
    """
    seen = {id(root)}
    found = [root]
    keep = found.append
    mark = seen.add
    routed = History.alive
    for t in found:  # (a breadth-first walk over the list it grows)
        if t._op is None:
            continue
        if routed:
            resolve(t)
        seq = t._seq
        ins = t._inputs
        for i in t._plan.grads:
            p = ins[i]
            if p._seq < 0 and check and -p._seq > seq:
                raise InvalidBackprop(
                    "backprop reached a tensor whose computational graph was already "
                    "cleared (by an earlier backward() or clear_graph()); recompute "
                    "the result before calling backward() on it"
                )
            k = id(p)
            if k not in seen:
                mark(k)
                keep(p)
    if len(found) > 1:
        found.sort(key=_SEQ, reverse=True)
    return found


# ------------------------------------------------------ in-place history
class History:
    """A tensor's in-place history: the vertices that represented it before
    each change of vertex (``verts``), and when they stopped (``seqs``,
    ascending). A consumer made at time ``s`` reads ``at(s)``."""

    __slots__ = ("seqs", "verts")
    #: number of entries alive in all histories (0: nothing to resolve, the common case)
    alive = 0

    def __init__(self) -> None:
        self.seqs: list = []
        self.verts: list = []

    def __len__(self) -> int:
        return len(self.seqs)

    def add(self, seq: int, vertex) -> None:
        self.seqs.append(seq)
        self.verts.append(vertex)
        History.alive += 1

    def at(self, seq: int):
        """The vertex for a consumer made at ``seq``, or None (the current one)."""
        i = bisect_right(self.seqs, seq)
        return self.verts[i] if i < len(self.seqs) else None

    def remove(self, vertex) -> None:
        """Drop ``vertex``'s entry (no consumer will look it up)."""
        for i in range(len(self.verts) - 1, -1, -1):
            if self.verts[i] is vertex:
                del self.seqs[i], self.verts[i]
                History.alive -= 1
                return

    def drop_cleared(self) -> None:
        """Entries whose vertex was cleared by a backward route nothing anymore."""
        keep = [i for i, v in enumerate(self.verts) if v._seq >= 0 or v._op is not None]
        History.alive -= len(self.seqs) - len(keep)
        self.seqs = [self.seqs[i] for i in keep]
        self.verts = [self.verts[i] for i in keep]

    def forget_all(self) -> None:
        History.alive -= len(self.seqs)
        self.seqs, self.verts = [], []


def resolve_one(p, seq: int):
    """The vertex that represented ``p`` for a consumer made at ``seq``."""
    x = getattr(p, "_ext", None)
    if x is None or not x.hist:
        return p
    v = x.hist.at(seq)
    return p if v is None else v


def resolve(t) -> None:
    """Route ``t``'s inputs that were mutated after ``t`` was made to the
    placeholders holding their state at that time (rewrites ``t._inputs``,
    and an :class:`~mygrad.Operation`'s ``variables``)."""
    ins = t._inputs
    if not ins:
        return
    new = None
    seq = t._seq
    for i, p in enumerate(ins):
        x = getattr(p, "_ext", None)
        if x is None or not x.hist:
            continue
        v = x.hist.at(seq)
        if v is not None:
            if new is None:
                new = list(ins)
            new[i] = v
    if new is not None:
        new = tuple(new)
        t._inputs = new
        op = t._op
        if getattr(op, "variables", None) is ins:
            op.variables = new


# ------------------------------------------------------------ needs, release
def drop_need(p, unit: int) -> None:
    """One live node stopped reading ``p``'s values (see mygrad._core.memory_guard)."""
    n = p._needs - unit
    p._needs = n
    x = p._ext
    if x is None:
        if p._lock == LOCKED and unit == GUARDED:
            sync(p)
        return
    B = x.base
    if B is None:
        B = p
    elif n == 0:
        needy = B._ext.needy
        if needy:
            needy.pop(id(p), None)
    if B._lock == LOCKED and unit == GUARDED:
        sync(B)


def release(t, alive: bool = False) -> None:
    """Drop the memory-guard needs that ``t``'s op holds on its inputs and on
    ``t`` itself. This is also ``Tensor.__del__`` (``alive=False``): then
    ``t``'s in-place history stops counting, and the locks of its memory
    family (if its arrays were handed out) are released."""
    plan = t._plan
    if plan is not None and (plan.reads or plan.reads_out):
        t._plan = None
        ins = t._inputs
        unit = plan.unit
        routed = History.alive
        for i in plan.reads:
            p = ins[i]
            if routed:
                p = resolve_one(p, t._seq)
            drop_need(p, unit)
        if plan.reads_out:
            drop_need(t, unit)
    if not alive:
        x = t._ext
        if x is not None:
            if x.hist:
                x.hist.forget_all()
            if x.held is not None and x.base is None:
                t._op = None  # no longer a live result: nothing protects the memory
                t._needs = 0
                sync(t)


def _sweep(order, backprop: bool) -> None:
    """Clear the tensors of ``order`` (a topological order) from the graph,
    each right after its op's backward pass when ``backprop``.

    A tensor's gradient is complete when the walk reaches it (its consumers
    come before it), and nothing reads its op, inputs or saved values after
    its own backward pass, so it is cleared at once. Every tensor is cleared,
    also when a backward pass raises.
    """
    stamp = -next_seq()
    try:
        for t in order:
            g = t._grad
            if type(g) is _Pending:
                g = dense_grad(t)
            op = t._op
            if op is not None:
                if backprop:
                    if g is None:
                        raise InvalidGradient(
                            f"no gradient reached a tensor made by {getattr(op, 'name', type(op).__name__)!r}: "
                            "every op that consumed it raised SkipGradient"
                        )
                    op.backprop(t, g)
                release(t, alive=True)
                t._op = t._inputs = t._saved = t._plan = None
            t._seq = stamp
            x = t._ext
            if x is not None:
                if x.base is not None:
                    x.base_version = -1  # a view used again gets a new vertex: a view of its parent
                elif t._lock == LOCKED:
                    sync(t)  # a leaf now: its memory is free unless a live node reads it
    except BaseException:
        # (the tensors not cleared yet, without their backward passes)
        _sweep([t for t in order if t._seq != stamp], False)
        raise
    finally:
        if History.alive:
            for t in order:
                x = t._ext
                if x is not None and x.hist:
                    x.hist.drop_cleared()


def clear_graph(root) -> None:
    """Remove ``root`` and everything upstream of it from the graph."""
    _sweep(_toposort(root, check=False), False)


#: a read-only 0-d one per dtype: the seed of a scalar root
_ONE: dict = {}


def _seed(data: np.ndarray, grad) -> np.ndarray:
    """The gradient that starts a backward pass from a tensor holding ``data``.

    No gradient rule and nothing in the core writes into the gradient it is
    given (contributions that are the upstream gradient, or views of it, are
    copied or shared read-only when they are stored: :func:`accumulate`), so
    the seed may be a read-only broadcast: ones for a non-scalar tensor (no array of its size
    is made), or the caller's value broadcast. The caller's own array is
    never kept (it could change, and the root's ``.grad`` would change with
    it) unless nobody can write into it any more.
    """
    shape, dtype = data.shape, data.dtype
    if grad is None:
        one = _ONE.get(dtype)
        if one is None:
            one = np.ones((), dtype=dtype)
            one.flags.writeable = False
            if len(_ONE) < 32:
                _ONE[dtype] = one
        return np.broadcast_to(one, shape) if shape else one
    raw = grad._data if hasattr(grad, "_data") else grad
    seed = _asarray(raw, dtype=dtype)
    if (seed is raw or seed.base is raw) and not unchangeable(seed):  # the caller's array: a private copy
        seed = seed.copy()
    if seed.shape == shape:
        return seed
    try:
        return np.broadcast_to(seed, shape)
    except ValueError:
        raise ValueError(
            f"`tensor.backward(grad)` was passed a gradient of shape {seed.shape}, "
            f"which is incompatible with the tensor's shape {shape}"
        ) from None


def backward(root, grad=None) -> None:
    """Backpropagate from ``root``; see :meth:`mygrad.Tensor.backward`."""
    if not MODE.get().track:
        return
    if root._constant:
        clear_graph(root)
        return
    order = _toposort(root)
    for t in order:
        t._grad = None
        if t._ext is not None:
            t._ext.grad_cache = None
    root._grad = _seed(root._data, grad)
    _sweep(order, True)
