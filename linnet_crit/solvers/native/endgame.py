"""The Cauchy endgame: end points of paths that end singular or diverge as t → 1.

Near t = 1 a path x(t) to an isolated solution of multiplicity μ is a Puiseux series in
s = (1 − t)^(1/c), c ≤ μ its winding number: going once around the circle |1 − t| = r moves the
path to another member of its cycle, and it closes after c loops. By Cauchy's integral formula the
end point x(1) is the mean of x over those c loops; sampled at K equally spaced angles per loop the
trapezoid rule is exact up to the series' terms of order s^(cK), so the estimate is as accurate as
the tracking. Estimates at geometrically smaller radii are compared until two agree (Morgan,
Sommese & Wampler 1991; HomotopyContinuation.jl's ``endgame_tracker.jl``). A path to infinity is a
Laurent series instead: its size grows like r^v with v < 0 (the valuation, HC.jl ``valuation.jl``).
Its Cauchy mean still converges (to the constant term), so divergence is decided first.

The tracker moves a real s from 0 to 1; :class:`ComplexPath` maps it to a complex t on a segment
or an arc of the circle, so every homotopy of :mod:`.homotopies` and :mod:`.projective` can be
followed off the real line. :func:`cauchy_limits` is the loops alone, for the projective routes'
paths that their sampling endgame could not classify (:func:`.blackbox.track_with_endgame`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...results import ReturnCode
from ...options import CauchyEndgameOptions, TrackerOptions
from .homotopies import ParameterHomotopy
from .tracker import track

__all__ = ["CauchyLimits", "ComplexPath", "EndgameResult", "arc", "cauchy_endgame", "cauchy_limits", "segment"]


class ComplexPath:
    """A homotopy followed along a complex path t(s), s ∈ [0, 1]: the segment t = a + s·(b − a), or
    the arc t = 1 − r·exp(i(θ₀ + s·(θ₁ − θ₀))) — one per path.

    ``base`` is any homotopy of :mod:`.homotopies` or :mod:`.projective` (or the reduced homotopy):
    their ``evaluate_all(x, t)`` take a complex t as they take a real one. One whose paths share
    their parameters has no ``select``; the path is then the same for every subset of paths.
    """

    def __init__(self, base, kind: str, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> None:
        # segment: u = a, v = b; arc: u = r, v = θ₀, w = θ₁
        self.base, self.kind, self.u, self.v, self.w = base, kind, u, v, w
        self.homogeneous = getattr(base, "homogeneous", False)

    def select(self, index: np.ndarray) -> ComplexPath:
        return ComplexPath(_select(self.base, index), self.kind, self.u[index], self.v[index], self.w[index])

    def _t(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """t(s) and dt/ds."""
        s = np.asarray(s, dtype=float)
        if self.kind == "segment":
            return self.u + s * (self.v - self.u), self.v - self.u
        angle = self.v + s * (self.w - self.v)
        point = self.u * np.exp(1j * angle)
        return 1.0 - point, -1j * (self.w - self.v) * point

    def evaluate(self, x: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.base.evaluate(x, self._t(s)[0])

    def derivative_t(self, x: np.ndarray, s: np.ndarray) -> np.ndarray:
        t, dt = self._t(s)
        return self.base.derivative_t(x, t) * dt[:, None]

    def evaluate_all(self, x: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t, dt = self._t(s)
        H, Hx, Ht = self.base.evaluate_all(x, t)
        return H, Hx, Ht * dt[:, None]


def _select(base, index: np.ndarray):
    """The homotopy of the paths ``index`` (the whole homotopy when its paths share their parameters)."""
    return base.select(index) if hasattr(base, "select") else base


def segment(base, a, b, n_paths: int) -> ComplexPath:
    """From t = a to t = b (scalars or one per path)."""
    return ComplexPath(base, "segment", *(np.broadcast_to(np.asarray(v, dtype=complex), (n_paths,)).copy()
                                          for v in (a, b, 0.0)))


def arc(base, r, theta0, theta1, n_paths: int) -> ComplexPath:
    """Around |1 − t| = r from angle θ₀ to θ₁ (scalars or one per path)."""
    return ComplexPath(base, "arc", *(np.broadcast_to(np.asarray(v, dtype=float), (n_paths,)).copy()
                                      for v in (r, theta0, theta1)))


@dataclass(frozen=True, eq=False)
class EndgameResult:
    """End points (NaN unless SUCCESS), codes (SUCCESS, AT_INFINITY or a failure), winding numbers,
    the relative difference of the last two Cauchy estimates and the last valuation estimate."""

    x: np.ndarray
    codes: np.ndarray
    winding: np.ndarray
    accuracy: np.ndarray
    valuation: np.ndarray
    paths: int


def _loops(base, x: np.ndarray, r: float, opts: CauchyEndgameOptions, tracker: TrackerOptions):
    """Track each path around |1 − t| = r until it closes; return the Cauchy means, winding
    numbers, whether each path closed, the arcs tracked and the tracker steps on each path."""
    n, K = len(x), opts.samples_per_loop
    start = x.copy()
    current = x.copy()
    total = np.zeros_like(x)
    winding = np.zeros(n, dtype=int)
    open_ = np.ones(n, dtype=bool)
    failed = np.zeros(n, dtype=bool)
    arcs, steps = 0, np.zeros(n, dtype=int)
    for loop in range(1, opts.max_winding + 1):
        idx = np.flatnonzero(open_)
        if len(idx) == 0:
            break
        sub = _select(base, idx)
        for k in range(K):
            total[idx] += current[idx]  # the sample at angle 2πk/K of this loop
            res = track(arc(sub, r, 2 * np.pi * k / K, 2 * np.pi * (k + 1) / K, len(idx)), current[idx], tracker)
            arcs += len(idx)
            steps[idx] += res.steps
            ok = res.success
            current[idx] = np.where(ok[:, None], res.x, current[idx])
            failed[idx[~ok]] = True
            idx, sub = idx[ok], _select(sub, np.flatnonzero(ok))
            if len(idx) == 0:
                break
        scale = 1.0 + np.abs(start[idx]).max(axis=1)
        closed = np.abs(current[idx] - start[idx]).max(axis=1) <= opts.closure * scale
        winding[idx[closed]] = loop
        open_[idx[closed]] = False
        open_[failed] = False
    mean = total / np.maximum(winding, 1)[:, None] / K
    return mean, winding, ~failed & (winding > 0), arcs, steps


@dataclass(frozen=True, eq=False)
class CauchyLimits:
    """End points x(1) of paths by :func:`cauchy_limits`: ``x`` (NaN where ``found`` is false), the
    winding numbers of the last loops, the arcs and radial segments tracked, and the steps per path."""

    x: np.ndarray
    found: np.ndarray
    winding: np.ndarray
    segments: int
    steps: np.ndarray


def cauchy_limits(base, x: np.ndarray, radii, opts: CauchyEndgameOptions, tracker: TrackerOptions) -> CauchyLimits:
    """Where paths of ``base`` standing at t = 1 − ``radii[0]`` (points ``x``) end as t → 1.

    Around each radius in turn the paths loop until they close (:func:`_loops`: winding number c,
    the mean of cK samples); between radii they follow the real segment. A path's end point is its
    estimate once two successive radii give estimates that agree to ``opts.agreement`` (relative to
    1 + ‖x‖∞): the trapezoid rule is exact up to terms of order r^K of the path's Puiseux series,
    whatever the end point — finite, singular, or at infinity in homogeneous coordinates, where
    the path stays bounded — so agreement says no other branch point lay inside the loops. Paths
    whose loops never close within ``opts.max_winding``, or whose arcs fail, have none.
    """
    x = np.array(x, dtype=complex, copy=True)
    n = len(x)
    limit = np.full_like(x, np.nan)
    found = np.zeros(n, dtype=bool)
    winding = np.zeros(n, dtype=int)
    previous = np.full_like(x, np.nan)
    active = np.ones(n, dtype=bool)
    segments, steps = 0, np.zeros(n, dtype=int)
    for k, r in enumerate(radii):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        mean, c, closed, arcs, loop_steps = _loops(_select(base, idx), x[idx], r, opts, tracker)
        segments, steps[idx] = segments + arcs, steps[idx] + loop_steps
        with np.errstate(invalid="ignore"):
            change = np.abs(mean - previous[idx]).max(axis=1) / (1.0 + np.abs(mean).max(axis=1))
        agree = closed & (change <= opts.agreement)
        limit[idx[agree]], found[idx[agree]], winding[idx] = mean[agree], True, c
        previous[idx] = np.where(closed[:, None], mean, np.nan)
        active[idx[agree]] = False
        if k + 1 == len(radii) or not active.any():
            break
        idx = np.flatnonzero(active)
        res = track(segment(_select(base, idx), 1.0 - r, 1.0 - radii[k + 1], len(idx)), x[idx], tracker)
        segments, steps[idx] = segments + len(idx), steps[idx] + res.steps
        x[idx] = res.x
        active[idx[~res.success]] = False
    return CauchyLimits(limit, found, winding, segments, steps)


#: Radial segments that stall are retried with these settings. Paths to infinity grow
#: ill-conditioned in affine coordinates (seen on rank-1 X: steps collapse at ‖x‖ ≈ 500 with the
#: default corrector); the endgame only needs their size there, and a finite path's end point
#: comes from the Cauchy loops, tracked with the caller's settings.
LOOSE_TRACKER = TrackerOptions(final_tolerance=1e-6, contraction=0.5, max_steps=5000)


@dataclass(frozen=True, eq=False)
class _Radial:
    x: np.ndarray
    success: np.ndarray
    diverged: np.ndarray
    paths: int


def _radial(base: ParameterHomotopy, x: np.ndarray, r: float, opts: CauchyEndgameOptions, tracker: TrackerOptions,
            growing: np.ndarray) -> _Radial:
    """From t = 1 − r to t = 1 − r·shrink. Paths ``growing`` (negative valuation) go straight to
    :data:`LOOSE_TRACKER`; the others with ``tracker``, and with the loose one if they stall."""
    n = len(x)
    out = x.copy()
    success = np.zeros(n, dtype=bool)
    diverged = np.zeros(n, dtype=bool)
    paths = 0
    strict = np.flatnonzero(~growing)
    if len(strict):
        res = track(segment(base.select(strict), 1.0 - r, 1.0 - r * opts.shrink, len(strict)), x[strict], tracker)
        out[strict], success[strict] = res.x, res.success
        diverged[strict] = [code is ReturnCode.DIVERGED for code in res.codes]
        paths += len(strict)
    again = np.flatnonzero(~success & ~diverged)
    if len(again):
        retry = track(segment(base.select(again), 1.0 - r, 1.0 - r * opts.shrink, len(again)), x[again], LOOSE_TRACKER)
        out[again], success[again] = retry.x, retry.success
        diverged[again] = [code is ReturnCode.DIVERGED for code in retry.codes]
        paths += len(again)
    return _Radial(out, success, diverged, paths)


def _settled(val: np.ndarray, previous: np.ndarray, before: np.ndarray, opts: CauchyEndgameOptions) -> np.ndarray:
    """Three successive valuation estimates agree to ``valuation_agreement`` and are negative:
    the path is in its asymptotic regime x ~ c·r^v, v < 0 (HC.jl asks the same of its valuation
    before it starts watching a path's growth)."""
    return ((val < opts.valuation) & (np.abs(val - previous) <= opts.valuation_agreement)
            & (np.abs(previous - before) <= opts.valuation_agreement))


def cauchy_endgame(
    base: ParameterHomotopy,
    x: np.ndarray,
    opts: CauchyEndgameOptions | None = None,
    tracker: TrackerOptions | None = None,
) -> EndgameResult:
    """Finish paths of ``base`` that stand at t = 1 − ``opts.start_radius`` (points ``x``).

    At each radius r the valuation v of the path's size is estimated, d log‖x‖ / d log r between
    this radius and the last. A path is at infinity when its size passes ``divergence_norm``.
    Three successive valuations below ``opts.valuation`` that agree to ``valuation_agreement``
    (the regime x ~ c·r^v) with an ``infinity_growth``-fold growth since they began (HC.jl's rule,
    with sizes at fixed radii instead of derivatives) make the verdict only provisional: near
    special data a path to a large finite point follows the Laurent regime of the nearby path to
    infinity down to r ≈ its distance from the special data, then turns finite (seen: valuation
    −2/3 down to r ≈ 1e-6, end points of size 1e4). So such a path is followed further and is
    declared at infinity only if its radial segment then fails or it is still growing, settled, at
    ``min_radius``; if its valuation rises the Cauchy loops decide it. No loop is run while the
    valuation is below ``opts.valuation`` (loops around a diverging path are wasted and their
    mean converges to the Laurent series' constant term). Otherwise Cauchy loops give the winding
    number c and an estimate, accepted when two successive estimates agree to ``opts.agreement``
    and the estimate solves the target system to relative residual ``opts.residual``: a loop that
    encloses a near-pole gives a stable mean that is no solution (seen: residual 3e-4). A loop that
    does not close (c > ``max_winding`` or a failed arc) only postpones the decision. The radius
    shrinks by ``opts.shrink`` (a real segment of the tracker) down to ``min_radius``; paths still
    undecided there (not provisionally at infinity), or whose radial segment fails, come back FAILED.
    """
    opts, tracker = opts or CauchyEndgameOptions(), tracker or TrackerOptions()
    x = np.array(x, dtype=complex, copy=True)
    n = len(x)
    end = np.full_like(x, np.nan)
    codes = np.full(n, ReturnCode.FAILED, dtype=object)
    winding = np.zeros(n, dtype=int)
    accuracy = np.full(n, np.inf)
    valuation = np.full(n, np.nan)
    previous_mean = np.full_like(x, np.nan)
    previous_size = np.full(n, np.nan)
    size_before = np.full(n, np.nan)
    size_oldest = np.full(n, np.nan)
    valuation_before = np.full(n, np.nan)
    marked = np.full(n, np.nan)  # size where the settled negative valuations began, else NaN
    active = np.ones(n, dtype=bool)
    grown = np.zeros(n, dtype=bool)  # provisionally at infinity: settled negative valuation and grown
    r, paths = opts.start_radius, 0
    # Sizes further out (radii 2r and 4r), so that three valuation estimates, which the
    # divergence rule asks for, exist at the second radius already: paths to infinity grow
    # ill-conditioned in affine coordinates and may not get much further.
    radii = [rb for rb in (4 * r, 2 * r) if rb < 1.0]
    sizes = []
    for rb in radii:
        back = track(segment(base, 1.0 - r, 1.0 - rb, n), x, tracker)
        paths += n
        sizes.append(np.where(back.success, np.maximum(np.abs(back.x).max(axis=1), 1e-300), np.nan))
    if len(radii) == 2:
        valuation = np.log(sizes[1] / sizes[0]) / np.log(radii[1] / radii[0])
    if radii:
        size_before[:], previous_size[:] = (sizes[0] if len(radii) == 2 else np.nan), sizes[-1]
    previous_r = radii[-1] if radii else np.nan
    while True:
        idx = np.flatnonzero(active)
        size = np.maximum(np.abs(x[idx]).max(axis=1), 1e-300)  # a path resting at the origin has size 0
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.log(size / previous_size[idx]) / np.log(r / previous_r)
        settled = _settled(val, valuation[idx], valuation_before[idx], opts)
        # growth counts from the first radius of the agreeing estimates (three radii back)
        marked[idx] = np.where(settled, np.where(np.isnan(marked[idx]), size_oldest[idx], marked[idx]), np.nan)
        # growth in a settled regime only makes the verdict provisional: near special data a path
        # to a large finite point follows the Laurent regime of the nearby path to infinity until
        # r is about the distance to the special data, then turns finite (valuation → 0). Such a
        # path stays active and is followed; it is declared at infinity only if the growth
        # outlasts what can be followed (radial failure, min_radius) — see the docstring.
        grown[idx] = size >= opts.infinity_growth * marked[idx]
        infinite = size > opts.divergence_norm
        codes[idx[infinite]] = ReturnCode.AT_INFINITY
        size_oldest[idx], size_before[idx], previous_size[idx] = size_before[idx], previous_size[idx], size
        valuation_before[idx], valuation[idx] = valuation[idx], val
        active[idx[infinite]] = False
        loop = np.flatnonzero(active & (valuation >= opts.valuation))
        if len(loop):
            mean, c, ok, arcs, _ = _loops(base.select(loop), x[loop], r, opts, tracker)
            paths += arcs
            with np.errstate(invalid="ignore"):
                change = np.abs(mean - previous_mean[loop]).max(axis=1) / (1.0 + np.abs(mean).max(axis=1))
            with np.errstate(all="ignore"):
                F, _ = base.select(loop).evaluate(np.where(np.isfinite(mean), mean, 0.0), np.ones(len(loop)))
                residual = np.abs(F).max(axis=1) / (1.0 + np.abs(mean).max(axis=1))
            converged = ok & (change <= opts.agreement) & (residual <= opts.residual)
            codes[loop[converged]] = ReturnCode.SUCCESS
            end[loop[converged]] = mean[converged]
            winding[loop] = c
            accuracy[loop] = np.where(ok, change, np.inf)
            active[loop[converged]] = False
            previous_mean[loop] = np.where(ok[:, None], mean, np.nan)
        if not active.any() or r * opts.shrink < opts.min_radius:
            break
        idx = np.flatnonzero(active)
        res = _radial(base.select(idx), x[idx], r, opts, tracker, valuation[idx] < opts.valuation)
        paths += res.paths
        codes[idx[res.diverged | (~res.success & grown[idx])]] = ReturnCode.AT_INFINITY
        active[idx[~res.success]] = False
        x[idx] = res.x
        previous_r, r = r, r * opts.shrink
    codes[active & grown] = ReturnCode.AT_INFINITY
    return EndgameResult(end, codes, winding, accuracy, valuation, paths)
