"""The projective homotopy of the blackbox method: a start system to the gradient system, in y = (x0, x).

``H(y, t) = (1 − t)·γ·G(y) + t·F(y)`` joins a linear-product start system G
(:mod:`.start_systems`) to the homogenized gradient system F in homogeneous coordinates
``y = (x0, x)`` on a random affine patch ``a · y = 1``, so the paths that go to infinity (almost
all of them) stay bounded and end with x0 → 0. The endgame that reads those ends is in
:mod:`.blackbox`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from ...data import Instance
from ...numeric.evaluate import Parameters, gradient, gradient_and_jacobian, parameter_derivative
from .start_systems import LinearProductStart

__all__ = ["ProjectiveHomotopy", "ProjectiveSegment", "dehomogenize"]


@dataclass(frozen=True, eq=False)
class ProjectiveHomotopy:
    """``[(1 − t)·γ·G(y) + t·F(y); a·y − 1]`` in homogeneous coordinates ``y = (x0, x)``.

    F is homogenized by scaling the data: the gradient has homogeneous parts of degrees 2H+1
    (the Σxx term), H (the Σyx term) and 1 (the Λ term), so ``x0^{2H+1} F(x / x0)`` is F at x with
    Y scaled by x0^{H+1} and Λ by x0^{2H} — no division by x0, which vanishes at infinity.
    """

    instance: Instance
    start: LinearProductStart
    gamma: complex
    patch: np.ndarray
    #: y = (x0, x): the tracker keeps Newton from moving x0 onto the solutions at infinity
    homogeneous: ClassVar[bool] = True

    def _scaled(self, x0: np.ndarray, power_y: int, power_l: int, factor_y: float = 1.0, factor_l: float = 1.0) -> Parameters:
        inst = self.instance
        return Parameters(
            inst.X[None].astype(complex),
            factor_y * inst.Y[None] * x0[:, None, None] ** power_y,
            tuple(factor_l * lam[None] * x0[:, None, None] ** power_l for lam in inst.lambdas),
        )

    def target(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Homogenized F ``(P, N)`` and its Jacobian in y ``(P, N, N + 1)``."""
        arch = self.instance.architecture
        depth = arch.depth
        x0, x = y[:, 0], y[:, 1:]
        params = self._scaled(x0, depth + 1, 2 * depth)
        F, Jx = gradient_and_jacobian(arch, x, params)
        tangent = self._scaled(x0, depth, 2 * depth - 1, depth + 1.0, 2.0 * depth)
        tangent = replace(tangent, X=np.zeros_like(tangent.X))
        J = np.empty((len(y), arch.n_unknowns, arch.n_unknowns + 1), dtype=complex)
        J[:, :, 0] = parameter_derivative(arch, x, params, tangent)
        J[:, :, 1:] = Jx
        return F, J

    def target_value(self, y: np.ndarray) -> np.ndarray:
        depth = self.instance.architecture.depth
        return gradient(self.instance.architecture, y[:, 1:], self._scaled(y[:, 0], depth + 1, 2 * depth))

    def evaluate_all(self, y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """H, H_y and H_t from one evaluation of F and G (the tracker's predictor needs all three)."""
        F, JF = self.target(y)
        G, JG = self.start.evaluate(y)
        s, u = (1.0 - t)[:, None] * self.gamma, t[:, None]
        n = F.shape[1]
        H = np.empty((len(y), n + 1), dtype=complex)
        H[:, :n] = s * G + u * F
        H[:, n] = np.einsum("pn,n->p", y, self.patch) - 1.0  # not y @ patch: see LinearProductStart._forms
        Hy = np.empty((len(y), n + 1, n + 1), dtype=complex)
        np.multiply(JF, u[..., None], out=Hy[:, :n])
        Hy[:, :n] += np.multiply(JG, s[..., None], out=JG)
        Hy[:, n] = self.patch
        Ht = np.zeros(y.shape, dtype=complex)
        Ht[:, :n] = F - self.gamma * G
        return H, Hy, Ht

    def evaluate(self, y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        H, Hy, _ = self.evaluate_all(y, t)
        return H, Hy

    def derivative_t(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        Ht = np.zeros(y.shape, dtype=complex)
        Ht[:, :-1] = self.target_value(y) - self.gamma * self.start.value(y)
        return Ht


@dataclass(frozen=True, eq=False)
class ProjectiveSegment:
    """The homotopy restricted to t ∈ [t0, t1], reparametrized by s ∈ [0, 1] for :func:`.tracker.track`."""

    homotopy: ProjectiveHomotopy
    t0: float
    t1: float

    @property
    def homogeneous(self) -> bool:
        return getattr(self.homotopy, "homogeneous", False)

    def _t(self, s: np.ndarray) -> np.ndarray:
        return self.t0 + s * (self.t1 - self.t0)

    def evaluate(self, y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.homotopy.evaluate(y, self._t(s))

    def derivative_t(self, y: np.ndarray, s: np.ndarray) -> np.ndarray:
        return (self.t1 - self.t0) * self.homotopy.derivative_t(y, self._t(s))

    def evaluate_all(self, y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        H, Hy, Ht = self.homotopy.evaluate_all(y, self._t(s))
        return H, Hy, (self.t1 - self.t0) * Ht


def dehomogenize(y: np.ndarray) -> np.ndarray:
    """The affine points ``x / x0`` of homogeneous rows ``y = (x0, x)`` (inf or NaN where x0 = 0)."""
    with np.errstate(all="ignore"):
        return y[:, 1:] / y[:, :1]
