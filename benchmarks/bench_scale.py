"""Cold solves of growing architectures, one subprocess each: count, paths, steps, time, memory.

Default rows: a width ladder ``1,4,4 → 1,5,5 → 1,6,6`` (``--big`` adds ``1,7,7``) and a depth
ladder with H ≥ 2 (``1,2,2,2``, ``2,2,2,2``, ``1,2,2,2,1``, ``1,3,3,1 → 1,3,3,2 → 1,3,3,3``); ``--rows`` picks
others. Every row is ``solve(random_instance(widths, samples=1, seed=--seed), seed=--seed)`` with
the disk cache off (``LINNET_CRIT_CACHE=off``: a cold solve, monodromy included), run in a fresh
Python process with ``PYTHONPATH`` at the engine's tree, in its own session, killed with everything
it started after ``--time-limit`` seconds (printed as ``timeout``, never dropped).

Columns: ``m`` samples; ``N_C`` points found; ``ok`` COMPLETE or the first of the result's
warnings; ``paths`` all paths tracked; ``p/sol`` paths per point; ``steps/path`` the
predictor–corrector steps summed over ``result.stages`` divided by the paths of the stages that
report steps (a stage with paths and 0 steps did not count them; the figure then has a ``*`` and
covers only the other stages; ``n/a`` for an engine whose ``StageReport`` has no ``steps`` or where
no stage reports them); ``wall s`` and ``cpu s`` of the ``solve`` call
(CPU of the process and of the worker processes it waited for; imports excluded); ``peak MB`` the
largest resident set of the process or any process it waited for (``wait4``'s ``ru_maxrss``, start-up
included). For H = 1, m = 1 the count is checked against Σ_r C(d,r)·C(p,r)·4^r (d hidden width, p
output width; any input width, thesis Remark 3.8) — a conjecture that fits every row of thesis
Table 3.1, computed here with :func:`math.comb` and never given to the engine; the row says
``= closed form`` or ``MISMATCH``.

``--base COMMIT`` unpacks that revision's package with ``git archive`` (as ``bench_tracker.py``
does) and solves the ``--base-rows`` (default ``1,4,4`` and ``1,5,5``) with it too, in the same run,
alternating which engine goes first from row to row so that a change of load hits both alike; the
row then also prints the base's wall and CPU seconds and the speed-ups base/this. ``--executor``
and ``--workers`` are passed to ``solve`` only by an engine whose ``solve`` accepts them
(``inspect.signature``); an engine that does not says so in its row's JSON (``ignored``).

Exit status 1 when a row of this tree is INCOMPLETE, MISMATCHes the closed form, disagrees with
the base's count, times out or crashes.

``--warm`` instead times the warm (cached) path, in a fresh ``LINNET_CRIT_CACHE`` folder: (a) one
process fills the cache with a cold solve of every thesis row (Tables 3.1 and 3.2 as shipped in
``linnet_crit/data``) and then times the warm ``solve`` of each (best of ``--repeat``; goal
≤ 0.2 s), checking the cache was read and the count is the cold one; (b) ``linnet-crit solve
--widths W --strict`` for ``--cli-rows`` (default ``1,1,1`` and ``2,2,2``) as a subprocess, end to
end with process start, on the same warm cache with the package's bytecode cached (one untimed call
first, as after ``pip install``), and ``phc -b`` on the same system in the same run
when ``phc`` is on ``PATH`` (written and run as ``bench_competitors.py`` does). Exit status 1 when
a warm solve misses the cache, changes the count or is INCOMPLETE, or a CLI call fails. With
``--base COMMIT`` that revision's engine times the warm solves of (a) right after, in a cache of
its own, and each row also prints its best time and the ratio base/this.

Run: ``python benchmarks/bench_scale.py`` (``--rows "1,4,4;1,5,5" --base 992430e --time-limit
400 --json out.json``), ``python benchmarks/bench_scale.py --warm``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench_tracker import unpack

ROOT = Path(__file__).resolve().parent.parent
WIDTH_LADDER = ("1,4,4", "1,5,5", "1,6,6")
BIG_ROWS = ("1,7,7",)
DEPTH_LADDER = ("1,2,2,2", "2,2,2,2", "1,2,2,2,1", "1,3,3,1", "1,3,3,2", "1,3,3,3")
BASE_ROWS = ("1,4,4", "1,5,5")
CLI_ROWS = ("1,1,1", "2,2,2")
WARM_GOAL = 0.2  # seconds, issue 16's acceptance for a warm solve of a thesis row inside Python

#: One cold solve inside an engine's process; prints its figures as one JSON line.
_SOLVE_CHILD = r"""
import dataclasses, inspect, json, resource, sys, time

