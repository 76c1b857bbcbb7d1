"""Homotopies of the gradient system: straight lines in parameter space (X, Y, Λ).

Start and target parameters may differ from path to path (a batch of P parameter points), so that
paths of several monodromy loops or several alive sets advance together in one batch.
"""

from __future__ import annotations

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import Parameters, gradient_and_jacobian, jacobian_and_parameter_derivative, parameter_derivative

__all__ = ["ParameterHomotopy", "fixed"]


class ParameterHomotopy:
    """F(x; (1−t)·start + t·target) — X and Y interpolated directly, never Σxx, Σyx."""

    def __init__(self, arch: Architecture, start: Parameters | Instance, target: Parameters | Instance) -> None:
        self.arch = arch
        self.start = start if isinstance(start, Parameters) else Parameters.of(start)
        self.target = target if isinstance(target, Parameters) else Parameters.of(target)

    def select(self, index: np.ndarray) -> ParameterHomotopy:
        """The homotopy of the paths ``index`` only (the tracker retires finished paths)."""
        return ParameterHomotopy(self.arch, self.start.select(index), self.target.select(index))

    def evaluate(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        params, _ = Parameters.line(self.start, self.target, t)
        return gradient_and_jacobian(self.arch, x, params)

    def derivative_t(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        params, tangent = Parameters.line(self.start, self.target, t)
        return parameter_derivative(self.arch, x, params, tangent)

    def evaluate_all(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """H, H_x and H_t from one set of layer products."""
        params, tangent = Parameters.line(self.start, self.target, t)
        return jacobian_and_parameter_derivative(self.arch, x, params, tangent)


def fixed(arch: Architecture, params: Parameters | Instance) -> ParameterHomotopy:
    """The system at one parameter point (or one per path), for Newton refinement."""
    return ParameterHomotopy(arch, params, params)
