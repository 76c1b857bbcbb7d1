"""One hidden layer, one data point: the torus critical points in closed form where the system decouples.

Widths (1, d, p) (input width 1: :mod:`.input_width` brings every one-sample network there) at
data x (a scalar), y ∈ Cᵖ, Λ₁ = λ ∈ Cᵈ, Λ₂ = μ ∈ Cᵖˣᵈ, with first layer a and second layer B. Write
r = y − x·B·a for the residual. ∂L/∂B = 0 gives B[k, i] = x·r_k·a_i / μ[k, i]; with it, on the torus
(no zero weight, so r_k ≠ 0 and a_i ≠ 0), ∂L/∂a = 0 and the definition of r become

    Σ_k r_k² / μ[k, i] = λ_i / x²               (i = 1 … d)   (A)
    r_k · (1 + x²·Σ_i a_i² / μ[k, i]) = y_k      (k = 1 … p)   (R)

— equations in r and σ = a∘a alone, and each solution with no zero entry is one sign-flip orbit
(a = ±√σ entrywise, B from a and r). Two cases are solved exactly:

* p = d: (A) is linear in r∘r, so r_k = ±√τ_k with τ the solution of (A) — 2ᵖ sign choices, each
  with σ from the p × p linear system (R): 2ᵖ orbits.
* d = 1: (R) gives r_k = y_k / g_k(σ), g_k = 1 + x²σ/μ_k, and (A) becomes the polynomial
  Σ_k (y_k²/μ_k)·Π_{j≠k} g_j² − (λ/x²)·Π_k g_k² of degree 2p in σ, with no root where a g_k vanishes
  (the sum is then y_k²/μ_k·Π_{j≠k} g_j² ≠ 0): its 2p roots, the eigenvalues of its companion
  matrix, are the orbits.

The other shapes (1 < d < p) need monodromy; d > p has no torus point. No path is tracked: every
point is refined by Newton on the full system and must keep a small residual, lie on the torus
and be distinct, and the orbit of the start point W₀ (critical at the base by construction) must
be among them — otherwise :func:`.monodromy.generic_solutions` runs monodromy and says why.
"""

from __future__ import annotations

import itertools

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...points import SAME_POINT, is_torus, match_index, unique_rows
from ...sign_flips import canonicalize
from .tracker import refine

__all__ = ["CLOSED_FORM_RESIDUAL", "solvable", "torus_orbits"]

#: Largest ‖F‖∞ / (1 + ‖W‖∞) a point of the closed form may keep after Newton.
CLOSED_FORM_RESIDUAL = 1e-9


def solvable(arch: Architecture, samples: int) -> bool:
    """Whether :func:`torus_orbits` solves the torus system of ``arch`` (widths 1, d, p with p = d or d = 1; m = 1)."""
    return arch.depth == 1 and samples == 1 and arch.dx == 1 and arch.hidden[0] in (1, arch.dy)


def _weights(x: complex, r: np.ndarray, sigma: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """The points (a, B) of the solutions (r, σ), one per row: a = √σ, B[k, i] = x·r_k·a_i / μ[k, i]."""
    a = np.sqrt(sigma)
    B = x * r[:, :, None] * a[:, None, :] / mu[None, :, :]
    return np.concatenate([a, B.reshape(len(a), -1)], axis=1)


def _equal_widths(x: complex, y: np.ndarray, lam: np.ndarray, mu: np.ndarray) -> np.ndarray:
    p = len(y)
    tau = np.linalg.solve((1.0 / mu).T, lam / x**2)
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=p)))
    r = signs * np.sqrt(tau)[None, :]
    # (R): Σ_i (x² r_k / μ[k, i]) σ_i = y_k − r_k, one p × p system per sign choice
    sigma = np.linalg.solve(x**2 * r[:, :, None] / mu[None, :, :], (y[None, :] - r)[..., None])[..., 0]
    return _weights(x, r, sigma, mu)


def _one_neuron(x: complex, y: np.ndarray, lam: complex, mu: np.ndarray) -> np.ndarray:
    g = [np.polynomial.Polynomial([1.0, x**2 / m]) for m in mu]
    total = -(lam / x**2) * np.prod([gk**2 for gk in g])
    for k, (yk, mk) in enumerate(zip(y, mu)):
        total = total + (yk**2 / mk) * np.prod([gj**2 for j, gj in enumerate(g) if j != k])
    sigma = total.roots()
    r = y[None, :] / (1.0 + x**2 * sigma[:, None] / mu[None, :])
    return _weights(x, r, sigma[:, None], mu[:, None])


def torus_orbits(base: Instance, start: np.ndarray) -> tuple[np.ndarray | None, str]:
    """One canonical point per sign-flip orbit of the torus critical points at ``base``, and why
    they are accepted — or None and why not. ``start``: the canonical start point W₀, critical at
    ``base``, whose orbit must be among them."""
    arch = base.architecture
    x, y = complex(base.X[0, 0]), base.Y[:, 0].astype(complex)
    lam, mu = base.lambdas[0][:, 0].astype(complex), base.lambdas[1].astype(complex)
    with np.errstate(all="ignore"):
        points = _equal_widths(x, y, lam, mu) if arch.hidden[0] == arch.dy and arch.dy > 1 else _one_neuron(x, y, lam[0], mu[:, 0])
        points, residual = refine(base, points)
    bad = ~(np.isfinite(residual) & (residual <= CLOSED_FORM_RESIDUAL) & is_torus(arch, points))
    if bad.any():
        return None, f"closed form: {int(bad.sum())} of {len(points)} points not torus critical points after Newton"
    reps = canonicalize(arch, points)
    keep, _ = unique_rows(reps, SAME_POINT)
    if len(keep) < len(reps):
        return None, f"closed form: {len(reps) - len(keep)} of {len(reps)} orbits coincide"
    if match_index(start, reps, SAME_POINT)[0] < 0:
        return None, "closed form: the start point's orbit is not among its orbits"
    return reps, f"closed form: {len(reps)} orbits, each refined by Newton; the start point's orbit among them"
