"""The path tracker of this tree against a base revision's, side by side in one run.

Each engine runs in its own subprocess with ``PYTHONPATH`` pointing at its copy of the package:
this tree, and the base revision (``--base``, default ``main``) unpacked with ``git archive`` into
a temporary directory. Every row is a cold solve (no cache) of a random instance (seed 0) with
solver seed 0; the blackbox rows use ``method="blackbox"``. For each row and engine the script
prints the paths tracked, the mean predictor–corrector steps per path, the solve's wall and CPU
seconds and the base/this ratio of CPU seconds (on a shared machine the wall clock mostly measures
the neighbours), and it exits with status 1 when the two engines' counts or completeness verdicts
differ on any row.

Steps are counted by wrapping :func:`linnet_crit.solvers.native.tracker.track` where the solvers
import it, so both engines are measured the same way whatever their internals.

Run: ``python benchmarks/bench_tracker.py`` (``--rows 1,2,2 --blackbox 2,2,2`` to choose rows,
``--repeat 2`` to keep the best of several runs, ``--json out.json`` to keep the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = ("1,2,2", "2,2,2", "1,3,3", "1,4,4", "1,2,2,1", "1,2,2,2")
BLACKBOX_ROWS = ("2,2,2", "1,2,2,1")

#: Runs inside each engine's subprocess: one solve, its count and the tracker's totals as JSON.
_CHILD = r"""
import json, sys, time
import numpy as np
from linnet_crit import Architecture, random_instance, solve
from linnet_crit.solvers.native import tracker, structured, monodromy, blackbox

totals = {"paths": 0, "steps": 0}
original = tracker.track

def counted(hom, start, opts=None):
    result = original(hom, start, opts)
    totals["paths"] += len(result)
    totals["steps"] += int(np.sum(result.steps))
    return result

for module in (structured, monodromy, blackbox):
    module.track = counted
widths, method = sys.argv[1], sys.argv[2]
instance = random_instance(Architecture(tuple(int(w) for w in widths.split(","))), seed=0)
begin, cpu = time.perf_counter(), time.process_time()
result = solve(instance, method=method, seed=0, progress=False)
seconds, cpu = time.perf_counter() - begin, time.process_time() - cpu
# engines older than the completeness verdict have no ``complete``: None is compared as "unknown"
print(json.dumps({"count": result.n_solutions, "complete": getattr(result, "complete", None), "seconds": seconds, "cpu": cpu, **totals}))
"""


def unpack(revision: str, into: Path) -> Path:
    """The package of ``revision`` extracted under ``into`` (the directory to put on PYTHONPATH)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "linnet_crit"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def run(tree: Path, widths: str, method: str) -> dict:
    # cold solves: the disk cache of generic solution sets would turn this engine's monodromy into a file read
    env = {**os.environ, "PYTHONPATH": str(tree), "LINNET_CRIT_CACHE": "off"}
    # run inside the tree: ``python -c`` puts the working directory first on sys.path
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, widths, method], env=env, cwd=tree, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"engine at {tree} failed on widths {widths} ({method}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(tree: Path, widths: str, method: str, repeat: int) -> dict:
    """The run of least CPU time among ``repeat``; every run must give the same count."""
    runs = [run(tree, widths, method) for _ in range(repeat)]
    if len({r["count"] for r in runs}) != 1:
        raise SystemExit(f"engine at {tree} gave different counts on widths {widths}: {[r['count'] for r in runs]}")
    return min(runs, key=lambda r: r["cpu"])


def _columns(figures: dict) -> str:
    per_path = figures["steps"] / max(figures["paths"], 1)
    return f"{figures['paths']:>6} {per_path:>10.1f} {figures['seconds']:>7.2f} {figures['cpu']:>7.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git revision of the engine to compare against")
    parser.add_argument("--rows", default=";".join(ROWS), help="structured rows, ';'-separated widths")
    parser.add_argument("--blackbox", default=";".join(BLACKBOX_ROWS), help="blackbox rows, ';'-separated widths")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    jobs = [(w, "auto") for w in args.rows.split(";") if w] + [(w, "blackbox") for w in args.blackbox.split(";") if w]
    print(f"load average {os.getloadavg()}; base = {args.base}, this = {ROOT}")
    cols = f"{'paths':>6} {'steps/path':>10} {'wall s':>7} {'cpu s':>7}"
    header = f"{'widths':>9} {'method':>8} | {'count':>5} | {cols} (base) | {cols} (this) | cpu ratio"
    print(header)
    figures, mismatch = [], False
    with tempfile.TemporaryDirectory() as tmp:
        base_tree = unpack(args.base, Path(tmp))
        for widths, method in jobs:
            old = best(base_tree, widths, method, args.repeat)
            new = best(ROOT, widths, method, args.repeat)
            verdicts = (old["complete"], new["complete"])
            same = old["count"] == new["count"] and (None in verdicts or verdicts[0] == verdicts[1])
            mismatch |= not same
            print(
                f"{widths:>9} {method:>8} | {new['count']:>5}{'' if same else ' != ' + str(old['count'])} | "
                f"{_columns(old)}        | {_columns(new)}        | {old['cpu'] / new['cpu']:5.2f}x",
                flush=True,
            )
            figures.append({"widths": widths, "method": method, "base": old, "this": new})
    if args.json:
        args.json.write_text(json.dumps({"base": args.base, "time": time.time(), "rows": figures}, indent=1))
    if mismatch:
        print("counts differ between the engines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
