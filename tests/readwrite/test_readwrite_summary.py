"""The summary of a result, the same whether computed after a solve or read back from any file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from linnet_crit.errors import FileFormatError
from linnet_crit.readwrite import show, write_result

SUFFIXES = (".json", ".csv", ".npz", ".sol", ".txt")

# origin; real with no zero coordinate; complex with neuron 1 dead; real with neuron 0 dead
POINTS = np.array(
    [
        np.zeros(6),
        [0.5, -1.0, 2.0, 0.25, -3.0, 1.5],
        [0.5 + 1j, 0.0, 2.0 - 1j, 0.0, 1.0 + 1j, 0.0],
        [0.0, 1.0, 0.0, 2.0, 0.0, -1.0],
    ]
)


@pytest.fixture(scope="module")
def result(make_result):
    return make_result(POINTS, widths=(1, 2, 2), samples=3, seed=5)


def test_summary_keys_and_counts(result):
    assert result.to_dict() == {
        "complete": True,
        "warnings": [],
        "route": "",
        "widths": [1, 2, 2],
        "samples": 3,
        "seed": 5,
        "backend": "native",
        "method": "auto",
        "n_unknowns": 6,
        "n_paths_tracked": 19,
        "n_solutions": 4,
        "n_torus": 1,
        "n_real": 3,
        "n_failed": 1,
        "n_at_infinity": 2,
        "origin_found": True,
        "seconds": 1.25,
    }


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_show_prints_what_the_solve_printed(suffix, result, tmp_path):
    path = write_result(result, tmp_path / f"r{suffix}")
    assert show(path) == str(result)
    assert "1 failed paths, 2 at infinity, 1 singular" in show(path, format="table")
    assert json.loads(show(path, format="json")) == result.to_dict()


def test_show_reports_a_missing_origin(make_result, tmp_path):
    path = write_result(make_result(POINTS[1:]), tmp_path / "r.csv")
    assert "origin MISSING" in show(path)
    assert json.loads(show(path, format="json"))["origin_found"] is False


def test_show_refuses_unknown_formats_and_bad_files(result, tmp_path):
    path = write_result(result, tmp_path / "r.json")
    with pytest.raises(FileFormatError, match="show format 'yaml' is not 'table' or 'json'"):
        show(path, format="yaml")
    path.write_text("{}")
    with pytest.raises(FileFormatError, match="not a linnet_crit result"):
        show(path)
