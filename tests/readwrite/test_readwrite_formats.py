"""Result files: lossless round trips in every format, and refusal of bad files."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_crit.errors import FileFormatError
from linnet_crit.options import SolveOptions
from linnet_crit.readwrite.encoding import decode_value
from linnet_crit.readwrite import (
    read_metadata,
    read_result,
    read_solution_file,
    sidecar_path,
    write_result,
    write_solution_file,
)

SUFFIXES = (".json", ".csv", ".npz", ".sol", ".txt")
# derandomized, no deadline: the "linnet" profile of tests/conftest.py
EXAMPLES = settings(max_examples=25)

any_float = st.floats(allow_nan=True, allow_infinity=True, width=64)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def points_and_diagnostics(draw, n_unknowns: int):
    n = draw(st.integers(0, 4))
    parts = draw(hnp.arrays(np.float64, (n, n_unknowns, 2), elements=finite))
    solutions = np.ascontiguousarray(parts).view(np.complex128).reshape(n, n_unknowns)
    residuals = draw(hnp.arrays(np.float64, n, elements=any_float))
    conditions = draw(hnp.arrays(np.float64, n, elements=any_float))
    return solutions, residuals, conditions


@pytest.mark.parametrize("suffix", SUFFIXES)
@EXAMPLES
@given(data=points_and_diagnostics(6))
def test_round_trip_is_bit_exact(suffix, data, make_result, assert_same):
    # 17 significant digits (Bertini) and repr (CSV) are both exact for doubles, so even the text
    # formats give back the very bits: signed zeros, subnormals, extremes, NaN and infinities.
    result = make_result(*data)
    with tempfile.TemporaryDirectory() as folder:
        back = read_result(write_result(result, Path(folder) / f"r{suffix}"))
    assert_same(result, back)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("n", [0, 1])
def test_zero_and_one_point_keep_all_metadata(suffix, n, tmp_path, make_result, assert_same):
    result = make_result(np.full((n, 6), 0.25 - 3j), widths=(1, 2, 2), samples=2, complex_data=True)
    back = read_result(write_result(result, tmp_path / f"r{suffix}"))
    assert_same(result, back)
    assert back.n_solutions == n
    assert back.failed_paths[0].return_code.value == "terminated_step_size_too_small"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_metadata_header_names_provenance_and_patterns(suffix, tmp_path, make_result):
    pytest.importorskip("linnet_crit.classify.patterns")
    origin, neuron_1_dead = np.zeros(6), np.array([0.5, 0.0, 1.5, 0.0, 2.5, 0.0])
    result = make_result(np.array([origin, neuron_1_dead]), widths=(1, 2, 2))
    meta = read_metadata(write_result(result, tmp_path / f"r{suffix}"))
    assert meta["widths"] == [1, 2, 2]
    assert meta["variables"] == ["W1_0_0", "W1_1_0", "W2_0_0", "W2_0_1", "W2_1_0", "W2_1_1"]
    assert (meta["seed"], meta["method"], meta["backend"], meta["engine_version"]) == (11, "auto", "native", "0.1.0+test")
    assert meta["data"]["X"]["values"] == result.instance.X.ravel().tolist()
    assert SolveOptions.from_dict(decode_value(meta["options"])) == result.options
    assert decode_value(meta["settings"]) == result.settings
    assert [p["alive"] for p in meta["patterns"]] == [[[]], [[0]]]
    assert [p["stray_zeros"] for p in meta["patterns"]] == [[], []]


def test_files_are_plain_json_and_csv(tmp_path, make_result):
    result = make_result(np.array([[1 + 2j, 0, 0, 0, 0, -0.5]]), conditions=np.array([np.inf]))
    record = json.loads(write_result(result, tmp_path / "r.json").read_text())
    assert record["solutions"] == [[[1.0, 2.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [-0.5, 0.0]]]
    assert record["conditions"] == ["Infinity"]
    with open(write_result(result, tmp_path / "r.csv"), newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert len(rows) == 1 and len(rows[0]) == 2 * 6 + 2
    assert (rows[0]["W1_0_0_re"], rows[0]["W1_0_0_im"], rows[0]["W2_1_1_re"]) == ("1.0", "2.0", "-0.5")
    assert float(rows[0]["condition"]) == np.inf


def test_bertini_file_is_what_hc_jl_writes(tmp_path, make_result):
    result = make_result(np.array([[1 + 2j, 0, 0, 0, 0, -0.5j]]))
    path = write_result(result, tmp_path / "r.sol")
    lines = path.read_text().split("\n")
    assert lines[:3] == ["1", "", "1.0000000000000000e+00 2.0000000000000000e+00"]
    assert lines[2 + 6 :] == ["", ""]  # count, blank, 6 coordinates, a blank line ends the point
    assert sidecar_path(path).exists()


@EXAMPLES
@given(points=st.integers(0, 3).flatmap(lambda n: hnp.arrays(np.complex128, (n, 3), elements=st.complex_numbers(allow_nan=False, allow_infinity=False))))
def test_solution_file_alone_round_trips(points, bits_equal):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "start.txt"
        write_solution_file(points, path)
        back = read_solution_file(path, n_unknowns=3)
        inferred = read_solution_file(path)
    assert bits_equal(points, back)
    assert inferred.shape == ((0, 0) if len(points) == 0 else points.shape)


def test_solution_file_from_other_tools(tmp_path):
    # Julia prints shortest floats; Bertini may leave trailing blank lines.
    path = tmp_path / "hc.txt"
    path.write_text("2\n\n1.0 -2.5e-7\n3 0\n\n-0.0 1e300\n4.5 -6\n\n\n")
    assert np.array_equal(read_solution_file(path), [[1 - 2.5e-7j, 3], [complex(-0.0, 1e300), 4.5 - 6j]])
    with pytest.raises(FileFormatError, match="do not make 2 points of 3 coordinates"):
        read_solution_file(path, n_unknowns=3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "first line must be the number of points"),
        ("two\n\n1 0\n", "first line must be the number of points"),
        ("1\n\n1 0 2\n", "line 3 is not a coordinate"),
        ("1\n\n1 0\n2 x\n", "line 4 is not a coordinate"),
        ("3\n\n1 0\n2 0\n", "do not make 3 points"),
        ("1\n\n1 0\n2 0", "does not end with a newline"),
    ],
)
def test_bad_solution_files_are_refused(text, message, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(FileFormatError, match=message):
        read_solution_file(path)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_truncation_is_refused(suffix, tmp_path, make_result, assert_same):
    result = make_result(np.arange(12).reshape(2, 6) * (0.1 + 0.3j))
    path = write_result(result, tmp_path / f"r{suffix}")
    payload = path.read_bytes()
    cuts = sorted({*range(0, len(payload), max(1, len(payload) // 97)), len(payload) - 1, len(payload) - 2})
    for cut in cuts:
        path.write_bytes(payload[:cut])
        if payload[:cut].rstrip() == payload.rstrip():
            # Only trailing white space lost: the points are all there. Text formats still refuse
            # a last line without its newline (a cut number may look complete); else read back.
            if not payload[:cut].endswith(b"\n") and suffix != ".json":
                with pytest.raises(FileFormatError, match="does not end with a newline"):
                    read_result(path)
            else:
                assert_same(result, read_result(path))
            continue
        with pytest.raises(FileFormatError, match=str(path.name)):
            read_result(path)


@pytest.mark.parametrize("suffix", (".json", ".sol"))
def test_truncated_sidecar_or_json_header_is_refused(suffix, tmp_path, make_result):
    path = write_result(make_result(np.ones((1, 6))), tmp_path / f"r{suffix}")
    header = sidecar_path(path) if suffix == ".sol" else path
    header.write_text(header.read_text()[:-40])
    with pytest.raises(FileFormatError, match="not valid JSON"):
        read_result(path)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_options_round_trip_to_an_equal_solve_options(suffix, tmp_path, make_result):
    result = make_result(np.ones((1, 6)))
    assert result.options != SolveOptions()  # every stage differs from the defaults
    back = read_result(write_result(result, tmp_path / f"r{suffix}"))
    assert isinstance(back.options, SolveOptions) and back.options == result.options
    assert back.options.tracker.initial_step == 1 / 3 and back.options.zero_tolerance == 2.0**-1074


def test_a_version_3_file_reads_with_the_options_that_solved_it(tmp_path, make_result):
    """Version 3 had triangle-loop monodromy (parallel_loops) and one aim of the first Newton update."""
    path = write_result(make_result(np.full((1, 6), 2 - 1j)), tmp_path / "r.json")

    def as_version_3(record):
        record["version"] = 3
        mono, tracker = record["options"]["monodromy"], record["options"]["tracker"]
        del mono["min_loop_paths"], mono["checks"], mono["blackbox_paths"], mono["checks_per_orbit"], mono["closed_form"]
        mono["parallel_loops"] = 12
        for name in ("benign_step_target", "contraction_target", "benign_after"):
            del tracker[name]

    _edit_json(path, as_version_3)
    back = read_result(path)
    assert back.options.monodromy.min_loop_paths == 0 and back.options.tracker.contraction_target == 0.0
    assert back.options.tracker.benign_step_target == back.options.tracker.step_target
    assert back.options.monodromy.checks == 0 and back.options.monodromy.blackbox_paths == 0
    assert back.options.monodromy.checks_per_orbit == 0


def test_a_version_4_file_reads_as_solved_without_checks(tmp_path, make_result):
    """Version 4's monodromy stopped after its closed loops stalled: no checks."""
    result = make_result(np.full((1, 6), 2 - 1j))
    path = write_result(result, tmp_path / "r.json")

    def as_version_4(record):
        record["version"] = 4
        mono = record["options"]["monodromy"]
        del mono["checks"], mono["blackbox_paths"], mono["checks_per_orbit"], mono["closed_form"]

    _edit_json(path, as_version_4)
    back = read_result(path)
    assert back.options.monodromy.checks == 0 and back.options.monodromy.blackbox_paths == 0
    assert back.options.monodromy.stall_loops == result.options.monodromy.stall_loops  # the rest as written


