"""The op registry: public names, NumPy overrides and Tensor attributes, each
owned by exactly one plugin.

A plugin's declarations are validated as a whole and then committed
atomically (all or nothing). Committing publishes the names in their
namespace modules, installs Tensor methods/operators, and fills the tables
that ``__array_ufunc__`` / ``__array_function__`` consult.

A plugin that ships a manifest is registered *lazily*: its claims (from the
manifest) are validated and reserved at once, and the plugin is imported on
first use of one of them -- a name looked up in a namespace, a NumPy callable
called on a tensor, a Tensor attribute.

The plugin layer is the one place that extends the ``Tensor`` class from
above: the attributes plugins bind, the stubs of pack-provided attributes
(which raise :class:`~mygrad.errors.MissingProviderError` until a provider is
loaded), and NumPy's protocol hooks (:mod:`mygrad._plugins.dispatch`).
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any, Callable, Iterable

import numpy as np

from mygrad._core.inplace import inplace_operator
from mygrad._core.tensor import Tensor
from mygrad._declarations.base import OpDecl
from mygrad._declarations.kinds import Export, Table
from mygrad._declarations.ufunc import Ufunc
from mygrad._plugins.entries import CORE_PLUGIN, LOADED, Lazy, PluginEntry, as_tuple, numpy_name, resolve_numpy
from mygrad._plugins.providers import PACKS, TENSOR_ATTRS, describe, provider_of
from mygrad.errors import DeclarationError, MissingProviderError, PluginConflictError

__all__ = ["Registry", "REGISTRY", "namespace_getattr", "namespace_dir", "namespace_module"]

# ------------------------------------------------------------ Tensor attributes
def _stub(attr: str):
    def stub(self, *args: Any, **kwargs: Any):
        owner = REGISTRY.owner.get(("tensor", attr))
        if owner is not None and REGISTRY.load(owner):
            return getattr(self, attr)(*args, **kwargs) if attr != "T" else getattr(self, "T")
        raise REGISTRY.missing_error(attr, "tensor")

    stub.__name__ = attr
    stub.__qualname__ = f"Tensor.{attr}"
    dist = TENSOR_ATTRS.get(attr, "a plugin")
    stub.__doc__ = f"Provided by {dist} (not installed or not loaded yet)."
    stub._mygrad_stub = True  # type: ignore[attr-defined]
    return stub


def _install_stub(attr: str) -> None:
    stub = STUBS.get(attr) or _stub(attr)
    setattr(Tensor, attr, property(stub, doc=stub.__doc__) if attr == "T" else stub)


#: Tensor attributes that op packs provide: stubs until a provider is loaded
STUBS = {attr: _stub(attr) for attr in TENSOR_ATTRS}
for _attr in STUBS:
    _install_stub(_attr)

#: attributes of the Tensor class that plugins cannot replace
_CORE_TENSOR_ATTRS = frozenset(k for k in Tensor.__dict__ if k not in STUBS) - {"__doc__", "__module__"}


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


# -------------------------------------------------------------------- registry
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
        self.lazy_numpy: dict[Any, str] = {}  # NumPy callable -> lazy plugin
        #: distribution -> (plugin name, status text, manifest or None): what the
        #: plugin manager found installed (for missing-provider messages)
        self.installed: dict[str, tuple[str, str, dict | None]] = {}
        self._load_lock = threading.RLock()

    # ---------------------------------------------------------- validation
    def _is_core_tensor_attr(self, attr: str) -> bool:
        # also attributes the core installs after the class body (e.g.
        # ``__array_ufunc__``): on the class, not a stub, not bound by a plugin
        if attr in _CORE_TENSOR_ATTRS:
            return True
        return attr in vars(Tensor) and attr not in STUBS and ("tensor", attr) not in self.owner

    def claims_of(self, decls: Iterable[OpDecl], who: str = "the same plugin") -> dict:
        """The claims of ``decls`` (key -> object), validated among themselves."""
        claims: dict[Any, Any] = {}

        def claim(key: Any, obj: Any, what: str) -> None:
            if key in claims:
                raise PluginConflictError(f"{who} declares {what} twice.")
            claims[key] = obj

        for d in decls:
            if not isinstance(d, OpDecl):
                raise DeclarationError(
                    f"mygrad_ops of {who} returned {d!r}, which is not an op declaration "
                    "(make declarations with mygrad.plugin's helpers)"
                )
            d.validate()
            if isinstance(d, Table):
                for f in d.items:
                    claim(("numpy", f), (d.kind, f), numpy_name(f))
                    if d.export:
                        claim(("name", "mygrad", f.__name__), f, f"mygrad.{f.__name__}")
                continue
            obj = d.obj if isinstance(d, Export) else d
            for ns in d.namespaces:
                for n in d.public_names:
                    self._check_public(n, ns, d.name, who)
                    claim(("name", ns, n), obj, f"{ns}.{n}")
            for f in as_tuple(d.numpy):
                if not callable(f):
                    raise DeclarationError(f"{d.name!r}: numpy override {f!r} is not callable")
                claim(("numpy", f), ("op", d), numpy_name(f))
            for attr in (*d.methods, *d.operators):
                claim(("tensor", attr), d, f"Tensor.{attr}")
        return claims

    @staticmethod
    def _check_public(n: str, ns: str, decl_name: str, who: str) -> None:
        if n.startswith("__"):
            raise DeclarationError(
                f"{decl_name!r} of {who} would publish {ns}.{n}: names starting with '__' "
                "belong to the module itself (e.g. __getattr__, __version__), not to plugins"
            )

    def manifest_claims(self, name: str, manifest: dict, who: str) -> dict:
        """The claims a manifest reserves (objects: :class:`Lazy`)."""
        lazy = Lazy(name)
        claims: dict[Any, Any] = {}
        try:
            for ns, names in dict(manifest.get("names", {})).items():
                for n in names:
                    self._check_public(n, ns, n, who)
                    claims[("name", str(ns), str(n))] = lazy
            for dotted in manifest.get("numpy", ()):
                f = resolve_numpy(str(dotted))
                if f is not None:  # (a NumPy function this NumPy version lacks)
                    claims[("numpy", f)] = lazy
            for attr in manifest.get("tensor", ()):
                claims[("tensor", str(attr))] = lazy
        except (TypeError, AttributeError, ValueError) as e:
            raise DeclarationError(f"the manifest of {who} is malformed: {e}") from None
        return claims

    @staticmethod
    def _describe(key: Any) -> str:
        if key[0] == "name":
            return f"the name {key[2]!r} in {key[1]}"
        if key[0] == "numpy":
            return f"the NumPy function {numpy_name(key[1])}"
        return f"the Tensor attribute {key[1]!r}"

    def check(self, name: str, label: str, claims: dict) -> None:
        """Validate ``claims`` against what is registered. Raises before
        anything is changed."""
        current = self.plugins.get(name)
        if current is not None and not current.lazy:
            raise PluginConflictError(f"A plugin named {name!r} is already registered ({current.label}).")
        for key in claims:
            if key[0] == "tensor" and self._is_core_tensor_attr(key[1]):
                raise PluginConflictError(
                    f"Plugin {name!r} ({label}) declares Tensor.{key[1]}, which belongs to the mygrad core."
                )
            if key[0] == "name":
                clash = _namespace_clash(key[1], name)
                if clash is not None:
                    raise PluginConflictError(
                        f"Plugin {name!r} ({label}) publishes names in the namespace {key[1]!r}, "
                        f"but {clash} is not a module."
                    )
            other = self.owner.get(key)
            if other is not None and other != name:
                raise PluginConflictError(
                    f"Plugin {other!r} ({self.plugins[other].label}) and plugin {name!r} ({label}) "
                    f"both claim {self._describe(key)}: uninstall or disable one of them."
                )
            if key[0] == "name" and name != CORE_PLUGIN and key not in self.owner:
                mod = sys.modules.get(key[1])
                if mod is not None and key[2] in vars(mod):
                    raise PluginConflictError(
                        f"Plugin {name!r} ({label}) claims {self._describe(key)}, "
                        "which belongs to the mygrad core."
                    )

    # -------------------------------------------------------------- commit
    def add(self, name: str, label: str, decls: Iterable[OpDecl]) -> PluginEntry:
        """Register the declarations of plugin ``name`` (replacing its lazy
        entry, if it had one)."""
        decls = list(decls)
        claims = self.claims_of(decls, f"plugin {name!r} ({label})")
        self.check(name, label, claims)
        if name in self.plugins:  # its lazy entry: the declarations take over
            self.remove(name)
        entry = PluginEntry(name, label, decls, claims)
        for d in decls:
            d.plugin = name  # (named in error messages)
        self._commit(entry)
        return entry

    def add_lazy(self, name: str, label: str, manifest: dict, loader: Callable[[], bool]) -> PluginEntry:
        """Reserve what a plugin's manifest says it provides; ``loader()``
        imports and registers the plugin (returns whether that worked)."""
        claims = self.manifest_claims(name, manifest, f"plugin {name!r} ({label})")
        self.check(name, label, claims)
        entry = PluginEntry(name, label, None, claims, loader=loader)
        self._commit(entry)
        return entry

    def _commit(self, entry: PluginEntry) -> None:
        for key in entry.claims:
            if key[0] == "name":
                entry.names.setdefault(key[1], []).append(key[2])
        self.plugins[entry.name] = entry
        for key in entry.claims:
            self.owner[key] = entry.name
        self._rebuild()
        try:
            for key, obj in entry.claims.items():
                self._bind(key, obj)
        except BaseException:
            self.remove(entry.name)  # all or nothing
            raise

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
        lazy: dict = {}
        for entry in self.plugins.values():
            for key, obj in entry.claims.items():
                if key[0] != "numpy":
                    continue
                f = key[1]
                if type(obj) is Lazy:
                    lazy[f] = obj.plugin
                    continue
                kind, target = obj
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
        self.ufuncs, self.functions, self.lazy_numpy = ufuncs, functions, lazy
        self.passthrough, self.bool_ufuncs, self.const_ufuncs = passthrough, bools, consts

    # ------------------------------------------------------------ bindings
    def _bind(self, key: Any, obj: Any) -> None:
        if key[0] == "name":
            mod = namespace_module(key[1])
            if type(obj) is not Lazy:
                setattr(mod, key[2], obj)
            _publish(mod, key[2])
        elif key[0] == "tensor":
            if type(obj) is Lazy:
                _install_stub(key[1])
            else:
                setattr(Tensor, key[1], _tensor_binding(obj, key[1]))

    def _unbind(self, key: Any) -> None:
        if key[0] == "name":
            mod = sys.modules.get(key[1])
            if mod is not None:
                if key[2] in vars(mod):
                    delattr(mod, key[2])
                _unpublish(mod, key[2])
        elif key[0] == "tensor":
            attr = key[1]
            if attr in STUBS:
                _install_stub(attr)
            elif attr in Tensor.__dict__:
                delattr(Tensor, attr)

    # ------------------------------------------------------------- loading
    def load(self, name: str) -> bool:
        """Import and register lazy plugin ``name`` (idempotent); whether it
        is loaded afterwards."""
        with self._load_lock:
            entry = self.plugins.get(name)
            if entry is None:
                return False
            if not entry.lazy:
                return True
            return bool(entry.loader()) and name in self.plugins and not self.plugins[name].lazy

    def load_all(self) -> None:
        for name in [n for n, e in self.plugins.items() if e.lazy]:
            self.load(name)

    def load_numpy(self, func: Any) -> bool:
        """Load the lazy plugin that overrides NumPy's ``func``, if any."""
        owner = self.lazy_numpy.get(func)
        return owner is not None and self.load(owner)

    # --------------------------------------------------------------- query
    def ops_of(self, name: str) -> dict[str, list[str]]:
        """namespace -> public names registered by plugin ``name``."""
        return {ns: sorted(ns_names) for ns, ns_names in self.plugins[name].names.items()}

    def decls_of(self, name: str) -> list:
        self.load(name)
        return list(self.plugins[name].decls or ())

    def lookup(self, namespace: str, name: str) -> Any:
        owner = self.owner.get(("name", namespace, name))
        if owner is None:
            return None
        self.load(owner)
        entry = self.plugins.get(owner)
        return None if entry is None else entry.claims.get(("name", namespace, name))

    def manifest_of(self, name: str) -> dict:
        """What plugin ``name`` provides, as its manifest (see
        mygrad._plugins.discovery; written by ``python -m mygrad manifest``)."""
        self.load(name)
        entry = self.plugins[name]
        names: dict = {}
        numpy_names: list = []
        tensor: list = []
        for key in entry.claims:
            if key[0] == "name":
                names.setdefault(key[1], []).append(key[2])
            elif key[0] == "numpy":
                numpy_names.append(numpy_name(key[1]))
            else:
                tensor.append(key[1])
        return {
            "manifest": 1,
            "plugin": name,
            "names": {ns: sorted(ns_names) for ns, ns_names in sorted(names.items())},
            "numpy": sorted(numpy_names),
            "tensor": sorted(tensor),
        }

    # ------------------------------------------------ missing-provider errors
    def _provides(self, manifest: dict | None, name: str, kind: str) -> bool:
        if not manifest:
            return False
        if kind == "tensor":
            return name in manifest.get("tensor", ())
        if kind in ("ufunc", "function"):
            dotted = name if kind == "function" else f"numpy.{name}"
            return dotted in manifest.get("numpy", ())
        return name in manifest.get("names", {}).get(kind, ())

    def missing_error(self, name: str, kind: str = "mygrad") -> MissingProviderError:
        """The error for using ``name`` while no loaded plugin provides it.

        ``kind``: a namespace (``"mygrad"``, ``"mygrad.nnet"``), ``"ufunc"``
        (a NumPy ufunc name), ``"function"`` (``"numpy.sum"``) or
        ``"tensor"`` (a Tensor attribute). The message comes from what the
        installed plugins declare they provide (their manifests), and from
        mygrad's table of its own packs for packs that are not installed.
        """
        what = describe(kind, name)
        for dist, (plugin, status, manifest) in self.installed.items():
            if self._provides(manifest, name, kind):
                if status == LOADED:
                    return MissingProviderError(
                        f"{what} is provided by {dist}, which is loaded but did not register it "
                        "(see `python -m mygrad plugins`)"
                    )
                return MissingProviderError(f"{what} is provided by {dist} (plugin {plugin!r}), which is {status}")
        dist = provider_of(name, kind)
        if dist is not None and dist not in self.installed:
            extra = PACKS.get(dist)
            hint = f'pip install "mygrad[{extra}]"' if extra else f"pip install {dist}"
            return MissingProviderError(f"{what} is provided by {dist}, which is not installed: {hint}")
        if dist is not None:
            plugin, status, _ = self.installed[dist]
            if status != LOADED:
                return MissingProviderError(f"{what} is provided by {dist} (plugin {plugin!r}), which is {status}")
        loaded = sorted(n for n in self.plugins)
        return MissingProviderError(
            f"{what} is not provided by any loaded mygrad plugin (loaded: {', '.join(loaded)}); "
            "`python -m mygrad plugins` lists what is installed"
        )

    def knows_missing(self, name: str, kind: str) -> bool:
        """Whether ``name`` is something a known pack or an installed plugin
        provides (so using it deserves a mygrad error, not NumPy's)."""
        if provider_of(name, kind) is not None:
            return True
        return any(self._provides(m, name, kind) for _, _, m in self.installed.values())


