"""The structure-aware method: origin + Σ over alive sets of torus solves of sub-networks.

1. W = 0 is always a critical point; it is added analytically.
2. Dead-neuron law: row k of W_i = 0 ⇔ column k of W_{i+1} = 0, and a critical point with dead
   neurons is a torus critical point of the network without them. Assumption (proved for H = 1,
   m = 1 only, checked by the blackbox method in the tests): zeros come only from dead neurons.
3. Per alive-size tuple, monodromy collects the torus solutions at generic complex parameters
   (one representative per sign-flip orbit); a parameter homotopy carries them to the restricted
   data of every alive set of those sizes; sign flips generate the rest of each orbit. Units whose
   paths are few are tracked together, embedded in the full network (:func:`carry_groups`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from math import comb, prod

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import Parameters
from ...points import SAME_POINT, is_torus, match_rows, unique_rows
from ...results import PathResult, ReturnCode, StageReport
from ...progress import progress_bar
from ...options import RETRY_SCHEDULE, SolveOptions
from ...sign_flips import canonicalize, expand_orbits, orbit_size
from ...executors import Executor, SerialExecutor
from .cache import cache_file, load_generic, store_generic
from .homotopies import EmbeddedHomotopy, ParameterHomotopy
from .input_width import lift_input_width, lifts
from .monodromy import GenericSolutions, generic_solutions, random_complex_instance
from .tracker import TrackResult, track

__all__ = [
    "LEFT_TORUS", "NO_STRAY_ZEROS", "CarriedUnit", "CarryContext", "CarryUnit", "StructuredRun", "balanced_unit_paths",
    "carry_group", "carry_groups", "carry_unit", "carry_units", "embedded_sizes", "n_alive_sets", "paths_per_alive_set", "root_seed", "run_carry_units", "shape_rng",
    "solve_generic", "solve_structured", "solve_structured_many",
]

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


#: Spawn-key tag of the monodromy generators ("mono" in ASCII): keeps them apart from any other
#: stream a caller derives from the same seed.
MONODROMY_KEY = 0x6D6F6E6F
#: Spawn-key tag of the generators that draw the input-width lift's bases ("lift").
LIFT_KEY = 0x6C696674


def root_seed(seed: int | None | np.random.SeedSequence | np.random.Generator) -> np.random.SeedSequence:
    """The seed sequence every random choice of one solve's units derives from.

    An int is the solve's seed; ``None`` draws fresh entropy (recorded: it is the sequence's
    ``entropy``); a :class:`numpy.random.Generator` contributes one 63-bit draw (so it advances,
    as when it drew everything itself).
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


def shape_rng(root: np.random.SeedSequence, sizes: tuple[int, ...]) -> np.random.Generator:
    """The generator of the monodromy of alive sizes ``sizes``: keyed by the sizes, not by the
    order in which shapes run, so the generic set does not depend on the executor."""
    key = (*root.spawn_key, MONODROMY_KEY, *map(int, sizes))
    return np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=key))


@dataclass(frozen=True, eq=False)
class _MonodromyContext:
    """What every worker of the monodromy stage needs once."""

    architecture: Architecture
    samples: int
    root: np.random.SeedSequence
    options: SolveOptions


def _monodromy_unit(context: _MonodromyContext, sizes: tuple[int, ...]) -> GenericSolutions:
    """Monodromy of one alive-size tuple (an executor's unit of work)."""
    options = context.options
    return generic_solutions(context.architecture.subnetwork(sizes), context.samples,
                             shape_rng(context.root, sizes), options.monodromy, options.tracker, blackbox=options)


