"""The numeric layer: batched evaluation of the gradient system from products of layer weights.

Nothing here touches SymPy; the boundary between the symbolic and numeric layers is
:meth:`linnet_crit.system.GradientSystem` (exact) versus :class:`Parameters` (floating point).
"""

from .evaluate import (
    ParameterSegment,
    Parameters,
    gradient,
    gradient_and_jacobian,
    jacobian_and_parameter_derivative,
    loss,
    parameter_derivative,
    parameter_jacobian,
)

__all__ = [
    "ParameterSegment",
    "Parameters",
    "gradient",
    "gradient_and_jacobian",
    "jacobian_and_parameter_derivative",
    "loss",
    "parameter_derivative",
    "parameter_jacobian",
]
