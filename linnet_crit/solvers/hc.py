"""HomotopyContinuation.jl as a linnet_crit backend ("hc"), through juliacall.

Julia starts lazily on the first solve, once per process; the module shipped in
``linnet_crit/julia/src/LinnetCrit.jl`` is loaded into it and each gradient system is sent once per
(widths, samples) in the exchange form of :mod:`linnet_crit.solvers.exchange`, with X, Y and Λ as
HC.jl parameters. Results come back as plain arrays and become a :class:`SolveResult`.

Choosing Julia
--------------
* juliapkg route: ``pip install 'linnet-crit[julia]'``, then once
  ``python -c 'import juliapkg; juliapkg.resolve()'``: juliapkg finds or downloads a Julia ≥ 1.10
  and installs HomotopyContinuation.jl (declared in ``linnet_crit/juliapkg.json``) into the
  environment's Julia project.
* An existing Julia: set ``PYTHON_JULIAPKG_EXE=/path/to/julia`` before the first use.

:meth:`HomotopyContinuationBackend.availability` never starts or downloads anything: it checks
that juliacall is importable and that a Julia executable exists (``PYTHON_JULIAPKG_EXE``,
``julia`` on ``PATH``, or one installed by juliapkg).

Latency: the first call in a process starts Julia, loads HC.jl and compiles the solver for the
system (typically tens of seconds up to a few minutes on a small machine); later calls in the same
process reuse the session. Julia's thread count is fixed when it starts: set
``PYTHON_JULIACALL_THREADS`` (e.g. ``auto``) before the first call; multi-threaded HC.jl needs
``PYTHON_JULIACALL_HANDLE_SIGNALS=yes``, which this module sets unless already set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..architecture import Architecture
from ..data import Instance
from ..errors import BackendUnavailableError, SolverError
from ..numeric.evaluate import Parameters, gradient, gradient_and_jacobian
from ..results import PathResult, ReturnCode, SolveResult, StageReport
from ..system import gradient_system
from .base import METHODS
from .native.dedup import SAME_POINT, unique_rows
from .exchange import encode
from .options import SolveOptions

__all__ = [
    "HomotopyContinuationBackend",
    "Certification",
    "PathTable",
    "Stage",
    "JULIA_SOURCE",
    "julia_unavailable_reason",
    "return_code",
    "to_solve_result",
]

#: The Julia module loaded into the session (shipped as package data through the linnet_crit/julia link).
JULIA_SOURCE = Path(__file__).resolve().parent.parent / "julia" / "src" / "LinnetCrit.jl"

_START_SYSTEMS = {"auto": "polyhedral", "blackbox": "total_degree"}
_INSTALL_HINT = (
    "get it with pip install 'linnet-crit[julia]' and then "
    "python -c 'import juliapkg; juliapkg.resolve()' once (juliapkg downloads Julia and "
    "HomotopyContinuation.jl), or set PYTHON_JULIAPKG_EXE to an existing julia"
)

_RAW_CODES = {
    "success": ReturnCode.SUCCESS,
    "at_infinity": ReturnCode.AT_INFINITY,
    # HC.jl returns at_zero only with zero_is_at_infinity, which the bridge never sets.
    "at_zero": ReturnCode.AT_INFINITY,
    "terminated_step_size_too_small": ReturnCode.STEP_SIZE_TOO_SMALL,
    "terminated_max_steps": ReturnCode.MAX_STEPS,
    "terminated_max_extended_steps": ReturnCode.MAX_STEPS,
    "terminated_ill_conditioned": ReturnCode.ILL_CONDITIONED,
}


def return_code(raw: str, singular: bool) -> ReturnCode:
    """linnet_crit's code for HC.jl's return code ``raw`` (a successful singular endpoint is SINGULAR).

    Examples
    --------
    >>> return_code("success", False), return_code("success", True)
    (<ReturnCode.SUCCESS: 'success'>, <ReturnCode.SINGULAR: 'singular'>)
    >>> return_code("terminated_accuracy_limit", False)
    <ReturnCode.FAILED: 'failed'>
    """
    if raw == "success" and singular:
        return ReturnCode.SINGULAR
    return _RAW_CODES.get(raw, ReturnCode.FAILED)


# --- finding Julia without starting it -----------------------------------------------------------
def _configured_executable() -> str | None:
    """juliapkg's ``-X juliapkg-exe`` or ``PYTHON_JULIAPKG_EXE``, as juliapkg reads them."""
    return sys._xoptions.get("juliapkg-exe") or os.environ.get("PYTHON_JULIAPKG_EXE") or None


