"""Figures of the rating-model studies (02.01): times, sweeps, searches, the published table.

Each function takes a result of :mod:`aftersales.evaluate` (an experiment, a search, the
published-table reproduction), shapes it and returns a ``matplotlib.figure.Figure`` with a
title and labelled axes (units in the labels).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.evaluate import SearchResult, search_ranking, search_slice
from aftersales.plots.evaluation._curves import bars_ci, curves, heatmap

_NAMES = {"rmse": "RMSE", "mae": "MAE"}


def _name(metric: str) -> str:
    return _NAMES.get(metric, metric)


def fit_predict_times(table: pd.DataFrame) -> Figure:
    """Mean fit and predict time per fold of each model.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.evaluate.accuracy_and_time`'s frame.

    Returns
    -------
    matplotlib.figure.Figure
        Grouped horizontal bars (fit, predict).

    Raises
    ------
    DataValidationError
        If a column is missing or the table is empty.
    """
    missing = [c for c in (C.MODEL, C.FIT_TIME, C.PREDICT_TIME) if c not in table]
    if missing:
        raise DataValidationError(
            f"fit_predict_times: column(s) {missing} missing; got {list(table.columns)}"
        )
    long = table.melt(
        id_vars=[C.MODEL],
        value_vars=[C.FIT_TIME, C.PREDICT_TIME],
        var_name=C.STEP,
        value_name=C.VALUE,
    )
    return bars_ci(
        long,
        label=C.MODEL,
        value=C.VALUE,
        hue=C.STEP,
        title="Fit and predict time",
        xlabel="mean seconds per fold",
        ylabel="model",
    )


def sweep_curve(frame: pd.DataFrame, *, xlabel: str, log_x: bool = False) -> Figure:
    """Draw the validation curve of a one-parameter sweep: error against the value.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``aftersales.evaluate.sweep``'s frame (``C.SETTING``, ``C.METRIC``, ``C.MEAN``,
        ``C.CI_LOW``, ``C.CI_HIGH``, ``C.MODEL``, ``C.PARAMETER``).
    xlabel : str
        Label of the parameter axis, with its unit.
    log_x : bool, default False
        Logarithmic parameter axis.

    Returns
    -------
    matplotlib.figure.Figure
        One line per metric with its bootstrap band.

    Raises
    ------
    DataValidationError
        If a column is missing or the frame is empty.
    """
    if frame.empty or C.MODEL not in frame or C.PARAMETER not in frame:
        raise DataValidationError("sweep_curve: expected a non-empty frame from evaluate.sweep")
    model, parameter = frame[C.MODEL].iloc[0], frame[C.PARAMETER].iloc[0]
    return curves(
        frame,
        x=C.SETTING,
        y=C.MEAN,
        hue=C.METRIC,
        low=C.CI_LOW,
        high=C.CI_HIGH,
        title=f"{model}: test error against {parameter}",
        xlabel=xlabel,
        ylabel="error (rating points)",
        log_x=log_x,
    )


def search_heatmap(
    result: SearchResult, *, rows: str, columns: str, metric: str = "rmse"
) -> Figure:
    """Heatmap of the best mean cross-validated error over two searched parameters.

    Parameters
    ----------
    result : SearchResult
        A search's outcome.
    rows, columns : str
        Two searched parameters (see :func:`aftersales.evaluate.search_slice`).
    metric : {"rmse", "mae"}, default "rmse"
        The score shown.

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap, values written in the cells.

    Raises
    ------
    ParameterError
        As :func:`aftersales.evaluate.search_slice`.
    """
    table = search_slice(result, rows=rows, columns=columns, metric=metric)
    others = [p for p in result.parameters if p not in (rows, columns)]
    note = f" (best over {', '.join(others)})" if others else ""
    return heatmap(
        table,
        title=f"{result.model} {result.kind} search: mean CV {_name(metric)}{note}",
        xlabel=columns,
        ylabel=rows,
        fmt="{:.4f}",
    )


def search_bars(result: SearchResult, *, metric: str = "rmse", top: int = 20) -> Figure:
    """Draw the searched combinations from best to worst, +/- one sd over folds.

    Parameters
    ----------
    result : SearchResult
        A search's outcome.
    metric : {"rmse", "mae"}, default "rmse"
        The score ranked.
    top : int, default 20
        Combinations drawn (the best ones).

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars, the best on top.

    Raises
    ------
    ParameterError
        If the metric is unknown.
    """
    ranking = search_ranking(result, metric=metric).head(top)
    figure = bars_ci(
        ranking,
        label=C.SETTING,
        value=C.MEAN,
        low=C.CI_LOW,
        high=C.CI_HIGH,
        title=f"{result.model} {result.kind} search: combinations by mean CV {_name(metric)}",
        xlabel=f"mean {_name(metric)} over folds (+/- 1 sd; rating points)",
        ylabel="combination",
    )
    axes = figure.axes[0]
    low = float(ranking[C.CI_LOW].min())
    high = float(ranking[C.CI_HIGH].max())
    margin = max((high - low) * 0.15, 1e-3)
    axes.set_xlim(max(low - margin, 0.0), high + margin)  # bars start near the scores
    return figure


def published_bars(comparison: pd.DataFrame, *, metric: str = "rmse") -> Figure:
    """Our score next to Surprise's published one, model by model.

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`aftersales.evaluate.published_protocol`'s frame.
    metric : {"rmse", "mae"}, default "rmse"
        The metric drawn.

    Returns
    -------
    matplotlib.figure.Figure
        Paired horizontal bars per model.

    Raises
    ------
    DataValidationError
        If a column is missing or no row has the metric.
    """
    missing = [c for c in (C.MODEL, C.METRIC, C.OURS, C.PUBLISHED) if c not in comparison]
    if missing:
        raise DataValidationError(
            f"published_bars: column(s) {missing} missing; got {list(comparison.columns)}"
        )
    rows = comparison[comparison[C.METRIC] == metric]
    long = rows.melt(
        id_vars=[C.MODEL], value_vars=[C.OURS, C.PUBLISHED], var_name=C.GROUP, value_name=C.VALUE
    )
    figure = bars_ci(
        long,
        label=C.MODEL,
        value=C.VALUE,
        hue=C.GROUP,
        title=f"MovieLens 100K, 5-fold CV: our {_name(metric)} and Surprise's published one",
        xlabel=f"mean {_name(metric)} over folds (rating points)",
        ylabel="model",
    )
    figure.axes[0].get_legend().set_title("")
    return figure


__all__ = [
    "fit_predict_times",
    "published_bars",
    "search_bars",
    "search_heatmap",
    "sweep_curve",
]
