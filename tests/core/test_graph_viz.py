"""``mygrad.computational_graph``:
``to_dot`` needs nothing but mygrad; ``build_graph`` needs the optional
``graphviz`` package and says so clearly when it is missing."""

import re
import sys
import types

import numpy as np
import pytest

import mygrad as mg
from mygrad import computational_graph as cg


def _graph():
    x = mg.tensor([1.0, 2.0])
    y = mg.tensor([3.0, 4.0])
    z = x * y
    f = (z + x).sum()
    return x, y, z, f


def _nodes_and_edges(dot: str):
    nodes = dict(re.findall(r'^\s*(\w+) \[[^\]]*label="([^"]*)"', dot, flags=re.M))
    edges = re.findall(r"^\s*(\w+) -> (\w+);", dot, flags=re.M)
    return nodes, edges


def test_to_dot_returns_dot_text_for_the_whole_graph():
    x, y, z, f = _graph()
    dot = cg.to_dot(f, names={"x": x, "y": y, "z": z, "f": f})
    assert isinstance(dot, str)
    assert dot.lstrip().startswith("digraph") and dot.rstrip().endswith("}")
    nodes, edges = _nodes_and_edges(dot)
    labels = set(nodes.values())
    assert {"x", "y", "z", "f"} <= labels
    assert any("multiply" in lab for lab in labels)
    assert any("add" in lab for lab in labels)
    assert any("sum" in lab for lab in labels)
    by_label = {lab: node for node, lab in nodes.items()}
    # every edge joins two declared nodes; x feeds two ops
    for a, b in edges:
        assert a in nodes and b in nodes
    assert sum(1 for a, _ in edges if a == by_label["x"]) == 2
    assert sum(1 for a, _ in edges if a == by_label["y"]) == 1
    # it is a DAG ending at f: f has no outgoing edge
    assert not any(a == by_label["f"] for a, _ in edges)


def test_to_dot_does_not_touch_the_graph():
    x, y, z, f = _graph()
    cg.to_dot(f)
    assert f.creator is not None and z.creator is not None
    f.backward()
    np.testing.assert_array_equal(x.grad, y.data + 1)


def test_to_dot_options_add_shape_dtype_and_stats():
    x, y, z, f = _graph()
    dot = cg.to_dot(f, names={"z": z}, dims=True, dtypes=True, sum_stats=True)
    assert "(2,)" in dot
    assert "float64" in dot
    assert "mean" in dot or "min" in dot


def test_to_dot_of_a_leaf_and_of_constants():
    x = mg.tensor([1.0])
    dot = cg.to_dot(x, names={"x": x})
    nodes, edges = _nodes_and_edges(dot)
    assert list(nodes.values()) == ["x"] and edges == []
    c = mg.tensor([2.0], constant=True)
    dot = cg.to_dot(x * c, names={"c": c})
    assert "constant" in dot


def test_to_dot_names_accept_locals():
    a = mg.tensor(1.0)
    b = a * 2
    dot = cg.to_dot(b, names=locals())
    labels = set(_nodes_and_edges(dot)[0].values())
    assert {"a", "b"} <= labels


def test_to_dot_rejects_non_tensors():
    with pytest.raises(TypeError):
        cg.to_dot(np.array([1.0]))


def test_to_dot_escapes_quotes_in_names():
    x = mg.tensor(1.0)
    dot = cg.to_dot(x * 2, names={'say "hi"': x})
    assert 'say \\"hi\\"' in dot


def test_build_graph_without_graphviz_raises_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    x, y, z, f = _graph()
    with pytest.raises(ImportError) as info:
        cg.build_graph(f)
    msg = str(info.value)
    assert "graphviz" in msg and "to_dot" in msg


class _FakeGraph:
    rendered: list = []

    def __init__(self, source=None, *args, **kwargs):
        self.source = source or ""
        self.nodes: list = []
        self.edges: list = []

    def node(self, name, label=None, **kwargs):
        self.nodes.append((name, label))

    def edge(self, a, b, **kwargs):
        self.edges.append((a, b))

    def render(self, *args, **kwargs):
        _FakeGraph.rendered.append((args, kwargs))
        return "computational_graph"

    def text(self):
        return self.source + " ".join(str(label) for _, label in self.nodes)


@pytest.fixture
def fake_graphviz(monkeypatch):
    mod = types.ModuleType("graphviz")
    mod.Source = _FakeGraph
    mod.Digraph = _FakeGraph
    monkeypatch.setitem(sys.modules, "graphviz", mod)
    _FakeGraph.rendered = []
    return mod


def test_build_graph_with_graphviz(fake_graphviz):
    x, y, z, f = _graph()
    g = cg.build_graph(f, names={"x": x, "f": f})
    assert isinstance(g, _FakeGraph)
    assert "x" in g.text() and "f" in g.text()
    assert _FakeGraph.rendered == []  # nothing written unless save=True
    assert cg.build_graph(f, render=False) is None
    cg.build_graph(f, save=True)
    assert len(_FakeGraph.rendered) == 1
    args, kwargs = _FakeGraph.rendered[0]
    assert "computational_graph" in (list(args) + list(kwargs.values()))
    f.backward()  # the graph is untouched
    np.testing.assert_array_equal(x.grad, y.data + 1)
