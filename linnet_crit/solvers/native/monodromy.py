"""Monodromy: the torus solutions of a (sub-)network at generic complex parameters.

The system is linear in Λ, so for any W₀ with no zero entry and any X, Y the Λ that makes W₀
critical is read off entrywise: a free start pair. Loops in parameter space permute the solutions;
they are the loops of a graph of arcs between the base and petal points, every sign-flip orbit
tracked once along every arc, until ``stall_loops`` consecutive loops bring no new orbit
(:class:`_LoopGraph`), and then checks — loops of one random orbit each, ``checks_per_orbit`` per
known orbit up to ``checks`` — bring none either. The
stopping rule never looks at a known or formula count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ...architecture import Architecture
from ...data import Instance
from ...numeric import ParameterSegment, Parameters, gradient, gradient_and_jacobian
from ...points import SAME_POINT, is_torus, match_index, unique_rows
from ...results import StageReport
from ...bounds.classical import linear_product_paths
from ...options import GROWING_LOOPS, RETRY_SCHEDULE, MonodromyOptions, SolveOptions, TrackerOptions
from ...sign_flips import canonicalize, orbit_size
from . import reduced as reduction
from .blackbox import torus_orbits
from .homotopies import ParameterArc, fixed
from .tracker import newton, track

__all__ = ["CERTIFIED_ROUTES", "SUSPICIOUS_GAP", "GenericSolutions", "generic_solutions", "random_complex_instance", "relative_rank_gap",
           "start_pair"]

#: Relative rank gaps of the start map inside this window are suspicious: valid sub-networks were
#: seen as low as ~1.6e-5, rank-deficient ones at ~1e-17 (engine notes, pitfall 1).
SUSPICIOUS_GAP = (1e-14, 1e-6)

#: The routes to a generic set that are complete by construction, with no stopping rule: the
#: closed form and the reduced homotopy of one-sample shapes with one or two hidden layers (:mod:`.reduced`), and
#: the blackbox homotopy (:func:`.blackbox.torus_orbits`).
CERTIFIED_ROUTES = ("closed form", "reduced homotopy", "blackbox")

@dataclass(frozen=True, eq=False)
class GenericSolutions:
    """One representative per sign-flip orbit of the torus solutions at a generic parameter point."""

    architecture: Architecture
    base: Instance
    representatives: np.ndarray
    degenerate: bool
    report: StageReport
    #: The random torus point W₀ that ``base`` was built around (critical at ``base`` by construction):
    #: the cache re-checks the rank verdict there.
    start: np.ndarray | None = None

    @property
    def n_orbits(self) -> int:
        return int(self.representatives.shape[0])

    @property
    def n_torus(self) -> int:
        return self.n_orbits * orbit_size(self.architecture)

    @property
    def rank_warnings(self) -> tuple[str, ...]:
        """A start map whose rank gap lies where full rank and rank deficiency cannot be told apart
        (:data:`SUSPICIOUS_GAP`): the torus solutions may have been wrongly declared absent or present."""
        gap = self.report.info.get("rank_gap")
        if gap is None or not SUSPICIOUS_GAP[0] < gap < SUSPICIOUS_GAP[1]:
            return ()
        verdict = "taken as rank-deficient (no torus solutions)" if self.degenerate else "taken as full rank"
        return (
            f"monodromy {self.architecture}: the start map's relative rank gap {gap:.1e} is neither clearly zero "
            f"nor clearly positive, {verdict}",
        )

    @property
    def by_stopping_rule(self) -> bool:
        """Whether the orbits rest on monodromy's stopping rule — not on a route complete by
        construction (:data:`CERTIFIED_ROUTES`) nor on the rank test that found no torus solutions."""
        return not self.degenerate and self.report.info.get("route") not in CERTIFIED_ROUTES

    @property
    def warnings(self) -> tuple[str, ...]:
        """Why the orbits found may not be all: :attr:`rank_warnings`, or a stop at ``max_loops``."""
        info, found = self.report.info, list(self.rank_warnings)
        if str(info.get("stop", "")).startswith("reached max_loops"):
            found.append(
                f"monodromy {self.architecture} stopped at max_loops = {info['loops']} with {info['orbits']} orbits "
                f"after {info['stall_loops']} consecutive loops without a new orbit and {info.get('checks', 0)} "
                f"checks, not the {info['stall_goal']} and {info.get('checks_goal', 0)} required: orbits may be missing"
            )
        return tuple(found)


def _complex_normal(rng: np.random.Generator, shape) -> np.ndarray:
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)


def random_complex_instance(arch: Architecture, samples: int, rng: np.random.Generator) -> Instance:
    """Complex Gaussian X, Y, Λ: a generic parameter point."""
    return Instance(
        arch,
        _complex_normal(rng, (arch.dx, samples)),
        _complex_normal(rng, (arch.dy, samples)),
        [_complex_normal(rng, shape) for shape in arch.shapes],
    )


def start_pair(arch: Architecture, data: Instance, rng: np.random.Generator) -> tuple[Instance, np.ndarray]:
    """A random torus point W₀ and the Λ (read off entrywise) that makes it critical for the X, Y of ``data``."""
    w0 = _complex_normal(rng, arch.n_unknowns)
    zero_lambda = Instance(arch, data.X, data.Y, [np.zeros(s) for s in arch.shapes])
    G = gradient(arch, w0[None], Parameters.of(zero_lambda))[0]
    lam = -G / w0
    return _with_lambdas(data, lam), w0


def _with_lambdas(data: Instance, flat: np.ndarray) -> Instance:
    arch = data.architecture
    lambdas = [flat[a:b].reshape(s) for a, b, s in zip(arch.offsets[:-1], arch.offsets[1:], arch.shapes)]
    return Instance(arch, data.X, data.Y, lambdas)


def relative_rank_gap(arch: Architecture, base: Instance, w0: np.ndarray) -> float:
    """σ_min/σ_max of ∂F/∂W at the start pair; tiny when W ↦ Λ(W) is rank-deficient everywhere."""
    _, J = gradient_and_jacobian(arch, w0[None], Parameters.of(base))
    s = np.linalg.svd(J[0], compute_uv=False)
    return float(s[-1] / s[0])


def _loop_corner(base: Instance, rng: np.random.Generator) -> np.ndarray:
    """A random Λ for a petal node of the loop graph, on a random scale around the base's.

    Branch points lie at many scales; loops of one fixed size can miss those far out and
    leave orbits unfound (seen on widths 1,1,1,1).
    """
    size = np.sqrt(np.mean(np.abs(base.parameter_vector()[-base.architecture.n_unknowns :]) ** 2))
    return size * 10 ** rng.uniform(-0.5, 1.0) * _complex_normal(rng, base.architecture.n_unknowns)


def _arc_bend(rng: np.random.Generator) -> complex:
    """ρ of a petal's arc (:class:`.homotopies.ParameterArc`): arg ρ = ±0.9π, a wide arc on a random
    side of the segment (0.1π from ±π, where the arc runs through s = ∞, so the lune between it and
    the segment holds each branch point of the line with probability near ½); |ρ| from 0.1 to 10
    (only the speed along the arc)."""
    return complex(10 ** rng.uniform(-1.0, 1.0) * np.exp(0.9j * np.pi * rng.choice((-1.0, 1.0))))


#: Petals before the first bent edge, and one more petal per PETAL_EVERY loops (:class:`_LoopGraph`).
ANCHOR_PETALS, PETAL_EVERY = 3, 10


class _LoopGraph:
    """Graph-based monodromy (Duff, Hill, Jensen, Lee, Leykin & Sommars, IMA J. Numer. Anal. 2019).

    A flower: the base p0 and petal nodes p_k (only Λ moves, to a random point on a random scale),
    each petal joined to p0 by the straight segment and an arc of the γ-trick
    (:class:`.homotopies.ParameterArc`) — one loop, in its own complex line — and by the bent
    edges below. Every edge is a bijection between orbits at its ends; each orbit is tracked once
    along each edge (one path gives the pairing both ways) and every orbit an edge brings that is
    not yet known joins its node. When every known orbit is paired along every edge, the orbits at
    p0 are closed under all the graph's loops (its cycle rank: edges − petals).

    A petal costs 2 paths per orbit for its one loop. The other loops are *bent edges*: one more
    edge from p0 to a random petal, a wide arc (random ρ, as a petal's) of the complex conic through
    p0, the petal and a fresh random point q (:func:`_fresh_bump`) — 1 path per orbit, and with the
    petal's segment a loop around about half the branch points of that conic. The first
    :data:`ANCHOR_PETALS` loops and every :data:`PETAL_EVERY`-th after them are petals.

    Why not many arcs on one line: the loops of one line enclose angular sectors of its branch
    points, so they are correlated — on widths 1,2,2 the orbit permutations of one line formed a
    Klein four-group reached through one or two branch points, and 11 arcs on one line missed
    orbits in 5 of 30 runs. A fresh conic per bent edge is what decorrelates them; the anchors
    because all loops through one petal share its segment — with a single petal,
    ``benchmarks/bench_monodromy_stop.py`` found one seed of 1,2,4 whose loops kept an orbit set
    with probability 0.93. With 3 anchors the bent loops kept orbit sets about as often as petals
    (seeds 0–3, largest p_K on 1,2,4: 0.10–0.29 for 1 path per orbit, petals 0.10–0.20 for 2), and
    a check (:meth:`check`) costs 1 path instead of 2.
    """

    def __init__(self, arch: Architecture, base: Instance, rng: np.random.Generator):
        self.arch, self.rng = arch, rng
        self.nodes: list[Instance] = [base]
        self.base_params = Parameters.of(base)
        self.known: list[np.ndarray] = [np.zeros((0, arch.n_unknowns), complex)]
        #: per edge: its petal node, its ρ, its bump point q (p0 for none), and the pairing of
        #: orbits at p0 → orbits at the petal (``forward``) and back (``backward``), −1 where not yet known
        self.edge_node: list[int] = []
        self.edge_bend: list[complex] = []
        self.edge_bump: list[Instance] = []
        self.edge_sigma: list[complex] = []
        self.forward: list[np.ndarray] = []
        self.backward: list[np.ndarray] = []
        #: paths tracked, paths still failing after the retry schedule, predictor–corrector steps
        self.paths = self.failed = self.steps = 0
        self.dropped_edges = 0

    @property
    def n_loops(self) -> int:
        """Independent loops of the graph (its cycle rank): edges − nodes with an edge + 1."""
        return len(self.edge_node) - len(set(self.edge_node))

    def _add_edge(self, node: int, bend: complex, bump: Instance, sigma: complex = 0j) -> None:
        self.edge_node.append(node)
        self.edge_bend.append(bend)
        self.edge_bump.append(bump)
        self.edge_sigma.append(sigma)
        self.forward.append(np.full(len(self.known[0]), -1, dtype=np.intp))
        self.backward.append(np.full(len(self.known[node]), -1, dtype=np.intp))

    def _fresh_bump(self) -> tuple[Instance, complex]:
        """q and σ of a bent edge (:class:`.homotopies.ParameterArc`): a random corner
        (:func:`_loop_corner`), and a weight of random phase, |σ| from 0.6 to 6 (at τ = ½ the
        weights of p0, p1, q are ½, ρ/2, σ/4)."""
        sigma = 2 * 10 ** self.rng.uniform(-0.5, 0.5) * np.exp(2j * np.pi * self.rng.uniform())
        return self._random_corner(), complex(sigma)

    def _random_corner(self) -> Instance:
        """The base's data with a random Λ (:func:`_loop_corner`): a petal node or a bump point."""
        return _with_lambdas(self.nodes[0], _loop_corner(self.nodes[0], self.rng))

    def add_petal(self) -> None:
        """A new node joined to p0 by the segment and an arc: one loop, 2 paths per orbit."""
        self.nodes.append(self._random_corner())
        self.known.append(np.zeros((0, self.arch.n_unknowns), complex))
        for bend in (1 + 0j, _arc_bend(self.rng)):
            self._add_edge(len(self.nodes) - 1, bend, self.nodes[0])

    def add_bent_edge(self) -> None:
        """One more loop at 1 path per orbit: an edge from p0 to a random petal of the graph, bent
        through the plane of a fresh random point (:class:`.homotopies.ParameterArc`). Its loops
        (with the petal's segment) do not share the petal's line. Needs a petal."""
        node = int(self.rng.choice(self.petals()))
        self._add_edge(node, _arc_bend(self.rng), *self._fresh_bump())

    def petals(self) -> np.ndarray:
        """The petal nodes that still have an edge."""
        return np.unique(np.array(self.edge_node, dtype=np.intp))

    def drop_edges(self, edges: set[int]) -> None:
        """Forget edges whose paths keep failing: closure is claimed only over fully paired edges."""
        for e in sorted(edges, reverse=True):
            for lst in (self.edge_node, self.edge_bend, self.edge_bump, self.edge_sigma, self.forward, self.backward):
                del lst[e]
        self.dropped_edges += len(edges)

    def add_orbits(self, node: int, orbits: np.ndarray) -> np.ndarray:
        """Append new orbit representatives at ``node``; return their indices."""
        first = len(self.known[node])
        self.known[node] = np.concatenate([self.known[node], orbits])
        unknown = np.full(len(orbits), -1, dtype=np.intp)
        for e, petal in enumerate(self.edge_node):
            if node == 0:
                self.forward[e] = np.concatenate([self.forward[e], unknown])
            elif petal == node:
                self.backward[e] = np.concatenate([self.backward[e], unknown])
        return np.arange(first, first + len(orbits))

    def pending(self, outward: bool) -> tuple[np.ndarray, np.ndarray]:
        """(edge, orbit) of every known orbit not yet paired along an edge, at p0 (``outward``) or at the petals."""
        edges, orbits = [], []
        for e, pairs in enumerate(self.forward if outward else self.backward):
            todo = np.flatnonzero(pairs < 0)
            edges.append(np.full(len(todo), e, dtype=np.intp)), orbits.append(todo)
        if not edges:
            return np.zeros(0, np.intp), np.zeros(0, np.intp)
        return np.concatenate(edges), np.concatenate(orbits)

    def closed(self) -> bool:
        return all((pairs >= 0).all() for pairs in (*self.forward, *self.backward))

    def _leg(self, petals: Parameters, bends: np.ndarray, bumps: Parameters, sigmas: np.ndarray, to_base: bool,
             start: np.ndarray, tracker: TrackerOptions) -> tuple[np.ndarray, np.ndarray]:
        """Track ``start`` along the arcs ``bends`` between p0 and ``petals``, bent through ``bumps``
        with weights ``sigmas`` (towards p0 when ``to_base``); return the canonical arrivals and a
        mask of the paths that failed: path failure, or no refined torus point."""
        n = len(start)
        res = track(ParameterArc(self.arch, ParameterSegment.between(self.base_params, petals), bends,
                                 np.full(n, to_base), ParameterSegment.between(self.base_params, bumps), sigmas),
                    start, tracker)
        self.paths, self.steps = self.paths + n, self.steps + int(res.steps.sum())
        x, _, residual = newton(fixed(self.arch, self.base_params if to_base else petals), res.x, np.ones(n), 2)
        failed = ~(res.success & (residual <= 1e-8 * (1 + np.abs(x).max(axis=1))) & is_torus(self.arch, x))
        return canonicalize(self.arch, x), failed

    def track_from(self, outward: bool, edges: np.ndarray, orbits: np.ndarray, tracker: TrackerOptions) -> np.ndarray:
        """Track orbits along ``edges`` (from p0 when ``outward``, else from the edges' petals) and pair
        the arrivals. Returns a mask of the tasks that failed: path failure, no refined torus point,
        or a pairing that contradicts another (one of two paths jumped)."""
        n = len(orbits)
        petal = np.array(self.edge_node, dtype=np.intp)[edges]
        petals = Parameters.stack(self.nodes).select(petal)
        bends = np.array(self.edge_bend, dtype=complex)[edges]
        bumps = Parameters.stack([self.edge_bump[e] for e in edges])
        sigmas = np.array(self.edge_sigma, dtype=complex)[edges]
        start = (np.stack([self.known[0][i] for i in orbits]) if outward
                 else np.stack([self.known[k][j] for k, j in zip(petal, orbits)]))
        x, failed = self._leg(petals, bends, bumps, sigmas, not outward, start, tracker)
        target = np.full(n, -1, dtype=np.intp)
        for node in np.unique(petal) if outward else (0,):
            mine = np.flatnonzero(~failed & ((petal == node) if outward else True))
            if len(mine):
                target[mine] = self.place(node, x[mine])
        task = np.flatnonzero(~failed)
        # two tasks of one edge reaching the same orbit, or an orbit already paired with another one
        # along that edge: one of the paths jumped, and neither pairing is kept
        _, inverse, counts = np.unique(np.stack([edges[task], target[task]]), axis=1, return_inverse=True,
                                       return_counts=True)
        clash = counts[inverse.ravel()] > 1
        # pairings from this side (indexed by the orbit tracked) and from the arrival side
        here, there = (self.forward, self.backward) if outward else (self.backward, self.forward)
        for t, clashed in zip(task, clash):
            e, i, j = edges[t], orbits[t], target[t]
            partner = there[e][j]
            if clashed or (partner >= 0 and partner != i):
                failed[t] = True
            else:
                here[e][i], there[e][j] = j, i
        return failed

    def place(self, node: int, x: np.ndarray) -> np.ndarray:
        """Indices at ``node`` of the canonical points ``x``; those not yet known join the node."""
        found = match_index(x, self.known[node], SAME_POINT)
        new = np.flatnonzero(found < 0)
        if len(new):
            keep, _ = unique_rows(x[new], SAME_POINT)
            added = self.add_orbits(node, x[new][keep])
            found[new] = added[match_index(x[new], self.known[node][added], SAME_POINT)]
        return found

    def check(self, n: int, tracker: TrackerOptions) -> tuple[int, int]:
        """``n`` checks: one path each, a random known orbit along a fresh bent edge to a random
        petal of the closed graph (the edges are not kept). The petal's orbits are the images of
        p0's under its edges, so an arrival that is not among them closes a loop (the bent edge,
        then the petal's segment back) that leaves p0's orbits. Failed paths get the retry
        schedule; a check whose path still fails does not count. Returns (checks that came back,
        new orbits they brought to the petals — :meth:`close` takes them to p0)."""
        orbits = self.rng.integers(len(self.known[0]), size=n)
        nodes = self.rng.choice(self.petals(), size=n)
        petals = Parameters.stack([self.nodes[k] for k in nodes])
        fresh = [self._fresh_bump() for _ in range(n)]
        bumps, sigmas = Parameters.stack([q for q, _ in fresh]), np.array([sigma for _, sigma in fresh])
        arcs = np.array([_arc_bend(self.rng) for _ in range(n)])
        x, todo = self.known[0][orbits], np.arange(n)
        for attempt in (tracker, *RETRY_SCHEDULE):
            if not len(todo):
                break
            arrived, failed = self._leg(petals.select(todo), arcs[todo], bumps.select(todo), sigmas[todo], False,
                                        x[todo], attempt)
            x[todo[~failed]] = arrived[~failed]
            todo = todo[failed]
        self.failed += len(todo)
        ok = np.ones(n, dtype=bool)
        ok[todo] = False
        new = 0
        for k in np.unique(nodes[ok]):
            before = len(self.known[k])
            self.place(int(k), x[ok & (nodes == k)])
            new += len(self.known[k]) - before
        return int(ok.sum()), new

    def add_loop(self) -> None:
        """One more independent loop: a petal for the first ANCHOR_PETALS and one in PETAL_EVERY
        after them, else a bent edge (1 path per orbit)."""
        if len(self.petals()) >= ANCHOR_PETALS + self.n_loops // PETAL_EVERY:
            self.add_bent_edge()
        else:
            self.add_petal()

    def close_or_drop(self, tracker: TrackerOptions) -> None:
        """:meth:`close`, dropping the edges whose paths keep failing, until every edge left is paired."""
        while stuck := self.close(tracker):
            self.drop_edges(stuck)

    def close(self, tracker: TrackerOptions) -> set[int]:
        """Track until every known orbit is paired along every edge, retrying failed paths with the
        retry schedule. Returns the edges whose paths still failed (empty when the graph closed)."""
        while not self.closed():
            stuck: set[int] = set()
            for outward in (True, False):
                edges, orbits = self.pending(outward)
                for attempt in (tracker, *RETRY_SCHEDULE):
                    if not len(edges):
                        break
                    failed = self.track_from(outward, edges, orbits, attempt)
                    edges, orbits = edges[failed], orbits[failed]
                    pairs = self.forward if outward else self.backward
                    unpaired = np.array([pairs[e][i] < 0 for e, i in zip(edges, orbits)], dtype=bool)
                    edges, orbits = edges[unpaired], orbits[unpaired]
                self.failed += len(edges)
                stuck.update(int(e) for e in edges)
            if stuck:
                return stuck
        return set()


def generic_solutions(
    arch: Architecture,
    samples: int,
    rng: np.random.Generator,
    options: MonodromyOptions | None = None,
    tracker: TrackerOptions | None = None,
    blackbox: SolveOptions | None = None,
) -> GenericSolutions:
    """Monodromy solve for the torus solutions of ``arch`` at a generic complex parameter point.

    One-sample shapes of input width 1 with one hidden layer (widths 1,d,p, d ≤ p) or two are
    solved from their reduced system first (:mod:`.reduced`; ``options.closed_form``): in closed
    form where it decouples (1,d,d and 1,1,p, no path), by its linear-product homotopy otherwise;
    only when that is refused does the rest run, saying why in ``info["closed_form"]`` and counting
    its paths.

    With ``blackbox`` (the options of a blackbox run) and a start system of at most
    ``options.blackbox_paths`` paths, the blackbox homotopy at the same base point comes first
    (:func:`.blackbox.torus_orbits`); monodromy runs only when that run is not certified, and its
    stage then counts the blackbox's paths and says why in ``info["blackbox"]``.

    X and Y are complex random and stay fixed; the loops move Λ. At real data, Λ-loops were
    seen to permute the orbits too rarely (widths 1,1,1,1: one orbit of four in 5 of 12 runs), so
    the data are made generic too and the solve moves them to the target afterwards.

    The loops are those of a :class:`_LoopGraph` (petals, then bent edges): it stops when the last
    ``options.stall_loops`` loops (each closed over every known orbit) brought no new orbit, enough
    loops went around the orbits for ``options.min_loop_paths`` paths, and then
    min(``options.checks``, ``options.checks_per_orbit`` × orbits) bent paths of one random orbit
    each (:meth:`_LoopGraph.check`) brought none either (see
    :class:`~linnet_crit.options.MonodromyOptions` for why both). An edge whose paths still fail
    after the retry schedule is dropped (its loop does not count), and a check whose path fails
    does not count, at most until ``options.max_loops`` loops and checks were used; the stop reason
    is recorded in ``report.info["stop"]``. The stopping rule never looks at a known or formula count.
    """
    options, tracker = options or MonodromyOptions(), tracker or TrackerOptions()
    t0 = time.perf_counter()
    base, w0 = start_pair(arch, random_complex_instance(arch, samples, rng), rng)
    gap = relative_rank_gap(arch, base, w0)
    if gap < options.rank_tolerance:
        # W ↦ Λ(W) is rank-deficient: generic Λ has no torus solution (engine notes, pitfall 1).
        info = {"rank_gap": gap, "stop": "start map rank-deficient: no torus solutions", "stall_goal": options.stall_loops}
        return GenericSolutions(arch, base, np.zeros((0, arch.n_unknowns), complex), True,
                                StageReport(f"monodromy {arch}", 0, seconds=time.perf_counter() - t0, info=info), w0)
    start = canonicalize(arch, w0[None])
    reduced = None
    if options.closed_form and reduction.solvable(arch, samples):
        reduced = reduction.torus_orbits(base, start, rng, blackbox)
        if reduced.representatives is not None:
            info = {"route": reduced.route, "orbits": reduced.n_orbits, "rank_gap": gap, "stop": reduced.reason,
                    **({"reduced_seed": reduced.seed} if reduced.seed is not None else {})}
            report = StageReport(f"{reduced.route} {arch}", reduced.paths, at_infinity=reduced.at_infinity,
                                 retried=reduced.retried, seconds=time.perf_counter() - t0, info=info, steps=reduced.steps)
            return GenericSolutions(arch, base, reduced.representatives, False, report, w0)
    # paths a refused reduced homotopy tracked count with the route that runs instead
    spent = (reduced.paths, reduced.steps, reduced.failed, reduced.at_infinity) if reduced is not None else (0, 0, 0, 0)
    refused = {"closed_form": reduced.reason} if reduced is not None else {}
    tried = None
    if blackbox is not None and linear_product_paths(arch) <= options.blackbox_paths:
        tried = torus_orbits(base, start, seed=int(rng.integers(2**63)), options=blackbox)
        run = tried.run
        if tried.representatives is not None:
            info = {"route": "blackbox", "orbits": len(tried.representatives), "rank_gap": gap, "stop": tried.reason,
                    "start_system": run.start_system, **refused}
            report = StageReport(f"blackbox {arch}", run.n_paths + spent[0], failed=spent[2],
                                 at_infinity=run.n_at_infinity + spent[3], retried=run.report.retried,
                                 seconds=time.perf_counter() - t0, info=info, steps=run.report.steps + spent[1])
            return GenericSolutions(arch, base, tried.representatives, False, report, w0)
    graph = _LoopGraph(arch, base, rng)
    graph.add_orbits(0, start)
    loops_used = 0

    def required_loops() -> int:
        # a loop (a bent edge) costs 1 path per orbit at p0
        return max(options.stall_loops, -(-options.min_loop_paths // max(len(graph.known[0]), 1)))

    # The stall rule of the loop graph: the last stall_loops loops — fresh random loops, each
    # closed over every known orbit — brought no new orbit (and min_loop_paths is met). Loops that
    # found orbits do not count: with widths 1,7,7 the 128 orbits of the full shape form a group
    # like (Z/2)^7 that loops explore one neuron's flip at a time, and "closed under 10 loops"
    # counting the loops of the discovery stopped at 64 orbits. Then the checks (MonodromyOptions).
    stall = checked = 0

    def stalled() -> bool:
        return stall >= options.stall_loops and graph.n_loops >= required_loops()

    def required_checks() -> int:
        # a check finds a missing orbit with probability about 0.8/|K| (MonodromyOptions)
        return options.checks_needed(len(graph.known[0]))

    while loops_used < options.max_loops and not (stalled() and checked >= required_checks()):
        before = len(graph.known[0])
        if stalled() and len(graph.petals()):  # the checks still needed, all at once; a new orbit resumes the search
            n = min(required_checks() - checked, options.max_loops - loops_used)
            came_back, found = graph.check(n, tracker)
            loops_used += n
            if found:
                graph.close_or_drop(tracker)
            stall, checked = (0, 0) if found else (stall, checked + came_back)
            continue
        if stalled():  # the checks land on a petal, and the graph has none yet (stall_loops = 0)
            batch = 1
        elif stall:  # confirming: every loop still needed at once (a new orbit resets the count anyway)
            batch = max(options.stall_loops - stall, required_loops() - graph.n_loops, 1)
        else:  # still finding orbits: a few loops a round, so fewer are spent after the last find
            batch = GROWING_LOOPS
        added = min(batch, options.max_loops - loops_used)
        loops_before = graph.n_loops
        for _ in range(added):
            graph.add_loop()
        loops_used += added
        graph.close_or_drop(tracker)
        kept = max(graph.n_loops - loops_before, 0)
        stall = 0 if len(graph.known[0]) > before else stall + kept
    loops = graph.n_loops
    stop = (
        f"{stall} consecutive loops found no new orbit, nor did {checked} checks (loops of one random orbit "
        f"each) after them; the orbits are closed under all {loops} independent loops (each orbit tracked "
        f"along all {len(graph.edge_node)} edges between p0 and {len(graph.petals())} petals"
        + (f"; {graph.dropped_edges} edges with failing paths dropped" if graph.dropped_edges else "") + ")"
        if stalled() and checked >= required_checks()
        else f"reached max_loops = {options.max_loops}"
    )
    known = graph.known[0]
    info = {"loops": loops_used, "closed_loops": loops, "stall_loops": stall, "orbits": len(known), "rank_gap": gap,
            "stop": stop, "dropped_edges": graph.dropped_edges, "stall_goal": required_loops(), "checks": checked,
            "checks_goal": required_checks()}
    info.update(refused)  # the closed form or reduced homotopy was tried and not accepted
    paths, steps, failed, at_infinity = graph.paths + spent[0], graph.steps + spent[1], graph.failed + spent[2], spent[3]
    if tried is not None:  # its paths were tracked too, and count with their ends
        info["blackbox"] = tried.reason
        run = tried.run
        paths, steps = paths + run.n_paths, steps + run.report.steps
        failed, at_infinity = failed + run.n_failed, at_infinity + run.n_at_infinity
    report = StageReport(f"monodromy {arch}", paths, failed=failed, at_infinity=at_infinity,
                         seconds=time.perf_counter() - t0, info=info, steps=steps)
    return GenericSolutions(arch, base, known, False, report, w0)
