"""Code written for MyGrad 2.x imports ``mygrad.nnet`` names by their 2.x
paths; each must work in a fresh interpreter, where the nnet pack is imported
on first use of one of its names (from its manifest), and also when it is
imported eagerly."""

import importlib
import os
import subprocess
import sys

import pytest

STATEMENTS = [
    "from mygrad.nnet.activations import *; assert callable(relu) and callable(softmax) and callable(tanh)",
    "from mygrad.nnet.losses import *; assert callable(softmax_crossentropy) and callable(focal_loss)",
    "from mygrad.nnet.initializers import *; assert callable(glorot_uniform) and callable(he_normal)",
    "from mygrad.nnet import *; assert callable(conv_nd) and callable(relu) and callable(margin_ranking_loss)",
    # 2.x's mygrad.nnet star-imports its submodules' names, initializers included, and lists the submodules
    "from mygrad.nnet import *; assert callable(glorot_uniform) and callable(he_normal) and callable(dirac)",
    "from mygrad.nnet import *; import types; "
    "assert all(isinstance(m, types.ModuleType) for m in (activations, initializers, layers, losses))",
    "import mygrad as mg; assert mg.nnet.glorot_uniform is mg.nnet.initializers.glorot_uniform",
    "from mygrad.nnet.layers import conv_nd, max_pool, batchnorm, gru; assert callable(gru)",
    "from mygrad.nnet.layers.gru import gru; assert callable(gru)",
    "from mygrad.nnet.layers.batchnorm import batchnorm; assert callable(batchnorm)",
    "from mygrad.nnet.layers.conv import conv_nd; assert callable(conv_nd)",
    "from mygrad.nnet.layers.pooling import max_pool; assert callable(max_pool)",
    "from mygrad.nnet.layers.utils import sliding_window_view; assert callable(sliding_window_view)",
    # as in 2.x, the attribute is the function even though a module of that name exists
    "import mygrad as mg, types; assert not isinstance(mg.nnet.layers.gru, types.ModuleType)",
    "import mygrad.nnet.layers.gru, types, mygrad; assert not isinstance(mygrad.nnet.layers.gru, types.ModuleType)",
    "import mygrad.nnet.optim as optim; assert optim.Adam and optim.SGD",
    "import mygrad as mg; from mygrad.nnet.activations import relu; "
    "x = mg.tensor([-1., 2.]); relu(x).sum().backward(); assert list(x.grad) == [0., 1.]",
]


def _run(code):
    env = {k: v for k, v in os.environ.items() if k not in ("MYGRAD_PLUGINS", "MYGRAD_DISABLE_PLUGIN_AUTOLOAD")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("statement", STATEMENTS)
def test_2x_import_path_before_the_pack_is_imported(statement):
    out = _run(statement)
    assert out.returncode == 0, out.stderr


def test_2x_import_paths_after_the_pack_is_imported():
    script = "import mygrad.plugins as P; P.plugins(load=True)\n" + "\n".join(
        f"try:\n    exec({s!r}, {{}})\nexcept BaseException as e:\n    print('FAIL', {s!r}, repr(e))" for s in STATEMENTS
    )
    out = _run(script)
    assert out.returncode == 0, out.stderr
    assert "FAIL" not in out.stdout, out.stdout


@pytest.mark.parametrize("module", ["mygrad.nnet.activations", "mygrad.nnet.losses", "mygrad.nnet.layers",
                                    "mygrad.nnet.initializers", "mygrad.nnet.optim", "mygrad.linalg", "mygrad.math"])
def test_namespace_dir_lists_the_plugin_names_and_no_helpers(module):
    mod = importlib.import_module(module)
    names = dir(mod)
    assert names, module
    assert not [n for n in names if n.startswith("_") or "namespace" in n]
    for n in names:  # every listed name resolves
        getattr(mod, n)
