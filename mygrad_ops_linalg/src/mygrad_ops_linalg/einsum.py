"""``einsum``: Einstein summation in NumPy's string form
(``einsum("ij,jk->ik", a, b)``) and interleaved form
(``einsum(a, [0, 1], b, [1, 2], [0, 2])``), with ellipses, traces and
diagonals (``"ii->i"`` returns a view of its operand, as NumPy does),
repeated operands and ``optimize=``.

Both forms are first turned into explicit integer labels (ellipses
expanded), which every pass then uses. The gradient of operand ``i`` is
itself an Einstein sum: the upstream gradient (output labels) with the other
operands, onto the labels of operand ``i`` that they carry; a label that
only operand ``i`` has (summed out) is broadcast back, and a label repeated
within operand ``i`` (a diagonal) is written into the diagonal of a zero
array. A pair contraction runs through ``matmul`` (BLAS) when it is large.

One differentiable op per number of operands (``_einsum1``, ``_einsum2``,
...): the memory guard then protects exactly the operands a gradient reads
(the others), and the one-operand op may return views.
"""

import math

import numpy as np

from mygrad import Tensor
from mygrad.plugin import composite_op, function_op, reads

from mygrad_ops_linalg._common import TOP

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_LETTERS)}


class _Invalid(Exception):
    """Subscripts that NumPy itself must reject (it words the error)."""


# ------------------------------------------------------------------ parsing
def _str_labels(s):
    labels, i = [], 0
    while i < len(s):
        if s.startswith("...", i):
            labels.append(Ellipsis)
            i += 3
            continue
        if s[i] not in _INDEX:
            raise _Invalid(s)
        labels.append(_INDEX[s[i]])
        i += 1
    return labels


def _int_labels(sub):
    labels = []
    for lab in sub:
        if lab is Ellipsis:
            labels.append(Ellipsis)
        else:
            try:
                v = int(lab)
            except (TypeError, ValueError):
                raise _Invalid(sub) from None
            if v != lab or not 0 <= v < 52:
                raise _Invalid(sub)
            labels.append(v)
    return labels


def _split_args(args):
    """``(operands, [labels per operand], output labels or None)``."""
    if not args:
        raise TypeError("einsum() needs subscripts and at least one operand")
    if isinstance(args[0], str):
        subs = args[0].replace(" ", "")
        operands = list(args[1:])
        if subs.count("->") > 1 or ("-" in subs.replace("->", "")) or (">" in subs.replace("->", "")):
            raise _Invalid(subs)
        ins, arrow, out = subs.partition("->")
        in_subs = ins.split(",")
        if len(in_subs) != len(operands):
            raise _Invalid(subs)
        return operands, [_str_labels(s) for s in in_subs], (_str_labels(out) if arrow else None)
    if len(args) % 2:
        operands, subs, out = list(args[0:-1:2]), args[1:-1:2], args[-1]
    else:
        operands, subs, out = list(args[0::2]), args[1::2], None
    return operands, [_int_labels(s) for s in subs], (None if out is None else _int_labels(out))


#: ``(subscripts, operand ndims) -> spec`` for the string form (parsing
#: costs more than a small contraction)
_SPECS: dict = {}


def _ndim(x):
    return x.ndim if isinstance(x, Tensor) else np.ndim(x)


def parse(args):
    """Operands and their explicit labels: ``(operands, spec)`` with
    ``spec = (tuple of label tuples, output label tuple)``; ellipses are
    replaced by labels of their own (aligned at the right, like broadcasting).
    """
    if args and type(args[0]) is str:
        key = (args[0], tuple(_ndim(x) for x in args[1:]))
        spec = _SPECS.get(key)
        if spec is None:
            spec = _parse(args)[1]
            if len(_SPECS) >= 512:
                _SPECS.clear()
            _SPECS[key] = spec
        return list(args[1:]), spec
    return _parse(args)


def _parse(args):
    operands, ins, out = _split_args(args)
    used = {lab for labs in ins for lab in labs if lab is not Ellipsis}
    if out is not None:
        used |= {lab for lab in out if lab is not Ellipsis}
    ell_dims = []
    for x, labs in zip(operands, ins):
        named = sum(lab is not Ellipsis for lab in labs)
        n_ell = labs.count(Ellipsis)
        nd = _ndim(x)
        if n_ell > 1 or (n_ell == 0 and nd != named) or nd < named:
            raise _Invalid(labs)
        ell_dims.append(nd - named if n_ell else 0)
    n = max(ell_dims, default=0)
    free = [lab for lab in range(52) if lab not in used]
    if len(free) < n:
        raise _Invalid("too many labels")
    ell = free[:n]

    def expand(labs, e):
        res = []
        for lab in labs:
            res.extend(ell[n - e:] if lab is Ellipsis else (lab,))
        return tuple(res)

    ins = tuple(expand(labs, e) for labs, e in zip(ins, ell_dims))
    if out is None:
        counts = {}
        for labs in ins:
            for lab in labs:
                if lab not in ell:
                    counts[lab] = counts.get(lab, 0) + 1
        out = tuple(ell) + tuple(sorted(lab for lab, c in counts.items() if c == 1))
    else:
        if out.count(Ellipsis) > 1 or (n and Ellipsis not in out):
            raise _Invalid(out)
        out = expand(out, n)
    return operands, (ins, out)


