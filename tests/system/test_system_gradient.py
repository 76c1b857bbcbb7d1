"""The exact gradient system: shape, degrees, exactness, parameters and substitution."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import ArchitectureError, DataError
from linnet_crit.system import exact_number, gradient_system, parameter_names


@st.composite
def architectures(draw, max_unknowns: int = 40) -> Architecture:
    depth = draw(st.integers(1, 3))
    arch = Architecture(tuple(draw(st.lists(st.integers(1, 4), min_size=depth + 2, max_size=depth + 2))))
    assume(arch.n_unknowns <= max_unknowns)
    return arch


@settings(max_examples=20)
@given(architectures(), st.integers(1, 3), st.integers(0, 1000))
def test_one_equation_per_weight_of_degree_2H_plus_1_without_constant(arch, samples, seed):
    system = gradient_system(random_instance(arch, samples=samples, seed=seed))
    assert [str(v) for v in system.variables] == list(arch.variable_names())
    equations = system.terms()
    assert len(equations) == arch.n_unknowns and system.parameters == ()
    for terms in equations:
        degrees = [sum(m) for m, _ in terms]
        assert max(degrees) == 2 * arch.depth + 1  # exactly: generic data leave the top terms nonzero
        assert min(degrees) >= 1  # no constant term: W = 0 is a solution
        assert all(c != 0 for _, c in terms)


def test_hand_derived_one_hidden_unit():
    # L = ½(w2 w1 x − y)² + ½(λ1 w1² + λ2 w2²):  ∂/∂w1 = w2 x (w2 w1 x − y) + λ1 w1
    inst = Instance((1, 1, 1), X=[[3.0]], Y=[[2.0]], lambdas=[[[0.5]], [[0.25]]])
    w1, w2 = sp.symbols("W1_0_0 W2_0_0")
    expected = (w2 * 3 * (w2 * w1 * 3 - 2) + w1 / 2, w1 * 3 * (w2 * w1 * 3 - 2) + w2 / 4)
    system = gradient_system(inst)
    assert all(sp.expand(e - f) == 0 for e, f in zip(system.equations, expected))


def test_matrix_form_of_the_equations_for_two_hidden_layers():
    inst = random_instance((2, 2, 1, 2), samples=2, seed=4)
    system = gradient_system(inst)
    arch = inst.architecture
    W = [sp.Matrix(r, c, lambda i, j, k=k: sp.Symbol(f"W{k + 1}_{i}_{j}")) for k, (r, c) in enumerate(arch.shapes)]
    X = sp.Matrix(inst.X.tolist()).applyfunc(sp.Rational)
    Y = sp.Matrix(inst.Y.tolist()).applyfunc(sp.Rational)
    E = W[2] * W[1] * W[0] * X * X.T - Y * X.T
    U = [W[2] * W[1], W[2], sp.eye(2)]
    V = [sp.eye(2), W[0], W[1] * W[0]]
    expected = []
    for k in range(3):
        lam = sp.Matrix(inst.lambdas[k].tolist()).applyfunc(sp.Rational)
        expected += list(U[k].T * E * V[k].T + lam.multiply_elementwise(W[k]))
    assert all(sp.expand(e - f) == 0 for e, f in zip(system.equations, expected))


def test_floats_enter_at_their_exact_binary_value():
    inst = Instance((1, 1, 1), X=[[1.0]], Y=[[0.1]], lambdas=[[[0.5]], [[0.5]]])
    w2 = sp.Symbol("W2_0_0")
    coefficient = sp.Poly(gradient_system(inst).equations[0], w2).coeff_monomial(w2)
    assert coefficient == -sp.Rational(0.1) == -sp.Rational(3602879701896397, 2**55)
    assert coefficient != -sp.Rational(1, 10)


def test_exact_data_stay_exact():
    exact = ([[Fraction(1, 3)]], [[2]], [[Fraction(1, 7)]], [[sp.Rational(2, 9)]])
    inst = Instance((1, 1, 1), X=[[1 / 3]], Y=[[2.0]], lambdas=[[[1 / 7]], [[2 / 9]]], exact=exact)
    w1, w2 = sp.symbols("W1_0_0 W2_0_0")
    expected = w2 * sp.Rational(1, 3) * (w2 * w1 * sp.Rational(1, 3) - 2) + w1 / 7
    assert sp.expand(gradient_system(inst).equations[0] - expected) == 0


def test_exact_data_must_match_the_floats():
    exact = ([[Fraction(1, 3)]], [[2]], [[Fraction(1, 7)]], [[Fraction(1, 5)]])
    inst = Instance((1, 1, 1), X=[[1 / 3]], Y=[[2.0]], lambdas=[[[1 / 7]], [[2 / 9]]], exact=exact)
    with pytest.raises(DataError, match=r"Lambda_2\[0,0\] = 1/5"):
        gradient_system(inst)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), sp.sqrt(2), "1", True, sp.Symbol("a")])
def test_exact_number_rejects_non_rational_values(value):
    with pytest.raises(DataError):
        exact_number(value)


def test_complex_data_give_gaussian_rational_coefficients():
    inst = random_instance((1, 2, 1), seed=1)
    inst = inst.with_parameters(inst.parameter_vector() * (0.5 + 0.25j))
    system = gradient_system(inst)
    assert system.polys()[0].domain == sp.QQ_I
    assert any(sp.im(c) != 0 for _, c in system.terms()[0])


def test_symbolic_parameters_follow_the_parameter_vector_order():
    arch = Architecture((2, 1, 2))
    system = gradient_system(arch, samples=2)
    assert [p.name for p in system.parameters] == list(parameter_names(arch, 2))
    assert [p.name for p in system.parameters][:5] == ["X_0_0", "X_0_1", "X_1_0", "X_1_1", "Y_0_0"]
    assert system.is_symbolic and system.instance is None
    # substituting the parameter vector entry by entry gives the numeric system
    inst = random_instance(arch, samples=2, seed=6)
    values = dict(zip(system.parameters, (exact_number(v) for v in inst.parameter_vector().real)))
    numeric = gradient_system(inst)
    assert all(sp.expand(e.xreplace(values) - f) == 0 for e, f in zip(system.equations, numeric.equations))


@pytest.mark.parametrize("widths, samples, complex_data", [((1, 2, 1), 1, False), ((2, 2, 1, 2), 2, True), ((3, 1, 2), 3, False)])
def test_substitute_equals_building_from_the_instance(widths, samples, complex_data):
    inst = random_instance(widths, samples=samples, seed=2)
    if complex_data:
        inst = inst.with_parameters(inst.parameter_vector() * np.exp(0.3j * np.arange(inst.parameter_vector().size)))
    direct = gradient_system(inst)
    substituted = gradient_system(widths, samples=samples).substitute(inst)
    assert substituted == direct and substituted.equations == direct.equations
    assert substituted.instance is inst and hash(substituted) == hash(direct)


def test_symbolic_from_an_instance_and_bad_requests():
    inst = random_instance((1, 2, 1), samples=2, seed=0)
    assert gradient_system(inst, symbolic_parameters=True) == gradient_system((1, 2, 1), samples=2)
    with pytest.raises(DataError, match="no symbolic parameters"):
        gradient_system(inst).substitute(inst)
    with pytest.raises(DataError, match="2 samples"):
        gradient_system((1, 2, 1)).substitute(inst)
    with pytest.raises(DataError, match="omit samples"):
        gradient_system(inst, samples=3)
    with pytest.raises(DataError, match="samples"):
        gradient_system((1, 2, 1), samples=0)
    with pytest.raises(ArchitectureError):
        gradient_system("1,0,1")


def test_system_is_immutable():
    system = gradient_system((1, 1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        system.samples = 2  # type: ignore[misc]
    assert system.equations is system.equations  # derived once


def test_supports_match_the_terms():
    system = gradient_system(random_instance((2, 2, 2), seed=3))
    assert system.supports() == tuple(frozenset(m for m, _ in terms) for terms in system.terms())


@pytest.mark.parametrize("source", ["symbolic", "real", "complex"])
def test_jacobian_equals_sympys(source):
    inst = random_instance((2, 1, 2), samples=2, seed=7)
    if source == "complex":
        inst = inst.with_parameters(inst.parameter_vector() * (1 - 0.5j))
    system = gradient_system((2, 1, 2), samples=2) if source == "symbolic" else gradient_system(inst)
    expected = sp.Matrix(system.equations).jacobian(system.variables)
    got = system.jacobian()
    assert len(got) == len(system.variables) and all(len(row) == len(system.variables) for row in got)
    assert all(sp.expand(g - e) == 0 for g, e in zip(sp.Matrix(got), expected))
