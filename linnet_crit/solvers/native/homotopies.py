"""Homotopies of the gradient system: straight lines in parameter space (X, Y, Λ).

Start and target parameters may differ from path to path (a batch of P parameter points), so that
paths of several monodromy loops or several alive sets advance together in one batch.
"""

from __future__ import annotations

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import ParameterSegment, Parameters, gradient_and_jacobian, jacobian_and_parameter_derivative, parameter_derivative

__all__ = ["ParameterArc", "ParameterHomotopy", "fixed"]


class ParameterHomotopy:
    """F(x; (1−t)·start + t·target) — X and Y interpolated directly, never Σxx, Σyx."""

    def __init__(self, arch: Architecture, start: Parameters | Instance, target: Parameters | Instance,
                 segment: ParameterSegment | None = None) -> None:
        self.arch = arch
        # the target as given (continuation evaluates the Jacobian there), the start only in the segment
        self.target = target if isinstance(target, Parameters) else Parameters.of(target)
        self.segment = segment or ParameterSegment.between(
            start if isinstance(start, Parameters) else Parameters.of(start), self.target)

    def select(self, index: np.ndarray) -> ParameterHomotopy:
        """The homotopy of the paths ``index`` only (the tracker retires finished paths)."""
        segment = self.segment.select(index)
        return ParameterHomotopy(self.arch, segment.start, self.target.select(index), segment)

    def evaluate(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return gradient_and_jacobian(self.arch, x, self.segment.point(np.asarray(t, dtype=float)))

    def derivative_t(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        return parameter_derivative(self.arch, x, self.segment.point(np.asarray(t, dtype=float)),
                                    self.segment.tangent())

    def evaluate_all(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """H, H_x and H_t from one set of layer products."""
        return jacobian_and_parameter_derivative(self.arch, x, self.segment.point(np.asarray(t, dtype=float)),
                                                 self.segment.tangent())


class ParameterArc:
    """F(x; p0 + s(τ)·(p1 − p0)) on the arc s(τ) = τρ / (1 − τ + τρ) of the complex line through p0, p1.

    This is the γ-trick's path: for a system affine in the moving parameters it is the homotopy
    (1 − τ)·F(x; p0) + τρ·F(x; p1), divided by 1 − τ + τρ. ρ = 1 is the straight segment; the
    arcs are the arcs of the circles through s = 0 and s = 1, and arg ρ says on which side of the
    arc each branch point of the line lies — two arcs with the same ends make a loop around the
    branch points between them, near or far. Each path has its own ρ and direction: ``reverse``
    paths run from p1 (t = 0) to p0 (t = 1), i.e. τ = 1 − t. Used by monodromy (:mod:`.monodromy`).
    """

    def __init__(self, arch: Architecture, segment: ParameterSegment, rho: np.ndarray, reverse: np.ndarray) -> None:
        """``segment``: the line from p0 to p1 (:meth:`~linnet_crit.numeric.ParameterSegment.between`)."""
        self.arch, self.segment = arch, segment
        self.rho = np.asarray(rho, dtype=complex)
        self.reverse = np.asarray(reverse, dtype=bool)

    def select(self, index: np.ndarray) -> ParameterArc:
        return ParameterArc(self.arch, self.segment.select(index), self.rho[index], self.reverse[index])

    def _at(self, t: np.ndarray) -> tuple[Parameters, Parameters]:
        tau = np.where(self.reverse, 1.0 - np.asarray(t, dtype=float), t)
        denominator = 1.0 - tau + tau * self.rho
        ds = np.where(self.reverse, -1.0, 1.0) * self.rho / denominator**2
        return self.segment.point(tau * self.rho / denominator), self.segment.tangent(ds)

    def evaluate(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return gradient_and_jacobian(self.arch, x, self._at(t)[0])

    def derivative_t(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        return parameter_derivative(self.arch, x, *self._at(t))

    def evaluate_all(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return jacobian_and_parameter_derivative(self.arch, x, *self._at(t))


def fixed(arch: Architecture, params: Parameters | Instance) -> ParameterHomotopy:
    """The system at one parameter point (or one per path), for Newton refinement."""
    return ParameterHomotopy(arch, params, params)
