"""The math pack passes mygrad.testing's conformance check over every op it registers."""

import pytest

from mygrad.testing import check_plugin


def test_math_pack_conformance():
    report = check_plugin("math")
    assert {"add", "subtract", "multiply", "divide", "power", "exp", "sum", "mean"} <= set(report.checked)
    assert not report.skipped
