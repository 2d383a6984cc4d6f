"""The plugin author guide's examples run (docs/writing-a-plugin.md)."""

import doctest
from pathlib import Path

import numpy as np

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "writing-a-plugin.md"


def test_the_guide_examples_run():
    with np.printoptions(legacy=False):
        result = doctest.testfile(str(GUIDE), module_relative=False,
                                  optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 20
    assert result.failed == 0
