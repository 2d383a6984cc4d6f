"""Draw the computational graph that ends at a tensor.

* :func:`to_dot` needs nothing but mygrad: it returns the graph as DOT text
  (paste it into any Graphviz viewer, or ``dot -Tsvg``).
* :func:`build_graph` needs the optional ``graphviz`` package
  (``pip install "mygrad[graph]"``) and returns a ``graphviz.Digraph``.

Neither touches the graph: backprop works the same afterwards.

>>> import mygrad as mg
>>> from mygrad.computational_graph import to_dot
>>> x = mg.tensor([1.0, 2.0])
>>> f = (x * x).sum()
>>> print(to_dot(f, names={"x": x, "f": f}))  # doctest: +SKIP
digraph computational_graph {
  ...
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import numpy as np

from mygrad._core.graph import History, resolve
from mygrad._core.tensor import Tensor

__all__ = ["to_dot", "build_graph"]


def _op_name(op: Any) -> str:
    name = getattr(op, "name", None)
    return name if isinstance(name, str) and name else type(op).__name__


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _walk(fin: Tensor) -> Iterator[tuple[Tensor, list[Tensor]]]:
    """Each tensor reachable from ``fin`` (``fin`` first) with its tensor inputs."""
    routed = History.alive
    seen = {id(fin)}
    stack = [fin]
    while stack:
        t = stack.pop()
        ins: list[Tensor] = []
        if t._op is not None:
            if routed:
                resolve(t)
            ins = [p for p in (t._inputs or ()) if isinstance(p, Tensor)]
        yield t, ins
        for p in ins:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)


def _label(t: Tensor, names: dict[int, str], dims: bool, dtypes: bool, sum_stats: bool) -> str:
    lines = [names.get(id(t), "Tensor")]
    if t._constant:
        lines.append("(constant)")
    if dims:
        lines.append(f"shape: {t.shape}")
    if dtypes:
        lines.append(f"dtype: {t.dtype}")
    if sum_stats and t.size:
        d = t._data
        if np.issubdtype(d.dtype, np.number) or d.dtype == np.bool_:
            d = d.astype(np.float64) if d.dtype == np.bool_ else d
            lines.append(f"mean: {d.mean():.4g}  min: {d.min():.4g}  max: {d.max():.4g}")
    return "\n".join(lines)


def _elements(fin: Any, names: Mapping[str, Any] | None, dims: bool, dtypes: bool, sum_stats: bool):
    """Nodes ``(id, label, attrs)`` and edges ``(a, b)`` of the graph ending at ``fin``."""
    if not isinstance(fin, Tensor):
        raise TypeError(f"expected the Tensor that ends a graph, got {type(fin).__name__!r}")
    if names is not None and not isinstance(names, Mapping):
        raise TypeError("`names` must be a mapping of name -> tensor (e.g. locals())")
    by_id = {id(v): str(k) for k, v in (names or {}).items() if isinstance(v, Tensor)}
    ids: dict[int, str] = {}

    def node_id(t: Tensor) -> str:
        return ids.setdefault(id(t), f"t{len(ids)}")

    nodes: list[tuple[str, str, dict]] = []
    edges: list[tuple[str, str]] = []
    for k, (t, ins) in enumerate(_walk(fin)):
        tid = node_id(t)
        attrs = {"shape": "box"} if t._constant else {}
        nodes.append((tid, _label(t, by_id, dims, dtypes, sum_stats), attrs))
        if t._op is None:
            continue
        oid = f"op{k}"
        nodes.append((oid, _op_name(t._op), {"shape": "oval", "style": "filled", "fillcolor": "red"}))
        edges.append((oid, tid))
        for p in ins:
            edges.append((node_id(p), oid))
    return nodes, edges


def to_dot(
    fin: Tensor,
    names: Mapping[str, Any] | None = None,
    *,
    dims: bool = False,
    dtypes: bool = False,
    sum_stats: bool = False,
) -> str:
    """The graph that ends at ``fin`` as Graphviz DOT text.

    Parameters
    ----------
    fin : Tensor
        The tensor at the end of the graph.
    names : Mapping[str, Any], optional
        Labels for tensors, looked up by identity (``locals()`` works:
        non-tensors are ignored). Unnamed tensors are labelled ``Tensor``.
    dims, dtypes, sum_stats : bool
        Add each tensor's shape, dtype, or mean/min/max to its label.

    Returns
    -------
    str
        ``digraph computational_graph { ... }``: one node per tensor, one
        (red) node per operation, edges from inputs to operation to result.
    """
    nodes, edges = _elements(fin, names, dims, dtypes, sum_stats)
    out = ["digraph computational_graph {", "  rankdir=LR;"]
    for nid, label, attrs in nodes:
        extra = "".join(f", {k}={v}" for k, v in attrs.items())
        out.append(f'  {nid} [label="{_escape(label)}"{extra}];')
    out.extend(f"  {a} -> {b};" for a, b in edges)
    out.append("}")
    return "\n".join(out) + "\n"


def build_graph(
    fin: Tensor,
    names: Mapping[str, Any] | None = None,
    *,
    render: bool = True,
    save: bool = False,
    dims: bool = False,
    dtypes: bool = False,
    sum_stats: bool = False,
):
    """The graph that ends at ``fin`` as a ``graphviz.Digraph`` (needs the
    optional ``graphviz`` package).

    ``names``, ``dims``, ``dtypes`` and ``sum_stats`` are as in :func:`to_dot`.
    With ``save=True`` the graph is rendered to a file named
    ``computational_graph`` (SVG). Returns the Digraph if ``render`` is true,
    else ``None``.

    Raises
    ------
    ImportError
        If graphviz is not installed (use :func:`to_dot` instead).
    """
    try:
        import graphviz
    except ImportError as e:
        raise ImportError(
            "mygrad.computational_graph.build_graph needs the optional 'graphviz' package "
            '(pip install "mygrad[graph]"); to_dot(tensor) gives the same graph as DOT text '
            "without it"
        ) from e
    nodes, edges = _elements(fin, names, dims, dtypes, sum_stats)
    graph = graphviz.Digraph(name="computational_graph", graph_attr={"rankdir": "LR"})
    for nid, label, attrs in nodes:
        graph.node(nid, label=label, **attrs)
    for a, b in edges:
        graph.edge(a, b)
    if save:
        graph.render(filename="computational_graph", format="svg", cleanup=True)
    return graph if render else None
