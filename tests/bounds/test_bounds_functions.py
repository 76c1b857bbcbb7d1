"""Bounds one by one: independent checks, hypotheses, supports, the gfan boundary, published rows."""

from __future__ import annotations

import itertools
from functools import cache
from math import comb, prod

import pytest
import sympy as sp

import linnet_crit.bounds.bkk as mv
from linnet_crit.bounds import (
    BOUND_LABEL,
    OBSERVATION_LABEL,
    alive_formulas_apply,
    alive_set_observation,
    alive_size_bound,
    all_bounds,
    bezout,
    bh_torus,
    bh_total,
    bkk_affine,
    bkk_torus,
    generic_supports,
    gfan_executable,
    mixed_volume,
    multihomogeneous_bezout,
    published_row,
    published_rows,
)
from linnet_crit.architecture import Architecture
from linnet_crit.errors import BoundNotApplicableError, DataError, ToolUnavailableError


def _mhom_by_expansion(widths) -> int:
    """The defining coefficient, by SymPy expansion (independent of the closed formula)."""
    sizes = Architecture(widths).group_sizes
    z = sp.symbols(f"z0:{len(sizes)}")
    product = prod((z[i] + 2 * sum(z[j] for j in range(len(sizes)) if j != i)) ** n for i, n in enumerate(sizes))
    return int(sp.Poly(product, *z).coeff_monomial(prod(zi**n for zi, n in zip(z, sizes))))


@pytest.mark.parametrize("widths", [(1, 1, 1), (2, 1, 3), (1, 2, 2), (2, 2, 2), (1, 1, 1, 1), (2, 1, 2, 1), (1, 2, 1, 1, 2)])
def test_multihomogeneous_bezout_equals_its_definition(widths):
    assert multihomogeneous_bezout(widths) == _mhom_by_expansion(widths)


def test_multihomogeneous_bezout_matches_bertini_path_counts():
    # bertini2's layer-grouped m-hom start systems track these many paths (reference, section 8)
    assert multihomogeneous_bezout((2, 2, 2)) == 1921
    assert multihomogeneous_bezout((1, 2, 2, 2)) == 452225


def test_multihomogeneous_bezout_of_a_large_network_is_exact_and_below_bezout():
    widths = (10, 10, 10, 10, 10)  # N = 400: the closed formula needs only O(N²) integer operations
    value = multihomogeneous_bezout(widths)
    assert 0 < value < bezout(widths)


@pytest.mark.parametrize("widths, samples", [((1, 1, 1, 1), 1), ((2, 2, 2), 2), ((1, 2, 1, 1), 3)])
def test_bharadwaj_hosten_bounds_refuse_outside_their_hypotheses(widths, samples):
    for bound in (bh_total, bh_torus):
        with pytest.raises(BoundNotApplicableError, match="H = 1, m = 1"):
            bound(widths, samples)


def test_mixed_volume_of_known_systems(gfan):
    # dense quadrics in two variables: the mixed volume is the Bézout number 4
    dense = frozenset(m for m in itertools.product(range(3), repeat=2) if sum(m) <= 2)
    assert mixed_volume([dense, dense]) == 4
    # x² + y, x y + y: 2 in the torus, 3 once the origin is added
    supports = [frozenset({(2, 0), (0, 1)}), frozenset({(1, 1), (0, 1)})]
    assert mixed_volume(supports) == 1
    assert mixed_volume(supports, with_origin=True) == 3


def test_many_variables_get_prefix_free_names(gfan):
    # 30 unknowns: more than 26 one-letter names; a triangular system x_1, x_1 x_2, … has volume 1
    n = 30
    supports = [frozenset({tuple(1 if j <= i else 0 for j in range(n))}) | frozenset({(0,) * n}) for i in range(n)]
    assert mixed_volume(supports) == 1


@pytest.mark.parametrize("widths", [(2, 2, 2), (3, 2, 2), (3, 2, 1, 2), (4, 2, 3)])
def test_supports_with_fewer_samples_than_inputs_are_the_generic_ones(widths):
    full = generic_supports(widths, widths[0])
    for samples in range(1, widths[0]):
        assert generic_supports(widths, samples) == full
    assert all(max(sum(m) for m in s) == 2 * Architecture(widths).depth + 1 for s in full)


@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 2, 2), (2, 2, 2), (3, 2, 1, 2), (1, 2, 2, 1), (2, 1, 2, 1, 2), (1, 3, 3)])
@pytest.mark.parametrize("samples", [1, 2])
def test_supports_read_off_the_structure_equal_sympys_expansion(widths, samples):
    from linnet_crit.system import gradient_system

    assert generic_supports(widths, samples) == gradient_system(widths, samples=samples).supports()


def test_bkk_with_samples(gfan):
    # m ≥ dx adds nothing to the supports, so the mixed volume cannot change
    assert bkk_affine((2, 2, 2), samples=3) == bkk_affine((2, 2, 2)) == 1089
    assert bkk_torus((1, 2, 2), samples=2) == bkk_torus((1, 2, 2))
    with pytest.raises(DataError, match="samples"):
        bkk_affine((1, 1, 1), samples=0)


