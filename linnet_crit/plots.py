"""Figures of classified critical points (matplotlib, the optional extra ``plots``).

Figures are built as :class:`matplotlib.figure.Figure` objects, not through pyplot, so no GUI
backend and no global state is involved: they render headless (``savefig`` draws with Agg) and
show in notebooks. Pass ``ax=`` to draw into axes of your own instead.

matplotlib is imported only when a figure is made; without it the functions raise
:class:`~linnet_crit.errors.ToolUnavailableError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .classify.patterns import PatternTable
from .classify.real import RealPointTable
from .errors import DataError, ToolUnavailableError

__all__ = ["plot_pattern_counts", "plot_real_counts", "plot_loss_vs_index"]


def _figure_and_axes(ax: Any) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ToolUnavailableError(
            "matplotlib is not installed; plots need it: pip install 'linnet-crit[plots]'"
        ) from None
    figure = Figure(figsize=(6.4, 4.0), layout="constrained")
    return figure, figure.add_subplot()


def _title(table: PatternTable) -> str:
    m = "?" if table.samples is None else table.samples
    return f"Zero patterns, widths {table.architecture} (m = {m}), {table.n_points} points"


def _mark(ax: Any, xs: Sequence[float], values: Sequence[float | None], **style: Any) -> None:
    shown = [(x, v) for x, v in zip(xs, values) if v is not None]
    if shown:
        ax.scatter(*zip(*shown), zorder=3, **style)


def _expected(comparisons: Sequence, kind: str) -> int | None:
    return next((c.expected for c in comparisons if c.kind == kind), None)


def plot_pattern_counts(table: PatternTable, *, by: str = "class", ax: Any = None) -> Any:
    """Bar chart of pattern counts against the formula and bound that apply (thesis Fig 3.1).

    Parameters
    ----------
    table : PatternTable
    by : {"class", "alive"}
        One bar per symmetry class (labelled by alive sizes) or per alive set.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linnet_crit.architecture import Architecture
    >>> from linnet_crit.classify import pattern_table
    >>> table = pattern_table(np.zeros((1, 4)), Architecture((1, 2, 1)), samples=1)
    >>> fig = plot_pattern_counts(table)
    >>> [int(bar.get_height()) for bar in fig.axes[0].patches]
    [1, 0, 0]
    """
    if by == "class":
        rows = table.classes
        labels = [" ".join(map(str, c.sizes)) + (" *" if c.has_stray_zeros else "") for c in rows]
        xlabel = "alive neurons per hidden layer (* = stray zeros)"
    elif by == "alive":
        rows = table.by_alive
        labels = ["|".join(",".join(map(str, s)) or "∅" for s in r.alive) for r in rows]
        xlabel = "alive set (0-based neurons per hidden layer, ∅ = none)"
    else:
        raise DataError(f"by = {by!r}: choose 'class' or 'alive'")
    figure, ax = _figure_and_axes(ax)
    xs = np.arange(len(rows))
    ax.bar(xs, [r.count for r in rows], color="tab:blue", label="points found")
    _mark(ax, xs, [_expected(r.comparisons, "observation") for r in rows], marker="o", color="black",
          label="observation 4^r·C(p,r) per alive set (not a theorem)")
    _mark(ax, xs, [_expected(r.comparisons, "bound") for r in rows], marker="_", s=400, color="tab:red",
          label="bound C(d,r)·(4p)^r")
    ax.set_xticks(xs, labels, rotation=45 if len(rows) > 8 else 0)
    ax.set_xlabel(xlabel)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("number of critical points")
    ax.set_title(_title(table))
    ax.legend(fontsize="small")
    return figure


def plot_real_counts(counts: Sequence[int], *, n_complex: int | None = None, ax: Any = None) -> Any:
    """Histogram of the number of real critical points over data draws (thesis Fig 3.2).

    Parameters
    ----------
    counts : sequence of int
        Real count of each draw.
    n_complex : int, optional
        The complex count, drawn as a vertical line (every real count is at most it).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_real_counts([5, 5, 7, 9, 5], n_complex=33)
    >>> [int(bar.get_height()) for bar in fig.axes[0].patches if bar.get_height()]
    [3, 1, 1]
    """
    values = np.asarray(counts)
    if values.ndim != 1 or values.size == 0 or values.dtype.kind not in "iu" or values.min() < 0:
        raise DataError(f"counts {counts!r}: give a non-empty sequence of whole numbers ≥ 0, one per draw")
    figure, ax = _figure_and_axes(ax)
    ax.hist(values, bins=np.arange(values.min() - 0.5, values.max() + 1.5), color="tab:blue", rwidth=0.9)
    if n_complex is not None:
        ax.axvline(n_complex, color="tab:red", linestyle="--", label=f"complex count {n_complex}")
        ax.legend(fontsize="small")
    for axis in (ax.xaxis, ax.yaxis):
        axis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("number of real critical points")
    ax.set_ylabel("draws")
    ax.set_title(f"Real critical points over {values.size} draws")
    return figure


def plot_loss_vs_index(tables: RealPointTable | Sequence[RealPointTable], *, ax: Any = None) -> Any:
    """Loss against Hessian index of real critical points, one table or many draws.

    Global minima, spurious local minima, saddles (and maxima) and degenerate points get their own
    markers.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from linnet_crit.classify import critical_point_table
    >>> from linnet_crit.data import random_instance
    >>> inst = random_instance((1, 1, 1, 1), seed=0)
    >>> fig = plot_loss_vs_index(critical_point_table(inst, np.zeros((1, 3))))
    >>> fig.axes[0].get_xlabel()
    'Hessian index (number of negative eigenvalues)'
    """
    tables = [tables] if isinstance(tables, RealPointTable) else list(tables)
    points = [p for t in tables for p in t.points]
    groups = {
        "global minimum": ([p for p in points if p.global_minimum], "o", "tab:green"),
        "spurious local minimum": ([p for p in points if p.spurious_local_minimum], "v", "tab:red"),
        "saddle or maximum": ([p for p in points if p.kind in ("saddle", "maximum")], "s", "tab:blue"),
        "degenerate": ([p for p in points if p.kind == "degenerate"], "x", "black"),
    }
    figure, ax = _figure_and_axes(ax)
    for label, (members, marker, color) in groups.items():
        if members:
            ax.scatter([p.hessian_index for p in members], [p.loss for p in members],
                       marker=marker, color=color, label=f"{label} ({len(members)})")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("Hessian index (number of negative eigenvalues)")
    ax.set_ylabel("loss")
    ax.set_title(f"{len(points)} real critical points from {len(tables)} instance(s)")
    if points:
        ax.legend(fontsize="small")
    return figure
