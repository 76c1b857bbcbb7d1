"""Solver options, one frozen dataclass per stage (tracker, monodromy, whole solve)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..results import DEFAULT_ZERO_TOL

__all__ = ["TrackerOptions", "MonodromyOptions", "SolveOptions", "RETRY_SCHEDULE"]


@dataclass(frozen=True)
class TrackerOptions:
    """Path tracker settings (predictor RK4, Newton corrector, adaptive steps).

    A Newton correction is accepted only if its first update is below
    ``first_correction · (1 + ‖x‖)``, every later update contracts by ``contraction``, and the last
    is below ``final_tolerance · (1 + ‖x‖)`` — the protection against path jumping. Steps grow or
    shrink so that the first update stays near ``step_target · first_correction``.
    """

    initial_step: float = 0.02
    max_step: float = 0.25
    #: Step control aims the first Newton update at this fraction of ``first_correction``.
    step_target: float = 0.01
    min_step: float = 1e-9
    max_steps: int = 20_000
    newton_steps: int = 3
    first_correction: float = 1e-2
    contraction: float = 0.1
    final_tolerance: float = 1e-9
    divergence_norm: float = 1e8
    polish_steps: int = 3
    #: Paths whose steps collapse beyond this t are finished by Newton at t = 1.
    endgame_start: float = 0.99
    endgame_newton_steps: int = 8


#: Settings for the retries of failed or colliding paths: smaller steps, stricter corrections.
RETRY_SCHEDULE: tuple[TrackerOptions, ...] = (
    TrackerOptions(initial_step=0.005, max_step=0.02, first_correction=1e-3),
    TrackerOptions(initial_step=0.001, max_step=0.005, first_correction=1e-4, max_steps=100_000),
)


@dataclass(frozen=True)
class MonodromyOptions:
    """When monodromy stops: after ``stall_loops`` consecutive loops, each tracking every orbit
    known when it started, found no new sign-flip orbit (never at a known or formula count), or
    after ``max_loops``."""

    stall_loops: int = 10
    max_loops: int = 500
    #: Loops tracked together in one batch (they share the tracker's per-step overhead).
    parallel_loops: int = 12
    rank_tolerance: float = 1e-10


@dataclass(frozen=True)
class SolveOptions:
    """Everything a solve can be told, grouped per stage."""

    tracker: TrackerOptions = field(default_factory=TrackerOptions)
    monodromy: MonodromyOptions = field(default_factory=MonodromyOptions)
    #: Track every member of each sign-flip orbit (validation mode) instead of one per orbit.
    full_orbits: bool = False
    #: Relative threshold under which a weight counts as zero.
    zero_tolerance: float = DEFAULT_ZERO_TOL
    #: Relative threshold under which an imaginary part counts as zero.
    real_tolerance: float = 1e-6
    #: Residual ‖F‖∞ / (1 + ‖x‖∞) a refined point must reach to be counted.
    residual_tolerance: float = 1e-8
    #: Read and write the generic solution set in the disk cache (:mod:`linnet_crit.solvers.native.cache`); the
    #: environment variable ``LINNET_CRIT_CACHE=off`` turns it off for every solve.
    cache: bool = True

    def with_tracker(self, tracker: TrackerOptions) -> SolveOptions:
        return replace(self, tracker=tracker)
