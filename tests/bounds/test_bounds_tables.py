"""Every bound column of thesis Tables 3.1 and 3.2, recomputed from the package's own CSV copies.

The large mixed volumes take gfan seconds to tens of seconds each; those rows are marked slow.
"""

from __future__ import annotations

import pytest

from linnet_crit.bounds import bezout, bh_torus, bh_total, bkk_affine, bkk_torus, multihomogeneous_bezout, published_rows

ROWS = published_rows()
SLOW_MIXED_VOLUME = 100_000  # rows whose published BKK is this large need gfan for over ~5 s


def _row_id(row: dict) -> str:
    return f"T{row['table']}r{row['row']}:{','.join(map(str, row['widths']))}"


def _bkk_param(row: dict):
    marks = [pytest.mark.slow] if row["BKK"] >= SLOW_MIXED_VOLUME else []
    return pytest.param(row, marks=marks, id=_row_id(row))


def test_both_tables_ship_complete():
    assert [r["row"] for r in ROWS if r["table"] == "3.1"] == list(range(1, 27))
    assert [r["row"] for r in ROWS if r["table"] == "3.2"] == list(range(1, 13))


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_bezout_column(row):
    assert bezout(row["widths"]) == row["CBB"]


@pytest.mark.parametrize("row", [_bkk_param(r) for r in ROWS])
def test_bkk_column_is_the_origin_augmented_mixed_volume(row, gfan):
    assert bkk_affine(row["widths"]) == row["BKK"]


@pytest.mark.parametrize("row", [r for r in ROWS if r["table"] == "3.1"], ids=_row_id)
def test_bharadwaj_hosten_columns_of_table_3_1(row):
    assert bh_total(row["widths"]) == row["B_C"]
    assert bh_torus(row["widths"]) == row["B_Cstar"]


@pytest.mark.parametrize("row", [pytest.param(r, id=_row_id(r)) for r in ROWS if r["BKK"] < 10_000])
def test_bounds_are_ordered_and_bound_the_published_counts(row, gfan):
    widths = row["widths"]
    torus, affine, mhom = bkk_torus(widths), bkk_affine(widths), multihomogeneous_bezout(widths)
    assert row["N_Cstar"] <= torus < affine <= mhom <= bezout(widths)
    assert row["N_C"] <= affine


@pytest.mark.parametrize("row", [r for r in ROWS if r["H"] == 1 and r["d"] == 1], ids=_row_id)
def test_multihomogeneous_bezout_equals_bkk_for_one_hidden_unit(row):
    # with one hidden unit the mixed volume is no sharper than the layer-grouped Bézout number
    assert multihomogeneous_bezout(row["widths"]) == row["BKK"]
