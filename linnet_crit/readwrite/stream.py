"""Append-only JSON Lines record streams for long studies (one record per draw, or per point).

A stream file starts with the line ``{"format": "linnet_crit.records", "version": 1}``; every
further line is one record, a JSON object encoded with
:func:`~linnet_crit.readwrite.encoding.encode_value` (so tuples, complex numbers and arrays come
back as written). :func:`append_record` writes a whole line and fsyncs it, so a record is
committed exactly when its newline is on disk. A crash mid-write leaves a last line without a
newline: :func:`read_records` drops it with a :class:`TruncatedRecordWarning`, and the next
:func:`append_record` cuts it off (with the same warning) before appending. One writer per file.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

from ..errors import FileFormatError
from .encoding import decode_value, encode_value

__all__ = ["RECORDS_TAG", "RECORDS_VERSION", "TruncatedRecordWarning", "append_record", "read_records"]

RECORDS_TAG = "linnet_crit.records"
RECORDS_VERSION = 1
_HEADER = json.dumps({"format": RECORDS_TAG, "version": RECORDS_VERSION}).encode() + b"\n"


class TruncatedRecordWarning(UserWarning):
    """A record stream ended in an incomplete line (a write was interrupted); it was ignored."""


def append_record(path: str | Path, record: dict[str, Any]) -> None:
    """Append one record to the JSON Lines stream ``path`` (created with its header if absent).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "study.jsonl"
    >>> append_record(path, {"draw": 0, "n_solutions": 33, "widths": (2, 2, 2)})
    >>> read_records(path)
    [{'draw': 0, 'n_solutions': 33, 'widths': (2, 2, 2)}]
    """
    path = Path(path)
    if not isinstance(record, dict):
        raise FileFormatError(f"{path}: a record must be a dict, got {type(record).__name__}")
    try:
        line = json.dumps(encode_value(record), allow_nan=False, ensure_ascii=False).encode() + b"\n"
    except TypeError as exc:
        raise FileFormatError(f"{path}: cannot append the record: {exc}") from None
    with open(path, "a+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            handle.write(_HEADER)
        else:
            _check_stream_header(handle, path)
            _cut_torn_tail(handle, path, size)
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def _check_stream_header(handle, path: Path) -> None:
    handle.seek(0)
    first = handle.read(len(_HEADER))
    handle.seek(0, os.SEEK_END)
    if first != _HEADER and not _HEADER.startswith(first):
        raise FileFormatError(
            f"{path}: not a version-{RECORDS_VERSION} linnet_crit record stream (first line is not its header)"
        )


def _cut_torn_tail(handle, path: Path, size: int) -> None:
    """Truncate an incomplete last line so that the next record starts on a line of its own."""
    keep = size
    while keep > 0:
        start = max(0, keep - 65536)
        handle.seek(start)
        chunk = handle.read(keep - start)
        if keep == size and chunk.endswith(b"\n"):
            return
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            keep = start + newline + 1
            break
        keep = start
    warnings.warn(
        f"{path}: cut off a truncated last record ({size - keep} bytes) before appending",
        TruncatedRecordWarning,
        stacklevel=3,
    )
    handle.truncate(keep)
    if keep == 0:
        handle.write(_HEADER)


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Every committed record of the stream ``path``, in order.

    An incomplete last line (an interrupted write) is skipped with a
    :class:`TruncatedRecordWarning`; any other bad line raises.

    Raises
    ------
    FileFormatError
        If the file is missing, foreign (no stream header), of another version, or has a
        complete line that is not a JSON object.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    lines = data.split(b"\n")
    tail = lines.pop()
    if tail:
        if not lines and not _HEADER.startswith(tail):
            raise FileFormatError(f"{path}: not a linnet_crit record stream (first line is not its header)")
        warnings.warn(
            f"{path}: ignored a truncated last record on line {len(lines) + 1} ({len(tail)} bytes)",
            TruncatedRecordWarning,
            stacklevel=2,
        )
    if not lines:
        return []
    _check_version(lines[0], path)
    return [_decode_line(line, path, number) for number, line in enumerate(lines[1:], 2)]


def _check_version(line: bytes, path: Path) -> None:
    try:
        first = json.loads(line)
    except ValueError:
        first = None
    if not isinstance(first, dict) or first.get("format") != RECORDS_TAG:
        raise FileFormatError(f"{path}: not a linnet_crit record stream (first line is not its header)")
    if first.get("version") != RECORDS_VERSION:
        raise FileFormatError(
            f"{path}: record stream version {first.get('version')!r}, this linnet_crit reads {RECORDS_VERSION}"
        )


def _decode_line(line: bytes, path: Path, number: int) -> dict[str, Any]:
    try:
        record = decode_value(json.loads(line))
    except (ValueError, TypeError, KeyError):
        raise FileFormatError(f"{path}: line {number} is not a valid record") from None
    if not isinstance(record, dict):
        raise FileFormatError(f"{path}: line {number} is not a JSON object")
    return record
