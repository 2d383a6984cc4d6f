"""The linalg pack installs, loads through its entry point, publishes its names
and NumPy overrides, and passes the conformance check op by op."""

import importlib.metadata as md

import numpy as np
import pytest

import mygrad as mg
from mygrad._plugins.registry import REGISTRY
from mygrad.plugins import plugins
from mygrad.testing import check_op

TOP = "matmul einsum multi_matmul dot vdot inner outer tensordot kron cross".split()
LINALG = ("norm vector_norm matrix_norm inv pinv det slogdet solve lstsq cholesky qr eigh eigvalsh svd svdvals "
          "matrix_power multi_dot matmul outer tensordot vecdot cross trace diagonal matrix_transpose").split()

# (not the pass-through table, nor exported objects: ``linalg.matrix_rank`` is NumPy's function)
DECLS = [d for d in REGISTRY.decls_of("linalg") if hasattr(d, "conformance") and d.kind != "export"]
CHECKED = [d for d in DECLS if not d.conformance.get("skip")]


def test_linalg_pack_is_installed_and_loaded():
    info = {p.name: p for p in plugins()}["linalg"]
    assert info.status == "loaded", info.error
    assert info.distribution == "mygrad-ops-linalg"
    assert info.version == md.version("mygrad-ops-linalg")
    assert "mygrad_ops" in info.hooks


def test_linalg_pack_requires_the_3x_core():
    requires = md.requires("mygrad-ops-linalg") or []
    pins = [r for r in requires if r.startswith("mygrad") and not r.startswith("mygrad-")]
    assert pins, requires
    assert any("<4" in r and ">=3" in r for r in pins), pins


@pytest.mark.parametrize("name", TOP)
def test_top_level_names(name):
    assert callable(getattr(mg, name))


@pytest.mark.parametrize("name", LINALG)
def test_linalg_names_override_numpy(name):
    assert mg.linalg.__name__ == "mygrad.linalg"
    op = getattr(mg.linalg, name)
    assert callable(op)
    assert REGISTRY.functions.get(getattr(np.linalg, name)) is not None


def test_numpy_dispatches_to_the_ops():
    a = mg.tensor([[2., 1.], [1., 3.]])
    for result in (np.matmul(a, a), np.dot(a, a), np.einsum("ij->", a), np.linalg.inv(a), np.linalg.norm(a),
                   np.linalg.det(a), np.linalg.multi_dot([a, a, a]), a @ a, a.dot(a), np.kron(a, a)):
        assert isinstance(result, mg.Tensor)
    assert all(isinstance(r, mg.Tensor) for r in np.linalg.qr(a))
    assert all(isinstance(r, mg.Tensor) for r in np.linalg.svd(a))


def test_every_op_is_checked_or_skipped_for_a_reason():
    for d in DECLS:
        skip = d.conformance.get("skip")
        assert d in CHECKED or (isinstance(skip, str) and "test" in skip), d.name


@pytest.mark.parametrize("decl", CHECKED, ids=[f"{d.namespaces[0] if d.namespaces else 'hidden'}.{d.name}" for d in CHECKED])
def test_conformance(decl):
    check_op(decl)  # (the hypothesis profile sets the number of examples)
