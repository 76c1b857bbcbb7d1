"""Reduced systems of one-sample networks, solved by a linear-product homotopy of their own structure.

With one data point x (a scalar: :mod:`.input_width` brings every one-sample network to input
width 1), ∂L/∂W_ℓ = 0 says W_ℓ[i, j] = δ_ℓ[i]·h_{ℓ−1}[j] / Λ_ℓ[i, j] for the forward values h and
the back-propagated residuals δ. On the torus (no zero weight) this leaves equations in the squares
of the hidden values and the residual r = y − ŷ alone, each solution with no zero entry one
sign-flip orbit. :mod:`.reduced` says which shapes and how the orbits are accepted.

One hidden layer, widths (1, d, p), a the first layer, B the second, unknowns z = (r, σ = a∘a):

    Σ_k r_k² / μ[k, i] = λ_i / x²          (i ≤ d)   bidegree (2, 0)
    r_k · g_k(σ) = y_k,  g_k = 1 + x²·Σ_i σ_i / μ[k, i]   (k ≤ p)   bidegree (1, 1)

with B[k, i] = x·r_k·a_i / μ[k, i]. Two hidden layers, widths (1, d₁, d₂, p), layers a, B, C,
v = B·a, unknowns z = (σ = a∘a, w = v∘v, r), α_j = Σ_i σ_i / μ_B[j, i], β_j = Σ_k r_k² / μ_C[k, j]:

    x⁴·Σ_j w_j β_j² / μ_B[j, i] = λ_i       (i ≤ d₁)   multidegree (0, 1, 4)
    x²·α_j β_j = 1                          (j ≤ d₂)   multidegree (1, 0, 2)
    r_k · (1 + x²·Σ_j w_j / μ_C[k, j]) = y_k (k ≤ p)    multidegree (0, 1, 1)

with s = x·v∘β (= Cᵀr), B = x·s·aᵀ / μ_B, C = x·r·vᵀ / μ_C (v = B·a holds by the second block).

The start system replaces each equation by a product of random affine forms, one per unit of its
multidegree in each group of unknowns; its solutions (a factor of each equation, such that every
group gets as many equations as unknowns: linear solves) number the multihomogeneous Bézout
number, which bounds the isolated solutions of the reduced system. The homotopy
H = (1 − t)·γ·G + t·F runs in homogeneous coordinates y = (x₀, z) on a random affine patch (F
homogenized by total degree), and the blackbox route's endgame (:func:`.blackbox.track_with_retries`)
tells the finite end points from those at infinity. With the gamma trick the B paths are smooth on
[0, 1) and their limits include every isolated finite solution (Morgan–Sommese, m-homogeneous
homotopies), so a run in which every path ends at a distinct finite nonsingular solution or at
infinity has found them all — whatever the data, with no stopping rule. At generic data one hidden
layer attains the bound (2ᵈ·C(p, d): 24 paths for the 24 orbits of 1,2,4); two hidden layers do not
(33 paths for the 24 orbits of 1,2,2,2, the other 9 at infinity).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np

from ...data import Instance
from ...options import RETRY_SCHEDULE, SolveOptions
from ...results import ReturnCode
from .blackbox import track_with_retries
from .start_systems import _group_assignments, _random_complex

__all__ = ["OneHiddenLayer", "ReducedRun", "TwoHiddenLayers", "reduced_system", "solve_reduced"]


class _ReducedSystem:
    """What the homotopy needs of a reduced system: its groups of unknowns, the group of every
    linear factor of each equation's start form, F with its Jacobian, and the way back to weights."""

    #: sizes of the groups of unknowns, in the order of z
    groups: tuple[int, ...]
    #: per equation, the group of each of its linear factors (its multidegree, spelled out)
    factors: tuple[tuple[int, ...], ...]

    @property
    def n_unknowns(self) -> int:
        return sum(self.groups)

    @cached_property
    def degrees(self) -> np.ndarray:
        return np.array([len(f) for f in self.factors])

    def evaluate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - protocol
        raise NotImplementedError

    def weights(self, z: np.ndarray) -> np.ndarray:  # pragma: no cover - protocol
        raise NotImplementedError


