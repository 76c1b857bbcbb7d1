"""Finding Julia without starting it, and the one Julia session of the process (started lazily).

The session loads the module shipped in ``linnet_crit/julia/src/LinnetCrit.jl`` and sends each
gradient system once per (widths, samples), in the exchange form of
:mod:`linnet_crit.solvers.exchange`, with X, Y and Λ as HC.jl parameters.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

from ...architecture import Architecture
from ...errors import BackendUnavailableError, SolverError
from ...system import gradient_system
from ..exchange import encode

__all__ = ["JULIA_SOURCE", "Session", "julia_unavailable_reason", "session", "unavailable_message"]

#: The Julia module loaded into the session (shipped as package data through the linnet_crit/julia link).
JULIA_SOURCE = Path(__file__).resolve().parents[2] / "julia" / "src" / "LinnetCrit.jl"

_INSTALL_HINT = (
    "get it with pip install 'linnet-crit[julia]' and then "
    "python -c 'import juliapkg; juliapkg.resolve()' once (juliapkg downloads Julia and "
    "HomotopyContinuation.jl), or set PYTHON_JULIAPKG_EXE to an existing julia"
)


# --- finding Julia without starting it -----------------------------------------------------------
def _configured_executable() -> str | None:
    """juliapkg's ``-X juliapkg-exe`` or ``PYTHON_JULIAPKG_EXE``, as juliapkg reads them."""
    return sys._xoptions.get("juliapkg-exe") or os.environ.get("PYTHON_JULIAPKG_EXE") or None


def _juliapkg_executable() -> str | None:
    """A Julia that juliapkg already installed or resolved (read from its state, nothing run)."""
    if importlib.util.find_spec("juliapkg") is None:
        return None
    try:
        from juliapkg.state import STATE
    except ImportError:
        return None
    candidates = [os.path.join(STATE.get("install", ""), "bin", "julia")]
    meta = STATE.get("meta")
    if meta and os.path.isfile(meta):
        try:
            with open(meta, encoding="utf-8") as handle:
                candidates.insert(0, json.load(handle).get("executable") or "")
        except (OSError, ValueError):
            pass
    return next((c for c in candidates if c and shutil.which(c)), None)


def julia_unavailable_reason() -> str | None:
    """Why the hc backend cannot run here, or ``None`` if juliacall and a Julia executable exist.

    Quick and side-effect free: juliacall is located, not imported (importing it starts Julia).
    """
    if importlib.util.find_spec("juliacall") is None:
        return "juliacall is not installed"
    configured = _configured_executable()
    if configured is not None:
        return None if shutil.which(configured) else f"PYTHON_JULIAPKG_EXE={configured} is not an executable"
    if shutil.which("julia") or _juliapkg_executable():
        return None
    return "no Julia executable was found (PYTHON_JULIAPKG_EXE, julia on PATH, or one installed by juliapkg)"


def unavailable_message(reason: str) -> str:
    """The one-line error for ``reason``, with how to install Julia and HC.jl."""
    return f"the hc backend needs Julia with HomotopyContinuation.jl, but {reason}; {_INSTALL_HINT}"


# --- signal handling -----------------------------------------------------------------------------
def _handle_signals_setting() -> str | None:
    """juliacall's ``-X juliacall-handle-signals`` or ``PYTHON_JULIACALL_HANDLE_SIGNALS``, as it reads them."""
    return sys._xoptions.get("juliacall-handle-signals") or os.environ.get("PYTHON_JULIACALL_HANDLE_SIGNALS") or None


def prepare_signal_handling() -> bool:
    """Ask juliacall to let Julia handle signals; whether that will be in effect.

    Multi-threaded Julia code called from Python segfaults unless Julia handles signals, and
    juliacall reads the setting once, when it is imported (which starts Julia). Before that
    import the setting is made here unless the user made one; after it, setting it has no
    effect, so a juliacall imported earlier without it gets a warning that says how to fix it.
    """
    if "juliacall" not in sys.modules:
        os.environ.setdefault("PYTHON_JULIACALL_HANDLE_SIGNALS", "yes")
        return _handle_signals_setting() == "yes"
    if _handle_signals_setting() == "yes":
        return True  # set before juliacall was imported, or at least now: nothing more is known
    warnings.warn(
        "juliacall was imported before linnet_crit's hc backend without "
        "PYTHON_JULIACALL_HANDLE_SIGNALS=yes, so Julia does not handle signals and multi-threaded "
        "HomotopyContinuation.jl may crash Python; the hc backend runs HC.jl single-threaded unless "
        "given threading=True. Fix: set PYTHON_JULIACALL_HANDLE_SIGNALS=yes before anything imports juliacall",
        RuntimeWarning,
        stacklevel=3,
    )
    return False


# --- the Julia session ---------------------------------------------------------------------------
class Session:
    """The one Julia session of the process: the loaded LinnetCrit module and the systems sent to it.

    ``signals_handled`` says whether Julia handles signals (see :func:`prepare_signal_handling`);
    without it the backend does not switch HC.jl's threading on by itself.
    """

    def __init__(self, module: Any, signals_handled: bool = True) -> None:
        self.module = module
        self.signals_handled = signals_handled
        self._systems: dict[tuple[tuple[int, ...], int], Any] = {}

    def system(self, arch: Architecture, samples: int) -> Any:
        """The HC.jl System of ``arch`` with symbolic X, Y, Λ (built in Julia once)."""
        key = (arch.widths, samples)
        if key not in self._systems:
            exchange = encode(gradient_system(arch, symbolic_parameters=True, samples=samples))
            exponents, coefficients, counts = exchange.stacked()
            self._systems[key] = self.call(
                "exchange_system",
                " ".join(exchange.variables), " ".join(exchange.parameters), exponents, coefficients, counts,
            )
        return self._systems[key]

    def call(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """``LinnetCrit.<function>(args...; kwargs...)``, a Julia error becoming a SolverError."""
        try:
            return getattr(self.module, function)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - juliacall.JuliaError and conversion errors from Julia
            detail = " ".join(str(exc).split())[:300]
            raise SolverError(
                f"HomotopyContinuation.jl failed in LinnetCrit.{function}: {detail}; rerun with another "
                "seed, or report it with the widths and seed"
            ) from None


_SESSION: Session | None = None
_SESSION_LOCK = threading.Lock()


def session() -> Session:
    """The Julia session, started on first use; BackendUnavailableError (one line) if it cannot be."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            reason = julia_unavailable_reason()
            if reason is not None:
                raise BackendUnavailableError(unavailable_message(reason))
            _SESSION = start_julia()
        return _SESSION


def start_julia() -> Session:
    """Import juliacall (which starts Julia) and load the LinnetCrit module into it."""
    handled = prepare_signal_handling()
    try:
        from juliacall import Base, Main

        module = Base.include(Main, str(JULIA_SOURCE))
    except Exception as exc:  # noqa: BLE001 - juliapkg, juliacall and Julia raise plain Exceptions here
        detail = " ".join(str(exc).split())[:300]
        raise BackendUnavailableError(
            unavailable_message(f"Julia or HomotopyContinuation.jl could not be loaded ({detail})")
        ) from None
    return Session(module, signals_handled=handled)
