"""The summary a solve prints, computed from a result in memory or read back from a file."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import FileFormatError
from ..results import SolveResult
from .formats import read_result
from .solve_stream import is_stream, stream_summary

__all__ = ["show"]


def show(path: str | Path, format: str = "table") -> str:
    """Read any result file and return the summary its solve printed.

    ``table`` gives ``str(result)``, ``json`` the indented JSON of :meth:`SolveResult.to_dict`.
    A streamed result file (``.jsonl``) is read line by line, one unit in memory at a time, and
    gives the summary :func:`linnet_crit.solve_to_file` returned (INCOMPLETE when cut short).

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
    >>> show(path) == str(result)
    True
    """
    if format not in ("table", "json"):
        raise FileFormatError(f"{path}: show format {format!r} is not 'table' or 'json'")
    result = stream_summary(path) if is_stream(path) else read_result(path)
    if format == "table":
        return str(result)
    return json.dumps(result.to_dict(), indent=2, allow_nan=False)