class OneHiddenLayer(_ReducedSystem):
    """The reduced system of widths (1, d, p) in z = (r, σ); ``mu`` is Λ₂, ``(p, d)``."""

    def __init__(self, x: complex, y: np.ndarray, lam: np.ndarray, mu: np.ndarray) -> None:
        self.x, self.y, self.mu = x, y, mu
        self.inv_mu, self.x2, self.rhs = 1.0 / mu, x * x, lam / (x * x)
        self.p, self.d = p, d = mu.shape
        self.groups = (p, d)
        self.factors = ((0, 0),) * d + ((0, 1),) * p

    def evaluate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, d = self.p, self.d
        r, s = z[:, :p], z[:, p:]
        g = 1.0 + self.x2 * s @ self.inv_mu.T
        F = np.concatenate([(r * r) @ self.inv_mu - self.rhs, r * g - self.y], axis=1)
        J = np.zeros((len(z), d + p, p + d), dtype=complex)
        J[:, :d, :p] = 2.0 * r[:, None, :] * self.inv_mu.T[None]
        J[:, d + np.arange(p), np.arange(p)] = g
        J[:, d:, p:] = self.x2 * r[:, :, None] * self.inv_mu[None]
        return F, J

    def weights(self, z: np.ndarray) -> np.ndarray:
        """The points (a, B) of solutions z = (r, σ), one per row: a = √σ, B[k, i] = x·r_k·a_i / μ[k, i]."""
        r, a = z[:, : self.p], np.sqrt(z[:, self.p :])
        B = self.x * r[:, :, None] * a[:, None, :] / self.mu[None, :, :]
        return np.concatenate([a, B.reshape(len(a), -1)], axis=1)


class TwoHiddenLayers(_ReducedSystem):
    """The reduced system of widths (1, d₁, d₂, p) in z = (σ, w, r); ``mu_b`` is Λ₂ ``(d₂, d₁)``,
    ``mu_c`` is Λ₃ ``(p, d₂)``."""

    def __init__(self, x: complex, y: np.ndarray, lam: np.ndarray, mu_b: np.ndarray, mu_c: np.ndarray) -> None:
        self.x, self.y, self.lam, self.mu_b, self.mu_c = x, y, lam, mu_b, mu_c
        self.inv_b, self.inv_c = 1.0 / mu_b, 1.0 / mu_c
        self.d2, self.d1 = mu_b.shape
        self.p = mu_c.shape[0]
        self.groups = (self.d1, self.d2, self.p)
        self.factors = ((1, 2, 2, 2, 2),) * self.d1 + ((0, 2, 2),) * self.d2 + ((2, 1),) * self.p

    def _split(self, z: np.ndarray):
        d1, d2 = self.d1, self.d2
        return z[:, :d1], z[:, d1 : d1 + d2], z[:, d1 + d2 :]

    def evaluate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d1, d2, p, x2 = self.d1, self.d2, self.p, self.x * self.x
        sigma, w, r = self._split(z)
        alpha = sigma @ self.inv_b.T
        beta = (r * r) @ self.inv_c
        g = 1.0 + x2 * w @ self.inv_c.T
        F = np.concatenate([x2 * x2 * (w * beta**2) @ self.inv_b - self.lam, x2 * alpha * beta - 1.0, r * g - self.y],
                           axis=1)
        n = d1 + d2 + p
        J = np.zeros((len(z), n, n), dtype=complex)
        dbeta = 2.0 * r[:, :, None] * self.inv_c[None]  # ∂β_j/∂r_k, (P, p, d2)
        J[:, :d1, d1 : d1 + d2] = x2 * x2 * (beta**2)[:, None, :] * self.inv_b.T[None]
        J[:, :d1, d1 + d2 :] = x2 * x2 * np.einsum("Pj,ji,Pkj->Pik", 2.0 * w * beta, self.inv_b, dbeta)
        J[:, d1 : d1 + d2, :d1] = x2 * beta[:, :, None] * self.inv_b[None]
        J[:, d1 : d1 + d2, d1 + d2 :] = x2 * alpha[:, :, None] * dbeta.transpose(0, 2, 1)
        J[:, d1 + d2 :, d1 : d1 + d2] = x2 * r[:, :, None] * self.inv_c[None]
        J[:, d1 + d2 + np.arange(p), d1 + d2 + np.arange(p)] = g
        return F, J

    def weights(self, z: np.ndarray) -> np.ndarray:
        """The points (a, B, C) of solutions z = (σ, w, r), one per row (principal square roots)."""
        sigma, w, r = self._split(z)
        a, v = np.sqrt(sigma), np.sqrt(w)
        s = self.x * v * ((r * r) @ self.inv_c)
        B = self.x * s[:, :, None] * a[:, None, :] / self.mu_b[None]
        C = self.x * r[:, :, None] * v[:, None, :] / self.mu_c[None]
        return np.concatenate([a, B.reshape(len(z), -1), C.reshape(len(z), -1)], axis=1)


