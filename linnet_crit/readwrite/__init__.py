"""Lossless result files (JSON, CSV, ``.npz``, Bertini / HC.jl), record streams and summaries.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import numpy as np
>>> from linnet_crit.data import random_instance
>>> from linnet_crit.results import SolveResult
>>> inst = random_instance("1,1,1", seed=3)
>>> result = SolveResult(inst.architecture, inst, np.array([[0j, 0j]]), np.zeros(1), np.ones(1),
...                      1, 3, "auto", "native", "0.1", 0.25)
>>> folder = Path(tempfile.mkdtemp())
>>> [read_result(write_result(result, folder / name)).n_solutions for name in ("r.json", "r.sol")]
[1, 1]
"""

from .formats import (
    FORMATS,
    check_writable,
    read_metadata,
    read_result,
    read_solution_file,
    sidecar_path,
    write_result,
    write_solution_file,
)
from .record import result_from_dict, result_to_dict
from .solve_stream import StreamedSolveResult, StreamWriter, read_stream_result, stream_summary
from .stream import TruncatedRecordWarning, append_record, read_records
from .summary import show

__all__ = [
    "FORMATS",
    "check_writable",
    "write_result",
    "read_result",
    "read_metadata",
    "write_solution_file",
    "read_solution_file",
    "sidecar_path",
    "result_to_dict",
    "result_from_dict",
    "append_record",
    "read_records",
    "TruncatedRecordWarning",
    "show",
    "StreamWriter",
    "StreamedSolveResult",
    "read_stream_result",
    "stream_summary",
]
