"""Landscape studies: statistics over draws, depth scans, regularization paths, the unregularized
closed form — each checked against something independent of the homotopy engine (damped Newton
from many seeded random starts, closed forms derived by hand)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linnet_crit import Instance, random_instance, solve, study
from linnet_crit.errors import ArchitectureError, DataError
from linnet_crit.landscape import (
    chain,
    check_unregularized,
    closed_form_point,
    compare_point_sets,
    critical_products,
    depth_scan,
    engine_solver,
    fit_growth,
    match_product,
    newton_search,
    real_statistics,
    real_statistics_from_records,
    regularization_path,
    unregularized,
)
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.plots import plot_depth_scan, plot_index_counts, plot_loss_by_index, plot_real_counts, plot_regularization_path
from linnet_crit.study import DrawRecord

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06_landscape.ipynb"
PNG = b"\x89PNG\r\n\x1a\n"


# --- brute force: engine real points == damped Newton's, index by index ------------------------
BRUTE = [("1,1,1", 1), ("1,1,1,1", 1), ("1,2,1", 1), ("2,1,2", 3), ("1,2,2", 2)]


@pytest.mark.parametrize(("widths", "samples"), BRUTE)
def test_study_index_statistics_match_newton_brute_force(widths, samples):
    result = study(widths, draws=4, samples=samples, seed=11, workers=1)
    stats = real_statistics(result)
    for k, record in enumerate(result.draws):
        inst = stats.instance(k)
        found = newton_search(inst, starts=1500, seed=100 + k)
        assert found.index_counts(inst) == stats.draw_index_counts(k), (widths, k)
        assert len(found.points) == record.n_real
        from linnet_crit import critical_point_table

        newton_losses = sorted(p.loss for p in critical_point_table(inst, found.points).points)
        np.testing.assert_allclose(newton_losses, sorted(record.real_losses), rtol=1e-9, atol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(("widths", "samples", "seed"), [("2,2,2", 1, 0), ("2,2,2", 3, 1), ("1,1,1,1", 1, 5), ("1,1,1,1,1", 1, 4)])
def test_engine_real_points_are_exactly_newtons(widths, samples, seed):
    inst = random_instance(widths, samples=samples, seed=seed)
    engine = engine_solver(inst, seed=0)(inst).real_solutions()
    found = newton_search(inst, starts=3000, seed=1)
    not_found_by_newton, missing_from_engine = compare_point_sets(engine, found.points)
    assert not_found_by_newton.size == 0 and missing_from_engine.size == 0
    assert found.hits.min() >= 20  # every point has a basin many starts fall into


def test_brute_force_comparison_reports_a_dropped_point():
    inst = random_instance("1,1,1,1", seed=5)  # 9 real critical points (origin + two orbits of 4)
    found = newton_search(inst, starts=1500, seed=1)
    assert len(found.points) == 9
    engine = engine_solver(inst, seed=0)(inst).real_solutions()
    dropped = np.delete(engine, 3, axis=0)
    not_found_by_newton, missing_from_engine = compare_point_sets(dropped, found.points)
    assert not_found_by_newton.size == 0 and missing_from_engine.size == 1


def test_solve_finds_every_real_point_newton_finds():
    """Regression: monodromy at the instance's own real data stopped at one orbit of four here."""
    inst = random_instance("1,1,1,1", seed=5)
    engine = solve(inst, seed=0).real_solutions()
    _, missing_from_engine = compare_point_sets(engine, newton_search(inst, starts=1500, seed=1).points)
    assert missing_from_engine.size == 0


# --- scalar chains: closed-form counts ---------------------------------------------------------
def test_scalar_chain_counts_match_the_closed_form():
    scan = depth_scan([chain(h) for h in (1, 2, 3)], draws=12, seed=3)
    for entry in scan.entries:
        H = entry.depth
        assert entry.complex_counts == {1 + H * 2 ** (H + 1): 12}
        assert set(entry.n_real) <= ({1, 3} if H == 1 else {1, 1 + 2 ** (H + 1)})
    assert scan.complex_counts() == (5, 17, 49)
    assert "N_C" in str(scan) and len(scan.to_dict()["table"]) == 3
    assert set(scan.to_dict()["growth"]) == {"real", "complex"}


def test_depth_scan_rejects_repeated_depths_before_running():
    with pytest.raises(DataError, match="repeat a depth"):
        depth_scan(["1,1,1", "2,2,2"], draws=1)


# --- statistics from hand-made records ---------------------------------------------------------
def _record(draw, losses, indices, kinds, n_solutions=5):
    return DrawRecord(draw, draw, n_solutions, n_solutions - 1, len(losses), 0, 1, 0.0, tuple(losses), tuple(indices), tuple(kinds))