def reduced_system(instance: Instance) -> _ReducedSystem:
    """The reduced system of a one-sample instance of input width 1 and one or two hidden layers."""
    arch = instance.architecture
    x, y = complex(instance.X[0, 0]), instance.Y[:, 0].astype(complex)
    lam = instance.lambdas[0][:, 0].astype(complex)
    if arch.depth == 1:
        return OneHiddenLayer(x, y, lam, instance.lambdas[1].astype(complex))
    return TwoHiddenLayers(x, y, lam, instance.lambdas[1].astype(complex), instance.lambdas[2].astype(complex))


class _LinearProductStart:
    """G_i(y) = Π_f ℓ_if(y), ℓ_if a random linear form in x₀ and the unknowns of its factor's group."""

    def __init__(self, system: _ReducedSystem, rng: np.random.Generator) -> None:
        self.system = system
        n, top = system.n_unknowns, int(system.degrees.max())
        offsets = np.concatenate([[0], np.cumsum(system.groups)])
        self.forms = np.zeros((len(system.factors), top, n + 1), dtype=complex)
        self.used = np.zeros((len(system.factors), top), dtype=bool)
        for i, groups in enumerate(system.factors):
            for f, g in enumerate(groups):
                self.forms[i, f, 0] = _random_complex(rng, ())
                self.forms[i, f, 1 + offsets[g] : 1 + offsets[g + 1]] = _random_complex(rng, (system.groups[g],))
                self.used[i, f] = True

    def evaluate(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values = np.where(self.used[None], np.einsum("Pn,ifn->Pif", y, self.forms), 1.0)
        G = values.prod(axis=2)
        J = np.zeros((len(y), *self.forms.shape[::2]), dtype=complex)
        for f in range(self.forms.shape[1]):  # product rule, one factor at a time
            others = np.delete(values, f, axis=2).prod(axis=2)
            J += (others * self.used[None, :, f])[:, :, None] * self.forms[None, :, f, :]
        return G, J

    def choices(self) -> np.ndarray:
        """The factor of each equation at every start solution: every group gets as many
        vanishing factors as it has unknowns (other choices have no solution on the patch) —
        enumerated as the blackbox's m-homogeneous start system enumerates them."""
        factors = self.system.factors
        found = [choice for assignment in _group_assignments(self.system.groups)
                 for choice in itertools.product(*[[f for f, g in enumerate(factors[i]) if g == group]
                                                   for i, group in enumerate(assignment)])]
        return np.array(found, dtype=int).reshape(len(found), len(factors))

    def solutions(self, patch: np.ndarray) -> np.ndarray:
        choices = self.choices()
        rows = self.forms[np.arange(len(self.system.factors))[None, :], choices]  # (S, n, n + 1)
        A = np.concatenate([rows, np.broadcast_to(patch, (len(choices), 1, len(patch)))], axis=1)
        b = np.zeros((len(choices), len(patch)), dtype=complex)
        b[:, -1] = 1.0
        return np.linalg.solve(A, b[..., None])[..., 0]


@dataclass(frozen=True, eq=False)
class _ProjectiveReduced:
    """``[(1 − t)·γ·G(y) + t·Fʰ(y); a·y − 1]`` in y = (x₀, z), Fʰ_i(y) = x₀^{deg_i}·F_i(z / x₀).

    Fʰ comes from the affine F by Euler's relation: ∂Fʰ/∂z = x₀^{deg−1}·F_z(u) and
    ∂Fʰ/∂x₀ = x₀^{deg−1}·(deg·F(u) − F_z(u)·u) at u = z / x₀ — in floating point as accurate as the
    homogeneous form near infinity too, where u is large and the terms of lower degree drop out.
    """

    system: _ReducedSystem
    start: _LinearProductStart
    gamma: complex
    patch: np.ndarray
    homogeneous: ClassVar[bool] = True

    def target(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x0 = y[:, :1]
        u = y[:, 1:] / x0
        F, J = self.system.evaluate(u)
        scale = x0 ** (self.system.degrees[None, :] - 1)  # (P, n_eq)
        Jy = np.empty((len(y), F.shape[1], y.shape[1]), dtype=complex)
        Jy[:, :, 0] = scale * (self.system.degrees[None, :] * F - np.einsum("Pij,Pj->Pi", J, u))
        Jy[:, :, 1:] = scale[:, :, None] * J
        return scale * x0 * F, Jy

    def evaluate_all(self, y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        (F, JF), (G, JG) = self.target(y), self.start.evaluate(y)
        s, u = ((1.0 - t) * self.gamma)[:, None], t[:, None]
        H = np.concatenate([s * G + u * F, (y @ self.patch - 1.0)[:, None]], axis=1)
        Hy = np.concatenate([s[..., None] * JG + u[..., None] * JF,
                             np.broadcast_to(self.patch, (len(y), 1, len(self.patch)))], axis=1)
        Ht = np.concatenate([F - self.gamma * G, np.zeros((len(y), 1), dtype=complex)], axis=1)
        return H, Hy, Ht

    def evaluate(self, y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        H, Hy, _ = self.evaluate_all(y, t)
        return H, Hy

    def derivative_t(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return self.evaluate_all(y, t)[2]


@dataclass(frozen=True, eq=False)
class ReducedRun:
    """Every path of a reduced homotopy, accounted for.

    ``points`` are the distinct finite nonsingular end points (refined by Newton on F), one row
    each; the other paths ended at infinity, singular or failed (path jumps that persisted through
    every retry included). ``infinity_ratio`` is the largest |x₀|/‖y‖∞ with which a path was taken
    for one at infinity (0 with none), to set against the finite points' 1/max(1, ‖z‖∞): the margin
    between the two classes. ``seed`` drew the start system, γ and the patch.
    """

    points: np.ndarray
    n_paths: int
    n_at_infinity: int
    n_singular: int
    n_failed: int
    infinity_ratio: float
    steps: int
    retried: int
    seed: int

    @property
    def accounted(self) -> bool:
        """Every path at a finite nonsingular point or at infinity: then no isolated solution is missing."""
        return self.n_failed == 0 and self.n_singular == 0

    def separation(self) -> float:
        """How far apart the two classes of end points are: the smallest 1/max(1, ‖z‖∞) of a finite
        point over the largest |x₀|/‖y‖∞ of a path taken for one at infinity (inf with none)."""
        if not self.n_at_infinity:
            return np.inf
        finite = 1.0 / max(1.0, float(np.abs(self.points).max(initial=0.0)))
        return finite / max(self.infinity_ratio, 1e-300)


def solve_reduced(system: _ReducedSystem, seed: int, options: SolveOptions | None = None) -> ReducedRun:
    """Track every path of the linear-product homotopy to the reduced ``system`` through the
    blackbox route's endgame and the first entry of its retry schedule (``options.tracker``,
    ``options.endgame``, ``options.endpoint_singular_condition``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = lambda *shape: rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    >>> run = solve_reduced(OneHiddenLayer(c(), c(4), c(2), c(4, 2)), seed=0)
    >>> run.n_paths, len(run.points), run.n_at_infinity, run.accounted
    (24, 24, 0, True)
    """
    options = options or SolveOptions()
    rng = np.random.default_rng(seed)
    start = _LinearProductStart(system, rng)
    gamma = complex(np.exp(2j * np.pi * rng.uniform()))
    patch = _random_complex(rng, (system.n_unknowns + 1,))
    starts = start.solutions(patch)
    hom = _ProjectiveReduced(system, start, gamma, patch)
    with np.errstate(all="ignore"):
        # one retry pass, not the whole schedule: paths the reduced route cannot classify (slow decays
        # to infinity) stay so, and the second pass cost 1,2,4,3 a third more (60 s against 38 s,
        # measured) before the run was refused anyway
        paths, retried, steps = track_with_retries(hom, starts, options, lambda n: None, system.evaluate,
                                                   RETRY_SCHEDULE[:1])
    codes = paths.code
    finite = codes == ReturnCode.SUCCESS
    infinite = codes == ReturnCode.AT_INFINITY
    ratios = np.abs(paths.y[infinite, 0]) / np.abs(paths.y[infinite]).max(axis=1, initial=0.0)
    known = (ReturnCode.SUCCESS, ReturnCode.AT_INFINITY, ReturnCode.SINGULAR)
    return ReducedRun(
        points=paths.point[finite],
        n_paths=len(starts),
        n_at_infinity=int(infinite.sum()),
        n_singular=int(np.sum(codes == ReturnCode.SINGULAR)),
        n_failed=int(np.sum(~np.isin(codes, known))),
        infinity_ratio=float(ratios.max(initial=0.0)),
        steps=steps,
        retried=retried,
        seed=seed,
    )
