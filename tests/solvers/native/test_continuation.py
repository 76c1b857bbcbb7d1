"""The continuation route's parts: Cauchy endgame, point clustering, local dimension test, and the
whole route against the structure-aware one on generic data."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import solve
from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, random_instance
from linnet_crit.numeric.local_dimension import instance_system, local_dimension
from linnet_crit.results import ReturnCode
from linnet_crit.solvers.native.continuation import _canonical, solve_continuation
from linnet_crit.points import cluster_rows, match_rows, unique_rows
from linnet_crit.solvers.native.endgame import cauchy_endgame, segment
from linnet_crit.solvers.native.homotopies import ParameterHomotopy
from linnet_crit.solvers.native.monodromy import random_complex_instance
from linnet_crit.solvers.native.structured import solve_generic, solve_structured
from linnet_crit.sign_flips import expand_orbits
from linnet_crit.solvers.native.tracker import track
from linnet_crit.options import CauchyEndgameOptions, SolveOptions
from linnet_crit.verify.exact import exact_count, singular_executable

ONE = Architecture((1, 1, 1))


def _scalar_111(x: float, y: float, lam: float) -> Instance:
    return Instance(ONE, X=[[x]], Y=[[y]], lambdas=[[[lam]], [[lam]]])


def _paths_to(target: Instance, seed: int = 0):
    """The five generic solutions of widths 1,1,1 at a complex base, tracked to t = 0.9 of the
    homotopy to ``target``."""
    rng = np.random.default_rng(seed)
    base = random_complex_instance(ONE, 1, rng)
    start = solve_structured(base, rng, SolveOptions()).points
    hom = ParameterHomotopy(ONE, base, target)
    res = track(segment(hom, 0.0, 1.0 - CauchyEndgameOptions().start_radius, len(start)), start)
    assert res.success.all()
    return hom, res.x


def test_endgame_finds_the_winding_number_two_path_into_the_triple_origin():
    # x = y = λ = 1: F_a = (ab − 1)b + a, F_b = (ab − 1)a + b, F_a − F_b = (a − b)(2 − ab).
    # a = b gives a³ = 0: both torus paths of that branch fall into the origin, a triple point;
    # ab = 2 gives a = −b = ±i√2, two simple points.
    hom, x = _paths_to(_scalar_111(1.0, 1.0, 1.0))
    game = cauchy_endgame(hom, x)
    assert all(c is ReturnCode.SUCCESS for c in game.codes)
    at_origin = np.abs(game.x).max(axis=1) < 1e-8
    assert at_origin.sum() == 3  # the origin's own path and the two of the a = b branch
    assert sorted(game.winding[at_origin].tolist()) == [1, 2, 2]
    np.testing.assert_allclose(np.sort(np.abs(game.x[~at_origin]).ravel()), np.sqrt(2.0) * np.ones(4), rtol=1e-10)
    assert set(game.winding[~at_origin].tolist()) == {1}


def test_endgame_sends_paths_to_infinity_when_the_data_vanish():
    # X = 0: F = Λ∘W, whose only solution is the origin; the four torus paths must diverge.
    hom, x = _paths_to(_scalar_111(0.0, 1.0, 1.0))
    game = cauchy_endgame(hom, x)
    finite = np.array([c is ReturnCode.SUCCESS for c in game.codes])
    infinite = np.array([c is ReturnCode.AT_INFINITY for c in game.codes])
    assert finite.sum() == 1 and infinite.sum() == 4
    assert np.abs(game.x[finite]).max() < 1e-10
    assert np.all(game.valuation[infinite] < 0)


def test_cluster_rows_agrees_with_unique_rows_on_badly_scaled_points():
    rng = np.random.default_rng(1)
    points = rng.standard_normal((40, 6)) + 1j * rng.standard_normal((40, 6))
    points[:, 0] *= 1e-5  # tiny next to large coordinates, as at real data
    points[:, 1] *= 5e3
    copies = points[rng.integers(0, 40, 60)] * (1 + 1e-9 * rng.standard_normal((60, 1)))
    near = points[:5].copy()
    near[:, 0] *= 1.001  # differs only in the tiny coordinate: another point
    rows = np.concatenate([points, copies, near])
    labels = cluster_rows(rows)
    keep, duplicate = unique_rows(rows)
    assert len(np.unique(labels)) == len(keep) == 45
    # same label ⇔ same point
    for i in range(len(rows)):
        same = labels == labels[i]
        assert match_rows(rows[same], rows[i : i + 1]).all()


def test_cluster_rows_floor_merges_points_known_only_to_endgame_accuracy():
    rng = np.random.default_rng(2)
    point = rng.standard_normal((1, 4)) + 0j
    point[0, 2] = 0.0
    noisy = point + 1e-9 * rng.standard_normal((3, 4))
    assert len(np.unique(cluster_rows(noisy))) > 1  # per-coordinate relative: the zero tells them apart
    assert len(np.unique(cluster_rows(noisy, floor=1e-1))) == 1


def test_local_dimension_tells_an_isolated_singular_point_from_a_curve():
    triple = _scalar_111(1.0, 1.0, 1.0)  # the origin: Jacobian [[1, −1], [−1, 1]], singular, isolated
    _, J = instance_system(triple)(np.zeros(2))
    assert np.linalg.matrix_rank(J) == 1
    assert local_dimension(instance_system(triple), np.zeros(2)) == 0
    curve = _scalar_111(1.0, 2.0, 0.0)  # Λ = 0: the curve ab = 2
    assert local_dimension(instance_system(curve), np.array([1.0, 2.0])) == 1
    assert local_dimension(instance_system(curve), np.array([-4.0, -0.5])) == 1


def test_canonical_form_identifies_orbits_of_points_with_dead_neurons():
    arch = Architecture((1, 2, 2, 1))
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, arch.n_unknowns)) + 1j * rng.standard_normal((1, arch.n_unknowns))
    x[0, 0] = 0  # W1 row 0 …
    x[0, arch.offsets[1] + np.array([0, 2])] = 0  # … and W2 column 0: neuron 0 of layer 1 is dead
    orbit = expand_orbits(arch, x)
    canon = _canonical(arch, orbit)
    assert np.allclose(canon, canon[0])


@pytest.mark.parametrize(("widths", "samples"), [((1, 1, 1), 1), ((2, 2, 2), 1), ((1, 1, 1, 1), 1)])
def test_continuation_agrees_point_for_point_with_the_structured_route_on_generic_data(widths, samples):
    inst = random_instance(widths, samples=samples, seed=4)
    options = SolveOptions()
    generic = solve_generic(inst.architecture, samples, np.random.default_rng(0), options)
    structured = solve_structured(inst, np.random.default_rng(1), options, generic=generic).points
    run = solve_continuation(inst, np.random.default_rng(2), options, generic=generic)
    assert not run.warnings
    assert len(run.points) == len(structured)
    assert match_rows(run.points, structured).all() and match_rows(structured, run.points).all()
    assert np.all(run.multiplicities == 1)
    assert run.residuals.max() < 1e-10


@pytest.mark.skipif(singular_executable() is None, reason="Singular (extra 'exact') is not installed")
def test_solve_reports_multiplicities_that_match_singular():
    inst = _scalar_111(1.0, 1.0, 1.0)
    result = solve(inst, method="continuation", seed=0)
    exact = exact_count(inst)
    assert result.route == "continuation" and result.complete
    assert len(result.solutions) == exact.n_distinct
    assert int(result.multiplicities.sum()) == exact.n_solutions  # every path ended at a finite point
    origin = np.flatnonzero(np.abs(result.solutions).max(axis=1) == 0)
    assert result.multiplicities[origin].tolist() == [exact.origin_multiplicity]


def test_undecided_paths_become_warnings_not_a_silent_count():
    # An endgame allowed a single radius cannot confirm any Cauchy estimate: the two paths into
    # the triple origin stay undecided, and the run must say so.
    inst = _scalar_111(1.0, 1.0, 1.0)
    run = solve_continuation(inst, np.random.default_rng(0), SolveOptions(cauchy=CauchyEndgameOptions(min_radius=0.05)))
    assert run.warnings and "failed" in run.warnings[0]
    assert len(run.failed) >= 1


@pytest.mark.slow
@pytest.mark.parametrize("widths", [(1, 3, 3), (2, 3, 3), (1, 2, 2, 1)])
def test_continuation_agrees_with_the_structured_route_on_three_draws(widths):
    # seed 0 of widths 2,3,3 had a path jump in the endgame onto a straight finish's end point
    options = SolveOptions()
    generic = solve_generic(Architecture(widths), 1, np.random.default_rng(0), options)
    for seed in range(3):
        inst = random_instance(widths, seed=seed)
        structured = solve_structured(inst, np.random.default_rng(1), options, generic=generic).points
        run = solve_continuation(inst, np.random.default_rng(2), options, generic=generic)
        assert not run.warnings, (seed, run.warnings)
        assert len(run.points) == len(structured), seed
        assert match_rows(run.points, structured).all() and match_rows(structured, run.points).all(), seed


@pytest.mark.slow
@pytest.mark.skipif(singular_executable() is None, reason="Singular (extra 'exact') is not installed")
def test_large_finite_points_of_a_nearly_special_draw_are_not_taken_for_points_at_infinity():
    # Draw 9 of a study with seed 0: the rows of Λ_3 are nearly proportional, so 32 representative
    # paths follow a Laurent regime (valuation ≈ −2/3) down to r ≈ 1e-6 and then turn to finite
    # simple points of size ~1e4 and equilibrated condition ~1e12; the endgame used to declare
    # them at infinity (288 full-space paths), and a Cauchy mean taken around the near-pole
    # (stable, but residual 3e-4) stood in for one of them.
    inst = random_instance((1, 2, 2, 2), seed=150917237)
    exact = exact_count(inst)
    result = solve(inst, method="continuation", seed=0)
    assert result.complete, result.warnings
    assert result.n_at_infinity == 0
    assert len(result.solutions) == exact.n_distinct
    assert int(result.multiplicities.sum()) == exact.n_solutions
    assert any("simple, only ill-conditioned" in note for note in result.notes)
