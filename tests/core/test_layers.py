"""The core's layers (ARCHITECTURE.md): every import points downward, no
module imports inside a function, and the core never imports a pack."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mygrad

ROOT = Path(mygrad.__file__).resolve().parent

#: module -> rank, bottom first; a module may import only lower ranks
ORDER = [
    # the bottom: no mygrad imports
    "mygrad._version", "mygrad.errors", "mygrad._dtypes", "mygrad._core.state", "mygrad._core.modes",
    # the engine
    "mygrad._core", "mygrad._core.memory_guard", "mygrad._core.graph", "mygrad._core.operation",
    "mygrad._core.views", "mygrad._core.writes", "mygrad._core.vertices", "mygrad._core.refresh",
    "mygrad._core.inplace", "mygrad._core.setters", "mygrad._core.tensor",
    # what builds on the Tensor class alone
    "mygrad.operation_base", "mygrad.tensor_creation", "mygrad._io", "mygrad.random", "mygrad.typing",
    "mygrad.computational_graph",
    # op declarations
    "mygrad._declarations", "mygrad._declarations.rules", "mygrad._declarations.reduction", "mygrad._declarations.base",
    "mygrad._declarations.fastpath", "mygrad._declarations.ufunc", "mygrad._declarations.function",
    "mygrad._declarations.kinds",
    # the core's own ops
    "mygrad._core_ops", "mygrad._core_ops.indexing", "mygrad._core_ops.shaping", "mygrad._core_ops.transposing",
    # plugins: registry, NumPy dispatch, manager
    "mygrad._plugins", "mygrad._plugins.providers", "mygrad._plugins.hookspecs", "mygrad._plugins.entries",
    "mygrad._plugins.registry",
    "mygrad._plugins.dispatch", "mygrad._plugins.discovery", "mygrad._plugins.manager",
    # public API modules
    "mygrad.plugin", "mygrad.plugins", "mygrad._core_plugin", "mygrad.no_grad_funcs", "mygrad.ufuncs",
    "mygrad.tensor_base", "mygrad.math", "mygrad.linalg", "mygrad.nnet.activations", "mygrad.nnet.initializers",
    "mygrad.nnet.losses", "mygrad.nnet.layers.utils", "mygrad.nnet.layers", "mygrad.nnet.optim", "mygrad.nnet",
    "mygrad.tensor_manip", "mygrad.indexing_routines",
    "mygrad",
    # on top of the package
    "mygrad.testing.gradcheck", "mygrad.testing.strategies", "mygrad.testing.checks", "mygrad.testing.conformance", "mygrad.testing",
    "mygrad.__main__",
]
RANK = {m: i for i, m in enumerate(ORDER)}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _resolve(name: str) -> str:
    """The module an import of ``name`` runs (a name inside a module -> the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(tree: ast.AST, module: str):
    """(imported module, line, inside a function?) for every import."""
    is_pkg = MODULES[module].name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for a in child.names:
                    yield a.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.split(".")
                    parent = parent[: len(parent) - child.level + 1]
                    base = ".".join(parent + ([base] if base else []))
                for a in child.names:
                    yield f"{base}.{a.name}", child.lineno, in_function
            yield from visit(child, inside)

    yield from visit(tree, False)


def test_every_core_module_has_a_rank():
    missing = sorted(set(MODULES) - set(RANK))
    assert not missing, f"modules without a place in the layer order: {missing}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_downward(module):
    tree = ast.parse(MODULES[module].read_text())
    for name, line, in_function in _imports(tree, module):
        top = name.split(".")[0]
        assert not top.startswith("mygrad_ops"), f"{module}:{line} imports the pack {name} (the core never does)"
        if top != "mygrad":
            continue
        target = _resolve(name)
        assert not in_function, f"{module}:{line} imports {name} inside a function"
        if target == module:
            continue
        assert RANK[target] < RANK[module], (
            f"{module}:{line} imports {target}, which is in a higher layer (see ARCHITECTURE.md)"
        )
