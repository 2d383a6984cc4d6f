"""Exceptions raised by mygrad.

Every mygrad-specific error derives from :class:`MyGradException`. Where a
NumPy user would expect a built-in exception type, the mygrad error also
derives from it (e.g. :class:`MissingProviderError` is a ``TypeError`` and an
``AttributeError``), so ``except TypeError`` keeps working.
"""

__all__ = [
    "MyGradException",
    "InvalidGradient",
    "InvalidBackprop",
    "DisconnectedView",
    "MissingProviderError",
    "PluginError",
    "PluginConflictError",
    "DeclarationError",
    "SkipGradient",
    "PluginWarning",
]


class MyGradException(Exception):
    """Base class of all mygrad-specific exceptions."""


class InvalidGradient(MyGradException):
    """An operation's backward pass produced something that is not a gradient.

    Raised when ``backward_var`` (or a gradient rule) returns an object that is
    not an ndarray, a NumPy number or a Python real number, or a gradient whose
    shape cannot be reduced to the shape of its input.
    """


class InvalidBackprop(MyGradException):
    """Backpropagation reached a part of a graph that was already cleared.

    This happens, e.g., when two outputs share upstream tensors and
    ``backward()`` was already called on one of them: the shared part of the
    graph was cleared by the first call.
    """


class DisconnectedView(MyGradException):
    """A view tensor lost the link to its base; please report this as a bug."""


class MissingProviderError(MyGradException, TypeError, AttributeError):
    """The operation exists in mygrad, but the distribution that provides it is
    not installed (or was disabled).

    The message names the distribution to install, e.g.
    ``pip install "mygrad[math]"``.
    """


class PluginError(MyGradException):
    """A plugin failed to load or to register its operations."""


class PluginConflictError(PluginError, ValueError):
    """Two plugins claim the same public name or the same NumPy function."""


class DeclarationError(PluginError, TypeError):
    """An op declaration is malformed (e.g. a gradient rule is missing)."""


class SkipGradient(Exception):
    """Raised by ``Operation.backward_var`` to skip one input's gradient
    (because the op delivers it another way, e.g. once for a repeated operand)."""


class PluginWarning(UserWarning):
    """An installed plugin could not be loaded; the rest of mygrad works."""
