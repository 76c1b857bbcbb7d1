"""Positive-dimensional critical sets, numeric route: Jacobian nullity at points on the components."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import PositiveDimensionalError
from linnet_crit.verify import check_isolated, exact_count, jacobian_nullities, local_dimension, singular_executable

from .helpers import closed_form_111, newton_on_slices

needs_singular = pytest.mark.skipif(singular_executable() is None, reason="Singular (extra 'exact') is not installed")


def example_2_15() -> Instance:
    """Thesis example 2.15: W_1 = [a1 a2], W_2 = [b1; b2] (widths 2,1,2), m = 2, no regularization."""
    arch = Architecture((2, 1, 2))
    return Instance(arch, X=[[1, 2], [3, 4]], Y=[[1, 3], [2, 4]], lambdas=[np.zeros(s) for s in arch.shapes],
                    regularization="none")


def test_generic_lambda_points_are_isolated():
    inst = random_instance((1, 1, 1), seed=0)
    points = closed_form_111(inst)
    assert jacobian_nullities(inst, points).tolist() == [0] * 5
    check_isolated(inst, points)  # must not raise


def test_example_2_15_curve_points_have_nullity_one_and_the_origin_none():
    inst = example_2_15()
    points = newton_on_slices(inst, n_slices=1, n_starts=12, seed=0)
    assert len(points) >= 6
    assert {local_dimension(inst, p) for p in points} == {1}
    assert local_dimension(inst, np.zeros(4)) == 0


def test_example_2_15_has_no_isolated_points_besides_the_origin():
    # Without a slice, Newton from random starts can only land on the curve or the origin.
    inst = example_2_15()
    points = newton_on_slices(inst, n_slices=0, n_starts=12, seed=1)
    nullities = jacobian_nullities(inst, points)
    at_origin = np.abs(points).max(axis=1) < 1e-8
    assert np.all(nullities[~at_origin] == 1) and np.all(nullities[at_origin] == 0)


@needs_singular
def test_example_2_15_exact_and_numeric_dimensions_agree():
    inst = example_2_15()
    point = newton_on_slices(inst, n_slices=1, n_starts=4, seed=2)[0]
    assert exact_count(inst).dimension == local_dimension(inst, point) == 1


@pytest.mark.parametrize(("widths", "regularization"), [((1, 2, 1), "scalar"), ((2, 2, 2), "scalar"),
                                                         ((1, 1, 1), "none"), ((1, 2, 1), "none")])
def test_check_isolated_raises_with_the_local_dimension(widths, regularization):
    inst = random_instance(widths, seed=0, regularization=regularization)
    # Starts of norm ~5: the components of these instances lie at |w| ≈ 1–7, the origin attracts small starts.
    points = newton_on_slices(inst, n_slices=0, n_starts=10, seed=0, iterations=150, scale=5.0)
    points = points[np.abs(points).max(axis=1) > 1e-6]
    assert len(points), "no point of a positive-dimensional component was found"
    with pytest.raises(PositiveDimensionalError, match="generic") as info:
        check_isolated(inst, points)
    assert info.value.dimension >= 1
    if singular_executable() is not None:
        # The nullity at a general point of a component is its dimension, at most the ideal's.
        assert info.value.dimension <= exact_count(inst).dimension


def test_closed_form_scalar_orbit_rotation_keeps_a_critical_point_with_nullity_one():
    # Scalar λ, widths 1,2,1: rotate a one-neuron critical point inside the hidden layer.
    inst = random_instance((1, 2, 1), seed=3, regularization="scalar")
    sub = inst.restrict([(0,)])
    a, b = closed_form_111(sub)[1]
    theta = 0.7
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    w1 = rotation @ np.array([[a], [0]])
    w2 = np.array([[b, 0]]) @ rotation.T
    point = inst.architecture.join([w1, w2])
    assert local_dimension(inst, point) == 1


def test_check_isolated_accepts_no_points():
    check_isolated(random_instance((1, 1, 1), seed=0), np.zeros((0, 2)))


def test_check_isolated_accepts_an_isolated_singular_point():
    # x = y = λ = 1 on widths 1,1,1: the origin is a triple point (Jacobian [[1, −1], [−1, 1]]),
    # singular but isolated — a kernel alone is no evidence of a component.
    inst = Instance(Architecture((1, 1, 1)), X=[[1.0]], Y=[[1.0]], lambdas=[[[1.0]], [[1.0]]])
    assert jacobian_nullities(inst, np.zeros((1, 2))).tolist() == [1]
    check_isolated(inst, np.zeros((1, 2)))  # must not raise
