"""Monodromy at generic parameters: start pairs, the rank check and the stopping rule."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import Architecture
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.solvers.native.monodromy import generic_solutions, random_complex_instance, start_pair
from linnet_crit.sign_flips import canonicalize, expand_orbits, orbit_size


def test_start_pair_is_a_critical_point():
    arch = Architecture((2, 3, 2))
    rng = np.random.default_rng(3)
    base, w0 = start_pair(arch, random_complex_instance(arch, 2, rng), rng)
    F = gradient(arch, w0[None], Parameters.of(base))
    assert np.abs(F).max() < 1e-12 * (1 + np.abs(w0).max())


@pytest.mark.parametrize("widths", [(2, 2, 2), (1, 2, 2, 1)])
def test_sign_flips_are_a_symmetry_for_every_parameter(widths):
    arch = Architecture(widths)
    rng = np.random.default_rng(0)
    base, w0 = start_pair(arch, random_complex_instance(arch, 1, rng), rng)
    orbit = expand_orbits(arch, w0[None])
    assert len(orbit) == orbit_size(arch)
    assert np.abs(gradient(arch, orbit, Parameters.of(base))).max() < 1e-12
    # every member has the same canonical representative
    assert np.allclose(canonicalize(arch, orbit), canonicalize(arch, w0[None]))


@pytest.mark.parametrize(
    ("widths", "torus"),
    [((1, 1, 1), 4), ((2, 2, 2), 16), ((1, 1, 1, 1), 16), ((1, 2, 2, 1), 64)],
)
def test_monodromy_collects_the_torus_solutions(widths, torus):
    arch = Architecture(widths)
    gen = generic_solutions(arch, 1, np.random.default_rng(1))
    assert gen.n_torus == torus
    assert "consecutive loops found no new orbit" in gen.report.info["stop"]  # the stopping rule, never a target count
    F = gradient(arch, expand_orbits(arch, gen.representatives), Parameters.of(gen.base))
    assert np.abs(F).max() < 1e-9


@pytest.mark.parametrize("widths", [(1, 2, 1), (3, 3, 2)])
def test_rank_deficient_start_map_means_no_torus_solutions(widths):
    """Engine notes, pitfall 1: W ↦ Λ(W) rank-deficient everywhere, so generic Λ has no torus point."""
    gen = generic_solutions(Architecture(widths), 1, np.random.default_rng(0))
    assert gen.degenerate and gen.n_torus == 0 and gen.report.info["rank_gap"] < 1e-12


def test_stall_counts_only_loops_that_tracked_every_known_orbit():
    """Regression: loops of a batch that started from fewer orbits than the batch found used to
    count towards the stall, and widths 1,1,2 stopped at 3 of 4 orbits for this data seed."""
    from linnet_crit import random_instance, solve

    result = solve(random_instance((1, 1, 2), seed=2968811710), seed=0)
    assert (result.n_solutions, result.n_torus()) == (9, 8)
