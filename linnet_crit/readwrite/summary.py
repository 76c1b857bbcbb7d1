"""The summary a solve prints, computed from a result in memory or read back from a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import FileFormatError
from ..results import SolveResult
from .encoding import encode_float
from .formats import read_result

__all__ = ["summarize", "show"]


def summarize(result: SolveResult) -> dict[str, Any]:
    """The counts and provenance of ``result`` as JSON-ready values (what ``--format json`` prints).

    Real and torus counts use the default tolerances, as :meth:`SolveResult.summary` does.
    Non-finite ``seconds`` is written as a string (see :mod:`linnet_crit.readwrite.encoding`).

    Examples
    --------
    >>> import numpy as np
    >>> from linnet_crit.data import random_instance
    >>> inst = random_instance("1,1,1", seed=3)
    >>> result = SolveResult(inst.architecture, inst, np.array([[0j, 0j], [1, 2]]), np.zeros(2),
    ...                      np.ones(2), 3, 3, "auto", "native", "0.1", 0.5)
    >>> s = summarize(result)
    >>> s["widths"], s["n_solutions"], s["n_real"], s["n_torus"], s["origin_found"]
    ([1, 1, 1], 2, 2, 1, True)
    """
    return {
        "complete": result.complete,
        "warnings": list(result.warnings),
        "route": result.route,
        "widths": list(result.architecture.widths),
        "samples": result.instance.samples,
        "seed": result.seed,
        "backend": result.backend,
        "method": result.method,
        "n_unknowns": result.architecture.n_unknowns,
        "n_paths_tracked": result.n_paths_tracked,
        "n_solutions": result.n_solutions,
        "n_torus": result.n_torus(),
        "n_real": result.n_real(),
        "n_failed": result.n_failed,
        "n_at_infinity": result.n_at_infinity,
        "origin_found": result.origin_found,
        "seconds": encode_float(result.seconds),
    }


def show(path: str | Path, format: str = "table") -> str:
    """Read any result file and return the summary its solve printed.

    ``table`` gives :meth:`SolveResult.summary`, ``json`` the indented JSON of :func:`summarize`.

    Raises
    ------
    FileFormatError
        If the file cannot be read back (see :func:`~linnet_crit.readwrite.read_result`) or
        ``format`` is neither ``table`` nor ``json``.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from linnet_crit.data import random_instance
    >>> from linnet_crit.readwrite import write_result
    >>> inst = random_instance("1,1,1", seed=3)
    >>> result = SolveResult(inst.architecture, inst, np.zeros((1, 2), complex), np.zeros(1),
    ...                      np.ones(1), 1, 3, "auto", "native", "0.1", 0.5)
    >>> path = write_result(result, Path(tempfile.mkdtemp()) / "r.npz")
    >>> show(path) == result.summary()
    True
    """
    if format not in ("table", "json"):
        raise FileFormatError(f"{path}: show format {format!r} is not 'table' or 'json'")
    result = read_result(path)
    if format == "table":
        return result.summary()
    return json.dumps(summarize(result), indent=2, allow_nan=False)
