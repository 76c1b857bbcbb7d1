"""The ``linnet-crit`` command line: a thin argparse layer over the public API.

This is the one place that catches :class:`~linnet_crit.errors.LinnetCritError`: it prints a
one-line message on stderr and exits with status 2, never a traceback. Usage errors found by
argparse are one line too; so are Python warnings (``linnet-crit: warning: …``), running out of
memory (2) and Ctrl-C (130).

Exit status: 0 done (and, with ``--strict``, complete); 1 ``verify`` found the counts DISAGREE;
2 bad input, a refused estimate or a failed computation; 3 ``--strict`` and a result is INCOMPLETE;
130 interrupted.

Cost comes first: every command that computes estimates paths, memory or seconds from the widths
alone (:mod:`linnet_crit.budget`) before it builds any data, and refuses in one line naming the
estimate and the flag that overrides it (``--max-paths``, ``--max-memory``, ``--force``). Long
runs show progress bars on a terminal, and a one-line status on stderr every
:data:`STATUS_SECONDS` seconds otherwise.

Adding a subcommand takes one ``run_…(args) -> int`` function and one entry in
:func:`build_parser`; :func:`add_instance_arguments` and :func:`instance_from_args` give it the
shared flags ``--widths --samples --seed --regularization --data --format --output``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from ._version import __version__
from .architecture import Architecture
from .checks import whole_number
from .budget import (
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_PATHS,
    DEFAULT_MAX_SECONDS,
    Estimate,
    bound_costs,
    check_budget,
    check_seconds,
    estimate_blackbox,
    estimate_solve,
    estimate_study,
    exact_count_seconds,
    system_seconds,
)
from .bounds import (
    BOUND_DESCRIPTIONS,
    all_bounds,
    bezout,
    bh_torus,
    bh_total,
    multihomogeneous_bezout,
    published_row,
)
from .classify import critical_point_table, pattern_table
from .data import REGULARIZATIONS, Instance, load_instance, random_instance
from .errors import (
    ArchitectureError,
    BoundNotApplicableError,
    BudgetExceededError,
    DataError,
    LinnetCritError,
    ToolUnavailableError,
)
from .readwrite import FORMATS, check_writable, show, write_result
from .solvers import METHODS, MonodromyOptions, SolveOptions, solve
from .study import check_record_path, study
from .verify import verify

__all__ = ["main", "build_parser", "add_instance_arguments", "instance_from_args", "emit"]

PROG = "linnet-crit"
#: Seconds between two status lines on stderr when it is not a terminal.
STATUS_SECONDS = 10.0
#: Exit status of ``--strict`` when a result is INCOMPLETE, and of an interrupted run.
EXIT_INCOMPLETE, EXIT_INTERRUPTED = 3, 130
#: Seconds an interrupted run may take to wind down before it is ended at once.
INTERRUPT_GRACE_SECONDS = 10.0


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (argparse prints the usage block too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole_number(text: str | None, flag: str, minimum: int) -> int | None:
    if text is None:
        return None
    try:
        value: object = int(text)
    except ValueError:
        value = text  # not a number at all: whole_number refuses it with the flag named
    return whole_number(value, flag, minimum=minimum)


def add_instance_arguments(parser: argparse.ArgumentParser, formats: Sequence[str], data: bool = True) -> None:
    """The flags every subcommand shares; the first of ``formats`` is the default format.

    ``data=False`` leaves out ``--data`` (for commands that draw their own data).
    """
    parser.add_argument("--widths", help="comma-separated widths dx,d_1,…,d_H,dy, e.g. 1,2,2")
    parser.add_argument("--samples", help="number m of data points of random data (default 1)")
    parser.add_argument("--seed", help="seed of the random data (default 0; recorded in the output)")
    parser.add_argument(
        "--regularization", choices=REGULARIZATIONS, help="Λ of random data (default generic)"
    )
    if data:
        parser.add_argument("--data", help=".npz file with X, Y, Lambda_1, … (instead of random data)")
    parser.add_argument("--format", choices=tuple(formats), default=formats[0], help="output format")
    parser.add_argument("--output", "-o", help="write to this file instead of standard output")


def add_budget_arguments(parser: argparse.ArgumentParser, paths: bool = True) -> None:
    """``--max-paths`` / ``--max-memory`` (path-tracking commands) and ``--force``."""
    if paths:
        parser.add_argument("--max-paths", default=str(DEFAULT_MAX_PATHS),
                            help=f"refuse runs estimated above this many paths (default {DEFAULT_MAX_PATHS:.0e}; 0: no limit)")
        parser.add_argument("--max-memory", default=str(DEFAULT_MAX_MEMORY),
                            help="bytes one batch of paths may take (default 4 GiB; 0: no limit)")
    parser.add_argument("--force", action="store_true",
                        help=f"run exact computations estimated above {DEFAULT_MAX_SECONDS:g} s, and skip every estimate")


def _budgets(args: argparse.Namespace) -> tuple[int | None, int | None]:
    """(max_paths, max_memory) from the flags; None for no limit (0, or --force)."""
    if getattr(args, "force", False):
        return None, None
    return _limit(args.max_paths, "--max-paths"), _limit(args.max_memory, "--max-memory")


def _max_seconds(args: argparse.Namespace) -> float | None:
    return None if getattr(args, "force", False) else DEFAULT_MAX_SECONDS


def _check_data_size(arch: Architecture, samples: int, args: argparse.Namespace) -> None:
    """Refuse random data that would not fit ``--max-memory`` (before any array is allocated)."""
    max_memory = None if getattr(args, "force", False) else DEFAULT_MAX_MEMORY
    if getattr(args, "max_memory", None) is not None and max_memory is not None:
        max_memory = _limit(args.max_memory, "--max-memory")
    if max_memory is None:
        return
    estimate = estimate_study(arch, draws=0, samples=samples)
    if estimate.data_bytes > max_memory:
        flag = "--max-memory 0" if hasattr(args, "max_memory") else "--force"
        raise BudgetExceededError(
            f"widths {arch} with {samples} samples: the data alone need an estimated "
            f"{estimate.data_bytes / 2**30:.3g} GiB, over {max_memory / 2**30:.3g} GiB; pass {flag} to try anyway"
        )


def instance_from_args(args: argparse.Namespace) -> Instance:
    """The Instance the shared flags describe: ``--data`` if given, else seeded random data.

    Random data are refused before they are drawn when they would not fit ``--max-memory``.
    """
    samples = _whole_number(args.samples, "--samples", 1)
    seed = _whole_number(args.seed, "--seed", 0)
    arch = Architecture.parse(args.widths) if args.widths is not None else None
    if getattr(args, "data", None) is None:
        if arch is None:
            raise ArchitectureError("no network given; pass --widths (e.g. --widths 1,2,2) or --data FILE")
        _check_data_size(arch, samples or 1, args)
        return random_instance(
            arch, samples=samples or 1, seed=0 if seed is None else seed, regularization=args.regularization or "generic"
        )
    ignored = [flag for flag, value in (("--seed", seed), ("--regularization", args.regularization)) if value is not None]
    if ignored:
        raise DataError(f"{' and '.join(ignored)} only shape random data; drop them or drop --data")
    instance = load_instance(Path(args.data), architecture=arch)
    if samples is not None and samples != instance.samples:
        raise DataError(
            f"--samples {samples} but {args.data!r} has {instance.samples} data points; drop --samples"
        )
    return instance


def _architecture_from_args(args: argparse.Namespace) -> tuple[Architecture, int]:
    """Widths and samples, from ``--widths``/``--samples`` or the shapes of ``--data`` (no data drawn)."""
    if getattr(args, "data", None) is not None:
        instance = instance_from_args(args)
        return instance.architecture, instance.samples
    if args.widths is None:
        raise ArchitectureError("no network given; pass --widths (e.g. --widths 1,2,2) or --data FILE")
    return Architecture.parse(args.widths), _whole_number(args.samples, "--samples", 1) or 1


def emit(text: str, args: argparse.Namespace) -> None:
    """Print ``text``, or write it to ``--output``."""
    if args.output is None:
        print(text)
        return
    try:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot write --output {args.output!r}: {exc.strerror}; give a writable path") from None


@contextmanager
def status(what: str, args: argparse.Namespace) -> Iterator[None]:
    """While the body runs: a one-line status on stderr every :data:`STATUS_SECONDS` seconds.

    Only when stderr is not a terminal and ``--progress`` was not given either way (a terminal
    gets the progress bars of the solvers instead).
    """
    if getattr(args, "progress", None) is not None or sys.stderr.isatty():
        yield
        return
    began, done = time.monotonic(), threading.Event()

    def report() -> None:
        while not done.wait(STATUS_SECONDS):
            print(f"{PROG}: {what}: running for {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def run_system(args: argparse.Namespace) -> int:
    """``linnet-crit system``: the gradient system as text, JSON, Bertini or PHCpack input."""
    if args.symbolic:
        given = [f"--{name}" for name in ("data", "seed", "regularization") if getattr(args, name) is not None]
        if given or args.format in ("bertini", "phc"):
            clash = " and ".join(given) or f"--format {args.format}"
            raise DataError(
                f"--symbolic keeps X, Y and Λ as symbols and cannot go with {clash}; "
                "use it with --format text or json, --widths and --samples only"
            )
    arch, samples = _architecture_from_args(args)
    check_seconds(f"the gradient system of widths {arch}", system_seconds(arch, samples), _max_seconds(args))
    from .system import gradient_system, to_bertini, to_json, to_phc, to_text  # lazy: start-up (SymPy: only this command needs it)

    instance = instance_from_args(args)
    system = gradient_system(instance, symbolic_parameters=args.symbolic)
    writers: dict[str, Callable] = {
        "text": to_text,
        "json": lambda s: json.dumps(to_json(s), indent=2),
        "bertini": to_bertini,
        "phc": to_phc,
    }
    emit(writers[args.format](system), args)
    return 0


def _bounds_table(report: dict) -> str:
    lines = [
        f"# widths {','.join(map(str, report['widths']))}; samples {report['samples']}; "
        f"N = {report['unknowns']} unknowns; bounds for generic data",
        f"{'bound':<25} {'value':>22}  {'counts in':<8}  what",
    ]
    for name, value in report["bounds"].items():
        where, what = BOUND_DESCRIPTIONS[name]
        shown = "n/a" if value is None else str(value)
        lines.append(f"{name:<25} {shown:>22}  {where:<8}  {what}")
    row = report["published"]
    if row is not None:
        lines.append(
            f"# thesis Table {row['table']} row {row['row']}: CBB {row['CBB']}, BKK {row['BKK']}, "
            f"N_C {row['N_C']}, N_C* {row['N_Cstar']}"
        )
    return "\n".join(lines)


def _too_costly(arch: Architecture, samples: int, max_seconds: float | None) -> dict[str, float]:
    """The bounds whose estimated seconds exceed ``max_seconds``, with their estimates."""
    if max_seconds is None:
        sys.set_int_max_str_digits(0)  # --force: print Bézout numbers of any length
        return {}
    return {name: sec for name, sec in bound_costs(arch, samples).items() if sec > max_seconds}


def _seconds_text(seconds: float) -> str:
    return "too large to compute or print" if seconds == float("inf") else f"estimated {seconds:.2g} s"


def run_bounds(args: argparse.Namespace) -> int:
    """``linnet-crit bounds``: every bound on the number of critical points, and the thesis row."""
    given = [f"--{name}" for name in ("seed", "regularization") if getattr(args, name) is not None]
    if given:
        raise DataError(
            f"bounds hold for generic data, so {' and '.join(given)} would be ignored; drop them"
        )
    arch, samples = _architecture_from_args(args)  # bounds need no data: none is drawn
    costly = _too_costly(arch, samples, _max_seconds(args))
    if costly:
        listed = ", ".join(f"{name} {_seconds_text(sec)}" for name, sec in costly.items())
        raise BudgetExceededError(
            f"bounds of widths {arch}: {listed}, over the limit of {DEFAULT_MAX_SECONDS:g} s; pass --force to compute them anyway"
        )
    report = {
        "widths": list(arch.widths),
        "samples": samples,
        "unknowns": arch.n_unknowns,
        "bounds": all_bounds(arch, samples),
        "published": published_row(arch, samples),
    }
    emit(json.dumps(report, indent=2) if args.format == "json" else _bounds_table(report), args)
    return 0


def _bounds_or_reason(arch: Architecture, samples: int, max_seconds: float | None) -> tuple[dict, str | None]:
    """Every bound; without gfan or above the time limit, the affordable ones and the reason for the rest."""
    costly = _too_costly(arch, samples, max_seconds)
    if not costly:
        try:
            return all_bounds(arch, samples), None
        except ToolUnavailableError as exc:
            reason = str(exc)
    else:
        reason = (f"{', '.join(costly)} not computed ({_seconds_text(max(costly.values()))}); "
                  "`linnet-crit bounds --force` computes them")
    cheap = {"bezout": bezout, "multihomogeneous_bezout": multihomogeneous_bezout,
             "bh_total": lambda a: bh_total(a, samples), "bh_torus": lambda a: bh_torus(a, samples)}
    bounds: dict = {}
    for name in ("bezout", "multihomogeneous_bezout", "bkk_torus", "bkk_affine", "bh_total", "bh_torus"):
        bounds[name] = None
        if name in cheap and name not in costly:
            try:
                bounds[name] = cheap[name](arch)
            except BoundNotApplicableError:
                pass
    return bounds, reason


def _solve_report(result, bounds: dict, note: str | None, patterns, reals) -> dict:
    report = result.to_dict()
    report["patterns"] = patterns.to_dict()["patterns"]
    report["bounds"] = bounds
    if note:
        report["bounds_note"] = note
    report["published"] = published_row(result.architecture, result.instance.samples)
    report["real_points"] = None if reals is None else reals.to_dict()["points"]
    report["assumptions"] = list(result.assumptions)
    return report


def _counts_vs_bounds(result, bounds: dict, note: str | None) -> str:
    found = {"C^n": result.n_solutions, "(C*)^n": result.n_torus()}
    lines = [f"{'bound':<25} {'value':>16}  {'counts in':<8}  {'found':>6}"]
    for name, value in bounds.items():
        where, _ = BOUND_DESCRIPTIONS[name]
        shown = "n/a" if value is None else str(value)
        lines.append(f"{name:<25} {shown:>16}  {where:<8}  {found[where]:>6}")
    row = published_row(result.architecture, result.instance.samples)
    if row is not None:
        lines.append(f"thesis Table {row['table']} row {row['row']}: N_C = {row['N_C']}, N_C* = {row['N_Cstar']}")
    if note:
        lines.append(f"note: {note}")
    return "\n".join(lines)


def _solve_estimate(arch: Architecture, samples: int, method: str) -> Estimate:
    return estimate_blackbox(arch, samples=samples) if method == "blackbox" else estimate_solve(arch, samples=samples)


def _check_output_file(args: argparse.Namespace, extensions: Sequence[str]) -> None:
    """Refuse a ``--output`` that could not be written, before any work (so no result is lost)."""
    if args.output is None:
        return
    if Path(args.output).suffix.lower() not in extensions:
        raise DataError(f"--output {args.output!r}: the extension must be one of {sorted(extensions)}")
    check_writable(args.output)


def _solve_options(args: argparse.Namespace) -> SolveOptions | None:
    """The SolveOptions the flags ask for (None: the defaults)."""
    if args.max_loops is None:
        return None
    loops = _whole_number(args.max_loops, "--max-loops", 1)
    return SolveOptions(monodromy=replace(MonodromyOptions(), max_loops=loops))


def _executor_args(args: argparse.Namespace) -> dict:
    """``executor``, ``workers`` and ``scheduler`` of ``solve`` from the flags (none given: this process)."""
    workers = _whole_number(args.workers, "--workers", 1)
    if args.executor is None and workers is None and args.scheduler is None:
        return {}
    return {"executor": args.executor, "workers": workers, "scheduler": args.scheduler}


def _run_streamed_solve(args: argparse.Namespace) -> int:
    """``linnet-crit solve --stream FILE``: points written unit by unit; only the summary is printed."""
    clashes = [flag for flag, given in (("--output", args.output is not None), ("--method", args.method != "auto"),
                                        ("--backend", args.backend != "native")) if given]
    if clashes:
        raise DataError(f"--stream writes the structure-aware route's points itself and cannot go with "
                        f"{' and '.join(clashes)}; drop them (read the stream back with linnet-crit show)")
    from .streamed import check_stream_path, solve_to_file  # lazy: start-up (only streamed solves need it)

    check_stream_path(args.stream)
    arch, samples = _architecture_from_args(args)
    max_paths, max_memory = _budgets(args)
    estimate = estimate_solve(arch, samples=samples)
    check_budget(estimate, max_paths=max_paths, max_memory=max_memory, flags=True)
    instance = instance_from_args(args)
    seed = _whole_number(args.seed, "--seed", 0) or 0
    with status(f"streamed solve of widths {arch} ({estimate.paths_text()} estimated)", args):
        result = solve_to_file(instance, args.stream, seed=seed, options=_solve_options(args), max_paths=None,
                               max_memory=max_memory, progress=args.progress, **_executor_args(args))
    print(json.dumps(result.to_dict(), indent=2) if args.format == "json" else str(result))
    return EXIT_INCOMPLETE if args.strict and not result.complete else 0


def run_solve(args: argparse.Namespace) -> int:
    """``linnet-crit solve``: every complex critical point, classified, against the bounds."""
    if args.stream is not None:
        return _run_streamed_solve(args)
    _check_output_file(args, tuple(FORMATS))
    arch, samples = _architecture_from_args(args)
    max_paths, max_memory = _budgets(args)
    estimate = _solve_estimate(arch, samples, args.method)
    check_budget(estimate, max_paths=max_paths, max_memory=max_memory, flags=True)
    instance = instance_from_args(args)
    seed = _whole_number(args.seed, "--seed", 0) or 0
    with status(f"solve of widths {arch} ({estimate.paths_text()} estimated)", args):
        result = solve(instance, method=args.method, backend=args.backend, seed=seed, options=_solve_options(args),
                       progress=args.progress, **_executor_args(args))
    if args.output is not None:
        write_result(result, args.output)
    bounds, note = _bounds_or_reason(arch, instance.samples, _max_seconds(args))
    patterns = pattern_table(result.solutions, arch, samples=instance.samples, rtol=result.options.zero_tolerance)
    reals = critical_point_table(instance, result.solutions) if instance.is_real else None
    if args.format == "json":
        print(json.dumps(_solve_report(result, bounds, note, patterns, reals), indent=2, default=str))
    else:
        parts = [str(result), _counts_vs_bounds(result, bounds, note), str(patterns)]
        if reals is not None:
            parts.append(str(reals))
        print("\n\n".join(parts))
    return EXIT_INCOMPLETE if args.strict and not result.complete else 0


def _incomplete_draws(res) -> int:
    """Draws of a study whose count is not known complete.

    Per-draw completeness is added to ``DrawRecord`` by another change; until a record has it,
    ``getattr`` reads a missing flag as complete (the records of this version cannot tell).
    """
    return sum(not getattr(d, "complete", True) for d in res.draws)


def run_study(args: argparse.Namespace) -> int:
    """``linnet-crit study``: many data draws, per-draw counts and the thesis columns.

    ``--output`` saves the whole study as JSON, like ``solve --output`` saves the whole result;
    the table (or ``--format json``) still goes to standard output.
    """
    _check_output_file(args, (".json",))
    check_record_path(None if args.record is None else Path(args.record))
    draws = _whole_number(args.draws, "--draws", 1)
    workers = _whole_number(args.workers, "--workers", 1)
    samples = _whole_number(args.samples, "--samples", 1) or 1
    seed = _whole_number(args.seed, "--seed", 0) or 0
    chunk_size = _whole_number(args.chunk_size, "--chunk-size", 1)
    if args.widths is None:
        raise ArchitectureError("no network given; pass --widths (e.g. --widths 1,2,2)")
    arch = Architecture.parse(args.widths)
    max_paths, max_memory = _budgets(args)
    estimate = estimate_study(arch, draws=draws, samples=samples)
    check_budget(estimate, max_paths=max_paths, max_memory=max_memory, flags=True, records=True)
    with status(f"study of widths {arch}, {draws} draws ({estimate.paths_text()} estimated)", args):
        res = study(arch, draws=draws, samples=samples, seed=seed, regularization=args.regularization or "generic",
                    workers=workers, record=args.record, progress=args.progress, chunk_size=chunk_size,
                    executor=args.executor, scheduler=args.scheduler, max_paths=max_paths, max_memory=max_memory)
    if args.output is not None:
        try:
            Path(args.output).write_text(json.dumps(res.to_dict(), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot write --output {args.output!r}: {exc.strerror}; give a writable path") from None
    incomplete = _incomplete_draws(res)
    if args.format == "json":
        print(json.dumps(res.to_dict(), indent=2))
    else:
        # str(res) is the study's summary; the per-draw rows below are what only the command line lists
        lines = [str(res)] + ([f"• {incomplete} draws INCOMPLETE"] if incomplete else [])
        lines.append(f"{'draw':>5} {'seed':>11} {'N_C':>6} {'N_C*':>6} {'N_R':>5} {'failed':>6}")
        lines += [f"{d.draw:>5} {d.seed:>11} {d.n_solutions:>6} {d.n_torus:>6} {d.n_real:>5} {d.n_failed:>6}"
                  for d in res.draws]
        print("\n".join(lines))
    return EXIT_INCOMPLETE if args.strict and incomplete else 0


def _limit(text: str, flag: str) -> int | None:
    """A budget flag: a whole number, 0 meaning no limit."""
    value = _whole_number(text, flag, 0)
    return None if value == 0 else value


def _landscape_arch(args: argparse.Namespace) -> Architecture:
    if args.widths is None:
        raise ArchitectureError("no network given; pass --widths (e.g. --widths 2,2,2)")
    return Architecture.parse(args.widths)


def run_landscape(args: argparse.Namespace) -> int:
    """``linnet-crit landscape stats|scan|path``: real critical points across draws, depth and Λ."""
    from . import landscape  # lazy: start-up (the landscape tools pull in the classifier)

    seed = _whole_number(args.seed, "--seed", 0) or 0
    samples = _whole_number(args.samples, "--samples", 1) or 1
    draws = _whole_number(args.draws, "--draws", 1)
    max_paths, max_memory = _budgets(args)
    if args.study == "stats":
        arch = _landscape_arch(args)
        check_budget(estimate_study(arch, draws=draws, samples=samples), max_paths=max_paths,
                     max_memory=max_memory, flags=True, records=True)
        with status(f"landscape stats of widths {arch}", args):
            stats = landscape.landscape_study(arch, draws=draws, samples=samples, seed=seed,
                                              workers=None, record=args.record, progress=args.progress)
        emit(json.dumps(stats.to_dict(), indent=2, default=str) if args.format == "json" else str(stats), args)
    elif args.study == "scan":
        depths = _whole_number(args.max_depth, "--max-depth", 1)
        width = _whole_number(args.width, "--width", 1)
        chains = []
        for h in range(1, depths + 1):  # estimated chain by chain: the deepest one refuses first
            chains.append(landscape.chain(h, width))
            check_budget(estimate_study(chains[-1], draws=draws, samples=samples), max_paths=max_paths,
                         max_memory=max_memory, flags=True)
        with status(f"landscape scan of {depths} chains", args):
            scan = landscape.depth_scan(chains, draws=draws, samples=samples, seed=seed, workers=None,
                                        record_dir=args.record, progress=args.progress)
        emit(json.dumps(scan.to_dict(), indent=2, default=str) if args.format == "json" else str(scan), args)
    else:
        arch, samples = _architecture_from_args(args)
        check_budget(estimate_solve(arch, samples=samples), max_paths=max_paths, max_memory=max_memory, flags=True)
        instance = instance_from_args(args)
        with status(f"regularization path of widths {arch}", args):
            progress = sys.stderr.isatty() if args.progress is None else args.progress
            path = landscape.regularization_path(instance, seed=seed, progress=progress)
        emit(json.dumps(path.to_dict(), indent=2, default=str) if args.format == "json" else str(path), args)
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """``linnet-crit verify``: exact, numeric and certified counts; exit 1 when they DISAGREE."""
    arch, samples = _architecture_from_args(args)
    max_paths, max_memory = _budgets(args)
    check_budget(estimate_solve(arch, samples=samples), max_paths=max_paths, max_memory=max_memory, flags=True)
    check_seconds(f"the exact count of widths {arch}", exact_count_seconds(arch, samples), _max_seconds(args))
    instance = instance_from_args(args)
    with status(f"verify of widths {arch}", args):
        report = verify(instance, seed=_whole_number(args.seed, "--seed", 0) or 0)
    emit(json.dumps(report.to_dict(), indent=2, default=str) if args.format == "json" else str(report), args)
    return 0 if report.agree else 1


def run_show(args: argparse.Namespace) -> int:
    """``linnet-crit show FILE``: the summary block of the solve that wrote FILE, read back."""
    print(show(args.file, args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; each sets ``run`` to its function."""
    parser = _Parser(prog=PROG, description="Complex critical points of regularized deep linear networks.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    strict = "exit with status 3 when a result is INCOMPLETE (see its first line)"

    system = commands.add_parser("system", help="print or write the gradient system")
    add_instance_arguments(system, ("text", "json", "bertini", "phc"))
    system.add_argument("--symbolic", action="store_true", help="keep X, Y, Λ as symbols (text, json)")
    add_budget_arguments(system, paths=False)
    system.set_defaults(run=run_system)

    bounds = commands.add_parser("bounds", help="bounds on the number of critical points")
    add_instance_arguments(bounds, ("table", "json"))
    add_budget_arguments(bounds, paths=False)
    bounds.set_defaults(run=run_bounds)

    solver = commands.add_parser("solve", help="every complex critical point, classified, vs the bounds")
    add_instance_arguments(solver, ("table", "json"))
    for action in solver._actions:  # --output means "also save the result" here, as for study
        if action.dest == "output":
            action.help = "also save the whole result to this file (.json, .csv, .npz, .sol, .txt)"
    solver.add_argument("--method", choices=METHODS, default="auto",
                        help="auto (default): structure-aware, switching to continuation by itself when the data "
                             "are special or its certificate fails; continuation: every generic critical point "
                             "carried to the data (complete for any data); blackbox: start system, small N only")
    solver.add_argument("--max-loops", type=int, default=None, metavar="N",
                        help="monodromy loops (of the loop graph: closed loops and checks together) per "
                             "alive-size shape at most (default 1000); a solve that cannot confirm its orbits within "
                             "them is INCOMPLETE")
    solver.add_argument("--backend", choices=("native", "hc"), default="native",
                        help="native (pip-only, default) or hc (HomotopyContinuation.jl via juliacall)")
    solver.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bars (default: on when stderr is a terminal)")
    solver.add_argument("--strict", action="store_true", help=strict)
    solver.add_argument("--executor", choices=("serial", "processes", "dask"),
                        help="where the units of the solve run (monodromy per alive-size shape, homotopies per chunk of "
                             "alive sets); default this process, or processes when --workers > 1")
    solver.add_argument("--workers", help="worker processes (processes) or local Dask workers (dask without --scheduler)")
    solver.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://host:8786 (implies dask)")
    solver.add_argument("--stream", metavar="FILE.jsonl",
                        help="write the points to this JSON Lines file unit by unit as they are found (memory stays "
                             "bounded: --max-memory sizes each unit) and print only the summary; read it back with "
                             "show. The structure-aware route only: a failed certificate makes it INCOMPLETE instead "
                             "of switching to continuation")
    add_budget_arguments(solver)
    solver.set_defaults(run=run_solve)

    studies = commands.add_parser("study", help="many data draws: per-draw counts and the thesis columns")
    add_instance_arguments(studies, ("table", "json"), data=False)
    for action in studies._actions:
        if action.dest == "output":
            action.help = "also save the whole study to this .json file"
    studies.add_argument("--draws", default="100", help="number of data draws (default 100)")
    studies.add_argument("--workers", help="worker processes (default: all cores)")
    studies.add_argument("--record", help="JSON Lines file of finished draws; a rerun resumes from it")
    studies.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="progress bar (default: on when stderr is a terminal)")
    studies.add_argument("--chunk-size", default="25", help="draws tracked together in one batch (default 25)")
    studies.add_argument("--executor", choices=("serial", "processes", "dask"), help="where draws run (default processes)")
    studies.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://host:8786 (implies dask)")
    studies.add_argument("--strict", action="store_true", help="exit with status 3 when any draw is INCOMPLETE")
    add_budget_arguments(studies)
    studies.set_defaults(run=run_study)

    lands = commands.add_parser("landscape", help="real critical points over draws (stats), depth (scan) or Λ → 0 (path)")
    lands.add_argument("study", choices=("stats", "scan", "path"))
    add_instance_arguments(lands, ("table", "json"))
    lands.add_argument("--draws", default="100", help="data draws for stats and scan (default 100)")
    lands.add_argument("--max-depth", default="6", help="scan: chains of 1 … this many hidden layers (default 6)")
    lands.add_argument("--width", default="1", help="scan: width of every layer of the chains (default 1)")
    lands.add_argument("--record", help="stats: JSON Lines file, scan: folder of them; reruns resume")
    lands.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="progress bars (default: on when stderr is a terminal)")
    add_budget_arguments(lands)
    lands.set_defaults(run=run_landscape)

    verifier = commands.add_parser("verify", help="exact, numeric and certified counts side by side (exit 1: DISAGREE)")
    add_instance_arguments(verifier, ("table", "json"))
    add_budget_arguments(verifier)
    verifier.set_defaults(run=run_verify)

    for sub in (solver, studies, lands, verifier):
        sub.add_argument("--no-cache", action="store_true",
                         help="neither read nor write the disk cache of generic solution sets "
                              "(same as LINNET_CRIT_CACHE=off)")

    shower = commands.add_parser("show", help="the summary block a solve printed, read back from its result file")
    shower.add_argument("file", help="a file written by solve --output or solve --stream (read line by line)")
    shower.add_argument("--format", choices=("table", "json"), default="table")
    shower.set_defaults(run=run_show)
    return parser


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """``warnings.showwarning`` for the command line: the message alone, on one line of stderr."""
    text = " ".join(str(message).split())
    print(f"{PROG}: warning: {text}", file=sys.stderr if file is None else file, flush=True)


