"""Zero-coordinate patterns of critical points: dead neurons, stray zeros and symmetry classes.

Hidden neuron k of layer i is *dead* at a point when row k of W_i and column k of W_{i+1} both
vanish. By the dead-neuron law (any H, any m, generic Λ) a row vanishes exactly when its matching
column does, and a point with dead neurons is a critical point of the network without them, so a
point's pattern is mostly its *alive set*: the alive neurons of each hidden layer. Anything else
that vanishes — a zero coordinate no dead neuron explains, or a zero row whose column is not
zero — is reported, never hidden.

Zero means ``|w| ≤ rtol · max(1, ‖x‖∞)``, the convention of :data:`linnet_crit.results.DEFAULT_ZERO_TOL`.
Dead neurons are decided on the whole row and column together, never on one coordinate: at real
data single coordinates of points with no zero coordinate can be as small as ~4e-4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import comb
from typing import TYPE_CHECKING, Any

import numpy as np

from ..architecture import Architecture
from ..errors import DataError
from ..results import DEFAULT_ZERO_TOL

if TYPE_CHECKING:  # networkx is imported where graphs are built: it costs start-up time
    import networkx as nx

__all__ = [
    "ZeroPattern",
    "zero_pattern",
    "network_graph",
    "Comparison",
    "AliveSetCount",
    "SizeCount",
    "PatternClass",
    "PatternTable",
    "pattern_table",
    "patterns_as_json",
    "format_pattern_table",
    "OBSERVATION_LABEL",
    "BOUND_LABEL",
]

AliveSet = tuple[tuple[int, ...], ...]

#: The per-alive-set count observed in all of the thesis data; not a theorem.
OBSERVATION_LABEL = "observation (not a theorem): 4^r·C(p,r) points per alive set of size r"
#: Bharadwaj–Hoşten (thesis ch. 3), proved for H = 1, m = 1.
BOUND_LABEL = "Bharadwaj–Hoşten bound: at most C(d,r)·(4p)^r points with exactly r alive neurons"


@dataclass(frozen=True)
class ZeroPattern:
    """Which hidden neurons are alive at a point, and which zeros no dead neuron explains.

    Attributes
    ----------
    alive : tuple of tuple of int
        Per hidden layer, the 0-based indices of the alive neurons (the origin: all empty).
    stray_zeros : tuple of int
        Flat indices (variable order of the architecture) of zero coordinates that lie in no
        row or column of a dead neuron.
    law_violations : tuple of (int, int)
        ``(layer, neuron)`` (layer 1-based, neuron 0-based) whose row of W_layer is zero while
        its column of W_{layer+1} is not, or the reverse: the dead-neuron law fails there.
    rtol : float
        Relative zero tolerance used.
    threshold : float
        The absolute threshold ``rtol · max(1, ‖x‖∞)`` it gave at this point.
    """

    alive: AliveSet
    stray_zeros: tuple[int, ...]
    law_violations: tuple[tuple[int, int], ...]
    rtol: float
    threshold: float

    @property
    def sizes(self) -> tuple[int, ...]:
        """Number of alive neurons per hidden layer."""
        return tuple(len(s) for s in self.alive)

    @property
    def is_origin(self) -> bool:
        return not any(self.alive)

    @property
    def is_clean(self) -> bool:
        """Every zero is explained by a dead neuron and the dead-neuron law holds."""
        return not self.stray_zeros and not self.law_violations

    def to_dict(self, architecture: Architecture | None = None) -> dict[str, Any]:
        """JSON-ready; stray zeros are named ``W{layer}_{row}_{col}`` when the architecture is given."""
        names = architecture.variable_names() if architecture is not None else None
        return {
            "alive": [list(s) for s in self.alive],
            "stray_zeros": [names[k] if names else k for k in self.stray_zeros],
            "law_violations": [list(v) for v in self.law_violations],
            "rtol": self.rtol,
            "threshold": self.threshold,
        }


def _point(point: np.ndarray, arch: Architecture) -> np.ndarray:
    x = np.asarray(point)
    if x.ndim != 1:
        raise DataError(f"a point must be one flat vector of {arch.n_unknowns} weights, got shape {x.shape}")
    arch.split(x)  # raises naming the length when it does not match
    if not np.all(np.isfinite(x)):
        raise DataError("a point has NaN or infinite coordinates; drop failed paths before classifying")
    return x


def _zero_masks(x: np.ndarray, arch: Architecture, rtol: float) -> tuple[list[np.ndarray], float]:
    if not rtol >= 0:
        raise DataError(f"rtol = {rtol!r}: the zero tolerance must be a number ≥ 0, e.g. 1e-8")
    threshold = rtol * max(1.0, float(np.abs(x).max(initial=0.0)))
    return [np.abs(w) <= threshold for w in arch.split(x)], threshold


def zero_pattern(point: np.ndarray, arch: Architecture, rtol: float = DEFAULT_ZERO_TOL) -> ZeroPattern:
    """The alive neurons of a (Newton-refined) point, its stray zeros and dead-neuron-law violations.

    Parameters
    ----------
    point : (N,) array
        Weights in the variable order of ``arch``.
    arch : Architecture
    rtol : float
        A weight is zero when ``|w| ≤ rtol · max(1, ‖x‖∞)``. A neuron is dead when its whole row
        of W_i and column of W_{i+1} are zero.

    Examples
    --------
    >>> arch = Architecture((1, 2, 1))
    >>> p = zero_pattern(np.array([0.0, 0.7, 0.0, -1.2]), arch)
    >>> p.alive, p.stray_zeros, p.is_clean
    (((1,),), (), True)
    >>> zero_pattern(np.array([0.0, 0.7, 0.5, -1.2]), arch).law_violations
    ((1, 0),)
    """
    x = _point(point, arch)
    small, threshold = _zero_masks(x, arch, rtol)
    alive, violations = [], []
    for layer in range(1, arch.depth + 1):
        row_zero = small[layer - 1].all(axis=1)
        col_zero = small[layer].all(axis=0)
        alive.append(tuple(int(k) for k in np.flatnonzero(~(row_zero & col_zero))))
        violations += [(layer, int(k)) for k in np.flatnonzero(row_zero != col_zero)]
    explained = [np.zeros(shape, dtype=bool) for shape in arch.shapes]
    for layer, (width, kept) in enumerate(zip(arch.hidden, alive), start=1):
        dead = np.setdiff1d(np.arange(width), kept)
        explained[layer - 1][dead, :] = True
        explained[layer][:, dead] = True
    stray = np.flatnonzero(arch.join([s & ~e for s, e in zip(small, explained)]))
    return ZeroPattern(tuple(alive), tuple(int(k) for k in stray), tuple(violations), float(rtol), threshold)


# --- the network as a layered graph ------------------------------------------------------------
def _graph(arch: Architecture, nonzero: Sequence[np.ndarray]) -> nx.DiGraph:
    import networkx as nx

    G = nx.DiGraph()
    last = arch.n_layers
    for layer, width in enumerate(arch.widths):
        # inputs and outputs keep their identity; only hidden neurons may be relabelled
        fixed = layer in (0, last)
        for k in range(width):
            G.add_node((layer, k), layer=layer, label=f"{layer}:{k if fixed else '*'}")
    for i, mask in enumerate(nonzero):
        G.add_edges_from(((i, int(c)), (i + 1, int(r))) for r, c in zip(*np.nonzero(mask)))
    return G


def network_graph(point: np.ndarray, arch: Architecture, rtol: float = DEFAULT_ZERO_TOL) -> nx.DiGraph:
    """The network at a point as a layered DiGraph: an edge for every nonzero weight.

    Nodes are ``(layer, index)`` (layer 0 = inputs, ``H + 1`` = outputs) with attributes
    ``layer`` and ``label`` (``"layer:index"`` for inputs and outputs, ``"layer:*"`` for hidden
    neurons, which may be relabelled). Dead neurons are isolated nodes.

    Examples
    --------
    >>> G = network_graph(np.array([0.0, 0.7, 0.0, -1.2]), Architecture((1, 2, 1)))
    >>> sorted(G.edges())
    [((0, 0), (1, 1)), ((1, 1), (2, 0))]
    """
    small, _ = _zero_masks(_point(point, arch), arch, rtol)
    return _graph(arch, [~s for s in small])


def _same_class(G: nx.DiGraph, H: nx.DiGraph) -> bool:
    import networkx as nx

    return nx.is_isomorphic(G, H, node_match=lambda a, b: a["label"] == b["label"])


def _canonical_classes(graphs: Sequence[nx.DiGraph]) -> list[list[int]]:
    """Partition graph indices into isomorphism classes respecting layers and fixed labels."""
    import networkx as nx

    buckets: dict[str, list[list[int]]] = {}
    for i, G in enumerate(graphs):
        # The hash only narrows the candidates; the isomorphism test decides. Edges join
        # consecutive layers only, so the labels fix their direction and the undirected hash
        # loses nothing (and avoids networkx's warning about directed hashes changing).
        key = nx.weisfeiler_lehman_graph_hash(G.to_undirected(as_view=True), node_attr="label")
        classes = buckets.setdefault(key, [])
        for members in classes:
            if _same_class(graphs[members[0]], G):
                members.append(i)
                break
        else:
            classes.append([i])
    return [members for classes in buckets.values() for members in classes]


# --- formulas ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """A count against a formula: ``kind`` is ``"observation"`` (equality expected) or ``"bound"``."""

    kind: str
    label: str
    expected: int
    count: int

    @property
    def holds(self) -> bool:
        return self.count == self.expected if self.kind == "observation" else self.count <= self.expected

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "expected": self.expected, "count": self.count, "holds": self.holds}


def _formula_applies(arch: Architecture, samples: int | None) -> bool:
    # The thesis formulas are for H = 1, m = 1. Only Σxx = XXᵀ and Σyx = YXᵀ enter, so any data
    # with rank Σxx = min(dx, m) = 1 gives the same family of systems (thesis Remark 3.8).
    return arch.depth == 1 and samples is not None and min(arch.dx, samples) == 1


def _observation(arch: Architecture, r: int, count: int, n_sets: int = 1) -> Comparison:
    return Comparison("observation", OBSERVATION_LABEL, n_sets * 4**r * comb(arch.dy, r), count)


def _bound(arch: Architecture, r: int, count: int) -> Comparison:
    d, p = arch.hidden[0], arch.dy
    return Comparison("bound", BOUND_LABEL, comb(d, r) * (4 * p) ** r, count)


# --- the table ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AliveSetCount:
    """Number of points with one alive set, and the formula it is compared with (if any)."""

    alive: AliveSet
    count: int
    comparisons: tuple[Comparison, ...] = ()


@dataclass(frozen=True)
class SizeCount:
    """Number of points with the given number of alive neurons per hidden layer."""

    sizes: tuple[int, ...]
    count: int


@dataclass(frozen=True)
class PatternClass:
    """Points whose layered graphs agree up to relabelling hidden neurons within each layer.

    ``members`` are indices into the points of the table; a class listed only because a formula
    expects it has no members. Comparisons are made for classes without stray zeros.
    """

    sizes: tuple[int, ...]
    members: tuple[int, ...]
    alive_sets: tuple[AliveSet, ...]
    has_stray_zeros: bool
    comparisons: tuple[Comparison, ...] = ()

    @property
    def count(self) -> int:
        return len(self.members)


@dataclass(frozen=True, eq=False)
class PatternTable:
    """Zero patterns of a list of points, counted per alive set, per size and per symmetry class.

    ``patterns[j]`` is the pattern of point j; ``formula`` says which formulas the counts are
    compared with, or why none applies.
    """

    architecture: Architecture
    samples: int | None
    rtol: float
    patterns: tuple[ZeroPattern, ...]
    by_alive: tuple[AliveSetCount, ...]
    by_sizes: tuple[SizeCount, ...]
    classes: tuple[PatternClass, ...]
    formula: str

    @property
    def n_points(self) -> int:
        return len(self.patterns)

    @property
    def with_stray_zeros(self) -> tuple[int, ...]:
        """Indices of points with a stray zero or a dead-neuron-law violation."""
        return tuple(j for j, p in enumerate(self.patterns) if not p.is_clean)

    def failed_comparisons(self) -> tuple[Comparison, ...]:
        """Every comparison, per alive set and per class, whose count misses its formula."""
        rows = (*self.by_alive, *self.classes)
        return tuple(c for row in rows for c in row.comparisons if not c.holds)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: tolerances, counts, classes, comparisons, and every unclean point."""
        arch = self.architecture
        return {
            "widths": list(arch.widths),
            "samples": self.samples,
            "rtol": self.rtol,
            "formula": self.formula,
            "patterns": patterns_as_json(self),
            "by_alive": [
                {"alive": [list(s) for s in row.alive], "count": row.count,
                 "comparisons": [c.to_dict() for c in row.comparisons]}
                for row in self.by_alive
            ],
            "by_sizes": [{"sizes": list(row.sizes), "count": row.count} for row in self.by_sizes],
            "classes": [
                {"sizes": list(c.sizes), "count": c.count, "alive_sets": len(c.alive_sets),
                 "has_stray_zeros": c.has_stray_zeros, "comparisons": [x.to_dict() for x in c.comparisons]}
                for c in self.classes
            ],
            "unclean_points": [
                {"point": j, **self.patterns[j].to_dict(arch)} for j in self.with_stray_zeros
            ],
        }