def _interleave(arrays, labels, out):
    args = []
    for a, labs in zip(arrays, labels):
        args += [a, list(labs)]
    args.append(list(out))
    return args


# ------------------------------------------------------------- contractions
_MATMUL_MIN_WORK = 1 << 13


def _pair_by_matmul(a, la, b, lb, keep):
    """``einsum(a, la, b, lb, keep)`` as one (batched) matrix product, or
    None when the labels do not allow it (repeats, mismatched sizes)."""
    if len(set(la)) != len(la) or len(set(lb)) != len(lb):
        return None
    sa = dict(zip(la, np.shape(a)))
    sb = dict(zip(lb, np.shape(b)))
    only_a = [lab for lab in la if lab not in lb and lab not in keep]
    only_b = [lab for lab in lb if lab not in la and lab not in keep]
    if only_a:
        a = np.sum(a, axis=tuple(la.index(lab) for lab in only_a))
        la = tuple(lab for lab in la if lab not in only_a)
    if only_b:
        b = np.sum(b, axis=tuple(lb.index(lab) for lab in only_b))
        lb = tuple(lab for lab in lb if lab not in only_b)
    batch = [lab for lab in keep if lab in la and lab in lb]
    contract = [lab for lab in la if lab in lb and lab not in keep]
    free_a = [lab for lab in keep if lab in la and lab not in lb]
    free_b = [lab for lab in keep if lab in lb and lab not in la]
    if any(sa[lab] != sb[lab] for lab in contract):
        return None
    k = math.prod(sa[lab] for lab in contract)
    fa = math.prod(sa[lab] for lab in free_a)
    fb = math.prod(sb[lab] for lab in free_b)
    ba = [sa[lab] for lab in batch]
    bb = [sb[lab] for lab in batch]
    nbatch = math.prod(max(x, y) for x, y in zip(ba, bb))
    if nbatch * k * fa * fb < _MATMUL_MIN_WORK:
        return None
    a2 = np.transpose(a, [la.index(lab) for lab in batch + free_a + contract]).reshape(tuple(ba) + (fa, k))
    b2 = np.transpose(b, [lb.index(lab) for lab in batch + contract + free_b]).reshape(tuple(bb) + (k, fb))
    c = np.matmul(a2, b2)
    # (a fresh array: the reshape is a view of it, no copy)
    c = c.reshape(c.shape[:len(batch)] + tuple(sa[lab] for lab in free_a) + tuple(sb[lab] for lab in free_b))
    order = batch + free_a + free_b
    perm = [order.index(lab) for lab in keep]
    return c if perm == sorted(perm) else np.transpose(c, perm)


def contract(pairs, keep):
    """``einsum`` of ``[(array, labels), ...]`` onto the labels ``keep``."""
    if len(pairs) == 2:
        (a, la), (b, lb) = pairs
        res = _pair_by_matmul(a, tuple(la), b, tuple(lb), list(keep))
        if res is not None:
            return res
    args = []
    for a, labs in pairs:
        args += [a, list(labs)]
    return np.einsum(*args, list(keep), optimize="greedy" if len(pairs) > 2 else False)


def _operand_grad(g, xs, i, spec):
    """dL/d(operand i) of ``einsum`` with explicit labels ``spec``."""
    ins, out = spec
    labs = ins[i]
    shape = np.shape(xs[i])
    size = dict(zip(labs, shape))
    uniq = list(dict.fromkeys(labs))
    avail = set(out).union(*(ins[j] for j in range(len(ins)) if j != i))
    keep = [lab for lab in uniq if lab in avail]
    pairs = [(g, out)] + [(xs[j], ins[j]) for j in range(len(ins)) if j != i]
    r = np.asarray(contract(pairs, keep)) if (keep != list(out) or len(pairs) > 1) else np.asarray(g)
    # labels of size 1 in this operand that broadcast against larger ones
    wide = tuple(ax for ax, lab in enumerate(keep) if size[lab] == 1 and r.shape[ax] != 1)
    if wide:
        r = r.sum(axis=wide, keepdims=True)
    if len(keep) < len(uniq):
        r = np.expand_dims(r, tuple(ax for ax, lab in enumerate(uniq) if lab not in avail))
    r = np.broadcast_to(r, tuple(size[lab] for lab in uniq))
    if len(uniq) == len(labs):
        return r
    grad = np.zeros(shape, dtype=r.dtype)
    np.einsum(grad, list(labs), uniq)[...] = r  # (the diagonal: a writeable view)
    return grad


