"""Every bound at once, with what each one bounds."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..architecture import Architecture
from ..errors import BoundNotApplicableError
from ..architecture import as_architecture
from .classical import bezout, bh_torus, bh_total, check_samples, multihomogeneous_bezout
from .bkk import bkk_affine, bkk_torus

__all__ = ["all_bounds", "BOUND_DESCRIPTIONS"]

#: Bound name → (where the solutions it bounds live, what it is).
BOUND_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "bezout": ("C^n", "classical Bezout (2H+1)^N"),
    "multihomogeneous_bezout": ("C^n", "multihomogeneous Bezout, layers as groups"),
    "bkk_torus": ("(C*)^n", "mixed volume of the supports"),
    "bkk_affine": ("C^n", "mixed volume with the origin added (thesis 'BKK')"),
    "bh_total": ("C^n", "Bharadwaj-Hosten B_C = (1+4p)^d (H = 1, m = 1)"),
    "bh_torus": ("(C*)^n", "Bharadwaj-Hosten B_C* = (4p)^d (H = 1, m = 1)"),
}


def _or_none(bound: Callable[[], int]) -> int | None:
    try:
        return bound()
    except BoundNotApplicableError:
        return None


def all_bounds(arch: Architecture | Sequence[int] | str, samples: int = 1) -> dict[str, int | None]:
    """Every bound for generic data with ``samples`` data points; ``None`` where a bound does not apply.

    Keys (in this order): ``bezout``, ``multihomogeneous_bezout``, ``bkk_torus``, ``bkk_affine``,
    ``bh_total``, ``bh_torus``; :data:`BOUND_DESCRIPTIONS` says what each bounds. Raises
    :class:`ToolUnavailableError` when gfan (for the mixed volumes) is missing.

    Examples
    --------
    >>> all_bounds((1, 2, 2))
    {'bezout': 729, 'multihomogeneous_bezout': 129, 'bkk_torus': 64, 'bkk_affine': 81, 'bh_total': 81, 'bh_torus': 64}
    >>> all_bounds((1, 1, 1, 1))["bh_total"] is None
    True
    """
    arch = as_architecture(arch)
    samples = check_samples(samples)
    return {
        "bezout": bezout(arch),
        "multihomogeneous_bezout": multihomogeneous_bezout(arch),
        "bkk_torus": bkk_torus(arch, samples),
        "bkk_affine": bkk_affine(arch, samples),
        "bh_total": _or_none(lambda: bh_total(arch, samples)),
        "bh_torus": _or_none(lambda: bh_torus(arch, samples)),
    }
