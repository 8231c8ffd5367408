"""Figures of model evaluation (notebooks 02.x and 04.00).

Generic figures take a tidy frame and the names of its columns (:func:`curves`,
:func:`bars_ci`, :func:`tradeoff`, :func:`heatmap`); the experiment figures select the rows of
``Experiment.summary``, ``Experiment.timings`` or a per-group table and label the axes
(:func:`ranking_bars`, :func:`rating_bars`, :func:`metric_at_k`, :func:`group_bars`).
:func:`fit_predict_times`, :func:`sweep_curve`, :func:`search_heatmap`, :func:`search_bars`
and :func:`published_bars` draw the rating-model studies of 02.01.
:func:`tradeoff` is the one trade-off chart (accuracy against time, coverage against
novelty) of every notebook.
"""

from __future__ import annotations

from aftersales.plots.evaluation._curves import SIZE, bars_ci, curves, heatmap, tradeoff
from aftersales.plots.evaluation._rating_studies import (
    fit_predict_times,
    published_bars,
    search_bars,
    search_heatmap,
    sweep_curve,
)
from aftersales.plots.evaluation._summaries import (
    group_bars,
    metric_at_k,
    ranking_bars,
    rating_bars,
)

__all__ = [
    "SIZE",
    "bars_ci",
    "curves",
    "fit_predict_times",
    "group_bars",
    "heatmap",
    "metric_at_k",
    "published_bars",
    "ranking_bars",
    "rating_bars",
    "search_bars",
    "search_heatmap",
    "sweep_curve",
    "tradeoff",
]