def _interrupted(args: argparse.Namespace) -> str:
    record = getattr(args, "record", None)
    if getattr(args, "command", None) == "study" and record is not None:
        return f"{PROG}: interrupted; the finished draws are in {record}: rerun the same command to resume"
    return f"{PROG}: interrupted; nothing was written"


def _end_now(args: argparse.Namespace) -> None:
    """The interrupted run did not wind down in time: end its worker processes, then this one.

    (A ``ProcessPoolExecutor`` interrupted inside ``concurrent.futures.wait`` can keep future
    locks held, so its shutdown never returns.) Finished draws are already on disk: every
    record line is fsynced when it is written.
    """
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()
    print(_interrupted(args), file=sys.stderr, flush=True)
    os._exit(EXIT_INTERRUPTED)


@contextmanager
def _interrupts(args: argparse.Namespace) -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt as usual, and ends the process if it is still running
    :data:`INTERRUPT_GRACE_SECONDS` later. Only where Python's own handler is installed."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    timers: list[threading.Timer] = []

    def handler(signum, frame) -> None:  # noqa: ANN001
        timer = threading.Timer(INTERRUPT_GRACE_SECONDS, _end_now, args=(args,))
        timer.daemon = True
        timer.start()
        timers.append(timer)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        for timer in timers:
            timer.cancel()


