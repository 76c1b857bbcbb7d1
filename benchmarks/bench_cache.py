"""Cold against warm solves: what the disk cache of generic solution sets saves.

For each architecture one ``random_instance(widths, seed=--seed)`` is drawn and solved twice in
the same process with ``LINNET_CRIT_CACHE`` pointing at a fresh temporary folder: cold (monodromy,
then the set is stored) and warm (the set is read and verified, then only the parameter homotopy).
A third timing, ``load``, is :func:`~linnet_crit.solvers.native.structured.solve_generic` alone on
the warm cache (reading and re-checking the file). Seconds are wall time of the call inside
Python (start-up and imports excluded); both solves must give the same count, else the row says
``MISMATCH``.

Run: ``python benchmarks/bench_cache.py`` (widths 1,2,2 / 2,2,2 / 1,2,2,1 / 1,3,3 / 1,4,4),
``--widths 2,2,2 --widths 1,3,3`` picks rows, ``--json out.json`` keeps the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np

from linnet_crit import random_instance, solve
from linnet_crit.solvers.native.cache import CACHE_ENV
from linnet_crit.solvers import SolveOptions
from linnet_crit.solvers.native.structured import solve_generic

ROWS = ("1,2,2", "2,2,2", "1,2,2,1", "1,3,3", "1,4,4")


def _monodromy_paths(result) -> int:
    return sum(s.paths for s in result.stages if "cache" in s.info)


def bench(widths: str, seed: int) -> dict:
    """Cold and warm solve of one draw, each timed, in a fresh cache folder."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ[CACHE_ENV] = folder
        inst = random_instance(widths, seed=seed)
        t0 = time.perf_counter()
        cold = solve(inst, seed=seed, progress=False)
        t1 = time.perf_counter()
        warm = solve(inst, seed=seed, progress=False)
        t2 = time.perf_counter()
        generic = solve_generic(inst.architecture, inst.samples, np.random.default_rng(seed), SolveOptions())
        t3 = time.perf_counter()
        assert all(g.report.info["cache"] == "hit" for g in generic.values())
    return {
        "widths": widths,
        "n_cold": cold.n_solutions,
        "n_warm": warm.n_solutions,
        "complete": cold.complete and warm.complete,
        "cold_s": t1 - t0,
        "warm_s": t2 - t1,
        "load_s": t3 - t2,
        "ratio": (t1 - t0) / (t2 - t1),
        "cold_paths": cold.n_paths_tracked,
        "warm_paths": warm.n_paths_tracked,
        "cold_monodromy_paths": _monodromy_paths(cold),
        "warm_monodromy_paths": _monodromy_paths(warm),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", action="append", help="a row, e.g. 2,2,2 (repeatable); default: the five rows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args()
    print(f"{'widths':>9} {'N_C':>6} {'cold s':>8} {'warm s':>8} {'load s':>7} {'cold/warm':>9} "
          f"{'paths cold':>10} {'paths warm':>10} {'monodromy cold/warm':>19}  verdict")
    rows = []
    for widths in args.widths or ROWS:
        r = bench(widths, args.seed)
        rows.append(r)
        same = "same count" if r["n_cold"] == r["n_warm"] else f"MISMATCH {r['n_cold']} vs {r['n_warm']}"
        print(f"{widths:>9} {r['n_cold']:>6} {r['cold_s']:>8.2f} {r['warm_s']:>8.3f} {r['load_s']:>7.3f} "
              f"{r['ratio']:>9.1f} {r['cold_paths']:>10} {r['warm_paths']:>10} "
              f"{r['cold_monodromy_paths']:>9}/{r['warm_monodromy_paths']:<9}  {same}"
              + ("" if r["complete"] else ", INCOMPLETE"), flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