def _juliapkg_executable() -> str | None:
    """A Julia that juliapkg already installed or resolved (read from its state, nothing run)."""
    if importlib.util.find_spec("juliapkg") is None:
        return None
    try:
        from juliapkg.state import STATE
    except ImportError:
        return None
    candidates = [os.path.join(STATE.get("install", ""), "bin", "julia")]
    meta = STATE.get("meta")
    if meta and os.path.isfile(meta):
        try:
            with open(meta, encoding="utf-8") as handle:
                candidates.insert(0, json.load(handle).get("executable") or "")
        except (OSError, ValueError):
            pass
    return next((c for c in candidates if c and shutil.which(c)), None)


def julia_unavailable_reason() -> str | None:
    """Why the hc backend cannot run here, or ``None`` if juliacall and a Julia executable exist.

    Quick and side-effect free: juliacall is located, not imported (importing it starts Julia).
    """
    if importlib.util.find_spec("juliacall") is None:
        return "juliacall is not installed"
    configured = _configured_executable()
    if configured is not None:
        return None if shutil.which(configured) else f"PYTHON_JULIAPKG_EXE={configured} is not an executable"
    if shutil.which("julia") or _juliapkg_executable():
        return None
    return "no Julia executable was found (PYTHON_JULIAPKG_EXE, julia on PATH, or one installed by juliapkg)"


def _unavailable_message(reason: str) -> str:
    return f"the hc backend needs Julia with HomotopyContinuation.jl, but {reason}; {_INSTALL_HINT}"


