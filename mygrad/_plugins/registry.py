"""The op registry: public names, NumPy overrides and Tensor attributes, each
owned by exactly one plugin.

A plugin's declarations are validated as a whole and then committed
atomically (all or nothing). Committing publishes the names in their
namespace modules, installs Tensor methods/operators, and fills the tables
that ``__array_ufunc__`` / ``__array_function__`` consult.
"""

from __future__ import annotations

import importlib
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from mygrad._core.inplace import inplace_operator
from mygrad._core.tensor import Tensor
from mygrad._declarations.base import OpDecl
from mygrad._declarations.kinds import Export, Table
from mygrad._declarations.ufunc import Ufunc
from mygrad._plugins.providers import TENSOR_ATTRS, missing_provider_error
from mygrad.errors import DeclarationError, PluginConflictError

__all__ = ["Registry", "REGISTRY"]

CORE_PLUGIN = "mygrad"


def _stub(attr: str):
    def stub(self, *args: Any, **kwargs: Any):
        raise missing_provider_error(attr, "tensor")

    stub.__name__ = attr
    stub.__qualname__ = f"Tensor.{attr}"
    stub.__doc__ = f"Provided by {TENSOR_ATTRS[attr][1]} (not installed or not loaded)."
    stub._mygrad_stub = True  # type: ignore[attr-defined]
    return stub


def _install_stub(attr: str) -> None:
    stub = STUBS[attr]
    setattr(Tensor, attr, property(stub, doc=stub.__doc__) if attr == "T" else stub)


#: Tensor attributes that op packs provide: stubs until a provider registers.
#: (The plugin layer extends the Tensor class: these stubs, the attributes
#: that plugins bind, and NumPy's protocol hooks in mygrad._plugins.dispatch.)
STUBS = {attr: _stub(attr) for attr in TENSOR_ATTRS}
for _attr in STUBS:
    _install_stub(_attr)
del _attr

#: attributes of the Tensor class body that plugins cannot replace
_CORE_TENSOR_ATTRS = frozenset(k for k in Tensor.__dict__ if k not in STUBS) - {"__doc__", "__module__"}


def _numpy_name(func: Any) -> str:
    mod = getattr(func, "__module__", None) or "numpy"
    if isinstance(func, np.ufunc):
        return f"numpy.{func.__name__}"
    return f"{mod}.{getattr(func, '__name__', repr(func))}"


def _as_tuple(x: Any) -> tuple:
    if x is None:
        return ()
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


@dataclass
class PluginEntry:
    name: str
    label: str  # "distribution version", for messages
    decls: list
    claims: dict = field(default_factory=dict)  # claim key -> object
    names: dict = field(default_factory=dict)  # namespace -> [names]


def _tensor_binding(decl: OpDecl, attr: str) -> Any:
    """The Tensor attribute that ``attr`` becomes for ``decl``."""
    if attr == "T":
        return property(lambda self: decl(self), doc=decl.__doc__)
    if attr.startswith("__i") and attr.endswith("__") and attr not in ("__index__", "__invert__"):
        return inplace_operator(decl)
    fast = getattr(decl, "call_fast", None) or getattr(decl, "impl", None)
    if fast is None:

        def fast(*args: Any) -> Any:
            return decl(*args)

    if attr.startswith("__r") and attr not in ("__repr__", "__round__", "__reduce__", "__reversed__"):

        def reflected(self: Tensor, other: Any) -> Any:
            return fast(other, self)

        reflected.__name__ = attr
        return reflected
    if attr.startswith("__") and attr.endswith("__"):
        if attr == "__pow__" and getattr(decl, "call_fast", None) is not None:

            def pow_(self: Tensor, other: Any, modulo: Any = None) -> Any:
                if modulo is not None:
                    return NotImplemented
                return fast(self, other)

            return pow_
        return fast

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return decl(self, *args, **kwargs)

    method.__name__ = attr
    method.__qualname__ = f"Tensor.{attr}"
    method.__doc__ = decl.__doc__
    return method


