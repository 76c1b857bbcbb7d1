"""Studies: many data draws of one architecture, solved from one cached generic solution set.

The monodromy (the data-independent part of a solve) runs once; each draw is then a batch of
parameter homotopies, one path per sign-flip orbit and alive set. Draws run in worker processes;
every finished draw is appended to an optional JSON Lines record file, so an interrupted study
resumes where it stopped and no draw is lost or counted twice.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from .architecture import Architecture
from .data import Instance, random_instance
from .errors import DataError
from .results import SolveResult
from .solvers.options import SolveOptions

__all__ = ["DrawRecord", "StudyResult", "draw_seeds", "study"]


@dataclass(frozen=True)
class DrawRecord:
    """The counts of one draw, and its real critical points' losses, indices and kinds."""

    draw: int
    seed: int
    n_solutions: int
    n_torus: int
    n_real: int
    n_failed: int
    n_paths: int
    seconds: float
    real_losses: tuple[float, ...] = ()
    real_indices: tuple[int, ...] = ()
    real_kinds: tuple[str, ...] = ()

    @property
    def n_minima(self) -> int:
        return self.real_kinds.count("minimum")

    @property
    def n_spurious_minima(self) -> int:
        minima = [loss for loss, kind in zip(self.real_losses, self.real_kinds) if kind == "minimum"]
        if not minima:
            return 0
        lowest = min(minima)
        return sum(loss > lowest + 1e-9 * max(1.0, abs(lowest)) for loss in minima)


@dataclass(frozen=True)
class StudyResult:
    """Per-draw records plus the thesis columns (N_C, N_C*, max N_R) and the path economy."""

    widths: tuple[int, ...]
    samples: int
    seed: int
    regularization: str
    draws: tuple[DrawRecord, ...]
    generic_paths: int
    generic_seconds: float
    resumed: int = 0
    settings: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> np.ndarray:
        return np.array([getattr(d, name) for d in self.draws])

    @property
    def n_solutions_counts(self) -> dict[int, int]:
        """How many draws found each number of critical points (one key when the count is stable)."""
        return dict(sorted(Counter(self.column("n_solutions").tolist()).items()))

    @property
    def n_real_distribution(self) -> dict[int, int]:
        return dict(sorted(Counter(self.column("n_real").tolist()).items()))

    @property
    def total_paths(self) -> int:
        return self.generic_paths + int(self.column("n_paths").sum())

    @property
    def paths_per_solution(self) -> float:
        """All paths (monodromy included) per critical point found, over all draws."""
        return self.total_paths / max(1, int(self.column("n_solutions").sum()))

    def thesis_columns(self) -> dict[str, Any]:
        """N_C, N_C* (the largest over draws, as in the thesis — and whether all draws agree), max N_R."""
        nc, nt = self.column("n_solutions"), self.column("n_torus")
        return {
            "N_C": int(nc.max(initial=0)),
            "N_Cstar": int(nt.max(initial=0)),
            "max_N_R": int(self.column("n_real").max(initial=0)),
            "all_draws_agree": bool(len(set(nc.tolist())) <= 1 and len(set(nt.tolist())) <= 1),
            "N_R_distribution": {str(k): v for k, v in self.n_real_distribution.items()},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "widths": list(self.widths),
            "samples": self.samples,
            "seed": self.seed,
            "regularization": self.regularization,
            "n_draws": len(self.draws),
            "resumed_draws": self.resumed,
            "generic_paths": self.generic_paths,
            "total_paths": self.total_paths,
            "paths_per_solution": self.paths_per_solution,
            **self.thesis_columns(),
            "draws": [asdict(d) for d in self.draws],
        }


