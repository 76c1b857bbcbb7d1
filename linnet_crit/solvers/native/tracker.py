"""A vectorized path tracker: batches of paths advance together, each with its own t and step.

Predictor: classical Runge–Kutta 4 on dx/dt = −H_x⁻¹ H_t, its first stage the tangent the
corrector computed at the end of the previous step (same Jacobian, one more right-hand side), so
a step costs three Jacobians for the predictor. Corrector: Newton with a contraction check (the
protection against path jumping), each iteration on the paths still converging only, stopped
once the contraction-based estimate of the remaining error is below ``final_tolerance``. The step
size aims the first Newton update, which measures the predictor's error, at
``step_target · first_correction``, or higher — up to ``benign_step_target · first_correction`` —
where Newton's contraction ω·‖first update‖ (ω measured by the previous step's corrector) then
stays below ``contraction_target`` and the path's last ``benign_after`` steps were accepted.
Return codes follow :class:`linnet_crit.results.ReturnCode`.

A cubic Hermite predictor (tangents of the last two points, no extra Jacobian) was measured
against this one: with the same error target it took about 4× the steps (107 against 27 a path
on widths 1,3,3) and was slower overall. Also measured and dropped (#16; 256 paths of widths
1,4,4 to complex data, RK4 53.5 steps a path, 0.47 CPU s):

- Padé (q−1, 1) predictors from Taylor coefficients x₁…x_q of the path, read off by a discrete
  Fourier transform of H on a small complex circle along the series, with one inverse Jacobian
  per step and a chord corrector: 72 steps a path at q = 4 with exact coefficients (the error
  constant of a truncated series is far above RK4's), and each order costs an evaluation of H at
  8 points per path — 0.7–1.1 CPU s. HC.jl's minimum over coordinates of |x₂ᵢ/x₃ᵢ| as trust
  region held paths back further wherever one x₂ᵢ crossed zero.
- Quintic Hermite extrapolation through the last three points and tangents (two evaluations a
  step instead of five): 106–143 steps a path, 0.47–0.68 CPU s.
- Block elimination of the last layer's block-diagonal Jacobian block (Schur complement):
  slower than one LU at every size tried (numpy's batched solve costs ~1 µs per small matrix).
- A step's last RK4 stage doubling as the corrector's first update (Newton from x + h·k₃ with
  the stage's Jacobian, saving one Jacobian and solve a step): that start is only O(h²) from
  the path, its updates fail the contraction test, 4.7× the steps.
- Skipping H_t (the tangent's right-hand side) in the corrector's first update, which
  practically never converges: 1.00× in the benchmark.
- Aiming the first update at a tenth of ``first_correction`` everywhere instead of a hundredth:
  the continuation route then lost a path of a nearly special draw (tests/solvers/native/
  test_continuation.py); capping the aim at contraction_target/ω alone (so below a hundredth
  where ω is large) kept it but made that solve 3× slower. Hence the clip between the two aims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ...results import ReturnCode
from ...options import TrackerOptions
from ...data import Instance
from .homotopies import fixed
from .linalg import POINTS_PER_BLOCK, batch_solve

__all__ = ["Homotopy", "TrackResult", "newton", "refine", "track"]


class Homotopy(Protocol):
    """H(x, t) with x ``(P, n)`` and t ``(P,)``; t runs from 0 (start) to 1 (target).

    A homotopy whose parameters differ from path to path also has ``select(index)``, returning
    the homotopy of those paths; the tracker calls it as paths retire. One that can compute H,
    H_x and H_t together more cheaply has ``evaluate_all(x, t)``. One in homogeneous coordinates
    x = (x0, …), whose paths may end at infinity (x0 → 0 at t = 1), has ``homogeneous = True``:
    see :func:`_correct`.
    """

    def evaluate(self, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """H ``(P, n)`` and H_x ``(P, n, n)``."""
        ...

    def derivative_t(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        """H_t ``(P, n)``."""
        ...


@dataclass(frozen=True, eq=False)
class TrackResult:
    """End points and diagnostics of a batch of paths (``steps``: predictor–corrector steps,
    rejected ones included)."""

    x: np.ndarray
    codes: np.ndarray  # object array of ReturnCode
    t: np.ndarray
    steps: np.ndarray
    residual: np.ndarray
    accuracy: np.ndarray

    @property
    def success(self) -> np.ndarray:
        return np.array([c is ReturnCode.SUCCESS for c in self.codes], dtype=bool)

    def __len__(self) -> int:
        return self.x.shape[0]


def _all(hom: Homotopy, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """H, H_x and H_t (from one set of products when the homotopy offers it)."""
    if hasattr(hom, "evaluate_all"):
        return hom.evaluate_all(x, t)
    (H, Hx), Ht = hom.evaluate(x, t), hom.derivative_t(x, t)
    return H, Hx, Ht


def _tangent(hom: Homotopy, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    _, Hx, Ht = _all(hom, x, t)
    return -batch_solve(Hx, Ht)


def _rk4(hom: Homotopy, x: np.ndarray, t: np.ndarray, h: np.ndarray, k1: np.ndarray) -> np.ndarray:
    """One RK4 step from x, whose tangent ``k1`` the corrector already computed."""
    hc = h[:, None]
    k2 = _tangent(hom, x + 0.5 * hc * k1, t + 0.5 * h)
    k3 = _tangent(hom, x + 0.5 * hc * k2, t + 0.5 * h)
    k4 = _tangent(hom, x + hc * k3, t + h)
    return x + hc / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def _norm(v: np.ndarray) -> np.ndarray:
    return np.max(np.abs(v), axis=-1)


def _correct(
    hom: Homotopy, x: np.ndarray, t: np.ndarray, opts: TrackerOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Newton at fixed t; each iteration evaluates only the paths still converging.

    Accepted where the first update is below ``first_correction·(1+‖x‖)`` and each later one
    contracts by ``contraction`` — the protection against path jumping. A path has converged
    when its update is below ``final_tolerance·(1+‖x‖)`` or, from the second update on, when
    the error left after it, estimated from the observed contraction θ as ``θ/(1−θ)·‖dx‖``,
    is (Newton's convergence is quadratic, so this bound is pessimistic). Returns the corrected
    points, whether each was accepted, the first update's relative size (the predictor's error,
    which drives the step size), the tangent dx/dt at the last point where the Jacobian was
    evaluated (within the last update of the returned point) and Newton's ω estimated from the
    second update (‖second‖ ≈ ω·‖first‖², relative sizes; NaN without one).

    In homogeneous coordinates (``hom.homogeneous``) an update must also move x0 by less than
    ``opts.homogenizing_correction`` of its own size. The homotopy's solutions at x0 = 0 (the
    start system's and the target's common zeros at infinity) lie within a relative distance
    |x0|/‖x‖ of a path heading for infinity, a distance the test above allows once it is below
    ``first_correction``; measured (reduced system of widths 1,3,3,3, base point of
    ``default_rng(101)``): one Newton correction took x0/‖x‖ from 3e-4 to 8e-18 at t = 0.81 and the
    path, bound for a finite solution, was then counted at infinity — a wrong count, every path
    accounted for.
    """
    n = x.shape[0]
    x = x.copy()
    ok = np.ones(n, dtype=bool)
    converged = np.zeros(n, dtype=bool)
    first = np.full(n, np.inf)
    omega = np.full(n, np.nan)
    previous = np.full(n, np.inf)
    tangent = np.full(x.shape, np.nan, dtype=complex)
    live, sub = np.arange(n), hom
    homogeneous = getattr(hom, "homogeneous", False)
    for k in range(opts.newton_steps):
        H, Hx, Ht = _all(sub, x[live], t[live])
        both = batch_solve(Hx, -np.stack([H, Ht], axis=-1))
        dx, tangent[live] = both[..., 0], both[..., 1]
        size = _norm(dx) / (1.0 + _norm(x[live]))
        good = np.isfinite(size)
        if homogeneous:
            good &= np.abs(dx[:, 0]) < opts.homogenizing_correction * np.abs(x[live, 0])
        if k == 0:
            first[live] = size
            good &= size < opts.first_correction
            left = size
        else:
            good &= size <= opts.contraction * previous[live] + 1e-15
            theta = np.minimum(size / np.maximum(previous[live], 1e-300), 0.5)
            left = np.minimum(size, theta / (1.0 - theta) * size)
            if k == 1:  # Newton's second update is about ω·‖first‖²
                omega[live] = size / np.maximum(previous[live], 1e-300) ** 2
        x[live] += np.where(np.isfinite(dx), dx, 0.0)
        previous[live] = size
        ok[live] = good
        converged[live] = good & (left < opts.final_tolerance)
        keep = good & ~converged[live]
        if not keep.any():
            break
        if not keep.all():
            live = live[keep]
            sub = hom.select(live) if hasattr(hom, "select") else hom
    return x, ok & converged, first, tangent, omega


