"""``verify(instance)``: numeric solve, exact counts and certification, side by side.

Two exact counts are made, and the report keeps them apart:

* ``exact_*`` — the instance itself. Real float data are exact binary rationals, so the system has
  rational coefficients and Singular counts its reduction mod p. This is the count the numeric
  solve must match. (Sound up to an unlucky prime; see :mod:`linnet_crit.verify.exact`.) Complex
  instances cannot be reduced mod 32003 (no √−1 there); for them ``exact_*`` is None.
* ``generic_*`` — a random instance over GF(p) with the same widths, samples and kind of
  regularization: the generic count of the architecture. If the two differ, the instance is not
  generic (the report says so).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from ..data import Instance, check_instance, check_seed
from ..errors import PositiveDimensionalError
from ..solvers import solve
from .certify import certify
from .exact import DEFAULT_PRIME, ExactCount, exact_count

__all__ = ["VerificationReport", "verify"]


@dataclass(frozen=True)
class VerificationReport:
    """Counts from the three routes and whether they agree.

    ``agree`` is True when the exact count of the instance (or, for complex data, the generic
    count) equals the numeric count, every numeric point is certified, the certified boxes are
    pairwise disjoint, the exact ideal is reduced, and the torus counts match.
    """

    widths: tuple[int, ...]
    samples: int
    regularization: str
    seed: int
    prime: int
    exact_n_solutions: int | None
    exact_n_distinct: int | None
    exact_n_torus: int | None
    generic_n_solutions: int | None
    generic_n_torus: int | None
    n_solutions: int
    n_torus: int
    n_real: int
    n_paths_tracked: int
    n_certified: int
    n_certified_real: int
    n_certified_distinct: int
    failed_certification: tuple[int, ...]
    agree: bool
    tool: str
    tool_version: str
    seconds: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the ``linnet-crit verify --format json`` output)."""
        out = asdict(self)
        out["widths"] = list(self.widths)
        out["failed_certification"] = list(self.failed_certification)
        out["notes"] = list(self.notes)
        return out

    def __str__(self) -> str:
        lines = [
            f"verification of widths {','.join(map(str, self.widths))} (m = {self.samples}, seed {self.seed}): "
            f"{'AGREE' if self.agree else 'DISAGREE'}",
            f"• exact (this instance, GF({self.prime})): {self.exact_n_solutions} solutions, {self.exact_n_torus} torus",
            f"• exact (generic GF({self.prime}) data): {self.generic_n_solutions} solutions, {self.generic_n_torus} torus",
            f"• numeric: {self.n_solutions} solutions, {self.n_torus} torus, {self.n_real} real",
            f"• certified: {self.n_certified} ({self.n_certified_distinct} distinct, {self.n_certified_real} real)",
            "• seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in self.seconds.items()),
        ]
        return "\n".join(lines + [f"• note: {note}" for note in self.notes])


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def _raise_if_positive_dimensional(count: ExactCount) -> None:
    if count.dimension > 0:
        raise PositiveDimensionalError(
            f"the critical set of widths {','.join(map(str, count.widths))} with {count.regularization!r} "
            f"regularization is positive-dimensional (dimension {count.dimension}, degree {count.degree}, "
            f"exact over GF({count.prime})); use generic Λ (regularization='generic')",
            count.dimension,
        )


def verify(instance: Instance, *, seed: int = 0, prime: int = DEFAULT_PRIME, backend: str = "native") -> VerificationReport:
    """Solve ``instance`` numerically, count its critical points exactly, certify every point.

    Raises PositiveDimensionalError (with the exact dimension) when the instance's critical set
    is not finite. ``seed`` seeds the solver, the generic GF(p) data and the exact multiplicity
    check.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> report = verify(random_instance((1, 1, 1), seed=0))
    >>> report.exact_n_solutions, report.n_solutions, report.n_certified, report.agree
    (5, 5, 5, True)
    """
    instance, seed = check_instance(instance), check_seed(seed, allow_none=False)
    seconds: dict[str, float] = {}
    notes = [
        f"generic_* count a random instance over GF({prime}) (seed {seed}) with the same widths, samples "
        f"and {instance.regularization} regularization: the generic count, correct with high probability",
    ]
    arch = instance.architecture
    own = None
    if instance.is_real:
        own, seconds["exact"] = _timed(exact_count, instance, seed=seed, prime=prime)
        _raise_if_positive_dimensional(own)
        notes.append(
            f"exact_* count this instance: its float data are binary rationals, reduced mod {prime} "
            "(exact unless the prime is unlucky for these data)"
        )
    else:
        notes.append("complex data cannot be reduced mod p here: exact_* are not computed, agree uses generic_*")
    generic, seconds["exact_generic"] = _timed(
        exact_count, arch, samples=instance.samples, seed=seed, prime=prime, regularization=instance.regularization
    )
    if own is None:
        _raise_if_positive_dimensional(generic)
    reference = own or generic
    if own is not None and (own.n_solutions, own.n_torus) != (generic.n_solutions, generic.n_torus):
        notes.append("this instance's exact count differs from the generic count: its data are not generic")
    if reference.n_distinct != reference.n_solutions:
        notes.append(f"the exact ideal is not reduced: {reference.n_distinct} distinct of {reference.n_solutions}")

    result, seconds["solve"] = _timed(solve, instance, seed=seed, backend=backend)
    cert, seconds["certify"] = _timed(certify, instance, result.solutions)
    n_torus = result.n_torus()
    agree = (
        reference.n_solutions == reference.n_distinct == result.n_solutions == cert.ncertified == cert.ndistinct_certified
        and reference.n_torus == n_torus
    )
    return VerificationReport(
        widths=arch.widths,
        samples=instance.samples,
        regularization=instance.regularization,
        seed=seed,
        prime=prime,
        exact_n_solutions=own.n_solutions if own else None,
        exact_n_distinct=own.n_distinct if own else None,
        exact_n_torus=own.n_torus if own else None,
        generic_n_solutions=generic.n_solutions,
        generic_n_torus=generic.n_torus,
        n_solutions=result.n_solutions,
        n_torus=n_torus,
        n_real=result.n_real(),
        n_paths_tracked=result.n_paths_tracked,
        n_certified=cert.ncertified,
        n_certified_real=cert.ndistinct_real_certified,
        n_certified_distinct=cert.ndistinct_certified,
        failed_certification=cert.failed,
        agree=agree,
        tool=reference.tool,
        tool_version=reference.version,
        seconds=seconds,
        notes=tuple(notes),
    )
