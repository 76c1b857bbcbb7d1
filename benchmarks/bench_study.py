"""Studies of 100 data draws per thesis row: time, path economy and the thesis columns.

For every row of thesis Table 3.1 (and Table 3.2 with ``--table 3.2`` or ``--table all``) it runs
``study(widths, draws=…, seed=…, workers=…)`` — one monodromy per architecture, then one parameter
homotopy batch per draw — and prints per row: wall seconds, CPU seconds of this process and its
workers, paths tracked (monodromy + draws), paths per critical point found (amortized, with and
without the monodromy), N_C, N_C* and max N_R against the thesis, and whether every draw found the
same counts. Then one cold ``solve`` per row (monodromy included): its paths per solution.

The issue's acceptance: total study time for all Table 3.1 rows ≤ 600 s on 2 cores, paths per
solution ≤ 1 amortized over 100 draws. The script exits with status 1 when a row's N_C or N_C*
differs from the thesis or the paths per solution exceed 1, and prints whether the time limit
was met (the machine may be shared; the limit is reported, not enforced).

Run: ``python benchmarks/bench_study.py`` (Table 3.1, 100 draws, seed 0, 2 workers);
``--json out.json`` also writes every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from dataclasses import asdict, dataclass

from linnet_crit import published_rows, random_instance, solve, study

TIME_LIMIT = 600.0


@dataclass(frozen=True)
class RowFigures:
    """What one thesis row measured: the study over many draws and one cold solve."""

    table: str
    widths: tuple[int, ...]
    thesis_N_C: int
    thesis_N_Cstar: int
    thesis_max_N_R: int | None
    seconds: float
    cpu_seconds: float
    generic_paths: int
    total_paths: int
    solutions: int
    paths_per_solution: float
    draw_paths_per_solution: float
    N_C: int
    N_Cstar: int
    max_N_R: int
    all_draws_agree: bool
    failed_paths: int
    cold_seconds: float
    cold_paths: int
    cold_solutions: int
    n_solutions_counts: dict[int, int]
    odd_draws: tuple[dict, ...]

    @property
    def cold_paths_per_solution(self) -> float:
        return self.cold_paths / max(1, self.cold_solutions)

    @property
    def counts_match(self) -> bool:
        return (self.N_C, self.N_Cstar) == (self.thesis_N_C, self.thesis_N_Cstar) and self.all_draws_agree


def cpu_now() -> float:
    """User + system CPU seconds of this process and its finished children (the study workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure_row(row: dict, draws: int, seed: int, workers: int) -> RowFigures:
    """One study of ``draws`` draws and one cold solve of the row's architecture."""
    widths = tuple(row["widths"])
    cpu0, t0 = cpu_now(), time.perf_counter()
    res = study(widths, draws=draws, seed=seed, workers=workers, progress=False)
    seconds, cpu = time.perf_counter() - t0, cpu_now() - cpu0
    cols = res.thesis_columns()
    solutions = int(res.column("n_solutions").sum())
    cold = solve(random_instance(widths, seed=seed), seed=seed)
    return RowFigures(
        table=row["table"], widths=widths, thesis_N_C=row["N_C"], thesis_N_Cstar=row["N_Cstar"],
        thesis_max_N_R=row.get("max_N_R", row.get("max_N_R_printed")),
        seconds=seconds, cpu_seconds=cpu, generic_paths=res.generic_paths, total_paths=res.total_paths,
        solutions=solutions, paths_per_solution=res.paths_per_solution,
        draw_paths_per_solution=int(res.column("n_paths").sum()) / max(1, solutions),
        N_C=cols["N_C"], N_Cstar=cols["N_Cstar"], max_N_R=cols["max_N_R"],
        all_draws_agree=cols["all_draws_agree"], failed_paths=int(res.column("n_failed").sum()),
        cold_seconds=cold.seconds, cold_paths=cold.n_paths_tracked, cold_solutions=cold.n_solutions,
        n_solutions_counts=res.n_solutions_counts, odd_draws=odd_draws(res.draws, cols["N_C"]),
    )


def odd_draws(draws, most: int) -> tuple[dict, ...]:
    """Draws that found fewer points than the best draw or had failed paths (to reproduce them)."""
    return tuple(
        {"draw": d.draw, "seed": d.seed, "n_solutions": d.n_solutions, "n_torus": d.n_torus, "n_failed": d.n_failed}
        for d in draws
        if d.n_solutions < most or d.n_failed
    )


HEADER = (
    f"{'table':>5} {'widths':<9} {'sec':>7} {'cpu s':>7} {'paths':>8} {'p/sol':>6} {'p/sol draws':>11} "
    f"{'N_C':>9} {'N_C*':>9} {'max N_R':>9} {'agree':>5} {'fail':>4} | "
    f"{'cold s':>7} {'cold paths':>10} {'cold p/sol':>10}"
)


def format_row(f: RowFigures) -> str:
    """One table line; counts as found/thesis."""
    widths = ",".join(map(str, f.widths))
    return (
        f"{f.table:>5} {widths:<9} {f.seconds:7.1f} {f.cpu_seconds:7.1f} {f.total_paths:8d} "
        f"{f.paths_per_solution:6.3f} {f.draw_paths_per_solution:11.3f} "
        f"{f'{f.N_C}/{f.thesis_N_C}':>9} {f'{f.N_Cstar}/{f.thesis_N_Cstar}':>9} "
        f"{f'{f.max_N_R}/{f.thesis_max_N_R}':>9} {'yes' if f.all_draws_agree else 'NO':>5} {f.failed_paths:4d} | "
        f"{f.cold_seconds:7.2f} {f.cold_paths:10d} {f.cold_paths_per_solution:10.2f}"
    )


def selected_rows(table: str, only: list[str] | None) -> list[dict]:
    """Published rows of the chosen table(s), optionally restricted to some widths."""
    rows = [r for r in published_rows() if table == "all" or r["table"] == table]
    if only:
        wanted = {tuple(int(w) for w in s.split(",")) for s in only}
        rows = [r for r in rows if tuple(r["widths"]) in wanted]
    return rows


def verdict(figures: list[RowFigures], total: float) -> tuple[list[str], bool]:
    """Lines about the acceptance criteria and whether the counts and path economy passed."""
    wrong = [f for f in figures if not f.counts_match]
    costly = [f for f in figures if f.paths_per_solution > 1.0]
    t31 = sum(f.seconds for f in figures if f.table == "3.1")
    lines = [
        f"total study wall time {total:.1f} s; Table 3.1 rows {t31:.1f} s "
        f"({'within' if t31 <= TIME_LIMIT else 'OVER'} the {TIME_LIMIT:.0f} s limit)",
        f"rows with counts differing from the thesis or between draws: {len(wrong)}"
        + "".join(f"\n  {','.join(map(str, f.widths))}" for f in wrong),
        f"rows above 1 path per solution (monodromy included): {len(costly)}"
        + "".join(f"\n  {','.join(map(str, f.widths))}: {f.paths_per_solution:.3f}" for f in costly),
    ]
    return lines, not wrong and not costly


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", choices=["3.1", "3.2", "all"], default="3.1")
    parser.add_argument("--widths", action="append", help="only these rows (e.g. 2,2,2); repeatable")
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args(argv)
    print(f"# bench_study: table {args.table}, {args.draws} draws, seed {args.seed}, "
          f"{args.workers} workers, {os.cpu_count()} cores, load average {os.getloadavg()}", flush=True)
    print(HEADER, flush=True)
    figures, t0 = [], time.perf_counter()
    for row in selected_rows(args.table, args.widths):
        figures.append(measure_row(row, args.draws, args.seed, args.workers))
        print(format_row(figures[-1]), flush=True)
        for odd in figures[-1].odd_draws:
            print(f"      draw {odd['draw']} (data seed {odd['seed']}): {odd['n_solutions']} points, "
                  f"{odd['n_torus']} in the torus, {odd['n_failed']} failed paths", flush=True)
    total = time.perf_counter() - t0
    lines, ok = verdict(figures, total)
    print("\n".join(lines))
    print(f"# load average at the end {os.getloadavg()}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"args": vars(args), "total_seconds": total, "load_average_end": os.getloadavg(),
                       "rows": [asdict(f) | {"cold_paths_per_solution": f.cold_paths_per_solution}
                                for f in figures]}, fh, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
