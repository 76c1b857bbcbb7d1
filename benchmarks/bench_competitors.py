"""linnet_crit against PHCpack (``phc -b``) and bertini2 on the same data, one run per tool.

For each architecture one ``random_instance(widths, seed=--seed)`` is drawn; the same instance is
solved by

- ``linnet``: ``linnet_crit.solve`` cold (monodromy included), in a fresh Python process; the
  warm time (a solve from generic solutions cached beforehand, what ``study`` does per draw) is
  measured in the same process after it and reported beside it;
- ``phc``: ``phc -b -t<threads>`` on the file written by ``linnet_crit.system.to_phc``;
- ``bertini``: bertini2's Python API on the file written by ``to_bertini`` (one variable group
  per layer): ``ZeroDimSolver(s, startsystem='mhom', mptype='double', num_threads=<threads>)``.

Every tool runs in its own subprocess (own session) under a hard wall-clock limit
(``--timeout``); a tool that exits abnormally or runs out of time is reported as ``crash`` or
``timeout`` with no counts.

Counting, the same for every tool: a returned point counts as a solution when all its coordinates
are finite with modulus < 1e8, its residual ‖F(x)‖∞ (linnet_crit's evaluator, the exact system of
the instance) is ≤ 1e-8·max(1, ‖x‖∞)^(2H+1), and its Jacobian condition number is < 1e12
(nonsingular); points closer than 1e-6 (relative) are counted once. For phc the points are the
final solution list that ``phc -b`` appends to its input file (its own filtered list; its size is
reported as ``reported``); for bertini, its ``finite_solutions()``. ``found`` is how many of
linnet_crit's points the tool found (within 1e-6 relative), ``extra`` how many of the tool's
solutions linnet_crit did not find (which would be a miss of linnet_crit). Paths: linnet's
``n_paths_tracked`` (all stages), phc's start solutions (mixed-volume cells plus the stable
mixed-volume start solutions with zero coordinates), bertini's ``num_paths()``.

Seconds: for linnet and bertini the tool's own solve call (system set-up included, Python start
and imports excluded); for phc the wall time of the ``phc`` process. CPU seconds are those of the
whole subprocess (imports included). Ratios are tool / linnet cold, in wall time and in CPU time.

Run: ``python benchmarks/bench_competitors.py`` (six small thesis rows), ``--big`` adds the rows
the competitors are not expected to finish, ``--widths 2,2,2`` picks rows, ``--json out.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from linnet_crit import Architecture, gradient_system, published_rows, random_instance
from linnet_crit.numeric import Parameters, gradient, gradient_and_jacobian
from linnet_crit.solvers.native.tracker import refine
from linnet_crit.system import to_bertini, to_phc

DEFAULT_ROWS = ("1,1,1", "2,1,2", "1,2,2", "2,2,2", "1,1,1,1", "1,2,2,1")
BIG_ROWS = ("1,2,2,2", "1,3,3")
TOOLS = ("linnet", "phc", "bertini")
FINITE = 1e8
RESIDUAL = 1e-8
SINGULAR = 1e12
SAME = 1e-6
#: Newton steps a reported point must survive without moving more than SAME (``valid_points``).
NEWTON_STEPS = 4


@dataclass
class ToolRun:
    """One tool on one instance: status, times, paths and the raw points it returned."""

    tool: str
    status: str
    seconds: float | None = None
    cpu_seconds: float | None = None
    paths: int | None = None
    points: np.ndarray | None = field(default=None, repr=False)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Process:
    """How a limited subprocess ended."""

    status: str
    wall: float
    cpu: float
    stderr_tail: str


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_limited(cmd: list[str], timeout: float, cwd: Path, stdout: Path) -> Process:
    """Run ``cmd`` in its own session; kill the whole session after ``timeout`` seconds."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    with open(stdout, "w") as out, open(cwd / "stderr.txt", "w") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
            status = "ok" if code == 0 else f"crash ({f'signal {-code}' if code < 0 else f'exit {code}'})"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            status = f"timeout ({timeout:g} s)"
    tail = (cwd / "stderr.txt").read_text(errors="replace").strip().splitlines()[-3:]
    return Process(status, time.perf_counter() - t0, children_cpu() - cpu0, " | ".join(tail))


