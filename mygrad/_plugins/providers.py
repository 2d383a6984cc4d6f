"""Which of mygrad's own packs provides which public name, for the packs that
are *not* installed (an installed plugin's own manifest says what it
provides; see mygrad._plugins.registry for the messages).

The data is ``pack_manifests.json``: a copy of the manifest each pack ships
(``mygrad-manifest.json``, what its ``mygrad_ops`` hook registers), written by
``python tools/sync_manifests.py``. A test checks that it, the shipped
manifests and what each pack registers agree.
"""

from __future__ import annotations

import json
import os

__all__ = ["PACKS", "MANIFESTS", "provider_of", "describe", "TENSOR_ATTRS", "NAMES", "NUMPY"]

#: distribution -> extra of the core that installs it
PACKS = {"mygrad-ops-math": "math", "mygrad-ops-linalg": "linalg", "mygrad-ops-nnet": "nnet"}

MANIFESTS_FILE = os.path.join(os.path.dirname(__file__), "pack_manifests.json")

with open(MANIFESTS_FILE, encoding="utf-8") as _f:
    #: distribution -> the manifest of the pack
    MANIFESTS: dict[str, dict] = json.load(_f)

#: namespace -> {public name: distribution}
NAMES: dict[str, dict[str, str]] = {}
#: NumPy callable ("numpy.sum", "numpy.linalg.norm", "numpy.add") -> distribution
NUMPY: dict[str, str] = {}
#: Tensor attribute -> distribution; stubs until a provider registers
TENSOR_ATTRS: dict[str, str] = {}


def _index() -> None:
    for dist, manifest in MANIFESTS.items():
        for ns, names in manifest["names"].items():
            NAMES.setdefault(ns, {}).update(dict.fromkeys(names, dist))
        NUMPY.update(dict.fromkeys(manifest["numpy"], dist))
        TENSOR_ATTRS.update(dict.fromkeys(manifest["tensor"], dist))


_index()


def provider_of(name: str, kind: str = "mygrad") -> str | None:
    """The distribution that provides ``name``.

    ``kind`` is a namespace (``"mygrad"``, ``"mygrad.nnet"``, ...), ``"ufunc"``
    (a NumPy ufunc name), ``"function"`` (``"numpy.sum"``) or ``"tensor"``
    (a Tensor attribute).
    """
    if kind == "ufunc":
        return NUMPY.get(f"numpy.{name}")
    if kind == "function":
        return NUMPY.get(name)
    if kind == "tensor":
        return TENSOR_ATTRS.get(name)
    return NAMES.get(kind, {}).get(name)


def describe(kind: str, name: str) -> str:
    """How a missing name reads in an error message."""
    if kind == "ufunc":
        return f"the NumPy ufunc {name!r} on tensors"
    if kind == "function":
        return f"{name}() on tensors"
    if kind == "tensor":
        return f"Tensor.{name}"
    return f"{kind}.{name}"
