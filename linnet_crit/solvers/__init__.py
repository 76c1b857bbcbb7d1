"""Solvers: one protocol, one result type, backends in a registry.

``solve(instance)`` is the entry point; ``backend="native"`` (the default, pip-only) or ``"hc"``
(HomotopyContinuation.jl through juliacall).
"""

from __future__ import annotations

from ..data import Instance
from ..errors import BackendUnavailableError, SolverError
from ..results import SolveResult
from .base import METHODS, Backend
from .options import MonodromyOptions, SolveOptions, TrackerOptions

__all__ = [
    "Backend",
    "MonodromyOptions",
    "SolveOptions",
    "TrackerOptions",
    "available_backends",
    "get_backend",
    "solve",
]


def _native() -> Backend:
    from .native.backend import NativeBackend

    return NativeBackend()


def _hc() -> Backend:
    from .hc import HomotopyContinuationBackend

    return HomotopyContinuationBackend()


#: Backend factories by name; a plugin adds an entry here.
BACKENDS = {"native": _native, "hc": _hc}


def get_backend(name: str) -> Backend:
    """The backend called ``name``, or BackendUnavailableError saying why it cannot run here."""
    if name not in BACKENDS:
        raise BackendUnavailableError(f"backend {name!r} is not one of {tuple(BACKENDS)}")
    backend = BACKENDS[name]()
    reason = backend.availability()
    if reason is not None:
        raise BackendUnavailableError(reason)
    return backend


def available_backends() -> dict[str, str | None]:
    """Each backend's name and ``None`` if usable here, else the reason it is not."""
    return {name: factory().availability() for name, factory in BACKENDS.items()}


def solve(
    instance: Instance,
    *,
    method: str = "auto",
    backend: str = "native",
    seed: int | None = 0,
    options: SolveOptions | None = None,
    progress: bool | None = None,
) -> SolveResult:
    """Every complex critical point of the regularized loss of ``instance``.

    Parameters
    ----------
    instance : Instance
        Architecture, data X, Y and regularization Λ.
    method : {"auto", "continuation", "blackbox"}
        ``auto``: the structure-aware route (origin + monodromy per alive-size tuple + parameter
        homotopies per alive set) when the data pass the genericity checks
        (:func:`linnet_crit.genericity.genericity_reasons`) and its certificate holds (every path
        arrived, no stray zeros, no collisions, every point nonsingular and refined); otherwise
        it switches by itself to ``continuation``, and ``route`` and ``notes`` of the result say
        so. ``continuation``: every generic critical point carried to the data by a parameter
        homotopy, complete for any data of the architecture. ``blackbox``: a start system with no
        structural assumption (small N only).

    Returns
    -------
    SolveResult
        ``complete`` is true when no check failed; otherwise ``warnings`` give the reasons (failed
        paths, a monodromy stopped at ``max_loops``, unrefined or colliding points, singular points
        whose isolation is not certified, …).

    Raises
    ------
    PositiveDimensionalError
        On every method, when the data leave a continuous symmetry of the loss (a scalar Λ, one
        scalar per layer, Λ = 0, …; see :func:`linnet_crit.genericity.symmetry_evidence`) or end
        points show a positive-dimensional component: no count exists. The ``regularization``
        label of the instance is never consulted.
    backend : {"native", "hc"}
    seed : int
        Seeds every random choice of the solver; reported in the result.
    options : SolveOptions
    progress : bool
        Progress bar; by default on when stderr is a terminal.

    Examples
    --------
    >>> from linnet_crit import random_instance, solve
    >>> result = solve(random_instance("1,1,1", seed=0), seed=0)
    >>> result.n_solutions, result.origin_found, result.complete, result.route
    (5, True, True, 'structured')
    """
    if method not in METHODS:
        raise SolverError(f"method {method!r} is not one of {METHODS}")
    return get_backend(backend).solve(instance, method=method, seed=seed, options=options, progress=progress)
