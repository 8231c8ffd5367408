"""Similarity-measure grid and neighbourhood-size sweeps of Surprise's k-NN models."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.choices import BASES, KNN_MODELS
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.evaluate._runner import run_experiment
from aftersales.evaluate._sweep import sweep
from aftersales.models import SIMILARITIES, make
from aftersales.random import Seed, rng

GRID_COLUMNS: tuple[str, ...] = (
    C.MODEL,
    C.BASIS,
    C.SIMILARITY_MEASURE,
    C.METRIC,
    C.MEAN,
    C.CI_LOW,
    C.CI_HIGH,
    C.FIT_TIME,
    C.PREDICT_TIME,
)
"""Columns of :func:`similarity_grid`."""

KNN_SWEEP_COLUMNS: tuple[str, ...] = (*GRID_COLUMNS[:3], C.K, *GRID_COLUMNS[3:])
"""Columns of :func:`knn_sweep` (``C.K`` is the neighbourhood size)."""


def _names(values: Sequence[str], allowed: tuple[str, ...], what: str) -> list[str]:
    if isinstance(values, str):
        values = [values]
    values = list(values)
    if not values:
        raise ParameterError(f"`{what}` must name at least one of {', '.join(allowed)}; got none")
    bad = [v for v in values if v not in allowed]
    if bad:
        raise UnknownNameError(f"`{what}`: unknown {bad}; valid: {', '.join(allowed)}")
    if len(set(values)) != len(values):
        raise ParameterError(f"`{what}` repeats a value; got {values}")
    return values


def _knn(model_name: str) -> str:
    if model_name not in KNN_MODELS:
        raise UnknownNameError(
            f"`model_name`: {model_name!r} is not a k-NN model; valid: {', '.join(KNN_MODELS)}"
        )
    return model_name


def sample_protocol(
    train: pd.DataFrame, test: pd.DataFrame, *, max_users: int, seed: Seed
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the test rows of at most ``max_users`` test users, drawn at random.

    Models still train on all of ``train``; only the evaluation is smaller (the cost of
    predicting Surprise's k-NN estimates grows with the test rows).

    Parameters
    ----------
    train, test : pandas.DataFrame
        The split (``C.USER`` at least in ``test``); not modified.
    max_users : int
        Test users kept, >= 0; 0 (or at least the number of test users) keeps them all.
    seed : int or numpy.random.Generator
        Seed of the draw.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame)
        ``train`` unchanged and the test rows of the drawn users, in their original order.

    Raises
    ------
    ParameterError
        If ``max_users`` is not an integer >= 0.
    DataValidationError
        If ``test`` has no ``C.USER`` column.
    """
    if isinstance(max_users, bool) or not isinstance(max_users, int | np.integer) or max_users < 0:
        raise ParameterError(f"`max_users` must be an integer >= 0; got {max_users!r}")
    if C.USER not in test:
        raise DataValidationError(f"sample_protocol: `test` lacks column {C.USER!r}")
    users = pd.Index(test[C.USER].unique()).sort_values()
    if max_users == 0 or max_users >= len(users):
        return train, test
    drawn = rng(seed).choice(len(users), size=int(max_users), replace=False)
    return train, test[test[C.USER].isin(users[drawn])]


def _sim_options(basis: str, similarity: str) -> dict[str, object]:
    return {"name": similarity, "user_based": basis == "user"}


