"""The two shape mistakes of a reduction's gradient rule, caught every time.

* A rule that forgets to re-insert the reduced axis before broadcasting has
  a valid shape (``[[1, 10], [1, 10]]`` instead of ``[[1, 1], [10, 10]]``):
  ``check_plugin`` must catch it in every seeded run, with the falsifying
  example and the replay seed in its message.
* A rule that returns an extra leading axis cannot be reduced to its input's
  shape without summing that axis: an ``InvalidGradient`` naming the op, the
  plugin and the input, never a silently inflated gradient.
"""

import numpy as np
import pytest

import mygrad as mg
import mygrad.plugin as mp
from mygrad.errors import InvalidGradient
from mygrad.plugins import registered
from mygrad.testing import ConformanceError, check_plugin

from _pluginkit import make_plugin


def _row_sum(x, axis=-1):
    return np.sum(x, axis=axis)


def _rule_without_expand_dims(g, out, x, axis=-1):
    return np.broadcast_to(g, np.shape(x))  # broadcasts along the wrong axis


def _rule_right(g, out, x, axis=-1):
    return mp.unreduce(g, np.shape(x), axis, False)


def _rule_extra_axis(g, out, x, axis=-1):
    return np.stack([mp.unreduce(g, np.shape(x), axis, False)] * 3)


def _decl(rule, name):
    return mp.function_op(None, grads=[rule], name=name, reference=_row_sum,
                          conformance={"shapes": [((2, 2),), ((3, 2),), ((2, 3, 2),)],
                                       "kwargs": [{"axis": 0}, {"axis": -1}]})(_row_sum)


def test_the_right_rule_passes():
    with registered(make_plugin(_decl(_rule_right, "rowsum_right")), "rowsum-right"):
        report = check_plugin("rowsum-right", seed=0)
    assert "rowsum_right" in report.checked


def test_the_wrong_axis_is_shown_by_a_plain_example():
    bad = _decl(_rule_without_expand_dims, "rowsum_wrong_axis")
    with registered(make_plugin(bad), "rowsum-wrong-axis"):
        x = mg.tensor([[1.0, 1.0], [10.0, 10.0]])
        bad(x, axis=1).backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [[1.0, 10.0], [1.0, 10.0]])  # (not [[1, 1], [10, 10]])


@pytest.mark.parametrize("seed", range(20))
def test_a_rule_broadcasting_along_the_wrong_axis_is_caught_in_every_seeded_run(seed):
    with registered(make_plugin(_decl(_rule_without_expand_dims, "rowsum_wrong_axis")), "rowsum-wrong-axis"):
        with pytest.raises(ConformanceError) as info:
            check_plugin("rowsum-wrong-axis", seed=seed)
    message = str(info.value)
    assert "rowsum_wrong_axis" in message
    assert "gradient of input 0" in message
    assert "falsifying example" in message and "axis" in message
    assert "replay" in message


def test_an_extra_leading_axis_is_an_invalid_gradient_naming_op_plugin_and_input():
    bad = _decl(_rule_extra_axis, "rowsum_extra_axis")
    with registered(make_plugin(bad), "rowsum-extra-axis"):
        x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
        y = bad(x, axis=1)
        with pytest.raises(InvalidGradient) as info:
            y.backward()
    message = str(info.value)
    assert "rowsum_extra_axis" in message and "rowsum-extra-axis" in message
    assert "input 0" in message
    assert x.grad is None


@pytest.mark.parametrize("seed", range(20))
def test_an_extra_leading_axis_is_caught_by_check_plugin_in_every_seeded_run(seed):
    with registered(make_plugin(_decl(_rule_extra_axis, "rowsum_extra_axis")), "rowsum-extra-axis"):
        with pytest.raises(ConformanceError) as info:
            check_plugin("rowsum-extra-axis", seed=seed)
    assert "rowsum_extra_axis" in str(info.value) and "InvalidGradient" in str(info.value)
