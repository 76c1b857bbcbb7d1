"""The reduced system of widths (1, d, p) and its two-homogeneous homotopy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from linnet_crit.solvers.native.reduced_homotopy import (
    _TwoHomogeneousStart,
    _ReducedSystem,
    bezout_number,
    solve_reduced,
)
from linnet_crit.points import SAME_POINT, unique_rows


def _data(p: int, d: int, seed: int):
    rng = np.random.default_rng(seed)
    c = lambda *shape: rng.standard_normal(shape) + 1j * rng.standard_normal(shape)  # noqa: E731
    return complex(c(1)[0]), c(p), c(d), c(p, d)


@pytest.mark.parametrize(("d", "p"), [(1, 1), (1, 4), (2, 3), (2, 4), (3, 4), (3, 6), (4, 7)])
def test_the_bezout_number_is_the_coefficient_of_the_multidegree(d, p):
    """Independently: the coefficient of Rᵖ·Sᵈ in (2R)ᵈ·(R + S)ᵖ, expanded by SymPy."""
    R, S = sympy.symbols("R S")
    coefficient = sympy.Poly(sympy.expand((2 * R) ** d * (R + S) ** p), R, S).coeff_monomial(R**p * S**d)
    assert bezout_number(d, p) == coefficient


def test_the_jacobians_are_the_derivatives():
    x, y, lam, mu = _data(4, 2, 0)
    rng = np.random.default_rng(1)
    z = rng.standard_normal((3, 6)) + 1j * rng.standard_normal((3, 6))
    for system in (_ReducedSystem(x, y, lam, mu), _TwoHomogeneousStart(4, 2, rng)):
        F, J = system.evaluate(z)
        for j in range(6):
            e = np.zeros(6)
            e[j] = 1e-6
            difference = (system.evaluate(z + e)[0] - system.evaluate(z - e)[0]) / 2e-6
            assert np.abs(difference - J[:, :, j]).max() < 1e-6 * (1 + np.abs(J).max())


@pytest.mark.parametrize(("d", "p"), [(2, 3), (2, 4), (3, 5)])
def test_the_start_points_are_the_start_systems_distinct_roots(d, p):
    start = _TwoHomogeneousStart(p, d, np.random.default_rng(0))
    points = start.solutions()
    assert len(points) == bezout_number(d, p)
    assert np.abs(start.evaluate(points)[0]).max() < 1e-10
    assert len(unique_rows(points, SAME_POINT)[0]) == len(points)


@pytest.mark.parametrize(("d", "p", "seed"), [(2, 3, 0), (2, 4, 1), (3, 4, 2), (2, 5, 3)])
def test_every_path_ends_at_a_distinct_nonsingular_root(d, p, seed):
    x, y, lam, mu = _data(p, d, seed)
    run = solve_reduced(x, y, lam, mu, seed=seed)
    assert run.n_paths == bezout_number(d, p) and run.seed == seed and run.steps > run.n_paths
    F, _ = _ReducedSystem(x, y, lam, mu).evaluate(run.points)
    assert np.abs(F).max() < 1e-10 * (1 + np.abs(run.points).max())
    assert np.all(run.conditions < 1e8)
    assert len(unique_rows(run.points, SAME_POINT)[0]) == run.n_paths


def test_the_seed_fixes_the_run():
    x, y, lam, mu = _data(4, 2, 5)
    first, again = solve_reduced(x, y, lam, mu, seed=7), solve_reduced(x, y, lam, mu, seed=7)
    assert np.array_equal(first.points, again.points) and first.steps == again.steps