@contextmanager
def _cache_switch(args: argparse.Namespace) -> Iterator[None]:
    """``--no-cache``: the cache is off for this command only (worker processes get the generic
    set from this one, so the environment variable reaches everything that could read the cache)."""
    if not getattr(args, "no_cache", False):
        yield
        return
    before = os.environ.get("LINNET_CRIT_CACHE")
    os.environ["LINNET_CRIT_CACHE"] = "off"
    try:
        yield
    finally:
        if before is None:
            del os.environ["LINNET_CRIT_CACHE"]
        else:
            os.environ["LINNET_CRIT_CACHE"] = before


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring for the codes).

    Examples
    --------
    >>> main(["bounds", "--widths", "1,1,1", "--format", "json"])  # doctest: +ELLIPSIS
    {
      "widths": [
        1,
    ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's usage errors (already one line), --help and --version
        return int(exc.code or 0)
    with warnings.catch_warnings(), _interrupts(args), _cache_switch(args):
        warnings.showwarning = _one_line_warning
        try:
            return args.run(args)
        except LinnetCritError as exc:
            print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
            return 2
        except MemoryError:
            print(f"{PROG}: error: ran out of memory; lower --max-memory below what this machine has "
                  "(the estimate refuses such runs) or use smaller widths", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(_interrupted(args), file=sys.stderr)
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # The reader (say `head`) left early: silence the flush at exit, as the Python docs advise.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