# ---------------------------------------------------------------------- ops
def _rule(i, n):
    @reads(inputs=[j for j in range(n) if j != i])  # (its own operand's shape only)
    def rule(g, out, *xs, spec=None, optimize=False, dtype=None, order="K", casting="safe"):
        return _operand_grad(g, xs, i, spec)

    rule.__name__ = f"einsum_grad_{i}"
    return rule


def _forward(*xs, spec, optimize=False, dtype=None, order="K", casting="safe"):
    ins, out = spec
    return np.einsum(*_interleave(xs, ins, out), optimize=optimize, dtype=dtype, order=order, casting=casting)


# ------------------------------------------- conformance-check arguments
def _einsum_shapes(n=None):
    """Operand shapes (1 to 3 operands unless ``n`` is given) with sides 1-3,
    so that axes often match and can share a label."""

    def shapes(draw):
        from hypothesis import strategies as st

        count = n if n is not None else draw(st.integers(1, 3))
        return tuple(tuple(draw(st.lists(st.integers(1, 3), max_size=3))) for _ in range(count))

    return shapes


def _einsum_subscripts(draw, shapes):
    """Valid subscripts for operands of ``shapes``: each axis gets a label
    already used for an axis of its size, or a new one (repeated labels make
    diagonals and contractions); the output is implicit or a permutation of
    some of the labels."""
    from hypothesis import strategies as st

    sizes = {}
    terms = []
    for shape in shapes:
        term = ""
        for side in shape:
            same = [c for c, m in sizes.items() if m == side]
            c = draw(st.sampled_from(same + [_LETTERS[26 + len(sizes)]]))
            sizes[c] = side
            term += c
        terms.append(term)
    subscripts = ",".join(terms)
    if draw(st.booleans()):
        return subscripts  # (implicit output)
    labels = draw(st.permutations(sorted(sizes)))
    return subscripts + "->" + "".join(labels[: draw(st.integers(0, len(labels)))])


def _einsum_kwargs(draw, shapes):
    from hypothesis import strategies as st

    return {"subscripts": _einsum_subscripts(draw, shapes), "optimize": draw(st.booleans())}


def _spec_kwargs(draw, shapes):
    subscripts = _einsum_subscripts(draw, shapes)
    return {"spec": parse([subscripts, *(np.empty(s) for s in shapes)])[1]}


_OPS = {}


def _einsum_op(n):
    op = _OPS.get(n)
    if op is None:
        op = _OPS[n] = function_op(None, grads=[_rule(i, n) for i in range(n)], nin=n, name=f"_einsum{n}",
                                   namespaces=(), can_return_view=(n == 1),
                                   conformance={"shapes": _einsum_shapes(n), "kwargs": _spec_kwargs})(_forward)
    return op


def _einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False, constant=None):
    """Einstein summation (like :func:`numpy.einsum`), differentiable in
    every operand.

    Takes NumPy's string form (``einsum("ij,jk->ik", a, b)``, implicit
    output, ``...``) and interleaved form (``einsum(a, [0, 1], b, [1, 2],
    [0, 2])``), and NumPy's keywords (``optimize``, ``out``, ``dtype``,
    ``order``, ``casting``). A one-operand result that NumPy returns as a view
    (``"ii->i"``, ``"ij->ji"``) is a view tensor of the operand. A tensor
    passed twice (``einsum("i,i", x, x)``) gets both contributions.

    Examples
    --------
    >>> import mygrad as mg
    >>> a = mg.tensor([[1., 2.], [3., 4.]])
    >>> mg.einsum("ii", a)
    Tensor(5.)
    >>> d = mg.einsum("ii->i", a)
    >>> d.base is a
    True
    >>> x = mg.tensor([1., 2., 3.])
    >>> mg.einsum("i,i", x, x).backward()
    >>> x.grad
    array([2., 4., 6.])
    >>> mg.einsum(a, [0, 1], [1, 0])
    Tensor([[1., 3.],
            [2., 4.]])
    """
    try:
        arrays, spec = parse(operands)
    except _Invalid:
        np.einsum(*_raw(operands), optimize=optimize)  # NumPy's own error
        raise ValueError(f"invalid einsum arguments: {operands!r}") from None
    op = _einsum_op(len(arrays))
    kwargs = {"spec": spec, "optimize": optimize, "dtype": dtype, "order": order, "casting": casting}
    if out is not None:
        kwargs["out"] = out
    return op(*arrays, constant=constant, **kwargs)


def _raw(args):
    """The arguments with tensors replaced by their arrays."""
    return [a.data if isinstance(a, Tensor) else a for a in args]


einsum = composite_op(_einsum, name="einsum", namespaces=TOP, numpy=np.einsum,
                      conformance={"shapes": _einsum_shapes(), "kwargs": _einsum_kwargs,
                                   # (the subscripts come first, then the operands)
                                   "call": lambda f, *xs, subscripts, **kw: f(subscripts, *xs, **kw)})

DECLARATIONS = [einsum] + [_einsum_op(n) for n in (1, 2, 3, 4)]
