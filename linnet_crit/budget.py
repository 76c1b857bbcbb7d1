"""Path and memory estimates of a solve or study, and the budgets that refuse one before it runs.

The number of torus solutions of each alive-size sub-network is unknown until its monodromy has
run, so the estimate *before* a run is an honest upper bound built from proved bounds:

* orbits of sub-network ``s`` (one path per sign-flip orbit): ``R_s = ⌈T_s / 2^{Σ s_i}⌉`` with
  ``T_s`` the smallest proved bound on its torus solutions — the layer-grouped multihomogeneous
  Bézout number (any H, m), and for H = 1, m = 1 also the Bharadwaj–Hoşten bound ``(4p)^d``;
* parameter-homotopy paths of one draw: ``Σ_s (alive sets of sizes s) · R_s`` (times the orbit
  size with ``full_orbits``), first passes only — retries of failed paths come on top;
* monodromy paths of size tuple ``s``: each loop (a petal of two edges, or a bent edge) pairs every
  orbit once along each edge; loops come in batches of at most ``max(stall_loops, 2)``, each batch
  finding an orbit (at most ``R_s`` times) or counting towards the stall, and each round of
  ``checks`` (1 path each) ends the run or finds an orbit, so at most
  ``2·R_s·min(max_loops, (R_s + 1)·max(stall_loops, 2)) + min_loop_paths + min(max_loops, (R_s + 1)·checks)``
  paths, first passes only;
* memory: a batch of P simultaneously tracked paths in n unknowns holds about
  ``16 · (12 n² + 32 n)`` bytes per path (Jacobians of the Runge–Kutta stages, the corrector and
  their solves; tracemalloc peaks of 3.6–6.0 kB per path for n = 8 and 4.9–13.9 kB for n = 10,
  against 16.4 kB and 24.3 kB estimated).

After the generic (monodromy) stage the orbit counts are known, and :func:`estimate_study` with
``generic=`` gives the exact number of first-pass paths per draw.

Every estimate is itself cheap, whatever the widths: no array, alive set or symbolic system is
built. Sizes are compared in logarithms first, so an estimate above ``10**30`` paths is reported
as *more than* that (``capped``) instead of being computed; sub-networks of more than
:data:`EXACT_ORBIT_LIMIT` unknowns use Bézout's number (cheap) instead of the multihomogeneous one;
and architectures with more than :data:`ENUMERATION_LIMIT` alive-size tuples are bounded as a
whole (every alive set times the orbit bound of the full network) instead of tuple by tuple.
Before a run, memory is checked for the data and *one* path (the batch estimate from proved bounds
is far above what a run holds, 548 GB for widths 1,3,3,1 which runs in 40 MB); studies check the
batch again once the generic stage has made it exact. :func:`bound_costs` and
:func:`system_seconds` estimate the exact computations (bounds, symbolic systems, Gröbner bases).

Examples
--------
>>> est = estimate_study("2,2,2", draws=100)
>>> est.paths_per_draw, est.exact
(24, False)
>>> check_budget(est, max_paths=1000)
Traceback (most recent call last):
...
linnet_crit.errors.BudgetExceededError: widths 2,2,2, 100 draws: estimated 6758 paths (upper bound) exceed max_paths = 1000; pass a larger max_paths, or max_paths=None (CLI --max-paths 0) to run anyway
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from math import comb, log10, prod
from typing import Any

from .architecture import Architecture, as_architecture
from .checks import whole_number
from .bounds import bezout, bh_torus, linear_product_paths, multihomogeneous_bezout
from .errors import BudgetExceededError
from .options import GROWING_LOOPS, MonodromyOptions, SolveOptions

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
    "DEFAULT_MAX_SECONDS",
    "bound_costs",
    "system_seconds",
    "exact_count_seconds",
    "check_seconds",
    "estimate_blackbox",
]

#: Default budget on the estimated paths of a study or solve (an upper bound, so generous).
DEFAULT_MAX_PATHS = 10**10
#: Default budget on the estimated memory of one batch of paths on one worker (bytes).
DEFAULT_MAX_MEMORY = 4 * 2**30
#: Default budget on the estimated seconds of one exact computation (a bound, a symbolic system).
DEFAULT_MAX_SECONDS = 60.0
#: Estimates above 10**CAP_LOG10 paths are reported as "more than" that, not computed.
CAP_LOG10 = 30
#: Sub-networks with more unknowns bound their torus solutions by Bézout's number (the
#: multihomogeneous one costs O(N⁴) big-integer work: 0.4 s at N = 400).
EXACT_ORBIT_LIMIT = 120
#: Architectures with more alive-size tuples are bounded as a whole, not tuple by tuple.
ENUMERATION_LIMIT = 10**4
#: Bytes a study keeps per draw whatever its batches: the task, the seed and the finished record
#: with its real points' losses, indices and kinds (generous: ~1 kB measured for widths 2,2,2).
DRAW_BYTES = 2048


def bytes_per_path(n_unknowns: int) -> int:
    """Estimated bytes of tracker state per simultaneously tracked path in ``n_unknowns`` unknowns.

    Examples
    --------
    >>> bytes_per_path(8)
    16384
    """
    return 16 * (12 * n_unknowns**2 + 32 * n_unknowns)


def orbit_bound(sub: Architecture | Sequence[int] | str, samples: int = 1) -> int:
    """Upper bound on the sign-flip orbits of torus solutions of ``sub`` (proved bounds only).

    Examples
    --------
    >>> orbit_bound("2,2,2"), orbit_bound("2,1,2"), orbit_bound("1,2,2,2")
    (16, 4, 28265)
    """

    sub = as_architecture(sub)
    torus = multihomogeneous_bezout(sub) if sub.n_unknowns <= EXACT_ORBIT_LIMIT else bezout(sub)
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
    #: The estimate is above ``10**CAP_LOG10`` paths and the path fields hold only that floor.
    capped: bool = False
    #: Bytes of one draw's data (X, Y and Λ, complex): held by every run, whatever the batches.
    data_bytes: int = 0
    #: What the paths are ("" for the structure-aware method, else e.g. the start system).
    kind: str = ""

    @property
    def total_paths(self) -> int:
        return self.generic_paths + self.draws * self.paths_per_draw

    def batch_bytes(self, chunk: int = 1) -> int:
        """Estimated peak memory of one worker tracking ``chunk`` draws together."""
        return self.bytes_per_path * max(self.generic_batch, chunk * self.paths_per_draw)

    @property
    def floor_bytes(self) -> int:
        """Memory any run needs: one draw's data and one tracked path."""
        return self.data_bytes + self.bytes_per_path

    @property
    def records_bytes(self) -> int:
        """Memory a study keeps for its draws (tasks, seeds, records) beside its batches."""
        return DRAW_BYTES * self.draws

    def describe(self) -> str:
        what = f"{self.draws} draws" if self.draws != 1 else "one solve"
        return f"widths {','.join(map(str, self.widths))}, {what}" + (f" ({self.kind})" if self.kind else "")

    def paths_text(self) -> str:
        """``"9816 paths (upper bound)"``, or ``"more than 10^30 paths"`` when capped."""
        if self.capped:
            return f"more than 10^{CAP_LOG10} paths"
        return f"{self.total_paths} paths" + ("" if self.exact else " (upper bound)")

    def to_dict(self) -> dict[str, Any]:
        return {
            "widths": list(self.widths), "samples": self.samples, "draws": self.draws,
            "generic_paths": self.generic_paths, "paths_per_draw": self.paths_per_draw,
            "total_paths": self.total_paths, "exact": self.exact, "capped": self.capped,
            "bytes_per_path": self.bytes_per_path, "batch_bytes": self.batch_bytes(),
            "data_bytes": self.data_bytes,
        }


