"""One sample, one or two hidden layers: torus orbits from the reduced system — in closed form
(widths 1,d,d and 1,1,p) or by its linear-product homotopy (the other shapes)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from linnet_crit import Architecture, MonodromyOptions, SolveOptions, random_instance, solve
from linnet_crit.numeric import Parameters, gradient
from linnet_crit.points import is_torus
from linnet_crit.sign_flips import canonicalize
from linnet_crit.solvers.native import blackbox, reduced
from linnet_crit.solvers.native.monodromy import generic_solutions, random_complex_instance, start_pair
from linnet_crit.solvers.native.reduced_homotopy import reduced_system, solve_reduced

NO_REDUCTION = MonodromyOptions(closed_form=False)


def test_solvable_shapes():
    yes = ("1,1,1", "1,1,4", "1,3,3", "1,5,5", "1,2,3", "1,2,2,2", "1,3,1,2", "1,1,1,1")
    assert all(reduced.solvable(Architecture.parse(w), 1) for w in yes)
    assert not any(reduced.solvable(Architecture.parse(w), 1) for w in ("1,3,2", "2,2,2", "1,1,1,1,1"))
    assert not reduced.solvable(Architecture.parse("1,2,2"), 2)


def _check(widths: str, route: str):
    """Against an independent computation: monodromy (or the blackbox) at another base point."""
    arch = Architecture.parse(widths)
    found = generic_solutions(arch, 1, np.random.default_rng(0), blackbox=SolveOptions())
    searched = generic_solutions(arch, 1, np.random.default_rng(1), NO_REDUCTION, blackbox=SolveOptions())
    assert found.report.name == f"{route} {arch}" and found.report.info["route"] == route
    assert not found.by_stopping_rule and searched.report.info.get("route") not in ("closed form", "reduced homotopy")
    assert found.n_orbits == searched.n_orbits > 0
    reps = found.representatives
    residual = np.abs(gradient(arch, reps, Parameters.of(found.base))).max(axis=1)
    assert np.all(residual <= 1e-9 * (1 + np.abs(reps).max(axis=1))) and is_torus(arch, reps).all()
    return found


@pytest.mark.parametrize("widths", ["1,1,1", "1,1,3", "1,2,2", "1,3,3", "1,4,4"])
def test_the_closed_form_finds_the_orbits_monodromy_finds(widths):
    assert _check(widths, "closed form").report.paths == 0


@pytest.mark.parametrize("widths", ["1,2,3", "1,2,4", "1,3,4", "1,1,1,1", "1,2,2,1", "1,1,2,3", "1,2,2,2"])
def test_the_reduced_homotopy_finds_the_orbits_monodromy_finds(widths):
    found = _check(widths, "reduced homotopy")
    report = found.report
    # every path accounted for: one per orbit (the reduced solutions here have no zero entry) or at infinity
    assert report.paths == found.n_orbits + report.at_infinity and report.steps > 0 and report.failed == 0
    assert "reduced_seed" in report.info and "none failed or singular" in report.info["stop"]


def _start(widths: str, seed: int):
    arch = Architecture.parse(widths)
    rng = np.random.default_rng(seed)
    base, w0 = start_pair(arch, random_complex_instance(arch, 1, rng), rng)
    return arch, base, canonicalize(arch, w0[None]), rng


@pytest.mark.parametrize(("widths", "route", "orbits"),
                         [("1,2,2", "closed form", 4), ("1,2,3", "reduced homotopy", 12), ("1,2,2,1", "reduced homotopy", 4)])
def test_an_orbit_set_without_the_start_point_is_refused(widths, route, orbits):
    arch, base, start, rng = _start(widths, 3)
    found = reduced.torus_orbits(base, start, rng)
    assert found.n_orbits == orbits and found.route == route and found.reason.startswith(route)
    elsewhere = canonicalize(arch, rng.standard_normal((1, arch.n_unknowns)) + 0j)
    refused = reduced.torus_orbits(base, elsewhere, rng)
    assert refused.representatives is None and "start point's orbit is not among" in refused.reason


def test_the_reduced_homotopy_refuses_singular_end_points():
    _, base, start, rng = _start("1,2,3", 0)
    refused = reduced.torus_orbits(base, start, rng, SolveOptions(endpoint_singular_condition=1.0))
    assert refused.representatives is None and refused.paths == 12 and refused.failed == 12
    assert "0 failed or were not classified and 12 ended singular (condition number above 1e+00)" in refused.reason


def test_the_reduced_homotopy_refuses_classes_of_end_points_too_close_to_tell_apart(monkeypatch):
    monkeypatch.setattr(reduced, "INFINITY_MARGIN", 1e12)
    _, base, start, rng = _start("1,2,2,1", 0)
    refused = reduced.torus_orbits(base, start, rng)
    assert refused.representatives is None and "below the margin 1e+12" in refused.reason and refused.paths == 9


@pytest.mark.parametrize(("widths", "seed", "orbits"), [("1,3,3,3", 101, 172), ("1,2,3,4", 104, 352)])
def test_finite_points_are_not_taken_for_infinity(widths, seed, orbits):
    """Measured cases where the blackbox's own at-infinity rules took finite points for infinity
    (170 and 351 orbits found); the stricter rules of the reduced route find them all, and the
    blackbox's rules are shown to lose some on the same system, so this test can fail."""
    arch = Architecture.parse(widths)
    rng = np.random.default_rng(seed)
    base, w0 = start_pair(arch, random_complex_instance(arch, 1, rng), rng)
    system = reduced_system(base)
    loose = solve_reduced(system, seed=1)
    assert loose.accounted and len(loose.points) < orbits
    found = reduced.torus_orbits(base, canonicalize(arch, w0[None]), np.random.default_rng(1))
    assert found.n_orbits == orbits and found.reason.startswith("reduced homotopy: every one")


