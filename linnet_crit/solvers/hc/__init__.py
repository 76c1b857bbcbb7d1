"""HomotopyContinuation.jl as a linnet_crit backend ("hc"), through juliacall.

One module per concept, as in HC.jl:

* :mod:`~linnet_crit.solvers.hc.julia` — finding Julia without starting it, and the one Julia
  session of the process (started lazily on the first solve; the module shipped in
  ``linnet_crit/julia/src/LinnetCrit.jl`` is loaded into it and each gradient system is sent
  once per (widths, samples) in the exchange form of :mod:`linnet_crit.solvers.exchange`, with
  X, Y and Λ as HC.jl parameters);
* :mod:`~linnet_crit.solvers.hc.path_table` — HC.jl's path records as plain arrays and their
  return codes in linnet_crit's vocabulary;
* :mod:`~linnet_crit.solvers.hc.result` — a :class:`SolveResult` from path tables: what is
  counted, what is reported, and the warnings that say why a count may be incomplete;
* :mod:`~linnet_crit.solvers.hc.certification` — HC.jl's interval certification, with HC.jl's
  names for the counts;
* :mod:`~linnet_crit.solvers.hc.backend` — the backend itself.

Choosing Julia
--------------
* juliapkg route: ``pip install 'linnet-crit[julia]'``, then once
  ``python -c 'import juliapkg; juliapkg.resolve()'``: juliapkg finds or downloads a Julia ≥ 1.10
  and installs HomotopyContinuation.jl (declared in ``linnet_crit/juliapkg.json``) into the
  environment's Julia project.
* An existing Julia: set ``PYTHON_JULIAPKG_EXE=/path/to/julia`` before the first use.

:meth:`HomotopyContinuationBackend.availability` never starts or downloads anything: it checks
that juliacall is importable and that a Julia executable exists (``PYTHON_JULIAPKG_EXE``,
``julia`` on ``PATH``, or one installed by juliapkg).

Latency: the first call in a process starts Julia, loads HC.jl and compiles the solver for the
system (typically tens of seconds up to a few minutes on a small machine); later calls in the same
process reuse the session. Julia's thread count is fixed when it starts: set
``PYTHON_JULIACALL_THREADS`` (e.g. ``auto``) before the first call. Multi-threaded HC.jl needs
``PYTHON_JULIACALL_HANDLE_SIGNALS=yes``, which juliacall reads once, when it is imported: the
backend sets it unless already set, and if something imported juliacall earlier without it, warns
and runs HC.jl single-threaded (unless told ``threading=True``).
"""

from .backend import HomotopyContinuationBackend, generic_parameters, generic_start_pair
from .certification import Certification
from .julia import JULIA_SOURCE, julia_unavailable_reason
from .path_table import PathTable, Stage, return_code
from .result import to_solve_result

__all__ = [
    "Certification",
    "HomotopyContinuationBackend",
    "JULIA_SOURCE",
    "PathTable",
    "Stage",
    "generic_parameters",
    "generic_start_pair",
    "julia_unavailable_reason",
    "return_code",
    "to_solve_result",
]
