"""Studies: many data draws of one architecture, solved from one cached generic solution set.

The monodromy (the data-independent part of a solve) runs once, here; each draw is then a batch of
parameter homotopies, one path per sign-flip orbit and alive set. Chunks of draws are the units of
work of an executor (:mod:`linnet_crit.executors`: this process, local worker processes, or a Dask
cluster), which receives the generic cache once per worker. Every finished draw is appended to an
optional JSON Lines record file by this process (the only writer), so an interrupted study resumes
where it stopped; records are keyed by draw index, so no draw is lost or counted twice, and the
result does not depend on the executor, worker count, chunking or completion order.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from .architecture import Architecture, as_architecture
from .checks import whole_number
from .budget import DEFAULT_MAX_MEMORY, DEFAULT_MAX_PATHS, check_budget, chunk_for_memory, estimate_study
from .classify.real import DEFAULT_LOSS_RTOL, critical_point_table
from .data import check_seed, random_instance
from .errors import DataError, SolverError
from .executors import Executor, make_executor
from .readwrite import append_record, read_records
from .results import SolveResult
from .solvers import GenericSolutionSet, generic_paths, prepare, solve_many
from .options import SolveOptions
from .progress import progress_bar

__all__ = ["DrawRecord", "StudyContext", "StudyResult", "check_record_path", "draw_seeds", "solve_chunk", "study"]

#: Fields of a record that measure time, not the outcome (left out of :meth:`StudyResult.outcome`).
TIMING_FIELDS = ("seconds",)


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
    #: Why this draw's count may be incomplete (:attr:`SolveResult.warnings`); empty when complete.
    warnings: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether the draw's count passed every check (no warning)."""
        return not self.warnings

    @property
    def n_minima(self) -> int:
        return self.real_kinds.count("minimum")

    @property
    def n_spurious_minima(self) -> int:
        minima = [loss for loss, kind in zip(self.real_losses, self.real_kinds) if kind == "minimum"]
        if not minima:
            return 0
        lowest = min(minima)
        return sum(loss > lowest + DEFAULT_LOSS_RTOL * max(1.0, abs(lowest)) for loss in minima)


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

    @property
    def n_incomplete_draws(self) -> int:
        """Draws whose count may be incomplete (each says why in its ``warnings``)."""
        return sum(not d.complete for d in self.draws)

    def thesis_columns(self) -> dict[str, Any]:
        """N_C, N_C* (the largest over draws, as in the thesis), max N_R, and whether they can be
        trusted: ``all_draws_agree`` holds only when every draw is complete and all found the same
        counts (a point missed the same way in every draw would otherwise pass), with
        ``n_incomplete_draws`` beside it."""
        nc, nt = self.column("n_solutions"), self.column("n_torus")
        incomplete = self.n_incomplete_draws
        return {
            "N_C": int(nc.max(initial=0)),
            "N_Cstar": int(nt.max(initial=0)),
            "max_N_R": int(self.column("n_real").max(initial=0)),
            "all_draws_agree": bool(incomplete == 0 and len(set(nc.tolist())) <= 1 and len(set(nt.tolist())) <= 1),
            "n_incomplete_draws": incomplete,
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
            "draws": [{**asdict(d), "complete": d.complete} for d in self.draws],
        }

    def __str__(self) -> str:
        """The thesis columns and the path economy, one line each.

        Examples
        --------
        >>> record = DrawRecord(0, 1, 5, 4, 3, 0, 6, 0.1)
        >>> print(StudyResult((1, 1, 1), 1, 0, "generic", (record,), 10, 0.2))
        study of widths 1,1,1 (m = 1, seed 0, generic Λ): 1 draws (0 resumed)
        • N_C 5, N_C* 4 (all draws agree), max N_R 3
        • N_R distribution: 3: 1
        • 16 paths (10 generic), 3.20 per critical point
        """
        columns = self.thesis_columns()
        return "\n".join([
            f"study of widths {','.join(map(str, self.widths))} (m = {self.samples}, seed {self.seed}, "
            f"{self.regularization} Λ): {len(self.draws)} draws ({self.resumed} resumed)",
            f"• N_C {columns['N_C']}, N_C* {columns['N_Cstar']} "
            f"({'all draws agree' if columns['all_draws_agree'] else 'DRAWS DISAGREE'}), max N_R {columns['max_N_R']}",
            "• N_R distribution: " + ", ".join(f"{k}: {v}" for k, v in self.n_real_distribution.items()),
            f"• {self.total_paths} paths ({self.generic_paths} generic), {self.paths_per_solution:.2f} per critical point",
        ])

    def outcome(self) -> dict[str, Any]:
        """:meth:`to_dict` without timings and resumption counts: what must not depend on where,
        how chunked or in how many sittings the study ran (compare two runs with ``==``)."""
        out = self.to_dict()
        del out["resumed_draws"]
        out["draws"] = [{k: v for k, v in d.items() if k not in TIMING_FIELDS} for d in out["draws"]]
        return out


