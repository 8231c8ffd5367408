"""Figures of notebook 02.00: the neighbourhood-size sweep with the chosen k marked."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.plots._base import labelled_axes, new_figure

METRIC_LABELS = {"rmse": "RMSE (stars)", "mae": "MAE (stars)", "mse": "MSE (stars squared)"}
"""Axis labels of the rating metrics."""


def k_sweep(
    frame: pd.DataFrame,
    *,
    chosen: Mapping[str, int] | None = None,
    title: str,
    log_x: bool = True,
) -> Figure:
    """Draw each metric against the neighbourhood size, one line per basis, side by side.

    Parameters
    ----------
    frame : pandas.DataFrame
        An ``aftersales.evaluate.knn_sweep`` result: ``C.BASIS``, ``C.SIMILARITY_MEASURE``,
        ``C.K``, ``C.METRIC``, ``C.MEAN``, ``C.CI_LOW``, ``C.CI_HIGH``.
    chosen : mapping of str to int, optional
        Basis -> the k chosen for it, marked by a dashed vertical line and a ring.
    title : str
        The figure's title.
    log_x : bool, default True
        Logarithmic k axis (sizes usually double), ticks at the swept values.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per metric, in the frame's order; the band is the bootstrap interval.

    Raises
    ------
    DataValidationError
        If a column is missing or the frame is empty.
    """
    needed = [C.BASIS, C.SIMILARITY_MEASURE, C.K, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH]
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(f"k_sweep: expected a DataFrame; got {type(frame).__name__}")
    missing = [c for c in needed if c not in frame]
    if missing:
        raise DataValidationError(f"k_sweep: column(s) {missing} missing; got {list(frame)}")
    if frame.empty:
        raise DataValidationError("k_sweep: the frame is empty; nothing to draw")
    chosen = dict(chosen or {})
    metrics = list(dict.fromkeys(frame[C.METRIC]))
    figure = new_figure((5.2 * len(metrics), 4.2))
    figure.suptitle(title)
    ks = sorted(frame[C.K].unique().tolist())
    for position, metric in enumerate(metrics, start=1):  # one panel per metric
        axes = labelled_axes(
            figure,
            f"{metric.upper()} (lower is better; dashed: chosen k)",
            "neighbourhood size k (neighbours)",
            METRIC_LABELS.get(metric, metric),
            1,
            len(metrics),
            position,
            title_size="medium",
        )
        rows = frame[frame[C.METRIC] == metric]
        for basis, part in rows.groupby(C.BASIS, sort=False):  # user- and item-based
            part = part.sort_values(C.K)
            label = f"{basis}-based, {part[C.SIMILARITY_MEASURE].iloc[0]}"
            (line,) = axes.plot(part[C.K], part[C.MEAN], marker="o", markersize=4, label=label)
            colour = line.get_color()
            axes.fill_between(
                part[C.K], part[C.CI_LOW], part[C.CI_HIGH], color=colour, alpha=0.15, linewidth=0
            )
            if basis in chosen:
                k = chosen[basis]
                axes.axvline(k, color=colour, linestyle="--", linewidth=1)
                at = part[part[C.K] == k]
                if not at.empty:
                    axes.scatter(
                        at[C.K], at[C.MEAN], s=90, facecolors="none", edgecolors=colour, zorder=3
                    )
        if log_x:
            axes.set_xscale("log")
        axes.set_xticks(ks, [str(k) for k in ks])
        axes.minorticks_off()
        axes.legend(fontsize="small")
    return figure


def similarity_points(frame: pd.DataFrame, *, metric: str = "rmse", title: str) -> Figure:
    """Draw one metric per similarity measure as points with intervals, one series per basis.

    Points rather than bars: errors near 1 star differ by hundredths, which bars drawn
    from zero hide.

    Parameters
    ----------
    frame : pandas.DataFrame
        An ``aftersales.evaluate.similarity_grid`` result.
    metric : str, default "rmse"
        The metric drawn.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        Measures along the horizontal axis (grid order), the metric with its bootstrap
        interval vertically, user- and item-based side by side.

    Raises
    ------
    DataValidationError
        If a column is missing or the frame has no row for ``metric``.
    """
    needed = [C.BASIS, C.SIMILARITY_MEASURE, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH]
    if not isinstance(frame, pd.DataFrame):
        kind = type(frame).__name__
        raise DataValidationError(f"similarity_points: expected a DataFrame; got {kind}")
    missing = [c for c in needed if c not in frame]
    if missing:
        raise DataValidationError(
            f"similarity_points: column(s) {missing} missing; got {list(frame)}"
        )
    rows = frame[frame[C.METRIC] == metric]
    if rows.empty:
        found = sorted(frame[C.METRIC].unique().tolist())
        raise DataValidationError(f"similarity_points: no rows for {metric!r}; found {found}")
    measures = list(dict.fromkeys(rows[C.SIMILARITY_MEASURE]))
    groups = list(rows.groupby(C.BASIS, sort=False))
    figure = new_figure((7.5, 4.2))
    ylabel = METRIC_LABELS.get(metric, metric) + ", 95% interval"
    axes = labelled_axes(figure, title, "similarity measure", ylabel)
    width = 0.5 / max(len(groups), 1)
    for number, (basis, part) in enumerate(groups):  # user- and item-based
        where = [measures.index(m) for m in part[C.SIMILARITY_MEASURE]]
        shift = (number - (len(groups) - 1) / 2) * width
        centre = part[C.MEAN].to_numpy(dtype=float)
        below = (centre - part[C.CI_LOW].to_numpy(dtype=float)).clip(0)
        above = (part[C.CI_HIGH].to_numpy(dtype=float) - centre).clip(0)
        axes.errorbar(
            [w + shift for w in where],
            centre,
            yerr=[below, above],
            fmt="o",
            capsize=4,
            label=f"{basis}-based",
        )
    axes.set_xticks(range(len(measures)), measures)
    axes.set_xlim(-0.5, len(measures) - 0.5)
    axes.legend(fontsize="small")
    return figure


def metric_points(frame: pd.DataFrame, *, title: str, ylabel: str) -> Figure:
    """Draw each model's metrics as points with intervals, metrics side by side.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of an experiment summary: ``C.MODEL``, ``C.METRIC``, ``C.MEAN``,
        ``C.CI_LOW``, ``C.CI_HIGH`` (give metrics on one scale, e.g. RMSE and MAE).
    title, ylabel : str
        Title and vertical label (with units).

    Returns
    -------
    matplotlib.figure.Figure
        Metrics along the horizontal axis (frame order), one series per model (legend
        below the axes, so long model names never cover a point).

    Raises
    ------
    DataValidationError
        If a column is missing or the frame is empty.
    """
    needed = [C.MODEL, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH]
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError(
            f"metric_points: expected a DataFrame; got {type(frame).__name__}"
        )
    missing = [c for c in needed if c not in frame]
    if missing:
        raise DataValidationError(f"metric_points: column(s) {missing} missing; got {list(frame)}")
    if frame.empty:
        raise DataValidationError("metric_points: the frame is empty; nothing to draw")
    metrics = list(dict.fromkeys(frame[C.METRIC]))
    groups = list(frame.groupby(C.MODEL, sort=False))
    figure = new_figure((7.5, 4.2 + 0.25 * len(groups)))
    axes = labelled_axes(figure, title, "metric", ylabel)
    width = 0.6 / max(len(groups), 1)
    for number, (model, part) in enumerate(groups):  # a handful of models
        where = [
            metrics.index(m) + (number - (len(groups) - 1) / 2) * width for m in part[C.METRIC]
        ]
        centre = part[C.MEAN].to_numpy(dtype=float)
        below = (centre - part[C.CI_LOW].to_numpy(dtype=float)).clip(0)
        above = (part[C.CI_HIGH].to_numpy(dtype=float) - centre).clip(0)
        axes.errorbar(where, centre, yerr=[below, above], fmt="o", capsize=4, label=str(model))
    axes.set_xticks(range(len(metrics)), metrics)
    axes.set_xlim(-0.5, len(metrics) - 0.5)
    figure.legend(loc="outside lower center", fontsize="small", ncols=1, title="model")
    return figure


__all__ = ["METRIC_LABELS", "k_sweep", "metric_points", "similarity_points"]
