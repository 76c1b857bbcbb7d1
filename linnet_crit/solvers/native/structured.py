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

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import Parameters
from ...results import PathResult, ReturnCode, StageReport
from ..options import RETRY_SCHEDULE, SolveOptions
from .dedup import match_rows, unique_rows
from .homotopies import ParameterHomotopy, fixed
from .monodromy import SAME_POINT, GenericSolutions, generic_solutions, is_torus
from .symmetry import canonicalize, expand_orbits
from .tracker import newton, track

__all__ = ["NO_STRAY_ZEROS", "StructuredRun", "solve_generic", "solve_structured"]

NO_STRAY_ZEROS = (
    "zeros only from dead neurons (no stray zeros): proved for H = 1, m = 1; elsewhere checked by "
    "the blackbox method in the test suite"
)


@dataclass(frozen=True, eq=False)
class StructuredRun:
    """Points (origin first), paths tracked and failures of one structure-aware solve."""

    points: np.ndarray
    n_paths: int
    stages: tuple[StageReport, ...]
    failed: tuple[PathResult, ...]


def solve_generic(
    arch: Architecture, samples: int, rng: np.random.Generator, options: SolveOptions
) -> dict[tuple[int, ...], GenericSolutions]:
    """Monodromy for every alive-size tuple: the data-independent part of a solve (cacheable)."""
    return {
        sizes: generic_solutions(arch.subnetwork(sizes), samples, rng, options.monodromy, options.tracker)
        for sizes in arch.alive_shapes()
    }


def _track_with_retries(
    hom_for: Callable[[np.ndarray], ParameterHomotopy],
    start: np.ndarray,
    key: Callable[[np.ndarray], np.ndarray],
    options: SolveOptions,
):
    """Track; retry failed paths and paths that collided with another with stricter settings.

    ``key`` maps end points to what must be distinct (orbit representatives, or the points).
    """
    res = track(hom_for(np.arange(len(start))), start, options.tracker)
    x, codes = res.x.copy(), res.codes.copy()
    retried = 0
    for tracker in RETRY_SCHEDULE:
        bad = np.flatnonzero(~_good(x, codes, key(x)))
        if len(bad) == 0:
            break
        retried += len(bad)
        again = track(hom_for(bad), start[bad], tracker)
        x[bad], codes[bad] = again.x, again.codes
    return x, codes, len(start) + retried, retried


def _good(x: np.ndarray, codes: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Successful paths that collided with no other (a collision means a path jumped: both are suspect)."""
    success = np.array([c is ReturnCode.SUCCESS for c in codes], dtype=bool) & is_torus(x)
    ok = np.flatnonzero(success)
    _, duplicate = unique_rows(key[ok], SAME_POINT)
    collided = np.zeros(len(x), dtype=bool)
    if duplicate.any():
        collided[ok] = match_rows(key[ok], key[ok][duplicate], SAME_POINT)
    return success & ~collided


def _alive_set_batch(
    arch: Architecture, instance: Instance, generic: GenericSolutions, sizes, options: SolveOptions
):
    """Carry the generic representatives of one size tuple to every alive set of those sizes at once."""
    sub = generic.architecture
    reps = generic.representatives
    if options.full_orbits:
        reps = expand_orbits(sub, reps)
    alive_sets = list(arch.alive_sets(sizes))
    targets = Parameters.stack([instance.restrict(alive) for alive in alive_sets])
    set_of_path = np.repeat(np.arange(len(alive_sets)), len(reps))
    start = np.tile(reps, (len(alive_sets), 1))
    base = Parameters.of(generic.base)

    def hom_for(index: np.ndarray) -> ParameterHomotopy:
        return ParameterHomotopy(sub, base, targets.select(set_of_path[index]))

    def key(x: np.ndarray) -> np.ndarray:
        # one path per orbit: a path ending on another orbit's member has jumped too
        distinct = x if options.full_orbits else canonicalize(sub, x)
        return np.concatenate([distinct, set_of_path[:, None] * np.ones((1, 1))], axis=1)

    x, codes, n_paths, retried = _track_with_retries(hom_for, start, key, options)
    good = _good(x, codes, key(x))
    return alive_sets, set_of_path, start, x, codes, good, n_paths, retried


def solve_structured(
    instance: Instance,
    rng: np.random.Generator,
    options: SolveOptions,
    generic: dict[tuple[int, ...], GenericSolutions] | None = None,
    progress: Callable[[str], None] | None = None,
) -> StructuredRun:
    """All critical points of ``instance`` by the structure-aware method."""
    arch = instance.architecture
    stages: list[StageReport] = []
    if generic is None:
        generic = solve_generic(arch, instance.samples, rng, options)
        stages.extend(g.report for g in generic.values())
    n_paths = sum(g.report.paths for g in generic.values()) if stages else 0
    points = [np.zeros((1, arch.n_unknowns), dtype=complex)]
    failed: list[PathResult] = []
    for sizes, gen in generic.items():
        if gen.n_orbits == 0:
            continue
        t0 = time.perf_counter()
        alive_sets, set_of_path, start, x, codes, good, paths, retried = _alive_set_batch(arch, instance, gen, sizes, options)
        n_paths += paths
        for p in np.flatnonzero(~good):
            # a successful path rejected here collided with another or left the torus: it jumped
            code = codes[p] if codes[p] is not ReturnCode.SUCCESS else ReturnCode.DUPLICATE
            failed.append(PathResult(x[p], code, np.nan, np.nan, np.nan, 0, np.nan, start[p], stage=f"alive {alive_sets[set_of_path[p]]}"))
        for k, alive in enumerate(alive_sets):
            sub_points = x[good & (set_of_path == k)]
            if not options.full_orbits:
                sub_points = expand_orbits(gen.architecture, sub_points)
            full = np.zeros((len(sub_points), arch.n_unknowns), dtype=complex)
            full[:, arch.embedding_index(alive)] = sub_points
            points.append(full)
        stages.append(StageReport(f"parameter homotopy, alive sizes {sizes}", paths, failed=int((~good).sum()),
                                  retried=retried, seconds=time.perf_counter() - t0,
                                  info={"alive_sets": len(alive_sets)}))
        if progress:
            progress(f"alive sizes {sizes}")
    return StructuredRun(np.concatenate(points), n_paths, tuple(stages), tuple(failed))


def refine(instance: Instance, points: np.ndarray, steps: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Newton-refine on the full system; return points and relative residuals ‖F‖∞/(1+‖x‖∞)."""
    if len(points) == 0:
        return points, np.zeros(0)
    x, _, residual = newton(fixed(instance.architecture, instance), points, np.ones(len(points)), steps)
    return x, residual / (1.0 + np.abs(x).max(axis=1))

