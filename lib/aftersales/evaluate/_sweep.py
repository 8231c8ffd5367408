"""One-parameter sweeps: the same model refitted for each value of one parameter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.evaluate._protocol import as_folds
from aftersales.evaluate._runner import run_experiment
from aftersales.models import make
from aftersales.random import Seed

SWEEP_COLUMNS: tuple[str, ...] = (
    C.MODEL,
    C.PARAMETER,
    C.SETTING,
    C.METRIC,
    C.K,
    C.MEAN,
    C.CI_LOW,
    C.CI_HIGH,
    C.FIT_TIME,
    C.PREDICT_TIME,
)
"""Columns of the frame :func:`sweep` returns."""


def sweep(
    model_name: str,
    param: str,
    values: Sequence[Any],
    protocol: object,
    *,
    base: Mapping[str, Any] | None = None,
    folds: int | None = None,
    metrics: Sequence[str] = ("rmse", "mae"),
    seed: Seed = 0,
    n_resamples: int = 200,
    progress: bool = True,
) -> pd.DataFrame:
    """Evaluate a Surprise model for each value of one parameter under one protocol.

    For every value ``v`` the model is ``make(model_name, {**base, param: v},
    seed=seed)``, so the runs differ only in that parameter; each is fitted and scored by
    :func:`run_experiment` on every fold of ``protocol`` (or its first ``folds``).

    Parameters
    ----------
    model_name : str
        A key of ``aftersales.models.MODEL_NAMES``.
    param : str
        The parameter swept, e.g. ``"k"`` (KNN), ``"n_factors"`` or ``"n_epochs"``.
    values : sequence
        Its values, in the order reported; at least one, no repeats.
    protocol : object
        A split or folds, as :func:`run_experiment` takes them.
    base : mapping, optional
        The other parameters, shared by every run (e.g. ``{"sim_options": {...}}``).
    folds : int, optional
        Score on the first ``folds`` folds of ``protocol`` only (all of them when it holds
        fewer); default every fold. A curve's shape needs fewer folds than a comparison.
    metrics : sequence of str, default ("rmse", "mae")
        Rating metrics from ``aftersales.metrics.RATING_METRICS``.
    seed : int or numpy.random.Generator, default 0
        Seed of every model and of the bootstrap intervals.
    n_resamples : int, default 200
        Bootstrap replicates of each interval.
    progress : bool, default True
        Show a progress bar over values x folds.

    Returns
    -------
    pandas.DataFrame
        :data:`SWEEP_COLUMNS`: one row per value and metric, ``C.SETTING`` holding the
        value, ``C.MEAN`` the metric's mean over folds with its bootstrap interval, and
        the mean fit and predict times over folds in seconds.

    Raises
    ------
    ParameterError
        If ``values`` is empty or repeats a value, ``base`` sets ``param`` too, or ``folds``
        is not a positive integer.
    UnknownNameError
        If the model, a parameter or a metric name is unknown (the message lists the
        valid ones).
    """
    base = dict(base or {})
    values = list(values)
    if not values:
        raise ParameterError(f"sweep of `{param}`: `values` is empty; give at least one value")
    labels = [f"{param}={value}" for value in values]
    if len(set(labels)) != len(labels):
        raise ParameterError(f"sweep of `{param}`: `values` repeats a value; got {values}")
    if param in base:
        raise ParameterError(f"sweep of `{param}`: `base` sets `{param}` too; leave it to `values`")
    if folds is not None:
        if isinstance(folds, bool) or not isinstance(folds, int) or folds < 1:
            raise ParameterError(
                f"sweep of `{param}`: `folds` must be a positive integer or None; got {folds!r}"
            )
        protocol = as_folds(protocol)[:folds]
    models = {
        label: make(model_name, {**base, param: value}, seed=seed)
        for label, value in zip(labels, values, strict=True)
    }
    experiment = run_experiment(
        models, protocol, metrics=metrics, n_resamples=n_resamples, seed=seed, progress=progress
    )
    setting = dict(zip(labels, values, strict=True))
    times = experiment.timings.groupby(C.MODEL, sort=False)[[C.FIT_TIME, C.PREDICT_TIME]].mean()
    table = experiment.summary.join(times, on=C.MODEL)
    table[C.SETTING] = table[C.MODEL].map(setting)
    table[C.MODEL] = model_name
    table[C.PARAMETER] = param
    return table[list(SWEEP_COLUMNS)].reset_index(drop=True)
