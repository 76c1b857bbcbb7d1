"""Exact JSON forms of floats, complex arrays and free-form values (options, stage info, records).

JSON numbers are written with Python's ``repr`` of a float, the shortest string that reads back
to the same double, so every finite float survives a round trip to the last bit (``-0.0``
included). JSON has no NaN or infinity; they are written as the strings ``"NaN"``,
``"Infinity"`` and ``"-Infinity"`` so that strict JSON readers accept the files.

Free-form values (solver options, stage info, streamed records) keep plain JSON types as they are
and tag the rest so they read back as what was written::

    tuple            {"$tuple": [...]}
    NaN, ±infinity   {"$float": "NaN"}, {"$float": "Infinity"}, {"$float": "-Infinity"}
    complex          {"$complex": [re, im]}
    numpy array      {"$array": {"dtype": "float64", "shape": [...], "values": [...]}}
    sympy Rational   {"$rational": "p/q"}
    dict with a key starting with "$" or not a string   {"$dict": [[key, value], ...]}
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "encode_float",
    "decode_float",
    "encode_floats",
    "encode_array",
    "decode_array",
    "encode_value",
    "decode_value",
    "canonical_bytes",
]

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}

#: dtypes an array may have in a file; anything else is refused on reading.
_DTYPES = {"bool": np.bool_, "int64": np.int64, "float64": np.float64, "complex128": np.complex128}


def encode_float(x: float) -> float | str:
    """A float as a JSON value: itself when finite, else ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.

    Examples
    --------
    >>> encode_float(0.1), encode_float(float("-inf"))
    (0.1, '-Infinity')
    """
    x = float(x)
    if math.isfinite(x):
        return x
    if math.isnan(x):
        return "NaN"
    return "Infinity" if x > 0 else "-Infinity"


def decode_float(value: Any) -> float:
    """Inverse of :func:`encode_float`; raises ``ValueError`` on anything else.

    Examples
    --------
    >>> decode_float("NaN") != decode_float("NaN"), decode_float(2)
    (True, 2.0)
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    raise ValueError(f"expected a number, got {value!r}")


def encode_array(array: np.ndarray) -> dict[str, Any]:
    """A numeric array as ``{"dtype", "shape", "values"}``; complex entries as ``[re, im]`` pairs.

    Examples
    --------
    >>> encode_array(np.array([1 + 2j, -0.0]))
    {'dtype': 'complex128', 'shape': [2], 'values': [[1.0, 2.0], [-0.0, 0.0]]}
    """
    array = np.asarray(array)
    kind = {"b": "bool", "i": "int64", "u": "int64", "f": "float64", "c": "complex128"}.get(array.dtype.kind)
    if kind is None:
        raise TypeError(f"arrays of dtype {array.dtype} have no JSON form here")
    flat = array.astype(_DTYPES[kind]).ravel()
    if kind == "complex128":
        values: list = encode_floats(flat.view(np.float64).reshape(-1, 2))
    elif kind == "float64":
        values = encode_floats(flat)
    else:
        values = flat.tolist()
    return {"dtype": kind, "shape": list(array.shape), "values": values}


def encode_floats(array: np.ndarray) -> list:
    """A float array as nested lists of exact floats, non-finite entries as strings.

    Examples
    --------
    >>> encode_floats(np.array([[0.1, np.nan]]))
    [[0.1, 'NaN']]
    """
    # tolist() yields Python floats, whose repr is exact; only non-finite entries need a string.
    if np.isfinite(array).all():
        return array.tolist()
    if array.ndim == 1:
        return [encode_float(x) for x in array.tolist()]
    return [encode_floats(row) for row in array]