# --- the Julia session ---------------------------------------------------------------------------
class _Session:
    """The one Julia session of the process: the loaded LinnetCrit module and the systems sent to it."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self._systems: dict[tuple[tuple[int, ...], int], Any] = {}

    def system(self, arch: Architecture, samples: int) -> Any:
        """The HC.jl System of ``arch`` with symbolic X, Y, Λ (built in Julia once)."""
        key = (arch.widths, samples)
        if key not in self._systems:
            exchange = encode(gradient_system(arch, symbolic_parameters=True, samples=samples))
            exponents, coefficients, counts = exchange.stacked()
            self._systems[key] = self.call(
                "exchange_system",
                " ".join(exchange.variables), " ".join(exchange.parameters), exponents, coefficients, counts,
            )
        return self._systems[key]

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """``LinnetCrit.<function>(args...; kwargs...)``, a Julia error becoming a SolverError."""
        try:
            return getattr(self.module, function)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - juliacall.JuliaError and conversion errors from Julia
            detail = " ".join(str(exc).split())[:300]
            raise SolverError(
                f"HomotopyContinuation.jl failed in LinnetCrit.{function}: {detail}; rerun with another "
                "seed, or report it with the widths and seed"
            ) from None


_SESSION: _Session | None = None
_SESSION_LOCK = threading.Lock()


def _session() -> _Session:
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            reason = julia_unavailable_reason()
            if reason is not None:
                raise BackendUnavailableError(_unavailable_message(reason))
            _SESSION = _start_julia()
        return _SESSION


def _start_julia() -> _Session:
    # Multi-threaded Julia code called from Python segfaults unless Julia handles signals.
    os.environ.setdefault("PYTHON_JULIACALL_HANDLE_SIGNALS", "yes")
    try:
        from juliacall import Base, Main

        module = Base.include(Main, str(JULIA_SOURCE))
    except Exception as exc:  # noqa: BLE001 - juliapkg, juliacall and Julia raise plain Exceptions here
        detail = " ".join(str(exc).split())[:300]
        raise BackendUnavailableError(
            _unavailable_message(f"Julia or HomotopyContinuation.jl could not be loaded ({detail})")
        ) from None
    return _Session(module)


# --- results from Julia as plain data ------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PathTable:
    """Every tracked path of one HC.jl call, one array per field (paths in rows).

    ``winding_numbers`` are 0 where HC.jl computed none; ``start_solutions`` rows are NaN where
    HC.jl kept no start vector (polyhedral paths); ``seed`` is HC.jl's seed (−1 if none).
    """

    solutions: np.ndarray
    return_codes: tuple[str, ...]
    residuals: np.ndarray
    accuracies: np.ndarray
    conditions: np.ndarray
    singular: np.ndarray
    multiplicities: np.ndarray
    winding_numbers: np.ndarray
    steps: np.ndarray
    t: np.ndarray
    start_solutions: np.ndarray
    paths_tracked: int
    seed: int
    hc_version: str

    @classmethod
    def from_julia(cls, table: Any, n_unknowns: int) -> PathTable:
        """Copy the NamedTuple returned by LinnetCrit.jl into numpy arrays."""
        codes = tuple(str(code) for code in table.return_codes)
        P = len(codes)

        def array(value: Any, dtype: type, shape: tuple[int, ...]) -> np.ndarray:
            # An empty Julia array may not export a buffer; its shape is known anyway.
            return np.array(value, dtype=dtype).reshape(shape) if P else np.zeros(shape, dtype)

        return cls(
            solutions=array(table.solutions, complex, (P, n_unknowns)),
            return_codes=codes,
            residuals=array(table.residuals, float, (P,)),
            accuracies=array(table.accuracies, float, (P,)),
            conditions=array(table.conditions, float, (P,)),
            singular=array(table.singular, bool, (P,)),
            multiplicities=array(table.multiplicities, int, (P,)),
            winding_numbers=array(table.winding_numbers, int, (P,)),
            steps=array(table.steps, int, (P,)),
            t=array(table.t, float, (P,)),
            start_solutions=array(table.start_solutions, complex, (P, n_unknowns)),
            paths_tracked=int(table.paths_tracked),
            seed=int(table.seed),
            hc_version=str(table.hc_version),
        )

    def path_results(self, stage: str) -> list[PathResult]:
        return [
            PathResult(
                solution=self.solutions[k],
                return_code=return_code(raw, bool(self.singular[k])),
                residual=float(self.residuals[k]),
                condition=float(self.conditions[k]),
                accuracy=float(self.accuracies[k]),
                steps=int(self.steps[k]),
                t=float(self.t[k]),
                start_solution=None if np.isnan(self.start_solutions[k]).any() else self.start_solutions[k],
                stage=stage,
                winding_number=int(self.winding_numbers[k]) or None,
                multiplicity=int(self.multiplicities[k]),
                raw_code=raw,
            )
            for k, raw in enumerate(self.return_codes)
        ]


@dataclass(frozen=True)
class Certification:
    """HC.jl's interval (Krawczyk) certification of the solutions of a :class:`SolveResult`.

    Per solution: ``certified`` (a unique true solution lies in a certified box around it),
    ``real`` (certified real) and ``distinct`` (certified, and not a duplicate of an earlier one).
    """

    certified: np.ndarray
    real: np.ndarray
    distinct: np.ndarray
    n_certified: int
    n_distinct_certified: int
    n_real_certified: int
    n_distinct_real_certified: int
    engine_version: str

    @property
    def all_certified_distinct(self) -> bool:
        return bool(self.distinct.all())


def _duplicates(points: np.ndarray) -> np.ndarray:
    """Mask of the rows that repeat an earlier row (the native engine's per-coordinate identity)."""
    return unique_rows(points, SAME_POINT)[1]


@dataclass(frozen=True, eq=False)
class Stage:
    """One HC.jl call: its name, its path table, its wall time, and the instance its endpoints solve."""

    name: str
    table: PathTable
    seconds: float
    instance: Instance


@dataclass(frozen=True, eq=False)
class _Outcome:
    """The paths of one or more HC.jl calls, sorted into what is counted and what is reported."""

    solutions: np.ndarray
    failed: tuple[PathResult, ...]
    at_infinity: int
    singular: np.ndarray


#: Paths that end neither as a solution nor as one of the counted non-solutions are failures.
_NOT_FAILED = (ReturnCode.SUCCESS, ReturnCode.AT_INFINITY, ReturnCode.SINGULAR)


def _sort_paths(instance: Instance, paths: list[PathResult], options: SolveOptions) -> _Outcome:
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
    return _Outcome(
        solutions=points[accurate][~duplicate],
        failed=tuple(failed),
        at_infinity=sum(p.return_code is ReturnCode.AT_INFINITY for p in paths),
        singular=np.array(singular, dtype=complex).reshape(-1, arch.n_unknowns),
    )


def to_solve_result(
    instance: Instance,
    stages: list[Stage],
    *,
    method: str,
    seed: int,
    options: SolveOptions,
    seconds: float,
    assumptions: tuple[str, ...] = (),
    settings: dict[str, Any] | None = None,
) -> SolveResult:
    """A :class:`SolveResult` for ``instance`` from the path tables of HC.jl calls.

    The solutions are the counted endpoints of the last stage, which must solve ``instance`` (see
    :func:`_sort_paths`); failed, at-infinity and singular counts add up over all stages, and each
    stage is reported with its singular points.
    """
    arch = instance.architecture
    if stages[-1].instance is not instance:
        raise SolverError("the last stage must solve the instance of the result; this is a bug in the hc backend")
    reports, failed, at_infinity, n_singular = [], [], 0, 0
    for stage in stages:
        outcome = _sort_paths(stage.instance, stage.table.path_results(stage.name), options)
        failed += outcome.failed
        at_infinity += outcome.at_infinity
        n_singular += len(outcome.singular)
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
        options={"residual_tolerance": options.residual_tolerance, "same_point": SAME_POINT, **(settings or {})},
    )