def solve_generic(
    arch: Architecture,
    samples: int,
    seed: int | None | np.random.SeedSequence | np.random.Generator,
    options: SolveOptions,
    progress: bool = False,
    executor: Executor | None = None,
) -> dict[tuple[int, ...], GenericSolutions]:
    """Monodromy at generic complex parameters for every alive-size tuple.

    The result depends only on the architecture and the number of samples, so it serves any data
    of that shape (a study computes it once), and it is kept in the disk cache
    (:mod:`.cache`): a verified cached set is returned without tracking a path, a new
    complete one is stored. Each monodromy stage's ``info["cache"]`` says ``"hit"``, ``"miss"`` or
    ``"off"``. On a hit ``seed`` is not used: the stored base point replaces a new draw (counts do
    not depend on it) and ``info["cache_seed"]`` is the seed that drew it.

    Each alive-size tuple is one unit of work, run by ``executor`` (default: this process) with
    its own generator :func:`shape_rng` derived from ``seed`` (see :func:`root_seed`), so the set
    is the same whatever the executor, its worker count or the order in which units finish.

    With one sample and input width dx > 1 the sets are those of input width 1, lifted with no
    path tracked (:mod:`.input_width`): monodromy runs, and the cache keeps, only those.
    """
    if lifts(arch, samples):
        return _lifted_generic(arch, root_seed(seed), options, progress, executor)
    path = cache_file(arch, samples, options)
    ignored = None
    if path is not None:
        cached, ignored = load_generic(path, arch, samples, options)
        if cached is not None:
            return cached
    root = root_seed(seed)
    # the largest sub-networks first: they take longest, and start first on a pool
    shapes = sorted(arch.alive_shapes(), key=lambda s: (-arch.subnetwork(s).n_unknowns, s))
    context = _MonodromyContext(arch, samples, root, options)
    found: dict[tuple[int, ...], GenericSolutions] = {}
    runner = executor or SerialExecutor()
    with progress_bar(show=bool(progress), total=len(shapes), desc="generic sets per alive sizes", unit="shape") as bar:
        for i, generic_set in runner.run(_monodromy_unit, context, shapes):
            found[shapes[i]] = generic_set
            bar.update(1)
    generic = {sizes: found[sizes] for sizes in arch.alive_shapes()}
    if path is None:
        info = {"cache": "off"}
    else:
        # the entropy of the root sequence (the solve's seed, or the fresh entropy drawn for None)
        # re-creates every shape's generator with shape_rng
        entropy = root.entropy if isinstance(root.entropy, int) and not root.spawn_key else None
        stored = store_generic(path, arch, samples, options, generic, entropy)
        info = {"cache": "miss", "cache_file": str(path), "cache_stored": stored,
                **({"cache_ignored": ignored} if ignored else {})}
    return {s: replace(g, report=replace(g.report, info={**g.report.info, **info})) for s, g in generic.items()}


def _lifted_generic(arch: Architecture, root: np.random.SeedSequence, options: SolveOptions, progress: bool,
                    executor: Executor | None) -> dict[tuple[int, ...], GenericSolutions]:
    """One data point and input width dx > 1: the generic sets of input width 1 (cached as such),
    lifted with no path tracked (:mod:`.input_width`); a shape whose lift does not refine is solved
    directly, and its stage says so."""
    reduced = solve_generic(arch.for_counting(1), 1, root, options, progress, executor)
    generic = {}
    for sizes, narrow in reduced.items():
        key = (*root.spawn_key, LIFT_KEY, *map(int, sizes))
        lifted = lift_input_width(narrow, arch.subnetwork(sizes), np.random.default_rng(
            np.random.SeedSequence(root.entropy, spawn_key=key)))
        if lifted is None:
            direct = _monodromy_unit(_MonodromyContext(arch, 1, root, options), sizes)
            note = f"the lift of {narrow.architecture} did not refine at its new base: solved directly"
            lifted = replace(direct, report=replace(direct.report, info={**direct.report.info, "lift": note}))
        generic[sizes] = lifted
    return generic


