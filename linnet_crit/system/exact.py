"""Exact conversion of data to SymPy numbers: the one boundary from floats into the symbolic layer.

A float is taken at its exact binary value (``sympy.Rational(0.1)`` is
3602879701896397/36028797018963968, not 1/10): the symbolic system is then exactly the system the
numeric evaluator sees. Integers, :class:`fractions.Fraction` and SymPy rationals stay what they
are; complex numbers become Gaussian rationals.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np
import sympy as sp

from ..data import Instance
from ..errors import DataError

__all__ = ["exact_number", "exact_matrices"]


def exact_number(value: object) -> sp.Expr:
    """The exact SymPy value of an int, Fraction, float, complex or SymPy rational.

    Examples
    --------
    >>> exact_number(0.5), exact_number(Fraction(1, 3)), exact_number(1 + 0.25j)
    (1/2, 1/3, 1 + I/4)
    >>> exact_number(0.1) == sp.Rational(1, 10)
    False
    """
    if isinstance(value, sp.Basic):
        if not (value.is_number and value.is_finite):
            raise DataError(f"data entry {value!r} is not a finite number; give numbers")
        re, im = value.as_real_imag()
        if not (re.is_Rational and im.is_Rational):
            raise DataError(f"data entry {value!r} is not rational; give rational or float data")
        return re + sp.I * im
    if isinstance(value, (bool, np.bool_)):
        raise DataError(f"data entry {value!r} is a boolean; give numbers")
    if isinstance(value, (numbers.Integral, Fraction)):
        return sp.Rational(Fraction(value).numerator, Fraction(value).denominator)
    if isinstance(value, numbers.Complex):
        z = complex(value)
        if not (np.isfinite(z.real) and np.isfinite(z.imag)):
            raise DataError(f"data entry {value!r} is NaN or infinite; give finite numbers")
        # sympy.Rational(float) is the float's exact binary value: no decimal round trip.
        return sp.Rational(z.real) + sp.I * sp.Rational(z.imag)
    raise DataError(f"data entry {value!r} of type {type(value).__name__} is not a number")


def _exact_matrix(name: str, values, shape: tuple[int, int], floats: np.ndarray) -> list[list[sp.Expr]]:
    rows = [list(row) for row in values]
    if len(rows) != shape[0] or any(len(row) != shape[1] for row in rows):
        raise DataError(f"exact {name} has the wrong shape; expected {shape} like the float data")
    matrix = [[exact_number(v) for v in row] for row in rows]
    for r, row in enumerate(matrix):
        for c, v in enumerate(row):
            if complex(v) != complex(floats[r, c]):
                raise DataError(
                    f"exact {name}[{r},{c}] = {v} does not round to the float data "
                    f"{floats[r, c]!r}; give exact and float data of the same instance"
                )
    return matrix


def exact_matrices(instance: Instance) -> list[list[list[sp.Expr]]]:
    """X, Y, Λ_1, …, Λ_{H+1} of an instance as exact SymPy matrices (nested lists).

    Uses ``instance.exact`` when set — a tuple ``(X, Y, Λ_1, …, Λ_{H+1})`` of matrices with
    int, Fraction or SymPy rational entries, for data the float arrays cannot hold exactly (such
    as 1/3) — after checking that it rounds to the float arrays; otherwise each float is taken at
    its exact binary value.

    Examples
    --------
    >>> from linnet_crit.data import Instance
    >>> inst = Instance((1, 1, 1), X=[[1.0]], Y=[[0.5]], lambdas=[[[0.25]], [[0.75]]])
    >>> exact_matrices(inst)
    [[[1]], [[1/2]], [[1/4]], [[3/4]]]
    """
    floats = (instance.X, instance.Y, *instance.lambdas)
    names = ("X", "Y", *(f"Lambda_{i + 1}" for i in range(len(instance.lambdas))))
    if instance.exact is None:
        return [[[exact_number(v) for v in row] for row in array.tolist()] for array in floats]
    if len(instance.exact) != len(floats):
        raise DataError(
            f"instance.exact has {len(instance.exact)} matrices; give {len(floats)} (X, Y, Lambda_1, …)"
        )
    return [
        _exact_matrix(name, values, array.shape, array)
        for name, values, array in zip(names, instance.exact, floats)
    ]
