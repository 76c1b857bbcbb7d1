"""One data point: generic sets of input width 1, lifted to the input width asked for."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import Architecture, random_instance, solve
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.options import SolveOptions
from linnet_crit.points import is_torus
from linnet_crit.sign_flips import canonicalize
from linnet_crit.solvers.native import structured
from linnet_crit.solvers.native.input_width import lift_input_width, lifts
from linnet_crit.solvers.native.monodromy import generic_solutions
from linnet_crit.solvers.native.structured import solve_generic

OFF = SolveOptions(cache=False)


def test_only_one_data_point_and_a_wider_input_lift():
    assert lifts(Architecture((2, 2, 1)), 1) and lifts(Architecture((3, 1, 1, 2)), 1)
    assert not lifts(Architecture((1, 2, 2)), 1) and not lifts(Architecture((2, 2, 1)), 2)


@pytest.mark.parametrize("widths", ["2,2,2", "3,2,2,1", "3,1,3"])
def test_lifted_points_are_torus_critical_points_at_a_generic_base(widths):
    arch = Architecture.parse(widths)
    narrow = generic_solutions(arch.for_counting(1), 1, np.random.default_rng(0))
    lifted = lift_input_width(narrow, arch, np.random.default_rng(1))
    base = lifted.base
    assert lifted.architecture == arch and lifted.n_orbits == narrow.n_orbits > 0
    # a generic base: X and Λ₁ drawn at random, nothing zero; Y and the later Λ are the narrow base's
    assert np.all(base.X != 0) and np.all(base.lambdas[0] != 0) and np.iscomplexobj(base.X)
    assert np.array_equal(base.Y, narrow.base.Y) and all(np.array_equal(a, b) for a, b in zip(base.lambdas[1:], narrow.base.lambdas[1:]))
    reps = lifted.representatives
    residual = np.abs(gradient(arch, reps, Parameters.of(base))).max(axis=1)
    assert np.all(residual <= 1e-9 * (1 + np.abs(reps).max(axis=1)))
    assert is_torus(arch, reps).all() and np.allclose(canonicalize(arch, reps), reps)
    # the map back: W₁x / x′ is the narrow network's first layer (up to the sign flips)
    first = arch.split(reps)[0] @ base.X / narrow.base.X[0, 0]
    back = np.concatenate([first.reshape(len(reps), -1), reps[:, arch.offsets[1]:]], axis=1)
    narrow_arch = arch.for_counting(1)
    assert np.allclose(np.sort_complex(canonicalize(narrow_arch, back).ravel()),
                       np.sort_complex(narrow.representatives.ravel()), atol=1e-8)


@pytest.mark.parametrize("widths", ["2,2,2", "3,1,2", "2,1,1,2"])
def test_monodromy_at_the_full_input_width_finds_the_same_orbits(widths):
    """The lift against an independent computation: monodromy run on the wide shape itself."""
    arch = Architecture.parse(widths)
    direct = generic_solutions(arch, 1, np.random.default_rng(5))
    lifted = lift_input_width(generic_solutions(arch.for_counting(1), 1, np.random.default_rng(6)), arch,
                              np.random.default_rng(7))
    assert direct.n_orbits == lifted.n_orbits > 0


def test_a_wide_solve_tracks_the_paths_of_input_width_one():
    wide = solve(random_instance("3,2,2,1", seed=2), seed=4, options=OFF)
    narrow = solve(random_instance("1,2,2,1", seed=2), seed=4, options=OFF)
    assert wide.complete and wide.n_solutions == narrow.n_solutions
    generic_stages = [s for s in wide.stages if "→" in s.name]
    assert [s.name for s in generic_stages][-1] == "reduced homotopy 1,2,2,1 → 3,2,2,1"
    generic_routes = ("monodromy", "blackbox", "reduced homotopy", "closed form")
    assert sum(s.paths for s in generic_stages) == sum(s.paths for s in narrow.stages if s.name.startswith(generic_routes))
    assert generic_stages[-1].info["lift"] == "1,2,2,1 at input width 1, lifted to 3,2,2,1 (m = 1)"


def test_a_lift_that_does_not_refine_is_solved_directly(monkeypatch):
    monkeypatch.setattr(structured, "lift_input_width", lambda *args: None)
    arch = Architecture.parse("2,2,2")
    generic = solve_generic(arch, 1, 0, OFF)
    assert all("solved directly" in g.report.info["lift"] for g in generic.values())
    assert all(g.architecture == arch.subnetwork(s) and g.report.name.endswith(str(arch.subnetwork(s)))
               for s, g in generic.items())
    result = solve(random_instance("2,2,2", seed=0), seed=0, options=OFF)
    assert result.complete and result.n_solutions == 33


def test_the_cache_keeps_the_input_width_one_sets_for_every_input_width(tmp_path, monkeypatch):
    monkeypatch.setenv("LINNET_CRIT_CACHE", str(tmp_path))
    solve(random_instance("2,2,2", seed=0), seed=0)
    assert [p.name.split("-m1-")[0] for p in tmp_path.iterdir()] == ["generic-1-2-2"]
    again = solve(random_instance("3,2,2", seed=1), seed=1)
    lifted = [s for s in again.stages if "→" in s.name]
    assert again.complete and lifted and all(s.info["cache"] == "hit" for s in lifted)