class Registry:
    """Everything the plugins registered, and who registered it."""

    def __init__(self) -> None:
        self.plugins: dict[str, PluginEntry] = {}
        self.owner: dict[Any, str] = {}  # claim key -> plugin name
        # dispatch tables (rebuilt on every change)
        self.ufuncs: dict[np.ufunc, Ufunc] = {}
        self.functions: dict[Callable, Callable] = {}
        self.passthrough: set = set()
        self.bool_ufuncs: set = set()
        self.const_ufuncs: set = set()

    # ---------------------------------------------------------- validation
    def _is_core_tensor_attr(self, attr: str) -> bool:
        # also attributes the core installs after the class body (e.g.
        # ``__array_ufunc__`` by mygrad._plugins.dispatch): on the class, not a stub,
        # not bound by a plugin
        if attr in _CORE_TENSOR_ATTRS:
            return True
        return attr in vars(Tensor) and attr not in STUBS and ("tensor", attr) not in self.owner

    def _claims(self, decls: Iterable[OpDecl], who: str = "the same plugin") -> dict:
        claims: dict[Any, Any] = {}

        def claim(key: Any, obj: Any, what: str) -> None:
            if key in claims:
                raise PluginConflictError(f"{what} is declared twice by {who}")
            claims[key] = obj

        for d in decls:
            if not isinstance(d, OpDecl):
                raise DeclarationError(f"mygrad_ops returned {d!r}, which is not an op declaration")
            d.validate()
            if isinstance(d, Table):
                for f in d.items:
                    claim(("numpy", f), (d.kind, f), _numpy_name(f))
                    if d.export:
                        claim(("name", "mygrad", f.__name__), f, f"mygrad.{f.__name__}")
                continue
            obj = d.obj if isinstance(d, Export) else d
            for ns in d.namespaces:
                for n in d.public_names:
                    if n.startswith("__"):
                        raise DeclarationError(
                            f"{d.name!r} of {who} would publish {ns}.{n}: names starting with '__' "
                            "belong to the module itself (e.g. __getattr__, __version__), not to plugins"
                        )
                    claim(("name", ns, n), obj, f"{ns}.{n}")
            for f in _as_tuple(d.numpy):
                if not callable(f):
                    raise DeclarationError(f"{d.name!r}: numpy override {f!r} is not callable")
                claim(("numpy", f), ("op", d), _numpy_name(f))
            for attr in (*d.methods, *d.operators):
                if self._is_core_tensor_attr(attr):
                    raise PluginConflictError(
                        f"{d.name!r} of {who} declares Tensor.{attr}, which belongs to the mygrad core"
                    )
                claim(("tensor", attr), d, f"Tensor.{attr}")
        return claims

    @staticmethod
    def _describe(key: Any) -> str:
        if key[0] == "name":
            return f"the name {key[2]!r} in {key[1]}"
        if key[0] == "numpy":
            return f"the NumPy function {_numpy_name(key[1])}"
        return f"the Tensor attribute {key[1]!r}"

    def check(self, name: str, label: str, decls: list) -> dict:
        """Validate ``decls`` against each other and against what is
        registered; return the claims. Raises before anything is changed."""
        if name in self.plugins:
            raise PluginConflictError(f"a plugin named {name!r} is already registered ({self.plugins[name].label})")
        claims = self._claims(decls, f"plugin {name!r} ({label})")
        for key in claims:
            if key[0] == "name":
                clash = _namespace_clash(key[1])
                if clash is not None:
                    raise PluginConflictError(
                        f"plugin {name!r} ({label}) publishes names in the namespace {key[1]!r}, "
                        f"but {clash} is not a module"
                    )
            other = self.owner.get(key)
            if other is not None:
                raise PluginConflictError(
                    f"{self._describe(key)} is claimed by plugin {other!r} "
                    f"({self.plugins[other].label}) and by plugin {name!r} ({label})"
                )
            if key[0] == "name" and name != CORE_PLUGIN:
                mod = sys.modules.get(key[1])
                if mod is not None and key[2] in vars(mod) and not key[2].startswith("__"):
                    if not self._is_bound(key):
                        raise PluginConflictError(
                            f"{self._describe(key)} is claimed by plugin {name!r} ({label}) "
                            "but belongs to the mygrad core"
                        )
        return claims

    def _is_bound(self, key: Any) -> bool:
        return key in self.owner

    # -------------------------------------------------------------- commit
    def add(self, name: str, label: str, decls: Iterable[OpDecl]) -> PluginEntry:
        decls = list(decls)
        claims = self.check(name, label, decls)
        entry = PluginEntry(name, label, decls, claims)
        for d in decls:
            d.plugin = name  # (named in error messages)
        for key in claims:
            if key[0] == "name":
                entry.names.setdefault(key[1], []).append(key[2])
        self.plugins[name] = entry
        for key in claims:
            self.owner[key] = name
        self._rebuild()
        try:
            for key, obj in claims.items():
                self._bind(key, obj)
        except BaseException:
            self.remove(name)  # all or nothing
            raise
        return entry

    def remove(self, name: str) -> PluginEntry:
        entry = self.plugins.pop(name)
        for key in entry.claims:
            del self.owner[key]
            self._unbind(key)
        self._rebuild()
        return entry

    def _rebuild(self) -> None:
        ufuncs: dict = {}
        functions: dict = {}
        passthrough: set = set()
        bools: set = set()
        consts: set = set()
        for entry in self.plugins.values():
            for key, obj in entry.claims.items():
                if key[0] != "numpy":
                    continue
                kind, target = obj
                f = key[1]
                if kind == "passthrough":
                    passthrough.add(f)
                elif kind == "bool":
                    bools.add(f)
                elif kind == "constant":
                    consts.add(f)
                elif isinstance(f, np.ufunc) and isinstance(target, Ufunc):
                    ufuncs[f] = target
                else:
                    functions[f] = target
        self.ufuncs, self.functions = ufuncs, functions
        self.passthrough, self.bool_ufuncs, self.const_ufuncs = passthrough, bools, consts

    # ------------------------------------------------------------ bindings
    def _bind(self, key: Any, obj: Any) -> None:
        if key[0] == "name":
            setattr(namespace_module(key[1]), key[2], obj)
        elif key[0] == "tensor":
            setattr(Tensor, key[1], _tensor_binding(obj, key[1]))

    def _unbind(self, key: Any) -> None:
        if key[0] == "name":
            mod = sys.modules.get(key[1])
            if mod is not None and key[2] in vars(mod):
                delattr(mod, key[2])
        elif key[0] == "tensor":
            attr = key[1]
            if attr in STUBS:
                _install_stub(attr)
            elif attr in Tensor.__dict__:
                delattr(Tensor, attr)

    # --------------------------------------------------------------- query
    def ops_of(self, name: str) -> dict[str, list[str]]:
        """namespace -> public names registered by plugin ``name``."""
        return {ns: sorted(ns_names) for ns, ns_names in self.plugins[name].names.items()}

    def decls_of(self, name: str) -> list:
        return list(self.plugins[name].decls)

    def lookup(self, namespace: str, name: str) -> Any:
        owner = self.owner.get(("name", namespace, name))
        if owner is None:
            return None
        return self.plugins[owner].claims[("name", namespace, name)]


def _namespace_clash(ns: str) -> str | None:
    """The dotted name of an existing non-module object on the path of
    namespace ``ns`` (e.g. ``mygrad.Tensor`` for ``"mygrad.Tensor.x"``), or None."""
    parts = ns.split(".")
    mod = sys.modules.get(parts[0])
    for i, child in enumerate(parts[1:], start=1):
        if mod is None:
            return None
        obj = vars(mod).get(child)
        if obj is None:
            return None
        if not isinstance(obj, types.ModuleType):
            return ".".join(parts[: i + 1])
        mod = obj
    return None


def namespace_module(ns: str) -> types.ModuleType:
    """The module object for namespace ``ns``, importing or creating it."""
    mod = sys.modules.get(ns)
    if mod is not None:
        return mod
    try:
        return importlib.import_module(ns)
    except ImportError:
        parent, _, child = ns.rpartition(".")
        mod = types.ModuleType(ns, f"Names registered by mygrad plugins in {ns}.")
        sys.modules[ns] = mod
        if parent:
            setattr(namespace_module(parent), child, mod)
        return mod


REGISTRY = Registry()
