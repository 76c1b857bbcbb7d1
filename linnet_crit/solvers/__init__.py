"""Solvers: one protocol, one result type, backends in a registry.

``solve(instance)`` is the entry point; ``backend="native"`` (the default, pip-only) or ``"hc"``
(HomotopyContinuation.jl through juliacall).

The cached-engine API is for callers that solve many instances of one shape (studies, the
landscape tools): :func:`prepare` runs the data-independent monodromy stage once,
:func:`solve_many` carries it to each instance, and :func:`track_parameter_homotopy` follows given
points from one instance's data to another's. Nothing outside this package imports
``solvers.native`` (``tests/test_layers.py`` checks it); the point identity and the sign-flip group
the engine uses live below it, in :mod:`linnet_crit.points` and :mod:`linnet_crit.sign_flips`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..architecture import Architecture
from ..data import Instance, check_instance, check_seed
from ..errors import BackendUnavailableError, SolverError
from ..executors import Executor, open_executor
from ..results import SolveResult
from .base import METHODS, Backend
from .native.tracker import TrackResult  # what track_parameter_homotopy returns: public, and cheap to import
from ..options import CauchyEndgameOptions, EndgameOptions, MonodromyOptions, SolveOptions, TrackerOptions

if TYPE_CHECKING:
    from .native.monodromy import GenericSolutions
    from .native.streamed import UnitPlan

__all__ = [
    "METHODS",
    "Backend",
    "CauchyEndgameOptions",
    "EndgameOptions",
    "GenericSolutionSet",
    "MonodromyOptions",
    "SolveOptions",
    "TrackResult",
    "TrackerOptions",
    "available_backends",
    "generic_paths",
    "get_backend",
    "plan_units",
    "prepare",
    "solve",
    "solve_many",
    "track_parameter_homotopy",
]

#: The data-independent stage of a structure-aware solve: per alive-size tuple, the torus
#: solutions at generic complex parameters (one representative per sign-flip orbit).
GenericSolutionSet = dict[tuple[int, ...], "GenericSolutions"]


def _native() -> Backend:
    from .native.backend import NativeBackend  # lazy: start-up (a backend is built only when asked for)

    return NativeBackend()


def _hc() -> Backend:
    from .hc import HomotopyContinuationBackend  # optional dependency (juliacall)

    return HomotopyContinuationBackend()


#: Backend factories by name; a plugin adds an entry here.
BACKENDS = {"native": _native, "hc": _hc}


def get_backend(name: str) -> Backend:
    """The backend called ``name``, or BackendUnavailableError saying why it cannot run here."""
    if name not in BACKENDS:
        raise BackendUnavailableError(f"backend {name!r} is not one of {tuple(BACKENDS)}")
    backend = BACKENDS[name]()
    reason = backend.availability()
    if reason is not None:
        raise BackendUnavailableError(reason)
    return backend


def available_backends() -> dict[str, str | None]:
    """Each backend's name and ``None`` if usable here, else the reason it is not."""
    return {name: factory().availability() for name, factory in BACKENDS.items()}


