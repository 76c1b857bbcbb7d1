"""Homotopies of the gradient system: straight lines in parameter space (X, Y, Λ).

Start and target parameters may differ from path to path (a batch of P parameter points), so that
paths of several monodromy loops or several alive sets advance together in one batch.
"""

from __future__ import annotations

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import ParameterSegment, Parameters, gradient_and_jacobian, jacobian_and_parameter_derivative, parameter_derivative

__all__ = ["EmbeddedHomotopy", "ParameterArc", "ParameterHomotopy", "fixed"]


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
        return gradient_and_jacobian(self.arch, x, self.segment.point(np.asarray(t)))

    def derivative_t(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        return parameter_derivative(self.arch, x, self.segment.point(np.asarray(t)),
                                    self.segment.tangent())

    def evaluate_all(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """H, H_x and H_t from one set of layer products."""
        return jacobian_and_parameter_derivative(self.arch, x, self.segment.point(np.asarray(t)),
                                                 self.segment.tangent())


class ParameterArc:
    """F(x; p(τ)) on the γ-trick's arc from p0 to p1, or on an arc through the plane of p0, p1, q.

    p(τ) = [(1 − τ)·p0 + τρ·p1 + τ(1 − τ)σ·q] / [(1 − τ) + τρ + τ(1 − τ)σ]: for a system affine in
    the moving parameters the homotopy (1 − τ)·F(x; p0) + τρ·F(x; p1) + τ(1 − τ)σ·F(x; q), divided
    by the sum of the weights. With σ = 0 (no bump) it stays on the complex line through p0, p1:
    ρ = 1 is the straight segment, the arcs are the arcs of the circles through s = 0 and s = 1
    (s the coordinate on that line), and arg ρ says on which side of the arc each branch point of
    the line lies — two arcs with the same ends make a loop around the branch points between them,
    near or far. With σ ≠ 0 the path is a conic through p0 and p1 in the plane of p0, p1, q, so
    that loops sharing the ends p0, p1 need not share one line, whose loops are correlated
    (:class:`.monodromy._LoopGraph`). The weights are those of the homogeneous homotopy, so the
    path stays where that one is bounded. Each path has its own ρ, σ, q and direction:
    ``reverse`` paths run from p1 (t = 0) to p0 (t = 1), i.e. τ = 1 − t. Used by monodromy.
    """

    def __init__(self, arch: Architecture, segment: ParameterSegment, rho: np.ndarray, reverse: np.ndarray,
                 bump: ParameterSegment | None = None, sigma: np.ndarray | None = None) -> None:
        """``segment``: the line from p0 to p1 (:meth:`~linnet_crit.numeric.ParameterSegment.between`);
        ``bump``: the line from p0 to q, with weights ``sigma`` (one per path), or None for σ = 0."""
        self.arch, self.segment, self.bump = arch, segment, bump
        self.rho = np.asarray(rho, dtype=complex)
        self.reverse = np.asarray(reverse, dtype=bool)
        self.sigma = np.zeros_like(self.rho) if sigma is None else np.asarray(sigma, dtype=complex)
        # per parameter array: p0's, p1 − p0 and q − p0 (None where that line does not move it),
        # and the segment's shared zero block for the tangent of an array neither line moves — so
        # p(τ) and its tangent cost a multiply-add per moving array and no intermediate parameter
        # points (this runs at every stage of every step: on small batches a third of an
        # evaluation went into building those).
        bump_steps = bump.step.arrays() if bump is not None else (None,) * len(segment.moving)
        bump_moving = bump.moving if bump is not None else (False,) * len(segment.moving)
        self._lines = [
            (p0, d1 if m1 else None, d2 if m2 else None, d1)
            for p0, d1, d2, m1, m2 in zip(segment.start.arrays(), segment.step.arrays(), bump_steps,
                                           segment.moving, bump_moving)
        ]

    def select(self, index: np.ndarray) -> ParameterArc:
        bump = None if self.bump is None else self.bump.select(index)
        return ParameterArc(self.arch, self.segment.select(index), self.rho[index], self.reverse[index], bump,
                            self.sigma[index])

    def _at(self, t: np.ndarray) -> tuple[Parameters, Parameters]:
        t = np.asarray(t, dtype=float)
        tau = np.where(self.reverse, 1.0 - t, t)
        # weights of p1 and q; p = p0 + a·(p1 − p0) + b·(q − p0), a = w1/total, b = w2/total
        w1, one_minus, bump_slope = tau * self.rho, 1.0 - tau, (1.0 - 2.0 * tau) * self.sigma
        w2 = tau * one_minus * self.sigma
        total = one_minus + w1 + w2
        a, b = w1 / total, w2 / total
        # d/dτ of a and b, times dτ/dt = ±1
        d_total, scale = self.rho - 1.0 + bump_slope, np.where(self.reverse, -1.0, 1.0) / total
        da, db = (self.rho - a * d_total) * scale, (bump_slope - b * d_total) * scale
        a, da, b, db = (v[:, None, None] for v in (a, da, b, db))
        point, tangent = [], []
        for p0, d1, d2, zero in self._lines:
            if d1 is None and d2 is None:
                point.append(p0), tangent.append(zero)
                continue
            p, dp = p0, 0.0
            if d1 is not None:
                p, dp = p + a * d1, da * d1
            if d2 is not None:
                p, dp = p + b * d2, dp + db * d2
            point.append(p), tangent.append(dp)
        return Parameters.from_arrays(point), Parameters.from_arrays(tangent)

    def evaluate(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return gradient_and_jacobian(self.arch, x, self._at(t)[0])

    def derivative_t(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        return parameter_derivative(self.arch, x, *self._at(t))

    def evaluate_all(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return jacobian_and_parameter_derivative(self.arch, x, *self._at(t))


class EmbeddedHomotopy:
    """Sub-network homotopies run in the full network: path p keeps the weights outside ``alive[p]`` at zero.

    A sub-network's point embedded with zeros (the dead neurons' weights) is a point of the full
    network at which the gradient's dead components vanish exactly and the Jacobian has no block
    between alive and dead weights; its alive block is the sub-network's Jacobian. Replacing the
    dead rows of H by ``x_dead`` (so H_x's dead block by the identity, H_t's by zero) leaves each
    path exactly the path of its sub-network — Newton never moves a dead coordinate — whatever the
    full network's parameters on the dead weights are. Paths of different alive sets and sizes
    then share one batch: on small batches the tracker's cost is per step, not per path, so one
    batch of all of them costs the steps of its longest path instead of the sum over the batches.

    ``inner`` is the full network's :class:`ParameterHomotopy`, ``alive`` ``(P, N)`` booleans.
    """

    homogeneous = False

    def __init__(self, inner: ParameterHomotopy, alive: np.ndarray) -> None:
        self.inner, self.alive = inner, np.asarray(alive, dtype=bool)
        self._pair = self.alive[:, :, None] & self.alive[:, None, :]
        n = self.alive.shape[1]
        self._dead_identity = np.zeros(self._pair.shape, dtype=complex)
        self._dead_identity[:, np.arange(n), np.arange(n)] = ~self.alive

    def select(self, index: np.ndarray) -> EmbeddedHomotopy:
        return EmbeddedHomotopy(self.inner.select(index), self.alive[index])

    def _pin(self, x: np.ndarray, H: np.ndarray, Hx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.where(self.alive, H, x), np.where(self._pair, Hx, self._dead_identity)

    def evaluate(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._pin(x, *self.inner.evaluate(x, t))

    def derivative_t(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.where(self.alive, self.inner.derivative_t(x, t), 0.0)

    def evaluate_all(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        H, Hx, Ht = self.inner.evaluate_all(x, t)
        return *self._pin(x, H, Hx), np.where(self.alive, Ht, 0.0)


def fixed(arch: Architecture, params: Parameters | Instance) -> ParameterHomotopy:
    """The system at one parameter point (or one per path), for Newton refinement."""
    return ParameterHomotopy(arch, params, params)