def newton(hom: Homotopy, x: np.ndarray, t: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain Newton refinement; returns x, the last update's size and the final residual ‖H‖∞."""
    last = np.full(x.shape[0], np.inf)
    for _ in range(steps):
        H, Hx = hom.evaluate(x, t)
        dx = batch_solve(Hx, -H)
        good = np.all(np.isfinite(dx), axis=1)
        x = np.where(good[:, None], x + np.where(np.isfinite(dx), dx, 0.0), x)
        last = np.where(good, _norm(dx), np.inf)
    H, _ = hom.evaluate(x, t)
    return x, last, _norm(H)


def refine(instance: Instance, points: np.ndarray, steps: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Newton-refine on the full system; return points and relative residuals ‖F‖∞/(1+‖x‖∞)."""
    x, residual = np.array(points, dtype=complex), np.zeros(len(points))
    for start in range(0, len(points), POINTS_PER_BLOCK):  # in blocks: memory stays flat
        block = slice(start, start + POINTS_PER_BLOCK)
        x[block], _, residual[block] = newton(fixed(instance.architecture, instance), x[block],
                                              np.ones(len(x[block])), steps)
    return x, residual / (1.0 + np.abs(x).max(axis=1, initial=0.0))


def track(hom: Homotopy, start: np.ndarray, opts: TrackerOptions | None = None) -> TrackResult:
    """Track every start point from t = 0 to t = 1."""
    opts = opts or TrackerOptions()
    x = np.array(start, dtype=complex, copy=True)
    n_paths = x.shape[0]
    t = np.zeros(n_paths)
    h = np.full(n_paths, opts.initial_step)
    steps = np.zeros(n_paths, dtype=int)
    codes = np.full(n_paths, None, dtype=object)
    active = np.ones(n_paths, dtype=bool)
    # Newton's ω (‖second update‖ ≈ ω·‖first‖², relative sizes) at each path's last step; until
    # measured, step_target's aim.
    lipschitz = np.full(n_paths, np.inf)
    streak = np.zeros(n_paths, dtype=int)  # steps accepted in a row
    with np.errstate(all="ignore"):  # the tangent at each path's current point (RK4's first stage)
        v = _tangent(hom, x, t) if n_paths else np.empty_like(x)
    sub, idx = hom, np.arange(n_paths)
    while active.any():
        if not active[idx].all():
            idx = np.flatnonzero(active)
            sub = hom.select(idx) if hasattr(hom, "select") else hom
        step = np.minimum(h[idx], 1.0 - t[idx])
        with np.errstate(all="ignore"):
            predicted = _rk4(sub, x[idx], t[idx], step, v[idx])
            corrected, ok, first, tangent, omega = _correct(sub, predicted, t[idx] + step, opts)
        ok &= np.all(np.isfinite(corrected), axis=1) & np.all(np.isfinite(tangent), axis=1)
        steps[idx] += 1
        good, bad = idx[ok], idx[~ok]
        x[good], v[good] = corrected[ok], tangent[ok]
        t[good] = np.where(step[ok] >= 1.0 - t[good], 1.0, t[good] + step[ok])
        # RK4's local error is O(h⁵): aim the first Newton update at a fraction of its limit —
        # step_target's, or up to benign_step_target's where Newton's contraction ω·‖first‖ stays
        # below contraction_target, so the prediction sits deep inside the region where Newton
        # converges to this path's point (of radius about 1/ω), far from any other path's; and
        # only after benign_after accepted steps in a row (on the blackbox route's paths to
        # infinity the larger aim otherwise doubled the rejected steps: +11 % steps on 1,2,2,1).
        measured = np.isfinite(omega[ok])
        lipschitz[good[measured]] = omega[ok][measured]
        aim = np.clip(opts.contraction_target / np.maximum(lipschitz[good], 1e-300),
                      opts.step_target * opts.first_correction, opts.benign_step_target * opts.first_correction)
        aim = np.where(streak[good] >= opts.benign_after, aim, opts.step_target * opts.first_correction)
        with np.errstate(divide="ignore"):
            factor = 0.9 * (aim / np.maximum(first[ok], 1e-300)) ** 0.2
        h[good] = np.minimum(step[ok] * np.clip(factor, 0.5, 2.0), opts.max_step)
        h[bad] *= 0.5
        streak[good] += 1
        streak[bad] = 0
        _finish(x, t, h, steps, codes, active, idx, opts)
    _end_by_newton(hom, x, t, codes, opts)
    x, accuracy, residual = newton(hom, x, np.ones(n_paths), opts.polish_steps) if n_paths else (x, np.zeros(0), np.zeros(0))
    for p in range(n_paths):
        if codes[p] is ReturnCode.SUCCESS and not np.isfinite(residual[p]):
            codes[p] = ReturnCode.FAILED
    return TrackResult(x, codes, t, steps, residual, accuracy)


def _end_by_newton(hom: Homotopy, x: np.ndarray, t: np.ndarray, codes: np.ndarray, opts: TrackerOptions) -> None:
    """Finish paths whose steps collapsed within ``endgame_start`` of t = 1 by Newton at t = 1.

    Near an ill-conditioned target (two solutions almost colliding: condition numbers of 3e9 were
    seen at real data, widths 2,3,3) the contraction test rejects every step within 1e-7 of t = 1;
    the target points are still nonsingular, so Newton from the stalled point converges to the one
    the path was heading for. Collisions are caught by the callers' distinctness checks.
    """
    stalled = np.flatnonzero(
        np.array([c is ReturnCode.STEP_SIZE_TOO_SMALL for c in codes], dtype=bool) & (t >= opts.endgame_start)
    )
    if len(stalled) == 0:
        return
    sub = hom.select(stalled) if hasattr(hom, "select") else hom
    with np.errstate(all="ignore"):
        y, last, residual = newton(sub, x[stalled], np.ones(len(stalled)), opts.endgame_newton_steps)
    # Ill-conditioned points leave Newton updates at the noise floor (κ·eps·‖x‖), so judge by
    # the residual and ask the updates only to have settled.
    scale = 1.0 + _norm(y)
    converged = np.isfinite(last) & (last <= 1e-6 * scale) & (residual <= opts.final_tolerance * scale)
    x[stalled[converged]] = y[converged]
    t[stalled[converged]] = 1.0
    codes[stalled[converged]] = ReturnCode.SUCCESS


def _finish(x, t, h, steps, codes, active, idx, opts: TrackerOptions) -> None:
    """Retire paths that reached t = 1, diverged, stalled or used up their steps."""
    done = idx[t[idx] >= 1.0]
    codes[done] = ReturnCode.SUCCESS
    diverged = idx[_norm(x[idx]) > opts.divergence_norm]
    codes[diverged] = ReturnCode.DIVERGED
    small = idx[h[idx] < opts.min_step]
    codes[small] = ReturnCode.STEP_SIZE_TOO_SMALL
    exhausted = idx[steps[idx] >= opts.max_steps]
    codes[exhausted] = ReturnCode.MAX_STEPS
    for group in (done, diverged, small, exhausted):
        active[group] = False
