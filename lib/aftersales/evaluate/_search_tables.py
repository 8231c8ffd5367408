"""Comparison tables: the protocol choice, accuracy and time per model, slices of a search."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError
from aftersales.evaluate._runner import Experiment
from aftersales.evaluate._search import SEARCH_METRICS, SearchResult
from aftersales.random import Seed
from aftersales.split import Split, kfold
from aftersales.validate import require_columns


def evaluation_protocol(
    interactions: pd.DataFrame, split: Split, *, folds: int, seed: Seed
) -> Split | list[Split]:
    """Choose the protocol of the comparisons: the prepared split, or k folds.

    Parameters
    ----------
    interactions : pandas.DataFrame
        Every rating (``C.USER``, ``C.ITEM``, ``C.RATING``), cut into folds when ``folds``
        is at least 2.
    split : aftersales.split.Split
        The prepared train/test split, used as is when ``folds`` is 1.
    folds : int
        1 for the single split; k >= 2 for ``aftersales.split.kfold(interactions,
        n_splits=k, seed=seed)`` (Surprise's KFold folds).
    seed : int or numpy.random.Generator
        Seed of the folds.

    Returns
    -------
    Split or list of Split
        What ``aftersales.evaluate.run_experiment`` and ``sweep`` take as ``protocol``.

    Raises
    ------
    ParameterError
        If ``folds`` is not a positive integer, or exceeds the number of rows.
    """
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 1:
        raise ParameterError(f"evaluation_protocol: `folds` must be an integer >= 1; got {folds!r}")
    if folds == 1:
        return split
    return list(kfold(interactions, n_splits=folds, seed=seed))


def accuracy_and_time(
    experiment: Experiment, *, metrics: Sequence[str] = ("rmse", "mae")
) -> pd.DataFrame:
    """One row per model: accuracy over folds and the mean fit and predict times.

    Parameters
    ----------
    experiment : aftersales.evaluate.Experiment
        The result of ``run_experiment`` with rating metrics.
    metrics : sequence of str, default ("rmse", "mae")
        Rating metrics to show, each as a column named after it (the mean over folds),
        in this order.

    Returns
    -------
    pandas.DataFrame
        ``C.MODEL``, one column per metric, ``C.FIT_TIME`` and ``C.PREDICT_TIME`` (mean
        seconds per fold), models in the experiment's order.

    Raises
    ------
    DataValidationError
        If a metric is missing from the experiment's summary.
    """
    summary = experiment.summary
    missing = [m for m in metrics if m not in set(summary[C.METRIC])]
    if missing:
        raise DataValidationError(
            f"accuracy_and_time: metric(s) {missing} not in the experiment; "
            f"it has {sorted(set(summary[C.METRIC]))}"
        )
    order = list(dict.fromkeys(experiment.timings[C.MODEL]))
    accuracy = summary[summary[C.METRIC].isin(list(metrics))].pivot(
        index=C.MODEL, columns=C.METRIC, values=C.MEAN
    )
    times = experiment.timings.groupby(C.MODEL)[[C.FIT_TIME, C.PREDICT_TIME]].mean()
    table = accuracy[list(metrics)].join(times).reindex(order)
    table.columns.name = None
    return table.rename_axis(C.MODEL).reset_index()


def metric_and_time(
    summary: pd.DataFrame, timings: pd.DataFrame, *, metric: str, k: int
) -> pd.DataFrame:
    """One row per model: a ranking metric at ``k`` and the time spent fitting and ranking.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary``.
    timings : pandas.DataFrame
        ``Experiment.timings`` (one row per model and fold).
    metric : str
        The ranking metric.
    k : int
        Its list length.

    Returns
    -------
    pandas.DataFrame
        ``C.MODEL`` (the summary's order), ``C.FIT_TIME`` (fit plus ranking seconds, summed
        over folds) and ``C.MEAN`` (the metric's mean over users), e.g. for
        :func:`aftersales.plots.evaluation.tradeoff`.

    Raises
    ------
    DataValidationError
        If the summary has no row for ``metric`` at ``k``, or a column is missing.
    """
    require_columns(summary, [C.MODEL, C.METRIC, C.K, C.MEAN], source="`summary`")
    require_columns(timings, [C.MODEL, C.FIT_TIME, C.RANK_TIME], source="`timings`")
    rows = summary.loc[summary[C.METRIC] == metric]
    rows = rows.loc[(rows[C.K] == k).fillna(False).astype(bool)]
    if rows.empty:
        raise DataValidationError(f"`summary` has no row for {[metric]} at k={k}")
    means = rows.set_index(C.MODEL)[C.MEAN]
    spent = timings.groupby(C.MODEL, sort=False)[[C.FIT_TIME, C.RANK_TIME]].sum().sum(axis=1)
    frame = pd.DataFrame({C.FIT_TIME: spent.reindex(means.index), C.MEAN: means})
    return frame.reset_index()


def search_slice(
    result: SearchResult, *, rows: str, columns: str, metric: str = "rmse"
) -> pd.DataFrame:
    """Best mean score for every pair of values of two searched parameters.

    Each cell is the best (lowest) mean over folds among the combinations with that pair
    of values, whatever the other parameters; a pair never tried (random search) is NaN.
    With two searched parameters this is the whole grid.

    Parameters
    ----------
    result : SearchResult
        A search's outcome.
    rows, columns : str
        Two different searched parameters (columns of ``result.results``, e.g.
        ``"n_factors"`` and ``"reg_all"``; option parameters as ``"sim_options.name"``).
    metric : {"rmse", "mae"}, default "rmse"
        The score shown.

    Returns
    -------
    pandas.DataFrame
        Index: the values of ``rows``; columns: the values of ``columns``; both sorted.

    Raises
    ------
    ParameterError
        If a parameter was not searched, the two are the same, or the metric is unknown.
    """
    searched = result.parameters
    for name in (rows, columns):
        if name not in searched:
            raise ParameterError(
                f"search_slice: `{name}` was not searched; searched parameters: {searched}"
            )
    if rows == columns:
        raise ParameterError(f"search_slice: `rows` and `columns` must differ; both are {rows!r}")
    if metric not in SEARCH_METRICS:
        raise ParameterError(
            f"search_slice: `metric` is {metric!r}; choose one of {list(SEARCH_METRICS)}"
        )
    scores = result.results[result.results[C.METRIC] == metric]
    table = scores.pivot_table(index=rows, columns=columns, values=C.MEAN, aggfunc="min")
    return table.sort_index().sort_index(axis=1)


def search_ranking(result: SearchResult, *, metric: str = "rmse") -> pd.DataFrame:
    """Rank the combinations of a search from best to worst on one metric.

    Parameters
    ----------
    result : SearchResult
        A search's outcome.
    metric : {"rmse", "mae"}, default "rmse"
        The metric ranked.

    Returns
    -------
    pandas.DataFrame
        ``C.RANK``, the searched parameters, ``C.SETTING``, ``C.MEAN``, ``C.STD``,
        ``C.CI_LOW`` and ``C.CI_HIGH`` (mean -/+ one standard deviation over folds, for
        error bars), ``C.FIT_TIME`` and ``C.PREDICT_TIME``, sorted by rank.

    Raises
    ------
    ParameterError
        If the metric is unknown.
    """
    if metric not in SEARCH_METRICS:
        raise ParameterError(
            f"search_ranking: `metric` is {metric!r}; choose one of {list(SEARCH_METRICS)}"
        )
    scores = result.results[result.results[C.METRIC] == metric].sort_values(C.RANK)
    scores = scores.assign(
        **{C.CI_LOW: scores[C.MEAN] - scores[C.STD], C.CI_HIGH: scores[C.MEAN] + scores[C.STD]}
    )
    columns = [C.RANK, *result.parameters, C.SETTING, C.MEAN, C.STD, C.CI_LOW, C.CI_HIGH]
    return scores[[*columns, C.FIT_TIME, C.PREDICT_TIME]].reset_index(drop=True)
