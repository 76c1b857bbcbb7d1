"""The one metadata record of a :class:`~linnet_crit.results.SolveResult`, shared by every format.

A record is a JSON object: the *header* (format tag and version, provenance, architecture,
variable names in order, the data X, Y, Λ_i exactly with their SHA-256, seed, method, backend,
engine version, options (``SolveOptions.to_dict``, floats exact), backend settings, stage
reports, failed paths, zero patterns:
``patterns``, per point the ``ZeroPattern.to_dict`` of
:func:`linnet_crit.zeros.zero_pattern` — alive neurons of each hidden layer, stray zeros,
dead-neuron-law violations — at the result's ``options.zero_tolerance``; and a SHA-256 of the points) plus the per-point arrays. Each file format stores the
header as it can and the arrays as suits it; every reader rebuilds the result through
:func:`result_from_parts`, which checks the tag, the version and both digests.

Digests
-------
``data.sha256`` is the SHA-256 of, for X, Y, Λ_1, …, Λ_{H+1} in turn, the ASCII line
``"<name> <dtype> <rows>x<cols>\\n"`` followed by the entries in C order as little-endian
float64 (complex128 for complex data). ``points_sha256`` is the SHA-256 of the shape line
``"<n> <N>\\n"`` followed by the solutions (complex128), residuals and conditions (float64), all
little-endian with NaNs canonicalized (see :func:`~linnet_crit.readwrite.encoding.canonical_bytes`).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._version import __version__
from ..architecture import Architecture
from ..data import Instance
from ..errors import FileFormatError, LinnetCritError
from ..options import SolveOptions
from ..results import PathResult, ReturnCode, SolveResult, StageReport
from ..zeros import zero_pattern
from .encoding import (
    canonical_bytes,
    decode_array,
    decode_float,
    decode_value,
    encode_array,
    encode_float,
    encode_floats,
    encode_value,
)

__all__ = [
    "FORMAT_TAG",
    "FORMAT_VERSION",
    "data_sha256",
    "points_sha256",
    "header",
    "check_header",
    "result_from_parts",
    "result_to_dict",
    "result_from_dict",
]

FORMAT_TAG = "linnet_crit.result"
#: Bumped whenever a reader of the previous version could misread a new file. Version 3: the
#: options are the whole typed ``SolveOptions`` and backend extras moved to ``settings``; 4: the
#: loop-graph monodromy and the tracker's benign aim; 5: the monodromy's checks; 6: small shapes'
#: generic sets by the blackbox homotopy (``MonodromyOptions.blackbox_paths``); 7: checks scaled with
#: the orbits known (``MonodromyOptions.checks_per_orbit``); 8: one-hidden-layer shapes in closed
#: form (``MonodromyOptions.closed_form``, which since also turns on the reduced homotopy of one and
#: two hidden layers: the option says whether the reduced system was used; each stage's route, which).
FORMAT_VERSION = 8
#: Versions this reader reads: 3 to 7 differ only in their options (see :func:`_options_of`).
READABLE_VERSIONS = (3, 4, 5, 6, 7, 8)


def data_sha256(instance: Instance) -> str:
    """SHA-256 (hex) of X, Y and Λ_i as described in the module docstring.

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> len(data_sha256(random_instance("1,1,1", seed=0)))
    64
    """
    digest = hashlib.sha256()
    names = ["X", "Y", *(f"Lambda_{i + 1}" for i in range(len(instance.lambdas)))]
    for name, array in zip(names, (instance.X, instance.Y, *instance.lambdas)):
        dtype = "complex128" if np.iscomplexobj(array) else "float64"
        digest.update(f"{name} {dtype} {array.shape[0]}x{array.shape[1]}\n".encode())
        digest.update(canonical_bytes(array))
    return digest.hexdigest()


def points_sha256(solutions: np.ndarray, residuals: np.ndarray, conditions: np.ndarray) -> str:
    """SHA-256 (hex) of the points and their diagnostics as described in the module docstring.

    Examples
    --------
    >>> one, nan = np.zeros((1, 2), complex), np.array([np.nan])
    >>> points_sha256(one, nan, nan) == points_sha256(one, -nan, nan)
    True
    >>> points_sha256(one, nan, nan) == points_sha256(-one, nan, nan)
    False
    """
    digest = hashlib.sha256(f"{solutions.shape[0]} {solutions.shape[1]}\n".encode())
    for array in (solutions, residuals, conditions):
        digest.update(canonical_bytes(array))
    return digest.hexdigest()


def _patterns(result: SolveResult) -> list[dict[str, Any]]:
    """Each point's zero pattern (alive neurons per hidden layer, stray zeros)."""
    arch = result.architecture
    # encode_value: the threshold overflows to infinity at points near the largest double
    return [encode_value(zero_pattern(point, arch, result.options.zero_tolerance).to_dict(arch)) for point in result.solutions]


