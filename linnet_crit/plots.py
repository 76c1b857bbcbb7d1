"""Every figure of the package: classified critical points and landscape studies (matplotlib,
the optional extra ``plots``).

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
from .landscape.path import RegularizationPath
from .landscape.scan import DepthScan
from .landscape.stats import RealStatistics

__all__ = [
    "plot_depth_scan",
    "plot_index_counts",
    "plot_loss_by_index",
    "plot_loss_vs_index",
    "plot_pattern_counts",
    "plot_real_counts",
    "plot_regularization_path",
]


def _figure(ax: Any, ncols: int = 1, size: tuple[float, float] = (6.4, 4.0)) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    try:
        from matplotlib.figure import Figure  # optional dependency
    except ImportError:
        raise ToolUnavailableError(
            "matplotlib is not installed; plots need it: pip install 'linnet-crit[plots]'"
        ) from None
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.subplots(1, ncols)


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
    figure, ax = _figure(ax)
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


def plot_real_counts(
    counts: Sequence[int] | RealStatistics | Sequence[RealStatistics],
    *,
    n_complex: int | None = None,
    ax: Any = None,
) -> Any:
    """How many real critical points the data draws have (thesis Fig 3.2).

    Parameters
    ----------
    counts : sequence of int, RealStatistics or sequence of RealStatistics
        The real count of each draw: a histogram. Landscape statistics of one or more
        architectures: the fraction of draws with each N_R, one marker series per architecture,
        labelled with its complex count.
    n_complex : int, optional
        With plain counts: the complex count, drawn as a vertical line (every real count is at
        most it).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_real_counts([5, 5, 7, 9, 5], n_complex=33)
    >>> [int(bar.get_height()) for bar in fig.axes[0].patches if bar.get_height()]
    [3, 1, 1]
    >>> from linnet_crit.landscape.stats import real_statistics_from_records, _example_record
    >>> fig = plot_real_counts([real_statistics_from_records((1, 1, 1), [_example_record()])])
    >>> fig.axes[0].lines[0].get_xydata().tolist()
    [[3.0, 1.0]]
    """
    stats = [counts] if isinstance(counts, RealStatistics) else list(counts)
    if stats and all(isinstance(s, RealStatistics) for s in stats):
        return _real_count_distribution(stats, ax)
    values = np.asarray(counts)
    if values.ndim != 1 or values.size == 0 or values.dtype.kind not in "iu" or values.min() < 0:
        raise DataError(
            f"counts {counts!r}: give a non-empty sequence of whole numbers ≥ 0, one per draw, "
            "or of RealStatistics"
        )
    figure, ax = _figure(ax)
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


def _real_count_distribution(stats: Sequence[RealStatistics], ax: Any) -> Any:
    figure, ax = _figure(ax)
    for s in stats:
        dist = s.n_real_distribution
        ax.plot(list(dist), np.asarray(list(dist.values())) / s.n_draws, "o-", label=f"{_label(s)}, N_C {max(s.n_complex)}")
    ax.set_xlabel("N_R (real critical points of a draw)")
    ax.set_ylabel("fraction of draws")
    ax.set_title("Distribution of the real count over data draws")
    ax.legend(fontsize="small")
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
    figure, ax = _figure(ax)
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


# --- landscape studies ---------------------------------------------------------------------------
def _label(stats: RealStatistics) -> str:
    return ",".join(map(str, stats.widths)) + f" (m={stats.samples})"


def plot_index_counts(stats: Sequence[RealStatistics], *, ax: Any = None) -> Any:
    """Grouped bars: mean number of real critical points of each Hessian index per draw.

    Examples
    --------
    >>> from linnet_crit.landscape.stats import real_statistics_from_records, _example_record
    >>> fig = plot_index_counts([real_statistics_from_records((1, 1, 1), [_example_record()])])
    >>> [float(b.get_height()) for b in fig.axes[0].patches]
    [2.0, 1.0, 0.0]
    """
    if not stats:
        raise DataError("plot_index_counts needs at least one RealStatistics")
    figure, ax = _figure(ax)
    width = 0.8 / len(stats)
    for k, s in enumerate(stats):
        means = s.mean_index_counts()
        ax.bar(np.arange(len(means)) + (k - (len(stats) - 1) / 2) * width, means, width, label=f"{_label(s)}, {s.n_draws} draws")
    ax.set_xlabel("Hessian index")
    ax.set_ylabel("mean real critical points per draw")
    ax.set_title("Real critical points by Hessian index")
    ax.legend(fontsize="small")
    return figure


def plot_loss_by_index(stats: RealStatistics, *, excess: bool = True, ax: Any = None) -> Any:
    """Loss of every real critical point against its Hessian index (jittered), all draws pooled.

    ``excess=True`` plots loss minus the lowest minimum loss of the same draw (0 = global minimum).

    Examples
    --------
    >>> from linnet_crit.landscape.stats import real_statistics_from_records, _example_record
    >>> fig = plot_loss_by_index(real_statistics_from_records((1, 1, 1), [_example_record()]))
    >>> sorted(round(float(y), 6) for c in fig.axes[0].collections for _, y in c.get_offsets())
    [0.0, 0.0, 0.4]
    """
    figure, ax = _figure(ax)
    data = stats.excess_by_index if excess else stats.losses_by_index
    rng = np.random.default_rng(0)  # jitter only, fixed
    for index, values in data.items():
        v = np.asarray(values)
        ax.scatter(index + rng.uniform(-0.2, 0.2, len(v)), v, s=8, alpha=0.5)
    ax.set_xlabel("Hessian index")
    ax.set_ylabel("loss − lowest minimum loss of the draw" if excess else "loss")
    ax.set_title(f"Loss by index, widths {_label(stats)}, {stats.n_draws} draws")
    return figure


def plot_depth_scan(scan: DepthScan, *, ax: Any = None) -> Any:
    """Mean real critical points per index against depth H (log scale), with N_C and mean N_R.

    Examples
    --------
    >>> from linnet_crit.landscape.scan import DepthScan
    >>> from linnet_crit.landscape.stats import real_statistics_from_records, _example_record
    >>> scan = DepthScan((real_statistics_from_records((1, 1, 1), [_example_record()]),))
    >>> fig = plot_depth_scan(scan)
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['index 0', 'index 1', 'mean N_R (all indices)', 'N_C (complex)']
    """
    figure, ax = _figure(ax)
    depths = np.asarray(scan.depths)
    per = scan.mean_per_index()
    for k in range(per.shape[1]):
        if np.any(per[:, k] > 0):
            shown = per[:, k] > 0
            ax.plot(depths[shown], per[shown, k], "o-", ms=4, label=f"index {k}")
    ax.plot(depths, scan.mean_real(), "k^-", label="mean N_R (all indices)")
    ax.plot(depths, scan.complex_counts(), "ks--", label="N_C (complex)")
    ax.set_yscale("log")
    ax.set_xlabel("hidden layers H")
    ax.set_ylabel("critical points")
    ax.set_title("Depth scan: " + " … ".join([",".join(map(str, scan.widths[0])), ",".join(map(str, scan.widths[-1]))]))
    ax.legend(fontsize="small", ncols=2)
    return figure


def plot_regularization_path(path: RegularizationPath, *, axes: Any = None) -> Any:
    """Two panels against t (log scale): loss of each followed point (marker = Hessian index) and
    σ_min/σ_max of its Jacobian, with the singular threshold where the walk stops.

    Examples
    --------
    >>> from linnet_crit import random_instance
    >>> from linnet_crit.landscape.path import regularization_path
    >>> path = regularization_path(random_instance((1, 1, 1), seed=3), ts=[1.0, 0.5], resolve=False)
    >>> fig = plot_regularization_path(path)
    >>> len(fig.axes[0].collections)  # one marker series per (point, index): origin saddle, two minima
    3
    """
    if axes is None:
        figure, axes = _figure(None, ncols=2, size=(11.0, 4.2))
    else:
        figure = axes[0].figure
    markers = "ovs^Dp*hX"
    seen: set[int] = set()
    for label in path.labels():
        traj = path.trajectory(label)
        line = axes[0].plot(traj["t"], traj["loss"], "-", lw=0.8)[0]
        for index in np.unique(traj["index"]):
            sel = traj["index"] == index
            axes[0].scatter(traj["t"][sel], traj["loss"][sel], marker=markers[int(index) % len(markers)], s=14,
                            color=line.get_color(), label=None if index in seen else f"index {index}")
            seen.add(int(index))
        axes[1].plot(traj["t"], traj["min_singular"], "-", color=line.get_color(), lw=0.8)
    axes[1].axhline(path.singular_rtol, color="k", ls=":", label=f"stop: σ_min/σ_max < {path.singular_rtol:g}")
    for ax in axes:
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.set_xlabel("t (Λ scaled by t)")
    axes[1].set_yscale("log")
    axes[0].set_ylabel("loss")
    axes[1].set_ylabel("σ_min / σ_max of the Hessian")
    axes[0].set_title(f"Regularization path, widths {','.join(map(str, path.widths))}")
    axes[1].set_title("Conditioning along the path")
    axes[0].legend(fontsize="small")
    axes[1].legend(fontsize="small")
    return figure