def test_a_version_5_file_reads_as_solved_by_monodromy_on_every_shape(tmp_path, make_result):
    """Version 5 ran monodromy on every shape, small ones too: ``blackbox_paths = 0``."""
    result = make_result(np.full((1, 6), 2 - 1j))
    path = write_result(result, tmp_path / "r.json")

    def as_version_5(record):
        record["version"] = 5
        mono = record["options"]["monodromy"]
        del mono["blackbox_paths"], mono["checks_per_orbit"], mono["closed_form"]

    _edit_json(path, as_version_5)
    back = read_result(path)
    assert back.options.monodromy.blackbox_paths == 0 < result.options.monodromy.blackbox_paths
    assert back.options.monodromy.checks == result.options.monodromy.checks  # the rest as written


def test_a_version_6_file_reads_as_solved_with_a_fixed_number_of_checks(tmp_path, make_result):
    """Version 6 ran ``checks`` checks whatever the orbits: ``checks_per_orbit = checks``, and
    min(checks, checks_per_orbit · orbits) is then ``checks`` for every run with an orbit."""
    result = make_result(np.full((1, 6), 2 - 1j))
    path = write_result(result, tmp_path / "r.json")

    def as_version_6(record):
        record["version"] = 6
        del record["options"]["monodromy"]["checks_per_orbit"], record["options"]["monodromy"]["closed_form"]

    _edit_json(path, as_version_6)
    back = read_result(path)
    assert back.options.monodromy.checks_per_orbit == back.options.monodromy.checks == result.options.monodromy.checks
    assert back.options.monodromy.checks_per_orbit != result.options.monodromy.checks_per_orbit


