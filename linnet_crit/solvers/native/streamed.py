"""A structure-aware solve as independent, finalized units: what a streamed result file is made of.

The plan (:func:`plan_units`) runs the monodromy stage (one unit per alive-size tuple, through an
executor) and splits the parameter homotopies into units of consecutive alive sets small enough
for a memory budget. Each unit is then carried *and finalized where it runs*
(:func:`finalize_unit`): refined on the full system, checked for collisions, Jacobian conditions,
the zero law and failed paths. Points of different alive sets cannot coincide (their zero
patterns differ), so the per-unit checks are the whole solve's checks, and no process ever holds
more than one unit's points — however large the count.

A unit whose certificate fails cannot switch to the continuation route (that would need every
point at once): its reasons become warnings of the streamed result, which is then INCOMPLETE.
:func:`linnet_crit.solvers.solve` without streaming does switch.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ...data import Instance
from ...errors import SolverError
from ...executors import Executor, SerialExecutor
from ...genericity import genericity_reasons
from ...progress import progress_bar
from ...options import SolveOptions
from ...results import PathResult, StageReport
from ...sign_flips import orbit_size
from .cache import cache_notes
from .linalg import POINTS_PER_BLOCK
from .monodromy import GenericSolutions
from .structured import (
    NO_STRAY_ZEROS,
    CarryContext,
    CarryUnit,
    balanced_unit_paths,
    carry_unit,
    carry_units,
    paths_per_alive_set,
    solve_generic,
)
from .verdict import finalize, monodromy_assumptions, monodromy_warnings, refuse_symmetric_data, structured_certificate

__all__ = ["ORIGIN", "FinalizedUnit", "UnitPlan", "finalize_unit", "plan_units"]

#: The unit of the origin W = 0 (no alive neuron), added analytically: always unit 0.
ORIGIN: CarryUnit = ((), 0, 1)


@dataclass(frozen=True, eq=False)
class FinalizedUnit:
    """The refined points of one unit with their checks: what one line of a streamed file holds.

    ``warnings`` are the reasons of the structure-aware certificate that fail for this unit
    (empty: every path of the unit arrived at a distinct, refined, nonsingular point obeying
    the zero law).
    """

    index: int
    sizes: tuple[int, ...]
    alive_range: tuple[int, int]
    points: np.ndarray
    residuals: np.ndarray
    conditions: np.ndarray
    n_singular: int
    failed: tuple[PathResult, ...]
    stage: StageReport
    warnings: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class _UnitContext:
    instance: Instance
    generic: dict[tuple[int, ...], GenericSolutions]
    options: SolveOptions


def finalize_unit(context: _UnitContext, item: tuple[int, CarryUnit]) -> FinalizedUnit:
    """Carry one unit (or take the origin) and finalize it where it runs (an executor's unit of work)."""
    t0 = time.perf_counter()
    index, unit = item
    sizes, start, stop = unit
    instance, options = context.instance, context.options
    if unit == ORIGIN:
        points, failed, paths, steps = np.zeros((1, instance.architecture.n_unknowns), dtype=complex), (), 0, 0
        name = "origin W = 0 (analytic)"
    else:
        carried = carry_unit(CarryContext((instance,), context.generic, options), unit)
        points, failed, paths, steps = carried.points[0], carried.failed[0], carried.paths[0], carried.steps[0]
        name = f"parameter homotopy, alive sizes {sizes}, alive sets {start}–{stop - 1}"
    fin = finalize(instance, points, options)
    reasons = tuple(f"unit {index} ({name}): {r}" for r in structured_certificate(instance, fin, failed, options))
    stage = StageReport(name, paths, failed=len(failed), seconds=time.perf_counter() - t0,
                        info={"unit": index, "alive_sets": stop - start if unit != ORIGIN else 0}, steps=steps)
    return FinalizedUnit(index, tuple(sizes), (start, stop), fin.points, fin.residuals, fin.conditions, fin.n_singular,
                         tuple(failed), stage, reasons)


@dataclass(frozen=True, eq=False)
class UnitPlan:
    """The monodromy stage done, and the parameter homotopies split into units (origin first)."""

    instance: Instance
    generic: dict[tuple[int, ...], GenericSolutions]
    options: SolveOptions
    units: tuple[CarryUnit, ...]

    @property
    def monodromy(self) -> tuple[StageReport, ...]:
        return tuple(g.report for g in self.generic.values())

    @property
    def warnings(self) -> tuple[str, ...]:
        """Why the generic set may be incomplete (a stop at ``max_loops``, a doubtful rank gap)."""
        return tuple(monodromy_warnings(self.generic))

    @property
    def notes(self) -> tuple[str, ...]:
        return cache_notes(self.monodromy)

    @property
    def assumptions(self) -> tuple[str, ...]:
        return (NO_STRAY_ZEROS, *monodromy_assumptions(self.generic))

    def unit_paths(self, unit: CarryUnit) -> int:
        """First-pass paths of ``unit`` (retries come on top)."""
        sizes, start, stop = unit
        return 0 if unit == ORIGIN else (stop - start) * paths_per_alive_set(self.generic[sizes], self.options)

    def unit_points(self, unit: CarryUnit) -> int:
        """Points ``unit`` gives at most (its paths' orbits expanded)."""
        if unit == ORIGIN:
            return 1
        sizes = unit[0]
        per_path = 1 if self.options.full_orbits else orbit_size(self.generic[sizes].architecture)
        return self.unit_paths(unit) * per_path

    def unit_jacobians(self, unit: CarryUnit) -> int:
        """Jacobians ``unit`` holds at once while its points are refined and checked (in blocks)."""
        return min(self.unit_points(unit), POINTS_PER_BLOCK)

    def run(self, executor: Executor | None = None, progress: bool = False) -> Iterator[FinalizedUnit]:
        """Every unit finalized, in completion order (each says its index), run by ``executor``."""
        context = _UnitContext(self.instance, self.generic, self.options)
        items = list(enumerate(self.units))
        runner = executor or SerialExecutor()
        with progress_bar(show=bool(progress), total=len(items), desc="units", unit="unit") as bar:
            for _, unit in runner.run(finalize_unit, context, items):
                bar.update(1)
                yield unit


def plan_units(
    instance: Instance,
    *,
    seed: int | None,
    options: SolveOptions,
    executor: Executor | None = None,
    max_unit_paths: int | None = None,
    max_unit_points: int | None = None,
    progress: bool = False,
) -> UnitPlan:
    """Refuse data the structure-aware route cannot take, run the monodromy stage and split the rest.

    Units hold at most ``max_unit_paths`` first-pass paths and ``max_unit_points`` points (at
    least one alive set each; the caller checks that one alive set fits its budget).

    Raises
    ------
    PositiveDimensionalError
        When the data leave a continuous symmetry (no finite count exists).
    SolverError
        When the data are not generic: the units' route is the structure-aware one only.
    """
    refuse_symmetric_data(instance)
    reasons = genericity_reasons(instance)
    if reasons:
        raise SolverError(
            f"data not generic ({'; '.join(reasons)}): a solve in finalized units takes the structure-aware route "
            "only; use solve(..., method='continuation') (not streamed), which is complete for any data"
        )
    arch = instance.architecture
    generic = solve_generic(arch, instance.samples, seed, options, progress, executor)
    # several units per worker balance the load; the caller's limits bound each unit's memory
    limits = [n for n in (max_unit_paths, balanced_unit_paths(arch, generic, options, executor)) if n is not None]
    units = carry_units(arch, generic, options, max_paths=min(limits, default=None), max_points=max_unit_points)
    return UnitPlan(instance, generic, options, (ORIGIN, *units))