def draw_seeds(seed: int, draws: int) -> list[int]:
    """The data seed of each draw, derived from the study seed (stable under resumption)."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(draws, dtype=np.uint32)]


def _record(draw: int, seed: int, result: SolveResult) -> DrawRecord:
    from .classify import critical_point_table

    table = critical_point_table(result.instance, result.solutions, real_tol=result.options.get("real_tolerance", 1e-6))
    return DrawRecord(
        draw=draw,
        seed=seed,
        n_solutions=result.n_solutions,
        n_torus=result.n_torus(),
        n_real=result.n_real(),
        n_failed=result.n_failed,
        n_paths=result.n_paths_tracked,
        seconds=result.seconds,
        real_losses=tuple(float(p.loss) for p in table.points),
        real_indices=tuple(int(p.hessian_index) for p in table.points),
        real_kinds=tuple(p.kind for p in table.points),
    )


_WORKER: dict[str, Any] = {}


def _init_worker(generic, options: SolveOptions) -> None:
    _WORKER["generic"], _WORKER["options"] = generic, options


def solve_draws(tasks: list[tuple[int, int, Instance]]) -> list[DrawRecord]:
    """Solve a chunk of draws from the cached generic solutions, their paths in one batch (runs in a worker)."""
    from .solvers.native.backend import NativeBackend

    draws, seeds, instances = zip(*tasks)
    results = NativeBackend().solve_many(list(instances), _WORKER["generic"], seeds=list(seeds), options=_WORKER["options"])
    return [_record(draw, seed, result) for draw, seed, result in zip(draws, seeds, results)]


def _settings(arch: Architecture, samples: int, seed: int, regularization: str) -> dict[str, Any]:
    return {"kind": "study", "widths": list(arch.widths), "samples": samples, "seed": seed, "regularization": regularization}


def _resume(path: Path | None, settings: dict[str, Any]) -> dict[int, DrawRecord]:
    """Draws already in the record file (which must belong to the same study)."""
    if path is None or not path.exists():
        return {}
    from .readwrite import read_records

    records = read_records(path)
    if not records or records[0] != settings:
        raise DataError(
            f"record file {str(path)!r} belongs to another study ({records[:1]}); "
            "give a new --record path or the same widths, samples, seed and regularization"
        )
    done = {}
    for rec in records[1:]:
        done.setdefault(int(rec["draw"]), DrawRecord(**{k: tuple(v) if isinstance(v, list) else v for k, v in rec.items()}))
    return done


def _executor(workers: int, generic, options):
    if workers == 1:
        _init_worker(generic, options)
        return None
    return ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(generic, options))


def _run(tasks: Sequence[tuple[int, int, Instance]], pool, progress: bool, chunk: int) -> Iterable[DrawRecord]:
    bar = tqdm(total=len(tasks), disable=not progress, desc="draws", unit="draw")
    chunks = [list(tasks[i : i + chunk]) for i in range(0, len(tasks), chunk)]
    results = map(solve_draws, chunks) if pool is None else pool.map(solve_draws, chunks)
    for records in results:
        bar.update(len(records))
        yield from records
    bar.close()


def study(
    architecture: Architecture | Sequence[int] | str,
    *,
    draws: int = 100,
    samples: int = 1,
    seed: int = 0,
    regularization: str = "generic",
    options: SolveOptions | None = None,
    workers: int | None = None,
    record: str | Path | None = None,
    progress: bool | None = None,
    chunk_size: int = 25,
) -> StudyResult:
    """Solve ``draws`` random instances of one architecture (thesis-style statistics).

    Parameters
    ----------
    architecture : Architecture or widths
    draws : int
        Number of data draws (X, Y standard normal, Λ uniform in (0, 1), seeds from ``seed``).
    samples : int
        Data points m per draw.
    seed : int
        Seeds the generic monodromy and, through :func:`draw_seeds`, every draw.
    workers : int
        Worker processes (default: all cores; 1 runs in this process).
    record : path
        JSON Lines file; every finished draw is appended, and a rerun with the same arguments
        resumes from it.
    progress : bool
        Progress bar (default: on when stderr is a terminal).
    chunk_size : int
        Draws whose paths are tracked together in one batch (records are written per chunk).

    Examples
    --------
    >>> res = study("1,1,1", draws=3, seed=0, workers=1)
    >>> res.thesis_columns()["N_C"], len(res.draws)
    (5, 3)
    """
    from .solvers.native.structured import solve_generic

    arch = architecture if isinstance(architecture, Architecture) else Architecture.parse(architecture)
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise DataError(f"draws = {draws!r}: give a whole number ≥ 1")
    options = options or SolveOptions()
    progress = sys.stderr.isatty() if progress is None else progress
    path = Path(record) if record is not None else None
    settings = _settings(arch, samples, seed, regularization)
    done = _resume(path, settings)
    if path is not None and not path.exists():
        from .readwrite import append_record

        append_record(path, settings)
    t0 = time.perf_counter()
    generic = solve_generic(arch, samples, np.random.default_rng(seed), options)
    generic_seconds = time.perf_counter() - t0
    seeds = draw_seeds(seed, draws)
    tasks = [
        (k, seeds[k], random_instance(arch, samples=samples, seed=seeds[k], regularization=regularization))
        for k in range(draws)
        if k not in done
    ]
    workers = min(workers or os.cpu_count() or 1, max(1, len(tasks) // 2))
    chunk = max(1, min(chunk_size, -(-len(tasks) // workers)))
    pool = _executor(workers, generic, options)
    records = dict(done)
    try:
        for rec in _run(tasks, pool, progress, chunk):
            records[rec.draw] = rec
            if path is not None:
                from .readwrite import append_record

                append_record(path, asdict(rec))
    finally:
        if pool is not None:
            pool.shutdown()
    return StudyResult(
        widths=arch.widths,
        samples=samples,
        seed=seed,
        regularization=regularization,
        draws=tuple(records[k] for k in sorted(records)),
        generic_paths=sum(g.report.paths for g in generic.values()),
        generic_seconds=generic_seconds,
        resumed=len(done),
        settings=settings,
    )
