"""Exact JSON forms of floats, arrays and free-form values."""

from __future__ import annotations

import json

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_crit.readwrite.encoding import (
    canonical_bytes,
    decode_array,
    decode_float,
    decode_value,
    encode_array,
    encode_float,
    encode_value,
)

# derandomized, no deadline: the "linnet" profile of tests/conftest.py
EXAMPLES = settings(max_examples=60)


def through_json(value):
    return json.loads(json.dumps(value, allow_nan=False))


@EXAMPLES
@given(st.floats(width=64))
def test_floats_survive_strict_json_to_the_last_bit(x):
    back = decode_float(through_json(encode_float(x)))
    assert np.float64(back).view(np.uint64) == np.float64(x).view(np.uint64) or (np.isnan(x) and np.isnan(back))


@EXAMPLES
@given(array=hnp.arrays(st.sampled_from([np.float64, np.complex128, np.int64, np.bool_]), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0)))
def test_arrays_survive_strict_json(array, bits_equal):
    back = decode_array(through_json(encode_array(array)))
    assert back.dtype == array.dtype and back.shape == array.shape
    if array.dtype.kind in "fc":
        assert bits_equal(array, back)
    else:
        assert np.array_equal(array, back)


finite = st.floats(allow_nan=False, width=64)
leaves = st.none() | st.booleans() | st.integers() | finite | st.text(max_size=5) | st.complex_numbers(allow_nan=False)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3)
    | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=3),
    max_leaves=12,
)


@EXAMPLES
@given(values)
def test_free_form_values_read_back_as_written(value):
    # Infinities included: they must come back as floats, not as the strings "Infinity".
    assert decode_value(through_json(encode_value(value))) == value


def test_tagged_forms_are_documented_ones():
    assert encode_value({"t": (1,), "z": 1j, "x": float("nan"), "$k": 0, 2: None}) == {
        "$dict": [["t", {"$tuple": [1]}], ["z", {"$complex": [0.0, 1.0]}], ["x", {"$float": "NaN"}], ["$k", 0], [2, None]]
    }
    assert encode_value({"plain": [1, 2.5, "NaN"]}) == {"plain": [1, 2.5, "NaN"]}


def test_numpy_scalars_arrays_and_rationals():
    value = {"n": np.int64(3), "b": np.bool_(True), "f": np.float64(0.1), "a": np.eye(2), "q": sympy.Rational(-3, 7)}
    back = decode_value(through_json(encode_value(value)))
    assert (back["n"], back["b"], back["f"], back["q"]) == (3, True, 0.1, sympy.Rational(-3, 7))
    assert isinstance(back["q"], sympy.Rational)
    assert np.array_equal(back["a"], np.eye(2))


@pytest.mark.parametrize(
    "bad",
    [{"$nope": 1}, {"$float": "nan"}, {"$complex": [1]}, {"$array": {"dtype": "object", "shape": [], "values": [1]}},
     {"$array": {"dtype": "float64", "shape": [3], "values": [1.0]}}, {"$rational": 3}, {"$tuple": 1}],
)
def test_malformed_tags_raise(bad):
    with pytest.raises((ValueError, TypeError, KeyError)):
        decode_value(bad)


def test_unencodable_values_raise_type_error():
    with pytest.raises(TypeError, match="type object"):
        encode_value({"f": object()})
    with pytest.raises(TypeError, match="dtype <U1"):
        encode_array(np.array(["a"]))


def test_canonical_bytes_forget_nan_payload_but_not_zero_sign():
    assert canonical_bytes(np.array([np.nan, 1.0])) == canonical_bytes(np.array([-np.nan, 1.0]))
    assert canonical_bytes(np.array([0.0])) != canonical_bytes(np.array([-0.0]))
    assert len(canonical_bytes(np.zeros(2, complex))) == 32
