"""The native backend: a SolveResult from the structure-aware, continuation or blackbox route,
with the verdict on its completeness (:mod:`.verdict`).

``method="auto"`` runs the structure-aware route when the data pass the genericity checks and
keeps its count when the route's certificate holds; otherwise it switches by itself to the
continuation route, which carries the same generic solution set (so the switch costs only the
extra paths) and is complete for any data. Data whose loss keeps a continuous symmetry are refused
before any path is tracked, on every route.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..._version import __version__
from ...data import Instance
from ...errors import SolverError
from ...executors import Executor
from ...genericity import genericity_reasons
from ...points import SAME_POINT, match_rows
from ...results import PathResult, SolveResult, StageReport
from ..base import METHODS
from ...options import SolveOptions
from .blackbox import solve_blackbox
from .cache import cache_notes
from .continuation import solve_continuation
from .monodromy import GenericSolutions
from .structured import NO_STRAY_ZEROS, StructuredRun, balanced_unit_paths, solve_generic, solve_structured_many
from .verdict import (
    Finalized,
    failure_warnings,
    finalize,
    monodromy_assumptions,
    monodromy_warnings,
    refuse_symmetric_data,
    singular_endpoints_are_isolated,
    structured_certificate,
)

__all__ = ["NativeBackend"]

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
        executor: Executor | None = None,
    ) -> SolveResult:
        """One instance; ``executor`` runs the structure-aware route's units (monodromy per
        alive-size tuple, parameter homotopies per chunk of alive sets), default this process."""
        options = options or SolveOptions()
        progress = sys.stderr.isatty() if progress is None else progress
        t0 = time.perf_counter()
        if method not in METHODS:
            raise SolverError(f"method {method!r} is not one of {METHODS}")
        refuse_symmetric_data(instance)
        if method == "blackbox":
            return _blackbox(instance, seed, options, progress, t0)
        rng = np.random.default_rng(seed)
        cold = generic is None
        if cold:
            generic = solve_generic(instance.architecture, instance.samples, seed, options, progress, executor)
        spent = _Spent.of_generic(generic) if cold else _Spent()
        if method == "continuation":
            return _continuation(instance, rng, generic, spent, (), seed, method, options, progress, t0)
        reasons = genericity_reasons(instance)
        if reasons:
            return _switch(instance, rng, generic, spent, _non_generic_note(reasons), seed, options, progress, t0)
        unit_paths = balanced_unit_paths(instance.architecture, generic, options, executor)
        run = solve_structured_many([instance], generic, options, executor, unit_paths, progress)[0]
        return _auto(instance, rng, generic, spent, run, seed, options, progress, t0)

    def solve_many(
        self,
        instances: list[Instance],
        generic: dict[tuple[int, ...], GenericSolutions],
        *,
        seeds: list[int | None],
        options: SolveOptions | None = None,
    ) -> list[SolveResult]:
        """Several instances of one architecture from one cached generic solution set, their
        structure-aware paths tracked in one batch (what makes studies of many draws cheap); an
        instance whose data are not generic or whose certificate fails switches on its own."""
        options = options or SolveOptions()
        t0 = time.perf_counter()
        for instance in instances:
            refuse_symmetric_data(instance)
        generic_data = [not genericity_reasons(inst) for inst in instances]
        batch = [inst for inst, ok in zip(instances, generic_data) if ok]
        runs = iter(solve_structured_many(batch, generic, options) if batch else [])
        results = []
        for inst, ok, seed in zip(instances, generic_data, seeds):
            rng = np.random.default_rng(seed)
            if ok:
                results.append(_auto(inst, rng, generic, _Spent(), next(runs), seed, options, False, t0))
            else:
                note = _non_generic_note(genericity_reasons(inst))
                results.append(_switch(inst, rng, generic, _Spent(), note, seed, options, False, t0))
        return results


@dataclass(frozen=True)
class _Spent:
    """Paths and stages spent before the route that produced the count (monodromy, a failed route)."""

    paths: int = 0
    stages: tuple[StageReport, ...] = ()

    @classmethod
    def of_generic(cls, generic: dict[tuple[int, ...], GenericSolutions]) -> _Spent:
        reports = tuple(g.report for g in generic.values())
        return cls(sum(r.paths for r in reports), reports)

    def plus(self, paths: int, stages: Sequence[StageReport]) -> _Spent:
        return _Spent(self.paths + paths, self.stages + tuple(stages))


def _non_generic_note(reasons: Sequence[str]) -> str:
    return f"data not generic ({'; '.join(reasons)}): took the continuation route, complete for any data"


def _auto(instance, rng, generic, spent: _Spent, run: StructuredRun, seed, options, progress, t0) -> SolveResult:
    """Keep the structure-aware count when its certificate holds, else switch routes."""
    fin = finalize(instance, run.points, options)
    failing = structured_certificate(instance, fin, run.failed, options)
    spent = spent.plus(run.n_paths, run.stages)
    if failing:
        note = f"the structured route's certificate failed ({'; '.join(failing)}): switched to the continuation route"
        return _switch(instance, rng, generic, spent, note, seed, options, progress, t0, known=fin)
    return _result(instance, fin, spent, run.failed, 0, monodromy_warnings(generic), (),
                   (NO_STRAY_ZEROS, *monodromy_assumptions(generic)), seed, "auto", options, t0, route="structured")


def _switch(instance, rng, generic, spent: _Spent, note: str, seed, options, progress, t0,
            known: Finalized | None = None) -> SolveResult:
    """``method="auto"`` on the continuation route; ``known`` are the refined points of a
    structured run that failed its certificate, which the continuation count must contain."""
    result = _continuation(instance, rng, generic, spent, (note,), seed, "auto", options, progress, t0)
    return result if known is None else _with_known_points(result, known)


def _with_known_points(result: SolveResult, known: Finalized) -> SolveResult:
    """Add the structure-aware route's refined critical points that the continuation route missed.

    Each was refined on the full system to the residual tolerance, so it is a critical point; one
    missing from the continuation count proves that count short (seen on a nearly special draw of
    widths 1,2,2,2: 161 of 641 points, 480 paths declared at infinity). The union is reported, with
    a warning, and without multiplicities (the added points have none).
    """
    missing = ~match_rows(known.points, result.solutions, SAME_POINT)
    if not missing.any():
        return result
    warning = (
        f"{int(missing.sum())} critical points found and refined by the structured route are not among the "
        f"continuation route's {result.n_solutions} end points ({result.n_at_infinity} paths were declared at "
        "infinity): they are added, but the continuation count was short"
    )
    return replace(
        result,
        solutions=np.concatenate([result.solutions, known.points[missing]]),
        residuals=np.concatenate([result.residuals, known.residuals[missing]]),
        conditions=np.concatenate([result.conditions, known.conditions[missing]]),
        multiplicities=None,
        warnings=(*result.warnings, warning),
    )


def _continuation(instance, rng, generic, spent: _Spent, notes, seed, method, options, progress, t0) -> SolveResult:
    """Carry every generic critical point to the data (complete for any data of the architecture).

    The route checks its own end points (clusters, multiplicities, the slice test for singular
    ones, failures and its monodromy's stop) and keeps singular points at their endgame values,
    which a Newton refinement would spoil; only the monodromy's rank-gap doubts are added here.
    """
    run = solve_continuation(instance, rng, options, generic=generic, progress=progress)
    # With no lost path, the paths ending at an isolated point are its multiplicity (continuation
    # theorem): singular means multiplicity ≥ 2, whatever the (unit-dependent) condition number says.
    singular = run.multiplicities > 1 if not run.failed else None
    fin = Finalized(run.points, run.residuals, run.conditions, run.conditions, run.multiplicities,
                    singular_condition=options.endpoint_singular_condition, singular_points=singular)
    warnings = [*run.warnings, *monodromy_warnings(generic, stops=False)]
    if run.n_at_infinity and not genericity_reasons(instance):
        # at generic data every generic path ends at a finite point: either the data are special
        # in a way the checks do not see, or finite end points were taken for points at infinity
        warnings.append(
            f"{run.n_at_infinity} paths were declared at infinity although the data pass every genericity check: "
            "finite critical points may have been taken for points at infinity"
        )
    # the route lists the monodromy reports of the generic set it was given: keep one copy
    spent = _Spent(spent.paths, tuple(s for s in spent.stages if not any(s is r for r in run.stages)))
    return _result(instance, fin, spent.plus(run.n_paths, run.stages), run.failed, run.n_at_infinity, warnings, [*notes, *run.notes],
                   monodromy_assumptions(generic), seed, method, options, t0, route="continuation")


def _blackbox(instance: Instance, seed, options: SolveOptions, progress, t0) -> SolveResult:
    """A start system with no structural assumption; singular end points are counted by cluster."""
    bb = solve_blackbox(instance, seed=seed, options=options, progress=progress)
    singular, sizes = bb.singular_clusters()
    points = np.concatenate([bb.solutions, singular])
    multiplicities = np.concatenate([np.ones(bb.n_solutions, dtype=int), sizes])
    fin = finalize(instance, points, options, multiplicities=multiplicities)
    warnings = [*failure_warnings(bb.failed), *fin.warnings, *singular_endpoints_are_isolated(instance, fin, np.random.default_rng(seed))]
    return _result(instance, fin, _Spent(bb.n_paths, (bb.report,)), bb.failed, bb.n_at_infinity, warnings, (), (),
                   seed, "blackbox", options, t0, route="blackbox")


def _result(
    instance: Instance,
    fin: Finalized,
    spent: _Spent,
    failed: Sequence[PathResult],
    at_infinity: int,
    warnings: Sequence[str],
    notes: Sequence[str],
    assumptions: Sequence[str],
    seed: int | None,
    method: str,
    options: SolveOptions,
    t0: float,
    *,
    route: str,
) -> SolveResult:
    return SolveResult(
        architecture=instance.architecture,
        instance=instance,
        solutions=fin.points,
        residuals=fin.residuals,
        conditions=fin.conditions,
        n_paths_tracked=int(spent.paths),
        seed=seed,
        method=method,
        backend=NativeBackend.name,
        engine_version=__version__,
        seconds=time.perf_counter() - t0,
        stages=spent.stages,
        failed_paths=tuple(failed),
        n_at_infinity=int(at_infinity),
        n_singular=fin.n_singular,
        assumptions=tuple(assumptions),
        warnings=tuple(dict.fromkeys(warnings)),
        notes=(*notes, *cache_notes(spent.stages)),
        route=route,
        multiplicities=fin.multiplicities,
        options=options,
    )