def _origin(arch: Architecture) -> AliveSet:
    return tuple(() for _ in arch.hidden)


def _alive_rows(arch: Architecture, patterns: Sequence[ZeroPattern], formula: bool) -> tuple[AliveSetCount, ...]:
    counts: dict[AliveSet, int] = {}
    if formula:  # every alive set with an expectation is listed, found or not
        counts.update({s: 0 for s in (_origin(arch), *arch.alive_sets())})
    for p in patterns:
        counts[p.alive] = counts.get(p.alive, 0) + 1
    return tuple(
        AliveSetCount(s, k, (_observation(arch, len(s[0]), k),) if formula else ())
        for s, k in sorted(counts.items(), key=lambda item: (tuple(map(len, item[0])), item[0]))
    )


def _size_rows(patterns: Sequence[ZeroPattern]) -> tuple[SizeCount, ...]:
    counts: dict[tuple[int, ...], int] = {}
    for p in patterns:
        counts[p.sizes] = counts.get(p.sizes, 0) + 1
    return tuple(SizeCount(s, k) for s, k in sorted(counts.items()))


def _classes(arch: Architecture, points: np.ndarray, patterns: Sequence[ZeroPattern], formula: bool) -> tuple[PatternClass, ...]:
    # points with the same zero coordinates have the same graph: build each graph once
    groups: dict[bytes, tuple[list[np.ndarray], list[int]]] = {}
    for j, x in enumerate(points):
        small, _ = _zero_masks(x, arch, patterns[j].rtol)
        groups.setdefault(arch.join(small).tobytes(), (small, []))[1].append(j)
    masks = list(groups.values())
    classes = []
    for members in _canonical_classes([_graph(arch, [~s for s in small]) for small, _ in masks]):
        points_in = sorted(j for g in members for j in masks[g][1])
        clean = all(patterns[j].is_clean for j in points_in)
        alive_sets = tuple(sorted({patterns[j].alive for j in points_in}))
        classes.append(PatternClass(patterns[points_in[0]].sizes, tuple(points_in), alive_sets, not clean))
    if formula:
        classes = _with_formula(arch, classes)
    return tuple(sorted(classes, key=lambda c: (c.sizes, c.has_stray_zeros, -c.count)))


