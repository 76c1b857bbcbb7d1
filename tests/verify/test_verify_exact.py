"""Exact counts over GF(p) against the thesis tables, positive-dimensional cases and the tool interface."""

from __future__ import annotations

import numpy as np
import pytest

from linnet_crit.verify import exact as exact_module
from linnet_crit.architecture import Architecture
from linnet_crit.data import Instance, random_instance
from linnet_crit.errors import DataError, ToolUnavailableError
from linnet_crit.verify import exact_count, singular_executable

from .helpers import table_rows

pytestmark = pytest.mark.skipif(singular_executable() is None, reason="Singular (extra 'exact') is not installed")

# Rows whose exact count takes over ~3 s here (641 and 977 solutions): still run, marked slow.
_SLOW = {(1, 2, 2, 2), (2, 2, 2, 2)}
_ROWS = [
    pytest.param(widths, n_c, n_cstar, id=f"{rid}-{','.join(map(str, widths))}",
                 marks=[pytest.mark.slow] if widths in _SLOW else [])
    for rid, widths, n_c, n_cstar in table_rows()
]


@pytest.mark.parametrize(("widths", "n_c", "n_cstar"), _ROWS)
def test_generic_counts_equal_thesis_tables(widths, n_c, n_cstar):
    count = exact_count(widths, seed=0)
    assert count.dimension == 0
    assert (count.n_solutions, count.n_torus) == (n_c, n_cstar)
    # Every solution simple, the origin among them and nonsingular.
    assert count.n_distinct == count.n_solutions and count.n_torus_distinct == count.n_torus
    assert count.origin_multiplicity == 1


def test_instance_float_data_count_like_generic_data():
    inst = random_instance((2, 2, 2), seed=3)
    count = exact_count(inst, seed=1)
    assert count.data == "instance"
    assert (count.n_solutions, count.n_distinct, count.n_torus) == (33, 33, 16)


def test_float_reduction_mod_p_is_exact_rational():
    # 0.75 = 3/4 → 3 · 4⁻¹ mod p
    p = 32003
    assert exact_module._float_mod_p(0.75, p) * 4 % p == 3
    assert exact_module._float_mod_p(-1.5, p) * 2 % p == p - 3


def test_non_generic_integer_data_give_fewer_solutions():
    # The reference warns that small integer data can be non-generic; Λ = 1 everywhere is scalar.
    arch = Architecture((1, 2, 2))
    inst = Instance(arch, X=[[1.0]], Y=[[1.0], [1.0]], lambdas=[np.ones(s) for s in arch.shapes], regularization="scalar")
    count = exact_count(inst)
    assert count.dimension > 0 or count.n_distinct < 33


def test_second_prime_agrees():
    assert exact_count((1, 2, 2), prime=2147483629, seed=5).n_solutions == 33


def test_radical_fallback_gives_the_same_distinct_count(monkeypatch):
    monkeypatch.setattr(exact_module, "_linear_form_is_separating", lambda *args: False)
    count = exact_count((1, 2, 2), seed=0)
    assert count.reducedness == "radical"
    assert (count.n_solutions, count.n_distinct, count.n_torus, count.n_torus_distinct) == (33, 33, 16, 16)


def test_non_reduced_instance_is_counted_with_and_without_multiplicity():
    # Widths 1,1,1 with x = y = λ₁ = λ₂ = 1: two of the four torus points of the branch b = a
    # (c = ab = (t − λ₁/k)/s = 0) fall into the origin, which becomes a triple point.
    arch = Architecture((1, 1, 1))
    inst = Instance(arch, X=[[1.0]], Y=[[1.0]], lambdas=[[[1.0]], [[1.0]]], regularization="scalar")
    count = exact_count(inst)
    assert (count.n_solutions, count.n_distinct, count.origin_multiplicity) == (5, 3, 3)
    assert (count.n_torus, count.n_torus_distinct, count.reducedness) == (2, 2, "radical")


@pytest.mark.parametrize("widths", [(1, 2, 1), (2, 2, 2)])
def test_scalar_lambda_with_hidden_width_two_is_positive_dimensional(widths):
    count = exact_count(widths, regularization="scalar", seed=0)
    assert count.dimension >= 1
    assert count.n_solutions is None and count.degree >= 1
    assert count.origin_multiplicity == 1  # the origin stays an isolated, simple point


def test_no_regularization_is_positive_dimensional():
    count = exact_count((1, 1, 1), regularization="none", seed=0)
    assert count.dimension == 1  # the hyperbola a·b = y/x


def test_scalar_lambda_with_hidden_width_one_is_finite_but_not_generic():
    # No hidden symmetry survives with one hidden neuron, but the count drops below the generic 9.
    count = exact_count((2, 1, 2), regularization="scalar", seed=0)
    assert count.dimension == 0 and 0 < count.n_solutions < 9


def test_thesis_example_2_15_is_a_curve_of_degree_4_plus_the_isolated_origin():
    # W_1 = [a1 a2] (1×2), W_2 = [b1; b2] (2×1): widths 2,1,2; X, Y are 2×2 so m = 2; Λ = 0.
    arch = Architecture((2, 1, 2))
    inst = Instance(arch, X=[[1, 2], [3, 4]], Y=[[1, 3], [2, 4]], lambdas=[np.zeros(s) for s in arch.shapes],
                    regularization="none")
    count = exact_count(inst)
    assert (count.dimension, count.degree) == (1, 4)
    assert count.origin_multiplicity == 1


def test_complex_instance_is_refused():
    inst = random_instance((1, 1, 1), seed=0)
    complex_inst = Instance(inst.architecture, inst.X * 1j, inst.Y, inst.lambdas)
    with pytest.raises(DataError, match="complex"):
        exact_count(complex_inst)


@pytest.mark.parametrize("prime", [4, 1, 2, 32004, 2.5])
def test_bad_prime_is_refused(prime):
    with pytest.raises(DataError, match="prime"):
        exact_count((1, 1, 1), prime=prime)


def test_missing_singular_names_the_extra(monkeypatch):
    monkeypatch.setattr(exact_module, "singular_executable", lambda: None)
    with pytest.raises(ToolUnavailableError, match=r"linnet-crit\[exact\]"):
        exact_count((1, 1, 1))


def test_count_records_provenance():
    count = exact_count((1, 1, 2), seed=7, prime=32003)
    assert (count.tool, count.prime, count.seed, count.data) == ("Singular", 32003, 7, "random")
    assert count.version[0].isdigit() and count.seconds > 0
    assert "9 solutions" in str(count)