def _track_with_retries(
    hom_for: Callable[[np.ndarray], ParameterHomotopy],
    start: np.ndarray,
    good: Callable[[np.ndarray, np.ndarray], np.ndarray],
    options: SolveOptions,
    first: TrackResult | None = None,
):
    """Track (unless ``first``, the first pass, was tracked elsewhere); retry failed paths and paths
    that collided with another with stricter settings.

    ``good(x, codes)`` says which end points are to be kept. Returns the end points, their codes,
    how often each path was tracked and the predictor–corrector steps of each path (all tries).
    """
    res = first if first is not None else track(hom_for(np.arange(len(start))), start, options.tracker)
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


@dataclass(frozen=True, eq=False)
class _UnitPaths:
    """The first-pass paths of one unit: the generic representatives of one size tuple, once per
    (instance, alive set) target."""

    generic: GenericSolutions
    targets: list[tuple[int, tuple[tuple[int, ...], ...]]]
    target_params: Parameters
    target_of_path: np.ndarray
    start: np.ndarray


def _unit_paths(arch: Architecture, instances: Sequence[Instance], generic: GenericSolutions, sizes,
                options: SolveOptions, alive_range: tuple[int, int] | None = None) -> _UnitPaths:
    """The paths carrying the generic representatives of one size tuple to the alive sets of every instance.

    ``alive_range = (start, stop)`` takes only those alive sets of the sizes (in the order of
    :meth:`~linnet_crit.architecture.Architecture.alive_sets`); default: all of them.
    """
    reps = expand_orbits(generic.architecture, generic.representatives) if options.full_orbits else generic.representatives
    alive_sets = list(islice(arch.alive_sets(sizes), *(alive_range or (None,))))
    targets = [(k, alive) for k in range(len(instances)) for alive in alive_sets]
    target_params = Parameters.stack([instances[k].restrict(alive) for k, alive in targets])
    return _UnitPaths(generic, targets, target_params, np.repeat(np.arange(len(targets)), len(reps)),
                      np.tile(reps, (len(targets), 1)))


def _carry(paths: _UnitPaths, options: SolveOptions, first: TrackResult | None = None) -> _Batch:
    """Track one unit's paths (or take their first pass, ``first``), retry and re-route the ones
    that fail or collide, in one batch."""
    generic, target_params, target_of_path, start = paths.generic, paths.target_params, paths.target_of_path, paths.start
    sub, base = generic.architecture, Parameters.of(generic.base)

    def hom_for(index: np.ndarray) -> ParameterHomotopy:
        return ParameterHomotopy(sub, base, target_params.select(target_of_path[index]))

    def key(x: np.ndarray) -> np.ndarray:
        # one path per orbit: a path ending on another orbit's member has jumped too
        distinct = x if options.full_orbits else canonicalize(sub, x)
        return np.concatenate([distinct, target_of_path[:, None].astype(float)], axis=1)

    def good(x: np.ndarray, codes: np.ndarray) -> np.ndarray:
        return _good(sub, x, codes, key(x))

    x, codes, tracked, steps = _track_with_retries(hom_for, start, good, options, first=first)
    x, codes = _detours(sub, base, target_params, target_of_path, start, x, codes, tracked, steps, good, options)
    n_targets = len(paths.targets)
    paths_of_target = np.bincount(target_of_path, weights=tracked, minlength=n_targets).astype(int)
    steps_of_target = np.bincount(target_of_path, weights=steps, minlength=n_targets).astype(int)
    return _Batch(paths.targets, target_of_path, start, x, codes, good(x, codes), paths_of_target, steps_of_target)