def _with_formula(arch: Architecture, classes: list[PatternClass]) -> list[PatternClass]:
    clean = {c.sizes: c for c in classes if not c.has_stray_zeros}
    out = [c for c in classes if c.has_stray_zeros]
    for r in range(arch.hidden[0] + 1):
        c = clean.get((r,), PatternClass((r,), (), (), False))
        n_sets = comb(arch.hidden[0], r)
        comparisons = (_observation(arch, r, c.count, n_sets), _bound(arch, r, c.count))
        out.append(PatternClass(c.sizes, c.members, c.alive_sets, False, comparisons))
    return out


def pattern_table(
    points: np.ndarray,
    arch: Architecture,
    *,
    samples: int | None = None,
    rtol: float = DEFAULT_ZERO_TOL,
) -> PatternTable:
    """Count zero patterns per alive set, per size tuple and per symmetry class.

    Parameters
    ----------
    points : (n, N) array
        Critical points (Newton-refined), e.g. ``SolveResult.solutions``.
    arch : Architecture
    samples : int, optional
        Number m of data points. The thesis formulas are compared only for H = 1 and
        ``min(dx, m) = 1``; when ``samples`` is None no formula is compared.
    rtol : float
        Relative zero tolerance, as in :func:`zero_pattern`.

    Returns
    -------
    PatternTable
        Classes are isomorphism classes of the layered graphs of :func:`network_graph` that
        respect layers and keep inputs and outputs fixed, i.e. alive patterns up to relabelling
        the hidden neurons of each layer.

    Examples
    --------
    >>> arch = Architecture((1, 2, 1))
    >>> pts = np.array([[0, 0, 0, 0], [0, 0.7, 0, -1.2], [0.5, 0, 0.3, 0]])
    >>> table = pattern_table(pts, arch, samples=1)
    >>> [(c.sizes, c.count) for c in table.classes]
    [((0,), 1), ((1,), 2), ((2,), 0)]
    >>> [(c.expected, c.holds) for c in table.classes[1].comparisons]
    [(8, False), (8, True)]
    """
    points = np.asarray(points)
    if points.ndim != 2:
        raise DataError(f"points must be an (n, N) array, got shape {points.shape}; stack them with np.vstack")
    patterns = tuple(zero_pattern(x, arch, rtol) for x in points)
    formula = _formula_applies(arch, samples)
    note = (
        f"H = 1, min(dx, m) = 1: per alive set {OBSERVATION_LABEL}; per size {BOUND_LABEL} (p = dy, d = hidden width)"
        if formula
        else "no formula compared: the thesis formulas are for H = 1, m = 1"
        + (" (m not given)" if samples is None else "")
    )
    return PatternTable(
        arch,
        samples,
        float(rtol),
        patterns,
        _alive_rows(arch, patterns, formula),
        _size_rows(patterns),
        _classes(arch, points, patterns, formula),
        note,
    )


