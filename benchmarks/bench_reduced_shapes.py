"""One-sample shapes: the reduced system (closed form or its homotopy) against monodromy, at one base point.

For each shape of input width 1 with one or two hidden layers (e.g. ``1,2,4``, ``1,2,2,2``) and
seed, :func:`~linnet_crit.solvers.native.monodromy.generic_solutions` runs twice from the same
generator — once with the reduced system first (``closed_form=True``), once with monodromy only —
so both solve at the same base point (the blackbox is off in both: ``blackbox_paths=0``). Printed
per shape: the route taken, mean CPU seconds and paths of each, the reduced homotopy's paths at
infinity, how many reduced runs were refused (monodromy then ran after them, and their cost
includes it), the orbits, and the time ratio. Exit status 1 when the two ever disagree on the orbits.

Run: ``python benchmarks/bench_reduced_shapes.py`` (``--shapes "1,2,4;1,2,2,2" --seeds 3 --json out.json``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_blackbox_shapes import both_routes, finish, shape_arguments  # noqa: E402  (one home for the comparison)

from linnet_crit import Architecture  # noqa: E402
from linnet_crit.options import MonodromyOptions  # noqa: E402

SHAPES = ("1,2,3", "1,2,4", "1,3,4", "1,2,5", "1,2,2,1", "1,2,2,2", "1,2,3,2", "1,2,2,3", "1,3,3,3")
REDUCED = MonodromyOptions(blackbox_paths=0)
ALONE = MonodromyOptions(blackbox_paths=0, closed_form=False)


def compare(widths: str, seeds: int) -> dict:
    arch = Architecture.parse(widths)
    row = {"shape": widths, "seeds": seeds, "route": "", "reduced_s": 0.0, "monodromy_s": 0.0, "reduced_paths": 0,
           "at_infinity": 0, "monodromy_paths": 0, "orbits": 0, "refused": 0, "disagree": 0}
    for seed in range(seeds):
        first, alone, first_s, alone_s, same = both_routes(arch, seed, REDUCED, ALONE)
        row["reduced_s"] += first_s
        row["monodromy_s"] += alone_s
        row["route"] = first.report.info.get("route", "monodromy")
        row["reduced_paths"] += first.report.paths
        row["at_infinity"] += first.report.at_infinity
        row["monodromy_paths"] += alone.report.paths
        row["orbits"] += first.n_orbits
        row["refused"] += "closed_form" in first.report.info  # a refused reduced run says why there
        row["disagree"] += not same
    for key in ("reduced_s", "monodromy_s", "reduced_paths", "at_infinity", "monodromy_paths", "orbits"):
        row[key] /= seeds
    return row


def main(argv: list[str] | None = None) -> int:
    args = shape_arguments(argv, "bench_reduced_shapes", __doc__.splitlines()[0], SHAPES)
    print(f"{'shape':>9} {'route':>16} {'orbits':>7} | {'reduced s':>9} {'paths':>6} {'at inf.':>7} {'refused':>7} | "
          f"{'monodromy s':>11} {'paths':>6} | {'time ratio':>10}")
    rows = []
    for widths in args.shapes.split(";"):
        row = compare(widths, args.seeds)
        rows.append(row)
        ratio = row["reduced_s"] / max(row["monodromy_s"], 1e-9)
        print(f"{widths:>9} {row['route']:>16} {row['orbits']:>7.1f} | {row['reduced_s']:>9.3f} "
              f"{row['reduced_paths']:>6.0f} {row['at_infinity']:>7.1f} {row['refused']:>7} | {row['monodromy_s']:>11.3f} "
              f"{row['monodromy_paths']:>6.0f} | ×{ratio:>9.3f}" + ("  ORBITS DISAGREE" if row["disagree"] else ""),
              flush=True)
    return finish(args, rows)


if __name__ == "__main__":
    sys.exit(main())