# --- workers (run in subprocesses) -----------------------------------------------------------


def points_to_json(points: np.ndarray) -> dict:
    points = np.asarray(points, dtype=complex).reshape(len(points), -1)
    return {"re": points.real.tolist(), "im": points.imag.tolist()}


def points_from_json(data: dict) -> np.ndarray:
    return np.asarray(data["re"], dtype=float) + 1j * np.asarray(data["im"], dtype=float)


def linnet_worker(widths: str, seed: int) -> dict:
    """Cold solve, then a warm solve of the same instance from generic solutions cached first."""
    from linnet_crit import solve
    from linnet_crit.solvers import SolveOptions
    from linnet_crit.solvers.native.backend import NativeBackend
    from linnet_crit.solvers.native.structured import solve_generic

    instance = random_instance(widths, seed=seed)
    # cold means cold: not from a generic set some earlier run left in the user's disk cache
    uncached = SolveOptions(cache=False)
    cpu0 = time.process_time()
    result = solve(instance, seed=seed, options=uncached)
    cpu = time.process_time() - cpu0
    t0 = time.perf_counter()
    generic = solve_generic(instance.architecture, instance.samples, np.random.default_rng(seed), uncached)
    generic_seconds = time.perf_counter() - t0
    warm = NativeBackend().solve(instance, seed=seed, generic=generic)
    return {
        "seconds": result.seconds, "cpu_seconds": cpu, "paths": result.n_paths_tracked,
        "points": points_to_json(result.solutions),
        "extra": {"n_solutions": result.n_solutions, "n_failed": result.n_failed,
                  "warm_seconds": warm.seconds, "warm_paths": warm.n_paths_tracked,
                  "warm_solutions": warm.n_solutions, "generic_seconds": generic_seconds},
    }


def bertini_worker(system_file: str, threads: int) -> dict:
    """bertini2, multihomogeneous start system (the file's variable groups), double precision."""
    import bertini
    from bertini.nag_algorithm import ZeroDimSolver

    t0, cpu0 = time.perf_counter(), time.process_time()
    system = bertini.parse.system(Path(system_file).read_text())
    solver = ZeroDimSolver(system, startsystem="mhom", mptype="double", num_threads=threads)
    solver.solve(show_progress=False)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finite = [np.asarray(p, dtype=complex) for p in solver.finite_solutions()]
    return {
        "seconds": seconds, "cpu_seconds": cpu, "paths": int(solver.num_paths()),
        "points": points_to_json(np.array(finite).reshape(len(finite), -1)),
        "extra": {"reported": len(finite), "nonsingular": len(solver.nonsingular_solutions()),
                  "at_infinity": len(solver.infinite_solutions()), "failed": len(solver.nonsolutions())},
    }


def worker_main(args: argparse.Namespace) -> int:
    if args.worker == "linnet":
        payload = linnet_worker(args.worker_widths, args.seed)
    else:
        payload = bertini_worker(args.worker_file, args.threads)
    Path(args.worker_out).write_text(json.dumps(payload))
    return 0


# --- running the tools ---------------------------------------------------------------------


def python_tool(tool: str, widths: str, seed: int, threads: int, timeout: float, rundir: Path) -> ToolRun:
    """linnet or bertini in a worker subprocess of this script."""
    out = rundir / "result.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool, "--worker-out", str(out),
           "--worker-widths", widths, "--worker-file", str(rundir / "system.bertini"),
           "--seed", str(seed), "--threads", str(threads)]
    proc = run_limited(cmd, timeout, rundir, rundir / "stdout.txt")
    if proc.status != "ok" or not out.exists():
        return ToolRun(tool, proc.status, proc.wall, proc.cpu, extra={"stderr": proc.stderr_tail})
    data = json.loads(out.read_text())
    extra = data["extra"] | {"process_cpu_seconds": proc.cpu}
    return ToolRun(tool, "ok", data["seconds"], data["cpu_seconds"], data["paths"], points_from_json(data["points"]),
                   extra)


