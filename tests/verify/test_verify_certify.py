"""Krawczyk certification: known points certify, wrong points fail, duplicates count once."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import ArchitectureError
from linnet_crit.verify import certify

from .helpers import closed_form_111


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_closed_form_points_of_widths_111_certify_distinct_with_correct_reality(seed):
    inst = random_instance((1, 1, 1), seed=seed)
    points = closed_form_111(inst)
    rng = np.random.default_rng(seed)
    noisy = points + 1e-9 * (rng.standard_normal(points.shape) + 1j * rng.standard_normal(points.shape))
    result = certify(inst, noisy)
    assert (result.ncertified, result.ndistinct_certified) == (5, 5)
    truly_real = np.abs(points.imag).max(axis=1) == 0
    assert [p.real_certified for p in result.points] == truly_real.tolist()
    assert [p.nonreal_certified for p in result.points] == (~truly_real).tolist()
    for point, certificate in zip(points, result.points):
        # the box proved to hold a solution really holds the known one
        assert np.all(np.abs(point - certificate.center) <= certificate.radius)


def test_wrong_point_fails_and_is_reported():
    inst = random_instance((1, 1, 1), seed=0)
    points = np.vstack([closed_form_111(inst)[1], [0.3 + 0.1j, -0.7]])
    result = certify(inst, points)
    assert [p.certified for p in result.points] == [True, False]
    assert result.failed == (1,) and np.isnan(result.points[1].radius)


def test_point_off_by_a_little_still_fails_at_a_tiny_radius():
    inst = random_instance((1, 1, 1), seed=0)
    point = closed_form_111(inst)[1] * (1 + 1e-2)
    assert certify(inst, point[None]).ncertified == 0


def test_two_copies_of_one_point_are_not_two_distinct_solutions():
    inst = random_instance((1, 1, 1), seed=4)
    point = closed_form_111(inst)[2]
    result = certify(inst, np.vstack([point, point + 1e-12]))
    assert result.ncertified == 2
    assert result.ndistinct_certified == 1
    assert result.points[1].duplicate_of == 0


def test_origin_of_a_larger_network_certifies_real():
    inst = random_instance((2, 2, 2), seed=0)
    result = certify(inst, np.zeros((1, 8)))
    assert result.ndistinct_real_certified == 1 and result.points[0].radius > 0


def test_complex_data_are_certified_without_reality_claims():
    inst = random_instance((1, 1, 1), seed=0)
    rng = np.random.default_rng(0)
    complex_inst = inst.with_parameters(inst.parameter_vector() * np.exp(1j * rng.uniform(0, 1, 4)))
    result = certify(complex_inst, closed_form_111(complex_inst))
    assert result.ncertified == 5 and result.ndistinct_real_certified == 0
    assert not any(p.nonreal_certified for p in result.points)


def test_points_of_the_wrong_length_are_refused():
    with pytest.raises(ArchitectureError, match="coordinates"):
        certify(random_instance((1, 1, 1), seed=0), np.zeros((1, 3)))


def test_singular_point_is_not_certified():
    # Λ = 0: the point (1, 2) lies on the curve a·b = y/x, where no box holds a unique solution.
    arch = Architecture((1, 1, 1))
    inst = Instance(arch, X=[[1.0]], Y=[[2.0]], lambdas=[[[0.0]], [[0.0]]], regularization="none")
    assert certify(inst, np.array([[1.0, 2.0]])).ncertified == 0


def test_triple_origin_of_a_non_reduced_instance_is_not_certified():
    # x = y = λ₁ = λ₂ = 1: the origin is a triple point, the two points a = ±i√2, b = −a are simple.
    arch = Architecture((1, 1, 1))
    inst = Instance(arch, X=[[1.0]], Y=[[1.0]], lambdas=[[[1.0]], [[1.0]]], regularization="scalar")
    a = 1j * np.sqrt(2.0)
    result = certify(inst, np.array([[0, 0], [a, -a], [-a, a]]))
    assert [p.certified for p in result.points] == [False, True, True]
    assert result.ndistinct_certified == 2 and result.ndistinct_real_certified == 0
