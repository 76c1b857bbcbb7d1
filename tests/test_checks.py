"""The one whole-number check: what it accepts, what it refuses and how the refusal reads."""

from __future__ import annotations

import re

import numpy as np
import pytest

from linnet_crit.checks import is_whole, whole_number
from linnet_crit.errors import ArchitectureError, DataError, SolverError


@pytest.mark.parametrize("value", [0, 7, np.int64(7), np.uint32(7), np.int8(-3)])
def test_python_and_numpy_integers_are_whole(value):
    assert is_whole(value)


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 2.0, np.float64(2.0), "3", None, 1 + 0j, [1]])
def test_bools_floats_strings_and_the_rest_are_not_whole(value):
    assert not is_whole(value)


def test_accepted_values_come_back_as_python_ints():
    out = whole_number(np.int64(5), "draws", minimum=1, maximum=5)
    assert out == 5 and type(out) is int


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (True, {"minimum": 1}, "draws = True: give a whole number ≥ 1"),
        (2.0, {}, "draws = 2.0: give a whole number ≥ 0"),
        ("3", {"minimum": None}, "draws = '3': give a whole number"),
        (-1, {"minimum": 0}, "draws = -1: give a whole number ≥ 0"),
        (6, {"minimum": 1, "maximum": 5}, "draws = 6: give a whole number from 1 to 5"),
        (6, {"minimum": None, "maximum": 5}, "draws = 6: give a whole number ≤ 5"),
        (0, {"minimum": 1, "fix": "ask for at least one draw"}, "draws = 0: ask for at least one draw"),
    ],
)
def test_refusals_name_the_value_and_the_fix(value, kwargs, message):
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        whole_number(value, "draws", **kwargs)


@pytest.mark.parametrize("error", [ArchitectureError, SolverError])
def test_the_caller_chooses_the_error_class(error):
    with pytest.raises(error, match="depth = 0"):
        whole_number(0, "depth", minimum=1, error=error)


def test_no_minimum_accepts_negative_numbers():
    assert whole_number(-4, "offset", minimum=None) == -4
