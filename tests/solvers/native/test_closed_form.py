"""One hidden layer, one sample: torus orbits in closed form (widths 1,d,d and 1,1,p)."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit import Architecture, MonodromyOptions, SolveOptions, random_instance, solve
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.points import is_torus
from linnet_crit.sign_flips import canonicalize
from linnet_crit.solvers.native import closed_form
from linnet_crit.solvers.native.monodromy import generic_solutions, random_complex_instance, start_pair

NO_CLOSED_FORM = MonodromyOptions(closed_form=False)


def test_solvable_shapes():
    assert all(closed_form.solvable(Architecture.parse(w), 1) for w in ("1,1,1", "1,1,4", "1,3,3", "1,5,5"))
    assert not any(closed_form.solvable(Architecture.parse(w), 1) for w in ("1,2,3", "2,2,2", "1,1,1,1"))
    assert not closed_form.solvable(Architecture.parse("1,2,2"), 2)


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


def test_an_orbit_set_without_the_start_point_is_refused():
    arch = Architecture.parse("1,2,2")
    rng = np.random.default_rng(3)
    base, w0 = start_pair(arch, random_complex_instance(arch, 1, rng), rng)
    reps, why = closed_form.torus_orbits(base, canonicalize(arch, w0[None]))
    assert reps is not None and why.startswith("closed form: 4 orbits")
    elsewhere = canonicalize(arch, rng.standard_normal((1, arch.n_unknowns)) + 0j)
    reps, why = closed_form.torus_orbits(base, elsewhere)
    assert reps is None and "start point's orbit is not among" in why


def test_a_refused_closed_form_hands_over_and_says_why(monkeypatch):
    monkeypatch.setattr(closed_form, "torus_orbits", lambda base, start: (None, "closed form: refused here"))
    gen = generic_solutions(Architecture.parse("1,3,3"), 1, np.random.default_rng(0))
    assert gen.report.name == "monodromy 1,3,3" and gen.report.info["closed_form"] == "closed form: refused here"
    assert gen.by_stopping_rule and gen.n_orbits > 0


def test_a_solve_names_only_the_shapes_that_rest_on_the_stopping_rule():
    result = solve(random_instance("1,3,3", seed=0), seed=0, options=SolveOptions(cache=False))
    names = {s.name for s in result.stages}
    assert {"closed form 1,1,3", "monodromy 1,2,3", "closed form 1,3,3"} <= names and result.complete
    rule = [a for a in result.assumptions if "stopping rule" in a]
    assert len(rule) == 1 and "sets of 1,2,3 was found" in rule[0]
    off = solve(random_instance("1,3,3", seed=0), seed=0,
                options=SolveOptions(cache=False, monodromy=NO_CLOSED_FORM))
    assert not any(s.name.startswith("closed form") for s in off.stages)
    assert off.n_solutions == result.n_solutions and off.n_paths_tracked > result.n_paths_tracked
