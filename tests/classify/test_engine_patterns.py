"""The classifier on the engine's critical points: thesis Fig 3.1 and every row of Table 3.1."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest

from linnet_crit.classify import critical_point_table, orbit_completeness, pattern_table
from linnet_crit.data import random_instance
from linnet_crit.solvers import solve


def _table_3_1() -> list[dict[str, str]]:
    with (files("linnet_crit") / "data" / "thesis_table_3_1.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_thesis_figure_3_1_pattern_counts():
    result = solve(random_instance((2, 2, 2), samples=1, seed=0), seed=0)
    table = pattern_table(result.solutions, result.architecture, samples=1)
    assert table.to_dict()["patterns"] == [
        {"alive": [[]], "count": 1},
        {"alive": [[0]], "count": 8},
        {"alive": [[1]], "count": 8},
        {"alive": [[0, 1]], "count": 16},
    ]
    assert not table.with_stray_zeros and not table.failed_comparisons()


@pytest.mark.slow
@pytest.mark.parametrize("row", _table_3_1(), ids=lambda row: f"row{row['row']}-{row['dx']},{row['d']},{row['dy']}")
def test_table_3_1_row_patterns_orbits_and_real_count(row):
    widths = (int(row["dx"]), int(row["d"]), int(row["dy"]))
    instance = random_instance(widths, samples=1, seed=int(row["row"]))
    result = solve(instance, seed=0)
    table = pattern_table(result.solutions, result.architecture, samples=1)
    assert not table.with_stray_zeros, [table.patterns[j] for j in table.with_stray_zeros]
    per_alive_set = [c for r in table.by_alive for c in r.comparisons]
    assert per_alive_set and all(c.holds for c in per_alive_set), [c for c in per_alive_set if not c.holds]
    assert table.n_points == int(row["N_C"])
    orbits = orbit_completeness(result.solutions, result.architecture)
    assert orbits.complete, orbits.to_dict()
    real = critical_point_table(instance, result.solutions)
    assert real.n_real % 2 == 1
