"""The gradient system ``U_iᵀ (W Σxx − Σyx) V_iᵀ + Λ_i ∘ W_i = 0`` as exact SymPy polynomials.

Loss convention (as in :mod:`linnet_crit.data`): ``L = ½ Σ‖W x − y‖² + ½ Σ Λ∘W∘W``, so the
equations are ``F_i = ∂L/∂W_i``. The polynomials are built by backpropagation in SymPy's sparse
polynomial rings — ``F_i = (U_iᵀ R)(V_i X)ᵀ + Λ_i ∘ W_i`` with ``R = W X − Y`` — which is exact
and far faster than expanding expressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp
from sympy.polys.domains import QQ, QQ_I
from sympy.polys.rings import PolyElement, ring

from ..architecture import Architecture, as_architecture
from ..checks import whole_number
from ..data import Instance
from ..errors import DataError
from .exact import exact_matrices

__all__ = ["GradientSystem", "gradient_system", "parameter_names"]

Monomial = tuple[int, ...]


def parameter_names(arch: Architecture, samples: int) -> tuple[str, ...]:
    """Names of the parameters in the order of :meth:`Instance.parameter_vector`.

    X row-major (``X_{r}_{c}``), then Y (``Y_{r}_{c}``), then Λ_i (``L{i}_{r}_{c}``, 1-based i).

    Examples
    --------
    >>> parameter_names(Architecture((1, 1, 1)), 2)
    ('X_0_0', 'X_0_1', 'Y_0_0', 'Y_0_1', 'L1_0_0', 'L2_0_0')
    """
    blocks = [("X", (arch.dx, samples)), ("Y", (arch.dy, samples))]
    blocks += [(f"L{i + 1}", shape) for i, shape in enumerate(arch.shapes)]
    return tuple(
        f"{prefix}_{r}_{c}" for prefix, (rows, cols) in blocks for r in range(rows) for c in range(cols)
    )


@dataclass(frozen=True)
class GradientSystem:
    """The N gradient equations of a deep linear network, one per weight, in variable order.

    Build it with :func:`gradient_system`. Numeric systems (built from an :class:`Instance`) have
    exact rational (or Gaussian rational) coefficients and no parameters; symbolic systems keep
    X, Y and Λ as the SymPy symbols :attr:`parameters`.

    Attributes
    ----------
    architecture : Architecture
    samples : int
        Number m of data points (columns of X).
    variables : tuple of sympy.Symbol
        ``W{layer}_{row}_{col}`` in the order of :meth:`Architecture.variable_names`.
    parameters : tuple of sympy.Symbol
        X, Y, Λ entries in the order of :meth:`Instance.parameter_vector`; empty when numeric.
    equations : tuple of sympy.Expr
        ``F_k = ∂L/∂w_k`` for the k-th variable.
    instance : Instance or None
        The data of a numeric system; ``None`` when symbolic.

    Examples
    --------
    >>> system = gradient_system(Architecture((1, 1, 1)))
    >>> system.variables
    (W1_0_0, W2_0_0)
    >>> system.equations[0]
    L1_0_0*W1_0_0 + W1_0_0*W2_0_0**2*X_0_0**2 - W2_0_0*X_0_0*Y_0_0
    """

    architecture: Architecture
    samples: int
    variables: tuple[sp.Symbol, ...]
    parameters: tuple[sp.Symbol, ...]
    # The sparse ring polynomials are the system; Expr and Poly forms are derived on first use
    # (for N ≈ 40 they take seconds, and most callers need only the terms or supports).
    _ring_polys: tuple[PolyElement, ...] = field(repr=False, hash=False)
    instance: Instance | None = field(default=None, compare=False, repr=False)

    @property
    def is_symbolic(self) -> bool:
        """Whether X, Y, Λ are symbols (True) or exact numbers (False)."""
        return bool(self.parameters)

    @cached_property
    def equations(self) -> tuple[sp.Expr, ...]:
        """``F_k = ∂L/∂w_k`` for the k-th variable, as SymPy expressions (computed once)."""
        return tuple(f.as_expr(*self.variables, *self.parameters) for f in self._ring_polys)

    def jacobian(self) -> tuple[tuple[sp.Expr, ...], ...]:
        """``∂F_k/∂w_l`` as SymPy expressions, row k for equation k (the Hessian of the loss).

        Differentiates the sparse polynomials, much faster than ``Matrix.jacobian`` on the
        expressions for large systems.

        Examples
        --------
        >>> gradient_system(Architecture((1, 1, 1))).jacobian()[0]
        (L1_0_0 + W2_0_0**2*X_0_0**2, 2*W1_0_0*W2_0_0*X_0_0**2 - X_0_0*Y_0_0)
        """
        gens = (*self.variables, *self.parameters)
        return tuple(
            tuple(f.diff(x).as_expr(*gens) for x in f.ring.gens[: len(self.variables)]) for f in self._ring_polys
        )

    def polys(self) -> tuple[sp.Poly, ...]:
        """The equations as :class:`sympy.Poly` in :attr:`variables`.

        Coefficients are in QQ (real data), QQ_I (complex data) or ``QQ[parameters]`` (symbolic).
        SymPy's Poly is dense in the variables, so this is slow for large systems; :meth:`terms`
        gives the same polynomials sparsely.

        Examples
        --------
        >>> gradient_system(Architecture((1, 1, 1))).polys()[0].domain
        QQ[X_0_0,Y_0_0,L1_0_0,L2_0_0]
        """
        if not self.is_symbolic:
            domain = self._ring_polys[0].ring.domain
            return tuple(sp.Poly.from_dict(dict(f), self.variables, domain=domain) for f in self._ring_polys)
        domain = QQ.poly_ring(*self.parameters)
        return tuple(
            sp.Poly.from_dict(
                {m: domain.ring.from_dict(c) for m, c in self._grouped(f).items()}, self.variables, domain=domain
            )
            for f in self._ring_polys
        )

    def _grouped(self, f: PolyElement) -> dict[Monomial, dict[Monomial, object]]:
        """Terms of a symbolic equation grouped by their monomial in the variables."""
        n = len(self.variables)
        grouped: dict[Monomial, dict[Monomial, object]] = {}
        for monom, coeff in f.terms():
            grouped.setdefault(monom[:n], {})[monom[n:]] = coeff
        return grouped

    def terms(self) -> tuple[tuple[tuple[Monomial, sp.Expr], ...], ...]:
        """Per equation, its terms ``(exponents in the variables, coefficient)``, sparse and exact.

        Coefficients are SymPy numbers (numeric systems) or SymPy polynomials in the parameters;
        the monomials are in decreasing lexicographic order.

        Examples
        --------
        >>> gradient_system(Architecture((1, 1, 1))).terms()[1]
        (((2, 1), X_0_0**2), ((1, 0), -X_0_0*Y_0_0), ((0, 1), L2_0_0))
        """
        if not self.is_symbolic:
            return tuple(
                tuple((m, f.ring.domain.to_sympy(c)) for m, c in f.terms()) for f in self._ring_polys
            )
        params = ring([p.name for p in self.parameters], QQ)[0]
        return tuple(
            tuple((m, params.from_dict(c).as_expr(*self.parameters)) for m, c in self._grouped(f).items())
            for f in self._ring_polys
        )

    def supports(self) -> tuple[frozenset[Monomial], ...]:
        """Per equation, the exponent vectors (in the variables) with a nonzero coefficient.

        For a symbolic system this is the support for generic data (a coefficient that is a
        nonzero polynomial in the parameters is nonzero at generic parameters).
        """
        n = len(self.variables)
        return tuple(frozenset(m[:n] for m in f.keys()) for f in self._ring_polys)

    def substitute(self, instance: Instance) -> GradientSystem:
        """The numeric system at the data of ``instance`` (exact, see :func:`gradient_system`).

        Examples
        --------
        >>> from linnet_crit.data import random_instance
        >>> inst = random_instance((1, 2, 1), seed=3)
        >>> gradient_system((1, 2, 1)).substitute(inst) == gradient_system(inst)
        True
        """
        if not self.is_symbolic:
            raise DataError("this system has no symbolic parameters; build it with gradient_system(instance)")
        if instance.architecture != self.architecture or instance.samples != self.samples:
            raise DataError(
                f"instance has widths {instance.architecture} and {instance.samples} samples, the "
                f"system widths {self.architecture} and {self.samples}; give matching data"
            )
        values = [v for matrix in exact_matrices(instance) for row in matrix for v in row]
        domain = _domain_for(values)
        n = len(self.variables)
        full = ring([s.name for s in self.variables + self.parameters], domain)[0]
        gens = full.gens
        point = [(gens[n + k], domain.from_sympy(v)) for k, v in enumerate(values)]
        polys = tuple(f.set_ring(full).evaluate(point) for f in self._ring_polys)
        return _make(self.architecture, instance.samples, (), polys, instance)


def _domain_for(values: Sequence[sp.Expr]):
    return QQ if all(v.is_real for v in values) else QQ_I


def _make(arch: Architecture, samples: int, parameters, polys, instance) -> GradientSystem:
    return GradientSystem(
        architecture=arch,
        samples=samples,
        variables=tuple(sp.Symbol(name) for name in arch.variable_names()),
        parameters=tuple(parameters),
        _ring_polys=tuple(polys),
        instance=instance,
    )


def _matrix(values: Sequence, rows: int, cols: int) -> list[list]:
    return [list(values[r * cols : (r + 1) * cols]) for r in range(rows)]


def _matmul(A: list[list], B: list[list], zero) -> list[list]:
    return [[sum((a * B[k][j] for k, a in enumerate(row)), zero) for j in range(len(B[0]))] for row in A]


def _transpose(A: list[list]) -> list[list]:
    return [list(col) for col in zip(*A)]


def _equations(arch: Architecture, weights, X, Y, lambdas, zero) -> list:
    """Backpropagation: P_i = V_i X (forward), G_i = U_iᵀ (W X − Y) (backward), F_i = G_i P_{i−1}ᵀ + Λ_i∘W_i."""
    forward = [X]
    for W in weights:
        forward.append(_matmul(W, forward[-1], zero))
    backward = [[[p - y for p, y in zip(prow, yrow)] for prow, yrow in zip(forward[-1], Y)]]
    for W in reversed(weights[1:]):
        backward.insert(0, _matmul(_transpose(W), backward[0], zero))
    equations = []
    for W, G, P, Lam in zip(weights, backward, forward, lambdas):
        block = _matmul(G, _transpose(P), zero)
        equations += [block[r][c] + Lam[r][c] * W[r][c] for r in range(len(W)) for c in range(len(W[0]))]
    return equations


def _check_samples(samples: object) -> int:
    return whole_number(samples, "samples", minimum=1, fix="the number of data points must be an integer ≥ 1")


def gradient_system(
    arch_or_instance: Architecture | Instance | Sequence[int] | str,
    *,
    symbolic_parameters: bool = False,
    samples: int | None = None,
) -> GradientSystem:
    """The gradient system of a network, exact (from data) or with symbolic X, Y, Λ.

    Parameters
    ----------
    arch_or_instance : Instance, Architecture, widths sequence or ``"1,2,2"`` string
        Given an :class:`Instance`, the coefficients are exact: every float is converted to its
        exact binary rational value (``sympy.Rational(float)`` is exact; 0.1 becomes
        3602879701896397/2**55), complex floats to Gaussian rationals, and
        ``instance.exact`` (int, Fraction or SymPy entries) is used as is when set. There is no
        float round trip anywhere in the symbolic layer. Given an architecture, the parameters
        are always symbolic.
    symbolic_parameters : bool
        With an Instance: keep X, Y, Λ symbolic (only its architecture and samples are used).
    samples : int, optional
        Number m of data points of a symbolic system built from an architecture (default 1);
        with an Instance it must be omitted or equal ``instance.samples``.

    Returns
    -------
    GradientSystem

    Examples
    --------
    >>> from linnet_crit.data import Instance
    >>> inst = Instance((1, 1, 1), X=[[1.0]], Y=[[2.0]], lambdas=[[[0.5]], [[0.25]]])
    >>> gradient_system(inst).equations
    (W1_0_0*W2_0_0**2 + W1_0_0/2 - 2*W2_0_0, W1_0_0**2*W2_0_0 - 2*W1_0_0 + W2_0_0/4)
    >>> len(gradient_system("2,2,2", samples=3).parameters)
    20
    """
    if isinstance(arch_or_instance, Instance):
        instance = arch_or_instance
        arch, m = instance.architecture, instance.samples
        if samples is not None and _check_samples(samples) != m:
            raise DataError(f"samples = {samples} but the instance has {m} data points; omit samples")
        if symbolic_parameters:
            instance = None
    else:
        instance = None
        arch = as_architecture(arch_or_instance)
        m = 1 if samples is None else _check_samples(samples)
    names = arch.variable_names()
    n = arch.n_unknowns
    if instance is None:
        params = tuple(sp.Symbol(p) for p in parameter_names(arch, m))
        R = ring([*names, *(p.name for p in params)], QQ)[0]
        values = list(R.gens[n:])
    else:
        params = ()
        exact = [v for matrix in exact_matrices(instance) for row in matrix for v in row]
        domain = _domain_for(exact)
        R = ring(list(names), domain)[0]
        values = [R.ground_new(domain.from_sympy(v)) for v in exact]
    X = _matrix(values, arch.dx, m)
    Y = _matrix(values[arch.dx * m :], arch.dy, m)
    lambdas, start = [], (arch.dx + arch.dy) * m
    for rows, cols in arch.shapes:
        lambdas.append(_matrix(values[start:], rows, cols))
        start += rows * cols
    weights = [_matrix(R.gens[lo : lo + r * c], r, c) for lo, (r, c) in zip(arch.offsets, arch.shapes)]
    polys = _equations(arch, weights, X, Y, lambdas, R.zero)
    return _make(arch, m, params, polys, instance)
