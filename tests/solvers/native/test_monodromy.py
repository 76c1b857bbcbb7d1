"""Monodromy at generic parameters: start pairs, the rank check and the stopping rule."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import Architecture, MonodromyOptions, SolveOptions
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.solvers.native.monodromy import generic_solutions, random_complex_instance, start_pair
from linnet_crit.bounds import linear_product_paths
from linnet_crit.points import is_torus, match_index
from linnet_crit.sign_flips import canonicalize, expand_orbits, orbit_size

pytestmark = pytest.mark.usefixtures("no_closed_form")


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


@pytest.mark.parametrize("reverse", [False, True])
def test_a_bent_arc_joins_its_ends_and_its_tangent_is_the_derivative(reverse):
    """ParameterArc with a bump: p(0), p(1) are the ends whatever ρ, σ and q, and the tangent the
    predictor uses is dp/dt (central differences)."""
    from linnet_crit.numeric import ParameterSegment
    from linnet_crit.solvers.native.homotopies import ParameterArc

    arch, rng = Architecture((1, 2, 3)), np.random.default_rng(3)
    p0, p1, q = (Parameters.of(random_complex_instance(arch, 1, rng)) for _ in range(3))
    p1 = Parameters(p0.X, p0.Y, p1.lambdas)  # only Λ moves, as in monodromy
    q = Parameters(p0.X, p0.Y, q.lambdas)
    arc = ParameterArc(arch, ParameterSegment.between(p0, p1), np.array([0.3 * np.exp(0.9j * np.pi)]),
                       np.array([reverse]), ParameterSegment.between(p0, q), np.array([1.7 * np.exp(2.1j)]))
    flat = lambda params: np.concatenate([a.ravel() for a in params.lambdas])  # noqa: E731
    start, end = (p1, p0) if reverse else (p0, p1)
    assert np.allclose(flat(arc._at(np.array([0.0]))[0]), flat(start), atol=1e-12)
    assert np.allclose(flat(arc._at(np.array([1.0]))[0]), flat(end), atol=1e-12)
    for t in (0.2, 0.5, 0.9):
        h = 1e-6
        numeric = (flat(arc._at(np.array([t + h]))[0]) - flat(arc._at(np.array([t - h]))[0])) / (2 * h)
        assert np.allclose(flat(arc._at(np.array([t]))[1]), numeric, rtol=1e-6, atol=1e-8)
    # with σ = 0 the path stays on the line through p0 and p1 (the γ-trick's arc)
    line = ParameterArc(arch, ParameterSegment.between(p0, p1), np.array([2.0 + 1j]), np.array([reverse]))
    point = flat(line._at(np.array([0.4]))[0]) - flat(p0)
    step = flat(p1) - flat(p0)
    assert np.allclose(point, (point @ step.conj()) / (step @ step.conj()) * step)


def test_bent_edges_give_monodromy_loops_at_one_path_per_orbit():
    """After the anchor petals every loop is a bent edge: the graph's cycle rank counts them, and
    each costs one path per known orbit."""
    from linnet_crit.solvers.native.monodromy import ANCHOR_PETALS

    gen = generic_solutions(Architecture((1, 2, 3)), 1, np.random.default_rng(0))
    info = gen.report.info
    edges, petals = (int(v) for v in info["stop"].split("along all ")[1].split(" petals")[0].split(" edges between p0 and "))
    assert info["closed_loops"] > petals >= ANCHOR_PETALS and edges == info["closed_loops"] + petals
    # loops over the final orbits plus the checks bound the paths (discovery rounds had fewer orbits)
    assert gen.report.paths <= gen.n_orbits * edges + info["checks"]


@pytest.mark.parametrize("widths", [(1, 2, 1), (3, 3, 2)])
def test_rank_deficient_start_map_means_no_torus_solutions(widths):
    """Engine notes, pitfall 1: W ↦ Λ(W) rank-deficient everywhere, so generic Λ has no torus point."""
    gen = generic_solutions(Architecture(widths), 1, np.random.default_rng(0))
    assert gen.degenerate and gen.n_torus == 0 and gen.report.info["rank_gap"] < 1e-12


def test_stall_counts_only_loops_that_tracked_every_known_orbit():
    """Regression: loops of a batch that started from fewer orbits than the batch found used to
    count towards the stall, and widths 1,1,2 stopped at 3 of 4 orbits for this data seed."""
    from linnet_crit import random_instance, solve

    monodromy_only = SolveOptions(monodromy=MonodromyOptions(blackbox_paths=0))  # 1,1,2 is small enough for the blackbox
    result = solve(random_instance((1, 1, 2), seed=2968811710), seed=0, options=monodromy_only)
    assert [s.name for s in result.stages][0] == "monodromy 1,1,2"
    assert (result.n_solutions, result.n_torus()) == (9, 8)


# --- small shapes: the blackbox homotopy instead of monodromy ----------------------------------
@pytest.mark.parametrize("widths", [(1, 1, 3), (1, 1, 1, 1), (2, 1, 2), (1, 1, 1, 2)])
def test_small_shapes_take_the_blackbox_and_find_monodromys_orbits(widths):
    """Two independent methods at the same base point (same generator): the same orbits."""
    arch = Architecture(widths)
    by_blackbox = generic_solutions(arch, 1, np.random.default_rng(3), blackbox=SolveOptions())
    by_monodromy = generic_solutions(arch, 1, np.random.default_rng(3))
    assert by_blackbox.report.name == f"blackbox {arch}" and by_blackbox.report.info["route"] == "blackbox"
    assert "every path of the" in by_blackbox.report.info["stop"] and by_blackbox.warnings == ()
    assert by_monodromy.report.name == f"monodromy {arch}"
    np.testing.assert_array_equal(by_blackbox.base.parameter_vector(), by_monodromy.base.parameter_vector())
    assert by_blackbox.n_orbits == by_monodromy.n_orbits > 0
    assert np.all(match_index(by_blackbox.representatives, by_monodromy.representatives) >= 0)
    assert by_blackbox.report.paths == linear_product_paths(arch) < by_monodromy.report.paths


def test_shapes_over_blackbox_paths_run_monodromy():
    arch = Architecture((1, 1, 3))  # 13 start paths
    assert generic_solutions(arch, 1, np.random.default_rng(0), MonodromyOptions(blackbox_paths=12),
                             blackbox=SolveOptions()).report.name == "monodromy 1,1,3"
    assert generic_solutions(arch, 1, np.random.default_rng(0), MonodromyOptions(blackbox_paths=13),
                             blackbox=SolveOptions()).report.name == "blackbox 1,1,3"


def test_a_blackbox_run_that_lost_a_path_hands_over_to_monodromy(monkeypatch):
    """A lost path leaves its orbit without one of its sign flips: not certified, monodromy runs,
    its stage counts the blackbox's paths too and says why; the orbits are still all found."""
    from dataclasses import replace

    from linnet_crit.solvers.native import blackbox

    real = blackbox.solve_blackbox

    def loses_one(instance, **kwargs):
        run = real(instance, **kwargs)
        torus = np.flatnonzero(is_torus(instance.architecture, run.solutions))
        keep = np.ones(run.n_solutions, dtype=bool)
        keep[torus[0]] = False
        return replace(run, solutions=run.solutions[keep], residuals=run.residuals[keep], conditions=run.conditions[keep])

    monkeypatch.setattr(blackbox, "solve_blackbox", loses_one)
    arch = Architecture((1, 1, 3))
    gen = generic_solutions(arch, 1, np.random.default_rng(0), blackbox=SolveOptions())
    assert gen.report.name == "monodromy 1,1,3"
    assert gen.report.info["blackbox"] == ("blackbox homotopy not certified: 1 of 6 orbits arrived without all "
                                           "2 sign flips")
    assert gen.n_orbits == 6 and gen.warnings == ()
    # the blackbox's 13 paths are counted with monodromy's, which made at least its checks of 1 path
    options = MonodromyOptions()
    checks = min(options.checks, options.checks_per_orbit * gen.n_orbits)
    assert gen.report.paths >= 13 + checks and gen.report.info["checks"] == checks


