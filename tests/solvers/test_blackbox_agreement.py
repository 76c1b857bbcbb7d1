"""Acceptance: the structure-aware method and the blackbox method (no structural assumption)
find the same critical points, point for point, on every thesis architecture with N ≤ 8.

This is also the test of the engine's assumption that zeros come only from dead neurons: the
blackbox method would find a critical point with a stray zero, and the sets would differ.

Widths 1,2,2,1 (Table 3.2 row 7, 20 001 multihomogeneous paths) is the slowest: about 2 minutes
per seed.
"""

from __future__ import annotations

import pytest

from linnet_crit import published_rows, random_instance, solve
from linnet_crit.points import match_rows

#: Largest rows first (the suite's collection hook also puts this module first), so that the
#: minutes-long 1,2,2,1 solves start at once instead of leaving a worker idle at the end.
ROWS = sorted((r for r in published_rows() if r["N"] <= 8), key=lambda r: -r["N_C"])
CASES = [(row, seed) for row in ROWS for seed in (0, 1, 2)]


def _id(row: dict) -> str:
    return f"T{row['table']}r{row['row']}-" + ",".join(map(str, row["widths"]))


@pytest.mark.slow
@pytest.mark.parametrize(("row", "seed"), CASES, ids=[f"{seed}-{_id(row)}" for row, seed in CASES])
def test_structure_aware_and_blackbox_agree_point_for_point(row, seed):
    inst = random_instance(row["widths"], seed=seed)
    structured = solve(inst, seed=seed)
    blackbox = solve(inst, method="blackbox", seed=seed)
    assert structured.n_failed == 0, str(structured)
    assert structured.n_solutions == blackbox.n_solutions == row["N_C"]
    assert match_rows(structured.solutions, blackbox.solutions).all()
    assert match_rows(blackbox.solutions, structured.solutions).all()