def _embedded_first_pass(arch: Architecture, instances: Sequence[Instance], units: Sequence[_UnitPaths],
                         options: SolveOptions) -> list[TrackResult]:
    """The first pass of several units' paths as one batch of the full network (:class:`EmbeddedHomotopy`).

    Each path starts at its representative embedded with zeros, at full-network parameters equal to
    its generic base on the alive weights (and its target's elsewhere, where they do not matter),
    and ends at its instance's data. Returns each unit's end points in its sub-network's coordinates.
    """
    start, alive, index, start_params, target_params, row_of_path = [], [], [], [], [], []
    for unit in units:
        per_target = len(unit.start) // len(unit.targets)
        for j, (k, alive_set) in enumerate(unit.targets):
            embedding = arch.embedding_index(alive_set)
            x = np.zeros((per_target, arch.n_unknowns), dtype=complex)
            x[:, embedding] = unit.start[j * per_target:(j + 1) * per_target]
            mask = np.zeros(arch.n_unknowns, dtype=bool)
            mask[embedding] = True
            start.append(x)
            alive.append(np.broadcast_to(mask, x.shape))
            index.append(np.broadcast_to(embedding, (per_target, len(embedding))))
            row_of_path.append(np.full(per_target, len(start_params)))
            start_params.append(instances[k].embed(alive_set, unit.generic.base))
            target_params.append(instances[k])
    rows = np.concatenate(row_of_path)
    hom = EmbeddedHomotopy(ParameterHomotopy(arch, Parameters.stack(start_params).select(rows),
                                             Parameters.stack(target_params).select(rows)), np.concatenate(alive))
    res = track(hom, np.concatenate(start), options.tracker)
    out, begin, first_row = [], 0, 0
    for unit in units:
        end, last_row = begin + len(unit.start), first_row + len(unit.targets)
        part = slice(begin, end)
        x = np.take_along_axis(res.x[part], np.concatenate(index[first_row:last_row]), axis=1)
        out.append(TrackResult(x, res.codes[part], res.t[part], res.steps[part], res.residual[part], res.accuracy[part]))
        begin, first_row = end, last_row
    return out


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


#: A unit of the parameter-homotopy stage: alive sizes and a range ``[start, stop)`` of their alive sets.
CarryUnit = tuple[tuple[int, ...], int, int]


def n_alive_sets(arch: Architecture, sizes: Sequence[int]) -> int:
    """How many alive sets have these sizes (Π C(d_i, s_i)), without listing them."""
    return prod(comb(d, s) for d, s in zip(arch.hidden, sizes))


def paths_per_alive_set(generic: GenericSolutions, options: SolveOptions) -> int:
    """First-pass paths of one alive set of ``generic``'s sizes (one per orbit, or per point with ``full_orbits``)."""
    return generic.n_orbits * (orbit_size(generic.architecture) if options.full_orbits else 1)


