"""The hc backend: HomotopyContinuation.jl's solve, parameter homotopy, monodromy and certify."""

from __future__ import annotations

import secrets
import time
from typing import Any

import numpy as np

from ...architecture import Architecture, as_architecture
from ...checks import whole_number
from ...data import Instance
from ...errors import SolverError
from ...points import unique_rows
from ...results import SolveResult
from ...sign_flips import expand_orbits, flip_vectors
from ..base import METHODS
from ..native.monodromy import random_complex_instance, start_pair
from ..native.verdict import refuse_symmetric_data
from ...options import MonodromyOptions, SolveOptions
from . import julia
from .certification import Certification
from .path_table import PathTable, Stage
from .result import sort_paths, to_solve_result

__all__ = ["HomotopyContinuationBackend", "START_SYSTEMS", "generic_parameters", "generic_start_pair", "hc_stall_loops"]

#: HC.jl's start system for each method.
START_SYSTEMS = {"auto": "polyhedral", "blackbox": "total_degree"}

#: The only way HC.jl's monodromy stops on its own: max_loops_no_progress loops found nothing new.
_STALL = "heuristic_stop"


def _check_seed(seed: int | None) -> int:
    if seed is None:
        return secrets.randbelow(2**32)
    return whole_number(seed, "seed", minimum=0, maximum=2**32 - 1, error=SolverError,
                        fix="give a whole number in [0, 2**32), the seeds HomotopyContinuation.jl takes")


def generic_start_pair(instance: Instance, rng: np.random.Generator) -> tuple[np.ndarray, Instance]:
    """A random point with no zero coordinate and random complex data at which it is critical.

    The native engine's start pair (:func:`linnet_crit.solvers.native.monodromy.start_pair`) at
    random complex X, Y: the equations are linear in Λ, so Λ is read off entrywise. This is the
    start pair of monodromy.
    """
    arch = instance.architecture
    generic, x = start_pair(arch, random_complex_instance(arch, instance.samples, rng), rng)
    return x, generic


def _sign_generators(arch: Architecture) -> np.ndarray:
    """The neuron sign flips (one per hidden neuron) as the rows of one ±1 matrix."""
    return np.array(flip_vectors(arch), dtype=np.int8).reshape(-1, arch.n_unknowns)


def hc_stall_loops(mono: MonodromyOptions) -> int:
    """HC.jl's ``max_loops_no_progress`` for these options: ``stall_loops + checks // 4``.

    HC.jl has no checks (loops of one random orbit): every loop of its carries every solution, so
    the checks become more such loops: 55 with the defaults (5 loops, 200 checks). Where a loop
    keeps an incomplete set of orbits with probability 0.6 (widths 1,d,d, see
    ``MonodromyOptions``), 0.6^55 ≈ 6e-13. The early rule (``checks = 0``) maps to ``stall_loops``.
    ``checks_per_orbit`` does not apply: the stall count is fixed before HC.jl knows any orbit.
    """
    return mono.stall_loops + mono.checks // 4


