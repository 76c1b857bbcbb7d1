"""Figures of landscape studies (matplotlib Figure objects, headless; matplotlib imported lazily).

Every function returns a :class:`matplotlib.figure.Figure`; pass ``ax=`` to draw into your own
axes. Without matplotlib they raise :class:`~linnet_crit.errors.ToolUnavailableError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import DataError, ToolUnavailableError
from .path import RegularizationPath
from .scan import DepthScan
from .stats import RealStatistics

__all__ = ["plot_index_counts", "plot_real_count_distribution", "plot_loss_by_index", "plot_depth_scan", "plot_regularization_path"]


def _figure(ax: Any, ncols: int = 1, size: tuple[float, float] = (6.4, 4.0)) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ToolUnavailableError("matplotlib is not installed; plots need it: pip install 'linnet-crit[plots]'") from None
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.subplots(1, ncols)
    return figure, axes


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


def plot_real_count_distribution(stats: Sequence[RealStatistics], *, ax: Any = None) -> Any:
    """Fraction of draws with each number N_R of real critical points, one marker series per architecture.

    Examples
    --------
    >>> from linnet_crit.landscape.stats import real_statistics_from_records, _example_record
    >>> fig = plot_real_count_distribution([real_statistics_from_records((1, 1, 1), [_example_record()])])
    >>> fig.axes[0].lines[0].get_xydata().tolist()
    [[3.0, 1.0]]
    """
    if not stats:
        raise DataError("plot_real_count_distribution needs at least one RealStatistics")
    figure, ax = _figure(ax)
    for s in stats:
        dist = s.n_real_distribution
        ax.plot(list(dist), np.asarray(list(dist.values())) / s.n_draws, "o-", label=f"{_label(s)}, N_C {max(s.n_complex)}")
    ax.set_xlabel("N_R (real critical points of a draw)")
    ax.set_ylabel("fraction of draws")
    ax.set_title("Distribution of the real count over data draws")
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
