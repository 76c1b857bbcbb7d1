"""Special data: exact distinct count (Singular over GF(p)) against what the continuation route and
the structure-aware route (``method="auto"``) find, whether they call the count complete, and
their wall time (cold: each solve runs its own monodromy).

The cases are the acceptance suite's (tests/solvers/test_special_data.py), loaded from there so
that the data have one home.

Run: ``python benchmarks/bench_special_data.py [--seeds 0 1 2] [--methods continuation auto]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from linnet_crit import SolveOptions, solve
from linnet_crit.errors import LinnetCritError
from linnet_crit.verify.exact import exact_count

SUITE = Path(__file__).resolve().parent.parent / "tests" / "solvers" / "test_special_data.py"


def load_cases():
    spec = importlib.util.spec_from_file_location("special_data_suite", SUITE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES, module._instance


def run(inst, method: str, seed: int) -> tuple[str, str, str, float]:
    """(found, route, complete, seconds) of a cold solve (the disk cache off, so every method pays
    for its own monodromy); a raised error is reported by its class name."""
    start = time.perf_counter()
    try:
        result = solve(inst, method=method, seed=seed, progress=False, options=SolveOptions(cache=False))
        found, route, complete = str(len(result.solutions)), result.route, "yes" if result.complete else "NO"
    except LinnetCritError as exc:
        found, route, complete = type(exc).__name__, "-", "-"
    return found, route, complete, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--methods", nargs="+", default=["continuation", "auto"])
    args = parser.parse_args(argv)
    cases, instance = load_cases()
    head = f"{'case':26} {'widths':9} {'m':>1} {'exact':>6} {'seed':>4}"
    for method in args.methods:
        head += f" | {method[:12]:>12} {'route':>12} {'complete':>8} {'s':>6}"
    print(head)
    print("-" * len(head))
    for name, widths, m, data_seed, change in cases:
        inst = instance(widths, m, data_seed, change)
        count = exact_count(inst)
        exact = str(count.n_distinct) if count.dimension == 0 else f"dim {count.dimension}"
        for seed in args.seeds:
            line = f"{name:26} {','.join(map(str, widths)):9} {m:>1} {exact:>6} {seed:>4}"
            for method in args.methods:
                found, route, complete, seconds = run(inst, method, seed)
                line += f" | {found:>12} {route:>12} {complete:>8} {seconds:6.1f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