def test_statistics_count_spurious_minima_and_high_index_saddles():
    records = [
        _record(0, [1.0, 0.2, 0.2], [1, 0, 0], ["saddle", "minimum", "minimum"]),
        _record(1, [0.3, 0.5, 0.9], [0, 0, 2], ["minimum", "minimum", "maximum"]),  # 0.5 is spurious
        _record(2, [0.4], [0], ["minimum"]),
    ]
    stats = real_statistics_from_records((1, 1, 1), records)
    assert stats.n_minima == (2, 2, 1) and stats.n_spurious == (0, 1, 0)
    assert stats.fraction_with_spurious == pytest.approx(1 / 3)
    assert stats.index_distribution() == {0: 5, 1: 1, 2: 1}
    assert stats.high_index_fraction(2) == pytest.approx(1 / 7)
    assert stats.draws_with_index_at_least(2) == pytest.approx(1 / 3)
    np.testing.assert_allclose(stats.mean_index_counts(), [5 / 3, 1 / 3, 1 / 3])
    assert stats.excess_by_index[0] == pytest.approx((0.0, 0.0, 0.0, 0.2, 0.0))
    assert stats.n_real_distribution == {1: 1, 3: 2}


def test_statistics_refuse_bad_input():
    with pytest.raises(DataError, match="no draws"):
        real_statistics_from_records((1, 1, 1), [])
    with pytest.raises(DataError, match="loss_rtol"):
        real_statistics_from_records((1, 1, 1), [_record(0, [0.1], [0], ["minimum"])], loss_rtol=-1.0)
    with pytest.raises(DataError, match="StudyResult"):
        real_statistics([1, 2, 3])


def test_growth_fit_tells_exponential_from_polynomial():
    exponential = fit_growth(range(1, 7), [3.0 * 2.5**h for h in range(1, 7)])
    assert exponential.verdict == "exponential" and exponential.base == pytest.approx(2.5)
    polynomial = fit_growth(range(1, 7), [4.0 * h**2 for h in range(1, 7)])
    assert polynomial.verdict == "polynomial" and polynomial.exponent == pytest.approx(2.0)
    assert fit_growth([1, 2], [1.0, 2.0]).verdict == "undecided"
    with pytest.raises(DataError, match="positive counts"):
        fit_growth([1, 2, 3], [1.0, 0.0, 2.0])


# --- regularization path -----------------------------------------------------------------------
def test_path_sees_the_origin_turn_into_a_saddle_where_the_closed_form_says():
    # widths 1,1,1: the origin's Hessian [[tλ1, −r], [−r, tλ2]] is definite iff t > |r|/√(λ1λ2)
    inst = random_instance("1,1,1", seed=0)
    r, l1, l2 = inst.sigma_yx.item(), inst.lambdas[0].item(), inst.lambdas[1].item()
    t_star = abs(r) / np.sqrt(l1 * l2)
    assert 0.1 < t_star < 1
    path = regularization_path(inst, t_min=1e-8, n_steps=16)
    assert [p.kind for p in path.steps[0].points] == ["minimum"]
    (change,) = path.events_of("index_change")
    assert change.label == 0 and change.t_to < t_star <= change.t_from
    born = path.events_of("born")
    assert len(born) == 2 and all(e.t_to < t_star <= e.t_from for e in born)
    # the walk stops at the first t where a Hessian is numerically singular; the step before is clean
    assert "singular" in path.stop_reason and path.final_t > 1e-8
    assert any(p.kind == "degenerate" or p.min_singular < path.singular_rtol for p in path.steps[-1].points)
    last = path.steps[-2]
    assert sorted(p.kind for p in last.points) == ["minimum", "minimum", "saddle"]
    assert all(p.global_minimum for p in last.points if p.kind == "minimum")
    # the minima tend to the unregularized critical curve a·b = r/s, balanced (λ1 a² = λ2 b²)
    for p in last.points:
        if p.kind == "minimum":
            a, b = p.point
            assert a * b == pytest.approx(r / inst.sigma_xx.item(), rel=1e-3)
            assert l1 * a * a == pytest.approx(l2 * b * b, rel=1e-6)
    assert set(path.to_dict()) >= {"steps", "events", "stop_reason"}


def test_path_without_resolve_only_follows_and_stops_at_the_last_t():
    inst = random_instance("1,1,1", seed=3)  # t* ≈ 7.6: two real minima already at t = 1
    path = regularization_path(inst, ts=[1.0, 0.5, 0.25], resolve=False)
    assert path.ts == (1.0, 0.5, 0.25) and path.stop_reason == "reached the last t = 0.25"
    assert [len(s.points) for s in path.steps] == [3, 3, 3] and not path.events


def test_path_refuses_bad_ts():
    inst = random_instance("1,1,1", seed=0)
    with pytest.raises(DataError, match="strictly decreasing"):
        regularization_path(inst, ts=[0.5, 1.0])
    with pytest.raises(DataError, match="t_min"):
        regularization_path(inst, t_min=2.0)