spec = json.loads(sys.argv[1])
from linnet_crit import StageReport, random_instance, solve


def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


accepted = inspect.signature(solve).parameters
wanted = {"progress": False, **spec["solve_kwargs"]}
kwargs = {k: v for k, v in wanted.items() if k in accepted}
instance = random_instance(spec["widths"], samples=1, seed=spec["seed"])
begin, cpu0 = time.perf_counter(), cpu()
result = solve(instance, seed=spec["seed"], **kwargs)
wall, cpu_s = time.perf_counter() - begin, cpu() - cpu0
stages = tuple(result.stages)
has_steps = "steps" in {f.name for f in dataclasses.fields(StageReport)}
warnings = tuple(getattr(result, "warnings", ()))
print(json.dumps({
    "n_solutions": result.n_solutions,
    "complete": getattr(result, "complete", None),
    "warnings": list(warnings),
    "route": getattr(result, "route", None),
    "paths": result.n_paths_tracked,
    # a stage with paths but 0 steps did not count them (steps = 0 means "not reported")
    "stage_paths": sum(s.paths for s in stages if s.steps) if has_steps else None,
    "stage_steps": sum(s.steps for s in stages) if has_steps else None,
    "unreported_paths": sum(s.paths for s in stages if not s.steps) if has_steps else None,
    "wall": wall,
    "cpu": cpu_s,
    "ignored": sorted(set(wanted) - set(kwargs)),
}))
"""

#: The warm half inside this tree's process: fill the cache with every thesis row, time warm solves.
_WARM_CHILD = r"""
import json, sys, time

spec = json.loads(sys.argv[1])
from linnet_crit import published_rows, random_instance, solve

for row in published_rows():
    instance = random_instance(row["widths"], samples=row["samples"], seed=spec["seed"])
    begin = time.perf_counter()
    cold = solve(instance, seed=spec["seed"], progress=False)
    cold_s = time.perf_counter() - begin
    times, hits = [], True
    for _ in range(spec["repeat"]):
        begin = time.perf_counter()
        warm = solve(instance, seed=spec["seed"], progress=False)
        times.append(time.perf_counter() - begin)
        states = [s.info["cache"] for s in warm.stages if "cache" in s.info]
        hits &= bool(states) and all(state == "hit" for state in states)
    print(json.dumps({
        "table": row["table"], "widths": ",".join(map(str, row["widths"])), "samples": row["samples"],
        "thesis_N_C": row["N_C"], "cold": cold.n_solutions, "warm": warm.n_solutions,
        "complete": cold.complete and warm.complete, "cache_hit": hits, "cold_s": cold_s, "warm_s": min(times),
    }), flush=True)
"""


@dataclass(frozen=True)
class Run:
    """How one limited subprocess ended: status (``ok``, ``timeout (… s)``, ``crash (…)``), its
    output, wall seconds with process start, and the peak resident set in MB (``wait4``)."""

    status: str
    stdout: str
    stderr: str
    wall: float
    peak_mb: float


def run_limited(cmd: list[str], env: dict[str, str], cwd: Path, limit: float) -> Run:
    """Run ``cmd`` in its own session; after ``limit`` seconds kill the session (its workers too).

    ``os.wait4`` reaps the process, so the peak memory is this process's (and its waited-for
    descendants'), not that of earlier runs as ``RUSAGE_CHILDREN`` would mix in.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        begin = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - begin > limit:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.02)
        wall = time.perf_counter() - begin
        proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        try:  # pool workers left behind by a crash are in the same session
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if timed_out:
        state = f"timeout ({limit:g} s)"
    elif code:
        state = f"crash ({f'signal {-code}' if code < 0 else f'exit {code}'})"
    else:
        state = "ok"
    return Run(state, stdout, stderr, wall, usage.ru_maxrss / 1024)


def closed_form(widths: tuple[int, ...]) -> int | None:
    """Σ_r C(d,r)·C(p,r)·4^r for H = 1 (widths d_x, d, p), else ``None``. Samples must be 1."""
    if len(widths) != 3:
        return None
    _, d, p = widths
    return sum(math.comb(d, r) * math.comb(p, r) * 4**r for r in range(min(d, p) + 1))