def test_a_version_7_file_reads_as_solved_without_the_closed_form(tmp_path, make_result):
    """Version 7 ran monodromy (or the blackbox) on the one-hidden-layer shapes the closed form now
    solves: ``closed_form = False``."""
    result = make_result(np.full((1, 6), 2 - 1j))
    path = write_result(result, tmp_path / "r.json")

    def as_version_7(record):
        record["version"] = 7
        del record["options"]["monodromy"]["closed_form"]

    _edit_json(path, as_version_7)
    back = read_result(path)
    assert back.options.monodromy.closed_form is False and result.options.monodromy.closed_form is True
    assert back.options.monodromy.checks_per_orbit == result.options.monodromy.checks_per_orbit  # the rest as written


def _edit_json(path: Path, edit) -> None:
    record = json.loads(path.read_text())
    edit(record)
    path.write_text(json.dumps(record))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r.update(format="something.else"), "not a linnet_crit result"),
        (lambda r: r.update(version=1), "format version 1, this linnet_crit reads versions 3, 4, 5, 6, 7, 8"),
        (lambda r: r.update(version=2), "format version 2, this linnet_crit reads versions 3, 4, 5, 6, 7, 8"),
        (lambda r: r.update(layout="csv"), "header is for the 'csv' layout"),
        (lambda r: r["solutions"][0][2].__setitem__(0, 0.5), "points do not match their SHA-256"),
        (lambda r: r["residuals"].__setitem__(0, 1.0), "points do not match their SHA-256"),
        (lambda r: r["data"]["X"]["values"].__setitem__(0, 0.5), "data X, Y, Lambda do not match"),
        (lambda r: r.update(seed="eleven"), "malformed header: expected an integer"),
        (lambda r: r.pop("method"), "lacks the field 'method'"),
        (lambda r: r.update(widths=[1, 2]), "malformed header: widths"),
        (lambda r: r.update(variables=["a"] * 6), "variable names are not those of widths"),
        (lambda r: r.update(n_solutions=3), "expected 3 points of 6 coordinates"),
        (lambda r: r["failed_paths"][0].update(return_code="exploded"), "'exploded' is not a valid ReturnCode"),
        (lambda r: r["options"].update({"$bad": 1}), "unknown tag"),
        (lambda r: r["options"].update(step=1), r"SolveOptions: unknown fields \['step'\], missing fields \[\]"),
        (lambda r: r["options"]["tracker"].pop("max_step"), r"SolveOptions.tracker: unknown fields \[\], missing fields \['max_step'\]"),
        (lambda r: r["options"]["tracker"].update(max_steps=1.5), r"SolveOptions.tracker.max_steps must be of type int, got 1.5"),
        (lambda r: r["options"].update(full_orbits=1), r"SolveOptions.full_orbits must be of type bool, got 1"),
        (lambda r: r.update(settings=[1]), "settings must be a dict"),
        (lambda r: r["solutions"][0].pop(), "solutions must be a list of points of 6"),
    ],
)
def test_edited_json_is_refused(edit, message, tmp_path, make_result):
    path = write_result(make_result(np.full((1, 6), 2 - 1j)), tmp_path / "r.json")
    _edit_json(path, edit)
    with pytest.raises(FileFormatError, match=message):
        read_result(path)


