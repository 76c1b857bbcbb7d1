"""Path and memory estimates of a solve or study, and the budgets that refuse one before it runs.

The number of torus solutions of each alive-size sub-network is unknown until its monodromy has
run, so the estimate *before* a run is an honest upper bound built from proved bounds:

* orbits of sub-network ``s`` (one path per sign-flip orbit): ``R_s = ⌈T_s / 2^{Σ s_i}⌉`` with
  ``T_s`` the smallest proved bound on its torus solutions — the layer-grouped multihomogeneous
  Bézout number (any H, m), and for H = 1, m = 1 also the Bharadwaj–Hoşten bound ``(4p)^d``;
* parameter-homotopy paths of one draw: ``Σ_s (alive sets of sizes s) · R_s`` (times the orbit
  size with ``full_orbits``), first passes only — retries of failed paths come on top;
* monodromy paths of size tuple ``s``: every round tracks ``parallel_loops`` triangles (3 segments)
  from every known orbit; a round either finds a new orbit (at most ``R_s − 1`` times) or adds to
  the stall, so there are at most ``R_s · ⌈stall_loops / parallel_loops⌉`` rounds and at most
  ``max_loops`` loops: ``3 · R_s · min(max_loops, parallel_loops · R_s · ⌈stall/parallel⌉)``;
* memory: a batch of P simultaneously tracked paths in n unknowns holds about
  ``16 · (12 n² + 32 n)`` bytes per path (Jacobians of the Runge–Kutta stages, the corrector and
  their solves; tracemalloc peaks of 3.6–6.0 kB per path for n = 8 and 4.9–13.9 kB for n = 10,
  against 16.4 kB and 24.3 kB estimated).

After the generic (monodromy) stage the orbit counts are known, and :func:`estimate_study` with
``generic=`` gives the exact number of first-pass paths per draw.

Examples
--------
>>> est = estimate_study("2,2,2", draws=100)
>>> est.paths_per_draw, est.exact
(24, False)
>>> check_budget(est, max_paths=1000)
Traceback (most recent call last):
...
linnet_crit.errors.BudgetExceededError: widths 2,2,2, 100 draws: estimated 12192 paths (upper bound) exceed max_paths = 1000; pass a larger max_paths, or max_paths=None (CLI --max-paths 0) to run anyway
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import comb, prod
from typing import Any

from .architecture import Architecture
from .errors import BudgetExceededError, DataError
from .solvers.options import SolveOptions

__all__ = [
    "DEFAULT_MAX_PATHS",
    "DEFAULT_MAX_MEMORY",
    "Estimate",
    "bytes_per_path",
    "orbit_bound",
    "estimate_study",
    "estimate_solve",
    "check_budget",
    "chunk_for_memory",
]

#: Default budget on the estimated paths of a study or solve (an upper bound, so generous).
DEFAULT_MAX_PATHS = 10**10
#: Default budget on the estimated memory of one batch of paths on one worker (bytes).
DEFAULT_MAX_MEMORY = 4 * 2**30


def bytes_per_path(n_unknowns: int) -> int:
    """Estimated bytes of tracker state per simultaneously tracked path in ``n_unknowns`` unknowns.

    Examples
    --------
    >>> bytes_per_path(8)
    16384
    """
    return 16 * (12 * n_unknowns**2 + 32 * n_unknowns)


def _as_arch(arch: Architecture | Sequence[int] | str) -> Architecture:
    return arch if isinstance(arch, Architecture) else Architecture.parse(arch)


def orbit_bound(sub: Architecture | Sequence[int] | str, samples: int = 1) -> int:
    """Upper bound on the sign-flip orbits of torus solutions of ``sub`` (proved bounds only).

    Examples
    --------
    >>> orbit_bound("2,2,2"), orbit_bound("2,1,2"), orbit_bound("1,2,2,2")
    (16, 4, 28265)
    """
    from .bounds import bh_torus, multihomogeneous_bezout

    sub = _as_arch(sub)
    torus = multihomogeneous_bezout(sub)
    if sub.depth == 1 and samples == 1:
        torus = min(torus, bh_torus(sub, 1))
    return -(-torus // 2 ** sum(sub.hidden))


@dataclass(frozen=True)
class Estimate:
    """Paths and memory of a study (``draws`` draws after one generic stage) or of one solve."""

    widths: tuple[int, ...]
    samples: int
    draws: int
    #: Upper bound on the monodromy (generic stage) paths; 0 when the generic stage is done.
    generic_paths: int
    #: First-pass parameter-homotopy paths of one draw (exact when ``exact``).
    paths_per_draw: int
    #: Largest number of paths tracked together in the generic stage.
    generic_batch: int
    exact: bool
    bytes_per_path: int

    @property
    def total_paths(self) -> int:
        return self.generic_paths + self.draws * self.paths_per_draw

    def batch_bytes(self, chunk: int = 1) -> int:
        """Estimated peak memory of one worker tracking ``chunk`` draws together."""
        return self.bytes_per_path * max(self.generic_batch, chunk * self.paths_per_draw)

    def describe(self) -> str:
        what = f"{self.draws} draws" if self.draws != 1 else "one solve"
        return f"widths {','.join(map(str, self.widths))}, {what}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "widths": list(self.widths), "samples": self.samples, "draws": self.draws,
            "generic_paths": self.generic_paths, "paths_per_draw": self.paths_per_draw,
            "total_paths": self.total_paths, "exact": self.exact, "bytes_per_path": self.bytes_per_path,
            "batch_bytes": self.batch_bytes(),
        }


def estimate_study(
    architecture: Architecture | Sequence[int] | str,
    *,
    draws: int = 1,
    samples: int = 1,
    options: SolveOptions | None = None,
    generic: Mapping[tuple[int, ...], Any] | None = None,
) -> Estimate:
    """Estimate the paths of a study; exact per-draw paths once ``generic`` (its orbits) is known.

    Examples
    --------
    >>> estimate_study("1,1,1", draws=10).total_paths
    164
    """
    arch = _as_arch(architecture)
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 0:
        raise DataError(f"draws = {draws!r}: give a whole number ≥ 0")
    options = options or SolveOptions()
    mono = options.monodromy
    per_draw = generic_paths = generic_batch = 0
    for sizes in arch.alive_shapes():
        sub = arch.subnetwork(sizes)
        alive_sets = prod(comb(d, s) for d, s in zip(arch.hidden, sizes))
        flips = 2 ** sum(sizes) if options.full_orbits else 1
        if generic is not None:
            per_draw += alive_sets * generic[sizes].n_orbits * flips
            continue
        r = orbit_bound(sub, samples)
        per_draw += alive_sets * r * flips
        rounds = r * -(-mono.stall_loops // mono.parallel_loops)
        loops = min(mono.max_loops, mono.parallel_loops * rounds)
        generic_paths += 3 * r * loops
        generic_batch = max(generic_batch, min(mono.parallel_loops, mono.max_loops) * r)
    return Estimate(arch.widths, samples, draws, generic_paths, per_draw, generic_batch, generic is not None,
                    bytes_per_path(arch.n_unknowns))


def estimate_solve(
    architecture: Architecture | Sequence[int] | str, *, samples: int = 1, options: SolveOptions | None = None
) -> Estimate:
    """Estimate one structure-aware solve (its own monodromy plus one draw's homotopies).

    Examples
    --------
    >>> estimate_solve("1,1,1").total_paths
    146
    """
    return estimate_study(architecture, draws=1, samples=samples, options=options)


def check_budget(estimate: Estimate, *, max_paths: int | None = DEFAULT_MAX_PATHS, max_memory: int | None = None,
                 chunk: int = 1) -> None:
    """Raise :class:`BudgetExceededError` if the estimate exceeds a budget (None: no budget).

    Examples
    --------
    >>> check_budget(estimate_solve("1,1,1"), max_paths=146)
    """
    for name, value in (("max_paths", max_paths), ("max_memory", max_memory)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise DataError(f"{name} = {value!r}: give a whole number ≥ 1, or None for no budget")
    bound = "" if estimate.exact else " (upper bound)"
    if max_paths is not None and estimate.total_paths > max_paths:
        raise BudgetExceededError(
            f"{estimate.describe()}: estimated {estimate.total_paths} paths{bound} exceed max_paths = {max_paths}; "
            "pass a larger max_paths, or max_paths=None (CLI --max-paths 0) to run anyway"
        )
    if max_memory is not None and estimate.batch_bytes(chunk) > max_memory:
        raise BudgetExceededError(
            f"{estimate.describe()}: a batch of {chunk} draw(s) needs an estimated {_gib(estimate.batch_bytes(chunk))}"
            f"{bound}, over max_memory = {_gib(max_memory)}; pass a larger max_memory or max_memory=None (CLI --max-memory 0)"
        )


def chunk_for_memory(estimate: Estimate, chunk: int, max_memory: int | None) -> int:
    """The largest chunk ≤ ``chunk`` whose batch fits ``max_memory`` (at least 1; check that one).

    Examples
    --------
    >>> chunk_for_memory(estimate_study("2,2,2", draws=100), 25, 30 * 16384)
    1
    """
    if max_memory is None or estimate.paths_per_draw == 0:
        return chunk
    fits = max_memory // (estimate.bytes_per_path * estimate.paths_per_draw)
    return max(1, min(chunk, fits))


def _gib(n: int) -> str:
    return f"{n / 2**30:.3g} GiB"
