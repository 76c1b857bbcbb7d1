"""The symbolic layer: the gradient system as exact SymPy polynomials, and writers for other solvers.

Nothing here rounds to floating point; the one conversion into this layer is
:func:`exact_number` (a float's exact binary value), the one conversion out is the numeric layer
:mod:`linnet_crit.numeric`.
"""

from __future__ import annotations

import importlib
from typing import Any

# Every module here imports SymPy (about half a second); they load on first use (PEP 562), so
# that importing a package that only needs the numeric layer stays fast.
_MODULE_OF = {
    "exact_matrices": "exact",
    "exact_number": "exact",
    "to_bertini": "formats",
    "to_json": "formats",
    "to_phc": "formats",
    "to_text": "formats",
    "GradientSystem": "gradient",
    "gradient_system": "gradient",
    "parameter_names": "gradient",
}

__all__ = [
    "GradientSystem",
    "gradient_system",
    "parameter_names",
    "exact_number",
    "exact_matrices",
    "to_text",
    "to_json",
    "to_bertini",
    "to_phc",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))