def _check_seed(seed: int | None) -> int:
    if seed is None:
        return secrets.randbelow(2**32)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise SolverError(f"seed {seed!r} is not an integer in [0, 2**32), the seeds HomotopyContinuation.jl takes; give one")
    return int(seed)


def generic_start_pair(instance: Instance, rng: np.random.Generator) -> tuple[np.ndarray, Instance]:
    """A random point with no zero coordinate and complex data (X, Y, Λ) at which it is critical.

    X and Y are random complex; the equations are linear in Λ, so Λ_i = −G_i ⊘ W_i with G the
    gradient at Λ = 0 makes the point critical. This is the start pair of monodromy.
    """
    arch, m = instance.architecture, instance.samples
    x = rng.standard_normal(arch.n_unknowns) + 1j * rng.standard_normal(arch.n_unknowns)
    X = rng.standard_normal((arch.dx, m)) + 1j * rng.standard_normal((arch.dx, m))
    Y = rng.standard_normal((arch.dy, m)) + 1j * rng.standard_normal((arch.dy, m))
    unregularized = Instance(arch, X, Y, [np.zeros(s, dtype=complex) for s in arch.shapes])
    G = gradient(arch, x[None], Parameters.of(unregularized))[0]
    lambdas = [-g / w for g, w in zip(arch.split(G), arch.split(x))]
    return x, Instance(arch, X, Y, lambdas)


def _regularization_caveat(instance: Instance) -> tuple[str, ...]:
    if instance.regularization == "generic":
        return ()
    return (f"{instance.regularization!r} regularization can leave positive-dimensional critical sets; "
            "their points end as singular endpoints and are not counted",)