def _encode_path(path: PathResult) -> dict[str, Any]:
    return {
        "solution": encode_array(path.solution),
        "return_code": path.return_code.value,
        "raw_code": path.raw_code,
        "residual": encode_float(path.residual),
        "condition": encode_float(path.condition),
        "accuracy": encode_float(path.accuracy),
        "steps": int(path.steps),
        "t": encode_float(path.t),
        "start_solution": None if path.start_solution is None else encode_array(path.start_solution),
        "stage": path.stage,
        "winding_number": None if path.winding_number is None else int(path.winding_number),
        "multiplicity": int(path.multiplicity),
    }


def _encode_stage(stage: StageReport) -> dict[str, Any]:
    return {
        "name": stage.name,
        "paths": int(stage.paths),
        "failed": int(stage.failed),
        "at_infinity": int(stage.at_infinity),
        "retried": int(stage.retried),
        "steps": int(stage.steps),
        "seconds": encode_float(stage.seconds),
        "info": encode_value(stage.info),
    }


def _encode_data(instance: Instance) -> dict[str, Any]:
    return {
        "samples": instance.samples,
        "X": encode_array(instance.X),
        "Y": encode_array(instance.Y),
        "lambdas": [encode_array(lam) for lam in instance.lambdas],
        "seed": None if instance.seed is None else int(instance.seed),
        "regularization": instance.regularization,
        "exact": None if instance.exact is None else encode_value(instance.exact),
        "sha256": data_sha256(instance),
    }


def header(result: SolveResult, layout: str) -> dict[str, Any]:
    """Everything about ``result`` except its per-point arrays, as a JSON-ready dict.

    ``layout`` names the file format the header goes into (``json``, ``csv``, ``npz``,
    ``bertini``) so that a reader can tell one from another.

    Raises
    ------
    TypeError
        If an option or stage info value has no JSON form.

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> inst = random_instance("1,1,1", seed=3)
    >>> result = SolveResult(inst.architecture, inst, np.zeros((1, 2), complex), np.zeros(1),
    ...                      np.ones(1), 1, 3, "auto", "native", "0.1", 0.5)
    >>> h = header(result, "json")
    >>> h["format"], h["widths"], h["variables"], h["n_solutions"]
    ('linnet_crit.result', [1, 1, 1], ['W1_0_0', 'W2_0_0'], 1)
    """
    arch = result.architecture
    record: dict[str, Any] = {
        "format": FORMAT_TAG,
        "version": FORMAT_VERSION,
        "layout": layout,
        "written_by": f"linnet_crit {__version__}",
        "written_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "widths": list(arch.widths),
        "variables": list(arch.variable_names()),
        "data": _encode_data(result.instance),
        "seed": None if result.seed is None else int(result.seed),
        "method": result.method,
        "backend": result.backend,
        "engine_version": result.engine_version,
        "seconds": encode_float(result.seconds),
        "n_paths_tracked": int(result.n_paths_tracked),
        "n_at_infinity": int(result.n_at_infinity),
        "n_singular": int(result.n_singular),
        "assumptions": list(result.assumptions),
        "complete": result.complete,
        "warnings": list(result.warnings),
        "notes": list(result.notes),
        "route": result.route,
        "multiplicities": None if result.multiplicities is None else [int(m) for m in result.multiplicities],
        "options": encode_value(result.options.to_dict()),
        "settings": encode_value(result.settings),
        "stages": [_encode_stage(s) for s in result.stages],
        "failed_paths": [_encode_path(p) for p in result.failed_paths],
        "n_solutions": result.n_solutions,
        "points_sha256": points_sha256(result.solutions, result.residuals, result.conditions),
    }
    record["patterns"] = _patterns(result)
    return record