def solve_row(tree: Path, widths: str, seed: int, limit: float, solve_kwargs: dict) -> dict:
    """One cold solve by the engine at ``tree``: the child's figures plus status and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(tree), "LINNET_CRIT_CACHE": "off"}
    spec = json.dumps({"widths": widths, "seed": seed, "solve_kwargs": solve_kwargs})
    # cwd=tree: ``python -c`` puts the working directory first on sys.path
    run = run_limited([sys.executable, "-c", _SOLVE_CHILD, spec], env, tree, limit)
    figures: dict = {"status": run.status, "process_wall": run.wall, "peak_mb": run.peak_mb}
    if run.status == "ok":
        figures |= json.loads(run.stdout.strip().splitlines()[-1])
    else:
        figures["stderr"] = " | ".join(run.stderr.strip().splitlines()[-3:])
    return figures


def verdict(widths: str, this: dict, base: dict | None) -> tuple[str, bool]:
    """The row's check column and whether the row fails the benchmark."""
    if this["status"] != "ok":
        return "", True  # the row already shows the status
    notes, bad = [], False
    if not this["complete"]:
        first = this["warnings"][0] if this["warnings"] else "no reason given"
        notes.append(f"INCOMPLETE: {first}")
        bad = True
    expected = closed_form(tuple(int(w) for w in widths.split(",")))
    if expected is not None:
        same = this["n_solutions"] == expected
        notes.append("= closed form" if same else f"MISMATCH: closed form {expected}")
        bad |= not same
    if base is not None and base["status"] == "ok" and base["n_solutions"] != this["n_solutions"]:
        notes.append(f"base found {base['n_solutions']}")
        bad = True
    return "; ".join(notes), bad


def _engine_cells(f: dict) -> str:
    """The base engine's wall and CPU seconds, or how its run ended."""
    if f["status"] != "ok":
        return f"{f['status'][:24]:>24}"
    return f"{f['wall']:>8.2f} {f['cpu']:>8.2f}"


HEADER = (f"{'widths':>9} {'m':>2} {'N_C':>8} {'ok':>10} {'paths':>8} {'p/sol':>6} {'steps/path':>10} "
          f"{'wall s':>8} {'cpu s':>8} {'peak MB':>8}")


def format_row(widths: str, this: dict, base: dict | None, check: str) -> str:
    """One printed row: this engine's figures (or how its run ended), the base's, the check."""
    if this["status"] != "ok":
        line = f"{widths:>9} {1:>2} {'—':>8} {this['status']}, process ended after {this['process_wall']:.1f} s"
        if this["status"].startswith("crash"):
            line += f": {this['stderr']}"
    else:
        steps = "n/a" if not this["stage_steps"] else f"{this['stage_steps'] / this['stage_paths']:.1f}"
        if this["stage_steps"] and this["unreported_paths"]:
            steps += "*"
        ok = "COMPLETE" if this["complete"] else "INCOMPLETE"
        line = (f"{widths:>9} {1:>2} {this['n_solutions']:>8} {ok:>10} {this['paths']:>8} "
                f"{this['paths'] / max(this['n_solutions'], 1):>6.2f} {steps:>10} {this['wall']:>8.2f} "
                f"{this['cpu']:>8.2f} {this['peak_mb']:>8.0f}")
    if base is not None:
        line += f" | base {_engine_cells(base)}"
        if base["status"] == "ok" and this["status"] == "ok":
            line += f" ×{base['wall'] / this['wall']:.2f} wall ×{base['cpu'] / this['cpu']:.2f} cpu"
    return line + (f"  {check}" if check else "")