def test_a_blackbox_run_with_failed_paths_hands_over_and_its_failures_are_counted(monkeypatch):
    from dataclasses import replace

    from linnet_crit import PathResult, ReturnCode
    from linnet_crit.solvers.native import blackbox

    real = blackbox.solve_blackbox

    def one_fails(instance, **kwargs):
        run = real(instance, **kwargs)
        lost = PathResult(np.zeros(instance.architecture.n_unknowns, complex), ReturnCode.STEP_SIZE_TOO_SMALL,
                          np.inf, np.inf, np.nan, 700, 0.9999999)
        return replace(run, failed=(lost,))

    monkeypatch.setattr(blackbox, "solve_blackbox", one_fails)
    gen = generic_solutions(Architecture((1, 1, 2)), 1, np.random.default_rng(0), blackbox=SolveOptions())
    assert gen.report.name == "monodromy 1,1,2" and gen.report.info["blackbox"].endswith("1 paths failed")
    assert gen.report.failed == 1 and gen.n_orbits == 4 and gen.warnings == ()


def test_a_blackbox_run_must_find_the_known_point():
    from linnet_crit.solvers.native.blackbox import torus_orbits

    arch = Architecture((1, 1, 2))
    generic = random_complex_instance(arch, 1, np.random.default_rng(0))
    found = torus_orbits(generic, np.zeros((0, 3)), seed=0, options=SolveOptions())
    assert found.representatives is not None
    elsewhere = found.representatives[:1] + 1.0  # not a critical point of these data
    refused = torus_orbits(generic, elsewhere, seed=0, options=SolveOptions())
    assert refused.representatives is None and refused.reason.endswith("1 known torus point(s) not found")


def test_degenerate_shapes_are_decided_by_the_rank_test_first():
    """1,2,1 has no torus point; at its start pair the data are special (W₀ lies on a curve of
    critical points), where the blackbox's paths would fail: the rank test answers before."""
    gen = generic_solutions(Architecture((1, 2, 1)), 1, np.random.default_rng(0), blackbox=SolveOptions())
    assert gen.degenerate and gen.report.paths == 0
