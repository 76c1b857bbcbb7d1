"""How often would monodromy's stopping rule stop early? Estimated from the permutations of real loops.

For each shape (the widths of a network whose torus solutions monodromy collects, e.g. ``1,4,4``
for the full shape of widths 1,4,4): (1) ``generic_solutions`` with the default options collects
the orbits S; (2) ``--pool`` fresh petals are added to its loop graph and closed over S, and each
gives the permutation of S its loop induces (an orbit found only now is printed as a MISS: the run
stopped early — exit status 1); (3) the discovery is replayed ``--runs`` times with loops drawn
from the pool: K is the closure of a random start orbit under the loops so far, and the next loop is
one that moves K. Whenever K ≠ S, a rule stops there when every loop it still runs keeps K:

* a loop closed over every orbit keeps K with probability p_K (the share of pool loops with π(K) = K),
* a check (one random orbit of K around a fresh loop) finds nothing with probability c_K (the mean
  share of K's orbits a pool loop maps into K),

so the probability of stopping early is estimated as E[Σ over the K ≠ S visited of p_K^f · c_K^t]
(first order), f the closed loops and t the checks the rule runs after the last find. Printed per
shape: orbits, pool loops, the largest p_K and c_K met, and for the rule of
``MonodromyOptions()`` (this tree's defaults) and the former rule (``stall_loops=10,
min_loop_paths=200, checks=0``) the estimate and the confirming paths at K = S (2 per orbit per
closed loop, 2 per check). For the former rule f = max(stall_loops, ⌈min_loop_paths / 2|K|⌉), which
overstates the loops after the last find when min_loop_paths binds (small K): its estimate is then
optimistic.

The estimate is only as good as the pool: with 80 loops a p_K or c_K is known to about ±0.05, and
a loop kind the pool never drew (a branch point petals rarely encircle) is not in it.

Run: ``python benchmarks/bench_monodromy_stop.py`` (``--shapes "1,3,3;1,4,4" --pool 80 --runs 400``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linnet_crit import Architecture  # noqa: E402
from linnet_crit.options import MonodromyOptions, TrackerOptions  # noqa: E402
from linnet_crit.solvers.native.monodromy import _LoopGraph, generic_solutions  # noqa: E402

SHAPES = ("1,1,1", "1,1,2", "1,2,2", "2,2,2", "1,3,3", "1,1,1,2", "1,2,3", "1,2,4", "1,2,2,2", "1,4,4")
FORMER = MonodromyOptions(stall_loops=10, min_loop_paths=200, checks=0)


def loop_pool(arch: Architecture, pool: int, seed: int) -> tuple[int, np.ndarray, int]:
    """(orbits the run found, the pool's permutations of all orbits, orbits only the pool found)."""
    generic = generic_solutions(arch, 1, np.random.default_rng(seed))
    graph = _LoopGraph(arch, generic.base, np.random.default_rng([seed, 1]))
    graph.add_orbits(0, generic.representatives)
    for _ in range(pool):
        graph.add_petal()
    stuck = graph.close(TrackerOptions())
    n = len(graph.known[0])
    perms = [graph.backward[2 * k + 1][graph.forward[2 * k][:n]] for k in range(graph.n_loops)
             if 2 * k not in stuck and 2 * k + 1 not in stuck]
    return generic.n_orbits, np.array(perms, dtype=np.intp), n - generic.n_orbits


def _closure(start: set[int], perms: list[np.ndarray]) -> frozenset[int]:
    K, todo = set(start), list(start)
    while todo:
        i = todo.pop()
        for p in perms:
            j = int(p[i])
            if j not in K:
                K.add(j)
                todo.append(j)
    return frozenset(K)


def visited(perms: np.ndarray, runs: int, rng: np.random.Generator) -> list[list[tuple[int, float, float]]]:
    """Per replay, the (|K|, p_K, c_K) of every K ≠ S the discovery passed through."""
    n = perms.shape[1]
    memo: dict[frozenset[int], tuple[float, float]] = {}
    replays = []
    for _ in range(runs):
        K, used, seq = _closure({int(rng.integers(n))}, []), [], []
        while len(K) < n:
            idx = np.array(sorted(K))
            if K not in memo:
                inside = np.isin(perms[:, idx], idx).mean(axis=1)
                memo[K] = (float(np.mean(inside == 1.0)), float(np.mean(inside)))
            seq.append((len(K), *memo[K]))
            movers = perms[~np.isin(perms[:, idx], idx).all(axis=1)]
            if not len(movers):  # the pool cannot leave K: every rule stops here
                seq[-1] = (len(K), 1.0, 1.0)
                break
            used.append(movers[int(rng.integers(len(movers)))])
            K = _closure(K, used + [np.argsort(used[-1])])
        replays.append(seq)
    return replays


def early_stop(replays, options: MonodromyOptions) -> float:
    total = 0.0
    for seq in replays:
        for k, keep_loop, keep_check in seq:
            closed = max(options.stall_loops, -(-options.min_loop_paths // (2 * k)))
            total += keep_loop**closed * keep_check**options.checks
    return total / max(len(replays), 1)


def confirming_paths(n: int, options: MonodromyOptions) -> int:
    return 2 * n * max(options.stall_loops, -(-options.min_loop_paths // (2 * n))) + 2 * options.checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=";".join(SHAPES), help="';'-separated widths")
    parser.add_argument("--pool", type=int, default=80, help="loops whose permutations are recorded per shape")
    parser.add_argument("--runs", type=int, default=400, help="replays of the discovery per shape")
    parser.add_argument("--seed", type=int, default=0, help="seed of the monodromy, the pool and the replays")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    now = MonodromyOptions()
    print(f"# bench_monodromy_stop: pool {args.pool} loops, {args.runs} replays, seed {args.seed}; this rule "
          f"stall_loops={now.stall_loops} min_loop_paths={now.min_loop_paths} checks={now.checks}; former rule "
          f"stall_loops={FORMER.stall_loops} min_loop_paths={FORMER.min_loop_paths} checks={FORMER.checks}", flush=True)
    print(f"{'shape':>9} {'orbits':>6} {'loops':>5} {'max p_K':>7} {'max c_K':>7}   {'this rule':>9} {'paths':>5}"
          f"   {'former':>9} {'paths':>5}  {'s':>5}", flush=True)
    rows, missed = [], False
    rng = np.random.default_rng(args.seed)
    for widths in (w.strip() for w in args.shapes.split(";") if w.strip()):
        t0 = time.perf_counter()
        arch = Architecture(tuple(int(x) for x in widths.split(",")))
        found, perms, extra = loop_pool(arch, args.pool, args.seed)
        n = found + extra
        if extra:
            missed = True
            print(f"{widths:>9}: MISS — the run found {found} orbits, its pool {n}", flush=True)
        if n == 0 or not len(perms):
            print(f"{widths:>9}: no torus solutions or no loop came back", flush=True)
            continue
        replays = visited(perms, args.runs, rng)
        states = [s for seq in replays for s in seq]
        row = {"shape": widths, "orbits": n, "run_orbits": found, "loops": len(perms),
               "max_keep_loop": max((s[1] for s in states), default=0.0),
               "max_keep_check": max((s[2] for s in states), default=0.0),
               "this": early_stop(replays, now), "this_paths": confirming_paths(n, now),
               "former": early_stop(replays, FORMER), "former_paths": confirming_paths(n, FORMER),
               "seconds": time.perf_counter() - t0}
        rows.append(row)
        print(f"{widths:>9} {n:>6} {len(perms):>5} {row['max_keep_loop']:>7.2f} {row['max_keep_check']:>7.2f}   "
              f"{row['this']:>9.1e} {row['this_paths']:>5}   {row['former']:>9.1e} {row['former_paths']:>5}  "
              f"{row['seconds']:>5.0f}", flush=True)
    if rows:
        worst = max(rows, key=lambda r: r["this"])
        print(f"largest estimate of this rule: {worst['this']:.1e} ({worst['shape']}); former rule: "
              f"{max(r['former'] for r in rows):.1e}")
    if args.json:
        args.json.write_text(json.dumps({"time": time.time(), "pool": args.pool, "runs": args.runs, "seed": args.seed,
                                         "rows": rows}, indent=1))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