def draw_seeds(seed: int, draws: int) -> list[int]:
    """The data seed of each draw, derived from the study seed (stable under resumption).

    The one seed derivation of the package (studies, count stability, landscape statistics): the
    first ``draws`` 32-bit words of ``SeedSequence(seed)``, so the seeds of fewer draws are a
    prefix of the seeds of more.

    Examples
    --------
    >>> draw_seeds(0, 2) == draw_seeds(0, 5)[:2]
    True
    """
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(draws, dtype=np.uint32)]


def _record(draw: int, seed: int, result: SolveResult) -> DrawRecord:
    table = critical_point_table(result.instance, result.solutions, real_tol=result.options.real_tolerance)
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
        warnings=tuple(result.warnings),
    )


@dataclass(frozen=True, eq=False)
class StudyContext:
    """What every worker needs once: the architecture, draw settings, generic cache and options."""

    architecture: Architecture
    samples: int
    regularization: str
    generic: GenericSolutionSet
    options: SolveOptions


def solve_chunk(context: StudyContext, tasks: Sequence[tuple[int, int]]) -> list[DrawRecord]:
    """Solve a chunk of ``(draw, seed)`` tasks, their paths in one batch (an executor's unit of work).

    The data of each draw are drawn here from its seed, so a unit is a few integers on the wire.
    """
    draws = [int(k) for k, _ in tasks]
    seeds = [int(s) for _, s in tasks]
    instances = [
        random_instance(context.architecture, samples=context.samples, seed=s, regularization=context.regularization)
        for s in seeds
    ]
    results = solve_many(instances, context.generic, seeds=seeds, options=context.options)
    return [_record(draw, seed, result) for draw, seed, result in zip(draws, seeds, results)]


def _settings(arch: Architecture, samples: int, seed: int, regularization: str) -> dict[str, Any]:
    return {"kind": "study", "widths": list(arch.widths), "samples": samples, "seed": seed, "regularization": regularization}


_REQUIRED_FIELDS = tuple(f.name for f in fields(DrawRecord) if f.default is MISSING)


def _draw_record(rec: dict[str, Any], path: Path, line: int) -> DrawRecord:
    """One draw line of a record file as a DrawRecord, or DataError naming the line and the lack."""
    missing = [name for name in _REQUIRED_FIELDS if name not in rec]
    known = {f.name for f in fields(DrawRecord)}
    unknown = sorted(set(rec) - known)
    if missing or unknown:
        what = f"lacks the fields {missing}" if missing else f"has the unknown fields {unknown}"
        raise DataError(
            f"record file {str(path)!r} line {line} {what}: it is not a draw of this linnet_crit's studies; "
            "give a new --record path (or delete the file to start over)"
        )
    try:
        record = DrawRecord(**{k: tuple(v) if isinstance(v, list) else v for k, v in rec.items()})
        int(record.draw), int(record.n_solutions)
    except (TypeError, ValueError):
        raise DataError(
            f"record file {str(path)!r} line {line} has fields of the wrong type; give a new --record path"
        ) from None
    return record


def _resume(path: Path | None, settings: dict[str, Any]) -> dict[int, DrawRecord]:
    """Draws already in the record file (which must belong to the same study)."""
    if path is None or not path.exists():
        return {}
    if path.is_dir():
        raise DataError(f"record file {str(path)!r} is a folder; give a file name such as {str(path / 'study.jsonl')!r}")
    records = read_records(path)
    if not records:
        raise DataError(
            f"record file {str(path)!r} is empty (no study settings line); delete it to start a new study, "
            "or give a new --record path"
        )
    if records[0] != settings:
        raise DataError(
            f"record file {str(path)!r} belongs to another study ({records[0]}); "
            "give a new --record path or the same widths, samples, seed and regularization"
        )
    done: dict[int, DrawRecord] = {}
    for line, rec in enumerate(records[1:], start=3):  # line 1 is the stream header, 2 the settings
        record = _draw_record(rec, path, line)
        done.setdefault(int(record.draw), record)
    return done