def _data_bytes(arch: Architecture, samples: int) -> int:
    # complex128 copies of X, Y and Λ (the homotopies' parameter vectors), two of them
    return 2 * 16 * (arch.n_unknowns + (arch.dx + arch.dy) * samples)


def _log10_alive_sets(hidden: Sequence[int]) -> float:
    """log10 of Π (2^{d_i} − 1), the number of alive sets, without forming the integer."""
    return sum(d * log10(2) + log10(1 - 2.0**-d) for d in hidden)


def _log10_orbits(sub: Architecture) -> float:
    """log10 of an upper bound on the orbits of ``sub`` above the one :func:`orbit_bound` uses."""
    return sub.n_unknowns * log10(sub.degree) - sum(sub.hidden) * log10(2)


def _capped(arch: Architecture, samples: int, draws: int, options: SolveOptions) -> Estimate:
    floor = 10**CAP_LOG10
    return Estimate(arch.widths, samples, draws, floor, floor, floor, False, bytes_per_path(arch.n_unknowns),
                    capped=True, data_bytes=_data_bytes(arch, samples))


def estimate_study(
    architecture: Architecture | Sequence[int] | str,
    *,
    draws: int = 1,
    samples: int = 1,
    options: SolveOptions | None = None,
    generic: Mapping[tuple[int, ...], Any] | None = None,
) -> Estimate:
    """Estimate the paths of a study; exact per-draw paths once ``generic`` (its orbits) is known.

    Cheap for any widths (see the module docstring): ``1,1000000000,1`` is estimated, as more
    than ``10**30`` paths, in microseconds.

    Examples
    --------
    >>> estimate_study("1,1,1", draws=10).total_paths
    175
    >>> estimate_study("1,1000000000,1").paths_text()
    'more than 10^30 paths'
    """
    arch = as_architecture(architecture)
    draws = whole_number(draws, "draws", minimum=0)
    options = options or SolveOptions()
    mono = options.monodromy
    # orbits and the generic stage are those of the network the engine solves (one data point:
    # input width 1, lifted); the parameter homotopies and their memory are this network's
    counted = arch.for_counting(samples)
    log_alive = _log10_alive_sets(arch.hidden)
    if generic is None and log_alive + log10(max(draws, 1)) > CAP_LOG10:
        return _capped(arch, samples, draws, options)
    n_shapes = prod(arch.hidden)
    if generic is None and n_shapes > ENUMERATION_LIMIT:
        # Every alive set times the orbit bound of the whole network (Bézout's number is monotone
        # in the unknowns, so it bounds every sub-network's orbits).
        if log_alive + _log10_orbits(counted) + log10(max(draws, 1)) > CAP_LOG10:
            return _capped(arch, samples, draws, options)

        r = -(-bezout(counted) // 2 ** min(arch.hidden))
        per_draw = prod(2**d - 1 for d in arch.hidden) * r
        return Estimate(arch.widths, samples, draws, n_shapes * _monodromy_paths(r, mono), per_draw,
                        _monodromy_paths(r, mono), False, bytes_per_path(arch.n_unknowns),
                        data_bytes=_data_bytes(arch, samples))
    per_draw = generic_paths = generic_batch = 0
    for sizes in arch.alive_shapes():
        sub = counted.subnetwork(sizes)
        alive_sets = prod(comb(d, s) for d, s in zip(arch.hidden, sizes))
        flips = 2 ** sum(sizes) if options.full_orbits else 1
        if generic is not None:
            per_draw += alive_sets * generic[sizes].n_orbits * flips
            continue
        if log10(alive_sets) + _log10_orbits(sub) + log10(max(draws, 1)) > CAP_LOG10 and sub.n_unknowns > EXACT_ORBIT_LIMIT:
            return _capped(arch, samples, draws, options)
        r = orbit_bound(sub, samples)
        per_draw += alive_sets * r * flips
        # a small shape's blackbox run, and monodromy after it should the run not be certified
        shape_paths = _blackbox_first_paths(sub, mono) + _monodromy_paths(r, mono)
        generic_paths += shape_paths
        generic_batch = max(generic_batch, shape_paths)
    return Estimate(arch.widths, samples, draws, generic_paths, per_draw, generic_batch, generic is not None,
                    bytes_per_path(arch.n_unknowns), data_bytes=_data_bytes(arch, samples))


def _blackbox_first_paths(sub: Architecture, mono: MonodromyOptions) -> int:
    """Paths of the blackbox run that comes before monodromy on a small shape (0 on the others)."""
    if sub.n_unknowns > EXACT_ORBIT_LIMIT:
        return 0
    paths = linear_product_paths(sub)
    return paths if paths <= mono.blackbox_paths else 0


def _monodromy_paths(orbits: int, mono: MonodromyOptions) -> int:
    """Paths of one monodromy run with at most ``orbits`` orbits, retries aside.

    Each loop costs at most 2 paths per orbit (a petal; a bent edge costs 1). Loops come in batches
    of at most ``max(stall_loops, GROWING_LOOPS)`` (two a round while orbits are found); a batch
    either finds an orbit (at most ``orbits`` times) or counts towards the stall, so there are at
    most ``(orbits + 1) · max(stall_loops, 2)`` loops (and ``max_loops``); the loops added only to
    reach ``min_loop_paths`` cost at most that many paths. A round of checks (1 path each, at most
    ``min(checks, checks_per_orbit · orbits)``) either ends the run or finds an orbit: at most
    ``orbits + 1`` rounds (and ``max_loops`` checks).
    """
    batch = max(mono.stall_loops, GROWING_LOOPS)
    checks = mono.checks_needed(max(orbits, 1))
    return (2 * orbits * min(mono.max_loops, (orbits + 1) * batch) + mono.min_loop_paths
            + min(mono.max_loops, (orbits + 1) * checks))


def estimate_solve(
    architecture: Architecture | Sequence[int] | str, *, samples: int = 1, options: SolveOptions | None = None
) -> Estimate:
    """Estimate one structure-aware solve (its own monodromy plus one draw's homotopies).

    Examples
    --------
    >>> estimate_solve("1,1,1").total_paths
    157
    """
    return estimate_study(architecture, draws=1, samples=samples, options=options)


def estimate_blackbox(architecture: Architecture | Sequence[int] | str, *, samples: int = 1) -> Estimate:
    """Estimate a blackbox solve: the paths of the smaller of its two start systems.

    Examples
    --------
    >>> estimate_blackbox("1,1,1").total_paths
    5
    """

    arch = as_architecture(architecture)
    kind = "blackbox start system"
    if arch.n_unknowns * log10(arch.degree) > CAP_LOG10:
        return replace(_capped(arch, samples, 1, SolveOptions()), generic_paths=0, kind=kind)
    paths = linear_product_paths(arch) if arch.n_unknowns <= EXACT_ORBIT_LIMIT else bezout(arch)
    return Estimate(arch.widths, samples, 1, 0, paths, 0, False, bytes_per_path(arch.n_unknowns),
                    data_bytes=_data_bytes(arch, samples), kind=kind)


def check_budget(estimate: Estimate, *, max_paths: int | None = DEFAULT_MAX_PATHS, max_memory: int | None = None,
                 chunk: int = 1, flags: bool = False, records: bool = False) -> None:
    """Raise :class:`BudgetExceededError` if the estimate exceeds a budget (None: no budget).

    Memory: an exact estimate (after the generic stage) is checked batch by batch; an upper bound
    only for what every run needs (one draw's data and one path), since the batch it bounds is
    orders of magnitude above what runs hold. ``records=True`` adds the study's per-draw
    bookkeeping (:attr:`Estimate.records_bytes`) to that floor. ``flags=True`` names the
    command-line flags in the message instead of the keyword arguments.

    Examples
    --------
    >>> check_budget(estimate_solve("1,1,1"), max_paths=157)
    """
    for name, value in (("max_paths", max_paths), ("max_memory", max_memory)):
        if value is not None:
            whole_number(value, name, minimum=1, fix="give a whole number ≥ 1, or None for no budget")
    if max_paths is not None and (estimate.capped or estimate.total_paths > max_paths):
        fix = ("pass --max-paths N with N above the estimate, or --max-paths 0 to run anyway" if flags else
               "pass a larger max_paths, or max_paths=None (CLI --max-paths 0) to run anyway")
        raise BudgetExceededError(
            f"{estimate.describe()}: estimated {estimate.paths_text()} exceed max_paths = {max_paths}; {fix}"
        )
    if max_memory is None:
        return
    fix = "pass a larger --max-memory (bytes), or --max-memory 0" if flags else \
        "pass a larger max_memory or max_memory=None (CLI --max-memory 0)"
    floor = estimate.floor_bytes + (estimate.records_bytes if records else 0)
    if floor > max_memory:
        what = "the data, one tracked path and the draws' records" if records else "the data and one tracked path"
        raise BudgetExceededError(
            f"{estimate.describe()}: {what} need an estimated {_gib(floor)}, "
            f"over max_memory = {_gib(max_memory)}; {fix}"
        )
    if estimate.exact and estimate.batch_bytes(chunk) > max_memory:
        raise BudgetExceededError(
            f"{estimate.describe()}: a batch of {chunk} draw(s) needs an estimated {_gib(estimate.batch_bytes(chunk))}, "
            f"over max_memory = {_gib(max_memory)}; {fix}"
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


# --- exact computations: bounds, symbolic systems, Gröbner bases ----------------------------
#: Python prints integers of at most this many digits by default (``sys.get_int_max_str_digits``).
PRINTABLE_DIGITS = 4300


def system_seconds(architecture: Architecture | Sequence[int] | str, samples: int = 1) -> float:
    """Estimated seconds to build the symbolic gradient system (SymPy; ~N³, 0.6 s at N = 128).

    Examples
    --------
    >>> system_seconds("8,8,8") < 1 < system_seconds("16,16,16")
    True
    """
    arch = as_architecture(architecture)
    return 3e-7 * float(arch.n_unknowns) ** 3 * max(1.0, samples / max(arch.dx, 1))


def exact_count_seconds(architecture: Architecture | Sequence[int] | str, samples: int = 1) -> float:
    """Estimated seconds of the exact count (Singular's Gröbner basis over GF(p); exponential in N).

    Measured on a 2-core machine: N = 8 in 0.05 s, N = 10 in 1.2 s, N = 12 in 0.05–0.3 s; the
    model starts at 0.05 s for N = 8 and doubles with every unknown (an upper-leaning guess).

    Examples
    --------
    >>> exact_count_seconds("2,2,2") < 60 < exact_count_seconds("4,4,4")
    True
    """
    arch = as_architecture(architecture)
    return system_seconds(arch, samples) + 0.05 * 2.0 ** min(arch.n_unknowns - 8, 1000)


def bound_costs(architecture: Architecture | Sequence[int] | str, samples: int = 1) -> dict[str, float]:
    """Estimated seconds of each bound of :func:`~linnet_crit.bounds.all_bounds`, before computing it.

    ``bezout``: an integer of N·log10(2H+1) digits (infinite cost beyond what Python prints,
    :data:`PRINTABLE_DIGITS`); ``multihomogeneous_bezout``: O(N⁴) big-integer work (0.4 s at
    N = 400); ``bkk_torus`` / ``bkk_affine``: gfan's mixed volume, exponential in N (measured:
    0.2 s at N = 10, 13 s at N = 15, 553 s at N = 18) on top of the symbolic supports; the
    Bharadwaj–Hoşten bounds are closed forms.

    Examples
    --------
    >>> costs = bound_costs("2,2,2")
    >>> max(costs.values()) < 1
    True
    >>> bound_costs("1,1000000000,1")["bezout"]
    inf
    """
    arch = as_architecture(architecture)
    n = arch.n_unknowns
    digits = n * log10(arch.degree)
    mixed = system_seconds(arch, samples) + 0.2 * 10.0 ** min((n - 10) / 2.5, 300)
    return {
        "bezout": float("inf") if digits > PRINTABLE_DIGITS else 1e-3,
        "multihomogeneous_bezout": float("inf") if digits > PRINTABLE_DIGITS else 2.5e-3 * (n / 100) ** 4,
        "bkk_torus": mixed,
        "bkk_affine": mixed,
        "bh_total": 1e-3 if n * log10(5 * arch.dy) <= PRINTABLE_DIGITS else float("inf"),
        "bh_torus": 1e-3 if n * log10(4 * arch.dy) <= PRINTABLE_DIGITS else float("inf"),
    }


def check_seconds(what: str, seconds: float, max_seconds: float | None = DEFAULT_MAX_SECONDS) -> None:
    """Refuse an exact computation estimated above ``max_seconds`` (None: no limit).

    Examples
    --------
    >>> check_seconds("the symbolic system of widths 64,64,64", system_seconds("64,64,64"))
    Traceback (most recent call last):
    ...
    linnet_crit.errors.BudgetExceededError: the symbolic system of widths 64,64,64: estimated 1.6e+05 s, over the limit of 60 s; pass --force to compute it anyway (max_seconds=None in Python)
    """
    if max_seconds is not None and seconds > max_seconds:
        shown = "too long to compute or print" if seconds == float("inf") else f"estimated {seconds:.2g} s"
        raise BudgetExceededError(f"{what}: {shown}, over the limit of {max_seconds:g} s; "
                                  "pass --force to compute it anyway (max_seconds=None in Python)")