def _sign_generators(arch: Architecture) -> np.ndarray:
    """One ±1 row per hidden neuron: the sign flips generating the symmetry group."""
    rows = [arch.sign_flip_signs(layer, k) for layer in range(1, arch.depth + 1) for k in range(arch.hidden[layer - 1])]
    return np.array(rows, dtype=np.int8)


class HomotopyContinuationBackend:
    """HomotopyContinuation.jl through juliacall (backend name ``"hc"``).

    Parameters
    ----------
    threading : bool, optional
        HC.jl's ``threading`` switch; by default on when Julia runs with more than one thread.

    Notes
    -----
    ``solve`` with ``method="auto"`` runs HC.jl's polyhedral homotopy on the full system (origin
    added to every support, so every isolated critical point in Cⁿ is an endpoint);
    ``method="blackbox"`` uses the total-degree start system. Counted are the nonsingular finite
    endpoints (residual recomputed by linnet_crit, duplicates removed); singular, at-infinity and
    failed paths are reported, never dropped. The tracker settings are HC.jl's own; from
    :class:`SolveOptions` the backend takes ``residual_tolerance`` and, for :meth:`monodromy`,
    ``monodromy.stall_loops`` (as HC.jl's ``max_loops_no_progress``).
    """

    name = "hc"

    def __init__(self, threading: bool | None = None) -> None:
        self.threading = threading

    def availability(self) -> str | None:
        reason = julia_unavailable_reason()
        return None if reason is None else _unavailable_message(reason)

    def _switches(self, progress: bool | None) -> dict[str, Any]:
        switches: dict[str, Any] = {"show_progress": bool(progress)}
        if self.threading is not None:
            switches["threading"] = self.threading
        return switches

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
        if method not in _START_SYSTEMS:
            raise SolverError(f"method {method!r} is not one of {tuple(_START_SYSTEMS)} for the HC.jl backend "
                              f"(the native backend has {METHODS})")
        options = options or SolveOptions()
        seed = _check_seed(seed)
        session = _session()
        start = time.perf_counter()
        raw = session.call(
            "solve_system",
            session.system(instance.architecture, instance.samples),
            instance.parameter_vector(),
            start_system=_START_SYSTEMS[method],
            seed=seed,
            **self._switches(progress),
        )
        table = PathTable.from_julia(raw, instance.architecture.n_unknowns)
        seconds = time.perf_counter() - start
        return to_solve_result(
            instance, [Stage(_START_SYSTEMS[method], table, seconds, instance)], method=method, seed=seed, options=options,
            seconds=seconds, assumptions=_regularization_caveat(instance),
            settings={"start_system": _START_SYSTEMS[method], "threading": self.threading},
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
        (random complex) instance.
        """
        source = start.instance
        if (source.architecture, source.samples) != (target.architecture, target.samples):
            raise SolverError(
                f"start has widths {source.architecture} and {source.samples} samples, the target "
                f"{target.architecture} and {target.samples}; give instances of one network"
            )
        if not len(start.solutions):
            raise SolverError("the start result has no solutions to track; solve the start instance first")
        options = options or SolveOptions()
        seed = _check_seed(seed)
        session = _session()
        start_time = time.perf_counter()
        table = self._track(session, start.solutions, source, target, seed, progress)
        seconds = time.perf_counter() - start_time
        return to_solve_result(
            target, [Stage("parameter_homotopy", table, seconds, target)], method="parameter_homotopy", seed=seed,
            options=options, seconds=seconds, settings={"threading": self.threading},
        )

    def _track(self, session: _Session, points: np.ndarray, source: Instance, target: Instance,
               seed: int, progress: bool | None) -> PathTable:
        raw = session.call(
            "parameter_homotopy",
            session.system(target.architecture, target.samples),
            np.asarray(points, dtype=complex),
            source.parameter_vector(),
            target.parameter_vector(),
            seed=seed,
            **self._switches(progress),
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
        complete solve.
        """
        options = options or SolveOptions()
        seed = _check_seed(seed)
        session = _session()
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
            max_loops_no_progress=options.monodromy.stall_loops,
            **self._switches(progress),
        )
        loops = PathTable.from_julia(raw, arch.n_unknowns)
        loop_seconds = time.perf_counter() - start_time
        representatives = _sort_paths(generic, loops.path_results("monodromy"), options).solutions
        if not len(representatives):
            raise SolverError(f"monodromy kept no solution (HC.jl: {raw.return_code}); rerun with another seed")
        orbit = (representatives[:, None, :] * _group(arch)[None, :, :]).reshape(-1, arch.n_unknowns)
        orbit = orbit[~_duplicates(orbit)]
        tracked = self._track(session, orbit, generic, instance, seed, progress)
        seconds = time.perf_counter() - start_time
        return to_solve_result(
            instance,
            [Stage("monodromy", loops, loop_seconds, generic),
             Stage("parameter_homotopy", tracked, seconds - loop_seconds, instance)],
            method="monodromy", seed=seed, options=options, seconds=seconds,
            assumptions=("only the monodromy component of a start point with no zero coordinate is "
                         "solved; the origin and points with dead neurons are not on it",),
            settings={"threading": self.threading, "max_loops_no_progress": options.monodromy.stall_loops,
                      "hc_return_code": str(raw.return_code), "loops_tracked": int(raw.loops_tracked)},
        )

    def certify(self, result: SolveResult, *, progress: bool | None = None, max_precision: int = 256) -> Certification:
        """HC.jl's interval-arithmetic certification of ``result.solutions`` at ``result.instance``."""
        instance = result.instance
        if not result.n_solutions:
            raise SolverError("the result has no solutions to certify")
        session = _session()
        raw = session.call(
            "certify",
            session.system(instance.architecture, instance.samples),
            np.asarray(result.solutions, dtype=complex).reshape(-1, instance.architecture.n_unknowns),
            instance.parameter_vector(),
            max_precision=max_precision,
            **self._switches(progress),
        )
        return Certification(
            certified=np.array(raw.certified, dtype=bool),
            real=np.array(raw.real, dtype=bool),
            distinct=np.array(raw.distinct, dtype=bool),
            n_certified=int(raw.n_certified),
            n_distinct_certified=int(raw.n_distinct_certified),
            n_real_certified=int(raw.n_real_certified),
            n_distinct_real_certified=int(raw.n_distinct_real_certified),
            engine_version=f"HomotopyContinuation.jl {raw.hc_version}",
        )

    def paths_to_track(
        self,
        architecture: Architecture | str,
        *,
        samples: int = 1,
        start_system: str = "polyhedral",
        only_torus: bool = False,
    ) -> int:
        """HC.jl's ``paths_to_track`` for generic data: the BKK number in Cⁿ (origin added to every
        support), with ``only_torus=True`` the mixed volume bounding (C*)ⁿ, or the Bézout number
        for ``start_system="total_degree"``."""
        arch = architecture if isinstance(architecture, Architecture) else Architecture.parse(architecture)
        if start_system not in _START_SYSTEMS.values() or (only_torus and start_system != "polyhedral"):
            raise SolverError(
                f"start_system={start_system!r}, only_torus={only_torus}: give 'polyhedral' (only_torus "
                "True or False) or 'total_degree' (only_torus False)"
            )
        session = _session()
        return int(session.call(
            "paths_to_track",
            session.system(arch, samples), start_system=start_system, only_torus=only_torus
        ))


def _group(arch: Architecture) -> np.ndarray:
    """All 2^(Σ d_i) sign vectors of the neuron sign-flip group, identity first."""
    elements = np.ones((1, arch.n_unknowns))
    for generator in _sign_generators(arch):
        elements = np.concatenate([elements, elements * generator])
    return elements