def carry_units(
    arch: Architecture,
    generic: dict[tuple[int, ...], GenericSolutions],
    options: SolveOptions,
    *,
    n_instances: int = 1,
    max_paths: int | None = None,
    max_points: int | None = None,
) -> list[CarryUnit]:
    """Split the parameter-homotopy stage into units of at most ``max_paths`` first-pass paths
    and ``max_points`` points (orbits expanded).

    Every alive-size tuple with orbits gives consecutive ranges of its alive sets (at least one
    alive set a unit, whatever the limits); no limit: one unit per size tuple. Which points a
    target gets does not depend on the split: every path is tracked, retried and checked on its own
    or with the other paths of its own target, which always share a unit.
    """
    units: list[CarryUnit] = []
    for sizes, gen in generic.items():
        per_set = paths_per_alive_set(gen, options) * n_instances
        if per_set == 0:
            continue
        n_sets = n_alive_sets(arch, sizes)
        chunk = n_sets
        if max_paths is not None:
            chunk = min(chunk, max_paths // per_set)
        if max_points is not None:
            chunk = min(chunk, max_points // (per_set * (1 if options.full_orbits else orbit_size(gen.architecture))))
        chunk = max(1, chunk)
        units.extend((sizes, start, min(start + chunk, n_sets)) for start in range(0, n_sets, chunk))
    return units


#: Units per worker when a solve's parameter homotopies are spread over several workers (units
#: differ in cost, so more units than workers balance the load), and the fewest first-pass paths
#: worth a unit (below that, the batch's vectorization and the shipping cost more than they save).
UNITS_PER_WORKER, MIN_UNIT_PATHS = 3, 64
#: First-pass paths of one unit when no executor asks for smaller ones: the tracker's batch memory
#: grows with its paths (≈ 0.6 MB a path at 56 unknowns, widths 1,7,7), and batches of this size
#: already share the per-step overhead.
DEFAULT_UNIT_PATHS = 2048


def balanced_unit_paths(
    arch: Architecture,
    generic: dict[tuple[int, ...], GenericSolutions],
    options: SolveOptions,
    executor: Executor | None,
    n_instances: int = 1,
) -> int | None:
    """The ``max_paths`` of :func:`carry_units` that gives every worker of ``executor`` several
    units; ``None`` (one unit per size tuple) for this process or a single worker."""
    if executor is None or executor.workers <= 1:
        return None
    total = sum(n_alive_sets(arch, s) * paths_per_alive_set(g, options) for s, g in generic.items()) * n_instances
    return max(MIN_UNIT_PATHS, min(DEFAULT_UNIT_PATHS, -(-total // (UNITS_PER_WORKER * executor.workers))))


@dataclass(frozen=True, eq=False)
class CarryContext:
    """What every worker of the parameter-homotopy stage needs once."""

    instances: tuple[Instance, ...]
    generic: dict[tuple[int, ...], GenericSolutions]
    options: SolveOptions


@dataclass(frozen=True, eq=False)
class CarriedUnit:
    """The outcome of one :data:`CarryUnit`, per instance: points (orbits expanded, embedded in the
    full network, alive sets in order), rejected paths, paths tracked, steps and rejected count."""

    points: tuple[np.ndarray, ...]
    failed: tuple[tuple[PathResult, ...], ...]
    paths: tuple[int, ...]
    steps: tuple[int, ...]
    alive_sets: int
    seconds: float


#: A size tuple whose first pass, embedded in the full network, holds at most this many Jacobian
#: entries (paths × N², N the full network's unknowns) is tracked embedded, in one batch with the
#: other such size tuples of its solve (:class:`.homotopies.EmbeddedHomotopy`) — if there are
#: others: on batches that small a tracker step costs about the same whatever the paths and
#: unknowns, so one batch costs the steps of its longest path instead of the sum over its units,
#: while a unit embedded alone only pays for the larger network. Measured: the first passes of
#: warm 2,2,2,2 (three units, 72 paths) in 0.14 s instead of 0.20 s, of 1,2,2,2 in 0.12 instead of
#: 0.18. Which size tuples are embedded depends on the solve only, never on its split into units,
#: so each path's arithmetic does not depend on the executor.
EMBED_WORK = 8192
#: At most this many Jacobian entries in one shared batch of embedded units.
GROUP_WORK = 32768


def _embedded_work(arch: Architecture, generic: GenericSolutions, options: SolveOptions, alive_sets: int,
                   n_instances: int) -> int:
    """Jacobian entries of the first pass of ``alive_sets`` alive sets embedded in the full network."""
    return alive_sets * paths_per_alive_set(generic, options) * n_instances * arch.n_unknowns**2


def embedded_sizes(arch: Architecture, generic: dict[tuple[int, ...], GenericSolutions], options: SolveOptions,
                   n_instances: int = 1) -> frozenset[tuple[int, ...]]:
    """The size tuples whose first passes are tracked embedded in the full network (:data:`EMBED_WORK`)."""
    small = frozenset(
        sizes for sizes, gen in generic.items()
        if 0 < _embedded_work(arch, gen, options, n_alive_sets(arch, sizes), n_instances) <= EMBED_WORK)
    return small if len(small) > 1 else frozenset()


def carry_groups(arch: Architecture, generic: dict[tuple[int, ...], GenericSolutions], options: SolveOptions,
                 units: Sequence[CarryUnit], n_instances: int = 1) -> list[list[int]]:
    """Indices of ``units`` per unit of work: units of :func:`embedded_sizes` packed together up to
    :data:`GROUP_WORK` Jacobian entries, every other unit alone."""
    embedded = embedded_sizes(arch, generic, options, n_instances)
    groups: list[list[int]] = []
    shared: list[int] = []
    work = 0
    for i, (sizes, start, stop) in enumerate(units):
        if sizes not in embedded:
            groups.append([i])
            continue
        mine = _embedded_work(arch, generic[sizes], options, stop - start, n_instances)
        if shared and work + mine > GROUP_WORK:
            groups.append(shared)
            shared, work = [], 0
        shared.append(i)
        work += mine
    return groups + ([shared] if shared else [])


def carry_group(context: CarryContext, units: Sequence[CarryUnit]) -> tuple[CarriedUnit, ...]:
    """Carry several units' alive sets for every instance of ``context`` (an executor's unit of
    work); the first passes of embedded units are tracked as one batch."""
    t0 = time.perf_counter()
    instances, options = context.instances, context.options
    arch = instances[0].architecture
    paths = [_unit_paths(arch, instances, context.generic[sizes], sizes, options, (start, stop))
             for sizes, start, stop in units]
    small = embedded_sizes(arch, context.generic, options, len(instances))
    embedded = [j for j, (sizes, _, _) in enumerate(units) if sizes in small]
    first = dict(zip(embedded, _embedded_first_pass(arch, instances, [paths[j] for j in embedded], options)
                     if embedded else []))
    shared = time.perf_counter() - t0
    n_embedded = sum(len(paths[j].start) for j in embedded)
    outcomes = []
    for j, unit in enumerate(units):
        begin = time.perf_counter()
        batch = _carry(paths[j], options, first.get(j))
        # the shared first pass is charged to its units by their share of its paths
        seconds = time.perf_counter() - begin + (shared * len(paths[j].start) / n_embedded if j in first else 0.0)
        outcomes.append(_carried(arch, instances, context.generic[unit[0]], unit, batch, options, seconds))
    return tuple(outcomes)


def carry_unit(context: CarryContext, unit: CarryUnit) -> CarriedUnit:
    """Carry one unit's alive sets for every instance of ``context`` (an executor's unit of work)."""
    return carry_group(context, (unit,))[0]


def _carried(arch: Architecture, instances: Sequence[Instance], gen: GenericSolutions, unit: CarryUnit, batch: _Batch,
             options: SolveOptions, seconds: float) -> CarriedUnit:
    """A unit's outcome from its batch: points embedded in the full network, rejected paths, counts."""
    sizes, start, stop = unit
    left = ~is_torus(gen.architecture, batch.x)
    failed: list[list[PathResult]] = [[] for _ in instances]
    for p in np.flatnonzero(~batch.good):
        k, alive = batch.targets[batch.target_of_path[p]]
        # a successful path rejected here left the torus of its alive set (a stray zero or a
        # jump onto a point with a dead neuron) or collided with another (a jump)
        code, raw = batch.codes[p], None
        if code is ReturnCode.SUCCESS:
            code, raw = (ReturnCode.FAILED, LEFT_TORUS) if left[p] else (ReturnCode.DUPLICATE, None)
        failed[k].append(PathResult(batch.x[p], code, np.nan, np.nan, np.nan, 0, np.nan, batch.start[p],
                                    stage=f"alive {alive}", raw_code=raw))
    points: list[list[np.ndarray]] = [[] for _ in instances]
    for j, (k, alive) in enumerate(batch.targets):
        sub_points = batch.x[batch.good & (batch.target_of_path == j)]
        if not options.full_orbits:
            sub_points = expand_orbits(gen.architecture, sub_points)
        full = np.zeros((len(sub_points), arch.n_unknowns), dtype=complex)
        full[:, arch.embedding_index(alive)] = sub_points
        points[k].append(full)
    owner = np.array([k for k, _ in batch.targets], dtype=int)
    paths = np.bincount(owner, weights=batch.paths_of_target, minlength=len(instances)).astype(int)
    steps = np.bincount(owner, weights=batch.steps_of_target, minlength=len(instances)).astype(int)
    empty = np.zeros((0, arch.n_unknowns), dtype=complex)
    return CarriedUnit(
        points=tuple(np.concatenate(p) if p else empty for p in points),
        failed=tuple(tuple(f) for f in failed),
        paths=tuple(int(n) for n in paths),
        steps=tuple(int(n) for n in steps),
        alive_sets=stop - start,
        seconds=seconds,
    )


def run_carry_units(
    instances: Sequence[Instance],
    generic: dict[tuple[int, ...], GenericSolutions],
    options: SolveOptions,
    units: Sequence[CarryUnit],
    executor: Executor | None = None,
    progress: bool = False,
) -> Iterator[tuple[int, CarriedUnit]]:
    """``(unit index, outcome)`` of every unit, in completion order, run by ``executor`` (default:
    this process) in the groups of :func:`carry_groups`."""
    context = CarryContext(tuple(instances), generic, options)
    runner = executor or SerialExecutor()
    groups = carry_groups(instances[0].architecture, generic, options, units, len(instances)) if units else []
    work = [tuple(units[i] for i in group) for group in groups]
    with progress_bar(show=bool(progress), total=len(units), desc="parameter homotopies", unit="unit") as bar:
        for g, outcomes in runner.run(carry_group, context, work) if work else ():
            bar.update(len(outcomes))
            yield from zip(groups[g], outcomes)


def solve_structured_many(
    instances: list[Instance],
    generic: dict[tuple[int, ...], GenericSolutions],
    options: SolveOptions,
    executor: Executor | None = None,
    max_unit_paths: int | None = None,
    progress: bool = False,
) -> list[StructuredRun]:
    """All critical points of several instances of one architecture, their paths tracked together.

    The stage is split by :func:`carry_units` (at most ``max_unit_paths`` first-pass paths a unit;
    default :data:`DEFAULT_UNIT_PATHS`) and run by ``executor`` (default: this process); the
    outcomes are merged by unit index, so the points, their order and the paths do not depend on
    the executor, its workers or the split.
    """
    arch = instances[0].architecture
    units = carry_units(arch, generic, options, n_instances=len(instances),
                        max_paths=DEFAULT_UNIT_PATHS if max_unit_paths is None else max_unit_paths)
    outcomes = dict(run_carry_units(instances, generic, options, units, executor, progress))
    points: list[list[np.ndarray]] = [[np.zeros((1, arch.n_unknowns), dtype=complex)] for _ in instances]
    failed: list[list[PathResult]] = [[] for _ in instances]
    stages: list[list[StageReport]] = [[] for _ in instances]
    n_paths = np.zeros(len(instances), dtype=int)
    for sizes in generic:
        mine = [outcomes[i] for i, unit in enumerate(units) if unit[0] == sizes]
        if not mine:
            continue
        seconds = sum(o.seconds for o in mine) / len(instances)
        alive_sets = sum(o.alive_sets for o in mine)
        for k in range(len(instances)):
            paths, steps = sum(o.paths[k] for o in mine), sum(o.steps[k] for o in mine)
            lost = [path for o in mine for path in o.failed[k]]
            points[k].extend(o.points[k] for o in mine)
            failed[k].extend(lost)
            n_paths[k] += paths
            stages[k].append(StageReport(f"parameter homotopy, alive sizes {sizes}", paths, failed=len(lost),
                                         seconds=seconds, info={"alive_sets": alive_sets}, steps=steps))
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
