"""Zero patterns, stray zeros and symmetry classes on constructed points."""

from __future__ import annotations

import json
from math import comb

import numpy as np

from linnet_crit.results import DEFAULT_ZERO_TOL
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.classify import (
    network_graph,
    pattern_table,
    zero_pattern,
)
from linnet_crit.errors import ArchitectureError, DataError

from .helpers import embedded_point, origin


@pytest.mark.parametrize("widths", [(2, 3, 2), (1, 2, 3, 1), (2, 2, 1, 2, 1)])
def test_every_embedded_alive_set_is_recovered_clean(widths):
    arch = Architecture(widths)
    rng = np.random.default_rng(1)
    for alive in (origin(arch), *arch.alive_sets()):
        pattern = zero_pattern(embedded_point(arch, alive, rng), arch)
        assert pattern.alive == alive
        assert pattern.is_clean
        assert pattern.is_origin == (not any(alive))


def test_small_coordinates_of_an_alive_neuron_do_not_kill_it():
    # at real data single torus coordinates can be ~4e-4: the neuron stays alive, nothing is zero
    arch = Architecture((2, 2, 2))
    x = embedded_point(arch, ((0, 1),), np.random.default_rng(2))
    W1, W2 = arch.split(x.copy())
    W1[0, :] = 4e-4
    W2[:, 0] = [3e-4, -4e-4]
    pattern = zero_pattern(arch.join([W1, W2]), arch)
    assert pattern.alive == ((0, 1),) and pattern.is_clean


def test_zero_coordinate_in_an_alive_neuron_is_a_stray_zero():
    arch = Architecture((2, 2, 2))
    x = embedded_point(arch, ((0, 1),), np.random.default_rng(3))
    x[arch.variable_names().index("W2_1_0")] = 1e-12
    pattern = zero_pattern(x, arch)
    assert pattern.alive == ((0, 1),)
    assert [arch.variable_names()[k] for k in pattern.stray_zeros] == ["W2_1_0"]
    assert not pattern.is_clean


def test_zero_row_with_nonzero_column_violates_the_dead_neuron_law_and_is_reported():
    arch = Architecture((2, 2, 2))
    x = embedded_point(arch, ((0, 1),), np.random.default_rng(4))
    W1, W2 = arch.split(x.copy())
    W1[1, :] = 0
    pattern = zero_pattern(arch.join([W1, W2]), arch)
    assert pattern.alive == ((0, 1),)
    assert pattern.law_violations == ((1, 1),)
    assert [arch.variable_names()[k] for k in pattern.stray_zeros] == ["W1_1_0", "W1_1_1"]
    table = pattern_table(np.array([x, arch.join([W1, W2])]), arch, samples=1)
    assert table.with_stray_zeros == (1,)
    assert [c.has_stray_zeros for c in table.classes if c.count] == [False, True]
    assert "law violations (layer, neuron) [(1, 1)]" in str(table)


def test_threshold_is_relative_to_the_largest_weight():
    arch = Architecture((1, 2, 1))
    x = np.array([1e-3, 1e6, 1e-3, 1e6])
    assert zero_pattern(x, arch, rtol=1e-8).alive == ((1,),)
    assert zero_pattern(x, arch, rtol=1e-10).alive == ((0, 1),)
    assert zero_pattern(x, arch, rtol=1e-8).threshold == pytest.approx(1e-2)


def test_bad_input_is_rejected_with_the_value():
    arch = Architecture((1, 2, 1))
    with pytest.raises(ArchitectureError, match="5 coordinates"):
        zero_pattern(np.zeros(5), arch)
    with pytest.raises(DataError, match="rtol = -1"):
        zero_pattern(np.zeros(4), arch, rtol=-1)
    with pytest.raises(DataError, match="shape"):
        pattern_table(np.zeros(4), arch)
    with pytest.raises(DataError, match="NaN"):
        pattern_table(np.array([[0, np.nan, 0, 1.0]]), arch)


def _points_per_alive_set(arch, counts, seed=5):
    rng = np.random.default_rng(seed)
    sets = (origin(arch), *arch.alive_sets())
    return np.array([embedded_point(arch, s, rng) for s in sets for _ in range(counts(s))])


def test_h1_classes_are_the_alive_sizes_and_match_the_observation():
    arch = Architecture((2, 3, 2))
    p = arch.dy
    points = _points_per_alive_set(arch, lambda s: 4 ** len(s[0]) * comb(p, len(s[0])))
    table = pattern_table(points, arch, samples=1)
    assert not table.failed_comparisons()
    assert [(c.sizes, c.count, len(c.alive_sets)) for c in table.classes] == [
        ((r,), comb(3, r) * 4**r * comb(p, r), comb(3, r) if comb(p, r) else 0) for r in range(4)
    ]
    assert [row.count for row in table.by_sizes] == [1, 3 * 8, 3 * 16 * 1]
    bounds = {c.sizes: next(x.expected for x in c.comparisons if x.kind == "bound") for c in table.classes}
    assert bounds == {(r,): comb(3, r) * (4 * p) ** r for r in range(4)}


def test_a_missing_point_fails_its_observation_and_is_listed_as_such():
    arch = Architecture((1, 2, 2))
    points = _points_per_alive_set(arch, lambda s: 4 ** len(s[0]) * comb(2, len(s[0])))
    table = pattern_table(points[:-1], arch, samples=1)
    failed = table.failed_comparisons()
    assert [(c.kind, c.expected, c.count) for c in failed] == [("observation", 16, 15), ("observation", 16, 15)]
    assert "FAILS" in str(table)


