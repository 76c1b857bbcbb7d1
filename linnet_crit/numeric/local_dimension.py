"""A numerical local dimension test: does a curve (or a k-dimensional piece) of solutions pass
through a point, or is the point isolated?

A singular Jacobian does not decide it: an isolated solution of multiplicity > 1 has a kernel too.
The slice test does (in the spirit of Bates, Hauenstein, Peterson & Sommese, SIAM J. Numer. Anal.
2009): from the solution q step ε along a random direction of the Jacobian's kernel and solve
[F(y); L(y − q) − L(εv)] = 0 by Gauss–Newton, L a random k × N matrix. On a component of
dimension ≥ k through q this overdetermined system has a solution at distance ≈ ε and Gauss–Newton
reaches residual ~1e-13; at an isolated point it has none near q and the residual stays ≈ ε² or
larger. The local dimension is the largest k that converges.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..data import Instance
from .evaluate import Parameters, gradient_and_jacobian

__all__ = ["local_dimension", "slice_converges", "instance_system"]

System = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]

#: Relative singular values below this count as the Jacobian's kernel at an (approximate) solution.
KERNEL = 1e-6


def instance_system(instance: Instance) -> System:
    """x ↦ (F(x), J(x)) of the gradient system of ``instance``."""
    params = Parameters.of(instance)

    def system(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        F, J = gradient_and_jacobian(instance.architecture, np.asarray(x, dtype=complex)[None], params)
        return F[0], J[0]

    return system


def slice_converges(
    system: System,
    q: np.ndarray,
    direction: np.ndarray,
    k: int,
    rng: np.random.Generator,
    eps: float = 1e-3,
    steps: int = 30,
) -> tuple[bool, float, float]:
    """Gauss–Newton on [F(y); L(y − q) − L(ε·v)] from y = q + ε·v, L random k × N.

    Returns (converged, final relative residual, distance ‖y − q‖ / ε). Converged means residual
    ≤ 1e-11 · (1 + ‖y‖) at a distance between ε/100 and 100ε.
    """
    q = np.asarray(q, dtype=complex)
    scale = 1.0 + np.abs(q).max()
    step = eps * scale * direction / np.abs(direction).max()
    L = (rng.standard_normal((k, len(q))) + 1j * rng.standard_normal((k, len(q)))) / np.sqrt(2 * len(q))
    target = L @ step
    y = q + step
    residual = np.inf
    for _ in range(steps):
        F, J = system(y)
        g = np.concatenate([F, L @ (y - q) - target])
        residual = np.abs(g).max() / (1.0 + np.abs(y).max())
        if residual <= 1e-13:
            break
        dy = np.linalg.lstsq(np.vstack([J, L]), -g, rcond=None)[0]
        y = y + dy
        if not np.all(np.isfinite(y)):
            return False, np.inf, np.inf
    F, _ = system(y)
    residual = np.abs(np.concatenate([F, L @ (y - q) - target])).max() / (1.0 + np.abs(y).max())
    distance = np.abs(y - q).max() / (eps * scale)
    return bool(residual <= 1e-11 and 1e-2 <= distance <= 1e2), float(residual), float(distance)


def local_dimension(
    system: System,
    q: np.ndarray,
    rng: np.random.Generator | None = None,
    *,
    kernel: float = KERNEL,
    trials: int = 2,
) -> int:
    """Local dimension of the solution set of ``system`` at the (accurate) solution ``q``.

    0 when the Jacobian has no kernel (relative singular values ≤ ``kernel``); else the largest
    k ≤ nullity for which the slice test converges in one of ``trials`` random slices.

    Examples
    --------
    >>> curve = lambda x: (np.array([x[0] * x[1] - 2.0, 0.0]), np.array([[x[1], x[0]], [0.0, 0.0]]))
    >>> double = lambda x: (np.array([x[0] ** 2, x[1]]), np.array([[2 * x[0], 0.0], [0.0, 1.0]]))
    >>> local_dimension(curve, np.array([1.0, 2.0]))
    1
    >>> local_dimension(double, np.array([0.0, 0.0]))
    0
    """
    rng = rng or np.random.default_rng(0)
    q = np.asarray(q, dtype=complex)
    _, J = system(q)
    _, sigma, vh = np.linalg.svd(J)
    # a zero Jacobian has a full kernel
    null = vh[sigma <= kernel * sigma[0]] if sigma[0] > 0 else vh
    dim = 0
    for k in range(1, len(null) + 1):
        found = False
        for _ in range(trials):
            coeffs = rng.standard_normal(len(null)) + 1j * rng.standard_normal(len(null))
            if slice_converges(system, q, coeffs @ null, k, rng)[0]:
                found = True
                break
        if not found:
            break
        dim = k
    return dim
