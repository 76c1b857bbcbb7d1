"""The symbolic layer: the gradient system as exact SymPy polynomials, and writers for other solvers.

Nothing here rounds to floating point; the one conversion into this layer is
:func:`exact_number` (a float's exact binary value), the one conversion out is the numeric layer
:mod:`linnet_crit.numeric`.
"""

from .exact import exact_matrices, exact_number
from .formats import to_bertini, to_json, to_phc, to_text
from .gradient import GradientSystem, gradient_system, parameter_names

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
