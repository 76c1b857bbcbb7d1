"""A SolveResult from the path tables of HC.jl calls: what is counted, what is reported, and why
the count may be incomplete (``SolveResult.warnings``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ...data import Instance
from ...errors import SolverError
from ...numeric.evaluate import Parameters, gradient, gradient_and_jacobian
from ...points import SAME_POINT, match_rows, unique_rows
from ...results import PathResult, ReturnCode, SolveResult, StageReport
from ...options import SolveOptions
from .path_table import Stage

__all__ = ["ROUTE", "Outcome", "sort_paths", "to_solve_result"]

#: The route name every hc result carries.
ROUTE = "hc"

#: Paths that end neither as a solution nor as one of the counted non-solutions are failures.
_NOT_FAILED = (ReturnCode.SUCCESS, ReturnCode.AT_INFINITY, ReturnCode.SINGULAR)


@dataclass(frozen=True, eq=False)
class Outcome:
    """The paths of one HC.jl call, sorted into what is counted and what is reported."""

    solutions: np.ndarray
    multiplicities: np.ndarray
    failed: tuple[PathResult, ...]
    at_infinity: int
    singular: np.ndarray


def _duplicates(points: np.ndarray) -> np.ndarray:
    """Mask of the rows that repeat an earlier row (the native engine's per-coordinate identity)."""
    return unique_rows(points, SAME_POINT)[1]


def sort_paths(instance: Instance, paths: list[PathResult], options: SolveOptions) -> Outcome:
    """Counted: nonsingular finite endpoints whose residual, recomputed here, is small; each once.

    Everything else is reported: at-infinity and singular endpoints as counts, the rest (HC.jl
    failures, endpoints with a large residual, duplicates from path jumping) as failed paths.
    """
    arch = instance.architecture
    finite = [p for p in paths if p.return_code is ReturnCode.SUCCESS]
    points = np.array([p.solution for p in finite], dtype=complex).reshape(-1, arch.n_unknowns)
    scale = 1.0 + np.abs(points).max(axis=1, initial=0.0)
    residual = np.abs(gradient(arch, points, Parameters.of(instance))).max(axis=1) if len(points) else scale
    accurate = residual <= options.residual_tolerance * scale
    kept = [p for p, ok in zip(finite, accurate) if ok]
    duplicate = _duplicates(points[accurate])
    failed = [replace(p, return_code=ReturnCode.FAILED) for p, ok in zip(finite, accurate) if not ok]
    failed += [replace(p, return_code=ReturnCode.DUPLICATE) for p, d in zip(kept, duplicate) if d]
    failed += [p for p in paths if p.return_code not in _NOT_FAILED]
    singular = [p.solution for p in paths if p.return_code is ReturnCode.SINGULAR]
    solutions = points[accurate][~duplicate]
    return Outcome(
        solutions=solutions,
        # paths per counted point: 1, or more where paths jumped onto it (reported as duplicates)
        multiplicities=np.array([match_rows(points[accurate], x[None], SAME_POINT).sum() for x in solutions], dtype=int),
        failed=tuple(failed),
        at_infinity=sum(p.return_code is ReturnCode.AT_INFINITY for p in paths),
        singular=np.array(singular, dtype=complex).reshape(-1, arch.n_unknowns),
    )


def _failure_warning(stage: str, failed: tuple[PathResult, ...], paths: int) -> str:
    codes = Counter(p.return_code.value for p in failed)
    detail = ", ".join(f"{code} × {n}" for code, n in sorted(codes.items()))
    return (f"{len(failed)} of {paths} paths of stage {stage} failed ({detail}); a solution may be missing: "
            "rerun with another seed")


def _warnings(stage: Stage, outcome: Outcome, *, infinity_loses: bool) -> list[str]:
    """Why the paths of ``stage`` may not have found every solution, each with its numbers."""
    paths = len(stage.table.return_codes)
    reasons = []
    if outcome.failed:
        reasons.append(_failure_warning(stage.name, outcome.failed, paths))
    if len(outcome.singular):
        reasons.append(
            f"{len(outcome.singular)} paths of stage {stage.name} ended at singular points, which are "
            "not counted (multiple isolated solutions or points of positive-dimensional components)"
        )
    if infinity_loses and outcome.at_infinity:
        reasons.append(
            f"{outcome.at_infinity} of {paths} paths of stage {stage.name} went to infinity, so fewer "
            "solutions were found than the start had; the data may be special, or a large solution "
            "was lost: rerun with another seed"
        )
    return reasons


def to_solve_result(
    instance: Instance,
    stages: list[Stage],
    *,
    method: str,
    seed: int,
    options: SolveOptions,
    seconds: float,
    assumptions: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    settings: dict[str, Any] | None = None,
    infinity_loses: tuple[str, ...] = ("parameter_homotopy",),
) -> SolveResult:
    """A :class:`SolveResult` for ``instance`` from the path tables of HC.jl calls.

    The solutions are the counted endpoints of the last stage, which must solve ``instance`` (see
    :func:`sort_paths`); failed, at-infinity and singular counts add up over all stages, and each
    stage is reported with its singular points. ``warnings`` gains a reason for every stage with
    failed paths or singular endpoints, and for paths at infinity in the stages named in
    ``infinity_loses`` (parameter homotopies, where each path carries a solution of the start;
    in a polyhedral or total-degree solve, paths at infinity are expected and lose nothing).
    """
    arch = instance.architecture
    if stages[-1].instance is not instance:
        raise SolverError("the last stage must solve the instance of the result; this is a bug in the hc backend")
    reports, failed, at_infinity, n_singular, reasons = [], [], 0, 0, list(warnings)
    for stage in stages:
        outcome = sort_paths(stage.instance, stage.table.path_results(stage.name), options)
        failed += outcome.failed
        at_infinity += outcome.at_infinity
        n_singular += len(outcome.singular)
        reasons += _warnings(stage, outcome, infinity_loses=stage.name in infinity_loses)
        reports.append(StageReport(
            name=stage.name, paths=len(stage.table.return_codes), failed=len(outcome.failed),
            at_infinity=outcome.at_infinity, seconds=stage.seconds,
            info={"hc_seed": stage.table.seed, "paths_tracked": stage.table.paths_tracked,
                  "found": len(outcome.solutions), "singular_points": outcome.singular},
        ))
    points = outcome.solutions
    if len(points):
        F, J = gradient_and_jacobian(arch, points, Parameters.of(instance))
        residuals, conditions = np.abs(F).max(axis=1), np.linalg.cond(J)
    else:
        residuals, conditions = np.zeros(0), np.zeros(0)
    return SolveResult(
        architecture=arch,
        instance=instance,
        solutions=points,
        residuals=residuals,
        conditions=conditions,
        n_paths_tracked=sum(stage.table.paths_tracked for stage in stages),
        seed=seed,
        method=method,
        backend="hc",
        engine_version=f"HomotopyContinuation.jl {stages[-1].table.hc_version}",
        seconds=seconds,
        stages=tuple(reports),
        failed_paths=tuple(failed),
        n_at_infinity=at_infinity,
        n_singular=n_singular,
        assumptions=assumptions,
        options=options,
        settings={"same_point": SAME_POINT, **(settings or {})},
        warnings=tuple(reasons),
        notes=notes,
        route=ROUTE,
        multiplicities=outcome.multiplicities,
    )
