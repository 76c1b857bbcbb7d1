"""One hidden layer, one sample: torus orbits from the reduced system — in closed form (widths
1,d,d and 1,1,p) or by its two-homogeneous homotopy (1,d,p with 1 < d < p)."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import Architecture, MonodromyOptions, SolveOptions, random_instance, solve
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.points import is_torus
from linnet_crit.sign_flips import canonicalize
from linnet_crit.solvers.native import closed_form
from linnet_crit.solvers.native.monodromy import generic_solutions, random_complex_instance, start_pair
from linnet_crit.solvers.native.reduced_homotopy import bezout_number

NO_CLOSED_FORM = MonodromyOptions(closed_form=False)


def test_solvable_shapes():
    assert all(closed_form.solvable(Architecture.parse(w), 1) for w in ("1,1,1", "1,1,4", "1,3,3", "1,5,5", "1,2,3"))
    assert not any(closed_form.solvable(Architecture.parse(w), 1) for w in ("1,3,2", "2,2,2", "1,1,1,1"))
    assert not closed_form.solvable(Architecture.parse("1,2,2"), 2)
    assert closed_form.decouples(Architecture.parse("1,3,3")) and closed_form.decouples(Architecture.parse("1,1,4"))
    assert not closed_form.decouples(Architecture.parse("1,2,3"))


@pytest.mark.parametrize("widths", ["1,1,1", "1,1,3", "1,2,2", "1,3,3", "1,4,4"])
def test_the_closed_form_finds_the_orbits_monodromy_finds(widths):
    """Against an independent computation: monodromy (or the blackbox) at another base point."""
    arch = Architecture.parse(widths)
    closed = generic_solutions(arch, 1, np.random.default_rng(0))
    searched = generic_solutions(arch, 1, np.random.default_rng(1), NO_CLOSED_FORM, blackbox=SolveOptions())
    assert closed.report.name == f"closed form {arch}" and closed.report.paths == 0
    assert not closed.by_stopping_rule and closed.report.info["route"] == "closed form"
    assert searched.report.info.get("route") != "closed form"
    assert closed.n_orbits == searched.n_orbits > 0
    reps = closed.representatives
    residual = np.abs(gradient(arch, reps, Parameters.of(closed.base))).max(axis=1)
    assert np.all(residual <= 1e-9 * (1 + np.abs(reps).max(axis=1))) and is_torus(arch, reps).all()


@pytest.mark.parametrize("widths", ["1,2,3", "1,2,4", "1,3,4"])
def test_the_reduced_homotopy_finds_the_orbits_monodromy_finds(widths):
    """Against an independent computation: monodromy (or the blackbox) at another base point."""
    arch = Architecture.parse(widths)
    reduced = generic_solutions(arch, 1, np.random.default_rng(0))
    searched = generic_solutions(arch, 1, np.random.default_rng(1), NO_CLOSED_FORM, blackbox=SolveOptions())
    assert reduced.report.name == f"reduced homotopy {arch}" and reduced.report.info["route"] == "reduced homotopy"
    assert reduced.report.paths == bezout_number(arch.hidden[0], arch.dy) and reduced.report.steps > 0
    assert not reduced.by_stopping_rule and "reduced_seed" in reduced.report.info
    assert reduced.n_orbits == searched.n_orbits == reduced.report.paths
    reps = reduced.representatives
    residual = np.abs(gradient(arch, reps, Parameters.of(reduced.base))).max(axis=1)
    assert np.all(residual <= 1e-9 * (1 + np.abs(reps).max(axis=1))) and is_torus(arch, reps).all()


def _start(widths: str, seed: int):
    arch = Architecture.parse(widths)
    rng = np.random.default_rng(seed)
    base, w0 = start_pair(arch, random_complex_instance(arch, 1, rng), rng)
    return arch, base, canonicalize(arch, w0[None]), rng


@pytest.mark.parametrize(("widths", "route", "orbits"), [("1,2,2", "closed form", 4), ("1,2,3", "reduced homotopy", 12)])
def test_an_orbit_set_without_the_start_point_is_refused(widths, route, orbits):
    arch, base, start, rng = _start(widths, 3)
    found = closed_form.torus_orbits(base, start, rng)
    assert found.n_orbits == orbits and found.route == route and found.reason.startswith(route)
    elsewhere = canonicalize(arch, rng.standard_normal((1, arch.n_unknowns)) + 0j)
    refused = closed_form.torus_orbits(base, elsewhere, rng)
    assert refused.representatives is None and "start point's orbit is not among" in refused.reason


def test_the_reduced_homotopy_refuses_singular_end_points():
    _, base, start, rng = _start("1,2,3", 0)
    refused = closed_form.torus_orbits(base, start, rng, singular_condition=1.0)
    assert refused.representatives is None and refused.paths == 12
    assert "12 ended where the reduced Jacobian's condition number exceeds 1e+00" in refused.reason


def test_the_reduced_homotopy_refuses_data_with_a_zero_output():
    """y_k = 0 (not a generic base, so only through this function): (R_k) r_k·g_k = 0 has
    solutions with r_k = 0, whose points are not on the torus — the run is refused, not trusted."""
    arch, base, start, rng = _start("1,2,3", 0)
    Y = base.Y.copy()
    Y[0, 0] = 0.0
    zero = type(base)(arch, base.X, Y, base.lambdas)
    refused = closed_form.torus_orbits(zero, start, rng)
    assert refused.representatives is None and refused.reason.startswith("reduced homotopy:")


def test_a_refused_closed_form_hands_over_and_says_why(monkeypatch):
    monkeypatch.setattr(closed_form, "torus_orbits",
                        lambda *args, **kw: closed_form.ReducedOrbits(None, "closed form: refused here", "closed form"))
    gen = generic_solutions(Architecture.parse("1,3,3"), 1, np.random.default_rng(0))
    assert gen.report.name == "monodromy 1,3,3" and gen.report.info["closed_form"] == "closed form: refused here"
    assert gen.by_stopping_rule and gen.n_orbits > 0


def test_a_refused_reduced_homotopy_hands_over_and_its_paths_count(monkeypatch):
    """No residual is small enough: the 12 tracked paths are refused, and monodromy's stage counts them."""
    monkeypatch.setattr(closed_form, "CLOSED_FORM_RESIDUAL", 0.0)
    arch = Architecture.parse("1,2,3")
    gen = generic_solutions(arch, 1, np.random.default_rng(0), MonodromyOptions(blackbox_paths=0))
    alone = generic_solutions(arch, 1, np.random.default_rng(0), MonodromyOptions(blackbox_paths=0, closed_form=False))
    assert gen.report.name == "monodromy 1,2,3" and gen.by_stopping_rule
    assert gen.report.info["closed_form"].startswith("reduced homotopy: 12 of 12 points not torus critical points")
    assert gen.n_orbits == alone.n_orbits == 12 and gen.report.paths > 12


def test_a_one_hidden_layer_solve_rests_on_no_stopping_rule():
    result = solve(random_instance("1,3,3", seed=0), seed=0, options=SolveOptions(cache=False))
    names = {s.name for s in result.stages}
    assert {"closed form 1,1,3", "reduced homotopy 1,2,3", "closed form 1,3,3"} <= names and result.complete
    assert not any("stopping rule" in a for a in result.assumptions)
    off = solve(random_instance("1,3,3", seed=0), seed=0,
                options=SolveOptions(cache=False, monodromy=NO_CLOSED_FORM))
    assert not any(s.name.startswith("closed form") for s in off.stages)
    assert off.n_solutions == result.n_solutions and off.n_paths_tracked > result.n_paths_tracked