def scale(args: argparse.Namespace) -> int:
    """The cold ladder: one row per architecture; returns the exit status."""
    rows = [r.strip() for r in args.rows.split(";") if r.strip()] if args.rows else (
        list(WIDTH_LADDER) + (list(BIG_ROWS) if args.big else []) + list(DEPTH_LADDER))
    base_rows = {r.strip() for r in args.base_rows.split(";") if r.strip()}
    solve_kwargs = {k: v for k, v in (("executor", args.executor), ("workers", args.workers)) if v is not None}
    print(f"# bench_scale: seed {args.seed}, time limit {args.time_limit:g} s, solve kwargs {solve_kwargs}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()}, {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; "
          f"this = {ROOT}" + (f", base = {args.base}" if args.base else ""), flush=True)
    print(HEADER + (" | base   wall s    cpu s  speed-up" if args.base else ""), flush=True)
    figures, failed = [], False
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        base_tree = unpack(args.base, Path(tmp)) if args.base else None
        for k, widths in enumerate(rows):
            with_base = base_tree is not None and widths in base_rows
            order = ("base", "this") if k % 2 == 0 else ("this", "base")
            done: dict[str, dict] = {}
            for who in order:
                if who == "this":
                    done["this"] = solve_row(ROOT, widths, args.seed, args.time_limit, solve_kwargs)
                elif with_base:
                    done["base"] = solve_row(base_tree, widths, args.seed, args.time_limit, solve_kwargs)
            check, bad = verdict(widths, done["this"], done.get("base"))
            failed |= bad
            print(format_row(widths, done["this"], done.get("base"), check), flush=True)
            if done["this"].get("ignored") and solve_kwargs:
                print(f"{'':>9} this engine's solve does not accept {done['this']['ignored']}: ignored", flush=True)
            figures.append({"widths": widths, "closed_form": closed_form(tuple(map(int, widths.split(",")))),
                            "check": check, "failed": bad, **done})
    partial = [f"{f['widths']} {f['this']['unreported_paths']}" for f in figures
               if f["this"].get("stage_steps") and f["this"].get("unreported_paths")]
    if partial:
        print(f"# * steps/path leaves out the paths of stages that report no steps (widths, paths left out): "
              f"{'; '.join(partial)}")
    print(f"# load at the end {os.getloadavg()}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "time": time.time(),
                                         "rows": figures}, indent=1))
    return 1 if failed else 0


