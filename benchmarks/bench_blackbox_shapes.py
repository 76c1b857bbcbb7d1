"""Small shapes: the blackbox homotopy against monodromy, for the generic set at the same base point.

For each shape (the widths of a network whose torus solutions make a generic set, e.g. ``1,2,2``)
and seed, :func:`~linnet_crit.solvers.native.monodromy.generic_solutions` runs twice from the same
generator — once with the blackbox homotopy first whatever its size (``blackbox_paths`` unbounded),
once with monodromy only — so both solve at the same base point. Printed per shape: the start
system's paths B, mean CPU seconds and paths of each route, how many blackbox runs were not
certified (monodromy then ran after them, and their cost includes it), and the time ratio. Exit
status 1 when the two routes ever disagree on the orbits.

This is what ``MonodromyOptions.blackbox_paths`` is chosen from: the largest B up to which the
blackbox is no slower.

Run: ``python benchmarks/bench_blackbox_shapes.py`` (``--shapes "1,2,2;1,1,1,3" --seeds 3 --json out.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linnet_crit import Architecture  # noqa: E402
from linnet_crit.bounds import linear_product_paths  # noqa: E402
from linnet_crit.options import MonodromyOptions, SolveOptions  # noqa: E402
from linnet_crit.points import match_index  # noqa: E402
from linnet_crit.solvers.native.monodromy import generic_solutions  # noqa: E402

SHAPES = ("1,1,4", "1,1,1,2", "2,1,2", "3,1,2", "1,2,2", "1,1,1,3", "3,1,3", "1,2,3", "2,1,1,2")
#: Both routes compared: never the closed form of one-hidden-layer shapes, which would solve some of
#: these shapes before either runs.
ALWAYS = MonodromyOptions(blackbox_paths=2**62, closed_form=False)
ALONE = MonodromyOptions(closed_form=False)


def both_routes(arch: Architecture, seed: int, first: MonodromyOptions, alone: MonodromyOptions,
                blackbox: SolveOptions | None = None) -> tuple:
    """:func:`generic_solutions` with ``first`` and with ``alone``, each from ``default_rng(seed)`` (so
    at the same base point): both results, their CPU seconds, and whether their orbits agree."""
    t = time.process_time()
    one = generic_solutions(arch, 1, np.random.default_rng(seed), first, blackbox=blackbox)
    first_s = time.process_time() - t
    t = time.process_time()
    other = generic_solutions(arch, 1, np.random.default_rng(seed), alone)
    alone_s = time.process_time() - t
    same = one.n_orbits == other.n_orbits and bool(np.all(match_index(one.representatives, other.representatives) >= 0))
    return one, other, first_s, alone_s, same


def shape_arguments(argv: list[str] | None, name: str, description: str, shapes: tuple[str, ...]) -> argparse.Namespace:
    """``--shapes``, ``--seeds``, ``--json`` of the per-shape comparison ``name``, and its header line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--shapes", default=";".join(shapes), help="';'-separated widths of the shapes")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 … N−1 per shape")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    print(f"# {name}: {args.seeds} seeds, {os.cpu_count()} cores, "
          f"load {os.getloadavg()}, {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}", flush=True)
    return args


def finish(args: argparse.Namespace, rows: list[dict]) -> int:
    """Write ``--json``; exit status 1 when the routes disagreed on some shape."""
    if args.json:
        args.json.write_text(json.dumps({"time": time.time(), "seeds": args.seeds, "rows": rows}, indent=1))
    return 1 if any(row["disagree"] for row in rows) else 0


def compare(widths: str, seeds: int) -> dict:
    arch = Architecture.parse(widths)
    row = {"shape": widths, "start_paths": linear_product_paths(arch), "seeds": seeds, "blackbox_s": 0.0,
           "monodromy_s": 0.0, "blackbox_paths": 0, "monodromy_paths": 0, "not_certified": 0, "degenerate": 0,
           "disagree": 0}
    for seed in range(seeds):
        first, alone, first_s, alone_s, same = both_routes(arch, seed, ALWAYS, ALONE, SolveOptions())
        row["blackbox_s"] += first_s
        row["monodromy_s"] += alone_s
        row["blackbox_paths"] += first.report.paths
        row["monodromy_paths"] += alone.report.paths
        # a fallback records the blackbox's reason; a shape with no torus solutions tries neither route
        row["not_certified"] += "blackbox" in first.report.info
        row["degenerate"] += first.degenerate
        row["disagree"] += not same
    for key in ("blackbox_s", "monodromy_s", "blackbox_paths", "monodromy_paths"):
        row[key] /= seeds
    return row


def main(argv: list[str] | None = None) -> int:
    args = shape_arguments(argv, "bench_blackbox_shapes", __doc__.splitlines()[0], SHAPES)
    print(f"{'shape':>9} {'B':>5} | {'blackbox s':>10} {'paths':>6} {'not cert.':>9} | {'monodromy s':>11} "
          f"{'paths':>6} | {'time ratio':>10}")
    rows = []
    for widths in args.shapes.split(";"):
        row = compare(widths, args.seeds)
        rows.append(row)
        ratio = row["blackbox_s"] / max(row["monodromy_s"], 1e-9)
        print(f"{widths:>9} {row['start_paths']:>5} | {row['blackbox_s']:>10.2f} {row['blackbox_paths']:>6.0f} "
              f"{row['not_certified']:>9} | {row['monodromy_s']:>11.2f} {row['monodromy_paths']:>6.0f} | "
              + (f"{'—':>10}  (no torus solutions: start map rank-deficient, neither route tracks)"
               if row["degenerate"] == row["seeds"] else f"×{ratio:>9.2f}")
              + ("  ORBITS DISAGREE" if row["disagree"] else ""), flush=True)
    return finish(args, rows)


if __name__ == "__main__":
    sys.exit(main())
