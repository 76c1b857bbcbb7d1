"""Batch evaluation of F and its Jacobian: the matrix-product evaluator against lambdified SymPy.

Both evaluate the same system (exact SymPy equations of one seeded random instance) at the same
random complex points; the script checks that they agree, times each (best of ``--repeat``,
setup excluded: building and lambdifying the SymPy Jacobian is reported separately) and prints
the speed-up. It exits with status 1 when the speed-up is below ``--require``.

Run: ``python benchmarks/bench_evaluate.py`` (defaults: widths 3,3,3,3, 10 000 points).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import numpy as np
import sympy as sp

from linnet_crit.architecture import Architecture
from linnet_crit.data import random_instance
from linnet_crit.numeric import Parameters, gradient_and_jacobian
from linnet_crit.system import gradient_system


def best_time(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Shortest wall time of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def lambdified(widths: tuple[int, ...], seed: int) -> tuple[Callable, Callable, float]:
    """F and J of the exact system as numpy functions of the columns of the points; setup seconds."""
    start = time.perf_counter()
    system = gradient_system(random_instance(widths, seed=seed))
    f = sp.lambdify(system.variables, list(system.equations), "numpy")
    j = sp.lambdify(system.variables, [list(row) for row in system.jacobian()], "numpy")
    return f, j, time.perf_counter() - start


def sympy_F_and_J(f: Callable, j: Callable, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    columns = list(x.T)
    shape = (x.shape[0],)
    F = np.stack([np.broadcast_to(v, shape) for v in f(*columns)], axis=-1)
    J = np.stack([np.stack([np.broadcast_to(v, shape) for v in row], axis=-1) for row in j(*columns)], axis=-2)
    return F, J


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="3,3,3,3")
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--require", type=float, default=20.0, help="minimum speed-up (exit 1 below it)")
    args = parser.parse_args(argv)

    arch = Architecture.parse(args.widths)
    instance = random_instance(arch, seed=args.seed)
    params = Parameters.of(instance)
    rng = np.random.default_rng(args.seed)
    x = rng.standard_normal((args.points, arch.n_unknowns)) + 1j * rng.standard_normal((args.points, arch.n_unknowns))

    f, j, setup = lambdified(arch.widths, args.seed)
    t_products, (F, J) = best_time(lambda: gradient_and_jacobian(arch, x, params), args.repeat)
    t_sympy, (F_s, J_s) = best_time(lambda: sympy_F_and_J(f, j, x), args.repeat)
    error = max(np.max(np.abs(F - F_s)) / np.max(np.abs(F_s)), np.max(np.abs(J - J_s)) / np.max(np.abs(J_s)))
    ratio = t_sympy / t_products

    print(f"widths {arch} (N = {arch.n_unknowns}), {args.points} complex points, seed {args.seed}, best of {args.repeat}")
    print(f"matrix products    F and J: {t_products:8.3f} s")
    print(f"lambdified SymPy   F and J: {t_sympy:8.3f} s   (setup, not timed above: {setup:.1f} s)")
    print(f"max relative difference:    {error:.1e}")
    print(f"speed-up: {ratio:.1f}x (required {args.require:g}x)")
    if error > 1e-10:
        print("the evaluators disagree", file=sys.stderr)
        return 1
    return 0 if ratio >= args.require else 1


if __name__ == "__main__":
    sys.exit(main())