# ------------------------------------------------------------------ namespaces
# ``__all__`` is replaced, never changed in place: ``from ns import *`` iterates
# over the list it found while its first name may load a lazy plugin (which
# unpublishes and republishes that plugin's names)
def _publish(mod: types.ModuleType, name: str) -> None:
    names = vars(mod).get("__all__")
    if isinstance(names, list) and name not in names:
        mod.__all__ = [*names, name]
    elif names is None:
        mod.__all__ = [name]


def _unpublish(mod: types.ModuleType, name: str) -> None:
    names = vars(mod).get("__all__")
    if isinstance(names, list) and name in names:
        mod.__all__ = [n for n in names if n != name]


def _namespace_clash(ns: str, plugin: str) -> str | None:
    """The dotted name of an existing non-module object on the path of
    namespace ``ns`` (e.g. ``mygrad.Tensor`` for ``"mygrad.Tensor.x"``), or
    None. A name that ``plugin`` itself publishes may also be a namespace
    (MyGrad 2.x has the function ``mygrad.nnet.layers.batchnorm`` and the
    module ``mygrad.nnet.layers.batchnorm``)."""
    parts = ns.split(".")
    for i in range(1, len(parts)):
        prefix = ".".join(parts[: i + 1])
        if prefix in sys.modules:
            continue  # a module (the attribute of the same name may be a function: 2.x's paths)
        parent = sys.modules.get(".".join(parts[:i]))
        if parent is None:
            return None
        obj = vars(parent).get(parts[i])
        if obj is not None and not isinstance(obj, types.ModuleType):
            if REGISTRY.owner.get(("name", ".".join(parts[:i]), parts[i])) != plugin:
                return prefix
    return None


