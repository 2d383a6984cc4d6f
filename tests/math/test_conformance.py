"""The math pack passes mygrad.testing's conformance check over every op it registers."""

import pytest

from mygrad.testing import check_plugin


@pytest.mark.xfail(strict=True, reason="multi-result ops (split family) are skipped until the harness checks them")
def test_math_pack_conformance():
    report = check_plugin("math")
    assert {"add", "subtract", "multiply", "divide", "power", "exp", "sum", "mean"} <= set(report.checked)
    assert not report.skipped