def patterns_as_json(table: PatternTable) -> list[dict[str, Any]]:
    """``[{"alive": [[…], …], "count": k}, …]``: the alive sets found, one list per hidden layer.

    The format of the ``patterns`` key of the CLI's JSON; the origin has empty lists.

    Examples
    --------
    >>> arch = Architecture((1, 2, 1))
    >>> patterns_as_json(pattern_table(np.array([[0, 0, 0, 0], [0, 0.7, 0, -1.2]]), arch))
    [{'alive': [[]], 'count': 1}, {'alive': [[1]], 'count': 1}]
    """
    return [{"alive": [list(s) for s in row.alive], "count": row.count} for row in table.by_alive if row.count]


def _alive_text(alive: AliveSet) -> str:
    return " | ".join("{" + ",".join(map(str, s)) + "}" for s in alive)


def _comparison_text(comparisons: Sequence[Comparison]) -> str:
    return "  ".join(f"{c.kind} {c.expected} {'ok' if c.holds else 'FAILS'}" for c in comparisons)


def format_pattern_table(table: PatternTable) -> str:
    """Plain-text pattern table for ``--format table``: alive sets, classes, stray zeros.

    Examples
    --------
    >>> arch = Architecture((1, 2, 1))
    >>> print(format_pattern_table(pattern_table(np.zeros((1, 4)), arch)).splitlines()[0])
    Zero patterns of 1 points, widths 1,2,1 (m = ?), zero tolerance rtol = 1e-08
    """
    m = "?" if table.samples is None else table.samples
    lines = [
        f"Zero patterns of {table.n_points} points, widths {table.architecture} (m = {m}), "
        f"zero tolerance rtol = {table.rtol:g}",
        f"Formulas: {table.formula}",
        "",
        f"{'alive set (per hidden layer)':<32}{'count':>7}  comparison",
    ]
    lines += [f"{_alive_text(r.alive):<32}{r.count:>7}  {_comparison_text(r.comparisons)}" for r in table.by_alive]
    lines += ["", f"{'class: alive sizes':<24}{'alive sets':>11}{'count':>7}  comparison"]
    for c in table.classes:
        name = str(c.sizes) + (" + stray zeros" if c.has_stray_zeros else "")
        lines.append(f"{name:<24}{len(c.alive_sets):>11}{c.count:>7}  {_comparison_text(c.comparisons)}")
    unclean = table.with_stray_zeros
    lines += ["", f"Points with stray zeros or dead-neuron-law violations: {len(unclean) or 'none'}"]
    names = table.architecture.variable_names()
    for j in unclean:
        p = table.patterns[j]
        lines.append(
            f"  point {j}: stray zeros {[names[k] for k in p.stray_zeros]}, "
            f"law violations (layer, neuron) {list(p.law_violations)}"
        )
    failed = table.failed_comparisons()
    lines.append(f"Comparisons failing: {len(failed) or 'none'}")
    return "\n".join(lines)
