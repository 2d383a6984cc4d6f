"""The docstring examples of every module in ``mygrad`` and in the op packs
stay true: each docstring with examples is one test."""

import doctest
import importlib
import importlib.metadata
import importlib.util
import pkgutil

import numpy as np
import pytest

import mygrad  # noqa: F401  (loads the packs)

def _packages():
    """The core, our packs, and every installed plugin's top-level package."""
    names = ["mygrad", "mygrad_ops_math", "mygrad_ops_linalg", "mygrad_ops_nnet"]
    for ep in importlib.metadata.entry_points(group="mygrad"):
        top = ep.value.split(":")[0].split(".")[0]
        if top not in names:
            names.append(top)
    return names


PACKAGES = _packages()
#: modules that are entry points, not libraries
SKIP_MODULES = {"mygrad.__main__"}

KNOWN_BUGS: dict = {}


def _module_names():
    for pkg in PACKAGES:
        if importlib.util.find_spec(pkg) is None:
            continue
        yield pkg
        mod = importlib.import_module(pkg)
        for info in pkgutil.walk_packages(mod.__path__, prefix=pkg + "."):
            if info.name not in SKIP_MODULES:
                yield info.name


def _is_numpy_doc(obj):
    """Op declarations that override a NumPy callable may reuse its docstring,
    whose examples are NumPy's (not ours to run)."""
    numpy_doc = getattr(getattr(obj, "numpy", None), "__doc__", None)
    return bool(numpy_doc) and numpy_doc.strip() in (obj.__doc__ or "")


def _declarations(modules):
    """Op declarations (instances, which ``DocTestFinder`` skips) with their own
    docstrings, each attributed to the module that defines it."""
    from mygrad._declarations.base import OpDecl

    candidates = {}
    for module in modules:
        for attr, obj in list(vars(module).items()):
            if isinstance(obj, OpDecl) and isinstance(obj.__doc__, str) and not _is_numpy_doc(obj):
                candidates.setdefault(id(obj), (obj, []))[1].append((module, attr))
    for obj, places in candidates.values():
        home = getattr(getattr(obj, "__wrapped__", None), "__module__", None)
        chosen = next((p for p in places if p[0].__name__ == home), None)
        if chosen is None:
            published = set(getattr(obj, "namespaces", ()))
            chosen = next((p for p in places if p[0].__name__ not in published), places[0])
        yield obj, chosen


def _collect():
    finder = doctest.DocTestFinder(exclude_empty=True)
    modules = [importlib.import_module(name) for name in _module_names()]
    tests = []
    # declarations first: a declaration's docstring is usually its private
    # forward function's, which the finder also sees; keep the public name
    for obj, (module, attr) in _declarations(modules):
        tests.extend(finder.find(obj, f"{module.__name__}.{attr}", module=module,
                                 globs=dict(vars(module))))
    for module in modules:
        tests.extend(finder.find(module, module.__name__))
    params = []
    seen = set()
    for test in tests:
        key = test.docstring or test.name
        if not test.examples or key in seen:
            continue
        seen.add(key)
        marks = []
        if test.name in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[test.name]))
        params.append(pytest.param(test, id=test.name, marks=marks))
    return params


DOCTESTS = _collect()


def test_doctests_were_found():
    names = {p.id for p in DOCTESTS}
    # a few docstrings that must keep their examples
    assert "mygrad" in names
    assert any(n.endswith(".Tensor") for n in names)
    assert "mygrad.no_autodiff" in names or any(n.startswith("mygrad._core.modes") for n in names)
    assert any(n.startswith("mygrad_ops_math.") for n in names)
    assert len(DOCTESTS) >= 10


@pytest.mark.parametrize("test", DOCTESTS)
def test_docstring_examples(test):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = []
    globs = test.globs
    test.globs = dict(globs)
    try:
        with np.printoptions(legacy=False):
            runner.run(test, out=report.append, clear_globs=True)
    finally:
        test.globs = globs
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)
