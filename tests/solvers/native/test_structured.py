"""The structure-aware method's building blocks and refusals."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import Architecture, Instance, PositiveDimensionalError, random_instance, solve
from linnet_crit.points import is_torus, match_rows, unique_rows
from linnet_crit.sign_flips import expand_orbits


def test_badly_scaled_points_keep_their_small_coordinates():
    """Regression (widths 1,4,4 lost 80 of 1921 points): 1e-5 next to 5e3 is not zero, and a sign
    flip of a neuron whose weights are tiny is a different point."""
    arch = Architecture((1, 2, 4))
    rng = np.random.default_rng(0)
    x = rng.standard_normal(arch.n_unknowns) * 5e3 + 0j
    x[[1, 3, 5, 7, 9]] *= 1e-8  # neuron 1: row of W_1 and column of W_2, ~5e-5
    assert is_torus(arch, x[None])[0]
    orbit = expand_orbits(arch, x[None])
    _, duplicate = unique_rows(orbit)
    assert not duplicate.any()
    assert match_rows(orbit, orbit[:1]).sum() == 1


def test_a_dead_neuron_is_off_the_torus():
    arch = Architecture((2, 2, 2))
    x = np.ones((1, arch.n_unknowns), dtype=complex)
    x[0, [2, 3, 5, 7]] = 1e-14  # row 1 of W_1 and column 1 of W_2
    assert not is_torus(arch, x)[0]


@pytest.mark.parametrize("seed", range(4))
def test_thesis_example_2_15_is_refused_as_positive_dimensional(seed):
    """W_1 = [a1 a2], W_2 = [b1; b2], X = [[1,2],[3,4]], Y = [[1,3],[2,4]], no regularization:
    a curve of critical points plus the origin."""
    arch = Architecture((2, 1, 2))
    inst = Instance(arch, [[1, 2], [3, 4]], [[1, 3], [2, 4]], [np.zeros((1, 2)), np.zeros((2, 1))], regularization="none")
    with pytest.raises(PositiveDimensionalError, match="regularization='generic'"):
        solve(inst, seed=seed)


def test_scalar_regularization_with_hidden_width_two_is_refused():
    with pytest.raises(PositiveDimensionalError):
        solve(random_instance((1, 2, 2), seed=0, regularization="scalar"), seed=0)


def test_full_orbit_mode_tracks_every_member_and_agrees():
    from linnet_crit import SolveOptions

    inst = random_instance((2, 2, 2), seed=4)
    fast, full = solve(inst, seed=4), solve(inst, seed=4, options=SolveOptions(full_orbits=True))
    assert full.n_paths_tracked > fast.n_paths_tracked
    assert match_rows(fast.solutions, full.solutions).all() and fast.n_solutions == full.n_solutions == 33


def test_targets_whose_paths_keep_failing_are_rerouted_through_a_midpoint(monkeypatch):
    """A straight segment can pass too close to the discriminant for any step size; the detour
    re-tracks every path of such a target through a random complex midpoint."""
    from linnet_crit import ReturnCode
    from linnet_crit.solvers.native import structured

    inst = random_instance((2, 2, 2), seed=3)
    reference = solve(inst, seed=3)
    straight = structured._track_with_retries

    def failing(*args, **kwargs):
        x, codes, tracked, steps = straight(*args, **kwargs)
        codes = codes.copy()
        codes[: len(codes) // 3] = ReturnCode.STEP_SIZE_TOO_SMALL
        return x, codes, tracked, steps

    monkeypatch.setattr(structured, "_track_with_retries", failing)
    rerouted = solve(inst, seed=3)
    assert rerouted.n_failed == 0 and rerouted.n_paths_tracked > reference.n_paths_tracked
    assert rerouted.n_solutions == 33 and match_rows(rerouted.solutions, reference.solutions).all()


def test_small_units_share_a_batch_and_large_ones_stay_alone():
    from linnet_crit import SolveOptions
    from linnet_crit.solvers.native import structured

    arch, options = Architecture((1, 3, 3, 1)), SolveOptions(cache=False)
    generic = structured.solve_generic(arch, 1, 0, options)
    units = structured.carry_units(arch, generic, options, max_paths=8)
    work = {sizes: structured.paths_per_alive_set(g, options) * arch.n_unknowns**2 for sizes, g in generic.items()}
    groups = structured.carry_groups(arch, generic, options, units)
    assert sorted(i for g in groups for i in g) == list(range(len(units)))
    # the shapes of 1,3,3,1 with paths are small enough to be embedded; the groups stay under their bound
    assert structured.embedded_sizes(arch, generic, options) == {s for s, g in generic.items() if g.n_orbits}
    assert len(groups) < len(units)
    for group in groups:
        assert sum((units[i][2] - units[i][1]) * work[units[i][0]] for i in group) <= structured.GROUP_WORK
    # a study of many instances embeds nothing: its batches are large already
    assert all(len(g) == 1 for g in structured.carry_groups(arch, generic, options, units, n_instances=100))
    # nor does a solve with one small shape only: embedded alone it would only pay for the larger network
    assert structured.embedded_sizes(Architecture((3, 3, 1)), structured.solve_generic(
        Architecture((3, 3, 1)), 1, 0, options), options) == frozenset()
