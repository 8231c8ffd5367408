"""aftersales.plots.retention: each figure is checked through the data it draws."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.plots import retention as plots


def test_auc_intervals_draws_bars_whiskers_and_chance() -> None:
    table = pd.DataFrame(
        {C.MODEL: ["a", "b"], C.AUC: [0.7, 0.4], C.CI_LOW: [0.65, 0.35], C.CI_HIGH: [0.75, 0.5]}
    )
    figure = plots.auc_intervals(table)
    axes = figure.axes[0]
    assert isinstance(figure, Figure) and axes.get_title()
    assert [p.get_width() for p in axes.patches] == pytest.approx([0.7, 0.4])
    assert [t.get_text() for t in axes.get_yticklabels()] == ["a", "b"]
    segments = axes.collections[0].get_segments()
    assert [v for s in segments for v in (s[0][0], s[1][0])] == pytest.approx(
        [0.65, 0.75, 0.35, 0.5]
    )
    assert "AUC" in axes.get_xlabel()
    with pytest.raises(DataValidationError):
        plots.auc_intervals(table.drop(columns=[C.CI_LOW]))


def test_gain_chart_starts_at_zero_and_draws_random() -> None:
    gains = pd.DataFrame(
        {
            C.MODEL: ["s", "s"],
            C.TARGETED_SHARE: [0.5, 1.0],
            C.GAIN: [0.8, 1.0],
            C.LIFT: [1.6, 1.0],
        }
    )
    figure = plots.gain_chart(gains)
    left, right = figure.axes
    line = left.get_lines()[0]
    assert list(line.get_xdata()) == [0.0, 0.5, 1.0]
    assert list(line.get_ydata()) == [0.0, 0.8, 1.0]
    assert list(right.get_lines()[0].get_ydata()) == [1.6, 1.0]
    assert left.get_xlabel() and left.get_ylabel() and right.get_ylabel()


def test_calibration_curve_plots_bins() -> None:
    bins = pd.DataFrame(
        {C.MODEL: ["p", "p"], C.MEAN_PREDICTED: [0.2, 0.8], C.OBSERVED_RATE: [0.1, 0.9]}
    )
    axes = plots.calibration_curve(bins).axes[0]
    assert list(axes.get_lines()[0].get_ydata()) == [0.1, 0.9]
    assert "predicted" in axes.get_xlabel()
