"""The structure-aware method: origin + Σ over alive sets of torus solves of sub-networks.

1. W = 0 is always a critical point; it is added analytically.
2. Dead-neuron law: row k of W_i = 0 ⇔ column k of W_{i+1} = 0, and a critical point with dead
   neurons is a torus critical point of the network without them. Assumption (proved for H = 1,
   m = 1 only, checked by the blackbox method in the tests): zeros come only from dead neurons.
3. Per alive-size tuple, monodromy collects the torus solutions at generic complex parameters
   (one representative per sign-flip orbit); a parameter homotopy carries them to the restricted
   data of every alive set of those sizes; sign flips generate the rest of each orbit.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from tqdm import tqdm

from ...architecture import Architecture
from ...data import Instance
from ...numeric import Parameters
from ...points import SAME_POINT, is_torus, match_rows, unique_rows
from ...results import PathResult, ReturnCode, StageReport
from ...options import RETRY_SCHEDULE, SolveOptions
from ...sign_flips import canonicalize, expand_orbits
from .cache import cache_file, load_generic, store_generic
from .homotopies import ParameterHomotopy, fixed
from .linalg import POINTS_PER_BLOCK
from .monodromy import GenericSolutions, generic_solutions, random_complex_instance
from .tracker import newton, track

__all__ = ["LEFT_TORUS", "NO_STRAY_ZEROS", "StructuredRun", "solve_generic", "solve_structured", "solve_structured_many"]

NO_STRAY_ZEROS = (
    "zeros only from dead neurons (no stray zeros): proved for H = 1, m = 1; elsewhere checked by "
    "the blackbox method in the test suite"
)

#: ``raw_code`` of a path that arrived at a point with a zero neuron of its alive set.
LEFT_TORUS = "left the torus of its alive set"


@dataclass(frozen=True, eq=False)
class StructuredRun:
    """Points (origin first), paths tracked and failures of one structure-aware solve."""

    points: np.ndarray
    n_paths: int
    stages: tuple[StageReport, ...]
    failed: tuple[PathResult, ...]


def solve_generic(
    arch: Architecture,
    samples: int,
    rng: np.random.Generator,
    options: SolveOptions,
    progress: bool = False,
) -> dict[tuple[int, ...], GenericSolutions]:
    """Monodromy at generic complex parameters for every alive-size tuple.

    The result depends only on the architecture and the number of samples, so it serves any data
    of that shape (a study computes it once), and it is kept in the disk cache
    (:mod:`.cache`): a verified cached set is returned without tracking a path, a new
    complete one is stored. Each monodromy stage's ``info["cache"]`` says ``"hit"``, ``"miss"`` or
    ``"off"``. On a hit ``rng`` is not used: the stored base point replaces a new draw (counts do
    not depend on it) and ``info["cache_seed"]`` is the seed of the generator that drew it.
    """
    path = cache_file(arch, samples, options)
    ignored = None
    if path is not None:
        cached, ignored = load_generic(path, arch, samples, options)
        if cached is not None:
            return cached
    # the seed of a generator made by default_rng(seed) is its SeedSequence's entropy: recorded in the file
    seed = getattr(getattr(rng.bit_generator, "seed_seq", None), "entropy", None)
    shapes = list(arch.alive_shapes())
    generic = {
        sizes: generic_solutions(arch.subnetwork(sizes), samples, rng, options.monodromy, options.tracker)
        for sizes in tqdm(shapes, desc="monodromy per alive sizes", unit="shape", disable=not progress)
    }
    if path is None:
        info = {"cache": "off"}
    else:
        stored = store_generic(path, arch, samples, options, generic, seed if isinstance(seed, int) else None)
        info = {"cache": "miss", "cache_file": str(path), "cache_stored": stored,
                **({"cache_ignored": ignored} if ignored else {})}
    return {s: replace(g, report=replace(g.report, info={**g.report.info, **info})) for s, g in generic.items()}


def _track_with_retries(
    hom_for: Callable[[np.ndarray], ParameterHomotopy],
    start: np.ndarray,
    good: Callable[[np.ndarray, np.ndarray], np.ndarray],
    options: SolveOptions,
):
    """Track; retry failed paths and paths that collided with another with stricter settings.

    ``good(x, codes)`` says which end points are to be kept. Returns the end points, their codes,
    how often each path was tracked and the predictor–corrector steps of each path (all tries).
    """
    res = track(hom_for(np.arange(len(start))), start, options.tracker)
    x, codes, steps = res.x.copy(), res.codes.copy(), res.steps.astype(int)
    tracked = np.ones(len(start), dtype=int)
    for tracker in RETRY_SCHEDULE:
        bad = np.flatnonzero(~good(x, codes))
        if len(bad) == 0:
            break
        tracked[bad] += 1
        again = track(hom_for(bad), start[bad], tracker)
        x[bad], codes[bad] = again.x, again.codes
        steps[bad] += again.steps
    return x, codes, tracked, steps


def _good(arch: Architecture, x: np.ndarray, codes: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Successful paths that stayed on the torus and collided with no other (a collision means a
    path jumped: both are suspect)."""
    success = np.array([c is ReturnCode.SUCCESS for c in codes], dtype=bool) & is_torus(arch, x)
    ok = np.flatnonzero(success)
    _, duplicate = unique_rows(key[ok], SAME_POINT)
    collided = np.zeros(len(x), dtype=bool)
    if duplicate.any():
        collided[ok] = match_rows(key[ok], key[ok][duplicate], SAME_POINT)
    return success & ~collided