#: Runs of ``phc -b`` per instance at most. PHCpack 2.4.86's pipelined polyhedral continuation
#: (``-t2``) now and then ends with an empty start-solution list ("START SOLUTIONS : 0") although
#: the mixed volume is positive — 1 run in 150 on widths 1,1,1 here, and once in a CI run of the
#: test suite. Such a run is PHCpack failing before it tracked a path, so it is run again; the
#: times and paths reported are those of every run together, and ``extra["empty_start_runs"]``
#: counts the repeats.
PHC_RUNS = 3


def phc_tool(names: tuple[str, ...], threads: int, timeout: float, rundir: Path) -> ToolRun:
    """``phc -b -t<threads>``; points from the list appended to the input file."""
    if shutil.which("phc") is None:
        return ToolRun("phc", "missing (phc not on PATH)")
    system, output = rundir / "system.phc", rundir / "phc.out"
    pristine = system.read_text()
    wall = cpu = 0.0
    for run in range(PHC_RUNS):
        system.write_text(pristine)  # phc appends its solutions to the input file
        proc = run_limited(["phc", "-b", f"-t{threads}", str(system), str(output)], timeout, rundir,
                           rundir / "stdout.txt")
        wall, cpu = wall + proc.wall, cpu + proc.cpu
        text = output.read_text(errors="replace") if output.exists() else ""
        if proc.status != "ok" or not _empty_start(text):
            break
    extra = {"stable_mixed_volume": _root_count(text, "stable mixed volume"),
             "mixed_volume": _root_count(text, "mixed volume"), "stderr": proc.stderr_tail,
             "empty_start_runs": run if not _empty_start(text) else run + 1}
    if proc.status != "ok":
        return ToolRun("phc", proc.status, wall, cpu, extra=extra)
    points = parse_phc_solutions(system.read_text(), names)
    extra["reported"] = len(points)
    return ToolRun("phc", "ok", wall, cpu, phc_paths(text), points, extra)


def _empty_start(output: str) -> bool:
    """phc's start-solution lists are all empty although its mixed volume is positive."""
    return bool((_root_count(output, "mixed volume") or 0) > 0 and re.search(r"^START SOLUTIONS", output, re.MULTILINE)
                and phc_paths(output) == 0)