@pytest.mark.parametrize("widths", ["1,2,3", "1,2,2,2"])
def test_the_reduced_homotopy_refuses_data_with_a_zero_output(widths):
    """y_k = 0 (not a generic base, so only through this function): r_k·g_k = 0 has solutions with
    r_k = 0, whose points are not critical, and others with g_k = 0 — the run is refused, not trusted."""
    arch, base, start, rng = _start(widths, 0)
    Y = base.Y.copy()
    Y[0, 0] = 0.0
    refused = reduced.torus_orbits(replace(base, Y=Y), start, rng)
    assert refused.representatives is None and refused.reason.startswith("reduced homotopy:")


def test_a_refused_closed_form_hands_over_and_says_why(monkeypatch):
    monkeypatch.setattr(reduced, "torus_orbits",
                        lambda *args, **kw: reduced.ReducedOrbits(None, "closed form: refused here", "closed form"))
    gen = generic_solutions(Architecture.parse("1,3,3"), 1, np.random.default_rng(0))
    assert gen.report.name == "monodromy 1,3,3" and gen.report.info["closed_form"] == "closed form: refused here"
    assert gen.by_stopping_rule and gen.n_orbits > 0


def test_a_refused_reduced_homotopy_hands_over_and_its_paths_count(monkeypatch):
    """No residual is small enough: the 12 tracked paths are refused, and monodromy's stage counts them."""
    monkeypatch.setattr(reduced, "REDUCED_RESIDUAL", 0.0)
    arch = Architecture.parse("1,2,3")
    gen = generic_solutions(arch, 1, np.random.default_rng(0), MonodromyOptions(blackbox_paths=0))
    alone = generic_solutions(arch, 1, np.random.default_rng(0), MonodromyOptions(blackbox_paths=0, closed_form=False))
    assert gen.report.name == "monodromy 1,2,3" and gen.by_stopping_rule
    assert gen.report.info["closed_form"].startswith("reduced homotopy: 12 of 12 points not torus critical points")
    assert gen.n_orbits == alone.n_orbits == 12 and gen.report.paths > 12


