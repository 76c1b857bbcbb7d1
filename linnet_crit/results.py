"""The one result vocabulary of every backend: return codes, path results, solve results.

Modelled on HomotopyContinuation.jl: a :class:`SolveResult` knows how many paths were tracked,
how many solutions were found, how many are real, how many paths failed or went to infinity, and
which seed and method produced it; its printed summary never hides failures.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .architecture import Architecture
from .data import Instance
from .options import DEFAULT_REAL_TOL, DEFAULT_ZERO_TOL, SolveOptions

__all__ = ["ReturnCode", "PathResult", "StageReport", "SolveCounts", "SolveResult", "DEFAULT_REAL_TOL", "DEFAULT_ZERO_TOL"]


class ReturnCode(enum.Enum):
    """Why a path ended (the common vocabulary; backends keep their raw code beside it)."""

    SUCCESS = "success"
    AT_INFINITY = "at_infinity"
    SINGULAR = "singular"
    STEP_SIZE_TOO_SMALL = "terminated_step_size_too_small"
    MAX_STEPS = "terminated_max_steps"
    ILL_CONDITIONED = "terminated_ill_conditioned"
    DIVERGED = "diverged"
    DUPLICATE = "duplicate"
    FAILED = "failed"

    @property
    def is_success(self) -> bool:
        return self is ReturnCode.SUCCESS


@dataclass(frozen=True, eq=False)
class PathResult:
    """One tracked path (HC.jl's ``PathResult``)."""

    solution: np.ndarray
    return_code: ReturnCode
    residual: float
    condition: float
    accuracy: float
    steps: int
    t: float
    start_solution: np.ndarray | None = None
    stage: str = ""
    winding_number: int | None = None
    multiplicity: int = 1
    raw_code: str | None = None

    @property
    def singular(self) -> bool:
        return self.return_code is ReturnCode.SINGULAR


@dataclass(frozen=True)
class StageReport:
    """What one stage of a solve did (e.g. one monodromy run, one parameter homotopy).

    ``steps`` is the number of predictor–corrector steps over all of the stage's paths (rejected
    steps included), 0 where a backend does not report it.
    """

    name: str
    paths: int
    failed: int = 0
    at_infinity: int = 0
    retried: int = 0
    seconds: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
    steps: int = 0

    @property
    def steps_per_path(self) -> float:
        """Mean predictor–corrector steps per path (NaN for a stage without paths)."""
        return self.steps / self.paths if self.paths else float("nan")


@dataclass(frozen=True)
class SolveCounts:
    """The counts and provenance a solve's summary shows: the one format of ``str()`` and
    ``to_dict()`` for every result of a solve (:class:`SolveResult`, and the streamed result, whose
    points stay in its file)."""

    title: str
    architecture: Architecture
    samples: int
    seed: int | None
    method: str
    route: str
    backend: str
    engine_version: str
    n_paths_tracked: int
    seconds: float
    n_solutions: int
    n_real: int
    n_torus: int
    origin_found: bool
    failures: dict[str, int]
    n_at_infinity: int
    n_singular: int
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.warnings

    @property
    def n_failed(self) -> int:
        return sum(self.failures.values())

    def lines(self) -> list[str]:
        """The summary's lines; the first is COMPLETE, or INCOMPLETE and the reasons."""
        verdict = "COMPLETE" if self.complete else "INCOMPLETE: " + "; ".join(self.warnings)
        lines = [
            verdict,
            f"{self.title} for widths {self.architecture} (m = {self.samples}), "
            f"method {self.method}" + (f" (route {self.route})" if self.route else "")
            + f", backend {self.backend} {self.engine_version}",
            f"• {self.n_paths_tracked} paths tracked in "
            + (f"{self.seconds:.2f} s" if math.isfinite(self.seconds) else "an unknown time"),
            f"• {self.n_solutions} distinct critical points "
            f"({self.n_real} real, {self.n_torus} with no zero coordinate, origin "
            f"{'included' if self.origin_found else 'MISSING'})",
            f"• {self.n_failed} failed paths, {self.n_at_infinity} at infinity, {self.n_singular} singular",
            f"• seed {self.seed}",
        ]
        if self.failures:
            lines.append("  failures: " + ", ".join(f"{k} × {v}" for k, v in sorted(self.failures.items())))
        lines += [f"• assumes: {a}" for a in self.assumptions]
        lines += [f"• note: {n}" for n in self.notes]
        return lines

    def to_dict(self) -> dict[str, Any]:
        seconds = float(self.seconds)
        return {
            "complete": self.complete,
            "warnings": list(self.warnings),
            "route": self.route,
            "widths": list(self.architecture.widths),
            "samples": self.samples,
            "seed": self.seed,
            "backend": self.backend,
            "method": self.method,
            "n_unknowns": self.architecture.n_unknowns,
            "n_paths_tracked": self.n_paths_tracked,
            "n_solutions": self.n_solutions,
            "n_torus": self.n_torus,
            "n_real": self.n_real,
            "n_failed": self.n_failed,
            "n_at_infinity": self.n_at_infinity,
            "origin_found": self.origin_found,
            # JSON has no non-finite numbers
            "seconds": seconds if math.isfinite(seconds) else "NaN" if math.isnan(seconds)
            else "Infinity" if seconds > 0 else "-Infinity",
        }


@dataclass(frozen=True, eq=False)
class SolveResult:
    """All critical points found for one instance, with their diagnostics and provenance.

    ``solutions`` is ``(n, N)`` complex in the architecture's variable order; ``residuals`` and
    ``conditions`` are the ‖F‖∞ and Jacobian condition numbers after refinement. Failed paths are
    kept in ``failed_paths``; the summary prints them.

    ``warnings`` are the reasons the count may be incomplete or wrong, each a short sentence with
    its numbers; the result is :attr:`complete` exactly when there are none. ``route`` names the
    route that produced the count (``structured``, ``continuation``, ``blackbox``, ``hc``) and
    ``notes`` say why (e.g. why ``method="auto"`` switched routes). ``multiplicities``, when the
    route knows them, is the number of paths that ended at each solution.

    ``options`` is the :class:`~linnet_crit.options.SolveOptions` that produced the result (its
    tolerances are the ones to classify the points with); ``settings`` holds what a backend chose
    that is not an option (e.g. the hc backend's start system and threading).
    """

    architecture: Architecture
    instance: Instance
    solutions: np.ndarray
    residuals: np.ndarray
    conditions: np.ndarray
    n_paths_tracked: int
    seed: int | None
    method: str
    backend: str
    engine_version: str
    seconds: float
    stages: tuple[StageReport, ...] = ()
    failed_paths: tuple[PathResult, ...] = ()
    n_at_infinity: int = 0
    n_singular: int = 0
    assumptions: tuple[str, ...] = ()
    options: SolveOptions = field(default_factory=SolveOptions)
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    route: str = ""
    multiplicities: np.ndarray | None = None

    @property
    def complete(self) -> bool:
        """Whether every check of the count passed: no reason in :attr:`warnings`."""
        return not self.warnings

    # --- HC.jl-style counts ---------------------------------------------------------------
    @property
    def n_solutions(self) -> int:
        """Distinct complex critical points found (origin included)."""
        return int(self.solutions.shape[0])

    @property
    def n_failed(self) -> int:
        return len(self.failed_paths)

    def scale(self) -> np.ndarray:
        return np.maximum(1.0, np.abs(self.solutions).max(axis=1, initial=0.0))

    def is_real(self, tol: float | None = None) -> np.ndarray:
        """Points with max |Im x| ≤ tol · max(1, ‖x‖∞); ``tol`` defaults to ``options.real_tolerance``."""
        tol = self.options.real_tolerance if tol is None else tol
        return np.abs(self.solutions.imag).max(axis=1, initial=0.0) <= tol * self.scale()

    def is_torus(self, tol: float | None = None) -> np.ndarray:
        """Points with no zero coordinate; ``tol`` defaults to ``options.zero_tolerance``."""
        tol = self.options.zero_tolerance if tol is None else tol
        return np.abs(self.solutions).min(axis=1, initial=np.inf) > tol * self.scale()

    def n_real(self, tol: float | None = None) -> int:
        return int(self.is_real(tol).sum())

    def n_torus(self, tol: float | None = None) -> int:
        return int(self.is_torus(tol).sum())

    def real_solutions(self, tol: float | None = None) -> np.ndarray:
        return self.solutions[self.is_real(tol)].real

    @property
    def origin_found(self) -> bool:
        """Whether W = 0 is among the solutions (every weight below ``options.zero_tolerance``)."""
        return bool(np.any(np.abs(self.solutions).max(axis=1, initial=0.0) <= self.options.zero_tolerance))

    def counts(self) -> SolveCounts:
        """What the summary shows (real and torus counts with the tolerances of :attr:`options`)."""
        failures: dict[str, int] = {}
        for path in self.failed_paths:
            failures[path.return_code.value] = failures.get(path.return_code.value, 0) + 1
        return SolveCounts(
            "SolveResult", self.architecture, self.instance.samples, self.seed, self.method, self.route,
            self.backend, self.engine_version, self.n_paths_tracked, float(self.seconds), self.n_solutions,
            self.n_real(), self.n_torus(), self.origin_found, failures, self.n_at_infinity, self.n_singular,
            self.warnings, self.notes, self.assumptions,
        )

    def __str__(self) -> str:
        """HC.jl-like summary: tracked, found, real, torus, failed, at infinity, singular, seed.

        The first line is COMPLETE, or INCOMPLETE and the reasons in :attr:`warnings`.
        """
        return "\n".join(self.counts().lines())

    def to_dict(self) -> dict[str, Any]:
        """The counts and provenance as JSON-ready values (what ``--format json`` prints).

        Real and torus counts use the tolerances of :attr:`options`, as ``str(result)`` does. Non-finite
        ``seconds`` is written as a string (``"NaN"``, ``"Infinity"``), the spelling of
        :mod:`linnet_crit.readwrite.encoding`. The full lossless record (points, data, stages) is
        :func:`linnet_crit.readwrite.result_to_dict`.

        Examples
        --------
        >>> from linnet_crit.data import random_instance
        >>> inst = random_instance("1,1,1", seed=3)
        >>> result = SolveResult(inst.architecture, inst, np.array([[0j, 0j], [1, 2]]), np.zeros(2),
        ...                      np.ones(2), 3, 3, "auto", "native", "0.1", 0.5)
        >>> s = result.to_dict()
        >>> s["widths"], s["n_solutions"], s["n_real"], s["n_torus"], s["origin_found"]
        ([1, 1, 1], 2, 2, 1, True)
        """
        return self.counts().to_dict()
