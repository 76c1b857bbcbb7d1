"""Plots render headless to PNG and show the numbers of the tables they are given."""

from __future__ import annotations

import sys
from math import comb

import numpy as np
import pytest

from linnet_crit.architecture import Architecture
from linnet_crit.classify import critical_point_table, pattern_table
from linnet_crit.data import random_instance
from linnet_crit.errors import DataError, ToolUnavailableError
from linnet_crit.plots import plot_loss_vs_index, plot_pattern_counts, plot_real_counts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _table():
    # one point per alive set of widths 2,2,2 with its expected multiplicity 4^r·C(2,r)
    arch = Architecture((2, 2, 2))
    rng = np.random.default_rng(0)
    points = [np.zeros(arch.n_unknowns)]
    for alive in arch.alive_sets():
        r = len(alive[0])
        for _ in range(4**r * comb(2, r)):
            x = np.zeros(arch.n_unknowns)
            x[arch.embedding_index(alive)] = rng.uniform(0.5, 2.0, arch.embedding_index(alive).size)
            points.append(x)
    return pattern_table(np.array(points), arch, samples=1)


def _saved(figure, path):
    figure.savefig(path, format="png")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 1000
    return data


@pytest.mark.parametrize(("by", "heights"), [("class", [1, 16, 16]), ("alive", [1, 8, 8, 16])])
def test_pattern_counts_render_with_the_counts_as_bars(tmp_path, by, heights):
    figure = plot_pattern_counts(_table(), by=by)
    _saved(figure, tmp_path / f"patterns_{by}.png")
    assert [round(bar.get_height()) for bar in figure.axes[0].patches] == heights


def test_real_count_histogram_renders(tmp_path):
    counts = [1, 5, 5, 9, 5, 1]
    figure = plot_real_counts(counts, n_complex=33)
    _saved(figure, tmp_path / "real_counts.png")
    heights = {round(bar.get_x() + bar.get_width() / 2): bar.get_height() for bar in figure.axes[0].patches}
    assert {k: v for k, v in heights.items() if v} == {1: 2, 5: 3, 9: 1}


def test_loss_vs_index_renders_every_real_point(tmp_path):
    tables = [critical_point_table(random_instance((1, 1, 1, 1), seed=s), np.zeros((1, 3))) for s in range(3)]
    figure = plot_loss_vs_index(tables)
    _saved(figure, tmp_path / "loss_index.png")
    offsets = np.vstack([c.get_offsets() for c in figure.axes[0].collections])
    assert sorted(offsets[:, 1]) == pytest.approx(sorted(t.points[0].loss for t in tables))


def test_plots_draw_into_given_axes():
    from matplotlib.figure import Figure

    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert plot_pattern_counts(_table(), ax=left) is figure
    assert plot_real_counts([3, 3], ax=right) is figure


def test_bad_arguments_are_rejected():
    with pytest.raises(DataError, match="by = 'size'"):
        plot_pattern_counts(_table(), by="size")
    with pytest.raises(DataError, match="whole numbers"):
        plot_real_counts([1.5, 2])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ToolUnavailableError, match=r"pip install 'linnet-crit\[plots\]'"):
        plot_real_counts([1, 3])