def solve(
    instance: Instance,
    *,
    method: str = "auto",
    backend: str = "native",
    seed: int | None = 0,
    options: SolveOptions | None = None,
    progress: bool | None = None,
    executor: str | Executor | None = None,
    workers: int | None = None,
    scheduler: Any = None,
) -> SolveResult:
    """Every complex critical point of the regularized loss of ``instance``.

    Parameters
    ----------
    instance : Instance
        Architecture, data X, Y and regularization Λ.
    method : {"auto", "continuation", "blackbox"}
        ``auto``: the structure-aware route (origin + monodromy per alive-size tuple + parameter
        homotopies per alive set) when the data pass the genericity checks
        (:func:`linnet_crit.genericity.genericity_reasons`) and its certificate holds (every path
        arrived, no stray zeros, no collisions, every point nonsingular and refined); otherwise
        it switches by itself to ``continuation``, and ``route`` and ``notes`` of the result say
        so. ``continuation``: every generic critical point carried to the data by a parameter
        homotopy, complete for any data of the architecture. ``blackbox``: a start system with no
        structural assumption (small N only).

    Returns
    -------
    SolveResult
        ``complete`` is true when no check failed; otherwise ``warnings`` give the reasons (failed
        paths, a monodromy stopped at ``max_loops``, unrefined or colliding points, singular points
        whose isolation is not certified, …).

    Raises
    ------
    PositiveDimensionalError
        On every method, when the data leave a continuous symmetry of the loss (a scalar Λ, one
        scalar per layer, Λ = 0, …; see :func:`linnet_crit.genericity.symmetry_evidence`) or end
        points show a positive-dimensional component: no count exists. The ``regularization``
        label of the instance is never consulted.
    backend : {"native", "hc"}
    seed : int
        Seeds every random choice of the solver; reported in the result.
    options : SolveOptions
        Every setting of every route: tracker, monodromy, the blackbox endgame (``endgame``), the
        continuation route's Cauchy endgame (``cauchy``), the tolerances and the two singular
        thresholds (``singular_condition``, ``endpoint_singular_condition``).
    progress : bool
        Progress bar; by default on when stderr is a terminal.
    executor : {"serial", "processes", "dask"}, Executor or None
        Where the independent units of the structure-aware route run (:mod:`linnet_crit.executors`):
        the monodromy of each alive-size tuple, and the parameter homotopies of chunks of alive
        sets. ``None`` with neither ``workers`` nor ``scheduler``: this process, as one unit per
        alive-size tuple. Every unit's random choices derive from ``seed`` and outcomes are
        merged by unit index, so the result does not depend on the executor or its workers.
        The continuation and blackbox routes (and ``method="auto"`` when it switches to the
        continuation route) run in this process. Native backend only.
    workers : int
        Worker processes (``processes``) or local Dask workers (``dask`` without a scheduler);
        without ``executor``: 1 runs in this process, more in local processes.
    scheduler : str or distributed.Client
        A Dask scheduler address (``"tcp://host:8786"``) or client: the units run on that cluster.

    Examples
    --------
    >>> from linnet_crit import random_instance, solve
    >>> result = solve(random_instance("1,1,1", seed=0), seed=0)
    >>> result.n_solutions, result.origin_found, result.complete, result.route
    (5, True, True, 'structured')
    """
    instance, seed = check_instance(instance), check_seed(seed)
    if method not in METHODS:
        raise SolverError(f"method {method!r} is not one of {METHODS}")
    if executor is None and workers is None and scheduler is None:
        return get_backend(backend).solve(instance, method=method, seed=seed, options=options, progress=progress)
    if backend != "native":
        raise SolverError(
            f"backend {backend!r} runs its own threads: executor, workers and scheduler are for the native backend; "
            "drop them or pass backend='native'"
        )
    engine = get_backend(backend)
    with open_executor(executor, workers=workers, scheduler=scheduler) as runner:
        return engine.solve(instance, method=method, seed=seed, options=options, progress=progress, executor=runner)


def plan_units(
    instance: Instance,
    *,
    seed: int | None = 0,
    options: SolveOptions | None = None,
    executor: Executor | None = None,
    max_unit_paths: int | None = None,
    max_unit_points: int | None = None,
    progress: bool = False,
) -> UnitPlan:
    """A structure-aware solve as independent units that are finalized where they run.

    Runs the monodromy stage (through ``executor``) and splits the parameter homotopies into
    units of consecutive alive sets of at most ``max_unit_paths`` first-pass paths and
    ``max_unit_points`` points; ``plan.run(executor)`` then yields each unit refined and checked
    (:class:`~linnet_crit.solvers.native.streamed.FinalizedUnit`), in completion order. This is
    what :func:`linnet_crit.solve_to_file` streams to disk. Data that are not generic are refused
    (SolverError): units cannot switch to the continuation route.

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> plan = plan_units(random_instance((1, 2, 2), seed=0), options=SolveOptions(cache=False))
    >>> sum(len(unit.points) for unit in plan.run()), len(plan.units)
    (33, 3)
    """
    from .native.streamed import plan_units as plan  # lazy: start-up

    return plan(check_instance(instance), seed=check_seed(seed), options=options or SolveOptions(), executor=executor,
                max_unit_paths=max_unit_paths, max_unit_points=max_unit_points, progress=progress)


