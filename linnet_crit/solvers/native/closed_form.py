"""One hidden layer, one data point: the torus critical points from a reduced system, in closed form where it decouples.

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

The other shapes (1 < d < p) are solved by the reduced system's two-homogeneous homotopy
(:mod:`.reduced_homotopy`): its 2ᵈ·C(p, d) paths, a bound on the reduced system's isolated
solutions, are accepted only when every one ends at a distinct nonsingular solution — then no
torus orbit is left: on the torus, (a, B) ↦ (r, a∘a) maps critical points one to one (up to sign
flips) onto the reduced solutions with no zero entry, by a local isomorphism (a = √σ is analytic
where σ has no zero), so each isolated orbit is an isolated reduced solution. d > p has no torus
point ((A) is then d equations, linear in r∘r, in p < d unknowns).

Either way every point is refined by Newton on the full system and must keep a small residual, lie
on the torus and be distinct, and the orbit of the start point W₀ (critical at the base by
construction) must be among them — otherwise :func:`.monodromy.generic_solutions` runs the
blackbox or monodromy and says why.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...points import SAME_POINT, is_torus, match_index, unique_rows
from ...sign_flips import canonicalize
from ...options import TrackerOptions
from .reduced_homotopy import bezout_number, solve_reduced
from .tracker import refine

__all__ = ["CLOSED_FORM_RESIDUAL", "ReducedOrbits", "decouples", "solvable", "torus_orbits"]

#: Largest ‖F‖∞ / (1 + ‖W‖∞) a point of the closed form may keep after Newton.
CLOSED_FORM_RESIDUAL = 1e-9


def solvable(arch: Architecture, samples: int) -> bool:
    """Whether :func:`torus_orbits` solves the torus system of ``arch`` (widths 1, d, p with d ≤ p; m = 1)."""
    return arch.depth == 1 and samples == 1 and arch.dx == 1 and arch.hidden[0] <= arch.dy


def decouples(arch: Architecture) -> bool:
    """Whether the reduced system of ``arch`` (solvable) is solved exactly: widths 1,d,d and 1,1,p."""
    return arch.hidden[0] in (1, arch.dy)


@dataclass(frozen=True, eq=False)
class ReducedOrbits:
    """What :func:`torus_orbits` found: one canonical point per sign-flip orbit (None when refused),
    why they are accepted or not, the route (``"closed form"`` or ``"reduced homotopy"``) and the
    paths it tracked (none in closed form), their steps, how many failed, and the homotopy's seed."""

    representatives: np.ndarray | None
    reason: str
    route: str
    paths: int = 0
    steps: int = 0
    failed: int = 0
    seed: int | None = None

    @property
    def n_orbits(self) -> int:
        return 0 if self.representatives is None else len(self.representatives)


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


def torus_orbits(base: Instance, start: np.ndarray, rng: np.random.Generator, tracker: TrackerOptions | None = None,
                 singular_condition: float = 1e10) -> ReducedOrbits:
    """The torus orbits of the solvable shape at ``base``, in closed form or by the reduced homotopy.

    ``start``: the canonical start point W₀, critical at ``base``, whose orbit must be among them.
    ``rng`` draws the reduced homotopy's seed (not used in closed form); an end point of it whose
    reduced Jacobian has a condition number above ``singular_condition`` refuses the run.
    """
    arch = base.architecture
    x, y = complex(base.X[0, 0]), base.Y[:, 0].astype(complex)
    lam, mu = base.lambdas[0][:, 0].astype(complex), base.lambdas[1].astype(complex)
    if decouples(arch):
        with np.errstate(all="ignore"):
            points = _equal_widths(x, y, lam, mu) if arch.hidden[0] == arch.dy and arch.dy > 1 else _one_neuron(x, y, lam[0], mu[:, 0])
        reps, why = _accepted(base, points, start, "closed form")
        return ReducedOrbits(reps, why, "closed form")
    seed = int(rng.integers(2**63))
    run = solve_reduced(x, y, lam, mu, seed, tracker)
    route, bound = "reduced homotopy", bezout_number(arch.hidden[0], arch.dy)
    failed = int(np.sum(~np.isfinite(run.conditions)))
    singular = int(np.sum(np.isfinite(run.conditions) & (run.conditions > singular_condition)))
    if failed or singular:
        why = (f"{route}: of its {bound} paths (the two-homogeneous Bézout number) {failed} failed and {singular} "
               f"ended where the reduced Jacobian's condition number exceeds {singular_condition:.0e}")
        return ReducedOrbits(None, why, route, run.n_paths, run.steps, failed, seed)
    p = arch.dy
    reps, why = _accepted(base, _weights(x, run.points[:, :p], run.points[:, p:], mu), start, route)
    if reps is not None:
        why = (f"{route}: all {bound} paths (the two-homogeneous Bézout number, which bounds its isolated "
               f"solutions) ended at distinct nonsingular solutions, each refined by Newton to a torus critical "
               f"point; the start point's orbit among them")
    return ReducedOrbits(reps, why, route, run.n_paths, run.steps, 0, seed)


def _accepted(base: Instance, points: np.ndarray, start: np.ndarray, route: str) -> tuple[np.ndarray | None, str]:
    """The canonical orbits of ``points`` if each refines to a distinct torus critical point and the
    start point's orbit is among them, and why (or None and why not)."""
    arch = base.architecture
    with np.errstate(all="ignore"):
        points, residual = refine(base, points)
    bad = ~(np.isfinite(residual) & (residual <= CLOSED_FORM_RESIDUAL) & is_torus(arch, points))
    if bad.any():
        return None, f"{route}: {int(bad.sum())} of {len(points)} points not torus critical points after Newton"
    reps = canonicalize(arch, points)
    keep, _ = unique_rows(reps, SAME_POINT)
    if len(keep) < len(reps):
        return None, f"{route}: {len(reps) - len(keep)} of {len(reps)} orbits coincide"
    if match_index(start, reps, SAME_POINT)[0] < 0:
        return None, f"{route}: the start point's orbit is not among its orbits"
    return reps, f"{route}: {len(reps)} orbits, each refined by Newton; the start point's orbit among them"
