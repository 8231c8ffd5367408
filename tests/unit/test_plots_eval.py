"""aftersales.plots.evaluation, generic figures: each is checked through the data it draws."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from aftersales.errors import DataValidationError
from aftersales.plots import evaluation as P


def sweep_frame():
    return pd.DataFrame(
        {
            "k": [40, 10, 20, 10, 20, 40],
            "metric": ["rmse", "rmse", "rmse", "mae", "mae", "mae"],
            "mean": [0.95, 0.99, 0.96, 0.78, 0.76, 0.75],
            "low": [0.94, 0.98, 0.95, 0.77, 0.75, 0.74],
            "high": [0.96, 1.00, 0.97, 0.79, 0.77, 0.76],
        }
    )


def test_curves_draws_one_sorted_line_per_hue_with_bands() -> None:
    figure = P.curves(
        sweep_frame(),
        x="k",
        y="mean",
        hue="metric",
        low="low",
        high="high",
        title="Sweep",
        xlabel="neighbours k",
        ylabel="error (stars)",
    )
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert axes.get_title() == "Sweep" and axes.get_xlabel() == "neighbours k"
    rmse, mae = axes.get_lines()
    assert rmse.get_label() == "rmse" and mae.get_label() == "mae"
    np.testing.assert_array_equal(rmse.get_xdata(), [10, 20, 40])  # sorted by x
    np.testing.assert_array_equal(rmse.get_ydata(), [0.99, 0.96, 0.95])
    assert len(axes.collections) == 2  # one band per line
    single = P.curves(sweep_frame(), x="k", y="mean", title="t", xlabel="x", ylabel="y", log_x=True)
    assert len(single.axes[0].get_lines()) == 1 and single.axes[0].get_xscale() == "log"


def test_bars_ci_error_bars_span_the_interval() -> None:
    frame = pd.DataFrame(
        {"model": ["SVD", "KNN"], "mean": [0.93, 0.98], "lo": [0.92, 0.95], "hi": [0.95, 0.99]}
    )
    figure = P.bars_ci(
        frame,
        label="model",
        value="mean",
        low="lo",
        high="hi",
        title="RMSE",
        xlabel="RMSE (stars)",
        ylabel="model",
    )
    axes = figure.axes[0]
    widths = [patch.get_width() for patch in axes.patches]
    assert widths == pytest.approx([0.93, 0.98])
    assert [t.get_text() for t in axes.get_yticklabels()] == ["SVD", "KNN"]
    (errors,) = [c for c in axes.containers if type(c).__name__ == "ErrorbarContainer"]
    segments = errors.lines[2][0].get_segments()
    # SVD: 0.93 - 0.01 to 0.93 + 0.02; KNN: 0.98 - 0.03 to 0.98 + 0.01
    assert [tuple(np.round(s[:, 0], 6)) for s in segments] == [(0.92, 0.95), (0.95, 0.99)]


def test_bars_ci_groups_by_hue() -> None:
    frame = pd.DataFrame(
        {
            "segment": ["A", "A", "B", "B"],
            "model": ["m1", "m2", "m1", "m2"],
            "mean": [0.1, 0.2, 0.3, 0.4],
        }
    )
    figure = P.bars_ci(
        frame,
        label="segment",
        value="mean",
        hue="model",
        title="t",
        xlabel="x",
        ylabel="y",
        horizontal=False,
    )
    axes = figure.axes[0]
    heights = [patch.get_height() for patch in axes.patches]
    assert heights == pytest.approx([0.1, 0.3, 0.2, 0.4])  # series m1 first, then m2
    centres = [patch.get_x() + patch.get_width() / 2 for patch in axes.patches]
    assert centres == pytest.approx([-0.2, 0.8, 0.2, 1.2])


def test_tradeoff_labels_every_point_and_refuses_nonpositive_log() -> None:
    frame = pd.DataFrame({"model": ["a", "b"], "time": [0.5, 20.0], "rmse": [0.95, 0.92]})
    figure = P.tradeoff(
        frame, x="time", y="rmse", label="model", title="t", xlabel="fit time (s)", ylabel="RMSE"
    )
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.texts] == ["a", "b"]
    np.testing.assert_array_equal(axes.collections[0].get_offsets(), [[0.5, 0.95], [20.0, 0.92]])
    with pytest.raises(DataValidationError, match="'time' must be > 0"):
        P.tradeoff(
            frame.assign(time=[0.0, 1.0]),
            x="time",
            y="rmse",
            label="model",
            title="t",
            xlabel="x",
            ylabel="y",
        )


def test_heatmap_writes_each_value() -> None:
    table = pd.DataFrame([[0.9, 0.8], [np.nan, 0.85]], index=[0.002, 0.005], columns=[20, 50])
    figure = P.heatmap(table, title="grid", xlabel="n_factors", ylabel="lr_all", fmt="{:.2f}")
    axes = figure.axes[0]
    assert sorted(t.get_text() for t in axes.texts) == ["0.80", "0.85", "0.90"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["20", "50"]


def test_figures_name_the_missing_column_and_refuse_empty_frames() -> None:
    with pytest.raises(DataValidationError, match=r"\['rank'\] missing"):
        P.curves(sweep_frame(), x="rank", y="mean", title="t", xlabel="x", ylabel="y")
    with pytest.raises(DataValidationError, match="empty"):
        P.bars_ci(
            sweep_frame().iloc[:0],
            label="metric",
            value="mean",
            title="t",
            xlabel="x",
            ylabel="y",
        )
    with pytest.raises(DataValidationError, match="numeric"):
        P.heatmap(pd.DataFrame({"a": ["x"]}), title="t", xlabel="x", ylabel="y")