def prepare(
    architecture: Architecture,
    samples: int,
    *,
    seed: int = 0,
    options: SolveOptions | None = None,
    progress: bool = False,
) -> GenericSolutionSet:
    """The monodromy stage of the native engine, once for every data of this shape.

    The set comes from the disk cache (:mod:`linnet_crit.solvers.native.cache`) when a verified one of this
    architecture, number of samples, engine version and options is there (then it tracks no path
    and ``seed`` is not used: the stored base point is, and its seed is in each stage's
    ``report.info["cache_seed"]``); otherwise it is computed and, if complete, stored.
    ``SolveOptions(cache=False)`` or ``LINNET_CRIT_CACHE=off`` bypasses the cache. With one sample
    and input width above 1 the sets are those of input width 1 (computed and cached as such),
    lifted to this architecture with no path tracked (:meth:`Architecture.for_counting`).

    Parameters
    ----------
    architecture : Architecture
    samples : int
        Number m of data points; the result serves any X, Y, Λ of that shape.
    seed : int
        Seeds the generic parameters and the monodromy loops.
    options : SolveOptions
    progress : bool
        A progress bar per alive-size tuple.

    Examples
    --------
    >>> from linnet_crit.architecture import Architecture
    >>> generic = prepare(Architecture((1, 1, 1)), 1, seed=0, options=SolveOptions(cache=False))
    >>> sorted(generic), generic_paths(generic), generic[(1,)].report.name, generic[(1,)].report.info["cache"]
    ([(1,)], 0, 'closed form 1,1,1', 'off')
    """
    from .native.structured import solve_generic  # lazy: start-up

    return solve_generic(architecture, samples, seed, options or SolveOptions(), progress)


def generic_paths(generic: GenericSolutionSet) -> int:
    """Paths the monodromy stage of ``generic`` tracked (the fixed cost of a study; 0 when it was
    read from the disk cache)."""
    return sum(g.report.paths for g in generic.values())


def solve_many(
    instances: Sequence[Instance],
    generic: GenericSolutionSet,
    *,
    seeds: Sequence[int | None],
    options: SolveOptions | None = None,
) -> list[SolveResult]:
    """Solve instances of the shape of ``generic`` (from :func:`prepare`), their paths in one batch.

    ``seeds[k]`` is recorded in the k-th result. The route is ``structured``; each result is what
    :func:`solve` would return for that instance with this generic stage.

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> instances = [random_instance((1, 1, 1), seed=s) for s in (1, 2)]
    >>> generic = prepare(instances[0].architecture, 1, seed=0)
    >>> [r.n_solutions for r in solve_many(instances, generic, seeds=[1, 2])]
    [5, 5]
    """
    if len(seeds) != len(instances):
        raise SolverError(f"{len(instances)} instances but {len(seeds)} seeds: give one seed per instance")
    from .native.backend import NativeBackend  # lazy: start-up

    return NativeBackend().solve_many(list(instances), generic, seeds=list(seeds), options=options)


def track_parameter_homotopy(
    start: Instance,
    target: Instance,
    points: np.ndarray,
    options: TrackerOptions | None = None,
) -> TrackResult:
    """Follow critical points of ``start`` along the straight line of data to ``target``.

    X, Y and Λ are interpolated directly (never Σxx, Σyx); ``points`` is ``(P, N)``. The result has
    the end points ``x``, a return code per path in ``codes``, ``success`` and the ``t`` reached
    (in (0, 1], relative to this segment).

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> a = random_instance((1, 1, 1), seed=0)
    >>> b = random_instance((1, 1, 1), seed=1)
    >>> bool(track_parameter_homotopy(a, b, np.zeros((1, 2), complex)).success.all())
    True
    """
    from .native.homotopies import ParameterHomotopy  # lazy: start-up
    from .native.tracker import track  # lazy: start-up

    if start.architecture != target.architecture:
        raise SolverError(
            f"start has widths {start.architecture} and target {target.architecture}: a parameter "
            "homotopy joins data of one architecture"
        )
    return track(ParameterHomotopy(start.architecture, start, target), np.asarray(points, dtype=complex), options)
