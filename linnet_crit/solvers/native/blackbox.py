"""The blackbox method: a start system with no structural assumption, tracked in projective space.

For small systems (N ≤ ~8) this finds every isolated critical point without using the structure
of the gradient system (alive sets, sign flips, linearity in Λ), so it confirms the structure-aware
method. Paths follow the homotopy of :mod:`.projective` from a linear-product start system
(:mod:`.start_systems`) to the homogenized gradient system; the paths that go to infinity (almost
all of them) stay bounded there and end with x0 → 0. This module is the endgame that tells the
finite end points from those at infinity, and the solve around it (retries, collection).

Endgame: paths are tracked to ``t = 1 − δ_0`` and then through the geometric samples
``1 − t = δ_0 θ^k``. At each sample a path is

* finished as a finite endpoint when Newton's method on F itself, started at the dehomogenized
  sample, converges, the sample is already within ``finite_distance`` of the limit, and the path
  has closed in on it by at least 2θ since the previous sample (a nonsingular endpoint is
  approached like δ, so this happens within a few samples; a singular one only like δ^{1/c});
* declared at infinity when ``|x0| / ‖y‖`` is small and has decayed like ``δ^α`` with α ≥
  ``min_alpha`` over the last samples (a finite endpoint has x0 → x0* ≠ 0, so its α tends to 0).

This costs a handful of samples per path instead of a crawl towards the singular points at
infinity. A path that is neither when the samples run out is either a finite singular endpoint
(Newton converges, with a condition number above the singular threshold) or a failure. The
failures are given one more chance before any retry: Cauchy loops around t = 1
(:func:`.endgame.cauchy_limits`) estimate their end points, and those with x0 = 0 to the loops'
accuracy that solve the homogenized target are at infinity — slow decays (winding number 2 or
more) that the samples cannot call. Failed or colliding paths left then are tracked again with
:data:`RETRY_SCHEDULE`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from ...data import Instance
from ...numeric.evaluate import Parameters, gradient_and_jacobian
from ...results import PathResult, ReturnCode, StageReport
from ...progress import progress_bar
from ...options import RETRY_SCHEDULE, EndgameOptions, SolveOptions, TrackerOptions
from ...points import SAME_POINT, cluster_rows, is_torus, match_index
from ...sign_flips import canonicalize, expand_orbits, orbit_size
from .endgame import cauchy_limits
from .linalg import batch_condition, batch_solve
from .projective import ProjectiveHomotopy, ProjectiveSegment, dehomogenize
from .start_systems import LinearProductStart, make_start_system
from .tracker import TrackResult, track

__all__ = ["BlackboxRun", "TorusOrbits", "newton_on_target", "solve_blackbox", "torus_orbits", "track_with_endgame",
           "track_with_retries"]


@dataclass(frozen=True, eq=False)
class BlackboxRun:
    """What :func:`solve_blackbox` found.

    ``solutions`` ``(n, N)`` are the distinct finite nonsingular endpoints after Newton refinement
    on F, with their ``residuals`` (‖F‖∞) and Jacobian ``conditions``. Every tracked path is either
    among them, at infinity, singular (its endpoint kept in ``singular_points``, so a point of
    multiplicity k appears k times) or failed (kept in ``failed`` with its last state, path jumps
    that persisted through every retry as ``ReturnCode.DUPLICATE``).
    """

    solutions: np.ndarray
    residuals: np.ndarray
    conditions: np.ndarray
    n_paths: int
    n_at_infinity: int
    n_singular: int
    failed: tuple[PathResult, ...]
    singular_points: np.ndarray
    report: StageReport
    seed: int | None
    start_system: str

    @property
    def n_solutions(self) -> int:
        return int(self.solutions.shape[0])

    @property
    def n_failed(self) -> int:
        return len(self.failed)

    def singular_clusters(self, tol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The distinct singular end points and how many paths ended at each (their multiplicity).

        Two end points within ``tol · (1 + ‖x‖∞)`` are one point (default: the endgame's
        ``duplicate_tolerance``).
        """
        tol = EndgameOptions().duplicate_tolerance if tol is None else tol
        labels = _clusters(self.singular_points, tol)
        _, heads, sizes = np.unique(labels, return_index=True, return_counts=True)
        return self.singular_points[heads], sizes


