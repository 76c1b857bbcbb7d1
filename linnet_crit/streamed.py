"""A solve streamed to disk: points written unit by unit, so memory stays bounded however many.

:func:`solve_to_file` runs the structure-aware route as independent units
(:func:`linnet_crit.solvers.plan_units`) on an executor (this process, local processes, a Dask
cluster), finalizes every unit where it runs and appends it to a JSON Lines file
(:mod:`linnet_crit.readwrite.solve_stream`) as it arrives. The parent process holds the generic
solution set and one unit at a time; each worker holds one unit, whose size ``max_memory`` bounds.
``read_result`` reads the points back, ``show`` (and ``linnet-crit show``) the summary, line by line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from .budget import DEFAULT_MAX_MEMORY, DEFAULT_MAX_PATHS, bytes_per_path, check_budget, estimate_solve
from .checks import whole_number
from .data import Instance, check_instance, check_seed
from .errors import BudgetExceededError, FileFormatError
from .executors import Executor, open_executor
from .options import SolveOptions
from .readwrite.solve_stream import STREAM_EXTENSIONS, StreamedSolveResult, StreamWriter
from .solvers import plan_units

__all__ = ["check_stream_path", "solve_to_file"]


def check_stream_path(path: str | Path) -> Path:
    """Refuse a stream path that could not be written, before any work: ``.jsonl``, in an existing folder."""
    path = Path(path)
    if path.suffix.lower() not in STREAM_EXTENSIONS:
        raise FileFormatError(f"{path}: a streamed result file needs the extension .jsonl (e.g. {path.with_suffix('.jsonl')})")
    if not path.parent.is_dir():
        raise FileFormatError(f"{path}: the folder {str(path.parent)!r} does not exist; create it first or give another path")
    if path.is_dir():
        raise FileFormatError(f"{path}: is an existing folder; give a file name such as {path / 'points.jsonl'}")
    return path


def solve_to_file(
    instance: Instance,
    path: str | Path,
    *,
    seed: int | None = 0,
    options: SolveOptions | None = None,
    executor: str | Executor | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    max_paths: int | None = DEFAULT_MAX_PATHS,
    max_memory: int | None = DEFAULT_MAX_MEMORY,
    progress: bool | None = None,
) -> StreamedSolveResult:
    """Every critical point of ``instance``, written to ``path`` unit by unit as they are found.

    The structure-aware route as in :func:`linnet_crit.solve`, split into units (monodromy per
    alive-size tuple; parameter homotopies per range of alive sets), each refined and checked
    where it runs — collisions, Jacobian conditions, the zero law and failed paths are checked
    within the unit, which is the whole check since points of different alive sets differ in their
    zero pattern — and appended to ``path`` (JSON Lines; see
    :mod:`linnet_crit.readwrite.solve_stream`) in completion order. The file is overwritten.

    Unlike :func:`linnet_crit.solve`, a streamed solve cannot switch to the continuation route when
    the structure-aware certificate fails (that route needs every point at once): the result is
    then INCOMPLETE and its warnings name the failing units and checks. Data that are not generic
    are refused before any path is tracked; solve them with ``solve(..., method="continuation")``.

    Parameters
    ----------
    instance : Instance
    path : str or Path
        A ``.jsonl`` file; :func:`linnet_crit.read_result` reads it back (all points),
        :func:`linnet_crit.show` its summary (line by line).
    seed : int
        Seeds every unit's random choices (as in :func:`linnet_crit.solve`); recorded.
    options : SolveOptions
    executor, workers, scheduler
        Where the units run, as in :func:`linnet_crit.solve`; default this process.
    max_paths : int or None
        Refuse, before anything runs, when the upper estimate of all paths exceeds this.
    max_memory : int or None
        Bytes one unit may take where it runs: the parameter homotopies are split so that each
        unit's paths and points fit (estimated with :func:`linnet_crit.budget.bytes_per_path`), and
        a single alive set that does not fit is refused. The monodromy stage and the generic
        solution set are not split. None: no limit.
    progress : bool
        Progress bars (default: on when stderr is a terminal).

    Returns
    -------
    StreamedSolveResult
        The counts, stages and warnings (computed unit by unit) and the path; its first line
        printed is COMPLETE or INCOMPLETE with the reasons.

    Examples
    --------
    >>> import tempfile
    >>> from linnet_crit import random_instance, read_result
    >>> path = Path(tempfile.mkdtemp()) / "points.jsonl"
    >>> res = solve_to_file(random_instance("1,2,2", seed=0), path, options=SolveOptions(cache=False))
    >>> res.complete, res.n_solutions, read_result(path).n_solutions
    (True, 33, 33)
    """
    t0 = time.perf_counter()
    instance, seed = check_instance(instance), check_seed(seed)
    options = options or SolveOptions()
    path = check_stream_path(path)
    if max_memory is not None:
        max_memory = whole_number(max_memory, "max_memory", minimum=1, fix="give a whole number ≥ 1, or None for no budget")
    arch = instance.architecture
    check_budget(estimate_solve(arch, samples=instance.samples, options=options), max_paths=max_paths,
                 max_memory=max_memory)
    progress = sys.stderr.isatty() if progress is None else progress
    # A unit holds its paths' tracker state, then its points (a few vectors each) while they are
    # refined and checked with their Jacobians in blocks; sized at the full network (an upper bound).
    n = arch.n_unknowns
    per_path, per_point, per_jacobian = bytes_per_path(n), 64 * n, 64 * n * n
    cap_paths = None if max_memory is None else max(1, max_memory // (3 * per_path))
    cap_points = None if max_memory is None else max(1, max_memory // (3 * per_point))
    with open_executor(executor, workers=workers, scheduler=scheduler) as runner, \
            StreamWriter(path, instance, seed, options) as writer:
        plan = plan_units(instance, seed=seed, options=options, executor=runner, max_unit_paths=cap_paths,
                          max_unit_points=cap_points, progress=progress)
        if max_memory is not None:
            for unit in plan.units:
                need = (plan.unit_paths(unit) * per_path + plan.unit_jacobians(unit) * per_jacobian
                        + plan.unit_points(unit) * per_point)
                if need > max_memory:
                    sizes, start, stop = unit
                    raise BudgetExceededError(
                        f"widths {arch}: {stop - start} alive set(s) of sizes {sizes}, the smallest unit, need an "
                        f"estimated {need / 2**30:.3g} GiB ({plan.unit_paths(unit)} paths, {plan.unit_points(unit)} "
                        f"points), over max_memory = {max_memory / 2**30:.3g} GiB; pass a larger max_memory "
                        f"(CLI --max-memory) or None (0)"
                    )
        writer.plan(len(plan.units), plan.monodromy, plan.warnings, plan.notes, plan.assumptions)
        for unit in plan.run(runner, progress):
            writer.unit(unit)
        return writer.finish(time.perf_counter() - t0)
