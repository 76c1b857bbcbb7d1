"""Linear-product start systems for the blackbox method: total degree and layer-grouped m-homogeneous.

Every equation of the gradient system has total degree d = 2H + 1, and equation block i (the
gradient with respect to W_i) has degree 1 in the unknowns of W_i and 2 in those of every other
layer: in ``U_iᵀ (W Σxx − Σyx) V_iᵀ + Λ_i ∘ W_i`` each W_j (j ≠ i) occurs once in W and once in
U_i or V_i, while W_i occurs only in W (and in Λ_i ∘ W_i).

A start system here is a product of d linear forms per equation in the homogeneous coordinates
``y = (x0, x)``. Its solutions on the affine patch ``a · y = 1`` are found by choosing one factor per
equation and solving the resulting linear system; for the m-homogeneous system only the choices
that give each layer exactly as many equations as it has unknowns have a solution, and their
number is the m-Bézout number.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ...architecture import Architecture
from ...bounds.classical import bezout, multihomogeneous_bezout
from ...errors import BudgetExceededError, SolverError

__all__ = [
    "START_SYSTEMS",
    "LinearProductStart",
    "total_degree_start",
    "multihomogeneous_start",
    "make_start_system",
]

START_SYSTEMS: tuple[str, ...] = ("auto", "total_degree", "multihomogeneous")


@dataclass(frozen=True, eq=False)
class LinearProductStart:
    """G_k(y) = Π_r C[k, r] · y, homogeneous of degree d in y = (x0, x).

    Parameters
    ----------
    name : str
        ``"total_degree"`` or ``"multihomogeneous"``.
    factors : ndarray, shape (N, d, N + 1)
        Coefficients of the linear forms; column 0 multiplies x0.
    choices : ndarray of int, shape (n_start, N)
        For each start solution, the index of the vanishing factor of each equation.
    """

    name: str
    factors: np.ndarray
    choices: np.ndarray

    @property
    def n_paths(self) -> int:
        return int(self.choices.shape[0])

    @cached_property
    def _form_matrix(self) -> np.ndarray:
        n, d, width = self.factors.shape
        return np.ascontiguousarray(self.factors.reshape(n * d, width).T)

    def _forms(self, y: np.ndarray) -> np.ndarray:
        """Values of every factor ``(P, N, d)``."""
        n, d, _ = self.factors.shape
        # Multiply-adds over the N + 1 coordinates, not a matmul: a stack of one-row products is one
        # BLAS call per point, and one (P × (N+1)) GEMM spawns BLAS threads that are up to 10× slower
        # on a busy machine; this form is ~7× faster than the stacked one for thousands of paths.
        matrix = self._form_matrix
        forms = y[:, 0, None] * matrix[0]
        for j in range(1, matrix.shape[0]):
            forms += y[:, j, None] * matrix[j]
        return forms.reshape(len(y), n, d)

    def value(self, y: np.ndarray) -> np.ndarray:
        """G ``(P, N)`` at homogeneous points y ``(P, N + 1)``."""
        return np.prod(self._forms(y), axis=-1)

    def evaluate(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """G ``(P, N)`` and ∂G/∂y ``(P, N, N + 1)`` at homogeneous points y ``(P, N + 1)``."""
        forms = self._forms(y)
        ones = np.ones_like(forms[..., :1])
        # Products of the other factors via prefix and suffix products: dividing by the
        # vanishing factor would fail exactly at the start solutions.
        before = np.cumprod(np.concatenate([ones, forms[..., :-1]], axis=-1), axis=-1)
        after = np.cumprod(np.concatenate([ones, forms[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        others = before * after  # (P, N, d)
        # ∂G_k/∂y = Σ_r (product of the other factors) · C[k, r]: d multiply-adds, as in _forms
        jacobian = others[..., 0, None] * self.factors[None, :, 0, :]
        for r in range(1, forms.shape[-1]):
            jacobian += others[..., r, None] * self.factors[None, :, r, :]
        return before[..., -1] * forms[..., -1], jacobian

    def start_points(self, patch: np.ndarray) -> np.ndarray:
        """Homogeneous start solutions ``(n_start, N + 1)`` on the patch ``patch · y = 1``."""
        n = self.factors.shape[0]
        rows = self.factors[np.arange(n)[None, :], self.choices]  # (n_start, N, N + 1)
        matrices = np.concatenate([rows, np.broadcast_to(patch, (len(rows), 1, n + 1))], axis=1)
        rhs = np.zeros((len(rows), n + 1), dtype=complex)
        rhs[:, -1] = 1.0
        try:
            return np.linalg.solve(matrices, rhs[..., None])[..., 0]
        except np.linalg.LinAlgError:
            raise SolverError(
                f"a {self.name} start system is singular; run again with another seed"
            ) from None


def _random_complex(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2.0)


def total_degree_start(arch: Architecture) -> LinearProductStart:
    """x_k^d − x0^d = Π_r (x_k − ω^r x0) with ω = e^{2πi/d}: d^N start solutions."""
    n, d = arch.n_unknowns, arch.degree
    factors = np.zeros((n, d, n + 1), dtype=complex)
    factors[:, :, 0] = -np.exp(2j * np.pi * np.arange(d) / d)[None, :]
    factors[np.arange(n), :, np.arange(n) + 1] = 1.0
    choices = np.array(list(itertools.product(range(d), repeat=n)), dtype=int).reshape(-1, n)
    return LinearProductStart("total_degree", factors, choices)


def _factor_groups(arch: Architecture) -> np.ndarray:
    """Group (layer) of each factor of each equation: ``(N, d)``; one factor in the own layer."""
    n_layers = arch.n_layers
    rows = []
    for own, size in enumerate(arch.group_sizes):
        layout = [own] + [j for j in range(n_layers) if j != own for _ in range(2)]
        rows.extend([layout] * size)
    return np.array(rows, dtype=int)


def _group_assignments(sizes: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """Every map equation → group with exactly ``sizes[j]`` equations in group j."""
    n = sum(sizes)

    def extend(prefix: tuple[int, ...], left: list[int]) -> Iterator[tuple[int, ...]]:
        if len(prefix) == n:
            yield prefix
            return
        for j, remaining in enumerate(left):
            if remaining:
                left[j] -= 1
                yield from extend(prefix + (j,), left)
                left[j] += 1

    return extend((), list(sizes))


def multihomogeneous_start(arch: Architecture, seed: int = 0) -> LinearProductStart:
    """The linear-product start system with the layers as variable groups (random coefficients).

    A factor in layer j is a random linear form in x0 and the unknowns of W_j only.
    """
    rng = np.random.default_rng(seed)
    n, d = arch.n_unknowns, arch.degree
    groups = _factor_groups(arch)
    factors = np.zeros((n, d, n + 1), dtype=complex)
    factors[:, :, 0] = _random_complex(rng, (n, d))
    for j, block in enumerate(arch.groups()):
        mask = groups == j
        factors[:, :, 1 + block.start : 1 + block.stop] = np.where(
            mask[..., None], _random_complex(rng, (n, d, len(block))), 0.0
        )
    choices = []
    for assignment in _group_assignments(arch.group_sizes):
        options = [np.flatnonzero(groups[k] == j) for k, j in enumerate(assignment)]
        choices.extend(itertools.product(*options))
    return LinearProductStart("multihomogeneous", factors, np.array(choices, dtype=int).reshape(-1, n))


def make_start_system(arch: Architecture, kind: str, seed: int = 0, max_paths: int | None = None) -> LinearProductStart:
    """The start system ``kind`` (see :data:`START_SYSTEMS`); ``"auto"`` takes the one with fewer paths.

    Raises :class:`BudgetExceededError` before enumerating more than ``max_paths`` start points.
    """
    if kind not in START_SYSTEMS:
        raise SolverError(f"start_system {kind!r} is not one of {START_SYSTEMS}")
    # The path counts are the bounds' Bézout numbers: one home for each formula.
    counts = {"total_degree": bezout(arch), "multihomogeneous": multihomogeneous_bezout(arch)}
    if kind == "auto":
        kind = min(counts, key=lambda name: (counts[name], name != "multihomogeneous"))
    if max_paths is not None and counts[kind] > max_paths:
        raise BudgetExceededError(
            f"the {kind} start system of widths {arch} has {counts[kind]} paths, over the budget of "
            f"{max_paths}; use the structure-aware method, or raise max_paths"
        )
    if kind == "total_degree":
        return total_degree_start(arch)
    return multihomogeneous_start(arch, seed)
