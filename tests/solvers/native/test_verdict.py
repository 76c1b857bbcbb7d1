"""Every native result says whether its count is complete, and why not."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from linnet_crit import Architecture, Instance, PositiveDimensionalError, published_rows, random_instance, solve
from linnet_crit.data import load_instance
from linnet_crit.solvers import MonodromyOptions, SolveOptions
from linnet_crit.solvers.native import backend as backend_module
from linnet_crit.solvers.native import blackbox as blackbox_module
from linnet_crit.solvers.native import monodromy
from linnet_crit.solvers.native.verdict import zero_law_violations
from linnet_crit.verify import exact_count, singular_executable

pytestmark = pytest.mark.usefixtures("no_closed_form")


@pytest.fixture(scope="module")
def generic_222():
    inst = random_instance("2,2,2", seed=0)
    return inst, solve(inst, seed=0)


def test_generic_data_give_a_complete_structured_count(generic_222):
    _, result = generic_222
    assert result.complete and result.warnings == () and result.notes == ()
    assert result.route == "structured" and str(result).startswith("COMPLETE")
    assert result.multiplicities is None and result.n_singular == 0


def test_monodromy_stopped_at_max_loops_is_incomplete():
    # with one sample the sets of 2,2,2 are those of 1,2,2 lifted, whose 129 start paths the
    # blackbox homotopy would track instead: monodromy is made to run
    inst = random_instance("2,2,2", seed=0)
    options = SolveOptions(monodromy=MonodromyOptions(max_loops=1, blackbox_paths=0))
    result = solve(inst, seed=0, options=options)
    assert not result.complete
    assert any("stopped at max_loops = 1" in w and "orbits may be missing" in w for w in result.warnings)
    assert str(result).startswith("INCOMPLETE: monodromy")


def test_loops_whose_paths_keep_failing_do_not_count(monkeypatch):
    """An edge whose paths did not all come back may have lost the way to a new orbit: it is
    dropped, and a run that cannot close enough loops says so."""
    from dataclasses import replace

    from linnet_crit import ReturnCode

    real = monodromy.track

    def lossy(hom, start, tracker):
        res = real(hom, start, tracker)
        codes = res.codes.copy()
        # every path along an arc or a bent edge is lost: only the petals' segments remain, no loop
        bumped = np.abs(hom.bump.step.lambdas[0]).reshape(len(start), -1).max(axis=1) > 0 if hom.bump.moving[2] else False
        codes[(hom.rho != 1) | bumped] = ReturnCode.STEP_SIZE_TOO_SMALL

        return replace(res, codes=codes)

    monkeypatch.setattr(monodromy, "track", lossy)
    options = MonodromyOptions(stall_loops=3, max_loops=6)
    gen = monodromy.generic_solutions(Architecture((1, 1, 1)), 1, np.random.default_rng(0), options)
    assert gen.report.info["loops"] == 6 and gen.report.info["closed_loops"] == 0
    assert gen.report.info["dropped_edges"] == 6
    assert gen.report.info["stop"] == "reached max_loops = 6"
    assert any("stopped at max_loops = 6" in w for w in gen.warnings)


def test_a_clean_monodromy_run_has_no_warning():
    gen = monodromy.generic_solutions(Architecture((1, 1, 1)), 1, np.random.default_rng(0))
    info = gen.report.info
    options = MonodromyOptions()
    checks = min(options.checks, options.checks_per_orbit * gen.n_orbits)  # 2 orbits: 30 checks, not 200
    assert gen.warnings == () and f"consecutive loops found no new orbit, nor did {checks} checks" in info["stop"]
    assert info["stall_loops"] >= options.stall_loops
    assert info["checks"] == info["checks_goal"] == checks < options.checks


def test_min_loop_paths_adds_closed_loops_when_there_are_few_orbits():
    """The former rule (checks = 0, min_loop_paths = 200) is still available and still stops by it."""
    options = MonodromyOptions(stall_loops=10, min_loop_paths=200, checks=0)
    gen = monodromy.generic_solutions(Architecture((1, 1, 1)), 1, np.random.default_rng(0), options)
    assert gen.report.info["checks"] == 0 and gen.warnings == ()
    assert gen.report.info["closed_loops"] >= 200 // (2 * gen.n_orbits)


def test_checks_alone_find_every_orbit():
    """No confirming loop (stall_loops = 0), only the petal the checks land on: the checks find the
    missing orbits, each find starting the count of checks again, and the torus count is the
    published N_C*."""
    widths = (2, 2, 2)
    published = next(r for r in published_rows() if r["widths"] == widths and r["samples"] == 1)
    options = MonodromyOptions(stall_loops=0, checks=60)
    gen = monodromy.generic_solutions(Architecture(widths), 1, np.random.default_rng(0), options)
    assert gen.report.info["closed_loops"] == 1 and gen.report.info["checks"] == 60
    assert gen.n_torus == published["N_Cstar"] and gen.warnings == ()
    assert gen.report.paths >= 60


def test_checks_scale_with_the_orbits_known_up_to_checks():
    """checks_per_orbit × the orbits known, at most ``checks``: a few orbits need fewer checks (each
    check is then more likely to leave an incomplete set), and a large checks_per_orbit restores
    the fixed number. Both runs start alike (same seed) and stop complete."""
    arch, rng = Architecture((1, 2, 2)), lambda: np.random.default_rng(3)
    scaled = monodromy.generic_solutions(arch, 1, rng(), MonodromyOptions(checks=200, checks_per_orbit=4))
    fixed = monodromy.generic_solutions(arch, 1, rng(), MonodromyOptions(checks=200, checks_per_orbit=200))
    orbits = scaled.n_orbits
    assert orbits == fixed.n_orbits and scaled.warnings == fixed.warnings == ()
    assert scaled.report.info["checks"] == scaled.report.info["checks_goal"] == 4 * orbits < 200
    assert fixed.report.info["checks"] == fixed.report.info["checks_goal"] == 200
    assert fixed.report.paths - scaled.report.paths >= 200 - 4 * orbits


def test_a_count_carried_from_monodromy_states_the_stopping_rule_it_rests_on():
    """The structured count is complete given complete generic sets. Those monodromy found rest on
    its stopping rule, which the result names among its assumptions; shapes solved by the blackbox
    homotopy (complete by construction) are not named, and a solve that used none has no such line.
    The continuation route carries the same generic sets, hence the same assumption."""
    cold = SolveOptions(cache=False)
    inst = random_instance("1,3,3", seed=0)
    result = solve(inst, seed=0, options=cold)
    stages = {s.name for s in result.stages}
    assert {"blackbox 1,1,3", "monodromy 1,2,3", "monodromy 1,3,3"} <= stages
    rule = [a for a in result.assumptions if "stopping rule" in a]
    assert result.complete and len(rule) == 1 and "of 1,2,3, 1,3,3 was found" in rule[0]
    assert f"assumes: {rule[0]}" in str(result)
    carried = solve(inst, seed=0, method="continuation", options=cold)
    assert carried.complete and [a for a in carried.assumptions if "stopping rule" in a] == rule
    small = solve(random_instance("1,1,2", seed=0), seed=0, options=cold)
    assert small.complete and not any("stopping rule" in a for a in small.assumptions)


def test_zero_law_violations_flag_stray_zeros_and_half_dead_neurons():
    arch = Architecture((2, 2, 2))
    rng = np.random.default_rng(0)
    torus = rng.standard_normal((1, arch.n_unknowns)) + 0j
    dead = torus.copy()
    dead[0, [2, 3, 5, 7]] = 0.0  # neuron 1: row 1 of W_1 and column 1 of W_2
    half = torus.copy()
    half[0, [2, 3]] = 0.0  # row 1 of W_1 only: the dead-neuron law fails
    stray = torus.copy()
    stray[0, 0] = 0.0  # one weight of a live neuron
    origin = np.zeros((1, arch.n_unknowns), dtype=complex)
    flags = zero_law_violations(arch, np.concatenate([torus, dead, half, stray, origin]), 1e-12)
    assert flags.tolist() == [False, False, True, True, False]


# --- positive-dimensional critical sets, whatever the label ------------------------------------
def _unlabelled(widths, regularization: str) -> Instance:
    inst = random_instance(widths, seed=0, regularization=regularization)
    return Instance(inst.architecture, inst.X, inst.Y, inst.lambdas)  # label: 'generic'


def _example_2_15() -> Instance:
    arch = Architecture((2, 1, 2))
    return Instance(arch, [[1, 2], [3, 4]], [[1, 3], [2, 4]], [np.zeros(s) for s in arch.shapes])


@pytest.mark.parametrize("method", ["auto", "blackbox"])
@pytest.mark.parametrize(
    ("make", "evidence"),
    [
        (lambda: _unlabelled((1, 2, 2), "scalar"), r"O\(2\)"),
        (lambda: _unlabelled((1, 2, 1), "scalar"), r"O\(2\)"),
        (lambda: _unlabelled((1, 1, 1), "none"), "rescaling neuron 0"),
        (_example_2_15, "rescaling neuron 0"),
    ],
    ids=["1,2,2-scalar", "1,2,1-scalar", "1,1,1-none", "example-2.15"],
)
def test_positive_dimensional_sets_raise_from_an_instance_built_by_hand(make, evidence, method):
    inst = make()
    assert inst.regularization == "generic"
    with pytest.raises(PositiveDimensionalError, match=evidence) as info:
        solve(inst, method=method, seed=0)
    assert info.value.dimension >= 1 and "\n" not in str(info.value) and "seed" not in str(info.value)


def test_one_scalar_per_layer_from_a_data_file_raises(tmp_path):
    inst = random_instance((1, 2, 2, 1), seed=0)
    per_layer = Instance(inst.architecture, inst.X, inst.Y, [np.full(lam.shape, 0.1 * (i + 1)) for i, lam in
                                                            enumerate(inst.lambdas)])
    per_layer.save(tmp_path / "layers.npz")
    loaded = load_instance(tmp_path / "layers.npz")
    assert loaded.regularization == "generic"
    with pytest.raises(PositiveDimensionalError, match="hidden layer 1"):
        solve(loaded, seed=0)


def test_a_component_no_symmetry_explains_is_caught_at_the_end_points():
    """Λ_2 = 0 on widths 1,1,2: {W_1 = 0, W_2 ⊥ y} is a line of critical points, with no symmetry
    behind it; the blackbox route ends a path on it, singular, and the slice test finds the line."""
    inst = random_instance((1, 1, 2), seed=0)
    inst = Instance(inst.architecture, inst.X, inst.Y, [inst.lambdas[0], np.zeros((2, 1))])
    with pytest.raises(PositiveDimensionalError, match="local dimension up to 1") as info:
        solve(inst, method="blackbox", seed=0)
    assert info.value.dimension == 1


# --- the blackbox route -------------------------------------------------------------------------
def _triple_origin() -> Instance:
    """Widths 1,1,1 with λ₁ = λ₂ = yx: two torus points a² = −2λ, b = −a, and the origin, where the
    other two branches a² = y − λ = 0 meet it: a point of multiplicity 3 (3 distinct points)."""
    return Instance(Architecture((1, 1, 1)), [[1.0]], [[0.5]], [[[0.5]], [[0.5]]])


@pytest.mark.skipif(singular_executable() is None, reason="Singular (extra 'exact') is not installed")
def test_blackbox_never_reports_a_short_count_as_complete():
    """The three paths into the triple origin do not converge fast enough for the endgame: they
    fail, and the count they leave short must say so."""
    inst = _triple_origin()
    exact = exact_count(inst).n_distinct
    result = solve(inst, method="blackbox", seed=0)
    assert result.route == "blackbox"
    assert result.n_solutions == exact or not result.complete
    assert (result.n_failed > 0) == any(f"{result.n_failed} paths failed after every retry" in w for w in result.warnings)


def test_blackbox_singular_end_points_reach_the_result_with_their_multiplicity(monkeypatch):
    """The engine's endgame rarely certifies a singular end point; this fixes the run to two paths
    ending at the (exact, singular) origin of :func:`_triple_origin` next to its two torus points."""
    inst = _triple_origin()
    real = blackbox_module.solve_blackbox(inst, seed=0)
    torus = np.array([[1j, -1j], [-1j, 1j]])
    run = dataclasses.replace(real, solutions=torus, residuals=np.zeros(2), conditions=np.ones(2), n_singular=2,
                              singular_points=np.zeros((2, 2), dtype=complex), failed=())
    monkeypatch.setattr(backend_module, "solve_blackbox", lambda *args, **kwargs: run)
    result = solve(inst, method="blackbox", seed=0)
    assert result.n_solutions == 3 and result.n_singular == 1 and result.origin_found
    assert sorted(result.multiplicities.tolist()) == [1, 1, 2]
    assert result.complete, str(result)  # the slice test decides: the origin is isolated


def test_singular_clusters_count_paths_per_point():
    inst = _triple_origin()
    run = dataclasses.replace(blackbox_module.solve_blackbox(inst, seed=0),
                              singular_points=np.array([[0, 0], [1, 1], [1e-9, 0], [1, 1 + 1e-9]], dtype=complex))
    points, sizes = run.singular_clusters()
    assert points.tolist() == [[0, 0], [1, 1]] and sizes.tolist() == [2, 2]


# --- auto switches to the continuation route ----------------------------------------------------
@pytest.mark.skipif(singular_executable() is None, reason="Singular (extra 'exact') is not installed")
def test_zero_output_switches_to_continuation_and_is_exact():
    """Y = 0 on widths 2,2,2 (seed 0): the structured route once reported 29 points, exit 0."""
    inst = random_instance("2,2,2", seed=0)
    inst = Instance(inst.architecture, inst.X, np.zeros_like(inst.Y), inst.lambdas)
    exact = exact_count(inst)
    result = solve(inst, seed=0)
    assert result.route == "continuation" and "Y = 0" in result.notes[0]
    assert result.complete, str(result)
    assert result.n_solutions == exact.n_distinct and result.n_torus() == exact.n_torus


def test_a_failed_certificate_switches_routes_and_says_why(monkeypatch):
    """Generic data, but the structured route reports a failed path: auto must not keep its count."""
    from linnet_crit.solvers.native import backend

    real_certificate = backend.structured_certificate

    def failing(*args, **kwargs):
        return [*real_certificate(*args, **kwargs), "1 paths failed after every retry (simulated)"]

    monkeypatch.setattr(backend, "structured_certificate", failing)
    inst = random_instance("1,2,1", seed=0)
    result = solve(inst, seed=0)
    assert result.route == "continuation" and "(simulated)" in result.notes[0] and "certificate failed" in result.notes[0]
    assert result.complete and result.n_solutions == solve(inst, seed=0, method="blackbox").n_solutions


@pytest.mark.parametrize("make", [lambda: _unlabelled((1, 2, 1), "scalar"), _example_2_15], ids=["scalar", "2.15"])
def test_positive_dimensional_sets_raise_on_the_continuation_route(make):
    with pytest.raises(PositiveDimensionalError):
        solve(make(), method="continuation", seed=0)


def test_points_the_continuation_route_missed_are_added_and_make_the_count_incomplete(monkeypatch):
    """On a nearly special draw of widths 1,2,2,2 the continuation route once took 480 finite
    points for points at infinity; the structured route's refined points expose such a shortfall."""
    from linnet_crit.solvers.native import backend, continuation

    real_certificate, real_continuation = backend.structured_certificate, continuation.solve_continuation

    def failing(*args, **kwargs):
        return [*real_certificate(*args, **kwargs), "1 paths failed after every retry (simulated)"]

    def short(*args, **kwargs):
        run = real_continuation(*args, **kwargs)
        return dataclasses.replace(run, points=run.points[:-2], multiplicities=run.multiplicities[:-2],
                                   residuals=run.residuals[:-2], conditions=run.conditions[:-2],
                                   n_at_infinity=run.n_at_infinity + 2)

    monkeypatch.setattr(backend, "structured_certificate", failing)
    monkeypatch.setattr(backend, "solve_continuation", short)
    inst = random_instance("1,2,1", seed=0)
    full = solve(inst, seed=0, method="blackbox").n_solutions
    result = solve(inst, seed=0)
    assert result.route == "continuation" and result.n_solutions == full and result.multiplicities is None
    assert not result.complete
    assert any(w.startswith("2 critical points found and refined by the structured route") for w in result.warnings)
    assert any(w.startswith("2 paths were declared at infinity although the data pass") for w in result.warnings)
