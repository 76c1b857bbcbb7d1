"""The exchange form against hand-written systems, the numeric evaluator, and round trips."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import SolverError
from linnet_crit.numeric.evaluate import Parameters, gradient
from linnet_crit.solvers.exchange import ExchangeSystem, decode, encode
from linnet_crit.system import gradient_system


def as_dict(exponents: np.ndarray, coefficients: np.ndarray) -> dict[tuple[int, ...], complex]:
    return {tuple(int(e) for e in row): complex(c) for row, c in zip(exponents, coefficients)}


def symbols(names: tuple[str, ...]) -> list[sp.Symbol]:
    return [sp.Symbol(name) for name in names]


def evaluate(ex: ExchangeSystem, x: np.ndarray, p: np.ndarray) -> np.ndarray:
    z = np.concatenate([x, p])
    return np.array([np.prod(z**e, axis=1) @ c for e, c in zip(ex.exponents, ex.coefficients)])


def test_widths_111_symbolic_by_hand():
    # W = b·a, x = X, y = Y:  F_a = b(ab x² − y x) + L1 a,  F_b = a(ab x² − y x) + L2 b.
    # Columns: a, b, x, y, L1, L2.
    ex = encode(gradient_system((1, 1, 1)))
    assert ex.variables == ("W1_0_0", "W2_0_0")
    assert ex.parameters == ("X_0_0", "Y_0_0", "L1_0_0", "L2_0_0")
    assert as_dict(ex.exponents[0], ex.coefficients[0]) == {
        (1, 2, 2, 0, 0, 0): 1,
        (0, 1, 1, 1, 0, 0): -1,
        (1, 0, 0, 0, 1, 0): 1,
    }
    assert as_dict(ex.exponents[1], ex.coefficients[1]) == {
        (2, 1, 2, 0, 0, 0): 1,
        (1, 0, 1, 1, 0, 0): -1,
        (0, 1, 0, 0, 0, 1): 1,
    }


def test_widths_111_numeric_by_hand():
    # X = 1, Y = 2, Λ = (1/2, 1/4):  F_a = a b² − 2b + a/2,  F_b = a² b − 2a + b/4.
    inst = Instance((1, 1, 1), X=[[1.0]], Y=[[2.0]], lambdas=[[[0.5]], [[0.25]]])
    ex = encode(gradient_system(inst))
    assert ex.parameters == ()
    assert as_dict(ex.exponents[0], ex.coefficients[0]) == {(1, 2): 1, (0, 1): -2, (1, 0): 0.5}
    assert as_dict(ex.exponents[1], ex.coefficients[1]) == {(2, 1): 1, (1, 0): -2, (0, 1): 0.25}


def test_complex_coefficients_survive():
    inst = Instance((1, 1, 1), X=[[1.0 + 1.0j]], Y=[[2.0]], lambdas=[[[0.5j]], [[0.25]]])
    ex = encode(gradient_system(inst))
    # F_a = a b² (1+i)² − 2 b (1+i) + (i/2) a
    assert as_dict(ex.exponents[0], ex.coefficients[0]) == {(1, 2): 2j, (0, 1): -2 - 2j, (1, 0): 0.5j}


@pytest.mark.parametrize("widths, samples", [((2, 2, 2), 1), ((1, 2, 2, 1), 2), ((2, 1, 3), 3)])
def test_symbolic_exchange_evaluates_like_the_numeric_gradient(widths, samples):
    arch = Architecture(widths)
    ex = encode(gradient_system(arch, symbolic_parameters=True, samples=samples))
    rng = np.random.default_rng(1)
    inst = random_instance(arch, samples=samples, seed=2)
    x = rng.standard_normal(arch.n_unknowns) + 1j * rng.standard_normal(arch.n_unknowns)
    expected = gradient(arch, x[None], Parameters.of(inst))[0]
    np.testing.assert_allclose(evaluate(ex, x, inst.parameter_vector()), expected, rtol=1e-12, atol=1e-12)


def test_variable_and_parameter_order_is_linnet_crits():
    arch = Architecture((1, 2, 2, 1))
    system = gradient_system(arch, symbolic_parameters=True, samples=2)
    ex = encode(system)
    assert ex.variables == arch.variable_names()
    assert ex.parameters == tuple(str(p) for p in system.parameters)
    assert len(ex.parameters) == len(random_instance(arch, samples=2).parameter_vector())


@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 2, 2, 1), (2, 2, 2)])
def test_decode_inverts_encode_exactly_for_symbolic_systems(widths):
    system = gradient_system(widths, symbolic_parameters=True)
    decoded = decode(encode(system))
    assert all(sp.expand(d - e) == 0 for d, e in zip(decoded, system.equations))
    assert {s.name for d in decoded for s in d.free_symbols} <= {
        *(str(v) for v in system.variables),
        *(str(p) for p in system.parameters),
    }


def test_float_coefficients_round_trip_bitwise():
    ex = encode(gradient_system(random_instance((2, 2, 2), seed=5)))
    again = encode(SimpleNamespace(equations=decode(ex), variables=symbols(ex.variables), parameters=()))
    for e1, c1, e2, c2 in zip(ex.exponents, ex.coefficients, again.exponents, again.coefficients):
        assert as_dict(e1, c1) == as_dict(e2, c2)


@st.composite
def exchange_systems(draw) -> ExchangeSystem:
    n_vars = draw(st.integers(1, 3))
    n_params = draw(st.integers(0, 2))
    width = n_vars + n_params
    exponents, coefficients = [], []
    for _ in range(draw(st.integers(1, 3))):
        rows = draw(st.lists(st.tuples(*[st.integers(0, 3)] * width), max_size=5, unique=True))
        finite = st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: v != 0)
        values = [complex(draw(finite), draw(st.sampled_from([0.0, 1.5, -0.25]))) for _ in rows]
        exponents.append(np.array(rows, dtype=np.int64).reshape(len(rows), width))
        coefficients.append(np.array(values, dtype=complex))
    names = [f"v{i}" for i in range(n_vars)], [f"p{i}" for i in range(n_params)]
    return ExchangeSystem(tuple(names[0]), tuple(names[1]), tuple(exponents), tuple(coefficients))


@settings(max_examples=60, deadline=None)
@given(exchange_systems())
def test_encode_inverts_decode(ex):
    again = encode(SimpleNamespace(
        equations=decode(ex), variables=symbols(ex.variables), parameters=symbols(ex.parameters)
    ))
    assert (again.variables, again.parameters) == (ex.variables, ex.parameters)
    for e1, c1, e2, c2 in zip(ex.exponents, ex.coefficients, again.exponents, again.coefficients):
        assert as_dict(e1, c1) == as_dict(e2, c2)


def test_stacked_concatenates_in_equation_order():
    ex = encode(gradient_system((1, 2, 1)))
    exponents, coefficients, counts = ex.stacked()
    assert counts.tolist() == [len(c) for c in ex.coefficients]
    assert exponents.shape == (counts.sum(), ex.n_variables + ex.n_parameters)
    start = counts[0]
    np.testing.assert_array_equal(exponents[start : start + counts[1]], ex.exponents[1])
    np.testing.assert_array_equal(coefficients[:start], ex.coefficients[0])


def test_zero_equation_has_no_terms():
    x = sp.Symbol("x")
    ex = encode(SimpleNamespace(equations=[sp.Integer(0), x], variables=[x], parameters=[]))
    assert ex.exponents[0].shape == (0, 1)
    assert decode(ex) == [0, x]


def test_undeclared_symbol_is_an_error():
    x, z = sp.symbols("x z")
    with pytest.raises(SolverError, match="declare every symbol"):
        encode(SimpleNamespace(equations=[x * z], variables=[x], parameters=[]))


def test_non_polynomial_is_an_error():
    x = sp.Symbol("x")
    with pytest.raises(SolverError, match="not a polynomial"):
        encode(SimpleNamespace(equations=[1 / x], variables=[x], parameters=[]))


def test_malformed_exchange_is_rejected():
    with pytest.raises(SolverError, match="one non-negative row per coefficient"):
        ExchangeSystem(("x",), (), (np.array([[1], [0]]),), (np.array([1.0]),))
    with pytest.raises(SolverError, match="one non-negative row per coefficient"):
        ExchangeSystem(("x",), (), (np.array([[-1]]),), (np.array([1.0]),))
    with pytest.raises(SolverError, match="one of each per equation"):
        ExchangeSystem(("x",), (), (np.array([[1]]),), ())


def test_fixing_parameters_combines_terms_and_drops_cancellations():
    x, a, b = sp.symbols("x a b")
    # x·a − x·b + x² a: at a = b = 2 the linear terms cancel, at a = 1, b = 2 they combine to −x.
    ex = encode(SimpleNamespace(equations=[x * a - x * b + x**2 * a], variables=[x], parameters=[a, b]))
    cancelled = ex.at_parameters([2, 2])
    assert (cancelled.parameters, cancelled.supports(), cancelled.degrees()) == ((), (frozenset({(2,)}),), (2,))
    combined = ex.at_parameters([1, 2])
    assert as_dict(combined.exponents[0], combined.coefficients[0]) == {(2,): 1, (1,): -1}
    with pytest.raises(SolverError, match="2 parameters but 3 values"):
        ex.at_parameters([1, 2, 3])


def test_fixed_parameters_evaluate_like_the_parametric_system():
    ex = encode(gradient_system((1, 2, 2), symbolic_parameters=True, samples=2))
    rng = np.random.default_rng(0)
    p = rng.standard_normal(ex.n_parameters) + 1j * rng.standard_normal(ex.n_parameters)
    x = rng.standard_normal(ex.n_variables) + 1j * rng.standard_normal(ex.n_variables)
    np.testing.assert_allclose(evaluate(ex.at_parameters(p), x, np.zeros(0)), evaluate(ex, x, p), rtol=1e-12)
