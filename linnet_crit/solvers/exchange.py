"""The exchange form: a polynomial system as plain arrays, for solvers outside Python.

Each equation is an integer exponent matrix — one row per term, one column per variable and then
per parameter, in linnet_crit's order (:meth:`Architecture.variable_names`, then
:func:`linnet_crit.system.parameter_names`) — and a complex coefficient vector, one entry per term.
This is what the Julia bridge sends to HomotopyContinuation.jl; it needs no symbolic library on
the other side.

:func:`encode` is the one place where exact SymPy coefficients become complex floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import sympy as sp
from sympy.polys.polyerrors import GeneratorsError
from sympy.polys.rings import sring

from ..errors import SolverError

__all__ = ["ExchangeSystem", "encode", "decode"]


class _SymbolicSystem(Protocol):
    equations: Sequence[sp.Expr]
    variables: Sequence[sp.Symbol]
    parameters: Sequence[sp.Symbol]


@dataclass(frozen=True, eq=False)
class ExchangeSystem:
    """A polynomial system as exponent matrices and coefficient vectors.

    Attributes
    ----------
    variables : tuple of str
        Names of the unknowns, in order (the first ``n_variables`` exponent columns).
    parameters : tuple of str
        Names of the parameters, in order (the last ``n_parameters`` exponent columns).
    exponents : tuple of numpy.ndarray
        Per equation, ``(terms, n_variables + n_parameters)`` int64.
    coefficients : tuple of numpy.ndarray
        Per equation, ``(terms,)`` complex128.

    Examples
    --------
    >>> from linnet_crit.system import gradient_system
    >>> ex = encode(gradient_system((1, 1, 1)))
    >>> ex.variables, ex.parameters
    (('W1_0_0', 'W2_0_0'), ('X_0_0', 'Y_0_0', 'L1_0_0', 'L2_0_0'))
    >>> ex.exponents[0].shape, ex.coefficients[0].real
    ((3, 6), array([ 1.,  1., -1.]))
    """

    variables: tuple[str, ...]
    parameters: tuple[str, ...]
    exponents: tuple[np.ndarray, ...]
    coefficients: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        width = len(self.variables) + len(self.parameters)
        if len(self.exponents) != len(self.coefficients):
            raise SolverError(
                f"exchange system has {len(self.exponents)} exponent matrices but "
                f"{len(self.coefficients)} coefficient vectors; give one of each per equation"
            )
        exponents, coefficients = [], []
        for k, (e, c) in enumerate(zip(self.exponents, self.coefficients)):
            e = np.asarray(e, dtype=np.int64).reshape(-1, width)
            c = np.asarray(c, dtype=np.complex128).reshape(-1)
            if e.shape[0] != c.shape[0] or np.any(e < 0):
                raise SolverError(
                    f"equation {k} of the exchange system has {e.shape[0]} exponent rows, "
                    f"{c.shape[0]} coefficients and {int((e < 0).sum())} negative exponents; "
                    "give one non-negative row per coefficient"
                )
            e.setflags(write=False)
            c.setflags(write=False)
            exponents.append(e)
            coefficients.append(c)
        object.__setattr__(self, "exponents", tuple(exponents))
        object.__setattr__(self, "coefficients", tuple(coefficients))
        object.__setattr__(self, "variables", tuple(self.variables))
        object.__setattr__(self, "parameters", tuple(self.parameters))

    @property
    def n_variables(self) -> int:
        return len(self.variables)

    @property
    def n_parameters(self) -> int:
        return len(self.parameters)

    @property
    def n_equations(self) -> int:
        return len(self.exponents)

    def stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All terms in one array: exponents ``(T, n_vars + n_params)``, coefficients ``(T,)`` and
        the number of terms of each equation ``(n_equations,)`` — three plain arrays, the cheapest
        form to hand to another language."""
        width = self.n_variables + self.n_parameters
        exponents = np.concatenate([*self.exponents, np.zeros((0, width), np.int64)])
        coefficients = np.concatenate([*self.coefficients, np.zeros(0, np.complex128)])
        counts = np.array([len(c) for c in self.coefficients], dtype=np.int64)
        return exponents, coefficients, counts

    def at_parameters(self, values: np.ndarray, *, rtol: float = 1e-12) -> ExchangeSystem:
        """The system with its parameters fixed at ``values``: a system in the variables only.

        The mirror of ``LinnetCrit.at_parameters`` on the Julia side, which the bridge applies
        before HC.jl reads degrees or supports. Terms with one monomial in the variables are
        combined; a combined coefficient below ``rtol`` times the largest term it sums is a
        cancellation and is dropped.

        Examples
        --------
        >>> from linnet_crit.system import gradient_system
        >>> ex = encode(gradient_system((1, 1, 1), symbolic_parameters=True))
        >>> ex.at_parameters([1, 2, 0.5, 0.25]).coefficients[0].real
        array([ 1. ,  0.5, -2. ])
        >>> ex.at_parameters([0, 0, 0, 0]).exponents[0].shape  # every term holds a parameter
        (0, 2)
        """
        values = np.asarray(values, dtype=np.complex128).reshape(-1)
        if values.shape != (self.n_parameters,):
            raise SolverError(
                f"the exchange system has {self.n_parameters} parameters but {values.size} values were "
                "given; give one value per parameter, in the order of .parameters"
            )
        n = self.n_variables
        exponents, coefficients = [], []
        for e, c in zip(self.exponents, self.coefficients):
            terms = c * np.prod(values[None, :] ** e[:, n:], axis=1)
            combined: dict[tuple[int, ...], list[complex]] = {}
            for row, term in zip(e[:, :n], terms):
                combined.setdefault(tuple(int(k) for k in row), []).append(complex(term))
            kept = {m: sum(t) for m, t in combined.items() if abs(sum(t)) > rtol * max(map(abs, t))}
            exponents.append(np.array(sorted(kept, reverse=True), dtype=np.int64).reshape(len(kept), n))
            coefficients.append(np.array([kept[m] for m in sorted(kept, reverse=True)], dtype=np.complex128))
        return ExchangeSystem(self.variables, (), tuple(exponents), tuple(coefficients))

    def degrees(self) -> tuple[int, ...]:
        """Total degree of each equation in the variables (parameters fixed first, as HC.jl's
        ``degrees(F)`` reads them); 0 for an equation with no term."""
        n = self.n_variables
        return tuple(int(e[:, :n].sum(axis=1).max(initial=0)) for e in self.exponents)

    def supports(self) -> tuple[frozenset[tuple[int, ...]], ...]:
        """Per equation, the exponent vectors in the variables that occur."""
        n = self.n_variables
        return tuple(frozenset(tuple(int(k) for k in row[:n]) for row in e) for e in self.exponents)


