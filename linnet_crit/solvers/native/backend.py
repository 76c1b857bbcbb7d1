"""The native backend: assembles a SolveResult from the structure-aware or blackbox method."""

from __future__ import annotations

import sys
import time

import numpy as np

from ... import __version__
from ...data import Instance
from ...errors import PositiveDimensionalError, SolverError
from ...results import SolveResult
from ..base import METHODS
from ..options import SolveOptions
from .dedup import SAME_POINT, unique_rows
from .linalg import batch_condition
from .monodromy import GenericSolutions
from .structured import NO_STRAY_ZEROS, refine, solve_structured, solve_structured_many
from ...numeric import Parameters, gradient_and_jacobian

__all__ = ["NativeBackend"]

#: Condition numbers above this mark a point as singular (a double-precision judgement).
SINGULAR_CONDITION = 1e12


class NativeBackend:
    """The pip-only engine of linnet_crit (always available)."""

    name = "native"

    def availability(self) -> str | None:
        return None

    def solve(
        self,
        instance: Instance,
        *,
        method: str = "auto",
        seed: int | None = 0,
        options: SolveOptions | None = None,
        progress: bool | None = None,
        generic: dict[tuple[int, ...], GenericSolutions] | None = None,
    ) -> SolveResult:
        options = options or SolveOptions()
        progress = sys.stderr.isatty() if progress is None else progress
        t0 = time.perf_counter()
        if method == "auto":
            run = solve_structured(instance, np.random.default_rng(seed), options, generic=generic, progress=progress)
            return _result(instance, run.points, run.n_paths, run.stages, run.failed, 0,
                           (NO_STRAY_ZEROS,), seed, method, options, t0, route="structured")
        if method == "blackbox":
            from .blackbox import solve_blackbox

            bb = solve_blackbox(instance, seed=seed, options=options.tracker, progress=progress)
            return _result(instance, bb.solutions, bb.n_paths, (bb.report,), tuple(bb.failed), bb.n_at_infinity,
                           (), seed, method, options, t0, route="blackbox")
        if method == "continuation":
            return _continuation_result(instance, seed, options, generic, progress, t0)
        raise SolverError(f"method {method!r} is not one of {METHODS}")

    def solve_many(
        self,
        instances: list[Instance],
        generic: dict[tuple[int, ...], GenericSolutions],
        *,
        seeds: list[int | None],
        options: SolveOptions | None = None,
    ) -> list[SolveResult]:
        """Several instances of one architecture from one cached generic solution set, their
        paths tracked in one batch (what makes studies of many draws cheap)."""
        options = options or SolveOptions()
        t0 = time.perf_counter()
        runs = solve_structured_many(instances, generic, options)
        return [
            _result(inst, run.points, run.n_paths, run.stages, run.failed, 0, (NO_STRAY_ZEROS,), seed, "auto", options, t0,
                    route="structured")
            for inst, run, seed in zip(instances, runs, seeds)
        ]


def _result(instance, points, n_paths, stages, failed, at_infinity, assumptions, seed, method, options, t0, *,
            route: str) -> SolveResult:
    points, residuals, conditions, n_singular = _finalize(instance, points, options)
    return SolveResult(
        architecture=instance.architecture,
        instance=instance,
        solutions=points,
        residuals=residuals,
        conditions=conditions,
        n_paths_tracked=int(n_paths),
        seed=seed,
        method=method,
        backend=NativeBackend.name,
        engine_version=__version__,
        seconds=time.perf_counter() - t0,
        stages=tuple(stages),
        failed_paths=tuple(failed),
        n_at_infinity=int(at_infinity),
        n_singular=n_singular,
        assumptions=assumptions,
        route=route,
        options={
            "zero_tolerance": options.zero_tolerance,
            "real_tolerance": options.real_tolerance,
            "residual_tolerance": options.residual_tolerance,
            "full_orbits": options.full_orbits,
            "stall_loops": options.monodromy.stall_loops,
        },
    )


def _continuation_result(instance, seed, options, generic, progress, t0) -> SolveResult:
    """The continuation route's result. Its points are checked by the route itself (singular
    points keep their endgame values, which Newton-based :func:`_finalize` would reject)."""
    from .continuation import SINGULAR_CONDITION as CONTINUATION_SINGULAR
    from .continuation import solve_continuation

    run = solve_continuation(instance, np.random.default_rng(seed), options, generic=generic, progress=progress)
    return SolveResult(
        architecture=instance.architecture, instance=instance, solutions=run.points, residuals=run.residuals,
        conditions=run.conditions, n_paths_tracked=run.n_paths, seed=seed, method="continuation",
        backend=NativeBackend.name, engine_version=__version__, seconds=time.perf_counter() - t0,
        stages=run.stages, failed_paths=run.failed, n_at_infinity=run.n_at_infinity,
        n_singular=int((run.conditions >= CONTINUATION_SINGULAR).sum()), warnings=run.warnings,
        route="continuation", multiplicities=run.multiplicities,
        options={"zero_tolerance": options.zero_tolerance, "real_tolerance": options.real_tolerance,
                 "residual_tolerance": options.residual_tolerance, "full_orbits": options.full_orbits,
                 "stall_loops": options.monodromy.stall_loops},
    )


def _finalize(instance: Instance, points: np.ndarray, options: SolveOptions):
    """Refine on the full system and drop nothing silently: check residuals, singularity and
    distinctness, and refuse positive-dimensional critical sets."""
    points, residuals = refine(instance, points)
    _, J = gradient_and_jacobian(instance.architecture, points, Parameters.of(instance))
    conditions = batch_condition(J)
    singular = conditions > SINGULAR_CONDITION
    bad = residuals > options.residual_tolerance
    if instance.regularization != "generic" and (singular.any() or bad.any()):
        _refuse_positive_dimensional(instance, points[singular])
    if bad.any():
        raise SolverError(
            f"{int(bad.sum())} end points did not refine to residual ≤ {options.residual_tolerance:g} "
            f"(worst {residuals.max():.2e}); rerun with another seed or SolveOptions(full_orbits=True)"
        )
    _, duplicate = unique_rows(points, SAME_POINT)
    if duplicate.any():
        raise SolverError(f"{int(duplicate.sum())} critical points were found twice; this is a bug in the engine")
    return points, residuals, conditions, int(singular.sum())


def _refuse_positive_dimensional(instance: Instance, singular_points: np.ndarray) -> None:
    """Scalar or zero Λ leaves the hidden layers' orthogonal symmetry: end points that are singular
    or do not converge lie on positive-dimensional components, which cannot be enumerated."""
    from ...verify.dimension import local_dimension

    dims = [local_dimension(instance, p) for p in singular_points]
    found = f"local dimension {max(dims)} at a found point" if dims else "end points did not converge"
    raise PositiveDimensionalError(
        f"the critical set of widths {instance.architecture} with {instance.regularization!r} "
        f"regularization is not finite ({found}); use generic Hadamard Λ (regularization='generic') "
        "to make every critical point isolated",
        dimension=max(dims) if dims else None,
    )
