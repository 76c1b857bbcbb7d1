"""The continuation route: every isolated critical point for any data, by parameter continuation.

By the parameter continuation theorem (Morgan & Sommese 1989; Sommese & Wampler 2005, ch. 7) every
isolated solution of F(x; p₁) is the end point of a path from the solution set at a generic p₀ —
one of multiplicity μ of μ paths — and the other paths diverge or end on positive-dimensional
components. So, unlike the structure-aware route, nothing is assumed about the data:

1. the whole critical set at one generic complex p₀ (monodromy per alive-size tuple, carried to
   every alive set of p₀ by the structure-aware machinery, the origin added), one representative
   per sign-flip orbit — flips are symmetries for every p, so a path and its images stay images;
2. each representative tracked from p₀ to the user's p₁ (X and Y interpolated) up to
   t = 1 − r₀, with retries and, if needed, a detour of all paths through a random complex point;
3. paths whose straight finish ends nonsingular are done; the others go through the Cauchy
   endgame (:mod:`.endgame`), which decides "at infinity" or gives the singular end point;
4. end points are expanded into their sign orbits and clustered; the multiplicity of a point is
   the number of full-space paths ending there. A singular end point on a positive-dimensional
   component (slice test) raises :class:`PositiveDimensionalError`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...errors import PositiveDimensionalError
from ...numeric import Parameters, gradient_and_jacobian
from ...numeric.local_dimension import instance_system, local_dimension
from ...points import SAME_POINT, cluster_rows
from ...results import PathResult, ReturnCode, StageReport
from ...progress import progress_bar
from ...options import RETRY_SCHEDULE, CauchyEndgameOptions, SolveOptions
from .endgame import cauchy_endgame, segment
from .homotopies import ParameterHomotopy, fixed
from .linalg import batch_condition
from .monodromy import GenericSolutions, random_complex_instance
from .structured import solve_generic, solve_structured_many
from .tracker import newton, track
from .verdict import jacobian_conditions

__all__ = ["ContinuationRun", "solve_continuation"]

#: Detours through a random complex parameter point tried when paths keep failing before the endgame.
DETOURS = 3


@dataclass(frozen=True, eq=False)
class ContinuationRun:
    """What one continuation solve found.

    points: (n, N) distinct finite isolated critical points (full coordinates, every sign-orbit
    member, the origin included); multiplicities: number of full-space paths that ended at each;
    residuals and conditions of the points; n_paths: paths tracked (monodromy included when run
    cold, retries and endgame arcs included); n_at_infinity: full-space paths that diverged;
    warnings: reasons the count may be incomplete, with numbers; notes: informational findings
    (e.g. simple but ill-conditioned points).
    """

    points: np.ndarray
    multiplicities: np.ndarray
    residuals: np.ndarray
    conditions: np.ndarray
    n_paths: int
    n_at_infinity: int
    stages: tuple[StageReport, ...]
    failed: tuple[PathResult, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...] = ()


def _canonical(arch: Architecture, x: np.ndarray) -> np.ndarray:
    """The orbit member in which, for every neuron, the largest entry of its row of W_i (of its
    column of W_{i+1} if the row is zero) has positive real part.

    :func:`linnet_crit.sign_flips.canonicalize` looks at the fixed entry W_i[k, 0], which is 0 whenever neuron 0
    of the layer below is dead, so it leaves orbits of points with dead neurons split. Sizes are
    flip-invariant, so the pivot is the same entry for every orbit member; layers go in order
    because the pivot also changes sign with the neuron of the layer below, fixed first.
    """
    x = np.array(x, dtype=complex, copy=True)
    rows_of = np.arange(len(x))
    for layer in range(1, arch.depth + 1):
        rows, cols = arch.shapes[layer - 1]
        out_rows = arch.shapes[layer][0]
        for k in range(arch.hidden[layer - 1]):
            row = x[:, arch.offsets[layer - 1] + k * cols + np.arange(cols)]
            col = x[:, arch.offsets[layer] + np.arange(out_rows) * rows + k]
            use_row = np.abs(row).max(axis=1) > 0
            entries = np.where(use_row[:, None], np.pad(row, ((0, 0), (0, max(0, out_rows - cols)))),
                               np.pad(col, ((0, 0), (0, max(0, cols - out_rows)))))
            pivot = entries[rows_of, np.argmax(np.abs(entries), axis=1)]
            negative = (pivot.real < 0) | ((pivot.real == 0) & (pivot.imag < 0))
            x[negative] *= arch.sign_flip_signs(layer, k)
    return x


def _representatives(arch: Architecture, points: np.ndarray) -> np.ndarray:
    """One point per sign-flip orbit."""
    canonical = _canonical(arch, points)
    labels = cluster_rows(canonical, SAME_POINT)
    _, first = np.unique(labels, return_index=True)
    return canonical[np.sort(first)]


def _alive_flips(arch: Architecture, point: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """Sign vectors of every combination of flips of the neurons alive at ``point`` (row of W_i
    or column of W_{i+1} above ``tol`` times the point's size).

    Flips of dead neurons fix the point (and so its whole path): the full-space paths through a
    representative are its images under the flips of its alive neurons, one each.
    """
    weights = arch.split(point[None])
    bound = tol * (1.0 + np.abs(point).max())
    generators = []
    for layer in range(1, arch.depth + 1):
        rows = np.abs(weights[layer - 1][0]).max(axis=1)
        cols = np.abs(weights[layer][0]).max(axis=0)
        for k in range(arch.hidden[layer - 1]):
            if max(rows[k], cols[k]) > bound:
                generators.append(arch.sign_flip_signs(layer, k))
    signs = [np.ones(arch.n_unknowns)]
    for g in generators:
        signs += [s * g for s in signs]
    return np.array(signs)


def _collided(arch: Architecture, x: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Paths whose points (up to sign) coincide with another's: before t = 1 the solutions are
    distinct, so one of them jumped (both are suspect)."""
    collided = np.zeros(len(x), dtype=bool)
    good = np.flatnonzero(ok)
    if len(good) > 1:
        labels = cluster_rows(_canonical(arch, x[good]), SAME_POINT)
        counts = np.bincount(labels)
        collided[good] = counts[labels] > 1
    return collided


def _approach(hom: ParameterHomotopy, start: np.ndarray, r0: float, options: SolveOptions):
    """Track every start point to t = 1 − r₀; retry failed and colliding paths with stricter settings."""
    arch, n = hom.arch, len(start)
    res = track(segment(hom, 0.0, 1.0 - r0, n), start, options.tracker)
    x, ok = res.x.copy(), res.success.copy()
    tracked = n
    for tracker in RETRY_SCHEDULE:
        bad = np.flatnonzero(~ok | _collided(arch, x, ok))
        if len(bad) == 0:
            break
        again = track(segment(hom.select(bad), 0.0, 1.0 - r0, len(bad)), start[bad], tracker)
        x[bad], ok[bad] = again.x, again.success
        tracked += len(bad)
    return x, ok & ~_collided(arch, x, ok), tracked


def _route(instance: Instance, p0: Instance, start: np.ndarray, r0: float, options: SolveOptions,
           rng: np.random.Generator):
    """Points at t = 1 − r₀ of the homotopy returned (p₀ → p₁, or mid → p₁ after a detour).

    A detour p₀ → mid → p₁ is another bijection between the solutions at p₀ and the paths to p₁,
    so it replaces all paths at once and is kept only if every one of them arrives, distinct.
    """
    arch = instance.architecture
    hom = ParameterHomotopy(arch, p0, instance)
    x, ok, tracked = _approach(hom, start, r0, options)
    detours = 0
    while not ok.all() and detours < DETOURS:
        detours += 1
        mid = random_complex_instance(arch, instance.samples, rng)
        leg = track(ParameterHomotopy(arch, p0, mid), start, options.tracker)
        tracked += len(start)
        if not leg.success.all():
            continue
        hom_try = ParameterHomotopy(arch, mid, instance)
        x_try, ok_try, more = _approach(hom_try, leg.x, r0, options)
        tracked += more
        if ok_try.sum() > ok.sum():
            hom, x, ok = hom_try, x_try, ok_try
    return hom, x, ok, tracked, detours


def _same_stabilizer(arch: Architecture, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each end point is fixed by no more sign flips than its start point: a nonsingular
    end point is reached by one full-space path only, so a larger stabilizer means more than one
    path arrived (seen: paths to infinity jumping onto the origin in a straight finish)."""
    return np.array([len(_alive_flips(arch, e, 1e-8)) == len(_alive_flips(arch, s)) if np.all(np.isfinite(e)) else False
                     for s, e in zip(start, end)], dtype=bool)


def _finish(hom: ParameterHomotopy, start: np.ndarray, x: np.ndarray, eg: CauchyEndgameOptions, options: SolveOptions):
    """End points from t = 1 − r₀: straight where they are nonsingular and reached by one path
    only, by the endgame elsewhere.

    Returns end points, codes, winding numbers (1 for straight finishes), accuracies and paths tracked.
    """
    n = len(x)
    res = track(segment(hom, 1.0 - eg.start_radius, 1.0, n), x, replace(options.tracker, max_steps=eg.straight_steps))
    _, J = gradient_and_jacobian(hom.arch, res.x, hom.target)
    with np.errstate(all="ignore"):
        condition = batch_condition(np.where(np.isfinite(J), J, 0.0))
    straight = res.success & (condition < eg.straight_condition)
    straight &= ~_collided(hom.arch, res.x, straight) & _same_stabilizer(hom.arch, start, res.x)
    end = np.where(straight[:, None], res.x, np.nan)
    codes = np.where(straight, ReturnCode.SUCCESS, ReturnCode.FAILED).astype(object)
    winding = np.ones(n, dtype=int)
    accuracy = np.where(straight, res.accuracy, np.inf)
    paths = n
    rest = np.flatnonzero(~straight)
    for tracker in (options.tracker, *RETRY_SCHEDULE):
        if len(rest) == 0:
            break
        game = cauchy_endgame(hom.select(rest), x[rest], eg, tracker)
        paths += game.paths
        end[rest], codes[rest], winding[rest], accuracy[rest] = game.x, game.codes, game.winding, game.accuracy
        rest = rest[[c not in (ReturnCode.SUCCESS, ReturnCode.AT_INFINITY) for c in game.codes]]
    paths += _refinish_jumped(hom, x, eg.start_radius, end, codes, winding, accuracy, options.endpoint_singular_condition)
    return end, codes, winding, accuracy, paths


def _refinish_jumped(hom: ParameterHomotopy, x: np.ndarray, r0: float, end: np.ndarray, codes: np.ndarray,
                     winding: np.ndarray, accuracy: np.ndarray, singular_condition: float) -> int:
    """Re-track from t = 1 − r₀ (points ``x``), straight and with the stricter trackers of the
    retry schedule, the paths whose nonsingular end points (up to sign) coincide with another
    path's; updates the arrays in place and returns the paths tracked.

    A nonsingular point is the end of one path only, so one of two such paths jumped (seen on
    generic 2,3,3 data: a path sent to the endgame ended, winding number 1, on the well-conditioned
    end point of a straight finish). Kept only where the re-tracked end points are distinct.
    """
    ok = np.array([c is ReturnCode.SUCCESS for c in codes], dtype=bool)
    _, J = gradient_and_jacobian(hom.arch, np.where(ok[:, None], end, 0.0), hom.target)
    with np.errstate(all="ignore"):
        nonsingular = ok & (batch_condition(np.where(np.isfinite(J), J, 0.0)) < singular_condition)
    paths = 0
    for tracker in RETRY_SCHEDULE:
        bad = np.flatnonzero(_collided(hom.arch, end, nonsingular))
        if len(bad) == 0:
            break
        res = track(segment(hom.select(bad), 1.0 - r0, 1.0, len(bad)), x[bad], tracker)
        paths += len(bad)
        trial = end.copy()
        trial[bad] = np.where(res.success[:, None], res.x, trial[bad])
        if _collided(hom.arch, trial, nonsingular).sum() < len(bad):
            end[:] = trial
            winding[bad] = np.where(res.success, 1, winding[bad])
            accuracy[bad] = np.where(res.success, res.accuracy, accuracy[bad])
    return paths


def _singular_floor(accuracy: np.ndarray) -> np.ndarray:
    """Per-point floor of the clustering: end points known to relative accuracy a are compared
    absolutely below 100·a / SAME_POINT of their size (never below the default of :mod:`linnet_crit.points`)."""
    return np.clip(100 * np.nan_to_num(accuracy, nan=1.0, posinf=1.0) / SAME_POINT, 1e-10, 1.0)


def solve_continuation(
    instance: Instance,
    rng: np.random.Generator,
    options: SolveOptions,
    generic: dict[tuple[int, ...], GenericSolutions] | None = None,
    progress: bool = False,
) -> ContinuationRun:
    """Every isolated critical point of ``instance``, with multiplicities, for any data.

    Parameters
    ----------
    instance : Instance
        The data p₁ (real or complex, special or not).
    rng : numpy.random.Generator
        Draws the generic base p₀ (and the monodromy, when run cold, and detour points).
    options : SolveOptions
        The tracker, monodromy and Cauchy endgame (``options.cauchy``) settings, and the tolerances.
    generic : dict, optional
        A cached :func:`~.structured.solve_generic` result for this architecture and number of samples.
    progress : bool
        Show a progress bar of the stages on stderr.

    Raises
    ------
    PositiveDimensionalError
        If an end point lies on a positive-dimensional component of the critical set.
    """
    arch, eg = instance.architecture, options.cauchy
    warnings: list[str] = []
    stages: list[StageReport] = []
    bar = progress_bar(show=bool(progress), total=4, desc="continuation", unit="stage")
    cold = generic is None
    if cold:
        generic = solve_generic(arch, instance.samples, rng, options, progress)
    for sizes, gen in generic.items():
        stages.append(gen.report)
        if "max_loops" in str(gen.report.info.get("stop", "")):
            warnings.append(f"monodromy for alive sizes {sizes} stopped at max_loops = {options.monodromy.max_loops} "
                            f"with {gen.n_orbits} orbits: the generic solution set may be incomplete")
    bar.update()

    t0 = time.perf_counter()
    p0 = random_complex_instance(arch, instance.samples, rng)
    base = solve_structured_many([p0], generic, options)[0]
    stages.append(StageReport("generic solutions at p0 (all alive sets)", base.n_paths, failed=len(base.failed),
                              seconds=time.perf_counter() - t0, steps=sum(s.steps for s in base.stages)))
    if base.failed:
        warnings.append(f"{len(base.failed)} paths to the generic base p0 failed: the start set is incomplete")
    start = _representatives(arch, base.points)
    bar.update()

    t0 = time.perf_counter()
    hom, x, ok, tracked, detours = _route(instance, p0, start, eg.start_radius, options, rng)
    stages.append(StageReport(f"parameter homotopy p0 → data to t = 1 − {eg.start_radius:g}", tracked,
                              failed=int((~ok).sum()), seconds=time.perf_counter() - t0,
                              info={"representatives": len(start), "detours": detours}))
    bar.update()

    t0 = time.perf_counter()
    end = np.full_like(x, np.nan)
    codes = np.full(len(x), ReturnCode.FAILED, dtype=object)
    winding = np.zeros(len(x), dtype=int)
    accuracy = np.full(len(x), np.inf)
    good = np.flatnonzero(ok)
    end[good], codes[good], winding[good], accuracy[good], finish_paths = _finish(hom.select(good), start[good], x[good], eg, options)
    at_infinity_reps = np.array([c is ReturnCode.AT_INFINITY for c in codes], dtype=bool)
    success = np.array([c is ReturnCode.SUCCESS for c in codes], dtype=bool)
    stages.append(StageReport("finish and Cauchy endgame", finish_paths, failed=int((~success & ~at_infinity_reps).sum()),
                              at_infinity=int(at_infinity_reps.sum()), seconds=time.perf_counter() - t0,
                              info={"winding_numbers": np.bincount(winding[success]).tolist()}))
    bar.update()
    bar.close()

    flips = [_alive_flips(arch, s) for s in start]
    n_at_infinity = int(sum(len(flips[i]) for i in np.flatnonzero(at_infinity_reps)))
    failed = [PathResult(end[i], codes[i] if codes[i] is not ReturnCode.SUCCESS else ReturnCode.FAILED, np.nan, np.nan,
                         np.nan, 0, np.nan, start[i], stage="continuation")
              for i in np.flatnonzero(~success & ~at_infinity_reps)]
    if failed:
        lost = sum(len(flips[i]) for i in np.flatnonzero(~success & ~at_infinity_reps))
        warnings.append(f"{len(failed)} representative paths ({lost} full-space paths) failed after retries, "
                        "detours and the endgame: their end points are missing")

    expanded = [end[i][None] * flips[i] for i in np.flatnonzero(success)]
    points = np.concatenate(expanded) if expanded else np.zeros((0, arch.n_unknowns), complex)
    floors = np.concatenate([np.full(len(flips[i]), _singular_floor(accuracy[i : i + 1])[0])
                             for i in np.flatnonzero(success)]) if expanded else np.zeros(0)
    # snap coordinates below the point's accuracy to zero, so the sign images of a point on a
    # coordinate subspace are not told apart by noise
    scale = 1.0 + np.abs(points).max(axis=1, initial=0.0)
    points = np.where(np.abs(points) <= 0.01 * floors[:, None] * SAME_POINT * scale[:, None], 0.0, points)
    labels = cluster_rows(points, SAME_POINT, floors)
    multiplicities = np.bincount(labels) if len(labels) else np.zeros(0, dtype=int)
    _, first = np.unique(labels, return_index=True)
    distinct = points[first]
    residuals, conditions, distinct = _polish(instance, distinct, multiplicities)
    # every path accounted for: no failure, none at infinity, a complete generic set
    accounted = not warnings and n_at_infinity == 0
    more, notes = _consistency(conditions, multiplicities, accounted, jacobian_conditions(instance, distinct)[1],
                               options.endpoint_singular_condition)
    warnings += more
    _refuse_positive_dimensional(instance, distinct, conditions, options.endpoint_singular_condition, rng)
    monodromy_paths = sum(g.report.paths for g in generic.values()) if cold else 0
    n_paths = monodromy_paths + base.n_paths + tracked + finish_paths
    return ContinuationRun(distinct, multiplicities, residuals, conditions, int(n_paths), n_at_infinity,
                           tuple(stages), tuple(failed), tuple(warnings), tuple(notes))


def _polish(instance: Instance, points: np.ndarray, multiplicities: np.ndarray):
    """Newton-polish the simple points (multiplicity 1); singular ones keep their endgame value
    (Newton converges only linearly there). Returns residuals, conditions and the points."""
    arch = instance.architecture
    simple = multiplicities == 1
    if simple.any():
        y, _, _ = newton(fixed(arch, instance), points[simple], np.ones(int(simple.sum())), 2)
        points = points.copy()
        points[simple] = y
    F, J = gradient_and_jacobian(arch, points, Parameters.of(instance))
    residuals = np.abs(F).max(axis=1, initial=0.0) / (1.0 + np.abs(points).max(axis=1, initial=0.0))
    return residuals, batch_condition(J), points


def _consistency(conditions: np.ndarray, multiplicities: np.ndarray, accounted: bool,
                 scaled: np.ndarray, singular_condition: float) -> tuple[list[str], list[str]]:
    """A nonsingular point is the end of exactly one path, a singular isolated one of at least two.

    Returns warnings and notes. A point with condition ≥ ``singular_condition`` reached by one
    path only means a lost path — unless ``accounted``: every path of a complete generic set ended
    at a finite point. Then the number of paths ending at each isolated point is its multiplicity
    (parameter continuation theorem), so a point reached by one path is simple and its large
    condition number only says it is ill-conditioned (seen near special data: simple points of size
    1e4 and condition 1e12); that is a note, with the accuracy it leaves in double precision,
    from the equilibrated condition numbers ``scaled`` (the raw ones depend on the units).
    """
    warnings, notes = [], []
    jumped = int(((conditions < singular_condition) & (multiplicities > 1)).sum())
    if jumped:
        warnings.append(f"{jumped} nonsingular points are the end of more than one path: paths jumped, "
                        "so other points may be missing")
    lonely = (conditions >= singular_condition) & (multiplicities == 1)
    if lonely.any() and accounted:
        worst = float(scaled[lonely].max())
        notes.append(f"{int(lonely.sum())} points have Jacobian condition ≥ {singular_condition:g} (largest equilibrated "
                     f"{worst:.1e}) "
                     "but each is the end of exactly one path and every path ended at a finite point: they are simple, "
                     f"only ill-conditioned (relative accuracy about {worst * np.finfo(float).eps:.0e} in double precision)")
    elif lonely.any():
        warnings.append(f"{int(lonely.sum())} singular points are the end of only one path (an isolated singular point "
                        "has multiplicity ≥ 2): their other paths are missing or went elsewhere")
    return warnings, notes


def _refuse_positive_dimensional(instance: Instance, points: np.ndarray, conditions: np.ndarray,
                                 singular_condition: float, rng: np.random.Generator) -> None:
    """Slice test at one singular end point per sign orbit (flips preserve the local dimension);
    any positive local dimension raises."""
    singular = np.flatnonzero(conditions >= singular_condition)
    arch, system = instance.architecture, instance_system(instance)
    labels = cluster_rows(_canonical(arch, points[singular]), SAME_POINT, 1e-2)
    _, first = np.unique(labels, return_index=True)
    for i in singular[np.sort(first)]:
        dim = local_dimension(system, points[i], rng)
        if dim > 0:
            raise PositiveDimensionalError(
                f"the critical set of widths {instance.architecture} is not finite for these data: end point {i} "
                f"of {len(points)} (condition {conditions[i]:.1e}) lies on a component of local dimension {dim} "
                f"(slice test, {len(singular)} singular end points); only isolated critical points can be "
                "enumerated — zero, scalar or per-layer-constant Λ and degenerate data (e.g. Y = 0) make "
                "components: use generic Hadamard Λ or perturb the data",
                dimension=dim,
            )
