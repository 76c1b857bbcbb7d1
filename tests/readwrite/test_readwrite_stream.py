"""Append-only record streams: one record per draw, surviving interrupted writes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from linnet_crit.errors import FileFormatError
from linnet_crit.readwrite import (
    TruncatedRecordWarning,
    append_record,
    read_records,
    result_from_dict,
    result_to_dict,
)

RECORDS = [
    {"draw": 0, "n_solutions": 33, "widths": (2, 2, 2), "counts": [1, 8, 8, 16]},
    {"draw": 1, "gamma": 0.5 - 2j, "seconds": float("inf"), "x": np.array([1.5, -0.0])},
    {"draw": 2, "note": "ünïcode\nand a newline", "nested": {"$tag": None, 7: "seven"}},
]


def _equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        np.array_equal(a[k], b[k]) if isinstance(a[k], np.ndarray) else a[k] == b[k] for k in a
    )


def test_records_read_back_in_order(tmp_path):
    path = tmp_path / "study.jsonl"
    for record in RECORDS:
        append_record(path, record)
    back = read_records(path)
    assert len(back) == 3 and all(_equal(a, b) for a, b in zip(RECORDS, back))
    assert len(path.read_text().splitlines()) == 4  # the stream header and one line per record
    assert json.loads(path.read_text().splitlines()[0]) == {"format": "linnet_crit.records", "version": 1}


def test_results_stream_one_per_draw(tmp_path, make_result, assert_same):
    path = tmp_path / "draws.jsonl"
    results = [make_result(np.full((n, 6), 0.5 + n * 1j), seed=seed) for n, seed in ((0, 1), (2, 2))]
    for result in results:
        append_record(path, result_to_dict(result))
    for result, record in zip(results, read_records(path)):
        assert_same(result, result_from_dict(record, str(path)))


def test_torn_last_record_is_reported_and_cut_before_the_next(tmp_path):
    path = tmp_path / "study.jsonl"
    append_record(path, RECORDS[0])
    append_record(path, RECORDS[2])
    whole = path.read_bytes()
    path.write_bytes(whole[:-7])  # a crash in the middle of writing the second record
    with pytest.warns(TruncatedRecordWarning, match="study.jsonl: ignored a truncated last record on line 3"):
        assert read_records(path) == [RECORDS[0]]
    with pytest.warns(TruncatedRecordWarning, match="cut off a truncated last record"):
        append_record(path, RECORDS[0])
    assert read_records(path) == [RECORDS[0], RECORDS[0]]


def test_torn_stream_header(tmp_path):
    path = tmp_path / "study.jsonl"
    path.write_bytes(b'{"format": "linnet_cr')
    with pytest.warns(TruncatedRecordWarning):
        assert read_records(path) == []
    with pytest.warns(TruncatedRecordWarning):
        append_record(path, {"draw": 0})
    assert read_records(path) == [{"draw": 0}]


def test_empty_file_has_no_records(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.touch()
    assert read_records(path) == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b'{"some": "log"}\n{"a": 1}\n', "not a linnet_crit record stream"),
        (b"hello\n", "not a linnet_crit record stream"),
        (b'{"format": "linnet_crit.records", "version": 9}\n', "record stream version 9"),
        (b'{"format": "linnet_crit.records", "version": 1}\n{"a": 1}\n{"a": \n{"a": 3}\n', "line 3 is not a valid record"),
        (b'{"format": "linnet_crit.records", "version": 1}\n[1, 2]\n', "line 2 is not a JSON object"),
    ],
)
def test_foreign_and_corrupt_streams_are_refused(payload, message, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(payload)
    with pytest.raises(FileFormatError, match=message):
        read_records(path)


def test_appending_to_a_foreign_file_is_refused_and_leaves_it_alone(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b'{"mine": true}\n')
    with pytest.raises(FileFormatError, match="not a version-1 linnet_crit record stream"):
        append_record(path, {"draw": 0})
    assert path.read_bytes() == b'{"mine": true}\n'


def test_bad_records_are_refused(tmp_path):
    path = tmp_path / "study.jsonl"
    with pytest.raises(FileFormatError, match="a record must be a dict, got list"):
        append_record(path, [1, 2])  # type: ignore[arg-type]
    with pytest.raises(FileFormatError, match="cannot append the record"):
        append_record(path, {"f": object()})
    with pytest.raises(FileFormatError, match="study.jsonl: no such file"):
        read_records(path)