@contextlib.contextmanager
def reading(source: str, what: str) -> Iterator[None]:
    """Turn any error met while interpreting ``what`` of ``source`` into one FileFormatError."""
    try:
        yield
    except FileFormatError:
        raise
    except KeyError as exc:
        raise FileFormatError(f"{source}: {what} lacks the field {exc.args[0]!r}") from None
    except (TypeError, ValueError, IndexError, AttributeError, LinnetCritError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FileFormatError(f"{source}: malformed {what}: {message}") from None


def _options_of(record: dict[str, Any]) -> SolveOptions:
    """The options of a record, those of older versions stated in today's fields as they were solved.

    Version 3 predates the loop-graph monodromy and the tracker's larger aim on benign stretches:
    its ``MonodromyOptions.parallel_loops`` (triangle loops per round) has no meaning now and is
    dropped, and the fields added since get the values that describe how that file was solved —
    ``min_loop_paths = 0`` (no such minimum) and ``contraction_target = 0`` (the first Newton update
    aimed at ``step_target`` everywhere, which this value reproduces exactly). Versions 3 and 4
    predate the monodromy's checks: ``checks = 0``; versions 3 to 5 the blackbox homotopy on small
    shapes: ``blackbox_paths = 0``; versions 3 to 6 checks scaled with the orbits: ``checks_per_orbit
    = checks`` (a fixed number of checks, as there are always orbits when checks run); versions 3 to
    7 the closed form of one-hidden-layer shapes: ``closed_form = False``.
    """
    values = decode_value(record["options"])
    if record.get("version") != FORMAT_VERSION and isinstance(values, dict):  # an older readable version
        values = _upgrade(values, record["version"])
    return SolveOptions.from_dict(values)


def _upgrade(values: Any, version: int) -> Any:
    if not isinstance(values, dict):
        return values
    values = {name: _upgrade(value, version) for name, value in values.items()}
    if version == 3 and "stall_loops" in values and "min_loop_paths" not in values:
        values.pop("parallel_loops", None)
        values["min_loop_paths"] = 0
    if version == 3 and "step_target" in values and "contraction_target" not in values:
        values.update(benign_step_target=values["step_target"], contraction_target=0.0, benign_after=2)
    if "stall_loops" in values and "checks" not in values:
        values["checks"] = 0
    if "stall_loops" in values and "blackbox_paths" not in values:
        values["blackbox_paths"] = 0
    if "stall_loops" in values and "checks_per_orbit" not in values:
        values["checks_per_orbit"] = values["checks"]
    if "stall_loops" in values and "closed_form" not in values:
        values["closed_form"] = False
    return values


def check_header(record: Any, source: str, layout: str) -> None:
    """Raise FileFormatError unless ``record`` is a linnet_crit header of this version and layout."""
    if not isinstance(record, dict) or record.get("format") != FORMAT_TAG:
        raise FileFormatError(f"{source}: not a linnet_crit result (no format tag {FORMAT_TAG!r})")
    version = record.get("version")
    if version not in READABLE_VERSIONS:
        raise FileFormatError(
            f"{source}: result format version {version!r}, this linnet_crit reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}"
        )
    if record.get("layout") != layout:
        raise FileFormatError(
            f"{source}: header is for the {record.get('layout')!r} layout, expected {layout!r}"
        )


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _optional_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _decode_path(value: dict[str, Any]) -> PathResult:
    start = value["start_solution"]
    return PathResult(
        solution=decode_array(value["solution"]),
        return_code=ReturnCode(value["return_code"]),
        raw_code=_optional_str(value["raw_code"]),
        residual=decode_float(value["residual"]),
        condition=decode_float(value["condition"]),
        accuracy=decode_float(value["accuracy"]),
        steps=_int(value["steps"]),
        t=decode_float(value["t"]),
        start_solution=None if start is None else decode_array(start),
        stage=_str(value["stage"]),
        winding_number=_optional_int(value["winding_number"]),
        multiplicity=_int(value["multiplicity"]),
    )


def _decode_stage(value: dict[str, Any]) -> StageReport:
    return StageReport(
        name=_str(value["name"]),
        paths=_int(value["paths"]),
        failed=_int(value["failed"]),
        at_infinity=_int(value["at_infinity"]),
        retried=_int(value["retried"]),
        # files written before steps were recorded have none
        steps=_int(value.get("steps", 0)),
        seconds=decode_float(value["seconds"]),
        info=decode_value(value["info"]),
    )


def _decode_data(value: dict[str, Any], arch: Architecture, source: str) -> Instance:
    exact = value["exact"]
    instance = Instance(
        arch,
        decode_array(value["X"]),
        decode_array(value["Y"]),
        [decode_array(lam) for lam in value["lambdas"]],
        seed=_optional_int(value["seed"]),
        regularization=_str(value["regularization"]),
        exact=None if exact is None else decode_value(exact),
    )
    if instance.samples != _int(value["samples"]):
        raise FileFormatError(f"{source}: data has {instance.samples} samples, header says {value['samples']}")
    if data_sha256(instance) != value["sha256"]:
        raise FileFormatError(f"{source}: data X, Y, Lambda do not match their SHA-256 (corrupt file?)")
    return instance


def result_from_parts(
    record: dict[str, Any],
    solutions: np.ndarray,
    residuals: np.ndarray,
    conditions: np.ndarray,
    source: str,
) -> SolveResult:
    """Rebuild a SolveResult from a checked header and its arrays; verify shapes and digests."""
    with reading(source, "header"):
        arch = Architecture(tuple(_int(w) for w in record["widths"]))
        if record["variables"] != list(arch.variable_names()):
            raise FileFormatError(f"{source}: variable names are not those of widths {arch} in order")
        n = _int(record["n_solutions"])
        if solutions.shape != (n, arch.n_unknowns) or residuals.shape != (n,) or conditions.shape != (n,):
            raise FileFormatError(
                f"{source}: expected {n} points of {arch.n_unknowns} coordinates with residuals and "
                f"conditions, found arrays of shapes {solutions.shape}, {residuals.shape}, {conditions.shape}"
            )
        if points_sha256(solutions, residuals, conditions) != record["points_sha256"]:
            raise FileFormatError(f"{source}: points do not match their SHA-256 (corrupt or edited file?)")
        return SolveResult(
            architecture=arch,
            instance=_decode_data(record["data"], arch, source),
            solutions=solutions,
            residuals=residuals,
            conditions=conditions,
            n_paths_tracked=_int(record["n_paths_tracked"]),
            seed=_optional_int(record["seed"]),
            method=_str(record["method"]),
            backend=_str(record["backend"]),
            engine_version=_str(record["engine_version"]),
            seconds=decode_float(record["seconds"]),
            stages=tuple(_decode_stage(s) for s in record["stages"]),
            failed_paths=tuple(_decode_path(p) for p in record["failed_paths"]),
            n_at_infinity=_int(record["n_at_infinity"]),
            n_singular=_int(record["n_singular"]),
            assumptions=tuple(_str(a) for a in record["assumptions"]),
            options=_options_of(record),
            settings=_settings(decode_value(record["settings"])),
            warnings=tuple(_str(w) for w in record["warnings"]),
            notes=tuple(_str(n) for n in record["notes"]),
            route=_str(record["route"]),
            multiplicities=None if record["multiplicities"] is None
            else np.array([_int(m) for m in record["multiplicities"]], dtype=int),
        )


def _settings(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"settings must be a dict, got {type(value).__name__}")
    return value


def encode_points(solutions: np.ndarray) -> list:
    """``(n, N)`` complex points as nested lists of ``[re, im]`` pairs of exact floats."""
    floats = np.ascontiguousarray(solutions, dtype=np.complex128).view(np.float64)
    return encode_floats(floats.reshape(*solutions.shape, 2))


def decode_points(value: Any, n_unknowns: int) -> np.ndarray:
    """Inverse of :func:`encode_points` for points of ``n_unknowns`` coordinates."""
    if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == n_unknowns for p in value):
        raise ValueError(f"solutions must be a list of points of {n_unknowns} [re, im] pairs")
    flat = [pair for point in value for pair in point]
    pairs = decode_array({"dtype": "complex128", "shape": [len(flat)], "values": flat})
    return pairs.reshape(len(value), n_unknowns)


