"""The blackbox method: start systems, the projective homotopy, and complete solves vs the thesis."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import sympy

from linnet_crit.architecture import Architecture
from linnet_crit.bounds.published import published_row
from linnet_crit.data import random_instance
from linnet_crit.errors import BudgetExceededError, SolverError
from linnet_crit.numeric.evaluate import Parameters, gradient
from linnet_crit.results import ReturnCode
from linnet_crit.solvers.native.blackbox import (
    LOOP_SAMPLES,
    _infinity_trend,
    _mark_duplicates,
    _needs_retry,
    _Paths,
    solve_blackbox,
)
from linnet_crit.options import EndgameOptions, SolveOptions
from linnet_crit.solvers.native.endgame import cauchy_limits
from linnet_crit.solvers.native.projective import ProjectiveHomotopy, ProjectiveSegment, dehomogenize
from linnet_crit.solvers.native.start_systems import (
    make_start_system,
    multihomogeneous_bezout,
    multihomogeneous_start,
    total_degree_start,
)
from linnet_crit.solvers.native.tracker import track

SMALL = [(1, 1, 1), (2, 1, 1), (1, 2, 1), (1, 1, 1, 1)]


def _patch(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n + 1) + 1j * rng.standard_normal(n + 1)


# --- the degree structure the m-homogeneous start system relies on ------------------------------
@pytest.mark.parametrize("widths", [(1, 1, 1), (2, 2, 2), (1, 2, 2, 1), (2, 1, 2, 1)])
def test_gradient_block_degrees_are_one_in_own_layer_and_two_in_the_others(widths):
    """Scale one layer by s: block i is a polynomial in s of degree 1 (own layer) or 2 (others)."""
    arch = Architecture(widths)
    params = Parameters.of(random_instance(arch, seed=1))
    rng = np.random.default_rng(0)
    x = rng.standard_normal(arch.n_unknowns) + 1j * rng.standard_normal(arch.n_unknowns)
    s = np.arange(5.0)
    for j, group in enumerate(arch.groups()):
        points = np.repeat(x[None], len(s), axis=0)
        points[:, group.start : group.stop] *= s[:, None]
        values = gradient(arch, points, params)
        for i, block in enumerate(arch.groups()):
            degree = 1 if i == j else 2
            # The (degree+1)-th finite difference of a polynomial of that degree vanishes.
            diff = np.diff(values[:, block.start : block.stop], n=degree + 1, axis=0)
            assert np.abs(diff).max() < 1e-9 * (1 + np.abs(values).max())
            if i != j:  # and the degree is attained, so the bound is not loose by construction
                assert np.abs(np.diff(values[:, block.start : block.stop], n=degree, axis=0)).max() > 1e-6


def _bezout_by_expansion(arch: Architecture) -> int:
    z = sympy.symbols(f"z0:{arch.n_layers}")
    product = sympy.Integer(1)
    for i, size in enumerate(arch.group_sizes):
        product *= (z[i] + 2 * sum(z[j] for j in range(arch.n_layers) if j != i)) ** size
    monomial = sympy.Mul(*(z[j] ** size for j, size in enumerate(arch.group_sizes)))
    return int(sympy.Poly(sympy.expand(product), *z).coeff_monomial(monomial))


@pytest.mark.parametrize("widths", [(1, 1, 1), (2, 2, 2), (1, 2, 2, 1), (1, 1, 2, 2), (3, 2, 1)])
def test_multihomogeneous_bezout_is_the_coefficient_and_the_number_of_start_points(widths):
    arch = Architecture(widths)
    assert multihomogeneous_bezout(arch) == _bezout_by_expansion(arch)
    assert multihomogeneous_start(arch, seed=0).n_paths == multihomogeneous_bezout(arch)


def test_known_bezout_numbers():
    # The paths bertini2's m-homogeneous start system tracks (reference §8).
    assert multihomogeneous_bezout(Architecture((2, 2, 2))) == 1921
    assert multihomogeneous_bezout(Architecture((1, 2, 2, 2))) == 452_225  # bertini2's count too
    assert multihomogeneous_bezout(Architecture((1, 1, 1))) == 5
    assert total_degree_start(Architecture((1, 1, 1, 1))).n_paths == 5**3


@pytest.mark.parametrize("kind", ["total_degree", "multihomogeneous"])
@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 2, 1), (1, 1, 1, 1)])
def test_start_points_are_distinct_nonsingular_solutions_on_the_patch(kind, widths):
    arch = Architecture(widths)
    start = make_start_system(arch, kind, seed=2)
    patch = _patch(arch.n_unknowns)
    y = start.start_points(patch)
    G, JG = start.evaluate(y)
    assert np.abs(G).max() < 1e-10
    assert np.abs(y @ patch - 1).max() < 1e-10
    square = np.concatenate([JG, np.broadcast_to(patch, (len(y), 1, len(patch)))], axis=1)
    assert np.linalg.cond(square).max() < 1e8
    gaps = np.abs(y[:, None] - y[None]).max(axis=2) + np.eye(len(y))
    assert gaps.min() > 1e-6


def test_start_system_jacobian_matches_finite_differences():
    arch = Architecture((1, 2, 1))
    start = multihomogeneous_start(arch, seed=4)
    rng = np.random.default_rng(5)
    y = rng.standard_normal((3, arch.n_unknowns + 1)) + 1j * rng.standard_normal((3, arch.n_unknowns + 1))
    _, J = start.evaluate(y)
    h = 1e-6
    for k in range(y.shape[1]):
        e = np.zeros(y.shape[1])
        e[k] = h
        numeric = (start.value(y + e) - start.value(y - e)) / (2 * h)
        assert np.abs(numeric - J[:, :, k]).max() < 1e-6 * (1 + np.abs(J).max())


def test_auto_takes_the_smaller_start_system():
    assert make_start_system(Architecture((2, 2, 2)), "auto").name == "multihomogeneous"


def test_start_systems_over_the_path_budget_are_refused_before_enumeration():
    with pytest.raises(BudgetExceededError, match="1,2,2,2 has 4"):
        make_start_system(Architecture((1, 2, 2, 2)), "auto", max_paths=1000)
    with pytest.raises(BudgetExceededError, match="6561 paths"):
        solve_blackbox(random_instance((2, 2, 2), seed=0), start_system="total_degree", max_paths=2000)


def test_unknown_start_system_is_refused():
    with pytest.raises(SolverError, match="polyhedral"):
        make_start_system(Architecture((1, 1, 1)), "polyhedral")


# --- the projective homotopy --------------------------------------------------------------------
def _homotopy(widths, seed=0) -> ProjectiveHomotopy:
    arch = Architecture(widths)
    start = make_start_system(arch, "multihomogeneous", seed=seed)
    return ProjectiveHomotopy(random_instance(arch, seed=seed), start, np.exp(0.7j), _patch(arch.n_unknowns))


@pytest.mark.parametrize("widths", [(1, 1, 1), (2, 1, 2), (1, 1, 1, 1)])
def test_homogenized_gradient_restricts_to_the_gradient_and_is_homogeneous(widths):
    hom = _homotopy(widths)
    arch = hom.instance.architecture
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, arch.n_unknowns)) + 1j * rng.standard_normal((4, arch.n_unknowns))
    y = np.concatenate([np.ones((4, 1)), x], axis=1)
    F, _ = hom.target(y)
    assert np.allclose(F, gradient(arch, x, Parameters.of(hom.instance)))
    scale = 0.3 - 1.1j
    assert np.allclose(hom.target_value(scale * y), scale**arch.degree * F)


@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 2, 2), (1, 1, 1, 1)])
def test_homotopy_derivatives_match_finite_differences(widths):
    hom = _homotopy(widths)
    n = hom.instance.architecture.n_unknowns + 1
    rng = np.random.default_rng(2)
    y = rng.standard_normal((3, n)) + 1j * rng.standard_normal((3, n))
    t = np.array([0.1, 0.5, 0.9])
    H, Hy, Ht = hom.evaluate_all(y, t)
    h = 1e-6
    for k in range(n):
        e = np.zeros(n)
        e[k] = h
        numeric = (hom.evaluate(y + e, t)[0] - hom.evaluate(y - e, t)[0]) / (2 * h)
        assert np.abs(numeric - Hy[:, :, k]).max() < 1e-5 * (1 + np.abs(Hy).max())
    numeric_t = (hom.evaluate(y, t + h)[0] - hom.evaluate(y, t - h)[0]) / (2 * h)
    assert np.abs(numeric_t - Ht).max() < 1e-5 * (1 + np.abs(Ht).max())
    assert np.allclose(hom.derivative_t(y, t), Ht)


# --- complete solves against the thesis ---------------------------------------------------------
def _check_run(run, widths, seed):
    arch = Architecture(widths)
    expected = published_row(widths)["N_C"]
    assert run.n_solutions == expected, f"widths {widths} seed {seed}: {run.n_solutions} ≠ N_C = {expected}"
    assert run.n_failed == 0 and run.n_singular == 0
    assert run.n_solutions + run.n_at_infinity + run.n_singular + run.n_failed == run.n_paths
    residual = np.abs(gradient(arch, run.solutions, Parameters.of(random_instance(arch, seed=seed)))).max(axis=1)
    assert residual.max() < 1e-8
    assert np.allclose(residual, run.residuals, atol=1e-12)
    gaps = np.abs(run.solutions[:, None] - run.solutions[None]).max(axis=2) + np.eye(run.n_solutions)
    assert gaps.min() > 1e-6
    assert np.abs(run.solutions).max(axis=1).min() < 1e-12  # the origin is among them
    assert run.conditions.max() < 1e10


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("widths", SMALL)
def test_blackbox_finds_every_thesis_critical_point(widths, seed):
    began = time.perf_counter()
    run = solve_blackbox(random_instance(widths, seed=seed), seed=seed)
    _check_run(run, widths, seed)
    assert run.report.paths == run.n_paths and run.start_system == "multihomogeneous"
    print(f"widths {widths} seed {seed}: {run.n_paths} paths, {time.perf_counter() - began:.2f} s")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blackbox_finds_every_thesis_critical_point_of_2_2_2(seed):
    began = time.perf_counter()
    run = solve_blackbox(random_instance((2, 2, 2), seed=seed), seed=seed)
    _check_run(run, (2, 2, 2), seed)
    print(f"widths 2,2,2 seed {seed}: {run.n_paths} paths, {time.perf_counter() - began:.2f} s")


@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 1, 1, 1)])
def test_total_degree_and_multihomogeneous_agree_point_for_point(widths):
    inst = random_instance(widths, seed=5)
    a = solve_blackbox(inst, seed=1, start_system="total_degree")
    b = solve_blackbox(inst, seed=2, start_system="multihomogeneous")
    assert a.start_system == "total_degree" and a.n_paths == Architecture(widths).degree ** Architecture(widths).n_unknowns
    assert a.n_solutions == b.n_solutions == published_row(widths)["N_C"]
    for point in a.solutions:
        assert np.abs(b.solutions - point).max(axis=1).min() < 1e-8


def test_same_seed_same_run_and_progress_bar_runs():
    inst = random_instance((2, 1, 1), seed=0)
    a = solve_blackbox(inst, seed=7, progress=True)
    b = solve_blackbox(inst, seed=7, progress=False)
    assert np.array_equal(a.solutions, b.solutions) and a.seed == 7
    assert a.report.steps == b.report.steps > 0


def test_paths_at_infinity_end_with_vanishing_x0_and_are_not_counted():
    run = solve_blackbox(random_instance((1, 2, 1), seed=0), seed=0)
    assert run.n_at_infinity == run.n_paths - run.n_solutions > 0
    assert all(p.return_code is not ReturnCode.SUCCESS for p in run.failed)


def test_points_are_listed_once_and_are_the_critical_points_of_the_data():
    # Every ±-orbit of a nonzero critical point of 1,1,1 is found: (a, b) and (−a, −b).
    run = solve_blackbox(random_instance((1, 1, 1), seed=3), seed=0)
    nonzero = [p for p in run.solutions if np.abs(p).max() > 1e-8]
    for p, q in itertools.combinations(nonzero, 2):
        assert not np.allclose(p, q)
    for p in nonzero:
        assert np.abs(run.solutions + p).max(axis=1).min() < 1e-8


# --- the endgame's classification rules on synthetic paths --------------------------------------
def _ratios(values):
    return [np.array([v]) for v in values]


def test_decay_of_x0_like_a_power_of_the_gap_is_at_infinity():
    opts = EndgameOptions()
    gaps = opts.gaps()
    assert _infinity_trend(_ratios(0.3 * np.sqrt(gaps[:4])), opts)[0]
    # Not yet: two exponents are no trend while the ratio is above infinity_ratio.
    assert not _infinity_trend(_ratios(0.3 * np.sqrt(gaps[:3])), opts)[0]


def test_slow_steady_decay_is_at_infinity_before_the_ratio_is_small():
    """Some paths of depth-2 networks decay like δ^{1/4}: a steady exponent is a valuation."""
    opts = EndgameOptions()
    ratios = _ratios(0.5 * opts.gaps()[:4] ** 0.25)
    assert ratios[-1][0] > opts.infinity_ratio
    assert _infinity_trend(ratios, opts)[0]
    assert not _infinity_trend(ratios[:-1], opts)[0]  # two steady exponents are not enough
    wobbly = _ratios([0.3, 0.1, 0.09, 0.03, 0.02])
    assert not _infinity_trend(wobbly, opts)[0]


def test_a_large_finite_endpoint_is_not_taken_for_infinity():
    """x0 → x0* ≠ 0: the decay exponent falls to 0 once the gap is small against x0*."""
    opts = EndgameOptions()
    gaps = opts.gaps()
    for x0_star in (1e-2, 5e-3, 2e-3):
        ratios = np.abs(x0_star + gaps)
        flags = [_infinity_trend(_ratios(ratios[: k + 1]), opts)[0] for k in range(len(gaps))]
        assert not any(flags)


def test_paths_sharing_an_endpoint_are_retried_then_kept_once():
    paths = _Paths.new(np.zeros((4, 3), dtype=complex))
    paths.code[:] = [ReturnCode.SUCCESS, ReturnCode.SUCCESS, ReturnCode.SUCCESS, ReturnCode.AT_INFINITY]
    paths.point[:3] = [[1.0, 2.0], [1.0 + 1e-9, 2.0], [3.0, 4.0]]
    assert list(_needs_retry(paths, 1e-6)) == [True, True, False, False]
    _mark_duplicates(paths, 1e-6)
    assert list(paths.code) == [ReturnCode.SUCCESS, ReturnCode.DUPLICATE, ReturnCode.SUCCESS, ReturnCode.AT_INFINITY]


def test_cauchy_loops_tell_the_finite_end_points_from_those_at_infinity():
    """:func:`.endgame.cauchy_limits` on the projective homotopy (the loops that decide the paths
    the samples leave open): every path's limit is found, the finite ones dehomogenize to exactly
    the blackbox's critical points and keep x0 far from 0, the others end with x0 → 0."""
    inst = random_instance((1, 1, 1), seed=0)
    options = SolveOptions()
    start = make_start_system(inst.architecture, "total_degree", seed=1)
    patch = _patch(inst.architecture.n_unknowns)
    hom = ProjectiveHomotopy(inst, start, complex(np.exp(0.7j)), patch)
    radii = options.endgame.gaps()[LOOP_SAMPLES]
    near = track(ProjectiveSegment(hom, 0.0, 1.0 - radii[0]), start.start_points(patch), options.tracker)
    assert near.success.all()
    limits = cauchy_limits(hom, near.x, radii, options.cauchy, options.tracker)
    assert limits.found.all() and (limits.steps > 0).all()
    ratio = np.abs(limits.x[:, 0]) / np.abs(limits.x).max(axis=1)
    finite = ratio > 1e-3
    assert np.all(ratio[~finite] < options.cauchy.agreement)
    points = dehomogenize(limits.x[finite])
    expected = solve_blackbox(inst, seed=0).solutions
    assert len(points) == len(expected) == 5 and finite.sum() < start.n_paths
    assert all(np.abs(expected - p).max(axis=1).min() < 1e-8 for p in points)