def check_record_path(path: Path | None) -> None:
    """Refuse a record file that could not be created, before the study starts."""
    if path is None or path.exists():
        return
    if not path.parent.is_dir():
        raise DataError(
            f"record file {str(path)!r}: the folder {str(path.parent)!r} does not exist; create it first or give another path"
        )
    if not os.access(path.parent, os.W_OK):
        raise DataError(f"record file {str(path)!r}: the folder {str(path.parent)!r} is not writable; give another path")


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
    executor: str | Executor | None = None,
    scheduler: Any = None,
    max_paths: int | None = DEFAULT_MAX_PATHS,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
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
        Worker processes (default: all cores, at most one per two draws; 1 runs in this process).
        With ``executor="dask"`` and no scheduler: the workers of a local Dask cluster.
    record : path
        JSON Lines file; every finished draw is appended (and fsynced), and a rerun with the same
        widths, samples, seed and regularization resumes from it — on any executor, with any
        number of draws (draws beyond ``draws`` in the file are left out of the result).
    progress : bool
        Progress bar (default: on when stderr is a terminal).
    chunk_size : int
        Draws whose paths are tracked together in one batch, the unit of work (at most; chunks
        shrink so that every worker gets work and a batch fits ``max_memory``).
    executor : {"serial", "processes", "dask"}, Executor or None
        Where chunks run (:mod:`linnet_crit.executors`); default: Dask when ``scheduler`` is
        given, this process when ``workers == 1``, local processes otherwise.
    scheduler : str or distributed.Client
        A Dask scheduler address (``"tcp://host:8786"``) or client: run the chunks on that cluster.
    max_paths : int or None
        Refuse (:class:`~linnet_crit.errors.BudgetExceededError`) before anything runs when the
        upper estimate of all paths (:func:`linnet_crit.budget.estimate_study`) exceeds this;
        None: no limit.
    max_memory : int or None
        Bytes one worker may use for one batch, by the exact path count known after the generic
        stage: chunks shrink to fit, and a single draw that does not fit is refused. None: no limit.

    Examples
    --------
    >>> res = study("1,1,1", draws=3, seed=0, workers=1)
    >>> res.thesis_columns()["N_C"], len(res.draws)
    (5, 3)
    """
    arch = as_architecture(architecture)
    draws = whole_number(draws, "draws", minimum=1)
    chunk_size = whole_number(chunk_size, "chunk_size", minimum=1)
    if workers is not None:
        workers = whole_number(workers, "workers", minimum=1)
    seed = check_seed(seed, allow_none=False)
    options = options or SolveOptions()
    progress = sys.stderr.isatty() if progress is None else progress
    path = Path(record) if record is not None else None
    check_record_path(path)
    settings = _settings(arch, samples, seed, regularization)
    done = {k: rec for k, rec in _resume(path, settings).items() if k < draws}
    check_budget(estimate_study(arch, draws=draws - len(done), samples=samples, options=options), max_paths=max_paths)
    if path is not None and not path.exists():
        append_record(path, settings)
    t0 = time.perf_counter()
    generic = prepare(arch, samples, seed=seed, options=options)
    generic_seconds = time.perf_counter() - t0
    seeds = draw_seeds(seed, draws)
    tasks = [(k, seeds[k]) for k in range(draws) if k not in done]
    estimate = estimate_study(arch, draws=len(tasks), samples=samples, options=options, generic=generic)
    check_budget(estimate, max_paths=None, max_memory=max_memory, chunk=1)
    if executor is None and scheduler is None:
        workers = min(workers or os.cpu_count() or 1, max(1, len(tasks) // 2))
    runner = make_executor(executor, workers=workers, scheduler=scheduler)
    records = dict(done)
    try:
        chunk = max(1, min(chunk_size, -(-len(tasks) // max(1, runner.workers))))
        chunk = chunk_for_memory(estimate, chunk, max_memory)
        chunks = [tasks[i : i + chunk] for i in range(0, len(tasks), chunk)]
        context = StudyContext(arch, samples, regularization, generic, options)
        with progress_bar(show=bool(progress), total=len(tasks), desc="draws", unit="draw") as bar:
            for _, chunk_records in runner.run(solve_chunk, context, chunks) if chunks else ():
                for rec in chunk_records:
                    if rec.draw in records:  # a unit computed twice (a lost worker's result arrived after all)
                        continue
                    records[rec.draw] = rec
                    if path is not None:
                        append_record(path, asdict(rec))
                bar.update(len(chunk_records))
    finally:
        if runner is not executor:
            runner.close()
    missing = sorted(set(range(draws)) - set(records))
    if missing:
        raise SolverError(f"draws {missing[:5]} were not solved; this is a bug in the executor {runner.name!r}")
    return StudyResult(
        widths=arch.widths,
        samples=samples,
        seed=seed,
        regularization=regularization,
        draws=tuple(records[k] for k in range(draws)),
        generic_paths=generic_paths(generic),
        generic_seconds=generic_seconds,
        resumed=len(done),
        settings=settings,
    )
