"""Suite-wide checks: mygrad comes from this repository, and no test leaves mode
state changed or arrays locked by the memory guard."""

import gc
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import mygrad
from mygrad._core import memory_guard as _memory_guard
from mygrad._core import modes as _modes

REPO = Path(__file__).resolve().parents[1]

settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("MYGRAD_HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config):
    here = Path(mygrad.__file__).resolve()
    if REPO not in here.parents:
        raise pytest.UsageError(
            f"mygrad was imported from {here}, not from this repository ({REPO}): "
            "the tests must run against the project's own code"
        )


def _mode_state():
    g = _modes.GLOBAL_MODE
    return (_modes.MODE.get() is g, g.track, g.guard, g.guard_explicit)


@pytest.fixture(autouse=True)
def _no_leaked_state():
    before = _mode_state()
    yield
    after = _mode_state()
    if after != before:
        _modes.MODE.set(_modes.GLOBAL_MODE)
        _modes.GLOBAL_MODE.track, _modes.GLOBAL_MODE.guard = before[1], before[2]
        pytest.fail(f"the test left mygrad's mode state changed: {before} -> {after}")
    if _memory_guard.locked_count():
        gc.collect()
        n = _memory_guard.locked_count()
        if n:
            _memory_guard._REG.clear()
            pytest.fail(f"the test left {n} array(s) locked by the memory guard")