# --- unregularized closed form -----------------------------------------------------------------
@pytest.mark.parametrize(("widths", "samples", "seed"), [("2,1,2", 3, 0), ("3,2,3", 4, 2), ("3,1,2", 2, 0)])
def test_unregularized_locus_matches_the_closed_form_and_minima_are_global(widths, samples, seed):
    inst = random_instance(widths, samples=samples, seed=seed)
    products = critical_products(inst)
    zero = unregularized(inst)
    locus = newton_search(zero, starts=400, seed=seed, pseudo_inverse=True)
    assert len(locus.points) > 20
    assert np.abs(gradient(zero.architecture, locus.points, Parameters.of(zero))).max() < 1e-9
    check = check_unregularized(inst, locus.points)
    assert check.max_distance < 1e-8
    np.testing.assert_allclose(check.losses, check.closed_form_losses, atol=1e-9)
    assert check.every_local_minimum_global
    assert np.array_equal(check.second_order_minimum, check.global_minimum)
    assert check.second_order_minimum.any() and not check.second_order_minimum.all()
    # every closed-form product is hit by some Newton point... at least the global one and one saddle
    assert {(p.subset) for p in products if p.global_minimum} <= set(check.subsets)


def test_closed_form_points_are_critical_and_a_generic_point_is_not_on_the_locus():
    inst = random_instance("3,2,3", samples=4, seed=2)
    zero = unregularized(inst)
    products = critical_products(inst)
    assert len(products) == 1 + 3 + 3  # |I| ≤ 2 of 3 eigenvectors
    points = np.array([closed_form_point(inst, p) for p in products])
    assert np.abs(gradient(zero.architecture, points, Parameters.of(zero))).max() < 1e-10
    losses = [p.loss for p in products]
    assert min(losses) == next(p.loss for p in products if p.global_minimum)
    _, distance = match_product(inst, np.random.default_rng(0).standard_normal(12), products)
    assert distance > 1e-2


def test_closed_form_refuses_deep_networks_and_repeated_eigenvalues():
    with pytest.raises(ArchitectureError, match="one hidden layer"):
        critical_products(random_instance("1,1,1,1", seed=0))
    arch_widths = (2, 1, 2)
    inst = Instance(arch_widths, X=np.eye(2), Y=np.eye(2), lambdas=[np.ones((1, 2)), np.ones((2, 1))])
    with pytest.raises(DataError, match="repeated eigenvalues"):
        critical_products(inst)


def test_regularization_path_minima_approach_the_unregularized_global_minimum():
    inst = random_instance("2,1,2", samples=3, seed=0)
    path = regularization_path(inst, t_min=1e-5, n_steps=10, resolve=False)
    products = critical_products(inst)
    minima = [p for p in path.steps[-1].points if p.kind == "minimum"]
    assert len(minima) == 2
    for p in minima:
        product, distance = match_product(inst, p.point, products)
        assert product.global_minimum and distance < 1e-3


# --- plots ---------------------------------------------------------------------------------------
def test_plots_render_headless(tmp_path):
    records = [_record(0, [1.0, 0.2, 0.2], [1, 0, 0], ["saddle", "minimum", "minimum"]), _record(1, [0.4], [0], ["minimum"])]
    stats = real_statistics_from_records((1, 1, 1), records)
    figure = plot_index_counts([stats, stats])
    assert sorted(round(float(b.get_height()), 3) for b in figure.axes[0].patches) == [0.0, 0.0, 0.5, 0.5, 1.5, 1.5]
    scan = depth_scan([chain(1), chain(2)], draws=2, seed=0)
    inst = random_instance("1,1,1", seed=0)
    path = regularization_path(inst, ts=[1.0, 0.5, 0.3], resolve=True)
    for k, fig in enumerate([figure, plot_real_counts([stats]), plot_loss_by_index(stats), plot_depth_scan(scan), plot_regularization_path(path)]):
        out = tmp_path / f"{k}.png"
        fig.savefig(out, format="png")
        assert out.read_bytes().startswith(PNG)


# --- the notebook ----------------------------------------------------------------------------
def test_committed_notebook_has_outputs_and_no_errors():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code)
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum(o.get("output_type") == "display_data" for o in outputs) >= 5  # the figures
    text = "".join(o.get("text", "") for o in outputs)
    assert "seed 2026, 100 draws per architecture (full run)" in text
    assert sum("assert" in c.source for c in code) >= 5


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_notebook_executes_with_few_draws(tmp_path, monkeypatch):
    # every assert cell runs, on 3 draws per architecture instead of 100 (about 80 s)
    nbclient = pytest.importorskip("nbclient")
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("LINNET_NOTEBOOK_DRAWS", "3")
    nbclient.NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