def _converter(domain, equation: int):
    """Domain element → complex, exactly rounded, without a detour through SymPy expressions."""
    if domain.is_ZZ or domain.is_QQ or domain.is_RR:
        return lambda c: complex(float(c))
    if domain.is_ZZ_I or domain.is_QQ_I:
        return lambda c: complex(float(c.x), float(c.y))
    if domain.is_CC:
        return complex

    def via_sympy(c) -> complex:
        value = domain.to_sympy(c)
        try:
            return complex(value)
        except TypeError:
            raise SolverError(
                f"equation {equation} has the coefficient {value}, which is not a number; declare "
                "every symbol in it as a variable or a parameter"
            ) from None

    return via_sympy


def encode(system: _SymbolicSystem) -> ExchangeSystem:
    """The exchange form of a system with ``equations``, ``variables`` and ``parameters``.

    Parameters
    ----------
    system : GradientSystem or any object with these three attributes
        SymPy equations, polynomial in the variables and parameters (symbols, in order).

    Returns
    -------
    ExchangeSystem
        Terms with a zero coefficient are dropped; coefficients become complex128.

    Raises
    ------
    SolverError
        If an equation contains a symbol that is neither a variable nor a parameter.

    Examples
    --------
    >>> import sympy as sp
    >>> from types import SimpleNamespace
    >>> x, y, a = sp.symbols("x y a")
    >>> ex = encode(SimpleNamespace(equations=[x**2 - a, x*y - 1], variables=[x, y], parameters=[a]))
    >>> ex.exponents[1], ex.coefficients[1]
    (array([[1, 1, 0],
           [0, 0, 0]]), array([ 1.+0.j, -1.+0.j]))
    """
    gens = (*system.variables, *system.parameters)
    exponents, coefficients = [], []
    for k, equation in enumerate(system.equations):
        try:
            # A sparse ring per equation: dense Poly is slow with dozens of generators.
            ring, poly = sring(sp.sympify(equation), *gens)
        except (sp.PolynomialError, GeneratorsError) as exc:
            raise SolverError(f"equation {k} is not a polynomial in the variables and parameters: {exc}") from None
        convert = _converter(ring.domain, k)
        terms = [(monomial, convert(value)) for monomial, value in sorted(poly.items(), reverse=True) if value]
        exponents.append(np.array([m for m, _ in terms], dtype=np.int64).reshape(len(terms), len(gens)))
        coefficients.append(np.array([c for _, c in terms], dtype=np.complex128))
    return ExchangeSystem(
        variables=tuple(str(v) for v in system.variables),
        parameters=tuple(str(p) for p in system.parameters),
        exponents=tuple(exponents),
        coefficients=tuple(coefficients),
    )


def _sympy_number(c: complex) -> sp.Expr:
    # Integral coefficients (every coefficient of a symbolic-parameter gradient system) decode to
    # exact Integers, so decode(encode(system)) reproduces such a system exactly.
    parts = []
    for part in (c.real, c.imag):
        parts.append(sp.Integer(int(part)) if float(part).is_integer() else sp.Float(part))
    return parts[0] + sp.I * parts[1]


def decode(exchange: ExchangeSystem) -> list[sp.Expr]:
    """The equations of an exchange system as SymPy expressions in symbols named as its variables
    and parameters.

    Integral coefficients become ``sympy.Integer``, others ``sympy.Float``.

    Examples
    --------
    >>> from linnet_crit.system import gradient_system
    >>> decode(encode(gradient_system((1, 1, 1))))[0]
    L1_0_0*W1_0_0 + W1_0_0*W2_0_0**2*X_0_0**2 - W2_0_0*X_0_0*Y_0_0
    """
    symbols = [sp.Symbol(name) for name in (*exchange.variables, *exchange.parameters)]
    equations = []
    for exponents, coefficients in zip(exchange.exponents, exchange.coefficients):
        terms = [
            _sympy_number(complex(c)) * sp.Mul(*(s**int(e) for s, e in zip(symbols, row) if e))
            for row, c in zip(exponents, coefficients)
        ]
        equations.append(sp.Add(*terms))
    return equations