def _root_count(text: str, label: str) -> int | None:
    match = re.search(rf"^{label} : (\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def phc_paths(output: str) -> int:
    """Paths phc tracked: the sizes of every start-solution list in its output file."""
    return sum(int(m.group(1)) for m in re.finditer(r"^START SOLUTIONS.*:\s*\n\s*(\d+) \d+", output, re.MULTILINE))


def parse_phc_solutions(text: str, names: tuple[str, ...]) -> np.ndarray:
    """The last ``THE SOLUTIONS`` list of a PHCpack file, coordinates reordered to ``names``."""
    if "THE SOLUTIONS" not in text:
        return np.zeros((0, len(names)), dtype=complex)
    body = text.rsplit("THE SOLUTIONS", 1)[1]
    index = {n: k for k, n in enumerate(names)}
    coord = re.compile(r"^\s*(\S+)\s*:\s*(\S+)\s+(\S+)\s*$")
    points: list[np.ndarray] = []
    for line in body.splitlines():
        if line.startswith("solution "):
            points.append(np.full(len(names), np.nan, dtype=complex))
        elif points and (m := coord.match(line)) and m.group(1) in index:
            points[-1][index[m.group(1)]] = complex(float(m.group(2)), float(m.group(3)))
    return np.array(points).reshape(len(points), len(names))


# --- counting and matching -------------------------------------------------------------------


def valid_points(instance, points: np.ndarray) -> np.ndarray:
    """Finite, small-residual, nonsingular points that Newton's method keeps where they are, each
    once (the same rule for every tool).

    The residual is judged relative to the size of the terms, ‖W‖^(2L−1), and that alone let
    through points on paths to infinity that ``phc -b`` reported as finite: on widths 3,2,1, seed 0,
    3 to 10 points with ‖W‖ ≈ 5e3–1e4, residual ≈ 1e3–2e4 and condition numbers 1e9–1e11 in 4 of 8
    runs, which Newton took all the way elsewhere (moved 100 %). A root moves by rounding only.
    """
    arch = instance.architecture
    if len(points) == 0:
        return points
    points = points[np.all(np.isfinite(points), axis=1) & (np.abs(points).max(axis=1) < FINITE)]
    if len(points) == 0:
        return points
    params = Parameters.of(instance)
    scale = np.maximum(1.0, np.abs(points).max(axis=1)) ** (2 * arch.n_layers - 1)
    points = points[np.abs(gradient(arch, points, params)).max(axis=1) <= RESIDUAL * scale]
    if len(points) == 0:
        return points
    _, J = gradient_and_jacobian(arch, points, params)
    points = points[np.linalg.cond(J) < SINGULAR]
    if len(points) == 0:
        return points
    with np.errstate(all="ignore"):
        refined, _ = refine(instance, points, NEWTON_STEPS)
    kept = np.abs(refined - points).max(axis=1) <= SAME * np.maximum(1.0, np.abs(points).max(axis=1))
    return distinct(points[kept])


def close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(len(a), len(b))``: whether a_i and b_j agree within SAME relative to a_i's size."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), dtype=bool)
    gap = np.abs(a[:, None, :] - b[None, :, :]).max(axis=2)
    return gap <= SAME * np.maximum(1.0, np.abs(a).max(axis=1))[:, None]


def distinct(points: np.ndarray) -> np.ndarray:
    near = close(points, points)
    keep = [k for k in range(len(points)) if not near[k, :k].any()]
    return points[keep]


@dataclass(frozen=True)
class Row:
    """One architecture: its data, the thesis count and each tool's figures."""

    widths: str
    n_unknowns: int
    thesis_N_C: int | None
    tools: dict[str, dict]


def tool_figures(run: ToolRun, instance, reference: np.ndarray | None, base: ToolRun | None) -> dict:
    """Counts (solutions, found of linnet's, extra) and wall/CPU ratios against linnet cold."""
    figures = {k: v for k, v in asdict(run).items() if k != "points"}
    if run.status != "ok":
        return figures
    sols = valid_points(instance, run.points)
    figures["solutions"] = len(sols)
    if reference is not None and run.tool != "linnet":
        near = close(reference, sols)
        figures["found"], figures["extra_points"] = int(near.any(axis=1).sum()), int((~near.any(axis=0)).sum())
    if base is not None and base.status == "ok" and run.tool != "linnet":
        figures["ratio_wall"] = run.seconds / base.seconds
        figures["ratio_cpu"] = run.cpu_seconds / base.cpu_seconds
    return figures


def bench_row(widths: str, args: argparse.Namespace, root: Path) -> Row:
    """One instance: write each tool's input file, run every tool, compare with linnet_crit's points."""
    instance = random_instance(widths, seed=args.seed)
    system = gradient_system(instance)
    runs: dict[str, ToolRun] = {}
    for tool in args.tools:
        rundir = root / f"{widths.replace(',', '-')}_{tool}"
        rundir.mkdir(parents=True, exist_ok=True)
        if tool == "phc":
            (rundir / "system.phc").write_text(to_phc(system) + "\n")
            runs[tool] = phc_tool(instance.architecture.variable_names(), args.threads, args.timeout, rundir)
        else:
            if tool == "bertini":
                (rundir / "system.bertini").write_text(to_bertini(system) + "\n")
            runs[tool] = python_tool(tool, widths, args.seed, args.threads, args.timeout, rundir)
    base = runs.get("linnet")
    reference = valid_points(instance, base.points) if base and base.status == "ok" else None
    thesis = next((r["N_C"] for r in published_rows() if ",".join(map(str, r["widths"])) == widths), None)
    return Row(widths, Architecture.parse(widths).n_unknowns, thesis,
               {t: tool_figures(r, instance, reference, base) for t, r in runs.items()})


HEADER = (f"{'widths':<9} {'N':>3} {'N_C':>5} {'tool':<8} {'status':<16} {'sec':>8} {'cpu s':>8} "
          f"{'paths':>8} {'sols':>5} {'found':>5} {'extra':>5} {'x wall':>7} {'x cpu':>7}")


def _cell(value, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def format_row(row: Row) -> list[str]:
    """One line per tool; ``found`` and ``extra`` are against linnet_crit's points."""
    lines = []
    for tool, f in row.tools.items():
        lines.append(
            f"{row.widths:<9} {row.n_unknowns:>3} {_cell(row.thesis_N_C, 'd'):>5} {tool:<8} {f['status'][:16]:<16} "
            f"{_cell(f.get('seconds'), '.2f'):>8} {_cell(f.get('cpu_seconds'), '.2f'):>8} "
            f"{_cell(f.get('paths'), 'd'):>8} {_cell(f.get('solutions'), 'd'):>5} {_cell(f.get('found'), 'd'):>5} "
            f"{_cell(f.get('extra_points'), 'd'):>5} {_cell(f.get('ratio_wall'), '.1f'):>7} "
            f"{_cell(f.get('ratio_cpu'), '.1f'):>7}"
        )
        if tool == "linnet" and "warm_seconds" in f["extra"]:
            e = f["extra"]
            lines.append(f"{'':<9} {'':>3} {'':>5} {'  warm':<8} {'cached generic':<16} "
                         f"{e['warm_seconds']:8.2f} {'':>8} {e['warm_paths']:8d} {e['warm_solutions']:5d}")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", action="append", help="architectures (e.g. 2,2,2); repeatable")
    parser.add_argument("--big", action="store_true", help=f"add {', '.join(BIG_ROWS)}")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of linnet,phc,bertini")
    parser.add_argument("--seed", type=int, default=0, help="data seed (and linnet_crit's solver seed)")
    parser.add_argument("--timeout", type=float, default=600.0, help="wall-clock limit per tool run, seconds")
    parser.add_argument("--threads", type=int, default=2, help="phc -t and bertini num_threads")
    parser.add_argument("--workdir", help="keep the systems and tool outputs here (default: a temporary directory)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--worker", choices=["linnet", "bertini"], help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    parser.add_argument("--worker-widths", help=argparse.SUPPRESS)
    parser.add_argument("--worker-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.tools = [t for t in args.tools.split(",") if t]
    if unknown := set(args.tools) - set(TOOLS):
        parser.error(f"unknown tools {sorted(unknown)}")
    return args


def run_all(args: argparse.Namespace, root: Path) -> list[Row]:
    widths = list(args.widths or DEFAULT_ROWS) + (list(BIG_ROWS) if args.big else [])
    print(f"# bench_competitors: seed {args.seed}, timeout {args.timeout:g} s, {args.threads} threads, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()}, {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}",
          flush=True)
    print(HEADER, flush=True)
    rows = []
    for w in widths:
        rows.append(bench_row(",".join(str(int(v)) for v in w.split(",")), args, root))
        print("\n".join(format_row(rows[-1])), flush=True)
    print(f"# load average at the end {os.getloadavg()}")
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    if args.workdir:
        rows = run_all(args, Path(args.workdir))
    else:
        with tempfile.TemporaryDirectory(prefix="bench_competitors_") as tmp:
            rows = run_all(args, Path(tmp))
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "rows": [asdict(r) for r in rows]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