def _cli_command() -> list[str]:
    """The installed ``linnet-crit`` script beside this Python, else ``python -m linnet_crit``."""
    script = Path(sys.executable).with_name("linnet-crit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "linnet_crit"]


def phc_time(widths: str, seed: int, limit: float, folder: Path) -> str:
    """``phc -b`` on the gradient system of the CLI's instance, as bench_competitors.py runs it."""
    if shutil.which("phc") is None:
        return "phc not found: skipped"
    sys.path.insert(0, str(ROOT))  # the system is written by this tree's package
    import bench_competitors as competitors
    from linnet_crit import gradient_system, published_rows, random_instance
    from linnet_crit.system import to_phc

    instance = random_instance(widths, samples=1, seed=seed)
    rundir = folder / f"phc_{widths.replace(',', '-')}"
    rundir.mkdir()
    (rundir / "system.phc").write_text(to_phc(gradient_system(instance)) + "\n")
    run = competitors.phc_tool(instance.architecture.variable_names(), 2, limit, rundir)
    if run.status != "ok":
        return f"phc -b: {run.status}"
    found = len(competitors.valid_points(instance, run.points))
    thesis = next((r["N_C"] for r in published_rows() if ",".join(map(str, r["widths"])) == widths), None)
    check = "" if thesis is None else " (= thesis)" if found == thesis else f" (≠ thesis {thesis})"
    return f"phc -b: {run.seconds:.2f} s wall, {run.cpu_seconds:.2f} s cpu, {found} solutions{check}"


def warm(args: argparse.Namespace) -> int:
    """Warm solves of every thesis row, then warm CLI calls (and phc); returns the exit status."""
    failed = False
    print(f"# bench_scale --warm: seed {args.seed}, best of {args.repeat}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()}, {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; this = {ROOT}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_scale_warm_") as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LINNET_CRIT_CACHE": str(Path(tmp) / "cache")}
        spec = json.dumps({"seed": args.seed, "repeat": args.repeat})
        run = run_limited([sys.executable, "-c", _WARM_CHILD, spec], env, ROOT, args.time_limit)
        rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
        base_warm: dict[str, float] = {}
        if args.base:  # the base engine right after, in a cache of its own
            base_tree = Path(tmp) / "base"
            base_tree.mkdir()
            unpack(args.base, base_tree)
            base_env = {**env, "PYTHONPATH": str(base_tree), "LINNET_CRIT_CACHE": str(Path(tmp) / "base_cache")}
            base_run = run_limited([sys.executable, "-c", _WARM_CHILD, spec], base_env, base_tree, args.time_limit)
            base_warm = {f"{r['widths']}/{r['samples']}": r["warm_s"]
                         for r in map(json.loads, (l for l in base_run.stdout.splitlines() if l.startswith("{")))}
            if base_run.status != "ok":
                print(f"base warm run: {base_run.status}: {base_run.stderr.strip().splitlines()[-1:]}", flush=True)
        print(f"(a) warm solve inside Python, every thesis row (goal ≤ {WARM_GOAL} s)"
              + (f"; base {args.base} in the same run, then base/this" if args.base else ""))
        print(f"{'table':>5} {'widths':>9} {'m':>2} {'N_C':>5} {'thesis':>6} {'cold s':>7} {'warm s':>7}"
              + (f" {'base s':>7} {'×':>5}" if args.base else "") + "  check")
        slowest = 0.0
        for r in rows:
            notes = []
            if not r["cache_hit"]:
                notes.append("CACHE MISS")
            if r["warm"] != r["cold"] or not r["complete"]:
                notes.append(f"WARM {r['warm']} vs COLD {r['cold']}" + ("" if r["complete"] else ", INCOMPLETE"))
            failed |= bool(notes)
            if r["warm"] != r["thesis_N_C"]:
                notes.append("≠ thesis")
            notes.append("≤ goal" if r["warm_s"] <= WARM_GOAL else "OVER GOAL")
            slowest = max(slowest, r["warm_s"])
            base_s = base_warm.get(f"{r['widths']}/{r['samples']}")
            versus = "" if not args.base else (f" {base_s:>7.3f} {base_s / r['warm_s']:>5.2f}" if base_s else f" {'—':>7} {'':>5}")
            print(f"{r['table']:>5} {r['widths']:>9} {r['samples']:>2} {r['warm']:>5} {r['thesis_N_C']:>6} "
                  f"{r['cold_s']:>7.2f} {r['warm_s']:>7.3f}{versus}  {', '.join(notes)}", flush=True)
        if run.status != "ok":
            print(f"warm run: {run.status}: {run.stderr.strip().splitlines()[-1:] }", flush=True)
            failed = True
        print(f"slowest warm solve {slowest:.3f} s over {len(rows)} rows"
              + (f" (base: {max(base_warm.values()):.3f} s)" if base_warm else ""))
        print("(b) `linnet-crit solve --widths W --strict`, end to end with process start, warm cache, bytecode "
              "cached (one untimed call first)")
        # As installed: pip compiles the package's bytecode, a checkout caches it on the first run. Without
        # it (PYTHONDONTWRITEBYTECODE with an editable install) every call compiled the package: 0.06 s more.
        cli_env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        command = _cli_command() + ["solve", "--strict", "--no-progress", "--widths"]
        run_limited(command + [args.cli_rows.split(";")[0]], cli_env, Path(tmp), args.time_limit)
        cli_figures = []
        for widths in args.cli_rows.split(";"):
            walls = []
            for _ in range(args.repeat):
                cli = run_limited(command + [widths], cli_env, Path(tmp), args.time_limit)
                if cli.status != "ok":
                    print(f"{widths:>9}: {cli.status}: {cli.stderr.strip().splitlines()[-1:]}", flush=True)
                    failed = True
                    break
                walls.append(cli.wall)
                hit = "read from the cache file" in cli.stdout
            if walls:
                failed |= not hit
                phc = phc_time(widths, 0, args.time_limit, Path(tmp))
                cli_figures.append({"widths": widths, "walls": walls, "cache_read": hit, "phc": phc})
                print(f"{widths:>9}: best {min(walls):.2f} s of {', '.join(f'{w:.2f}' for w in walls)} s"
                      f"{'' if hit else ' (CACHE NOT READ)'}; {phc}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"time": time.time(), "warm": rows, "cli": cli_figures}, indent=1))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", help="';'-separated widths (default: the width and depth ladders)")
    parser.add_argument("--big", action="store_true", help=f"add {', '.join(BIG_ROWS)} to the default rows")
    parser.add_argument("--seed", type=int, default=0, help="data and solver seed")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds per solve process before it is killed")
    parser.add_argument("--base", help="git revision whose engine also solves the --base-rows (with --warm: every "
                        "thesis row, warm), in the same run")
    parser.add_argument("--base-rows", default=";".join(BASE_ROWS), help="';'-separated widths the base solves too")
    parser.add_argument("--executor", help="passed to solve(executor=) by an engine that accepts it")
    parser.add_argument("--workers", type=int, help="passed to solve(workers=) by an engine that accepts it")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--warm", action="store_true", help="time warm (cached) solves and CLI calls instead")
    parser.add_argument("--repeat", type=int, default=3, help="--warm: timings per row, the best counts")
    parser.add_argument("--cli-rows", default=";".join(CLI_ROWS), help="--warm: ';'-separated widths for the CLI")
    args = parser.parse_args(argv)
    return warm(args) if args.warm else scale(args)


if __name__ == "__main__":
    sys.exit(main())
