"""One hidden layer, one data point: the reduced system in closed form where it decouples.

The reduced system of widths (1, d, p) (:class:`.reduced_homotopy.OneHiddenLayer`), in r = y − x·B·a
and σ = a∘a,

    Σ_k r_k² / μ[k, i] = λ_i / x²               (i = 1 … d)   (A)
    r_k · (1 + x²·Σ_i σ_i / μ[k, i]) = y_k       (k = 1 … p)   (R)

is solved exactly in two cases:

* p = d: (A) is linear in r∘r, so r_k = ±√τ_k with τ the solution of (A) — 2ᵖ sign choices, each
  with σ from the p × p linear system (R): 2ᵖ solutions.
* d = 1: (R) gives r_k = y_k / g_k(σ), g_k = 1 + x²σ/μ_k, and (A) becomes the polynomial
  Σ_k (y_k²/μ_k)·Π_{j≠k} g_j² − (λ/x²)·Π_k g_k² of degree 2p in σ, with no root where a g_k vanishes
  (the sum is then y_k²/μ_k·Π_{j≠k} g_j² ≠ 0): its 2p roots, the eigenvalues of its companion
  matrix, are the solutions.

Either count equals the system's two-homogeneous Bézout number 2ᵈ·C(p, d), so these are all its
solutions (:mod:`.reduced` checks them as it checks the homotopy's).
"""

from __future__ import annotations

import itertools

import numpy as np

from .reduced_homotopy import OneHiddenLayer

__all__ = ["decouples", "solutions"]


def decouples(d: int, p: int) -> bool:
    """Whether the reduced system of widths (1, d, p) is solved here: d = p or d = 1."""
    return d in (1, p)


def solutions(system: OneHiddenLayer) -> np.ndarray:
    """The solutions z = (r, σ) of a reduced system that :func:`decouples`, one per row."""
    x, y, mu, rhs = system.x, system.y, system.mu, system.rhs  # rhs = λ / x²
    if system.d == system.p and system.p > 1:
        return _equal_widths(x, y, rhs, mu)
    return _one_neuron(x, y, rhs[0], mu[:, 0])


def _equal_widths(x: complex, y: np.ndarray, rhs: np.ndarray, mu: np.ndarray) -> np.ndarray:
    p = len(y)
    tau = np.linalg.solve((1.0 / mu).T, rhs)
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=p)))
    r = signs * np.sqrt(tau)[None, :]
    # (R): Σ_i (x² r_k / μ[k, i]) σ_i = y_k − r_k, one p × p system per sign choice
    sigma = np.linalg.solve(x**2 * r[:, :, None] / mu[None, :, :], (y[None, :] - r)[..., None])[..., 0]
    return np.concatenate([r, sigma], axis=1)


def _one_neuron(x: complex, y: np.ndarray, rhs: complex, mu: np.ndarray) -> np.ndarray:
    g = [np.polynomial.Polynomial([1.0, x**2 / m]) for m in mu]
    total = -rhs * np.prod([gk**2 for gk in g])
    for k, (yk, mk) in enumerate(zip(y, mu)):
        total = total + (yk**2 / mk) * np.prod([gj**2 for j, gj in enumerate(g) if j != k])
    sigma = total.roots()
    r = y[None, :] / (1.0 + x**2 * sigma[:, None] / mu[None, :])
    return np.concatenate([r, sigma[:, None]], axis=1)