def decode_array(value: Any) -> np.ndarray:
    """Inverse of :func:`encode_array`; raises ``ValueError``/``TypeError``/``KeyError`` if malformed.

    Examples
    --------
    >>> decode_array({"dtype": "float64", "shape": [1, 2], "values": [1.5, "Infinity"]})
    array([[1.5, inf]])
    """
    dtype = value["dtype"]
    if dtype not in _DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}")
    shape = tuple(int(s) for s in value["shape"])
    values = value["values"]
    if not isinstance(values, list):
        raise TypeError("array values must be a list")
    if dtype == "complex128":
        pairs = [(decode_float(re), decode_float(im)) for re, im in values]
        flat = np.array(pairs, dtype=np.float64).reshape(-1, 2).view(np.complex128).ravel()
    elif dtype == "float64":
        flat = np.array([decode_float(x) for x in values], dtype=np.float64)
    else:
        if any(isinstance(x, bool) != (dtype == "bool") or not isinstance(x, int) for x in values):
            raise ValueError(f"{dtype} array has entries of the wrong type")
        flat = np.array(values, dtype=_DTYPES[dtype])
    if flat.size != math.prod(shape):
        raise ValueError(f"array of shape {list(shape)} has {flat.size} values")
    return flat.reshape(shape)


def encode_value(value: Any) -> Any:
    """A free-form value as JSON, tagging what JSON cannot say (see the module docstring).

    Examples
    --------
    >>> encode_value({"steps": (1, 2), "gamma": 0.5 + 1j})
    {'steps': {'$tuple': [1, 2]}, 'gamma': {'$complex': [0.5, 1.0]}}
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        # a bare "NaN" would read back as the string; tag non-finite floats here
        return float(value) if math.isfinite(value) else {"$float": encode_float(value)}
    if isinstance(value, (complex, np.complexfloating)):
        return {"$complex": [encode_float(value.real), encode_float(value.imag)]}
    if isinstance(value, np.ndarray):
        return {"$array": encode_array(value)}
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(v) for v in value]}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, Mapping):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode_value(v) for k, v in value.items()}
        return {"$dict": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if _is_sympy_rational(value):
        return {"$rational": str(value)}
    raise TypeError(f"a value of type {type(value).__name__} has no JSON form here")


def _is_sympy_rational(value: Any) -> bool:
    # sympy is heavy: a value can only be a sympy number if sympy is already imported.
    if "sympy" not in sys.modules:
        return False
    import sympy

    return isinstance(value, sympy.Rational)


def decode_value(value: Any) -> Any:
    """Inverse of :func:`encode_value`; raises ``ValueError``/``TypeError``/``KeyError`` if malformed.

    Examples
    --------
    >>> decode_value({"$tuple": [1, {"$complex": [0.5, "NaN"]}]})
    (1, (0.5+nanj))
    """
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, body), = value.items()
        if tag in _DECODERS:
            return _DECODERS[tag](body)
    if any(k.startswith("$") for k in value):
        raise ValueError(f"unknown tag among {sorted(value)}")
    return {k: decode_value(v) for k, v in value.items()}


def _decode_rational(body: Any) -> Any:
    import sympy

    if not isinstance(body, str):
        raise TypeError("a $rational must be a string p/q")
    return sympy.Rational(body)


def _decode_complex(body: Any) -> complex:
    re, im = body
    return complex(decode_float(re), decode_float(im))


def _decode_non_finite(body: Any) -> float:
    if body not in _NON_FINITE:
        raise ValueError(f"$float must be one of {sorted(_NON_FINITE)}, got {body!r}")
    return _NON_FINITE[body]


_DECODERS = {
    "$tuple": lambda body: tuple(decode_value(v) for v in body),
    "$complex": _decode_complex,
    "$float": _decode_non_finite,
    "$array": decode_array,
    "$dict": lambda body: {decode_value(k): decode_value(v) for k, v in body},
    "$rational": _decode_rational,
}


def canonical_bytes(array: np.ndarray) -> bytes:
    """Little-endian float64 (complex128) bytes with every NaN replaced by the one quiet NaN.

    Digests are taken over these bytes, so a NaN that went through a text file (which keeps no
    NaN payload or sign) still hashes like the NaN that was written.

    Examples
    --------
    >>> canonical_bytes(np.array([-np.nan])) == canonical_bytes(np.array([np.nan]))
    True
    """
    dtype = "<c16" if np.iscomplexobj(array) else "<f8"
    floats = np.ascontiguousarray(array, dtype=dtype).view("<f8").copy()
    floats[np.isnan(floats)] = np.nan
    return floats.tobytes()