def test_alive_sets_expected_but_not_found_are_listed_with_count_zero():
    arch = Architecture((1, 2, 2))
    table = pattern_table(np.zeros((1, arch.n_unknowns)), arch, samples=1)
    assert [(row.alive, row.count) for row in table.by_alive] == [
        (((),), 1), (((0,),), 0), (((1,),), 0), (((0, 1),), 0)
    ]
    assert table.to_dict()["patterns"] == [{"alive": [[]], "count": 1}]


def test_no_formula_is_compared_outside_its_hypotheses():
    for widths, samples in (((1, 2, 2, 1), 1), ((2, 2, 2), 2), ((2, 2, 2), None)):
        arch = Architecture(widths)
        table = pattern_table(_points_per_alive_set(arch, lambda s: 1), arch, samples=samples)
        assert all(not row.comparisons for row in (*table.by_alive, *table.classes))
        assert table.formula.startswith("no formula")
    # dx = 1 with m = 3 samples is the rank-one case of the thesis (Remark 3.8)
    arch = Architecture((1, 2, 2))
    assert pattern_table(np.zeros((1, arch.n_unknowns)), arch, samples=3).classes[0].comparisons


def test_h2_classes_identify_alive_sets_of_equal_sizes():
    arch = Architecture((1, 2, 3, 1))
    table = pattern_table(_points_per_alive_set(arch, lambda s: 2), arch)
    sizes = [c.sizes for c in table.classes]
    assert sizes == [(0, 0), *sorted(arch.alive_shapes())]
    for c in table.classes[1:]:
        assert set(c.alive_sets) == set(arch.alive_sets(c.sizes))
        assert c.count == 2 * len(c.alive_sets)


@pytest.mark.parametrize("widths", [(2, 3, 2), (1, 2, 3, 1), (2, 2, 1, 2, 1)])
def test_clean_classes_by_alive_sizes_are_the_isomorphism_classes(widths):
    """Clean patterns are classed by their alive sizes without an isomorphism test; that must be
    the partition networkx's isomorphism test gives, with unclean points among them."""
    from linnet_crit.classify.patterns import _canonical_classes, _graph
    from linnet_crit.zeros import zero_masks

    arch = Architecture(widths)
    rng = np.random.default_rng(2)
    points = [embedded_point(arch, alive, rng) for alive in (origin(arch), *arch.alive_sets())]
    for k in range(3):  # a few with a stray zero in an alive neuron
        y = points[-1 - k].copy()
        y[np.flatnonzero(y)[k]] = 0
        points.append(y)
    points = np.array(points)
    table = pattern_table(points, arch)
    graphs = [_graph(arch, [~s for s in zero_masks(x, arch, DEFAULT_ZERO_TOL)[0]]) for x in points]
    by_networkx = sorted(tuple(sorted(members)) for members in _canonical_classes(graphs))
    assert sorted(c.members for c in table.classes) == by_networkx
    assert sum(c.has_stray_zeros for c in table.classes) >= 1


def test_clean_points_are_classed_without_importing_networkx():
    import subprocess
    import sys

    code = ("import sys; import numpy as np; from linnet_crit import Architecture; "
            "from linnet_crit.classify import pattern_table; "
            "arch = Architecture((1, 2, 2)); pts = np.array([[0.0] * 6, [1, 2, 3, 4, 5, 6]]); "
            "t = pattern_table(pts, arch, samples=1); print(len(t.classes), 'networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["3", "False"]


def test_classes_relabel_hidden_neurons_but_keep_inputs_and_outputs_fixed():
    arch = Architecture((1, 2, 2))
    names = arch.variable_names()
    x = embedded_point(arch, ((0, 1),), np.random.default_rng(6))
    with_zero = {}
    for name in ("W2_0_0", "W2_0_1", "W2_1_0"):
        y = x.copy()
        y[names.index(name)] = 0
        with_zero[name] = y
    table = pattern_table(np.array(list(with_zero.values())), arch)
    # W2_0_0 and W2_0_1 differ by swapping the hidden neurons; W2_1_0 touches the other output
    assert sorted(c.members for c in table.classes) == [(0, 1), (2,)]
    assert all(c.has_stray_zeros for c in table.classes)


def test_network_graph_has_an_edge_per_nonzero_weight_and_isolated_dead_neurons():
    arch = Architecture((2, 3, 2))
    x = embedded_point(arch, ((0, 2),), np.random.default_rng(7))
    G = network_graph(x, arch)
    assert G.number_of_edges() == np.count_nonzero(x) == 2 * 2 + 2 * 2
    assert G.degree((1, 1)) == 0
    assert {d["layer"] for _, d in G.nodes(data=True)} == {0, 1, 2}


def test_to_dict_is_json_and_names_stray_zeros():
    arch = Architecture((1, 2, 1))
    x = np.array([0.5, 0.7, 0.0, -1.2])
    data = json.loads(json.dumps(pattern_table(np.array([x]), arch, samples=1).to_dict()))
    assert data["unclean_points"][0]["stray_zeros"] == ["W2_0_0"]
    assert data["rtol"] == DEFAULT_ZERO_TOL  # the tolerance used is recorded
