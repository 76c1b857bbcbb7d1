"""Result files: JSON, CSV, ``.npz`` and the Bertini / HomotopyContinuation.jl solution format.

Every format is lossless and carries the header of :mod:`linnet_crit.readwrite.record`:

``.json``
    The full record (:func:`~linnet_crit.readwrite.record.result_to_dict`), one top-level field
    per line; points as lists of ``[re, im]`` pairs of exact floats.
``.csv``
    The header as JSON in leading ``# `` comment lines (one field per line), then a column line
    ``W1_0_0_re,W1_0_0_im,…,residual,condition`` and one point per row, floats written with
    ``repr`` (exact). Any CSV reader that skips ``#`` lines sees a plain table.
``.npz``
    Arrays ``solutions`` (complex128), ``residuals`` and ``conditions`` (float64) and the header
    as the JSON string ``metadata``; no pickles.
``.sol`` / ``.txt``
    Bertini's and HC.jl's plain solution file (``write_solutions`` / ``read_solutions``): the
    number of points, a blank line, then for each point one line ``re im`` per coordinate (17
    significant digits, which is exact for doubles) and a blank line. The format has no header,
    so the header, residuals and conditions go to the sidecar ``<file>.meta.json`` (``sols.txt``
    → ``sols.txt.meta.json``). :func:`read_result` refuses a solution file without its sidecar;
    :func:`read_solution_file` reads the points alone, from any tool.

Writers replace the target atomically (temporary file, fsync, rename), so an interrupted write
never leaves a truncated file under the final name. Readers check the format tag, the version,
the shapes and the SHA-256 digests, and raise :class:`~linnet_crit.errors.FileFormatError`
naming the file and what is wrong.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import FileFormatError
from ..results import SolveResult
from .encoding import encode_float
from .solve_stream import is_stream, read_stream_header, read_stream_result
from .record import (
    check_header,
    decode_floats,
    header,
    reading,
    result_from_dict,
    result_from_parts,
    result_to_dict,
)

__all__ = [
    "FORMATS",
    "check_writable",
    "write_result",
    "read_result",
    "read_metadata",
    "write_solution_file",
    "read_solution_file",
    "sidecar_path",
]

#: File extension → format name.
FORMATS: dict[str, str] = {".json": "json", ".csv": "csv", ".npz": "npz", ".sol": "bertini", ".txt": "bertini"}


def _format_of(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise FileFormatError(
            f"{path}: unknown extension {path.suffix!r}; use one of {', '.join(FORMATS)}"
        ) from None


def sidecar_path(path: str | Path) -> Path:
    """Where the metadata of a Bertini solution file lives: ``<file>.meta.json``.

    Examples
    --------
    >>> sidecar_path("run/points.sol").as_posix()
    'run/points.sol.meta.json'
    """
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


# --- writing -------------------------------------------------------------------------------


def check_writable(path: str | Path) -> Path:
    """Raise :class:`FileFormatError` unless a file can be written at ``path``.

    Checked before any work (the command line calls it before solving, so no solve is lost to
    a typo): the extension is known, the folder exists and is writable, and ``path`` is not a
    folder itself (the atomic rename would fail on one).

    Examples
    --------
    >>> check_writable("no/such/folder/points.json")
    Traceback (most recent call last):
    ...
    linnet_crit.errors.FileFormatError: no/such/folder/points.json: the folder 'no/such/folder' does not exist; create it first or give another path
    """
    path = Path(path)
    _format_of(path)
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise FileFormatError(f"{path}: the folder {str(folder)!r} {what}; create it first or give another path")
    if path.is_dir():
        raise FileFormatError(f"{path}: is an existing folder, not a file; give a file name such as {path / 'result.json'}")
    if not os.access(folder, os.W_OK):
        raise FileFormatError(f"{path}: the folder {str(folder)!r} is not writable; give another path")
    return path


def _write_atomic(path: Path, payload: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


def _json_lines(record: dict[str, Any]) -> list[str]:
    """A JSON object with one top-level field per line: readable, and still one JSON document."""
    fields = [f" {_dumps(key)}: {_dumps(value)}" for key, value in record.items()]
    return ["{", *(line + "," for line in fields[:-1]), *fields[-1:], "}"]


def _json_bytes(result: SolveResult) -> bytes:
    return ("\n".join(_json_lines(result_to_dict(result))) + "\n").encode()


def _csv_bytes(result: SolveResult) -> bytes:
    lines = ["# " + line for line in _json_lines(header(result, "csv"))]
    lines.append(",".join(_csv_columns(result.architecture.variable_names())))
    parts = np.ascontiguousarray(result.solutions, dtype=np.complex128).view(np.float64)
    rows = np.column_stack([parts, result.residuals, result.conditions])
    lines.extend(",".join(map(repr, row)) for row in rows.tolist())
    return ("\n".join(lines) + "\n").encode()


def _csv_columns(names: tuple[str, ...]) -> list[str]:
    return [f"{name}_{part}" for name in names for part in ("re", "im")] + ["residual", "condition"]


def _npz_bytes(result: SolveResult) -> bytes:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        metadata=np.array(_dumps(header(result, "npz"))),
        solutions=np.asarray(result.solutions, dtype=np.complex128),
        residuals=np.asarray(result.residuals, dtype=np.float64),
        conditions=np.asarray(result.conditions, dtype=np.float64),
    )
    return buffer.getvalue()


def _solution_file_bytes(points: np.ndarray) -> bytes:
    lines = [str(len(points)), ""]
    for point in np.asarray(points, dtype=np.complex128):
        lines.extend(f"{z.real:.16e} {z.imag:.16e}" for z in point.tolist())
        lines.append("")
    return ("\n".join(lines) + "\n").encode()


def write_solution_file(points: np.ndarray, path: str | Path) -> None:
    """Write ``(n, N)`` complex points in the Bertini / HC.jl solution format, nothing else.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "start.txt"
    >>> write_solution_file(np.array([[1 + 2j, 3 - 0.5j]]), path)
    >>> print(path.read_text())
    1
    <BLANKLINE>
    1.0000000000000000e+00 2.0000000000000000e+00
    3.0000000000000000e+00 -5.0000000000000000e-01
    <BLANKLINE>
    <BLANKLINE>
    """
    points = np.asarray(points)
    if points.ndim != 2:
        raise FileFormatError(f"{path}: points must be an (n, N) array, got shape {points.shape}")
    _write_atomic(Path(path), _solution_file_bytes(points))


def _write_bertini(result: SolveResult, path: Path) -> None:
    record = header(result, "bertini")
    record["residuals"] = [encode_float(x) for x in result.residuals.tolist()]
    record["conditions"] = [encode_float(x) for x in result.conditions.tolist()]
    _write_atomic(sidecar_path(path), ("\n".join(_json_lines(record)) + "\n").encode())
    _write_atomic(path, _solution_file_bytes(result.solutions))


_WRITERS: dict[str, Callable[[SolveResult], bytes]] = {
    "json": _json_bytes,
    "csv": _csv_bytes,
    "npz": _npz_bytes,
}


def write_result(result: SolveResult, path: str | Path) -> Path:
    """Write ``result`` losslessly in the format named by the extension of ``path``.

    ``.json``, ``.csv``, ``.npz``, or ``.sol`` / ``.txt`` (Bertini / HC.jl, with the sidecar
    ``<path>.meta.json``); see the module docstring. Returns the path written.

    Raises
    ------
    FileFormatError
        For an unknown extension, a missing or unwritable folder, a folder at ``path``, or
        options / stage info that have no JSON form.

    Examples
    --------
    >>> import tempfile
    >>> from linnet_crit.data import random_instance
    >>> inst = random_instance("1,1,1", seed=3)
    >>> result = SolveResult(inst.architecture, inst, np.array([[0j, 0j]]), np.zeros(1),
    ...                      np.ones(1), 1, 3, "auto", "native", "0.1", 0.5)
    >>> path = write_result(result, Path(tempfile.mkdtemp()) / "points.csv")
    >>> read_result(path).solutions
    array([[0.+0.j, 0.+0.j]])
    """
    path = check_writable(path)
    kind = _format_of(path)
    try:
        if kind == "bertini":
            _write_bertini(result, path)
        else:
            _write_atomic(path, _WRITERS[kind](result))
    except TypeError as exc:
        raise FileFormatError(f"{path}: cannot write the result: {exc}") from None
    except OSError as exc:  # a full disk, a folder removed meanwhile
        raise FileFormatError(f"{path}: cannot write the result ({exc.strerror or exc}); give another path") from None
    return path


# --- reading -------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _read_text(path: Path) -> str:
    try:
        return _read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(f"{path}: not UTF-8 text (a binary or foreign file?)") from None


def _loads(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}; truncated?)"
        ) from None


def _read_json(path: Path) -> tuple[dict[str, Any], Callable[[], SolveResult]]:
    record = _loads(_read_text(path), str(path))
    check_header(record, str(path), "json")
    return record, lambda: result_from_dict(record, str(path))


def _split_csv(path: Path) -> tuple[list[str], list[str]]:
    lines = _read_text(path).split("\n")
    if lines[-1] != "":
        raise FileFormatError(f"{path}: last line does not end with a newline (truncated?)")
    lines.pop()
    n_comments = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    comments = [line[2:] if line.startswith("# ") else line[1:] for line in lines[:n_comments]]
    return comments, lines[n_comments:]


def _read_csv(path: Path) -> tuple[dict[str, Any], Callable[[], SolveResult]]:
    comments, table = _split_csv(path)
    if not comments:
        raise FileFormatError(f"{path}: no '# ' metadata lines; not a linnet_crit CSV file")
    record = _loads("\n".join(comments), f"{path} (metadata comment lines)")
    check_header(record, str(path), "csv")

    def points() -> SolveResult:
        with reading(str(path), "header"):
            columns = _csv_columns(tuple(record["variables"]))
        if not table or table[0].split(",") != columns:
            raise FileFormatError(f"{path}: the column line does not name {columns[0]}, …, condition in order")
        rows = [_csv_row(line, len(columns), path, number) for number, line in enumerate(table[1:], len(comments) + 2)]
        values = np.array(rows, dtype=np.float64).reshape(len(rows), len(columns))
        solutions = np.ascontiguousarray(values[:, :-2]).view(np.complex128)
        return result_from_parts(record, solutions, values[:, -2].copy(), values[:, -1].copy(), str(path))

    return record, points


def _csv_row(line: str, width: int, path: Path, number: int) -> list[float]:
    fields = line.split(",")
    if len(fields) != width:
        raise FileFormatError(f"{path}: line {number} has {len(fields)} fields, expected {width}")
    try:
        return [float(x) for x in fields]
    except ValueError:
        raise FileFormatError(f"{path}: line {number} has a field that is not a number") from None


_NPZ_ARRAYS = {"solutions": np.complex128, "residuals": np.float64, "conditions": np.float64}


def _read_npz(path: Path) -> tuple[dict[str, Any], Callable[[], SolveResult]]:
    try:
        with np.load(io.BytesIO(_read_bytes(path)), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - zip, pickle and header errors all mean a bad file
        raise FileFormatError(f"{path}: not a readable .npz archive ({type(exc).__name__}: {exc})") from None
    expected = {"metadata", *_NPZ_ARRAYS}
    if set(arrays) != expected:
        raise FileFormatError(f"{path}: .npz holds {sorted(arrays)}, expected {sorted(expected)}")
    metadata = arrays["metadata"]
    if metadata.shape != () or metadata.dtype.kind != "U":
        raise FileFormatError(f"{path}: 'metadata' is not a JSON string")
    record = _loads(str(metadata), f"{path} (metadata)")
    check_header(record, str(path), "npz")
    wrong = [key for key, dtype in _NPZ_ARRAYS.items() if arrays[key].dtype != dtype]
    if wrong:
        raise FileFormatError(f"{path}: arrays {wrong} have the wrong dtype")
    return record, lambda: result_from_parts(
        record, arrays["solutions"], arrays["residuals"], arrays["conditions"], str(path)
    )


def read_solution_file(path: str | Path, n_unknowns: int | None = None) -> np.ndarray:
    """Points alone from a Bertini / HC.jl solution file, sidecar or not: ``(n, N)`` complex.

    Without ``n_unknowns`` the number of coordinates is inferred from the count line (an empty
    file then gives shape ``(0, 0)``). Blank lines are ignored.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "hc.txt"
    >>> _ = path.write_text("2\\n\\n1 0\\n2 0\\n\\n3 -1\\n4e-1 1\\n\\n")
    >>> read_solution_file(path)
    array([[1. +0.j, 2. +0.j],
           [3. -1.j, 0.4+1.j]])
    """
    path = Path(path)
    text = _read_text(path)
    lines = [(number, line.split()) for number, line in enumerate(text.split("\n"), 1) if line.strip()]
    if not lines or len(lines[0][1]) != 1 or not (lines[0][1][0].isascii() and lines[0][1][0].isdigit()):
        raise FileFormatError(f"{path}: first line must be the number of points (Bertini / HC.jl format)")
    if not text.endswith("\n"):
        raise FileFormatError(f"{path}: last line does not end with a newline (truncated?)")
    count = int(lines[0][1][0])
    coordinates = [_coordinate(tokens, path, number) for number, tokens in lines[1:]]
    if n_unknowns is None:
        n_unknowns = len(coordinates) // count if count else 0
    if len(coordinates) != count * n_unknowns:
        raise FileFormatError(
            f"{path}: {len(coordinates)} coordinate lines do not make {count} points"
            + (f" of {n_unknowns} coordinates" if n_unknowns else "")
            + " (truncated?)"
        )
    return np.array(coordinates, dtype=np.complex128).reshape(count, n_unknowns)


def _coordinate(tokens: list[str], path: Path, number: int) -> complex:
    try:
        re, im = (float(token) for token in tokens)
    except ValueError:
        raise FileFormatError(f"{path}: line {number} is not a coordinate 're im'") from None
    return complex(re, im)


def _read_bertini(path: Path) -> tuple[dict[str, Any], Callable[[], SolveResult]]:
    meta = sidecar_path(path)
    if not meta.exists():
        raise FileFormatError(
            f"{path}: its metadata sidecar {meta.name} is missing; "
            "read_solution_file() reads the points alone"
        )
    record = _loads(_read_text(meta), str(meta))
    check_header(record, str(meta), "bertini")

    def points() -> SolveResult:
        with reading(str(meta), "sidecar"):
            n_unknowns = len(record["variables"])
            residuals = decode_floats(record["residuals"])
            conditions = decode_floats(record["conditions"])
        solutions = read_solution_file(path, n_unknowns)
        return result_from_parts(record, solutions, residuals, conditions, f"{path} with {meta.name}")

    return record, points


_READERS: dict[str, Callable[[Path], tuple[dict[str, Any], Callable[[], SolveResult]]]] = {
    "json": _read_json,
    "csv": _read_csv,
    "npz": _read_npz,
    "bertini": _read_bertini,
}


def read_result(path: str | Path) -> SolveResult:
    """Read a result written by :func:`write_result` in any of its formats (chosen by extension),
    or a streamed result file (``.jsonl``, :mod:`~linnet_crit.readwrite.solve_stream`) with all its points.

    A streamed file cut short (no footer: the solve was killed) reads as an INCOMPLETE result
    holding the units it has, its warnings saying so.

    Raises
    ------
    FileFormatError
        If the file is missing, corrupt, truncated, foreign, of another format version, or (for
        a Bertini file) lacks its sidecar; the message names the file and what is wrong.
    """
    path = Path(path)
    if is_stream(path):
        return read_stream_result(path)
    _, build = _READERS[_format_of(path)](path)
    return build()


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The header of a result file as stored (JSON types), without the per-point arrays.

    This is where the provenance lives that a :class:`SolveResult` has no field for: the
    ``patterns`` of the points (alive neurons per hidden layer, when the classifier was
    installed at writing time), ``written_by``, ``written_at`` and the two digests.
    """
    path = Path(path)
    if is_stream(path):
        return read_stream_header(path)
    record, _ = _READERS[_format_of(path)](path)
    return {key: value for key, value in record.items() if key not in ("solutions", "residuals", "conditions")}