def namespace_module(ns: str) -> types.ModuleType:
    """The module object for namespace ``ns``, importing or creating it. A
    module created here looks names up lazily (see :func:`namespace_getattr`)
    and lists what it publishes in ``__all__``."""
    mod = sys.modules.get(ns)
    if mod is not None:
        return mod
    try:
        return importlib.import_module(ns)
    except ImportError:
        parent, _, child = ns.rpartition(".")
        mod = types.ModuleType(ns, f"Names registered by mygrad plugins in {ns}.")
        mod.__all__ = []
        mod.__getattr__ = namespace_getattr(ns)  # type: ignore[attr-defined]
        sys.modules[ns] = mod
        if parent:
            pmod = namespace_module(parent)
            # a name of the same spelling published in the parent wins, also
            # one that a lazy plugin has not bound yet (2.x's function
            # ``mygrad.nnet.layers.gru`` next to the module of that name)
            if child not in vars(pmod) and ("name", parent, child) not in REGISTRY.owner:
                setattr(pmod, child, mod)
        return mod


def namespace_getattr(ns: str) -> Callable[[str], object]:
    """A module ``__getattr__`` for namespace ``ns``: a name of a plugin that
    is not imported yet is imported; a name that a known pack provides raises
    :class:`MissingProviderError`; anything else ``AttributeError``."""

    def __getattr__(name: str) -> object:
        if not name.startswith("__"):
            owner = REGISTRY.owner.get(("name", ns, name))
            if owner is not None and REGISTRY.load(owner):
                mod = sys.modules[ns]
                if name in vars(mod):
                    return vars(mod)[name]
            if owner is not None or REGISTRY.knows_missing(name, ns):
                raise REGISTRY.missing_error(name, ns)
        raise AttributeError(f"module {ns!r} has no attribute {name!r}")

    return __getattr__


def namespace_dir(ns: str) -> Callable[[], list]:
    """A module ``__dir__`` for namespace ``ns``: its public attributes and
    every name a registered plugin provides there (also the names of plugins
    not imported yet), so ``dir()`` and tab completion show them."""

    def __dir__() -> list:
        mod = sys.modules[ns]
        names = {n for n in vars(mod) if not n.startswith("_")}
        names.update(key[2] for key in REGISTRY.owner if key[0] == "name" and key[1] == ns)
        return sorted(names)

    return __dir__


REGISTRY = Registry()
