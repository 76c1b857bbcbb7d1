"""Streamed result files: a solve's points written unit by unit as they arrive (JSON Lines).

A large enumeration cannot hold its points in memory, so :func:`linnet_crit.solve_to_file` writes
each finished unit of the solve (its refined points and checks) as one line and forgets it. The
file (extension ``.jsonl``) has four kinds of line, each a JSON object with a ``kind``:

``header`` (line 1)
    ``{"format": "linnet_crit.result_stream", "version": 1, …}``: provenance, widths, variable
    names, the data X, Y, Λ exactly with their SHA-256, seed, method, route, engine version and
    options — written before any work.
``plan`` (line 2)
    The monodromy stage's reports, warnings, notes and assumptions, and how many units follow.
``unit`` (one per unit, in completion order)
    ``unit`` (its index; the origin W = 0 is unit 0), ``sizes``, ``alive_sets`` (a range of the
    alive sets of those sizes), ``solutions`` (``[re, im]`` pairs of exact floats),
    ``residuals``, ``conditions``, ``n_singular``, the stage report, failed paths, the unit's
    ``warnings`` (its certificate's failing checks) and ``points_sha256`` of its arrays.
``footer`` (last line)
    Totals, every warning, ``complete`` and the seconds of the whole solve.

Every line is flushed when written and the footer is fsynced. A stream without its footer (the
solve was killed, or failed) is read as INCOMPLETE, saying how many units it holds of how many
planned; a torn last line is ignored. :func:`read_stream_result` reads every point back into a
:class:`~linnet_crit.results.SolveResult` (points in unit order, whatever order the units
finished in); :func:`stream_summary` reads line by line, holding one unit at a time, and gives a
:class:`StreamedSolveResult`, the summary :func:`linnet_crit.solve_to_file` returned.
"""

from __future__ import annotations

import datetime
import json
import math
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from .._version import __version__
from ..architecture import Architecture
from ..data import Instance
from ..errors import FileFormatError
from ..options import SolveOptions
from ..results import PathResult, SolveCounts, SolveResult, StageReport
from .encoding import decode_float, decode_value, encode_float, encode_value
from .record import (
    _decode_data,
    _decode_path,
    _decode_stage,
    _encode_data,
    _encode_path,
    _encode_stage,
    decode_floats,
    decode_points,
    encode_points,
    points_sha256,
    reading,
)

__all__ = [
    "STREAM_EXTENSIONS",
    "STREAM_TAG",
    "STREAM_VERSION",
    "StreamWriter",
    "StreamedSolveResult",
    "is_stream",
    "read_stream_header",
    "read_stream_result",
    "stream_summary",
]

STREAM_TAG = "linnet_crit.result_stream"
#: Bumped whenever a reader of the previous version could misread a new stream.
STREAM_VERSION = 1
#: Extensions of streamed result files.
STREAM_EXTENSIONS = (".jsonl",)


def is_stream(path: str | Path) -> bool:
    """Whether ``path`` names a streamed result file (by its extension)."""
    return Path(path).suffix.lower() in STREAM_EXTENSIONS


def _dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=False, ensure_ascii=False).encode() + b"\n"