def test_edited_csv_cell_is_refused(tmp_path, make_result):
    path = write_result(make_result(np.full((2, 6), 2 - 1j)), tmp_path / "r.csv")
    text = path.read_text()
    path.write_text(text[: text.rindex("\n", 0, -1)] + "\n" + text.splitlines()[-1].replace("2.0", "2.5", 1) + "\n")
    with pytest.raises(FileFormatError, match="points do not match their SHA-256"):
        read_result(path)


def test_sidecar_of_another_result_is_refused(tmp_path, make_result):
    first = write_result(make_result(np.full((1, 6), 1.0)), tmp_path / "a.sol")
    second = write_result(make_result(np.full((1, 6), 2.0)), tmp_path / "b.sol")
    sidecar_path(first).replace(sidecar_path(second))
    with pytest.raises(FileFormatError, match="b.sol with b.sol.meta.json: points do not match"):
        read_result(second)


def test_missing_sidecar_points_to_read_solution_file(tmp_path, make_result):
    path = write_result(make_result(np.full((1, 6), 1.0)), tmp_path / "r.txt")
    sidecar_path(path).unlink()
    with pytest.raises(FileFormatError, match=r"sidecar r.txt.meta.json is missing; read_solution_file\(\)"):
        read_result(path)
    assert read_solution_file(path).shape == (1, 6)


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("r.json", b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
        ("r.json", b'{"hello": "world"}', "not a linnet_crit result"),
        ("r.json", b"[1, 2, 3]", "not a linnet_crit result"),
        ("r.csv", b"a,b\n1,2\n", "no '# ' metadata lines"),
        ("r.csv", b"# just a comment\na,b\n", "not valid JSON"),
        ("r.npz", b"PK\x03\x04 not really a zip", "not a readable .npz archive"),
        ("r.sol", b"1\n\n1 0\n", "sidecar r.sol.meta.json is missing"),
    ],
)
def test_foreign_files_are_refused(name, payload, message, tmp_path):
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(FileFormatError, match=message):
        read_result(path)