def similarity_grid(
    model_name: str,
    similarities: Sequence[str],
    bases: Sequence[str],
    protocol: object,
    *,
    k: int = 40,
    min_k: int = 1,
    metrics: Sequence[str] = ("rmse", "mae"),
    n_resamples: int = 200,
    seed: Seed = 0,
    progress: bool = True,
) -> pd.DataFrame:
    """Evaluate one k-NN model for every basis x similarity measure on one protocol.

    Parameters
    ----------
    model_name : str
        One of :data:`KNN_MODELS`.
    similarities : sequence of str
        Measures from ``aftersales.models.SIMILARITIES``.
    bases : sequence of str
        ``"user"`` and/or ``"item"`` (:data:`BASES`).
    protocol : object
        A split or ``(train, test)`` pair, as :func:`aftersales.evaluate.run_experiment`
        takes it.
    k, min_k : int, default 40 and 1
        Neighbourhood size and the minimum number of neighbours of an estimate.
    metrics : sequence of str, default ("rmse", "mae")
        Rating metrics.
    n_resamples : int, default 200
        Bootstrap replicates of each interval (over users).
    seed : int or numpy.random.Generator, default 0
        Seed of the models and of the bootstrap.
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        :data:`GRID_COLUMNS`, one row per basis, measure and metric (bases, then measures
        in the order given); fit and predict times are the mean over folds, in seconds.

    Raises
    ------
    UnknownNameError
        If the model, a basis or a measure is unknown (the message lists the valid ones).
    ParameterError
        If a list is empty or repeats a value, or ``k``/``min_k`` are out of range.
    """
    model_name = _knn(model_name)
    similarities = _names(similarities, SIMILARITIES, "similarities")
    bases = _names(bases, BASES, "bases")
    plan = {
        f"{basis}-based {similarity}": (basis, similarity)
        for basis in bases
        for similarity in similarities
    }
    models = {
        label: make(
            model_name,
            {"k": k, "min_k": min_k, "sim_options": _sim_options(*setting)},
            seed=seed,
        )
        for label, setting in plan.items()
    }
    experiment = run_experiment(
        models, protocol, metrics=metrics, n_resamples=n_resamples, seed=seed, progress=progress
    )
    times = experiment.timings.groupby(C.MODEL, sort=False)[[C.FIT_TIME, C.PREDICT_TIME]].mean()
    table = experiment.summary.join(times, on=C.MODEL)
    table[C.BASIS] = table[C.MODEL].map({label: s[0] for label, s in plan.items()})
    table[C.SIMILARITY_MEASURE] = table[C.MODEL].map({label: s[1] for label, s in plan.items()})
    table[C.MODEL] = model_name
    return table[list(GRID_COLUMNS)].reset_index(drop=True)


def knn_sweep(
    model_name: str,
    ks: Sequence[int],
    protocol: object,
    *,
    similarity: dict[str, str],
    min_k: int = 1,
    metrics: Sequence[str] = ("rmse", "mae"),
    n_resamples: int = 200,
    seed: Seed = 0,
    progress: bool = True,
) -> pd.DataFrame:
    """Evaluate a k-NN model for each neighbourhood size, per basis and its measure.

    One :func:`aftersales.evaluate.sweep` of ``k`` per basis in ``similarity``.

    Parameters
    ----------
    model_name : str
        One of :data:`KNN_MODELS`.
    ks : sequence of int
        Neighbourhood sizes, >= 1, no repeats.
    protocol : object
        A split or ``(train, test)`` pair.
    similarity : dict of str to str
        Basis (``"user"``/``"item"``) -> the measure used with it, e.g. the result of
        :func:`best_similarity`.
    min_k : int, default 1
        Minimum number of neighbours of an estimate.
    metrics : sequence of str, default ("rmse", "mae")
        Rating metrics.
    n_resamples : int, default 200
        Bootstrap replicates of each interval.
    seed : int or numpy.random.Generator, default 0
        Seed of the models and of the bootstrap.
    progress : bool, default True
        Show progress bars.

    Returns
    -------
    pandas.DataFrame
        :data:`KNN_SWEEP_COLUMNS`, one row per basis, k and metric.

    Raises
    ------
    UnknownNameError
        If the model, a basis or a measure is unknown.
    ParameterError
        If ``ks`` or ``similarity`` is empty, or ``ks`` repeats a value.
    """
    model_name = _knn(model_name)
    if not isinstance(similarity, dict) or not similarity:
        raise ParameterError(f"`similarity` must map a basis to a measure; got {similarity!r}")
    _names(list(similarity), BASES, "similarity (keys)")
    _names(list(dict.fromkeys(similarity.values())), SIMILARITIES, "similarity (values)")
    parts = []
    for basis, measure in similarity.items():  # user- and item-based
        base = {"min_k": min_k, "sim_options": _sim_options(basis, measure)}
        table = sweep(
            model_name,
            "k",
            list(ks),
            protocol,
            base=base,
            metrics=metrics,
            seed=seed,
            n_resamples=n_resamples,
            progress=progress,
        )
        table = table.assign(**{C.BASIS: basis, C.SIMILARITY_MEASURE: measure})
        parts.append(table.drop(columns=C.K).rename(columns={C.SETTING: C.K}))
    out = pd.concat(parts, ignore_index=True)
    out[C.K] = out[C.K].astype("int64")
    return out[list(KNN_SWEEP_COLUMNS)]