#: The codes of a path the endgame has classified: a finite end point (nonsingular or not), or infinity.
_CLOSED = (ReturnCode.SUCCESS, ReturnCode.AT_INFINITY, ReturnCode.SINGULAR)


# --- finite endpoints ----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Refined:
    """Newton on F from a batch of affine points: the limit, whether it converged, ‖F‖∞, condition."""

    x: np.ndarray
    converged: np.ndarray
    residual: np.ndarray
    condition: np.ndarray


def newton_on_target(evaluate: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], x: np.ndarray,
                     opts: EndgameOptions) -> _Refined:
    """``opts.newton_steps`` Newton steps on the affine target F (``evaluate(x)`` → F, F_x) from the
    endgame's samples, and whether each converged (``newton_tolerance``, ``residual_tolerance``)."""
    if not len(x):
        empty = np.zeros(0)
        return _Refined(x, empty.astype(bool), empty, empty)
    last = np.full(len(x), np.inf)
    with np.errstate(all="ignore"):
        for _ in range(opts.newton_steps):
            F, J = evaluate(x)
            dx = batch_solve(J, -F)
            good = np.all(np.isfinite(dx), axis=1)
            x = np.where(good[:, None], x + np.where(good[:, None], dx, 0.0), x)
            last = np.where(good, np.abs(dx).max(axis=1, initial=0.0), np.inf)
        F, J = evaluate(x)
    scale = 1.0 + np.abs(x).max(axis=1, initial=0.0)
    residual = np.abs(F).max(axis=1, initial=0.0)
    finite = np.all(np.isfinite(x), axis=1) & np.isfinite(residual)
    converged = finite & (last < opts.newton_tolerance * scale) & (residual < opts.residual_tolerance * scale)
    condition = np.full(len(x), np.inf)
    condition[finite] = batch_condition(J[finite])
    return _Refined(x, converged, residual, condition)


# --- one pass over a batch of paths -------------------------------------------------------------
@dataclass(eq=False)
class _Paths:
    """Mutable per-path state of one pass (kept inside this module)."""

    y: np.ndarray
    code: np.ndarray
    point: np.ndarray
    residual: np.ndarray
    condition: np.ndarray
    steps: np.ndarray
    t: np.ndarray
    ratios: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def new(cls, y: np.ndarray) -> _Paths:
        n, width = y.shape
        return cls(
            y=y.copy(),
            code=np.full(n, None, dtype=object),
            point=np.full((n, width - 1), np.nan, dtype=complex),
            residual=np.full(n, np.inf),
            condition=np.full(n, np.inf),
            steps=np.zeros(n, dtype=int),
            t=np.zeros(n),
        )

    @property
    def active(self) -> np.ndarray:
        return np.array([c is None for c in self.code], dtype=bool)


def _infinity_trend(ratios: list[np.ndarray], opts: EndgameOptions) -> np.ndarray:
    """Paths whose |x0|/‖y‖ has decayed like δ^α, α ≥ min_alpha, over the last samples, and is
    either small or decaying at a steady rate (see :class:`EndgameOptions`)."""
    if len(ratios) < opts.stable_samples + 1:
        return np.zeros(len(ratios[-1]) if ratios else 0, dtype=bool)
    alphas = _exponents(ratios[-max(opts.stable_samples, opts.steady_samples) - 1 :], opts)
    small = (ratios[-1] < opts.infinity_ratio) & _decaying(alphas[-opts.stable_samples :], opts)
    if len(alphas) < opts.steady_samples:
        return small
    alphas = alphas[-opts.steady_samples :]
    steady = alphas.max(axis=0) - alphas.min(axis=0) <= opts.alpha_spread * alphas.max(axis=0)
    return small | (_decaying(alphas, opts) & steady & (ratios[-1] < opts.steady_ratio))


