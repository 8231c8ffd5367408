"""Figures of notebook 04.00: the model comparison drawn from an experiment's frames.

Thin wrappers over the generic figures of :mod:`aftersales.plots.evaluation` that select the rows of
``Experiment.summary``, ``Experiment.timings`` or a per-group summary and label the axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.metrics import RANKING_METRICS, RATING_METRICS
from aftersales.plots.evaluation import _curves as plots_eval


def _at_k(summary: pd.DataFrame, metrics: Sequence[str], k: int | None) -> pd.DataFrame:
    rows = summary.loc[summary[C.METRIC].isin(list(metrics))]
    if k is not None:
        rows = rows.loc[(rows[C.K] == k).fillna(False).astype(bool)]
    if rows.empty:
        raise DataValidationError(f"`summary` has no row for {list(metrics)} at k={k}")
    return rows


def ranking_bars(
    summary: pd.DataFrame, *, k: int, metrics: Sequence[str] = RANKING_METRICS
) -> Figure:
    """Draw the ranking metrics at ``k`` per model, with their bootstrap intervals.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary``.
    k : int
        List length.
    metrics : sequence of str, default every ranking metric
        Metrics drawn (one group of bars each).

    Returns
    -------
    matplotlib.figure.Figure
        Grouped horizontal bars, one colour per model.

    Raises
    ------
    DataValidationError
        If the summary has no such row.
    """
    rows = _at_k(summary, metrics, k)
    return plots_eval.bars_ci(
        rows,
        label=C.METRIC,
        value=C.MEAN,
        low=C.CI_LOW,
        high=C.CI_HIGH,
        hue=C.MODEL,
        title=f"Ranking metrics at k = {k} (95 % bootstrap intervals over users)",
        xlabel="mean over test users (0-1, higher is better)",
        ylabel="metric",
    )


def rating_bars(summary: pd.DataFrame, *, metrics: Sequence[str] = ("rmse", "mae")) -> Figure:
    """Draw the rating errors per model, with their bootstrap intervals.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary``.
    metrics : sequence of str, default ("rmse", "mae")
        Rating metrics drawn.

    Returns
    -------
    matplotlib.figure.Figure
        Grouped horizontal bars.

    Raises
    ------
    DataValidationError
        If the summary has no such row (no rating model was compared).
    """
    rows = _at_k(summary, [m for m in metrics if m in RATING_METRICS], None)
    return plots_eval.bars_ci(
        rows,
        label=C.METRIC,
        value=C.MEAN,
        low=C.CI_LOW,
        high=C.CI_HIGH,
        hue=C.MODEL,
        title="Rating prediction error (95 % bootstrap intervals)",
        xlabel="error in rating points (lower is better)",
        ylabel="metric",
    )


def metric_at_k(summary: pd.DataFrame, *, metric: str) -> Figure:
    """Draw a metric against the list length, one line per model with its interval band.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary``.
    metric : str
        A list metric.

    Returns
    -------
    matplotlib.figure.Figure
        The curves.

    Raises
    ------
    DataValidationError
        If the summary has no row for the metric.
    """
    rows = _at_k(summary, [metric], None).astype({C.K: "int64"})
    return plots_eval.curves(
        rows,
        x=C.K,
        y=C.MEAN,
        hue=C.MODEL,
        low=C.CI_LOW,
        high=C.CI_HIGH,
        title=f"{metric}@k against the list length k",
        xlabel="list length k (items recommended)",
        ylabel=f"{metric}@k",
    )


def group_bars(table: pd.DataFrame, *, metric: str, k: int | None, what: str) -> Figure:
    """Draw a metric per customer group and model, with bootstrap intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        ``aftersales.evaluate.group_summary`` output.
    metric : str
        The metric drawn.
    k : int, optional
        Its list length (None for rating metrics).
    what : str
        What the groups are, for the axis label (e.g. "RFM segment").

    Returns
    -------
    matplotlib.figure.Figure
        Grouped horizontal bars, one colour per model.

    Raises
    ------
    DataValidationError
        If the table has no such row.
    """
    rows = _at_k(table, [metric], k).astype({C.GROUP: "str"})
    name = metric if k is None else f"{metric}@{k}"
    return plots_eval.bars_ci(
        rows,
        label=C.GROUP,
        value=C.MEAN,
        low=C.CI_LOW,
        high=C.CI_HIGH,
        hue=C.MODEL,
        title=f"{name} per {what} (95 % bootstrap intervals over the group's users)",
        xlabel=f"mean {name} over the group's test users",
        ylabel=what,
    )


__all__ = ["group_bars", "metric_at_k", "ranking_bars", "rating_bars"]
