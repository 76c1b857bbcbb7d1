"""The ``linnet-crit`` command line: a thin argparse layer over the public API.

This is the one place that catches :class:`~linnet_crit.errors.LinnetCritError`: it prints a
one-line message on stderr and exits with status 2, never a traceback. Usage errors found by
argparse are one line too.

Adding a subcommand takes one ``run_…(args) -> int`` function and one entry in
:func:`build_parser`; :func:`add_instance_arguments` and :func:`instance_from_args` give it the
shared flags ``--widths --samples --seed --regularization --data --format --output``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .architecture import Architecture
from .bounds import (
    BOUND_DESCRIPTIONS,
    all_bounds,
    bezout,
    bh_torus,
    bh_total,
    multihomogeneous_bezout,
    published_row,
)
from .classify import critical_point_table, format_pattern_table, format_real_table, pattern_table, patterns_as_json
from .data import REGULARIZATIONS, Instance, load_instance, random_instance
from .errors import ArchitectureError, BoundNotApplicableError, DataError, LinnetCritError, ToolUnavailableError
from .readwrite import FORMATS, show, summarize, write_result
from .results import DEFAULT_ZERO_TOL
from .solvers import solve
from .study import study
from .verify import verify

__all__ = ["main", "build_parser", "add_instance_arguments", "instance_from_args", "emit"]

PROG = "linnet-crit"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (argparse prints the usage block too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole_number(text: str | None, flag: str, minimum: int) -> int | None:
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        raise DataError(f"{flag} {text!r} is not a whole number; give an integer ≥ {minimum}") from None
    if value < minimum:
        raise DataError(f"{flag} {value} is too small; give an integer ≥ {minimum}")
    return value


def add_instance_arguments(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """The flags every subcommand shares; the first of ``formats`` is the default format."""
    parser.add_argument("--widths", help="comma-separated widths dx,d_1,…,d_H,dy, e.g. 1,2,2")
    parser.add_argument("--samples", help="number m of data points of random data (default 1)")
    parser.add_argument("--seed", help="seed of the random data (default 0; recorded in the output)")
    parser.add_argument(
        "--regularization", choices=REGULARIZATIONS, help="Λ of random data (default generic)"
    )
    parser.add_argument("--data", help=".npz file with X, Y, Lambda_1, … (instead of random data)")
    parser.add_argument("--format", choices=tuple(formats), default=formats[0], help="output format")
    parser.add_argument("--output", "-o", help="write to this file instead of standard output")


def instance_from_args(args: argparse.Namespace) -> Instance:
    """The Instance the shared flags describe: ``--data`` if given, else seeded random data."""
    samples = _whole_number(args.samples, "--samples", 1)
    seed = _whole_number(args.seed, "--seed", 0)
    arch = Architecture.parse(args.widths) if args.widths is not None else None
    if args.data is None:
        if arch is None:
            raise ArchitectureError("no network given; pass --widths (e.g. --widths 1,2,2) or --data FILE")
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


def emit(text: str, args: argparse.Namespace) -> None:
    """Print ``text``, or write it to ``--output``."""
    if args.output is None:
        print(text)
        return
    try:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot write --output {args.output!r}: {exc.strerror}; give a writable path") from None


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
    from .system import gradient_system, to_bertini, to_json, to_phc, to_text  # SymPy: only this command needs it

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


def run_bounds(args: argparse.Namespace) -> int:
    """``linnet-crit bounds``: every bound on the number of critical points, and the thesis row."""
    given = [f"--{name}" for name in ("seed", "regularization") if getattr(args, name) is not None]
    if given:
        raise DataError(
            f"bounds hold for generic data, so {' and '.join(given)} would be ignored; drop them"
        )
    instance = instance_from_args(args)
    arch, samples = instance.architecture, instance.samples
    report = {
        "widths": list(arch.widths),
        "samples": samples,
        "unknowns": arch.n_unknowns,
        "bounds": all_bounds(arch, samples),
        "published": published_row(arch, samples),
    }
    emit(json.dumps(report, indent=2) if args.format == "json" else _bounds_table(report), args)
    return 0


def _bounds_or_reason(arch: Architecture, samples: int) -> tuple[dict, str | None]:
    """Every bound; without gfan, the ones that need no mixed volume and the reason for the rest."""
    try:
        return all_bounds(arch, samples), None
    except ToolUnavailableError as exc:
        bounds = {"bezout": bezout(arch), "multihomogeneous_bezout": multihomogeneous_bezout(arch),
                  "bkk_torus": None, "bkk_affine": None}
        for name, bound in (("bh_total", bh_total), ("bh_torus", bh_torus)):
            try:
                bounds[name] = bound(arch, samples)
            except BoundNotApplicableError:
                bounds[name] = None
        return bounds, str(exc)


def _solve_report(result, bounds: dict, note: str | None, patterns, reals) -> dict:
    report = summarize(result)
    report["patterns"] = patterns_as_json(patterns)
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


def run_solve(args: argparse.Namespace) -> int:
    """``linnet-crit solve``: every complex critical point, classified, against the bounds."""
    if args.output is not None and Path(args.output).suffix.lower() not in FORMATS:
        raise DataError(f"--output {args.output!r}: the extension must be one of {sorted(FORMATS)}")
    instance = instance_from_args(args)
    seed = _whole_number(args.seed, "--seed", 0) or 0
    result = solve(instance, method=args.method, backend=args.backend, seed=seed, progress=args.progress)
    arch = instance.architecture
    bounds, note = _bounds_or_reason(arch, instance.samples)
    patterns = pattern_table(result.solutions, arch, samples=instance.samples, rtol=result.options.get("zero_tolerance", DEFAULT_ZERO_TOL))
    reals = critical_point_table(instance, result.solutions) if instance.is_real else None
    if args.output is not None:
        write_result(result, args.output)
    if args.format == "json":
        print(json.dumps(_solve_report(result, bounds, note, patterns, reals), indent=2, default=str))
    else:
        parts = [result.summary(), _counts_vs_bounds(result, bounds, note), format_pattern_table(patterns)]
        if reals is not None:
            parts.append(format_real_table(reals))
        print("\n\n".join(parts))
    return 0


def run_study(args: argparse.Namespace) -> int:
    """``linnet-crit study``: many data draws, per-draw counts and the thesis columns."""
    if args.data is not None:
        raise DataError("study draws its own random data; drop --data")
    draws = _whole_number(args.draws, "--draws", 1)
    workers = _whole_number(args.workers, "--workers", 1)
    arch = Architecture.parse(args.widths) if args.widths is not None else None
    if arch is None:
        raise ArchitectureError("no network given; pass --widths (e.g. --widths 1,2,2)")
    res = study(arch, draws=draws, samples=_whole_number(args.samples, "--samples", 1) or 1,
                seed=_whole_number(args.seed, "--seed", 0) or 0, regularization=args.regularization or "generic",
                workers=workers, record=args.record, progress=args.progress,
                chunk_size=_whole_number(args.chunk_size, "--chunk-size", 1), executor=args.executor,
                scheduler=args.scheduler, max_paths=_limit(args.max_paths, "--max-paths"),
                max_memory=_limit(args.max_memory, "--max-memory"))
    if args.format == "json":
        emit(json.dumps(res.to_dict(), indent=2), args)
        return 0
    cols = res.thesis_columns()
    lines = [f"study of widths {arch} (m = {res.samples}), {len(res.draws)} draws, seed {res.seed}",
             f"N_C = {cols['N_C']}, N_C* = {cols['N_Cstar']}, max N_R = {cols['max_N_R']}, "
             f"all draws agree: {cols['all_draws_agree']}",
             f"N_R distribution: {cols['N_R_distribution']}",
             f"paths: {res.total_paths} ({res.paths_per_solution:.3f} per solution, monodromy {res.generic_paths})",
             f"{'draw':>5} {'seed':>11} {'N_C':>6} {'N_C*':>6} {'N_R':>5} {'failed':>6}"]
    lines += [f"{d.draw:>5} {d.seed:>11} {d.n_solutions:>6} {d.n_torus:>6} {d.n_real:>5} {d.n_failed:>6}" for d in res.draws]
    emit("\n".join(lines), args)
    return 0


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
    from . import landscape

    seed = _whole_number(args.seed, "--seed", 0) or 0
    samples = _whole_number(args.samples, "--samples", 1) or 1
    draws = _whole_number(args.draws, "--draws", 1)
    if args.study == "stats":
        stats = landscape.landscape_study(_landscape_arch(args), draws=draws, samples=samples, seed=seed,
                                          workers=None, record=args.record, progress=args.progress)
        emit(json.dumps(stats.summary(), indent=2, default=str) if args.format == "json" else stats.format(), args)
    elif args.study == "scan":
        depths = _whole_number(args.max_depth, "--max-depth", 1)
        width = _whole_number(args.width, "--width", 1)
        scan = landscape.depth_scan([landscape.chain(h, width) for h in range(1, depths + 1)], draws=draws,
                                    samples=samples, seed=seed, workers=None, record_dir=args.record,
                                    progress=args.progress)
        fits = {what: scan.growth(what) for what in ("real", "complex")}
        if args.format == "json":
            emit(json.dumps({"table": scan.table(), "growth": {k: asdict(f) for k, f in fits.items()}},
                            indent=2, default=str), args)
        else:
            emit(scan.format() + "".join(f"\n{what} counts: {fit.describe()}" for what, fit in fits.items()), args)
    else:
        instance = instance_from_args(args)
        path = landscape.regularization_path(instance, seed=seed, progress=bool(args.progress))
        emit(json.dumps(path.to_dict(), indent=2, default=str) if args.format == "json" else path.format(), args)
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """``linnet-crit verify``: exact count, numeric count and certified count side by side."""
    instance = instance_from_args(args)
    report = verify(instance, seed=_whole_number(args.seed, "--seed", 0) or 0)
    data = report.to_dict()
    emit(json.dumps(data, indent=2, default=str) if args.format == "json" else report.summary(), args)
    return 0


def run_show(args: argparse.Namespace) -> int:
    """``linnet-crit show FILE``: the summary of a result file written by ``solve --output``."""
    print(show(args.file, args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; each sets ``run`` to its function."""
    parser = _Parser(prog=PROG, description="Complex critical points of regularized deep linear networks.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    system = commands.add_parser("system", help="print or write the gradient system")
    add_instance_arguments(system, ("text", "json", "bertini", "phc"))
    system.add_argument("--symbolic", action="store_true", help="keep X, Y, Λ as symbols (text, json)")
    system.set_defaults(run=run_system)

    bounds = commands.add_parser("bounds", help="bounds on the number of critical points")
    add_instance_arguments(bounds, ("table", "json"))
    bounds.set_defaults(run=run_bounds)

    solver = commands.add_parser("solve", help="every complex critical point, classified, vs the bounds")
    add_instance_arguments(solver, ("table", "json"))
    solver.add_argument("--method", choices=("auto", "blackbox"), default="auto",
                        help="auto: structure-aware (default); blackbox: start system, small N only")
    solver.add_argument("--backend", choices=("native", "hc"), default="native",
                        help="native (pip-only, default) or hc (HomotopyContinuation.jl via juliacall)")
    solver.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bars (default: on when stderr is a terminal)")
    solver.set_defaults(run=run_solve)

    studies = commands.add_parser("study", help="many data draws: per-draw counts and the thesis columns")
    add_instance_arguments(studies, ("table", "json"))
    studies.add_argument("--draws", default="100", help="number of data draws (default 100)")
    studies.add_argument("--workers", help="worker processes (default: all cores)")
    studies.add_argument("--record", help="JSON Lines file of finished draws; a rerun resumes from it")
    studies.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="progress bar (default: on when stderr is a terminal)")
    studies.add_argument("--chunk-size", default="25", help="draws tracked together in one batch (default 25)")
    studies.add_argument("--executor", choices=("serial", "processes", "dask"), help="where draws run (default processes)")
    studies.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://host:8786 (implies dask)")
    studies.add_argument("--max-paths", default="10000000000", help="refuse studies estimated above this many paths (0: no limit)")
    studies.add_argument("--max-memory", default=str(4 * 2**30), help="bytes per batch before chunks shrink (0: no limit)")
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
    lands.set_defaults(run=run_landscape)

    verifier = commands.add_parser("verify", help="exact, numeric and certified counts side by side")
    add_instance_arguments(verifier, ("table", "json"))
    verifier.set_defaults(run=run_verify)

    shower = commands.add_parser("show", help="summary of a result file (json, csv, npz, sol)")
    shower.add_argument("file", help="a file written by solve --output")
    shower.add_argument("--format", choices=("table", "json"), default="table")
    shower.set_defaults(run=run_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or failed computation).

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
    except SystemExit as exc:  # argparse's usage errors (already one line) and --help
        return int(exc.code or 0)
    try:
        return args.run(args)
    except LinnetCritError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (say `head`) left early: silence the flush at exit, as the Python docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
