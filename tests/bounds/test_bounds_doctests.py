"""The Examples in the bounds' docstrings run and show what they claim (some call gfan)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["linnet_crit.bounds.classical", "linnet_crit.bounds.bkk", "linnet_crit.bounds.published", "linnet_crit.bounds.summary",
           "linnet_crit.bounds.formulas"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, gfan):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
