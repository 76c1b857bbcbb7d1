"""Zero-pattern tables of critical points: per alive set, per size and per symmetry class.

The pattern of one point (alive neurons, stray zeros, dead-neuron-law violations, and what
"zero" means) is :func:`linnet_crit.zeros.zero_pattern`, re-exported here; this module counts
patterns over many points, groups them into isomorphism classes of the layered network graph and
compares the counts with the thesis formulas of :mod:`linnet_crit.bounds.formulas`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import comb
from typing import TYPE_CHECKING, Any

import numpy as np

from ..architecture import Architecture
from ..bounds.formulas import (
    BOUND_LABEL,
    OBSERVATION_LABEL,
    alive_formulas_apply,
    alive_set_observation,
    alive_size_bound,
)
from ..errors import DataError
from ..results import DEFAULT_ZERO_TOL
from ..zeros import AliveSet, ZeroPattern, point_vector, zero_masks, zero_pattern

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
    "OBSERVATION_LABEL",
    "BOUND_LABEL",
]

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
    small, _ = zero_masks(point_vector(point, arch), arch, rtol)
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


# --- comparison with the thesis formulas (which live in linnet_crit.bounds.formulas) -------------
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


def _observation(arch: Architecture, r: int, count: int, n_sets: int = 1) -> Comparison:
    return Comparison("observation", OBSERVATION_LABEL, n_sets * alive_set_observation(arch, r), count)


def _bound(arch: Architecture, r: int, count: int) -> Comparison:
    return Comparison("bound", BOUND_LABEL, alive_size_bound(arch, r), count)


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

    def _alive_counts(self) -> list[dict[str, Any]]:
        # the format of the CLI's ``patterns`` key; the origin has empty lists
        return [{"alive": [list(s) for s in row.alive], "count": row.count} for row in self.by_alive if row.count]

    def __str__(self) -> str:
        """Plain-text pattern table (``--format table``): alive sets, classes, stray zeros.

        Examples
        --------
        >>> arch = Architecture((1, 2, 1))
        >>> print(str(pattern_table(np.zeros((1, 4)), arch)).splitlines()[0])
        Zero patterns of 1 points, widths 1,2,1 (m = ?), zero tolerance rtol = 1e-12
        """
        m = "?" if self.samples is None else self.samples
        lines = [
            f"Zero patterns of {self.n_points} points, widths {self.architecture} (m = {m}), "
            f"zero tolerance rtol = {self.rtol:g}",
            f"Formulas: {self.formula}",
            "",
            f"{'alive set (per hidden layer)':<32}{'count':>7}  comparison",
        ]
        lines += [f"{_alive_text(r.alive):<32}{r.count:>7}  {_comparison_text(r.comparisons)}" for r in self.by_alive]
        lines += ["", f"{'class: alive sizes':<24}{'alive sets':>11}{'count':>7}  comparison"]
        for c in self.classes:
            name = str(c.sizes) + (" + stray zeros" if c.has_stray_zeros else "")
            lines.append(f"{name:<24}{len(c.alive_sets):>11}{c.count:>7}  {_comparison_text(c.comparisons)}")
        unclean = self.with_stray_zeros
        lines += ["", f"Points with stray zeros or dead-neuron-law violations: {len(unclean) or 'none'}"]
        names = self.architecture.variable_names()
        for j in unclean:
            p = self.patterns[j]
            lines.append(
                f"  point {j}: stray zeros {[names[k] for k in p.stray_zeros]}, "
                f"law violations (layer, neuron) {list(p.law_violations)}"
            )
        failed = self.failed_comparisons()
        lines.append(f"Comparisons failing: {len(failed) or 'none'}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: tolerances, counts, classes, comparisons, and every unclean point.

        ``patterns`` lists the alive sets found with their counts, ``[{"alive": [[…], …],
        "count": k}, …]`` (one list per hidden layer; the origin has empty lists).
        """
        arch = self.architecture
        return {
            "widths": list(arch.widths),
            "samples": self.samples,
            "rtol": self.rtol,
            "formula": self.formula,
            "patterns": self._alive_counts(),
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
        small, _ = zero_masks(x, arch, patterns[j].rtol)
        groups.setdefault(arch.join(small).tobytes(), (small, []))[1].append(j)
    masks = list(groups.values())
    # A clean pattern's graph is complete between consecutive layers of alive neurons (every zero
    # belongs to a dead neuron), so two clean ones are isomorphic exactly when their alive sizes
    # agree, and never to an unclean one; only patterns with stray zeros need the isomorphism test
    # (and networkx, whose import is a third of a small solve's start-up).
    clean_of: dict[tuple[int, ...], list[int]] = {}
    unclean = []
    for g, (_, members) in enumerate(masks):
        pattern = patterns[members[0]]  # one mask, one pattern
        if pattern.is_clean:
            clean_of.setdefault(pattern.sizes, []).append(g)
        else:
            unclean.append(g)
    partition = list(clean_of.values())
    if unclean:
        graphs = [_graph(arch, [~s for s in masks[g][0]]) for g in unclean]
        partition += [[unclean[i] for i in members] for members in _canonical_classes(graphs)]
    classes = []
    for members in partition:
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
    formula = alive_formulas_apply(arch, samples)
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


def _alive_text(alive: AliveSet) -> str:
    return " | ".join("{" + ",".join(map(str, s)) + "}" for s in alive)


def _comparison_text(comparisons: Sequence[Comparison]) -> str:
    return "  ".join(f"{c.kind} {c.expected} {'ok' if c.holds else 'FAILS'}" for c in comparisons)
