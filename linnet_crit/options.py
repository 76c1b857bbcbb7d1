"""Solver options, one frozen dataclass per stage (tracker, monodromy, endgames, whole solve).

Every route takes its settings from one :class:`SolveOptions`; no stage has private tunables.
A :class:`~linnet_crit.results.SolveResult` carries the ``SolveOptions`` that produced it, so this
module sits below ``results`` and is also the one home of the default real and zero tolerances.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_REAL_TOL",
    "DEFAULT_ZERO_TOL",
    "CauchyEndgameOptions",
    "EndgameOptions",
    "GROWING_LOOPS",
    "MonodromyOptions",
    "RETRY_SCHEDULE",
    "SolveOptions",
    "TrackerOptions",
]

#: A point is real when max |Im x| ≤ DEFAULT_REAL_TOL · max(1, ‖x‖∞) (after Newton refinement).
DEFAULT_REAL_TOL = 1e-6
#: A weight is zero when |w| ≤ DEFAULT_ZERO_TOL · max(1, ‖x‖∞) (after Newton refinement). Small:
#: at real data, weights of 1e-5 next to weights of 5e3 occur in true torus points, while the
#: zeros of dead neurons are exact (native engine) or at round-off level (other backends).
DEFAULT_ZERO_TOL = 1e-12


@dataclass(frozen=True)
class TrackerOptions:
    """Path tracker settings (predictor RK4, Newton corrector, adaptive steps).

    A Newton correction is accepted only if its first update is below
    ``first_correction · (1 + ‖x‖)``, every later update contracts by ``contraction``, and the last
    is below ``final_tolerance · (1 + ‖x‖)`` — the protection against path jumping. Steps grow or
    shrink so that the first update stays near ``step_target · first_correction``.
    """

    initial_step: float = 0.02
    max_step: float = 0.25
    #: Step control aims the first Newton update at this fraction of ``first_correction`` …
    step_target: float = 0.01
    #: … or higher, up to this fraction, where Newton's contraction ω·‖first update‖ then stays
    #: below ``contraction_target`` (ω estimated from the corrector's second update ≈ ω·‖first‖²):
    #: larger steps where the path is far from singular (see ``tracker.track``).
    benign_step_target: float = 0.1
    contraction_target: float = 0.01
    #: Steps accepted in a row before a path may aim at ``benign_step_target``.
    benign_after: int = 2
    min_step: float = 1e-9
    max_steps: int = 20_000
    newton_steps: int = 3
    first_correction: float = 1e-2
    #: In homogeneous coordinates y = (x0, x): largest |update of x0| / |x0| a Newton update may
    #: make — no jump onto the homotopy's solutions at infinity (see ``tracker._correct``).
    homogenizing_correction: float = 0.5
    contraction: float = 0.1
    final_tolerance: float = 1e-9
    divergence_norm: float = 1e8
    polish_steps: int = 3
    #: Paths whose steps collapse beyond this t are finished by Newton at t = 1.
    endgame_start: float = 0.99
    endgame_newton_steps: int = 8


#: Settings for the retries of failed or colliding paths: smaller steps, stricter corrections, the
#: first update aimed at a hundredth of the correction limit everywhere.
RETRY_SCHEDULE: tuple[TrackerOptions, ...] = (
    TrackerOptions(initial_step=0.005, max_step=0.02, first_correction=1e-3, benign_step_target=0.01),
    TrackerOptions(initial_step=0.001, max_step=0.005, first_correction=1e-4, benign_step_target=0.01, max_steps=100_000),
)


#: Loops monodromy adds per round while it still finds orbits (the batches :mod:`.budget` bounds).
GROWING_LOOPS = 2


@dataclass(frozen=True)
class MonodromyOptions:
    """When monodromy stops. Never at a known or formula count.

    Orbits are found by loops closed over every known sign-flip orbit (two new loops a round; the
    loops of :class:`~linnet_crit.solvers.native.monodromy._LoopGraph`: a few petals, then bent
    edges at 1 path per orbit). Once ``stall_loops`` consecutive such loops brought no new orbit
    (and at least ``min_loop_paths`` paths went around them), min(``checks``, ``checks_per_orbit`` ×
    the orbits known) more loops, each taking one random known orbit along a fresh bent edge
    (1 path), must bring none either; a new orbit resumes the search and both counts start again.
    After ``max_loops`` loops and checks together the run stops with a warning instead.

    Why checks: a run stops early when the loops after the last find all map the known orbits K
    onto themselves. For widths 1,d,d the orbits behave like a (Z/2)^d-torsor, K can be half of
    them, and a loop keeps it with probability ≈ 0.6: ten closed loops (an early rule) missed with
    probability ≈ 2e-4 on 1,4,4 and ≈ 2e-3 on 1,5,5 — estimated from the permutations of 80 real
    loops per shape by ``benchmarks/bench_monodromy_stop.py``. A check costs 1 path whatever the
    number of orbits, so 200 independent checks cost less than a few loops over 40 or more orbits
    and are far harder to fool where K is such a block; closed loops remain better where a loop
    moves only a few orbits out of K (output width above the hidden widths, e.g. 1,2,4), hence both.

    Why 5 loops and 200 checks: ``bench_monodromy_stop.py --loops bent --rules …`` and ``--loops
    petal --rules 4,100`` (seeds 0–3; 1,3,3, 1,2,3, 1,2,4, 1,2,2,2, 1,1,2,2, 1,4,4, 1,3,4, 2,2,3)
    estimated the miss probability of 5 loops and 200 checks below that of the former defaults —
    4 petal loops and 100 checks of 2 paths — on all 32 shape-seeds (3× to far below; at most
    3.8e-7 against 1.2e-5 at a hard base point of 1,2,2,2, where 55–59 % of the loops keep an
    incomplete orbit set; at most 5.7e-8 elsewhere against 1.0e-6), and on 20 more (seeds 4–7 of 1,2,3, 1,2,4, 1,2,2,2, 1,3,4,
    2,2,3: at most 7.2e-8 against up to 2.3e-6), for 5·orbits + 200 confirming paths instead of
    8·orbits + 200 (fewer checks below 14 orbits since: ``checks_per_orbit``, judged against the
    largest estimate on larger shapes instead).
    A bent path takes about 1.4× a petal path's steps, so the rule costs about the former's time
    (8 loops and 150 checks reached 1.1e-6 at that base point, 6 and 200 2.2e-7, at more steps).
    ``stall_loops=10, min_loop_paths=200, checks=0`` is the early rule.

    Why at most ``checks_per_orbit`` checks per known orbit: a check finds a missing orbit when
    its path leaves the known orbits K, and the share of K's orbits a loop maps into K (c_K, the
    same estimate) is at most about 1 − 0.8/|K| — largest c_K met 0.77 at 4 orbits, 0.91 at 8,
    0.94 at 12, 0.96 at 24 (``bench_monodromy_stop.py``, seeds 0–7) — so c_K^(a·|K|) ≈ e^(−0.8a)
    hardly depends on |K|: a fixed number of checks per orbit protects a run as well at 4 orbits
    as at 40, while 200 checks over 4 orbits bought estimates near 1e-30 for 200 paths. With 15 a
    run needs min(200, 15·|K|) checks (60 at 4 orbits, 120 at 8, 180 at 12; unchanged from 14
    orbits on). ``bench_monodromy_stop.py --rules "5,200;5,200,10;5,200,12;5,200,20"`` over seeds
    0–7 of the 11 small shapes 1,2,2,1, 2,2,2,1, 3,1,1,1, 2,1,1,2, 1,1,1,2, 1,1,2,2, 2,1,2,2,
    1,2,3, 2,2,3, 1,3,3, 2,3,3 (88 shape-seeds) estimated at most 5.0e-8 (1,1,1,2 seed 3), below
    what the rule reaches unchanged on larger shapes (5.5e-7 on 2,2,2,2 seed 4, 3.8e-7 on 1,2,2,2
    seed 3); 10 per orbit reached 3.7e-6, 12 reached 6.6e-7, 20 2.4e-9. A ``checks_per_orbit`` of
    at least ``checks`` gives the fixed number.

    Why no trace test (the certificate of HomotopyContinuation.jl's ``verify_solution_completeness``,
    Leykin–Rodriguez–Sottile): slicing the curve of critical points over a line of regularizers by
    λ alone gives no linear trace, since points escape to infinity at finite λ; the multiprojective
    slices (a·(W∘W) − 1)·λ + τ, invariant under the sign flips, do — measured linear to 1e-14 on
    complete sets and 2e-5 to 1e-2 with one orbit dropped — but need every orbit of the curve on
    the hyperplane a·(W∘W) = 1 as well, and there are many: 9× the fiber's orbits on 1,2,2, 10× on
    2,2,2,1 and 1,2,3, more than 81× on 1,3,3. A trace certificate then tracks at least 2K + 3E'
    paths (K fiber and E' additional orbits): 116, 128, 408 and over 1 966 against 124, 100, 300 and
    240 for this rule (``benchmarks/bench_trace_test.py``, seed 0).

    One-sample shapes with one or two hidden layers skip monodromy — widths 1,d,p with d ≤ p and
    1,d₁,d₂,p (every one-sample network has input width 1 there:
    :meth:`~linnet_crit.architecture.Architecture.for_counting`): a reduced system in the squares
    of the hidden values and the residual (:mod:`~linnet_crit.solvers.native.reduced`) gives their
    orbits in closed form where it decouples (1,d,d and 1,1,p, no path) and by its linear-product
    homotopy otherwise (:mod:`~linnet_crit.solvers.native.reduced_homotopy`: as many paths as its
    multihomogeneous Bézout number — 24 on 1,2,4, 33 on 1,2,2,2 — each required to end at a
    distinct nonsingular solution or at infinity). Both are complete by construction, with no
    stopping rule, and accepted only when every point refines on the torus, the orbits are distinct
    and the start point's is among them; otherwise the shape goes on as below.
    ``closed_form=False`` never uses them.

    Small shapes skip monodromy: when the blackbox homotopy's start system has at most
    ``blackbox_paths`` paths (:func:`~linnet_crit.bounds.linear_product_paths`; 4p + 1 for the
    one-neuron shapes 1,1,p), the shape's generic set comes from tracking every one of them instead
    (:func:`~linnet_crit.solvers.native.blackbox.torus_orbits`): complete by construction, with no
    stopping rule to fool, and 13 paths instead of about 160 on 1,1,3. It is accepted only when no
    path failed or ended singular, every orbit arrived with all its sign flips (each flip is a
    different path, so a path lost at infinity shows) and the start point W₀'s orbit is among them;
    otherwise monodromy runs as well and the stage says why. ``0`` always runs monodromy. Native
    engine only (HC.jl runs its own monodromy). Why 130: a blackbox path costs more than a loop's
    (an endgame), and ``benchmarks/bench_blackbox_shapes.py`` (both routes at one base point)
    measured the blackbox faster than monodromy on every shape up to 129 start paths (20 seeds:
    ×0.31–0.37 the time on 1,1,p, ×0.86 on 1,2,2 and 1,1,1,2) except 2,1,1,1 (×2.2: 3 of 20 runs
    had failing paths, so monodromy ran too), and slower from 173 on the two-hidden-layer shapes,
    whose paths mostly go to infinity (3 seeds: 1,1,1,3 ×1.6, 2,1,1,2 ×4.3). Against the monodromy
    of bent loops with checks per orbit (5 seeds, ``bench_blackbox_shapes.py``): ×0.30–0.90 up to
    129 start paths except 2,1,1,1 (×1.16, no fallback), 1,1,1,3 ×1.29, 3,1,1,1 ×2.98, 2,1,1,2
    ×2.97. One hidden layer is no case for a higher threshold there (10 seeds): 2,1,5 (201 paths)
    ×0.99, 5,1,2 ×1.34, 3,1,3 (245) ×1.11, 1,2,3 (289) ×0.87.
    """

    stall_loops: int = 5
    max_loops: int = 1000
    min_loop_paths: int = 0
    checks: int = 200
    checks_per_orbit: int = 15
    rank_tolerance: float = 1e-10
    blackbox_paths: int = 130
    closed_form: bool = True

    def checks_needed(self, orbits: int) -> int:
        """The checks a run with ``orbits`` known orbits needs: min(``checks``, ``checks_per_orbit`` × orbits).

        Examples
        --------
        >>> MonodromyOptions().checks_needed(4), MonodromyOptions().checks_needed(20)
        (60, 200)
        """
        return min(self.checks, self.checks_per_orbit * orbits)


@dataclass(frozen=True)
class EndgameOptions:
    """The blackbox route's projective endgame (:mod:`.native.blackbox`): where it starts, how it
    samples, and the thresholds that classify endpoints.

    ``first_gap`` is δ_0 = 1 − t where the endgame begins; samples shrink the gap by ``ratio``
    down to ``last_gap``, each segment crossed with steps of about ``segment_step`` (relative to
    the segment, scaled like the tracker's ``max_step``). A path is at infinity when the last
    ``stable_samples`` decay exponents α (``|x0|/‖y‖∞ ∼ δ^α`` between two samples) all reach
    ``min_alpha`` and ``|x0|/‖y‖∞ < infinity_ratio``, or when ``|x0|/‖y‖∞ < steady_ratio`` and the
    last ``steady_samples`` exponents all reach ``min_alpha`` and agree within ``alpha_spread``
    (relative). The second rule is the valuation test: along a path to infinity α tends to a
    positive rational (some paths of depth-2 networks decay only like δ^{1/4}, and would crawl for
    many samples before reaching ``infinity_ratio``), while along a path to a finite point
    x0 → x0* ≠ 0 and α falls by the factor ``ratio`` per sample. With only two steady exponents,
    5 of the 129 finite points of widths 1,2,2,1 (seed 0) were taken for infinity: their paths had
    not reached the asymptotic regime at δ ≈ 1e-4.

    A finite point is accepted when Newton's last update is below ``newton_tolerance · (1 + ‖x‖∞)``
    and ``‖F‖∞ < residual_tolerance · (1 + ‖x‖∞)``, and only once the path is within
    ``finite_distance · (1 + ‖x‖∞)`` of Newton's limit, so that Newton cannot have jumped to a
    neighbouring solution; it is singular when its Jacobian's condition number exceeds
    :attr:`SolveOptions.endpoint_singular_condition`. Endpoints closer than ``duplicate_tolerance · (1 + ‖x‖∞)`` are one point.

    Finite endpoints with ``‖x‖∞`` beyond about ``1 / infinity_ratio`` (in the patch's scale) could
    be mistaken for points at infinity; the critical points of random data are far smaller.
    """

    first_gap: float = 0.1
    ratio: float = 1.0 / 32.0
    last_gap: float = 1e-12
    infinity_ratio: float = 1e-3
    steady_ratio: float = 0.1
    min_alpha: float = 0.1
    alpha_spread: float = 0.5
    stable_samples: int = 2
    steady_samples: int = 3
    newton_steps: int = 6
    newton_tolerance: float = 1e-10
    residual_tolerance: float = 1e-8
    finite_distance: float = 1e-4
    segment_step: float = 0.25
    duplicate_tolerance: float = 1e-6

    def gaps(self) -> np.ndarray:
        """The sample gaps δ_0 > δ_1 > … ≥ last_gap."""
        count = int(np.floor(np.log(self.last_gap / self.first_gap) / np.log(self.ratio))) + 1
        return self.first_gap * self.ratio ** np.arange(count)


@dataclass(frozen=True)
class CauchyEndgameOptions:
    """Settings of the continuation route's Cauchy endgame (:mod:`.native.endgame`): radii r₀, λr₀,
    λ²r₀, … down to ``min_radius``, loops around each, and the rules that decide convergence and
    divergence."""

    #: The endgame starts at t = 1 − start_radius.
    start_radius: float = 0.1
    #: From t = 1 − start_radius each path first tries a straight finish of at most this many steps
    #: (a nonsingular finish takes tens; paths to infinity or to singular points can take thousands
    #: before they fail, and the endgame decides them far more cheaply).
    straight_steps: int = 200
    #: A straight finish whose end point's Jacobian condition number exceeds this goes through the
    #: endgame instead (it may be singular, where the tracker's last Newton steps are unreliable).
    straight_condition: float = 1e8
    #: Ratio of successive radii.
    shrink: float = 0.25
    min_radius: float = 1e-10
    #: Samples per loop (equally spaced angles).
    samples_per_loop: int = 8
    max_winding: int = 16
    #: A loop has closed when it is back within this fraction of (1 + ‖x‖) of its start.
    closure: float = 1e-6
    #: Two successive Cauchy estimates agree within this fraction of (1 + ‖x‖).
    agreement: float = 1e-8
    #: Valuation below which a path may be going to infinity.
    valuation: float = -0.05
    #: Successive valuation estimates agree when they differ by at most this.
    valuation_agreement: float = 0.05
    #: A settled negative valuation with this much growth since it began marks a path as possibly
    #: at infinity (provisional: near special data large finite points grow like that first).
    infinity_growth: float = 20.0
    #: Size at which a path counts as at infinity whatever its valuation.
    divergence_norm: float = 1e8
    #: A Cauchy estimate is an end point only if it solves the target system to this relative
    #: residual ‖F(x)‖∞ / (1 + ‖x‖∞) (a loop around a near-pole gives a stable but wrong mean).
    residual: float = 1e-6


@dataclass(frozen=True)
class SolveOptions:
    """Everything a solve can be told, grouped per stage."""

    tracker: TrackerOptions = field(default_factory=TrackerOptions)
    monodromy: MonodromyOptions = field(default_factory=MonodromyOptions)
    #: The blackbox route's projective endgame.
    endgame: EndgameOptions = field(default_factory=EndgameOptions)
    #: The continuation route's Cauchy endgame.
    cauchy: CauchyEndgameOptions = field(default_factory=CauchyEndgameOptions)
    #: Track every member of each sign-flip orbit (validation mode) instead of one per orbit.
    full_orbits: bool = False
    #: Relative threshold under which a weight counts as zero.
    zero_tolerance: float = DEFAULT_ZERO_TOL
    #: Relative threshold under which an imaginary part counts as zero.
    real_tolerance: float = DEFAULT_REAL_TOL
    #: Residual ‖F‖∞ / (1 + ‖x‖∞) a refined point must reach to be counted.
    residual_tolerance: float = 1e-8
    #: A counted point is singular when the condition number of its *equilibrated* Jacobian (rows,
    #: then columns, scaled to unit max-norm: a change of units, so the judgement does not depend on
    #: how badly the weights are scaled) exceeds this. A double-precision judgement: such a point
    #: cannot be told from a singular one well enough to certify a count. Decides the structured
    #: route's certificate (a singular point fails it) and which blackbox points get the slice test.
    singular_condition: float = 1e12
    #: A path's end point is singular when the condition number of the Jacobian there, as the
    #: tracker and endgames see it (unscaled), exceeds this. Decides on the blackbox and continuation
    #: routes whether several paths ending at one point are its multiplicity (singular) or path jumps
    #: (nonsingular: one path each), which end points get the slice test, and, on the continuation
    #: route, which points the result reports as singular. Kept apart from ``singular_condition``:
    #: it judges a different number, the unscaled Jacobian, thousands of times larger on badly
    #: scaled points (5.5e15 against 1.2e12 equilibrated at a nonsingular torus point of widths
    #: 1,2,2,2); merging the two would be a behaviour change to measure first, not a renaming.
    endpoint_singular_condition: float = 1e10
    #: Read and write the generic solution set in the disk cache (:mod:`linnet_crit.solvers.native.cache`); the
    #: environment variable ``LINNET_CRIT_CACHE=off`` turns it off for every solve.
    cache: bool = True

    def with_tracker(self, tracker: TrackerOptions) -> SolveOptions:
        return replace(self, tracker=tracker)

    def to_dict(self) -> dict[str, Any]:
        """Every field by name, the stages as nested dicts of plain numbers (inverse: :meth:`from_dict`).

        Examples
        --------
        >>> d = SolveOptions(full_orbits=True).to_dict()
        >>> d["full_orbits"], d["tracker"]["max_steps"]
        (True, 20000)
        >>> SolveOptions.from_dict(d) == SolveOptions(full_orbits=True)
        True
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SolveOptions:
        """The options written by :meth:`to_dict`.

        Raises
        ------
        ValueError
            If a field is missing or unknown, or a value has the wrong type; the message names it.
        """
        return _from_dict(cls, values, "SolveOptions")


def _from_dict(cls: type, values: Any, where: str) -> Any:
    """Build the dataclass ``cls`` from ``values``, checking every field's name and type."""
    if not isinstance(values, dict):
        raise ValueError(f"{where} must be a dict of its fields, got {type(values).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    missing = sorted(set(fields) - set(values))
    if unknown or missing:
        raise ValueError(f"{where}: unknown fields {unknown}, missing fields {missing}; "
                         f"expected exactly {sorted(fields)}")
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(cls(), name)
        if dataclasses.is_dataclass(default):
            kwargs[name] = _from_dict(type(default), value, f"{where}.{name}")
        else:
            kwargs[name] = _checked(value, type(default), f"{where}.{name}")
    return cls(**kwargs)


def _checked(value: Any, kind: type, where: str) -> Any:
    """``value`` as ``kind`` (bool, int or float), refusing anything that would change its meaning."""
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:  # float fields accept JSON integers such as 20000.0 written as 20000
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok:
        raise ValueError(f"{where} must be of type {kind.__name__}, got {value!r}")
    return kind(value)