# --- the summary ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class StreamedSolveResult:
    """The counts of a streamed solve, computed one unit at a time (its points stay in the file).

    What :func:`linnet_crit.solve_to_file` returns and :func:`stream_summary` reads back. The
    result is :attr:`complete` exactly when ``warnings`` is empty; a stream cut short has the
    reason among them. :func:`linnet_crit.read_result` reads the points themselves.
    """

    path: Path
    architecture: Architecture
    samples: int
    seed: int | None
    method: str
    route: str
    backend: str
    engine_version: str
    n_units: int | None
    units_written: int
    n_solutions: int
    n_real: int
    n_torus: int
    origin_found: bool
    n_singular: int
    n_paths_tracked: int
    failures: dict[str, int] = field(default_factory=dict)
    stages: tuple[StageReport, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    seconds: float = math.nan

    @property
    def complete(self) -> bool:
        """Whether every check passed and every planned unit is in the file (no warning)."""
        return self.counts().complete

    @property
    def n_failed(self) -> int:
        return self.counts().n_failed

    def counts(self) -> SolveCounts:
        """What the summary shows, in the format of :class:`~linnet_crit.results.SolveResult`."""
        return SolveCounts(
            "Streamed result", self.architecture, self.samples, self.seed, self.method, self.route, self.backend,
            self.engine_version, self.n_paths_tracked, self.seconds, self.n_solutions, self.n_real, self.n_torus,
            self.origin_found, self.failures, 0, self.n_singular, self.warnings, self.notes, self.assumptions,
        )

    def __str__(self) -> str:
        """The summary of :class:`~linnet_crit.results.SolveResult`, plus where the points are.

        The first line is COMPLETE, or INCOMPLETE and the reasons in :attr:`warnings`; a stream
        without its footer took an unknown time.
        """
        planned = "?" if self.n_units is None else str(self.n_units)
        return "\n".join([*self.counts().lines(), f"• points in {self.path}: {self.units_written} of {planned} units"])

    def to_dict(self) -> dict[str, Any]:
        """The counts and provenance as JSON-ready values (the keys of ``SolveResult.to_dict`` and
        the stream's ``path``, ``units`` and ``units_written``)."""
        return {**self.counts().to_dict(), "path": str(self.path), "units": self.n_units,
                "units_written": self.units_written}


class _Tally:
    """Counts of a stream, fed one line at a time by the writer and by the readers alike (so the
    summary a solve returns is the one ``show`` reads back)."""

    def __init__(self, path: Path, header: dict[str, Any], instance: Instance, options: SolveOptions) -> None:
        self.path, self.header, self.instance, self.options = path, header, instance, options
        self.n_units: int | None = None
        self.seen: set[int] = set()
        self.n_solutions = self.n_real = self.n_torus = self.n_singular = self.paths = 0
        self.origin = False
        self.failures: Counter[str] = Counter()
        self.monodromy: tuple[StageReport, ...] = ()
        self.unit_stages: dict[int, StageReport] = {}
        self.plan_warnings: tuple[str, ...] = ()
        self.unit_warnings: dict[int, tuple[str, ...]] = {}
        self.notes: tuple[str, ...] = ()
        self.assumptions: tuple[str, ...] = ()
        self.footer: dict[str, Any] | None = None

    def plan(self, n_units: int, stages: tuple[StageReport, ...], warnings: tuple[str, ...], notes: tuple[str, ...],
             assumptions: tuple[str, ...]) -> None:
        self.n_units, self.monodromy = n_units, stages
        self.plan_warnings, self.notes, self.assumptions = warnings, notes, assumptions
        self.paths += sum(s.paths for s in stages)

    def unit(self, index: int, points: np.ndarray, n_singular: int, failed_codes: list[str], stage: StageReport,
             warnings: tuple[str, ...]) -> None:
        self.seen.add(index)
        # the counts of SolveResult itself, on this unit's points alone: same tolerances, same rules
        part = SolveResult(self.instance.architecture, self.instance, points, np.zeros(len(points)),
                           np.zeros(len(points)), 0, None, "", "", "", 0.0, options=self.options)
        self.n_solutions += part.n_solutions
        self.n_real += part.n_real()
        self.n_torus += part.n_torus()
        self.origin |= part.origin_found
        self.n_singular += n_singular
        self.failures.update(failed_codes)
        self.paths += stage.paths
        self.unit_stages[index] = stage
        if warnings:
            self.unit_warnings[index] = warnings

    def warnings(self) -> tuple[str, ...]:
        found = [*self.plan_warnings, *(w for i in sorted(self.unit_warnings) for w in self.unit_warnings[i])]
        if self.n_units is None:
            found.append(f"the stream {self.path} ends before its monodromy stage finished (no plan line): the solve "
                         "was interrupted or failed, and no count exists; run it again")
        elif self.footer is None:
            found.append(f"the stream {self.path} holds {len(self.seen)} of {self.n_units} units and no footer: the "
                         "solve was interrupted or failed, so the count is incomplete; run it again")
        return tuple(dict.fromkeys(found))

    def stages(self) -> tuple[StageReport, ...]:
        return self.monodromy + tuple(self.unit_stages[i] for i in sorted(self.unit_stages))

    def result(self, seconds: float | None = None) -> StreamedSolveResult:
        h = self.header
        if seconds is None:
            seconds = decode_float(self.footer["seconds"]) if self.footer is not None else math.nan
        return StreamedSolveResult(
            path=self.path, architecture=self.instance.architecture, samples=self.instance.samples, seed=h["seed"],
            method=h["method"], route=h["route"], backend=h["backend"], engine_version=h["engine_version"],
            n_units=self.n_units, units_written=len(self.seen), n_solutions=self.n_solutions, n_real=self.n_real,
            n_torus=self.n_torus, origin_found=self.origin, n_singular=self.n_singular, n_paths_tracked=self.paths,
            failures=dict(sorted(self.failures.items())), stages=self.stages(), warnings=self.warnings(),
            notes=self.notes, assumptions=self.assumptions, seconds=seconds,
        )


def _failure_code(path: PathResult) -> str:
    return path.return_code.value


# --- writing -------------------------------------------------------------------------------


class StreamWriter:
    """Write one streamed result file: header now, then the plan, units as they come, the footer.

    Use as a context manager; leaving the block without :meth:`finish` (an error, Ctrl-C) closes
    the file without a footer, so readers report the stream as interrupted.
    """

    def __init__(self, path: str | Path, instance: Instance, seed: int | None, options: SolveOptions) -> None:
        self.path = Path(path)
        if not is_stream(self.path):
            raise FileFormatError(f"{self.path}: a streamed result file needs the extension .jsonl")
        arch = instance.architecture
        header = {
            "format": STREAM_TAG,
            "version": STREAM_VERSION,
            "kind": "header",
            "written_by": f"linnet_crit {__version__}",
            "written_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "widths": list(arch.widths),
            "variables": list(arch.variable_names()),
            "data": _encode_data(instance),
            "seed": None if seed is None else int(seed),
            "method": "auto",
            "route": "structured",
            "backend": "native",
            "engine_version": __version__,
            "options": encode_value(options.to_dict()),
        }
        self.tally = _Tally(self.path, header, instance, options)
        try:
            self._handle: IO[bytes] | None = open(self.path, "wb")
        except OSError as exc:
            raise FileFormatError(f"{self.path}: cannot be written ({exc.strerror or exc}); give another path") from None
        self._write(header)

    def __enter__(self) -> StreamWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, record: dict[str, Any]) -> None:
        if self._handle is None:
            raise FileFormatError(f"{self.path}: the stream is already closed")
        try:
            self._handle.write(_dumps(record))
            self._handle.flush()  # a reader (show) sees every finished unit; a crash loses none of them
        except TypeError as exc:
            raise FileFormatError(f"{self.path}: cannot write the record: {exc}") from None

    def plan(self, n_units: int, stages: tuple[StageReport, ...], warnings: tuple[str, ...], notes: tuple[str, ...],
             assumptions: tuple[str, ...]) -> None:
        """The monodromy stage is done and ``n_units`` units will follow."""
        self._write({"kind": "plan", "units": int(n_units), "stages": [_encode_stage(s) for s in stages],
                     "warnings": list(warnings), "notes": list(notes), "assumptions": list(assumptions)})
        self.tally.plan(n_units, tuple(stages), tuple(warnings), tuple(notes), tuple(assumptions))

    def unit(self, unit: Any) -> bool:
        """Write one finalized unit (a :class:`~linnet_crit.solvers.native.streamed.FinalizedUnit`);
        ``False`` (nothing written) for a unit already written, which an executor may deliver twice."""
        if unit.index in self.tally.seen:
            return False
        points = np.asarray(unit.points, dtype=np.complex128)
        residuals, conditions = np.asarray(unit.residuals, float), np.asarray(unit.conditions, float)
        self._write({
            "kind": "unit",
            "unit": int(unit.index),
            "sizes": [int(s) for s in unit.sizes],
            "alive_sets": [int(a) for a in unit.alive_range],
            "n_points": len(points),
            "solutions": encode_points(points),
            "residuals": [encode_float(x) for x in residuals.tolist()],
            "conditions": [encode_float(x) for x in conditions.tolist()],
            "n_singular": int(unit.n_singular),
            "stage": _encode_stage(unit.stage),
            "failed_paths": [_encode_path(p) for p in unit.failed],
            "warnings": list(unit.warnings),
            "points_sha256": points_sha256(points, residuals, conditions),
        })
        self.tally.unit(unit.index, points, unit.n_singular, [_failure_code(p) for p in unit.failed], unit.stage,
                        tuple(unit.warnings))
        return True

    def finish(self, seconds: float) -> StreamedSolveResult:
        """Write the footer (every planned unit must be in), fsync and close; the solve's summary."""
        tally = self.tally
        if tally.n_units is None or len(tally.seen) != tally.n_units:
            raise FileFormatError(f"{self.path}: {len(tally.seen)} of {tally.n_units} units written; the footer "
                                  "is written only after every unit")
        footer = {"kind": "footer", "units": tally.n_units, "n_solutions": tally.n_solutions,
                  "n_paths_tracked": tally.paths, "seconds": encode_float(seconds)}
        tally.footer = footer
        warnings = tally.warnings()
        footer.update({"warnings": list(warnings), "complete": not warnings})
        self._write(footer)
        assert self._handle is not None
        os.fsync(self._handle.fileno())
        self.close()
        return tally.result(seconds)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