@dataclass(frozen=True, eq=False)
class _Batch:
    """End points of the paths of one size tuple, for every (instance, alive set) target."""

    targets: list[tuple[int, tuple[tuple[int, ...], ...]]]
    target_of_path: np.ndarray
    start: np.ndarray
    x: np.ndarray
    codes: np.ndarray
    good: np.ndarray
    paths_of_target: np.ndarray
    steps_of_target: np.ndarray


def _carry(arch: Architecture, instances: list[Instance], generic: GenericSolutions, sizes, options: SolveOptions) -> _Batch:
    """Carry the generic representatives of one size tuple to every alive set of every instance, in one batch."""
    sub = generic.architecture
    reps = expand_orbits(sub, generic.representatives) if options.full_orbits else generic.representatives
    targets = [(k, alive) for k in range(len(instances)) for alive in arch.alive_sets(sizes)]
    target_params = Parameters.stack([instances[k].restrict(alive) for k, alive in targets])
    target_of_path = np.repeat(np.arange(len(targets)), len(reps))
    start = np.tile(reps, (len(targets), 1))
    base = Parameters.of(generic.base)

    def hom_for(index: np.ndarray) -> ParameterHomotopy:
        return ParameterHomotopy(sub, base, target_params.select(target_of_path[index]))

    def key(x: np.ndarray) -> np.ndarray:
        # one path per orbit: a path ending on another orbit's member has jumped too
        distinct = x if options.full_orbits else canonicalize(sub, x)
        return np.concatenate([distinct, target_of_path[:, None].astype(float)], axis=1)

    def good(x: np.ndarray, codes: np.ndarray) -> np.ndarray:
        return _good(sub, x, codes, key(x))

    x, codes, tracked, steps = _track_with_retries(hom_for, start, good, options)
    x, codes = _detours(sub, base, target_params, target_of_path, start, x, codes, tracked, steps, good, options)
    paths_of_target = np.bincount(target_of_path, weights=tracked, minlength=len(targets)).astype(int)
    steps_of_target = np.bincount(target_of_path, weights=steps, minlength=len(targets)).astype(int)
    return _Batch(targets, target_of_path, start, x, codes, good(x, codes), paths_of_target, steps_of_target)


#: Detours tried for a target whose straight-line paths still fail after the retries.
DETOURS = 3


def _detours(sub, base, target_params, target_of_path, start, x, codes, tracked, steps, good, options):
    """Re-route every path of a target that kept failing through a random complex midpoint.

    A straight segment from the generic base to real data can pass close to the discriminant,
    where no step size helps. Another route is another bijection between the base's and the
    target's solutions, so a detour replaces all paths of the target at once and is kept only if
    every one of them arrives, distinct.
    """
    samples = target_params.X.shape[-1]
    for attempt in range(DETOURS):
        bad_targets = np.unique(target_of_path[~good(x, codes)])
        if len(bad_targets) == 0:
            break
        paths = np.flatnonzero(np.isin(target_of_path, bad_targets))
        mids = Parameters.stack([random_complex_instance(sub, samples, _detour_rng(target_params, t, attempt))
                                 for t in bad_targets])
        mid_of_path = np.searchsorted(bad_targets, target_of_path[paths])
        leg = track(ParameterHomotopy(sub, base, mids.select(mid_of_path)), start[paths], options.tracker)
        arrived = leg.success
        end = track(ParameterHomotopy(sub, mids.select(mid_of_path[arrived]),
                                      target_params.select(target_of_path[paths[arrived]])), leg.x[arrived],
                    options.tracker)
        tracked[paths] += 1
        steps[paths] += leg.steps
        steps[paths[arrived]] += end.steps
        x_try, codes_try = x.copy(), codes.copy()
        codes_try[paths] = ReturnCode.FAILED
        x_try[paths[arrived]], codes_try[paths[arrived]] = end.x, end.codes
        kept = good(x_try, codes_try)
        for t in bad_targets:
            mine = target_of_path == t
            if kept[mine].all():
                x[mine], codes[mine] = x_try[mine], codes_try[mine]
    return x, codes


