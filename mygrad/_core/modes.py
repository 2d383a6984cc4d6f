"""Mode state: graph tracking (``no_autodiff``) and the memory guard.

The state is held in a :class:`contextvars.ContextVar`, so it is per thread and
per asyncio task: ``with mg.no_autodiff:`` in one thread never switches graph
tracking off in another. ``turn_memory_guarding_off()`` / ``_on()`` change the
process-wide default that every context without an explicit override sees.

Each context manager pushes a new :class:`_Mode` that links to the one it
replaced; leaving the block restores that one, so nesting (and re-entering the
same manager) works and exceptions restore the previous state.
"""

from __future__ import annotations

import functools
import os
import warnings
from contextvars import ContextVar
from typing import Any, Callable

__all__ = [
    "no_autodiff",
    "mem_guard_off",
    "mem_guard_on",
    "mem_guard_active",
    "turn_memory_guarding_off",
    "turn_memory_guarding_on",
    "tracking_active",
]


class _Mode:
    """One frame of mode state. ``guard_explicit`` marks frames that set the
    guard themselves (``mem_guard_on/off``), which the global switches must not
    override."""

    __slots__ = ("track", "guard", "guard_explicit", "prev")

    def __init__(self, track: bool, guard: bool, guard_explicit: bool, prev: "_Mode | None"):
        self.track = track
        self.guard = guard
        self.guard_explicit = guard_explicit
        self.prev = prev


def _guard_default_from_env() -> bool:
    raw = os.environ.get("MYGRAD_MEM_GUARD")
    if raw is None:
        return True
    if raw.strip() in ("True", "true", "1"):
        return True
    if raw.strip() in ("False", "false", "0"):
        return False
    warnings.warn(
        f"MYGRAD_MEM_GUARD={raw!r} is not one of True/true/1/False/false/0; "
        "the memory guard stays on",
        stacklevel=2,
    )
    return True


#: the process-wide default frame (graph tracking on; guard from the environment)
GLOBAL_MODE = _Mode(True, _guard_default_from_env(), False, None)
MODE: ContextVar[_Mode] = ContextVar("mygrad_mode", default=GLOBAL_MODE)


def tracking_active() -> bool:
    """Whether operations on tensors are currently recorded for backprop."""
    return MODE.get().track


def mem_guard_active() -> bool:
    """Whether the memory guard is active in the current context.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.mem_guard_active()
    True
    >>> with mg.mem_guard_off:
    ...     mg.mem_guard_active()
    False
    """
    return MODE.get().guard


def _set_global_guard(value: bool) -> None:
    GLOBAL_MODE.guard = value
    m = MODE.get()
    while m is not None and m is not GLOBAL_MODE:
        if m.guard_explicit:
            break
        m.guard = value
        m = m.prev


def turn_memory_guarding_off() -> None:
    """Turn the memory guard off process-wide (until ``turn_memory_guarding_on``).

    Blocks that explicitly enable it (``with mg.mem_guard_on:``) keep it on.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.turn_memory_guarding_off()
    >>> mg.mem_guard_active()
    False
    >>> mg.turn_memory_guarding_on()
    >>> mg.mem_guard_active()
    True
    """
    _set_global_guard(False)


def turn_memory_guarding_on() -> None:
    """Turn the memory guard on process-wide (the default).

    Blocks that explicitly disable it (``with mg.mem_guard_off:``) keep it off.
    """
    _set_global_guard(True)


class _ModeSwitch:
    """A reusable, re-entrant context manager that doubles as a decorator."""

    __slots__ = ("_track", "_guard", "_name", "__dict__")

    def __init__(self, name: str, doc: str, *, track: bool | None = None, guard: bool | None = None):
        self._name = name
        self._track = track
        self._guard = guard
        self.__doc__ = doc

    def __repr__(self) -> str:
        return f"mygrad.{self._name}"

    def __enter__(self) -> "_ModeSwitch":
        cur = MODE.get()
        track = cur.track if self._track is None else self._track
        if self._guard is None:
            MODE.set(_Mode(track, cur.guard, cur.guard_explicit, cur))
        else:
            MODE.set(_Mode(track, self._guard, True, cur))
        return self

    def __exit__(self, *exc: Any) -> bool:
        cur = MODE.get()
        MODE.set(cur.prev if cur.prev is not None else GLOBAL_MODE)
        return False

    def __call__(self, func: Callable | None = None, *, to_numpy: bool = False):
        """Decorate ``func`` so that it runs inside this mode.

        Called without a function it returns itself, so ``with mg.no_autodiff():``
        works like ``with mg.no_autodiff:``. With ``to_numpy=True`` the wrapped
        function's result is converted with :func:`numpy.asarray`.
        """
        if func is None:
            return self
        if not callable(func):
            raise TypeError(f"{self!r} decorates a callable; got {type(func).__name__}")

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any):
            with self:
                out = func(*args, **kwargs)
            if to_numpy:
                import numpy as np

                return np.asarray(out)
            return out

        return wrapper


no_autodiff = _ModeSwitch(
    "no_autodiff",
    """Suspend graph tracking: a context manager and a decorator.

    Inside, operations return tensors that have no creator, place no memory
    locks, and ``backward()`` does nothing. The setting is local to the current
    thread (and asyncio task).

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2.])
    >>> with mg.no_autodiff:
    ...     y = x * 2
    >>> y.creator is None
    True

    As a decorator, optionally converting the result to an ndarray:

    >>> import numpy as np
    >>> f = mg.no_autodiff(lambda t: t * 2, to_numpy=True)
    >>> type(f(x)) is np.ndarray
    True
    """,
    track=False,
)

mem_guard_off = _ModeSwitch(
    "mem_guard_off",
    """Suspend the memory guard: a context manager and a decorator.

    Arrays used by graphs built inside the block are not made read-only.

    Examples
    --------
    >>> import mygrad as mg
    >>> x = mg.tensor([1., 2.])
    >>> with mg.mem_guard_off:
    ...     y = x * x
    >>> x.data.flags.writeable
    True
    """,
    guard=False,
)

mem_guard_on = _ModeSwitch(
    "mem_guard_on",
    """Enable the memory guard inside a block, even if it was turned off globally.

    Examples
    --------
    >>> import mygrad as mg
    >>> mg.turn_memory_guarding_off()
    >>> with mg.mem_guard_on:
    ...     mg.mem_guard_active()
    True
    >>> mg.turn_memory_guarding_on()
    """,
    guard=True,
)