def decode_floats(value: Any) -> np.ndarray:
    """A JSON list of floats (non-finite as strings) as a float64 vector."""
    if not isinstance(value, list):
        raise TypeError("expected a list of numbers")
    return np.array([decode_float(x) for x in value], dtype=np.float64)


def result_to_dict(result: SolveResult) -> dict[str, Any]:
    """The full JSON record of ``result``: the header plus points, residuals and conditions.

    Points are lists of ``[re, im]`` pairs; floats are exact (see
    :mod:`linnet_crit.readwrite.encoding`). This is what a ``.json`` file holds, and what a study
    can stream one draw at a time with :func:`~linnet_crit.readwrite.append_record`.

    Examples
    --------
    >>> from linnet_crit.data import random_instance
    >>> inst = random_instance("1,1,1", seed=3)
    >>> result = SolveResult(inst.architecture, inst, np.array([[0j, 1 - 2j]]), np.zeros(1),
    ...                      np.ones(1), 1, 3, "auto", "native", "0.1", 0.5)
    >>> result_to_dict(result)["solutions"]
    [[[0.0, 0.0], [1.0, -2.0]]]
    >>> result_from_dict(result_to_dict(result)).solutions
    array([[0.+0.j, 1.-2.j]])
    """
    record = header(result, "json")
    record["solutions"] = encode_points(result.solutions)
    record["residuals"] = [encode_float(x) for x in result.residuals.tolist()]
    record["conditions"] = [encode_float(x) for x in result.conditions.tolist()]
    return record


def result_from_dict(record: Any, source: str = "record") -> SolveResult:
    """Inverse of :func:`result_to_dict`; raises FileFormatError naming ``source`` if malformed."""
    check_header(record, source, "json")
    with reading(source, "header"):
        arch = Architecture(tuple(_int(w) for w in record["widths"]))
    with reading(source, "points"):
        solutions = decode_points(record["solutions"], arch.n_unknowns)
        residuals = decode_floats(record["residuals"])
        conditions = decode_floats(record["conditions"])
    return result_from_parts(record, solutions, residuals, conditions, source)
