"""The published tables of Bharadwaj's thesis (Tables 3.1 and 3.2), shipped with the package.

Columns: ``N`` unknowns, ``CBB`` (Bézout), ``BKK`` (origin-augmented mixed volume), ``B_C`` and
``B_Cstar`` (Table 3.1 only), ``N_C`` (solutions in Cⁿ; Table 3.2 row 1 corrected from the printed
16 to 17, kept as ``N_C_printed``), ``N_Cstar`` (in (C*)ⁿ) and the sample maxima of real counts.
Every row has one data point (m = 1) and hidden layers of equal width d.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

from ..architecture import Architecture
from ..architecture import as_architecture
from .classical import check_samples

__all__ = ["published_row", "published_rows", "TABLES"]

#: Table name → shipped CSV file.
TABLES: dict[str, str] = {"3.1": "thesis_table_3_1.csv", "3.2": "thesis_table_3_2.csv"}


def _parse(value: str) -> int | str:
    return int(value) if value.lstrip("-").isdigit() else value


@lru_cache(maxsize=None)
def _rows() -> tuple[dict, ...]:
    rows = []
    for table, filename in TABLES.items():
        text = files("linnet_crit").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
        for raw in csv.DictReader(text.splitlines()):
            row = {key: _parse(value) for key, value in raw.items()}
            widths = (row["dx"], *(row["d"],) * row["H"], row["dy"])
            rows.append({"table": table, "row": row["row"], "widths": widths, "samples": 1, **row})
    return tuple(rows)


def published_rows() -> tuple[dict, ...]:
    """Every row of both tables as a dict (``table``, ``row``, ``widths``, ``samples`` and the CSV columns).

    Examples
    --------
    >>> rows = published_rows()
    >>> len(rows), rows[13]["widths"], rows[13]["N_C"]
    (38, (2, 2, 2), 33)
    """
    return tuple(dict(row) for row in _rows())


def published_row(widths: Architecture | Sequence[int] | str, samples: int = 1) -> dict | None:
    """The thesis row for these widths and samples, or ``None`` when the thesis has none.

    Examples
    --------
    >>> row = published_row("1,2,2,2")
    >>> row["table"], row["row"], row["N_C"], row["N_C_printed"]
    ('3.2', 10, 641, 641)
    >>> published_row("2,2,2", samples=2) is None
    True
    """
    key = (as_architecture(widths).widths, check_samples(samples))
    for row in _rows():
        if (row["widths"], row["samples"]) == key:
            return dict(row)
    return None