@pytest.mark.parametrize("widths", ["1,3,3", "1,2,2,2"])
def test_a_one_sample_solve_rests_on_no_stopping_rule(widths):
    result = solve(random_instance(widths, seed=0), seed=0, options=SolveOptions(cache=False))
    assert result.complete and not any("stopping rule" in a for a in result.assumptions)
    assert any(s.name.startswith("reduced homotopy") for s in result.stages)
    off = solve(random_instance(widths, seed=0), seed=0, options=SolveOptions(cache=False, monodromy=NO_REDUCTION))
    assert not any(s.name.startswith(("closed form", "reduced homotopy")) for s in off.stages)
    assert any("stopping rule" in a for a in off.assumptions)
    assert off.n_solutions == result.n_solutions and off.n_paths_tracked > result.n_paths_tracked


def test_paths_to_infinity_the_samples_leave_open_are_decided_by_loops(monkeypatch):
    """At this base two paths of the reduced system of 1,2,3,2 go to infinity with winding number 2:
    |x0|/‖y‖ is still above the strict 1e-5 at the last sample, so without the loops the run is
    refused (as it was before them); with them it is accepted, and its orbits are monodromy's."""
    arch = Architecture.parse("1,2,3,2")
    found = generic_solutions(arch, 1, np.random.default_rng(1), MonodromyOptions(blackbox_paths=0))
    searched = generic_solutions(arch, 1, np.random.default_rng(1), MonodromyOptions(blackbox_paths=0, closed_form=False))
    assert found.report.info["route"] == "reduced homotopy" and not found.by_stopping_rule
    assert found.n_orbits == searched.n_orbits > 0 and found.report.failed == 0
    monkeypatch.setattr(blackbox, "LOOP_SAMPLES", slice(0, 0))
    without = generic_solutions(arch, 1, np.random.default_rng(1), MonodromyOptions(blackbox_paths=0))
    assert without.by_stopping_rule and "failed or were not classified" in without.report.info["closed_form"]


def test_loop_estimates_that_still_move_get_a_fourth_radius(monkeypatch):
    """At this base point 18 paths of the reduced system of 1,2,3,4 are left open by the samples and
    their loop estimates still move by 1e-6 … 4e-4 from the radius 1e-4 to 3e-6 to 1e-7: with those
    three radii the run is refused, with the fourth (3e-9) every path is decided and it finds as
    many orbits as the reduced route at another base point."""
    arch, base, start, _ = _start("1,2,3,4", 0)
    found = reduced.torus_orbits(base, start, np.random.default_rng(0))
    assert found.reason.startswith("reduced homotopy: every one") and found.failed == 0
    _, other_base, other_start, _ = _start("1,2,3,4", 1)
    assert found.n_orbits == reduced.torus_orbits(other_base, other_start, np.random.default_rng(0)).n_orbits > 0
    monkeypatch.setattr(blackbox, "LOOP_SAMPLES", slice(2, 5))
    refused = reduced.torus_orbits(base, start, np.random.default_rng(0))
    assert refused.representatives is None and "failed or were not classified" in refused.reason


def test_paths_crawling_to_infinity_past_the_last_loop_radius_are_decided_by_the_loops(monkeypatch):
    """At this base point 52 paths of the reduced system of 1,2,4,3 head for singular points at
    infinity and are still open past the loops' smallest radius (3e-9). On the last segment (to
    1e-12) they crawled, some through all 20 000 steps the tracker allows (21 s of a 23 s run); now
    a path heading for infinity stops there after DEEP_SEGMENT_STEPS and goes to the loops, which
    close it."""
    most = []
    straight = blackbox.track

    def recording(hom, start, opts=None):
        res = straight(hom, start, opts)
        most.append(int(res.steps.max(initial=0)))
        return res

    monkeypatch.setattr(blackbox, "track", recording)
    arch = Architecture.parse("1,2,4,3")
    found = generic_solutions(arch, 1, np.random.default_rng(0), MonodromyOptions(blackbox_paths=0))
    assert found.report.info["route"] == "reduced homotopy" and not found.by_stopping_rule
    assert found.report.failed == 0 and max(most) <= blackbox.DEEP_SEGMENT_STEPS
    monkeypatch.undo()
    elsewhere = generic_solutions(arch, 1, np.random.default_rng(1), MonodromyOptions(blackbox_paths=0))
    assert found.n_orbits == elsewhere.n_orbits > 0