def test_all_bounds_keys_and_inapplicable_bounds(gfan):
    keys = ["bezout", "multihomogeneous_bezout", "bkk_torus", "bkk_affine", "bh_total", "bh_torus"]
    one_layer = all_bounds((2, 2, 2))
    assert list(one_layer) == keys
    assert (one_layer["bh_total"], one_layer["bh_torus"], one_layer["bkk_affine"]) == (81, 64, 1089)
    two_layers = all_bounds("1,1,1,1")
    assert two_layers["bh_total"] is None and two_layers["bh_torus"] is None
    assert two_layers["bkk_affine"] == 17
    assert all_bounds((1, 2, 1), samples=2)["bh_total"] is None


def test_missing_gfan_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setattr(mv.sysconfig, "get_paths", lambda: {"purelib": str(tmp_path), "platlib": str(tmp_path)})
    monkeypatch.setattr(mv.site, "getsitepackages", lambda: [str(tmp_path)])
    monkeypatch.setattr(mv.site, "getusersitepackages", lambda: str(tmp_path))
    monkeypatch.setattr(mv.shutil, "which", lambda name: None)
    mv._bkk.cache_clear()
    try:
        with pytest.raises(ToolUnavailableError, match=r"pip install 'linnet-crit\[mixedvolume\]'"):
            gfan_executable()
        with pytest.raises(ToolUnavailableError):
            bkk_affine((1, 1, 1))
    finally:
        mv._bkk.cache_clear()


def test_published_rows():
    row = published_row((2, 2, 2))
    assert (row["table"], row["row"], row["N"], row["N_C"], row["N_Cstar"]) == ("3.1", 14, 8, 33, 16)
    corrected = published_row((1, 1, 1, 1))
    assert (corrected["N_C_printed"], corrected["N_C"]) == (16, 17)  # the origin the solver lost
    assert published_row((4, 4, 4)) is None
    assert published_row((2, 2, 2), samples=2) is None


def _mhom_by_assignments(widths) -> int:
    """The defining coefficient by dynamic programming over equation → group assignments: each
    equation picks the group of one of its factors (1 way in its own layer, 2 in any other) until
    every group has as many equations as unknowns. Independent of the closed formula."""
    sizes = Architecture(widths).group_sizes
    own = tuple(j for j, size in enumerate(sizes) for _ in range(size))

    @cache
    def count(k: int, left: tuple[int, ...]) -> int:
        if k == len(own):
            return 1
        return sum(
            (1 if j == own[k] else 2) * count(k + 1, left[:j] + (r - 1,) + left[j + 1 :])
            for j, r in enumerate(left)
            if r
        )

    return count(0, sizes)


@pytest.mark.parametrize("row", published_rows(), ids=lambda row: f"{row['table']}-{row['row']}")
def test_multihomogeneous_bezout_counts_the_group_assignments_on_every_thesis_row(row):
    assert multihomogeneous_bezout(row["widths"]) == _mhom_by_assignments(row["widths"])


def test_the_native_start_systems_count_paths_with_the_bounds():
    from linnet_crit.solvers.native.start_systems import make_start_system

    arch = Architecture((1, 2, 2))
    assert make_start_system(arch, "multihomogeneous").n_paths == multihomogeneous_bezout(arch)
    assert make_start_system(arch, "total_degree").n_paths == bezout(arch)


@pytest.mark.parametrize("widths", [(1, 1, 1), (1, 2, 2), (3, 3, 2), (2, 4, 3)])
def test_the_per_size_bounds_are_the_terms_of_bharadwaj_hosten(widths):
    # Σ_r C(d,r)(4p)^r = (1 + 4p)^d = B_C, and the r = d term is B_C* = (4p)^d.
    arch = Architecture(widths)
    d = arch.hidden[0]
    assert sum(alive_size_bound(arch, r) for r in range(d + 1)) == bh_total(arch)
    assert alive_size_bound(arch, d) == bh_torus(arch)
    # alive sets of size r: C(d, r) of them, each observed with 4^r·C(p, r) points, within the bound
    for r in range(d + 1):
        assert comb(d, r) * alive_set_observation(arch, r) <= alive_size_bound(arch, r)


def test_the_formulas_apply_only_to_one_hidden_layer_and_rank_one_data():
    assert alive_formulas_apply(Architecture((1, 2, 2)), 3)
    assert alive_formulas_apply(Architecture((3, 2, 2)), 1)
    assert not alive_formulas_apply(Architecture((2, 2, 2)), 2)
    assert not alive_formulas_apply(Architecture((1, 2, 2, 2)), 1)
    assert not alive_formulas_apply(Architecture((1, 2, 2)), None)


def test_the_classifier_keeps_exporting_the_formula_labels():
    import linnet_crit.classify as classify

    assert classify.OBSERVATION_LABEL is OBSERVATION_LABEL and classify.BOUND_LABEL is BOUND_LABEL
