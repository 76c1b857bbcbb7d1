"""Reduced systems of one-sample networks and their linear-product homotopy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from linnet_crit import Architecture
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.points import SAME_POINT, unique_rows
from linnet_crit.solvers.native.monodromy import random_complex_instance
from linnet_crit.solvers.native.reduced_homotopy import (
    OneHiddenLayer,
    TwoHiddenLayers,
    _LinearProductStart,
    _ProjectiveReduced,
    reduced_system,
    solve_reduced,
)


def _complex(rng, *shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def _system(widths: str, seed: int):
    arch = Architecture.parse(widths)
    return reduced_system(random_complex_instance(arch, 1, np.random.default_rng(seed)))


def _multidegree_bezout(system) -> int:
    """Independently: the coefficient of Π_g T_g^{n_g} in Π_i Σ_{factors f of i} T_{group(f)}, by SymPy."""
    T = sympy.symbols(f"T0:{len(system.groups)}")
    product = sympy.Mul(*[sympy.Add(*[T[g] for g in factors]) for factors in system.factors])
    monomial = sympy.Mul(*[t**n for t, n in zip(T, system.groups)])
    return int(sympy.Poly(sympy.expand(product), *T).coeff_monomial(monomial))


@pytest.mark.parametrize("widths", ["1,1,4", "1,2,3", "1,2,4", "1,3,4", "1,2,2,2", "1,3,3,1", "1,1,2,3"])
def test_the_start_points_number_the_bezout_number_and_are_distinct_roots(widths):
    system = _system(widths, 0)
    rng = np.random.default_rng(1)
    start = _LinearProductStart(system, rng)
    patch = _complex(rng, system.n_unknowns + 1)
    y = start.solutions(patch)
    assert len(y) == _multidegree_bezout(system)
    assert np.abs(start.evaluate(y)[0]).max() < 1e-9 and np.abs(y @ patch - 1).max() < 1e-9
    assert len(unique_rows(y, SAME_POINT)[0]) == len(y)


def test_the_bezout_number_of_one_hidden_layer_is_2_to_the_d_times_p_choose_d():
    for d, p in [(1, 4), (2, 3), (2, 4), (3, 4), (3, 6)]:
        assert _multidegree_bezout(_system(f"1,{d},{p}", 0)) == 2**d * sympy.binomial(p, d)


def _check_jacobian(evaluate, z):
    _, J = evaluate(z)
    for j in range(z.shape[1]):
        e = np.zeros(z.shape[1])
        e[j] = 1e-6
        difference = (evaluate(z + e)[0] - evaluate(z - e)[0]) / 2e-6
        assert np.abs(difference - J[:, :, j]).max() < 1e-6 * (1 + np.abs(J).max())


@pytest.mark.parametrize("widths", ["1,2,4", "1,2,3,2"])
def test_the_jacobians_are_the_derivatives(widths):
    system = _system(widths, 0)
    rng = np.random.default_rng(1)
    n = system.n_unknowns
    _check_jacobian(system.evaluate, _complex(rng, 3, n))
    start = _LinearProductStart(system, rng)
    _check_jacobian(start.evaluate, _complex(rng, 3, n + 1))
    hom = _ProjectiveReduced(system, start, 0.3 + 0.4j, _complex(rng, n + 1))
    t = np.array([0.1, 0.5, 0.9])
    _check_jacobian(lambda y: hom.evaluate(y, t), _complex(rng, 3, n + 1))
    y = _complex(rng, 3, n + 1)
    difference = (hom.evaluate(y, t + 1e-6)[0] - hom.evaluate(y, t - 1e-6)[0]) / 2e-6
    assert np.abs(difference - hom.derivative_t(y, t)).max() < 1e-6 * (1 + np.abs(difference).max())


@pytest.mark.parametrize(("widths", "seed"), [("1,2,3", 0), ("1,3,4", 1), ("1,2,2,1", 2), ("1,2,2,2", 3), ("1,1,2,3", 4)])
def test_every_path_is_accounted_for_and_the_points_are_critical(widths, seed):
    """The finite solutions, turned into weights, are critical points of the full system."""
    arch = Architecture.parse(widths)
    instance = random_complex_instance(arch, 1, np.random.default_rng(seed))
    system = reduced_system(instance)
    run = solve_reduced(system, seed=seed)
    assert run.accounted and run.n_paths == _multidegree_bezout(system) and run.seed == seed
    assert len(run.points) + run.n_at_infinity == run.n_paths and run.steps > run.n_paths
    F, _ = system.evaluate(run.points)
    assert np.abs(F).max() < 1e-9 * (1 + np.abs(run.points).max())
    weights = system.weights(run.points)
    residual = np.abs(gradient(arch, weights, Parameters.of(instance))).max(axis=1)
    assert np.all(residual < 1e-8 * (1 + np.abs(weights).max(axis=1)))


def test_the_seed_fixes_the_run():
    system = _system("1,2,2,1", 5)
    first, again = solve_reduced(system, seed=7), solve_reduced(system, seed=7)
    assert np.array_equal(first.points, again.points) and first.steps == again.steps


def test_the_systems_read_their_data_from_the_instance():
    assert isinstance(_system("1,2,3", 0), OneHiddenLayer) and isinstance(_system("1,2,3,2", 0), TwoHiddenLayers)
    assert _system("1,2,3,2", 0).groups == (2, 3, 2) and _system("1,2,3", 0).groups == (3, 2)
