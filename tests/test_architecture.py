"""Architecture: widths validation, shapes, variable order, splitting, sub-networks, sign flips."""

from __future__ import annotations

import dataclasses
from math import comb

import numpy as np
import pytest

from linnet_crit.architecture import Architecture, parse_widths
from linnet_crit.data import random_instance
from linnet_crit.errors import ArchitectureError
from linnet_crit.numeric import Parameters, gradient


@pytest.mark.parametrize(
    "text, widths",
    [("1,2,2", (1, 2, 2)), (" 3, 4 ,1 ", (3, 4, 1)), ("2,2,2,2,2", (2, 2, 2, 2, 2)), ((1, np.int64(2), 3), (1, 2, 3))],
)
def test_parse_widths_accepts_good_input(text, widths):
    assert parse_widths(text) == widths
    assert Architecture.parse(text).widths == widths


@pytest.mark.parametrize("bad", ["0,2", "2", "a,b", "1,-1,1", "1.5,2", "", "1,,2", "2,0,2", (1, 2.0, 3), (1, True, 1), ()])
def test_parse_widths_rejects_bad_input_with_one_line(bad):
    with pytest.raises(ArchitectureError) as info:
        parse_widths(bad)
    assert "\n" not in str(info.value)


def test_shapes_offsets_and_counts():
    arch = Architecture((3, 2, 4, 1))
    assert (arch.dx, arch.dy, arch.hidden, arch.depth, arch.n_layers) == (3, 1, (2, 4), 2, 3)
    assert arch.shapes == ((2, 3), (4, 2), (1, 4))
    assert arch.offsets == (0, 6, 14, 18)
    assert arch.n_unknowns == 18 and arch.group_sizes == (6, 8, 4)
    assert arch.degree == 5
    assert [list(g) for g in arch.groups()] == [list(range(0, 6)), list(range(6, 14)), list(range(14, 18))]
    assert str(arch) == "3,2,4,1"


def test_variable_names_are_layer_major_then_row_major():
    arch = Architecture((2, 2, 1))
    assert arch.variable_names() == (
        "W1_0_0", "W1_0_1", "W1_1_0", "W1_1_1", "W2_0_0", "W2_0_1",
    )  # fmt: skip


def test_architecture_is_immutable_and_hashable():
    arch = Architecture((1, 2, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        arch.widths = (1, 1, 1)  # type: ignore[misc]
    assert {arch: 1}[Architecture((1, 2, 2))] == 1


def test_split_and_join_round_trip_with_batch_dimensions():
    arch = Architecture((3, 2, 4, 1))
    x = np.arange(5 * 7 * arch.n_unknowns, dtype=float).reshape(5, 7, arch.n_unknowns)
    weights = arch.split(x)
    assert [w.shape for w in weights] == [(5, 7, 2, 3), (5, 7, 4, 2), (5, 7, 1, 4)]
    # row-major inside a layer: entry (r, c) of W_2 sits at offset 6 + r*2 + c
    assert weights[1][0, 0, 3, 1] == x[0, 0, 6 + 3 * 2 + 1]
    np.testing.assert_array_equal(arch.join(weights), x)


def test_split_rejects_wrong_length():
    with pytest.raises(ArchitectureError, match="5 coordinates"):
        Architecture((1, 2, 2)).split(np.zeros(5))


def test_alive_shapes_and_sets_are_complete():
    arch = Architecture((2, 3, 2, 1))
    assert sorted(arch.alive_shapes()) == [(a, b) for a in (1, 2, 3) for b in (1, 2)]
    sets = list(arch.alive_sets())
    assert len(sets) == len(set(sets)) == (2**3 - 1) * (2**2 - 1)
    sized = list(arch.alive_sets((2, 1)))
    assert len(sized) == comb(3, 2) * comb(2, 1)
    assert all(len(a) == 2 and len(b) == 1 for a, b in sized)


def test_embedding_index_places_the_subnetwork_weights():
    arch = Architecture((2, 3, 2, 1))
    alive = ((0, 2), (1,))
    sub = arch.subnetwork([len(s) for s in alive])
    assert sub.widths == (2, 2, 1, 1)
    index = arch.embedding_index(alive)
    assert index.size == sub.n_unknowns == len(set(index.tolist()))
    x_sub = np.arange(1, sub.n_unknowns + 1, dtype=float)
    x = np.zeros(arch.n_unknowns)
    x[index] = x_sub
    full, part = arch.split(x), sub.split(x_sub)
    keep = [(0, 1), (0, 2), (1,), (0,)]
    for i, (w, p) in enumerate(zip(full, part)):
        np.testing.assert_array_equal(w[np.ix_(keep[i + 1], keep[i])], p)
        assert np.count_nonzero(w) == p.size  # everything else is zero


@pytest.mark.parametrize("widths, layer, neuron", [((2, 3, 2), 1, 2), ((1, 2, 3, 2), 2, 0), ((2, 2, 2, 1), 1, 1)])
def test_sign_flip_is_a_symmetry_of_the_gradient(widths, layer, neuron):
    arch = Architecture(widths)
    signs = arch.sign_flip_signs(layer, neuron)
    assert set(np.unique(signs)) == {-1.0, 1.0}
    assert np.count_nonzero(signs < 0) == arch.widths[layer - 1] + arch.widths[layer + 1]
    params = Parameters.of(random_instance(arch, samples=2, seed=4))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, arch.n_unknowns)) + 1j * rng.standard_normal((3, arch.n_unknowns))
    F = gradient(arch, x, params)
    np.testing.assert_allclose(gradient(arch, x * signs, params), F * signs, rtol=1e-13, atol=1e-13)