def test_foreign_npz_archives_are_refused(tmp_path, make_result):
    result = make_result(np.ones((1, 6)))
    data = tmp_path / "data.npz"
    result.instance.save(data)
    with pytest.raises(FileFormatError, match=r"holds \['Lambda_1', 'Lambda_2', 'X', 'Y'\]"):
        read_result(data)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, metadata=np.array([{"format": "x"}], dtype=object), solutions=np.ones(1),
             residuals=np.ones(1), conditions=np.ones(1))
    with pytest.raises(FileFormatError, match="not a readable .npz archive"):
        read_result(pickled)


def test_npz_arrays_of_the_wrong_dtype_are_refused(tmp_path, make_result):
    path = write_result(make_result(np.ones((1, 6))), tmp_path / "r.npz")
    with np.load(path) as npz:
        arrays = dict(npz)
    arrays["residuals"] = arrays["residuals"].astype(np.float32)
    np.savez(path, **arrays)
    with pytest.raises(FileFormatError, match=r"arrays \['residuals'\] have the wrong dtype"):
        read_result(path)


def test_missing_files_and_unknown_extensions(tmp_path, make_result):
    with pytest.raises(FileFormatError, match="nowhere.json: no such file"):
        read_result(tmp_path / "nowhere.json")
    with pytest.raises(FileFormatError, match=r"unknown extension '.h5'; use one of .json, .csv"):
        write_result(make_result(np.ones((1, 6))), tmp_path / "r.h5")
    with pytest.raises(FileFormatError, match="unknown extension"):
        read_result(tmp_path / "r.mat")


def test_unwritable_options_are_refused_and_leave_no_file(tmp_path, make_result):
    result = make_result(np.ones((1, 6)))
    result.settings["callback"] = object()
    with pytest.raises(FileFormatError, match="r.json: cannot write the result: a value of type object"):
        write_result(result, tmp_path / "r.json")
    assert list(tmp_path.iterdir()) == []


def test_rewriting_replaces_the_file_and_leaves_no_temporaries(tmp_path, make_result):
    path = tmp_path / "r.npz"
    write_result(make_result(np.ones((2, 6))), path)
    write_result(make_result(np.ones((1, 6))), path)
    assert read_result(path).n_solutions == 1
    assert [p.name for p in tmp_path.iterdir()] == ["r.npz"]