def _exponents(ratios: list[np.ndarray], opts: EndgameOptions) -> np.ndarray:
    """The decay exponents α of |x0|/‖y‖ ∼ δ^α between consecutive samples, one row per pair."""
    return -np.diff(np.log(np.maximum(np.stack(ratios), 1e-300)), axis=0) / np.log(1.0 / opts.ratio)


def _decaying(alphas: np.ndarray, opts: EndgameOptions) -> np.ndarray:
    return np.all(alphas >= opts.min_alpha, axis=0)


def track_with_endgame(
    hom, starts: np.ndarray, tracker: TrackerOptions, options: SolveOptions, tick: Callable[[int], None],
    target: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> _Paths:
    """Track every start point of a homotopy in homogeneous coordinates y = (x0, x) (as
    :class:`.projective.ProjectiveHomotopy`) through phase 1 and the endgame (``options.endgame``);
    classify each endpoint by Newton on the affine target (``target(x)`` → F, F_x), singular above
    ``options.endpoint_singular_condition``. The reduced homotopy (:mod:`.reduced_homotopy`) runs it too."""
    opts, singular = options.endgame, options.endpoint_singular_condition
    refine = partial(newton_on_target, target, opts=opts)
    paths = _Paths.new(starts)
    gaps = opts.gaps()
    first = track(ProjectiveSegment(hom, 0.0, 1.0 - gaps[0]), starts, tracker)
    paths.y, paths.steps = first.x, first.steps.copy()
    paths.t[:] = (1.0 - gaps[0]) * first.t
    lost = ~first.success
    paths.code[lost] = first.codes[lost]
    tick(int(lost.sum()))
    previous = np.full(paths.point.shape, np.nan, dtype=complex)
    # Each segment shrinks 1 − t by the same ratio, so in s every segment looks alike and
    # a few long steps cross it; the retry schedule's smaller max_step shrinks them too.
    step = min(opts.segment_step * tracker.max_step / TrackerOptions().max_step, 1.0)
    segment_options = replace(tracker, initial_step=step, max_step=min(2.0 * step, 1.0))
    # Past the loops' smallest radius a segment caps the steps of paths heading for infinity: one
    # that needs more goes to the loops, and is tracked again without the cap only if they leave it
    # open (_track_past_the_loops); a path the loops saw there is not looped again at the end.
    last_radius = len(gaps[:LOOP_SAMPLES.stop]) - 1
    looped = np.zeros(0, dtype=int)
    for k, gap in enumerate(gaps):
        if k:
            idx = np.flatnonzero(paths.active)
            segment = ProjectiveSegment(hom, 1.0 - gaps[k - 1], 1.0 - gap)
            if k > last_radius:
                idx, result, tried = _track_past_the_loops(hom, starts, paths, idx, segment, segment_options, options)
                looped = np.union1d(looped, tried)
                tick(int((~paths.active[tried]).sum()))  # the paths the loops closed
            else:
                result = track(segment, paths.y[idx], segment_options)
            paths.y[idx], paths.steps[idx] = result.x, paths.steps[idx] + result.steps
            paths.t[idx] = 1.0 - gaps[k - 1] + result.t * (gaps[k - 1] - gap)
            _close_failed(refine, paths, idx[~result.success], result.codes[~result.success], opts, singular, tick)
        previous = _sample(refine, paths, previous, opts, singular, tick)
        if not paths.active.any():
            break
    _close_failed(refine, paths, np.flatnonzero(paths.active), None, opts, singular, tick)
    # the loops are deterministic: a path they left open before stays open
    unclassified = np.flatnonzero(~np.isin(paths.code, _CLOSED))
    _infinity_by_loops(hom, starts, paths, options, np.setdiff1d(unclassified, looped))
    return paths


#: The endgame samples whose gaps are the radii of :func:`_infinity_by_loops` (the third to the
#: sixth: 1e-4 … 3e-9 by default). Far enough from t = 1 that the paths are still easy to follow,
#: near enough that no other branch point lies inside the loops (two successive radii must agree).
#: With three radii (to 1e-7) the loops decided 6 of the 18 open paths of the reduced system of
#: 1,2,3,4 (seed 0 of bench_reduced_shapes), whose estimates still moved by 1e-6 … 4e-4 from one
#: radius to the next, and the run was refused; with the fourth, all 18.
LOOP_SAMPLES = slice(2, 6)


#: Steps a path heading for infinity may take on an endgame segment past the loops' smallest radius
#: before it is offered to the loops: tens suffice for a path that is not crawling. Paths to
#: singular points at infinity crawl there — reduced system of 1,2,4,3 (bench_reduced_shapes, seed
#: 0): 52 paths took 173 725 steps on the last segment, some all 20 000 the tracker allows, 21 s of a
#: 23 s run. Whatever the loops leave open is tracked over the segment again without the cap, so
#: the cap changes the cost only, never a path's outcome.
DEEP_SEGMENT_STEPS = 1000
#: Which paths are capped: |x0|/‖y‖ below this at the segment's start. Those crawlers of 1,2,4,3
#: (seeds 0 and 1) were at 1e-5 … 8e-5; on the blackbox's 1,2,2,1 (seed 0) 15 paths at 1.5e-3 …
#: 5e-3 also pass 1 000 steps there, and the loops took 128 s to close one of them — they
#: are left to the segment (the paths that did not crawl started at 1.3e-3 … 0.12).
HEADING_RATIO = 3e-4


def _track_past_the_loops(hom, starts: np.ndarray, paths: _Paths, idx: np.ndarray, segment: ProjectiveSegment,
                          segment_options: TrackerOptions, options: SolveOptions):
    """One endgame segment past the loops' smallest radius for the paths ``idx``.

    Paths heading for infinity take at most :data:`DEEP_SEGMENT_STEPS` steps; those that need more
    go to :func:`_infinity_by_loops`, and the ones it leaves open are tracked over the segment again
    without the cap. Returns the paths still to be updated from the segment (the loops closed the
    others), their track result (steps of both tries) and the paths the loops saw.
    """
    heading = _ratio(paths.y[idx]) < HEADING_RATIO
    capped = np.flatnonzero(heading)
    first = track(segment, paths.y[idx[capped]], replace(segment_options, max_steps=DEEP_SEGMENT_STEPS))
    tried = idx[capped[np.array([c is ReturnCode.MAX_STEPS for c in first.codes], dtype=bool)]]
    _infinity_by_loops(hom, starts, paths, options, tried)
    closed = np.isin(idx, tried) & ~paths.active[idx]
    capped_steps = np.zeros(len(idx), dtype=int)
    capped_steps[capped] = first.steps
    paths.steps[idx[closed]] += capped_steps[closed]
    # the paths not capped, and the capped ones the loops left open, over the whole segment
    again = np.flatnonzero(~heading | (np.isin(idx, tried) & ~closed))
    x, codes, t = np.empty_like(paths.y[idx]), np.empty(len(idx), dtype=object), np.zeros(len(idx))
    x[capped], codes[capped], t[capped] = first.x, first.codes, first.t
    residual, accuracy = np.zeros(len(idx)), np.zeros(len(idx))
    residual[capped], accuracy[capped] = first.residual, first.accuracy
    steps = capped_steps.copy()
    if len(again):
        rest = track(segment, paths.y[idx[again]], segment_options)
        x[again], codes[again], t[again] = rest.x, rest.codes, rest.t
        residual[again], accuracy[again] = rest.residual, rest.accuracy
        steps[again] += rest.steps
    keep = ~closed
    return idx[keep], TrackResult(x[keep], codes[keep], t[keep], steps[keep], residual[keep], accuracy[keep]), tried


def _infinity_by_loops(hom, starts: np.ndarray, paths: _Paths, options: SolveOptions, idx: np.ndarray) -> None:
    """Paths ``idx``, which the samples left unclassified, decided by Cauchy loops around t = 1
    where they go to infinity.

    A path to a singular point at infinity of winding number c has |x0|/‖y‖ ∼ δ^{1/c}: at c = 2 it
    is still 1e-5 at the last sample (measured on the reduced systems of 1,2,4,3 and 1,2,3,2) and
    its last segment stalls, so the samples' rule cannot call it; neither can a path whose finite
    end point the samples did not accept. Such paths are tracked again to the first radius of
    :data:`LOOP_SAMPLES` and their end point y(1) estimated by :func:`.endgame.cauchy_limits` (it is
    bounded: y lives on the patch). A path is at infinity when x0(1) vanishes to the estimate's
    accuracy (|x0|/‖y‖∞ ≤ ``options.cauchy.agreement``) and y(1) solves the homogenized target
    (‖H(y(1), 1)‖∞ ≤ ``options.cauchy.residual``·(1 + ‖y‖∞): a loop around a near-pole gives a
    stable mean that is no solution). A finite end point of x0(1) ≈ 1/‖x‖ ≫ the agreement is not
    mistaken for one; every other path keeps its failure code.

    The loops follow ``options.tracker`` in every pass: the retry schedule's smaller steps are for
    paths that jumped, and the loops' own check (two radii agree) tells whether they were followed
    well. (With the last retry's steps the loops of 4 paths of 2,1,1,2, seed 2, took 94 s.)
    """
    radii = options.endgame.gaps()[LOOP_SAMPLES]
    if not len(idx) or len(radii) < 2:
        return
    first = track(ProjectiveSegment(hom, 0.0, 1.0 - radii[0]), starts[idx], options.tracker)
    paths.steps[idx] += first.steps
    idx, y = idx[first.success], first.x[first.success]
    limits = cauchy_limits(hom, y, radii, options.cauchy, options.tracker)
    paths.steps[idx] += limits.steps
    end = np.where(limits.found[:, None], limits.x, 0.0)
    with np.errstate(all="ignore"):
        H, _ = hom.evaluate(end, np.ones(len(end)))
        size = np.abs(end).max(axis=1, initial=0.0)
        infinite = (limits.found & (np.abs(end[:, 0]) <= options.cauchy.agreement * size)
                    & (np.abs(H).max(axis=1, initial=0.0) <= options.cauchy.residual * (1.0 + size)))
    paths.code[idx[infinite]] = ReturnCode.AT_INFINITY
    paths.y[idx[infinite]] = end[infinite]
    paths.t[idx[infinite]] = 1.0


def _ratio(y: np.ndarray) -> np.ndarray:
    return np.abs(y[:, 0]) / np.abs(y).max(axis=1)


def _sample(
    refine: Callable[[np.ndarray], _Refined], paths: _Paths, previous: np.ndarray, opts: EndgameOptions, singular: float,
    tick,
) -> np.ndarray:
    """Classify the active paths at one endgame sample; returns this sample's affine points.

    A finite endpoint is accepted when Newton on F converges from the sample and the path has
    closed in on the limit at least like ``2θ`` per sample (a nonsingular endpoint is approached
    like δ; an endpoint at infinity recedes; a singular one is approached only like δ^{1/c}).
    """
    idx = np.flatnonzero(paths.active)
    ratio = np.full(len(paths.code), np.nan)
    ratio[idx] = _ratio(paths.y[idx])
    paths.ratios.append(ratio)
    here = np.full(paths.point.shape, np.nan, dtype=complex)
    here[idx] = dehomogenize(paths.y[idx])
    refined = refine(here[idx])
    now = _distance(here[idx], refined.x)
    before = _distance(previous[idx], refined.x)
    closing_in = refined.converged & (now <= 2.0 * opts.ratio * before)
    finite = closing_in & (now <= opts.finite_distance)
    _store(paths, idx[finite], refined, finite, singular)
    at_infinity = idx[~closing_in & _infinity_trend([r[idx] for r in paths.ratios], opts)]
    paths.code[at_infinity] = ReturnCode.AT_INFINITY
    tick(int(finite.sum()) + len(at_infinity))
    return here


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """‖a − b‖∞ relative to 1 + ‖b‖∞ (NaN compares false, so an unknown distance never accepts)."""
    return np.abs(a - b).max(axis=1, initial=0.0) / (1.0 + np.abs(b).max(axis=1, initial=0.0))


def _store(paths: _Paths, where: np.ndarray, refined: _Refined, mask: np.ndarray, singular_condition: float) -> None:
    """Record refined finite endpoints: SUCCESS, or SINGULAR above ``singular_condition``."""
    singular = refined.condition[mask] > singular_condition
    paths.code[where] = np.where(singular, ReturnCode.SINGULAR, ReturnCode.SUCCESS)
    paths.point[where] = refined.x[mask]
    paths.residual[where] = refined.residual[mask]
    paths.condition[where] = refined.condition[mask]


def _close_failed(refine: Callable[[np.ndarray], _Refined], paths: _Paths, idx: np.ndarray, codes, opts: EndgameOptions,
                  singular: float, tick) -> None:
    """Paths the endgame could not finish: at infinity by trend, singular if Newton lands, else failed."""
    if not len(idx):
        return
    trend = _infinity_trend([r[idx] for r in paths.ratios], opts)
    paths.code[idx[trend]] = ReturnCode.AT_INFINITY
    rest = idx[~trend]
    refined = refine(dehomogenize(paths.y[rest]))
    landed = refined.converged & (refined.condition > singular)
    _store(paths, rest[landed], refined, landed, singular)
    failed = rest[~landed]
    paths.code[failed] = codes[~trend][~landed] if codes is not None else ReturnCode.FAILED
    tick(len(idx))


# --- the whole solve ------------------------------------------------------------------------------
def _clusters(points: np.ndarray, tol: float) -> np.ndarray:
    """Cluster label of each end point (0, 1, … in order of first occurrence): the package's one
    point identity, :func:`linnet_crit.points.cluster_rows`, with every coordinate compared within
    ``tol`` of the point's size (``floor`` 1) — refined end points of the blackbox know their
    near-zero coordinates only to the accuracy of the whole point."""
    return cluster_rows(points, tol, floor=1.0)


def _colliding(paths: _Paths, tol: float) -> np.ndarray:
    """Successful paths that share their endpoint with another path: path jumps."""
    ok = np.flatnonzero(paths.code == ReturnCode.SUCCESS)
    labels = _clusters(paths.point[ok], tol)
    shared = np.bincount(labels, minlength=len(ok))[labels] > 1
    out = np.zeros(len(paths.code), dtype=bool)
    out[ok[shared]] = True
    return out


def _needs_retry(paths: _Paths, tol: float) -> np.ndarray:
    return ~np.isin(paths.code, _CLOSED) | _colliding(paths, tol)


def _merge(paths: _Paths, where: np.ndarray, again: _Paths) -> None:
    for name in ("y", "code", "point", "residual", "condition", "steps", "t"):
        getattr(paths, name)[where] = getattr(again, name)


def _mark_duplicates(paths: _Paths, tol: float) -> None:
    """After the last retry, keep one path per shared endpoint; the others are path jumps (failed)."""
    ok = np.flatnonzero(paths.code == ReturnCode.SUCCESS)
    labels = _clusters(paths.point[ok], tol)
    _, first = np.unique(labels, return_index=True)
    duplicate = np.ones(len(ok), dtype=bool)
    duplicate[first] = False
    paths.code[ok[duplicate]] = ReturnCode.DUPLICATE


def _path_results(paths: _Paths, starts: np.ndarray, where: np.ndarray) -> tuple[PathResult, ...]:
    return tuple(
        PathResult(
            solution=paths.point[p] if np.all(np.isfinite(paths.point[p])) else dehomogenize(paths.y[p : p + 1])[0],
            return_code=paths.code[p],
            residual=float(paths.residual[p]),
            condition=float(paths.condition[p]),
            accuracy=float("nan"),
            steps=int(paths.steps[p]),
            t=float(paths.t[p]),
            start_solution=starts[p],
            stage="blackbox",
        )
        for p in where
    )


def _show_progress(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else bool(progress)


def solve_blackbox(
    instance: Instance,
    *,
    seed: int | None = 0,
    start_system: str = "auto",
    options: SolveOptions | None = None,
    progress: bool | None = None,
    max_paths: int | None = 1_000_000,
) -> BlackboxRun:
    """Every isolated finite critical point of ``instance`` from a start system, with no structural assumption.

    Parameters
    ----------
    instance : Instance
        Architecture and data; meant for small systems (N ≤ ~8): the number of paths is the
        Bézout number of the start system.
    seed : int or None
        Seeds γ, the affine patch and the coefficients of the m-homogeneous start system
        (``None``: fresh entropy, not reproducible).
    start_system : {"auto", "total_degree", "multihomogeneous"}
        ``"auto"`` takes the one with fewer paths (the m-homogeneous one whenever it is smaller).
    options : SolveOptions, optional
        Read here: ``options.tracker``, the tracker settings of the first pass (failed or colliding
        paths are tracked again with each entry of :data:`RETRY_SCHEDULE` in turn), and
        ``options.endgame``, the endgame's samples and classification thresholds.
    progress : bool, optional
        tqdm progress bar of finished paths; default: only when stderr is a terminal.
    max_paths : int or None
        Refuse (:class:`~linnet_crit.errors.BudgetExceededError`) start systems with more paths;
        ``None`` for no limit.

    Returns
    -------
    BlackboxRun

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> run = solve_blackbox(random_instance((1, 1, 1), seed=0), seed=0)
    >>> run.n_paths, run.n_solutions, run.n_failed
    (5, 5, 0)
    """
    began = time.perf_counter()
    arch = instance.architecture
    options = options or SolveOptions()
    rng = np.random.default_rng(seed)
    start = make_start_system(arch, start_system, seed=int(rng.integers(2**32)), max_paths=max_paths)
    gamma = complex(np.exp(2j * np.pi * rng.uniform()))
    patch = (rng.standard_normal(arch.n_unknowns + 1) + 1j * rng.standard_normal(arch.n_unknowns + 1)) / np.sqrt(2.0)
    hom = ProjectiveHomotopy(instance, start, gamma, patch)
    starts = start.start_points(patch)
    params = Parameters.of(instance)
    target = partial(gradient_and_jacobian, arch, params=params)
    with progress_bar(show=_show_progress(progress), total=start.n_paths, desc=f"blackbox {arch}", unit="path") as bar:
        paths, retried, steps = track_with_retries(hom, starts, options, bar.update, target)
    return _collect(paths, starts, start, seed, retried, steps, time.perf_counter() - began)


def track_with_retries(hom, starts: np.ndarray, options: SolveOptions, tick: Callable[[int], None],
                       target: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
                       schedule: tuple[TrackerOptions, ...] = RETRY_SCHEDULE) -> tuple[_Paths, int, int]:
    """:func:`track_with_endgame` with ``options.tracker``, then failed or colliding paths again with
    each entry of ``schedule`` in turn; paths still sharing an endpoint after the last are
    ``DUPLICATE`` but one. Returns the paths, how many were retried and the steps of all passes."""
    tolerance = options.endgame.duplicate_tolerance
    paths = track_with_endgame(hom, starts, options.tracker, options, tick, target)
    retried, steps = 0, int(paths.steps.sum())
    for retry in schedule:
        redo = np.flatnonzero(_needs_retry(paths, tolerance))
        if not len(redo):
            break
        again = track_with_endgame(hom, starts[redo], retry, options, lambda n: None, target)
        retried, steps = retried + len(redo), steps + int(again.steps.sum())
        _merge(paths, redo, again)
    _mark_duplicates(paths, tolerance)
    return paths, retried, steps


def _collect(
    paths: _Paths, starts: np.ndarray, start: LinearProductStart, seed: int | None, retried: int, steps: int, seconds: float
) -> BlackboxRun:
    codes = paths.code
    ok = np.flatnonzero(codes == ReturnCode.SUCCESS)
    singular = np.flatnonzero(codes == ReturnCode.SINGULAR)
    failed = np.flatnonzero(~np.isin(codes, [ReturnCode.SUCCESS, ReturnCode.SINGULAR, ReturnCode.AT_INFINITY]))
    n_infinity = int(np.sum(codes == ReturnCode.AT_INFINITY))
    report = StageReport(
        name=f"blackbox ({start.name})",
        paths=start.n_paths,
        failed=len(failed),
        at_infinity=n_infinity,
        retried=retried,
        seconds=seconds,
        info={"start_system": start.name, "singular": len(singular)},
        steps=steps,
    )
    return BlackboxRun(
        solutions=paths.point[ok],
        residuals=paths.residual[ok],
        conditions=paths.condition[ok],
        n_paths=start.n_paths,
        n_at_infinity=n_infinity,
        n_singular=len(singular),
        failed=_path_results(paths, starts, failed),
        singular_points=paths.point[singular],
        report=report,
        seed=seed,
        start_system=start.name,
    )


# --- the generic set of a small shape ---------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TorusOrbits:
    """The sign-flip orbits of the torus points a blackbox run found, and whether they are all.

    ``representatives`` (canonical, as monodromy keeps them) is None when the run does not
    certify the set; ``reason`` says what certified it or what did not hold.
    """

    representatives: np.ndarray | None
    reason: str
    run: BlackboxRun


def torus_orbits(instance: Instance, known: np.ndarray, *, seed: int, options: SolveOptions) -> TorusOrbits:
    """Every sign-flip orbit of torus solutions (no dead neuron) of ``instance``, by the blackbox homotopy.

    A linear-product start system bounds the isolated solutions, so a run in which every path is
    accounted for has found them all: no stopping rule is involved. The run certifies the torus
    orbits when no path failed, none ended at a singular point, every orbit arrived with all its
    2^(Σ d_i) sign flips — each flip is the end of a different path, so a path wrongly taken for
    one at infinity leaves its orbit short — and the known torus point(s) ``known`` (canonical;
    monodromy's start point W₀) are among them. Meant for generic parameters and small start
    systems (:attr:`~linnet_crit.options.MonodromyOptions.blackbox_paths`).

    Examples
    --------
    >>> from linnet_crit import Architecture
    >>> from linnet_crit.solvers.native.monodromy import random_complex_instance
    >>> generic = random_complex_instance(Architecture((1, 1, 2)), 1, np.random.default_rng(0))
    >>> found = torus_orbits(generic, np.zeros((0, 3)), seed=0, options=SolveOptions())
    >>> found.representatives.shape, found.run.n_paths
    ((4, 3), 9)
    """
    arch = instance.architecture
    run = solve_blackbox(instance, seed=seed, options=options, progress=False)
    torus = run.solutions[is_torus(arch, run.solutions)] if run.n_solutions else run.solutions
    canonical = canonicalize(arch, torus)
    labels = cluster_rows(canonical, SAME_POINT) if len(canonical) else np.zeros(0, dtype=int)
    heads, sizes = np.unique(labels, return_index=True, return_counts=True)[1:]
    representatives = canonical[np.sort(heads)]
    # every flip of every torus point must have arrived (matched one by one: each is another path's end)
    flips = match_index(expand_orbits(arch, torus), torus, SAME_POINT).reshape(len(torus), orbit_size(arch))
    short = len(np.unique(labels[np.any(flips < 0, axis=1)]))
    missing = int(np.sum(match_index(np.asarray(known), representatives, SAME_POINT) < 0))
    problems = [f"{count} paths {text}" for count, text in ((run.n_failed, "failed"), (run.n_singular, "ended singular"))
                if count]
    if short:
        problems.append(f"{short} of {len(sizes)} orbits arrived without all {orbit_size(arch)} sign flips")
    elif np.any(sizes != orbit_size(arch)):  # all flips there, yet grouped otherwise: a canonical form is ambiguous
        problems.append("the canonical forms do not group the torus points into whole orbits")
    if missing:
        problems.append(f"{missing} known torus point(s) not found")
    if problems:
        return TorusOrbits(None, "blackbox homotopy not certified: " + "; ".join(problems), run)
    reason = (f"every path of the {run.n_paths}-path {run.start_system} start system accounted for: "
              f"{run.n_solutions} finite ({len(torus)} torus points in {len(sizes)} complete sign-flip orbits), "
              f"{run.n_at_infinity} at infinity, none failed or singular")
    return TorusOrbits(representatives, reason, run)
