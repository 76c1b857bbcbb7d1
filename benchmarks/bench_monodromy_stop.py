"""How often would monodromy's stopping rule stop early? Estimated from the permutations of real loops.

For each shape (the widths of a network whose torus solutions monodromy collects, e.g. ``1,4,4``
for the full shape of widths 1,4,4): (1) ``generic_solutions`` with the default options collects
the orbits S; (2) ``--pool`` more loops are added to its loop graph and closed over S, and each
gives the permutation of S its loop induces (an orbit found only now is printed as a MISS: the run
stopped early — exit status 1). ``--loops bent`` (default) draws the engine's loops (``add_loop``:
the anchor petals, then bent edges; a loop is a bent edge followed by its petal's segment back);
``--loops petal`` a fresh petal per loop (segment out, arc back), the loops of the former engine.
(3) The discovery is replayed ``--runs`` times with loops drawn from the pool: K is the closure of
a random start orbit under the loops so far, and the next loop is one that moves K. Whenever
K ≠ S, a rule stops there when every loop it still runs keeps K:

* a loop closed over every orbit keeps K with probability p_K (the share of pool loops with π(K) = K),
* a check (one random orbit of K around a fresh loop) finds nothing with probability c_K (the mean
  share of K's orbits a pool loop maps into K),

so the probability of stopping early is estimated as E[Σ over the K ≠ S visited of p_K^f · c_K^t]
(first order), f the closed loops and t the checks the rule runs after the last find. Printed per
shape: orbits, pool loops, the largest p_K and c_K met, and for the rule of
``MonodromyOptions()`` (this tree's defaults), the early rule (``stall_loops=10,
min_loop_paths=200, checks=0``) and every ``--rules`` pair, the estimate and the confirming paths
at K = S (per orbit and closed loop, and per check: 1 path with bent edges, 2 with petals); a rule
runs t = min(checks, checks_per_orbit·|K|) checks at K (a pair "stall,checks" in ``--rules`` is a
fixed number). f is
max(stall_loops, ⌈min_loop_paths / (paths of a loop)⌉), which overstates the loops after the last
find when min_loop_paths binds (small K): the estimate is then optimistic.

The estimate is only as good as the pool: with 80 loops a p_K or c_K is known to about ±0.05, and
a loop kind the pool never drew (a branch point the loops rarely encircle) is not in it.

Run: ``python benchmarks/bench_monodromy_stop.py`` (``--shapes "1,3,3;1,4,4" --pool 80 --runs 400
--loops petal --rules "4,100;6,100;5,200,15"``).
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
FORMER = MonodromyOptions(stall_loops=10, min_loop_paths=200, checks=0, checks_per_orbit=0)


def loop_pool(arch: Architecture, pool: int, seed: int, kind: str = "bent") -> tuple[int, np.ndarray, int]:
    """(orbits the run found, the pool's permutations of all orbits, orbits only the pool found).

    ``kind``: "bent" — the loops the engine runs (one petal, then bent edges to it, each loop the
    edge and the petal's segment back); "petal" — a fresh petal per loop (segment out, arc back),
    the loops of the former engine."""
    # monodromy's own run (never the closed form): whether it stopped early is what is measured
    generic = generic_solutions(arch, 1, np.random.default_rng(seed), MonodromyOptions(closed_form=False))
    graph = _LoopGraph(arch, generic.base, np.random.default_rng([seed, 1]))
    graph.add_orbits(0, generic.representatives)
    for _ in range(pool):
        graph.add_petal() if kind == "petal" else graph.add_loop()
    stuck = graph.close(TrackerOptions())
    n = len(graph.known[0])
    segment = {}  # each petal's first edge: its segment
    for e, node in enumerate(graph.edge_node):
        segment.setdefault(node, e)
    loops = ([(2 * k, 2 * k + 1) for k in range(len(graph.edge_node) // 2)] if kind == "petal" else
             [(e, segment[node]) for e, node in enumerate(graph.edge_node) if e != segment[node]])
    perms = [graph.backward[back][graph.forward[out][:n]] for out, back in loops
             if out not in stuck and back not in stuck]
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


def early_stop(replays, options: MonodromyOptions, per_loop: int) -> float:
    """``per_loop``: paths per orbit of a loop (and per check): 1 for bent edges, 2 for petals."""
    total = 0.0
    for seq in replays:
        for k, keep_loop, keep_check in seq:
            closed = max(options.stall_loops, -(-options.min_loop_paths // (per_loop * k)))
            total += keep_loop**closed * keep_check**options.checks_needed(k)
    return total / max(len(replays), 1)


def confirming_paths(n: int, options: MonodromyOptions, per_loop: int) -> int:
    return per_loop * (n * max(options.stall_loops, -(-options.min_loop_paths // (per_loop * n)))
                       + options.checks_needed(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=";".join(SHAPES), help="';'-separated widths")
    parser.add_argument("--pool", type=int, default=80, help="loops whose permutations are recorded per shape")
    parser.add_argument("--runs", type=int, default=400, help="replays of the discovery per shape")
    parser.add_argument("--seed", type=int, default=0, help="seed of the monodromy, the pool and the replays")
    parser.add_argument("--loops", choices=("bent", "petal"), default="bent",
                        help="the kind of loop in the pool: the engine's bent edges, or the former fresh petals")
    parser.add_argument("--rules", default="", help="more rules to estimate, ';'-separated stall_loops,checks "
                        "pairs or stall_loops,checks,checks_per_orbit triples (a pair: a fixed number of "
                        "checks), e.g. \"6,100;5,200,15\"")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    now = MonodromyOptions()
    print(f"# bench_monodromy_stop: pool {args.pool} {args.loops} loops, {args.runs} replays, seed {args.seed}; this rule "
          f"stall_loops={now.stall_loops} min_loop_paths={now.min_loop_paths} checks={now.checks} "
          f"checks_per_orbit={now.checks_per_orbit}; former rule "
          f"stall_loops={FORMER.stall_loops} min_loop_paths={FORMER.min_loop_paths} checks={FORMER.checks}", flush=True)
    print(f"{'shape':>9} {'orbits':>6} {'loops':>5} {'max p_K':>7} {'max c_K':>7}   {'this rule':>9} {'paths':>5}"
          f"   {'former':>9} {'paths':>5}  {'s':>5}", flush=True)
    rows, missed = [], False
    per_loop = 1 if args.loops == "bent" else 2
    rng = np.random.default_rng(args.seed)
    for widths in (w.strip() for w in args.shapes.split(";") if w.strip()):
        t0 = time.perf_counter()
        arch = Architecture(tuple(int(x) for x in widths.split(",")))
        found, perms, extra = loop_pool(arch, args.pool, args.seed, args.loops)
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
               "this": early_stop(replays, now, per_loop), "this_paths": confirming_paths(n, now, per_loop),
               "former": early_stop(replays, FORMER, per_loop), "former_paths": confirming_paths(n, FORMER, per_loop),
               "seconds": time.perf_counter() - t0}
        for rule in (r.strip() for r in args.rules.split(";") if r.strip()):
            values = [int(v) for v in rule.split(",")]
            if len(values) not in (2, 3):
                parser.error(f"--rules: {rule!r} is not stall_loops,checks or stall_loops,checks,checks_per_orbit")
            stall_loops, checks = values[:2]
            other = MonodromyOptions(stall_loops=stall_loops, checks=checks,
                                     checks_per_orbit=values[2] if len(values) == 3 else checks)
            row[f"rule {rule}"] = (early_stop(replays, other, per_loop), confirming_paths(n, other, per_loop))
        rows.append(row)
        print(f"{widths:>9} {n:>6} {len(perms):>5} {row['max_keep_loop']:>7.2f} {row['max_keep_check']:>7.2f}   "
              f"{row['this']:>9.1e} {row['this_paths']:>5}   {row['former']:>9.1e} {row['former_paths']:>5}  "
              f"{row['seconds']:>5.0f}" + "".join(f"   {k}: {v[0]:.1e} {v[1]}" for k, v in row.items()
                                                    if k.startswith("rule ")), flush=True)
    if rows:
        worst = max(rows, key=lambda r: r["this"])
        print(f"largest estimate of this rule: {worst['this']:.1e} ({worst['shape']}); former rule: "
              f"{max(r['former'] for r in rows):.1e}")
    if args.json:
        args.json.write_text(json.dumps({"time": time.time(), "pool": args.pool, "loops": args.loops, "runs": args.runs, "seed": args.seed,
                                         "rows": rows}, indent=1))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