def _detour_rng(target_params: Parameters, target: int, attempt: int) -> np.random.Generator:
    """Midpoints depend only on the target's data, so a draw's result does not depend on the
    chunk it was solved in."""
    data = np.concatenate([a[target if a.shape[0] > 1 else 0].ravel() for a in target_params.arrays()])
    digest = hashlib.sha256(data.tobytes()).digest()
    return np.random.default_rng([int.from_bytes(digest[:8], "little"), attempt])


def solve_structured_many(
    instances: list[Instance],
    generic: dict[tuple[int, ...], GenericSolutions],
    options: SolveOptions,
) -> list[StructuredRun]:
    """All critical points of several instances of one architecture, their paths tracked together."""
    arch = instances[0].architecture
    points: list[list[np.ndarray]] = [[np.zeros((1, arch.n_unknowns), dtype=complex)] for _ in instances]
    failed: list[list[PathResult]] = [[] for _ in instances]
    stages: list[list[StageReport]] = [[] for _ in instances]
    n_paths = np.zeros(len(instances), dtype=int)
    for sizes, gen in generic.items():
        if gen.n_orbits == 0:
            continue
        t0 = time.perf_counter()
        batch = _carry(arch, instances, gen, sizes, options)
        left = ~is_torus(gen.architecture, batch.x)
        for p in np.flatnonzero(~batch.good):
            k, alive = batch.targets[batch.target_of_path[p]]
            # a successful path rejected here left the torus of its alive set (a stray zero or a
            # jump onto a point with a dead neuron) or collided with another (a jump)
            code, raw = batch.codes[p], None
            if code is ReturnCode.SUCCESS:
                code, raw = (ReturnCode.FAILED, LEFT_TORUS) if left[p] else (ReturnCode.DUPLICATE, None)
            failed[k].append(PathResult(batch.x[p], code, np.nan, np.nan, np.nan, 0, np.nan, batch.start[p],
                                        stage=f"alive {alive}", raw_code=raw))
        for j, (k, alive) in enumerate(batch.targets):
            sub_points = batch.x[batch.good & (batch.target_of_path == j)]
            if not options.full_orbits:
                sub_points = expand_orbits(gen.architecture, sub_points)
            full = np.zeros((len(sub_points), arch.n_unknowns), dtype=complex)
            full[:, arch.embedding_index(alive)] = sub_points
            points[k].append(full)
        seconds = (time.perf_counter() - t0) / len(instances)
        for k in range(len(instances)):
            mine = np.array([tk == k for tk, _ in batch.targets])
            paths = int(batch.paths_of_target[mine].sum())
            steps = int(batch.steps_of_target[mine].sum())
            n_paths[k] += paths
            lost = int(sum(batch.targets[batch.target_of_path[p]][0] == k for p in np.flatnonzero(~batch.good)))
            stages[k].append(StageReport(f"parameter homotopy, alive sizes {sizes}", paths, failed=lost,
                                         seconds=seconds, info={"alive_sets": int(mine.sum())}, steps=steps))
    return [
        StructuredRun(np.concatenate(points[k]), int(n_paths[k]), tuple(stages[k]), tuple(failed[k]))
        for k in range(len(instances))
    ]


def solve_structured(
    instance: Instance,
    rng: np.random.Generator,
    options: SolveOptions,
    generic: dict[tuple[int, ...], GenericSolutions] | None = None,
    progress: bool = False,
) -> StructuredRun:
    """All critical points of ``instance`` by the structure-aware method (monodromy included
    unless a cached ``generic`` solution set is given)."""
    cold = generic is None
    if cold:
        generic = solve_generic(instance.architecture, instance.samples, rng, options, progress)
    run = solve_structured_many([instance], generic, options)[0]
    if not cold:
        return run
    monodromy = tuple(g.report for g in generic.values())
    return StructuredRun(run.points, run.n_paths + sum(r.paths for r in monodromy), monodromy + run.stages, run.failed)


def refine(instance: Instance, points: np.ndarray, steps: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Newton-refine on the full system; return points and relative residuals ‖F‖∞/(1+‖x‖∞)."""
    x, residual = np.array(points, dtype=complex), np.zeros(len(points))
    for start in range(0, len(points), POINTS_PER_BLOCK):  # in blocks: memory stays flat
        block = slice(start, start + POINTS_PER_BLOCK)
        x[block], _, residual[block] = newton(fixed(instance.architecture, instance), x[block],
                                              np.ones(len(x[block])), steps)
    return x, residual / (1.0 + np.abs(x).max(axis=1, initial=0.0))