# --- reading -------------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """``(line number, line, whole)`` of the file, one at a time; ``whole`` is False for a last
    line without its newline (a write cut short)."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with handle:
        for number, line in enumerate(handle, 1):
            yield number, line, line.endswith(b"\n")


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each whole line of the stream as a JSON object (a torn last line is skipped: the missing
    footer then says the stream was cut short)."""
    for number, line, whole in _lines(path):
        if not whole:
            return
        try:
            record = json.loads(line)
        except ValueError:
            if number == 1:
                raise FileFormatError(f"{path}: not a linnet_crit streamed result (line 1 is not JSON)") from None
            raise FileFormatError(f"{path}: line {number} is not valid JSON (corrupt file?)") from None
        if not isinstance(record, dict):
            raise FileFormatError(f"{path}: line {number} is not a JSON object")
        yield number, record


def _open_stream(path: Path) -> tuple[_Tally, Iterator[tuple[int, dict[str, Any]]]]:
    records = _records(path)
    first = next(records, None)
    if first is None:
        raise FileFormatError(f"{path}: empty, or cut short inside its header line; no solve was recorded")
    _, header = first
    if header.get("format") != STREAM_TAG:
        hint = " (a study's record stream: read it with read_records)" if header.get("format") == "linnet_crit.records" else ""
        raise FileFormatError(f"{path}: not a linnet_crit streamed result{hint}")
    if header.get("version") != STREAM_VERSION:
        raise FileFormatError(f"{path}: streamed result version {header.get('version')!r}, this linnet_crit reads {STREAM_VERSION}")
    source = f"{path} line 1"
    with reading(source, "header"):
        arch = Architecture(tuple(int(w) for w in header["widths"]))
        if header["variables"] != list(arch.variable_names()):
            raise FileFormatError(f"{source}: variable names are not those of widths {arch} in order")
        instance = _decode_data(header["data"], arch, source)
        options = SolveOptions.from_dict(decode_value(header["options"]))
        for key in ("seed", "method", "route", "backend", "engine_version"):
            header[key]  # noqa: B018 — a missing field fails here, named, not later
    return _Tally(path, header, instance, options), records


@dataclass
class _Unit:
    points: np.ndarray
    residuals: np.ndarray
    conditions: np.ndarray
    failed: tuple[PathResult, ...]


def _read(path: Path, keep_points: bool) -> tuple[_Tally, dict[int, _Unit]]:
    tally, records = _open_stream(path)
    n_unknowns = tally.instance.architecture.n_unknowns
    units: dict[int, _Unit] = {}
    for number, record in records:
        source = f"{path} line {number}"
        if tally.footer is not None:
            raise FileFormatError(f"{source}: a line after the footer (two solves in one file?)")
        kind = record.get("kind")
        with reading(source, f"{kind} line"):
            if kind == "plan":
                if tally.n_units is not None:
                    raise FileFormatError(f"{source}: a second plan line")
                tally.plan(int(record["units"]), tuple(_decode_stage(s) for s in record["stages"]),
                           tuple(record["warnings"]), tuple(record["notes"]), tuple(record["assumptions"]))
            elif kind == "unit":
                index = int(record["unit"])
                if tally.n_units is None or not 0 <= index < tally.n_units or index in tally.seen:
                    raise FileFormatError(f"{source}: unit {index} is not one of the {tally.n_units} planned units, "
                                          "or appears twice")
                points = decode_points(record["solutions"], n_unknowns).reshape(-1, n_unknowns)
                residuals, conditions = decode_floats(record["residuals"]), decode_floats(record["conditions"])
                if residuals.shape != (len(points),) or conditions.shape != (len(points),) or \
                        points_sha256(points, residuals, conditions) != record["points_sha256"]:
                    raise FileFormatError(f"{source}: unit {index}'s points do not match their SHA-256 (corrupt file?)")
                failed = tuple(_decode_path(p) for p in record["failed_paths"])
                tally.unit(index, points, int(record["n_singular"]), [_failure_code(p) for p in failed],
                           _decode_stage(record["stage"]), tuple(record["warnings"]))
                if keep_points:
                    units[index] = _Unit(points, residuals, conditions, failed)
            elif kind == "footer":
                if tally.n_units is None or len(tally.seen) != tally.n_units or record["units"] != tally.n_units:
                    raise FileFormatError(f"{source}: footer after {len(tally.seen)} of {tally.n_units} units")
                if record["n_solutions"] != tally.n_solutions:
                    raise FileFormatError(f"{source}: footer says {record['n_solutions']} points, the units hold "
                                          f"{tally.n_solutions}")
                decode_float(record["seconds"])
                tally.footer = record
            else:
                raise FileFormatError(f"{source}: unknown line kind {kind!r}")
    return tally, units


def stream_summary(path: str | Path) -> StreamedSolveResult:
    """The summary of a streamed result file, read line by line (one unit in memory at a time).

    A stream without its footer is INCOMPLETE, its warnings say how many units it holds.

    Raises
    ------
    FileFormatError
        If the file is missing, foreign, of another version, or a whole line is corrupt.
    """
    tally, _ = _read(Path(path), keep_points=False)
    return tally.result()


def read_stream_result(path: str | Path) -> SolveResult:
    """Every point of a streamed result file as one :class:`SolveResult` (points in unit order).

    A stream cut short gives the points of the units it holds and a warning saying so (the
    result is INCOMPLETE), never a complete count.
    """
    path = Path(path)
    tally, units = _read(path, keep_points=True)
    summary = tally.result()
    order = sorted(units)
    n_unknowns = tally.instance.architecture.n_unknowns

    def joined(name: str, empty: np.ndarray) -> np.ndarray:
        return np.concatenate([getattr(units[i], name) for i in order]) if order else empty

    return SolveResult(
        architecture=tally.instance.architecture,
        instance=tally.instance,
        solutions=joined("points", np.zeros((0, n_unknowns), dtype=complex)),
        residuals=joined("residuals", np.zeros(0)),
        conditions=joined("conditions", np.zeros(0)),
        n_paths_tracked=summary.n_paths_tracked,
        seed=summary.seed,
        method=summary.method,
        backend=summary.backend,
        engine_version=summary.engine_version,
        seconds=summary.seconds,
        stages=summary.stages,
        failed_paths=tuple(p for i in order for p in units[i].failed),
        n_singular=summary.n_singular,
        assumptions=summary.assumptions,
        options=tally.options,
        settings={"stream": str(path), "units": summary.n_units, "units_written": summary.units_written},
        warnings=summary.warnings,
        notes=summary.notes,
        route=summary.route,
    )


def read_stream_header(path: str | Path) -> dict[str, Any]:
    """The header line of a streamed result file, as stored."""
    tally, _ = _open_stream(Path(path))
    return dict(tally.header)