class HomotopyContinuationBackend:
    """HomotopyContinuation.jl through juliacall (backend name ``"hc"``).

    Parameters
    ----------
    threading : bool, optional
        HC.jl's ``threading`` switch; by default on when Julia runs with more than one thread
        and handles signals (see :func:`linnet_crit.solvers.hc.julia.prepare_signal_handling`).

    Notes
    -----
    ``solve`` with ``method="auto"`` runs HC.jl's polyhedral homotopy on the full system (origin
    added to every support, so every isolated critical point in Cⁿ is an endpoint);
    ``method="blackbox"`` uses the total-degree start system. Counted are the nonsingular finite
    endpoints (residual recomputed by linnet_crit, duplicates removed); singular, at-infinity and
    failed paths are reported, never dropped, and every reason the count may be incomplete is a
    warning of the result (route ``"hc"``). The tracker settings are HC.jl's own; from
    :class:`SolveOptions` the backend takes ``residual_tolerance`` and, for :meth:`monodromy`,
    ``monodromy.stall_loops`` and ``monodromy.checks`` as HC.jl's ``max_loops_no_progress``
    (:func:`hc_stall_loops`: HC.jl's own stall rule, not the native loop graph, so
    ``min_loop_paths``, ``checks_per_orbit``, ``blackbox_paths`` and ``closed_form`` do not apply).
    """

    name = "hc"

    def __init__(self, threading: bool | None = None) -> None:
        self.threading = threading

    def availability(self) -> str | None:
        reason = julia.julia_unavailable_reason()
        return None if reason is None else julia.unavailable_message(reason)

    def _switches(self, session: julia.Session, progress: bool | None) -> dict[str, Any]:
        switches: dict[str, Any] = {"show_progress": bool(progress)}
        if self.threading is not None:
            switches["threading"] = self.threading
        elif not session.signals_handled:
            switches["threading"] = False  # multi-threaded Julia without signal handling crashes
        return switches

    def _notes(self, session: julia.Session) -> tuple[str, ...]:
        if self.threading is None and not session.signals_handled:
            return ("HC.jl ran single-threaded: Julia does not handle signals (juliacall was imported "
                    "before PYTHON_JULIACALL_HANDLE_SIGNALS=yes was set)",)
        return ()

    def solve(
        self,
        instance: Instance,
        *,
        method: str = "auto",
        seed: int | None = 0,
        options: SolveOptions | None = None,
        progress: bool | None = None,
    ) -> SolveResult:
        """All isolated critical points of ``instance`` found by HC.jl's ``solve``."""
        if method not in START_SYSTEMS:
            # the native backend may have methods HC.jl has no start system for
            raise SolverError(f"method {method!r} is not one of {tuple(START_SYSTEMS)} for the HC.jl backend "
                              f"(the native backend has {METHODS})")
        options = options or SolveOptions()
        seed = _check_seed(seed)
        refuse_symmetric_data(instance)  # from the data, before Julia starts: no count for a curve
        session = julia.session()
        start = time.perf_counter()
        raw = session.call(
            "solve_system",
            session.system(instance.architecture, instance.samples),
            instance.parameter_vector(),
            start_system=START_SYSTEMS[method],
            seed=seed,
            **self._switches(session, progress),
        )
        table = PathTable.from_julia(raw, instance.architecture.n_unknowns)
        seconds = time.perf_counter() - start
        return to_solve_result(
            instance, [Stage(START_SYSTEMS[method], table, seconds, instance)], method=method, seed=seed,
            options=options, seconds=seconds,
            notes=(f"HC.jl {START_SYSTEMS[method]} start system: {table.paths_tracked} paths",
                   *self._notes(session)),
            settings={"start_system": START_SYSTEMS[method], "threading": self.threading},
        )

    def parameter_homotopy(
        self,
        start: SolveResult,
        target: Instance,
        *,
        seed: int | None = 0,
        options: SolveOptions | None = None,
        progress: bool | None = None,
    ) -> SolveResult:
        """Track the solutions of ``start`` from its instance to ``target`` (same widths and samples).

        The parameters (X, Y, Λ) move on a straight line, so ``start`` should be a generic
        (random complex) instance. The result is complete only if ``start`` was: its warnings are
        carried over.
        """
        source = start.instance
        refuse_symmetric_data(target)
        if (source.architecture, source.samples) != (target.architecture, target.samples):
            raise SolverError(
                f"start has widths {source.architecture} and {source.samples} samples, the target "
                f"{target.architecture} and {target.samples}; give instances of one network"
            )
        if not len(start.solutions):
            raise SolverError("the start result has no solutions to track; solve the start instance first")
        options = options or SolveOptions()
        seed = _check_seed(seed)
        session = julia.session()
        start_time = time.perf_counter()
        table = self._track(session, start.solutions, source, target, seed, progress)
        seconds = time.perf_counter() - start_time
        return to_solve_result(
            target, [Stage("parameter_homotopy", table, seconds, target)], method="parameter_homotopy", seed=seed,
            options=options, seconds=seconds, assumptions=start.assumptions,
            warnings=tuple(f"the start result is incomplete: {reason}" for reason in start.warnings),
            notes=(f"{len(start.solutions)} solutions tracked from the start instance", *self._notes(session)),
            settings={"threading": self.threading},
        )

    def _track(self, session: julia.Session, points: np.ndarray, source: Instance, target: Instance,
               seed: int, progress: bool | None) -> PathTable:
        raw = session.call(
            "parameter_homotopy",
            session.system(target.architecture, target.samples),
            np.asarray(points, dtype=complex),
            source.parameter_vector(),
            target.parameter_vector(),
            seed=seed,
            **self._switches(session, progress),
        )
        return PathTable.from_julia(raw, target.architecture.n_unknowns)

    def monodromy(
        self,
        instance: Instance,
        *,
        seed: int | None = 0,
        options: SolveOptions | None = None,
        progress: bool | None = None,
    ) -> SolveResult:
        """The critical points on the monodromy component of a start point with no zero coordinate.

        HC.jl's ``monodromy_solve`` runs at random complex data from a start pair
        (:func:`generic_start_pair`) with the neuron sign flips as group action; the orbits of the
        representatives it finds are then tracked to ``instance`` by a parameter homotopy. Points
        off that component (the origin, points with dead neurons) are not found: this is not a
        complete solve, and the result says so in its warnings.
        """
        options = options or SolveOptions()
        seed = _check_seed(seed)
        session = julia.session()
        arch = instance.architecture
        start_time = time.perf_counter()
        x0, generic = generic_start_pair(instance, np.random.default_rng(seed))
        raw = session.call(
            "monodromy",
            session.system(arch, instance.samples),
            x0[None],
            generic.parameter_vector(),
            _sign_generators(arch),
            seed=seed,
            max_loops_no_progress=hc_stall_loops(options.monodromy),
            **self._switches(session, progress),
        )
        loops = PathTable.from_julia(raw, arch.n_unknowns)
        loop_seconds = time.perf_counter() - start_time
        representatives = sort_paths(generic, loops.path_results("monodromy"), options).solutions
        if not len(representatives):
            raise SolverError(f"monodromy kept no solution (HC.jl: {raw.return_code}); rerun with another seed")
        orbit = expand_orbits(arch, representatives)
        orbit = orbit[unique_rows(orbit)[0]]
        tracked = self._track(session, orbit, generic, instance, seed, progress)
        seconds = time.perf_counter() - start_time
        code, loops_tracked = str(raw.return_code), int(raw.loops_tracked)
        stop = (f"HC.jl's monodromy stopped after {loops_tracked} loops with {code!r}, not after "
                f"{hc_stall_loops(options.monodromy)} loops without a new orbit")
        return to_solve_result(
            instance,
            [Stage("monodromy", loops, loop_seconds, generic),
             Stage("parameter_homotopy", tracked, seconds - loop_seconds, instance)],
            method="monodromy", seed=seed, options=options, seconds=seconds,
            warnings=("monodromy solves only the component of a start point with no zero coordinate: "
                      "the origin and the points with dead neurons are not found",
                      *((stop,) if code != _STALL else ())),
            notes=(f"{len(representatives)} sign-flip orbits after {loops_tracked} monodromy loops "
                   f"(HC.jl: {code})", *self._notes(session)),
            settings={"threading": self.threading,
                      "hc_return_code": code, "loops_tracked": loops_tracked},
        )

    def certify(self, result: SolveResult, *, progress: bool | None = None, max_precision: int = 256) -> Certification:
        """HC.jl's interval-arithmetic certification of ``result.solutions`` at ``result.instance``."""
        instance = result.instance
        if not result.n_solutions:
            raise SolverError("the result has no solutions to certify")
        session = julia.session()
        raw = session.call(
            "certify",
            session.system(instance.architecture, instance.samples),
            np.asarray(result.solutions, dtype=complex).reshape(-1, instance.architecture.n_unknowns),
            instance.parameter_vector(),
            max_precision=max_precision,
            **self._switches(session, progress),
        )
        return Certification.from_julia(raw, instance)

    def paths_to_track(
        self,
        architecture: Architecture | str,
        *,
        samples: int = 1,
        start_system: str = "polyhedral",
        only_torus: bool = False,
        seed: int = 0,
    ) -> int:
        """HC.jl's ``paths_to_track`` for generic data: the BKK number in Cⁿ (origin added to every
        support), with ``only_torus=True`` the mixed volume bounding (C*)ⁿ, or the Bézout number
        for ``start_system="total_degree"``. The parameters are fixed at random complex values
        (:func:`generic_parameters`, drawn with ``seed``) before HC.jl reads the system."""
        arch = as_architecture(architecture)
        if start_system not in START_SYSTEMS.values() or (only_torus and start_system != "polyhedral"):
            raise SolverError(
                f"start_system={start_system!r}, only_torus={only_torus}: give 'polyhedral' (only_torus "
                "True or False) or 'total_degree' (only_torus False)"
            )
        session = julia.session()
        return int(session.call(
            "paths_to_track",
            session.system(arch, samples), generic_parameters(arch, samples, seed),
            start_system=start_system, only_torus=only_torus,
        ))


def generic_parameters(arch: Architecture, samples: int, seed: int) -> np.ndarray:
    """Random complex (X, Y, Λ) as one parameter vector: the data at which
    :meth:`HomotopyContinuationBackend.paths_to_track` reads degrees and supports."""
    return random_complex_instance(arch, samples, np.random.default_rng(_check_seed(seed))).parameter_vector()
